//! A realistic sample store, built relative to `now` so the agenda always
//! has something to show: a panel interview yesterday, a status check due,
//! a missed phone screen, a rejection with feedback and an interview next
//! week. Every demo application id starts with `demo-`.

use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};

use crate::calendar::BusinessCalendar;
use crate::exchange::parse_timezone;
use crate::model::*;

pub const DEMO_PREFIX: &str = "demo-";

/// The holiday calendar that most likely fits a time zone.
pub fn holidays_for_zone(tz: &str) -> HolidayCalendar {
    if tz.starts_with("America/") || tz.starts_with("US/") || tz == "Pacific/Honolulu" {
        HolidayCalendar::Us
    } else if tz == "Europe/London" {
        HolidayCalendar::GbEng
    } else {
        HolidayCalendar::None
    }
}

/// The demo profile and applications for someone in `timezone` at `now`.
pub fn dataset(now: Timestamp, timezone: &str) -> Result<Dataset, String> {
    let tz = parse_timezone(timezone)?;
    let profile = Profile {
        name: "Sam Rivera".into(),
        timezone: timezone.into(),
        holidays: Holidays {
            calendar: holidays_for_zone(timezone),
            extra: vec![],
        },
        policy: Policy::Conservative,
        emails: vec![],
    };
    let cal = BusinessCalendar::new(tz.clone(), profile.holidays.calendar, &[]);
    let at = |ts: Timestamp| Moment::in_zone(ts, &tz);
    // Round to the quarter hour so times look like real appointments.
    let quarter = |ts: Timestamp| {
        let s = ts.as_second();
        Timestamp::from_second(s - s.rem_euclid(900)).unwrap_or(ts)
    };
    let hours = |h: i64| SignedDuration::from_hours(h);
    let today = cal.local_date(now);

    let mut apps = Vec::new();

    // A panel yesterday: both thank-yous due, a slip they noticed, a
    // receptionist who helped.
    let mut panel = Application::new("demo-northwind", "Northwind Traders", "Data Analyst");
    panel.stage = Stage::Interviewing;
    panel.recruiter = RecruiterKind::Inside;
    let mut marie = Person::new("marie", "Marie Dubois", PersonKind::Interviewer);
    marie.title = Some("Analytics Lead".into());
    marie.email = Some("marie.dubois@northwind.example".into());
    marie.said = vec!["Expanding into APAC is the top priority for next year".into()];
    marie.prefers = Some(Prefers {
        channel: Some(Channel::Email),
        after: None,
    });
    let mut raj = Person::new("raj", "Raj Patel", PersonKind::Interviewer);
    raj.title = Some("Senior Data Engineer".into());
    raj.email = Some("raj.patel@northwind.example".into());
    raj.said = vec!["The warehouse is moving from nightly batches to streaming".into()];
    let mut desk = Person::new("dana", "Dana Lee", PersonKind::Receptionist);
    desk.email = Some("front.desk@northwind.example".into());
    panel.people = vec![marie, raj, desk];
    let mut iv = Interview::new("panel-1", at(quarter(now - hours(22))));
    iv.minutes = 90;
    iv.format = InterviewFormat::InPerson;
    iv.status = InterviewStatus::Done;
    iv.interviewers = vec!["marie".into(), "raj".into()];
    iv.also_met = vec!["dana".into()];
    iv.asked_questions = Some(true);
    iv.prepared = Prepared {
        research: true,
        questions: 4,
    };
    iv.slip_ups = vec![SlipUp {
        text: "Called Marie 'Mary' once".into(),
        noticed: true,
        apologized: false,
    }];
    iv.scheduled_at = Some(at(now - hours(24 * 9)));
    panel.interviews = vec![iv];
    apps.push(panel);

    // Waiting on Globex: thank-you sent ten business days ago, so the one
    // status check is due now; their news came in yesterday.
    // Anchor on the latest business day whose 09:00 has passed, so the
    // check is open (and not yet overdue) whenever the demo runs.
    let anchor = if cal.is_business_day(today) && now >= cal.at(today, 9, 0) {
        today
    } else {
        business_days_before(&cal, today, 1)
    };
    let sent_day = business_days_before(&cal, anchor, 10);
    let mut globex = Application::new("demo-globex", "Globex", "Business Intelligence Analyst");
    globex.stage = Stage::Interviewing;
    let mut lee = Person::new("lee", "Lee Chen", PersonKind::Interviewer);
    lee.email = Some("lee.chen@globex.example".into());
    lee.said = vec!["Their dashboards are rebuilt in-house this quarter".into()];
    globex.people = vec![lee];
    let mut giv = Interview::new("onsite", at(cal.at(sent_day, 10, 0)));
    giv.format = InterviewFormat::Video;
    giv.status = InterviewStatus::Done;
    giv.interviewers = vec!["lee".into()];
    giv.asked_questions = Some(true);
    giv.prepared = Prepared {
        research: true,
        questions: 3,
    };
    giv.reflection = Some(Reflection {
        went_well: "Clear story about the churn model".into(),
        change: "Prepare a shorter answer on weaknesses".into(),
        mistakes: vec!["Rambled on the weaknesses question".into()],
        missing_info: vec![],
        hardest_question: Some("Tell me about a project that failed".into()),
    });
    globex.interviews = vec![giv];
    globex.touches = vec![Touch {
        at: at(cal.at(sent_day, 16, 30)),
        person: Some("lee".into()),
        channel: Channel::Email,
        kind: TouchKind::ThankYou,
        replied_at: None,
        forced: false,
        note: None,
        message_id: None,
    }];
    globex.news = vec![News {
        on: today.yesterday().unwrap_or(today),
        text: "Globex announced a new analytics platform".into(),
    }];
    apps.push(globex);

    // A phone screen missed two hours ago.
    let mut initech = Application::new("demo-initech", "Initech", "Reporting Analyst");
    initech.stage = Stage::Screening;
    initech.recruiter = RecruiterKind::Outside;
    let mut bill = Person::new("bill", "Bill Lumbergh", PersonKind::Recruiter);
    bill.phone = Some("+1 555 0100".into());
    bill.email = Some("bill@initech.example".into());
    initech.people = vec![bill];
    let mut screen = Interview::new("screen", at(quarter(now - hours(2))));
    screen.minutes = 30;
    screen.format = InterviewFormat::Phone;
    screen.status = InterviewStatus::Missed;
    screen.interviewers = vec!["bill".into()];
    initech.interviews = vec![screen];
    apps.push(initech);

    // A rejection two days ago, with feedback to act on.
    let mut umbrella = Application::new("demo-umbrella", "Umbrella Health", "Data Analyst");
    umbrella.stage = Stage::Rejected;
    let mut ana = Person::new("ana", "Ana Souza", PersonKind::Interviewer);
    ana.email = Some("ana.souza@umbrella.example".into());
    ana.said = vec!["The team works closely with clinicians".into()];
    umbrella.people = vec![ana];
    let interviewed = business_days_before(&cal, today, 8);
    let mut uiv = Interview::new("final", at(cal.at(interviewed, 14, 0)));
    uiv.status = InterviewStatus::Done;
    uiv.interviewers = vec!["ana".into()];
    uiv.asked_questions = Some(true);
    uiv.reflection = Some(Reflection {
        went_well: "Good rapport with Ana".into(),
        change: "Practise SQL window functions".into(),
        mistakes: vec!["Rambled on the weaknesses question".into()],
        missing_info: vec!["Team size".into()],
        hardest_question: None,
    });
    umbrella.interviews = vec![uiv];
    umbrella.touches = vec![Touch {
        at: at(cal.at(interviewed, 18, 0)),
        person: Some("ana".into()),
        channel: Channel::Email,
        kind: TouchKind::ThankYou,
        replied_at: Some(at(cal.at(cal.add_business_days(interviewed, 1), 9, 0))),
        forced: false,
        note: None,
        message_id: None,
    }];
    umbrella.outcome = Some(Outcome {
        kind: OutcomeKind::Rejected,
        on: today
            .checked_sub(jiff::Span::new().days(2))
            .unwrap_or(today),
        feedback: vec![
            Feedback {
                text: "SQL exercise was slower than other candidates".into(),
                kind: None,
                positive: false,
                plan: None,
            },
            Feedback {
                text: "Strong communication with non-technical staff".into(),
                kind: Some(FeedbackKind::Behavior),
                positive: true,
                plan: None,
            },
        ],
        stay_in_touch: true,
        message_id: None,
    });
    apps.push(umbrella);

    // An interview next week, booked two days ago, not yet prepared.
    let mut hooli = Application::new("demo-hooli", "Hooli", "Product Analyst");
    hooli.stage = Stage::Interviewing;
    hooli.recruiter = RecruiterKind::Inside;
    let mut gavin = Person::new("gavin", "Gavin Belson", PersonKind::Interviewer);
    gavin.title = Some("Head of Product".into());
    let mut cora = Person::new("cora", "Cora Diaz", PersonKind::Coordinator);
    cora.email = Some("cora.diaz@hooli.example".into());
    hooli.people = vec![gavin, cora];
    let next_week = today
        .checked_add(jiff::Span::new().days(7))
        .unwrap_or(today);
    let mut hiv = Interview::new("onsite", at(cal.at(next_week, 14, 0)));
    hiv.format = InterviewFormat::InPerson;
    hiv.interviewers = vec!["gavin".into()];
    hiv.prepared = Prepared {
        research: false,
        questions: 1,
    };
    hiv.scheduled_at = Some(at(now - hours(48)));
    hooli.interviews = vec![hiv];
    hooli.research = vec![ResearchFact {
        fact: "Hooli is launching a compression product in Europe".into(),
        contribution: None,
    }];
    apps.push(hooli);

    Ok(Dataset {
        format: FORMAT_TAG.into(),
        profile,
        applications: apps,
    })
}

/// The business day `n` business days before `d` (counting back).
fn business_days_before(cal: &BusinessCalendar, d: Date, n: u32) -> Date {
    let mut day = d;
    let mut left = n;
    while left > 0 {
        day = day.yesterday().unwrap_or(day);
        if cal.is_business_day(day) {
            left -= 1;
        }
    }
    day
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Engine, State};
    use crate::rules::Rule;

    #[test]
    fn the_demo_is_valid_and_shows_the_promised_situations() {
        for (now, tz) in [
            ("2026-11-22T15:00:00Z", "America/Chicago"),
            ("2026-07-01T09:30:00Z", "Europe/London"),
            ("2026-03-09T12:00:00Z", "Asia/Tokyo"),
            ("2026-11-22T00:30:00Z", "Etc/UTC"),
            ("2026-11-23T13:00:00Z", "America/New_York"),
        ] {
            let now: Timestamp = now.parse().expect("ts");
            let d = dataset(now, tz).expect("demo");
            crate::exchange::validate(&d).expect("valid demo");
            let a = Engine::new(&d.profile).expect("engine").agenda(&d, now);
            let has = |r: Rule, s: Option<State>| {
                a.actions
                    .iter()
                    .any(|x| x.rule == r && s.is_none_or(|s| x.state == s))
            };
            assert!(
                has(Rule::ThankYouNote, Some(State::Due)),
                "{tz}: thank-yous due"
            );
            assert!(
                has(Rule::StatusCheck, Some(State::Due)),
                "{tz}: status check due"
            );
            assert!(
                has(Rule::MissedInterviewRecovery, None),
                "{tz}: missed screen"
            );
            assert!(has(Rule::RequestFeedbackCall, None), "{tz}: feedback call");
            assert!(
                has(Rule::PrepareResearch, None),
                "{tz}: next week's interview"
            );
            assert!(has(Rule::ApologizeSlip, None), "{tz}: slip-up");
        }
    }
}
