//! The daily digest as Web Push, end to end: a real server on a real
//! SQLite file with its digest scheduler running, and a push service
//! written here on a loopback port that receives the POST, checks the
//! VAPID JWT's signature against the server's public key (RFC 8292) and
//! decrypts the body with the subscription's private key (RFC 8291), as a
//! browser's push service and the browser would. The decryption is this
//! file's own (HKDF through `ring::hkdf`), not the server's code.
//!
//! A browser's own push service (Google's, Mozilla's) cannot be reached
//! from here; `browser.rs` checks that Chromium registers the manifest and
//! the service worker.

mod common;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use ring::agreement;
use ring::rand::{SecureRandom, SystemRandom};
use serde_json::{Value, json};

/// One POST the push service received.
#[derive(Debug, Clone)]
struct Received {
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Received {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

type Inbox = Arc<Mutex<mpsc::Sender<Received>>>;

async fn receive(
    State(inbox): State<Inbox>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> StatusCode {
    let r = Received {
        path: format!("/push/{id}"),
        headers: headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
            .collect(),
        body: body.to_vec(),
    };
    if let Ok(tx) = inbox.lock() {
        let _ = tx.send(r);
    }
    // A browser that unsubscribed: the push service says it is gone.
    if id == "gone" {
        StatusCode::GONE
    } else {
        StatusCode::CREATED
    }
}

/// Debrief with its digest scheduler, and the push service, on loopback.
struct World {
    debrief: SocketAddr,
    push: SocketAddr,
    inbox: mpsc::Receiver<Received>,
    dir: tempfile::TempDir,
    _runtime: tokio::runtime::Runtime,
}

fn start(now: &str) -> World {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("debrief.db");
    let state = debrief_web::AppState::open_with_mail(
        &db,
        Some(now.to_string()),
        debrief_mail::Sources::none(),
    )
    .expect("store");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let (tx, inbox) = mpsc::channel();
    let push_app = axum::Router::new()
        .route("/push/{id}", axum::routing::post(receive))
        .with_state(Arc::new(Mutex::new(tx)));
    let (debrief, push) = runtime.block_on(async {
        let a = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let b = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addrs = (a.local_addr().expect("addr"), b.local_addr().expect("addr"));
        // The scheduler `debrief serve` runs, checking often so the test
        // is quick.
        debrief_web::push::start(state.clone(), Duration::from_millis(100));
        tokio::spawn(async move {
            let _ = axum::serve(a, debrief_web::router(state, true)).await;
        });
        tokio::spawn(async move {
            let _ = axum::serve(b, push_app).await;
        });
        addrs
    });
    World {
        debrief,
        push,
        inbox,
        dir,
        _runtime: runtime,
    }
}

impl World {
    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.debrief)
    }

    fn send(&self, method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
        let agent = common::agent();
        let url = self.url(path);
        let r = match (method, body) {
            ("GET", _) => agent.get(&url).call(),
            ("POST", Some(b)) => agent
                .post(&url)
                .header("content-type", "application/json")
                .send(b.to_string()),
            ("POST", None) => agent.post(&url).send_empty(),
            ("PUT", Some(b)) => agent
                .put(&url)
                .header("content-type", "application/json")
                .send(b.to_string()),
            ("DELETE", Some(b)) => agent
                .delete(&url)
                .force_send_body()
                .header("content-type", "application/json")
                .send(b.to_string()),
            _ => panic!("{method} {path}"),
        };
        let mut r = r.expect("request");
        let status = r.status().as_u16();
        let text = r.body_mut().read_to_string().unwrap_or_default();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// The next push the service receives within about `within`, counted
    /// in short sleeps rather than against a deadline: under libfaketime
    /// (CI's far-future run) a futex wait with an absolute monotonic
    /// deadline never ends, and here nothing arriving is a good outcome.
    fn next_push(&self, within: Duration) -> Option<Received> {
        const STEP: Duration = Duration::from_millis(20);
        let mut waited = Duration::ZERO;
        loop {
            match self.inbox.try_recv() {
                Ok(r) => return Some(r),
                Err(mpsc::TryRecvError::Disconnected) => return None,
                Err(mpsc::TryRecvError::Empty) if waited >= within => return None,
                Err(mpsc::TryRecvError::Empty) => {
                    std::thread::sleep(STEP);
                    waited += STEP;
                }
            }
        }
    }
}

/// A browser's side of a subscription: its ECDH key and auth secret.
struct Browser {
    private: agreement::EphemeralPrivateKey,
    public: Vec<u8>,
    auth: [u8; 16],
}

impl Browser {
    fn new() -> Browser {
        let rng = SystemRandom::new();
        let private =
            agreement::EphemeralPrivateKey::generate(&agreement::ECDH_P256, &rng).expect("key");
        let public = private
            .compute_public_key()
            .expect("public")
            .as_ref()
            .to_vec();
        let mut auth = [0u8; 16];
        rng.fill(&mut auth).expect("random");
        Browser {
            private,
            public,
            auth,
        }
    }

    fn subscription(&self, endpoint: &str) -> Value {
        json!({
            "endpoint": endpoint,
            "expirationTime": null,
            "keys": { "p256dh": B64.encode(&self.public), "auth": B64.encode(self.auth) }
        })
    }

    /// RFC 8291 §3.4 from the receiving end (one use: the key is spent).
    fn decrypt(self, body: &[u8]) -> Vec<u8> {
        assert!(body.len() > 86 + 17, "body too short: {}", body.len());
        let salt = &body[..16];
        let rs = u32::from_be_bytes([body[16], body[17], body[18], body[19]]);
        assert_eq!(rs, 4096, "record size");
        let id_len = usize::from(body[20]);
        assert_eq!(id_len, 65, "the key id is the sender's public key");
        let as_public = &body[21..21 + id_len];
        let ciphertext = &body[21 + id_len..];
        assert!(
            ciphertext.len() <= rs as usize,
            "one record: {}",
            ciphertext.len()
        );
        let peer = agreement::UnparsedPublicKey::new(&agreement::ECDH_P256, as_public);
        let ecdh = agreement::agree_ephemeral(self.private, &peer, |s| s.to_vec()).expect("ecdh");
        struct Len(usize);
        impl ring::hkdf::KeyType for Len {
            fn len(&self) -> usize {
                self.0
            }
        }
        let expand = |prk: &ring::hkdf::Prk, info: &[u8], n: usize| {
            let mut out = vec![0u8; n];
            prk.expand(&[info], Len(n))
                .expect("expand")
                .fill(&mut out)
                .expect("fill");
            out
        };
        let prk_key = ring::hkdf::Salt::new(ring::hkdf::HKDF_SHA256, &self.auth).extract(&ecdh);
        let mut key_info = b"WebPush: info\0".to_vec();
        key_info.extend_from_slice(&self.public);
        key_info.extend_from_slice(as_public);
        let ikm = expand(&prk_key, &key_info, 32);
        let prk = ring::hkdf::Salt::new(ring::hkdf::HKDF_SHA256, salt).extract(&ikm);
        let cek = expand(&prk, b"Content-Encoding: aes128gcm\0", 16);
        let nonce = expand(&prk, b"Content-Encoding: nonce\0", 12);
        let key = ring::aead::LessSafeKey::new(
            ring::aead::UnboundKey::new(&ring::aead::AES_128_GCM, &cek).expect("aes key"),
        );
        let mut data = ciphertext.to_vec();
        let plain = key
            .open_in_place(
                ring::aead::Nonce::try_assume_unique_for_key(&nonce).expect("nonce"),
                ring::aead::Aad::empty(),
                &mut data,
            )
            .expect("the body decrypts with the subscription's key");
        assert_eq!(plain.last(), Some(&2), "the last record's delimiter");
        plain[..plain.len() - 1].to_vec()
    }
}

/// Checks `Authorization: vapid t=<JWT>, k=<key>` (RFC 8292): the key is
/// the server's public key and signs the JWT, which is for the push
/// service's origin and expires within a day.
fn check_vapid(r: &Received, server_key: &str, push_origin: &str) -> Value {
    let auth = r.header("authorization").expect("Authorization header");
    let rest = auth.strip_prefix("vapid ").expect("vapid scheme");
    let mut t = None;
    let mut k = None;
    for part in rest.split(',') {
        let part = part.trim();
        if let Some(v) = part.strip_prefix("t=") {
            t = Some(v);
        }
        if let Some(v) = part.strip_prefix("k=") {
            k = Some(v);
        }
    }
    let (t, k) = (t.expect("t="), k.expect("k="));
    assert_eq!(k, server_key, "k is the key the browser subscribed with");
    let pieces: Vec<&str> = t.split('.').collect();
    assert_eq!(pieces.len(), 3, "a JWS: {t}");
    let header: Value =
        serde_json::from_slice(&B64.decode(pieces[0]).expect("b64")).expect("header JSON");
    assert_eq!(header["alg"], "ES256");
    let claims: Value =
        serde_json::from_slice(&B64.decode(pieces[1]).expect("b64")).expect("claims JSON");
    assert_eq!(claims["aud"], push_origin);
    assert!(claims["exp"].is_i64(), "{claims}");
    let signature = B64.decode(pieces[2]).expect("b64");
    assert_eq!(signature.len(), 64, "ES256: r and s");
    let key = B64.decode(k).expect("b64");
    ring::signature::UnparsedPublicKey::new(&ring::signature::ECDSA_P256_SHA256_FIXED, &key)
        .verify(
            format!("{}.{}", pieces[0], pieces[1]).as_bytes(),
            &signature,
        )
        .expect("the JWT is signed by the server's VAPID key");
    // A wrong message does not verify (the check can fail).
    assert!(
        ring::signature::UnparsedPublicKey::new(&ring::signature::ECDSA_P256_SHA256_FIXED, &key)
            .verify(b"something else", &signature)
            .is_err()
    );
    claims
}

/// Sam's Acme application after Friday's panel (10:00–11:30, Chicago),
/// debriefed: Marie and Raj interviewed, Dana at the desk, a slip-up.
const ACME: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../cli/tests/fixtures/acme.json"
);

fn set_up(w: &World) -> String {
    let data: Value =
        serde_json::from_str(&std::fs::read_to_string(ACME).expect("fixture")).expect("JSON");
    let (status, answer) = w.send("POST", "/api/v1/import", Some(&data));
    assert_eq!(status, 200, "{answer}");
    let (status, key) = w.send("GET", "/api/v1/push/key", None);
    assert_eq!(status, 200, "{key}");
    let key = key["public_key"].as_str().expect("public_key").to_string();
    assert_eq!(B64.decode(&key).expect("b64").len(), 65);
    // Made once per store: asked again, the same key.
    assert_eq!(w.send("GET", "/api/v1/push/key", None).1["public_key"], key);
    key
}

#[test]
fn the_daily_digest_arrives_encrypted_and_signed_once_a_day() {
    // Saturday 09:00 in Chicago: the thank-yous for Friday's panel are due
    // at 11:30 today.
    let w = start("2026-11-21T09:00:00-06:00");
    let server_key = set_up(&w);
    let push_origin = format!("http://{}", w.push);
    let browser = Browser::new();
    let (status, answer) = w.send(
        "POST",
        "/api/v1/push/subscriptions",
        Some(&browser.subscription(&format!("{push_origin}/push/alice"))),
    );
    assert_eq!(status, 201, "{answer}");
    assert_eq!(answer["subscribed"], 1);

    // Subscribed but the digest is off: nothing is sent.
    assert!(w.next_push(Duration::from_millis(600)).is_none());

    // Turned on for 10:00: not yet (it is 09:00).
    let (status, d) = w.send(
        "PUT",
        "/api/v1/settings/digest",
        Some(&json!({"enabled": true, "at": "10:00"})),
    );
    assert_eq!(status, 200, "{d}");
    assert!(w.next_push(Duration::from_millis(600)).is_none());

    // For 08:30: due, sent once.
    let (status, d) = w.send(
        "PUT",
        "/api/v1/settings/digest",
        Some(&json!({"enabled": true, "at": "8:30"})),
    );
    assert_eq!(status, 200, "{d}");
    assert_eq!(d["at"], "08:30");
    let r = w
        .next_push(Duration::from_secs(15))
        .expect("the digest reached the push service");
    assert_eq!(r.path, "/push/alice");
    assert_eq!(r.header("content-encoding"), Some("aes128gcm"));
    assert_eq!(r.header("ttl"), Some("86400"));
    check_vapid(&r, &server_key, &push_origin);
    let plain = browser.decrypt(&r.body);
    let message: Value = serde_json::from_slice(&plain).expect("the digest is JSON");
    assert_eq!(
        message["title"], "Debrief: 4 follow-ups due today",
        "{message}"
    );
    let body = message["body"].as_str().expect("body");
    assert!(
        body.contains("Thank Marie Dubois · Acme Corp · due 11:30"),
        "{body}"
    );
    assert!(body.contains("Thank Raj Patel · Acme Corp"), "{body}");
    assert!(body.contains("Thank Dana Lee too"), "{body}");
    // Not due today: the congratulations open later.
    assert!(!body.contains("Congratulate"), "{body}");
    assert_eq!(message["url"], "/");

    // Once a day: the scheduler keeps checking and sends nothing more.
    assert!(
        w.next_push(Duration::from_millis(800)).is_none(),
        "sent twice in a day"
    );

    // A browser whose subscription the push service says is gone (410)
    // is forgotten after the next send.
    let gone = Browser::new();
    let (status, _) = w.send(
        "POST",
        "/api/v1/push/subscriptions",
        Some(&gone.subscription(&format!("{push_origin}/push/gone"))),
    );
    assert_eq!(status, 201);
    let (status, sent) = w.send("POST", "/api/v1/push/test", None);
    assert_eq!(status, 200, "{sent}");
    assert_eq!(sent["delivered"], 1, "{sent}");
    assert_eq!(sent["forgotten"], 1, "{sent}");
    let mut paths = vec![
        w.next_push(Duration::from_secs(5)).expect("push").path,
        w.next_push(Duration::from_secs(5)).expect("push").path,
    ];
    paths.sort();
    assert_eq!(paths, ["/push/alice", "/push/gone"]);

    // Unsubscribed: nothing is sent any more.
    let (status, answer) = w.send(
        "DELETE",
        "/api/v1/push/subscriptions",
        Some(&json!({ "endpoint": format!("{push_origin}/push/alice") })),
    );
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer, json!({"removed": true, "subscribed": 0}));
    let (status, refused) = w.send("POST", "/api/v1/push/test", None);
    assert_eq!(status, 422, "{refused}");
}

#[test]
fn overdue_thank_yous_are_in_the_digest() {
    // Monday: the thank-yous were due on Saturday.
    let w = start("2026-11-23T09:00:00-06:00");
    let server_key = set_up(&w);
    let push_origin = format!("http://{}", w.push);
    let browser = Browser::new();
    w.send(
        "POST",
        "/api/v1/push/subscriptions",
        Some(&browser.subscription(&format!("{push_origin}/push/bob"))),
    );
    w.send(
        "PUT",
        "/api/v1/settings/digest",
        Some(&json!({"enabled": true, "at": "07:00"})),
    );
    let r = w.next_push(Duration::from_secs(15)).expect("digest");
    check_vapid(&r, &server_key, &push_origin);
    let message: Value = serde_json::from_slice(&browser.decrypt(&r.body)).expect("JSON");
    let body = message["body"].as_str().expect("body");
    assert!(
        body.contains("Overdue: Thank Marie Dubois · Acme Corp · was due Sat 21 Nov, 11:30"),
        "{body}"
    );
    assert!(
        message["title"]
            .as_str()
            .is_some_and(|t| t.contains("overdue")),
        "{message}"
    );
}

#[test]
fn bad_subscriptions_and_times_are_refused_with_the_field_named() {
    let w = start("2026-11-21T09:00:00-06:00");
    let browser = Browser::new();
    let mut sub = browser.subscription("http://push.example/x");
    let (status, p) = w.send("POST", "/api/v1/push/subscriptions", Some(&sub));
    assert_eq!(status, 422, "{p}");
    assert_eq!(p["field"], "endpoint");
    sub["endpoint"] = json!("https://push.example/x");
    sub["keys"]["p256dh"] = json!("AAAA");
    let (status, p) = w.send("POST", "/api/v1/push/subscriptions", Some(&sub));
    assert_eq!(status, 422, "{p}");
    assert_eq!(p["field"], "keys.p256dh");
    let (status, p) = w.send(
        "PUT",
        "/api/v1/settings/digest",
        Some(&json!({"enabled": true, "at": "25:00"})),
    );
    assert_eq!(status, 422, "{p}");
    assert_eq!(p["field"], "at");
    // Nothing was stored.
    let (_, d) = w.send("GET", "/api/v1/settings/digest", None);
    // The API document lists the endpoints.
    let (_, o) = w.send("GET", "/api/v1/openapi.json", None);
    for path in [
        "/api/v1/settings/digest",
        "/api/v1/push/key",
        "/api/v1/push/subscriptions",
        "/api/v1/push/test",
    ] {
        assert!(o["paths"].get(path).is_some(), "{path}");
    }
    assert_eq!(d, json!({"enabled": false, "at": "08:00"}));
    // The settings page shows the section, and the form works without
    // JavaScript.
    let r = common::agent()
        .post(&w.url("/settings/digest"))
        .header("origin", format!("http://{}", w.debrief))
        .send_form([("enabled", "true"), ("at", "07:45")])
        .expect("POST form");
    assert_eq!(r.status().as_u16(), 303);
    let (_, d) = w.send("GET", "/api/v1/settings/digest", None);
    assert_eq!(d, json!({"enabled": true, "at": "07:45"}));
    let page = common::agent()
        .get(&w.url("/settings"))
        .call()
        .expect("GET")
        .body_mut()
        .read_to_string()
        .expect("page");
    assert!(page.contains("Daily digest"), "{page}");
    assert!(page.contains(r#"value="07:45""#), "{page}");
    // The private key never leaves the server.
    set_up(&w);
    let db = rusqlite::Connection::open(w.dir.path().join("debrief.db")).expect("open");
    let private: String = db
        .query_row(
            "SELECT value FROM settings WHERE key = 'push_vapid'",
            [],
            |r| r.get(0),
        )
        .expect("the key is kept in the store's settings");
    assert!(private.len() > 100, "a PKCS#8 document");
    for path in ["/api/v1/push/key", "/settings", "/export.json"] {
        let text = common::agent()
            .get(&w.url(path))
            .call()
            .expect("GET")
            .body_mut()
            .read_to_string()
            .expect("text");
        assert!(!text.contains(&private[..40]), "{path}");
    }
}
