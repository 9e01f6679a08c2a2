//! Email from the web app, end to end: the composer's .eml download and
//! Send, and `POST /api/v1/send`, over a real server and SQLite file and a
//! real SMTP server (Python's aiosmtpd, run by `debrief-testkit`'s
//! `smtp_sink.py`, the same one the command line's tests use).
//!
//! Tests that need the SMTP server skip — loudly — when aiosmtpd cannot be
//! imported (`python3 -m pip install aiosmtpd` to run them; `.ci/run`
//! installs it). The server-down test needs nothing.

mod common;

use common::*;
use debrief_mail::Sources;
use debrief_testkit::{Sink, closed_port};
use serde_json::{Value, json};

const FROM: &str = "sam.rivera@example.com";

fn mail_to(url: &str) -> Sources {
    Sources {
        smtp_url: Some(url.to_string()),
        mail_from: Some(FROM.to_string()),
        ..Sources::none()
    }
}

/// Sam's store just after the Acme panel, debriefed: Marie and Raj (both
/// with addresses) interviewed; Lee, the receptionist, has none.
fn store(mail: Sources) -> Server {
    let s = Server::start_with_mail(Some(NOW), mail);
    let mut data = sample();
    data["applications"][0]["people"][1]["email"] = json!("raj@acme.example");
    data["applications"][0]["people"]
        .as_array_mut()
        .expect("people")
        .push(json!({ "id": "lee", "name": "Lee Chen", "kind": "receptionist" }));
    let r = post_json(&s, "/api/v1/import", &data);
    assert_eq!(r.status, 200, "{}", r.body);
    let r = post_json(
        &s,
        "/api/v1/applications/acme-analyst/interviews/acme-panel/debrief",
        &json!({
            "people": [
                { "id": "marie", "interviewer": true, "said": ["APAC expansion is the priority"] },
                { "id": "raj", "interviewer": true }
            ],
            "asked_questions": true,
            "went_well": "Clear story", "change": "Slower answers", "mistakes": []
        }),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    s
}

/// The composer's first draft for `person`, as "Subject: …\n\nbody".
fn draft(s: &Server, person: &str) -> (String, String) {
    let r = post_json(
        s,
        "/api/v1/drafts",
        &json!({ "app": "acme-analyst", "person": person, "kind": "thank-you" }),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    (
        v["subject"].as_str().expect("subject").to_string(),
        v["body"].as_str().expect("body").to_string(),
    )
}

fn touches(s: &Server) -> Vec<Value> {
    get(s, "/api/v1/applications/acme-analyst/touches")
        .json()
        .as_array()
        .expect("touches")
        .clone()
}

fn send(s: &Server, body: Value) -> Reply {
    post_json(s, "/api/v1/send", &body)
}

#[test]
fn a_thank_you_goes_out_and_only_then_is_logged() {
    let Some(sink) = Sink::start(&[]) else { return };
    let s = store(mail_to(&sink.url()));
    let (subject, body) = draft(&s, "marie");

    // A dry run checks everything and sends nothing.
    let r = send(
        &s,
        json!({ "app": "acme-analyst", "person": "marie", "kind": "thank-you",
                "text": format!("Subject: {subject}\n\n{body}"), "dry_run": true }),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    assert_eq!(
        (v["sent"].clone(), v["dry_run"].clone()),
        (json!(false), json!(true))
    );
    assert!(v["message"].as_str().expect("message").contains("To: "));
    assert!(sink.received().is_empty() && touches(&s).is_empty());

    let r = send(
        &s,
        json!({ "app": "acme-analyst", "person": "marie", "kind": "thank-you",
                "text": format!("Subject: {subject}\n\n{body}") }),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let v = r.json();
    for (k, want) in [
        ("sent", json!(true)),
        ("logged", json!(true)),
        ("forced", json!(false)),
        ("application", json!("acme-analyst")),
        ("person", json!("marie")),
        ("kind", json!("thank-you")),
        ("channel", json!("email")),
        ("to", json!("marie@acme.example")),
        ("subject", json!(subject)),
        ("server", json!(format!("127.0.0.1:{}", sink.port()))),
        ("at", json!(NOW)),
    ] {
        assert_eq!(v[k], want, "{k} in {v}");
    }
    assert!(
        v["message_id"]
            .as_str()
            .expect("id")
            .ends_with("@example.com>")
    );

    let received = sink.received();
    assert_eq!(received.len(), 1);
    let (raw, envelope) = &received[0];
    let raw = String::from_utf8_lossy(raw);
    assert_eq!(envelope["mail_from"], FROM);
    assert_eq!(envelope["rcpt_tos"], json!(["marie@acme.example"]));
    assert!(!raw.contains("X-Unsent"), "a sent message is not a draft");
    assert!(raw.contains("APAC"), "the note is the body: {raw}");

    let t = touches(&s);
    assert_eq!(t.len(), 1);
    assert_eq!(
        (
            t[0]["person"].clone(),
            t[0]["kind"].clone(),
            t[0]["channel"].clone()
        ),
        (json!("marie"), json!("thank-you"), json!("email"))
    );
    assert_eq!(
        t[0]["note"].as_str().map(str::trim_end),
        Some(body.trim_end())
    );
}

#[test]
fn lint_errors_and_the_guard_stop_a_send_unless_forced() {
    let Some(sink) = Sink::start(&[]) else { return };
    let s = store(mail_to(&sink.url()));
    let bad = "Subject: Thanks\n\nHi Mary,\n\nThank you. What is the salary range?\n\nBest,\nSam\n";
    let r = send(
        &s,
        json!({ "app": "acme-analyst", "person": "marie", "kind": "thank-you", "text": bad }),
    );
    assert_eq!(r.status, 422, "{}", r.body);
    let v = r.json();
    assert_eq!(
        (v["sent"].clone(), v["reason"].clone()),
        (json!(false), json!("lint"))
    );
    assert!(
        v["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .any(|d| d["rule"] == "lint/wrong-name" && d["line"] == 3),
        "lines count from the Subject line: {v}"
    );
    assert!(sink.received().is_empty() && touches(&s).is_empty());

    // Too early to chase: the guard's refusal, as for logging a touch.
    let chase = json!({ "app": "acme-analyst", "person": "marie", "kind": "status-check",
                        "text": "Hi Marie,\n\nI wanted to check in on the Data Analyst role.\n\nBest,\nSam\n" });
    let r = send(&s, chase.clone());
    assert_eq!(r.status, 409, "{}", r.body);
    let v = r.json();
    assert_eq!(v["rule"], "follow-up-guard");
    assert_eq!(v["logged"], false);
    assert!(v["allowed_from"].is_string(), "{v}");
    assert!(sink.received().is_empty() && touches(&s).is_empty());

    // Forced: it goes, and the touch says so.
    let mut forced = chase;
    forced["force"] = json!(true);
    let r = send(&s, forced);
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.json()["forced"], true);
    assert_eq!(sink.received().len(), 1);
    assert_eq!(touches(&s)[0]["forced"], true);
}

#[test]
fn a_refused_recipient_is_named_and_nothing_is_logged() {
    let Some(sink) = Sink::start(&["raj@acme.example"]) else {
        return;
    };
    let s = store(mail_to(&sink.url()));
    let (_, body) = draft(&s, "raj");
    let r = send(
        &s,
        json!({ "app": "acme-analyst", "person": "raj", "kind": "thank-you", "text": body }),
    );
    assert_eq!(r.status, 502, "{}", r.body);
    let v = r.json();
    assert_eq!(
        (v["sent"].clone(), v["logged"].clone(), v["reason"].clone()),
        (json!(false), json!(false), json!("smtp"))
    );
    let e = v["error"].as_str().expect("error");
    assert!(
        e.contains("refused the message to raj@acme.example") && e.contains("550"),
        "{e}"
    );
    assert!(sink.received().is_empty() && touches(&s).is_empty());

    // From the composer: the page says so and keeps the note.
    let r = post_form(
        &s,
        "/applications/acme-analyst/compose/send",
        &[
            ("person", "raj"),
            ("kind", "thank-you"),
            ("subject", "Thank you"),
            ("body", &body),
            ("channel", "email"),
        ],
    );
    assert_eq!(r.status, 502, "{}", r.body);
    assert!(r.body.contains("refused the message to raj@acme.example"));
    assert!(r.body.contains("Nothing was logged"));
    assert!(
        r.body.contains("APAC") || r.body.contains(&body[..20]),
        "the note is kept"
    );
    assert!(touches(&s).is_empty());
}

#[test]
fn a_server_that_is_down_is_an_error_and_logs_nothing() {
    let port = closed_port();
    let s = store(Sources {
        smtp_url: Some(format!("smtp://sam:hunter2@127.0.0.1:{port}")),
        mail_from: Some(FROM.into()),
        ..Sources::none()
    });
    let (_, body) = draft(&s, "marie");
    let r = send(
        &s,
        json!({ "app": "acme-analyst", "person": "marie", "kind": "thank-you", "text": body }),
    );
    assert_eq!(r.status, 502, "{}", r.body);
    let e = r.json()["error"].as_str().expect("error").to_string();
    assert!(
        e.contains(&format!(
            "could not reach the SMTP server at 127.0.0.1:{port}"
        )),
        "{e}"
    );
    assert!(touches(&s).is_empty(), "nothing logged");
    // The password is never shown: not in errors, Settings or the composer.
    for page in [
        r.body.clone(),
        get(&s, "/settings").body,
        get(&s, "/applications/acme-analyst/compose?person=marie").body,
    ] {
        assert!(!page.contains("hunter2"), "{page}");
    }
    assert!(
        get(&s, "/settings")
            .body
            .contains(&format!("127.0.0.1:{port}"))
    );
}

#[test]
fn the_composer_sends_and_logs_or_says_why_not() {
    let Some(sink) = Sink::start(&[]) else { return };
    let s = store(mail_to(&sink.url()));
    let page = get(&s, "/applications/acme-analyst/compose?person=marie").body;
    assert!(
        page.contains("formaction=\"/applications/acme-analyst/compose/send\""),
        "{page}"
    );
    assert!(page.contains("Download as email (.eml)"));
    let (subject, body) = draft(&s, "marie");

    // Lint errors: nothing sent, the reason, and "Send anyway".
    let bad = [
        ("person", "marie"),
        ("kind", "thank-you"),
        ("subject", "Thanks"),
        (
            "body",
            "Hi Mary,\n\nThanks. What is the salary range?\n\nSam",
        ),
        ("channel", "email"),
    ];
    let r = post_form(&s, "/applications/acme-analyst/compose/send", &bad);
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("the linter found"), "{}", r.body);
    assert!(r.body.contains("name=\"send_anyway\""));
    assert!(
        r.body.contains("What is the salary range?"),
        "the note is kept"
    );
    assert!(sink.received().is_empty());

    let good = [
        ("person", "marie"),
        ("kind", "thank-you"),
        ("subject", subject.as_str()),
        ("body", body.as_str()),
        ("channel", "email"),
    ];
    let r = post_form(&s, "/applications/acme-analyst/compose/send", &good);
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.header("location"), Some("/applications/acme-analyst"));
    let (kind, msg) = flash(&r).expect("flash");
    assert_eq!(kind, "ok");
    assert!(
        msg.contains("Sent")
            && msg.contains("marie@acme.example")
            && msg.contains("Logged thank-you"),
        "{msg}"
    );
    assert_eq!(sink.received().len(), 1);
    assert_eq!(touches(&s).len(), 1);

    // The guard, from the composer: refused, with "Send anyway".
    let chase = [
        ("person", "marie"),
        ("kind", "status-check"),
        ("subject", "Checking in"),
        (
            "body",
            "Hi Marie,\n\nI wanted to check in on the Data Analyst role.\n\nBest,\nSam",
        ),
        ("channel", "email"),
    ];
    let r = post_form(&s, "/applications/acme-analyst/compose/send", &chase);
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.body.to_lowercase().contains("allowed from"), "{}", r.body);
    assert!(r.body.contains("name=\"send_anyway\""));
    assert_eq!(sink.received().len(), 1, "nothing more sent");
    assert_eq!(touches(&s).len(), 1, "nothing more logged");
}

#[test]
fn the_eml_is_the_draft_a_mail_client_opens() {
    let s = store(Sources {
        mail_from: Some(FROM.into()),
        ..Sources::none()
    });
    let (subject, body) = draft(&s, "marie");
    let r = post_form(
        &s,
        "/applications/acme-analyst/compose/eml",
        &[
            ("person", "marie"),
            ("kind", "thank-you"),
            ("subject", &subject),
            ("body", &body),
            ("channel", "email"),
        ],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.header("content-type"), Some("message/rfc822"));
    assert!(
        r.header("content-disposition")
            .is_some_and(|d| d.contains("attachment") && d.contains(".eml"))
    );
    let m = r.body.replace("\r\n", "\n");
    assert!(m.contains("X-Unsent: 1"), "{m}");
    assert!(
        m.contains("marie@acme.example") && m.contains("Marie Dubois"),
        "{m}"
    );
    assert!(
        m.contains(&format!("From: Sam Rivera <{FROM}>"))
            || m.contains(&format!("From: \"Sam Rivera\" <{FROM}>")),
        "{m}"
    );
    assert!(!m.contains("User-Agent"));
    assert!(touches(&s).is_empty(), "a draft logs nothing");

    // Without mail settings there is no Send, and the page says how.
    let page = get(&s, "/applications/acme-analyst/compose?person=marie").body;
    assert!(!page.contains("compose/send"), "{page}");
    assert!(page.contains("DEBRIEF_SMTP_URL"));
    let r = send(
        &s,
        json!({ "app": "acme-analyst", "person": "marie", "kind": "thank-you", "text": body }),
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(
        r.json()["message"]
            .as_str()
            .expect("m")
            .contains("no SMTP server is set up")
    );

    // No address for Lee: no buttons, and the API names the person.
    let page = get(
        &s,
        "/applications/acme-analyst/compose?person=lee&kind=thank-staff",
    )
    .body;
    assert!(page.contains("Lee Chen has no email address"), "{page}");
    assert!(!page.contains("compose/eml"));
    let r = send(
        &s,
        json!({ "app": "acme-analyst", "person": "lee", "kind": "thank-staff", "text": "Thank you, Lee." }),
    );
    assert_eq!(r.status, 422);
    assert_eq!(r.json()["field"], "person");
}

#[test]
fn without_a_sender_the_eml_says_how_to_set_one_and_bad_requests_are_named() {
    let s = store(Sources::none());
    let r = post_form(
        &s,
        "/applications/acme-analyst/compose/eml",
        &[
            ("person", "marie"),
            ("kind", "thank-you"),
            ("subject", "x"),
            ("body", "Hi Marie"),
        ],
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("DEBRIEF_MAIL_FROM"), "{}", r.body);
    assert!(r.body.contains("No email file."), "{}", r.body);
    assert!(r.body.contains("Hi Marie"), "the note is kept");
    let settings = get(&s, "/settings").body;
    assert!(settings.contains("Sending is not set up"), "{settings}");

    for (body, status, field) in [
        (
            json!({ "app": "nope", "person": "marie", "kind": "thank-you", "text": "x" }),
            404,
            Value::Null,
        ),
        (
            json!({ "app": "acme-analyst", "person": "mary", "kind": "thank-you", "text": "x" }),
            422,
            json!("person"),
        ),
        (
            json!({ "app": "acme-analyst", "person": "marie", "kind": "thank-you", "text": " \n" }),
            422,
            json!("text"),
        ),
        (
            json!({ "app": "acme-analyst", "person": "marie", "kind": "thanks", "text": "x" }),
            422,
            json!("kind"),
        ),
        (
            json!({ "app": "acme-analyst", "person": "marie", "kind": "thank-you", "text": "x", "bcc": "x" }),
            422,
            Value::Null,
        ),
    ] {
        let r = send(&s, body.clone());
        assert_eq!(r.status, status, "{body}: {}", r.body);
        if !field.is_null() {
            assert_eq!(r.json()["field"], field, "{body}: {}", r.body);
        }
    }
    let r = agent()
        .post(&s.url("/api/v1/send"))
        .header("sec-fetch-site", "cross-site")
        .header("content-type", "application/json")
        .send(
            json!({ "app": "acme-analyst", "person": "marie", "kind": "thank-you", "text": "x" })
                .to_string(),
        )
        .expect("POST");
    assert_eq!(r.status().as_u16(), 403, "other sites cannot send");
}

#[test]
fn settings_refuse_a_password_that_could_go_unencrypted_and_warn_about_tls_none() {
    // tls=opportunistic with a password to another computer: refused, said
    // on Settings, and Send answers 422 without trying.
    let s = store(Sources {
        smtp_url: Some("smtp://sam:hunter2@mail.example.com?tls=opportunistic".into()),
        mail_from: Some(FROM.into()),
        ..Sources::none()
    });
    let page = get(&s, "/settings").body;
    assert!(page.contains("tls=opportunistic"), "{page}");
    assert!(!page.contains("hunter2"), "{page}");
    let (_, body) = draft(&s, "marie");
    let r = send(
        &s,
        json!({ "app": "acme-analyst", "person": "marie", "kind": "thank-you", "text": body }),
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("unencrypted"), "{}", r.body);
    assert!(!r.body.contains("hunter2"), "{}", r.body);
    assert!(touches(&s).is_empty());

    // No password, ?tls=none to another computer: allowed, with a warning.
    let s = store(Sources {
        smtp_url: Some("smtp://relay.example?tls=none".into()),
        mail_from: Some(FROM.into()),
        ..Sources::none()
    });
    let page = get(&s, "/settings").body;
    assert!(
        page.contains("mail to relay.example:25 goes unencrypted (tls=none)"),
        "{page}"
    );
}
