//! `debrief import-csv`, end to end: the real binary, a real SQLite file and
//! the sample exports in `crates/trackers/tests/fixtures`.

mod common;

use common::{Debrief, stderr, stdout};
use serde_json::Value;

fn fixture(name: &str) -> String {
    format!(
        "{}/../trackers/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

impl Debrief {
    /// Runs, expects exit `code` and JSON on stdout.
    fn json_exiting(&self, args: &[&str], code: i32) -> Value {
        let out = self.run(args);
        assert_eq!(
            out.status.code(),
            Some(code),
            "debrief {args:?}:\n{}",
            stderr(&out)
        );
        serde_json::from_slice(&out.stdout).expect("JSON")
    }

    fn applications(&self) -> Vec<Value> {
        self.export()["applications"]
            .as_array()
            .expect("applications")
            .clone()
    }
}

#[test]
fn a_huntr_export_comes_in_with_its_stages() {
    let s = Debrief::new();
    let huntr = fixture("huntr-jobs.csv");

    // The preview says what would be created and writes nothing.
    let preview = s.run(&["import-csv", "--from", "huntr", "--dry-run", &huntr]);
    assert_eq!(preview.status.code(), Some(1), "two rows cannot be read");
    let text = stdout(&preview);
    assert!(
        text.contains("Would create 7 applications")
            && text.contains("acme-corp-data-analyst")
            && text.contains("Interview")
            && text.contains("→ interviewing")
            && text.contains("Dry run: nothing was written"),
        "{text}"
    );
    assert!(
        stderr(&preview).contains("huntr-jobs.csv:9: no company")
            && stderr(&preview).contains("huntr-jobs.csv:12: 5 fields"),
        "{}",
        stderr(&preview)
    );
    assert!(s.applications().is_empty(), "a dry run writes nothing");

    let v = s.json_exiting(&["import-csv", "--from", "huntr", "--json", &huntr], 1);
    assert_eq!(v["source"], "huntr");
    assert_eq!(v["rows"], 11);
    assert_eq!(v["created"].as_array().expect("created").len(), 7);
    assert_eq!(
        v["problems"],
        serde_json::json!([
            {"line": 9, "message": "no company (column 'companyName' is empty)"},
            {"line": 12, "message": "5 fields where the header has 12 (a row cut short, or a quote left open on an earlier line)"}
        ])
    );
    assert!(
        v["stages"]
            .as_array()
            .expect("stages")
            .iter()
            .any(|u| u["value"] == "Wishlist" && u["stage"] == "skip")
    );
    let apps = s.applications();
    let stage = |company: &str| {
        apps.iter()
            .find(|a| a["company"] == company)
            .map(|a| a["stage"].as_str().expect("stage").to_string())
    };
    assert_eq!(apps.len(), 7);
    assert_eq!(stage("Acme Corp").as_deref(), Some("interviewing"));
    assert_eq!(stage("Globex").as_deref(), Some("applied"));
    assert_eq!(stage("Société Lumière").as_deref(), Some("offer"));
    assert_eq!(stage("Initech").as_deref(), Some("rejected"));
    assert_eq!(stage("Vandelay Industries").as_deref(), Some("screening"));
    assert_eq!(stage("Hooli"), None, "the wishlist stays out");

    // The same export again: nothing new, nothing doubled.
    let again = s.json_exiting(&["import-csv", "--from", "huntr", "--json", &huntr], 1);
    assert_eq!(again["created"], serde_json::json!([]));
    assert_eq!(again["already"].as_array().expect("already").len(), 7);
    assert_eq!(s.applications().len(), 7);
    let text = stdout(&s.run(&["import-csv", "--from", "huntr", &huntr]));
    assert!(
        text.contains("Nothing new to create")
            && text.contains("Already in Debrief, left as they are: 7 rows"),
        "{text}"
    );

    // Taking the wishlist in after all, by naming the stage.
    let v = s.json_exiting(
        &[
            "import-csv",
            "--from",
            "huntr",
            "--stage",
            "Wishlist=applied",
            "--json",
            &huntr,
        ],
        1,
    );
    assert_eq!(v["created"][0]["company"], "Hooli");
    assert_eq!(s.applications().len(), 8);
    // And what the agenda makes of an imported interview stage: no crash,
    // valid JSON.
    let agenda = s.json_exiting(
        &["--now", "2026-11-22T09:00:00-06:00", "agenda", "--json"],
        0,
    );
    assert!(agenda["actions"].is_array());
}

#[test]
fn a_jobsync_export_from_standard_input() {
    let s = Debrief::new();
    let bytes = std::fs::read(fixture("jobsync-jobs.csv")).expect("fixture");
    let out = s.run_with_stdin(&["import-csv", "--from", "jobsync", "-"], &bytes);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("Created 6 applications"), "{text}");
    assert!(
        text.contains("Expired") && text.contains("→ closed"),
        "{text}"
    );
    let apps = s.applications();
    assert_eq!(apps.len(), 6);
    assert!(
        apps.iter()
            .all(|a| !a["role"].as_str().expect("role").contains('\r'))
    );
}

#[test]
fn any_csv_with_a_mapping_from_flags_or_a_file() {
    let s = Debrief::new();
    let csv = fixture("spreadsheet-de.csv");
    let v = s.json_exiting(
        &[
            "import-csv",
            "--from",
            "mapped",
            "--mapping",
            &fixture("spreadsheet-de.toml"),
            "--json",
            &csv,
        ],
        0,
    );
    assert_eq!(v["created"].as_array().expect("created").len(), 3);
    assert_eq!(v["created"][1]["stage"], "interviewing");
    assert_eq!(v["skipped"][0]["line"], 5);

    // Flags on a file Excel saved as Windows-1252 with semicolons.
    let s = Debrief::new();
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("jobs.csv");
    std::fs::write(
        &path,
        b"Employer;Job;Where\r\nM\xfcller & S\xf6hne;Analyst;Offer\r\nNordlicht;BI;Ghosted\r\n",
    )
    .expect("write");
    let out = s.run(&[
        "import-csv",
        "--from",
        "mapped",
        "--map",
        "company=Employer",
        "--map",
        "role=Job",
        "--map",
        "stage=Where",
        path.to_str().expect("path"),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("not UTF-8; read it as windows-1252"),
        "{}",
        stderr(&out)
    );
    let apps = s.applications();
    assert_eq!(apps[0]["company"], "Müller & Söhne");
    assert_eq!(apps[0]["stage"], "offer");
    assert_eq!(apps[1]["stage"], "closed");
}

#[test]
fn files_and_mappings_that_cannot_be_used_exit_2_and_write_nothing() {
    let s = Debrief::new();
    let huntr = fixture("huntr-jobs.csv");
    let dir = tempfile::tempdir().expect("dir");
    let empty = dir.path().join("empty.csv");
    std::fs::write(&empty, "").expect("write");
    let bad_map = dir.path().join("map.toml");
    std::fs::write(&bad_map, "[columns]\ncompany = \"A\"\nwage = \"B\"\n").expect("write");
    for (args, want) in [
        (
            vec!["import-csv", "--from", "mapped", &huntr],
            "--map company=COLUMN",
        ),
        (
            vec!["import-csv", "--from", "jobsync", &huntr],
            "try --from huntr",
        ),
        (
            vec![
                "import-csv",
                "--from",
                "mapped",
                "--map",
                "wage=salary",
                &huntr,
            ],
            "--map 'wage' is not a field",
        ),
        (
            vec![
                "import-csv",
                "--from",
                "huntr",
                "--stage",
                "Wishlist=maybe",
                &huntr,
            ],
            "--stage 'maybe' is not",
        ),
        (
            vec![
                "import-csv",
                "--from",
                "mapped",
                "--map",
                "company=Firm",
                &huntr,
            ],
            "no company column: looked for Firm",
        ),
        (
            vec!["import-csv", "--from", "huntr", empty.to_str().expect("p")],
            "the file is empty",
        ),
        (
            vec![
                "import-csv",
                "--from",
                "mapped",
                "--mapping",
                bad_map.to_str().expect("p"),
                &huntr,
            ],
            "map.toml: 'wage' is not a field",
        ),
        (
            vec!["import-csv", "--from", "huntr", "/nonexistent/jobs.csv"],
            "cannot read /nonexistent/jobs.csv",
        ),
    ] {
        let out = s.run(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(want), "{args:?}: {}", stderr(&out));
    }
    assert!(s.applications().is_empty());
}

#[test]
fn a_large_export_imports_in_one_go_without_a_progress_bar_off_a_terminal() {
    let s = Debrief::new();
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("big.csv");
    let mut text = String::from("id,title,companyName,listName,description\n");
    let filler = "x".repeat(150);
    for i in 0..20_000 {
        text.push_str(&format!(
            "{i:024x},Analyst {i},Company {},Applied,{filler}\n",
            i % 997
        ));
    }
    std::fs::write(&path, &text).expect("write");
    let out = s.run(&[
        "import-csv",
        "--from",
        "huntr",
        path.to_str().expect("path"),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("Created 20000 applications"),
        "{}",
        stdout(&out)
    );
    assert!(stdout(&out).contains("… and 19980 more"));
    assert!(
        stderr(&out).is_empty(),
        "no progress bar into a pipe: {}",
        stderr(&out)
    );
    let ids = s.json_exiting(&["app", "list", "--json"], 0);
    assert_eq!(ids.as_array().map(Vec::len), Some(20_000));
}
