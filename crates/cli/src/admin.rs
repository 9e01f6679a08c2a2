//! `debrief admin …` (FORMAT.md §3): the operator's commands of hosted
//! mode — accounts, API tokens, migrations — over
//! `debrief_store_postgres::hosted::Directory`. Like `migrate.rs`, this
//! module names the PostgreSQL backend: accounts exist only there.

use std::io::BufRead;

use std::path::Path;

use debrief_app::{BoxStore, Location};
use debrief_core::input::{clock_now, parse_time};
use debrief_store::{Origin, Source, StoreError, StoreReader};
use debrief_store_postgres::PgStore;
use debrief_store_postgres::hosted::{Account, Directory, Role};
use jiff::Timestamp;
use serde_json::json;

use crate::args::{
    AdminBackupArgs, AdminCommand, AdminRestoreArgs, AdminTokenArgs, AdminUserAddArgs,
    AdminUserCommand,
};
use crate::ctx::{Failure, Result};

/// The shortest password `admin user add` accepts.
const PASSWORD_MIN: usize = 10;

pub fn run(
    command: &AdminCommand,
    database: Option<&str>,
    account: Option<&str>,
    now: Option<&str>,
) -> Result<()> {
    let Some(url) = database else {
        return Err(Failure::input(
            "admin needs --database URL (or DEBRIEF_DATABASE_URL): accounts live in a PostgreSQL database",
        ));
    };
    let takes_account = matches!(command, AdminCommand::Backup(_) | AdminCommand::Restore(_));
    if account.is_some() && !takes_account {
        return Err(Failure::input(
            "--account is for data commands and admin backup/restore; admin user and admin token name the account with --email",
        ));
    }
    let now = match now {
        Some(text) => {
            parse_time(text, &jiff::tz::TimeZone::UTC)
                .map_err(|e| Failure::input(format!("--now: {e}")))?
                .ts
        }
        None => clock_now(),
    };
    let dir = connect(url)?;
    match command {
        AdminCommand::User(AdminUserCommand::Add(a)) => add(&dir, a, now),
        AdminCommand::User(AdminUserCommand::List) => {
            for a in dir.accounts()? {
                println!("{}", account_json(&a, true));
            }
            Ok(())
        }
        AdminCommand::User(AdminUserCommand::Disable(a)) => match dir.disable(&a.email)? {
            Some(account) => {
                println!("{}", account_json(&account, true));
                Ok(())
            }
            None => Err(no_account(&a.email)),
        },
        AdminCommand::Token(a) => token(&dir, a, now),
        AdminCommand::Backup(a) => backup(dir, url, account, a),
        AdminCommand::Restore(a) => restore(dir, url, account, a, now),
        AdminCommand::Migrate(a) => {
            if let Some(role) = &a.grant_to {
                dir.grant_to(role)
                    .map_err(|e| Failure::input(format!("--grant-to: {e}")))?;
            }
            println!(
                "{}",
                json!({"schema": debrief_store_postgres::SCHEMA_VERSION, "granted_to": a.grant_to})
            );
            Ok(())
        }
    }
}

fn connect(url: &str) -> Result<Directory> {
    Directory::connect(url).map_err(|e| {
        let msg = format!("cannot open the database: {e}");
        if e.is_busy() {
            Failure::Busy(msg)
        } else {
            Failure::input(msg)
        }
    })
}

/// The vault a data command acts on (FORMAT.md §3): the candidate
/// `account`'s, or — only while the database has no accounts — its one
/// default vault; its location and its store, opened over the connection
/// the account was looked up with. An unknown account, an account with no
/// vault (a coach or an admin) or a hosted database without `--account`
/// is bad input (exit 2), named with what to do.
pub fn open_vault(url: &str, account: Option<&str>) -> Result<(Location, BoxStore)> {
    let dir = connect(url)?;
    let location = vault_of(&dir, url, account)?;
    let store = vault_store(dir, &location)?;
    Ok((location, Box::new(store)))
}

/// Like [`open_vault`], without opening the store (the MCP server opens
/// one per call).
pub fn vault_location(url: &str, account: Option<&str>) -> Result<Location> {
    vault_of(&connect(url)?, url, account)
}

fn vault_of(dir: &Directory, url: &str, account: Option<&str>) -> Result<Location> {
    let Some(email) = account else {
        if dir.has_accounts()? {
            return Err(Failure::input(format!(
                "{} has accounts (hosted mode): say whose data with --account EMAIL (debrief admin user list shows them)",
                dir.label()
            )));
        }
        return Ok(Location::Database(url.to_string()));
    };
    let found = dir
        .account(email)?
        .ok_or_else(|| Failure::input(format!("--account: {}", no_account_text(email))))?;
    if found.role != Role::Candidate {
        return Err(Failure::input(format!(
            "--account: {} is a {} account, which has no vault of its own: only a candidate's account holds data",
            found.email, found.role
        )));
    }
    Ok(Location::Vault {
        url: url.to_string(),
        vault: found.vault_name(),
    })
}

fn no_account_text(email: &str) -> String {
    format!(
        "no account has the email '{}' (debrief admin user list shows them)",
        email.trim()
    )
}

fn no_account(email: &str) -> Failure {
    Failure::input(format!(
        "--email: no account has the email '{email}' (debrief admin user list shows them)"
    ))
}

fn account_json(a: &Account, full: bool) -> serde_json::Value {
    if full {
        json!({"id": a.id.to_string(), "email": a.email, "name": a.name, "role": a.role.as_str(), "disabled": a.disabled})
    } else {
        json!({"id": a.id.to_string(), "email": a.email, "role": a.role.as_str()})
    }
}

/// The password: the first line of standard input, without its line end.
fn read_password() -> Result<String> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).map_err(|e| {
        Failure::input(format!("cannot read the password from standard input: {e}"))
    })?;
    let password = line.trim_end_matches(['\n', '\r']).to_string();
    if password.chars().count() < PASSWORD_MIN {
        return Err(Failure::input(format!(
            "the password (standard input, first line) must have at least {PASSWORD_MIN} characters"
        )));
    }
    if password.chars().any(char::is_control) {
        return Err(Failure::input(
            "the password (standard input, first line) has a control character",
        ));
    }
    Ok(password)
}

fn add(dir: &Directory, a: &AdminUserAddArgs, now: Timestamp) -> Result<()> {
    let email = debrief_store_postgres::hosted::normalize_email(&a.email)
        .map_err(|e| Failure::input(format!("--email: {e}")))?;
    let name = a.name.trim();
    if name.is_empty() || name.chars().count() > 200 || name.chars().any(char::is_control) {
        return Err(Failure::input(
            "--name: give the person's name, one line of at most 200 characters",
        ));
    }
    let role =
        Role::parse(&a.role).ok_or_else(|| Failure::input("--role: candidate, coach or admin"))?;
    let password = read_password()?;
    let account = dir
        .add_account(&email, name, role, &password, now)
        .map_err(|e| match e {
            debrief_store::StoreError::Conflict(m) => Failure::input(format!("--email: {m}")),
            e => Failure::from(e),
        })?;
    println!("{}", account_json(&account, false));
    Ok(())
}

fn token(dir: &Directory, a: &AdminTokenArgs, now: Timestamp) -> Result<()> {
    let account = dir.account(&a.email)?.ok_or_else(|| no_account(&a.email))?;
    if let Some(label) = &a.revoke {
        if !dir.revoke_token(&account, label)? {
            let labels = dir.token_labels(&account)?;
            return Err(Failure::input(format!(
                "--revoke: {} has no token labelled '{label}' (it has: {})",
                account.email,
                if labels.is_empty() {
                    "none".to_string()
                } else {
                    labels.join(", ")
                }
            )));
        }
        println!("{}", json!({"revoked": label, "email": account.email}));
        return Ok(());
    }
    if account.disabled {
        return Err(Failure::input(format!(
            "--email: the account {} is disabled",
            account.email
        )));
    }
    let label = a.label.trim();
    if label.is_empty() || label.chars().count() > 100 || label.chars().any(char::is_control) {
        return Err(Failure::input(
            "--label: one line of at most 100 characters",
        ));
    }
    let secret = dir.new_token(&account, label, now).map_err(|e| match e {
        debrief_store::StoreError::Conflict(m) => Failure::input(format!("--label: {m}")),
        e => Failure::from(e),
    })?;
    println!("{}", json!({"token": secret}));
    Ok(())
}

/// The store of the vault `location` names, over `dir`'s connection.
fn vault_store(dir: Directory, location: &Location) -> Result<PgStore> {
    let vault = match location {
        Location::Vault { vault, .. } => vault.as_str(),
        _ => debrief_store_postgres::DEFAULT_VAULT,
    };
    Ok(dir.into_vault(vault)?)
}

/// A file name for an account's backup: its email, with no path
/// separator in it.
fn backup_name(email: &str) -> String {
    let safe: String = email
        .chars()
        .map(|c| if matches!(c, '/' | '\\') { '_' } else { c })
        .collect();
    format!("{safe}.json")
}

/// Where `admin restore` reads its document: a file, read twice (to
/// restore, then to check the vault against it) as it is parsed, or
/// standard input (`-`), held in memory for the two readings.
enum BackupSource {
    File(std::path::PathBuf),
    Stdin(Vec<u8>),
}

impl BackupSource {
    fn open(path: &Path) -> Result<BackupSource> {
        if path.as_os_str() == "-" {
            use std::io::Read as _;
            let mut bytes = Vec::new();
            std::io::stdin().read_to_end(&mut bytes).map_err(|e| {
                Failure::input(format!(
                    "cannot read standard input: {e}; nothing was restored"
                ))
            })?;
            return Ok(BackupSource::Stdin(bytes));
        }
        let source = BackupSource::File(path.to_path_buf());
        // A file that cannot be read stops before the vault is touched.
        source.reader()?;
        Ok(source)
    }

    /// A new reading from the start (the parser skips a byte order mark).
    fn reader(&self) -> Result<Box<dyn std::io::Read + '_>> {
        match self {
            BackupSource::File(path) => match std::fs::File::open(path) {
                Ok(f) => Ok(Box::new(std::io::BufReader::with_capacity(1 << 20, f))),
                Err(e) => Err(Failure::input(format!(
                    "cannot read {}: {e}; nothing was restored",
                    path.display()
                ))),
            },
            BackupSource::Stdin(bytes) => Ok(Box::new(bytes.as_slice())),
        }
    }
}

/// Writes the vault's document to `path` as `debrief export` does, a page
/// of applications at a time (one snapshot), never the whole vault in
/// memory; gives how many applications it holds.
fn write_backup(store: &dyn StoreReader, path: &Path) -> Result<usize> {
    let cannot =
        |e: std::io::Error| Failure::input(format!("-o: cannot write {}: {e}", path.display()));
    let file = std::fs::File::create(path).map_err(cannot)?;
    crate::data::write_export(store, Box::new(file), &cannot)
}

/// `admin backup`: one vault to a file, or (`--all`) every candidate's to
/// a directory, in the exchange format — the data only: no password hash,
/// token, session or setting (the calendar feed's secret, push keys).
fn backup(dir: Directory, url: &str, account: Option<&str>, a: &AdminBackupArgs) -> Result<()> {
    if !a.all {
        if account.is_none() && dir.has_accounts()? {
            return Err(Failure::input(
                "admin backup: say whose vault with --account EMAIL, or --all for every candidate's",
            ));
        }
        let location = vault_of(&dir, url, account)?;
        let store = vault_store(dir, &location)?;
        let applications = write_backup(&store, &a.output)?;
        println!(
            "{}",
            json!({"account": account.map(str::trim), "file": a.output.display().to_string(), "applications": applications})
        );
        return Ok(());
    }
    if account.is_some() {
        return Err(Failure::input(
            "--all backs up every candidate's vault; leave --account out (or --all, for one)",
        ));
    }
    std::fs::create_dir_all(&a.output).map_err(|e| {
        Failure::input(format!(
            "-o: cannot make the directory {}: {e}",
            a.output.display()
        ))
    })?;
    let mut written = Vec::new();
    for candidate in dir.accounts()?.iter().filter(|c| c.role == Role::Candidate) {
        let store = PgStore::connect_vault(url, &candidate.vault_name())?;
        let path = a.output.join(backup_name(&candidate.email));
        let applications = write_backup(&store, &path)?;
        written.push(json!({"account": candidate.email, "file": path.display().to_string(), "applications": applications}));
    }
    println!(
        "{}",
        json!({"directory": a.output.display().to_string(), "vaults": written})
    );
    Ok(())
}

/// `admin restore`: the vault's profile and applications become the
/// file's, in one transaction (one history entry), then read back and
/// compared: a restore is lossless or reported.
fn restore(
    dir: Directory,
    url: &str,
    account: Option<&str>,
    a: &AdminRestoreArgs,
    now: Timestamp,
) -> Result<()> {
    let location = vault_of(&dir, url, account)?;
    let name = a.file.display().to_string();
    let mut store = vault_store(dir, &location)?;
    let origin = Origin::new(Source::Cli, now, crate::ctx::command_words());
    // Read as it is restored, one application at a time, and again to
    // check the vault against it: never the whole vault in memory.
    let source = BackupSource::open(&a.file)?;
    let done = debrief_app::restore::restore_each(&mut store, &origin, source.reader()?, a.replace)
        .map_err(|e| match e {
            debrief_app::AppError::Store(StoreError::Conflict(m)) => {
                Failure::input(format!("{m}; nothing was restored"))
            }
            debrief_app::AppError::Exchange(e) => {
                Failure::input(format!("{name}: {e}; nothing was restored"))
            }
            e => Failure::from(e),
        })?;
    let same =
        debrief_app::restore::holds_exactly(&store, source.reader()?).map_err(|e| match e {
            debrief_app::AppError::Exchange(e) => {
                Failure::input(format!("{name}: {e} (reading it again)"))
            }
            e => Failure::from(e),
        })?;
    if !same {
        return Err(Failure::input(format!(
            "the restored vault of {} differs from {name}; undo it with debrief --account EMAIL undo",
            location.describe()
        )));
    }
    println!(
        "{}",
        json!({"account": account.map(str::trim), "file": name, "applications": done.applications, "replaced": done.replaced})
    );
    Ok(())
}
