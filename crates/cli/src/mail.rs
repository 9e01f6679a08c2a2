//! Email out: `debrief draft --eml` writes a message mail clients open as
//! a draft; `debrief send` sends a note over SMTP after the linter and the
//! follow-up guard, and logs the touch only once the server accepted it.
//!
//! Settings: `DEBRIEF_SMTP_URL` and `DEBRIEF_MAIL_FROM` from the
//! environment, over `mail.toml` in the config directory
//! (`~/.config/debrief/mail.toml` on Linux; `DEBRIEF_MAIL_CONFIG` names
//! another file). Never on the command line, where other users of the
//! computer can read it.
//!
//! Exit codes: 2 for what the user must fix before anything can go out (no
//! address, bad settings, an empty note), 1 when the command ran and
//! something said no: a lint error, the follow-up guard, or the server
//! (refused, unreachable). Either way nothing is logged.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

use debrief_core::edit::{self, Logged};
use debrief_core::engine::Engine;
use debrief_core::exchange;
use debrief_core::model::{Application, Channel, Moment, Touch};
use debrief_core::rules::Rule;
use debrief_core::text::when;
use debrief_lint::{Context, Diagnostic, Draft, NoteKind, Severity};
use debrief_mail::{MailConfig, Note, Party, Purpose, SmtpUrl};
use debrief_store::{Change, StoreWriter};
use jiff::Timestamp;
use serde_json::{Value, json};

use crate::args::SendArgs;
use crate::ctx::{Ctx, Failure, Result};
use crate::notes::{interview_for, load_pack, read_note};
use crate::render;

/// `mail.toml`: `DEBRIEF_MAIL_CONFIG`, else the platform's config directory.
fn config_path() -> (Option<PathBuf>, bool) {
    if let Some(p) = std::env::var_os("DEBRIEF_MAIL_CONFIG").filter(|p| !p.is_empty()) {
        return (Some(PathBuf::from(p)), true);
    }
    let dir =
        directories::ProjectDirs::from("", "", "debrief").map(|d| d.config_dir().join("mail.toml"));
    (dir, false)
}

fn where_to_configure() -> String {
    match config_path().0 {
        Some(p) => format!("in {}", p.display()),
        None => "in mail.toml (set DEBRIEF_MAIL_CONFIG to its path)".to_string(),
    }
}

/// A password in a file others can read deserves a word.
#[cfg(unix)]
fn warn_if_others_can_read(path: &Path, config: &MailConfig) {
    use std::os::unix::fs::PermissionsExt;
    let has_password = config
        .smtp_url
        .as_deref()
        .and_then(|u| u.split_once("://"))
        .is_some_and(|(_, rest)| {
            rest.split('@').next().is_some_and(|a| a.contains(':')) && rest.contains('@')
        });
    if let Ok(meta) = std::fs::metadata(path)
        && has_password
        && meta.permissions().mode() & 0o077 != 0
    {
        render::err(&format!(
            "{} {} holds your SMTP password and other users of this computer can read it; run: chmod 600 {}\n",
            render::paint(render::YELLOW, "warning:"),
            path.display(),
            path.display()
        ));
    }
}

#[cfg(not(unix))]
fn warn_if_others_can_read(_: &Path, _: &MailConfig) {}

fn load_settings() -> Result<MailConfig> {
    let (path, required) = config_path();
    let file = match &path {
        Some(p) => match std::fs::read_to_string(p) {
            Ok(text) => {
                let c = MailConfig::parse(&text)
                    .map_err(|e| Failure::input(format!("{}: {e}", p.display())))?;
                warn_if_others_can_read(p, &c);
                c
            }
            Err(e) if !required && e.kind() == std::io::ErrorKind::NotFound => {
                MailConfig::default()
            }
            Err(e) => {
                return Err(Failure::input(format!(
                    "cannot read the mail settings {}: {e}",
                    p.display()
                )));
            }
        },
        None => MailConfig::default(),
    };
    let env = |k: &str| std::env::var(k).ok();
    Ok(file.overridden_by(env("DEBRIEF_SMTP_URL"), env("DEBRIEF_MAIL_FROM")))
}

fn smtp_url(config: &MailConfig) -> Result<SmtpUrl> {
    let raw = config.smtp_url.as_deref().ok_or_else(|| {
        Failure::input(format!(
            "no SMTP server is set up: set DEBRIEF_SMTP_URL (e.g. smtps://you%40example.com:APP-PASSWORD@smtp.example.com), or smtp_url = \"…\" {}",
            where_to_configure()
        ))
    })?;
    let source = if std::env::var("DEBRIEF_SMTP_URL").is_ok_and(|v| !v.trim().is_empty()) {
        "DEBRIEF_SMTP_URL".to_string()
    } else {
        format!("smtp_url {}", where_to_configure())
    };
    SmtpUrl::parse(raw).map_err(|e| Failure::input(format!("{source}: {e}")))
}

/// You: the configured address, with your name.
fn sender(ctx: &Ctx, config: &MailConfig) -> Result<Party> {
    let address = config.sender_address().ok_or_else(|| {
        Failure::input(format!(
            "no sender address: set DEBRIEF_MAIL_FROM=you@example.com, or from = \"you@example.com\" {}",
            where_to_configure()
        ))
    })?;
    let name = match config.name.as_deref().map(str::trim) {
        Some(n) if !n.is_empty() => n.to_string(),
        _ => ctx.profile()?.name.trim().to_string(),
    };
    Ok(Party::new(name, address))
}

/// The person, with the email address the store has for them.
fn recipient(app: &Application, person_id: &str) -> Result<Party> {
    let p = edit::person(app, person_id, "--to")?;
    match p.email.as_deref().map(str::trim) {
        Some(e) if !e.is_empty() => Ok(Party::new(p.name.clone(), e)),
        _ => Err(Failure::input(format!(
            "{} has no email address in '{}'; add it with: debrief person set --app {} --person {} --email ADDRESS",
            p.name, app.id, app.id, p.id
        ))),
    }
}

fn mail_error(e: debrief_mail::BuildError) -> Failure {
    Failure::input(e)
}

/// `debrief draft … --eml`: the draft as a message that opens in the
/// composer (`X-Unsent: 1`).
pub fn write_eml(
    ctx: &Ctx,
    app: &Application,
    to: &str,
    d: &Draft,
    output: Option<&Path>,
) -> Result<()> {
    let recipient = recipient(app, to)?;
    let config = load_settings()?;
    let from = sender(ctx, &config)?;
    let now = ctx.now()?;
    let message_id = debrief_mail::message_id(&from.address, now);
    let email = debrief_mail::build(
        &Note {
            from: &from,
            to: &recipient,
            subject: &d.subject,
            body: &d.body,
            date: now,
            message_id: &message_id,
        },
        Purpose::Draft,
    )
    .map_err(mail_error)?;
    let bytes = email.formatted();
    match output {
        Some(p) => {
            std::fs::write(p, &bytes)
                .map_err(|e| Failure::input(format!("cannot write {}: {e}", p.display())))?;
            render::out(&format!(
                "Wrote an email draft to {} (to {} <{}>, subject: {}).\nOpen it in your mail client, make it yours, and send it; then log it with debrief touch, or send it with debrief send.\n",
                p.display(),
                recipient.name,
                recipient.address,
                d.subject
            ));
        }
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(&bytes)?;
            out.flush()?;
        }
    }
    Ok(())
}

/// A first line "Subject: …" (what `debrief draft` prints) and the blank
/// lines after it: the subject, the body, and how many lines went.
fn split_subject(text: &str) -> (Option<String>, &str, usize) {
    let Some((first, rest)) = text.split_once('\n') else {
        return (None, text, 0);
    };
    let Some(subject) = first
        .get(..8)
        .filter(|p| p.eq_ignore_ascii_case("subject:"))
        .map(|_| first[8..].trim().to_string())
    else {
        return (None, text, 0);
    };
    let mut body = rest;
    let mut skipped = 1;
    while let Some((line, after)) = body.split_once('\n') {
        if !line.trim().is_empty() {
            break;
        }
        body = after;
        skipped += 1;
    }
    (Some(subject).filter(|s| !s.is_empty()), body, skipped)
}

/// A subject for `kind` when the note brings none: the composer's, or a
/// plain one.
fn default_subject(
    app: &Application,
    to: &str,
    kind: NoteKind,
    me: &str,
    now: Timestamp,
) -> String {
    if let Ok(d) = debrief_lint::draft(app, to, kind, me, now) {
        return d.subject;
    }
    let role = if app.role.trim().is_empty() {
        app.company.as_str()
    } else {
        app.role.as_str()
    };
    let company = &app.company;
    match kind {
        NoteKind::ThankYou => format!("Thank you – {role} interview"),
        NoteKind::ThankStaff => format!("Thank you – my visit to {company}"),
        NoteKind::StatusCheck => format!("{role} role – checking in"),
        NoteKind::Recovery => format!("My missed {role} interview – a request to reschedule"),
        NoteKind::FeedbackRequest => format!("A short call about my {role} interview?"),
        NoteKind::StayInTouch => format!("Keeping in touch – {company}"),
        NoteKind::Congratulate => format!("Congratulations, {company}"),
        NoteKind::Other => format!("{company} – {role}"),
    }
}

fn ask(question: &str) -> bool {
    render::err(question);
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer).is_ok()
        && matches!(answer.trim().to_lowercase().as_str(), "y" | "yes")
}

/// `debrief send`: read → lint → follow-up guard → SMTP → log.
pub fn send(ctx: &mut Ctx, a: &SendArgs) -> Result<()> {
    let app = ctx.application(&a.app)?;
    let to = recipient(&app, &a.to)?;
    let (path, text) = read_note(&a.file)?;
    let (file_subject, body, offset) = split_subject(&text);
    if body.trim().is_empty() {
        return Err(Failure::input(format!("{path}: the note is empty")));
    }
    let config = load_settings()?;
    // Settings are checked before anything else happens; a dry run needs
    // no server.
    let url = if a.dry_run {
        config
            .smtp_url
            .as_deref()
            .map(SmtpUrl::parse)
            .transpose()
            .ok()
            .flatten()
    } else {
        Some(smtp_url(&config)?)
    };
    let from = sender(ctx, &config)?;
    let at = ctx.now_moment()?;
    let now = at.ts;
    let tz = ctx.tz()?;
    let subject = a
        .subject
        .clone()
        .filter(|s| !s.trim().is_empty())
        .or(file_subject)
        .unwrap_or_else(|| default_subject(&app, &a.to, a.kind, &from.name, now));

    // 1. The linter, with what the store knows (PLAYBOOK §5: errors block).
    // The user's rule pack beside the store in use, as `debrief lint` reads it.
    let (pack, _) = load_pack(None, Some(&ctx.db_path))?;
    let mut lint_ctx = Context::for_person(&app, &a.to)
        .pack(&pack)
        .at(now)
        .kind(a.kind);
    lint_ctx.interview = interview_for(&app, &a.to, now);
    let mut diags: Vec<Diagnostic> = debrief_lint::lint(body, &lint_ctx);
    for d in &mut diags {
        d.path = path.clone();
        d.line += offset;
        d.end_line += offset;
    }
    let errors = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = diags
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .count();
    if !a.json && !diags.is_empty() {
        render::err(&debrief_lint::output::human(&text, &diags));
    }
    if errors > 0 && !a.force {
        if a.json {
            print_json(&json!({
                "sent": false, "logged": false, "reason": "lint", "diagnostics": diags,
            }));
        } else {
            render::err(&format!(
                "{} the linter found {errors} error{} in {path}. Nothing was sent. Fix {}, or send anyway with --force.\n",
                render::paint(render::RED, "not sent:"),
                if errors == 1 { "" } else { "s" },
                if errors == 1 { "it" } else { "them" },
            ));
        }
        return Err(Failure::Problem);
    }
    if errors == 0
        && warnings > 0
        && !a.force
        && !a.yes
        && !a.json
        && !a.dry_run
        && std::io::stdin().is_terminal()
        && std::io::stderr().is_terminal()
        && !ask(&format!(
            "{warnings} warning{} above. Send anyway? [y/N] ",
            if warnings == 1 { "" } else { "s" }
        ))
    {
        render::err("Nothing was sent.\n");
        return Err(Failure::Problem);
    }

    // 2. The follow-up guard, on a copy: the store changes only after the
    // server took the message.
    let engine = Engine::new(&ctx.profile()?).map_err(Failure::input)?;
    let mut updated = app.clone();
    let touch = Touch {
        at,
        person: Some(a.to.clone()),
        channel: Channel::Email,
        kind: a.kind.touch_kind(),
        replied_at: None,
        forced: false,
        note: Some(body.trim_end().to_string()),
    };
    let forced = match edit::log_touch(&engine, &mut updated, touch, a.force)? {
        Logged::Refused { allowed_from, why } => {
            if a.json {
                print_json(&json!({
                    "sent": false,
                    "logged": false,
                    "rule": Rule::FollowUpGuard.id(),
                    "allowed_from": allowed_from.map(|t| Moment::in_zone(t, &tz).to_string()),
                    "why": why,
                }));
            } else {
                render::err(&format!(
                    "{} {why}\n",
                    render::paint(render::YELLOW, "refused [follow-up-guard]:")
                ));
                render::err("Nothing was sent or logged. Use --force to send it anyway.\n");
            }
            return Err(Failure::Problem);
        }
        Logged::Forced { why } => {
            if !a.json {
                render::err(&format!(
                    "{} {why}\n",
                    render::paint(render::YELLOW, "forced past the follow-up guard:")
                ));
            }
            true
        }
        Logged::Yes => false,
    };
    exchange::validate_application(&updated, &format!("application '{}'", a.app))?;

    // 3. The message.
    let message_id = debrief_mail::message_id(&from.address, now);
    let email = debrief_mail::build(
        &Note {
            from: &from,
            to: &to,
            subject: &subject,
            body,
            date: now,
            message_id: &message_id,
        },
        Purpose::Send,
    )
    .map_err(mail_error)?;
    let summary = |sent: bool, logged: bool| {
        json!({
            "sent": sent,
            "logged": logged,
            "forced": forced,
            "application": a.app,
            "person": a.to,
            "kind": a.kind.touch_kind(),
            "channel": Channel::Email,
            "at": at.to_string(),
            "to": to.address,
            "subject": subject,
            "message_id": message_id,
            "server": url.as_ref().map(SmtpUrl::server),
            "diagnostics": diags,
        })
    };
    if a.dry_run {
        let message = String::from_utf8_lossy(&email.formatted()).replace("\r\n", "\n");
        if a.json {
            let mut v = summary(false, false);
            v["dry_run"] = json!(true);
            v["message"] = json!(message);
            print_json(&v);
        } else {
            render::out(&message);
            render::out(&format!(
                "\nDry run: this would go to {} <{}>{}; nothing was sent or logged.\n",
                to.name,
                to.address,
                url.as_ref()
                    .map(|u| format!(" through {}", u.server()))
                    .unwrap_or_default()
            ));
        }
        return Ok(());
    }

    // 4. Send; only then log.
    let Some(url) = url.as_ref() else {
        return Err(Failure::input("no SMTP server is set up"));
    };
    if let Err(e) = debrief_mail::send(url, &email) {
        if a.json {
            print_json(&json!({
                "sent": false, "logged": false, "reason": "smtp",
                "server": url.server(), "error": e.to_string(),
            }));
        } else {
            render::err(&format!(
                "{} {e}.\nNothing was logged.\n",
                render::paint(render::RED, "not sent:")
            ));
        }
        return Err(Failure::Problem);
    }
    ctx.store
        .apply(&[Change::PutApplication(updated)])
        .map_err(|e| {
            Failure::input(format!(
                "the message was sent, but logging it failed: {e}. Log it with: debrief touch --app {} --person {} --kind {} --at {at}",
                a.app,
                a.to,
                a.kind.touch_kind()
            ))
        })?;
    if a.json {
        print_json(&summary(true, true));
    } else {
        render::out(&format!(
            "Sent \"{subject}\" to {} <{}> through {}.\nLogged {} to {} by email at {}.\n",
            to.name,
            to.address,
            url.server(),
            a.kind.touch_kind(),
            to.name,
            when(at.ts, &tz)
        ));
    }
    Ok(())
}

fn print_json(v: &Value) {
    render::out(&format!("{v}\n"));
}
