//! `debrief remind`: each action announced once, at pinned moments; desktop
//! notifications through a real notification daemon (dunst on a private
//! session bus under Xvfb); the digest through a real SMTP server; the
//! systemd user timer written and removed.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use common::{Debrief, stderr, stdout};
use debrief_testkit::Sink;
use serde_json::Value;

/// Friday's panel at Acme ends at 12:00 (Chicago): before and after.
const MORNING: &str = "2026-11-20 08:00";
const AFTERNOON: &str = "2026-11-20 17:00";
const FROM: &str = "sam@example.com";

fn remind_json(d: &Debrief, now: &str, extra: &[&str]) -> Value {
    let mut args = vec!["--now", now, "remind", "--json"];
    args.extend_from_slice(extra);
    d.json(&args)
}

/// `(rule, person)` of each action announced.
fn announced(v: &Value) -> Vec<(String, String)> {
    v["actions"]
        .as_array()
        .expect("actions")
        .iter()
        .map(|a| {
            (
                a["rule"].as_str().unwrap_or_default().to_string(),
                a["person"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

fn has(list: &[(String, String)], rule: &str, person: &str) -> bool {
    list.iter().any(|(r, p)| r == rule && p == person)
}

#[test]
fn the_thank_you_is_announced_once_when_its_window_opens() {
    let d = Debrief::imported();
    // Before the interview ends there is no thank-you to announce.
    let morning = announced(&remind_json(&d, MORNING, &[]));
    assert!(
        !morning.iter().any(|(r, _)| r == "thank-you-note"),
        "{morning:?}"
    );

    let first = remind_json(&d, AFTERNOON, &[]);
    let list = announced(&first);
    assert!(has(&list, "thank-you-note", "marie"), "{first}");
    assert!(has(&list, "thank-you-note", "raj"), "{first}");
    assert!(first["actions"][0]["why"].is_string());
    assert_eq!(first["now"], "2026-11-20T17:00:00-06:00");
    assert_eq!(first["since"], "2026-11-20T08:00:00-06:00");

    // Twice in a row, at the same moment and later: nothing new.
    let again = remind_json(&d, AFTERNOON, &[]);
    assert_eq!(again["actions"], serde_json::json!([]), "{again}");
    assert_eq!(
        again["already_announced"],
        first["actions"].as_array().map(Vec::len).unwrap_or(0)
    );
    let later = remind_json(&d, "2026-11-21 09:00", &[]);
    assert!(
        !announced(&later).iter().any(|(r, _)| r == "thank-you-note"),
        "{later}"
    );

    // Marie is thanked; weeks on, the status check's window opens and is
    // announced, the thank-yous still open are not announced again.
    d.ok(&[
        "--now",
        "2026-11-21 09:30",
        "touch",
        "--app",
        "acme-analyst",
        "--person",
        "marie",
        "--kind",
        "thank-you",
    ]);
    let chase = announced(&remind_json(&d, "2026-12-07 09:30", &[]));
    assert!(chase.iter().any(|(r, _)| r == "status-check"), "{chase:?}");
    assert!(
        !chase.iter().any(|(r, _)| r == "thank-you-note"),
        "{chase:?}"
    );

    // The human form says the same; what was announced is not exported.
    let text = d.ok(&["--now", "2026-12-07 09:45", "remind"]);
    assert!(
        text.starts_with("Nothing new became due since Mon 7 Dec, 9:30."),
        "{text}"
    );
    assert!(!d.ok(&["export"]).contains("thank-you-note|"));
}

#[test]
fn the_human_reminder_names_each_action_with_its_why() {
    let d = Debrief::imported();
    let text = d.ok(&["--now", AFTERNOON, "remind"]);
    assert!(text.contains("follow-ups became due:"), "{text}");
    assert!(
        text.contains("Thank Marie Dubois  [thank-you-note]"),
        "{text}"
    );
    assert!(text.contains("Acme Corp · due Sat 21 Nov, 11:30"), "{text}");
    assert!(
        text.contains("no thank-you to Marie Dubois logged yet"),
        "{text}"
    );
}

#[test]
fn without_a_notification_service_it_says_so_and_announces_again_next_time() {
    let d = Debrief::imported().env(
        "DBUS_SESSION_BUS_ADDRESS",
        "unix:path=/nonexistent/debrief-bus",
    );
    let out = d.run(&["--now", AFTERNOON, "remind", "--notify"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("no desktop notification service answered on the session bus unix:path=/nonexistent/debrief-bus"),
        "{err}"
    );
    assert!(err.contains("Nothing was marked as announced"), "{err}");
    assert!(stdout(&out).contains("Thank Marie Dubois"));
    // Not marked: a run that can deliver still announces them.
    let list = announced(&remind_json(&d, AFTERNOON, &[]));
    assert!(has(&list, "thank-you-note", "marie"), "{list:?}");
}

/// Which of the programs the notification test needs are missing.
fn missing_programs() -> Vec<&'static str> {
    ["dbus-run-session", "dbus-send", "Xvfb", "dunst", "dunstctl"]
        .into_iter()
        .filter(|p| {
            !Command::new("sh")
                .args(["-c", &format!("command -v {p}")])
                .stdout(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        })
        .collect()
}

fn skip_loudly(what: &str, why: &str) {
    let bar = "!".repeat(72);
    let _ = writeln!(
        std::io::stderr(),
        "\n{bar}\n!!! {what} SKIPPED: {why}\n{bar}\n"
    );
}

/// Starts Xvfb and dunst on the private session bus `dbus-run-session`
/// made, waits until dunst owns org.freedesktop.Notifications, runs the
/// command, then closes the notifications and dumps dunst's history.
const SESSION: &str = r#"
cd "$1"; shift
Xvfb -displayfd 3 -nolisten tcp 3>display.txt >/dev/null 2>&1 &
X=$!
for i in $(seq 100); do [ -s display.txt ] && break; sleep 0.1; done
export DISPLAY=":$(cat display.txt)"
dunst >dunst.log 2>&1 &
DUNST=$!
up=no
for i in $(seq 100); do
  if dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
      org.freedesktop.DBus.NameHasOwner string:org.freedesktop.Notifications 2>/dev/null | grep -q true; then
    up=yes; break
  fi
  sleep 0.1
done
if [ "$up" = yes ]; then
  "$@" >remind.out 2>remind.err; echo $? >remind.rc
  dunstctl close-all; sleep 0.3
  dunstctl history >history.json
fi
kill $DUNST $X 2>/dev/null
wait 2>/dev/null
[ "$up" = yes ]
"#;

/// dunst's history: the summaries of the notifications it showed.
fn summaries(history: &str) -> Vec<String> {
    let v: Value = serde_json::from_str(history).expect("dunstctl history is JSON");
    v["data"]
        .as_array()
        .and_then(|d| d.first())
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|n| n["summary"]["data"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

fn in_session(d: &Debrief, dir: &Path, now: &str) -> Option<(i32, Vec<String>, String)> {
    let _ = std::fs::remove_file(dir.join("history.json"));
    let status = Command::new("dbus-run-session")
        .args(["--", "sh", "-c", SESSION, "session"])
        .arg(dir)
        .arg(env!("CARGO_BIN_EXE_debrief"))
        .args([
            "--db",
            &d.db().display().to_string(),
            "--now",
            now,
            "remind",
            "--notify",
        ])
        .env_remove("DEBRIEF_NOW")
        .env_remove("DEBRIEF_DB")
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env("XDG_CONFIG_HOME", d.path("config"))
        .env("XDG_DATA_HOME", d.path("data"))
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("run dbus-run-session");
    if !status.success() {
        return None;
    }
    let rc = std::fs::read_to_string(dir.join("remind.rc")).expect("rc");
    let history = std::fs::read_to_string(dir.join("history.json")).expect("history");
    let err = std::fs::read_to_string(dir.join("remind.err")).unwrap_or_default();
    Some((rc.trim().parse().unwrap_or(-1), summaries(&history), err))
}

#[test]
fn notifications_reach_a_real_notification_daemon_once() {
    let missing = missing_programs();
    if !missing.is_empty() {
        skip_loudly(
            "DESKTOP NOTIFICATION TEST",
            &format!(
                "{} not installed (apt-get install dbus dunst xvfb); `remind --notify` against a real daemon did NOT run.",
                missing.join(", ")
            ),
        );
        return;
    }
    let d = Debrief::sqlite_imported();
    let dir = d.path("session");
    std::fs::create_dir_all(&dir).expect("session dir");
    let Some((rc, shown, err)) = in_session(&d, &dir, AFTERNOON) else {
        skip_loudly(
            "DESKTOP NOTIFICATION TEST",
            "dunst did not start on a private session bus under Xvfb; `remind --notify` did NOT run.",
        );
        return;
    };
    assert_eq!(rc, 0, "{err}");
    assert!(
        shown.contains(&"Thank Marie Dubois".to_string()),
        "{shown:?}"
    );
    assert!(shown.contains(&"Thank Raj Patel".to_string()), "{shown:?}");
    // The second run, a little later, shows nothing new.
    // A fresh session bus and display each time; on a loaded machine the
    // second one can fail to come up at once, so it gets a few tries (a
    // run that announces nothing announces nothing again).
    let again = (0..3).find_map(|_| {
        let r = in_session(&d, &dir, "2026-11-20 17:15");
        if r.is_none() {
            std::thread::sleep(std::time::Duration::from_secs(1));
        }
        r
    });
    let (rc, shown, err) = again.expect("the daemon again, within three tries");
    assert_eq!(rc, 0, "{err}");
    assert!(shown.is_empty(), "{shown:?}");
}

#[test]
fn the_digest_email_goes_to_your_own_address_once() {
    let Some(sink) = Sink::start(&[]) else { return };
    let d = Debrief::imported()
        .env("DEBRIEF_SMTP_URL", &sink.url())
        .env("DEBRIEF_MAIL_FROM", FROM);
    let first = remind_json(&d, AFTERNOON, &["--email"]);
    assert!(has(&announced(&first), "thank-you-note", "marie"));
    let received = sink.received();
    assert_eq!(received.len(), 1, "one digest");
    let (raw, envelope) = &received[0];
    assert_eq!(envelope["rcpt_tos"], serde_json::json!([FROM]));
    let msg = mail_parser::MessageParser::default()
        .parse(raw)
        .expect("an RFC 5322 message");
    let n = first["actions"].as_array().map(Vec::len).unwrap_or(0);
    assert_eq!(
        msg.subject(),
        Some(format!("Debrief: {n} follow-ups became due").as_str())
    );
    let body = msg.body_text(0).expect("a text body");
    assert!(
        body.contains("Thank Marie Dubois  [thank-you-note]"),
        "{body}"
    );
    assert!(
        body.contains("no thank-you to Raj Patel logged yet"),
        "{body}"
    );

    // Nothing new: no second mail.
    let again = remind_json(&d, "2026-11-20 17:15", &["--email"]);
    assert_eq!(again["actions"], serde_json::json!([]));
    assert_eq!(sink.received().len(), 1);
}

#[test]
fn a_digest_that_cannot_be_sent_is_not_marked_announced() {
    let d = Debrief::imported()
        .env(
            "DEBRIEF_SMTP_URL",
            &format!("smtp://127.0.0.1:{}", debrief_testkit::closed_port()),
        )
        .env("DEBRIEF_MAIL_FROM", FROM);
    let out = d.run(&["--now", AFTERNOON, "remind", "--email"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("the digest was not sent through 127.0.0.1:"),
        "{}",
        stderr(&out)
    );
    let list = announced(&remind_json(&d, AFTERNOON, &[]));
    assert!(has(&list, "thank-you-note", "marie"), "{list:?}");
}

#[test]
fn install_writes_a_systemd_user_timer_and_uninstall_removes_it() {
    let d = Debrief::sqlite_imported();
    // systemctl here records what it was asked: the test machine has no
    // user service manager to turn a timer on (the unit files are real).
    let bin = d.path("bin");
    std::fs::create_dir_all(&bin).expect("bin");
    let log = d.path("systemctl.log");
    let fake = bin.join("systemctl");
    std::fs::write(
        &fake,
        format!("#!/bin/sh\necho \"$@\" >> '{}'\n", log.display()),
    )
    .expect("write systemctl");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let d = d.env("PATH", &path);
    let out = d.ok(&["remind", "--install", "--with", "systemd"]);
    let units = d.path("config").join("systemd").join("user");
    let service = std::fs::read_to_string(units.join("debrief-remind.service")).expect("service");
    let timer = std::fs::read_to_string(units.join("debrief-remind.timer")).expect("timer");
    assert!(out.contains("The timer is on"), "{out}");
    let exec = service
        .lines()
        .find_map(|l| l.strip_prefix("ExecStart="))
        .expect("ExecStart");
    assert_eq!(
        exec,
        format!(
            "\"{}\" \"--db\" \"{}\" \"remind\" \"--notify\"",
            env!("CARGO_BIN_EXE_debrief"),
            d.db().display()
        )
    );
    assert!(service.contains("Type=oneshot"), "{service}");
    assert!(timer.contains("OnCalendar=*:0/15"), "{timer}");
    assert!(timer.contains("WantedBy=timers.target"), "{timer}");
    let calls = std::fs::read_to_string(&log).expect("systemctl was called");
    assert_eq!(
        calls,
        "--user daemon-reload\n--user enable --now debrief-remind.timer\n"
    );

    let out = d.ok(&["remind", "--uninstall", "--with", "systemd"]);
    assert!(out.contains("Removed"), "{out}");
    assert!(!units.join("debrief-remind.service").exists());
    assert!(!units.join("debrief-remind.timer").exists());
    let calls = std::fs::read_to_string(&log).expect("log");
    assert!(
        calls.ends_with("--user disable --now debrief-remind.timer\n--user daemon-reload\n"),
        "{calls}"
    );
    let out = d.ok(&["remind", "--uninstall", "--with", "systemd"]);
    assert!(out.starts_with("No reminder timer was installed"), "{out}");
}

#[test]
fn without_systemd_install_prints_the_crontab_line() {
    let d = Debrief::sqlite_imported();
    let out = d.ok(&["remind", "--install", "--with", "cron", "--email"]);
    let line = out
        .lines()
        .find(|l| l.starts_with("*/15 * * * * "))
        .unwrap_or_else(|| panic!("no crontab line in:\n{out}"));
    assert_eq!(
        line,
        format!(
            "*/15 * * * * '{}' '--db' '{}' 'remind' '--email'",
            env!("CARGO_BIN_EXE_debrief"),
            d.db().display()
        )
    );
    assert!(
        !d.path("config").join("systemd").exists(),
        "nothing written"
    );
}

/// Two `remind` processes started together on one store: every action
/// comes out of exactly one of them (the claim is one store transaction).
/// Several rounds, each on a fresh store, so the two really overlap.
#[test]
fn two_reminders_at_once_announce_each_action_once() {
    for round in 0..6 {
        let d = Debrief::imported();
        let spawn = || {
            d.command(&["--now", AFTERNOON, "remind", "--json"])
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn debrief remind")
        };
        let (a, b) = (spawn(), spawn());
        let mut lists = Vec::new();
        for child in [a, b] {
            let out = child.wait_with_output().expect("run debrief remind");
            assert!(out.status.success(), "round {round}: {}", stderr(&out));
            let v: Value = serde_json::from_str(&stdout(&out)).expect("remind --json");
            lists.push(announced(&v));
        }
        let all: Vec<&(String, String)> = lists.iter().flatten().collect();
        let mut unique = all.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(
            all.len(),
            unique.len(),
            "round {round}: announced twice: {lists:?}"
        );
        assert!(
            has(&lists.concat(), "thank-you-note", "marie")
                && has(&lists.concat(), "thank-you-note", "raj"),
            "round {round}: {lists:?}"
        );
        // And a third run finds nothing left.
        assert_eq!(
            announced(&remind_json(&d, AFTERNOON, &[])),
            Vec::<(String, String)>::new()
        );
    }
}

/// `--digest` writes the setting the web app's Settings shows and its
/// scheduler reads: the server started on the store answers the same.
#[test]
fn the_digest_set_here_is_the_one_the_server_reads() {
    let d = Debrief::imported();
    let text = d.ok(&["--now", AFTERNOON, "remind", "--digest", "7:45"]);
    assert!(text.contains("The daily digest comes at 07:45"), "{text}");
    let v = remind_json(&d, AFTERNOON, &[]);
    assert_eq!(
        v["digest"],
        serde_json::json!({"enabled": true, "at": "07:45"})
    );

    let err = d.input_error(&["--now", AFTERNOON, "remind", "--digest", "25:00"]);
    assert!(
        err.contains("--digest: '25:00' is not a time of day"),
        "{err}"
    );
    // Refused: the stored setting is untouched.
    assert_eq!(remind_json(&d, AFTERNOON, &[])["digest"]["at"], "07:45");

    let mut server = d
        .command(&["--now", AFTERNOON, "serve", "--addr", "127.0.0.1:0"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start debrief serve");
    let mut out = std::io::BufReader::new(server.stdout.take().expect("stdout"));
    let mut line = String::new();
    std::io::BufRead::read_line(&mut out, &mut line).expect("first line");
    let addr = line
        .split("http://")
        .nth(1)
        .map(|rest| rest.trim().trim_end_matches('/').to_string())
        .unwrap_or_else(|| panic!("no address in {line:?}"));
    std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
    let answer = (|| -> std::io::Result<String> {
        use std::io::Read;
        let mut s = std::net::TcpStream::connect(&addr)?;
        s.set_read_timeout(Some(std::time::Duration::from_secs(10)))?;
        write!(
            s,
            "GET /api/v1/settings/digest HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
        )?;
        let mut body = String::new();
        s.read_to_string(&mut body)?;
        Ok(body)
    })();
    let _ = server.kill();
    let _ = server.wait();
    let answer = answer.expect("GET the digest setting");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(
        answer.ends_with(r#"{"enabled":true,"at":"07:45"}"#),
        "{answer}"
    );

    let text = d.ok(&["--now", AFTERNOON, "remind", "--digest", "off"]);
    assert_eq!(text, "The daily digest is off.\n");
    assert_eq!(
        remind_json(&d, AFTERNOON, &[])["digest"],
        serde_json::json!({"enabled": false, "at": "07:45"})
    );
}
