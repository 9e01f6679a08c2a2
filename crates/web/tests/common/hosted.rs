//! A hosted-mode server (FORMAT.md §3) on a fresh PostgreSQL database of
//! its own, served as the role `debrief_app` (which owns nothing, so
//! forced row-level security binds it): a candidate with Acme's data,
//! another candidate, two coaches and an admin, each with an API token.
//! `None` (and a loud line) without `DEBRIEF_TEST_DATABASE_URL`.

use std::net::SocketAddr;
use std::sync::Arc;

use debrief_store_postgres::hosted::{Directory, Role};
use debrief_web::hosted::{Hosted, HostedConfig};

pub struct HostedSite {
    pub addr: SocketAddr,
    pub victim: String,
    pub victim_id: i64,
    pub attacker: String,
    pub coach: String,
    pub other_coach: String,
    pub admin: String,
    _runtime: tokio::runtime::Runtime,
    _db: debrief_testkit::pg::TestDatabase,
}

/// The test server's URL, or `None` after saying loudly what is skipped.
pub fn server_url(what: &str) -> Option<String> {
    match std::env::var("DEBRIEF_TEST_DATABASE_URL") {
        Ok(u) if !u.trim().is_empty() => Some(u),
        _ => {
            eprintln!(
                "!! SKIPPED {what}: DEBRIEF_TEST_DATABASE_URL is not set \
                 (export DEBRIEF_TEST_DATABASE_URL=\"$(.ci/postgres)\")"
            );
            None
        }
    }
}

/// The same server and database as the role `.ci/postgres` makes.
pub fn as_app_role(url: &str) -> String {
    let rest = url.split_once('@').map_or(url, |(_, rest)| rest);
    format!("postgres://debrief_app:debrief_app@{rest}")
}

impl HostedSite {
    pub fn start(now: &str, what: &str) -> Option<HostedSite> {
        HostedSite::start_with(now, what, HostedConfig::default())
    }

    /// [`HostedSite::start`] with a configuration of its own (trusted
    /// proxies).
    pub fn start_with(now: &str, what: &str, config: HostedConfig) -> Option<HostedSite> {
        HostedSite::start_configured(now, what, |_| config)
    }

    /// [`HostedSite::start`] with a configuration made once the server's
    /// address is known (an identity provider needs its callback URL).
    pub fn start_configured(
        now: &str,
        what: &str,
        config: impl FnOnce(SocketAddr) -> HostedConfig,
    ) -> Option<HostedSite> {
        server_url(what)?;
        let db = debrief_testkit::pg::TestDatabase::new();
        let created = jiff::Timestamp::from_second(1_795_000_000).expect("time");
        let dir = Directory::connect(db.url()).expect("migrate");
        let mut tokens = Vec::new();
        let mut victim_id = 0;
        for (email, role) in [
            ("victim@example.org", Role::Candidate),
            ("attacker@example.org", Role::Candidate),
            ("coach@example.org", Role::Coach),
            ("other-coach@example.org", Role::Coach),
            ("admin@example.org", Role::Admin),
        ] {
            let a = dir
                .add_account(email, email, role, "a long password", created)
                .expect("account");
            if email.starts_with("victim") {
                victim_id = a.id;
            }
            tokens.push(dir.new_token(&a, "test", created).expect("token"));
        }
        dir.grant_to("debrief_app").expect("grant");
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let hosted = Hosted::open(
            &as_app_role(db.url()),
            Some(now.to_string()),
            debrief_mail::Sources::none(),
            true,
            config(addr),
        )
        .expect("debrief_app connects (.ci/postgres makes the role)");
        runtime.spawn(debrief_web::server::serve_with(
            listener,
            debrief_web::gate::router(Arc::new(hosted)),
            debrief_web::server::Limits {
                header_timeout: std::time::Duration::from_secs(10),
                idle_timeout: std::time::Duration::from_secs(60),
                max_connections: 64,
            },
            std::future::pending(),
        ));
        Some(HostedSite {
            addr,
            victim: tokens[0].clone(),
            victim_id,
            attacker: tokens[1].clone(),
            coach: tokens[2].clone(),
            other_coach: tokens[3].clone(),
            admin: tokens[4].clone(),
            _runtime: runtime,
            _db: db,
        })
    }

    /// The test database, as its owner (to look behind the server).
    pub fn database_url(&self) -> &str {
        self._db.url()
    }
}
