//! What every command needs: the store, the clock, and errors that map to
//! FORMAT.md §2's exit codes.

use std::fmt;
use std::path::{Path, PathBuf};

use debrief_core::exchange::{self, ExchangeError, parse_timezone};
use debrief_core::model::{Application, Moment, Profile};
use debrief_store::{Change, StoreError, StoreReader, StoreWriter};
use debrief_store_sqlite::SqliteStore;
use jiff::Timestamp;
use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;

/// A command's failure, carrying its exit code.
#[derive(Debug)]
pub enum Failure {
    /// Exit 1: the command ran and found a problem (a refused follow-up…).
    /// The command has already printed what it has to say.
    Problem,
    /// Exit 2: bad input or usage; nothing was written.
    Input(String),
}

impl Failure {
    pub fn input(msg: impl fmt::Display) -> Failure {
        Failure::Input(msg.to_string())
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        Failure::Input(e.to_string())
    }
}

impl From<ExchangeError> for Failure {
    fn from(e: ExchangeError) -> Self {
        Failure::Input(e.to_string())
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        Failure::Input(e.to_string())
    }
}

pub type Result<T, E = Failure> = std::result::Result<T, E>;

/// The system's IANA zone, or UTC when it cannot be named.
pub fn system_zone() -> String {
    TimeZone::system().iana_name().unwrap_or("UTC").to_string()
}

/// The default store: `debrief.db` in the platform's data directory.
pub fn default_db_path() -> Result<PathBuf> {
    directories::ProjectDirs::from("", "", "debrief")
        .map(|d| d.data_dir().join("debrief.db"))
        .ok_or_else(|| {
            Failure::input(
                "cannot find a data directory for the store; pass --db PATH or set DEBRIEF_DB",
            )
        })
}

pub struct Ctx {
    pub store: SqliteStore,
    pub db_path: PathBuf,
    now_text: Option<String>,
}

impl Ctx {
    pub fn open(db: Option<&Path>, now: Option<String>) -> Result<Ctx> {
        let db_path = match db {
            Some(p) => p.to_path_buf(),
            None => default_db_path()?,
        };
        let store = SqliteStore::open(&db_path).map_err(|e| {
            Failure::input(format!(
                "cannot open the store at {}: {e}",
                db_path.display()
            ))
        })?;
        Ok(Ctx {
            store,
            db_path,
            now_text: now,
        })
    }

    /// The saved profile; before one is saved, the system's time zone and
    /// the holiday calendar that goes with it.
    pub fn profile(&self) -> Result<Profile> {
        let mut p = self.store.profile()?;
        if p == Profile::default() {
            p.timezone = system_zone();
            p.holidays.calendar = debrief_core::demo::holidays_for_zone(&p.timezone);
        }
        Ok(p)
    }

    pub fn tz(&self) -> Result<TimeZone> {
        parse_timezone(&self.profile()?.timezone).map_err(Failure::input)
    }

    /// The clock: `--now`/`DEBRIEF_NOW` if given, else the system's.
    pub fn now(&self) -> Result<Timestamp> {
        match &self.now_text {
            Some(text) => {
                parse_time(text, &self.tz()?).map_err(|e| Failure::input(format!("--now: {e}")))
            }
            None => Ok(Timestamp::now()),
        }
    }

    /// `now` written in the profile's zone, for storing.
    pub fn now_moment(&self) -> Result<Moment> {
        Ok(Moment::in_zone(self.now()?, &self.tz()?))
    }

    /// A user-given time (`--at`), or now.
    pub fn time_or_now(&self, text: Option<&str>, what: &str) -> Result<Moment> {
        match text {
            Some(t) => {
                let tz = self.tz()?;
                let ts = parse_time(t, &tz).map_err(|e| Failure::input(format!("{what}: {e}")))?;
                Ok(moment_as_written(t, ts, &tz))
            }
            None => self.now_moment(),
        }
    }

    /// A user-given date, or today in the profile's zone.
    pub fn date_or_today(&self, text: Option<&str>, what: &str) -> Result<Date> {
        match text {
            Some(t) => parse_date(t).map_err(|e| Failure::input(format!("{what}: {e}"))),
            None => Ok(self.now()?.to_zoned(self.tz()?).date()),
        }
    }

    pub fn application(&self, id: &str) -> Result<Application> {
        self.store.application(id)?.ok_or_else(|| {
            let known = self.store.application_ids().unwrap_or_default();
            let hint = closest(id, &known)
                .map(|k| format!("; did you mean '{k}'?"))
                .unwrap_or_else(|| {
                    if known.is_empty() {
                        "; the store has no applications yet (debrief app add, or debrief import)"
                            .into()
                    } else {
                        "; list them with: debrief app list".into()
                    }
                });
            Failure::input(format!("unknown application '{id}'{hint}"))
        })
    }

    /// Loads an application, lets `edit` change it, validates the result and
    /// writes it back in one transaction. On any error nothing is written.
    pub fn update_app<T>(
        &mut self,
        id: &str,
        edit: impl FnOnce(&mut Application) -> Result<T>,
    ) -> Result<T> {
        let mut app = self.application(id)?;
        let out = edit(&mut app)?;
        exchange::validate_application(&app, &format!("application '{id}'"))?;
        self.store.apply(&[Change::PutApplication(app)])?;
        Ok(out)
    }
}

/// The known id closest to `id`, for "did you mean".
pub fn closest<'a>(id: &str, known: &'a [String]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (strsim_ratio(id, k), k.as_str()))
        .filter(|(s, _)| *s >= 0.75)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k)
}

fn strsim_ratio(a: &str, b: &str) -> f64 {
    // Normalized Levenshtein without another dependency: the alphabet is
    // small and ids are short.
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    1.0 - prev[b.len()] as f64 / a.len().max(b.len()) as f64
}

/// Reads a time: RFC 3339 with an offset (or an RFC 9557 zone), or a civil
/// "YYYY-MM-DD HH:MM" / "YYYY-MM-DDTHH:MM" read in `tz`.
pub fn parse_time(text: &str, tz: &TimeZone) -> Result<Timestamp, String> {
    if let Ok(m) = text.parse::<Moment>() {
        return Ok(m.ts);
    }
    let civil: DateTime = text.trim().replacen(' ', "T", 1).parse().map_err(|_| {
        format!("'{text}' is not a time; write 2026-11-20T10:00:00-06:00 or \"2026-11-20 10:00\" (in your profile's time zone)")
    })?;
    tz.to_ambiguous_timestamp(civil).compatible().map_err(|e| {
        format!(
            "'{text}' does not exist in {}: {e}",
            tz.iana_name().unwrap_or("your time zone")
        )
    })
}

/// Keeps the offset the user wrote, or the profile zone's for civil times.
fn moment_as_written(text: &str, ts: Timestamp, tz: &TimeZone) -> Moment {
    text.parse::<Moment>()
        .unwrap_or_else(|_| Moment::in_zone(ts, tz))
}

pub fn parse_date(text: &str) -> Result<Date, String> {
    text.trim()
        .parse::<Date>()
        .map_err(|_| format!("'{text}' is not a date; write YYYY-MM-DD, e.g. 2026-12-04"))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_read_in_the_profile_zone_when_civil() {
        let tz = TimeZone::get("America/Chicago").expect("tz");
        assert_eq!(
            parse_time("2026-11-20 10:00", &tz).expect("t").to_string(),
            "2026-11-20T16:00:00Z"
        );
        assert_eq!(
            parse_time("2026-11-20T10:00:00Z", &tz)
                .expect("t")
                .to_string(),
            "2026-11-20T10:00:00Z"
        );
        assert!(
            parse_time("next tuesday", &tz)
                .unwrap_err()
                .contains("next tuesday")
        );
    }

    #[test]
    fn slugs_and_unique_ids() {
        assert_eq!(slug("Acme Corp — Data Analyst"), "acme-corp-data-analyst");
        assert_eq!(unique_id("marie", |c| c == "marie"), "marie-2");
        assert_eq!(
            closest("acme-analist", &["acme-analyst".into(), "globex".into()]),
            Some("acme-analyst")
        );
    }
}
