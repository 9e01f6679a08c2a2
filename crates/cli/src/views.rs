//! Read-only views: agenda, explain, stats, application list and timeline.

use std::io::Write;

use debrief_core::engine::{Action, Agenda, Engine, Merged};
use debrief_core::rules::{Rule, figure};
use debrief_core::stats;
use debrief_core::text::when;

use crate::args::{AgendaArgs, ExplainArgs};

use crate::ctx::{Ctx, Failure, Result};
use crate::render::{self, BOLD, DIM, paint};

fn print_json(v: &impl serde::Serialize) -> Result<()> {
    render::json(v, None).map_err(|e| Failure::input(format!("cannot write JSON: {e}")))
}

pub fn agenda(ctx: &Ctx, a: &AgendaArgs) -> Result<()> {
    if a.json {
        // The whole store's actions are merged as they are written, never
        // joined into one list first; one application's are one list.
        let (header, parts) = match &a.app {
            None => crate::answers::agenda_parts(ctx, &|_, actions| Rendered::of(actions))?,
            Some(id) => {
                let mut answer = crate::answers::agenda(ctx, Some(id), false)?;
                let actions = std::mem::take(&mut answer.agenda.actions);
                (answer.agenda, vec![Rendered::of(actions)])
            }
        };
        let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
        let written = write_agenda_json(&header, &parts, &mut out);
        match written.and_then(|()| out.flush()) {
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                return Err(Failure::input(format!("cannot write JSON: {e}")));
            }
            _ => {}
        }
        // The process ends right after this; freeing 100,000 actions one
        // by one costs what writing them did.
        std::mem::forget(parts);
        return Ok(());
    }
    let answer = crate::answers::agenda(ctx, a.app.as_deref(), true)?;
    let agenda = &answer.agenda;
    // Only an empty agenda needs to know whether there is anything at all.
    let has_applications = !agenda.actions.is_empty()
        || !answer.companies.is_empty()
        || !ctx.store.application_ids()?.is_empty();
    let text = render::agenda(
        agenda,
        &answer.profile.name,
        answer.engine.calendar().tz(),
        (!a.all).then_some(14),
        (!a.all).then_some(render::SCREENFUL),
        has_applications,
        |id| answer.company(id),
    );
    render::out(&text);
    Ok(())
}

/// A sorted list of the agenda's actions and their JSON, each action
/// written (`,\n    ` and the action pretty-printed at the depth of the
/// `actions` array's elements) on the thread that computed the list,
/// while its text is fresh in that core's cache.
#[derive(Clone)]
struct Rendered {
    actions: Vec<Action>,
    text: Vec<u8>,
    /// Where each action's text ends in `text`.
    ends: Vec<usize>,
}

impl Rendered {
    fn of(actions: Vec<Action>) -> Rendered {
        // About 550 bytes an action.
        let mut text = Vec::with_capacity(actions.len() * 600);
        let mut ends = Vec::with_capacity(actions.len());
        for a in &actions {
            text.extend_from_slice(b",\n    ");
            write_action(a, &mut text);
            ends.push(text.len());
        }
        Rendered {
            actions,
            text,
            ends,
        }
    }
}

/// `agenda --json`: the bytes of [`Agenda::to_pretty_json`] (`header`'s
/// moment and zone, then the actions of `parts` merged in the agenda's
/// order) and a newline, streamed to `out` as the parts are merged, each
/// action's text copied from its part.
///
/// [`Agenda::to_pretty_json`]: debrief_core::engine::Agenda::to_pretty_json
fn write_agenda_json(
    header: &Agenda,
    parts: &[Rendered],
    out: &mut impl Write,
) -> std::io::Result<()> {
    out.write_all(b"{\n  \"now\": ")?;
    serde_json::to_writer(&mut *out, &header.now)?;
    out.write_all(b",\n  \"timezone\": ")?;
    serde_json::to_writer(&mut *out, &header.timezone)?;
    out.write_all(b",\n  \"actions\": ")?;
    if parts.iter().all(|p| p.actions.is_empty()) {
        return out.write_all(b"[]\n}\n");
    }
    out.write_all(b"[")?;
    let mut merged = Merged::of(parts.iter().map(|p| p.actions.as_slice()));
    // Each list's actions come out in its order: the next one's place.
    let mut next: Vec<usize> = vec![0; parts.len()];
    let mut first = true;
    while let Some((list, _)) = merged.pop() {
        let part = &parts[list];
        let at = next[list];
        next[list] += 1;
        let start = at.checked_sub(1).map_or(0, |before| part.ends[before]);
        let text = &part.text[start..part.ends[at]];
        // Every action starts with ",\n    "; the first needs no comma.
        out.write_all(if first { &text[1..] } else { text })?;
        first = false;
    }
    out.write_all(b"\n  ]\n}\n")
}

/// One action as serde_json pretty-prints it two levels deep, written
/// field by field: a hundred thousand actions through serde's machinery
/// cost twice the instructions. The unit tests hold it to serde's bytes
/// (a field added to `Action` fails them until it is written here).
fn write_action(a: &Action, out: &mut Vec<u8>) {
    fn text(out: &mut Vec<u8>, key: &str, value: &str) {
        out.extend_from_slice(b"\n      \"");
        out.extend_from_slice(key.as_bytes());
        out.extend_from_slice(b"\": ");
        json_string(out, value);
        out.push(b',');
    }
    fn maybe(out: &mut Vec<u8>, key: &str, value: Option<&str>) {
        match value {
            Some(v) => text(out, key, v),
            None => {
                out.extend_from_slice(b"\n      \"");
                out.extend_from_slice(key.as_bytes());
                out.extend_from_slice(b"\": null,");
            }
        }
    }
    out.push(b'{');
    text(out, "rule", a.rule.id());
    text(out, "state", a.state.as_str());
    text(out, "application", &a.application);
    maybe(out, "interview", a.interview.as_deref());
    maybe(out, "person", a.person.as_deref());
    a.opens.with_text(|t| text(out, "opens", t));
    a.due.with_text(|t| text(out, "due", t));
    maybe(out, "channel", a.channel.map(|c| c.as_str()));
    text(out, "why", &a.why);
    out.extend_from_slice(b"\n      \"seeds\": [");
    for (i, seed) in a.seeds.iter().enumerate() {
        out.extend_from_slice(if i == 0 {
            b"\n        "
        } else {
            b",\n        "
        });
        json_string(out, seed);
    }
    out.extend_from_slice(if a.seeds.is_empty() {
        b"],"
    } else {
        b"\n      ],"
    });
    text(out, "title", &a.title);
    match &a.policy {
        None => {
            out.pop();
        }
        Some(policy) => {
            out.extend_from_slice(b"\n      \"policy\": ");
            pretty_at(policy, 3, out);
        }
    }
    out.extend_from_slice(b"\n    }");
}

/// `s` as a JSON string, escaped as serde_json escapes it: `"`, `\\` and
/// the control characters (`\n`, `\t`… by name, the rest `\u00XX`).
fn json_string(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut start = 0;
    while let Some(at) = next_to_escape(bytes, start) {
        out.extend_from_slice(&bytes[start..at]);
        match bytes[at] {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0c => out.extend_from_slice(b"\\f"),
            b => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(b"\\u00");
                out.push(HEX[usize::from(b >> 4)]);
                out.push(HEX[usize::from(b & 0xf)]);
            }
        }
        start = at + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// Where the first byte JSON escapes is in `bytes`, from `from` on:
/// eight bytes at a time while none is (a control character, `"` or
/// `\\`: tested on the whole word at once), then byte by byte.
fn next_to_escape(bytes: &[u8], from: usize) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // Some byte of `x` is zero: exact as a yes or no.
    let has_zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGH != 0;
    let rest = bytes.get(from..)?;
    let mut words = rest.chunks_exact(8);
    let mut skipped = 0;
    for word in words.by_ref() {
        let mut w = [0; 8];
        w.copy_from_slice(word);
        let w = u64::from_le_bytes(w);
        // A byte below 0x20 (`hasless`), or equal to `"` or `\\`.
        if w.wrapping_sub(ONES * 0x20) & !w & HIGH != 0
            || has_zero(w ^ (ONES * u64::from(b'"')))
            || has_zero(w ^ (ONES * u64::from(b'\\')))
        {
            break;
        }
        skipped += 8;
    }
    rest[skipped..]
        .iter()
        .position(|&b| b < 0x20 || b == b'"' || b == b'\\')
        .map(|i| from + skipped + i)
}

/// `value` pretty-printed by serde_json (two spaces a level) as it sits
/// `depth` levels deep: every line after the first indented by `depth`
/// levels (a JSON string holds no raw line break, so every one is
/// layout). Only a status check's policy note takes this path.
fn pretty_at(value: &impl serde::Serialize, depth: usize, out: &mut Vec<u8>) {
    // Writing into memory fails only for a value JSON cannot hold, which
    // nothing of an agenda is.
    let Ok(alone) = serde_json::to_vec_pretty(value) else {
        return;
    };
    for b in alone {
        out.push(b);
        if b == b'\n' {
            out.extend(std::iter::repeat_n(b' ', 2 * depth));
        }
    }
}

/// `db`: the `--db` path, beside which the user's rule pack sits.
pub fn explain(a: &ExplainArgs, db: Option<&std::path::Path>) -> Result<()> {
    let Some(id) = &a.rule else {
        if a.json {
            let all: Vec<_> = Rule::ALL.iter().map(|r| crate::answers::rule(*r)).collect();
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
    if a.json {
        return print_json(&crate::answers::explain(id, db)?);
    }
    // A linter rule (`lint/wrong-name`): the same facts `debrief lint
    // --list-rules` gives, with the user's rule pack laid over.
    let Some(rule) = Rule::from_id(id) else {
        let (pack, _) = crate::input::load_pack(None, db)?;
        let lint_rules = debrief_lint::output::rules_of(&pack);
        return match lint_rules.iter().find(|r| r.id == *id) {
            Some(r) => explain_lint_rule(r, false),
            // The unknown rule's message, with its "did you mean".
            None => crate::answers::explain(id, db).map(|_| ()),
        };
    };
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

pub fn stats(ctx: &Ctx, as_json: bool) -> Result<()> {
    // One application at a time: memory holds the tally, not the store.
    let mut tally = stats::Tally::at(&ctx.store.profile()?, ctx.now()?);
    ctx.store.each_application(&mut |a| {
        tally.add(&a);
        Ok(())
    })?;
    let st = tally.finish();
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
    if as_json {
        return print_json(&crate::answers::app_list(ctx)?);
    }
    let summaries = ctx.store.summaries()?;
    if summaries.is_empty() {
        render::out(
            "No applications yet. Add one: debrief app add --company \"Acme\" --role \"Analyst\"\n",
        );
        return Ok(());
    }
    let mut s = String::new();
    for a in &summaries {
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
    if as_json {
        return print_json(&crate::answers::app_show(ctx, id)?);
    }
    let app = ctx.application(id)?;
    let profile = ctx.profile()?;
    let engine = Engine::new(&profile).map_err(Failure::input)?;
    let now = ctx.now()?;
    let actions = engine.application_actions(&app, now);
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
            for (n, said) in (1..).zip(&p.said) {
                s.push_str(&render::wrap(
                    &format!("“{said}” {}", paint(DIM, &format!("[said {n}]"))),
                    80,
                    "             ",
                ));
            }
        }
    }
    // One timeline of everything dated, in the application layer's order.
    use debrief_app::timeline::Item;
    let mut events: Vec<(jiff::Timestamp, String)> = Vec::new();
    for entry in debrief_app::timeline::timeline(&app, &engine) {
        let what = match entry.item {
            Item::Interview(i) => {
                let iv = &app.interviews[i];
                let names: Vec<&str> = iv
                    .interviewers
                    .iter()
                    .filter_map(|p| app.person(p))
                    .map(|p| p.name.as_str())
                    .collect();
                format!(
                    "{} {} interview '{}' with {} ({})",
                    iv.status,
                    iv.format,
                    iv.id,
                    names.join(", "),
                    iv.minutes
                )
            }
            Item::SlipUp { interview, slip } => {
                let sl = &app.interviews[interview].slip_ups[slip];
                format!(
                    "  slip-up {}: {} ({}{})",
                    slip + 1,
                    sl.text,
                    if sl.noticed {
                        "noticed"
                    } else {
                        "maybe unnoticed"
                    },
                    if sl.apologized { ", apologized" } else { "" }
                )
            }
            Item::Touch(n) => {
                let t = &app.touches[n];
                let who = t
                    .person
                    .as_deref()
                    .and_then(|p| app.person(p))
                    .map(|p| p.name.as_str())
                    .unwrap_or("—");
                format!(
                    "{} to {who} by {}{} {}",
                    t.kind,
                    t.channel,
                    if t.forced {
                        " (forced past the guard)"
                    } else {
                        ""
                    },
                    paint(DIM, &format!("[touch {}]", n + 1))
                )
            }
            Item::Reply(n) => format!("reply to your {}", app.touches[n].kind),
            Item::News(k) => format!(
                "news: {} {}",
                app.news[k].text,
                paint(DIM, &format!("[news {}]", k + 1))
            ),
            Item::Outcome => match &app.outcome {
                Some(o) => format!(
                    "outcome: {}{}",
                    o.kind,
                    if o.stay_in_touch {
                        " (staying in touch)"
                    } else {
                        ""
                    }
                ),
                None => continue,
            },
            // The human view does not list set-aside actions.
            Item::Dismissal(_) => continue,
        };
        events.push((entry.at, what));
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// An action written field by field is serde's pretty JSON of it, for
    /// every demo action and for the odd ones: every control character,
    /// quotes and backslashes, text beyond ASCII, no interview, person or
    /// channel, moments jiff writes itself (a fraction of a second, an
    /// offset with seconds, a year before 0000), no seeds, a policy note.
    #[test]
    fn an_action_is_written_as_serde_writes_it() {
        let now: jiff::Timestamp = "2026-11-22T15:00:00Z".parse().expect("now");
        let data = debrief_core::demo::dataset(now, "America/Chicago").expect("demo");
        let engine = Engine::new(&data.profile).expect("engine");
        let mut actions = engine.agenda(&data, now).actions;
        assert!(actions.iter().any(|a| a.channel.is_some()));
        let base = actions[0].clone();
        let all_bytes: String = (0u8..0x80).map(char::from).collect();
        let odd_moments = [
            "2026-11-22T15:00:00.25-06:00",
            "2026-11-22T15:00:00+05:30:15",
            "-000001-06-01T00:00:00Z",
            "-000044-03-15T12:00:00+01:00",
            "0000-01-01T00:00:00Z",
            "9999-12-30T12:00:00+01:00",
        ];
        for (i, text) in [all_bytes.as_str(), "\"\\\"", "café ✓ 東京 \u{2028}", ""]
            .into_iter()
            .enumerate()
        {
            let mut a = base.clone();
            a.why = text.into();
            a.title = text.chars().rev().collect();
            a.application = text.into();
            a.interview = (i % 2 == 0).then(|| text.into());
            a.person = (i % 2 == 1).then(|| text.into());
            a.channel = None;
            a.seeds = if i == 3 { &[] } else { &["001", "0\"2"] };
            a.opens = odd_moments[i].parse().expect("a moment");
            a.due = odd_moments[i + 2].parse().expect("a moment");
            if i == 1 {
                a.policy = Some(debrief_core::engine::PolicyNote {
                    applied: "stated".into(),
                    reason: text.into(),
                    alternatives: vec![],
                });
            }
            actions.push(a);
        }
        for a in &actions {
            let mut ours = Vec::new();
            write_action(a, &mut ours);
            let mut serde = Vec::new();
            pretty_at(a, 2, &mut serde);
            assert_eq!(
                String::from_utf8_lossy(&ours),
                String::from_utf8_lossy(&serde)
            );
        }
    }

    /// The word-at-a-time scan finds what a byte-by-byte one finds: one
    /// byte to escape (or none) at every place of strings of every length
    /// up to 40, among ASCII and bytes of multi-byte characters.
    #[test]
    fn the_scan_finds_the_first_byte_to_escape() {
        let fillers: [&[u8]; 3] = [b"a", "é".as_bytes(), "✓".as_bytes()];
        let special = [0x00, 0x01, 0x1f, b'"', b'\\', b'\n'];
        let harmless = [0x20, 0x21, 0x7f, b'[', b']', 0x5b, 0x5d, 0x23];
        for filler in fillers {
            for len in 0..40 {
                let base: Vec<u8> = filler.iter().copied().cycle().take(len).collect();
                for at in 0..=len {
                    for &b in special.iter().chain(&harmless) {
                        let mut bytes = base.clone();
                        if at < len {
                            bytes[at] = b;
                        }
                        for from in [0, at / 2, at] {
                            let naive = bytes
                                .iter()
                                .enumerate()
                                .skip(from)
                                .find(|&(_, &c)| c < 0x20 || c == b'"' || c == b'\\')
                                .map(|(i, _)| i);
                            assert_eq!(
                                next_to_escape(&bytes, from),
                                naive,
                                "{bytes:?} from {from}"
                            );
                        }
                    }
                }
            }
        }
    }

    /// The streamed JSON is the engine's, byte for byte, from one list or
    /// merged from many.
    #[test]
    fn the_agenda_json_streams_the_same_bytes() {
        let now: jiff::Timestamp = "2026-11-22T15:00:00Z".parse().expect("now");
        let data = debrief_core::demo::dataset(now, "America/Chicago").expect("demo");
        let engine = Engine::new(&data.profile).expect("engine");
        let mut agenda = engine.agenda(&data, now);
        assert!(!agenda.actions.is_empty());
        // Nested arrays of objects, an empty array, and text to escape.
        let mut odd = agenda.actions[0].clone();
        odd.why = "Said \"soon\",\n\tthen \\ nothing \u{1}; café ✓".into();
        odd.seeds = &[];
        odd.policy = Some(debrief_core::engine::PolicyNote {
            applied: "stated".into(),
            reason: "they named a date".into(),
            alternatives: vec![
                debrief_core::engine::PolicyAlternative {
                    policy: debrief_core::model::Policy::Conservative,
                    opens: odd.opens,
                    channel: debrief_core::model::Channel::Email,
                };
                2
            ],
        });
        agenda.actions.push(odd);
        // Sorted again (a part of one action each, merged): the merge
        // below needs sorted lists.
        agenda.actions = debrief_core::engine::merge_actions(
            agenda.actions.drain(..).map(|a| vec![a]).collect(),
        );
        let one = agenda.actions.clone();
        assert!(one.len() > 1);
        while agenda.actions.len() < 20_000 {
            agenda.actions.extend(one.iter().cloned());
        }
        for actions in [vec![], one.clone(), agenda.actions.clone()] {
            let a = debrief_core::engine::Agenda {
                actions,
                ..agenda.clone()
            };
            let mut whole = a.to_pretty_json();
            whole.push(b'\n');
            let mut streamed = Vec::new();
            let parts = [Rendered::of(a.actions.clone())];
            write_agenda_json(&a, &parts, &mut streamed).expect("write");
            assert!(streamed == whole, "{} actions differ", a.actions.len());
        }
        // Merged from sorted lists as it is written: k copies of a sorted
        // list merge into each action k times in a row.
        let k = 20_000 / one.len() + 2;
        let expected = debrief_core::engine::Agenda {
            actions: one
                .iter()
                .flat_map(|a| std::iter::repeat_n(a.clone(), k))
                .collect(),
            ..agenda.clone()
        };
        let mut whole = expected.to_pretty_json();
        whole.push(b'\n');
        let mut merged = Vec::new();
        let parts = vec![Rendered::of(one.clone()); k];
        write_agenda_json(&expected, &parts, &mut merged).expect("write");
        assert!(
            merged == whole,
            "{} merged actions differ",
            expected.actions.len()
        );
    }
}
