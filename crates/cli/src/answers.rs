//! The JSON answers shared by the command line's `--json` and the MCP
//! server's tools (`mcp.rs`): one function per answer, so the two can never
//! drift apart (a test in `tests/mcp.rs` compares them).

use std::collections::HashMap;
use std::path::Path;

use debrief_core::engine::{Agenda, Engine};
use debrief_core::input::closest;
use debrief_core::model::{Channel, Moment, Profile, Touch, TouchKind};
use debrief_core::rules::{Rule, figure};
use debrief_lint::NoteKind;
use serde_json::{Value, json};

use crate::ctx::{Ctx, Failure, Result};

/// The agenda at the context's `now`, of one application or of the whole
/// store (skipping the applications that can no longer yield an action),
/// with the profile and engine it was computed with and the company of
/// every application it read.
pub struct AgendaAnswer {
    pub profile: Profile,
    pub engine: Engine,
    pub agenda: Agenda,
    /// Application id → company, for every application read.
    pub companies: HashMap<debrief_core::model::AppId, String>,
}

impl AgendaAnswer {
    /// The company of an application of the agenda, or its id.
    pub fn company(&self, id: &str) -> String {
        self.companies
            .get(id)
            .cloned()
            .unwrap_or_else(|| id.to_string())
    }
}

/// `companies`: whether to keep each application's company (what a
/// human agenda or a reminder prints; `--json` names only ids).
pub fn agenda(ctx: &Ctx, app: Option<&str>, companies: bool) -> Result<AgendaAnswer> {
    let keep_companies = companies;
    // Before a profile is saved, the system's zone, as everywhere else.
    let profile = ctx.profile()?;
    let now = ctx.now()?;
    let engine = Engine::new(&profile).map_err(Failure::input)?;
    let mut companies = HashMap::new();
    let actions = match app {
        // One application needs one read, not the whole store.
        Some(id) => {
            let a = ctx.application(id)?;
            companies.insert(a.id.clone(), a.company.clone());
            engine.actions_of(std::slice::from_ref(&a), now)
        }
        // Each chunk computed where the store decodes it, with its
        // applications' companies when they are wanted.
        None => {
            let parts = debrief_app::agenda::active_action_parts(
                &*ctx.store,
                &engine,
                now,
                &profile.timezone,
                &|apps, actions| {
                    let names: Vec<_> = if keep_companies {
                        apps.iter()
                            .map(|a| (a.id.clone(), a.company.clone()))
                            .collect()
                    } else {
                        Vec::new()
                    };
                    (actions, names)
                },
            )?;
            let mut lists = Vec::with_capacity(parts.len());
            for (actions, names) in parts {
                companies.extend(names);
                lists.push(actions);
            }
            debrief_core::engine::merge_actions(lists)
        }
    };
    let agenda = engine.agenda_of(actions, now);
    Ok(AgendaAnswer {
        profile,
        engine,
        agenda,
        companies,
    })
}

/// The whole store's agenda for `agenda --json`: its header (no actions
/// in it) and its actions as sorted lists, each made into what `finish`
/// makes of it where it was computed (`active_action_parts`), merged as
/// they are written
/// ([`debrief_core::engine::Merged`]) instead of into one list first.
pub fn agenda_parts<T: Send>(
    ctx: &Ctx,
    finish: &(
         dyn Fn(&[debrief_core::model::Application], Vec<debrief_core::engine::Action>) -> T + Sync
     ),
) -> Result<(Agenda, Vec<T>)> {
    let profile = ctx.profile()?;
    let now = ctx.now()?;
    let engine = Engine::new(&profile).map_err(Failure::input)?;
    let parts = debrief_app::agenda::active_action_parts(
        &*ctx.store,
        &engine,
        now,
        &profile.timezone,
        finish,
    )?;
    Ok((engine.agenda_of(Vec::new(), now), parts))
}

/// `debrief explain RULE --json`: a playbook rule, or a linter rule
/// (`lint/…`, with the user's rule pack beside the store `db` laid over).
pub fn explain(id: &str, db: Option<&Path>) -> Result<Value> {
    if let Some(r) = Rule::from_id(id) {
        return Ok(rule(r));
    }
    let (pack, _) = crate::input::load_pack(None, db)?;
    let lint_rules = debrief_lint::output::rules_of(&pack);
    if let Some(r) = lint_rules.iter().find(|r| r.id == id) {
        return serde_json::to_value(r).map_err(|e| Failure::input(format!("{id}: {e}")));
    }
    let ids: Vec<String> = Rule::ALL
        .iter()
        .map(|r| r.id().to_string())
        .chain(lint_rules.iter().map(|r| r.id.clone()))
        .collect();
    let hint = closest(id, &ids)
        .map(|k| format!("; did you mean '{k}'?"))
        .unwrap_or_default();
    Err(Failure::input(format!(
        "unknown rule '{id}'{hint} (debrief explain lists them all)"
    )))
}

/// One playbook rule as `debrief explain RULE --json` writes it.
pub fn rule(r: Rule) -> Value {
    let info = r.info();
    let figures: Vec<_> = info
        .figures
        .iter()
        .filter_map(|n| figure(*n))
        .map(|f| json!({"number": f.number, "text": f.text, "owner": f.owner, "year": f.year}))
        .collect();
    json!({
        "rule": r.id(), "section": info.section, "asks": info.asks, "fires": info.fires,
        "seeds": info.seeds, "figures": figures,
    })
}

/// `debrief app list --json`.
pub fn app_list(ctx: &Ctx) -> Result<Value> {
    // The store's small table of summaries, not every application whole.
    let summaries = ctx.store.summaries()?;
    Ok(Value::Array(
        summaries
            .iter()
            .map(|a| json!({"id": a.id, "company": a.company, "role": a.role, "stage": a.stage}))
            .collect(),
    ))
}

/// `debrief app show ID --json`: the application and its open actions.
pub fn app_show(ctx: &Ctx, id: &str) -> Result<Value> {
    let app = ctx.application(id)?;
    let engine = Engine::new(&ctx.profile()?).map_err(Failure::input)?;
    let actions = engine.application_actions(&app, ctx.now()?);
    Ok(json!({"application": app, "actions": actions}))
}

/// `debrief draft --json`: a first draft for one person, with the linter's
/// findings on it (the user's rule pack laid over), as the web app's
/// composer gets it.
pub fn draft(ctx: &Ctx, app_id: &str, person: &str, kind: NoteKind) -> Result<Value> {
    let app = ctx.application(app_id)?;
    crate::ctx::person_ref(&app, person)?;
    let now = ctx.now()?;
    let profile = ctx.profile()?;
    let candidate = if profile.name.trim().is_empty() {
        "[your name]".to_string()
    } else {
        profile.name
    };
    let d = debrief_lint::draft(&app, person, kind, &candidate, now).map_err(Failure::input)?;
    let (pack, _) = crate::input::load_pack(None, Some(&ctx.db_path))?;
    let cx = debrief_lint::note_context(&app, Some(person), Some(kind), now, &pack);
    let diags = debrief_lint::lint(&d.body, &cx);
    Ok(json!({"subject": d.subject, "text": d.body, "diagnostics": diags}))
}

/// What `log_touch` answered: the `--json` shape, whether the guard refused
/// (then nothing was written), and the refusal a `force` overrode.
pub struct Touched {
    pub json: Value,
    pub refused: bool,
    pub forced: Option<String>,
    pub at: Moment,
    pub person_name: String,
}

/// What one touch says: who, how, when.
pub struct TouchInput<'a> {
    pub app: &'a str,
    pub person: &'a str,
    pub kind: TouchKind,
    pub channel: Channel,
    pub at: Option<&'a str>,
    pub force: bool,
    pub note: Option<String>,
}

/// `debrief touch --json`: logs a message or call through the follow-up
/// guard, writing the application in one transaction unless refused.
pub fn log_touch(ctx: &mut Ctx, t: TouchInput) -> Result<Touched> {
    let at = ctx.time_or_now(t.at, "--at")?;
    let touch = Touch {
        at,
        person: Some(t.person.into()),
        channel: t.channel,
        kind: t.kind,
        replied_at: None,
        forced: false,
        note: t.note,
        message_id: None,
    };
    let engine = Engine::new(&ctx.profile()?).map_err(Failure::input)?;
    let tz = ctx.tz()?;
    let now = ctx.now()?;
    // Read, guard and write in one transaction: a touch logged by another
    // command meanwhile is seen by the guard and kept.
    let touched = ctx.run(|store, origin| {
        debrief_app::touch::log_touch(store, origin, t.app, None, &engine, touch, t.force, now)
    })?;
    let (forced, person_name) = match touched {
        debrief_app::touch::Touched::Refused {
            allowed_from,
            why,
            person_name,
        } => {
            return Ok(Touched {
                json: json!({
                    "logged": false,
                    "rule": Rule::FollowUpGuard.id(),
                    "allowed_from": allowed_from.map(|t| Moment::in_zone(t, &tz).to_string()),
                    "why": why,
                }),
                refused: true,
                forced: None,
                at,
                person_name: person_name.unwrap_or_default(),
            });
        }
        debrief_app::touch::Touched::Logged {
            forced,
            person_name,
            ..
        } => (forced, person_name.unwrap_or_default()),
    };
    Ok(Touched {
        json: json!({
            "logged": true, "forced": forced.is_some(), "application": t.app,
            "person": t.person, "kind": t.kind, "channel": t.channel, "at": at.to_string(),
        }),
        refused: false,
        forced,
        at,
        person_name,
    })
}
