//! `debrief mail scan` and `debrief mail ignore`: the user's mailbox, read
//! only, turned into proposals (FORMAT.md §4); `--apply` records them.
//!
//! Kept in the store's `settings` (never exported): `mail.ignored` (the
//! ids the user ignored) and one `mail.mark:SOURCE#FOLDER` per folder (how
//! far the folder is settled, so a daily scan reads only new mail).

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use debrief_core::engine::Engine;
use debrief_core::exchange;
use debrief_core::input::parse_date;
use debrief_mailbox::imap::{ImapUrl, read_imap};
use debrief_mailbox::{
    Mark, Proposal, Proposed, RawMessage, ScanContext, apply, maildir_folders, mbox_validity,
    parse_all, read_maildir_folder, read_mbox, scan, settled_position,
};
use debrief_store::Change;
use serde_json::json;

use crate::args::{MailCommand, MailIgnoreArgs, MailScanArgs};
use crate::ctx::{Ctx, Failure, Result};
use crate::render;

const IGNORED: &str = "mail.ignored";

pub fn run(ctx: &mut Ctx, c: MailCommand) -> Result<()> {
    match c {
        MailCommand::Scan(a) => scan_mail(ctx, &a),
        MailCommand::Ignore(a) => ignore(ctx, &a),
    }
}

fn ignored(ctx: &Ctx) -> Result<Vec<String>> {
    Ok(match ctx.store.setting(IGNORED)? {
        Some(text) => serde_json::from_str(&text).unwrap_or_default(),
        None => vec![],
    })
}

fn is_proposal_id(id: &str) -> bool {
    id.len() == 16 && id.chars().all(|c| c.is_ascii_hexdigit())
}

fn ignore(ctx: &mut Ctx, a: &MailIgnoreArgs) -> Result<()> {
    if let Some(bad) = a.ids.iter().find(|id| !is_proposal_id(id)) {
        return Err(Failure::input(format!(
            "'{bad}' is not a proposal id (16 hex digits, as `debrief mail scan` prints them)"
        )));
    }
    let mut list = ignored(ctx)?;
    let mut added = 0;
    for id in &a.ids {
        let id = id.to_lowercase();
        if !list.contains(&id) {
            list.push(id);
            added += 1;
        }
    }
    let text = serde_json::to_string(&list).map_err(Failure::input)?;
    ctx.set_setting(IGNORED, &text)?;
    render::out(&format!(
        "Ignored {added} proposal{}; `debrief mail scan` will not show {} again.\n",
        if added == 1 { "" } else { "s" },
        if added == 1 { "it" } else { "them" }
    ));
    Ok(())
}

/// How to check that a folder is still the one its mark was made on.
enum Validity {
    /// An mbox: a hash of its first bytes up to the mark.
    Head(Vec<u8>),
    /// IMAP's UIDVALIDITY, or 0 (a Maildir).
    Fixed(u64),
}

struct Read {
    /// `mbox:/path`, `maildir:/path`, `imap:user@host:port`.
    source: String,
    messages: Vec<RawMessage>,
    folders: BTreeMap<String, Validity>,
}

fn mark_key(source: &str, folder: &str) -> String {
    format!("mail.mark:{source}#{folder}")
}

fn stored_mark(ctx: &Ctx, source: &str, folder: &str) -> Result<Option<Mark>> {
    Ok(ctx
        .store
        .setting(&mark_key(source, folder))?
        .and_then(|t| serde_json::from_str(&t).ok()))
}

fn canonical(path: &Path) -> Result<String> {
    std::fs::canonicalize(path)
        .map(|p| p.display().to_string())
        .map_err(|e| Failure::input(format!("cannot read {}: {e}", path.display())))
}

fn read_source(ctx: &Ctx, a: &MailScanArgs) -> Result<Read> {
    if let Some(path) = &a.mbox {
        let source = format!("mbox:{}", canonical(path)?);
        let mark = stored_mark(ctx, &source, "")?;
        let read = read_mbox(path, mark.as_ref()).map_err(Failure::input)?;
        return Ok(Read {
            source,
            messages: read.messages,
            folders: BTreeMap::from([(String::new(), Validity::Head(read.head))]),
        });
    }
    if let Some(dir) = &a.maildir {
        let source = format!("maildir:{}", canonical(dir)?);
        let mut messages = Vec::new();
        let mut folders = BTreeMap::new();
        for (name, path) in maildir_folders(dir).map_err(Failure::input)? {
            let mark = stored_mark(ctx, &source, &name)?;
            messages
                .extend(read_maildir_folder(&name, &path, mark.as_ref()).map_err(Failure::input)?);
            folders.insert(name, Validity::Fixed(0));
        }
        return Ok(Read {
            source,
            messages,
            folders,
        });
    }
    if let Some(url) = &a.imap {
        let url = ImapUrl::parse(url).map_err(Failure::input)?;
        let password = imap_password(&url)?;
        let source = format!("imap:{}", url.account());
        let marks = |folder: &str| stored_mark(ctx, &source, folder).ok().flatten();
        let since = match &a.since {
            Some(t) => Some(parse_date(t).map_err(|e| Failure::input(format!("--since: {e}")))?),
            None => None,
        };
        let folders = read_imap(&url, &password, &marks, since).map_err(Failure::input)?;
        let mut messages = Vec::new();
        let mut validity = BTreeMap::new();
        for f in folders {
            validity.insert(f.name.clone(), Validity::Fixed(u64::from(f.uidvalidity)));
            messages.extend(f.messages);
        }
        return Ok(Read {
            source,
            messages,
            folders: validity,
        });
    }
    Err(Failure::input(
        "name a mailbox: --mbox FILE, --maildir DIR or --imap imaps://USER@HOST/",
    ))
}

/// The IMAP password: the environment over `mail.toml`, never the URL.
fn imap_password(url: &ImapUrl) -> Result<String> {
    if let Ok(p) = std::env::var("DEBRIEF_IMAP_PASSWORD")
        && !p.is_empty()
    {
        return Ok(p);
    }
    let sources = debrief_mail::Sources::from_env();
    let settings = sources.load().map_err(Failure::input)?;
    settings.config.imap_password.clone().ok_or_else(|| {
        Failure::input(format!(
            "no IMAP password for {}: set DEBRIEF_IMAP_PASSWORD, or imap_password = \"…\" {} (an app password for Gmail or Outlook)",
            url.account(),
            sources.where_to_configure()
        ))
    })
}

/// The user's addresses: the profile's, else the mail settings' sender.
fn user_emails(ctx: &Ctx) -> Result<Vec<String>> {
    let profile = ctx.profile()?;
    let mut emails: Vec<String> = profile
        .emails
        .iter()
        .map(|e| e.trim().to_lowercase())
        .collect();
    if emails.is_empty()
        && let Ok(settings) = debrief_mail::Sources::from_env().load()
        && let Some(from) = settings.config.sender_address()
    {
        emails.push(from.trim().to_lowercase());
    }
    if emails.is_empty() {
        render::err(&format!(
            "{} Debrief does not know your address, so no mail reads as sent by you; add it with: debrief profile --email you@example.com\n",
            render::paint(render::YELLOW, "warning:")
        ));
    }
    Ok(emails)
}

fn scan_mail(ctx: &mut Ctx, a: &MailScanArgs) -> Result<()> {
    let tz = ctx.tz()?;
    let now = ctx.now()?;
    let since = match &a.since {
        Some(text) => {
            let d = parse_date(text).map_err(|e| Failure::input(format!("--since: {e}")))?;
            Some(
                d.to_zoned(tz.clone())
                    .map_err(|e| Failure::input(format!("--since: {e}")))?
                    .timestamp(),
            )
        }
        None => None,
    };
    if let Some(ids) = &a.apply
        && let Some(bad) = ids.iter().find(|id| !is_proposal_id(id))
    {
        return Err(Failure::input(format!(
            "--apply: '{bad}' is not a proposal id (16 hex digits, as `debrief mail scan` prints them)"
        )));
    }
    let profile = ctx.profile()?;
    let emails = user_emails(ctx)?;
    let ignored: HashSet<String> = ignored(ctx)?.into_iter().collect();
    let read = read_source(ctx, a)?;
    let mail = parse_all(&read.messages);
    drop(read.messages);
    let data = ctx.store.load()?;
    let scan_ctx = ScanContext {
        profile: profile.clone(),
        user_emails: emails.clone(),
        now,
        since,
        ignored: ignored.clone(),
    };
    let result = scan(mail, &data.applications, &scan_ctx);

    // --apply: all, or the ids named (each must be one proposed now).
    let chosen: Vec<&Proposal> = match &a.apply {
        None => vec![],
        Some(ids) if ids.is_empty() => result.proposals.iter().collect(),
        Some(ids) => {
            let ids: Vec<String> = ids.iter().map(|i| i.to_lowercase()).collect();
            if let Some(missing) = ids
                .iter()
                .find(|id| !result.proposals.iter().any(|p| &p.id == *id))
            {
                return Err(Failure::input(format!(
                    "--apply: no proposal '{missing}' in this scan (already recorded or ignored?); run the scan without --apply to list them"
                )));
            }
            result
                .proposals
                .iter()
                .filter(|p| ids.contains(&p.id))
                .collect()
        }
    };
    let mut applied = Vec::new();
    if !chosen.is_empty() {
        let engine = Engine::new(&profile).map_err(Failure::input)?;
        // Recorded on the applications as they are inside one journalled
        // write transaction (undoable; an edit made meanwhile is kept).
        applied = ctx.update(|u| {
            let mut apps = u.reader().load()?.applications;
            let (done, changed) = apply(&chosen, &mut apps, &engine, &tz, &emails, now);
            let mut changes = Vec::new();
            for i in changed {
                exchange::validate_application(&apps[i], &format!("application '{}'", apps[i].id))?;
                changes.push(Change::PutApplication(apps[i].clone()));
            }
            u.apply(&changes)?;
            Ok(done)
        })?;
    }

    // The marks: each folder settled up to its first message still waiting.
    let recorded: HashSet<&str> = applied
        .iter()
        .filter(|d| d.recorded)
        .map(|d| d.id.as_str())
        .collect();
    let pending = |id: &str| !recorded.contains(id) && !ignored.contains(id);
    for (folder, validity) in &read.folders {
        let Some(position) = settled_position(&result.messages, folder, pending) else {
            continue;
        };
        let validity = match validity {
            Validity::Head(head) => mbox_validity(head, position),
            Validity::Fixed(v) => *v,
        };
        let mark = Mark { position, validity };
        let text = serde_json::to_string(&mark).map_err(Failure::input)?;
        ctx.set_setting(&mark_key(&read.source, folder), &text)?;
    }

    if a.json {
        let mut v = json!({
            "proposals": result.proposals,
            "skipped": result.skipped,
        });
        if a.apply.is_some() {
            v["applied"] = json!(applied);
        }
        render::out(&format!("{v}\n"));
        return Ok(());
    }
    render::out(&human(&result.proposals, result.skipped, &tz));
    if a.apply.is_some() {
        let n = applied.iter().filter(|d| d.recorded).count();
        render::out(&format!("\nRecorded {n} of {}.\n", applied.len()));
        for d in &applied {
            if let Some(note) = &d.note {
                render::out(&format!("  {}  {note}\n", d.id));
            }
        }
    } else if !result.proposals.is_empty() {
        render::out(
            "\nRecord them with --apply (all) or --apply ID…; hide one for good with: debrief mail ignore ID\n",
        );
    }
    Ok(())
}

fn human(proposals: &[Proposal], skipped: usize, tz: &jiff::tz::TimeZone) -> String {
    let when = |m: &debrief_core::model::Moment| {
        m.ts.to_zoned(tz.clone())
            .strftime("%a %-d %b %Y %H:%M")
            .to_string()
    };
    let mut out = String::new();
    if proposals.is_empty() {
        out.push_str("Nothing new in this mailbox.\n");
    }
    for p in proposals {
        let (what, at) = match &p.proposed {
            Proposed::Touch {
                touch_kind,
                person,
                at,
                early_chase,
                ..
            } => (
                format!(
                    "you sent a {touch_kind}{}{}",
                    person
                        .as_deref()
                        .map(|x| format!(" to {x}"))
                        .unwrap_or_default(),
                    if early_chase.is_some() {
                        " (an early chase)"
                    } else {
                        ""
                    }
                ),
                when(at),
            ),
            Proposed::Reply { person, at } => (
                format!(
                    "reply{}",
                    person
                        .as_deref()
                        .map(|x| format!(" from {x}"))
                        .unwrap_or_default()
                ),
                when(at),
            ),
            Proposed::Outcome { outcome, at } => (format!("outcome: {outcome}"), when(at)),
            Proposed::Interview { start, .. } => {
                (format!("interview on {}", when(start)), String::new())
            }
            Proposed::Person { name, email, .. } => {
                (format!("new person: {name} <{email}>"), String::new())
            }
        };
        out.push_str(&format!(
            "{}  {:<10} {}  {what}{}\n    {}\n",
            render::paint(render::DIM, &p.id),
            p.proposed.kind(),
            p.application,
            if at.is_empty() {
                String::new()
            } else {
                format!(", {at}")
            },
            p.evidence
        ));
    }
    out.push_str(&format!(
        "{} message{} concerned no application or said nothing new.\n",
        skipped,
        if skipped == 1 { "" } else { "s" }
    ));
    out
}
