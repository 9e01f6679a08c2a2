//! The playbook engine against PLAYBOOK.md §1–§4: for every rule, that it
//! fires, that it stays quiet, and where it opens and falls due.

use std::collections::BTreeSet;

use debrief_core::engine::{Action, Engine, State, Verdict};
use debrief_core::model::*;
use debrief_core::rules::Rule;
use jiff::Timestamp;
use jiff::civil::Date;

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn m(s: &str) -> Moment {
    s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn date(s: &str) -> Date {
    s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn profile(tz: &str, cal: HolidayCalendar) -> Profile {
    Profile {
        name: "Sam Rivera".into(),
        timezone: tz.into(),
        holidays: Holidays {
            calendar: cal,
            extra: vec![],
        },
        policy: Policy::Conservative,
        emails: vec![],
    }
}

fn person(id: &str, name: &str, kind: PersonKind) -> Person {
    Person::new(id, name, kind)
}

/// Acme: a 90-minute panel (Marie, Raj) on Fri 20 Nov 2026 10:00 Chicago,
/// ending 11:30; the receptionist Dana met on the day.
fn acme() -> Application {
    let mut app = Application::new("acme", "Acme Corp", "Data Analyst");
    app.stage = Stage::Interviewing;
    let mut marie = person("marie", "Marie Dubois", PersonKind::Interviewer);
    marie.said = vec!["APAC expansion is next year's top priority".into()];
    let mut raj = person("raj", "Raj Patel", PersonKind::Interviewer);
    raj.said = vec!["The team is moving to dbt".into()];
    app.people = vec![
        marie,
        raj,
        person("dana", "Dana Lee", PersonKind::Receptionist),
    ];
    let mut iv = Interview::new("panel", m("2026-11-20T10:00:00-06:00"));
    iv.minutes = 90;
    iv.format = InterviewFormat::InPerson;
    iv.status = InterviewStatus::Done;
    iv.interviewers = vec!["marie".into(), "raj".into()];
    iv.asked_questions = Some(true);
    iv.reflection = Some(Reflection {
        went_well: "rapport".into(),
        ..Default::default()
    });
    app.interviews = vec![iv];
    app
}

fn data(p: Profile, apps: Vec<Application>) -> Dataset {
    Dataset {
        format: FORMAT_TAG.into(),
        profile: p,
        applications: apps,
    }
}

fn us() -> Profile {
    profile("America/Chicago", HolidayCalendar::Us)
}

fn agenda(d: &Dataset, now: &str) -> Vec<Action> {
    Engine::new(&d.profile)
        .expect("profile")
        .agenda(d, ts(now))
        .actions
}

fn find<'a>(actions: &'a [Action], rule: Rule, person: Option<&str>) -> Option<&'a Action> {
    actions
        .iter()
        .find(|a| a.rule == rule && (person.is_none() || a.person.as_deref() == person))
}

fn get<'a>(actions: &'a [Action], rule: Rule, person: Option<&str>) -> &'a Action {
    find(actions, rule, person).unwrap_or_else(|| {
        let have: Vec<_> = actions
            .iter()
            .map(|a| format!("{} {:?}", a.rule, a.person))
            .collect();
        panic!("no {rule} for {person:?}; have {have:?}")
    })
}

fn thank(app: &mut Application, who: &str, at: &str) {
    app.touches.push(Touch {
        at: m(at),
        person: Some(who.into()),
        channel: Channel::Email,
        kind: TouchKind::ThankYou,
        replied_at: None,
        forced: false,
        note: None,
        message_id: None,
    });
}

fn touch(app: &mut Application, who: &str, at: &str, kind: TouchKind) {
    app.touches.push(Touch {
        at: m(at),
        person: Some(who.into()),
        channel: Channel::Email,
        kind,
        replied_at: None,
        forced: false,
        note: None,
        message_id: None,
    });
}

// ---------------------------------------------------------------- §2 thank

#[test]
fn thank_you_note_opens_at_the_end_and_is_due_24_hours_later() {
    let d = data(us(), vec![acme()]);
    let a = agenda(&d, "2026-11-20T12:00:00-06:00");
    let marie = get(&a, Rule::ThankYouNote, Some("marie"));
    assert_eq!(marie.opens.to_string(), "2026-11-20T11:30:00-06:00");
    assert_eq!(marie.due.to_string(), "2026-11-21T11:30:00-06:00");
    assert_eq!(marie.state, State::Due);
    assert_eq!(marie.channel, Some(Channel::Email));
    assert!(
        marie.why.contains("Marie Dubois") && marie.why.contains("panel"),
        "{}",
        marie.why
    );
    assert_eq!(marie.seeds, ["000", "001", "002", "004"]);
    assert!(find(&a, Rule::ThankYouNote, Some("raj")).is_some());

    let state = |now| get(&agenda(&d, now), Rule::ThankYouNote, Some("marie")).state;
    assert_eq!(state("2026-11-20T11:29:59-06:00"), State::Upcoming);
    assert_eq!(state("2026-11-20T11:30:00-06:00"), State::Due);
    assert_eq!(state("2026-11-21T11:29:59-06:00"), State::Due);
    assert_eq!(state("2026-11-21T11:30:00-06:00"), State::Overdue);
    assert!(
        get(
            &agenda(&d, "2026-11-22T09:00:00-06:00"),
            Rule::ThankYouNote,
            Some("marie")
        )
        .why
        .contains("24 h window has passed")
    );
}

#[test]
fn a_thank_you_to_one_panel_member_does_not_fulfil_the_other() {
    let mut app = acme();
    thank(&mut app, "marie", "2026-11-20T17:00:00-06:00");
    let a = agenda(&data(us(), vec![app]), "2026-11-20T18:00:00-06:00");
    assert!(find(&a, Rule::ThankYouNote, Some("marie")).is_none());
    assert!(find(&a, Rule::ThankYouNote, Some("raj")).is_some());
}

#[test]
fn a_thank_you_logged_before_the_interview_does_not_count() {
    let mut app = acme();
    thank(&mut app, "marie", "2026-11-19T17:00:00-06:00");
    let a = agenda(&data(us(), vec![app]), "2026-11-20T18:00:00-06:00");
    assert!(find(&a, Rule::ThankYouNote, Some("marie")).is_some());
}

#[test]
fn thank_you_deadline_is_24_real_hours_across_a_daylight_saving_change() {
    // Sat 7 Mar 2026 10:00 CST; clocks spring forward on Sunday 8 March.
    let mut app = acme();
    app.interviews[0].start = m("2026-03-07T10:00:00-06:00");
    app.interviews[0].minutes = 60;
    let a = agenda(&data(us(), vec![app]), "2026-03-07T12:00:00-06:00");
    let t = get(&a, Rule::ThankYouNote, Some("marie"));
    assert_eq!(t.opens.to_string(), "2026-03-07T11:00:00-06:00");
    assert_eq!(t.due.to_string(), "2026-03-08T12:00:00-05:00");
}

#[test]
fn thank_staff_fires_for_people_met_on_the_day() {
    let mut app = acme();
    app.interviews[0].also_met = vec!["dana".into()];
    let d = data(us(), vec![app.clone()]);
    let a = agenda(&d, "2026-11-20T12:00:00-06:00");
    let t = get(&a, Rule::ThankStaff, Some("dana"));
    assert_eq!(t.due.to_string(), "2026-11-21T11:30:00-06:00");
    thank(&mut app, "dana", "2026-11-20T13:00:00-06:00");
    assert!(
        find(
            &agenda(&data(us(), vec![app]), "2026-11-20T14:00:00-06:00"),
            Rule::ThankStaff,
            None
        )
        .is_none()
    );
    // No one else met: quiet.
    assert!(
        find(
            &agenda(&data(us(), vec![acme()]), "2026-11-20T12:00:00-06:00"),
            Rule::ThankStaff,
            None
        )
        .is_none()
    );
}

#[test]
fn handwritten_note_for_in_person_with_an_address_unless_urgent() {
    let mut app = acme();
    app.people[0].mailing_address = Some("1 Main St, Chicago".into());
    let a = agenda(&data(us(), vec![app.clone()]), "2026-11-20T12:00:00-06:00");
    let h = get(&a, Rule::HandwrittenNote, Some("marie"));
    // Delivered the next business day: Mon 23 Nov, 17:00.
    assert_eq!(h.due.to_string(), "2026-11-23T17:00:00-06:00");
    assert_eq!(h.channel, Some(Channel::Letter));
    assert!(
        find(&a, Rule::HandwrittenNote, Some("raj")).is_none(),
        "no address for Raj"
    );
    app.urgent = true;
    assert!(
        find(
            &agenda(&data(us(), vec![app.clone()]), "2026-11-20T12:00:00-06:00"),
            Rule::HandwrittenNote,
            None
        )
        .is_none()
    );
    app.urgent = false;
    app.interviews[0].format = InterviewFormat::Video;
    assert!(
        find(
            &agenda(&data(us(), vec![app]), "2026-11-20T12:00:00-06:00"),
            Rule::HandwrittenNote,
            None
        )
        .is_none()
    );
}

#[test]
fn send_questions_only_when_none_were_asked() {
    let mut app = acme();
    app.interviews[0].asked_questions = Some(false);
    let a = agenda(&data(us(), vec![app.clone()]), "2026-11-20T12:00:00-06:00");
    assert_eq!(
        get(&a, Rule::SendQuestions, None).due.to_string(),
        "2026-11-21T11:30:00-06:00"
    );
    touch(
        &mut app,
        "marie",
        "2026-11-20T16:00:00-06:00",
        TouchKind::Questions,
    );
    assert!(
        find(
            &agenda(&data(us(), vec![app]), "2026-11-20T17:00:00-06:00"),
            Rule::SendQuestions,
            None
        )
        .is_none()
    );
    assert!(
        find(
            &agenda(&data(us(), vec![acme()]), "2026-11-20T12:00:00-06:00"),
            Rule::SendQuestions,
            None
        )
        .is_none()
    );
}

#[test]
fn apologize_slip_only_for_noticed_unapologized_slips() {
    let slip = |noticed, apologized| SlipUp {
        text: "Called Marie 'Mary'".into(),
        noticed,
        apologized,
    };
    for (noticed, apologized, fires) in [
        (true, false, true),
        (false, false, false),
        (true, true, false),
    ] {
        let mut app = acme();
        app.interviews[0].slip_ups = vec![slip(noticed, apologized)];
        let a = agenda(&data(us(), vec![app]), "2026-11-20T12:00:00-06:00");
        assert_eq!(
            find(&a, Rule::ApologizeSlip, None).is_some(),
            fires,
            "noticed={noticed} apologized={apologized}"
        );
        if fires {
            assert!(get(&a, Rule::ApologizeSlip, None).why.contains("'Mary'"));
        }
    }
}

#[test]
fn explain_distraction_when_disrupted_until_explained() {
    let mut app = acme();
    app.interviews[0].disrupted = true;
    assert!(
        find(
            &agenda(&data(us(), vec![app.clone()]), "2026-11-20T12:00:00-06:00"),
            Rule::ExplainDistraction,
            None
        )
        .is_some()
    );
    touch(
        &mut app,
        "marie",
        "2026-11-20T15:00:00-06:00",
        TouchKind::Explain,
    );
    assert!(
        find(
            &agenda(&data(us(), vec![app]), "2026-11-20T16:00:00-06:00"),
            Rule::ExplainDistraction,
            None
        )
        .is_none()
    );
    assert!(
        find(
            &agenda(&data(us(), vec![acme()]), "2026-11-20T12:00:00-06:00"),
            Rule::ExplainDistraction,
            None
        )
        .is_none()
    );
}

#[test]
fn reflect_is_due_two_days_after_the_end() {
    let mut app = acme();
    app.interviews[0].reflection = None;
    let a = agenda(&data(us(), vec![app]), "2026-11-20T12:00:00-06:00");
    assert_eq!(
        get(&a, Rule::Reflect, None).due.to_string(),
        "2026-11-22T11:30:00-06:00"
    );
    assert!(
        find(
            &agenda(&data(us(), vec![acme()]), "2026-11-20T12:00:00-06:00"),
            Rule::Reflect,
            None
        )
        .is_none()
    );
}

#[test]
fn debrief_capture_until_every_interviewer_has_notes() {
    let mut app = acme();
    app.people[1].said.clear();
    let a = agenda(&data(us(), vec![app]), "2026-11-20T12:00:00-06:00");
    let c = get(&a, Rule::DebriefCapture, None);
    assert_eq!(c.due.to_string(), "2026-11-20T23:30:00-06:00");
    assert!(
        c.why.contains("Raj Patel") && !c.why.contains("Marie"),
        "{}",
        c.why
    );
    assert!(
        find(
            &agenda(&data(us(), vec![acme()]), "2026-11-20T12:00:00-06:00"),
            Rule::DebriefCapture,
            None
        )
        .is_none()
    );
}

#[test]
fn a_past_interview_still_marked_scheduled_is_assumed_held() {
    let mut app = acme();
    app.interviews[0].status = InterviewStatus::Scheduled;
    let a = agenda(&data(us(), vec![app]), "2026-11-20T13:00:00-06:00");
    assert!(
        get(&a, Rule::DebriefCapture, None)
            .why
            .contains("not marked done or missed")
    );
    assert!(
        get(&a, Rule::ThankYouNote, Some("marie"))
            .why
            .contains("assumed held")
    );
}

#[test]
fn missed_interview_recovery_opens_at_the_start_and_is_due_4h_after_the_end() {
    let mut app = acme();
    app.people
        .push(person("cora", "Cora Diaz", PersonKind::Coordinator));
    app.interviews[0].status = InterviewStatus::Missed;
    let a = agenda(&data(us(), vec![app.clone()]), "2026-11-20T10:30:00-06:00");
    let r = get(&a, Rule::MissedInterviewRecovery, Some("cora"));
    assert_eq!(r.opens.to_string(), "2026-11-20T10:00:00-06:00");
    assert_eq!(r.due.to_string(), "2026-11-20T15:30:00-06:00");
    assert_eq!(r.state, State::Due);
    assert!(
        find(&a, Rule::ThankYouNote, None).is_none(),
        "no thank-you for a missed interview"
    );
    touch(
        &mut app,
        "cora",
        "2026-11-20T10:45:00-06:00",
        TouchKind::Recovery,
    );
    assert!(
        find(
            &agenda(&data(us(), vec![app]), "2026-11-20T11:00:00-06:00"),
            Rule::MissedInterviewRecovery,
            None
        )
        .is_none()
    );
}

// ---------------------------------------------------------------- §1 prepare

fn upcoming() -> Application {
    let mut app = acme();
    let iv = &mut app.interviews[0];
    iv.start = m("2026-12-03T10:00:00-06:00");
    iv.status = InterviewStatus::Scheduled;
    iv.scheduled_at = Some(m("2026-11-25T15:00:00-06:00"));
    iv.reflection = None;
    iv.asked_questions = None;
    app
}

#[test]
fn preparation_rules_open_when_scheduled_and_are_due_a_day_before() {
    let a = agenda(&data(us(), vec![upcoming()]), "2026-11-30T09:00:00-06:00");
    for rule in [
        Rule::PrepareResearch,
        Rule::PrepareInterviewer,
        Rule::PrepareQuestions,
        Rule::AskTimeline,
        Rule::BringCards,
    ] {
        let p = get(&a, rule, None);
        assert_eq!(p.opens.to_string(), "2026-11-25T15:00:00-06:00", "{rule}");
        assert_eq!(p.due.to_string(), "2026-12-02T10:00:00-06:00", "{rule}");
        assert_eq!(p.state, State::Due, "{rule}");
    }
    assert!(
        get(&a, Rule::PrepareInterviewer, None)
            .why
            .contains("Marie Dubois and Raj Patel")
    );
    // Before it was scheduled: upcoming. After the start: gone.
    assert_eq!(
        get(
            &agenda(&data(us(), vec![upcoming()]), "2026-11-24T09:00:00-06:00"),
            Rule::PrepareResearch,
            None
        )
        .state,
        State::Upcoming
    );
    assert_eq!(
        get(
            &agenda(&data(us(), vec![upcoming()]), "2026-12-02T10:00:00-06:00"),
            Rule::PrepareResearch,
            None
        )
        .state,
        State::Overdue
    );
    let during = agenda(&data(us(), vec![upcoming()]), "2026-12-03T10:00:00-06:00");
    assert!(find(&during, Rule::PrepareResearch, None).is_none());
    assert!(find(&during, Rule::InterviewReminder, None).is_none());
}

#[test]
fn preparation_rules_stay_quiet_once_done() {
    let mut app = upcoming();
    app.interviews[0].prepared = Prepared {
        research: true,
        questions: 3,
    };
    app.interviews[0].format = InterviewFormat::Video;
    let a = agenda(&data(us(), vec![app]), "2026-11-30T09:00:00-06:00");
    assert!(find(&a, Rule::PrepareResearch, None).is_none());
    assert!(find(&a, Rule::PrepareQuestions, None).is_none());
    assert!(
        find(&a, Rule::BringCards, None).is_none(),
        "video interview: no cards"
    );
}

#[test]
fn interview_reminder_opens_a_day_ahead_and_is_due_two_hours_ahead() {
    let a = agenda(&data(us(), vec![upcoming()]), "2026-12-02T12:00:00-06:00");
    let r = get(&a, Rule::InterviewReminder, None);
    assert_eq!(r.opens.to_string(), "2026-12-02T10:00:00-06:00");
    assert_eq!(r.due.to_string(), "2026-12-03T08:00:00-06:00");
    assert_eq!(r.state, State::Due);
}

#[test]
fn prepare_contribution_for_facts_without_a_contribution_line() {
    let mut app = upcoming();
    app.research = vec![ResearchFact {
        fact: "Opening a Singapore office".into(),
        contribution: None,
    }];
    let a = agenda(&data(us(), vec![app.clone()]), "2026-11-30T09:00:00-06:00");
    assert_eq!(
        get(&a, Rule::PrepareContribution, None).due.to_string(),
        "2026-12-02T10:00:00-06:00"
    );
    app.research[0].contribution = Some("I ran the APAC rollout at my last job".into());
    assert!(
        find(
            &agenda(&data(us(), vec![app]), "2026-11-30T09:00:00-06:00"),
            Rule::PrepareContribution,
            None
        )
        .is_none()
    );
}

#[test]
fn a_short_notice_interview_makes_preparation_overdue_at_once() {
    let mut app = upcoming();
    app.interviews[0].scheduled_at = Some(m("2026-12-02T16:00:00-06:00"));
    let a = agenda(&data(us(), vec![app]), "2026-12-02T16:30:00-06:00");
    let p = get(&a, Rule::PrepareResearch, None);
    assert_eq!(p.state, State::Overdue);
    assert!(p.opens <= p.due);
}

// ---------------------------------------------------------------- §3 waiting

/// Acme after both thank-yous went out on Fri 20 Nov at 17:30.
fn thanked() -> Application {
    let mut app = acme();
    thank(&mut app, "marie", "2026-11-20T17:30:00-06:00");
    thank(&mut app, "raj", "2026-11-20T17:35:00-06:00");
    app
}

#[test]
fn status_check_waits_ten_business_days_skipping_us_thanksgiving() {
    // Fri 20 Nov + 10 bd, Thanksgiving (Thu 26) skipped → Mon 7 Dec.
    let a = agenda(&data(us(), vec![thanked()]), "2026-11-23T09:00:00-06:00");
    let s = get(&a, Rule::StatusCheck, Some("marie"));
    assert_eq!(s.opens.to_string(), "2026-12-07T09:00:00-06:00");
    assert_eq!(s.due.to_string(), "2026-12-09T17:00:00-06:00");
    assert_eq!(s.state, State::Upcoming);
    assert_eq!(s.channel, Some(Channel::Email));
    let note = s.policy.as_ref().expect("policy note");
    assert_eq!(note.applied, "conservative");
    assert_eq!(note.alternatives[0].policy, Policy::Proactive);
    assert_eq!(
        note.alternatives[0].opens.to_string(),
        "2026-11-25T09:00:00-06:00"
    );
    assert_eq!(note.alternatives[0].channel, Channel::Phone);
    assert_eq!(
        a.iter().filter(|a| a.rule == Rule::StatusCheck).count(),
        1,
        "one per application"
    );

    // Without a holiday calendar Thanksgiving is a business day → Fri 4 Dec.
    let none = data(
        profile("America/Chicago", HolidayCalendar::None),
        vec![thanked()],
    );
    assert_eq!(
        get(
            &agenda(&none, "2026-11-23T09:00:00-06:00"),
            Rule::StatusCheck,
            None
        )
        .opens
        .to_string(),
        "2026-12-04T09:00:00-06:00"
    );
}

#[test]
fn status_check_skips_christmas_and_new_year_in_england() {
    let mut app = thanked();
    app.interviews[0].start = m("2026-12-17T10:00:00Z");
    app.touches.clear();
    thank(&mut app, "marie", "2026-12-17T16:00:00Z");
    let gb = data(profile("Europe/London", HolidayCalendar::GbEng), vec![app]);
    // 18,21,22,23,24 | 25 Christmas, 28 Boxing Day (substitute) | 29,30,31 | 1 Jan | 4, 5.
    let s = get(
        &agenda(&gb, "2026-12-18T09:00:00Z"),
        Rule::StatusCheck,
        None,
    )
    .clone();
    assert_eq!(s.opens.to_string(), "2027-01-05T09:00:00+00:00");
    assert_eq!(s.due.to_string(), "2027-01-07T17:00:00+00:00");
}

#[test]
fn status_check_boundaries() {
    let d = data(us(), vec![thanked()]);
    let state = |now| get(&agenda(&d, now), Rule::StatusCheck, None).state;
    assert_eq!(state("2026-12-07T08:59:59-06:00"), State::Upcoming);
    assert_eq!(state("2026-12-07T09:00:00-06:00"), State::Due);
    assert_eq!(state("2026-12-09T16:59:59-06:00"), State::Due);
    assert_eq!(state("2026-12-09T17:00:00-06:00"), State::Overdue);
}

#[test]
fn status_check_is_09_00_local_on_both_sides_of_a_dst_change() {
    // Thank-you Fri 27 Feb 2026; 10 bd later is Fri 13 Mar, after the change.
    let mut app = acme();
    app.interviews[0].start = m("2026-02-27T10:00:00-06:00");
    thank(&mut app, "marie", "2026-02-27T15:00:00-06:00");
    let none = data(profile("America/Chicago", HolidayCalendar::None), vec![app]);
    let s = get(
        &agenda(&none, "2026-03-01T09:00:00-06:00"),
        Rule::StatusCheck,
        None,
    )
    .clone();
    assert_eq!(s.opens.to_string(), "2026-03-13T09:00:00-05:00");
}

#[test]
fn proactive_policy_checks_after_three_days_by_phone_unless_told_otherwise() {
    let mut app = thanked();
    app.policy = Some(Policy::Proactive);
    let a = agenda(&data(us(), vec![app.clone()]), "2026-11-23T09:00:00-06:00");
    let s = get(&a, Rule::StatusCheck, None);
    // Mon 23, Tue 24, Wed 25 → opens Wed 25 Nov, 9:00; due two bd later, Thanksgiving skipped.
    assert_eq!(s.opens.to_string(), "2026-11-25T09:00:00-06:00");
    assert_eq!(s.due.to_string(), "2026-11-30T17:00:00-06:00");
    assert_eq!(s.channel, Some(Channel::Phone));
    assert!(
        s.policy
            .as_ref()
            .expect("note")
            .reason
            .contains("set for this application")
    );
    app.people[0].prefers = Some(Prefers {
        channel: Some(Channel::Email),
        after: None,
    });
    assert_eq!(
        get(
            &agenda(&data(us(), vec![app]), "2026-11-23T09:00:00-06:00"),
            Rule::StatusCheck,
            None
        )
        .channel,
        Some(Channel::Email)
    );
}

#[test]
fn a_stated_date_beats_both_policies_and_picks_the_person() {
    let mut app = thanked();
    app.people[1].prefers = Some(Prefers {
        channel: Some(Channel::Phone),
        after: Some(date("2026-12-03")),
    });
    let a = agenda(&data(us(), vec![app]), "2026-11-23T09:00:00-06:00");
    let s = get(&a, Rule::StatusCheck, None);
    assert_eq!(
        s.person.as_deref(),
        Some("raj"),
        "the person who named the timeline"
    );
    assert_eq!(s.opens.to_string(), "2026-12-04T09:00:00-06:00");
    assert_eq!(s.channel, Some(Channel::Phone));
    let note = s.policy.as_ref().expect("note");
    assert_eq!(note.applied, "stated");
    assert_eq!(
        note.alternatives.len(),
        2,
        "both policies shown for comparison"
    );
}

#[test]
fn status_check_goes_to_the_recruiter_before_the_first_interviewer() {
    let mut app = thanked();
    app.people
        .push(person("rita", "Rita Gomez", PersonKind::Recruiter));
    assert_eq!(
        get(
            &agenda(&data(us(), vec![app]), "2026-11-23T09:00:00-06:00"),
            Rule::StatusCheck,
            None
        )
        .person
        .as_deref(),
        Some("rita")
    );
}

#[test]
fn a_reply_cancels_the_status_check_unless_their_date_lies_after_it() {
    let mut app = thanked();
    app.touches[0].replied_at = Some(m("2026-11-24T10:00:00-06:00"));
    assert!(
        find(
            &agenda(&data(us(), vec![app.clone()]), "2026-11-25T09:00:00-06:00"),
            Rule::StatusCheck,
            None
        )
        .is_none()
    );
    app.people[0].prefers = Some(Prefers {
        channel: None,
        after: Some(date("2026-12-10")),
    });
    let s = get(
        &agenda(&data(us(), vec![app]), "2026-11-25T09:00:00-06:00"),
        Rule::StatusCheck,
        None,
    )
    .clone();
    assert_eq!(s.opens.to_string(), "2026-12-11T09:00:00-06:00");
}

#[test]
fn no_status_check_while_thank_yous_are_owed_or_after_an_outcome() {
    // No thank-you logged, the thank-yous not lapsed yet: no check.
    assert!(
        find(
            &agenda(&data(us(), vec![acme()]), "2026-11-25T09:00:00-06:00"),
            Rule::StatusCheck,
            None
        )
        .is_none()
    );
    let mut app = thanked();
    app.outcome = Some(Outcome {
        kind: OutcomeKind::Offer,
        on: date("2026-11-30"),
        feedback: vec![],
        stay_in_touch: false,
        message_id: None,
    });
    assert!(
        find(
            &agenda(&data(us(), vec![app]), "2026-12-10T09:00:00-06:00"),
            Rule::StatusCheck,
            None
        )
        .is_none()
    );
}

#[test]
fn move_on_ten_business_days_after_an_unanswered_check() {
    let mut app = thanked();
    touch(
        &mut app,
        "marie",
        "2026-12-07T09:30:00-06:00",
        TouchKind::StatusCheck,
    );
    let d = data(us(), vec![app.clone()]);
    let a = agenda(&d, "2026-12-08T09:00:00-06:00");
    assert!(
        find(&a, Rule::StatusCheck, None).is_none(),
        "the check was sent"
    );
    let mv = get(&a, Rule::MoveOn, None);
    assert_eq!(mv.opens.to_string(), "2026-12-21T09:00:00-06:00");
    // 22, 23, 24, (25 Christmas), 28, 29 → due Tue 29 Dec, 17:00.
    assert_eq!(mv.due.to_string(), "2026-12-29T17:00:00-06:00");
    assert_eq!(mv.state, State::Upcoming);

    let mut replied = app.clone();
    replied.touches[2].replied_at = Some(m("2026-12-10T10:00:00-06:00"));
    assert!(
        find(
            &agenda(&data(us(), vec![replied]), "2026-12-22T09:00:00-06:00"),
            Rule::MoveOn,
            None
        )
        .is_none()
    );
    let mut closed = app;
    closed.outcome = Some(Outcome {
        kind: OutcomeKind::NoResponse,
        on: date("2026-12-22"),
        feedback: vec![],
        stay_in_touch: false,
        message_id: None,
    });
    assert!(
        find(
            &agenda(&data(us(), vec![closed]), "2026-12-22T09:00:00-06:00"),
            Rule::MoveOn,
            None
        )
        .is_none()
    );
}

#[test]
fn congratulate_on_news_while_waiting_without_resetting_the_cadence() {
    let mut app = thanked();
    app.news.push(News {
        on: date("2026-11-25"),
        text: "Opened a Singapore office".into(),
    });
    app.news.push(News {
        on: date("2026-11-01"),
        text: "Old news before the interview".into(),
    });
    let a = agenda(&data(us(), vec![app.clone()]), "2026-11-25T12:00:00-06:00");
    let c = get(&a, Rule::Congratulate, None);
    assert_eq!(
        a.iter().filter(|a| a.rule == Rule::Congratulate).count(),
        1,
        "old news ignored"
    );
    assert_eq!(c.opens.to_string(), "2026-11-25T09:00:00-06:00");
    assert_eq!(c.due.to_string(), "2026-12-01T17:00:00-06:00");
    assert!(c.why.contains("Singapore"));
    touch(
        &mut app,
        "marie",
        "2026-11-25T14:00:00-06:00",
        TouchKind::Congratulate,
    );
    let a = agenda(&data(us(), vec![app]), "2026-11-25T15:00:00-06:00");
    assert!(find(&a, Rule::Congratulate, None).is_none());
    assert_eq!(
        get(&a, Rule::StatusCheck, None).opens.to_string(),
        "2026-12-07T09:00:00-06:00",
        "cadence unchanged"
    );
}

// ---------------------------------------------------------------- guard

fn status_touch(at: &str, who: &str) -> Touch {
    Touch {
        at: m(at),
        person: Some(who.into()),
        channel: Channel::Email,
        kind: TouchKind::StatusCheck,
        replied_at: None,
        forced: false,
        note: None,
        message_id: None,
    }
}

#[test]
fn the_guard_refuses_an_early_chase_and_says_when_it_is_allowed() {
    let app = thanked();
    let e = Engine::new(&us()).expect("engine");
    match e.guard(&app, &status_touch("2026-11-27T10:00:00-06:00", "marie")) {
        Verdict::Refused { allowed_from, why } => {
            assert_eq!(allowed_from, Some(ts("2026-12-07T15:00:00Z")));
            assert!(
                why.contains("Marie Dubois") && why.contains("10 business days"),
                "{why}"
            );
        }
        v => panic!("expected a refusal, got {v:?}"),
    }
    assert_eq!(
        e.guard(&app, &status_touch("2026-12-07T09:00:00-06:00", "marie")),
        Verdict::Allowed
    );
    let mut other = status_touch("2026-11-23T10:00:00-06:00", "marie");
    other.kind = TouchKind::Congratulate;
    assert_eq!(
        e.guard(&app, &other),
        Verdict::Allowed,
        "non-status touches are never limited"
    );
}

#[test]
fn the_guard_refuses_a_second_chase_while_the_first_is_unanswered() {
    let mut app = thanked();
    app.touches
        .push(status_touch("2026-12-07T09:30:00-06:00", "marie"));
    let e = Engine::new(&us()).expect("engine");
    match e.guard(&app, &status_touch("2026-12-15T09:00:00-06:00", "raj")) {
        Verdict::Refused {
            allowed_from: None,
            why,
        } => assert!(why.contains("unanswered"), "{why}"),
        v => panic!("expected a refusal without a date, got {v:?}"),
    }
    app.touches[2].replied_at = Some(m("2026-12-08T11:00:00-06:00"));
    assert_eq!(
        e.guard(&app, &status_touch("2026-12-15T09:00:00-06:00", "raj")),
        Verdict::Allowed
    );
}

#[test]
fn the_guard_counts_from_the_interview_when_no_thank_you_was_sent() {
    let e = Engine::new(&us()).expect("engine");
    match e.guard(&acme(), &status_touch("2026-11-24T10:00:00-06:00", "marie")) {
        Verdict::Refused {
            allowed_from: Some(t),
            why,
        } => {
            assert_eq!(t, ts("2026-12-07T15:00:00Z"));
            // No thank-you was logged: the reason must not claim one.
            assert!(
                why.contains("after the interview of") && !why.contains("thank-you"),
                "{why}"
            );
        }
        v => panic!("expected a refusal, got {v:?}"),
    }
}

#[test]
fn the_guard_refuses_a_second_chase_even_before_any_interview() {
    let e = Engine::new(&us()).expect("engine");
    let mut app = Application::new("beta", "Beta", "Analyst");
    app.people = vec![person("bob", "Bob Ross", PersonKind::Recruiter)];
    let first = status_touch("2026-11-20T10:00:00-06:00", "bob");
    assert_eq!(e.guard(&app, &first), Verdict::Allowed);
    app.touches.push(first);
    match e.guard(&app, &status_touch("2026-11-24T10:00:00-06:00", "bob")) {
        Verdict::Refused {
            allowed_from: None,
            why,
        } => assert!(
            why.contains("unanswered") && why.contains("Bob Ross"),
            "{why}"
        ),
        v => panic!("expected a refusal, got {v:?}"),
    }
    app.touches[0].replied_at = Some(m("2026-11-21T09:00:00-06:00"));
    assert_eq!(
        e.guard(&app, &status_touch("2026-11-24T10:00:00-06:00", "bob")),
        Verdict::Allowed
    );
}

// ---------------------------------------------------------------- §4 outcome

fn rejected(feedback: Vec<Feedback>) -> Application {
    let mut app = thanked();
    app.stage = Stage::Rejected;
    app.outcome = Some(Outcome {
        kind: OutcomeKind::Rejected,
        on: date("2026-11-23"),
        feedback,
        stay_in_touch: false,
        message_id: None,
    });
    app
}

#[test]
fn request_feedback_call_after_a_rejection_due_three_business_days_later() {
    let a = agenda(
        &data(us(), vec![rejected(vec![])]),
        "2026-11-23T12:00:00-06:00",
    );
    let r = get(&a, Rule::RequestFeedbackCall, Some("marie"));
    assert_eq!(r.opens.to_string(), "2026-11-23T00:00:00-06:00");
    // 24, 25, (26 Thanksgiving), 27 → Fri 27 Nov, 17:00.
    assert_eq!(r.due.to_string(), "2026-11-27T17:00:00-06:00");
    assert!(
        find(&a, Rule::ThankYouNote, None).is_none() && find(&a, Rule::StatusCheck, None).is_none()
    );
    let mut asked = rejected(vec![]);
    touch(
        &mut asked,
        "marie",
        "2026-11-23T15:00:00-06:00",
        TouchKind::FeedbackRequest,
    );
    assert!(
        find(
            &agenda(&data(us(), vec![asked]), "2026-11-23T16:00:00-06:00"),
            Rule::RequestFeedbackCall,
            None
        )
        .is_none()
    );
}

#[test]
fn act_on_feedback_until_each_point_is_classified_and_skills_have_a_plan() {
    let point = |kind, plan: Option<LearningPlan>| Feedback {
        text: "SQL window functions were shaky".into(),
        kind,
        positive: false,
        plan,
    };
    let fires = |fb| {
        find(
            &agenda(&data(us(), vec![rejected(fb)]), "2026-11-23T12:00:00-06:00"),
            Rule::ActOnFeedback,
            None,
        )
        .is_some()
    };
    assert!(fires(vec![point(None, None)]));
    assert!(fires(vec![point(Some(FeedbackKind::Skill), None)]));
    assert!(!fires(vec![point(Some(FeedbackKind::Behavior), None)]));
    assert!(!fires(vec![point(
        Some(FeedbackKind::Skill),
        Some(LearningPlan {
            step: "course".into(),
            by: date("2026-12-15")
        })
    )]));
    assert!(!fires(vec![]));
}

#[test]
fn ask_three_questions_after_positive_feedback() {
    let good = Feedback {
        text: "Great rapport with the team".into(),
        kind: Some(FeedbackKind::Behavior),
        positive: true,
        plan: None,
    };
    let a = agenda(
        &data(us(), vec![rejected(vec![good.clone()])]),
        "2026-11-23T12:00:00-06:00",
    );
    assert_eq!(
        get(&a, Rule::AskThreeQuestions, None).due.to_string(),
        "2026-11-27T17:00:00-06:00"
    );
    let mut asked = rejected(vec![good]);
    touch(
        &mut asked,
        "marie",
        "2026-11-24T10:00:00-06:00",
        TouchKind::Questions,
    );
    assert!(
        find(
            &agenda(&data(us(), vec![asked]), "2026-11-24T12:00:00-06:00"),
            Rule::AskThreeQuestions,
            None
        )
        .is_none()
    );
}

#[test]
fn stay_in_touch_six_weeks_after_the_last_touch() {
    let mut app = rejected(vec![]);
    app.outcome.as_mut().expect("outcome").stay_in_touch = true;
    touch(
        &mut app,
        "raj",
        "2026-11-24T10:00:00-06:00",
        TouchKind::FeedbackRequest,
    );
    let a = agenda(&data(us(), vec![app.clone()]), "2026-11-25T12:00:00-06:00");
    let s = get(&a, Rule::StayInTouch, None);
    assert_eq!(s.due.to_string(), "2027-01-05T10:00:00-06:00");
    assert_eq!(s.opens.to_string(), "2026-12-29T10:00:00-06:00");
    assert_eq!(s.person.as_deref(), Some("raj"));
    app.outcome.as_mut().expect("outcome").stay_in_touch = false;
    assert!(
        find(
            &agenda(&data(us(), vec![app]), "2026-11-25T12:00:00-06:00"),
            Rule::StayInTouch,
            None
        )
        .is_none()
    );
}

#[test]
fn negotiate_after_an_offer() {
    let mut app = thanked();
    app.stage = Stage::Offer;
    app.outcome = Some(Outcome {
        kind: OutcomeKind::Offer,
        on: date("2026-11-30"),
        feedback: vec![],
        stay_in_touch: false,
        message_id: None,
    });
    let a = agenda(&data(us(), vec![app]), "2026-11-30T12:00:00-06:00");
    assert_eq!(
        get(&a, Rule::NegotiateAfterOffer, None).due.to_string(),
        "2026-12-03T17:00:00-06:00"
    );
    assert!(
        find(
            &agenda(
                &data(us(), vec![rejected(vec![])]),
                "2026-11-30T12:00:00-06:00"
            ),
            Rule::NegotiateAfterOffer,
            None
        )
        .is_none()
    );
}

// ---------------------------------------------------------------- general

#[test]
fn a_dismissed_action_disappears_and_only_that_one() {
    let mut app = acme();
    app.dismissed.push(Dismissal {
        rule: Rule::ThankYouNote,
        interview: Some("panel".into()),
        person: Some("raj".into()),
        at: m("2026-11-20T12:00:00-06:00"),
        reason: "thanked him in person".into(),
    });
    let a = agenda(&data(us(), vec![app]), "2026-11-20T13:00:00-06:00");
    assert!(find(&a, Rule::ThankYouNote, Some("raj")).is_none());
    assert!(find(&a, Rule::ThankYouNote, Some("marie")).is_some());
}

#[test]
fn actions_are_ordered_overdue_then_due_then_upcoming() {
    let mut late = acme();
    late.id = "late".into();
    // Two days earlier: overdue, not yet lapsed.
    late.interviews[0].start = m("2026-11-18T10:00:00-06:00");
    let a = agenda(
        &data(us(), vec![upcoming(), acme(), late]),
        "2026-11-20T13:00:00-06:00",
    );
    let states: Vec<State> = a.iter().map(|a| a.state).collect();
    let mut sorted = states.clone();
    sorted.sort();
    assert_eq!(states, sorted);
    assert_eq!(a[0].state, State::Overdue);
}

#[test]
fn every_playbook_rule_is_produced_by_the_engine() {
    // One store in which each rule has a reason to fire (the guard is
    // exercised by its own tests above).
    let mut ready = upcoming();
    ready.id = "prep".into();
    ready.research = vec![ResearchFact {
        fact: "Singapore office".into(),
        contribution: None,
    }];
    let mut fresh = acme();
    fresh.id = "fresh".into();
    fresh.people[0].mailing_address = Some("1 Main St".into());
    fresh.people[1].said.clear();
    let iv = &mut fresh.interviews[0];
    iv.also_met = vec!["dana".into()];
    iv.asked_questions = Some(false);
    iv.slip_ups = vec![SlipUp {
        text: "wrong name".into(),
        noticed: true,
        apologized: false,
    }];
    iv.disrupted = true;
    iv.reflection = None;
    let mut missed = acme();
    missed.id = "missed".into();
    missed.interviews[0].status = InterviewStatus::Missed;
    let mut waiting = thanked();
    waiting.id = "waiting".into();
    waiting.interviews[0].start = m("2026-10-20T10:00:00-05:00");
    waiting
        .touches
        .iter_mut()
        .for_each(|t| t.at = m("2026-10-20T17:00:00-05:00"));
    waiting.news.push(News {
        on: date("2026-11-19"),
        text: "Series C".into(),
    });
    let mut chased = thanked();
    chased.id = "chased".into();
    chased.interviews[0].start = m("2026-10-01T10:00:00-05:00");
    chased
        .touches
        .iter_mut()
        .for_each(|t| t.at = m("2026-10-01T17:00:00-05:00"));
    touch(
        &mut chased,
        "marie",
        "2026-10-16T09:00:00-05:00",
        TouchKind::StatusCheck,
    );
    let mut no = rejected(vec![
        Feedback {
            text: "shaky SQL".into(),
            kind: None,
            positive: false,
            plan: None,
        },
        Feedback {
            text: "great rapport".into(),
            kind: Some(FeedbackKind::Behavior),
            positive: true,
            plan: None,
        },
    ]);
    no.id = "no".into();
    no.outcome.as_mut().expect("outcome").stay_in_touch = true;
    let mut yes = thanked();
    yes.id = "yes".into();
    yes.outcome = Some(Outcome {
        kind: OutcomeKind::Offer,
        on: date("2026-11-19"),
        feedback: vec![],
        stay_in_touch: false,
        message_id: None,
    });

    let a = agenda(
        &data(us(), vec![ready, fresh, missed, waiting, chased, no, yes]),
        "2026-11-20T13:00:00-06:00",
    );
    let seen: BTreeSet<Rule> = a.iter().map(|a| a.rule).collect();
    let missing: Vec<_> = Rule::ALL
        .iter()
        .filter(|r| {
            !matches!(r, Rule::FollowUpGuard | Rule::StopChasing | Rule::Lapse) && !seen.contains(r)
        })
        .collect();
    assert!(missing.is_empty(), "rules never produced: {missing:?}");
    for action in &a {
        assert!(
            !action.why.is_empty() && action.opens <= action.due,
            "{action:?}"
        );
    }
}

// ---------------------------------------------------------------- stop-chasing

fn engine_for(p: &Profile) -> Engine {
    Engine::new(p).expect("engine")
}

fn with_policy(policy: Policy) -> Profile {
    let mut p = us();
    p.policy = policy;
    p
}

fn refused_without_date(v: Verdict) -> String {
    match v {
        Verdict::Refused {
            allowed_from: None,
            why,
        } => why,
        v => panic!("expected a refusal without a date, got {v:?}"),
    }
}

/// Acme, thanked, with a second round booked for Tue 15 Dec, 10:00–11:00.
fn second_round_booked() -> Application {
    let mut app = thanked();
    let mut second = Interview::new("second", m("2026-12-15T10:00:00-06:00"));
    second.interviewers = vec!["marie".into()];
    second.scheduled_at = Some(m("2026-12-08T08:00:00-06:00"));
    app.interviews.push(second);
    app
}

#[test]
fn stop_chasing_once_the_next_interview_is_booked_until_it_is_held() {
    for policy in Policy::ALL {
        let p = with_policy(*policy);
        let e = engine_for(&p);
        let app = second_round_booked();
        let d = data(p.clone(), vec![app.clone()]);
        // The check had opened (7 Dec conservative, 25 Nov proactive).
        for now in ["2026-12-08T09:00:00-06:00", "2026-12-15T10:59:00-06:00"] {
            let a = agenda(&d, now);
            assert!(
                find(&a, Rule::StatusCheck, None).is_none()
                    && find(&a, Rule::MoveOn, None).is_none(),
                "{policy:?} at {now}: {a:?}"
            );
            let why = refused_without_date(e.guard(&app, &status_touch(now, "marie")));
            assert!(
                why.contains("the next interview at Acme Corp is booked for Tue 15 Dec")
                    || why.contains("The next interview at Acme Corp is booked for Tue 15 Dec"),
                "{why}"
            );
        }
        // At 11:00 the second round is over (assumed held): the cadence
        // starts again from it, and waits for its thank-you first.
        let now = "2026-12-15T11:00:00-06:00";
        let a = agenda(&d, now);
        assert!(find(&a, Rule::StatusCheck, None).is_none(), "{a:?}");
        get(&a, Rule::ThankYouNote, Some("marie"));
        let mut thanked_again = app.clone();
        thank(&mut thanked_again, "marie", "2026-12-15T15:00:00-06:00");
        let d2 = data(p.clone(), vec![thanked_again.clone()]);
        let s = get(
            &agenda(&d2, "2026-12-15T16:00:00-06:00"),
            Rule::StatusCheck,
            Some("marie"),
        )
        .clone();
        assert_eq!(s.interview.as_deref(), Some("second"));
        let expected = match policy {
            // 16,17,18,21,22,23,24,(25 Christmas),28,29,30 → Wed 30 Dec.
            Policy::Conservative => "2026-12-30T09:00:00-06:00",
            // 16,17,18 → Fri 18 Dec, by phone.
            Policy::Proactive => "2026-12-18T09:00:00-06:00",
        };
        assert_eq!(s.opens.to_string(), expected, "{policy:?}");
        match e.guard(
            &thanked_again,
            &status_touch("2026-12-16T09:00:00-06:00", "marie"),
        ) {
            Verdict::Refused {
                allowed_from: Some(t),
                ..
            } => assert_eq!(t, s.opens.ts),
            v => panic!("expected a dated refusal, got {v:?}"),
        }
    }
}

#[test]
fn stop_chasing_after_any_outcome_or_end_stage() {
    let e = engine_for(&us());
    let now = "2026-12-11T09:00:00-06:00";
    for (kind, words) in [
        (
            OutcomeKind::Rejected,
            "Acme Corp turned you down on Thu 10 Dec",
        ),
        (
            OutcomeKind::Offer,
            "Acme Corp made you an offer on Thu 10 Dec",
        ),
        (
            OutcomeKind::Withdrawn,
            "You withdrew from Acme Corp on Thu 10 Dec",
        ),
        (
            OutcomeKind::NoResponse,
            "You closed Acme Corp as no-response on Thu 10 Dec",
        ),
    ] {
        let mut app = thanked();
        app.outcome = Some(Outcome {
            kind,
            on: date("2026-12-10"),
            feedback: vec![],
            stay_in_touch: false,
            message_id: None,
        });
        let a = agenda(&data(us(), vec![app.clone()]), now);
        assert!(
            find(&a, Rule::StatusCheck, None).is_none() && find(&a, Rule::MoveOn, None).is_none()
        );
        let why = refused_without_date(e.guard(&app, &status_touch(now, "marie")));
        assert!(why.contains(words), "{kind:?}: {why}");
    }
    for stage in [
        Stage::Offer,
        Stage::Rejected,
        Stage::Withdrawn,
        Stage::Closed,
    ] {
        let mut app = thanked();
        app.stage = stage;
        let a = agenda(&data(us(), vec![app.clone()]), now);
        assert!(find(&a, Rule::StatusCheck, None).is_none(), "{stage:?}");
        let why = refused_without_date(e.guard(&app, &status_touch(now, "marie")));
        assert!(why.contains("nothing left to chase"), "{stage:?}: {why}");
    }
    // The same application without the stop: allowed (the check opened 7 Dec).
    assert_eq!(
        e.guard(&thanked(), &status_touch(now, "marie")),
        Verdict::Allowed
    );
}

#[test]
fn the_guard_names_the_one_person_the_check_goes_to() {
    let mut app = thanked();
    app.people
        .push(person("priya", "Priya Shah", PersonKind::Recruiter));
    app.people[0].prefers = Some(Prefers {
        channel: Some(Channel::Email),
        after: Some(date("2026-12-08")),
    });
    let e = engine_for(&us());
    match e.guard(&app, &status_touch("2026-12-07T10:00:00-06:00", "priya")) {
        Verdict::Refused {
            allowed_from: Some(t),
            why,
        } => {
            assert_eq!(t, ts("2026-12-09T09:00:00-06:00"));
            assert!(
                why.starts_with("Too soon to chase Priya Shah: the one status check for Acme Corp goes to Marie Dubois, who named Tue 8 Dec as the date to wait for")
                    && why.contains("allowed from Wed 9 Dec, 9:00"),
                "{why}"
            );
        }
        v => panic!("expected a refusal, got {v:?}"),
    }
}

// ---------------------------------------------------------------- lapse

fn lapsed_rules(d: &Dataset, now: &str) -> Vec<(Rule, Option<String>, String)> {
    let e = engine_for(&d.profile);
    e.lapsed(d, ts(now))
        .into_iter()
        .map(|l| {
            (
                l.rule,
                l.person.map(String::from),
                Moment::in_zone(
                    l.at,
                    &jiff::tz::TimeZone::get(&d.profile.timezone).expect("tz"),
                )
                .to_string(),
            )
        })
        .collect()
}

/// Acme with every after-interview chore owed: nothing sent, the
/// receptionist met, no questions asked, a noticed slip, disrupted, no
/// notes and no reflection, Marie's postal address known.
fn everything_owed() -> Application {
    let mut app = acme();
    app.people[0].said.clear();
    app.people[0].mailing_address = Some("1 Main St, Chicago".into());
    let iv = &mut app.interviews[0];
    iv.also_met = vec!["dana".into()];
    iv.asked_questions = Some(false);
    iv.disrupted = true;
    iv.reflection = None;
    iv.slip_ups = vec![SlipUp {
        text: "called Marie 'Mary' once".into(),
        noticed: true,
        apologized: false,
    }];
    app
}

#[test]
fn the_chores_after_an_interview_lapse_on_the_fifth_business_day_after_due() {
    // Due Sat 21 Nov, 11:30; 5 bd: 23, 24, 25, (26 Thanksgiving), 27, 30
    // → Mon 30 Nov, 11:30, whatever the policy.
    let chores = [
        Rule::ThankYouNote,
        Rule::ThankStaff,
        Rule::SendQuestions,
        Rule::ApologizeSlip,
        Rule::ExplainDistraction,
    ];
    for policy in Policy::ALL {
        let d = data(with_policy(*policy), vec![everything_owed()]);
        let before = agenda(&d, "2026-11-30T11:29:00-06:00");
        for rule in chores {
            let a = get(&before, rule, None);
            assert_eq!(a.state, State::Overdue);
            assert_eq!(a.lapses, Some(ts("2026-11-30T11:30:00-06:00")), "{rule}");
        }
        let after = agenda(&d, "2026-11-30T11:30:00-06:00");
        for rule in chores {
            assert!(find(&after, rule, None).is_none(), "{rule} lapsed");
        }
        let lapsed = lapsed_rules(&d, "2026-11-30T11:30:00-06:00");
        for rule in chores {
            assert!(
                lapsed
                    .iter()
                    .any(|(r, _, at)| *r == rule && at == "2026-11-30T11:30:00-06:00"),
                "{rule}: {lapsed:?}"
            );
        }
        assert_eq!(
            lapsed
                .iter()
                .filter(|(r, _, _)| *r == Rule::ThankYouNote)
                .count(),
            2,
            "one per interviewer"
        );
        // The handwritten note was due Mon 23 Nov, 17:00 → 24, 25, (26), 27,
        // 30, 1 → lapses Tue 1 Dec, 17:00.
        get(&after, Rule::HandwrittenNote, Some("marie"));
        assert!(
            find(
                &agenda(&d, "2026-12-01T17:00:00-06:00"),
                Rule::HandwrittenNote,
                None
            )
            .is_none()
        );
        assert!(
            get(
                &agenda(&d, "2026-11-30T16:59:00-06:00"),
                Rule::HandwrittenNote,
                None
            )
            .state
                == State::Overdue
        );
    }
}

#[test]
fn capture_lapses_after_seven_days_and_reflect_after_fourteen() {
    let d = data(us(), vec![everything_owed()]);
    get(
        &agenda(&d, "2026-11-27T11:29:00-06:00"),
        Rule::DebriefCapture,
        None,
    );
    assert!(
        find(
            &agenda(&d, "2026-11-27T11:30:00-06:00"),
            Rule::DebriefCapture,
            None
        )
        .is_none()
    );
    get(
        &agenda(&d, "2026-12-04T11:29:00-06:00"),
        Rule::Reflect,
        None,
    );
    assert!(
        find(
            &agenda(&d, "2026-12-04T11:30:00-06:00"),
            Rule::Reflect,
            None
        )
        .is_none()
    );
    let lapsed = lapsed_rules(&d, "2026-12-05T00:00:00-06:00");
    assert!(lapsed.contains(&(Rule::Reflect, None, "2026-12-04T11:30:00-06:00".into())));
    assert!(lapsed.contains(&(
        Rule::DebriefCapture,
        None,
        "2026-11-27T11:30:00-06:00".into()
    )));
}

#[test]
fn a_dismissed_chore_is_not_counted_as_missed() {
    let mut app = everything_owed();
    app.dismissed.push(Dismissal {
        rule: Rule::Reflect,
        interview: None,
        person: None,
        at: m("2026-11-21T09:00:00-06:00"),
        reason: "done on paper".into(),
    });
    let lapsed = lapsed_rules(&data(us(), vec![app]), "2026-12-05T00:00:00-06:00");
    assert!(
        lapsed.iter().all(|(r, _, _)| *r != Rule::Reflect),
        "{lapsed:?}"
    );
}

#[test]
fn the_chores_lapse_when_the_next_interview_on_a_later_day_starts() {
    let mut app = everything_owed();
    let mut second = Interview::new("second", m("2026-11-24T10:00:00-06:00"));
    second.interviewers = vec!["raj".into()];
    app.interviews.push(second);
    let d = data(us(), vec![app]);
    get(
        &agenda(&d, "2026-11-24T09:59:00-06:00"),
        Rule::ThankYouNote,
        Some("marie"),
    );
    let a = agenda(&d, "2026-11-24T10:00:00-06:00");
    assert!(
        a.iter()
            .all(|x| x.rule != Rule::ThankYouNote || x.interview.as_deref() == Some("second")),
        "{a:?}"
    );
}

#[test]
fn a_later_interview_the_same_day_or_a_cancelled_one_does_not_end_the_chores() {
    // The panel is on Fri 20 Nov at 10:00 (Chicago). A second round the
    // same afternoon, and a cancelled one on Monday, leave the thank-you
    // owed; it lapses only on the 5th business day after it was due.
    let mut app = everything_owed();
    let mut same_day = Interview::new("afternoon", m("2026-11-20T15:00:00-06:00"));
    same_day.interviewers = vec!["raj".into()];
    let mut cancelled = Interview::new("monday", m("2026-11-23T10:00:00-06:00"));
    cancelled.status = InterviewStatus::Cancelled;
    app.interviews.push(same_day);
    app.interviews.push(cancelled);
    let d = data(us(), vec![app]);
    get(
        &agenda(&d, "2026-11-23T11:00:00-06:00"),
        Rule::ThankYouNote,
        Some("marie"),
    );
    // Due Sat 21 Nov 11:00 (24 h after the end): the 5th business day
    // after is Fri 27 Nov with Thanksgiving off.
    let late = agenda(&d, "2026-11-30T12:00:00-06:00");
    assert!(
        late.iter()
            .all(|x| x.rule != Rule::ThankYouNote || x.interview.as_deref() != Some("panel")),
        "{late:?}"
    );
}

#[test]
fn the_chores_lapse_across_christmas_in_england() {
    // Wed 23 Dec 2026 10:00–11:00 London, due Thu 24 Dec, 11:00; 5 bd:
    // (25 Christmas, 26–27 weekend, 28 Boxing Day observed) 29, 30, 31,
    // (1 Jan) 4, 5 → Tue 5 Jan 2027 11:00.
    let mut app = Application::new("uk", "Brit Ltd", "Analyst");
    app.people = vec![person("ann", "Ann Smith", PersonKind::Interviewer)];
    let mut iv = Interview::new("one", m("2026-12-23T10:00:00+00:00"));
    iv.status = InterviewStatus::Done;
    iv.interviewers = vec!["ann".into()];
    app.interviews = vec![iv];
    let d = data(profile("Europe/London", HolidayCalendar::GbEng), vec![app]);
    let a = get(
        &agenda(&d, "2027-01-05T10:59:00+00:00"),
        Rule::ThankYouNote,
        None,
    )
    .clone();
    assert_eq!(a.lapses, Some(ts("2027-01-05T11:00:00Z")));
    assert!(
        find(
            &agenda(&d, "2027-01-05T11:00:00+00:00"),
            Rule::ThankYouNote,
            None
        )
        .is_none()
    );
}

#[test]
fn missed_interview_recovery_lapses_five_business_days_after_due() {
    let mut app = acme();
    app.interviews[0].status = InterviewStatus::Missed;
    let d = data(us(), vec![app]);
    // Due Fri 20 Nov, 15:30 → 23, 24, 25, 27, 30 → Mon 30 Nov, 15:30.
    get(
        &agenda(&d, "2026-11-30T15:29:00-06:00"),
        Rule::MissedInterviewRecovery,
        None,
    );
    assert!(
        find(
            &agenda(&d, "2026-11-30T15:30:00-06:00"),
            Rule::MissedInterviewRecovery,
            None
        )
        .is_none()
    );
}

#[test]
fn outcome_chores_lapse_at_17_00_on_the_fifteenth_business_day() {
    let d = data(
        us(),
        vec![rejected(vec![Feedback {
            text: "strong SQL".into(),
            positive: true,
            kind: Some(FeedbackKind::Skill),
            plan: None,
        }])],
    );
    // Rejected Mon 23 Nov; 15 bd with Thanksgiving skipped → Tue 15 Dec.
    let before = agenda(&d, "2026-12-15T16:59:00-06:00");
    get(&before, Rule::RequestFeedbackCall, None);
    get(&before, Rule::AskThreeQuestions, None);
    let after = agenda(&d, "2026-12-15T17:00:00-06:00");
    assert!(find(&after, Rule::RequestFeedbackCall, None).is_none());
    assert!(find(&after, Rule::AskThreeQuestions, None).is_none());
}

#[test]
fn congratulate_lapses_ten_business_days_after_the_news() {
    let mut app = thanked();
    app.news.push(News {
        on: date("2026-11-25"),
        text: "Opened a Singapore office".into(),
    });
    let d = data(us(), vec![app]);
    // 27, 30, 1, 2, 3, 4, 7, 8, 9, 10 → Thu 10 Dec, 17:00.
    get(
        &agenda(&d, "2026-12-10T16:59:00-06:00"),
        Rule::Congratulate,
        None,
    );
    assert!(
        find(
            &agenda(&d, "2026-12-10T17:00:00-06:00"),
            Rule::Congratulate,
            None
        )
        .is_none()
    );
}

#[test]
fn an_unsent_status_check_lapses_and_move_on_opens_then() {
    for (policy, lapse, move_due) in [
        // Opens Mon 7 Dec, due Wed 9 Dec, 17:00; 10 bd → Wed 23 Dec, 17:00.
        // move-on: 24, (25), 28, 29, 30, 31 → Thu 31 Dec, 17:00.
        (
            Policy::Conservative,
            "2026-12-23T17:00:00-06:00",
            "2026-12-31T17:00:00-06:00",
        ),
        // Opens Wed 25 Nov, due ((26 Thanksgiving), 27, 30) Mon 30 Nov
        // 17:00; 10 bd → Mon 14 Dec, 17:00; move-on due Mon 21 Dec.
        (
            Policy::Proactive,
            "2026-12-14T17:00:00-06:00",
            "2026-12-21T17:00:00-06:00",
        ),
    ] {
        let p = with_policy(policy);
        let e = engine_for(&p);
        let app = thanked();
        let d = data(p.clone(), vec![app.clone()]);
        let just_before = (ts(lapse) - jiff::SignedDuration::from_mins(1)).to_string();
        let s = get(&agenda(&d, &just_before), Rule::StatusCheck, None).clone();
        assert_eq!(s.state, State::Overdue);
        assert_eq!(s.lapses, Some(ts(lapse)), "{policy:?}");
        assert!(find(&agenda(&d, &just_before), Rule::MoveOn, None).is_none());
        assert_eq!(
            e.guard(&app, &status_touch(&just_before, "marie")),
            Verdict::Allowed
        );
        let a = agenda(&d, lapse);
        assert!(find(&a, Rule::StatusCheck, None).is_none(), "{policy:?}");
        let mv = get(&a, Rule::MoveOn, None);
        assert_eq!(mv.opens.ts, ts(lapse));
        assert_eq!(mv.due.ts, ts(move_due), "{policy:?}");
        let why = refused_without_date(e.guard(&app, &status_touch(lapse, "marie")));
        assert!(why.contains("passed"), "{why}");
        assert!(
            lapsed_rules(&d, lapse)
                .iter()
                .any(|(r, _, _)| *r == Rule::StatusCheck)
        );
    }
}

#[test]
fn the_status_check_without_a_thank_you_counts_from_the_interview_end() {
    // Thank-yous lapse Mon 30 Nov, 11:30.
    // Conservative: 10 bd after Fri 20 Nov → Mon 7 Dec, 9:00 (later).
    // Proactive: 3 bd → Wed 25 Nov, 9:00, earlier: the lapse wins.
    for (policy, opens) in [
        (Policy::Conservative, "2026-12-07T09:00:00-06:00"),
        (Policy::Proactive, "2026-11-30T11:30:00-06:00"),
    ] {
        let p = with_policy(policy);
        let e = engine_for(&p);
        let app = acme();
        let d = data(p.clone(), vec![app.clone()]);
        assert!(
            find(
                &agenda(&d, "2026-11-30T11:29:00-06:00"),
                Rule::StatusCheck,
                None
            )
            .is_none(),
            "not while the thank-yous are owed"
        );
        let s = get(
            &agenda(&d, "2026-11-30T11:30:00-06:00"),
            Rule::StatusCheck,
            None,
        )
        .clone();
        assert_eq!(s.opens.to_string(), opens, "{policy:?}");
        assert!(s.why.contains("No thank-you went out"), "{}", s.why);
        let minute_before = (ts(opens) - jiff::SignedDuration::from_mins(1)).to_string();
        match e.guard(&app, &status_touch(&minute_before, "marie")) {
            Verdict::Refused {
                allowed_from: Some(t),
                ..
            } => assert_eq!(t, ts(opens)),
            v => panic!("{policy:?}: expected a dated refusal, got {v:?}"),
        }
        assert_eq!(
            e.guard(&app, &status_touch(opens, "marie")),
            Verdict::Allowed
        );
        // Dismissing the thank-yous: no waiting for their lapse.
        let mut dismissed = app.clone();
        dismissed.dismissed.push(Dismissal {
            rule: Rule::ThankYouNote,
            interview: None,
            person: None,
            at: m("2026-11-21T09:00:00-06:00"),
            reason: "thanked in person".into(),
        });
        let d = data(p.clone(), vec![dismissed]);
        let s = get(
            &agenda(&d, "2026-11-23T09:00:00-06:00"),
            Rule::StatusCheck,
            None,
        )
        .clone();
        let usual = match policy {
            Policy::Conservative => "2026-12-07T09:00:00-06:00",
            Policy::Proactive => "2026-11-25T09:00:00-06:00",
        };
        assert_eq!(s.opens.to_string(), usual);
    }
}

#[test]
fn quiet_from_is_exact_with_lapses() {
    let e = engine_for(&us());
    // A rejection with no feedback call asked: quiet once that lapses.
    let app = rejected(vec![]);
    let q = e
        .quiet_from(&app)
        .expect("quiet once the feedback call lapses");
    assert_eq!(q, ts("2026-12-15T17:00:00-06:00"));
    assert!(
        !e.application_actions(&app, q - jiff::SignedDuration::from_mins(1))
            .is_empty()
    );
    assert!(e.application_actions(&app, q).is_empty());
    // An interview with nothing sent ends in move-on, which never lapses.
    assert_eq!(e.quiet_from(&acme()), None);
    // The holiday calendar moves the moment: without US holidays
    // Thanksgiving counts, so the lapse comes a day earlier.
    let none = engine_for(&profile("America/Chicago", HolidayCalendar::None));
    assert_eq!(none.quiet_from(&app), Some(ts("2026-12-14T17:00:00-06:00")));
}
