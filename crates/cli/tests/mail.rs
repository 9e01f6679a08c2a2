//! Email out, end to end: the real `debrief` binary, a real SQLite file and
//! a real SMTP server (Python's aiosmtpd, started by each test).
//!
//! Tests that need the server skip — loudly — when aiosmtpd cannot be
//! imported (`python3 -m pip install aiosmtpd` to run them; `.ci/run`
//! installs it).

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::{Debrief, stderr, stdout};
use debrief_testkit::{Sink, closed_port};
use serde_json::Value;

/// Friday afternoon, after the Acme panel (ended 11:30 Chicago).
const FRIDAY: &str = "2026-11-20T14:00:00-06:00";
const FROM: &str = "sam.rivera@example.com";

impl Debrief {
    fn touches(&self) -> Vec<Value> {
        self.export()["applications"][0]["touches"]
            .as_array()
            .expect("touches")
            .clone()
    }

    /// The composer's draft for `who`, as `debrief draft` prints it.
    fn draft(&self, who: &str, now: &str) -> PathBuf {
        let text = self.ok(&["--now", now, "draft", "--app", "acme-analyst", "--to", who]);
        let path = self.dir().join(format!("{who}.txt"));
        std::fs::write(&path, text).expect("write draft");
        path
    }

    fn send(&self, now: &str, who: &str, kind: &str, file: &Path, extra: &[&str]) -> Output {
        let mut args = vec![
            "--now",
            now,
            "send",
            "--app",
            "acme-analyst",
            "--to",
            who,
            "--kind",
            kind,
            file.to_str().expect("path"),
        ];
        args.extend_from_slice(extra);
        self.run(&args)
    }
}

fn json_of(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&o.stdout)))
}

#[test]
fn a_thank_you_drafted_in_debrief_arrives_and_is_logged() {
    let Some(sink) = Sink::start(&[]) else { return };
    let s = Debrief::imported()
        .env("DEBRIEF_SMTP_URL", &sink.url())
        .env("DEBRIEF_MAIL_FROM", FROM);
    let note = s.draft("marie", FRIDAY);
    let drafted = std::fs::read_to_string(&note).expect("draft");
    let (subject_line, body) = drafted.split_once("\n\n").expect("subject, body");
    let subject = subject_line
        .strip_prefix("Subject: ")
        .expect("subject line");

    let out = s.send(FRIDAY, "marie", "thank-you", &note, &["--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json_of(&out);
    assert_eq!(v["sent"], true);
    assert_eq!(v["logged"], true);
    assert_eq!(v["forced"], false);
    assert_eq!(v["to"], "marie@acme.example");
    assert_eq!(v["kind"], "thank-you");
    assert_eq!(v["server"], format!("127.0.0.1:{}", sink.port()));

    let received = sink.received();
    assert_eq!(received.len(), 1, "one message at the server");
    let (raw, envelope) = &received[0];
    assert_eq!(envelope["mail_from"], FROM);
    assert_eq!(
        envelope["rcpt_tos"],
        serde_json::json!(["marie@acme.example"])
    );
    let msg = mail_parser::MessageParser::default()
        .parse(raw)
        .expect("an RFC 5322 message");
    assert_eq!(msg.subject(), Some(subject));
    let to = msg.to().and_then(|a| a.first()).expect("To");
    assert_eq!(
        (to.name(), to.address()),
        (Some("Marie Dubois"), Some("marie@acme.example"))
    );
    let from = msg.from().and_then(|a| a.first()).expect("From");
    assert_eq!(
        (from.name(), from.address()),
        (Some("Sam Rivera"), Some(FROM))
    );
    assert_eq!(
        msg.body_text(0)
            .map(|b| b.replace("\r\n", "\n").trim_end().to_string()),
        Some(body.trim_end().to_string()),
        "the draft is the body"
    );
    assert_eq!(
        msg.header_raw("X-Unsent"),
        None,
        "a sent message is not a draft"
    );
    assert_eq!(
        v["message_id"],
        format!("<{}>", msg.message_id().expect("id"))
    );

    let touches = s.touches();
    assert_eq!(touches.len(), 1);
    let t = &touches[0];
    assert_eq!(t["person"], "marie");
    assert_eq!(t["kind"], "thank-you");
    assert_eq!(t["channel"], "email");
    assert_eq!(t["at"], FRIDAY);
    assert_eq!(t["note"].as_str().map(str::trim_end), Some(body.trim_end()));
    // The Message-ID it went out with: a reply then matches by thread.
    assert_eq!(t["message_id"], v["message_id"]);
    // The agenda no longer asks for Marie's thank-you.
    let agenda: Value =
        serde_json::from_str(&s.ok(&["--now", FRIDAY, "agenda", "--json"])).expect("agenda");
    assert!(
        !agenda["actions"]
            .as_array()
            .expect("actions")
            .iter()
            .any(|a| a["rule"] == "thank-you-note" && a["person"] == "marie")
    );
}

#[test]
fn a_refused_recipient_is_named_and_nothing_is_logged() {
    let Some(sink) = Sink::start(&["raj@acme.example"]) else {
        return;
    };
    let s = Debrief::imported()
        .env("DEBRIEF_SMTP_URL", &sink.url())
        .env("DEBRIEF_MAIL_FROM", FROM);
    let note = s.draft("raj", FRIDAY);
    let out = s.send(FRIDAY, "raj", "thank-you", &note, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(&format!("127.0.0.1:{}", sink.port()))
            && err.contains("refused the message to raj@acme.example")
            && err.contains("550")
            && err.contains("Nothing was logged"),
        "{err}"
    );
    assert!(sink.received().is_empty());
    assert!(s.touches().is_empty(), "no touch logged");

    let out = s.send(FRIDAY, "raj", "thank-you", &note, &["--json"]);
    assert_eq!(out.status.code(), Some(1));
    let v = json_of(&out);
    assert_eq!(
        (&v["sent"], &v["logged"], &v["reason"]),
        (
            &Value::Bool(false),
            &Value::Bool(false),
            &Value::from("smtp")
        )
    );
    assert!(v["error"].as_str().expect("error").contains("550"));

    // Marie is not refused: the same server takes her note.
    let marie = s.draft("marie", FRIDAY);
    assert_eq!(
        s.send(FRIDAY, "marie", "thank-you", &marie, &[])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(sink.received().len(), 1);
    assert_eq!(s.touches().len(), 1);
}

#[test]
fn a_server_that_is_down_is_named_and_nothing_is_logged() {
    let port = closed_port();
    let s = Debrief::imported()
        .env("DEBRIEF_SMTP_URL", &format!("smtp://127.0.0.1:{port}"))
        .env("DEBRIEF_MAIL_FROM", FROM);
    let note = s.draft("marie", FRIDAY);
    let out = s.send(FRIDAY, "marie", "thank-you", &note, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "could not reach the SMTP server at 127.0.0.1:{port}"
        )) && err.contains("Nothing was logged"),
        "{err}"
    );
    assert!(s.touches().is_empty());
}

#[test]
fn lint_errors_block_sending_unless_forced() {
    let Some(sink) = Sink::start(&[]) else { return };
    let s = Debrief::imported()
        .env("DEBRIEF_SMTP_URL", &sink.url())
        .env("DEBRIEF_MAIL_FROM", FROM);
    let bad = s.dir().join("bad.txt");
    std::fs::write(
        &bad,
        "Subject: Thanks\n\nHi Mary,\n\nThank you. What is the salary range?\n\nBest,\nSam\n",
    )
    .expect("write");
    let out = s.send(FRIDAY, "marie", "thank-you", &bad, &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("lint/wrong-name") && err.contains("lint/salary-before-offer"),
        "{err}"
    );
    assert!(
        err.contains("bad.txt:3:4"),
        "lines count from the top of the file, Subject line included: {err}"
    );
    assert!(err.contains("Nothing was sent"), "{err}");
    assert!(sink.received().is_empty());
    assert!(s.touches().is_empty());

    let out = s.send(FRIDAY, "marie", "thank-you", &bad, &["--json"]);
    assert_eq!(out.status.code(), Some(1));
    let v = json_of(&out);
    assert_eq!(v["reason"], "lint");
    assert!(
        v["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .any(|d| d["rule"] == "lint/wrong-name" && d["line"] == 3)
    );

    let out = s.send(FRIDAY, "marie", "thank-you", &bad, &["--force"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let received = sink.received();
    assert_eq!(received.len(), 1);
    let msg = mail_parser::MessageParser::default()
        .parse(&received[0].0)
        .expect("parses");
    assert_eq!(msg.subject(), Some("Thanks"), "the file's Subject line");
    let err = stderr(&out);
    assert!(
        err.contains("forced past ") && err.contains(" lint error"),
        "{err}"
    );
    assert!(stdout(&out).contains("(marked forced)"), "{}", stdout(&out));
    let touches = s.touches();
    assert_eq!(touches.len(), 1);
    assert_eq!(touches[0]["forced"], true, "sent past lint errors");

    let out = s.send(FRIDAY, "marie", "thank-you", &bad, &["--force", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json_of(&out);
    assert_eq!(v["forced"], true);
    assert!(v["forced_past_errors"].as_u64() >= Some(1), "{v}");
    assert_eq!(s.touches()[1]["forced"], true);
}

#[test]
fn the_follow_up_guard_refuses_an_early_chase_as_touch_does() {
    let Some(sink) = Sink::start(&[]) else { return };
    let s = Debrief::imported()
        .env("DEBRIEF_SMTP_URL", &sink.url())
        .env("DEBRIEF_MAIL_FROM", FROM);
    let marie = s.draft("marie", FRIDAY);
    assert_eq!(
        s.send(FRIDAY, "marie", "thank-you", &marie, &[])
            .status
            .code(),
        Some(0)
    );
    let chase = s.dir().join("chase.txt");
    std::fs::write(
        &chase,
        "Hi Marie,\n\nI hope your week is going well. I'm still very interested in the Data Analyst role, and I wondered whether there is any news on the timeline.\n\nBest regards,\nSam Rivera\n",
    )
    .expect("write");
    let tuesday = "2026-11-24T10:00:00-06:00";
    let out = s.send(tuesday, "marie", "status-check", &chase, &["--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v = json_of(&out);
    assert_eq!(v["sent"], false);
    assert_eq!(v["logged"], false);
    assert_eq!(v["rule"], "follow-up-guard");
    assert!(v["allowed_from"].is_string(), "{v}");
    // The same refusal `debrief touch` gives.
    let touch = s.run(&[
        "--now",
        tuesday,
        "touch",
        "--app",
        "acme-analyst",
        "--person",
        "marie",
        "--kind",
        "status-check",
        "--json",
    ]);
    assert_eq!(touch.status.code(), Some(1));
    let t = json_of(&touch);
    assert_eq!(
        (&t["allowed_from"], &t["why"]),
        (&v["allowed_from"], &v["why"])
    );
    assert_eq!(sink.received().len(), 1, "only the thank-you went out");
    assert_eq!(s.touches().len(), 1);

    let out = s.send(tuesday, "marie", "status-check", &chase, &["--force"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("forced past the follow-up guard"));
    assert_eq!(sink.received().len(), 2);
    let touches = s.touches();
    assert_eq!(touches.len(), 2);
    assert_eq!(touches[1]["kind"], "status-check");
    assert_eq!(touches[1]["forced"], true);
}

#[test]
fn a_dry_run_shows_the_message_and_sends_nothing() {
    let s = Debrief::imported().env("DEBRIEF_MAIL_FROM", FROM);
    let note = s.draft("marie", FRIDAY);
    let out = s.send(FRIDAY, "marie", "thank-you", &note, &["--dry-run"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("To: \"Marie Dubois\" <marie@acme.example>")
            && text.contains("Subject: Thank you")
            && text.contains("nothing was sent or logged"),
        "{text}"
    );
    assert!(s.touches().is_empty());
}

#[test]
fn draft_eml_writes_a_message_mail_clients_open_as_a_draft() {
    let s = Debrief::imported();
    // The sender from mail.toml in the config directory.
    let config = s.dir().join("config/debrief");
    std::fs::create_dir_all(&config).expect("config dir");
    std::fs::write(
        config.join("mail.toml"),
        "from = \"sam.rivera@example.com\"\nname = \"Sam Rivera-Núñez\"\n",
    )
    .expect("mail.toml");
    let path = s.dir().join("marie.eml");
    let said = s.ok(&[
        "--now",
        FRIDAY,
        "draft",
        "--app",
        "acme-analyst",
        "--to",
        "marie",
        "--eml",
        "-o",
        path.to_str().expect("path"),
    ]);
    assert!(said.contains("Marie Dubois <marie@acme.example>"), "{said}");
    let body = s.ok(&[
        "--now",
        FRIDAY,
        "draft",
        "--app",
        "acme-analyst",
        "--to",
        "marie",
    ]);
    let (subject, body) = body.split_once("\n\n").expect("subject, body");
    let raw = std::fs::read(&path).expect("eml");
    let msg = mail_parser::MessageParser::default()
        .parse(&raw)
        .expect("an RFC 5322 message");
    assert_eq!(msg.header_raw("X-Unsent").map(str::trim), Some("1"));
    assert_eq!(
        Some(subject),
        msg.subject().map(|s| format!("Subject: {s}")).as_deref()
    );
    let from = msg.from().and_then(|a| a.first()).expect("From");
    assert_eq!(
        (from.name(), from.address()),
        (Some("Sam Rivera-Núñez"), Some(FROM))
    );
    assert_eq!(
        msg.to().and_then(|a| a.first()).and_then(|a| a.address()),
        Some("marie@acme.example")
    );
    assert!(msg.date().is_some() && msg.message_id().is_some());
    assert_eq!(
        msg.body_text(0)
            .map(|b| b.replace("\r\n", "\n").trim_end().to_string()),
        Some(body.trim_end().to_string())
    );
    // To standard output: the same message.
    let out = s.run(&[
        "--now",
        FRIDAY,
        "draft",
        "--app",
        "acme-analyst",
        "--to",
        "raj",
        "--eml",
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("To: \"Raj Patel\" <raj@acme.example>"));

    // Someone without an email address: a clear error, nothing written.
    let desk = s.dir().join("desk.eml");
    let out = s.run(&[
        "--now",
        FRIDAY,
        "draft",
        "--app",
        "acme-analyst",
        "--to",
        "desk",
        "--kind",
        "thank-staff",
        "--eml",
        "-o",
        desk.to_str().expect("path"),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("Dana Lee has no email address")
            && stderr(&out).contains("debrief person set --app acme-analyst --person desk --email"),
        "{}",
        stderr(&out)
    );
    assert!(!desk.exists());
}

#[test]
fn settings_problems_exit_2_and_never_show_the_password() {
    let s = Debrief::imported();
    let note = s.draft("marie", FRIDAY);
    let no_from = s.run(&[
        "--now",
        FRIDAY,
        "draft",
        "--app",
        "acme-analyst",
        "--to",
        "marie",
        "--eml",
    ]);
    assert_eq!(no_from.status.code(), Some(2));
    assert!(
        stderr(&no_from).contains("DEBRIEF_MAIL_FROM"),
        "{}",
        stderr(&no_from)
    );

    let s = s.env("DEBRIEF_MAIL_FROM", FROM);
    let out = s.send(FRIDAY, "marie", "thank-you", &note, &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no SMTP server is set up"),
        "{}",
        stderr(&out)
    );

    for (url, want) in [
        ("smtp://sam:hunter2secret@mail.example.com", "unencrypted"),
        (
            "smtp://sam:hunter2secret@mail.example.com?tls=opportunistic",
            "tls=opportunistic: your password would go to mail.example.com unencrypted",
        ),
        (
            "smtp://sam:hunter2secret@mail.example.com?tls=none",
            "unencrypted",
        ),
        ("smtp://mail.example.com", "write ?tls=none"),
        (
            "http://sam:hunter2secret@mail.example.com",
            "starts with 'http://'",
        ),
        (
            "smtps://sam:hunter2secret@mail.example.com:99999",
            "cannot be read",
        ),
    ] {
        let s2 = Debrief::imported()
            .env("DEBRIEF_MAIL_FROM", FROM)
            .env("DEBRIEF_SMTP_URL", url);
        let note = s2.draft("marie", FRIDAY);
        let out = s2.send(FRIDAY, "marie", "thank-you", &note, &[]);
        assert_eq!(out.status.code(), Some(2), "{url}");
        let err = stderr(&out);
        assert!(err.contains(want), "{url}: {err}");
        assert!(!err.contains("hunter2secret"), "{url}: {err}");
        assert!(s2.touches().is_empty());
    }

    // Unencrypted to another computer, said on purpose: a warning.
    let s3 = Debrief::imported()
        .env("DEBRIEF_MAIL_FROM", FROM)
        .env("DEBRIEF_SMTP_URL", "smtp://relay.example?tls=none");
    let note = s3.draft("marie", FRIDAY);
    let out = s3.send(FRIDAY, "marie", "thank-you", &note, &["--dry-run"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("warning: mail to relay.example:25 goes unencrypted (tls=none)"),
        "{}",
        stderr(&out)
    );

    // A broken mail.toml: the line, never the password on it.
    let file = s.dir().join("mail.toml");
    std::fs::write(
        &file,
        "from = \"sam@example.com\"\nsmtp_url = \"smtps://sam:hunter2secret@h\n",
    )
    .expect("write");
    let s = s.env("DEBRIEF_MAIL_CONFIG", file.to_str().expect("path"));
    let out = s.send(FRIDAY, "marie", "thank-you", &note, &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("mail.toml: line 2"), "{err}");
    assert!(!err.contains("hunter2secret"), "{err}");
}

#[test]
fn tls_settings_the_server_does_not_match_are_explained_and_nothing_is_logged() {
    let Some(sink) = Sink::start(&[]) else { return };
    for (url, want) in [
        (
            format!("smtps://127.0.0.1:{}", sink.port()),
            "the TLS connection to 127.0.0.1:",
        ),
        (
            format!("smtp://sam:pw@127.0.0.1:{}?tls=required", sink.port()),
            "STARTTLS is not supported",
        ),
    ] {
        let s = Debrief::imported()
            .env("DEBRIEF_SMTP_URL", &url)
            .env("DEBRIEF_MAIL_FROM", FROM);
        let note = s.draft("marie", FRIDAY);
        let out = s.send(FRIDAY, "marie", "thank-you", &note, &[]);
        assert_eq!(out.status.code(), Some(1), "{url}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains(want) && err.contains("Nothing was logged"),
            "{url}: {err}"
        );
        assert!(!err.contains(":pw@"), "{err}");
        assert!(s.touches().is_empty());
    }
    assert!(sink.received().is_empty());
}

#[test]
fn a_second_thank_you_warns_with_the_first_date_and_yes_sends_it() {
    let Some(sink) = Sink::start(&[]) else { return };
    let s = Debrief::imported()
        .env("DEBRIEF_SMTP_URL", &sink.url())
        .env("DEBRIEF_MAIL_FROM", FROM);
    let note = s.draft("marie", FRIDAY);
    let out = s.send(FRIDAY, "marie", "thank-you", &note, &["--yes"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        !stderr(&out).contains("lint/already-sent"),
        "{}",
        stderr(&out)
    );
    // The same note again on Saturday: a warning naming Friday's note; not
    // on a terminal, --yes goes ahead as for any warning.
    let saturday = "2026-11-21T10:00:00-06:00";
    let out = s.send(saturday, "marie", "thank-you", &note, &["--yes"]);
    let err = stderr(&out);
    assert!(err.contains("lint/already-sent"), "{err}");
    assert!(err.contains("Friday, November 20, 2026"), "{err}");
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert_eq!(sink.received().len(), 2);
}
