//! The HTML pages: Today, Applications, Application, Interview debrief,
//! Composer, Insights, Settings. Every form posts url-encoded fields,
//! redirects (303) with a message on success, and on error shows the page
//! again with what was typed and the error next to the field.

use axum::Router;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use axum::routing::{get, post};
use debrief_core::engine::{Action, State as ActionState};
use debrief_core::model::{
    Application, Channel, Dataset, HolidayCalendar, InterviewFormat, InterviewStatus, OutcomeKind,
    PersonKind, Policy, RecruiterKind, SlipUp, Stage, TouchKind,
};
use debrief_core::rules::Rule;
use debrief_core::text::when;
use debrief_lint::NoteKind;
use debrief_store::Change;
use maud::{Markup, html};

use crate::charts;
use crate::html::{
    Fields, Nav, Sticky, app_url, describedby, error_page, field_error, form_error, page,
    redirect_with, select, urlencode,
};
use crate::ops::{self, Logged};
use debrief_core::input::parse_date;

use crate::snapshot::Snapshot;
use crate::state::{AppState, Problem, Result};

type Form = axum::extract::Form<Vec<(String, String)>>;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(today))
        .route("/actions/log", post(action_log))
        .route("/actions/dismiss", post(action_dismiss))
        .route("/applications", get(applications).post(application_add))
        .route(
            "/applications/{id}",
            get(application).post(application_edit),
        )
        .route("/applications/{id}/people", post(person_add))
        .route("/applications/{id}/people/{person}", post(person_edit))
        .route("/applications/{id}/interviews/{iv}", post(interview_edit))
        .route("/applications/{id}/research", post(research_add))
        .route("/applications/{id}/feedback", post(feedback_add))
        .route("/applications/{id}/interviews", post(interview_add))
        .route("/applications/{id}/touches", post(touch_add))
        .route("/applications/{id}/replies", post(reply_add))
        .route("/applications/{id}/news", post(news_add))
        .route("/applications/{id}/outcome", post(outcome_set))
        .route(
            "/applications/{id}/interviews/{iv}/debrief",
            get(debrief_form).post(debrief_save),
        )
        .route(
            "/applications/{id}/compose",
            get(composer).post(composer_post),
        )
        .route("/insights", get(insights))
        .route("/settings", get(settings))
        .route("/settings/profile", post(profile_save))
        .route("/settings/import", post(import))
        .route("/export.json", get(export))
}

/// Renders a page-producing result, turning a failure into an error page.
fn respond(h: &HeaderMap, r: Result<Response>) -> Response {
    r.unwrap_or_else(|p| error_page(h, &p))
}

fn person_name<'a>(app: &'a Application, id: &'a str) -> &'a str {
    app.person(id).map(|p| p.name.as_str()).unwrap_or(id)
}

/// A person's name for a message after a write (their id if unreadable).
fn name_of(st: &AppState, app: &str, person: &str) -> String {
    st.application(app)
        .map(|a| person_name(&a, person).to_string())
        .unwrap_or_else(|_| person.to_string())
}

// ---------------------------------------------------------------- Today

#[derive(Debug, Default, serde::Deserialize)]
struct TodayQuery {
    /// One whole list, page by page: `overdue`, `due` or `upcoming`.
    show: Option<String>,
    page: Option<usize>,
}

/// Actions shown per list on Today, and per page of a whole list.
const TODAY_TOP: usize = 10;
const PAGE_SIZE: usize = 50;
/// "Coming up" on Today looks this many days ahead.
const HORIZON_DAYS: i64 = 14;

async fn today(State(st): State<AppState>, Query(q): Query<TodayQuery>, h: HeaderMap) -> Response {
    let run = || -> Result<Response> {
        let snap = st.snapshot()?;
        let show = match q.show.as_deref().filter(|s| !s.is_empty()) {
            None => None,
            Some("overdue") => Some(ActionState::Overdue),
            Some("due") => Some(ActionState::Due),
            Some("upcoming") => Some(ActionState::Upcoming),
            Some(other) => {
                return Err(Problem::field(
                    "show",
                    format!("unknown list '{other}'; expected overdue, due or upcoming"),
                ));
            }
        };
        if let Some(state) = show {
            return Ok(page(
                &h,
                StatusCode::OK,
                "Today",
                Some(Nav::Today),
                today_list(&snap, state, q.page.unwrap_or(1)),
            ));
        }
        // The common case: the default page, no message on it, is made
        // once per snapshot and sent as bytes (gzip, 304 when unchanged).
        if crate::html::take_flash(&h).is_some() {
            return Ok(page(
                &h,
                StatusCode::OK,
                "Today",
                Some(Nav::Today),
                today_body(&snap),
            ));
        }
        let ready = {
            let mut slot = snap
                .today
                .lock()
                .map_err(|_| Problem::internal("the page cache is unavailable"))?;
            match &*slot {
                Some(r) => r.clone(),
                None => {
                    let html =
                        crate::html::page_html(None, "Today", Some(Nav::Today), today_body(&snap));
                    let r = std::sync::Arc::new(crate::snapshot::Ready::new(
                        "text/html; charset=utf-8",
                        format!("today-{}", snap.etag),
                        html.into_string().into(),
                    ));
                    *slot = Some(r.clone());
                    r
                }
            }
        };
        Ok(ready.respond(&h))
    };
    respond(&h, run())
}

const LISTS: [(ActionState, &str, &str); 3] = [
    (
        ActionState::Overdue,
        "Overdue",
        "Late already: the oldest deadline first.",
    ),
    (
        ActionState::Due,
        "Due now",
        "Open now: the nearest deadline first.",
    ),
    (
        ActionState::Upcoming,
        "Coming up",
        "Not yet: they open later.",
    ),
];

fn list_title(state: ActionState) -> &'static str {
    LISTS
        .iter()
        .find(|(s, _, _)| *s == state)
        .map(|(_, t, _)| *t)
        .unwrap_or("Actions")
}

/// Today: the top of each list (a person with five minutes needs the first
/// few), with the counts and a way to see every action page by page.
fn today_body(snap: &Snapshot) -> Markup {
    let now_count = snap.count(ActionState::Overdue) + snap.count(ActionState::Due);
    let horizon = snap.now + jiff::SignedDuration::from_hours(24 * HORIZON_DAYS);
    html! {
        h1 { "Today" }
        p.lede {
            @if snap.profile.name.is_empty() { "Hello. " } @else { "Hello, " (snap.profile.name) ". " }
            "It is " (when(snap.now, &snap.tz)) " (" (snap.profile.timezone) "). "
            @if now_count == 0 { "Nothing to do right now." }
            @else if now_count == 1 { "1 thing to do now." }
            @else { (thousands(now_count)) " things to do now." }
        }
        @if snap.apps.is_empty() {
            p { "Nothing here yet. " a href="/applications" { "Add an application" } " or " a href="/settings#import" { "import a file" } "." }
        }
        @for (state, title, hint) in LISTS {
            @let all = snap.in_state(state);
            @let (items, more): (Vec<&Action>, usize) = if state == ActionState::Upcoming {
                let near: Vec<&Action> = all.iter().filter(|a| a.opens.ts <= horizon).collect();
                (near.iter().take(TODAY_TOP).copied().collect(), all.len().saturating_sub(TODAY_TOP.min(near.len())))
            } else {
                (all.iter().take(TODAY_TOP).collect(), all.len().saturating_sub(TODAY_TOP))
            };
            section.group aria-labelledby=(format!("h-{}", state.as_str())) {
                h2 id=(format!("h-{}", state.as_str())) { (title) " " span.count { "(" (thousands(all.len())) ")" } }
                @if all.is_empty() {
                    p.muted { "Nothing " (title.to_lowercase()) "." }
                } @else {
                    p.muted {
                        (hint)
                        @if state == ActionState::Upcoming { " Shown: the next " (HORIZON_DAYS) " days." }
                    }
                    @if items.is_empty() {
                        p.muted { "Nothing opens in the next " (HORIZON_DAYS) " days." }
                    }
                    ul.actions {
                        @for a in &items { (action_card(a, snap.company(&a.application), &snap.tz, "/")) }
                    }
                    @if more > 0 {
                        p.more { a href=(format!("/?show={}", state.as_str())) { "See all " (thousands(all.len())) " " (title.to_lowercase()) " (" (thousands(more)) " more)" } }
                    }
                }
            }
        }
    }
}

/// One whole list, a page at a time.
fn today_list(snap: &Snapshot, state: ActionState, page_no: usize) -> Markup {
    let all = snap.in_state(state);
    let pages = all.len().div_ceil(PAGE_SIZE).max(1);
    let page_no = page_no.clamp(1, pages);
    let items = all.iter().skip((page_no - 1) * PAGE_SIZE).take(PAGE_SIZE);
    let title = list_title(state);
    let back = format!("/?show={}&page={page_no}", state.as_str());
    let link = |n: usize| format!("/?show={}&page={n}", state.as_str());
    let pager = html! {
        nav.pager aria-label="Pages" {
            @if page_no > 1 { a href=(link(page_no - 1)) rel="prev" { "← Previous" } " " }
            span { "Page " (page_no) " of " (pages) }
            @if page_no < pages { " " a href=(link(page_no + 1)) rel="next" { "Next →" } }
        }
    };
    html! {
        h1 { (title) " " span.count { "(" (thousands(all.len())) ")" } }
        p { a href="/" { "← Back to Today" } }
        (pager)
        ul.actions { @for a in items { (action_card(a, snap.company(&a.application), &snap.tz, &back)) } }
        (pager)
    }
}

/// 13972 → "13,972".
fn thousands(n: usize) -> String {
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
fn action_card(a: &Action, company: &str, tz: &jiff::tz::TimeZone, back: &str) -> Markup {
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
            div.buttons {
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
            }
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
        @if let Some(p) = &a.person { input type="hidden" name="person" value=(p); }
    }
}

/// Only local paths are followed after a POST, never another site.
fn back_to(f: &Fields) -> String {
    let b = f.get("back");
    if b.starts_with('/') && !b.starts_with("//") && !b.contains('\\') {
        b.to_string()
    } else {
        "/".to_string()
    }
}

async fn action_log(State(st): State<AppState>, axum::extract::Form(f): Form) -> Response {
    let f = Fields(f);
    let back = back_to(&f);
    let run = || -> Result<Logged> {
        let clock = st.clock()?;
        let t = ops::NewTouch {
            person: f.get("person").to_string(),
            kind: f
                .parse::<TouchKind>("kind")?
                .ok_or_else(|| Problem::field("kind", "which kind of message?"))?,
            channel: f.parse::<Channel>("channel")?.unwrap_or(Channel::Email),
            at: None,
            note: None,
            force: false,
        };
        ops::log_touch(&st, f.get("app"), &t, &clock)
    };
    match run() {
        Ok(Logged::Yes { touch, .. }) => redirect_with(
            &back,
            "ok",
            &format!(
                "Logged the {} to {}.",
                touch.kind,
                name_of(&st, f.get("app"), f.get("person"))
            ),
        ),
        Ok(Logged::Refused { why, .. }) => redirect_with(
            &back,
            "warn",
            &format!("Not logged (follow-up-guard): {why}"),
        ),
        Err(p) => redirect_with(&back, "error", &format!("Not logged: {p}")),
    }
}

async fn action_dismiss(State(st): State<AppState>, axum::extract::Form(f): Form) -> Response {
    let f = Fields(f);
    let back = back_to(&f);
    let d = ops::NewDismissal {
        rule: f.get("rule").to_string(),
        interview: f.opt("interview"),
        person: f.opt("person"),
        reason: f.get("reason").to_string(),
    };
    let run = || -> Result<Rule> {
        let clock = st.clock()?;
        st.edit(f.get("app"), |app| ops::dismiss(app, &d, &clock))
    };
    match run() {
        Ok(rule) if d.reason.trim() == "done" => {
            redirect_with(&back, "ok", &format!("Marked {rule} done."))
        }
        Ok(rule) => redirect_with(&back, "ok", &format!("Dismissed {rule}.")),
        Err(p) => redirect_with(&back, "error", &format!("Nothing changed: {p}")),
    }
}

// ---------------------------------------------------------- Applications

async fn applications(State(st): State<AppState>, h: HeaderMap) -> Response {
    respond(&h, applications_page(&st, &h, &Sticky::default()))
}

fn applications_page(st: &AppState, h: &HeaderMap, s: &Sticky) -> Result<Response> {
    let snap = st.snapshot()?;
    let status = s
        .problem
        .as_ref()
        .map(|p| p.status)
        .unwrap_or(StatusCode::OK);
    let body = html! {
        h1 { "Applications" }
        p { a.button href="#add-app" { "Add an application" } }
        div.board {
            @for stage in Stage::ALL {
                @let apps: Vec<&crate::snapshot::AppSummary> = snap.apps.iter().filter(|a| a.app.stage == *stage).collect();
                section.column aria-labelledby=(format!("stage-{stage}")) {
                    h2 id=(format!("stage-{stage}")) { (stage) " " span.count { "(" (thousands(apps.len())) ")" } }
                    ul {
                        @for a in apps.iter().rev().take(BOARD_TOP) {
                            li.card {
                                a href=(app_url(&a.app.id)) { strong { (a.app.company) } }
                                @if !a.app.role.is_empty() { br; span { (a.app.role) } }
                                @if a.to_do > 0 { br; span.badge { (a.to_do) " to do" } }
                                @if a.app.urgent { " " span.badge.urgent { "urgent" } }
                            }
                        }
                    }
                    @if apps.len() > BOARD_TOP {
                        p.muted { (thousands(apps.len() - BOARD_TOP)) " more; the API lists them all (" code { "/api/v1/applications" } ")." }
                    }
                }
            }
        }
        section aria-labelledby="add-app" {
            h2 #add-app { "Add an application" }
            (app_form("/applications", "add-app", s, None))
        }
    };
    Ok(page(
        h,
        status,
        "Applications",
        Some(Nav::Applications),
        body,
    ))
}

/// Cards shown per stage on the board: the most recent applications.
const BOARD_TOP: usize = 100;

/// The add/edit form for an application's own fields.
fn app_form(action: &str, form: &'static str, s: &Sticky, app: Option<&Application>) -> Markup {
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
            (form_error(s, form, &["company", "role", "stage", "recruiter", "policy"]))
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
            button type="submit" { @if app.is_some() { "Save changes" } @else { "Add application" } }
        }
    }
}

fn read_app_form(f: &Fields) -> Result<ops::NewApplication> {
    Ok(ops::NewApplication {
        company: f.get("company").to_string(),
        role: f.get("role").to_string(),
        id: f.opt("id"),
        stage: f.parse::<Stage>("stage")?.unwrap_or_default(),
        urgent: f.get("urgent") == "true",
        recruiter: f.parse::<RecruiterKind>("recruiter")?.unwrap_or_default(),
        policy: f.parse::<Policy>("policy")?,
    })
}

async fn application_add(
    State(st): State<AppState>,
    h: HeaderMap,
    axum::extract::Form(f): Form,
) -> Response {
    let f = Fields(f);
    match read_app_form(&f).and_then(|a| ops::add_application(&st, &a)) {
        Ok(id) => redirect_with(&app_url(&id), "ok", "Added the application."),
        Err(p) => respond(
            &h,
            applications_page(&st, &h, &Sticky::failed("add-app", f, p)),
        ),
    }
}

// ----------------------------------------------------------- Application

async fn application(State(st): State<AppState>, Path(id): Path<String>, h: HeaderMap) -> Response {
    respond(&h, application_page(&st, &h, &id, &Sticky::default()))
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
    let url = app_url(&app.id);
    let status = s
        .problem
        .as_ref()
        .map(|p| p.status)
        .unwrap_or(StatusCode::OK);
    let midnight = |d: jiff::civil::Date| {
        d.to_zoned(clock.tz.clone())
            .map(|z| z.timestamp())
            .unwrap_or(clock.now)
    };
    let mut events: Vec<Event> = Vec::new();
    for iv in &app.interviews {
        let names: Vec<&str> = iv
            .interviewers
            .iter()
            .map(|p| person_name(&app, p))
            .collect();
        events.push(Event {
            at: iv.start.ts,
            what: html! {
                "Interview " strong { (iv.id) } " (" (iv.format) ", " (iv.minutes) " min, " (iv.status) ")"
                @if !names.is_empty() { " with " (names.join(", ")) }
                " · " a href=(format!("{url}/interviews/{}/debrief", urlencode(&iv.id))) {
                    @if iv.status == InterviewStatus::Done { "Edit the debrief" } @else { "Debrief it" }
                }
                " " (crate::html::delete_button(&app.id, &[("what", "interview".into()), ("interview", iv.id.clone())], "Delete the interview"))
                @if !iv.slip_ups.is_empty() {
                    ul { @for (n, sl) in iv.slip_ups.iter().enumerate() { li { "Slip-up: " (sl.text) @if sl.noticed { " (they noticed)" } " " (crate::html::delete_button(&app.id, &[("what", "slip".into()), ("interview", iv.id.clone()), ("index", (n + 1).to_string())], "Delete")) } } }
                }
                @if let Some(r) = &iv.reflection {
                    dl.reflection {
                        @if !r.went_well.is_empty() { dt { "Went well" } dd { (r.went_well) } }
                        @if !r.change.is_empty() { dt { "One change" } dd { (r.change) } }
                        @if !r.mistakes.is_empty() { dt { "Mistakes" } dd { (r.mistakes.join("; ")) } }
                        @if !r.missing_info.is_empty() { dt { "What I lacked" } dd { (r.missing_info.join("; ")) } }
                        @if let Some(q) = &r.hardest_question { dt { "Hardest question" } dd { (q) } }
                    }
                    (crate::html::delete_button(&app.id, &[("what", "reflection".into()), ("interview", iv.id.clone())], "Delete the reflection"))
                }
            },
        });
    }
    for (n, t) in app.touches.iter().enumerate() {
        let who = t
            .person
            .as_deref()
            .map(|p| person_name(&app, p))
            .unwrap_or("them");
        events.push(Event {
            at: t.at.ts,
            what: html! {
                "Sent " (t.kind) " to " (who) " by " (t.channel)
                @if t.forced { " " span.badge.urgent { "past the guard" } }
                @if let Some(n) = &t.note { details { summary { "The note" } pre.note { (n) } } }
                " " (crate::html::delete_button(&app.id, &[("what", "touch".into()), ("index", (n + 1).to_string())], "Delete"))
            },
        });
        if let Some(r) = t.replied_at {
            events.push(Event {
                at: r.ts,
                what: html! { (who) " replied to your " (t.kind) " " (crate::html::delete_button(&app.id, &[("what", "reply".into()), ("index", (n + 1).to_string())], "Delete")) },
            });
        }
    }
    for (k, n) in app.news.iter().enumerate() {
        events.push(Event {
            at: midnight(n.on),
            what: html! { "News: " (n.text) " " (crate::html::delete_button(&app.id, &[("what", "news".into()), ("index", (k + 1).to_string())], "Delete")) },
        });
    }
    if let Some(o) = &app.outcome {
        events.push(Event {
            at: midnight(o.on),
            what: html! {
                "Outcome: " strong { (o.kind) }
                " " (crate::html::delete_button(&app.id, &[("what", "outcome".into())], "Delete the outcome"))
                @for (k, fb) in o.feedback.iter().enumerate() { br; "Feedback: " (fb.text) " " (crate::html::delete_button(&app.id, &[("what", "feedback".into()), ("index", (k + 1).to_string())], "Delete")) }
            },
        });
    }
    for (k, d) in app.dismissed.iter().enumerate() {
        events.push(Event {
            at: d.at.ts,
            what: html! { "Set aside " code { (d.rule) } @if !d.reason.is_empty() { ": " (d.reason) } " " (crate::html::delete_button(&app.id, &[("what", "dismissal".into()), ("index", (k + 1).to_string())], "Delete")) },
        });
    }
    events.sort_by_key(|e| e.at);

    let body = html! {
        h1 { (app.company) @if !app.role.is_empty() { " — " (app.role) } }
        p.lede { "Stage: " strong { (app.stage) } @if app.urgent { " · " span.badge.urgent { "urgent" } } }
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
                (interview_panel(&app, i, iv, &url, &clock.tz, s))
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
                            @if let Some(d) = pr.after { " · said to follow up after " (d) }
                        }
                        " · " a href=(format!("{url}/compose?person={}", urlencode(&p.id))) { "Write to " (p.name) }
                        " " (crate::html::delete_button(
                            &app.id,
                            &[("what", "person".into()), ("person", p.id.clone()), ("from_panels", "true".into())],
                            if app.interviews.iter().any(|iv| iv.interviewers.contains(&p.id) || iv.also_met.contains(&p.id)) {
                                "Delete (and take them off the interview panels)"
                            } else {
                                "Delete"
                            },
                        ))
                        @if !p.said.is_empty() { ul { @for (k, x) in p.said.iter().enumerate() { li { "Said: " (x) " " (crate::html::delete_button(&app.id, &[("what", "said".into()), ("person", p.id.clone()), ("index", (k + 1).to_string())], "Delete")) } } } }
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
        div.forms {
            section aria-labelledby="log-touch" { h2 #log-touch { "Log a message or call" } (touch_form(&app, &url, s)) }
            section aria-labelledby="add-person" { h2 #add-person { "Add a person" } (person_form(&url, s)) }
            section aria-labelledby="add-interview" { h2 #add-interview { "Schedule an interview" } (interview_form(&app, &url, s)) }
            section aria-labelledby="add-invite" { h2 #add-invite { "From a calendar invite" } (crate::exchange_pages::invite_form(&app.id)) }
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
                h2 #set-outcome { "Outcome" }
                form.stack method="post" action=(format!("{url}/outcome")) {
                    (form_error(s, "outcome", &[]))
                    label for="outcome-kind" { "Result" }
                    (select("kind", "outcome-kind", OutcomeKind::ALL, "", None))
                    label for="outcome-on" { "On (blank: today)" }
                    input #outcome-on type="date" name="on";
                    label.check { input type="checkbox" name="stay_in_touch" value="true"; " Stay in touch" }
                    button type="submit" data-confirm="Record this outcome? It closes the chase." { "Record the outcome" }
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
                                    @if let Some(pl) = &f.plan { " · plan: " (pl.step) " by " (pl.by) }
                                }
                            }
                        }
                    }
                    (feedback_form(&url, o.feedback.len(), s))
                }
            }
            section aria-labelledby="edit-app" { h2 #edit-app { "Edit" } (app_form(&url, "edit-app", s, Some(&app))) }
        }
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
    s: &Sticky,
) -> Markup {
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
                @if iv.status != InterviewStatus::Missed {
                    form method="post" action=(action) {
                        input type="hidden" name="interview" value=(iv.id);
                        input type="hidden" name="status" value="missed";
                        button.secondary type="submit" data-confirm="Mark this interview missed?" { "I missed it" }
                    }
                }
                @if iv.status != InterviewStatus::Cancelled {
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
                        p { strong { "Not logged (follow-up-guard). " } (msg) }
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
    match run(&f) {
        Ok(msg) => redirect_with(&app_url(id), "ok", &msg),
        Err(p) if p.status == StatusCode::NOT_FOUND && p.field.is_none() => error_page(h, &p),
        Err(p) => respond(h, application_page(st, h, id, &Sticky::failed(form, f, p))),
    }
}

async fn application_edit(
    State(st): State<AppState>,
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

async fn person_add(
    State(st): State<AppState>,
    Path(id): Path<String>,
    h: HeaderMap,
    axum::extract::Form(f): Form,
) -> Response {
    app_post(&st, &h, &id, "person", Fields(f), |f| {
        let p = ops::NewPerson {
            name: f.get("name").to_string(),
            kind: f.parse::<PersonKind>("kind")?,
            title: f.opt("title"),
            email: f.opt("email"),
            ..Default::default()
        };
        let pid = st.edit(&id, |app| ops::add_person(app, &p))?;
        Ok(format!("Added {} ({pid}).", p.name.trim()))
    })
}

async fn interview_add(
    State(st): State<AppState>,
    Path(id): Path<String>,
    h: HeaderMap,
    axum::extract::Form(f): Form,
) -> Response {
    app_post(&st, &h, &id, "interview", Fields(f), |f| {
        let clock = st.clock()?;
        let minutes = match f.opt("minutes") {
            None => None,
            Some(m) => Some(m.parse::<u32>().map_err(|_| {
                Problem::field("minutes", format!("'{m}' is not a number of minutes"))
            })?),
        };
        let iv = ops::NewInterview {
            start: f.get("start").to_string(),
            id: None,
            minutes,
            format: f.parse::<InterviewFormat>("format")?,
            with: f.all("with"),
        };
        let iid = st.edit(&id, |app| ops::add_interview(app, &iv, &clock))?;
        Ok(format!("Scheduled interview {iid}."))
    })
}

async fn touch_add(
    State(st): State<AppState>,
    Path(id): Path<String>,
    h: HeaderMap,
    axum::extract::Form(f): Form,
) -> Response {
    app_post(&st, &h, &id, "touch", Fields(f), |f| {
        let clock = st.clock()?;
        let t = ops::NewTouch {
            person: f.get("person").to_string(),
            kind: f
                .parse::<TouchKind>("kind")?
                .ok_or_else(|| Problem::field("kind", "which kind of message?"))?,
            channel: f.parse::<Channel>("channel")?.unwrap_or(Channel::Email),
            at: f.opt("at"),
            note: f.opt("note"),
            force: f.get("force") == "true",
        };
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
                message: match allowed_from {
                    Some(t) => format!("{why} Allowed from {t}."),
                    None => why,
                },
                field: Some("force".into()),
            }),
        }
    })
}

async fn reply_add(
    State(st): State<AppState>,
    Path(id): Path<String>,
    h: HeaderMap,
    axum::extract::Form(f): Form,
) -> Response {
    app_post(&st, &h, &id, "reply", Fields(f), |f| {
        let clock = st.clock()?;
        let at = clock.time_or_now(f.get("at"), "at")?;
        let person = f.opt("person");
        st.edit(&id, |app| ops::reply(app, person.as_deref(), at))?;
        Ok("Recorded the reply.".into())
    })
}

async fn news_add(
    State(st): State<AppState>,
    Path(id): Path<String>,
    h: HeaderMap,
    axum::extract::Form(f): Form,
) -> Response {
    app_post(&st, &h, &id, "news", Fields(f), |f| {
        let clock = st.clock()?;
        let on = clock.date_or_today(f.get("on"), "on")?;
        st.edit(&id, |app| ops::news(app, on, f.get("text")))?;
        Ok("Recorded the news. A congratulation adds value and is not a chase.".into())
    })
}

async fn outcome_set(
    State(st): State<AppState>,
    Path(id): Path<String>,
    h: HeaderMap,
    axum::extract::Form(f): Form,
) -> Response {
    app_post(&st, &h, &id, "outcome", Fields(f), |f| {
        let clock = st.clock()?;
        let kind = f
            .parse::<OutcomeKind>("kind")?
            .ok_or_else(|| Problem::field("kind", "which outcome?"))?;
        let on = clock.date_or_today(f.get("on"), "on")?;
        st.edit(&id, |app| {
            ops::outcome(app, kind, on, f.get("stay_in_touch") == "true")
        })?;
        Ok(format!("Recorded the outcome: {kind}."))
    })
}

async fn person_edit(
    State(st): State<AppState>,
    Path((id, pid)): Path<(String, String)>,
    h: HeaderMap,
    axum::extract::Form(f): Form,
) -> Response {
    let mut f = Fields(f);
    if !f.has("person") {
        f.0.push(("person".into(), pid.clone()));
    }
    app_post(&st, &h, &id, "edit-person", f, |f| {
        let u = ops::PersonUpdate {
            name: Some(f.get("name").to_string()),
            kind: f.parse::<PersonKind>("kind")?,
            title: Some(f.get("title").to_string()),
            email: Some(f.get("email").to_string()),
            phone: Some(f.get("phone").to_string()),
            prefers: f.parse::<Channel>("prefers")?,
            after: f.opt("after"),
        };
        st.edit(&id, |app| ops::update_person(app, &pid, &u))?;
        Ok(format!("Saved {}.", f.get("name").trim()))
    })
}

async fn interview_edit(
    State(st): State<AppState>,
    Path((id, iv)): Path<(String, String)>,
    h: HeaderMap,
    axum::extract::Form(f): Form,
) -> Response {
    let mut f = Fields(f);
    if !f.has("interview") {
        f.0.push(("interview".into(), iv.clone()));
    }
    app_post(&st, &h, &id, "edit-interview", f, |f| {
        let clock = st.clock()?;
        let number = |name: &str| -> Result<Option<u32>> {
            f.opt(name)
                .map(|m| {
                    m.parse::<u32>()
                        .map_err(|_| Problem::field(name, format!("'{m}' is not a whole number")))
                })
                .transpose()
        };
        let mut apologized = Vec::new();
        for n in f.all("apologized") {
            apologized.push(n.trim().parse::<usize>().map_err(|_| {
                Problem::field("apologized", format!("'{n}' is not a slip-up number"))
            })?);
        }
        let status = f.parse::<InterviewStatus>("status")?;
        let editing = f.has("start");
        let u = ops::InterviewUpdate {
            status,
            research: editing.then(|| f.get("research") == "true"),
            questions: number("questions")?,
            apologized,
            start: f.opt("start"),
            minutes: number("minutes")?,
        };
        st.edit(&id, |app| ops::update_interview(app, &iv, &u, &clock))?;
        Ok(match status {
            Some(InterviewStatus::Missed) => {
                "Marked it missed. Contact the scheduler now: see Next actions.".to_string()
            }
            Some(s) => format!("Marked it {s}."),
            None if !u.apologized.is_empty() => "Marked the apology made.".to_string(),
            None => "Saved the interview.".to_string(),
        })
    })
}

async fn research_add(
    State(st): State<AppState>,
    Path(id): Path<String>,
    h: HeaderMap,
    axum::extract::Form(f): Form,
) -> Response {
    app_post(&st, &h, &id, "research", Fields(f), |f| {
        let r = ops::NewResearch {
            fact: f.get("fact").to_string(),
            contribution: f.opt("contribution"),
        };
        st.edit(&id, |app| ops::research(app, &r))?;
        Ok("Recorded the research.".into())
    })
}

async fn feedback_add(
    State(st): State<AppState>,
    Path(id): Path<String>,
    h: HeaderMap,
    axum::extract::Form(f): Form,
) -> Response {
    app_post(&st, &h, &id, "feedback", Fields(f), |f| {
        let point = f
            .opt("point")
            .map(|p| {
                p.parse::<usize>()
                    .map_err(|_| Problem::field("point", format!("'{p}' is not a point number")))
            })
            .transpose()?;
        let fb = ops::NewFeedback {
            text: f.opt("text"),
            point,
            kind: f.parse::<debrief_core::model::FeedbackKind>("kind")?,
            positive: f.get("positive") == "true",
            plan: f.opt("plan"),
            by: f.opt("by"),
        };
        let n = st.edit(&id, |app| ops::feedback(app, &fb))?;
        Ok(format!("Recorded feedback point {n}."))
    })
}

// -------------------------------------------------------------- Debrief

async fn debrief_form(
    State(st): State<AppState>,
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
    let iv = app
        .interview(iv_id)
        .ok_or_else(|| Problem::not_found(format!("no interview '{iv_id}' in '{id}'")))?;
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
        p.lede { "Interview " (iv.id) ", " (when(iv.start.ts, &clock.tz)) ". Write it down now, while you remember. Blank fields are fine." }
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

async fn debrief_save(
    State(st): State<AppState>,
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
                let pid = &p.id;
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

// ------------------------------------------------------------- Composer

#[derive(Debug, serde::Deserialize)]
struct ComposeQuery {
    person: Option<String>,
    kind: Option<String>,
}

async fn composer(
    State(st): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<ComposeQuery>,
    h: HeaderMap,
) -> Response {
    respond(
        &h,
        composer_page(
            &st,
            &h,
            &id,
            q.person.as_deref(),
            q.kind.as_deref(),
            None,
            &Sticky::default(),
        ),
    )
}

/// The note being edited: subject and body as typed.
pub(crate) struct Typed {
    pub subject: String,
    pub body: String,
    pub channel: String,
}

pub(crate) fn composer_page(
    st: &AppState,
    h: &HeaderMap,
    id: &str,
    person: Option<&str>,
    kind: Option<&str>,
    typed: Option<Typed>,
    s: &Sticky,
) -> Result<Response> {
    let app = st.application(id)?;
    let clock = st.clock()?;
    let url = app_url(&app.id);
    let kind: NoteKind = match kind.filter(|k| !k.is_empty()) {
        Some(k) => k.parse().map_err(|e: String| Problem::field("kind", e))?,
        None => NoteKind::ThankYou,
    };
    let Some(person) = person
        .filter(|p| !p.is_empty())
        .or(app.people.first().map(|p| p.id.as_str()))
    else {
        return Err(Problem::bad(format!(
            "'{}' has no people yet; add one first",
            app.company
        )));
    };
    let p = app
        .person(person)
        .ok_or_else(|| Problem::not_found(format!("no person '{person}' in '{}'", app.id)))?;
    let typed = match typed {
        Some(t) => t,
        None => {
            let d = debrief_lint::draft(&app, person, kind, &clock.profile.name, clock.now);
            let (subject, body) = match d {
                Ok(d) => (d.subject, d.body),
                Err(_) => (String::new(), String::new()),
            };
            Typed {
                subject,
                body,
                channel: p.preferred_channel().unwrap_or(Channel::Email).to_string(),
            }
        }
    };
    let pack = st.rule_pack()?;
    let cx = debrief_lint::note_context(&app, Some(person), Some(kind), clock.now, &pack);
    let diags = debrief_lint::lint(&typed.body, &cx);
    let status = s
        .problem
        .as_ref()
        .map(|p| p.status)
        .unwrap_or(StatusCode::OK);
    let f = "compose";
    let body = html! {
        h1 { "Write to " (p.name) }
        p.lede { (app.company) " · " (kind.as_str()) " note. Edit it, check it, send it from your own mail, then log it here." }
        form.stack #composer method="post" action=(format!("{url}/compose"))
            data-lint-app=(app.id) data-lint-person=(person) data-lint-kind=(kind.as_str()) {
            input type="hidden" name="person" value=(person);
            input type="hidden" name="kind" value=(kind.as_str());
            (form_error(s, f, &["force"]))
            label for="subject" { "Subject" }
            input #subject type="text" name="subject" maxlength="300" value=(typed.subject);
            label for="note" { "Note" }
            textarea #note name="body" rows="14" aria-describedby="diagnostics-heading" { (typed.body) }
            h2 #diagnostics-heading { "What to look at" }
            div #diagnostics aria-live="polite" { (diagnostics(&diags)) }
            h2 #panel-heading { "Compared with the rest of the panel" }
            div #panel aria-live="polite" { (panel_check(&app, person, &typed.body)) }
            label for="compose-channel" { "Sent by" }
            (select("channel", "compose-channel", Channel::ALL, &typed.channel, None))
            @if let Some(msg) = s.error_for(f, "force") {
                div.refusal role="alert" {
                    p { strong { "Not logged (follow-up-guard). " } (msg) }
                    label.check { input type="checkbox" name="force" value="true"; " Log it anyway" }
                }
            }
            div.buttons {
                button.secondary type="submit" name="action" value="check" { "Check again" }
                button.secondary type="button" #copy-note hidden { "Copy the note" }
                button.secondary type="submit" name="action" value="download" { "Download as a file" }
                button type="submit" name="action" value="send" { "Log as sent" }
            }
            (crate::mailing::composer_tools(st, &app, person, s))
        }
        p { a href=(url) { "Back to " (app.company) } }
    };
    Ok(page(h, status, "Composer", Some(Nav::Applications), body))
}

/// The notes already logged to the rest of `person`'s latest panel:
/// (their id, their name, the note's body).
fn panel_notes(app: &Application, person: &str) -> Vec<(String, String, String)> {
    let Some(iv) = app
        .interviews
        .iter()
        .rev()
        .find(|iv| iv.interviewers.iter().any(|p| p == person))
    else {
        return Vec::new();
    };
    iv.interviewers
        .iter()
        .filter(|p| p.as_str() != person)
        .filter_map(|other| {
            let t = app.touches.iter().rev().find(|t| {
                t.person.as_deref() == Some(other.as_str())
                    && t.kind == TouchKind::ThankYou
                    && t.at >= iv.start
                    && t.note.is_some()
            })?;
            let note = t.note.as_deref().unwrap_or("");
            // The composer logs "Subject: …" and a blank line before the body.
            let body = match note.strip_prefix("Subject: ") {
                Some(rest) => rest.split_once("\n\n").map(|(_, b)| b).unwrap_or(rest),
                None => note,
            };
            Some((
                other.clone(),
                person_name(app, other).to_string(),
                body.to_string(),
            ))
        })
        .collect()
}

/// How alike this note is to the notes already sent to the same panel:
/// panel members compare notes, so each should be written for its reader.
pub fn panel_check(app: &Application, person: &str, body: &str) -> Markup {
    let others = panel_notes(app, person);
    let in_panel = app
        .interviews
        .iter()
        .any(|iv| iv.interviewers.len() > 1 && iv.interviewers.iter().any(|p| p == person));
    let mut notes: Vec<(&str, &str)> = vec![(person, body)];
    notes.extend(
        others
            .iter()
            .map(|(id, _, text)| (id.as_str(), text.as_str())),
    );
    let findings = debrief_lint::panel(&notes);
    html! {
        @if !in_panel {
            p.muted { "Not part of a panel: nothing to compare." }
        } @else if others.is_empty() {
            p.muted { "No note to the rest of the panel is logged yet; each one is compared with the notes already sent." }
        } @else {
            ul.panel {
                @for (id, name, _) in &others {
                    @if let Some(f) = findings.iter().find(|f| (f.a == person && &f.b == id) || (&f.a == id && f.b == person)) {
                        li.(if f.duplicate { "warning" } else { "ok" }) {
                            "Compared with your note to " (name) ": "
                            strong { (format!("{:.0} %", f.jaccard * 100.0)) " alike" }
                            @if f.duplicate {
                                " — too alike: panel members compare notes. Write this one for its reader."
                                @if let Some(p) = f.passages.first() { br; "Shared: “" (p.text) "”" }
                            } @else { " — fine." }
                        }
                    }
                }
            }
        }
    }
}

pub fn diagnostics(diags: &[debrief_lint::Diagnostic]) -> Markup {
    html! {
        @if diags.is_empty() {
            p.ok { "No problems found." }
        } @else {
            ul.diagnostics {
                @for d in diags {
                    li.(d.severity.as_str()) {
                        strong { (d.severity.as_str()) } " line " (d.line) ", column " (d.column) ": " (d.message)
                        " " code { (d.rule) }
                        @if let Some(s) = &d.suggestion { br; "Try: " (s) }
                    }
                }
            }
        }
    }
}

async fn composer_post(
    State(st): State<AppState>,
    Path(id): Path<String>,
    h: HeaderMap,
    axum::extract::Form(f): Form,
) -> Response {
    let f = Fields(f);
    let typed = || Typed {
        subject: f.get("subject").to_string(),
        body: f.get("body").to_string(),
        channel: f.get("channel").to_string(),
    };
    let person = f.get("person").to_string();
    let kind = f.get("kind").to_string();
    if f.get("action") == "download" {
        return download_note(&id, &person, &kind, f.get("subject"), f.get("body"));
    }
    if f.get("action") != "send" {
        return respond(
            &h,
            composer_page(
                &st,
                &h,
                &id,
                Some(&person),
                Some(&kind),
                Some(typed()),
                &Sticky::default(),
            ),
        );
    }
    let run = || -> Result<Logged> {
        let clock = st.clock()?;
        let note_kind: NoteKind = kind
            .parse()
            .map_err(|e: String| Problem::field("kind", e))?;
        let subject = f.get("subject").trim();
        let note = if subject.is_empty() {
            f.get("body").to_string()
        } else {
            format!("Subject: {subject}\n\n{}", f.get("body"))
        };
        let t = ops::NewTouch {
            person: person.clone(),
            kind: note_kind.touch_kind(),
            channel: f.parse::<Channel>("channel")?.unwrap_or(Channel::Email),
            at: None,
            note: Some(note),
            force: f.get("force") == "true",
        };
        ops::log_touch(&st, &id, &t, &clock)
    };
    match run() {
        Ok(Logged::Yes { touch, .. }) => redirect_with(
            &app_url(&id),
            "ok",
            &format!(
                "Logged the {} to {}, with the note.",
                touch.kind,
                name_of(&st, &id, &person)
            ),
        ),
        Ok(Logged::Refused { allowed_from, why }) => {
            let p = Problem {
                status: StatusCode::CONFLICT,
                message: match allowed_from {
                    Some(t) => format!("{why} Allowed from {t}."),
                    None => why,
                },
                field: Some("force".into()),
            };
            let s = Sticky::failed("compose", f.clone(), p);
            respond(
                &h,
                composer_page(&st, &h, &id, Some(&person), Some(&kind), Some(typed()), &s),
            )
        }
        Err(p) => error_page(&h, &p),
    }
}

/// The note as a text file, to attach or paste from elsewhere.
fn download_note(app: &str, person: &str, kind: &str, subject: &str, body: &str) -> Response {
    let safe = crate::html::safe_name;
    let name = format!("{}-{}-{}.txt", safe(app), safe(person), safe(kind));
    let subject = subject.trim();
    let text = if subject.is_empty() {
        body.to_string()
    } else {
        format!("Subject: {subject}\n\n{body}")
    };
    crate::html::download(text, "text/plain; charset=utf-8", &name)
}

// ------------------------------------------------------------- Insights

async fn insights(State(st): State<AppState>, h: HeaderMap) -> Response {
    let run = || -> Result<Response> {
        let data = st.load()?;
        let tz = debrief_core::exchange::parse_timezone(&st.profile()?.timezone)
            .map_err(Problem::internal)?;
        let stats = debrief_core::stats::compute_at(&data, st.now(&tz)?);
        let months = thank_yous_by_month(&data, &tz, 12);
        let body = charts::insights(&stats, &months);
        Ok(page(
            &h,
            StatusCode::OK,
            "Insights",
            Some(Nav::Insights),
            body,
        ))
    };
    respond(&h, run())
}

/// Thank-you timeliness month by month (the last `last` months with a
/// held interview): the same count as `stats`, run on each month's
/// interviews, so there is one definition of "on time".
fn thank_yous_by_month(data: &Dataset, tz: &jiff::tz::TimeZone, last: usize) -> Vec<charts::Month> {
    let month = |iv: &debrief_core::model::Interview| {
        iv.start
            .ts
            .to_zoned(tz.clone())
            .strftime("%Y-%m")
            .to_string()
    };
    let mut keys: Vec<String> = data
        .applications
        .iter()
        .flat_map(|a| a.interviews.iter().map(month))
        .collect();
    keys.sort();
    keys.dedup();
    let keys = &keys[keys.len().saturating_sub(last)..];
    keys.iter()
        .map(|key| {
            let apps = data
                .applications
                .iter()
                .filter(|a| a.interviews.iter().any(|iv| &month(iv) == key))
                .map(|a| {
                    let mut a = a.clone();
                    a.interviews.retain(|iv| &month(iv) == key);
                    a
                })
                .collect();
            let part = Dataset {
                applications: apps,
                ..Dataset::default()
            };
            let t = debrief_core::stats::compute(&part).thank_yous;
            charts::Month {
                month: key.clone(),
                owed: t.owed,
                within: t.within_24h,
            }
        })
        .filter(|m| m.owed > 0)
        .collect()
}

// ------------------------------------------------------------- Settings

async fn settings(State(st): State<AppState>, h: HeaderMap) -> Response {
    respond(&h, settings_page(&st, &h, &Sticky::default()))
}

fn settings_page(st: &AppState, h: &HeaderMap, s: &Sticky) -> Result<Response> {
    let p = st.profile()?;
    let status = s
        .problem
        .as_ref()
        .map(|p| p.status)
        .unwrap_or(StatusCode::OK);
    let f = "profile";
    let extra: Vec<String> = p.holidays.extra.iter().map(|d| d.to_string()).collect();
    let calendar_feed = crate::feed::settings_section(st, h)?;
    let email = crate::mailing::settings_section(st)?;
    let history = crate::removal::settings_section(st)?;
    let digest = crate::push::settings_section(st)?;
    let body = html! {
        h1 { "Settings" }
        section aria-labelledby="profile-h" {
            h2 #profile-h { "Profile" }
            form.stack method="post" action="/settings/profile" {
                (form_error(s, f, &["name", "timezone", "extra", "emails"]))
                label for="profile-name" { "Your name (signs your notes)" }
                input #profile-name type="text" name="name" required maxlength="200" value=(s.value(f, "name", &p.name))
                    aria-describedby=[describedby(s, f, "name")];
                (field_error(s, f, "name"))
                label for="profile-emails" { "Your email addresses, one per line (a calendar invite never adds you as a person)" }
                textarea #profile-emails name="emails" rows="2" aria-describedby=[describedby(s, f, "emails")] { (s.value(f, "emails", &p.emails.join("\n"))) }
                (field_error(s, f, "emails"))
                label for="profile-timezone" { "Time zone (IANA name, e.g. America/Chicago)" }
                input #profile-timezone type="text" name="timezone" required value=(s.value(f, "timezone", &p.timezone))
                    aria-describedby=[describedby(s, f, "timezone")];
                (field_error(s, f, "timezone"))
                label for="profile-holidays" { "Public holidays" }
                (select("holidays", "profile-holidays", HolidayCalendar::ALL, s.value(f, "holidays", p.holidays.calendar.as_str()), None))
                label for="profile-extra" { "Other days off, one date per line" }
                textarea #profile-extra name="extra" rows="3" aria-describedby=[describedby(s, f, "extra")] { (s.value(f, "extra", &extra.join("\n"))) }
                (field_error(s, f, "extra"))
                label for="profile-policy" { "Chasing policy" }
                (select("policy", "profile-policy", Policy::ALL, s.value(f, "policy", p.policy.as_str()), None))
                p.muted { "Conservative: wait ten business days, then one short email. Proactive: a call after a few days. A date the person named beats both." }
                button type="submit" { "Save profile" }
            }
        }
        section aria-labelledby="import" {
            h2 #import { "Import" }
            p { "Read an exchange file (debrief/1 JSON), as written by Export or " code { "debrief export" } "." }
            form.stack method="post" action="/settings/import" enctype="multipart/form-data" {
                (form_error(s, "import", &[]))
                label for="import-file" { "File" }
                input #import-file type="file" name="file" accept="application/json,.json" required;
                label.check { input type="checkbox" name="replace" value="true"; " Replace everything in the store (otherwise add and update)" }
                button type="submit" data-confirm="Import this file into your store?" { "Import" }
            }
            (crate::exchange_pages::settings_links())
        }
        section aria-labelledby="export" {
            h2 #export { "Export" }
            p { a.button href="/export.json" download="debrief-export.json" { "Download everything (JSON)" } }
            p { (crate::exchange_pages::calendar_link(None)) }
        }
        (calendar_feed)
        (email)
        (digest)
        (history)
    };
    Ok(page(h, status, "Settings", Some(Nav::Settings), body))
}

async fn profile_save(
    State(st): State<AppState>,
    h: HeaderMap,
    axum::extract::Form(f): Form,
) -> Response {
    let f = Fields(f);
    let run = || -> Result<()> {
        let mut p = st.profile()?;
        let name = f.get("name").trim();
        if name.is_empty() {
            return Err(Problem::field(
                "name",
                "your name signs the notes Debrief drafts; it cannot be empty",
            ));
        }
        ops::one_line("name", name)?;
        p.name = name.to_string();
        let tz = f.get("timezone").trim();
        debrief_core::exchange::parse_timezone(tz).map_err(|e| Problem::field("timezone", e))?;
        p.timezone = tz.to_string();
        if let Some(c) = f.parse::<HolidayCalendar>("holidays")? {
            p.holidays.calendar = c;
        }
        if let Some(pol) = f.parse::<Policy>("policy")? {
            p.policy = pol;
        }
        let mut extra = Vec::new();
        for line in f.lines("extra") {
            extra.push(parse_date(&line).map_err(|e| Problem::field("extra", e))?);
        }
        extra.sort();
        extra.dedup();
        p.holidays.extra = extra;
        // A form without the field (an older page) keeps the addresses.
        if f.has("emails") {
            let mut emails: Vec<String> = Vec::new();
            for line in f.lines("emails") {
                let e = line.trim().to_string();
                ops::one_line("emails", &e)?;
                debrief_core::exchange::check_email(&e).map_err(|m| Problem::field("emails", m))?;
                if !emails.iter().any(|x| x.eq_ignore_ascii_case(&e)) {
                    emails.push(e);
                }
            }
            p.emails = emails;
        }
        debrief_core::exchange::validate_profile(&p)?;
        st.apply(&[Change::SetProfile(p)])
    };
    match run() {
        Ok(()) => redirect_with("/settings", "ok", "Saved your profile."),
        Err(p) => respond(&h, settings_page(&st, &h, &Sticky::failed("profile", f, p))),
    }
}

/// Reads an exchange document into the store: one transaction.
pub fn import_text(st: &AppState, text: &str, replace: bool) -> Result<(usize, usize)> {
    // A document without a profile keeps the stored one (FORMAT.md §1).
    let mut profile = None;
    let mut applications = Vec::new();
    debrief_core::exchange::parse_each_slice(text.as_bytes(), |piece| {
        match piece {
            debrief_core::exchange::Piece::Profile(p) => profile = Some(p),
            debrief_core::exchange::Piece::Application(a) => applications.push(a),
        }
        Ok::<(), std::convert::Infallible>(())
    })
    .map_err(|e| match e {
        debrief_core::exchange::EachError::Exchange(e) => Problem::from(e),
        debrief_core::exchange::EachError::Receiver(never) => match never {},
    })?;
    let what = if replace {
        "import, replacing every application"
    } else {
        "import"
    };
    st.update(what, |u| {
        let existing = u.application_ids()?;
        let plan = debrief_store::import_plan(profile, applications, &existing, replace);
        u.apply(&plan.changes)?;
        Ok((plan.added, plan.updated))
    })
}

fn too_big() -> Problem {
    Problem::field(
        "file",
        format!(
            "the file is larger than {} MB; import it from a terminal with `debrief import FILE`",
            crate::BODY_LIMIT_BYTES >> 20
        ),
    )
}

fn upload_failed(e: &axum::extract::multipart::MultipartError) -> Problem {
    // The size limit shows up as the cause of a parse error.
    let mut cause: Option<&dyn std::error::Error> = Some(e);
    while let Some(c) = cause {
        if c.to_string().contains("length limit") {
            return too_big();
        }
        cause = c.source();
    }
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return too_big();
    }
    Problem::field("file", format!("the upload failed: {}", e.body_text()))
}

async fn import(State(st): State<AppState>, h: HeaderMap, mut mp: Multipart) -> Response {
    // Over the limit, the multipart reader only says the data ended early.
    let oversized = h
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
        .is_some_and(|n| n > crate::BODY_LIMIT_BYTES);
    let upload_failed = |e: &axum::extract::multipart::MultipartError| {
        if oversized {
            too_big()
        } else {
            upload_failed(e)
        }
    };
    let mut text = None;
    let mut replace = false;
    let mut problem = None;
    loop {
        match mp.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or("").to_string();
                match field.bytes().await {
                    Ok(bytes) if name == "file" => match String::from_utf8(bytes.to_vec()) {
                        Ok(t) => text = Some(t),
                        Err(_) => {
                            problem = Some(Problem::field("file", "the file is not UTF-8 text"))
                        }
                    },
                    Ok(bytes) if name == "replace" => replace = &bytes[..] == b"true",
                    Ok(_) => {}
                    Err(e) => problem = Some(upload_failed(&e)),
                }
            }
            Ok(None) => break,
            Err(e) => {
                problem = Some(upload_failed(&e));
                break;
            }
        }
    }
    let result = match (problem, text) {
        (Some(p), _) => Err(p),
        (None, None) => Err(Problem::field("file", "choose a file to import")),
        (None, Some(t)) => import_text(&st, &t, replace),
    };
    match result {
        Ok((added, updated)) => redirect_with(
            "/settings",
            "ok",
            &format!("Imported: {added} new, {updated} updated application(s)."),
        ),
        Err(p) => respond(
            &h,
            settings_page(&st, &h, &Sticky::failed("import", Fields::default(), p)),
        ),
    }
}

async fn export(State(st): State<AppState>, h: HeaderMap) -> Response {
    let run = || -> Result<Response> {
        let data = st.load()?;
        let mut json = serde_json::to_string_pretty(&data)
            .map_err(|e| Problem::internal(format!("cannot write JSON: {e}")))?;
        json.push('\n');
        Ok(crate::html::download(
            json,
            "application/json",
            "debrief-export.json",
        ))
    };
    respond(&h, run())
}
