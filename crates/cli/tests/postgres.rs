//! The command line on PostgreSQL (`--database URL`), end to end with the
//! real binary and a real server: `debrief migrate` copies a SQLite store
//! losslessly (export equality), refuses a vault that holds data unless
//! `--replace`, and the data commands work on the copy. Against
//! `DEBRIEF_TEST_DATABASE_URL` (`.ci/postgres`); skipped loudly without it.

mod common;

use std::process::{Command, Output, Stdio};

use common::{Debrief, stderr, stdout};

const NOW: &str = "2026-11-21T09:00:00-06:00";

fn database_url(test: &str) -> Option<String> {
    match std::env::var("DEBRIEF_TEST_DATABASE_URL") {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ => {
            eprintln!(
                "!! SKIPPED {test}: DEBRIEF_TEST_DATABASE_URL is not set, so the command line was not run on PostgreSQL.\n\
                 !! Start a throwaway server with `export DEBRIEF_TEST_DATABASE_URL=\"$(.ci/postgres)\"`, then run the tests again."
            );
            None
        }
    }
}

/// A new, empty database on the test server (made with `psql`), so the
/// default vault starts empty; its URL.
fn fresh_database(url: &str, name: &str) -> String {
    for sql in [
        format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
        format!("CREATE DATABASE {name}"),
    ] {
        let out = Command::new("psql")
            .args([url, "-v", "ON_ERROR_STOP=1", "-qc", &sql])
            .output()
            .expect("psql (apt-get install postgresql-client)");
        assert!(out.status.success(), "{sql}: {}", stderr(&out));
    }
    let (base, _) = url.rsplit_once('/').expect("a URL with a database");
    format!("{base}/{name}")
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
    let Some(url) = database_url("migrate_copies_a_sqlite_store_losslessly") else {
        return;
    };
    let target = fresh_database(&url, &format!("debrief_cli_{}", std::process::id()));
    let d = Debrief::imported().now(NOW);
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
    let d = Debrief::new().now(NOW);
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
    let d = Debrief::new();
    let out = on_database(&d, "postgres://u:secret-pw@127.0.0.1:1/x", &["agenda"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("127.0.0.1:1"), "{}", stderr(&out));
    assert!(!stderr(&out).contains("secret-pw"), "{}", stderr(&out));
}
