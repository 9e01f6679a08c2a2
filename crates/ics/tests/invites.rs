//! Invites in the shapes real clients send (our own text in
//! `tests/invites/`), and what importing them does to an application.

mod common;

use std::collections::BTreeMap;

use common::invite;
use debrief_core::model::{Application, InterviewFormat, InterviewStatus, Person, PersonKind};
use debrief_ics::{
    EventStatus, EventTime, ImportContext, InviteEvent, PlanAction, find_application,
    interview_from_invite, interview_id_for_uid, parse_invites,
};
use jiff::tz::TimeZone;

fn one(name: &str) -> InviteEvent {
    let parsed = parse_invites(&invite(name)).expect("calendar");
    assert!(parsed.warnings.is_empty(), "{name}: {:#?}", parsed.warnings);
    assert_eq!(parsed.events.len(), 1, "{name}");
    parsed.events.into_iter().next().expect("event")
}

fn at(s: &str) -> EventTime {
    EventTime::Instant(s.parse().expect("timestamp"))
}

fn ctx(zone: &str) -> ImportContext {
    ImportContext {
        zone: TimeZone::get(zone).expect("zone"),
        user_emails: vec!["Sam.Rivera@mail.example".to_string()],
        user_name: Some("Sam Rivera".to_string()),
        imported: BTreeMap::new(),
    }
}

#[test]
fn google_calendar_invite() {
    let ev = one("google-meet.ics");
    assert_eq!(ev.uid, "5k2m7q9s1u3w5y7a9c1e3g5i7k@google.com");
    assert_eq!(ev.start, at("2026-12-03T20:00:00Z"));
    assert_eq!(ev.end, at("2026-12-03T21:00:00Z"));
    assert_eq!(ev.format, Some(InterviewFormat::Video));
    assert_eq!(
        ev.link.as_deref(),
        Some("https://meet.google.com/abc-defg-hij")
    );
    assert_eq!(ev.zone.as_deref(), Some("America/New_York"));
    assert_eq!(ev.attendees.len(), 3);
}

#[test]
fn outlook_invite_with_windows_zone_room_and_umlauts() {
    let ev = one("outlook-onsite.ics");
    assert_eq!(ev.start, at("2026-12-08T09:00:00Z"));
    assert_eq!(ev.end, at("2026-12-08T10:30:00Z"));
    assert_eq!(ev.zone.as_deref(), Some("Europe/Berlin"));
    assert_eq!(
        ev.summary,
        "Vorstellungsgespräch Fabrikam – Backend Engineer"
    );
    assert_eq!(ev.format, Some(InterviewFormat::InPerson));
    assert_eq!(
        ev.location.as_deref(),
        Some("Fabrikam GmbH, Friedrichstraße 123, 10117 Berlin")
    );
    assert_eq!(ev.rooms, ["Konferenzraum Spree (8)"]);
    assert!(ev.uid.starts_with("040000008200E00074C5B7101A82E008") && ev.uid.ends_with("7E8F"));
    assert_eq!(
        ev.organizer.as_ref().and_then(|o| o.name.as_deref()),
        Some("Groß, Jürgen")
    );
}

#[test]
fn teams_invite_keeps_the_meeting_link() {
    let ev = one("teams.ics");
    assert_eq!(ev.start, at("2026-12-10T17:00:00Z"));
    assert_eq!(ev.format, Some(InterviewFormat::Video));
    let link = ev.link.expect("link");
    assert!(
        link.starts_with("https://teams.microsoft.com/l/meetup-join/19%3ameeting_"),
        "{link}"
    );
    assert!(link.ends_with("%7d"), "{link}");
}

#[test]
fn zoom_and_phone_invites() {
    let zoom = one("zoom.ics");
    assert_eq!(zoom.start, at("2026-12-11T13:00:00Z"));
    assert_eq!(zoom.end, at("2026-12-11T13:45:00Z"));
    assert_eq!(zoom.method.as_deref(), Some("PUBLISH"));
    assert_eq!(
        zoom.link.as_deref(),
        Some("https://us02web.zoom.us/j/85551234567?pwd=QWxhZGRpbjpvcGVuIHNlc2FtZQ.1")
    );

    let phone = one("phone-screen.ics");
    assert_eq!(phone.format, Some(InterviewFormat::Phone));
    assert_eq!(phone.link, None);
    assert_eq!(phone.start, at("2026-12-09T14:00:00Z"));
}

#[test]
fn quirks_are_read_with_warnings() {
    let parsed = parse_invites(&invite("quirks.ics")).expect("calendar");
    let summaries: Vec<_> = parsed.events.iter().map(|e| e.summary.as_str()).collect();
    assert_eq!(
        summaries,
        [
            "Final round, Adatum – Support Lead",
            "Follow-up call",
            "no uid and no end"
        ]
    );
    let first = &parsed.events[0];
    // "India Standard Time" (Windows) = UTC+05:30; DURATION instead of DTEND.
    assert_eq!(first.start, at("2026-12-14T05:30:00Z"));
    assert_eq!(first.end, at("2026-12-14T06:15:00Z"));
    assert_eq!(
        first.organizer.as_ref().and_then(|o| o.name.as_deref()),
        Some("Meera \"Mia\" Shah")
    );
    assert_eq!(first.rooms, ["Boardroom"]);
    // "Eastern Standard Time" without a VTIMEZONE, in winter.
    assert_eq!(parsed.events[1].start, at("2026-12-15T14:00:00Z"));
    let expected = [
        "line 1: BEGIN:VCALENDAR is never closed",
        "line 15: skipped 'this line is garbage'",
        "line 16: SEQUENCE 'three' is not a number",
        "line 18: BEGIN:VEVENT has no END:VEVENT before line 24",
        "line 24: BEGIN:VEVENT is never closed",
        "line 24: VEVENT 'no uid and no end' has no UID",
    ];
    assert_eq!(
        parsed.warnings.len(),
        expected.len(),
        "{:#?}",
        parsed.warnings
    );
    for (w, e) in parsed.warnings.iter().zip(expected) {
        assert!(w.starts_with(e), "{w:?} should start with {e:?}");
    }
}

#[test]
fn the_json_shape_of_format_md() {
    let parsed = parse_invites(&invite("teams.ics")).expect("calendar");
    let json = serde_json::to_value(&parsed).expect("serializes");
    let ev = &json["events"][0];
    assert_eq!(ev["status"], "scheduled");
    assert_eq!(ev["start"], "2026-12-10T17:00:00Z");
    assert_eq!(ev["end"], "2026-12-10T18:30:00Z");
    assert_eq!(ev["summary"], "Contoso | Panel interview – Product Manager");
    assert_eq!(
        ev["organizer"],
        serde_json::json!({ "name": "Contoso Talent Team", "email": "talent@contoso.example" })
    );
    assert_eq!(ev["attendees"][1]["name"], "Marie Dubois");
    assert_eq!(ev["attendees"][1]["email"], "marie.dubois@contoso.example");
    assert_eq!(ev["attendees"][1]["role"], "REQ-PARTICIPANT");
    assert_eq!(ev["format"], "video");
    assert_eq!(ev["sequence"], 1);
    assert!(ev["uid"].is_string());
    assert_eq!(json["warnings"], serde_json::json!([]));
}

#[test]
fn importing_creates_the_interview_and_its_people() {
    let ev = one("google-meet.ics");
    let mut app = Application::new("northwind", "Northwind Traders", "Data Analyst");
    let ctx = ctx("America/New_York");
    let plan = interview_from_invite(&ev, Some(&app), &ctx);
    assert_eq!(plan.action, PlanAction::Create);
    assert_eq!(plan.interview.id, interview_id_for_uid(&ev.uid));
    assert_eq!(
        plan.interview.start.to_string(),
        "2026-12-03T15:00:00-05:00"
    );
    assert_eq!(plan.interview.minutes, 60);
    assert_eq!(plan.interview.format, InterviewFormat::Video);
    assert_eq!(plan.interview.status, InterviewStatus::Scheduled);
    assert_eq!(
        plan.interview
            .scheduled_at
            .map(|m| m.to_string())
            .as_deref(),
        Some("2026-11-20T09:15:00-05:00")
    );
    // The organizer is also an attendee: one person, an interviewer. The
    // candidate is nobody to follow up with. A CN that is an address
    // gives a name from the address.
    let people: Vec<_> = plan
        .new_people
        .iter()
        .map(|p| (p.id.as_str(), p.name.as_str(), p.kind, p.email.as_deref()))
        .collect();
    assert_eq!(
        people,
        [
            (
                "priya-raman",
                "Priya Raman",
                PersonKind::Interviewer,
                Some("priya.raman@northwind.example")
            ),
            (
                "daniel-okafor",
                "Daniel Okafor",
                PersonKind::Interviewer,
                Some("daniel.okafor@northwind.example")
            ),
        ]
    );
    assert_eq!(
        plan.interview.interviewers,
        ["priya-raman", "daniel-okafor"]
    );
    plan.apply_to(&mut app);
    assert_eq!(app.interviews.len(), 1);
    assert_eq!(app.people.len(), 2);

    // Importing the same file again, with the sequence recorded: nothing.
    let mut ctx = ctx;
    ctx.imported.insert(ev.uid.clone(), ev.sequence);
    let again = interview_from_invite(&ev, Some(&app), &ctx);
    assert_eq!(again.action, PlanAction::Unchanged);
    assert!(!again.changes());
    // …and without the record, nothing either: it compares equal.
    ctx.imported.clear();
    assert_eq!(
        interview_from_invite(&ev, Some(&app), &ctx).action,
        PlanAction::Unchanged
    );
}

#[test]
fn a_later_sequence_updates_an_older_one_does_not() {
    let first = one("google-meet.ics");
    let later = one("google-meet-rescheduled.ics");
    assert_eq!(first.uid, later.uid);
    let mut app = Application::new("northwind", "Northwind Traders", "Data Analyst");
    let mut ctx = ctx("America/New_York");
    let created = interview_from_invite(&first, Some(&app), &ctx);
    created.apply_to(&mut app);
    ctx.imported.insert(first.uid.clone(), first.sequence);

    let update = interview_from_invite(&later, Some(&app), &ctx);
    assert_eq!(update.action, PlanAction::Update);
    assert_eq!(update.interview.id, created.interview.id);
    assert_eq!(
        update.interview.start.to_string(),
        "2026-12-04T12:00:00-05:00"
    );
    assert_eq!(update.interview.minutes, 75);
    let added: Vec<_> = update.new_people.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(added, ["lee-chen"], "known people are not added twice");
    assert_eq!(
        update.interview.interviewers,
        ["priya-raman", "daniel-okafor", "lee-chen"]
    );
    // What the user recorded survives the update.
    app.interviews[0].asked_questions = Some(true);
    let update = interview_from_invite(&later, Some(&app), &ctx);
    assert_eq!(update.interview.asked_questions, Some(true));
    update.apply_to(&mut app);
    ctx.imported.insert(later.uid.clone(), later.sequence);
    assert_eq!(app.interviews.len(), 1);
    assert_eq!(app.people.len(), 3);

    // The original invite arriving late (SEQUENCE 0 < 1) changes nothing.
    let stale = interview_from_invite(&first, Some(&app), &ctx);
    assert_eq!(stale.action, PlanAction::Unchanged);
    assert_eq!(
        stale.interview.start.to_string(),
        "2026-12-04T12:00:00-05:00"
    );
}

#[test]
fn a_cancellation_cancels_and_an_unknown_one_is_ignored() {
    let invite_ev = one("teams.ics");
    let cancel = one("teams-cancel.ics");
    assert_eq!(cancel.status, EventStatus::Cancelled);
    assert_eq!(cancel.method.as_deref(), Some("CANCEL"));
    let mut app = Application::new("contoso", "Contoso", "Product Manager");
    let ctx = ctx("America/Los_Angeles");

    let ignored = interview_from_invite(&cancel, Some(&app), &ctx);
    assert_eq!(ignored.action, PlanAction::Ignore);

    let mut ctx = ctx;
    interview_from_invite(&invite_ev, Some(&app), &ctx).apply_to(&mut app);
    ctx.imported
        .insert(invite_ev.uid.clone(), invite_ev.sequence);
    let plan = interview_from_invite(&cancel, Some(&app), &ctx);
    assert_eq!(plan.action, PlanAction::Update);
    assert_eq!(plan.interview.status, InterviewStatus::Cancelled);
    // The cancellation's attendee list is shorter; nobody is dropped.
    assert_eq!(plan.interview.interviewers, ["marie-dubois", "raj-patel"]);
    assert_eq!(plan.interview.format, InterviewFormat::Video);
}

#[test]
fn people_are_matched_by_email_then_by_name() {
    let ev = one("teams.ics");
    let mut app = Application::new("contoso", "Contoso", "Product Manager");
    let mut marie = Person::new("marie", "Marie  Dubois", PersonKind::Interviewer);
    marie.title = Some("Analytics Lead".to_string());
    let mut raj = Person::new("raj", "R. Patel", PersonKind::Interviewer);
    raj.email = Some("RAJ.PATEL@contoso.example".to_string());
    app.people = vec![marie, raj];
    let plan = interview_from_invite(&ev, Some(&app), &ctx("UTC"));
    assert_eq!(plan.interview.interviewers, ["marie", "raj"]);
    let new: Vec<_> = plan
        .new_people
        .iter()
        .map(|p| (p.id.as_str(), p.kind))
        .collect();
    // The organizer is not an attendee here: a coordinator, not an interviewer.
    assert_eq!(new, [("contoso-talent-team", PersonKind::Coordinator)]);
    assert_eq!(plan.updated_people.len(), 1);
    assert_eq!(plan.updated_people[0].id, "marie");
    assert_eq!(
        plan.updated_people[0].email.as_deref(),
        Some("marie.dubois@contoso.example")
    );
    assert_eq!(
        plan.updated_people[0].title.as_deref(),
        Some("Analytics Lead")
    );
}

#[test]
fn outlook_last_first_names_and_rooms() {
    let ev = one("outlook-onsite.ics");
    let plan = interview_from_invite(&ev, None, &ctx("Europe/Berlin"));
    let people: Vec<_> = plan
        .new_people
        .iter()
        .map(|p| (p.id.as_str(), p.name.as_str(), p.kind))
        .collect();
    assert_eq!(
        people,
        [
            ("anna-muller", "Anna Müller", PersonKind::Interviewer),
            ("jurgen-gross", "Jürgen Groß", PersonKind::Interviewer),
        ]
    );
    assert_eq!(plan.interview.format, InterviewFormat::InPerson);
    assert_eq!(
        plan.interview.start.to_string(),
        "2026-12-08T10:00:00+01:00"
    );
    assert_eq!(plan.interview.minutes, 90);
}

#[test]
fn replies_change_nothing() {
    let text = invite("teams.ics").replace("METHOD:REQUEST", "METHOD:REPLY");
    let ev = parse_invites(&text).expect("calendar").events.remove(0);
    let plan = interview_from_invite(&ev, None, &ctx("UTC"));
    assert_eq!(plan.action, PlanAction::Ignore);
    assert!(plan.new_people.is_empty());
}

#[test]
fn finding_the_application() {
    let ev = one("teams.ics");
    let other = Application::new("fabrikam", "Fabrikam", "Backend Engineer");
    let contoso = Application::new("contoso", "Contoso", "Product Manager");
    let apps = vec![other.clone(), contoso];
    assert_eq!(
        find_application(&ev, &apps).map(|a| a.id.as_str()),
        Some("contoso")
    );

    let mut known = other;
    let mut marie = Person::new("marie", "Marie Dubois", PersonKind::Interviewer);
    marie.email = Some("marie.dubois@contoso.example".to_string());
    known.people.push(marie);
    let apps = vec![Application::new("contoso", "Contoso", "PM"), known];
    assert_eq!(
        find_application(&ev, &apps).map(|a| a.id.as_str()),
        Some("fabrikam")
    );
    assert!(find_application(&ev, &[]).is_none());
}
