//! The real-notes corpus (`tests/real/`): notes people send or are advised
//! to send, paraphrased from public pages (sources in `SOURCES.md`) and
//! labelled by hand before the rules were tuned. `dev.jsonl` may be read
//! while writing rules; `test.jsonl` is only scored. This test prints
//! precision and recall per rule on both splits and fails when a rule on
//! the test split falls below its floor in `tests/real/floors.toml`, or the
//! overall goals slip below theirs.
//!
//! Each line of a split is one note: `id`, `kind` (a note kind), `source`
//! (the page it was paraphrased from), optionally `company` (the
//! application's company), `expect` (the rules that should fire; empty for
//! a clean note) and `text`. Notes are checked against an application at
//! that company with one interview held, no offer and an inside recruiter:
//! the usual moment a note is written.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use debrief_core::model::Application;
use debrief_lint::{Context, NoteKind, Severity, lint};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RealNote {
    id: String,
    kind: String,
    source: String,
    company: Option<String>,
    expect: Vec<String>,
    text: String,
}

fn load(split: &str) -> Vec<RealNote> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/real")
        .join(format!("{split}.jsonl"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l).unwrap_or_else(|e| panic!("{}:{}: {e}", path.display(), i + 1))
        })
        .collect()
}

fn app_for(company: Option<&str>) -> Application {
    let v = serde_json::json!({
        "id": "real",
        "company": company.unwrap_or("Example Co"),
        "role": "Coordinator",
        "stage": "interviewing",
        "recruiter": "inside",
        "people": [],
        "interviews": [{
            "id": "first",
            "start": "2026-11-20T10:00:00Z",
            "minutes": 60,
            "format": "video",
            "status": "done",
            "interviewers": []
        }]
    });
    serde_json::from_value(v).unwrap_or_else(|e| panic!("app: {e}"))
}

/// Per rule: (true positives, false positives, false negatives).
type Scores = BTreeMap<String, (u32, u32, u32)>;

struct Run {
    scores: Scores,
    /// Clean notes (nothing expected) that drew a warning or an error.
    clean_flagged: u32,
    clean: u32,
    /// Per rule: clean notes on which it reported a warning or an error.
    clean_by_rule: BTreeMap<String, u32>,
    mistakes: Vec<String>,
}

fn run(split: &str) -> Run {
    let notes = load(split);
    let all: Vec<String> = debrief_lint::rules().into_iter().map(|r| r.id).collect();
    let mut scores: Scores = BTreeMap::new();
    let mut mistakes = Vec::new();
    let (mut clean, mut clean_flagged) = (0, 0);
    let mut clean_by_rule: BTreeMap<String, u32> = BTreeMap::new();
    let mut seen = BTreeSet::new();
    for n in &notes {
        assert!(seen.insert(n.id.clone()), "{split}: id {} twice", n.id);
        assert!(
            n.source.starts_with("http"),
            "{}: source must be an address",
            n.id
        );
        let kind: NoteKind = n.kind.parse().unwrap_or_else(|e| panic!("{}: {e}", n.id));
        let app = app_for(n.company.as_deref());
        let ctx = Context {
            app: Some(&app),
            ..Context::default()
        }
        .kind(kind);
        let found = lint(&n.text, &ctx);
        let got: BTreeSet<String> = found.iter().map(|d| d.rule.clone()).collect();
        let want: BTreeSet<String> = n.expect.iter().cloned().collect();
        for r in &want {
            assert!(all.contains(r), "{}: unknown rule {r}", n.id);
        }
        if want.is_empty() {
            clean += 1;
            if found.iter().any(|d| d.severity >= Severity::Warning) {
                clean_flagged += 1;
            }
            let loud: BTreeSet<&str> = found
                .iter()
                .filter(|d| d.severity >= Severity::Warning)
                .map(|d| d.rule.as_str())
                .collect();
            for r in loud {
                *clean_by_rule.entry(r.to_string()).or_default() += 1;
            }
        }
        for r in got.union(&want) {
            let s = scores.entry(r.clone()).or_default();
            match (got.contains(r), want.contains(r)) {
                (true, true) => s.0 += 1,
                (true, false) => {
                    s.1 += 1;
                    mistakes.push(format!("{}: unexpected {r}", n.id));
                }
                (false, true) => {
                    s.2 += 1;
                    mistakes.push(format!("{}: missed {r}", n.id));
                }
                _ => {}
            }
        }
    }
    Run {
        scores,
        clean_flagged,
        clean,
        clean_by_rule,
        mistakes,
    }
}

fn ratio(a: u32, b: u32) -> f64 {
    if b == 0 {
        1.0
    } else {
        f64::from(a) / f64::from(b)
    }
}

fn table(split: &str, r: &Run) -> String {
    let mut s = format!(
        "{split} split\n| rule | labelled | found | precision | recall | clean notes warned |\n|---|---:|---:|---:|---:|---:|\n"
    );
    let (mut tp, mut fnn) = (0, 0);
    for (rule, &(t, f, n)) in &r.scores {
        tp += t;
        fnn += n;
        s.push_str(&format!(
            "| `{rule}` | {} | {} | {:.0}% | {:.0}% | {} of {} |\n",
            t + n,
            t + f,
            ratio(t, t + f) * 100.0,
            ratio(t, t + n) * 100.0,
            r.clean_by_rule.get(rule).copied().unwrap_or(0),
            r.clean
        ));
    }
    s.push_str(&format!(
        "\nall labelled problems: {tp} of {} found ({:.0}% recall); clean notes with a warning or error: {} of {}\n",
        tp + fnn,
        ratio(tp, tp + fnn) * 100.0,
        r.clean_flagged,
        r.clean
    ));
    s
}

#[derive(Deserialize)]
struct Floor {
    precision: f64,
    recall: f64,
    /// Most clean notes of the test split this rule may warn on (none when left out).
    #[serde(default)]
    clean: u32,
}

#[derive(Deserialize)]
struct Floors {
    /// Recall over all labelled problems of the test split.
    recall: f64,
    /// Most clean notes of the test split that may draw a warning or error.
    clean_flagged: u32,
    rules: BTreeMap<String, Floor>,
}

#[test]
fn real_notes_stay_above_the_floors() {
    let dev = run("dev");
    let test = run("test");
    println!("{}", table("dev", &dev));
    println!("{}", table("test", &test));
    // The dev split's misses are for reading; the test split is only scored.
    for m in &dev.mistakes {
        println!("dev: {m}");
    }
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/real/floors.toml");
    let floors: Floors = toml::from_str(&std::fs::read_to_string(&path).unwrap_or_default())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut failures = Vec::new();
    for (rule, f) in &floors.rules {
        let &(t, fp, n) = test.scores.get(rule).unwrap_or(&(0, 0, 0));
        let (p, r) = (ratio(t, t + fp), ratio(t, t + n));
        if p + 1e-9 < f.precision || r + 1e-9 < f.recall {
            failures.push(format!(
                "{rule}: precision {p:.2} (floor {}), recall {r:.2} (floor {})",
                f.precision, f.recall
            ));
        }
        let warned = test.clean_by_rule.get(rule).copied().unwrap_or(0);
        if warned > f.clean {
            failures.push(format!(
                "{rule}: warns on {warned} clean notes (at most {})",
                f.clean
            ));
        }
    }
    let (tp, fnn) = test
        .scores
        .values()
        .fold((0, 0), |(a, b), &(t, _, n)| (a + t, b + n));
    let recall = ratio(tp, tp + fnn);
    if recall + 1e-9 < floors.recall {
        failures.push(format!(
            "overall recall {recall:.2} (floor {})",
            floors.recall
        ));
    }
    if test.clean_flagged > floors.clean_flagged {
        failures.push(format!(
            "{} clean notes flagged (at most {})",
            test.clean_flagged, floors.clean_flagged
        ));
    }
    assert!(
        failures.is_empty(),
        "below the floors:\n{}",
        failures.join("\n")
    );
}

#[test]
fn the_corpus_is_large_and_labelled() {
    let (dev, test) = (load("dev"), load("test"));
    assert!(dev.len() + test.len() >= 200);
    assert!(dev.len() >= 80 && test.len() >= 80);
    for n in dev.iter().chain(&test) {
        // Templates keep their blanks, and say so.
        let blank = n.text.contains('[') || n.text.contains("{{") || n.text.contains('<');
        if blank {
            assert!(n.expect.iter().any(|r| r == "lint/placeholder"), "{}", n.id);
        }
    }
}
