//! Hosted mode (FORMAT.md §3): `debrief serve --database URL` once the
//! database has accounts. This module is the access layer in front of the
//! single-person app: it signs people in (`/login`, a session cookie — by
//! password, or through an identity provider at `/login/oidc`, the protocol
//! in `oidc.rs`; API tokens as `Authorization: Bearer`), throttles failed
//! password sign-ins per account and per client address, and hands each
//! request to the router of the one vault the caller may use — a
//! candidate's own (read and write), or, for a coach, a sharing candidate's
//! under `/candidates/{id}/…` and `/api/v1/candidates/{id}/…` (reads only:
//! a write is 403). Anything else, including an id of a vault the caller
//! may not read, answers exactly as an id that does not exist (404).
//!
//! Underneath, every vault's router holds a store bound to that vault, and
//! PostgreSQL's forced row-level security keeps each of its calls to it
//! (`debrief-store-postgres`, migration 0004). The stores share a pool of
//! connections ([`debrief_app::Vaults`]), so a vault holds none between
//! calls; vault routers are opened on first use (outside any lock: opening
//! one never holds up requests to another) and the least recently used
//! dropped beyond [`OPEN_VAULTS`]. Accounts are looked up through
//! [`DIRECTORIES`] connections, so sign-in checks do not queue behind one.

// A refusal here is the response itself (401, 403, 404, 503), made once
// and returned as is; boxing it would only move the allocation.
#![allow(clippy::result_large_err)]

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use debrief_store_postgres::hosted::{self as accounts, Account, Directory, Role};
use jiff::Timestamp;
use maud::{DOCTYPE, Markup, html};
use serde_json::json;

use crate::oidc;
use crate::state::AppState;

/// How many vault routers (with their cached agenda; no connection) stay
/// open at once; the least recently used is dropped beyond that.
pub const OPEN_VAULTS: usize = 2048;

/// Connections kept idle in the vaults' shared pool.
pub const IDLE_CONNECTIONS: usize = 16;

/// Connections for accounts, sessions and tokens (each behind its own lock;
/// a request takes whichever is free).
pub const DIRECTORIES: usize = 4;

/// How long a sign-in lasts.
pub const SESSION_HOURS: i64 = 12;

/// The session cookie's name.
const COOKIE: &str = "debrief_session";

/// Failed sign-ins (per account, per address) before the next waits.
const FREE_FAILURES: u32 = 5;

/// Failures are forgotten after this long without another (the longest
/// wait, so nobody waiting is let off early).
const FORGIVEN_AFTER: Duration = Duration::from_secs(900);

/// How hosted mode was asked to run.
#[derive(Debug, Clone, Default)]
pub struct HostedConfig {
    /// Addresses of reverse proxies whose `X-Forwarded-For` and
    /// `X-Forwarded-Proto` are believed (`--trusted-proxy`).
    pub trusted_proxies: Vec<IpAddr>,
    /// `--oidc-issuer`: the identity provider people may sign in with,
    /// discovered at start (`oidc.rs`).
    pub oidc: Option<Arc<oidc::Provider>>,
}

/// What the access layer holds.
pub struct Hosted {
    now: Option<String>,
    mail: debrief_mail::Sources,
    pub(crate) loopback: bool,
    config: HostedConfig,
    dirs: Vec<Mutex<Directory>>,
    /// Which directory connection the next request tries first.
    next_dir: std::sync::atomic::AtomicUsize,
    stores: debrief_app::Vaults,
    /// The routes every vault shares (`crate::routes`); a request carries
    /// its vault's state as an extension.
    routes: Router,
    vaults: Mutex<Vaults>,
    throttle: Mutex<Throttle>,
    /// The accounts of API tokens looked up lately (see [`Tokens`]).
    tokens: Mutex<Tokens>,
}

/// The accounts of API tokens already looked up, by the token's SHA-256,
/// kept while the database announces no change to any account or token
/// (`debrief_app::Vaults::accounts_epoch`): a revoked token or a disabled
/// account is refused as soon as the announcement arrives, and nothing is
/// kept while the server cannot listen.
#[derive(Default)]
struct Tokens {
    epoch: u64,
    accounts: HashMap<Vec<u8>, Account>,
}

/// At most this many tokens are kept (all are forgotten past it).
const KEPT_TOKENS: usize = 100_000;

impl Tokens {
    /// The kept account of `hash`, if kept as of `epoch`.
    fn get(&mut self, hash: &[u8], epoch: u64) -> Option<Account> {
        if self.epoch != epoch {
            self.accounts.clear();
            self.epoch = epoch;
        }
        self.accounts.get(hash).cloned()
    }

    /// Keeps an account looked up when the epoch was `epoch`, if it still is.
    fn keep(&mut self, hash: Vec<u8>, account: Account, epoch: u64, now: Option<u64>) {
        if now != Some(epoch) || self.epoch != epoch {
            return;
        }
        if self.accounts.len() >= KEPT_TOKENS {
            self.accounts.clear();
        }
        self.accounts.insert(hash, account);
    }
}

#[derive(Default)]
struct Vaults {
    tick: u64,
    open: HashMap<String, (AppState, u64)>,
}

/// Failed sign-ins by key (`account:EMAIL`, `address:IP`).
#[derive(Default)]
pub struct Throttle {
    failures: HashMap<String, (u32, Instant)>,
}

impl Throttle {
    /// How long `key` must wait before trying again, if at all.
    pub fn wait(&self, key: &str, now: Instant) -> Option<Duration> {
        let (count, last) = self.failures.get(key)?;
        if *count < FREE_FAILURES {
            return None;
        }
        // 2 s after the fifth failure, doubling, at most 15 minutes.
        let shift = (count - FREE_FAILURES).min(9);
        let pause = Duration::from_secs(2u64 << shift).min(Duration::from_secs(900));
        let until = *last + pause;
        (until > now).then(|| until - now)
    }

    pub fn failed(&mut self, key: &str, now: Instant) {
        let entry = self.failures.entry(key.to_string()).or_insert((0, now));
        if now.duration_since(entry.1) >= FORGIVEN_AFTER {
            // Quiet for longer than the longest wait: a fresh start, so an
            // office behind one address does not pile up failures for ever.
            entry.0 = 0;
        }
        entry.0 = entry.0.saturating_add(1);
        entry.1 = now;
        if self.failures.len() > 100_000 {
            // Forget the quiet ones rather than grow without end.
            self.failures
                .retain(|_, (_, at)| now.duration_since(*at) < FORGIVEN_AFTER);
        }
    }

    pub fn succeeded(&mut self, key: &str) {
        self.failures.remove(key);
    }
}

impl Hosted {
    /// Opens the directory of the database at `url`.
    pub fn open(
        url: &str,
        now: Option<String>,
        mail: debrief_mail::Sources,
        loopback: bool,
        config: HostedConfig,
    ) -> Result<Hosted, debrief_store::StoreError> {
        let dirs = (0..DIRECTORIES)
            .map(|_| Directory::connect(url).map(Mutex::new))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Hosted {
            now,
            mail,
            loopback,
            config,
            dirs,
            next_dir: std::sync::atomic::AtomicUsize::new(0),
            stores: debrief_app::Vaults::connect(url, IDLE_CONNECTIONS)?,
            routes: crate::routes(loopback),
            vaults: Mutex::new(Vaults::default()),
            throttle: Mutex::new(Throttle::default()),
            tokens: Mutex::new(Tokens::default()),
        })
    }

    /// A free directory connection, or, when all are busy, the next one's
    /// queue.
    fn dir(&self) -> std::sync::MutexGuard<'_, Directory> {
        use std::sync::TryLockError;
        let n = self.dirs.len();
        let start = self
            .next_dir
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        for i in 0..n {
            match self.dirs[(start + i) % n].try_lock() {
                Ok(guard) => return guard,
                Err(TryLockError::Poisoned(p)) => return p.into_inner(),
                Err(TryLockError::WouldBlock) => {}
            }
        }
        self.dirs[start % n]
            .lock()
            .unwrap_or_else(|p| p.into_inner())
    }

    /// The clock: `--now` when given, else the system's.
    fn now(&self) -> Timestamp {
        self.now
            .as_deref()
            .and_then(|t| {
                debrief_core::input::parse_time(t, &jiff::tz::TimeZone::UTC)
                    .ok()
                    .map(|m| m.ts)
            })
            .unwrap_or_else(debrief_core::input::clock_now)
    }

    /// The state of a candidate's vault (opened on first use) and the
    /// router every vault shares; [`forward`] hands a request to it.
    pub(crate) fn vault(&self, candidate: &Account) -> Result<(AppState, Router), Response> {
        let name = candidate.vault_name();
        {
            let mut v = self.vaults.lock().unwrap_or_else(|p| p.into_inner());
            v.tick += 1;
            let tick = v.tick;
            if let Some((state, used)) = v.open.get_mut(&name) {
                *used = tick;
                return Ok((state.clone(), self.routes.clone()));
            }
        }
        // Opened without the lock: other vaults' requests go on meanwhile.
        // Two requests may open the same vault at once; the first kept wins.
        let state = AppState::open_vault(&self.stores, &name, self.now.clone(), self.mail.clone())
            .map_err(|e| unavailable(&e.to_string()))?;
        let mut v = self.vaults.lock().unwrap_or_else(|p| p.into_inner());
        v.tick += 1;
        let tick = v.tick;
        if let Some((state, used)) = v.open.get_mut(&name) {
            *used = tick;
            return Ok((state.clone(), self.routes.clone()));
        }
        if v.open.len() >= OPEN_VAULTS
            && let Some(oldest) = v
                .open
                .iter()
                .min_by_key(|(_, (_, used))| *used)
                .map(|(k, _)| k.clone())
        {
            v.open.remove(&oldest);
        }
        v.open.insert(name, (state.clone(), tick));
        Ok((state, self.routes.clone()))
    }

    /// The signed-in caller, from a bearer token or the session cookie.
    pub(crate) fn caller(&self, headers: &HeaderMap) -> Result<Option<Account>, Response> {
        if let Some(auth) = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
        {
            let Some(token) = auth.strip_prefix("Bearer ") else {
                return Ok(None);
            };
            return self.token_account(token.trim());
        }
        let Some(secret) = session_cookie(headers) else {
            return Ok(None);
        };
        self.dir()
            .session_account(&secret, self.now())
            .map_err(|e| unavailable(&e.to_string()))
    }

    /// The account of an API token: kept from an earlier request while the
    /// database announces no account or token change, else looked up.
    fn token_account(&self, token: &str) -> Result<Option<Account>, Response> {
        let tokens = || self.tokens.lock().unwrap_or_else(|p| p.into_inner());
        let epoch = self.stores.accounts_epoch();
        let hash = accounts::secret_hash(token);
        if let Some(epoch) = epoch
            && let Some(account) = tokens().get(&hash, epoch)
        {
            return Ok(Some(account));
        }
        let account = self
            .dir()
            .token_account(token)
            .map_err(|e| unavailable(&e.to_string()))?;
        // Unknown tokens are not kept: guessing costs a query each time.
        if let (Some(epoch), Some(account)) = (epoch, &account) {
            tokens().keep(hash, account.clone(), epoch, self.stores.accounts_epoch());
        }
        Ok(account)
    }

    /// The client's address: the connection's peer, or, from a trusted
    /// proxy, the last address in `X-Forwarded-For` that is not a proxy.
    fn client(&self, peer: Option<SocketAddr>, headers: &HeaderMap) -> Option<IpAddr> {
        let peer = peer?.ip();
        if !self.config.trusted_proxies.contains(&peer) {
            return Some(peer);
        }
        let forwarded = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|a| a.trim().parse::<IpAddr>().ok())
            .collect::<Vec<_>>();
        forwarded
            .into_iter()
            .rev()
            .find(|ip| !self.config.trusted_proxies.contains(ip))
            .or(Some(peer))
    }

    /// Whether the browser reached us over HTTPS (directly we never do; a
    /// trusted proxy says so with `X-Forwarded-Proto`).
    fn https(&self, peer: Option<SocketAddr>, headers: &HeaderMap) -> bool {
        peer.is_some_and(|p| self.config.trusted_proxies.contains(&p.ip()))
            && headers
                .get("x-forwarded-proto")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.trim().eq_ignore_ascii_case("https"))
    }
}

/// 503, after logging the failure without personal data (the store's
/// messages name the database, never a person).
fn unavailable(why: &str) -> Response {
    crate::log::warn(why);
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::RETRY_AFTER, "2")],
        axum::Json(json!({"message": "the database could not be used right now; try again in a moment", "field": null})),
    )
        .into_response()
}

/// 401 with nothing else said (API), or the sign-in page (browser).
pub(crate) fn unauthorized(uri: &Uri) -> Response {
    if uri.path().starts_with("/api/") {
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
        )
            .into_response();
    }
    (StatusCode::SEE_OTHER, [(header::LOCATION, "/login")]).into_response()
}

pub(crate) fn not_found(uri: &Uri) -> Response {
    if uri.path().starts_with("/api/") {
        return (
            StatusCode::NOT_FOUND,
            axum::Json(
                json!({"message": format!("no such address: {}", uri.path()), "field": null}),
            ),
        )
            .into_response();
    }
    page(
        StatusCode::NOT_FOUND,
        "Not found",
        None,
        html! { h1 { "There is no page here" } p { a href="/" { "Back" } } },
    )
}

fn forbidden(uri: &Uri, why: &str) -> Response {
    if uri.path().starts_with("/api/") {
        return (
            StatusCode::FORBIDDEN,
            axum::Json(json!({"message": why, "field": null})),
        )
            .into_response();
    }
    page(
        StatusCode::FORBIDDEN,
        "Not allowed",
        None,
        html! { h1 { "Not allowed" } p role="alert" { (why) } p { a href="/" { "Back" } } },
    )
}

fn session_cookie(headers: &HeaderMap) -> Option<String> {
    cookie(headers, COOKIE)
}

/// The value of the cookie `name`, if the request has it (not empty).
fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
        .filter(|v| !v.is_empty())
}

/// A page of hosted mode's own (sign-in, sharing, the caseload).
pub(crate) fn page(
    status: StatusCode,
    title: &str,
    who: Option<&Account>,
    body: Markup,
) -> Response {
    let markup = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · Debrief" }
                link rel="stylesheet" href="/assets/style.css";
                link rel="icon" type="image/svg+xml" href="/assets/favicon.svg";
            }
            body {
                header.top {
                    a.brand href="/" { "Debrief" }
                    @if let Some(a) = who {
                        nav aria-label="Account" {
                            ul {
                                @if a.role == Role::Candidate {
                                    li { a href="/" { "Today" } }
                                    li { a href="/sharing" { "Sharing" } }
                                }
                                @if a.role == Role::Coach {
                                    li { a href="/" { "Caseload" } }
                                }
                                li {
                                    form method="post" action="/logout" {
                                        button type="submit" { "Sign out " (a.email) }
                                    }
                                }
                            }
                        }
                    }
                }
                main #main { (body) }
            }
        }
    };
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        markup.into_string(),
    )
        .into_response()
}

/// The sign-in form, and the identity provider's button when one is
/// configured (`--oidc-issuer`).
fn login_form(h: &Hosted, message: Option<&str>, email: &str) -> Markup {
    html! {
        h1 { "Sign in" }
        @if let Some(m) = message { p.flash.error role="alert" { (m) } }
        @if let Some(p) = h.oidc() {
            p { a.button #oidc-sign-in href="/login/oidc" { "Sign in with " (p.host()) } }
            p.muted { "Or with your email and password:" }
        }
        form method="post" action="/login" {
            p { label { "Email " input type="email" name="email" required autocomplete="username" value=(email); } }
            p { label { "Password " input type="password" name="password" required autocomplete="current-password"; } }
            p { button type="submit" { "Sign in" } }
        }
    }
}

pub(crate) async fn login_page(State(h): State<Arc<Hosted>>) -> Response {
    page(StatusCode::OK, "Sign in", None, login_form(&h, None, ""))
}

#[derive(serde::Deserialize)]
struct LoginForm {
    email: String,
    password: String,
}

/// A hash to check against when the email is unknown, so a wrong email
/// costs what a wrong password does.
fn decoy() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| accounts::hash_password("decoy password").unwrap_or_default())
}

pub(crate) async fn login(State(h): State<Arc<Hosted>>, req: Request) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(p)| *p);
    let headers = req.headers().clone();
    let form: LoginForm = match axum::body::to_bytes(req.into_body(), 16 << 10)
        .await
        .ok()
        .and_then(|b| serde_urlencoded::from_bytes(&b).ok())
    {
        Some(f) => f,
        None => {
            return page(
                StatusCode::UNPROCESSABLE_ENTITY,
                "Sign in",
                None,
                login_form(&h, Some("Give your email and password."), ""),
            );
        }
    };
    let email = form.email.trim().to_lowercase();
    let keys = [format!("account:{email}"), h.address_key(peer, &headers)];
    if let Some(secs) = h.waiting(&keys) {
        return page(
            StatusCode::TOO_MANY_REQUESTS,
            "Sign in",
            None,
            login_form(
                &h,
                Some(&format!("Too many failed sign-ins. Try again in {secs} s.")),
                &email,
            ),
        );
    }
    let found = match h.dir().password_of(&email) {
        Ok(found) => found,
        Err(e) => return unavailable(&e.to_string()),
    };
    let password = form.password.clone();
    let hash = found
        .as_ref()
        .map_or_else(|| decoy().to_string(), |(_, hash)| hash.clone());
    // Argon2 is slow on purpose: off the async threads.
    let ok = tokio::task::spawn_blocking(move || accounts::verify_password(&hash, &password))
        .await
        .unwrap_or(false);
    let account = match found {
        Some((account, _)) if ok => account,
        _ => {
            h.failed(&keys);
            return page(
                StatusCode::UNAUTHORIZED,
                "Sign in",
                None,
                login_form(&h, Some("Wrong email or password."), &email),
            );
        }
    };
    h.throttle
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .succeeded(&keys[0]);
    signed_in_response(&h, &account, peer, &headers)
}

impl Hosted {
    /// The throttle's key for the client's address (`address:IP`): failed
    /// password and identity-provider sign-ins from one address count
    /// together.
    fn address_key(&self, peer: Option<SocketAddr>, headers: &HeaderMap) -> String {
        format!(
            "address:{}",
            self.client(peer, headers)
                .map_or_else(|| "unknown".to_string(), |ip| ip.to_string())
        )
    }

    /// Whole seconds to wait before any of `keys` may try again, if any.
    fn waiting(&self, keys: &[String]) -> Option<u64> {
        let now = Instant::now();
        let t = self.throttle.lock().unwrap_or_else(|p| p.into_inner());
        let wait = keys.iter().filter_map(|k| t.wait(k, now)).max()?;
        Some(wait.as_secs() + u64::from(wait.subsec_nanos() > 0))
    }

    /// Counts a failed sign-in against each of `keys`.
    fn failed(&self, keys: &[String]) {
        let mut t = self.throttle.lock().unwrap_or_else(|p| p.into_inner());
        for k in keys {
            t.failed(k, Instant::now());
        }
    }
}

/// A new session for `account`: its cookie, and on to the start page.
/// Password and identity-provider sign-ins end here alike.
fn signed_in_response(
    h: &Hosted,
    account: &Account,
    peer: Option<SocketAddr>,
    headers: &HeaderMap,
) -> Response {
    let now = h.now();
    let expires = now
        .checked_add(jiff::SignedDuration::from_hours(SESSION_HOURS))
        .unwrap_or(now);
    let secret = match h.dir().new_session(account, now, expires) {
        Ok(s) => s,
        Err(e) => return unavailable(&e.to_string()),
    };
    let secure = !h.loopback || h.https(peer, headers);
    let cookie = format!(
        "{COOKIE}={secret}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
        SESSION_HOURS * 3600,
        if secure { "; Secure" } else { "" }
    );
    let mut res = (StatusCode::SEE_OTHER, [(header::LOCATION, "/")]).into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    res
}

pub(crate) async fn logout(State(h): State<Arc<Hosted>>, headers: HeaderMap) -> Response {
    if let Some(secret) = session_cookie(&headers)
        && let Err(e) = h.dir().end_session(&secret)
    {
        return unavailable(&e.to_string());
    }
    let mut res = (StatusCode::SEE_OTHER, [(header::LOCATION, "/login")]).into_response();
    res.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static("debrief_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"),
    );
    res
}

/// The flow's cookie (`oidc::COOKIE`): the state, for the callback only,
/// ten minutes at most; `""` and 0 end it.
fn flow_cookie(value: &str, max_age: u64, secure: bool) -> Option<HeaderValue> {
    HeaderValue::from_str(&format!(
        "{}={value}; Path=/login/oidc; HttpOnly; SameSite=Lax; Max-Age={max_age}{}",
        oidc::COOKIE,
        if secure { "; Secure" } else { "" }
    ))
    .ok()
}

/// A page saying why no one was signed in, with the way back; it also
/// ends the flow's cookie. No session is made.
fn not_signed_in(status: StatusCode, why: &str) -> Response {
    let mut res = page(
        status,
        "Sign in",
        None,
        html! {
            h1 { "You are not signed in" }
            p.flash.error role="alert" { (why) }
            p { a href="/login" { "Back to sign in" } }
        },
    );
    if let Some(v) = flow_cookie("", 0, false) {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    res
}

/// [`not_signed_in`] with `Retry-After`.
fn not_signed_in_for(status: StatusCode, why: &str, secs: u64) -> Response {
    let mut res = not_signed_in(status, why);
    res.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(secs.max(1)));
    res
}

/// 429: this address failed to sign in too often; when it may again.
fn too_many(secs: u64) -> Response {
    not_signed_in_for(
        StatusCode::TOO_MANY_REQUESTS,
        &format!("Too many failed sign-ins from your address. Try again in {secs} s."),
        secs,
    )
}

fn peer_of(req: &Request) -> Option<SocketAddr> {
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(p)| *p)
}

/// `GET /login/oidc` ("Sign in with …"): on to the identity provider,
/// which answers at `/login/oidc/callback` on the host the browser used.
pub(crate) async fn oidc_start(State(h): State<Arc<Hosted>>, req: Request) -> Response {
    let Some(provider) = h.oidc() else {
        return not_found(req.uri());
    };
    let peer = peer_of(&req);
    let headers = req.headers();
    // An address that failed too often waits here already, before the
    // provider is bothered.
    let address = h.address_key(peer, headers);
    if let Some(secs) = h.waiting(std::slice::from_ref(&address)) {
        return too_many(secs);
    }
    let Some(host) = headers.get(header::HOST).and_then(|v| v.to_str().ok()) else {
        return not_signed_in(StatusCode::BAD_REQUEST, "The request names no host.");
    };
    let https = h.https(peer, headers);
    let redirect_uri = format!(
        "{}://{host}/login/oidc/callback",
        if https { "https" } else { "http" }
    );
    let begun = match provider.begin(redirect_uri, h.client(peer, headers)) {
        Ok(b) => b,
        Err(oidc::Refusal::TooMany(wait)) => {
            let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            return not_signed_in_for(
                StatusCode::TOO_MANY_REQUESTS,
                &format!(
                    "Too many sign-ins were started from your address and not finished. Try again in {secs} s."
                ),
                secs,
            );
        }
        Err(oidc::Refusal::Busy(why)) => {
            return not_signed_in(
                StatusCode::SERVICE_UNAVAILABLE,
                &format!("Not now: {why}. Try again in a minute."),
            );
        }
        Err(_) => return not_signed_in(StatusCode::SERVICE_UNAVAILABLE, "Try again in a minute."),
    };
    let mut res = (StatusCode::SEE_OTHER, [(header::CACHE_CONTROL, "no-store")]).into_response();
    if let Ok(location) = HeaderValue::from_str(&begun.location) {
        res.headers_mut().insert(header::LOCATION, location);
    }
    let secure = !h.loopback || https;
    if let Some(c) = flow_cookie(&begun.state, oidc::PENDING_FOR.as_secs(), secure) {
        res.headers_mut().insert(header::SET_COOKIE, c);
    }
    res
}

#[derive(serde::Deserialize)]
struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
    iss: Option<String>,
}

/// `GET /login/oidc/callback`: the provider's answer. Signs in (the same
/// session as a password sign-in) the account of the verified email —
/// made with `--oidc-role` on a first sign-in, refused when disabled.
pub(crate) async fn oidc_callback(State(h): State<Arc<Hosted>>, req: Request) -> Response {
    let Some(provider) = h.oidc().cloned() else {
        return not_found(req.uri());
    };
    let host = provider.host().to_string();
    // Answers that do not check out (a wrong or spent state, a refused
    // code or token) count against the client's address as wrong
    // passwords do; past a few, it waits.
    let address = [h.address_key(peer_of(&req), req.headers())];
    if let Some(secs) = h.waiting(&address) {
        return too_many(secs);
    }
    let refused = |status: StatusCode, why: &str| {
        h.failed(&address);
        not_signed_in(status, why)
    };
    let Ok(query) = serde_urlencoded::from_str::<CallbackQuery>(req.uri().query().unwrap_or(""))
    else {
        return refused(
            StatusCode::BAD_REQUEST,
            "This address is not a sign-in answer.",
        );
    };
    // The browser's cookie names the sign-in it started; the answer must
    // carry the same state (else another site sent it here: refused).
    let flow = cookie(req.headers(), oidc::COOKIE);
    let Some(pending) = provider.take(flow.as_deref(), query.state.as_deref()) else {
        return refused(
            StatusCode::BAD_REQUEST,
            "This sign-in was not started in this browser, was used already, took longer than 10 minutes, or was started before this server restarted. Start again.",
        );
    };
    if query.iss.as_deref().is_some_and(|i| i != provider.issuer()) {
        return refused(
            StatusCode::BAD_REQUEST,
            "The answer comes from another identity provider than the one configured.",
        );
    }
    if let Some(error) = &query.error {
        let why = if error == "access_denied" {
            format!("You did not allow Debrief to sign you in at {host}.")
        } else {
            let detail = query
                .error_description
                .as_deref()
                .map(|d| format!(": {d}"))
                .unwrap_or_default();
            format!("{host} did not sign you in ({error}{detail}).")
        };
        return not_signed_in(StatusCode::FORBIDDEN, &why);
    }
    let Some(code) = query.code else {
        return refused(StatusCode::BAD_REQUEST, "The answer carries no code.");
    };
    let now = h.now().as_second();
    let worker = Arc::clone(&provider);
    // The code exchange (and UserInfo) is blocking HTTP: off the async threads.
    let finished = tokio::task::spawn_blocking(move || worker.finish(&code, &pending, now)).await;
    let identity = match finished {
        Ok(Ok(identity)) => identity,
        Ok(Err(oidc::Refusal::Unreachable(why))) => {
            crate::log::warn(&format!("OpenID Connect: {host}: {why}"));
            return not_signed_in(
                StatusCode::BAD_GATEWAY,
                &format!(
                    "{host} could not be reached to finish signing in; try again in a moment."
                ),
            );
        }
        Ok(Err(oidc::Refusal::TokenRefused(why))) => {
            crate::log::warn(&format!("OpenID Connect: {host} refused the code: {why}"));
            return refused(
                StatusCode::UNAUTHORIZED,
                &format!("{host} refused to finish this sign-in ({why}). Start again."),
            );
        }
        Ok(Err(oidc::Refusal::BadToken(why))) => {
            crate::log::warn(&format!("OpenID Connect: {host}: the ID token: {why}"));
            return refused(
                StatusCode::UNAUTHORIZED,
                &format!(
                    "The identity token from {host} did not check out ({why}); no one was signed in."
                ),
            );
        }
        Ok(Err(oidc::Refusal::Busy(why))) => {
            return not_signed_in(StatusCode::SERVICE_UNAVAILABLE, why);
        }
        Ok(Err(oidc::Refusal::TooMany(_))) => {
            return not_signed_in(StatusCode::SERVICE_UNAVAILABLE, "Try again in a minute.");
        }
        Err(_) => {
            return not_signed_in(
                StatusCode::INTERNAL_SERVER_ERROR,
                "The sign-in stopped halfway; start again.",
            );
        }
    };
    let Some(email) = identity.email else {
        return not_signed_in(
            StatusCode::FORBIDDEN,
            &format!("{host} did not tell Debrief your email address, which names your account."),
        );
    };
    if !identity.verified {
        return not_signed_in(
            StatusCode::FORBIDDEN,
            &format!(
                "{host} has not verified your email address {email}. Verify it there, then sign in again."
            ),
        );
    }
    let account = match account_for(&h, &provider, &email, identity.name.as_deref()) {
        Ok(a) => a,
        Err(res) => return res,
    };
    if account.disabled {
        return not_signed_in(
            StatusCode::FORBIDDEN,
            &format!(
                "The account {} is disabled; ask whoever runs this Debrief.",
                account.email
            ),
        );
    }
    let mut res = signed_in_response(&h, &account, peer_of(&req), req.headers());
    if let Some(v) = flow_cookie("", 0, false) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

/// The account with this email (any case), made with the provider's role
/// (`--oidc-role`) and no password on a first sign-in — only at an
/// allowed domain when `--oidc-allow-domain` gives any.
fn account_for(
    h: &Hosted,
    provider: &oidc::Provider,
    email: &str,
    name: Option<&str>,
) -> Result<Account, Response> {
    let dir = h.dir();
    if let Some(a) = dir
        .account(email)
        .map_err(|e| unavailable(&e.to_string()))?
    {
        return Ok(a);
    }
    let Ok(normal) = accounts::normalize_email(email) else {
        return Err(not_signed_in(
            StatusCode::FORBIDDEN,
            &format!(
                "{} gave '{email}' as your email, which is not an email address.",
                provider.host()
            ),
        ));
    };
    // `--oidc-allow-domain`: no account is made for another domain.
    if !provider.may_create(&normal) {
        return Err(not_signed_in(
            StatusCode::FORBIDDEN,
            &format!(
                "There is no account for {normal} here, and this Debrief makes new accounts only for email addresses at {}. If you have an account under another email, sign in with that one; otherwise ask whoever runs this Debrief to add you.",
                provider.allow_domains().join(", ")
            ),
        ));
    }
    let name = name.map_or_else(
        || normal.split('@').next().unwrap_or(&normal).to_string(),
        str::to_string,
    );
    match dir.add_account_without_password(&normal, &name, provider.role(), h.now()) {
        Ok(a) => Ok(a),
        // Made a moment ago by a sign-in in another tab: that one.
        Err(debrief_store::StoreError::Conflict(_)) => dir
            .account(&normal)
            .map_err(|e| unavailable(&e.to_string()))?
            .ok_or_else(|| {
                not_signed_in(
                    StatusCode::CONFLICT,
                    "Your account could not be made; try again.",
                )
            }),
        Err(e) => Err(unavailable(&e.to_string())),
    }
}

/// Alive: the process answers.
pub(crate) async fn healthz() -> Response {
    (StatusCode::OK, axum::Json(json!({"status": "ok"}))).into_response()
}

/// Ready: the database answers.
pub(crate) async fn readyz(State(h): State<Arc<Hosted>>) -> Response {
    match h.dir().has_accounts() {
        Ok(_) => (
            StatusCode::OK,
            // `listening`: whether the server hears the database announce
            // changes (tokens and revisions are then kept between requests).
            axum::Json(json!({
                "status": "ready",
                "listening": h.stores.accounts_epoch().is_some(),
            })),
        )
            .into_response(),
        Err(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            axum::Json(json!({"status": "the database does not answer"})),
        )
            .into_response(),
    }
}

/// `/candidates/{id}/…` or `/api/v1/candidates/{id}/…`: the id and the
/// rest of the path, and whether it is the API's.
pub(crate) fn candidate_path(path: &str) -> Option<(&str, &str, bool)> {
    let (rest, api) = match path.strip_prefix("/api/v1/candidates/") {
        Some(rest) => (rest, true),
        None => (path.strip_prefix("/candidates/")?, false),
    };
    let (id, tail) = rest.split_once('/').unwrap_or((rest, ""));
    Some((id, tail, api))
}

/// A coach reading one sharing candidate's vault, read-only.
pub(crate) async fn for_coach(
    h: &Hosted,
    caller: &Account,
    id: &str,
    rest: &str,
    api: bool,
    req: Request,
) -> Response {
    let uri = req.uri().clone();
    let candidate = match id.parse::<i64>() {
        Ok(id) if caller.role == Role::Coach => match h.dir().shared_candidate(caller, id) {
            Ok(c) => c,
            Err(e) => return unavailable(&e.to_string()),
        },
        _ => None,
    };
    let Some(candidate) = candidate else {
        // Not shared with this caller, or no such candidate: the same 404.
        return not_found(&uri);
    };
    if !matches!(*req.method(), Method::GET | Method::HEAD) {
        return forbidden(
            &uri,
            "a coach reads a candidate's data and never changes it",
        );
    }
    let target = if api {
        match rest.split('/').next().unwrap_or("") {
            "agenda" | "stats" | "applications" => format!("/api/v1/{rest}"),
            _ => return not_found(&uri),
        }
    } else {
        match crate::readonly::vault_path(rest) {
            Some(path) => path,
            None => return not_found(&uri),
        }
    };
    let target = match uri.query() {
        Some(q) => format!("{target}?{q}"),
        None => target,
    };
    let (mut parts, body) = req.into_parts();
    if !api {
        // The page is rewritten on its way back (`readonly.rs`): as text.
        parts.headers.remove(header::ACCEPT_ENCODING);
    }
    parts.uri = match target.parse() {
        Ok(u) => u,
        Err(_) => return not_found(&uri),
    };
    match h.vault(&candidate) {
        Ok((state, router)) if api => {
            forward(router, state, Request::from_parts(parts, body)).await
        }
        Ok((state, router)) => {
            // The pages name whose vault they show (`account::reading`).
            let req = Request::from_parts(parts, body);
            let res = match crate::account::current() {
                Some(mut who) => {
                    who.reading = Some(crate::account::Candidate {
                        email: candidate.email.clone(),
                        name: candidate.name.clone(),
                    });
                    crate::account::scope(who, forward(router, state, req)).await
                }
                None => forward(router, state, req).await,
            };
            crate::readonly::respond(res, &format!("/candidates/{}", candidate.id)).await
        }
        Err(res) => res,
    }
}

/// Hands `req` to the vault routes with `state` as the vault it works on.
pub(crate) async fn forward(router: Router, state: AppState, mut req: Request) -> Response {
    use tower::ServiceExt;
    req.extensions_mut().insert(state);
    match router.oneshot(req).await {
        Ok(res) => res,
        Err(never) => match never {},
    }
}

impl Hosted {
    /// The caseload and sharing modules' way to a vault.
    pub(crate) fn vault_state(&self, candidate: &Account) -> Result<AppState, Response> {
        self.vault(candidate).map(|(s, _)| s)
    }

    pub(crate) fn directory(&self) -> std::sync::MutexGuard<'_, Directory> {
        self.dir()
    }

    pub(crate) fn clock(&self) -> Timestamp {
        self.now()
    }

    /// The identity provider, when one is configured.
    fn oidc(&self) -> Option<&Arc<oidc::Provider>> {
        self.config.oidc.as_ref()
    }
}

/// A response a module of hosted mode gives when the store failed.
pub(crate) fn store_failed(e: &debrief_store::StoreError) -> Response {
    unavailable(&e.to_string())
}

pub(crate) fn problem_response(p: &crate::state::Problem) -> Response {
    p.clone().into_response()
}

pub(crate) fn not_found_for(uri: &Uri) -> Response {
    not_found(uri)
}

pub(crate) fn forbidden_for(uri: &Uri, why: &str) -> Response {
    forbidden(uri, why)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_wait_longer_each_time_past_the_free_ones() {
        let mut t = Throttle::default();
        let start = Instant::now();
        for _ in 0..FREE_FAILURES - 1 {
            t.failed("account:a", start);
        }
        assert_eq!(t.wait("account:a", start), None);
        t.failed("account:a", start);
        assert_eq!(t.wait("account:a", start), Some(Duration::from_secs(2)));
        t.failed("account:a", start);
        assert_eq!(t.wait("account:a", start), Some(Duration::from_secs(4)));
        assert_eq!(t.wait("account:a", start + Duration::from_secs(4)), None);
        assert_eq!(t.wait("address:1.2.3.4", start), None);
        t.succeeded("account:a");
        assert_eq!(t.wait("account:a", start), None);
    }

    #[test]
    fn failures_are_forgiven_after_a_quiet_quarter_hour() {
        let mut t = Throttle::default();
        let start = Instant::now();
        for _ in 0..FREE_FAILURES + 3 {
            t.failed("address:10.0.0.1", start);
        }
        assert_eq!(
            t.wait("address:10.0.0.1", start),
            Some(Duration::from_secs(16))
        );
        // One more failure a quarter hour later counts as the first.
        let later = start + FORGIVEN_AFTER;
        t.failed("address:10.0.0.1", later);
        assert_eq!(t.wait("address:10.0.0.1", later), None);
        // Within it, failures keep adding up.
        for _ in 0..FREE_FAILURES - 1 {
            t.failed("address:10.0.0.1", later);
        }
        assert_eq!(
            t.wait("address:10.0.0.1", later),
            Some(Duration::from_secs(2))
        );
    }

    #[test]
    fn candidate_paths() {
        assert_eq!(
            candidate_path("/api/v1/candidates/7/agenda"),
            Some(("7", "agenda", true))
        );
        assert_eq!(candidate_path("/candidates/7"), Some(("7", "", false)));
        assert_eq!(candidate_path("/applications/x"), None);
    }
}
