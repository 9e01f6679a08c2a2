//! A scan of one mailbox against the store, for every front end (`debrief
//! mail scan`, the web app's Inbox, `debrief serve`'s scheduled scan): read
//! the mail after each folder's mark, propose, and — in ONE store
//! transaction, through [`debrief_store::update`] — record what was
//! accepted, move the folder marks and keep the proposals still waiting
//! (the Inbox's list). Accepting, editing or ignoring a waiting proposal
//! later goes through the same [`apply`](crate::apply) in one transaction
//! too.
//!
//! Store settings (never exported): `mail.ignored` (ids), one
//! `mail.mark:SOURCE#FOLDER` per folder ([`Mark`]) and `mail.pending` (the
//! proposals of each source's last scan that are neither recorded nor
//! ignored).

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use debrief_core::engine::Engine;
use debrief_core::exchange::{self, ExchangeError};
use debrief_core::model::{Moment, OutcomeKind, Profile, TouchKind};
use debrief_store::{Change, Origin, StoreError, StoreWriter, Unit};
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

use crate::imap::{ImapUrl, read_imap};
use crate::scan::{Proposal, Proposed, ScanContext, scan};
use crate::source::{
    Mark, RawMessage, SourceError, maildir_folders, mbox_validity, read_maildir_folder, read_mbox,
};
use crate::{Applied, apply, parse_all, settled_position};

/// The setting holding the ignored ids.
pub const IGNORED: &str = "mail.ignored";
/// The setting holding the proposals still waiting.
pub const PENDING: &str = "mail.pending";

/// What went wrong in a scan or a decision on a proposal.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// The mailbox could not be read (exit 2).
    #[error(transparent)]
    Source(#[from] SourceError),
    /// The request was wrong: an id that is no proposal, a field that does
    /// not fit (exit 2, HTTP 422); `field` names what was at fault.
    #[error("{}{message}", .field.as_ref().map(|f| format!("{f}: ")).unwrap_or_default())]
    Input {
        field: Option<String>,
        message: String,
    },
    /// An id that names no waiting proposal (exit 2, HTTP 404).
    #[error("{0}")]
    Unknown(String),
    /// What would be recorded does not hold together (nothing written).
    #[error(transparent)]
    Invalid(#[from] ExchangeError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl MailError {
    fn input(field: &str, message: impl Into<String>) -> MailError {
        MailError::Input {
            field: Some(field.to_string()),
            message: message.into(),
        }
    }
}

/// A mailbox to read.
#[derive(Debug, Clone, PartialEq)]
pub enum MailSource {
    Mbox(PathBuf),
    Maildir(PathBuf),
    Imap(ImapUrl),
}

impl MailSource {
    /// `mbox:PATH`, `maildir:PATH` or `imaps://USER@HOST[:PORT][/FOLDER,…]`,
    /// as `mail.toml`'s `scan` and `DEBRIEF_MAIL_SCAN` name them.
    pub fn parse(text: &str) -> Result<MailSource, SourceError> {
        let t = text.trim();
        if let Some(p) = t.strip_prefix("mbox:") {
            return Ok(MailSource::Mbox(expand_home(p)));
        }
        if let Some(p) = t.strip_prefix("maildir:") {
            return Ok(MailSource::Maildir(expand_home(p)));
        }
        if t.starts_with("imaps://") || t.starts_with("imap://") {
            return ImapUrl::parse(t).map(MailSource::Imap);
        }
        Err(SourceError::Imap(format!(
            "'{}' is not a mailbox: write mbox:/path/file.mbox, maildir:/path/Mail or imaps://USER@HOST/",
            t.chars().take(80).collect::<String>()
        )))
    }

    /// How the store's marks name this source: `mbox:/abs/path`,
    /// `maildir:/abs/path`, `imap:user@host:port`.
    pub fn key(&self) -> Result<String, SourceError> {
        Ok(match self {
            MailSource::Mbox(p) => format!("mbox:{}", canonical(p)?),
            MailSource::Maildir(p) => format!("maildir:{}", canonical(p)?),
            MailSource::Imap(u) => format!("imap:{}", u.account()),
        })
    }

    /// For messages: the path, or the IMAP account (never a password).
    pub fn label(&self) -> String {
        match self {
            MailSource::Mbox(p) | MailSource::Maildir(p) => p.display().to_string(),
            MailSource::Imap(u) => format!("imaps://{}", u.account()),
        }
    }
}

fn expand_home(p: &str) -> PathBuf {
    match (p.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => PathBuf::from(p),
    }
}

fn canonical(path: &Path) -> Result<String, SourceError> {
    std::fs::canonicalize(path)
        .map(|p| p.display().to_string())
        .map_err(|source| SourceError::Io {
            path: path.display().to_string(),
            source,
        })
}

/// The user's addresses, lower case: the profile's, else `fallback` (the
/// mail settings' sender). Empty: no mail reads as sent by the user.
pub fn user_emails(profile: &Profile, fallback: Option<String>) -> Vec<String> {
    let mut emails: Vec<String> = profile
        .emails
        .iter()
        .map(|e| e.trim().to_lowercase())
        .filter(|e| !e.is_empty())
        .collect();
    if emails.is_empty()
        && let Some(f) = fallback.filter(|f| !f.trim().is_empty())
    {
        emails.push(f.trim().to_lowercase());
    }
    emails
}

/// Is `id` shaped like a proposal id (16 hex digits)?
pub fn is_proposal_id(id: &str) -> bool {
    id.len() == 16 && id.chars().all(|c| c.is_ascii_hexdigit())
}

/// One scan to run.
#[derive(Debug, Clone)]
pub struct ScanRequest {
    pub source: MailSource,
    /// For IMAP; never shown.
    pub imap_password: Option<String>,
    /// Leave mail older than this date (in `tz`) alone.
    pub since: Option<Date>,
    /// `None`: only propose; `Some([])`: record all; else the ids named
    /// (each must be proposed by this scan, else nothing is written).
    pub apply: Option<Vec<String>>,
    pub profile: Profile,
    pub tz: TimeZone,
    pub now: Timestamp,
    pub user_emails: Vec<String>,
}

/// What a scan found and did.
#[derive(Debug, Clone)]
pub struct ScanOutcome {
    /// The source's key (see [`MailSource::key`]).
    pub source: String,
    pub proposals: Vec<Proposal>,
    pub skipped: usize,
    /// With `apply`: what each chosen proposal did.
    pub applied: Option<Vec<Applied>>,
}

/// How to check that a folder is still the one its mark was made on.
enum Validity {
    /// An mbox: a hash of its first bytes up to the mark.
    Head(Vec<u8>),
    /// IMAP's UIDVALIDITY, or 0 (a Maildir).
    Fixed(u64),
}

fn mark_key(source: &str, folder: &str) -> String {
    format!("mail.mark:{source}#{folder}")
}

/// Reads store settings in a short transaction of their own (the store's
/// reader has no settings), before the mail is read.
fn read_settings<S: StoreWriter + ?Sized>(
    store: &mut S,
    keys: &[String],
) -> Result<Vec<Option<String>>, StoreError> {
    let mut out = Vec::new();
    store.transaction(&mut |tx| {
        out = keys
            .iter()
            .map(|k| tx.setting(k))
            .collect::<Result<_, _>>()?;
        Ok(())
    })?;
    Ok(out)
}

fn parse_mark(text: Option<String>) -> Option<Mark> {
    text.and_then(|t| serde_json::from_str(&t).ok())
}

/// Reads the mail after each folder's stored mark.
fn read_mail<S: StoreWriter + ?Sized>(
    store: &mut S,
    key: &str,
    req: &ScanRequest,
) -> Result<(Vec<RawMessage>, BTreeMap<String, Validity>), MailError> {
    match &req.source {
        MailSource::Mbox(path) => {
            let mark = parse_mark(read_settings(store, &[mark_key(key, "")])?.remove(0));
            let read = read_mbox(path, mark.as_ref())?;
            Ok((
                read.messages,
                BTreeMap::from([(String::new(), Validity::Head(read.head))]),
            ))
        }
        MailSource::Maildir(dir) => {
            let folders = maildir_folders(dir)?;
            let keys: Vec<String> = folders.iter().map(|(n, _)| mark_key(key, n)).collect();
            let marks = read_settings(store, &keys)?;
            let mut messages = Vec::new();
            let mut validity = BTreeMap::new();
            for ((name, path), mark) in folders.into_iter().zip(marks) {
                let mark = parse_mark(mark);
                messages.extend(read_maildir_folder(&name, &path, mark.as_ref())?);
                validity.insert(name, Validity::Fixed(0));
            }
            Ok((messages, validity))
        }
        MailSource::Imap(url) => {
            let Some(password) = req.imap_password.as_deref() else {
                return Err(MailError::input(
                    "imap",
                    format!("no IMAP password for {}", url.account()),
                ));
            };
            // The folders are known only once the server lists them; each
            // mark is read when asked for.
            let store = std::cell::RefCell::new(store);
            let marks = |folder: &str| {
                let mut s = store.borrow_mut();
                read_settings(&mut **s, &[mark_key(key, folder)])
                    .ok()
                    .and_then(|mut v| parse_mark(v.remove(0)))
            };
            let folders = read_imap(url, password, &marks, req.since)?;
            let mut messages = Vec::new();
            let mut validity = BTreeMap::new();
            for f in folders {
                validity.insert(f.name.clone(), Validity::Fixed(u64::from(f.uidvalidity)));
                messages.extend(f.messages);
            }
            Ok((messages, validity))
        }
    }
}

/// One waiting proposal as kept in `mail.pending`, with the calendar an
/// interview is recorded from.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Kept {
    proposal: serde_json::Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    calendar: Option<String>,
}

/// A source's waiting proposals.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct KeptScan {
    scanned_at: Option<Timestamp>,
    proposals: Vec<Kept>,
}

/// `mail.pending`: by source key.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct PendingSetting {
    #[serde(default)]
    sources: BTreeMap<String, KeptScan>,
}

/// A proposal waiting for the user's decision, from a source's last scan.
#[derive(Debug, Clone)]
pub struct Pending {
    pub source: String,
    pub scanned_at: Option<Timestamp>,
    pub proposal: Proposal,
}

fn keep(p: &Proposal) -> Result<Kept, StoreError> {
    let calendar = match &p.proposed {
        Proposed::Interview { calendar, .. } => {
            Some(String::from_utf8_lossy(calendar).into_owned())
        }
        _ => None,
    };
    Ok(Kept {
        proposal: serde_json::to_value(p).map_err(|e| StoreError::Backend(e.to_string()))?,
        calendar,
    })
}

fn unkeep(k: &Kept) -> Option<Proposal> {
    let mut p: Proposal = serde_json::from_value(k.proposal.clone()).ok()?;
    if let (Proposed::Interview { calendar, .. }, Some(text)) = (&mut p.proposed, &k.calendar) {
        *calendar = text.as_bytes().to_vec();
    }
    Some(p)
}

fn load_pending(u: &Unit<'_>) -> Result<PendingSetting, StoreError> {
    Ok(u.setting(PENDING)?
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default())
}

fn save_pending(u: &mut Unit<'_>, p: &PendingSetting) -> Result<(), StoreError> {
    let text = serde_json::to_string(p).map_err(|e| StoreError::Backend(e.to_string()))?;
    u.set_setting(PENDING, &text)
}

fn load_ignored(u: &Unit<'_>) -> Result<Vec<String>, StoreError> {
    Ok(u.setting(IGNORED)?
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default())
}

/// Reads `req.source` after its marks, proposes, and in one store
/// transaction records what `req.apply` chose, moves the folder marks and
/// keeps the proposals still waiting. On any error nothing is written.
pub fn scan_source<S: StoreWriter + ?Sized>(
    store: &mut S,
    origin: &Origin,
    req: &ScanRequest,
) -> Result<ScanOutcome, MailError> {
    if let Some(ids) = &req.apply
        && let Some(bad) = ids.iter().find(|id| !is_proposal_id(id))
    {
        return Err(MailError::input(
            "--apply",
            format!(
                "'{bad}' is not a proposal id (16 hex digits, as `debrief mail scan` prints them)"
            ),
        ));
    }
    let since = match req.since {
        Some(d) => Some(
            d.to_zoned(req.tz.clone())
                .map_err(|e| MailError::input("--since", e.to_string()))?
                .timestamp(),
        ),
        None => None,
    };
    let key = req.source.key()?;
    let (messages, folders) = read_mail(store, &key, req)?;
    let mail = parse_all(&messages);
    drop(messages);

    debrief_store::update(store, origin, |u| {
        let ignored: HashSet<String> = load_ignored(u)?.into_iter().collect();
        let mut apps = u.reader().load()?.applications;
        let scan_ctx = ScanContext {
            profile: req.profile.clone(),
            user_emails: req.user_emails.clone(),
            now: req.now,
            since,
            ignored: ignored.clone(),
        };
        let result = scan(mail, &apps, &scan_ctx);

        // --apply: all, or the ids named (each must be one proposed now).
        let chosen: Vec<&Proposal> = match &req.apply {
            None => vec![],
            Some(ids) if ids.is_empty() => result.proposals.iter().collect(),
            Some(ids) => {
                let ids: Vec<String> = ids.iter().map(|i| i.to_lowercase()).collect();
                if let Some(missing) = ids
                    .iter()
                    .find(|id| !result.proposals.iter().any(|p| &p.id == *id))
                {
                    return Err(MailError::input(
                        "--apply",
                        format!(
                            "no proposal '{missing}' in this scan (already recorded or ignored?); run the scan without --apply to list them"
                        ),
                    ));
                }
                result
                    .proposals
                    .iter()
                    .filter(|p| ids.contains(&p.id))
                    .collect()
            }
        };
        let mut applied = None;
        if req.apply.is_some() {
            let done = record(u, &chosen, &mut apps, req)?;
            applied = Some(done);
        }

        // The marks: each folder settled up to its first message still
        // waiting, written with the changes above.
        let recorded: HashSet<&str> = applied
            .iter()
            .flatten()
            .filter(|d| d.recorded)
            .map(|d| d.id.as_str())
            .collect();
        let pending = |id: &str| !recorded.contains(id) && !ignored.contains(id);
        for (folder, validity) in &folders {
            let Some(position) = settled_position(&result.messages, folder, pending) else {
                continue;
            };
            let validity = match validity {
                Validity::Head(head) => mbox_validity(head, position),
                Validity::Fixed(v) => *v,
            };
            let mark = Mark { position, validity };
            let text =
                serde_json::to_string(&mark).map_err(|e| StoreError::Backend(e.to_string()))?;
            u.set_setting(&mark_key(&key, folder), &text)?;
        }

        // What still waits, for the Inbox. A scan that read nothing new
        // (all after the marks) keeps what waited before.
        let mut kept = load_pending(u)?;
        let mut waiting: Vec<Kept> = Vec::new();
        let mut seen: HashSet<String> = HashSet::new();
        for p in result.proposals.iter().filter(|p| pending(&p.id)) {
            seen.insert(p.id.clone());
            waiting.push(keep(p)?);
        }
        if let Some(before) = kept.sources.get(&key) {
            for k in &before.proposals {
                if let Some(p) = unkeep(k)
                    && !seen.contains(&p.id)
                    && pending(&p.id)
                    && still_open(&p, &apps)
                {
                    waiting.push(k.clone());
                }
            }
        }
        kept.sources.insert(
            key.clone(),
            KeptScan {
                scanned_at: Some(req.now),
                proposals: waiting,
            },
        );
        save_pending(u, &kept)?;
        Ok(ScanOutcome {
            source: key.clone(),
            proposals: result.proposals,
            skipped: result.skipped,
            applied,
        })
    })
}

/// A proposal kept from an earlier scan that the store does not hold yet
/// (its application is there and its mail is not recorded).
fn still_open(p: &Proposal, apps: &[debrief_core::model::Application]) -> bool {
    let Some(app) = apps.iter().find(|a| a.id == p.application) else {
        return false;
    };
    match &p.proposed {
        Proposed::Touch { .. } => !app
            .touches
            .iter()
            .any(|t| t.message_id.as_deref() == Some(p.message_id.as_str())),
        Proposed::Outcome { .. } => app
            .outcome
            .as_ref()
            .is_none_or(|o| o.message_id.as_deref() != Some(p.message_id.as_str())),
        Proposed::Person { email, .. } => !app.people.iter().any(|q| {
            q.email
                .as_deref()
                .is_some_and(|e| e.eq_ignore_ascii_case(email))
        }),
        Proposed::Interview { interview, .. } => app.interview(interview).is_none(),
        Proposed::Reply { .. } => true,
    }
}

/// Records `chosen` on `apps` (read in this transaction) and writes the
/// applications changed.
fn record(
    u: &mut Unit<'_>,
    chosen: &[&Proposal],
    apps: &mut [debrief_core::model::Application],
    req: &ScanRequest,
) -> Result<Vec<Applied>, MailError> {
    if chosen.is_empty() {
        return Ok(vec![]);
    }
    let engine =
        Engine::new(&req.profile).map_err(|e| MailError::input("profile", e.to_string()))?;
    let (done, changed) = apply(chosen, apps, &engine, &req.tz, &req.user_emails, req.now);
    let mut changes = Vec::new();
    for i in changed {
        exchange::validate_application(&apps[i], &format!("application '{}'", apps[i].id))?;
        changes.push(Change::PutApplication(apps[i].clone()));
    }
    u.apply(&changes)?;
    Ok(done)
}

/// The proposals waiting for a decision, every source's, oldest scan
/// first; none that was ignored since.
pub fn pending<S: StoreWriter + ?Sized>(store: &mut S) -> Result<Vec<Pending>, StoreError> {
    let texts = read_settings(store, &[PENDING.to_string(), IGNORED.to_string()])?;
    let kept: PendingSetting = texts[0]
        .as_deref()
        .and_then(|t| serde_json::from_str(t).ok())
        .unwrap_or_default();
    let ignored: HashSet<String> = texts[1]
        .as_deref()
        .and_then(|t| serde_json::from_str(t).ok())
        .unwrap_or_default();
    let mut out = Vec::new();
    for (source, scan) in kept.sources {
        for k in &scan.proposals {
            if let Some(p) = unkeep(k)
                && !ignored.contains(&p.id)
            {
                out.push(Pending {
                    source: source.clone(),
                    scanned_at: scan.scanned_at,
                    proposal: p,
                });
            }
        }
    }
    out.sort_by_key(|p| p.scanned_at);
    Ok(out)
}

/// What the user changed before accepting a proposal ("Edit"). A field
/// that does not fit the proposal's kind is refused.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Changes {
    /// A touch's kind.
    pub touch_kind: Option<TouchKind>,
    /// An outcome's kind.
    pub outcome: Option<OutcomeKind>,
    /// When a touch was sent, a reply came or an outcome was given.
    pub at: Option<Moment>,
    /// A new person's name.
    pub name: Option<String>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        *self == Changes::default()
    }

    /// `p` with these changes.
    pub fn onto(&self, p: &Proposal) -> Result<Proposal, MailError> {
        let mut p = p.clone();
        let kind = p.proposed.kind();
        match &mut p.proposed {
            Proposed::Touch { touch_kind, at, .. } => {
                no(self.outcome.is_some(), "outcome", kind)?;
                no(self.name.is_some(), "name", kind)?;
                if let Some(k) = self.touch_kind {
                    *touch_kind = k;
                }
                if let Some(t) = self.at {
                    *at = t;
                }
            }
            Proposed::Reply { at, .. } => {
                no(self.touch_kind.is_some(), "touch_kind", kind)?;
                no(self.outcome.is_some(), "outcome", kind)?;
                no(self.name.is_some(), "name", kind)?;
                if let Some(t) = self.at {
                    *at = t;
                }
            }
            Proposed::Outcome { outcome, at } => {
                no(self.touch_kind.is_some(), "touch_kind", kind)?;
                no(self.name.is_some(), "name", kind)?;
                if let Some(o) = self.outcome {
                    *outcome = o;
                }
                if let Some(t) = self.at {
                    *at = t;
                }
            }
            Proposed::Person { name, .. } => {
                no(self.touch_kind.is_some(), "touch_kind", kind)?;
                no(self.outcome.is_some(), "outcome", kind)?;
                no(self.at.is_some(), "at", kind)?;
                if let Some(n) = &self.name {
                    let n = n.trim();
                    if n.is_empty() {
                        return Err(MailError::input("name", "a person needs a name"));
                    }
                    *name = n.to_string();
                }
            }
            Proposed::Interview { .. } => {
                if !self.is_empty() {
                    return Err(MailError::input(
                        "interview",
                        "an invitation is recorded as its calendar says; accept it and edit the interview afterwards",
                    ));
                }
            }
        }
        Ok(p)
    }
}

fn no(given: bool, field: &str, kind: &str) -> Result<(), MailError> {
    if given {
        return Err(MailError::input(
            field,
            format!("a {kind} proposal has no {field} to change"),
        ));
    }
    Ok(())
}

/// What [`decide`] needs besides the store.
#[derive(Debug, Clone)]
pub struct Decider {
    pub profile: Profile,
    pub tz: TimeZone,
    pub now: Timestamp,
    pub user_emails: Vec<String>,
}

/// Records waiting proposal `id` (with `changes`), in one transaction
/// that also takes it off the waiting list: the same recording as `mail
/// scan --apply`.
pub fn accept<S: StoreWriter + ?Sized>(
    store: &mut S,
    origin: &Origin,
    id: &str,
    changes: &Changes,
    d: &Decider,
) -> Result<Applied, MailError> {
    let id = id.trim().to_lowercase();
    if !is_proposal_id(&id) {
        return Err(MailError::input(
            "id",
            format!("'{id}' is not a proposal id (16 hex digits)"),
        ));
    }
    debrief_store::update(store, origin, |u| {
        let mut kept = load_pending(u)?;
        let ignored = load_ignored(u)?;
        let found = kept
            .sources
            .values()
            .flat_map(|s| s.proposals.iter())
            .filter_map(unkeep)
            .find(|p| p.id == id && !ignored.contains(&p.id));
        let Some(p) = found else {
            return Err(MailError::Unknown(format!(
                "no proposal '{id}' is waiting (already recorded or ignored?); scan again to see what is new"
            )));
        };
        let p = changes.onto(&p)?;
        let mut apps = u.reader().load()?.applications;
        let req = ScanRequest {
            source: MailSource::Mbox(PathBuf::new()),
            imap_password: None,
            since: None,
            apply: None,
            profile: d.profile.clone(),
            tz: d.tz.clone(),
            now: d.now,
            user_emails: d.user_emails.clone(),
        };
        let done = record(u, &[&p], &mut apps, &req)?
            .into_iter()
            .next()
            .ok_or_else(|| StoreError::Backend("nothing was recorded".into()))?;
        if done.recorded {
            for s in kept.sources.values_mut() {
                s.proposals
                    .retain(|k| unkeep(k).is_none_or(|q| q.id != done.id));
            }
            save_pending(u, &kept)?;
        }
        Ok(done)
    })
}

/// Never proposes `ids` again (and takes them off the waiting list), in
/// one transaction; says how many were new.
pub fn ignore<S: StoreWriter + ?Sized>(
    store: &mut S,
    origin: &Origin,
    ids: &[String],
) -> Result<usize, MailError> {
    if let Some(bad) = ids.iter().find(|id| !is_proposal_id(id.trim())) {
        return Err(MailError::input(
            "id",
            format!(
                "'{bad}' is not a proposal id (16 hex digits, as `debrief mail scan` prints them)"
            ),
        ));
    }
    let ids: Vec<String> = ids.iter().map(|i| i.trim().to_lowercase()).collect();
    debrief_store::update(store, origin, |u| {
        let mut list = load_ignored(u)?;
        let mut added = 0;
        for id in &ids {
            if !list.contains(id) {
                list.push(id.clone());
                added += 1;
            }
        }
        let text = serde_json::to_string(&list).map_err(|e| StoreError::Backend(e.to_string()))?;
        u.set_setting(IGNORED, &text)?;
        let mut kept = load_pending(u)?;
        for s in kept.sources.values_mut() {
            s.proposals
                .retain(|k| unkeep(k).is_none_or(|q| !ids.contains(&q.id)));
        }
        save_pending(u, &kept)?;
        Ok(added)
    })
}
