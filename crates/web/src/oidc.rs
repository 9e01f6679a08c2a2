//! Signing in through an OpenID Connect identity provider, in hosted mode
//! (`debrief serve --oidc-issuer URL --oidc-client-id ID`, the secret in
//! `DEBRIEF_OIDC_CLIENT_SECRET`): the authorization code flow with PKCE,
//! `state` and `nonce` (OpenID Connect Core 1.0 §3.1, RFC 7636).
//!
//! The protocol only; the pages and the accounts are `hosted.rs`'s (which
//! imports this module, never the other way).
//!
//! [`Provider::discover`] reads the issuer's discovery document and keys
//! once, at start. [`Provider::begin`] (`GET /login/oidc`) keeps a random
//! state, nonce and PKCE verifier in this server's memory (ten minutes,
//! one use) and gives the provider's address to send the browser to; the
//! browser's short-lived cookie ([`COOKIE`]) holds the state.
//! [`Provider::take`] and [`Provider::finish`] (`GET
//! /login/oidc/callback`) take them back, exchange the code, and check
//! the ID token: its signature against the issuer's keys (RS/PS 256–512,
//! ES256/384, EdDSA; never `none` or a shared secret), `iss`, `aud` (and
//! `azp`), `exp`, `nonce`; the email comes from it or from the UserInfo
//! endpoint (same `sub`), with `email_verified`.
//!
//! Written on ureq and ring (both already here: the Web Push sender uses
//! them) rather than the `openidconnect` crate, whose ~60 further crates
//! include chrono, a second generation of RustCrypto's traits beside the
//! first, and the `rsa` crate with an advisory that has no fix.
//! Nothing here reaches the network unless the operator configured it.

use std::collections::HashMap;
use std::fmt;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use debrief_store_postgres::hosted::Role;
use serde::Deserialize;
use serde_json::Value;

/// The cookie that ties a browser to the sign-in it started (its value
/// is the state).
pub const COOKIE: &str = "debrief_oidc";

/// How long a started sign-in may take at the provider.
pub const PENDING_FOR: Duration = Duration::from_secs(600);

/// Sign-ins in progress at once, beyond which new ones wait (each holds
/// a few hundred bytes: a few megabytes at most).
pub const MAX_PENDING: usize = 10_000;

/// Sign-ins in progress from one client address, beyond which that
/// address waits (so that one address cannot fill [`MAX_PENDING`]).
pub const MAX_PENDING_PER_ADDRESS: usize = 100;

/// How far the provider's clock may be from ours (seconds).
const LEEWAY: i64 = 60;

/// How long any call to the provider may take.
const CALL_TIMEOUT: Duration = Duration::from_secs(15);

/// How the operator configured the provider.
#[derive(Clone)]
pub struct OidcSettings {
    /// `--oidc-issuer`: the issuer URL, exactly as the provider names itself.
    pub issuer: String,
    /// `--oidc-client-id`.
    pub client_id: String,
    /// `DEBRIEF_OIDC_CLIENT_SECRET` (never on the command line).
    pub client_secret: String,
    /// `--oidc-role`: the role of accounts a first sign-in makes.
    pub role: Role,
    /// `--oidc-allow-domain` (repeatable): when any, a first sign-in makes
    /// an account only for a verified email at one of these domains
    /// (exactly, in any case); existing accounts sign in whatever their
    /// domain. Empty: any verified email at the provider makes one.
    pub allow_domains: Vec<String>,
}

impl fmt::Debug for OidcSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OidcSettings")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_secret", &"(hidden)")
            .field("role", &self.role)
            .field("allow_domains", &self.allow_domains)
            .finish()
    }
}

/// Why the provider could not be used at start.
#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    /// Trying again later may work (FORMAT.md: exit 3).
    #[error("--oidc-issuer {issuer}: {why}; is the provider up and reachable from here?")]
    Unreachable { issuer: String, why: String },
    /// The configuration or the provider's answer is wrong (exit 2).
    #[error("--oidc-issuer {issuer}: {why}")]
    Invalid { issuer: String, why: String },
}

impl OidcError {
    /// Whether trying again later may work.
    pub fn is_unreachable(&self) -> bool {
        matches!(self, OidcError::Unreachable { .. })
    }
}

/// One key of the issuer's JWK set (RFC 7517), as far as it is used.
#[derive(Debug, Clone, Deserialize)]
struct Jwk {
    kty: String,
    kid: Option<String>,
    #[serde(rename = "use")]
    usage: Option<String>,
    alg: Option<String>,
    n: Option<String>,
    e: Option<String>,
    crv: Option<String>,
    x: Option<String>,
    y: Option<String>,
}

#[derive(Deserialize)]
struct JwkSet {
    keys: Vec<Value>,
}

/// The provider's keys, and when they were read.
struct Keys {
    keys: Vec<Jwk>,
    read: Instant,
}

/// A sign-in started at `/login/oidc`, waiting for the provider's answer.
pub struct Pending {
    nonce: String,
    verifier: String,
    redirect_uri: String,
    /// The client address it was started from, when known.
    client: Option<IpAddr>,
    started: Instant,
}

/// The sign-ins in progress, by state: in this server's memory only (a
/// restart forgets them: those sign-ins must be begun again), at most
/// [`MAX_PENDING`] ([`MAX_PENDING_PER_ADDRESS`] from one address), each
/// for [`PENDING_FOR`] and one use.
#[derive(Default)]
pub struct PendingSignIns {
    by_state: HashMap<String, Pending>,
}

/// Why a sign-in could not be begun now.
#[derive(Debug, PartialEq, Eq)]
pub enum Full {
    /// Too many sign-ins under way from everyone.
    Everyone,
    /// Too many from this address: the wait until its oldest expires.
    Address(Duration),
}

impl PendingSignIns {
    /// Keeps `pending` under `state`, after forgetting the expired ones.
    fn insert(&mut self, state: String, pending: Pending, now: Instant) -> Result<(), Full> {
        self.by_state
            .retain(|_, p| now.saturating_duration_since(p.started) < PENDING_FOR);
        if let Some(client) = pending.client {
            let mine = self
                .by_state
                .values()
                .filter(|p| p.client == Some(client))
                .map(|p| p.started);
            let (count, oldest) = mine.fold((0usize, None::<Instant>), |(n, o), s| {
                (n + 1, Some(o.map_or(s, |o| o.min(s))))
            });
            if count >= MAX_PENDING_PER_ADDRESS {
                let until = oldest.map_or(now, |o| o + PENDING_FOR);
                return Err(Full::Address(until.saturating_duration_since(now)));
            }
        }
        if self.by_state.len() >= MAX_PENDING {
            return Err(Full::Everyone);
        }
        self.by_state.insert(state, pending);
        Ok(())
    }

    /// The sign-in `cookie` names, once (a mismatch spends it too), if the
    /// answer's `state` is the same and it is not older than [`PENDING_FOR`].
    fn take(&mut self, cookie: Option<&str>, state: Option<&str>, now: Instant) -> Option<Pending> {
        let cookie = cookie?;
        let pending = self.by_state.remove(cookie)?;
        (Some(cookie) == state && now.saturating_duration_since(pending.started) < PENDING_FOR)
            .then_some(pending)
    }

    /// How many are kept (expired ones included until the next insert).
    pub fn len(&self) -> usize {
        self.by_state.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_state.is_empty()
    }
}

/// A discovered provider and the sign-ins in progress with it.
pub struct Provider {
    settings: OidcSettings,
    /// What the button says: "Sign in with HOST".
    host: String,
    authorization_endpoint: String,
    token_endpoint: String,
    userinfo_endpoint: Option<String>,
    jwks_uri: String,
    /// `client_secret_post` when the provider does not take HTTP Basic.
    secret_in_body: bool,
    keys: Mutex<Keys>,
    pending: Mutex<PendingSignIns>,
    agent: ureq::Agent,
}

impl fmt::Debug for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Provider")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

/// The discovery document's fields used here.
#[derive(Deserialize)]
struct Discovery {
    issuer: String,
    authorization_endpoint: String,
    token_endpoint: String,
    userinfo_endpoint: Option<String>,
    jwks_uri: String,
    #[serde(default)]
    token_endpoint_auth_methods_supported: Option<Vec<String>>,
    #[serde(default)]
    code_challenge_methods_supported: Option<Vec<String>>,
}

/// `https://…`, or `http://` on a loopback host (a provider on this
/// machine, as the tests run one); the host (and port) otherwise `None`.
fn https_or_loopback(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let authority = authority.rsplit('@').next().unwrap_or("");
    if authority.is_empty() || authority.chars().any(char::is_whitespace) {
        return None;
    }
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => authority.rsplit_once(':').map_or(authority, |(h, _)| h),
    };
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    match scheme {
        "https" => Some(authority.to_string()),
        "http" if loopback => Some(authority.to_string()),
        _ => None,
    }
}

fn random_text() -> Result<String, String> {
    use ring::rand::SecureRandom as _;
    let mut bytes = [0u8; 32];
    ring::rand::SystemRandom::new()
        .fill(&mut bytes)
        .map_err(|_| "no random numbers from the system".to_string())?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// The PKCE challenge of a verifier (`S256`).
fn challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(ring::digest::digest(
        &ring::digest::SHA256,
        verifier.as_bytes(),
    ))
}

/// A call's answer: its status and body.
fn read(r: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Result<(u16, String), String> {
    let mut r = r.map_err(|e| e.to_string())?;
    let status = r.status().as_u16();
    let body = r
        .body_mut()
        .with_config()
        .limit(1 << 20)
        .read_to_string()
        .map_err(|e| e.to_string())?;
    Ok((status, body))
}

impl Provider {
    /// Reads the issuer's discovery document and keys: the one network
    /// call at start. Blocking.
    pub fn discover(settings: OidcSettings) -> Result<Provider, OidcError> {
        let issuer = settings.issuer.clone();
        let invalid = |why: String| OidcError::Invalid {
            issuer: issuer.clone(),
            why,
        };
        let unreachable = |why: String| OidcError::Unreachable {
            issuer: issuer.clone(),
            why,
        };
        let Some(host) = https_or_loopback(&issuer) else {
            return Err(invalid(
                "not an https:// URL (plain http is taken only on a loopback address)".into(),
            ));
        };
        if settings.client_id.trim().is_empty() {
            return Err(invalid("--oidc-client-id is empty".into()));
        }
        if settings.client_secret.is_empty() {
            return Err(invalid(
                "the client secret is missing: set DEBRIEF_OIDC_CLIENT_SECRET".into(),
            ));
        }
        let mut settings = settings;
        settings.allow_domains = allowed_domains(&settings.allow_domains).map_err(invalid)?;
        if !matches!(settings.role, Role::Candidate | Role::Coach) {
            return Err(invalid(
                "--oidc-role is candidate or coach: no one becomes an admin by signing in".into(),
            ));
        }
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_global(Some(CALL_TIMEOUT))
            .build()
            .into();
        let url = format!(
            "{}/.well-known/openid-configuration",
            issuer.trim_end_matches('/')
        );
        let (status, body) = read(agent.get(&url).call()).map_err(&unreachable)?;
        if status >= 500 {
            return Err(unreachable(format!("{url} answered {status}")));
        }
        if status != 200 {
            return Err(invalid(format!(
                "{url} answered {status}; is this the issuer URL?"
            )));
        }
        let doc: Discovery = serde_json::from_str(&body)
            .map_err(|e| invalid(format!("{url} is not a discovery document: {e}")))?;
        if doc.issuer != issuer {
            return Err(invalid(format!(
                "the provider names itself {}; give exactly that as --oidc-issuer",
                doc.issuer
            )));
        }
        for (name, value) in [
            ("authorization_endpoint", Some(&doc.authorization_endpoint)),
            ("token_endpoint", Some(&doc.token_endpoint)),
            ("jwks_uri", Some(&doc.jwks_uri)),
            ("userinfo_endpoint", doc.userinfo_endpoint.as_ref()),
        ] {
            if let Some(v) = value
                && https_or_loopback(v).is_none()
            {
                return Err(invalid(format!("its {name} ({v}) is not an https:// URL")));
            }
        }
        if let Some(methods) = &doc.code_challenge_methods_supported
            && !methods.iter().any(|m| m == "S256")
        {
            return Err(invalid(
                "the provider does not take PKCE challenges (S256), which Debrief requires".into(),
            ));
        }
        let secret_in_body = doc
            .token_endpoint_auth_methods_supported
            .as_ref()
            .is_some_and(|m| {
                !m.iter().any(|m| m == "client_secret_basic")
                    && m.iter().any(|m| m == "client_secret_post")
            });
        let keys = fetch_keys(&agent, &doc.jwks_uri).map_err(|(network, why)| {
            if network {
                unreachable(why)
            } else {
                invalid(why)
            }
        })?;
        if keys.is_empty() {
            return Err(invalid(format!(
                "{} has no signing key Debrief can check (RSA, P-256, P-384 or Ed25519)",
                doc.jwks_uri
            )));
        }
        Ok(Provider {
            settings,
            host,
            authorization_endpoint: doc.authorization_endpoint,
            token_endpoint: doc.token_endpoint,
            userinfo_endpoint: doc.userinfo_endpoint,
            jwks_uri: doc.jwks_uri,
            secret_in_body,
            keys: Mutex::new(Keys {
                keys,
                read: Instant::now(),
            }),
            pending: Mutex::new(PendingSignIns::default()),
            agent,
        })
    }

    /// What the sign-in page's button names: the issuer's host.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The role of the accounts a first sign-in makes.
    pub fn role(&self) -> Role {
        self.settings.role
    }

    /// The issuer, as configured.
    pub fn issuer(&self) -> &str {
        &self.settings.issuer
    }

    fn pending(&self) -> std::sync::MutexGuard<'_, PendingSignIns> {
        self.pending.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// `--oidc-allow-domain`'s domains (lowercase); empty when any
    /// verified email may make an account.
    pub fn allow_domains(&self) -> &[String] {
        &self.settings.allow_domains
    }

    /// Whether a first sign-in with `email` may make an account.
    pub fn may_create(&self, email: &str) -> bool {
        may_create(&self.settings.allow_domains, email)
    }

    /// The line `serve` prints at start about who may make an account.
    pub fn sign_up_note(&self) -> String {
        sign_up_note(
            &self.settings.issuer,
            self.settings.role,
            &self.settings.allow_domains,
        )
    }

    /// The keys, read again when none fits a token (the provider rotated
    /// them) — at most every ten seconds.
    fn keys(&self, reread: bool) -> Vec<Jwk> {
        let mut k = self.keys.lock().unwrap_or_else(|p| p.into_inner());
        if reread
            && k.read.elapsed() > Duration::from_secs(10)
            && let Ok(fresh) = fetch_keys(&self.agent, &self.jwks_uri)
        {
            *k = Keys {
                keys: fresh,
                read: Instant::now(),
            };
        }
        k.keys.clone()
    }

    /// Exchanges the code and reads who signed in. Blocking.
    pub fn finish(&self, code: &str, pending: &Pending, now: i64) -> Result<Identity, Refusal> {
        let mut form = vec![
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", &pending.redirect_uri),
            ("code_verifier", &pending.verifier),
        ];
        let mut req = self.agent.post(&self.token_endpoint);
        if self.secret_in_body {
            form.push(("client_id", &self.settings.client_id));
            form.push(("client_secret", &self.settings.client_secret));
        } else {
            // RFC 6749 §2.3.1: each form-encoded, then Basic.
            let id: String =
                form_urlencoded::byte_serialize(self.settings.client_id.as_bytes()).collect();
            let secret: String =
                form_urlencoded::byte_serialize(self.settings.client_secret.as_bytes()).collect();
            req = req.header(
                "authorization",
                format!("Basic {}", STANDARD.encode(format!("{id}:{secret}"))),
            );
        }
        let (status, body) = read(req.header("accept", "application/json").send_form(form))
            .map_err(Refusal::Unreachable)?;
        let answer: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
        if status != 200 {
            let error = answer["error"]
                .as_str()
                .unwrap_or("no error code")
                .to_string();
            return Err(Refusal::TokenRefused(format!("{status} {error}")));
        }
        let Some(id_token) = answer["id_token"].as_str() else {
            return Err(Refusal::BadToken("the answer has no ID token".into()));
        };
        let check = Check {
            issuer: &self.settings.issuer,
            client_id: &self.settings.client_id,
            nonce: &pending.nonce,
            now,
        };
        let claims = match verify_id_token(id_token, &self.keys(false), &check) {
            Err(TokenError::NoKey) => verify_id_token(id_token, &self.keys(true), &check),
            other => other,
        }
        .map_err(|e| Refusal::BadToken(e.to_string()))?;
        let mut identity = Identity::from_claims(&claims);
        // A code flow's ID token may leave the email to the UserInfo
        // endpoint (OpenID Connect Core §5.4); ask it then.
        if identity.email.is_none()
            && let (Some(endpoint), Some(access)) =
                (&self.userinfo_endpoint, answer["access_token"].as_str())
        {
            let (status, body) = read(
                self.agent
                    .get(endpoint)
                    .header("authorization", format!("Bearer {access}"))
                    .header("accept", "application/json")
                    .call(),
            )
            .map_err(Refusal::Unreachable)?;
            let info: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
            if status != 200 || info.get("sub") != claims.get("sub") {
                return Err(Refusal::BadToken(format!(
                    "the UserInfo endpoint answered {status} for another subject or none"
                )));
            }
            identity = Identity::from_claims(&info);
        }
        Ok(identity)
    }
}

/// `--oidc-allow-domain`'s values, checked and lowercased (a leading `@`
/// and a trailing `.` are dropped); the message when one is no domain.
fn allowed_domains(given: &[String]) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::new();
    for raw in given {
        let d = raw.trim();
        let d = d.strip_prefix('@').unwrap_or(d);
        let d = d.strip_suffix('.').unwrap_or(d).to_lowercase();
        let label_ok = |l: &str| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        };
        if d.is_empty() || d.len() > 253 || !d.split('.').all(label_ok) {
            return Err(format!(
                "--oidc-allow-domain '{raw}' is not a domain; give one like example.org (no @, no wildcard), once per domain"
            ));
        }
        if !out.contains(&d) {
            out.push(d);
        }
    }
    Ok(out)
}

/// Whether `email`'s domain is one of `domains` exactly (any case), or
/// `domains` is empty.
fn may_create(domains: &[String], email: &str) -> bool {
    if domains.is_empty() {
        return true;
    }
    let Some((_, domain)) = email.trim().rsplit_once('@') else {
        return false;
    };
    let domain = domain.strip_suffix('.').unwrap_or(domain).to_lowercase();
    domains.contains(&domain)
}

/// What `serve` says at start about the accounts a first sign-in makes.
fn sign_up_note(issuer: &str, role: Role, domains: &[String]) -> String {
    if domains.is_empty() {
        format!(
            "Anyone with a verified email at {issuer} can sign in and so make a new {role} account; to allow only your organisation's addresses, give --oidc-allow-domain DOMAIN (repeatable)."
        )
    } else {
        format!(
            "A first sign-in with {issuer} makes a new {role} account only for an email at {} (--oidc-allow-domain); existing accounts sign in whatever their domain.",
            domains.join(", ")
        )
    }
}

/// Reads a JWK set: the keys Debrief can check signatures with. The
/// error says whether the network failed (`true`) or the answer is wrong.
fn fetch_keys(agent: &ureq::Agent, url: &str) -> Result<Vec<Jwk>, (bool, String)> {
    let (status, body) = read(agent.get(url).call()).map_err(|e| (true, e))?;
    if status != 200 {
        return Err((status >= 500, format!("{url} answered {status}")));
    }
    let set: JwkSet =
        serde_json::from_str(&body).map_err(|e| (false, format!("{url} is not a JWK set: {e}")))?;
    // Keys of kinds not checked here (or malformed) are left out, not fatal.
    Ok(set
        .keys
        .into_iter()
        .filter_map(|k| serde_json::from_value::<Jwk>(k).ok())
        .filter(|k| k.usage.as_deref().is_none_or(|u| u == "sig"))
        .filter(|k| matches!(k.kty.as_str(), "RSA" | "EC" | "OKP"))
        .collect())
}

/// Who the provider says signed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub email: Option<String>,
    /// `email_verified`: `true` (or the string `"true"`, as some send it).
    pub verified: bool,
    pub name: Option<String>,
}

impl Identity {
    fn from_claims(claims: &Value) -> Identity {
        Identity {
            email: claims["email"]
                .as_str()
                .map(str::trim)
                .filter(|e| !e.is_empty())
                .map(str::to_string),
            verified: claims["email_verified"] == Value::Bool(true)
                || claims["email_verified"].as_str() == Some("true"),
            name: claims["name"]
                .as_str()
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(|n| n.chars().take(200).collect()),
        }
    }
}

/// What an ID token must say.
struct Check<'a> {
    issuer: &'a str,
    client_id: &'a str,
    nonce: &'a str,
    /// Unix seconds, by the server's clock (`--now` when given).
    now: i64,
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
enum TokenError {
    #[error("not a signed JWT")]
    Malformed,
    #[error("signed with {0}, which Debrief does not accept")]
    Algorithm(String),
    #[error("no key of the issuer fits it")]
    NoKey,
    #[error("the signature does not match")]
    Signature,
    #[error("{0}")]
    Claim(String),
}

/// Verifies an ID token's signature with `keys` and its claims against
/// `check` (OpenID Connect Core §3.1.3.7); its claims when all hold.
fn verify_id_token(token: &str, keys: &[Jwk], check: &Check) -> Result<Value, TokenError> {
    use ring::signature as sig;
    let mut parts = token.split('.');
    let (Some(head), Some(body), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(TokenError::Malformed);
    };
    let decode = |part: &str| {
        URL_SAFE_NO_PAD
            .decode(part)
            .map_err(|_| TokenError::Malformed)
    };
    let header: Value =
        serde_json::from_slice(&decode(head)?).map_err(|_| TokenError::Malformed)?;
    let signature = decode(signature)?;
    let alg = header["alg"].as_str().unwrap_or("").to_string();
    let kid = header["kid"].as_str();
    // What each algorithm needs: the key type, the curve, ring's verifier.
    let (kty, crv): (&str, Option<&str>) = match alg.as_str() {
        "RS256" | "RS384" | "RS512" | "PS256" | "PS384" | "PS512" => ("RSA", None),
        "ES256" => ("EC", Some("P-256")),
        "ES384" => ("EC", Some("P-384")),
        "EdDSA" | "Ed25519" => ("OKP", Some("Ed25519")),
        _ => return Err(TokenError::Algorithm(alg)),
    };
    let fitting = keys.iter().filter(|k| {
        k.kty == kty
            && crv.is_none_or(|c| k.crv.as_deref() == Some(c))
            && kid.is_none_or(|id| k.kid.as_deref() == Some(id))
            && k.alg.as_deref().is_none_or(|a| a == alg)
    });
    let signed = format!("{head}.{body}");
    let b64 = |v: &Option<String>| v.as_deref().and_then(|t| URL_SAFE_NO_PAD.decode(t).ok());
    let mut tried = false;
    let mut verified = false;
    for key in fitting {
        tried = true;
        let ok = match kty {
            "RSA" => {
                let (Some(n), Some(e)) = (b64(&key.n), b64(&key.e)) else {
                    continue;
                };
                let params: &sig::RsaParameters = match alg.as_str() {
                    "RS256" => &sig::RSA_PKCS1_2048_8192_SHA256,
                    "RS384" => &sig::RSA_PKCS1_2048_8192_SHA384,
                    "RS512" => &sig::RSA_PKCS1_2048_8192_SHA512,
                    "PS256" => &sig::RSA_PSS_2048_8192_SHA256,
                    "PS384" => &sig::RSA_PSS_2048_8192_SHA384,
                    _ => &sig::RSA_PSS_2048_8192_SHA512,
                };
                let skip = n.iter().take_while(|b| **b == 0).count();
                sig::RsaPublicKeyComponents {
                    n: &n[skip..],
                    e: &e[..],
                }
                .verify(params, signed.as_bytes(), &signature)
                .is_ok()
            }
            "EC" => {
                let (Some(x), Some(y)) = (b64(&key.x), b64(&key.y)) else {
                    continue;
                };
                let point = [&[4u8][..], &x, &y].concat();
                let algorithm = if alg == "ES256" {
                    &sig::ECDSA_P256_SHA256_FIXED
                } else {
                    &sig::ECDSA_P384_SHA384_FIXED
                };
                sig::UnparsedPublicKey::new(algorithm, point)
                    .verify(signed.as_bytes(), &signature)
                    .is_ok()
            }
            _ => {
                let Some(x) = b64(&key.x) else {
                    continue;
                };
                sig::UnparsedPublicKey::new(&sig::ED25519, x)
                    .verify(signed.as_bytes(), &signature)
                    .is_ok()
            }
        };
        if ok {
            verified = true;
            break;
        }
    }
    if !tried {
        return Err(TokenError::NoKey);
    }
    if !verified {
        return Err(TokenError::Signature);
    }
    let claims: Value =
        serde_json::from_slice(&decode(body)?).map_err(|_| TokenError::Malformed)?;
    let claim = |why: String| Err(TokenError::Claim(why));
    if claims["iss"].as_str() != Some(check.issuer) {
        return claim(format!(
            "it was issued by {}, not the issuer",
            claims["iss"]
        ));
    }
    let audiences: Vec<&str> = match &claims["aud"] {
        Value::String(a) => vec![a.as_str()],
        Value::Array(list) => list.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if !audiences.contains(&check.client_id) {
        return claim("it is meant for another client (aud)".into());
    }
    let azp = claims["azp"].as_str();
    if (audiences.len() > 1 || azp.is_some()) && azp != Some(check.client_id) {
        return claim("it was given to another client (azp)".into());
    }
    let Some(exp) = claims["exp"].as_i64() else {
        return claim("it has no expiry (exp)".into());
    };
    if check.now > exp.saturating_add(LEEWAY) {
        return claim("it has expired (exp)".into());
    }
    if claims["iat"]
        .as_i64()
        .is_some_and(|iat| iat > check.now.saturating_add(LEEWAY))
        || claims["nbf"]
            .as_i64()
            .is_some_and(|nbf| nbf > check.now.saturating_add(LEEWAY))
    {
        return claim("it is not valid yet (iat, nbf): are both clocks right?".into());
    }
    if claims["nonce"].as_str() != Some(check.nonce) {
        return claim("it answers another sign-in (nonce)".into());
    }
    if claims["sub"].as_str().is_none_or(str::is_empty) {
        return claim("it names no subject (sub)".into());
    }
    Ok(claims)
}

/// Why a sign-in signs no one in.
#[derive(Debug)]
pub enum Refusal {
    /// The provider could not be reached (the network, a timeout).
    Unreachable(String),
    /// The token endpoint refused the code (status and error code).
    TokenRefused(String),
    /// The ID token (or UserInfo) did not check out.
    BadToken(String),
    /// Too many sign-ins under way, or no random numbers: later.
    Busy(&'static str),
    /// Too many sign-ins under way from this client address: how long
    /// until it may begin another.
    TooMany(Duration),
}

/// A sign-in begun: the state for the browser's cookie, and the
/// provider's address to send the browser to.
pub struct Begun {
    pub state: String,
    pub location: String,
}

impl Provider {
    /// Begins a sign-in that the provider answers at `redirect_uri`, for
    /// the browser at `client`: a fresh state, nonce and PKCE verifier,
    /// kept here for ten minutes.
    pub fn begin(&self, redirect_uri: String, client: Option<IpAddr>) -> Result<Begun, Refusal> {
        let (Ok(state), Ok(nonce), Ok(verifier)) = (random_text(), random_text(), random_text())
        else {
            return Err(Refusal::Busy("the server has no random numbers right now"));
        };
        let query = form_urlencoded::Serializer::new(String::new())
            .append_pair("response_type", "code")
            .append_pair("client_id", &self.settings.client_id)
            .append_pair("redirect_uri", &redirect_uri)
            .append_pair("scope", "openid email profile")
            .append_pair("state", &state)
            .append_pair("nonce", &nonce)
            .append_pair("code_challenge", &challenge(&verifier))
            .append_pair("code_challenge_method", "S256")
            .finish();
        let now = Instant::now();
        let pending = Pending {
            nonce,
            verifier,
            redirect_uri,
            client,
            started: now,
        };
        match self.pending().insert(state.clone(), pending, now) {
            Ok(()) => {}
            Err(Full::Everyone) => return Err(Refusal::Busy("too many sign-ins are under way")),
            Err(Full::Address(wait)) => return Err(Refusal::TooMany(wait)),
        }
        let endpoint = &self.authorization_endpoint;
        let joint = if endpoint.contains('?') { '&' } else { '?' };
        Ok(Begun {
            state,
            location: format!("{endpoint}{joint}{query}"),
        })
    }

    /// The sign-in the browser's cookie names, once, if the provider's
    /// answer carries the same state and it is not older than ten
    /// minutes. A mismatch spends it too.
    pub fn take(&self, cookie: Option<&str>, state: Option<&str>) -> Option<Pending> {
        self.pending().take(cookie, state, Instant::now())
    }

    /// How many sign-ins are kept in memory now.
    pub fn pending_count(&self) -> usize {
        self.pending().len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ring::signature::KeyPair as _;

    fn jwt(alg: &str, kid: &str, claims: &Value, sign: impl Fn(&[u8]) -> Vec<u8>) -> String {
        let head = URL_SAFE_NO_PAD
            .encode(serde_json::json!({"alg": alg, "kid": kid, "typ": "JWT"}).to_string());
        let body = URL_SAFE_NO_PAD.encode(claims.to_string());
        let signed = format!("{head}.{body}");
        format!(
            "{signed}.{}",
            URL_SAFE_NO_PAD.encode(sign(signed.as_bytes()))
        )
    }

    fn claims() -> Value {
        serde_json::json!({
            "iss": "https://id.example", "aud": "debrief", "sub": "u1",
            "exp": 1_000_600, "iat": 1_000_000, "nonce": "n-1",
            "email": "Ana@Example.org", "email_verified": true, "name": "Ana",
        })
    }

    const CHECK: Check<'static> = Check {
        issuer: "https://id.example",
        client_id: "debrief",
        nonce: "n-1",
        now: 1_000_100,
    };

    /// An ES256 key pair and its JWK.
    fn es256() -> (ring::signature::EcdsaKeyPair, Jwk) {
        let rng = ring::rand::SystemRandom::new();
        let alg = &ring::signature::ECDSA_P256_SHA256_FIXED_SIGNING;
        let pkcs8 = ring::signature::EcdsaKeyPair::generate_pkcs8(alg, &rng).expect("key");
        let pair =
            ring::signature::EcdsaKeyPair::from_pkcs8(alg, pkcs8.as_ref(), &rng).expect("pair");
        let point = pair.public_key().as_ref().to_vec();
        let jwk = Jwk {
            kty: "EC".into(),
            kid: Some("k1".into()),
            usage: Some("sig".into()),
            alg: None,
            n: None,
            e: None,
            crv: Some("P-256".into()),
            x: Some(URL_SAFE_NO_PAD.encode(&point[1..33])),
            y: Some(URL_SAFE_NO_PAD.encode(&point[33..])),
        };
        (pair, jwk)
    }

    fn signed_es256(pair: &ring::signature::EcdsaKeyPair, claims: &Value) -> String {
        let rng = ring::rand::SystemRandom::new();
        jwt("ES256", "k1", claims, |m| {
            pair.sign(&rng, m).expect("sign").as_ref().to_vec()
        })
    }

    #[test]
    fn a_good_token_verifies_and_names_the_verified_email() {
        let (pair, jwk) = es256();
        let token = signed_es256(&pair, &claims());
        let got = verify_id_token(&token, &[jwk], &CHECK).expect("valid");
        assert_eq!(
            Identity::from_claims(&got),
            Identity {
                email: Some("Ana@Example.org".into()),
                verified: true,
                name: Some("Ana".into())
            }
        );
    }

    #[test]
    fn ed25519_tokens_verify_too() {
        let rng = ring::rand::SystemRandom::new();
        let pkcs8 = ring::signature::Ed25519KeyPair::generate_pkcs8(&rng).expect("key");
        let pair = ring::signature::Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).expect("pair");
        let jwk = Jwk {
            kty: "OKP".into(),
            kid: Some("k1".into()),
            usage: None,
            alg: None,
            n: None,
            e: None,
            crv: Some("Ed25519".into()),
            x: Some(URL_SAFE_NO_PAD.encode(pair.public_key().as_ref())),
            y: None,
        };
        let token = jwt("EdDSA", "k1", &claims(), |m| pair.sign(m).as_ref().to_vec());
        assert!(verify_id_token(&token, &[jwk], &CHECK).is_ok());
    }

    #[test]
    fn each_broken_promise_is_refused() {
        let (pair, jwk) = es256();
        let keys = [jwk];
        let with = |key: &str, value: Value| {
            let mut c = claims();
            c[key] = value;
            signed_es256(&pair, &c)
        };
        let claim = |t: &str| match verify_id_token(t, &keys, &CHECK) {
            Err(TokenError::Claim(why)) => why,
            other => panic!("expected a claim refused, got {other:?}"),
        };
        assert!(claim(&with("iss", "https://evil.example".into())).contains("issued by"));
        assert!(claim(&with("aud", "someone-else".into())).contains("aud"));
        assert!(claim(&with("aud", serde_json::json!(["debrief", "x"]))).contains("azp"));
        assert!(claim(&with("exp", 1_000_000.into())).contains("expired"));
        assert!(claim(&with("iat", 1_000_500.into())).contains("not valid yet"));
        assert!(claim(&with("nonce", "n-2".into())).contains("nonce"));
        let mut no_exp = claims();
        no_exp.as_object_mut().expect("object").remove("exp");
        assert!(claim(&signed_es256(&pair, &no_exp)).contains("exp"));
        // Audience lists are fine when azp names this client.
        let mut listed = claims();
        listed["aud"] = serde_json::json!(["debrief", "x"]);
        listed["azp"] = "debrief".into();
        assert!(verify_id_token(&signed_es256(&pair, &listed), &keys, &CHECK).is_ok());
    }

    #[test]
    fn forged_and_unsigned_tokens_are_refused() {
        let (pair, jwk) = es256();
        let keys = [jwk];
        let good = signed_es256(&pair, &claims());
        // Someone else's body under this signature.
        let mut evil = claims();
        evil["email"] = "admin@example.org".into();
        let evil_body = URL_SAFE_NO_PAD.encode(evil.to_string());
        let mut parts: Vec<&str> = good.split('.').collect();
        parts[1] = &evil_body;
        assert_eq!(
            verify_id_token(&parts.join("."), &keys, &CHECK),
            Err(TokenError::Signature)
        );
        // `alg: none`, and a shared-secret algorithm, whatever the signature.
        let none = jwt("none", "k1", &claims(), |_| Vec::new());
        assert_eq!(
            verify_id_token(&none, &keys, &CHECK),
            Err(TokenError::Algorithm("none".into()))
        );
        let hs = jwt("HS256", "k1", &claims(), |_| vec![1, 2, 3]);
        assert_eq!(
            verify_id_token(&hs, &keys, &CHECK),
            Err(TokenError::Algorithm("HS256".into()))
        );
        // A key id the issuer does not have.
        let rng = ring::rand::SystemRandom::new();
        let other = jwt("ES256", "k2", &claims(), |m| {
            pair.sign(&rng, m).expect("sign").as_ref().to_vec()
        });
        assert_eq!(
            verify_id_token(&other, &keys, &CHECK),
            Err(TokenError::NoKey)
        );
        assert_eq!(
            verify_id_token("a.b", &keys, &CHECK),
            Err(TokenError::Malformed)
        );
    }

    #[test]
    fn unverified_emails_are_not_verified() {
        for (value, verified) in [
            (Value::Bool(true), true),
            (Value::String("true".into()), true),
            (Value::Bool(false), false),
            (Value::Null, false),
            (Value::String("yes".into()), false),
        ] {
            let mut c = claims();
            c["email_verified"] = value;
            assert_eq!(Identity::from_claims(&c).verified, verified);
        }
    }

    #[test]
    fn issuers_are_https_or_on_this_machine() {
        assert_eq!(
            https_or_loopback("https://accounts.example.org/realms/x").as_deref(),
            Some("accounts.example.org")
        );
        assert_eq!(
            https_or_loopback("http://127.0.0.1:4000").as_deref(),
            Some("127.0.0.1:4000")
        );
        assert!(https_or_loopback("http://id.example.org").is_none());
        assert!(https_or_loopback("ftp://id.example.org").is_none());
        assert!(https_or_loopback("accounts.example.org").is_none());
    }

    fn pending(client: Option<IpAddr>, started: Instant) -> Pending {
        Pending {
            nonce: "n".into(),
            verifier: "v".into(),
            redirect_uri: "http://127.0.0.1/login/oidc/callback".into(),
            client,
            started,
        }
    }

    #[test]
    fn a_started_sign_in_is_taken_once_with_its_state_within_ten_minutes() {
        let t0 = Instant::now();
        let mut p = PendingSignIns::default();
        p.insert("s1".into(), pending(None, t0), t0).expect("kept");
        p.insert("s2".into(), pending(None, t0), t0).expect("kept");
        p.insert("s3".into(), pending(None, t0), t0).expect("kept");
        let almost = t0 + PENDING_FOR - Duration::from_secs(1);
        assert!(p.take(Some("s1"), Some("s1"), almost).is_some());
        assert!(p.take(Some("s1"), Some("s1"), almost).is_none(), "one use");
        // Another state than the cookie's spends the cookie's sign-in.
        assert!(p.take(Some("s2"), Some("s3"), t0).is_none());
        assert!(p.take(Some("s2"), Some("s2"), t0).is_none());
        assert!(p.take(None, Some("s3"), t0).is_none());
        // Ten minutes on, it is gone.
        assert!(p.take(Some("s3"), Some("s3"), t0 + PENDING_FOR).is_none());
    }

    #[test]
    fn started_sign_ins_are_bounded_and_expired_ones_forgotten() {
        let t0 = Instant::now();
        let mut p = PendingSignIns::default();
        for i in 0..MAX_PENDING {
            p.insert(format!("s{i}"), pending(None, t0), t0)
                .expect("room");
        }
        assert_eq!(p.len(), MAX_PENDING);
        assert_eq!(
            p.insert("one-more".into(), pending(None, t0), t0),
            Err(Full::Everyone)
        );
        assert_eq!(p.len(), MAX_PENDING);
        // Once they have expired, they make room (and are dropped).
        let later = t0 + PENDING_FOR;
        p.insert("one-more".into(), pending(None, later), later)
            .expect("room again");
        assert_eq!(p.len(), 1);
    }

    #[test]
    fn one_address_cannot_fill_the_sign_ins() {
        let t0 = Instant::now();
        let a: IpAddr = "203.0.113.7".parse().expect("ip");
        let b: IpAddr = "203.0.113.8".parse().expect("ip");
        let mut p = PendingSignIns::default();
        for i in 0..MAX_PENDING_PER_ADDRESS {
            let at = t0 + Duration::from_secs(i as u64);
            p.insert(format!("a{i}"), pending(Some(a), at), at)
                .expect("room");
        }
        let now = t0 + Duration::from_secs(200);
        // It waits until its oldest expires; another address does not.
        assert_eq!(
            p.insert("a-more".into(), pending(Some(a), now), now),
            Err(Full::Address(PENDING_FOR - Duration::from_secs(200)))
        );
        p.insert("b0".into(), pending(Some(b), now), now)
            .expect("another address");
        let later = t0 + PENDING_FOR;
        p.insert("a-more".into(), pending(Some(a), later), later)
            .expect("the oldest expired");
    }

    #[test]
    fn allowed_domains_are_whole_domains_in_any_case() {
        let domains = allowed_domains(&[
            "Example.ORG".into(),
            "@uni.example.".into(),
            "example.org".into(),
        ])
        .expect("domains");
        assert_eq!(domains, ["example.org", "uni.example"]);
        assert!(may_create(&domains, "ana@example.org"));
        assert!(may_create(&domains, "Ana@EXAMPLE.org"));
        assert!(may_create(&domains, "bo@Uni.Example"));
        assert!(
            !may_create(&domains, "ana@mail.example.org"),
            "not a subdomain"
        );
        assert!(!may_create(&domains, "ana@example.org.evil.test"));
        assert!(!may_create(&domains, "ana@notexample.org"));
        assert!(!may_create(&domains, "example.org"));
        assert!(!may_create(&domains, "ana@example.org@evil.test"));
        assert!(may_create(&[], "anyone@anywhere.test"));
        for bad in [
            "",
            "*.example.org",
            "ana@example.org",
            "exa mple.org",
            "a..b",
            "-x.org",
        ] {
            assert!(allowed_domains(&[bad.into()]).is_err(), "{bad}");
        }
    }

    #[test]
    fn serve_says_who_may_make_an_account() {
        let open = sign_up_note("https://id.example", Role::Candidate, &[]);
        assert!(
            open.contains("Anyone with a verified email at https://id.example"),
            "{open}"
        );
        assert!(open.contains("candidate account"), "{open}");
        assert!(open.contains("--oidc-allow-domain DOMAIN"), "{open}");
        let limited = sign_up_note(
            "https://id.example",
            Role::Coach,
            &["example.org".into(), "uni.example".into()],
        );
        assert!(
            limited.contains("only for an email at example.org, uni.example"),
            "{limited}"
        );
        assert!(limited.contains("new coach account"), "{limited}");
        assert!(
            !limited.contains('\n') && !open.contains('\n'),
            "one line each"
        );
    }

    #[test]
    fn the_pkce_challenge_is_the_verifiers_sha256_in_base64url() {
        // Computed apart: Python's hashlib and base64.urlsafe_b64encode.
        assert_eq!(
            challenge("dBjftJeZ4CVP-mB92K1uhbUJU1p1r_wW1gFWFOEjXk"),
            "DpW_nzyKLmXOCjIx2Ik4CEMHAv6AF_zNMXGb5Z9P0oI"
        );
    }
}
