//! The command line, as clap types. Names and values follow FORMAT.md §2 and
//! the playbook's rule ids.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use debrief_core::model::{
    Channel, FeedbackKind, HolidayCalendar, InterviewFormat, InterviewId, OutcomeKind, PersonId,
    PersonKind, Policy, RecruiterKind, Stage, TouchKind,
};

/// Debrief: what to do after each job interview, and why.
#[derive(Debug, Parser)]
#[command(name = "debrief", version, about, long_about = None, arg_required_else_help = true)]
pub struct Cli {
    /// The store (a SQLite file). Default: debrief.db in your data directory.
    #[arg(long, global = true, env = "DEBRIEF_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// Keep the data in PostgreSQL instead of a SQLite file:
    /// postgres://USER:PASSWORD@HOST:PORT/DATABASE (its default vault).
    #[arg(
        long,
        global = true,
        env = "DEBRIEF_DATABASE_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    pub database: Option<String>,

    /// With --database: act on this account's vault (a candidate's; FORMAT.md
    /// §3). Needed once the database has accounts; without accounts the
    /// database's one default vault is used.
    #[arg(long, global = true, env = "DEBRIEF_ACCOUNT", value_name = "EMAIL")]
    pub account: Option<String>,

    /// Pretend the clock reads TIME (RFC 3339, or "YYYY-MM-DD HH:MM" in your
    /// profile's time zone): for what-if questions and tests.
    #[arg(long, global = true, env = "DEBRIEF_NOW", value_name = "TIME")]
    pub now: Option<String>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Fill the store with a realistic sample and show its agenda.
    Demo,
    /// What to do now: overdue, due and upcoming actions, each with its why.
    Agenda(AgendaArgs),
    /// Read an exchange file (debrief/1 JSON) into the store.
    Import(ImportArgs),
    /// Write the whole store as an exchange file (debrief/1 JSON).
    Export(ExportArgs),
    /// Show or change your profile: name, time zone, holidays, policy.
    Profile(ProfileArgs),
    /// Applications: add, list, show, change, remove.
    #[command(subcommand, visible_alias = "apps")]
    App(AppCommand),
    /// People you met or deal with at an application.
    #[command(subcommand)]
    Person(PersonCommand),
    /// Interviews: schedule, then mark done, missed or cancelled.
    #[command(subcommand)]
    Interview(InterviewCommand),
    /// Record something a person said about the company or the role.
    Said(SaidArgs),
    /// Record a slip-up from an interview, or mark one apologized for.
    Slip(SlipArgs),
    /// Log a message or call (status chases go through the follow-up guard).
    Touch(TouchArgs),
    /// Record that they replied.
    Reply(ReplyArgs),
    /// Record company news (for a congratulation that adds value).
    News(NewsArgs),
    /// Record research about the company, with how you would contribute.
    Research(ResearchArgs),
    /// Record the outcome: offer, rejected, withdrawn, no-response.
    Outcome(OutcomeArgs),
    /// Record or classify feedback after the outcome.
    Feedback(FeedbackArgs),
    /// Mark an agenda action done or dismissed, with a reason.
    Done(DoneArgs),
    /// Reflect on an interview: what went well first, then one change.
    Reflect(ReflectArgs),
    /// Explain a rule: what it asks, when it fires, its sources and figures.
    Explain(ExplainArgs),
    /// Check a note before sending it: names, salary, apologies, pressure…
    Lint(LintArgs),
    /// Write a first draft of a note from what the store knows.
    Draft(DraftArgs),
    /// Send a note by email (SMTP), through the linter and the follow-up guard.
    Send(SendArgs),
    /// Import jobs from another tracker's CSV: Huntr, JobSync, or any CSV.
    ImportCsv(ImportCsvArgs),
    /// Activity and learning: funnel, thank-you timeliness, replies, recurring mistakes.
    Stats(JsonFlag),
    /// Open Debrief in the browser: serve the web app on this computer.
    Serve(ServeArgs),
    /// Calendars: import invites (.ics), export interviews and reminders, the feed.
    #[command(subcommand)]
    Ics(IcsCommand),
    /// Your mailbox, read-only: proposals for notes sent, replies, outcomes, invitations.
    #[command(subcommand)]
    Mail(MailCommand),
    /// Print shell completions.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// The latest changes to the store, newest first (what `undo` reverts).
    History(HistoryArgs),
    /// Delete one record: an application, a person, an interview, a touch,
    /// a reply, a said line, a slip-up, news, research, a feedback point, a
    /// reflection, a dismissal or the outcome. Asks first; `undo` brings it
    /// back. Numbers (--index) are as `debrief app show` lists them.
    Delete(DeleteArgs),
    /// Correct fields of one record, named as for `delete`:
    /// `--set FIELD=VALUE` with the exchange format's field names and
    /// values (`--set kind=thank-you`, `--set text="…"`). Undoable.
    Correct(CorrectArgs),
    /// Take back the last change (or the last N); an undo can be undone too.
    Undo(UndoArgs),
    /// Serve Debrief to an AI assistant: a Model Context Protocol server on
    /// standard input and output (docs/mcp.md).
    Mcp,
    /// The follow-ups that became due since the last reminder, once each;
    /// --install runs it every 15 minutes.
    Remind(RemindArgs),
    /// Copy a SQLite store into PostgreSQL: `--from FILE.db --database URL`
    /// (profile, applications, settings; checked after copying).
    Migrate(MigrateArgs),
    /// Hosted mode on PostgreSQL (`--database`): accounts, API tokens,
    /// migrations (docs/hosting.md).
    #[command(subcommand)]
    Admin(AdminCommand),
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Accounts: add (password on standard input), list, disable.
    #[command(subcommand)]
    User(AdminUserCommand),
    /// An API token for an account, printed once as {"token": "…"}; or
    /// --revoke LABEL ends one.
    Token(AdminTokenArgs),
    /// Bring the database's schema up to date (as the role that owns it),
    /// so the server can connect as a role that owns nothing.
    Migrate(AdminMigrateArgs),
    /// Back up one vault (--account EMAIL) or every candidate's (--all)
    /// in the exchange format: no password, token or setting.
    Backup(AdminBackupArgs),
    /// Restore one vault (--account EMAIL) from an exchange file, in one
    /// transaction; a vault that holds data needs --replace.
    Restore(AdminRestoreArgs),
}

#[derive(Debug, Args)]
pub struct AdminBackupArgs {
    /// Every candidate's vault, one EMAIL.json each in the directory -o
    /// names (instead of --account's one file).
    #[arg(long)]
    pub all: bool,
    /// The file to write (one vault), or the directory (--all).
    #[arg(long, short = 'o', value_name = "PATH")]
    pub output: PathBuf,
}

#[derive(Debug, Args)]
pub struct AdminRestoreArgs {
    /// The exchange file (debrief/1 JSON), as `admin backup` or
    /// `debrief export` wrote it, or - for standard input.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Overwrite the vault's profile and applications (refused otherwise
    /// when it holds any). Undo with `debrief --account EMAIL undo`.
    #[arg(long)]
    pub replace: bool,
}

#[derive(Debug, Subcommand)]
pub enum AdminUserCommand {
    /// Add an account; reads its password from standard input (first line)
    /// and prints {"id", "email", "role"}. A candidate gets a vault.
    Add(AdminUserAddArgs),
    /// Every account, as JSON lines: id, email, name, role, disabled.
    List,
    /// Disable an account: its password, tokens and sessions stop working.
    Disable(AdminEmailArgs),
}

#[derive(Debug, Args)]
pub struct AdminUserAddArgs {
    #[arg(long, value_name = "EMAIL")]
    pub email: String,
    #[arg(long, value_name = "NAME")]
    pub name: String,
    /// candidate (owns a vault), coach (reads what is shared with them) or admin.
    #[arg(long, value_parser = ["candidate", "coach", "admin"])]
    pub role: String,
}

#[derive(Debug, Args)]
pub struct AdminEmailArgs {
    #[arg(long, value_name = "EMAIL")]
    pub email: String,
}

#[derive(Debug, Args)]
pub struct AdminTokenArgs {
    /// The account the token is for.
    #[arg(long, value_name = "EMAIL")]
    pub email: String,
    /// What the token is called (one token per label and account).
    #[arg(long, value_name = "TEXT", default_value = "api")]
    pub label: String,
    /// End the token with this label instead of making one.
    #[arg(long, value_name = "LABEL", conflicts_with = "label")]
    pub revoke: Option<String>,
}

#[derive(Debug, Args)]
pub struct AdminMigrateArgs {
    /// Also grant this role (one that owns nothing) the rights a server
    /// needs on every table: read and write rows, never change the schema.
    #[arg(long, value_name = "ROLE")]
    pub grant_to: Option<String>,
}

#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// The SQLite store to copy from.
    #[arg(long, value_name = "FILE.db")]
    pub from: PathBuf,
    /// Overwrite what the database's vault holds (refused otherwise).
    #[arg(long)]
    pub replace: bool,
}

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// How many changes to show.
    #[arg(long, short = 'n', default_value_t = 20)]
    pub limit: usize,
    /// Machine-readable output.
    #[arg(long)]
    pub json: bool,
    /// Keep the history this many days from now on (default 90).
    #[arg(long, value_name = "DAYS")]
    pub keep_days: Option<u32>,
}

/// What `debrief delete` deletes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DeleteKind {
    Application,
    Person,
    Interview,
    Touch,
    Reply,
    Said,
    Slip,
    News,
    Research,
    Feedback,
    Reflection,
    Dismissal,
    Outcome,
}

#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// What to delete.
    #[arg(value_enum)]
    pub what: DeleteKind,
    /// The application.
    #[arg(long)]
    pub app: String,
    /// The person (person, said).
    #[arg(long)]
    pub person: Option<PersonId>,
    /// The interview (interview, slip, reflection).
    #[arg(long)]
    pub interview: Option<InterviewId>,
    /// Which one, counting from 1 (touch, reply, said, slip, news,
    /// research, feedback, dismissal).
    #[arg(long, short = 'n')]
    pub index: Option<usize>,
    /// Deleting a person on an interview panel: take them off the panel too.
    #[arg(long)]
    pub from_panels: bool,
    /// Don't ask (needed when not at a terminal).
    #[arg(long, short = 'y')]
    pub yes: bool,
}

#[derive(Debug, Args)]
pub struct CorrectArgs {
    /// What to correct (not `application`: use `debrief app set`).
    #[arg(value_enum)]
    pub what: DeleteKind,
    /// The application.
    #[arg(long)]
    pub app: String,
    /// The person (person, said).
    #[arg(long)]
    pub person: Option<PersonId>,
    /// The interview (interview, slip, reflection).
    #[arg(long)]
    pub interview: Option<InterviewId>,
    /// Which one, counting from 1, as `debrief app show` numbers them.
    #[arg(long, short = 'n')]
    pub index: Option<usize>,
    /// FIELD=VALUE; VALUE is read as JSON when it is (true, 3, null,
    /// "…"), else as text. Repeatable.
    #[arg(long = "set", value_name = "FIELD=VALUE", required = true)]
    pub set: Vec<String>,
}

#[derive(Debug, Args)]
pub struct UndoArgs {
    /// How many changes to take back, newest first.
    #[arg(default_value_t = 1)]
    pub count: usize,
    /// Machine-readable output.
    #[arg(long)]
    pub json: bool,
}

impl Command {
    /// Commands that only read the store: on a store file that does not
    /// exist yet they see an empty store instead of creating one.
    pub fn only_reads(&self) -> bool {
        match self {
            Command::Agenda(_)
            | Command::Export(_)
            | Command::Lint(_)
            | Command::Draft(_)
            | Command::Stats(_) => true,
            Command::History(h) => h.keep_days.is_none(),
            // Nothing to take back, or to announce, in a store that is not
            // there: neither creates one.
            Command::Undo(_) => true,
            // Setting the web app's digest writes the store.
            Command::Remind(r) => r.digest.is_none(),
            Command::App(c) => matches!(c, AppCommand::List(_) | AppCommand::Show { .. }),
            Command::Ics(c) => matches!(c, IcsCommand::Export(_)),
            _ => false,
        }
    }
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Where to listen. The default is loopback: only this computer can reach it.
    #[arg(long, default_value = "127.0.0.1:7878", value_name = "IP:PORT")]
    pub addr: std::net::SocketAddr,
    /// Seconds a connection has to send a whole request head (also how
    /// long an idle keep-alive connection stays open).
    #[arg(long, default_value_t = 10, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub header_timeout: u64,
    /// Seconds without a byte moving either way before a connection is closed.
    #[arg(long, default_value_t = 60, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..=86400))]
    pub idle_timeout: u64,
    /// Most connections open at once; at the cap the longest-idle one is closed.
    #[arg(long, default_value_t = 128, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=65536))]
    pub max_connections: u64,
    /// Scan the mailboxes named in mail.toml's `scan` (or DEBRIEF_MAIL_SCAN)
    /// at start and then this often (30m, 1h, 1d), proposing only: review
    /// the proposals on the Inbox page. Off by default.
    #[arg(long, value_name = "INTERVAL", value_parser = parse_interval)]
    pub scan_mail_every: Option<std::time::Duration>,
    /// A reverse proxy's address (repeatable): hosted mode believes its
    /// X-Forwarded-For (sign-in throttling) and X-Forwarded-Proto (Secure
    /// cookies), and no one else's.
    #[arg(long = "trusted-proxy", value_name = "IP")]
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Log every request (method, route template, status, microseconds;
    /// never an id, address or account) and the server's warnings on
    /// standard error, as `text` or `json` (one object per line).
    #[arg(long, value_name = "FORMAT", env = "DEBRIEF_LOG")]
    pub log: Option<debrief_web::log::LogFormat>,
    /// Hosted mode: also let people sign in with this OpenID Connect
    /// provider (its issuer URL, https). The client secret is read from
    /// DEBRIEF_OIDC_CLIENT_SECRET, never from the command line. Register
    /// https://YOUR-HOST/login/oidc/callback as the redirect URI.
    #[arg(long, value_name = "URL", requires = "oidc_client_id")]
    pub oidc_issuer: Option<String>,
    /// The client id Debrief has at the --oidc-issuer provider.
    #[arg(long, value_name = "ID", requires = "oidc_issuer")]
    pub oidc_client_id: Option<String>,
    /// The role of an account a first sign-in with the provider makes
    /// (an existing account, matched by verified email, keeps its own).
    #[arg(long, value_enum, default_value_t = OidcRole::Candidate, value_name = "ROLE", requires = "oidc_issuer")]
    pub oidc_role: OidcRole,
    /// Make accounts on a first sign-in with the provider only for
    /// verified emails at this domain (exactly, any case; repeatable).
    /// Existing accounts sign in whatever their domain. Without it, any
    /// verified email at the provider makes an account.
    #[arg(
        long = "oidc-allow-domain",
        value_name = "DOMAIN",
        requires = "oidc_issuer"
    )]
    pub oidc_allow_domains: Vec<String>,
}

/// The roles a sign-in with an identity provider may give a new account
/// (never admin).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OidcRole {
    Candidate,
    Coach,
}

/// `30m`, `1h`, `2h`, `1d`: at least 5 minutes, at most a week.
fn parse_interval(text: &str) -> Result<std::time::Duration, String> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (n, unit) = t.split_at(split);
    let n: u64 = n
        .parse()
        .map_err(|_| format!("'{t}' is not an interval; write 30m, 1h or 1d"))?;
    let secs = match unit {
        "m" | "min" => n.saturating_mul(60),
        "h" => n.saturating_mul(3600),
        "d" => n.saturating_mul(86400),
        _ => return Err(format!("'{t}' is not an interval; write 30m, 1h or 1d")),
    };
    if !(300..=7 * 86400).contains(&secs) {
        return Err(format!(
            "'{t}' is out of range: scan between every 5m and every 7d"
        ));
    }
    Ok(std::time::Duration::from_secs(secs))
}

#[derive(Debug, Subcommand)]
pub enum IcsCommand {
    /// Read calendar invites (.ics from Outlook, Teams, Google, Zoom…) into
    /// interviews and the people in them.
    Import(IcsImportArgs),
    /// Write interviews and open actions, with reminders, as an .ics file.
    Export(IcsExportArgs),
    /// Show the private address of the calendar feed `debrief serve` offers.
    Feed(IcsFeedArgs),
}

#[derive(Debug, Args)]
pub struct IcsImportArgs {
    /// The .ics files, folders (every *.ics in them), or - for standard
    /// input: all imported in one go, one report, written together.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Put every event in this application (default: the one the invite's
    /// addresses or title point to, or a new one for the organizer's company).
    #[arg(long, value_name = "ID")]
    pub app: Option<String>,
    /// Say what would change; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// List every event in the report, not just the first screenful.
    #[arg(long)]
    pub all: bool,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct IcsExportArgs {
    /// Write to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Only this application's interviews and actions.
    #[arg(long, value_name = "ID")]
    pub app: Option<String>,
}

#[derive(Debug, Args)]
pub struct IcsFeedArgs {
    /// Make a new address; the old one stops working at once.
    #[arg(long, conflicts_with = "off")]
    pub revoke: bool,
    /// Turn the feed off (no address works until you ask for one again).
    #[arg(long)]
    pub off: bool,
    /// Where `debrief serve` listens, to print the full address.
    #[arg(long, default_value = "127.0.0.1:7878", value_name = "IP:PORT")]
    pub addr: std::net::SocketAddr,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct JsonFlag {
    /// Machine-readable output.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct AgendaArgs {
    #[arg(long)]
    pub json: bool,
    /// Only this application.
    #[arg(long, value_name = "ID")]
    pub app: Option<String>,
    /// Show everything: every overdue and due action, not just the first
    /// screenful of each, and every upcoming one, not just the next two
    /// weeks.
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The file, or - for standard input.
    pub file: PathBuf,
    /// Remove every application not in the file (default: add and update).
    /// Asks first; a backup of the store is written beside it.
    #[arg(long)]
    pub replace: bool,
    /// Confirm `--replace` without asking (needed when not at a terminal).
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Check the file and say what would change; write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Write to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ProfileArgs {
    #[arg(long)]
    pub name: Option<String>,
    /// IANA time zone, e.g. America/Chicago.
    #[arg(long)]
    pub timezone: Option<String>,
    #[arg(long, value_parser = parse_wire::<HolidayCalendar>)]
    pub holidays: Option<HolidayCalendar>,
    /// Add a personal day off (YYYY-MM-DD); repeatable.
    #[arg(long, value_name = "DATE")]
    pub add_day: Vec<String>,
    /// Remove a personal day off; repeatable.
    #[arg(long, value_name = "DATE")]
    pub remove_day: Vec<String>,
    #[arg(long, value_parser = parse_wire::<Policy>)]
    pub policy: Option<Policy>,
    /// Add one of your own email addresses (calendar imports never make
    /// you a person); repeatable.
    #[arg(long = "email", value_name = "ADDRESS")]
    pub add_email: Vec<String>,
    /// Remove one of your addresses; repeatable.
    #[arg(long, value_name = "ADDRESS")]
    pub remove_email: Vec<String>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum AppCommand {
    /// Add an application.
    Add(AppAddArgs),
    /// List applications.
    List(JsonFlag),
    /// Show one application with its timeline and next actions.
    Show {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Change an application.
    Set(AppSetArgs),
    /// Remove an application and everything recorded for it (asks first;
    /// `debrief undo` brings it back).
    Remove {
        id: String,
        /// Don't ask (needed when not at a terminal).
        #[arg(long, short = 'y')]
        yes: bool,
    },
}

#[derive(Debug, Args)]
pub struct AppAddArgs {
    #[arg(long)]
    pub company: String,
    #[arg(long, default_value = "")]
    pub role: String,
    /// Default: made from the company and role.
    #[arg(long)]
    pub id: Option<String>,
    #[arg(long, value_parser = parse_wire::<Stage>, default_value = "applied")]
    pub stage: Stage,
    #[arg(long, value_parser = parse_wire::<RecruiterKind>, default_value = "none")]
    pub recruiter: RecruiterKind,
    /// The role must be filled quickly (no handwritten notes).
    #[arg(long)]
    pub urgent: bool,
    #[arg(long, value_parser = parse_wire::<Policy>)]
    pub policy: Option<Policy>,
}

#[derive(Debug, Args)]
pub struct AppSetArgs {
    pub id: String,
    #[arg(long)]
    pub company: Option<String>,
    #[arg(long)]
    pub role: Option<String>,
    #[arg(long, value_parser = parse_wire::<Stage>)]
    pub stage: Option<Stage>,
    #[arg(long, value_parser = parse_wire::<RecruiterKind>)]
    pub recruiter: Option<RecruiterKind>,
    #[arg(long)]
    pub urgent: Option<bool>,
    /// conservative, proactive, or "profile" to follow your profile.
    #[arg(long)]
    pub policy: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum PersonCommand {
    /// Add a person to an application.
    Add(PersonArgs),
    /// Change a person's details, timeline or preferred channel.
    Set(PersonArgs),
}

#[derive(Debug, Args)]
pub struct PersonArgs {
    #[arg(long, value_name = "ID")]
    pub app: String,
    /// The person's id (default for add: made from the name).
    #[arg(long = "person", visible_alias = "id", value_name = "ID")]
    pub person: Option<PersonId>,
    /// Exact spelling matters: it is checked in every note.
    #[arg(long)]
    pub name: Option<String>,
    #[arg(long, value_parser = parse_wire::<PersonKind>)]
    pub kind: Option<PersonKind>,
    #[arg(long)]
    pub title: Option<String>,
    #[arg(long)]
    pub email: Option<String>,
    #[arg(long)]
    pub phone: Option<String>,
    #[arg(long, value_name = "ADDRESS")]
    pub address: Option<String>,
    /// How they want to be followed up with.
    #[arg(long, value_parser = parse_wire::<Channel>)]
    pub prefers: Option<Channel>,
    /// "If you haven't heard by DATE…": their own timeline (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub after: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum InterviewCommand {
    /// Schedule an interview.
    Add(InterviewAddArgs),
    /// Mark an interview done, with what happened.
    Done(InterviewDoneArgs),
    /// Mark an interview missed (recovery starts now).
    Missed(InterviewRef),
    /// Mark an interview cancelled.
    Cancel(InterviewRef),
    /// Move an interview to a new time (or change its length).
    Reschedule(InterviewRescheduleArgs),
    /// Record preparation: research done, questions prepared.
    Prepared(InterviewPreparedArgs),
}

#[derive(Debug, Args)]
pub struct InterviewRef {
    #[arg(long, value_name = "ID")]
    pub app: String,
    #[arg(long = "interview", value_name = "ID")]
    pub interview: InterviewId,
}

#[derive(Debug, Args)]
pub struct InterviewRescheduleArgs {
    #[command(flatten)]
    pub target: InterviewRef,
    /// New start (RFC 3339, or "YYYY-MM-DD HH:MM" in your time zone).
    #[arg(long, value_name = "TIME", required_unless_present = "minutes")]
    pub at: Option<String>,
    /// New length in minutes.
    #[arg(long)]
    pub minutes: Option<u32>,
}

#[derive(Debug, Args)]
pub struct InterviewAddArgs {
    #[arg(long, value_name = "ID")]
    pub app: String,
    /// Default: interview-1, interview-2, …
    #[arg(long = "interview", visible_alias = "id", value_name = "ID")]
    pub interview: Option<InterviewId>,
    /// Start (RFC 3339, or "YYYY-MM-DD HH:MM" in your time zone).
    #[arg(long, value_name = "TIME")]
    pub at: String,
    #[arg(long, default_value_t = 60)]
    pub minutes: u32,
    #[arg(long, value_parser = parse_wire::<InterviewFormat>, default_value = "video")]
    pub format: InterviewFormat,
    /// Interviewer ids, comma-separated.
    #[arg(long, value_delimiter = ',', value_name = "IDS")]
    pub with: Vec<PersonId>,
    /// Others met on the day (receptionist, coordinator), comma-separated.
    #[arg(long, value_delimiter = ',', value_name = "IDS")]
    pub also_met: Vec<PersonId>,
}

#[derive(Debug, Args)]
pub struct InterviewDoneArgs {
    #[command(flatten)]
    pub target: InterviewRef,
    /// Did you ask them questions?
    #[arg(long)]
    pub asked_questions: Option<bool>,
    /// A serious life event disrupted the interview.
    #[arg(long)]
    pub disrupted: bool,
    /// Others met on the day, comma-separated (added).
    #[arg(long, value_delimiter = ',', value_name = "IDS")]
    pub also_met: Vec<PersonId>,
}

#[derive(Debug, Args)]
pub struct InterviewPreparedArgs {
    #[command(flatten)]
    pub target: InterviewRef,
    #[arg(long)]
    pub research: Option<bool>,
    #[arg(long)]
    pub questions: Option<u32>,
}

#[derive(Debug, Args)]
pub struct SaidArgs {
    #[arg(long, value_name = "ID")]
    pub app: String,
    #[arg(long, value_name = "ID")]
    pub person: PersonId,
    /// What they said, in your words.
    pub text: String,
}

#[derive(Debug, Args)]
pub struct SlipArgs {
    #[arg(long, value_name = "ID")]
    pub app: String,
    #[arg(long = "interview", value_name = "ID")]
    pub interview: InterviewId,
    /// The slip-up, to add it.
    pub text: Option<String>,
    /// They surely noticed it.
    #[arg(long)]
    pub noticed: bool,
    /// Already apologized (in person or in a note).
    #[arg(long)]
    pub apologized: bool,
    /// Instead of adding: mark slip-up number N (1-based) apologized.
    #[arg(long, value_name = "N", conflicts_with = "text")]
    pub mark_apologized: Option<usize>,
}

#[derive(Debug, Args)]
pub struct TouchArgs {
    #[arg(long, value_name = "ID")]
    pub app: String,
    #[arg(long, value_name = "ID")]
    pub person: PersonId,
    #[arg(long, value_parser = parse_wire::<TouchKind>)]
    pub kind: TouchKind,
    #[arg(long, value_parser = parse_wire::<Channel>, default_value = "email")]
    pub channel: Channel,
    /// When it went out (default: now).
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
    /// Log it even if the follow-up guard says it is too soon.
    #[arg(long)]
    pub force: bool,
    /// Keep the text that was sent (a file, or - for standard input).
    #[arg(long, value_name = "FILE")]
    pub note: Option<PathBuf>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ReplyArgs {
    #[arg(long, value_name = "ID")]
    pub app: String,
    /// Who replied (default: the reply answers your latest message).
    #[arg(long, value_name = "ID")]
    pub person: Option<PersonId>,
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
}

#[derive(Debug, Args)]
pub struct NewsArgs {
    #[arg(long, value_name = "ID")]
    pub app: String,
    /// The day of the news (default: today).
    #[arg(long, value_name = "DATE")]
    pub on: Option<String>,
    pub text: String,
}

#[derive(Debug, Args)]
pub struct ResearchArgs {
    #[arg(long, value_name = "ID")]
    pub app: String,
    /// The fact you found.
    pub fact: String,
    /// How you would contribute to it.
    #[arg(long)]
    pub contribution: Option<String>,
}

#[derive(Debug, Args)]
pub struct OutcomeArgs {
    #[arg(long, value_name = "ID")]
    pub app: String,
    #[arg(long, value_parser = parse_wire::<OutcomeKind>)]
    pub kind: OutcomeKind,
    /// The day it was decided (default: today).
    #[arg(long, value_name = "DATE")]
    pub on: Option<String>,
    /// You agreed to stay in touch.
    #[arg(long)]
    pub stay_in_touch: bool,
}

#[derive(Debug, Args)]
pub struct FeedbackArgs {
    #[arg(long, value_name = "ID")]
    pub app: String,
    /// The feedback, to add it.
    pub text: Option<String>,
    /// Change feedback point N (1-based) instead of adding.
    #[arg(long, value_name = "N", conflicts_with = "text")]
    pub point: Option<usize>,
    #[arg(long, value_parser = parse_wire::<FeedbackKind>)]
    pub kind: Option<FeedbackKind>,
    #[arg(long)]
    pub positive: bool,
    /// For a skill: the next step.
    #[arg(long)]
    pub plan: Option<String>,
    /// For a skill: the date of the next step.
    #[arg(long, value_name = "DATE", requires = "plan")]
    pub by: Option<String>,
}

#[derive(Debug, Args)]
pub struct DoneArgs {
    /// The rule id of the action, e.g. prepare-research.
    pub rule: String,
    #[arg(long, value_name = "ID")]
    pub app: String,
    #[arg(long, value_name = "ID")]
    pub interview: Option<InterviewId>,
    #[arg(long, value_name = "ID")]
    pub person: Option<PersonId>,
    #[arg(long, default_value = "")]
    pub reason: String,
}

#[derive(Debug, Args)]
pub struct ReflectArgs {
    #[arg(long, value_name = "ID")]
    pub app: String,
    #[arg(long = "interview", value_name = "ID")]
    pub interview: InterviewId,
    /// What went well (asked first, on purpose).
    #[arg(long)]
    pub went_well: Option<String>,
    /// The one thing to change next time.
    #[arg(long)]
    pub change: Option<String>,
    /// A mistake; repeatable.
    #[arg(long = "mistake")]
    pub mistakes: Vec<String>,
    /// Information you lacked; repeatable.
    #[arg(long = "missing")]
    pub missing: Vec<String>,
    /// The hardest question, and how you'd answer it next time.
    #[arg(long)]
    pub hardest: Option<String>,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A rule id, e.g. status-check. Without one, lists every rule.
    pub rule: Option<String>,
    #[arg(long)]
    pub json: bool,
}

/// Parses one of the format's enumerations by its wire name.
pub fn parse_wire<T: std::str::FromStr<Err = String>>(s: &str) -> Result<T, String> {
    s.parse()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LintFormat {
    /// rustc-like snippets with the span underlined
    Human,
    /// path:line:col: severity: message [rule]
    Line,
    /// FORMAT.md's JSON
    Json,
    /// SARIF 2.1.0
    Sarif,
    /// GitHub Actions annotations
    Github,
}

#[derive(Debug, Args)]
pub struct LintArgs {
    /// The notes (Markdown or plain text), or - for standard input; a
    /// directory stands for the notes in it (.txt, .md, .note, .eml).
    #[arg(value_name = "FILE", required_unless_present_any = ["panel", "list_rules"])]
    pub files: Vec<PathBuf>,
    /// Check against what the store knows about this application.
    #[arg(long, value_name = "ID")]
    pub app: Option<String>,
    /// The recipient's person id.
    #[arg(long, value_name = "PERSON", requires = "app")]
    pub to: Option<String>,
    /// What kind of note it is (thank-you, status-check, recovery, …).
    #[arg(long, value_parser = parse_wire::<debrief_lint::NoteKind>)]
    pub kind: Option<debrief_lint::NoteKind>,
    /// Notes for several members of one panel: PERSON=FILE, repeatable.
    #[arg(long, value_name = "PERSON=FILE", requires = "app", conflicts_with = "files", num_args = 1..)]
    pub panel: Vec<String>,
    #[arg(long, value_enum, default_value = "human")]
    pub format: LintFormat,
    /// Same as --format json.
    #[arg(long)]
    pub json: bool,
    /// Always exit 0 (findings are still printed).
    #[arg(long)]
    pub no_exit: bool,
    /// A rule pack to use instead of rules.toml beside the store.
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    /// List every rule with its severity and source.
    #[arg(long)]
    pub list_rules: bool,
}

#[derive(Debug, Args)]
pub struct DraftArgs {
    #[arg(long, value_name = "ID")]
    pub app: String,
    /// The recipient's person id.
    #[arg(long, value_name = "PERSON")]
    pub to: String,
    #[arg(long, value_parser = parse_wire::<debrief_lint::NoteKind>, default_value = "thank-you")]
    pub kind: debrief_lint::NoteKind,
    /// Write the draft to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Write an email message (.eml) that mail clients open as a draft.
    #[arg(long)]
    pub eml: bool,
    /// Print {"subject", "text", "diagnostics"} (the linter's findings) as JSON.
    #[arg(long, conflicts_with_all = ["eml", "output"])]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct SendArgs {
    #[arg(long, value_name = "ID")]
    pub app: String,
    /// The recipient's person id (their email address comes from the store).
    #[arg(long, value_name = "PERSON")]
    pub to: String,
    /// What kind of note it is: thank-you, status-check, recovery, …
    #[arg(long, value_parser = parse_wire::<debrief_lint::NoteKind>)]
    pub kind: debrief_lint::NoteKind,
    /// The note, or - for standard input. A first line "Subject: …" sets the subject.
    pub file: PathBuf,
    /// The subject (default: the file's Subject line, else one that fits the kind).
    #[arg(long)]
    pub subject: Option<String>,
    /// Send despite lint errors or the follow-up guard (a chase past the guard is logged as forced).
    #[arg(long)]
    pub force: bool,
    /// Do not ask about lint warnings.
    #[arg(long, short)]
    pub yes: bool,
    /// Check the note and show the message; send nothing, log nothing.
    #[arg(long)]
    pub dry_run: bool,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CsvSource {
    /// Huntr's job export
    Huntr,
    /// JobSync's job export
    Jobsync,
    /// Any CSV: name the columns with --map or --mapping
    Mapped,
}

#[derive(Debug, Args)]
pub struct ImportCsvArgs {
    /// The CSV file, or - for standard input.
    pub file: PathBuf,
    /// Which tracker wrote the file.
    #[arg(long, value_enum)]
    pub from: CsvSource,
    /// The column for a field: company, role, stage, id, posting_url,
    /// location, salary, applied_on or source. Repeatable.
    #[arg(long = "map", value_name = "FIELD=COLUMN")]
    pub map: Vec<String>,
    /// A mapping file (TOML): [columns], [stages], delimiter.
    #[arg(long, value_name = "FILE")]
    pub mapping: Option<PathBuf>,
    /// What a stage in the file means: VALUE=STAGE or VALUE=skip. Repeatable.
    #[arg(long = "stage", value_name = "VALUE=STAGE")]
    pub stages: Vec<String>,
    /// Show what would be created; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct RemindArgs {
    /// Print them as JSON.
    #[arg(long)]
    pub json: bool,
    /// Also show each as a desktop notification.
    #[arg(long)]
    pub notify: bool,
    /// Also email a digest to your own address (your `debrief send` settings).
    #[arg(long)]
    pub email: bool,
    /// Run `debrief remind` every 15 minutes: a systemd user timer (with
    /// --notify unless only --email is given), or the crontab line to add.
    #[arg(long, conflicts_with_all = ["uninstall", "json"])]
    pub install: bool,
    /// Remove the timer --install wrote.
    #[arg(long, conflicts_with_all = ["notify", "email", "json"])]
    pub uninstall: bool,
    /// How --install and --uninstall schedule it.
    #[arg(long, value_enum, default_value = "auto", value_name = "HOW")]
    pub with: Scheduler,
    /// Set the daily digest `debrief serve` sends to your browsers: a
    /// local time (HH:MM) or `off` (the same setting as the web app's
    /// Settings → Daily digest).
    #[arg(long, value_name = "HH:MM|off", conflicts_with_all = ["install", "uninstall", "notify", "email"])]
    pub digest: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Scheduler {
    /// systemd where the system runs it, else cron
    Auto,
    /// a systemd user timer
    Systemd,
    /// print the crontab line
    Cron,
}

#[derive(Debug, Subcommand)]
pub enum MailCommand {
    /// Read a mailbox (read-only) and propose what it means for the store:
    /// notes you sent, replies, outcomes, invitations, new people.
    #[command(group(clap::ArgGroup::new("source").required(true).args(["mbox", "maildir", "imap"])))]
    Scan(MailScanArgs),
    /// Never propose these again (ids from `debrief mail scan`).
    Ignore(MailIgnoreArgs),
}

#[derive(Debug, Args)]
pub struct MailScanArgs {
    /// An mbox file (Thunderbird, Google Takeout, mutt).
    #[arg(long, value_name = "FILE")]
    pub mbox: Option<PathBuf>,
    /// A Maildir (mbsync, offlineimap, notmuch); its subfolders are read too.
    #[arg(long, value_name = "DIR")]
    pub maildir: Option<PathBuf>,
    /// An IMAP server over TLS: imaps://USER@HOST[:PORT][/FOLDER]. The
    /// password comes from DEBRIEF_IMAP_PASSWORD or mail.toml's imap_password.
    #[arg(long, value_name = "URL")]
    pub imap: Option<String>,
    /// Leave mail older than this date alone (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Record the proposals: all of them, or only the ids given.
    #[arg(long, num_args = 0.., value_name = "ID")]
    pub apply: Option<Vec<String>>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct MailIgnoreArgs {
    /// Proposal ids.
    #[arg(required = true, value_name = "ID")]
    pub ids: Vec<String>,
}
