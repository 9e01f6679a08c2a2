//! Email from the web app, with `debrief send`'s and `debrief draft
//! --eml`'s steps (`debrief_mail::outbox`) and settings
//! (`debrief_mail::Sources`: `DEBRIEF_SMTP_URL`, `DEBRIEF_MAIL_FROM`,
//! `mail.toml`, read again on each use, so an edited file needs no restart):
//!
//! - the composer's "Download as email (.eml)": the note as a draft mail
//!   clients open in their composer;
//! - the composer's "Send", shown only when a server is set up: lint
//!   (errors block; "Send anyway"), the follow-up guard (its refusal, as for
//!   logging a touch), SMTP, and the touch logged only once the server
//!   accepted the message;
//! - `POST /api/v1/send`, answering `debrief send --json`'s JSON.
//!
//! The SMTP password is never shown: pages name the server as `host:port`.

use axum::Extension;
use axum::Router;
use axum::body::Bytes;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use debrief_core::model::Application;
use debrief_lint::{NoteKind, RulePack};
use debrief_mail::outbox::{self, NoteText, Outgoing, Prepared, Stop};
use debrief_mail::{Party, SendError, SmtpUrl};
use maud::{Markup, html};
use serde_json::Value;

use crate::html::Sticky;
use crate::html::app_url;
use crate::state::{AppState, Problem, Result};

pub fn api_routes() -> Router {
    Router::new()
        .route("/send", post(api_send))
        .layer(axum::middleware::map_response(crate::wire::json_errors))
}

/// How the mail settings stand.
enum Status {
    /// A server and a sender: Send is offered.
    Ready { url: SmtpUrl, from: Party },
    /// No server set up, or settings that cannot be used (`problem`).
    Off { problem: Option<String> },
}

fn status(st: &AppState, profile_name: &str) -> (Status, Vec<String>) {
    let settings = match st.mail().load() {
        Ok(s) => s,
        Err(e) => return (Status::Off { problem: Some(e.0) }, vec![]),
    };
    let mut warnings = settings.warnings.clone();
    if settings.config.smtp_url.is_none() {
        return (Status::Off { problem: None }, warnings);
    }
    let ready = settings
        .smtp_url()
        .and_then(|url| Ok((url, settings.sender(profile_name)?)));
    match ready {
        Ok((url, from)) => {
            // `?tls=none` to another computer: said wherever mail is set up.
            warnings.extend(url.warning());
            (Status::Ready { url, from }, warnings)
        }
        Err(e) => (Status::Off { problem: Some(e.0) }, warnings),
    }
}

/// How to set sending up, in one line.
fn how_to_set_up(st: &AppState) -> Markup {
    html! {
        "To send from Debrief, write " code { "smtp_url" } " and " code { "from" } " "
        (st.mail().where_to_configure())
        ", or set " code { "DEBRIEF_SMTP_URL" } " and " code { "DEBRIEF_MAIL_FROM" }
        " before starting " code { "debrief serve" } ". The user guide's “Sending from Debrief” shows how."
    }
}

// ------------------------------------------------------------- sending

/// What to send.
pub(crate) struct SendRequest<'a> {
    pub(crate) app: &'a str,
    pub(crate) person: &'a str,
    pub(crate) kind: NoteKind,
    pub(crate) text: &'a str,
    pub(crate) subject: Option<&'a str>,
    pub(crate) force: bool,
    pub(crate) dry_run: bool,
    /// Where the note came from, for the diagnostics' `path`.
    pub(crate) source: &'a str,
}

/// Why nothing went out (or, for `Unlogged`, why it went out unlogged).
pub(crate) enum NotSent {
    /// Bad input or settings: nothing tried.
    Problem(Problem),
    /// Lint errors or the guard: `debrief send --json`'s refusal.
    Refused(Stop),
    /// The server said no or could not be reached.
    Smtp { server: String, error: SendError },
    /// Sent, but the touch could not be written.
    Unlogged(Problem),
}

impl From<Problem> for NotSent {
    fn from(p: Problem) -> Self {
        NotSent::Problem(p)
    }
}

/// A stop that is bad input, in the API's and the forms' terms.
pub(crate) fn input_problem(stop: Stop) -> NotSent {
    match stop {
        Stop::NoAddress { app, person, name } => NotSent::Problem(Problem::field(
            "person",
            format!(
                "{name} has no email address in '{app}'; add one first (“Edit {name}” on the application page, or PATCH /api/v1/applications/{app}/people/{person})"
            ),
        )),
        Stop::Edit(e) => NotSent::Problem(e.into()),
        Stop::Empty => NotSent::Problem(Problem::field("text", "the note is empty")),
        Stop::Lint { .. } | Stop::Guard { .. } | Stop::Declined { .. } => NotSent::Refused(stop),
        other => NotSent::Problem(Problem::bad(other.to_string())),
    }
}

pub(crate) enum Done {
    DryRun(Value),
    Sent {
        prepared: Box<Prepared>,
        server: String,
    },
}

/// read → lint → follow-up guard → SMTP → log, as `debrief send`.
pub(crate) async fn send_note(st: &AppState, r: SendRequest<'_>) -> Result<Done, NotSent> {
    let app: Application = st.application(r.app)?;
    let to = outbox::recipient(&app, r.person, "person").map_err(input_problem)?;
    let note = NoteText::read(r.text).map_err(input_problem)?;
    let clock = st.clock()?;
    let settings = st.mail().load().map_err(|e| Problem::bad(e.0))?;
    // Settings are checked before anything else happens; a dry run needs
    // no server.
    let url = if r.dry_run {
        settings.smtp_url_if_any()
    } else {
        Some(settings.smtp_url().map_err(|e| Problem::bad(e.0))?)
    };
    let from = settings
        .sender(&clock.profile.name)
        .map_err(|e| Problem::bad(e.0))?;
    let outgoing = Outgoing {
        app: &app,
        person: r.person,
        to: &to,
        from: &from,
        kind: r.kind,
        note: &note,
        subject: r.subject,
        source: r.source,
        at: clock.now_moment(),
        tz: &clock.tz,
        force: r.force,
    };
    // No question to ask: the composer has shown the warnings already.
    let prepared = outbox::prepare(
        &outgoing,
        RulePack::builtin_ref(),
        &clock.engine,
        &mut |_| true,
    )
    .map_err(input_problem)?;
    let server = url.as_ref().map(SmtpUrl::server);
    if r.dry_run {
        return Ok(Done::DryRun(prepared.dry_run(server)));
    }
    let (Some(url), Some(server)) = (url, server) else {
        return Err(Problem::bad("no SMTP server is set up").into());
    };
    let email = prepared.email.clone();
    let delivered = tokio::task::spawn_blocking(move || debrief_mail::send(&url, &email))
        .await
        .map_err(|e| Problem::internal(format!("sending stopped: {e}")))?;
    if let Err(error) = delivered {
        return Err(NotSent::Smtp { server, error });
    }
    // Only now is the touch logged, into the application as it is now.
    let if_match = crate::state::current_if_match();
    let logged = st.run(&format!("edit application {}", r.app), |store, origin| {
        debrief_app::touch::log_sent(store, origin, r.app, if_match, prepared.touch.clone())
    });
    if let Err(p) = logged {
        return Err(NotSent::Unlogged(Problem::internal(format!(
            "the message was sent, but logging it failed: {p}. Log it with “Log a message or call” ({} to {} by email, at {})",
            r.kind.touch_kind(),
            r.person,
            prepared.touch.at
        ))));
    }
    Ok(Done::Sent {
        prepared: Box::new(prepared),
        server,
    })
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ApiSend {
    app: String,
    person: String,
    kind: NoteKind,
    /// The note; a first line "Subject: …" is its subject.
    text: String,
    #[serde(default)]
    subject: Option<String>,
    #[serde(default)]
    force: bool,
    #[serde(default)]
    dry_run: bool,
}

fn json_with(status: StatusCode, v: Value) -> Response {
    (status, axum::Json(v)).into_response()
}

/// `debrief send --json`: 201 sent and logged, 200 for a dry run; 422
/// with the diagnostics when lint says no, 409 with the guard's refusal,
/// 502 when the server refused or could not be reached (nothing logged).
async fn api_send(Extension(st): Extension<AppState>, b: Bytes) -> Response {
    let r: ApiSend = match crate::wire::body(&b) {
        Ok(r) => r,
        Err(p) => return p.into_response(),
    };
    let request = SendRequest {
        app: &r.app,
        person: &r.person,
        kind: r.kind,
        text: &r.text,
        subject: r.subject.as_deref(),
        force: r.force,
        dry_run: r.dry_run,
        source: "text",
    };
    match send_note(&st, request).await {
        Ok(Done::DryRun(v)) => json_with(StatusCode::OK, v),
        Ok(Done::Sent { prepared, server }) => json_with(
            StatusCode::CREATED,
            prepared.summary(true, true, Some(server)),
        ),
        Err(NotSent::Problem(p) | NotSent::Unlogged(p)) => p.into_response(),
        Err(NotSent::Refused(stop)) => {
            let status = match stop {
                Stop::Guard { .. } => StatusCode::CONFLICT,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            match stop.json() {
                Some(v) => json_with(status, v),
                None => Problem::bad(stop.to_string()).into_response(),
            }
        }
        Err(NotSent::Smtp { server, error }) => json_with(
            StatusCode::BAD_GATEWAY,
            outbox::smtp_failure(&server, &error),
        ),
    }
}

// ------------------------------------------------- parts for other pages

/// The composer's email buttons, inside its form (so they post what was
/// typed): the .eml download always, Send when a server is set up.
pub fn composer_tools(st: &AppState, app: &Application, person: &str, s: &Sticky) -> Markup {
    let url = app_url(&app.id);
    let name = app
        .person(person)
        .map(|p| p.name.as_str())
        .unwrap_or(person);
    let profile_name = st.profile().map(|p| p.name).unwrap_or_default();
    let (status, _) = status(st, &profile_name);
    let problem = s
        .problem
        .as_ref()
        .filter(|_| matches!(s.form, "email" | "eml"));
    let prefix = if s.form == "eml" {
        "No email file. "
    } else {
        "Not sent. "
    };
    let to = outbox::recipient(app, person, "person");
    html! {
        section.email aria-labelledby="email-h" {
            h2 #email-h { "By email" }
            @if let Some(p) = problem {
                div.refusal role="alert" {
                    p { strong { (prefix) } (p.message) }
                    @if p.is_for("send_anyway") {
                        label.check { input type="checkbox" name="send_anyway" value="true"; " Send anyway" }
                    }
                }
            }
            @match &to {
                Err(_) => {
                    p.muted { (name) " has no email address: add one under “Edit " (name) "” on the application page to download or send an email." }
                }
                Ok(to) => {
                    p { "To " (to.name) " <" (to.address) ">." }
                    div.buttons {
                        button.secondary type="submit" name="action" value="eml"
                            formaction=(format!("{url}/compose/eml")) { "Download as email (.eml)" }
                        @if let Status::Ready { .. } = &status {
                            button type="submit" name="action" value="email"
                                formaction=(format!("{url}/compose/send"))
                                data-confirm=(format!("Send this email to {} <{}> now?", to.name, to.address)) { "Send" }
                        }
                    }
                    @match &status {
                        Status::Ready { url, from } => {
                            p.muted { "Sends through " (url.server()) " as " (from.name) " <" (from.address) ">, after the linter and the follow-up guard; it is logged as sent only once the server has accepted it." }
                        }
                        Status::Off { problem } => {
                            @if let Some(p) = problem { p.field-error { "Sending is off: " (p) } }
                            p.muted { "The .eml file opens in your mail client as a draft. " (how_to_set_up(st)) }
                        }
                    }
                }
            }
        }
    }
}

/// The Settings page's "Email" section: how mail goes out, without the
/// password.
pub fn settings_section(st: &AppState) -> Result<Markup> {
    let profile = st.profile()?;
    let (status, warnings) = status(st, &profile.name);
    Ok(html! {
        section aria-labelledby="email-settings" {
            h2 #email-settings { "Email" }
            @match &status {
                Status::Ready { url, from } => {
                    p { "Debrief sends through " strong { (url.server()) } " as " (from.name) " <" (from.address) ">. The password stays in your settings and is never shown." }
                }
                Status::Off { problem } => {
                    @if let Some(p) = problem { p.field-error role="alert" { (p) } }
                    p { "Sending is not set up: the composer downloads each note as an email draft (.eml) for your own mail client." }
                    p.muted { (how_to_set_up(st)) }
                }
            }
            @for w in &warnings { p.field-error role="alert" { (w) } }
        }
    })
}
