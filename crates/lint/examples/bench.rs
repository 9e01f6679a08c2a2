//! Notes linted per second, in process, over the labelled corpus.
//!
//! ```sh
//! cargo run --release -p debrief-lint --example bench            # speed
//! cargo run --release -p debrief-lint --example bench -- --flagged  # what each note triggers
//! ```
//!
//! Speed: every corpus note is linted with the store context it is labelled
//! for (application, recipient, kind, moment, panel), then again with no
//! context (what a plain prose linter sees). Each mode runs 7 batches of
//! whole passes over the corpus after a warm-up; the median and best batch
//! are reported, and a last `# lint …` line carries the numbers for scripts.
//!
//! `--flagged` prints one line per note, tab-separated: name, the rules it is
//! labelled with, the rules found with its context, the rules found without.
//!
//! `--real DIR` does the same for the real-notes corpus (`tests/real/`,
//! both splits), checked as `tests/real.rs` checks them (the note's kind, an
//! application at its company with one interview held), and writes each
//! note's text to `DIR/<id>.md` so the peers read the same words:
//! name, split, labelled rules, rules found, rules found as a warning or
//! an error.

use std::collections::BTreeSet;
use std::time::Instant;

use debrief_lint::{Context, lint};

#[path = "../tests/support/corpus.rs"]
mod support;

use support::Corpus;

const BATCHES: usize = 7;
/// Whole passes over the corpus per batch (`--passes N` changes it, e.g. 1
/// under valgrind, where instruction counts beat wall time on a busy machine).
const PASSES: usize = 40;

fn rules(found: Vec<debrief_lint::Diagnostic>) -> String {
    let set: BTreeSet<String> = found.into_iter().map(|d| d.rule).collect();
    set.into_iter().collect::<Vec<_>>().join(",")
}

/// Notes per second: (median, best) over the batches.
fn measure(notes: &[(&str, &Context)], passes: usize) -> (f64, f64, usize) {
    let mut findings = 0;
    for (text, ctx) in notes {
        findings += lint(text, ctx).len();
    }
    let mut rates = Vec::with_capacity(BATCHES);
    for _ in 0..BATCHES {
        let start = Instant::now();
        for _ in 0..passes {
            for (text, ctx) in notes {
                std::hint::black_box(lint(std::hint::black_box(text), ctx));
            }
        }
        let secs = start.elapsed().as_secs_f64();
        rates.push((passes * notes.len()) as f64 / secs);
    }
    rates.sort_by(f64::total_cmp);
    (rates[BATCHES / 2], rates[BATCHES - 1], findings)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let passes = match args.iter().position(|a| a == "--passes") {
        Some(i) => args.get(i + 1).ok_or("--passes N")?.parse()?,
        None => PASSES,
    };
    let corpus = Corpus::load()?;
    let plain = Context::default();
    let mut contexts = Vec::new();
    for case in &corpus.cases {
        contexts.push(corpus.context(case)?);
    }

    if let Some(i) = args.iter().position(|a| a == "--real") {
        let dir = args.get(i + 1).ok_or("--real DIR")?;
        return real(std::path::Path::new(dir));
    }
    if args.iter().any(|a| a == "--flagged") {
        for (case, ctx) in corpus.cases.iter().zip(&contexts) {
            println!(
                "{}\t{}\t{}\t{}",
                case.name,
                case.front.expect.join(","),
                rules(lint(&case.body, ctx)),
                rules(lint(&case.body, &plain)),
            );
        }
        return Ok(());
    }

    let with: Vec<(&str, &Context)> = corpus
        .cases
        .iter()
        .zip(&contexts)
        .map(|(c, ctx)| (c.body.as_str(), ctx))
        .collect();
    let without: Vec<(&str, &Context)> = corpus
        .cases
        .iter()
        .map(|c| (c.body.as_str(), &plain))
        .collect();
    let words: usize = corpus
        .cases
        .iter()
        .map(|c| c.body.split_whitespace().count())
        .sum();
    println!(
        "corpus: {} notes, {} words, {} bytes; {BATCHES} batches of {passes} passes per mode",
        corpus.cases.len(),
        words,
        corpus.cases.iter().map(|c| c.body.len()).sum::<usize>()
    );
    let (ctx_median, ctx_best, ctx_findings) = measure(&with, passes);
    println!(
        "with store context:  median {ctx_median:>9.0} notes/s ({:.1} µs/note), best {ctx_best:.0}; {ctx_findings} findings per pass",
        1e6 / ctx_median
    );
    let (plain_median, plain_best, plain_findings) = measure(&without, passes);
    println!(
        "without context:     median {plain_median:>9.0} notes/s ({:.1} µs/note), best {plain_best:.0}; {plain_findings} findings per pass",
        1e6 / plain_median
    );
    println!(
        "# lint context_notes_per_s={ctx_median:.0} plain_notes_per_s={plain_median:.0} notes={}",
        corpus.cases.len()
    );
    Ok(())
}

/// The real-notes corpus, flagged as `tests/real.rs` checks it.
fn real(dir: &std::path::Path) -> Result<(), Box<dyn std::error::Error>> {
    std::fs::create_dir_all(dir)?;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/real");
    for split in ["dev", "test"] {
        let text = std::fs::read_to_string(root.join(format!("{split}.jsonl")))?;
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let n: serde_json::Value = serde_json::from_str(line)?;
            let field = |k: &str| n.get(k).and_then(|v| v.as_str()).unwrap_or_default();
            let (id, body) = (field("id"), field("text"));
            let kind: debrief_lint::NoteKind = field("kind").parse()?;
            let company = n
                .get("company")
                .and_then(|v| v.as_str())
                .unwrap_or("Example Co");
            let app: debrief_core::model::Application =
                serde_json::from_value(serde_json::json!({
                    "id": "real", "company": company, "role": "Coordinator",
                    "stage": "interviewing", "recruiter": "inside", "people": [],
                    "interviews": [{ "id": "first", "start": "2026-11-20T10:00:00Z", "minutes": 60,
                                     "format": "video", "status": "done", "interviewers": [] }]
                }))?;
            let ctx = Context {
                app: Some(&app),
                ..Context::default()
            }
            .kind(kind);
            let expect: Vec<&str> = n
                .get("expect")
                .and_then(|v| v.as_array())
                .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
                .unwrap_or_default();
            let found = lint(body, &ctx);
            let loud: BTreeSet<&str> = found
                .iter()
                .filter(|d| d.severity >= debrief_lint::Severity::Warning)
                .map(|d| d.rule.as_str())
                .collect();
            let any: BTreeSet<&str> = found.iter().map(|d| d.rule.as_str()).collect();
            std::fs::write(dir.join(format!("{id}.md")), body)?;
            println!(
                "{id}\t{split}\t{}\t{}\t{}",
                expect.join(","),
                any.into_iter().collect::<Vec<_>>().join(","),
                loud.into_iter().collect::<Vec<_>>().join(",")
            );
        }
    }
    Ok(())
}
