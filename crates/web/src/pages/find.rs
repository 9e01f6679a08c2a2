//! Search across applications, people and notes; everyone you met, with
//! their contact cards.

use axum::Extension;
use axum::extract::RawQuery;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use maud::html;

use crate::html::{Nav, app_url, day, page, urlencode, when};
use crate::state::{AppState, Result};

use super::common::{respond, thousands};

fn query_fields(q: Option<&str>) -> Vec<(String, String)> {
    form_urlencoded::parse(q.unwrap_or("").as_bytes())
        .into_owned()
        .collect()
}

fn field(fields: &[(String, String)], name: &str) -> Option<String> {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
}

/// `GET /search?q=WORDS`.
pub(super) async fn search(
    Extension(st): Extension<AppState>,
    h: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    respond(&h, search_page(&st, &h, q.as_deref()))
}

fn search_page(st: &AppState, h: &HeaderMap, raw: Option<&str>) -> Result<Response> {
    let fields = query_fields(raw);
    let typed = field(&fields, "q").unwrap_or_default();
    let (found, problem) = if typed.trim().is_empty() {
        (None, None)
    } else {
        match crate::search::check_query(&typed) {
            Ok(q) => (Some(crate::search::search_store(&**st.store()?, &q)?), None),
            Err(p) => (None, Some(p)),
        }
    };
    let status = problem.as_ref().map_or(StatusCode::OK, |p| p.status);
    let body = html! {
        @if let Some(p) = &problem {
            div.flash.error role="alert" { strong { "Not searched. " } (p.to_string()) }
        }
        h1 { "Search" }
        form.filters method="get" action="/search" role="search" {
            div {
                label for="search-q" { "Words to find in applications, people and notes" }
                input #search-q type="search" name="q" maxlength="200" value=(typed);
            }
            button type="submit" { "Search" }
        }
        @if let Some(f) = &found {
            @let total = f.totals.applications + f.totals.people + f.totals.notes;
            p role="status" {
                @if total == 0 { "Nothing matches “" (f.query) "”." }
                @else { (thousands(total)) " found for “" (f.query) "”." }
            }
            @if !f.applications.is_empty() {
                section aria-labelledby="found-apps" {
                    h2 #found-apps { "Applications " span.count { "(" (thousands(f.totals.applications)) ")" } }
                    ul.found {
                        @for a in &f.applications {
                            li { a href=(app_url(&a.app)) { (a.company) } @if !a.role.is_empty() { " — " (a.role) } " " span.muted { "(" (a.stage) ")" } }
                        }
                    }
                }
            }
            @if !f.people.is_empty() {
                section aria-labelledby="found-people" {
                    h2 #found-people { "People " span.count { "(" (thousands(f.totals.people)) ")" } }
                    ul.found {
                        @for p in &f.people {
                            li {
                                a href=(format!("{}#person-{}", app_url(&p.app), urlencode(&p.person))) { (p.name) }
                                @if let Some(t) = &p.title { ", " (t) }
                                " at " (p.company)
                                @if let Some(e) = &p.email { " · " (e) }
                            }
                        }
                    }
                }
            }
            @if !f.notes.is_empty() {
                section aria-labelledby="found-notes" {
                    h2 #found-notes { "Notes " span.count { "(" (thousands(f.totals.notes)) ")" } }
                    ul.found {
                        @for n in &f.notes {
                            li { a href=(app_url(&n.app)) { (n.company) } " · " span.muted { (n.kind) } br; (n.excerpt) }
                        }
                    }
                }
            }
        }
    };
    Ok(page(h, status, "Search", None, body))
}

/// People shown on a page of `/people`.
const PEOPLE_PER_PAGE: usize = 100;

/// `GET /people[?page=N]`: everyone met, across applications, a page of
/// [`PEOPLE_PER_PAGE`] at a time.
pub(super) async fn people(
    Extension(st): Extension<AppState>,
    h: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    respond(&h, people_page(&st, &h, q.as_deref()))
}

/// Which page of `/people`: 1 unless `page=N` says otherwise (0 is 1).
fn people_page_number(q: Option<&str>) -> Result<usize> {
    let fields = query_fields(q);
    if let Some((k, _)) = fields.iter().find(|(k, _)| k != "page") {
        return Err(crate::state::Problem::field(
            k,
            "the people list takes only page=N",
        ));
    }
    match field(&fields, "page") {
        None => Ok(1),
        // Past the last page is the last (as on Today).
        Some(p) => p.trim().parse::<usize>().map_err(|_| {
            crate::state::Problem::field("page", format!("'{p}' is not a page number"))
        }),
    }
}

fn people_page(st: &AppState, h: &HeaderMap, q: Option<&str>) -> Result<Response> {
    let snap = st.snapshot()?;
    let crate::people::Page {
        total,
        number,
        pages,
        contacts: everyone,
    } = crate::people::page_of(
        &**st.store()?,
        &snap,
        people_page_number(q)?,
        PEOPLE_PER_PAGE,
    )?;
    let first = (number - 1) * PEOPLE_PER_PAGE + 1;
    let today = snap.now.to_zoned(snap.tz.clone()).date();
    let pager = html! {
        @if pages > 1 {
            nav.pager aria-label="People pages" {
                @if number > 1 { a rel="prev" href=(format!("/people?page={}", number - 1)) { "← Previous" } " " }
                span { "Page " (thousands(number)) " of " (thousands(pages)) }
                @if number < pages { " " a rel="next" href=(format!("/people?page={}", number + 1)) { "Next →" } }
            }
        }
    };
    let body = html! {
        h1 { "People" }
        p.lede { "Everyone you met, across applications: when you were last in touch, and when staying in touch is due." }
        @if everyone.is_empty() {
            p { "Nobody yet. Add people on an application's page." }
        } @else {
            p { a.button.secondary href="/people/vcard" download="debrief-people.vcf" { "Download all as contacts (.vcf)" } }
            @if pages > 1 {
                p.muted role="status" { (thousands(first)) "–" (thousands(first + everyone.len() - 1)) " of " (thousands(total)) " people, by name." }
            }
            (pager)
            ul.people {
                @for c in &everyone {
                    li.person-card {
                        h2 { (c.name) }
                        @if !c.emails.is_empty() || !c.phones.is_empty() {
                            p.meta { (c.emails.join(", ")) @if !c.emails.is_empty() && !c.phones.is_empty() { " · " } (c.phones.join(", ")) }
                        }
                        ul {
                            @for a in &c.at {
                                li {
                                    a href=(format!("{}#person-{}", app_url(&a.app), urlencode(&a.person))) { (a.company) }
                                    @if !a.role.is_empty() { " — " (a.role) }
                                    " · " (a.kind)
                                    @if let Some(t) = &a.title { ", " (t) }
                                }
                            }
                        }
                        p.meta {
                            "Last in touch: "
                            @match c.last_contact { Some(t) => { (when(t, &snap.tz)) }, None => { "never" } }
                            @if let Some(d) = c.stay_in_touch_due { " · Stay in touch by " (day(d.to_zoned(snap.tz.clone()).date(), today)) }
                        }
                        @if let Some(a) = c.at.first() {
                            a href=(format!("/people/vcard?app={}&person={}", urlencode(&a.app), urlencode(&a.person))) download { "Contact card (.vcf)" }
                        }
                    }
                }
            }
            (pager)
        }
    };
    Ok(page(h, StatusCode::OK, "People", Some(Nav::People), body))
}

/// `GET /people/vcard[?app=ID&person=ID]`: everyone's card, or one.
pub(super) async fn vcard(
    Extension(st): Extension<AppState>,
    h: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    match crate::people::vcard_file(&st, q.as_deref()) {
        Ok(file) => file,
        Err(p) => crate::html::error_page(&h, &p),
    }
}
