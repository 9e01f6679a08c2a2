//! A real server on 127.0.0.1:0 over a temporary SQLite file (or, with
//! `DEBRIEF_TEST_BACKEND=postgres`, a fresh PostgreSQL database of its
//! own), and a small HTTP client that never follows redirects and never
//! treats 4xx as errors.

#![allow(dead_code)]

pub mod browser;
pub mod hosted;

use std::net::SocketAddr;
use std::path::PathBuf;

use debrief_app::{BoxStore, Location};
use debrief_web::AppState;

pub const NOW: &str = "2026-11-20T15:00:00-06:00";

pub struct Server {
    pub addr: SocketAddr,
    /// The SQLite file, when the store is one (see [`Server::location`]).
    pub db: PathBuf,
    pub location: Location,
    _dir: tempfile::TempDir,
    _runtime: tokio::runtime::Runtime,
    _database: Option<debrief_testkit::pg::TestDatabase>,
}

impl Server {
    /// No mail settings, whatever this machine's environment holds.
    pub fn start(now: Option<&str>) -> Server {
        Server::start_with_mail(now, debrief_mail::Sources::none())
    }

    /// With these mail settings (as `DEBRIEF_SMTP_URL`… would give).
    pub fn start_with_mail(now: Option<&str>, mail: debrief_mail::Sources) -> Server {
        Server::start_on(now, mail, debrief_testkit::pg::on_postgres())
    }

    /// On a SQLite file whatever the suite runs on: for tests of the file.
    pub fn start_sqlite(now: Option<&str>) -> Server {
        Server::start_on(now, debrief_mail::Sources::none(), false)
    }

    fn start_on(now: Option<&str>, mail: debrief_mail::Sources, postgres: bool) -> Server {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("debrief.db");
        let database = postgres.then(debrief_testkit::pg::TestDatabase::new);
        let location = match &database {
            Some(d) => Location::Database(d.url().to_string()),
            None => Location::File(db.clone()),
        };
        let state = AppState::open_at(&location, now.map(str::to_string), mail).expect("store");
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        runtime.spawn(async move {
            let _ = axum::serve(listener, debrief_web::router(state, true)).await;
        });
        Server {
            addr,
            db,
            location,
            _dir: dir,
            _runtime: runtime,
            _database: database,
        }
    }

    /// A handle of its own on the server's store, to look behind the API.
    pub fn store(&self) -> BoxStore {
        debrief_app::open(&self.location, false).expect("open the server's store")
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into()
}

pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

fn reply(mut r: ureq::http::Response<ureq::Body>) -> Reply {
    let status = r.status().as_u16();
    let headers = r
        .headers()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
        .collect();
    let body = r.body_mut().read_to_string().unwrap_or_default();
    Reply {
        status,
        headers,
        body,
    }
}

pub fn get(s: &Server, path: &str) -> Reply {
    reply(agent().get(&s.url(path)).call().expect("GET"))
}

pub fn post_json(s: &Server, path: &str, body: &serde_json::Value) -> Reply {
    post_raw(s, path, &body.to_string())
}

pub fn post_raw(s: &Server, path: &str, body: &str) -> Reply {
    reply(
        agent()
            .post(&s.url(path))
            .header("content-type", "application/json")
            .send(body)
            .expect("POST"),
    )
}

pub fn put_json(s: &Server, path: &str, body: &serde_json::Value) -> Reply {
    reply(
        agent()
            .put(&s.url(path))
            .header("content-type", "application/json")
            .send(body.to_string())
            .expect("PUT"),
    )
}

/// A browser-like form post from our own origin.
pub fn post_form(s: &Server, path: &str, fields: &[(&str, &str)]) -> Reply {
    reply(
        agent()
            .post(&s.url(path))
            .header("origin", format!("http://{}", s.addr))
            .send_form(fields.iter().copied())
            .expect("POST form"),
    )
}

/// Sam's store: a panel interview at Acme that ended at 11:30 today.
pub fn sample() -> serde_json::Value {
    serde_json::json!({
        "format": "debrief/1",
        "profile": { "name": "Sam Rivera", "timezone": "America/Chicago",
                     "holidays": { "calendar": "US", "extra": [] }, "policy": "conservative" },
        "applications": [{
            "id": "acme-analyst", "company": "Acme Corp", "role": "Data Analyst",
            "stage": "interviewing",
            "people": [
                { "id": "marie", "name": "Marie Dubois", "kind": "interviewer", "email": "marie@acme.example" },
                { "id": "raj", "name": "Raj Patel", "kind": "interviewer" }
            ],
            "interviews": [{ "id": "acme-panel", "start": "2026-11-20T10:00:00-06:00", "minutes": 90,
                             "format": "in-person", "status": "scheduled", "interviewers": [] }]
        }]
    })
}

/// Hostile text for every field: markup and script that must show as text.
pub const HOSTILE: &str = "<script>window.pwned=1</script><img src=x onerror=alert(1)>\"'&";

pub fn patch_json(s: &Server, path: &str, body: &serde_json::Value) -> Reply {
    reply(
        agent()
            .patch(&s.url(path))
            .header("content-type", "application/json")
            .send(body.to_string())
            .expect("PATCH"),
    )
}

/// A GET with extra headers; the body is kept as raw bytes.
pub fn get_raw(
    s: &Server,
    path: &str,
    headers: &[(&str, &str)],
) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let mut req = agent().get(&s.url(path));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let mut r = req.call().expect("GET");
    let status = r.status().as_u16();
    let hs = r
        .headers()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
        .collect();
    let body = r
        .body_mut()
        .with_config()
        .limit(64 << 20)
        .read_to_vec()
        .unwrap_or_default();
    (status, hs, body)
}

pub fn header<'a>(hs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    hs.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// A POST of raw bytes (an .ics or CSV upload to the API).
pub fn post_bytes(s: &Server, path: &str, content_type: &str, body: &[u8]) -> Reply {
    reply(
        agent()
            .post(&s.url(path))
            .header("content-type", content_type)
            .send(body)
            .expect("POST"),
    )
}

/// A browser-like multipart form post from our own origin: text fields,
/// and a file as (field, file name, bytes).
pub fn post_multipart(
    s: &Server,
    path: &str,
    fields: &[(&str, &str)],
    file: Option<(&str, &str, &[u8])>,
) -> Reply {
    let boundary = "----debrief-test-boundary-7MA4YWxkTrZu0gW";
    let mut body: Vec<u8> = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    if let Some((name, file_name, bytes)) = file {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    reply(
        agent()
            .post(&s.url(path))
            .header("origin", format!("http://{}", s.addr))
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .send(&body[..])
            .expect("POST multipart"),
    )
}

/// The message a redirect leaves for the next page (the flash cookie).
pub fn flash(r: &Reply) -> Option<(String, String)> {
    let cookie = r
        .headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("set-cookie"))
        .find_map(|(_, v)| v.strip_prefix("debrief_flash="))?;
    let value = cookie.split(';').next()?;
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(value).ok()?;
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    Some((get("k")?, get("m")?))
}
