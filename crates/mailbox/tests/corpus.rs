//! The labelled corpus (`tests/corpus/`, made by `generate.py`: synthetic
//! messages from hand-written templates, see docs/mail.md): every message
//! carries its expected reading in an `X-Corpus-Label` header the scanner
//! never reads. Precision and recall per proposal kind must stay above the
//! floors below (the figures are in docs/mail.md).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use debrief_core::exchange;
use debrief_mailbox::{Proposed, ScanContext, parse_all, read_mbox, scan};
use jiff::Timestamp;

fn label(raw: &[u8]) -> String {
    let text = String::from_utf8_lossy(raw);
    text.lines()
        .find_map(|l| l.strip_prefix("X-Corpus-Label: "))
        .unwrap_or("skip")
        .trim()
        .to_string()
}

#[derive(Default, Debug)]
struct Counts {
    tp: usize,
    fp: usize,
    fn_: usize,
}

impl Counts {
    fn precision(&self) -> f64 {
        self.tp as f64 / (self.tp + self.fp).max(1) as f64
    }
    fn recall(&self) -> f64 {
        self.tp as f64 / (self.tp + self.fn_).max(1) as f64
    }
}

#[test]
fn corpus_precision_and_recall_per_kind() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let store = std::fs::read_to_string(dir.join("store.json")).expect("store.json");
    let data = exchange::parse(&store).expect("a valid store");
    let read = read_mbox(&dir.join("corpus.mbox"), None).expect("corpus.mbox");
    let labels: Vec<String> = read.messages.iter().map(|m| label(&m.bytes)).collect();
    let mail = parse_all(&read.messages);
    let ids: Vec<String> = mail
        .iter()
        .map(|(_, _, m)| {
            m.as_ref()
                .expect("every corpus message parses")
                .message_id
                .clone()
        })
        .collect();
    let expected: HashMap<&str, &str> = ids
        .iter()
        .map(String::as_str)
        .zip(labels.iter().map(String::as_str))
        .collect();
    let ctx = ScanContext {
        profile: data.profile.clone(),
        user_emails: data.profile.emails.clone(),
        now: "2026-12-01T18:00:00Z".parse::<Timestamp>().expect("now"),
        since: None,
        ignored: Default::default(),
    };
    let result = scan(mail, &data.applications, &ctx);

    // What each message was read as: "touch:KIND", "outcome:KIND", …
    let mut got: HashMap<&str, Vec<String>> = HashMap::new();
    for p in &result.proposals {
        let reading = match &p.proposed {
            Proposed::Touch { touch_kind, .. } => format!("touch:{touch_kind}"),
            Proposed::Outcome { outcome, .. } => format!("outcome:{outcome}"),
            other => other.kind().to_string(),
        };
        got.entry(p.message_id.as_str()).or_default().push(reading);
    }

    let kinds = ["touch", "reply", "outcome", "interview", "person"];
    let mut counts: BTreeMap<&str, Counts> =
        kinds.iter().map(|k| (*k, Counts::default())).collect();
    // Touch kinds and outcome kinds: right only when the sub-kind is right.
    let mut sub_right = 0;
    let mut sub_total = 0;
    let mut misses: Vec<String> = Vec::new();
    for (id, want) in &expected {
        let readings = got.get(id).cloned().unwrap_or_default();
        let want_kind = want.split(':').next().unwrap_or("skip");
        for kind in kinds {
            let c = counts.get_mut(kind).expect("kind");
            let has = readings.iter().any(|r| r.split(':').next() == Some(kind));
            match (want_kind == kind, has) {
                (true, true) => c.tp += 1,
                (true, false) => {
                    c.fn_ += 1;
                    misses.push(format!("missed {want}: {id} read as {readings:?}"));
                }
                (false, true) => {
                    c.fp += 1;
                    misses.push(format!(
                        "extra {kind}: {id} labelled {want}, read as {readings:?}"
                    ));
                }
                (false, false) => {}
            }
        }
        if want.contains(':') {
            sub_total += 1;
            if readings.iter().any(|r| r == want) {
                sub_right += 1;
            } else {
                misses.push(format!(
                    "wrong sub-kind: {id} labelled {want}, read as {readings:?}"
                ));
            }
        }
    }
    misses.sort();
    for m in misses.iter().take(40) {
        eprintln!("{m}");
    }
    eprintln!("| kind | messages | precision | recall |");
    eprintln!("|---|---|---|---|");
    for (kind, c) in &counts {
        eprintln!(
            "| {kind} | {} | {:.3} | {:.3} |",
            c.tp + c.fn_,
            c.precision(),
            c.recall()
        );
    }
    let sub = sub_right as f64 / sub_total.max(1) as f64;
    eprintln!("touch and outcome kinds right: {sub_right}/{sub_total} ({sub:.3})");
    eprintln!("skipped: {}", result.skipped);

    for (kind, c) in &counts {
        assert!(c.tp + c.fn_ >= 150, "{kind}: the corpus needs 150 messages");
        assert!(
            c.precision() >= 0.95,
            "{kind}: precision {:.3} below 0.95",
            c.precision()
        );
        assert!(
            c.recall() >= 0.90,
            "{kind}: recall {:.3} below 0.90",
            c.recall()
        );
    }
    assert!(sub >= 0.90, "touch and outcome kinds: {sub:.3} below 0.90");
}

/// Phrasings written after the first phrase lists and used to generalise
/// them into patterns (so not a fair estimate: see `held_out_phrasings`).
#[test]
fn dev_phrasings() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let text = std::fs::read_to_string(dir.join("dev.tsv")).expect("dev.tsv");
    let share = accuracy(&text, "dev");
    assert!(share >= 0.9, "dev accuracy {share:.3} fell below 0.9");
}

const HELD_OUT_FLOOR: f64 = 0.55;

/// The share of `label<TAB>sentence` lines read as labelled: outcomes
/// (`none` for no outcome) by `understand::outcome`, touch kinds by
/// `understand::touch_kind`.
fn accuracy(text: &str, name: &str) -> f64 {
    use debrief_mailbox::understand;
    let (mut right, mut total) = (0, 0);
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let (want, sentence) = line.split_once('\t').expect("label<TAB>text");
        let got = match want {
            "rejected" | "offer" | "withdrawn" | "none" => {
                understand::outcome(sentence).map_or("none".to_string(), |(k, _)| k.to_string())
            }
            _ => understand::touch_kind("", sentence).to_string(),
        };
        total += 1;
        if got == want {
            right += 1;
        } else {
            eprintln!("{name}: {want} read as {got}: {sentence}");
        }
    }
    let share = f64::from(right) / f64::from(total);
    eprintln!("{name}: {right}/{total} ({share:.3})");
    share
}

/// Written after the rules were last changed and never used to change
/// them: the honest estimate of how new phrasings are read (the figure is
/// in docs/mail.md; the floor sits under it).
#[test]
fn held_out_phrasings() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let text = std::fs::read_to_string(dir.join("test.tsv")).expect("test.tsv");
    let share = accuracy(&text, "held out");
    assert!(
        share >= HELD_OUT_FLOOR,
        "held-out accuracy {share:.3} fell below {HELD_OUT_FLOOR}"
    );
}

/// A second held-out set, written before the clause-level reading was
/// added and never used to change it (`test.tsv` served as the dev set of
/// that change). Reported in docs/mail.md; the floor sits under it.
#[test]
fn second_held_out_phrasings() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let text = std::fs::read_to_string(dir.join("test2.tsv")).expect("test2.tsv");
    let share = accuracy(&text, "held out 2");
    assert!(
        share >= 0.85,
        "second held-out accuracy {share:.3} fell below 0.85"
    );
}
