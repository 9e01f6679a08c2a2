//! End to end: `debrief ics import|export|feed` and the feed of `debrief
//! serve`, through the real binary on a real SQLite file, with the shared
//! real-world calendars (../shared/fixtures/ics) and invites in the shapes
//! Google, Outlook, Teams and Zoom send (crates/ics/tests/invites).

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use common::Debrief;
use serde_json::Value;

/// A week before the invites' interviews (early December 2026).
const NOW: &str = "2026-11-26T09:00:00-06:00";

fn invite(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../ics/tests/invites")
        .join(name)
}

fn fixtures() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/ics");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!(
            "\n!!! SKIPPED: the shared calendar fixtures were not found at {}\n!!! (expected ../shared/fixtures/ics beside the checkout)\n",
            dir.display()
        );
        return vec![];
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "ics"))
        .collect();
    files.sort();
    files
}

impl Debrief {
    /// An empty store whose clock is [`NOW`].
    fn at_now() -> Debrief {
        Debrief::new().now(NOW)
    }

    /// Sam's profile, with the address the invites are sent to.
    fn with_profile() -> Debrief {
        let s = Debrief::at_now();
        s.ok(&[
            "profile",
            "--name",
            "Sam Rivera",
            "--timezone",
            "America/Chicago",
            "--holidays",
            "US",
            "--email",
            "sam.rivera@mail.example",
        ]);
        s
    }

    fn import(&self, file: &Path, extra: &[&str]) -> Value {
        let path = file.to_str().expect("utf-8 path");
        let mut args = vec!["ics", "import", path, "--json"];
        args.extend_from_slice(extra);
        self.json(&args)
    }

    /// `ics import FILE --json` expected to import nothing: the exit code
    /// and the JSON it still prints.
    fn nothing_imported(&self, file: &Path, extra: &[&str]) -> (Option<i32>, Value) {
        let path = file.to_str().expect("utf-8 path");
        let mut args = vec!["ics", "import", path, "--json"];
        args.extend_from_slice(extra);
        let out = self.run(&args);
        let v = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}): {}\n{}",
                common::stdout(&out),
                common::stderr(&out)
            )
        });
        (out.status.code(), v)
    }

    fn app(&self, id: &str) -> Value {
        self.export()["applications"]
            .as_array()
            .expect("applications")
            .iter()
            .find(|a| a["id"] == id)
            .cloned()
            .unwrap_or_else(|| panic!("no application {id}"))
    }
}

fn people(app: &Value) -> Vec<(String, String, Option<String>)> {
    app["people"]
        .as_array()
        .expect("people")
        .iter()
        .map(|p| {
            (
                p["id"].as_str().unwrap_or_default().to_string(),
                p["name"].as_str().unwrap_or_default().to_string(),
                p["email"].as_str().map(str::to_string),
            )
        })
        .collect()
}

#[test]
fn every_shared_fixture_is_read_in_a_dry_run_without_a_crash() {
    let s = Debrief::with_profile();
    s.ok(&["app", "add", "--company", "Acme Corp", "--id", "acme"]);
    let before = s.export();
    let files = fixtures();
    for file in &files {
        let name = file.display().to_string();
        for with_app in [true, false] {
            let mut args = vec!["ics", "import", name.as_str(), "--dry-run", "--json"];
            if with_app {
                args.extend(["--app", "acme"]);
            }
            let out = s.run(&args);
            let stderr = String::from_utf8_lossy(&out.stderr);
            match out.status.code() {
                Some(0) => {
                    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
                    assert_eq!(v["dry_run"], true);
                    let events = v["events"].as_array().expect("events");
                    assert!(!events.is_empty(), "{name}");
                    for w in v["warnings"].as_array().expect("warnings") {
                        assert!(
                            w.as_str().is_some_and(|w| w.starts_with("line ")),
                            "{name}: {w}"
                        );
                    }
                    if with_app {
                        assert!(
                            events
                                .iter()
                                .all(|e| e["application"] == "acme" || e["action"] == "ignore"),
                            "{name}: {events:#?}"
                        );
                    }
                }
                // Read, but no event found an application: the report
                // still says why, event by event.
                Some(1) => {
                    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
                    let events = v["events"].as_array().expect("events");
                    assert!(!events.is_empty(), "{name}");
                    assert!(events.iter().all(|e| e["action"] == "skip"), "{name}");
                    let warnings = v["warnings"].as_array().expect("warnings");
                    assert!(
                        warnings
                            .iter()
                            .any(|w| w.as_str().is_some_and(|w| w.contains(" skipped: "))),
                        "{name}: {warnings:#?}"
                    );
                }
                Some(2) => {
                    assert!(stderr.contains("line "), "{name}: {stderr}");
                    assert!(out.stdout.is_empty(), "{name}");
                }
                other => panic!("{name}: exit {other:?}\n{stderr}"),
            }
        }
    }
    assert_eq!(s.export(), before, "a dry run writes nothing");
    // With --app every fixture with a readable event is importable; only
    // the two whose one event has no start, and the one without events,
    // are refused.
    let refused: Vec<String> = files
        .iter()
        .filter(|f| {
            let name = f.to_str().expect("path");
            s.run(&["ics", "import", name, "--dry-run", "--app", "acme"])
                .status
                .code()
                == Some(2)
        })
        .map(|f| f.file_name().expect("name").to_string_lossy().into_owned())
        .collect();
    if !files.is_empty() {
        assert_eq!(
            refused,
            [
                "collective__icalendar__bom_calendar.ics",
                "collective__icalendar__event_with_unicode_organizer.ics",
                "collective__icalendar__rfc_6868.ics",
            ]
        );
    }
}

#[test]
fn a_teams_invite_creates_the_application_interview_and_people() {
    let s = Debrief::with_profile();
    let v = s.import(&invite("teams.ics"), &[]);
    let ev = &v["events"][0];
    assert_eq!(ev["action"], "create");
    assert_eq!(ev["start"], "2026-12-10T17:00:00Z");
    assert_eq!(ev["end"], "2026-12-10T18:30:00Z");
    assert_eq!(ev["status"], "scheduled");
    assert_eq!(ev["application"], "contoso");
    assert_eq!(ev["application_created"], true);
    assert!(
        ev["chosen_because"]
            .as_str()
            .is_some_and(|w| w.contains("talent@contoso.example")),
        "{ev}"
    );
    assert_eq!(v["created_applications"], serde_json::json!(["contoso"]));
    assert_eq!(v["warnings"], serde_json::json!([]));

    let app = s.app("contoso");
    assert_eq!(app["company"], "Contoso");
    assert_eq!(app["stage"], "interviewing", "a panel moves the stage on");
    let iv = &app["interviews"][0];
    assert_eq!(iv["start"], "2026-12-10T11:00:00-06:00");
    assert_eq!(iv["minutes"], 90);
    assert_eq!(iv["format"], "video");
    assert!(
        iv["link"]
            .as_str()
            .is_some_and(|l| l.starts_with("https://teams.microsoft.com/l/meetup-join/")),
        "{iv}"
    );
    assert_eq!(
        iv.get("location"),
        None,
        "'Microsoft Teams Meeting' is no place"
    );
    assert_eq!(iv["invite"]["sequence"], 1);
    assert_eq!(
        iv["interviewers"],
        serde_json::json!(["marie-dubois", "raj-patel"])
    );
    assert_eq!(
        people(&app),
        [
            (
                "marie-dubois".into(),
                "Marie Dubois".into(),
                Some("marie.dubois@contoso.example".into())
            ),
            (
                "raj-patel".into(),
                "Raj Patel".into(),
                Some("raj.patel@contoso.example".into())
            ),
            (
                "contoso-talent-team".into(),
                "Contoso Talent Team".into(),
                Some("talent@contoso.example".into())
            ),
        ],
        "Sam is not a person of their own application"
    );
    // The agenda knows the interview now: preparation for the panel.
    let agenda = s.json(&["agenda", "--json", "--app", "contoso"]);
    assert!(
        agenda["actions"]
            .as_array()
            .expect("actions")
            .iter()
            .any(|a| a["interview"] == iv["id"]),
        "{agenda:#}"
    );
}

#[test]
fn outlook_google_and_zoom_shapes() {
    let s = Debrief::with_profile();
    // Outlook on site: Windows zone, "Last, First" names, a room.
    s.import(&invite("outlook-onsite.ics"), &[]);
    let app = s.app("fabrikam");
    let iv = &app["interviews"][0];
    assert_eq!(iv["start"], "2026-12-08T03:00:00-06:00");
    assert_eq!(iv["format"], "in-person");
    assert_eq!(
        iv["location"],
        "Fabrikam GmbH, Friedrichstraße 123, 10117 Berlin"
    );
    let names: Vec<String> = people(&app).into_iter().map(|p| p.1).collect();
    assert_eq!(names, ["Anna Müller", "Jürgen Groß"]);

    // Google Meet: the address-only CN becomes a name; the title names the
    // company in full.
    s.import(&invite("google-meet.ics"), &[]);
    let app = s.app("northwind-traders");
    assert_eq!(app["company"], "Northwind Traders");
    assert_eq!(app["interviews"][0]["format"], "video");
    assert_eq!(
        app["interviews"][0]["link"],
        "https://meet.google.com/abc-defg-hij"
    );
    let names: Vec<String> = people(&app).into_iter().map(|p| p.1).collect();
    assert_eq!(names, ["Priya Raman", "Daniel Okafor"]);

    // Zoom: the organizer invites nobody else, so they are the interviewer.
    s.import(&invite("zoom.ics"), &[]);
    let app = s.app("tailspin-toys");
    assert_eq!(app["company"], "Tailspin Toys");
    assert_eq!(app["interviews"][0]["format"], "video");
    assert_eq!(
        app["interviews"][0]["interviewers"],
        serde_json::json!(["ananya-iyer"])
    );
    assert_eq!(app["people"][0]["kind"], "interviewer");

    // Outlook phone screen: the dial-in number is where it happens.
    s.import(&invite("phone-screen.ics"), &[]);
    let app = s.app("woodgrove-bank");
    assert_eq!(app["interviews"][0]["format"], "phone");
    assert_eq!(app["interviews"][0]["location"], "+44 20 7946 0018");
    assert_eq!(app["stage"], "screening");
}

#[test]
fn the_same_invite_twice_changes_nothing() {
    let s = Debrief::with_profile();
    s.import(&invite("teams.ics"), &[]);
    let once = s.export();
    let again = s.import(&invite("teams.ics"), &[]);
    assert_eq!(again["events"][0]["action"], "unchanged");
    assert_eq!(again["events"][0]["application"], "contoso");
    assert_eq!(again["warnings"], serde_json::json!([]));
    assert_eq!(s.export(), once);
    // Human output says so too.
    let text = s.ok(&["ics", "import", invite("teams.ics").to_str().expect("path")]);
    assert!(text.contains("Already imported as 'ics-"), "{text}");
    assert!(text.contains("Nothing to change."), "{text}");
    assert_eq!(s.export(), once);
}

#[test]
fn a_later_sequence_moves_the_interview_and_an_older_one_is_ignored() {
    let s = Debrief::with_profile();
    s.import(&invite("google-meet.ics"), &[]);
    let app = s.app("northwind-traders");
    let id = app["interviews"][0]["id"].clone();
    // The user records something of their own meanwhile.
    s.ok(&[
        "interview",
        "prepared",
        "--app",
        "northwind-traders",
        "--interview",
        id.as_str().expect("id"),
        "--questions",
        "3",
    ]);
    let v = s.import(&invite("google-meet-rescheduled.ics"), &[]);
    assert_eq!(v["events"][0]["action"], "update");
    assert_eq!(
        v["events"][0]["people_added"],
        serde_json::json!(["lee-chen"])
    );
    let app = s.app("northwind-traders");
    let iv = &app["interviews"][0];
    assert_eq!(iv["id"], id);
    assert_eq!(iv["start"], "2026-12-04T11:00:00-06:00");
    assert_eq!(iv["minutes"], 75);
    assert_eq!(iv["invite"]["sequence"], 1);
    assert_eq!(iv["prepared"]["questions"], 3, "the user's record survives");
    assert_eq!(app["interviews"].as_array().map(Vec::len), Some(1));

    let after = s.export();
    let stale = s.import(&invite("google-meet.ics"), &[]);
    assert_eq!(stale["events"][0]["action"], "ignore");
    let warning = stale["warnings"][0].as_str().expect("a warning");
    assert!(
        warning.contains("ignored: it is SEQUENCE 0, older than the SEQUENCE 1 already imported"),
        "{warning}"
    );
    let text = s.ok(&[
        "ics",
        "import",
        invite("google-meet.ics").to_str().expect("path"),
    ]);
    assert!(text.contains("0 unchanged, 1 ignored, 0 skipped"), "{text}");
    assert_eq!(s.export(), after);
}

#[test]
fn a_cancellation_cancels() {
    let s = Debrief::with_profile();
    s.import(&invite("teams.ics"), &[]);
    let v = s.import(&invite("teams-cancel.ics"), &[]);
    assert_eq!(v["events"][0]["status"], "cancelled");
    assert_eq!(v["events"][0]["action"], "update");
    let iv = &s.app("contoso")["interviews"][0];
    assert_eq!(iv["status"], "cancelled");
    assert_eq!(iv["invite"]["sequence"], 2);
    assert!(
        iv["link"].is_string(),
        "a cancellation keeps the meeting's details"
    );
    assert_eq!(
        iv["interviewers"],
        serde_json::json!(["marie-dubois", "raj-patel"]),
        "the organizer of a shorter cancellation is no new interviewer"
    );
    // A cancellation for an interview never imported creates nothing.
    let fresh = Debrief::with_profile();
    let v = fresh.import(&invite("teams-cancel.ics"), &[]);
    assert_eq!(v["events"][0]["action"], "ignore");
    assert_eq!(fresh.export()["applications"], serde_json::json!([]));
}

#[test]
fn a_file_of_several_events_imports_each_and_names_what_it_skipped() {
    let s = Debrief::with_profile();
    s.ok(&["app", "add", "--company", "Adatum", "--id", "adatum"]);
    let v = s.import(&invite("quirks.ics"), &["--app", "adatum"]);
    let actions: Vec<&str> = v["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| e["action"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(actions, ["create", "create", "create"]);
    let warnings: Vec<&str> = v["warnings"]
        .as_array()
        .expect("warnings")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        warnings.iter().any(|w| w.starts_with("line 15: skipped")),
        "{warnings:#?}"
    );
    let app = s.app("adatum");
    assert_eq!(app["interviews"].as_array().map(Vec::len), Some(3));
    let first = &app["interviews"][0];
    assert_eq!(
        first["start"], "2026-12-13T23:30:00-06:00",
        "India Standard Time"
    );
    assert_eq!(first["minutes"], 45);
    assert_eq!(first["location"], "Adatum Tower, Floor 12");
    assert_eq!(first["format"], "in-person");
    // "Meera 'Mia' Shah" (organizer, RFC 6868) and "Meera Shah" (chair)
    // share one address: one person.
    let names: Vec<String> = people(&app).into_iter().map(|p| p.1).collect();
    assert_eq!(names, ["Meera Shah", "Tomás Ortega"]);

    // Without --app: the first event's addresses name Adatum; the others
    // name nothing and follow it, saying so.
    let s = Debrief::with_profile();
    s.ok(&["app", "add", "--company", "Adatum", "--id", "adatum"]);
    let v = s.import(&invite("quirks.ics"), &[]);
    let apps: Vec<&str> = v["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| e["application"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(apps, ["adatum", "adatum", "adatum"]);
    assert!(
        v["events"][1]["chosen_because"]
            .as_str()
            .is_some_and(|w| w.contains("one file with 'Final round, Adatum")),
        "{v:#}"
    );
}

#[test]
fn all_day_floating_and_utc_times() {
    let s = Debrief::with_profile();
    s.ok(&["app", "add", "--company", "Globex", "--id", "globex"]);
    let file = s.write(
        "times.ics",
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\n\
         BEGIN:VEVENT\r\nUID:allday@globex.example\r\nDTSTART;VALUE=DATE:20261207\r\nDTEND;VALUE=DATE:20261208\r\nSUMMARY:Globex assessment day\r\nLOCATION:Globex HQ\\, 1 Main St\r\nEND:VEVENT\r\n\
         BEGIN:VEVENT\r\nUID:floating@globex.example\r\nDTSTART:20261208T100000\r\nDTEND:20261208T103000\r\nSUMMARY:Globex phone screen\r\nEND:VEVENT\r\n\
         BEGIN:VEVENT\r\nUID:utc@globex.example\r\nDTSTART:20261209T150000Z\r\nDURATION:PT1H\r\nSUMMARY:Globex video call\r\nEND:VEVENT\r\n\
         END:VCALENDAR\r\n",
    );
    let v = s.import(&file, &["--app", "globex"]);
    assert_eq!(v["events"][0]["start"], "2026-12-07");
    assert_eq!(v["events"][0]["end"], "2026-12-08");
    // Floating: the profile's zone (Chicago, UTC-6 in December).
    assert_eq!(v["events"][1]["start"], "2026-12-08T16:00:00Z");
    assert_eq!(v["events"][2]["end"], "2026-12-09T16:00:00Z");
    let app = s.app("globex");
    let ivs = app["interviews"].as_array().expect("interviews");
    assert_eq!(ivs[0]["start"], "2026-12-07T09:00:00-06:00");
    assert_eq!(ivs[0]["minutes"], 480);
    assert_eq!(ivs[0]["format"], "in-person");
    assert_eq!(ivs[1]["start"], "2026-12-08T10:00:00-06:00");
    assert_eq!(ivs[1]["format"], "phone");
    assert_eq!(ivs[2]["start"], "2026-12-09T09:00:00-06:00");
    assert_eq!(ivs[2]["format"], "video");
}

#[test]
fn invites_find_the_application_they_belong_to_and_say_why() {
    let s = Debrief::with_profile();
    s.ok(&[
        "app",
        "add",
        "--company",
        "Contoso Ltd",
        "--role",
        "Product Manager",
        "--id",
        "contoso-pm",
    ]);
    s.ok(&[
        "app",
        "add",
        "--company",
        "Contoso Ltd",
        "--role",
        "Data Analyst",
        "--id",
        "contoso-da",
    ]);
    s.ok(&["app", "add", "--company", "Fabrikam", "--id", "fab"]);
    // Two applications at Contoso: the title's role settles it.
    let v = s.import(&invite("teams.ics"), &[]);
    assert_eq!(v["events"][0]["application"], "contoso-pm");
    let why = v["events"][0]["chosen_because"].as_str().expect("why");
    assert!(why.contains("Contoso Ltd") && why.contains("role"), "{why}");
    // The company's domain names Fabrikam.
    let v = s.import(&invite("outlook-onsite.ics"), &[]);
    assert_eq!(v["events"][0]["application"], "fab");
    assert_eq!(v["created_applications"], serde_json::json!([]));
    // --app wins, but an invite is never copied into a second application:
    // the file was read, so exit 1 with the report, not exit 2.
    let before = s.export();
    let (code, v) = s.nothing_imported(&invite("teams.ics"), &["--app", "fab"]);
    assert_eq!(code, Some(1));
    assert_eq!(v["events"][0]["action"], "skip");
    let warning = v["warnings"][0].as_str().expect("a warning");
    assert!(
        warning.contains("imported into application 'contoso-pm' already"),
        "{warning}"
    );
    assert_eq!(s.export(), before);
    let err = s.input_error(&[
        "ics",
        "import",
        invite("teams.ics").to_str().expect("path"),
        "--app",
        "contso-pm",
    ]);
    assert!(err.contains("did you mean 'contoso-pm'"), "{err}");
}

#[test]
fn a_gmail_organizer_names_no_company() {
    let s = Debrief::with_profile();
    let file = s.write(
        "gmail.ics",
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x1@google.com\r\nDTSTART:20261203T150000Z\r\nSUMMARY:Chat\r\nORGANIZER;CN=Jo Recruiter:mailto:jo.recruiter@gmail.com\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
    );
    let before = s.export();
    // Exit 1 (the file was read; nothing in it found an application), and
    // --json still answers {events, warnings}.
    let (code, v) = s.nothing_imported(&file, &[]);
    assert_eq!(code, Some(1));
    assert_eq!(v["events"][0]["action"], "skip");
    assert_eq!(v["events"][0]["summary"], "Chat");
    let warning = v["warnings"][0].as_str().expect("a warning");
    assert!(warning.contains("line 2: 'Chat'"), "{warning}");
    assert!(warning.contains("gmail.com"), "{warning}");
    assert!(warning.contains("--app"), "{warning}");
    // People read the same on standard output.
    let out = s.run(&["ics", "import", file.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(1));
    let text = common::stdout(&out);
    assert!(text.contains("line 2: 'Chat'"), "{text}");
    assert!(text.contains("Nothing imported."), "{text}");
    assert_eq!(s.export(), before);
}

#[test]
fn debriefs_own_calendar_export_is_recognised_and_not_imported() {
    let s = Debrief::with_profile();
    s.import(&invite("teams.ics"), &[]);
    s.ok(&["app", "add", "--company", "Globex", "--id", "globex"]);
    let file = s.path("mine.ics");
    s.ok(&["ics", "export", "-o", file.to_str().expect("path")]);
    let before = s.export();
    let (code, v) = s.nothing_imported(&file, &[]);
    assert_eq!(code, Some(1));
    let events = v["events"].as_array().expect("events");
    assert!(events.len() >= 2, "an interview and an action: {v:#}");
    assert!(events.iter().all(|e| e["action"] == "skip"), "{v:#}");
    assert_eq!(
        v["warnings"],
        serde_json::json!(["this is Debrief's own calendar export; nothing to import"])
    );
    // Not even with --app: that would turn actions into interviews.
    let (code, _) = s.nothing_imported(&file, &["--app", "globex"]);
    assert_eq!(code, Some(1));
    let out = s.run(&["ics", "import", file.to_str().expect("path")]);
    let text = common::stdout(&out);
    assert!(text.contains("Debrief's own calendar export"), "{text}");
    assert!(
        !text.contains("Skipped (see warnings)"),
        "one warning: {text}"
    );
    assert_eq!(s.export(), before, "no duplicate interviews");
}

#[test]
fn the_end_reported_is_the_end_stored() {
    let s = Debrief::with_profile();
    s.ok(&["app", "add", "--company", "Globex", "--id", "globex"]);
    let file = s.write(
        "noend.ics",
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:noend@globex.example\r\nDTSTART:20261203T150000Z\r\nSUMMARY:Globex call\r\nEND:VEVENT\r\n\
         BEGIN:VEVENT\r\nUID:backwards@globex.example\r\nDTSTART:20261204T150000Z\r\nDTEND:20261204T140000Z\r\nSUMMARY:Globex panel\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
    );
    let v = s.import(&file, &["--app", "globex"]);
    assert_eq!(v["events"][0]["start"], "2026-12-03T15:00:00Z");
    assert_eq!(v["events"][0]["end"], "2026-12-03T16:00:00Z");
    assert_eq!(v["events"][1]["end"], "2026-12-04T16:00:00Z");
    let app = s.app("globex");
    assert_eq!(app["interviews"][0]["minutes"], 60);
    // Again: unchanged, and the same end.
    let again = s.import(&file, &["--app", "globex"]);
    assert_eq!(again["events"][0]["action"], "unchanged");
    assert_eq!(again["events"][0]["end"], "2026-12-03T16:00:00Z");
}

#[test]
fn broken_files_exit_2_naming_the_line_and_change_nothing() {
    let s = Debrief::with_profile();
    s.import(&invite("teams.ics"), &[]);
    let before = s.export();
    let cases = [
        ("notes.ics", "Dear Marie,\nthank you\n", "line 1"),
        ("empty.ics", "", "line 1"),
        (
            "html.ics",
            "\n\n<html><body>Not found</body></html>\n",
            "line 3",
        ),
        (
            "nostart.ics",
            "BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:a\nSUMMARY:No start\nEND:VEVENT\nEND:VCALENDAR\n",
            "line 3: VEVENT 'No start' has no DTSTART",
        ),
        (
            "todo.ics",
            "BEGIN:VCALENDAR\nBEGIN:VTODO\nUID:t\nEND:VTODO\nEND:VCALENDAR\n",
            "line 5: the calendar ends without any event",
        ),
    ];
    for (name, text, expected) in cases {
        let file = s.write(name, text);
        for dry in [false, true] {
            let mut args = vec!["ics", "import", file.to_str().expect("path"), "--json"];
            if dry {
                args.push("--dry-run");
            }
            let err = s.input_error(&args);
            assert!(err.contains(expected), "{name}: {err}");
        }
    }
    let binary = s.dir().join("random.ics");
    std::fs::write(
        &binary,
        (0..=255u8).cycle().take(10_000).collect::<Vec<u8>>(),
    )
    .expect("write");
    let err = s.input_error(&["ics", "import", binary.to_str().expect("path")]);
    assert!(err.contains("line "), "{err}");
    let err = s.input_error(&["ics", "import", "/no/such/file.ics"]);
    assert!(err.contains("cannot read /no/such/file.ics"), "{err}");
    assert_eq!(s.export(), before, "the store is unchanged");
}

#[test]
fn standard_input_and_dry_run_print_the_same_json() {
    let s = Debrief::with_profile();
    let text = std::fs::read_to_string(invite("zoom.ics")).expect("read");
    let run = |args: &[&str]| -> Value {
        let out = s.run_with_stdin(args, text.as_bytes());
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("JSON")
    };
    let mut dry = run(&["ics", "import", "-", "--dry-run", "--json"]);
    assert_eq!(s.export()["applications"], serde_json::json!([]));
    let mut real = run(&["ics", "import", "-", "--json"]);
    assert_eq!(dry["dry_run"], true);
    assert_eq!(real["dry_run"], false);
    dry["dry_run"] = Value::Null;
    real["dry_run"] = Value::Null;
    assert_eq!(dry, real);
    assert_eq!(s.export()["applications"][0]["id"], "tailspin-toys");
}

#[test]
fn the_exchange_format_keeps_the_invite_so_reimport_after_a_restore_is_idempotent() {
    let s = Debrief::with_profile();
    s.import(&invite("teams.ics"), &[]);
    let backup = s.dir().join("backup.json");
    s.ok(&["export", "-o", backup.to_str().expect("path")]);
    let restored = Debrief::at_now();
    restored.ok(&["import", backup.to_str().expect("path")]);
    assert_eq!(restored.export(), s.export());
    let v = restored.import(&invite("teams.ics"), &[]);
    assert_eq!(v["events"][0]["action"], "unchanged");
    assert_eq!(restored.export(), s.export());
}

const PY_READ: &str = r#"
import sys, json, datetime
import icalendar
cal = icalendar.Calendar.from_ical(open(sys.argv[1], "rb").read())
def utc(v):
    return v.dt.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
print(json.dumps({
    "calendar": str(cal.get("X-WR-CALNAME")),
    "events": [{
        "uid": str(e.get("UID")),
        "summary": str(e.get("SUMMARY")),
        "start": utc(e.get("DTSTART")),
        "status": str(e.get("STATUS")),
        "location": str(e.get("LOCATION")) if e.get("LOCATION") else None,
        "alarms": [int(a.get("TRIGGER").dt.total_seconds()) for a in e.walk("VALARM")],
    } for e in cal.walk("VEVENT")],
}))
"#;

fn python_icalendar() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import icalendar"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        eprintln!(
            "\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\
             !!! SKIPPED: validating `debrief ics export` with an independent parser.\n\
             !!! python3 with the `icalendar` module was not found.\n\
             !!! Run `pip install icalendar` to enable it (.ci/run installs it).\n\
             !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
        );
    }
    ok
}

#[test]
fn the_exported_calendar_is_read_by_python_icalendar() {
    let s = Debrief::with_profile();
    for name in ["teams.ics", "outlook-onsite.ics", "google-meet.ics"] {
        s.import(&invite(name), &[]);
    }
    s.import(&invite("teams-cancel.ics"), &[]);
    let file = s.dir().join("debrief.ics");
    let said = s.ok(&["ics", "export", "-o", file.to_str().expect("path")]);
    let agenda = s.json(&["agenda", "--json"]);
    let actions = agenda["actions"].as_array().expect("actions").len();
    assert!(actions > 0);
    assert!(
        said.contains(&format!("3 interview(s) and {actions} open action(s)")),
        "{said}"
    );
    let text = std::fs::read_to_string(&file).expect("written");
    assert!(text.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
    assert_eq!(text.matches("BEGIN:VEVENT").count(), 3 + actions);
    // Standard output gives the same calendar.
    assert_eq!(s.ok(&["ics", "export"]), text);
    // One application's calendar.
    let one = s.ok(&["ics", "export", "--app", "fabrikam"]);
    assert!(one.contains("X-WR-CALNAME:Debrief: Fabrikam"));
    assert!(!one.contains("Contoso"));

    if !python_icalendar() {
        return;
    }
    let out = Command::new("python3")
        .args(["-c", PY_READ, file.to_str().expect("path")])
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "python icalendar refused the export: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON from python");
    let events = v["events"].as_array().expect("events");
    assert_eq!(events.len(), 3 + actions);
    let by_uid = |prefix: &str| {
        events
            .iter()
            .find(|e| e["uid"].as_str().is_some_and(|u| u.starts_with(prefix)))
            .unwrap_or_else(|| panic!("no {prefix} in {events:#?}"))
    };
    let onsite = by_uid("interview/fabrikam/");
    assert_eq!(onsite["start"], "2026-12-08T09:00:00Z");
    assert_eq!(
        onsite["location"],
        "Fabrikam GmbH, Friedrichstraße 123, 10117 Berlin"
    );
    assert_eq!(onsite["alarms"], serde_json::json!([-86400, -7200]));
    let cancelled = by_uid("interview/contoso/");
    assert_eq!(cancelled["status"], "CANCELLED");
    assert_eq!(cancelled["alarms"], serde_json::json!([]));
    let video = by_uid("interview/northwind-traders/");
    assert_eq!(video["location"], "https://meet.google.com/abc-defg-hij");
    // Every open action is an event with its reminders, due when the
    // agenda says.
    for a in agenda["actions"].as_array().expect("actions") {
        let uid = format!(
            "action/{}/{}/{}/{}@debrief",
            a["rule"].as_str().expect("rule"),
            a["application"].as_str().expect("app"),
            a["interview"].as_str().unwrap_or("-"),
            a["person"].as_str().unwrap_or("-")
        );
        let ev = events
            .iter()
            .find(|e| e["uid"] == uid.as_str())
            .unwrap_or_else(|| panic!("no event {uid}"));
        assert_eq!(ev["alarms"], serde_json::json!([-86400, 0]), "{uid}");
        let due: jiff::Timestamp = a["due"].as_str().expect("due").parse().expect("ts");
        assert_eq!(
            ev["start"].as_str(),
            Some(due.strftime("%Y-%m-%dT%H:%M:%SZ").to_string().as_str())
        );
    }
}

/// `debrief serve` on a free port, stopped (by its own pid) when dropped.
struct Server {
    child: Child,
    addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(s: &Debrief) -> Server {
    let mut child = s
        .command(&["serve", "--addr", "127.0.0.1:0"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn debrief serve");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let addr = loop {
        let line = lines
            .next()
            .expect("serve printed its address")
            .expect("line");
        if let Some(rest) = line.split_once(" at http://").map(|(_, r)| r) {
            break rest.trim_end_matches('/').to_string();
        }
    };
    // Keep draining so the server never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));
    Server { child, addr }
}

/// A plain HTTP/1.1 GET; returns the status line, the headers and the body.
fn http_get(addr: &str, path: &str) -> (u16, String, String) {
    let mut stream = std::net::TcpStream::connect(addr).expect("connect");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let mut response = Vec::new();
    stream.read_to_end(&mut response).expect("read");
    let text = String::from_utf8_lossy(&response).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, head.to_ascii_lowercase(), body.to_string())
}

#[test]
fn the_feed_is_served_by_debrief_serve_and_revoked() {
    let s = Debrief::with_profile();
    s.import(&invite("teams.ics"), &[]);
    let first = s.json(&["ics", "feed", "--json"]);
    assert_eq!(first["renewed"], true);
    let path = first["path"].as_str().expect("path").to_string();
    assert!(
        first["url"]
            .as_str()
            .is_some_and(|u| u == format!("http://127.0.0.1:7878{path}"))
    );
    // Asking again shows the same address.
    assert_eq!(s.json(&["ics", "feed", "--json"])["path"], path.as_str());
    let human = s.ok(&["ics", "feed"]);
    assert!(
        human.contains(&path) && human.contains("--revoke"),
        "{human}"
    );

    let server = serve(&s);
    let (status, head, body) = http_get(&server.addr, &path);
    assert_eq!(status, 200, "{head}\n{body}");
    assert!(head.contains("content-type: text/calendar"), "{head}");
    assert!(head.contains("cache-control: private, no-store"), "{head}");
    assert!(body.contains("SUMMARY:Interview: Contoso"), "{body}");
    assert!(body.contains("BEGIN:VALARM"));
    assert_eq!(http_get(&server.addr, "/calendar/guess.ics").0, 404);

    // Revoked from the command line while the server runs: the old address
    // is dead at once, the new one works.
    let renewed = s.json(&["ics", "feed", "--revoke", "--json"]);
    assert_eq!(renewed["renewed"], true);
    let new_path = renewed["path"].as_str().expect("path").to_string();
    assert_ne!(new_path, path);
    let (status, head, _) = http_get(&server.addr, &path);
    assert_eq!(status, 404);
    assert!(head.contains("no-store"), "{head}");
    assert_eq!(http_get(&server.addr, &new_path).0, 200);

    s.ok(&["ics", "feed", "--off"]);
    assert_eq!(http_get(&server.addr, &new_path).0, 404);
    assert_eq!(
        s.json(&["ics", "feed", "--off", "--json"])["url"],
        Value::Null
    );
    // The secret is not data: it is never exported.
    let export = s.ok(&["export"]);
    assert!(!export.contains(&new_path[10..40]));
}

/// Several files and a folder import in one go: one report, one write,
/// each file's events and warnings under its name in `--json`.
#[test]
fn several_files_and_a_folder_import_together() {
    let s = Debrief::with_profile();
    let dir = s.dir().join("invites");
    std::fs::create_dir(&dir).expect("folder");
    for name in ["teams.ics", "zoom.ics"] {
        std::fs::copy(invite(name), dir.join(name)).expect("copy");
    }
    std::fs::write(dir.join("notes.txt"), "not an invite").expect("write");
    let google = invite("google-meet.ics");
    let google = google.to_str().expect("path");
    let folder = dir.to_str().expect("path");

    let dry = s.json(&["ics", "import", google, folder, "--dry-run", "--json"]);
    let files: Vec<&str> = dry["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|f| f["file"].as_str().expect("file"))
        .collect();
    assert_eq!(files.len(), 3, "{dry}");
    assert_eq!(files[0], google);
    assert!(files[1].ends_with("teams.ics") && files[2].ends_with("zoom.ics"));
    assert_eq!(dry["dry_run"], true);
    for f in dry["files"].as_array().expect("files") {
        assert!(
            f["events"]
                .as_array()
                .is_some_and(|e| e.iter().all(|e| e["action"] == "create")),
            "{f}"
        );
    }
    assert!(
        s.export()["applications"]
            .as_array()
            .is_some_and(Vec::is_empty),
        "a dry run writes nothing"
    );

    let human = s.ok(&["ics", "import", google, folder]);
    assert!(human.contains(&format!("== {google}")), "{human}");
    assert!(human.contains("3 file(s), 3 event(s): 3 new"), "{human}");
    let interviews: usize = s.export()["applications"]
        .as_array()
        .expect("applications")
        .iter()
        .map(|a| a["interviews"].as_array().map_or(0, Vec::len))
        .sum();
    assert_eq!(interviews, 3);

    // Again: every event already imported, in one report.
    let again = s.json(&["ics", "import", folder, "--json"]);
    assert!(again["files"].as_array().is_some_and(|f| f.len() == 2));
    assert!(
        again["created_applications"]
            .as_array()
            .is_some_and(Vec::is_empty)
    );
}

/// One file that is not a calendar stops the whole import, naming it, and
/// nothing of the others is written.
#[test]
fn a_bad_file_among_several_writes_nothing() {
    let s = Debrief::with_profile();
    let bad = s.write("bad.ics", "hello\nworld\n");
    let teams = invite("teams.ics");
    let err = s.input_error(&[
        "ics",
        "import",
        teams.to_str().expect("path"),
        bad.to_str().expect("path"),
    ]);
    assert!(
        err.contains("bad.ics") && err.contains("not a calendar"),
        "{err}"
    );
    assert!(
        s.export()["applications"]
            .as_array()
            .is_some_and(Vec::is_empty)
    );
    let empty = s.dir().join("empty");
    std::fs::create_dir(&empty).expect("folder");
    let err = s.input_error(&["ics", "import", empty.to_str().expect("path")]);
    assert!(err.contains("no .ics file"), "{err}");
}

/// Among several files, a calendar with no event to import (an empty
/// export) is said in the report and the others import; alone, it is
/// refused as before.
#[test]
fn an_empty_calendar_among_several_is_reported_and_the_others_import() {
    let s = Debrief::with_profile();
    let empty = s.write(
        "empty.ics",
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\nEND:VCALENDAR\r\n",
    );
    let teams = invite("teams.ics");
    let (teams, empty) = (teams.to_str().expect("path"), empty.to_str().expect("path"));
    let report = s.json(&["ics", "import", teams, empty, "--json"]);
    let files = report["files"].as_array().expect("files");
    assert_eq!(files.len(), 2, "{report}");
    assert!(files[1]["events"].as_array().is_some_and(Vec::is_empty));
    let warning = files[1]["warnings"][0].as_str().expect("a warning");
    assert!(
        warning.contains("without any event") && warning.contains("nothing imported"),
        "{warning}"
    );
    assert_eq!(
        s.export()["applications"].as_array().map(Vec::len),
        Some(1),
        "the Teams invite was imported"
    );
    let human = s.ok(&["ics", "import", teams, empty]);
    assert!(human.contains("nothing imported from this file"), "{human}");
    let err = s.input_error(&["ics", "import", empty]);
    assert!(err.contains("without any event"), "{err}");
}

#[test]
fn a_google_invite_never_adds_a_new_user_as_a_person() {
    // A new user: a name, no addresses on file. The invite lists them as
    // "Sam Rivera <sam.rivera@mail.example>".
    let s = Debrief::at_now();
    s.ok(&[
        "profile",
        "--name",
        "Sam Rivera",
        "--timezone",
        "America/Chicago",
    ]);
    s.import(&invite("google-meet.ics"), &[]);
    let app = s.app("northwind-traders");
    let names: Vec<String> = people(&app).into_iter().map(|p| p.1).collect();
    assert!(!names.iter().any(|n| n.contains("Sam")), "{names:?}");
    assert!(names.iter().any(|n| n == "Priya Raman"), "{names:?}");
    // So no "Thank Sam Rivera" later: Sam is nobody's interviewer.
    let interviewers = app["interviews"][0]["interviewers"].to_string();
    assert!(!interviewers.contains("sam"), "{interviewers}");

    // Another name on file, but the mail settings' sender is the invite's
    // address: still not a person.
    let s = Debrief::at_now().env("DEBRIEF_MAIL_FROM", "sam.rivera@mail.example");
    s.ok(&[
        "profile",
        "--name",
        "Samantha R.",
        "--timezone",
        "America/Chicago",
    ]);
    s.import(&invite("google-meet.ics"), &[]);
    let names: Vec<String> = people(&s.app("northwind-traders"))
        .into_iter()
        .map(|p| p.1)
        .collect();
    assert!(!names.iter().any(|n| n.contains("Sam")), "{names:?}");
}

/// A calendar of `n` interviews, each with its own company, on the
/// mornings of December (09:00–09:45 Chicago).
fn companies_calendar(n: usize) -> String {
    calendar_of((0..n).map(company_event))
}

/// Interview `i` of [`companies_calendar`], with Company`i`.
fn company_event(i: usize) -> String {
    let day = 201 + i % 28;
    format!(
        "BEGIN:VEVENT\r\nUID:big-{i}@test\r\nDTSTAMP:20261120T120000Z\r\n\
         DTSTART:20261{day:03}T150000Z\r\nDTEND:20261{day:03}T154500Z\r\n\
         SUMMARY:Interview with Company{i:02}\r\n\
         ORGANIZER;CN=Recruiter {i}:mailto:jobs@company{i:02}.example\r\n\
         ATTENDEE;CN=Sam Rivera:mailto:sam.rivera@mail.example\r\nEND:VEVENT\r\n"
    )
}

/// A calendar file holding `events`.
fn calendar_of(events: impl Iterator<Item = String>) -> String {
    let mut ics = String::from("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n");
    ics.extend(events);
    ics.push_str("END:VCALENDAR\r\n");
    ics
}

/// The human report of a big import lists a screenful of events, says
/// how many more there are and names the applications it made; `--all`
/// lists every event, and the morning's times read the same at both ends.
#[test]
fn a_big_import_reports_a_screenful_and_all_lists_every_event() {
    let s = Debrief::with_profile();
    let file = s.dir().join("big.ics");
    std::fs::write(&file, companies_calendar(25)).expect("write");
    let path = file.to_str().expect("path");

    let dry = s.ok(&["ics", "import", path, "--dry-run"]);
    let listed = |out: &str| out.matches("Interview with Company").count();
    assert_eq!(listed(&dry), 20, "{dry}");
    assert!(
        dry.contains("… and 5 more event(s) (debrief ics import --all"),
        "{dry}"
    );
    // Nothing is made by a dry run: no "debrief app list" to look at.
    assert!(
        dry.contains("25 application(s) would be made: 'company00', 'company01',"),
        "{dry}"
    );
    assert!(dry.contains("'company09' and 15 more\n"), "{dry}");
    assert!(
        dry.contains("Tue 1 Dec, 9:00–9:45 · format not stated"),
        "{dry}"
    );
    assert!(dry.contains("25 event(s): 25 new"), "{dry}");

    let saved = s.ok(&["ics", "import", path]);
    assert_eq!(listed(&saved), 20, "{saved}");
    assert!(
        saved.contains("25 new application(s): 'company00', 'company01',"),
        "{saved}"
    );
    assert!(
        saved.contains("'company09' and 15 more (debrief app list)"),
        "{saved}"
    );
    assert!(saved.contains("25 event(s): 25 new, 0 updated"), "{saved}");

    let all = s.ok(&["ics", "import", path, "--all"]);
    assert_eq!(listed(&all), 25, "{all}");
    assert!(!all.contains("more event(s)"), "{all}");
    assert!(
        all.contains("25 event(s): 0 new, 0 updated, 25 unchanged"),
        "{all}"
    );

    // Many files: a screenful across them, files past it are not named.
    let dir = s.dir().join("folder");
    std::fs::create_dir(&dir).expect("folder");
    for i in 0..25 {
        let one = calendar_of(std::iter::once(company_event(i)));
        std::fs::write(dir.join(format!("{i:02}.ics")), one).expect("write");
    }
    let folder = s.ok(&["ics", "import", dir.to_str().expect("path")]);
    assert_eq!(folder.matches("== ").count(), 20, "{folder}");
    assert!(folder.contains("… and 5 more event(s)"), "{folder}");
    assert!(
        folder.contains("25 file(s), 25 event(s): 0 new, 0 updated, 25 unchanged"),
        "{folder}"
    );
}
