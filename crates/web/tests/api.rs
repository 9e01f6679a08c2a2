//! The JSON API and the HTML pages, over a real server and a real SQLite
//! file, with a real HTTP client. No browser needed.

mod common;

use common::*;
use serde_json::json;

fn seeded() -> Server {
    let s = Server::start(Some(NOW));
    let r = post_json(&s, "/api/v1/import", &sample());
    assert_eq!(r.status, 200, "{}", r.body);
    s
}

fn rules_for(agenda: &serde_json::Value, person: &str) -> Vec<String> {
    agenda["actions"]
        .as_array()
        .expect("actions")
        .iter()
        .filter(|a| a["person"] == person)
        .map(|a| a["rule"].as_str().unwrap_or("").to_string())
        .collect()
}

fn debrief_panel(s: &Server) {
    let r = post_json(
        s,
        "/api/v1/applications/acme-analyst/interviews/acme-panel/debrief",
        &json!({
            "people": [
                { "id": "marie", "interviewer": true, "said": ["APAC expansion is the priority"] },
                { "id": "raj", "interviewer": true, "after": "2026-12-04" }
            ],
            "asked_questions": true,
            "went_well": "Clear story", "change": "Slower answers", "mistakes": ["Rushed"]
        }),
    );
    assert_eq!(r.status, 200, "{}", r.body);
}

#[test]
fn agenda_is_the_cli_shape_and_honours_now() {
    let s = seeded();
    let a = get(&s, "/api/v1/agenda").json();
    assert_eq!(a["now"], "2026-11-20T15:00:00-06:00");
    assert_eq!(a["timezone"], "America/Chicago");
    for action in a["actions"].as_array().expect("actions") {
        for key in [
            "rule",
            "state",
            "application",
            "interview",
            "person",
            "opens",
            "due",
            "channel",
            "why",
            "seeds",
        ] {
            assert!(action.get(key).is_some(), "{key} missing in {action}");
        }
    }
    let later = get(&s, "/api/v1/agenda?now=2026-11-21T09:00:00-06:00").json();
    assert_eq!(later["now"], "2026-11-21T09:00:00-06:00");
    let bad = get(&s, "/api/v1/agenda?now=next+week");
    assert_eq!(bad.status, 422);
    assert_eq!(bad.json()["field"], "now");
    let unknown = get(&s, "/api/v1/agenda?app=nope");
    assert_eq!(unknown.status, 404);
    assert!(
        unknown.json()["message"]
            .as_str()
            .expect("msg")
            .contains("nope")
    );
}

#[test]
fn a_panel_debrief_brings_thank_yous_and_a_logged_note_clears_one() {
    let s = seeded();
    debrief_panel(&s);
    let a = get(&s, "/api/v1/agenda").json();
    assert!(
        rules_for(&a, "marie").contains(&"thank-you-note".to_string()),
        "{a}"
    );
    assert!(
        rules_for(&a, "raj").contains(&"thank-you-note".to_string()),
        "{a}"
    );
    let r = post_json(
        &s,
        "/api/v1/applications/acme-analyst/touches",
        &json!({ "person": "marie", "kind": "thank-you", "channel": "email", "note": "Thank you, Marie." }),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let j = r.json();
    assert_eq!(j["logged"], true);
    assert_eq!(j["forced"], false);
    let a = get(&s, "/api/v1/agenda").json();
    assert!(
        !rules_for(&a, "marie").contains(&"thank-you-note".to_string()),
        "{a}"
    );
    assert!(rules_for(&a, "raj").contains(&"thank-you-note".to_string()));
    let touches = get(&s, "/api/v1/applications/acme-analyst/touches").json();
    assert_eq!(touches[0]["note"], "Thank you, Marie.");
    let iv = get(&s, "/api/v1/applications/acme-analyst/interviews").json();
    assert_eq!(iv[0]["status"], "done");
    assert_eq!(iv[0]["reflection"]["went_well"], "Clear story");
    let people = get(&s, "/api/v1/applications/acme-analyst/people").json();
    assert_eq!(people[1]["prefers"]["after"], "2026-12-04");
}

#[test]
fn the_guard_refuses_an_early_chase_with_409_and_writes_nothing() {
    let s = seeded();
    debrief_panel(&s);
    let chase = json!({ "person": "marie", "kind": "status-check", "channel": "email" });
    let r = post_json(&s, "/api/v1/applications/acme-analyst/touches", &chase);
    assert_eq!(r.status, 409, "{}", r.body);
    let j = r.json();
    assert_eq!(j["logged"], false);
    assert_eq!(j["rule"], "follow-up-guard");
    assert!(j.get("allowed_from").is_some());
    assert!(!j["why"].as_str().expect("why").is_empty());
    let touches = get(&s, "/api/v1/applications/acme-analyst/touches").json();
    assert_eq!(touches.as_array().map(Vec::len), Some(0));
    let mut forced = chase.clone();
    forced["force"] = json!(true);
    let r = post_json(&s, "/api/v1/applications/acme-analyst/touches", &forced);
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.json()["forced"], true);
}

#[test]
fn applications_people_interviews_and_dismissals() {
    let s = Server::start(Some(NOW));
    assert_eq!(get(&s, "/api/v1/applications").json(), json!([]));
    let r = post_json(
        &s,
        "/api/v1/applications",
        &json!({ "company": "Globex", "role": "Analyst" }),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.json()["id"], "globex-analyst");
    let dup = post_json(
        &s,
        "/api/v1/applications",
        &json!({ "company": "G", "id": "globex-analyst" }),
    );
    assert_eq!(dup.status, 422);
    assert_eq!(dup.json()["field"], "id");
    let empty = post_json(&s, "/api/v1/applications", &json!({ "company": "  " }));
    assert_eq!(empty.json()["field"], "company");
    let typo = post_json(&s, "/api/v1/applications", &json!({ "compny": "x" }));
    assert_eq!(typo.status, 422);
    assert!(
        typo.json()["message"]
            .as_str()
            .expect("m")
            .contains("compny"),
        "{}",
        typo.body
    );
    let bad_json = post_raw(&s, "/api/v1/applications", "{not json");
    assert_eq!(bad_json.status, 422);
    assert!(bad_json.json()["message"].is_string());
    let list = get(&s, "/api/v1/applications").json();
    assert_eq!(list[0]["company"], "Globex");

    let p = post_json(
        &s,
        "/api/v1/applications/globex-analyst/people",
        &json!({ "name": "Ana Lima", "kind": "recruiter" }),
    );
    assert_eq!(p.status, 201, "{}", p.body);
    assert_eq!(p.json()["id"], "ana");
    let bad_date = post_json(
        &s,
        "/api/v1/applications/globex-analyst/people",
        &json!({ "name": "B", "after": "soon" }),
    );
    assert_eq!(bad_date.json()["field"], "after");
    let nobody = post_json(
        &s,
        "/api/v1/applications/nope/people",
        &json!({ "name": "B" }),
    );
    assert_eq!(nobody.status, 404);

    let iv = post_json(
        &s,
        "/api/v1/applications/globex-analyst/interviews",
        &json!({ "start": "2026-11-25 10:00", "with": ["ana"] }),
    );
    assert_eq!(iv.status, 201, "{}", iv.body);
    assert_eq!(
        iv.json()["start"],
        "2026-11-25T10:00:00+00:00",
        "read in the profile zone (UTC here)"
    );
    let unknown = post_json(
        &s,
        "/api/v1/applications/globex-analyst/interviews",
        &json!({ "start": "2026-11-25 10:00", "with": ["zed"] }),
    );
    assert_eq!(unknown.json()["field"], "with");
    let when = post_json(
        &s,
        "/api/v1/applications/globex-analyst/interviews",
        &json!({ "start": "tuesday" }),
    );
    assert_eq!(when.json()["field"], "start");

    let agenda = get(&s, "/api/v1/agenda").json();
    let first = agenda["actions"][0].clone();
    let d = post_json(
        &s,
        "/api/v1/applications/globex-analyst/dismissals",
        &json!({ "rule": first["rule"], "interview": first["interview"], "person": first["person"], "reason": "done already" }),
    );
    assert_eq!(d.status, 201, "{}", d.body);
    let after = get(&s, "/api/v1/agenda").json();
    assert!(
        after["actions"].as_array().expect("a").len()
            < agenda["actions"].as_array().expect("a").len()
    );
    let bad_rule = post_json(
        &s,
        "/api/v1/applications/globex-analyst/dismissals",
        &json!({ "rule": "nap", "reason": "done" }),
    );
    assert_eq!(bad_rule.json()["field"], "rule");

    let mut app = get(&s, "/api/v1/applications/globex-analyst").json();
    app["role"] = json!("Senior Analyst");
    let put = put_json(&s, "/api/v1/applications/globex-analyst", &app);
    assert_eq!(put.status, 200, "{}", put.body);
    assert_eq!(put.json()["role"], "Senior Analyst");
    app["id"] = json!("other");
    assert_eq!(
        put_json(&s, "/api/v1/applications/globex-analyst", &app).json()["field"],
        "id"
    );
    assert_eq!(get(&s, "/api/v1/applications/nope").status, 404);
    assert_eq!(get(&s, "/api/v1/nothing-here").status, 404);
}

#[test]
fn export_import_round_trip_and_errors() {
    let s = seeded();
    let out = get(&s, "/api/v1/export").json();
    assert_eq!(out["format"], "debrief/1");
    assert_eq!(out["applications"][0]["id"], "acme-analyst");
    let other = Server::start(Some(NOW));
    let r = post_json(&other, "/api/v1/import", &out);
    assert_eq!(r.json()["added"], 1);
    assert_eq!(get(&other, "/api/v1/export").json(), out);
    let r = post_json(
        &other,
        "/api/v1/import?replace=true",
        &json!({ "format": "debrief/1", "applications": [] }),
    );
    assert_eq!(r.status, 200);
    assert_eq!(get(&other, "/api/v1/applications").json(), json!([]));
    let mut bad = sample();
    bad["applications"][0]["people"][0]["nmae"] = json!("x");
    let r = post_json(&other, "/api/v1/import", &bad);
    assert_eq!(r.status, 422);
    assert!(
        r.json()["field"]
            .as_str()
            .expect("field")
            .contains("people[0]"),
        "{}",
        r.body
    );
    assert_eq!(
        get(&other, "/api/v1/applications").json(),
        json!([]),
        "nothing written"
    );
    assert_eq!(post_raw(&other, "/api/v1/import", "").status, 422);
}

#[test]
fn stats_lint_and_openapi() {
    let s = seeded();
    debrief_panel(&s);
    let st = get(&s, "/api/v1/stats").json();
    assert_eq!(st["applications"], 1);
    let l = post_json(
        &s,
        "/api/v1/lint",
        &json!({ "text": "Hi Mary,\n\nThanks.\n", "app": "acme-analyst", "person": "marie", "kind": "thank-you" }),
    );
    assert_eq!(l.status, 200, "{}", l.body);
    assert!(l.json()["diagnostics"].is_array());
    let l = post_json(
        &s,
        "/api/v1/lint",
        &json!({ "text": "x", "app": "acme-analyst", "person": "zed" }),
    );
    assert_eq!(l.json()["field"], "person");
    let o = get(&s, "/api/v1/openapi.json").json();
    assert_eq!(o["openapi"], "3.1.0");
    for path in [
        "/api/v1/agenda",
        "/api/v1/applications",
        "/api/v1/export",
        "/api/v1/import",
        "/api/v1/applications/{id}/touches",
        "/api/v1/applications/{id}/people/{person}",
        "/api/v1/applications/{id}/interviews/{iv}",
        "/api/v1/applications/{id}/replies",
        "/api/v1/applications/{id}/news",
        "/api/v1/applications/{id}/research",
        "/api/v1/applications/{id}/outcome",
        "/api/v1/applications/{id}/feedback",
        "/api/v1/drafts",
    ] {
        assert!(o["paths"].get(path).is_some(), "{path}");
    }
}

#[test]
fn every_page_renders_with_security_headers() {
    let s = seeded();
    debrief_panel(&s);
    for path in [
        "/",
        "/applications",
        "/applications/acme-analyst",
        "/applications/acme-analyst/interviews/acme-panel/debrief",
        "/applications/acme-analyst/compose?person=marie&kind=thank-you",
        "/insights",
        "/settings",
        "/assets/style.css",
        "/assets/app.js",
    ] {
        let r = get(&s, path);
        assert_eq!(r.status, 200, "{path}: {}", r.body);
        assert_eq!(
            r.header("content-security-policy"),
            Some(debrief_web::CSP),
            "{path}"
        );
        assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
        assert_eq!(r.header("referrer-policy"), Some("no-referrer"));
        assert!(!r.body.contains("<script>"), "{path} has inline script");
    }
    let today = get(&s, "/").body;
    assert!(
        today.contains("Thank Marie Dubois") || today.contains("Marie Dubois"),
        "{today}"
    );
    assert!(today.contains("thank-you-note"));
    let export = get(&s, "/export.json");
    assert!(
        export
            .header("content-disposition")
            .expect("cd")
            .contains("attachment")
    );
    assert_eq!(get(&s, "/applications/nope").status, 404);
}

#[test]
fn cross_site_posts_and_foreign_hosts_are_refused() {
    let s = seeded();
    let r = ureq_post_with(&s, &[("origin", "http://evil.example")]);
    assert_eq!(r, 403);
    let r = ureq_post_with(&s, &[("sec-fetch-site", "cross-site")]);
    assert_eq!(r, 403);
    let r = ureq_post_with(&s, &[("sec-fetch-site", "same-origin")]);
    assert_eq!(r, 303);
    let status = agent()
        .get(&s.url("/"))
        .header("host", "rebind.example")
        .call()
        .expect("GET")
        .status()
        .as_u16();
    assert_eq!(status, 421);
    assert_eq!(
        get(&s, "/api/v1/applications")
            .json()
            .as_array()
            .map(Vec::len),
        Some(2),
        "only the same-origin post wrote"
    );
}

fn ureq_post_with(s: &Server, headers: &[(&str, &str)]) -> u16 {
    let mut req = agent().post(&s.url("/applications"));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    req.send_form([("company", "Initech")])
        .expect("POST")
        .status()
        .as_u16()
}

#[test]
fn forms_redirect_with_a_message_or_show_the_error_by_the_field() {
    let s = seeded();
    let r = post_form(
        &s,
        "/applications",
        &[("company", ""), ("role", "typed role")],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("the company is empty"), "{}", r.body);
    assert!(r.body.contains("typed role"), "keeps what was typed");
    assert_eq!(
        get(&s, "/api/v1/applications")
            .json()
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    let r = post_form(
        &s,
        "/applications",
        &[("company", "Initech"), ("stage", "applied")],
    );
    assert_eq!(r.status, 303);
    assert_eq!(r.header("location"), Some("/applications/initech"));
    let cookie = r
        .header("set-cookie")
        .expect("flash")
        .split(';')
        .next()
        .expect("c")
        .to_string();
    let page = agent()
        .get(&s.url("/applications/initech"))
        .header("cookie", &cookie)
        .call()
        .expect("GET")
        .body_mut()
        .read_to_string()
        .expect("body");
    assert!(page.contains("Added Initech."), "{page}");
    let r = post_form(
        &s,
        "/settings/profile",
        &[
            ("name", "Sam"),
            ("timezone", "Mars/Olympus"),
            ("holidays", "US"),
            ("policy", "conservative"),
        ],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("Mars/Olympus"));
    assert_eq!(
        get(&s, "/api/v1/export").json()["profile"]["timezone"],
        "America/Chicago"
    );
}

#[test]
fn hostile_text_round_trips_and_shows_as_text() {
    let s = seeded();
    let r = post_form(
        &s,
        "/applications",
        &[("company", HOSTILE), ("role", HOSTILE), ("id", "")],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let id = r
        .header("location")
        .expect("loc")
        .trim_start_matches("/applications/")
        .to_string();
    let p = post_json(
        &s,
        &format!("/api/v1/applications/{id}/people"),
        &json!({ "name": HOSTILE, "title": HOSTILE, "id": "h" }),
    );
    assert_eq!(p.status, 201, "{}", p.body);
    let iv = post_json(
        &s,
        &format!("/api/v1/applications/{id}/interviews"),
        &json!({ "start": "2026-11-20 09:00", "with": ["h"] }),
    );
    assert_eq!(iv.status, 201);
    let d = post_json(
        &s,
        &format!("/api/v1/applications/{id}/interviews/interview-1/debrief"),
        &json!({ "people": [{ "id": "h", "interviewer": true, "said": [HOSTILE] }], "slip_ups": [{ "text": HOSTILE, "noticed": true }], "went_well": HOSTILE, "change": HOSTILE, "mistakes": [HOSTILE] }),
    );
    assert_eq!(d.status, 200, "{}", d.body);
    let t = post_json(
        &s,
        &format!("/api/v1/applications/{id}/touches"),
        &json!({ "person": "h", "kind": "thank-you", "channel": "email", "note": HOSTILE }),
    );
    assert_eq!(t.status, 201);
    let app = get(&s, &format!("/api/v1/applications/{id}")).json();
    assert_eq!(app["company"], HOSTILE);
    assert_eq!(app["people"][0]["said"][0], HOSTILE);
    for path in [
        "/".to_string(),
        "/applications".into(),
        format!("/applications/{id}"),
        format!("/applications/{id}/interviews/interview-1/debrief"),
        format!("/applications/{id}/compose?person=h"),
    ] {
        let body = get(&s, &path).body;
        assert!(
            !body.contains("<script>window.pwned"),
            "{path} runs the script"
        );
        assert!(!body.contains("<img src=x"), "{path} has the image");
        assert!(
            body.contains("&lt;script&gt;window.pwned=1&lt;/script&gt;"),
            "{path} does not show it as text"
        );
    }
}

const ACME: &str = "/api/v1/applications/acme-analyst";

#[test]
fn people_can_be_read_and_changed() {
    let s = seeded();
    let p = get(&s, &format!("{ACME}/people/marie"));
    assert_eq!(p.status, 200);
    assert_eq!(p.json()["name"], "Marie Dubois");
    let r = patch_json(
        &s,
        &format!("{ACME}/people/marie"),
        &json!({ "title": "Analytics Lead", "prefers": "phone", "after": "2026-12-04", "email": "" }),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let j = r.json();
    assert_eq!(j["title"], "Analytics Lead");
    assert_eq!(j["prefers"]["channel"], "phone");
    assert_eq!(j["prefers"]["after"], "2026-12-04");
    assert!(
        j.get("email").is_none_or(|e| e.is_null()),
        "blank clears: {j}"
    );
    assert_eq!(j["name"], "Marie Dubois", "absent fields stay");
    for (body, field) in [
        (json!({ "after": "next week" }), "after"),
        (json!({ "name": "  " }), "name"),
        (json!({ "kind": "boss" }), "kind"),
        (json!({ "nmae": "x" }), "nmae"),
    ] {
        let r = patch_json(&s, &format!("{ACME}/people/marie"), &body);
        assert_eq!(r.status, 422, "{body}: {}", r.body);
        assert!(
            r.json()["field"].as_str().unwrap_or("").contains(field)
                || r.json()["message"].as_str().unwrap_or("").contains(field),
            "{body}: {}",
            r.body
        );
    }
    assert_eq!(get(&s, &format!("{ACME}/people/zed")).status, 404);
    assert_eq!(
        patch_json(&s, &format!("{ACME}/people/zed"), &json!({})).status,
        404
    );
    assert_eq!(
        get(&s, "/api/v1/applications/nope/people/marie").status,
        404
    );
    assert_eq!(
        get(&s, &format!("{ACME}/people/marie")).json()["title"],
        "Analytics Lead"
    );
}

#[test]
fn interviews_are_marked_missed_rescheduled_and_prepared() {
    let s = seeded();
    let iv = format!("{ACME}/interviews/acme-panel");
    assert_eq!(get(&s, &iv).json()["status"], "scheduled");
    let r = patch_json(&s, &iv, &json!({ "status": "missed" }));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["status"], "missed");
    let agenda = get(&s, "/api/v1/agenda").json();
    assert!(
        agenda["actions"]
            .as_array()
            .expect("a")
            .iter()
            .any(|a| a["rule"] == "missed-interview-recovery"),
        "{agenda}"
    );
    let r = patch_json(
        &s,
        &iv,
        &json!({ "status": "scheduled", "start": "2026-11-27 14:00", "minutes": 45, "research": true, "questions": 3 }),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let j = r.json();
    assert_eq!(j["start"], "2026-11-27T14:00:00-06:00");
    assert_eq!(j["minutes"], 45);
    assert_eq!(j["prepared"]["questions"], 3);
    for (body, field) in [
        (json!({ "start": "someday" }), "start"),
        (json!({ "minutes": 0 }), "minutes"),
        (json!({ "questions": 500 }), "questions"),
        (json!({ "apologized": [1] }), "apologized"),
        (json!({ "status": "postponed" }), "status"),
    ] {
        let r = patch_json(&s, &iv, &body);
        assert_eq!(r.status, 422, "{body}: {}", r.body);
        assert_eq!(r.json()["field"], field, "{body}: {}", r.body);
    }
    assert_eq!(
        get(&s, &iv).json()["minutes"],
        45,
        "a refused change wrote nothing"
    );
    assert_eq!(get(&s, &format!("{ACME}/interviews/nope")).status, 404);
    assert_eq!(
        patch_json(&s, &format!("{ACME}/interviews/nope"), &json!({})).status,
        404
    );
}

#[test]
fn replies_news_research_outcome_and_feedback() {
    let s = seeded();
    debrief_panel(&s);
    // A reply needs something sent first.
    let r = post_json(
        &s,
        &format!("{ACME}/replies"),
        &json!({ "person": "marie" }),
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(r.json()["field"], "person");
    assert!(
        r.json()["message"]
            .as_str()
            .expect("m")
            .contains("log what you sent first")
    );
    post_json(
        &s,
        &format!("{ACME}/touches"),
        &json!({ "person": "marie", "kind": "thank-you", "channel": "email", "at": "2026-11-20 14:00" }),
    );
    let r = post_json(
        &s,
        &format!("{ACME}/replies"),
        &json!({ "person": "marie", "at": "2026-11-20 14:30" }),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.json()["to"]["kind"], "thank-you");
    assert_eq!(
        get(&s, &format!("{ACME}/touches")).json()[0]["replied_at"],
        "2026-11-20T14:30:00-06:00"
    );
    let bad_at = post_json(&s, &format!("{ACME}/replies"), &json!({ "at": "later" }));
    assert_eq!(bad_at.json()["field"], "at");
    let unknown = post_json(&s, &format!("{ACME}/replies"), &json!({ "person": "zed" }));
    assert_eq!(unknown.json()["field"], "person");

    let r = post_json(
        &s,
        &format!("{ACME}/news"),
        &json!({ "text": "Acme opened in Singapore", "on": "2026-11-19" }),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.json()[0]["text"], "Acme opened in Singapore");
    assert_eq!(
        post_json(&s, &format!("{ACME}/news"), &json!({ "text": " " })).json()["field"],
        "text"
    );
    assert_eq!(
        post_json(
            &s,
            &format!("{ACME}/news"),
            &json!({ "text": "x", "on": "19/11" })
        )
        .json()["field"],
        "on"
    );

    let r = post_json(
        &s,
        &format!("{ACME}/research"),
        &json!({ "fact": "Moving reporting to dbt", "contribution": "Two years of dbt" }),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.json()[0]["contribution"], "Two years of dbt");
    assert_eq!(
        post_json(&s, &format!("{ACME}/research"), &json!({ "fact": "" })).json()["field"],
        "fact"
    );

    // Feedback waits for an outcome.
    let early = post_json(
        &s,
        &format!("{ACME}/feedback"),
        &json!({ "text": "Slow SQL" }),
    );
    assert_eq!(early.status, 422);
    assert!(
        early.json()["message"]
            .as_str()
            .expect("m")
            .contains("no outcome yet")
    );
    let r = put_json(
        &s,
        &format!("{ACME}/outcome"),
        &json!({ "kind": "rejected", "on": "2026-12-01", "stay_in_touch": true }),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["kind"], "rejected");
    assert_eq!(get(&s, ACME).json()["stage"], "rejected");
    let bad = put_json(
        &s,
        &format!("{ACME}/outcome"),
        &json!({ "kind": "ghosted" }),
    );
    assert_eq!(bad.status, 422);
    assert_eq!(bad.json()["field"], "kind");
    let r = post_json(
        &s,
        &format!("{ACME}/feedback"),
        &json!({ "text": "The SQL exercise was slow", "kind": "skill" }),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.json()["point"], 1);
    let r = post_json(
        &s,
        &format!("{ACME}/feedback"),
        &json!({ "point": 1, "plan": "Finish a SQL course", "by": "2027-01-15" }),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(
        r.json()["outcome"]["feedback"][0]["plan"]["by"],
        "2027-01-15"
    );
    for (body, field) in [
        (json!({ "point": 1, "plan": "Course" }), "by"),
        (json!({ "point": 1, "by": "2027-01-01" }), "plan"),
        (json!({ "point": 7, "kind": "skill" }), "point"),
        (json!({ "text": "x", "by": "soon", "plan": "p" }), "by"),
        (json!({}), "text"),
    ] {
        let r = post_json(&s, &format!("{ACME}/feedback"), &body);
        assert_eq!(r.status, 422, "{body}: {}", r.body);
        assert_eq!(r.json()["field"], field, "{body}: {}", r.body);
    }
    // Recording the outcome again keeps the feedback.
    put_json(&s, &format!("{ACME}/outcome"), &json!({ "kind": "offer" }));
    let o = get(&s, ACME).json()["outcome"].clone();
    assert_eq!(o["kind"], "offer");
    assert_eq!(o["on"], "2026-11-20", "today by default");
    assert_eq!(o["feedback"].as_array().map(Vec::len), Some(1));
    for (path, body) in [
        ("replies", json!({})),
        ("news", json!({ "text": "x" })),
        ("research", json!({ "fact": "x" })),
        ("feedback", json!({ "text": "x" })),
    ] {
        let r = post_json(&s, &format!("/api/v1/applications/nope/{path}"), &body);
        assert_eq!(r.status, 404, "{path}: {}", r.body);
    }
}

#[test]
fn drafts_are_written_and_checked() {
    let s = seeded();
    debrief_panel(&s);
    let r = post_json(
        &s,
        "/api/v1/drafts",
        &json!({ "app": "acme-analyst", "person": "marie", "kind": "thank-you" }),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let j = r.json();
    assert!(j["body"].as_str().expect("body").contains("Marie"), "{j}");
    assert!(
        j["body"].as_str().expect("body").contains("APAC"),
        "uses what she said: {j}"
    );
    assert!(!j["subject"].as_str().expect("subject").is_empty());
    assert!(j["diagnostics"].is_array());
    let r = post_json(
        &s,
        "/api/v1/drafts",
        &json!({ "app": "acme-analyst", "person": "zed" }),
    );
    assert_eq!(r.status, 422);
    assert_eq!(r.json()["field"], "person");
    let r = post_json(
        &s,
        "/api/v1/drafts",
        &json!({ "app": "nope", "person": "marie" }),
    );
    assert_eq!(r.status, 404);
    let r = post_json(
        &s,
        "/api/v1/drafts",
        &json!({ "app": "acme-analyst", "person": "marie", "kind": "poem" }),
    );
    assert_eq!(r.status, 422);
    assert_eq!(r.json()["field"], "kind");
}

/// The agenda API serves exactly what `debrief agenda --json` prints: the
/// engine's agenda of the whole store, as pretty JSON and a newline.
fn cli_agenda_bytes(s: &Server, now: &str) -> Vec<u8> {
    let store = s.store();
    let data = store.load().expect("load");
    let tz = debrief_core::exchange::parse_timezone(&data.profile.timezone).expect("tz");
    let now = debrief_core::input::parse_time(now, &tz).expect("now").ts;
    let engine = debrief_core::engine::Engine::new(&data.profile).expect("engine");
    let mut out = serde_json::to_vec_pretty(&engine.agenda(&data, now)).expect("json");
    out.push(b'\n');
    out
}

#[test]
fn the_agenda_is_the_cli_bytes_cached_gzipped_and_paged() {
    // The demo store: many applications in every state.
    let s = Server::start(Some(NOW));
    let now: jiff::Timestamp = "2026-11-20T21:00:00Z".parse().expect("ts");
    let demo = debrief_core::demo::dataset(now, "America/Chicago").expect("demo");
    let r = post_json(
        &s,
        "/api/v1/import",
        &serde_json::to_value(&demo).expect("v"),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let (status, hs, plain) = get_raw(&s, "/api/v1/agenda", &[]);
    assert_eq!(status, 200);
    let expected = cli_agenda_bytes(&s, NOW);
    assert_eq!(
        String::from_utf8_lossy(&plain),
        String::from_utf8_lossy(&expected),
        "same bytes as debrief agenda --json"
    );
    let count = serde_json::from_slice::<serde_json::Value>(&plain).expect("json")["actions"]
        .as_array()
        .map(Vec::len)
        .unwrap_or(0);
    assert!(count > 10, "the demo has a real agenda: {count}");
    let etag = header(&hs, "etag").expect("etag").to_string();
    assert_eq!(header(&hs, "vary"), Some("Accept-Encoding"));

    // gzip when asked, the same document inside.
    let (_, hz, gz) = get_raw(&s, "/api/v1/agenda", &[("accept-encoding", "gzip")]);
    assert_eq!(header(&hz, "content-encoding"), Some("gzip"));
    assert!(
        gz.len() * 4 < plain.len(),
        "{} vs {}",
        gz.len(),
        plain.len()
    );
    let mut unzipped = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&gz[..]), &mut unzipped)
        .expect("gunzip");
    assert_eq!(unzipped, plain);

    // Unchanged: 304 with no body. A write changes the tag and the body.
    let (status, _, body) = get_raw(&s, "/api/v1/agenda", &[("if-none-match", &etag)]);
    assert_eq!((status, body.len()), (304, 0));
    let first =
        serde_json::from_slice::<serde_json::Value>(&plain).expect("json")["actions"][0].clone();
    let app = first["application"].as_str().expect("app");
    let d = post_json(
        &s,
        &format!("/api/v1/applications/{app}/dismissals"),
        &json!({ "rule": first["rule"], "interview": first["interview"], "person": first["person"], "reason": "done" }),
    );
    assert_eq!(d.status, 201, "{}", d.body);
    let (status, hs2, after) = get_raw(&s, "/api/v1/agenda", &[("if-none-match", &etag)]);
    assert_eq!(status, 200, "a write makes the cached agenda stale");
    assert_ne!(header(&hs2, "etag"), Some(etag.as_str()));
    assert_eq!(after, cli_agenda_bytes(&s, NOW));

    // Paging: the same actions, in order, a page at a time.
    let all: serde_json::Value = serde_json::from_slice(&after).expect("json");
    let all = all["actions"].as_array().expect("a").clone();
    let page = get(&s, "/api/v1/agenda?limit=5&offset=3").json();
    assert_eq!(page["total"], all.len());
    assert_eq!(page["offset"], 3);
    assert_eq!(page["limit"], 5);
    assert_eq!(page["actions"].as_array().expect("p")[..], all[3..8]);
    let overdue = get(&s, "/api/v1/agenda?state=overdue&limit=10000").json();
    let n = all.iter().filter(|a| a["state"] == "overdue").count();
    assert_eq!(overdue["total"], n);
    assert!(
        overdue["actions"]
            .as_array()
            .expect("o")
            .iter()
            .all(|a| a["state"] == "overdue")
    );
    let one = get(&s, &format!("/api/v1/agenda?app={app}")).json();
    assert!(
        one["actions"]
            .as_array()
            .expect("a")
            .iter()
            .all(|a| a["application"] == app)
    );
    assert!(one.get("total").is_none(), "not paged: the CLI's shape");
    for (q, field) in [("state=late", "state"), ("now=soon", "now")] {
        let r = get(&s, &format!("/api/v1/agenda?{q}"));
        assert_eq!(r.status, 422, "{q}");
        assert_eq!(r.json()["field"], field);
    }
    for q in ["limit=many", "limit=-1"] {
        let r = get(&s, &format!("/api/v1/agenda?{q}"));
        assert_eq!(r.status, 422, "{q}");
        assert_eq!(r.json()["field"], "limit", "{}", r.body);
        assert_eq!(r.json()["message"], "expected a whole number, 0 or more");
    }
    let r = get(&s, "/api/v1/agenda?colour=red");
    assert_eq!(r.status, 422, "unknown parameters are named: {}", r.body);
    assert_eq!(r.json()["field"], "colour", "{}", r.body);
}

#[test]
fn a_write_by_another_process_is_seen() {
    let s = seeded();
    let before = get(&s, "/api/v1/applications").json();
    assert_eq!(before.as_array().map(Vec::len), Some(1));
    let _ = get(&s, "/"); // build the snapshot
    // What `debrief app add` does, on its own connection.
    {
        let mut store = s.store();
        let app = debrief_core::model::Application::new("globex", "Globex", "Analyst");
        store
            .apply(&[debrief_store::Change::PutApplication(app)])
            .expect("write");
    }
    let after = get(&s, "/api/v1/applications").json();
    assert_eq!(after.as_array().map(Vec::len), Some(2), "{after}");
    assert!(get(&s, "/applications").body.contains("Globex"));
}

#[test]
fn today_shows_the_top_of_each_list_and_pages_the_rest() {
    // A month after the demo's moment: much is overdue.
    let s = Server::start(Some("2026-12-21T09:00:00-06:00"));
    let now: jiff::Timestamp = "2026-11-20T21:00:00Z".parse().expect("ts");
    let demo = debrief_core::demo::dataset(now, "America/Chicago").expect("demo");
    // Many copies of the demo: more actions than Today shows (chores a
    // month old have lapsed, so it takes more copies than it used to).
    let mut big = demo.clone();
    big.applications.clear();
    for i in 0..24 {
        for a in &demo.applications {
            let mut a = a.clone();
            a.id = format!("{}-{i}", a.id).into();
            big.applications.push(a);
        }
    }
    let r = post_json(
        &s,
        "/api/v1/import",
        &serde_json::to_value(&big).expect("v"),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let agenda = get(&s, "/api/v1/agenda").json();
    let overdue = agenda["actions"]
        .as_array()
        .expect("a")
        .iter()
        .filter(|a| a["state"] == "overdue")
        .count();
    assert!(overdue > 60, "{overdue}");
    let today = get(&s, "/").body;
    let cards = today.matches("<li class=\"action overdue\"").count();
    assert_eq!(cards, 10, "the top ten overdue");
    assert!(
        today.contains(&format!("See all {overdue} overdue")),
        "{today}"
    );
    let (status, hs, gz) = get_raw(&s, "/", &[("accept-encoding", "gzip")]);
    assert_eq!(status, 200);
    assert_eq!(header(&hs, "content-encoding"), Some("gzip"));
    assert!(!gz.is_empty());
    let page1 = get(&s, "/?show=overdue").body;
    assert_eq!(page1.matches("<li class=\"action overdue\"").count(), 50);
    let last = overdue.div_ceil(50);
    let lastp = get(&s, &format!("/?show=overdue&page={last}")).body;
    assert_eq!(
        lastp.matches("<li class=\"action overdue\"").count(),
        overdue - (last - 1) * 50
    );
    assert!(lastp.contains(&format!("Page {last} of {last}")));
    assert!(lastp.contains("rel=\"prev\""));
    let bad = get(&s, "/?show=later");
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("unknown list"));
}

#[test]
fn oversized_and_malformed_requests_get_json_errors_and_write_nothing() {
    let s = seeded();
    let huge = format!(
        "{{\"format\": \"debrief/1\", \"applications\": [], \"pad\": \"{}\"}}",
        "x".repeat(debrief_web::BODY_LIMIT_BYTES + 1)
    );
    let r = post_raw(&s, "/api/v1/import?replace=true", &huge);
    assert_eq!(r.status, 413, "{}", &r.body[..r.body.len().min(200)]);
    assert!(
        r.json()["message"]
            .as_str()
            .expect("m")
            .contains("larger than 8 MB"),
        "{}",
        r.body
    );
    assert_eq!(
        get(&s, "/api/v1/applications")
            .json()
            .as_array()
            .map(Vec::len),
        Some(1),
        "nothing replaced"
    );
    let r = get(&s, "/api/v1/agenda?offset=-1");
    assert_eq!(r.status, 422);
    assert!(r.json()["message"].is_string());
    let r = post_raw(&s, "/api/v1/applications/acme-analyst/touches", "[1, 2]");
    assert_eq!(r.status, 422);
    assert!(r.json()["message"].is_string());
}

#[test]
fn an_upload_over_the_limit_is_refused_by_the_field() {
    let s = seeded();
    let boundary = "XbOuNdArY";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.json\"\r\nContent-Type: application/json\r\n\r\n{}\r\n--{boundary}--\r\n",
        "x".repeat(debrief_web::BODY_LIMIT_BYTES + 10)
    );
    let mut r = agent()
        .post(&s.url("/settings/import"))
        .header("origin", format!("http://{}", s.addr))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .send(body)
        .expect("POST");
    let status = r.status().as_u16();
    let page = r.body_mut().read_to_string().expect("page");
    assert_eq!(status, 422, "{}", &page[..page.len().min(300)]);
    assert!(page.contains("larger than 8 MB"), "{page}");
    assert!(page.contains("debrief import FILE"));
    assert_eq!(
        get(&s, "/api/v1/applications")
            .json()
            .as_array()
            .map(Vec::len),
        Some(1)
    );
}

/// The demo store, as `debrief demo` fills it at `NOW`.
fn demo_server() -> Server {
    demo_in(Server::start(Some(NOW)))
}

/// The demo imported into `s`.
fn demo_in(s: Server) -> Server {
    let now: jiff::Timestamp = "2026-11-20T21:00:00Z".parse().expect("ts");
    let demo = debrief_core::demo::dataset(now, "America/Chicago").expect("demo");
    let r = post_json(
        &s,
        "/api/v1/import",
        &serde_json::to_value(&demo).expect("v"),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    s
}

fn lint_rules(r: &Reply) -> Vec<String> {
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| d["rule"].as_str().unwrap_or("").to_string())
        .collect()
}

#[test]
fn lint_builds_the_context_the_cli_does() {
    // The rule pack beside the store: a SQLite file's folder.
    let s = demo_in(Server::start_sqlite(Some(NOW)));
    let note = "Hi Marie,\n\nThank you for your time today. I enjoyed our talk.\n\nBest,\nAlex\n";
    // A note with a recipient is a thank-you, as `debrief lint --to marie`.
    let to_marie = lint_rules(&post_json(
        &s,
        "/api/v1/lint",
        &json!({ "text": note, "app": "demo-northwind", "person": "marie" }),
    ));
    for rule in ["lint/missing-fit", "lint/no-reference"] {
        assert!(to_marie.contains(&rule.to_string()), "{rule}: {to_marie:?}");
    }
    let as_thank_you = lint_rules(&post_json(
        &s,
        "/api/v1/lint",
        &json!({ "text": note, "app": "demo-northwind", "person": "marie", "kind": "thank-you" }),
    ));
    assert_eq!(to_marie, as_thank_you);
    // Exactly what the linter finds in the CLI's context.
    let store = s.store();
    let app = debrief_store::StoreReader::application(&*store, "demo-northwind")
        .expect("read")
        .expect("app");
    let now: jiff::Timestamp = "2026-11-20T21:00:00Z".parse().expect("ts");
    let pack = debrief_lint::RulePack::builtin();
    let cx = debrief_lint::note_context(&app, Some("marie"), None, now, &pack);
    assert!(cx.interview.is_some(), "the note follows marie's interview");
    let expected: Vec<String> = debrief_lint::lint(note, &cx)
        .into_iter()
        .map(|d| d.rule)
        .collect();
    assert_eq!(to_marie, expected);
    // The user's rule pack beside the store applies, as in the CLI.
    let dir = s.db.parent().expect("dir");
    std::fs::write(
        dir.join("rules.toml"),
        "[[rule]]\nid = \"lint/missing-fit\"\nseverity = \"off\"\n",
    )
    .expect("write pack");
    let packed = lint_rules(&post_json(
        &s,
        "/api/v1/lint",
        &json!({ "text": note, "app": "demo-northwind", "person": "marie" }),
    ));
    assert!(
        !packed.contains(&"lint/missing-fit".to_string()),
        "{packed:?}"
    );
    assert!(
        packed.contains(&"lint/no-reference".to_string()),
        "{packed:?}"
    );
    // The composer's first check uses the same context and pack.
    let page = get(&s, "/applications/demo-northwind/compose?person=marie");
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(!page.body.contains("lint/missing-fit"), "the pack applies");
    std::fs::write(dir.join("rules.toml"), "[[rule]\nbroken").expect("write pack");
    let broken = post_json(
        &s,
        "/api/v1/lint",
        &json!({ "text": note, "app": "demo-northwind", "person": "marie" }),
    );
    assert_eq!(broken.status, 500);
    assert!(
        broken.json()["message"]
            .as_str()
            .expect("msg")
            .contains("rules.toml")
    );
    std::fs::remove_file(dir.join("rules.toml")).expect("remove");
    // A person needs an application, like the CLI's exit 2.
    let r = post_json(
        &s,
        "/api/v1/lint",
        &json!({ "text": "x", "person": "marie" }),
    );
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(r.json()["field"], "app");
    let r = post_json(&s, "/api/v1/lint", &json!({ "text": "x", "app": "nope" }));
    assert_eq!(r.status, 404, "{}", r.body);
    assert_eq!(r.json()["field"], "app");
    // Without an application only the context-free rules run.
    let bare = lint_rules(&post_json(&s, "/api/v1/lint", &json!({ "text": note })));
    assert!(!bare.contains(&"lint/no-reference".to_string()), "{bare:?}");
}

#[test]
fn errors_name_the_field_in_plain_words() {
    let s = seeded();
    let r = post_json(&s, "/api/v1/applications", &json!({ "role": "Analyst" }));
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(r.json()["field"], "company");
    assert_eq!(r.json()["message"], "`company` is required");
    let r = post_raw(&s, "/api/v1/applications", "[]");
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(r.json()["message"], "expected a JSON object");
    assert!(!r.body.contains("struct"), "no Rust type names: {}", r.body);
    let r = post_raw(&s, "/api/v1/applications", "{\"company\": ");
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(
        r.json()["message"]
            .as_str()
            .expect("m")
            .starts_with("the body is not valid JSON"),
        "{}",
        r.body
    );
    let r = post_json(
        &s,
        "/api/v1/applications",
        &json!({ "company": "A", "role": "B", "colour": "red" }),
    );
    assert_eq!(r.json()["field"], "colour", "{}", r.body);
    // A form over the limit: a page saying so, not the library's words.
    let huge = "x".repeat(debrief_web::BODY_LIMIT_BYTES + 10);
    let r = post_form(&s, "/applications", &[("company", &huge), ("role", "B")]);
    assert_eq!(r.status, 413);
    assert!(
        r.body.contains("larger than 8 MB"),
        "{}",
        &r.body[..r.body.len().min(400)]
    );
    assert!(r.body.contains("<h1>"), "a page");
    // A form post where a file upload is expected.
    let r = post_form(&s, "/settings/import", &[("file", "{}")]);
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.contains("expects a file upload"), "{}", r.body);
    // An exchange error names its place once.
    let doc = br#"{"format": "debrief/1", "applications": [{"id": "x"}]}"#;
    let r = post_multipart(&s, "/settings/import", &[], Some(("file", "bad.json", doc)));
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("applications[0]"), "{}", r.body);
    assert!(
        !r.body.contains("applications[0]: applications[0]"),
        "{}",
        r.body
    );
    let r = post_json(
        &s,
        "/api/v1/import",
        &json!({"format": "debrief/1", "applications": [{"id": "x"}]}),
    );
    assert_eq!(r.json()["field"], "applications[0]", "{}", r.body);
    assert!(
        !r.json()["message"]
            .as_str()
            .expect("m")
            .contains("applications[0]")
    );
}

/// The value of `name="…"` in an SVG or HTML tag.
fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    tag[start..].split('"').next()
}

#[test]
fn insights_charts_fit_their_drawing_and_count_honestly() {
    let s = demo_server();
    let page = get(&s, "/insights");
    assert_eq!(page.status, 200);
    let svgs: Vec<&str> = page.body.split("<svg").skip(1).collect();
    assert!(svgs.len() >= 4, "the charts are drawn");
    for svg in &svgs {
        let svg = svg.split("</svg>").next().expect("svg");
        let open = svg.split('>').next().expect("tag");
        let view: Vec<f64> = attr(open, "viewBox")
            .expect("viewBox")
            .split(' ')
            .map(|n| n.parse().expect("number"))
            .collect();
        let width = view[2];
        // Never drawn larger than its natural size: text stays 13 px.
        assert_eq!(attr(open, "width"), Some(format!("{width}").as_str()));
        for t in svg.split("<text").skip(1) {
            let (tag, rest) = t.split_once('>').expect("text");
            let label = rest.split('<').next().expect("label");
            let x: f64 = attr(tag, "x").expect("x").parse().expect("x");
            // 13 px text is under 7.5 px a character.
            let w = label.chars().count() as f64 * 7.5;
            let (left, right) = match attr(tag, "text-anchor") {
                Some("end") => (x - w, x),
                Some("middle") => (x - w / 2.0, x + w / 2.0),
                _ => (x, x + w),
            };
            assert!(
                left >= 0.0 && right <= width,
                "'{label}' ({left}..{right}) is cut off a drawing {width} wide"
            );
        }
    }
    // A stage's "reached" includes the applications now in it.
    let mut rows = 0;
    for t in page.body.split("class=\"value\">").skip(1) {
        let text = t.split('<').next().expect("text");
        if let Some((reached, now)) = text.split_once(" reached, ") {
            let reached: usize = reached.parse().expect("reached");
            let now: usize = now.trim_end_matches(" now").parse().expect("now");
            assert!(reached >= now, "{text}");
            rows += 1;
        }
    }
    assert_eq!(rows, 7, "every stage has a row");
    assert!(page.body.contains("1 reached, 1 now"), "rejected counts");
}

#[test]
fn input_is_checked_by_the_field_and_nothing_is_written() {
    let s = seeded();
    let before = get(&s, "/api/v1/export").body;
    let refused = |r: Reply, field: &str| {
        assert_eq!(
            r.status,
            422,
            "{field}: {}",
            &r.body[..r.body.len().min(300)]
        );
        assert_eq!(
            r.json()["field"],
            field,
            "{}",
            &r.body[..r.body.len().min(300)]
        );
    };
    let long = "x".repeat(20_001);
    refused(
        post_json(
            &s,
            "/api/v1/applications/acme-analyst/news",
            &json!({ "text": long }),
        ),
        "text",
    );
    refused(
        post_json(
            &s,
            "/api/v1/applications",
            &json!({ "company": "x".repeat(201), "role": "B" }),
        ),
        "company",
    );
    for bad in ["Acme\r\nBcc: x@evil.example", "Acme\nCorp"] {
        refused(
            post_json(
                &s,
                "/api/v1/applications",
                &json!({ "company": bad, "role": "B" }),
            ),
            "company",
        );
    }
    refused(
        post_json(
            &s,
            "/api/v1/applications",
            &json!({ "company": "A", "role": "Analyst\nLead" }),
        ),
        "role",
    );
    refused(
        post_json(
            &s,
            "/api/v1/applications/acme-analyst/people",
            &json!({ "name": "Ann\nBee" }),
        ),
        "name",
    );
    refused(
        patch_json(
            &s,
            "/api/v1/applications/acme-analyst/people/marie",
            &json!({ "name": "M".repeat(201) }),
        ),
        "name",
    );
    refused(
        post_json(
            &s,
            "/api/v1/applications/acme-analyst/research",
            &json!({ "fact": long }),
        ),
        "fact",
    );
    // A dismissal says why, as the docs promise.
    let d = "/api/v1/applications/acme-analyst/dismissals";
    refused(
        post_json(&s, d, &json!({ "rule": "status-check" })),
        "reason",
    );
    refused(
        post_json(&s, d, &json!({ "rule": "status-check", "reason": "  " })),
        "reason",
    );
    assert_eq!(get(&s, "/api/v1/export").body, before, "nothing written");
    // Within the limits all is well.
    let r = post_json(
        &s,
        "/api/v1/applications/acme-analyst/news",
        &json!({ "text": "y".repeat(20_000) }),
    );
    assert_eq!(r.status, 201, "{}", &r.body[..r.body.len().min(300)]);
    // An empty profile name is refused on the settings page.
    let r = post_form(
        &s,
        "/settings/profile",
        &[("name", "  "), ("timezone", "America/Chicago")],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("cannot be empty"), "{}", r.body);
    assert_eq!(
        get(&s, "/api/v1/export").json()["profile"]["name"],
        "Sam Rivera"
    );
}

#[test]
fn flash_names_people_favicon_is_served_and_interviewers_is_accepted() {
    let s = seeded();
    let r = post_form(
        &s,
        "/actions/log",
        &[
            ("app", "acme-analyst"),
            ("person", "marie"),
            ("kind", "thank-you"),
            ("channel", "email"),
        ],
    );
    let (_, msg) = flash(&r).expect("a message");
    assert!(msg.contains("to Marie Dubois"), "{msg}");
    let r = post_form(
        &s,
        "/applications/acme-analyst/touches",
        &[
            ("person", "raj"),
            ("kind", "thank-you"),
            ("channel", "email"),
        ],
    );
    let (_, msg) = flash(&r).expect("a message");
    assert!(msg.contains("to Raj Patel"), "{msg}");
    for path in ["/favicon.ico", "/assets/favicon.svg"] {
        let r = get(&s, path);
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.header("content-type"), Some("image/svg+xml"));
        assert!(r.body.starts_with("<svg"));
    }
    assert!(get(&s, "/").body.contains("rel=\"icon\""));
    let r = post_json(
        &s,
        "/api/v1/applications/acme-analyst/interviews",
        &json!({ "start": "2026-11-24T10:00:00-06:00", "interviewers": ["marie", "raj"] }),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.json()["interviewers"], json!(["marie", "raj"]));
}

#[test]
fn settings_keep_your_email_addresses_one_per_line() {
    let s = seeded();
    let form = |emails: &str| {
        vec![
            ("name", "Sam Rivera".to_string()),
            ("timezone", "America/Chicago".to_string()),
            ("holidays", "US".to_string()),
            ("policy", "conservative".to_string()),
            ("emails", emails.to_string()),
        ]
    };
    let post = |emails: &str| {
        let f = form(emails);
        let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        post_form(&s, "/settings/profile", &pairs)
    };
    let r = post(" sam@rivera.dev \n\nSam.Rivera@mail.example\nSAM@RIVERA.DEV\n");
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(
        get(&s, "/api/v1/export").json()["profile"]["emails"],
        json!(["sam@rivera.dev", "Sam.Rivera@mail.example"])
    );
    assert!(
        get(&s, "/settings")
            .body
            .contains("Sam.Rivera@mail.example")
    );
    // Not an address: refused, naming the field, nothing written.
    let r = post("sam@rivera.dev\nnot an address");
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("not an address"), "{}", r.body);
    assert_eq!(
        get(&s, "/api/v1/export").json()["profile"]["emails"],
        json!(["sam@rivera.dev", "Sam.Rivera@mail.example"])
    );
    // A form without the field keeps them.
    let r = post_form(
        &s,
        "/settings/profile",
        &[("name", "Sam Rivera"), ("timezone", "America/Chicago")],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(
        get(&s, "/api/v1/export").json()["profile"]["emails"],
        json!(["sam@rivera.dev", "Sam.Rivera@mail.example"])
    );
}

#[test]
fn lint_flags_a_second_thank_you_and_refuses_a_note_over_the_limit() {
    let s = demo_server();
    // The demo already logged a thank-you to Lee for the Globex interview.
    let note = "Hi Lee,\n\nThank you again for the interview.\n\nBest,\nAlex\n";
    let r = post_json(
        &s,
        "/api/v1/lint",
        &json!({ "text": note, "app": "demo-globex", "person": "lee" }),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let diags = r.json()["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .clone();
    let again = diags
        .iter()
        .find(|d| d["rule"] == "lint/already-sent")
        .unwrap_or_else(|| panic!("{diags:?}"));
    assert_eq!(again["severity"], "warning");
    // The demo's dates follow the clock: the first note's date is named.
    let message = again["message"].as_str().unwrap_or("");
    assert!(
        message.contains("You already thanked Lee for this interview on ")
            && message.contains(", 2026;"),
        "{again}"
    );
    let long = "a".repeat(debrief_lint::NOTE_MAX + 1);
    let r = post_json(
        &s,
        "/api/v1/lint",
        &json!({ "text": long, "app": "demo-globex", "person": "lee" }),
    );
    // A field error, as for every other field over its limit.
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(r.json()["field"], "text");
    assert!(r.body.contains("20000"), "{}", r.body);
}

/// The fields people keep and archiving: set through the API and the form,
/// exported only when set, refused with the field named when wrong; an
/// archived application leaves the board and the agenda, stays in search,
/// and comes back.
#[test]
fn job_details_and_archiving() {
    let s = seeded();
    // An old file (no new fields) exports without them.
    let export = get(&s, "/api/v1/export").body;
    for field in [
        "posting_url",
        "location",
        "salary",
        "applied_on",
        "source",
        "archived",
    ] {
        assert!(!export.contains(field), "{field} written while unset");
    }
    let r = patch_json(
        &s,
        "/api/v1/applications/acme-analyst",
        &json!({"posting_url": "https://jobs.example/acme/1", "location": "Chicago; hybrid",
                "salary": "$95k–$110k", "applied_on": "2026-11-02", "source": "referral"}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let a = r.json();
    assert_eq!(a["posting_url"], "https://jobs.example/acme/1");
    assert_eq!(a["applied_on"], "2026-11-02");
    assert_eq!(a["source"], "referral");
    assert!(a.get("archived").is_none(), "false is not written: {a}");
    // Bad values name their field; nothing changes.
    for (body, field) in [
        (json!({"posting_url": "javascript:alert(1)"}), "posting_url"),
        (json!({"applied_on": "2 Nov"}), "applied_on"),
        (json!({"location": "two\nlines"}), "location"),
    ] {
        let r = patch_json(&s, "/api/v1/applications/acme-analyst", &body);
        assert_eq!(r.status, 422, "{body}: {}", r.body);
        assert_eq!(r.json()["field"], field, "{}", r.body);
    }
    assert_eq!(
        get(&s, "/api/v1/applications/acme-analyst").json()["posting_url"],
        "https://jobs.example/acme/1"
    );
    // The page shows them, the link only for a web address.
    let page = get(&s, "/applications/acme-analyst").body;
    assert!(
        page.contains(r#"href="https://jobs.example/acme/1""#),
        "posting link"
    );
    assert!(page.contains("Chicago; hybrid") && page.contains("via referral"));
    // A blank text clears one.
    let r = patch_json(
        &s,
        "/api/v1/applications/acme-analyst",
        &json!({"salary": ""}),
    );
    assert!(r.json().get("salary").is_none(), "{}", r.body);
    // The form sets them too.
    let r = post_form(
        &s,
        "/applications",
        &[
            ("company", "Initech"),
            ("posting_url", "https://initech.example/jobs/9"),
            ("applied_on", "2026-11-10"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let initech = get(&s, "/api/v1/applications/initech").json();
    assert_eq!(initech["posting_url"], "https://initech.example/jobs/9");
    assert_eq!(initech["applied_on"], "2026-11-10");

    // Archive: off the board and the agenda, still found.
    let before = get(&s, "/api/v1/agenda?app=acme-analyst").json();
    assert!(
        !before["actions"].as_array().expect("actions").is_empty(),
        "{before}"
    );
    let r = post_form(
        &s,
        "/applications/acme-analyst/archive",
        &[("archived", "true")],
    );
    assert_eq!(r.status, 303);
    let (_, msg) = flash(&r).expect("message");
    assert!(msg.contains("Archived Acme Corp"), "{msg}");
    let after = get(&s, "/api/v1/agenda?app=acme-analyst").json();
    assert_eq!(after["actions"], json!([]), "{after}");
    let board = get(&s, "/applications").body;
    assert!(
        !board.contains(r#"data-app="acme-analyst""#),
        "off the board"
    );
    assert!(board.contains("1 archived"), "the board says so");
    let archived = get(&s, "/applications?archived=true").body;
    assert!(archived.contains(r#"data-app="acme-analyst""#));
    let listed = get(&s, "/api/v1/applications?archived=true").json();
    assert_eq!(listed.as_array().map(Vec::len), Some(1), "{listed}");
    assert_eq!(listed[0]["archived"], true);
    let found = get(&s, "/api/v1/search?q=acme").json();
    assert_eq!(found["applications"][0]["app"], "acme-analyst", "{found}");
    assert!(export_has_archived(&s));
    // Back again, by the API.
    let r = patch_json(
        &s,
        "/api/v1/applications/acme-analyst",
        &json!({"archived": false}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        get(&s, "/api/v1/agenda?app=acme-analyst").json()["actions"],
        before["actions"]
    );
}

fn export_has_archived(s: &Server) -> bool {
    get(s, "/api/v1/export").json()["applications"][0]["archived"] == true
}

/// Search and the board's filters through the API, and the vCard of one
/// person read back.
/// One person's card is the contact the people list has for them: the
/// same address at another application is the same person, met twice;
/// another address is someone else.
#[test]
fn one_persons_card_holds_every_application_they_appear_in() {
    let s = seeded();
    for (company, name, email) in [
        ("Globex", "Ana Lima", "ana@globex.example"),
        ("Initech", "Ana L.", "ANA@globex.example"),
        ("Hooli", "Ana Lima", "ana@hooli.example"),
    ] {
        let r = post_json(
            &s,
            "/api/v1/applications",
            &json!({ "company": company, "role": "Analyst" }),
        );
        assert_eq!(r.status, 201, "{}", r.body);
        let id = r.json()["id"].as_str().expect("id").to_string();
        let r = post_json(
            &s,
            &format!("/api/v1/applications/{id}/people"),
            &json!({ "name": name, "email": email, "kind": "recruiter" }),
        );
        assert_eq!(r.status, 201, "{}", r.body);
    }
    let r = get(&s, "/api/v1/people/vcard?app=initech-analyst&person=ana");
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body.matches("BEGIN:VCARD").count(), 1, "{}", r.body);
    assert!(r.body.contains("\r\nFN:Ana Lima\r\n"), "{}", r.body);
    assert!(
        r.body.contains("Globex (Analyst)") && r.body.contains("Initech (Analyst)"),
        "{}",
        r.body
    );
    assert!(!r.body.contains("Hooli"), "{}", r.body);
    // The same card the whole list holds for her.
    let everyone = get(&s, "/api/v1/people").json();
    let ana: Vec<_> = everyone
        .as_array()
        .expect("people")
        .iter()
        .filter(|c| c["name"] == "Ana Lima")
        .collect();
    assert_eq!(ana.len(), 2, "{everyone}");
    assert!(
        ana.iter()
            .any(|c| c["at"].as_array().map(Vec::len) == Some(2))
    );
    let r = get(&s, "/api/v1/people/vcard?app=hooli-analyst&person=ana");
    assert!(
        r.body.contains("Hooli (Analyst)") && !r.body.contains("Globex"),
        "{}",
        r.body
    );
}

#[test]
fn search_filters_people_and_vcards() {
    let s = seeded();
    let r = get(&s, "/api/v1/search?q=MARIE");
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["people"][0]["person"], "marie", "{}", r.body);
    let r = get(&s, "/api/v1/search?q=");
    assert_eq!((r.status, r.json()["field"].clone()), (422, json!("q")));
    let r = get(&s, "/api/v1/applications?sort=sideways");
    assert_eq!((r.status, r.json()["field"].clone()), (422, json!("sort")));
    let r = get(&s, "/api/v1/applications?stage=offer");
    assert_eq!(r.json(), json!([]));
    let r = patch_json(
        &s,
        "/api/v1/applications/acme-analyst",
        &json!({"stage": "offer"}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let r = get(&s, "/api/v1/applications?stage=offer");
    assert_eq!(r.json()[0]["id"], "acme-analyst");
    let people = get(&s, "/api/v1/people").json();
    assert_eq!(people.as_array().map(Vec::len), Some(2), "{people}");
    let r = get(&s, "/api/v1/people/vcard?app=acme-analyst&person=marie");
    assert_eq!(r.status, 200);
    assert!(
        r.header("content-type")
            .is_some_and(|c| c.starts_with("text/vcard"))
    );
    assert!(r.body.contains("\r\nFN:Marie Dubois\r\n"), "{}", r.body);
    assert!(r.body.contains("ORG:Acme Corp\r\n"), "{}", r.body);
    let r = get(&s, "/api/v1/people/vcard?app=acme-analyst&person=nobody");
    assert_eq!(
        (r.status, r.json()["field"].clone()),
        (404, json!("person"))
    );
}

/// 250 people over 50 applications (two share an address, any case), on
/// a SQLite file so the whole list is written by its own reading thread.
fn crowd() -> Server {
    let s = Server::start_sqlite(Some(NOW));
    let mut doc = sample();
    let apps: Vec<serde_json::Value> = (0..50)
        .map(|i| {
            let people: Vec<serde_json::Value> = (0..5)
                .map(|j| {
                    let email = if (i, j) == (7, 0) {
                        "shared.person0@example.org".to_string()
                    } else if (i, j) == (31, 4) {
                        "Shared.Person0@Example.ORG".to_string()
                    } else {
                        format!("p{i}-{j}@co{i}.example")
                    };
                    json!({ "id": format!("p{j}"), "name": format!("Person {:03}", (i * 5 + j) * 37 % 250), "email": email })
                })
                .collect();
            json!({ "id": format!("co-{i}"), "company": format!("Co {i}"), "role": "Analyst", "people": people })
        })
        .collect();
    doc["applications"] = json!(apps);
    let r = post_json(&s, "/api/v1/import", &doc);
    assert_eq!(r.status, 200, "{}", r.body);
    s
}

#[test]
fn everyone_is_listed_a_page_at_a_time_and_downloaded_whole() {
    let s = crowd();
    // The API's list: everyone, by name, the shared address one contact.
    let r = get(&s, "/api/v1/people");
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.header("content-type")
            .is_some_and(|c| c == "application/json"),
        "{:?}",
        r.header("content-type")
    );
    let everyone = r.json();
    let names: Vec<&str> = everyone
        .as_array()
        .expect("a list")
        .iter()
        .map(|c| c["name"].as_str().expect("a name"))
        .collect();
    assert_eq!(names.len(), 249, "{names:?}");
    let mut sorted = names.clone();
    sorted.sort_by_key(|n| n.to_lowercase());
    assert_eq!(names, sorted);
    let shared = everyone
        .as_array()
        .expect("a list")
        .iter()
        .find(|c| c["emails"][0] == "shared.person0@example.org")
        .expect("the shared address");
    assert_eq!(shared["at"].as_array().map(Vec::len), Some(2), "{shared}");

    // The page: 100 a page, by name, with a pager; past the end, the last.
    let page = |q: &str| get(&s, &format!("/people{q}"));
    let first = page("");
    assert_eq!(first.status, 200);
    assert!(first.body.contains("1–100 of 249 people"), "{}", first.body);
    assert!(first.body.contains("Page 1 of 3"), "{}", first.body);
    assert!(
        first.body.contains("href=\"/people?page=2\""),
        "{}",
        first.body
    );
    let shown = |body: &str| -> Vec<String> {
        body.split("<h2>")
            .skip(1)
            .map(|h| h.split("</h2>").next().unwrap_or("").to_string())
            .collect()
    };
    let mut paged = Vec::new();
    for n in 1..=3 {
        let r = page(&format!("?page={n}"));
        assert_eq!(r.status, 200, "{}", r.body);
        paged.extend(shown(&r.body));
    }
    assert_eq!(paged, names);
    let last = page("?page=99");
    assert_eq!(last.status, 200);
    assert!(last.body.contains("201–249 of 249 people"), "{}", last.body);
    assert!(last.body.contains("Page 3 of 3"), "{}", last.body);
    for bad in ["?page=two", "?page=-1", "?sort=name"] {
        let r = page(bad);
        assert_eq!(r.status, 422, "{bad}: {}", r.body);
    }

    // Everyone's cards: one each, in the list's order.
    let r = get(&s, "/api/v1/people/vcard");
    assert_eq!(r.status, 200, "{}", r.body);
    let cards: Vec<&str> = r
        .body
        .split("\r\nFN:")
        .skip(1)
        .map(|c| c.split("\r\n").next().unwrap_or(""))
        .collect();
    assert_eq!(cards, names);
    assert_eq!(r.body.matches("BEGIN:VCARD").count(), 249);
}
