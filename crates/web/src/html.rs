//! The page frame, the flash message, and the helpers forms share:
//! reading posted fields and showing an error next to the field at fault.
//! maud escapes every interpolated value, so user text is always shown as
//! text.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{DOCTYPE, Markup, html};

use crate::state::Problem;

const FLASH_COOKIE: &str = "debrief_flash";

/// Posted form fields, in order; a name may repeat (checkboxes, lists).
#[derive(Debug, Clone, Default)]
pub struct Fields(pub Vec<(String, String)>);

impl Fields {
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }

    pub fn opt(&self, name: &str) -> Option<String> {
        let v = self.get(name).trim();
        (!v.is_empty()).then(|| v.to_string())
    }

    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    pub fn has(&self, name: &str) -> bool {
        self.0.iter().any(|(k, _)| k == name)
    }

    /// One item per non-empty line of a textarea.
    pub fn lines(&self, name: &str) -> Vec<String> {
        self.get(name)
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect()
    }

    /// The form as the typed shape the API reads (`ops`' structs); see
    /// `wire::form`.
    pub fn typed<T: serde::de::DeserializeOwned>(&self, page_only: &[&str]) -> Result<T, Problem> {
        crate::wire::form(&self.0, page_only)
    }

    /// A wire-enum value (`stage`, `channel`…), blank meaning `None`.
    pub fn parse<T: std::str::FromStr<Err = String>>(
        &self,
        name: &str,
    ) -> Result<Option<T>, Problem> {
        match self.opt(name) {
            None => Ok(None),
            Some(v) => v.parse().map(Some).map_err(|e| Problem::field(name, e)),
        }
    }
}

/// A form being shown again after an error: which form, what was typed,
/// and what went wrong.
#[derive(Debug, Clone, Default)]
pub struct Sticky {
    pub form: &'static str,
    pub values: Fields,
    pub problem: Option<Problem>,
}

impl Sticky {
    pub fn failed(form: &'static str, values: Fields, problem: Problem) -> Sticky {
        Sticky {
            form,
            values,
            problem: Some(problem),
        }
    }

    /// What the user typed in `name` of `form`, or `default`.
    pub fn value<'a>(&'a self, form: &str, name: &str, default: &'a str) -> &'a str {
        if self.form == form && self.values.has(name) {
            self.values.get(name)
        } else {
            default
        }
    }

    pub fn error_for(&self, form: &str, name: &str) -> Option<&str> {
        let p = self.problem.as_ref()?;
        (self.form == form && p.is_for(name)).then_some(p.message.as_str())
    }

    /// The error of `form` that names no field shown on the page.
    pub fn form_error(&self, form: &str, shown: &[&str]) -> Option<&Problem> {
        let p = self.problem.as_ref()?;
        (self.form == form && !shown.iter().any(|f| p.is_for(f))).then_some(p)
    }
}

/// The error next to a field, linked to it with `aria-describedby`.
pub fn field_error(s: &Sticky, form: &str, name: &str) -> Markup {
    html! {
        @if let Some(msg) = s.error_for(form, name) {
            p.field-error id=(format!("{form}-{name}-error")) role="alert" { (msg) }
        }
    }
}

pub fn describedby(s: &Sticky, form: &str, name: &str) -> Option<String> {
    s.error_for(form, name)
        .map(|_| format!("{form}-{name}-error"))
}

pub fn form_error(s: &Sticky, form: &str, shown: &[&str]) -> Markup {
    html! {
        @if let Some(p) = s.form_error(form, shown) {
            p.field-error role="alert" { (p.to_string()) }
        }
    }
}

/// A `<select>` over a wire enum.
pub fn select<T: Copy + std::fmt::Display>(
    name: &str,
    id: &str,
    all: &[T],
    selected: &str,
    blank: Option<&str>,
) -> Markup {
    html! {
        select name=(name) id=(id) {
            @if let Some(label) = blank {
                option value="" selected[selected.is_empty()] { (label) }
            }
            @for v in all {
                @let wire = v.to_string();
                option value=(wire) selected[wire == selected] { (wire) }
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nav {
    Today,
    Applications,
    People,
    Insights,
    Inbox,
    Settings,
}

/// The flash message left by the last POST, if any.
pub fn take_flash(headers: &HeaderMap) -> Option<(String, String)> {
    let cookies = headers.get(header::COOKIE)?.to_str().ok()?;
    let raw = cookies
        .split(';')
        .map(str::trim)
        .find_map(|c| c.strip_prefix(&format!("{FLASH_COOKIE}=")))?;
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw).ok()?;
    let kind = pairs
        .iter()
        .find(|(k, _)| k == "k")
        .map(|(_, v)| v.clone())?;
    let msg = pairs
        .iter()
        .find(|(k, _)| k == "m")
        .map(|(_, v)| v.clone())?;
    Some((kind, msg))
}

/// Where the last POST's redirect landed (kept with its message), for the
/// Undo button to come back to: browsers send no `Referer` under our
/// `no-referrer` policy.
pub fn flash_back(headers: &HeaderMap) -> Option<String> {
    let cookies = headers.get(header::COOKIE)?.to_str().ok()?;
    let raw = cookies
        .split(';')
        .map(str::trim)
        .find_map(|c| c.strip_prefix(&format!("{FLASH_COOKIE}=")))?;
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw).ok()?;
    pairs
        .into_iter()
        .find(|(k, _)| k == "b")
        .map(|(_, v)| v)
        .filter(|b| local_path(b))
}

/// A path on this site (not `//elsewhere`, not `/\elsewhere`).
pub fn local_path(p: &str) -> bool {
    p.starts_with('/') && !p.starts_with("//") && !p.contains('\\') && !p.contains(['\r', '\n'])
}

/// Redirects (303) after a POST, leaving a message for the next page.
pub fn redirect_with(to: &str, kind: &str, message: &str) -> Response {
    let value =
        serde_urlencoded::to_string([("k", kind), ("m", message), ("b", to)]).unwrap_or_default();
    let cookie = format!("{FLASH_COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=60");
    let mut res = Redirect::to(to).into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

/// A whole page: landmarks, navigation, the flash message, the body.
pub fn page(
    request: &HeaderMap,
    status: StatusCode,
    title: &str,
    nav: Option<Nav>,
    body: Markup,
) -> Response {
    let flash = take_flash(request);
    let back = flash_back(request);
    let markup = page_html(flash.as_ref(), back.as_deref(), title, nav, body);
    let mut res = (status, maud_html(markup)).into_response();
    if flash.is_some() {
        res.headers_mut().append(
            header::SET_COOKIE,
            HeaderValue::from_static(
                "debrief_flash=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0",
            ),
        );
    }
    res
}

/// The whole page as markup, with `flash` shown above the body (its Undo
/// coming back to `back`).
pub fn page_html(
    flash: Option<&(String, String)>,
    back: Option<&str>,
    title: &str,
    nav: Option<Nav>,
    body: Markup,
) -> Markup {
    let signed_in = crate::account::current();
    if crate::account::read_only() {
        return read_only_page(flash, title, nav, body);
    }
    let markup = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · Debrief" }
                link rel="stylesheet" href="/assets/style.css";
                link rel="icon" type="image/svg+xml" href="/assets/favicon.svg";
                link rel="manifest" href="/manifest.webmanifest";
                script src="/assets/app.js" defer {}
                script src="/assets/push.js" defer {}
            }
            body {
                a.skip href="#main" { "Skip to content" }
                header.top {
                    a.brand href="/" { "Debrief" }
                    nav aria-label="Main" {
                        ul {
                            (nav_item("/", "Today", nav == Some(Nav::Today)))
                            (nav_item("/applications", "Applications", nav == Some(Nav::Applications)))
                            (nav_item("/people", "People", nav == Some(Nav::People)))
                            (nav_item("/insights", "Insights", nav == Some(Nav::Insights)))
                            (nav_item("/inbox", "Inbox", nav == Some(Nav::Inbox)))
                            (nav_item("/settings", "Settings", nav == Some(Nav::Settings)))
                        }
                    }
                    // Hosted mode: who is signed in, and the way out.
                    @if let Some(who) = &signed_in {
                        form.sign-out method="post" action="/logout" {
                            button.secondary.small type="submit" title=(who.email) { "Sign out" }
                        }
                    }
                    // On every page: search, and adding an application
                    // in two fields (both plain forms).
                    div.tools {
                        form.site-search method="get" action="/search" role="search" {
                            label.vh for="site-q" { "Search applications, people and notes" }
                            input #site-q type="search" name="q" maxlength="200" placeholder="Search";
                            button.secondary.small type="submit" { "Search" }
                        }
                        details.quick-add {
                            summary { "Quick add" }
                            form.stack method="post" action="/applications" {
                                label for="quick-company" { "Company" }
                                input #quick-company type="text" name="company" required maxlength="200";
                                label for="quick-role" { "Role" }
                                input #quick-role type="text" name="role" maxlength="200";
                                label for="quick-posting" { "Job posting (optional)" }
                                input #quick-posting type="url" name="posting_url" maxlength="200" placeholder="https://";
                                button type="submit" { "Add it" }
                            }
                        }
                    }
                }
                main #main tabindex="-1" {
                    @if let Some((kind, msg)) = flash {
                        div.flash.(kind) role=(if kind == "ok" { "status" } else { "alert" }) {
                            (msg)
                            // Every change's confirmation can be taken back.
                            @if kind == "ok" { " " (undo_button(back)) }
                        }
                    }
                    (body)
                }
                @if let Some(who) = &signed_in {
                    footer { "Signed in as " (who.email) "." }
                } @else {
                    footer { "Debrief runs on this computer; your data stays in your store." }
                }
            }
        }
    };
    // Each render's forms carry a key of their own: a double click sends
    // a form twice, and it runs once (`once.rs`).
    maud::PreEscaped(crate::once::stamp(
        &markup.into_string(),
        &crate::once::fresh_key(),
    ))
}

/// The frame of a page a coach reads in a candidate's vault (hosted
/// mode): the candidate's Today, Applications and Insights, the way back
/// to the caseload, Sign out, and nothing that writes — no search, quick
/// add, Undo, manifest or push script. `readonly.rs` puts the links under
/// the candidate's prefix; the two marked `data-scope="account"` stay the
/// coach's own.
fn read_only_page(
    flash: Option<&(String, String)>,
    title: &str,
    nav: Option<Nav>,
    body: Markup,
) -> Markup {
    let who = crate::account::current()
        .map(|w| w.email)
        .unwrap_or_default();
    // Whose vault this is, so that a coach with many candidates always
    // knows (maud escapes the name like any value).
    let whose = crate::account::reading().map_or_else(|| "a candidate".to_string(), |c| c.label());
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · Debrief" }
                link rel="stylesheet" href="/assets/style.css";
                link rel="icon" type="image/svg+xml" href="/assets/favicon.svg";
                script src="/assets/app.js" defer {}
            }
            body {
                a.skip href="#main" { "Skip to content" }
                header.top {
                    a.brand href="/" data-scope="account" { "Debrief" }
                    nav aria-label="Main" {
                        ul {
                            li { a href="/" data-scope="account" { "Caseload" } }
                            (nav_item("/", "Today", nav == Some(Nav::Today)))
                            (nav_item("/applications", "Applications", nav == Some(Nav::Applications)))
                            (nav_item("/insights", "Insights", nav == Some(Nav::Insights)))
                        }
                    }
                    form.sign-out method="post" action="/logout" {
                        button.secondary.small type="submit" title=(who) { "Sign out" }
                    }
                }
                main #main tabindex="-1" {
                    p.flash.ok role="note" #read-only { "Read-only: " strong #reading { (whose) } " shares this with you. Nothing here can be changed from your account." }
                    @if let Some((kind, msg)) = flash.filter(|(k, _)| k != "ok") {
                        div.flash.(kind) role="alert" { (msg) }
                    }
                    (body)
                }
                footer { "Signed in as " (who) ", reading the data of " (whose) " read-only." }
            }
        }
    }
}

fn nav_item(href: &str, label: &str, current: bool) -> Markup {
    html! {
        li { a href=(href) aria-current=[current.then_some("page")] { (label) } }
    }
}

pub fn maud_html(m: Markup) -> axum::response::Html<String> {
    axum::response::Html(m.into_string())
}

/// A page for a failure outside any form (unknown id, store error).
pub fn error_page(request: &HeaderMap, p: &Problem) -> Response {
    page(
        request,
        p.status,
        "Something went wrong",
        None,
        html! {
            h1 { "That did not work" }
            p role="alert" { (p.to_string()) }
            p { a href="/" { "Back to Today" } }
        },
    )
}

/// The page for an address nothing answers.
pub fn not_found_page(request: &HeaderMap) -> Response {
    page(
        request,
        StatusCode::NOT_FOUND,
        "Page not found",
        None,
        html! {
            h1 { "There is no page here" }
            p { "The address may be mistyped, or what it showed was deleted." }
            ul {
                li { a href="/" { "Today" } ": what to do now" }
                li { a href="/applications" { "Applications" } ": every application, by stage" }
                li { a href="/settings" { "Settings" } }
            }
        },
    )
}

/// What went wrong with a form shown again, at the top of the page where
/// it is seen, with a link down to the form (`anchor`: its field or
/// section id).
pub fn problem_banner(s: &Sticky, anchor: &str) -> Markup {
    html! {
        @if let Some(p) = &s.problem {
            div.flash.error role="alert" {
                strong { "Not saved. " } (p.to_string())
                " " a href=(format!("#{anchor}")) { "Go to the form" }
            }
        }
    }
}

/// A moment in the one style every page uses: "Mon 14 Dec, 9:00".
pub fn when(ts: jiff::Timestamp, tz: &jiff::tz::TimeZone) -> String {
    debrief_core::text::when(ts, tz)
}

/// A moment written as RFC 3339 (as the app layer hands some over), in
/// the pages' style; the text itself if it is not one.
pub fn when_text(s: &str, tz: &jiff::tz::TimeZone) -> String {
    s.parse::<jiff::Timestamp>()
        .map(|t| when(t, tz))
        .unwrap_or_else(|_| s.to_string())
}

/// The follow-up guard's refusal in words: its reason, then from when a
/// message is allowed unless the reason says so already.
pub fn refusal_words(why: &str, allowed_from: Option<&str>, tz: &jiff::tz::TimeZone) -> String {
    match allowed_from.map(|t| when_text(t, tz)) {
        Some(at) if !why.contains(&at) => format!("{why} Allowed from {at}."),
        _ => why.to_string(),
    }
}

/// A day in the pages' style: "Fri 11 Dec" (with the year when it is not
/// this year's).
pub fn day(d: jiff::civil::Date, today: jiff::civil::Date) -> String {
    debrief_core::text::day(d, today)
}

/// `text` (a history label such as "edit application acme-analyst") with
/// each word `name` knows (an id) replaced by what people call it.
pub fn in_words(text: &str, name: impl Fn(&str) -> Option<String>) -> String {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    let mut out = String::with_capacity(text.len());
    let mut start = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        match (start, word(c) && i < text.len()) {
            (None, true) => start = Some(i),
            (Some(s), false) => {
                let w = &text[s..i];
                out.push_str(&name(w).unwrap_or_else(|| w.to_string()));
                start = None;
            }
            _ => {}
        }
        if !(word(c) && i < text.len()) && i < text.len() {
            out.push(c);
        }
    }
    out
}

/// A file name made of an id: letters, digits and dashes only.
pub fn safe_name(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .take(60)
        .collect()
}

/// A file to download under `name`. Downloads hold the user's own data,
/// so no cache may keep them.
pub fn download(body: impl IntoResponse, content_type: &'static str, name: &str) -> Response {
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    res
}

/// The Undo button shown with every confirmation (a POST form; the
/// cross-site checks of every form apply), coming back to `back`.
pub fn undo_button(back: Option<&str>) -> Markup {
    html! {
        form.inline method="post" action="/undo" {
            @if let Some(b) = back { input type="hidden" name="back" value=(b); }
            button type="submit" { "Undo" }
        }
    }
}

/// A Delete button for one record of application `id`: a POST form (the
/// cross-site checks of every form apply); the confirmation that follows
/// carries Undo.
pub fn delete_button(id: &str, fields: &[(&str, String)], label: &str) -> Markup {
    html! {
        form.inline.delete method="post" action=(format!("/applications/{}/delete", urlencode(id))) {
            @for (k, v) in fields { input type="hidden" name=(k) value=(v); }
            button type="submit" { (label) }
        }
    }
}

/// The page of application `id`.
pub(crate) fn app_url(id: &str) -> String {
    format!("/applications/{}", urlencode(id))
}

pub(crate) fn urlencode(s: &str) -> String {
    // Path segments: keep the unreserved set, escape the rest.
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_become_names() {
        let name = |w: &str| (w == "acme-analyst").then(|| "Acme Corp".to_string());
        assert_eq!(
            in_words("edit application acme-analyst.", name),
            "edit application Acme Corp."
        );
        assert_eq!(in_words("acme-analyst", name), "Acme Corp");
        assert_eq!(
            in_words("acme-analyst-2 stays", name),
            "acme-analyst-2 stays"
        );
    }

    #[test]
    fn a_refusal_says_when_once() {
        let tz = jiff::tz::TimeZone::UTC;
        let at = Some("2026-12-07T09:00:00+00:00");
        assert_eq!(
            refusal_words("Too soon.", at, &tz),
            "Too soon. Allowed from Mon 7 Dec, 9:00."
        );
        assert_eq!(
            refusal_words("Allowed from Mon 7 Dec, 9:00.", at, &tz),
            "Allowed from Mon 7 Dec, 9:00."
        );
    }
}
