//! Human output. Colour goes through `anstream`, which strips it when the
//! output is not a terminal or `NO_COLOR` is set.

use std::io::Write;

use anstyle::{AnsiColor, Style};
use debrief_core::engine::{Action, Agenda, State};
use debrief_core::text::{ago, when};
use jiff::Timestamp;
use jiff::tz::TimeZone;

pub const BOLD: Style = Style::new().bold();
pub const DIM: Style = Style::new().dimmed();
pub const RED: Style = AnsiColor::Red.on_default().bold();
pub const YELLOW: Style = AnsiColor::Yellow.on_default().bold();
pub const CYAN: Style = AnsiColor::Cyan.on_default();

pub fn paint(style: Style, text: &str) -> String {
    format!("{style}{text}{style:#}")
}

/// Prints to standard output, colour stripped where it does not belong.
pub fn out(text: &str) {
    // The colour filter writes each piece between escapes on its own, and
    // standard output flushes at every line: a buffer under the filter
    // makes a 20,000-event report a few writes instead of 64,000.
    let stdout = std::io::stdout();
    let choice = anstream::AutoStream::choice(&stdout);
    let raw: Box<dyn Write> = Box::new(std::io::BufWriter::with_capacity(1 << 16, stdout.lock()));
    let mut o = anstream::AutoStream::new(raw, choice);
    // A closed pipe (`debrief agenda | head`) is not an error worth a panic.
    let _ = o.write_all(text.as_bytes());
    let _ = o.flush();
}

/// Prints to standard error, colour stripped where it does not belong.
pub fn err(text: &str) {
    let mut e = anstream::stderr();
    let _ = e.write_all(text.as_bytes());
    let _ = e.flush();
}

/// Writes `v` as pretty JSON to `path`, or to standard output. Streamed —
/// an export runs to tens of megabytes — and not through the colour filter,
/// which has nothing to strip from JSON. A closed pipe is not an error.
pub fn json(v: &impl serde::Serialize, path: Option<&std::path::Path>) -> std::io::Result<()> {
    let sink: Box<dyn Write> = match path {
        Some(p) => Box::new(std::fs::File::create(p)?),
        None => Box::new(std::io::stdout().lock()),
    };
    let mut w = std::io::BufWriter::with_capacity(1 << 16, sink);
    let written = serde_json::to_writer_pretty(&mut w, v)
        .map_err(std::io::Error::from)
        .and_then(|()| w.write_all(b"\n"))
        .and_then(|()| w.flush());
    match written {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// Wraps `text` to `width` columns, each line prefixed with `indent`.
pub fn wrap(text: &str, width: usize, indent: &str) -> String {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines.iter().map(|l| format!("{indent}{l}\n")).collect()
}

fn terminal_width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(88)
        .clamp(40, 120)
}

/// How many actions (or applications) a section of the human agenda shows
/// unless `--all` asks for everything: about a screen.
pub const SCREENFUL: usize = 20;

/// The agenda as a person reads it: grouped, most pressing first, each
/// action with its why. `has_applications`: the store holds any (only
/// read when the agenda is empty, to say what to do next). `screenful`:
/// a section with more actions than that shows one block per application
/// (its most pressing action, and how many more it has), for that many
/// applications, and says how many more there are; `None` shows them all.
pub fn agenda(
    agenda: &Agenda,
    profile_name: &str,
    tz: &TimeZone,
    horizon_days: Option<i64>,
    screenful: Option<usize>,
    has_applications: bool,
    company: impl Fn(&str) -> String,
) -> String {
    let now = agenda.now.ts;
    let mut s = String::new();
    let who = if profile_name.is_empty() {
        String::new()
    } else {
        format!(" for {profile_name}")
    };
    s.push_str(&paint(BOLD, &format!("Agenda{who}")));
    s.push_str(&paint(
        DIM,
        &format!(" — {} ({})\n", when(now, tz), agenda.timezone),
    ));
    if agenda.actions.is_empty() {
        s.push_str(if has_applications {
            "\nNothing to do right now: no follow-up is open or coming.\nThe next one appears when something happens: an interview (`debrief interview add`), a reply, an outcome.\n"
        } else {
            "\nNothing to do. Add an application with `debrief app add`, or try `debrief demo`.\n"
        });
        return s;
    }
    let horizon = horizon_days.map(|d| now + jiff::SignedDuration::from_hours(24 * d));
    let width = terminal_width().saturating_sub(4);
    for (state, heading, style) in [
        (State::Overdue, "OVERDUE", RED),
        (State::Due, "DUE NOW", YELLOW),
        (State::Upcoming, "UPCOMING", CYAN),
    ] {
        let mut group: Vec<&Action> = agenda.actions.iter().filter(|a| a.state == state).collect();
        if state == State::Overdue {
            // Most urgent first: what fell due most recently can still be
            // saved; a chore a year late matters less than yesterday's
            // thank-you. (Due and upcoming: the soonest first, as sorted.)
            group.sort_by_key(|a| std::cmp::Reverse(a.due));
        }
        let (shown, later): (Vec<&Action>, Vec<&Action>) =
            group.iter().partition(|a| match (state, horizon) {
                (State::Upcoming, Some(h)) => a.opens.ts <= h,
                _ => true,
            });
        if shown.is_empty() && later.is_empty() {
            continue;
        }
        if shown.is_empty() {
            let n = later.len();
            s.push_str(&paint(
                DIM,
                &format!(
                    "\n{n} upcoming action{} opens later than that (debrief agenda --all)\n",
                    if n == 1 { "" } else { "s" }
                ),
            ));
            continue;
        }
        let label = match (state, horizon_days) {
            (State::Upcoming, Some(d)) => format!("{heading} (next {d} days)"),
            _ => heading.to_string(),
        };
        s.push_str(&format!(
            "\n{} {}\n",
            paint(style, &label),
            paint(DIM, &format!("({})", group.len()))
        ));
        match screenful {
            Some(n) if shown.len() > n => {
                // Many: one block per application, in the order of each
                // one's most pressing action.
                let mut apps: Vec<(&str, Vec<&Action>)> = Vec::new();
                let mut at: std::collections::HashMap<&str, usize> =
                    std::collections::HashMap::new();
                for a in &shown {
                    let i = *at.entry(a.application.as_str()).or_insert_with(|| {
                        apps.push((a.application.as_str(), Vec::new()));
                        apps.len() - 1
                    });
                    apps[i].1.push(a);
                }
                for (app, actions) in apps.iter().take(n) {
                    s.push_str(&action_block(actions[0], now, tz, width, &company(app)));
                    if actions.len() > 1 {
                        s.push_str(&paint(
                            DIM,
                            &format!(
                                "    + {} more for this application (debrief agenda --app {app})\n",
                                actions.len() - 1
                            ),
                        ));
                    }
                }
                let rest: usize = apps.iter().skip(n).map(|(_, a)| a.len()).sum();
                if rest > 0 {
                    let others = apps.len().saturating_sub(n);
                    s.push_str(&paint(
                        DIM,
                        &format!(
                            "  … and {rest} more in {others} other application{} — `debrief agenda --all`\n",
                            if others == 1 { "" } else { "s" }
                        ),
                    ));
                }
            }
            _ => {
                for a in shown {
                    s.push_str(&action_block(a, now, tz, width, &company(&a.application)));
                }
            }
        }
        if !later.is_empty() {
            s.push_str(&paint(
                DIM,
                &format!(
                    "  … and {} more later (debrief agenda --all)\n",
                    later.len()
                ),
            ));
        }
    }
    s
}

fn action_block(a: &Action, now: Timestamp, tz: &TimeZone, width: usize, company: &str) -> String {
    let timing = match a.state {
        State::Upcoming => format!("opens {} ({})", when(a.opens.ts, tz), ago(now, a.opens.ts)),
        State::Due => format!("due {} ({})", when(a.due.ts, tz), ago(now, a.due.ts)),
        State::Overdue => format!("was due {} ({})", when(a.due.ts, tz), ago(now, a.due.ts)),
    };
    let mut meta = vec![company.to_string()];
    if let Some(c) = a.channel {
        meta.push(format!("by {c}"));
    }
    meta.push(timing);
    let mut s = format!(
        "  {}  {}\n",
        paint(BOLD, &a.title),
        paint(DIM, &format!("[{}]", a.rule))
    );
    s.push_str(&paint(DIM, &format!("    {}\n", meta.join(" · "))));
    s.push_str(&wrap(&a.why, width, "    "));
    if let Some(p) = &a.policy {
        let alts: Vec<String> = p
            .alternatives
            .iter()
            .map(|alt| {
                format!(
                    "{} would open {} by {}",
                    alt.policy,
                    when(alt.opens.ts, tz),
                    alt.channel
                )
            })
            .collect();
        s.push_str(&paint(
            DIM,
            &wrap(
                &format!(
                    "Why this date: {}. For comparison: {}.",
                    p.reason,
                    alts.join("; ")
                ),
                width,
                "    ",
            ),
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_keeps_words_whole() {
        assert_eq!(
            wrap("one two three four", 9, "> "),
            "> one two\n> three\n> four\n"
        );
        assert_eq!(wrap("", 9, "> "), "");
    }
}
