//! Email out: `debrief draft --eml` writes a message mail clients open as
//! a draft; `debrief send` sends a note over SMTP after the linter and the
//! follow-up guard, and logs the touch only once the server accepted it.
//!
//! Settings: `DEBRIEF_SMTP_URL` and `DEBRIEF_MAIL_FROM` from the
//! environment, over `mail.toml` in the config directory
//! (`~/.config/debrief/mail.toml` on Linux; `DEBRIEF_MAIL_CONFIG` names
//! another file), read by `debrief_mail::Sources`. Never on the command
//! line, where other users of the computer can read it. The steps of a
//! send are `debrief_mail::outbox`'s, shared with the web app; this module
//! reads the note, asks, prints and writes the store.
//!
//! Exit codes: 2 for what the user must fix before anything can go out (no
//! address, bad settings, an empty note), 1 when the command ran and
//! something said no: a lint error, the follow-up guard, or the server
//! (refused, unreachable). Either way nothing is logged.

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;

use debrief_core::engine::Engine;
use debrief_core::model::Application;
use debrief_core::text::when;
use debrief_lint::{Diagnostic, Draft, Severity};
use debrief_mail::outbox::{self, NoteText, Outgoing, Stop};
use debrief_mail::{Party, Settings, SmtpUrl, Sources};

use crate::args::SendArgs;
use crate::ctx::{Ctx, Failure, Result};
use crate::input::{load_pack, read_note};
use crate::render;

/// The settings in force, with a word about a password file others can read.
fn load_settings() -> Result<Settings> {
    let settings = Sources::from_env().load().map_err(Failure::input)?;
    for w in &settings.warnings {
        render::err(&format!(
            "{} {w}\n",
            render::paint(render::YELLOW, "warning:")
        ));
    }
    Ok(settings)
}

/// You: the configured address, with your name.
fn sender(ctx: &Ctx, settings: &Settings) -> Result<Party> {
    settings
        .sender(&ctx.profile()?.name)
        .map_err(Failure::input)
}

/// A failure before anything was tried: exit 2, with the command to fix it.
fn stopped(stop: Stop) -> Failure {
    match stop {
        Stop::NoAddress { app, person, name } => Failure::input(format!(
            "{name} has no email address in '{app}'; add it with: debrief person set --app {app} --person {person} --email ADDRESS"
        )),
        Stop::Edit(e) => e.into(),
        other => Failure::input(other.to_string()),
    }
}

/// The person, with the email address the store has for them.
fn recipient(app: &Application, person_id: &str) -> Result<Party> {
    outbox::recipient(app, person_id, "--to").map_err(stopped)
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
    let settings = load_settings()?;
    let from = sender(ctx, &settings)?;
    let email = outbox::draft_email(&from, &recipient, &d.subject, &d.body, ctx.now()?)
        .map_err(Failure::input)?;
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
    let note = NoteText::read(&text).map_err(|e| match e {
        Stop::Empty => Failure::input(format!("{path}: the note is empty")),
        other => stopped(other),
    })?;
    let settings = load_settings()?;
    // Settings are checked before anything else happens; a dry run needs
    // no server.
    let url = if a.dry_run {
        settings.smtp_url_if_any()
    } else {
        Some(settings.smtp_url().map_err(Failure::input)?)
    };
    if let Some(w) = url.as_ref().and_then(SmtpUrl::warning) {
        crate::render::err(&format!(
            "{} {w}.\n",
            crate::render::paint(crate::render::YELLOW, "warning:")
        ));
    }
    let from = sender(ctx, &settings)?;
    let at = ctx.now_moment()?;
    let tz = ctx.tz()?;
    // The user's rule pack beside the store in use, as `debrief lint` reads it.
    let (pack, _) = load_pack(None, Some(&ctx.db_path))?;
    let engine = Engine::new(&ctx.profile()?).map_err(Failure::input)?;
    let outgoing = Outgoing {
        app: &app,
        person: &a.to,
        to: &to,
        from: &from,
        kind: a.kind,
        note: &note,
        subject: a.subject.as_deref(),
        source: &path,
        at,
        tz: &tz,
        force: a.force,
    };
    // Shown as soon as the linter has spoken; at a terminal, warnings ask.
    let mut confirm = |diags: &[Diagnostic]| {
        if !a.json && !diags.is_empty() {
            render::err(&debrief_lint::output::human(&text, diags));
        }
        let count = |s: Severity| diags.iter().filter(|d| d.severity == s).count();
        let warnings = count(Severity::Warning);
        if count(Severity::Error) == 0
            && warnings > 0
            && !a.force
            && !a.yes
            && !a.json
            && !a.dry_run
            && std::io::stdin().is_terminal()
            && std::io::stderr().is_terminal()
        {
            return ask(&format!(
                "{warnings} warning{} above. Send anyway? [y/N] ",
                if warnings == 1 { "" } else { "s" }
            ));
        }
        true
    };
    let prepared = match outbox::prepare(&outgoing, &pack, &engine, &mut confirm) {
        Ok(p) => p,
        Err(stop) => return Err(refused(stop, &path, &text, a.json)),
    };
    if let Some(why) = &prepared.forced
        && !a.json
    {
        render::err(&format!(
            "{} {why}\n",
            render::paint(render::YELLOW, "forced past the follow-up guard:")
        ));
    }
    if prepared.forced_errors > 0 && !a.json {
        render::err(&format!(
            "{} the touch is marked forced.\n",
            render::paint(
                render::YELLOW,
                &format!(
                    "forced past {} lint error{}:",
                    prepared.forced_errors,
                    if prepared.forced_errors == 1 { "" } else { "s" }
                )
            )
        ));
    }
    let server = url.as_ref().map(SmtpUrl::server);
    if a.dry_run {
        if a.json {
            print_json(&prepared.dry_run(server));
        } else {
            render::out(&prepared.message_text());
            render::out(&format!(
                "\nDry run: this would go to {} <{}>{}; nothing was sent or logged.\n",
                to.name,
                to.address,
                server.map(|s| format!(" through {s}")).unwrap_or_default()
            ));
        }
        return Ok(());
    }

    // Send; only then log.
    let Some(url) = url.as_ref() else {
        return Err(Failure::input("no SMTP server is set up"));
    };
    if let Err(e) = debrief_mail::send(url, &prepared.email) {
        if a.json {
            print_json(&outbox::smtp_failure(&url.server(), &e));
        } else {
            render::err(&format!(
                "{} {e}.\nNothing was logged.\n",
                render::paint(render::RED, "not sent:")
            ));
        }
        return Err(Failure::Problem);
    }
    let at = prepared.touch.at;
    // The SMTP conversation is over: log the touch in one short write
    // transaction on the application as it is now (another command may
    // have changed it while the message was being sent).
    let touch = prepared.touch.clone();
    ctx.run(|store, origin| debrief_app::touch::log_sent(store, origin, &a.app, None, touch))
    .map_err(|e| {
        let why = match e {
            Failure::Input(m) | Failure::Busy(m) => m,
            Failure::Problem => "the store refused it".to_string(),
        };
        Failure::input(format!(
            "the message was sent, but logging it failed: {why}. Log it with: debrief touch --app {} --person {} --kind {} --at {at}",
            a.app,
            a.to,
            a.kind.touch_kind()
        ))
    })?;
    if a.json {
        print_json(&prepared.summary(true, true, Some(url.server())));
    } else {
        render::out(&format!(
            "Sent \"{}\" to {} <{}> through {}.\nLogged {} to {} by email at {}{}.\n",
            prepared.subject,
            to.name,
            to.address,
            url.server(),
            a.kind.touch_kind(),
            to.name,
            when(at.ts, &tz),
            if prepared.touch.forced {
                " (marked forced)"
            } else {
                ""
            }
        ));
    }
    Ok(())
}

/// Says why nothing was sent: exit 1 for lint and the guard, 2 for input.
fn refused(stop: Stop, path: &str, text: &str, json: bool) -> Failure {
    if json && let Some(v) = stop.json() {
        print_json(&v);
        return Failure::Problem;
    }
    match &stop {
        Stop::Lint { diagnostics } => {
            if !diagnostics.is_empty() {
                render::err(&debrief_lint::output::human(text, diagnostics));
            }
            let errors = diagnostics
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .count();
            render::err(&format!(
                "{} the linter found {errors} error{} in {path}. Nothing was sent. Fix {}, or send anyway with --force.\n",
                render::paint(render::RED, "not sent:"),
                if errors == 1 { "" } else { "s" },
                if errors == 1 { "it" } else { "them" },
            ));
            Failure::Problem
        }
        Stop::Declined { .. } => {
            render::err("Nothing was sent.\n");
            Failure::Problem
        }
        Stop::Guard { why, .. } => {
            render::err(&format!(
                "{} {why}\n",
                render::paint(render::YELLOW, "refused [follow-up-guard]:")
            ));
            render::err("Nothing was sent or logged. Use --force to send it anyway.\n");
            Failure::Problem
        }
        _ => stopped(stop),
    }
}

fn print_json(v: &serde_json::Value) {
    render::out(&format!("{v}\n"));
}
