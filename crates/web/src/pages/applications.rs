//! Applications: the board (a column per stage; drag a card, or use its
//! stage menu, to move it), its filters and sort, and adding an
//! application.

use crate::html::{Fields, Nav, Sticky, app_url, local_path, page, redirect_with, urlencode};
use crate::ops::{self};
use crate::search::{Filter, Sort};
use crate::state::{AppState, Result};
use axum::Extension;
use axum::extract::{Path, RawQuery};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use debrief_core::model::Stage;
use maud::{Markup, html};

use super::common::{Form, app_form, read_app_form, respond, thousands};

pub(super) async fn applications(
    Extension(st): Extension<AppState>,
    h: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let fields = Fields(
        form_urlencoded::parse(q.as_deref().unwrap_or("").as_bytes())
            .into_owned()
            .collect(),
    );
    let mut s = Sticky::default();
    let filter = match Filter::read(|k| fields.has(k).then(|| fields.get(k).to_string())) {
        Ok(f) => f,
        Err(p) => {
            s = Sticky::failed("filter", fields.clone(), p);
            Filter::default()
        }
    };
    respond(&h, applications_page(&st, &h, &s, &filter))
}

fn applications_page(
    st: &AppState,
    h: &HeaderMap,
    s: &Sticky,
    filter: &Filter,
) -> Result<Response> {
    let snap = st.snapshot()?;
    let status = s
        .problem
        .as_ref()
        .map(|p| p.status)
        .unwrap_or(StatusCode::OK);
    let shown = filter.apply(&snap.apps);
    let here = board_url(filter);
    let stages: Vec<Stage> = Stage::ALL
        .iter()
        .copied()
        .filter(|st| filter.stage.is_none_or(|f| f == *st))
        .collect();
    // A coach reading a candidate's board (hosted mode) moves and adds
    // nothing.
    let writable = !crate::account::read_only();
    let body = html! {
        @if let Some(p) = &s.problem {
            div.flash.error role="alert" { strong { "Not filtered. " } (p.to_string()) }
        }
        h1 { @if filter.archived { "Archived applications" } @else { "Applications" } }
        @if writable { p { a.button href="#add-app" { "Add an application" } " " a href="/people" { "Everyone you met" } } }
        (filter_form(filter))
        @if filter.is_set() {
            p.muted role="status" { (thousands(shown.len())) " of " (thousands(snap.apps.len())) " applications. " a href="/applications" { "Show all" } }
        } @else {
            @let archived = snap.apps.iter().filter(|a| a.app.archived).count();
            @if archived > 0 {
                p.muted { (thousands(archived)) " archived, not on the board: " a href="/applications?archived=true" { "see them" } "." }
            }
        }
        @if writable { p.muted.hint { "Move a card by dragging it to another column, or with its " em { "Stage" } " menu and " em { "Move" } "." } }
        div.board-scroll {
            div.board.one[stages.len() == 1] {
                @for stage in &stages {
                    @let apps: Vec<&&crate::snapshot::AppSummary> = shown.iter().filter(|a| a.app.stage == *stage).collect();
                    section.column data-stage=(stage) aria-labelledby=(format!("stage-{stage}")) {
                        h2 id=(format!("stage-{stage}")) { (stage) " " span.count { "(" (thousands(apps.len())) ")" } }
                        ul {
                            @for a in apps.iter().take(BOARD_TOP) {
                                (card(a, &here, writable))
                            }
                        }
                        @if apps.len() > BOARD_TOP {
                            p.muted { (thousands(apps.len() - BOARD_TOP)) " more; narrow the list with the filters above, or use the API (" code { "/api/v1/applications" } ")." }
                        }
                    }
                }
            }
        }
        @if writable {
            section aria-labelledby="add-app" {
                h2 #add-app { "Add an application" }
                (app_form("/applications", "add-app", s, None))
            }
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

/// One card: the application, what is due, and its stage menu (a form
/// that works without JavaScript; the script moves cards by dragging and
/// submits this same form).
fn card(a: &crate::snapshot::AppSummary, back: &str, writable: bool) -> Markup {
    let id = &a.app.id;
    let select_id = format!("move-{}", urlencode(id));
    html! {
        li.card draggable=[writable.then_some("true")] data-app=(id) {
            a.name href=(app_url(id)) title=(a.app.company) { strong { (a.app.company) } }
            @if !a.app.role.is_empty() { span.role { (a.app.role) } }
            @if a.to_do > 0 || a.app.urgent {
                span.badges {
                    @if a.to_do > 0 { span.badge { (a.to_do) " to do" } }
                    @if a.app.urgent { " " span.badge.urgent { "urgent" } }
                }
            }
            form.move method="post" action=(format!("{}/stage", app_url(id))) {
                input type="hidden" name="back" value=(back);
                label.vh for=(select_id) { "Stage of " (a.app.company) }
                select id=(select_id) name="stage" {
                    @for st in Stage::ALL {
                        option value=(st) selected[*st == a.app.stage] { (st) }
                    }
                }
                button.secondary.small type="submit" { "Move" }
            }
        }
    }
}

fn filter_form(f: &Filter) -> Markup {
    let stage = f.stage.map(|s| s.to_string()).unwrap_or_default();
    html! {
        form.filters method="get" action="/applications" role="search" aria-label="Filter the applications" {
            div {
                label for="filter-q" { "Company or role" }
                input #filter-q type="search" name="q" maxlength="200" value=(f.q.as_deref().unwrap_or(""));
            }
            div {
                label for="filter-stage" { "Stage" }
                (crate::html::select("stage", "filter-stage", Stage::ALL, &stage, Some("every stage")))
            }
            div {
                label for="filter-sort" { "Order" }
                select #filter-sort name="sort" {
                    @for (v, wire, label) in Sort::ALL {
                        option value=(wire) selected[*v == f.sort] { (label) }
                    }
                }
            }
            label.check { input type="checkbox" name="due" value="true" checked[f.due]; " Only with actions due" }
            label.check { input type="checkbox" name="archived" value="true" checked[f.archived]; " Archived ones instead" }
            button.secondary type="submit" { "Filter" }
        }
    }
}

/// The board's address with `f`'s filters, for coming back after a move.
fn board_url(f: &Filter) -> String {
    let mut q = form_urlencoded::Serializer::new(String::new());
    if let Some(s) = f.stage {
        q.append_pair("stage", s.as_str());
    }
    if f.due {
        q.append_pair("due", "true");
    }
    if f.archived {
        q.append_pair("archived", "true");
    }
    if let Some(t) = &f.q {
        q.append_pair("q", t);
    }
    if f.sort != Sort::Recent {
        q.append_pair("sort", f.sort.wire());
    }
    let q = q.finish();
    if q.is_empty() {
        "/applications".into()
    } else {
        format!("/applications?{q}")
    }
}

/// Cards shown per stage on the board: the most recent applications.
const BOARD_TOP: usize = 100;

pub(super) async fn application_add(
    Extension(st): Extension<AppState>,
    h: HeaderMap,
    axum::extract::Form(f): Form,
) -> Response {
    let f = Fields(f);
    match read_app_form(&f).and_then(|a| ops::add_application(&st, &a)) {
        Ok(id) => {
            let company = f.get("company").trim().to_string();
            redirect_with(&app_url(&id), "ok", &format!("Added {company}."))
        }
        Err(p) => respond(
            &h,
            applications_page(
                &st,
                &h,
                &Sticky::failed("add-app", f, p),
                &Filter::default(),
            ),
        ),
    }
}

/// Archive or bring back an application (`archived=true|false`), then
/// its page, whose message carries Undo.
pub(super) async fn archive(
    Extension(st): Extension<AppState>,
    Path(id): Path<String>,
    h: HeaderMap,
    axum::extract::Form(f): Form,
) -> Response {
    let f = Fields(f);
    let archived = f.get("archived") == "true";
    match st.edit(&id, |app| ops::set_archived(app, archived)) {
        Ok(company) if archived => redirect_with(
            &app_url(&id),
            "ok",
            &format!("Archived {company}: it left the board and Today; Search still finds it."),
        ),
        Ok(company) => redirect_with(
            &app_url(&id),
            "ok",
            &format!("{company} is back on the board."),
        ),
        Err(p) => crate::html::error_page(&h, &p),
    }
}

/// A card's stage menu (or a card dropped on a column): moves the
/// application to the stage and comes back to the board, whose message
/// carries Undo.
pub(super) async fn stage_move(
    Extension(st): Extension<AppState>,
    Path(id): Path<String>,
    h: HeaderMap,
    axum::extract::Form(f): Form,
) -> Response {
    let f = Fields(f);
    let back = f
        .opt("back")
        .filter(|b| local_path(b))
        .unwrap_or_else(|| "/applications".into());
    let run = || -> Result<String> {
        let stage = f
            .parse::<Stage>("stage")?
            .ok_or_else(|| crate::state::Problem::field("stage", "choose a stage"))?;
        let company = st.edit(&id, |app| ops::set_stage(app, stage))?;
        Ok(format!("Moved {company} to {stage}."))
    };
    match run() {
        Ok(msg) => redirect_with(&back, "ok", &msg),
        Err(p) if p.status == StatusCode::NOT_FOUND => crate::html::error_page(&h, &p),
        Err(p) => redirect_with(&back, "error", &format!("Not moved: {p}")),
    }
}
