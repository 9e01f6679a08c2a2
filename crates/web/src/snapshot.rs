//! The computed agenda, kept between requests.
//!
//! On a heavy store (10,000 applications) the engine alone takes ~25 ms and
//! the agenda is ~14,000 actions and 7.6 MB of JSON, so nothing that reads
//! it can be computed per request. A [`Snapshot`] holds the agenda with what
//! the pages and the API serve from it (the exact bytes of `debrief agenda
//! --json`, their gzip, the rendered Today page) and is rebuilt only when
//! its key changes:
//!
//! - the store's [`Version`]: a counter every write through the server
//!   bumps, the store's own revision (`StoreReader::revision`: SQLite's
//!   `data_version`, PostgreSQL's per-vault write counter), plus the size
//!   and modification time of the SQLite file and its write-ahead log, so a
//!   `debrief` command run beside the server is seen on either backend;
//! - the minute of the clock (with `--now`, the clock never moves).
//!
//! So the agenda is at most a minute old, and never older than the last
//! write. It reads only the applications that can still act
//! (`StoreReader::load_active`) and, for the board, each application's
//! summary (`StoreReader::summaries`), so the whole store is never in
//! memory at once.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::io::Write as _;
use std::path::Path;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use debrief_core::engine::{Action, Agenda, Engine, State as ActionState};
use debrief_core::model::Profile;
use debrief_store::{ApplicationSummary, StoreReader};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Serialize;

use crate::problem::{Problem, Result};

/// What a cached answer depends on in the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Version {
    /// Writes made through this server.
    pub revision: u64,
    /// The store's revision (`StoreReader::revision`): moves when any
    /// process writes.
    pub store: Option<u64>,
    /// (modified, in ns since the epoch; length) of the store file and of
    /// its write-ahead log: changes when another process writes.
    pub files: [(i128, u64); 2],
}

impl Version {
    pub fn of(revision: u64, store: Option<u64>, db: Option<&Path>) -> Version {
        let stat = |p: &Path| -> (i128, u64) {
            match std::fs::metadata(p) {
                Ok(m) => {
                    let modified = m
                        .modified()
                        .ok()
                        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                        .map(|d| d.as_nanos() as i128)
                        .unwrap_or(0);
                    (modified, m.len())
                }
                Err(_) => (0, 0),
            }
        };
        let files = match db {
            Some(db) => {
                let mut wal = db.as_os_str().to_owned();
                wal.push("-wal");
                [stat(db), stat(Path::new(&wal))]
            }
            None => [(0, 0); 2],
        };
        Version {
            revision,
            store,
            files,
        }
    }
}

/// One application as the board and `/api/v1/applications` list it: the
/// store's summary and how many of its actions are due.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct AppSummary {
    #[serde(flatten)]
    pub app: ApplicationSummary,
    /// Actions overdue or due now.
    pub to_do: usize,
}

/// A page or document kept ready to send, with its gzip made on first use.
pub struct Ready {
    pub content_type: &'static str,
    pub etag: String,
    pub body: Bytes,
    gzip: Mutex<Option<Bytes>>,
}

impl Ready {
    pub fn new(content_type: &'static str, etag: String, body: Bytes) -> Ready {
        Ready {
            content_type,
            etag,
            body,
            gzip: Mutex::new(None),
        }
    }

    fn gzip(&self) -> Option<Bytes> {
        let mut slot = self.gzip.lock().ok()?;
        if slot.is_none() {
            *slot = Some(gzip(&self.body)?);
        }
        slot.clone()
    }

    /// The response: 304 when the client has it, gzip when it accepts
    /// gzip, the plain bytes otherwise. Every variant is revalidated
    /// (`no-cache`), so a changed store is seen at once.
    pub fn respond(&self, request: &HeaderMap) -> Response {
        let wants_gzip = accepts_gzip(request);
        let gz = if wants_gzip { self.gzip() } else { None };
        let etag = match gz {
            Some(_) => format!("\"{}-gz\"", self.etag),
            None => format!("\"{}\"", self.etag),
        };
        let mut headers = HeaderMap::new();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
        if let Ok(v) = HeaderValue::from_str(&etag) {
            headers.insert(header::ETAG, v);
        }
        if not_modified(request, &self.etag) {
            return (StatusCode::NOT_MODIFIED, headers).into_response();
        }
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(self.content_type),
        );
        match gz {
            Some(body) => {
                headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
                (headers, body).into_response()
            }
            None => (headers, self.body.clone()).into_response(),
        }
    }
}

/// Does `If-None-Match` name this tag (either encoding of it)?
fn not_modified(request: &HeaderMap, tag: &str) -> bool {
    let Some(v) = request
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    v.split(',').map(str::trim).any(|t| {
        let t = t.strip_prefix("W/").unwrap_or(t).trim_matches('"');
        t == "*" || t == tag || t.strip_suffix("-gz") == Some(tag)
    })
}

/// Does the client take gzip (and not with `q=0`)?
pub fn accepts_gzip(request: &HeaderMap) -> bool {
    request
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|part| {
            let mut it = part.split(';').map(str::trim);
            let coding = it.next().unwrap_or("");
            let refused = it.any(|p| {
                p.strip_prefix("q=")
                    .and_then(|q| q.parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            (coding.eq_ignore_ascii_case("gzip") || coding == "*") && !refused
        })
}

pub fn gzip(bytes: &[u8]) -> Option<Bytes> {
    let mut e = flate2::write::GzEncoder::new(
        Vec::with_capacity(bytes.len() / 8),
        flate2::Compression::new(6),
    );
    e.write_all(bytes).ok()?;
    e.finish().ok().map(Bytes::from)
}

/// The agenda at one moment and what is served from it.
pub struct Snapshot {
    pub version: Version,
    /// The clock's minute this was built in (0 with a fixed `--now`).
    pub minute: i64,
    pub profile: Profile,
    pub tz: TimeZone,
    pub engine: Engine,
    pub now: Timestamp,
    pub agenda: Agenda,
    /// Every application, in insertion order.
    pub apps: Vec<AppSummary>,
    index: HashMap<String, usize>,
    /// The version of each acting application the agenda was computed
    /// from (empty when the store keeps no versions): the next snapshot
    /// at the same `now` reuses the actions of those still at it.
    versions: HashMap<String, u64>,
    /// `GET /api/v1/agenda`: the bytes of `debrief agenda --json`, made
    /// on first use ([`Snapshot::json`]).
    json: Mutex<Option<Arc<Ready>>>,
    /// The default Today page without a message on it, made on first use.
    pub today: Mutex<Option<Arc<Ready>>>,
    /// The tag of everything derived from this snapshot.
    pub etag: String,
}

impl Snapshot {
    /// Runs the engine on the applications that can still act (the store
    /// skips the settled ones, as for `debrief agenda`) and summarises
    /// every application for the board from the store's small tables.
    /// An `earlier` snapshot at the same `now` and profile lends the
    /// actions of every application not written since
    /// (`debrief_app::agenda::active_actions_since`).
    pub fn build(
        store: &dyn StoreReader,
        profile: Profile,
        now: Timestamp,
        version: Version,
        minute: i64,
        earlier: Option<&Snapshot>,
    ) -> Result<Snapshot> {
        let tz =
            debrief_core::exchange::parse_timezone(&profile.timezone).map_err(Problem::internal)?;
        let engine = Engine::new(&profile).map_err(Problem::internal)?;
        let earlier = earlier
            .filter(|e| e.now == now && e.profile == profile)
            .map(|e| debrief_app::agenda::Earlier {
                actions: &e.agenda.actions,
                versions: &e.versions,
            });
        // The applications that can act, a chunk at a time (as `debrief
        // agenda` reads them): memory holds one chunk and the actions.
        let (actions, versions) = debrief_app::agenda::active_actions_since(
            store,
            &engine,
            now,
            &profile.timezone,
            earlier,
        )?;
        let agenda = engine.agenda_of(actions, now);
        let mut to_do: HashMap<&str, usize> = HashMap::new();
        for a in agenda
            .actions
            .iter()
            .filter(|a| a.state != ActionState::Upcoming)
        {
            *to_do.entry(a.application.as_str()).or_default() += 1;
        }
        let apps: Vec<AppSummary> = store
            .summaries()?
            .into_iter()
            .map(|s| {
                let n = to_do.get(s.id.as_str()).copied().unwrap_or(0);
                AppSummary { app: s, to_do: n }
            })
            .collect();
        drop(to_do);
        let index = apps
            .iter()
            .enumerate()
            .map(|(i, a)| (a.app.id.clone(), i))
            .collect();
        let etag = {
            let mut h = std::hash::DefaultHasher::new();
            (version, now.as_second(), &profile.timezone).hash(&mut h);
            format!("{:016x}", h.finish())
        };
        Ok(Snapshot {
            version,
            minute,
            profile,
            tz,
            engine,
            now,
            agenda,
            apps,
            index,
            versions,
            json: Mutex::new(None),
            today: Mutex::new(None),
            etag,
        })
    }

    /// `GET /api/v1/agenda`'s bytes (those of `debrief agenda --json`),
    /// made on first use and kept with the snapshot.
    pub fn json(&self) -> Arc<Ready> {
        let make = || {
            let mut body = self.agenda.to_pretty_json();
            body.push(b'\n');
            Arc::new(Ready::new(
                "application/json",
                format!("agenda-{}", self.etag),
                Bytes::from(body),
            ))
        };
        match self.json.lock() {
            Ok(mut slot) => slot.get_or_insert_with(make).clone(),
            // A panic while making it: make it again, unkept.
            Err(_) => make(),
        }
    }

    pub fn app(&self, id: &str) -> Option<&AppSummary> {
        self.index.get(id).map(|&i| &self.apps[i])
    }

    pub fn company<'a>(&'a self, id: &'a str) -> &'a str {
        self.app(id).map(|a| a.app.company.as_str()).unwrap_or(id)
    }

    /// How many actions are in each state.
    pub fn count(&self, state: ActionState) -> usize {
        // Sorted by state first: a binary search finds each run.
        let a = &self.agenda.actions;
        let start = a.partition_point(|x| x.state < state);
        let end = a.partition_point(|x| x.state <= state);
        end - start
    }

    /// The actions in `state`, in agenda order.
    pub fn in_state(&self, state: ActionState) -> &[Action] {
        let a = &self.agenda.actions;
        let start = a.partition_point(|x| x.state < state);
        let end = a.partition_point(|x| x.state <= state);
        &a[start..end]
    }
}

/// `debrief agenda --json`'s bytes: pretty JSON and a newline.
pub fn pretty_json(v: &impl Serialize) -> Result<Vec<u8>> {
    let mut out = serde_json::to_vec_pretty(v)
        .map_err(|e| Problem::internal(format!("cannot write JSON: {e}")))?;
    out.push(b'\n');
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut m = HeaderMap::new();
        for (k, v) in pairs {
            m.append(*k, HeaderValue::from_static(v));
        }
        m
    }

    #[test]
    fn gzip_is_taken_unless_refused() {
        assert!(accepts_gzip(&h(&[(
            "accept-encoding",
            "gzip, deflate, br"
        )])));
        assert!(accepts_gzip(&h(&[(
            "accept-encoding",
            "br;q=1, GZIP;q=0.5"
        )])));
        assert!(accepts_gzip(&h(&[("accept-encoding", "*")])));
        assert!(!accepts_gzip(&h(&[("accept-encoding", "gzip;q=0")])));
        assert!(!accepts_gzip(&h(&[("accept-encoding", "identity")])));
        assert!(!accepts_gzip(&h(&[])));
    }

    #[test]
    fn tags_match_either_encoding() {
        assert!(not_modified(&h(&[("if-none-match", "\"abc\"")]), "abc"));
        assert!(not_modified(
            &h(&[("if-none-match", "\"x\", \"abc-gz\"")]),
            "abc"
        ));
        assert!(not_modified(&h(&[("if-none-match", "W/\"abc\"")]), "abc"));
        assert!(!not_modified(&h(&[("if-none-match", "\"abd\"")]), "abc"));
        assert!(!not_modified(&h(&[]), "abc"));
    }

    #[test]
    fn a_ready_body_gzips_and_revalidates() {
        let r = Ready::new("text/plain", "t1".into(), Bytes::from(vec![b'a'; 10_000]));
        let plain = r.respond(&h(&[]));
        assert_eq!(plain.headers()[header::ETAG], "\"t1\"");
        assert!(plain.headers().get(header::CONTENT_ENCODING).is_none());
        let gz = r.respond(&h(&[("accept-encoding", "gzip")]));
        assert_eq!(gz.headers()[header::CONTENT_ENCODING], "gzip");
        assert_eq!(gz.headers()[header::ETAG], "\"t1-gz\"");
        let again = r.respond(&h(&[("if-none-match", "\"t1\"")]));
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    }
}
