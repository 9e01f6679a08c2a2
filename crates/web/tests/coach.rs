//! A coach's side of hosted mode (FORMAT.md §3) on a real PostgreSQL
//! database: the read-only drill-down into a sharing candidate's pages,
//! crawled link by link, and the cohort's insights with known numbers.
//! Needs `DEBRIEF_TEST_DATABASE_URL` (`.ci/postgres`); skipped loudly
//! without it.

mod common;

use std::collections::{BTreeSet, VecDeque};

use common::hosted::HostedSite;
use serde_json::Value;

const NOW: &str = "2026-11-20T15:00:00-06:00";

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into()
}

fn call(
    site: &HostedSite,
    method: &str,
    path: &str,
    token: &str,
    body: Option<&str>,
) -> (u16, String) {
    let mut req = ureq::http::Request::builder()
        .method(method)
        .uri(format!("http://{}{path}", site.addr))
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json");
    if !path.starts_with("/api/") {
        // As a browser asks for a page: the vault's pages answer
        // compressed then, and the coach's view must still be text.
        req = req.header("accept-encoding", "gzip");
    }
    let mut r = match body {
        Some(b) => agent().run(req.body(b.to_string()).expect("request")),
        None => agent().run(req.body(()).expect("request")),
    }
    .expect("request sent");
    (
        r.status().as_u16(),
        r.body_mut().read_to_string().unwrap_or_default(),
    )
}

fn fixture() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../cli/tests/fixtures/acme.json"
    ))
    .expect("fixture")
}

/// Every `href` of a page, unescaped (`&amp;` → `&`).
fn links(html: &str) -> Vec<String> {
    html.split(" href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(|l| l.replace("&amp;", "&"))
        .collect()
}

/// The `<form …>` tags of a page.
fn forms(html: &str) -> Vec<&str> {
    html.match_indices("<form")
        .filter_map(|(i, _)| html[i..].find('>').map(|e| &html[i..=i + e]))
        .collect()
}

#[test]
fn every_link_of_the_drill_down_stays_in_the_candidates_read_only_pages() {
    let Some(site) = HostedSite::start(NOW, "the coach's drill-down crawl") else {
        return;
    };
    let (status, body) = call(
        &site,
        "POST",
        "/api/v1/import",
        &site.victim,
        Some(&fixture()),
    );
    assert_eq!(status, 200, "{body}");
    let (status, body) = call(
        &site,
        "POST",
        "/api/v1/sharing",
        &site.victim,
        Some(r#"{"coach": "coach@example.org"}"#),
    );
    assert_eq!(status, 201, "{body}");
    let base = format!("/candidates/{}", site.victim_id);
    // The data behind the pages: applications, interviews and people.
    let (_, apps) = call(
        &site,
        "GET",
        &format!("/api/v1{base}/applications"),
        &site.coach,
        None,
    );
    assert!(apps.contains("acme-analyst"), "{apps}");

    let mut queue = VecDeque::from([base.clone()]);
    let mut seen = BTreeSet::from([base.clone()]);
    let mut pages = 0;
    let mut applications = 0;
    while let Some(path) = queue.pop_front() {
        let (status, html) = call(&site, "GET", &path, &site.coach, None);
        assert_eq!(status, 200, "GET {path} as the coach: {html}");
        if let Ok(dir) = std::env::var("COACH_DUMP") {
            let _ = std::fs::write(format!("{dir}/{}.html", path.replace('/', "_")), &html);
        }
        pages += 1;
        if path.starts_with(&format!("{base}/applications/")) {
            applications += 1;
        }
        // Nothing that writes: the coach's Sign out, and filters that
        // read, are the only forms.
        for form in forms(&html) {
            let ok = form.contains(r#"action="/logout""#)
                || (!form.contains(r#"method="post""#)
                    && form.contains(&format!(r#"action="{base}"#)));
            assert!(ok, "{path} has a form a coach should not see: {form}");
        }
        // Buttons: Sign out, and one to apply each filter.
        let filters = forms(&html)
            .iter()
            .filter(|f| !f.contains(r#"method="post""#))
            .count();
        assert_eq!(
            html.matches("<button").count(),
            1 + filters,
            "{path}: a button besides Sign out and the filters'"
        );
        for link in links(&html) {
            if link.starts_with('#') || link.starts_with("https://") || link.starts_with("http://")
            {
                continue;
            }
            let page = link.split('#').next().unwrap_or("").to_string();
            let own = page == base
                || page.starts_with(&format!("{base}/"))
                || page.starts_with(&format!("{base}?"));
            let coach_s = page == "/" || page.starts_with("/assets/") || page == "/favicon.ico";
            assert!(own || coach_s, "{path} links outside the view: {link}");
            if coach_s {
                let (status, _) = call(&site, "GET", &page, &site.coach, None);
                assert_eq!(status, 200, "{path} → {link}");
            } else if seen.insert(page.clone()) {
                assert!(seen.len() < 500, "the crawl does not end");
                queue.push_back(page);
            }
        }
    }
    assert!(pages >= 4, "only {pages} pages crawled: {seen:?}");
    assert!(applications >= 1, "no application page reached: {seen:?}");
    for must in [format!("{base}/applications"), format!("{base}/insights")] {
        assert!(seen.contains(&must), "{must} is not linked: {seen:?}");
    }
    // Pages outside the view: 404, as for an id that does not exist.
    for tail in [
        "/settings",
        "/people",
        "/applications/acme-analyst/compose",
        "/inbox",
    ] {
        let (status, _) = call(&site, "GET", &format!("{base}{tail}"), &site.coach, None);
        assert_eq!(status, 404, "{tail}");
    }
}

fn interview(id: &str, start: &str, minutes: u32, who: &[&str]) -> Value {
    serde_json::json!({ "id": id, "start": start, "minutes": minutes, "format": "video",
                        "status": "done", "interviewers": who })
}

fn thanks(person: &str, at: &str) -> Value {
    serde_json::json!({ "at": at, "person": person, "channel": "email", "kind": "thank-you",
                        "note": "SECRET NOTE TEXT" })
}

fn person(id: &str, name: &str) -> Value {
    serde_json::json!({ "id": id, "name": name, "kind": "interviewer" })
}

fn dataset(applications: Value) -> String {
    serde_json::json!({
        "format": "debrief/1",
        "profile": { "name": "Cohort Member", "timezone": "America/Chicago",
                     "holidays": { "calendar": "US", "extra": [] }, "policy": "conservative" },
        "applications": applications,
    })
    .to_string()
}

/// The victim's: three applications (applied, interviewing, offer), two
/// interviews held, three interviewers thanked 4 h, 48 h and 10 h after
/// the end, one status check made.
fn victims() -> String {
    dataset(serde_json::json!([
        { "id": "a1", "company": "Zed Alpha", "role": "Analyst", "stage": "interviewing",
          "people": [person("p1", "Zed Secret"), person("p2", "Yan Secret")],
          "interviews": [interview("a1-iv", "2026-11-10T10:00:00-06:00", 60, &["p1", "p2"])],
          "touches": [
              thanks("p1", "2026-11-10T15:00:00-06:00"),
              thanks("p2", "2026-11-12T11:00:00-06:00"),
              { "at": "2026-11-17T10:00:00-06:00", "person": "p1", "channel": "email", "kind": "status-check" }
          ] },
        { "id": "a2", "company": "Zed Beta", "stage": "offer",
          "people": [person("q1", "Xia Secret")],
          "interviews": [interview("a2-iv", "2026-11-05T09:00:00-06:00", 30, &["q1"])],
          "touches": [thanks("q1", "2026-11-05T19:30:00-06:00")] },
        { "id": "a3", "company": "Zed Gamma", "stage": "applied", "applied_on": "2026-10-26" }
    ]))
}

/// The other candidate's: a rejection after one interview (thanked 2 h
/// after), an application in screening, and two interviews thanked 4 h
/// after whose status checks were never made: one is late now (30 Oct),
/// the other's window lapsed (15 Sep).
fn others() -> String {
    dataset(serde_json::json!([
        { "id": "b1", "company": "Wex Delta", "stage": "rejected",
          "people": [person("r1", "Wu Secret")],
          "interviews": [interview("b1-iv", "2026-11-02T10:00:00-06:00", 60, &["r1"])],
          "touches": [thanks("r1", "2026-11-02T13:00:00-06:00")] },
        { "id": "b2", "company": "Wex Epsilon", "stage": "screening", "applied_on": "2026-11-02" },
        { "id": "b3", "company": "Wex Zeta", "stage": "interviewing",
          "people": [person("r2", "Vi Secret")],
          "interviews": [interview("b3-iv", "2026-10-30T10:00:00-05:00", 60, &["r2"])],
          "touches": [thanks("r2", "2026-10-30T15:00:00-05:00")] },
        { "id": "b4", "company": "Wex Eta", "stage": "interviewing",
          "people": [person("r3", "Uma Secret")],
          "interviews": [interview("b4-iv", "2026-09-15T10:00:00-05:00", 60, &["r3"])],
          "touches": [thanks("r3", "2026-09-15T15:00:00-05:00")] }
    ]))
}

fn json(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

/// `(count, reached)` of `stage` in a funnel.
fn stage(funnel: &Value, name: &str) -> (u64, u64) {
    let f = funnel
        .as_array()
        .and_then(|a| a.iter().find(|f| f["stage"] == name))
        .unwrap_or_else(|| panic!("{name} not in {funnel}"));
    (
        f["count"].as_u64().unwrap_or(99),
        f["reached"].as_u64().unwrap_or(99),
    )
}

/// What the cohort's status checks and lapsed windows should be: the
/// candidates' own agendas and stats (`/api/v1/candidates/ID/…`), summed.
fn expected_checks(site: &HostedSite, ids: &[i64]) -> (u64, u64, u64, u64) {
    let (mut due, mut overdue, mut lapsed_checks, mut lapsed) = (0, 0, 0, 0);
    for id in ids {
        let (_, agenda) = call(
            site,
            "GET",
            &format!("/api/v1/candidates/{id}/agenda"),
            &site.coach,
            None,
        );
        let agenda = json(&agenda);
        for a in agenda["actions"].as_array().into_iter().flatten() {
            if a["rule"] == "status-check" {
                due += u64::from(a["state"] == "due");
                overdue += u64::from(a["state"] == "overdue");
            }
        }
        let (_, stats) = call(
            site,
            "GET",
            &format!("/api/v1/candidates/{id}/stats"),
            &site.coach,
            None,
        );
        for m in json(&stats)["missed"].as_array().into_iter().flatten() {
            lapsed += m["total"].as_u64().unwrap_or(0);
            lapsed_checks += m["by_rule"]["status-check"].as_u64().unwrap_or(0);
        }
    }
    (due, overdue, lapsed_checks, lapsed)
}

#[test]
fn cohort_insights_sum_the_sharing_candidates_and_no_one_else() {
    let Some(site) = HostedSite::start(NOW, "the coach's cohort insights") else {
        return;
    };
    let (status, body) = call(
        &site,
        "POST",
        "/api/v1/import",
        &site.victim,
        Some(&victims()),
    );
    assert_eq!(status, 200, "{body}");
    let (status, body) = call(
        &site,
        "POST",
        "/api/v1/import",
        &site.attacker,
        Some(&others()),
    );
    assert_eq!(status, 200, "{body}");
    let (status, empty) = call(&site, "GET", "/api/v1/caseload/insights", &site.coach, None);
    assert_eq!(status, 200, "{empty}");
    let empty = json(&empty);
    assert_eq!(empty["candidates"], 0);
    assert_eq!(empty["applications"], 0);
    assert_eq!(empty["thank_yous"]["median_delay_hours"], Value::Null);
    let share = |token: &str| {
        let (status, body) = call(
            &site,
            "POST",
            "/api/v1/sharing",
            token,
            Some(r#"{"coach": "coach@example.org"}"#),
        );
        assert_eq!(status, 201, "{body}");
    };

    // Only the victim shares: the other candidate's data counts for nothing.
    share(&site.victim);
    let (status, body) = call(&site, "GET", "/api/v1/caseload/insights", &site.coach, None);
    assert_eq!(status, 200, "{body}");
    for secret in ["SECRET", "Zed", "Wex", "Secret"] {
        assert!(!body.contains(secret), "{secret} in {body}");
    }
    let one = json(&body);
    assert_eq!(one["candidates"], 1);
    assert_eq!(one["applications"], 3);
    assert_eq!(one["interviews_held"], 2);
    assert_eq!(one["offers"], 1);
    assert_eq!(stage(&one["funnel"], "applied"), (1, 3));
    assert_eq!(stage(&one["funnel"], "screening"), (0, 2));
    assert_eq!(stage(&one["funnel"], "interviewing"), (1, 2));
    assert_eq!(stage(&one["funnel"], "offer"), (1, 1));
    assert_eq!(stage(&one["funnel"], "rejected"), (0, 0));
    let t = &one["thank_yous"];
    assert_eq!(
        (
            t["owed"].as_u64(),
            t["sent"].as_u64(),
            t["within_24h"].as_u64()
        ),
        (Some(3), Some(3), Some(2))
    );
    assert!(
        (t["share_within_24h"].as_f64().unwrap_or(0.0) - 2.0 / 3.0).abs() < 1e-9,
        "{t}"
    );
    assert_eq!(t["median_delay_hours"].as_f64(), Some(10.0));
    assert_eq!(one["status_checks"]["done"], 1);
    let (due, overdue, lapsed_checks, lapsed) = expected_checks(&site, &[site.victim_id]);
    assert_eq!(one["status_checks"]["due"].as_u64(), Some(due));
    assert_eq!(one["status_checks"]["overdue"].as_u64(), Some(overdue));
    assert_eq!(one["status_checks"]["lapsed"].as_u64(), Some(lapsed_checks));
    assert_eq!(one["lapsed_windows"].as_u64(), Some(lapsed));
    // Another coach, whom no one shares with, sees an empty cohort.
    let (_, body) = call(
        &site,
        "GET",
        "/api/v1/caseload/insights",
        &site.other_coach,
        None,
    );
    assert_eq!(json(&body)["applications"], 0);

    // The other candidate shares too: both, summed.
    share(&site.attacker);
    let (_, body) = call(&site, "GET", "/api/v1/caseload/insights", &site.coach, None);
    let both = json(&body);
    assert_eq!(both["candidates"], 2);
    assert_eq!(both["applications"], 7);
    assert_eq!(both["interviews_held"], 5);
    assert_eq!(both["offers"], 1);
    assert_eq!(stage(&both["funnel"], "applied"), (1, 7));
    assert_eq!(stage(&both["funnel"], "screening"), (1, 6));
    assert_eq!(stage(&both["funnel"], "interviewing"), (3, 5));
    assert_eq!(stage(&both["funnel"], "rejected"), (1, 1));
    let t = &both["thank_yous"];
    assert_eq!(
        (
            t["owed"].as_u64(),
            t["sent"].as_u64(),
            t["within_24h"].as_u64()
        ),
        (Some(6), Some(6), Some(5))
    );
    assert!(
        (t["share_within_24h"].as_f64().unwrap_or(0.0) - 5.0 / 6.0).abs() < 1e-9,
        "{t}"
    );
    // 2, 4, 4, 4, 10 and 48 hours: between the middle two.
    assert_eq!(t["median_delay_hours"].as_f64(), Some(4.0));
    let (_, caseload) = call(&site, "GET", "/api/v1/caseload", &site.coach, None);
    let ids: Vec<i64> = json(&caseload)["candidates"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["id"].as_str()?.parse().ok())
        .collect();
    assert_eq!(ids.len(), 2, "{caseload}");
    let (due, overdue, lapsed_checks, lapsed) = expected_checks(&site, &ids);
    assert_eq!(both["status_checks"]["due"].as_u64(), Some(due));
    assert_eq!(both["status_checks"]["overdue"].as_u64(), Some(overdue));
    assert_eq!(
        both["status_checks"]["lapsed"].as_u64(),
        Some(lapsed_checks)
    );
    assert_eq!(both["lapsed_windows"].as_u64(), Some(lapsed));
    assert!(lapsed > 0, "the fixture should have lapsed windows: {both}");
    assert!(due + overdue > 0, "a status check should be open: {both}");
    assert!(
        lapsed_checks > 0,
        "a status check should have lapsed: {both}"
    );

    // The page, linked from the caseload: the same numbers, no names.
    let (_, caseload) = call(&site, "GET", "/", &site.coach, None);
    assert!(
        caseload.contains(r#"href="/caseload/insights""#),
        "{caseload}"
    );
    let (status, page) = call(&site, "GET", "/caseload/insights", &site.coach, None);
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains(
            "2 candidate(s) sharing with you: 7 application(s), 5 interview(s) held, 1 offer(s)."
        ),
        "{page}"
    );
    assert!(page.contains("<strong>4.0 h</strong>"), "{page}");
    for secret in ["SECRET", "Zed", "Wex", "Secret"] {
        assert!(!page.contains(secret), "{secret} on the page");
    }
    // Not a coach: refused; a write: refused.
    let (status, _) = call(
        &site,
        "GET",
        "/api/v1/caseload/insights",
        &site.victim,
        None,
    );
    assert_eq!(status, 403);
    let (status, _) = call(
        &site,
        "POST",
        "/api/v1/caseload/insights",
        &site.coach,
        Some("{}"),
    );
    assert_eq!(status, 403);
}

#[test]
fn each_read_only_page_names_the_candidate_it_shows_and_no_other() {
    let Some(site) = HostedSite::start(NOW, "the coach's read-only banner") else {
        return;
    };
    let dir =
        debrief_store_postgres::hosted::Directory::connect(site.database_url()).expect("directory");
    let created = jiff::Timestamp::from_second(1_795_000_000).expect("time");
    let mut shown = Vec::new();
    for (email, name) in [
        ("ana@example.org", "Ana <Ruiz> & Co"),
        ("bea@example.org", "Bea Brandt"),
    ] {
        let a = dir
            .add_account(
                email,
                name,
                debrief_store_postgres::hosted::Role::Candidate,
                "a long password",
                created,
            )
            .expect("account");
        let token = dir.new_token(&a, "test", created).expect("token");
        let (status, body) = call(
            &site,
            "POST",
            "/api/v1/sharing",
            &token,
            Some(r#"{"coach": "coach@example.org"}"#),
        );
        assert_eq!(status, 201, "{body}");
        shown.push(a.id);
    }
    let ana = "Ana &lt;Ruiz&gt; &amp; Co (ana@example.org)";
    let bea = "Bea Brandt (bea@example.org)";
    for (id, mine, theirs) in [
        (shown[0], ana, ["Brandt", "bea@example.org"]),
        (shown[1], bea, ["Ruiz", "ana@example.org"]),
    ] {
        for tail in ["", "/applications", "/insights"] {
            let path = format!("/candidates/{id}{tail}");
            let (status, html) = call(&site, "GET", &path, &site.coach, None);
            assert_eq!(status, 200, "{path}: {html}");
            assert!(
                html.contains(&format!(
                    r#"Read-only: <strong id="reading">{mine}</strong> shares this with you."#
                )),
                "{path}: the banner names {mine}: {html}"
            );
            assert!(
                html.contains(&format!("reading the data of {mine} read-only.")),
                "{path}: the footer names {mine}: {html}"
            );
            for other in theirs {
                assert!(!html.contains(other), "{path} names {other}: {html}");
            }
            assert!(!html.contains("<Ruiz>"), "{path}: the name is escaped");
        }
    }
    // A name that is the email itself is said once.
    let (status, body) = call(
        &site,
        "POST",
        "/api/v1/sharing",
        &site.victim,
        Some(r#"{"coach": "coach@example.org"}"#),
    );
    assert_eq!(status, 201, "{body}");
    let (_, html) = call(
        &site,
        "GET",
        &format!("/candidates/{}", site.victim_id),
        &site.coach,
        None,
    );
    assert!(
        html.contains(r#"<strong id="reading">victim@example.org</strong>"#),
        "{html}"
    );
    assert!(!html.contains("(victim@example.org)"), "{html}");
}
