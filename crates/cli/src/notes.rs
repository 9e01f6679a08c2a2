//! Notes: `debrief lint` (PLAYBOOK §5) and `debrief draft`.
//!
//! Exit codes follow Vale: 0 clean or only warnings/info, 1 any error,
//! 2 usage or input error; `--no-exit` always exits 0.

use std::path::{Path, PathBuf};

use debrief_lint::{Context, Diagnostic, NoteKind, RulePack, interview_for, output};

use crate::args::{DraftArgs, LintArgs, LintFormat};
use crate::ctx::{Ctx, Failure, Result, default_db_path};
use crate::render;

/// The user's own rule pack: `rules.toml` beside the default store.
fn user_pack_path() -> Option<PathBuf> {
    default_db_path()
        .ok()
        .and_then(|p| p.parent().map(|d| d.join("rules.toml")))
}

pub(crate) fn load_pack(explicit: Option<&Path>) -> Result<RulePack> {
    let builtin = RulePack::builtin();
    let (path, required) = match explicit {
        Some(p) => (p.to_path_buf(), true),
        None => match user_pack_path() {
            Some(p) => (p, false),
            None => return Ok(builtin),
        },
    };
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let user = RulePack::parse(&text)
                .map_err(|e| Failure::input(format!("{}: {e}", path.display())))?;
            Ok(builtin.merge(&user))
        }
        Err(e) if !required && e.kind() == std::io::ErrorKind::NotFound => Ok(builtin),
        Err(e) => Err(Failure::input(format!(
            "cannot read rule pack {}: {e}",
            path.display()
        ))),
    }
}

/// Reads a note; invalid UTF-8 is replaced rather than refused, so a note
/// pasted from anywhere can still be checked.
pub(crate) fn read_note(path: &Path) -> Result<(String, String)> {
    let bytes = if path.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf)?;
        buf
    } else {
        std::fs::read(path)
            .map_err(|e| Failure::input(format!("cannot read {}: {e}", path.display())))?
    };
    let name = if path.as_os_str() == "-" {
        "<stdin>".to_string()
    } else {
        path.display().to_string()
    };
    Ok((name, String::from_utf8_lossy(&bytes).into_owned()))
}

fn print(format: LintFormat, notes: &[(String, String)], diags: &[Diagnostic], pack: &RulePack) {
    let text = match format {
        LintFormat::Human => {
            if diags.is_empty() {
                format!(
                    "{} no problems found in {}\n",
                    render::paint(render::BOLD, "✓"),
                    notes
                        .iter()
                        .map(|n| n.0.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            } else {
                notes
                    .iter()
                    .map(|(path, text)| {
                        let mine: Vec<Diagnostic> =
                            diags.iter().filter(|d| &d.path == path).cloned().collect();
                        output::human(text, &mine)
                    })
                    .collect()
            }
        }
        LintFormat::Line => output::line(diags),
        LintFormat::Json => output::json(diags),
        LintFormat::Sarif => output::sarif(diags, pack),
        LintFormat::Github => output::github(diags),
    };
    render::out(&text);
    if !text.ends_with('\n') && !text.is_empty() {
        render::out("\n");
    }
}

fn finish(
    a: &LintArgs,
    notes: &[(String, String)],
    diags: &[Diagnostic],
    pack: &RulePack,
) -> Result<()> {
    let format = if a.json { LintFormat::Json } else { a.format };
    print(format, notes, diags, pack);
    if debrief_lint::has_errors(diags) && !a.no_exit {
        return Err(Failure::Problem);
    }
    Ok(())
}

fn list_rules(pack: &RulePack) {
    let mut s = String::new();
    for r in output::rules_of(pack) {
        let severity = r.severity.map(|s| s.as_str()).unwrap_or("off");
        s.push_str(&format!(
            "{:<26} {severity:<8} {:<14} {}\n",
            r.id,
            r.source.join(","),
            r.description
        ));
    }
    render::out(&s);
}

pub fn lint_without_store(a: &LintArgs) -> Result<()> {
    let pack = load_pack(a.rules.as_deref())?;
    if a.list_rules {
        list_rules(&pack);
        return Ok(());
    }
    let Some(file) = &a.file else {
        return Err(Failure::input(
            "give a note FILE (or - for standard input), or --panel with --app",
        ));
    };
    let (name, text) = read_note(file)?;
    let mut ctx = Context::new().pack(&pack);
    ctx.kind = a.kind;
    let mut diags = debrief_lint::lint(&text, &ctx);
    diags.iter_mut().for_each(|d| d.path = name.clone());
    finish(a, &[(name, text)], &diags, &pack)
}

pub fn lint(ctx: &Ctx, a: &LintArgs) -> Result<()> {
    let pack = load_pack(a.rules.as_deref())?;
    if a.list_rules {
        list_rules(&pack);
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
        let file = a
            .file
            .as_ref()
            .ok_or_else(|| Failure::input("give a note FILE or --panel PERSON=FILE…"))?;
        if let Some(to) = &a.to {
            check_person(to)?;
        }
        let (name, text) = read_note(file)?;
        notes.push((a.to.clone(), name, text));
    } else {
        for spec in &a.panel {
            let (person, file) = spec.split_once('=').ok_or_else(|| {
                Failure::input(format!(
                    "--panel {spec}: write PERSON=FILE, e.g. marie=marie.txt"
                ))
            })?;
            check_person(person)?;
            let (name, text) = read_note(Path::new(file))?;
            notes.push((Some(person.to_string()), name, text));
        }
    }
    let panel: Vec<(&str, &str)> = notes
        .iter()
        .filter_map(|(p, _, t)| p.as_deref().map(|p| (p, t.as_str())))
        .collect();
    let mut diags = Vec::new();
    for (person, name, text) in &notes {
        let mut c = match person {
            Some(p) => Context::for_person(&app, p),
            None => Context {
                app: Some(&app),
                ..Context::default()
            },
        }
        .pack(&pack)
        .at(now);
        c.kind = a
            .kind
            .or(Some(NoteKind::ThankYou))
            .filter(|_| a.kind.is_some() || person.is_some());
        c.interview = person.as_deref().and_then(|p| interview_for(&app, p, now));
        if notes.len() > 1 {
            c = c.with_panel(panel.clone());
        }
        let mut found = debrief_lint::lint(text, &c);
        found.iter_mut().for_each(|d| d.path = name.clone());
        diags.extend(found);
    }
    let shown: Vec<(String, String)> = notes.into_iter().map(|(_, n, t)| (n, t)).collect();
    finish(a, &shown, &diags, &pack)
}

pub fn draft(ctx: &Ctx, a: &DraftArgs) -> Result<()> {
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
