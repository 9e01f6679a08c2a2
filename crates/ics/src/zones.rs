//! Turning a `TZID` into a jiff time zone.
//!
//! Calendars name zones four ways: IANA names (Google, Apple), Windows names
//! (Outlook, Exchange, Teams: "W. Europe Standard Time"), Outlook display
//! names ("(UTC-03:00) Brasília") and whatever the file's own VTIMEZONE
//! defines. We try them in that order of trust: the tz database knows
//! history, a VTIMEZONE usually describes only the current rule.

use std::collections::HashMap;

use jiff::tz::{Offset, TimeZone};

use crate::content::{Component, Warnings, snippet};

/// Windows zone ids → IANA, from CLDR `windowsZones.xml` (territory "001",
/// the canonical zone for each Windows id).
const WINDOWS_ZONES: &[(&str, &str)] = &[
    ("Dateline Standard Time", "Etc/GMT+12"),
    ("UTC-11", "Etc/GMT+11"),
    ("Aleutian Standard Time", "America/Adak"),
    ("Hawaiian Standard Time", "Pacific/Honolulu"),
    ("Marquesas Standard Time", "Pacific/Marquesas"),
    ("Alaskan Standard Time", "America/Anchorage"),
    ("UTC-09", "Etc/GMT+9"),
    ("Pacific Standard Time (Mexico)", "America/Tijuana"),
    ("UTC-08", "Etc/GMT+8"),
    ("Pacific Standard Time", "America/Los_Angeles"),
    ("US Mountain Standard Time", "America/Phoenix"),
    ("Mountain Standard Time (Mexico)", "America/Mazatlan"),
    ("Mountain Standard Time", "America/Denver"),
    ("Yukon Standard Time", "America/Whitehorse"),
    ("Central America Standard Time", "America/Guatemala"),
    ("Central Standard Time", "America/Chicago"),
    ("Easter Island Standard Time", "Pacific/Easter"),
    ("Central Standard Time (Mexico)", "America/Mexico_City"),
    ("Mexico Standard Time", "America/Mexico_City"),
    ("Mexico Standard Time 2", "America/Chihuahua"),
    ("Canada Central Standard Time", "America/Regina"),
    ("SA Pacific Standard Time", "America/Bogota"),
    ("Eastern Standard Time (Mexico)", "America/Cancun"),
    ("Eastern Standard Time", "America/New_York"),
    ("Haiti Standard Time", "America/Port-au-Prince"),
    ("Cuba Standard Time", "America/Havana"),
    ("US Eastern Standard Time", "America/Indiana/Indianapolis"),
    ("Turks And Caicos Standard Time", "America/Grand_Turk"),
    ("Paraguay Standard Time", "America/Asuncion"),
    ("Atlantic Standard Time", "America/Halifax"),
    ("Venezuela Standard Time", "America/Caracas"),
    ("Central Brazilian Standard Time", "America/Cuiaba"),
    ("SA Western Standard Time", "America/La_Paz"),
    ("Pacific SA Standard Time", "America/Santiago"),
    ("Newfoundland Standard Time", "America/St_Johns"),
    ("Tocantins Standard Time", "America/Araguaina"),
    ("E. South America Standard Time", "America/Sao_Paulo"),
    ("SA Eastern Standard Time", "America/Cayenne"),
    ("Argentina Standard Time", "America/Argentina/Buenos_Aires"),
    ("Greenland Standard Time", "America/Nuuk"),
    ("Montevideo Standard Time", "America/Montevideo"),
    ("Magallanes Standard Time", "America/Punta_Arenas"),
    ("Saint Pierre Standard Time", "America/Miquelon"),
    ("Bahia Standard Time", "America/Bahia"),
    ("UTC-02", "Etc/GMT+2"),
    ("Mid-Atlantic Standard Time", "Etc/GMT+2"),
    ("Azores Standard Time", "Atlantic/Azores"),
    ("Cape Verde Standard Time", "Atlantic/Cape_Verde"),
    ("UTC", "Etc/UTC"),
    ("Coordinated Universal Time", "Etc/UTC"),
    ("GMT Standard Time", "Europe/London"),
    ("Greenwich Standard Time", "Atlantic/Reykjavik"),
    ("Sao Tome Standard Time", "Africa/Sao_Tome"),
    ("Morocco Standard Time", "Africa/Casablanca"),
    ("W. Europe Standard Time", "Europe/Berlin"),
    ("Central Europe Standard Time", "Europe/Budapest"),
    ("Romance Standard Time", "Europe/Paris"),
    ("Central European Standard Time", "Europe/Warsaw"),
    ("W. Central Africa Standard Time", "Africa/Lagos"),
    ("Jordan Standard Time", "Asia/Amman"),
    ("GTB Standard Time", "Europe/Bucharest"),
    ("Middle East Standard Time", "Asia/Beirut"),
    ("Egypt Standard Time", "Africa/Cairo"),
    ("E. Europe Standard Time", "Europe/Chisinau"),
    ("Syria Standard Time", "Asia/Damascus"),
    ("West Bank Standard Time", "Asia/Hebron"),
    ("South Africa Standard Time", "Africa/Johannesburg"),
    ("FLE Standard Time", "Europe/Kiev"),
    ("Israel Standard Time", "Asia/Jerusalem"),
    ("South Sudan Standard Time", "Africa/Juba"),
    ("Kaliningrad Standard Time", "Europe/Kaliningrad"),
    ("Sudan Standard Time", "Africa/Khartoum"),
    ("Libya Standard Time", "Africa/Tripoli"),
    ("Namibia Standard Time", "Africa/Windhoek"),
    ("Arabic Standard Time", "Asia/Baghdad"),
    ("Turkey Standard Time", "Europe/Istanbul"),
    ("Arab Standard Time", "Asia/Riyadh"),
    ("Belarus Standard Time", "Europe/Minsk"),
    ("Russian Standard Time", "Europe/Moscow"),
    ("E. Africa Standard Time", "Africa/Nairobi"),
    ("Volgograd Standard Time", "Europe/Volgograd"),
    ("Iran Standard Time", "Asia/Tehran"),
    ("Arabian Standard Time", "Asia/Dubai"),
    ("Astrakhan Standard Time", "Europe/Astrakhan"),
    ("Azerbaijan Standard Time", "Asia/Baku"),
    ("Russia Time Zone 3", "Europe/Samara"),
    ("Mauritius Standard Time", "Indian/Mauritius"),
    ("Saratov Standard Time", "Europe/Saratov"),
    ("Georgian Standard Time", "Asia/Tbilisi"),
    ("Caucasus Standard Time", "Asia/Yerevan"),
    ("Afghanistan Standard Time", "Asia/Kabul"),
    ("West Asia Standard Time", "Asia/Tashkent"),
    ("Ekaterinburg Standard Time", "Asia/Yekaterinburg"),
    ("Pakistan Standard Time", "Asia/Karachi"),
    ("Qyzylorda Standard Time", "Asia/Qyzylorda"),
    ("India Standard Time", "Asia/Kolkata"),
    ("Sri Lanka Standard Time", "Asia/Colombo"),
    ("Nepal Standard Time", "Asia/Kathmandu"),
    ("Central Asia Standard Time", "Asia/Almaty"),
    ("Bangladesh Standard Time", "Asia/Dhaka"),
    ("Omsk Standard Time", "Asia/Omsk"),
    ("Myanmar Standard Time", "Asia/Yangon"),
    ("SE Asia Standard Time", "Asia/Bangkok"),
    ("Altai Standard Time", "Asia/Barnaul"),
    ("W. Mongolia Standard Time", "Asia/Hovd"),
    ("North Asia Standard Time", "Asia/Krasnoyarsk"),
    ("N. Central Asia Standard Time", "Asia/Novosibirsk"),
    ("Tomsk Standard Time", "Asia/Tomsk"),
    ("China Standard Time", "Asia/Shanghai"),
    ("North Asia East Standard Time", "Asia/Irkutsk"),
    ("Singapore Standard Time", "Asia/Singapore"),
    ("Malay Peninsula Standard Time", "Asia/Singapore"),
    ("W. Australia Standard Time", "Australia/Perth"),
    ("Taipei Standard Time", "Asia/Taipei"),
    ("Ulaanbaatar Standard Time", "Asia/Ulaanbaatar"),
    ("Aus Central W. Standard Time", "Australia/Eucla"),
    ("Transbaikal Standard Time", "Asia/Chita"),
    ("Tokyo Standard Time", "Asia/Tokyo"),
    ("North Korea Standard Time", "Asia/Pyongyang"),
    ("Korea Standard Time", "Asia/Seoul"),
    ("Yakutsk Standard Time", "Asia/Yakutsk"),
    ("Cen. Australia Standard Time", "Australia/Adelaide"),
    ("AUS Central Standard Time", "Australia/Darwin"),
    ("E. Australia Standard Time", "Australia/Brisbane"),
    ("AUS Eastern Standard Time", "Australia/Sydney"),
    ("West Pacific Standard Time", "Pacific/Port_Moresby"),
    ("Tasmania Standard Time", "Australia/Hobart"),
    ("Vladivostok Standard Time", "Asia/Vladivostok"),
    ("Lord Howe Standard Time", "Australia/Lord_Howe"),
    ("Bougainville Standard Time", "Pacific/Bougainville"),
    ("Russia Time Zone 10", "Asia/Srednekolymsk"),
    ("Magadan Standard Time", "Asia/Magadan"),
    ("Norfolk Standard Time", "Pacific/Norfolk"),
    ("Sakhalin Standard Time", "Asia/Sakhalin"),
    ("Central Pacific Standard Time", "Pacific/Guadalcanal"),
    ("Russia Time Zone 11", "Asia/Kamchatka"),
    ("Kamchatka Standard Time", "Asia/Kamchatka"),
    ("New Zealand Standard Time", "Pacific/Auckland"),
    ("UTC+12", "Etc/GMT-12"),
    ("Fiji Standard Time", "Pacific/Fiji"),
    ("Chatham Islands Standard Time", "Pacific/Chatham"),
    ("UTC+13", "Etc/GMT-13"),
    ("Tonga Standard Time", "Pacific/Tongatapu"),
    ("Samoa Standard Time", "Pacific/Apia"),
    ("Line Islands Standard Time", "Pacific/Kiritimati"),
];

/// The IANA zone for a Windows zone id ("W. Europe Standard Time" →
/// "Europe/Berlin"), case-insensitively; `None` if it is not one.
pub fn windows_to_iana(name: &str) -> Option<&'static str> {
    let name = name.trim();
    WINDOWS_ZONES
        .iter()
        .find(|(windows, _)| windows.eq_ignore_ascii_case(name))
        .map(|&(_, iana)| iana)
}

/// A resolved zone and, when known, its IANA name (for display and export).
#[derive(Clone)]
pub(crate) struct Resolved {
    pub tz: TimeZone,
    pub iana: Option<String>,
}

/// Resolves TZIDs for one file, caching per name (a file of 10,000 invites
/// typically repeats one or two zones).
pub(crate) struct ZoneResolver<'a> {
    /// VTIMEZONEs by [`zone_key`] of their TZID.
    definitions: HashMap<String, &'a Component<'a>>,
    cache: HashMap<String, Resolved>,
    default: &'a TimeZone,
    /// The warnings given, once per TZID: (TZID, line, message).
    pub(crate) noted: Vec<(String, usize, String)>,
}

impl<'a> ZoneResolver<'a> {
    pub(crate) fn new(roots: &'a [Component<'a>], default: &'a TimeZone) -> Self {
        let mut definitions = HashMap::new();
        let mut stack: Vec<&Component> = roots.iter().collect();
        while let Some(c) = stack.pop() {
            if c.name == "VTIMEZONE" {
                if let Some(tzid) = c.prop("TZID") {
                    definitions.entry(zone_key(tzid.value)).or_insert(c);
                }
            } else {
                stack.extend(c.children.iter());
            }
        }
        ZoneResolver {
            definitions,
            cache: HashMap::new(),
            default,
            noted: Vec::new(),
        }
    }

    /// Has this TZID been resolved (and any warning about it given)?
    pub(crate) fn has_resolved(&self, tzid: &str) -> bool {
        self.cache.contains_key(tzid)
    }

    pub(crate) fn default_zone(&self) -> Resolved {
        Resolved {
            tz: self.default.clone(),
            iana: self.default.iana_name().map(str::to_string),
        }
    }

    pub(crate) fn resolve(&mut self, tzid: &str, line: usize, warnings: &mut Warnings) -> Resolved {
        let tzid = tzid.trim().trim_matches('"').trim();
        if let Some(hit) = self.cache.get(tzid) {
            return hit.clone();
        }
        let (resolved, note) = self.resolve_uncached(tzid);
        if let Some(note) = note {
            warnings.push(line, &note);
            self.noted.push((tzid.to_string(), line, note));
        }
        self.cache.insert(tzid.to_string(), resolved.clone());
        resolved
    }

    fn resolve_uncached(&self, tzid: &str) -> (Resolved, Option<String>) {
        let iana = |name: &str| {
            TimeZone::get(name).ok().map(|tz| Resolved {
                tz,
                iana: Some(name.to_string()),
            })
        };
        if let Some(r) = iana(tzid) {
            return (r, None);
        }
        if let Some(r) = windows_to_iana(tzid).and_then(iana) {
            return (r, None);
        }
        // Evolution and old Thunderbird prefix IANA names with a path
        // ("/freeassociation.sourceforge.net/Tzfile/Europe/London").
        for (i, _) in tzid.match_indices('/') {
            if let Some(r) = iana(&tzid[i + 1..]) {
                return (r, None);
            }
        }
        if let Some(tz) = self
            .definitions
            .get(&zone_key(tzid))
            .and_then(|c| zone_from_vtimezone(c))
        {
            return (Resolved { tz, iana: None }, None);
        }
        if let Some(offset) = offset_in_name(tzid) {
            let note = format!(
                "time zone '{}' is not defined; used its UTC offset {offset} (no daylight saving)",
                snippet(tzid)
            );
            return (
                Resolved {
                    tz: TimeZone::fixed(offset),
                    iana: None,
                },
                Some(note),
            );
        }
        // "US-Mountain" and friends: an IANA name with '-' for '/'.
        if let Some((area, place)) = tzid.split_once('-')
            && let Some(r) = iana(&format!("{area}/{place}"))
        {
            let note = format!(
                "time zone '{}' is not a known name; read as {area}/{place}",
                snippet(tzid)
            );
            return (r, Some(note));
        }
        // The file's own VTIMEZONE, when it defines one zone: an invite
        // names its zone differently in two places more often than it
        // means two zones.
        let mut defined = self
            .definitions
            .iter()
            .filter_map(|(name, c)| zone_from_vtimezone(c).map(|tz| (name, tz)));
        if let (Some((name, tz)), None) = (defined.next(), defined.next()) {
            let note = format!(
                "time zone '{}' is not defined; used the offsets of the file's VTIMEZONE '{}'",
                snippet(tzid),
                snippet(name)
            );
            return (Resolved { tz, iana: None }, Some(note));
        }
        let d = self.default_zone();
        let note = format!(
            "unknown time zone '{}'; read as {} local time",
            snippet(tzid),
            d.iana.as_deref().unwrap_or("the default zone's")
        );
        (d, Some(note))
    }
}

/// A TZID as written in a VTIMEZONE's TZID property or a TZID parameter,
/// reduced to what both spellings share: Exchange writes
/// `TZID:Pacific Time (US & Canada)\, Tijuana` (TEXT-escaped) and refers
/// to it as `TZID="Pacific Time (US & Canada), Tijuana"` (quoted).
fn zone_key(tzid: &str) -> String {
    let t = tzid.trim().trim_matches('"').trim();
    if !t.contains('\\') {
        return t.to_string();
    }
    let mut out = String::with_capacity(t.len());
    let mut chars = t.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek()) {
            ('\\', Some(&next)) if next.is_ascii_punctuation() => {
                out.push(next);
                chars.next();
            }
            _ => out.push(c),
        }
    }
    out
}

/// "(UTC-03:00) Brasília", "GMT +0100 (Standard) / …", "UTC+5:30" → offset.
fn offset_in_name(name: &str) -> Option<Offset> {
    let upper = name.to_ascii_uppercase();
    let at = upper.find("UTC").or_else(|| upper.find("GMT"))?;
    let rest = upper[at + 3..].trim_start();
    let (sign, rest) = match rest.as_bytes().first()? {
        b'+' => (1, &rest[1..]),
        b'-' => (-1, &rest[1..]),
        _ => return None,
    };
    let digits: String = rest
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == ':' || *c == '.')
        .filter(char::is_ascii_digit)
        .collect();
    let (h, m) = match digits.len() {
        1 | 2 => (digits.parse::<i32>().ok()?, 0),
        3 => (
            digits[..1].parse::<i32>().ok()?,
            digits[1..].parse::<i32>().ok()?,
        ),
        4 => (
            digits[..2].parse::<i32>().ok()?,
            digits[2..].parse::<i32>().ok()?,
        ),
        _ => return None,
    };
    if h > 14 || m > 59 {
        return None;
    }
    Offset::from_seconds(sign * (h * 3600 + m * 60)).ok()
}

/// `+0100`, `-0330`, `+053000` → seconds east of UTC.
fn parse_utc_offset(text: &str) -> Option<i32> {
    let text = text.trim();
    let (sign, digits) = match text.as_bytes().first()? {
        b'+' => (1, &text[1..]),
        b'-' => (-1, &text[1..]),
        _ => return None,
    };
    if !(digits.len() == 4 || digits.len() == 6) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let h: i32 = digits[..2].parse().ok()?;
    let m: i32 = digits[2..4].parse().ok()?;
    let s: i32 = digits
        .get(4..)
        .filter(|s| !s.is_empty())
        .map_or(Some(0), |s| s.parse().ok())?;
    (h < 24 && m < 60 && s < 60).then_some(sign * (h * 3600 + m * 60 + s))
}

/// One STANDARD or DAYLIGHT observance reduced to what a POSIX rule needs.
struct Observance<'a> {
    dtstart: &'a str,
    offset_to: i32,
    rrule: Option<&'a str>,
}

fn observance<'a>(c: &Component<'a>) -> Option<Observance<'a>> {
    Some(Observance {
        dtstart: c.prop("DTSTART").map_or("", |p| p.value.trim()),
        offset_to: parse_utc_offset(c.prop("TZOFFSETTO")?.value)?,
        rrule: c.prop("RRULE").map(|p| p.value),
    })
}

/// The observance that applies now: the one starting last.
fn latest<'a>(c: &Component<'a>, name: &str) -> Option<Observance<'a>> {
    c.children_named(name)
        .filter_map(observance)
        .max_by(|a, b| a.dtstart.cmp(b.dtstart))
}

/// A yearly `BYMONTH=m;BYDAY=nDD` rule as POSIX `Mm.w.d/hh:mm:ss`.
fn posix_rule(obs: &Observance<'_>) -> Option<String> {
    let rrule = obs.rrule?;
    let mut month = None;
    let mut byday = None;
    let mut yearly = false;
    for part in rrule.split(';') {
        let (k, v) = part.split_once('=')?;
        match k.trim().to_ascii_uppercase().as_str() {
            "FREQ" => yearly = v.trim().eq_ignore_ascii_case("YEARLY"),
            "BYMONTH" => month = v.trim().parse::<u8>().ok().filter(|m| (1..=12).contains(m)),
            "BYDAY" => byday = Some(v.trim().to_ascii_uppercase()),
            // A rule that ended (UNTIL) or picks days by date can't be a
            // POSIX rule; the caller falls back to a fixed offset.
            "UNTIL" | "BYMONTHDAY" | "BYYEARDAY" | "COUNT" => return None,
            _ => {}
        }
    }
    let byday = byday?;
    if !yearly || byday.len() < 3 || !byday.is_ascii() {
        return None;
    }
    let (ordinal, day) = byday.split_at(byday.len() - 2);
    let week = match ordinal {
        "-1" => 5,
        "1" | "+1" => 1,
        "2" | "+2" => 2,
        "3" | "+3" => 3,
        "4" | "+4" => 4,
        _ => return None,
    };
    let weekday = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"]
        .iter()
        .position(|d| *d == day)?;
    let time = obs
        .dtstart
        .split_once(['T', 't'])
        .map_or("000000", |(_, t)| t);
    let time = time.trim_end_matches(['Z', 'z']);
    if time.len() != 6 || !time.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(format!(
        "M{}.{week}.{weekday}/{}:{}:{}",
        month?,
        &time[..2],
        &time[2..4],
        &time[4..]
    ))
}

/// POSIX offsets count west of UTC, so the sign flips.
fn posix_offset(seconds_east: i32) -> String {
    let west = -seconds_east;
    let sign = if west < 0 { "-" } else { "" };
    let a = west.unsigned_abs();
    format!("{sign}{}:{:02}:{:02}", a / 3600, a / 60 % 60, a % 60)
}

/// Builds a zone from a VTIMEZONE: a POSIX rule when it has the usual two
/// yearly observances, else the standard offset.
fn zone_from_vtimezone(c: &Component) -> Option<TimeZone> {
    let standard = latest(c, "STANDARD");
    let daylight = latest(c, "DAYLIGHT");
    if let (Some(std), Some(dst)) = (&standard, &daylight)
        && let (Some(start), Some(end)) = (posix_rule(dst), posix_rule(std))
    {
        let posix = format!(
            "STD{}DST{},{start},{end}",
            posix_offset(std.offset_to),
            posix_offset(dst.offset_to)
        );
        if let Ok(tz) = TimeZone::posix(&posix) {
            return Some(tz);
        }
    }
    let offset = standard.or(daylight)?.offset_to;
    Offset::from_seconds(offset).ok().map(TimeZone::fixed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_names_map_to_iana_and_resolve() {
        assert!(WINDOWS_ZONES.len() >= 40);
        for (windows, iana) in WINDOWS_ZONES {
            assert!(
                TimeZone::get(iana).is_ok(),
                "{windows} → {iana} is not in the tz database"
            );
        }
        assert_eq!(
            windows_to_iana("w. europe standard time"),
            Some("Europe/Berlin")
        );
        assert_eq!(windows_to_iana("India Standard Time"), Some("Asia/Kolkata"));
        assert_eq!(windows_to_iana("Europe/Berlin"), None);
    }

    #[test]
    fn offsets_in_outlook_display_names() {
        let secs = |s: &str| offset_in_name(s).map(|o| o.seconds());
        assert_eq!(secs("(UTC-03:00) Brasília"), Some(-3 * 3600));
        assert_eq!(
            secs("GMT +0100 (Standard) / GMT +0200 (Daylight)"),
            Some(3600)
        );
        assert_eq!(secs("(GMT+05:30) Chennai, Kolkata"), Some(19_800));
        assert_eq!(secs("UTC"), None);
        assert_eq!(secs("GMT+99"), None);
    }

    #[test]
    fn posix_offsets_flip_sign() {
        assert_eq!(posix_offset(3600), "-1:00:00");
        assert_eq!(posix_offset(-3 * 3600 - 1800), "3:30:00");
    }
}
