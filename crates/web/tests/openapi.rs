//! The OpenAPI document against the real server: every documented route
//! is called on a server over a real SQLite file, and every JSON answer is
//! checked against the schema the document gives for its status. The
//! checked-in copy (`assets/openapi.json`) must be the generated one.

mod common;

use std::collections::BTreeSet;

use common::*;
use serde_json::{Value, json};

const REGENERATE: &str = "DEBRIEF_WRITE_OPENAPI=1 cargo test -p debrief-web --test openapi";

fn document(s: &Server) -> Value {
    let r = get(s, "/api/v1/openapi.json");
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("application/json"));
    r.json()
}

#[test]
fn the_checked_in_document_is_the_generated_one() {
    let s = Server::start(Some(NOW));
    let served = get(&s, "/api/v1/openapi.json").body;
    let path = format!("{}/assets/openapi.json", env!("CARGO_MANIFEST_DIR"));
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    if served != checked_in {
        if std::env::var_os("DEBRIEF_WRITE_OPENAPI").is_some() {
            std::fs::write(&path, &served).expect("write assets/openapi.json");
            return;
        }
        panic!(
            "{path} is not the document the server generates; regenerate it with\n  {REGENERATE}"
        );
    }
}

#[test]
fn every_reference_in_the_document_resolves() {
    let s = Server::start(Some(NOW));
    let doc = document(&s);
    assert_eq!(doc["openapi"], "3.1.0");
    let mut refs = BTreeSet::new();
    collect_refs(&doc, &mut refs);
    assert!(refs.len() > 20, "{refs:?}");
    for r in refs {
        assert!(resolve(&doc, &r).is_some(), "{r} does not resolve");
    }
    // The types' schemas are there, with their wire names.
    let schemas = &doc["components"]["schemas"];
    for name in [
        "Application",
        "Person",
        "Interview",
        "Touch",
        "Moment",
        "Rule",
        "Stats",
    ] {
        assert!(schemas.get(name).is_some(), "{name}");
    }
    assert_eq!(
        schemas["TouchKind"]["enum"][0], "thank-you",
        "{}",
        schemas["TouchKind"]
    );
}

fn collect_refs(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(r)) = m.get("$ref") {
                out.insert(r.clone());
            }
            m.values().for_each(|v| collect_refs(v, out));
        }
        Value::Array(a) => a.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

fn resolve<'a>(doc: &'a Value, r: &str) -> Option<&'a Value> {
    doc.pointer(r.strip_prefix('#')?)
}

// ------------------------------------------------------------ the checker

/// Checks `v` against `schema` (the JSON Schema 2020-12 subset the document
/// uses). A keyword it does not know fails the test, so no part of a
/// schema is silently left unchecked.
fn check(doc: &Value, schema: &Value, v: &Value, at: &str) -> Result<(), String> {
    let s = match schema {
        Value::Bool(true) => return Ok(()),
        Value::Bool(false) => return Err(format!("{at}: nothing is allowed here")),
        Value::Object(s) => s,
        _ => return Err(format!("{at}: the schema is not an object: {schema}")),
    };
    for (k, want) in s {
        match k.as_str() {
            // Annotations.
            "description" | "title" | "format" | "default" | "examples" | "deprecated" => {}
            "$ref" => {
                let r = want.as_str().unwrap_or("");
                let target = resolve(doc, r).ok_or(format!("{at}: {r} does not resolve"))?;
                check(doc, target, v, at)?;
            }
            "type" => {
                let types: Vec<&str> = match want {
                    Value::String(t) => vec![t.as_str()],
                    Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
                    _ => return Err(format!("{at}: bad type {want}")),
                };
                if !types.iter().any(|t| is_type(v, t)) {
                    return Err(format!("{at}: {v} is not of type {want}"));
                }
            }
            "enum" => {
                let choices = want.as_array().ok_or(format!("{at}: bad enum"))?;
                if !choices.contains(v) {
                    return Err(format!("{at}: {v} is not one of {want}"));
                }
            }
            "const" => {
                if v != want {
                    return Err(format!("{at}: {v} is not {want}"));
                }
            }
            "properties" => {
                if let (Some(props), Some(obj)) = (want.as_object(), v.as_object()) {
                    for (name, sub) in props {
                        if let Some(x) = obj.get(name) {
                            check(doc, sub, x, &format!("{at}.{name}"))?;
                        }
                    }
                    // Stricter than JSON Schema: an answer names no field
                    // its schema does not list, so a field added to a type
                    // without the document knowing fails here.
                    if !s.contains_key("additionalProperties")
                        && let Some(name) = obj.keys().find(|k| !props.contains_key(*k))
                    {
                        return Err(format!("{at}: `{name}` is not documented"));
                    }
                }
            }
            "required" => {
                if let Some(obj) = v.as_object() {
                    for name in want
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                    {
                        if !obj.contains_key(name) {
                            return Err(format!("{at}: `{name}` is missing from {v}"));
                        }
                    }
                }
            }
            "additionalProperties" => {
                if let Some(obj) = v.as_object() {
                    let known = s.get("properties").and_then(Value::as_object);
                    for (name, x) in obj {
                        if known.is_some_and(|p| p.contains_key(name)) {
                            continue;
                        }
                        check(doc, want, x, &format!("{at}.{name}"))
                            .map_err(|e| format!("{e} (`{name}` is not documented)"))?;
                    }
                }
            }
            "items" => {
                if let Some(items) = v.as_array() {
                    for (i, x) in items.iter().enumerate() {
                        check(doc, want, x, &format!("{at}[{i}]"))?;
                    }
                }
            }
            "anyOf" | "oneOf" => {
                let subs = want.as_array().ok_or(format!("{at}: bad {k}"))?;
                let fits: Vec<Result<(), String>> =
                    subs.iter().map(|sub| check(doc, sub, v, at)).collect();
                let n = fits.iter().filter(|f| f.is_ok()).count();
                if n == 0 || (k == "oneOf" && n > 1) {
                    return Err(format!("{at}: {v} fits {n} of the {k} {fits:?}"));
                }
            }
            "allOf" => {
                for sub in want.as_array().into_iter().flatten() {
                    check(doc, sub, v, at)?;
                }
            }
            "minimum" | "maximum" => {
                if let (Some(x), Some(bound)) = (v.as_f64(), want.as_f64()) {
                    let ok = if k == "minimum" {
                        x >= bound
                    } else {
                        x <= bound
                    };
                    if !ok {
                        return Err(format!("{at}: {x} is past the {k} {bound}"));
                    }
                }
            }
            "maxLength" | "minLength" => {
                if let (Some(x), Some(n)) = (v.as_str(), want.as_u64()) {
                    let len = x.chars().count() as u64;
                    if (k == "maxLength" && len > n) || (k == "minLength" && len < n) {
                        return Err(format!("{at}: {len} characters, {k} {n}"));
                    }
                }
            }
            "pattern" if want == "^[0-9]{1,2}:[0-9]{2}$" => {
                if let Some(x) = v.as_str() {
                    let (h, m) = x.split_once(':').unwrap_or(("", ""));
                    let digits = |t: &str| t.chars().all(|c| c.is_ascii_digit());
                    if !((1..=2).contains(&h.len()) && m.len() == 2 && digits(h) && digits(m)) {
                        return Err(format!("{at}: {x} does not match {want}"));
                    }
                }
            }
            other => return Err(format!("{at}: the checker does not know `{other}`")),
        }
    }
    Ok(())
}

fn is_type(v: &Value, t: &str) -> bool {
    match t {
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "boolean" => v.is_boolean(),
        "null" => v.is_null(),
        "number" => v.is_number(),
        "integer" => v.is_i64() || v.is_u64(),
        _ => false,
    }
}

#[test]
fn the_checker_refuses_what_a_schema_forbids() {
    let doc = json!({ "components": { "schemas": { "K": { "enum": ["a", "b"] } } } });
    let s = json!({
        "type": "object", "additionalProperties": false, "required": ["k"],
        "properties": {
            "k": { "$ref": "#/components/schemas/K" },
            "n": { "type": ["integer", "null"], "minimum": 0 },
            "l": { "type": "array", "items": { "type": "string" } },
        }
    });
    assert_eq!(
        check(&doc, &s, &json!({ "k": "a", "n": null, "l": ["x"] }), "$"),
        Ok(())
    );
    for bad in [
        json!({ "n": 1 }),
        json!({ "k": "c" }),
        json!({ "k": "a", "n": -1 }),
        json!({ "k": "a", "n": 1.5 }),
        json!({ "k": "a", "l": [1] }),
        json!({ "k": "a", "extra": true }),
        json!([]),
    ] {
        assert!(check(&doc, &s, &bad, "$").is_err(), "{bad}");
    }
    // A schema that lists properties lists them all.
    let open = json!({ "type": "object", "properties": { "a": { "type": "string" } } });
    assert_eq!(check(&doc, &open, &json!({ "a": "x" }), "$"), Ok(()));
    for bad in [json!({ "a": "x", "b": 1 }), json!({ "a": 1 })] {
        assert!(check(&doc, &s, &bad, "$").is_err(), "{bad}");
    }
    assert!(check(&doc, &json!({ "patternProperties": {} }), &json!({}), "$").is_err());
}

// ------------------------------------------------------- the real server

struct Call {
    method: &'static str,
    /// The documented path, with its `{parameters}`.
    route: &'static str,
    /// The path called (and its query).
    path: String,
    body: Option<(&'static str, Vec<u8>)>,
    status: u16,
    /// The bearer token sent (hosted mode).
    token: Option<String>,
}

fn call(method: &'static str, route: &'static str, path: &str, status: u16) -> Call {
    Call {
        method,
        route,
        path: path.to_string(),
        body: None,
        status,
        token: None,
    }
}

impl Call {
    fn json(mut self, v: Value) -> Call {
        self.body = Some(("application/json", v.to_string().into_bytes()));
        self
    }

    fn bytes(mut self, content_type: &'static str, body: &[u8]) -> Call {
        self.body = Some((content_type, body.to_vec()));
        self
    }

    fn by(mut self, token: &str) -> Call {
        self.token = Some(token.to_string());
        self
    }
}

/// The path an operation's route is at: under `/api/v1` but for the
/// health checks.
fn full_path(path: &str) -> String {
    if path.starts_with("/healthz") || path.starts_with("/readyz") {
        path.to_string()
    } else {
        format!("/api/v1{path}")
    }
}

fn send(s: &Server, c: &Call) -> Reply {
    send_to(s.addr, c)
}

fn send_to(addr: std::net::SocketAddr, c: &Call) -> Reply {
    let url = format!("http://{addr}{}", full_path(&c.path));
    let mut r = ureq::http::Request::builder()
        .method(c.method)
        .uri(&url)
        .header("origin", format!("http://{addr}"));
    if let Some((ct, _)) = &c.body {
        r = r.header("content-type", *ct);
    }
    if let Some(t) = &c.token {
        r = r.header("authorization", format!("Bearer {t}"));
    }
    let req = r
        .body(c.body.as_ref().map(|(_, b)| b.clone()).unwrap_or_default())
        .expect("request");
    let mut answer = agent().run(req).expect("call");
    let status = answer.status().as_u16();
    let headers = answer
        .headers()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
        .collect();
    let body = answer.body_mut().read_to_string().unwrap_or_default();
    Reply {
        status,
        headers,
        body,
    }
}

/// Checks one answer against the document: its status is documented for
/// the route, and a JSON answer fits the status's schema.
fn check_answer(doc: &Value, c: &Call, r: &Reply) -> Result<(), String> {
    let what = format!("{} {} ({})", c.method, c.path, r.status);
    if r.status != c.status {
        return Err(format!("{what}: expected {}: {}", c.status, r.body));
    }
    let op = &doc["paths"][full_path(c.route)][c.method.to_lowercase()];
    if !op.is_object() {
        return Err(format!(
            "{what}: {} {} is not documented",
            c.method, c.route
        ));
    }
    let answer = op["responses"]
        .get(r.status.to_string())
        .ok_or(format!("{what}: status {} is not documented", r.status))?;
    let Some(content) = answer.get("content").and_then(Value::as_object) else {
        return Ok(());
    };
    let media = r.header("content-type").unwrap_or("");
    let (documented, schema) = content
        .iter()
        .find(|(m, _)| media.starts_with(m.as_str()))
        .ok_or(format!(
            "{what}: {media} is not documented ({:?})",
            content.keys()
        ))?;
    if documented == "application/json" {
        let v: Value =
            serde_json::from_str(&r.body).map_err(|e| format!("{what}: not JSON: {e}"))?;
        check(doc, &schema["schema"], &v, "$").map_err(|e| {
            let body: String = r.body.chars().take(2000).collect();
            format!("{what}: {e}\n  the answer: {body}")
        })?;
    }
    Ok(())
}

const CALENDAR: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:openapi-1@example.com\r\nSEQUENCE:0\r\nDTSTAMP:20261118T120000Z\r\nDTSTART:20261201T160000Z\r\nDTEND:20261201T170000Z\r\nSUMMARY:Interview: Initech / Sam Rivera\r\nORGANIZER;CN=Lin Wu:mailto:lin@initech.example\r\nATTENDEE;CN=Sam Rivera:mailto:sam.rivera@mail.example\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

#[test]
fn every_documented_route_answers_as_documented() {
    let s = Server::start_sqlite(Some(NOW));
    let mut data = sample();
    data["profile"]["emails"] = json!(["sam.rivera@mail.example"]);
    let r = post_json(&s, "/api/v1/import", &data);
    assert_eq!(r.status, 200, "{}", r.body);
    let doc = document(&s);
    let a = "/applications/acme-analyst";
    let globex = "/applications/globex-engineer";

    let mut calls = vec![
        call("GET", "/agenda", "/agenda", 200),
        call("GET", "/agenda", "/agenda?state=due&limit=2&offset=0", 200),
        call("GET", "/agenda", "/agenda?app=acme-analyst&now=2026-11-23T09:00:00-06:00", 200),
        call("GET", "/agenda", "/agenda?state=soon", 422),
        call("GET", "/stats", "/stats", 200),
        call("GET", "/applications", "/applications", 200),
        call("GET", "/applications", "/applications?stage=interviewing&sort=company&q=acme", 200),
        call("GET", "/applications", "/applications?sort=sideways", 422),
        call("PATCH", "/applications/{id}", a, 200)
            .json(json!({ "location": "Remote (EU)", "salary": "€60–70k", "applied_on": "2026-11-02" })),
        call("PATCH", "/applications/{id}", a, 422).json(json!({ "posting_url": "ftp://example.com/job" })),
        call("PATCH", "/applications/{id}", "/applications/nobody", 404).json(json!({ "location": "Paris" })),
        call("GET", "/search", "/search?q=marie", 200),
        call("GET", "/search", "/search", 422),
        call("GET", "/people", "/people", 200),
        call("GET", "/people/vcard", "/people/vcard", 200),
        call("GET", "/people/vcard", "/people/vcard?app=acme-analyst&person=marie", 200),
        call("GET", "/people/vcard", "/people/vcard?app=acme-analyst&person=nobody", 404),
        call("GET", "/people/vcard", "/people/vcard?app=acme-analyst", 422),
        call("POST", "/applications", "/applications", 201)
            .json(json!({ "company": "Globex", "role": "Engineer", "id": "globex-engineer" })),
        call("POST", "/applications", "/applications", 422).json(json!({ "company": "" , "rank": 1 })),
        call("GET", "/applications/{id}", a, 200),
        call("GET", "/applications/{id}", "/applications/nobody", 404),
        call("GET", "/applications/{id}/people", &format!("{a}/people"), 200),
        call("POST", "/applications/{id}/people", &format!("{a}/people"), 201)
            .json(json!({ "name": "Lee Chan", "id": "lee", "kind": "recruiter", "prefers": "phone" })),
        call("GET", "/applications/{id}/people/{person}", &format!("{a}/people/marie"), 200),
        call("PATCH", "/applications/{id}/people/{person}", &format!("{a}/people/marie"), 200)
            .json(json!({ "title": "Analytics Lead", "after": "2026-12-04" })),
        call("GET", "/applications/{id}/interviews", &format!("{a}/interviews"), 200),
        call("POST", "/applications/{id}/interviews", &format!("{a}/interviews"), 201)
            .json(json!({ "id": "acme-final", "start": "2026-12-02T10:00:00-06:00", "with": ["marie"], "format": "video" })),
        call("GET", "/applications/{id}/interviews/{iv}", &format!("{a}/interviews/acme-panel"), 200),
        call("GET", "/applications/{id}/interviews/{iv}", &format!("{a}/interviews/nope"), 404),
        call("PATCH", "/applications/{id}/interviews/{iv}", &format!("{a}/interviews/acme-final"), 200)
            .json(json!({ "research": true, "questions": 3 })),
        call("POST", "/applications/{id}/interviews/{iv}/debrief", &format!("{a}/interviews/acme-panel/debrief"), 200)
            .json(json!({
                "people": [
                    { "id": "marie", "interviewer": true, "said": ["APAC expansion is the priority"] },
                    { "id": "raj", "interviewer": true, "after": "2026-12-04" }
                ],
                "asked_questions": true,
                "slip_ups": [{ "text": "Called Raj Rob" }],
                "went_well": "Clear story", "change": "Slower answers", "mistakes": ["Rushed"]
            })),
        call("GET", "/applications/{id}/touches", &format!("{a}/touches"), 200),
        call("POST", "/applications/{id}/touches", &format!("{a}/touches"), 201)
            .json(json!({ "person": "marie", "kind": "thank-you", "channel": "email", "note": "Thanks" })),
        call("POST", "/applications/{id}/touches", &format!("{a}/touches"), 409)
            .json(json!({ "person": "marie", "kind": "status-check", "channel": "email" })),
        call("POST", "/applications/{id}/replies", &format!("{a}/replies"), 201)
            .json(json!({ "person": "marie" })),
        call("POST", "/applications/{id}/news", &format!("{a}/news"), 201)
            .json(json!({ "text": "Acme opens a Singapore office", "on": "2026-11-19" })),
        call("POST", "/applications/{id}/research", &format!("{a}/research"), 201)
            .json(json!({ "fact": "Acme sells to hospitals", "contribution": "Claims data" })),
        call("POST", "/applications/{id}/dismissals", &format!("{a}/dismissals"), 201)
            .json(json!({ "rule": "thank-you-note", "interview": "acme-panel", "person": "raj", "reason": "done" })),
        call("POST", "/applications/{id}/dismissals", &format!("{a}/dismissals"), 422)
            .json(json!({ "rule": "no-such-rule", "reason": "done" })),
        call("POST", "/drafts", "/drafts", 200).json(json!({ "app": "acme-analyst", "person": "raj" })),
        call("POST", "/lint", "/lint", 200).json(json!({ "text": "Hi Marie,\n\nThank you.\n", "app": "acme-analyst", "person": "marie", "html": true })),
        call("POST", "/lint", "/lint", 200).json(json!({ "text": "Thanks" })),
        call("PUT", "/applications/{id}/outcome", &format!("{a}/outcome"), 200)
            .json(json!({ "kind": "rejected", "on": "2026-11-20" })),
        call("POST", "/applications/{id}/feedback", &format!("{a}/feedback"), 201)
            .json(json!({ "text": "More SQL depth", "kind": "skill", "plan": "SQL course", "by": "2027-01-15" })),
        call("PUT", "/applications/{id}", globex, 200).json(json!({
            "id": "globex-engineer", "company": "Globex", "role": "Senior Engineer", "stage": "screening"
        })),
        call("PUT", "/applications/{id}", globex, 422).json(json!({ "id": "other", "company": "Globex" })),
    ];
    for (kind, n, fix) in [
        ("touches", "1", json!({ "note": "Thank you, Marie" })),
        ("replies", "1", json!({ "at": "2026-11-20T14:00:00-06:00" })),
        (
            "news",
            "1",
            json!({ "text": "Acme opens an office in Singapore" }),
        ),
        (
            "research",
            "1",
            json!({ "contribution": "Claims analytics" }),
        ),
        ("feedback", "1", json!({ "positive": true })),
        ("dismissals", "1", json!({ "reason": "sent by post" })),
    ] {
        let route = match kind {
            "touches" => "/applications/{id}/touches/{n}",
            "replies" => "/applications/{id}/replies/{n}",
            "news" => "/applications/{id}/news/{n}",
            "research" => "/applications/{id}/research/{n}",
            "feedback" => "/applications/{id}/feedback/{n}",
            _ => "/applications/{id}/dismissals/{n}",
        };
        calls.push(call("PATCH", route, &format!("{a}/{kind}/{n}"), 200).json(fix));
    }
    calls.extend([
        call("PATCH", "/applications/{id}/people/{person}/said/{n}", &format!("{a}/people/marie/said/1"), 200)
            .json(json!({ "text": "APAC is the priority" })),
        call("PATCH", "/applications/{id}/interviews/{iv}/slip-ups/{n}", &format!("{a}/interviews/acme-panel/slip-ups/1"), 200)
            .json(json!({ "apologized": true })),
        call("PATCH", "/applications/{id}/interviews/{iv}/reflection", &format!("{a}/interviews/acme-panel/reflection"), 200)
            .json(json!({ "went_well": "A clear story" })),
        call("DELETE", "/applications/{id}/people/{person}/said/{n}", &format!("{a}/people/marie/said/1"), 200),
        call("DELETE", "/applications/{id}/interviews/{iv}/slip-ups/{n}", &format!("{a}/interviews/acme-panel/slip-ups/1"), 200),
        call("DELETE", "/applications/{id}/interviews/{iv}/reflection", &format!("{a}/interviews/acme-panel/reflection"), 200),
        call("DELETE", "/applications/{id}/dismissals/{n}", &format!("{a}/dismissals/1"), 200),
        call("DELETE", "/applications/{id}/feedback/{n}", &format!("{a}/feedback/1"), 200),
        call("DELETE", "/applications/{id}/research/{n}", &format!("{a}/research/1"), 200),
        call("DELETE", "/applications/{id}/news/{n}", &format!("{a}/news/1"), 200),
        call("DELETE", "/applications/{id}/replies/{n}", &format!("{a}/replies/1"), 200),
        call("DELETE", "/applications/{id}/touches/{n}", &format!("{a}/touches/1"), 200),
        call("DELETE", "/applications/{id}/touches/{n}", &format!("{a}/touches/9"), 404),
        call("DELETE", "/applications/{id}/outcome", &format!("{a}/outcome"), 200),
        call("DELETE", "/applications/{id}/people/{person}", &format!("{a}/people/lee"), 200),
        call("DELETE", "/applications/{id}/interviews/{iv}", &format!("{a}/interviews/acme-final"), 200),
        call("DELETE", "/applications/{id}", globex, 200),
        call("GET", "/history", "/history", 200),
        call("POST", "/undo", "/undo", 200),
        call("GET", "/settings/digest", "/settings/digest", 200),
        call("PUT", "/settings/digest", "/settings/digest", 200).json(json!({ "enabled": true, "at": "7:30" })),
        call("PUT", "/settings/digest", "/settings/digest", 422).json(json!({ "enabled": true, "at": "noon" })),
        call("GET", "/push/key", "/push/key", 200),
        call("POST", "/push/subscriptions", "/push/subscriptions", 422)
            .json(json!({ "endpoint": "http://push.example/x", "keys": { "p256dh": "AAAA", "auth": "AAAA" } })),
        call("DELETE", "/push/subscriptions", "/push/subscriptions", 200)
            .json(json!({ "endpoint": "https://push.example/x" })),
        call("POST", "/push/test", "/push/test", 422),
        call("GET", "/inbox", "/inbox", 200),
        call("POST", "/inbox/scan", "/inbox/scan", 422),
        call("POST", "/inbox/{id}/accept", "/inbox/0123456789abcdef/accept", 404),
        call("POST", "/inbox/{id}/ignore", "/inbox/0123456789abcdef/ignore", 200),
        call("POST", "/ics/import", "/ics/import?dry_run=true", 200).bytes("text/calendar", CALENDAR.as_bytes()),
        call("POST", "/ics/import", "/ics/import", 400).bytes("text/calendar", b"not a calendar"),
        call("GET", "/ics/export", "/ics/export", 200),
        call("GET", "/ics/export", "/ics/export?app=nobody", 404),
        call("POST", "/import-csv", "/import-csv?from=mapped&map=company%3DFirm&map=role%3DTitle&dry_run=true", 200)
            .bytes("text/csv", b"Firm,Title\nInitech,Analyst\n"),
        call("POST", "/import-csv", "/import-csv?from=nowhere", 422).bytes("text/csv", b"Firm\nInitech\n"),
        call("POST", "/send", "/send", 422)
            .json(json!({ "app": "acme-analyst", "person": "marie", "kind": "thank-you", "text": "Thank you, Marie.", "dry_run": true })),
        call("GET", "/export", "/export", 200),
        call("POST", "/import", "/import", 200).json(data.clone()),
        call("POST", "/import", "/import?replace=maybe", 422).json(data.clone()),
    ]);

    let mut failures = vec![];
    let mut called = BTreeSet::new();
    for c in &calls {
        let r = send(&s, c);
        called.insert((c.method.to_lowercase(), full_path(c.route)));
        if let Err(e) = check_answer(&doc, c, &r) {
            failures.push(e);
        }
    }
    // Hosted mode's own operations are called by the test below.
    let missed: Vec<_> = operations(&doc, false)
        .difference(&called)
        .cloned()
        .collect();
    assert!(missed.is_empty(), "documented but never called: {missed:?}");
    assert!(
        failures.is_empty(),
        "{} answers differ from the document:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The documented operations (method, path): hosted mode's own (tagged
/// `hosted`) or the others.
fn operations(doc: &Value, hosted: bool) -> BTreeSet<(String, String)> {
    doc["paths"]
        .as_object()
        .expect("paths")
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .expect("path item")
                .iter()
                .filter(|(k, _)| *k != "parameters")
                .filter(move |(_, op)| {
                    let tagged = op["tags"]
                        .as_array()
                        .is_some_and(|t| t.iter().any(|t| t == "hosted"));
                    tagged == hosted
                })
                .map(move |(m, _)| (m.clone(), path.clone()))
        })
        .collect()
}

#[test]
fn hosted_operations_are_tagged_and_secured() {
    let doc = document(&Server::start_sqlite(Some(NOW)));
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    let hosted = operations(&doc, true);
    for (method, path) in [
        ("get", "/api/v1/sharing"),
        ("post", "/api/v1/sharing"),
        ("delete", "/api/v1/sharing/{email}"),
        ("get", "/api/v1/caseload"),
        ("get", "/api/v1/caseload/insights"),
        ("get", "/api/v1/candidates/{id}/agenda"),
        ("get", "/api/v1/candidates/{id}/stats"),
        ("get", "/api/v1/candidates/{id}/applications"),
        ("get", "/healthz"),
        ("get", "/readyz"),
    ] {
        assert!(
            hosted.contains(&(method.to_string(), path.to_string())),
            "{method} {path}"
        );
        let op = &doc["paths"][path][method];
        if path.starts_with("/api/") {
            assert_eq!(op["security"], json!([{ "bearer": [] }]), "{path}");
            assert!(op["responses"].get("401").is_some(), "{path}");
        } else {
            assert_eq!(op["security"], json!([]), "{path}");
        }
    }
    for path in [
        "/api/v1/candidates/{id}/agenda",
        "/api/v1/sharing",
        "/api/v1/caseload",
        "/api/v1/caseload/insights",
    ] {
        assert!(
            doc["paths"][path]["get"]["responses"].get("403").is_some(),
            "{path}"
        );
    }
}

/// Hosted mode's operations on a real hosted server (PostgreSQL, the
/// server role owning nothing), each answer checked against the
/// document, as the test above does for the local server's.
#[test]
fn every_hosted_operation_answers_as_documented() {
    let Some(site) =
        common::hosted::HostedSite::start(NOW, "the hosted operations of the OpenAPI document")
    else {
        return;
    };
    let (victim, coach, other, attacker, admin) = (
        site.victim.as_str(),
        site.coach.as_str(),
        site.other_coach.as_str(),
        site.attacker.as_str(),
        site.admin.as_str(),
    );
    let r = send_to(
        site.addr,
        &call("POST", "/import", "/import", 200)
            .json(sample())
            .by(victim),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    // The document as hosted mode serves it (to a signed-in caller).
    let r = send_to(
        site.addr,
        &call("GET", "/openapi.json", "/openapi.json", 200).by(victim),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let doc: Value = serde_json::from_str(&r.body).expect("the document");
    let id = site.victim_id;
    let cand = |tail: &str| format!("/candidates/{id}/{tail}");
    let calls = vec![
        call("GET", "/healthz", "/healthz", 200),
        call("GET", "/readyz", "/readyz", 200),
        call("GET", "/sharing", "/sharing", 401),
        call("GET", "/sharing", "/sharing", 200).by(victim),
        call("GET", "/sharing", "/sharing", 403).by(coach),
        call("POST", "/sharing", "/sharing", 201)
            .json(json!({ "coach": "Coach@Example.org" }))
            .by(victim),
        call("POST", "/sharing", "/sharing", 200)
            .json(json!({ "coach": "coach@example.org" }))
            .by(victim),
        call("POST", "/sharing", "/sharing", 404)
            .json(json!({ "coach": "admin@example.org" }))
            .by(victim),
        call("POST", "/sharing", "/sharing", 422)
            .json(json!({ "coch": "coach@example.org" }))
            .by(victim),
        call("POST", "/sharing", "/sharing", 403)
            .json(json!({ "coach": "coach@example.org" }))
            .by(admin),
        call("POST", "/sharing", "/sharing", 401).json(json!({ "coach": "coach@example.org" })),
        call("GET", "/sharing", "/sharing", 200).by(victim),
        call("GET", "/caseload", "/caseload", 200).by(coach),
        call("GET", "/caseload", "/caseload?sort=name", 200).by(other),
        call("GET", "/caseload", "/caseload?sort=sideways", 422).by(coach),
        call("GET", "/caseload", "/caseload", 403).by(victim),
        call("GET", "/caseload", "/caseload", 401),
        call("GET", "/caseload/insights", "/caseload/insights", 200).by(coach),
        call("GET", "/caseload/insights", "/caseload/insights", 200).by(other),
        call("GET", "/caseload/insights", "/caseload/insights", 403).by(victim),
        call("GET", "/caseload/insights", "/caseload/insights", 403).by(admin),
        call("GET", "/caseload/insights", "/caseload/insights", 401),
        call("GET", "/candidates/{id}/agenda", &cand("agenda"), 200).by(coach),
        call(
            "GET",
            "/candidates/{id}/agenda",
            &cand("agenda?state=due&limit=1"),
            200,
        )
        .by(coach),
        call("GET", "/candidates/{id}/agenda", &cand("agenda"), 404).by(other),
        call("GET", "/candidates/{id}/agenda", &cand("agenda"), 404).by(attacker),
        call(
            "GET",
            "/candidates/{id}/agenda",
            "/candidates/987654/agenda",
            404,
        )
        .by(coach),
        call("GET", "/candidates/{id}/agenda", &cand("agenda"), 401),
        call("GET", "/candidates/{id}/stats", &cand("stats"), 200).by(coach),
        call("GET", "/candidates/{id}/stats", &cand("stats"), 404).by(admin),
        call("GET", "/candidates/{id}/stats", &cand("stats"), 401),
        call(
            "GET",
            "/candidates/{id}/applications",
            &cand("applications"),
            200,
        )
        .by(coach),
        call(
            "GET",
            "/candidates/{id}/applications",
            &cand("applications"),
            404,
        )
        .by(other),
        call(
            "GET",
            "/candidates/{id}/applications",
            &cand("applications"),
            401,
        ),
        call(
            "DELETE",
            "/sharing/{email}",
            "/sharing/coach%40example.org",
            403,
        )
        .by(coach),
        call(
            "DELETE",
            "/sharing/{email}",
            "/sharing/coach%40example.org",
            401,
        ),
        call(
            "DELETE",
            "/sharing/{email}",
            "/sharing/coach%40example.org",
            204,
        )
        .by(victim),
        call(
            "DELETE",
            "/sharing/{email}",
            "/sharing/coach%40example.org",
            404,
        )
        .by(victim),
        call("GET", "/candidates/{id}/agenda", &cand("agenda"), 404).by(coach),
    ];
    let mut failures = vec![];
    let mut called = BTreeSet::new();
    for c in &calls {
        let r = send_to(site.addr, c);
        called.insert((c.method.to_lowercase(), full_path(c.route)));
        if let Err(e) = check_answer(&doc, c, &r) {
            failures.push(e);
        }
    }
    // A coach's write under a candidate's prefix is not an operation of
    // the document, but its answer is the documented 403.
    let r = send_to(
        site.addr,
        &call("POST", "/sharing", "/sharing", 201)
            .json(json!({ "coach": "coach@example.org" }))
            .by(victim),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    for method in ["POST", "PUT", "PATCH", "DELETE"] {
        let r = send_to(
            site.addr,
            &call(
                method,
                "/candidates/{id}/applications",
                &cand("applications"),
                403,
            )
            .json(json!({}))
            .by(coach),
        );
        assert_eq!(r.status, 403, "{method}: {}", r.body);
        let e: Value = serde_json::from_str(&r.body).expect("JSON");
        check(
            &doc,
            &json!({ "$ref": "#/components/schemas/Error" }),
            &e,
            "$",
        )
        .unwrap_or_else(|e| panic!("{method}: {e}"));
    }
    let missed: Vec<_> = operations(&doc, true)
        .difference(&called)
        .cloned()
        .collect();
    assert!(missed.is_empty(), "documented but never called: {missed:?}");
    assert!(
        failures.is_empty(),
        "{} answers differ from the document:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
