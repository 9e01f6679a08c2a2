//! A file of invites into the store's applications: which application each
//! event belongs to (and why), what it changes, and the validated result.
//!
//! Pure, like the rest of the crate: the caller reads the applications,
//! passes them in, and writes [`ImportResult::changed`] in one transaction
//! (or nothing, for a dry run). Events are handled in file order, each
//! seeing the effect of the ones before, so two copies of one invite in a
//! file resolve by SEQUENCE and two invites from one new company make one
//! application.

use std::collections::{BTreeSet, HashMap, HashSet};

/// The importer's indexes are probed several times per event; a fast
/// hasher (still seeded per process) is a twentieth of an import.
type Map<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

use debrief_core::exchange::{ExchangeError, validate_application};
use debrief_core::input::{slug, unique_id};
use debrief_core::keys::{self, company_words, domain_of, label_spellings};
use debrief_core::model::{Application, Interview, Person, Stage};
use jiff::SignedDuration;
use jiff::tz::TimeZone;
use serde::Serialize;

use crate::content::snippet;
use crate::event::{EventTime, InviteEvent};
use crate::plan::{
    ImportContext, InvitePlan, Known, PlanAction, imported_invites, interview_id_for_uid,
    normalize_name, plan_with,
};

/// What the caller knows beyond the file.
#[derive(Debug, Clone)]
pub struct ImportSettings {
    /// The profile's zone (interview times are written with its offset).
    pub zone: TimeZone,
    /// The candidate's own addresses: never people, never a company's.
    pub user_emails: Vec<String>,
    /// The candidate's name, to recognise them in an invite without address.
    pub user_name: Option<String>,
    /// `--app`: every event goes to this application (which must be one of
    /// those passed in). `None`: each event's application is chosen by
    /// [`choose_application`], or made when none matches.
    pub target: Option<String>,
}

/// What importing one event did (or, in a dry run, would do).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ImportAction {
    /// A new interview.
    Create,
    /// A later version of an invite already imported.
    Update,
    /// Already imported at this SEQUENCE.
    Unchanged,
    /// Nothing to act on (a reply, a cancellation of an unknown invite, or
    /// an older SEQUENCE than the one already imported).
    Ignore,
    /// Could not be imported; `warnings` says why.
    Skip,
}

/// One event as read, plus what importing it did.
#[derive(Debug, Clone, Serialize)]
pub struct EventReport {
    #[serde(flatten)]
    pub event: InviteEvent,
    pub action: ImportAction,
    /// The application it went to (or would have).
    pub application: Option<String>,
    /// The application was made for this invite.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub application_created: bool,
    /// Why this application: `--app`, or what matched.
    pub chosen_because: Option<String>,
    /// The interview's id (`ics-…`, derived from the UID).
    pub interview: Option<String>,
    /// Ids of the people added to the application.
    pub people_added: Vec<String>,
    /// Ids of known people whose address the invite supplied.
    pub people_updated: Vec<String>,
    /// Assumptions made and why nothing changed.
    pub notes: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct ImportResult {
    pub events: Vec<EventReport>,
    /// Each skipped part, naming its line (the parser's come first).
    pub warnings: Vec<String>,
    /// How many events were Debrief's own calendar export (skipped).
    pub own_export: usize,
    /// Every application to write, in its final, validated state: changed
    /// ones in store order, then new ones.
    pub changed: Vec<Application>,
    /// Ids of the applications made by this import.
    pub created: Vec<String>,
}

impl ImportResult {
    /// Did anything change?
    pub fn changes(&self) -> bool {
        !self.changed.is_empty()
    }
}

/// Imports every event into `apps` (the whole store's applications).
/// `parser_warnings` are kept first in the result's warnings.
///
/// The applications are indexed once (ids, interviews, invites, addresses,
/// domains, the names their companies go by) and the index is kept current
/// as events change them, so each event costs the same whatever the size of
/// the store or of the application it goes to: choosing is a few hash
/// lookups, planning reads the application through its own index, and
/// validation checks what the event changed (see [`validate_change`]).
pub fn import_invites(
    events: &[InviteEvent],
    apps: &[Application],
    parser_warnings: Vec<String>,
    settings: &ImportSettings,
) -> ImportResult {
    Importer::new(apps.to_vec(), settings).one_file(events, parser_warnings)
}

/// One file's part of an import: what each event did and the warnings.
#[derive(Debug, Clone)]
pub struct FileImport {
    pub events: Vec<EventReport>,
    /// Each skipped part, naming its line (the parser's come first).
    pub warnings: Vec<String>,
    /// How many events were Debrief's own calendar export (skipped).
    pub own_export: usize,
}

/// An import of one or more files into one set of applications: each file
/// in turn ([`Importer::file`]) sees what the files before it changed, and
/// [`Importer::changed`] gives everything to write in one transaction.
pub struct Importer<'s> {
    settings: &'s ImportSettings,
    /// What planning an event needs from `settings`, made once; only its
    /// `imported` changes from event to event.
    context: ImportContext,
    working: Vec<Application>,
    look: Lookup,
    changed: BTreeSet<usize>,
    created: Vec<String>,
}

/// The order a file's events are imported in: the file's, except that
/// where one meeting (one UID) appears more than once, its versions swap
/// places so that each comes before any with a higher `SEQUENCE` (the
/// other events keep their places). So a cancellation written before the
/// invitation it cancels still wins, and importing the file again changes
/// nothing.
fn sequence_order(events: &[InviteEvent]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..events.len()).collect();
    // Most UIDs come once: only those that come again get a list.
    let mut first: Map<&str, usize> =
        Map::with_capacity_and_hasher(events.len(), Default::default());
    let mut groups: Map<&str, Vec<usize>> = Map::default();
    for (i, ev) in events.iter().enumerate() {
        let uid = ev.uid.as_str();
        match first.get(uid) {
            Some(&f) => groups.entry(uid).or_insert_with(|| vec![f]).push(i),
            None => {
                first.insert(uid, i);
            }
        }
    }
    for slots in groups.values() {
        let mut members = slots.clone();
        members.sort_by_key(|&i| (events[i].sequence, i));
        for (&slot, &member) in slots.iter().zip(&members) {
            order[slot] = member;
        }
    }
    order
}

/// The reports of events imported in `order`, back in the file's order.
fn in_file_order(mut file: FileImport, order: &[usize]) -> FileImport {
    if order.iter().enumerate().all(|(k, &i)| k == i) || file.events.len() != order.len() {
        return file;
    }
    let mut slots: Vec<Option<EventReport>> = (0..order.len()).map(|_| None).collect();
    for (report, &i) in file.events.drain(..).zip(order) {
        slots[i] = Some(report);
    }
    file.events = slots.into_iter().flatten().collect();
    file
}

impl<'s> Importer<'s> {
    /// Over `apps`, the whole store's applications.
    pub fn new(apps: Vec<Application>, settings: &'s ImportSettings) -> Importer<'s> {
        Importer::over(apps, Vec::new(), settings)
    }

    /// Over `apps`, the store's applications that hold one of the keys
    /// [`lookup_keys`] gives for the events to come, in store order; `taken`
    /// the ids of the store's other applications (a new application's id
    /// is never one of them). It chooses what [`Importer::new`] over the
    /// whole store would.
    pub fn over(
        apps: Vec<Application>,
        taken: Vec<String>,
        settings: &'s ImportSettings,
    ) -> Importer<'s> {
        let mut look = Lookup::new(&apps);
        look.taken = taken.into_iter().collect();
        Importer {
            look,
            working: apps,
            context: ImportContext {
                zone: settings.zone.clone(),
                user_emails: settings.user_emails.clone(),
                user_name: settings.user_name.clone(),
                imported: Default::default(),
            },
            settings,
            changed: BTreeSet::new(),
            created: Vec::new(),
        }
    }

    /// An import of one file, whole: [`Importer::file`] and what it
    /// changed and made.
    pub fn one_file(
        mut self,
        events: &[InviteEvent],
        parser_warnings: Vec<String>,
    ) -> ImportResult {
        let file = self.file(events, parser_warnings);
        ImportResult {
            events: file.events,
            warnings: file.warnings,
            own_export: file.own_export,
            changed: self.changed(),
            created: self.created,
        }
    }

    /// Imports one file's events; `parser_warnings` come first in its
    /// warnings.
    pub fn file(&mut self, events: &[InviteEvent], parser_warnings: Vec<String>) -> FileImport {
        let order = sequence_order(events);
        let file = self.events(
            order.iter().map(|&i| &events[i]),
            events.len(),
            parser_warnings,
            true,
            (None, false),
        );
        in_file_order(file, &order)
    }

    /// [`Importer::file`] taking the events: each is freed once its report
    /// (which holds a copy) is made, so a big file is not held twice.
    pub fn file_owned(
        &mut self,
        events: Vec<InviteEvent>,
        parser_warnings: Vec<String>,
    ) -> FileImport {
        let n = events.len();
        let order = sequence_order(&events);
        let mut slots: Vec<Option<InviteEvent>> = events.into_iter().map(Some).collect();
        // Taken from their slots as they are imported: no second list.
        let ordered = order.iter().filter_map(|&i| slots[i].take());
        let file = self.events(ordered, n, parser_warnings, true, (None, false));
        in_file_order(file, &order)
    }

    /// `retry`: events skipped for want of an application get a second
    /// pass once the file has created one (starting from `start`, where
    /// the file's events went), so the order of a file's events does not
    /// decide what it imports, and importing it again changes nothing.
    fn events<E: std::borrow::Borrow<InviteEvent>>(
        &mut self,
        events: impl Iterator<Item = E>,
        count: usize,
        parser_warnings: Vec<String>,
        retry: bool,
        start: (Option<(String, String)>, bool),
    ) -> FileImport {
        let mut warnings = parser_warnings;
        let mut reports = Vec::with_capacity(count);
        // The application every event of this file so far went to, if they
        // all went to one: where an event with no clue of its own belongs.
        let (mut file_app, mut file_apps_differ) = start;
        let mut own_export = 0;
        // Events skipped for want of an application: (report, warning).
        let mut unplaced: Vec<(usize, usize)> = Vec::new();
        let created_before = self.created.len();
        self.look.reserve(count);

        for item in events {
            let ev: &InviteEvent = item.borrow();
            // Only a message needs it: made when one is written.
            let label = || describe(ev);
            let mut report = EventReport {
                event: ev.clone(),
                action: ImportAction::Skip,
                application: None,
                application_created: false,
                chosen_because: None,
                interview: Some(interview_id_for_uid(&ev.uid)),
                people_added: vec![],
                people_updated: vec![],
                notes: vec![],
            };
            // Debrief's own export: its interviews are already here and its
            // actions are not interviews. One warning for them all, below.
            if is_debrief_uid(&ev.uid) {
                report.interview = None;
                own_export += 1;
                reports.push(report);
                continue;
            }
            let choice = match &self.settings.target {
                Some(id) => match self.look.index_of(id) {
                    Some(i) => Choice::Existing {
                        index: i,
                        why: "--app".to_string(),
                    },
                    None => Choice::Unknown {
                        why: format!("no application '{id}'"),
                    },
                },
                None => {
                    match choose_indexed(ev, &self.working, &self.look, &self.settings.user_emails)
                    {
                        Choice::Unknown { why } => match &file_app {
                            Some((id, summary)) if !file_apps_differ => {
                                match self.look.index_of(id) {
                                    Some(index) => Choice::Existing {
                                        index,
                                        why: format!(
                                            "it names no company of its own and comes in one file with '{}', which went to '{id}'",
                                            snippet(summary)
                                        ),
                                    },
                                    None => Choice::Unknown { why },
                                }
                            }
                            _ => Choice::Unknown { why },
                        },
                        other => other,
                    }
                }
            };
            let (target, why) = match choice {
                Choice::Existing { index, why } => (Target::Stored(index), why),
                Choice::New { application, why } => (Target::New(application), why),
                Choice::Ambiguous { why } => {
                    warnings.push(format!(
                        "{} skipped: {why}; pass --app ID to choose one (debrief app list)",
                        label()
                    ));
                    reports.push(report);
                    continue;
                }
                Choice::Unknown { why } => {
                    if self.settings.target.is_none() {
                        unplaced.push((reports.len(), warnings.len()));
                    }
                    warnings.push(format!(
                        "{} skipped: {why}; pass --app ID to choose one (debrief app list)",
                        label()
                    ));
                    reports.push(report);
                    continue;
                }
            };
            let app_id = match &target {
                Target::Stored(i) => self.working[*i].id.clone(),
                Target::New(app) => app.id.clone(),
            };
            report.application = Some(app_id.to_string());
            report.chosen_because = Some(why);

            // One invite, one interview: never copy it into a second application.
            if self.settings.target.is_some()
                && let Some(other) = self.look.holding(ev, |i| self.working[i].id != app_id)
            {
                let other = &self.working[other].id;
                warnings.push(format!(
                    "{} skipped: it was imported into application '{other}' already; import it there (--app {other}) or leave --app out", label()
                ));
                reports.push(report);
                continue;
            }

            let ctx = &mut self.context;
            let plan = match &target {
                Target::Stored(i) => {
                    let known = self.look.app(*i, &self.working[*i]);
                    ctx.imported.clear();
                    if let Some(seq) = known.sequence_of(&ev.uid) {
                        ctx.imported.insert(ev.uid.clone(), seq);
                    }
                    plan_with(ev, Some(&known as &dyn Known), ctx)
                }
                Target::New(app) => {
                    ctx.imported = imported_invites(app);
                    plan_with(ev, Some(&**app as &dyn Known), ctx)
                }
            };
            report.notes = plan.notes.clone();
            report.action = match plan.action {
                PlanAction::Create => ImportAction::Create,
                PlanAction::Update => ImportAction::Update,
                PlanAction::Unchanged => ImportAction::Unchanged,
                PlanAction::Ignore => ImportAction::Ignore,
            };
            if let Some(&last) = ctx.imported.get(&ev.uid)
                && ev.sequence < last
            {
                warnings.push(format!(
                    "{} ignored: it is SEQUENCE {}, older than the SEQUENCE {last} already imported", label(),
                    ev.sequence
                ));
                report.action = ImportAction::Ignore;
            }
            // The end as stored: an invite without one (or ending before it
            // starts) is given the interview's assumed length.
            if report.action != ImportAction::Ignore
                && let EventTime::Instant(_) = ev.start
                && let Ok(end) = plan
                    .interview
                    .start
                    .ts
                    .checked_add(SignedDuration::from_mins(i64::from(plan.interview.minutes)))
            {
                report.event.end = EventTime::Instant(end);
            }
            if !plan.changes() {
                if matches!(target, Target::New(_)) {
                    // Nothing to put in it: the application is not made.
                    report.application = None;
                    report.chosen_because = None;
                }
                reports.push(report);
                continue;
            }
            let valid = match &target {
                Target::Stored(i) => {
                    let known = self.look.app(*i, &self.working[*i]);
                    validate_change(&plan, &ev.uid, &known)
                }
                Target::New(app) => {
                    let mut next = (**app).clone();
                    plan.apply_to(&mut next);
                    validate_application(&next, &format!("application '{}'", next.id))
                }
            };
            if let Err(e) = valid {
                warnings.push(format!("{} skipped: {e}", label()));
                report.action = ImportAction::Skip;
                reports.push(report);
                continue;
            }
            report.people_added = plan.new_people.iter().map(|p| p.id.to_string()).collect();
            report.people_updated = plan
                .updated_people
                .iter()
                .map(|p| p.id.to_string())
                .collect();
            match &file_app {
                None => file_app = Some((app_id.to_string(), ev.summary.clone())),
                Some((id, _)) if *id != app_id => file_apps_differ = true,
                Some(_) => {}
            }
            match target {
                Target::Stored(i) => {
                    self.look.apply(i, &mut self.working[i], &plan);
                    self.changed.insert(i);
                }
                Target::New(app) => {
                    let mut next = *app;
                    plan.apply_to(&mut next);
                    report.application_created = true;
                    self.created.push(next.id.to_string());
                    self.changed.insert(self.working.len());
                    self.look.add(self.working.len(), &next);
                    self.working.push(next);
                }
            }
            reports.push(report);
        }

        // A second pass for the events that found no application, now that
        // later events of the file created one they may belong to.
        if retry && !unplaced.is_empty() && self.created.len() > created_before {
            let again: Vec<InviteEvent> = unplaced
                .iter()
                .map(|&(r, _)| reports[r].event.clone())
                .collect();
            let n = again.len();
            let start = (file_app.clone(), file_apps_differ);
            let second = self.events(again.into_iter(), n, Vec::new(), false, start);
            let mut placed = Vec::new();
            for (&(r, w), report) in unplaced.iter().zip(second.events) {
                if report.action != ImportAction::Skip {
                    reports[r] = report;
                    placed.push(w);
                }
            }
            warnings = warnings
                .into_iter()
                .enumerate()
                .filter(|(i, _)| !placed.contains(i))
                .map(|(_, w)| w)
                .chain(
                    second
                        .warnings
                        .into_iter()
                        .filter(|w| !w.contains(" skipped: ")),
                )
                .collect();
        }

        if own_export > 0 {
            warnings.push(if own_export == count {
                format!("{OWN_EXPORT}; nothing to import")
            } else {
                format!(
                    "{own_export} event(s) skipped: they are from {}; nothing to import from them",
                    OWN_EXPORT.trim_start_matches("this is ")
                )
            });
        }
        FileImport {
            events: reports,
            warnings,
            own_export,
        }
    }

    /// Every application to write, in its final, validated state: changed
    /// ones in store order, then new ones (copies: a caller about to exit
    /// may skip freeing the importer).
    pub fn changed(&self) -> Vec<Application> {
        self.changed
            .iter()
            .filter_map(|&i| self.working.get(i).cloned())
            .collect()
    }

    /// [`Importer::changed`] without copies: the applications are moved
    /// out (the importer is of no further use).
    pub fn take_changed(&mut self) -> Vec<Application> {
        std::mem::take(&mut self.changed)
            .into_iter()
            .filter_map(|i| {
                self.working
                    .get_mut(i)
                    .map(|a| std::mem::replace(a, Application::new("", "", "")))
            })
            .collect()
    }

    /// Ids of the applications made by this import, in the order made.
    pub fn created(&self) -> &[String] {
        &self.created
    }
}

/// Where an event goes: a stored application (or one made earlier in this
/// file), by index, or one made for it.
enum Target {
    Stored(usize),
    New(Box<Application>),
}

/// Checks what a plan changes in a valid application, as
/// `validate_application` would check the whole application after it, at
/// the cost of the change: the application's fields, the interviews with
/// the plan's id or invite, the people those interviews name and the
/// people the plan adds or updates. Everything else is unchanged, and was
/// valid (stored applications are validated when written, and each change
/// of this import before it was checked here). A problem names its place
/// in the whole application, as the whole check would.
fn validate_change(
    plan: &InvitePlan,
    uid: &str,
    known: &IndexedApp<'_>,
) -> Result<(), ExchangeError> {
    let app = known.app;
    let ix = known.ix;
    let mut ivs: Vec<usize> = ix
        .invites
        .get(uid)
        .into_iter()
        .flatten()
        .copied()
        .chain(ix.interviews.get(plan.interview.id.as_str()).copied())
        .collect();
    ivs.sort_unstable();
    ivs.dedup();
    let mut people: Vec<usize> = ivs
        .iter()
        .flat_map(|&k| {
            let iv = &app.interviews[k];
            iv.interviewers.iter().chain(&iv.also_met)
        })
        .chain(&plan.interview.interviewers)
        .chain(&plan.interview.also_met)
        .chain(plan.updated_people.iter().map(|p| &p.id))
        .filter_map(|id| ix.people.get(id.as_str()).copied())
        .collect();
    people.sort_unstable();
    people.dedup();
    let mut view = shell(app);
    view.interviews = ivs.iter().map(|&k| app.interviews[k].clone()).collect();
    view.people = people.iter().map(|&k| app.people[k].clone()).collect();
    plan.apply_to(&mut view);
    let here = format!("application '{}'", app.id);
    validate_application(&view, &here).map_err(|mut e| {
        // view.interviews[k] → app.interviews[ivs[k]] (a new one comes last).
        let real = |list: &[usize], len: usize, k: usize| {
            list.get(k).copied().unwrap_or(len + k - list.len())
        };
        for (field, list, len) in [
            ("interviews", &ivs, app.interviews.len()),
            ("people", &people, app.people.len()),
        ] {
            let head = format!("{here}.{field}[");
            if let Some(rest) = e.path.strip_prefix(&head)
                && let Some((k, tail)) = rest.split_once(']')
                && let Ok(k) = k.parse::<usize>()
            {
                e.path = format!("{head}{}]{tail}", real(list, len, k));
            }
        }
        e
    })
}

/// `app` without its lists: what every check of one change starts from.
fn shell(app: &Application) -> Application {
    Application {
        id: app.id.clone(),
        company: app.company.clone(),
        role: app.role.clone(),
        stage: app.stage,
        urgent: app.urgent,
        recruiter: app.recruiter,
        policy: app.policy,
        people: vec![],
        interviews: vec![],
        touches: vec![],
        news: vec![],
        outcome: app.outcome.clone(),
        research: vec![],
        dismissed: vec![],
        posting_url: app.posting_url.clone(),
        location: app.location.clone(),
        salary: app.salary.clone(),
        applied_on: app.applied_on,
        source: app.source.clone(),
        archived: app.archived,
    }
}

/// One application's interviews and people by key, kept current through
/// [`Lookup::apply`].
#[derive(Default)]
struct AppIndex {
    /// Interview id → position.
    interviews: Map<String, usize>,
    /// Invite UID → positions of the interviews from it, in order.
    invites: Map<String, Vec<usize>>,
    /// Address (trimmed, ASCII lowercase) → first person with it.
    emails: Map<String, usize>,
    /// Normalized name → first person with it.
    names: Map<String, usize>,
    /// Person id → position.
    people: Map<String, usize>,
}

impl AppIndex {
    fn of(app: &Application) -> AppIndex {
        let mut ix = AppIndex::default();
        for (k, p) in app.people.iter().enumerate() {
            ix.add_person(k, p);
        }
        for (k, iv) in app.interviews.iter().enumerate() {
            ix.interviews.entry(iv.id.to_string()).or_insert(k);
            if let Some(v) = &iv.invite {
                ix.invites.entry(v.uid.clone()).or_default().push(k);
            }
        }
        ix
    }

    fn add_person(&mut self, k: usize, p: &Person) {
        self.people.entry(p.id.to_string()).or_insert(k);
        if let Some(e) = &p.email {
            let slot = self
                .emails
                .entry(e.trim().to_ascii_lowercase())
                .or_insert(k);
            *slot = (*slot).min(k);
        }
        let slot = self.names.entry(normalize_name(&p.name)).or_insert(k);
        *slot = (*slot).min(k);
    }
}

/// An application read through its index (what planning needs).
struct IndexedApp<'a> {
    app: &'a Application,
    ix: &'a AppIndex,
}

impl IndexedApp<'_> {
    /// The SEQUENCE last imported from `uid` (the last interview from it).
    fn sequence_of(&self, uid: &str) -> Option<u32> {
        let k = *self.ix.invites.get(uid)?.last()?;
        self.app.interviews[k].invite.as_ref().map(|v| v.sequence)
    }
}

impl Known for IndexedApp<'_> {
    fn interview(&self, id: &str) -> Option<&Interview> {
        self.ix.interviews.get(id).map(|&k| &self.app.interviews[k])
    }
    fn person_by_email(&self, email: &str) -> Option<&Person> {
        self.ix.emails.get(email).map(|&k| &self.app.people[k])
    }
    fn person_by_name(&self, normalized: &str) -> Option<&Person> {
        self.ix.names.get(normalized).map(|&k| &self.app.people[k])
    }
    fn has_person(&self, id: &str) -> bool {
        self.ix.people.contains_key(id)
    }
}

/// Every application of an import by what finds it, kept current as
/// events add interviews, people and applications. Lists hold an
/// application once per interview or person that puts it there, so a
/// replaced one can be taken out exactly.
#[derive(Default)]
struct Lookup {
    ids: Map<String, usize>,
    /// Interview id → applications holding it.
    interviews: Map<String, Vec<usize>>,
    /// Invite UID → applications holding an interview from it.
    invites: Map<String, Vec<usize>>,
    /// A person's address (trimmed, ASCII lowercase) → applications.
    emails: Map<String, Vec<usize>>,
    /// The domain of a person's address → applications.
    domains: Map<String, Vec<usize>>,
    /// What a domain label spells (dashes left out) → applications whose
    /// company it names ([`label_names_company`]).
    labels: Map<String, BTreeSet<usize>>,
    /// A company's distinctive words, joined by spaces → applications.
    companies: Map<String, BTreeSet<usize>>,
    /// How many distinctive words the companies have.
    word_counts: BTreeSet<usize>,
    /// Each application's own index, made when an event first goes to it.
    apps: Vec<Option<AppIndex>>,
    /// Ids of the store's applications that were not read (an import over
    /// the applications its events may touch): never given to a new one.
    taken: HashSet<String, foldhash::fast::RandomState>,
}

impl Lookup {
    fn new(apps: &[Application]) -> Lookup {
        let mut look = Lookup::default();
        for (i, a) in apps.iter().enumerate() {
            look.add(i, a);
        }
        look
    }

    /// `apps[i]`, a new application (or the first of them, at startup).
    fn add(&mut self, i: usize, a: &Application) {
        self.ids.entry(a.id.to_string()).or_insert(i);
        let words = company_words(&a.company);
        for spelt in label_spellings(&words) {
            self.labels.entry(spelt).or_default().insert(i);
        }
        if !words.is_empty() {
            self.companies.entry(words.join(" ")).or_default().insert(i);
            self.word_counts.insert(words.len());
        }
        for p in &a.people {
            self.add_person(i, p);
        }
        for iv in &a.interviews {
            self.add_interview(i, iv);
        }
        if self.apps.len() <= i {
            self.apps.resize_with(i + 1, || None);
        }
    }

    fn add_person(&mut self, i: usize, p: &Person) {
        if let Some(e) = &p.email {
            self.emails
                .entry(e.trim().to_ascii_lowercase())
                .or_default()
                .push(i);
            if let Some(d) = domain_of(e) {
                self.domains.entry(d).or_default().push(i);
            }
        }
    }

    fn remove_person(&mut self, i: usize, p: &Person) {
        if let Some(e) = &p.email {
            remove_one(&mut self.emails, &e.trim().to_ascii_lowercase(), i);
            if let Some(d) = domain_of(e) {
                remove_one(&mut self.domains, &d, i);
            }
        }
    }

    fn add_interview(&mut self, i: usize, iv: &Interview) {
        self.interviews
            .entry(iv.id.to_string())
            .or_default()
            .push(i);
        if let Some(v) = &iv.invite {
            self.invites.entry(v.uid.clone()).or_default().push(i);
        }
    }

    fn remove_interview(&mut self, i: usize, iv: &Interview) {
        remove_one(&mut self.interviews, &iv.id, i);
        if let Some(v) = &iv.invite {
            remove_one(&mut self.invites, &v.uid, i);
        }
    }

    /// The applications whose company a domain label names
    /// ([`label_names_company`]).
    fn named_by_label(&self, label: &str) -> BTreeSet<usize> {
        let spelt: String = label.chars().filter(|c| *c != '-').collect();
        self.labels.get(&spelt).cloned().unwrap_or_default()
    }

    /// The applications whose company the title names
    /// ([`title_names_company`]).
    fn named_in_title(&self, title: &str) -> BTreeSet<usize> {
        let title = slug(title);
        let words: Vec<&str> = title.split('-').filter(|w| !w.is_empty()).collect();
        let mut named = BTreeSet::new();
        for &n in &self.word_counts {
            for w in words.windows(n) {
                if let Some(set) = self.companies.get(&w.join(" ")) {
                    named.extend(set.iter().copied());
                }
            }
        }
        named
    }

    /// Room for `events` more: each may add an interview and an invite.
    fn reserve(&mut self, events: usize) {
        self.interviews.reserve(events);
        self.invites.reserve(events);
    }

    fn index_of(&self, id: &str) -> Option<usize> {
        self.ids.get(id).copied()
    }

    /// The first application (in store order) holding the event's
    /// interview or invite, among those `keep` lets through.
    fn holding(&self, ev: &InviteEvent, keep: impl Fn(usize) -> bool) -> Option<usize> {
        let id = interview_id_for_uid(&ev.uid);
        self.interviews
            .get(&id)
            .into_iter()
            .chain(self.invites.get(&ev.uid))
            .flatten()
            .copied()
            .filter(|&i| keep(i))
            .min()
    }

    /// `app` (which is `apps[i]`) through its own index.
    fn app<'a>(&'a mut self, i: usize, app: &'a Application) -> IndexedApp<'a> {
        if self.apps.len() <= i {
            self.apps.resize_with(i + 1, || None);
        }
        let ix = self.apps[i].get_or_insert_with(|| AppIndex::of(app));
        IndexedApp { app, ix }
    }

    /// Applies `plan` to `app` (which is `apps[i]`), as
    /// [`InvitePlan::apply_to`] does, keeping both indexes current.
    fn apply(&mut self, i: usize, app: &mut Application, plan: &InvitePlan) {
        if !plan.changes() {
            return;
        }
        let _ = self.app(i, app);
        let mut ix = self.apps[i].take().unwrap_or_else(|| AppIndex::of(app));
        for p in &plan.new_people {
            if !ix.people.contains_key(p.id.as_str()) {
                ix.add_person(app.people.len(), p);
                self.add_person(i, p);
                app.people.push(p.clone());
            }
        }
        let mut rebuild = false;
        for p in &plan.updated_people {
            if let Some(&k) = ix.people.get(p.id.as_str()) {
                let old = std::mem::replace(&mut app.people[k], p.clone());
                self.remove_person(i, &old);
                self.add_person(i, p);
                if old.email.is_some() || old.name != p.name {
                    // A key may move to a later person: read them again.
                    rebuild = true;
                } else {
                    ix.add_person(k, p);
                }
            }
        }
        match ix.interviews.get(plan.interview.id.as_str()).copied() {
            Some(k) => {
                let old = std::mem::replace(&mut app.interviews[k], plan.interview.clone());
                self.remove_interview(i, &old);
                self.add_interview(i, &plan.interview);
                if old.invite.as_ref().map(|v| &v.uid)
                    != plan.interview.invite.as_ref().map(|v| &v.uid)
                {
                    rebuild = true;
                }
            }
            None => {
                let k = app.interviews.len();
                ix.interviews.insert(plan.interview.id.to_string(), k);
                if let Some(v) = &plan.interview.invite {
                    ix.invites.entry(v.uid.clone()).or_default().push(k);
                }
                self.add_interview(i, &plan.interview);
                app.interviews.push(plan.interview.clone());
            }
        }
        plan.advance_stage(app);
        self.apps[i] = Some(if rebuild { AppIndex::of(app) } else { ix });
    }
}

fn remove_one(map: &mut Map<String, Vec<usize>>, key: &str, i: usize) {
    if let Some(list) = map.get_mut(key)
        && let Some(at) = list.iter().position(|&x| x == i)
    {
        list.swap_remove(at);
    }
}

/// How the warning about Debrief's own export begins.
pub(crate) const OWN_EXPORT: &str = "this is Debrief's own calendar export";

/// Is this a UID Debrief's calendar export writes
/// (`interview/APP/ID@debrief`, `action/RULE/APP/…@debrief`)?
pub fn is_debrief_uid(uid: &str) -> bool {
    let uid = uid.trim();
    uid.ends_with("@debrief") && (uid.starts_with("interview/") || uid.starts_with("action/"))
}

/// "line 12: 'Panel interview' (UID abc…)", for messages.
fn describe(ev: &InviteEvent) -> String {
    let title = if ev.summary.is_empty() {
        "event".to_string()
    } else {
        format!("'{}'", snippet(&ev.summary))
    };
    format!("line {}: {title} (UID {})", ev.line, snippet(&ev.uid))
}

/// Which application an invite belongs to.
#[derive(Debug, Clone, PartialEq)]
pub enum Choice {
    /// `apps[index]`, and why.
    Existing { index: usize, why: String },
    /// None matches: a new application for the company the addresses name.
    New {
        application: Box<Application>,
        why: String,
    },
    /// Several match equally well.
    Ambiguous { why: String },
    /// None matches and the addresses name no company.
    Unknown { why: String },
}

/// Addresses of mail providers: they say nothing about the employer.
const FREE_MAIL: &[&str] = &[
    "gmail.com",
    "googlemail.com",
    "outlook.com",
    "hotmail.com",
    "live.com",
    "msn.com",
    "yahoo.com",
    "ymail.com",
    "icloud.com",
    "me.com",
    "mac.com",
    "aol.com",
    "proton.me",
    "protonmail.com",
    "pm.me",
    "gmx.com",
    "gmx.net",
    "gmx.de",
    "web.de",
    "t-online.de",
    "orange.fr",
    "free.fr",
    "laposte.net",
    "libero.it",
    "yandex.com",
    "yandex.ru",
    "mail.ru",
    "zoho.com",
    "fastmail.com",
    "hey.com",
    "mail.com",
    "qq.com",
    "163.com",
    "naver.com",
];

/// Providers whose names recur in every country code (`hotmail.fr`,
/// `yahoo.co.uk`).
const FREE_MAIL_NAMES: &[&str] = &["hotmail", "outlook", "yahoo", "live", "gmx"];

/// Calendars, scheduling tools and applicant-tracking systems that send
/// invites on a company's behalf.
const SERVICES: &[&str] = &[
    "calendar.google.com",
    "resource.calendar.google.com",
    "group.calendar.google.com",
    "greenhouse.io",
    "lever.co",
    "calendly.com",
    "goodtime.io",
    "myworkday.com",
    "smartrecruiters.com",
    "ashbyhq.com",
    "gem.com",
    "paradox.ai",
    "icims.com",
    "jobvite.com",
    "teamtailor.com",
    "recruitee.com",
    "workablemail.com",
    "workable.com",
    "personio.de",
    "bamboohr.com",
    "zoom.us",
];

/// Second-level labels under a country code (`co.uk`, `com.au`).
const SECOND_LEVEL: &[&str] = &["co", "com", "org", "net", "ac", "gov", "edu", "ne", "or"];

fn is_generic(domain: &str) -> bool {
    // `domain` is `d` or ends with `.d` (without building `.d`: this runs
    // for every address of every event).
    let under = |list: &[&str]| {
        list.iter().any(|d| {
            domain
                .strip_suffix(d)
                .is_some_and(|rest| rest.is_empty() || rest.ends_with('.'))
        })
    };
    under(FREE_MAIL)
        || under(SERVICES)
        || FREE_MAIL_NAMES.iter().any(|n| {
            domain
                .strip_prefix(n)
                .is_some_and(|rest| rest.starts_with('.'))
        })
}

/// The label a company registers: `mail.contoso.co.uk` → `contoso`.
fn company_label(domain: &str) -> Option<&str> {
    let labels: Vec<&str> = domain.split('.').filter(|l| !l.is_empty()).collect();
    let mut end = labels.len().checked_sub(1)?;
    if end >= 2 && labels[end].len() == 2 && SECOND_LEVEL.contains(&labels[end - 1]) {
        end -= 1;
    }
    let label = *labels.get(end.checked_sub(1)?)?;
    (label.len() >= 2).then_some(label)
}

/// `northwind-traders` → `Northwind Traders`.
fn company_name(label: &str) -> String {
    label
        .split(['-', '_'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Words that end a company's name in a title ("Tailspin Toys Interview").
const NOT_NAME_WORDS: &[&str] = &[
    "interview",
    "interviews",
    "call",
    "meeting",
    "screen",
    "screening",
    "panel",
    "round",
    "chat",
    "onsite",
    "on-site",
    "with",
    "and",
    "for",
    "the",
    "at",
];

/// The company as the title spells it: the word the domain label names and
/// up to two capitalised words after it ("Tailspin Toys" for `tailspin`).
fn named_in_title(label: &str, title: &str) -> Option<String> {
    let words: Vec<&str> = title.split_whitespace().collect();
    let clean = |w: &str| -> String { w.trim_matches(|c: char| !c.is_alphanumeric()).to_string() };
    let start = words
        .iter()
        .position(|w| clean(w).eq_ignore_ascii_case(label))?;
    let mut name = vec![clean(words[start])];
    // A word that ends in punctuation ("Contoso:", "Toys,") ends the name.
    let mut open = words[start]
        .chars()
        .last()
        .is_some_and(char::is_alphanumeric);
    for w in words.iter().skip(start + 1).take(2) {
        let c = clean(w);
        let capitalised = c.chars().next().is_some_and(char::is_uppercase)
            && c.chars().all(|ch| ch.is_alphanumeric() || ch == '&');
        if !open || !capitalised || NOT_NAME_WORDS.contains(&c.to_lowercase().as_str()) {
            break;
        }
        name.push(c);
        open = w.chars().last().is_some_and(char::is_alphanumeric);
    }
    Some(name.join(" "))
}

/// Does a domain label (`contoso`, `northwind-traders`, `nwtraders`) name
/// this company? The rule [`Lookup::add`] spells out as keys.
#[cfg(test)]
fn label_names_company(label: &str, company: &str) -> bool {
    let words = company_words(company);
    let Some(first) = words.first() else {
        return false;
    };
    let label: String = label.chars().filter(|c| *c != '-').collect();
    // The label spells the first word or the first few words together.
    (1..=words.len()).any(|k| {
        let joined = words[..k].concat();
        joined == label && (k > 1 || first.len() >= 3)
    })
}

/// Does the title name this company ("Contoso | Panel interview")? The
/// rule [`choose_application`] looks up by the title's words.
#[cfg(test)]
fn title_names_company(title: &str, company: &str) -> bool {
    let words = company_words(company);
    if words.is_empty() {
        return false;
    }
    let title = slug(title);
    let title_words: Vec<&str> = title.split('-').filter(|w| !w.is_empty()).collect();
    title_words
        .windows(words.len())
        .any(|w| w.iter().zip(&words).all(|(a, b)| *a == b.as_str()))
}

/// Everyone in the invite who is not the candidate: (name, address).
fn others<'a>(ev: &'a InviteEvent, user_emails: &[String]) -> Vec<(Option<&'a str>, &'a str)> {
    let mine = |e: &str| user_emails.iter().any(|u| u.trim().eq_ignore_ascii_case(e));
    ev.organizer
        .iter()
        .map(|o| (o.name.as_deref(), o.email.as_deref()))
        .chain(
            ev.attendees
                .iter()
                .map(|a| (a.name.as_deref(), a.email.as_deref())),
        )
        .filter_map(|(n, e)| e.map(|e| (n, e)))
        .filter(|(_, e)| !mine(e))
        .collect()
}

/// Picks among `candidates` (indexes into `apps`): one, or the one whose
/// role the title names, else ambiguity.
fn settle(
    candidates: Vec<usize>,
    apps: &[Application],
    title: &str,
    why: String,
) -> Option<Choice> {
    match candidates.as_slice() {
        [] => None,
        [one] => Some(Choice::Existing { index: *one, why }),
        many => {
            let by_role: Vec<usize> = many
                .iter()
                .copied()
                .filter(|&i| {
                    let role = apps[i].role.trim();
                    !role.is_empty() && title.to_lowercase().contains(&role.to_lowercase())
                })
                .collect();
            match by_role.as_slice() {
                [one] => Some(Choice::Existing {
                    index: *one,
                    why: format!("{why}, and the title names its role '{}'", apps[*one].role),
                }),
                _ => {
                    let ids: Vec<&str> = many.iter().map(|&i| apps[i].id.as_str()).collect();
                    Some(Choice::Ambiguous {
                        why: format!("{why} fits {} applications ({})", ids.len(), ids.join(", ")),
                    })
                }
            }
        }
    }
}

/// Which application an invite belongs to, with the reason in words:
///
/// 1. the one already holding its interview (same UID);
/// 2. the one with the most people whose address is in the invite;
/// 3. an active one whose people write from the same company domain;
/// 4. an active one whose company the domain names (`contoso.example` →
///    Contoso);
/// 5. an active one whose company the title names;
/// 6. otherwise a new application for the company the organizer's (or an
///    attendee's) domain names — never from a mail provider's or a
///    scheduling service's domain, nor the candidate's own.
///
/// Several equal matches are settled by the role named in the title, else
/// reported as ambiguous.
/// The keys ([`debrief_core::keys`]) of every application these events may
/// go to, by the rules of [`choose_application`]: their interviews and
/// invites, the addresses and company domains of the people they name,
/// what those domains spell, and the companies their titles may name. A
/// store answers them with the applications to import over
/// ([`Importer::over`]). With `settings.target` the events go to that
/// application, which the caller reads by its id too; the keys then only
/// find the applications already holding the events (an invite is never
/// copied into a second application).
pub fn lookup_keys<'e>(
    events: impl IntoIterator<Item = &'e InviteEvent>,
    settings: &ImportSettings,
) -> BTreeSet<String> {
    // A big calendar's halves on two cores; the sets joined and sorted.
    let events: Vec<&InviteEvent> = events.into_iter().collect();
    let mut parts =
        debrief_core::parallel::map_chunks(&events, 4_000, |part| keys_of(part, settings))
            .into_iter();
    let mut all = parts.next().unwrap_or_default();
    for part in parts {
        all.extend(part);
    }
    all.into_iter().collect()
}

/// [`lookup_keys`] of some of the events, unsorted.
fn keys_of<'e>(
    events: &[&'e InviteEvent],
    settings: &ImportSettings,
) -> HashSet<String, foldhash::fast::RandomState> {
    // A big calendar names the same keys over and over (a company's every
    // event): they are gathered in a hash set, each new one allocated
    // once.
    let mut out: HashSet<String, foldhash::fast::RandomState> = HashSet::default();
    let mut add = |key: &str| {
        if !out.contains(key) {
            out.insert(key.to_string());
        }
    };
    let user_emails = &settings.user_emails;
    let own_domains: Vec<String> = user_emails.iter().filter_map(|u| domain_of(u)).collect();
    let company_prefix = keys::company("");
    let mut run = String::new();
    // An address or a title gives the same keys every time: a company's
    // recruiter and its event titles come back event after event.
    let mut seen_addresses: HashSet<&'e str, foldhash::fast::RandomState> = HashSet::default();
    let mut seen_titles: HashSet<&'e str, foldhash::fast::RandomState> = HashSet::default();
    for &ev in events {
        if is_debrief_uid(&ev.uid) {
            continue;
        }
        add(&keys::interview(&interview_id_for_uid(&ev.uid)));
        add(&keys::invite(&ev.uid));
        if settings.target.is_some() {
            continue;
        }
        for (_, address) in others(ev, user_emails) {
            if !seen_addresses.insert(address) {
                continue;
            }
            add(&keys::email(address));
            let Some(domain) = domain_of(address) else {
                continue;
            };
            if is_generic(&domain) || own_domains.contains(&domain) {
                continue;
            }
            if let Some(label) = company_label(&domain) {
                let spelt: String = label.chars().filter(|c| *c != '-').collect();
                add(&keys::label(&spelt));
            }
            add(&keys::domain(&domain));
        }
        if !seen_titles.insert(ev.summary.as_str()) {
            continue;
        }
        // Every run of the title's words: a company of n words is named by
        // a run of n (the slug is at most 48 characters, so this is small).
        let title = slug(&ev.summary);
        let words: Vec<&str> = title.split('-').filter(|w| !w.is_empty()).collect();
        for n in 1..=words.len() {
            for w in words.windows(n) {
                // `keys::company(&w.join(" "))`, built in one buffer.
                run.clear();
                run.push_str(&company_prefix);
                for (i, word) in w.iter().enumerate() {
                    if i > 0 {
                        run.push(' ');
                    }
                    run.push_str(word);
                }
                add(&run);
            }
        }
    }
    out
}

pub fn choose_application(
    ev: &InviteEvent,
    apps: &[Application],
    user_emails: &[String],
) -> Choice {
    choose_indexed(ev, apps, &Lookup::new(apps), user_emails)
}

/// [`choose_application`] through the import's index of `apps`.
fn choose_indexed(
    ev: &InviteEvent,
    apps: &[Application],
    look: &Lookup,
    user_emails: &[String],
) -> Choice {
    let id = interview_id_for_uid(&ev.uid);
    if let Some(index) = look.holding(ev, |_| true) {
        return Choice::Existing {
            index,
            why: format!("it already holds this invite's interview '{id}'"),
        };
    }
    let people = others(ev, user_emails);

    // 2. Shared addresses.
    let shared = |a: &Application| -> Vec<String> {
        a.people
            .iter()
            .filter(|p| {
                p.email
                    .as_deref()
                    .is_some_and(|e| people.iter().any(|(_, x)| x.eq_ignore_ascii_case(e.trim())))
            })
            .map(|p| p.name.clone())
            .collect()
    };
    // How many of each application's people the invite names: each person
    // is listed once, under their own address.
    let addresses: BTreeSet<String> = people.iter().map(|(_, x)| x.to_ascii_lowercase()).collect();
    let mut counts: HashMap<usize, usize> = HashMap::new();
    for a in &addresses {
        for &i in look.emails.get(a).into_iter().flatten() {
            *counts.entry(i).or_default() += 1;
        }
    }
    let best = counts.values().copied().max().unwrap_or(0);
    if best > 0 {
        let mut top: Vec<usize> = counts
            .iter()
            .filter(|&(_, &n)| n == best)
            .map(|(&i, _)| i)
            .collect();
        top.sort_unstable();
        // An active application beats a finished one with the same people.
        let active: Vec<usize> = top
            .iter()
            .copied()
            .filter(|&i| apps[i].is_active())
            .collect();
        let pick = if active.is_empty() { top } else { active };
        let names = shared(&apps[pick[0]]).join(", ");
        let why = format!("the invite includes {names}, already among its people");
        if let Some(choice) = settle(pick, apps, &ev.summary, why) {
            return choice;
        }
    }

    let domains: Vec<(String, &str)> = people
        .iter()
        .filter_map(|(_, e)| domain_of(e).map(|d| (d, *e)))
        .filter(|(d, _)| !is_generic(d))
        .filter(|(d, _)| {
            !user_emails
                .iter()
                .filter_map(|u| domain_of(u))
                .any(|u| u == *d)
        })
        .collect();
    let active = |set: BTreeSet<usize>| -> Vec<usize> {
        set.into_iter().filter(|&i| apps[i].is_active()).collect()
    };

    // 3. Same company domain as someone already known.
    for (domain, address) in &domains {
        let hits = active(
            look.domains
                .get(domain)
                .into_iter()
                .flatten()
                .copied()
                .collect(),
        );
        let why = format!("its people write from {domain}, like {address}");
        if let Some(choice) = settle(hits, apps, &ev.summary, why) {
            return choice;
        }
    }

    // 4. The domain names the company.
    for (domain, address) in &domains {
        let Some(label) = company_label(domain) else {
            continue;
        };
        let hits = active(look.named_by_label(label));
        let why = match hits.first() {
            Some(&i) => format!(
                "the address {address} matches the company {}",
                apps[i].company
            ),
            None => String::new(),
        };
        if let Some(choice) = settle(hits, apps, &ev.summary, why) {
            return choice;
        }
    }

    // 5. The title names the company.
    let hits = active(look.named_in_title(&ev.summary));
    let why = match hits.first() {
        Some(&i) => format!(
            "the title '{}' names {}",
            snippet(&ev.summary),
            apps[i].company
        ),
        None => String::new(),
    };
    if let Some(choice) = settle(hits, apps, &ev.summary, why) {
        return choice;
    }

    // 6. A new application.
    for (domain, address) in &domains {
        let Some(label) = company_label(domain) else {
            continue;
        };
        let company = named_in_title(label, &ev.summary).unwrap_or_else(|| company_name(label));
        if company.is_empty() {
            continue;
        }
        let id = unique_id(&slug(&company), |c| {
            look.ids.contains_key(c) || look.taken.contains(c)
        });
        let mut application = Application::new(id, company.clone(), "");
        application.stage = Stage::Applied;
        return Choice::New {
            application: Box::new(application),
            why: format!(
                "no application matched, so one was made for {company}, named after the address {address}"
            ),
        };
    }
    let seen: BTreeSet<String> = people.iter().filter_map(|(_, e)| domain_of(e)).collect();
    Choice::Unknown {
        why: if seen.is_empty() {
            "no application matches and the invite names no addresses".to_string()
        } else {
            format!(
                "no application matches, and the addresses ({}) name no company",
                seen.into_iter().collect::<Vec<_>>().join(", ")
            )
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_big_calendars_keys_on_two_cores_are_its_keys_on_one() {
        let mut text = String::from("BEGIN:VCALENDAR\r\n");
        for k in 0..9_000 {
            text.push_str(&format!(
                "BEGIN:VEVENT\r\nUID:ev{k}@x\r\nSUMMARY:Interview with Firm{} Labs\r\nDTSTART:20261203T100000Z\r\nORGANIZER:mailto:hr{}@firm{}.example\r\nATTENDEE;CN=Sam:mailto:sam@mail.example\r\nEND:VEVENT\r\n",
                k % 700,
                k % 13,
                k % 900
            ));
        }
        let events = crate::parse_invites(&text).expect("calendar").events;
        let settings = ImportSettings {
            zone: TimeZone::UTC,
            user_emails: vec!["sam@mail.example".into()],
            user_name: Some("Sam".into()),
            target: None,
        };
        let refs: Vec<&InviteEvent> = events.iter().collect();
        let one: BTreeSet<String> = keys_of(&refs, &settings).into_iter().collect();
        assert!(one.len() > 2 * 9_000, "{} keys", one.len());
        assert_eq!(lookup_keys(&events, &settings), one);
    }

    #[test]
    fn domains_and_company_names() {
        assert_eq!(company_label("contoso.example"), Some("contoso"));
        assert_eq!(company_label("mail.contoso.co.uk"), Some("contoso"));
        assert_eq!(
            company_label("northwind-traders.com.au"),
            Some("northwind-traders")
        );
        assert_eq!(company_label("localhost"), None);
        assert_eq!(company_name("northwind-traders"), "Northwind Traders");
        assert!(is_generic("gmail.com"));
        assert!(is_generic("hotmail.fr"));
        assert!(is_generic("yahoo.co.uk"));
        assert!(is_generic("group.calendar.google.com"));
        assert!(is_generic("us.greenhouse.io"));
        assert!(!is_generic("contoso.example"));
        assert!(!is_generic("google.com"));
    }

    #[test]
    fn labels_and_titles_name_companies() {
        assert!(label_names_company("contoso", "Contoso"));
        assert!(label_names_company("northwind", "Northwind Traders"));
        assert!(label_names_company(
            "northwindtraders",
            "Northwind Traders Inc."
        ));
        assert!(label_names_company("acme", "The ACME Corp"));
        assert!(!label_names_company("acme", "Acmeville Bank"));
        assert!(!label_names_company("co", "Co"));
        assert_eq!(
            named_in_title("tailspin", "Technical round – Tailspin Toys").as_deref(),
            Some("Tailspin Toys")
        );
        assert_eq!(
            named_in_title("northwind", "Northwind Traders – Data Analyst interview").as_deref(),
            Some("Northwind Traders")
        );
        assert_eq!(
            named_in_title("contoso", "Contoso | Panel interview").as_deref(),
            Some("Contoso")
        );
        assert_eq!(
            named_in_title("acme", "ACME: Final Round").as_deref(),
            Some("ACME")
        );
        assert_eq!(
            named_in_title("fabrikam", "Fabrikam Interview with Anna").as_deref(),
            Some("Fabrikam")
        );
        assert_eq!(named_in_title("globex", "Phone screen"), None);
        assert!(title_names_company(
            "Contoso | Panel interview – Product Manager",
            "Contoso Ltd"
        ));
        assert!(!title_names_company("Contosoville meetup", "Contoso"));
        assert!(!title_names_company("Anything", "Inc."));
    }

    /// The index finds exactly the applications the rules name.
    #[test]
    fn the_index_names_companies_as_the_rules_do() {
        let companies = [
            "Contoso",
            "Contoso Ltd",
            "Northwind Traders",
            "Northwind Traders Inc.",
            "The ACME Corp",
            "Acmeville Bank",
            "Co",
            "Inc.",
            "Tailspin Toys",
        ];
        let apps: Vec<Application> = companies
            .iter()
            .enumerate()
            .map(|(i, c)| Application::new(format!("a{i}"), *c, ""))
            .collect();
        let look = Lookup::new(&apps);
        let by_rule = |f: &dyn Fn(&str) -> bool| -> BTreeSet<usize> {
            (0..apps.len()).filter(|&i| f(&apps[i].company)).collect()
        };
        for label in [
            "contoso",
            "northwind",
            "northwindtraders",
            "northwind-traders",
            "acme",
            "co",
            "acmeville",
            "tailspin",
            "toys",
            "inc",
        ] {
            assert_eq!(
                look.named_by_label(label),
                by_rule(&|c| label_names_company(label, c)),
                "{label}"
            );
        }
        for title in [
            "Contoso | Panel interview – Product Manager",
            "Contosoville meetup",
            "Northwind Traders – Data Analyst",
            "Technical round – Tailspin Toys",
            "ACME: Final Round",
            "Co-op chat",
            "Anything",
        ] {
            assert_eq!(
                look.named_in_title(title),
                by_rule(&|c| title_names_company(title, c)),
                "{title}"
            );
        }
    }
}
