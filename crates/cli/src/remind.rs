//! `debrief remind`: the actions that became due since the last reminder,
//! once each, with their why — printed, as `--json`, as desktop
//! notifications (`--notify`, the freedesktop notification service over
//! D-Bus) or as an email digest to yourself (`--email`, through the SMTP
//! settings `debrief send` uses).
//!
//! What was announced is kept in the store's `settings` table (key
//! `remind`, never exported): the keys of the actions announced that are
//! still open, and when the last reminder ran. A key is the action's rule,
//! application, interview, person and opening moment, so an action whose
//! window moves (a rescheduled interview) is announced again. A run claims
//! what it announces in one write transaction, so two reminders running
//! at once on one store announce each action once; if a channel asked for
//! fails, the claim is given back and the next reminder tries again.
//!
//! `--digest HH:MM|off` sets the web app's daily digest (the `digest`
//! setting `debrief serve` reads); `--json` shows it.
//!
//! `--install` writes a systemd user timer (or prints the crontab line
//! where systemd is absent) running `debrief remind --notify` every 15
//! minutes; `--uninstall` removes it.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use debrief_core::engine::{Action, State};
use debrief_core::model::Moment;
use debrief_core::text::when;
use debrief_mail::{Note, Party, Purpose, Sources};
use serde::{Deserialize, Serialize};
use serde_json::json;

use debrief_web::push::{DIGEST_KEY, DigestSetting};

use crate::args::{RemindArgs, Scheduler};
use crate::ctx::{Ctx, Failure, Result};
use crate::render;

/// The `settings` key of what was announced.
const KEY: &str = "remind";
/// At most this many notifications at once; then one for the rest.
const NOTIFY_MAX: usize = 5;
const UNIT: &str = "debrief-remind";

#[derive(Debug, Default, Serialize, Deserialize)]
struct Announced {
    /// When the last reminder ran.
    last: Option<Moment>,
    /// The keys of the actions announced and still open then.
    keys: BTreeSet<String>,
}

fn key(a: &Action) -> String {
    format!(
        "{}|{}|{}|{}|{}",
        a.rule.id(),
        a.application,
        a.interview.as_deref().unwrap_or(""),
        a.person.as_deref().unwrap_or(""),
        a.opens.ts.as_second()
    )
}

pub fn run(ctx: &mut Ctx, a: &RemindArgs) -> Result<()> {
    if a.install {
        return install(ctx, a);
    }
    if a.uninstall {
        return uninstall(a);
    }
    if let Some(choice) = &a.digest {
        return set_digest(ctx, choice, a.json);
    }
    let answer = crate::answers::agenda(ctx, None, true)?;
    let agenda = &answer.agenda;
    let tz = answer.engine.calendar().tz().clone();
    let open: Vec<&Action> = agenda
        .actions
        .iter()
        .filter(|x| matches!(x.state, State::Due | State::Overdue))
        .collect();
    let open_keys: BTreeSet<String> = open.iter().map(|x| key(x)).collect();
    // Claim what is new in one write transaction: a second `remind`
    // running at the same moment waits for it, then finds these actions
    // announced, so each is announced once.
    let now = agenda.now;
    let (since, claimed) = ctx.update(|u| {
        let before = read(u.setting(KEY)?);
        let claimed: BTreeSet<String> = open_keys.difference(&before.keys).cloned().collect();
        // Keep only what is still open: the list never grows past the agenda.
        let after = Announced {
            last: Some(now),
            keys: open_keys.clone(),
        };
        u.set_setting(KEY, &write(&after)?)?;
        Ok((before.last, claimed))
    })?;
    let new: Vec<&Action> = open
        .iter()
        .copied()
        .filter(|x| claimed.contains(&key(x)))
        .collect();
    let company = |id: &str| answer.company(id);
    let text = human(&new, since, &tz, &company);
    let mut delivered = true;
    if a.notify && !new.is_empty() {
        delivered &= notify(&new, &tz, &company);
    }
    if a.email && !new.is_empty() && delivered {
        delivered &= email(ctx, &new, &text)?;
    }
    if a.json {
        let v = json!({
            "now": agenda.now,
            "since": since,
            "digest": digest(ctx)?,
            "actions": new,
            "already_announced": open.len() - new.len(),
        });
        render::out(&format!(
            "{}\n",
            serde_json::to_string_pretty(&v).unwrap_or_default()
        ));
    } else {
        render::out(&text);
    }
    if !delivered {
        release(ctx, &claimed, since, now)?;
        render::err("Nothing was marked as announced: the next reminder tries again.\n");
        return Err(Failure::Problem);
    }
    Ok(())
}

/// The web app's daily digest setting, as `debrief serve` reads it.
fn digest(ctx: &Ctx) -> Result<DigestSetting> {
    Ok(DigestSetting::parse(
        ctx.store.setting(DIGEST_KEY)?.as_deref(),
    ))
}

/// `--digest HH:MM|off`: the setting the web app's Settings page shows,
/// written in one transaction.
fn set_digest(ctx: &mut Ctx, choice: &str, as_json: bool) -> Result<()> {
    let choice = choice.trim();
    let d = ctx.update(|u| {
        let d = if choice.eq_ignore_ascii_case("off") {
            DigestSetting {
                enabled: false,
                ..DigestSetting::parse(u.setting(DIGEST_KEY)?.as_deref())
            }
        } else {
            DigestSetting::at(choice)
                .map_err(|e| Failure::input(format!("--digest: {e}, or off")))?
        };
        let text = serde_json::to_string(&d).map_err(|e| Failure::input(e.to_string()))?;
        u.set_setting(DIGEST_KEY, &text)?;
        Ok(d)
    })?;
    if as_json {
        render::out(&format!(
            "{}\n",
            serde_json::to_string_pretty(&d).unwrap_or_default()
        ));
    } else if d.enabled {
        render::out(&format!(
            "The daily digest comes at {} (your time) while `debrief serve` runs, to every browser you turned notifications on in (Settings → Daily digest).\n",
            d.at
        ));
    } else {
        render::out("The daily digest is off.\n");
    }
    Ok(())
}

/// What earlier reminders announced, as stored (afresh if unreadable).
fn read(stored: Option<String>) -> Announced {
    match stored {
        Some(text) => serde_json::from_str(&text).unwrap_or_else(|e| {
            render::err(&format!(
                "{} what earlier reminders announced cannot be read ({e}); starting afresh.\n",
                render::paint(render::YELLOW, "warning:")
            ));
            Announced::default()
        }),
        None => Announced::default(),
    }
}

fn write(a: &Announced) -> Result<String> {
    serde_json::to_string(a).map_err(|e| Failure::input(e.to_string()))
}

/// Gives back the claim on what could not be delivered, so the next
/// reminder announces it again.
fn release(
    ctx: &mut Ctx,
    claimed: &BTreeSet<String>,
    since: Option<Moment>,
    now: Moment,
) -> Result<()> {
    ctx.update(|u| {
        let mut a = read(u.setting(KEY)?);
        a.keys.retain(|k| !claimed.contains(k));
        if a.last == Some(now) {
            a.last = since;
        }
        u.set_setting(KEY, &write(&a)?)?;
        Ok(())
    })
}

fn human(
    new: &[&Action],
    since: Option<Moment>,
    tz: &jiff::tz::TimeZone,
    company: &dyn Fn(&str) -> String,
) -> String {
    let since = since
        .map(|m| format!(" since {}", when(m.ts, tz)))
        .unwrap_or_default();
    if new.is_empty() {
        return format!(
            "Nothing new became due{since}. (`debrief agenda` shows everything open.)\n"
        );
    }
    let mut s = format!(
        "{} became due{since}:\n",
        match new.len() {
            1 => "1 follow-up".to_string(),
            n => format!("{n} follow-ups"),
        }
    );
    for x in new {
        s.push_str(&format!(
            "\n  {}  [{}]\n    {} · due {}\n",
            x.title,
            x.rule.id(),
            company(&x.application),
            when(x.due.ts, tz)
        ));
        s.push_str(&render::wrap(&x.why, 84, "    "));
    }
    s
}

/// One desktop notification per action (the first few, then one for the
/// rest). Says clearly when no notification service answers.
fn notify(new: &[&Action], tz: &jiff::tz::TimeZone, company: &dyn Fn(&str) -> String) -> bool {
    let mut notes: Vec<(String, String)> = new
        .iter()
        .take(NOTIFY_MAX)
        .map(|x| {
            (
                x.title.clone(),
                format!(
                    "{} · due {}\n{}",
                    company(&x.application),
                    when(x.due.ts, tz),
                    x.why
                ),
            )
        })
        .collect();
    if new.len() > NOTIFY_MAX {
        notes.push((
            format!("{} more follow-ups are due", new.len() - NOTIFY_MAX),
            "debrief agenda lists them all.".to_string(),
        ));
    }
    for (summary, body) in notes {
        let shown = notify_rust::Notification::new()
            .appname("Debrief")
            .summary(&summary)
            .body(&body)
            .show();
        if let Err(e) = shown {
            let bus = std::env::var("DBUS_SESSION_BUS_ADDRESS")
                .map(|b| format!("on the session bus {b}"))
                .unwrap_or_else(|_| "(no session bus: DBUS_SESSION_BUS_ADDRESS is not set)".into());
            render::err(&format!(
                "{} no desktop notification service answered {bus}: {e}\nRun this from your desktop session, or use --email or plain output instead.\n",
                render::paint(render::RED, "error:")
            ));
            return false;
        }
    }
    true
}

/// The digest, to your own address through your SMTP settings.
fn email(ctx: &Ctx, new: &[&Action], text: &str) -> Result<bool> {
    let settings = Sources::from_env().load().map_err(Failure::input)?;
    let url = settings.smtp_url().map_err(Failure::input)?;
    let me: Party = settings
        .sender(&ctx.profile()?.name)
        .map_err(Failure::input)?;
    let now = ctx.now()?;
    let subject = match new {
        [one] => format!("Debrief: {}", one.title),
        _ => format!("Debrief: {} follow-ups became due", new.len()),
    };
    let body = format!(
        "{text}\n-- \nSent by `debrief remind --email`; `debrief agenda` shows everything open.\n"
    );
    let message_id = debrief_mail::message_id(&me.address, now);
    let mail = debrief_mail::build(
        &Note {
            from: &me,
            to: &me,
            subject: &subject,
            body: &body,
            date: now,
            message_id: &message_id,
        },
        Purpose::Send,
    )
    .map_err(Failure::input)?;
    match debrief_mail::send(&url, &mail) {
        Ok(()) => Ok(true),
        Err(e) => {
            render::err(&format!(
                "{} the digest was not sent through {}: {e}\n",
                render::paint(render::RED, "error:"),
                url.server()
            ));
            Ok(false)
        }
    }
}

/// The systemd user unit directory: `$XDG_CONFIG_HOME/systemd/user`
/// (`~/.config/systemd/user`).
fn unit_dir() -> Result<PathBuf> {
    directories::BaseDirs::new()
        .map(|d| d.config_dir().join("systemd").join("user"))
        .ok_or_else(|| {
            Failure::input("cannot find your configuration directory; set HOME or XDG_CONFIG_HOME")
        })
}

fn use_systemd(with: Scheduler) -> bool {
    match with {
        Scheduler::Systemd => true,
        Scheduler::Cron => false,
        // sd_booted(): the system runs systemd.
        Scheduler::Auto => Path::new("/run/systemd/system").is_dir(),
    }
}

/// The command the timer runs: this very program, on this store.
fn command(ctx: &Ctx, a: &RemindArgs) -> Result<Vec<String>> {
    let exe = std::env::current_exe()
        .map_err(|e| Failure::input(format!("cannot tell where debrief is installed: {e}")))?;
    if !ctx.location.is_file() {
        // The timer would have to carry the database URL, password and all,
        // in a file under ~/.config; better say how to do it on purpose.
        return Err(Failure::input(
            "remind --install writes the store's address into a timer, and a --database URL carries its password; \
             schedule `debrief remind --notify` yourself with DEBRIEF_DATABASE_URL in that job's environment (docs/hosting.md); nothing was installed",
        ));
    }
    let db = std::path::absolute(&ctx.db_path)?;
    let mut args = vec![
        exe.display().to_string(),
        "--db".into(),
        db.display().to_string(),
        "remind".into(),
    ];
    // Notifications unless only the email was asked for.
    if a.notify || !a.email {
        args.push("--notify".into());
    }
    if a.email {
        args.push("--email".into());
    }
    Ok(args)
}

/// A word for systemd's ExecStart: quoted, with `%` (a specifier) doubled.
fn systemd_word(w: &str) -> String {
    format!(
        "\"{}\"",
        w.replace('\\', "\\\\")
            .replace('"', "\\\"")
            .replace('%', "%%")
    )
}

/// A word for the shell (crontab): single-quoted; `%` is a newline to cron.
fn shell_word(w: &str) -> String {
    format!("'{}'", w.replace('\'', "'\\''").replace('%', "\\%"))
}

fn systemctl(args: &[&str]) -> std::result::Result<(), String> {
    match std::process::Command::new("systemctl")
        .arg("--user")
        .args(args)
        .output()
    {
        Ok(out) if out.status.success() => Ok(()),
        Ok(out) => Err(String::from_utf8_lossy(&out.stderr).trim().to_string()),
        Err(e) => Err(e.to_string()),
    }
}

fn install(ctx: &Ctx, a: &RemindArgs) -> Result<()> {
    let cmd = command(ctx, a)?;
    if !use_systemd(a.with) {
        let line = format!(
            "*/15 * * * * {}",
            cmd.iter()
                .map(|w| shell_word(w))
                .collect::<Vec<_>>()
                .join(" ")
        );
        render::out(&format!(
            "This system does not run systemd. Add this line with `crontab -e` to be reminded every 15 minutes:\n\n{line}\n\n(Desktop notifications from cron need your session bus: put DBUS_SESSION_BUS_ADDRESS=… from your desktop session in front of it, or use --email.)\n"
        ));
        return Ok(());
    }
    let dir = unit_dir()?;
    std::fs::create_dir_all(&dir)
        .map_err(|e| Failure::input(format!("cannot create {}: {e}", dir.display())))?;
    let service = format!(
        "# Written by `debrief remind --install`; removed by `debrief remind --uninstall`.\n[Unit]\nDescription=Debrief: remind me of follow-ups that became due\n\n[Service]\nType=oneshot\nExecStart={}\n",
        cmd.iter()
            .map(|w| systemd_word(w))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let timer = "# Written by `debrief remind --install`; removed by `debrief remind --uninstall`.\n[Unit]\nDescription=Debrief: check for follow-ups every 15 minutes\n\n[Timer]\nOnCalendar=*:0/15\nPersistent=true\n\n[Install]\nWantedBy=timers.target\n";
    let write = |name: String, text: &str| -> Result<PathBuf> {
        let p = dir.join(name);
        std::fs::write(&p, text)
            .map_err(|e| Failure::input(format!("cannot write {}: {e}", p.display())))?;
        Ok(p)
    };
    let s = write(format!("{UNIT}.service"), &service)?;
    let t = write(format!("{UNIT}.timer"), timer)?;
    let mut msg = format!("Wrote {}\n  and {}\n", s.display(), t.display());
    let timer_name = format!("{UNIT}.timer");
    match systemctl(&["daemon-reload"]).and_then(|()| systemctl(&["enable", "--now", &timer_name]))
    {
        Ok(()) => msg.push_str(&format!(
            "The timer is on: `debrief remind --notify` runs every 15 minutes. Check it with: systemctl --user list-timers {timer_name}\n"
        )),
        Err(e) => msg.push_str(&format!(
            "systemctl could not turn it on ({e}). From your desktop session, run:\n  systemctl --user daemon-reload && systemctl --user enable --now {timer_name}\n"
        )),
    }
    render::out(&msg);
    Ok(())
}

fn uninstall(a: &RemindArgs) -> Result<()> {
    if !use_systemd(a.with) {
        render::out(
            "This system does not run systemd: remove the line that runs `debrief … remind` with `crontab -e`.\n",
        );
        return Ok(());
    }
    let dir = unit_dir()?;
    let timer_name = format!("{UNIT}.timer");
    let stopped = systemctl(&["disable", "--now", &timer_name]);
    let mut removed = Vec::new();
    for name in [format!("{UNIT}.timer"), format!("{UNIT}.service")] {
        let p = dir.join(name);
        match std::fs::remove_file(&p) {
            Ok(()) => removed.push(p),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(Failure::input(format!(
                    "cannot remove {}: {e}",
                    p.display()
                )));
            }
        }
    }
    if removed.is_empty() {
        render::out(&format!(
            "No reminder timer was installed (nothing in {}).\n",
            dir.display()
        ));
        return Ok(());
    }
    let _ = systemctl(&["daemon-reload"]);
    let mut msg = String::new();
    for p in &removed {
        msg.push_str(&format!("Removed {}\n", p.display()));
    }
    if let Err(e) = stopped {
        msg.push_str(&format!(
            "(systemctl could not stop the timer: {e}; it stops at the next log-in.)\n"
        ));
    }
    render::out(&msg);
    Ok(())
}
