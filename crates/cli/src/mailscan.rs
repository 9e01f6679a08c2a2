//! `debrief mail scan` and `debrief mail ignore`: the user's mailbox, read
//! only, turned into proposals (FORMAT.md §4); `--apply` records them.
//!
//! The reading, proposing and recording live in `debrief_mailbox::session`
//! (the web app's Inbox uses the same); this file translates the arguments
//! and renders the answer.

use debrief_core::input::parse_date;
use debrief_mailbox::imap::ImapUrl;
use debrief_mailbox::{MailError, MailSource, Proposal, Proposed, ScanRequest, scan_source};
use serde_json::json;

use crate::args::{MailCommand, MailIgnoreArgs, MailScanArgs};
use crate::ctx::{Ctx, Failure, Result};
use crate::render;

pub fn run(ctx: &mut Ctx, c: MailCommand) -> Result<()> {
    match c {
        MailCommand::Scan(a) => scan_mail(ctx, &a),
        MailCommand::Ignore(a) => ignore(ctx, &a),
    }
}

/// The mailbox crate's refusals: bad input and unreadable mail exit 2, a
/// busy store 3.
pub(crate) fn failure(e: MailError) -> Failure {
    match e {
        MailError::Store(e) => e.into(),
        other => Failure::input(other),
    }
}

fn ignore(ctx: &mut Ctx, a: &MailIgnoreArgs) -> Result<()> {
    let origin = ctx.origin()?;
    let added = debrief_mailbox::ignore(&mut *ctx.store, &origin, &a.ids).map_err(failure)?;
    render::out(&format!(
        "Ignored {added} proposal{}; `debrief mail scan` will not show {} again.\n",
        if added == 1 { "" } else { "s" },
        if added == 1 { "it" } else { "them" }
    ));
    Ok(())
}

fn source(a: &MailScanArgs) -> Result<MailSource> {
    if let Some(path) = &a.mbox {
        return Ok(MailSource::Mbox(path.clone()));
    }
    if let Some(dir) = &a.maildir {
        return Ok(MailSource::Maildir(dir.clone()));
    }
    if let Some(url) = &a.imap {
        return Ok(MailSource::Imap(
            ImapUrl::parse(url).map_err(Failure::input)?,
        ));
    }
    Err(Failure::input(
        "name a mailbox: --mbox FILE, --maildir DIR or --imap imaps://USER@HOST/",
    ))
}

/// The IMAP password: the environment over `mail.toml`, never the URL.
pub(crate) fn imap_password(url: &ImapUrl) -> Result<String> {
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
    let fallback = debrief_mail::Sources::from_env()
        .load()
        .ok()
        .and_then(|s| s.config.sender_address());
    let emails = debrief_mailbox::user_emails(&profile, fallback);
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
        Some(text) => Some(parse_date(text).map_err(|e| Failure::input(format!("--since: {e}")))?),
        None => None,
    };
    let source = source(a)?;
    let imap_password = match &source {
        MailSource::Imap(url) => Some(imap_password(url)?),
        _ => None,
    };
    let req = ScanRequest {
        source,
        imap_password,
        since,
        apply: a.apply.clone(),
        profile: ctx.profile()?,
        tz: tz.clone(),
        now,
        user_emails: user_emails(ctx)?,
    };
    let origin = ctx.origin()?;
    // Read, propose, record what --apply chose, move the marks and keep
    // what still waits for the Inbox: one transaction (undoable).
    let result = scan_source(&mut *ctx.store, &origin, &req).map_err(failure)?;
    let applied = result.applied.unwrap_or_default();

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
            "\nRecord them with --apply (all) or --apply ID…; review them in the browser (debrief serve, Inbox), or hide one for good with: debrief mail ignore ID\n",
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
