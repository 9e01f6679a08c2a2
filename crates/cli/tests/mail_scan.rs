//! End to end: `debrief mail scan` and `debrief mail ignore` through the
//! real binary on a real SQLite file, reading an mbox file and a Maildir
//! made from the messages in crates/mailbox/tests/mail (the IMAP side,
//! against a real Dovecot, is in mail_imap.rs).

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::Debrief;
use serde_json::Value;

/// After every message of the test mailbox.
const NOW: &str = "2026-12-01T09:00:00-06:00";

pub fn messages() -> Vec<(String, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../mailbox/tests/mail");
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .expect("the test mail")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .map(|p| {
            let name = p.file_stem().expect("name").to_string_lossy().into_owned();
            (name, std::fs::read(&p).expect("read"))
        })
        .collect();
    out.sort();
    out
}

fn mbox(d: &Debrief) -> PathBuf {
    let mut text = Vec::new();
    for (_, bytes) in messages() {
        text.extend_from_slice(b"From sam@rivera.example Mon Nov 30 12:00:00 2026\n");
        text.extend_from_slice(&bytes);
        if !bytes.ends_with(b"\n") {
            text.push(b'\n');
        }
        text.push(b'\n');
    }
    d.write("mail.mbox", text)
}

fn maildir(d: &Debrief) -> PathBuf {
    let root = d.path("Maildir");
    for sub in ["cur", "new", "tmp", ".Sent/cur", ".Sent/new", ".Sent/tmp"] {
        std::fs::create_dir_all(root.join(sub)).expect("mkdir");
    }
    for (i, (name, bytes)) in messages().into_iter().enumerate() {
        let (folder, sub, flags) = if name.starts_with("sent") {
            (".Sent", "cur", ":2,S")
        } else if i % 2 == 0 {
            ("", "new", "")
        } else {
            ("", "cur", ":2,")
        };
        let file = root
            .join(folder)
            .join(sub)
            .join(format!("17640000{i:02}.M{i}P1.test{flags}"));
        std::fs::write(file, bytes).expect("write");
    }
    root
}

fn with_address() -> Debrief {
    address(Debrief::imported().now(NOW))
}

/// On a SQLite file, for the tests that look inside it.
fn with_address_on_file() -> Debrief {
    address(Debrief::sqlite_imported().now(NOW))
}

fn address(d: Debrief) -> Debrief {
    d.ok(&["profile", "--email", "sam@rivera.example"]);
    d
}

fn kinds(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v["proposals"]
        .as_array()
        .expect("proposals")
        .iter()
        .map(|p| p["kind"].as_str().expect("kind").to_string())
        .collect();
    k.sort();
    k
}

fn find<'a>(v: &'a Value, kind: &str) -> &'a Value {
    v["proposals"]
        .as_array()
        .expect("proposals")
        .iter()
        .find(|p| p["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind} proposal in {v:#}"))
}

#[test]
fn an_mbox_is_read_proposed_applied_and_a_second_scan_proposes_nothing() {
    let d = with_address();
    let file = mbox(&d);
    let file = file.to_str().expect("path");
    let v = d.json(&["mail", "scan", "--mbox", file, "--json"]);
    assert_eq!(
        kinds(&v),
        [
            "interview",
            "outcome",
            "person",
            "reply",
            "reply",
            "touch",
            "touch"
        ],
        "{v:#}"
    );
    assert_eq!(v["skipped"], 1, "the friend's dinner invitation");

    let thanks = v["proposals"]
        .as_array()
        .expect("proposals")
        .iter()
        .find(|p| p["touch_kind"] == "thank-you")
        .expect("the thank-you");
    assert_eq!(thanks["person"], "marie");
    assert_eq!(thanks["at"], "2026-11-20T17:30:00-06:00");
    assert_eq!(thanks["message_id"], "<thanks-marie@rivera.example>");
    assert!(
        thanks["evidence"]
            .as_str()
            .expect("evidence")
            .starts_with("Sent to marie@acme.example: \"Hi Marie, Thank you")
    );
    assert!(
        !thanks["evidence"]
            .as_str()
            .expect("evidence")
            .contains("555 0100"),
        "the signature is not read"
    );
    let chase = v["proposals"]
        .as_array()
        .expect("proposals")
        .iter()
        .find(|p| p["touch_kind"] == "status-check")
        .expect("the status check");
    assert!(
        chase["early_chase"].is_string(),
        "a chase three days after the thank-you is early: {chase:#}"
    );
    let person = find(&v, "person");
    assert_eq!(person["name"], "Jo Kim");
    assert_eq!(person["email"], "jo.kim@acme.example");
    let outcome = find(&v, "outcome");
    assert_eq!(outcome["outcome"], "rejected");
    assert!(
        outcome["evidence"]
            .as_str()
            .expect("evidence")
            .contains("decided to move forward with other candidates")
    );
    let interview = find(&v, "interview");
    assert_eq!(interview["start"], "2026-12-03T10:00:00-06:00");

    // Nothing was recorded by the scan itself.
    let before = d.export();
    assert!(
        before["applications"][0]["touches"]
            .as_array()
            .expect("touches")
            .is_empty()
    );

    let applied = d.json(&["mail", "scan", "--mbox", file, "--apply", "--json"]);
    let results = applied["applied"].as_array().expect("applied");
    assert_eq!(results.len(), 7);
    assert!(results.iter().all(|r| r["recorded"] == true), "{applied:#}");
    assert!(
        results.iter().any(|r| r["note"]
            .as_str()
            .is_some_and(|n| n.starts_with("early chase"))),
        "the early chase is recorded and said: {applied:#}"
    );

    let after = d.export();
    let app = &after["applications"][0];
    assert_eq!(app["stage"], "rejected");
    assert_eq!(app["outcome"]["message_id"], "<decision@acme.example>");
    let touches = app["touches"].as_array().expect("touches");
    assert_eq!(touches.len(), 2);
    assert_eq!(touches[0]["message_id"], "<thanks-marie@rivera.example>");
    assert_eq!(touches[0]["replied_at"], "2026-11-24T09:05:00-06:00");
    assert_eq!(touches[1]["forced"], true, "mail already sent is a fact");
    assert!(
        app["people"]
            .as_array()
            .expect("people")
            .iter()
            .any(|p| p["email"] == "jo.kim@acme.example")
    );
    assert!(
        app["interviews"]
            .as_array()
            .expect("interviews")
            .iter()
            .any(|i| i["invite"]["uid"] == "final-round-42@acme.example")
    );

    // A second scan: nothing new.
    let again = d.json(&["mail", "scan", "--mbox", file, "--json"]);
    assert_eq!(
        again["proposals"].as_array().expect("proposals").len(),
        0,
        "{again:#}"
    );

    // The message ids go through the exchange format both ways.
    let exported = d.write("export.json", serde_json::to_vec(&after).expect("json"));
    let other = Debrief::new().now(NOW);
    other.ok(&["import", exported.to_str().expect("path")]);
    assert_eq!(other.export(), after);
}

#[test]
fn the_human_list_is_readable() {
    let d = with_address();
    let file = mbox(&d);
    let text = d.ok(&["mail", "scan", "--mbox", file.to_str().expect("path")]);
    assert!(
        text.contains("you sent a thank-you to marie, Fri 20 Nov 2026 17:30"),
        "{text}"
    );
    assert!(
        text.contains("you sent a status-check to raj (an early chase)"),
        "{text}"
    );
    assert!(text.contains("outcome: rejected"), "{text}");
    assert!(
        text.contains("new person: Jo Kim <jo.kim@acme.example>"),
        "{text}"
    );
    assert!(
        text.contains("1 message concerned no application"),
        "{text}"
    );
    assert!(text.contains("--apply"), "{text}");
}

/// Every file of a directory tree with its bytes and modification time.
fn snapshot(root: &Path) -> BTreeMap<PathBuf, (Vec<u8>, std::time::SystemTime)> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir)
            .expect("read dir")
            .filter_map(Result::ok)
        {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let meta = std::fs::metadata(&p).expect("meta");
                out.insert(
                    p.clone(),
                    (
                        std::fs::read(&p).expect("read"),
                        meta.modified().expect("mtime"),
                    ),
                );
            }
        }
    }
    out
}

#[test]
fn a_maildir_is_read_with_its_sent_folder_and_never_changed() {
    let d = with_address();
    let root = maildir(&d);
    let before = snapshot(&root);
    let dir = root.to_str().expect("path");
    let v = d.json(&["mail", "scan", "--maildir", dir, "--json"]);
    assert_eq!(
        kinds(&v),
        [
            "interview",
            "outcome",
            "person",
            "reply",
            "reply",
            "touch",
            "touch"
        ],
        "{v:#}"
    );
    // Apply only the thank-you: the rest stays proposed.
    let thanks = v["proposals"]
        .as_array()
        .expect("proposals")
        .iter()
        .find(|p| p["touch_kind"] == "thank-you")
        .expect("thank-you")["id"]
        .as_str()
        .expect("id")
        .to_string();
    let applied = d.json(&[
        "mail",
        "scan",
        "--maildir",
        dir,
        "--apply",
        &thanks,
        "--json",
    ]);
    assert_eq!(applied["applied"].as_array().expect("applied").len(), 1);
    let again = d.json(&["mail", "scan", "--maildir", dir, "--json"]);
    assert_eq!(
        again["proposals"].as_array().expect("proposals").len(),
        6,
        "{again:#}"
    );
    assert!(
        again["proposals"]
            .as_array()
            .expect("proposals")
            .iter()
            .all(|p| p["id"] != thanks.as_str())
    );
    d.ok(&["mail", "scan", "--maildir", dir, "--apply"]);
    let last = d.json(&["mail", "scan", "--maildir", dir, "--json"]);
    assert_eq!(
        last["proposals"].as_array().expect("proposals").len(),
        0,
        "{last:#}"
    );
    assert_eq!(
        snapshot(&root),
        before,
        "no file renamed, changed or touched"
    );
}

#[test]
fn ignored_proposals_are_not_proposed_again() {
    let d = with_address();
    let file = mbox(&d);
    let file = file.to_str().expect("path");
    let v = d.json(&["mail", "scan", "--mbox", file, "--json"]);
    let person = find(&v, "person")["id"].as_str().expect("id").to_string();
    let out = d.ok(&["mail", "ignore", &person]);
    assert!(out.contains("Ignored 1 proposal"), "{out}");
    let again = d.json(&["mail", "scan", "--mbox", file, "--json"]);
    assert_eq!(again["proposals"].as_array().expect("proposals").len(), 6);
    assert!(
        again["proposals"]
            .as_array()
            .expect("proposals")
            .iter()
            .all(|p| p["kind"] != "person")
    );
    // Applying the rest works without the person (the invitation's own
    // import may still name Jo as its organizer, as `ics import` does).
    let applied = d.json(&["mail", "scan", "--mbox", file, "--apply", "--json"]);
    let results = applied["applied"].as_array().expect("applied");
    assert_eq!(results.len(), 6);
    assert!(results.iter().all(|r| r["recorded"] == true), "{applied:#}");
}

#[test]
fn since_leaves_older_mail_alone() {
    let d = with_address();
    let file = mbox(&d);
    let v = d.json(&[
        "mail",
        "scan",
        "--mbox",
        file.to_str().expect("path"),
        "--since",
        "2026-11-26",
        "--json",
    ]);
    // Jo's introduction is older: her invitation now introduces her.
    assert_eq!(kinds(&v), ["interview", "outcome", "person"], "{v:#}");
}

#[test]
fn without_the_users_address_nothing_reads_as_sent_and_a_warning_says_how() {
    let d = Debrief::imported().now(NOW);
    let file = mbox(&d);
    let out = d.run(&[
        "mail",
        "scan",
        "--mbox",
        file.to_str().expect("path"),
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert!(common::stderr(&out).contains("debrief profile --email"));
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert!(
        v["proposals"]
            .as_array()
            .expect("proposals")
            .iter()
            .all(|p| p["kind"] != "touch")
    );
}

#[test]
fn bad_input_exits_2_and_writes_nothing() {
    let d = with_address();
    let file = mbox(&d);
    let file = file.to_str().expect("path");
    let before = d.export();
    let e = d.input_error(&["mail", "scan", "--mbox", "missing.mbox"]);
    assert!(e.contains("missing.mbox"), "{e}");
    let e = d.input_error(&["mail", "scan", "--maildir", file]);
    assert!(
        e.contains("not a Maildir") || e.contains("cannot read"),
        "{e}"
    );
    let e = d.input_error(&["mail", "scan", "--mbox", file, "--apply", "nonsense"]);
    assert!(e.contains("'nonsense' is not a proposal id"), "{e}");
    let e = d.input_error(&[
        "mail",
        "scan",
        "--mbox",
        file,
        "--apply",
        "0123456789abcdef",
    ]);
    assert!(e.contains("no proposal '0123456789abcdef'"), "{e}");
    let e = d.input_error(&["mail", "scan", "--mbox", file, "--since", "yesterday"]);
    assert!(e.contains("--since"), "{e}");
    d.input_error(&["mail", "scan"]);
    d.input_error(&["mail", "scan", "--mbox", file, "--maildir", file]);
    let e = d.input_error(&["mail", "scan", "--imap", "imap://sam@mail.example/"]);
    assert!(e.contains("unencrypted"), "{e}");
    let e = d.input_error(&["mail", "scan", "--imap", "imaps://sam:secret@mail.example/"]);
    assert!(
        e.contains("DEBRIEF_IMAP_PASSWORD") && !e.contains("secret"),
        "{e}"
    );
    let e = d.input_error(&["mail", "scan", "--imap", "imaps://sam@mail.example/"]);
    assert!(e.contains("no IMAP password"), "{e}");
    let e = d.input_error(&["mail", "ignore", "xyz"]);
    assert!(e.contains("'xyz' is not a proposal id"), "{e}");
    assert_eq!(d.export(), before);
}

#[test]
fn garbage_in_an_mbox_is_skipped_not_fatal() {
    let d = with_address();
    let mut bytes = b"From x Mon Nov 30 12:00:00 2026\n\x00\x01\x02 not a message\xff\n\nFrom y Mon Nov 30 12:00:00 2026\n".to_vec();
    bytes.extend_from_slice(&[0xfe; 64]);
    let file = d.write("junk.mbox", bytes);
    let v = d.json(&[
        "mail",
        "scan",
        "--mbox",
        file.to_str().expect("path"),
        "--json",
    ]);
    assert_eq!(v["proposals"].as_array().expect("proposals").len(), 0);
}

/// The store's `mail.*` settings (marks, ignored ids, waiting proposals).
fn mail_settings(d: &Debrief) -> BTreeMap<String, String> {
    let conn = rusqlite::Connection::open(d.db()).expect("open the store");
    let mut stmt = conn
        .prepare("SELECT key, value FROM settings WHERE key LIKE 'mail.%'")
        .expect("query");
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("rows")
        .map(|r| r.expect("row"))
        .collect()
}

#[test]
fn marks_and_the_waiting_list_are_written_with_the_applied_changes_or_not_at_all() {
    let d = with_address_on_file();
    let file = mbox(&d);
    let file = file.to_str().expect("path");
    // A refused --apply writes nothing at all: no mark, no waiting list.
    d.input_error(&[
        "mail",
        "scan",
        "--mbox",
        file,
        "--apply",
        "0123456789abcdef",
    ]);
    assert!(mail_settings(&d).is_empty(), "{:?}", mail_settings(&d));

    let v = d.json(&["mail", "scan", "--mbox", file, "--json"]);
    let ids: Vec<String> = v["proposals"]
        .as_array()
        .expect("proposals")
        .iter()
        .map(|p| p["id"].as_str().expect("id").to_string())
        .collect();
    let thanks = find(&v, "touch")["id"].as_str().expect("id").to_string();
    d.json(&["mail", "scan", "--mbox", file, "--apply", &thanks, "--json"]);
    let settings = mail_settings(&d);
    let pending = &settings["mail.pending"];
    for id in &ids {
        assert_eq!(
            pending.contains(id.as_str()),
            id != &thanks,
            "{id} in the waiting list: {pending}"
        );
    }
    // Everything applied: the whole file is settled, nothing waits.
    d.json(&["mail", "scan", "--mbox", file, "--apply", "--json"]);
    let settings = mail_settings(&d);
    assert!(
        settings.keys().any(|k| k.starts_with("mail.mark:mbox:")),
        "{settings:?}"
    );
    assert!(
        !ids.iter()
            .any(|id| settings["mail.pending"].contains(id.as_str())),
        "{settings:?}"
    );
}

#[test]
fn serve_scans_on_a_schedule_only_when_asked_and_only_proposes() {
    let d = with_address_on_file();
    let e = d.input_error(&["serve", "--addr", "127.0.0.1:0", "--scan-mail-every", "2m"]);
    assert!(e.contains("out of range"), "{e}");
    let e = d.input_error(&[
        "serve",
        "--addr",
        "127.0.0.1:0",
        "--scan-mail-every",
        "often",
    ]);
    assert!(e.contains("not an interval"), "{e}");
    let e = d.input_error(&["serve", "--addr", "127.0.0.1:0", "--scan-mail-every", "1h"]);
    assert!(e.contains("no mailbox to scan"), "{e}");

    // With a mailbox: the first scan runs as the server starts (the clock
    // pinned by --now), proposes, and records nothing.
    let file = mbox(&d);
    let before = d.export();
    let mut child = d
        .command(&["serve", "--addr", "127.0.0.1:0", "--scan-mail-every", "1h"])
        .env("DEBRIEF_MAIL_SCAN", format!("mbox:{}", file.display()))
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("serve");
    let out = child.stdout.take().expect("stdout");
    let mut lines = std::io::BufRead::lines(std::io::BufReader::new(out));
    let mut seen = Vec::new();
    let scanned = loop {
        let Some(Ok(line)) = lines.next() else {
            let _ = child.kill();
            panic!("serve stopped: {seen:?}");
        };
        if line.starts_with("Scanned ") {
            break line;
        }
        seen.push(line);
    };
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        seen.iter()
            .any(|l| l.contains("Scanning your mailbox every 1h")),
        "{seen:?}"
    );
    assert!(
        scanned.contains("7 proposals waiting in the Inbox"),
        "{scanned}"
    );
    assert_eq!(d.export(), before, "a scheduled scan records nothing");
    let settings = mail_settings(&d);
    assert!(
        settings["mail.pending"].contains("<thanks-marie@rivera.example>"),
        "{settings:?}"
    );
}
