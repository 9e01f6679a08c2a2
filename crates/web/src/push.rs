//! The daily digest and Web Push: the running server reminds the user,
//! at the local time they chose in Settings, of what is due today and of
//! the thank-you notes that are overdue, as a notification in the browsers
//! they turned it on in.
//!
//! Everything lives in the store's own settings (never exported), through
//! the store traits so every backend keeps it:
//! - `digest`: `{"enabled": bool, "at": "HH:MM"}`, the user's choice;
//! - `digest_sent`: the local date whose digest was claimed: the claim is
//!   one write transaction, so two servers on one store (or a restart)
//!   send each day's digest once;
//! - `push_vapid`: the server's VAPID key pair (RFC 8292), a PKCS#8
//!   document made once per store; only its public half ever leaves the
//!   server (`GET /api/v1/push/key`), nothing here logs it;
//! - `push_subscriptions`: the browsers' push subscriptions.
//!
//! A push is encrypted per RFC 8291 (`aes128gcm`, one record) and signed
//! per RFC 8292 (an ES256 JWT for the push service's origin), with `ring`.
//! No network call is made unless the digest is on and a browser
//! subscribed. A subscription the push service says is gone (404, 410)
//! is forgotten.

use std::time::Duration;

use axum::Extension;
use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use debrief_core::engine::{Action, State as ActionState};
use debrief_core::text::when;
use maud::{Markup, html};
use ring::rand::{SecureRandom, SystemRandom};
use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::html::{Fields, redirect_with};
use crate::state::{AppState, Problem, Result};

pub const DIGEST_KEY: &str = "digest";
pub const DIGEST_SENT_KEY: &str = "digest_sent";
const VAPID_KEY: &str = "push_vapid";
const SUBSCRIPTIONS_KEY: &str = "push_subscriptions";
/// How long a push service keeps an undelivered digest: a day.
const TTL_SECONDS: u32 = 86_400;
/// The record size announced in the header (RFC 8188); one record.
const RECORD_SIZE: u32 = 4096;
/// Push services accept 4096 bytes of body; the header takes 86 and the
/// tag and delimiter 17.
const MAX_PLAINTEXT: usize = 3993;
/// Most subscriptions kept (each is one request per digest).
const MAX_SUBSCRIPTIONS: usize = 20;

pub fn routes() -> Router {
    Router::new()
        .route("/settings/digest", post(digest_save))
        .route("/manifest.webmanifest", get(manifest))
        .route("/sw.js", get(service_worker))
        .route("/assets/push.js", get(page_script))
}

pub fn api_routes() -> Router {
    Router::new()
        .route("/push/key", get(public_key))
        .route("/push/subscriptions", post(subscribe).delete(unsubscribe))
        .route("/push/test", post(send_test))
        .route("/settings/digest", get(digest_get).put(digest_put))
}

// ------------------------------------------------------------- Settings

/// The user's choice: whether and when (local time) the digest comes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DigestSetting {
    pub enabled: bool,
    /// Local time of day, `HH:MM`.
    pub at: String,
}

impl Default for DigestSetting {
    fn default() -> Self {
        DigestSetting {
            enabled: false,
            at: "08:00".into(),
        }
    }
}

impl DigestSetting {
    /// Reads the stored setting; an unreadable one counts as off.
    pub fn parse(stored: Option<&str>) -> DigestSetting {
        stored
            .and_then(|t| serde_json::from_str::<DigestSetting>(t).ok())
            .filter(|d| parse_at(&d.at).is_ok())
            .unwrap_or_default()
    }

    /// On, at `text` (`HH:MM`, written back as two digits each).
    pub fn at(text: &str) -> std::result::Result<DigestSetting, String> {
        let time = parse_at(text)?;
        Ok(DigestSetting {
            enabled: true,
            at: time.strftime("%H:%M").to_string(),
        })
    }

    pub fn time(&self) -> jiff::civil::Time {
        parse_at(&self.at).unwrap_or(jiff::civil::Time::constant(8, 0, 0, 0))
    }
}

/// `HH:MM` (24-hour), as a time input sends it.
fn parse_at(text: &str) -> std::result::Result<jiff::civil::Time, String> {
    let t = text.trim();
    t.split_once(':')
        .and_then(|(h, m)| {
            let (h, m) = (h.parse::<i8>().ok()?, m.parse::<i8>().ok()?);
            jiff::civil::Time::new(h, m, 0, 0).ok()
        })
        .ok_or_else(|| format!("'{t}' is not a time of day; write it as HH:MM, e.g. 08:00"))
}

pub fn digest_setting(st: &AppState) -> Result<DigestSetting> {
    Ok(DigestSetting::parse(
        st.store()?.setting(DIGEST_KEY)?.as_deref(),
    ))
}

fn save_digest(st: &AppState, enabled: bool, at: &str) -> Result<DigestSetting> {
    let setting = DigestSetting {
        enabled,
        ..DigestSetting::at(at).map_err(|e| Problem::field("at", e))?
    };
    let text = serde_json::to_string(&setting).map_err(|e| Problem::internal(e.to_string()))?;
    st.update("change the daily digest", |u| {
        u.set_setting(DIGEST_KEY, &text)?;
        Ok::<(), Problem>(())
    })?;
    Ok(setting)
}

async fn digest_save(
    Extension(st): Extension<AppState>,
    axum::extract::Form(f): axum::extract::Form<Vec<(String, String)>>,
) -> Response {
    let f = Fields(f);
    let enabled = f.get("enabled") == "true";
    match save_digest(&st, enabled, f.get("at")) {
        Ok(d) if d.enabled => redirect_with(
            "/settings#digest",
            "ok",
            &format!("The daily digest comes at {} (your time).", d.at),
        ),
        Ok(_) => redirect_with("/settings#digest", "ok", "The daily digest is off."),
        Err(p) => redirect_with(
            "/settings#digest",
            "error",
            &format!("The digest setting was not saved: {}", p.message),
        ),
    }
}

async fn digest_get(Extension(st): Extension<AppState>) -> Response {
    match digest_setting(&st) {
        Ok(d) => axum::Json(d).into_response(),
        Err(p) => p.into_response(),
    }
}

async fn digest_put(Extension(st): Extension<AppState>, body: Bytes) -> Response {
    let run = || -> Result<DigestSetting> {
        let d: DigestSetting = crate::wire::body(&body)?;
        save_digest(&st, d.enabled, &d.at)
    };
    match run() {
        Ok(d) => axum::Json(d).into_response(),
        Err(p) => p.into_response(),
    }
}

/// The Settings page's "Daily digest" section: the setting works without
/// JavaScript; the notification buttons need it (and ask the browser's
/// permission only when pressed).
pub fn settings_section(st: &AppState) -> Result<Markup> {
    let d = digest_setting(st)?;
    let subscribed = subscriptions(st)?.len();
    Ok(html! {
        section #digest aria-labelledby="digest-h" {
            h2 #digest-h { "Daily digest" }
            p { "Once a day, at the time you choose, this server reminds you of what is due that day and of thank-you notes that are overdue, as a notification in the browsers you turn it on in below. It sends only while " code { "debrief serve" } " runs." }
            form.stack method="post" action="/settings/digest" {
                label.check { input type="checkbox" name="enabled" value="true" checked[d.enabled]; " Send me the daily digest" }
                label for="digest-at" { "At (your time, HH:MM)" }
                input #digest-at type="time" name="at" required value=(d.at);
                button type="submit" { "Save digest setting" }
            }
            div #push data-subscribed=(subscribed) {
                p #push-status role="status" {
                    @match subscribed {
                        0 => "No browser receives the digest yet.",
                        1 => "1 browser receives the digest.",
                        n => (format!("{n} browsers receive the digest.")),
                    }
                }
                p.push-buttons {
                    button #push-on type="button" hidden { "Turn on notifications in this browser" }
                    " "
                    button #push-off type="button" hidden { "Turn them off in this browser" }
                    " "
                    button #push-test type="button" hidden { "Send the digest now" }
                }
                noscript { p.muted { "Notifications need JavaScript; the setting above works without it." } }
            }
        }
    })
}

// ------------------------------------------------------------- Subscriptions

/// A browser's push subscription: where to post and its keys (base64url),
/// as `PushSubscription.toJSON()` gives them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Subscription {
    pub endpoint: String,
    pub p256dh: String,
    pub auth: String,
}

#[derive(Deserialize)]
struct SubscriptionBody {
    endpoint: String,
    #[serde(rename = "expirationTime", default)]
    _expiration: Option<serde_json::Value>,
    keys: Keys,
}

#[derive(Deserialize)]
struct Keys {
    p256dh: String,
    auth: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EndpointBody {
    endpoint: String,
}

fn decode(text: &str) -> Option<Vec<u8>> {
    B64.decode(text.trim().trim_end_matches('=')).ok()
}

/// Checks a subscription before keeping it: an `https` endpoint (plain
/// `http` only on a loopback address), a P-256 public key and a 16-byte
/// secret.
fn check(body: SubscriptionBody) -> Result<Subscription> {
    let endpoint = body.endpoint.trim().to_string();
    let (scheme, rest) = endpoint
        .split_once("://")
        .ok_or_else(|| Problem::field("endpoint", "expected an https:// address"))?;
    let host = authority_host(rest);
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    match scheme {
        "https" if !host.is_empty() => {}
        "http" if loopback => {}
        _ => {
            return Err(Problem::field(
                "endpoint",
                "expected an https:// address (plain http only on this computer)",
            ));
        }
    }
    if endpoint.len() > 2048 || endpoint.chars().any(char::is_whitespace) {
        return Err(Problem::field("endpoint", "not a push service address"));
    }
    let key = decode(&body.keys.p256dh)
        .filter(|k| k.len() == 65 && k[0] == 4)
        .ok_or_else(|| {
            Problem::field(
                "keys.p256dh",
                "expected the browser's P-256 public key (65 bytes, base64url)",
            )
        })?;
    let auth = decode(&body.keys.auth)
        .filter(|a| a.len() == 16)
        .ok_or_else(|| Problem::field("keys.auth", "expected 16 bytes, base64url"))?;
    Ok(Subscription {
        endpoint,
        p256dh: B64.encode(key),
        auth: B64.encode(auth),
    })
}

/// `host` of `host:port/path…` (brackets kept for IPv6).
fn authority_host(rest: &str) -> &str {
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let authority = authority.rsplit_once('@').map_or(authority, |(_, a)| a);
    if authority.starts_with('[') {
        return authority
            .split_once(']')
            .map_or(authority, |(h, _)| &authority[..h.len() + 1]);
    }
    authority.split(':').next().unwrap_or("")
}

/// The subscriptions kept in the store (none if unreadable).
pub fn subscriptions(st: &AppState) -> Result<Vec<Subscription>> {
    Ok(parse_subscriptions(st.store()?.setting(SUBSCRIPTIONS_KEY)?))
}

fn parse_subscriptions(text: Option<String>) -> Vec<Subscription> {
    text.and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default()
}

fn write_subscriptions(u: &mut debrief_store::Unit<'_>, list: &[Subscription]) -> Result<()> {
    let text = serde_json::to_string(list).map_err(|e| Problem::internal(e.to_string()))?;
    u.set_setting(SUBSCRIPTIONS_KEY, &text)?;
    Ok(())
}

async fn subscribe(Extension(st): Extension<AppState>, body: Bytes) -> Response {
    let run = || -> Result<usize> {
        let sub = check(crate::wire::body(&body)?)?;
        st.update("subscribe a browser to the digest", |u| {
            let mut list = parse_subscriptions(u.setting(SUBSCRIPTIONS_KEY)?);
            list.retain(|s| s.endpoint != sub.endpoint);
            if list.len() >= MAX_SUBSCRIPTIONS {
                return Err(Problem::bad(format!(
                    "{MAX_SUBSCRIPTIONS} browsers receive the digest already; turn it off in one first"
                )));
            }
            list.push(sub);
            write_subscriptions(u, &list)?;
            Ok(list.len())
        })
    };
    match run() {
        Ok(n) => (StatusCode::CREATED, axum::Json(json!({ "subscribed": n }))).into_response(),
        Err(p) => p.into_response(),
    }
}

async fn unsubscribe(Extension(st): Extension<AppState>, body: Bytes) -> Response {
    let run = || -> Result<(bool, usize)> {
        let b: EndpointBody = crate::wire::body(&body)?;
        st.update("unsubscribe a browser from the digest", |u| {
            let mut list = parse_subscriptions(u.setting(SUBSCRIPTIONS_KEY)?);
            let before = list.len();
            list.retain(|s| s.endpoint != b.endpoint.trim());
            let removed = list.len() < before;
            if removed {
                write_subscriptions(u, &list)?;
            }
            Ok((removed, list.len()))
        })
    };
    match run() {
        Ok((removed, n)) => {
            axum::Json(json!({ "removed": removed, "subscribed": n })).into_response()
        }
        Err(p) => p.into_response(),
    }
}

// ------------------------------------------------------------- VAPID

/// The store's VAPID key pair, made on first use in one transaction (two
/// servers starting together agree on one).
fn vapid(st: &AppState) -> Result<EcdsaKeyPair> {
    let rng = SystemRandom::new();
    let doc = st.update("make the push key", |u| {
        if let Some(text) = u.setting(VAPID_KEY)?
            && let Some(bytes) = decode(&text)
        {
            return Ok::<Vec<u8>, Problem>(bytes);
        }
        let doc = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng)
            .map_err(|_| Problem::internal("cannot make a push key: no system randomness"))?;
        u.set_setting(VAPID_KEY, &B64.encode(doc.as_ref()))?;
        Ok(doc.as_ref().to_vec())
    })?;
    EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &doc, &rng).map_err(|_| {
        Problem::internal(format!(
            "the store's push key (setting '{VAPID_KEY}') cannot be read"
        ))
    })
}

async fn public_key(Extension(st): Extension<AppState>) -> Response {
    match vapid(&st) {
        Ok(k) => {
            axum::Json(json!({ "public_key": B64.encode(k.public_key().as_ref()) })).into_response()
        }
        Err(p) => p.into_response(),
    }
}

/// `Authorization: vapid t=…, k=…` for `endpoint` (RFC 8292): an ES256
/// JWT for the push service's origin, valid 12 hours from `now_unix`
/// (the real clock: the push service checks it against its own).
fn authorization(
    key: &EcdsaKeyPair,
    endpoint: &str,
    now_unix: i64,
    contact: Option<&str>,
) -> Result<String> {
    let (scheme, rest) = endpoint
        .split_once("://")
        .ok_or_else(|| Problem::internal("a push endpoint without a scheme"))?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let mut claims = json!({
        "aud": format!("{scheme}://{authority}"),
        "exp": now_unix + 12 * 3600,
    });
    if let Some(c) = contact {
        claims["sub"] = json!(format!("mailto:{c}"));
    }
    let header = B64.encode(br#"{"typ":"JWT","alg":"ES256"}"#);
    let signed = format!("{header}.{}", B64.encode(claims.to_string()));
    let sig = key
        .sign(&SystemRandom::new(), signed.as_bytes())
        .map_err(|_| Problem::internal("cannot sign the push request"))?;
    Ok(format!(
        "vapid t={signed}.{}, k={}",
        B64.encode(sig.as_ref()),
        B64.encode(key.public_key().as_ref())
    ))
}

// ------------------------------------------------------------- RFC 8291

/// Encrypts `plaintext` for a subscription (RFC 8291, `aes128gcm`): a new
/// ECDH key and salt for each message.
pub fn encrypt(sub: &Subscription, plaintext: &[u8]) -> Result<Vec<u8>> {
    use ring::agreement;
    let rng = SystemRandom::new();
    let ua_public =
        decode(&sub.p256dh).ok_or_else(|| Problem::internal("a subscription key is unreadable"))?;
    let auth = decode(&sub.auth)
        .ok_or_else(|| Problem::internal("a subscription secret is unreadable"))?;
    let private = agreement::EphemeralPrivateKey::generate(&agreement::ECDH_P256, &rng)
        .map_err(|_| Problem::internal("cannot make a key: no system randomness"))?;
    let as_public = private
        .compute_public_key()
        .map_err(|_| Problem::internal("cannot make a key"))?
        .as_ref()
        .to_vec();
    let peer = agreement::UnparsedPublicKey::new(&agreement::ECDH_P256, &ua_public);
    let secret = agreement::agree_ephemeral(private, &peer, |s| s.to_vec()).map_err(|_| {
        Problem::bad("the browser's push key is not a point on P-256; subscribe again")
    })?;
    let mut salt = [0u8; 16];
    rng.fill(&mut salt)
        .map_err(|_| Problem::internal("no system randomness"))?;
    seal(&secret, &auth, &ua_public, &as_public, &salt, plaintext)
}

fn hmac(key: &[u8], parts: &[&[u8]]) -> ring::hmac::Tag {
    let k = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, key);
    let mut ctx = ring::hmac::Context::with_key(&k);
    for p in parts {
        ctx.update(p);
    }
    ctx.sign()
}

/// The key schedule and the one record, from the ECDH secret on (RFC 8291
/// §3.3–3.4 and RFC 8188 §2): split out so the RFC's example pins it.
fn seal(
    ecdh_secret: &[u8],
    auth: &[u8],
    ua_public: &[u8],
    as_public: &[u8],
    salt: &[u8; 16],
    plaintext: &[u8],
) -> Result<Vec<u8>> {
    use ring::aead;
    // HKDF with one block of output each time: T(1) = HMAC(PRK, info || 1).
    let prk_key = hmac(auth, &[ecdh_secret]);
    let ikm = hmac(
        prk_key.as_ref(),
        &[b"WebPush: info\0", ua_public, as_public, &[1]],
    );
    let prk = hmac(salt, &[ikm.as_ref()]);
    let cek = hmac(prk.as_ref(), &[b"Content-Encoding: aes128gcm\0", &[1]]);
    let nonce = hmac(prk.as_ref(), &[b"Content-Encoding: nonce\0", &[1]]);
    let key = aead::UnboundKey::new(&aead::AES_128_GCM, &cek.as_ref()[..16])
        .map(aead::LessSafeKey::new)
        .map_err(|_| Problem::internal("cannot set up AES-128-GCM"))?;
    let nonce = aead::Nonce::try_assume_unique_for_key(&nonce.as_ref()[..12])
        .map_err(|_| Problem::internal("cannot set up the nonce"))?;
    let mut record = Vec::with_capacity(plaintext.len() + 17);
    record.extend_from_slice(plaintext);
    // The last (and only) record's delimiter; no padding.
    record.push(2);
    key.seal_in_place_append_tag(nonce, aead::Aad::empty(), &mut record)
        .map_err(|_| Problem::internal("cannot encrypt the push message"))?;
    let id_len = u8::try_from(as_public.len())
        .map_err(|_| Problem::internal("the sender key is too long"))?;
    let mut body = Vec::with_capacity(21 + as_public.len() + record.len());
    body.extend_from_slice(salt);
    body.extend_from_slice(&RECORD_SIZE.to_be_bytes());
    body.push(id_len);
    body.extend_from_slice(as_public);
    body.extend_from_slice(&record);
    Ok(body)
}

// ------------------------------------------------------------- The digest

/// What the digest says: today's actions and the overdue thank-yous.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Digest {
    pub title: String,
    pub body: String,
    pub url: String,
    /// How many actions it names.
    pub count: usize,
}

/// The digest as of the server's clock, or `None` when nothing is due
/// today and no thank-you is overdue.
pub fn digest(st: &AppState) -> Result<Option<Digest>> {
    let clock = st.clock()?;
    // The agenda every page shows (the applications that can still act,
    // kept between requests), and each company from its board summary:
    // the store is not read whole.
    let snap = st.snapshot()?;
    let agenda = &snap.agenda;
    let today = clock.today();
    let company = |id: &str| snap.company(id).to_string();
    let due_today: Vec<&Action> = agenda
        .actions
        .iter()
        .filter(|a| a.due.ts.to_zoned(clock.tz.clone()).date() == today)
        .collect();
    let overdue_thanks: Vec<&Action> = agenda
        .actions
        .iter()
        .filter(|a| {
            a.state == ActionState::Overdue
                && matches!(a.rule.id(), "thank-you-note" | "thank-staff")
                && !due_today.iter().any(|d| std::ptr::eq(*d, *a))
        })
        .collect();
    let count = due_today.len() + overdue_thanks.len();
    if count == 0 {
        return Ok(None);
    }
    let mut lines = Vec::new();
    for a in &due_today {
        lines.push(format!(
            "{} · {} · due {}",
            a.title,
            company(&a.application),
            a.due.ts.to_zoned(clock.tz.clone()).strftime("%H:%M")
        ));
    }
    for a in &overdue_thanks {
        lines.push(format!(
            "Overdue: {} · {} · was due {}",
            a.title,
            company(&a.application),
            when(a.due.ts, &clock.tz)
        ));
    }
    let title = match (due_today.len(), overdue_thanks.len()) {
        (0, 1) => "Debrief: a thank-you note is overdue".to_string(),
        (0, n) => format!("Debrief: {n} thank-you notes are overdue"),
        (1, 0) => "Debrief: 1 follow-up due today".to_string(),
        (d, 0) => format!("Debrief: {d} follow-ups due today"),
        (d, o) => format!("Debrief: {d} due today, {o} overdue"),
    };
    let mut body = lines.join("\n");
    // Keep within what a push service carries, on a character boundary.
    let room = MAX_PLAINTEXT - 400;
    if body.len() > room {
        let mut cut = room;
        while !body.is_char_boundary(cut) {
            cut -= 1;
        }
        body.truncate(cut);
        body.push('…');
    }
    Ok(Some(Digest {
        title,
        body,
        url: "/".into(),
        count,
    }))
}

/// What sending to every subscription did.
#[derive(Debug, Default, Serialize)]
pub struct Sent {
    pub delivered: usize,
    pub failed: Vec<String>,
    /// Subscriptions the push service said are gone, now forgotten.
    pub forgotten: usize,
}

/// Sends `digest` to every subscription, forgetting those gone.
pub async fn send(st: &AppState, digest: &Digest) -> Result<Sent> {
    let subs = subscriptions(st)?;
    if subs.is_empty() {
        return Ok(Sent::default());
    }
    let key = vapid(st)?;
    let contact = st.profile()?.emails.first().cloned();
    let payload = serde_json::to_vec(digest).map_err(|e| Problem::internal(e.to_string()))?;
    let now_unix = jiff::Timestamp::now().as_second();
    let mut requests = Vec::new();
    let mut unusable = Vec::new();
    for s in &subs {
        // One broken subscription does not keep the others waiting.
        match encrypt(s, &payload) {
            Ok(body) => {
                let auth = authorization(&key, &s.endpoint, now_unix, contact.as_deref())?;
                requests.push((s.endpoint.clone(), auth, body));
            }
            Err(p) => unusable.push(format!("{}: {}", origin_of(&s.endpoint), p.message)),
        }
    }
    let results = tokio::task::spawn_blocking(move || {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_global(Some(Duration::from_secs(20)))
            .build()
            .into();
        requests
            .into_iter()
            .map(|(endpoint, auth, body)| {
                let r = agent
                    .post(&endpoint)
                    .header("authorization", &auth)
                    .header("ttl", TTL_SECONDS.to_string())
                    .header("content-encoding", "aes128gcm")
                    .header("content-type", "application/octet-stream")
                    .header("urgency", "normal")
                    .send(&body[..]);
                (
                    endpoint,
                    r.map(|r| r.status().as_u16()).map_err(|e| e.to_string()),
                )
            })
            .collect::<Vec<_>>()
    })
    .await
    .map_err(|e| Problem::internal(format!("the push sender stopped: {e}")))?;
    let mut sent = Sent {
        failed: unusable,
        ..Sent::default()
    };
    let mut gone = Vec::new();
    for (endpoint, r) in results {
        let origin = origin_of(&endpoint);
        match r {
            Ok(200..=202) => sent.delivered += 1,
            Ok(404 | 410) => gone.push(endpoint),
            Ok(code) => sent.failed.push(format!("{origin} answered {code}")),
            Err(e) => sent.failed.push(format!("{origin}: {e}")),
        }
    }
    if !gone.is_empty() {
        sent.forgotten = gone.len();
        st.update("forget browsers that unsubscribed", |u| {
            let mut list = parse_subscriptions(u.setting(SUBSCRIPTIONS_KEY)?);
            list.retain(|s| !gone.contains(&s.endpoint));
            write_subscriptions(u, &list)
        })?;
    }
    Ok(sent)
}

/// `https://host:port` of an endpoint: what may be printed (the path
/// identifies the browser).
fn origin_of(endpoint: &str) -> String {
    endpoint.split('/').take(3).collect::<Vec<_>>().join("/")
}

async fn send_test(Extension(st): Extension<AppState>) -> Response {
    let run = async {
        if subscriptions(&st)?.is_empty() {
            return Err(Problem::bad(
                "no browser receives the digest; turn notifications on first",
            ));
        }
        let d = match digest(&st)? {
            Some(d) => d,
            None => Digest {
                title: "Debrief: nothing due today".into(),
                body: "No follow-up is due today and no thank-you is overdue.".into(),
                url: "/".into(),
                count: 0,
            },
        };
        send(&st, &d).await
    };
    match run.await {
        Ok(sent) => axum::Json(sent).into_response(),
        Err(p) => p.into_response(),
    }
}

/// Once a day after the chosen time: claims the day, then sends. `None`
/// when nothing was due to be sent (off, nobody subscribed, too early,
/// already sent today, nothing to say).
pub async fn tick(st: &AppState) -> Result<Option<Sent>> {
    let setting = digest_setting(st)?;
    if !setting.enabled || subscriptions(st)?.is_empty() {
        return Ok(None);
    }
    let clock = st.clock()?;
    let local = clock.now.to_zoned(clock.tz.clone());
    if local.time() < setting.time() {
        return Ok(None);
    }
    let today = local.date().to_string();
    let claimed = st.update("claim today's digest", |u| {
        if u.setting(DIGEST_SENT_KEY)?.as_deref() == Some(today.as_str()) {
            return Ok::<bool, Problem>(false);
        }
        u.set_setting(DIGEST_SENT_KEY, &today)?;
        Ok(true)
    })?;
    if !claimed {
        return Ok(None);
    }
    let Some(d) = digest(st)? else {
        return Ok(None);
    };
    let sent = send(st, &d).await?;
    if sent.delivered == 0 && !sent.failed.is_empty() {
        // Nothing arrived: give the day back so the next check tries again.
        st.update("give back today's digest", |u| {
            if u.setting(DIGEST_SENT_KEY)?.as_deref() == Some(today.as_str()) {
                u.set_setting(DIGEST_SENT_KEY, "")?;
            }
            Ok::<(), Problem>(())
        })?;
    }
    Ok(Some(sent))
}

/// Checks every `every` whether the digest is due, for as long as the
/// server runs. Problems are printed (never a key), not fatal.
pub fn start(st: AppState, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut timer = tokio::time::interval(every);
        timer.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            timer.tick().await;
            match tick(&st).await {
                Ok(Some(sent)) => {
                    for f in &sent.failed {
                        crate::log::warn(&format!("the daily digest did not reach {f}"));
                    }
                }
                Ok(None) => {}
                Err(p) => {
                    crate::log::warn(&format!("the daily digest was not sent: {}", p.message));
                }
            }
        }
    })
}

// ------------------------------------------------------------- Assets

const SERVICE_WORKER: &str = include_str!("../assets/sw.js");
const PAGE_SCRIPT: &str = include_str!("../assets/push.js");

async fn manifest() -> Response {
    let body = json!({
        "name": "Debrief",
        "short_name": "Debrief",
        "description": "Job applications and the follow-ups after each interview.",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#1f4e79",
        "icons": [
            { "src": "/assets/favicon.svg", "sizes": "any", "type": "image/svg+xml", "purpose": "any" }
        ]
    });
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/manifest+json"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        body.to_string(),
    )
        .into_response()
}

fn script(text: &'static str) -> Response {
    let mut h = HeaderMap::new();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/javascript; charset=utf-8"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    (h, text).into_response()
}

async fn service_worker() -> Response {
    script(SERVICE_WORKER)
}

async fn page_script() -> Response {
    script(PAGE_SCRIPT)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(t: &str) -> Vec<u8> {
        decode(t).expect("base64url")
    }

    /// RFC 8291 §5 and Appendix A: from the ECDH secret on, to the byte.
    #[test]
    fn the_rfc_8291_example_encrypts_to_the_published_body() {
        let mut salt = [0u8; 16];
        salt.copy_from_slice(&d("DGv6ra1nlYgDCS1FRnbzlw"));
        let body = seal(
            &d("kyrL1jIIOHEzg3sM2ZWRHDRB62YACZhhSlknJ672kSs"),
            &d("BTBZMqHH6r4Tts7J_aSIgg"),
            &d("BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4"),
            &d("BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8"),
            &salt,
            b"When I grow up, I want to be a watermelon",
        )
        .expect("seal");
        assert_eq!(
            B64.encode(body),
            "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN"
        );
    }

    #[test]
    fn times_of_day() {
        assert_eq!(parse_at("08:00").map(|t| t.hour()), Ok(8));
        assert_eq!(parse_at(" 7:05 ").map(|t| t.minute()), Ok(5));
        for bad in ["", "8", "24:00", "12:60", "noon", "-1:00"] {
            assert!(parse_at(bad).is_err(), "{bad}");
        }
        assert_eq!(
            DigestSetting::parse(Some("{nonsense")),
            DigestSetting::default()
        );
    }

    #[test]
    fn subscriptions_are_checked() {
        let key = "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
        let body = |endpoint: &str, p256dh: &str, auth: &str| SubscriptionBody {
            endpoint: endpoint.into(),
            _expiration: None,
            keys: Keys {
                p256dh: p256dh.into(),
                auth: auth.into(),
            },
        };
        let auth = "BTBZMqHH6r4Tts7J_aSIgg";
        assert!(check(body("https://push.example/x", key, auth)).is_ok());
        assert!(check(body("http://127.0.0.1:9/x", key, auth)).is_ok());
        assert!(check(body("http://[::1]:9/x", key, auth)).is_ok());
        let refused = |b, field: &str| {
            let p = check(b).expect_err("refused");
            assert!(p.is_for(field), "{p}");
        };
        refused(body("http://push.example/x", key, auth), "endpoint");
        refused(body("ftp://push.example/x", key, auth), "endpoint");
        refused(body("https://push.example/x", "AAAA", auth), "keys.p256dh");
        refused(body("https://push.example/x", key, "AAAA"), "keys.auth");
    }
}
