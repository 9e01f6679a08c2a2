//! `debrief ics`: calendar invites in (`import`), interviews and reminders
//! out (`export`), and the address of the feed `debrief serve` offers
//! (`feed`). The calendar work itself is `debrief-ics`; this module reads
//! the file, writes the store in one transaction and prints.

use debrief_core::engine::Engine;
use debrief_core::model::Dataset;
use std::path::PathBuf;

use debrief_ics::{
    EventReport, FileError, ImportAction, ImportResult, ImportSettings, ParsedCalendar,
    StoreCalendar, event_span, export_store, format_name, is_debrief_uid, read_invites,
};
use jiff::tz::TimeZone;
use serde::Serialize;

use crate::args::{IcsCommand, IcsExportArgs, IcsFeedArgs, IcsImportArgs};
use crate::ctx::{Ctx, Failure, Result, read_input};
use crate::render;

/// Larger than any real invite file by far; refusing more keeps a wrong
/// argument (a disk image…) from being read into memory.
const MAX_FILE_BYTES: u64 = 64 << 20;

pub fn run(ctx: &mut Ctx, c: IcsCommand) -> Result<()> {
    match c {
        IcsCommand::Import(a) => import(ctx, &a),
        IcsCommand::Export(a) => export(ctx, &a),
        IcsCommand::Feed(a) => feed(ctx, &a),
    }
}

/// The files a list of arguments names: each file as given, each folder's
/// `*.ics` files (not its subfolders) in name order, `-` for standard
/// input (once).
fn input_files(args: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for arg in args {
        if arg.as_os_str() != "-" && arg.is_dir() {
            let cannot =
                |e: std::io::Error| Failure::input(format!("cannot read {}: {e}", arg.display()));
            let mut found: Vec<PathBuf> = std::fs::read_dir(arg)
                .map_err(cannot)?
                .map(|entry| entry.map(|e| e.path()))
                .collect::<std::io::Result<Vec<_>>>()
                .map_err(cannot)?
                .into_iter()
                .filter(|p| {
                    p.is_file() && p.extension().is_some_and(|x| x.eq_ignore_ascii_case("ics"))
                })
                .collect();
            if found.is_empty() {
                return Err(Failure::input(format!(
                    "{}: no .ics file in this folder",
                    arg.display()
                )));
            }
            found.sort();
            files.extend(found);
        } else {
            files.push(arg.clone());
        }
    }
    if files.iter().filter(|f| f.as_os_str() == "-").count() > 1 {
        return Err(Failure::input(
            "- (standard input) can be read only once; name it once",
        ));
    }
    Ok(files)
}

fn import(ctx: &mut Ctx, a: &IcsImportArgs) -> Result<()> {
    let paths = input_files(&a.files)?;
    let profile = ctx.profile()?;
    let tz = ctx.tz()?;
    // Every file is read before the store: one that is not a calendar
    // stops the command with nothing written. Among several, a calendar
    // with no event to import (an empty export, a cancelled series) is
    // said in its report and the others import.
    let several = paths.len() > 1 || a.files.iter().any(|f| f.is_dir());
    let mut files = Vec::with_capacity(paths.len());
    for path in &paths {
        let name = path.display().to_string();
        let bytes = read_input(path, MAX_FILE_BYTES, "that is not a calendar invite")?;
        let parsed = match read_invites(&bytes, &tz) {
            Ok(parsed) => parsed,
            Err(e @ (FileError::NoEvent { .. } | FileError::NoReadableEvent { .. })) if several => {
                ParsedCalendar {
                    events: Vec::new(),
                    warnings: vec![format!("{e}; nothing imported from this file")],
                }
            }
            Err(e) => return Err(Failure::input(format!("{name}: {e}"))),
        };
        files.push((name, parsed));
    }
    if let Some(id) = &a.app {
        // An unknown id gets the usual "did you mean" before anything else.
        ctx.application(id)?;
    }
    let settings = ImportSettings {
        zone: tz.clone(),
        user_emails: own_addresses(&profile),
        user_name: Some(profile.name.trim().to_string()).filter(|n| !n.is_empty()),
        target: a.app.clone(),
    };
    // The read and its write in one transaction: an edit another command
    // makes meanwhile is never overwritten.
    let origin = ctx.origin()?;
    let debrief_app::imports::InviteFiles {
        files: done,
        any_change,
        created,
    } = debrief_app::imports::invite_files(
        &mut *ctx.store,
        (!a.dry_run).then_some(&origin),
        files,
        &settings,
    )?;
    // Every event skipped (no application for it, Debrief's own export…):
    // the files were read, so this is the command finding a problem (exit
    // 1), with the report saying why, not bad input.
    let nothing = done
        .iter()
        .all(|(_, f)| f.events.iter().all(|e| e.action == ImportAction::Skip));
    let one = a.files.len() == 1 && paths.len() == 1 && !a.files[0].is_dir();
    if one {
        let Some((name, file)) = done.into_iter().next() else {
            return Ok(());
        };
        let result = ImportResult {
            events: file.events,
            warnings: file.warnings,
            own_export: file.own_export,
            changed: vec![],
            created,
        };
        if a.json {
            render::json(&result.summary(a.dry_run), None)
                .map_err(|e| Failure::input(format!("cannot write JSON: {e}")))?;
        } else {
            let mut listing = Listing::new(a.all);
            let mut out = human_events(
                &name,
                &result.events,
                &result.warnings,
                &tz,
                a.dry_run,
                &mut listing,
            );
            out.push_str(&listing.tail(&result.created, a.dry_run));
            out.push_str(&human_total(&result.events, nothing, a.dry_run, any_change));
            render::out(&out);
        }
    } else if a.json {
        let summary = ManyJson {
            files: done
                .iter()
                .map(|(name, f)| FileJson {
                    file: name,
                    events: &f.events,
                    warnings: &f.warnings,
                })
                .collect(),
            created_applications: &created,
            dry_run: a.dry_run,
        };
        render::json(&summary, None)
            .map_err(|e| Failure::input(format!("cannot write JSON: {e}")))?;
    } else {
        let mut out = String::new();
        let mut listing = Listing::new(a.all);
        for (name, f) in &done {
            let before = listing.exhausted();
            let text = human_events(name, &f.events, &f.warnings, &tz, a.dry_run, &mut listing);
            // Past the screenful, a file is named only for its warnings.
            if before && text.is_empty() {
                continue;
            }
            out.push_str(&render::paint(render::BOLD, &format!("== {name}\n")));
            out.push_str(if text.is_empty() { "\n" } else { &text });
        }
        out.push_str(&listing.tail(&created, a.dry_run));
        let events: Vec<EventReport> = done.into_iter().flat_map(|(_, f)| f.events).collect();
        out.push_str(&format!("{} file(s), ", paths.len()));
        out.push_str(&human_total(&events, nothing, a.dry_run, any_change));
        render::out(&out);
    }
    if nothing {
        return Err(Failure::Problem);
    }
    Ok(())
}

/// `debrief ics import --json` with several files (or a folder): each
/// file's events and warnings as FORMAT.md §2 has them for one file, then
/// what the whole import made.
#[derive(Serialize)]
struct ManyJson<'a> {
    files: Vec<FileJson<'a>>,
    created_applications: &'a [String],
    dry_run: bool,
}

#[derive(Serialize)]
struct FileJson<'a> {
    file: &'a str,
    events: &'a [EventReport],
    warnings: &'a [String],
}

/// How much of an import the human report lists: a screenful of events
/// unless `--all`, then how many it left out.
struct Listing {
    /// Events still to list; `None`: every one.
    left: Option<usize>,
    /// Events not listed.
    hidden: usize,
}

impl Listing {
    fn new(all: bool) -> Listing {
        Listing {
            left: (!all).then_some(render::SCREENFUL),
            hidden: 0,
        }
    }

    /// Whether one more event is listed (counting it either way).
    fn take(&mut self) -> bool {
        match &mut self.left {
            None => true,
            Some(0) => {
                self.hidden += 1;
                false
            }
            Some(n) => {
                *n -= 1;
                true
            }
        }
    }

    fn exhausted(&self) -> bool {
        self.left == Some(0)
    }

    /// "… and N more", and the applications the import made, since their
    /// events may be among those not listed.
    fn tail(&self, created: &[String], dry_run: bool) -> String {
        if self.hidden == 0 {
            return String::new();
        }
        let mut out = format!(
            "… and {} more event(s) (debrief ics import --all lists every one; --json gives them all)\n",
            self.hidden
        );
        if !created.is_empty() {
            const NAMED: usize = 10;
            let mut names = created
                .iter()
                .take(NAMED)
                .map(|id| format!("'{id}'"))
                .collect::<Vec<_>>()
                .join(", ");
            if created.len() > NAMED {
                names.push_str(&format!(" and {} more", created.len() - NAMED));
            }
            out.push_str(&if dry_run {
                format!("{} application(s) would be made: {names}\n", created.len())
            } else {
                format!(
                    "{} new application(s): {names} (debrief app list)\n",
                    created.len()
                )
            });
        }
        out.push('\n');
        out
    }
}

/// A file's events as people read them, as many as `listing` still lets
/// through, then its warnings (always).
fn human_events(
    name: &str,
    events: &[EventReport],
    warnings: &[String],
    tz: &TimeZone,
    dry_run: bool,
    listing: &mut Listing,
) -> String {
    let mut out = String::new();
    // Debrief's own events: one warning says it all.
    for ev in events.iter().filter(|e| !is_debrief_uid(&e.event.uid)) {
        if !listing.take() {
            continue;
        }
        let title = if ev.event.summary.is_empty() {
            "(no title)"
        } else {
            ev.event.summary.as_str()
        };
        out.push_str(&render::paint(render::BOLD, title));
        out.push('\n');
        let mut facts = vec![event_span(ev, tz), format_name(ev.event.format).to_string()];
        if let Some(link) = &ev.event.link {
            facts.push(link.clone());
        } else if let Some(place) = &ev.event.location {
            facts.push(place.replace('\n', ", "));
        }
        out.push_str(&format!("  {}\n", facts.join(" · ")));
        let app = ev.application.as_deref().unwrap_or("-");
        let line = ev.outcome(dry_run);
        out.push_str(&format!("  {line}\n"));
        if let Some(why) = &ev.chosen_because
            && ev.action != ImportAction::Skip
        {
            let made = if ev.application_created {
                format!("new application '{app}': ")
            } else {
                format!("application '{app}' because ")
            };
            out.push_str(&render::paint(
                render::DIM,
                &format!(
                    "  {made}{}\n",
                    if why == "--app" { "of --app" } else { why }
                ),
            ));
        }
        if !ev.people_added.is_empty() {
            out.push_str(&format!(
                "  {}: {}\n",
                if dry_run {
                    "People to add"
                } else {
                    "People added"
                },
                ev.people_added.join(", ")
            ));
        }
        if !ev.people_updated.is_empty() {
            out.push_str(&format!(
                "  Address learnt for: {}\n",
                ev.people_updated.join(", ")
            ));
        }
        for note in &ev.notes {
            out.push_str(&render::paint(render::DIM, &format!("  note: {note}\n")));
        }
        out.push('\n');
    }
    if !warnings.is_empty() {
        out.push_str(&render::paint(
            render::YELLOW,
            &format!("{} warning(s) in {name}:\n", warnings.len()),
        ));
        for w in warnings {
            out.push_str(&format!("  {w}\n"));
        }
        out.push('\n');
    }
    out
}

/// The last line: how many events did what, and whether it was written.
fn human_total(events: &[EventReport], nothing: bool, dry_run: bool, changes: bool) -> String {
    let count = |action: ImportAction| events.iter().filter(|e| e.action == action).count();
    let summary = format!(
        "{} event(s): {} new, {} updated, {} unchanged, {} ignored, {} skipped",
        events.len(),
        count(ImportAction::Create),
        count(ImportAction::Update),
        count(ImportAction::Unchanged),
        count(ImportAction::Ignore),
        count(ImportAction::Skip),
    );
    if nothing {
        format!("{summary}. Nothing imported.\n")
    } else if dry_run {
        format!("{summary}. Dry run: nothing written.\n")
    } else if changes {
        format!("{summary}. Saved.\n")
    } else {
        format!("{summary}. Nothing to change.\n")
    }
}

fn export(ctx: &mut Ctx, a: &IcsExportArgs) -> Result<()> {
    let mut data: Dataset = match &a.app {
        Some(id) => Dataset {
            applications: vec![ctx.application(id)?],
            ..Dataset::default()
        },
        None => ctx.store.load()?,
    };
    data.profile = ctx.profile()?;
    let now = ctx.now()?;
    let engine = Engine::new(&data.profile).map_err(Failure::input)?;
    let agenda = engine.agenda(&data, now);
    let StoreCalendar {
        text,
        interviews,
        actions,
    } = export_store(&data, &agenda.actions, a.app.as_deref(), now);
    match &a.output {
        Some(path) => {
            std::fs::write(path, text.as_bytes())
                .map_err(|e| Failure::input(format!("cannot write {}: {e}", path.display())))?;
            render::out(&format!(
                "Wrote {interviews} interview(s) and {actions} open action(s), with reminders, to {}.\nImport it into your calendar, or subscribe to the live feed instead: debrief ics feed\n",
                path.display()
            ));
        }
        None => {
            use std::io::Write;
            let mut o = std::io::stdout().lock();
            match o.write_all(text.as_bytes()).and_then(|()| o.flush()) {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                    return Err(Failure::input(format!("cannot write the calendar: {e}")));
                }
                _ => {}
            }
        }
    }
    Ok(())
}

#[derive(Serialize)]
struct FeedJson {
    /// `None` when the feed is off.
    url: Option<String>,
    path: Option<String>,
    /// A new address was made by this command.
    renewed: bool,
}

fn feed(ctx: &mut Ctx, a: &IcsFeedArgs) -> Result<()> {
    if a.off {
        let was_on = ctx.run(debrief_app::settings::remove_feed_secret)?;
        if a.json {
            return render::json(
                &FeedJson {
                    url: None,
                    path: None,
                    renewed: false,
                },
                None,
            )
            .map_err(|e| Failure::input(format!("cannot write JSON: {e}")));
        }
        render::out(if was_on {
            "The calendar feed is off; its address no longer works. `debrief ics feed` makes a new one.\n"
        } else {
            "The calendar feed was already off.\n"
        });
        return Ok(());
    }
    let before = debrief_app::settings::feed_secret(&*ctx.store)?;
    let secret = if a.revoke {
        ctx.run(debrief_app::settings::renew_feed_secret)?
    } else {
        ctx.run(debrief_app::settings::feed_secret_or_new)?
    };
    let renewed = before.as_deref() != Some(secret.as_str());
    let path = format!("/calendar/{secret}.ics");
    let host = if a.addr.ip().is_unspecified() {
        format!("localhost:{}", a.addr.port())
    } else {
        a.addr.to_string()
    };
    let url = format!("http://{host}{path}");
    if a.json {
        return render::json(
            &FeedJson {
                url: Some(url),
                path: Some(path),
                renewed,
            },
            None,
        )
        .map_err(|e| Failure::input(format!("cannot write JSON: {e}")));
    }
    let mut out = String::new();
    if a.revoke && before.is_some() {
        out.push_str("Made a new address; the old one no longer works.\n");
    } else if renewed {
        out.push_str("Made a private address for your calendar feed.\n");
    }
    out.push_str(&format!("{url}\n"));
    out.push_str(&render::paint(
        render::DIM,
        "Subscribe to it in your calendar app (Apple Calendar, Thunderbird, Outlook: \"add calendar from the internet\") while `debrief serve` runs.\nAnyone with this address can read your interviews and actions: keep it private. `debrief ics feed --revoke` makes a new one, `--off` turns the feed off.\n",
    ));
    render::out(&out);
    Ok(())
}

/// Your own addresses, which an invite never turns into a person: the
/// profile's, or the mail settings' sender while the profile has none
/// (`debrief profile --email` sets them).
fn own_addresses(profile: &debrief_core::model::Profile) -> Vec<String> {
    if !profile.emails.is_empty() {
        return profile.emails.clone();
    }
    debrief_mail::Sources::from_env()
        .load()
        .ok()
        .and_then(|s| s.config.sender_address())
        .into_iter()
        .collect()
}
