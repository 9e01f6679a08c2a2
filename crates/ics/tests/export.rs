//! The calendar we write: snapshot, RFC 5545 line rules, a round trip
//! through our own parser, and an independent parser (Python `icalendar`).

use std::io::Write;
use std::process::{Command, Stdio};

use debrief_core::model::{
    Application, Interview, InterviewFormat, InterviewStatus, Moment, Person, PersonKind,
};
use debrief_ics::{
    EventStatus, EventTime, ExportAction, ExportInterview, ExportItem, ExportOptions,
    export_calendar, parse_invites,
};
use jiff::Timestamp;

fn ts(s: &str) -> Timestamp {
    s.parse().expect("timestamp")
}

fn items() -> Vec<ExportItem> {
    let mut app = Application::new("acme-analyst", "Acme Corp", "Data Analyst");
    let mut marie = Person::new("marie", "Marie Dubois", PersonKind::Interviewer);
    marie.email = Some("marie@acme.example".to_string());
    app.people.push(marie);
    app.people
        .push(Person::new("raj", "Raj Patel", PersonKind::Interviewer));
    let mut panel = Interview::new(
        "acme-panel",
        "2026-11-20T10:00:00-06:00"
            .parse::<Moment>()
            .expect("moment"),
    );
    panel.minutes = 90;
    panel.format = InterviewFormat::Video;
    panel.interviewers = vec!["marie".into(), "raj".into()];
    let mut video = ExportInterview::new(&app, &panel);
    video.link =
        Some("https://acme.zoom.us/j/85551234567?pwd=QWxhZGRpbjpvcGVuIHNlc2FtZQ.1".to_string());

    let mut onsite = Interview::new(
        "acme-onsite",
        "2026-12-08T09:00:00Z".parse::<Moment>().expect("moment"),
    );
    onsite.format = InterviewFormat::InPerson;
    let mut in_person = ExportInterview::new(&app, &onsite);
    in_person.company = "Fabrikam GmbH".to_string();
    in_person.role = "Backend Engineer; Platform, Payments \\ Billing".to_string();
    in_person.location = Some("Friedrichstraße 123, 10117 Berlin\n3. OG, Empfang".to_string());

    let mut dropped = Interview::new(
        "contoso-pm",
        "2026-12-10T17:00:00Z".parse::<Moment>().expect("moment"),
    );
    dropped.status = InterviewStatus::Cancelled;
    let cancelled = ExportInterview::new(&Application::new("contoso-pm", "Contoso", ""), &dropped);

    vec![
        ExportItem::Interview(video),
        ExportItem::Interview(in_person),
        ExportItem::Interview(cancelled),
        ExportItem::Action(ExportAction {
            rule: "thank-you-note".to_string(),
            title: "Send a thank-you note to Marie Dubois".to_string(),
            why: "Panel interview ended 21 h ago; no thank-you to Marie Dubois logged yet.".to_string(),
            opens: ts("2026-11-20T17:30:00Z"),
            due: ts("2026-11-21T17:30:00Z"),
            application: "acme-analyst".into(),
            interview: Some("acme-panel".into()),
            person: Some("marie".into()),
        }),
        ExportItem::Action(ExportAction {
            rule: "status-check".to_string(),
            title: "Ask Acme Corp where things stand".to_string(),
            why: "Ten business days have passed since the panel (001); a short, polite status check is now appropriate — mention the APAC expansion Marie brought up.".to_string(),
            opens: ts("2026-12-04T15:00:00Z"),
            due: ts("2026-12-08T15:00:00Z"),
            application: "acme-analyst".into(),
            interview: None,
            person: None,
        }),
    ]
}

fn calendar() -> String {
    export_calendar(&items(), &ExportOptions::new(ts("2026-11-21T15:00:00Z")))
}

#[test]
fn snapshot() {
    // Snapshots store LF; CRLF is asserted separately below.
    insta::assert_snapshot!(calendar().replace("\r\n", "\n"));
}

#[test]
fn lines_are_crlf_and_folded_at_75_octets() {
    let ics = calendar();
    assert!(ics.ends_with("END:VCALENDAR\r\n"));
    let body = ics.strip_suffix("\r\n").expect("ends with CRLF");
    for line in body.split("\r\n") {
        assert!(
            !line.contains('\n') && !line.contains('\r'),
            "bare line break in {line:?}"
        );
        assert!(line.len() <= 75, "{} octets: {line:?}", line.len());
    }
    assert!(ics.contains("\r\n "), "long lines are folded");
    for required in [
        "VERSION:2.0",
        "PRODID:-//Debrief//",
        "METHOD:PUBLISH",
        "DTSTAMP:20261121T150000Z",
    ] {
        assert!(ics.contains(required), "{required}");
    }
}

#[test]
fn output_is_stable() {
    assert_eq!(calendar(), calendar());
}

#[test]
fn round_trip_through_our_parser() {
    let parsed = parse_invites(&calendar()).expect("our own output parses");
    assert!(parsed.warnings.is_empty(), "{:#?}", parsed.warnings);
    let got: Vec<_> = parsed
        .events
        .iter()
        .map(|e| (e.summary.as_str(), e.start, e.end, e.status))
        .collect();
    let at = |s: &str| EventTime::Instant(ts(s));
    assert_eq!(
        got,
        [
            (
                "Interview: Acme Corp — Data Analyst",
                at("2026-11-20T16:00:00Z"),
                at("2026-11-20T17:30:00Z"),
                EventStatus::Scheduled
            ),
            (
                "Interview: Fabrikam GmbH — Backend Engineer; Platform, Payments \\ Billing",
                at("2026-12-08T09:00:00Z"),
                at("2026-12-08T10:00:00Z"),
                EventStatus::Scheduled
            ),
            (
                "Interview: Contoso",
                at("2026-12-10T17:00:00Z"),
                at("2026-12-10T18:00:00Z"),
                EventStatus::Cancelled
            ),
            (
                "Send a thank-you note to Marie Dubois",
                at("2026-11-21T17:30:00Z"),
                at("2026-11-21T17:45:00Z"),
                EventStatus::Scheduled
            ),
            (
                "Ask Acme Corp where things stand",
                at("2026-12-08T15:00:00Z"),
                at("2026-12-08T15:15:00Z"),
                EventStatus::Scheduled
            ),
        ]
    );
    let video = &parsed.events[0];
    assert_eq!(video.format, Some(InterviewFormat::Video));
    assert_eq!(
        video.link.as_deref(),
        Some("https://acme.zoom.us/j/85551234567?pwd=QWxhZGRpbjpvcGVuIHNlc2FtZQ.1")
    );
    assert_eq!(video.uid, "interview/acme-analyst/acme-panel@debrief");
    assert_eq!(
        parsed.events[1].location.as_deref(),
        Some("Friedrichstraße 123, 10117 Berlin\n3. OG, Empfang")
    );
    assert_eq!(parsed.events[1].format, Some(InterviewFormat::InPerson));
    assert_eq!(
        parsed.events[3].uid,
        "action/thank-you-note/acme-analyst/acme-panel/marie@debrief"
    );
}

/// Lists, per VEVENT, its UID, start and end in UTC and the alarm triggers,
/// as read by Python's `icalendar`.
const PY_CHECK: &str = r#"
import sys, json, datetime
import icalendar
cal = icalendar.Calendar.from_ical(sys.stdin.buffer.read())
def utc(v):
    dt = v.dt
    return dt.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
out = []
for ev in cal.walk("VEVENT"):
    out.append({
        "uid": str(ev.get("UID")),
        "summary": str(ev.get("SUMMARY")),
        "start": utc(ev.get("DTSTART")),
        "end": utc(ev.get("DTEND")),
        "alarms": [str(int(a.get("TRIGGER").dt.total_seconds())) for a in ev.walk("VALARM")],
    })
print(json.dumps(out))
"#;

fn python_icalendar_available() -> bool {
    Command::new("python3")
        .args(["-c", "import icalendar"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn python_icalendar_reads_our_output() {
    if !python_icalendar_available() {
        eprintln!(
            "\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\
             !!! SKIPPED: independent validation of the exported calendar.\n\
             !!! python3 with the `icalendar` module was not found.\n\
             !!! Run `pip install icalendar` to enable this test (CI installs it).\n\
             !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
        );
        return;
    }
    let mut child = Command::new("python3")
        .args(["-c", PY_CHECK])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 starts");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(calendar().as_bytes())
        .expect("write to python");
    let out = child.wait_with_output().expect("python finishes");
    assert!(
        out.status.success(),
        "python icalendar failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let events: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json from python");
    let events = events.as_array().expect("list");
    assert_eq!(events.len(), 5);
    let row = |i: usize| {
        let e = &events[i];
        (
            e["start"].as_str().unwrap_or_default().to_string(),
            e["end"].as_str().unwrap_or_default().to_string(),
            e["alarms"].clone(),
        )
    };
    let day = -86_400;
    assert_eq!(
        row(0),
        (
            "2026-11-20T16:00:00Z".into(),
            "2026-11-20T17:30:00Z".into(),
            serde_json::json!(["-86400", "-7200"])
        )
    );
    assert_eq!(
        row(1),
        (
            "2026-12-08T09:00:00Z".into(),
            "2026-12-08T10:00:00Z".into(),
            serde_json::json!(["-86400", "-7200"])
        )
    );
    assert_eq!(
        row(2),
        (
            "2026-12-10T17:00:00Z".into(),
            "2026-12-10T18:00:00Z".into(),
            serde_json::json!([])
        )
    );
    assert_eq!(
        row(3),
        (
            "2026-11-21T17:30:00Z".into(),
            "2026-11-21T17:45:00Z".into(),
            serde_json::json!([day.to_string(), "0"])
        )
    );
    assert_eq!(
        events[1]["summary"],
        "Interview: Fabrikam GmbH — Backend Engineer; Platform, Payments \\ Billing"
    );
    assert_eq!(
        events[3]["uid"],
        "action/thank-you-note/acme-analyst/acme-panel/marie@debrief"
    );
}
