//! Data you can trust over real HTTP and a real SQLite file: ETags and
//! `If-Match` (412 on a stale write), `DELETE` for every record, 503 with
//! `Retry-After` on a busy store, the Undo button and Settings' history.

mod common;

use common::*;
use serde_json::json;

fn seeded() -> Server {
    seed(Server::start(Some(NOW)))
}

/// The sample imported into `s`.
fn seed(s: Server) -> Server {
    let r = post_json(&s, "/api/v1/import", &sample());
    assert_eq!(r.status, 200, "{}", r.body);
    s
}

fn send(
    s: &Server,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&serde_json::Value>,
) -> Reply {
    let agent = agent();
    let uri = s.url(path);
    let mut req = ureq::http::Request::builder().method(method).uri(&uri);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let text = body.map(ToString::to_string).unwrap_or_default();
    if body.is_some() {
        req = req.header("content-type", "application/json");
    }
    let mut r = agent.run(req.body(text).expect("request")).expect("HTTP");
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

#[test]
fn writes_answer_an_etag_and_a_stale_if_match_is_412() {
    let s = seeded();
    let first = get(&s, "/api/v1/applications/acme-analyst");
    let etag = first.header("etag").expect("an ETag").to_string();
    assert!(etag.starts_with("\"v"), "{etag}");

    // A write with the current ETag succeeds and answers a new one.
    let r = send(
        &s,
        "PATCH",
        "/api/v1/applications/acme-analyst/people/marie",
        &[("if-match", &etag)],
        Some(&json!({ "title": "Analytics Lead" })),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let fresh = r.header("etag").expect("a new ETag").to_string();
    assert_ne!(fresh, etag);

    // The old ETag is stale now: 412, nothing written.
    let r = send(
        &s,
        "PATCH",
        "/api/v1/applications/acme-analyst/people/marie",
        &[("if-match", &etag)],
        Some(&json!({ "title": "Overwritten" })),
    );
    assert_eq!(r.status, 412, "{}", r.body);
    assert!(
        r.json()["message"]
            .as_str()
            .expect("message")
            .contains("changed meanwhile")
    );
    let marie = get(&s, "/api/v1/applications/acme-analyst/people/marie").json();
    assert_eq!(marie["title"], "Analytics Lead");

    let r = send(
        &s,
        "DELETE",
        "/api/v1/applications/acme-analyst",
        &[("if-match", &etag)],
        None,
    );
    assert_eq!(r.status, 412, "{}", r.body);
    let r = send(
        &s,
        "DELETE",
        "/api/v1/applications/acme-analyst",
        &[("if-match", "nonsense")],
        None,
    );
    assert_eq!(r.status, 412, "{}", r.body);
    let r = send(
        &s,
        "DELETE",
        "/api/v1/applications/acme-analyst",
        &[("if-match", &fresh)],
        None,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(get(&s, "/api/v1/applications/acme-analyst").status, 404);
}

#[test]
fn every_record_can_be_deleted_and_the_delete_undone() {
    let s = Server::start(Some(NOW));
    let mut data = sample();
    data["applications"][0]["interviews"][0]["interviewers"] = json!(["raj"]);
    let r = post_json(&s, "/api/v1/import", &data);
    assert_eq!(r.status, 200, "{}", r.body);
    let r = post_json(
        &s,
        "/api/v1/applications/acme-analyst/news",
        &json!({ "on": "2026-11-19", "text": "Acme opened an office in Lyon" }),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let before = get(&s, "/api/v1/applications/acme-analyst").json();

    let r = send(
        &s,
        "DELETE",
        "/api/v1/applications/acme-analyst/news/2",
        &[],
        None,
    );
    assert_eq!(r.status, 404, "{}", r.body);
    assert!(r.body.contains("no news item number 2"), "{}", r.body);
    let r = send(
        &s,
        "DELETE",
        "/api/v1/applications/acme-analyst/news/1",
        &[],
        None,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        get(&s, "/api/v1/applications/acme-analyst").json()["news"],
        json!([])
    );

    // Raj is on the panel: deleting him needs from_panels.
    let r = send(
        &s,
        "DELETE",
        "/api/v1/applications/acme-analyst/people/raj",
        &[],
        None,
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(r.json()["field"], "from_panels");
    let r = send(
        &s,
        "DELETE",
        "/api/v1/applications/acme-analyst/people/raj?from_panels=true",
        &[],
        None,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let app = get(&s, "/api/v1/applications/acme-analyst").json();
    assert_eq!(app["people"].as_array().map(Vec::len), Some(1));
    assert_eq!(app["interviews"][0]["interviewers"], json!([]));

    // History lists them, newest first, from the API; undo takes back the
    // newest two (Raj, then the news) in one undo; the next undo takes
    // that undo back.
    let after = get(&s, "/api/v1/applications/acme-analyst").json();
    let h = get(&s, "/api/v1/history").json();
    assert_eq!(h["changes"][0]["source"], "api");
    let r = post_json(&s, "/api/v1/undo?count=2", &json!({}));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["undone"].as_array().map(Vec::len), Some(2));
    assert_eq!(get(&s, "/api/v1/applications/acme-analyst").json(), before);
    let r = post_json(&s, "/api/v1/undo", &json!({}));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(get(&s, "/api/v1/applications/acme-analyst").json(), after);
}

#[test]
fn a_busy_store_is_503_with_retry_after() {
    // Another program holds the SQLite file's write lock (PostgreSQL's
    // lock timeout has its own test in crates/store-postgres).
    let s = seed(Server::start_sqlite(Some(NOW)));
    let holder = rusqlite::Connection::open(&s.db).expect("open the store");
    holder
        .execute_batch("BEGIN IMMEDIATE")
        .expect("hold the write lock");
    let r = post_json(
        &s,
        "/api/v1/applications/acme-analyst/news",
        &json!({ "on": "2026-11-19", "text": "Blocked" }),
    );
    assert_eq!(r.status, 503, "{}", r.body);
    assert!(r.header("retry-after").is_some(), "{:?}", r.headers);
    assert!(r.body.contains("could not be used right now"), "{}", r.body);
    holder.execute_batch("ROLLBACK").expect("release");
    let app = get(&s, "/api/v1/applications/acme-analyst").json();
    assert_eq!(app["news"], json!([]));
}

#[test]
fn a_confirmation_carries_an_undo_button_and_settings_list_the_history() {
    let s = seeded();
    let r = post_form(
        &s,
        "/applications/acme-analyst/news",
        &[
            ("on", "2026-11-19"),
            ("text", "Acme opened an office in Lyon"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let cookie = r
        .header("set-cookie")
        .expect("flash")
        .split(';')
        .next()
        .expect("cookie")
        .to_string();
    let page = send(
        &s,
        "GET",
        "/applications/acme-analyst",
        &[("cookie", &cookie)],
        None,
    );
    assert!(page.body.contains(r#"action="/undo""#), "no Undo button");

    let settings = get(&s, "/settings");
    assert!(
        settings.body.contains("History") && settings.body.contains("web"),
        "{}",
        settings.body
    );

    // The button: a same-origin form post. A cross-site one is refused.
    let r = send(
        &s,
        "POST",
        "/undo",
        &[("origin", "http://evil.example")],
        None,
    );
    assert_eq!(r.status, 403, "{}", r.body);
    assert_eq!(
        get(&s, "/api/v1/applications/acme-analyst").json()["news"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    let r = post_form(&s, "/undo", &[]);
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(
        get(&s, "/api/v1/applications/acme-analyst").json()["news"],
        json!([])
    );
}

#[test]
fn any_record_can_be_corrected_with_patch() {
    let s = seeded();
    let r = post_json(
        &s,
        "/api/v1/applications/acme-analyst/news",
        &json!({ "on": "2026-11-19", "text": "Acme opened an ofice in Lyon" }),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let r = patch_json(
        &s,
        "/api/v1/applications/acme-analyst/news/1",
        &json!({ "text": "Acme opened an office in Lyon" }),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["news"][0]["text"], "Acme opened an office in Lyon");
    assert_eq!(r.json()["news"][0]["on"], "2026-11-19");
    let r = patch_json(
        &s,
        "/api/v1/applications/acme-analyst/news/1",
        &json!({ "txet": "x" }),
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(r.json()["field"], "txet");
    let r = patch_json(
        &s,
        "/api/v1/applications/acme-analyst/news/1",
        &json!({ "on": "someday" }),
    );
    assert_eq!(r.status, 422, "{}", r.body);
    let r = patch_json(
        &s,
        "/api/v1/applications/acme-analyst/news/7",
        &json!({ "text": "x" }),
    );
    assert_eq!(r.status, 404, "{}", r.body);
    let app = get(&s, "/api/v1/applications/acme-analyst").json();
    assert_eq!(app["news"][0]["text"], "Acme opened an office in Lyon");
}

#[test]
fn the_pages_delete_any_record_with_undo() {
    let s = Server::start(Some(NOW));
    let mut data = sample();
    data["applications"][0]["interviews"][0]["interviewers"] = json!(["raj"]);
    data["applications"][0]["news"] =
        json!([{ "on": "2026-11-19", "text": "Acme opened an office in Lyon" }]);
    let r = post_json(&s, "/api/v1/import", &data);
    assert_eq!(r.status, 200, "{}", r.body);
    let page = get(&s, "/applications/acme-analyst");
    assert!(
        page.body
            .contains(r#"action="/applications/acme-analyst/delete""#),
        "no Delete buttons"
    );
    assert!(
        page.body
            .contains("Delete (and take them off the interview panels)"),
        "{}",
        page.body
    );

    let r = post_form(
        &s,
        "/applications/acme-analyst/delete",
        &[("what", "news"), ("index", "1")],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(
        get(&s, "/api/v1/applications/acme-analyst").json()["news"],
        json!([])
    );
    let r = post_form(
        &s,
        "/applications/acme-analyst/delete",
        &[
            ("what", "person"),
            ("person", "raj"),
            ("from_panels", "true"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let app = get(&s, "/api/v1/applications/acme-analyst").json();
    assert_eq!(app["people"].as_array().map(Vec::len), Some(1));
    assert_eq!(app["interviews"][0]["interviewers"], json!([]));
    // A bad request deletes nothing and says so.
    let r = post_form(
        &s,
        "/applications/acme-analyst/delete",
        &[("what", "touch"), ("index", "9")],
    );
    assert_eq!(r.status, 303);
    assert!(
        r.header("set-cookie")
            .is_some_and(|c| c.contains("Nothing")),
        "{:?}",
        r.headers
    );

    let r = post_form(&s, "/undo", &[]);
    assert_eq!(r.status, 303, "{}", r.body);
    let app = get(&s, "/api/v1/applications/acme-analyst").json();
    assert_eq!(app["interviews"][0]["interviewers"], json!(["raj"]));
}
