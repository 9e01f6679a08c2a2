//! What a server keeps of the database between requests, kept true by
//! PostgreSQL's `LISTEN`/`NOTIFY` (migration 0006): each vault's revision,
//! and a count of account and token changes that tells a server when the
//! tokens it remembers may be stale.
//!
//! One connection of its own listens. While it listens, a vault's
//! revision heard or read once needs no query again until a write
//! announces the next one, whoever wrote it (this server, another, the
//! command line). When it stops listening (the server went away, the
//! network broke), every kept value is forgotten and callers query as
//! before until a new connection listens again: a notification that
//! could have been missed never leaves a stale value behind.
//!
//! A notification arrives a moment after its commit (within the same
//! millisecond on one machine): a request that arrives in that moment
//! may still see the revision or token from just before. A server's own
//! writes do not wait for it ([`Watch::forget`]).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio_postgres::{AsyncMessage, Config, NoTls};

/// The channels of migration 0006.
const REVISIONS: &str = "debrief_revision";
const ACCOUNTS: &str = "debrief_accounts";

/// `application_name` of the listening connection.
pub const APPLICATION_NAME: &str = "debrief-watch";

/// At most this many vaults' revisions are kept (all are forgotten past it).
const MAX_VAULTS: usize = 1_000_000;

/// The pause before listening again after the connection was lost.
const RETRY: Duration = Duration::from_secs(1);

/// What the listening connection has heard; shared with its task.
#[derive(Default)]
struct Heard {
    /// Listening now: kept values may be used.
    live: AtomicBool,
    /// Moves when listening starts or stops, and with every account or
    /// token change: a value read from the database before it moved may be
    /// stale (see [`Watch::accounts_epoch`]).
    epoch: AtomicU64,
    /// Moves when listening starts or stops only.
    generation: AtomicU64,
    /// Each vault's latest revision heard or read while listening.
    revisions: Mutex<HashMap<i64, u64>>,
}

impl Heard {
    fn revisions(&self) -> std::sync::MutexGuard<'_, HashMap<i64, u64>> {
        self.revisions.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Listening (again) or not: whatever was kept is forgotten.
    fn set_live(&self, live: bool) {
        // Not live first, so nobody uses a value while it is forgotten.
        if !live {
            self.live.store(false, Ordering::Release);
        }
        self.generation.fetch_add(1, Ordering::AcqRel);
        self.epoch.fetch_add(1, Ordering::AcqRel);
        self.revisions().clear();
        if live {
            self.live.store(true, Ordering::Release);
        }
    }

    fn heard(&self, channel: &str, payload: &str) {
        match channel {
            REVISIONS => {
                let mut parts = payload.split(' ');
                let vault = parts.next().and_then(|v| v.parse::<i64>().ok());
                let revision = parts.next().and_then(|r| r.parse::<u64>().ok());
                match (vault, revision) {
                    (Some(vault), Some(revision)) => self.learn(vault, revision),
                    // Not ours to understand: trust nothing kept.
                    _ => self.revisions().clear(),
                }
            }
            ACCOUNTS => {
                self.epoch.fetch_add(1, Ordering::AcqRel);
            }
            _ => {}
        }
    }

    /// Revisions only grow: a late or repeated one never moves a vault back.
    fn learn(&self, vault: i64, revision: u64) {
        let mut revisions = self.revisions();
        if revisions.len() >= MAX_VAULTS && !revisions.contains_key(&vault) {
            revisions.clear();
        }
        let kept = revisions.entry(vault).or_insert(revision);
        *kept = (*kept).max(revision);
    }
}

/// The listening connection of a [`crate::Pool`].
pub struct Watch {
    heard: Arc<Heard>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl std::fmt::Debug for Watch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Watch")
            .field("live", &self.is_live())
            .finish()
    }
}

/// A moment of the watch, taken before a query: what the query answers
/// may be kept only if nothing moved since ([`Watch::learn`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ticket(u64);

impl Watch {
    /// Starts listening to the database at `url` on the store's I/O
    /// runtime; tries again every second while it cannot.
    pub(crate) fn start(url: &str) -> Watch {
        let heard = Arc::new(Heard::default());
        let config = url.parse::<Config>().ok().map(|mut c| {
            // Named apart from the pool's connections, for operators
            // reading `pg_stat_activity`.
            c.application_name(APPLICATION_NAME);
            if c.get_connect_timeout().is_none() {
                c.connect_timeout(Duration::from_secs(10));
            }
            c
        });
        let task = match (crate::conn::runtime(), config) {
            (Ok(rt), Some(config)) => {
                let heard = heard.clone();
                Some(rt.spawn(async move {
                    loop {
                        // The reason it stopped is not kept: the next
                        // query of the store reports a database that is
                        // gone, and the watch only ever falls back to it.
                        let _ = listen(&config, &heard).await;
                        heard.set_live(false);
                        tokio::time::sleep(RETRY).await;
                    }
                }))
            }
            // Never listening: every caller queries, as without a watch.
            _ => None,
        };
        Watch { heard, task }
    }

    /// Whether kept values are being kept true now.
    pub fn is_live(&self) -> bool {
        self.heard.live.load(Ordering::Acquire)
    }

    /// The vault's revision, if heard or read since listening started.
    pub(crate) fn revision(&self, vault: i64) -> Option<u64> {
        if !self.is_live() {
            return None;
        }
        self.heard.revisions().get(&vault).copied()
    }

    /// Take before reading a revision from the database.
    pub(crate) fn ticket(&self) -> Ticket {
        Ticket(self.heard.generation.load(Ordering::Acquire))
    }

    /// Keeps a revision read from the database (or committed by this
    /// process) after `ticket` was taken, unless listening stopped or
    /// started again since: then a later one may have gone unheard.
    pub(crate) fn learn(&self, vault: i64, revision: u64, ticket: Ticket) {
        if self.is_live() && self.ticket() == ticket {
            self.heard.learn(vault, revision);
        }
    }

    /// Forgets the vault's revision (a write whose outcome is unknown).
    pub(crate) fn forget(&self, vault: i64) {
        self.heard.revisions().remove(&vault);
    }

    /// A number that moves whenever an account or a token may have
    /// changed (and whenever listening starts or stops); `None` while not
    /// listening. A token looked up after reading `Some(n)` may be kept
    /// while this still answers `Some(n)`.
    pub fn accounts_epoch(&self) -> Option<u64> {
        let epoch = self.heard.epoch.load(Ordering::Acquire);
        self.is_live().then_some(epoch)
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            // Dropping the task's client closes its connection.
            task.abort();
        }
    }
}

/// Listens until the connection ends.
async fn listen(config: &Config, heard: &Arc<Heard>) -> Result<(), tokio_postgres::Error> {
    let (client, mut connection) = config.connect(NoTls).await?;
    let driver = {
        let heard = heard.clone();
        tokio::spawn(async move {
            while let Some(message) = std::future::poll_fn(|cx| connection.poll_message(cx)).await {
                match message {
                    Ok(AsyncMessage::Notification(n)) => heard.heard(n.channel(), n.payload()),
                    Ok(_) => {}
                    Err(_) => break,
                }
            }
        })
    };
    client
        .batch_execute(&format!("LISTEN {REVISIONS}; LISTEN {ACCOUNTS}"))
        .await?;
    // A database whose schema predates the announcements never sends any:
    // the watch then stays not live and callers query every time.
    let announced: bool = client
        .query_one(
            "SELECT to_regproc('debrief_notify_revision') IS NOT NULL",
            &[],
        )
        .await?
        .get(0);
    if announced {
        heard.set_live(true);
    }
    // Ends when the server closes the connection; `client` lives until then.
    let _ = driver.await;
    drop(client);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn revisions_only_grow_and_odd_payloads_forget_everything() {
        let h = Heard::default();
        h.set_live(true);
        h.heard(REVISIONS, "7 12");
        h.heard(REVISIONS, "7 11");
        assert_eq!(h.revisions().get(&7), Some(&12));
        h.heard(REVISIONS, "8 3");
        h.heard(REVISIONS, "not a vault");
        assert!(h.revisions().is_empty());
    }

    #[test]
    fn an_account_change_moves_the_epoch_and_losing_the_connection_forgets() {
        let h = Heard::default();
        h.set_live(true);
        let before = h.epoch.load(Ordering::Acquire);
        h.heard(ACCOUNTS, "");
        assert_eq!(h.epoch.load(Ordering::Acquire), before + 1);
        h.heard(REVISIONS, "1 1");
        h.set_live(false);
        assert!(!h.live.load(Ordering::Acquire));
        assert!(h.revisions().is_empty());
    }
}
