//! Importing whole files against a store's applications: which application
//! each event goes to and why, new applications, and what is refused.

mod common;

use common::invite;
use debrief_core::model::{Application, Person, PersonKind};
use debrief_ics::{
    Choice, ImportAction, ImportSettings, choose_application, import_invites, parse_invites,
};
use jiff::tz::TimeZone;

fn settings(target: Option<&str>) -> ImportSettings {
    ImportSettings {
        zone: TimeZone::get("America/Chicago").expect("zone"),
        user_emails: vec!["sam@rivera.dev".to_string()],
        user_name: Some("Sam Rivera".to_string()),
        target: target.map(str::to_string),
    }
}

fn calendar(events: &[&str]) -> String {
    let mut text = String::from("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n");
    for e in events {
        text.push_str("BEGIN:VEVENT\r\n");
        text.push_str(e);
        text.push_str("END:VEVENT\r\n");
    }
    text.push_str("END:VCALENDAR\r\n");
    text
}

#[test]
fn two_invites_from_a_new_company_make_one_application() {
    let text = calendar(&[
        "UID:a@x\r\nDTSTART:20261203T150000Z\r\nSUMMARY:Screen\r\nORGANIZER;CN=Ann Lee:mailto:ann@globex.example\r\nATTENDEE;CN=Sam Rivera:mailto:sam@rivera.dev\r\n",
        "UID:b@x\r\nDTSTART:20261210T150000Z\r\nSUMMARY:Panel\r\nORGANIZER;CN=Ann Lee:mailto:ann@globex.example\r\nATTENDEE;CN=Bo Chen:mailto:bo@globex.example\r\nATTENDEE;CN=Cy Diaz:mailto:cy@globex.example\r\n",
    ]);
    let parsed = parse_invites(&text).expect("calendar");
    let r = import_invites(&parsed.events, &[], parsed.warnings, &settings(None));
    assert_eq!(r.created, ["globex"]);
    assert_eq!(r.changed.len(), 1);
    let app = &r.changed[0];
    assert_eq!(app.company, "Globex");
    assert_eq!(app.interviews.len(), 2);
    let ids: Vec<&str> = app.people.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(
        ids,
        ["ann-lee", "bo-chen", "cy-diaz"],
        "Sam is never a person"
    );
    assert!(r.events[0].application_created);
    assert!(!r.events[1].application_created);
    assert!(
        r.events[1]
            .chosen_because
            .as_deref()
            .is_some_and(|w| w.contains("Ann Lee")),
        "{:?}",
        r.events[1].chosen_because
    );
    assert_eq!(app.interviews[1].interviewers, ["bo-chen", "cy-diaz"]);
    assert_eq!(app.stage, debrief_core::model::Stage::Interviewing);
}

#[test]
fn the_users_own_domain_names_no_company() {
    let text = calendar(&[
        "UID:c@x\r\nDTSTART:20261203T150000Z\r\nSUMMARY:Coffee\r\nORGANIZER;CN=Sam Rivera:mailto:sam@rivera.dev\r\nATTENDEE:mailto:jo@gmail.com\r\n",
    ]);
    let ev = parse_invites(&text).expect("calendar").events.remove(0);
    match choose_application(&ev, &[], &settings(None).user_emails) {
        Choice::Unknown { why } => assert!(why.contains("gmail.com"), "{why}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn equal_matches_are_reported_not_guessed() {
    let ev = parse_invites(&invite("outlook-onsite.ics"))
        .expect("calendar")
        .events
        .remove(0);
    let apps = [
        Application::new("fab-1", "Fabrikam", "Data Engineer"),
        Application::new("fab-2", "Fabrikam GmbH", "Platform Engineer"),
    ];
    match choose_application(&ev, &apps, &[]) {
        Choice::Ambiguous { why } => assert!(why.contains("fab-1, fab-2"), "{why}"),
        other => panic!("{other:?}"),
    }
    // Someone already known settles it.
    let mut known = apps.clone();
    let mut anna = Person::new("anna", "Anna Müller", PersonKind::Interviewer);
    anna.email = Some("Anna.Mueller@fabrikam.example".to_string());
    known[1].people.push(anna);
    match choose_application(&ev, &known, &[]) {
        Choice::Existing { index, why } => {
            assert_eq!(index, 1);
            assert!(why.contains("Anna Müller"), "{why}");
        }
        other => panic!("{other:?}"),
    }
    // A finished application does not attract new invites by name.
    let mut closed = apps[..1].to_vec();
    closed[0].stage = debrief_core::model::Stage::Rejected;
    assert!(matches!(
        choose_application(&ev, &closed, &[]),
        Choice::New { .. }
    ));
}

#[test]
fn long_events_and_unusable_links_do_not_block_the_import() {
    let long = format!("https://zoom.us/j/1?{}", "a".repeat(5000));
    let text = calendar(&[
        "UID:long@x\r\nDTSTART:20261207T090000Z\r\nDTEND:20261209T170000Z\r\nSUMMARY:Three-day trial\r\n",
        &format!("UID:link@x\r\nDTSTART:20261203T150000Z\r\nSUMMARY:Call\r\nLOCATION:{long}\r\n"),
    ]);
    let parsed = parse_invites(&text).expect("calendar");
    let apps = [Application::new("acme", "Acme", "")];
    let r = import_invites(&parsed.events, &apps, vec![], &settings(Some("acme")));
    assert!(r.warnings.is_empty(), "{:#?}", r.warnings);
    let app = &r.changed[0];
    assert_eq!(app.interviews[0].minutes, 24 * 60);
    assert!(
        r.events[0]
            .notes
            .iter()
            .any(|n| n.contains("kept as one day"))
    );
    assert_eq!(app.interviews[1].link, None);
    assert_eq!(
        app.interviews[1].format,
        debrief_core::model::InterviewFormat::Video
    );
}

#[test]
fn replies_and_unknown_cancellations_make_no_application() {
    let reply = invite("teams.ics").replace("METHOD:REQUEST", "METHOD:REPLY");
    for text in [reply, invite("teams-cancel.ics")] {
        let parsed = parse_invites(&text).expect("calendar");
        let r = import_invites(&parsed.events, &[], vec![], &settings(None));
        assert_eq!(r.events[0].action, ImportAction::Ignore);
        assert_eq!(r.events[0].application, None);
        assert!(r.created.is_empty() && r.changed.is_empty());
    }
}

#[test]
fn an_invite_is_never_copied_into_a_second_application() {
    let parsed = parse_invites(&invite("teams.ics")).expect("calendar");
    let apps = [
        Application::new("contoso", "Contoso", ""),
        Application::new("other", "Other", ""),
    ];
    let first = import_invites(&parsed.events, &apps, vec![], &settings(None));
    assert_eq!(first.changed[0].id, "contoso");
    let stored = [first.changed[0].clone(), apps[1].clone()];
    let second = import_invites(&parsed.events, &stored, vec![], &settings(Some("other")));
    assert_eq!(second.events[0].action, ImportAction::Skip);
    assert!(second.changed.is_empty());
    assert!(
        second.warnings[0].contains("imported into application 'contoso' already"),
        "{:?}",
        second.warnings
    );
}

/// An event with no company of its own that comes before the event that
/// makes its application is placed there too (a second pass), so the order
/// of a file's events does not decide what it imports, and importing the
/// file again changes nothing.
#[test]
fn an_event_before_the_one_that_makes_its_application_is_placed_too() {
    let text = calendar(&[
        "UID:first@x\r\nDTSTART:20261203T150000Z\r\nSUMMARY:Call\r\nATTENDEE;CN=Sam Rivera:mailto:sam@rivera.dev\r\n",
        "UID:second@x\r\nDTSTART:20261210T150000Z\r\nSUMMARY:Panel\r\nORGANIZER;CN=Ann Lee:mailto:ann@globex.example\r\n",
    ]);
    let parsed = parse_invites(&text).expect("calendar");
    let r = import_invites(&parsed.events, &[], parsed.warnings, &settings(None));
    assert_eq!(r.created, ["globex"]);
    assert_eq!(r.events[0].action, ImportAction::Create, "{:?}", r.warnings);
    assert_eq!(r.events[0].application.as_deref(), Some("globex"));
    assert!(
        r.warnings.iter().all(|w| !w.contains("skipped")),
        "no skip warning is left for the placed event: {:?}",
        r.warnings
    );
    assert_eq!(r.changed[0].interviews.len(), 2);

    let again = import_invites(&parsed.events, &r.changed, vec![], &settings(None));
    assert!(again.changed.is_empty(), "{:?}", again.events);
}
