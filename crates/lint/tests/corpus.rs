//! Runs the linter over the labelled corpus (`tests/corpus/*.note`), prints
//! precision and recall per rule, and fails when either falls below the
//! floors checked in at `tests/corpus/floors.toml`.
//!
//! A note file starts with TOML front matter between `+++` lines: the
//! application (`app`, an id in `apps.json`), the recipient (`to`), the note
//! `kind`, the moment of sending (`now`), optionally another panel member's
//! note (`panel = { person, note }`), and the rules it should trigger (`expect`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use debrief_core::model::Application;
use debrief_lint::{Context, NoteKind, lint};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Front {
    app: Option<String>,
    to: Option<String>,
    kind: Option<String>,
    now: Option<String>,
    panel: Option<PanelRef>,
    expect: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PanelRef {
    person: String,
    note: String,
}

#[derive(Deserialize)]
struct Floor {
    precision: f64,
    recall: f64,
}

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

fn split(text: &str) -> (&str, &str) {
    let rest = text
        .strip_prefix("+++\n")
        .expect("front matter starts with +++");
    let end = rest.find("\n+++\n").expect("front matter ends with +++");
    (&rest[..end], &rest[end + 5..])
}

pub struct Case {
    pub name: String,
    front: Front,
    body: String,
}

fn load() -> (Vec<Case>, Vec<Application>) {
    let apps: Vec<Application> =
        serde_json::from_str(&std::fs::read_to_string(dir().join("apps.json")).expect("apps.json"))
            .expect("apps.json is a list of applications");
    let mut cases = Vec::new();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir())
        .expect("corpus dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "note"))
        .collect();
    paths.sort();
    for p in paths {
        let text = std::fs::read_to_string(&p).expect("note is UTF-8");
        let (front, body) = split(&text);
        let front: Front = toml::from_str(front).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        cases.push(Case {
            name: p.file_stem().expect("stem").to_string_lossy().into_owned(),
            front,
            body: body.to_string(),
        });
    }
    (cases, apps)
}

fn run_case(case: &Case, cases: &[Case], apps: &[Application]) -> BTreeSet<String> {
    let f = &case.front;
    let app = f.app.as_ref().map(|id| {
        apps.iter()
            .find(|a| &a.id == id)
            .unwrap_or_else(|| panic!("{}: no app {id}", case.name))
    });
    let mut ctx = match (app, &f.to) {
        (Some(a), Some(to)) => Context::for_person(a, to),
        (Some(a), None) => Context {
            app: Some(a),
            ..Context::default()
        },
        _ => Context::default(),
    };
    if let Some(k) = &f.kind {
        ctx = ctx.kind(k.parse::<NoteKind>().expect("kind"));
    }
    if let Some(n) = &f.now {
        let m: debrief_core::model::Moment = n.parse().expect("now");
        ctx = ctx.at(m.ts);
    }
    if let Some(p) = &f.panel {
        let other = cases
            .iter()
            .find(|c| c.name == p.note)
            .unwrap_or_else(|| panic!("{}: no note {}", case.name, p.note));
        ctx = ctx.with_panel(vec![(p.person.as_str(), other.body.as_str())]);
    }
    lint(&case.body, &ctx).into_iter().map(|d| d.rule).collect()
}

#[test]
fn corpus_precision_and_recall_stay_above_the_floors() {
    let (cases, apps) = load();
    assert!(cases.len() >= 60, "corpus has {} notes", cases.len());
    let all_rules: Vec<String> = debrief_lint::rules().into_iter().map(|r| r.id).collect();
    // rule -> (true positives, false positives, false negatives, positives in corpus)
    let mut stats: BTreeMap<String, (u32, u32, u32, u32)> = all_rules
        .iter()
        .map(|r| (r.clone(), (0, 0, 0, 0)))
        .collect();
    let mut mistakes = Vec::new();
    for case in &cases {
        let got = run_case(case, &cases, &apps);
        let want: BTreeSet<String> = case.front.expect.iter().cloned().collect();
        for r in &want {
            assert!(all_rules.contains(r), "{}: unknown rule {r}", case.name);
        }
        for r in &all_rules {
            let s = stats.entry(r.clone()).or_default();
            let (g, w) = (got.contains(r), want.contains(r));
            if w {
                s.3 += 1;
            }
            match (g, w) {
                (true, true) => s.0 += 1,
                (true, false) => {
                    s.1 += 1;
                    mistakes.push(format!("{}: unexpected {r}", case.name));
                }
                (false, true) => {
                    s.2 += 1;
                    mistakes.push(format!("{}: missed {r}", case.name));
                }
                _ => {}
            }
        }
    }
    let floors: BTreeMap<String, Floor> =
        toml::from_str(&std::fs::read_to_string(dir().join("floors.toml")).expect("floors.toml"))
            .expect("floors.toml parses");
    println!("corpus: {} notes", cases.len());
    println!(
        "{:<28} {:>4} {:>4} {:>4} {:>4} {:>9} {:>7}",
        "rule", "pos", "tp", "fp", "fn", "precision", "recall"
    );
    let mut failures = Vec::new();
    for (rule, (tp, fp, fneg, pos)) in &stats {
        let precision = if tp + fp == 0 {
            1.0
        } else {
            f64::from(*tp) / f64::from(tp + fp)
        };
        let recall = if tp + fneg == 0 {
            1.0
        } else {
            f64::from(*tp) / f64::from(tp + fneg)
        };
        println!("{rule:<28} {pos:>4} {tp:>4} {fp:>4} {fneg:>4} {precision:>9.2} {recall:>7.2}");
        assert!(*pos > 0, "{rule} has no positive example in the corpus");
        let floor = floors
            .get(rule)
            .unwrap_or_else(|| panic!("floors.toml has no entry for {rule}"));
        if precision + 1e-9 < floor.precision || recall + 1e-9 < floor.recall {
            failures.push(format!(
                "{rule}: precision {precision:.2} (floor {}), recall {recall:.2} (floor {})",
                floor.precision, floor.recall
            ));
        }
    }
    for m in &mistakes {
        println!("  {m}");
    }
    assert!(
        failures.is_empty(),
        "below the floors:\n{}",
        failures.join("\n")
    );
}

#[test]
fn every_rule_has_a_negative_example() {
    let (cases, _) = load();
    for r in debrief_lint::rules() {
        let negatives = cases
            .iter()
            .filter(|c| !c.front.expect.contains(&r.id))
            .filter(|c| match r.id.as_str() {
                // A negative only counts where the rule could have run.
                "lint/dismissive" => {
                    c.front.kind.as_deref() == Some("recovery") || c.name.contains("dismissive")
                }
                "lint/other-candidate" | "lint/feedback-by-email" => {
                    c.front.kind.as_deref() == Some("feedback-request")
                }
                _ => true,
            })
            .count();
        assert!(negatives > 0, "{} has no negative example", r.id);
    }
}
