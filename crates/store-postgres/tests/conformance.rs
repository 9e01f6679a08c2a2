//! The shared conformance suite against a real PostgreSQL server
//! (`DEBRIEF_TEST_DATABASE_URL`; `.ci/postgres` starts one), each store on
//! a fresh vault. Without the variable every test says loudly that it was
//! skipped, and passes.

mod common;

use debrief_store::conformance::{self, Failure};
use debrief_store::{Store, StoreError};
use debrief_store_postgres::PgStore;

/// Runs one conformance check, each store a new vault.
fn check(
    name: &'static str,
    run: fn(conformance::NewStore<'_>) -> Result<(), Failure>,
) -> Result<(), Failure> {
    let Some(url) = common::database_url(name) else {
        return Ok(());
    };
    let new_store = || -> Result<Box<dyn Store>, StoreError> {
        let vault = common::fresh_vault(&url, name);
        Ok(Box::new(PgStore::connect_vault(&url, &vault)?))
    };
    run(&new_store)
}

/// Runs one conformance check with every store over one shared pool that
/// keeps a single idle connection (hosted mode's stores): each call takes
/// the connection the previous vault's call gave back, so the check also
/// proves a connection is rebound to the caller's vault every time.
fn check_pooled(
    name: &'static str,
    run: fn(conformance::NewStore<'_>) -> Result<(), Failure>,
) -> Result<(), Failure> {
    let Some(url) = common::database_url(name) else {
        return Ok(());
    };
    let pool = debrief_store_postgres::Pool::connect(&url, 1).map_err(|e| Failure {
        check: name,
        message: format!("cannot connect the pool: {e}"),
    })?;
    let new_store = || -> Result<Box<dyn Store>, StoreError> {
        let vault = common::fresh_vault(&url, name);
        Ok(Box::new(PgStore::pooled(&pool, &vault)?))
    };
    run(&new_store)
}

macro_rules! conformance_tests {
    ($($name:ident),+ $(,)?) => {
        $(
            #[test]
            fn $name() -> Result<(), Failure> {
                check(stringify!($name), conformance::$name)
            }
        )+

        /// The same checks on pooled stores.
        mod pooled {
            use super::*;
            $(
                #[test]
                fn $name() -> Result<(), Failure> {
                    check_pooled(stringify!($name), conformance::$name)
                }
            )+
        }

        /// Every check in the suite has a test above (a new check must be added).
        #[test]
        fn every_conformance_check_has_a_test() {
            let named = [$(stringify!($name)),+];
            for (check, _) in conformance::CHECKS {
                assert!(named.contains(check), "no #[test] for conformance::{check}");
            }
        }
    };
}

conformance_tests!(
    empty_store_has_default_profile_and_no_applications,
    profile_round_trip,
    full_application_round_trip,
    edge_values_round_trip,
    replace_keeps_position,
    delete_application,
    unknown_delete_fails_and_rolls_back,
    delete_all_applications,
    application_lookup_and_ids,
    find_applications_by_key,
    each_application_walks_the_store,
    batch_is_atomic,
    empty_batch_changes_nothing,
    load_active_keeps_every_acting_application,
    a_big_batch_of_puts_is_written_as_one_by_one,
    apply_each_is_one_transaction,
    a_bulk_write_is_one_transaction_too,
    summaries_match_the_applications,
    update_is_one_journalled_transaction,
    journal_keeps_what_each_application_ends_as,
    journal_keeps_only_what_changed_in_a_big_unit,
    journal_forgets_entries_older_than_its_days,
    versions_change_and_are_never_reused,
    stale_write_is_refused,
    undo_reverts_and_is_undoable,
    undo_refuses_to_overwrite_unjournalled_changes,
    settings_are_kept_replaced_and_removed,
);

/// Runs one check that needs several handles on one store: each handle its
/// own connection to the same new vault, as separate processes would have.
fn check_shared(
    name: &'static str,
    run: fn(conformance::OpenShared<'_>) -> Result<(), Failure>,
) -> Result<(), Failure> {
    let Some(url) = common::database_url(name) else {
        return Ok(());
    };
    let vault = common::fresh_vault(&url, name);
    let open = || -> Result<Box<dyn Store + Send>, StoreError> {
        Ok(Box::new(PgStore::connect_vault(&url, &vault)?))
    };
    run(&open)
}

#[test]
fn concurrent_updates_lose_nothing() -> Result<(), Failure> {
    check_shared(
        "concurrent_updates_lose_nothing",
        conformance::concurrent_updates_lose_nothing,
    )
}

#[test]
fn a_write_waits_for_another_writer() -> Result<(), Failure> {
    check_shared(
        "a_write_waits_for_another_writer",
        conformance::a_write_waits_for_another_writer,
    )
}

#[test]
fn revision_sees_other_writers() -> Result<(), Failure> {
    check_shared(
        "revision_sees_other_writers",
        conformance::revision_sees_other_writers,
    )
}

#[test]
fn every_shared_check_has_a_test() {
    for (check, _) in conformance::SHARED_CHECKS {
        assert!(
            [
                "concurrent_updates_lose_nothing",
                "a_write_waits_for_another_writer",
                "revision_sees_other_writers"
            ]
            .contains(check),
            "no #[test] for conformance::{check}"
        );
    }
}
