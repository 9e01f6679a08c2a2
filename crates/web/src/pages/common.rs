//! What the page modules share: the form type, rendering a result, names
//! of people, the action card and the forms more than one page shows.

use crate::html::{
    Fields, Sticky, app_url, describedby, error_page, field_error, form_error, select, urlencode,
};
use crate::ops::{self};
use crate::state::{AppState, Result};
use axum::http::HeaderMap;
use axum::response::Response;
use debrief_core::engine::Action;
use debrief_core::model::{Application, Channel, Policy, RecruiterKind, Stage};
use debrief_core::rules::Rule;
use debrief_core::text::when;
use maud::{Markup, html};

pub(super) type Form = axum::extract::Form<Vec<(String, String)>>;

/// Renders a page-producing result, turning a failure into an error page.
pub(super) fn respond(h: &HeaderMap, r: Result<Response>) -> Response {
    r.unwrap_or_else(|p| error_page(h, &p))
}

pub(super) fn person_name<'a>(app: &'a Application, id: &'a str) -> &'a str {
    app.person(id).map(|p| p.name.as_str()).unwrap_or(id)
}

/// A person's name for a message after a write (their id if unreadable).
pub(super) fn name_of(st: &AppState, app: &str, person: &str) -> String {
    st.application(app)
        .map(|a| person_name(&a, person).to_string())
        .unwrap_or_else(|_| person.to_string())
}

/// 13972 → "13,972".
pub(super) fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// One agenda action: what, why, which rule, and one click to deal with it.
pub(super) fn action_card(
    a: &Action,
    company: &str,
    tz: &jiff::tz::TimeZone,
    back: &str,
) -> Markup {
    let touch = ops::touch_for_rule(a.rule);
    let note = ops::note_kind_for_rule(a.rule);
    let url = app_url(&a.application);
    html! {
        li.action.(a.state.as_str()) data-rule=(a.rule.id()) {
            div.what {
                span.state { (a.state.as_str()) }
                " "
                strong.title { (a.title) }
                " · "
                a href=(url) { (company) }
            }
            p.why { (a.why) }
            p.meta {
                "Rule " code { (a.rule.id()) }
                " · opens " (when(a.opens.ts, tz))
                " · due " (when(a.due.ts, tz))
                @if let Some(c) = a.channel { " · by " (c.as_str()) }
            }
            @if let Some(p) = &a.policy {
                p.meta { "Policy: " (p.applied) ". " (p.reason) }
            }
            // A coach reading a candidate's agenda sees it, and no button
            // that would change it.
            @if !crate::account::read_only() { div.buttons {
                @if let (Some(kind), Some(person)) = (touch, &a.person) {
                    @if let Some(k) = note {
                        a.button href=(format!("{url}/compose?person={}&kind={}", urlencode(person), k.as_str())) { "Write it" }
                    }
                    form method="post" action="/actions/log" {
                        (hidden_action(a, back))
                        input type="hidden" name="kind" value=(kind.as_str());
                        input type="hidden" name="channel" value=(a.channel.unwrap_or(Channel::Email).as_str());
                        button.secondary type="submit" { "Log as sent" }
                    }
                } @else {
                    @if let (Some(iv), true) = (&a.interview, matches!(a.rule, Rule::DebriefCapture | Rule::Reflect)) {
                        a.button href=(format!("{url}/interviews/{}/debrief", urlencode(iv))) { "Debrief it" }
                    }
                    form method="post" action="/actions/dismiss" {
                        (hidden_action(a, back))
                        input type="hidden" name="reason" value="done";
                        button.secondary[matches!(a.rule, Rule::DebriefCapture | Rule::Reflect)] type="submit" { "Mark done" }
                    }
                }
                @if let (Some(iv), true) = (&a.interview, about_the_date(a.rule)) {
                    a.button.secondary href=(format!("{url}#interview-{}", urlencode(iv))) { "Reschedule" }
                }
                details.dismiss {
                    summary { "Dismiss…" }
                    form method="post" action="/actions/dismiss" {
                        (hidden_action(a, back))
                        @let rid = format!("reason-{}-{}-{}-{}", a.application, a.rule.id(), a.interview.as_deref().unwrap_or(""), a.person.as_deref().unwrap_or(""));
                        label for=(rid) { "Why skip it?" }
                        input type="text" id=(rid) name="reason" required maxlength="500" placeholder="e.g. they asked me not to";
                        button type="submit" data-confirm="Dismiss this action?" { "Dismiss" }
                    }
                }
            } }
        }
    }
}

/// Actions about an interview still to come (or to be set again), for
/// which moving the interview is the answer.
fn about_the_date(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::PrepareResearch
            | Rule::PrepareInterviewer
            | Rule::PrepareQuestions
            | Rule::PrepareContribution
            | Rule::InterviewReminder
            | Rule::BringCards
            | Rule::AskTimeline
            | Rule::MissedInterviewRecovery
    )
}

fn hidden_action(a: &Action, back: &str) -> Markup {
    html! {
        input type="hidden" name="app" value=(a.application);
        input type="hidden" name="rule" value=(a.rule.id());
        input type="hidden" name="interview" value=(a.interview.as_deref().unwrap_or(""));
        input type="hidden" name="back" value=(back);
        input type="hidden" name="title" value=(a.title);
        @if let Some(p) = &a.person { input type="hidden" name="person" value=(p); }
    }
}

/// The add/edit form for an application's own fields.
pub(super) fn app_form(
    action: &str,
    form: &'static str,
    s: &Sticky,
    app: Option<&Application>,
) -> Markup {
    let id = |n: &str| format!("{form}-{n}");
    let stage = app
        .map(|a| a.stage.to_string())
        .unwrap_or_else(|| "applied".into());
    let recruiter = app
        .map(|a| a.recruiter.to_string())
        .unwrap_or_else(|| "none".into());
    let policy = app
        .and_then(|a| a.policy)
        .map(|p| p.to_string())
        .unwrap_or_default();
    html! {
        form.stack method="post" action=(action) {
            (form_error(s, form, &["company", "role", "stage", "recruiter", "policy", "posting_url", "applied_on"]))
            label for=(id("company")) { "Company" }
            input #(id("company")) type="text" name="company" required maxlength="200"
                value=(s.value(form, "company", app.map(|a| a.company.as_str()).unwrap_or("")))
                aria-invalid=[s.error_for(form, "company").map(|_| "true")]
                aria-describedby=[describedby(s, form, "company")];
            (field_error(s, form, "company"))
            label for=(id("role")) { "Role" }
            input #(id("role")) type="text" name="role" maxlength="200"
                value=(s.value(form, "role", app.map(|a| a.role.as_str()).unwrap_or("")));
            label for=(id("stage")) { "Stage" }
            (select("stage", &id("stage"), Stage::ALL, s.value(form, "stage", &stage), None))
            label for=(id("recruiter")) { "Recruiter" }
            (select("recruiter", &id("recruiter"), RecruiterKind::ALL, s.value(form, "recruiter", &recruiter), None))
            label for=(id("policy")) { "Chasing policy" }
            (select("policy", &id("policy"), Policy::ALL, s.value(form, "policy", &policy), Some("as in my profile")))
            label.check {
                input type="checkbox" name="urgent" value="true" checked[app.is_some_and(|a| a.urgent)];
                " Urgent (another offer is waiting)"
            }
            @let text = |name: &str, v: Option<&String>| s.value(form, name, v.map(String::as_str).unwrap_or("")).to_string();
            label for=(id("posting_url")) { "Job posting (address)" }
            input #(id("posting_url")) type="url" name="posting_url" maxlength="200" placeholder="https://"
                value=(text("posting_url", app.and_then(|a| a.posting_url.as_ref())))
                aria-invalid=[s.error_for(form, "posting_url").map(|_| "true")]
                aria-describedby=[describedby(s, form, "posting_url")];
            (field_error(s, form, "posting_url"))
            label for=(id("location")) { "Location" }
            input #(id("location")) type="text" name="location" maxlength="200" placeholder="e.g. Berlin or remote"
                value=(text("location", app.and_then(|a| a.location.as_ref())));
            label for=(id("salary")) { "Salary range, as posted" }
            input #(id("salary")) type="text" name="salary" maxlength="200" placeholder="e.g. €60–70k"
                value=(text("salary", app.and_then(|a| a.salary.as_ref())));
            label for=(id("applied_on")) { "Applied on" }
            input #(id("applied_on")) type="date" name="applied_on"
                value=(text("applied_on", app.and_then(|a| a.applied_on).map(|d| d.to_string()).as_ref()))
                aria-invalid=[s.error_for(form, "applied_on").map(|_| "true")]
                aria-describedby=[describedby(s, form, "applied_on")];
            (field_error(s, form, "applied_on"))
            label for=(id("source")) { "Where it came from" }
            input #(id("source")) type="text" name="source" maxlength="200" list="sources" placeholder="referral, job board, recruiter…"
                value=(text("source", app.and_then(|a| a.source.as_ref())));
            datalist #sources {
                @for v in ["referral", "job board", "recruiter", "company website", "LinkedIn", "networking event"] { option value=(v) {} }
            }
            button type="submit" { @if app.is_some() { "Save changes" } @else { "Add application" } }
        }
    }
}

pub(super) fn read_app_form(f: &Fields) -> Result<ops::NewApplication> {
    f.typed(&[])
}
