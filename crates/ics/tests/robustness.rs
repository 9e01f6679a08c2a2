//! No input may panic: random bytes, mutated real files, and soups of
//! calendar-ish lines go through the parser, the planner and the writer.

mod common;

use std::sync::OnceLock;

use debrief_core::model::Application;
use debrief_ics::{
    ExportInterview, ExportItem, ExportOptions, ImportContext, ImportSettings, ParseOptions,
    export_calendar, import_invites, interview_from_invite, parse_invites_with, plan_invites,
};
use jiff::tz::TimeZone;
use proptest::prelude::*;

/// Real fixtures when present, plus our own invites (always present).
fn corpus() -> &'static [(String, Vec<u8>)] {
    static CORPUS: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let mut all = common::fixtures();
        all.extend(common::own_invites());
        all
    })
}

/// Runs everything downstream of parsing too: a panic anywhere fails.
fn exercise(bytes: &[u8]) {
    let options = ParseOptions {
        floating_zone: TimeZone::get("America/Chicago").unwrap_or(TimeZone::UTC),
    };
    let Ok(parsed) = parse_invites_with(bytes, &options) else {
        return;
    };
    assert!(parsed.warnings.len() <= 201);
    let _ = serde_json::to_string(&parsed).expect("serializes");
    let app = Application::new("a", "Acme", "Analyst");
    let ctx = ImportContext::default();
    let plans = plan_invites(&parsed.events, &app, &ctx);
    let mut app = app;
    for (ev, plan) in parsed.events.iter().zip(&plans) {
        let _ = interview_from_invite(ev, None, &ctx);
        plan.apply_to(&mut app);
    }
    let items: Vec<ExportItem> = app
        .interviews
        .iter()
        .map(|iv| ExportItem::Interview(ExportInterview::new(&app, iv)))
        .collect();
    let out = export_calendar(&items, &ExportOptions::new(jiff::Timestamp::UNIX_EPOCH));
    let again = debrief_ics::parse_invites(&out).expect("our output is a calendar");
    assert_eq!(again.events.len(), items.len());

    // The whole import, choosing applications or told one; whatever it
    // writes is valid, and importing the same file again changes nothing.
    let settings = ImportSettings {
        zone: options.floating_zone.clone(),
        user_emails: vec!["sam@mail.example".to_string()],
        user_name: Some("Sam Rivera".to_string()),
        target: None,
    };
    let store = [Application::new("acme", "Acme", "Analyst")];
    for target in [None, Some("acme".to_string())] {
        let settings = ImportSettings {
            target,
            ..settings.clone()
        };
        let first = import_invites(&parsed.events, &store, vec![], &settings);
        assert_eq!(first.events.len(), parsed.events.len());
        let mut after: Vec<Application> = store.to_vec();
        for app in &first.changed {
            debrief_core::exchange::validate_application(app, "app").expect("valid");
            match after.iter_mut().find(|a| a.id == app.id) {
                Some(slot) => *slot = app.clone(),
                None => after.push(app.clone()),
            }
        }
        let second = import_invites(&parsed.events, &after, vec![], &settings);
        assert!(
            second.changed.is_empty(),
            "a second import changed {:?}",
            second.events.iter().map(|e| e.action).collect::<Vec<_>>()
        );
    }
}

#[derive(Debug, Clone)]
enum Mutation {
    Flip(usize, u8),
    Insert(usize, Vec<u8>),
    Delete(usize, usize),
    Truncate(usize),
    Duplicate(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let token = prop_oneof![
        Just(b"\r\n".to_vec()),
        Just(b"\n ".to_vec()),
        Just(b"BEGIN:VEVENT\r\n".to_vec()),
        Just(b"END:VEVENT\r\n".to_vec()),
        Just(b"END:VCALENDAR\r\n".to_vec()),
        Just(b";TZID=\"".to_vec()),
        Just(b"^".to_vec()),
        Just(b"\\".to_vec()),
        Just(b"\xC3".to_vec()),
        Just(b"\xEF\xBB\xBF".to_vec()),
        proptest::collection::vec(any::<u8>(), 1..8),
    ];
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Flip(i, b)),
        (any::<usize>(), token).prop_map(|(i, t)| Mutation::Insert(i, t)),
        (any::<usize>(), 1usize..40).prop_map(|(i, n)| Mutation::Delete(i, n)),
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), 1usize..200).prop_map(|(i, n)| Mutation::Duplicate(i, n)),
    ]
}

fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    if bytes.is_empty() {
        return;
    }
    let at = |i: usize| i % bytes.len();
    match m {
        Mutation::Flip(i, b) => {
            let i = at(*i);
            bytes[i] = *b;
        }
        Mutation::Insert(i, t) => {
            let i = at(*i);
            bytes.splice(i..i, t.iter().copied());
        }
        Mutation::Delete(i, n) => {
            let i = at(*i);
            let end = (i + n).min(bytes.len());
            bytes.drain(i..end);
        }
        Mutation::Truncate(i) => {
            let i = at(*i);
            bytes.truncate(i);
        }
        Mutation::Duplicate(i, n) => {
            let i = at(*i);
            let end = (i + n).min(bytes.len());
            let copy = bytes[i..end].to_vec();
            bytes.splice(end..end, copy);
        }
    }
}

/// Lines a calendar is made of, valid and not, to shuffle into soups.
const LINES: &[&str] = &[
    "BEGIN:VCALENDAR",
    "END:VCALENDAR",
    "BEGIN:VEVENT",
    "END:VEVENT",
    "BEGIN:VTIMEZONE",
    "END:VTIMEZONE",
    "BEGIN:STANDARD",
    "END:STANDARD",
    "BEGIN:DAYLIGHT",
    "END:DAYLIGHT",
    "BEGIN:VALARM",
    "END:VALARM",
    "TZID:Custom Zone",
    "TZOFFSETTO:+0100",
    "TZOFFSETFROM:-0330",
    "TZOFFSETTO:+9999",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "RRULE:FREQ=YEARLY;BYMONTH=13;BYDAY=9XX",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=1SÜ",
    "ORGANIZER:mailtöö:x@y",
    "DTSTART:16010101T020000",
    "METHOD:CANCEL",
    "METHOD:REQUEST",
    "UID:same",
    "SEQUENCE:4294967295",
    "SEQUENCE:-1",
    "STATUS:CANCELLED",
    "DTSTART:20261203T100000Z",
    "DTSTART;TZID=Custom Zone:20260329T023000",
    "DTSTART;TZID=\"W. Europe Standard Time\":20261025T023000",
    "DTSTART;VALUE=DATE:99991231",
    "DTSTART:99991231T235959Z",
    "DTSTART:-0010101T000000",
    "DTEND:00010101T000000Z",
    "DURATION:P99999999W",
    "DURATION:-PT1S",
    "DURATION:PT",
    "ORGANIZER;CN=\"a, b\":mailto:a@b",
    "ATTENDEE;CN=^n^'^^;ROLE=NON-PARTICIPANT:MAILTO:x@y",
    "ATTENDEE;CUTYPE=ROOM:r@y",
    "ATTENDEE:mailto:",
    "LOCATION:https://zoom.us/j/1",
    "LOCATION:+1 555 0100 000",
    "DESCRIPTION:tel:+1\\n\\,\\;\\\\",
    "X-MICROSOFT-SKYPETEAMSMEETINGURL:https://teams.microsoft.com/l/x",
    " folded continuation",
    "\tfolded with tab",
    "garbage",
    ";;;:::",
    "A;B=\"unterminated:value",
    "",
];

/// Properties whose values the reader interprets (so random text reaches
/// every value parser), plus structure.
const NAMES: &[&str] = &[
    "DTSTART",
    "DTEND",
    "DURATION",
    "DTSTAMP",
    "ORGANIZER",
    "ATTENDEE",
    "LOCATION",
    "DESCRIPTION",
    "SUMMARY",
    "URL",
    "UID",
    "SEQUENCE",
    "STATUS",
    "TZID",
    "TZOFFSETTO",
    "RRULE",
    "X-MICROSOFT-SKYPETEAMSMEETINGURL",
    "X-GOOGLE-CONFERENCE",
    "BEGIN",
    "END",
];

fn random_calendar(
    fields: &[(usize, String, String)],
    zone_fields: &[(usize, String, String)],
) -> String {
    let line = |(n, param, value): &(usize, String, String)| {
        let name = NAMES[*n % NAMES.len()];
        if param.is_empty() {
            format!("{name}:{value}")
        } else {
            format!("{name};{param}:{value}")
        }
    };
    let mut text =
        String::from("BEGIN:VCALENDAR\r\nBEGIN:VTIMEZONE\r\nTZID:Z\r\nBEGIN:STANDARD\r\n");
    for f in zone_fields {
        text.push_str(&line(f));
        text.push_str("\r\n");
    }
    text.push_str(
        "END:STANDARD\r\nEND:VTIMEZONE\r\nBEGIN:VEVENT\r\nDTSTART;TZID=Z:20261203T100000\r\n",
    );
    for f in fields {
        text.push_str(&line(f));
        text.push_str("\r\n");
    }
    text.push_str("END:VEVENT\r\nEND:VCALENDAR\r\n");
    text
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn random_text_in_real_properties_never_panics(
        fields in proptest::collection::vec((any::<usize>(), "(TZID=|CN=|VALUE=|CUTYPE=|ROLE=)?\\PC{0,10}", "\\PC{0,30}"), 0..24),
        zone_fields in proptest::collection::vec((any::<usize>(), "\\PC{0,6}", "[-+0-9A-Z;=:TÜ€]{0,30}"), 0..6),
    ) {
        exercise(random_calendar(&fields, &zone_fields).as_bytes());
    }

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        exercise(&bytes);
    }

    #[test]
    fn mutated_files_never_panic(
        pick in any::<usize>(),
        mutations in proptest::collection::vec(mutation(), 1..12),
    ) {
        let corpus = corpus();
        let (_, original) = &corpus[pick % corpus.len()];
        let mut bytes = original.clone();
        for m in &mutations {
            apply(&mut bytes, m);
        }
        exercise(&bytes);
    }

    #[test]
    fn line_soups_never_panic(
        picks in proptest::collection::vec(0..LINES.len(), 0..80),
        crlf in any::<bool>(),
    ) {
        let sep = if crlf { "\r\n" } else { "\n" };
        let text: Vec<&str> = picks.iter().map(|&i| LINES[i]).collect();
        exercise(text.join(sep).as_bytes());
    }
}

#[test]
fn every_corpus_file_survives_truncation_at_every_line() {
    for (name, bytes) in corpus() {
        for (i, _) in bytes.iter().enumerate().filter(|(_, b)| **b == b'\n') {
            exercise(&bytes[..i]);
        }
        exercise(bytes);
        eprintln!("ok: {name}");
    }
}

#[test]
fn pathological_sizes() {
    exercise(&b"BEGIN:VCALENDAR\n".repeat(50_000));
    exercise(&b"BEGIN:X\n".repeat(50_000));
    exercise(&b"END:VEVENT\n".repeat(50_000));
    let mut long = b"BEGIN:VEVENT\nDTSTART:20261203T100000Z\nSUMMARY:".to_vec();
    long.extend(std::iter::repeat_n(b'\xC3', 100_000));
    exercise(&long);
    exercise(&b" \n".repeat(10_000));
    exercise(&[b'^'; 10_000]);
}

/// Byte offsets that fall inside a multi-byte character once panicked here.
#[test]
fn slicing_never_splits_a_character() {
    exercise(
        "BEGIN:VEVENT\nDTSTART:20261203T100000Z\nORGANIZER:mailtöö:x@y\nATTENDEE:ma€\nEND:VEVENT\n"
            .as_bytes(),
    );
    let tz = "BEGIN:VCALENDAR\nBEGIN:VTIMEZONE\nTZID:Z\nBEGIN:STANDARD\nTZOFFSETTO:+0100\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=1SÜ\nEND:STANDARD\nBEGIN:DAYLIGHT\nTZOFFSETTO:+0200\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=€\nEND:DAYLIGHT\nEND:VTIMEZONE\nBEGIN:VEVENT\nDTSTART;TZID=Z:20261203T100000\nEND:VEVENT\nEND:VCALENDAR\n";
    exercise(tz.as_bytes());
}

/// Found by `mutated_files_never_panic` (2026-12-02): a NUL byte put into
/// one corpus file made a second import of the same file change the store.
#[test]
fn a_nul_byte_found_by_the_fuzzer_imports_once() {
    let corpus = corpus();
    let (name, original) = &corpus[6310338302778100605usize % corpus.len()];
    let mut bytes = original.clone();
    apply(&mut bytes, &Mutation::Flip(14713581116458813373, 0));
    assert_eq!(name, "libical__libical__classify.ics");
    // `Mailto\0C@example.com`: an attendee address with a NUL in it.
    exercise(&bytes);
}

/// Found by `line_soups_never_panic` (2026-12-02): a cancellation (the
/// higher SEQUENCE) written before the invitation it cancels, in one file.
/// Imported in the file's order the invitation won, and a second import
/// of the same file then cancelled it.
#[test]
fn a_cancellation_written_before_its_invitation_still_wins() {
    let text = "BEGIN:VEVENT\nUID:same\nSEQUENCE:4294967295\nSTATUS:CANCELLED\nDTSTART:20261203T100000Z\nBEGIN:VEVENT\nDTSTART:16010101T020000\nUID:same\n";
    exercise(text.as_bytes());
}
