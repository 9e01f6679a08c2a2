//! End-to-end: `debrief draft` and `debrief lint`, the real binary on a real
//! SQLite store filled by `debrief demo` (issue #3, "Done when").

mod common;

use std::process::Output;

use common::{Debrief, stderr, stdout};
use serde_json::Value;

/// A fixed clock: the morning after the demo's Northwind panel.
const NOW: &str = "2026-11-22T09:00:00Z";

impl Debrief {
    /// An empty store in a fresh directory (no `rules.toml` beside it).
    fn empty() -> Debrief {
        Debrief::new().now(NOW)
    }

    /// [`Debrief::empty`] on a SQLite file, for the tests about the file
    /// and what lies beside it.
    fn empty_file() -> Debrief {
        Debrief::sqlite().now(NOW)
    }

    /// A store filled by `debrief demo`.
    fn demo() -> Debrief {
        let d = Debrief::empty();
        d.ok(&["demo"]);
        d
    }

    /// Writes a note into the store's directory; returns its path.
    fn note(&self, name: &str, text: &str) -> String {
        let p = self.write(name, text);
        p.to_str().expect("utf-8 path").to_string()
    }

    fn lint_json(&self, args: &[&str]) -> (Option<i32>, Vec<Value>) {
        let mut all = vec!["lint", "--format", "json"];
        all.extend_from_slice(args);
        let out = self.run(&all);
        let v: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {}", stderr(&out)));
        let diags = v["diagnostics"].as_array().expect("diagnostics").clone();
        (out.status.code(), diags)
    }
}

const KINDS: &[&str] = &[
    "thank-you",
    "thank-staff",
    "status-check",
    "recovery",
    "feedback-request",
    "stay-in-touch",
    "congratulate",
    "other",
];

#[test]
fn every_draft_of_every_kind_lints_clean() {
    let d = Debrief::demo();
    let export: Value = serde_json::from_str(&d.ok(&["export"])).expect("export");
    let now: jiff::Timestamp = NOW.parse().expect("now");
    let mut checked = 0;
    let mut spotless = 0;
    for app in export["applications"].as_array().expect("applications") {
        let app_id = app["id"].as_str().expect("id");
        // The latest interview ended more than a day ago: a thank-you is late.
        let late = app["interviews"]
            .as_array()
            .expect("interviews")
            .iter()
            .any(|iv| {
                let start: jiff::Timestamp =
                    iv["start"].as_str().expect("start").parse().expect("ts");
                let minutes = iv["minutes"].as_i64().unwrap_or(60);
                let end = start
                    .checked_add(jiff::SignedDuration::from_mins(minutes))
                    .expect("end");
                iv["status"] == "done" && now.duration_since(end).as_hours() > 24
            });
        for person in app["people"].as_array().expect("people") {
            let to = person["id"].as_str().expect("person id");
            for kind in KINDS {
                let file = d.path(&format!("{app_id}-{to}-{kind}.txt"));
                let file = file.to_str().expect("path");
                let out = d.run(&[
                    "draft", "--app", app_id, "--to", to, "--kind", kind, "-o", file,
                ]);
                if out.status.code() == Some(2) {
                    // The composer refuses only where a note would have nothing
                    // to say, a thank-you would come before the interview, or
                    // the kind says nothing about the note ("other").
                    let e = stderr(&out);
                    assert!(
                        e.contains("no news")
                            || e.contains("nothing specific")
                            || (kind.starts_with("thank") && e.contains("has taken place yet"))
                            || (*kind == "other" && e.contains("cannot draft")),
                        "{app_id} {to} {kind}: {e}"
                    );
                    continue;
                }
                assert_ne!(*kind, "other", "{app_id} {to}: 'other' is not drafted");
                assert!(
                    out.status.success(),
                    "{app_id} {to} {kind}: {}",
                    stderr(&out)
                );
                let (code, diags) =
                    d.lint_json(&["--app", app_id, "--to", to, "--kind", kind, file]);
                // A placeholder left for the writer ("[Reason: …]", "[link]")
                // is an error until it is filled in, and only then.
                let text = std::fs::read_to_string(file).unwrap_or_default();
                let (placeholders, diags): (Vec<Value>, Vec<Value>) = diags
                    .into_iter()
                    .partition(|x| x["rule"] == "lint/placeholder");
                assert_eq!(
                    !placeholders.is_empty(),
                    text.contains('['),
                    "{app_id} {to} {kind}: {text}"
                );
                let want = if placeholders.is_empty() { 0 } else { 1 };
                assert_eq!(code, Some(want), "{app_id} {to} {kind}: {diags:#?}");
                for x in &diags {
                    // The demo already logged a thank-you to some people: a
                    // second one is flagged, rightly, whatever its wording.
                    if x["rule"] == "lint/already-sent" {
                        assert!(kind.starts_with("thank") || *kind == "congratulate");
                        continue;
                    }
                    // Only one note may carry a finding: a thank-you that is
                    // simply late, which the draft cannot change.
                    assert!(
                        x["rule"] == "lint/late"
                            && x["severity"] == "info"
                            && late
                            && kind.starts_with("thank"),
                        "{app_id} {to} {kind}: {x:#}\n{}",
                        std::fs::read_to_string(file).unwrap_or_default()
                    );
                }
                checked += 1;
                spotless += usize::from(diags.is_empty());
            }
        }
    }
    assert!(checked >= 40, "only {checked} drafts checked");
    assert!(spotless >= checked - 6, "{spotless} of {checked} spotless");

    // The draft as printed (with its Subject line), piped straight in.
    let printed = d.ok(&["draft", "--app", "demo-northwind", "--to", "raj"]);
    assert!(printed.starts_with("Subject: "), "{printed}");
    let out = d.run_with_stdin(
        &[
            "lint",
            "--app",
            "demo-northwind",
            "--to",
            "raj",
            "--kind",
            "thank-you",
            "-",
        ],
        printed.as_bytes(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("no problems found in <stdin>"),
        "{}",
        stdout(&out)
    );
}

/// `path:line:col: severity: message [rule]` lines of a `--format line` run.
fn findings(out: &Output) -> Vec<(String, String, String)> {
    stdout(out)
        .lines()
        .filter_map(|l| {
            let (place, rest) = l.split_once(": ")?;
            let (severity, rest) = rest.split_once(": ")?;
            let rule = rest.rsplit_once(" [")?.1.trim_end_matches(']');
            let place = place.split_once(':')?.1.to_string();
            Some((place, severity.to_string(), rule.to_string()))
        })
        .collect()
}

#[test]
fn each_problem_of_the_issue_is_caught_where_it_is() {
    let d = Debrief::demo();
    d.ok(&[
        "slip",
        "--app",
        "demo-northwind",
        "--interview",
        "panel-1",
        "Mixed up the revenue figures for the third quarter",
    ]);
    let nw = |to: &str, file: &str| {
        d.run(&[
            "lint",
            "--app",
            "demo-northwind",
            "--to",
            to,
            "--kind",
            "thank-you",
            "--format",
            "line",
            file,
        ])
    };

    // A misspelled name and a salary question before any offer: errors, exit 1.
    let f = d.note(
        "name.txt",
        "Dear Maria,\n\nThank you for Saturday. Expanding into APAC fits my regional reporting work.\nWhat is the salary range for this role?\n\nBest regards,\nSam Rivera\n",
    );
    let out = nw("marie", &f);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let got = findings(&out);
    assert!(
        got.contains(&("1:6".into(), "error".into(), "lint/wrong-name".into())),
        "{got:?}"
    );
    assert!(
        got.contains(&(
            "4:13".into(),
            "error".into(),
            "lint/salary-before-offer".into()
        )),
        "{got:?}"
    );
    assert!(stdout(&out).contains("'Maria'") && stdout(&out).contains("Marie Dubois"));

    // A blanket apology, and a slip-up they are not recorded as noticing.
    let f = d.note(
        "sorry.txt",
        "Dear Marie,\n\nThank you for Saturday; expanding into APAC fits my regional reporting work.\nI know I did badly.\nAlso, the revenue figures I gave for the third quarter were mixed up.\n\nBest regards,\nSam Rivera\n",
    );
    let out = nw("marie", &f);
    assert_eq!(
        out.status.code(),
        Some(0),
        "warnings only: {}",
        stdout(&out)
    );
    let got = findings(&out);
    assert!(
        got.contains(&(
            "4:1".into(),
            "warning".into(),
            "lint/blanket-apology".into()
        )),
        "{got:?}"
    );
    assert!(
        got.contains(&(
            "5:1".into(),
            "warning".into(),
            "lint/unnoticed-mistake".into()
        )),
        "{got:?}"
    );

    // A pushy check-in.
    let f = d.note(
        "chase.txt",
        "Dear Lee,\n\nI hope the search is going well.\nPlease reply ASAP, as I need an answer.\n\nBest,\nSam Rivera\n",
    );
    let out = d.run(&[
        "lint",
        "--app",
        "demo-globex",
        "--to",
        "lee",
        "--kind",
        "status-check",
        "--format",
        "line",
        &f,
    ]);
    let got = findings(&out);
    assert!(
        // The finding underlines the clause, "Please reply ASAP".
        got.contains(&("4:1".into(), "warning".into(), "lint/pushy".into())),
        "{got:?}"
    );

    // One template sent to the whole panel: caught on both notes, located.
    let marie = d.path("marie.txt");
    let marie = marie.to_str().expect("path");
    d.ok(&[
        "draft",
        "--app",
        "demo-northwind",
        "--to",
        "marie",
        "-o",
        marie,
    ]);
    let template = std::fs::read_to_string(marie)
        .expect("draft")
        .replace("Marie", "Raj");
    let raj = d.note("raj.txt", &template);
    let out = d.run(&[
        "lint",
        "--app",
        "demo-northwind",
        "--kind",
        "thank-you",
        "--format",
        "line",
        "--panel",
        &format!("marie={marie}"),
        &format!("raj={raj}"),
    ]);
    let text = stdout(&out);
    let dups: Vec<&str> = text
        .lines()
        .filter(|l| l.ends_with("[lint/panel-duplicate]"))
        .collect();
    assert_eq!(dups.len(), 2, "{text}");
    assert!(
        dups.iter()
            .any(|l| l.starts_with(&format!("{marie}:3:1: warning")))
    );
    assert!(
        dups.iter()
            .any(|l| l.starts_with(&format!("{raj}:3:1: warning")))
    );
    assert!(dups.iter().all(|l| l.contains("% of its wording")));
}

#[test]
fn several_notes_in_one_run() {
    let d = Debrief::empty_file();
    let good = d.note(
        "good.txt",
        "Dear Marie,\n\nThank you for the tour of the Lyon warehouse.\n\nBest,\nSam\n",
    );
    let pushy = d.note(
        "pushy.txt",
        "Hi Raj,\n\nPlease respond ASAP about the role.\n\nBest,\nSam\n",
    );
    // No store context: no store is opened or created.
    let out = d.run(&["lint", "--format", "line", &good, &pushy]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "warnings only: {}",
        stderr(&out)
    );
    assert!(!d.db().exists(), "context-free lint opened the store");
    let text = stdout(&out);
    assert!(text.contains(&format!("{pushy}:3:")), "{text}");
    assert!(!text.contains(&good), "{text}");
    let out = d.run(&["lint", &good, &pushy]);
    assert!(
        stdout(&out).contains("0 error(s), 1 warning(s), 0 info in 2 notes"),
        "{}",
        stdout(&out)
    );
    let out = d.run(&["lint", &good, &good]);
    assert!(
        stdout(&out).contains("no problems found in 2 notes"),
        "{}",
        stdout(&out)
    );

    // A missing file is an input error that names it, before any output.
    let out = d.run(&["lint", "--format", "line", &pushy, "missing.txt"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("missing.txt"), "{}", stderr(&out));
    assert!(stdout(&out).is_empty(), "{}", stdout(&out));

    // Standard input can be one of them, once.
    let out = d.run_with_stdin(
        &["lint", "--format", "line", "-", &good],
        b"Sorry I did so badly.\n",
    );
    assert!(
        stdout(&out).contains("<stdin>:1:1: warning"),
        "{}",
        stdout(&out)
    );
    let out = d.run_with_stdin(&["lint", "-", "-"], b"x");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("only once"), "{}", stderr(&out));

    // No FILE at all is a usage error.
    assert_eq!(d.run(&["lint"]).status.code(), Some(2));
}

#[test]
fn exit_codes_follow_vale() {
    let d = Debrief::demo();
    let bad = d.note(
        "bad.txt",
        "Dear Mary,\n\nThank you. Expanding into APAC fits my work.\n\nBest,\nSam\n",
    );
    let args = ["lint", "--app", "demo-northwind", "--to", "marie", &bad];
    assert_eq!(d.run(&args).status.code(), Some(1), "an error exits 1");
    let mut quiet = args.to_vec();
    quiet.insert(1, "--no-exit");
    let out = d.run(&quiet);
    assert_eq!(out.status.code(), Some(0), "--no-exit");
    assert!(
        stdout(&out).contains("lint/wrong-name"),
        "findings still shown"
    );
    let out = d.run(&["lint", "--app", "demo-northwind", "--to", "nobody", &bad]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("known: marie, raj, dana"),
        "{}",
        stderr(&out)
    );
    let out = d.run(&["lint", "--app", "demo-nowhere", "--to", "marie", &bad]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        d.run(&["lint", "--format", "xml", &bad]).status.code(),
        Some(2)
    );
    let out = d.run(&["lint", "--app", "demo-northwind", "--panel", "marie"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("PERSON=FILE"), "{}", stderr(&out));
}

#[test]
fn machine_formats_name_the_file_and_the_place() {
    let d = Debrief::demo();
    let bad = d.note(
        "bad.txt",
        "Dear Mary,\n\nThank you. What is the salary range?\n\nBest,\nSam\n",
    );
    let ctx = [
        "--app",
        "demo-northwind",
        "--to",
        "marie",
        "--kind",
        "thank-you",
    ];
    let run = |format: &str| {
        let mut args = vec!["lint", "--format", format];
        args.extend_from_slice(&ctx);
        args.push(&bad);
        d.run(&args)
    };

    let out = run("sarif");
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).expect("SARIF is JSON");
    assert_eq!(v["version"], "2.1.0");
    let results = v["runs"][0]["results"].as_array().expect("results");
    let name = results
        .iter()
        .find(|r| r["ruleId"] == "lint/wrong-name")
        .expect("wrong-name result");
    assert_eq!(name["level"], "error");
    let loc = &name["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], bad.as_str());
    assert_eq!(loc["region"]["startLine"], 1);
    assert_eq!(loc["region"]["startColumn"], 6);
    assert_eq!(loc["region"]["endColumn"], 10, "SARIF ends are exclusive");
    let rule_ids: Vec<&str> = v["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();
    let index = name["ruleIndex"].as_u64().expect("ruleIndex") as usize;
    assert_eq!(rule_ids.get(index), Some(&"lint/wrong-name"));

    let out = run("github");
    let text = stdout(&out);
    assert!(
        text.lines().any(|l| l.starts_with(&format!(
            "::error file={bad},line=1,col=6,endLine=1,endColumn=9,title=lint/wrong-name::"
        ))),
        "{text}"
    );

    let out = run("json");
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    let first = &v["diagnostics"][0];
    assert_eq!(first["path"], bad.as_str());
    assert_eq!(first["suggestion"], "Marie");

    let out = run("human");
    let text = stdout(&out);
    assert!(
        text.contains(&format!(" --> {bad}:1:6")) && text.contains("1 | Dear Mary,\n  |      ^^^^"),
        "{text}"
    );
}

#[test]
fn a_user_rule_pack_beside_the_store_changes_the_rules() {
    let d = Debrief::empty_file();
    d.ok(&["demo"]);
    let note = d.note(
        "note.txt",
        "Dear Marie,\n\nThank you. Expanding into APAC fits my work; our synergy would be strong.\nSorry I did so badly. Please reply ASAP.\n\nBest,\nSam\n",
    );
    let args = [
        "--app",
        "demo-northwind",
        "--to",
        "marie",
        "--kind",
        "thank-you",
        note.as_str(),
    ];
    let rules = |diags: &[Value]| -> Vec<String> {
        diags
            .iter()
            .map(|d| {
                format!(
                    "{} {}",
                    d["rule"].as_str().unwrap_or(""),
                    d["severity"].as_str().unwrap_or("")
                )
            })
            .collect()
    };
    let (code, before) = d.lint_json(&args);
    assert_eq!(code, Some(0));
    let before = rules(&before);
    assert!(
        before.contains(&"lint/pushy warning".to_string()),
        "{before:?}"
    );
    assert!(
        before.contains(&"lint/blanket-apology warning".to_string()),
        "{before:?}"
    );

    d.write(
        "rules.toml",
        r#"
[[rule]]
id = "lint/pushy"
severity = "off"

[[rule]]
id = "lint/blanket-apology"
severity = "error"

[[rule]]
id = "my/jargon"
type = "existence"
severity = "warning"
message = "'{match}' is jargon; say what you mean."
description = "Buzzwords say little."
tokens = ["synergy", "leverage"]
"#,
    );
    let (code, after) = d.lint_json(&args);
    assert_eq!(code, Some(1), "blanket-apology is an error now");
    let after = rules(&after);
    assert!(
        !after.iter().any(|r| r.starts_with("lint/pushy")),
        "{after:?}"
    );
    assert!(
        after.contains(&"lint/blanket-apology error".to_string()),
        "{after:?}"
    );
    assert!(
        after.contains(&"my/jargon warning".to_string()),
        "{after:?}"
    );
    // The same pack applies without store context, as long as --db names the store.
    let (_, plain) = d.lint_json(&[note.as_str()]);
    assert!(rules(&plain).contains(&"my/jargon warning".to_string()));
    let list = d.ok(&["lint", "--list-rules"]);
    let row = |id: &str| -> Vec<String> {
        list.lines()
            .find(|l| l.starts_with(&format!("{id} ")))
            .unwrap_or_else(|| panic!("{id} not listed:\n{list}"))
            .split_whitespace()
            .take(4)
            .map(str::to_string)
            .collect()
    };
    assert_eq!(
        row("lint/pushy"),
        ["lint/pushy", "off", "changed", "000,001"]
    );
    assert_eq!(row("lint/blanket-apology")[1..3], ["error", "changed"]);
    assert_eq!(row("my/jargon")[1..3], ["warning", "added"]);
    assert_eq!(row("lint/wrong-name")[1..4], ["error", "built-in", "002"]);
    assert!(
        list.contains("Your rule pack: ") && list.contains("rules.toml"),
        "{list}"
    );
    let v: Value = serde_json::from_str(&d.ok(&["lint", "--list-rules", "--json"])).expect("json");
    let jargon = v["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .find(|r| r["id"] == "my/jargon")
        .expect("my/jargon");
    assert_eq!(jargon["origin"], "added");
    assert_eq!(jargon["severity"], "warning");
    assert!(
        v["pack"]
            .as_str()
            .is_some_and(|p| p.ends_with("rules.toml"))
    );
    // --rules FILE replaces the pack beside the store.
    let other = d.note(
        "other.toml",
        "[[rule]]\nid = \"lint/pushy\"\nseverity = \"info\"\n",
    );
    let (_, chosen) = d.lint_json(&["--rules", &other, note.as_str()]);
    assert!(rules(&chosen).contains(&"lint/pushy info".to_string()));
    assert!(!rules(&chosen).iter().any(|r| r.starts_with("my/jargon")));

    // A broken pack is an input error naming the file and the line.
    d.write(
        "rules.toml",
        "[[rule]]\nid = \"lint/pushy\"\nseverity = \"loud\"\n",
    );
    let out = d.run(&["lint", &note]);
    assert_eq!(out.status.code(), Some(2));
    let e = stderr(&out);
    assert!(
        e.contains("rules.toml") && e.contains("line 3") && e.contains("loud"),
        "{e}"
    );
}

#[test]
fn hostile_files_never_crash_the_binary() {
    let d = Debrief::demo();
    let mut files: Vec<(String, Vec<u8>)> = vec![
        ("empty.txt".into(), Vec::new()),
        (
            "binary.bin".into(),
            vec![0, 159, 146, 150, 0xff, 0xfe, b'\n', 0x80, 0xc3],
        ),
        (
            "crlf.txt".into(),
            b"Dear Mary,\r\n\r\nSorry I did so badly.\r\n\r\nBest,\r\nSam\r\n".to_vec(),
        ),
        (
            "rtl.txt".into(),
            "Dear \u{202E}eiraM\u{202C},\n\nشكرا 😀👩‍👩‍👧 salary\n"
                .as_bytes()
                .to_vec(),
        ),
    ];
    files.push((
        "big.txt".into(),
        "Thank you salary ASAP. ".repeat(45_000).into_bytes(),
    ));
    for (name, bytes) in &files {
        let p = d.path(name);
        std::fs::write(&p, bytes).expect("write");
        let p = p.to_str().expect("path");
        for format in ["human", "line", "json", "sarif", "github"] {
            for context in [&["--app", "demo-northwind", "--to", "marie"][..], &[][..]] {
                let mut args = vec!["lint", "--format", format];
                args.extend_from_slice(context);
                args.push(p);
                let out = d.run(&args);
                // A megabyte is past the free-text limit: refused, limit named.
                if name == "big.txt" {
                    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
                    assert!(
                        stderr(&out).contains("at most 20000 characters"),
                        "{}",
                        stderr(&out)
                    );
                    assert!(stdout(&out).is_empty());
                    continue;
                }
                // A binary file is no note: refused (exit 2), never garbled.
                let refused = name == "binary.bin"
                    && out.status.code() == Some(2)
                    && stderr(&out).contains("does not look like a text file");
                assert!(
                    refused || matches!(out.status.code(), Some(0 | 1)),
                    "{name} {format} {context:?}: {:?}\n{}",
                    out.status.code(),
                    stderr(&out)
                );
            }
        }
    }
    // CRLF: the name is found where it is, the carriage return is not a column.
    let (_, diags) = d.lint_json(&["--app", "demo-northwind", "--to", "marie", "crlf.txt"]);
    let name = diags
        .iter()
        .find(|x| x["rule"] == "lint/wrong-name")
        .expect("wrong-name in the CRLF note");
    assert_eq!(
        (
            name["line"].as_u64(),
            name["column"].as_u64(),
            name["end_column"].as_u64()
        ),
        (Some(1), Some(6), Some(9))
    );
}

#[test]
fn drafts_refuse_what_they_cannot_write_and_placeholders_block_sending() {
    let d = Debrief::empty().env("DEBRIEF_MAIL_FROM", "sam@example.com");
    d.ok(&["demo"]);
    // The Hooli interview is still ahead: no thank-you for it yet.
    let out = d.run(&["draft", "--app", "demo-hooli", "--to", "gavin"]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    let e = stderr(&out);
    assert!(
        e.contains("no interview with Gavin Belson has taken place yet")
            && e.contains("the next one starts on Sunday, November 29"),
        "{e}"
    );
    assert!(stdout(&out).is_empty(), "nothing drafted: {}", stdout(&out));

    // "other" names no purpose: refused, with the kinds that can be drafted.
    let out = d.run(&[
        "draft",
        "--app",
        "demo-northwind",
        "--to",
        "marie",
        "--kind",
        "other",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("it drafts: thank-you, thank-staff, status-check"),
        "{}",
        stderr(&out)
    );

    // A recovery draft leaves the reason to the writer: the linter says so
    // and `send` refuses it (a dry run: no server needed).
    let text = d.ok(&[
        "draft",
        "--app",
        "demo-northwind",
        "--to",
        "marie",
        "--kind",
        "recovery",
    ]);
    assert!(text.contains("[Reason:"), "{text}");
    let file = d.note("recovery.txt", &text);
    let out = d.run(&[
        "lint",
        "--app",
        "demo-northwind",
        "--to",
        "marie",
        "--kind",
        "recovery",
        "--format",
        "line",
        &file,
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out)
            .contains(": error: '[Reason: say in one sentence what happened.]' is a placeholder"),
        "{}",
        stdout(&out)
    );
    let send = |file: &str| {
        d.run(&[
            "send",
            "--app",
            "demo-northwind",
            "--to",
            "marie",
            "--kind",
            "recovery",
            file,
            "--dry-run",
        ])
    };
    let out = send(&file);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("lint/placeholder") && stderr(&out).contains("Nothing was sent"),
        "{}",
        stderr(&out)
    );
    // Filled in, it goes.
    let filled = text.replace(
        "[Reason: say in one sentence what happened.]",
        "My train was cancelled and I failed to call ahead.",
    );
    let out = send(&d.note("filled.txt", &filled));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    // --list-rules shows the rule.
    let rules = d.ok(&["lint", "--list-rules"]);
    assert!(
        rules.contains("lint/placeholder") && rules.contains("error"),
        "{rules}"
    );
}

#[test]
fn many_files_and_a_directory_are_linted_in_one_process() {
    let d = Debrief::demo();
    let dir = d.path("notes");
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(
        dir.join("a.txt"),
        "Hi Marie,\n\nThank you for the panel. Please reply ASAP.\n\nSam\n",
    )
    .expect("write");
    std::fs::write(
        dir.join("b.md"),
        "Hi Raj,\n\nThank you for the panel. I apologize for everything, I am so sorry.\n\nSam\n",
    )
    .expect("write");
    std::fs::write(dir.join("skip.png"), [0u8, 1, 2]).expect("write");
    std::fs::write(dir.join(".hidden.txt"), "Please reply ASAP.").expect("write");
    let dir_s = dir.to_str().expect("path");
    let (code, diags) = d.lint_json(&[dir_s]);
    assert_eq!(code, Some(0), "warnings only");
    let paths: std::collections::BTreeSet<&str> =
        diags.iter().filter_map(|x| x["path"].as_str()).collect();
    assert_eq!(paths.len(), 2, "{paths:?}");
    assert!(
        paths
            .iter()
            .all(|p| p.ends_with("a.txt") || p.ends_with("b.md"))
    );
    assert!(diags.iter().any(|x| x["rule"] == "lint/pushy"));
    assert!(diags.iter().any(|x| x["rule"] == "lint/blanket-apology"));
    // Files and a directory together; the human summary counts the notes.
    let extra = d.note("c.txt", "Dear Marie,\n\nThank you.\n\nSam\n");
    let out = d.run(&["lint", dir_s, &extra]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("in 3 notes"), "{}", stdout(&out));
    // A directory without notes is bad input.
    let empty = d.path("empty");
    std::fs::create_dir_all(&empty).expect("dir");
    let out = d.run(&["lint", empty.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("holds no notes"), "{}", stderr(&out));
}

#[test]
fn a_second_thank_you_is_flagged_with_the_date_of_the_first() {
    let d = Debrief::demo();
    let note = d.note(
        "again.txt",
        "Dear Marie,\n\nThank you again for Saturday's panel. Expanding into APAC is work I did at my last job.\n\nBest,\nSam\n",
    );
    let (_, before) = d.lint_json(&["--app", "demo-northwind", "--to", "marie", &note]);
    assert!(before.iter().all(|x| x["rule"] != "lint/already-sent"));
    d.ok(&[
        "touch",
        "--app",
        "demo-northwind",
        "--person",
        "marie",
        "--kind",
        "thank-you",
        "--channel",
        "email",
    ]);
    let (code, after) = d.lint_json(&["--app", "demo-northwind", "--to", "marie", &note]);
    assert_eq!(code, Some(0), "a warning: the exit code stays 0");
    let found = after
        .iter()
        .find(|x| x["rule"] == "lint/already-sent")
        .expect("already-sent");
    assert_eq!(found["severity"], "warning");
    let message = found["message"].as_str().expect("message");
    assert!(message.contains("Sunday, November 22, 2026"), "{message}");
    // Raj has not been thanked: nothing to repeat.
    let (_, raj) = d.lint_json(&["--app", "demo-northwind", "--to", "raj", &note]);
    assert!(raj.iter().all(|x| x["rule"] != "lint/already-sent"));
}
