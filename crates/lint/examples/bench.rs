//! Notes linted per second, in process, over the corpus.
//! Run: `cargo run --release -p debrief-lint --example bench`

use std::time::Instant;

use debrief_core::model::Application;
use debrief_lint::{Context, NoteKind, lint};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let apps: Vec<Application> =
        serde_json::from_str(&std::fs::read_to_string(dir.join("apps.json"))?)?;
    let mut notes = Vec::new();
    for e in std::fs::read_dir(&dir)? {
        let p = e?.path();
        if p.extension().is_some_and(|x| x == "note") {
            let text = std::fs::read_to_string(&p)?;
            // Skip the front matter; lint every note against the first application.
            let body = text.splitn(3, "+++\n").nth(2).unwrap_or("").to_string();
            notes.push(body);
        }
    }
    let app = apps.first().ok_or("no app")?;
    let ctx = Context::for_person(app, "marie").kind(NoteKind::ThankYou);
    let rounds = 200;
    let start = Instant::now();
    let mut findings = 0;
    for _ in 0..rounds {
        for n in &notes {
            findings += lint(n, &ctx).len();
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let count = rounds * notes.len();
    println!(
        "{count} notes in {secs:.3} s: {:.0} notes/s, {:.1} µs/note ({findings} findings)",
        count as f64 / secs,
        secs * 1e6 / count as f64
    );
    Ok(())
}
