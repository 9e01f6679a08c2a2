//! Activity and learning (PLAYBOOK §6): the funnel, thank-you timeliness,
//! replies by channel and cadence, and mistakes that recur across
//! reflections.

use std::collections::BTreeMap;

use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use crate::engine::Engine;
use crate::model::{AppId, Application, Channel, Dataset, InterviewStatus, Stage, TouchKind};
use crate::rules::Rule;

#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Stats {
    pub applications: usize,
    pub interviews_held: usize,
    /// Applications per stage, in pipeline order (every stage listed).
    pub funnel: Vec<StageCount>,
    pub thank_yous: ThankYouStats,
    pub replies_by_channel: Vec<ReplyRate>,
    pub replies_by_kind: Vec<ReplyRate>,
    /// Mistakes named in two or more reflections, most frequent first.
    pub recurring_mistakes: Vec<Recurring>,
    /// Windows that passed with nothing done (PLAYBOOK `lapse`), per local
    /// month of the lapse, oldest first; empty from [`compute`], filled by
    /// [`compute_at`].
    pub missed: Vec<MissedMonth>,
}

/// The actions that lapsed in one month (PLAYBOOK `lapse`).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct MissedMonth {
    /// `2026-11`, in the profile's zone.
    pub month: String,
    pub total: usize,
    /// Thank-you notes never sent in time (`thank-you-note`).
    pub thank_yous: usize,
    /// Reflections skipped (`reflect`).
    pub reflections: usize,
    /// Every rule that lapsed, by rule id.
    pub by_rule: BTreeMap<String, usize>,
}

#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct StageCount {
    pub stage: Stage,
    pub count: usize,
    /// Applications that reached at least this stage (applied ⊇ screening ⊇ …).
    pub reached: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ThankYouStats {
    /// Interviewers owed a note (held interviews × interviewers).
    pub owed: usize,
    pub sent: usize,
    pub within_24h: usize,
    /// `within_24h / owed`, 0 when nothing was owed.
    pub share_within_24h: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ReplyRate {
    pub key: String,
    pub sent: usize,
    pub replied: usize,
    pub rate: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Recurring {
    pub mistake: String,
    pub times: usize,
    pub applications: Vec<AppId>,
}

/// How far an application got: a rejection after interviews still counts
/// as having reached the interviewing stage.
fn depth(stage: Stage, held: bool, offered: bool) -> usize {
    let base = match stage {
        Stage::Applied => 0,
        Stage::Screening => 1,
        Stage::Interviewing => 2,
        Stage::Offer => 3,
        Stage::Rejected | Stage::Withdrawn | Stage::Closed => 0,
    };
    let base = if held { base.max(2) } else { base };
    if offered { 3 } else { base }
}

fn rate(sent: usize, replied: usize) -> f64 {
    if sent == 0 {
        0.0
    } else {
        replied as f64 / sent as f64
    }
}

/// Normalizes a mistake for counting: case, punctuation and spacing.
fn mistake_key(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                ' '
            }
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Each interviewer owed a thank-you for a held interview of `app`, in
/// order: how long after the interview ended the first note to them went
/// (`None`: none yet). The one definition of "on time" (within 24 h of the
/// end) that [`ThankYouStats`] counts and a coach's cohort takes its
/// median delay from.
pub fn thank_you_delays(app: &Application) -> Vec<Option<SignedDuration>> {
    let mut out = Vec::new();
    for iv in app
        .interviews
        .iter()
        .filter(|i| i.status == InterviewStatus::Done)
    {
        let end = iv.end();
        for pid in &iv.interviewers {
            let first = app
                .touches
                .iter()
                .filter(|t| {
                    t.kind == TouchKind::ThankYou
                        && t.person.as_deref() == Some(pid)
                        && t.at.ts >= iv.start.ts
                })
                .min_by_key(|t| t.at);
            out.push(first.map(|t| t.at.ts.duration_since(end)));
        }
    }
    out
}

/// [`compute`] plus the windows missed as of `now` (`missed`), counted
/// with the profile's business calendar.
pub fn compute_at(d: &Dataset, now: Timestamp) -> Stats {
    let mut tally = Tally::at(&d.profile, now);
    for app in &d.applications {
        tally.add(app);
    }
    tally.finish()
}

pub fn compute(d: &Dataset) -> Stats {
    let mut tally = Tally::default();
    for app in &d.applications {
        tally.add(app);
    }
    tally.finish()
}

/// [`Stats`] gathered one application at a time, so a store can be read
/// as a stream: what [`compute`] and [`compute_at`] do over a dataset.
#[derive(Default)]
pub struct Tally {
    applications: usize,
    counts: BTreeMap<Stage, usize>,
    reached: [usize; 4],
    interviews_held: usize,
    owed: usize,
    sent: usize,
    within: usize,
    by_channel: BTreeMap<Channel, (usize, usize)>,
    by_kind: BTreeMap<TouchKind, (usize, usize)>,
    mistakes: BTreeMap<String, (String, usize, Vec<AppId>)>,
    /// The engine and moment the missed windows are counted at, if any.
    missed_at: Option<(Engine, Timestamp)>,
    lapses: Vec<crate::engine::Lapse>,
    months: BTreeMap<String, MissedMonth>,
}

impl Tally {
    /// A tally that also counts the windows missed as of `now`
    /// ([`compute_at`]); without a usable calendar, only the rest.
    pub fn at(profile: &crate::model::Profile, now: Timestamp) -> Tally {
        Tally {
            missed_at: Engine::new(profile).ok().map(|e| (e, now)),
            ..Tally::default()
        }
    }

    pub fn add(&mut self, app: &Application) {
        self.applications += 1;
        *self.counts.entry(app.stage).or_default() += 1;
        let held_any = app
            .interviews
            .iter()
            .any(|i| i.status == InterviewStatus::Done);
        let offered = app
            .outcome
            .as_ref()
            .is_some_and(|o| o.kind == crate::model::OutcomeKind::Offer);
        for slot in self
            .reached
            .iter_mut()
            .take(depth(app.stage, held_any, offered) + 1)
        {
            *slot += 1;
        }
        for delay in thank_you_delays(app) {
            self.owed += 1;
            if let Some(delay) = delay {
                self.sent += 1;
                if delay <= SignedDuration::from_hours(24) {
                    self.within += 1;
                }
            }
        }
        for iv in app
            .interviews
            .iter()
            .filter(|i| i.status == InterviewStatus::Done)
        {
            self.interviews_held += 1;
            for m in iv.reflection.iter().flat_map(|r| &r.mistakes) {
                let key = mistake_key(m);
                if key.is_empty() {
                    continue;
                }
                let e = self
                    .mistakes
                    .entry(key)
                    .or_insert_with(|| (m.trim().to_string(), 0, vec![]));
                e.1 += 1;
                if !e.2.contains(&app.id) {
                    e.2.push(app.id.clone());
                }
            }
        }
        for t in &app.touches {
            let replied = usize::from(t.replied_at.is_some());
            let c = self.by_channel.entry(t.channel).or_default();
            c.0 += 1;
            c.1 += replied;
            let k = self.by_kind.entry(t.kind).or_default();
            k.0 += 1;
            k.1 += replied;
        }
        if let Some((engine, now)) = &self.missed_at {
            engine.lapsed_into(app, *now, &mut self.lapses);
            for lapse in self.lapses.drain(..) {
                let month = lapse
                    .at
                    .to_zoned(engine.calendar().tz().clone())
                    .strftime("%Y-%m")
                    .to_string();
                let m = self
                    .months
                    .entry(month.clone())
                    .or_insert_with(|| MissedMonth {
                        month,
                        total: 0,
                        thank_yous: 0,
                        reflections: 0,
                        by_rule: BTreeMap::new(),
                    });
                m.total += 1;
                match lapse.rule {
                    Rule::ThankYouNote => m.thank_yous += 1,
                    Rule::Reflect => m.reflections += 1,
                    _ => {}
                }
                *m.by_rule.entry(lapse.rule.id().to_string()).or_default() += 1;
            }
        }
    }

    pub fn finish(self) -> Stats {
        let counts = self.counts;
        let reached = self.reached;
        let pipeline = [
            Stage::Applied,
            Stage::Screening,
            Stage::Interviewing,
            Stage::Offer,
        ];
        let mut funnel: Vec<StageCount> = pipeline
            .iter()
            .enumerate()
            .map(|(i, &stage)| StageCount {
                stage,
                count: counts.get(&stage).copied().unwrap_or(0),
                reached: reached[i],
            })
            .collect();
        // An end stage is reached by exactly the applications now in it.
        for stage in [Stage::Rejected, Stage::Withdrawn, Stage::Closed] {
            let count = counts.get(&stage).copied().unwrap_or(0);
            funnel.push(StageCount {
                stage,
                count,
                reached: count,
            });
        }
        let to_rates = |m: BTreeMap<String, (usize, usize)>| {
            m.into_iter()
                .map(|(key, (s, r))| ReplyRate {
                    key,
                    sent: s,
                    replied: r,
                    rate: rate(s, r),
                })
                .collect()
        };
        let mut recurring: Vec<Recurring> = self
            .mistakes
            .into_values()
            .filter(|(_, n, _)| *n >= 2)
            .map(|(mistake, times, applications)| Recurring {
                mistake,
                times,
                applications,
            })
            .collect();
        recurring.sort_by(|a, b| {
            b.times
                .cmp(&a.times)
                .then_with(|| a.mistake.cmp(&b.mistake))
        });
        let (owed, sent, within) = (self.owed, self.sent, self.within);
        Stats {
            applications: self.applications,
            interviews_held: self.interviews_held,
            funnel,
            thank_yous: ThankYouStats {
                owed,
                sent,
                within_24h: within,
                share_within_24h: rate(owed, within),
            },
            replies_by_channel: to_rates(
                self.by_channel
                    .into_iter()
                    .map(|(k, v)| (k.as_str().to_string(), v))
                    .collect(),
            ),
            replies_by_kind: to_rates(
                self.by_kind
                    .into_iter()
                    .map(|(k, v)| (k.as_str().to_string(), v))
                    .collect(),
            ),
            recurring_mistakes: recurring,
            missed: self.months.into_values().collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::*;

    fn m(s: &str) -> Moment {
        s.parse().expect("moment")
    }

    #[test]
    fn counts_timely_thank_yous_replies_and_recurring_mistakes() {
        let mut d = Dataset::default();
        for (id, sent_at, mistake) in [
            (
                "a",
                "2026-11-20T15:00:00Z",
                "Rambled on the salary question",
            ),
            (
                "b",
                "2026-11-23T15:00:00Z",
                "rambled on the  salary question.",
            ),
        ] {
            let mut app = Application::new(id, "Co", "Role");
            app.stage = Stage::Interviewing;
            app.people
                .push(Person::new("p", "Pat", PersonKind::Interviewer));
            let mut iv = Interview::new("i", m("2026-11-20T10:00:00Z"));
            iv.status = InterviewStatus::Done;
            iv.interviewers = vec!["p".into()];
            iv.reflection = Some(Reflection {
                mistakes: vec![mistake.into()],
                ..Default::default()
            });
            app.interviews.push(iv);
            app.touches.push(Touch {
                at: m(sent_at),
                person: Some("p".into()),
                channel: Channel::Email,
                kind: TouchKind::ThankYou,
                replied_at: (id == "a").then(|| m("2026-11-21T10:00:00Z")),
                forced: false,
                note: None,
                message_id: None,
            });
            d.applications.push(app);
        }
        let s = compute(&d);
        assert_eq!(
            (
                s.thank_yous.owed,
                s.thank_yous.sent,
                s.thank_yous.within_24h
            ),
            (2, 2, 1)
        );
        assert!((s.thank_yous.share_within_24h - 0.5).abs() < 1e-9);
        assert_eq!(s.replies_by_channel[0].key, "email");
        assert_eq!(
            (
                s.replies_by_channel[0].sent,
                s.replies_by_channel[0].replied
            ),
            (2, 1)
        );
        assert_eq!(s.recurring_mistakes.len(), 1);
        assert_eq!(s.recurring_mistakes[0].times, 2);
        assert_eq!(s.funnel[2].stage, Stage::Interviewing);
        assert_eq!(s.funnel[2].count, 2);
        assert_eq!(s.funnel[0].reached, 2, "interviewing implies applied");
        // The delays behind those counts, from the interview's end.
        let minutes = i64::from(d.applications[0].interviews[0].minutes);
        let delays: Vec<_> = d.applications.iter().flat_map(thank_you_delays).collect();
        assert_eq!(
            delays,
            vec![
                Some(SignedDuration::from_mins(5 * 60 - minutes)),
                Some(SignedDuration::from_mins((3 * 24 + 5) * 60 - minutes)),
            ]
        );
        d.applications[1].touches.clear();
        assert_eq!(thank_you_delays(&d.applications[1]), vec![None]);
    }

    #[test]
    fn missed_windows_are_counted_per_month() {
        let mut d = Dataset::default();
        d.profile.timezone = "America/Chicago".into();
        let mut app = Application::new("a", "Co", "Role");
        app.people
            .push(Person::new("p", "Pat", PersonKind::Interviewer));
        let mut iv = Interview::new("i", m("2026-11-20T10:00:00-06:00"));
        iv.status = InterviewStatus::Done;
        iv.interviewers = vec!["p".into()];
        app.interviews.push(iv);
        d.applications.push(app);
        // Before anything lapsed: nothing missed.
        let early = compute_at(&d, "2026-11-21T09:00:00Z".parse().expect("ts"));
        assert!(early.missed.is_empty(), "{:?}", early.missed);
        // Thank-you (due Sat 21 Nov) lapsed Mon 30 Nov, the reflection 4 Dec.
        let s = compute_at(&d, "2026-12-05T12:00:00Z".parse().expect("ts"));
        let months: Vec<(&str, usize, usize)> = s
            .missed
            .iter()
            .map(|m| (m.month.as_str(), m.thank_yous, m.reflections))
            .collect();
        assert_eq!(months, [("2026-11", 1, 0), ("2026-12", 0, 1)]);
        assert_eq!(s.missed[0].by_rule.get("thank-you-note"), Some(&1));
        assert_eq!(s.missed[0].by_rule.get("debrief-capture"), Some(&1));
        assert!(compute(&d).missed.is_empty());

        // Rejected on Tue 1 Dec: the thank-you had lapsed on Mon 30 Nov, so
        // it was missed; the reflection's fortnight had not run out (moot).
        let mut rejected = d.clone();
        rejected.applications[0].outcome = Some(Outcome {
            kind: OutcomeKind::Rejected,
            on: "2026-12-01".parse().expect("date"),
            feedback: vec![],
            stay_in_touch: false,
            message_id: None,
        });
        rejected.applications[0].stage = Stage::Rejected;
        let s = compute_at(&rejected, "2026-12-20T12:00:00Z".parse().expect("ts"));
        let totals: (usize, usize) = s
            .missed
            .iter()
            .fold((0, 0), |(t, r), m| (t + m.thank_yous, r + m.reflections));
        assert_eq!(totals, (1, 0), "{:?}", s.missed);
        // Rejected the day after the interview: nothing was missed yet.
        rejected.applications[0]
            .outcome
            .as_mut()
            .expect("outcome")
            .on = "2026-11-21".parse().expect("date");
        let s = compute_at(&rejected, "2026-12-20T12:00:00Z".parse().expect("ts"));
        let rules: Vec<&String> = s.missed.iter().flat_map(|m| m.by_rule.keys()).collect();
        assert_eq!(rules, ["request-feedback-call"], "{:?}", s.missed);
    }

    #[test]
    fn every_stage_is_reached_by_at_least_the_applications_in_it() {
        let mut d = Dataset::default();
        for (id, stage) in [
            ("a", Stage::Applied),
            ("b", Stage::Interviewing),
            ("c", Stage::Rejected),
            ("d", Stage::Rejected),
            ("e", Stage::Withdrawn),
        ] {
            let mut app = Application::new(id, "Co", "Role");
            app.stage = stage;
            d.applications.push(app);
        }
        let s = compute(&d);
        assert!(
            s.funnel.iter().all(|f| f.reached >= f.count),
            "{:?}",
            s.funnel
        );
        let rejected = s.funnel.iter().find(|f| f.stage == Stage::Rejected);
        assert_eq!(rejected.map(|f| (f.count, f.reached)), Some((2, 2)));
    }
}
