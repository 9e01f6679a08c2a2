//! End-to-end: the real `debrief` binary on a real SQLite file.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};

use common::{Debrief, FIXTURE, stderr};
use serde_json::Value;

/// The morning after the Acme panel (ended Fri 20 Nov, 11:30 Chicago).
const SAT_MORNING: &str = "2026-11-21T09:00:00-06:00";

impl Debrief {
    fn agenda(&self, now: &str) -> Vec<Value> {
        let v = self.json(&["--now", now, "agenda", "--json"]);
        v["actions"].as_array().expect("actions").clone()
    }
}

fn has(actions: &[Value], rule: &str, person: Option<&str>) -> bool {
    actions
        .iter()
        .any(|a| a["rule"] == rule && person.is_none_or(|p| a["person"] == p))
}

#[test]
fn import_agenda_touch_agenda() {
    let s = Debrief::imported();
    let before = s.agenda(SAT_MORNING);
    assert!(has(&before, "thank-you-note", Some("marie")));
    assert!(has(&before, "thank-you-note", Some("raj")));
    assert!(has(&before, "thank-staff", Some("desk")));
    let marie = before
        .iter()
        .find(|a| a["rule"] == "thank-you-note" && a["person"] == "marie")
        .expect("marie");
    assert_eq!(marie["state"], "due");
    assert_eq!(marie["due"], "2026-11-21T11:30:00-06:00");
    assert_eq!(marie["application"], "acme-analyst");
    assert_eq!(marie["interview"], "acme-panel");
    assert_eq!(marie["channel"], "email");
    assert!(marie["why"].as_str().expect("why").contains("Marie Dubois"));

    let logged = s.json(&[
        "--now",
        SAT_MORNING,
        "touch",
        "--app",
        "acme-analyst",
        "--person",
        "marie",
        "--kind",
        "thank-you",
        "--channel",
        "email",
        "--json",
    ]);
    assert_eq!(logged["logged"], true);
    let after = s.agenda(SAT_MORNING);
    assert!(
        !has(&after, "thank-you-note", Some("marie")),
        "Marie's action is fulfilled"
    );
    assert!(
        has(&after, "thank-you-note", Some("raj")),
        "Raj still waits for his"
    );
    assert!(
        has(&after, "status-check", None),
        "the cadence starts with the first thank-you"
    );
}

#[test]
fn the_guard_refuses_an_early_chase_and_force_logs_it() {
    let s = Debrief::imported();
    s.ok(&[
        "--now",
        "2026-11-20T17:00:00-06:00",
        "touch",
        "--app",
        "acme-analyst",
        "--person",
        "marie",
        "--kind",
        "thank-you",
    ]);
    let before = s.export();
    let out = s.run(&[
        "--now",
        "2026-11-27T10:00:00-06:00",
        "touch",
        "--app",
        "acme-analyst",
        "--person",
        "marie",
        "--kind",
        "status-check",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(1), "a refused follow-up exits 1");
    let refusal: Value = serde_json::from_slice(&out.stdout).expect("refusal JSON");
    assert_eq!(refusal["logged"], false);
    assert_eq!(refusal["rule"], "follow-up-guard");
    // Fri 20 Nov + 10 business days, Thanksgiving skipped: Mon 7 Dec, 9:00.
    assert_eq!(refusal["allowed_from"], "2026-12-07T09:00:00-06:00");
    assert!(
        refusal["why"]
            .as_str()
            .expect("why")
            .contains("Marie Dubois")
    );
    assert_eq!(s.export(), before, "nothing written on refusal");

    let human = s.run(&[
        "--now",
        "2026-11-27T10:00:00-06:00",
        "touch",
        "--app",
        "acme-analyst",
        "--person",
        "marie",
        "--kind",
        "status-check",
    ]);
    assert_eq!(human.status.code(), Some(1));
    assert!(
        stderr(&human).contains("follow-up-guard") && stderr(&human).contains("--force"),
        "{}",
        stderr(&human)
    );

    let forced = s.json(&[
        "--now",
        "2026-11-27T10:00:00-06:00",
        "touch",
        "--app",
        "acme-analyst",
        "--person",
        "marie",
        "--kind",
        "status-check",
        "--force",
        "--json",
    ]);
    assert_eq!(forced["logged"], true);
    assert_eq!(forced["forced"], true);
    let touches = s.export()["applications"][0]["touches"]
        .as_array()
        .expect("touches")
        .clone();
    assert_eq!(touches.len(), 2);
    assert_eq!(touches[1]["forced"], true);
    // A second chase while the first is unanswered: refused with no date.
    let again = s.run(&[
        "--now",
        "2026-12-08T10:00:00-06:00",
        "touch",
        "--app",
        "acme-analyst",
        "--person",
        "raj",
        "--kind",
        "status-check",
        "--json",
    ]);
    assert_eq!(again.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&again.stdout).expect("json");
    assert_eq!(v["allowed_from"], Value::Null);
}

#[test]
fn a_reply_cancels_the_status_check() {
    let s = Debrief::imported();
    for who in ["marie", "raj"] {
        s.ok(&[
            "--now",
            "2026-11-20T17:00:00-06:00",
            "touch",
            "--app",
            "acme-analyst",
            "--person",
            who,
            "--kind",
            "thank-you",
        ]);
    }
    assert!(has(
        &s.agenda("2026-11-23T09:00:00-06:00"),
        "status-check",
        None
    ));
    let said = s.ok(&[
        "reply",
        "--app",
        "acme-analyst",
        "--person",
        "raj",
        "--at",
        "2026-11-23 14:00",
    ]);
    // A time people read, in the profile's zone, not a raw timestamp.
    assert_eq!(
        said.trim(),
        "Recorded the reply to your thank-you of Fri 20 Nov, 17:00."
    );
    assert!(!has(
        &s.agenda("2026-12-08T09:00:00-06:00"),
        "status-check",
        None
    ));
    let touches = &s.export()["applications"][0]["touches"];
    assert_eq!(touches[1]["replied_at"], "2026-11-23T14:00:00-06:00");
}

#[test]
fn export_then_import_is_lossless() {
    let s = Debrief::imported();
    let original: Value =
        serde_json::from_str(&std::fs::read_to_string(FIXTURE).expect("fixture")).expect("json");
    let exported = s.export();
    assert_eq!(
        exported, original,
        "export gives back exactly what was imported"
    );
    let file = s.dir().join("round.json");
    s.ok(&["export", "-o", file.to_str().expect("path")]);
    let other = Debrief::new();
    other.ok(&["import", file.to_str().expect("path")]);
    assert_eq!(other.export(), exported);
}

#[test]
fn recording_commands_build_a_store_nobody_edits_by_hand() {
    let s = Debrief::new();
    s.ok(&[
        "profile",
        "--name",
        "Sam Rivera",
        "--timezone",
        "Europe/London",
        "--holidays",
        "GB-ENG",
        "--add-day",
        "2026-12-24",
    ]);
    s.ok(&[
        "app",
        "add",
        "--company",
        "Initech",
        "--role",
        "Analyst",
        "--recruiter",
        "inside",
    ]);
    let id = "initech-analyst";
    s.ok(&[
        "person",
        "add",
        "--app",
        id,
        "--name",
        "Peter Gibbons",
        "--title",
        "Team Lead",
        "--email",
        "peter@initech.example",
    ]);
    s.ok(&[
        "person",
        "add",
        "--app",
        id,
        "--name",
        "Joanna Smith",
        "--kind",
        "interviewer",
    ]);
    s.ok(&[
        "person",
        "add",
        "--app",
        id,
        "--name",
        "Milton Waddams",
        "--kind",
        "receptionist",
    ]);
    s.ok(&[
        "interview",
        "add",
        "--app",
        id,
        "--at",
        "2026-12-01 10:00",
        "--minutes",
        "45",
        "--format",
        "in-person",
        "--with",
        "peter,joanna",
    ]);
    let prep = s.agenda("2026-11-30T09:00:00Z");
    assert!(has(&prep, "prepare-research", None) && has(&prep, "bring-cards", None));
    s.ok(&[
        "interview",
        "prepared",
        "--app",
        id,
        "--interview",
        "interview-1",
        "--research",
        "true",
        "--questions",
        "3",
    ]);
    let prep = s.agenda("2026-11-30T09:00:00Z");
    assert!(!has(&prep, "prepare-research", None) && !has(&prep, "prepare-questions", None));

    // Marked done after it happened (before, it is refused).
    let early = s.run(&[
        "--now",
        "2026-11-30T09:00:00Z",
        "interview",
        "done",
        "--app",
        id,
        "--interview",
        "interview-1",
    ]);
    assert_eq!(early.status.code(), Some(2), "{}", stderr(&early));
    assert!(stderr(&early).contains("after now"), "{}", stderr(&early));
    s.ok(&[
        "--now",
        "2026-12-01T12:00:00Z",
        "interview",
        "done",
        "--app",
        id,
        "--interview",
        "interview-1",
        "--asked-questions",
        "false",
        "--also-met",
        "milton",
    ]);
    // From here on the clock reads 10 December unless a step says otherwise.
    let s = s.env("DEBRIEF_NOW", "2026-12-10T12:00:00Z");
    s.ok(&[
        "said",
        "--app",
        id,
        "--person",
        "peter",
        "The team is rebuilding its reporting stack",
    ]);
    s.ok(&[
        "person",
        "set",
        "--app",
        id,
        "--person",
        "joanna",
        "--prefers",
        "phone",
        "--after",
        "2026-12-08",
    ]);
    s.ok(&[
        "slip",
        "--app",
        id,
        "--interview",
        "interview-1",
        "--noticed",
        "Mixed up the quarter figures",
    ]);
    s.ok(&[
        "reflect",
        "--app",
        id,
        "--interview",
        "interview-1",
        "--went-well",
        "Rapport",
        "--change",
        "Bring numbers",
        "--mistake",
        "Mixed up figures",
    ]);
    let a = s.agenda("2026-12-01T12:00:00Z");
    for rule in [
        "thank-you-note",
        "thank-staff",
        "send-questions",
        "apologize-slip",
        "debrief-capture",
    ] {
        assert!(has(&a, rule, None), "{rule} expected after the interview");
    }
    assert!(!has(&a, "reflect", None), "reflection recorded");
    s.ok(&[
        "slip",
        "--app",
        id,
        "--interview",
        "interview-1",
        "--mark-apologized",
        "1",
    ]);
    assert!(!has(
        &s.agenda("2026-12-01T12:00:00Z"),
        "apologize-slip",
        None
    ));

    s.ok(&[
        "touch",
        "--app",
        id,
        "--person",
        "joanna",
        "--kind",
        "thank-you",
        "--at",
        "2026-12-01 16:00",
    ]);
    let waiting = s.agenda("2026-12-02T09:00:00Z");
    let check = waiting
        .iter()
        .find(|a| a["rule"] == "status-check")
        .expect("status check");
    // Joanna named 8 Dec: the check opens the next business day, by phone.
    assert_eq!(check["person"], "joanna");
    assert_eq!(check["opens"], "2026-12-09T09:00:00+00:00");
    assert_eq!(check["channel"], "phone");
    assert_eq!(check["policy"]["applied"], "stated");

    s.ok(&[
        "news",
        "--app",
        id,
        "--on",
        "2026-12-03",
        "Initech won a big contract",
    ]);
    assert!(has(&s.agenda("2026-12-03T10:00:00Z"), "congratulate", None));
    s.ok(&[
        "done",
        "congratulate",
        "--app",
        id,
        "--reason",
        "said it on LinkedIn",
    ]);
    assert!(!has(
        &s.agenda("2026-12-03T10:00:00Z"),
        "congratulate",
        None
    ));

    s.ok(&[
        "outcome",
        "--app",
        id,
        "--kind",
        "rejected",
        "--on",
        "2026-12-10",
        "--stay-in-touch",
    ]);
    s.ok(&[
        "feedback",
        "--app",
        id,
        "Needs stronger SQL",
        "--kind",
        "skill",
    ]);
    let after = s.agenda("2026-12-10T12:00:00Z");
    assert!(
        has(&after, "request-feedback-call", None)
            && has(&after, "act-on-feedback", None)
            && has(&after, "stay-in-touch", None)
    );
    assert!(
        !has(&after, "status-check", None),
        "no chasing after an outcome"
    );
    s.ok(&[
        "feedback",
        "--app",
        id,
        "--point",
        "1",
        "--plan",
        "Finish the SQL course",
        "--by",
        "2027-01-15",
    ]);
    assert!(!has(
        &s.agenda("2026-12-10T12:00:00Z"),
        "act-on-feedback",
        None
    ));

    let data = s.export();
    assert_eq!(data["profile"]["timezone"], "Europe/London");
    assert_eq!(data["profile"]["holidays"]["extra"][0], "2026-12-24");
    let app = &data["applications"][0];
    assert_eq!(app["stage"], "rejected");
    assert_eq!(
        app["people"][0]["said"][0],
        "The team is rebuilding its reporting stack"
    );
    assert_eq!(app["interviews"][0]["start"], "2026-12-01T10:00:00+00:00");
}

#[test]
fn bad_input_exits_2_names_the_problem_and_changes_nothing() {
    let s = Debrief::imported();
    let before = s.export();
    let dir = s.dir();
    let fixture = std::fs::read_to_string(FIXTURE).expect("fixture");
    let write = |name: &str, text: &str| {
        let p = dir.join(name);
        std::fs::write(&p, text).expect("write");
        p.to_str().expect("path").to_string()
    };
    let truncated = write("truncated.json", &fixture[..fixture.len() / 2]);
    let unknown = write(
        "unknown.json",
        &fixture.replacen("\"name\": \"Raj Patel\"", "\"nmae\": \"Raj Patel\"", 1),
    );
    let bad_tz = write(
        "tz.json",
        &fixture.replace("America/Chicago", "America/Chicagoo"),
    );
    let bad_date = write("date.json", &fixture.replace("2026-11-25", "2026-11-31"));
    let dup = write(
        "dup.json",
        &fixture.replace("\"id\": \"raj\"", "\"id\": \"marie\""),
    );

    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["import", &truncated], "line"),
        (
            vec!["import", &unknown],
            "applications[0].people[1].nmae: unknown field; did you mean `name`?",
        ),
        (vec!["import", &bad_tz], "profile.timezone"),
        (vec!["import", &bad_date], "applications[0].news[0].on"),
        (vec!["import", &dup], "duplicate person id 'marie'"),
        (vec!["import", "/nonexistent/file.json"], "cannot read"),
        (
            vec![
                "touch",
                "--app",
                "acme-analist",
                "--person",
                "marie",
                "--kind",
                "thank-you",
            ],
            "did you mean 'acme-analyst'",
        ),
        (
            vec![
                "touch",
                "--app",
                "acme-analyst",
                "--person",
                "mary",
                "--kind",
                "thank-you",
            ],
            "unknown person 'mary'",
        ),
        (
            vec![
                "touch",
                "--app",
                "acme-analyst",
                "--person",
                "marie",
                "--kind",
                "thanks",
            ],
            "thank-you",
        ),
        (
            vec![
                "touch",
                "--app",
                "acme-analyst",
                "--person",
                "marie",
                "--kind",
                "thank-you",
                "--at",
                "yesterday",
            ],
            "--at",
        ),
        (
            vec!["news", "--app", "acme-analyst", "--on", "2026-02-30", "x"],
            "--on",
        ),
        (
            vec!["profile", "--timezone", "Mars/Olympus"],
            "Mars/Olympus",
        ),
        (vec!["--now", "soon", "agenda"], "--now"),
        (
            vec![
                "interview",
                "add",
                "--app",
                "acme-analyst",
                "--at",
                "2026-12-01 10:00",
                "--with",
                "nobody",
            ],
            "unknown person 'nobody'",
        ),
        (
            vec!["app", "add", "--company", "X", "--id", "acme-analyst"],
            "already exists",
        ),
        (
            vec!["explain", "status-chek"],
            "did you mean 'status-check'",
        ),
        (
            vec!["done", "not-a-rule", "--app", "acme-analyst"],
            "unknown rule",
        ),
    ];
    for (args, needle) in cases {
        let out = s.run(&args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?} should exit 2; stderr: {}",
            stderr(&out)
        );
        assert!(
            stderr(&out).contains(needle),
            "{args:?}: stderr should mention {needle:?}:\n{}",
            stderr(&out)
        );
        assert_eq!(s.export(), before, "{args:?} changed the store");
    }
}

#[test]
fn import_from_stdin_dry_run_and_replace() {
    let s = Debrief::new().now("2026-11-21T09:00:00-06:00");
    let fixture = std::fs::read_to_string(FIXTURE).expect("fixture");
    let out = s.run_with_stdin(&["import", "--dry-run", "-"], fixture.as_bytes());
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("dry run"));
    assert_eq!(
        s.export()["applications"].as_array().expect("apps").len(),
        0,
        "dry run writes nothing"
    );
    s.ok(&["app", "add", "--company", "Other Co"]);
    // Not at a terminal: --replace needs --yes, and nothing changes without.
    let out = s.run_with_stdin(&["import", "--replace", "-"], fixture.as_bytes());
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--yes"), "{}", stderr(&out));
    assert_eq!(s.export()["applications"][0]["id"], "other-co");
    let out = s.run_with_stdin(&["import", "--replace", "--yes", "-"], fixture.as_bytes());
    assert!(out.status.success(), "{}", stderr(&out));
    let apps = s.export()["applications"].as_array().expect("apps").clone();
    assert_eq!(apps.len(), 1);
    assert_eq!(apps[0]["id"], "acme-analyst");
}

#[test]
fn demo_then_agenda_shows_an_explained_agenda() {
    let s = Debrief::new();
    let demo = s.ok(&["--now", "2026-11-23T15:00:00Z", "demo"]);
    assert!(
        demo.contains("OVERDUE") || demo.contains("DUE NOW"),
        "{demo}"
    );
    let text = s.ok(&["--now", "2026-11-23T15:00:00Z", "agenda"]);
    for needle in [
        "Thank Marie Dubois",
        "[thank-you-note]",
        "[status-check]",
        "[missed-interview-recovery]",
        "[request-feedback-call]",
    ] {
        assert!(text.contains(needle), "agenda lacks {needle}:\n{text}");
    }
    assert!(
        !text.contains('\u{1b}'),
        "NO_COLOR and a pipe mean no escape codes"
    );
    // Running the demo again replaces the sample, it does not duplicate it.
    s.ok(&["--now", "2026-11-23T15:00:00Z", "demo"]);
    assert_eq!(
        s.export()["applications"].as_array().expect("apps").len(),
        5
    );
}

#[test]
fn explain_cites_seeds_and_figures() {
    let s = Debrief::new();
    let text = s.ok(&["explain", "thank-you-note"]);
    assert!(text.contains("seeds 000, 001, 002, 004"), "{text}");
    assert!(
        text.contains("Accountemps") && text.contains("2017"),
        "{text}"
    );
    let status = s.ok(&["explain", "status-check"]);
    assert!(status.contains("Where the sources disagree"));
    let all = s.json(&["explain", "--json"]);
    assert_eq!(all.as_array().expect("rules").len(), 27);
}

#[test]
fn stats_report_timeliness_and_recurring_mistakes() {
    let s = Debrief::imported().now("2026-11-30T09:00:00-06:00");
    s.ok(&[
        "touch",
        "--app",
        "acme-analyst",
        "--person",
        "marie",
        "--kind",
        "thank-you",
        "--at",
        "2026-11-20 17:00",
    ]);
    s.ok(&[
        "touch",
        "--app",
        "acme-analyst",
        "--person",
        "raj",
        "--kind",
        "thank-you",
        "--at",
        "2026-11-23 09:00",
    ]);
    let st = s.json(&["stats", "--json"]);
    assert_eq!(st["thank_yous"]["owed"], 2);
    assert_eq!(st["thank_yous"]["within_24h"], 1);
    let text = s.ok(&["stats"]);
    assert!(
        text.contains("1 of 2 interviewers thanked within 24 h (50%)"),
        "{text}"
    );
}

#[test]
fn reflect_refuses_without_answers_when_not_at_a_terminal() {
    let s = Debrief::imported();
    let out = s.run(&[
        "reflect",
        "--app",
        "acme-analyst",
        "--interview",
        "acme-panel",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--went-well"));
}

#[test]
fn completions_are_generated() {
    let s = Debrief::new();
    let bash = s.ok(&["completions", "bash"]);
    assert!(bash.contains("debrief") && bash.contains("agenda"));
}

#[test]
fn a_store_from_a_newer_debrief_is_refused_not_damaged() {
    let s = Debrief::sqlite();
    std::fs::write(s.db(), b"this is not a database at all, just text").expect("write");
    let out = s.run(&["agenda"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("cannot open the store"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        std::fs::read(s.db()).expect("read"),
        b"this is not a database at all, just text"
    );
}

#[test]
fn a_draft_lints_clean_and_a_template_to_the_panel_is_caught() {
    let s = Debrief::imported();
    let now = "2026-11-20T14:00:00-06:00";
    let marie = s.dir().join("marie.txt");
    let raj = s.dir().join("raj.txt");
    for (who, path) in [("marie", &marie), ("raj", &raj)] {
        s.ok(&[
            "--now",
            now,
            "draft",
            "--app",
            "acme-analyst",
            "--to",
            who,
            "-o",
            path.to_str().expect("path"),
        ]);
        let out = s.run(&[
            "--now",
            now,
            "lint",
            "--app",
            "acme-analyst",
            "--to",
            who,
            "--kind",
            "thank-you",
            "--json",
            path.to_str().expect("path"),
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let v: Value = serde_json::from_slice(&out.stdout).expect("json");
        assert_eq!(
            v["diagnostics"],
            serde_json::json!([]),
            "the draft for {who} is clean"
        );
    }
    let panel = |a: &Path, b: &Path| {
        let out = s.run(&[
            "--now",
            now,
            "lint",
            "--app",
            "acme-analyst",
            "--kind",
            "thank-you",
            "--json",
            "--panel",
            &format!("marie={}", a.display()),
            &format!("raj={}", b.display()),
        ]);
        let v: Value = serde_json::from_slice(&out.stdout).expect("json");
        v["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .filter(|d| d["rule"] == "lint/panel-duplicate")
            .count()
    };
    assert_eq!(
        panel(&marie, &raj),
        0,
        "the composer writes different notes"
    );
    let template = s.dir().join("template.txt");
    let text = std::fs::read_to_string(&marie)
        .expect("read")
        .replace("Marie", "Raj");
    std::fs::write(&template, text).expect("write");
    assert_eq!(
        panel(&marie, &template),
        2,
        "the same note to both is caught on both"
    );

    let bad = s.dir().join("bad.txt");
    std::fs::write(
        &bad,
        "Hi Mary,\n\nThank you. What is the salary range?\n\nBest,\nSam\n",
    )
    .expect("write");
    let out = s.run(&[
        "--now",
        now,
        "lint",
        "--app",
        "acme-analyst",
        "--to",
        "marie",
        "--kind",
        "thank-you",
        "--format",
        "line",
        bad.to_str().expect("path"),
    ]);
    assert_eq!(out.status.code(), Some(1), "errors exit 1");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(":1:4: error:") && text.contains("[lint/wrong-name]"),
        "{text}"
    );
    assert!(text.contains("[lint/salary-before-offer]"), "{text}");
    let out = s.run(&[
        "--now",
        now,
        "lint",
        "--no-exit",
        "--app",
        "acme-analyst",
        "--to",
        "marie",
        bad.to_str().expect("path"),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let out = s.run(&[
        "lint",
        "--app",
        "acme-analyst",
        "--to",
        "nobody",
        bad.to_str().expect("path"),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let rules = s.ok(&["lint", "--list-rules"]);
    assert!(
        rules.contains("lint/panel-duplicate") && rules.contains("lint/dismissive"),
        "{rules}"
    );
}

#[test]
fn rescheduling_moves_the_interview_and_its_preparation() {
    let s = Debrief::new();
    s.ok(&["demo", "--now", "2026-11-22T09:00:00-06:00"]);
    let now = "2026-11-22T09:00:00-06:00";
    let reminder = |actions: &[Value]| -> Option<String> {
        actions
            .iter()
            .find(|a| a["rule"] == "interview-reminder" && a["application"] == "demo-hooli")
            .map(|a| a["due"].as_str().unwrap_or_default().to_string())
    };
    let before = reminder(&s.agenda(now)).expect("a reminder for the Hooli interview");
    let out = s.ok(&[
        "--now",
        now,
        "interview",
        "reschedule",
        "--app",
        "demo-hooli",
        "--interview",
        "onsite",
        "--at",
        "2026-12-03T10:30:00-06:00",
        "--minutes",
        "90",
    ]);
    assert!(out.contains("Rescheduled 'onsite'"), "{out}");
    let after = reminder(&s.agenda(now)).expect("still a reminder");
    assert_ne!(before, after);
    // Two hours before the new start (the demo store is in the system's zone).
    let instant = |t: &str| t.parse::<jiff::Timestamp>().expect("a time");
    assert_eq!(instant(&after), instant("2026-12-03T08:30:00-06:00"));
    let app = &s.export()["applications"]
        .as_array()
        .expect("applications")
        .iter()
        .find(|a| a["id"] == "demo-hooli")
        .cloned()
        .expect("hooli");
    let onsite = app["interviews"]
        .as_array()
        .expect("interviews")
        .iter()
        .find(|i| i["id"] == "onsite")
        .cloned()
        .expect("onsite");
    assert_eq!(onsite["minutes"], 90);

    // Unknown interview, bad time, nothing to change: exit 2, store as it was.
    let exported = s.export();
    for args in [
        &["--interview", "nope", "--at", "2026-12-04 10:00"][..],
        &["--interview", "onsite", "--at", "2026-13-04 10:00"][..],
        &["--interview", "onsite", "--minutes", "0"][..],
        &["--interview", "onsite"][..],
    ] {
        let mut all = vec!["interview", "reschedule", "--app", "demo-hooli"];
        all.extend_from_slice(args);
        let o = s.run(&all);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(!stderr(&o).is_empty());
    }
    assert_eq!(s.export(), exported);
}

#[test]
fn an_empty_agenda_suggests_adding_applications_only_when_there_are_none() {
    let s = Debrief::new();
    let empty = s.ok(&["--now", SAT_MORNING, "agenda"]);
    assert!(empty.contains("debrief app add"), "{empty}");
    s.ok(&["app", "add", "--company", "Acme", "--id", "acme"]);
    let quiet = s.ok(&["--now", SAT_MORNING, "agenda"]);
    assert!(quiet.contains("Nothing to do right now"), "{quiet}");
    assert!(!quiet.contains("debrief app add"), "{quiet}");
    assert!(!quiet.contains("debrief demo"), "{quiet}");
    let one = s.ok(&["--now", SAT_MORNING, "agenda", "--app", "acme"]);
    assert!(one.contains("Nothing to do right now"), "{one}");
}

#[test]
fn explain_shows_linter_rules_as_list_rules_does() {
    let s = Debrief::sqlite();
    let text = s.ok(&["explain", "lint/wrong-name"]);
    assert!(text.contains("lint/wrong-name"), "{text}");
    assert!(text.contains("error"), "{text}");
    assert!(
        text.contains("The greeting must name the recipient"),
        "{text}"
    );
    assert!(text.contains("seeds 002"), "{text}");
    let v = s.json(&["explain", "lint/excuse", "--json"]);
    let listed = s.json(&["lint", "--list-rules", "--json"]);
    let same = listed["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .find(|r| r["id"] == "lint/excuse")
        .expect("listed");
    assert_eq!(&v, same);
    // The user's rule pack beside the store counts, as for `lint`.
    std::fs::write(
        s.path("rules.toml"),
        "[[rule]]\nid = \"lint/excuse\"\nseverity = \"off\"\n",
    )
    .expect("write pack");
    let v = s.json(&["explain", "lint/excuse", "--json"]);
    assert_eq!(v["severity"], Value::Null, "off: {v}");
    let listed = s.json(&["lint", "--list-rules", "--json"]);
    let same = listed["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .find(|r| r["id"] == "lint/excuse")
        .expect("listed");
    assert_eq!(&v, same);
    let err = s.input_error(&["explain", "lint/wrong-nam"]);
    assert!(err.contains("did you mean 'lint/wrong-name'"), "{err}");
}

#[test]
fn a_namesake_gets_a_new_id_and_a_note_saying_so() {
    let s = Debrief::new();
    s.ok(&["app", "add", "--company", "Acme", "--role", "Analyst"]);
    let o = s.run(&["app", "add", "--company", "Acme", "--role", "Analyst"]);
    assert!(o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains("there is already Acme — Analyst (acme-analyst); added acme-analyst-2")
            && err.contains("debrief app set acme-analyst"),
        "{err}"
    );
    let add = [
        "person",
        "add",
        "--app",
        "acme-analyst",
        "--name",
        "Marie Dubois",
    ];
    let o = s.run(&add);
    assert!(
        stderr(&o).is_empty(),
        "the first is no namesake: {}",
        stderr(&o)
    );
    let o = s.run(&add);
    assert!(o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains("there is already Marie Dubois (marie); added marie-2")
            && err.contains("debrief person set --app acme-analyst --person marie"),
        "{err}"
    );
    // An id of one's own choosing is no surprise: no note.
    let o = s.run(&[
        "person",
        "add",
        "--app",
        "acme-analyst",
        "--name",
        "Marie Curie",
        "--person",
        "mc",
    ]);
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
}

#[test]
fn removing_an_address_that_is_not_there_is_refused_by_name() {
    let s = Debrief::imported();
    s.ok(&["profile", "--email", "sam@mail.example"]);
    let err = s.input_error(&["profile", "--remove-email", "sam@other.example"]);
    assert!(
        err.contains("'sam@other.example' is not one of your addresses")
            && err.contains("sam@mail.example"),
        "{err}"
    );
    assert_eq!(
        s.export()["profile"]["emails"],
        serde_json::json!(["sam@mail.example"])
    );
    s.ok(&["profile", "--remove-email", "SAM@mail.example"]);
    let emails = &s.export()["profile"]["emails"];
    assert!(
        emails.is_null() || *emails == serde_json::json!([]),
        "{emails}"
    );
}

#[test]
fn reading_a_store_that_is_not_there_creates_nothing() {
    let s = Debrief::new();
    let missing = s.path("typo/debriefs.db");
    let db = missing.to_str().expect("utf-8 path");
    for args in [
        &["agenda"][..],
        &["agenda", "--json"][..],
        &["export"][..],
        &["stats"][..],
        &["app", "list"][..],
        &["history"][..],
        &["undo"][..],
        &["remind"][..],
    ] {
        // Not the harness's store: this one must not exist.
        let out = Command::new(env!("CARGO_BIN_EXE_debrief"))
            .arg("--db")
            .arg(db)
            .args(["--now", "2026-12-02T09:00:00Z"])
            .args(args)
            .env("NO_COLOR", "1")
            .env_remove("DEBRIEF_DB")
            .env("XDG_DATA_HOME", s.path("data"))
            .env("XDG_CONFIG_HOME", s.path("config"))
            .stdin(Stdio::null())
            .output()
            .expect("run debrief");
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("no store at"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    assert!(
        !missing.exists() && !s.path("typo").exists(),
        "nothing created"
    );
    // Recording something does create it.
    let added = Command::new(env!("CARGO_BIN_EXE_debrief"))
        .args([
            "--db",
            db,
            "--now",
            "2026-12-02T09:00:00Z",
            "app",
            "add",
            "--company",
            "Acme",
            "--role",
            "Analyst",
        ])
        .stdin(Stdio::null())
        .output()
        .expect("run debrief");
    assert!(added.status.success(), "{}", stderr(&added));
    assert!(missing.exists());
}

/// A store where 30 applications each wait for two thank-you notes: the
/// human agenda shows a screenful per section, one block per application,
/// and says how to see the rest; `--all` and `--json` hold everything.
#[test]
fn the_human_agenda_shows_a_screenful() {
    let s = Debrief::new();
    let apps: Vec<serde_json::Value> = (0..30)
        .map(|i| {
            serde_json::json!({
                "id": format!("app-{i:02}"),
                "company": format!("Company {i:02}"),
                "role": "Analyst",
                "stage": "interviewing",
                "people": [
                    {"id": "ann", "name": format!("Ann Lee{i}"), "kind": "interviewer"},
                    {"id": "bo", "name": format!("Bo Chen{i}"), "kind": "interviewer"}
                ],
                "interviews": [{
                    "id": "panel",
                    // Ten panels on Wed 18 Nov, 09:00 to 18:00: every
                    // thank-you is overdue on the 20th, none has lapsed yet.
                    "start": format!("2026-11-18T{:02}:00:00-06:00", 9 + i % 10),
                    "minutes": 60,
                    "format": "video",
                    "status": "done",
                    "interviewers": ["ann", "bo"]
                }]
            })
        })
        .collect();
    let doc = serde_json::json!({
        "format": "debrief/1",
        "profile": {"name": "Sam", "timezone": "America/Chicago"},
        "applications": apps
    });
    let file = s.write("many.json", doc.to_string());
    s.ok(&["import", file.to_str().expect("path")]);
    let now = "2026-11-20T09:00:00-06:00";

    let actions = s.json(&["--now", now, "agenda", "--json"])["actions"]
        .as_array()
        .expect("actions")
        .clone();
    let overdue = actions.iter().filter(|a| a["state"] == "overdue").count();
    let notes = actions
        .iter()
        .filter(|a| a["state"] == "overdue" && a["rule"] == "thank-you-note")
        .count();
    assert_eq!(notes, 60, "two notes in each of 30 applications");
    let per_app = overdue / 30;
    assert!(
        overdue % 30 == 0 && per_app >= 2,
        "{overdue} overdue actions"
    );

    let text = s.ok(&["--now", now, "agenda"]);
    let more = format!(
        "+ {} more for this application (debrief agenda --app app-",
        per_app - 1
    );
    assert_eq!(text.matches(&more).count(), 20, "20 applications:\n{text}");
    assert!(
        text.contains(&format!(
            "… and {} more in 10 other applications — `debrief agenda --all`",
            10 * per_app
        )),
        "{text}"
    );
    // Most urgent first: what fell due most recently (the panels of 18:00,
    // then 17:00…); those of 09:00 are left out.
    let overdue_part = text.split("DUE NOW").next().unwrap_or_default();
    let first = overdue_part.find("Company 09").expect("Company 09 shown");
    assert!(first < overdue_part.find("Company 08").expect("Company 08 shown"));
    assert!(!overdue_part.contains("Company 00"), "{text}");

    let all = s.ok(&["--now", now, "agenda", "--all"]);
    assert_eq!(all.matches("[thank-you-note]").count(), 60, "{all}");
    assert!(all.contains("Company 00") && !all.contains("`debrief agenda --all`"));
}

/// Import reads a file whole or as a stream (standard input): both skip a
/// byte order mark, and a broken document streamed in names its line and
/// writes nothing.
#[test]
fn import_reads_a_byte_order_mark_and_streams_standard_input() {
    let s = Debrief::new();
    let fixture = std::fs::read(FIXTURE).expect("fixture");
    let with_bom = [b"\xEF\xBB\xBF".as_slice(), &fixture].concat();
    let file = s.write("bom.json", &with_bom);
    s.ok(&["import", file.to_str().expect("path")]);
    let out = s.run_with_stdin(&["import", "-"], &with_bom);
    assert!(out.status.success(), "{}", stderr(&out));
    let before = s.export();

    let text = String::from_utf8(fixture).expect("utf-8");
    let broken = text.replacen("\"company\"", "\"compny\"", 1);
    let out = s.run_with_stdin(&["import", "--replace", "--yes", "-"], broken.as_bytes());
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("compny"), "{}", stderr(&out));
    assert_eq!(s.export(), before, "nothing written");
}

/// `debrief` at a pinned moment (each step of the story has its own).
fn at(s: &Debrief, now: &str, args: &[&str]) -> std::process::Output {
    let mut all = vec!["--now", now];
    all.extend_from_slice(args);
    s.run(&all)
}

fn ok_at(s: &Debrief, now: &str, args: &[&str]) -> String {
    let out = at(s, now, args);
    assert!(
        out.status.success(),
        "debrief {args:?} at {now} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn chasing_stops_at_a_booked_round_and_at_a_rejection_and_missed_windows_are_counted() {
    let s = Debrief::new();
    let t0 = "2026-11-10T09:00:00-06:00";
    let app = "acme-corp-data-analyst";
    ok_at(
        &s,
        t0,
        &[
            "profile",
            "--name",
            "Sam Rivera",
            "--timezone",
            "America/Chicago",
            "--holidays",
            "US",
        ],
    );
    ok_at(
        &s,
        t0,
        &[
            "app",
            "add",
            "--company",
            "Acme Corp",
            "--role",
            "Data Analyst",
        ],
    );
    ok_at(
        &s,
        t0,
        &["person", "add", "--app", app, "--name", "Marie Dubois"],
    );
    ok_at(
        &s,
        t0,
        &["person", "add", "--app", app, "--name", "Raj Patel"],
    );
    // A phone screen moves the application to screening; the panel to interviewing.
    ok_at(
        &s,
        t0,
        &[
            "interview",
            "add",
            "--app",
            app,
            "--at",
            "2026-11-12 10:00",
            "--with",
            "raj",
            "--format",
            "phone",
        ],
    );
    let stage = |now: &str| -> String {
        let v: Value =
            serde_json::from_str(&ok_at(&s, now, &["app", "show", app, "--json"])).expect("json");
        v["application"]["stage"]
            .as_str()
            .or(v["stage"].as_str())
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(stage(t0), "screening");
    ok_at(
        &s,
        t0,
        &[
            "interview",
            "add",
            "--app",
            app,
            "--at",
            "2026-11-20 10:00",
            "--minutes",
            "90",
            "--with",
            "marie,raj",
            "--format",
            "in-person",
        ],
    );
    assert_eq!(stage(t0), "interviewing");
    ok_at(
        &s,
        "2026-11-20T14:00:00-06:00",
        &[
            "touch",
            "--app",
            app,
            "--person",
            "marie",
            "--kind",
            "thank-you",
        ],
    );

    // The check opened Mon 7 Dec; on 8 Dec a second round is booked.
    let t1 = "2026-12-08T09:30:00-06:00";
    ok_at(
        &s,
        t1,
        &[
            "interview",
            "add",
            "--app",
            app,
            "--at",
            "2026-12-15 10:00",
            "--with",
            "marie",
            "--format",
            "video",
        ],
    );
    let agenda: Value = serde_json::from_str(&ok_at(&s, t1, &["agenda", "--json"])).expect("json");
    let rules: Vec<&str> = agenda["actions"]
        .as_array()
        .expect("actions")
        .iter()
        .filter_map(|a| a["rule"].as_str())
        .collect();
    assert!(
        !rules.contains(&"status-check") && !rules.contains(&"move-on"),
        "{rules:?}"
    );
    let out = at(
        &s,
        t1,
        &[
            "touch",
            "--app",
            app,
            "--person",
            "marie",
            "--kind",
            "status-check",
            "--json",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["rule"], "follow-up-guard");
    assert_eq!(v["allowed_from"], Value::Null);
    assert!(
        v["why"]
            .as_str()
            .unwrap_or_default()
            .contains("booked for Tue 15 Dec"),
        "{v}"
    );

    // Rejected on Thu 17 Dec: refused, naming the event and its date.
    ok_at(
        &s,
        "2026-12-17T10:00:00-06:00",
        &["outcome", "--app", app, "--kind", "rejected"],
    );
    let out = at(
        &s,
        "2026-12-18T10:00:00-06:00",
        &[
            "touch",
            "--app",
            app,
            "--person",
            "marie",
            "--kind",
            "status-check",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("Acme Corp turned you down on Thu 17 Dec"),
        "{err}"
    );
    assert!(err.contains("stop-chasing"), "{err}");
    assert_eq!(stage("2026-12-18T10:00:00-06:00"), "rejected");

    // Nothing was reflected on: the first interview's reflection lapsed
    // (14 days after Thu 12 Nov), and so did the second's (Fri 4 Dec),
    // both before the rejection.
    let st: Value = serde_json::from_str(&ok_at(
        &s,
        "2027-01-20T10:00:00-06:00",
        &["stats", "--json"],
    ))
    .expect("json");
    let missed = st["missed"].as_array().expect("missed");
    let reflections: u64 = missed
        .iter()
        .map(|m| m["reflections"].as_u64().unwrap_or(0))
        .sum();
    let thank_yous: u64 = missed
        .iter()
        .map(|m| m["thank_yous"].as_u64().unwrap_or(0))
        .sum();
    assert_eq!(reflections, 2, "{missed:?}");
    // Raj was never thanked: for the phone screen (lapsed at the panel's
    // start) nor for the panel (Mon 30 Nov, before the rejection).
    assert_eq!(thank_yous, 2, "{missed:?}");
    assert_eq!(missed[0]["month"], "2026-11");
    let human = ok_at(&s, "2027-01-20T10:00:00-06:00", &["stats"]);
    assert!(human.contains("Missed windows"), "{human}");
}
