//! `debrief migrate --from FILE.db --database URL`: copies a SQLite store
//! into the default vault of a PostgreSQL database, in one transaction,
//! then reads the copy back and compares it with the original.

use debrief_store::StoreReader;
use debrief_store_postgres::PgStore;
use debrief_store_sqlite::SqliteStore;

use crate::args::MigrateArgs;
use crate::ctx::{Failure, Result};

pub fn run(a: &MigrateArgs, database: Option<&str>) -> Result<()> {
    let Some(url) = database else {
        return Err(Failure::input(
            "migrate needs --database URL (or DEBRIEF_DATABASE_URL): the PostgreSQL database to copy into",
        ));
    };
    let from = &a.from;
    if !from.is_file() {
        // Opening would create an empty store there.
        return Err(Failure::input(format!(
            "--from: there is no store at {}; nothing was copied",
            from.display()
        )));
    }
    let source = SqliteStore::open(from).map_err(|e| {
        let msg = format!("--from: cannot open the store at {}: {e}", from.display());
        if e.is_busy() {
            Failure::Busy(msg)
        } else {
            Failure::input(msg)
        }
    })?;
    let data = source.load()?;
    let settings = source.settings()?;
    let mut target = PgStore::connect(url).map_err(|e| {
        let busy = e.is_busy();
        let msg = format!("cannot open the database: {e}");
        if busy {
            Failure::Busy(msg)
        } else {
            Failure::input(msg)
        }
    })?;
    target
        .fill(&data, &settings, a.replace)
        .map_err(|e| match e {
            debrief_store::StoreError::Conflict(m) => {
                Failure::input(format!("{m}; nothing was copied"))
            }
            e => Failure::from(e),
        })?;
    // Read back: the copy must be the original, field for field.
    let copied = target.load()?;
    if copied != data || target.settings()? != settings {
        return Err(Failure::input(format!(
            "the copy in {} differs from {}; run with --replace to try again",
            target.label(),
            from.display()
        )));
    }
    println!(
        "Copied {} application{}, the profile and {} setting{} from {} to {} (vault '{}'). Use it with --database or DEBRIEF_DATABASE_URL.",
        data.applications.len(),
        if data.applications.len() == 1 {
            ""
        } else {
            "s"
        },
        settings.len(),
        if settings.len() == 1 { "" } else { "s" },
        from.display(),
        target.label(),
        target.vault()
    );
    Ok(())
}
