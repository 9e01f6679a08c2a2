//! The JSON API under `/api/v1`. Shapes follow FORMAT.md: the agenda is
//! exactly `debrief agenda --json`, the guard's refusal exactly `debrief
//! touch --json`'s (with HTTP 409), export and import the exchange format.
//! Every error is `{"message": …, "field": …}`.

use axum::Extension;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use debrief_core::edit;
use debrief_core::engine::Action;
use debrief_core::model::Application;
use debrief_core::rules::Rule;
use serde::Deserialize;
use serde_json::json;

use crate::ops::{self, AgendaPage as Page, DraftRequest, Logged};
use crate::snapshot::pretty_json;

use crate::state::{AppState, Problem, Result};
use crate::wire::{body, json_errors, query};

pub fn routes() -> Router {
    Router::new()
        .route("/openapi.json", get(openapi))
        .route("/agenda", get(agenda))
        .route("/stats", get(stats))
        .route("/applications", get(applications).post(application_add))
        .route(
            "/applications/{id}",
            get(application)
                .put(application_put)
                .patch(application_patch)
                .delete(crate::removal::application_delete),
        )
        .route("/applications/{id}/people", get(people).post(person_add))
        .route(
            "/applications/{id}/people/{person}",
            get(person)
                .patch(person_patch)
                .delete(crate::removal::person_delete),
        )
        .route(
            "/applications/{id}/interviews",
            get(interviews).post(interview_add),
        )
        .route(
            "/applications/{id}/interviews/{iv}",
            get(interview)
                .patch(interview_patch)
                .delete(crate::removal::interview_delete),
        )
        .route("/applications/{id}/interviews/{iv}/debrief", post(debrief))
        .route("/applications/{id}/touches", get(touches).post(touch_add))
        .route("/applications/{id}/replies", post(reply_add))
        .route("/applications/{id}/news", post(news_add))
        .route("/applications/{id}/research", post(research_add))
        .route(
            "/applications/{id}/outcome",
            put(outcome_put).delete(crate::removal::outcome_delete),
        )
        .route("/applications/{id}/feedback", post(feedback_add))
        .route("/applications/{id}/dismissals", post(dismiss))
        .route("/search", get(search))
        .route("/people", get(everyone))
        .route("/people/vcard", get(everyone_vcard))
        .route("/drafts", post(draft))
        .route("/lint", post(lint))
        .route("/export", get(export))
        .route("/import", post(import))
        .fallback(not_found)
        .layer(axum::middleware::map_response(json_errors))
}

type Answer = Result<Response>;

fn ok(v: impl serde::Serialize) -> Answer {
    Ok(axum::Json(v).into_response())
}

fn created(v: impl serde::Serialize) -> Answer {
    Ok((StatusCode::CREATED, axum::Json(v)).into_response())
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
        crate::openapi::text(),
    )
        .into_response()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AgendaQuery {
    now: Option<String>,
    app: Option<String>,
    state: Option<String>,
    limit: Option<usize>,
    offset: Option<usize>,
}

/// The agenda, exactly `debrief agenda --json`: served from the snapshot
/// (gzip and `If-None-Match` honoured). `?now=` computes another moment;
/// `?app=` keeps one application; `?state=`, `?limit=`, `?offset=` return
/// one page and add `total`, `offset` and `limit`.
async fn agenda(
    Extension(st): Extension<AppState>,
    h: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Answer {
    let q: AgendaQuery = query(raw.as_deref())?;
    let what_if;
    let snap_arc;
    let snap = match &q.now {
        Some(t) => {
            what_if = st.what_if(t)?;
            &what_if
        }
        None => {
            snap_arc = st.snapshot()?;
            &*snap_arc
        }
    };
    let paged = q.state.is_some() || q.limit.is_some() || q.offset.is_some();
    if q.now.is_none() && q.app.is_none() && !paged {
        return Ok(snap.json().respond(&h));
    }
    let state = match q.state.as_deref() {
        None | Some("") => None,
        Some("overdue") => Some(debrief_core::engine::State::Overdue),
        Some("due") => Some(debrief_core::engine::State::Due),
        Some("upcoming") => Some(debrief_core::engine::State::Upcoming),
        Some(other) => {
            return Err(Problem::field(
                "state",
                format!("unknown state '{other}'; expected overdue, due or upcoming"),
            ));
        }
    };
    if let Some(id) = &q.app
        && snap.app(id).is_none()
    {
        return Err(Problem::not_found(format!("no application with id '{id}'")));
    }
    let all: &[Action] = match state {
        Some(s) => snap.in_state(s),
        None => &snap.agenda.actions,
    };
    // Without `app`, a page is a slice of the snapshot: no copy, no scan.
    let filtered: Vec<&Action>;
    let (total, chosen): (usize, Box<dyn Iterator<Item = &Action>>) = match &q.app {
        None => (all.len(), Box::new(all.iter())),
        Some(id) => {
            filtered = all.iter().filter(|a| &a.application == id).collect();
            (filtered.len(), Box::new(filtered.iter().copied()))
        }
    };
    let body = if paged {
        let offset = q.offset.unwrap_or(0);
        let limit = q.limit.unwrap_or(100).min(10_000);
        let actions: Vec<&Action> = chosen.skip(offset).take(limit).collect();
        pretty_json(&Page {
            now: &snap.agenda.now,
            timezone: &snap.agenda.timezone,
            total: Some(total),
            offset: Some(offset),
            limit: Some(limit),
            actions,
        })?
    } else {
        pretty_json(&Page {
            now: &snap.agenda.now,
            timezone: &snap.agenda.timezone,
            total: None,
            offset: None,
            limit: None,
            actions: chosen.collect(),
        })?
    };
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response())
}

async fn stats(Extension(st): Extension<AppState>) -> Answer {
    // One application at a time, as `debrief stats`: memory holds the
    // tally, not the store.
    let store = st.store()?;
    let profile = store.profile()?;
    let tz =
        debrief_core::exchange::parse_timezone(&profile.timezone).map_err(Problem::internal)?;
    let mut tally = debrief_core::stats::Tally::at(&profile, st.now(&tz)?);
    store.each_application(&mut |a| {
        tally.add(&a);
        Ok(())
    })?;
    ok(tally.finish())
}

/// `GET /applications[?stage=S][&due=true][&q=WORDS][&sort=…]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ApplicationsQuery {
    stage: Option<String>,
    due: Option<String>,
    archived: Option<String>,
    q: Option<String>,
    sort: Option<String>,
}

/// The list; filtered and ordered as the board is when asked (without
/// `sort`, in the order they were added).
async fn applications(Extension(st): Extension<AppState>, RawQuery(raw): RawQuery) -> Answer {
    let q: ApplicationsQuery = query(raw.as_deref())?;
    let snap = st.snapshot()?;
    if q.stage.is_none()
        && q.due.is_none()
        && q.archived.is_none()
        && q.q.is_none()
        && q.sort.is_none()
    {
        return ok(&snap.apps);
    }
    let given = q.sort.is_some();
    let mut filter = crate::search::Filter::read(|k| match k {
        "stage" => q.stage.clone(),
        "due" => q.due.clone(),
        "archived" => q.archived.clone(),
        "q" => q.q.clone(),
        "sort" => q.sort.clone(),
        _ => None,
    })?;
    if !given {
        filter.sort = crate::search::Sort::Oldest;
    }
    ok(filter.apply(&snap.apps))
}

/// Changes the fields given (`{"stage": "offer"}` moves it on the board).
async fn application_patch(
    Extension(st): Extension<AppState>,
    Path(id): Path<String>,
    b: Bytes,
) -> Answer {
    let p: ops::ApplicationPatch = body(&b)?;
    st.edit(&id, |app| ops::patch_application(app, &p))?;
    ok(st.application(&id)?)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SearchQuery {
    q: Option<String>,
}

/// `GET /search?q=WORDS`: applications, people and notes that hold every
/// word (any case).
async fn search(Extension(st): Extension<AppState>, RawQuery(raw): RawQuery) -> Answer {
    let q: SearchQuery = query(raw.as_deref())?;
    let q = crate::search::check_query(q.q.as_deref().unwrap_or(""))?;
    ok(crate::search::search_store(&**st.store()?, &q)?)
}

/// `GET /people`: everyone met, across applications.
async fn everyone(Extension(st): Extension<AppState>) -> Answer {
    crate::people::contacts_json(&st)
}

/// `GET /people/vcard[?app=ID&person=ID]`: vCard 4.0.
async fn everyone_vcard(Extension(st): Extension<AppState>, RawQuery(raw): RawQuery) -> Answer {
    crate::people::vcard_file(&st, raw.as_deref())
}

async fn application_add(Extension(st): Extension<AppState>, b: Bytes) -> Answer {
    let a: ops::NewApplication = body(&b)?;
    let id = ops::add_application(&st, &a)?;
    created(st.application(&id)?)
}

async fn application(Extension(st): Extension<AppState>, Path(id): Path<String>) -> Answer {
    ok(st.application(&id)?)
}

/// Replaces an application whole, as in the exchange format.
async fn application_put(
    Extension(st): Extension<AppState>,
    Path(id): Path<String>,
    b: Bytes,
) -> Answer {
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

async fn people(Extension(st): Extension<AppState>, Path(id): Path<String>) -> Answer {
    ok(st.application(&id)?.people)
}

async fn person_add(
    Extension(st): Extension<AppState>,
    Path(id): Path<String>,
    b: Bytes,
) -> Answer {
    let p: ops::NewPerson = body(&b)?;
    let pid = st.edit(&id, |app| ops::add_person(app, &p))?;
    let app = st.application(&id)?;
    created(app.person(&pid).cloned())
}

async fn person(
    Extension(st): Extension<AppState>,
    Path((id, pid)): Path<(String, String)>,
) -> Answer {
    let app = st.application(&id)?;
    match app.person(&pid) {
        Some(p) => ok(p),
        None => Err(Problem::not_found(format!("no person '{pid}' in '{id}'"))),
    }
}

/// Changes a person: absent fields stay, blank texts clear.
async fn person_patch(
    Extension(st): Extension<AppState>,
    Path((id, pid)): Path<(String, String)>,
    b: Bytes,
) -> Answer {
    let u: ops::PersonUpdate = body(&b)?;
    if st.application(&id)?.person(&pid).is_none() {
        return Err(Problem::not_found(format!("no person '{pid}' in '{id}'")));
    }
    st.edit(&id, |app| ops::update_person(app, &pid, &u))?;
    ok(st.application(&id)?.person(&pid).cloned())
}

async fn interview(
    Extension(st): Extension<AppState>,
    Path((id, iv)): Path<(String, String)>,
) -> Answer {
    let app = st.application(&id)?;
    match app.interview(&iv) {
        Some(i) => ok(i),
        None => Err(Problem::not_found(format!("no interview '{iv}' in '{id}'"))),
    }
}

/// Status (missed, cancelled…), preparation, slip-ups apologized for.
async fn interview_patch(
    Extension(st): Extension<AppState>,
    Path((id, iv)): Path<(String, String)>,
    b: Bytes,
) -> Answer {
    let u: ops::InterviewUpdate = body(&b)?;
    let clock = st.clock()?;
    st.edit(&id, |app| ops::update_interview(app, &iv, &u, &clock))?;
    ok(st.application(&id)?.interview(&iv).cloned())
}

async fn reply_add(Extension(st): Extension<AppState>, Path(id): Path<String>, b: Bytes) -> Answer {
    let r: ops::NewReply = body(&b)?;
    let clock = st.clock()?;
    let at = clock.time_or_now(r.at.as_deref().unwrap_or(""), "at")?;
    let answered = st.edit(&id, |app| {
        edit::record_reply(app, r.person.as_deref().map(Into::into).as_ref(), at)
            .cloned()
            .map_err(Problem::from)
    })?;
    created(json!({ "replied": true, "application": id, "to": answered }))
}

async fn news_add(Extension(st): Extension<AppState>, Path(id): Path<String>, b: Bytes) -> Answer {
    let n: ops::NewNews = body(&b)?;
    let clock = st.clock()?;
    let on = clock.date_or_today(n.on.as_deref().unwrap_or(""), "on")?;
    st.edit(&id, |app| ops::news(app, on, &n.text))?;
    created(st.application(&id)?.news)
}

async fn research_add(
    Extension(st): Extension<AppState>,
    Path(id): Path<String>,
    b: Bytes,
) -> Answer {
    let r: ops::NewResearch = body(&b)?;
    st.edit(&id, |app| ops::research(app, &r))?;
    created(st.application(&id)?.research)
}

async fn outcome_put(
    Extension(st): Extension<AppState>,
    Path(id): Path<String>,
    b: Bytes,
) -> Answer {
    let o: ops::NewOutcome = body(&b)?;
    let clock = st.clock()?;
    let on = clock.date_or_today(o.on.as_deref().unwrap_or(""), "on")?;
    st.edit(&id, |app| ops::outcome(app, o.kind, on, o.stay_in_touch))?;
    ok(st.application(&id)?.outcome)
}

async fn feedback_add(
    Extension(st): Extension<AppState>,
    Path(id): Path<String>,
    b: Bytes,
) -> Answer {
    let f: ops::NewFeedback = body(&b)?;
    let point = st.edit(&id, |app| ops::feedback(app, &f))?;
    let app = st.application(&id)?;
    created(json!({ "point": point, "outcome": app.outcome }))
}

/// A first draft for one person, with the linter's findings on it.
async fn draft(Extension(st): Extension<AppState>, b: Bytes) -> Answer {
    let r: DraftRequest = body(&b)?;
    let app = st.application(&r.app)?;
    edit::person(&app, &r.person, "person")?;
    let clock = st.clock()?;
    let kind = r.kind.unwrap_or(debrief_lint::NoteKind::ThankYou);
    let d = debrief_lint::draft(&app, &r.person, kind, &clock.profile.name, clock.now)
        .map_err(|e| Problem::field("person", e.to_string()))?;
    let pack = st.rule_pack()?;
    let cx = debrief_lint::note_context(&app, Some(&r.person), Some(kind), clock.now, &pack);
    let diags = debrief_lint::lint(&d.body, &cx);
    ok(json!({
        "app": r.app, "person": r.person, "kind": kind,
        "subject": d.subject, "body": d.body, "diagnostics": diags,
    }))
}

async fn interviews(Extension(st): Extension<AppState>, Path(id): Path<String>) -> Answer {
    ok(st.application(&id)?.interviews)
}

async fn interview_add(
    Extension(st): Extension<AppState>,
    Path(id): Path<String>,
    b: Bytes,
) -> Answer {
    let iv: ops::NewInterview = body(&b)?;
    let clock = st.clock()?;
    let iid = st.edit(&id, |app| ops::add_interview(app, &iv, &clock))?;
    let app = st.application(&id)?;
    created(app.interview(&iid).cloned())
}

async fn debrief(
    Extension(st): Extension<AppState>,
    Path((id, iv)): Path<(String, String)>,
    b: Bytes,
) -> Answer {
    let d: ops::Debrief = body(&b)?;
    let now = st.clock()?.now;
    st.edit(&id, |app| ops::debrief(app, &iv, &d, now))?;
    let app = st.application(&id)?;
    ok(app.interview(&iv).cloned())
}

async fn touches(Extension(st): Extension<AppState>, Path(id): Path<String>) -> Answer {
    ok(st.application(&id)?.touches)
}

/// Logs a touch through the follow-up guard: 409 and the CLI's refusal
/// JSON when it says no (nothing written), 201 otherwise.
async fn touch_add(Extension(st): Extension<AppState>, Path(id): Path<String>, b: Bytes) -> Answer {
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

async fn dismiss(Extension(st): Extension<AppState>, Path(id): Path<String>, b: Bytes) -> Answer {
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

/// Lints a note against what the store knows (the composer's live check),
/// in the context `debrief lint` builds: a note with a recipient is a
/// thank-you unless `kind` says otherwise, it follows the recipient's latest
/// interview, and the user's `rules.toml` beside the store applies.
async fn lint(Extension(st): Extension<AppState>, b: Bytes) -> Answer {
    let r: LintRequest = body(&b)?;
    debrief_lint::check_size(&r.text).map_err(|e| Problem::field("text", e))?;
    let pack = st.rule_pack()?;
    let app = match (&r.app, &r.person) {
        (Some(id), _) => Some(st.application(id).map_err(|mut p| {
            if p.status == StatusCode::NOT_FOUND {
                p.field = Some("app".into());
            }
            p
        })?),
        (None, Some(_)) => {
            return Err(Problem {
                status: StatusCode::BAD_REQUEST,
                message: "give `app` with `person`: a note to someone is checked against their application".into(),
                field: Some("app".into()),
            });
        }
        (None, None) => None,
    };
    let diags = match &app {
        Some(a) => {
            if let Some(p) = &r.person
                && a.person(p).is_none()
            {
                let known: Vec<&str> = a.people.iter().map(|p| p.id.as_str()).collect();
                return Err(Problem::field(
                    "person",
                    format!("no person '{p}' in '{}'; known: {}", a.id, known.join(", ")),
                ));
            }
            let now = st.clock()?.now;
            let cx = debrief_lint::note_context(a, r.person.as_deref(), r.kind, now, &pack);
            debrief_lint::lint(&r.text, &cx)
        }
        None => {
            let mut cx = debrief_lint::Context::new().pack(&pack);
            cx.kind = r.kind;
            debrief_lint::lint(&r.text, &cx)
        }
    };
    if r.html {
        let panel = match (&app, &r.person) {
            (Some(a), Some(p)) => crate::pages::panel_check(a, p, &r.text).into_string(),
            _ => String::new(),
        };
        return ok(json!({
            "diagnostics": diags,
            "html": crate::pages::diagnostics(&diags).into_string(),
            "panel_html": panel,
        }));
    }
    ok(json!({ "diagnostics": diags }))
}

async fn export(Extension(st): Extension<AppState>) -> Answer {
    let mut res = crate::streamed::document(&st, false)?;
    res.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("application/json"),
    );
    Ok(res)
}

#[derive(Debug, Deserialize)]
struct ImportQuery {
    #[serde(default)]
    replace: bool,
}

async fn import(Extension(st): Extension<AppState>, RawQuery(raw): RawQuery, b: Bytes) -> Answer {
    let q: ImportQuery = query(raw.as_deref())?;
    let text = std::str::from_utf8(&b).map_err(|_| Problem::bad("the body is not UTF-8 text"))?;
    let (added, updated) = crate::pages::import_text(&st, text, q.replace)?;
    ok(json!({ "imported": true, "added": added, "updated": updated, "replaced": q.replace }))
}
