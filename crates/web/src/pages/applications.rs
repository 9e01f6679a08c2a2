//! Applications: the board and adding an application.

use crate::html::{Fields, Nav, Sticky, app_url, page, redirect_with};
use crate::ops::{self};
use crate::state::{AppState, Result};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use debrief_core::model::Stage;
use maud::html;

use super::common::{Form, app_form, read_app_form, respond, thousands};

pub(super) async fn applications(State(st): State<AppState>, h: HeaderMap) -> Response {
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

pub(super) async fn application_add(
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
