//! The command line on PostgreSQL (`--database URL`), end to end with the
//! real binary and a real server: `debrief migrate` copies a SQLite store
//! losslessly (export equality), refuses a vault that holds data unless
//! `--replace`, and the data commands work on the copy. Against
//! `DEBRIEF_TEST_DATABASE_URL` (`.ci/postgres`); skipped loudly without it.

mod common;

use std::process::{Command, Output, Stdio};

use common::{Debrief, stderr, stdout};

const NOW: &str = "2026-11-21T09:00:00-06:00";

/// A fresh database of the test server, or `None` (said loudly) without one.
fn database(test: &str) -> Option<debrief_testkit::pg::TestDatabase> {
    match std::env::var("DEBRIEF_TEST_DATABASE_URL") {
        Ok(url) if !url.trim().is_empty() => Some(debrief_testkit::pg::TestDatabase::new()),
        _ => {
            eprintln!(
                "!! SKIPPED {test}: DEBRIEF_TEST_DATABASE_URL is not set, so the command line was not run on PostgreSQL.\n\
                 !! Start a throwaway server with `export DEBRIEF_TEST_DATABASE_URL=\"$(.ci/postgres)\"`, then run the tests again."
            );
            None
        }
    }
}

/// `debrief --database URL --now NOW args`, isolated like the harness's
/// commands (run in `d`'s directory, none of the caller's variables).
fn on_database(d: &Debrief, url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_debrief"))
        .arg("--database")
        .arg(url)
        .args(["--now", NOW])
        .args(args)
        .current_dir(d.dir())
        .env_remove("DEBRIEF_NOW")
        .env_remove("DEBRIEF_DB")
        .env_remove("DEBRIEF_DATABASE_URL")
        .env("XDG_CONFIG_HOME", d.path("config"))
        .env("XDG_DATA_HOME", d.path("data"))
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("run debrief")
}

fn ok(d: &Debrief, url: &str, args: &[&str]) -> String {
    let out = on_database(d, url, args);
    assert!(
        out.status.success(),
        "debrief --database {args:?} failed ({:?}):\n{}",
        out.status.code(),
        stderr(&out)
    );
    stdout(&out)
}

#[test]
fn migrate_copies_a_sqlite_store_losslessly_and_the_copy_is_usable() {
    let Some(db) = database("migrate_copies_a_sqlite_store_losslessly") else {
        return;
    };
    let target = db.url().to_string();
    let d = Debrief::sqlite_imported().now(NOW);
    // Settings travel too: the journal's days and the calendar feed's secret.
    d.ok(&["history", "--keep-days", "30"]);
    let feed = d.json(&["ics", "feed", "--json"]);
    d.ok(&[
        "touch",
        "--app",
        "acme-analyst",
        "--person",
        "marie",
        "--kind",
        "thank-you",
    ]);
    let from = d.db().to_str().expect("utf-8 path").to_string();

    let copied = ok(&d, &target, &["migrate", "--from", &from]);
    assert!(copied.contains("Copied 1 application"), "{copied}");
    assert!(
        !copied.contains("debrief:debrief@"),
        "no password: {copied}"
    );
    let sqlite_export = d.ok(&["export"]);
    let pg_export = ok(&d, &target, &["export"]);
    assert_eq!(pg_export, sqlite_export, "export is the same on both sides");
    let pg_feed: serde_json::Value =
        serde_json::from_str(&ok(&d, &target, &["ics", "feed", "--json"])).expect("json");
    assert_eq!(pg_feed["url"], feed["url"], "the feed secret was copied");
    assert_eq!(pg_feed["renewed"], false, "{pg_feed}");
    assert_eq!(
        ok(&d, &target, &["agenda", "--json"]),
        d.ok(&["agenda", "--json"]),
        "the same agenda from both stores"
    );

    // A vault that holds data is refused (exit 2), and left as it was.
    let again = on_database(&d, &target, &["migrate", "--from", &from]);
    assert_eq!(again.status.code(), Some(2), "{}", stderr(&again));
    assert!(stderr(&again).contains("--replace"), "{}", stderr(&again));
    d.ok(&[
        "app",
        "add",
        "--id",
        "beta",
        "--company",
        "Beta",
        "--role",
        "Analyst",
    ]);
    ok(&d, &target, &["migrate", "--from", &from, "--replace"]);
    assert_eq!(ok(&d, &target, &["export"]), d.ok(&["export"]));

    // Writes, history and undo on PostgreSQL.
    ok(
        &d,
        &target,
        &["app", "add", "--id", "gamma", "--company", "Gamma"],
    );
    let history = ok(&d, &target, &["history", "--json"]);
    assert!(history.contains("app add --id gamma"), "{history}");
    ok(&d, &target, &["undo"]);
    assert_eq!(ok(&d, &target, &["export"]), d.ok(&["export"]));

    // `import --replace` needs no file backup there, and is undoable.
    let replaced = ok(
        &d,
        &target,
        &["import", "--replace", "--yes", common::FIXTURE],
    );
    assert!(!replaced.contains("backup"), "{replaced}");
    let exported: serde_json::Value =
        serde_json::from_str(&ok(&d, &target, &["export"])).expect("json");
    assert_eq!(exported["applications"].as_array().map(Vec::len), Some(1));
    ok(&d, &target, &["undo"]);
    assert_eq!(ok(&d, &target, &["export"]), d.ok(&["export"]));
}

#[test]
fn db_and_database_together_and_migrate_without_a_database_are_input_errors() {
    // No server needed: both are refused before connecting.
    let d = Debrief::sqlite().now(NOW);
    let err = d.input_error(&[
        "--database",
        "postgres://u:secret-pw@127.0.0.1:1/x",
        "agenda",
    ]);
    assert!(err.contains("--db") && err.contains("--database"), "{err}");
    assert!(!err.contains("secret-pw"), "{err}");
    let out = Command::new(env!("CARGO_BIN_EXE_debrief"))
        .args(["migrate", "--from", "nothing.db"])
        .current_dir(d.dir())
        .env_remove("DEBRIEF_DATABASE_URL")
        .env_remove("DEBRIEF_DB")
        .stdin(Stdio::null())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--database"), "{}", stderr(&out));
}

#[test]
fn an_unreachable_database_is_exit_3_without_the_password() {
    let d = Debrief::sqlite();
    let out = on_database(&d, "postgres://u:secret-pw@127.0.0.1:1/x", &["agenda"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("127.0.0.1:1"), "{}", stderr(&out));
    assert!(!stderr(&out).contains("secret-pw"), "{}", stderr(&out));
}

/// One HTTP/1.1 request on a new connection; the whole answer.
fn http(addr: &str, method: &str, path: &str, body: &str) -> String {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(std::time::Duration::from_secs(30)))
        .expect("timeout");
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .expect("write");
    let mut answer = String::new();
    s.read_to_string(&mut answer).expect("read");
    answer
}

/// `debrief serve --database URL`: the web app reads and writes the vault
/// from inside its async handlers.
#[test]
fn serve_reads_and_writes_the_database() {
    use std::io::BufRead;
    let Some(db) = database("serve_reads_and_writes_the_database") else {
        return;
    };
    let target = db.url().to_string();
    let d = Debrief::sqlite_imported().now(NOW);
    let from = d.db().to_str().expect("utf-8 path").to_string();
    ok(&d, &target, &["migrate", "--from", &from]);
    let mut child = Command::new(env!("CARGO_BIN_EXE_debrief"))
        .args([
            "--database",
            &target,
            "--now",
            NOW,
            "serve",
            "--addr",
            "127.0.0.1:0",
        ])
        .current_dir(d.dir())
        .env_remove("DEBRIEF_DB")
        .env_remove("DEBRIEF_DATABASE_URL")
        .env("XDG_CONFIG_HOME", d.path("config"))
        .env("XDG_DATA_HOME", d.path("data"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start debrief serve");
    let mut out = std::io::BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    out.read_line(&mut line).expect("first line");
    std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
    assert!(!line.contains("debrief:debrief@"), "no password: {line}");
    let addr = line
        .split("http://")
        .nth(1)
        .map(|rest| rest.trim().trim_end_matches('/').to_string())
        .unwrap_or_else(|| panic!("no address in {line:?}"));

    let agenda = http(&addr, "GET", "/api/v1/agenda", "");
    assert!(agenda.starts_with("HTTP/1.1 200"), "{agenda}");
    assert!(agenda.contains("acme-analyst"), "{agenda}");
    // A write through the API: the fixture's application under another id.
    let mut doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(common::FIXTURE).expect("fixture"))
            .expect("json");
    doc["applications"][0]["id"] = "acme-2".into();
    let imported = http(&addr, "POST", "/api/v1/import", &doc.to_string());
    let _ = child.kill();
    let _ = child.wait();
    assert!(imported.starts_with("HTTP/1.1 200"), "{imported}");
    let exported: serde_json::Value =
        serde_json::from_str(&ok(&d, &target, &["export"])).expect("json");
    let ids: Vec<&str> = exported["applications"]
        .as_array()
        .expect("applications")
        .iter()
        .filter_map(|a| a["id"].as_str())
        .collect();
    assert_eq!(ids, ["acme-analyst", "acme-2"]);
}

#[test]
fn remind_install_refuses_to_write_a_database_url_into_a_timer() {
    let Some(db) = database("remind_install_refuses_to_write_a_database_url_into_a_timer") else {
        return;
    };
    let d = Debrief::sqlite();
    let out = on_database(&d, db.url(), &["remind", "--install", "--with", "systemd"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let e = stderr(&out);
    assert!(
        e.contains("DEBRIEF_DATABASE_URL") && e.contains("nothing was installed"),
        "{e}"
    );
    assert!(!e.contains("debrief:debrief@"), "the password leaked: {e}");
    assert!(
        !d.path("config").join("systemd").exists(),
        "a unit was written"
    );
}

/// The JSON body of an HTTP answer.
fn body_json(answer: &str) -> serde_json::Value {
    let (head, body) = answer.split_once("\r\n\r\n").expect("a header and a body");
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

/// The agenda's thank-you notes still to send to `person`.
fn thank_yous_to(agenda: &serde_json::Value, person: &str) -> usize {
    agenda["actions"]
        .as_array()
        .expect("actions")
        .iter()
        .filter(|a| a["rule"] == "thank-you-note" && a["person"] == person)
        .count()
}

/// `debrief serve --database URL` sees what other processes write: a
/// `debrief touch` and a `debrief app add` with `--database`, run while
/// the server has its agenda cached, show in the next GET
/// (`StoreReader::revision`: the vault's write counter).
#[test]
fn serve_sees_writes_by_other_processes() {
    use std::io::BufRead;
    let Some(db) = database("serve_sees_writes_by_other_processes") else {
        return;
    };
    let target = db.url().to_string();
    let d = Debrief::sqlite_imported().now(NOW);
    let from = d.db().to_str().expect("utf-8 path").to_string();
    ok(&d, &target, &["migrate", "--from", &from]);
    let mut child = Command::new(env!("CARGO_BIN_EXE_debrief"))
        .args([
            "--database",
            &target,
            "--now",
            NOW,
            "serve",
            "--addr",
            "127.0.0.1:0",
        ])
        .current_dir(d.dir())
        .env_remove("DEBRIEF_DB")
        .env_remove("DEBRIEF_DATABASE_URL")
        .env("XDG_CONFIG_HOME", d.path("config"))
        .env("XDG_DATA_HOME", d.path("data"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start debrief serve");
    let mut out = std::io::BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    out.read_line(&mut line).expect("first line");
    std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
    let addr = line
        .split("http://")
        .nth(1)
        .map(|rest| rest.trim().trim_end_matches('/').to_string())
        .unwrap_or_else(|| panic!("no address in {line:?}"));

    let before = body_json(&http(&addr, "GET", "/api/v1/agenda", ""));
    assert!(thank_yous_to(&before, "marie") > 0, "{before:#}");
    // Served from the cache while nothing changes.
    assert_eq!(body_json(&http(&addr, "GET", "/api/v1/agenda", "")), before);

    ok(
        &d,
        &target,
        &[
            "touch",
            "--app",
            "acme-analyst",
            "--person",
            "marie",
            "--kind",
            "thank-you",
            "--channel",
            "email",
        ],
    );
    let after_touch = body_json(&http(&addr, "GET", "/api/v1/agenda", ""));
    ok(
        &d,
        &target,
        &["app", "add", "--company", "Globex", "--id", "globex-seen"],
    );
    let board = http(&addr, "GET", "/api/v1/applications", "");
    let today = http(&addr, "GET", "/", "");
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(
        thank_yous_to(&after_touch, "marie"),
        0,
        "the thank-you logged by another process is still asked for: {after_touch:#}"
    );
    assert!(
        board.contains("globex-seen"),
        "the application added by another process is missing: {board}"
    );
    assert!(today.starts_with("HTTP/1.1 200"), "{today}");
}
