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
pub(crate) fn runtime() -> Result<&'static tokio::runtime::Runtime, StoreError> {
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
    /// A transaction's start not sent yet: it goes with the transaction's
    /// first statement, in the same flight (pipelined), so starting costs
    /// no round trip of its own; a transaction that sends nothing never
    /// sends it.
    pending: RefCell<Option<String>>,
    /// A binding to a vault not sent yet: it goes with the next statement,
    /// before it and in the same flight (so leasing a connection last used
    /// by another vault costs no round trip). Kept apart from `pending`:
    /// a transaction that sends nothing drops its start, never the binding.
    binding: RefCell<Option<String>>,
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
            pending: RefCell::new(None),
            binding: RefCell::new(None),
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
    ///
    /// Sent with the next statement, before it (see `Conn::run`): a
    /// statement that reaches the server is always preceded by its
    /// binding, and if the binding fails the statement's answer is
    /// dropped (a write under the old binding is refused by row-level
    /// security's check, since it names the new vault).
    pub(crate) fn bind_vault(&self, vault: i64) -> Result<(), StoreError> {
        *self.binding.borrow_mut() = Some(format!(
            "SELECT set_config('debrief.vault', '{vault}', false)"
        ));
        self.vault.set(Some(vault));
        Ok(())
    }

    /// The vault this connection is bound to, if any.
    pub(crate) fn bound_vault(&self) -> Option<i64> {
        self.vault.get()
    }

    /// Binds the connection to no vault: row-level security then shows it
    /// no vault's rows.
    pub(crate) fn unbind_vault(&self) -> Result<(), StoreError> {
        *self.binding.borrow_mut() = Some("SELECT set_config('debrief.vault', '', false)".into());
        self.vault.set(None);
        Ok(())
    }

    /// Whether the server closed the connection.
    pub(crate) fn is_closed(&self) -> bool {
        self.client.is_closed()
    }

    fn statement(&self, sql: &'static str) -> Result<Statement, StoreError> {
        if let Some(s) = self.statements.borrow().get(sql) {
            return Ok(s.clone());
        }
        let statement = block_on(self.client.prepare(sql)).map_err(|e| self.error(e))?;
        self.statements.borrow_mut().insert(sql, statement.clone());
        Ok(statement)
    }

    /// Waits for `request`, sending a pending transaction start before it
    /// in the same flight (the client sends requests in the order they
    /// are first polled, and `join` polls the start first).
    fn run<T>(
        &self,
        request: impl std::future::Future<Output = Result<T, tokio_postgres::Error>>,
    ) -> Result<T, StoreError> {
        let binding = self.binding.borrow_mut().take();
        let begin = self.pending.borrow_mut().take();
        if binding.is_none() && begin.is_none() {
            return block_on(request).map_err(|e| self.error(e));
        }
        // Each in its own message, so the binding commits on its own
        // (`BEGIN ISOLATION LEVEL …` must come first in its transaction,
        // and a binding inside one would be undone by its rollback).
        let send = |sql: Option<String>| async move {
            match sql {
                Some(sql) => self.client.batch_execute(&sql).await,
                None => Ok(()),
            }
        };
        let (bound, began, answer) = block_on(futures_util::future::join3(
            send(binding),
            send(begin),
            request,
        ));
        bound.map_err(|e| self.error(e))?;
        began.map_err(|e| self.error(e))?;
        answer.map_err(|e| self.error(e))
    }

    pub(crate) fn query(
        &self,
        sql: &'static str,
        params: Params<'_>,
    ) -> Result<Vec<Row>, StoreError> {
        let statement = self.statement(sql)?;
        self.run(self.client.query(&statement, params))
    }

    pub(crate) fn query_opt(
        &self,
        sql: &'static str,
        params: Params<'_>,
    ) -> Result<Option<Row>, StoreError> {
        let statement = self.statement(sql)?;
        self.run(self.client.query_opt(&statement, params))
    }

    pub(crate) fn query_one(
        &self,
        sql: &'static str,
        params: Params<'_>,
    ) -> Result<Row, StoreError> {
        let statement = self.statement(sql)?;
        self.run(self.client.query_one(&statement, params))
    }

    pub(crate) fn execute(&self, sql: &'static str, params: Params<'_>) -> Result<u64, StoreError> {
        let statement = self.statement(sql)?;
        self.run(self.client.execute(&statement, params))
    }

    /// Runs statements without parameters (transaction control, DDL).
    pub(crate) fn batch(&self, sql: &str) -> Result<(), StoreError> {
        self.run(self.client.batch_execute(sql))
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
    /// The start is sent with the transaction's first statement (see
    /// `Conn::run`).
    pub(crate) fn begin(conn: &'c Conn, sql: &str) -> Result<Tx<'c>, StoreError> {
        let start = match conn.vault.get() {
            Some(vault) => format!("{sql}; SELECT set_config('debrief.vault', '{vault}', true)"),
            None => sql.to_string(),
        };
        *conn.pending.borrow_mut() = Some(start);
        Ok(Tx { conn, done: false })
    }

    /// Whether the transaction never sent anything (its start is still
    /// pending): then there is nothing to commit or roll back.
    fn unsent(&self) -> bool {
        self.conn.pending.borrow_mut().take().is_some()
    }

    pub(crate) fn commit(mut self) -> Result<(), StoreError> {
        self.done = true;
        if self.unsent() {
            return Ok(());
        }
        self.conn.batch("COMMIT")
    }

    /// Runs `sql` and commits, in one flight: the statement's one row.
    /// If the statement fails, the server rolls the transaction back at
    /// the `COMMIT` and its error is returned. Only for a statement that
    /// cannot succeed without its row (an `UPDATE … RETURNING` of a row
    /// the transaction holds locked).
    pub(crate) fn commit_with(
        mut self,
        sql: &'static str,
        params: Params<'_>,
    ) -> Result<Row, StoreError> {
        let conn = self.conn;
        let statement = conn.statement(sql)?;
        if conn.pending.borrow().is_some() {
            // Nothing sent yet: the start goes with the statement.
            let row = conn.query_one(sql, params)?;
            self.done = true;
            conn.batch("COMMIT")?;
            return Ok(row);
        }
        self.done = true;
        let (row, committed) = block_on(futures_util::future::join(
            conn.client.query_one(&statement, params),
            conn.client.batch_execute("COMMIT"),
        ));
        let row = row.map_err(|e| conn.error(e))?;
        committed.map_err(|e| conn.error(e))?;
        Ok(row)
    }
}

impl Drop for Tx<'_> {
    fn drop(&mut self) {
        if !self.done && !self.unsent() {
            let _ = self.conn.batch("ROLLBACK");
        }
    }
}
