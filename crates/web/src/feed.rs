//! The subscribable calendar: `/calendar/<secret>.ics` serves every
//! interview and open action with reminders (`debrief-ics`), for calendar
//! apps to subscribe to. The secret is the only key: it is random (256
//! bits, kept in the store's settings, never exported), compared in
//! constant time, and revocable from Settings or `debrief ics feed
//! --revoke`. An unknown or revoked secret is a plain 404, and no response
//! on this path may be kept by a shared cache.

use axum::Extension;
use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use debrief_ics::{ExportOptions, export_calendar, store_items};
use maud::{Markup, html};

use crate::html::{error_page, redirect_with};
use crate::state::{AppState, Problem, Result};

pub fn routes() -> Router {
    Router::new()
        .route("/calendar/{file}", get(calendar))
        .route("/settings/calendar-feed", post(renew))
        .route("/settings/calendar-feed/off", post(turn_off))
}

/// Equal strings, in time that depends only on the length of `given`.
fn same_secret(given: &str, secret: &str) -> bool {
    given.len() == secret.len()
        && given
            .bytes()
            .zip(secret.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

/// Private: browsers may keep it, proxies and shared caches may not, and
/// nobody should index or frame it.
fn private(mut res: Response) -> Response {
    let h = res.headers_mut();
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store, max-age=0"),
    );
    h.insert(
        "x-robots-tag",
        HeaderValue::from_static("noindex, nofollow"),
    );
    res
}

fn not_found() -> Response {
    private(
        (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "No calendar at this address.\n",
        )
            .into_response(),
    )
}

async fn calendar(Extension(st): Extension<AppState>, Path(file): Path<String>) -> Response {
    let Some(given) = file.strip_suffix(".ics") else {
        return not_found();
    };
    let secret = match st
        .store()
        .and_then(|s| Ok(debrief_app::settings::feed_secret(&**s)?))
    {
        Ok(Some(secret)) => secret,
        Ok(None) => return not_found(),
        Err(p) => return problem(&p),
    };
    if !same_secret(given, &secret) {
        return not_found();
    }
    match feed_text(&st) {
        Ok(text) => private(
            (
                [
                    (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
                    (
                        header::CONTENT_DISPOSITION,
                        "inline; filename=\"debrief.ics\"",
                    ),
                ],
                text,
            )
                .into_response(),
        ),
        Err(p) => problem(&p),
    }
}

fn problem(p: &Problem) -> Response {
    private((p.status, p.message.clone()).into_response())
}

/// The calendar as of now: every interview and every open action.
pub fn feed_text(st: &AppState) -> Result<String> {
    let clock = st.clock()?;
    let data = st.load()?;
    let agenda = clock.engine.agenda(&data, clock.now);
    let items = store_items(&data, &agenda.actions, None);
    let mut options = ExportOptions::new(clock.now);
    // Often enough that a thank-you note due tomorrow shows up today.
    options.refresh_minutes = Some(60);
    Ok(export_calendar(&items, &options))
}

/// The feed's full address as this request reached the server.
fn feed_url(request: &HeaderMap, secret: &str) -> String {
    let host = request
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .filter(|h| !h.is_empty())
        .unwrap_or("127.0.0.1:7878");
    format!("http://{host}/calendar/{secret}.ics")
}

/// The Settings page's "Calendar feed" section.
pub fn settings_section(st: &AppState, request: &HeaderMap) -> Result<Markup> {
    let secret = debrief_app::settings::feed_secret(&**st.store()?)?;
    Ok(html! {
        section aria-labelledby="calendar-feed" {
            h2 #calendar-feed { "Calendar feed" }
            p { "Your interviews and open actions, with reminders, as a calendar your calendar app can subscribe to while Debrief is serving." }
            @match &secret {
                Some(secret) => {
                    @let url = feed_url(request, secret);
                    label for="feed-url" { "Private address (keep it to yourself: anyone with it can read your interviews)" }
                    input #feed-url type="text" readonly value=(url);
                    p { a.button href=(format!("/calendar/{secret}.ics")) download="debrief.ics" { "Download once (.ics)" } }
                    form.stack method="post" action="/settings/calendar-feed" {
                        button type="submit" data-confirm="Make a new address? Calendars subscribed to the old one stop updating." { "Revoke and make a new link" }
                    }
                    form.stack method="post" action="/settings/calendar-feed/off" {
                        button type="submit" data-confirm="Turn the calendar feed off?" { "Turn the feed off" }
                    }
                }
                None => {
                    p.muted { "The feed is off: no address serves your calendar." }
                    form.stack method="post" action="/settings/calendar-feed" {
                        button type="submit" { "Make a private link" }
                    }
                }
            }
        }
    })
}

async fn renew(Extension(st): Extension<AppState>, h: HeaderMap) -> Response {
    let had = st
        .store()
        .and_then(|s| Ok(debrief_app::settings::feed_secret(&**s)?.is_some()))
        .unwrap_or(false);
    match st.run(
        "renew the calendar feed",
        debrief_app::settings::renew_feed_secret,
    ) {
        Ok(_) => redirect_with(
            "/settings#calendar-feed",
            "ok",
            if had {
                "Made a new calendar address; the old one no longer works."
            } else {
                "Made a private calendar address."
            },
        ),
        Err(p) => error_page(&h, &p),
    }
}

async fn turn_off(Extension(st): Extension<AppState>, h: HeaderMap) -> Response {
    match st.run(
        "turn the calendar feed off",
        debrief_app::settings::remove_feed_secret,
    ) {
        Ok(_) => redirect_with(
            "/settings#calendar-feed",
            "ok",
            "The calendar feed is off; its address no longer works.",
        ),
        Err(p) => error_page(&h, &p),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_compare_exactly() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abd", "abc"));
        assert!(!same_secret("ab", "abc"));
        assert!(!same_secret("", "abc"));
    }
}
