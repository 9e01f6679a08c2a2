//! Each form is sent once: a double click on "Log as sent" logs one
//! message. Every rendered page stamps its POST forms with a fresh key
//! (`_once`, see `stamp`); `guard` remembers, for a few minutes, each
//! (key, exact body) it has answered with a redirect and answers a second
//! copy with the same redirect and message, running nothing. A copy that
//! arrives while the first is still running waits for its answer. An
//! answer that is not a redirect (a form shown again with its error; then
//! nothing was written) is not kept, so sending again runs again.
//!
//! Server-side on purpose: it holds without JavaScript, on a slow
//! connection and with a browser that resends.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The hidden field every POST form of a page carries.
pub const FIELD: &str = "_once";

/// How long an answer is kept for its copies.
const KEEP: Duration = Duration::from_secs(600);

/// At most this many answers are kept (the oldest go first).
const MAX_KEPT: usize = 4096;

/// How long a copy waits for the first to finish.
const WAIT: Duration = Duration::from_secs(30);

type Key = [u8; 32];

enum Entry {
    Running(Instant),
    Answered {
        at: Instant,
        status: StatusCode,
        headers: Vec<(HeaderName, HeaderValue)>,
    },
}

fn table() -> &'static Mutex<HashMap<Key, Entry>> {
    static TABLE: OnceLock<Mutex<HashMap<Key, Entry>>> = OnceLock::new();
    TABLE.get_or_init(|| Mutex::new(HashMap::new()))
}

/// A fresh key for one page render: 128 random bits, hex.
pub fn fresh_key() -> String {
    use ring::rand::SecureRandom;
    let mut b = [0u8; 16];
    if ring::rand::SystemRandom::new().fill(&mut b).is_err() {
        // No randomness: a time-based key still differs per render.
        let n = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        b = n.to_le_bytes();
    }
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// The page's HTML with `key` in every POST form that posts url-encoded
/// fields (file uploads are left alone). maud escapes `<`, `>` and `"` in
/// every value, so each `<form` and the `>` ending its tag are markup.
pub fn stamp(html: &str, key: &str) -> String {
    let hidden = format!(r#"<input type="hidden" name="{FIELD}" value="{key}">"#);
    let mut out = String::with_capacity(html.len() + 64);
    let mut rest = html;
    while let Some(i) = rest.find("<form") {
        let Some(end) = rest[i..].find('>') else {
            break;
        };
        let tag = &rest[i..i + end + 1];
        out.push_str(&rest[..i + end + 1]);
        if tag.contains(r#"method="post""#) && !tag.contains("multipart") {
            out.push_str(&hidden);
        }
        rest = &rest[i + end + 1..];
    }
    out.push_str(rest);
    out
}

/// The body without the `_once` field, and the key of the whole body.
fn split(body: &[u8]) -> Option<(Vec<u8>, Key)> {
    let text = std::str::from_utf8(body).ok()?;
    let prefix = format!("{FIELD}=");
    if !text.split('&').any(|p| p.starts_with(&prefix)) {
        return None;
    }
    let rest: Vec<&str> = text
        .split('&')
        .filter(|p| !p.starts_with(&prefix))
        .collect();
    let digest = ring::digest::digest(&ring::digest::SHA256, body);
    let mut key = [0u8; 32];
    key.copy_from_slice(digest.as_ref());
    Some((rest.join("&").into_bytes(), key))
}

fn prune(t: &mut HashMap<Key, Entry>, now: Instant) {
    t.retain(|_, e| match e {
        Entry::Running(at) => now.duration_since(*at) < WAIT * 2,
        Entry::Answered { at, .. } => now.duration_since(*at) < KEEP,
    });
    if t.len() >= MAX_KEPT {
        let mut ages: Vec<(Key, Instant)> = t
            .iter()
            .map(|(k, e)| match e {
                Entry::Running(at) | Entry::Answered { at, .. } => (*k, *at),
            })
            .collect();
        ages.sort_by_key(|(_, at)| *at);
        for (k, _) in ages.iter().take(t.len() + 1 - MAX_KEPT) {
            t.remove(k);
        }
    }
}

enum Claim {
    Mine,
    Replay(StatusCode, Vec<(HeaderName, HeaderValue)>),
    Wait,
}

fn claim(key: &Key) -> Claim {
    let Ok(mut t) = table().lock() else {
        return Claim::Mine;
    };
    let now = Instant::now();
    match t.get(key) {
        Some(Entry::Answered {
            status, headers, ..
        }) => Claim::Replay(*status, headers.clone()),
        Some(Entry::Running(_)) => Claim::Wait,
        None => {
            prune(&mut t, now);
            t.insert(*key, Entry::Running(now));
            Claim::Mine
        }
    }
}

fn finish(key: &Key, res: &Response) {
    let Ok(mut t) = table().lock() else {
        return;
    };
    if res.status().is_redirection() {
        let headers = res
            .headers()
            .iter()
            .filter(|(n, _)| **n == header::LOCATION || **n == header::SET_COOKIE)
            .map(|(n, v)| (n.clone(), v.clone()))
            .collect();
        t.insert(
            *key,
            Entry::Answered {
                at: Instant::now(),
                status: res.status(),
                headers,
            },
        );
    } else {
        t.remove(key);
    }
}

fn replay(status: StatusCode, headers: Vec<(HeaderName, HeaderValue)>) -> Response {
    let mut res = status.into_response();
    for (n, v) in headers {
        res.headers_mut().append(n, v);
    }
    res
}

/// The middleware: url-encoded POSTs carrying `_once` run at most once.
pub async fn guard(req: Request, next: Next) -> Response {
    let form = req.method() == Method::POST
        && req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !form {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, crate::wire::BODY_LIMIT_BYTES).await {
        Ok(b) => b,
        Err(_) => return StatusCode::PAYLOAD_TOO_LARGE.into_response(),
    };
    let Some((stripped, key)) = split(&bytes) else {
        return next
            .run(Request::from_parts(parts, Body::from(bytes)))
            .await;
    };
    let deadline = Instant::now() + WAIT;
    loop {
        match claim(&key) {
            Claim::Replay(status, headers) => return replay(status, headers),
            Claim::Wait if Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(25)).await;
            }
            // The first copy is stuck: run this one rather than hang.
            Claim::Wait | Claim::Mine => break,
        }
    }
    let mut parts = parts;
    parts.headers.remove(header::CONTENT_LENGTH);
    let res = next
        .run(Request::from_parts(parts, Body::from(stripped)))
        .await;
    finish(&key, &res);
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_post_forms_only() {
        let html = r#"<form method="get" action="/"></form><form class="inline" method="post" action="/undo"><button>Undo</button></form><form method="post" enctype="multipart/form-data"></form>"#;
        let out = stamp(html, "abc");
        assert_eq!(
            out.matches(r#"name="_once" value="abc""#).count(),
            1,
            "{out}"
        );
        assert!(
            out.contains(
                r#"action="/undo"><input type="hidden" name="_once" value="abc"><button>"#
            ),
            "{out}"
        );
    }

    #[test]
    fn the_field_is_taken_out_and_keys_the_body() {
        let (rest, k1) = split(b"app=a&_once=k&person=m").expect("keyed");
        assert_eq!(rest, b"app=a&person=m");
        let (_, k2) = split(b"app=a&_once=k&person=r").expect("keyed");
        assert_ne!(k1, k2, "two forms of one page are two keys");
        assert!(split(b"app=a").is_none());
    }
}
