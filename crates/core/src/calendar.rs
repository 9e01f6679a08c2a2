//! The business calendar: which days count as business days for the user,
//! and wall-clock arithmetic in the profile's time zone.
//!
//! PLAYBOOK notation: `bd` = business days in the user's time zone, skipping
//! weekends and the user's holiday calendar.
//!
//! Public holidays are computed by rule for any year, never read from a list
//! that would run out:
//!
//! - `US`: federal holidays as observed by federal employees (5 U.S.C. 6103
//!   and OPM practice): a Saturday holiday is observed on the Friday before,
//!   a Sunday one on the Monday after. That is why New Year's Day on a
//!   Saturday shows up on December 31 of the *previous* year.
//! - `GB-ENG`: bank holidays in England and Wales (Banking and Financial
//!   Dealings Act 1971, schedule 1), with substitute days and the one-off
//!   changes made by royal proclamation (the tables `GB_MOVED` and
//!   `GB_ONE_OFF` below).
//!
//! Speed: each (calendar, year) is computed once into a bitmap of business
//! days, cached process-wide for the years around now, so a lookup is a bit
//! test and `add_business_days` counts bits a word at a time.

use std::borrow::Cow;
use std::fmt;
use std::sync::OnceLock;

use jiff::Timestamp;
use jiff::civil::{Date, Weekday, date};
use jiff::tz::TimeZone;

use crate::model::HolidayCalendar;

/// What [`BusinessCalendar::holiday`] calls one of the user's own days off.
const PERSONAL_DAY_OFF: &str = "personal day off";

/// Words in a year bitmap: bit `i` stands for day-of-year `i + 1` (≤ 366).
const WORDS: usize = 6;

/// One bit per day of one year; set = that day is a business day.
type YearBits = [u64; WORDS];

/// Business days for one profile: weekends, a public-holiday calendar and
/// the user's own extra days off, in one time zone.
///
/// Cheap to build (the public holidays live in a shared, lazily filled
/// cache) and cheap to query; `Send + Sync`, so it can be shared by threads.
#[derive(Clone)]
pub struct BusinessCalendar {
    tz: TimeZone,
    calendar: HolidayCalendar,
    /// The user's days off, sorted and without duplicates.
    extra: Vec<Date>,
    /// The same days as per-year masks, sorted by year, so that business-day
    /// arithmetic can drop them a word at a time.
    extra_bits: Vec<(i16, YearBits)>,
}

impl fmt::Debug for BusinessCalendar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BusinessCalendar")
            .field("tz", &self.tz)
            .field("calendar", &self.calendar)
            .field("extra", &self.extra)
            .finish()
    }
}

impl BusinessCalendar {
    /// A calendar in `tz` that skips weekends, the public holidays of
    /// `calendar` and the user's `extra` days off (in any order).
    pub fn new(tz: TimeZone, calendar: HolidayCalendar, extra: &[Date]) -> Self {
        let mut extra = extra.to_vec();
        extra.sort_unstable();
        extra.dedup();
        let mut extra_bits: Vec<(i16, YearBits)> = Vec::new();
        for &d in &extra {
            let (word, bit) = bit_of(d);
            match extra_bits.last_mut() {
                Some((year, bits)) if *year == d.year() => bits[word] |= bit,
                _ => {
                    let mut bits = [0; WORDS];
                    bits[word] |= bit;
                    extra_bits.push((d.year(), bits));
                }
            }
        }
        BusinessCalendar {
            tz,
            calendar,
            extra,
            extra_bits,
        }
    }

    /// The profile's time zone, in which dates and wall times are read.
    pub fn tz(&self) -> &TimeZone {
        &self.tz
    }

    /// The name of the holiday on `d`, if it is one: the public holiday as
    /// observed (e.g. "Independence Day (observed)"), else "personal day
    /// off" for one of the user's own days. A public holiday is named on
    /// its observed day only, not on the weekend date it moved from.
    pub fn holiday(&self, d: Date) -> Option<&'static str> {
        holiday_name(self.calendar, d).or_else(|| {
            self.extra
                .binary_search(&d)
                .is_ok()
                .then_some(PERSONAL_DAY_OFF)
        })
    }

    /// Whether `d` is a weekday that is neither a public holiday (as
    /// observed) nor one of the user's days off.
    pub fn is_business_day(&self, d: Date) -> bool {
        let (word, bit) = bit_of(d);
        self.business_bits(d.year())[word] & bit != 0
    }

    /// The `n`th business day strictly after `d` (`n = 0` gives `d`).
    ///
    /// Saturates at [`Date::MAX`] when the calendar runs out of days.
    pub fn add_business_days(&self, d: Date, n: u32) -> Date {
        if n == 0 {
            return d;
        }
        let mut left = n;
        let mut year = d.year();
        // Bit index of the day after `d` (day-of-year is 1-based).
        let mut from = day_index(d) + 1;
        loop {
            let bits = self.business_bits(year);
            for (w, &word) in bits.iter().enumerate().skip(from / 64) {
                let word = if w == from / 64 {
                    word & (!0u64 << (from % 64))
                } else {
                    word
                };
                let count = word.count_ones();
                if count < left {
                    left -= count;
                    continue;
                }
                // The answer is in this word: drop the lowest `left - 1` set
                // bits and take the next one.
                let mut word = word;
                for _ in 1..left {
                    word &= word - 1;
                }
                let index = w * 64 + word.trailing_zeros() as usize;
                return date_of_index(year, index).unwrap_or(Date::MAX);
            }
            match year.checked_add(1) {
                Some(next) if next <= Date::MAX.year() => {
                    year = next;
                    from = 0;
                }
                _ => return Date::MAX,
            }
        }
    }

    /// The first business day strictly after `d` (saturates at
    /// [`Date::MAX`]).
    pub fn next_business_day(&self, d: Date) -> Date {
        self.add_business_days(d, 1)
    }

    /// The number of business days in `(a, b]`, so that
    /// `business_days_between(d, add_business_days(d, n)) == n`; negative
    /// (minus the count in `(b, a]`) when `b` is before `a`.
    pub fn business_days_between(&self, a: Date, b: Date) -> i64 {
        if a <= b {
            self.count_after(a, b)
        } else {
            -self.count_after(b, a)
        }
    }

    /// Business days in `(a, b]`, for `a <= b`.
    fn count_after(&self, a: Date, b: Date) -> i64 {
        let mut total = 0;
        for year in a.year()..=b.year() {
            let lo = if year == a.year() {
                day_index(a) + 1
            } else {
                0
            };
            let hi = if year == b.year() {
                day_index(b)
            } else {
                WORDS * 64 - 1
            };
            total += i64::from(count_in_range(&self.business_bits(year), lo, hi));
        }
        total
    }

    /// The calendar date of `ts` in the profile's zone.
    pub fn local_date(&self, ts: Timestamp) -> Date {
        self.tz.to_datetime(ts).date()
    }

    /// The instant at which the wall clock in the profile's zone reads
    /// `hour:minute` on `d`. In a daylight-saving gap the later instant is
    /// used, in an overlap the earlier one (RFC 5545 "compatible").
    ///
    /// Out-of-range `hour`/`minute` are clamped to 0–23 / 0–59; a wall time
    /// beyond the range of [`Timestamp`] (only near [`Date::MIN`] and
    /// [`Date::MAX`]) saturates to [`Timestamp::MIN`] / [`Timestamp::MAX`].
    pub fn at(&self, d: Date, hour: i8, minute: i8) -> Timestamp {
        let dt = d.at(hour.clamp(0, 23), minute.clamp(0, 59), 0, 0);
        match self.tz.to_ambiguous_timestamp(dt).compatible() {
            Ok(ts) => ts,
            Err(_) if d.year() < 1970 => Timestamp::MIN,
            Err(_) => Timestamp::MAX,
        }
    }

    /// The business-day bitmap of `year`, without the user's days off.
    fn business_bits(&self, year: i16) -> YearBits {
        let mut bits = year_table(self.calendar, year).business;
        if let Ok(i) = self.extra_bits.binary_search_by_key(&year, |&(y, _)| y) {
            for (b, off) in bits.iter_mut().zip(self.extra_bits[i].1) {
                *b &= !off;
            }
        }
        bits
    }
}

/// The public holiday on `d` in `calendar` as observed, e.g. "Christmas Day
/// (observed)" on Friday 2021-12-24 in the US; `None` on ordinary days and
/// on a holiday's own date when it falls on a weekend and moves.
pub fn holiday_name(calendar: HolidayCalendar, d: Date) -> Option<&'static str> {
    year_table(calendar, d.year())
        .holidays
        .iter()
        .find(|(h, _)| *h == d)
        .map(|&(_, name)| name)
}

/// Every non-working public holiday of `calendar` in `year`, as observed
/// (the days people actually have off), in date order.
pub fn holidays_in_year(calendar: HolidayCalendar, year: i16) -> Vec<(Date, &'static str)> {
    year_table(calendar, year).holidays.to_vec()
}

// ---------------------------------------------------------------------------
// Per-year tables and their cache
// ---------------------------------------------------------------------------

/// One calendar's year: its observed holidays and business-day bitmap.
#[derive(Debug, Clone)]
struct YearTable {
    business: YearBits,
    holidays: Box<[(Date, &'static str)]>,
}

/// Years kept in the process-wide cache; others are computed on each call
/// (correct, just slower), which only happens for far-off dates.
const FIRST_CACHED_YEAR: i16 = 1900;
const CACHED_YEARS: usize = 400;

/// One lazily filled slot per calendar and cached year. Filling a year
/// costs a few microseconds, so a cold process pays only for the years it
/// touches.
static CACHE: [[OnceLock<YearTable>; CACHED_YEARS]; 3] =
    [const { [const { OnceLock::new() }; CACHED_YEARS] }; 3];

fn year_table(calendar: HolidayCalendar, year: i16) -> Cow<'static, YearTable> {
    let calendar_slot = match calendar {
        HolidayCalendar::Us => 0,
        HolidayCalendar::GbEng => 1,
        HolidayCalendar::None => 2,
    };
    let cell = usize::try_from(i32::from(year) - i32::from(FIRST_CACHED_YEAR))
        .ok()
        .and_then(|i| CACHE[calendar_slot].get(i));
    match cell {
        Some(cell) => Cow::Borrowed(cell.get_or_init(|| YearTable::build(calendar, year))),
        None => Cow::Owned(YearTable::build(calendar, year)),
    }
}

impl YearTable {
    fn build(calendar: HolidayCalendar, year: i16) -> YearTable {
        let holidays = observed_holidays(calendar, year);
        let mut business = weekday_bits(year);
        for &(d, _) in &holidays {
            let (word, bit) = bit_of(d);
            business[word] &= !bit;
        }
        YearTable {
            business,
            holidays: holidays.into_boxed_slice(),
        }
    }
}

/// Monday to Friday of `year` (empty outside the range of [`Date`]).
fn weekday_bits(year: i16) -> YearBits {
    let mut bits = [0; WORDS];
    let Ok(jan1) = Date::new(year, 1, 1) else {
        return bits;
    };
    let first = usize::try_from(jan1.weekday().to_monday_zero_offset()).unwrap_or(0);
    let days = usize::try_from(jan1.days_in_year()).unwrap_or(0);
    for i in 0..days {
        if (first + i) % 7 < 5 {
            bits[i / 64] |= 1 << (i % 64);
        }
    }
    bits
}

/// Zero-based day of the year of `d` (0..=365).
fn day_index(d: Date) -> usize {
    usize::try_from(d.day_of_year() - 1).unwrap_or(0)
}

/// The word and mask of `d` in its year's bitmap.
fn bit_of(d: Date) -> (usize, u64) {
    let i = day_index(d);
    (i / 64, 1 << (i % 64))
}

fn date_of_index(year: i16, index: usize) -> Option<Date> {
    let day = i16::try_from(index + 1).ok()?;
    Date::new(year, 1, 1)
        .ok()?
        .with()
        .day_of_year(day)
        .build()
        .ok()
}

/// Set bits of `bits` with index in `lo..=hi` (none when `lo > hi`).
fn count_in_range(bits: &YearBits, lo: usize, hi: usize) -> u32 {
    let mut count = 0;
    for (w, &word) in bits.iter().enumerate() {
        let base = w * 64;
        if base + 63 < lo || base > hi {
            continue;
        }
        let mut word = word;
        if lo > base {
            word &= !0u64 << (lo - base);
        }
        if hi < base + 63 {
            word &= !0u64 >> (63 - (hi - base));
        }
        count += word.count_ones();
    }
    count
}

// ---------------------------------------------------------------------------
// Holiday rules
// ---------------------------------------------------------------------------

/// The observed holidays of `calendar` that fall in `year`, sorted.
///
/// Neighbouring years are computed too, because an observed day can leave
/// its year (US New Year's Day on a Saturday is observed on December 31).
fn observed_holidays(calendar: HolidayCalendar, year: i16) -> Vec<(Date, &'static str)> {
    let rules: fn(i16) -> Vec<(Date, &'static str)> = match calendar {
        HolidayCalendar::Us => us_observed,
        HolidayCalendar::GbEng => gb_eng_observed,
        HolidayCalendar::None => return Vec::new(),
    };
    let mut all: Vec<(Date, &'static str)> = [year.checked_sub(1), Some(year), year.checked_add(1)]
        .into_iter()
        .flatten()
        .flat_map(rules)
        .filter(|(d, _)| d.year() == year)
        .collect();
    all.sort_unstable();
    all.dedup_by_key(|(d, _)| *d);
    all
}

fn is_weekend(d: Date) -> bool {
    matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
}

/// The `nth` `weekday` of `month` in `year`; negative `nth` counts from the
/// end of the month (`-1` = last).
fn nth_weekday(year: i16, month: i8, nth: i8, weekday: Weekday) -> Option<Date> {
    Date::new(year, month, 1)
        .ok()?
        .nth_weekday_of_month(nth, weekday)
        .ok()
}

/// A US federal holiday: its date by rule, its name, and its name when it
/// is observed on another day.
struct UsHoliday {
    on: Option<Date>,
    name: &'static str,
    observed: &'static str,
}

/// US federal holidays of `year` as observed by federal employees.
///
/// Modelled history: MLK Day from 1986, Juneteenth from 2021, and the
/// Uniform Monday Holiday Act from 1971 (before it Washington's Birthday
/// was Feb 22, Memorial Day May 30 and Columbus Day not a federal holiday;
/// from 1971 to 1977 Veterans Day was the 4th Monday of October). Older
/// history (holidays created before 1971, wartime Thanksgivings) is not.
fn us_observed(year: i16) -> Vec<(Date, &'static str)> {
    let fixed = |month, day| Date::new(year, month, day).ok();
    let holiday = |on, name, observed| UsHoliday { on, name, observed };
    let mut rules = vec![holiday(
        fixed(1, 1),
        "New Year's Day",
        "New Year's Day (observed)",
    )];
    if year >= 1986 {
        let name = "Birthday of Martin Luther King Jr.";
        rules.push(holiday(
            nth_weekday(year, 1, 3, Weekday::Monday),
            name,
            name,
        ));
    }
    let (washington, memorial) = if year >= 1971 {
        (
            nth_weekday(year, 2, 3, Weekday::Monday),
            nth_weekday(year, 5, -1, Weekday::Monday),
        )
    } else {
        (fixed(2, 22), fixed(5, 30))
    };
    rules.push(holiday(
        washington,
        "Washington's Birthday",
        "Washington's Birthday (observed)",
    ));
    rules.push(holiday(memorial, "Memorial Day", "Memorial Day (observed)"));
    if year >= 2021 {
        rules.push(holiday(
            fixed(6, 19),
            "Juneteenth National Independence Day",
            "Juneteenth National Independence Day (observed)",
        ));
    }
    rules.push(holiday(
        fixed(7, 4),
        "Independence Day",
        "Independence Day (observed)",
    ));
    rules.push(holiday(
        nth_weekday(year, 9, 1, Weekday::Monday),
        "Labor Day",
        "Labor Day",
    ));
    if year >= 1971 {
        rules.push(holiday(
            nth_weekday(year, 10, 2, Weekday::Monday),
            "Columbus Day",
            "Columbus Day",
        ));
    }
    let veterans = if (1971..=1977).contains(&year) {
        nth_weekday(year, 10, 4, Weekday::Monday)
    } else {
        fixed(11, 11)
    };
    rules.push(holiday(veterans, "Veterans Day", "Veterans Day (observed)"));
    rules.push(holiday(
        nth_weekday(year, 11, 4, Weekday::Thursday),
        "Thanksgiving Day",
        "Thanksgiving Day",
    ));
    rules.push(holiday(
        fixed(12, 25),
        "Christmas Day",
        "Christmas Day (observed)",
    ));

    rules
        .into_iter()
        .filter_map(|h| {
            let on = h.on?;
            match on.weekday() {
                Weekday::Saturday => Some((on.yesterday().ok()?, h.observed)),
                Weekday::Sunday => Some((on.tomorrow().ok()?, h.observed)),
                _ => Some((on, h.name)),
            }
        })
        .collect()
}

/// Usual names of the GB-ENG holidays that proclamations have moved.
const EARLY_MAY: &str = "Early May bank holiday";
const SPRING: &str = "Spring bank holiday";

/// Regular England and Wales bank holidays moved by royal proclamation:
/// the holiday's usual name, the day it moved to, and its name that year.
const GB_MOVED: &[(&str, Date, &str)] = &[
    // 50th and 75th anniversaries of VE Day.
    (
        EARLY_MAY,
        date(1995, 5, 8),
        "Early May bank holiday (VE Day)",
    ),
    (
        EARLY_MAY,
        date(2020, 5, 8),
        "Early May bank holiday (VE Day)",
    ),
    // Jubilees: a four-day weekend at the start of June.
    (SPRING, date(2002, 6, 4), SPRING),
    (SPRING, date(2012, 6, 4), SPRING),
    (SPRING, date(2022, 6, 2), SPRING),
];

/// One-off England and Wales bank holidays proclaimed for national events.
const GB_ONE_OFF: &[(Date, &str)] = &[
    (date(1977, 6, 7), "Silver Jubilee bank holiday"),
    (
        date(1981, 7, 29),
        "Bank holiday for the wedding of Prince Charles and Lady Diana Spencer",
    ),
    (date(1999, 12, 31), "Millennium bank holiday"),
    (date(2002, 6, 3), "Golden Jubilee bank holiday"),
    (
        date(2011, 4, 29),
        "Bank holiday for the wedding of Prince William and Catherine Middleton",
    ),
    (date(2012, 6, 5), "Diamond Jubilee bank holiday"),
    (date(2022, 6, 3), "Platinum Jubilee bank holiday"),
    (
        date(2022, 9, 19),
        "Bank holiday for the State Funeral of Queen Elizabeth II",
    ),
    (
        date(2023, 5, 8),
        "Bank holiday for the coronation of King Charles III",
    ),
];

/// A GB-ENG bank holiday before substitution: its date, name, and the name
/// of its substitute day should it fall on a weekend.
struct GbHoliday {
    on: Option<Date>,
    name: &'static str,
    substitute: Option<&'static str>,
}

/// England and Wales bank holidays of `year`, with substitute days.
///
/// Modelled history: the 1971 Act's holidays for every year, New Year's
/// Day from 1974, the early May holiday from 1978, and the proclamations
/// in `GB_MOVED` and `GB_ONE_OFF`. The pre-1971 schedule (Whit Monday,
/// first Monday in August) is not modelled.
fn gb_eng_observed(year: i16) -> Vec<(Date, &'static str)> {
    let fixed = |month, day| Date::new(year, month, day).ok();
    let holiday = |on, name, substitute| GbHoliday {
        on,
        name,
        substitute,
    };
    let easter = easter_sunday(year);
    let mut rules = Vec::with_capacity(12);
    if year >= 1974 {
        rules.push(holiday(
            fixed(1, 1),
            "New Year's Day",
            Some("New Year's Day (substitute day)"),
        ));
    }
    rules.push(holiday(
        easter.and_then(|e| e.yesterday().ok()?.yesterday().ok()),
        "Good Friday",
        None,
    ));
    rules.push(holiday(
        easter.and_then(|e| e.tomorrow().ok()),
        "Easter Monday",
        None,
    ));
    if year >= 1978 {
        rules.push(holiday(
            nth_weekday(year, 5, 1, Weekday::Monday),
            EARLY_MAY,
            None,
        ));
    }
    rules.push(holiday(
        nth_weekday(year, 5, -1, Weekday::Monday),
        SPRING,
        None,
    ));
    rules.push(holiday(
        nth_weekday(year, 8, -1, Weekday::Monday),
        "Summer bank holiday",
        None,
    ));
    rules.push(holiday(
        fixed(12, 25),
        "Christmas Day",
        Some("Christmas Day (substitute day)"),
    ));
    rules.push(holiday(
        fixed(12, 26),
        "Boxing Day",
        Some("Boxing Day (substitute day)"),
    ));

    for &(usual, to, name) in GB_MOVED {
        if to.year() != year {
            continue;
        }
        for h in rules.iter_mut().filter(|h| h.name == usual) {
            h.on = Some(to);
            h.name = name;
        }
    }
    for &(on, name) in GB_ONE_OFF.iter().filter(|(d, _)| d.year() == year) {
        rules.push(holiday(Some(on), name, None));
    }

    let mut days: Vec<(Date, &'static str, Option<&'static str>)> = rules
        .into_iter()
        .filter_map(|h| Some((h.on?, h.name, h.substitute)))
        .collect();
    days.sort_unstable_by_key(|&(d, _, _)| d);

    // A weekend holiday moves to the next weekday that is not already a
    // holiday; in date order, so Christmas takes the Monday before Boxing Day.
    let mut taken: Vec<Date> = days
        .iter()
        .map(|&(d, _, _)| d)
        .filter(|&d| !is_weekend(d))
        .collect();
    let mut observed = Vec::with_capacity(days.len());
    for (on, name, substitute) in days {
        if !is_weekend(on) {
            observed.push((on, name));
            continue;
        }
        let Some(substitute) = substitute else {
            continue;
        };
        if let Some(day) = next_free_weekday(on, &taken) {
            taken.push(day);
            observed.push((day, substitute));
        }
    }
    observed
}

/// The first weekday after `d` that is not in `taken`.
fn next_free_weekday(d: Date, taken: &[Date]) -> Option<Date> {
    let mut day = d;
    loop {
        day = day.tomorrow().ok()?;
        if !is_weekend(day) && !taken.contains(&day) {
            return Some(day);
        }
    }
}

/// Easter Sunday in the Gregorian calendar (the anonymous Gregorian
/// algorithm, as given by Meeus).
fn easter_sunday(year: i16) -> Option<Date> {
    let y = i32::from(year);
    let a = y.rem_euclid(19);
    let b = y.div_euclid(100);
    let c = y.rem_euclid(100);
    let d = b.div_euclid(4);
    let e = b.rem_euclid(4);
    let f = (b + 8).div_euclid(25);
    let g = (b - f + 1).div_euclid(3);
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let i = c.div_euclid(4);
    let k = c.rem_euclid(4);
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l).div_euclid(451);
    let n = h + l - 7 * m + 114;
    let month = i8::try_from(n.div_euclid(31)).ok()?;
    let day = i8::try_from(n.rem_euclid(31) + 1).ok()?;
    Date::new(year, month, day).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::ToSpan;
    use proptest::prelude::*;

    fn us() -> BusinessCalendar {
        BusinessCalendar::new(TimeZone::UTC, HolidayCalendar::Us, &[])
    }

    fn gb() -> BusinessCalendar {
        BusinessCalendar::new(TimeZone::UTC, HolidayCalendar::GbEng, &[])
    }

    fn ts(s: &str) -> Timestamp {
        s.parse().expect("valid RFC 3339 timestamp")
    }

    fn zone(name: &str) -> TimeZone {
        TimeZone::get(name).expect("zone in the system tz database")
    }

    /// `holidays_in_year` against an expected `(month, day, name)` list.
    fn check_year(calendar: HolidayCalendar, year: i16, expected: &[(i8, i8, &str)]) {
        let expected: Vec<(Date, &str)> = expected
            .iter()
            .map(|&(m, d, name)| (date(year, m, d), name))
            .collect();
        assert_eq!(
            holidays_in_year(calendar, year),
            expected,
            "{calendar} {year}"
        );
        for &(d, name) in &expected {
            assert_eq!(holiday_name(calendar, d), Some(name));
        }
    }

    #[test]
    fn us_2026() {
        check_year(
            HolidayCalendar::Us,
            2026,
            &[
                (1, 1, "New Year's Day"),
                (1, 19, "Birthday of Martin Luther King Jr."),
                (2, 16, "Washington's Birthday"),
                (5, 25, "Memorial Day"),
                (6, 19, "Juneteenth National Independence Day"),
                (7, 3, "Independence Day (observed)"),
                (9, 7, "Labor Day"),
                (10, 12, "Columbus Day"),
                (11, 11, "Veterans Day"),
                (11, 26, "Thanksgiving Day"),
                (12, 25, "Christmas Day"),
            ],
        );
    }

    #[test]
    fn us_2027() {
        check_year(
            HolidayCalendar::Us,
            2027,
            &[
                (1, 1, "New Year's Day"),
                (1, 18, "Birthday of Martin Luther King Jr."),
                (2, 15, "Washington's Birthday"),
                (5, 31, "Memorial Day"),
                (6, 18, "Juneteenth National Independence Day (observed)"),
                (7, 5, "Independence Day (observed)"),
                (9, 6, "Labor Day"),
                (10, 11, "Columbus Day"),
                (11, 11, "Veterans Day"),
                (11, 25, "Thanksgiving Day"),
                (12, 24, "Christmas Day (observed)"),
                // New Year's Day 2028 is a Saturday.
                (12, 31, "New Year's Day (observed)"),
            ],
        );
    }

    #[test]
    fn us_new_year_on_saturday_is_observed_the_year_before() {
        let cal = HolidayCalendar::Us;
        let y2021 = holidays_in_year(cal, 2021);
        assert_eq!(
            y2021.first(),
            Some(&(date(2021, 1, 1), "New Year's Day")),
            "2021-01-01 is a Friday"
        );
        assert_eq!(
            y2021.last(),
            Some(&(date(2021, 12, 31), "New Year's Day (observed)"))
        );
        assert!(y2021.contains(&(date(2021, 12, 24), "Christmas Day (observed)")));
        let y2022 = holidays_in_year(cal, 2022);
        assert!(y2022.iter().all(|(_, name)| !name.starts_with("New Year")));
        assert_eq!(
            y2022.first(),
            Some(&(date(2022, 1, 17), "Birthday of Martin Luther King Jr."))
        );
        assert_eq!(holiday_name(cal, date(2022, 1, 1)), None);
        assert!(y2022.contains(&(date(2022, 12, 26), "Christmas Day (observed)")));
        assert!(y2022.contains(&(
            date(2022, 6, 20),
            "Juneteenth National Independence Day (observed)"
        )));
    }

    #[test]
    fn us_independence_day_2026_on_saturday_is_observed_friday() {
        let cal = us();
        assert_eq!(
            cal.holiday(date(2026, 7, 3)),
            Some("Independence Day (observed)")
        );
        assert!(!cal.is_business_day(date(2026, 7, 3)));
        assert_eq!(cal.holiday(date(2026, 7, 4)), None);
        assert_eq!(cal.next_business_day(date(2026, 7, 2)), date(2026, 7, 6));
    }

    #[test]
    fn us_history() {
        let cal = HolidayCalendar::Us;
        // No MLK Day before 1986, no Juneteenth before 2021.
        assert_eq!(holiday_name(cal, date(1985, 1, 21)), None);
        assert_eq!(
            holiday_name(cal, date(1986, 1, 20)),
            Some("Birthday of Martin Luther King Jr.")
        );
        assert_eq!(holiday_name(cal, date(2020, 6, 19)), None);
        // Veterans Day on the 4th Monday of October, 1971-1977.
        assert_eq!(holiday_name(cal, date(1975, 10, 27)), Some("Veterans Day"));
        assert_eq!(
            holiday_name(cal, date(1978, 11, 10)),
            Some("Veterans Day (observed)")
        );
    }

    #[test]
    fn gb_eng_2026() {
        check_year(
            HolidayCalendar::GbEng,
            2026,
            &[
                (1, 1, "New Year's Day"),
                (4, 3, "Good Friday"),
                (4, 6, "Easter Monday"),
                (5, 4, "Early May bank holiday"),
                (5, 25, "Spring bank holiday"),
                (8, 31, "Summer bank holiday"),
                (12, 25, "Christmas Day"),
                (12, 28, "Boxing Day (substitute day)"),
            ],
        );
    }

    #[test]
    fn gb_eng_2027() {
        check_year(
            HolidayCalendar::GbEng,
            2027,
            &[
                (1, 1, "New Year's Day"),
                (3, 26, "Good Friday"),
                (3, 29, "Easter Monday"),
                (5, 3, "Early May bank holiday"),
                (5, 31, "Spring bank holiday"),
                (8, 30, "Summer bank holiday"),
                (12, 27, "Christmas Day (substitute day)"),
                (12, 28, "Boxing Day (substitute day)"),
            ],
        );
    }

    #[test]
    fn gb_eng_2020() {
        check_year(
            HolidayCalendar::GbEng,
            2020,
            &[
                (1, 1, "New Year's Day"),
                (4, 10, "Good Friday"),
                (4, 13, "Easter Monday"),
                (5, 8, "Early May bank holiday (VE Day)"),
                (5, 25, "Spring bank holiday"),
                (8, 31, "Summer bank holiday"),
                (12, 25, "Christmas Day"),
                (12, 28, "Boxing Day (substitute day)"),
            ],
        );
    }

    #[test]
    fn gb_eng_2022() {
        check_year(
            HolidayCalendar::GbEng,
            2022,
            &[
                (1, 3, "New Year's Day (substitute day)"),
                (4, 15, "Good Friday"),
                (4, 18, "Easter Monday"),
                (5, 2, "Early May bank holiday"),
                (6, 2, "Spring bank holiday"),
                (6, 3, "Platinum Jubilee bank holiday"),
                (8, 29, "Summer bank holiday"),
                (
                    9,
                    19,
                    "Bank holiday for the State Funeral of Queen Elizabeth II",
                ),
                // Christmas on Sunday: Boxing Day keeps Monday.
                (12, 26, "Boxing Day"),
                (12, 27, "Christmas Day (substitute day)"),
            ],
        );
    }

    #[test]
    fn gb_eng_christmas_on_saturday_2021() {
        let days = holidays_in_year(HolidayCalendar::GbEng, 2021);
        assert_eq!(
            &days[days.len() - 2..],
            &[
                (date(2021, 12, 27), "Christmas Day (substitute day)"),
                (date(2021, 12, 28), "Boxing Day (substitute day)"),
            ]
        );
        assert_eq!(days.len(), 8);
    }

    #[test]
    fn gb_eng_proclamations() {
        let cal = HolidayCalendar::GbEng;
        let on = |y, m, d| holiday_name(cal, date(y, m, d));
        assert_eq!(on(1995, 5, 8), Some("Early May bank holiday (VE Day)"));
        assert_eq!(on(1995, 5, 1), None);
        assert_eq!(on(1999, 12, 31), Some("Millennium bank holiday"));
        assert_eq!(on(2000, 1, 3), Some("New Year's Day (substitute day)"));
        assert_eq!(on(2002, 6, 3), Some("Golden Jubilee bank holiday"));
        assert_eq!(on(2002, 6, 4), Some("Spring bank holiday"));
        assert_eq!(on(2002, 5, 27), None);
        assert_eq!(on(2012, 6, 4), Some("Spring bank holiday"));
        assert_eq!(on(2012, 6, 5), Some("Diamond Jubilee bank holiday"));
        assert_eq!(on(2012, 5, 28), None);
        assert_eq!(on(2022, 5, 30), None);
        assert_eq!(
            on(2011, 4, 29),
            Some("Bank holiday for the wedding of Prince William and Catherine Middleton")
        );
        assert_eq!(
            on(2023, 5, 8),
            Some("Bank holiday for the coronation of King Charles III")
        );
        assert_eq!(on(2023, 5, 1), Some("Early May bank holiday"));
        assert_eq!(on(1977, 6, 7), Some("Silver Jubilee bank holiday"));
        // Rules that did not exist yet.
        assert_eq!(on(1977, 5, 2), None);
        assert_eq!(on(1973, 1, 1), None);
    }

    #[test]
    fn easter_dates() {
        for (y, m, d) in [
            (1818, 3, 22),
            (1943, 4, 25),
            (2000, 4, 23),
            (2008, 3, 23),
            (2011, 4, 24),
            (2019, 4, 21),
            (2024, 3, 31),
            (2025, 4, 20),
            (2038, 4, 25),
            (2285, 3, 22),
        ] {
            assert_eq!(easter_sunday(y), Some(date(y, m, d)), "{y}");
        }
    }

    #[test]
    fn no_calendar_only_skips_weekends() {
        let cal = BusinessCalendar::new(TimeZone::UTC, HolidayCalendar::None, &[]);
        assert!(holidays_in_year(HolidayCalendar::None, 2026).is_empty());
        assert!(cal.is_business_day(date(2026, 12, 25)));
        assert!(!cal.is_business_day(date(2026, 12, 26)));
        assert_eq!(
            cal.add_business_days(date(2026, 12, 24), 1),
            date(2026, 12, 25)
        );
    }

    #[test]
    fn extra_days_off() {
        let extra = [
            date(2026, 12, 29),
            date(2026, 12, 28),
            date(2027, 1, 4),
            date(2026, 12, 29),
        ];
        let cal = BusinessCalendar::new(TimeZone::UTC, HolidayCalendar::Us, &extra);
        assert_eq!(cal.holiday(date(2026, 12, 28)), Some("personal day off"));
        assert_eq!(cal.holiday(date(2026, 12, 25)), Some("Christmas Day"));
        assert!(!cal.is_business_day(date(2026, 12, 29)));
        assert!(cal.is_business_day(date(2026, 12, 30)));
        // Thu 24 → (25 holiday, weekend, 28–29 off) 30, 31, (Jan 1 holiday,
        // weekend, Jan 4 off) Jan 5.
        assert_eq!(
            cal.add_business_days(date(2026, 12, 24), 1),
            date(2026, 12, 30)
        );
        assert_eq!(
            cal.add_business_days(date(2026, 12, 24), 3),
            date(2027, 1, 5)
        );
        assert_eq!(
            cal.business_days_between(date(2026, 12, 24), date(2027, 1, 5)),
            3
        );
        assert_eq!(
            cal.business_days_between(date(2027, 1, 5), date(2026, 12, 24)),
            -3
        );
    }

    #[test]
    fn add_business_days_across_holidays() {
        // Thanksgiving is Thursday 2026-11-26.
        assert_eq!(
            us().add_business_days(date(2026, 11, 25), 1),
            date(2026, 11, 27)
        );
        // Good Friday 2026-04-03 and Easter Monday 2026-04-06.
        assert_eq!(
            gb().add_business_days(date(2026, 4, 2), 1),
            date(2026, 4, 7)
        );
        assert_eq!(
            gb().add_business_days(date(2026, 4, 2), 0),
            date(2026, 4, 2)
        );
        // From a weekend: Saturday → Monday.
        assert_eq!(
            us().add_business_days(date(2026, 3, 7), 1),
            date(2026, 3, 9)
        );
        // 10 bd across Christmas and New Year in the US.
        assert_eq!(
            us().add_business_days(date(2026, 12, 18), 10),
            date(2027, 1, 5)
        );
        // Year end from the last day of a leap year.
        assert_eq!(
            us().add_business_days(date(2024, 12, 31), 1),
            date(2025, 1, 2)
        );
    }

    #[test]
    fn never_panics_at_the_ends_of_time() {
        for cal in [us(), gb()] {
            assert_eq!(cal.add_business_days(Date::MAX, 1), Date::MAX);
            assert_eq!(cal.add_business_days(date(9999, 12, 20), 400), Date::MAX);
            assert!(cal.add_business_days(Date::MIN, 5) > Date::MIN);
            assert_eq!(cal.next_business_day(date(9999, 12, 31)), Date::MAX);
            let _ = cal.business_days_between(date(9998, 1, 1), Date::MAX);
            let _ = cal.is_business_day(Date::MIN);
            let _ = cal.holiday(Date::MAX);
            for zone_name in ["America/Chicago", "Pacific/Kiritimati", "Etc/GMT+12"] {
                let tz = BusinessCalendar::new(zone(zone_name), HolidayCalendar::Us, &[]);
                assert_eq!(tz.at(Date::MAX, 23, 59), Timestamp::MAX);
                assert_eq!(tz.at(Date::MIN, 0, 0), Timestamp::MIN);
                let _ = tz.local_date(Timestamp::MAX);
                let _ = tz.local_date(Timestamp::MIN);
            }
        }
        for year in [i16::MIN, -9999, -1, 0, 1, 9999, 10_000, i16::MAX] {
            for cal in HolidayCalendar::ALL {
                let _ = holidays_in_year(*cal, year);
            }
        }
    }

    #[test]
    fn at_in_us_dst_gap_takes_the_later_instant() {
        let cal = BusinessCalendar::new(zone("America/Chicago"), HolidayCalendar::Us, &[]);
        let d = date(2026, 3, 8);
        // 02:30 does not exist: clocks jump from 02:00 CST to 03:00 CDT.
        assert_eq!(cal.at(d, 2, 30), ts("2026-03-08T08:30:00Z"));
        assert_eq!(cal.at(d, 1, 30), ts("2026-03-08T07:30:00Z"));
        assert_eq!(cal.at(d, 9, 0), ts("2026-03-08T14:00:00Z"));
        // The fall-back overlap takes the earlier (CDT) instant.
        assert_eq!(cal.at(date(2026, 11, 1), 1, 30), ts("2026-11-01T06:30:00Z"));
        assert_eq!(cal.local_date(ts("2026-03-09T04:59:00Z")), date(2026, 3, 8));
    }

    #[test]
    fn at_in_eu_dst_gap_takes_the_later_instant() {
        let cal = BusinessCalendar::new(zone("Europe/London"), HolidayCalendar::GbEng, &[]);
        let d = date(2026, 3, 29);
        // 01:30 does not exist: clocks jump from 01:00 GMT to 02:00 BST.
        assert_eq!(cal.at(d, 1, 30), ts("2026-03-29T01:30:00Z"));
        assert_eq!(cal.at(d, 0, 30), ts("2026-03-29T00:30:00Z"));
        assert_eq!(cal.at(d, 17, 0), ts("2026-03-29T16:00:00Z"));
        let instant = cal.at(d, 1, 30).to_zoned(cal.tz().clone());
        assert_eq!(instant.datetime(), date(2026, 3, 29).at(2, 30, 0, 0));
    }

    #[test]
    fn at_clamps_out_of_range_wall_times() {
        let cal = us();
        assert_eq!(cal.at(date(2026, 1, 2), 25, 61), ts("2026-01-02T23:59:00Z"));
        assert_eq!(cal.at(date(2026, 1, 2), -1, -1), ts("2026-01-02T00:00:00Z"));
    }

    #[test]
    fn calendar_is_shareable() {
        fn check<T: Clone + fmt::Debug + Send + Sync + 'static>() {}
        check::<BusinessCalendar>();
        let cal = BusinessCalendar::new(zone("Europe/London"), HolidayCalendar::GbEng, &[]);
        let debug = format!("{cal:?}");
        assert!(debug.contains("GbEng"), "{debug}");
    }

    /// An independent, slow definition of a business day to test against.
    fn naive_is_business_day(cal: HolidayCalendar, extra: &[Date], d: Date) -> bool {
        !is_weekend(d)
            && !extra.contains(&d)
            && !holidays_in_year(cal, d.year()).iter().any(|(h, _)| *h == d)
    }

    fn naive_count(cal: HolidayCalendar, extra: &[Date], a: Date, b: Date) -> i64 {
        let mut count = 0;
        let mut d = a;
        while d < b {
            d = d.tomorrow().expect("test dates are far from Date::MAX");
            if naive_is_business_day(cal, extra, d) {
                count += 1;
            }
        }
        count
    }

    fn any_calendar() -> impl Strategy<Value = HolidayCalendar> {
        prop_oneof![
            Just(HolidayCalendar::Us),
            Just(HolidayCalendar::GbEng),
            Just(HolidayCalendar::None),
        ]
    }

    /// A date in 1900..2200 and a few days off near it.
    fn date_and_extras() -> impl Strategy<Value = (Date, Vec<Date>)> {
        (0i64..(300 * 365), prop::collection::vec(0i64..90, 0..6)).prop_map(|(day, offsets)| {
            let d = date(1900, 1, 1).checked_add(day.days()).expect("in range");
            let extra = offsets
                .into_iter()
                .map(|o| d.checked_add(o.days()).expect("in range"))
                .collect();
            (d, extra)
        })
    }

    proptest! {
        #[test]
        fn add_business_days_lands_n_business_days_later(
            cal in any_calendar(),
            (d, extra) in date_and_extras(),
            n in 1u32..=400,
        ) {
            let bc = BusinessCalendar::new(TimeZone::UTC, cal, &extra);
            let result = bc.add_business_days(d, n);
            prop_assert!(result > d);
            prop_assert!(bc.is_business_day(result));
            prop_assert!(naive_is_business_day(cal, &extra, result));
            prop_assert_eq!(naive_count(cal, &extra, d, result), i64::from(n));
            prop_assert_eq!(bc.business_days_between(d, result), i64::from(n));
            prop_assert_eq!(bc.business_days_between(result, d), -i64::from(n));
        }

        #[test]
        fn add_business_days_composes(
            cal in any_calendar(),
            (d, extra) in date_and_extras(),
            a in 0u32..=200,
            b in 0u32..=200,
        ) {
            let bc = BusinessCalendar::new(TimeZone::UTC, cal, &extra);
            prop_assert_eq!(
                bc.add_business_days(bc.add_business_days(d, a), b),
                bc.add_business_days(d, a + b)
            );
        }

        #[test]
        fn is_business_day_matches_the_holiday_list(
            cal in any_calendar(),
            (d, extra) in date_and_extras(),
        ) {
            let bc = BusinessCalendar::new(TimeZone::UTC, cal, &extra);
            prop_assert_eq!(bc.is_business_day(d), naive_is_business_day(cal, &extra, d));
            prop_assert_eq!(
                bc.holiday(d).is_some(),
                extra.contains(&d) || holiday_name(cal, d).is_some()
            );
        }

        #[test]
        fn never_panics_anywhere(
            cal in any_calendar(),
            day in 0i64..7_304_484,
            n in 0u32..=400,
            hour in any::<i8>(),
            minute in any::<i8>(),
        ) {
            let d = Date::MIN.checked_add(day.days()).unwrap_or(Date::MAX);
            let bc = BusinessCalendar::new(zone("America/New_York"), cal, &[d]);
            let result = bc.add_business_days(d, n);
            prop_assert!(result >= d);
            let _ = bc.holiday(d);
            let _ = bc.at(d, hour, minute);
            let _ = bc.business_days_between(d, result);
        }
    }
}
