//! Calendar invites and other trackers' CSV exports in, the calendar file
//! out: the API (`/api/v1/ics/import`, `/api/v1/ics/export`,
//! `/api/v1/import-csv`) and the pages (Import, its previews, the
//! application page's invite form), over a real server, a real SQLite file
//! and the real invites in `crates/ics/tests/invites`.

mod common;

use common::*;
use serde_json::{Value, json};

/// A week before the invites' interviews.
const BEFORE: &str = "2026-11-26T09:00:00-06:00";

fn invite(name: &str) -> Vec<u8> {
    let path = format!("{}/../ics/tests/invites/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Sam's store, with the address the invites are sent to.
fn seeded() -> Server {
    let s = Server::start(Some(BEFORE));
    let mut data = sample();
    data["profile"]["emails"] = json!(["sam.rivera@mail.example"]);
    let r = post_json(&s, "/api/v1/import", &data);
    assert_eq!(r.status, 200, "{}", r.body);
    s
}

fn ids(s: &Server) -> Vec<String> {
    get(s, "/api/v1/applications")
        .json()
        .as_array()
        .expect("applications")
        .iter()
        .map(|a| a["id"].as_str().expect("id").to_string())
        .collect()
}

fn import_ics(s: &Server, query: &str, body: &[u8]) -> Reply {
    post_bytes(
        s,
        &format!("/api/v1/ics/import{query}"),
        "text/calendar",
        body,
    )
}

#[test]
fn an_invite_is_previewed_imported_once_updated_and_cancelled() {
    let s = seeded();
    let teams = invite("teams.ics");

    // The dry run says what would happen and writes nothing.
    let r = import_ics(&s, "?dry_run=true", &teams);
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    assert_eq!(v["dry_run"], true);
    let ev = &v["events"][0];
    assert_eq!(ev["action"], "create");
    assert_eq!(ev["format"], "video");
    let app = ev["application"].as_str().expect("application").to_string();
    assert_eq!(v["created_applications"], json!([app.clone()]));
    assert!(
        ev["chosen_because"]
            .as_str()
            .expect("why")
            .contains("contoso"),
        "{ev}"
    );
    assert!(!ids(&s).contains(&app), "a dry run writes nothing");

    // Imported: the interview with its people and its Teams link.
    let r = import_ics(&s, "", &teams);
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["dry_run"], false);
    let a = get(&s, &format!("/api/v1/applications/{app}")).json();
    let iv = &a["interviews"][0];
    let iv_id = iv["id"].as_str().expect("interview id").to_string();
    assert!(iv_id.starts_with("ics-"), "{iv_id}");
    assert!(
        iv["link"]
            .as_str()
            .expect("link")
            .starts_with("https://teams.microsoft.com/")
    );
    let names: Vec<&str> = a["people"]
        .as_array()
        .expect("people")
        .iter()
        .map(|p| p["name"].as_str().expect("name"))
        .collect();
    assert!(
        names.contains(&"Marie Dubois") && names.contains(&"Raj Patel"),
        "{names:?}"
    );
    assert!(!names.contains(&"Sam Rivera"), "you are not one of them");

    // Again: nothing changes.
    let again = import_ics(&s, "", &teams).json();
    assert_eq!(again["events"][0]["action"], "unchanged");
    assert_eq!(again["created_applications"], json!([]));
    assert_eq!(
        get(&s, &format!("/api/v1/applications/{app}")).json(),
        a,
        "the same invite twice changes nothing"
    );

    // A cancellation (higher SEQUENCE) marks it cancelled.
    let cancel = import_ics(&s, "", &invite("teams-cancel.ics")).json();
    assert_eq!(cancel["events"][0]["action"], "update", "{cancel}");
    let iv = get(
        &s,
        &format!("/api/v1/applications/{app}/interviews/{iv_id}"),
    )
    .json();
    assert_eq!(iv["status"], "cancelled");
}

#[test]
fn a_later_sequence_updates_and_app_puts_it_where_you_say() {
    let s = seeded();
    let r = import_ics(&s, "?app=acme-analyst", &invite("google-meet.ics"));
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    assert_eq!(v["events"][0]["application"], "acme-analyst");
    assert_eq!(v["events"][0]["chosen_because"], "--app");
    assert_eq!(v["created_applications"], json!([]));
    let iv = v["events"][0]["interview"]
        .as_str()
        .expect("iv")
        .to_string();

    let moved = import_ics(&s, "", &invite("google-meet-rescheduled.ics")).json();
    let ev = &moved["events"][0];
    assert_eq!(ev["action"], "update", "{moved}");
    assert_eq!(
        ev["application"], "acme-analyst",
        "an invite is never copied into a second application"
    );
    let stored = get(
        &s,
        &format!("/api/v1/applications/acme-analyst/interviews/{iv}"),
    )
    .json();
    assert_eq!(stored["invite"]["sequence"], 1);
    // The older copy is ignored.
    let old = import_ics(&s, "", &invite("google-meet.ics")).json();
    assert_eq!(old["events"][0]["action"], "ignore");
}

#[test]
fn broken_calendars_are_refused_naming_the_line_and_write_nothing() {
    let s = seeded();
    let before = get(&s, "/api/v1/export").json();

    let r = import_ics(&s, "", b"hello\nthis is not a calendar\n");
    assert_eq!(r.status, 400, "{}", r.body);
    let v = r.json();
    assert_eq!(v["field"], "file");
    assert!(
        v["message"].as_str().expect("message").contains("line 1"),
        "{v}"
    );

    let empty = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nEND:VCALENDAR\r\n";
    let r = import_ics(&s, "", empty);
    assert_eq!(r.status, 400);
    assert!(r.json()["message"].as_str().expect("m").contains("line 4"));

    assert_eq!(import_ics(&s, "", b"").status, 400);
    let r = import_ics(&s, "?app=nope", &invite("teams.ics"));
    assert_eq!(r.status, 404, "{}", r.body);
    let r = import_ics(&s, "?bogus=1", &invite("teams.ics"));
    assert_eq!(r.status, 422, "{}", r.body);

    // Nothing can be placed: an invite from a mail provider naming no company.
    let vague = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:vague-1\r\nDTSTART:20261204T170000Z\r\nDTEND:20261204T180000Z\r\nSUMMARY:Quick chat\r\nORGANIZER;CN=Pat:mailto:pat.someone@gmail.com\r\nATTENDEE;CN=Sam Rivera:mailto:sam.rivera@mail.example\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    let r = import_ics(&s, "", vague.as_bytes());
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(
        r.json()["message"]
            .as_str()
            .expect("m")
            .contains("nothing imported"),
        "{}",
        r.body
    );

    // Over the size limit: the JSON error, not axum's plain text.
    let huge = vec![b'x'; debrief_web_limit() + 1];
    let r = import_ics(&s, "", &huge);
    assert_eq!(r.status, 413);
    assert!(r.json()["message"].as_str().expect("m").contains("MB"));

    assert_eq!(
        get(&s, "/api/v1/export").json(),
        before,
        "nothing was written"
    );
}

fn debrief_web_limit() -> usize {
    debrief_web::BODY_LIMIT_BYTES
}

#[test]
fn the_calendar_file_is_the_stores_interviews_and_actions() {
    let s = seeded();
    let r = import_ics(&s, "", &invite("teams.ics"));
    assert_eq!(r.status, 200);
    let app = r.json()["events"][0]["application"]
        .as_str()
        .expect("app")
        .to_string();

    let all = get(&s, "/api/v1/ics/export");
    assert_eq!(all.status, 200);
    assert!(
        all.header("content-type")
            .is_some_and(|t| t.starts_with("text/calendar"))
    );
    assert!(all.body.starts_with("BEGIN:VCALENDAR\r\n"), "{}", all.body);
    assert!(all.body.contains("X-WR-CALNAME:Debrief\r\n"));
    assert!(
        all.body.contains("SUMMARY:Interview: Contoso"),
        "the imported interview"
    );
    assert!(all.body.contains("BEGIN:VALARM"), "with reminders");

    let one = get(&s, &format!("/api/v1/ics/export?app={app}"));
    assert_eq!(one.status, 200);
    assert!(
        one.body.contains("X-WR-CALNAME:Debrief: Contoso"),
        "{}",
        one.body
    );
    let acme = get(&s, "/api/v1/ics/export?app=acme-analyst").body;
    assert!(
        !acme.contains("Interview: Contoso") && acme.contains("Interview: Acme Corp"),
        "one application's only"
    );
    assert_eq!(get(&s, "/api/v1/ics/export?app=nope").status, 404);

    // The page's link serves the same file, as a download.
    let page = get(&s, "/export.ics");
    assert_eq!(page.status, 200);
    assert!(
        page.header("content-disposition")
            .is_some_and(|d| d.contains("attachment") && d.contains("debrief.ics"))
    );
    let strip = |t: &str| {
        t.lines()
            .filter(|l| !l.starts_with("DTSTAMP"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(strip(&page.body), strip(&all.body));
    let settings = get(&s, "/settings").body;
    assert!(
        settings.contains("href=\"/export.ics\""),
        "Settings links it"
    );
    let app_page = get(&s, &format!("/applications/{app}")).body;
    assert!(
        app_page.contains(&format!("href=\"/export.ics?app={app}\"")),
        "and each application"
    );
}

#[test]
fn the_invite_page_previews_then_imports_and_shows_people() {
    let s = seeded();
    let teams = invite("teams.ics");
    let page = get(&s, "/import");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("action=\"/import/ics\""));

    let preview = post_multipart(&s, "/import/ics", &[], Some(("file", "teams.ics", &teams)));
    assert_eq!(preview.status, 200, "{}", preview.body);
    let b = &preview.body;
    assert!(b.contains("Would create the interview"), "{b}");
    assert!(b.contains("Marie Dubois"), "the people by name: {b}");
    assert!(b.contains("People to add"), "{b}");
    assert!(b.contains("name=\"text\""), "the preview carries the file");
    assert_eq!(ids(&s).len(), 1, "a preview writes nothing");

    // Confirm: the text the preview carried, as the browser sends it back.
    let text = String::from_utf8(teams.clone()).expect("utf-8");
    let done = post_multipart(
        &s,
        "/import/ics",
        &[("text", &text), ("name", "teams.ics"), ("step", "import")],
        None,
    );
    assert_eq!(done.status, 303, "{}", done.body);
    let to = done.header("location").expect("location").to_string();
    assert!(to.starts_with("/applications/contoso"), "{to}");
    let (kind, msg) = flash(&done).expect("flash");
    assert_eq!(kind, "ok");
    assert!(msg.contains("Created the interview"), "{msg}");
    let shown = get(&s, to.split('#').next().expect("path")).body;
    assert!(shown.contains("Marie Dubois") && shown.contains("Raj Patel"));
    assert!(shown.contains("ics-"), "the interview: {shown}");

    // A second preview of the same file: nothing to do, no Import button.
    let again = post_multipart(&s, "/import/ics", &[], Some(("file", "teams.ics", &teams)));
    assert!(again.body.contains("Already imported"), "{}", again.body);
    assert!(!again.body.contains("value=\"import\""));
}

#[test]
fn the_application_page_imports_an_invite_into_itself_and_errors_show_on_the_form() {
    let s = seeded();
    let page = get(&s, "/applications/acme-analyst").body;
    assert!(page.contains("id=\"invite-file\""), "{page}");
    let preview = post_multipart(
        &s,
        "/import/ics",
        &[("app", "acme-analyst")],
        Some(("file", "invite.ics", &invite("google-meet.ics"))),
    );
    assert_eq!(preview.status, 200, "{}", preview.body);
    assert!(preview.body.contains("as you chose"), "{}", preview.body);
    // The application by its company, never its id.
    assert!(
        preview.body.contains("at Acme Corp (Data Analyst)"),
        "{}",
        preview.body
    );
    assert!(!preview.body.contains(">acme-analyst"), "{}", preview.body);

    let broken = post_multipart(
        &s,
        "/import/ics",
        &[("app", "acme-analyst")],
        Some(("file", "broken.ics", b"BEGIN:VCALENDAR\nGARBAGE\n")),
    );
    assert_eq!(broken.status, 400, "{}", broken.body);
    assert!(broken.body.contains("role=\"alert\""), "{}", broken.body);
    assert!(broken.body.contains("line "), "{}", broken.body);

    let none = post_multipart(&s, "/import/ics", &[], None);
    assert_eq!(none.status, 422);
    assert!(none.body.contains("choose an invite file"));
}

#[test]
fn hostile_text_in_an_invite_is_shown_as_text() {
    let s = seeded();
    let evil = format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:evil-1\r\nDTSTART:20261204T170000Z\r\nDTEND:20261204T180000Z\r\nSUMMARY:{HOSTILE}\r\nORGANIZER;CN=\"{HOSTILE}\":mailto:talent@contoso.example\r\nATTENDEE;CN=Marie Dubois:mailto:marie@contoso.example\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    );
    let r = post_multipart(
        &s,
        "/import/ics",
        &[("app", "acme-analyst")],
        Some(("file", "evil.ics", evil.as_bytes())),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(!r.body.contains("<script>window.pwned"), "{}", r.body);
    assert!(
        r.body
            .contains("&lt;script&gt;window.pwned=1&lt;/script&gt;")
    );
}

#[test]
fn uploads_from_other_sites_are_refused() {
    let s = seeded();
    let r = agent()
        .post(&s.url("/api/v1/ics/import"))
        .header("origin", "http://evil.example")
        .send(&invite("teams.ics")[..])
        .expect("POST");
    assert_eq!(r.status().as_u16(), 403);
    let r = agent()
        .post(&s.url("/import/csv"))
        .header("sec-fetch-site", "cross-site")
        .send("x")
        .expect("POST");
    assert_eq!(r.status().as_u16(), 403);
    assert_eq!(ids(&s).len(), 1);
}

const JOBSYNC: &str = "index,createdAt,Company,JobTitle,Status\n1,2026-10-01,Globex,Data Engineer,Interview\n2,2026-10-02,,Nobody,Applied\n3,2026-10-03,Initech,Analyst,Phone Screen\n4,2026-10-04,Umbrella,PM,Wishlist\n5,2026-10-05,Hooli,Designer,Ghosted\n6,2026-10-06,Acme Corp,Data Analyst,Applied\n";

#[test]
fn a_tracker_csv_is_planned_imported_once_and_bad_rows_are_named() {
    let s = seeded();
    let r = post_bytes(
        &s,
        "/api/v1/import-csv?from=jobsync&dry_run=true&name=jobs.csv",
        "text/csv",
        JOBSYNC.as_bytes(),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    assert_eq!(v["file"], "jobs.csv");
    assert_eq!(v["dry_run"], true);
    assert_eq!(v["rows"], 6);
    let created: Vec<(&str, &str)> = v["created"]
        .as_array()
        .expect("created")
        .iter()
        .map(|c| {
            (
                c["company"].as_str().expect("c"),
                c["stage"].as_str().expect("s"),
            )
        })
        .collect();
    assert_eq!(
        created,
        [
            ("Globex", "interviewing"),
            ("Initech", "screening"),
            ("Hooli", "closed")
        ]
    );
    assert_eq!(v["problems"][0]["line"], 3, "the row with no company");
    assert_eq!(v["already"][0]["id"], "acme-analyst", "{v}");
    assert_eq!(v["skipped"][0]["line"], 5, "the wishlist");
    assert_eq!(ids(&s).len(), 1, "a dry run writes nothing");

    let r = post_bytes(
        &s,
        "/api/v1/import-csv?from=jobsync",
        "text/csv",
        JOBSYNC.as_bytes(),
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["problems"][0]["line"], 3);
    assert_eq!(ids(&s).len(), 4);
    let again = post_bytes(
        &s,
        "/api/v1/import-csv?from=jobsync",
        "text/csv",
        JOBSYNC.as_bytes(),
    );
    assert_eq!(
        again.json()["created"],
        json!([]),
        "importing twice adds nothing"
    );
    assert_eq!(ids(&s).len(), 4);

    // A mapped sheet, with its own stage names.
    let sheet = "Firma;Position;Stand\nContoso;PM;Beworben\nFabrikam;Dev;Absage\n";
    let r = post_bytes(
        &s,
        "/api/v1/import-csv?from=mapped&map=company%3DFirma&map=role%3DPosition&map=stage%3DStand&stage=Beworben%3Dapplied&stage=Absage%3Drejected",
        "text/csv",
        sheet.as_bytes(),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let v: Value = r.json();
    assert_eq!(v["created"][1]["stage"], "rejected");
    assert_eq!(v["stages"][0]["how"], "yours");

    // The job's details come in where the file has them.
    let details = "Company,JobTitle,Status,appliedDate,Location,JobSource\nVandelay,Importer,Applied,2026-10-07,\"Queens, NY\",referral\n";
    let r = post_bytes(
        &s,
        "/api/v1/import-csv?from=jobsync",
        "text/csv",
        details.as_bytes(),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let id = r.json()["created"][0]["id"]
        .as_str()
        .expect("created")
        .to_string();
    let a = get(&s, &format!("/api/v1/applications/{id}")).json();
    assert_eq!(
        (&a["applied_on"], &a["location"], &a["source"]),
        (
            &json!("2026-10-07"),
            &json!("Queens, NY"),
            &json!("referral")
        ),
        "{a}"
    );
}

#[test]
fn unusable_csv_requests_are_refused_and_write_nothing() {
    let s = seeded();
    let csv = |q: &str, body: &str| {
        post_bytes(
            &s,
            &format!("/api/v1/import-csv{q}"),
            "text/csv",
            body.as_bytes(),
        )
    };
    let r = csv("", JOBSYNC);
    assert_eq!((r.status, r.json()["field"].clone()), (422, json!("from")));
    let r = csv("?from=trello", JOBSYNC);
    assert_eq!(r.status, 422);
    let r = csv("?from=mapped", JOBSYNC);
    assert_eq!((r.status, r.json()["field"].clone()), (422, json!("map")));
    let r = csv("?from=jobsync&stage=Applied", JOBSYNC);
    assert_eq!((r.status, r.json()["field"].clone()), (422, json!("stage")));
    let r = csv("?from=jobsync&colour=red", JOBSYNC);
    assert_eq!(r.status, 422);
    let r = csv("?from=jobsync", "");
    assert_eq!(r.status, 400);
    let r = csv("?from=jobsync", "Firma;Position\nContoso;PM\n");
    assert_eq!(r.status, 400, "{}", r.body);
    let m = r.json()["message"].as_str().expect("m").to_string();
    assert!(
        m.contains("no company column") && m.contains("Position"),
        "{m}"
    );
    assert!(
        !m.contains("--map"),
        "no command-line options in the web's words: {m}"
    );
    assert_eq!(ids(&s).len(), 1);
}

#[test]
fn the_csv_page_previews_lets_you_fix_stages_and_imports() {
    let s = seeded();
    let sheet = "Firma;Position;Stand\nContoso;PM;Beworben\n;Dev;Beworben\nFabrikam;Dev;Gespräch\n";
    let fields = [
        ("source", "mapped"),
        ("company", "Firma"),
        ("role", "Position"),
        ("stage", "Stand"),
        ("id", ""),
        ("stages", "Beworben=applied"),
    ];
    let preview = post_multipart(
        &s,
        "/import/csv",
        &fields,
        Some(("file", "sheet.csv", sheet.as_bytes())),
    );
    assert_eq!(preview.status, 200, "{}", preview.body);
    let b = &preview.body;
    assert!(b.contains("Would create 2 applications"), "{b}");
    assert!(b.contains("Line 3"), "the unreadable row by line: {b}");
    assert!(b.contains("Not recognised"), "Gespräch is flagged: {b}");
    assert_eq!(ids(&s).len(), 1);

    // Say what Gespräch means, preview again, then import.
    let mut again: Vec<(&str, &str)> = fields.to_vec();
    again[5] = ("stages", "Beworben=applied\nGespräch=interviewing");
    again.push(("text", sheet));
    again.push(("name", "sheet.csv"));
    again.push(("step", "preview"));
    let r = post_multipart(&s, "/import/csv", &again, None);
    assert_eq!(r.status, 200);
    assert!(!r.body.contains("Not recognised"), "{}", r.body);
    again.pop();
    again.push(("step", "import"));
    let done = post_multipart(&s, "/import/csv", &again, None);
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(done.header("location"), Some("/applications"));
    let (kind, msg) = flash(&done).expect("flash");
    assert_eq!(kind, "warn", "a row was left behind");
    assert!(
        msg.contains("Imported 2 applications") && msg.contains("line 3"),
        "{msg}"
    );
    let apps = get(&s, "/api/v1/applications").json();
    let fabrikam = apps
        .as_array()
        .expect("apps")
        .iter()
        .find(|a| a["company"] == "Fabrikam")
        .expect("Fabrikam imported");
    assert_eq!(fabrikam["stage"], "interviewing");

    // Mapped without a company column: the form says so, next to the field.
    let r = post_multipart(
        &s,
        "/import/csv",
        &[("source", "mapped")],
        Some(("file", "sheet.csv", sheet.as_bytes())),
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("csv-company-error"), "{}", r.body);
}

#[test]
fn the_openapi_document_lists_the_exchange_and_mail_endpoints() {
    let s = Server::start(None);
    let o = get(&s, "/api/v1/openapi.json").json();
    for path in [
        "/api/v1/ics/import",
        "/api/v1/ics/export",
        "/api/v1/import-csv",
        "/api/v1/send",
    ] {
        assert!(o["paths"].get(path).is_some(), "{path}");
    }
    assert!(o["components"]["schemas"]["SendRequest"]["properties"]["force"].is_object());
}

#[test]
fn an_upload_over_the_size_limit_is_refused_on_the_page() {
    let s = seeded();
    let huge = vec![b'a'; debrief_web_limit() + 1024];
    let r = post_multipart(
        &s,
        "/import/csv",
        &[("source", "huntr")],
        Some(("file", "big.csv", &huge)),
    );
    assert_eq!(r.status, 413, "{}", &r.body[..r.body.len().min(500)]);
    assert!(r.body.contains("larger than 8 MB"), "{}", r.body);
    assert!(r.body.contains("<h1>Import</h1>"), "the Import page again");
    assert_eq!(ids(&s).len(), 1);
}

#[test]
fn the_preview_and_the_import_count_lines_alike() {
    let s = seeded();
    // Blank lines before the header still count, in both steps.
    let sheet = "\n\nFirma,Position\nContoso,PM\n,Dev\n";
    let fields = [
        ("source", "mapped"),
        ("company", "Firma"),
        ("role", "Position"),
    ];
    let preview = post_multipart(
        &s,
        "/import/csv",
        &fields,
        Some(("file", "sheet.csv", sheet.as_bytes())),
    );
    assert_eq!(preview.status, 200, "{}", preview.body);
    assert!(preview.body.contains("Line 5"), "{}", preview.body);
    let mut confirm = fields.to_vec();
    confirm.extend([("text", sheet), ("name", "sheet.csv"), ("step", "import")]);
    let done = post_multipart(&s, "/import/csv", &confirm, None);
    assert_eq!(done.status, 303, "{}", done.body);
    let (_, msg) = flash(&done).expect("flash");
    assert!(msg.contains("(line 5)"), "{msg}");
}

#[test]
fn uploads_with_a_byte_order_mark_other_encodings_or_control_characters() {
    let s = Server::start(Some(BEFORE));
    // An exchange file saved by a Windows editor, with its BOM.
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend(sample().to_string().into_bytes());
    let r = post_bytes(&s, "/api/v1/import", "application/json", &bom);
    assert_eq!(r.status, 200, "{}", r.body);
    let before = get(&s, "/api/v1/export").body;

    // A NUL in a name: refused with its JSON path, nothing written.
    let mut nul = sample();
    nul["applications"][0]["people"][1]["name"] = json!("Raj\u{0}Patel");
    let r = post_json(&s, "/api/v1/import", &nul);
    assert_eq!(r.status, 422, "{}", r.body);
    let v = r.json();
    assert_eq!(v["field"], "applications[0].people[1].name");
    assert_eq!(
        v["message"],
        "contains a control character (U+0000); remove it"
    );
    assert_eq!(get(&s, "/api/v1/export").body, before);

    // A CSV from Excel in Windows-1252: read as such, never garbled.
    let csv = b"companyName,title,listName\nM\xFCller & S\xF6hne,Analyst,Applied\n";
    let r = post_bytes(&s, "/api/v1/import-csv?from=huntr", "text/csv", csv);
    assert_eq!(r.status, 200, "{}", r.body);
    let all = get(&s, "/api/v1/export").body;
    assert!(all.contains("Müller & Söhne"), "{all}");
    let after = all;

    // A spreadsheet's .xlsx (a zip) is no CSV: refused, nothing written.
    let r = post_bytes(
        &s,
        "/api/v1/import-csv?from=huntr",
        "text/csv",
        b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00",
    );
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(
        r.body.contains("does not look like a text file"),
        "{}",
        r.body
    );
    assert_eq!(get(&s, "/api/v1/export").body, after);
}
