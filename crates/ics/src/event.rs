//! From components to invites: the VEVENT fields Debrief needs, with times
//! resolved to instants and people separated from rooms.

use std::collections::HashMap;

use debrief_core::model::InterviewFormat;
use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use crate::IcsError;
use crate::content::{
    Component, Cut, Line, Part, Property, Warnings, parse_part, snippet, unescape_text, unfold,
};
use crate::detect::{Clues, detect};
use crate::zones::{Resolved, ZoneResolver};

/// When an event starts or ends: an instant (serialized as RFC 3339 UTC,
/// `…Z`), or a calendar date for all-day events (`YYYY-MM-DD`; the end
/// date is exclusive, as in iCalendar).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum EventTime {
    Instant(Timestamp),
    Date(Date),
}

impl EventTime {
    /// The instant, reading a date as its midnight in `tz`.
    pub fn instant_in(&self, tz: &TimeZone) -> Option<Timestamp> {
        match *self {
            EventTime::Instant(ts) => Some(ts),
            EventTime::Date(d) => tz.to_timestamp(d.to_datetime(Time::midnight())).ok(),
        }
    }

    pub fn is_all_day(&self) -> bool {
        matches!(self, EventTime::Date(_))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EventStatus {
    Scheduled,
    Cancelled,
}

/// The organizer: a name from `CN`, an address from `mailto:`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Party {
    pub name: Option<String>,
    pub email: Option<String>,
}

/// An attendee who is a person (rooms and resources are kept apart).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attendee {
    pub name: Option<String>,
    pub email: Option<String>,
    /// `ROLE`, upper-cased; `REQ-PARTICIPANT` when absent (RFC 5545 default).
    pub role: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partstat: Option<String>,
}

/// One VEVENT, in the shape of FORMAT.md §2 plus extras.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InviteEvent {
    pub uid: String,
    pub summary: String,
    pub status: EventStatus,
    pub start: EventTime,
    pub end: EventTime,
    pub organizer: Option<Party>,
    pub attendees: Vec<Attendee>,
    pub format: Option<InterviewFormat>,
    pub link: Option<String>,
    pub location: Option<String>,
    pub sequence: u32,
    /// The calendar's `METHOD` (`REQUEST`, `CANCEL`, `PUBLISH`…), upper-cased.
    pub method: Option<String>,
    /// IANA name of the zone the start was written in, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zone: Option<String>,
    /// `DTSTAMP`: when the organizer's client wrote this version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stamp: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Names or addresses of `CUTYPE=ROOM`/`RESOURCE` attendees.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rooms: Vec<String>,
    /// Has an `RRULE`: only the first occurrence is described here.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub recurring: bool,
    /// `RECURRENCE-ID` of an overridden occurrence, as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recurrence_id: Option<String>,
    /// Line of the `BEGIN:VEVENT`, for messages.
    pub line: usize,
}

/// Everything readable in a file, and what was skipped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParsedCalendar {
    pub events: Vec<InviteEvent>,
    pub warnings: Vec<String>,
}

/// How to read times that name no zone.
#[derive(Debug, Clone)]
pub struct ParseOptions {
    /// Zone for floating times (no `Z`, no `TZID`): usually the profile's.
    pub floating_zone: TimeZone,
}

impl Default for ParseOptions {
    fn default() -> Self {
        ParseOptions {
            floating_zone: TimeZone::UTC,
        }
    }
}

/// Reads every event of an iCalendar text; floating times are read as UTC.
pub fn parse_invites(text: &str) -> Result<ParsedCalendar, IcsError> {
    parse_invites_with(text.as_bytes(), &ParseOptions::default())
}

/// Reads every event of an iCalendar file given as bytes (invalid UTF-8 is
/// replaced, with a warning). `Err` only if nothing in it is a calendar.
pub fn parse_invites_with(
    input: &[u8],
    options: &ParseOptions,
) -> Result<ParsedCalendar, IcsError> {
    parse_invites_cut(input, options, &middle_cut)
}

/// [`parse_invites_with`], reading the events in two halves where `pick`
/// says (see [`middle_cut`]), or whole where it gives no cut.
fn parse_invites_cut(
    input: &[u8],
    options: &ParseOptions,
    pick: &dyn Fn(&[Cut], usize) -> Option<Cut>,
) -> Result<ParsedCalendar, IcsError> {
    let mut warnings = Warnings::default();
    let lines = unfold(input, &mut warnings);
    // First the skeleton: each calendar's METHOD and every VTIMEZONE,
    // wherever they are in the file (events are dropped unread; this pass
    // says nothing, the next says it all). Then the events, each read as
    // soon as it is complete: the file is never held as a tree of
    // components, only as its lines and the events read from it.
    let mut nested_zones = Vec::new();
    let mut cuts = Vec::new();
    let skeleton = parse_part(
        &lines,
        &mut Warnings::default(),
        Some(&mut |event, _, _| zones_within(event, &mut nested_zones)),
        false,
        Part::Whole,
        Some(&mut cuts),
    )?;
    let methods: HashMap<usize, String> = skeleton
        .iter()
        .filter(|root| root.name == "VCALENDAR")
        .filter_map(|root| {
            let method = root.prop("METHOD")?.value.trim().to_ascii_uppercase();
            (!method.is_empty()).then_some((root.line, method))
        })
        .collect();
    // The zones an event's alarm nested (a stray VTIMEZONE) come first:
    // any other definition of the same TZID wins over them.
    nested_zones.extend(skeleton);
    let read = EventReader {
        methods: &methods,
        zones: &nested_zones,
        floating: &options.floating_zone,
    };
    let events = match pick(&cuts, lines.len()).filter(|c| c.at > 0) {
        // A big file is read in two halves, the second on a thread of its
        // own, cut between two events directly inside a calendar: the
        // same events and warnings as one reading.
        Some(cut) => {
            let (head, tail) = lines.split_at(cut.at);
            let tail_part = Part::Tail {
                calendar: cut.calendar,
            };
            let (first, second) = std::thread::scope(|scope| {
                let second = scope.spawn(|| read.part(tail, tail_part));
                let first = read.part(head, Part::Head);
                (first, second.join())
            });
            let (mut events, zones, first_warnings) = first?;
            let (more, tail_zones, mut tail_warnings) = match second {
                Ok(read) => read?,
                Err(panic) => std::panic::resume_unwind(panic),
            };
            // A TZID the first half resolved was warned about there.
            for (tzid, line, note) in &tail_zones.noted {
                if zones.has_resolved(tzid) {
                    tail_warnings.take_back(*line, note);
                }
            }
            warnings.append(first_warnings);
            warnings.append(tail_warnings);
            events.extend(more);
            events
        }
        None => {
            let (events, _, read_warnings) = read.part(&lines, Part::Whole)?;
            warnings.append(read_warnings);
            events
        }
    };
    let events = drop_conflicting_copies(events, &mut warnings);
    Ok(ParsedCalendar {
        events,
        warnings: warnings.finish(),
    })
}

/// From this many lines on, a file's events are read on two threads.
const TWO_THREADS_FROM: usize = 20_000;

/// The [`Cut`] nearest the middle of `n` lines, for a file big enough to
/// be read in two halves; none if the machine has one core.
fn middle_cut(cuts: &[Cut], n: usize) -> Option<Cut> {
    if n < TWO_THREADS_FROM {
        return None;
    }
    let cut = *cuts.iter().min_by_key(|c| c.at.abs_diff(n / 2))?;
    // Cores are counted last: it reads files under /sys and /proc.
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    (cores > 1).then_some(cut)
}

/// What reading a file's events needs once its skeleton is known.
struct EventReader<'r, 'a> {
    methods: &'r HashMap<usize, String>,
    zones: &'a [Component<'a>],
    floating: &'a TimeZone,
}

impl<'a> EventReader<'_, 'a> {
    /// The events of `part` of the file's `lines`, in order, with the
    /// zones resolved on the way and the warnings given.
    fn part(
        &self,
        lines: &'a [Line<'a>],
        part: Part,
    ) -> Result<(Vec<InviteEvent>, ZoneResolver<'a>, Warnings), IcsError> {
        let mut zones = ZoneResolver::new(self.zones, self.floating);
        let mut warnings = Warnings::default();
        let mut events = Vec::new();
        parse_part(
            lines,
            &mut warnings,
            Some(&mut |event, calendar, warnings| {
                let method = calendar
                    .and_then(|c| self.methods.get(&c.line))
                    .map(String::as_str);
                events.extend(read_event(&event, method, &mut zones, warnings));
            }),
            true,
            part,
            None,
        )?;
        Ok((events, zones, warnings))
    }
}

/// The VTIMEZONEs inside a component (a VALARM of an event may hold one).
fn zones_within<'a>(c: Component<'a>, found: &mut Vec<Component<'a>>) {
    for child in c.children {
        if child.name == "VTIMEZONE" {
            found.push(child);
        } else {
            zones_within(child, found);
        }
    }
}

/// Two VEVENTs with one UID, SEQUENCE and RECURRENCE-ID are one version
/// of one meeting: if their times differ, the file contradicts itself. The
/// first is kept, the later one dropped with a warning naming both lines
/// (mixing them could give an event that ends before it starts). Exact
/// copies are left alone. And whatever happened, no event ends before it
/// starts.
fn drop_conflicting_copies(mut events: Vec<InviteEvent>, w: &mut Warnings) -> Vec<InviteEvent> {
    // Decided on borrowed keys first, then applied in place: the events
    // are neither copied nor their keys cloned (a 20,000-event calendar
    // spent 7 % of its import here).
    let mut drop = vec![false; events.len()];
    let mut first: HashMap<(&str, u32, Option<&str>), usize, foldhash::fast::RandomState> =
        HashMap::with_capacity_and_hasher(events.len(), Default::default());
    for (k, ev) in events.iter().enumerate() {
        let key = (ev.uid.as_str(), ev.sequence, ev.recurrence_id.as_deref());
        match first.get(&key) {
            Some(&i) => {
                // As written: two exact copies ending before they start
                // are still copies.
                let f = &events[i];
                if (f.start, f.end) != (ev.start, ev.end) {
                    w.push(
                        ev.line,
                        format!(
                            "this VEVENT and the one on line {} share UID '{}' and SEQUENCE {} but not their times; the one on line {} is kept, this one ignored (ask the organizer to send the invite again)",
                            f.line,
                            snippet(&ev.uid),
                            ev.sequence,
                            f.line
                        ),
                    );
                    drop[k] = true;
                }
            }
            None => {
                first.insert(key, k);
            }
        }
    }
    drop_in_place_where(&mut events, &drop);
    for ev in &mut events {
        ev.end = no_backwards_end(ev);
    }
    events
}

/// The event's end, or its start where it ends before it starts.
fn no_backwards_end(ev: &InviteEvent) -> EventTime {
    let backwards = match (ev.start, ev.end) {
        (EventTime::Instant(s), EventTime::Instant(e)) => e < s,
        (EventTime::Date(s), EventTime::Date(e)) => e < s,
        _ => false,
    };
    if backwards { ev.start } else { ev.end }
}

/// Removes `items[k]` wherever `drop[k]`, keeping the others' order.
fn drop_in_place_where<T>(items: &mut Vec<T>, drop: &[bool]) {
    if drop.iter().any(|&d| d) {
        let mut k = 0;
        items.retain(|_| {
            let keep = !drop[k];
            k += 1;
            keep
        });
    }
}

/// Names read once per VEVENT; a second copy is reported and ignored.
const SINGLE: &[&str] = &[
    "UID",
    "SUMMARY",
    "DESCRIPTION",
    "LOCATION",
    "STATUS",
    "SEQUENCE",
    "DTSTART",
    "DTEND",
    "DURATION",
    "ORGANIZER",
    "URL",
    "RECURRENCE-ID",
];

/// Dedicated meeting-link properties (Teams, Google, RFC 7986).
const CONFERENCE_PROPS: &[&str] = &[
    "X-MICROSOFT-SKYPETEAMSMEETINGURL",
    "X-MICROSOFT-ONLINEMEETINGEXTERNALLINK",
    "X-MICROSOFT-ONLINEMEETINGCONFLINK",
    "X-GOOGLE-CONFERENCE",
    "CONFERENCE",
];

fn single<'c, 'a>(c: &'c Component<'a>, name: &str) -> Option<&'c Property<'a>> {
    c.prop(name)
}

/// A TEXT value, unescaped, without the control characters (but line
/// feed and tab) that no stored text may hold.
fn text(c: &Component, name: &str) -> Option<String> {
    single(c, name)
        .map(|p| {
            let t = unescape_text(p.value);
            let t = if t
                .chars()
                .any(|ch| ch.is_control() && ch != '\n' && ch != '\t')
            {
                t.chars()
                    .filter(|&ch| !ch.is_control() || ch == '\n' || ch == '\t')
                    .collect()
            } else {
                t
            };
            t.trim().to_string()
        })
        .filter(|t| !t.is_empty())
}

/// A name on one line: runs of spaces, line breaks and control characters
/// (an RFC 6868 `^n` in a CN) become one space.
fn one_line_name(name: &str) -> String {
    name.split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn read_event(
    c: &Component,
    method: Option<&str>,
    zones: &mut ZoneResolver<'_>,
    w: &mut Warnings,
) -> Option<InviteEvent> {
    for name in SINGLE {
        for dup in c.props_named(name).skip(1) {
            w.push(dup.line, format!("second {name} in this VEVENT ignored"));
        }
    }
    let summary = text(c, "SUMMARY").unwrap_or_default();
    // Only a warning needs it: made when one is written.
    let label = || {
        if summary.is_empty() {
            String::new()
        } else {
            format!(" '{}'", snippet(&summary))
        }
    };
    let Some(dtstart) = single(c, "DTSTART") else {
        w.push(c.line, format!("VEVENT{} has no DTSTART; skipped", label()));
        return None;
    };
    let (start, zone) = match read_time(dtstart, zones, w) {
        Some(t) => t,
        None => {
            w.push(
                dtstart.line,
                format!(
                    "VEVENT{} skipped: DTSTART '{}' is not a date or date-time",
                    label(),
                    snippet(dtstart.value.trim())
                ),
            );
            return None;
        }
    };
    let end = read_end(c, start, zones, w);

    // Control characters (an escaped `\n`) have no place in an identifier
    // and would make the stored reference unreadable.
    let uid = text(c, "UID")
        .map(|u| u.chars().filter(|ch| !ch.is_control()).collect::<String>())
        .filter(|u| !u.trim().is_empty());
    let uid = match uid {
        Some(uid) => uid,
        None => {
            let seed = format!("{summary}\u{0}{}", dtstart.value.trim());
            let uid = format!("debrief-no-uid-{:016x}", crate::fnv1a64(seed.as_bytes()));
            w.push(
                c.line,
                format!(
                    "VEVENT{} has no UID; using {uid}, derived from its title and start",
                    label()
                ),
            );
            uid
        }
    };
    let cancelled = method == Some("CANCEL")
        || single(c, "STATUS").is_some_and(|p| {
            let s = p.value.trim();
            s.eq_ignore_ascii_case("CANCELLED") || s.eq_ignore_ascii_case("CANCELED")
        });
    let sequence = match single(c, "SEQUENCE") {
        None => 0,
        Some(p) => p.value.trim().parse::<u32>().unwrap_or_else(|_| {
            w.push(
                p.line,
                format!(
                    "SEQUENCE '{}' is not a number; read as 0",
                    snippet(p.value.trim())
                ),
            );
            0
        }),
    };

    let organizer = single(c, "ORGANIZER").and_then(|p| {
        let (name, email) = party(p);
        (name.is_some() || email.is_some()).then_some(Party { name, email })
    });
    let mut attendees = Vec::new();
    let mut rooms = Vec::new();
    for p in c.props_named("ATTENDEE") {
        let (name, email) = party(p);
        let cutype = p.param("CUTYPE").map(str::to_ascii_uppercase);
        match cutype.as_deref() {
            Some("ROOM" | "RESOURCE") => rooms.extend(name.or(email)),
            // A mailing list is not someone to thank.
            Some("GROUP") => {}
            _ if name.is_none() && email.is_none() => {}
            _ => attendees.push(Attendee {
                name,
                email,
                role: p
                    .param("ROLE")
                    .map(|r| r.trim().to_ascii_uppercase())
                    .filter(|r| !r.is_empty())
                    .unwrap_or_else(|| "REQ-PARTICIPANT".to_string()),
                partstat: p
                    .param("PARTSTAT")
                    .map(|s| s.trim().to_ascii_uppercase())
                    .filter(|s| !s.is_empty()),
            }),
        }
    }

    let location = text(c, "LOCATION");
    let description = text(c, "DESCRIPTION");
    let url = single(c, "URL").map(|p| p.value.trim());
    let conference: Vec<&str> = CONFERENCE_PROPS
        .iter()
        .flat_map(|n| c.props_named(n))
        .map(|p| p.value)
        .collect();
    let other: Vec<&str> = c
        .props
        .iter()
        .filter(|p| p.name.starts_with("X-") && !CONFERENCE_PROPS.contains(&p.name.as_ref()))
        .map(|p| p.value)
        .collect();
    let (format, link) = detect(&Clues {
        conference,
        url,
        location: location.as_deref(),
        summary: &summary,
        description: description.as_deref(),
        other,
        has_room: !rooms.is_empty(),
    });

    Some(InviteEvent {
        uid,
        summary,
        status: if cancelled {
            EventStatus::Cancelled
        } else {
            EventStatus::Scheduled
        },
        start,
        end,
        organizer,
        attendees,
        format,
        link,
        location,
        sequence,
        method: method.map(str::to_string),
        zone,
        stamp: single(c, "DTSTAMP")
            .and_then(|p| parse_datetime(p.value.trim()))
            .filter(|(_, utc)| *utc)
            .and_then(|(dt, _)| TimeZone::UTC.to_timestamp(dt).ok()),
        description,
        rooms,
        recurring: c.prop("RRULE").is_some(),
        recurrence_id: single(c, "RECURRENCE-ID").map(|p| p.value.trim().to_string()),
        line: c.line,
    })
}

/// `CN` and the `mailto:` address of an ORGANIZER or ATTENDEE.
fn party(p: &Property) -> (Option<String>, Option<String>) {
    let value = p.value.trim();
    let address = if value
        .get(..7)
        .is_some_and(|s| s.eq_ignore_ascii_case("mailto:"))
    {
        value.get(7..).unwrap_or("").trim()
    } else if value.contains(':') {
        ""
    } else {
        value
    };
    let email = Some(address.trim_matches(['<', '>']))
        // No control characters either: an address is never stored with
        // one (a NUL in the middle left the whole event unimportable).
        .filter(|a| {
            a.contains('@')
                && !a.contains(|c: char| c.is_whitespace() || c.is_control())
                && a.len() <= 320
        })
        .map(str::to_string);
    let name = p
        .param("CN")
        .map(|n| one_line_name(n.trim().trim_matches('"')))
        .filter(|n| !n.is_empty());
    (name, email)
}

/// Reads DTSTART/DTEND-like values; returns the time and the IANA zone it
/// was written in.
fn read_time(
    p: &Property,
    zones: &mut ZoneResolver<'_>,
    w: &mut Warnings,
) -> Option<(EventTime, Option<String>)> {
    // A list is not allowed here, but take its first value rather than fail.
    let value = p.value.split(',').next().unwrap_or("").trim();
    let is_date = p
        .param("VALUE")
        .is_some_and(|v| v.eq_ignore_ascii_case("DATE"))
        || (value.len() == 8 && value.bytes().all(|b| b.is_ascii_digit()));
    if is_date && let Some(d) = parse_date(value) {
        return Some((EventTime::Date(d), None));
    }
    let (dt, utc) = parse_datetime(value)?;
    let zone: Resolved = if utc {
        Resolved {
            tz: TimeZone::UTC,
            iana: Some("UTC".to_string()),
        }
    } else if let Some(tzid) = p.param("TZID") {
        zones.resolve(tzid, p.line, w)
    } else {
        zones.default_zone()
    };
    // `compatible`: a time in a DST gap moves forward, an ambiguous one
    // takes the earlier instant, as RFC 5545 §3.3.5 prescribes.
    let ts = zone.tz.to_ambiguous_timestamp(dt).compatible().ok()?;
    Some((EventTime::Instant(ts), zone.iana))
}

fn read_end(
    c: &Component,
    start: EventTime,
    zones: &mut ZoneResolver<'_>,
    w: &mut Warnings,
) -> EventTime {
    let default = match start {
        EventTime::Date(d) => d.tomorrow().map_or(start, EventTime::Date),
        EventTime::Instant(_) => start,
    };
    let end = if let Some(p) = single(c, "DTEND") {
        match read_time(p, zones, w) {
            Some((end, _)) if end.is_all_day() == start.is_all_day() => end,
            Some(_) => {
                w.push(p.line, "DTEND mixes a date with a date-time; ignored");
                default
            }
            None => {
                w.push(
                    p.line,
                    format!(
                        "DTEND '{}' is not a date or date-time; ignored",
                        snippet(p.value.trim())
                    ),
                );
                default
            }
        }
    } else if let Some(p) = single(c, "DURATION") {
        match parse_duration(p.value.trim()) {
            Some(d) if !d.is_negative() => add(start, d).unwrap_or(default),
            _ => {
                w.push(
                    p.line,
                    format!(
                        "DURATION '{}' is not a positive duration; ignored",
                        snippet(p.value.trim())
                    ),
                );
                default
            }
        }
    } else {
        default
    };
    let before = match (start, end) {
        (EventTime::Instant(s), EventTime::Instant(e)) => e < s,
        // An all-day event lasts at least its first day.
        (EventTime::Date(s), EventTime::Date(e)) => e <= s,
        _ => false,
    };
    if before {
        w.push(
            c.line,
            "the event ends before it starts; its end was ignored",
        );
        return default;
    }
    end
}

fn add(t: EventTime, d: SignedDuration) -> Option<EventTime> {
    match t {
        EventTime::Instant(ts) => ts.checked_add(d).ok().map(EventTime::Instant),
        // A date plus a duration counts whole days.
        EventTime::Date(date) => {
            let days = d.as_secs() / 86_400;
            date.checked_add(SignedDuration::from_secs(days.saturating_mul(86_400)))
                .ok()
                .map(EventTime::Date)
        }
    }
}

fn digits(s: &str) -> Option<i64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `YYYYMMDD`.
pub(crate) fn parse_date(s: &str) -> Option<Date> {
    if s.len() != 8 {
        return None;
    }
    let y = i16::try_from(digits(s.get(..4)?)?).ok()?;
    let m = i8::try_from(digits(s.get(4..6)?)?).ok()?;
    let d = i8::try_from(digits(s.get(6..8)?)?).ok()?;
    Date::new(y, m, d).ok()
}

/// `YYYYMMDDTHHMMSS[Z]`; also tolerates `HHMM` and the extended
/// `YYYY-MM-DDTHH:MM:SSZ` some generators write.
pub(crate) fn parse_datetime(s: &str) -> Option<(DateTime, bool)> {
    let compact: String;
    let s = if s.len() >= 10 && s.as_bytes().get(4) == Some(&b'-') {
        compact = s.chars().filter(|c| *c != '-' && *c != ':').collect();
        compact.as_str()
    } else {
        s
    };
    let (date, time) = s.split_once(['T', 't'])?;
    let date = parse_date(date)?;
    let (time, utc) = match time.strip_suffix(['Z', 'z']) {
        Some(t) => (t, true),
        None => (time, false),
    };
    let (h, m, sec) = match time.len() {
        6 => (time.get(..2)?, time.get(2..4)?, time.get(4..6)?),
        4 => (time.get(..2)?, time.get(2..4)?, "0"),
        _ => return None,
    };
    let h = i8::try_from(digits(h)?).ok()?;
    let m = i8::try_from(digits(m)?).ok()?;
    // A leap second (`60`) reads as the last second of the minute.
    let sec = i8::try_from(digits(sec)?.min(59)).ok()?;
    let time = Time::new(h, m, sec, 0).ok()?;
    Some((date.to_datetime(time), utc))
}

/// RFC 5545 §3.3.6: `[+|-]P[nW]` or `[+|-]P[nD][T[nH][nM][nS]]`.
pub(crate) fn parse_duration(s: &str) -> Option<SignedDuration> {
    let (negative, rest) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let rest = rest.strip_prefix(['P', 'p'])?;
    let mut secs: i64 = 0;
    let mut number = String::new();
    let mut in_time = false;
    let mut any = false;
    for c in rest.chars() {
        match c.to_ascii_uppercase() {
            d if d.is_ascii_digit() => number.push(d),
            'T' if number.is_empty() && !in_time => in_time = true,
            unit => {
                let n: i64 = digits(&number)?;
                let scale = match (unit, in_time) {
                    ('W', false) => 7 * 86_400,
                    ('D', false) => 86_400,
                    ('H', true) => 3_600,
                    ('M', true) => 60,
                    ('S', true) => 1,
                    _ => return None,
                };
                secs = secs.checked_add(n.checked_mul(scale)?)?;
                number.clear();
                any = true;
            }
        }
    }
    if !number.is_empty() || !any {
        return None;
    }
    Some(SignedDuration::from_secs(if negative {
        -secs
    } else {
        secs
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        let secs = |s: &str| parse_duration(s).map(|d| d.as_secs());
        assert_eq!(secs("PT1H30M"), Some(5400));
        assert_eq!(secs("P1W"), Some(604_800));
        assert_eq!(secs("-P0DT0H10M0S"), Some(-600));
        assert_eq!(secs("P1DT2H"), Some(93_600));
        assert_eq!(secs("P"), None);
        assert_eq!(secs("PT"), None);
        assert_eq!(secs("P1H"), None);
        assert_eq!(secs("PT99999999999999999999S"), None);
        assert_eq!(secs("P99999999999999W"), None);
    }

    #[test]
    fn date_times() {
        assert!(parse_datetime("20261203T200000Z").is_some_and(|(_, utc)| utc));
        assert!(parse_datetime("19970901T1300Z").is_some());
        assert!(parse_datetime("2026-12-03T20:00:00Z").is_some());
        assert!(parse_datetime("20261203T240000").is_none());
        assert!(parse_datetime("18640509T2p1855").is_none());
        assert!(parse_datetime("2026ü203T200000").is_none());
        assert!(parse_date("20260230").is_none());
    }

    #[test]
    fn copies_of_one_version_keep_the_first_and_warn_only_when_times_differ() {
        let event = |start: &str, end: &str, seq: u32, rid: &str| {
            format!(
                "BEGIN:VEVENT\r\nUID:u1\r\nSEQUENCE:{seq}\r\n{rid}DTSTART:{start}\r\nDTEND:{end}\r\nEND:VEVENT\r\n"
            )
        };
        let text = [
            "BEGIN:VCALENDAR\r\n".to_string(),
            event("20261203T100000Z", "20261203T110000Z", 0, ""), // line 2: kept
            event("20261203T100000Z", "20261203T110000Z", 0, ""), // exact copy: kept
            event("20261203T120000Z", "20261203T130000Z", 0, ""), // line 14: dropped
            event("20261203T120000Z", "20261203T130000Z", 1, ""), // a later version
            event(
                "20261204T120000Z",
                "20261204T130000Z",
                0,
                "RECURRENCE-ID:20261204T120000Z\r\n",
            ),
            // Ends before it starts, twice as written: copies, each kept with
            // its end set to its start (and a warning of its own).
            event("20261205T120000Z", "20261205T110000Z", 2, ""),
            event("20261205T120000Z", "20261205T110000Z", 2, ""),
            "END:VCALENDAR\r\n".to_string(),
        ]
        .concat();
        let parsed = parse_invites(&text).expect("calendar");
        let lines: Vec<usize> = parsed.events.iter().map(|e| e.line).collect();
        assert_eq!(lines, [2, 8, 20, 26, 33, 39], "{:?}", parsed.warnings);
        assert_eq!(parsed.warnings.len(), 3, "{:?}", parsed.warnings);
        assert!(
            parsed.warnings[0].starts_with("line 14:")
                && parsed.warnings[0].contains("the one on line 2 is kept"),
            "{:?}",
            parsed.warnings
        );
        for ev in &parsed.events[4..] {
            assert_eq!(ev.end, ev.start);
        }
        assert!(parsed.events[..4].iter().all(|e| e.end != e.start));
    }

    /// Every calendar at hand, real ones included, and one made to test
    /// the seams: read in two parts at each of its cuts, it gives what one
    /// reading gives (events, warnings, their order and cap).
    #[test]
    fn a_file_read_in_two_halves_reads_as_one() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files: Vec<(String, Vec<u8>)> = Vec::new();
        for dir in [
            root.join("tests/invites"),
            root.join("../../../shared/fixtures/ics"),
        ] {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for e in entries.flatten() {
                let path = e.path();
                if path.extension().is_some_and(|x| x == "ics") {
                    let bytes = std::fs::read(&path).expect("readable fixture");
                    files.push((path.display().to_string(), bytes));
                }
            }
        }
        assert!(
            files.len() >= 10,
            "the repository's own invites are missing"
        );
        let seams = [
            "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\n",
            "BEGIN:VEVENT\r\nUID:a\r\nSUMMARY:One\r\nDTSTART;TZID=Nowhere/Land:20261203T100000\r\nEND:VEVENT\r\n",
            "BEGIN:VEVENT\r\nUID:b\r\nDTSTART;TZID=Later Zone:20261203T100000\r\nDTEND:20261203T090000Z\r\nEND:VEVENT\r\n",
            "X-STRAY:top level of the calendar\r\n",
            "BEGIN:VEVENT\r\nUID:c\r\nDTSTART;TZID=Nowhere/Land:20261204T100000\r\nDTSTART:20261204T110000Z\r\nEND:VEVENT\r\n",
            "BEGIN:VEVENT\r\nUID:a\r\nSUMMARY:One moved\r\nDTSTART;TZID=Nowhere/Land:20261203T120000\r\nEND:VEVENT\r\n",
            "BEGIN:VTIMEZONE\r\nTZID:Later Zone\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n",
            "BEGIN:VEVENT\r\nUID:d\r\nDTSTART;TZID=Other/Nowhere:20261205T100000\r\nEND:VEVENT\r\n",
            "END:VCALENDAR\r\nBEGIN:VCALENDAR\r\nMETHOD:CANCEL\r\n",
            "BEGIN:VEVENT\r\nUID:e\r\nDTSTART;TZID=Nowhere/Land:20261206T100000\r\nEND:VEVENT\r\n",
            "garbage line\r\nBEGIN:VEVENT\r\nUID:f\r\nDTSTART:20261207T100000Z\r\n",
            "BEGIN:VEVENT\r\nUID:g\r\nDTSTART:20261208T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\nBEGIN:VTODO\r\nEND:VTODO\r\n",
        ]
        .concat();
        files.push(("seams".into(), seams.into_bytes()));
        // Past the cap of warnings: 300 events, each with a bad SEQUENCE.
        let mut capped = String::from("BEGIN:VCALENDAR\r\n");
        for i in 0..300 {
            capped.push_str(&format!(
                "BEGIN:VEVENT\r\nUID:u{i}\r\nSEQUENCE:x\r\nDTSTART:20261203T100000Z\r\nEND:VEVENT\r\n"
            ));
        }
        files.push(("capped".into(), capped.into_bytes()));

        let options = ParseOptions::default();
        let mut halves = 0;
        for (name, bytes) in &files {
            let whole = parse_invites_cut(bytes, &options, &|_, _| None);
            for k in 0.. {
                let Some(cut) = ({
                    let found = std::cell::Cell::new(None);
                    let _ = parse_invites_cut(bytes, &options, &|cuts, _| {
                        found.set(cuts.get(k).copied());
                        None
                    });
                    found.get()
                }) else {
                    break;
                };
                let two = parse_invites_cut(bytes, &options, &|_, _| Some(cut));
                assert_eq!(two, whole, "{name} cut at line index {}", cut.at);
                halves += 1;
            }
        }
        assert!(halves > 300, "only {halves} cuts were tried");
        let seams = &files[files.len() - 2].1;
        let whole = parse_invites_cut(seams, &options, &|_, _| None).expect("calendar");
        let nowhere = whole
            .warnings
            .iter()
            .filter(|w| w.contains("Nowhere/Land"))
            .count();
        assert_eq!(nowhere, 1, "{:?}", whole.warnings);
    }

    fn one(text: &str) -> InviteEvent {
        let parsed = parse_invites(text).expect("calendar");
        assert_eq!(parsed.events.len(), 1, "{parsed:?}");
        parsed.events.into_iter().next().expect("one event")
    }

    #[test]
    fn windows_tzid_and_duration() {
        let ev = one(
            "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART;TZID=W. Europe Standard Time:20261203T100000\r\nDURATION:PT45M\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        );
        assert_eq!(
            ev.start,
            EventTime::Instant("2026-12-03T09:00:00Z".parse().expect("ts"))
        );
        assert_eq!(
            ev.end,
            EventTime::Instant("2026-12-03T09:45:00Z".parse().expect("ts"))
        );
        assert_eq!(ev.zone.as_deref(), Some("Europe/Berlin"));
    }

    #[test]
    fn vtimezone_only_zone_is_built_from_its_rules() {
        // Summer and winter times in a zone only the file defines.
        let text = "BEGIN:VCALENDAR\nBEGIN:VTIMEZONE\nTZID:My Office\nBEGIN:STANDARD\nDTSTART:16010101T030000\nTZOFFSETFROM:+0200\nTZOFFSETTO:+0100\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\nEND:STANDARD\nBEGIN:DAYLIGHT\nDTSTART:16010101T020000\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0200\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\nEND:DAYLIGHT\nEND:VTIMEZONE\nBEGIN:VEVENT\nUID:s\nDTSTART;TZID=\"My Office\":20260701T100000\nEND:VEVENT\nBEGIN:VEVENT\nUID:w\nDTSTART;TZID=My Office:20261201T100000\nEND:VEVENT\nEND:VCALENDAR\n";
        let parsed = parse_invites(text).expect("calendar");
        assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
        let starts: Vec<_> = parsed.events.iter().map(|e| e.start).collect();
        assert_eq!(
            starts,
            vec![
                EventTime::Instant("2026-07-01T08:00:00Z".parse().expect("ts")),
                EventTime::Instant("2026-12-01T09:00:00Z".parse().expect("ts")),
            ]
        );
    }

    #[test]
    fn a_zone_and_method_written_after_the_events_still_apply() {
        // Events are read as soon as they end, but what the calendar says
        // later (its METHOD, a VTIMEZONE at the bottom) still applies to them.
        let text = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:s\nDTSTART;TZID=My Office:20260701T100000\nBEGIN:VALARM\nTRIGGER:-PT15M\nEND:VALARM\nEND:VEVENT\nMETHOD:cancel\nBEGIN:VTIMEZONE\nTZID:My Office\nBEGIN:STANDARD\nDTSTART:16010101T030000\nTZOFFSETFROM:+0200\nTZOFFSETTO:+0100\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\nEND:STANDARD\nBEGIN:DAYLIGHT\nDTSTART:16010101T020000\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0200\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\nEND:DAYLIGHT\nEND:VTIMEZONE\nEND:VCALENDAR\nBEGIN:VCALENDAR\nMETHOD:REQUEST\nBEGIN:VEVENT\nUID:t\nDTSTART;TZID=My Office:20261201T100000\nEND:VEVENT\nEND:VCALENDAR\n";
        let parsed = parse_invites(text).expect("calendar");
        assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
        let seen: Vec<_> = parsed
            .events
            .iter()
            .map(|e| (e.uid.as_str(), e.start, e.method.as_deref()))
            .collect();
        assert_eq!(
            seen,
            vec![
                (
                    "s",
                    EventTime::Instant("2026-07-01T08:00:00Z".parse().expect("ts")),
                    Some("CANCEL")
                ),
                // The zone of the first calendar serves the second too.
                (
                    "t",
                    EventTime::Instant("2026-12-01T09:00:00Z".parse().expect("ts")),
                    Some("REQUEST")
                ),
            ]
        );
    }

    #[test]
    fn broken_structure_reads_the_same_events_in_the_same_order() {
        // An unclosed event, a bare event after the calendar, an event
        // inside an unknown component (not read, as before) and an END
        // without BEGIN: the events read and the warnings are those of a
        // reader that builds the whole tree first.
        let text = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:a\nDTSTART:20261201T100000Z\nBEGIN:VEVENT\nUID:b\nDTSTART:20261202T100000Z\nEND:VEVENT\nBEGIN:X-THING\nBEGIN:VEVENT\nUID:hidden\nDTSTART:20261203T100000Z\nEND:VEVENT\nEND:X-THING\nEND:VTODO\nEND:VCALENDAR\nBEGIN:VEVENT\nUID:c\nDTSTART:20261204T100000Z\nEND:VEVENT\n";
        let parsed = parse_invites(text).expect("calendar");
        let uids: Vec<_> = parsed.events.iter().map(|e| e.uid.as_str()).collect();
        assert_eq!(uids, vec!["a", "b", "c"]);
        assert!(
            parsed
                .warnings
                .iter()
                .any(|w| w.starts_with("line 2: BEGIN:VEVENT has no END:VEVENT before line 5")),
            "{:?}",
            parsed.warnings
        );
        assert!(
            parsed
                .warnings
                .iter()
                .any(|w| w.starts_with("line 15: END:VTODO has no matching BEGIN")),
            "{:?}",
            parsed.warnings
        );
    }

    #[test]
    fn floating_times_use_the_callers_zone() {
        let text = b"BEGIN:VEVENT\nUID:f\nDTSTART:20261203T100000\nEND:VEVENT\n";
        let options = ParseOptions {
            floating_zone: TimeZone::get("America/Chicago").expect("zone"),
        };
        let parsed = parse_invites_with(text, &options).expect("calendar");
        assert_eq!(
            parsed.events[0].start,
            EventTime::Instant("2026-12-03T16:00:00Z".parse().expect("ts"))
        );
    }

    #[test]
    fn all_day_defaults_to_one_day() {
        let ev = one("BEGIN:VEVENT\nUID:d\nDTSTART;VALUE=DATE:20261203\nEND:VEVENT\n");
        assert_eq!(ev.end, EventTime::Date(jiff::civil::date(2026, 12, 4)));
        assert_eq!(
            serde_json::to_value(ev.start).expect("json"),
            serde_json::json!("2026-12-03")
        );
    }

    #[test]
    fn rooms_and_groups_are_not_people() {
        let ev = one(
            "BEGIN:VEVENT\nUID:r\nDTSTART:20261203T100000Z\nATTENDEE;CUTYPE=ROOM;CN=Room 4:mailto:r4@x.example\nATTENDEE;CUTYPE=GROUP:mailto:team@x.example\nATTENDEE;CN=Ann:MAILTO:ann@x.example\nEND:VEVENT\n",
        );
        assert_eq!(ev.rooms, vec!["Room 4"]);
        assert_eq!(ev.attendees.len(), 1);
        assert_eq!(ev.attendees[0].role, "REQ-PARTICIPANT");
        assert_eq!(ev.format, Some(InterviewFormat::InPerson));
    }
}
