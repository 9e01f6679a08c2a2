//! `debrief history` and `debrief undo` (FORMAT.md §2): the journal of
//! changes the store keeps, and taking changes back.

use debrief_store::JournalEntry;
use serde_json::json;

use crate::args::{CorrectArgs, DeleteArgs, DeleteKind, HistoryArgs, UndoArgs};
use crate::ctx::{Ctx, Failure, Result};
use crate::render;
use debrief_core::model::{InterviewId, PersonId};
use debrief_core::remove::Target;

fn entry_json(e: &JournalEntry, tz: &jiff::tz::TimeZone) -> serde_json::Value {
    let apps: Vec<&str> = e.items.iter().filter_map(|i| i.app.as_deref()).collect();
    json!({
        "id": e.id,
        "at": debrief_core::model::Moment::in_zone(e.at, tz).to_string(),
        "source": e.source,
        "what": e.what,
        "applications": apps,
        "profile": e.items.iter().any(|i| i.app.is_none()),
        "undoes": e.undoes,
        "undone_by": e.undone_by,
        "changes": e.items.iter().map(|i| json!({
            "application": i.app,
            "before": i.before.as_deref().and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok()),
            "after": i.after.as_deref().and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok()),
        })).collect::<Vec<_>>(),
    })
}

/// "acme-analyst changed, globex added": what an entry did, briefly.
fn summary(e: &JournalEntry) -> String {
    let mut parts: Vec<String> = e
        .items
        .iter()
        .take(3)
        .map(|i| {
            let what = match i.app.as_deref() {
                Some(id) => id.to_string(),
                None => "profile".to_string(),
            };
            let how = match (&i.before, &i.after) {
                (None, Some(_)) => "added",
                (Some(_), None) => "removed",
                _ => "changed",
            };
            format!("{what} {how}")
        })
        .collect();
    if e.items.len() > 3 {
        parts.push(format!("and {} more", e.items.len() - 3));
    }
    parts.join(", ")
}

pub fn history(ctx: &mut Ctx, a: &HistoryArgs) -> Result<()> {
    if let Some(days) = a.keep_days {
        if days == 0 {
            return Err(Failure::input("--keep-days: at least 1 day"));
        }
        ctx.run(|store, origin| debrief_app::history::set_journal_days(store, origin, days))?;
        render::out(&format!(
            "The history now keeps {days} day{} of changes.\n",
            if days == 1 { "" } else { "s" }
        ));
        return Ok(());
    }
    let tz = ctx.tz()?;
    let entries = debrief_app::history::entries(&*ctx.store, a.limit, false)?;
    if a.json {
        let list: Vec<serde_json::Value> = entries.iter().map(|e| entry_json(e, &tz)).collect();
        render::out(&format!("{}\n", json!({ "changes": list })));
        return Ok(());
    }
    if entries.is_empty() {
        render::out("No changes recorded yet.\n");
        return Ok(());
    }
    for e in &entries {
        let at = e.at.to_zoned(tz.clone()).strftime("%Y-%m-%d %H:%M");
        let state = match (e.undone_by, e.undoes.is_empty()) {
            (Some(by), _) => format!(" (undone by #{by})"),
            (None, false) => format!(
                " (undoes {})",
                e.undoes
                    .iter()
                    .map(|i| format!("#{i}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            _ => String::new(),
        };
        render::out(&format!(
            "#{:<5} {at}  {:<3}  {}{state}\n       {}\n",
            e.id,
            e.source.as_str(),
            e.what,
            render::paint(render::DIM, &summary(e)),
        ));
    }
    Ok(())
}

pub fn undo(ctx: &mut Ctx, a: &UndoArgs) -> Result<()> {
    if a.count == 0 {
        return Err(Failure::input("undo: the count must be at least 1"));
    }
    let done = ctx.run(|store, origin| debrief_app::history::undo(store, origin, a.count))?;
    ctx.forget_profile();
    let tz = ctx.tz()?;
    if a.json {
        let list: Vec<serde_json::Value> =
            done.reverted.iter().map(|e| entry_json(e, &tz)).collect();
        render::out(&format!(
            "{}\n",
            json!({ "undone": list, "entry": done.entry })
        ));
        return Ok(());
    }
    if done.reverted.is_empty() {
        render::out("Nothing to undo.\n");
        return Ok(());
    }
    for e in &done.reverted {
        render::out(&format!("Undid #{}: {} ({}).\n", e.id, e.what, summary(e)));
    }
    render::out("Changed your mind again? `debrief undo` takes this back too.\n");
    Ok(())
}

/// `debrief delete WHAT --app ID …`: one record, after confirmation, in
/// one transaction; `debrief undo` brings it back.
pub fn delete(ctx: &mut Ctx, a: &DeleteArgs) -> Result<()> {
    let target = target(
        a.what,
        &a.app,
        &a.person,
        &a.interview,
        a.index,
        a.from_panels,
    )?;
    let Some(target) = target else {
        return crate::record::app(
            ctx,
            crate::args::AppCommand::Remove {
                id: a.app.clone(),
                yes: a.yes,
            },
        );
    };
    // Check it exists (and may go) before asking.
    let mut preview = ctx.application(&a.app)?;
    let what = debrief_core::remove::remove(&mut preview, &target).map_err(refused)?;
    crate::ctx::confirm(a.yes, &format!("Delete {what} from '{}'?", a.app))?;
    ctx.update_app(&a.app, |app| {
        debrief_core::remove::remove(app, &target).map_err(refused)
    })?;
    render::out(&format!(
        "Deleted {what} from '{}'. Changed your mind? `debrief undo` brings it back.\n",
        a.app
    ));
    Ok(())
}

/// The record `what` names, from the flags; `None` for an application.
fn target(
    what: DeleteKind,
    app: &str,
    person: &Option<PersonId>,
    interview: &Option<InterviewId>,
    index: Option<usize>,
    from_panels: bool,
) -> Result<Option<Target>> {
    let kind = format!("{what:?}").to_lowercase();
    let missing = |flag: &str| Failure::input(format!("{kind}: say which with {flag}"));
    let person = || person.clone().ok_or_else(|| missing("--person"));
    let interview = || interview.clone().ok_or_else(|| missing("--interview"));
    let index = || {
        index.ok_or_else(|| {
            Failure::input(format!(
                "{kind}: say which with --index N (counting from 1, as `debrief app show {app}` numbers them)"
            ))
        })
    };
    Ok(match what {
        DeleteKind::Application => None,
        DeleteKind::Person => Some(Target::Person {
            id: person()?,
            from_panels,
        }),
        DeleteKind::Interview => Some(Target::Interview { id: interview()? }),
        DeleteKind::Touch => Some(Target::Touch { index: index()? }),
        DeleteKind::Reply => Some(Target::Reply { index: index()? }),
        DeleteKind::Said => Some(Target::Said {
            person: person()?,
            index: index()?,
        }),
        DeleteKind::Slip => Some(Target::SlipUp {
            interview: interview()?,
            index: index()?,
        }),
        DeleteKind::News => Some(Target::News { index: index()? }),
        DeleteKind::Research => Some(Target::Research { index: index()? }),
        DeleteKind::Feedback => Some(Target::Feedback { point: index()? }),
        DeleteKind::Reflection => Some(Target::Reflection {
            interview: interview()?,
        }),
        DeleteKind::Dismissal => Some(Target::Dismissal { index: index()? }),
        DeleteKind::Outcome => Some(Target::Outcome),
    })
}

/// `debrief correct WHAT --app ID … --set FIELD=VALUE…`: changes fields of
/// one record in one transaction; undoable.
pub fn correct(ctx: &mut Ctx, a: &CorrectArgs) -> Result<()> {
    let Some(target) = target(a.what, &a.app, &a.person, &a.interview, a.index, false)? else {
        return Err(Failure::input(format!(
            "correct application: use `debrief app set {}` (--company, --role, --stage…)",
            a.app
        )));
    };
    let mut patch = serde_json::Map::new();
    for pair in &a.set {
        let Some((field, value)) = pair.split_once('=') else {
            return Err(Failure::input(format!(
                "--set {pair}: expected FIELD=VALUE, e.g. --set kind=thank-you"
            )));
        };
        let value = serde_json::from_str(value)
            .unwrap_or_else(|_| serde_json::Value::String(value.to_string()));
        patch.insert(field.trim().to_string(), value);
    }
    let what = ctx.update_app(&a.app, |app| {
        debrief_core::remove::correct(app, &target, &patch)
            .map_err(|e| Failure::input(format!("--set {}: {}", e.field, e.message)))
    })?;
    render::out(&format!(
        "Corrected {what} in '{}'. `debrief undo` takes it back.\n",
        a.app
    ));
    Ok(())
}

fn refused(e: debrief_core::edit::EditError) -> Failure {
    let flag = match e.field.as_str() {
        "from_panels" | "person" | "interview" | "outcome" => return Failure::input(e.message),
        "point" => "--index".to_string(),
        f => format!("--{f}"),
    };
    Failure::input(format!("{flag}: {}", e.message))
}
