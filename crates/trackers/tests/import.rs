//! The sample exports in `fixtures/` through the planner.

use debrief_core::model::{Application, Stage};
use debrief_trackers::{
    Field, FileError, How, Mapping, Plan, Source, StageChoice, StoredJob, decode, plan,
};
use proptest::prelude::*;

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn run(text: &str, mapping: &Mapping, existing: &[Application]) -> Plan {
    let jobs: Vec<StoredJob> = existing.iter().map(StoredJob::from).collect();
    plan(text, mapping, &jobs, &mut |_| {}).expect("plans")
}

/// A plan in a few lines, for snapshots.
fn summary(p: &Plan) -> String {
    let mut s = format!("{} rows from a {}\n", p.rows, p.source.label());
    for c in &p.create {
        let a = &c.application;
        s.push_str(&format!(
            "create line {}: {} = {} / {} [{}] from '{}'\n",
            c.line, a.id, a.company, a.role, a.stage, c.stage_value
        ));
    }
    for k in &p.known {
        s.push_str(&format!("known  line {}: {}\n", k.line, k.id));
    }
    for k in &p.skipped {
        s.push_str(&format!("skip   line {}: {}\n", k.line, k.reason));
    }
    for k in &p.problems {
        s.push_str(&format!("PROBLEM line {}: {}\n", k.line, k.message));
    }
    for u in &p.stages {
        s.push_str(&format!(
            "stage  '{}' -> {} ({}) x{}\n",
            u.value,
            u.choice,
            u.how.as_str(),
            u.rows
        ));
    }
    s.push_str(&format!("ignored: {}\n", p.ignored.join(", ")));
    s
}

#[test]
fn a_huntr_export_comes_in_with_its_stages() {
    let p = run(
        &fixture("huntr-jobs.csv"),
        &Mapping::new(Source::Huntr),
        &[],
    );
    insta::assert_snapshot!(summary(&p));
    assert_eq!(p.create.len(), 7);
    let stage_of = |company: &str| {
        p.create
            .iter()
            .find(|c| c.application.company == company)
            .map(|c| c.application.stage)
    };
    assert_eq!(stage_of("Acme Corp"), Some(Stage::Interviewing));
    assert_eq!(stage_of("Société Lumière"), Some(Stage::Offer));
    assert_eq!(stage_of("Initech"), Some(Stage::Rejected));
    assert_eq!(stage_of("Vandelay Industries"), Some(Stage::Screening));
    assert_eq!(stage_of("Hooli"), None, "a wishlist is not an application");
    // The multi-line description makes Société Lumière's row span lines 4–5.
    assert_eq!(
        p.create
            .iter()
            .find(|c| c.application.company == "Initech")
            .map(|c| c.line),
        Some(6)
    );
    assert_eq!(
        p.problems.iter().map(|x| x.line).collect::<Vec<_>>(),
        vec![9, 12]
    );
    assert!(
        p.stages
            .iter()
            .any(|u| u.value == "On Hold" && u.how == How::Unknown)
    );
    assert_eq!(
        p.columns,
        vec![
            (Field::Company, "companyName".to_string()),
            (Field::Role, "title".to_string()),
            (Field::Stage, "listName".to_string()),
            (Field::Id, "id".to_string()),
            (Field::PostingUrl, "url".to_string()),
            (Field::Location, "location".to_string()),
            (Field::Salary, "salary".to_string()),
        ]
    );
    assert!(p.ignored.contains(&"description".to_string()));
}

#[test]
fn importing_the_same_export_twice_creates_nothing_the_second_time() {
    let text = fixture("huntr-jobs.csv");
    let mapping = Mapping::new(Source::Huntr);
    let first = run(&text, &mapping, &[]);
    let mut store: Vec<Application> = first.create.iter().map(|c| c.application.clone()).collect();
    let again = run(&text, &mapping, &store);
    assert!(again.create.is_empty(), "{}", summary(&again));
    assert_eq!(again.known.len(), 7);

    // Two postings with the same company and role are two applications,
    // and both are recognised next time.
    let two =
        "companyName,title,listName\nAcme Corp,Analyst,Applied\nacme corp,  ANALYST ,Interview\n";
    let p = run(two, &mapping, &store);
    assert_eq!(
        p.create
            .iter()
            .map(|c| c.application.id.as_str())
            .collect::<Vec<_>>(),
        vec!["acme-corp-analyst", "acme-corp-analyst-2"]
    );
    store.extend(p.create.iter().map(|c| c.application.clone()));
    assert!(run(two, &mapping, &store).create.is_empty());
    // A job already added by hand is not added again.
    let by_hand = vec![Application::new("acme", "ACME CORP", "data analyst")];
    let p = run(&text, &mapping, &by_hand);
    assert_eq!(
        p.known,
        vec![debrief_trackers::Known {
            line: 2,
            id: "acme".into()
        }]
    );
}

#[test]
fn a_jobsync_export_with_crlf_line_endings() {
    let p = run(
        &fixture("jobsync-jobs.csv"),
        &Mapping::new(Source::JobSync),
        &[],
    );
    insta::assert_snapshot!(summary(&p));
    assert_eq!(p.rows, 7);
    assert!(p.problems.is_empty());
    assert_eq!(
        p.skipped.iter().map(|s| s.line).collect::<Vec<_>>(),
        vec![3],
        "the draft"
    );
    assert!(
        p.create
            .iter()
            .all(|c| !c.application.company.contains('\r') && !c.application.role.contains('\r'))
    );
}

#[test]
fn a_mapped_spreadsheet_with_bom_semicolons_and_its_own_stage_names() {
    let mut m = Mapping::new(Source::Mapped);
    m.read_file(&fixture("spreadsheet-de.toml"))
        .expect("mapping");
    let p = run(&fixture("spreadsheet-de.csv"), &m, &[]);
    insta::assert_snapshot!(summary(&p));
    assert_eq!(p.create[0].application.company, "Müller & Söhne GmbH");
    assert!(p.stages.iter().all(|u| u.how == How::Yours));

    // The same with flags, and the delimiter guessed.
    let mut flags = Mapping::new(Source::Mapped);
    for spec in ["company=Firma", "role=Position", "stage=Stand"] {
        flags.map(spec).expect("map");
    }
    flags.stage("Gemerkt=skip").expect("stage");
    let q = run(&fixture("spreadsheet-de.csv"), &flags, &[]);
    assert_eq!(q.create.len(), 3);
    assert_eq!(q.skipped.len(), 1);
    assert!(q.stages.iter().any(|u| u.value == "Beworben"
        && u.how == How::Unknown
        && u.choice == StageChoice::Stage(Stage::Applied)));
}

#[test]
fn a_file_that_cannot_be_imported_says_why() {
    let huntr = Mapping::new(Source::Huntr);
    assert_eq!(plan("", &huntr, &[], &mut |_| {}), Err(FileError::Empty));
    assert_eq!(
        plan("\u{feff}\n\n", &huntr, &[], &mut |_| {}),
        Err(FileError::Empty)
    );
    // Huntr's preset knows JobSync's names too; JobSync's does not know Huntr's.
    assert!(plan(&fixture("jobsync-jobs.csv"), &huntr, &[], &mut |_| {}).is_ok());
    let e = plan(
        &fixture("huntr-jobs.csv"),
        &Mapping::new(Source::JobSync),
        &[],
        &mut |_| {},
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("no company column: looked for Company") && e.contains("try --from huntr"),
        "{e}"
    );
    let mut m = Mapping::new(Source::Mapped);
    let e = plan("a,b\n1,2\n", &m, &[], &mut |_| {})
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("--map company=COLUMN") && e.contains("the header has: a, b"),
        "{e}"
    );
    m.map("company=a").expect("map");
    m.map("stage=Status").expect("map");
    let e = plan("a,b\n1,2\n", &m, &[], &mut |_| {})
        .unwrap_err()
        .to_string();
    assert!(e.contains("no stage column: looked for Status"), "{e}");
}

#[test]
fn broken_rows_are_listed_and_the_rest_imported() {
    let mut text = String::from("companyName,title,listName\n");
    text.push_str("Acme,Analyst,Applied\n");
    text.push_str("Bad\u{0}Co,\"Analyst, \"\"senior\"\"\",Applied\n"); // NUL and quotes: cleaned
    text.push_str(&format!("{},x,Applied\n", "A".repeat(500)));
    text.push_str("Globex,Dev,Applied,extra\n");
    text.push('\n');
    text.push_str("Initech,\"never closed,Applied\nHooli,PM,Applied\n");
    let p = run(&text, &Mapping::new(Source::Huntr), &[]);
    assert_eq!(
        p.create
            .iter()
            .map(|c| c.application.company.as_str())
            .collect::<Vec<_>>(),
        vec!["Acme", "Bad Co"]
    );
    assert_eq!(p.create[1].application.role, "Analyst, \"senior\"");
    let lines: Vec<(u64, &str)> = p
        .problems
        .iter()
        .map(|x| (x.line, x.message.as_str()))
        .collect();
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert_eq!(lines[0].0, 4);
    assert!(lines[0].1.contains("500 characters"));
    assert_eq!(lines[1].0, 5);
    assert!(lines[1].1.contains("4 fields where the header has 3"));
    assert_eq!(lines[2].0, 7, "the open quote swallows the rest");
}

#[test]
fn files_excel_saved_in_other_encodings_are_read() {
    let (text, enc) = decode(b"\xef\xbb\xbfcompanyName\nM\xc3\xbcller\n").expect("text");
    assert_eq!((text.as_ref(), enc), ("companyName\nMüller\n", None));
    let (text, enc) = decode(b"companyName\nM\xfcller \x96 S\xf6hne\n").expect("text");
    assert_eq!(
        (text.as_ref(), enc),
        ("companyName\nMüller – Söhne\n", Some("windows-1252"))
    );
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(
            "companyName\tlistName\nMüller\tApplied\n"
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        )
        .collect();
    let (text, enc) = decode(&utf16).expect("text");
    assert_eq!(enc, Some("UTF-16LE"));
    let p = run(&text, &Mapping::new(Source::Huntr), &[]);
    assert_eq!(
        p.create[0].application.company, "Müller",
        "tab-separated, guessed"
    );
    // An .xlsx (a zip archive) is not text: refused, never garbled.
    let e = decode(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00").expect_err("binary");
    assert!(e.to_string().contains("not look like a text file"), "{e}");
}

#[test]
fn progress_is_reported_up_to_the_whole_file() {
    let mut text = String::from("companyName,title,listName\n");
    for i in 0..5000 {
        text.push_str(&format!("Company {i},Role,Applied\n"));
    }
    let mut seen = Vec::new();
    let p = plan(&text, &Mapping::new(Source::Huntr), &[], &mut |b| {
        seen.push(b)
    })
    .expect("plans");
    assert_eq!(p.create.len(), 5000);
    assert!(seen.len() >= 4, "{seen:?}");
    assert!(seen.windows(2).all(|w| w[0] <= w[1]));
    assert_eq!(seen.last().copied(), Some(text.len() as u64));
}

#[test]
fn many_rows_with_one_name_get_ids_quickly() {
    let mut text = String::from("companyName,title\n");
    for _ in 0..20_000 {
        text.push_str("Acme,Analyst\n");
    }
    let p = run(&text, &Mapping::new(Source::Huntr), &[]);
    assert_eq!(p.create.len(), 20_000);
    assert_eq!(p.create[19_999].application.id, "acme-analyst-20000");
}

proptest! {
    #[test]
    fn any_text_plans_or_is_refused_without_panicking(text in "\\PC{0,300}", sep in prop::sample::select(vec![",", ";", "\t", "\"", "\n", "\r\n"])) {
        let text = format!("companyName{sep}title{sep}listName\n{text}");
        let _ = plan(&text, &Mapping::new(Source::Huntr), &[], &mut |_| {});
    }
}

#[test]
fn the_presets_bring_the_jobs_details_and_leave_out_cells_that_do_not_fit() {
    let huntr = run(
        &fixture("huntr-jobs.csv"),
        &Mapping::new(Source::Huntr),
        &[],
    );
    let acme = &huntr
        .create
        .iter()
        .find(|c| c.application.company == "Acme Corp")
        .expect("Acme is created")
        .application;
    assert_eq!(acme.salary.as_deref(), Some("$85,000 - $95,000"));
    assert_eq!(acme.location.as_deref(), Some("Chicago, IL"));
    assert_eq!(
        acme.posting_url.as_deref(),
        Some("https://jobs.acme.example/4411")
    );
    assert!(!huntr.ignored.iter().any(|c| c == "salary" || c == "url"));

    let jobsync = run(
        &fixture("jobsync-jobs.csv"),
        &Mapping::new(Source::JobSync),
        &[],
    );
    let acme = &jobsync
        .create
        .iter()
        .find(|c| c.application.company == "Acme Corp")
        .expect("Acme is created")
        .application;
    assert_eq!(
        acme.applied_on.map(|d| d.to_string()).as_deref(),
        Some("2026-09-15")
    );
    assert_eq!(acme.location.as_deref(), Some("Chicago, IL"));
    assert_eq!(acme.source.as_deref(), Some("LinkedIn"));

    // A day that is not one, and an address that is not a web page, are
    // left out; the row still comes in.
    let text = "companyName,title,listName,url,location\nInitech,Analyst,Applied,javascript:alert(1),\"Austin,\n TX\"\n";
    let p = run(text, &Mapping::new(Source::Huntr), &[]);
    assert_eq!(p.create.len(), 1, "{:?}", p.problems);
    assert_eq!(p.create[0].application.posting_url, None);
    assert_eq!(p.details_left_out.len(), 1, "{:?}", p.details_left_out);
    assert!(
        p.details_left_out[0]
            .message
            .contains("posting_url 'javascript:alert(1)' was left out"),
        "{:?}",
        p.details_left_out
    );
    assert_eq!(
        p.create[0].application.location.as_deref(),
        Some("Austin, TX")
    );
    let text = "Company,JobTitle,Status,appliedDate\nInitech,Analyst,Applied,N/A\n";
    let p = run(text, &Mapping::new(Source::JobSync), &[]);
    assert_eq!(p.create.len(), 1);
    assert_eq!(p.create[0].application.applied_on, None);
    assert_eq!(p.details_left_out[0].line, 2);

    // --map names them too.
    let mut m = Mapping::new(Source::Mapped);
    m.map("company=Employer").expect("maps");
    m.map("applied_on=Sent").expect("maps");
    m.map("source=Via").expect("maps");
    let p = run("Employer,Sent,Via\nInitech,2026-10-01,referral\n", &m, &[]);
    let a = &p.create[0].application;
    assert_eq!(
        a.applied_on.map(|d| d.to_string()).as_deref(),
        Some("2026-10-01")
    );
    assert_eq!(a.source.as_deref(), Some("referral"));
    assert!(matches!("salary".parse::<Field>(), Ok(Field::Salary)));
}

#[test]
fn a_missing_mapped_column_is_named_in_the_hint() {
    let mut m = Mapping::new(Source::Mapped);
    m.map("company=Employer").expect("maps");
    m.map("applied_on=Nope").expect("maps");
    let e = plan("Employer,Sent\nInitech,2026-10-01\n", &m, &[], &mut |_| {})
        .expect_err("the column is missing");
    let text = e.to_string();
    assert!(
        text.contains("no applied_on column: looked for Nope"),
        "{text}"
    );
    assert!(text.contains("--map applied_on=COLUMN"), "{text}");
}
