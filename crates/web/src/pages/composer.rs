//! The composer: a note drafted, linted and panel-checked, downloaded,
//! or sent (through `crate::mailing`).

use crate::html::{
    Fields, Nav, Sticky, app_url, error_page, form_error, page, redirect_with, select,
};
use crate::ops::{self, Logged};
use crate::state::{AppState, Problem, Result};
use axum::Extension;
use axum::extract::{Path, Query};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use debrief_core::model::{Application, Channel, TouchKind};
use debrief_core::text::when;
use debrief_lint::NoteKind;
use maud::{Markup, html};

use super::common::{Form, name_of, person_name, respond};
use crate::mailing::{Done, NotSent, SendRequest, input_problem, send_note};
use debrief_mail::outbox::{self, NoteText, Stop};

#[derive(Debug, serde::Deserialize)]
pub(super) struct ComposeQuery {
    person: Option<String>,
    kind: Option<String>,
}

pub(super) async fn composer(
    Extension(st): Extension<AppState>,
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
    let errors = error_count(&diags);
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
                    p { strong { "Not logged: the follow-up guard. " } (msg) }
                    label.check { input type="checkbox" name="force" value="true"; " Log it anyway" }
                }
            }
            @if let Some(msg) = s.error_for(f, "lint_anyway") {
                div.refusal role="alert" #lint-refusal {
                    p { strong { "Not logged. " } (msg) }
                    label.check { input type="checkbox" name="lint_anyway" value="true"; " Log it with them" }
                }
            }
            div.buttons {
                button.secondary type="submit" name="action" value="check" { "Check again" }
                button.secondary type="button" #copy-note hidden { "Copy the note" }
                button.secondary type="submit" name="action" value="download" { "Download as a file" }
                // With errors in the note, it asks first (app.js keeps
                // the question in step with the live check); without
                // JavaScript the server asks (`lint_anyway`).
                button #log-sent type="submit" name="action" value="send"
                    data-confirm=[(errors > 0).then(|| LINT_QUESTION)] data-confirm-adds="lint_anyway" { "Log as sent" }
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
                other.to_string(),
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

pub(super) async fn composer_post(
    Extension(st): Extension<AppState>,
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
        if f.get("lint_anyway") != "true" {
            let app = st.application(&id)?;
            let pack = st.rule_pack()?;
            let cx =
                debrief_lint::note_context(&app, Some(&person), Some(note_kind), clock.now, &pack);
            let n = error_count(&debrief_lint::lint(f.get("body"), &cx));
            if n > 0 {
                return Err(Problem {
                    status: StatusCode::UNPROCESSABLE_ENTITY,
                    message: format!(
                        "The note has {n} error{} (under What to look at). Fix {}, or tick the box and press Log as sent again.",
                        if n == 1 { "" } else { "s" },
                        if n == 1 { "it" } else { "them" }
                    ),
                    field: Some("lint_anyway".into()),
                });
            }
        }
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
                message: crate::html::refusal_words(&why, allowed_from.as_deref(), &zone(&st)),
                field: Some("force".into()),
            };
            let s = Sticky::failed("compose", f.clone(), p);
            respond(
                &h,
                composer_page(&st, &h, &id, Some(&person), Some(&kind), Some(typed()), &s),
            )
        }
        Err(p) if p.is_for("lint_anyway") => {
            let s = Sticky::failed("compose", f.clone(), p);
            respond(
                &h,
                composer_page(&st, &h, &id, Some(&person), Some(&kind), Some(typed()), &s),
            )
        }
        Err(p) => error_page(&h, &p),
    }
}

/// What the Log as sent button asks when the note has errors.
const LINT_QUESTION: &str = "The note has errors (see What to look at). Log it as sent anyway?";

fn error_count(diags: &[debrief_lint::Diagnostic]) -> usize {
    diags
        .iter()
        .filter(|d| matches!(d.severity, debrief_lint::Severity::Error))
        .count()
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

/// The composer again, with what was typed and why nothing went out.
fn composer_again(
    st: &AppState,
    h: &HeaderMap,
    id: &str,
    form: &'static str,
    f: Fields,
    p: Problem,
) -> Response {
    let typed = Typed {
        subject: f.get("subject").to_string(),
        body: f.get("body").to_string(),
        channel: f.get("channel").to_string(),
    };
    let person = f.get("person").to_string();
    let kind = f.get("kind").to_string();
    let s = Sticky::failed(form, f, p);
    composer_page(st, h, id, Some(&person), Some(&kind), Some(typed), &s)
        .unwrap_or_else(|p| error_page(h, &p))
}

fn kind_of(f: &Fields) -> Result<NoteKind> {
    match f.opt("kind") {
        Some(k) => k.parse().map_err(|e: String| Problem::field("kind", e)),
        None => Ok(NoteKind::ThankYou),
    }
}

/// The composer's Send.
pub(super) async fn send_form(
    Extension(st): Extension<AppState>,
    Path(id): Path<String>,
    h: HeaderMap,
    axum::extract::Form(f): Form,
) -> Response {
    let f = Fields(f);
    let kind = match kind_of(&f) {
        Ok(k) => k,
        Err(p) => return error_page(&h, &p),
    };
    let request = SendRequest {
        app: &id,
        person: f.get("person"),
        kind,
        text: f.get("body"),
        subject: Some(f.get("subject")),
        force: f.get("send_anyway") == "true",
        dry_run: false,
        source: "note",
    };
    let outcome = send_note(&st, request).await;
    let problem = match outcome {
        Ok(Done::Sent { prepared, server }) => {
            let tz = st.clock().map(|c| c.tz).ok();
            let at = match &tz {
                Some(tz) => when(prepared.touch.at.ts, tz),
                None => prepared.touch.at.to_string(),
            };
            return redirect_with(
                &app_url(&id),
                "ok",
                &format!(
                    "Sent “{}” to {} <{}> through {server}. Logged {} to {} by email at {at}{}.",
                    prepared.subject,
                    prepared.to.name,
                    prepared.to.address,
                    kind.touch_kind(),
                    prepared.to.name,
                    if prepared.forced.is_some() {
                        ", past the follow-up guard"
                    } else {
                        ""
                    }
                ),
            );
        }
        Ok(Done::DryRun(_)) => Problem::internal("a dry run from the composer"),
        Err(NotSent::Problem(p) | NotSent::Unlogged(p)) => p,
        Err(NotSent::Refused(Stop::Lint { diagnostics })) => {
            let n = diagnostics
                .iter()
                .filter(|d| d.severity == debrief_lint::Severity::Error)
                .count();
            Problem {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                message: format!(
                    "the linter found {n} error{} in the note (listed under “What to look at”). Fix {}, or tick “Send anyway”.",
                    if n == 1 { "" } else { "s" },
                    if n == 1 { "it" } else { "them" }
                ),
                field: Some("send_anyway".into()),
            }
        }
        Err(NotSent::Refused(Stop::Guard {
            allowed_from, why, ..
        })) => Problem {
            status: StatusCode::CONFLICT,
            message: format!(
                "{} Nothing was sent or logged.",
                crate::html::refusal_words(&why, allowed_from.as_deref(), &zone(&st))
            ),
            field: Some("send_anyway".into()),
        },
        Err(NotSent::Refused(other)) => Problem::bad(other.to_string()),
        Err(NotSent::Smtp { error, .. }) => Problem {
            status: StatusCode::BAD_GATEWAY,
            message: format!("{error}. Nothing was logged."),
            field: Some("smtp".into()),
        },
    };
    composer_again(&st, &h, &id, "email", f, problem)
}

/// The composer's "Download as email (.eml)": `debrief draft --eml`'s
/// message, with the subject and note as typed.
pub(super) async fn eml(
    Extension(st): Extension<AppState>,
    Path(id): Path<String>,
    h: HeaderMap,
    axum::extract::Form(f): Form,
) -> Response {
    let f = Fields(f);
    let run = || -> Result<(Vec<u8>, String)> {
        let kind = kind_of(&f)?;
        let app = st.application(&id)?;
        let person = f.get("person");
        let to = outbox::recipient(&app, person, "person").map_err(|s| match input_problem(s) {
            NotSent::Problem(p) => p,
            _ => Problem::bad("no recipient"),
        })?;
        let note = NoteText::read(f.get("body"))
            .map_err(|_| Problem::field("body", "the note is empty; write something first"))?;
        let clock = st.clock()?;
        // The mail settings' sender, else the first of your addresses in
        // Settings → Profile: a draft works out of the box.
        let from = match st.mail().load().and_then(|s| s.sender(&clock.profile.name)) {
            Ok(p) => p,
            Err(e) => match clock.profile.emails.first() {
                Some(a) => {
                    debrief_mail::Party::new(clock.profile.name.trim().to_string(), a.clone())
                }
                None => {
                    return Err(Problem::bad(format!(
                        "{} Or add your address in Settings → Profile (Your email addresses).",
                        e.0
                    )));
                }
            },
        };
        let subject = f
            .opt("subject")
            .or_else(|| note.subject.clone())
            .unwrap_or_else(|| outbox::default_subject(&app, person, kind, &from.name, clock.now));
        let email = outbox::draft_email(&from, &to, &subject, note.body, clock.now)
            .map_err(|e| Problem::bad(e.to_string()))?;
        let name = format!(
            "{}-{}-{}.eml",
            crate::html::safe_name(&id),
            crate::html::safe_name(person),
            kind.as_str()
        );
        Ok((email.formatted(), name))
    };
    match run() {
        Ok((bytes, name)) => crate::html::download(bytes, "message/rfc822", &name),
        Err(p) => composer_again(&st, &h, &id, "eml", f, p),
    }
}

/// The profile's time zone, for the words of a refusal.
fn zone(st: &AppState) -> jiff::tz::TimeZone {
    st.clock().map(|c| c.tz).unwrap_or(jiff::tz::TimeZone::UTC)
}
