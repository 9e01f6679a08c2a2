//! Day-to-day recording: applications, people, interviews, what was said,
//! slip-ups, touches (through the follow-up guard), replies, news, outcomes,
//! feedback, dismissals and reflections. Each command is one transaction.

use std::io::{BufRead, IsTerminal, Write};

use debrief_core::edit::{
    self, ApplicationFields, InterviewDone, NewFeedback, NewInterview, NewReflection, NewResearch,
    PersonFields, Preparation, Said,
};
use debrief_core::input::{parse_date, slug};
use debrief_core::model::{Application, InterviewStatus, PersonId, Policy, SlipUp};
use debrief_core::text::when;
use debrief_store::Change;

use crate::args::*;
use crate::ctx::{Ctx, Failure, Result, refused};
use crate::render;

/// "Acme Corp — Data Analyst", or the company alone.
fn app_label(app: &Application) -> String {
    if app.role.trim().is_empty() {
        app.company.clone()
    } else {
        format!("{} — {}", app.company, app.role)
    }
}

pub fn app(ctx: &mut Ctx, c: AppCommand) -> Result<()> {
    match c {
        AppCommand::Add(a) => {
            let (fields_company, fields_role) = (a.company.clone(), a.role.clone());
            let fields = ApplicationFields {
                company: Some(a.company),
                role: Some(a.role),
                stage: Some(a.stage),
                urgent: Some(a.urgent),
                recruiter: Some(a.recruiter),
                policy: Some(a.policy),
            };
            // The id is chosen inside the write transaction, so two
            // commands adding at once cannot both take the same one.
            let id = ctx.update(|u| {
                let known = u.application_ids()?;
                let app =
                    edit::new_application(a.id.as_deref(), &fields, &known).map_err(refused)?;
                debrief_core::exchange::validate_application(&app, "application")?;
                let id = app.id.clone();
                u.apply(&[Change::PutApplication(app)])?;
                Ok(id)
            })?;
            render::out(&format!("Added application '{id}'.\n"));
            // An id made with a suffix: another application holds the
            // plain one, likely the same company and role.
            let base = slug(&format!("{} {}", fields_company, fields_role));
            if a.id.is_none()
                && id != base
                && let Some(existing) = ctx.store.application(&base)?
            {
                render::err(&format!(
                    "note: there is already {} ({base}); added {id} — use `debrief app set {base}` to change the existing one, or `debrief app remove {id}` to undo\n",
                    app_label(&existing)
                ));
            }
            Ok(())
        }
        AppCommand::List(f) => crate::views::app_list(ctx, f.json),
        AppCommand::Show { id, json } => crate::views::app_show(ctx, &id, json),
        AppCommand::Set(a) => {
            let policy = match a.policy.as_deref() {
                None => None,
                Some("profile") => Some(None),
                Some(other) => {
                    Some(Some(other.parse::<Policy>().map_err(|e| {
                        Failure::input(format!("--policy: {e}, or profile"))
                    })?))
                }
            };
            let fields = ApplicationFields {
                company: a.company,
                role: a.role,
                stage: a.stage,
                urgent: a.urgent,
                recruiter: a.recruiter,
                policy,
            };
            ctx.update_app(&a.id, |app| {
                edit::update_application(app, &fields).map_err(refused)
            })?;
            render::out(&format!("Updated application '{}'.\n", a.id));
            Ok(())
        }
        AppCommand::Remove { id, yes } => {
            ctx.application(&id)?;
            crate::ctx::confirm(
                yes,
                &format!("Remove application '{id}' and everything recorded for it?"),
            )?;
            ctx.run(|store, origin| debrief_app::remove_app(store, origin, &id, None))?;
            render::out(&format!(
                "Removed application '{id}'. Changed your mind? `debrief undo` brings it back.\n"
            ));
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
    // The person holding the plain id when a new one gets a suffix.
    let mut namesake: Option<(PersonId, String)> = None;
    let id = ctx.update_app(&a.app, |app| {
        if adding {
            let base = slug(
                a.name
                    .as_deref()
                    .and_then(|n| n.split_whitespace().next())
                    .unwrap_or(""),
            );
            namesake = app
                .person(&base)
                .map(|p| (p.id.clone(), p.name.clone()))
                .filter(|_| a.person.is_none());
            return edit::add_person(app, a.person.as_deref(), &fields).map_err(refused);
        }
        let id = a
            .person
            .clone()
            .ok_or_else(|| Failure::input("person set needs --person ID"))?;
        edit::update_person(app, &id, &fields).map_err(refused)?;
        Ok(id)
    })?;
    render::out(&format!(
        "{} person '{id}' in '{}'.\n",
        if adding { "Added" } else { "Updated" },
        a.app
    ));
    if let Some((base, name)) = namesake.filter(|(base, _)| *base != id) {
        render::err(&format!(
            "note: there is already {name} ({base}); added {id} — use `debrief person set --app {} --person {base}` to change the existing one\n",
            a.app
        ));
    }
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
                edit::schedule_interview(app, new, scheduled).map_err(refused)
            })?;
            render::out(&format!(
                "Scheduled interview '{id}' for {}.\n",
                when(start.ts, &ctx.tz()?)
            ));
            Ok(())
        }
        InterviewCommand::Done(a) => {
            let done = InterviewDone {
                asked_questions: a.asked_questions,
                disrupted: a.disrupted,
                interviewers: vec![],
                also_met: a.also_met,
            };
            let now = ctx.now()?;
            ctx.update_app(&a.target.app, |app| {
                edit::mark_done(app, &a.target.interview, &done, now).map_err(refused)
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
        InterviewCommand::Reschedule(a) => {
            let start = match &a.at {
                Some(at) => Some(ctx.time_or_now(Some(at), "--at")?),
                None => None,
            };
            let moved = edit::Reschedule {
                start,
                minutes: a.minutes,
            };
            ctx.update_app(&a.target.app, |app| {
                edit::reschedule_interview(app, &a.target.interview, &moved).map_err(refused)
            })?;
            render::out(&format!(
                "Rescheduled '{}'. Its preparation and reminders follow the new time (debrief agenda).\n",
                a.target.interview
            ));
            Ok(())
        }
        InterviewCommand::Prepared(a) => {
            let prep = Preparation {
                research: a.research,
                questions: a.questions,
            };
            ctx.update_app(&a.target.app, |app| {
                edit::record_preparation(app, &a.target.interview, &prep).map_err(refused)
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
        edit::set_interview_status(app, &r.interview, status).map_err(refused)
    })?;
    render::out(&format!("Marked '{}' {said}.\n", r.interview));
    Ok(())
}

pub fn said(ctx: &mut Ctx, a: &SaidArgs) -> Result<()> {
    let said = Said {
        person: a.person.clone(),
        said: vec![a.text.clone()],
        ..Said::default()
    };
    let new = ctx.update_app(&a.app, |app| edit::record_said(app, &said).map_err(refused))?;
    render::out(&if new == 0 {
        format!("Already noted: '{}' said that.\n", a.person)
    } else {
        format!("Noted what '{}' said.\n", a.person)
    });
    Ok(())
}

pub fn slip(ctx: &mut Ctx, a: &SlipArgs) -> Result<()> {
    let msg = ctx.update_app(&a.app, |app| {
        if let Some(n) = a.mark_apologized {
            edit::mark_apologized(app, &a.interview, n).map_err(refused)?;
            return Ok(format!("Marked slip-up {n} apologized for."));
        }
        let slip = SlipUp {
            text: a.text.clone().unwrap_or_default(),
            noticed: a.noticed,
            apologized: a.apologized,
        };
        edit::add_slip_up(app, &a.interview, &slip).map_err(refused)?;
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
    let note = match &a.note {
        Some(p) => Some(
            crate::input::read_text(p, u64::MAX, "", false)
                .map_err(|e| match e {
                    Failure::Input(m) => Failure::Input(format!("--note {m}")),
                    other => other,
                })?
                .0,
        ),
        None => None,
    };
    let t = crate::answers::log_touch(
        ctx,
        crate::answers::TouchInput {
            app: &a.app,
            person: &a.person,
            kind: a.kind,
            channel: a.channel,
            at: a.at.as_deref(),
            force: a.force,
            note,
        },
    )?;
    if t.refused {
        if a.json {
            render::out(&format!("{}\n", t.json));
        } else {
            let why = t.json["why"].as_str().unwrap_or_default();
            render::err(&format!(
                "{} {why}\n",
                render::paint(render::YELLOW, "refused [follow-up-guard]:")
            ));
            render::err("Nothing was logged. Use --force to log it anyway.\n");
        }
        return Err(Failure::Problem);
    }
    if let Some(why) = &t.forced {
        render::err(&format!(
            "{} {why}\n",
            render::paint(render::YELLOW, "forced past the follow-up guard:")
        ));
    }
    if a.json {
        render::out(&format!("{}\n", t.json));
    } else {
        render::out(&format!(
            "Logged {} to {} by {} at {}.\n",
            a.kind,
            t.person_name,
            a.channel,
            when(t.at.ts, &ctx.tz()?)
        ));
    }
    Ok(())
}

pub fn reply(ctx: &mut Ctx, a: &ReplyArgs) -> Result<()> {
    let at = ctx.time_or_now(a.at.as_deref(), "--at")?;
    let tz = ctx.tz()?;
    let msg = ctx.update_app(&a.app, |app| {
        let t = edit::record_reply(app, a.person.as_ref(), at).map_err(refused)?;
        Ok(format!(
            "Recorded the reply to your {} of {}.",
            t.kind,
            when(t.at.ts, &tz)
        ))
    })?;
    render::out(&format!("{msg}\n"));
    Ok(())
}

pub fn news(ctx: &mut Ctx, a: &NewsArgs) -> Result<()> {
    let on = ctx.date_or_today(a.on.as_deref(), "--on")?;
    ctx.update_app(&a.app, |app| {
        edit::add_news(app, on, &a.text).map_err(refused)
    })?;
    render::out("Recorded the news. A congratulation adds value and does not count as a chase.\n");
    Ok(())
}

pub fn research(ctx: &mut Ctx, a: &ResearchArgs) -> Result<()> {
    let research = NewResearch {
        fact: a.fact.clone(),
        contribution: a.contribution.clone(),
    };
    ctx.update_app(&a.app, |app| {
        edit::add_research(app, &research).map_err(refused)
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
    let feedback = NewFeedback {
        text: a.text.clone(),
        point: a.point,
        kind: a.kind,
        positive: a.positive,
        plan: a.plan.clone(),
        by,
    };
    let n = ctx.update_app(&a.app, |app| {
        edit::record_feedback(app, &feedback).map_err(refused)
    })?;
    render::out(&if a.point.is_some() {
        format!("Updated feedback point {n}.\n")
    } else {
        format!("Recorded feedback point {n}.\n")
    });
    Ok(())
}

pub fn done(ctx: &mut Ctx, a: &DoneArgs) -> Result<()> {
    let at = ctx.now_moment()?;
    let rule = ctx.update_app(&a.app, |app| {
        Ok(edit::dismiss(
            app,
            edit::rule(&a.rule)?,
            a.interview.as_ref(),
            a.person.as_ref(),
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
    let mut r = NewReflection {
        went_well: a.went_well.clone().unwrap_or_default(),
        change: a.change.clone().unwrap_or_default(),
        mistakes: a.mistakes.clone(),
        missing: a.missing.clone(),
        hardest: a.hardest.clone().unwrap_or_default(),
    };
    // Check the ids before asking anything.
    edit::interview_mut(&mut ctx.application(&a.app)?, &a.interview, "interview")
        .map_err(refused)?;
    if !flags_given {
        if !std::io::stdin().is_terminal() {
            return Err(Failure::input(
                "reflect needs answers: run it at a terminal, or pass --went-well, --change, --mistake, --missing, --hardest",
            ));
        }
        let stdin = std::io::stdin();
        let mut lines = stdin.lock().lines();
        render::err(
            "Reflection, in the order that helps: the good first, then one change. Empty answer to skip (an earlier answer stays).\n\n",
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
            r.missing.push(m);
        }
        r.hardest = ask(
            "5. The hardest question, and how you'd answer it next time?",
            &mut lines,
        )?
        .unwrap_or_default();
    }
    ctx.update_app(&a.app, |app| {
        edit::reflect(app, &a.interview, &r).map_err(refused)
    })?;
    render::out(&format!(
        "Saved the reflection for '{}'. `debrief stats` shows mistakes that recur.\n",
        a.interview
    ));
    Ok(())
}
