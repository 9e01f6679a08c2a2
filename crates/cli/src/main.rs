//! `debrief`: the command line over Debrief's core and store.
//!
//! Exit codes (FORMAT.md §2): 0 success, 1 the command ran and found a
//! problem, 2 bad input or usage (nothing written), 3 the store could not
//! be used right now (busy beyond its wait; nothing written).

mod admin;
mod answers;
mod args;
mod calendar;
mod ctx;
mod data;
mod history;
mod input;
mod mail;
mod mailscan;
mod mcp;
mod migrate;
mod notes;
mod record;
mod remind;
mod render;
mod trackers;
mod views;

// A one-shot command allocates and frees hundreds of thousands of small
// strings (a large store's agenda); mimalloc does that in about half the
// time of the system allocator (docs/BENCHMARKS.md). Its version 2 (the
// `v2` feature) gives freed memory back to the system after 10 ms where
// version 3 waits a second: a 20,000-event calendar import peaks at 93 MB
// instead of 130 MB, for the same time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use crate::args::{Cli, Command};
use crate::ctx::{Ctx, Failure};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help and version to stdout with exit 0, and usage
            // errors to stderr; usage errors are exit 2 either way.
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Problem) => ExitCode::from(1),
        Err(Failure::Input(msg)) => {
            render::err(&format!("{} {msg}\n", render::paint(render::RED, "error:")));
            ExitCode::from(2)
        }
        Err(Failure::Busy(msg)) => {
            render::err(&format!("{} {msg}\n", render::paint(render::RED, "error:")));
            ExitCode::from(3)
        }
    }
}

fn run(cli: Cli) -> ctx::Result<()> {
    if let Command::Completions { shell } = cli.command {
        clap_complete::generate(
            shell,
            &mut Cli::command(),
            "debrief",
            &mut std::io::stdout(),
        );
        return Ok(());
    }
    if let Command::Explain(a) = &cli.command {
        return views::explain(a, cli.db.as_deref());
    }
    if let Command::Lint(a) = &cli.command
        && a.app.is_none()
    {
        // Context-free linting needs no store.
        return notes::lint_without_store(a, cli.db.as_deref());
    }
    if cli.db.is_some() && cli.database.is_some() {
        return Err(Failure::input(
            "--db (a SQLite file, or DEBRIEF_DB) and --database (PostgreSQL, or DEBRIEF_DATABASE_URL) name two different stores; give only one",
        ));
    }
    if cli.account.is_some() && cli.database.is_none() {
        return Err(Failure::input(
            "--account names an account of a PostgreSQL database; give --database URL (or DEBRIEF_DATABASE_URL) too",
        ));
    }
    if cli.account.is_some() && matches!(cli.command, Command::Serve(_) | Command::Migrate(_)) {
        return Err(Failure::input(
            "--account: serve and migrate work on the database, not on one account's vault; leave it out",
        ));
    }
    if let Command::Serve(a) = &cli.command {
        let db = match &cli.db {
            Some(p) => p.clone(),
            None => ctx::default_db_path()?,
        };
        let config = debrief_web::ServeConfig {
            db,
            database: cli.database.clone(),
            addr: a.addr,
            now: cli.now.clone(),
            limits: debrief_web::server::Limits {
                header_timeout: std::time::Duration::from_secs(a.header_timeout),
                idle_timeout: std::time::Duration::from_secs(a.idle_timeout),
                max_connections: usize::try_from(a.max_connections).unwrap_or(usize::MAX),
            },
            scan_mail_every: a.scan_mail_every,
            trusted_proxies: a.trusted_proxies.clone(),
            log: a.log,
            oidc: oidc_settings(a)?,
        };
        return debrief_web::serve_blocking(config).map_err(|e| {
            if e.is_unavailable() {
                Failure::Busy(e.to_string())
            } else {
                Failure::input(e)
            }
        });
    }
    if let Command::Migrate(a) = &cli.command {
        return migrate::run(a, cli.database.as_deref());
    }
    if let Command::Admin(a) = &cli.command {
        return admin::run(
            a,
            cli.database.as_deref(),
            cli.account.as_deref(),
            cli.now.as_deref(),
        );
    }
    if let Command::Mcp = &cli.command {
        // The vault the tools act on (FORMAT.md §3), chosen once.
        let database = match cli.database.as_deref() {
            Some(url) => Some(admin::vault_location(url, cli.account.as_deref())?),
            None => None,
        };
        return mcp::serve(cli.db, database, cli.now);
    }
    let reads_only = cli.command.only_reads();
    let mut ctx = match cli.database.as_deref() {
        // The vault the data commands act on (FORMAT.md §3).
        Some(url) => {
            let (location, store) = admin::open_vault(url, cli.account.as_deref())?;
            Ctx::with_store(cli.db.as_deref(), location, store, cli.now)?
        }
        None => Ctx::open_in(cli.db.as_deref(), None, cli.now, reads_only)?,
    };
    match cli.command {
        Command::Demo => data::demo(&mut ctx),
        Command::Agenda(a) => views::agenda(&ctx, &a),
        Command::Import(a) => data::import(&mut ctx, &a),
        Command::Export(a) => data::export(&ctx, &a),
        Command::Profile(a) => data::profile(&mut ctx, &a),
        Command::App(c) => record::app(&mut ctx, c),
        Command::Person(c) => record::person(&mut ctx, c),
        Command::Interview(c) => record::interview(&mut ctx, c),
        Command::Said(a) => record::said(&mut ctx, &a),
        Command::Slip(a) => record::slip(&mut ctx, &a),
        Command::Touch(a) => record::touch(&mut ctx, &a),
        Command::Reply(a) => record::reply(&mut ctx, &a),
        Command::News(a) => record::news(&mut ctx, &a),
        Command::Research(a) => record::research(&mut ctx, &a),
        Command::Outcome(a) => record::outcome(&mut ctx, &a),
        Command::Feedback(a) => record::feedback(&mut ctx, &a),
        Command::Done(a) => record::done(&mut ctx, &a),
        Command::Reflect(a) => record::reflect(&mut ctx, &a),
        Command::Lint(a) => notes::lint(&ctx, &a),
        Command::Draft(a) => notes::draft(&ctx, &a),
        Command::Send(a) => mail::send(&mut ctx, &a),
        Command::ImportCsv(a) => trackers::import_csv(&mut ctx, &a),
        Command::Stats(a) => views::stats(&ctx, a.json),
        Command::Ics(c) => calendar::run(&mut ctx, c),
        Command::History(a) => history::history(&mut ctx, &a),
        Command::Undo(a) => history::undo(&mut ctx, &a),
        Command::Delete(a) => history::delete(&mut ctx, &a),
        Command::Correct(a) => history::correct(&mut ctx, &a),
        Command::Remind(a) => remind::run(&mut ctx, &a),
        Command::Mail(c) => mailscan::run(&mut ctx, c),
        Command::Explain(_)
        | Command::Completions { .. }
        | Command::Serve(_)
        | Command::Mcp
        | Command::Migrate(_)
        | Command::Admin(_) => Ok(()),
    }
}

/// `--oidc-issuer` and `--oidc-client-id`, with the secret from
/// `DEBRIEF_OIDC_CLIENT_SECRET` (kept off the command line, where other
/// users of the machine could read it).
fn oidc_settings(a: &args::ServeArgs) -> ctx::Result<Option<debrief_web::oidc::OidcSettings>> {
    let (Some(issuer), Some(client_id)) = (&a.oidc_issuer, &a.oidc_client_id) else {
        return Ok(None);
    };
    let client_secret = std::env::var("DEBRIEF_OIDC_CLIENT_SECRET")
        .ok()
        .filter(|s| !s.is_empty())
        .ok_or_else(|| {
            Failure::input(
                "--oidc-issuer: set DEBRIEF_OIDC_CLIENT_SECRET to the client secret the provider gave Debrief (it is never taken on the command line)",
            )
        })?;
    use debrief_store_postgres::hosted::Role;
    Ok(Some(debrief_web::oidc::OidcSettings {
        issuer: issuer.clone(),
        client_id: client_id.clone(),
        client_secret,
        role: match a.oidc_role {
            args::OidcRole::Candidate => Role::Candidate,
            args::OidcRole::Coach => Role::Coach,
        },
        allow_domains: a.oidc_allow_domains.clone(),
    }))
}
