//! The follow-up guard and the agenda agree, over generated applications
//! (PLAYBOOK `follow-up-guard`, `stop-chasing`, `lapse`): on an application
//! with a held interview, no reply since it and no dismissed or answered
//! check, the guard allows a status check exactly when the agenda shows one
//! open. And no agenda action is ever older than its lapse, here or in the
//! demo.

use debrief_core::engine::{Engine, State, Verdict};
use debrief_core::model::*;
use debrief_core::rules::Rule;
use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;

fn m(ts: Timestamp) -> Moment {
    Moment::in_zone(
        ts,
        &jiff::tz::TimeZone::get("America/Chicago").expect("zone"),
    )
}

/// Fri 20 Nov 2026 10:00 Chicago: the first interview; everything else is
/// placed in hours after it, across Thanksgiving, weekends and Christmas.
fn base() -> Timestamp {
    "2026-11-20T16:00:00Z".parse().expect("base")
}

fn at(hours: u32, minutes: u32) -> Timestamp {
    base()
        + SignedDuration::from_hours(i64::from(hours))
        + SignedDuration::from_mins(i64::from(minutes))
}

#[derive(Debug, Clone)]
struct Case {
    policy: Policy,
    panel: bool,
    /// The first interview is marked done (else still "scheduled", assumed held).
    done: bool,
    /// Hours after the first interview's start at which each interviewer was
    /// thanked (`None`: never).
    thanks: [Option<u32>; 2],
    /// A second round: hours after the first, and whether it is done.
    second: Option<(u32, bool)>,
    /// An unanswered status check, hours after the first interview.
    chased: Option<u32>,
    /// The person's stated date, days after the interview.
    stated: Option<u8>,
    /// A recruiter on file (the check goes to them when nobody named a date).
    recruiter: bool,
    /// Thank-yous dismissed.
    dismissed_thanks: bool,
    /// An outcome, days after the interview; or an end stage set by hand.
    outcome: Option<(u8, OutcomeKind)>,
    stage: Stage,
    /// Now: hours and minutes after the first interview.
    now: (u32, u32),
}

fn case() -> impl Strategy<Value = Case> {
    let policy = prop_oneof![Just(Policy::Conservative), Just(Policy::Proactive)];
    let hours = 0u32..(24 * 60);
    let outcome_kind = prop_oneof![
        Just(OutcomeKind::Rejected),
        Just(OutcomeKind::Offer),
        Just(OutcomeKind::Withdrawn),
        Just(OutcomeKind::NoResponse),
    ];
    let stage = prop_oneof![
        6 => Just(Stage::Interviewing),
        1 => Just(Stage::Offer),
        1 => Just(Stage::Closed),
    ];
    (
        (policy, any::<bool>(), any::<bool>()),
        (
            proptest::option::weighted(0.6, 1u32..(24 * 20)),
            proptest::option::weighted(0.5, 1u32..(24 * 20)),
        ),
        proptest::option::weighted(0.3, (24u32..(24 * 40), any::<bool>())),
        proptest::option::weighted(0.25, 2u32..(24 * 40)),
        proptest::option::weighted(0.3, 0u8..30),
        (any::<bool>(), proptest::bool::weighted(0.15)),
        proptest::option::weighted(0.15, (0u8..40, outcome_kind)),
        stage,
        (hours, 0u32..60),
    )
        .prop_map(
            |(
                (policy, panel, done),
                (t0, t1),
                second,
                chased,
                stated,
                (recruiter, dismissed_thanks),
                outcome,
                stage,
                now,
            )| Case {
                policy,
                panel,
                done,
                thanks: [t0, t1],
                second,
                chased,
                stated,
                recruiter,
                dismissed_thanks,
                outcome,
                stage,
                now,
            },
        )
}

/// The application as the store would hold it at `now`: nothing logged
/// after `now` (a touch is something done).
fn build(c: &Case) -> (Application, Timestamp) {
    let now = at(c.now.0, c.now.1);
    let mut app = Application::new("acme", "Acme Corp", "Data Analyst");
    app.stage = c.stage;
    let mut marie = Person::new("marie", "Marie Dubois", PersonKind::Interviewer);
    marie.said = vec!["APAC expansion is next year's top priority".into()];
    if let Some(d) = c.stated {
        let day: Date = "2026-11-20".parse().expect("date");
        marie.prefers = Some(Prefers {
            channel: None,
            after: day.checked_add(jiff::Span::new().days(i64::from(d))).ok(),
        });
    }
    let mut raj = Person::new("raj", "Raj Patel", PersonKind::Interviewer);
    raj.said = vec!["The team is moving to dbt".into()];
    app.people = vec![marie, raj];
    if c.recruiter {
        app.people
            .push(Person::new("priya", "Priya Shah", PersonKind::Recruiter));
    }
    let mut first = Interview::new("first", m(base()));
    first.status = if c.done {
        InterviewStatus::Done
    } else {
        InterviewStatus::Scheduled
    };
    first.interviewers = if c.panel {
        vec!["marie".into(), "raj".into()]
    } else {
        vec!["marie".into()]
    };
    first.reflection = Some(Reflection::default());
    app.interviews.push(first);
    if let Some((h, done)) = c.second {
        let mut second = Interview::new("second", m(at(h, 0)));
        second.interviewers = vec!["marie".into()];
        second.status = if done && at(h, 60) <= now {
            InterviewStatus::Done
        } else {
            InterviewStatus::Scheduled
        };
        second.reflection = Some(Reflection::default());
        app.interviews.push(second);
    }
    for (who, t) in ["marie", "raj"].iter().zip(c.thanks) {
        if let Some(h) = t {
            app.touches.push(Touch {
                at: m(at(h, 0)),
                person: Some((*who).into()),
                channel: Channel::Email,
                kind: TouchKind::ThankYou,
                replied_at: None,
                forced: false,
                note: None,
                message_id: None,
            });
        }
    }
    if let Some(h) = c.chased {
        app.touches.push(Touch {
            at: m(at(h, 0)),
            person: Some("marie".into()),
            channel: Channel::Email,
            kind: TouchKind::StatusCheck,
            replied_at: None,
            forced: false,
            note: None,
            message_id: None,
        });
    }
    app.touches.retain(|t| t.at.ts <= now);
    app.touches.sort_by_key(|t| t.at);
    if c.dismissed_thanks {
        app.dismissed.push(Dismissal {
            rule: Rule::ThankYouNote,
            interview: None,
            person: None,
            at: m(base()),
            reason: "thanked in person".into(),
        });
    }
    if let Some((d, kind)) = c.outcome {
        let on = base()
            .to_zoned(jiff::tz::TimeZone::get("America/Chicago").expect("zone"))
            .date()
            .checked_add(jiff::Span::new().days(i64::from(d)))
            .expect("date");
        app.outcome = Some(Outcome {
            kind,
            on,
            feedback: vec![],
            stay_in_touch: false,
            message_id: None,
        });
    }
    (app, now)
}

fn profile(policy: Policy) -> Profile {
    Profile {
        name: "Sam Rivera".into(),
        timezone: "America/Chicago".into(),
        holidays: Holidays {
            calendar: HolidayCalendar::Us,
            extra: vec!["2026-12-24".parse().expect("date")],
        },
        policy,
        emails: vec![],
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]

    #[test]
    fn the_guard_allows_a_chase_exactly_when_the_agenda_shows_one_open(c in case()) {
        let (app, now) = build(&c);
        // Only applications with a held interview at `now`.
        let held = app.interviews.iter().any(|iv| {
            iv.start.ts <= now
                && (iv.status == InterviewStatus::Done
                    || (iv.status == InterviewStatus::Scheduled && iv.end() <= now))
        });
        prop_assume!(held);
        let engine = Engine::new(&profile(c.policy)).expect("engine");
        let touch = Touch {
            at: m(now),
            person: Some("marie".into()),
            channel: Channel::Email,
            kind: TouchKind::StatusCheck,
            replied_at: None,
            forced: false,
            note: None,
            message_id: None,
        };
        let allowed = engine.guard(&app, &touch) == Verdict::Allowed;
        let actions = engine.application_actions(&app, now);
        let open = actions
            .iter()
            .any(|a| a.rule == Rule::StatusCheck && a.state != State::Upcoming);
        prop_assert_eq!(
            allowed,
            open,
            "guard {:?} vs agenda {:?} at {}",
            engine.guard(&app, &touch),
            actions.iter().map(|a| (a.rule, a.state, a.opens.to_string())).collect::<Vec<_>>(),
            m(now)
        );
        // And when the guard refuses with a date, that is when the agenda's
        // check opens.
        if let Verdict::Refused { allowed_from: Some(t), .. } = engine.guard(&app, &touch) {
            let later = engine.application_actions(&app, t);
            if let Some(check) = later.iter().find(|a| a.rule == Rule::StatusCheck) {
                prop_assert_eq!(check.opens.ts, t);
            }
        }
    }

    #[test]
    fn no_agenda_action_is_older_than_its_lapse(c in case()) {
        let (app, now) = build(&c);
        let engine = Engine::new(&profile(c.policy)).expect("engine");
        for a in engine.application_actions(&app, now) {
            if let Some(l) = a.lapses {
                prop_assert!(now < l, "{} lapsed at {} but listed at {}", a.rule, m(l), m(now));
            }
        }
        // quiet_from stays exact with lapses: nothing from it on.
        if let Some(q) = engine.quiet_from(&app) {
            for later in [q, q + SignedDuration::from_hours(1), q + SignedDuration::from_hours(24 * 30)] {
                prop_assert!(engine.application_actions(&app, later).is_empty());
            }
        }
    }
}

#[test]
fn the_demo_never_lists_a_lapsed_action() {
    for now in [
        "2026-11-22T09:00:00-06:00",
        "2026-12-20T09:00:00-06:00",
        "2027-03-01T09:00:00-06:00",
    ] {
        let build_at: Timestamp = "2026-11-22T09:00:00-06:00".parse().expect("ts");
        let now: Timestamp = now.parse().expect("now");
        let data = debrief_core::demo::dataset(build_at, "America/Chicago").expect("demo");
        let engine = Engine::new(&data.profile).expect("engine");
        let agenda = engine.agenda(&data, now);
        assert!(!agenda.actions.is_empty());
        for a in &agenda.actions {
            if let Some(l) = a.lapses {
                assert!(now < l, "{a:?}");
            }
        }
    }
}
