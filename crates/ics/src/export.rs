//! Calendar out: interviews and open actions as an RFC 5545 VCALENDAR that
//! any calendar app can subscribe to or import, with reminders.
//!
//! Output is deterministic (the stamp is a parameter, UIDs derive from ids)
//! so a re-export updates events in the user's calendar instead of
//! duplicating them, and snapshot tests stay stable.

use debrief_core::engine::Action;
use debrief_core::model::{
    AppId, Application, Dataset, Interview, InterviewFormat, InterviewId, InterviewStatus, PersonId,
};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

/// Calendar-level settings.
#[derive(Debug, Clone)]
pub struct ExportOptions {
    /// `PRODID`, e.g. `-//Debrief//Debrief 0.1//EN`.
    pub prodid: String,
    /// `DTSTAMP` of every event: when the export was made (`--now`).
    pub stamp: Timestamp,
    /// `X-WR-CALNAME`, the name calendar apps show for a subscription.
    pub calendar_name: Option<String>,
    /// For a subscribed feed: how often calendar apps should fetch it again
    /// (RFC 7986 `REFRESH-INTERVAL`, and Outlook's `X-PUBLISHED-TTL`).
    pub refresh_minutes: Option<u32>,
}

impl ExportOptions {
    pub fn new(stamp: Timestamp) -> Self {
        ExportOptions {
            // No version in it: a release must not change every event's text.
            prodid: "-//Debrief//Debrief//EN".to_string(),
            stamp,
            calendar_name: Some("Debrief".to_string()),
            refresh_minutes: None,
        }
    }
}

/// One interview to show in the calendar.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportInterview {
    pub application: AppId,
    pub company: String,
    pub role: String,
    pub id: InterviewId,
    pub start: Timestamp,
    pub minutes: u32,
    pub format: InterviewFormat,
    pub status: InterviewStatus,
    pub location: Option<String>,
    pub link: Option<String>,
    /// Names of the people met.
    pub people: Vec<String>,
}

impl ExportInterview {
    /// From the model.
    pub fn new(app: &Application, iv: &Interview) -> Self {
        ExportInterview {
            application: app.id.clone(),
            company: app.company.clone(),
            role: app.role.clone(),
            id: iv.id.clone(),
            start: iv.start.ts,
            minutes: iv.minutes,
            format: iv.format,
            status: iv.status,
            location: iv.location.clone(),
            link: iv.link.clone(),
            people: iv
                .interviewers
                .iter()
                .map(|p| {
                    app.person(p)
                        .map_or_else(|| p.to_string(), |p| p.name.clone())
                })
                .collect(),
        }
    }
}

/// One open action of the playbook (as in `debrief agenda --json`).
#[derive(Debug, Clone, PartialEq)]
pub struct ExportAction {
    /// Rule id, e.g. `thank-you-note`.
    pub rule: String,
    /// What to do, e.g. "Send a thank-you note to Marie Dubois".
    pub title: String,
    pub why: String,
    pub opens: Timestamp,
    pub due: Timestamp,
    pub application: AppId,
    pub interview: Option<InterviewId>,
    pub person: Option<PersonId>,
}

impl ExportAction {
    /// From an agenda action (`Engine::agenda`).
    pub fn new(a: &Action) -> Self {
        ExportAction {
            rule: a.rule.id().to_string(),
            title: a.title.clone(),
            why: a.why.clone(),
            opens: a.opens.ts,
            due: a.due.ts,
            application: a.application.clone(),
            interview: a.interview.clone(),
            person: a.person.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExportItem {
    Interview(ExportInterview),
    Action(ExportAction),
}

/// What a store's calendar shows: every interview (cancelled ones marked
/// cancelled, so a subscribed calendar removes them; past ones without
/// reminders) and every open action of `actions`, in that order. With
/// `only`, one application's.
pub fn store_items(data: &Dataset, actions: &[Action], only: Option<&str>) -> Vec<ExportItem> {
    let wanted = |id: &str| only.is_none_or(|o| o == id);
    let interviews = data
        .applications
        .iter()
        .filter(|a| wanted(&a.id))
        .flat_map(|a| {
            a.interviews
                .iter()
                .map(move |iv| ExportItem::Interview(ExportInterview::new(a, iv)))
        });
    let actions = actions
        .iter()
        .filter(|a| wanted(&a.application))
        .map(|a| ExportItem::Action(ExportAction::new(a)));
    interviews.chain(actions).collect()
}

/// Writes a VCALENDAR (CRLF line ends, lines folded at 75 octets) with one
/// VEVENT per item. Interviews remind 24 h and 2 h ahead; actions when due
/// and a day before.
pub fn export_calendar(items: &[ExportItem], options: &ExportOptions) -> String {
    let mut w = Writer::default();
    w.raw("BEGIN:VCALENDAR");
    w.raw("VERSION:2.0");
    w.text("PRODID", &options.prodid);
    w.raw("CALSCALE:GREGORIAN");
    w.raw("METHOD:PUBLISH");
    if let Some(name) = &options.calendar_name {
        w.text("X-WR-CALNAME", name);
    }
    if let Some(m) = options.refresh_minutes.filter(|m| *m > 0) {
        w.raw(&format!("REFRESH-INTERVAL;VALUE=DURATION:PT{m}M"));
        w.raw(&format!("X-PUBLISHED-TTL:PT{m}M"));
    }
    for item in items {
        match item {
            ExportItem::Interview(iv) => interview(&mut w, iv, options.stamp),
            ExportItem::Action(a) => action(&mut w, a, options.stamp),
        }
    }
    w.raw("END:VCALENDAR");
    w.out
}

fn interview(w: &mut Writer, iv: &ExportInterview, stamp: Timestamp) {
    let end = iv
        .start
        .checked_add(SignedDuration::from_mins(i64::from(iv.minutes)))
        .unwrap_or(iv.start);
    let title = if iv.role.trim().is_empty() {
        format!("Interview: {}", iv.company)
    } else {
        format!("Interview: {} — {}", iv.company, iv.role)
    };
    let kind = match iv.format {
        InterviewFormat::Video => "Video",
        InterviewFormat::Phone => "Phone",
        InterviewFormat::InPerson => "In-person",
    };
    let mut description = vec![format!("{kind} interview ({} min).", iv.minutes)];
    if !iv.people.is_empty() {
        description.push(format!("With: {}.", iv.people.join(", ")));
    }
    if let Some(link) = &iv.link {
        description.push(format!("Join: {link}"));
    }
    description.push(format!(
        "Debrief: application {}, interview {}.",
        iv.application, iv.id
    ));

    w.raw("BEGIN:VEVENT");
    w.text(
        "UID",
        &format!("interview/{}/{}@debrief", iv.application, iv.id),
    );
    w.time("DTSTAMP", stamp);
    w.time("DTSTART", iv.start);
    w.time("DTEND", end);
    w.text("SUMMARY", &title);
    if let Some(place) = iv.location.as_ref().or(iv.link.as_ref()) {
        w.text("LOCATION", place);
    }
    if let Some(link) = &iv.link {
        // URL is a URI value: no TEXT escaping, only line breaks removed.
        w.raw(&format!("URL:{}", link.replace(['\r', '\n'], "")));
    }
    w.text("DESCRIPTION", &description.join("\n"));
    let cancelled = iv.status == InterviewStatus::Cancelled;
    w.raw(if cancelled {
        "STATUS:CANCELLED"
    } else {
        "STATUS:CONFIRMED"
    });
    w.raw("CATEGORIES:Debrief,interview");
    if iv.status == InterviewStatus::Scheduled {
        alarm(w, "-PT24H", &format!("Tomorrow: {title}"));
        alarm(w, "-PT2H", &format!("In 2 hours: {title}"));
    }
    w.raw("END:VEVENT");
}

fn action(w: &mut Writer, a: &ExportAction, stamp: Timestamp) {
    let uid = format!(
        "action/{}/{}/{}/{}@debrief",
        a.rule,
        a.application,
        a.interview.as_deref().unwrap_or("-"),
        a.person.as_deref().unwrap_or("-")
    );
    let end = a
        .due
        .checked_add(SignedDuration::from_mins(15))
        .unwrap_or(a.due);
    let description = format!(
        "{}\n\nOpens {} · due {}.\nRule: {} (application {}).",
        a.why,
        rfc3339(a.opens),
        rfc3339(a.due),
        a.rule,
        a.application
    );
    w.raw("BEGIN:VEVENT");
    w.text("UID", &uid);
    w.time("DTSTAMP", stamp);
    w.time("DTSTART", a.due);
    w.time("DTEND", end);
    w.text("SUMMARY", &a.title);
    w.text("DESCRIPTION", &description);
    w.raw("STATUS:CONFIRMED");
    w.raw("TRANSP:TRANSPARENT");
    w.text("CATEGORIES", "Debrief");
    w.text("X-DEBRIEF-RULE", &a.rule);
    alarm(w, "-P1D", &format!("Due tomorrow: {}", a.title));
    alarm(w, "PT0S", &format!("Due now: {}", a.title));
    w.raw("END:VEVENT");
}

fn alarm(w: &mut Writer, trigger: &str, text: &str) {
    w.raw("BEGIN:VALARM");
    w.raw("ACTION:DISPLAY");
    w.raw(&format!("TRIGGER:{trigger}"));
    w.text("DESCRIPTION", text);
    w.raw("END:VALARM");
}

fn rfc3339(ts: Timestamp) -> String {
    let dt = TimeZone::UTC.to_datetime(ts);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        dt.year(),
        dt.month(),
        dt.day(),
        dt.hour(),
        dt.minute(),
        dt.second()
    )
}

/// `YYYYMMDDTHHMMSSZ` (built by hand: a `Display` error cannot happen).
fn ics_utc(ts: Timestamp) -> String {
    let dt = TimeZone::UTC.to_datetime(ts);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        dt.year(),
        dt.month(),
        dt.day(),
        dt.hour(),
        dt.minute(),
        dt.second()
    )
}

/// TEXT escaping (RFC 5545 §3.3.11); CR is dropped, LF becomes `\n`, and
/// every other control character but tab, which TEXT may not hold, is
/// dropped (stored data refuses them; this is the last line of defence).
fn escape_text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push('\t'),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

#[derive(Default)]
struct Writer {
    out: String,
}

impl Writer {
    /// Appends one content line, folded so no physical line exceeds 75
    /// octets, never splitting a UTF-8 sequence.
    fn raw(&mut self, line: &str) {
        // A content line holds no control character but tab (§3.1), even
        // from a value that is not TEXT (a UID, a link).
        let clean: String;
        let line = if line.chars().any(|c| c.is_control() && c != '\t') {
            clean = line
                .chars()
                .filter(|&c| !c.is_control() || c == '\t')
                .collect();
            clean.as_str()
        } else {
            line
        };
        let mut limit = 75;
        let mut used = 0;
        let mut from = 0;
        for (i, c) in line.char_indices() {
            if used + c.len_utf8() > limit {
                self.out.push_str(&line[from..i]);
                self.out.push_str("\r\n ");
                from = i;
                used = 0;
                // The continuation's leading space counts toward its 75.
                limit = 74;
            }
            used += c.len_utf8();
        }
        self.out.push_str(&line[from..]);
        self.out.push_str("\r\n");
    }

    fn text(&mut self, name: &str, value: &str) {
        self.raw(&format!("{name}:{}", escape_text(value)));
    }

    fn time(&mut self, name: &str, ts: Timestamp) {
        self.raw(&format!("{name}:{}", ics_utc(ts)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_respects_octets_and_char_boundaries() {
        let mut w = Writer::default();
        let value = "ä".repeat(100);
        w.text("SUMMARY", &value);
        for line in w.out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(line.len() <= 75, "{} octets: {line}", line.len());
        }
        let unfolded = w.out.replace("\r\n ", "");
        assert_eq!(unfolded, format!("SUMMARY:{value}\r\n"));
    }

    #[test]
    fn escaping() {
        assert_eq!(escape_text("a,b;c\\d\r\ne"), "a\\,b\\;c\\\\d\\ne");
        assert_eq!(escape_text("N\0U\u{1b}L\u{85}\tx\u{7f}"), "NUL\tx");
        let mut w = Writer::default();
        w.raw("UID:a\u{0}b");
        assert_eq!(w.out, "UID:ab\r\n");
    }
}
