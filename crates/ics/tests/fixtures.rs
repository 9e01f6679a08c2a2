//! Every real-world calendar in /work/shared/fixtures/ics: what we expect
//! to read from each, and that none of them makes us panic.

mod common;

use debrief_core::model::InterviewFormat;
use debrief_ics::{
    EventStatus, EventTime, ImportContext, ParseOptions, ParsedCalendar, PlanAction, parse_invites,
    parse_invites_with, plan_invites,
};

fn parse(bytes: &[u8]) -> ParsedCalendar {
    parse_invites_with(bytes, &ParseOptions::default()).expect("readable as a calendar")
}

fn at(s: &str) -> EventTime {
    EventTime::Instant(s.parse().expect("timestamp"))
}

fn day(s: &str) -> EventTime {
    EventTime::Date(s.parse().expect("date"))
}

/// What one fixture must give: event count, summaries and, for each
/// expected warning, a piece of its text (warnings must match one-to-one
/// unless `more_warnings`).
struct Expect {
    file: &'static str,
    summaries: &'static [&'static str],
    warnings: &'static [&'static str],
    more_warnings: bool,
}

const EXPECT: &[Expect] = &[
    Expect {
        file: "collective__icalendar__alarm_google_future.ics",
        summaries: &["event with alarms"],
        warnings: &[],
        more_warnings: false,
    },
    Expect {
        file: "collective__icalendar__alarm_outlook_in_future.ics",
        summaries: &[
            "test123",
            "test123 - edited event!!!!",
            "outlook event with alarm",
        ],
        warnings: &[],
        more_warnings: false,
    },
    Expect {
        file: "collective__icalendar__bom_calendar.ics",
        summaries: &[],
        warnings: &[],
        more_warnings: false,
    },
    Expect {
        file: "collective__icalendar__broken_ical.ics",
        summaries: &["An Event with too many semicolons"],
        warnings: &["line 4: empty parameter in DTSTART ignored"],
        more_warnings: false,
    },
    Expect {
        file: "collective__icalendar__event_with_unicode_organizer.ics",
        summaries: &[],
        warnings: &["line 1: VEVENT has no DTSTART; skipped"],
        more_warnings: false,
    },
    Expect {
        file: "collective__icalendar__issue_101_icalendar_chokes_on_umlauts_in_organizer.ics",
        summaries: &["wichtiger termin 1"],
        warnings: &[],
        more_warnings: false,
    },
    Expect {
        file: "collective__icalendar__issue_104_broken_calendar.ics",
        summaries: &["Broken Eevnt"],
        warnings: &[
            "line 4: VEVENT 'Broken Eevnt' has no UID",
            "line 13: skipped 'X'",
        ],
        more_warnings: false,
    },
    Expect {
        file: "collective__icalendar__issue_165_missing_event.ics",
        summaries: &["Sprint 25 Daily Standup"],
        warnings: &["line 20: VEVENT 'Sprint 25 Daily Standup' has no UID"],
        more_warnings: false,
    },
    Expect {
        file: "collective__icalendar__issue_237_fail_to_parse_timezone_with_non_ascii_tzid.ics",
        summaries: &[""],
        warnings: &["line 19: VEVENT has no UID"],
        more_warnings: false,
    },
    Expect {
        file: "collective__icalendar__issue_350.ics",
        summaries: &["Termin 4353 und\"so\""],
        warnings: &["'X-COMMENT' outside any component; ignored"],
        more_warnings: false,
    },
    Expect {
        file: "collective__icalendar__property_params.ics",
        summaries: &["Test meeting from BB"],
        warnings: &[],
        more_warnings: false,
    },
    Expect {
        file: "collective__icalendar__rfc_6868.ics",
        summaries: &[],
        warnings: &["line 3: VEVENT has no DTSTART; skipped"],
        more_warnings: false,
    },
    Expect {
        file: "collective__icalendar__timezone_same_start.ics",
        summaries: &["Test 4"],
        warnings: &[],
        more_warnings: false,
    },
    Expect {
        file: "collective__icalendar__x_location.ics",
        summaries: &["Daily Sync"],
        warnings: &[],
        more_warnings: false,
    },
    Expect {
        file: "hoodie__icalendar-rs__bad_wrapping.ics",
        summaries: &["UTF-8 multi-octet sequence test"],
        warnings: &[],
        more_warnings: false,
    },
    Expect {
        file: "hoodie__icalendar-rs__nonstandard.ics",
        summaries: &[
            "This is a really long summary to test the method of unfolding lines, so I'm just going to make it a whole bunch of lines.",
        ],
        warnings: &[
            "line 4: the event ends before it starts",
            "line 20: time zone 'US-Mountain' is not a known name; read as US/Mountain",
        ],
        more_warnings: false,
    },
    Expect {
        file: "hoodie__icalendar-rs__single_event_bad_organizer.ics",
        summaries: &[
            "This is a really long summary to test the method of unfolding lines, so I'm just going to make it a whole bunch of lines. With a twist: a \"ö\" takes up multiple bytes, and should be wrapped to the next line.",
        ],
        warnings: &["line 8: time zone 'US-Mountain' is not a known name"],
        more_warnings: false,
    },
    Expect {
        file: "libical__libical__classify.ics",
        summaries: &["Conference", "Conference in the park"],
        warnings: &[],
        more_warnings: false,
    },
    Expect {
        file: "libical__libical__issue252.ics",
        summaries: &[""],
        warnings: &[
            "line 5: skipped '\\u{1a}METHOD;a=:b': not a content line",
            "line 8: skipped 'TZIDzb'",
            "line 9: skipped 'BEGIN:STANDAR@': bad component name",
            "line 24: END:DAYLIGHD has no matching BEGIN",
            "line 75: BEGIN:VTMDO has no END:VTMDO",
        ],
        more_warnings: true,
    },
    Expect {
        file: "libical__libical__restriction.ics",
        summaries: &["Annual Employee Review"],
        warnings: &[
            "line 23: VEVENT has no DTSTART; skipped",
            "line 25: second RECURRENCE-ID in this VEVENT ignored",
            "line 27: second SEQUENCE in this VEVENT ignored",
            "line 41: VEVENT has no DTSTART; skipped",
        ],
        more_warnings: false,
    },
];

#[test]
fn every_fixture_is_read_as_expected() {
    let files = common::fixtures();
    if files.is_empty() {
        return;
    }
    for (name, bytes) in &files {
        let expect = EXPECT
            .iter()
            .find(|e| e.file == name)
            .unwrap_or_else(|| panic!("{name}: new fixture — add what it should give to EXPECT"));
        let parsed = parse(bytes);
        let summaries: Vec<&str> = parsed.events.iter().map(|e| e.summary.as_str()).collect();
        assert_eq!(summaries, expect.summaries, "{name}: events");
        for w in expect.warnings {
            assert!(
                parsed.warnings.iter().any(|m| m.contains(w)),
                "{name}: no warning containing {w:?} in {:#?}",
                parsed.warnings
            );
        }
        if !expect.more_warnings {
            assert_eq!(
                parsed.warnings.len(),
                expect.warnings.len(),
                "{name}: warnings {:#?}",
                parsed.warnings
            );
        }
        assert!(
            parsed.warnings.iter().all(|w| w.starts_with("line ")),
            "{name}: every warning names its line: {:#?}",
            parsed.warnings
        );
    }
    assert_eq!(
        files.len(),
        EXPECT.len(),
        "a fixture listed in EXPECT is missing"
    );
}

fn fixture(name: &str) -> Option<ParsedCalendar> {
    let dir = common::fixtures_dir()?;
    let bytes = std::fs::read(dir.join(name)).expect("fixture is readable");
    Some(parse(&bytes))
}

/// The fixture's text with a DTSTART added, so an event that lacks one can
/// still show how its people are read. The change is made in memory.
fn fixture_with_start(name: &str) -> Option<ParsedCalendar> {
    let dir = common::fixtures_dir()?;
    let text = std::fs::read_to_string(dir.join(name)).expect("fixture is UTF-8");
    let patched = text.replacen(
        "BEGIN:VEVENT",
        "BEGIN:VEVENT\r\nDTSTART:20261203T100000Z",
        1,
    );
    Some(parse_invites(&patched).expect("calendar"))
}

#[test]
fn times_in_every_zone_style() {
    let Some(google) = fixture("collective__icalendar__alarm_google_future.ics") else {
        return;
    };
    assert_eq!(google.events[0].start, at("2024-10-04T18:15:00Z"));
    assert_eq!(google.events[0].end, at("2024-10-04T19:00:00Z"));

    // Windows name "GMT Standard Time" in British summer time.
    let outlook = fixture("collective__icalendar__alarm_outlook_in_future.ics").expect("present");
    assert_eq!(outlook.events[0].start, day("2024-07-01"));
    assert_eq!(outlook.events[0].end, day("2024-07-08"));
    assert_eq!(outlook.events[2].start, at("2024-10-04T17:30:00Z"));
    assert_eq!(outlook.events[2].zone.as_deref(), Some("Europe/London"));
    assert_eq!(
        outlook
            .events
            .iter()
            .map(|e| e.sequence)
            .collect::<Vec<_>>(),
        vec![3, 2, 0]
    );
    assert!(outlook.events[0].recurring);

    // Quoted Windows name, winter time.
    let pacific = fixture("collective__icalendar__timezone_same_start.ics").expect("present");
    assert_eq!(pacific.events[0].start, at("2017-02-24T20:00:00Z"));
    assert_eq!(
        pacific.events[0].zone.as_deref(),
        Some("America/Los_Angeles")
    );

    // A zone only the file's VTIMEZONE defines, in its summer time.
    let cdo = fixture("collective__icalendar__issue_165_missing_event.ics").expect("present");
    assert_eq!(cdo.events[0].start, at("2015-07-03T08:00:00Z"));
    assert_eq!(cdo.events[0].end, at("2015-07-03T08:30:00Z"));

    // Outlook display name with non-ASCII, defined by its VTIMEZONE.
    let brasilia =
        fixture("collective__icalendar__issue_237_fail_to_parse_timezone_with_non_ascii_tzid.ics")
            .expect("present");
    assert_eq!(brasilia.events[0].start, at("2017-05-11T16:30:00Z"));

    let zurich = fixture("collective__icalendar__x_location.ics").expect("present");
    assert_eq!(zurich.events[0].start, at("2016-10-28T12:00:00Z"));

    // DTSTART;;VALUE=DATE-TIME: floating, read in the caller's zone.
    let broken = fixture("collective__icalendar__broken_ical.ics").expect("present");
    assert_eq!(broken.events[0].start, at("2014-04-09T09:30:00Z"));
}

#[test]
fn people_and_their_names() {
    let Some(umlauts) =
        fixture("collective__icalendar__issue_101_icalendar_chokes_on_umlauts_in_organizer.ics")
    else {
        return;
    };
    let ev = &umlauts.events[0];
    let org = ev.organizer.as_ref().expect("organizer");
    assert_eq!(org.name.as_deref(), Some("acme, ädmin"));
    assert_eq!(org.email.as_deref(), Some("adm-acme@mydomain.de"));
    assert_eq!(ev.location.as_deref(), Some("im büro"));
    assert_eq!(ev.format, Some(InterviewFormat::InPerson));

    let cyrillic = fixture_with_start("collective__icalendar__event_with_unicode_organizer.ics")
        .expect("present");
    let org = cyrillic.events[0].organizer.as_ref().expect("organizer");
    assert_eq!(org.name.as_deref(), Some("Джон Доу"));
    assert_eq!(org.email.as_deref(), Some("john.doe@example.org"));

    let babe = fixture_with_start("collective__icalendar__rfc_6868.ics").expect("present");
    assert_eq!(
        babe.events[0].attendees[0].name.as_deref(),
        Some("George Herman \"Babe\" Ruth")
    );

    let magician =
        fixture("hoodie__icalendar-rs__single_event_bad_organizer.ics").expect("present");
    let org = magician.events[0].organizer.as_ref().expect("organizer");
    assert_eq!(org.name.as_deref(), Some("Joe Bob: Magician"));
    assert_eq!(org.email.as_deref(), Some("joebob@random.net"));

    let bb = fixture("collective__icalendar__property_params.ics").expect("present");
    let names: Vec<_> = bb.events[0]
        .attendees
        .iter()
        .filter_map(|a| a.name.as_deref())
        .collect();
    assert_eq!(names, ["RembrandXS", "RembrandDX", "RembrandSB"]);
    assert_eq!(bb.events[0].start, day("2012-08-14"));
    assert_eq!(bb.events[0].method.as_deref(), Some("REQUEST"));
    assert_eq!(bb.events[0].sequence, 2);

    // CUTYPE=ROOM is not a person; `Mailto:` in mixed case still gives the address.
    let classify = fixture("libical__libical__classify.ics").expect("present");
    let ev = &classify.events[0];
    assert_eq!(ev.rooms, ["conf_Big@example.com"]);
    assert_eq!(ev.attendees.len(), 5);
    assert_eq!(ev.attendees[0].role, "CHAIR");
    assert_eq!(ev.attendees[4].role, "NON-PARTICIPANT");
    assert_eq!(
        ev.organizer.as_ref().and_then(|o| o.email.as_deref()),
        Some("A@example.com")
    );
}

#[test]
fn text_survives_folding_and_escapes() {
    let Some(podio) = fixture("collective__icalendar__issue_350.ics") else {
        return;
    };
    let ev = &podio.events[0];
    assert_eq!(
        ev.description.as_deref(),
        Some("Toller Termin fürmal zu\"gucken\"und so")
    );
    assert_eq!(ev.location.as_deref(), Some("online"));
    assert_eq!(ev.status, EventStatus::Scheduled);

    let wrapped = fixture("hoodie__icalendar-rs__bad_wrapping.ics").expect("present");
    assert_eq!(
        wrapped.events[0].description.as_deref(),
        Some("Event description that puts a UTF-8 multi-octet sequence right\u{a0}here.")
    );

    let zurich = fixture("collective__icalendar__x_location.ics").expect("present");
    assert_eq!(
        zurich.events[0].location.as_deref(),
        Some("Roadstar 16\n12764 Happyville\nDenmark")
    );
}

#[test]
fn the_same_uid_twice_resolves_by_sequence() {
    // classify.ics: SEQUENCE 1, then an older SEQUENCE 0 of the same UID.
    let Some(classify) = fixture("libical__libical__classify.ics") else {
        return;
    };
    let app = debrief_core::model::Application::new("acme", "Acme", "Analyst");
    let plans = plan_invites(&classify.events, &app, &ImportContext::default());
    let actions: Vec<_> = plans.iter().map(|p| p.action).collect();
    assert_eq!(actions, [PlanAction::Create, PlanAction::Unchanged]);
    assert_eq!(plans[0].interview.id, plans[1].interview.id);
}

#[test]
fn the_fuzz_case_yields_what_is_readable() {
    let Some(fuzz) = fixture("libical__libical__issue252.ics") else {
        return;
    };
    assert_eq!(fuzz.events.len(), 1);
    assert_eq!(fuzz.events[0].uid, "a");
    assert_eq!(fuzz.events[0].start, day("1864-04-09"));
    assert!(fuzz.warnings.len() > 40, "{:#?}", fuzz.warnings);
}
