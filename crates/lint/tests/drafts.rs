//! Every draft the composer writes passes the linter with no error and no
//! warning, over many generated applications, and the drafts for one panel
//! pass the panel check.

use debrief_core::model::{
    Application, Interview, InterviewStatus, Moment, News, Outcome, OutcomeKind, Person,
    PersonKind, RecruiterKind, ResearchFact, SlipUp, Stage,
};
use debrief_lint::{Context, NoteKind, Severity, draft, lint, panel};
use jiff::Timestamp;
use jiff::civil::date;

/// A small deterministic generator (xorshift) so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[(self.next() % xs.len() as u64) as usize]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

const FIRST: &[&str] = &[
    "Marie", "Rajesh", "Wei", "Ana", "Kofi", "José", "Zoë", "Siobhan", "Lee", "Priya", "Tomasz",
    "Aiko", "Olu", "Björn", "Fatima", "Dmitri", "Grace", "Mateo", "Noor", "Elif",
];
const LAST: &[&str] = &[
    "Dubois",
    "Patel",
    "Chen",
    "Lima",
    "Mensah",
    "García",
    "O'Neill",
    "Park",
    "Nakamura",
    "Okafor",
    "Kowalski",
    "Haddad",
    "Lindqvist",
    "Ivanova",
    "Smith-Jones",
    "Nguyen",
];
const COMPANIES: &[&str] = &[
    "Acme Corp",
    "Globex",
    "Initech",
    "Umbrella Health",
    "Northwind Traders",
    "Fabrikam",
    "Benefits Cloud",
    "Relocation Partners",
    "Café Nova",
];
const ROLES: &[&str] = &[
    "Data Analyst",
    "Support Engineer",
    "Platform Engineer",
    "Product Designer",
    "QA Lead",
    "Benefits Analyst",
    "Payroll Specialist",
    "Engineering Manager",
    "UX Researcher",
];
const TITLES: &[&str] = &[
    "Analytics Lead",
    "Head of Data",
    "VP Engineering",
    "Design Director",
    "Support Manager",
    "Compensation Partner",
    "Staff Engineer",
    "Chief of Staff",
];
const SAID: &[&str] = &[
    "APAC expansion is next year's top priority",
    "We are moving the warehouse to Snowflake this spring",
    "Support tickets doubled after the mobile launch",
    "Our patients struggle with the booking flow",
    "Release testing still takes three days",
    "The platform team owns on-call for every service",
    "Latency on the search API is the main complaint",
    "We want to halve onboarding time for new clients",
    "The benefits portal is being rebuilt from scratch",
    "Half the team joined in the last six months",
    "Customers in Brazil are the fastest-growing segment",
    "Pricing experiments run every two weeks",
    "The design system has no owner right now.",
    "\"Quality\" means fewer hotfixes, not more tests",
];
const SLIPS: &[&str] = &[
    "Mixed up the company's two product names",
    "Misquoted the revenue figure from the annual report",
    "Arrived ten minutes late to the video call",
    "Lost track of the question about stakeholder conflict",
    "forgot the name of their CRM for a second",
    "spilled water",
    "coffee stain on my printed CV",
    "my phone rang during the demo",
    "Blanked on the SQL window-function question.",
];
const RESEARCH: &[(&str, &str)] = &[
    (
        "Opened a Singapore office in 2025",
        "my two years building APAC sales reporting",
    ),
    (
        "Annual report names churn as the top risk",
        "the retention dashboards I built at my last job",
    ),
    ("Moving to a new data platform", "hands-on migration work"),
];
const NEWS: &[&str] = &[
    "Opened an office in Singapore",
    "Won a regional design award",
    "Closed a Series B round",
    "Launched a new mobile app",
];

fn moment(ts: Timestamp) -> Moment {
    Moment::new(ts, jiff::tz::Offset::from_hours(-6).expect("offset"))
}

fn generate(seed: u64) -> Application {
    let mut r = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let company = r.pick(COMPANIES).to_string();
    let role = r.pick(ROLES).to_string();
    let mut app = Application::new(format!("app-{seed}"), company, role);
    app.recruiter = *r.pick(&[
        RecruiterKind::Inside,
        RecruiterKind::Outside,
        RecruiterKind::None,
    ]);
    let n_people = 1 + (r.next() % 5) as usize;
    let mut used_first = Vec::new();
    for i in 0..n_people {
        let mut first = *r.pick(FIRST);
        while used_first.contains(&first) {
            first = *r.pick(FIRST);
        }
        used_first.push(first);
        let kind = if i == 0 && r.chance(30) {
            PersonKind::Recruiter
        } else {
            *r.pick(&[
                PersonKind::Interviewer,
                PersonKind::Interviewer,
                PersonKind::Hr,
            ])
        };
        let mut p = Person::new(format!("p{i}"), format!("{first} {}", r.pick(LAST)), kind);
        if r.chance(70) {
            p.title = Some(r.pick(TITLES).to_string());
        }
        let n_said = (r.next() % 3) as usize;
        let mut said: Vec<String> = Vec::new();
        for _ in 0..n_said {
            let s = r.pick(SAID).to_string();
            if !said.contains(&s) && !app.people.iter().any(|q| q.said.contains(&s)) {
                said.push(s);
            }
        }
        p.said = said;
        app.people.push(p);
    }
    // A receptionist met on the day.
    let desk_first = *r.pick(&["Lena", "Omar", "Yuki"]);
    app.people.push(Person::new(
        "desk",
        format!("{desk_first} Ortiz"),
        PersonKind::Receptionist,
    ));

    let start: Timestamp = "2026-11-20T16:00:00Z".parse().expect("ts");
    let start = start
        .checked_add(jiff::SignedDuration::from_hours((r.next() % 200) as i64))
        .expect("add");
    let mut iv = Interview::new("iv-1", moment(start));
    iv.status = InterviewStatus::Done;
    iv.minutes = *r.pick(&[30, 45, 60, 90]);
    iv.interviewers = app
        .people
        .iter()
        .filter(|p| p.kind != PersonKind::Receptionist)
        .map(|p| p.id.clone())
        .collect();
    iv.also_met = vec!["desk".into()];
    iv.asked_questions = *r.pick(&[None, Some(true), Some(false)]);
    let mut slips = SLIPS.to_vec();
    for _ in 0..(r.next() % 3) {
        let i = (r.next() % slips.len() as u64) as usize;
        let text = slips.remove(i).to_string();
        iv.slip_ups.push(SlipUp {
            text,
            noticed: r.chance(50),
            apologized: r.chance(30),
        });
    }
    // Sometimes the slip is a wrong name, said to the first interviewer.
    if r.chance(30)
        && let Some(p) = app.people.first()
    {
        let first = p.name.split_whitespace().next().unwrap_or("").to_string();
        iv.slip_ups.push(SlipUp {
            text: format!("Called {first} by the wrong name once"),
            noticed: true,
            apologized: false,
        });
    }
    app.interviews.push(iv);
    if r.chance(30) {
        let mut missed = Interview::new(
            "iv-0",
            moment(
                start
                    .checked_sub(jiff::SignedDuration::from_hours(72))
                    .expect("sub"),
            ),
        );
        missed.status = InterviewStatus::Missed;
        missed.interviewers = vec!["p0".into()];
        app.interviews.push(missed);
    }
    if r.chance(40) {
        let (fact, contribution) = *r.pick(RESEARCH);
        app.research.push(ResearchFact {
            fact: fact.into(),
            contribution: Some(contribution.into()),
        });
    }
    if r.chance(60) {
        app.news.push(News {
            on: date(2026, 11, 25),
            text: r.pick(NEWS).to_string(),
        });
    }
    app.stage = *r.pick(&[
        Stage::Interviewing,
        Stage::Interviewing,
        Stage::Rejected,
        Stage::Offer,
    ]);
    app.outcome = match app.stage {
        Stage::Rejected => Some(Outcome {
            kind: OutcomeKind::Rejected,
            on: date(2026, 12, 1),
            feedback: vec![],
            stay_in_touch: true,
            message_id: None,
        }),
        _ => None,
    };
    app
}

/// What the user recorded under `said` is their paraphrase: a draft never
/// puts it in quotation marks, and never repeats six or more of its words
/// in a row.
fn never_quotes_what_they_said(app: &Application, body: &str, seed: u64) {
    let words = |t: &str| -> Vec<String> {
        t.split(|c: char| !c.is_alphanumeric() && c != '\'')
            .filter(|w| !w.is_empty())
            .map(|w| w.to_lowercase())
            .collect()
    };
    let text = words(body);
    for said in app.people.iter().flat_map(|p| &p.said) {
        let trimmed = said.trim().trim_end_matches('.');
        for quoted in [
            format!("“{trimmed}"),
            format!("\"{trimmed}"),
            format!("'{trimmed}"),
        ] {
            assert!(
                !body.contains(&quoted),
                "seed {seed}: quoted {said:?}:\n{body}"
            );
        }
        let s = words(said);
        for run in s.windows(6) {
            assert!(
                !text.windows(6).any(|w| w == run),
                "seed {seed}: six words of {said:?} verbatim:\n{body}"
            );
        }
    }
}

fn kinds_for(p: &Person) -> Vec<NoteKind> {
    if p.kind == PersonKind::Receptionist {
        vec![NoteKind::ThankStaff]
    } else {
        vec![
            NoteKind::ThankYou,
            NoteKind::StatusCheck,
            NoteKind::Recovery,
            NoteKind::FeedbackRequest,
            NoteKind::StayInTouch,
            NoteKind::Congratulate,
        ]
    }
}

#[test]
fn every_draft_passes_the_linter_and_the_panel_check() {
    let mut checked = 0;
    let mut panels = 0;
    for seed in 1..=400u64 {
        let app = generate(seed);
        let iv = app.interviews.first().expect("interview");
        let now = iv
            .end()
            .checked_add(jiff::SignedDuration::from_hours(3))
            .expect("now");
        let mut thank_yous: Vec<(String, String)> = Vec::new();
        for p in &app.people {
            for kind in kinds_for(p) {
                let d = match draft(&app, &p.id, kind, "Sam Rivera", now) {
                    Ok(d) => d,
                    Err(e) => {
                        // Refusals are allowed only where the note would have nothing to say.
                        let s = e.to_string();
                        assert!(
                            s.contains("no news") || s.contains("nothing specific"),
                            "seed {seed} {} {kind}: {s}",
                            p.id
                        );
                        continue;
                    }
                };
                assert!(!d.subject.trim().is_empty());
                never_quotes_what_they_said(&app, &d.body, seed);
                let ctx = Context::for_person(&app, &p.id).kind(kind).at(now);
                let found = lint(&d.body, &ctx);
                // A placeholder left for the writer is flagged until filled in.
                let placeholder = found.iter().any(|x| x.rule == "lint/placeholder");
                assert_eq!(
                    placeholder,
                    d.body.contains('['),
                    "seed {seed}, {} ({kind}):\n{}",
                    p.id,
                    d.body
                );
                let bad: Vec<_> = found
                    .into_iter()
                    .filter(|x| x.severity != Severity::Info && x.rule != "lint/placeholder")
                    .collect();
                assert!(
                    bad.is_empty(),
                    "seed {seed}, {} ({kind}):\n{}\n{:#?}",
                    p.id,
                    d.body,
                    bad
                );
                checked += 1;
                if kind == NoteKind::ThankYou && iv.interviewers.contains(&p.id) {
                    thank_yous.push((p.id.to_string(), d.body));
                }
            }
        }
        if thank_yous.len() > 1 {
            panels += 1;
            let notes: Vec<(&str, &str)> = thank_yous
                .iter()
                .map(|(a, b)| (a.as_str(), b.as_str()))
                .collect();
            for f in panel(&notes) {
                assert!(
                    !f.duplicate,
                    "seed {seed}: drafts for {} and {} too alike: {f:#?}\n{}\n---\n{}",
                    f.a,
                    f.b,
                    thank_yous
                        .iter()
                        .find(|x| x.0 == f.a)
                        .map(|x| x.1.as_str())
                        .unwrap_or(""),
                    thank_yous
                        .iter()
                        .find(|x| x.0 == f.b)
                        .map(|x| x.1.as_str())
                        .unwrap_or(""),
                );
            }
            // And through lint's own panel context, as the CLI would run it.
            for (id, body) in &thank_yous {
                let others: Vec<(&str, &str)> =
                    notes.iter().copied().filter(|(o, _)| o != id).collect();
                let ctx = Context::for_person(&app, id)
                    .kind(NoteKind::ThankYou)
                    .at(now)
                    .with_panel(others);
                assert!(
                    lint(body, &ctx)
                        .iter()
                        .all(|d| d.rule != "lint/panel-duplicate"),
                    "seed {seed}: {id}"
                );
            }
        }
    }
    assert!(checked > 1500, "only {checked} drafts checked");
    assert!(panels > 100, "only {panels} panels checked");
}

#[test]
fn drafts_carry_what_the_person_said_and_the_apology() {
    let app: Application = serde_json::from_str(
        r#"{
        "id": "acme", "company": "Acme Corp", "role": "Data Analyst",
        "people": [
          { "id": "marie", "name": "Marie Dubois", "title": "Analytics Lead",
            "said": ["APAC expansion is next year's top priority"] },
          { "id": "raj", "name": "Rajesh Patel", "said": ["We are moving the warehouse to Snowflake this spring"] }
        ],
        "interviews": [
          { "id": "panel", "start": "2026-11-20T10:00:00-06:00", "minutes": 90, "status": "done",
            "interviewers": ["marie", "raj"], "asked_questions": false,
            "slip_ups": [ { "text": "Called Marie 'Mary' once", "noticed": true, "apologized": false } ] }
        ]
    }"#,
    )
    .expect("app");
    let now: Timestamp = "2026-11-20T20:00:00Z".parse().expect("now");
    let m = draft(&app, "marie", NoteKind::ThankYou, "Sam Rivera", now).expect("draft");
    let r = draft(&app, "raj", NoteKind::ThankYou, "Sam Rivera", now).expect("draft");
    assert!(m.body.starts_with("Dear Marie,"), "{}", m.body);
    assert!(m.body.contains("APAC expansion"));
    assert!(
        m.body.contains("Mary"),
        "apology for the noticed slip: {}",
        m.body
    );
    assert!(
        !r.body.contains("Mary"),
        "the slip concerns Marie only: {}",
        r.body
    );
    assert!(r.body.contains("moving the warehouse"), "{}", r.body);
    assert!(
        m.body.contains('?') && r.body.contains('?'),
        "questions added"
    );
    insta::assert_snapshot!(
        "draft_thank_you_marie",
        format!("Subject: {}\n\n{}", m.subject, m.body)
    );
    insta::assert_snapshot!(
        "draft_thank_you_raj",
        format!("Subject: {}\n\n{}", r.subject, r.body)
    );
    let e = draft(&app, "nobody", NoteKind::ThankYou, "Sam", now).unwrap_err();
    assert!(e.to_string().contains("marie, raj"), "{e}");
    let e = draft(&app, "marie", NoteKind::Congratulate, "Sam", now).unwrap_err();
    assert!(e.to_string().contains("no news"), "{e}");
    // "other" says nothing about the note's purpose: refused, with the kinds it can draft.
    let e = draft(&app, "marie", NoteKind::Other, "Sam", now).unwrap_err();
    assert!(
        e.to_string().contains("cannot draft") && e.to_string().contains("thank-you, thank-staff"),
        "{e}"
    );
}

#[test]
fn no_thank_you_before_the_interview_is_over() {
    let app: Application = serde_json::from_str(
        r#"{
        "id": "hooli", "company": "Hooli", "role": "Platform Engineer",
        "people": [
          { "id": "gavin", "name": "Gavin Belson", "title": "CEO", "said": ["Hooli is about making the world a better place"] },
          { "id": "sara", "name": "Sara Lim", "title": "Recruiter" }
        ],
        "interviews": [
          { "id": "final", "start": "2026-11-29T10:00:00+01:00", "minutes": 60, "status": "scheduled",
            "interviewers": ["gavin"] }
        ]
    }"#,
    )
    .expect("app");
    let before: Timestamp = "2026-11-22T09:00:00Z".parse().expect("now");
    let during: Timestamp = "2026-11-29T09:30:00Z".parse().expect("now");
    let after: Timestamp = "2026-11-29T12:00:00Z".parse().expect("now");
    for now in [before, during] {
        for kind in [NoteKind::ThankYou, NoteKind::ThankStaff] {
            let e = draft(&app, "gavin", kind, "Sam", now).unwrap_err();
            let s = e.to_string();
            assert!(
                s.contains("no interview with Gavin Belson has taken place yet")
                    && s.contains("Sunday, November 29 at 10:00"),
                "{s}"
            );
        }
        // Sara met no one yet either: the application's only interview is ahead.
        assert!(draft(&app, "sara", NoteKind::ThankYou, "Sam", now).is_err());
        // Other kinds do not need the interview to be over.
        assert!(draft(&app, "gavin", NoteKind::StatusCheck, "Sam", now).is_ok());
    }
    let d = draft(&app, "gavin", NoteKind::ThankYou, "Sam", after).expect("after the interview");
    assert!(d.body.contains("Gavin"), "{}", d.body);
}
