//! Whole-store commands: import, export, demo, profile.

use std::io::Read;
use std::path::Path;

use debrief_core::demo::{self, DEMO_PREFIX};
use debrief_core::exchange::{self, parse_timezone};
use debrief_store::{Change, StoreReader, StoreWriter, import_plan};
use indicatif::{ProgressBar, ProgressStyle};

use crate::args::{AgendaArgs, ExportArgs, ImportArgs, ProfileArgs};
use debrief_core::input::parse_date;

use crate::ctx::{Ctx, Failure, Result, system_zone};
use crate::render;

/// Files above this size get a progress bar on a terminal.
const PROGRESS_ABOVE_BYTES: usize = 1 << 20;

fn read_input(path: &Path) -> Result<String> {
    let bytes = if path.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::stdin().read_to_end(&mut buf)?;
        buf
    } else {
        std::fs::read(path)
            .map_err(|e| Failure::input(format!("cannot read {}: {e}", path.display())))?
    };
    String::from_utf8(bytes).map_err(|e| {
        Failure::input(format!(
            "{}: not UTF-8 text (invalid byte at offset {})",
            path.display(),
            e.utf8_error().valid_up_to()
        ))
    })
}

pub fn import(ctx: &mut Ctx, a: &ImportArgs) -> Result<()> {
    let text = read_input(&a.file)?;
    let name = a.file.display().to_string();
    let bar = (text.len() > PROGRESS_ABOVE_BYTES).then(|| {
        let bar = ProgressBar::new(3);
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg} [{bar:20}] {pos}/{len}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar.set_message(format!("reading {name}"));
        bar
    });
    let data = exchange::parse(&text).map_err(|e| Failure::input(format!("{name}: {e}")))?;
    // The text can be tens of megabytes; it is not needed past parsing.
    drop(text);
    if let Some(b) = &bar {
        b.inc(1);
        b.set_message("comparing with the store");
    }
    let count = data.applications.len();
    let plan = import_plan(data, &ctx.store.application_ids()?, a.replace);
    let (added, updated, removed) = (plan.added, plan.updated, plan.removed);
    let summary = format!(
        "{name}: {} application{} ({added} new, {updated} updated{})",
        count,
        if count == 1 { "" } else { "s" },
        if a.replace {
            format!(", {removed} removed")
        } else {
            String::new()
        }
    );
    if a.dry_run {
        if let Some(b) = bar {
            b.finish_and_clear();
        }
        render::out(&format!("{summary}; dry run, nothing written.\n"));
        return Ok(());
    }
    if let Some(b) = &bar {
        b.inc(1);
        b.set_message("writing");
    }
    ctx.store.apply(&plan.changes)?;
    ctx.forget_profile();
    if let Some(b) = bar {
        b.inc(1);
        b.finish_and_clear();
    }
    render::out(&format!("Imported {summary}.\n"));
    Ok(())
}

pub fn export(ctx: &Ctx, a: &ExportArgs) -> Result<()> {
    let data = ctx.store.load()?;
    let written = render::json(&data, a.output.as_deref()).map_err(|e| match &a.output {
        Some(p) => Failure::input(format!("cannot write {}: {e}", p.display())),
        None => Failure::input(format!("cannot write JSON: {e}")),
    });
    // As in `agenda`: the process is about to end, skip freeing it.
    std::mem::forget(data);
    written
}

/// Replaces the demo applications (ids `demo-…`) and leaves everything else
/// alone; sets the profile only when none was saved yet.
pub fn demo(ctx: &mut Ctx) -> Result<()> {
    let profile = ctx.profile()?;
    let fresh = ctx.store.profile()? == debrief_core::model::Profile::default()
        && ctx
            .store
            .application_ids()?
            .iter()
            .all(|id| id.starts_with(DEMO_PREFIX));
    let zone = if fresh {
        system_zone()
    } else {
        profile.timezone.clone()
    };
    let sample = demo::dataset(ctx.now()?, &zone).map_err(Failure::input)?;
    let mut changes = Vec::new();
    if fresh {
        changes.push(Change::SetProfile(sample.profile.clone()));
    }
    changes.extend(
        sample
            .applications
            .iter()
            .cloned()
            .map(Change::PutApplication),
    );
    ctx.store.apply(&changes)?;
    ctx.forget_profile();
    render::out(&format!(
        "Demo store ready at {} ({} sample applications, ids starting with '{DEMO_PREFIX}').\n\n",
        ctx.db_path.display(),
        sample.applications.len()
    ));
    crate::views::agenda(
        ctx,
        &AgendaArgs {
            json: false,
            app: None,
            all: false,
        },
    )?;
    render::out(&render::paint(
        render::DIM,
        "\nNext: `debrief explain status-check` to see why a date was chosen, `debrief app show demo-northwind` for a timeline.\n",
    ));
    Ok(())
}

pub fn profile(ctx: &mut Ctx, a: &ProfileArgs) -> Result<()> {
    let mut p = ctx.profile()?;
    let changing = a.name.is_some()
        || a.timezone.is_some()
        || a.holidays.is_some()
        || a.policy.is_some()
        || !a.add_day.is_empty()
        || !a.remove_day.is_empty()
        || !a.add_email.is_empty()
        || !a.remove_email.is_empty();
    if changing {
        if let Some(n) = &a.name {
            p.name = n.trim().to_string();
        }
        if let Some(tz) = &a.timezone {
            parse_timezone(tz).map_err(|e| Failure::input(format!("--timezone: {e}")))?;
            p.timezone = tz.clone();
        }
        if let Some(h) = a.holidays {
            p.holidays.calendar = h;
        }
        if let Some(pol) = a.policy {
            p.policy = pol;
        }
        for d in &a.add_day {
            let d = parse_date(d).map_err(|e| Failure::input(format!("--add-day: {e}")))?;
            if !p.holidays.extra.contains(&d) {
                p.holidays.extra.push(d);
            }
        }
        for d in &a.remove_day {
            let d = parse_date(d).map_err(|e| Failure::input(format!("--remove-day: {e}")))?;
            p.holidays.extra.retain(|x| *x != d);
        }
        p.holidays.extra.sort();
        for e in &a.add_email {
            let e = e.trim();
            exchange::check_email(e).map_err(|m| Failure::input(format!("--email: {m}")))?;
            if !p.emails.iter().any(|x| x.eq_ignore_ascii_case(e)) {
                p.emails.push(e.to_string());
            }
        }
        for e in &a.remove_email {
            p.emails.retain(|x| !x.eq_ignore_ascii_case(e.trim()));
        }
        exchange::validate_profile(&p)?;
        ctx.store.apply(&[Change::SetProfile(p.clone())])?;
        ctx.forget_profile();
    } else if p.name.is_empty() && p.timezone == "UTC" && !a.json {
        render::out(&render::paint(
            render::DIM,
            &format!(
                "No profile saved yet; your system's zone is {}. Set it with: debrief profile --name \"Your Name\" --timezone {} --holidays US\n",
                system_zone(),
                system_zone()
            ),
        ));
    }
    if a.json {
        let json = serde_json::to_string_pretty(&p).map_err(|e| Failure::input(e.to_string()))?;
        render::out(&format!("{json}\n"));
    } else {
        let extra: Vec<String> = p.holidays.extra.iter().map(|d| d.to_string()).collect();
        render::out(&format!(
            "Name:      {}\nTime zone: {}\nHolidays:  {}{}\nPolicy:    {}\n{}",
            if p.name.is_empty() {
                "(not set)"
            } else {
                &p.name
            },
            p.timezone,
            p.holidays.calendar,
            if extra.is_empty() {
                String::new()
            } else {
                format!(" + {}", extra.join(", "))
            },
            p.policy,
            if p.emails.is_empty() {
                String::new()
            } else {
                format!("Emails:    {}\n", p.emails.join(", "))
            },
        ));
    }
    Ok(())
}
