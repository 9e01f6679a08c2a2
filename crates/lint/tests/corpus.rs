//! Runs the linter over the labelled corpus (`tests/corpus/*.note`), prints
//! precision and recall per rule, and fails when either falls below the
//! floors checked in at `tests/corpus/floors.toml`. The note format is
//! described in `tests/support/corpus.rs`.

use std::collections::{BTreeMap, BTreeSet};

use debrief_lint::lint;
use serde::Deserialize;

#[path = "support/corpus.rs"]
mod support;

use support::{Case, Corpus, dir};

#[derive(Deserialize)]
struct Floor {
    precision: f64,
    recall: f64,
}

fn load() -> Corpus {
    Corpus::load().unwrap_or_else(|e| panic!("{e}"))
}

fn run_case(case: &Case, corpus: &Corpus) -> BTreeSet<String> {
    let ctx = corpus.context(case).unwrap_or_else(|e| panic!("{e}"));
    lint(&case.body, &ctx).into_iter().map(|d| d.rule).collect()
}

#[test]
fn corpus_precision_and_recall_stay_above_the_floors() {
    let corpus = load();
    let cases = &corpus.cases;
    assert!(cases.len() >= 60, "corpus has {} notes", cases.len());
    let all_rules: Vec<String> = debrief_lint::rules().into_iter().map(|r| r.id).collect();
    // rule -> (true positives, false positives, false negatives, positives in corpus)
    let mut stats: BTreeMap<String, (u32, u32, u32, u32)> = all_rules
        .iter()
        .map(|r| (r.clone(), (0, 0, 0, 0)))
        .collect();
    let mut mistakes = Vec::new();
    for case in cases {
        let got = run_case(case, &corpus);
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
    let corpus = load();
    for r in debrief_lint::rules() {
        let negatives = corpus
            .cases
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
