//! Deleting, correcting and undoing from the web: the API's `DELETE` for
//! an application and every record in it, `PATCH` for every record
//! without one elsewhere (touches, replies, news, research, feedback,
//! dismissals, said lines, slip-ups, reflections), `GET /api/v1/history` and
//! `POST /api/v1/undo`; the pages' Undo button (`POST /undo`) and the
//! Settings history. Deletions are `debrief_core::remove`, the CLI's
//! `debrief delete`; each runs in one transaction, honours `If-Match`
//! and is undoable.

use axum::Extension;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use debrief_core::model::{InterviewId, PersonId};
use debrief_core::remove::{self, Target};
use debrief_store::JournalEntry;
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::json;

use crate::html::{app_url, redirect_with, undo_button};
use crate::state::{AppState, Problem, Result};

/// Under `/api/v1`.
pub fn api_routes() -> Router {
    Router::new()
        .route("/history", get(history))
        .route("/undo", post(undo_api))
        // touches, replies, news, research, feedback, dismissals: by number
        .route(
            "/applications/{id}/{kind}/{n}",
            delete(indexed_delete).patch(indexed_patch),
        )
        .route(
            "/applications/{id}/people/{person}/said/{n}",
            delete(said_delete).patch(said_patch),
        )
        .route(
            "/applications/{id}/interviews/{iv}/slip-ups/{n}",
            delete(slip_delete).patch(slip_patch),
        )
        .route(
            "/applications/{id}/interviews/{iv}/reflection",
            delete(reflection_delete).patch(reflection_patch),
        )
}

/// Page routes.
pub fn routes() -> Router {
    Router::new()
        .route("/undo", post(undo_page))
        .route("/applications/{id}/delete", post(delete_page))
}

/// The record a Delete button names.
fn page_target(f: &std::collections::HashMap<String, String>) -> Result<Target> {
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    let index = || {
        get("index")
            .parse::<usize>()
            .map_err(|_| Problem::field("index", "which one, counting from 1"))
    };
    Ok(match get("what").as_str() {
        "person" => Target::Person {
            id: get("person").into(),
            from_panels: get("from_panels") == "true",
        },
        "interview" => Target::Interview {
            id: get("interview").into(),
        },
        "touch" => Target::Touch { index: index()? },
        "reply" => Target::Reply { index: index()? },
        "said" => Target::Said {
            person: get("person").into(),
            index: index()?,
        },
        "slip" => Target::SlipUp {
            interview: get("interview").into(),
            index: index()?,
        },
        "news" => Target::News { index: index()? },
        "research" => Target::Research { index: index()? },
        "feedback" => Target::Feedback { point: index()? },
        "reflection" => Target::Reflection {
            interview: get("interview").into(),
        },
        "dismissal" => Target::Dismissal { index: index()? },
        "outcome" => Target::Outcome,
        other => return Err(Problem::field("what", format!("cannot delete '{other}'"))),
    })
}

/// `POST /applications/{id}/delete`: the pages' Delete buttons.
async fn delete_page(
    Extension(st): Extension<AppState>,
    Path(id): Path<String>,
    axum::Form(f): axum::Form<std::collections::HashMap<String, String>>,
) -> Response {
    let to = app_url(&id);
    let run = || -> Result<String> {
        let target = page_target(&f)?;
        remove_from(&st, &id, &target)
    };
    match run() {
        Ok(what) => {
            let mut first = what.chars();
            let what = match first.next() {
                Some(c) => c.to_uppercase().chain(first).collect::<String>(),
                None => what,
            };
            redirect_with(&to, "ok", &format!("Deleted: {what}."))
        }
        Err(p) => redirect_with(&to, "error", &format!("Nothing was deleted: {}", p.message)),
    }
}

/// Deletes `target` from application `id` in one transaction.
pub fn remove_from(st: &AppState, id: &str, target: &Target) -> Result<String> {
    st.edit(id, |app| Ok::<_, Problem>(remove::remove(app, target)?))
}

fn deleted(what: String) -> Result<Response> {
    Ok((StatusCode::OK, axum::Json(json!({ "deleted": what }))).into_response())
}

/// `DELETE /api/v1/applications/{id}`.
pub async fn application_delete(
    Extension(st): Extension<AppState>,
    Path(id): Path<String>,
) -> Result<Response> {
    let if_match = crate::state::current_if_match();
    st.run(&format!("delete application {id}"), |store, origin| {
        debrief_app::remove_app(store, origin, &id, if_match)
    })?;
    deleted(format!("application {id}"))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PersonQuery {
    #[serde(default)]
    from_panels: bool,
}

/// `DELETE /api/v1/applications/{id}/people/{person}[?from_panels=true]`.
pub async fn person_delete(
    Extension(st): Extension<AppState>,
    Path((id, person)): Path<(String, PersonId)>,
    RawQuery(q): RawQuery,
) -> Result<Response> {
    let q: PersonQuery = crate::wire::query(q.as_deref())?;
    deleted(remove_from(
        &st,
        &id,
        &Target::Person {
            id: person,
            from_panels: q.from_panels,
        },
    )?)
}

/// `DELETE /api/v1/applications/{id}/interviews/{iv}`.
pub async fn interview_delete(
    Extension(st): Extension<AppState>,
    Path((id, iv)): Path<(String, InterviewId)>,
) -> Result<Response> {
    deleted(remove_from(&st, &id, &Target::Interview { id: iv })?)
}

/// `DELETE /api/v1/applications/{id}/outcome`.
pub async fn outcome_delete(
    Extension(st): Extension<AppState>,
    Path(id): Path<String>,
) -> Result<Response> {
    deleted(remove_from(&st, &id, &Target::Outcome)?)
}

fn number(n: &str) -> Result<usize> {
    n.parse()
        .map_err(|_| Problem::not_found(format!("'{n}' is not a number (they count from 1)")))
}

/// Changes fields of `target` from a JSON object of exchange-format
/// fields, in one transaction; answers the application.
fn correct_from(st: &AppState, id: &str, target: &Target, b: &Bytes) -> Result<Response> {
    let patch: serde_json::Map<String, serde_json::Value> = crate::wire::body(b)?;
    st.edit(id, |app| {
        Ok::<_, Problem>(remove::correct(app, target, &patch)?)
    })?;
    Ok(axum::Json(st.application(id)?).into_response())
}

/// The numbered record a path names (`touches/2`, `feedback/1`…).
fn indexed_target(kind: &str, n: &str) -> Result<Target> {
    let index = number(n)?;
    Ok(match kind {
        "touches" => Target::Touch { index },
        "replies" => Target::Reply { index },
        "news" => Target::News { index },
        "research" => Target::Research { index },
        "feedback" => Target::Feedback { point: index },
        "dismissals" => Target::Dismissal { index },
        other => return Err(Problem::not_found(format!("no records called '{other}'"))),
    })
}

/// `DELETE /api/v1/applications/{id}/{kind}/{n}`.
async fn indexed_delete(
    Extension(st): Extension<AppState>,
    Path((id, kind, n)): Path<(String, String, String)>,
) -> Result<Response> {
    deleted(remove_from(&st, &id, &indexed_target(&kind, &n)?)?)
}

/// `PATCH /api/v1/applications/{id}/{kind}/{n}`.
async fn indexed_patch(
    Extension(st): Extension<AppState>,
    Path((id, kind, n)): Path<(String, String, String)>,
    b: Bytes,
) -> Result<Response> {
    correct_from(&st, &id, &indexed_target(&kind, &n)?, &b)
}

async fn said_patch(
    Extension(st): Extension<AppState>,
    Path((id, person, n)): Path<(String, PersonId, String)>,
    b: Bytes,
) -> Result<Response> {
    let index = number(&n)?;
    correct_from(&st, &id, &Target::Said { person, index }, &b)
}

async fn slip_patch(
    Extension(st): Extension<AppState>,
    Path((id, interview, n)): Path<(String, InterviewId, String)>,
    b: Bytes,
) -> Result<Response> {
    let index = number(&n)?;
    correct_from(&st, &id, &Target::SlipUp { interview, index }, &b)
}

async fn reflection_patch(
    Extension(st): Extension<AppState>,
    Path((id, interview)): Path<(String, InterviewId)>,
    b: Bytes,
) -> Result<Response> {
    correct_from(&st, &id, &Target::Reflection { interview }, &b)
}

async fn said_delete(
    Extension(st): Extension<AppState>,
    Path((id, person, n)): Path<(String, PersonId, String)>,
) -> Result<Response> {
    let index = number(&n)?;
    deleted(remove_from(&st, &id, &Target::Said { person, index })?)
}

async fn slip_delete(
    Extension(st): Extension<AppState>,
    Path((id, interview, n)): Path<(String, InterviewId, String)>,
) -> Result<Response> {
    let index = number(&n)?;
    deleted(remove_from(&st, &id, &Target::SlipUp { interview, index })?)
}

async fn reflection_delete(
    Extension(st): Extension<AppState>,
    Path((id, interview)): Path<(String, InterviewId)>,
) -> Result<Response> {
    deleted(remove_from(&st, &id, &Target::Reflection { interview })?)
}

fn entry_json(e: &JournalEntry) -> serde_json::Value {
    json!({
        "id": e.id,
        "at": e.at.to_string(),
        "source": e.source,
        "what": e.what,
        "applications": e.items.iter().filter_map(|i| i.app.as_deref()).collect::<Vec<_>>(),
        "profile": e.items.iter().any(|i| i.app.is_none()),
        "undoes": e.undoes,
        "undone_by": e.undone_by,
    })
}

/// `GET /api/v1/history`: the latest 50 changes, newest first.
async fn history(Extension(st): Extension<AppState>) -> Result<Response> {
    let entries = debrief_app::history::entries(&**st.store()?, 50, false)?;
    let list: Vec<serde_json::Value> = entries.iter().map(entry_json).collect();
    Ok(axum::Json(json!({ "changes": list })).into_response())
}

fn undo_last(st: &AppState, count: usize) -> Result<debrief_store::Undone> {
    st.run("undo", |store, origin| {
        debrief_app::history::undo(store, origin, count)
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UndoQuery {
    #[serde(default)]
    count: Option<usize>,
}

/// `POST /api/v1/undo[?count=N]`: takes back the latest change, or the
/// latest N, in one transaction that is itself undoable (so the next
/// undo puts them back).
async fn undo_api(Extension(st): Extension<AppState>, RawQuery(q): RawQuery) -> Result<Response> {
    let q: UndoQuery = crate::wire::query(q.as_deref())?;
    let count = q.count.unwrap_or(1);
    if count == 0 {
        return Err(Problem::field("count", "at least 1"));
    }
    let done = undo_last(&st, count)?;
    let list: Vec<serde_json::Value> = done.reverted.iter().map(entry_json).collect();
    Ok(axum::Json(json!({ "undone": list, "entry": done.entry })).into_response())
}

/// Where the Undo button came from: the `Referer`'s path on this site
/// (browsers send none under our `no-referrer` policy: then Settings,
/// whose History shows what the undo did).
fn back(h: &HeaderMap) -> String {
    h.get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| {
            let after_scheme = r.split_once("://").map_or(r, |(_, rest)| rest);
            after_scheme.find('/').map(|i| &after_scheme[i..])
        })
        .filter(|p| p.starts_with('/') && !p.starts_with("//"))
        .unwrap_or("/settings#history")
        .to_string()
}

/// The Undo button of a change's confirmation.
async fn undo_page(
    Extension(st): Extension<AppState>,
    h: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    // The page the confirmation was shown on, else the Referer's.
    let to = form_urlencoded::parse(&body)
        .find(|(k, _)| k == "back")
        .map(|(_, v)| v.into_owned())
        .filter(|b| crate::html::local_path(b))
        .unwrap_or_else(|| back(&h));
    match undo_last(&st, 1) {
        Ok(done) if done.reverted.is_empty() => redirect_with(&to, "ok", "Nothing to undo."),
        Ok(done) => {
            let names = app_names(&st);
            let what: Vec<String> = done
                .reverted
                .iter()
                .map(|e| format!("“{}”", crate::html::in_words(&e.what, &names)))
                .collect();
            redirect_with(&to, "ok", &format!("Undid {}.", what.join(", ")))
        }
        Err(p) => redirect_with(&to, "error", &format!("Nothing was undone: {p}")),
    }
}

/// Applications by company rather than id, for history labels.
fn app_names(st: &AppState) -> impl Fn(&str) -> Option<String> + use<> {
    let snap = st.snapshot().ok();
    move |w: &str| snap.as_ref()?.app(w).map(|a| a.app.company.clone())
}

/// Settings' History section: the latest changes, newest first.
pub fn settings_section(st: &AppState) -> Result<Markup> {
    let entries = debrief_app::history::entries(&**st.store()?, 20, false)?;
    let names = app_names(st);
    let tz = st.clock().map(|c| c.tz).unwrap_or(jiff::tz::TimeZone::UTC);
    Ok(html! {
        section aria-labelledby="history-h" #history {
            h2 #history-h { "History" }
            @if entries.is_empty() {
                p { "No changes recorded yet." }
            } @else {
                p { "The latest changes to your store, newest first. Undo takes back the newest one; an undo can be undone too." }
                (undo_button(Some("/settings#history")))
                ol.history {
                    @for e in &entries {
                        li {
                            strong { "#" (e.id) } " "
                            time datetime=(e.at.to_string()) { (crate::html::when(e.at, &tz)) }
                            " · " (e.source.as_str()) " · " (crate::html::in_words(&e.what, &names))
                            @if let Some(by) = e.undone_by { " (undone by #" (by) ")" }
                        }
                    }
                }
            }
        }
    })
}
