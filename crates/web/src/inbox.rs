//! The Inbox: what the mailbox proposes, waiting for the user's decision.
//!
//! The list is the one the last scan kept in the store (`mail.pending`,
//! see `debrief_mailbox::session`): a scan from the command line (`debrief
//! mail scan`), the page's "Scan now", or `debrief serve
//! --scan-mail-every`. Opening the page never reads the mailbox (an IMAP
//! server may be slow or ask for a password); "Scan now" does, for the
//! mailboxes named in `mail.toml`'s `scan` or `DEBRIEF_MAIL_SCAN`.
//!
//! Accept, Edit (accept with changed fields) and Ignore go through
//! `debrief_mailbox::{accept, ignore}`, the same recording as `mail scan
//! --apply` and `mail ignore`, each in one store transaction. A scan here
//! only proposes: it never records.
//!
//! - `GET /inbox`, `POST /inbox/scan`, `POST /inbox/{id}/accept`,
//!   `POST /inbox/{id}/ignore` (forms; 303 back to `/inbox`);
//! - `GET /api/v1/inbox`, `POST /api/v1/inbox/scan`,
//!   `POST /api/v1/inbox/{id}/accept` (optional JSON body with the changed
//!   fields), `POST /api/v1/inbox/{id}/ignore`.

use axum::Extension;
use axum::Router;
use axum::body::Bytes;
use axum::extract::Path;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use debrief_core::model::{Moment, OutcomeKind, TouchKind};
use debrief_mailbox::{
    Applied, Changes, Decider, MailError, MailSource, Pending, Proposed, ScanRequest,
};
use debrief_store::StoreError;
use maud::{Markup, html};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::html::{Fields, Nav, app_url, error_page, page, redirect_with, select};
use crate::state::{AppState, Problem, Result};

type Form = axum::extract::Form<Vec<(String, String)>>;

pub fn routes() -> Router {
    Router::new()
        .route("/inbox", get(inbox_page))
        .route("/inbox/scan", post(scan_form))
        .route("/inbox/{id}/accept", post(accept_form))
        .route("/inbox/{id}/ignore", post(ignore_form))
}

pub fn api_routes() -> Router {
    Router::new()
        .route("/inbox", get(api_list))
        .route("/inbox/scan", post(api_scan))
        .route("/inbox/{id}/accept", post(api_accept))
        .route("/inbox/{id}/ignore", post(api_ignore))
        .layer(axum::middleware::map_response(crate::wire::json_errors))
}

impl From<MailError> for Problem {
    fn from(e: MailError) -> Self {
        match e {
            MailError::Store(e) => e.into(),
            MailError::Unknown(m) => Problem::not_found(m),
            MailError::Input { field, message } => Problem {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                message,
                field,
            },
            other => Problem::bad(other.to_string()),
        }
    }
}

// ------------------------------------------------------------ the sources

/// The mailboxes to scan, with the IMAP password where one is needed,
/// from `mail.toml`'s `scan` or `DEBRIEF_MAIL_SCAN`; and the user's
/// addresses' fallback (the mail settings' sender).
pub struct Configured {
    pub sources: Vec<(MailSource, Option<String>)>,
    pub sender: Option<String>,
}

/// Reads the mail settings again (an edited `mail.toml` needs no restart).
pub fn configured(st: &AppState) -> std::result::Result<Configured, String> {
    let settings = st.mail().load().map_err(|e| e.0)?;
    let mut sources = Vec::new();
    for text in &settings.config.scan {
        let source = MailSource::parse(text).map_err(|e| format!("scan = \"{text}\": {e}"))?;
        let password = match &source {
            MailSource::Imap(url) => {
                let p = std::env::var("DEBRIEF_IMAP_PASSWORD")
                    .ok()
                    .filter(|p| !p.is_empty())
                    .or_else(|| settings.config.imap_password.clone());
                if p.is_none() {
                    return Err(format!(
                        "no IMAP password for {}: set DEBRIEF_IMAP_PASSWORD, or imap_password = \"…\" {}",
                        url.account(),
                        st.mail().where_to_configure()
                    ));
                }
                p
            }
            _ => None,
        };
        sources.push((source, password));
    }
    Ok(Configured {
        sources,
        sender: settings.config.sender_address(),
    })
}

/// What a scan of one mailbox gave.
#[derive(Debug, Clone, Serialize)]
pub struct ScanReport {
    /// The path or the IMAP account (never a password).
    pub source: String,
    pub proposals: usize,
    pub skipped: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Scans every configured mailbox, proposing only (nothing is recorded):
/// what "Scan now" and `debrief serve --scan-mail-every` run. Blocking
/// (files, IMAP, the store): call it off the async threads.
pub fn scan_configured(st: &AppState) -> std::result::Result<Vec<ScanReport>, Problem> {
    let conf = configured(st).map_err(Problem::bad)?;
    if conf.sources.is_empty() {
        return Err(Problem::bad(format!(
            "no mailbox to scan: write scan = [\"maildir:/path/to/Mail\"] {}, or set DEBRIEF_MAIL_SCAN",
            st.mail().where_to_configure()
        )));
    }
    let clock = st.clock()?;
    let emails = debrief_mailbox::user_emails(&clock.profile, conf.sender.clone());
    let origin = st.origin("scan the mailbox")?;
    let mut out = Vec::new();
    for (source, password) in conf.sources {
        let label = source.label();
        let req = ScanRequest {
            source,
            imap_password: password,
            since: None,
            apply: None,
            profile: clock.profile.clone(),
            tz: clock.tz.clone(),
            now: clock.now,
            user_emails: emails.clone(),
        };
        // Reading an IMAP server takes a while: on a connection of its
        // own, so pages stay served meanwhile (the write transaction at
        // the end waits for other writers like any other).
        let result = match st.own_connection()? {
            Some(mut own) => debrief_mailbox::scan_source(&mut *own, &origin, &req),
            None => {
                let mut store = st.store()?;
                debrief_mailbox::scan_source(&mut **store, &origin, &req)
            }
        };
        st.changed();
        out.push(match result {
            Ok(r) => ScanReport {
                source: label,
                proposals: r.proposals.len(),
                skipped: r.skipped,
                error: None,
            },
            Err(MailError::Store(e)) if e.is_busy() => return Err(e.into()),
            Err(e) => ScanReport {
                source: label,
                proposals: 0,
                skipped: 0,
                error: Some(e.to_string()),
            },
        });
    }
    Ok(out)
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| Problem::internal(format!("the mail scan stopped: {e}")))?
}

/// `debrief serve --scan-mail-every`: scans now, then every `every`,
/// until the server stops. Proposes only.
pub async fn scan_every(st: AppState, every: std::time::Duration) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let s = st.clone();
        match blocking(move || scan_configured(&s)).await {
            Ok(reports) => {
                for r in reports {
                    match r.error {
                        Some(e) => crate::log::warn(&format!("mail scan of {}: {e}", r.source)),
                        None => println!(
                            "Scanned {}: {} proposal{} waiting in the Inbox.",
                            r.source,
                            r.proposals,
                            if r.proposals == 1 { "" } else { "s" }
                        ),
                    }
                }
            }
            Err(p) => crate::log::warn(&format!("mail scan: {p}")),
        }
    }
}

// ------------------------------------------------------------- decisions

fn decider(st: &AppState) -> Result<Decider> {
    let clock = st.clock()?;
    let sender = configured(st).ok().and_then(|c| c.sender);
    Ok(Decider {
        user_emails: debrief_mailbox::user_emails(&clock.profile, sender),
        profile: clock.profile,
        tz: clock.tz,
        now: clock.now,
    })
}

fn accept(st: &AppState, id: &str, changes: &Changes) -> Result<Applied> {
    let d = decider(st)?;
    let origin = st.origin(format!("accept mail proposal {id}"))?;
    let out = {
        let mut store = st.store()?;
        debrief_mailbox::accept(&mut **store, &origin, id, changes, &d)
    };
    st.changed();
    Ok(out?)
}

fn ignore(st: &AppState, id: &str) -> Result<usize> {
    let origin = st.origin(format!("ignore mail proposal {id}"))?;
    let out = {
        let mut store = st.store()?;
        debrief_mailbox::ignore(&mut **store, &origin, &[id.to_string()])
    };
    st.changed();
    Ok(out?)
}

fn list(st: &AppState) -> Result<Vec<Pending>> {
    let mut store = st.store()?;
    debrief_mailbox::pending(&mut **store).map_err(|e: StoreError| e.into())
}

/// The changed fields of an Edit, from a form.
fn form_changes(st: &AppState, f: &Fields) -> Result<Changes> {
    let clock = st.clock()?;
    let at = match f.opt("at") {
        Some(t) => Some(clock.time(&t, "at")?),
        None => None,
    };
    Ok(Changes {
        touch_kind: f.parse::<TouchKind>("touch_kind")?,
        outcome: f.parse::<OutcomeKind>("outcome")?,
        at,
        name: f.opt("name"),
    })
}

// ------------------------------------------------------------------ pages

async fn inbox_page(Extension(st): Extension<AppState>, headers: HeaderMap) -> Response {
    match inbox_body(&st) {
        Ok(body) => page(&headers, StatusCode::OK, "Inbox", Some(Nav::Inbox), body),
        Err(p) => error_page(&headers, &p),
    }
}

fn inbox_body(st: &AppState) -> Result<Markup> {
    let waiting = list(st)?;
    let clock = st.clock()?;
    let conf = configured(st);
    let when = |m: &Moment| crate::html::when(m.ts, &clock.tz);
    Ok(html! {
        h1 { "Inbox" }
        p {
            "What your mail says happened, found by the last scan and waiting for you. "
            "Nothing is recorded until you accept it; ignored proposals never come back."
        }
        @match &conf {
            Ok(c) if !c.sources.is_empty() => {
                form method="post" action="/inbox/scan" {
                    button type="submit" { "Scan now" }
                    " "
                    span.hint { "reads " (c.sources.iter().map(|(s, _)| s.label()).collect::<Vec<_>>().join(", ")) " (only proposes)" }
                }
            }
            Ok(_) => {
                p.hint {
                    "To scan from here, name your mailbox in " code { "scan = [\"maildir:/path/to/Mail\"]" } " "
                    (st.mail().where_to_configure()) " (or " code { "DEBRIEF_MAIL_SCAN" } "), or run "
                    code { "debrief mail scan --maildir DIR" } " in a terminal: its proposals show here."
                }
            }
            Err(e) => { p.field-error role="alert" { "The mail settings cannot be used: " (e) } }
        }
        @if waiting.is_empty() {
            p #inbox-empty { "Nothing waits for a decision." }
        } @else {
            ol.inbox {
                @for w in &waiting {
                    (item(w, &when))
                }
            }
        }
    })
}

fn item(w: &Pending, when: &dyn Fn(&Moment) -> String) -> Markup {
    let p = &w.proposal;
    let id = &p.id;
    let (what, at): (String, Option<&Moment>) = match &p.proposed {
        Proposed::Touch {
            touch_kind,
            person,
            at,
            early_chase,
            ..
        } => (
            format!(
                "You sent a {touch_kind}{}{}",
                person
                    .as_deref()
                    .map(|x| format!(" to {x}"))
                    .unwrap_or_default(),
                if early_chase.is_some() {
                    " (an early chase)"
                } else {
                    ""
                }
            ),
            Some(at),
        ),
        Proposed::Reply { person, at } => (
            format!(
                "A reply{}",
                person
                    .as_deref()
                    .map(|x| format!(" from {x}"))
                    .unwrap_or_default()
            ),
            Some(at),
        ),
        Proposed::Outcome { outcome, at } => (format!("Outcome: {outcome}"), Some(at)),
        Proposed::Interview { start, .. } => (format!("Interview on {}", when(start)), None),
        Proposed::Person { name, email, .. } => (format!("New person: {name} <{email}>"), None),
    };
    let kind = p.proposed.kind();
    html! {
        li.proposal id={ "p-" (id) } data-kind=(kind) {
            p {
                strong { (what) }
                @if let Some(at) = at { ", " (when(at)) }
                " · " a href=(app_url(&p.application)) { (p.application) }
            }
            blockquote.evidence { (p.evidence) }
            @if let Proposed::Touch { early_chase: Some(why), .. } = &p.proposed {
                p.hint { "Sent before the playbook would have: " (why) }
            }
            div.actions {
                form method="post" action={ "/inbox/" (id) "/accept" } {
                    button type="submit" { "Accept" }
                }
                form method="post" action={ "/inbox/" (id) "/ignore" } {
                    button type="submit" { "Ignore" }
                }
            }
            @if !matches!(p.proposed, Proposed::Interview { .. }) {
                details {
                    summary { "Edit" }
                    form method="post" action={ "/inbox/" (id) "/accept" } {
                        (edit_fields(p, id))
                        button type="submit" { "Accept with changes" }
                    }
                }
            }
        }
    }
}

fn edit_fields(p: &debrief_mailbox::Proposal, id: &str) -> Markup {
    let at_field = |at: &Moment| {
        html! {
            label for={ "at-" (id) } { "When" }
            input type="text" name="at" id={ "at-" (id) } value=(at.to_string());
        }
    };
    html! {
        @match &p.proposed {
            Proposed::Touch { touch_kind, at, .. } => {
                label for={ "touch_kind-" (id) } { "Kind" }
                (select("touch_kind", &format!("touch_kind-{id}"), TouchKind::ALL, &touch_kind.to_string(), None))
                (at_field(at))
            }
            Proposed::Reply { at, .. } => { (at_field(at)) }
            Proposed::Outcome { outcome, at } => {
                label for={ "outcome-" (id) } { "Outcome" }
                (select("outcome", &format!("outcome-{id}"), OutcomeKind::ALL, &outcome.to_string(), None))
                (at_field(at))
            }
            Proposed::Person { name, .. } => {
                label for={ "name-" (id) } { "Name" }
                input type="text" name="name" id={ "name-" (id) } value=(name);
            }
            Proposed::Interview { .. } => {}
        }
    }
}

fn applied_message(d: &Applied) -> String {
    match &d.note {
        Some(note) if d.recorded => format!("Recorded ({note})."),
        Some(note) => format!("Not recorded: {note}"),
        None => "Recorded.".to_string(),
    }
}

async fn accept_form(
    Extension(st): Extension<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    axum::extract::Form(fields): Form,
) -> Response {
    let f = Fields(fields);
    let result = form_changes(&st, &f).and_then(|c| accept(&st, &id, &c));
    match result {
        Ok(d) if d.recorded => redirect_with("/inbox", "ok", &applied_message(&d)),
        Ok(d) => redirect_with("/inbox", "error", &applied_message(&d)),
        Err(p) if p.status == StatusCode::SERVICE_UNAVAILABLE => error_page(&headers, &p),
        Err(p) => redirect_with("/inbox", "error", &p.to_string()),
    }
}

async fn ignore_form(
    Extension(st): Extension<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    match ignore(&st, &id) {
        Ok(_) => redirect_with(
            "/inbox",
            "info",
            "Ignored; this proposal will not come back.",
        ),
        Err(p) => error_page(&headers, &p),
    }
}

async fn scan_form(Extension(st): Extension<AppState>, headers: HeaderMap) -> Response {
    let s = st.clone();
    match blocking(move || scan_configured(&s)).await {
        Ok(reports) => {
            let errors: Vec<String> = reports
                .iter()
                .filter_map(|r| r.error.as_ref().map(|e| format!("{}: {e}", r.source)))
                .collect();
            let found: usize = reports.iter().map(|r| r.proposals).sum();
            if errors.is_empty() {
                redirect_with(
                    "/inbox",
                    "info",
                    &format!(
                        "Scanned: {found} new proposal{}.",
                        if found == 1 { "" } else { "s" }
                    ),
                )
            } else {
                redirect_with("/inbox", "error", &errors.join("; "))
            }
        }
        Err(p) => error_page(&headers, &p),
    }
}

// -------------------------------------------------------------------- API

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ApiChanges {
    touch_kind: Option<TouchKind>,
    outcome: Option<OutcomeKind>,
    at: Option<String>,
    name: Option<String>,
}

async fn api_list(Extension(st): Extension<AppState>) -> Result<Response> {
    let waiting = list(&st)?;
    let proposals: Vec<serde_json::Value> = waiting
        .iter()
        .map(|w| {
            let mut v = serde_json::to_value(&w.proposal).unwrap_or_default();
            v["source"] = json!(w.source);
            v["scanned_at"] = json!(w.scanned_at);
            v
        })
        .collect();
    Ok(axum::Json(json!({ "proposals": proposals })).into_response())
}

async fn api_accept(
    Extension(st): Extension<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response> {
    let c: ApiChanges = if body.iter().all(u8::is_ascii_whitespace) {
        ApiChanges::default()
    } else {
        crate::wire::body(&body)?
    };
    let clock = st.clock()?;
    let at = match &c.at {
        Some(t) => Some(clock.time(t, "at")?),
        None => None,
    };
    let changes = Changes {
        touch_kind: c.touch_kind,
        outcome: c.outcome,
        at,
        name: c.name,
    };
    let d = accept(&st, &id, &changes)?;
    let status = if d.recorded {
        StatusCode::OK
    } else {
        StatusCode::CONFLICT
    };
    Ok((status, axum::Json(d)).into_response())
}

async fn api_ignore(
    Extension(st): Extension<AppState>,
    Path(id): Path<String>,
) -> Result<Response> {
    ignore(&st, &id)?;
    Ok(axum::Json(json!({ "ignored": id.to_lowercase() })).into_response())
}

async fn api_scan(Extension(st): Extension<AppState>) -> Result<Response> {
    let s = st.clone();
    let reports = blocking(move || scan_configured(&s)).await?;
    Ok(axum::Json(json!({ "scanned": reports })).into_response())
}
