//! Hosted mode's storage (FORMAT.md §3): every vault table under forced
//! row-level security, a server role that owns nothing and sees one vault
//! per transaction, accounts, tokens, sessions and shares. Against
//! `DEBRIEF_TEST_DATABASE_URL` (`.ci/postgres`, which also makes the role
//! `debrief_app`); skipped loudly without it.

mod common;

use debrief_testkit::eventually;

fn secs(n: u64) -> std::time::Duration {
    std::time::Duration::from_secs(n)
}

use debrief_store::conformance::{sample_profile, small_application};
use debrief_store::{Change, StoreReader, StoreWriter};
use debrief_store_postgres::PgStore;
use debrief_store_postgres::hosted::{Directory, Role};
use jiff::Timestamp;

fn at(s: i64) -> Timestamp {
    Timestamp::from_second(s).expect("time")
}

/// The test server's URL for `user`/`password` on database `db`.
fn as_user(url: &str, user: &str, password: &str) -> String {
    let rest = url.split_once('@').map_or(url, |(_, rest)| rest);
    format!("postgres://{user}:{password}@{rest}")
}

/// Rows `statements` (one query) return, run as the URL's role, each as
/// text.
fn rows(url: &str, statements: &str) -> Result<Vec<String>, String> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
            .await
            .map_err(|e| format!("connect: {e}"))?;
        let task = tokio::spawn(connection);
        let out = client.simple_query(statements).await;
        drop(client);
        let _ = task.await;
        let out = out.map_err(|e| {
            e.as_db_error()
                .map_or_else(|| e.to_string(), |d| d.message().to_string())
        })?;
        Ok(out
            .into_iter()
            .filter_map(|m| match m {
                tokio_postgres::SimpleQueryMessage::Row(r) => {
                    Some(r.get(0).unwrap_or("").to_string())
                }
                _ => None,
            })
            .collect())
    })
}

#[test]
fn every_vault_table_has_forced_row_level_security_and_a_policy() {
    let Some(url) = common::database_url("every_vault_table_has_forced_rls") else {
        return;
    };
    let name = format!("debrief_rls_{}", std::process::id());
    let db = common::fresh_database(&url, &name);
    drop(Directory::connect(&db).expect("migrate"));
    let tables = rows(
        &db,
        "SELECT c.relname || ':' || c.relrowsecurity || ':' || c.relforcerowsecurity || ':' ||
                (SELECT count(*) FROM pg_policies p WHERE p.tablename = c.relname)
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'public' AND c.relkind = 'r'
           AND EXISTS (SELECT 1 FROM pg_attribute a
                       WHERE a.attrelid = c.oid AND a.attname = 'vault_id' AND NOT a.attisdropped)
         ORDER BY c.relname",
    )
    .expect("catalog");
    // The tables known today; a new one must come with its policy.
    for known in [
        "applications",
        "journal",
        "journal_items",
        "profiles",
        "settings",
        "shares",
    ] {
        assert!(
            tables.iter().any(|t| t.starts_with(&format!("{known}:"))),
            "{known} missing from {tables:?}"
        );
    }
    for t in &tables {
        let parts: Vec<&str> = t.split(':').collect();
        assert_eq!(
            parts[1..3],
            ["true", "true"],
            "{}: row-level security must be enabled and forced",
            parts[0]
        );
        assert_ne!(parts[3], "0", "{}: no policy", parts[0]);
    }
    common::drop_database(&url, &name);
}

#[test]
fn a_role_that_owns_nothing_sees_one_vault_per_transaction() {
    let Some(url) = common::database_url("a_role_that_owns_nothing") else {
        return;
    };
    let name = format!("debrief_rls_role_{}", std::process::id());
    let db = common::fresh_database(&url, &name);
    // The owner migrates and grants; the server connects as debrief_app.
    let dir = Directory::connect(&db).expect("migrate");
    dir.grant_to("debrief_app").expect("grant");
    let mut a = PgStore::connect_vault(&db, "a").expect("vault a");
    let mut b = PgStore::connect_vault(&db, "b").expect("vault b");
    a.apply(&[
        Change::SetProfile(sample_profile()),
        Change::PutApplication(small_application("acme-a", "Acme")),
    ])
    .expect("write a");
    b.apply(&[Change::PutApplication(small_application("bolt-b", "Bolt"))])
        .expect("write b");

    let app_url = as_user(&db, "debrief_app", "debrief_app");
    let served = PgStore::connect_vault(&app_url, "a")
        .expect("debrief_app connects (is the role there? .ci/postgres makes it)");
    assert_eq!(served.application_ids().expect("ids"), ["acme-a"]);
    assert!(served.application("bolt-b").expect("read").is_none());

    // Without naming a vault, the role (and even the owner: FORCE) sees
    // no row at all.
    for who in [&app_url, &db] {
        let seen = rows(who, "SELECT count(*) FROM applications").expect("count");
        assert_eq!(seen, ["0"], "{who}");
    }
    // Naming vault a, vault b's rows stay out of reach, for reads and
    // writes alike.
    let ids = rows(
        &app_url,
        "BEGIN; SELECT set_config('debrief.vault', (SELECT id FROM vaults WHERE name = 'a')::text, true);
         SELECT id FROM applications ORDER BY id; COMMIT",
    )
    .expect("read");
    // (The first row is set_config's answer.)
    assert_eq!(ids[1..], ["acme-a"]);
    let smuggled = rows(
        &app_url,
        "BEGIN; SELECT set_config('debrief.vault', (SELECT id FROM vaults WHERE name = 'a')::text, true);
         INSERT INTO settings (vault_id, key, value)
         SELECT id, 'x', 'y' FROM vaults WHERE name = 'b'; COMMIT",
    );
    assert!(
        smuggled
            .as_ref()
            .is_err_and(|e| e.contains("row-level security")),
        "{smuggled:?}"
    );
    // The role owns nothing, so it cannot turn the policy off.
    let off = rows(
        &app_url,
        "ALTER TABLE applications NO FORCE ROW LEVEL SECURITY",
    );
    assert!(off.is_err_and(|e| e.contains("owner")));
    drop((a, b, served, dir));
    common::drop_database(&url, &name);
}

#[test]
fn accounts_tokens_sessions_and_shares() {
    let Some(url) = common::database_url("accounts_tokens_sessions_and_shares") else {
        return;
    };
    let name = format!("debrief_accounts_{}", std::process::id());
    let db = common::fresh_database(&url, &name);
    let dir = Directory::connect(&db).expect("migrate");
    assert!(!dir.has_accounts().expect("count"));
    let ana = dir
        .add_account(
            "Ana@Example.org",
            "Ana",
            Role::Candidate,
            "pw-ana-1",
            at(1_000),
        )
        .expect("add ana");
    assert_eq!(ana.email, "ana@example.org");
    let cole = dir
        .add_account(
            "cole@example.org",
            "Cole",
            Role::Coach,
            "pw-cole-1",
            at(1_000),
        )
        .expect("add cole");
    let again = dir.add_account("ana@example.org", "Ana", Role::Coach, "x", at(1_000));
    assert!(again.is_err_and(|e| e.to_string().contains("already exists")));
    assert!(
        dir.add_account("not an email", "X", Role::Admin, "x", at(1_000))
            .is_err_and(|e| e.to_string().contains("not an email"))
    );
    assert!(dir.has_accounts().expect("count"));
    assert_eq!(dir.accounts().expect("list").len(), 2);
    assert!(dir.vault_of(&ana).expect("vault").is_some());
    assert!(dir.vault_of(&cole).expect("vault").is_none());

    // Passwords: the stored PHC string verifies, a wrong one does not.
    let (who, hash) = dir
        .password_of("ANA@example.org")
        .expect("read")
        .expect("ana");
    assert_eq!(who, ana);
    assert!(debrief_store_postgres::hosted::verify_password(
        &hash, "pw-ana-1"
    ));
    assert!(!debrief_store_postgres::hosted::verify_password(
        &hash, "pw-ana-2"
    ));

    // Tokens: shown once, found by their hash, one per label, revocable.
    let token = dir.new_token(&ana, "laptop", at(1_000)).expect("token");
    assert_eq!(dir.token_account(&token).expect("find"), Some(ana.clone()));
    assert!(dir.new_token(&ana, "laptop", at(1_000)).is_err());
    assert!(dir.token_account("dbt_nonsense").expect("find").is_none());
    let stored = rows(&db, "SELECT encode(hash, 'hex') FROM api_tokens").expect("tokens");
    assert!(!stored.iter().any(|h| token.contains(h.as_str())));
    assert!(dir.revoke_token(&ana, "laptop").expect("revoke"));
    assert!(dir.token_account(&token).expect("find").is_none());
    assert!(!dir.revoke_token(&ana, "laptop").expect("revoke"));

    // Sessions expire and end.
    let session = dir
        .new_session(&cole, at(1_000), at(2_000))
        .expect("session");
    assert_eq!(
        dir.session_account(&session, at(1_999)).expect("find"),
        Some(cole.clone())
    );
    assert!(
        dir.session_account(&session, at(2_000))
            .expect("find")
            .is_none()
    );
    let session = dir
        .new_session(&cole, at(1_000), at(2_000))
        .expect("session");
    dir.end_session(&session).expect("end");
    assert!(
        dir.session_account(&session, at(1_500))
            .expect("find")
            .is_none()
    );

    // Shares: effective at once, in the candidate's history, revocable.
    assert!(dir.shared_with(&cole).expect("caseload").is_empty());
    let (coach, added) = dir
        .share(&ana, "cole@example.org", at(3_000))
        .expect("share")
        .expect("a coach");
    assert!(added && coach == cole);
    assert!(
        dir.share(&ana, "ana@example.org", at(3_000))
            .expect("share")
            .is_none()
    );
    assert!(
        dir.share(&ana, "nobody@example.org", at(3_000))
            .expect("share")
            .is_none()
    );
    assert_eq!(
        dir.shared_with(&cole).expect("caseload"),
        std::slice::from_ref(&ana)
    );
    assert_eq!(dir.shares_of(&ana).expect("shares")[0].coach, cole);
    assert_eq!(
        dir.shared_candidate(&cole, ana.id).expect("one").as_ref(),
        Some(&ana)
    );
    let vault = PgStore::connect_vault(&db, &ana.vault_name()).expect("ana's vault");
    let history = vault.history(10, false).expect("history");
    assert_eq!(history[0].what, "share read access with cole@example.org");
    assert!(
        dir.unshare(&ana, "cole@example.org", at(4_000))
            .expect("unshare")
    );
    assert!(dir.shared_with(&cole).expect("caseload").is_empty());
    assert!(dir.shared_candidate(&cole, ana.id).expect("one").is_none());
    let history = vault.history(10, false).expect("history");
    assert_eq!(history[0].what, "stop sharing with cole@example.org");

    // Disabling ends every way in.
    let session = dir
        .new_session(&ana, at(1_000), at(9_000))
        .expect("session");
    let token = dir.new_token(&ana, "phone", at(1_000)).expect("token");
    dir.disable("ana@example.org")
        .expect("disable")
        .expect("ana");
    assert!(
        dir.session_account(&session, at(1_500))
            .expect("find")
            .is_none()
    );
    assert!(dir.token_account(&token).expect("find").is_none());
    assert!(dir.password_of("ana@example.org").expect("read").is_none());
    drop((vault, dir));
    common::drop_database(&url, &name);
}

#[test]
fn pooled_vaults_share_connections_and_each_sees_only_its_own() {
    let Some(url) = common::database_url("pooled_vaults_share_connections") else {
        return;
    };
    let name = format!("debrief_pool_{}", std::process::id());
    let db = common::fresh_database(&url, &name);
    let dir = Directory::connect(&db).expect("migrate");
    dir.grant_to("debrief_app").expect("grant");
    // The server's role, one idle connection: every call below takes the
    // connection the other vault's call gave back.
    let app_url = as_user(&db, "debrief_app", "debrief_app");
    let pool = debrief_store_postgres::Pool::connect(&app_url, 1).expect("pool");
    let mut a = PgStore::pooled(&pool, "a").expect("vault a");
    let mut b = PgStore::pooled(&pool, "b").expect("vault b");
    for i in 0..5 {
        a.apply(&[Change::PutApplication(small_application(
            &format!("acme-{i}"),
            "Acme",
        ))])
        .expect("write a");
        b.apply(&[Change::PutApplication(small_application(
            &format!("bolt-{i}"),
            "Bolt",
        ))])
        .expect("write b");
        let (ids_a, ids_b) = (
            a.application_ids().expect("a"),
            b.application_ids().expect("b"),
        );
        assert_eq!(ids_a.len(), i + 1);
        assert!(ids_a.iter().all(|id| id.starts_with("acme-")), "{ids_a:?}");
        assert!(ids_b.iter().all(|id| id.starts_with("bolt-")), "{ids_b:?}");
        assert!(a.application(&format!("bolt-{i}")).expect("read").is_none());
    }
    // A write that fails rolls back and gives the connection back clean:
    // the other vault's next call works and sees only its own rows.
    let failed = a.apply(&[
        Change::PutApplication(small_application("acme-x", "Acme")),
        Change::DeleteApplication("no-such-id".into()),
    ]);
    assert!(failed.is_err());
    assert_eq!(b.application_ids().expect("b").len(), 5);
    assert!(a.application("acme-x").expect("read").is_none());
    assert_eq!(pool.idle(), 1, "the connection came back to the pool");
    drop((a, b, pool, dir));
    common::drop_database(&url, &name);
}

#[test]
fn a_pool_keeps_revisions_and_the_token_epoch_true_by_listening() {
    let Some(url) = common::database_url("a_pool_keeps_revisions_true") else {
        return;
    };
    let name = format!("debrief_watch_{}", std::process::id());
    let db = common::fresh_database(&url, &name);
    let dir = Directory::connect(&db).expect("migrate");
    // As the owner, so the test may cut the listening connection below
    // (a role may end its own connections).
    let pool = debrief_store_postgres::Pool::connect(&db, 2).expect("pool");
    assert!(
        eventually(secs(10), || pool.watch().is_live()),
        "the pool's watch listens"
    );
    let mut served = PgStore::pooled(&pool, "a").expect("vault a");
    let first = served
        .revision()
        .expect("revision")
        .expect("a vault has one");

    // Another process (the command line, as the owner) writes: the server's
    // store, which kept the revision, hears of it without asking.
    let mut elsewhere = PgStore::connect_vault(&db, "a").expect("own connection");
    elsewhere
        .apply(&[Change::PutApplication(small_application("acme", "Acme"))])
        .expect("write elsewhere");
    let written = elsewhere.revision().expect("revision").expect("moved");
    assert!(written > first);
    assert!(
        eventually(secs(5), || served.revision().expect("revision")
            == Some(written)),
        "the notification moved the kept revision"
    );

    // Its own write is seen at once, without waiting for the notification.
    served
        .apply(&[Change::PutApplication(small_application("bolt", "Bolt"))])
        .expect("own write");
    assert!(served.revision().expect("revision").expect("moved") > written);

    // The versions its last write gave are kept with the revision it
    // committed as (the ETag after a write): a change behind its back
    // that moves no revision is not seen, so it was not asked for; an
    // application it did not write is asked for; a write elsewhere ends
    // what was kept.
    let bolt = served.version("bolt").expect("version").expect("written");
    let behind =
        "SELECT set_config('debrief.vault', (SELECT id::text FROM vaults WHERE name = 'a'), false);
         UPDATE applications SET version = version + 1000 WHERE id IN ('bolt', 'acme')";
    common::sql(&db, behind);
    assert_eq!(served.version("bolt").expect("version"), Some(bolt));
    let acme = served.version("acme").expect("version").expect("there");
    assert_eq!(
        Some(acme),
        elsewhere.version("acme").expect("version"),
        "not written by the last write: read"
    );
    elsewhere
        .apply(&[Change::PutApplication(small_application("bolt", "Bolt v2"))])
        .expect("write elsewhere");
    let moved = elsewhere.version("bolt").expect("version");
    assert!(
        eventually(secs(5), || served.version("bolt").expect("version")
            == moved),
        "a write elsewhere ends the kept versions"
    );

    // The profile is kept by revision too: a change elsewhere reaches the
    // server's store, its own change is seen at once, and a write
    // transaction after a change elsewhere sees the new one.
    let mut profile = sample_profile();
    assert_ne!(served.profile().expect("profile").name, "Elsewhere");
    profile.name = "Elsewhere".into();
    elsewhere
        .apply(&[Change::SetProfile(profile.clone())])
        .expect("profile elsewhere");
    assert!(
        eventually(secs(5), || served.profile().expect("profile").name
            == "Elsewhere"),
        "a profile written elsewhere reaches the kept one"
    );
    profile.name = "Served".into();
    served
        .apply(&[Change::SetProfile(profile.clone())])
        .expect("own profile");
    assert_eq!(served.profile().expect("profile").name, "Served");
    profile.name = "Again elsewhere".into();
    elsewhere
        .apply(&[Change::SetProfile(profile.clone())])
        .expect("profile elsewhere");
    let mut seen = String::new();
    served
        .transaction(&mut |tx| {
            seen = tx.profile()?.name;
            Ok(())
        })
        .expect("a write transaction");
    assert_eq!(
        seen, "Again elsewhere",
        "a transaction reads under the lock"
    );

    // Settings a write read are kept with the revision it committed as:
    // a change elsewhere moves the revision, so the next transaction
    // reads again; its own change is what it kept.
    let read_days = |store: &mut PgStore| {
        let mut days = None;
        store
            .transaction(&mut |tx| {
                days = tx.setting("journal_days")?;
                Ok(())
            })
            .expect("a write transaction");
        days
    };
    assert_eq!(read_days(&mut served), None);
    elsewhere
        .transaction(&mut |tx| tx.set_setting("journal_days", "7"))
        .expect("a setting elsewhere");
    assert_eq!(read_days(&mut served).as_deref(), Some("7"));
    served
        .transaction(&mut |tx| tx.set_setting("journal_days", "30"))
        .expect("its own setting");
    assert_eq!(read_days(&mut served).as_deref(), Some("30"));
    elsewhere
        .transaction(&mut |tx| tx.remove_setting("journal_days").map(|_| ()))
        .expect("removed elsewhere");
    assert_eq!(read_days(&mut served), None);

    // A revoked token moves the epoch tokens are kept by.
    let ana = dir
        .add_account(
            "ana@example.org",
            "Ana",
            Role::Candidate,
            "a long password",
            at(1),
        )
        .expect("account");
    dir.new_token(&ana, "laptop", at(2)).expect("token");
    let epoch = pool.watch().accounts_epoch().expect("listening");
    assert!(dir.revoke_token(&ana, "laptop").expect("revoke"));
    assert!(
        eventually(secs(5), || pool.watch().accounts_epoch() != Some(epoch)),
        "a revocation is announced"
    );
    let epoch = pool.watch().accounts_epoch().expect("listening");
    dir.disable("ana@example.org").expect("disable");
    assert!(
        eventually(secs(5), || pool.watch().accounts_epoch() != Some(epoch)),
        "a disabled account is announced"
    );

    // The listening connection is cut: nothing is kept meanwhile, so a
    // write elsewhere is seen at once; then it listens again by itself.
    rows(
        &db,
        &format!(
            "SELECT pg_terminate_backend(pid)::text FROM pg_stat_activity \
             WHERE application_name = '{}' AND datname = current_database()",
            debrief_store_postgres::watch::APPLICATION_NAME
        ),
    )
    .expect("terminate the listener");
    assert!(
        eventually(secs(5), || !pool.watch().is_live()),
        "it noticed"
    );
    assert_eq!(pool.watch().accounts_epoch(), None);
    elsewhere
        .apply(&[Change::PutApplication(small_application("cleo", "Cleo"))])
        .expect("write elsewhere");
    let latest = elsewhere.revision().expect("revision");
    assert_eq!(served.revision().expect("revision"), latest);
    assert!(
        eventually(secs(10), || pool.watch().is_live()),
        "it listens again"
    );
    drop((served, elsewhere, pool, dir));
    common::drop_database(&url, &name);
}
