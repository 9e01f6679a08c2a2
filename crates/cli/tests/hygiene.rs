//! Input hygiene at the edges, end to end: byte-order marks, control
//! characters and text in other encodings than UTF-8, through the real
//! `debrief` binary on a real store.

mod common;

use common::{Debrief, FIXTURE, stderr, stdout};

const NOW: &str = "2026-11-23T09:00:00-06:00";

fn fixture_bytes() -> Vec<u8> {
    std::fs::read(FIXTURE).expect("fixture")
}

#[test]
fn an_exchange_file_with_a_byte_order_mark_imports_like_one_without() {
    let plain = Debrief::imported().now(NOW);
    let s = Debrief::new().now(NOW);
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(fixture_bytes());
    let file = s.write("bom.json", &bytes);
    s.ok(&["import", file.to_str().expect("path")]);
    assert_eq!(s.export(), plain.export());
    // From standard input too.
    let piped = Debrief::new().now(NOW);
    let out = piped.run_with_stdin(&["import", "-"], &bytes);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(piped.export(), plain.export());
}

#[test]
fn control_characters_are_refused_from_every_source_and_nothing_changes() {
    let s = Debrief::imported().now(NOW);
    let before = s.export();
    let text = String::from_utf8(fixture_bytes()).expect("utf-8");
    let nul = text.replacen(r#""name": "Raj Patel""#, r#""name": "Raj\u0000 Patel""#, 1);
    assert_ne!(nul, text);
    let file = s.write("nul.json", nul);
    let err = s.input_error(&["import", file.to_str().expect("path")]);
    assert!(
        err.contains("applications[0].people[1].name: contains a control character (U+0000)"),
        "{err}"
    );
    assert_eq!(
        s.export(),
        before,
        "a refused import leaves the store as it was"
    );

    // From the command line: a one-line field, and a free text.
    let err = s.input_error(&["app", "add", "--company", "Ac\u{1b}me", "--role", "Analyst"]);
    assert!(err.contains("U+001B"), "{err}");
    let err = s.input_error(&[
        "person",
        "add",
        "--app",
        "acme-analyst",
        "--name",
        "Lee\tKim",
    ]);
    assert!(err.contains("U+0009"), "{err}");
    let note = s.write("bell.txt", "Thanks!\u{7}\n");
    let out = s.run(&[
        "touch",
        "--app",
        "acme-analyst",
        "--person",
        "marie",
        "--kind",
        "thank-you",
        "--channel",
        "email",
        "--force",
        "--note",
        note.to_str().expect("path"),
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("U+0007"), "{}", stderr(&out));
    assert_eq!(s.export(), before);
}

/// "Dear Marie, … café … Zoë" as Windows Notepad used to save it.
const CP1252_NOTE: &[u8] = b"Dear Marie,\n\nThank you for the coffee at the caf\xE9 \x96 and for explaining how the team moves its reporting to dbt.\n\nBest regards,\nZo\xEB\n";

#[test]
fn a_note_in_windows_1252_is_read_as_such_and_said_so() {
    let s = Debrief::imported().now(NOW);
    let note = s.write("note.txt", CP1252_NOTE);
    let out = s.run(&["lint", "--format", "line", note.to_str().expect("path")]);
    assert!(
        stderr(&out).contains("is not UTF-8; read it as windows-1252"),
        "{}",
        stderr(&out)
    );
    assert!(!stdout(&out).contains('\u{FFFD}'), "{}", stdout(&out));

    s.ok(&[
        "touch",
        "--app",
        "acme-analyst",
        "--person",
        "marie",
        "--kind",
        "thank-you",
        "--channel",
        "email",
        "--force",
        "--note",
        note.to_str().expect("path"),
    ]);
    let logged = s.export()["applications"][0]["touches"]
        .as_array()
        .expect("touches")
        .iter()
        .filter_map(|t| t["note"].as_str())
        .map(str::to_string)
        .collect::<Vec<_>>();
    assert!(
        logged
            .iter()
            .any(|n| n.contains("café – and") && n.contains("Zoë")),
        "{logged:?}"
    );
}

#[test]
fn a_binary_file_is_refused_not_garbled() {
    let s = Debrief::imported().now(NOW);
    let before = s.export();
    let pdf = s.write(
        "cv.pdf",
        b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<</Type/Catalog\x00\x01\x02>>\n",
    );
    let p = pdf.to_str().expect("path");
    for args in [
        vec!["lint", p],
        vec!["import-csv", "--from", "huntr", p],
        vec![
            "touch",
            "--app",
            "acme-analyst",
            "--person",
            "marie",
            "--kind",
            "thank-you",
            "--channel",
            "email",
            "--force",
            "--note",
            p,
        ],
    ] {
        let err = s.input_error(&args);
        assert!(
            err.contains("does not look like a text file"),
            "{args:?}: {err}"
        );
        assert!(err.contains("cv.pdf"), "{args:?}: {err}");
    }
    assert_eq!(s.export(), before);
}

#[test]
fn a_csv_in_windows_1252_is_read_and_named() {
    let s = Debrief::new().now(NOW);
    let csv = s.write(
        "jobs.csv",
        b"companyName,title,listName\nM\xFCller & S\xF6hne,Analyst,Applied\nCaf\xE9 Ren\xE9,Barista,Applied\n",
    );
    let out = s.run(&["import-csv", "--from", "huntr", csv.to_str().expect("path")]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("read it as windows-1252"),
        "{}",
        stderr(&out)
    );
    let companies: Vec<String> = s.export()["applications"]
        .as_array()
        .expect("apps")
        .iter()
        .map(|a| a["company"].as_str().unwrap_or("").to_string())
        .collect();
    assert!(
        companies.contains(&"Müller & Söhne".to_string()),
        "{companies:?}"
    );
    assert!(
        companies.contains(&"Café René".to_string()),
        "{companies:?}"
    );
}

/// Python's icalendar, when installed: `None` (and a loud note) when not.
fn icalendar_reads(file: &std::path::Path) -> Option<String> {
    let check = std::process::Command::new("python3")
        .args(["-c", "import icalendar"])
        .output();
    if !check.is_ok_and(|o| o.status.success()) {
        eprintln!(
            "\n!!! SKIPPED: validating the .ics export with Python's icalendar (pip install icalendar; .ci/run installs it)\n"
        );
        return None;
    }
    let out = std::process::Command::new("python3")
        .args([
            "-c",
            "import sys, icalendar\ncal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())\nprint('|'.join(str(e.get('SUMMARY')) + '@' + str(e.get('LOCATION')) for e in cal.walk('VEVENT')))",
            file.to_str().expect("path"),
        ])
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn control_characters_in_an_invite_never_reach_the_store_or_the_calendar_export() {
    let s = Debrief::imported().now(NOW);
    let invite = s.write(
        "ctl.ics",
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Hand-made//EN\r\nBEGIN:VEVENT\r\n\
         UID:ctl-1@acme.example\r\nDTSTAMP:20261120T120000Z\r\n\
         DTSTART:20261201T160000Z\r\nDTEND:20261201T170000Z\r\n\
         SUMMARY:Acme Corp \u{1}second interview\u{7}\r\n\
         LOCATION:Room\u{0} 4\\, Building\u{1b} B\r\n\
         ORGANIZER;CN=\"Marie^nDubois\":mailto:marie@acme.example\r\n\
         ATTENDEE;CN=Lee\u{1b}Kim:mailto:lee.kim@acme.example\r\n\
         END:VEVENT\r\nEND:VCALENDAR\r\n",
    );
    s.ok(&[
        "ics",
        "import",
        "--app",
        "acme-analyst",
        invite.to_str().expect("path"),
    ]);
    let data = s.export();
    let app = &data["applications"][0];
    let iv = app["interviews"]
        .as_array()
        .expect("interviews")
        .iter()
        .find(|i| i["invite"]["uid"] == "ctl-1@acme.example")
        .expect("the invite's interview");
    assert_eq!(iv["location"], "Room 4, Building B");
    let names: Vec<&str> = app["people"]
        .as_array()
        .expect("people")
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert!(names.contains(&"Lee Kim"), "{names:?}");

    let file = s.path("out.ics");
    s.ok(&["ics", "export", "-o", file.to_str().expect("path")]);
    let bytes = std::fs::read(&file).expect("export");
    let text = String::from_utf8(bytes).expect("UTF-8");
    assert!(
        !text
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\r' | '\n' | '\t')),
        "a control character in the export"
    );
    if let Some(read) = icalendar_reads(&file) {
        assert!(
            read.contains("Room 4\\, Building B") || read.contains("Room 4, Building B"),
            "{read}"
        );
    }
}
