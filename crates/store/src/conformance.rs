//! The conformance suite: behaviour every [`Store`] backend must show,
//! written once against the traits.
//!
//! Each check takes a factory that returns a new, empty store on every call
//! and reports a [`Failure`] instead of panicking, so a backend's tests can
//! run one check per `#[test]` (failures are then named) or all of them with
//! [`run_all`]:
//!
//! ```text
//! #[test]
//! fn replace_keeps_position() -> Result<(), Failure> {
//!     conformance::replace_keeps_position(&new_store)
//! }
//! ```

use std::collections::BTreeSet;
use std::fmt;

use debrief_core::model::{
    Application, Channel, Dataset, Dismissal, Feedback, FeedbackKind, HolidayCalendar, Holidays,
    Interview, InterviewFormat, InterviewStatus, InviteRef, LearningPlan, Moment, News, Outcome,
    OutcomeKind, Person, PersonId, PersonKind, Policy, Prefers, Prepared, Profile, RecruiterKind,
    Reflection, ResearchFact, SlipUp, Stage, Touch, TouchKind,
};
use debrief_core::rules::Rule;
use jiff::civil::Date;

use crate::{Change, Store, StoreError};

/// Makes a new, empty store each time it is called.
pub type NewStore<'a> = &'a dyn Fn() -> Result<Box<dyn Store>, StoreError>;

/// A check the store did not pass: which check, and what went wrong.
pub struct Failure {
    pub check: &'static str,
    pub message: String,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.check, self.message)
    }
}

// `#[test] fn … -> Result<(), Failure>` prints the Debug form; make it the
// readable one.
impl fmt::Debug for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for Failure {}

/// One check of the suite.
pub type Check = fn(NewStore<'_>) -> Result<(), Failure>;

/// Every check, by name, in the order [`run_all`] runs them.
pub const CHECKS: &[(&str, Check)] = &[
    (
        "empty_store_has_default_profile_and_no_applications",
        empty_store_has_default_profile_and_no_applications,
    ),
    ("profile_round_trip", profile_round_trip),
    ("full_application_round_trip", full_application_round_trip),
    ("edge_values_round_trip", edge_values_round_trip),
    ("replace_keeps_position", replace_keeps_position),
    ("delete_application", delete_application),
    (
        "unknown_delete_fails_and_rolls_back",
        unknown_delete_fails_and_rolls_back,
    ),
    ("delete_all_applications", delete_all_applications),
    ("application_lookup_and_ids", application_lookup_and_ids),
    ("find_applications_by_key", find_applications_by_key),
    (
        "each_application_walks_the_store",
        each_application_walks_the_store,
    ),
    ("batch_is_atomic", batch_is_atomic),
    ("empty_batch_changes_nothing", empty_batch_changes_nothing),
    (
        "load_active_keeps_every_acting_application",
        load_active_keeps_every_acting_application,
    ),
    (
        "a_big_batch_of_puts_is_written_as_one_by_one",
        a_big_batch_of_puts_is_written_as_one_by_one,
    ),
    (
        "apply_each_is_one_transaction",
        apply_each_is_one_transaction,
    ),
    (
        "update_is_one_journalled_transaction",
        update_is_one_journalled_transaction,
    ),
    (
        "journal_keeps_what_each_application_ends_as",
        journal_keeps_what_each_application_ends_as,
    ),
    (
        "a_bulk_write_is_one_transaction_too",
        a_bulk_write_is_one_transaction_too,
    ),
    (
        "journal_keeps_only_what_changed_in_a_big_unit",
        journal_keeps_only_what_changed_in_a_big_unit,
    ),
    (
        "journal_forgets_entries_older_than_its_days",
        journal_forgets_entries_older_than_its_days,
    ),
    (
        "versions_change_and_are_never_reused",
        versions_change_and_are_never_reused,
    ),
    ("stale_write_is_refused", stale_write_is_refused),
    ("undo_reverts_and_is_undoable", undo_reverts_and_is_undoable),
    (
        "undo_refuses_to_overwrite_unjournalled_changes",
        undo_refuses_to_overwrite_unjournalled_changes,
    ),
    (
        "settings_are_kept_replaced_and_removed",
        settings_are_kept_replaced_and_removed,
    ),
];

/// Opens another handle on one and the same store (a second process, a
/// second connection), for the checks that need writers side by side.
pub type OpenShared<'a> = &'a (dyn Fn() -> Result<Box<dyn Store + Send>, StoreError> + Sync);

/// A check over several handles on one store.
pub type SharedCheck = fn(OpenShared<'_>) -> Result<(), Failure>;

/// Every check that needs several handles on one store, by name. Each
/// gets an `open` whose store starts empty.
pub const SHARED_CHECKS: &[(&str, SharedCheck)] = &[
    (
        "concurrent_updates_lose_nothing",
        concurrent_updates_lose_nothing,
    ),
    (
        "a_write_waits_for_another_writer",
        a_write_waits_for_another_writer,
    ),
    ("revision_sees_other_writers", revision_sees_other_writers),
];

/// Runs every check against fresh stores; returns all failures.
pub fn run_all(new_store: NewStore<'_>) -> Result<(), Vec<Failure>> {
    let failures: Vec<Failure> = CHECKS
        .iter()
        .filter_map(|(_, check)| check(new_store).err())
        .collect();
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures)
    }
}

/// Context for the failures of one check.
struct Checker {
    check: &'static str,
}

impl Checker {
    fn new(check: &'static str) -> Self {
        Checker { check }
    }

    fn fail(&self, message: impl Into<String>) -> Failure {
        Failure {
            check: self.check,
            message: message.into(),
        }
    }

    fn store(&self, new_store: NewStore<'_>) -> Result<Box<dyn Store>, Failure> {
        new_store().map_err(|e| self.fail(format!("cannot create a store: {e}")))
    }

    /// Unwraps a store result, naming the step that failed.
    fn ok<T>(&self, step: &str, r: Result<T, StoreError>) -> Result<T, Failure> {
        r.map_err(|e| self.fail(format!("{step} failed: {e}")))
    }

    fn apply(&self, store: &mut dyn Store, step: &str, changes: &[Change]) -> Result<(), Failure> {
        self.ok(step, store.apply(changes))
    }

    fn load(&self, store: &dyn Store, step: &str) -> Result<Dataset, Failure> {
        self.ok(&format!("load() {step}"), store.load())
    }

    fn equal<T: PartialEq + fmt::Debug>(
        &self,
        what: &str,
        found: &T,
        expected: &T,
    ) -> Result<(), Failure> {
        if found == expected {
            Ok(())
        } else {
            Err(self.fail(format!("{what}: {}", difference(found, expected))))
        }
    }

    fn ids(&self, store: &dyn Store, step: &str, expected: &[&str]) -> Result<(), Failure> {
        let ids = self.ok("application_ids()", store.application_ids())?;
        self.equal(
            &format!("application_ids() {step}"),
            &ids,
            &to_strings(expected),
        )?;
        let loaded = self.load(store, step)?;
        let loaded_ids: Vec<String> = loaded
            .applications
            .iter()
            .map(|a| a.id.to_string())
            .collect();
        self.equal(
            &format!("ids of load().applications {step}"),
            &loaded_ids,
            &to_strings(expected),
        )
    }
}

fn to_strings(ids: &[&str]) -> Vec<String> {
    ids.iter().map(|s| s.to_string()).collect()
}

/// Shows where two values first differ, with a little context: the values
/// themselves can be hundreds of kilobytes.
fn difference<T: fmt::Debug>(found: &T, expected: &T) -> String {
    let found = format!("{found:?}");
    let expected = format!("{expected:?}");
    let at = found
        .chars()
        .zip(expected.chars())
        .position(|(a, b)| a != b)
        .unwrap_or_else(|| found.chars().count().min(expected.chars().count()));
    let excerpt = |s: &str| -> String {
        let start = at.saturating_sub(120);
        format!("…{}…", s.chars().skip(start).take(240).collect::<String>())
    };
    format!(
        "differs at character {at} of the Debug form\n  found:    {}\n  expected: {}",
        excerpt(&found),
        excerpt(&expected)
    )
}

fn moment(text: &str) -> Moment {
    text.parse()
        .unwrap_or_else(|e| panic!("bad test time {text}: {e}"))
}

fn date(text: &str) -> Date {
    text.parse()
        .unwrap_or_else(|e| panic!("bad test date {text}: {e}"))
}

/// A profile with every field away from its default.
pub fn sample_profile() -> Profile {
    Profile {
        name: "Zoë Ångström-Nakamura 中村".to_string(),
        timezone: "America/Chicago".to_string(),
        holidays: Holidays {
            calendar: HolidayCalendar::GbEng,
            extra: vec![date("2026-12-24"), date("2027-01-02")],
        },
        policy: Policy::Proactive,
        emails: vec![
            "zoe@mail.example".to_string(),
            "Zoë.Work@exämple.test".to_string(),
        ],
    }
}

/// An application with every optional field set, unicode throughout and a
/// note of about 100 KB.
pub fn full_application(id: &str) -> Application {
    let long_note = "Dear Marie — thank you for the panel. Ünïcødé ✓ 日本語 🎉\n".repeat(1_700);
    let mut marie = Person::new("marie", "Marie Dubois", PersonKind::Interviewer);
    marie.title = Some("Analytics Lead".to_string());
    marie.email = Some("marie@acme.example".to_string());
    marie.phone = Some("+33 1 23 45 67 89".to_string());
    marie.mailing_address = Some("1 Rue de l'Exemple\n75001 Paris".to_string());
    marie.said = vec![
        "APAC expansion is next year's top priority".to_string(),
        "We \"love\" SQL — and 'quotes'".to_string(),
    ];
    marie.prefers = Some(Prefers {
        channel: Some(Channel::Email),
        after: Some(date("2026-12-04")),
    });
    let mut raj = Person::new("raj", "Raj Patel", PersonKind::Recruiter);
    raj.prefers = Some(Prefers {
        channel: Some(Channel::Phone),
        after: None,
    });
    let desk = Person::new("desk", "Front desk", PersonKind::Receptionist);

    let mut panel = Interview::new("acme-panel", moment("2026-11-20T10:00:00-06:00"));
    panel.minutes = 90;
    panel.format = InterviewFormat::InPerson;
    panel.status = InterviewStatus::Done;
    panel.interviewers = vec!["marie".into(), "raj".into()];
    panel.also_met = vec!["desk".into()];
    panel.asked_questions = Some(true);
    panel.disrupted = true;
    panel.prepared = Prepared {
        research: true,
        questions: 4,
    };
    panel.slip_ups = vec![
        SlipUp {
            text: "Called Marie 'Mary' once".to_string(),
            noticed: true,
            apologized: false,
        },
        SlipUp {
            text: "Arrived 2 min late".to_string(),
            noticed: false,
            apologized: true,
        },
    ];
    panel.reflection = Some(Reflection {
        went_well: "The SQL exercise".to_string(),
        change: "Slow down on the intro".to_string(),
        mistakes: vec!["Rambled about Python".to_string()],
        missing_info: vec!["Team size".to_string(), "Budget".to_string()],
        hardest_question: Some("Why leave now? — answer with the growth story".to_string()),
    });
    panel.scheduled_at = Some(moment("2026-11-10T08:15:30+05:30"));
    panel.location = Some("Tour Exemple, 3ᵉ étage\nSalle « Seine »".to_string());
    panel.link = Some(
        "https://teams.microsoft.com/l/meetup-join/19%3ameeting_X%40thread.v2/0?context=%7b%7d"
            .to_string(),
    );
    panel.invite = Some(InviteRef {
        uid: "040000008200E00074C5B7101A82E008000000001A2B3C4D@outlook.example".to_string(),
        sequence: 4_294_967_295,
    });

    let mut screen = Interview::new("acme-screen", moment("2026-11-12T16:00:00.123456789Z"));
    screen.format = InterviewFormat::Phone;
    screen.status = InterviewStatus::Cancelled;
    screen.interviewers = vec!["raj".into()];
    screen.asked_questions = Some(false);
    screen.invite = Some(InviteRef {
        uid: "5k2m7q9s1u3w5y7a9c1e3g5i7k@google.com".to_string(),
        sequence: 0,
    });

    Application {
        id: id.into(),
        company: "Acme Corp — Société Générale d'Exemples".to_string(),
        role: "Data Analyst (m/w/d) 分析".to_string(),
        stage: Stage::Offer,
        urgent: true,
        recruiter: RecruiterKind::Outside,
        policy: Some(Policy::Proactive),
        people: vec![marie, raj, desk],
        interviews: vec![panel, screen],
        touches: vec![
            Touch {
                at: moment("2026-11-20T17:30:00-06:00"),
                person: Some("marie".into()),
                channel: Channel::Email,
                kind: TouchKind::ThankYou,
                replied_at: Some(moment("2026-11-21T09:05:00+01:00")),
                forced: true,
                note: Some(long_note),
                message_id: Some("<thanks.1@mail.example>".to_string()),
            },
            Touch {
                at: moment("2026-12-01T09:00:00-06:00"),
                person: None,
                channel: Channel::Letter,
                kind: TouchKind::StatusCheck,
                replied_at: None,
                forced: false,
                note: None,
                message_id: None,
            },
        ],
        news: vec![
            News {
                on: date("2026-11-25"),
                text: "Acme opened an office in Singapore 🇸🇬".to_string(),
            },
            News {
                on: date("2026-11-26"),
                text: "Second item".to_string(),
            },
        ],
        outcome: Some(Outcome {
            kind: OutcomeKind::Offer,
            on: date("2026-12-10"),
            feedback: vec![
                Feedback {
                    text: "Great structure".to_string(),
                    kind: Some(FeedbackKind::Behavior),
                    positive: true,
                    plan: None,
                },
                Feedback {
                    text: "Needs more dbt".to_string(),
                    kind: Some(FeedbackKind::Skill),
                    positive: false,
                    plan: Some(LearningPlan {
                        step: "Finish the dbt course".to_string(),
                        by: date("2027-01-15"),
                    }),
                },
                Feedback {
                    text: "Unclassified".to_string(),
                    kind: None,
                    positive: false,
                    plan: None,
                },
            ],
            stay_in_touch: true,
            message_id: Some("<offer@acme.example>".to_string()),
        }),
        research: vec![
            ResearchFact {
                fact: "Moving to Snowflake".to_string(),
                contribution: Some("I migrated two warehouses".to_string()),
            },
            ResearchFact {
                fact: "New CFO".to_string(),
                contribution: None,
            },
        ],
        dismissed: vec![
            Dismissal {
                rule: Rule::ThankStaff,
                interview: Some("acme-panel".into()),
                person: Some("desk".into()),
                at: moment("2026-11-21T08:00:00-06:00"),
                reason: "Thanked in person".to_string(),
            },
            Dismissal {
                rule: Rule::StatusCheck,
                interview: None,
                person: None,
                at: moment("2026-12-02T08:00:00Z"),
                reason: String::new(),
            },
        ],
        posting_url: Some("https://jobs.example/acme/4711?ref=debrief&lang=fr".to_string()),
        location: Some("Chicago, IL — hybrid; 2 days/week".to_string()),
        salary: Some("$95,000–$110,000 + bonus".to_string()),
        applied_on: Some(jiff::civil::date(2026, 11, 2)),
        source: Some("referral (Raj)".to_string()),
        archived: false,
    }
}

/// A small application, different from [`full_application`].
pub fn small_application(id: &str, company: &str) -> Application {
    let mut a = Application::new(id, company, "Engineer");
    a.people = vec![Person::new("p1", "Pat One", PersonKind::Hr)];
    a.touches = vec![Touch {
        at: moment("2026-10-01T12:00:00+02:00"),
        person: Some("p1".into()),
        channel: Channel::Message,
        kind: TouchKind::Other,
        replied_at: None,
        forced: false,
        note: None,
        message_id: None,
    }];
    a
}

fn put(a: &Application) -> Change {
    Change::PutApplication(a.clone())
}

pub fn empty_store_has_default_profile_and_no_applications(
    new_store: NewStore<'_>,
) -> Result<(), Failure> {
    let c = Checker::new("empty_store_has_default_profile_and_no_applications");
    let store = c.store(new_store)?;
    c.equal(
        "load() of an empty store",
        &c.load(&*store, "")?,
        &Dataset::default(),
    )?;
    c.equal(
        "profile() of an empty store",
        &c.ok("profile()", store.profile())?,
        &Profile::default(),
    )?;
    c.ids(&*store, "of an empty store", &[])?;
    c.equal(
        "application(\"acme\") of an empty store",
        &c.ok("application()", store.application("acme"))?,
        &None,
    )
}

pub fn profile_round_trip(new_store: NewStore<'_>) -> Result<(), Failure> {
    let c = Checker::new("profile_round_trip");
    let mut store = c.store(new_store)?;
    let profile = sample_profile();
    c.apply(
        &mut *store,
        "SetProfile",
        &[Change::SetProfile(profile.clone())],
    )?;
    c.equal("profile()", &c.ok("profile()", store.profile())?, &profile)?;
    c.equal("load().profile", &c.load(&*store, "")?.profile, &profile)?;

    // Setting it again replaces it wholly, back to the defaults here.
    c.apply(
        &mut *store,
        "SetProfile",
        &[Change::SetProfile(Profile::default())],
    )?;
    c.equal(
        "profile() after setting the default",
        &c.ok("profile()", store.profile())?,
        &Profile::default(),
    )?;
    c.ids(&*store, "after SetProfile", &[])
}

pub fn full_application_round_trip(new_store: NewStore<'_>) -> Result<(), Failure> {
    let c = Checker::new("full_application_round_trip");
    let mut store = c.store(new_store)?;
    let full = full_application("acme-analyst");
    let minimal = Application::new("bare", "Bare Inc", "");
    let expected = Dataset {
        profile: sample_profile(),
        applications: vec![full.clone(), minimal.clone()],
        ..Dataset::default()
    };
    c.apply(
        &mut *store,
        "SetProfile + 2 × PutApplication",
        &[
            Change::SetProfile(sample_profile()),
            put(&full),
            put(&minimal),
        ],
    )?;
    c.equal("load()", &c.load(&*store, "")?, &expected)?;
    c.equal(
        "application(\"acme-analyst\")",
        &c.ok("application()", store.application("acme-analyst"))?,
        &Some(full),
    )?;
    c.equal(
        "application(\"bare\")",
        &c.ok("application()", store.application("bare"))?,
        &Some(minimal),
    )
}

/// Values a backend might conflate: empty versus absent, `false` versus
/// unknown, and ids that need quoting.
pub fn edge_values_round_trip(new_store: NewStore<'_>) -> Result<(), Failure> {
    let c = Checker::new("edge_values_round_trip");
    let mut store = c.store(new_store)?;
    let mut a = Application::new("o'brien \"ß\"; DROP TABLE x; --", "", "");
    let mut p = Person::new("", "", PersonKind::Other);
    p.title = Some(String::new());
    p.email = Some(String::new());
    p.said = vec![String::new()];
    p.prefers = Some(Prefers::default());
    a.people = vec![
        p.clone(),
        Person::new("p2", "Second", PersonKind::Coordinator),
    ];
    let mut i = Interview::new("i", moment("1969-12-31T23:59:59.5-00:30"));
    i.minutes = 0;
    i.asked_questions = Some(false);
    i.reflection = Some(Reflection::default());
    i.also_met = vec!["p2".into()];
    i.location = Some(String::new());
    i.link = Some(String::new());
    let mut j = Interview::new("j", moment("2026-06-01T00:00:00+14:00"));
    j.status = InterviewStatus::Missed;
    j.interviewers = vec!["".into(), "p2".into(), "p2".into()];
    j.reflection = Some(Reflection {
        hardest_question: Some(String::new()),
        ..Reflection::default()
    });
    j.invite = Some(InviteRef {
        uid: String::new(),
        sequence: 0,
    });
    a.interviews = vec![i, j];
    a.touches = vec![Touch {
        at: moment("2026-01-01T00:00:00Z"),
        person: Some(PersonId::default()),
        channel: Channel::InPerson,
        kind: TouchKind::Recovery,
        replied_at: Some(moment("2026-01-01T00:00:00Z")),
        forced: false,
        note: Some(String::new()),
        message_id: None,
    }];
    a.outcome = Some(Outcome {
        kind: OutcomeKind::NoResponse,
        on: date("2026-02-28"),
        feedback: vec![],
        stay_in_touch: false,
        message_id: None,
    });
    a.research = vec![ResearchFact {
        fact: String::new(),
        contribution: Some(String::new()),
    }];
    let mut b = Application::new("b", "B", "B");
    b.policy = Some(Policy::Conservative);
    b.stage = Stage::Withdrawn;
    b.recruiter = RecruiterKind::Inside;
    let profile = Profile {
        name: String::new(),
        timezone: "Asia/Kolkata".to_string(),
        holidays: Holidays {
            calendar: HolidayCalendar::Us,
            extra: vec![],
        },
        policy: Policy::Conservative,
        emails: vec![],
    };
    c.apply(
        &mut *store,
        "PutApplication",
        &[put(&a), put(&b), Change::SetProfile(profile.clone())],
    )?;
    let expected = Dataset {
        profile,
        applications: vec![a.clone(), b],
        ..Dataset::default()
    };
    c.equal("load()", &c.load(&*store, "")?, &expected)?;
    c.equal(
        "application() with a quoted id",
        &c.ok("application()", store.application(&a.id))?,
        &Some(a),
    )
}

pub fn replace_keeps_position(new_store: NewStore<'_>) -> Result<(), Failure> {
    let c = Checker::new("replace_keeps_position");
    let mut store = c.store(new_store)?;
    let a = small_application("a", "A");
    let b = full_application("b");
    let z = small_application("z", "Z");
    c.apply(
        &mut *store,
        "3 × PutApplication",
        &[put(&z), put(&b), put(&a)],
    )?;

    // The replacement has fewer children of every kind: none may survive.
    let mut b2 = small_application("b", "B, replaced");
    b2.stage = Stage::Rejected;
    c.apply(&mut *store, "PutApplication (replace)", &[put(&b2)])?;
    c.ids(&*store, "after replacing the middle one", &["z", "b", "a"])?;
    c.equal(
        "application(\"b\") after replace",
        &c.ok("application()", store.application("b"))?,
        &Some(b2.clone()),
    )?;
    let loaded = c.load(&*store, "after replace")?;
    c.equal(
        "load().applications after replace",
        &loaded.applications,
        &vec![z.clone(), b2, a.clone()],
    )?;

    // Replacing the first and the last, and twice within one batch.
    let z2 = full_application("z");
    let mut a2 = small_application("a", "A2");
    a2.urgent = true;
    let mut a3 = a2.clone();
    a3.company = "A3".to_string();
    c.apply(
        &mut *store,
        "batch of replaces",
        &[put(&a2), put(&z2), put(&a3)],
    )?;
    c.ids(&*store, "after replacing the ends", &["z", "b", "a"])?;
    c.equal(
        "application(\"a\") after two replaces in one batch",
        &c.ok("application()", store.application("a"))?,
        &Some(a3),
    )?;
    c.equal(
        "application(\"z\") after replace",
        &c.ok("application()", store.application("z"))?,
        &Some(z2),
    )
}

pub fn delete_application(new_store: NewStore<'_>) -> Result<(), Failure> {
    let c = Checker::new("delete_application");
    let mut store = c.store(new_store)?;
    let a = small_application("a", "A");
    let b = full_application("b");
    let cc = small_application("c", "C");
    c.apply(
        &mut *store,
        "3 × PutApplication",
        &[put(&a), put(&b), put(&cc)],
    )?;
    c.apply(
        &mut *store,
        "DeleteApplication(\"b\")",
        &[Change::DeleteApplication("b".to_string())],
    )?;
    c.ids(&*store, "after deleting b", &["a", "c"])?;
    c.equal(
        "application(\"b\") after delete",
        &c.ok("application()", store.application("b"))?,
        &None,
    )?;
    c.equal(
        "load().applications after delete",
        &c.load(&*store, "after delete")?.applications,
        &vec![a.clone(), cc.clone()],
    )?;

    // A deleted id put again is a new application: it goes last, and
    // nothing of the old one comes back.
    let b2 = small_application("b", "B again");
    c.apply(&mut *store, "PutApplication(\"b\") again", &[put(&b2)])?;
    c.ids(&*store, "after putting b again", &["a", "c", "b"])?;
    c.equal(
        "application(\"b\") put again",
        &c.ok("application()", store.application("b"))?,
        &Some(b2),
    )?;

    // Deleting the last one, then putting a new one: still insertion order.
    c.apply(
        &mut *store,
        "DeleteApplication(\"b\")",
        &[Change::DeleteApplication("b".to_string())],
    )?;
    c.apply(
        &mut *store,
        "PutApplication(\"d\")",
        &[put(&small_application("d", "D"))],
    )?;
    c.ids(
        &*store,
        "after deleting the last and adding d",
        &["a", "c", "d"],
    )
}

pub fn unknown_delete_fails_and_rolls_back(new_store: NewStore<'_>) -> Result<(), Failure> {
    let c = Checker::new("unknown_delete_fails_and_rolls_back");
    let mut store = c.store(new_store)?;
    let a = full_application("a");
    c.apply(
        &mut *store,
        "setup",
        &[
            Change::SetProfile(sample_profile()),
            put(&a),
            put(&small_application("b", "B")),
        ],
    )?;
    let before = c.load(&*store, "before the failing batch")?;

    let mut a2 = small_application("a", "A, replaced");
    a2.stage = Stage::Closed;
    let result = store.apply(&[
        Change::SetProfile(Profile::default()),
        put(&small_application("new", "New")),
        put(&a2),
        Change::DeleteApplication("b".to_string()),
        Change::DeleteApplication("nope".to_string()),
        put(&small_application("after", "After")),
    ]);
    match result {
        Err(StoreError::UnknownApplication(id)) if id == "nope" => {}
        Err(StoreError::UnknownApplication(id)) => {
            return Err(c.fail(format!(
                "deleting 'nope' reported UnknownApplication(\"{id}\")"
            )));
        }
        Err(e) => {
            return Err(c.fail(format!(
                "deleting 'nope' failed with {e:?}, expected UnknownApplication"
            )));
        }
        Ok(()) => return Err(c.fail("deleting an unknown id succeeded")),
    }
    c.equal(
        "load() after the failed batch",
        &c.load(&*store, "after the failed batch")?,
        &before,
    )?;
    c.ids(&*store, "after the failed batch", &["a", "b"])?;

    // The store is still usable after the rollback.
    c.apply(
        &mut *store,
        "a batch after the rollback",
        &[put(&small_application("c", "C"))],
    )?;
    c.ids(&*store, "after the next batch", &["a", "b", "c"])
}

pub fn delete_all_applications(new_store: NewStore<'_>) -> Result<(), Failure> {
    let c = Checker::new("delete_all_applications");
    let mut store = c.store(new_store)?;
    c.apply(
        &mut *store,
        "setup",
        &[
            Change::SetProfile(sample_profile()),
            put(&full_application("a")),
            put(&small_application("b", "B")),
            put(&full_application("c")),
        ],
    )?;
    c.apply(
        &mut *store,
        "DeleteAllApplications",
        &[Change::DeleteAllApplications],
    )?;
    c.equal(
        "load() after DeleteAllApplications",
        &c.load(&*store, "after DeleteAllApplications")?,
        &Dataset {
            profile: sample_profile(),
            ..Dataset::default()
        },
    )?;
    c.ids(&*store, "after DeleteAllApplications", &[])?;
    c.equal(
        "application(\"a\") after DeleteAllApplications",
        &c.ok("application()", store.application("a"))?,
        &None,
    )?;
    // On an empty store it is not an error.
    c.apply(
        &mut *store,
        "DeleteAllApplications again",
        &[Change::DeleteAllApplications],
    )?;

    // `import --replace`: wipe and refill in one batch, old ids reused.
    let full = full_application("c");
    c.apply(
        &mut *store,
        "DeleteAllApplications + puts",
        &[
            put(&small_application("x", "X")),
            Change::DeleteAllApplications,
            put(&full),
            put(&small_application("a", "A")),
        ],
    )?;
    c.ids(&*store, "after wipe and refill", &["c", "a"])?;
    c.equal(
        "application(\"c\") after wipe and refill",
        &c.ok("application()", store.application("c"))?,
        &Some(full),
    )
}

pub fn application_lookup_and_ids(new_store: NewStore<'_>) -> Result<(), Failure> {
    let c = Checker::new("application_lookup_and_ids");
    let mut store = c.store(new_store)?;
    let ids = ["zeta", "alpha", "Mü-ß", "10", "9", "beta"];
    let apps: Vec<Application> = ids
        .iter()
        .enumerate()
        .map(|(n, id)| {
            if n % 2 == 0 {
                full_application(id)
            } else {
                small_application(id, &format!("Company {n}"))
            }
        })
        .collect();
    let changes: Vec<Change> = apps.iter().map(put).collect();
    c.apply(&mut *store, "puts", &changes)?;
    // Insertion order, not sorted by id.
    c.ids(&*store, "after the puts", &ids)?;
    for a in &apps {
        c.equal(
            &format!("application(\"{}\")", a.id),
            &c.ok("application()", store.application(&a.id))?,
            &Some(a.clone()),
        )?;
    }
    for unknown in ["", "ALPHA", "alpha ", "nope"] {
        c.equal(
            &format!("application(\"{unknown}\")"),
            &c.ok("application()", store.application(unknown))?,
            &None,
        )?;
    }
    Ok(())
}

/// `find_applications` answers what filtering `load()` by the keys
/// (`debrief_core::keys`) would, in insertion order, outside and inside a
/// transaction, and forgets the keys a rewrite or a delete took away.
pub fn find_applications_by_key(new_store: NewStore<'_>) -> Result<(), Failure> {
    use debrief_core::keys;
    let c = Checker::new("find_applications_by_key");
    let mut store = c.store(new_store)?;
    let mut nw = small_application("nw", "Northwind Traders Ltd.");
    nw.people[0].email = Some(" Ana@Northwind.Example ".to_string());
    let apps = vec![
        full_application("zeta"),
        small_application("alpha", "Contoso"),
        nw,
        full_application("beta"),
    ];
    c.apply(
        &mut *store,
        "puts",
        &apps.iter().map(put).collect::<Vec<_>>(),
    )?;

    let store_ref: &mut dyn Store = &mut *store;
    for (wanted, ids) in [
        (vec![], vec![]),
        (vec!["e:ana@northwind.example"], vec!["nw"]),
        (
            vec!["d:northwind.example", "c:contoso"],
            vec!["alpha", "nw"],
        ),
        (vec!["l:northwindtraders"], vec!["nw"]),
        (vec!["c:northwind traders"], vec!["nw"]),
        (vec!["e:marie@acme.example"], vec!["zeta", "beta"]),
        (vec!["e:nobody@nowhere.example", "x:unknown"], vec![]),
    ] {
        let wanted: BTreeSet<String> = wanted.iter().map(|k| k.to_string()).collect();
        let found = c.ok("find_applications()", store_ref.find_applications(&wanted))?;
        let found_ids: Vec<String> = found.iter().map(|a| a.id.to_string()).collect();
        c.equal(
            &format!("ids found by {wanted:?}"),
            &found_ids,
            &to_strings(&ids),
        )?;
        let mut expected = c.load(store_ref, "after the puts")?.applications;
        expected.retain(|a| keys::holds_any(a, &wanted));
        c.equal(&format!("find_applications({wanted:?})"), &found, &expected)?;
    }
    // Every key of every application finds it, inside a transaction too.
    for a in &apps {
        let wanted = keys::of(a);
        let mut inside = Vec::new();
        c.ok(
            "transaction()",
            store_ref.transaction(&mut |tx| {
                inside = tx.find_applications(&wanted)?;
                Ok(())
            }),
        )?;
        if !inside.iter().any(|b| b.id == a.id) {
            return Err(c.fail(format!("'{}' is not found by its own keys", a.id)));
        }
    }
    // A rewrite drops the keys it took away; a delete drops them all.
    let mut renamed = small_application("alpha", "Fabrikam");
    renamed.people[0].email = Some("jo@fabrikam.example".to_string());
    c.apply(
        store_ref,
        "rewrite and delete",
        &[put(&renamed), Change::DeleteApplication("nw".to_string())],
    )?;
    for (wanted, ids) in [
        (vec!["c:contoso"], vec![]),
        (vec!["c:fabrikam", "d:fabrikam.example"], vec!["alpha"]),
        (vec!["e:ana@northwind.example", "l:northwind"], vec![]),
    ] {
        let wanted: BTreeSet<String> = wanted.iter().map(|k| k.to_string()).collect();
        let found = c.ok("find_applications()", store_ref.find_applications(&wanted))?;
        let found_ids: Vec<String> = found.iter().map(|a| a.id.to_string()).collect();
        c.equal(
            &format!("ids found by {wanted:?} after a rewrite and a delete"),
            &found_ids,
            &to_strings(&ids),
        )?;
    }
    // Inside one transaction, what it wrote finds and stops finding as
    // it goes: added, renamed, joined by another, removed.
    let company = |name: &str| -> BTreeSet<String> { [format!("c:{name}")].into() };
    // Each step: what it writes, then what it looks up (a label and a
    // company) and must find.
    type Step = (Vec<Change>, Vec<(&'static str, &'static str)>);
    let steps: Vec<Step> = vec![
        (
            vec![put(&small_application("x", "Initech"))],
            vec![("added", "initech")],
        ),
        (
            vec![put(&small_application("x", "Hooli"))],
            vec![("renamed: old", "initech"), ("renamed: new", "hooli")],
        ),
        (
            vec![put(&small_application("y", "Hooli"))],
            vec![("joined", "hooli")],
        ),
        (
            vec![Change::DeleteApplication("x".to_string())],
            vec![("removed", "hooli")],
        ),
        // Renamed before any read.
        (
            vec![
                put(&small_application("z", "Umbrella")),
                put(&small_application("z", "Vandelay")),
            ],
            vec![
                ("written twice: old", "umbrella"),
                ("written twice: new", "vandelay"),
            ],
        ),
    ];
    let mut seen: Vec<(&str, Vec<String>)> = Vec::new();
    c.ok(
        "one transaction",
        store_ref.transaction(&mut |tx| {
            seen.clear();
            for (changes, looks) in &steps {
                tx.write(changes)?;
                for (what, name) in looks {
                    let found = tx.find_applications(&company(name))?;
                    seen.push((what, found.iter().map(|a| a.id.to_string()).collect()));
                }
            }
            Ok(())
        }),
    )?;
    c.equal(
        "found inside one transaction",
        &seen,
        &vec![
            ("added", to_strings(&["x"])),
            ("renamed: old", vec![]),
            ("renamed: new", to_strings(&["x"])),
            ("joined", to_strings(&["x", "y"])),
            ("removed", to_strings(&["y"])),
            ("written twice: old", vec![]),
            ("written twice: new", to_strings(&["z"])),
        ],
    )?;
    let after: Vec<String> = c
        .ok(
            "find_applications()",
            store_ref.find_applications(&company("hooli")),
        )?
        .iter()
        .map(|a| a.id.to_string())
        .collect();
    c.equal("found after its commit", &after, &to_strings(&["y"]))?;
    c.apply(store_ref, "delete all", &[Change::DeleteAllApplications])?;
    let everything: BTreeSet<String> = apps.iter().flat_map(keys::of).collect();
    c.equal(
        "find_applications() after deleting everything",
        &c.ok(
            "find_applications()",
            store_ref.find_applications(&everything),
        )?,
        &Vec::new(),
    )
}

/// `each_application` hands over what `load()` holds, in the same order,
/// across more applications than one chunk of a backend's read; an error
/// from the callee stops the walk and comes back unchanged.
pub fn each_application_walks_the_store(new_store: NewStore<'_>) -> Result<(), Failure> {
    let c = Checker::new("each_application_walks_the_store");
    let mut store = c.store(new_store)?;
    let mut walked = Vec::new();
    c.ok(
        "each_application() on an empty store",
        store.each_application(&mut |a| {
            walked.push(a);
            Ok(())
        }),
    )?;
    c.equal("applications of an empty store", &walked, &Vec::new())?;
    let mut changes = vec![put(&full_application("first"))];
    changes.extend((0..2_100).map(|n| put(&small_application(&format!("app-{n}"), "Contoso"))));
    changes.push(put(&full_application("last")));
    // A rewrite keeps its place.
    changes.push(put(&small_application("app-7", "Fabrikam")));
    c.apply(&mut *store, "puts", &changes)?;
    let loaded = c.load(&*store, "after the puts")?.applications;
    c.ok(
        "each_application()",
        store.each_application(&mut |a| {
            walked.push(a);
            Ok(())
        }),
    )?;
    c.equal("each_application() against load()", &walked, &loaded)?;
    // Past a page or two (a backend may read a walk a page at a time),
    // `each_active` walks what `load_active` reads.
    let profile = c.ok("profile()", store.profile())?;
    for at in ["2026-10-02T09:00:00Z", "2027-06-01T09:00:00Z"] {
        let now = moment(at).ts;
        let active = c.ok("load_active()", store.load_active(now, &profile.timezone))?;
        let mut walked = Vec::new();
        c.ok(
            "each_active()",
            store.each_active(now, &profile.timezone, &mut |a| {
                walked.push(a);
                Ok(())
            }),
        )?;
        c.equal(
            &format!("each_active({at}) against load_active()"),
            &walked,
            &active.applications,
        )?;
    }
    let mut seen = 0;
    let stopped = store.each_application(&mut |_| {
        seen += 1;
        if seen == 3 {
            Err(StoreError::Backend("stop here".to_string()))
        } else {
            Ok(())
        }
    });
    match stopped {
        Err(StoreError::Backend(m)) if m == "stop here" && seen == 3 => Ok(()),
        other => Err(c.fail(format!(
            "an error from the callee should stop the walk at once: {other:?} after {seen}"
        ))),
    }
}

/// Inserts `a`, or replaces the application with its id in its place.
fn put_into(data: &mut Dataset, a: &Application) {
    match data.applications.iter_mut().find(|old| old.id == a.id) {
        Some(old) => *old = a.clone(),
        None => data.applications.push(a.clone()),
    }
}

/// Applies `changes` to a plain dataset: the reference the store must match.
fn apply_to_dataset(data: &mut Dataset, changes: &[Change]) -> Result<(), StoreError> {
    for change in changes {
        match change {
            Change::SetProfile(p) => data.profile = p.clone(),
            Change::PutApplication(a) => put_into(data, a),
            Change::PutEncoded(e) => put_into(data, e.application()),
            Change::DeleteApplication(id) => {
                let before = data.applications.len();
                data.applications.retain(|a| &a.id != id);
                if data.applications.len() == before {
                    return Err(StoreError::UnknownApplication(id.clone()));
                }
            }
            Change::DeleteAllApplications => data.applications.clear(),
        }
    }
    Ok(())
}

/// A long mixed batch either lands whole (and matches the reference) or,
/// when its last change fails, not at all.
pub fn batch_is_atomic(new_store: NewStore<'_>) -> Result<(), Failure> {
    let c = Checker::new("batch_is_atomic");
    let mut store = c.store(new_store)?;
    let mut expected = Dataset::default();

    let mut batch = vec![Change::SetProfile(sample_profile())];
    for n in 0..300 {
        let id = format!("app-{n:03}");
        batch.push(if n % 10 == 0 {
            put(&full_application(&id))
        } else {
            put(&small_application(&id, &format!("Company {n}")))
        });
        if n % 7 == 6 {
            batch.push(Change::DeleteApplication(format!("app-{:03}", n - 3)));
        }
        if n % 11 == 10 {
            let mut again = small_application(&format!("app-{:03}", n - 10), "Replaced");
            again.urgent = true;
            batch.push(put(&again));
        }
    }
    c.ok(
        "the reference model",
        apply_to_dataset(&mut expected, &batch),
    )?;
    c.apply(&mut *store, "a batch of 300+ changes", &batch)?;
    c.equal(
        "load() after the batch",
        &c.load(&*store, "after the batch")?,
        &expected,
    )?;

    // The same kind of batch, but its last change fails: nothing of it stays.
    let mut failing = vec![Change::SetProfile(Profile::default())];
    for n in 0..200 {
        failing.push(put(&small_application(&format!("late-{n}"), "Late")));
        if n % 5 == 0 {
            failing.push(put(&full_application(&format!("app-{:03}", n + 1))));
        }
    }
    failing.push(Change::DeleteAllApplications);
    failing.push(put(&full_application("after-wipe")));
    failing.push(Change::DeleteApplication("app-999".to_string()));
    match store.apply(&failing) {
        Err(StoreError::UnknownApplication(_)) => {}
        Err(e) => return Err(c.fail(format!("the failing batch failed with {e:?}"))),
        Ok(()) => return Err(c.fail("a batch deleting an unknown id succeeded")),
    }
    c.equal(
        "load() after the failed batch",
        &c.load(&*store, "after the failed batch")?,
        &expected,
    )
}

pub fn empty_batch_changes_nothing(new_store: NewStore<'_>) -> Result<(), Failure> {
    let c = Checker::new("empty_batch_changes_nothing");
    let mut store = c.store(new_store)?;
    c.apply(&mut *store, "setup", &[put(&small_application("a", "A"))])?;
    let before = c.load(&*store, "before")?;
    c.apply(&mut *store, "an empty batch", &[])?;
    c.equal(
        "load() after an empty batch",
        &c.load(&*store, "after")?,
        &before,
    )
}

/// An application that yields no action once its outcome is in: one
/// interview, thanked, answered and reflected on, then withdrawn.
pub fn settled_application(id: &str) -> Application {
    let mut a = Application::new(id, "Settled Co", "Analyst");
    let mut pat = Person::new("pat", "Pat Lee", PersonKind::Interviewer);
    pat.said = vec!["The team ships every Tuesday.".into()];
    a.people.push(pat);
    let mut iv = Interview::new("round-1", moment("2026-03-02T10:00:00-06:00"));
    iv.status = InterviewStatus::Done;
    iv.interviewers = vec!["pat".into()];
    iv.reflection = Some(Reflection {
        went_well: "Clear answers on the data pipeline.".into(),
        change: "Shorter stories.".into(),
        ..Reflection::default()
    });
    a.interviews.push(iv);
    a.touches.push(Touch {
        at: moment("2026-03-02T15:00:00-06:00"),
        person: Some("pat".into()),
        channel: Channel::Email,
        kind: TouchKind::ThankYou,
        replied_at: Some(moment("2026-03-04T09:00:00-06:00")),
        forced: false,
        note: None,
        message_id: None,
    });
    a.outcome = Some(Outcome {
        kind: OutcomeKind::Withdrawn,
        on: date("2026-03-10"),
        feedback: vec![],
        stay_in_touch: false,
        message_id: None,
    });
    a.stage = Stage::Withdrawn;
    a
}

/// `load_active(now, zone)` may leave out settled applications, but the
/// agenda computed from it must be the one computed from `load()`, at any
/// moment (before, between and after the applications' events) and after
/// the profile's time zone changes.
pub fn load_active_keeps_every_acting_application(new_store: NewStore<'_>) -> Result<(), Failure> {
    use debrief_core::engine::Engine;

    let c = Checker::new("load_active_keeps_every_acting_application");
    let mut store = c.store(new_store)?;
    let demo_now = moment("2026-03-20T09:00:00-05:00").ts;
    let demo = debrief_core::demo::dataset(demo_now, "America/Chicago")
        .map_err(|e| c.fail(format!("the demo dataset: {e}")))?;
    let mut batch = vec![Change::SetProfile(demo.profile.clone())];
    batch.extend(demo.applications.iter().map(put));
    batch.push(put(&settled_application("settled")));
    batch.push(put(&full_application("full")));
    batch.push(put(&small_application("small", "Small Co")));
    c.apply(&mut *store, "setup", &batch)?;

    let engine_for = |p: &Profile| Engine::new(p).map_err(|e| c.fail(e));
    if engine_for(&demo.profile)?
        .quiet_from(&settled_application("settled"))
        .is_none()
    {
        return Err(c.fail("the settled fixture still yields actions; the check proves nothing"));
    }
    let moments = [
        "2025-01-01T00:00:00Z",
        "2026-03-02T10:30:00-06:00",
        "2026-03-05T12:00:00-06:00",
        "2026-03-20T09:00:00-05:00",
        "2026-06-01T00:00:00Z",
        "2031-01-01T00:00:00Z",
    ];
    for zone in ["America/Chicago", "Pacific/Auckland"] {
        if zone != demo.profile.timezone {
            let mut moved = demo.profile.clone();
            moved.timezone = zone.to_string();
            c.apply(
                &mut *store,
                "moving the profile's zone",
                &[Change::SetProfile(moved)],
            )?;
        }
        let all = c.load(&*store, "for the reference agenda")?;
        let engine = engine_for(&all.profile)?;
        for at in moments {
            let now = moment(at).ts;
            let active = c.ok(
                &format!("load_active({at}, {zone})"),
                store.load_active(now, zone),
            )?;
            c.equal(
                &format!("the profile from load_active({at}, {zone})"),
                &active.profile,
                &all.profile,
            )?;
            c.equal(
                &format!("the agenda at {at} in {zone} from load_active"),
                &engine.agenda(&active, now).actions,
                &engine.agenda(&all, now).actions,
            )?;
            // `each_active` walks what `load_active` reads, in its order.
            let mut walked = Vec::new();
            c.ok(
                &format!("each_active({at}, {zone})"),
                store.each_active(now, zone, &mut |a| {
                    walked.push(a);
                    Ok(())
                }),
            )?;
            c.equal(
                &format!("each_active({at}, {zone}) against load_active"),
                &walked,
                &active.applications,
            )?;
        }
    }
    Ok(())
}

/// A batch of many puts (an invite import's, a tracker import's) may be
/// written with work beside it (SQLite prepares the applications on a
/// second thread): it must store what the same changes one by one store,
/// with the same lookup keys and quietness, and a failure at its end must
/// still leave nothing.
pub fn a_big_batch_of_puts_is_written_as_one_by_one(
    new_store: NewStore<'_>,
) -> Result<(), Failure> {
    use debrief_core::engine::Engine;
    use debrief_core::keys;

    let c = Checker::new("a_big_batch_of_puts_is_written_as_one_by_one");
    let demo_now = moment("2026-03-20T09:00:00-05:00").ts;
    let demo = debrief_core::demo::dataset(demo_now, "America/Chicago")
        .map_err(|e| c.fail(format!("the demo dataset: {e}")))?;
    // Without a profile change, which writes a batch one by one.
    let mut batch: Vec<Change> = Vec::new();
    for round in 0..16 {
        for a in &demo.applications {
            let mut a = a.clone();
            a.id = format!("{}-{round}", a.id).into();
            batch.push(put(&a));
        }
        batch.push(put(&settled_application(&format!("settled-{round}"))));
        batch.push(put(&full_application(&format!("full-{round}"))));
        batch.push(put(&small_application(
            &format!("small-{round}"),
            "Small Co",
        )));
    }
    // One replaced in the middle, one deleted: both in their place.
    batch.push(put(&small_application("full-3", "Replaced Co")));
    batch.push(Change::DeleteApplication("small-5".to_string()));
    batch.push(put(&small_application("late", "Late Co")));
    let puts = batch.iter().filter(|c| c.put().is_some()).count();
    if puts < 100 {
        return Err(c.fail(format!("only {puts} puts: the check proves nothing")));
    }

    let mut whole = c.store(new_store)?;
    let mut journalled = c.store(new_store)?;
    let mut each = c.store(new_store)?;
    for store in [&mut whole, &mut journalled, &mut each] {
        c.apply(
            &mut **store,
            "the profile",
            &[Change::SetProfile(demo.profile.clone())],
        )?;
    }
    c.apply(&mut *whole, "the batch", &batch)?;
    // As the importers write it: one journalled unit.
    c.ok(
        "the batch in one update",
        crate::update(&mut *journalled, &origin("a big batch"), |u| {
            u.apply(&batch)
        }),
    )?;
    for change in &batch {
        c.apply(&mut *each, "one change", std::slice::from_ref(change))?;
    }
    let mut expected = Dataset {
        profile: demo.profile.clone(),
        ..Dataset::default()
    };
    c.ok(
        "the reference model",
        apply_to_dataset(&mut expected, &batch),
    )?;
    let loaded = c.load(&*whole, "after the batch")?;
    c.equal("load() after the batch", &loaded, &expected)?;
    c.equal(
        "load() after the changes one by one",
        &c.load(&*each, "after one by one")?,
        &expected,
    )?;
    c.equal(
        "load() after the batch in one update",
        &c.load(&*journalled, "after the update")?,
        &expected,
    )?;

    // The same keys find the same applications.
    for a in &loaded.applications {
        let wanted = keys::of(a);
        let mut reference = expected.applications.clone();
        reference.retain(|b| keys::holds_any(b, &wanted));
        for (name, store) in [("the batch", &whole), ("the update", &journalled)] {
            let found = c.ok("find_applications()", store.find_applications(&wanted))?;
            c.equal(
                &format!("find_applications(keys of {}) after {name}", a.id),
                &found,
                &reference,
            )?;
        }
    }
    // The same quietness: what each store skips leaves the same agenda.
    let engine = Engine::new(&demo.profile).map_err(|e| c.fail(e))?;
    for at in [
        "2026-03-02T10:30:00-06:00",
        "2026-03-20T09:00:00-05:00",
        "2031-01-01T00:00:00Z",
    ] {
        let now = moment(at).ts;
        for (name, store) in [
            ("the batch", &whole),
            ("the update", &journalled),
            ("one by one", &each),
        ] {
            let active = c.ok(
                &format!("load_active({at}) after {name}"),
                store.load_active(now, &demo.profile.timezone),
            )?;
            c.equal(
                &format!("the agenda at {at} from load_active after {name}"),
                &engine.agenda(&active, now).actions,
                &engine.agenda(&expected, now).actions,
            )?;
        }
    }

    // A big batch whose last change fails leaves nothing.
    let mut failing: Vec<Change> = (0..150)
        .map(|n| put(&full_application(&format!("failing-{n}"))))
        .collect();
    failing.push(Change::DeleteApplication("nobody".to_string()));
    match whole.apply(&failing) {
        Err(StoreError::UnknownApplication(_)) => {}
        Err(e) => return Err(c.fail(format!("the failing batch failed with {e:?}"))),
        Ok(()) => return Err(c.fail("a batch deleting an unknown id succeeded")),
    }
    match crate::update(&mut *journalled, &origin("failing"), |u| u.apply(&failing)) {
        Err(StoreError::UnknownApplication(_)) => {}
        Err(e) => return Err(c.fail(format!("the failing update failed with {e:?}"))),
        Ok(()) => return Err(c.fail("an update deleting an unknown id succeeded")),
    }
    for (name, store) in [("batch", &whole), ("update", &journalled)] {
        c.equal(
            &format!("load() after the failed {name}"),
            &c.load(&**store, "after the failed batch")?,
            &expected,
        )?;
    }
    Ok(())
}

/// `apply_each` writes what its producer hands over, all or nothing: a
/// producer that stops, or a change that fails, leaves the store as it was.
pub fn apply_each_is_one_transaction(new_store: NewStore<'_>) -> Result<(), Failure> {
    apply_each_atomically(
        Checker::new("apply_each_is_one_transaction"),
        new_store,
        None,
    )
}

/// The same after [`StoreWriter::expect_bulk`] (an import): the hint may
/// change how a store writes, never what it keeps.
pub fn a_bulk_write_is_one_transaction_too(new_store: NewStore<'_>) -> Result<(), Failure> {
    apply_each_atomically(
        Checker::new("a_bulk_write_is_one_transaction_too"),
        new_store,
        Some(u64::MAX),
    )
}

fn apply_each_atomically(
    c: Checker,
    new_store: NewStore<'_>,
    bulk: Option<u64>,
) -> Result<(), Failure> {
    let mut store = c.store(new_store)?;
    let hint = |store: &mut dyn Store| {
        if let Some(bytes) = bulk {
            store.expect_bulk(bytes);
        }
    };
    hint(&mut *store);
    let mut changes = vec![Change::SetProfile(sample_profile())];
    changes.extend((0..50).map(|n| put(&small_application(&format!("app-{n}"), "Co"))));
    changes.push(put(&full_application("full")));
    if bulk.is_some() {
        // As an import writes them: every other one encoded already.
        for change in changes.iter_mut().skip(1).step_by(2) {
            if let Change::PutApplication(a) = change {
                let encoded = c.ok("encoding", crate::EncodedApplication::new(a.clone()))?;
                *change = Change::PutEncoded(encoded);
            }
        }
    }
    let mut expected = Dataset::default();
    c.ok(
        "the reference model",
        apply_to_dataset(&mut expected, &changes),
    )?;
    c.ok(
        "apply_each of 52 changes",
        store.apply_each(&mut |sink| changes.iter().try_for_each(&mut *sink)),
    )?;
    let written = c.load(&*store, "after apply_each")?;
    c.equal("load() after apply_each", &written, &expected)?;

    // The producer stops half-way: nothing of it stays.
    hint(&mut *store);
    let stopped = store.apply_each(&mut |sink| {
        sink(&Change::DeleteAllApplications)?;
        sink(&put(&small_application("late", "Late")))?;
        Err(StoreError::Cancelled)
    });
    if !matches!(stopped, Err(StoreError::Cancelled)) {
        return Err(c.fail(format!("a cancelled apply_each returned {stopped:?}")));
    }
    c.equal(
        "load() after a cancelled apply_each",
        &c.load(&*store, "after a cancelled apply_each")?,
        &written,
    )?;

    // A change fails half-way: nothing of it stays either.
    hint(&mut *store);
    let failed = store.apply_each(&mut |sink| {
        sink(&put(&small_application("new", "New")))?;
        sink(&Change::DeleteApplication("no-such-app".into()))
    });
    if !matches!(failed, Err(StoreError::UnknownApplication(_))) {
        return Err(c.fail(format!("a failing apply_each returned {failed:?}")));
    }
    c.equal(
        "load() after a failed apply_each",
        &c.load(&*store, "after a failed apply_each")?,
        &written,
    )?;

    // A journalled write after it: one entry, undoable.
    hint(&mut *store);
    let before = c.ok("history", store.history(usize::MAX, false))?.len();
    c.ok(
        "a journalled write",
        crate::update(&mut *store, &origin("after"), |u| {
            u.apply(&[put(&small_application("after", "After"))])
        }),
    )?;
    let after = c.ok("history", store.history(usize::MAX, false))?.len();
    if after != before + 1 {
        return Err(c.fail(format!(
            "a journalled write made {} entries",
            after.saturating_sub(before)
        )));
    }
    let ids = c.ok("application_ids()", store.application_ids())?;
    if !ids.iter().any(|id| id == "after") || ids.len() != written.applications.len() + 1 {
        return Err(c.fail(format!("after the journalled write: {ids:?}")));
    }
    Ok(())
}

/// `summaries()` says of each application what the application itself says.
pub fn summaries_match_the_applications(new_store: NewStore<'_>) -> Result<(), Failure> {
    let c = Checker::new("summaries_match_the_applications");
    let mut store = c.store(new_store)?;
    let mut urgent = small_application("small", "Small Co");
    urgent.urgent = true;
    let mut shelved = small_application("shelved", "Shelved Co");
    shelved.archived = true;
    c.apply(
        &mut *store,
        "setup",
        &[
            put(&full_application("full")),
            put(&settled_application("settled")),
            put(&urgent),
            put(&shelved),
            put(&Application::new("bare", "Bare", "")),
        ],
    )?;
    let expected: Vec<crate::ApplicationSummary> = c
        .load(&*store, "for the summaries")?
        .applications
        .iter()
        .map(crate::ApplicationSummary::of)
        .collect();
    c.equal(
        "summaries()",
        &c.ok("summaries()", store.summaries())?,
        &expected,
    )
}

fn origin(what: &str) -> crate::Origin {
    crate::Origin::new(
        crate::Source::Cli,
        jiff::Timestamp::from_second(1_795_000_000).unwrap_or(jiff::Timestamp::UNIX_EPOCH),
        what,
    )
}

/// A refusal of the caller's closure, kept apart from store failures.
#[derive(Debug)]
#[allow(dead_code)] // the fields are read through Debug, in failure messages
enum Refused {
    Store(StoreError),
    Exchange(debrief_core::exchange::ExchangeError),
    No,
}

impl From<StoreError> for Refused {
    fn from(e: StoreError) -> Self {
        Refused::Store(e)
    }
}

impl From<debrief_core::exchange::ExchangeError> for Refused {
    fn from(e: debrief_core::exchange::ExchangeError) -> Self {
        Refused::Exchange(e)
    }
}

fn news(text: &str) -> News {
    News {
        on: date("2026-11-25"),
        text: text.to_string(),
    }
}

/// A journal entry keeps, for each application it changed, the exchange
/// JSON it held before its first change and the one it ends as (`None`:
/// gone), however many times the entry changed it; the profile beside
/// them.
pub fn journal_keeps_what_each_application_ends_as(new_store: NewStore<'_>) -> Result<(), Failure> {
    let c = Checker::new("journal_keeps_what_each_application_ends_as");
    let mut store = c.store(new_store)?;
    let kept = full_application("kept");
    let gone = small_application("gone", "Gone Corp");
    c.ok(
        "seed",
        crate::update(&mut *store, &origin("seed"), |u| {
            u.apply(&[put(&kept), put(&gone)])
        }),
    )?;
    let json = |a: &Application| serde_json::to_string(a).map_err(|e| c.fail(e.to_string()));
    let mut edited = kept.clone();
    edited.news.push(news("moved on"));
    let added = full_application("added");
    let mut added_twice = added.clone();
    added_twice.news.push(news("second write"));
    let brief = small_application("brief", "Brief Inc");
    let profile_before = serde_json::to_string(&c.ok("profile", store.profile())?)
        .map_err(|e| c.fail(e.to_string()))?;
    let mut profile = sample_profile();
    profile.name = "Journal Check".into();
    c.ok(
        "update",
        crate::update(&mut *store, &origin("mixed"), |u| {
            u.apply(&[
                put(&added),
                Change::SetProfile(profile.clone()),
                put(&edited),
                Change::DeleteApplication("gone".into()),
                put(&brief),
                put(&added_twice),
                Change::DeleteApplication("brief".into()),
            ])
        }),
    )?;
    let history = c.ok("history", store.history(1, false))?;
    let entry = history
        .first()
        .ok_or_else(|| c.fail("no journal entry".to_string()))?;
    let items: Vec<(Option<&str>, Option<&str>, Option<&str>)> = entry
        .items
        .iter()
        .map(|i| (i.app.as_deref(), i.before.as_deref(), i.after.as_deref()))
        .collect();
    // "brief" came and went: its before and after are both nothing, so
    // the entry does not keep it.
    let (added_after, kept_before, kept_after, gone_before) = (
        json(&added_twice)?,
        json(&kept)?,
        json(&edited)?,
        json(&gone)?,
    );
    let profile_after = serde_json::to_string(&profile).map_err(|e| c.fail(e.to_string()))?;
    let stored_profile = c.ok("profile", store.profile())?;
    c.equal("profile stored", &stored_profile, &profile)?;
    let wanted: Vec<(Option<&str>, Option<&str>, Option<&str>)> = vec![
        (Some("added"), None, Some(added_after.as_str())),
        (
            None,
            Some(profile_before.as_str()),
            Some(profile_after.as_str()),
        ),
        (
            Some("kept"),
            Some(kept_before.as_str()),
            Some(kept_after.as_str()),
        ),
        (Some("gone"), Some(gone_before.as_str()), None),
    ];
    c.equal("journal items", &items, &wanted)
}

/// Each write trims the journal to the days it keeps (90 unless the
/// setting says otherwise), counted back from the write's own time.
pub fn journal_forgets_entries_older_than_its_days(new_store: NewStore<'_>) -> Result<(), Failure> {
    let c = Checker::new("journal_forgets_entries_older_than_its_days");
    let mut store = c.store(new_store)?;
    let at = |day: i64, what: &str| {
        crate::Origin::new(
            crate::Source::Cli,
            jiff::Timestamp::from_second(1_795_000_000 + day * 86_400)
                .unwrap_or(jiff::Timestamp::UNIX_EPOCH),
            what,
        )
    };
    let write = |store: &mut dyn Store, day: i64, id: &str| {
        let app = small_application(id, &format!("{id} Co"));
        c.ok(
            "write",
            crate::update(store, &at(day, id), |u| u.apply(&[put(&app)])),
        )
        .map(|_| ())
    };
    write(&mut *store, 0, "day0")?;
    write(&mut *store, 50, "day50")?;
    write(&mut *store, 120, "day120")?;
    let whats = |store: &dyn Store| -> Result<Vec<String>, Failure> {
        Ok(c.ok("history", store.history(usize::MAX, false))?
            .into_iter()
            .map(|e| e.what)
            .collect())
    };
    c.equal(
        "entries after a write 120 days on (90 kept)",
        &whats(&*store)?,
        &vec!["day120".to_string(), "day50".to_string()],
    )?;
    c.ok(
        "a longer memory",
        crate::update(&mut *store, &at(121, "setting"), |u| {
            u.set_setting(crate::unit::JOURNAL_DAYS_SETTING, "365")
        }),
    )?;
    write(&mut *store, 400, "day400")?;
    c.equal(
        "entries after a write 400 days on (365 kept)",
        &whats(&*store)?,
        &vec![
            "day400".to_string(),
            "day120".to_string(),
            "day50".to_string(),
        ],
    )
}

/// A unit that writes more records than a backend sends at once (the
/// PostgreSQL backend sends journal items in batches of 1,000) keeps only
/// the records that changed, and a unit that changed nothing keeps no
/// entry, even when its history was read midway.
pub fn journal_keeps_only_what_changed_in_a_big_unit(
    new_store: NewStore<'_>,
) -> Result<(), Failure> {
    let c = Checker::new("journal_keeps_only_what_changed_in_a_big_unit");
    let mut store = c.store(new_store)?;
    let apps: Vec<Application> = (0..1_203)
        .map(|i| small_application(&format!("a{i:04}"), &format!("Company {i}")))
        .collect();
    let puts: Vec<Change> = apps.iter().map(put).collect();
    c.ok(
        "seed",
        crate::update(&mut *store, &origin("seed"), |u| u.apply(&puts)),
    )?;
    let entries = |store: &dyn Store| -> Result<usize, Failure> {
        Ok(c.ok("history", store.history(usize::MAX, false))?.len())
    };
    let before = entries(&*store)?;
    // Everything written again as it was: no entry.
    c.ok(
        "unchanged",
        crate::update(&mut *store, &origin("unchanged"), |u| u.apply(&puts)),
    )?;
    c.equal(
        "entries after an unchanged write",
        &entries(&*store)?,
        &before,
    )?;
    // Everything again, two changed, one changed and changed back, and
    // the history read midway (what was gathered is sent early).
    let mut first = apps[3].clone();
    first.urgent = true;
    let mut last = apps[1_200].clone();
    last.role = "Changed".into();
    let mut back = apps[600].clone();
    back.role = "For a moment".into();
    c.ok(
        "mixed",
        crate::update(&mut *store, &origin("mixed"), |u| {
            u.apply(&puts)?;
            u.apply(&[put(&first), put(&back)])?;
            u.reader().history(1, false)?;
            u.apply(&[put(&apps[600]), put(&last)])
        }),
    )?;
    let history = c.ok("history", store.history(1, false))?;
    let changed: Vec<Option<&str>> = history
        .first()
        .map(|e| e.items.iter().map(|i| i.app.as_deref()).collect())
        .unwrap_or_default();
    c.equal(
        "the records the entry keeps",
        &changed,
        &vec![Some("a0003"), Some("a1200")],
    )
}

/// `update` reads and writes in one transaction, journals the change with
/// what it replaced, and a refused closure writes nothing (no journal
/// entry either).
pub fn update_is_one_journalled_transaction(new_store: NewStore<'_>) -> Result<(), Failure> {
    let c = Checker::new("update_is_one_journalled_transaction");
    let mut store = c.store(new_store)?;
    let first = small_application("acme", "Acme");
    let added = crate::update(&mut *store, &origin("add acme"), |u| {
        u.apply(&[put(&first)])?;
        // Reads inside the transaction see its own write.
        u.application("acme")
    });
    c.equal(
        "read inside update",
        &c.ok("update", added)?,
        &Some(first.clone()),
    )?;
    let history = c.ok("history", store.history(10, false))?;
    c.equal("entries after one update", &history.len(), &1)?;
    c.equal("what", &history[0].what.as_str(), &"add acme")?;
    c.equal("items", &history[0].items.len(), &1)?;
    c.equal("before", &history[0].items[0].before, &None)?;

    let refused: Result<(), Refused> =
        crate::update_app(&mut *store, &origin("refused"), "acme", None, |a| {
            a.news.push(news("half-done"));
            Err(Refused::No)
        });
    if !matches!(refused, Err(Refused::No)) {
        return Err(c.fail(format!("a refused update returned {refused:?}")));
    }
    c.equal(
        "application after a refused update",
        &c.ok("application", store.application("acme"))?,
        &Some(first.clone()),
    )?;
    c.equal(
        "entries after a refused update",
        &c.ok("history", store.history(10, false))?.len(),
        &1,
    )?;
    let unknown: Result<(), Refused> =
        crate::update_app(&mut *store, &origin("unknown"), "nope", None, |_| Ok(()));
    if !matches!(
        unknown,
        Err(Refused::Store(StoreError::UnknownApplication(_)))
    ) {
        return Err(c.fail(format!("updating an unknown id returned {unknown:?}")));
    }
    Ok(())
}

/// Every write gives the application a new version; a deleted and
/// re-created application never gets an old one back.
pub fn versions_change_and_are_never_reused(new_store: NewStore<'_>) -> Result<(), Failure> {
    let c = Checker::new("versions_change_and_are_never_reused");
    let mut store = c.store(new_store)?;
    c.equal(
        "version of an unknown id",
        &c.ok("version", store.version("a"))?,
        &None,
    )?;
    let a = small_application("a", "A");
    c.apply(&mut *store, "put", &[put(&a)])?;
    let v1 = c
        .ok("version", store.version("a"))?
        .ok_or_else(|| c.fail("no version"))?;
    c.apply(&mut *store, "put again", &[put(&a)])?;
    let v2 = c
        .ok("version", store.version("a"))?
        .ok_or_else(|| c.fail("no version"))?;
    c.apply(
        &mut *store,
        "delete",
        &[Change::DeleteApplication("a".into())],
    )?;
    c.apply(&mut *store, "re-create", &[put(&a)])?;
    let v3 = c
        .ok("version", store.version("a"))?
        .ok_or_else(|| c.fail("no version"))?;
    if !(v1 < v2 && v2 < v3) {
        return Err(c.fail(format!("versions {v1}, {v2}, {v3} do not grow")));
    }
    Ok(())
}

/// A write naming a version that is no longer current is refused and
/// writes nothing: the lost update HTTP's `If-Match` prevents.
pub fn stale_write_is_refused(new_store: NewStore<'_>) -> Result<(), Failure> {
    let c = Checker::new("stale_write_is_refused");
    let mut store = c.store(new_store)?;
    c.apply(&mut *store, "put", &[put(&small_application("a", "A"))])?;
    let seen = c
        .ok("version", store.version("a"))?
        .ok_or_else(|| c.fail("no version"))?;
    let first: Result<(), Refused> =
        crate::update_app(&mut *store, &origin("first"), "a", Some(seen), |a| {
            a.news.push(news("first"));
            Ok(())
        });
    c.ok(
        "the first write with a fresh version",
        first.map_err(|e| StoreError::Backend(format!("{e:?}"))),
    )?;
    let second: Result<(), Refused> =
        crate::update_app(&mut *store, &origin("second"), "a", Some(seen), |a| {
            a.news.push(news("second"));
            Ok(())
        });
    match second {
        Err(Refused::Store(StoreError::Stale { expected, .. })) if expected == seen => {}
        other => return Err(c.fail(format!("a stale write returned {other:?}"))),
    }
    let texts: Vec<String> = c
        .ok("application", store.application("a"))?
        .map(|a| a.news.iter().map(|n| n.text.clone()).collect())
        .unwrap_or_default();
    c.equal(
        "news after a stale write",
        &texts,
        &vec!["first".to_string()],
    )
}

/// `undo` puts back what the newest change replaced; undoing again
/// re-applies it; the profile and deletes come back too.
pub fn undo_reverts_and_is_undoable(new_store: NewStore<'_>) -> Result<(), Failure> {
    let c = Checker::new("undo_reverts_and_is_undoable");
    let mut store = c.store(new_store)?;
    let a = small_application("a", "A");
    let b = full_application("b");
    c.ok(
        "setup",
        crate::update(&mut *store, &origin("setup"), |u| {
            u.apply(&[Change::SetProfile(sample_profile()), put(&a), put(&b)])
        }),
    )?;
    let before = c.load(&*store, "before the edits")?;
    let edited: Result<(), Refused> =
        crate::update_app(&mut *store, &origin("news"), "a", None, |a| {
            a.news.push(news("edited"));
            Ok(())
        });
    c.ok(
        "edit",
        edited.map_err(|e| StoreError::Backend(format!("{e:?}"))),
    )?;
    c.ok(
        "delete",
        crate::update(&mut *store, &origin("delete b"), |u| {
            u.apply(&[
                Change::DeleteApplication("b".into()),
                Change::SetProfile(Profile::default()),
            ])
        }),
    )?;
    let after = c.load(&*store, "after the edits")?;

    let undone = c.ok("undo 2", crate::undo(&mut *store, &origin("undo"), 2))?;
    let reverted: Vec<&str> = undone.reverted.iter().map(|e| e.what.as_str()).collect();
    c.equal(
        "reverted, newest first",
        &reverted,
        &vec!["delete b", "news"],
    )?;
    c.equal("after undo 2", &c.load(&*store, "after undo")?, &before)?;

    // The undo is an entry of its own, and undoing it re-applies the edits.
    let history = c.ok("history", store.history(10, false))?;
    c.equal("newest entry", &history[0].undoes.len(), &2)?;
    c.equal(
        "undone entries are marked",
        &history[1].undone_by,
        &Some(history[0].id),
    )?;
    c.ok(
        "undo the undo",
        crate::undo(&mut *store, &origin("redo"), 1),
    )?;
    c.equal(
        "after undoing the undo",
        &c.load(&*store, "after redo")?,
        &after,
    )?;

    // Nothing left to undo is not an error.
    let mut empty = c.store(new_store)?;
    let none = c.ok(
        "undo on an empty journal",
        crate::undo(&mut *empty, &origin("undo"), 1),
    )?;
    c.equal("reverted on an empty journal", &none.reverted.len(), &0)
}

/// A change made outside the journal (a plain `apply`) after a journalled
/// one makes undoing that one a conflict, and nothing is written.
pub fn undo_refuses_to_overwrite_unjournalled_changes(
    new_store: NewStore<'_>,
) -> Result<(), Failure> {
    let c = Checker::new("undo_refuses_to_overwrite_unjournalled_changes");
    let mut store = c.store(new_store)?;
    c.ok(
        "setup",
        crate::update(&mut *store, &origin("add"), |u| {
            u.apply(&[put(&small_application("a", "A"))])
        }),
    )?;
    let mut other = small_application("a", "A");
    other.news.push(news("outside"));
    c.apply(&mut *store, "an unjournalled write", &[put(&other)])?;
    match crate::undo(&mut *store, &origin("undo"), 1) {
        Err(StoreError::Conflict(_)) => {}
        other => return Err(c.fail(format!("undo over an outside change returned {other:?}"))),
    }
    c.equal(
        "application after the refused undo",
        &c.ok("application", store.application("a"))?,
        &Some(other),
    )
}

/// Writers side by side: each adds news to one shared application and
/// new applications whose id is chosen inside the transaction. Every
/// update that reported success is in the store afterwards; none failed.
pub fn concurrent_updates_lose_nothing(open: OpenShared<'_>) -> Result<(), Failure> {
    const WRITERS: usize = 4;
    const EACH: usize = 25;
    let c = Checker::new("concurrent_updates_lose_nothing");
    let mut first = open().map_err(|e| c.fail(format!("open: {e}")))?;
    c.apply(
        &mut *first,
        "setup",
        &[put(&Application::new("shared", "Shared", ""))],
    )?;
    let results: Vec<Result<usize, String>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..WRITERS)
            .map(|w| {
                scope.spawn(move || -> Result<usize, String> {
                    let mut store = open().map_err(|e| e.to_string())?;
                    let mut ok = 0;
                    for n in 0..EACH {
                        let r: Result<(), Refused> =
                            crate::update_app(&mut *store, &origin("news"), "shared", None, |a| {
                                a.news.push(news(&format!("w{w}-{n}")));
                                Ok(())
                            });
                        r.map_err(|e| format!("writer {w}, update {n}: {e:?}"))?;
                        // The id is picked from what the transaction sees.
                        crate::update(&mut *store, &origin("add"), |u| {
                            let id = format!("app-{}", u.application_ids()?.len());
                            u.apply(&[put(&Application::new(&id, "Co", ""))])
                        })
                        .map_err(|e| format!("writer {w}, add {n}: {e}"))?;
                        ok += 1;
                    }
                    Ok(ok)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| Err("a writer panicked".into())))
            .collect()
    });
    for r in results {
        r.map_err(|e| c.fail(e))?;
    }
    let data = c.load(&*first, "after the writers")?;
    let shared = data
        .applications
        .iter()
        .find(|a| a.id == "shared")
        .ok_or_else(|| c.fail("the shared application is gone"))?;
    c.equal(
        "news on the shared application",
        &shared.news.len(),
        &(WRITERS * EACH),
    )?;
    c.equal(
        "applications (shared + added)",
        &data.applications.len(),
        &(1 + WRITERS * EACH),
    )
}

/// A writer that finds the store busy waits for the other writer's
/// transaction to end instead of failing at once.
pub fn a_write_waits_for_another_writer(open: OpenShared<'_>) -> Result<(), Failure> {
    let c = Checker::new("a_write_waits_for_another_writer");
    let mut holder = open().map_err(|e| c.fail(format!("open: {e}")))?;
    let (started_tx, started_rx) = std::sync::mpsc::channel::<()>();
    let second = std::thread::scope(|scope| {
        let waiter = scope.spawn(move || -> Result<(), StoreError> {
            // Start once the first transaction holds the store.
            let _ = started_rx.recv();
            let mut store = open()?;
            crate::update(&mut *store, &origin("second"), |u| {
                u.apply(&[put(&Application::new("second", "Second", ""))])
            })
        });
        let first = crate::update(&mut *holder, &origin("first"), |u| {
            u.apply(&[put(&Application::new("first", "First", ""))])?;
            let _ = started_tx.send(());
            // Hold the transaction open while the other writer starts.
            std::thread::sleep(std::time::Duration::from_millis(300));
            Ok::<_, StoreError>(())
        });
        (first, waiter.join())
    });
    c.ok("the first writer", second.0)?;
    match second.1 {
        Ok(r) => c.ok("the second writer, which had to wait", r)?,
        Err(_) => return Err(c.fail("the second writer panicked")),
    }
    c.ids(&*holder, "after both writers", &["first", "second"])
}

/// `StoreReader::revision`: stays put while nothing is written, and
/// moves with every committed write, whether through the handle that reads
/// it or through another one (another process, for a server's cache);
/// a failed write may or may not move it. Both backends report one.
pub fn revision_sees_other_writers(open: OpenShared<'_>) -> Result<(), Failure> {
    let c = Checker::new("revision_sees_other_writers");
    let mut reader = open().map_err(|e| c.fail(format!("open: {e}")))?;
    let mut writer = open().map_err(|e| c.fail(format!("open: {e}")))?;
    let revision = |store: &dyn Store, step: &str| -> Result<u64, Failure> {
        c.ok(&format!("revision() {step}"), store.revision())?
            .ok_or_else(|| c.fail(format!("revision() {step}: the store reports none")))
    };
    let r0 = revision(&*reader, "at the start")?;
    c.equal(
        "revision() read twice with nothing written",
        &revision(&*reader, "again")?,
        &r0,
    )?;
    let _ = c.load(&*reader, "between")?;
    c.equal(
        "revision() after a read",
        &revision(&*reader, "after a read")?,
        &r0,
    )?;
    c.apply(
        &mut *writer,
        "another handle's put",
        &[put(&Application::new("a", "A", ""))],
    )?;
    let r1 = revision(&*reader, "after another handle's put")?;
    if r1 == r0 {
        return Err(c.fail(format!(
            "revision() stayed at {r0} after another handle wrote an application"
        )));
    }
    c.ok(
        "another handle's setting",
        crate::update(&mut *writer, &origin("set"), |u| u.set_setting("k", "v")),
    )?;
    let r2 = revision(&*reader, "after another handle's setting")?;
    if r2 == r1 {
        return Err(c.fail(format!(
            "revision() stayed at {r1} after another handle changed a setting"
        )));
    }
    c.apply(
        &mut *reader,
        "its own put",
        &[put(&Application::new("b", "B", ""))],
    )?;
    let r3 = revision(&*reader, "after its own put")?;
    if r3 == r2 {
        return Err(c.fail(format!(
            "revision() stayed at {r2} after the same handle wrote"
        )));
    }
    let seen_by_writer = revision(&*writer, "seen by the writer")?;
    c.equal(
        "the writer's revision() read twice",
        &revision(&*writer, "seen by the writer again")?,
        &seen_by_writer,
    )?;
    c.equal(
        "revision() with nothing written since",
        &revision(&*reader, "at the end")?,
        &r3,
    )
}

/// The store's own settings (the calendar feed's secret among them): kept
/// by key, replaced, removed, seen inside the transaction that wrote them,
/// rolled back with a failed one, never journalled and never part of the
/// data.
pub fn settings_are_kept_replaced_and_removed(new_store: NewStore<'_>) -> Result<(), Failure> {
    let c = Checker::new("settings_are_kept_replaced_and_removed");
    let mut store = c.store(new_store)?;
    let key = "calendar_feed_secret";
    c.equal(
        "a setting never set",
        &c.ok("setting", store.setting(key))?,
        &None,
    )?;
    let seen = crate::update(&mut *store, &origin("set"), |u| {
        u.set_setting(key, "one")?;
        u.set_setting("remind", "x")?;
        u.setting(key)
    });
    c.equal(
        "read inside the transaction",
        &c.ok("update", seen)?,
        &Some("one".to_string()),
    )?;
    c.equal(
        "after the write",
        &c.ok("setting", store.setting(key))?,
        &Some("one".to_string()),
    )?;
    let replaced = crate::update(&mut *store, &origin("replace"), |u| {
        u.set_setting(key, "two")
    });
    c.ok("replace", replaced)?;
    c.equal(
        "after replacing",
        &c.ok("setting", store.setting(key))?,
        &Some("two".to_string()),
    )?;
    let failed: Result<(), Refused> = crate::update(&mut *store, &origin("fail"), |u| {
        u.set_setting(key, "three")?;
        Err(Refused::No)
    });
    if !matches!(failed, Err(Refused::No)) {
        return Err(c.fail(format!("a refused update returned {failed:?}")));
    }
    c.equal(
        "after a failed write",
        &c.ok("setting", store.setting(key))?,
        &Some("two".to_string()),
    )?;
    c.equal(
        "the other key",
        &c.ok("setting", store.setting("remind"))?,
        &Some("x".to_string()),
    )?;
    c.equal(
        "journal entries",
        &c.ok("history", store.history(10, false))?.len(),
        &0,
    )?;
    c.equal(
        "the data",
        &c.ok("load", store.load())?,
        &Dataset::default(),
    )?;
    let removed = crate::update(&mut *store, &origin("remove"), |u| {
        Ok::<_, StoreError>((u.remove_setting(key)?, u.remove_setting(key)?))
    });
    c.equal(
        "removed, then nothing to remove",
        &c.ok("remove", removed)?,
        &(true, false),
    )?;
    c.equal(
        "after removing",
        &c.ok("setting", store.setting(key))?,
        &None,
    )?;
    c.equal(
        "the other key stays",
        &c.ok("setting", store.setting("remind"))?,
        &Some("x".to_string()),
    )?;
    Ok(())
}
