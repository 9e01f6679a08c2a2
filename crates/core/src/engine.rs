//! The playbook engine: (store contents, now) → every open action of
//! PLAYBOOK.md §1–§4, each with when it opens, when it is due and why.
//!
//! The engine cannot fail: it reads validated data and returns actions. Every
//! timing rule lives here, in one place, so the agenda, the follow-up guard,
//! the calendar export and the web app agree to the minute.

use std::cell::OnceCell;

use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp, ToSpan};
use serde::Serialize;

use crate::calendar::BusinessCalendar;
use crate::exchange::parse_timezone;
use crate::ids::{AppId, InterviewId, PersonId};
use crate::model::{
    Application, Channel, Dataset, Interview, InterviewFormat, InterviewStatus, Moment,
    OutcomeKind, Person, PersonKind, Policy, Profile, Touch, TouchKind,
};
use crate::rules::Rule;
use crate::text::{ago, day, name_list, when};

/// Where an action stands at `now`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum State {
    Overdue,
    Due,
    Upcoming,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Overdue => "overdue",
            State::Due => "due",
            State::Upcoming => "upcoming",
        }
    }

    fn at(now: Timestamp, opens: Timestamp, due: Timestamp) -> State {
        if now < opens {
            State::Upcoming
        } else if now < due {
            State::Due
        } else {
            State::Overdue
        }
    }
}

/// One thing the user should do, and why (FORMAT.md §2 `agenda --json`).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Action {
    pub rule: Rule,
    pub state: State,
    pub application: AppId,
    pub interview: Option<InterviewId>,
    pub person: Option<PersonId>,
    pub opens: Moment,
    pub due: Moment,
    pub channel: Option<Channel>,
    pub why: String,
    pub seeds: &'static [&'static str],
    /// Extension: a short imperative line for lists ("Thank Dana Lee").
    pub title: String,
    /// Extension: for `status-check`, which policy applied and what the
    /// other one would have said (PLAYBOOK §3: 001 vs 004).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy: Option<PolicyNote>,
    /// When the action leaves the agenda for good if nothing is done
    /// (PLAYBOOK `lapse`); `None` for the rules that never lapse. Not part
    /// of the JSON.
    #[serde(skip)]
    pub lapses: Option<Timestamp>,
}

/// An action whose moment passed with nothing done (PLAYBOOK `lapse`):
/// gone from the agenda, counted in `stats` ("missed windows").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Lapse {
    pub rule: Rule,
    pub application: AppId,
    pub interview: Option<InterviewId>,
    pub person: Option<PersonId>,
    /// The moment it lapsed.
    pub at: Timestamp,
}

/// How the cadence was chosen, and what the other seed would have advised.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct PolicyNote {
    /// `conservative`, `proactive`, or `stated` when the person's own date won.
    pub applied: String,
    pub reason: String,
    pub alternatives: Vec<PolicyAlternative>,
}

#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct PolicyAlternative {
    pub policy: Policy,
    pub opens: Moment,
    pub channel: Channel,
}

/// The whole agenda at one moment.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Agenda {
    pub now: Moment,
    pub timezone: String,
    pub actions: Vec<Action>,
}

impl Agenda {
    /// The agenda as pretty JSON (FORMAT.md §2 `agenda --json`), exactly the
    /// bytes of `serde_json::to_vec_pretty`, without a final newline. A
    /// large agenda is written on every core: each part of the actions is
    /// serialized alone and indented to its depth (a JSON string never holds
    /// a raw newline, so every newline is structure).
    pub fn to_pretty_json(&self) -> Vec<u8> {
        let head = |out: &mut Vec<u8>| {
            out.extend_from_slice(b"{\n  \"now\": ");
            write_json(out, &self.now);
            out.extend_from_slice(b",\n  \"timezone\": ");
            write_json(out, &self.timezone);
            out.extend_from_slice(b",\n  \"actions\": ");
        };
        let mut out = Vec::with_capacity(self.actions.len() * 600 + 128);
        head(&mut out);
        if self.actions.is_empty() {
            out.extend_from_slice(b"[]\n}");
            return out;
        }
        let part = |actions: &[Action]| {
            let mut text = Vec::with_capacity(actions.len() * 600);
            for a in actions {
                text.extend_from_slice(b",\n    ");
                let one = serde_json::to_vec_pretty(a).unwrap_or_default();
                for (i, line) in one.split(|&b| b == b'\n').enumerate() {
                    if i > 0 {
                        text.extend_from_slice(b"\n    ");
                    }
                    text.extend_from_slice(line);
                }
            }
            text
        };
        let parts = crate::parallel::map_chunks(&self.actions, PARALLEL_JSON_FROM, part);
        out.push(b'[');
        for (i, p) in parts.iter().enumerate() {
            // Every action starts with ",\n    "; the first needs no comma.
            out.extend_from_slice(if i == 0 { &p[1..] } else { p });
        }
        out.extend_from_slice(b"\n  ]\n}");
        out
    }
}

/// From this many actions on, the agenda's JSON is written on several threads.
const PARALLEL_JSON_FROM: usize = 2_000;

fn write_json(out: &mut Vec<u8>, v: &impl Serialize) {
    // Serializing our own plain types to memory cannot fail.
    let _ = serde_json::to_writer(&mut *out, v);
}

/// The follow-up guard's answer for a touch about to be logged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Allowed,
    Refused {
        allowed_from: Option<Timestamp>,
        why: String,
    },
}

/// The engine for one profile: its business calendar and default policy.
#[derive(Debug, Clone)]
pub struct Engine {
    cal: BusinessCalendar,
    timezone: String,
    policy: Policy,
}

impl Engine {
    /// Fails only on an unknown time zone (which validation already refuses).
    pub fn new(profile: &Profile) -> Result<Engine, String> {
        let tz = parse_timezone(&profile.timezone)?;
        let cal = BusinessCalendar::new(tz, profile.holidays.calendar, &profile.holidays.extra);
        Ok(Engine {
            cal,
            timezone: profile.timezone.clone(),
            policy: profile.policy,
        })
    }

    pub fn calendar(&self) -> &BusinessCalendar {
        &self.cal
    }

    /// Every open action across all applications, most pressing first.
    pub fn agenda(&self, data: &Dataset, now: Timestamp) -> Agenda {
        self.agenda_of(self.actions_of(&data.applications, now), now)
    }

    /// The agenda of actions already sorted ([`Engine::actions_of`],
    /// [`merge_actions`]).
    pub fn agenda_of(&self, actions: Vec<Action>, now: Timestamp) -> Agenda {
        Agenda {
            now: self.moment(now),
            timezone: self.timezone.clone(),
            actions,
        }
    }

    /// The open actions of `apps`, most pressing first: the agenda of a
    /// part of the store (a store read a chunk at a time gives each chunk
    /// here and joins the lists with [`merge_actions`]; the order is
    /// total, so the result is the agenda of the whole).
    pub fn actions_of(&self, apps: &[Application], now: Timestamp) -> Vec<Action> {
        merge_actions(self.action_parts(apps, now))
    }

    /// [`Engine::actions_of`] before the merge: lists each sorted most
    /// pressing first, one per core on a large `apps` (applications are
    /// independent; the order is total, so merged they are the same as one
    /// thread's list). A caller reading a store a chunk at a time keeps
    /// every chunk's lists and merges them once.
    pub fn action_parts(&self, apps: &[Application], now: Timestamp) -> Vec<Vec<Action>> {
        crate::parallel::map_chunks(apps, PARALLEL_FROM, |part| self.sorted_actions(part, now))
    }

    /// The actions of `apps`, computed on this thread and sorted most
    /// pressing first: one part for [`merge_actions`].
    pub fn sorted_actions(&self, apps: &[Application], now: Timestamp) -> Vec<Action> {
        let mut actions = Vec::with_capacity(apps.len() * 2);
        for app in apps {
            self.application_actions_into(app, now, &mut actions, None);
        }
        sort_actions(&mut actions);
        actions
    }

    /// The open actions of one application.
    pub fn application_actions(&self, app: &Application, now: Timestamp) -> Vec<Action> {
        let mut actions = Vec::new();
        self.application_actions_into(app, now, &mut actions, None);
        sort_actions(&mut actions);
        actions
    }

    /// The moment from which `app` yields no action at all, for as long as
    /// its data stays as it is; `None` while it may still yield one.
    ///
    /// Every comparison the rules make with `now` is against a moment in
    /// the application's own data (an interview's start or end, a touch, a
    /// reply) or against the moment an action lapses (PLAYBOOK `lapse`).
    /// After the last recorded moment, which actions exist changes only
    /// when one lapses (a lapse may bring another: the thank-yous lapsing
    /// bring the status check, its lapse brings `move-on`). So from the last
    /// recorded moment we jump to the latest lapse of what is there, until
    /// nothing is left (quiet) or something never lapses (`None`). Stores
    /// keep this to skip settled applications when loading an agenda
    /// (`StoreReader::load_active`); it depends on the profile's time zone
    /// and holiday calendar (see [`quiet_key`]).
    pub fn quiet_from(&self, app: &Application) -> Option<Timestamp> {
        let mut at = last_recorded_moment(app);
        // Each round passes at least one lapse; a few rounds are all the
        // chain of lapses can take.
        for _ in 0..8 {
            let mut actions = Vec::new();
            self.application_actions_into(app, at, &mut actions, None);
            if actions.is_empty() {
                return Some(at);
            }
            let mut next = at;
            for a in &actions {
                next = next.max(a.lapses?);
            }
            at = next;
        }
        None
    }

    /// Every action whose moment passed with nothing done, as of `now`
    /// (dismissed ones are not counted: the user chose to skip them). A
    /// settled application's chores after each interview count too when
    /// their moment passed before the outcome (one that came first made
    /// them moot, not missed).
    pub fn lapsed(&self, data: &Dataset, now: Timestamp) -> Vec<Lapse> {
        let mut lapsed = Vec::new();
        for app in &data.applications {
            self.lapsed_into(app, now, &mut lapsed);
        }
        lapsed
    }

    /// [`Engine::lapsed`] for one application, appended to `lapsed`.
    pub fn lapsed_into(&self, app: &Application, now: Timestamp, lapsed: &mut Vec<Lapse>) {
        let mut scratch = Vec::new();
        self.application_actions_into(app, now, &mut scratch, Some(lapsed));
        if !app.is_active() {
            let until = app
                .outcome
                .as_ref()
                .map_or(now, |o| now.min(self.cal.at(o.on, 0, 0)));
            let mut cx = Cx {
                engine: self,
                app,
                now: until,
                out: &mut scratch,
                thanked: OnceCell::new(),
                starts: OnceCell::new(),
                lapsed: Some(lapsed),
            };
            for iv in &app.interviews {
                cx.after(iv);
            }
        }
    }

    fn application_actions_into(
        &self,
        app: &Application,
        now: Timestamp,
        out: &mut Vec<Action>,
        lapsed: Option<&mut Vec<Lapse>>,
    ) {
        // Archived by the user: nothing to do, nothing missed.
        if app.archived {
            return;
        }
        let start = out.len();
        let mut cx = Cx {
            engine: self,
            app,
            now,
            out,
            thanked: OnceCell::new(),
            starts: OnceCell::new(),
            lapsed,
        };
        if app.is_active() {
            for iv in &app.interviews {
                cx.before(iv);
                cx.after(iv);
            }
            cx.prepare_contribution();
            cx.waiting();
        }
        cx.outcome();
        if !app.dismissed.is_empty() {
            let mut own = out.split_off(start);
            own.retain(|a| !dismissed(app, a.rule, a.interview.as_deref(), a.person.as_deref()));
            out.append(&mut own);
        }
    }

    fn moment(&self, ts: Timestamp) -> Moment {
        Moment::in_zone(ts, self.cal.tz())
    }

    fn policy_for(&self, app: &Application) -> Policy {
        app.policy.unwrap_or(self.policy)
    }

    /// The follow-up guard (PLAYBOOK `follow-up-guard`): may `touch` be
    /// logged now? Only status chases are ever refused: when chasing is
    /// over (`stop-chasing`), while an earlier chase is unanswered, before
    /// the check opens, and after its moment lapsed. It reads the same plan
    /// as the agenda, so the two agree to the minute.
    pub fn guard(&self, app: &Application, touch: &Touch) -> Verdict {
        if touch.kind != TouchKind::StatusCheck {
            return Verdict::Allowed;
        }
        let at = touch.at.ts;
        let today = self.cal.local_date(at);
        if let Some(stop) = chase_stopped(app, at) {
            return Verdict::Refused {
                allowed_from: None,
                why: self.stop_reason(app, &stop, today),
            };
        }
        let latest = latest_held_interview(app, at);
        // A second chase while the first is unanswered is refused whether
        // or not an interview has been held (PLAYBOOK `follow-up-guard`).
        let since = latest.map_or(Timestamp::MIN, |iv| iv.start.ts);
        if let Some(open) = app
            .touches
            .iter()
            .filter(|t| t.kind == TouchKind::StatusCheck && t.at.ts >= since && t.at.ts <= at)
            .find(|t| !replied_since(app, t.at.ts, at))
        {
            let who = open
                .person
                .as_deref()
                .and_then(|p| app.person(p))
                .map(|p| p.name.as_str());
            return Verdict::Refused {
                allowed_from: None,
                why: format!(
                    "Your status check of {}{} is still unanswered; a second chase while the first is open reads as pressure. Wait for a reply, or record the outcome (move-on opens {}).",
                    day(self.cal.local_date(open.at.ts), today),
                    who.map(|n| format!(" to {n}")).unwrap_or_default(),
                    when(
                        self.cal.at(
                            self.cal
                                .add_business_days(self.cal.local_date(open.at.ts), 10),
                            9,
                            0
                        ),
                        self.cal.tz()
                    ),
                ),
            };
        }
        let Some(latest) = latest else {
            // A first chase before any interview is outside the
            // post-interview cadence.
            return Verdict::Allowed;
        };
        let from_interview = CountedFrom::Interview(self.cal.local_date(latest.end()));
        let (plan, open) = match self.status_check_plan(app, at) {
            Some(Plan::Open {
                latest,
                counted,
                floor,
            }) => (self.cadence_from(app, latest, counted, floor), true),
            // The thank-yous are still owed: the check comes once they lapse.
            Some(Plan::Waiting { latest, floor }) => (
                self.cadence_from(app, latest, from_interview, Some(floor)),
                true,
            ),
            // A reply came: the cadence counts from the interview day.
            Some(Plan::Cancelled) | None => {
                (self.cadence_from(app, latest, from_interview, None), false)
            }
        };
        let Some(plan) = plan else {
            return Verdict::Allowed;
        };
        let target = app.person(&plan.person);
        let target_name = target.map(|p| p.name.as_str()).unwrap_or("them");
        // Chasing someone else than the one person the check goes to: say
        // who it goes to, and why.
        let other = touch
            .person
            .as_deref()
            .filter(|p| *p != plan.person)
            .and_then(|p| app.person(p));
        if at < plan.opens {
            let why = match other {
                Some(o) => format!(
                    "Too soon to chase {}: the one status check for {} goes to {target_name}, {}{}. It is allowed from {}.",
                    o.name,
                    app.company,
                    target_reason(app, latest, target, &self.cal),
                    if plan.note.applied == "stated" {
                        String::new()
                    } else {
                        format!("; {}", plan.basis)
                    },
                    when(plan.opens, self.cal.tz()),
                ),
                None => format!(
                    "Too soon to chase {target_name}: {}. A status check is allowed from {}.",
                    plan.basis,
                    when(plan.opens, self.cal.tz()),
                ),
            };
            return Verdict::Refused {
                allowed_from: Some(plan.opens),
                why,
            };
        }
        if open && at >= plan.lapses {
            return Verdict::Refused {
                allowed_from: None,
                why: format!(
                    "The moment for the one status check to {target_name} passed on {} (10 business days after it was due, PLAYBOOK lapse): a chase this late reads as pressure. Let {} go: record the outcome as no-response (move-on).",
                    day(self.cal.local_date(plan.lapses), today),
                    app.company,
                ),
            };
        }
        Verdict::Allowed
    }

    /// The refusal's reason when chasing is over: the event and its date.
    fn stop_reason(&self, app: &Application, stop: &Stop<'_>, today: Date) -> String {
        use crate::model::Stage;
        match stop {
            Stop::Outcome(o) => {
                let on = day(o.on, today);
                match o.kind {
                    OutcomeKind::Rejected => format!(
                        "{} turned you down on {on}, so there is nothing left to chase (stop-chasing). Asking for a short feedback call is still worth it.",
                        app.company
                    ),
                    OutcomeKind::Offer => format!(
                        "{} made you an offer on {on}, so there is nothing left to chase (stop-chasing).",
                        app.company
                    ),
                    OutcomeKind::Withdrawn => format!(
                        "You withdrew from {} on {on}, so there is nothing left to chase (stop-chasing).",
                        app.company
                    ),
                    OutcomeKind::NoResponse => format!(
                        "You closed {} as no-response on {on}; chasing again would not help (stop-chasing). Staying in touch is still open.",
                        app.company
                    ),
                }
            }
            Stop::Stage(Stage::Offer) => format!(
                "{} is at the offer stage, so there is nothing left to chase (stop-chasing).",
                app.company
            ),
            Stop::Stage(stage) => format!(
                "This application is closed (stage {stage}), so there is nothing left to chase (stop-chasing)."
            ),
            Stop::Booked(iv) => format!(
                "The next interview at {} is booked for {}, so there is nothing to chase until it has happened (stop-chasing); the cadence starts again from it.",
                app.company,
                day(self.cal.local_date(iv.start.ts), today),
            ),
        }
    }

    /// When the one status check of an application opens, if it applies
    /// (PLAYBOOK §3 "Precise timing" and "When waiting ends"). `at` decides
    /// which interviews count as held. Stop conditions are the caller's.
    /// The cadence's wording is left to [`Engine::cadence_from`], which only
    /// the callers that show it pay for.
    fn status_check_plan<'a>(&self, app: &'a Application, at: Timestamp) -> Option<Plan<'a>> {
        let latest = latest_held_interview(app, at)?;
        let thanks = app
            .touches
            .iter()
            .filter(|t| {
                t.kind == TouchKind::ThankYou && t.at.ts >= latest.start.ts && t.at.ts <= at
            })
            .min_by_key(|t| t.at);
        let target = status_check_target(app, latest, &self.cal)?;
        let stated = stated_after(Some(target), latest, &self.cal);
        let since = thanks.map_or(latest.start.ts, |t| t.at.ts);
        let reply = app
            .touches
            .iter()
            .filter_map(|t| t.replied_at)
            .filter(|r| r.ts >= since && r.ts <= at)
            .min();
        if let Some(r) = reply {
            // A reply cancels the check, unless the person's own date lies
            // after the reply: then we still check in after that date.
            match stated {
                Some(d) if d > self.cal.local_date(r.ts) => {}
                _ => return Some(Plan::Cancelled),
            }
        }
        if let Some(t) = thanks {
            return Some(Plan::Open {
                latest,
                counted: CountedFrom::ThankYou(self.cal.local_date(t.at.ts)),
                floor: None,
            });
        }
        // No thank-you logged: the check still comes, counted from the
        // interview's end, once every thank-you owed lapsed (a dismissed
        // one is not waited for).
        let owed = latest.interviewers.iter().any(|p| {
            app.person(p).is_some()
                && !dismissed(app, Rule::ThankYouNote, Some(&latest.id), Some(p))
        });
        let floor = owed.then(|| {
            chores_lapse(
                &self.cal,
                &held_starts(app),
                latest,
                latest.end() + SignedDuration::from_hours(24),
            )
        });
        match floor {
            Some(floor) if at < floor => Some(Plan::Waiting { latest, floor }),
            _ => Some(Plan::Open {
                latest,
                counted: CountedFrom::Interview(self.cal.local_date(latest.end())),
                floor,
            }),
        }
    }

    /// The cadence counted from the thank-you (or the interview's end), never
    /// opening before `floor` (the moment the thank-yous lapsed).
    fn cadence_from(
        &self,
        app: &Application,
        latest: &Interview,
        counted: CountedFrom,
        floor: Option<Timestamp>,
    ) -> Option<OpenPlan> {
        let (from, after) = match counted {
            CountedFrom::ThankYou(d) => (d, "your thank-you"),
            CountedFrom::Interview(d) => (d, "the interview"),
        };
        let floor_ts = floor.unwrap_or(Timestamp::MIN);
        let target = status_check_target(app, latest, &self.cal)?;
        let policy = self.policy_for(app);
        let preferred = target.preferred_channel();
        let by_policy = |p: Policy| -> (Timestamp, Channel) {
            match p {
                // 001: ten business days, email, never phone.
                Policy::Conservative => (
                    self.cal
                        .at(self.cal.add_business_days(from, 10), 9, 0)
                        .max(floor_ts),
                    preferred.unwrap_or(Channel::Email),
                ),
                // 004: a phone call after a few days unless they said otherwise.
                Policy::Proactive => (
                    self.cal
                        .at(self.cal.add_business_days(from, 3), 9, 0)
                        .max(floor_ts),
                    preferred.unwrap_or(Channel::Phone),
                ),
            }
        };
        let first = target
            .name
            .split_whitespace()
            .next()
            .unwrap_or(&target.name);
        let (opens, channel, applied, reason, basis) = match stated_after(
            Some(target),
            latest,
            &self.cal,
        ) {
            Some(after) => {
                let opens = self
                    .cal
                    .at(self.cal.add_business_days(after, 1), 9, 0)
                    .max(floor_ts);
                (
                    opens,
                    preferred.unwrap_or(Channel::Email),
                    "stated".to_string(),
                    format!(
                        "{} named {} as the date to wait for; a person's own timeline beats both policies",
                        target.name,
                        day(after, after)
                    ),
                    format!("{first} said to wait until {}", day(after, after)),
                )
            }
            None => {
                let (opens, channel) = by_policy(policy);
                let source = if app.policy.is_some() {
                    "set for this application"
                } else {
                    "your profile's default"
                };
                let (n, seed) = match policy {
                    Policy::Conservative => (10, "001"),
                    Policy::Proactive => (3, "004"),
                };
                (
                    opens,
                    channel,
                    policy.as_str().to_string(),
                    format!(
                        "{} policy ({source}; seed {seed}): {n} business days after {after}",
                        policy.as_str()
                    ),
                    format!(
                        "the {} policy waits {n} business days after {after} of {}",
                        policy.as_str(),
                        day(from, from)
                    ),
                )
            }
        };
        let basis = match floor {
            Some(f) if opens == f => format!(
                "{basis}; no thank-you went out, so it also waits until the thank-you window closed, {}",
                when(f, self.cal.tz())
            ),
            _ => basis,
        };
        let alternatives = Policy::ALL
            .iter()
            .filter(|p| p.as_str() != applied)
            .map(|&p| {
                let (o, c) = by_policy(p);
                PolicyAlternative {
                    policy: p,
                    opens: self.moment(o),
                    channel: c,
                }
            })
            .collect();
        let due = self.cal.at(
            self.cal.add_business_days(self.cal.local_date(opens), 2),
            17,
            0,
        );
        Some(OpenPlan {
            opens,
            due,
            // PLAYBOOK `lapse`: a check never sent lapses 10 bd after it was due.
            lapses: later_bd(&self.cal, due, 10),
            channel,
            person: target.id.clone(),
            basis,
            note: PolicyNote {
                applied,
                reason,
                alternatives,
            },
        })
    }
}

/// Why the status check goes to `target` (for a refusal that names them).
fn target_reason(
    app: &Application,
    latest: &Interview,
    target: Option<&Person>,
    cal: &BusinessCalendar,
) -> String {
    let Some(t) = target else {
        return "the person you are waiting on".into();
    };
    if let Some(d) = stated_after(Some(t), latest, cal) {
        return format!("who named {} as the date to wait for", day(d, d));
    }
    match t.kind {
        PersonKind::Recruiter | PersonKind::Coordinator => {
            format!("the {} who looks after {}'s process", t.kind, app.company)
        }
        _ => "who led the latest interview".into(),
    }
}

/// What [`Engine::quiet_from`] depends on besides the application: the
/// profile's time zone (local dates), holiday calendar and days off
/// (business days decide when actions lapse) and default policy (the
/// status check's timing). A store that caches `quiet_from` keeps this key
/// beside it and trusts the value only under the same key.
pub fn quiet_key(profile: &Profile) -> String {
    // FNV-1a over the days off: short, stable across runs and platforms.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for d in &profile.holidays.extra {
        for b in d.to_string().bytes().chain([b',']) {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!(
        "{} {} {} {hash:016x} lapse-1",
        profile.timezone,
        profile.holidays.calendar.as_str(),
        profile.policy.as_str()
    )
}

/// What the status-check cadence counts from.
#[derive(Clone, Copy)]
enum CountedFrom {
    /// The day the first thank-you after the interview went out.
    ThankYou(Date),
    /// The interview's day, when no thank-you is logged.
    Interview(Date),
}

enum Plan<'a> {
    /// The check applies to the round of `latest`, counted from `counted`,
    /// not opening before `floor`.
    Open {
        latest: &'a Interview,
        counted: CountedFrom,
        floor: Option<Timestamp>,
    },
    /// No thank-you logged and the thank-yous have not lapsed yet (at
    /// `floor`): the check is not on the agenda yet.
    Waiting {
        latest: &'a Interview,
        floor: Timestamp,
    },
    /// A reply came after the thank-you: no chase is needed.
    Cancelled,
}

struct OpenPlan {
    opens: Timestamp,
    due: Timestamp,
    lapses: Timestamp,
    channel: Channel,
    person: PersonId,
    /// "the conservative policy waits 10 business days after …"
    basis: String,
    note: PolicyNote,
}

/// From this many applications on, the agenda is computed on several threads.
const PARALLEL_FROM: usize = 2_000;

/// The most pressing first: state, then due, then the rest of the key.
fn action_order(a: &Action, b: &Action) -> std::cmp::Ordering {
    (
        a.state,
        a.due,
        a.opens,
        a.rule,
        &a.application,
        &a.interview,
        &a.person,
        &a.why,
    )
        .cmp(&(
            b.state,
            b.due,
            b.opens,
            b.rule,
            &b.application,
            &b.interview,
            &b.person,
            &b.why,
        ))
}

/// Joins lists of actions each sorted most pressing first
/// ([`Engine::actions_of`]) into one, in one pass: each action moves once,
/// into a list allocated once, chosen through a heap of the lists' first
/// actions (about 2·log₂ of the number of lists comparisons each). Merging
/// pairwise moved each action once per round, log₂ of the number of lists
/// rounds, into a new list each round: at 100,000 applications (25 lists,
/// 110,000 actions of a few hundred bytes) that copying was a seventh of
/// `agenda --json`. Equal actions (the order is total, so only copies)
/// keep the order of their lists.
pub fn merge_actions(mut parts: Vec<Vec<Action>>) -> Vec<Action> {
    parts.retain(|p| !p.is_empty());
    if parts.len() <= 1 {
        return parts.pop().unwrap_or_default();
    }
    // The order, found on borrowed actions ([`Merged`]); then each action
    // moves once, into a list allocated once.
    let mut merged = Merged::new(&parts);
    let order: Vec<usize> = std::iter::from_fn(|| merged.pop().map(|(list, _)| list)).collect();
    let mut lists: Vec<std::vec::IntoIter<Action>> =
        parts.into_iter().map(Vec::into_iter).collect();
    // `filter_map` gives no lower bound: the list is sized here, once.
    let mut out = Vec::with_capacity(order.len());
    out.extend(order.into_iter().filter_map(|list| lists[list].next()));
    out
}

/// The actions of lists each sorted most pressing first, in the order
/// [`merge_actions`] gives, borrowed one at a time: a caller that writes
/// them out (`agenda --json`) never builds the joined list (at 100,000
/// applications, 40 MB of fresh memory for the kernel to zero, and every
/// action moved once more).
pub struct Merged<'a> {
    lists: Vec<std::slice::Iter<'a, Action>>,
    /// Each list's next action (`None` once it is empty).
    heads: Vec<Option<&'a Action>>,
    /// A binary min-heap of the indexes of the lists not yet empty,
    /// ordered by their next action, then by index.
    heap: Vec<usize>,
    left: usize,
}

impl<'a> Merged<'a> {
    pub fn new(parts: &'a [Vec<Action>]) -> Merged<'a> {
        Merged::of(parts.iter().map(Vec::as_slice))
    }

    /// [`Merged::new`] of lists borrowed from wherever they are kept.
    pub fn of(parts: impl IntoIterator<Item = &'a [Action]>) -> Merged<'a> {
        let mut lists: Vec<std::slice::Iter<'a, Action>> =
            parts.into_iter().map(<[Action]>::iter).collect();
        let left = lists.iter().map(ExactSizeIterator::len).sum();
        let heads: Vec<Option<&'a Action>> = lists.iter_mut().map(Iterator::next).collect();
        let heap: Vec<usize> = (0..heads.len()).filter(|&i| heads[i].is_some()).collect();
        let mut merged = Merged {
            lists,
            heads,
            heap,
            left,
        };
        for at in (0..merged.heap.len() / 2).rev() {
            merged.sift_down(at);
        }
        merged
    }

    fn before(&self, i: usize, j: usize) -> bool {
        match (self.heads[i], self.heads[j]) {
            (Some(a), Some(b)) => action_order(a, b).then(i.cmp(&j)).is_lt(),
            _ => false,
        }
    }

    fn sift_down(&mut self, mut at: usize) {
        loop {
            let (l, r) = (2 * at + 1, 2 * at + 2);
            let mut first = at;
            if l < self.heap.len() && self.before(self.heap[l], self.heap[first]) {
                first = l;
            }
            if r < self.heap.len() && self.before(self.heap[r], self.heap[first]) {
                first = r;
            }
            if first == at {
                return;
            }
            self.heap.swap(at, first);
            at = first;
        }
    }
}

impl<'a> Merged<'a> {
    /// The next action and the index of the list it is from (the lists'
    /// actions come out in their order, so a caller counting per list
    /// knows each one's place in it).
    pub fn pop(&mut self) -> Option<(usize, &'a Action)> {
        let top = *self.heap.first()?;
        let action = self.heads[top]?;
        self.heads[top] = self.lists[top].next();
        if self.heads[top].is_none() {
            self.heap.swap_remove(0);
        }
        self.sift_down(0);
        self.left = self.left.saturating_sub(1);
        Some((top, action))
    }
}

impl<'a> Iterator for Merged<'a> {
    type Item = &'a Action;

    fn next(&mut self) -> Option<&'a Action> {
        self.pop().map(|(_, action)| action)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl ExactSizeIterator for Merged<'_> {}

fn sort_actions(actions: &mut [Action]) {
    // `why` ends the key so it is total (two news items on one day differ
    // only there): the unstable sort then gives one order, and is faster.
    actions.sort_unstable_by(action_order);
}

fn dismissed(app: &Application, rule: Rule, interview: Option<&str>, person: Option<&str>) -> bool {
    app.dismissed.iter().any(|d| {
        d.rule == rule
            && (d.interview.is_none() || d.interview.as_deref() == interview)
            && (d.person.is_none() || d.person.as_deref() == person)
    })
}

/// The latest moment in `app`'s data that a rule compares `now` with.
fn last_recorded_moment(app: &Application) -> Timestamp {
    let interviews = app.interviews.iter().flat_map(|iv| [iv.start.ts, iv.end()]);
    let touches = app
        .touches
        .iter()
        .flat_map(|t| std::iter::once(t.at.ts).chain(t.replied_at.map(|r| r.ts)));
    interviews.chain(touches).max().unwrap_or(Timestamp::MIN)
}

/// Was the interview held as of `now`? A scheduled interview whose end has
/// passed is assumed held until the user says it was missed: the 24 h
/// thank-you window should not wait for the bookkeeping.
fn held(iv: &Interview, now: Timestamp) -> bool {
    match iv.status {
        InterviewStatus::Done => true,
        InterviewStatus::Scheduled => iv.end() <= now,
        InterviewStatus::Missed | InterviewStatus::Cancelled => false,
    }
}

fn latest_held_interview(app: &Application, now: Timestamp) -> Option<&Interview> {
    app.interviews
        .iter()
        .filter(|iv| held(iv, now) && iv.start.ts <= now)
        .max_by_key(|iv| iv.start)
}

/// The same local time of day, `n` business days after the local day of
/// `ts` (PLAYBOOK `lapse`: "the same local time on the 5th bd after").
fn later_bd(cal: &BusinessCalendar, ts: Timestamp, n: u32) -> Timestamp {
    let dt = cal.tz().to_datetime(ts);
    cal.at(cal.add_business_days(dt.date(), n), dt.hour(), dt.minute())
}

/// `n` local calendar days after `ts`, at the same wall-clock time.
fn days_after(cal: &BusinessCalendar, ts: Timestamp, n: i64) -> Timestamp {
    ts.to_zoned(cal.tz().clone())
        .checked_add(n.days())
        .map_or(Timestamp::MAX, |z| z.timestamp())
}

/// When the chores right after `iv` that fall due at `due` lapse
/// (`thank-you-note`, `thank-staff`, `send-questions`, `apologize-slip`,
/// `handwritten-note`, `explain-distraction`): the same local time on the
/// 5th business day after `due`, or the start of the application's next
/// interview held on a later local day, whichever comes first. (An
/// outcome ends them too: the engine does not look at a settled
/// application's interviews at all.)
///
/// `starts`: the starts of the application's interviews that are not
/// missed or cancelled, sorted ([`held_starts`]), so an application with
/// thousands of interviews costs a binary search per chore, not a scan.
fn chores_lapse(
    cal: &BusinessCalendar,
    starts: &[Timestamp],
    iv: &Interview,
    due: Timestamp,
) -> Timestamp {
    let by_time = later_bd(cal, due, 5);
    // The first start on a later local day: at or after the first instant
    // of the next day (later than the interview's own start).
    let Ok(tomorrow) = cal.local_date(iv.start.ts).tomorrow() else {
        return by_time;
    };
    let next_day = cal.at(tomorrow, 0, 0);
    let from = starts.partition_point(|s| *s < next_day || *s <= iv.start.ts);
    starts
        .get(from)
        .map_or(by_time, |next| (*next).min(by_time))
}

/// The starts of `app`'s interviews that are not missed or cancelled, in
/// order: what [`chores_lapse`] searches.
fn held_starts(app: &Application) -> Vec<Timestamp> {
    let mut starts: Vec<Timestamp> = app
        .interviews
        .iter()
        .filter(|n| {
            !matches!(
                n.status,
                InterviewStatus::Missed | InterviewStatus::Cancelled
            )
        })
        .map(|n| n.start.ts)
        .collect();
    starts.sort_unstable();
    starts
}

/// The next interview booked at `app` that has not happened by `at`.
fn booked(app: &Application, at: Timestamp) -> Option<&Interview> {
    app.interviews
        .iter()
        .filter(|iv| iv.status == InterviewStatus::Scheduled && iv.end() > at)
        .min_by_key(|iv| iv.start)
}

/// Why chasing is over at `at` (PLAYBOOK `stop-chasing`).
enum Stop<'a> {
    Outcome(&'a crate::model::Outcome),
    Stage(crate::model::Stage),
    Booked(&'a Interview),
}

fn chase_stopped(app: &Application, at: Timestamp) -> Option<Stop<'_>> {
    if let Some(o) = &app.outcome {
        return Some(Stop::Outcome(o));
    }
    if app.stage.is_closed() || app.stage == crate::model::Stage::Offer {
        return Some(Stop::Stage(app.stage));
    }
    booked(app, at).map(Stop::Booked)
}

fn replied_since(app: &Application, since: Timestamp, until: Timestamp) -> bool {
    app.touches
        .iter()
        .filter_map(|t| t.replied_at)
        .any(|r| r.ts >= since && r.ts <= until)
}

/// The one person the status check goes to: whoever named the timeline,
/// else the recruiter or coordinator, else the first interviewer of the
/// latest interview (PLAYBOOK §3).
fn status_check_target<'a>(
    app: &'a Application,
    latest: &Interview,
    cal: &BusinessCalendar,
) -> Option<&'a Person> {
    let names_date = |p: &&Person| stated_after(Some(p), latest, cal).is_some();
    latest
        .interviewers
        .iter()
        .chain(&latest.also_met)
        .filter_map(|id| app.person(id))
        .find(names_date)
        .or_else(|| app.people.iter().find(names_date))
        .or_else(|| {
            app.people
                .iter()
                .find(|p| matches!(p.kind, PersonKind::Recruiter | PersonKind::Coordinator))
        })
        .or_else(|| latest.interviewers.first().and_then(|id| app.person(id)))
}

/// The date the person asked us to wait for, if it belongs to this round.
fn stated_after(p: Option<&Person>, latest: &Interview, cal: &BusinessCalendar) -> Option<Date> {
    p?.stated_after()
        .filter(|d| *d >= cal.local_date(latest.start.ts))
}

/// "Acme panel interview": how an interview is named in reasons.
fn label_of(app: &Application, iv: &Interview) -> String {
    let kind = if iv.is_panel() {
        "panel interview"
    } else {
        match iv.format {
            InterviewFormat::Phone => "phone interview",
            InterviewFormat::Video => "video interview",
            InterviewFormat::InPerson => "in-person interview",
        }
    };
    format!("{} {kind}", app.company)
}

/// Collects the actions of one application.
struct Cx<'a, 'o> {
    engine: &'a Engine,
    app: &'a Application,
    now: Timestamp,
    /// The agenda being built; this application's actions are appended.
    out: &'o mut Vec<Action>,
    /// Who was thanked when: asked for every interviewer of every
    /// interview, so read from the touches once (and only if asked).
    thanked: OnceCell<Vec<(Option<&'a str>, Timestamp)>>,
    /// [`held_starts`] of the application, made once if asked.
    starts: OnceCell<Vec<Timestamp>>,
    /// Where lapsed actions are counted, when someone asks (`stats`).
    lapsed: Option<&'o mut Vec<Lapse>>,
}

struct New<'a> {
    rule: Rule,
    interview: Option<&'a str>,
    person: Option<&'a str>,
    opens: Timestamp,
    due: Timestamp,
    channel: Option<Channel>,
    title: String,
    why: String,
    /// When it lapses (PLAYBOOK `lapse`); `None`: never.
    lapses: Option<Timestamp>,
}

impl<'a> Cx<'a, '_> {
    fn cal(&self) -> &BusinessCalendar {
        &self.engine.cal
    }

    fn starts(&self) -> &[Timestamp] {
        self.starts.get_or_init(|| held_starts(self.app))
    }

    fn push(&mut self, n: New<'_>) {
        // An action never opens after it is due (an interview booked at
        // short notice makes its preparation overdue at once).
        let opens = n.opens.min(n.due);
        self.out.push(Action {
            rule: n.rule,
            state: State::at(self.now, opens, n.due),
            application: self.app.id.clone(),
            interview: n.interview.map(InterviewId::from),
            person: n.person.map(PersonId::from),
            opens: self.engine.moment(opens),
            due: self.engine.moment(n.due),
            channel: n.channel,
            why: n.why,
            seeds: n.rule.info().seeds,
            title: n.title,
            policy: None,
            lapses: n.lapses,
        });
    }

    /// Has the action of `rule` lapsed at `now` (PLAYBOOK `lapse`)? Then
    /// it is counted (unless dismissed) and left out; callers ask before
    /// writing its wording.
    fn gone(
        &mut self,
        rule: Rule,
        interview: Option<&str>,
        person: Option<&str>,
        lapses: Timestamp,
    ) -> bool {
        if self.now < lapses {
            return false;
        }
        if let Some(sink) = self.lapsed.as_deref_mut()
            && !dismissed(self.app, rule, interview, person)
        {
            sink.push(Lapse {
                rule,
                application: self.app.id.clone(),
                interview: interview.map(InterviewId::from),
                person: person.map(PersonId::from),
                at: lapses,
            });
        }
        true
    }

    fn thanked(&self, person: &str, since: Timestamp) -> bool {
        self.thanked
            .get_or_init(|| {
                self.app
                    .touches
                    .iter()
                    .filter(|t| t.kind == TouchKind::ThankYou)
                    .map(|t| (t.person.as_deref(), t.at.ts))
                    .collect()
            })
            .iter()
            .any(|&(p, at)| at >= since && p == Some(person))
    }

    fn touched(&self, person: Option<&str>, kinds: &[TouchKind], since: Timestamp) -> bool {
        self.app.touches.iter().any(|t| {
            kinds.contains(&t.kind)
                && t.at.ts >= since
                && (person.is_none() || t.person.as_deref() == person)
        })
    }

    fn label(&self, iv: &Interview) -> String {
        label_of(self.app, iv)
    }

    fn channel_for(&self, p: &Person) -> Channel {
        p.preferred_channel().unwrap_or(Channel::Email)
    }

    /// §1: preparation, while the interview is still ahead.
    fn before(&mut self, iv: &'a Interview) {
        if iv.status != InterviewStatus::Scheduled || iv.start.ts <= self.now {
            return;
        }
        let start = iv.start.ts;
        let due = start - SignedDuration::from_hours(24);
        let opens = iv
            .scheduled_at
            .map(|m| m.ts)
            .unwrap_or_else(|| start - SignedDuration::from_hours(24 * 7));
        let label = self.label(iv);
        let at = format!(
            "{} ({})",
            when(start, self.cal().tz()),
            ago(self.now, start)
        );
        let id = Some(iv.id.as_str());
        if !iv.prepared.research {
            self.push(New {
                rule: Rule::PrepareResearch,
                lapses: Some(start),
                interview: id,
                person: None,
                opens,
                due,
                channel: None,
                title: format!("Research {}", self.app.company),
                why: format!(
                    "{label} on {at}; research is not marked done. Read their site, recent news and annual report, and re-read every email about the interview."
                ),
            });
        }
        let names: Vec<&str> = iv
            .interviewers
            .iter()
            .filter_map(|p| self.app.person(p))
            .map(|p| p.name.as_str())
            .collect();
        if !names.is_empty() {
            self.push(New {
                rule: Rule::PrepareInterviewer,
                lapses: Some(start),
                interview: id,
                person: None,
                opens,
                due,
                channel: None,
                title: format!("Look up {}", name_list(&names)),
                why: format!(
                    "You will meet {} at the {label} on {at}; a little background gives you something natural to mention.",
                    name_list(&names)
                ),
            });
        }
        if iv.prepared.questions < 3 {
            self.push(New {
                rule: Rule::PrepareQuestions,
                lapses: Some(start),
                interview: id,
                person: None,
                opens,
                due,
                channel: None,
                title: "Prepare three questions".into(),
                why: format!(
                    "{} of 3 questions prepared for the {label} on {at}; tie them to what your research found. Keep pay and benefits for after an offer.",
                    iv.prepared.questions
                ),
            });
        }
        self.push(New {
            rule: Rule::AskTimeline,
            lapses: Some(start),
            interview: id,
            person: None,
            opens,
            due,
            channel: None,
            title: "Plan to ask their timeline".into(),
            why: format!(
                "At the end of the {label} on {at}, ask when they expect to decide and how they would like you to follow up; Debrief will time your check-in by their answer."
            ),
        });
        if iv.format == InterviewFormat::InPerson {
            self.push(New {
                rule: Rule::BringCards,
                lapses: Some(start),
                interview: id,
                person: None,
                opens,
                due,
                channel: None,
                title: "Pack business cards".into(),
                why: format!(
                    "The {label} on {at} is in person: bring your cards and ask for theirs (a postal address makes a handwritten note possible)."
                ),
            });
        }
        self.push(New {
            rule: Rule::InterviewReminder,
            lapses: Some(start),
            interview: id,
            person: None,
            opens: start - SignedDuration::from_hours(24),
            due: start - SignedDuration::from_hours(2),
            channel: None,
            title: format!("{label} {}", ago(self.now, start)),
            why: format!("The {label} starts {at}."),
        });
    }

    /// §1 `prepare-contribution`: facts without a line on how you'd help.
    fn prepare_contribution(&mut self) {
        let open = self
            .app
            .research
            .iter()
            .filter(|r| r.contribution.is_none())
            .count();
        if open == 0 {
            return;
        }
        let next = self
            .app
            .interviews
            .iter()
            .filter(|iv| iv.status == InterviewStatus::Scheduled && iv.start.ts > self.now)
            .min_by_key(|iv| iv.start);
        let Some(iv) = next else { return };
        let start = iv.start.ts;
        self.push(New {
            rule: Rule::PrepareContribution,
            lapses: Some(start),
            interview: Some(&iv.id),
            person: None,
            opens: iv.scheduled_at.map(|m| m.ts).unwrap_or_else(|| start - SignedDuration::from_hours(24 * 7)),
            due: start - SignedDuration::from_hours(24),
            channel: None,
            title: "Link your research to what you'd bring".into(),
            why: format!(
                "{open} research fact{} for {} ha{} no line yet on how you would contribute; the {} is on {}.",
                if open == 1 { "" } else { "s" },
                self.app.company,
                if open == 1 { "s" } else { "ve" },
                self.label(iv),
                when(start, self.cal().tz()),
            ),
        });
    }

    /// §2: right after the interview.
    fn after(&mut self, iv: &'a Interview) {
        let start = iv.start.ts;
        let end = iv.end();
        // Most past interviews need nothing more: their wording is only
        // made when an action is.
        let app = self.app;
        let label_cell = OnceCell::new();
        let label = || label_cell.get_or_init(|| label_of(app, iv)).as_str();
        let id = Some(iv.id.as_str());
        if iv.status == InterviewStatus::Missed {
            let scheduler = self
                .app
                .people
                .iter()
                .find(|p| {
                    matches!(
                        p.kind,
                        PersonKind::Coordinator | PersonKind::Recruiter | PersonKind::Hr
                    )
                })
                .or_else(|| iv.interviewers.first().and_then(|p| self.app.person(p)));
            // PLAYBOOK `lapse`: 5 business days after it was due.
            let lapses = later_bd(self.cal(), end + SignedDuration::from_hours(4), 5);
            if !self.touched(None, &[TouchKind::Recovery], start)
                && !self.gone(
                    Rule::MissedInterviewRecovery,
                    id,
                    scheduler.map(|p| p.id.as_str()),
                    lapses,
                )
            {
                let label = label();
                let who = scheduler
                    .map(|p| p.name.clone())
                    .unwrap_or_else(|| "the person who scheduled it".into());
                self.push(New {
                    rule: Rule::MissedInterviewRecovery,
                    lapses: Some(lapses),
                    interview: id,
                    person: scheduler.map(|p| p.id.as_str()),
                    opens: start,
                    due: end + SignedDuration::from_hours(4),
                    channel: Some(scheduler.map(|p| self.channel_for(p)).unwrap_or(Channel::Email)),
                    title: format!("Contact {who} about the missed interview"),
                    why: format!(
                        "The {label} set for {} is marked missed and no recovery message is logged. Reach {who} now: own it, give the real reason, ask to reschedule.",
                        when(start, self.cal().tz())
                    ),
                });
            }
            return;
        }
        if !held(iv, self.now) {
            return;
        }
        let unconfirmed = iv.status == InterviewStatus::Scheduled;
        let now = self.now;
        // PLAYBOOK `lapse`: when the chores due 24 h after the end lapse.
        let chores = chores_lapse(
            self.cal(),
            self.starts(),
            iv,
            end + SignedDuration::from_hours(24),
        );
        let ended_cell = OnceCell::new();
        let ended = || {
            ended_cell
                .get_or_init(|| format!("{} ended {}", label(), ago(now, end)))
                .as_str()
        };

        let said_nothing = |p: &&Person| p.said.is_empty();
        let silent = iv
            .interviewers
            .iter()
            .filter_map(|p| app.person(p))
            .any(|p| said_nothing(&p));
        let lapses = days_after(self.cal(), end, 7);
        if (unconfirmed || silent) && !self.gone(Rule::DebriefCapture, id, None, lapses) {
            let label = label();
            let why = if unconfirmed {
                format!(
                    "The {label} was due to end {}, and it is not marked done or missed yet. Record how it went and what each person said while you remember.",
                    ago(self.now, end)
                )
            } else {
                let missing: Vec<&str> = iv
                    .interviewers
                    .iter()
                    .filter_map(|p| app.person(p))
                    .filter(said_nothing)
                    .map(|p| p.name.as_str())
                    .collect();
                format!(
                    "{}; nothing is recorded of what {} said. Note names, titles, what they said, their timeline and how they like to be contacted.",
                    ended(),
                    name_list(&missing)
                )
            };
            self.push(New {
                rule: Rule::DebriefCapture,
                lapses: Some(lapses),
                interview: id,
                person: None,
                opens: end,
                due: end + SignedDuration::from_hours(12),
                channel: None,
                title: "Capture the interview".into(),
                why,
            });
        }

        let assumed = if unconfirmed {
            " (assumed held; mark it missed if not)"
        } else {
            ""
        };
        for pid in &iv.interviewers {
            let Some(p) = self.app.person(pid) else {
                continue;
            };
            if self.thanked(pid, start) {
                continue;
            }
            let late = if self.now >= end + SignedDuration::from_hours(24) {
                " The 24 h window has passed; a late note still beats none."
            } else {
                ""
            };
            let panel = if iv.is_panel() {
                " Panel members compare notes: make it theirs alone."
            } else {
                ""
            };
            if !self.gone(Rule::ThankYouNote, id, Some(pid), chores) {
                self.push(New {
                    rule: Rule::ThankYouNote,
                    lapses: Some(chores),
                    interview: id,
                    person: Some(pid),
                    opens: end,
                    due: end + SignedDuration::from_hours(24),
                    channel: Some(self.channel_for(p)),
                    title: format!("Thank {}", p.name),
                    why: format!(
                        "{}{assumed}; no thank-you to {} logged yet.{panel}{late}",
                        ended(),
                        p.name
                    ),
                });
            }
            if iv.format == InterviewFormat::InPerson
                && !self.app.urgent
                && p.mailing_address.is_some()
            {
                let letter_sent = self.app.touches.iter().any(|t| {
                    t.kind == TouchKind::ThankYou
                        && t.channel == Channel::Letter
                        && t.at.ts >= start
                        && t.person.as_deref() == Some(pid)
                });
                let next = self.cal().add_business_days(self.cal().local_date(end), 1);
                let lapses =
                    chores_lapse(self.cal(), self.starts(), iv, self.cal().at(next, 17, 0));
                if !letter_sent && !self.gone(Rule::HandwrittenNote, id, Some(pid), lapses) {
                    self.push(New {
                        rule: Rule::HandwrittenNote,
                        lapses: Some(lapses),
                        interview: id,
                        person: Some(pid),
                        opens: end,
                        due: self.cal().at(next, 17, 0),
                        channel: Some(Channel::Letter),
                        title: format!("Optional: a handwritten note to {}", p.name),
                        why: format!(
                            "You met {} in person and have a postal address; a card delivered by {} arrives while others are still interviewing. Send it besides the email, not instead.",
                            p.name,
                            day(next, self.cal().local_date(self.now))
                        ),
                    });
                }
            }
        }
        for pid in &iv.also_met {
            let Some(p) = self.app.person(pid) else {
                continue;
            };
            if p.kind == PersonKind::Interviewer
                || self.thanked(pid, start)
                || self.gone(Rule::ThankStaff, id, Some(pid), chores)
            {
                continue;
            }
            let label = label();
            self.push(New {
                rule: Rule::ThankStaff,
                lapses: Some(chores),
                interview: id,
                person: Some(pid),
                opens: end,
                due: end + SignedDuration::from_hours(24),
                channel: Some(self.channel_for(p)),
                title: format!("Thank {} too", p.name),
                why: format!("{} ({}) helped on the day of the {label}; a short thank-you is not logged yet.", p.name, p.kind),
            });
        }
        if iv.asked_questions == Some(false)
            && !self.touched(None, &[TouchKind::Questions], start)
            && !self.gone(Rule::SendQuestions, id, None, chores)
        {
            let label = label();
            self.push(New {
                rule: Rule::SendQuestions,
                lapses: Some(chores),
                interview: id,
                person: None,
                opens: end,
                due: end + SignedDuration::from_hours(24),
                channel: Some(Channel::Email),
                title: "Add a few questions to your next note".into(),
                why: format!("You asked no questions at the {label}; a few thoughtful ones in the thank-you note show your interest."),
            });
        }
        let unapologized = |s: &&crate::model::SlipUp| s.noticed && !s.apologized;
        if iv.slip_ups.iter().any(|s| unapologized(&s))
            && !self.gone(Rule::ApologizeSlip, id, None, chores)
        {
            let label = label();
            let slips: Vec<&str> = iv
                .slip_ups
                .iter()
                .filter(unapologized)
                .map(|s| s.text.as_str())
                .collect();
            self.push(New {
                rule: Rule::ApologizeSlip,
                lapses: Some(chores),
                interview: id,
                person: None,
                opens: end,
                due: end + SignedDuration::from_hours(24),
                channel: Some(Channel::Email),
                title: "Apologize briefly for the slip".into(),
                why: format!(
                    "At the {label} they noticed: {}. One short, specific apology in the thank-you note settles it; mark it apologized once sent.",
                    slips.join("; ")
                ),
            });
        }
        if iv.disrupted
            && !self.touched(None, &[TouchKind::Explain], start)
            && !self.gone(Rule::ExplainDistraction, id, None, chores)
        {
            let label = label();
            self.push(New {
                rule: Rule::ExplainDistraction,
                lapses: Some(chores),
                interview: id,
                person: None,
                opens: end,
                due: end + SignedDuration::from_hours(24),
                channel: Some(Channel::Email),
                title: "Explain what disrupted the interview".into(),
                why: format!("You marked the {label} as disrupted by a serious event; a short call or email gives them the context."),
            });
        }
        let lapses = days_after(self.cal(), end, 14);
        if iv.reflection.is_none() && !self.gone(Rule::Reflect, id, None, lapses) {
            self.push(New {
                rule: Rule::Reflect,
                lapses: Some(lapses),
                interview: id,
                person: None,
                opens: end,
                due: end + SignedDuration::from_hours(48),
                channel: None,
                title: "Reflect on the interview".into(),
                why: format!("{}; no reflection yet. Start with what went well, then the one thing to change.", ended()),
            });
        }
    }

    /// §3 `status-check`: the one chase, with the policy that timed it.
    fn status_check(&mut self, latest: &Interview, plan: OpenPlan, counted: CountedFrom) {
        let name = self
            .app
            .person(&plan.person)
            .map(|p| p.name.clone())
            .unwrap_or_default();
        let since = match counted {
            CountedFrom::ThankYou(_) => "No reply since your thank-you",
            CountedFrom::Interview(_) => "No thank-you went out and no word since the interview",
        };
        self.push(New {
            rule: Rule::StatusCheck,
            interview: Some(&latest.id),
            person: Some(&plan.person),
            opens: plan.opens,
            due: plan.due,
            channel: Some(plan.channel),
            title: format!("Ask {name} for an update"),
            why: format!(
                "{since}; {}. One short {} to {name}, then wait.",
                plan.basis, plan.channel,
            ),
            lapses: Some(plan.lapses),
        });
        if let Some(last) = self.out.last_mut() {
            last.policy = Some(plan.note);
        }
    }

    /// §3 `move-on`, opening at `opens`, with why.
    fn move_on(&mut self, latest: &Interview, opens: Timestamp, why: String) {
        let opens_day = self.cal().local_date(opens);
        let due = self
            .cal()
            .at(self.cal().add_business_days(opens_day, 5), 17, 0);
        self.push(New {
            rule: Rule::MoveOn,
            interview: Some(&latest.id),
            person: None,
            opens,
            due,
            channel: None,
            title: format!("Let {} go", self.app.company),
            why,
            lapses: None,
        });
    }

    /// §3: waiting for an answer, until chasing is over (`stop-chasing`).
    fn waiting(&mut self) {
        let app = self.app;
        let Some(latest) = latest_held_interview(app, self.now) else {
            return;
        };
        let plan = match chase_stopped(app, self.now) {
            Some(_) => None,
            None => self.engine.status_check_plan(app, self.now),
        };
        if let Some(Plan::Open {
            latest,
            counted,
            floor,
        }) = plan
        {
            let check = app
                .touches
                .iter()
                .filter(|t| t.kind == TouchKind::StatusCheck && t.at.ts >= latest.start.ts)
                .min_by_key(|t| t.at);
            match check {
                None => {
                    if let Some(plan) = self.engine.cadence_from(app, latest, counted, floor) {
                        if !self.gone(
                            Rule::StatusCheck,
                            Some(&latest.id),
                            Some(&plan.person),
                            plan.lapses,
                        ) {
                            self.status_check(latest, plan, counted);
                        } else {
                            // PLAYBOOK `lapse`: the unsent check's moment
                            // passed; `move-on` opens then.
                            let name = app
                                .person(&plan.person)
                                .map(|p| p.name.as_str())
                                .unwrap_or("them");
                            let why = format!(
                                "The moment for a status check to {name} passed on {} with no word from {}. Record the outcome as no-response and stop chasing; staying in touch is still open.",
                                day(
                                    self.cal().local_date(plan.lapses),
                                    self.cal().local_date(self.now)
                                ),
                                app.company
                            );
                            self.move_on(latest, plan.lapses, why);
                        }
                    }
                }
                Some(check) if !replied_since(app, check.at.ts, self.now) => {
                    let from = self.cal().local_date(check.at.ts);
                    let opens_day = self.cal().add_business_days(from, 10);
                    let who = check
                        .person
                        .as_deref()
                        .and_then(|p| app.person(p))
                        .map(|p| format!(" to {}", p.name))
                        .unwrap_or_default();
                    let why = format!(
                        "Your status check{who} on {} has had no reply for 10 business days. Record the outcome as no-response and stop chasing; staying in touch is still open.",
                        day(from, self.cal().local_date(self.now))
                    );
                    self.move_on(latest, self.cal().at(opens_day, 9, 0), why);
                }
                Some(_) => {}
            }
        }
        // `congratulate`: news while waiting, answered with value, not a chase.
        let contact = status_check_target(app, latest, self.cal());
        let since_day = self.cal().local_date(latest.start.ts);
        for news in app.news.iter().filter(|n| n.on >= since_day) {
            let answered = app.touches.iter().any(|t| {
                matches!(t.kind, TouchKind::Congratulate | TouchKind::Content)
                    && self.cal().local_date(t.at.ts) >= news.on
            });
            if answered {
                continue;
            }
            // PLAYBOOK `lapse`: 10 business days after the news.
            let lapses = self
                .cal()
                .at(self.cal().add_business_days(news.on, 10), 17, 0);
            if self.gone(
                Rule::Congratulate,
                None,
                contact.map(|p| p.id.as_str()),
                lapses,
            ) {
                continue;
            }
            self.push(New {
                rule: Rule::Congratulate,
                interview: None,
                person: contact.map(|p| p.id.as_str()),
                opens: self.cal().at(news.on, 9, 0),
                due: self.cal().at(self.cal().add_business_days(news.on, 3), 17, 0),
                channel: Some(contact.map(|p| self.channel_for(p)).unwrap_or(Channel::Email)),
                title: format!("Congratulate {} on their news", app.company),
                why: format!(
                    "{} on {}: \"{}\". A short congratulation adds value and does not count as a chase.",
                    app.company,
                    day(news.on, self.cal().local_date(self.now)),
                    news.text
                ),
                lapses: Some(lapses),
            });
        }
    }

    /// §4: after the outcome.
    fn outcome(&mut self) {
        let app = self.app;
        let Some(outcome) = &app.outcome else { return };
        let on = outcome.on;
        let today = self.cal().local_date(self.now);
        let start_of = self.cal().at(on, 0, 0);
        let cal = &self.engine.cal;
        let within = |n: u32| cal.at(cal.add_business_days(on, n), 17, 0);
        // PLAYBOOK `lapse`: 17:00 on the 15th business day after the outcome.
        let after_outcome = within(15);
        let latest = app
            .interviews
            .iter()
            .filter(|iv| iv.status == InterviewStatus::Done)
            .max_by_key(|iv| iv.start);
        let interviewer = latest
            .and_then(|iv| iv.interviewers.first())
            .and_then(|p| app.person(p))
            .or_else(|| {
                app.people
                    .iter()
                    .find(|p| p.kind == PersonKind::Interviewer)
            });
        let touched_since = |kinds: &[TouchKind]| {
            app.touches
                .iter()
                .any(|t| kinds.contains(&t.kind) && cal.local_date(t.at.ts) >= on)
        };
        if outcome.kind == OutcomeKind::Rejected
            && !touched_since(&[TouchKind::FeedbackRequest])
            && !self.gone(
                Rule::RequestFeedbackCall,
                latest.map(|iv| iv.id.as_str()),
                interviewer.map(|p| p.id.as_str()),
                after_outcome,
            )
        {
            let who = interviewer
                .map(|p| p.name.clone())
                .unwrap_or_else(|| "your interviewer".into());
            self.push(New {
                rule: Rule::RequestFeedbackCall,
                lapses: Some(after_outcome),
                interview: latest.map(|iv| iv.id.as_str()),
                person: interviewer.map(|p| p.id.as_str()),
                opens: start_of,
                due: within(3),
                channel: Some(interviewer.map(|p| self.channel_for(p)).unwrap_or(Channel::Email)),
                title: format!("Ask {who} for a short feedback call"),
                why: format!(
                    "{} turned you down on {}. Ask {who} (not HR) for ten minutes on how you interviewed, never about who got it; expect no answer and thank them for anything.",
                    app.company,
                    day(on, today)
                ),
            });
        }
        let open_points: Vec<&str> = outcome
            .feedback
            .iter()
            .filter(|f| {
                f.kind.is_none()
                    || (f.kind == Some(crate::model::FeedbackKind::Skill)
                        && !f.positive
                        && f.plan.is_none())
            })
            .map(|f| f.text.as_str())
            .collect();
        if !open_points.is_empty() {
            self.push(New {
                rule: Rule::ActOnFeedback,
                lapses: None,
                interview: None,
                person: None,
                opens: start_of,
                due: within(5),
                channel: None,
                title: "Turn the feedback into a plan".into(),
                why: format!(
                    "{} point{} of feedback from {} still need{} sorting (a behaviour to change, or a skill with a next step and a date): {}.",
                    open_points.len(),
                    if open_points.len() == 1 { "" } else { "s" },
                    app.company,
                    if open_points.len() == 1 { "s" } else { "" },
                    open_points.join("; ")
                ),
            });
        }
        if outcome.feedback.iter().any(|f| f.positive)
            && !touched_since(&[TouchKind::Questions])
            && !self.gone(
                Rule::AskThreeQuestions,
                None,
                interviewer.map(|p| p.id.as_str()),
                after_outcome,
            )
        {
            self.push(New {
                rule: Rule::AskThreeQuestions,
                lapses: Some(after_outcome),
                interview: None,
                person: interviewer.map(|p| p.id.as_str()),
                opens: start_of,
                due: within(3),
                channel: Some(interviewer.map(|p| self.channel_for(p)).unwrap_or(Channel::Email)),
                title: "Ask about other roles and staying in touch".into(),
                why: format!(
                    "{} said something positive about you. Ask whether they would consider you for a similar role, whether another role fits better, and whether you may stay in touch.",
                    app.company
                ),
            });
        }
        if outcome.stay_in_touch {
            let last = app.touches.iter().max_by_key(|t| t.at);
            let base = last.map(|t| t.at.ts).unwrap_or(start_of).max(start_of);
            let zoned = base.to_zoned(self.cal().tz().clone());
            let due = zoned
                .checked_add(6.weeks())
                .map(|z| z.timestamp())
                .unwrap_or(base);
            let opens = zoned
                .checked_add(5.weeks())
                .map(|z| z.timestamp())
                .unwrap_or(base);
            let who = last
                .and_then(|t| t.person.as_deref())
                .and_then(|p| app.person(p))
                .filter(|p| p.kind != PersonKind::Hr)
                .or(interviewer);
            self.push(New {
                rule: Rule::StayInTouch,
                lapses: None,
                interview: None,
                person: who.map(|p| p.id.as_str()),
                opens,
                due,
                channel: Some(who.map(|p| self.channel_for(p)).unwrap_or(Channel::Email)),
                title: format!("Stay in touch with {}", who.map(|p| p.name.as_str()).unwrap_or(&app.company)),
                why: format!(
                    "You agreed to stay in touch with {}; {}. Every six weeks or so, send something useful: an article, a whitepaper, congratulations.",
                    app.company,
                    // Say what the six weeks count from: the last touch, or
                    // the outcome's day when nothing was sent since.
                    match last {
                        Some(t) if t.at.ts >= start_of => {
                            format!("the last touch was {}", ago(self.now, t.at.ts))
                        }
                        Some(_) => format!(
                            "counting from the outcome on {}, as nothing was sent since",
                            day(on, today)
                        ),
                        None => format!("counting from the outcome on {}", day(on, today)),
                    }
                ),
            });
        }
        if outcome.kind == OutcomeKind::Offer {
            self.push(New {
                rule: Rule::NegotiateAfterOffer,
                lapses: None,
                interview: None,
                person: None,
                opens: start_of,
                due: within(3),
                channel: None,
                title: format!("Negotiate with {}", app.company),
                why: format!(
                    "{} made an offer on {}: salary, benefits and conditions are fair topics now.",
                    app.company,
                    day(on, today)
                ),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parts computed apart and merged are the agenda computed in one
    /// sort, whatever the number and sizes of the parts (empty ones and a
    /// part given twice too: copies of an action stay side by side).
    #[test]
    fn merged_parts_are_the_agenda_of_the_whole() {
        let now: Timestamp = "2026-11-22T15:00:00Z".parse().expect("now");
        let demo = crate::demo::dataset(now, "America/Chicago").expect("demo");
        let engine = Engine::new(&demo.profile).expect("engine");
        // Twelve copies of the demo's applications under other ids, in
        // an order that mixes them.
        let mut apps: Vec<Application> = (0..12)
            .flat_map(|copy| {
                demo.applications.iter().map(move |a| {
                    let mut a = a.clone();
                    a.id = AppId::new(format!("{}-{copy:02}", a.id));
                    a
                })
            })
            .collect();
        apps.reverse();
        assert!(apps.len() < PARALLEL_FROM, "one sort is the reference");
        let whole = engine.actions_of(&apps, now);
        assert!(whole.len() > 50, "{} actions", whole.len());
        let mut seed = 7_u64;
        for k in 1..=17 {
            // k parts of random sizes, some empty.
            let mut cuts: Vec<usize> = (1..k)
                .map(|_| {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    (seed >> 33) as usize % (apps.len() + 1)
                })
                .collect();
            cuts.push(0);
            cuts.push(apps.len());
            cuts.sort_unstable();
            let parts: Vec<Vec<Action>> = cuts
                .windows(2)
                .map(|w| engine.actions_of(&apps[w[0]..w[1]], now))
                .collect();
            let borrowed: Vec<Action> = Merged::new(&parts).cloned().collect();
            assert_eq!(borrowed, whole, "{k} parts, borrowed");
            assert_eq!(Merged::new(&parts).len(), whole.len());
            assert_eq!(merge_actions(parts), whole, "{k} parts");
        }
        let twice = merge_actions(vec![whole.clone(), Vec::new(), whole.clone()]);
        assert_eq!(twice.len(), 2 * whole.len());
        for (pair, one) in twice.chunks(2).zip(&whole) {
            assert_eq!(&pair[0], one);
            assert_eq!(&pair[1], one);
        }
        assert!(merge_actions(Vec::new()).is_empty());
        assert_eq!(merge_actions(vec![whole.clone()]), whole);
    }

    #[test]
    fn stay_in_touch_says_what_its_six_weeks_count_from() {
        let now: Timestamp = "2026-11-22T15:00:00Z".parse().expect("now");
        let mut data = crate::demo::dataset(now, "America/Chicago").expect("demo");
        let i = data
            .applications
            .iter()
            .position(|a| a.outcome.is_some())
            .expect("an application with an outcome");
        data.applications[i]
            .outcome
            .as_mut()
            .expect("outcome")
            .stay_in_touch = true;
        let engine = Engine::new(&data.profile).expect("engine");
        let why = |data: &Dataset| {
            engine
                .agenda(data, now)
                .actions
                .into_iter()
                .find(|a| a.rule == Rule::StayInTouch)
                .expect("stay-in-touch")
                .why
        };
        // The demo's touches all came before the outcome.
        let w = why(&data);
        assert!(w.contains("counting from the outcome on "), "{w}");
        assert!(!w.contains("last touch"), "{w}");
        data.applications[i].touches.clear();
        let w = why(&data);
        assert!(w.contains("counting from the outcome on "), "{w}");
        data.applications[i].touches.push(Touch {
            at: Moment::in_zone(
                now - SignedDuration::from_hours(3),
                &jiff::tz::TimeZone::UTC,
            ),
            person: None,
            channel: Channel::Email,
            kind: TouchKind::Content,
            replied_at: None,
            forced: false,
            note: None,
            message_id: None,
        });
        let w = why(&data);
        assert!(w.contains("the last touch was 3 h ago"), "{w}");
    }

    #[test]
    fn agenda_json_is_serdes_pretty_json() {
        let now: Timestamp = "2026-11-22T15:00:00Z".parse().expect("now");
        let data = crate::demo::dataset(now, "America/Chicago").expect("demo");
        let engine = Engine::new(&data.profile).expect("engine");
        let mut agenda = engine.agenda(&data, now);
        assert!(!agenda.actions.is_empty());
        let expected = serde_json::to_vec_pretty(&agenda).expect("json");
        assert_eq!(
            String::from_utf8_lossy(&agenda.to_pretty_json()),
            String::from_utf8_lossy(&expected)
        );
        // Enough actions for the parallel path, and none at all.
        let one = agenda.actions.clone();
        while agenda.actions.len() < PARALLEL_JSON_FROM * 2 + 7 {
            agenda.actions.extend(one.iter().cloned());
        }
        let expected = serde_json::to_vec_pretty(&agenda).expect("json");
        assert!(agenda.to_pretty_json() == expected, "parallel JSON differs");
        agenda.actions.clear();
        let expected = serde_json::to_vec_pretty(&agenda).expect("json");
        assert_eq!(agenda.to_pretty_json(), expected);
    }
}
