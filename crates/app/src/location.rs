//! Where the data is, and the one place that opens a backend for it: the
//! front ends hold a [`BoxStore`] and never name SQLite or PostgreSQL.

use std::path::{Path, PathBuf};

use debrief_store::StoreError;

use crate::BoxStore;

/// A store's address, as the user gave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A SQLite file (`--db`, `DEBRIEF_DB`, or the default path).
    File(PathBuf),
    /// The default vault of a PostgreSQL database (`--database`,
    /// `DEBRIEF_DATABASE_URL`).
    Database(String),
    /// A named vault of a PostgreSQL database: one account's store in
    /// hosted mode (FORMAT.md §3).
    Vault { url: String, vault: String },
}

impl Location {
    /// A file on this machine (which can be copied aside before a
    /// replacing import), not a server.
    pub fn is_file(&self) -> bool {
        matches!(self, Location::File(_))
    }

    /// The file, if this is one.
    pub fn path(&self) -> Option<&Path> {
        match self {
            Location::File(p) => Some(p),
            Location::Database(_) | Location::Vault { .. } => None,
        }
    }

    /// For messages: the file, or the database URL without its password.
    pub fn describe(&self) -> String {
        match self {
            Location::File(p) => p.display().to_string(),
            Location::Database(url) => without_password(url),
            Location::Vault { url, vault } => format!("{} (vault {vault})", without_password(url)),
        }
    }
}

/// `postgres://user:secret@host/db` → `postgres://user@host/db`.
fn without_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (authority, tail) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    match authority.rsplit_once('@') {
        Some((user, host)) => {
            let user = user.split_once(':').map_or(user, |(u, _)| u);
            format!("{scheme}://{user}@{host}{tail}")
        }
        None => url.to_string(),
    }
}

/// Opens the store at `location`. With `empty`, a file that is not there
/// is not created: the caller sees an empty store in memory (a command
/// that only reads must not leave a file behind a mistyped path).
pub fn open(location: &Location, empty: bool) -> Result<BoxStore, StoreError> {
    use debrief_store_postgres::PgStore;
    use debrief_store_sqlite::SqliteStore;
    Ok(match location {
        Location::File(_) if empty => Box::new(SqliteStore::open_in_memory()?),
        Location::File(path) => Box::new(SqliteStore::open(path)?),
        Location::Database(url) => Box::new(PgStore::connect(url)?),
        Location::Vault { url, vault } => Box::new(PgStore::connect_vault(url, vault)?),
    })
}

/// The vaults of one PostgreSQL database over shared connections (hosted
/// mode): a server keeps a store per vault it serves, and none of them
/// holds a connection between calls.
#[derive(Debug, Clone)]
pub struct Vaults {
    pool: std::sync::Arc<debrief_store_postgres::Pool>,
}

impl Vaults {
    /// Connects to the database at `url` (bringing its schema up to date
    /// when the role may), keeping up to `idle` connections between calls.
    pub fn connect(url: &str, idle: usize) -> Result<Vaults, StoreError> {
        Ok(Vaults {
            pool: debrief_store_postgres::Pool::connect(url, idle)?,
        })
    }

    /// A number that moves whenever an account or an API token may have
    /// changed in the database, whoever changed it; `None` while the
    /// server is not listening for changes (then nothing may be kept).
    pub fn accounts_epoch(&self) -> Option<u64> {
        self.pool.watch().accounts_epoch()
    }

    /// The store of the vault named `vault` (made if missing).
    pub fn open(&self, vault: &str) -> Result<BoxStore, StoreError> {
        Ok(Box::new(debrief_store_postgres::PgStore::pooled(
            &self.pool, vault,
        )?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_described_database_never_shows_its_password() {
        let l = Location::Database("postgres://debrief:s3cret@db.example:5432/debrief".into());
        assert_eq!(l.describe(), "postgres://debrief@db.example:5432/debrief");
        assert!(!l.is_file());
        let plain = Location::Database("postgres://localhost/debrief".into());
        assert_eq!(plain.describe(), "postgres://localhost/debrief");
        let f = Location::File(PathBuf::from("/tmp/x.db"));
        assert!(f.is_file());
        assert_eq!(f.describe(), "/tmp/x.db");
    }
}
