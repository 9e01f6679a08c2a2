//! Data you can trust, end to end with the real binary on real store
//! files: concurrent writers lose nothing, a busy store is exit 3, imports
//! keep the profile, destructive commands ask, backups, history and undo.

mod common;

use std::time::{Duration, Instant};

use common::{Debrief, stderr, stdout};

const NOW: &str = "2026-11-21T09:00:00-06:00";

/// 4 `debrief` processes write to one store at once for
/// `DEBRIEF_CONCURRENCY_SECONDS` (default 5; `bench/concurrency.sh` runs
/// 20), each logging touches on one shared application and adding
/// applications (their ids chosen inside the write transaction). Every
/// write that exited 0 is in the store afterwards; any failure is exit 3,
/// and under 1% of writes fail.
#[test]
fn concurrent_writers_lose_no_acknowledged_write() {
    const WRITERS: usize = 4;
    let seconds: u64 = std::env::var("DEBRIEF_CONCURRENCY_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5);
    let d = Debrief::imported().now(NOW);
    let touches_before = d.export()["applications"][0]["touches"]
        .as_array()
        .map_or(0, Vec::len);
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let d = &d;
    let results: Vec<(Vec<String>, usize, usize, Vec<String>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..WRITERS)
            .map(|w| {
                scope.spawn(move || {
                    let (mut added, mut touches, mut busy, mut other) =
                        (Vec::new(), 0, 0, Vec::new());
                    let mut n = 0;
                    while Instant::now() < deadline {
                        n += 1;
                        // Distinct times, so every touch is its own record.
                        let at = format!(
                            "2026-11-20T18:{:02}:{:02}-06:00",
                            (w * 13 + n / 60) % 60,
                            n % 60
                        );
                        let out = if n % 2 == 0 {
                            d.run(&[
                                "touch",
                                "--app",
                                "acme-analyst",
                                "--person",
                                "marie",
                                "--kind",
                                "other",
                                "--channel",
                                "email",
                                "--at",
                                &at,
                                "--json",
                            ])
                        } else {
                            d.run(&[
                                "app",
                                "add",
                                "--company",
                                &format!("W{w}"),
                                "--role",
                                &format!("R{n}"),
                            ])
                        };
                        match out.status.code() {
                            Some(0) if n % 2 == 0 => touches += 1,
                            Some(0) => added.push(format!("w{w}-r{n}")),
                            Some(3) => {
                                busy += 1;
                                let e = stderr(&out);
                                assert!(e.contains("could not be used right now"), "{e}");
                            }
                            code => other.push(format!(
                                "exit {code:?}: {}{}",
                                stdout(&out),
                                stderr(&out)
                            )),
                        }
                    }
                    (added, touches, busy, other)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a writer thread"))
            .collect()
    });
    let mut added: Vec<String> = Vec::new();
    let (mut touches, mut busy) = (0, 0);
    for (a, t, b, other) in results {
        assert!(other.is_empty(), "writes failed other than busy: {other:?}");
        added.extend(a);
        touches += t;
        busy += b;
    }
    let total = added.len() + touches + busy;
    let data = d.export();
    let apps = data["applications"].as_array().expect("applications");
    let ids: std::collections::HashSet<&str> =
        apps.iter().filter_map(|a| a["id"].as_str()).collect();
    for id in &added {
        assert!(
            ids.contains(id.as_str()),
            "acknowledged application {id} is missing"
        );
    }
    assert_eq!(apps.len(), 1 + added.len(), "applications in the store");
    let stored = apps[0]["touches"].as_array().map_or(0, Vec::len);
    assert_eq!(stored, touches_before + touches, "touches in the store");
    eprintln!(
        "concurrency: {WRITERS} writers, {seconds} s: {total} writes, {} ok ({} touches, {} applications), {busy} busy (exit 3), {:.2}% failed",
        total - busy,
        touches,
        added.len(),
        100.0 * busy as f64 / total.max(1) as f64
    );
    assert!(total > 4 * WRITERS, "too few writes to judge: {total}");
    assert!(
        busy * 100 < total,
        "{busy} of {total} writes failed (1% allowed)"
    );
}

/// A store another program keeps locked past the busy timeout: the
/// command waits, then fails with exit 3 and says so; nothing is written.
#[test]
fn a_store_locked_too_long_is_exit_3() {
    let d = Debrief::sqlite_imported().now(NOW);
    let holder = rusqlite::Connection::open(d.db()).expect("open the store");
    holder
        .execute_batch("BEGIN IMMEDIATE")
        .expect("take the write lock");
    let started = Instant::now();
    let out = d.run(&["app", "add", "--company", "Blocked", "--role", "Role"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        started.elapsed() >= Duration::from_secs(4),
        "it did not wait"
    );
    let e = stderr(&out);
    assert!(
        e.contains("could not be used right now") && e.contains("try again"),
        "{e}"
    );
    holder.execute_batch("ROLLBACK").expect("release");
    let ids: Vec<String> = d.export()["applications"]
        .as_array()
        .expect("applications")
        .iter()
        .filter_map(|a| a["id"].as_str().map(str::to_string))
        .collect();
    assert_eq!(ids, ["acme-analyst"]);
}

fn ids(d: &Debrief) -> Vec<String> {
    d.export()["applications"]
        .as_array()
        .expect("applications")
        .iter()
        .filter_map(|a| a["id"].as_str().map(str::to_string))
        .collect()
}

/// FORMAT §1: a file without a profile keeps the stored one; `--dry-run`
/// says when a file's profile would change it.
#[test]
fn importing_a_file_without_a_profile_keeps_the_stored_one() {
    let d = Debrief::imported().now(NOW);
    let profile = d.export()["profile"].clone();
    assert_eq!(profile["timezone"], "America/Chicago");
    let file = d.write(
        "no-profile.json",
        r#"{"format":"debrief/1","applications":[{"id":"globex","company":"Globex","role":"Lead"}]}"#,
    );
    let file = file.to_str().expect("path");
    let dry = d.ok(&["import", "--dry-run", file]);
    assert!(dry.contains("no profile: yours stays"), "{dry}");
    let out = d.ok(&["import", file]);
    assert!(out.contains("yours stays as it is"), "{out}");
    assert_eq!(d.export()["profile"], profile);

    let other = d.write(
        "utc.json",
        r#"{"format":"debrief/1","profile":{"name":"Sam","timezone":"UTC"},"applications":[]}"#,
    );
    let dry = d.ok(&["import", "--dry-run", other.to_str().expect("path")]);
    assert!(
        dry.contains("would replace yours")
            && dry.contains("timezone \"America/Chicago\" → \"UTC\""),
        "{dry}"
    );
    assert_eq!(d.export()["profile"], profile, "a dry run writes nothing");
}

/// `import --replace` and `app remove` refuse without `--yes` when not at
/// a terminal (exit 2, nothing changed); `--replace` writes a backup named
/// with the pinned clock first and says where; `undo` brings things back.
#[test]
fn destructive_commands_need_yes_back_up_and_can_be_undone() {
    let d = Debrief::sqlite_imported().now(NOW);
    d.ok(&["app", "add", "--company", "Globex", "--role", "Lead"]);
    let before = d.export();
    let empty = d.write("empty.json", r#"{"format":"debrief/1","applications":[]}"#);
    let empty = empty.to_str().expect("path");

    let e = d.input_error(&["import", "--replace", empty]);
    assert!(e.contains("needs --yes"), "{e}");
    let e = d.input_error(&["app", "remove", "globex-lead"]);
    assert!(e.contains("needs --yes"), "{e}");
    assert_eq!(d.export(), before, "refusals change nothing");

    let out = d.ok(&["import", "--replace", "--yes", empty]);
    let backup = d.path("debrief.backup-20261121T150000Z.db");
    assert!(out.contains(backup.to_str().expect("path")), "{out}");
    assert!(backup.exists(), "no backup at {}", backup.display());
    assert!(ids(&d).is_empty());
    // The backup is a store holding what was there.
    let copy = Debrief::sqlite().now(NOW);
    std::fs::copy(&backup, copy.db()).expect("copy the backup");
    assert_eq!(ids(&copy), ["acme-analyst", "globex-lead"]);

    let out = d.ok(&["undo"]);
    assert!(out.contains("Undid"), "{out}");
    assert_eq!(d.export(), before);

    d.ok(&["app", "remove", "globex-lead", "--yes"]);
    assert_eq!(ids(&d), ["acme-analyst"]);
    d.ok(&["undo"]);
    assert_eq!(ids(&d), ["acme-analyst", "globex-lead"]);
}

/// `history` lists changes newest first with their front end; `undo N`
/// reverts the last N; an undo is undone by the next undo.
#[test]
fn history_lists_changes_and_undo_is_undoable() {
    let d = Debrief::imported().now(NOW);
    let imported = d.export();
    d.ok(&[
        "news",
        "--app",
        "acme-analyst",
        "--on",
        "2026-11-21",
        "Acme opened an office in Lyon",
    ]);
    d.ok(&["app", "set", "acme-analyst", "--urgent", "true"]);
    let edited = d.export();

    let h = d.json(&["history", "--json"]);
    let changes = h["changes"].as_array().expect("changes");
    assert_eq!(changes.len(), 3, "{h}");
    assert!(
        changes[0]["what"]
            .as_str()
            .expect("what")
            .contains("app set"),
        "{h}"
    );
    assert!(
        changes[1]["what"].as_str().expect("what").contains("news"),
        "{h}"
    );
    assert!(
        changes[2]["what"]
            .as_str()
            .expect("what")
            .contains("import"),
        "{h}"
    );
    assert_eq!(changes[0]["source"], "cli");
    assert_eq!(changes[0]["at"], "2026-11-21T09:00:00-06:00");
    assert_eq!(changes[0]["applications"][0], "acme-analyst");
    assert_eq!(changes[0]["changes"][0]["before"]["urgent"], false);
    assert_eq!(changes[0]["changes"][0]["after"]["urgent"], true);

    let out = d.ok(&["undo", "2"]);
    assert!(
        out.contains("Undid #3") && out.contains("Undid #2"),
        "{out}"
    );
    assert_eq!(d.export(), imported);
    let human = d.ok(&["history"]);
    assert!(
        human.contains("(undone by #4)") && human.contains("(undoes #3, #2)"),
        "{human}"
    );

    d.ok(&["undo"]);
    assert_eq!(d.export(), edited, "undoing the undo re-applies both edits");
    let e = d.input_error(&["undo", "0"]);
    assert!(e.contains("at least 1"), "{e}");
}

/// `debrief delete` removes any one record, asks first (refusing without
/// --yes when not at a terminal), names what is missing, refuses a person
/// on a panel unless --from-panels, and every delete is undoable.
#[test]
fn delete_removes_any_record_and_undo_brings_it_back() {
    let d = Debrief::imported().now(NOW);
    d.ok(&[
        "touch",
        "--app",
        "acme-analyst",
        "--person",
        "marie",
        "--kind",
        "thank-you",
        "--channel",
        "email",
        "--at",
        "2026-11-20T14:00:00-06:00",
    ]);
    let start = d.export();
    let app = |d: &Debrief| d.export()["applications"][0].clone();
    let touches = app(&d)["touches"].as_array().map_or(0, Vec::len);
    assert_eq!(touches, 1);
    // Marie has a touch logged: she stays until it is deleted.
    let e = d.input_error(&[
        "delete",
        "person",
        "--app",
        "acme-analyst",
        "--person",
        "marie",
        "--from-panels",
        "--yes",
    ]);
    assert!(e.contains("touch is to Marie Dubois"), "{e}");

    let e = d.input_error(&["delete", "touch", "--app", "acme-analyst", "--index", "1"]);
    assert!(e.contains("needs --yes"), "{e}");
    let e = d.input_error(&[
        "delete",
        "touch",
        "--app",
        "acme-analyst",
        "--index",
        "99",
        "--yes",
    ]);
    assert!(e.contains("no touch number 99"), "{e}");
    let e = d.input_error(&["delete", "touch", "--app", "acme-analyst", "--yes"]);
    assert!(e.contains("--index"), "{e}");
    assert_eq!(d.export(), start);

    d.ok(&[
        "delete",
        "touch",
        "--app",
        "acme-analyst",
        "--index",
        "1",
        "--yes",
    ]);
    assert_eq!(
        app(&d)["touches"].as_array().map_or(0, Vec::len),
        touches - 1
    );

    // Raj sits on the panel: refused unless taken off it too.
    let e = d.input_error(&[
        "delete",
        "person",
        "--app",
        "acme-analyst",
        "--person",
        "raj",
        "--yes",
    ]);
    assert!(e.contains("panel") && e.contains("--from-panels"), "{e}");
    let out = d.ok(&[
        "delete",
        "person",
        "--app",
        "acme-analyst",
        "--person",
        "raj",
        "--from-panels",
        "--yes",
    ]);
    assert!(out.contains("Raj Patel"), "{out}");
    let after = app(&d);
    assert!(
        after["people"]
            .as_array()
            .expect("people")
            .iter()
            .all(|p| p["id"] != "raj")
    );
    assert!(
        after["interviews"][0]["interviewers"]
            .as_array()
            .expect("panel")
            .iter()
            .all(|p| p != "raj")
    );

    d.ok(&[
        "delete",
        "interview",
        "--app",
        "acme-analyst",
        "--interview",
        "acme-panel",
        "--yes",
    ]);
    assert_eq!(app(&d)["interviews"].as_array().map_or(0, Vec::len), 0);

    d.ok(&["undo", "3"]);
    assert_eq!(d.export(), start, "three deletes undone");
}

/// `debrief correct` changes fields of one record by exchange-format
/// names, refuses unknown fields and bad values (exit 2, nothing written),
/// and is undoable.
#[test]
fn correct_changes_one_record_and_is_undoable() {
    let d = Debrief::imported().now(NOW);
    let start = d.export();
    d.ok(&[
        "correct",
        "said",
        "--app",
        "acme-analyst",
        "--person",
        "marie",
        "--index",
        "1",
        "--set",
        "text=APAC expansion is the top priority next year",
    ]);
    d.ok(&[
        "correct",
        "news",
        "--app",
        "acme-analyst",
        "--index",
        "1",
        "--set",
        "on=2026-11-26",
    ]);
    let app = d.export()["applications"][0].clone();
    assert_eq!(
        app["people"][0]["said"][0],
        "APAC expansion is the top priority next year"
    );
    assert_eq!(app["news"][0]["on"], "2026-11-26");
    assert_eq!(app["news"][0]["text"], "Acme opened an office in Singapore");

    let e = d.input_error(&[
        "correct",
        "news",
        "--app",
        "acme-analyst",
        "--index",
        "1",
        "--set",
        "txet=x",
    ]);
    assert!(e.contains("unknown field 'txet'"), "{e}");
    let e = d.input_error(&[
        "correct",
        "news",
        "--app",
        "acme-analyst",
        "--index",
        "1",
        "--set",
        "on=someday",
    ]);
    assert!(e.contains("--set on"), "{e}");
    let e = d.input_error(&[
        "correct",
        "news",
        "--app",
        "acme-analyst",
        "--index",
        "1",
        "--set",
        "nothing",
    ]);
    assert!(e.contains("FIELD=VALUE"), "{e}");

    d.ok(&["undo", "2"]);
    assert_eq!(d.export(), start);
}

/// An exchange file of `copies` copies of the fixture's application (ids
/// `big-0`, `big-1`, …), each with about 90 KB of reflection: over the
/// size from which the SQLite store writes an import through a rollback
/// journal (16 MiB) without thousands of applications to import.
fn big_import_file(d: &Debrief, copies: usize) -> std::path::PathBuf {
    let fixture: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(common::FIXTURE).expect("fixture"))
            .expect("fixture JSON");
    let mut doc = fixture.clone();
    let app = &fixture["applications"][0];
    let padding = "It went well, and here is why. ".repeat(3_000);
    doc["applications"] = (0..copies)
        .map(|i| {
            let mut a = app.clone();
            a["id"] = format!("big-{i}").into();
            a["company"] = format!("Big {i}").into();
            a["interviews"][0]["reflection"]["went_well"] = padding.clone().into();
            a
        })
        .collect();
    let text = serde_json::to_string(&doc).expect("JSON");
    assert!(text.len() > 17 << 20, "{} bytes", text.len());
    d.write("big.json", text)
}

fn journal_mode(db: &std::path::Path) -> String {
    rusqlite::Connection::open(db)
        .and_then(|c| c.query_row("PRAGMA journal_mode", [], |r| r.get(0)))
        .expect("journal mode")
}

/// A big import (written through a rollback journal when nothing else
/// has the file open) keeps every application, leaves the file in WAL
/// mode with no journal beside it, and is undone like any import; a big
/// import that fails at its end leaves the store as it was.
#[test]
fn a_big_import_is_kept_whole_and_undone_whole() {
    let d = Debrief::sqlite_imported().now(NOW);
    let file = big_import_file(&d, 200);
    let file = file.to_str().expect("path");
    let out = d.ok(&["import", file]);
    assert!(
        out.contains("200 applications (200 new, 0 updated)"),
        "{out}"
    );
    let after = d.export();
    let apps = after["applications"].as_array().expect("applications");
    assert_eq!(apps.len(), 201);
    assert_eq!(apps[200]["id"], "big-199");
    assert_eq!(
        apps[200]["interviews"][0]["reflection"]["went_well"]
            .as_str()
            .map(str::len),
        Some(93_000)
    );
    assert_eq!(journal_mode(d.db()), "wal");
    assert!(!d.path("debrief.db-journal").exists());

    // The same file cut short: exit 2, nothing of it kept.
    let text = std::fs::read(file).expect("read");
    let cut = d.write("cut.json", &text[..text.len() - 40]);
    let out = d.run(&["import", cut.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(d.export(), after, "a failed import changed the store");
    assert_eq!(journal_mode(d.db()), "wal");
    assert!(!d.path("debrief.db-journal").exists());

    let undone = d.ok(&["undo"]);
    assert!(undone.contains("import"), "{undone}");
    assert_eq!(ids(&d), ["acme-analyst"]);
}

/// With another program reading the store (a server), a big import goes
/// through the WAL as any write: the reader is never locked out.
#[test]
fn a_big_import_beside_a_reader_leaves_the_reader_reading() {
    let d = Debrief::sqlite_imported().now(NOW);
    let file = big_import_file(&d, 200);
    let reader = rusqlite::Connection::open(d.db()).expect("open the store");
    let count = |c: &rusqlite::Connection| -> i64 {
        c.query_row("SELECT count(*) FROM applications", [], |r| r.get(0))
            .expect("count")
    };
    assert_eq!(count(&reader), 1);
    d.ok(&["import", file.to_str().expect("path")]);
    assert_eq!(count(&reader), 201);
    assert_eq!(journal_mode(d.db()), "wal");
}

/// A big import killed halfway (a crash, a power cut, `kill -9`) leaves
/// its rollback journal behind; the next command rolls it back before
/// reading: the store is as it was, in WAL mode, with no journal left.
///
/// The import is frozen (SIGSTOP) as soon as a journal appears, and
/// killed only if the journal is still there while it is frozen: in
/// DELETE mode the journal's removal is the commit, so a frozen process
/// with a journal has not committed. A freeze that finds none (the short
/// transactions that leave and re-enter WAL mode have journals too, and
/// a loaded machine can let one end between the poll and the freeze)
/// lets the import go on (SIGCONT) and waits for the next; an import
/// that commits first is started again on a fresh store.
#[test]
fn a_big_import_killed_halfway_is_rolled_back_by_the_next_command() {
    for _attempt in 0..5 {
        let d = Debrief::sqlite_imported().now(NOW);
        let before = d.export();
        let file = big_import_file(&d, 400);
        let errors = d.path("import.err");
        let mut child = d
            .command(&["import", file.to_str().expect("path")])
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::fs::File::create(&errors).expect("stderr file"))
            .spawn()
            .expect("start the import");
        let journal = d.path("debrief.db-journal");
        // Hot as SQLite judges it: a journal whose first byte is zero is
        // one whose header is not written yet (SQLite writes the magic
        // number when it first syncs the journal, before touching the
        // database), and is ignored, not played back or removed.
        let hot = || {
            use std::io::Read as _;
            let mut first = [0u8; 1];
            std::fs::File::open(&journal)
                .and_then(|mut f| f.read_exact(&mut first))
                .is_ok_and(|()| first[0] != 0)
        };
        let pid = child.id().to_string();
        let signal = |name: &str| {
            let sent = std::process::Command::new("kill")
                .args([name, pid.as_str()])
                .status()
                .expect("run kill");
            assert!(sent.success(), "kill {name}");
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        // Leaving WAL mode and coming back to it are short transactions
        // with a journal of their own: a freeze that finds no journal
        // lets the import go on and waits for the next one.
        let frozen = loop {
            while !hot() && child.try_wait().expect("poll").is_none() {
                assert!(Instant::now() < deadline, "no journal after 60 s");
                std::thread::sleep(Duration::from_millis(1));
            }
            if child.try_wait().expect("poll").is_some() {
                break false;
            }
            signal("-STOP");
            if hot() {
                break true;
            }
            signal("-CONT");
        };
        if !frozen {
            // It committed first: nothing to test on this store. An
            // import that failed instead is a failure of its own.
            let status = child.wait().expect("reap");
            let stderr = std::fs::read_to_string(&errors).unwrap_or_default();
            assert!(status.success(), "the import failed ({status}): {stderr}");
            eprintln!("attempt {_attempt}: the import committed before it was frozen");
            continue;
        }
        child.kill().expect("kill -9");
        child.wait().expect("reap");
        assert!(hot(), "a hot journal is left behind");

        assert_eq!(d.export(), before, "the killed import left something");
        assert!(!journal.exists(), "the journal was played back and removed");
        assert_eq!(journal_mode(d.db()), "wal");
        d.ok(&["app", "add", "--company", "Globex", "--role", "Lead"]);
        assert_eq!(ids(&d).len(), 2);
        return;
    }
    panic!("in five attempts the import always committed before it could be frozen");
}
