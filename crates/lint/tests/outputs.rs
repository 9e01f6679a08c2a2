//! Snapshots of every output format, and hostile input that must never panic.

use debrief_core::model::Application;
use debrief_lint::output::{github, human, human_files, human_report, json, line, sarif};
use debrief_lint::{
    Context, MAX_PER_RULE, NoteKind, RulePack, lint, lint_report, panel, parse_note,
};
use proptest::prelude::*;

fn app() -> Application {
    serde_json::from_str(
        r#"{
        "id": "acme", "company": "Acme Corp", "role": "Data Analyst", "recruiter": "inside",
        "people": [
          { "id": "marie", "name": "Marie Dubois", "said": ["APAC expansion is next year's top priority"] },
          { "id": "raj", "name": "Rajesh Patel" }
        ],
        "interviews": [
          { "id": "panel", "start": "2026-11-20T10:00:00-06:00", "minutes": 90, "status": "done",
            "interviewers": ["marie", "raj"] }
        ]
    }"#,
    )
    .expect("app")
}

const NOTE: &str = "Dear Mary,\n\nI'm sorry I did so badly. What is the salary range? Please reply ASAP, as soon as possible.\n\nBest,\nSam";

fn diags() -> Vec<debrief_lint::Diagnostic> {
    let app = app();
    let now = "2026-11-23T10:00:00Z".parse().expect("now");
    let ctx = Context::for_person(&app, "marie")
        .kind(NoteKind::ThankYou)
        .at(now);
    let mut d = lint(NOTE, &ctx);
    for x in &mut d {
        x.path = "notes/marie.txt".into();
    }
    d
}

#[test]
fn human_output() {
    insta::assert_snapshot!(human(NOTE, &diags()));
}

#[test]
fn human_output_for_several_notes() {
    let other = "Hi Raj,\r\n\r\nPlease reply ASAP.\r\n";
    let mut d = diags();
    let mut more = lint(other, &Context::new());
    for x in &mut more {
        x.path = "notes/raj.txt".into();
    }
    d.extend(more);
    let files = vec![
        ("notes/marie.txt".to_string(), NOTE.to_string()),
        (
            "notes/clean.txt".to_string(),
            "Dear Raj,\n\nThank you.\n".to_string(),
        ),
        ("notes/raj.txt".to_string(), other.to_string()),
    ];
    let out = human_files(&files, &d);
    // The finding underlines the clause, "Please reply ASAP".
    assert!(out.contains(" --> notes/raj.txt:3:1\n"), "{out}");
    assert!(
        !out.contains("notes/clean.txt"),
        "clean notes print nothing"
    );
    assert!(out.ends_with(" in 3 notes\n"), "{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn line_output() {
    insta::assert_snapshot!(line(&diags()));
}

#[test]
fn json_output() {
    let out = json(&diags());
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    let first = &v["diagnostics"][0];
    for key in [
        "path",
        "rule",
        "severity",
        "line",
        "column",
        "end_line",
        "end_column",
        "message",
        "suggestion",
    ] {
        assert!(first.get(key).is_some(), "{key} missing");
    }
    insta::assert_snapshot!(out);
}

#[test]
fn sarif_output() {
    let out = sarif(&diags(), RulePack::builtin_ref());
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["version"], "2.1.0");
    assert_eq!(
        v["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .map(|r| r.len()),
        Some(19)
    );
    insta::assert_snapshot!(out);
}

#[test]
fn github_output() {
    insta::assert_snapshot!(github(&diags()));
}

#[test]
fn github_output_escapes_what_workflow_commands_reserve() {
    let d = debrief_lint::Diagnostic {
        path: "notes/a,b:c.txt".into(),
        rule: "my/x".into(),
        severity: debrief_lint::Severity::Info,
        line: 2,
        column: 3,
        end_line: 2,
        end_column: 4,
        message: "100% sure\r\nsecond line".into(),
        suggestion: None,
    };
    assert_eq!(
        github(&[d]),
        "::notice file=notes/a%2Cb%3Ac.txt,line=2,col=3,endLine=2,endColumn=4,title=my/x::100%25 sure%0D%0Asecond line\n"
    );
}

#[test]
fn wrong_name_points_at_the_name() {
    let d = diags();
    let w = d
        .iter()
        .find(|d| d.rule == "lint/wrong-name")
        .expect("wrong-name");
    assert_eq!((w.line, w.column, w.end_line, w.end_column), (1, 6, 1, 9));
    assert_eq!(w.suggestion.as_deref(), Some("Marie"));
}

#[test]
fn list_of_rules() {
    let rules = debrief_lint::rules();
    let table: String = rules
        .iter()
        .map(|r| {
            format!(
                "{} {} {} [{}]\n",
                r.id,
                r.severity.map(|s| s.as_str()).unwrap_or("off"),
                r.kind,
                r.source.join(",")
            )
        })
        .collect();
    insta::assert_snapshot!(table);
}

fn hostile_inputs() -> Vec<String> {
    let mut v = vec![
        String::new(),
        "\n\n\n".into(),
        "\r\n\r\n".into(),
        "Dear".into(),
        "Dear ,".into(),
        "Hi —".into(),
        "Best,".into(),
        "\u{FEFF}Dear Marie,\u{200B}\u{200B}".into(),
        "Dear \u{202E}eiraM\u{202C},\nشكرا لك على وقتك\n\nBest,\nSam".into(),
        "😀😀😀 Dear 😀,\n😀 salary 😀".into(),
        String::from_utf8_lossy(&[0xff, 0xfe, 0x00, 0x41, 0x80, 0x0a, 0xc3]).into_owned(),
        "\"unterminated quote salary".into(),
        "Dear Marie Marie Marie Marie Marie Marie Marie Marie,".into(),
        "a\u{0301}\u{0301}\u{0301} e\u{0301}".into(),
    ];
    // About 1 MB of text, one line and many lines.
    v.push("Thank you salary ASAP. ".repeat(45_000));
    v.push("word\n".repeat(200_000));
    v
}

#[test]
fn hostile_input_never_panics() {
    let app = app();
    let now = "2026-11-23T10:00:00Z".parse().expect("now");
    for text in hostile_inputs() {
        let _ = parse_note(&text);
        // The megabyte inputs once; the short ones under every kind.
        let kinds = if text.len() > 100_000 {
            &NoteKind::ALL[..1]
        } else {
            NoteKind::ALL
        };
        for kind in kinds {
            let ctx = Context::for_person(&app, "marie")
                .kind(*kind)
                .at(now)
                .with_panel(vec![("raj", NOTE)]);
            let d = lint(&text, &ctx);
            let _ = human(&text, &d);
            let _ = sarif(&d, RulePack::builtin_ref());
            let _ = github(&d);
            for x in &d {
                assert!(x.line >= 1 && x.column >= 1 && x.end_line >= x.line);
            }
        }
        let _ = lint(&text, &Context::default());
        let _ = panel(&[("a", text.as_str()), ("b", text.as_str()), ("c", NOTE)]);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    #[test]
    fn any_text_lints_without_panicking(text in "\\PC{0,300}", extra in proptest::collection::vec(any::<char>(), 0..50)) {
        let app = app();
        let text: String = text.chars().chain(extra).collect();
        let ctx = Context::for_person(&app, "marie").kind(NoteKind::ThankYou);
        for d in lint(&text, &ctx) {
            prop_assert!(d.line >= 1 && d.column >= 1);
            prop_assert!(d.end_line > d.line || d.end_column >= d.column);
        }
        let _ = panel(&[("a", text.as_str()), ("b", NOTE)]);
    }
}

#[test]
fn a_megabyte_on_one_line_shows_short_snippets_and_says_what_was_left_out() {
    let app = app();
    let ctx = Context::for_person(&app, "marie").kind(NoteKind::StatusCheck);
    let mut note = String::from("Dear Marie, ");
    while note.len() < 1_000_000 {
        note.push_str("What is the salary range? Reply ASAP. ");
    }
    let mentions = note.matches("salary").count();
    let report = lint_report(&note, &ctx);
    let salary = report
        .diagnostics
        .iter()
        .filter(|d| d.rule == "lint/salary-before-offer")
        .count();
    assert_eq!(salary, MAX_PER_RULE);
    let left: usize = report
        .left_out
        .iter()
        .filter(|l| l.rule == "lint/salary-before-offer")
        .map(|l| l.count)
        .sum();
    assert_eq!(
        salary + left,
        mentions,
        "every mention is either shown or counted"
    );
    let files = vec![("big.txt".to_string(), note.clone())];
    let mut diags = report.diagnostics.clone();
    let mut left_out = report.left_out.clone();
    diags.iter_mut().for_each(|d| d.path = "big.txt".into());
    left_out.iter_mut().for_each(|l| l.path = "big.txt".into());
    let out = human_report(&files, &diags, &left_out);
    assert!(out.len() < 30_000, "{} bytes of output", out.len());
    for l in out.lines() {
        assert!(
            l.chars().count() <= 140,
            "long line: {}…",
            &l[..200.min(l.len())]
        );
    }
    assert!(
        out.lines()
            .any(|l| l.starts_with("1 | …") && l.ends_with('…')),
        "a cut snippet is marked on both sides: {}",
        &out[..2000.min(out.len())]
    );
    let shown = diags.len();
    let errors = diags
        .iter()
        .filter(|d| d.severity == debrief_lint::Severity::Error)
        .count();
    assert!(
        out.contains(&format!(
            "{} more lint/salary-before-offer finding(s) in big.txt not shown",
            mentions - salary
        )),
        "{}",
        &out[out.len().saturating_sub(600)..]
    );
    let total_left: usize = left_out.iter().map(|l| l.count).sum();
    assert!(
        out.trim_end()
            .ends_with(&format!("shown; {total_left} more left out")),
        "{}",
        &out[out.len().saturating_sub(600)..]
    );
    assert!(out.contains(&format!("{errors} error(s)")), "{shown}");
    // The carets still sit under the words: the snippet of a finding in the
    // middle of the line shows them.
    let mid = diags
        .iter()
        .find(|d| d.rule == "lint/salary-before-offer" && d.column > 200)
        .expect("a finding far along the line");
    let block = out
        .split("\n\n")
        .find(|b| b.contains(&format!("big.txt:1:{}", mid.column)) && b.contains("salary-before"))
        .expect("its snippet");
    let lines: Vec<&str> = block.lines().collect();
    let text = lines[lines.len() - 2];
    let carets = lines[lines.len() - 1];
    let at = carets.find('^').expect("carets");
    let under: String = text[..]
        .chars()
        .skip(carets[..at].chars().count())
        .take(6)
        .collect();
    assert_eq!(under, "salary", "{text}\n{carets}");
}
