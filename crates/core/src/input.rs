//! Reading what a person types — times, dates, names for new ids — the same
//! way in the command line and the web app.

use jiff::Timestamp;
use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;

use crate::demo::holidays_for_zone;
use crate::model::{Moment, Profile};

/// Reads a time: RFC 3339 with an offset (or an RFC 9557 zone), kept with
/// the offset it was written in; or a civil "YYYY-MM-DD HH:MM" /
/// "YYYY-MM-DDTHH:MM" (what `<input type=datetime-local>` sends) read in
/// `tz`. A civil time in a daylight-saving gap moves forward.
pub fn parse_time(text: &str, tz: &TimeZone) -> Result<Moment, String> {
    let text = text.trim();
    if let Ok(m) = text.parse::<Moment>() {
        return Ok(m);
    }
    let civil: DateTime = text.replacen(' ', "T", 1).parse().map_err(|_| {
        format!("'{text}' is not a time; write \"2026-11-20 10:00\" (in your profile's time zone) or 2026-11-20T10:00:00-06:00")
    })?;
    let ts = tz.to_ambiguous_timestamp(civil).compatible().map_err(|e| {
        format!(
            "'{text}' does not exist in {}: {e}",
            tz.iana_name().unwrap_or("your time zone")
        )
    })?;
    Ok(Moment::in_zone(ts, tz))
}

pub fn parse_date(text: &str) -> Result<Date, String> {
    text.trim()
        .parse::<Date>()
        .map_err(|_| format!("'{text}' is not a date; write YYYY-MM-DD, e.g. 2026-12-04"))
}

/// The system clock to the whole second: what people type and read, and
/// what exports show (no `…43.357421883` in a touch's time).
pub fn clock_now() -> Timestamp {
    let now = Timestamp::now();
    Timestamp::from_second(now.as_second()).unwrap_or(now)
}

/// This computer's IANA time zone (`UTC` if it has no name).
pub fn system_zone() -> String {
    TimeZone::system().iana_name().unwrap_or("UTC").to_string()
}

/// The profile to work with: the saved one, or — before one is saved — the
/// system's time zone (asked for only then) and the holiday calendar that
/// goes with it.
pub fn effective_profile(saved: Profile, system_zone: impl FnOnce() -> String) -> Profile {
    if saved != Profile::default() {
        return saved;
    }
    let zone = system_zone();
    let mut p = saved;
    p.holidays.calendar = holidays_for_zone(&zone);
    p.timezone = zone;
    p
}

/// A readable id from free text: "Acme Corp" → "acme-corp".
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').chars().take(48).collect()
}

/// `base`, or `base-2`, `base-3`… whichever is not taken.
pub fn unique_id(base: &str, taken: impl Fn(&str) -> bool) -> String {
    let base = if base.is_empty() { "item" } else { base };
    if !taken(base) {
        return base.to_string();
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|c| !taken(c))
        .unwrap_or_else(|| base.to_string())
}

/// The known id closest to `id`, for "did you mean".
pub fn closest<'a, S: AsRef<str>>(id: &str, known: &'a [S]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (strsim::normalized_levenshtein(id, k.as_ref()), k.as_ref()))
        .filter(|(s, _)| *s >= 0.75)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_keep_their_offset_or_are_read_in_the_profile_zone() {
        let tz = TimeZone::get("America/Chicago").expect("tz");
        assert_eq!(
            parse_time("2026-11-20 10:00", &tz).expect("t").to_string(),
            "2026-11-20T10:00:00-06:00"
        );
        assert_eq!(
            parse_time(" 2026-11-20T10:00:00Z ", &tz)
                .expect("t")
                .to_string(),
            "2026-11-20T10:00:00+00:00"
        );
        // 02:30 does not exist on 8 March 2026 in Chicago: it moves forward.
        assert_eq!(
            parse_time("2026-03-08 02:30", &tz).expect("t").to_string(),
            "2026-03-08T03:30:00-05:00"
        );
        assert!(
            parse_time("next tuesday", &tz)
                .unwrap_err()
                .contains("next tuesday")
        );
        assert!(parse_date("2026-02-30").unwrap_err().contains("YYYY-MM-DD"));
    }

    #[test]
    fn ids_and_suggestions() {
        assert_eq!(slug("Acme Corp — Data Analyst"), "acme-corp-data-analyst");
        assert_eq!(unique_id("marie", |c| c == "marie"), "marie-2");
        assert_eq!(unique_id("", |_| false), "item");
        assert_eq!(
            closest("acme-analist", &["acme-analyst", "globex"]),
            Some("acme-analyst")
        );
        assert_eq!(closest("zzz", &["acme-analyst"]), None);
    }

    #[test]
    fn an_unsaved_profile_follows_the_system_zone() {
        let london = || "Europe/London".to_string();
        let p = effective_profile(Profile::default(), london);
        assert_eq!(p.timezone, "Europe/London");
        assert_eq!(p.holidays.calendar, crate::model::HolidayCalendar::GbEng);
        let saved = Profile {
            name: "Sam".into(),
            ..Profile::default()
        };
        assert_eq!(effective_profile(saved.clone(), london), saved);
        assert_eq!(clock_now().subsec_nanosecond(), 0);
    }
}
