//! A generated calendar of 2,000 events against a store of 60
//! applications: the indexed import must choose, plan and validate exactly
//! as the scan it replaced did. The digests below were recorded with that
//! scan (commit 9e76c0a, then again with the scan plus the stage-follows-
//! events and the-user-is-no-attendee changes, commit 1580d16, when those
//! rules changed what is written), and last with the second pass for
//! events a file places only once a later event created their application
//! (without that pass the digests are still the scan's: checked when it
//! was added); any change in any event's report, any warning or any
//! application written changes them.

use debrief_core::model::{Application, Person, PersonKind, Stage};
use debrief_ics::{ImportSettings, import_invites, parse_invites};
use jiff::tz::TimeZone;

fn settings(target: Option<&str>) -> ImportSettings {
    ImportSettings {
        zone: TimeZone::get("Europe/London").expect("zone"),
        user_emails: vec!["sam@mail.example".to_string()],
        user_name: Some("Sam Rivera".to_string()),
        target: target.map(str::to_string),
    }
}

/// 60 stored applications: 0–39 with a recruiter whose address names the
/// firm's domain, 40–59 with no people (matched by the domain naming the
/// company or by the title); every tenth is finished.
fn store() -> Vec<Application> {
    (0..60)
        .map(|c| {
            let mut app = Application::new(
                format!("firm{c}"),
                format!("Firm{c} Labs"),
                if c % 2 == 0 { "Data Analyst" } else { "" },
            );
            if c < 40 {
                let mut p = Person::new("rita", "Rita Recruiter", PersonKind::Recruiter);
                p.email = Some(format!("recruiter@firm{c}.example"));
                app.people.push(p);
            }
            if c % 10 == 9 {
                app.stage = Stage::Rejected;
            }
            app
        })
        .collect()
}

/// Event `i`: firms 0–79 (60–79 are not stored: the first event of each
/// makes its application), addresses at the firm, a mail provider or none,
/// repeated UIDs with later SEQUENCEs, cancellations, all-day events.
fn calendar(n: usize) -> String {
    let mut text = String::from("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\n");
    for i in 0..n {
        let firm = (i * 7) % 80;
        let (uid, seq) = if i % 7 == 6 {
            (i - 3, 1 + i % 3)
        } else {
            (i, 0)
        };
        let day = 1 + i % 28;
        let hour = 8 + i % 9;
        text.push_str("BEGIN:VEVENT\r\n");
        text.push_str(&format!(
            "UID:ev-{uid}@gen.example\r\nSEQUENCE:{seq}\r\nDTSTAMP:20261120T120000Z\r\n"
        ));
        if i % 13 == 12 {
            text.push_str("STATUS:CANCELLED\r\n");
        }
        if i % 5 == 4 {
            text.push_str(&format!(
                "DTSTART;VALUE=DATE:202612{day:02}\r\nDTEND;VALUE=DATE:202612{:02}\r\n",
                day + 1
            ));
        } else {
            text.push_str(&format!(
                "DTSTART:202612{day:02}T{hour:02}0000Z\r\nDTEND:202612{day:02}T{hour:02}4500Z\r\n"
            ));
        }
        let person = i % 37;
        match i % 6 {
            // From the firm: the recruiter and an interviewer.
            0 | 1 => {
                text.push_str(&format!(
                    "SUMMARY:Interview {i} – Data Analyst\r\nORGANIZER;CN=Rita Recruiter:mailto:recruiter@firm{firm}.example\r\nATTENDEE;CN=Person{person} Smith:mailto:p{person}@firm{firm}.example\r\n"
                ));
            }
            // Someone else at the firm, and a person without address.
            2 => {
                text.push_str(&format!(
                    "SUMMARY:Panel {i}\r\nORGANIZER;CN=\"Smith, Person{person}\":mailto:p{person}@firm{firm}.example\r\nATTENDEE;CN=Nameless {person}:invalid\r\nATTENDEE;ROLE=NON-PARTICIPANT;CN=Room {person}:mailto:room{person}@firm{firm}.example\r\n"
                ));
            }
            // A mail provider: only the title names the firm.
            3 => {
                text.push_str(&format!(
                    "SUMMARY:Firm{firm} Labs | chat {i}\r\nORGANIZER:mailto:someone{person}@gmail.com\r\nLOCATION:https://meet.google.com/abc-{i}\r\n"
                ));
            }
            // No address at all.
            4 => {
                text.push_str(&format!("SUMMARY:Call {i}\r\nLOCATION:Room {person}\r\n"));
            }
            // The firm's domain under another name: the label names it.
            _ => {
                text.push_str(&format!(
                    "SUMMARY:Screen {i}\r\nORGANIZER;CN=Ola Org:mailto:ola@mail.firm{firm}.co.uk\r\nATTENDEE;CN=Sam Rivera:mailto:sam@mail.example\r\n"
                ));
            }
        }
        text.push_str("END:VEVENT\r\n");
    }
    text.push_str("END:VCALENDAR\r\n");
    text
}

fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The report and everything written, as one number.
fn digest(n: usize, apps: &[Application], target: Option<&str>) -> (u64, usize, usize) {
    let parsed = parse_invites(&calendar(n)).expect("calendar");
    let r = import_invites(&parsed.events, apps, parsed.warnings, &settings(target));
    let report = serde_json::to_vec(&r.summary(false)).expect("json");
    let written = serde_json::to_vec(&r.changed).expect("json");
    (
        fnv(&report) ^ fnv(&written).rotate_left(1),
        r.changed.len(),
        r.created.len(),
    )
}

#[test]
fn a_large_calendar_imports_as_the_scan_did() {
    let got = digest(2000, &store(), None);
    assert_eq!(got, (16723353768738637447, 81, 24), "into the store");
}

#[test]
fn a_large_calendar_into_an_empty_store_imports_as_the_scan_did() {
    let got = digest(2000, &[], None);
    assert_eq!(got, (3792028388007327533, 77, 77), "into no applications");
}

#[test]
fn a_large_calendar_into_one_application_imports_as_the_scan_did() {
    let got = digest(2000, &store(), Some("firm3"));
    assert_eq!(got, (5239362956388536558, 1, 0), "--app firm3");
}

/// Importing the same calendar again changes nothing, whatever the order
/// of its events (an event placed by the second pass is placed the first
/// time).
#[test]
fn a_large_calendar_imported_twice_changes_nothing() {
    let parsed = parse_invites(&calendar(2000)).expect("calendar");
    for (apps, target) in [(vec![], None), (store(), None), (store(), Some("firm3"))] {
        let first = import_invites(&parsed.events, &apps, vec![], &settings(target));
        let mut after = apps.clone();
        for app in first.changed {
            match after.iter_mut().find(|a| a.id == app.id) {
                Some(slot) => *slot = app,
                None => after.push(app),
            }
        }
        let second = import_invites(&parsed.events, &after, vec![], &settings(target));
        assert!(
            second.changed.is_empty(),
            "{target:?}: the second import changed something"
        );
    }
}

/// An import over the applications the events' lookup keys find (what a
/// store with an index reads, `StoreReader::find_applications`) reports
/// and writes exactly what an import over every application does: for
/// the whole file, for every event alone (one invite into a big store),
/// into the store as the first import left it, and with `--app`.
#[test]
fn an_import_over_the_applications_its_keys_find_is_the_whole_import() {
    use debrief_core::keys;
    use debrief_ics::{ImportResult, Importer, InviteEvent, lookup_keys};

    fn over_keys(events: &[InviteEvent], apps: &[Application], s: &ImportSettings) -> ImportResult {
        let wanted = lookup_keys(events, s);
        let subset: Vec<Application> = apps
            .iter()
            .filter(|a| s.target.as_deref() == Some(&a.id) || keys::holds_any(a, &wanted))
            .cloned()
            .collect();
        let taken = apps.iter().map(|a| a.id.to_string()).collect();
        Importer::over(subset, taken, s).one_file(events, vec![])
    }
    fn same(a: &ImportResult, b: &ImportResult, what: &str) {
        let json = |r: &ImportResult| {
            (
                serde_json::to_string(&r.summary(false)).expect("json"),
                serde_json::to_string(&r.changed).expect("json"),
                r.created.clone(),
            )
        };
        assert_eq!(json(a), json(b), "{what}");
    }

    let parsed = parse_invites(&calendar(2000)).expect("calendar");
    let stored = store();
    let first = import_invites(&parsed.events, &stored, vec![], &settings(None));
    let mut after = stored.clone();
    for app in &first.changed {
        match after.iter_mut().find(|a| a.id == app.id) {
            Some(slot) => *slot = app.clone(),
            None => after.push(app.clone()),
        }
    }
    for (apps, target) in [
        (&stored, None),
        (&after, None),
        (&stored, Some("firm3")),
        // Invites other applications hold already: never copied into firm3.
        (&after, Some("firm3")),
        (&Vec::new(), None),
    ] {
        let s = settings(target);
        let whole = import_invites(&parsed.events, apps, vec![], &s);
        same(
            &over_keys(&parsed.events, apps, &s),
            &whole,
            "the whole file",
        );
        for (i, ev) in parsed.events.iter().enumerate().step_by(7) {
            let one = std::slice::from_ref(ev);
            let whole = import_invites(one, apps, vec![], &s);
            same(
                &over_keys(one, apps, &s),
                &whole,
                &format!("event {i} alone"),
            );
        }
    }
}
