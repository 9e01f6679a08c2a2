//! A heavy user's store, built deterministically from a seed.
//!
//! The shape follows how a long job search looks: applications spread over
//! two years, most of them long finished (an outcome, or abandoned), a few
//! hundred still in play with interviews ahead. Every application has the
//! same number of interviews and touches, so the totals are exact
//! (10,000 × 5 = 50,000 interviews, 10,000 × 20 = 200,000 touches).

use debrief_core::model::{
    Application, Channel, Dataset, Dismissal, FORMAT_TAG, Feedback, FeedbackKind, HolidayCalendar,
    Holidays, Interview, InterviewFormat, InterviewStatus, LearningPlan, Moment, News, Outcome,
    OutcomeKind, Person, PersonId, PersonKind, Policy, Prefers, Prepared, Profile, RecruiterKind,
    Reflection, ResearchFact, SlipUp, Stage, Touch, TouchKind,
};
use debrief_core::rules::Rule;
use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ToSpan};

/// The profile's zone; the agenda benchmark's `--now` is read in it.
pub const TIMEZONE: &str = "America/Chicago";

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    pub apps: usize,
    pub interviews_per_app: usize,
    pub touches_per_app: usize,
    pub seed: u64,
    /// Every application still in play and waiting for its thank-yous: no
    /// outcome, no thank-you sent, nothing dismissed (the agenda's worst
    /// case: every application acts).
    pub all_active: bool,
}

/// xorshift64*: small, fast and the same on every platform.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        // A zero state would stay zero; mix the seed so 0 and 1 both work.
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `0..n` (`n > 0`; the modulo bias is irrelevant here).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        let span = u64::try_from(hi - lo + 1).unwrap_or(1);
        lo + i64::try_from(self.below(span)).unwrap_or(0)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        let i = usize::try_from(self.below(items.len() as u64)).unwrap_or(0);
        &items[i]
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    /// Picks by weight: `items` are `(weight, value)`.
    fn weighted<T: Copy>(&mut self, items: &[(u64, T)]) -> T {
        let total: u64 = items.iter().map(|(w, _)| w).sum();
        let mut roll = self.below(total);
        for &(w, v) in items {
            if roll < w {
                return v;
            }
            roll -= w;
        }
        items[items.len() - 1].1
    }
}

const FIRST: &[&str] = &[
    "Marie", "Raj", "Sam", "Aiko", "Lars", "Fatima", "José", "Chloé", "Wei", "Olu", "Priya",
    "Tomás", "Ingrid", "Kwame", "Sofia", "Dmitri", "Hana", "Liam", "Amara", "Noah",
];
const LAST: &[&str] = &[
    "Dubois", "Patel", "Rivera", "Tanaka", "Nilsson", "Haddad", "García", "Müller", "Chen",
    "Adeyemi", "O'Brien", "Kowalski", "Nguyen", "Silva", "Okafor", "Jensen", "Rossi", "Kim",
];
const COMPANIES: &[&str] = &[
    "Acme",
    "Globex",
    "Initech",
    "Umbrella",
    "Hooli",
    "Stark",
    "Wayne",
    "Tyrell",
    "Cyberdyne",
    "Soylent",
    "Northwind",
    "Contoso",
    "Fabrikam",
    "Vandelay",
    "Wonka",
    "Aperture",
    "Massive",
    "Oscorp",
    "Pied Piper",
    "Dunder Mifflin",
];
const SUFFIXES: &[&str] = &[
    "Industries",
    "Labs",
    "Health",
    "Analytics",
    "Systems",
    "Group",
    "Logistics",
    "Bank",
    "Media",
    "Energy",
];
const ROLES: &[&str] = &[
    "Data Analyst",
    "Backend Engineer",
    "Product Manager",
    "Site Reliability Engineer",
    "Product Designer",
    "Business Intelligence Analyst",
    "Data Engineer",
    "Engineering Manager",
];
const TITLES: &[&str] = &[
    "Analytics Lead",
    "Senior Data Engineer",
    "Head of Product",
    "Staff Engineer",
    "Director of Engineering",
    "Talent Partner",
];
const SAID: &[&str] = &[
    "Expanding into APAC is the top priority for next year",
    "The warehouse is moving from nightly batches to streaming",
    "We hire for curiosity more than for tools",
    "Decisions usually come within two weeks",
    "The team doubled this year and onboarding is the bottleneck",
    "They are rebuilding the dashboards in-house this quarter",
    "On-call is one week in six",
    "The role reports to the VP of Data",
];
const SLIPS: &[&str] = &[
    "Called the interviewer by the wrong name once",
    "Arrived ten minutes late",
    "Misremembered the company's main product",
];
const WENT_WELL: &[&str] = &[
    "Clear story about the churn model",
    "Good rapport with the panel",
    "Whiteboard exercise went smoothly",
];
const CHANGE: &[&str] = &[
    "Prepare a shorter answer on weaknesses",
    "Practise SQL window functions",
    "Ask about the team's roadmap earlier",
];
const FEEDBACK: &[&str] = &[
    "SQL exercise was slower than other candidates",
    "Strong communication with non-technical staff",
    "Would like more depth on system design",
    "Great questions about the roadmap",
];
const NEWS: &[&str] = &[
    "announced a new analytics platform",
    "closed a Series C round",
    "opened an office in Denver",
    "won an industry award for its data team",
];
const NOTES: &[&str] = &[
    "Thanks again for walking me through the roadmap.",
    "Following up on our conversation about the migration.",
    "Sharing the article on streaming pipelines I mentioned.",
];

/// Builds the whole dataset.
pub fn dataset(shape: Shape, now: Timestamp) -> Result<Dataset, String> {
    let tz = TimeZone::get(TIMEZONE).map_err(|e| format!("time zone {TIMEZONE}: {e}"))?;
    let today = tz.to_datetime(now).date();
    let mut g = Gen {
        rng: Rng::new(shape.seed),
        tz,
        now,
        today,
    };
    let profile = Profile {
        name: "Sam Rivera".into(),
        timezone: TIMEZONE.into(),
        holidays: Holidays {
            calendar: HolidayCalendar::Us,
            extra: vec![
                Date::new(2026, 12, 24).map_err(|e| e.to_string())?,
                Date::new(2026, 12, 31).map_err(|e| e.to_string())?,
            ],
        },
        policy: Policy::Conservative,
        emails: vec![],
    };
    let applications = (0..shape.apps)
        .map(|i| g.application(i, shape))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Dataset {
        format: FORMAT_TAG.into(),
        profile,
        applications,
    })
}

struct Gen {
    rng: Rng,
    tz: TimeZone,
    now: Timestamp,
    today: Date,
}

impl Gen {
    fn moment(&self, ts: Timestamp) -> Moment {
        Moment::in_zone(ts, &self.tz)
    }

    /// `hour:minute` on `d`, in the profile's zone.
    fn at(&self, d: Date, hour: i8, minute: i8) -> Result<Timestamp, String> {
        self.tz
            .to_ambiguous_timestamp(d.at(hour, minute, 0, 0))
            .compatible()
            .map_err(|e| format!("{d} {hour}:{minute}: {e}"))
    }

    fn days(d: Date, n: i64) -> Result<Date, String> {
        d.checked_add(n.days()).map_err(|e| e.to_string())
    }

    /// The next weekday on or after `d`.
    fn weekday_from(d: Date) -> Result<Date, String> {
        match d.weekday() {
            Weekday::Saturday => Gen::days(d, 2),
            Weekday::Sunday => Gen::days(d, 1),
            _ => Ok(d),
        }
    }

    fn hours(h: i64) -> SignedDuration {
        SignedDuration::from_hours(h)
    }

    fn name(&mut self) -> String {
        format!("{} {}", self.rng.pick(FIRST), self.rng.pick(LAST))
    }

    fn application(&mut self, i: usize, shape: Shape) -> Result<Application, String> {
        let r = &mut self.rng;
        let company = format!("{} {}", r.pick(COMPANIES), r.pick(SUFFIXES));
        let mut app = Application::new(format!("app-{i:05}"), company, *r.pick(ROLES));
        app.urgent = r.chance(5);
        app.recruiter = r.weighted(&[
            (50, RecruiterKind::Inside),
            (20, RecruiterKind::Outside),
            (30, RecruiterKind::None),
        ]);
        app.policy = r.chance(10).then_some(Policy::Proactive);
        let domain = format!(
            "{}.example",
            app.company.to_lowercase().replace([' ', '\''], "")
        );
        // Applied some day in the last two years; recent ones still have
        // interviews ahead.
        let applied = Gen::days(self.today, -r.range(0, 730))?;

        // People: a recruiter or coordinator (usually), then interviewers,
        // sometimes a receptionist met on site.
        let n_people = usize::try_from(self.rng.range(2, 4)).unwrap_or(2);
        let mut people = Vec::with_capacity(n_people);
        for j in 0..n_people {
            let kind = if j == 0 && self.rng.chance(70) {
                *self.rng.pick(&[
                    PersonKind::Recruiter,
                    PersonKind::Coordinator,
                    PersonKind::Hr,
                ])
            } else if j == n_people - 1 && j >= 2 && self.rng.chance(25) {
                PersonKind::Receptionist
            } else {
                PersonKind::Interviewer
            };
            let name = self.name();
            let mut p = Person::new(format!("p{j}"), name.clone(), kind);
            let handle = name.to_lowercase().replace([' ', '\''], ".");
            p.email = self.rng.chance(90).then(|| format!("{handle}@{domain}"));
            if kind == PersonKind::Interviewer {
                p.title = Some((*self.rng.pick(TITLES)).into());
                // Most interviewers' words get captured; a few never are.
                let said = if self.rng.chance(92) {
                    self.rng.range(1, 2)
                } else {
                    0
                };
                p.said = (0..said)
                    .map(|_| (*self.rng.pick(SAID)).to_string())
                    .collect();
                if self.rng.chance(10) {
                    p.mailing_address = Some(format!("{} Main St, Chicago IL", 100 + j));
                }
            } else if self.rng.chance(40) {
                p.phone = Some(format!("+1 555 01{:02}", self.rng.below(100)));
            }
            people.push(p);
        }
        // Make sure someone can interview.
        if !people.iter().any(|p| p.kind == PersonKind::Interviewer)
            && let Some(last) = people.last_mut()
        {
            last.kind = PersonKind::Interviewer;
        }
        let interviewers: Vec<PersonId> = people
            .iter()
            .filter(|p| p.kind == PersonKind::Interviewer)
            .map(|p| p.id.clone())
            .collect();
        let staff: Vec<PersonId> = people
            .iter()
            .filter(|p| p.kind != PersonKind::Interviewer)
            .map(|p| p.id.clone())
            .collect();

        // Interviews: a few days apart, on weekdays, in office hours.
        let mut day = Gen::days(applied, self.rng.range(3, 14))?;
        for k in 0..shape.interviews_per_app {
            day = Gen::weekday_from(day)?;
            let hour = i8::try_from(self.rng.range(9, 16)).unwrap_or(10);
            let minute = *self.rng.pick(&[0, 15, 30, 45]);
            let start = self.at(day, hour, minute)?;
            let mut iv = Interview::new(format!("i{k}"), self.moment(start));
            iv.minutes = *self.rng.pick(&[30, 45, 60, 60, 90, 120]);
            iv.format = self.rng.weighted(&[
                (25, InterviewFormat::Phone),
                (50, InterviewFormat::Video),
                (25, InterviewFormat::InPerson),
            ]);
            let panel = interviewers.len() > 1 && self.rng.chance(30);
            let first = self.rng.pick(&interviewers).clone();
            iv.interviewers = if panel {
                interviewers.clone()
            } else {
                vec![first]
            };
            if iv.format == InterviewFormat::InPerson && !staff.is_empty() && self.rng.chance(40) {
                iv.also_met = vec![self.rng.pick(&staff).clone()];
            }
            let booked = start - Gen::hours(24 * self.rng.range(2, 14));
            iv.scheduled_at = Some(self.moment(booked));
            let past = iv.end() <= self.now;
            if past {
                iv.status = self.rng.weighted(&[
                    (85, InterviewStatus::Done),
                    (5, InterviewStatus::Missed),
                    (5, InterviewStatus::Cancelled),
                    (5, InterviewStatus::Scheduled),
                ]);
                iv.prepared = Prepared {
                    research: self.rng.chance(90),
                    questions: u32::try_from(self.rng.range(1, 5)).unwrap_or(3),
                };
                if iv.status == InterviewStatus::Done {
                    iv.asked_questions = Some(self.rng.chance(95));
                    iv.disrupted = self.rng.chance(2);
                    if self.rng.chance(8) {
                        iv.slip_ups = vec![SlipUp {
                            text: (*self.rng.pick(SLIPS)).into(),
                            noticed: self.rng.chance(60),
                            apologized: self.rng.chance(50),
                        }];
                    }
                    if self.rng.chance(80) {
                        iv.reflection = Some(Reflection {
                            went_well: (*self.rng.pick(WENT_WELL)).into(),
                            change: (*self.rng.pick(CHANGE)).into(),
                            mistakes: vec![],
                            missing_info: vec![],
                            hardest_question: self
                                .rng
                                .chance(30)
                                .then(|| "Tell me about a project that failed".into()),
                        });
                    }
                }
            } else {
                iv.prepared = Prepared {
                    research: self.rng.chance(40),
                    questions: u32::try_from(self.rng.range(0, 4)).unwrap_or(0),
                };
            }
            app.interviews.push(iv);
            day = Gen::days(day, self.rng.range(2, 10))?;
        }

        let last_end = app
            .interviews
            .iter()
            .map(Interview::end)
            .max()
            .unwrap_or(self.now);
        let held: Vec<usize> = app
            .interviews
            .iter()
            .enumerate()
            .filter(|(_, iv)| iv.status == InterviewStatus::Done)
            .map(|(k, _)| k)
            .collect();

        // Some people name a date to wait for, after the last interview.
        for p in &mut people {
            if p.kind != PersonKind::Receptionist && self.rng.chance(15) {
                let base = self.tz.to_datetime(last_end).date();
                p.prefers = Some(Prefers {
                    channel: self.rng.chance(50).then(|| {
                        *self
                            .rng
                            .pick(&[Channel::Email, Channel::Phone, Channel::Message])
                    }),
                    after: self
                        .rng
                        .chance(70)
                        .then(|| Gen::days(base, self.rng.range(5, 15)))
                        .transpose()?,
                });
            }
        }
        app.people = people;

        // Outcome: applications whose last interview is a month gone are
        // mostly settled; the rest are still waiting or in play.
        let settled = last_end + Gen::hours(24 * 30) < self.now;
        if settled && self.rng.chance(97) {
            let kind = self.rng.weighted(&[
                (55, OutcomeKind::Rejected),
                (25, OutcomeKind::NoResponse),
                (10, OutcomeKind::Offer),
                (10, OutcomeKind::Withdrawn),
            ]);
            app.stage = match kind {
                OutcomeKind::Rejected => Stage::Rejected,
                OutcomeKind::Withdrawn => Stage::Withdrawn,
                OutcomeKind::NoResponse => Stage::Closed,
                OutcomeKind::Offer => Stage::Offer,
            };
            let on = Gen::days(self.tz.to_datetime(last_end).date(), self.rng.range(5, 25))?
                .min(self.today);
            let mut feedback = Vec::new();
            if kind == OutcomeKind::Rejected && self.rng.chance(40) {
                for _ in 0..self.rng.range(1, 3) {
                    let kind = self.rng.weighted(&[
                        (5, None),
                        (45, Some(FeedbackKind::Behavior)),
                        (50, Some(FeedbackKind::Skill)),
                    ]);
                    let plan = (kind == Some(FeedbackKind::Skill) && self.rng.chance(90))
                        .then(|| -> Result<LearningPlan, String> {
                            Ok(LearningPlan {
                                step: "Work through a system design course".into(),
                                by: Gen::days(on, 30)?,
                            })
                        })
                        .transpose()?;
                    feedback.push(Feedback {
                        text: (*self.rng.pick(FEEDBACK)).into(),
                        kind,
                        positive: self.rng.chance(35),
                        plan,
                    });
                }
            }
            app.outcome = Some(Outcome {
                kind,
                on,
                feedback,
                stay_in_touch: self.rng.chance(30),
                message_id: None,
            });
        } else {
            app.stage = if held.is_empty() {
                Stage::Screening
            } else {
                Stage::Interviewing
            };
        }

        let closing = self.closing_touches(&app)?;
        app.touches = self.touches(&app, applied, last_end, closing, shape.touches_per_app)?;
        if app
            .outcome
            .as_ref()
            .is_some_and(|o| o.kind == OutcomeKind::Offer)
            && self.rng.chance(90)
            && let Some(o) = &app.outcome
        {
            let at = self.at(o.on, 18, 0)?.min(self.now);
            app.dismissed.push(Dismissal {
                rule: Rule::NegotiateAfterOffer,
                interview: None,
                person: None,
                at: self.moment(at),
                reason: "Negotiated on the phone".into(),
            });
        }

        if self.rng.chance(20) {
            for _ in 0..self.rng.range(1, 2) {
                let on = Gen::days(applied, self.rng.range(0, 60))?.min(self.today);
                let text = format!("{} {}", app.company, self.rng.pick(NEWS));
                app.news.push(News { on, text });
            }
        }
        if app.interviews.iter().any(|iv| iv.end() > self.now) && self.rng.chance(50) {
            for _ in 0..self.rng.range(1, 2) {
                app.research.push(ResearchFact {
                    fact: format!("{} is hiring across the data team", app.company),
                    contribution: self
                        .rng
                        .chance(50)
                        .then(|| "I led a similar migration".into()),
                });
            }
        }
        if let Some(&k) = held.first()
            && self.rng.chance(5)
        {
            app.dismissed.push(Dismissal {
                rule: Rule::Reflect,
                interview: Some(app.interviews[k].id.clone()),
                person: None,
                at: self.moment(app.interviews[k].end() + Gen::hours(30)),
                reason: "Reflected in my notebook".into(),
            });
        }
        if shape.all_active {
            app.outcome = None;
            app.stage = Stage::Interviewing;
            app.dismissed.clear();
            app.touches.retain(|t| t.kind != TouchKind::ThankYou);
        }
        Ok(app)
    }

    /// What a diligent user logs after an outcome: the feedback request
    /// after a rejection, the three questions after praise, and a recent
    /// note where they agreed to stay in touch. Most, not all: the rest is
    /// the backlog the agenda shows.
    fn closing_touches(&mut self, app: &Application) -> Result<Vec<Touch>, String> {
        let Some(o) = &app.outcome else {
            return Ok(vec![]);
        };
        let person = app
            .people
            .iter()
            .find(|p| p.kind == PersonKind::Interviewer)
            .map(|p| p.id.clone());
        let mut out = Vec::new();
        let mut log = |g: &mut Gen, at: Timestamp, kind: TouchKind| {
            out.push(Touch {
                at: g.moment(at.min(g.now)),
                person: person.clone(),
                channel: Channel::Email,
                kind,
                replied_at: None,
                forced: false,
                note: None,
                message_id: None,
            });
        };
        let lag = self.rng.range(0, 2);
        let after = self.at(Gen::days(o.on, lag)?, 10, 30)?;
        if o.kind == OutcomeKind::Rejected && self.rng.chance(92) {
            log(self, after, TouchKind::FeedbackRequest);
        }
        if o.feedback.iter().any(|f| f.positive) && self.rng.chance(90) {
            log(self, after + Gen::hours(1), TouchKind::Questions);
        }
        if o.stay_in_touch {
            let on = self.at(o.on, 12, 0)?;
            let recent = self.now - Gen::hours(24 * self.rng.range(1, 45));
            log(self, recent.max(on), TouchKind::Content);
        }
        Ok(out)
    }

    /// Exactly `n` touches: those `closing` an outcome, a thank-you to most
    /// interviewers after each held interview, then the rest of a long
    /// correspondence, in time order, never after `now`. About a third get
    /// a reply.
    fn touches(
        &mut self,
        app: &Application,
        applied: Date,
        last_end: Timestamp,
        closing: Vec<Touch>,
        n: usize,
    ) -> Result<Vec<Touch>, String> {
        let mut out: Vec<Touch> = Vec::with_capacity(n);
        out.extend(closing.into_iter().take(n));
        for iv in &app.interviews {
            if iv.status != InterviewStatus::Done {
                continue;
            }
            for pid in &iv.interviewers {
                let at = iv.end() + Gen::hours(self.rng.range(1, 20));
                if out.len() < n && at <= self.now && self.rng.chance(90) {
                    let letter = iv.format == InterviewFormat::InPerson && self.rng.chance(10);
                    out.push(Touch {
                        at: self.moment(at),
                        person: Some(pid.clone()),
                        channel: if letter {
                            Channel::Letter
                        } else {
                            Channel::Email
                        },
                        kind: TouchKind::ThankYou,
                        replied_at: None,
                        forced: false,
                        note: self
                            .rng
                            .chance(30)
                            .then(|| (*self.rng.pick(NOTES)).to_string()),
                        message_id: None,
                    });
                }
            }
        }
        let lo = self.at(applied, 8, 0)?;
        let hi = (last_end + Gen::hours(24 * 20)).min(self.now).max(lo);
        let window = hi.duration_since(lo).as_secs().max(1);
        while out.len() < n {
            let at = lo + SignedDuration::from_secs(self.rng.range(0, window));
            let kind = self.rng.weighted(&[
                (35, TouchKind::Other),
                (15, TouchKind::StatusCheck),
                (12, TouchKind::Content),
                (10, TouchKind::Questions),
                (6, TouchKind::Congratulate),
                (5, TouchKind::FeedbackRequest),
                (3, TouchKind::Explain),
                (3, TouchKind::Recovery),
                (11, TouchKind::ThankYou),
            ]);
            let person = self
                .rng
                .chance(85)
                .then(|| self.rng.pick(&app.people).id.clone());
            let channel = self.rng.weighted(&[
                (70, Channel::Email),
                (15, Channel::Phone),
                (10, Channel::Message),
                (3, Channel::InPerson),
                (2, Channel::Letter),
            ]);
            out.push(Touch {
                at: self.moment(at),
                person,
                channel,
                kind,
                replied_at: None,
                forced: kind == TouchKind::StatusCheck && self.rng.chance(3),
                note: None,
                message_id: None,
            });
        }
        out.sort_by_key(|t| t.at);
        for t in &mut out {
            if self.rng.chance(33) {
                let reply = t.at.ts + Gen::hours(self.rng.range(1, 72));
                if reply <= self.now {
                    t.replied_at = Some(self.moment(reply));
                }
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Timestamp {
        "2026-11-22T15:00:00Z".parse().expect("now")
    }

    #[test]
    fn a_small_dataset_is_valid_exact_and_deterministic() {
        let shape = Shape {
            apps: 200,
            interviews_per_app: 5,
            touches_per_app: 20,
            seed: 1,
            all_active: false,
        };
        let d = dataset(shape, now()).expect("generate");
        debrief_core::exchange::validate(&d).expect("valid");
        assert_eq!(d.applications.len(), 200);
        assert!(d.applications.iter().all(|a| a.interviews.len() == 5));
        assert!(d.applications.iter().all(|a| a.touches.len() == 20));
        assert!(
            d.applications
                .iter()
                .all(|a| (2..=4).contains(&a.people.len()))
        );
        assert_eq!(d, dataset(shape, now()).expect("again"));
        let other = dataset(Shape { seed: 2, ..shape }, now()).expect("seed 2");
        assert_ne!(d, other);
    }

    #[test]
    fn the_dataset_round_trips_through_the_exchange_parser() {
        let shape = Shape {
            apps: 50,
            interviews_per_app: 5,
            touches_per_app: 20,
            seed: 7,
            all_active: false,
        };
        let d = dataset(shape, now()).expect("generate");
        let text = serde_json::to_string(&d).expect("json");
        let back = debrief_core::exchange::parse(&text).expect("parse");
        assert_eq!(back, d);
    }

    #[test]
    fn the_engine_finds_work_in_it() {
        let shape = Shape {
            apps: 300,
            interviews_per_app: 5,
            touches_per_app: 20,
            seed: 1,
            all_active: false,
        };
        let d = dataset(shape, now()).expect("generate");
        let engine = debrief_core::engine::Engine::new(&d.profile).expect("engine");
        let agenda = engine.agenda(&d, now());
        assert!(!agenda.actions.is_empty());
        // Both past and future interviews exist.
        let all = d.applications.iter().flat_map(|a| &a.interviews);
        assert!(all.clone().any(|iv| iv.start.ts > now()));
        assert!(all.clone().any(|iv| iv.status == InterviewStatus::Done));
    }

    /// The promise `load_active` relies on: an application quiet from `t`
    /// yields nothing at any later moment, and the parallel agenda equals
    /// the one computed application by application.
    #[test]
    fn quiet_applications_stay_quiet_and_the_parallel_agenda_is_exact() {
        use debrief_core::engine::Engine;
        let shape = Shape {
            apps: 2_500,
            interviews_per_app: 5,
            touches_per_app: 20,
            seed: 3,
            all_active: false,
        };
        let d = dataset(shape, now()).expect("generate");
        let engine = Engine::new(&d.profile).expect("engine");
        let mut quiet = 0;
        for app in &d.applications {
            let Some(from) = engine.quiet_from(app) else {
                continue;
            };
            quiet += 1;
            for days in [0, 1, 3, 11, 45, 200, 800] {
                let at = from + SignedDuration::from_hours(24 * days);
                assert!(
                    engine.application_actions(app, at).is_empty(),
                    "{} is quiet from {from} but acts at {at}",
                    app.id
                );
            }
        }
        assert!(
            quiet > 100 && quiet < d.applications.len(),
            "quiet: {quiet}"
        );

        // 2,500 applications run on several threads; one by one must agree.
        let agenda = engine.agenda(&d, now());
        let mut one_by_one: Vec<_> = d
            .applications
            .iter()
            .flat_map(|a| engine.application_actions(a, now()))
            .collect();
        let mut sorted = agenda.actions.clone();
        let key = |a: &debrief_core::engine::Action| {
            (
                a.state,
                a.due,
                a.opens,
                a.rule,
                a.application.clone(),
                a.interview.clone(),
                a.person.clone(),
                a.why.clone(),
            )
        };
        one_by_one.sort_by_key(key);
        sorted.sort_by_key(key);
        assert_eq!(sorted, one_by_one);
        assert!(agenda.actions.windows(2).all(|w| key(&w[0]) <= key(&w[1])));
    }

    #[test]
    fn an_all_active_dataset_waits_on_every_application() {
        let shape = Shape {
            apps: 100,
            interviews_per_app: 5,
            touches_per_app: 20,
            seed: 1,
            all_active: true,
        };
        let d = dataset(shape, now()).expect("generate");
        debrief_core::exchange::validate(&d).expect("valid");
        assert!(
            d.applications
                .iter()
                .all(|a| a.is_active() && a.outcome.is_none())
        );
        assert!(
            d.applications
                .iter()
                .flat_map(|a| &a.touches)
                .all(|t| t.kind != TouchKind::ThankYou)
        );
    }
}
