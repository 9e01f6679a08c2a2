//! The JSON API under `/api/v1`. Shapes follow FORMAT.md: the agenda is
//! exactly `debrief agenda --json`, the guard's refusal exactly `debrief
//! touch --json`'s (with HTTP 409), export and import the exchange format.
//! Every error is `{"message": …, "field": …}`.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use debrief_core::model::Application;
use debrief_core::rules::Rule;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::ops::{self, Logged};
use debrief_core::input::parse_time;

use crate::state::{AppState, Problem, Result};

const OPENAPI: &str = include_str!("../assets/openapi.json");

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .route("/agenda", get(agenda))
        .route("/stats", get(stats))
        .route("/applications", get(applications).post(application_add))
        .route("/applications/{id}", get(application).put(application_put))
        .route("/applications/{id}/people", get(people).post(person_add))
        .route(
            "/applications/{id}/interviews",
            get(interviews).post(interview_add),
        )
        .route("/applications/{id}/interviews/{iv}/debrief", post(debrief))
        .route("/applications/{id}/touches", get(touches).post(touch_add))
        .route("/applications/{id}/dismissals", post(dismiss))
        .route("/lint", post(lint))
        .route("/export", get(export))
        .route("/import", post(import))
        .fallback(not_found)
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        (
            self.status,
            axum::Json(json!({ "message": self.message, "field": self.field })),
        )
            .into_response()
    }
}

type Answer = Result<Response>;

fn ok(v: impl serde::Serialize) -> Answer {
    Ok(axum::Json(v).into_response())
}

fn created(v: impl serde::Serialize) -> Answer {
    Ok((StatusCode::CREATED, axum::Json(v)).into_response())
}

/// A JSON body, read so that every failure names its path: axum's own
/// extractor answers in plain text.
fn body<T: DeserializeOwned>(bytes: &Bytes) -> Result<T> {
    if bytes.is_empty() {
        return Err(Problem::bad("the request body is empty; send JSON"));
    }
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        Problem {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            message: e.inner().to_string(),
            field: (path != ".").then_some(path),
        }
    })
}

async fn not_found() -> Problem {
    Problem::not_found("no such endpoint; see /api/v1/openapi.json")
}

async fn openapi() -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        OPENAPI,
    )
        .into_response()
}

#[derive(Debug, Deserialize)]
struct AgendaQuery {
    now: Option<String>,
    app: Option<String>,
}

async fn agenda(State(st): State<AppState>, Query(q): Query<AgendaQuery>) -> Answer {
    let clock = st.clock()?;
    let mut data = st.load()?;
    if let Some(id) = &q.app {
        st.application(id)?;
        data.applications.retain(|a| &a.id == id);
    }
    let now = match &q.now {
        Some(t) => {
            parse_time(t, &clock.tz)
                .map_err(|e| Problem::field("now", e))?
                .ts
        }
        None => clock.now,
    };
    ok(clock.engine.agenda(&data, now))
}

async fn stats(State(st): State<AppState>) -> Answer {
    ok(debrief_core::stats::compute(&st.load()?))
}

/// The list view of an application: enough for a board.
fn summary(a: &Application) -> Value {
    json!({
        "id": a.id, "company": a.company, "role": a.role, "stage": a.stage,
        "urgent": a.urgent, "people": a.people.len(), "interviews": a.interviews.len(),
        "touches": a.touches.len(), "outcome": a.outcome.as_ref().map(|o| o.kind),
    })
}

async fn applications(State(st): State<AppState>) -> Answer {
    let data = st.load()?;
    ok(data.applications.iter().map(summary).collect::<Vec<_>>())
}

async fn application_add(State(st): State<AppState>, b: Bytes) -> Answer {
    let a: ops::NewApplication = body(&b)?;
    let id = ops::add_application(&st, &a)?;
    created(st.application(&id)?)
}

async fn application(State(st): State<AppState>, Path(id): Path<String>) -> Answer {
    ok(st.application(&id)?)
}

/// Replaces an application whole, as in the exchange format.
async fn application_put(State(st): State<AppState>, Path(id): Path<String>, b: Bytes) -> Answer {
    let new: Application = body(&b)?;
    if new.id != id {
        return Err(Problem::field(
            "id",
            format!("the body's id '{}' is not the URL's '{id}'", new.id),
        ));
    }
    st.edit(&id, |app| {
        *app = new;
        Ok::<(), Problem>(())
    })?;
    ok(st.application(&id)?)
}

async fn people(State(st): State<AppState>, Path(id): Path<String>) -> Answer {
    ok(st.application(&id)?.people)
}

async fn person_add(State(st): State<AppState>, Path(id): Path<String>, b: Bytes) -> Answer {
    let p: ops::NewPerson = body(&b)?;
    let pid = st.edit(&id, |app| ops::add_person(app, &p))?;
    let app = st.application(&id)?;
    created(app.person(&pid).cloned())
}

async fn interviews(State(st): State<AppState>, Path(id): Path<String>) -> Answer {
    ok(st.application(&id)?.interviews)
}

async fn interview_add(State(st): State<AppState>, Path(id): Path<String>, b: Bytes) -> Answer {
    let iv: ops::NewInterview = body(&b)?;
    let clock = st.clock()?;
    let iid = st.edit(&id, |app| ops::add_interview(app, &iv, &clock))?;
    let app = st.application(&id)?;
    created(app.interview(&iid).cloned())
}

async fn debrief(
    State(st): State<AppState>,
    Path((id, iv)): Path<(String, String)>,
    b: Bytes,
) -> Answer {
    let d: ops::Debrief = body(&b)?;
    st.edit(&id, |app| ops::debrief(app, &iv, &d))?;
    let app = st.application(&id)?;
    ok(app.interview(&iv).cloned())
}

async fn touches(State(st): State<AppState>, Path(id): Path<String>) -> Answer {
    ok(st.application(&id)?.touches)
}

/// Logs a touch through the follow-up guard: 409 and the CLI's refusal
/// JSON when it says no (nothing written), 201 otherwise.
async fn touch_add(State(st): State<AppState>, Path(id): Path<String>, b: Bytes) -> Answer {
    let t: ops::NewTouch = body(&b)?;
    let clock = st.clock()?;
    match ops::log_touch(&st, &id, &t, &clock)? {
        Logged::Yes { forced, touch } => created(json!({
            "logged": true, "forced": forced, "application": id, "person": t.person,
            "kind": touch.kind, "channel": touch.channel, "at": touch.at.to_string(),
        })),
        Logged::Refused { allowed_from, why } => Ok((
            StatusCode::CONFLICT,
            axum::Json(json!({
                "logged": false,
                "rule": Rule::FollowUpGuard.id(),
                "allowed_from": allowed_from,
                "why": why,
            })),
        )
            .into_response()),
    }
}

async fn dismiss(State(st): State<AppState>, Path(id): Path<String>, b: Bytes) -> Answer {
    let d: ops::NewDismissal = body(&b)?;
    let clock = st.clock()?;
    let rule = st.edit(&id, |app| ops::dismiss(app, &d, &clock))?;
    created(json!({ "dismissed": true, "rule": rule.id(), "application": id }))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LintRequest {
    text: String,
    #[serde(default)]
    app: Option<String>,
    #[serde(default)]
    person: Option<String>,
    #[serde(default)]
    kind: Option<debrief_lint::NoteKind>,
    /// Ask for the diagnostics as an HTML fragment (the composer's script).
    #[serde(default)]
    html: bool,
}

/// Lints a note against what the store knows (the composer's live check).
async fn lint(State(st): State<AppState>, b: Bytes) -> Answer {
    let r: LintRequest = body(&b)?;
    let clock = st.clock()?;
    let app = r.app.as_deref().map(|id| st.application(id)).transpose()?;
    let mut cx = match (&app, &r.person) {
        (Some(a), Some(p)) => {
            if a.person(p).is_none() {
                return Err(Problem::field(
                    "person",
                    format!("no person '{p}' in '{}'", a.id),
                ));
            }
            debrief_lint::Context::for_person(a, p)
        }
        (Some(a), None) => debrief_lint::Context {
            app: Some(a),
            ..Default::default()
        },
        (None, _) => debrief_lint::Context::new(),
    };
    if let Some(k) = r.kind {
        cx = cx.kind(k);
    }
    cx = cx.at(clock.now);
    let diags = debrief_lint::lint(&r.text, &cx);
    if r.html {
        return ok(json!({
            "diagnostics": diags,
            "html": crate::pages::diagnostics(&diags).into_string(),
        }));
    }
    ok(json!({ "diagnostics": diags }))
}

async fn export(State(st): State<AppState>) -> Answer {
    ok(st.load()?)
}

#[derive(Debug, Deserialize)]
struct ImportQuery {
    #[serde(default)]
    replace: bool,
}

async fn import(State(st): State<AppState>, Query(q): Query<ImportQuery>, b: Bytes) -> Answer {
    let text = std::str::from_utf8(&b).map_err(|_| Problem::bad("the body is not UTF-8 text"))?;
    let (added, updated) = crate::pages::import_text(&st, text, q.replace)?;
    ok(json!({ "imported": true, "added": added, "updated": updated, "replaced": q.replace }))
}
