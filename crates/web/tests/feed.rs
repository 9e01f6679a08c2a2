//! The subscribable calendar feed: made, served, revoked and turned off
//! from the Settings page, over a real server and a real SQLite file.

mod common;

use common::*;

fn seeded() -> Server {
    let s = Server::start(Some(NOW));
    let r = post_json(&s, "/api/v1/import", &sample());
    assert_eq!(r.status, 200, "{}", r.body);
    s
}

/// The feed's path as the Settings page shows it, if the feed is on.
fn feed_path(s: &Server) -> Option<String> {
    let page = get(s, "/settings");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Calendar feed"), "{}", page.body);
    let start = page.body.find("id=\"feed-url\"")?;
    let value = &page.body[start..];
    let url_start = value.find("value=\"")? + "value=\"".len();
    let url = &value[url_start..url_start + value[url_start..].find('"')?];
    let prefix = format!("http://{}", s.addr);
    assert!(url.starts_with(&prefix), "{url} should start with {prefix}");
    Some(url[prefix.len()..].to_string())
}

fn assert_private(r: &Reply) {
    let cache = r.header("cache-control").unwrap_or("");
    assert!(
        cache.contains("no-store") && cache.contains("private"),
        "cache-control: {cache:?}"
    );
}

#[test]
fn the_feed_is_off_until_asked_for_and_unknown_secrets_are_404() {
    let s = seeded();
    assert_eq!(feed_path(&s), None);
    for path in [
        "/calendar/0000.ics",
        "/calendar/.ics",
        "/calendar/anything",
        "/calendar/%2e%2e.ics",
    ] {
        let r = get(&s, path);
        assert_eq!(r.status, 404, "{path}");
        assert_private(&r);
        assert!(!r.body.contains("BEGIN:VCALENDAR"));
    }
}

#[test]
fn made_served_revoked_and_turned_off() {
    let s = seeded();
    let r = post_form(&s, "/settings/calendar-feed", &[]);
    assert_eq!(r.status, 303, "{}", r.body);
    let path = feed_path(&s).expect("the settings page shows the address");
    let secret = path
        .strip_prefix("/calendar/")
        .and_then(|p| p.strip_suffix(".ics"))
        .expect("shape /calendar/<secret>.ics");
    assert_eq!(secret.len(), 64);

    let feed = get(&s, &path);
    assert_eq!(feed.status, 200, "{}", feed.body);
    assert_private(&feed);
    assert_eq!(
        feed.header("content-type"),
        Some("text/calendar; charset=utf-8")
    );
    assert!(
        feed.body.starts_with("BEGIN:VCALENDAR\r\n"),
        "{}",
        feed.body
    );
    assert!(
        feed.body
            .contains("\r\nREFRESH-INTERVAL;VALUE=DURATION:PT60M\r\n")
    );
    assert!(
        feed.body
            .contains("SUMMARY:Interview: Acme Corp — Data Analyst")
    );
    assert!(
        feed.body
            .contains("UID:interview/acme-analyst/acme-panel@debrief")
    );
    // The open actions of the agenda, each with its reminders.
    assert!(feed.body.contains("X-DEBRIEF-RULE:"), "{}", feed.body);
    assert!(feed.body.contains("BEGIN:VALARM"));
    // One character off is not the secret.
    let mut wrong = secret.to_string();
    let last = if wrong.ends_with('0') { "1" } else { "0" };
    wrong.replace_range(63.., last);
    assert_eq!(get(&s, &format!("/calendar/{wrong}.ics")).status, 404);
    assert_eq!(get(&s, &format!("/calendar/{secret}.ICS")).status, 404);

    // Revoke: the old address is gone, a new one works.
    let r = post_form(&s, "/settings/calendar-feed", &[]);
    assert_eq!(r.status, 303);
    let renewed = feed_path(&s).expect("new address");
    assert_ne!(renewed, path);
    assert_eq!(get(&s, &path).status, 404);
    assert_eq!(get(&s, &renewed).status, 200);

    // Off: no address works, and the page offers to make one.
    let r = post_form(&s, "/settings/calendar-feed/off", &[]);
    assert_eq!(r.status, 303);
    assert_eq!(get(&s, &renewed).status, 404);
    assert_eq!(feed_path(&s), None);
    assert!(get(&s, "/settings").body.contains("Make a private link"));
}

#[test]
fn other_sites_cannot_revoke_the_feed() {
    let s = seeded();
    let r = agent()
        .post(&s.url("/settings/calendar-feed"))
        .header("origin", "http://evil.example")
        .send_form([("x", "y")])
        .expect("POST");
    assert_eq!(r.status().as_u16(), 403);
    assert_eq!(feed_path(&s), None);
}
