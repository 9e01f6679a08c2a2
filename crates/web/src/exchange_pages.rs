//! Calendars and other trackers, in and out, in the browser and the API,
//! with the decisions of `debrief ics import|export` and `debrief
//! import-csv` (the library crates `debrief-ics` and `debrief-trackers`):
//!
//! - `/import`: a calendar invite (.ics) or another tracker's CSV export
//!   (Huntr, JobSync, any sheet with its columns named). An upload shows a
//!   preview first (the `--dry-run`); the preview's form carries the file's
//!   text back, so "Import" writes exactly what was previewed against the
//!   store as it is then, in one transaction.
//! - `/export.ics[?app=ID]`: the calendar file (`debrief ics export`).
//! - API: `POST /api/v1/ics/import`, `GET /api/v1/ics/export`,
//!   `POST /api/v1/import-csv`, answering the command line's `--json`.

use std::borrow::Cow;

use axum::Extension;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Multipart, Query, RawQuery};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use debrief_app::AppError;
use debrief_core::exchange::parse_timezone;
use debrief_core::model::Dataset;
use debrief_ics::{
    EventReport, FileError as IcsFileError, ImportAction, ImportResult, ImportSettings,
    StoreCalendar, event_span, export_store, format_name, read_invites,
};
use debrief_trackers::{Field, How, Mapping, Plan, Source, StageChoice};
use maud::{Markup, html};

use crate::html::app_url;
use crate::html::{
    Fields, Nav, Sticky, describedby, download, error_page, field_error, page, redirect_with,
    safe_name,
};
use crate::state::{AppState, Problem, Result};

pub fn routes() -> Router {
    Router::new()
        .route("/import", get(import_page))
        .route("/import/ics", post(ics_upload))
        .route("/import/csv", post(csv_upload))
        .route("/export.ics", get(calendar_download))
}

pub fn api_routes() -> Router {
    Router::new()
        .route("/ics/import", post(api_ics_import))
        .route("/ics/export", get(api_ics_export))
        .route("/import-csv", post(api_import_csv))
        .layer(axum::middleware::map_response(crate::wire::json_errors))
}

/// A file that cannot be used at all: 400, naming the file (and the line).
fn bad_file(message: impl Into<String>) -> Problem {
    Problem {
        status: StatusCode::BAD_REQUEST,
        message: message.into(),
        field: Some("file".into()),
    }
}

// ------------------------------------------------------------ the work

/// An invite file against the store, with `debrief ics import`'s decisions:
/// the same application choice, idempotence, SEQUENCE and cancellations.
/// Unless `dry_run`, the changes are written in one transaction, under the
/// same lock as the read, so nothing slips in between.
fn import_invite(
    st: &AppState,
    bytes: &[u8],
    app: Option<&str>,
    dry_run: bool,
) -> Result<ImportResult> {
    let profile = st.profile()?;
    let tz = parse_timezone(&profile.timezone).map_err(Problem::internal)?;
    let parsed = read_invites(bytes, &tz).map_err(|e| bad_file(e.to_string()))?;
    if let Some(id) = app {
        st.application(id)?;
    }
    // Your addresses: the profile's, or the mail settings' sender while
    // the profile has none.
    let user_emails = if profile.emails.is_empty() {
        st.mail()
            .load()
            .ok()
            .and_then(|s| s.config.sender_address())
            .into_iter()
            .collect()
    } else {
        profile.emails.clone()
    };
    let settings = ImportSettings {
        zone: tz,
        user_emails,
        user_name: Some(profile.name.trim().to_string()).filter(|n| !n.is_empty()),
        target: app.map(str::to_string),
    };
    let problem = |e: AppError| match e {
        AppError::Invite(e @ IcsFileError::NothingImported { .. }) => {
            Problem::field("file", e.to_string())
        }
        AppError::Invite(e) => bad_file(e.to_string()),
        e => Problem::from(e),
    };
    // The read and its write in one transaction: nothing another writer
    // does in between is overwritten.
    if dry_run {
        let mut store = st.store()?;
        return debrief_app::imports::invite(&mut **store, None, parsed, &settings)
            .map_err(problem);
    }
    let origin = st.origin("import a calendar invite")?;
    st.with_store(|store| {
        debrief_app::imports::invite(store, Some(&origin), parsed, &settings).map_err(problem)
    })
}

/// `debrief ics export [--app ID]`: interviews and open actions with
/// reminders, as of now.
fn calendar(st: &AppState, app: Option<&str>) -> Result<StoreCalendar> {
    let clock = st.clock()?;
    let (data, actions) = match app {
        Some(id) => {
            let a = st.application(id)?;
            let actions = clock.engine.application_actions(&a, clock.now);
            let data = Dataset {
                applications: vec![a],
                ..Dataset::default()
            };
            (data, actions)
        }
        // The whole store's actions come from the agenda kept between
        // requests, as every other page's do.
        None => (st.load()?, st.snapshot()?.agenda.actions.clone()),
    };
    Ok(export_store(&data, &actions, app, clock.now))
}

/// What the user said about the CSV's columns and stages.
#[derive(Debug, Default)]
struct CsvForm {
    source: String,
    /// (field, column) as typed; blank columns are left to the preset.
    columns: Vec<(Field, String)>,
    /// `VALUE=STAGE` lines.
    stages: Vec<String>,
}

impl CsvForm {
    fn from_fields(f: &Fields) -> CsvForm {
        CsvForm {
            source: f.get("source").to_string(),
            columns: FIELDS
                .iter()
                .map(|(field, name, _)| (*field, f.get(name).trim().to_string()))
                .collect(),
            stages: f.lines("stages"),
        }
    }

    fn mapping(&self) -> Result<Mapping> {
        let source = source_of(&self.source, "source")?;
        let mut mapping = Mapping::new(source);
        for (field, column) in &self.columns {
            if !column.is_empty() {
                mapping
                    .map(&format!("{}={column}", field.as_str()))
                    .map_err(|e| Problem::field(field.as_str(), e.to_string()))?;
            }
        }
        for (i, spec) in self.stages.iter().enumerate() {
            mapping
                .stage(spec)
                .map_err(|e| Problem::field("stages", format!("line {}: {e}", i + 1)))?;
        }
        if source == Source::Mapped && !mapping.columns.contains_key(&Field::Company) {
            return Err(Problem::field(
                "company",
                "for any CSV, name the column that holds the company",
            ));
        }
        Ok(mapping)
    }
}

/// `huntr`, `jobsync` or `mapped` (blank: huntr, the form's first choice).
fn source_of(value: &str, field: &str) -> Result<Source> {
    match value.trim() {
        "" | "huntr" => Ok(Source::Huntr),
        "jobsync" => Ok(Source::JobSync),
        "mapped" => Ok(Source::Mapped),
        other => Err(Problem::field(
            field,
            format!("unknown tracker '{other}'; expected huntr, jobsync or mapped"),
        )),
    }
}

/// A file that cannot be imported at all, in the words of this app (the
/// library's hints name command-line options).
fn csv_file_problem(e: &debrief_trackers::FileError) -> Problem {
    match e {
        debrief_trackers::FileError::MissingColumn {
            field,
            tried,
            found,
            ..
        } => bad_file(format!(
            "no {field} column: {tried}; the header has: {found}. Check which tracker wrote the file, or name the column under Columns"
        )),
        other => bad_file(other.to_string()),
    }
}

/// The columns a person can name: (field, form name, label).
const FIELDS: [(Field, &str, &str); 9] = [
    (Field::Company, "company", "Company column"),
    (Field::Role, "role", "Role column"),
    (Field::Stage, "stage", "Stage column"),
    (Field::Id, "id", "The tracker's id column"),
    (Field::PostingUrl, "posting_url", "Posting address column"),
    (Field::Location, "location", "Location column"),
    (Field::Salary, "salary", "Salary (as posted) column"),
    (Field::AppliedOn, "applied_on", "Day applied column"),
    (
        Field::JobSource,
        "job_source",
        "Source (referral, board…) column",
    ),
];

/// `debrief import-csv`: the plan, validated; unless `dry_run`, the new
/// applications written in one transaction under the lock of the read.
fn import_csv(st: &AppState, text: &str, mapping: &Mapping, dry_run: bool) -> Result<Plan> {
    let run = |store: &mut dyn debrief_store::Store, origin: Option<&debrief_store::Origin>| {
        debrief_app::imports::tracker_csv(store, origin, text, mapping, &mut |_| {}, &mut |_| {})
            .map_err(|e| match e {
                AppError::Csv(e) => csv_file_problem(&e),
                e => Problem::from(e),
            })
    };
    if dry_run {
        let mut store = st.store()?;
        return run(&mut **store, None);
    }
    let origin = st.origin("import a tracker's CSV")?;
    st.with_store(|store| run(store, Some(&origin)))
}

// ------------------------------------------------------------- the API

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct IcsQuery {
    app: Option<String>,
    #[serde(default)]
    dry_run: bool,
}

/// The body of an upload: refuses an empty one.
fn uploaded(b: &Bytes, what: &str) -> Result<()> {
    if b.iter().all(u8::is_ascii_whitespace) {
        return Err(bad_file(format!(
            "the request body is empty; send the {what}"
        )));
    }
    Ok(())
}

/// `debrief ics import --json`, with `?app=` and `?dry_run=true`.
async fn api_ics_import(
    Extension(st): Extension<AppState>,
    RawQuery(raw): RawQuery,
    b: Bytes,
) -> Result<Response> {
    let q: IcsQuery = crate::wire::query(raw.as_deref())?;
    uploaded(&b, "calendar (.ics) text")?;
    let app = q.app.as_deref().filter(|a| !a.is_empty());
    let result = import_invite(&st, &b, app, q.dry_run)?;
    Ok(axum::Json(result.summary(q.dry_run)).into_response())
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ExportQuery {
    app: Option<String>,
}

fn calendar_response(st: &AppState, app: Option<&str>) -> Result<Response> {
    let cal = calendar(st, app)?;
    let name = match app {
        Some(id) => format!("debrief-{}.ics", safe_name(id)),
        None => "debrief.ics".to_string(),
    };
    Ok(download(cal.text, "text/calendar; charset=utf-8", &name))
}

/// `debrief ics export [--app ID]`.
async fn api_ics_export(
    Extension(st): Extension<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response> {
    let q: ExportQuery = crate::wire::query(raw.as_deref())?;
    calendar_response(&st, q.app.as_deref().filter(|a| !a.is_empty()))
}

/// `debrief import-csv --json`: `?from=huntr|jobsync|mapped`,
/// `?map=FIELD=COLUMN` and `?stage=VALUE=STAGE` (each repeatable),
/// `?dry_run=true`, `?name=` (the file's name in the answer).
async fn api_import_csv(
    Extension(st): Extension<AppState>,
    RawQuery(raw): RawQuery,
    b: Bytes,
) -> Result<Response> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw.as_deref().unwrap_or(""))
        .map_err(|e| Problem::bad(format!("the query cannot be read: {e}")))?;
    let mut source = None;
    let mut maps = Vec::new();
    let mut stages = Vec::new();
    let mut dry_run = false;
    let mut name = None;
    for (k, v) in pairs {
        match k.as_str() {
            "from" => source = Some(v),
            "map" => maps.push(v),
            "stage" => stages.push(v),
            "dry_run" => {
                dry_run = match v.as_str() {
                    "true" | "1" | "" => true,
                    "false" | "0" => false,
                    _ => return Err(Problem::field("dry_run", "write dry_run=true or false")),
                }
            }
            "name" => name = Some(v),
            other => {
                return Err(Problem::field(
                    other,
                    format!(
                        "unknown parameter '{other}'; expected from, map, stage, dry_run or name"
                    ),
                ));
            }
        }
    }
    let Some(source) = source else {
        return Err(Problem::field(
            "from",
            "say which tracker wrote the file: from=huntr, jobsync or mapped",
        ));
    };
    let mut mapping = Mapping::new(source_of(&source, "from")?);
    for spec in &maps {
        mapping
            .map(spec)
            .map_err(|e| Problem::field("map", e.to_string()))?;
    }
    for spec in &stages {
        mapping
            .stage(spec)
            .map_err(|e| Problem::field("stage", e.to_string()))?;
    }
    if mapping.source == Source::Mapped && !mapping.columns.contains_key(&Field::Company) {
        return Err(Problem::field(
            "map",
            "from=mapped needs to know which column holds what: map=company=COLUMN (and role=, stage=, id=)",
        ));
    }
    uploaded(&b, "CSV text")?;
    let (text, _) = debrief_trackers::decode(&b).map_err(|e| bad_file(e.to_string()))?;
    let plan = import_csv(&st, &text, &mapping, dry_run)?;
    Ok(axum::Json(plan.report_json(name.as_deref().unwrap_or("upload"), dry_run)).into_response())
}

// ----------------------------------------------------------- the pages

#[derive(Debug, Default, serde::Deserialize)]
struct ImportPageQuery {
    app: Option<String>,
}

async fn import_page(
    Extension(st): Extension<AppState>,
    Query(q): Query<ImportPageQuery>,
    h: HeaderMap,
) -> Response {
    let mut values = Fields::default();
    if let Some(app) = q.app {
        values.0.push(("app".into(), app));
    }
    let s = Sticky {
        form: "ics",
        values,
        problem: None,
    };
    import_form_page(&st, &h, &s).unwrap_or_else(|p| error_page(&h, &p))
}

/// The Import page: both forms, with the error of the one that failed.
fn import_form_page(st: &AppState, h: &HeaderMap, s: &Sticky) -> Result<Response> {
    let snap = st.snapshot()?;
    let status = s
        .problem
        .as_ref()
        .map(|p| p.status)
        .unwrap_or(StatusCode::OK);
    let chosen_app = s.value("ics", "app", "");
    let body = html! {
        h1 { "Import" }
        p.lede { "Bring in a calendar invite or the jobs you tracked elsewhere. You see what would change before anything is saved." }
        section aria-labelledby="invite" {
            h2 #invite { "A calendar invite (.ics)" }
            p { "Save the invitation from your mail (the .ics attachment, or “Download invite” in Outlook, Teams, Google Calendar or Zoom). Debrief adds the interview with its time, format and meeting link, and the people in it." }
            form.stack method="post" action="/import/ics" enctype="multipart/form-data" {
                (upload_error(s, "ics"))
                label for="ics-file" { "Invite file" }
                input #ics-file type="file" name="file" accept=".ics,text/calendar" required
                    aria-describedby=[describedby(s, "ics", "file")];
                (field_error(s, "ics", "file"))
                label for="ics-app" { "Application" }
                select #ics-app name="app" {
                    option value="" selected[chosen_app.is_empty()] { "Let Debrief choose (it says why)" }
                    @for a in snap.apps.iter().map(|s| &s.app) {
                        option value=(a.id) selected[a.id == chosen_app] {
                            (a.company) @if !a.role.is_empty() { " — " (a.role) }
                        }
                    }
                }
                button type="submit" { "Preview" }
            }
        }
        section aria-labelledby="tracker" {
            h2 #tracker { "Another tracker's jobs (CSV)" }
            p { "Export your jobs as CSV from Huntr, JobSync or your own spreadsheet. Jobs already in Debrief (same company and role) are left as they are, so importing the same file twice adds nothing." }
            form.stack method="post" action="/import/csv" enctype="multipart/form-data" {
                (upload_error(s, "csv"))
                label for="csv-file" { "CSV file" }
                input #csv-file type="file" name="file" accept=".csv,.tsv,.txt,text/csv" required
                    aria-describedby=[describedby(s, "csv", "file")];
                (field_error(s, "csv", "file"))
                (csv_mapping_fields(s))
                button type="submit" { "Preview" }
            }
        }
    };
    Ok(page(h, status, "Import", Some(Nav::Settings), body))
}

/// An error of `form` that is not about a field shown with its own message.
fn upload_error(s: &Sticky, form: &str) -> Markup {
    let shown = ["file", "source", "company", "role", "stage", "id", "stages"];
    html! {
        @if let Some(p) = s.form_error(form, &shown) {
            p.field-error role="alert" { (p.message) }
        }
    }
}

/// Which tracker, which columns, which stage names: the same fields on the
/// Import page and in the preview (to change and preview again).
fn csv_mapping_fields(s: &Sticky) -> Markup {
    let source = s.value("csv", "source", "huntr");
    html! {
        label for="csv-source" { "Exported from" }
        select #csv-source name="source" aria-describedby=[describedby(s, "csv", "source")] {
            @for (value, label) in [("huntr", "Huntr"), ("jobsync", "JobSync"), ("mapped", "Any CSV: I name the columns")] {
                option value=(value) selected[value == source] { (label) }
            }
        }
        (field_error(s, "csv", "source"))
        fieldset {
            legend { "Columns (any CSV: at least the company; Huntr and JobSync: only to override)" }
            @for (_, name, label) in FIELDS {
                @let id = format!("csv-{name}");
                label for=(id) { (label) }
                input id=(id) type="text" name=(name) maxlength="200" value=(s.value("csv", name, ""))
                    aria-describedby=[describedby(s, "csv", name)];
                (field_error(s, "csv", name))
            }
        }
        label for="csv-stages" { "Your stage names, one per line: VALUE=STAGE, or VALUE=skip to leave such rows out (e.g. Phone screen=screening)" }
        textarea #csv-stages name="stages" rows="3" aria-describedby=[describedby(s, "csv", "stages")] { (s.value("csv", "stages", "")) }
        (field_error(s, "csv", "stages"))
    }
}

/// A multipart form: its text fields, and the uploaded file's bytes and name.
struct Upload {
    fields: Fields,
    file: Option<(String, Vec<u8>)>,
}

fn too_big() -> Problem {
    Problem {
        status: StatusCode::PAYLOAD_TOO_LARGE,
        message: format!(
            "the file is larger than {} MB; use the command line for it",
            crate::wire::BODY_LIMIT_BYTES >> 20
        ),
        field: Some("file".into()),
    }
}

async fn read_upload(h: &HeaderMap, mut mp: Multipart) -> Result<Upload> {
    // Over the limit, the multipart reader only says the data ended early.
    let oversized = h
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
        .is_some_and(|n| n > crate::wire::BODY_LIMIT_BYTES);
    let failed = |e: &axum::extract::multipart::MultipartError| {
        let mut cause: Option<&dyn std::error::Error> = Some(e);
        while let Some(c) = cause {
            if c.to_string().contains("length limit") {
                return too_big();
            }
            cause = c.source();
        }
        if oversized || e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            return too_big();
        }
        Problem::field("file", format!("the upload failed: {}", e.body_text()))
    };
    let mut up = Upload {
        fields: Fields::default(),
        file: None,
    };
    loop {
        match mp.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or("").to_string();
                let file_name = field.file_name().map(str::to_string);
                let bytes = field.bytes().await.map_err(|e| failed(&e))?;
                if name == "file" {
                    // A file input left empty still sends an empty part.
                    if !bytes.is_empty() {
                        up.file =
                            Some((file_name.unwrap_or_else(|| "upload".into()), bytes.to_vec()));
                    }
                } else {
                    up.fields
                        .0
                        .push((name, String::from_utf8_lossy(&bytes).into_owned()));
                }
            }
            Ok(None) => return Ok(up),
            Err(e) => return Err(failed(&e)),
        }
    }
}

impl Upload {
    /// The file's bytes: the upload, or the text the preview carried back.
    fn content(&self) -> Option<(String, Cow<'_, [u8]>)> {
        if let Some((name, bytes)) = &self.file {
            return Some((name.clone(), Cow::Borrowed(bytes)));
        }
        // Untrimmed: blank lines at the top count in line numbers. As
        // borrowed bytes: the text can be megabytes.
        let text = self.fields.get("text");
        (!text.trim().is_empty()).then(|| {
            (
                self.fields.get("name").to_string(),
                Cow::Borrowed(text.as_bytes()),
            )
        })
    }
}

/// The fields to show again after an error, without the file's text.
fn sticky_values(f: &Fields) -> Fields {
    Fields(f.0.iter().filter(|(k, _)| k != "text").cloned().collect())
}

fn import_failed(
    st: &AppState,
    h: &HeaderMap,
    form: &'static str,
    f: &Fields,
    p: Problem,
) -> Response {
    let s = Sticky::failed(form, sticky_values(f), p);
    import_form_page(st, h, &s).unwrap_or_else(|p| error_page(h, &p))
}

async fn ics_upload(Extension(st): Extension<AppState>, h: HeaderMap, mp: Multipart) -> Response {
    let up = match read_upload(&h, mp).await {
        Ok(up) => up,
        Err(p) => return import_failed(&st, &h, "ics", &Fields::default(), p),
    };
    let f = &up.fields;
    let Some((name, bytes)) = up.content() else {
        return import_failed(
            &st,
            &h,
            "ics",
            f,
            Problem::field("file", "choose an invite file (.ics)"),
        );
    };
    let app = f.opt("app");
    let confirmed = f.get("step") == "import";
    match import_invite(&st, &bytes, app.as_deref(), !confirmed) {
        Ok(result) if confirmed => imported_invite(&st, &result),
        Ok(result) => {
            let text = String::from_utf8_lossy(&bytes);
            ics_preview(&st, &h, &name, &text, app.as_deref(), &result)
                .unwrap_or_else(|p| error_page(&h, &p))
        }
        Err(p) => import_failed(&st, &h, "ics", f, p),
    }
}

/// After the import: to the application, when the file was about one.
fn imported_invite(st: &AppState, r: &ImportResult) -> Response {
    let tz = st
        .profile()
        .ok()
        .and_then(|p| parse_timezone(&p.timezone).ok())
        .unwrap_or(jiff::tz::TimeZone::UTC);
    let acted: Vec<&EventReport> = r
        .events
        .iter()
        .filter(|e| matches!(e.action, ImportAction::Create | ImportAction::Update))
        .collect();
    let mut apps: Vec<&str> = r
        .events
        .iter()
        .filter(|e| e.action != ImportAction::Skip)
        .filter_map(|e| e.application.as_deref())
        .collect();
    apps.sort_unstable();
    apps.dedup();
    let mut said: Vec<String> = acted
        .iter()
        .map(|e| sentence(&event_words(st, r, e, &tz, false)))
        .collect();
    if said.is_empty() {
        said.push("Nothing to change: this invite was already imported.".into());
    }
    let people: usize = acted.iter().map(|e| e.people_added.len()).sum();
    if people > 0 {
        said.push(format!("{people} people added."));
    }
    match apps.as_slice() {
        [one] => redirect_with(
            &format!("{}#interviews", app_url(one)),
            "ok",
            &said.join(" "),
        ),
        _ => redirect_with("/applications", "ok", &said.join(" ")),
    }
}

/// An application in words: "Stripe (Data Analyst)", from the file's
/// result when it creates or changes it, else from the store.
fn app_words(st: &AppState, r: &ImportResult, id: &str) -> String {
    let named = |a: &debrief_core::model::Application| {
        if a.role.is_empty() {
            a.company.clone()
        } else {
            format!("{} ({})", a.company, a.role)
        }
    };
    r.changed
        .iter()
        .find(|a| a.id == id)
        .map(named)
        .or_else(|| st.application(id).ok().map(|a| named(&a)))
        .unwrap_or_else(|| "the application".to_string())
}

/// What importing an event does (or would do), in words: the interview by
/// its time, the application by its company (`EventReport::outcome`
/// names both by id, as the command line's JSON does).
fn event_words(
    st: &AppState,
    r: &ImportResult,
    ev: &EventReport,
    tz: &jiff::tz::TimeZone,
    dry_run: bool,
) -> String {
    let at = event_span(ev, tz);
    let app = ev
        .application
        .as_deref()
        .map(|a| app_words(st, r, a))
        .unwrap_or_else(|| "the application".to_string());
    let cancelled = ev.event.status == debrief_ics::EventStatus::Cancelled;
    let verb = match (ev.action, cancelled, dry_run) {
        (ImportAction::Create, _, true) => "Would create",
        (ImportAction::Create, _, false) => "Created",
        (ImportAction::Update, true, true) => "Would cancel",
        (ImportAction::Update, true, false) => "Cancelled",
        (ImportAction::Update, false, true) => "Would update",
        (ImportAction::Update, false, false) => "Updated",
        (ImportAction::Unchanged, _, _) => {
            return format!(
                "Already imported: the interview of {at} at {app}; nothing {}changed",
                if dry_run { "would be " } else { "" }
            );
        }
        _ => return ev.outcome(dry_run),
    };
    format!("{verb} the interview of {at} at {app}")
}

fn sentence(s: &str) -> String {
    if s.ends_with('.') {
        s.to_string()
    } else {
        format!("{s}.")
    }
}

/// The names of the people an event adds (or would add), from the
/// application as it would be written.
fn people_names(r: &ImportResult, ids: &[String], app: Option<&str>) -> Vec<String> {
    let app = app.and_then(|a| r.changed.iter().find(|x| x.id == a));
    ids.iter()
        .map(|id| {
            app.and_then(|a| a.person(id))
                .map(|p| match &p.email {
                    Some(e) => format!("{} <{e}>", p.name),
                    None => p.name.clone(),
                })
                .unwrap_or_else(|| id.clone())
        })
        .collect()
}

/// The dry run, and the form that imports it.
fn ics_preview(
    st: &AppState,
    h: &HeaderMap,
    name: &str,
    text: &str,
    app: Option<&str>,
    r: &ImportResult,
) -> Result<Response> {
    let tz = parse_timezone(&st.profile()?.timezone).map_err(Problem::internal)?;
    let back = match app {
        Some(id) => app_url(id),
        None => "/import".to_string(),
    };
    let body = html! {
        h1 { "Check the invite before importing it" }
        p.lede { "Nothing is saved yet. This is what importing " strong { (name) } " would do." }
        @for ev in &r.events {
            article.interview {
                h3 { @if ev.event.summary.is_empty() { "(no title)" } @else { (ev.event.summary) } }
                p.meta {
                    (event_span(ev, &tz)) " · " (format_name(ev.event.format))
                    @if let Some(link) = &ev.event.link { " · " (link) }
                    @else if let Some(place) = &ev.event.location { " · " (place.replace('\n', ", ")) }
                }
                p { strong { (event_words(st, r, ev, &tz, true)) } }
                @if let (Some(why), Some(a)) = (&ev.chosen_because, &ev.application) {
                    @if ev.action != ImportAction::Skip {
                        @let a = app_words(st, r, a);
                        p.muted {
                            @if ev.application_created { "A new application, " (a) ": " (why) }
                            @else if why == "--app" { (a) ", as you chose." }
                            @else { (a) " because " (why) }
                        }
                    }
                }
                @if !ev.people_added.is_empty() {
                    p { "People to add: " (people_names(r, &ev.people_added, ev.application.as_deref()).join(", ")) }
                }
                @if !ev.people_updated.is_empty() {
                    p { "Address learnt for: " (people_names(r, &ev.people_updated, ev.application.as_deref()).join(", ")) }
                }
                @if !ev.notes.is_empty() {
                    ul.muted { @for n in &ev.notes { li { (n) } } }
                }
            }
        }
        @if !r.warnings.is_empty() {
            section.refusal aria-labelledby="warnings" {
                h2 #warnings { (r.warnings.len()) " part(s) of the file skipped" }
                ul { @for w in &r.warnings { li { (w) } } }
            }
        }
        p {
            (r.events.len()) " event(s): " (r.count(ImportAction::Create)) " new, "
            (r.count(ImportAction::Update)) " updated, " (r.count(ImportAction::Unchanged)) " unchanged, "
            (r.count(ImportAction::Ignore)) " ignored, " (r.count(ImportAction::Skip)) " skipped."
        }
        @if r.changes() {
            form.stack method="post" action="/import/ics" enctype="multipart/form-data" {
                input type="hidden" name="text" value=(text);
                input type="hidden" name="name" value=(name);
                @if let Some(a) = app { input type="hidden" name="app" value=(a); }
                div.buttons {
                    button type="submit" name="step" value="import" { "Import" }
                    a.button.secondary href=(back) { "Cancel" }
                }
            }
        } @else {
            p { "Nothing to change: everything in this file is already in Debrief. " a href=(back) { "Back" } }
        }
    };
    Ok(page(
        h,
        StatusCode::OK,
        "Check the invite",
        Some(Nav::Settings),
        body,
    ))
}

async fn csv_upload(Extension(st): Extension<AppState>, h: HeaderMap, mp: Multipart) -> Response {
    let up = match read_upload(&h, mp).await {
        Ok(up) => up,
        Err(p) => return import_failed(&st, &h, "csv", &Fields::default(), p),
    };
    let f = &up.fields;
    let Some((name, bytes)) = up.content() else {
        return import_failed(
            &st,
            &h,
            "csv",
            f,
            Problem::field("file", "choose a CSV file"),
        );
    };
    let form = CsvForm::from_fields(f);
    let mapping = match form.mapping() {
        Ok(m) => m,
        // Shown again in the preview when the file came from one.
        Err(p) if up.file.is_none() => {
            let text = String::from_utf8_lossy(&bytes);
            return csv_preview(
                &h,
                &name,
                &text,
                None,
                None,
                &Sticky::failed("csv", sticky_values(f), p),
            );
        }
        Err(p) => return import_failed(&st, &h, "csv", f, p),
    };
    let (text, encoding) = match debrief_trackers::decode(&bytes) {
        Ok(decoded) => decoded,
        Err(e) => return import_failed(&st, &h, "csv", f, bad_file(e.to_string())),
    };
    let confirmed = f.get("step") == "import";
    match import_csv(&st, &text, &mapping, !confirmed) {
        Ok(plan) if confirmed => imported_csv(&name, &plan),
        Ok(plan) => csv_preview(
            &h,
            &name,
            &text,
            encoding,
            Some(&plan),
            &Sticky {
                form: "csv",
                values: sticky_values(f),
                problem: None,
            },
        ),
        Err(p) => import_failed(&st, &h, "csv", f, p),
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn imported_csv(name: &str, plan: &Plan) -> Response {
    let mut said = format!(
        "Imported {} from {name}.",
        plural(plan.create.len(), "application", "applications")
    );
    if !plan.known.is_empty() {
        said.push_str(&format!(
            " {} already in Debrief, left as they were.",
            plural(plan.known.len(), "row was", "rows were")
        ));
    }
    if plan.problems.is_empty() {
        return redirect_with("/applications", "ok", &said);
    }
    let lines: Vec<String> = plan
        .problems
        .iter()
        .take(20)
        .map(|p| p.line.to_string())
        .collect();
    said.push_str(&format!(
        " {} could not be read (line {}{}).",
        plural(plan.problems.len(), "row", "rows"),
        lines.join(", "),
        if plan.problems.len() > 20 {
            ", …"
        } else {
            ""
        }
    ));
    redirect_with("/applications", "warn", &said)
}

/// Rows listed in the preview; the rest are counted.
const SHOWN: usize = 200;

/// The dry run, with the mapping to change and preview again, or import.
fn csv_preview(
    h: &HeaderMap,
    name: &str,
    text: &str,
    encoding: Option<&str>,
    plan: Option<&Plan>,
    s: &Sticky,
) -> Response {
    let status = s
        .problem
        .as_ref()
        .map(|p| p.status)
        .unwrap_or(StatusCode::OK);
    let body = html! {
        h1 { "Check the jobs before importing them" }
        p.lede { "Nothing is saved yet. This is what importing " strong { (name) } " would do." }
        @if let Some(plan) = plan {
            p {
                "Read " (plural(plan.rows, "row", "rows")) " (" (plan.source.label())
                @if let Some(e) = encoding { ", " (e) }
                "; " (plan.columns.iter().map(|(f, c)| format!("{f}={c}")).collect::<Vec<_>>().join(", ")) ")."
            }
            @if !plan.problems.is_empty() {
                section.refusal role="alert" aria-labelledby="problems" {
                    h2 #problems { (plural(plan.problems.len(), "row", "rows")) " cannot be read and will be left behind" }
                    ul { @for p in plan.problems.iter().take(SHOWN) { li { "Line " (p.line) ": " (p.message) } } }
                    @if plan.problems.len() > SHOWN { p { "… and " (plan.problems.len() - SHOWN) " more." } }
                }
            }
            section aria-labelledby="create" {
                h2 #create {
                    @if plan.create.is_empty() { "Nothing new would be created" }
                    @else { "Would create " (plural(plan.create.len(), "application", "applications")) }
                }
                @if !plan.create.is_empty() {
                    table.numbers {
                        thead { tr { th { "Line" } th { "Company" } th { "Role" } th { "Stage" } th { "In the file" } } }
                        tbody {
                            @for p in plan.create.iter().take(SHOWN) {
                                tr {
                                    td { (p.line) } td { (p.application.company) } td { (p.application.role) }
                                    td { (p.application.stage) } td { (p.stage_value) }
                                }
                            }
                        }
                    }
                    @if plan.create.len() > SHOWN { p { "… and " (plan.create.len() - SHOWN) " more." } }
                }
            }
            @if !plan.known.is_empty() {
                section aria-labelledby="known" {
                    h2 #known { "Already in Debrief, left as they are: " (plural(plan.known.len(), "row", "rows")) }
                    ul { @for k in plan.known.iter().take(SHOWN) { li { "Line " (k.line) ": " (k.id) } } }
                }
            }
            @if !plan.skipped.is_empty() {
                section aria-labelledby="skipped" {
                    h2 #skipped { "Left out: " (plural(plan.skipped.len(), "row", "rows")) }
                    ul { @for k in plan.skipped.iter().take(SHOWN) { li { "Line " (k.line) ": " (k.reason) } } }
                }
            }
            @if !plan.stages.is_empty() {
                section aria-labelledby="stages" {
                    h2 #stages { "Stages" }
                    table.numbers {
                        thead { tr { th { "In the file" } th { "In Debrief" } th { "Rows" } th { "" } } }
                        tbody {
                            @for u in &plan.stages {
                                tr {
                                    td { @if u.value.is_empty() { "(empty)" } @else { (u.value) } }
                                    td { @match u.choice { StageChoice::Stage(st) => { (st) } StageChoice::Skip => { "left out" } } }
                                    td { (u.rows) }
                                    td {
                                        @match u.how {
                                            How::Unknown => { "Not recognised: say what it is under “Your stage names”, e.g. " code { (u.value) "=screening" } }
                                            How::Yours => { "yours" }
                                            How::Empty => { "no stage given" }
                                            How::BuiltIn if u.choice == StageChoice::Skip => { "not applied yet; to import such rows: " code { (u.value) "=applied" } }
                                            How::BuiltIn => {}
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if !plan.ignored.is_empty() {
                p.muted { "Not imported (Debrief has no place for them): " (plan.ignored.join(", ")) "." }
            }
        }
        form.stack method="post" action="/import/csv" enctype="multipart/form-data" {
            (upload_error(s, "csv"))
            input type="hidden" name="text" value=(text);
            input type="hidden" name="name" value=(name);
            h2 { "How to read the file" }
            (csv_mapping_fields(s))
            div.buttons {
                button.secondary type="submit" name="step" value="preview" { "Preview again" }
                @if plan.is_some_and(|p| !p.create.is_empty()) {
                    button type="submit" name="step" value="import" { "Import" }
                }
                a.button.secondary href="/import" { "Cancel" }
            }
        }
    };
    page(h, status, "Check the jobs", Some(Nav::Settings), body)
}

async fn calendar_download(
    Extension(st): Extension<AppState>,
    Query(q): Query<ExportQuery>,
    h: HeaderMap,
) -> Response {
    calendar_response(&st, q.app.as_deref().filter(|a| !a.is_empty()))
        .unwrap_or_else(|p| error_page(&h, &p))
}

// ------------------------------------------------- parts for other pages

/// For Settings: where to import invites and CSV exports, and the calendar.
pub fn settings_links() -> Markup {
    html! {
        p { "Calendar invites (.ics) and other trackers' CSV exports (Huntr, JobSync, any spreadsheet): " a href="/import" { "Import an invite or a CSV" } "." }
    }
}

pub fn calendar_link(app: Option<&str>) -> Markup {
    let href = match app {
        Some(id) => format!("/export.ics?app={}", crate::html::urlencode(id)),
        None => "/export.ics".to_string(),
    };
    html! {
        a.button.secondary href=(href) download { "Download calendar (.ics)" }
    }
}

/// For an application page: an invite straight into this application.
pub fn invite_form(app: &str) -> Markup {
    html! {
        form.stack method="post" action="/import/ics" enctype="multipart/form-data" {
            input type="hidden" name="app" value=(app);
            label for="invite-file" { "Invite file (.ics)" }
            input #invite-file type="file" name="file" accept=".ics,text/calendar" required;
            button type="submit" { "Preview" }
        }
        p { (calendar_link(Some(app))) }
    }
}
