//! What every handler shares: the store (any backend) behind a mutex, the
//! clock, and the calls into `debrief-app` (`Problem` lives in `problem.rs`).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::time::Instant;

use axum::http::StatusCode;
use debrief_app::{AppError, BoxStore, Location};
use debrief_core::engine::Engine;
use debrief_core::exchange::parse_timezone;
use debrief_core::input::{clock_now, effective_profile, parse_date, parse_time, system_zone};
use debrief_core::model::{Application, Dataset, Moment, Profile};
use debrief_store::{Change, Origin, Source, StoreError, Unit};
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

pub use crate::problem::{Problem, Result};
use crate::snapshot::{Snapshot, Version};

/// A front end's own error beside the application layer's, inside one
/// call of it.
enum Either<E> {
    App(AppError),
    Own(E),
}

impl<E> From<AppError> for Either<E> {
    fn from(e: AppError) -> Self {
        Either::App(e)
    }
}

impl<E: From<Problem>> Either<E> {
    fn into_own(self) -> E {
        match self {
            Either::App(e) => Problem::from(e).into(),
            Either::Own(e) => e,
        }
    }
}

tokio::task_local! {
    /// What the request being served says about its writes: the front
    /// end (the API or a page) and the client's `If-Match`, set by
    /// [`write_context`] around each request.
    static WRITE: WriteContext;
}

/// The front end of a request and the version its client expects.
#[derive(Debug, Clone, Copy)]
pub struct WriteContext {
    pub source: Source,
    /// `If-Match: "N"`: write only while the application is at version N.
    pub if_match: Option<u64>,
}

/// Reads `If-Match` and whether the request is the API's, for the writes
/// the request makes; after an API request about one application, answers
/// with its version as the `ETag`.
pub async fn write_context(
    axum::Extension(st): axum::Extension<AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::http::header;
    use axum::response::IntoResponse;
    let path = req.uri().path().to_string();
    let api = path.starts_with("/api/");
    let if_match = match req.headers().get(header::IF_MATCH) {
        None => None,
        Some(v) => match v.to_str().ok().and_then(parse_etag) {
            Some(n) => Some(n),
            None => {
                return Problem {
                    status: StatusCode::PRECONDITION_FAILED,
                    message: "If-Match: expected an ETag this server gave (\"v12\")".into(),
                    field: None,
                }
                .into_response();
            }
        },
    };
    let ctx = WriteContext {
        source: if api { Source::Api } else { Source::Web },
        if_match,
    };
    let mut res = WRITE.scope(ctx, next.run(req)).await;
    if let Some(id) = api_application(&path)
        && (res.status().is_success())
        && let Ok(store) = st.store()
        && let Ok(Some(v)) = store.version(&id)
        && let Ok(value) = axum::http::HeaderValue::from_str(&etag(v))
    {
        res.headers_mut().insert(header::ETAG, value);
    }
    res
}

/// `"v12"` for version 12.
pub fn etag(version: u64) -> String {
    format!("\"v{version}\"")
}

fn parse_etag(text: &str) -> Option<u64> {
    let t = text.trim();
    let t = t.strip_prefix("W/").unwrap_or(t);
    t.strip_prefix("\"v")?.strip_suffix('"')?.parse().ok()
}

/// The application an API path is about: `/api/v1/applications/{id}…`.
fn api_application(path: &str) -> Option<String> {
    let rest = path.strip_prefix("/api/v1/applications/")?;
    let id = rest.split('/').next()?;
    (!id.is_empty()).then(|| id.to_string())
}

/// The request's `If-Match` version, if it sent one.
pub fn current_if_match() -> Option<u64> {
    write_ctx().if_match
}

/// The current request's write context (a page's, outside a request).
fn write_ctx() -> WriteContext {
    WRITE.try_with(|c| *c).unwrap_or(WriteContext {
        source: Source::Web,
        if_match: None,
    })
}

/// The state every handler gets: cheap to clone.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    /// Any backend: only `debrief_app::open` names one.
    store: Mutex<BoxStore>,
    /// `--now`, as given: read in the profile's zone each time, so a changed
    /// zone changes what a civil `--now` means, as in the CLI.
    now: Option<String>,
    /// The store file, to notice writes by other processes.
    path: Option<PathBuf>,
    /// Bumped by every write through this server.
    revision: AtomicU64,
    /// When the store's revision was last read, and what it was.
    checked: Mutex<Option<(Instant, Option<u64>)>>,
    /// The last agenda computed (see `snapshot`).
    snapshot: RwLock<Option<Arc<Snapshot>>>,
    /// Held while a snapshot is built, so concurrent requests build it once.
    building: Mutex<()>,
    /// Where the mail settings come from (read again on each use).
    mail: debrief_mail::Sources,
}

impl AppState {
    pub fn new(store: BoxStore, now: Option<String>) -> AppState {
        AppState::with_path(store, now, None, debrief_mail::Sources::from_env())
    }

    fn with_path(
        store: BoxStore,
        now: Option<String>,
        path: Option<PathBuf>,
        mail: debrief_mail::Sources,
    ) -> AppState {
        AppState {
            inner: Arc::new(Inner {
                store: Mutex::new(store),
                now,
                path,
                revision: AtomicU64::new(0),
                checked: Mutex::new(None),
                snapshot: RwLock::new(None),
                building: Mutex::new(()),
                mail,
            }),
        }
    }

    /// Opens the SQLite store at `path`; mail settings from this process's
    /// environment (and `mail.toml`), as `debrief send` reads them.
    pub fn open(path: &Path, now: Option<String>) -> Result<AppState, StoreError> {
        AppState::open_with_mail(path, now, debrief_mail::Sources::from_env())
    }

    /// Opens the SQLite store at `path`, with mail settings from `mail`.
    pub fn open_with_mail(
        path: &Path,
        now: Option<String>,
        mail: debrief_mail::Sources,
    ) -> Result<AppState, StoreError> {
        AppState::open_at(&Location::File(path.to_path_buf()), now, mail)
    }

    /// A vault of hosted mode, over the server's shared connections.
    pub fn open_vault(
        vaults: &debrief_app::Vaults,
        vault: &str,
        now: Option<String>,
        mail: debrief_mail::Sources,
    ) -> Result<AppState, StoreError> {
        Ok(AppState::with_path(vaults.open(vault)?, now, None, mail))
    }

    /// Opens the store at `location` (a SQLite file or a PostgreSQL
    /// database), with mail settings from `mail`.
    pub fn open_at(
        location: &Location,
        now: Option<String>,
        mail: debrief_mail::Sources,
    ) -> Result<AppState, StoreError> {
        Ok(AppState::with_path(
            debrief_app::open(location, false)?,
            now,
            location.path().map(Path::to_path_buf),
            mail,
        ))
    }

    /// Where the mail settings come from.
    pub fn mail(&self) -> &debrief_mail::Sources {
        &self.inner.mail
    }

    /// What cached answers depend on in the store, as of no earlier than
    /// this call: the store's revision is read once for every request that
    /// arrived before the read started (so many concurrent requests cost
    /// one small query, and a write committed before a request arrived is
    /// always seen by it).
    pub fn version(&self) -> Version {
        let arrived = Instant::now();
        match self.store() {
            Ok(store) => match self.checked_since(arrived) {
                Some(v) => v,
                None => self.version_of(&**store),
            },
            Err(_) => self.version_without_store(),
        }
    }

    /// The last revision read, if that read started at or after `arrived`.
    fn checked_since(&self, arrived: Instant) -> Option<Version> {
        let (started, store) = (*self.inner.checked.lock().ok()?)?;
        (started >= arrived).then(|| {
            Version::of(
                self.inner.revision.load(Ordering::Acquire),
                store,
                self.inner.path.as_deref(),
            )
        })
    }

    /// [`AppState::version`] with the store already locked. The store's
    /// revision is read before anything that depends on it, so a write
    /// in between makes the answer look stale, never fresh.
    fn version_of(&self, store: &dyn debrief_store::Store) -> Version {
        let started = Instant::now();
        let revision = self.inner.revision.load(Ordering::Acquire);
        // A store that cannot answer now is treated as unchanged until it
        // can; the next answer differs from `None` and rebuilds.
        let store = store.revision().ok().flatten();
        if let Ok(mut checked) = self.inner.checked.lock() {
            *checked = Some((started, store));
        }
        Version::of(revision, store, self.inner.path.as_deref())
    }

    fn version_without_store(&self) -> Version {
        Version::of(
            self.inner.revision.load(Ordering::Acquire),
            None,
            self.inner.path.as_deref(),
        )
    }

    /// Records that the store changed (a write outside `update`).
    pub fn changed(&self) {
        self.bump();
    }

    /// Records that the store changed: every cached answer is stale.
    fn bump(&self) {
        self.inner.revision.fetch_add(1, Ordering::AcqRel);
    }

    /// The minute of the clock a snapshot is good for: 0 with `--now`.
    fn minute(&self) -> i64 {
        match self.inner.now {
            Some(_) => 0,
            None => clock_now().as_second().div_euclid(60),
        }
    }

    /// The agenda as of now and the last write, built at most once a
    /// minute and once per change of the store (see `snapshot.rs`).
    pub fn snapshot(&self) -> Result<Arc<Snapshot>> {
        let fresh = |s: &Snapshot| s.version == self.version() && s.minute == self.minute();
        let cached = || {
            self.inner
                .snapshot
                .read()
                .ok()
                .and_then(|s| s.as_ref().filter(|s| fresh(s)).cloned())
        };
        if let Some(s) = cached() {
            return Ok(s);
        }
        let _building =
            self.inner.building.lock().map_err(|_| {
                Problem::internal("the agenda is unavailable after an earlier failure")
            })?;
        if let Some(s) = cached() {
            return Ok(s);
        }
        // The old one leaves the slot; it lends the new one the actions
        // of every application not written since when `now` is the same
        // (a write, not the clock, made it stale), and is let go first
        // otherwise: then only one agenda is in memory at a time.
        let earlier = self
            .inner
            .snapshot
            .write()
            .ok()
            .and_then(|mut slot| slot.take());
        let store = self.store()?;
        let version = self.version_of(&**store);
        let minute = self.minute();
        let profile = effective_profile(store.profile()?, system_zone);
        let tz = parse_timezone(&profile.timezone).map_err(Problem::internal)?;
        let now = self.now(&tz)?;
        let earlier = earlier.filter(|e| e.now == now);
        let snap = Arc::new(Snapshot::build(
            &**store,
            profile,
            now,
            version,
            minute,
            earlier.as_deref(),
        )?);
        drop(earlier);
        drop(store);
        if let Ok(mut slot) = self.inner.snapshot.write() {
            *slot = Some(snap.clone());
        }
        Ok(snap)
    }

    /// The store, locked. Every use is short and synchronous (small SQLite
    /// reads and one-transaction writes), so a plain mutex is enough.
    pub fn store(&self) -> Result<MutexGuard<'_, BoxStore>> {
        self.inner
            .store
            .lock()
            .map_err(|_| Problem::internal("the store is unavailable after an earlier failure"))
    }

    /// A connection of its own to the same store file, for long work (a
    /// mail scan reading an IMAP server) that must not hold the shared one;
    /// `None` for a store without a file (then use [`AppState::store`]).
    pub fn own_connection(&self) -> Result<Option<BoxStore>> {
        match &self.inner.path {
            Some(p) => Ok(Some(debrief_app::open(&Location::File(p.clone()), false)?)),
            None => Ok(None),
        }
    }

    /// The agenda at another moment (`?now=`, what-if): built like a
    /// snapshot, not kept.
    pub fn what_if(&self, text: &str) -> Result<Snapshot> {
        let store = self.store()?;
        let version = self.version_of(&**store);
        let profile = effective_profile(store.profile()?, system_zone);
        let tz = parse_timezone(&profile.timezone).map_err(Problem::internal)?;
        let now = parse_time(text, &tz)
            .map_err(|e| Problem::field("now", e))?
            .ts;
        Snapshot::build(&**store, profile, now, version, -1, None)
    }

    /// The saved profile; before one is saved, the system's zone (as the
    /// command line does).
    pub fn profile(&self) -> Result<Profile> {
        Ok(effective_profile(self.store()?.profile()?, system_zone))
    }

    pub fn load(&self) -> Result<Dataset> {
        Ok(self.store()?.load()?)
    }

    pub fn application(&self, id: &str) -> Result<Application> {
        self.store()?
            .application(id)?
            .ok_or_else(|| Problem::not_found(format!("no application with id '{id}'")))
    }

    /// The rule pack notes are checked with, as `debrief lint` reads it: the
    /// built-in pack with the user's `rules.toml` beside the store laid over
    /// it. Read on each use, so an edited pack applies without a restart.
    pub fn rule_pack(&self) -> Result<debrief_lint::RulePack> {
        let builtin = debrief_lint::RulePack::builtin();
        let Some(db) = &self.inner.path else {
            return Ok(builtin);
        };
        let path = match db.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.join("rules.toml"),
            _ => PathBuf::from("rules.toml"),
        };
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                let user = debrief_lint::RulePack::parse(&text).map_err(|e| {
                    Problem::internal(format!(
                        "your rule pack {} cannot be used: {e}; fix it or move it away",
                        path.display()
                    ))
                })?;
                Ok(builtin.merge(&user))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(builtin),
            Err(e) => Err(Problem::internal(format!(
                "cannot read your rule pack {}: {e}",
                path.display()
            ))),
        }
    }

    /// The clock: `--now` if given, else the system's.
    pub fn now(&self, tz: &TimeZone) -> Result<Timestamp> {
        match &self.inner.now {
            Some(text) => parse_time(text, tz)
                .map(|m| m.ts)
                .map_err(|e| Problem::internal(format!("--now: {e}"))),
            None => Ok(clock_now()),
        }
    }

    /// Everything a page or endpoint about "now" needs in one read.
    pub fn clock(&self) -> Result<Clock> {
        let profile = self.profile()?;
        let tz = parse_timezone(&profile.timezone).map_err(Problem::internal)?;
        let now = self.now(&tz)?;
        let engine = Engine::new(&profile).map_err(Problem::internal)?;
        Ok(Clock {
            profile,
            tz,
            now,
            engine,
        })
    }

    /// Who is writing and when, for the history.
    pub fn origin(&self, what: impl Into<String>) -> Result<Origin> {
        let now = match &self.inner.now {
            // The pinned clock needs the zone only for a civil time.
            Some(_) => {
                let profile = self.profile()?;
                let tz = parse_timezone(&profile.timezone).map_err(Problem::internal)?;
                self.now(&tz)?
            }
            None => clock_now(),
        };
        Ok(Origin::new(write_ctx().source, now, what))
    }

    /// Runs `work` in one write transaction (reads and writes with no
    /// other writer in between: `BEGIN IMMEDIATE` in SQLite), journalled
    /// under `what`. On any error nothing is written.
    pub fn update<T, E: From<Problem>>(
        &self,
        what: &str,
        work: impl FnOnce(&mut Unit<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        let origin = self.origin(what)?;
        self.with_store(|store| {
            debrief_app::update(store, &origin, |u| work(u).map_err(Either::Own))
                .map_err(Either::into_own)
        })
    }

    /// Runs one call of the application layer on the store, under the
    /// lock, and records that the store may have changed.
    pub fn with_store<T, E: From<Problem>>(
        &self,
        call: impl FnOnce(&mut dyn debrief_store::Store) -> Result<T, E>,
    ) -> Result<T, E> {
        let mut store = self.store()?;
        let out = call(&mut **store);
        self.bump();
        out
    }

    /// Runs one use case of the application layer that writes, as `what`
    /// in the history, from the request's front end at the clock's now.
    pub fn run<T>(
        &self,
        what: &str,
        call: impl FnOnce(&mut dyn debrief_store::Store, &Origin) -> Result<T, AppError>,
    ) -> Result<T> {
        let origin = self.origin(what)?;
        self.with_store(|store| Ok(call(store, &origin)?))
    }

    /// Loads an application, lets `edit` change it, validates the result and
    /// writes it, in one transaction (`debrief_app::edit_app`); with the
    /// request's `If-Match`, only while the application is at that
    /// version (else 412). On any error nothing is written.
    pub fn edit<T, E: From<Problem>>(
        &self,
        id: &str,
        edit: impl FnOnce(&mut Application) -> Result<T, E>,
    ) -> Result<T, E> {
        let if_match = write_ctx().if_match;
        let origin = self.origin(format!("edit application {id}"))?;
        self.with_store(|store| {
            debrief_app::edit_app(store, &origin, id, if_match, |app| {
                edit(app).map_err(Either::Own)
            })
            .map_err(Either::into_own)
        })
    }

    /// Writes `changes` in one journalled transaction.
    pub fn apply(&self, changes: &[Change]) -> Result<()> {
        let origin = self.origin("change the store")?;
        self.with_store(|store| Ok(debrief_app::apply(store, &origin, changes)?))
    }
}

/// The profile, its zone, the current time and the engine, read together.
pub struct Clock {
    pub profile: Profile,
    pub tz: TimeZone,
    pub now: Timestamp,
    pub engine: Engine,
}

impl Clock {
    pub fn now_moment(&self) -> Moment {
        Moment::in_zone(self.now, &self.tz)
    }

    pub fn today(&self) -> Date {
        self.now.to_zoned(self.tz.clone()).date()
    }

    /// A user-given time, or now when blank; keeps the offset the user wrote.
    pub fn time_or_now(&self, text: &str, field: &str) -> Result<Moment> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(self.now_moment());
        }
        self.time(text, field)
    }

    pub fn time(&self, text: &str, field: &str) -> Result<Moment> {
        parse_time(text, &self.tz).map_err(|e| Problem::field(field, e))
    }

    /// A user-given date, or today when blank.
    pub fn date_or_today(&self, text: &str, field: &str) -> Result<Date> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(self.today());
        }
        parse_date(text).map_err(|e| Problem::field(field, e))
    }
}
