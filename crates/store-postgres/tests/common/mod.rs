//! The test server: `DEBRIEF_TEST_DATABASE_URL`, or a loud skip.

#![allow(dead_code)]

use std::sync::atomic::{AtomicUsize, Ordering};

/// The test database's URL, or `None` after saying loudly what is skipped
/// and how to run it.
pub fn database_url(test: &str) -> Option<String> {
    match std::env::var("DEBRIEF_TEST_DATABASE_URL") {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ => {
            eprintln!(
                "!! SKIPPED {test}: DEBRIEF_TEST_DATABASE_URL is not set, so no PostgreSQL test ran.\n\
                 !! Start a throwaway server with `export DEBRIEF_TEST_DATABASE_URL=\"$(.ci/postgres)\"` \
                 (PostgreSQL 15+ from Debian: apt-get install -y postgresql), then run the tests again."
            );
            None
        }
    }
}

/// Runs SQL on the test server outside the store (to set up what a test
/// needs), on a runtime of its own.
pub fn sql(url: &str, statements: &str) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
            .await
            .expect("connect to the test server");
        let task = tokio::spawn(connection);
        client
            .batch_execute(statements)
            .await
            .unwrap_or_else(|e| panic!("{statements}: {e:?}"));
        drop(client);
        let _ = task.await;
    });
}

/// A vault name no other test uses, emptied first (the server outlives
/// test runs).
pub fn fresh_vault(url: &str, test: &str) -> String {
    static COUNT: AtomicUsize = AtomicUsize::new(0);
    let name = format!(
        "test-{test}-{}-{}",
        std::process::id(),
        COUNT.fetch_add(1, Ordering::Relaxed)
    );
    // Make sure the schema exists before deleting from it.
    drop(debrief_store_postgres::PgStore::connect_vault(url, &name).expect("connect"));
    sql(
        url,
        &format!(
            "DELETE FROM vaults WHERE name = '{}'",
            name.replace('\'', "''")
        ),
    );
    name
}

/// The URL of another database on the same server.
pub fn with_database(url: &str, db: &str) -> String {
    let (base, _) = url.rsplit_once('/').expect("a URL with a database");
    format!("{base}/{db}")
}

/// A new, empty database on the test server; dropped first if a previous
/// run left it (`debrief_testkit::pg::drop_database` tries again while an
/// autovacuum worker is still in it).
pub fn fresh_database(url: &str, name: &str) -> String {
    debrief_testkit::pg::drop_database(url, name);
    sql(url, &format!("CREATE DATABASE {name}"));
    with_database(url, name)
}

pub fn drop_database(url: &str, name: &str) {
    debrief_testkit::pg::drop_database(url, name);
}
