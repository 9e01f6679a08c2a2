//! The interview debrief form.

use crate::html::{
    Fields, Nav, Sticky, app_url, describedby, error_page, field_error, form_error, page,
    redirect_with, select, urlencode,
};
use crate::ops::{self};
use crate::state::{AppState, Problem, Result};
use axum::Extension;
use axum::extract::Path;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use debrief_core::model::{Channel, PersonKind, SlipUp};
use debrief_core::text::when;
use maud::html;

use super::common::{Form, respond};

pub(super) async fn debrief_form(
    Extension(st): Extension<AppState>,
    Path((id, iv)): Path<(String, String)>,
    h: HeaderMap,
) -> Response {
    respond(&h, debrief_page(&st, &h, &id, &iv, &Sticky::default()))
}

fn debrief_page(
    st: &AppState,
    h: &HeaderMap,
    id: &str,
    iv_id: &str,
    s: &Sticky,
) -> Result<Response> {
    let app = st.application(id)?;
    let clock = st.clock()?;
    let iv = app.interview(iv_id).ok_or_else(|| {
        Problem::not_found(format!(
            "{} has no such interview: it may have been deleted",
            app.company
        ))
    })?;
    let f = "debrief";
    let status = s
        .problem
        .as_ref()
        .map(|p| p.status)
        .unwrap_or(StatusCode::OK);
    let asked = s.value(
        f,
        "asked_questions",
        match iv.asked_questions {
            Some(true) => "yes",
            Some(false) => "no",
            None => "",
        },
    );
    let r = iv.reflection.clone().unwrap_or_default();
    let body = html! {
        h1 { "Debrief: " (app.company) }
        p.lede { "The interview of " (when(iv.start.ts, &clock.tz)) ", " (iv.format) ". Write it down now, while you remember. Blank fields are fine." }
        form.stack method="post" action=(format!("{}/interviews/{}/debrief", app_url(&app.id), urlencode(&iv.id))) {
            (form_error(s, f, &["newcomers"]))
            h2 { "Who was there" }
            @for p in &app.people {
                @let pid = &p.id;
                fieldset.person {
                    legend { (p.name) " (" (p.kind) ")" }
                    label.check { input type="checkbox" name="interviewer" value=(pid) checked[iv.interviewers.contains(pid)]; " Interviewed me" }
                    label.check { input type="checkbox" name="also_met" value=(pid) checked[iv.also_met.contains(pid)]; " Also met (reception, coordinator…)" }
                    label for=(format!("said-{pid}")) { "What " (p.name) " said about the company or the role (one point per line)" }
                    textarea id=(format!("said-{pid}")) name=(format!("said-{pid}")) rows="2" { (s.value(f, &format!("said-{pid}"), "")) }
                    label for=(format!("after-{pid}")) { "Their date: \"if you haven't heard by…\"" }
                    input type="date" id=(format!("after-{pid}")) name=(format!("after-{pid}"))
                        value=(s.value(f, &format!("after-{pid}"), &p.stated_after().map(|d| d.to_string()).unwrap_or_default()))
                        aria-describedby=[describedby(s, f, &format!("after-{pid}"))];
                    (field_error(s, f, &format!("after-{pid}")))
                    label for=(format!("prefers-{pid}")) { "How they want to be contacted" }
                    (select(&format!("prefers-{pid}"), &format!("prefers-{pid}"), Channel::ALL,
                        s.value(f, &format!("prefers-{pid}"), &p.preferred_channel().map(|c| c.to_string()).unwrap_or_default()), Some("not said")))
                }
            }
            label for="newcomers" { "Someone not listed? One name per line (added as interviewers)" }
            textarea #newcomers name="newcomers" rows="2" { (s.value(f, "newcomers", "")) }
            (field_error(s, f, "newcomers"))
            label for="newcomers_met" { "Also met someone not listed (the receptionist, a coordinator)? One name per line" }
            textarea #newcomers_met name="newcomers_met" rows="2" { (s.value(f, "newcomers_met", "")) }
            (field_error(s, f, "newcomers_met"))
            h2 { "How it went" }
            fieldset {
                legend { "Did you ask them questions?" }
                label.check { input type="radio" name="asked_questions" value="yes" checked[asked == "yes"]; " Yes" }
                label.check { input type="radio" name="asked_questions" value="no" checked[asked == "no"]; " No" }
                label.check { input type="radio" name="asked_questions" value="" checked[asked.is_empty()]; " Not sure" }
            }
            label.check { input type="checkbox" name="disrupted" value="true" checked[iv.disrupted]; " Something disrupted it (noise, a call dropped…)" }
            fieldset {
                legend { "Slip-ups" }
                @for n in 1..=3 {
                    label for=(format!("slip-{n}")) { "Slip-up " (n) }
                    input type="text" id=(format!("slip-{n}")) name=(format!("slip-{n}")) maxlength="500" value=(s.value(f, &format!("slip-{n}"), ""));
                    label.check { input type="checkbox" name=(format!("noticed-{n}")) value="true"; " They noticed" }
                }
            }
            h2 { "Reflection" }
            label for="went_well" { "1. What went well?" }
            textarea #went_well name="went_well" rows="3" { (s.value(f, "went_well", &r.went_well)) }
            label for="change" { "2. If you could change one thing, what would it be?" }
            textarea #change name="change" rows="3" { (s.value(f, "change", &r.change)) }
            label for="mistakes" { "3. Mistakes, one per line" }
            textarea #mistakes name="mistakes" rows="3" { (s.value(f, "mistakes", "")) }
            @if !r.mistakes.is_empty() { p.muted { "Already recorded: " (r.mistakes.join("; ")) } }
            label for="missing" { "4. Information you lacked, one per line" }
            textarea #missing name="missing" rows="2" { (s.value(f, "missing", "")) }
            @if !r.missing_info.is_empty() { p.muted { "Already recorded: " (r.missing_info.join("; ")) } }
            label for="hardest" { "5. The hardest question, and how you would answer it next time" }
            textarea #hardest name="hardest" rows="2" { (s.value(f, "hardest", r.hardest_question.as_deref().unwrap_or(""))) }
            button type="submit" { "Save the debrief" }
        }
    };
    Ok(page(h, status, "Debrief", Some(Nav::Applications), body))
}

pub(super) async fn debrief_save(
    Extension(st): Extension<AppState>,
    Path((id, iv)): Path<(String, String)>,
    h: HeaderMap,
    axum::extract::Form(f): Form,
) -> Response {
    let f = Fields(f);
    let run = || -> Result<()> {
        let now = st.clock()?.now;
        let asked = match f.get("asked_questions") {
            "yes" => Some(true),
            "no" => Some(false),
            _ => None,
        };
        let newcomers = f.lines("newcomers");
        let newcomers_met = f.lines("newcomers_met");
        let slips: Vec<SlipUp> = (1..=3)
            .filter_map(|n| {
                f.opt(&format!("slip-{n}")).map(|text| SlipUp {
                    text,
                    noticed: f.get(&format!("noticed-{n}")) == "true",
                    apologized: false,
                })
            })
            .collect();
        let interviewers = f.all("interviewer");
        let also_met = f.all("also_met");
        st.edit(&id, |app| {
            let mut people: Vec<ops::DebriefPerson> = Vec::new();
            for p in &app.people {
                let pid = &p.id.to_string();
                people.push(ops::DebriefPerson {
                    id: pid.clone(),
                    interviewer: interviewers.contains(pid),
                    also_met: also_met.contains(pid),
                    said: f.lines(&format!("said-{pid}")),
                    prefers: f.parse::<Channel>(&format!("prefers-{pid}"))?,
                    after: f.opt(&format!("after-{pid}")),
                });
            }
            for name in &newcomers {
                let pid = ops::add_person(
                    app,
                    &ops::NewPerson {
                        name: name.clone(),
                        ..Default::default()
                    },
                )
                .map_err(|e| Problem::field("newcomers", e.message))?;
                people.push(ops::DebriefPerson {
                    id: pid,
                    interviewer: true,
                    ..Default::default()
                });
            }
            for name in &newcomers_met {
                let pid = ops::add_person(
                    app,
                    &ops::NewPerson {
                        name: name.clone(),
                        kind: Some(PersonKind::Receptionist),
                        ..Default::default()
                    },
                )
                .map_err(|e| Problem::field("newcomers_met", e.message))?;
                people.push(ops::DebriefPerson {
                    id: pid,
                    also_met: true,
                    ..Default::default()
                });
            }
            let d = ops::Debrief {
                people,
                asked_questions: asked,
                disrupted: f.get("disrupted") == "true",
                slip_ups: slips,
                went_well: f.get("went_well").to_string(),
                change: f.get("change").to_string(),
                mistakes: f.lines("mistakes"),
                missing: f.lines("missing"),
                hardest: f.get("hardest").to_string(),
            };
            ops::debrief(app, &iv, &d, now)
        })
    };
    match run() {
        Ok(()) => redirect_with(
            &app_url(&id),
            "ok",
            "Saved the debrief. Your thank-you notes are in Next actions.",
        ),
        Err(p) if p.status == StatusCode::NOT_FOUND => error_page(&h, &p),
        Err(p) => respond(
            &h,
            debrief_page(&st, &h, &id, &iv, &Sticky::failed("debrief", f, p)),
        ),
    }
}
