//! From an invite to changes in an application: which interview to create
//! or update, and which people to add. Pure: the caller (the CLI) decides
//! the application, keeps the UID→SEQUENCE record and writes the store.
//!
//! Idempotence: the interview id is derived from the UID
//! ([`interview_id_for_uid`]), so re-importing the same invite finds the
//! same interview; the SEQUENCE last imported (kept by the caller in
//! [`ImportContext::imported`]) decides whether a later copy changes it.

use std::collections::BTreeMap;

use debrief_core::model::{
    Application, Interview, InterviewFormat, InterviewStatus, InviteRef, Moment, Person, PersonId,
    PersonKind,
};
use jiff::civil::Time;
use jiff::tz::TimeZone;
use serde::Serialize;

use crate::event::{EventStatus, EventTime, InviteEvent};

/// What the caller knows beyond the invite.
#[derive(Debug, Clone)]
pub struct ImportContext {
    /// The profile's zone: interview times are written with its offset, and
    /// all-day events are placed in it.
    pub zone: TimeZone,
    /// The candidate's own addresses: never added as people.
    pub user_emails: Vec<String>,
    /// The candidate's own name, for invites that list them without address.
    pub user_name: Option<String>,
    /// UID → SEQUENCE of invites already imported into this application.
    pub imported: BTreeMap<String, u32>,
}

impl Default for ImportContext {
    fn default() -> Self {
        ImportContext {
            zone: TimeZone::UTC,
            user_emails: vec![],
            user_name: None,
            imported: BTreeMap::new(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PlanAction {
    /// Add `interview` (and `new_people`) to the application.
    Create,
    /// Replace the interview with the same id by `interview`.
    Update,
    /// Already imported at this or a later SEQUENCE: change nothing.
    Unchanged,
    /// Not an invitation to act on (a reply, or the cancellation of an
    /// interview that was never imported): change nothing.
    Ignore,
}

/// The changes one invite asks for.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InvitePlan {
    pub uid: String,
    pub sequence: u32,
    pub action: PlanAction,
    /// The interview as it should be stored after this import (for
    /// `Unchanged`/`Ignore`: as it is, or would have been).
    pub interview: Interview,
    /// People to add; ids are unique within the application.
    pub new_people: Vec<Person>,
    /// Existing people to replace (an address learnt from the invite).
    pub updated_people: Vec<Person>,
    /// Human-readable remarks (assumptions made, why nothing changes).
    pub notes: Vec<String>,
}

impl InvitePlan {
    /// Applies the plan to an in-memory application (what the CLI then
    /// stores). `Unchanged` and `Ignore` leave it as it is.
    pub fn apply_to(&self, app: &mut Application) {
        if matches!(self.action, PlanAction::Unchanged | PlanAction::Ignore) {
            return;
        }
        for p in &self.new_people {
            if app.person(&p.id).is_none() {
                app.people.push(p.clone());
            }
        }
        for p in &self.updated_people {
            if let Some(slot) = app.people.iter_mut().find(|q| q.id == p.id) {
                *slot = p.clone();
            }
        }
        match app
            .interviews
            .iter_mut()
            .find(|i| i.id == self.interview.id)
        {
            Some(slot) => *slot = self.interview.clone(),
            None => app.interviews.push(self.interview.clone()),
        }
        self.advance_stage(app);
    }

    /// An invitation moves the application on, as scheduling by hand does
    /// (`core::edit::advance_for_interview`).
    pub(crate) fn advance_stage(&self, app: &mut Application) {
        if self.interview.status == InterviewStatus::Scheduled {
            debrief_core::edit::advance_for_interview(app, self.interview.format);
        }
    }

    /// Does the plan change anything?
    pub fn changes(&self) -> bool {
        matches!(self.action, PlanAction::Create | PlanAction::Update)
    }
}

/// The interview id for a UID: `ics-` and 12 hex digits of a stable hash —
/// short, safe in paths and shells, the same on every import.
pub fn interview_id_for_uid(uid: &str) -> String {
    format!(
        "{}{:012x}",
        debrief_core::keys::INVITE_INTERVIEW_PREFIX,
        crate::fnv1a64(uid.trim().as_bytes()) >> 16
    )
}

/// What planning an invite reads of its application: its interviews by id
/// and its people by address, name and id. An [`Application`] answers by
/// scanning; a whole-file import answers from an index it keeps
/// (`import.rs`), so one event costs the same however many interviews and
/// people the application has gathered.
pub(crate) trait Known {
    fn interview(&self, id: &str) -> Option<&Interview>;
    /// The first person whose address is `email` (the person's address
    /// trimmed, ASCII case ignored).
    fn person_by_email(&self, email: &str) -> Option<&Person>;
    /// The first person whose [`normalize_name`] is `normalized`.
    fn person_by_name(&self, normalized: &str) -> Option<&Person>;
    fn has_person(&self, id: &str) -> bool;
}

impl Known for Application {
    fn interview(&self, id: &str) -> Option<&Interview> {
        Application::interview(self, id)
    }
    fn person_by_email(&self, email: &str) -> Option<&Person> {
        self.people.iter().find(|p| {
            p.email
                .as_deref()
                .is_some_and(|pe| pe.trim().eq_ignore_ascii_case(email))
        })
    }
    fn person_by_name(&self, normalized: &str) -> Option<&Person> {
        self.people
            .iter()
            .find(|p| normalize_name(&p.name) == normalized)
    }
    fn has_person(&self, id: &str) -> bool {
        self.people.iter().any(|p| p.id == id)
    }
}

/// Plans one invite against `existing` (the application it belongs to, if
/// it exists yet).
pub fn interview_from_invite(
    ev: &InviteEvent,
    existing: Option<&Application>,
    ctx: &ImportContext,
) -> InvitePlan {
    plan_with(ev, existing.map(|a| a as &dyn Known), ctx)
}

/// [`interview_from_invite`] against any [`Known`].
pub(crate) fn plan_with(
    ev: &InviteEvent,
    existing: Option<&dyn Known>,
    ctx: &ImportContext,
) -> InvitePlan {
    let id = interview_id_for_uid(&ev.uid);
    let current = existing.and_then(|a| a.interview(&id));
    let mut notes = Vec::new();
    let plan =
        |action: PlanAction, interview: Interview, people: People, notes: Vec<String>| InvitePlan {
            uid: ev.uid.clone(),
            sequence: ev.sequence,
            action,
            interview,
            new_people: people.new,
            updated_people: people.updated,
            notes,
        };

    if let Some(method) = ev.method.as_deref()
        && matches!(method, "REPLY" | "REFRESH" | "COUNTER" | "DECLINECOUNTER")
    {
        notes.push(format!(
            "METHOD:{method} answers an invitation; nothing to import"
        ));
        let iv = current
            .cloned()
            .unwrap_or_else(|| build(ev, None, &id, ctx, &mut vec![], &[]));
        return plan(PlanAction::Ignore, iv, People::default(), notes);
    }
    if let Some(&last) = ctx.imported.get(&ev.uid)
        && ev.sequence <= last
    {
        notes.push(format!(
            "already imported at SEQUENCE {last}; this copy has SEQUENCE {}",
            ev.sequence
        ));
        let iv = current
            .cloned()
            .unwrap_or_else(|| build(ev, None, &id, ctx, &mut vec![], &[]));
        return plan(PlanAction::Unchanged, iv, People::default(), notes);
    }
    if current.is_none() && ev.status == EventStatus::Cancelled {
        notes.push("cancels an interview that was never imported; nothing to do".to_string());
        let iv = build(ev, None, &id, ctx, &mut vec![], &[]);
        return plan(PlanAction::Ignore, iv, People::default(), notes);
    }

    if ev.recurring {
        notes.push("repeats (RRULE): only its first occurrence is imported".to_string());
    }
    if let Some(rid) = &ev.recurrence_id {
        notes.push(format!(
            "changes one occurrence ({rid}) of a repeating invite; it updates the same interview"
        ));
    }
    let people = resolve_people(ev, existing, ctx);
    let interview = build(ev, current, &id, ctx, &mut notes, &people.interviewers);
    let action = match current {
        None => PlanAction::Create,
        Some(old) if *old == interview && people.new.is_empty() && people.updated.is_empty() => {
            PlanAction::Unchanged
        }
        Some(_) => PlanAction::Update,
    };
    plan(action, interview, people, notes)
}

/// Plans several invites (one file) in order, each seeing the effect of
/// the ones before — two copies of one UID in a file resolve by SEQUENCE.
/// Apply the plans in the same order.
pub fn plan_invites(
    events: &[InviteEvent],
    app: &Application,
    ctx: &ImportContext,
) -> Vec<InvitePlan> {
    let mut app = app.clone();
    let mut ctx = ctx.clone();
    events
        .iter()
        .map(|ev| {
            let plan = interview_from_invite(ev, Some(&app), &ctx);
            if plan.changes() {
                plan.apply_to(&mut app);
                ctx.imported.insert(plan.uid.clone(), plan.sequence);
            }
            plan
        })
        .collect()
}

/// The application an invite most likely belongs to: the one already
/// holding its interview, else the one whose people share the most
/// addresses with it, else the only active one whose company the title
/// names.
pub fn find_application<'a>(ev: &InviteEvent, apps: &'a [Application]) -> Option<&'a Application> {
    let id = interview_id_for_uid(&ev.uid);
    if let Some(app) = apps.iter().find(|a| a.interview(&id).is_some()) {
        return Some(app);
    }
    let emails: Vec<String> = ev
        .attendees
        .iter()
        .filter_map(|a| a.email.as_deref())
        .chain(ev.organizer.as_ref().and_then(|o| o.email.as_deref()))
        .map(str::to_lowercase)
        .collect();
    let shared = |a: &Application| {
        a.people
            .iter()
            .filter_map(|p| p.email.as_deref())
            .filter(|e| emails.contains(&e.to_lowercase()))
            .count()
    };
    if let Some(best) = apps
        .iter()
        .filter(|a| shared(a) > 0)
        .max_by_key(|a| shared(a))
    {
        return Some(best);
    }
    let title = ev.summary.to_lowercase();
    let mut named = apps
        .iter()
        .filter(|a| a.is_active() && !a.company.trim().is_empty())
        .filter(|a| title.contains(&a.company.trim().to_lowercase()));
    match (named.next(), named.next()) {
        (Some(one), None) => Some(one),
        _ => None,
    }
}

/// The interview as the invite describes it, keeping what the user recorded
/// on an existing one (reflection, slip-ups, preparation…).
fn build(
    ev: &InviteEvent,
    current: Option<&Interview>,
    id: &str,
    ctx: &ImportContext,
    notes: &mut Vec<String>,
    interviewers: &[PersonId],
) -> Interview {
    let (start_ts, minutes) = match (ev.start, ev.end) {
        (EventTime::Instant(s), EventTime::Instant(e)) => {
            let mins = e.duration_since(s).as_secs() / 60;
            let minutes = if mins <= 0 {
                notes.push("no end time; assumed 60 minutes".to_string());
                60
            } else if mins > MAX_MINUTES {
                notes.push(format!(
                    "lasts {} hours; kept as one day ({} hours)",
                    mins / 60,
                    MAX_MINUTES / 60
                ));
                MAX_MINUTES as u32
            } else {
                u32::try_from(mins).unwrap_or(MAX_MINUTES as u32)
            };
            (Some(s), minutes)
        }
        (EventTime::Date(d), _) => {
            notes.push("all-day event: assumed 09:00–17:00 on its first day".to_string());
            let nine = ctx
                .zone
                .to_timestamp(d.to_datetime(Time::constant(9, 0, 0, 0)))
                .ok();
            (nine, 480)
        }
        (EventTime::Instant(s), EventTime::Date(_)) => (Some(s), 60),
    };
    let start = match start_ts {
        Some(ts) => Moment::in_zone(ts, &ctx.zone),
        None => current.map_or(
            Moment::new(jiff::Timestamp::UNIX_EPOCH, jiff::tz::Offset::UTC),
            |c| c.start,
        ),
    };
    let mut iv = current
        .cloned()
        .unwrap_or_else(|| Interview::new(id, start));
    let old_format = iv.format;
    iv.start = start;
    iv.minutes = minutes;
    iv.format = match (ev.format, current) {
        (Some(f), _) => f,
        (None, Some(c)) => c.format,
        (None, None) => {
            notes.push("format not stated in the invite; video assumed".to_string());
            InterviewFormat::Video
        }
    };
    iv.status = match (ev.status, iv.status) {
        (EventStatus::Cancelled, _) => InterviewStatus::Cancelled,
        // The user's own record of what happened wins over the diary.
        (EventStatus::Scheduled, s @ (InterviewStatus::Done | InterviewStatus::Missed)) => s,
        (EventStatus::Scheduled, _) => InterviewStatus::Scheduled,
    };
    for p in interviewers {
        if !iv.interviewers.contains(p) {
            iv.interviewers.push(p.clone());
        }
    }
    if current.is_none() {
        iv.scheduled_at = ev.stamp.map(|ts| Moment::in_zone(ts, &ctx.zone));
    }
    // What the invite says wins; what it leaves out is kept from before
    // unless the way of meeting changed (a video link makes no sense for
    // an interview moved on site).
    let same_format = current.is_none() || iv.format == old_format;
    let link = ev
        .link
        .clone()
        .filter(|l| debrief_core::exchange::check_link(l).is_ok());
    iv.link = match link {
        Some(l) => Some(l),
        None if same_format => iv.link.take(),
        None => None,
    };
    iv.location = match place(ev) {
        Some(p) => Some(p),
        None if same_format => iv.location.take(),
        None => None,
    };
    iv.invite = Some(InviteRef {
        uid: ev.uid.clone(),
        sequence: ev.sequence,
    });
    iv
}

/// The longest interview the exchange format accepts.
const MAX_MINUTES: i64 = 24 * 60;

/// Where the interview happens: the invite's location unless it only names
/// the video service ("Microsoft Teams Meeting", a link), else its rooms.
fn place(ev: &InviteEvent) -> Option<String> {
    let location = ev
        .location
        .as_deref()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !crate::detect::is_online_placeholder(l));
    match location {
        Some(l) => Some(l.to_string()),
        None if !ev.rooms.is_empty() => Some(ev.rooms.join(", ")),
        None => None,
    }
}

/// UID → SEQUENCE of every invite already imported into `app`: what
/// [`ImportContext::imported`] needs, read from the interviews themselves.
pub fn imported_invites(app: &Application) -> BTreeMap<String, u32> {
    app.interviews
        .iter()
        .filter_map(|i| i.invite.as_ref())
        .map(|v| (v.uid.clone(), v.sequence))
        .collect()
}

#[derive(Default)]
struct People {
    new: Vec<Person>,
    updated: Vec<Person>,
    /// Ids of the people who interview, in invite order.
    interviewers: Vec<PersonId>,
}

struct Candidate {
    name: String,
    email: Option<String>,
    kind: PersonKind,
    interviews: bool,
}

pub(crate) fn normalize_name(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Directory-style "Müller, Anna" (Exchange, Notes) → "Anna Müller": the
/// name the note will greet.
fn natural_name(name: &str) -> String {
    match name.split_once(',') {
        Some((last, first))
            if !first.contains(',')
                && !last.trim().is_empty()
                && !first.trim().is_empty()
                && last.split_whitespace().count() <= 3
                && first.split_whitespace().count() <= 3 =>
        {
            format!("{} {}", first.trim(), last.trim())
        }
        _ => name.trim().to_string(),
    }
}

/// "marie.dubois" → "Marie Dubois", for attendees listed without a name.
fn name_from_email(email: &str) -> String {
    let local = email.split('@').next().unwrap_or(email);
    local
        .split(['.', '_', '-', '+'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| {
                    f.to_uppercase()
                        .chain(c.flat_map(char::to_lowercase))
                        .collect::<String>()
                })
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// An id from a name: lowercase ASCII words joined by `-`, common accents
/// folded ("Zoë Müller" → "zoe-muller").
fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        let folded = match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' => "a",
            'ç' | 'ć' | 'č' => "c",
            'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ę' => "e",
            'ì' | 'í' | 'î' | 'ï' => "i",
            'ñ' | 'ń' => "n",
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' => "o",
            'ù' | 'ú' | 'û' | 'ü' | 'ū' => "u",
            'ý' | 'ÿ' => "y",
            'ß' => "ss",
            'ł' => "l",
            'š' | 'ś' => "s",
            'ž' | 'ź' | 'ż' => "z",
            c if c.is_ascii_alphanumeric() => {
                out.push(c);
                continue;
            }
            _ => "-",
        };
        out.push_str(folded);
    }
    let parts: Vec<&str> = out.split('-').filter(|s| !s.is_empty()).collect();
    if parts.is_empty() {
        "person".to_string()
    } else {
        parts.join("-")
    }
}

fn resolve_people(ev: &InviteEvent, existing: Option<&dyn Known>, ctx: &ImportContext) -> People {
    let user_key = ctx.user_name.as_deref().map(crate::user::name_key);
    let is_user = |name: Option<&str>, email: Option<&str>| {
        crate::user::is_user_keyed(name, email, &ctx.user_emails, user_key.as_deref())
    };
    let display = |name: Option<&str>, email: Option<&str>| -> Option<String> {
        match (name, email) {
            (Some(n), _) if !n.contains('@') => Some(natural_name(n)),
            (_, Some(e)) => Some(name_from_email(e)).filter(|n| !n.is_empty()),
            (Some(n), None) => Some(n.to_string()),
            (None, None) => None,
        }
    };

    // Everyone in the invite, de-duplicated (the organizer is usually also
    // an attendee): attendees first, so their role wins.
    let mut candidates: Vec<Candidate> = Vec::new();
    let attendees = ev.attendees.iter().map(|a| {
        let interviews = a.role != "NON-PARTICIPANT";
        let kind = if interviews {
            PersonKind::Interviewer
        } else {
            PersonKind::Other
        };
        (a.name.as_deref(), a.email.as_deref(), kind, interviews)
    });
    // An organizer who invites nobody else (a Zoom link sent by the
    // interviewer) is the interviewer; otherwise they coordinate. Not so
    // for a cancellation or an update of an interview whose interviewers
    // are known: those list fewer people, not other ones.
    let current = existing.and_then(|a| a.interview(&interview_id_for_uid(&ev.uid)));
    let alone = ev.status == EventStatus::Scheduled
        && current.is_none_or(|c| c.interviewers.is_empty())
        && ev
            .attendees
            .iter()
            .all(|a| a.role == "NON-PARTICIPANT" || is_user(a.name.as_deref(), a.email.as_deref()));
    let organizer = ev.organizer.iter().map(|o| {
        if alone {
            (
                o.name.as_deref(),
                o.email.as_deref(),
                PersonKind::Interviewer,
                true,
            )
        } else {
            (
                o.name.as_deref(),
                o.email.as_deref(),
                PersonKind::Coordinator,
                false,
            )
        }
    });
    for (name, email, kind, interviews) in attendees.chain(organizer) {
        if is_user(name, email) {
            continue;
        }
        let Some(display) = display(name, email) else {
            continue;
        };
        let same = candidates.iter().position(|c| match (&c.email, email) {
            (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
            _ => normalize_name(&c.name) == normalize_name(&display),
        });
        match same {
            Some(i) => {
                if candidates[i].email.is_none() {
                    candidates[i].email = email.map(str::to_string);
                }
            }
            None => candidates.push(Candidate {
                name: display,
                email: email.map(str::to_string),
                kind,
                interviews,
            }),
        }
    }

    let mut people = People::default();
    for c in candidates {
        // The application's people first, then those this invite adds.
        let by_email = c.email.as_deref().and_then(|e| {
            let mine = |p: &&Person| {
                p.email
                    .as_deref()
                    .is_some_and(|pe| pe.trim().eq_ignore_ascii_case(e))
            };
            match existing.and_then(|k| k.person_by_email(&e.to_ascii_lowercase())) {
                Some(p) => Some((p, true)),
                None => people.new.iter().find(mine).map(|p| (p, false)),
            }
        });
        let matched = by_email.or_else(|| {
            let name = normalize_name(&c.name);
            match existing.and_then(|k| k.person_by_name(&name)) {
                Some(p) => Some((p, true)),
                None => people
                    .new
                    .iter()
                    .find(|p| normalize_name(&p.name) == name)
                    .map(|p| (p, false)),
            }
        });
        let id = match matched {
            Some((p, stored)) => {
                if p.email.is_none() && c.email.is_some() && stored {
                    let mut filled = p.clone();
                    filled.email = c.email.clone();
                    people.updated.push(filled);
                }
                p.id.clone()
            }
            None => {
                let base = slug(&c.name);
                let taken = |id: &str| {
                    existing.is_some_and(|k| k.has_person(id))
                        || people.new.iter().any(|p| p.id == id)
                };
                let mut id = base.clone();
                let mut n = 2;
                while taken(&id) {
                    id = format!("{base}-{n}");
                    n += 1;
                }
                let id = PersonId::from(id);
                let mut person = Person::new(id.clone(), c.name.clone(), c.kind);
                person.email = c.email.clone();
                people.new.push(person);
                id
            }
        };
        if c.interviews && !people.interviewers.contains(&id) {
            people.interviewers.push(id);
        }
    }
    people
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_stable_and_shell_safe() {
        let id = interview_id_for_uid("040000008200E00074C5B7101A82E008@example.com");
        assert_eq!(
            id,
            interview_id_for_uid(" 040000008200E00074C5B7101A82E008@example.com ")
        );
        assert_eq!(id.len(), "ics-".len() + 12);
        assert!(id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
        assert_ne!(id, interview_id_for_uid("another"));
    }

    #[test]
    fn names_and_slugs() {
        assert_eq!(name_from_email("marie.dubois@acme.example"), "Marie Dubois");
        assert_eq!(slug("Zoë  Müller-Lüdenscheidt"), "zoe-muller-ludenscheidt");
        assert_eq!(slug("Дон Дуо"), "person");
        assert_eq!(natural_name("Müller, Anna"), "Anna Müller");
        assert_eq!(natural_name("Anna Müller"), "Anna Müller");
        assert_eq!(natural_name("a, b, c"), "a, b, c");
    }
}
