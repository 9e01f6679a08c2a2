//! `debrief serve --log text|json`: one structured event per request
//! (`tracing`), and the server's warnings, on standard error. Without
//! `--log` the server logs no request (the default for one person), and
//! its warnings stay plain lines.
//!
//! An event never holds personal data: the route is the router's template
//! (`/api/v1/applications/{id}/touches`, never the id, which can name a
//! company, nor an email from `/api/v1/sharing/{email}`), and there is no
//! query string, address, account, header or body in it. What did not
//! match a route is logged as `-`.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;

/// How `--log` writes events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// One human-readable line per event.
    Text,
    /// One JSON object per line, for a log collector.
    Json,
}

impl std::str::FromStr for LogFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<LogFormat, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "text" => Ok(LogFormat::Text),
            "json" => Ok(LogFormat::Json),
            other => Err(format!("'{other}' is not a log format; use text or json")),
        }
    }
}

/// Whether `--log` was given (events are written).
static ON: AtomicBool = AtomicBool::new(false);

/// Starts writing events to standard error. Once per process; a second
/// call (a test starting another server) keeps the first writer.
pub fn init(format: LogFormat) {
    use tracing_subscriber::fmt;
    let builder = fmt()
        .with_writer(std::io::stderr)
        .with_max_level(tracing::Level::INFO)
        .with_target(false)
        .with_ansi(false);
    let installed = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .try_init(),
    };
    if installed.is_ok() {
        ON.store(true, Ordering::Relaxed);
    }
}

/// Whether events are written.
pub fn on() -> bool {
    ON.load(Ordering::Relaxed)
}

/// A warning the operator should see: an event with `--log`, otherwise a
/// plain line.
pub fn warn(what: &str) {
    if on() {
        tracing::warn!(message = what);
    } else {
        eprintln!("debrief: {what}");
    }
}

/// An event about the server itself (started, stopped).
pub fn info(what: &str) {
    if on() {
        tracing::info!(message = what);
    }
}

/// The route template a request matched, carried out on its response for
/// [`access`] (which runs outside the router, where the template is not
/// known, and in hosted mode outside the vault's router it was forwarded
/// to).
#[derive(Debug, Clone)]
struct Route(std::sync::Arc<str>);

/// Inside the router (`route_layer`): notes the matched template on the
/// response.
pub(crate) async fn route(matched: Option<MatchedPath>, req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    if on()
        && let Some(m) = matched
    {
        res.extensions_mut().insert(Route(m.as_str().into()));
    }
    res
}

/// Hosted mode's own paths, which its gate dispatches by hand rather than
/// through a router: their template, or `None` to keep what the vault's
/// router noted (a candidate's own requests).
fn hosted_template(path: &str) -> Option<&'static str> {
    const EXACT: [&str; 6] = [
        "/api/v1/sharing",
        "/sharing",
        "/api/v1/caseload",
        "/api/v1/caseload/insights",
        "/caseload/insights",
        "/",
    ];
    if let Some(exact) = EXACT.iter().find(|p| **p == path) {
        return Some(exact);
    }
    let prefixes: [(&str, &'static str); 4] = [
        ("/api/v1/sharing/", "/api/v1/sharing/{email}"),
        ("/sharing/", "/sharing/{email}"),
        ("/api/v1/candidates/", "/api/v1/candidates/{id}/…"),
        ("/candidates/", "/candidates/{id}/…"),
    ];
    prefixes
        .iter()
        .find(|(p, _)| path.starts_with(p))
        .map(|(_, t)| *t)
}

/// Around hosted mode's gate: the template of a path it dispatches itself.
pub(crate) async fn hosted(req: Request, next: Next) -> Response {
    let template = if on() {
        hosted_template(req.uri().path())
    } else {
        None
    };
    let mut res = next.run(req).await;
    if let Some(t) = template {
        res.extensions_mut().insert(Route(t.into()));
    }
    res
}

/// Outermost: one event per request, after its answer.
pub(crate) async fn access(req: Request, next: Next) -> Response {
    if !on() {
        return next.run(req).await;
    }
    let started = Instant::now();
    let method = req.method().clone();
    let res = next.run(req).await;
    let route = res
        .extensions()
        .get::<Route>()
        .map_or_else(|| "-".to_string(), |r| r.0.to_string());
    let micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
    tracing::info!(
        message = "request",
        method = %method,
        route = %route,
        status = res.status().as_u16(),
        micros,
    );
    res
}

/// The router with [`access`] outermost.
pub(crate) fn wrap(router: axum::Router) -> axum::Router {
    router.layer(axum::middleware::from_fn(access))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_parse_and_a_wrong_one_is_named() {
        assert_eq!("json".parse::<LogFormat>(), Ok(LogFormat::Json));
        assert_eq!(" Text ".parse::<LogFormat>(), Ok(LogFormat::Text));
        let e = "yaml".parse::<LogFormat>().unwrap_err();
        assert!(e.contains("'yaml'") && e.contains("text or json"), "{e}");
    }

    #[test]
    fn hosted_paths_log_templates_never_emails_or_ids() {
        assert_eq!(
            hosted_template("/api/v1/sharing/cole@example.org"),
            Some("/api/v1/sharing/{email}")
        );
        assert_eq!(
            hosted_template("/candidates/17/applications/acme"),
            Some("/candidates/{id}/…")
        );
        assert_eq!(
            hosted_template("/api/v1/caseload"),
            Some("/api/v1/caseload")
        );
        assert_eq!(hosted_template("/api/v1/agenda"), None);
    }
}
