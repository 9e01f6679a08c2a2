//! Time zones named differently in two places, zones nobody defines, a
//! file that contradicts itself about one invite, and a calendar that is
//! not UTF-8: fixtures in `tests/invites/`.

mod common;

use common::invite;
use debrief_ics::{EventTime, ParseOptions, ParsedCalendar, parse_invites_with};
use jiff::tz::TimeZone;

fn parse(text: &[u8], profile_zone: &str) -> ParsedCalendar {
    parse_invites_with(
        text,
        &ParseOptions {
            floating_zone: TimeZone::get(profile_zone).expect("zone"),
        },
    )
    .expect("a calendar")
}

fn at(s: &str) -> EventTime {
    EventTime::Instant(s.parse().expect("timestamp"))
}

#[test]
fn an_exchange_tzid_matches_its_vtimezone_whatever_the_escaping() {
    // TZID:Pacific Time (US & Canada)\, Tijuana, referred to as
    // TZID="Pacific Time (US & Canada), Tijuana": 10:00 in December is
    // 18:00 UTC (UTC-8), not 10:00 UTC.
    let p = parse(invite("exchange-tijuana.ics").as_bytes(), "UTC");
    assert!(p.warnings.is_empty(), "{:#?}", p.warnings);
    let ev = &p.events[0];
    assert_eq!(ev.start, at("2026-12-08T18:00:00Z"));
    assert_eq!(ev.end, at("2026-12-08T19:00:00Z"));
}

#[test]
fn an_unknown_zone_uses_the_files_vtimezone_then_the_profiles_never_utc() {
    // The one VTIMEZONE (London-like rules; July is UTC+1).
    let p = parse(invite("unknown-zone.ics").as_bytes(), "America/Chicago");
    assert_eq!(p.events.len(), 2);
    for ev in &p.events {
        let want = if ev.uid == "screen-1@hooli.example" {
            at("2026-07-15T13:00:00Z")
        } else {
            at("2026-07-15T15:00:00Z")
        };
        assert_eq!(ev.start, want, "{}", ev.uid);
    }
    assert!(
        p.warnings
            .iter()
            .any(|w| w.contains("'Customized Time Zone 1' is not defined")
                && w.contains("VTIMEZONE 'Customized Time Zone'")),
        "{:#?}",
        p.warnings
    );
    // No VTIMEZONE at all: the profile's zone, said.
    let bare = invite("unknown-zone.ics");
    let start = bare.find("BEGIN:VTIMEZONE").expect("vtimezone");
    let end = bare.find("END:VTIMEZONE").expect("end") + "END:VTIMEZONE\n".len();
    let bare = format!("{}{}", &bare[..start], &bare[end..]);
    let p = parse(bare.as_bytes(), "America/Chicago");
    // 14:00 in Chicago in July is 19:00 UTC.
    assert_eq!(p.events[0].start, at("2026-07-15T19:00:00Z"));
    assert!(
        p.warnings
            .iter()
            .any(|w| w.contains("read as America/Chicago local time")),
        "{:#?}",
        p.warnings
    );
}

#[test]
fn one_uid_and_sequence_with_two_times_is_a_warning_naming_both_lines() {
    let p = parse(invite("duplicate-uid-sequence.ics").as_bytes(), "UTC");
    assert_eq!(p.events.len(), 1, "the contradicting copy is dropped");
    let ev = &p.events[0];
    assert_eq!(ev.start, at("2026-12-10T15:00:00Z"));
    assert_eq!(ev.end, at("2026-12-10T16:00:00Z"));
    assert!(
        p.warnings.iter().any(|w| w.starts_with("line 13:")
            && w.contains("the one on line 4")
            && w.contains("panel-2026-12@globex.example")),
        "{:#?}",
        p.warnings
    );
    // Exact copies are no contradiction.
    let text = invite("duplicate-uid-sequence.ics").replace("20291210", "20261210");
    let p = parse(text.as_bytes(), "UTC");
    assert!(p.warnings.is_empty(), "{:#?}", p.warnings);
}

#[test]
fn no_event_ever_ends_before_it_starts() {
    for (name, bytes) in common::own_invites() {
        let p = parse(&bytes, "America/Chicago");
        for ev in &p.events {
            let ends_before = match (ev.start, ev.end) {
                (EventTime::Instant(s), EventTime::Instant(e)) => e < s,
                (EventTime::Date(s), EventTime::Date(e)) => e < s,
                _ => false,
            };
            assert!(!ends_before, "{name}: {}", ev.uid);
        }
    }
}

#[test]
fn a_calendar_in_windows_1252_is_read_in_it_and_said_once() {
    let text = invite("exchange-tijuana.ics")
        .replace("Lena Ortiz", "Léna Ortíz")
        .replace("Freidrich Lane", "Friedrichstraße");
    let bytes = latin1(&text);
    let p = parse(&bytes, "UTC");
    let ev = &p.events[0];
    assert_eq!(ev.summary, "Initech - Interview with Léna Ortíz");
    assert!(
        ev.location
            .as_deref()
            .unwrap_or("")
            .contains("Friedrichstraße")
    );
    let notes: Vec<&String> = p
        .warnings
        .iter()
        .filter(|w| w.contains("not UTF-8"))
        .collect();
    assert_eq!(notes.len(), 1, "{:#?}", p.warnings);
    assert!(notes[0].contains("windows-1252"), "{notes:?}");
}

/// `text` in Windows-1252 (Latin-1 range only, enough for the test).
fn latin1(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| u8::try_from(u32::from(c)).expect("Latin-1"))
        .collect()
}
