//! Today: the agenda by state, a page at a time, and the forms on its cards.

use crate::html::{Fields, Nav, page, redirect_with};
use crate::ops::{self, Logged};
use crate::snapshot::Snapshot;
use crate::state::{AppState, Problem, Result};
use axum::Extension;
use axum::extract::Query;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use debrief_core::engine::{Action, State as ActionState};
use debrief_core::rules::Rule;
use debrief_core::text::when;
use maud::{Markup, html};

use super::common::{Form, action_card, name_of, respond, thousands};

#[derive(Debug, Default, serde::Deserialize)]
pub(super) struct TodayQuery {
    /// One whole list, page by page: `overdue`, `due` or `upcoming`.
    show: Option<String>,
    page: Option<usize>,
}

/// Actions shown per list on Today, and per page of a whole list.
const TODAY_TOP: usize = 10;

const PAGE_SIZE: usize = 50;

/// "Coming up" on Today looks this many days ahead.
const HORIZON_DAYS: i64 = 14;

pub(super) async fn today(
    Extension(st): Extension<AppState>,
    Query(q): Query<TodayQuery>,
    h: HeaderMap,
) -> Response {
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
                    let html = crate::html::page_html(
                        None,
                        None,
                        "Today",
                        Some(Nav::Today),
                        today_body(&snap),
                    );
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
            @if crate::account::read_only() {
                p { "Nothing here yet." }
            } @else {
                p { "Nothing here yet. " a href="/applications" { "Add an application" } " or " a href="/settings#import" { "import a file" } "." }
            }
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

/// Only local paths are followed after a POST, never another site.
fn back_to(f: &Fields) -> String {
    let b = f.get("back");
    if b.starts_with('/') && !b.starts_with("//") && !b.contains('\\') {
        b.to_string()
    } else {
        "/".to_string()
    }
}

pub(super) async fn action_log(
    Extension(st): Extension<AppState>,
    axum::extract::Form(f): Form,
) -> Response {
    let f = Fields(f);
    let back = back_to(&f);
    let tz = st.clock().map(|c| c.tz).unwrap_or(jiff::tz::TimeZone::UTC);
    let run = || -> Result<Logged> {
        let clock = st.clock()?;
        let t: ops::NewTouch = f.typed(&["app", "back", "rule", "interview", "title"])?;
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
        Ok(Logged::Refused { why, allowed_from }) => redirect_with(
            &back,
            "warn",
            &format!(
                "Not logged: the follow-up guard held back this {} to {}. {}",
                f.get("kind"),
                name_of(&st, f.get("app"), f.get("person")),
                crate::html::refusal_words(&why, allowed_from.as_deref(), &tz)
            ),
        ),
        Err(p) => redirect_with(&back, "error", &format!("Not logged: {p}")),
    }
}

pub(super) async fn action_dismiss(
    Extension(st): Extension<AppState>,
    axum::extract::Form(f): Form,
) -> Response {
    let f = Fields(f);
    let back = back_to(&f);
    let run = || -> Result<Rule> {
        let d: ops::NewDismissal = f.typed(&["app", "back", "title"])?;
        let clock = st.clock()?;
        st.edit(f.get("app"), |app| ops::dismiss(app, &d, &clock))
    };
    // The card's own title names the action in words (the rule's id is
    // for `debrief explain`).
    let what = f.opt("title").unwrap_or_else(|| "the action".into());
    match run() {
        Ok(_) if f.get("reason").trim() == "done" => {
            redirect_with(&back, "ok", &format!("Marked done: {what}."))
        }
        Ok(_) => redirect_with(&back, "ok", &format!("Dismissed: {what}.")),
        Err(p) => redirect_with(&back, "error", &format!("Nothing changed: {p}")),
    }
}
