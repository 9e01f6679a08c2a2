//! Day-to-day recording: applications, people, interviews, what was said,
//! slip-ups, touches (through the follow-up guard), replies, news, outcomes,
//! feedback, dismissals and reflections. Each command is one transaction.

use std::io::{BufRead, IsTerminal, Write};

use debrief_core::edit::{self, Logged, NewInterview, PersonFields};
use debrief_core::engine::Engine;
use debrief_core::input::parse_date;
use debrief_core::model::{
    Application, Feedback, Interview, InterviewStatus, LearningPlan, Moment, News, Person, Policy,
    Reflection, ResearchFact, SlipUp, Touch,
};
use debrief_core::rules::Rule;
use debrief_core::text::when;
use debrief_store::{Change, StoreReader, StoreWriter};
use serde_json::json;

use crate::args::*;
use crate::ctx::{Ctx, Failure, Result};
use crate::render;

fn person_ref<'a>(app: &'a Application, id: &str) -> Result<&'a Person> {
    Ok(edit::person(app, id, "--person")?)
}

fn interview_mut<'a>(app: &'a mut Application, id: &str) -> Result<&'a mut Interview> {
    Ok(edit::interview_mut(app, id, "--interview")?)
}

fn nonempty(text: &str, what: &str) -> Result<String> {
    Ok(edit::nonempty(text, what, what)?)
}

pub fn app(ctx: &mut Ctx, c: AppCommand) -> Result<()> {
    match c {
        AppCommand::Add(a) => {
            let company = nonempty(&a.company, "--company")?;
            let known = ctx.store.application_ids()?;
            let id = edit::application_id(a.id.as_deref(), &company, &a.role, &known)?;
            let mut app = Application::new(&id, company, a.role.trim());
            app.stage = a.stage;
            app.recruiter = a.recruiter;
            app.urgent = a.urgent;
            app.policy = a.policy;
            debrief_core::exchange::validate_application(&app, "application")?;
            ctx.store.apply(&[Change::PutApplication(app)])?;
            render::out(&format!("Added application '{id}'.\n"));
            Ok(())
        }
        AppCommand::List(f) => crate::views::app_list(ctx, f.json),
        AppCommand::Show { id, json } => crate::views::app_show(ctx, &id, json),
        AppCommand::Set(a) => {
            ctx.update_app(&a.id, |app| {
                if let Some(c) = &a.company {
                    app.company = nonempty(c, "--company")?;
                }
                if let Some(r) = &a.role {
                    app.role = r.trim().to_string();
                }
                if let Some(s) = a.stage {
                    app.stage = s;
                }
                if let Some(r) = a.recruiter {
                    app.recruiter = r;
                }
                if let Some(u) = a.urgent {
                    app.urgent = u;
                }
                if let Some(p) = &a.policy {
                    app.policy =
                        match p.as_str() {
                            "profile" => None,
                            other => Some(other.parse::<Policy>().map_err(|e| {
                                Failure::input(format!("--policy: {e}, or profile"))
                            })?),
                        };
                }
                Ok(())
            })?;
            render::out(&format!("Updated application '{}'.\n", a.id));
            Ok(())
        }
        AppCommand::Remove { id } => {
            ctx.application(&id)?;
            ctx.store.apply(&[Change::DeleteApplication(id.clone())])?;
            render::out(&format!("Removed application '{id}'.\n"));
            Ok(())
        }
    }
}

pub fn person(ctx: &mut Ctx, c: PersonCommand) -> Result<()> {
    let (adding, a) = match c {
        PersonCommand::Add(a) => (true, a),
        PersonCommand::Set(a) => (false, a),
    };
    let after = a
        .after
        .as_deref()
        .map(parse_date)
        .transpose()
        .map_err(|e| Failure::input(format!("--after: {e}")))?;
    let fields = PersonFields {
        name: a.name.clone(),
        kind: a.kind,
        title: a.title.clone(),
        email: a.email.clone(),
        phone: a.phone.clone(),
        address: a.address.clone(),
        prefers: a.prefers,
        after,
    };
    let id = ctx.update_app(&a.app, |app| {
        if adding {
            return Ok(edit::add_person(app, a.person.as_deref(), &fields)?);
        }
        let id = a
            .person
            .clone()
            .ok_or_else(|| Failure::input("person set needs --person ID"))?;
        edit::update_person(app, &id, &fields)?;
        Ok(id)
    })?;
    render::out(&format!(
        "{} person '{id}' in '{}'.\n",
        if adding { "Added" } else { "Updated" },
        a.app
    ));
    Ok(())
}

pub fn interview(ctx: &mut Ctx, c: InterviewCommand) -> Result<()> {
    match c {
        InterviewCommand::Add(a) => {
            let start = ctx.time_or_now(Some(&a.at), "--at")?;
            let scheduled = ctx.now_moment()?;
            let new = NewInterview {
                id: a.interview.clone(),
                start,
                minutes: a.minutes,
                format: a.format,
                with: a.with.clone(),
                also_met: a.also_met.clone(),
            };
            let id = ctx.update_app(&a.app, |app| {
                Ok(edit::schedule_interview(app, new, scheduled)?)
            })?;
            render::out(&format!(
                "Scheduled interview '{id}' for {}.\n",
                when(start.ts, &ctx.tz()?)
            ));
            Ok(())
        }
        InterviewCommand::Done(a) => {
            ctx.update_app(&a.target.app, |app| {
                for p in &a.also_met {
                    person_ref(app, p)?;
                }
                let iv = interview_mut(app, &a.target.interview)?;
                iv.status = InterviewStatus::Done;
                if a.asked_questions.is_some() {
                    iv.asked_questions = a.asked_questions;
                }
                iv.disrupted |= a.disrupted;
                for p in &a.also_met {
                    if !iv.also_met.contains(p) {
                        iv.also_met.push(p.clone());
                    }
                }
                Ok(())
            })?;
            render::out(&format!(
                "Marked '{}' done. Next: record what each person said (debrief said), then thank each of them.\n",
                a.target.interview
            ));
            Ok(())
        }
        InterviewCommand::Missed(r) => set_status(
            ctx,
            &r,
            InterviewStatus::Missed,
            "missed; contact the scheduler now (see debrief agenda)",
        ),
        InterviewCommand::Cancel(r) => set_status(ctx, &r, InterviewStatus::Cancelled, "cancelled"),
        InterviewCommand::Prepared(a) => {
            ctx.update_app(&a.target.app, |app| {
                let iv = interview_mut(app, &a.target.interview)?;
                if let Some(r) = a.research {
                    iv.prepared.research = r;
                }
                if let Some(q) = a.questions {
                    iv.prepared.questions = q;
                }
                Ok(())
            })?;
            render::out(&format!(
                "Updated preparation for '{}'.\n",
                a.target.interview
            ));
            Ok(())
        }
    }
}

fn set_status(ctx: &mut Ctx, r: &InterviewRef, status: InterviewStatus, said: &str) -> Result<()> {
    ctx.update_app(&r.app, |app| {
        interview_mut(app, &r.interview)?.status = status;
        Ok(())
    })?;
    render::out(&format!("Marked '{}' {said}.\n", r.interview));
    Ok(())
}

pub fn said(ctx: &mut Ctx, a: &SaidArgs) -> Result<()> {
    let text = nonempty(&a.text, "what they said")?;
    ctx.update_app(&a.app, |app| {
        person_ref(app, &a.person)?;
        if let Some(p) = app.people.iter_mut().find(|p| p.id == a.person) {
            p.said.push(text);
        }
        Ok(())
    })?;
    render::out(&format!("Noted what '{}' said.\n", a.person));
    Ok(())
}

pub fn slip(ctx: &mut Ctx, a: &SlipArgs) -> Result<()> {
    let msg = ctx.update_app(&a.app, |app| {
        let iv = interview_mut(app, &a.interview)?;
        if let Some(n) = a.mark_apologized {
            let count = iv.slip_ups.len();
            let slip = n
                .checked_sub(1)
                .and_then(|i| iv.slip_ups.get_mut(i))
                .ok_or_else(|| {
                    Failure::input(format!(
                        "--mark-apologized {n}: interview '{}' has {count} slip-up(s)",
                        a.interview
                    ))
                })?;
            slip.apologized = true;
            return Ok(format!("Marked slip-up {n} apologized for."));
        }
        let text = nonempty(a.text.as_deref().unwrap_or(""), "the slip-up")?;
        iv.slip_ups.push(SlipUp {
            text,
            noticed: a.noticed,
            apologized: a.apologized,
        });
        Ok(if a.noticed && !a.apologized {
            "Recorded. They noticed it: a short, specific apology belongs in the thank-you note."
                .to_string()
        } else if !a.noticed {
            "Recorded. They may not have noticed: don't bring it up.".to_string()
        } else {
            "Recorded.".to_string()
        })
    })?;
    render::out(&format!("{msg}\n"));
    Ok(())
}

pub fn touch(ctx: &mut Ctx, a: &TouchArgs) -> Result<()> {
    let at = ctx.time_or_now(a.at.as_deref(), "--at")?;
    let note = match &a.note {
        Some(p) if p.as_os_str() == "-" => {
            let mut s = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)?;
            Some(s)
        }
        Some(p) => Some(
            std::fs::read_to_string(p)
                .map_err(|e| Failure::input(format!("--note {}: {e}", p.display())))?,
        ),
        None => None,
    };
    let mut app = ctx.application(&a.app)?;
    let person = person_ref(&app, &a.person)?.name.clone();
    let touch = Touch {
        at,
        person: Some(a.person.clone()),
        channel: a.channel,
        kind: a.kind,
        replied_at: None,
        forced: false,
        note,
    };
    let engine = Engine::new(&ctx.profile()?).map_err(Failure::input)?;
    let tz = ctx.tz()?;
    let forced = match edit::log_touch(&engine, &mut app, touch, a.force)? {
        Logged::Refused { allowed_from, why } => {
            if a.json {
                render::out(&format!(
                    "{}\n",
                    json!({
                        "logged": false,
                        "rule": Rule::FollowUpGuard.id(),
                        "allowed_from": allowed_from.map(|t| Moment::in_zone(t, &tz).to_string()),
                        "why": why,
                    })
                ));
            } else {
                render::err(&format!(
                    "{} {why}\n",
                    render::paint(render::YELLOW, "refused [follow-up-guard]:")
                ));
                render::err("Nothing was logged. Use --force to log it anyway.\n");
            }
            return Err(Failure::Problem);
        }
        Logged::Forced { why } => {
            render::err(&format!(
                "{} {why}\n",
                render::paint(render::YELLOW, "forced past the follow-up guard:")
            ));
            true
        }
        Logged::Yes => false,
    };
    debrief_core::exchange::validate_application(&app, &format!("application '{}'", a.app))?;
    ctx.store.apply(&[Change::PutApplication(app)])?;
    if a.json {
        render::out(&format!(
            "{}\n",
            json!({
                "logged": true, "forced": forced, "application": a.app, "person": a.person,
                "kind": a.kind, "channel": a.channel, "at": at.to_string(),
            })
        ));
    } else {
        render::out(&format!(
            "Logged {} to {person} by {} at {}.\n",
            a.kind,
            a.channel,
            when(at.ts, &tz)
        ));
    }
    Ok(())
}

pub fn reply(ctx: &mut Ctx, a: &ReplyArgs) -> Result<()> {
    let at = ctx.time_or_now(a.at.as_deref(), "--at")?;
    let msg = ctx.update_app(&a.app, |app| {
        let t = edit::record_reply(app, a.person.as_deref(), at)?;
        Ok(format!(
            "Recorded the reply to your {} of {}.",
            t.kind, t.at
        ))
    })?;
    render::out(&format!("{msg}\n"));
    Ok(())
}

pub fn news(ctx: &mut Ctx, a: &NewsArgs) -> Result<()> {
    let on = ctx.date_or_today(a.on.as_deref(), "--on")?;
    let text = nonempty(&a.text, "the news")?;
    ctx.update_app(&a.app, |app| {
        app.news.push(News { on, text });
        Ok(())
    })?;
    render::out("Recorded the news. A congratulation adds value and does not count as a chase.\n");
    Ok(())
}

pub fn research(ctx: &mut Ctx, a: &ResearchArgs) -> Result<()> {
    let fact = nonempty(&a.fact, "the fact")?;
    ctx.update_app(&a.app, |app| {
        let contribution = a
            .contribution
            .as_ref()
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty());
        match app.research.iter_mut().find(|r| r.fact == fact) {
            Some(r) => r.contribution = contribution.or(r.contribution.take()),
            None => app.research.push(ResearchFact { fact, contribution }),
        }
        Ok(())
    })?;
    render::out("Recorded the research.\n");
    Ok(())
}

pub fn outcome(ctx: &mut Ctx, a: &OutcomeArgs) -> Result<()> {
    let on = ctx.date_or_today(a.on.as_deref(), "--on")?;
    ctx.update_app(&a.app, |app| {
        edit::record_outcome(app, a.kind, on, a.stay_in_touch);
        Ok(())
    })?;
    render::out(&format!("Recorded the outcome: {}.\n", a.kind));
    Ok(())
}

pub fn feedback(ctx: &mut Ctx, a: &FeedbackArgs) -> Result<()> {
    let by =
        a.by.as_deref()
            .map(parse_date)
            .transpose()
            .map_err(|e| Failure::input(format!("--by: {e}")))?;
    let msg = ctx.update_app(&a.app, |app| {
        let outcome = app.outcome.as_mut().ok_or_else(|| {
            Failure::input(format!(
                "'{}' has no outcome yet; record it first (debrief outcome)",
                a.app
            ))
        })?;
        let plan = match (&a.plan, by) {
            (Some(step), Some(by)) => Some(LearningPlan {
                step: nonempty(step, "--plan")?,
                by,
            }),
            (Some(_), None) => return Err(Failure::input("--plan needs --by DATE")),
            _ => None,
        };
        if let Some(n) = a.point {
            let count = outcome.feedback.len();
            let f = n
                .checked_sub(1)
                .and_then(|i| outcome.feedback.get_mut(i))
                .ok_or_else(|| {
                    Failure::input(format!("--point {n}: there are {count} feedback point(s)"))
                })?;
            if a.kind.is_some() {
                f.kind = a.kind;
            }
            f.positive |= a.positive;
            if plan.is_some() {
                f.plan = plan;
            }
            return Ok(format!("Updated feedback point {n}."));
        }
        let text = nonempty(a.text.as_deref().unwrap_or(""), "the feedback")?;
        outcome.feedback.push(Feedback {
            text,
            kind: a.kind,
            positive: a.positive,
            plan,
        });
        Ok(format!(
            "Recorded feedback point {}.",
            outcome.feedback.len()
        ))
    })?;
    render::out(&format!("{msg}\n"));
    Ok(())
}

pub fn done(ctx: &mut Ctx, a: &DoneArgs) -> Result<()> {
    let at = ctx.now_moment()?;
    let rule = ctx.update_app(&a.app, |app| {
        Ok(edit::dismiss(
            app,
            &a.rule,
            a.interview.as_deref(),
            a.person.as_deref(),
            at,
            &a.reason,
        )?)
    })?;
    render::out(&format!("Marked {rule} done for '{}'.\n", a.app));
    Ok(())
}

/// Asks one question at the terminal; an empty answer means "skip".
fn ask(
    prompt: &str,
    lines: &mut impl Iterator<Item = std::io::Result<String>>,
) -> Result<Option<String>> {
    let mut e = std::io::stderr();
    let _ = write!(e, "{prompt}\n> ");
    let _ = e.flush();
    match lines.next() {
        Some(line) => {
            let l = line?;
            Ok((!l.trim().is_empty()).then(|| l.trim().to_string()))
        }
        None => Ok(None),
    }
}

pub fn reflect(ctx: &mut Ctx, a: &ReflectArgs) -> Result<()> {
    let flags_given = a.went_well.is_some()
        || a.change.is_some()
        || !a.mistakes.is_empty()
        || !a.missing.is_empty()
        || a.hardest.is_some();
    let mut r = Reflection {
        went_well: a.went_well.clone().unwrap_or_default(),
        change: a.change.clone().unwrap_or_default(),
        mistakes: a.mistakes.clone(),
        missing_info: a.missing.clone(),
        hardest_question: a.hardest.clone(),
    };
    // Check the ids before asking anything.
    {
        let mut app = ctx.application(&a.app)?;
        interview_mut(&mut app, &a.interview)?;
    }
    if !flags_given {
        if !std::io::stdin().is_terminal() {
            return Err(Failure::input(
                "reflect needs answers: run it at a terminal, or pass --went-well, --change, --mistake, --missing, --hardest",
            ));
        }
        let stdin = std::io::stdin();
        let mut lines = stdin.lock().lines();
        render::err(
            "Reflection, in the order that helps: the good first, then one change. Empty answer to skip.\n\n",
        );
        r.went_well = ask("1. What went well?", &mut lines)?.unwrap_or_default();
        r.change = ask(
            "2. If you could change one thing, what would it be?",
            &mut lines,
        )?
        .unwrap_or_default();
        render::err("3. Mistakes, one per line; empty line to finish.\n");
        while let Some(m) = ask("   mistake:", &mut lines)? {
            r.mistakes.push(m);
        }
        render::err("4. Information you lacked, one per line; empty line to finish.\n");
        while let Some(m) = ask("   missing:", &mut lines)? {
            r.missing_info.push(m);
        }
        r.hardest_question = ask(
            "5. The hardest question, and how you'd answer it next time?",
            &mut lines,
        )?;
    }
    if r.went_well.is_empty()
        && r.change.is_empty()
        && r.mistakes.is_empty()
        && r.missing_info.is_empty()
        && r.hardest_question.is_none()
    {
        return Err(Failure::input("the reflection is empty; nothing recorded"));
    }
    ctx.update_app(&a.app, |app| {
        interview_mut(app, &a.interview)?.reflection = Some(r);
        Ok(())
    })?;
    render::out(&format!(
        "Saved the reflection for '{}'. `debrief stats` shows mistakes that recur.\n",
        a.interview
    ));
    Ok(())
}
