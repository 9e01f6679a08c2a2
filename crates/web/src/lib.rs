//! Debrief in the browser: server-rendered pages that work without
//! JavaScript, and a JSON API under `/api/v1`, over the same SQLite store
//! and the same clock (`--now`) as the command line.
//!
//! Code map: `state` (store, clock, version, errors), `snapshot` (the
//! agenda kept between requests), `ops` (request shapes and the recording
//! operations, over `debrief_core::edit`), `pages` and `html` (the HTML
//! side), `api` (JSON), `charts` (SVG for Insights), `feed` (the subscribable
//! calendar at a secret address), `inbox` (the mailbox's proposals:
//! Accept / Edit / Ignore, Scan now, the scheduled scan), `security` (headers
//! and cross-site checks), `push` (the daily digest, Web Push, the
//! manifest and service worker). Invariants: every write is one `Store::apply`,
//! so a request either records everything it was asked to or nothing; and
//! every write bumps the version, so no cached answer outlives it.

use std::net::SocketAddr;
use std::path::PathBuf;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, header};
use axum::routing::get;
use debrief_app::Location;

pub mod account;
mod api;
mod caseload;
mod charts;
mod cohort;
mod exchange_pages;
mod feed;
pub mod gate;
pub mod hosted;
mod html;
pub mod inbox;
pub mod log;
mod mailing;
pub mod oidc;
mod once;
mod openapi;
mod ops;
mod pages;
mod people;
mod problem;
pub mod push;
mod readonly;
mod removal;
mod search;
mod security;
pub mod server;
mod snapshot;
mod state;
mod streamed;
mod wire;

pub use security::CSP;
pub use state::AppState;

pub use wire::BODY_LIMIT_BYTES;

/// How `debrief serve` was asked to run.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    pub db: PathBuf,
    /// `--database URL`: serve the default vault of this PostgreSQL
    /// database instead of the SQLite file `db`.
    pub database: Option<String>,
    pub addr: SocketAddr,
    /// `--now`: a fixed clock for pages and API; `None` for the system clock.
    pub now: Option<String>,
    /// Timeouts and the connection cap (`server::Limits`).
    pub limits: server::Limits,
    /// `--scan-mail-every`: scan the configured mailboxes (proposing only)
    /// at start and then this often; `None`: never (the default).
    pub scan_mail_every: Option<std::time::Duration>,
    /// `--trusted-proxy`: reverse proxies whose `X-Forwarded-For` and
    /// `X-Forwarded-Proto` hosted mode believes.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// `--log`: one event per request (and the warnings) on standard
    /// error, as text or JSON; `None`: no request log.
    pub log: Option<log::LogFormat>,
    /// `--oidc-issuer`…: an identity provider to sign in with (hosted
    /// mode only).
    pub oidc: Option<oidc::OidcSettings>,
}

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("cannot open the store at {path}: {source}")]
    Store {
        path: String,
        source: debrief_store::StoreError,
    },
    #[error(
        "cannot listen on {addr}: {source}; is another server using it? try --addr 127.0.0.1:0"
    )]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("the server stopped: {0}")]
    Serve(std::io::Error),
    #[error("--now: {0}")]
    Clock(String),
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
    #[error("--scan-mail-every: {0}")]
    MailScan(String),
    #[error(
        "{0} is not a loopback address, and the database has no accounts: anyone could read and change its data. Add accounts first (debrief admin user add, docs/hosting.md) or listen on 127.0.0.1"
    )]
    Unprotected(SocketAddr),
    #[error("--oidc-issuer signs people in to accounts, which only a hosted database has: {0}")]
    OidcWithoutAccounts(&'static str),
    #[error(transparent)]
    Oidc(#[from] oidc::OidcError),
}

impl WebError {
    /// Whether trying again later may work (FORMAT.md: exit 3): the
    /// identity provider did not answer.
    pub fn is_unavailable(&self) -> bool {
        matches!(self, WebError::Oidc(e) if e.is_unreachable())
    }
}

/// Every route over one store (the local server, the tests). `loopback`
/// says whether the server listens on a loopback address (then other host
/// names are refused).
pub fn router(state: AppState, loopback: bool) -> Router {
    routes(loopback).layer(axum::Extension(state))
}

/// Every route, with the security layers, over no store in particular:
/// each request carries the `AppState` it works on as an extension
/// ([`router`] adds one for every request; hosted mode, the caller's
/// vault's). One route table serves every vault of a hosted server.
pub fn routes(loopback: bool) -> Router {
    let exposure = security::Exposure { loopback };
    let routes = Router::new()
        .merge(pages::routes())
        .merge(feed::routes())
        .merge(exchange_pages::routes())
        .merge(inbox::routes())
        .merge(removal::routes())
        .merge(push::routes())
        .nest(
            "/api/v1",
            api::routes()
                .merge(exchange_pages::api_routes())
                .merge(mailing::api_routes())
                .merge(inbox::api_routes())
                .merge(removal::api_routes())
                .merge(push::api_routes()),
        )
        .route("/assets/style.css", get(style))
        .route("/assets/app.js", get(script))
        .route("/favicon.ico", get(favicon))
        .route("/assets/favicon.svg", get(favicon))
        .route_layer(axum::middleware::from_fn(log::route))
        .fallback(not_found);
    // The layers wrap the route table once, not each of its routes (what
    // `Router::layer` on the table would do).
    Router::new()
        .fallback_service(routes)
        .layer(axum::middleware::from_fn(once::guard))
        .layer(axum::middleware::from_fn(state::write_context))
        .layer(axum::middleware::map_response(retry_after))
        .layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES))
        .layer(axum::middleware::map_response(readable_errors))
        .layer(axum::middleware::from_fn_with_state(
            exposure,
            security::guard,
        ))
        .layer(axum::middleware::from_fn(security::headers))
}

/// An address nothing answers: a page saying so (the API's, JSON).
async fn not_found(uri: axum::http::Uri, h: axum::http::HeaderMap) -> axum::response::Response {
    use axum::response::IntoResponse;
    if uri.path().starts_with("/api/") {
        return (
            axum::http::StatusCode::NOT_FOUND,
            axum::Json(serde_json::json!({
                "message": format!("no such address: {}", uri.path()),
                "field": null,
            })),
        )
            .into_response();
    }
    html::not_found_page(&h)
}

/// A busy store answers 503 (FORMAT.md §2's exit 3): say when to try
/// again.
async fn retry_after(mut res: axum::response::Response) -> axum::response::Response {
    if res.status() == axum::http::StatusCode::SERVICE_UNAVAILABLE {
        res.headers_mut()
            .entry(header::RETRY_AFTER)
            .or_insert(axum::http::HeaderValue::from_static("2"));
    }
    res
}

/// axum's own refusals of a page request (a form over the size limit, a
/// body of the wrong kind) answer in plain text with the library's words;
/// the user gets a page saying what happened and what to do. The API's
/// answers are JSON already (`wire::json_errors`) and pass untouched.
async fn readable_errors(res: axum::response::Response) -> axum::response::Response {
    let status = res.status();
    let plain = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| v.starts_with("text/plain"));
    // Only the statuses axum's extractors refuse with; a handler's own
    // plain answer (the calendar feed's 404, say) keeps its headers.
    let refusal = matches!(status.as_u16(), 400 | 411 | 413 | 415 | 422);
    if !refusal || !plain {
        return res;
    }
    let text = match axum::body::to_bytes(res.into_body(), 64 << 10).await {
        Ok(b) => String::from_utf8_lossy(&b).to_lowercase(),
        Err(_) => String::new(),
    };
    let message = if status == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        format!(
            "What you sent is larger than {} MB, more than Debrief accepts from a form. Shorten it; import big files from a terminal with `debrief import FILE`.",
            BODY_LIMIT_BYTES >> 20
        )
    } else if text.contains("multipart") || text.contains("boundary") {
        "This form expects a file upload (multipart/form-data). Choose the file on the page and send it from there.".to_string()
    } else if text.contains("content-type") {
        "This address expects a form sent from its page; the request's content type does not match."
            .to_string()
    } else {
        format!(
            "The request could not be read ({}). Go back, check the form and send it again.",
            status.canonical_reason().unwrap_or("refused")
        )
    };
    html::error_page(
        &axum::http::HeaderMap::new(),
        &state::Problem {
            status,
            message,
            field: None,
        },
    )
}

const STYLE: &str = include_str!("../assets/style.css");
const SCRIPT: &str = include_str!("../assets/app.js");

fn cached(content_type: &'static str) -> [(header::HeaderName, HeaderValue); 2] {
    [
        (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
    ]
}

async fn style() -> impl axum::response::IntoResponse {
    (cached("text/css; charset=utf-8"), STYLE)
}

async fn script() -> impl axum::response::IntoResponse {
    (cached("text/javascript; charset=utf-8"), SCRIPT)
}

/// A small mark for the browser's tab, so browsers stop asking for
/// `/favicon.ico` and logging a 404 on every page.
const FAVICON: &str = include_str!("../assets/favicon.svg");

async fn favicon() -> impl axum::response::IntoResponse {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("image/svg+xml"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=86400"),
            ),
        ],
        FAVICON,
    )
}

/// Runs the server until Ctrl-C (or SIGTERM). Requests in flight finish
/// first, so a write that has started is never cut off.
pub async fn serve(config: ServeConfig) -> Result<(), WebError> {
    if let Some(format) = config.log {
        log::init(format);
    }
    if config.oidc.is_some() && config.database.is_none() {
        return Err(WebError::OidcWithoutAccounts(
            "give --database URL (or DEBRIEF_DATABASE_URL) too",
        ));
    }
    if let Some(url) = config.database.clone() {
        let hosted = debrief_store_postgres::hosted::Directory::connect(&url)
            .and_then(|d| d.has_accounts())
            .map_err(|source| WebError::Store {
                path: Location::Database(url.clone()).describe(),
                source,
            })?;
        if hosted {
            return serve_hosted(config, url).await;
        }
        if config.oidc.is_some() {
            return Err(WebError::OidcWithoutAccounts(
                "this database has none yet; add the first with debrief admin user add (docs/hosting.md)",
            ));
        }
        if !config.addr.ip().is_loopback() {
            return Err(WebError::Unprotected(config.addr));
        }
    }
    let location = match &config.database {
        Some(url) => Location::Database(url.clone()),
        None => Location::File(config.db.clone()),
    };
    let state = AppState::open_at(
        &location,
        config.now.clone(),
        debrief_mail::Sources::from_env(),
    )
    .map_err(|source| WebError::Store {
        path: location.describe(),
        source,
    })?;
    // Read the clock once now, so a bad --now fails here and not on every page.
    state.clock().map_err(|p| WebError::Clock(p.message))?;
    // A scheduled scan needs a mailbox to read: say so now, not hourly.
    if config.scan_mail_every.is_some() {
        let conf = inbox::configured(&state).map_err(WebError::MailScan)?;
        if conf.sources.is_empty() {
            return Err(WebError::MailScan(format!(
                "no mailbox to scan: write scan = [\"maildir:/path/to/Mail\"] {}, or set DEBRIEF_MAIL_SCAN",
                state.mail().where_to_configure()
            )));
        }
    }
    let stop = shutdown_signal();
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .map_err(|source| WebError::Bind {
            addr: config.addr,
            source,
        })?;
    let local = listener.local_addr().map_err(WebError::Serve)?;
    let loopback = local.ip().is_loopback();
    println!(
        "Debrief is serving {} at http://{local}/",
        location.describe()
    );
    if loopback {
        println!("Only this computer can reach it (loopback address). Press Ctrl-C to stop.");
    } else {
        println!(
            "Warning: {} is not a loopback address; anyone who can reach this machine can read and change your data. Press Ctrl-C to stop.",
            local.ip()
        );
    }
    if let Some(now) = &config.now {
        println!("The clock is fixed at {now} (--now).");
    }
    // The daily digest (Web Push): checks once a minute; sends nothing
    // unless the user turned it on and a browser subscribed.
    let digest = push::start(state.clone(), std::time::Duration::from_secs(60));
    if let Some(every) = config.scan_mail_every {
        println!(
            "Scanning your mailbox every {} (proposals only; review them at http://{local}/inbox).",
            jiff::SignedDuration::try_from(every)
                .map(|d| format!("{d:#}"))
                .unwrap_or_else(|_| format!("{every:?}"))
        );
        tokio::spawn(inbox::scan_every(state.clone(), every));
    }
    log::info(&format!("serving on {local}"));
    let served = server::serve_with(
        listener,
        log::wrap(router(state, loopback)),
        config.limits,
        stop,
    )
    .await;
    digest.abort();
    log::info("stopped");
    served.map_err(WebError::Serve)?;
    println!("Stopped; every finished request was saved.");
    Ok(())
}

/// Hosted mode: the database has accounts, so every request signs in and
/// goes to the vault its caller may use (`hosted.rs`).
async fn serve_hosted(config: ServeConfig, url: String) -> Result<(), WebError> {
    // The identity provider first: a wrong issuer stops the start.
    let oidc = match config.oidc.clone() {
        Some(settings) => Some(std::sync::Arc::new(
            tokio::task::spawn_blocking(move || oidc::Provider::discover(settings))
                .await
                .map_err(|e| WebError::Serve(std::io::Error::other(e)))??,
        )),
        None => None,
    };
    let stop = shutdown_signal();
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .map_err(|source| WebError::Bind {
            addr: config.addr,
            source,
        })?;
    let local = listener.local_addr().map_err(WebError::Serve)?;
    let loopback = local.ip().is_loopback();
    let hosted = hosted::Hosted::open(
        &url,
        config.now.clone(),
        debrief_mail::Sources::from_env(),
        loopback,
        hosted::HostedConfig {
            trusted_proxies: config.trusted_proxies.clone(),
            oidc: oidc.clone(),
        },
    )
    .map_err(|source| WebError::Store {
        path: Location::Database(url.clone()).describe(),
        source,
    })?;
    println!(
        "Debrief is serving the accounts of {} at http://{local}/ (sign in at /login)",
        Location::Database(url).describe()
    );
    if let Some(p) = &oidc {
        println!(
            "People may also sign in with {} (new accounts are {}s).",
            p.issuer(),
            p.role()
        );
        println!("{}", p.sign_up_note());
    }
    if let Some(now) = &config.now {
        println!("The clock is fixed at {now} (--now).");
    }
    log::info(&format!("serving accounts on {local}"));
    let served = server::serve_with(
        listener,
        log::wrap(gate::router(std::sync::Arc::new(hosted))),
        config.limits,
        stop,
    )
    .await;
    log::info("stopped");
    served.map_err(WebError::Serve)?;
    println!("Stopped; every finished request was saved.");
    Ok(())
}

/// Runtime workers per core when serving from PostgreSQL.
pub const DATABASE_WORKERS_PER_CORE: usize = 4;

/// `serve` on a runtime of its own, for the synchronous command line.
///
/// The store's calls are synchronous and wait on the database inside the
/// handlers, so on PostgreSQL (a round trip per statement) the runtime
/// gets [`DATABASE_WORKERS_PER_CORE`] workers per core: while some wait on
/// the server, others compute. SQLite answers in process and keeps one
/// worker per core.
pub fn serve_blocking(config: ServeConfig) -> Result<(), WebError> {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let workers = if config.database.is_some() {
        cores * DATABASE_WORKERS_PER_CORE
    } else {
        cores
    };
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()
        .map_err(WebError::Runtime)?
        .block_on(serve(config))
}

/// Ctrl-C or SIGTERM. The handlers are installed by this call, not when
/// the future is first polled: a client that saw the address printed after
/// it may stop the server at once, and that stop must be the graceful one
/// (the default action of SIGTERM would kill the process mid-request).
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    let (interrupt, term) = {
        use tokio::signal::unix::{SignalKind, signal};
        (
            signal(SignalKind::interrupt()).ok(),
            signal(SignalKind::terminate()).ok(),
        )
    };
    async move {
        #[cfg(unix)]
        {
            // A handler that could not be installed waits forever: the
            // other still stops the server, or it runs until killed.
            let wait = |s: Option<tokio::signal::unix::Signal>| async move {
                match s {
                    Some(mut s) => {
                        s.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                () = wait(interrupt) => {},
                () = wait(term) => {},
            }
        }
        #[cfg(not(unix))]
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}
