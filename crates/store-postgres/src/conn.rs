//! One connection to PostgreSQL, usable from synchronous code on any
//! thread, including a thread that runs an async runtime (an axum
//! handler): the connection's I/O runs on a small runtime of its own, and
//! the store's calls wait for the client's answers with
//! `futures_executor::block_on`, which needs no runtime (the client talks
//! to the connection task over channels). `tokio`'s own `block_on` would
//! panic inside a runtime; this does not.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::OnceLock;
use std::time::Duration;

use debrief_store::StoreError;
use futures_executor::block_on;
use tokio_postgres::error::SqlState;
use tokio_postgres::types::ToSql;
use tokio_postgres::{Client, Config, NoTls, Row, Statement};

/// How long a write waits for another writer of the same vault before
/// giving up with [`StoreError::Busy`] (PostgreSQL's `lock_timeout`).
pub const LOCK_TIMEOUT: Duration = Duration::from_secs(5);

/// How long connecting may take when the URL does not say.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

pub(crate) type Params<'a> = &'a [&'a (dyn ToSql + Sync)];

/// The runtime that drives every connection's I/O: one worker thread,
/// started on first use and kept for the life of the process.
fn runtime() -> Result<&'static tokio::runtime::Runtime, StoreError> {
    static RUNTIME: OnceLock<Result<tokio::runtime::Runtime, String>> = OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .thread_name("debrief-postgres")
                .enable_all()
                .build()
                .map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|e| StoreError::Backend(format!("cannot start the PostgreSQL I/O thread: {e}")))
}

/// A connection and its prepared statements. Not `Sync`: one caller at a
/// time (a transaction is a state of the connection).
pub(crate) struct Conn {
    client: Client,
    statements: RefCell<HashMap<&'static str, Statement>>,
    /// The vault this connection works on, named again in every
    /// transaction (`SET LOCAL`) for row-level security.
    vault: std::cell::Cell<Option<i64>>,
    /// The URL without its password, for messages.
    pub(crate) label: String,
}

/// `postgres://USER@HOST:PORT/DATABASE`: what the URL names, never its
/// password.
fn label(config: &Config) -> String {
    let user = config.get_user().unwrap_or("");
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .map(|h| match h {
            tokio_postgres::config::Host::Tcp(name) => name.clone(),
            tokio_postgres::config::Host::Unix(path) => path.display().to_string(),
        })
        .collect();
    let port = config
        .get_ports()
        .first()
        .map_or(String::new(), |p| format!(":{p}"));
    let db = config.get_dbname().unwrap_or(user);
    let at = if user.is_empty() {
        String::new()
    } else {
        format!("{user}@")
    };
    format!("postgres://{at}{}{port}/{db}", hosts.join(","))
}

impl Conn {
    pub(crate) fn connect(url: &str) -> Result<Conn, StoreError> {
        let mut config: Config = url.parse().map_err(|e| {
            StoreError::Backend(format!(
                "the database URL is not a PostgreSQL URL like postgres://USER:PASSWORD@HOST:PORT/DATABASE ({e})"
            ))
        })?;
        let label = label(&config);
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        if config.get_application_name().is_none() {
            config.application_name("debrief");
        }
        let rt = runtime()?;
        let connecting = rt.spawn(async move {
            let (client, connection) = config.connect(NoTls).await?;
            tokio::spawn(async move {
                // Ends when the client is dropped or the server goes away;
                // the client's next call reports the latter.
                let _ = connection.await;
            });
            Ok::<Client, tokio_postgres::Error>(client)
        });
        let client = block_on(connecting)
            .map_err(|e| StoreError::Backend(format!("cannot connect to {label}: {e}")))?
            .map_err(|e| {
                let text = format!("cannot connect to {label}: {}", message(&e));
                if e.as_db_error().is_some() {
                    // The server answered and refused (password, database).
                    StoreError::Backend(text)
                } else {
                    // Unreachable: trying again may work (exit 3, HTTP 503).
                    StoreError::Busy(text)
                }
            })?;
        let conn = Conn {
            client,
            statements: RefCell::new(HashMap::new()),
            vault: std::cell::Cell::new(None),
            label,
        };
        conn.batch(&format!(
            "SET lock_timeout = '{}ms'; SET TIME ZONE 'UTC'",
            LOCK_TIMEOUT.as_millis()
        ))?;
        Ok(conn)
    }

    /// Binds the connection to one vault for row-level security
    /// (migration 0004): the session's `debrief.vault` (for statements
    /// outside a transaction) and, named again with `SET LOCAL` semantics,
    /// every transaction's.
    pub(crate) fn bind_vault(&self, vault: i64) -> Result<(), StoreError> {
        self.batch(&format!(
            "SELECT set_config('debrief.vault', '{vault}', false)"
        ))?;
        self.vault.set(Some(vault));
        Ok(())
    }

    fn statement(&self, sql: &'static str) -> Result<Statement, StoreError> {
        if let Some(s) = self.statements.borrow().get(sql) {
            return Ok(s.clone());
        }
        let statement = block_on(self.client.prepare(sql)).map_err(|e| self.error(e))?;
        self.statements.borrow_mut().insert(sql, statement.clone());
        Ok(statement)
    }

    pub(crate) fn query(
        &self,
        sql: &'static str,
        params: Params<'_>,
    ) -> Result<Vec<Row>, StoreError> {
        let statement = self.statement(sql)?;
        block_on(self.client.query(&statement, params)).map_err(|e| self.error(e))
    }

    pub(crate) fn query_opt(
        &self,
        sql: &'static str,
        params: Params<'_>,
    ) -> Result<Option<Row>, StoreError> {
        let statement = self.statement(sql)?;
        block_on(self.client.query_opt(&statement, params)).map_err(|e| self.error(e))
    }

    pub(crate) fn query_one(
        &self,
        sql: &'static str,
        params: Params<'_>,
    ) -> Result<Row, StoreError> {
        let statement = self.statement(sql)?;
        block_on(self.client.query_one(&statement, params)).map_err(|e| self.error(e))
    }

    pub(crate) fn execute(&self, sql: &'static str, params: Params<'_>) -> Result<u64, StoreError> {
        let statement = self.statement(sql)?;
        block_on(self.client.execute(&statement, params)).map_err(|e| self.error(e))
    }

    /// Runs statements without parameters (transaction control, DDL).
    pub(crate) fn batch(&self, sql: &str) -> Result<(), StoreError> {
        block_on(self.client.batch_execute(sql)).map_err(|e| self.error(e))
    }

    /// Maps PostgreSQL's errors onto the store's: waiting too long for
    /// another writer is [`StoreError::Busy`] (exit 3, HTTP 503).
    pub(crate) fn error(&self, e: tokio_postgres::Error) -> StoreError {
        let busy = [
            SqlState::LOCK_NOT_AVAILABLE,
            SqlState::T_R_SERIALIZATION_FAILURE,
            SqlState::T_R_DEADLOCK_DETECTED,
            SqlState::TOO_MANY_CONNECTIONS,
            SqlState::CANNOT_CONNECT_NOW,
        ];
        match e.code() {
            Some(code) if busy.contains(code) => StoreError::Busy(format!(
                "another writer held it for more than {} seconds ({})",
                LOCK_TIMEOUT.as_secs(),
                message(&e)
            )),
            _ if e.is_closed() => StoreError::Backend(format!(
                "the connection to {} was closed; is the server still running?",
                self.label
            )),
            _ => StoreError::Backend(format!("{}: {}", self.label, message(&e))),
        }
    }
}

/// The server's message (with its detail) rather than "db error: …".
fn message(e: &tokio_postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => match db.detail() {
            Some(detail) => format!("{} ({detail})", db.message()),
            None => db.message().to_string(),
        },
        None => {
            let mut text = e.to_string();
            let mut source = std::error::Error::source(e);
            while let Some(s) = source {
                text.push_str(&format!(": {s}"));
                source = s.source();
            }
            text
        }
    }
}

/// A transaction in progress on a connection: rolled back when dropped
/// unless committed, so an early return or a panic writes nothing.
pub(crate) struct Tx<'c> {
    pub(crate) conn: &'c Conn,
    done: bool,
}

impl<'c> Tx<'c> {
    /// Starts a transaction with `sql` (`BEGIN …`); on a connection bound
    /// to a vault, the transaction names it (`set_config(…, true)`, which
    /// is `SET LOCAL`) in the same round trip.
    pub(crate) fn begin(conn: &'c Conn, sql: &str) -> Result<Tx<'c>, StoreError> {
        match conn.vault.get() {
            Some(vault) => conn.batch(&format!(
                "{sql}; SELECT set_config('debrief.vault', '{vault}', true)"
            ))?,
            None => conn.batch(sql)?,
        }
        Ok(Tx { conn, done: false })
    }

    pub(crate) fn commit(mut self) -> Result<(), StoreError> {
        self.done = true;
        self.conn.batch("COMMIT")
    }
}

impl Drop for Tx<'_> {
    fn drop(&mut self) {
        if !self.done {
            let _ = self.conn.batch("ROLLBACK");
        }
    }
}

/// Connections to one database, shared by many vaults' stores (hosted
/// mode: a server holding a store per vault would otherwise hold a
/// connection per vault, and sign in to the server for each). A store
/// takes a connection for each call (or transaction) and gives it back;
/// a connection is bound to the caller's vault on the way out, so row-level
/// security sees the right vault whichever vault used it last.
pub struct Pool {
    url: String,
    pub(crate) label: String,
    idle: std::sync::Mutex<Vec<Conn>>,
    max_idle: usize,
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pool")
            .field("database", &self.label)
            .field("max_idle", &self.max_idle)
            .finish()
    }
}

impl Pool {
    /// Connects once (bringing the schema up to date when the role may)
    /// and keeps up to `max_idle` idle connections afterwards.
    pub fn connect(url: &str, max_idle: usize) -> Result<std::sync::Arc<Pool>, StoreError> {
        let first = Conn::connect(url)?;
        crate::migrations::migrate(&first)?;
        Ok(std::sync::Arc::new(Pool {
            url: url.to_string(),
            label: first.label.clone(),
            idle: std::sync::Mutex::new(vec![first]),
            max_idle: max_idle.max(1),
        }))
    }

    /// How many connections wait idle (for tests and reports).
    pub fn idle(&self) -> usize {
        self.lock().len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Conn>> {
        self.idle.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// An idle connection, one last bound to `vault` if there is one (it
    /// needs no rebinding), else any; a new one when none is idle.
    fn take(&self, vault: Option<i64>) -> Result<Conn, StoreError> {
        // Taken in its own statement: the lock is not held while connecting.
        let idle = {
            let mut idle = self.lock();
            match idle
                .iter()
                .rposition(|c| vault.is_some() && c.vault.get() == vault)
            {
                Some(i) => Some(idle.swap_remove(i)),
                None => idle.pop(),
            }
        };
        match idle {
            Some(conn) => Ok(conn),
            None => Conn::connect(&self.url),
        }
    }

    fn give(&self, conn: Conn) {
        if conn.client.is_closed() {
            return;
        }
        let mut idle = self.lock();
        if idle.len() < self.max_idle {
            idle.push(conn);
        }
    }
}

/// Where a store's connection comes from.
pub(crate) enum Source {
    /// One connection of its own (the command line, one person).
    Own(Box<Conn>),
    /// A shared pool (a server with many vaults).
    Pooled(std::sync::Arc<Pool>),
}

impl Source {
    pub(crate) fn label(&self) -> &str {
        match self {
            Source::Own(c) => &c.label,
            Source::Pooled(p) => &p.label,
        }
    }

    /// A connection bound to `vault` (`None`: to no vault) until the lease
    /// is dropped.
    pub(crate) fn lease(&self, vault: Option<i64>) -> Result<Lease<'_>, StoreError> {
        let lease = match self {
            Source::Own(c) => Lease::Own(c),
            Source::Pooled(p) => Lease::Pooled(p, Some(p.take(vault)?)),
        };
        if lease.vault.get() != vault {
            match vault {
                Some(v) => lease.bind_vault(v)?,
                None => {
                    lease.batch("SELECT set_config('debrief.vault', '', false)")?;
                    lease.vault.set(None);
                }
            }
        }
        Ok(lease)
    }
}

impl Source {
    /// A connection whatever vault it is bound to, for a statement on a
    /// table without row-level security that names its row itself
    /// (`vaults.revision`): no rebinding round trip.
    pub(crate) fn lease_any(&self) -> Result<Lease<'_>, StoreError> {
        Ok(match self {
            Source::Own(c) => Lease::Own(c),
            Source::Pooled(p) => Lease::Pooled(p, Some(p.take(None)?)),
        })
    }
}

/// A connection for the length of a call: borrowed from the store's own,
/// or taken from a pool and given back when dropped.
// A lease lives on the stack for one call; boxing the pooled connection
// would allocate on every call instead.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Lease<'a> {
    Own(&'a Conn),
    Pooled(&'a Pool, Option<Conn>),
}

impl std::ops::Deref for Lease<'_> {
    type Target = Conn;

    fn deref(&self) -> &Conn {
        match self {
            Lease::Own(c) => c,
            Lease::Pooled(_, Some(c)) => c,
            // Only `Drop` empties the slot.
            Lease::Pooled(_, None) => unreachable!("a lease is used after it was given back"),
        }
    }
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        if let Lease::Pooled(pool, conn) = self
            && let Some(conn) = conn.take()
        {
            pool.give(conn);
        }
    }
}
