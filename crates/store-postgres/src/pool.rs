//! Where a store's connection comes from: its own ([`Source::Own`], the
//! command line) or a [`Pool`] shared by many vaults' stores (a hosted
//! server), leased for one call or transaction at a time.

use debrief_store::StoreError;

use crate::conn::Conn;

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
    /// Keeps each vault's revision and the tokens' epoch true by
    /// listening (`watch.rs`).
    watch: crate::Watch,
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
            watch: crate::Watch::start(url),
        }))
    }

    /// What the pool's listening connection keeps true.
    pub fn watch(&self) -> &crate::Watch {
        &self.watch
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
                .rposition(|c| vault.is_some() && c.bound_vault() == vault)
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
        if conn.is_closed() {
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
    /// The pool's watch: a server's shared connections keep what they
    /// hear (`watch.rs`); a connection of its own keeps nothing.
    pub(crate) fn watch(&self) -> Option<&crate::Watch> {
        match self {
            Source::Own(_) => None,
            Source::Pooled(p) => Some(p.watch()),
        }
    }

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
        if lease.bound_vault() != vault {
            match vault {
                Some(v) => lease.bind_vault(v)?,
                None => lease.unbind_vault()?,
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
