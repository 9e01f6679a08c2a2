//! The fuzz harness: property tests over mutated real files — the exchange
//! fixture, the calendar invites (ours and the shared real-world ones) and
//! a tracker's CSV — fed to the real parsers in process (many cases), and
//! to the real `debrief` binary's imports on a real store (fewer cases).
//! Nothing may panic, and an import that fails must leave the store file
//! byte for byte as it was.
//!
//! `DEBRIEF_FUZZ_CASES` sets the number of cases (default: a brief run for
//! every `cargo test`; `.ci/run` runs a longer one).

mod common;

use std::path::PathBuf;

use common::{Debrief, FIXTURE, stderr};
use debrief_core::model::Application;
use proptest::prelude::*;
use proptest::sample::Index;

const NOW: &str = "2026-11-23T09:00:00-06:00";

fn cases(default: u32) -> u32 {
    std::env::var("DEBRIEF_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn config(default: u32) -> ProptestConfig {
    ProptestConfig {
        cases: cases(default),
        // The binary's cases are slow; shrinking them is not worth it.
        max_shrink_iters: 64,
        ..ProptestConfig::default()
    }
}

/// Pieces that matter to one of the formats, to splice in.
const TOKENS: &[&[u8]] = &[
    b"\0",
    b"\xEF\xBB\xBF",
    b"\xFF\xFE",
    b"\xE9",
    b"\xC3",
    b"\\u0000",
    b"\\u001b",
    b"\"",
    b"{",
    b"}]",
    b",",
    b"\r\n ",
    b"\n",
    b"BEGIN:VEVENT\r\n",
    b"END:VEVENT\r\n",
    b"BEGIN:VTIMEZONE\r\n",
    b"TZID=\"a\\, b\":",
    b"DTSTART:99991231T235959Z\r\n",
    b"DTEND:19000101T000000Z\r\n",
    b"SEQUENCE:4294967296\r\n",
    b"UID:x\r\n",
    b"\"people\":[]",
    b"\"2026-02-30\"",
    b"9999999999999999999999",
    b"\"\x01\"",
];

#[derive(Debug, Clone)]
enum Edit {
    Flip(Index, u8),
    Delete(Index, usize),
    Insert(Index, usize),
    Repeat(Index, usize),
    Truncate(Index),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<Index>(), any::<u8>()).prop_map(|(i, b)| Edit::Flip(i, b)),
        (any::<Index>(), 1usize..64).prop_map(|(i, n)| Edit::Delete(i, n)),
        (any::<Index>(), 0..TOKENS.len()).prop_map(|(i, t)| Edit::Insert(i, t)),
        (any::<Index>(), 1usize..200).prop_map(|(i, n)| Edit::Repeat(i, n)),
        any::<Index>().prop_map(Edit::Truncate),
    ]
}

fn mutate(base: &[u8], edits: &[Edit]) -> Vec<u8> {
    let mut b = base.to_vec();
    for e in edits {
        let at = |i: &Index, len: usize| if len == 0 { 0 } else { i.index(len) };
        match e {
            Edit::Flip(i, x) if !b.is_empty() => {
                let k = at(i, b.len());
                b[k] = *x;
            }
            Edit::Flip(..) => {}
            Edit::Delete(i, n) => {
                let k = at(i, b.len());
                let end = (k + n).min(b.len());
                b.drain(k..end);
            }
            Edit::Insert(i, t) => {
                let k = at(i, b.len() + 1);
                b.splice(k..k, TOKENS[*t].iter().copied());
            }
            Edit::Repeat(i, n) => {
                let k = at(i, b.len());
                let end = (k + n).min(b.len());
                let copy = b[k..end].to_vec();
                b.splice(end..end, copy);
            }
            Edit::Truncate(i) => {
                let k = at(i, b.len() + 1);
                b.truncate(k);
            }
        }
    }
    b
}

fn read(path: impl Into<PathBuf>) -> Vec<u8> {
    let path = path.into();
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn json_base() -> Vec<u8> {
    read(FIXTURE)
}

fn csv_base() -> Vec<u8> {
    read(format!(
        "{}/../trackers/tests/fixtures/huntr-jobs.csv",
        env!("CARGO_MANIFEST_DIR")
    ))
}

/// Our own invites, and the shared real-world ones when they are there.
fn ics_bases() -> Vec<Vec<u8>> {
    let mut dirs = vec![PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ics/tests/invites")];
    let shared = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/ics");
    if shared.is_dir() {
        dirs.push(shared);
    } else {
        eprintln!("!!! the shared .ics fixtures were not found: fuzzing our own invites only");
    }
    let mut files: Vec<PathBuf> = dirs
        .iter()
        .flat_map(|d| std::fs::read_dir(d).expect("fixtures dir"))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "ics"))
        .collect();
    files.sort();
    files.into_iter().map(read).collect()
}

fn applications() -> Vec<Application> {
    debrief_core::exchange::parse(&String::from_utf8(json_base()).expect("utf-8"))
        .expect("fixture")
        .applications
}

// ------------------------------------------------------- in process

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn the_exchange_parsers_never_panic(edits in proptest::collection::vec(edit(), 1..8)) {
        let bytes = mutate(&json_base(), &edits);
        let whole = debrief_core::exchange::parse(&String::from_utf8_lossy(&bytes));
        let mut pieces = 0usize;
        let streamed = debrief_core::exchange::parse_each_slice(&bytes, |_| {
            pieces += 1;
            Ok::<(), ()>(())
        });
        // Read as a stream (an application at a time as a slice of the
        // stream's buffer): the same pieces, or the same error.
        let mut stream_pieces = 0usize;
        let from_stream = debrief_core::exchange::parse_each(&bytes[..], |_| {
            stream_pieces += 1;
            Ok::<(), ()>(())
        });
        let error = |r: &Result<(), debrief_core::exchange::EachError<()>>| match r {
            Err(debrief_core::exchange::EachError::Exchange(e)) => {
                Some((e.path.clone(), e.message.clone()))
            }
            _ => None,
        };
        prop_assert_eq!(error(&from_stream), error(&streamed));
        prop_assert_eq!(stream_pieces, pieces);
        // Whatever one reader accepts, the other does (valid UTF-8 only:
        // the lossy copy above is not the same document otherwise).
        if std::str::from_utf8(&bytes).is_ok() {
            prop_assert_eq!(whole.is_ok(), streamed.is_ok());
        }
        if let Ok(d) = whole {
            prop_assert!(debrief_core::exchange::validate(&d).is_ok());
        }
    }

    #[test]
    fn the_calendar_reader_and_import_never_panic(
        which in any::<Index>(),
        edits in proptest::collection::vec(edit(), 1..8),
    ) {
        let bases = ics_bases();
        let bytes = mutate(&bases[which.index(bases.len())], &edits);
        let tz = jiff::tz::TimeZone::get("America/Chicago").expect("zone");
        if let Ok(parsed) = debrief_ics::read_invites(&bytes, &tz) {
            for ev in &parsed.events {
                if let (debrief_ics::EventTime::Instant(s), debrief_ics::EventTime::Instant(e)) = (ev.start, ev.end) {
                    prop_assert!(e >= s, "an event ends before it starts: {:?}", ev);
                }
            }
            let settings = debrief_ics::ImportSettings {
                zone: tz,
                user_emails: vec!["sam.rivera@mail.example".into()],
                user_name: Some("Sam Rivera".into()),
                target: None,
            };
            if let Ok(result) = debrief_ics::import_parsed(parsed, &applications(), &settings) {
                for app in &result.changed {
                    prop_assert!(debrief_core::exchange::validate_application(app, "app").is_ok());
                }
            }
        }
    }

    #[test]
    fn the_csv_reader_never_panics(edits in proptest::collection::vec(edit(), 1..8)) {
        let bytes = mutate(&csv_base(), &edits);
        if let Ok((text, _)) = debrief_trackers::decode(&bytes) {
            prop_assert!(!text.contains('\0'));
            let mapping = debrief_trackers::Mapping::new(debrief_trackers::Source::Huntr);
            let jobs: Vec<debrief_trackers::StoredJob> =
                applications().iter().map(debrief_trackers::StoredJob::from).collect();
            if let Ok(mut plan) = debrief_trackers::plan(&text, &mapping, &jobs, &mut |_| {}) {
                plan.keep_valid();
                for p in &plan.create {
                    prop_assert!(debrief_core::exchange::validate_application(&p.application, "app").is_ok());
                }
            }
        }
    }
}

// ------------------------------------------- the binary on a real store

/// A store with the fixture imported, as its file's bytes (made once).
fn pristine() -> Vec<u8> {
    static STORE: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    STORE
        .get_or_init(|| read(Debrief::sqlite_imported().now(NOW).db()))
        .clone()
}

/// Runs `args` (with the mutated file as the last argument) on a copy of
/// the pristine store: no panic, and a failure — an exit code in `failed`
/// (`import-csv`'s exit 1 says valid rows were imported and others left
/// behind, so it is no failure there) — changes nothing.
fn import_leaves_a_failure_unchanged(
    store: &[u8],
    args: &[&str],
    file: &[u8],
    ext: &str,
    failed: &[i32],
) -> Result<(), TestCaseError> {
    let d = Debrief::sqlite().now(NOW);
    std::fs::write(d.db(), store).expect("copy the store");
    let input = d.write(&format!("input.{ext}"), file);
    let mut all = args.to_vec();
    all.push(input.to_str().expect("path"));
    let out = d.run(&all);
    let code = out.status.code();
    prop_assert!(
        matches!(code, Some(0..=2)),
        "debrief {:?} exited {:?} (a panic is 101):\n{}",
        args,
        code,
        stderr(&out)
    );
    if code.is_some_and(|c| failed.contains(&c)) {
        prop_assert!(
            read(d.db()) == store,
            "a failed import changed the store file"
        );
        let wal = d.db().with_extension("db-wal");
        prop_assert!(
            std::fs::metadata(&wal).map_or(true, |m| m.len() == 0),
            "a failed import left a write-ahead log behind"
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(12))]

    #[test]
    fn a_failed_json_import_leaves_the_store_byte_for_byte(edits in proptest::collection::vec(edit(), 1..6)) {
        let store = pristine();
        let file = mutate(&json_base(), &edits);
        import_leaves_a_failure_unchanged(&store, &["import", "--replace"], &file, "json", &[1, 2])?;
    }

    #[test]
    fn a_failed_calendar_import_leaves_the_store_byte_for_byte(
        which in any::<Index>(),
        edits in proptest::collection::vec(edit(), 1..6),
    ) {
        let store = pristine();
        let bases = ics_bases();
        let file = mutate(&bases[which.index(bases.len())], &edits);
        import_leaves_a_failure_unchanged(&store, &["ics", "import"], &file, "ics", &[1, 2])?;
    }

    #[test]
    fn a_failed_csv_import_leaves_the_store_byte_for_byte(edits in proptest::collection::vec(edit(), 1..6)) {
        let store = pristine();
        let file = mutate(&csv_base(), &edits);
        import_leaves_a_failure_unchanged(&store, &["import-csv", "--from", "huntr"], &file, "csv", &[2])?;
    }
}
