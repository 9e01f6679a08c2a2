//! Whole-store commands: import, export, demo, profile.

use debrief_app::{AppError, imports};
use debrief_core::demo::{self, DEMO_PREFIX};
use debrief_core::exchange::{self, parse_timezone};
use debrief_store::{Change, ImportCounts};
use indicatif::{ProgressBar, ProgressStyle};

use crate::args::{AgendaArgs, ExportArgs, ImportArgs, ProfileArgs};
use debrief_core::input::parse_date;

use crate::ctx::{Ctx, Failure, Result, system_zone};
use crate::render;

/// Files above this size get a progress bar on a terminal.
const PROGRESS_ABOVE_BYTES: u64 = 1 << 20;

/// Imports an exchange file as it is parsed: each application is checked
/// and written in one transaction, so memory holds the file's text and one
/// application (not the whole dataset), and a bad file, however far in,
/// leaves the store as it was.
pub fn import(ctx: &mut Ctx, a: &ImportArgs) -> Result<()> {
    let name = a.file.display().to_string();
    if a.replace && !a.dry_run {
        crate::ctx::confirm(
            a.yes,
            &format!("Replace every application in the store with the ones in {name}?"),
        )?;
    }
    let (source, size) = open_document(&a.file)?;
    let bar = (size > PROGRESS_ABOVE_BYTES).then(|| {
        // indicatif draws only when standard error is a terminal.
        let bar = ProgressBar::new_spinner();
        bar.set_style(
            ProgressStyle::with_template("{spinner} importing {msg}: {human_pos} applications")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.set_message(name.clone());
        bar
    });
    let mut backup = None;
    // PostgreSQL is backed up with its own tools; the journal still lets
    // `debrief undo` take the replace back.
    if a.replace && !a.dry_run && ctx.location.is_file() && !ctx.store.application_ids()?.is_empty()
    {
        let path = backup_path(&ctx.db_path, ctx.now()?);
        ctx.store.backup_to(&path).map_err(|e| {
            Failure::input(format!(
                "cannot write a backup to {} before replacing: {e}; nothing was imported",
                path.display()
            ))
        })?;
        backup = Some(path);
    }
    let bytes;
    let doc = match source {
        Document::Bytes(text) => {
            bytes = text;
            imports::Document::Bytes(&bytes)
        }
        Document::Stream(reader) => imports::Document::Stream(reader),
    };
    let origin = ctx.origin()?;
    if !a.dry_run {
        ctx.store.expect_bulk(size);
    }
    let done = imports::exchange(
        &mut *ctx.store,
        (!a.dry_run).then_some(&origin),
        doc,
        a.replace,
        &mut || {
            if let Some(b) = &bar {
                b.inc(1);
            }
        },
    );
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let done = done.map_err(|e| match e {
        AppError::Exchange(e) => Failure::input(format!("{name}: {e}")),
        e => e.into(),
    })?;
    ctx.forget_profile();

    let imports::ExchangeImport {
        profile,
        stored_profile,
        count,
        counts:
            ImportCounts {
                added,
                updated,
                removed,
            },
    } = done;
    let summary = format!(
        "{name}: {count} application{} ({added} new, {updated} updated{})",
        if count == 1 { "" } else { "s" },
        if a.replace {
            format!(", {removed} removed")
        } else {
            String::new()
        }
    );
    let profile_note = match &profile {
        None => "the file has no profile: yours stays as it is".to_string(),
        Some(p) if *p == stored_profile => "the file's profile is the same as yours".to_string(),
        Some(p) => format!(
            "the file's profile {} yours ({})",
            if a.dry_run {
                "would replace"
            } else {
                "replaced"
            },
            profile_changes(&stored_profile, p).join(", ")
        ),
    };
    if a.dry_run {
        render::out(&format!(
            "{summary}; {profile_note}; dry run, nothing written.\n"
        ));
    } else {
        render::out(&format!("Imported {summary}; {profile_note}.\n"));
        if let Some(path) = backup {
            render::out(&format!(
                "The store as it was is saved in {} (undo with `debrief undo`, or copy that file back).\n",
                path.display()
            ));
        }
    }
    Ok(())
}

/// What differs between two profiles, in words: "timezone America/Chicago → UTC".
fn profile_changes(
    old: &debrief_core::model::Profile,
    new: &debrief_core::model::Profile,
) -> Vec<String> {
    let mut out = Vec::new();
    let mut field = |name: &str, a: String, b: String| {
        if a != b {
            out.push(format!("{name} {a:?} → {b:?}"));
        }
    };
    field("name", old.name.clone(), new.name.clone());
    field("timezone", old.timezone.clone(), new.timezone.clone());
    field(
        "holidays",
        old.holidays.calendar.to_string(),
        new.holidays.calendar.to_string(),
    );
    field(
        "days off",
        format!("{:?}", old.holidays.extra),
        format!("{:?}", new.holidays.extra),
    );
    field("policy", old.policy.to_string(), new.policy.to_string());
    field("emails", old.emails.join(", "), new.emails.join(", "));
    out
}

/// `debrief.backup-20261201T100000Z.db` beside `debrief.db`, named with
/// the (pinnable) clock.
fn backup_path(db: &std::path::Path, now: jiff::Timestamp) -> std::path::PathBuf {
    let stem = db
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "debrief".into());
    let stamp = now.strftime("%Y%m%dT%H%M%SZ").to_string();
    let mut path = db.with_file_name(format!("{stem}.backup-{stamp}.db"));
    let mut n = 1;
    while path.exists() {
        n += 1;
        path = db.with_file_name(format!("{stem}.backup-{stamp}-{n}.db"));
    }
    path
}

/// Files up to this size are read whole, into a buffer of their exact
/// size (parsing from memory is about twice as fast); larger ones, and
/// standard input, are parsed as they are read, so an import's memory
/// stays bounded (this much, or one read buffer, plus one application)
/// whatever the size of the file.
const READ_WHOLE_BYTES: u64 = 64 << 20;

/// An exchange document to import: in memory, or read as it is parsed.
enum Document {
    Bytes(Vec<u8>),
    Stream(Box<dyn std::io::BufRead + Send>),
}

/// Opens FILE (or standard input for `-`), past a UTF-8 byte order mark;
/// with its size when it has one (0 for standard input).
fn open_document(path: &std::path::Path) -> Result<(Document, u64)> {
    use std::io::{BufRead, BufReader, Read};
    const BOM: &[u8] = b"\xEF\xBB\xBF";
    let cannot = |e: std::io::Error| Failure::input(format!("cannot read {}: {e}", path.display()));
    let (mut reader, size): (Box<dyn BufRead + Send>, u64) = if path.as_os_str() == "-" {
        (
            Box::new(BufReader::with_capacity(1 << 20, std::io::stdin())),
            0,
        )
    } else {
        let mut file = std::fs::File::open(path).map_err(cannot)?;
        let size = file.metadata().map_err(cannot)?.len();
        if size <= READ_WHOLE_BYTES {
            let mut text = Vec::with_capacity(usize::try_from(size).unwrap_or(0) + 1);
            file.read_to_end(&mut text).map_err(cannot)?;
            if text.starts_with(BOM) {
                text.drain(..BOM.len());
            }
            return Ok((Document::Bytes(text), size));
        }
        (Box::new(BufReader::with_capacity(1 << 20, file)), size)
    };
    if reader.fill_buf().map_err(cannot)?.starts_with(BOM) {
        reader.consume(BOM.len());
    }
    Ok((Document::Stream(reader), size))
}

pub fn export(ctx: &Ctx, a: &ExportArgs) -> Result<()> {
    let cannot = |e: std::io::Error| match &a.output {
        Some(p) => Failure::input(format!("cannot write {}: {e}", p.display())),
        None => Failure::input(format!("cannot write JSON: {e}")),
    };
    let sink: Box<dyn std::io::Write> = match &a.output {
        Some(p) => Box::new(std::fs::File::create(p).map_err(cannot)?),
        None => Box::new(std::io::stdout().lock()),
    };
    write_export(&*ctx.store, sink, &cannot).map(|_| ())
}

/// The store's exchange document, pretty, and a newline, written to
/// `sink` a page of applications at a time (`debrief export`, `admin
/// backup`); gives how many applications it holds. A reader that went
/// away (`export | head`) ends it quietly; `cannot` words any other
/// write error.
pub fn write_export(
    store: &dyn debrief_store::StoreReader,
    sink: Box<dyn std::io::Write + '_>,
    cannot: &dyn Fn(std::io::Error) -> Failure,
) -> Result<usize> {
    use std::io::Write as _;
    let mut out = std::io::BufWriter::with_capacity(1 << 16, sink);
    let written = debrief_app::export::write_document(store, &mut out, true).and_then(|n| {
        Ok(out
            .write_all(b"\n")
            .and_then(|()| out.flush())
            .map(|()| n)?)
    });
    match written {
        Ok(n) => Ok(n),
        Err(debrief_app::export::ExportError::Store(e)) => Err(e.into()),
        Err(debrief_app::export::ExportError::Write(e))
            if e.kind() == std::io::ErrorKind::BrokenPipe =>
        {
            Ok(0)
        }
        Err(debrief_app::export::ExportError::Write(e)) => Err(cannot(e)),
    }
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
    ctx.write(&changes)?;
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
            let e = e.trim();
            if !p.emails.iter().any(|x| x.eq_ignore_ascii_case(e)) {
                let yours = if p.emails.is_empty() {
                    "none is recorded".to_string()
                } else {
                    format!("yours are {}", p.emails.join(", "))
                };
                return Err(Failure::input(format!(
                    "--remove-email: '{e}' is not one of your addresses ({yours}); nothing changed"
                )));
            }
            p.emails.retain(|x| !x.eq_ignore_ascii_case(e));
        }
        exchange::validate_profile(&p)?;
        ctx.write(&[Change::SetProfile(p.clone())])?;
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
