//! Notes: `debrief lint` (PLAYBOOK §5) and `debrief draft`.
//!
//! Exit codes follow Vale: 0 clean or only warnings/info, 1 any error,
//! 2 usage or input error; `--no-exit` always exits 0.

use std::path::{Path, PathBuf};

use debrief_lint::{Context, Diagnostic, LeftOut, RulePack, output};

use crate::args::{DraftArgs, LintArgs, LintFormat};
use crate::ctx::{Ctx, Failure, Result};
use crate::input::{load_pack, read_note, user_pack_path};
use crate::render;

fn print(
    format: LintFormat,
    notes: &[(String, String)],
    diags: &[Diagnostic],
    left_out: &[LeftOut],
    pack: &RulePack,
) {
    let text = match format {
        LintFormat::Human if diags.is_empty() => {
            let what = match notes {
                [(name, _)] => name.clone(),
                _ => format!("{} notes", notes.len()),
            };
            format!(
                "{} no problems found in {what}\n",
                render::paint(render::BOLD, "✓")
            )
        }
        LintFormat::Human => output::human_report(notes, diags, left_out),
        LintFormat::Line => output::line(diags),
        LintFormat::Json => output::json(diags),
        LintFormat::Sarif => output::sarif(diags, pack),
        LintFormat::Github => output::github(diags),
    };
    render::out(&text);
    if !text.ends_with('\n') && !text.is_empty() {
        render::out("\n");
    }
    // Machine formats keep their shape; what they leave out is said aside.
    if format != LintFormat::Human {
        let note = output::left_out_lines(left_out);
        if !note.is_empty() {
            render::err(&note);
        }
    }
}

fn finish(
    a: &LintArgs,
    notes: &[(String, String)],
    diags: &[Diagnostic],
    left_out: &[LeftOut],
    pack: &RulePack,
) -> Result<()> {
    let format = if a.json { LintFormat::Json } else { a.format };
    print(format, notes, diags, left_out, pack);
    if debrief_lint::has_errors(diags) && !a.no_exit {
        return Err(Failure::Problem);
    }
    Ok(())
}

/// `--list-rules`: every rule with its severity, where it comes from (the
/// built-in pack, or changed or added by yours) and its playbook sources.
fn list_rules(a: &LintArgs, pack: &RulePack, user: Option<&Path>, store: Option<&Path>) {
    let rules = output::rules_of(pack);
    if a.json || a.format == LintFormat::Json {
        let v = serde_json::json!({
            "pack": user.map(|p| p.display().to_string()),
            "rules": rules,
        });
        render::out(&format!(
            "{}\n",
            serde_json::to_string_pretty(&v).unwrap_or_default()
        ));
        return;
    }
    let mut s = format!(
        "{:<26} {:<8} {:<9} {:<8} {}\n",
        "RULE", "SEVERITY", "PACK", "SEEDS", "DESCRIPTION"
    );
    for r in &rules {
        let severity = r.severity.map(|s| s.as_str()).unwrap_or("off");
        s.push_str(&format!(
            "{:<26} {severity:<8} {:<9} {:<8} {}\n",
            r.id,
            r.origin,
            r.source.join(","),
            r.description
        ));
    }
    match (user, user_pack_path(store)) {
        (Some(p), _) => s.push_str(&format!("\nYour rule pack: {}\n", p.display())),
        (None, Some(p)) => s.push_str(&format!(
            "\nNo rule pack of yours yet; write one at {} to change these.\n",
            p.display()
        )),
        (None, None) => {}
    }
    render::out(&s);
}

/// The note files of a directory given as FILE: its `.txt`, `.md`,
/// `.markdown`, `.note` and `.eml` files (not hidden, not in
/// subdirectories), by name, so a batch is one process.
fn notes_in(dir: &Path) -> Result<Vec<PathBuf>> {
    const NOTE_EXTENSIONS: &[&str] = &["txt", "md", "markdown", "note", "eml", "text"];
    let entries = std::fs::read_dir(dir)
        .map_err(|e| Failure::input(format!("cannot read directory {}: {e}", dir.display())))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .filter(|p| {
            !p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .filter(|p| {
            p.extension().is_some_and(|x| {
                NOTE_EXTENSIONS.contains(&x.to_string_lossy().to_ascii_lowercase().as_str())
            })
        })
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(Failure::input(format!(
            "{} holds no notes: debrief lint reads its .txt, .md, .note and .eml files",
            dir.display()
        )));
    }
    Ok(files)
}

/// Reads the FILE arguments; standard input (`-`) may be one of them, once.
/// A directory stands for the notes in it.
fn read_notes(files: &[PathBuf]) -> Result<Vec<(String, String)>> {
    if files.iter().filter(|f| f.as_os_str() == "-").count() > 1 {
        return Err(Failure::input(
            "standard input (-) can be read only once; give it as one FILE",
        ));
    }
    let mut out = Vec::with_capacity(files.len());
    for f in files {
        if f.as_os_str() != "-" && f.is_dir() {
            for n in notes_in(f)? {
                out.push(read_note(&n)?);
            }
        } else {
            out.push(read_note(f)?);
        }
    }
    Ok(out)
}

/// `debrief lint` with no `--app`: the context-free rules, no store opened.
/// `store` is the `--db` path, if any (the user's rule pack sits beside it).
pub fn lint_without_store(a: &LintArgs, store: Option<&Path>) -> Result<()> {
    let (pack, user) = load_pack(a.rules.as_deref(), store)?;
    if a.list_rules {
        list_rules(a, &pack, user.as_deref(), store);
        return Ok(());
    }
    if a.files.is_empty() {
        return Err(Failure::input(
            "give a note FILE (or - for standard input), or --panel with --app",
        ));
    }
    let notes = read_notes(&a.files)?;
    let mut ctx = Context::new().pack(&pack);
    ctx.kind = a.kind;
    let mut diags = Vec::new();
    let mut left_out = Vec::new();
    for (name, text) in &notes {
        collect(
            debrief_lint::lint_report(text, &ctx),
            name,
            &mut diags,
            &mut left_out,
        );
    }
    finish(a, &notes, &diags, &left_out, &pack)
}

pub fn lint(ctx: &Ctx, a: &LintArgs) -> Result<()> {
    let (pack, user) = load_pack(a.rules.as_deref(), Some(&ctx.db_path))?;
    if a.list_rules {
        list_rules(a, &pack, user.as_deref(), Some(&ctx.db_path));
        return Ok(());
    }
    let app_id = a
        .app
        .as_deref()
        .ok_or_else(|| Failure::input("--app is required here"))?;
    let app = ctx.application(app_id)?;
    let now = ctx.now()?;
    let check_person = |id: &str| {
        app.person(id).map(|_| ()).ok_or_else(|| {
            let known: Vec<&str> = app.people.iter().map(|p| p.id.as_str()).collect();
            Failure::input(format!(
                "unknown person '{id}' in '{app_id}'; known: {}",
                known.join(", ")
            ))
        })
    };
    // (recipient, display path, text)
    let mut notes: Vec<(Option<String>, String, String)> = Vec::new();
    if a.panel.is_empty() {
        if a.files.is_empty() {
            return Err(Failure::input("give a note FILE or --panel PERSON=FILE…"));
        }
        if let Some(to) = &a.to {
            check_person(to)?;
        }
        for (name, text) in read_notes(&a.files)? {
            notes.push((a.to.clone(), name, text));
        }
    } else {
        let mut seen: Vec<&str> = Vec::new();
        for spec in &a.panel {
            let (person, file) = spec.split_once('=').ok_or_else(|| {
                Failure::input(format!(
                    "--panel {spec}: write PERSON=FILE, e.g. marie=marie.txt"
                ))
            })?;
            check_person(person)?;
            if seen.contains(&person) {
                return Err(Failure::input(format!(
                    "--panel names {person} twice; give one note per panel member"
                )));
            }
            seen.push(person);
            let (name, text) = read_note(Path::new(file))?;
            notes.push((Some(person.to_string()), name, text));
        }
    }
    let panel: Vec<(&str, &str)> = notes
        .iter()
        .filter_map(|(p, _, t)| p.as_deref().map(|p| (p, t.as_str())))
        .collect();
    let mut diags = Vec::new();
    let mut left_out = Vec::new();
    for (person, name, text) in &notes {
        // The same context as the web API and composer build.
        let mut c = debrief_lint::note_context(&app, person.as_deref(), a.kind, now, &pack);
        // Several FILEs to one person are drafts of one note, not a panel.
        if !a.panel.is_empty() {
            c = c.with_panel(panel.clone());
        }
        collect(
            debrief_lint::lint_report(text, &c),
            name,
            &mut diags,
            &mut left_out,
        );
    }
    let shown: Vec<(String, String)> = notes.into_iter().map(|(_, n, t)| (n, t)).collect();
    finish(a, &shown, &diags, &left_out, &pack)
}

/// Adds one note's findings, labelled with its path.
fn collect(
    report: debrief_lint::Report,
    name: &str,
    diags: &mut Vec<Diagnostic>,
    left_out: &mut Vec<LeftOut>,
) {
    diags.extend(report.diagnostics.into_iter().map(|mut d| {
        d.path = name.to_string();
        d
    }));
    left_out.extend(report.left_out.into_iter().map(|mut l| {
        l.path = name.to_string();
        l
    }));
}

pub fn draft(ctx: &Ctx, a: &DraftArgs) -> Result<()> {
    if a.json {
        let v = crate::answers::draft(ctx, &a.app, &a.to, a.kind)?;
        render::out(&format!(
            "{}\n",
            serde_json::to_string_pretty(&v).unwrap_or_default()
        ));
        return Ok(());
    }
    let app = ctx.application(&a.app)?;
    let profile = ctx.profile()?;
    let candidate = if profile.name.trim().is_empty() {
        "[your name]".to_string()
    } else {
        profile.name.clone()
    };
    let d =
        debrief_lint::draft(&app, &a.to, a.kind, &candidate, ctx.now()?).map_err(Failure::input)?;
    if a.eml {
        return crate::mail::write_eml(ctx, &app, &a.to, &d, a.output.as_deref());
    }
    let text = format!("Subject: {}\n\n{}\n", d.subject, d.body.trim_end());
    match &a.output {
        Some(p) => {
            std::fs::write(p, &d.body)
                .map_err(|e| Failure::input(format!("cannot write {}: {e}", p.display())))?;
            render::out(&format!(
                "Wrote the draft to {} (subject: {}).\n",
                p.display(),
                d.subject
            ));
        }
        None => render::out(&text),
    }
    Ok(())
}
