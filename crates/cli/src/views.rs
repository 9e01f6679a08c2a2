//! Read-only views: agenda, explain, stats, application list and timeline.

use std::collections::HashMap;

use debrief_core::engine::Engine;
use debrief_core::model::Dataset;
use debrief_core::rules::{Rule, figure};
use debrief_core::stats;
use debrief_core::text::when;
use debrief_store::StoreReader;
use serde_json::json;

use crate::args::{AgendaArgs, ExplainArgs};
use debrief_core::input::closest;

use crate::ctx::{Ctx, Failure, Result};
use crate::render::{self, BOLD, DIM, paint};

fn print_json(v: &impl serde::Serialize) -> Result<()> {
    render::json(v, None).map_err(|e| Failure::input(format!("cannot write JSON: {e}")))
}

pub fn agenda(ctx: &Ctx, a: &AgendaArgs) -> Result<()> {
    // Before a profile is saved, the system's zone, as everywhere else.
    let profile = ctx.profile()?;
    let now = ctx.now()?;
    // One application needs one read, not the whole store; the whole
    // agenda skips the applications that can no longer yield an action.
    let mut data = match &a.app {
        Some(id) => Dataset {
            applications: vec![ctx.application(id)?],
            ..Dataset::default()
        },
        None => ctx.store.load_active(now, &profile.timezone)?,
    };
    data.profile = profile;
    let engine = Engine::new(&data.profile).map_err(Failure::input)?;
    let agenda = engine.agenda(&data, now);
    if a.json {
        // Written on every core for a large agenda; the same bytes as serde's.
        let mut text = agenda.to_pretty_json();
        text.push(b'\n');
        render::bytes(&text).map_err(|e| Failure::input(format!("cannot write JSON: {e}")))?;
        std::mem::forget(text);
        // The process ends right after this; freeing a large store item by
        // item took as long as loading it (~50 ms at 10,000 applications).
        std::mem::forget(agenda);
        std::mem::forget(data);
        return Ok(());
    }
    let companies: HashMap<&str, &str> = data
        .applications
        .iter()
        .map(|x| (x.id.as_str(), x.company.as_str()))
        .collect();
    // Only an empty agenda needs to know whether there is anything at all.
    let has_applications = !agenda.actions.is_empty()
        || !data.applications.is_empty()
        || !ctx.store.application_ids()?.is_empty();
    let text = render::agenda(
        &agenda,
        &data.profile.name,
        engine.calendar().tz(),
        (!a.all).then_some(14),
        has_applications,
        |id| {
            companies
                .get(id)
                .map(|c| c.to_string())
                .unwrap_or_else(|| id.to_string())
        },
    );
    render::out(&text);
    Ok(())
}

/// `db`: the `--db` path, beside which the user's rule pack sits.
pub fn explain(a: &ExplainArgs, db: Option<&std::path::Path>) -> Result<()> {
    let Some(id) = &a.rule else {
        if a.json {
            let all: Vec<_> = Rule::ALL.iter().map(|r| rule_json(*r)).collect();
            print_json(&all)?;
            return Ok(());
        }
        let mut s = String::new();
        let mut section = "";
        for r in Rule::ALL {
            let info = r.info();
            if info.section != section {
                section = info.section;
                s.push_str(&format!("\n{}\n", paint(BOLD, section)));
            }
            s.push_str(&format!("  {:<26} {}\n", r.id(), first_sentence(info.asks)));
        }
        s.push_str(&paint(
            DIM,
            "\nMore on one rule: debrief explain RULE (also the linter's, e.g. lint/wrong-name; debrief lint --list-rules lists them)\n",
        ));
        render::out(&s);
        return Ok(());
    };
    // A linter rule (`lint/wrong-name`): the same facts `debrief lint
    // --list-rules` gives, with the user's rule pack laid over.
    let lint_rules = if Rule::from_id(id).is_none() {
        let (pack, _) = crate::notes::load_pack(None, db)?;
        debrief_lint::output::rules_of(&pack)
    } else {
        Vec::new()
    };
    if let Some(r) = lint_rules.iter().find(|r| r.id == *id) {
        return explain_lint_rule(r, a.json);
    }
    let rule = Rule::from_id(id).ok_or_else(|| {
        let ids: Vec<String> = Rule::ALL
            .iter()
            .map(|r| r.id().to_string())
            .chain(lint_rules.iter().map(|r| r.id.clone()))
            .collect();
        let hint = closest(id, &ids)
            .map(|k| format!("; did you mean '{k}'?"))
            .unwrap_or_default();
        Failure::input(format!(
            "unknown rule '{id}'{hint} (debrief explain lists them all)"
        ))
    })?;
    if a.json {
        print_json(&rule_json(rule))?;
        return Ok(());
    }
    let info = rule.info();
    let mut s = format!(
        "{}  {}\n\n",
        paint(BOLD, rule.id()),
        paint(DIM, info.section)
    );
    s.push_str(&paint(BOLD, "What it asks\n"));
    s.push_str(&render::wrap(info.asks, 84, "  "));
    s.push_str(&paint(BOLD, "\nWhen it fires\n"));
    s.push_str(&render::wrap(info.fires, 84, "  "));
    if rule == Rule::StatusCheck || rule == Rule::FollowUpGuard {
        s.push_str(&paint(BOLD, "\nWhere the sources disagree\n"));
        s.push_str(&render::wrap(
            "Seed 001 says wait ten business days after the thank-you, then one short email, never a phone call. Seed 004 says call after a few days unless the person said otherwise. Debrief follows your policy (conservative by default, proactive if you choose it, per application if you like), and a date or channel the person named themselves beats both. `debrief agenda` shows which applied and what the other would have said.",
            84,
            "  ",
        ));
    }
    s.push_str(&paint(BOLD, "\nSources\n"));
    s.push_str(&format!(
        "  seeds {} (see PLAYBOOK.md)\n",
        info.seeds.join(", ")
    ));
    if !info.figures.is_empty() {
        s.push_str(&paint(BOLD, "\nWhat surveys found\n"));
        for f in info.figures.iter().filter_map(|n| figure(*n)) {
            s.push_str(&render::wrap(
                &format!("• {} ({}, {})", f.text, f.owner, f.year),
                84,
                "  ",
            ));
        }
    }
    render::out(&s);
    Ok(())
}

/// `debrief explain lint/…`: id, severity, what it checks, its sources.
fn explain_lint_rule(r: &debrief_lint::output::RuleMeta, as_json: bool) -> Result<()> {
    if as_json {
        return print_json(r);
    }
    let severity = r.severity.map(|s| s.as_str()).unwrap_or("off");
    let mut s = format!(
        "{}  {}\n\n",
        paint(BOLD, &r.id),
        paint(DIM, &format!("linter rule, {severity}"))
    );
    s.push_str(&paint(BOLD, "What it checks\n"));
    s.push_str(&render::wrap(&r.description, 84, "  "));
    s.push_str(&paint(BOLD, "\nSeverity\n"));
    s.push_str(&render::wrap(
        match severity {
            "error" => "error: the note should not be sent like this (`debrief lint` exits 1, `debrief send` refuses without --force).",
            "warning" => "warning: worth a second look before sending.",
            "info" => "info: a suggestion.",
            _ => "off: your rule pack switches it off.",
        },
        84,
        "  ",
    ));
    s.push_str(&paint(BOLD, "\nSources\n"));
    s.push_str(&format!(
        "  {}; {} rule ({})\n",
        if r.source.is_empty() {
            "no seed".to_string()
        } else {
            format!("seeds {} (see PLAYBOOK.md)", r.source.join(", "))
        },
        r.origin,
        r.kind
    ));
    s.push_str(&paint(
        DIM,
        "\nEvery linter rule: debrief lint --list-rules. How to read findings and change rules: docs/lint.md\n",
    ));
    render::out(&s);
    Ok(())
}

fn first_sentence(s: &str) -> &str {
    s.find(". ").map(|i| &s[..=i]).unwrap_or(s)
}

fn rule_json(r: Rule) -> serde_json::Value {
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

pub fn stats(ctx: &Ctx, as_json: bool) -> Result<()> {
    let data = ctx.store.load()?;
    let st = stats::compute_at(&data, ctx.now()?);
    if as_json {
        print_json(&st)?;
        return Ok(());
    }
    let pct = |x: f64| format!("{:.0}%", x * 100.0);
    let mut s = format!("{}\n", paint(BOLD, "Funnel"));
    let top = st
        .funnel
        .iter()
        .map(|f| f.reached.max(f.count))
        .max()
        .unwrap_or(0)
        .max(1);
    for f in &st.funnel {
        let n = if f.reached > 0 { f.reached } else { f.count };
        let bar = "█".repeat((n * 30).div_ceil(top).min(30));
        let label = if f.reached > 0 {
            format!("{} reached, {} now", f.reached, f.count)
        } else {
            format!("{}", f.count)
        };
        s.push_str(&format!("  {:<13} {bar} {label}\n", f.stage.as_str()));
    }
    let t = &st.thank_yous;
    s.push_str(&format!(
        "\n{}\n  {} of {} interviewers thanked within 24 h ({}); {} thanked at all.\n",
        paint(BOLD, "Thank-you notes"),
        t.within_24h,
        t.owed,
        pct(t.share_within_24h),
        t.sent
    ));
    s.push_str(&format!("\n{}\n", paint(BOLD, "Replies by channel")));
    for r in &st.replies_by_channel {
        s.push_str(&format!(
            "  {:<10} {:>4} sent, {:>4} answered ({})\n",
            r.key,
            r.sent,
            r.replied,
            pct(r.rate)
        ));
    }
    s.push_str(&format!(
        "\n{}\n",
        paint(BOLD, "Replies by kind of message")
    ));
    for r in &st.replies_by_kind {
        s.push_str(&format!(
            "  {:<17} {:>4} sent, {:>4} answered ({})\n",
            r.key,
            r.sent,
            r.replied,
            pct(r.rate)
        ));
    }
    s.push_str(&format!(
        "\n{}\n",
        paint(BOLD, "Missed windows (lapsed with nothing done)")
    ));
    if st.missed.is_empty() {
        s.push_str("  None: every chore was done, dismissed, or is still open.\n");
    }
    for m in &st.missed {
        s.push_str(&format!(
            "  {}  {} thank-you note(s) never sent in time, {} reflection(s) skipped, {} in all\n",
            m.month, m.thank_yous, m.reflections, m.total
        ));
    }
    s.push_str(&format!("\n{}\n", paint(BOLD, "Mistakes that recur")));
    if st.recurring_mistakes.is_empty() {
        s.push_str(
            "  None named twice yet. `debrief reflect` after each interview builds this up.\n",
        );
    }
    for m in &st.recurring_mistakes {
        s.push_str(&format!(
            "  {}× {} ({})\n",
            m.times,
            m.mistake,
            m.applications.join(", ")
        ));
    }
    render::out(&s);
    Ok(())
}

pub fn app_list(ctx: &Ctx, as_json: bool) -> Result<()> {
    let data = ctx.store.load()?;
    if as_json {
        let list: Vec<_> = data
            .applications
            .iter()
            .map(|a| json!({"id": a.id, "company": a.company, "role": a.role, "stage": a.stage}))
            .collect();
        print_json(&list)?;
        return Ok(());
    }
    if data.applications.is_empty() {
        render::out(
            "No applications yet. Add one: debrief app add --company \"Acme\" --role \"Analyst\"\n",
        );
        return Ok(());
    }
    let mut s = String::new();
    for a in &data.applications {
        s.push_str(&format!(
            "{:<28} {:<13} {} — {}\n",
            a.id,
            a.stage.as_str(),
            a.company,
            a.role
        ));
    }
    render::out(&s);
    Ok(())
}

pub fn app_show(ctx: &Ctx, id: &str, as_json: bool) -> Result<()> {
    let app = ctx.application(id)?;
    let profile = ctx.profile()?;
    let engine = Engine::new(&profile).map_err(Failure::input)?;
    let now = ctx.now()?;
    let actions = engine.application_actions(&app, now);
    if as_json {
        print_json(&json!({"application": app, "actions": actions}))?;
        return Ok(());
    }
    let tz = engine.calendar().tz();
    let mut s = format!(
        "{} — {}  {}\n",
        paint(BOLD, &app.company),
        app.role,
        paint(DIM, &format!("[{}] {}", app.id, app.stage))
    );
    if !app.people.is_empty() {
        s.push_str(&format!("\n{}\n", paint(BOLD, "People")));
        for p in &app.people {
            let mut extra = vec![p.kind.as_str().to_string()];
            extra.extend(p.title.clone());
            extra.extend(p.email.clone());
            if let Some(pr) = &p.prefers {
                if let Some(c) = pr.channel {
                    extra.push(format!("prefers {c}"));
                }
                if let Some(d) = pr.after {
                    extra.push(format!("said to wait until {d}"));
                }
            }
            s.push_str(&format!(
                "  {:<10} {} ({})\n",
                p.id,
                p.name,
                extra.join(", ")
            ));
            for said in &p.said {
                s.push_str(&render::wrap(&format!("“{said}”"), 80, "             "));
            }
        }
    }
    // One timeline of everything dated.
    let mut events: Vec<(jiff::Timestamp, String)> = Vec::new();
    for iv in &app.interviews {
        let names: Vec<&str> = iv
            .interviewers
            .iter()
            .filter_map(|p| app.person(p))
            .map(|p| p.name.as_str())
            .collect();
        events.push((
            iv.start.ts,
            format!(
                "{} {} interview '{}' with {} ({})",
                iv.status,
                iv.format,
                iv.id,
                names.join(", "),
                iv.minutes
            ),
        ));
        for sl in &iv.slip_ups {
            events.push((
                iv.end(),
                format!(
                    "  slip-up: {} ({}{})",
                    sl.text,
                    if sl.noticed {
                        "noticed"
                    } else {
                        "maybe unnoticed"
                    },
                    if sl.apologized { ", apologized" } else { "" }
                ),
            ));
        }
    }
    for t in &app.touches {
        let who = t
            .person
            .as_deref()
            .and_then(|p| app.person(p))
            .map(|p| p.name.as_str())
            .unwrap_or("—");
        events.push((
            t.at.ts,
            format!(
                "{} to {who} by {}{}",
                t.kind,
                t.channel,
                if t.forced {
                    " (forced past the guard)"
                } else {
                    ""
                }
            ),
        ));
        if let Some(r) = t.replied_at {
            events.push((r.ts, format!("reply to your {}", t.kind)));
        }
    }
    let cal = engine.calendar();
    for n in &app.news {
        events.push((cal.at(n.on, 0, 0), format!("news: {}", n.text)));
    }
    if let Some(o) = &app.outcome {
        events.push((
            cal.at(o.on, 0, 0),
            format!(
                "outcome: {}{}",
                o.kind,
                if o.stay_in_touch {
                    " (staying in touch)"
                } else {
                    ""
                }
            ),
        ));
    }
    events.sort_by_key(|e| e.0);
    if !events.is_empty() {
        s.push_str(&format!("\n{}\n", paint(BOLD, "Timeline")));
        for (ts, what) in &events {
            s.push_str(&format!("  {}  {what}\n", paint(DIM, &when(*ts, tz))));
        }
    }
    s.push_str(&format!("\n{}\n", paint(BOLD, "Next actions")));
    if actions.is_empty() {
        s.push_str("  Nothing open.\n");
    }
    for a in &actions {
        s.push_str(&format!(
            "  {:<8} {}  {}\n",
            a.state.as_str(),
            a.title,
            paint(DIM, &format!("[{}] due {}", a.rule, when(a.due.ts, tz)))
        ));
    }
    render::out(&s);
    Ok(())
}
