//! Small wording helpers shared by every `why` sentence, so times and lists
//! read the same everywhere.

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

/// "21 h ago", "3 days ago", "in 2 h", "in 5 days", "just now".
pub fn ago(now: Timestamp, then: Timestamp) -> String {
    let secs = now.as_second() - then.as_second();
    let past = secs >= 0;
    let s = secs.unsigned_abs();
    let amount = if s < 60 {
        return "just now".to_string();
    } else if s < 3600 {
        format!("{} min", s / 60)
    } else if s < 48 * 3600 {
        format!("{} h", s / 3600)
    } else {
        format!("{} days", s / 86_400)
    };
    if past {
        format!("{amount} ago")
    } else {
        format!("in {amount}")
    }
}

/// "Fri 20 Nov", with the year when it is not `today`'s.
pub fn day(d: Date, today: Date) -> String {
    if d.year() == today.year() {
        d.strftime("%a %-d %b").to_string()
    } else {
        d.strftime("%a %-d %b %Y").to_string()
    }
}

/// "Fri 20 Nov, 10:00" in `tz`.
pub fn when(ts: Timestamp, tz: &TimeZone) -> String {
    let z = ts.to_zoned(tz.clone());
    z.strftime("%a %-d %b, %-H:%M").to_string()
}

/// "Marie", "Marie and Raj", "Marie, Raj and Lee".
pub fn name_list(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The first control character in `text` that a field may not hold: in a
/// one-line field (`breaks: false`) any of them (C0, tab included, DEL,
/// C1); in a free text, any but tab, line feed and carriage return. They
/// are invisible, garble terminals and mail headers, and RFC 5545 forbids
/// them in a calendar.
pub fn forbidden_control(text: &str, breaks: bool) -> Option<char> {
    // Fast path: every such character starts with one of these bytes.
    if !text.bytes().any(|b| b < 0x20 || b == 0x7F || b == 0xC2) {
        return None;
    }
    text.chars()
        .find(|&c| c.is_control() && !(breaks && matches!(c, '\t' | '\n' | '\r')))
}

/// "contains a control character (U+0000); remove it".
pub fn control_message(c: char) -> String {
    format!(
        "contains a control character (U+{:04X}); remove it",
        u32::from(c)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_naturally() {
        let now: Timestamp = "2026-11-21T15:00:00Z".parse().expect("ts");
        let t = |s: &str| s.parse::<Timestamp>().expect("ts");
        assert_eq!(ago(now, t("2026-11-20T18:00:00Z")), "21 h ago");
        assert_eq!(ago(now, t("2026-11-18T15:00:00Z")), "3 days ago");
        assert_eq!(ago(now, t("2026-11-21T17:30:00Z")), "in 2 h");
        assert_eq!(ago(now, t("2026-11-21T15:00:30Z")), "just now");
    }

    #[test]
    fn lists_and_days() {
        assert_eq!(name_list(&["Marie", "Raj", "Lee"]), "Marie, Raj and Lee");
        let d = Date::new(2026, 11, 20).expect("date");
        assert_eq!(day(d, d), "Fri 20 Nov");
        assert_eq!(
            day(d, Date::new(2027, 1, 2).expect("date")),
            "Fri 20 Nov 2026"
        );
        let t: Timestamp = "2026-12-14T09:05:00Z".parse().expect("time");
        assert_eq!(when(t, &TimeZone::UTC), "Mon 14 Dec, 9:05");
        let t: Timestamp = "2026-12-14T17:30:00Z".parse().expect("time");
        assert_eq!(when(t, &TimeZone::UTC), "Mon 14 Dec, 17:30");
    }
}
