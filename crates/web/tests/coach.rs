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
    let req = ureq::http::Request::builder()
        .method(method)
        .uri(format!("http://{}{path}", site.addr))
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json");
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
