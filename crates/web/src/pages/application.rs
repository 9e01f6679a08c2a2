//! One application: its next actions, timeline, interviews, people and
//! the forms that change them.

use crate::html::{
    Fields, Nav, Sticky, app_url, describedby, error_page, field_error, form_error, page,
    redirect_with, select, urlencode,
};
use crate::ops::{self, Logged};
use crate::state::{AppState, Problem, Result};
use axum::Extension;
use axum::extract::Path;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use debrief_app::timeline::Item;
use debrief_core::model::{
    Application, Channel, InterviewFormat, InterviewStatus, OutcomeKind, PersonKind, TouchKind,
};
use debrief_core::text::when;
use maud::{Markup, html};

use super::common::{Form, action_card, app_form, name_of, person_name, read_app_form, respond};

pub(super) async fn application(
    Extension(st): Extension<AppState>,
    Path(id): Path<String>,
    h: HeaderMap,
) -> Response {
    respond(&h, application_page(&st, &h, &id, &Sticky::default()))
}

/// Who a touch went to, by name.
fn touch_who<'a>(app: &'a Application, t: &'a debrief_core::model::Touch) -> &'a str {
    t.person
        .as_deref()
        .map(|p| person_name(app, p))
        .unwrap_or("them")
}

/// One dated line of the timeline.
struct Event {
    at: jiff::Timestamp,
    what: Markup,
}

fn application_page(st: &AppState, h: &HeaderMap, id: &str, s: &Sticky) -> Result<Response> {
    let app = st.application(id)?;
    let clock = st.clock()?;
    let actions = clock.engine.application_actions(&app, clock.now);
    let today = clock.now.to_zoned(clock.tz.clone()).date();
    let url = app_url(&app.id);
    let status = s
        .problem
        .as_ref()
        .map(|p| p.status)
        .unwrap_or(StatusCode::OK);
    // A coach reading a candidate's application (hosted mode) gets what
    // it holds, and none of the forms that change it.
    let writable = !crate::account::read_only();
    // The order and the moments are the application layer's; slip-ups
    // show inside their interview here.
    let mut events: Vec<Event> = Vec::new();
    for entry in debrief_app::timeline::timeline(&app, &clock.engine) {
        let what = match entry.item {
            Item::Interview(i) => {
                let iv = &app.interviews[i];
                let names: Vec<&str> = iv
                    .interviewers
                    .iter()
                    .map(|p| person_name(&app, p))
                    .collect();
                html! {
                    "Interview (" (iv.format) ", " (iv.minutes) " min, " (iv.status) ")"
                    @if !names.is_empty() { " with " (names.join(", ")) }
                    @if writable {
                        " · " a href=(format!("{url}/interviews/{}/debrief", urlencode(&iv.id))) {
                            @if iv.status == InterviewStatus::Done { "Edit the debrief" } @else { "Debrief it" }
                        }
                    }
                    " " (crate::html::delete_button(&app.id, &[("what", "interview".into()), ("interview", iv.id.to_string())], "Delete the interview"))
                    @if !iv.slip_ups.is_empty() {
                        ul { @for (n, sl) in iv.slip_ups.iter().enumerate() { li { "Slip-up: " (sl.text) @if sl.noticed { " (they noticed)" } " " (crate::html::delete_button(&app.id, &[("what", "slip".into()), ("interview", iv.id.to_string()), ("index", (n + 1).to_string())], "Delete")) } } }
                    }
                    @if let Some(r) = &iv.reflection {
                        dl.reflection {
                            @if !r.went_well.is_empty() { dt { "Went well" } dd { (r.went_well) } }
                            @if !r.change.is_empty() { dt { "One change" } dd { (r.change) } }
                            @if !r.mistakes.is_empty() { dt { "Mistakes" } dd { (r.mistakes.join("; ")) } }
                            @if !r.missing_info.is_empty() { dt { "What I lacked" } dd { (r.missing_info.join("; ")) } }
                            @if let Some(q) = &r.hardest_question { dt { "Hardest question" } dd { (q) } }
                        }
                        (crate::html::delete_button(&app.id, &[("what", "reflection".into()), ("interview", iv.id.to_string())], "Delete the reflection"))
                    }
                }
            }
            Item::SlipUp { .. } => continue,
            Item::Touch(n) => {
                let t = &app.touches[n];
                let who = touch_who(&app, t);
                html! {
                    "Sent " (t.kind) " to " (who) " by " (t.channel)
                    @if t.forced { " " span.badge.urgent { "past the guard" } }
                    @if let Some(n) = &t.note { details { summary { "The note" } pre.note { (n) } } }
                    " " (crate::html::delete_button(&app.id, &[("what", "touch".into()), ("index", (n + 1).to_string())], "Delete"))
                }
            }
            Item::Reply(n) => {
                let t = &app.touches[n];
                let who = touch_who(&app, t);
                html! { (who) " replied to your " (t.kind) " " (crate::html::delete_button(&app.id, &[("what", "reply".into()), ("index", (n + 1).to_string())], "Delete")) }
            }
            Item::News(k) => {
                let n = &app.news[k];
                html! { "News: " (n.text) " " (crate::html::delete_button(&app.id, &[("what", "news".into()), ("index", (k + 1).to_string())], "Delete")) }
            }
            Item::Outcome => {
                let Some(o) = &app.outcome else { continue };
                html! {
                    "Outcome: " strong { (o.kind) }
                    " " (crate::html::delete_button(&app.id, &[("what", "outcome".into())], "Delete the outcome"))
                    @for (k, fb) in o.feedback.iter().enumerate() { br; "Feedback: " (fb.text) " " (crate::html::delete_button(&app.id, &[("what", "feedback".into()), ("index", (k + 1).to_string())], "Delete")) }
                }
            }
            Item::Dismissal(k) => {
                let d = &app.dismissed[k];
                html! { "Set aside " code { (d.rule) } @if !d.reason.is_empty() { ": " (d.reason) } " " (crate::html::delete_button(&app.id, &[("what", "dismissal".into()), ("index", (k + 1).to_string())], "Delete")) }
            }
        };
        events.push(Event { at: entry.at, what });
    }

    let body = html! {
        (form_banner(&app, &url, s))
        h1 { (app.company) @if !app.role.is_empty() { " — " (app.role) } }
        p.lede {
            "Stage: " strong { (app.stage) }
            @if app.urgent { " · " span.badge.urgent { "urgent" } }
            @if app.archived { " · " span.badge { "archived" } }
        }
        @if app.posting_url.is_some() || app.location.is_some() || app.salary.is_some() || app.applied_on.is_some() || app.source.is_some() {
            p.meta.details {
                @if let Some(u) = app.posting_url.as_deref().filter(|u| debrief_core::exchange::is_web_address(u)) {
                    a href=(u) rel="noopener noreferrer" target="_blank" { "The job posting" } " · "
                }
                @if let Some(l) = &app.location { (l) " · " }
                @if let Some(s) = &app.salary { (s) " · " }
                @if let Some(d) = app.applied_on { "applied " (crate::html::day(d, today)) " · " }
                @if let Some(s) = &app.source { "via " (s) }
            }
        }
        form.inline method="post" action=(format!("{url}/archive")) {
            @if app.archived {
                input type="hidden" name="archived" value="false";
                button.secondary.small type="submit" { "Bring back to the board" }
            } @else {
                input type="hidden" name="archived" value="true";
                button.secondary.small type="submit" { "Archive" }
            }
        }
        // Links down the page: they work without JavaScript.
        nav.in-page aria-label="On this page" {
            ul {
                li { a href="#next" { "Overview" } }
                li { a href="#interviews" { "Interviews" } }
                li { a href="#people" { "People" } }
                @if writable {
                    li { a href="#log-touch" { "Messages" } }
                    li { a href=(if app.research.is_empty() { "#add-research" } else { "#research-h" }) { "Notes & research" } }
                    li { a href="#set-outcome" { "Outcome" } }
                } @else if !app.research.is_empty() {
                    li { a href="#research-h" { "Research" } }
                }
            }
        }
        section aria-labelledby="next" {
            h2 #next { "Next actions" }
            @if actions.is_empty() { p.muted { "Nothing to do for this application right now." } }
            ul.actions { @for a in &actions { (action_card(a, &app.company, &clock.tz, &url)) } }
        }
        section aria-labelledby="timeline" {
            h2 #timeline { "Timeline" }
            @if events.is_empty() { p.muted { "Nothing recorded yet." } }
            ol.timeline {
                @for e in &events {
                    li { time datetime=(e.at.to_string()) { (when(e.at, &clock.tz)) } " " (e.what) }
                }
            }
        }
        section aria-labelledby="interviews" {
            h2 #interviews { "Interviews" }
            @if app.interviews.is_empty() { p.muted { "None scheduled yet." } }
            @for (i, iv) in app.interviews.iter().enumerate() {
                (interview_panel(&app, i, iv, &url, &clock.tz, clock.now, s))
            }
        }
        section aria-labelledby="people" {
            h2 #people { "People" }
            @if app.people.is_empty() { p.muted { "No one yet." } }
            ul.people {
                @for (i, p) in app.people.iter().enumerate() {
                    li id=(format!("person-{}", p.id)) {
                        strong { (p.name) } " (" (p.kind) @if let Some(t) = &p.title { ", " (t) } ")"
                        @if let Some(e) = &p.email { " · " (e) }
                        @if let Some(ph) = &p.phone { " · " (ph) }
                        @if let Some(pr) = &p.prefers {
                            @if let Some(c) = pr.channel { " · prefers " (c) }
                            @if let Some(d) = pr.after { " · said to follow up after " (crate::html::day(d, today)) }
                        }
                        @if writable { " · " a href=(format!("{url}/compose?person={}", urlencode(&p.id))) { "Write to " (p.name) } }
                        " " (crate::html::delete_button(
                            &app.id,
                            &[("what", "person".into()), ("person", p.id.to_string()), ("from_panels", "true".into())],
                            if app.interviews.iter().any(|iv| iv.interviewers.contains(&p.id) || iv.also_met.contains(&p.id)) {
                                "Delete (and take them off the interview panels)"
                            } else {
                                "Delete"
                            },
                        ))
                        @if !p.said.is_empty() { ul { @for (k, x) in p.said.iter().enumerate() { li { "Said: " (x) " " (crate::html::delete_button(&app.id, &[("what", "said".into()), ("person", p.id.to_string()), ("index", (k + 1).to_string())], "Delete")) } } } }
                        details.edit open[s.form == "edit-person" && s.values.get("person") == p.id] {
                            summary { "Edit " (p.name) }
                            (edit_person_form(&url, i, p, s))
                        }
                    }
                }
            }
        }
        @if !app.research.is_empty() {
            section aria-labelledby="research-h" {
                h2 #research-h { "Research" }
                ul { @for (k, r) in app.research.iter().enumerate() { li { (r.fact) @if let Some(c) = &r.contribution { " — how I would help: " (c) } " " (crate::html::delete_button(&app.id, &[("what", "research".into()), ("index", (k + 1).to_string())], "Delete")) } } }
            }
        }
        @if writable { div.forms {
            section aria-labelledby="log-touch" { h2 #log-touch { "Log a message or call" } (touch_form(&app, &url, s)) }
            section aria-labelledby="add-person" { h2 #add-person { "Add a person" } (person_form(&url, s)) }
            @if !closed(&app) {
                section aria-labelledby="add-interview" { h2 #add-interview { "Schedule an interview" } (interview_form(&app, &url, s)) }
                section aria-labelledby="add-invite" { h2 #add-invite { "From a calendar invite" } (crate::exchange_pages::invite_form(&app.id)) }
            }
            section aria-labelledby="add-reply" {
                h2 #add-reply { "They replied" }
                form.stack method="post" action=(format!("{url}/replies")) {
                    (form_error(s, "reply", &[]))
                    label for="reply-person" { "Who replied" }
                    (person_select("person", "reply-person", &app, "", Some("anyone")))
                    label for="reply-at" { "When (blank: now)" }
                    input #reply-at type="text" name="at" placeholder="2026-11-24 09:30";
                    button type="submit" { "Record the reply" }
                }
            }
            section aria-labelledby="add-news" {
                h2 #add-news { "Company news" }
                form.stack method="post" action=(format!("{url}/news")) {
                    (form_error(s, "news", &["text"]))
                    label for="news-text" { "What happened" }
                    input #news-text type="text" name="text" required maxlength="500";
                    (field_error(s, "news", "text"))
                    label for="news-on" { "On (blank: today)" }
                    input #news-on type="date" name="on";
                    button type="submit" { "Record the news" }
                }
            }
            section aria-labelledby="set-outcome" {
                h2 #set-outcome { "Outcome" @if let Some(o) = &app.outcome { ": " (o.kind) } }
                form.stack method="post" action=(format!("{url}/outcome")) {
                    (form_error(s, "outcome", &[]))
                    label for="outcome-kind" { "Result" }
                    // No default: an outcome is a deliberate choice, never
                    // what Enter happens to send.
                    (select_required("kind", "outcome-kind", OutcomeKind::ALL, s.value("outcome", "kind", ""), "Choose the result…"))
                    label for="outcome-on" { "On (blank: today)" }
                    input #outcome-on type="date" name="on";
                    label.check { input type="checkbox" name="stay_in_touch" value="true"; " Stay in touch" }
                    button type="submit" data-confirm="Record this outcome? It closes the chase." {
                        @if app.outcome.is_some() { "Change the outcome" } @else { "Record the outcome" }
                    }
                }
            }
            section aria-labelledby="add-research" {
                h2 #add-research { "Research" }
                form.stack method="post" action=(format!("{url}/research")) {
                    (form_error(s, "research", &["fact"]))
                    label for="research-fact" { "A fact about the company" }
                    input #research-fact type="text" name="fact" required maxlength="500" value=(s.value("research", "fact", ""))
                        aria-describedby=[describedby(s, "research", "fact")];
                    (field_error(s, "research", "fact"))
                    label for="research-contribution" { "How you would contribute to it" }
                    input #research-contribution type="text" name="contribution" maxlength="500" value=(s.value("research", "contribution", ""));
                    button type="submit" { "Record the research" }
                }
            }
            @if let Some(o) = &app.outcome {
                section aria-labelledby="add-feedback" {
                    h2 #add-feedback { "Feedback" }
                    @if !o.feedback.is_empty() {
                        ol.feedback {
                            @for f in &o.feedback {
                                li {
                                    (f.text)
                                    @if let Some(k) = f.kind { " · " (k) }
                                    @if f.positive { " · positive" }
                                    @if let Some(pl) = &f.plan { " · plan: " (pl.step) " by " (crate::html::day(pl.by, today)) }
                                }
                            }
                        }
                    }
                    (feedback_form(&url, o.feedback.len(), s))
                }
            }
            section aria-labelledby="edit-app" { h2 #edit-app { "Edit" } (app_form(&url, "edit-app", s, Some(&app))) }
        } }
    };
    Ok(page(h, status, &app.company, Some(Nav::Applications), body))
}

/// One interview: its state, and the forms to reschedule it, mark it
/// missed or cancelled, record preparation and apologies.
fn interview_panel(
    app: &Application,
    i: usize,
    iv: &debrief_core::model::Interview,
    url: &str,
    tz: &jiff::tz::TimeZone,
    now: jiff::Timestamp,
    s: &Sticky,
) -> Markup {
    let started = iv.start.ts <= now;
    let names: Vec<&str> = iv
        .interviewers
        .iter()
        .map(|p| person_name(app, p))
        .collect();
    let action = format!("{url}/interviews/{}", urlencode(&iv.id));
    let f = "edit-interview";
    let mine = s.form == f && s.values.get("interview") == iv.id;
    let local = iv
        .start
        .ts
        .to_zoned(tz.clone())
        .strftime("%Y-%m-%dT%H:%M")
        .to_string();
    html! {
        article.interview id=(format!("interview-{}", iv.id)) aria-labelledby=(format!("iv-h-{i}")) {
            h3 id=(format!("iv-h-{i}")) {
                (when(iv.start.ts, tz)) " · " (iv.format) ", " (iv.minutes) " min · " span.status { (iv.status) }
            }
            @if !names.is_empty() { p { "With " (names.join(", ")) } }
            @if !iv.also_met.is_empty() {
                p { "Also met: " (iv.also_met.iter().map(|p| person_name(app, p)).collect::<Vec<_>>().join(", ")) }
            }
            p { a.button href=(format!("{action}/debrief")) {
                @if iv.status == InterviewStatus::Done { "Edit the debrief" } @else { "Debrief it" }
            } }
            @if mine { (form_error(s, f, &[])) }
            div.buttons {
                // Only what makes sense now: a done interview was neither
                // missed nor cancelled; one still to come cannot have
                // happened or been missed yet.
                @if iv.status == InterviewStatus::Scheduled && started {
                    form method="post" action=(action) {
                        input type="hidden" name="interview" value=(iv.id);
                        input type="hidden" name="status" value="done";
                        button type="submit" { "It happened" }
                    }
                    form method="post" action=(action) {
                        input type="hidden" name="interview" value=(iv.id);
                        input type="hidden" name="status" value="missed";
                        button.secondary type="submit" data-confirm="Mark this interview missed?" { "I missed it" }
                    }
                }
                @if iv.status == InterviewStatus::Scheduled {
                    form method="post" action=(action) {
                        input type="hidden" name="interview" value=(iv.id);
                        input type="hidden" name="status" value="cancelled";
                        button.secondary type="submit" data-confirm="Mark this interview cancelled?" { "It was cancelled" }
                    }
                }
            }
            details.edit open[mine] {
                summary { "Reschedule or prepare" }
                form.stack method="post" action=(action) {
                    input type="hidden" name="interview" value=(iv.id);
                    label for=(format!("iv-start-{i}")) { "Starts (your time zone)" }
                    input type="datetime-local" id=(format!("iv-start-{i}")) name="start"
                        value=(if mine { s.values.get("start") } else { &local })
                        aria-describedby=[if mine { describedby(s, f, "start") } else { None }];
                    @if mine { (field_error(s, f, "start")) }
                    label for=(format!("iv-minutes-{i}")) { "Minutes" }
                    input type="number" id=(format!("iv-minutes-{i}")) name="minutes" min="1" max="1440" value=(iv.minutes);
                    @if mine { (field_error(s, f, "minutes")) }
                    label.check { input type="checkbox" name="research" value="true" checked[iv.prepared.research]; " I researched the company" }
                    label for=(format!("iv-questions-{i}")) { "Questions prepared" }
                    input type="number" id=(format!("iv-questions-{i}")) name="questions" min="0" max="50" value=(iv.prepared.questions);
                    @if mine { (field_error(s, f, "questions")) }
                    button type="submit" { "Save" }
                }
            }
            @if !iv.slip_ups.is_empty() {
                ul.slips {
                    @for (n, sl) in iv.slip_ups.iter().enumerate() {
                        li {
                            "Slip-up: " (sl.text)
                            @if sl.noticed { " (they noticed)" }
                            @if sl.apologized { " · apologized" } @else if sl.noticed {
                                form.inline method="post" action=(action) {
                                    input type="hidden" name="interview" value=(iv.id);
                                    input type="hidden" name="apologized" value=(n + 1);
                                    button.secondary type="submit" { "I apologized" }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn edit_person_form(url: &str, i: usize, p: &debrief_core::model::Person, s: &Sticky) -> Markup {
    let f = "edit-person";
    let mine = s.form == f && s.values.get("person") == p.id;
    let v = |name: &str, current: &str| -> String {
        if mine {
            s.values.get(name).to_string()
        } else {
            current.to_string()
        }
    };
    let id = |n: &str| format!("ep-{i}-{n}");
    let err = |n: &str| {
        if mine {
            field_error(s, f, n)
        } else {
            html! {}
        }
    };
    html! {
        form.stack method="post" action=(format!("{url}/people/{}", urlencode(&p.id))) {
            @if mine { (form_error(s, f, &["name", "after", "email"])) }
            input type="hidden" name="person" value=(p.id);
            label for=(id("name")) { "Name (spelled exactly)" }
            input type="text" id=(id("name")) name="name" required maxlength="200" value=(v("name", &p.name));
            (err("name"))
            label for=(id("kind")) { "Role in the process" }
            (select("kind", &id("kind"), PersonKind::ALL, &v("kind", &p.kind.to_string()), None))
            label for=(id("title")) { "Job title" }
            input type="text" id=(id("title")) name="title" maxlength="200" value=(v("title", p.title.as_deref().unwrap_or("")));
            label for=(id("email")) { "Email" }
            input type="email" id=(id("email")) name="email" maxlength="200" value=(v("email", p.email.as_deref().unwrap_or("")));
            (err("email"))
            label for=(id("phone")) { "Phone" }
            input type="text" id=(id("phone")) name="phone" maxlength="100" value=(v("phone", p.phone.as_deref().unwrap_or("")));
            label for=(id("prefers")) { "How they want to be contacted" }
            (select("prefers", &id("prefers"), Channel::ALL, &v("prefers", &p.preferred_channel().map(|c| c.to_string()).unwrap_or_default()), Some("not said")))
            label for=(id("after")) { "Their date: \"if you haven't heard by…\"" }
            input type="date" id=(id("after")) name="after" value=(v("after", &p.stated_after().map(|d| d.to_string()).unwrap_or_default()));
            (err("after"))
            button type="submit" { "Save " (p.name) }
        }
    }
}

fn feedback_form(url: &str, points: usize, s: &Sticky) -> Markup {
    let f = "feedback";
    html! {
        form.stack method="post" action=(format!("{url}/feedback")) {
            (form_error(s, f, &["text", "point", "plan", "by"]))
            @if points > 0 {
                label for="feedback-point" { "Which point (blank: a new one)" }
                input #feedback-point type="number" name="point" min="1" max=(points) value=(s.value(f, "point", ""));
                (field_error(s, f, "point"))
            }
            label for="feedback-text" { "What they said" }
            textarea #feedback-text name="text" rows="2" maxlength="2000" { (s.value(f, "text", "")) }
            (field_error(s, f, "text"))
            label for="feedback-kind" { "Is it a behaviour to change or a skill to build?" }
            (select("kind", "feedback-kind", debrief_core::model::FeedbackKind::ALL, s.value(f, "kind", ""), Some("not sorted yet")))
            label.check { input type="checkbox" name="positive" value="true"; " It was praise" }
            label for="feedback-plan" { "For a skill: the next step" }
            input #feedback-plan type="text" name="plan" maxlength="500" value=(s.value(f, "plan", ""));
            (field_error(s, f, "plan"))
            label for="feedback-by" { "By" }
            input #feedback-by type="date" name="by" value=(s.value(f, "by", ""));
            (field_error(s, f, "by"))
            button type="submit" { "Record the feedback" }
        }
    }
}

fn person_select(
    name: &str,
    id: &str,
    app: &Application,
    selected: &str,
    blank: Option<&str>,
) -> Markup {
    html! {
        select name=(name) id=(id) {
            @if let Some(b) = blank { option value="" { (b) } }
            @for p in &app.people {
                option value=(p.id) selected[p.id == selected] { (p.name) " (" (p.kind) ")" }
            }
        }
    }
}

fn touch_form(app: &Application, url: &str, s: &Sticky) -> Markup {
    let f = "touch";
    html! {
        @if app.people.is_empty() {
            p.muted { "Add a person first." }
        } @else {
            form.stack method="post" action=(format!("{url}/touches")) {
                (form_error(s, f, &["person", "kind", "channel", "at", "force"]))
                label for="touch-person" { "To" }
                (person_select("person", "touch-person", app, s.value(f, "person", ""), None))
                label for="touch-kind" { "Kind" }
                (select("kind", "touch-kind", TouchKind::ALL, s.value(f, "kind", "thank-you"), None))
                label for="touch-channel" { "Channel" }
                (select("channel", "touch-channel", Channel::ALL, s.value(f, "channel", "email"), None))
                label for="touch-at" { "When (blank: now)" }
                input #touch-at type="text" name="at" placeholder="2026-11-24 09:30" value=(s.value(f, "at", ""))
                    aria-describedby=[describedby(s, f, "at")];
                (field_error(s, f, "at"))
                @if let Some(msg) = s.error_for(f, "force") {
                    div.refusal role="alert" id="touch-force-error" {
                        p { strong { "Not logged: the follow-up guard. " } (msg) }
                        label.check { input type="checkbox" name="force" value="true"; " Log it anyway" }
                    }
                }
                button type="submit" { "Log it" }
            }
        }
    }
}

fn person_form(url: &str, s: &Sticky) -> Markup {
    let f = "person";
    html! {
        form.stack method="post" action=(format!("{url}/people")) {
            (form_error(s, f, &["name", "after"]))
            label for="person-name" { "Name" }
            input #person-name type="text" name="name" required maxlength="200" value=(s.value(f, "name", ""))
                aria-describedby=[describedby(s, f, "name")];
            (field_error(s, f, "name"))
            label for="person-kind" { "Role in the process" }
            (select("kind", "person-kind", PersonKind::ALL, s.value(f, "kind", "interviewer"), None))
            label for="person-title" { "Job title" }
            input #person-title type="text" name="title" maxlength="200" value=(s.value(f, "title", ""));
            label for="person-email" { "Email" }
            input #person-email type="email" name="email" maxlength="200" value=(s.value(f, "email", ""));
            button type="submit" { "Add person" }
        }
    }
}

fn interview_form(app: &Application, url: &str, s: &Sticky) -> Markup {
    let f = "interview";
    html! {
        form.stack method="post" action=(format!("{url}/interviews")) {
            (form_error(s, f, &["start", "minutes", "with"]))
            label for="interview-start" { "Starts (your time zone)" }
            input #interview-start type="datetime-local" name="start" required value=(s.value(f, "start", ""))
                aria-describedby=[describedby(s, f, "start")];
            (field_error(s, f, "start"))
            label for="interview-minutes" { "Minutes" }
            input #interview-minutes type="number" name="minutes" min="1" max="1440" value=(s.value(f, "minutes", "60"));
            (field_error(s, f, "minutes"))
            label for="interview-format" { "Format" }
            (select("format", "interview-format", InterviewFormat::ALL, s.value(f, "format", "video"), None))
            fieldset {
                legend { "Interviewers" }
                @if app.people.is_empty() { p.muted { "Add people first, or name them in the debrief." } }
                @for p in &app.people {
                    label.check { input type="checkbox" name="with" value=(p.id); " " (p.name) }
                }
            }
            button type="submit" { "Schedule" }
        }
    }
}

/// A `<select>` with no default: a blank first choice the browser will
/// not send (`required`), so the choice is deliberate.
fn select_required<T: Copy + std::fmt::Display>(
    name: &str,
    id: &str,
    all: &[T],
    selected: &str,
    prompt: &str,
) -> Markup {
    html! {
        select name=(name) id=(id) required {
            option value="" disabled selected[selected.is_empty()] { (prompt) }
            @for v in all {
                @let wire = v.to_string();
                option value=(wire) selected[wire == selected] { (wire) }
            }
        }
    }
}

/// A closed application: nothing more to schedule.
fn closed(app: &Application) -> bool {
    app.stage.is_closed()
        || app.outcome.as_ref().is_some_and(|o| {
            matches!(
                o.kind,
                OutcomeKind::Rejected | OutcomeKind::Withdrawn | OutcomeKind::NoResponse
            )
        })
}

/// The outcome of a form shown again, at the top of the page where it is
/// seen: the follow-up guard's refusal in words with **Log it anyway**
/// right there, or any other error with a link down to its form.
fn form_banner(app: &Application, url: &str, s: &Sticky) -> Markup {
    let Some(p) = &s.problem else {
        return html! {};
    };
    if s.form == "touch" && p.is_for("force") {
        let who = person_name(app, s.values.get("person"));
        return html! {
            div.flash.warn role="alert" id="refusal" {
                strong { "Not logged: the follow-up guard held back this " (s.values.get("kind")) " to " (who) ". " }
                (p.message)
                form.inline method="post" action=(format!("{url}/touches")) {
                    @for name in ["person", "kind", "channel", "at", "note"] {
                        input type="hidden" name=(name) value=(s.values.get(name));
                    }
                    input type="hidden" name="force" value="true";
                    button.secondary type="submit" { "Log it anyway" }
                }
            }
        };
    }
    let anchor = match s.form {
        "touch" => "log-touch".to_string(),
        "person" => "add-person".to_string(),
        "interview" => "add-interview".to_string(),
        "reply" => "add-reply".to_string(),
        "news" => "add-news".to_string(),
        "outcome" => "set-outcome".to_string(),
        "research" => "add-research".to_string(),
        "feedback" => "add-feedback".to_string(),
        "edit-person" => format!("person-{}", s.values.get("person")),
        "edit-interview" => format!("interview-{}", s.values.get("interview")),
        _ => "main".to_string(),
    };
    crate::html::problem_banner(s, &anchor)
}

/// Shared shape of the application's small POST handlers: edit, then
/// redirect with `ok`, or show the page again with the error.
fn app_post(
    st: &AppState,
    h: &HeaderMap,
    id: &str,
    form: &'static str,
    f: Fields,
    run: impl FnOnce(&Fields) -> Result<String>,
) -> Response {
    app_post_to(st, h, id, form, f, |f| Ok((app_url(id), run(f)?)))
}

/// `app_post`, the handler choosing where to go next.
fn app_post_to(
    st: &AppState,
    h: &HeaderMap,
    id: &str,
    form: &'static str,
    f: Fields,
    run: impl FnOnce(&Fields) -> Result<(String, String)>,
) -> Response {
    match run(&f) {
        Ok((to, msg)) => redirect_with(&to, "ok", &msg),
        Err(p) if p.status == StatusCode::NOT_FOUND && p.field.is_none() => error_page(h, &p),
        Err(p) => respond(h, application_page(st, h, id, &Sticky::failed(form, f, p))),
    }
}

pub(super) async fn application_edit(
    Extension(st): Extension<AppState>,
    Path(id): Path<String>,
    h: HeaderMap,
    axum::extract::Form(f): Form,
) -> Response {
    app_post(&st, &h, &id, "edit-app", Fields(f), |f| {
        let a = read_app_form(f)?;
        st.edit(&id, |app| ops::update_application(app, &a))?;
        Ok("Saved.".into())
    })
}

pub(super) async fn person_add(
    Extension(st): Extension<AppState>,
    Path(id): Path<String>,
    h: HeaderMap,
    axum::extract::Form(f): Form,
) -> Response {
    app_post(&st, &h, &id, "person", Fields(f), |f| {
        let p: ops::NewPerson = f.typed(&[])?;
        st.edit(&id, |app| ops::add_person(app, &p))?;
        Ok(format!("Added {}.", p.name.trim()))
    })
}

pub(super) async fn interview_add(
    Extension(st): Extension<AppState>,
    Path(id): Path<String>,
    h: HeaderMap,
    axum::extract::Form(f): Form,
) -> Response {
    app_post(&st, &h, &id, "interview", Fields(f), |f| {
        let clock = st.clock()?;
        // A form repeats `with` for each interviewer; the struct's list.
        let mut iv: ops::NewInterview = f.typed(&["with"])?;
        iv.with = f.all("with");
        let iid = st.edit(&id, |app| ops::add_interview(app, &iv, &clock))?;
        let on = st
            .application(&id)
            .ok()
            .and_then(|a| {
                a.interviews
                    .iter()
                    .find(|i| i.id == iid)
                    .map(|i| i.start.ts)
            })
            .map(|t| format!(" for {}", crate::html::when(t, &clock.tz)))
            .unwrap_or_default();
        Ok(format!("Scheduled the interview{on}."))
    })
}

pub(super) async fn touch_add(
    Extension(st): Extension<AppState>,
    Path(id): Path<String>,
    h: HeaderMap,
    axum::extract::Form(f): Form,
) -> Response {
    app_post(&st, &h, &id, "touch", Fields(f), |f| {
        let clock = st.clock()?;
        let t: ops::NewTouch = f.typed(&[])?;
        match ops::log_touch(&st, &id, &t, &clock)? {
            Logged::Yes { forced, touch } => Ok(format!(
                "Logged the {} to {}{}.",
                touch.kind,
                name_of(&st, &id, &t.person),
                if forced {
                    ", past the follow-up guard"
                } else {
                    ""
                }
            )),
            Logged::Refused { allowed_from, why } => Err(Problem {
                status: StatusCode::CONFLICT,
                message: crate::html::refusal_words(&why, allowed_from.as_deref(), &clock.tz),
                field: Some("force".into()),
            }),
        }
    })
}

pub(super) async fn reply_add(
    Extension(st): Extension<AppState>,
    Path(id): Path<String>,
    h: HeaderMap,
    axum::extract::Form(f): Form,
) -> Response {
    app_post(&st, &h, &id, "reply", Fields(f), |f| {
        let clock = st.clock()?;
        let r: ops::NewReply = f.typed(&[])?;
        let at = clock.time_or_now(r.at.as_deref().unwrap_or(""), "at")?;
        st.edit(&id, |app| ops::reply(app, r.person.as_deref(), at))?;
        Ok("Recorded the reply.".into())
    })
}

pub(super) async fn news_add(
    Extension(st): Extension<AppState>,
    Path(id): Path<String>,
    h: HeaderMap,
    axum::extract::Form(f): Form,
) -> Response {
    app_post(&st, &h, &id, "news", Fields(f), |f| {
        let clock = st.clock()?;
        let n: ops::NewNews = f.typed(&[])?;
        let on = clock.date_or_today(n.on.as_deref().unwrap_or(""), "on")?;
        st.edit(&id, |app| ops::news(app, on, &n.text))?;
        Ok("Recorded the news. A congratulation adds value and is not a chase.".into())
    })
}

pub(super) async fn outcome_set(
    Extension(st): Extension<AppState>,
    Path(id): Path<String>,
    h: HeaderMap,
    axum::extract::Form(f): Form,
) -> Response {
    app_post(&st, &h, &id, "outcome", Fields(f), |f| {
        let clock = st.clock()?;
        let o: ops::NewOutcome = f.typed(&[])?;
        let on = clock.date_or_today(o.on.as_deref().unwrap_or(""), "on")?;
        st.edit(&id, |app| ops::outcome(app, o.kind, on, o.stay_in_touch))?;
        Ok(format!("Recorded the outcome: {}.", o.kind))
    })
}

pub(super) async fn person_edit(
    Extension(st): Extension<AppState>,
    Path((id, pid)): Path<(String, String)>,
    h: HeaderMap,
    axum::extract::Form(f): Form,
) -> Response {
    let mut f = Fields(f);
    if !f.has("person") {
        f.0.push(("person".into(), pid.clone()));
    }
    app_post(&st, &h, &id, "edit-person", f, |f| {
        let mut u: ops::PersonUpdate = f.typed(&["person"])?;
        // The form sends every text: a blank one clears it.
        for text in [&mut u.name, &mut u.title, &mut u.email, &mut u.phone] {
            text.get_or_insert_default();
        }
        st.edit(&id, |app| ops::update_person(app, &pid, &u))?;
        Ok(format!("Saved {}.", f.get("name").trim()))
    })
}

pub(super) async fn interview_edit(
    Extension(st): Extension<AppState>,
    Path((id, iv)): Path<(String, String)>,
    h: HeaderMap,
    axum::extract::Form(f): Form,
) -> Response {
    let mut f = Fields(f);
    if !f.has("interview") {
        f.0.push(("interview".into(), iv.clone()));
    }
    app_post_to(&st, &h, &id, "edit-interview", f, |f| {
        let clock = st.clock()?;
        let mut u: ops::InterviewUpdate = f.typed(&["interview", "apologized"])?;
        // A form repeats `apologized` for each slip-up ticked.
        for n in f.all("apologized") {
            u.apologized.push(n.trim().parse::<usize>().map_err(|_| {
                Problem::field("apologized", format!("'{n}' is not a slip-up number"))
            })?);
        }
        // The edit form's research box sends nothing when unticked.
        let editing = f.has("start");
        u.research = editing.then(|| u.research.unwrap_or(false));
        let status = u.status;
        st.edit(&id, |app| ops::update_interview(app, &iv, &u, &clock))?;
        let on = st
            .application(&id)
            .ok()
            .and_then(|a| a.interviews.iter().find(|i| i.id == iv).map(|i| i.start.ts))
            .map(|t| crate::html::when(t, &clock.tz))
            .unwrap_or_else(|| "it".into());
        let back = app_url(&id);
        Ok(match status {
            // It happened: straight on to the debrief, while it is fresh.
            Some(InterviewStatus::Done) => (
                format!("{back}/interviews/{}/debrief", urlencode(&iv)),
                format!("Marked the interview of {on} done. Now the debrief, while it is fresh."),
            ),
            Some(InterviewStatus::Missed) => (
                back,
                format!(
                    "Marked the interview of {on} missed. Contact the scheduler now: see Next actions."
                ),
            ),
            Some(s) => (back, format!("Marked the interview of {on} {s}.")),
            None if !u.apologized.is_empty() => (back, "Marked the apology made.".to_string()),
            None => (back, format!("Saved the interview of {on}.")),
        })
    })
}

pub(super) async fn research_add(
    Extension(st): Extension<AppState>,
    Path(id): Path<String>,
    h: HeaderMap,
    axum::extract::Form(f): Form,
) -> Response {
    app_post(&st, &h, &id, "research", Fields(f), |f| {
        let r: ops::NewResearch = f.typed(&[])?;
        st.edit(&id, |app| ops::research(app, &r))?;
        Ok("Recorded the research.".into())
    })
}

pub(super) async fn feedback_add(
    Extension(st): Extension<AppState>,
    Path(id): Path<String>,
    h: HeaderMap,
    axum::extract::Form(f): Form,
) -> Response {
    app_post(&st, &h, &id, "feedback", Fields(f), |f| {
        let fb: ops::NewFeedback = f.typed(&[])?;
        let n = st.edit(&id, |app| ops::feedback(app, &fb))?;
        Ok(format!("Recorded feedback point {n}."))
    })
}
