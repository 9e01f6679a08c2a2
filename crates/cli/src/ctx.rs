//! What every command needs: the store, the clock, and errors that map to
//! FORMAT.md §2's exit codes.

use std::fmt;
use std::path::{Path, PathBuf};

use std::cell::OnceCell;

use debrief_app::{AppError, BoxStore, Location};
use debrief_core::edit::EditError;
use debrief_core::exchange::{ExchangeError, parse_timezone};
pub use debrief_core::input::system_zone;
use debrief_core::input::{clock_now, closest, effective_profile, parse_date, parse_time};
use debrief_core::model::{Application, Moment, Profile};
use debrief_store::{Change, Origin, Source, StoreError, Unit};
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

/// A command's failure, carrying its exit code.
#[derive(Debug)]
pub enum Failure {
    /// Exit 1: the command ran and found a problem (a refused follow-up…).
    /// The command has already printed what it has to say.
    Problem,
    /// Exit 2: bad input or usage; nothing was written.
    Input(String),
    /// Exit 3: the store could not be used right now (busy beyond its
    /// wait, locked); nothing was written, trying again may work.
    Busy(String),
}

impl Failure {
    pub fn input(msg: impl fmt::Display) -> Failure {
        Failure::Input(msg.to_string())
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        if e.is_busy() {
            Failure::Busy(e.to_string())
        } else {
            Failure::Input(e.to_string())
        }
    }
}

/// The application layer's refusals, as exit codes: busy is 3, an
/// unknown application names the ones there are, a refused edit names its
/// flag; everything else is bad input (2).
impl From<AppError> for Failure {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Store(e) => e.into(),
            AppError::Edit(e) => refused(e),
            AppError::UnknownApplication { id, known } => unknown_application(&id, &known),
            e => Failure::Input(e.to_string()),
        }
    }
}

impl From<ExchangeError> for Failure {
    fn from(e: ExchangeError) -> Self {
        Failure::Input(e.to_string())
    }
}

impl From<EditError> for Failure {
    fn from(e: EditError) -> Self {
        Failure::Input(e.message)
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        Failure::Input(e.to_string())
    }
}

pub type Result<T, E = Failure> = std::result::Result<T, E>;

/// The system's IANA zone, or UTC when it cannot be named.
/// The name of FILE in messages: `<stdin>` for `-`.
pub fn input_name(path: &Path) -> String {
    if path.as_os_str() == "-" {
        "<stdin>".to_string()
    } else {
        path.display().to_string()
    }
}

/// Reads FILE, or standard input for `-`: at most `limit` bytes, refusing
/// more with `too_big` as the reason (exit 2, nothing written).
pub fn read_input(path: &Path, limit: u64, too_big: &str) -> Result<Vec<u8>> {
    use std::io::Read;
    let cannot = |e: std::io::Error| Failure::input(format!("cannot read {}: {e}", path.display()));
    let mut buf = Vec::new();
    let cap = limit.saturating_add(1);
    if path.as_os_str() == "-" {
        std::io::stdin().take(cap).read_to_end(&mut buf)?;
    } else {
        let file = std::fs::File::open(path).map_err(cannot)?;
        // Sized once from the file's length (a doubling buffer would touch
        // up to twice the memory), never beyond the limit.
        if let Ok(meta) = file.metadata() {
            let wanted = meta.len().min(cap);
            buf.reserve_exact(usize::try_from(wanted).unwrap_or(0));
        }
        file.take(cap).read_to_end(&mut buf).map_err(cannot)?;
    }
    if buf.len() as u64 > limit {
        return Err(Failure::input(format!(
            "{} is larger than {} MB; {too_big}",
            input_name(path),
            limit >> 20
        )));
    }
    Ok(buf)
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
    /// Any backend: only `debrief_app::open` names one.
    pub store: BoxStore,
    /// Where the store is (the file, or a PostgreSQL database).
    pub location: Location,
    pub db_path: PathBuf,
    now_text: Option<String>,
    /// Read once per command: the clock, times and the engine all need it.
    profile: OnceCell<Profile>,
    /// The command as typed (without global options), for the history.
    what: String,
}

/// "unknown application 'x'; did you mean 'y'?", from the ids the store has.
pub fn unknown_application(id: &str, known: &[String]) -> Failure {
    let hint = closest(id, known)
        .map(|k| format!("; did you mean '{k}'?"))
        .unwrap_or_else(|| {
            if known.is_empty() {
                "; the store has no applications yet (debrief app add, or debrief import)".into()
            } else {
                "; list them with: debrief app list".into()
            }
        });
    Failure::input(format!("unknown application '{id}'{hint}"))
}

/// Asks before a command destroys data (FORMAT.md §2): `--yes` goes
/// ahead; on a terminal the user answers; otherwise the command refuses
/// (exit 2) and nothing changes.
pub fn confirm(yes: bool, question: &str) -> Result<()> {
    use std::io::{BufRead, IsTerminal, Write};
    if yes {
        return Ok(());
    }
    if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
        return Err(Failure::input(format!(
            "{question} This deletes data, so it needs --yes when not run at a terminal; nothing changed"
        )));
    }
    let mut e = std::io::stderr();
    let _ = write!(e, "{question} [y/N] ");
    let _ = e.flush();
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    if matches!(line.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
        Ok(())
    } else {
        Err(Failure::input("not confirmed; nothing changed"))
    }
}

/// The command line as the history shows it: the subcommand and its
/// arguments, without `--db`, `--now` and `--yes`, at most 200 characters.
pub fn command_words() -> String {
    let mut words = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--db" || arg == "--now" || arg == "--database" || arg == "--account" {
            args.next();
            continue;
        }
        if arg.starts_with("--db=")
            || arg.starts_with("--now=")
            || arg.starts_with("--database=")
            || arg.starts_with("--account=")
            || arg == "--yes"
            || arg == "-y"
        {
            continue;
        }
        words.push(if arg.contains(' ') {
            format!("\"{arg}\"")
        } else {
            arg
        });
    }
    let text = format!("debrief {}", words.join(" "));
    match text.char_indices().nth(200) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

impl Ctx {
    /// Opens the store for one command: the SQLite file `db` (or the
    /// default one), or `database`, a vault of a PostgreSQL database
    /// (`admin::vault_location` chose it; the MCP server's). A command that `reads_only` does
    /// not create a store that is not there (a mistyped `--db` would leave
    /// an empty file and its folders behind): it sees an empty one.
    pub fn open_in(
        db: Option<&Path>,
        database: Option<&Location>,
        now: Option<String>,
        reads_only: bool,
    ) -> Result<Ctx> {
        let db_path = match db {
            Some(p) => p.to_path_buf(),
            None => default_db_path()?,
        };
        let location = match database {
            Some(l) => l.clone(),
            None => Location::File(db_path.clone()),
        };
        let missing = location.is_file() && !db_path.exists();
        if reads_only && missing && db.is_some() {
            crate::render::err(&format!(
                "{} there is no store at {} yet; showing an empty one (nothing is created).\n",
                crate::render::paint(crate::render::DIM, "note:"),
                db_path.display()
            ));
        }
        let store = debrief_app::open(&location, reads_only && missing).map_err(|e| {
            let msg = match &location {
                Location::File(p) => format!("cannot open the store at {}: {e}", p.display()),
                Location::Database(_) | Location::Vault { .. } => {
                    format!("cannot open the database: {e}")
                }
            };
            if e.is_busy() {
                Failure::Busy(msg)
            } else {
                Failure::input(msg)
            }
        })?;
        Ok(Ctx::assemble(store, db_path, location, now))
    }

    fn assemble(store: BoxStore, db_path: PathBuf, location: Location, now: Option<String>) -> Ctx {
        Ctx {
            store,
            db_path,
            location,
            now_text: now,
            profile: OnceCell::new(),
            what: command_words(),
        }
    }

    /// A command's context over a store already opened at `location`
    /// (`admin::open_vault`: a PostgreSQL vault chosen by account).
    pub fn with_store(
        db: Option<&Path>,
        location: Location,
        store: BoxStore,
        now: Option<String>,
    ) -> Result<Ctx> {
        let db_path = match db {
            Some(p) => p.to_path_buf(),
            None => default_db_path()?,
        };
        Ok(Ctx::assemble(store, db_path, location, now))
    }

    /// The saved profile; before one is saved, the system's time zone and
    /// the holiday calendar that goes with it.
    pub fn profile(&self) -> Result<Profile> {
        if let Some(p) = self.profile.get() {
            return Ok(p.clone());
        }
        let p = effective_profile(self.store.profile()?, system_zone);
        Ok(self.profile.get_or_init(|| p).clone())
    }

    /// For commands that change the profile: read it again next time.
    pub fn forget_profile(&mut self) {
        self.profile.take();
    }

    pub fn tz(&self) -> Result<TimeZone> {
        parse_timezone(&self.profile()?.timezone).map_err(Failure::input)
    }

    /// The clock: `--now`/`DEBRIEF_NOW` if given, else the system's.
    pub fn now(&self) -> Result<Timestamp> {
        match &self.now_text {
            Some(text) => Ok(parse_time(text, &self.tz()?)
                .map_err(|e| Failure::input(format!("--now: {e}")))?
                .ts),
            None => Ok(clock_now()),
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
                parse_time(t, &self.tz()?).map_err(|e| Failure::input(format!("{what}: {e}")))
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
            unknown_application(id, &self.store.application_ids().unwrap_or_default())
        })
    }

    /// What the history records for this command's change.
    pub fn origin(&self) -> Result<Origin> {
        Ok(Origin::new(Source::Cli, self.now()?, self.what.clone()))
    }

    /// Runs `work` in one write transaction (`BEGIN IMMEDIATE`: reads and
    /// writes see no other writer in between; a busy store is waited for,
    /// then exit 3) and records the change in the history. On any error
    /// nothing is written.
    pub fn update<T>(&mut self, work: impl FnOnce(&mut Unit<'_>) -> Result<T>) -> Result<T> {
        let origin = self.origin()?;
        debrief_app::update(&mut *self.store, &origin, work)
    }

    /// Runs one use case of the application layer at this command's
    /// clock, recorded in the history as this command.
    pub fn run<T>(
        &mut self,
        call: impl FnOnce(&mut dyn debrief_store::Store, &Origin) -> Result<T, AppError>,
    ) -> Result<T> {
        let origin = self.origin()?;
        Ok(call(&mut *self.store, &origin)?)
    }

    /// Writes `changes` in one journalled transaction.
    pub fn write(&mut self, changes: &[Change]) -> Result<()> {
        let origin = self.origin()?;
        Ok(debrief_app::apply(&mut *self.store, &origin, changes)?)
    }

    /// Loads an application, lets `edit` change it, validates the result and
    /// writes it back, all in one transaction (`debrief_app::edit_app`). On
    /// any error nothing is written.
    pub fn update_app<T>(
        &mut self,
        id: &str,
        edit: impl FnOnce(&mut Application) -> Result<T>,
    ) -> Result<T> {
        let origin = self.origin()?;
        debrief_app::edit_app(&mut *self.store, &origin, id, None, edit)
    }
}

/// A person of `app` by id, or the refusal (exit 2) naming the ones there are.
pub(crate) fn person_ref<'a>(
    app: &'a Application,
    id: &str,
) -> Result<&'a debrief_core::model::Person> {
    debrief_core::edit::person(app, id, "person").map_err(refused)
}

/// A refused edit (exit 2), naming the flag at fault as other input errors
/// do (`--by: …`); positional arguments and unknown ids need no flag.
pub(crate) fn refused(e: EditError) -> Failure {
    let flag = match e.field.as_str() {
        "text" | "fact" | "said" | "rule" | "person" | "interview" | "went_well" => {
            return e.into();
        }
        "apologized" => "--mark-apologized".to_string(),
        "start" => "--at".to_string(),
        field => format!("--{}", field.replace('_', "-")),
    };
    Failure::input(format!("{flag}: {}", e.message))
}
