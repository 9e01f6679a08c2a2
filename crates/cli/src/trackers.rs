//! `debrief import-csv`: job exports from other trackers (Huntr, JobSync,
//! any CSV with a column mapping) into applications, in one transaction.
//!
//! Exit codes: 2 when the file or the mapping cannot be used at all
//! (nothing written); 1 when some rows could not be read — the rest were
//! imported and each unreadable row is listed with its line; 0 otherwise.

use std::io::IsTerminal;

use debrief_trackers::{Field, How, Mapping, Plan, Source, StageChoice};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::args::{CsvSource, ImportCsvArgs};
use crate::ctx::{Ctx, Failure, Result, input_name};
use crate::render;

/// Larger files than this are refused: an export of every job anyone
/// tracked is a few megabytes.
const MAX_BYTES: u64 = 256 * 1024 * 1024;
/// A progress bar for files larger than this, on a terminal.
const PROGRESS_FROM: usize = 2 * 1024 * 1024;
/// Lists longer than this are cut in the human report (`--json` has all).
const SHOWN: usize = 20;

fn mapping_for(a: &ImportCsvArgs) -> Result<Mapping> {
    let source = match a.from {
        CsvSource::Huntr => Source::Huntr,
        CsvSource::Jobsync => Source::JobSync,
        CsvSource::Mapped => Source::Mapped,
    };
    let mut mapping = Mapping::new(source);
    if let Some(p) = &a.mapping {
        let text = std::fs::read_to_string(p)
            .map(crate::input::without_bom)
            .map_err(|e| Failure::input(format!("cannot read {}: {e}", p.display())))?;
        mapping
            .read_file(&text)
            .map_err(|e| Failure::input(format!("{}: {e}", p.display())))?;
    }
    for spec in &a.map {
        mapping
            .map(spec)
            .map_err(|e| Failure::input(format!("--map {e}")))?;
    }
    for spec in &a.stages {
        mapping
            .stage(spec)
            .map_err(|e| Failure::input(format!("--stage {e}")))?;
    }
    if source == Source::Mapped && !mapping.columns.contains_key(&Field::Company) {
        return Err(Failure::input(
            "--from mapped needs to know which column holds what: --map company=COLUMN (and role=, stage=, id=), or --mapping FILE",
        ));
    }
    Ok(mapping)
}

pub fn import_csv(ctx: &mut Ctx, a: &ImportCsvArgs) -> Result<()> {
    let mapping = mapping_for(a)?;
    let (text, encoding) = crate::input::read_text(
        &a.file,
        MAX_BYTES,
        "Debrief reads CSV files up to 256 MB",
        a.json,
    )?;
    let name = input_name(&a.file);

    let show_progress = text.len() > PROGRESS_FROM && std::io::stderr().is_terminal();
    let bar = if show_progress {
        let bar =
            ProgressBar::with_draw_target(Some(text.len() as u64), ProgressDrawTarget::stderr());
        if let Ok(style) =
            ProgressStyle::with_template("reading {msg} {bar:40} {bytes}/{total_bytes} ({eta})")
        {
            bar.set_style(style);
        }
        bar.set_message(name.clone());
        bar
    } else {
        ProgressBar::hidden()
    };
    // The plan and its write in one transaction: an application another
    // command adds meanwhile is seen, never duplicated.
    let mut spinner = ProgressBar::hidden();
    let origin = ctx.origin()?;
    let plan = debrief_app::imports::tracker_csv(
        &mut *ctx.store,
        (!a.dry_run).then_some(&origin),
        &text,
        &mapping,
        &mut |b| bar.set_position(b),
        &mut |n| {
            bar.finish_and_clear();
            if show_progress {
                let sp = ProgressBar::new_spinner();
                sp.set_draw_target(ProgressDrawTarget::stderr());
                sp.set_message(format!("writing {n} applications"));
                sp.enable_steady_tick(std::time::Duration::from_millis(120));
                spinner = sp;
            }
        },
    );
    bar.finish_and_clear();
    spinner.finish_and_clear();
    let plan = plan.map_err(|e| match e {
        debrief_app::AppError::Csv(e) => Failure::input(format!("{name}: {e}")),
        e => e.into(),
    })?;
    if a.json {
        json_report(&name, &plan, a.dry_run);
    } else {
        human_report(&name, &plan, a.dry_run, encoding);
    }
    if plan.problems.is_empty() {
        Ok(())
    } else {
        Err(Failure::Problem)
    }
}

fn json_report(name: &str, plan: &Plan, dry_run: bool) {
    render::out(&format!("{}\n", plan.report_json(name, dry_run)));
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn human_report(name: &str, plan: &Plan, dry_run: bool, encoding: Option<&str>) {
    let mut s = String::new();
    let columns = plan
        .columns
        .iter()
        .map(|(f, c)| format!("{f}={c}"))
        .collect::<Vec<_>>()
        .join(", ");
    s.push_str(&format!(
        "Read {} from {name} ({}{}; {columns}).\n",
        plural(plan.rows, "row", "rows"),
        plan.source.label(),
        encoding.map(|e| format!(", {e}")).unwrap_or_default(),
    ));

    let created = plan.create.len();
    s.push('\n');
    if created == 0 {
        s.push_str(&render::paint(
            render::BOLD,
            if dry_run {
                "Nothing new would be created.\n"
            } else {
                "Nothing new to create.\n"
            },
        ));
    } else {
        s.push_str(&render::paint(
            render::BOLD,
            &format!(
                "{} {}:",
                if dry_run { "Would create" } else { "Created" },
                plural(created, "application", "applications")
            ),
        ));
        s.push('\n');
    }
    let width = plan
        .create
        .iter()
        .map(|p| p.application.id.chars().count())
        .max()
        .unwrap_or(0)
        .min(48);
    let limit = if dry_run { usize::MAX } else { SHOWN };
    for p in plan.create.iter().take(limit) {
        let a = &p.application;
        let what = if a.role.is_empty() {
            a.company.clone()
        } else {
            format!("{} · {}", a.company, a.role)
        };
        s.push_str(&format!(
            "  line {:<5} {:<width$}  {what}  [{}]\n",
            p.line, a.id, a.stage
        ));
    }
    if created > limit {
        s.push_str(&format!(
            "  … and {} more (debrief app list, or --json, shows them all)\n",
            created - limit
        ));
    }
    if !plan.known.is_empty() {
        s.push_str(&format!(
            "\nAlready in Debrief, left as they are: {}.\n",
            plural(plan.known.len(), "row", "rows")
        ));
        for k in plan.known.iter().take(SHOWN) {
            s.push_str(&format!("  line {:<5} {}\n", k.line, k.id));
        }
        if plan.known.len() > SHOWN {
            s.push_str(&format!("  … and {} more\n", plan.known.len() - SHOWN));
        }
    }
    if !plan.skipped.is_empty() {
        s.push_str(&format!(
            "\nLeft out: {}.\n",
            plural(plan.skipped.len(), "row", "rows")
        ));
        for k in plan.skipped.iter().take(SHOWN) {
            s.push_str(&format!("  line {:<5} {}\n", k.line, k.reason));
        }
        if plan.skipped.len() > SHOWN {
            s.push_str(&format!("  … and {} more\n", plan.skipped.len() - SHOWN));
        }
    }
    if !plan.stages.is_empty() {
        s.push_str("\nStages:\n");
        let w = plan
            .stages
            .iter()
            .map(|u| u.value.chars().count().max(7))
            .max()
            .unwrap_or(7)
            .min(32);
        for u in &plan.stages {
            let value = if u.value.is_empty() {
                "(empty)".to_string()
            } else {
                u.value.clone()
            };
            let to = match u.choice {
                StageChoice::Stage(st) => st.to_string(),
                StageChoice::Skip => "left out".to_string(),
            };
            let note = match u.how {
                How::Unknown => format!(
                    "   not recognised: say what it is with --stage \"{}=STAGE\"",
                    u.value
                ),
                How::Yours => "   (yours)".to_string(),
                How::Empty => "   (no stage given)".to_string(),
                How::BuiltIn if u.choice == StageChoice::Skip => {
                    format!(
                        "   not applied yet; to import: --stage \"{}=applied\"",
                        u.value
                    )
                }
                How::BuiltIn => String::new(),
            };
            s.push_str(&format!("  {value:<w$} → {to:<12} {:>5}{note}\n", u.rows));
        }
    }
    if !plan.ignored.is_empty() {
        s.push_str(&format!(
            "\nNot imported (Debrief has no place for them): {}.\n",
            plan.ignored.join(", ")
        ));
    }
    render::out(&s);

    if !plan.problems.is_empty() {
        let mut e = format!(
            "\n{} {} could not be read{}:\n",
            render::paint(render::YELLOW, "warning:"),
            plural(plan.problems.len(), "row", "rows"),
            if dry_run {
                ""
            } else {
                "; the rest were imported"
            }
        );
        for p in plan.problems.iter().take(50) {
            e.push_str(&format!("  {name}:{}: {}\n", p.line, p.message));
        }
        if plan.problems.len() > 50 {
            e.push_str(&format!(
                "  … and {} more (--json lists them all)\n",
                plan.problems.len() - 50
            ));
        }
        render::err(&e);
    }
    if !plan.details_left_out.is_empty() {
        let mut e = format!(
            "\n{} job details that do not fit were left out (the rows came in):\n",
            render::paint(render::YELLOW, "warning:"),
        );
        for p in plan.details_left_out.iter().take(50) {
            e.push_str(&format!("  {name}:{}: {}\n", p.line, p.message));
        }
        render::err(&e);
    }
    if dry_run {
        render::out("\nDry run: nothing was written.\n");
    }
}
