//! Hosted mode's own features (FORMAT.md §3), behind `hosted.rs`'s
//! access layer: a candidate's sharing (`/api/v1/sharing`, the Sharing
//! page), a coach's caseload (`GET /api/v1/caseload`, the dashboard) and
//! the admin's list of accounts. Aggregates carry counts and dates only:
//! no note's text leaves a vault here.

// A refusal here is the response itself (401, 403, 404, 503), made once
// and returned as is; boxing it would only move the allocation.
#![allow(clippy::result_large_err)]

use std::collections::BTreeMap;

use axum::extract::Request;
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use debrief_core::engine::State as ActionState;
use debrief_core::rules::Rule;
use debrief_store_postgres::hosted::{Account, Role};
use maud::html;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::hosted::{Hosted, forbidden_for, not_found_for, page, store_failed};

/// The largest body a sharing request may have.
const SHARE_BODY_MAX: usize = 4096;

/// `POST /api/v1/sharing` (and the Sharing page's form): the coach to
/// share read access with.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ShareBody {
    /// The coach's account email (any case).
    pub coach: String,
}

/// The Sharing page's and Settings' forms: the coach and where to come
/// back to (other fields, such as the key `once.rs` puts in every page's
/// forms, are ignored).
#[derive(Deserialize)]
struct ShareForm {
    coach: String,
    #[serde(default)]
    back: Option<String>,
}

/// A coach as a candidate sees them.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct CoachRef {
    pub email: String,
    pub name: String,
}

/// `POST /api/v1/sharing`'s answer: the coach now sharing.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct Shared {
    pub coach: CoachRef,
}

/// One coach a candidate shares with.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct SharedCoach {
    pub email: String,
    pub name: String,
    /// When the share began (RFC 3339, UTC).
    pub since: String,
}

/// `GET /api/v1/sharing`: the coaches, oldest share first.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct Sharing {
    pub coaches: Vec<SharedCoach>,
}

fn problem(status: StatusCode, field: Option<&str>, message: &str) -> Response {
    (
        status,
        axum::Json(json!({"message": message, "field": field})),
    )
        .into_response()
}

async fn body_bytes(req: Request) -> Result<axum::body::Bytes, Response> {
    axum::body::to_bytes(req.into_body(), SHARE_BODY_MAX)
        .await
        .map_err(|_| {
            problem(
                StatusCode::PAYLOAD_TOO_LARGE,
                None,
                "the request body is larger than 4 KB",
            )
        })
}

/// `/api/v1/sharing…` and the Sharing page: a candidate's own.
pub(crate) async fn sharing(h: &Hosted, caller: &Account, req: Request) -> Response {
    let uri = req.uri().clone();
    if caller.role != Role::Candidate {
        return forbidden_for(&uri, "only a candidate shares their own data");
    }
    let path = uri.path().to_string();
    let method = req.method().clone();
    let now = h.clock();
    match (method, path.as_str()) {
        (Method::GET, "/api/v1/sharing") => match h.directory().shares_of(caller) {
            Ok(shares) => axum::Json(Sharing {
                coaches: shares
                    .iter()
                    .map(|s| SharedCoach {
                        email: s.coach.email.clone(),
                        name: s.coach.name.clone(),
                        since: jiff::Timestamp::from_second(s.since)
                            .map(|t| t.to_string())
                            .unwrap_or_default(),
                    })
                    .collect(),
            })
            .into_response(),
            Err(e) => store_failed(&e),
        },
        (Method::POST, "/api/v1/sharing") => {
            let bytes = match body_bytes(req).await {
                Ok(b) => b,
                Err(res) => return res,
            };
            let body: ShareBody = match serde_json::from_slice(&bytes) {
                Ok(b) => b,
                Err(e) => {
                    return problem(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        Some("coach"),
                        &format!("send {{\"coach\": EMAIL}} ({e})"),
                    );
                }
            };
            share(h, caller, &body.coach, now, true)
        }
        (Method::DELETE, p) if p.starts_with("/api/v1/sharing/") => {
            let email = percent_decode(&p["/api/v1/sharing/".len()..]);
            match h.directory().unshare(caller, &email, now) {
                Ok(true) => StatusCode::NO_CONTENT.into_response(),
                Ok(false) => problem(
                    StatusCode::NOT_FOUND,
                    None,
                    &format!("you do not share with {email}"),
                ),
                Err(e) => store_failed(&e),
            }
        }
        (Method::GET, "/sharing") => sharing_page(h, caller, None),
        (Method::POST, "/sharing") | (Method::POST, "/sharing/revoke") => {
            let bytes = match body_bytes(req).await {
                Ok(b) => b,
                Err(res) => return res,
            };
            let form: ShareForm = match serde_urlencoded::from_bytes(&bytes) {
                Ok(f) => f,
                Err(_) => return sharing_page(h, caller, Some("Give the coach's email.")),
            };
            // Settings' section comes back to Settings; the Sharing page
            // to itself.
            let back = if form.back.as_deref() == Some("/settings") {
                "/settings#sharing"
            } else {
                "/sharing"
            };
            if path == "/sharing" {
                let res = share(h, caller, &form.coach, now, false);
                if res.status().is_success() {
                    return see_other(back);
                }
                return sharing_page(
                    h,
                    caller,
                    Some(&format!("No coach has the email {}.", form.coach.trim())),
                );
            }
            match h.directory().unshare(caller, &form.coach, now) {
                Ok(_) => see_other(back),
                Err(e) => store_failed(&e),
            }
        }
        _ => not_found_for(&uri),
    }
}

fn see_other(to: &'static str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, to)]).into_response()
}

fn share(h: &Hosted, caller: &Account, email: &str, now: jiff::Timestamp, api: bool) -> Response {
    match h.directory().share(caller, email, now) {
        Ok(Some((coach, added))) => {
            let status = if added {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            };
            let _ = api;
            (
                status,
                axum::Json(Shared {
                    coach: CoachRef {
                        email: coach.email,
                        name: coach.name,
                    },
                }),
            )
                .into_response()
        }
        Ok(None) => problem(
            StatusCode::NOT_FOUND,
            Some("coach"),
            &format!("no coach has the email '{}'", email.trim()),
        ),
        Err(e) => store_failed(&e),
    }
}

/// `%40` and friends in a path segment, as text (invalid escapes kept).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(text.get(i + 1..i + 3).unwrap_or(""), 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn sharing_page(h: &Hosted, caller: &Account, error: Option<&str>) -> Response {
    let shares = match h.directory().shares_of(caller) {
        Ok(s) => s,
        Err(e) => return store_failed(&e),
    };
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    page(
        status,
        "Sharing",
        Some(caller),
        html! {
            h1 { "Sharing" }
            p { "A coach you share with can read your applications, agenda and insights, and never change them. Stopping takes effect at once. Both are listed in your history." }
            @if let Some(e) = error { p.flash.error role="alert" { (e) } }
            @if shares.is_empty() {
                p #no-shares { "You share with no one." }
            } @else {
                ul #shares {
                    @for s in &shares {
                        li {
                            (s.coach.name) " (" (s.coach.email) ") "
                            form.inline method="post" action="/sharing/revoke" {
                                input type="hidden" name="coach" value=(s.coach.email);
                                button type="submit" { "Stop sharing with " (s.coach.name) }
                            }
                        }
                    }
                }
            }
            form method="post" action="/sharing" {
                p { label { "Coach's email " input type="email" name="coach" required; } }
                p { button type="submit" #share { "Share read access" } }
            }
        },
    )
}

/// One sharing candidate's health at a glance: counts and dates only.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct Health {
    pub overdue_thank_yous: usize,
    pub status_checks_due: usize,
    pub status_checks_overdue: usize,
    pub lapsed_windows: usize,
    pub interviews_without_reflection: usize,
    pub overdue: usize,
    pub applications: usize,
    /// Applications per stage, by the stage's name.
    pub stages: BTreeMap<String, usize>,
    /// The last change recorded in the vault (RFC 3339), if any.
    pub last_activity: Option<String>,
}

/// One candidate of a coach's caseload.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct Row {
    /// The candidate's account id (for `/api/v1/candidates/{id}/…`).
    pub id: String,
    pub name: String,
    pub email: String,
    pub health: Health,
}

/// `GET /api/v1/caseload`: the candidates who share with the caller.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct Caseload {
    pub candidates: Vec<Row>,
}

fn health_of(h: &Hosted, candidate: &Account) -> Result<Health, Response> {
    let state = h.vault_state(candidate)?;
    let snap = state
        .snapshot()
        .map_err(|p| crate::hosted::problem_response(&p))?;
    let count = |rule: Rule, st: ActionState| {
        snap.agenda
            .actions
            .iter()
            .filter(|a| a.rule == rule && a.state == st)
            .count()
    };
    let (lapsed, last) = {
        let store = state
            .store()
            .map_err(|p| crate::hosted::problem_response(&p))?;
        let data = store.load().map_err(|e| store_failed(&e))?;
        let lapsed = snap.engine.lapsed(&data, snap.now).len();
        let last = store
            .history(1, false)
            .map_err(|e| store_failed(&e))?
            .first()
            .map(|e| e.at.to_string());
        (lapsed, last)
    };
    let mut stages = BTreeMap::new();
    for a in &snap.apps {
        *stages.entry(a.app.stage.to_string()).or_insert(0) += 1;
    }
    Ok(Health {
        overdue_thank_yous: count(Rule::ThankYouNote, ActionState::Overdue),
        status_checks_due: count(Rule::StatusCheck, ActionState::Due),
        status_checks_overdue: count(Rule::StatusCheck, ActionState::Overdue),
        lapsed_windows: lapsed,
        interviews_without_reflection: count(Rule::Reflect, ActionState::Due)
            + count(Rule::Reflect, ActionState::Overdue),
        overdue: snap.count(ActionState::Overdue),
        applications: snap.apps.len(),
        stages,
        last_activity: last,
    })
}

/// `GET /api/v1/caseload` and the coach's dashboard (`/`).
pub(crate) async fn caseload(h: &Hosted, caller: &Account, req: Request) -> Response {
    let uri = req.uri().clone();
    if caller.role != Role::Coach {
        return forbidden_for(&uri, "only a coach has a caseload");
    }
    if !matches!(*req.method(), Method::GET | Method::HEAD) {
        return forbidden_for(&uri, "the caseload is read-only");
    }
    let sort = uri
        .query()
        .and_then(|q| {
            form_urlencoded::parse(q.as_bytes())
                .find(|(k, _)| k == "sort")
                .map(|(_, v)| v.into_owned())
        })
        .unwrap_or_else(|| "attention".to_string());
    if !matches!(sort.as_str(), "attention" | "name" | "activity") {
        return problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("sort"),
            &format!("sort is attention, name or activity, not '{sort}'"),
        );
    }
    let candidates = match h.directory().shared_with(caller) {
        Ok(c) => c,
        Err(e) => return store_failed(&e),
    };
    let mut rows = Vec::with_capacity(candidates.len());
    for c in &candidates {
        let health = match health_of(h, c) {
            Ok(health) => health,
            Err(res) => return res,
        };
        rows.push(Row {
            id: c.id.to_string(),
            name: c.name.clone(),
            email: c.email.clone(),
            health,
        });
    }
    match sort.as_str() {
        "name" => rows.sort_by(|a, b| a.name.cmp(&b.name).then(a.email.cmp(&b.email))),
        // Most recent first; never active last.
        "activity" => rows.sort_by(|a, b| b.health.last_activity.cmp(&a.health.last_activity)),
        _ => rows.sort_by(|a, b| {
            b.health
                .overdue
                .cmp(&a.health.overdue)
                .then(b.health.lapsed_windows.cmp(&a.health.lapsed_windows))
                .then(a.name.cmp(&b.name))
        }),
    }
    if uri.path().starts_with("/api/") {
        return axum::Json(Caseload { candidates: rows }).into_response();
    }
    page(
        StatusCode::OK,
        "Caseload",
        Some(caller),
        html! {
            h1 { "Caseload" }
            p { "The candidates who share with you. Sort by "
                a href="/?sort=attention" { "attention" } ", "
                a href="/?sort=name" { "name" } " or "
                a href="/?sort=activity" { "last activity" } ". "
                a href="/caseload/insights" #cohort-insights { "Cohort insights" }
                ": the funnel, thank-yous and status checks of them all." }
            @if rows.is_empty() {
                p #no-candidates { "No candidate shares with you yet." }
            } @else {
                table #caseload {
                    thead { tr {
                        th { "Candidate" } th { "Overdue" } th { "Thank-yous overdue" }
                        th { "Status checks due / overdue" } th { "Lapsed windows" }
                        th { "Interviews without reflection" } th { "Applications by stage" }
                        th { "Last activity" }
                    } }
                    tbody {
                        @for r in &rows {
                            tr {
                                td { a href={ "/candidates/" (r.id) } { (r.name) } br; small { (r.email) } }
                                td { (r.health.overdue) }
                                td { (r.health.overdue_thank_yous) }
                                td { (r.health.status_checks_due) " / " (r.health.status_checks_overdue) }
                                td { (r.health.lapsed_windows) }
                                td { (r.health.interviews_without_reflection) }
                                td { @for (stage, n) in &r.health.stages { (stage) ": " (n) " " } }
                                td { (r.health.last_activity.as_deref().unwrap_or("never")) }
                            }
                        }
                    }
                }
            }
        },
    )
}

/// The admin's start page: the accounts, and no vault's data.
pub(crate) fn admin_page(h: &Hosted, caller: &Account) -> Response {
    let accounts = match h.directory().accounts() {
        Ok(a) => a,
        Err(e) => return store_failed(&e),
    };
    page(
        StatusCode::OK,
        "Accounts",
        Some(caller),
        html! {
            h1 { "Accounts" }
            p { "Add and disable accounts with " code { "debrief admin user" } " (docs/hosting.md)." }
            table {
                thead { tr { th { "Email" } th { "Name" } th { "Role" } th { "State" } } }
                tbody {
                    @for a in &accounts {
                        tr { td { (a.email) } td { (a.name) } td { (a.role.as_str()) }
                             td { @if a.disabled { "disabled" } @else { "active" } } }
                    }
                }
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_in_paths_are_decoded() {
        assert_eq!(percent_decode("cole%40example.org"), "cole@example.org");
        assert_eq!(percent_decode("a%4"), "a%4");
        assert_eq!(percent_decode("plain@x.org"), "plain@x.org");
    }
}
