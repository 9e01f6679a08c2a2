//! Job exports from other trackers into Debrief applications.
//!
//! Invariants: pure. CSV text, a [`Mapping`] and the applications already
//! stored go in; a [`Plan`] comes out — the applications to create, the
//! rows already in the store, the rows left out and why, the rows that
//! could not be read (each with its line number) and how every stage value
//! was read. Nothing here reads files or writes the store; no input,
//! however broken, panics.
//!
//! Recognising a job already imported: Debrief's applications have no
//! field for another tracker's id, so a row matches a stored application
//! with the same company and role (any case and spacing). A file with two
//! rows for the same company and role fills the store up to two such
//! applications, so importing the same export twice creates nothing the
//! second time. Within one file, a row whose tracker id (Huntr's `id`, or a
//! mapped `id` column) was seen on an earlier line is a duplicate.
//!
//! Code map:
//! - `mapping`: presets, `--map`/`--stage`/mapping files, the stage vocabulary.
//! - this file: reading the CSV ([`plan`]) and matching it against the
//!   store; [`Plan::keep_valid`] and [`Plan::report_json`], shared by the
//!   command line and the web app.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use debrief_core::exchange::validate_application;
use debrief_core::input::slug;
use debrief_core::model::{Application, Stage};
use serde_json::json;

pub mod mapping;

pub use mapping::{Field, How, Mapping, MappingError, Source, StageChoice, read_stage};

/// Longest company or role Debrief takes from a CSV cell; longer ones are
/// almost always a column mapped wrongly (a description).
pub const MAX_NAME: usize = 200;

/// A file that cannot be imported at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    #[error("the file is empty: no header line")]
    Empty,
    #[error("line 1: the header cannot be read: {0}")]
    Header(String),
    #[error("no {field} column: {tried}; the header has: {found}{hint}")]
    MissingColumn {
        field: Field,
        /// What was looked for, e.g. "looked for companyName, company".
        tried: String,
        found: String,
        hint: String,
    },
}

/// One application to create.
#[derive(Debug, Clone, PartialEq)]
pub struct Planned {
    pub line: u64,
    pub application: Application,
    /// The stage as the file wrote it.
    pub stage_value: String,
}

/// A row that matched an application already in the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Known {
    pub line: u64,
    pub id: String,
}

/// A row left out on purpose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub line: u64,
    pub reason: String,
}

/// A row that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: u64,
    pub message: String,
}

/// How one stage value of the file was read, and how many rows had it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageUse {
    /// As first written in the file ("" when empty).
    pub value: String,
    pub choice: StageChoice,
    pub how: How,
    pub rows: usize,
}

/// What importing a file would do.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub source: Source,
    /// Data rows read (the header not counted).
    pub rows: usize,
    /// The header name used for each field found.
    pub columns: Vec<(Field, String)>,
    /// Header names Debrief has no place for.
    pub ignored: Vec<String>,
    pub create: Vec<Planned>,
    pub known: Vec<Known>,
    pub skipped: Vec<Skipped>,
    pub problems: Vec<Problem>,
    /// Job details (a posting URL, a day applied…) left out of an
    /// application that was still created, and why.
    pub details_left_out: Vec<Problem>,
    /// In order of first appearance.
    pub stages: Vec<StageUse>,
}

/// A file's text: UTF-8 (a byte-order mark is dropped), UTF-16 when a
/// byte-order mark says so (Excel's "Unicode text"), else the legacy
/// encoding its bytes suggest (Windows-1252 for what Excel writes as "CSV"
/// on most Western systems). The second value names the encoding when it
/// was not UTF-8. A binary file (a spreadsheet saved as `.xlsx`) is refused.
pub fn decode(
    bytes: &[u8],
) -> Result<(Cow<'_, str>, Option<&'static str>), debrief_decode::DecodeError> {
    debrief_decode::decode(bytes).map(|d| (d.text, d.encoding))
}

/// The delimiter the header line uses most: comma, semicolon or tab.
fn guess_delimiter(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or("");
    let mut quoted = false;
    let mut counts = [0usize; 3];
    for c in header.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => counts[0] += 1,
            ';' if !quoted => counts[1] += 1,
            '\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3).max_by_key(|&i| (counts[i], 3 - i)).unwrap_or(0);
    [b',', b';', b'\t'][best]
}

/// A cell as a name: one line, no control characters, single spaces.
fn clean(cell: &str) -> String {
    let tidy = !cell.starts_with(char::is_whitespace)
        && !cell.ends_with(char::is_whitespace)
        && !cell
            .as_bytes()
            .windows(2)
            .any(|w| w[0].is_ascii_whitespace() && w[1].is_ascii_whitespace())
        && !cell
            .chars()
            .any(|c| c.is_control() || (c.is_whitespace() && c != ' '));
    if tidy {
        return cell.to_string();
    }
    cell.split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The key two rows or applications share when they are the same job.
fn job_key(company: &str, role: &str) -> String {
    format!(
        "{}\u{0}{}",
        clean(company).to_lowercase(),
        clean(role).to_lowercase()
    )
}

/// Ids for new applications, made from company and role like `app add`'s,
/// in constant time per id however many rows share a name.
struct Ids {
    taken: HashSet<String>,
    next: HashMap<String, usize>,
}

impl Ids {
    fn make(&mut self, company: &str, role: &str) -> String {
        let mut base = slug(&format!("{company} {role}"));
        if base.is_empty() {
            base = "application".to_string();
        }
        if self.taken.insert(base.clone()) {
            return base;
        }
        let n = self.next.entry(base.clone()).or_insert(2);
        loop {
            let id = format!("{base}-{n}");
            *n += 1;
            if self.taken.insert(id.clone()) {
                return id;
            }
        }
    }
}

fn hint_for(source: Source, field: Field, header: &[String]) -> String {
    let has = |names: &[String]| {
        header
            .iter()
            .any(|h| names.iter().any(|n| n.eq_ignore_ascii_case(h)))
    };
    for other in [Source::Huntr, Source::JobSync] {
        if other == source {
            continue;
        }
        let m = Mapping::new(other);
        if has(&m.columns[&Field::Company]) && has(&m.columns[&Field::Stage]) {
            return format!(". This looks like a {}: try --from {other}", other.label());
        }
    }
    match source {
        Source::Mapped => format!(". Name it with --map {field}=COLUMN"),
        _ => format!(". Name it with --map {field}=COLUMN, or use --from mapped"),
    }
}

/// What the planner needs of a stored application: a row matches a stored
/// job by company and role, and a new one's id must differ from every id.
/// (A store answers these from its summaries, without reading whole
/// applications.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredJob {
    pub id: String,
    pub company: String,
    pub role: String,
}

impl From<&Application> for StoredJob {
    fn from(a: &Application) -> StoredJob {
        StoredJob {
            id: a.id.to_string(),
            company: a.company.clone(),
            role: a.role.clone(),
        }
    }
}

/// Reads `text` with `mapping` and plans the import against `existing`.
/// `progress` is told how many bytes have been read, now and then.
pub fn plan(
    text: &str,
    mapping: &Mapping,
    existing: &[StoredJob],
    progress: &mut dyn FnMut(u64),
) -> Result<Plan, FileError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(FileError::Empty);
    }
    let delimiter = mapping.delimiter.unwrap_or_else(|| guess_delimiter(text));
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .byte_headers()
        .map_err(|e| FileError::Header(e.to_string()))?
        .iter()
        .map(|h| clean(&String::from_utf8_lossy(h)))
        .collect();
    if header.iter().all(String::is_empty) {
        return Err(FileError::Empty);
    }

    // Which column holds each field.
    let mut at: HashMap<Field, usize> = HashMap::new();
    let mut columns = Vec::new();
    for field in Field::ALL {
        let Some(wanted) = mapping.columns.get(&field) else {
            continue;
        };
        let found = wanted
            .iter()
            .find_map(|w| header.iter().position(|h| h.eq_ignore_ascii_case(w.trim())));
        match found {
            Some(i) => {
                at.insert(field, i);
                columns.push((field, header[i].clone()));
            }
            // A column the user named must be there; a preset's optional
            // ones (role, stage, id, the job's details) may be missing.
            None if field == Field::Company || mapping.source == Source::Mapped => {
                return Err(FileError::MissingColumn {
                    field,
                    tried: format!("looked for {}", wanted.join(", ")),
                    found: header.join(", "),
                    hint: hint_for(mapping.source, field, &header),
                });
            }
            None => {}
        }
    }
    let Some(&company_at) = at.get(&Field::Company) else {
        return Err(FileError::MissingColumn {
            field: Field::Company,
            tried: "no column was named for it".to_string(),
            found: header.join(", "),
            hint: hint_for(mapping.source, Field::Company, &header),
        });
    };
    let used: HashSet<usize> = at.values().copied().collect();
    let ignored = header
        .iter()
        .enumerate()
        .filter(|(i, h)| !used.contains(i) && !h.is_empty())
        .map(|(_, h)| h.clone())
        .collect();

    // The store's jobs, by key, in store order: the k-th row with a key
    // matches the k-th stored application with it.
    let mut stored: HashMap<String, std::collections::VecDeque<&str>> = HashMap::new();
    for a in existing {
        stored
            .entry(job_key(&a.company, &a.role))
            .or_default()
            .push_back(&a.id);
    }
    let mut ids = Ids {
        taken: existing.iter().map(|a| a.id.to_string()).collect(),
        next: HashMap::new(),
    };

    let mut plan = Plan {
        source: mapping.source,
        rows: 0,
        columns,
        ignored,
        create: Vec::new(),
        known: Vec::new(),
        skipped: Vec::new(),
        problems: Vec::new(),
        details_left_out: Vec::new(),
        stages: Vec::new(),
    };
    let mut stage_index: HashMap<String, usize> = HashMap::new();
    let mut seen_ids: HashMap<String, u64> = HashMap::new();
    let mut record = csv::ByteRecord::new();
    // Line numbers counted here: csv's own miscount after CRLF and blank lines.
    let mut lines = LineCounter::new(text.as_bytes());
    loop {
        let before = reader.position().byte();
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                // Only I/O and UTF-8 errors, which a byte reader over a
                // string does not raise; reported all the same.
                plan.problems.push(Problem {
                    line: lines.line_at(before),
                    message: e.to_string(),
                });
                if reader.position().byte() == before {
                    break;
                }
                continue;
            }
        }
        let line = lines.line_at(record.position().map_or(before, |p| p.byte()));
        if record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
            continue; // a blank line
        }
        plan.rows += 1;
        if plan.rows.is_multiple_of(1024) {
            progress(record.position().map_or(0, |p| p.byte()));
        }
        if record.len() != header.len() {
            let hint = if record.len() < header.len() {
                "a row cut short, or a quote left open on an earlier line"
            } else {
                "a comma inside a value that is not in quotes"
            };
            plan.problems.push(Problem {
                line,
                message: format!(
                    "{} fields where the header has {} ({hint})",
                    record.len(),
                    header.len()
                ),
            });
            continue;
        }
        let cell = |field: Field| -> Result<Option<String>, String> {
            let Some(&i) = at.get(&field) else {
                return Ok(None);
            };
            let raw = record.get(i).unwrap_or_default();
            let text = std::str::from_utf8(raw).map_err(|_| {
                format!(
                    "the {field} in column '{}' is not UTF-8 text; save the file as UTF-8 and import it again",
                    header[i]
                )
            })?;
            Ok(Some(clean(text)))
        };
        let read = (|| -> Result<_, String> {
            Ok((
                cell(Field::Company)?.unwrap_or_default(),
                cell(Field::Role)?.unwrap_or_default(),
                cell(Field::Stage)?,
                cell(Field::Id)?.filter(|s| !s.is_empty()),
            ))
        })();
        let (company, role, stage_value, tracker_id) = match read {
            Ok(r) => r,
            Err(message) => {
                plan.problems.push(Problem { line, message });
                continue;
            }
        };
        if company.is_empty() {
            plan.problems.push(Problem {
                line,
                message: format!("no company (column '{}' is empty)", header[company_at]),
            });
            continue;
        }
        if let Some((what, len)) = [("company", &company), ("role", &role)]
            .into_iter()
            .map(|(w, s)| (w, s.chars().count()))
            .find(|(_, n)| *n > MAX_NAME)
        {
            plan.problems.push(Problem {
                line,
                message: format!(
                    "the {what} is {len} characters long (at most {MAX_NAME}); is the column mapping right?"
                ),
            });
            continue;
        }
        if let Some(id) = &tracker_id {
            if let Some(first) = seen_ids.get(id) {
                plan.skipped.push(Skipped {
                    line,
                    reason: format!("the same {} id '{id}' as line {first}", mapping.source),
                });
                continue;
            }
            seen_ids.insert(id.clone(), line);
        }

        let value = stage_value.unwrap_or_default();
        // Each distinct value is read once: files have a handful.
        let choice = match stage_index.get(&value) {
            Some(&i) => {
                plan.stages[i].rows += 1;
                plan.stages[i].choice
            }
            None => {
                let (choice, how) = read_stage(&value, &mapping.stages);
                stage_index.insert(value.clone(), plan.stages.len());
                plan.stages.push(StageUse {
                    value: value.clone(),
                    choice,
                    how,
                    rows: 1,
                });
                choice
            }
        };
        let stage = match choice {
            StageChoice::Skip => {
                plan.skipped.push(Skipped {
                    line,
                    reason: format!("not applied yet ('{value}')"),
                });
                continue;
            }
            StageChoice::Stage(s) => s,
        };
        if let Some(id) = stored
            .get_mut(&job_key(&company, &role))
            .and_then(|q| q.pop_front())
        {
            plan.known.push(Known {
                line,
                id: id.to_string(),
            });
            continue;
        }
        let id = ids.make(&company, &role);
        let mut application = Application::new(id, company, role);
        application.stage = stage;
        // The job's details, where the file has them: a cell that would not
        // pass the store's checks (an address that is not http(s), a day
        // that is not one, a very long text) is left out, not the row, and
        // the report says so.
        let mut detail = |field: Field, fits: &dyn Fn(&str) -> bool, why: &str| {
            let text = cell(field).ok().flatten().filter(|s| !s.is_empty())?;
            if text.chars().count() <= MAX_NAME && fits(&text) {
                return Some(text);
            }
            plan.details_left_out.push(Problem {
                line,
                message: format!("the {field} '{}' was left out: {why}", short(&text)),
            });
            None
        };
        let any = |_: &str| true;
        let long = "longer than 200 characters";
        application.posting_url = detail(
            Field::PostingUrl,
            &|u| {
                let l = u.to_ascii_lowercase();
                l.starts_with("https://") || l.starts_with("http://")
            },
            "not an http:// or https:// address",
        );
        application.location = detail(Field::Location, &any, long);
        application.salary = detail(Field::Salary, &any, long);
        application.source = detail(Field::JobSource, &any, long);
        application.applied_on = detail(
            Field::AppliedOn,
            &|d| day(d).is_some(),
            "not a day (YYYY-MM-DD)",
        )
        .and_then(|d| day(&d));
        plan.create.push(Planned {
            line,
            application,
            stage_value: value,
        });
    }
    progress(text.len() as u64);
    Ok(plan)
}

/// A cell's first ten characters as a day (`2026-09-15`, also from
/// `2026-09-15T10:00:00Z`).
fn day(cell: &str) -> Option<jiff::civil::Date> {
    cell.get(..10).unwrap_or(cell).parse().ok()
}

/// At most 40 characters of a cell, for a message.
fn short(cell: &str) -> String {
    match cell.char_indices().nth(40) {
        Some((i, _)) => format!("{}…", &cell[..i]),
        None => cell.to_string(),
    }
}

/// The line a record starting at a byte offset is on, skipping the blank
/// lines before it; offsets must come in order.
struct LineCounter<'a> {
    text: &'a [u8],
    at: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a [u8]) -> Self {
        LineCounter {
            text,
            at: 0,
            line: 1,
        }
    }

    fn line_at(&mut self, offset: u64) -> u64 {
        let mut offset = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(self.text.len());
        while offset < self.text.len() && matches!(self.text[offset], b'\r' | b'\n') {
            offset += 1;
        }
        if offset > self.at {
            self.line += self.text[self.at..offset]
                .iter()
                .filter(|&&b| b == b'\n')
                .count() as u64;
            self.at = offset;
        }
        self.line
    }
}

impl Plan {
    /// Runs every application to create through the checks of every other
    /// write (`exchange::validate_application`); a row that fails them is
    /// one more row that could not be read. Problems end sorted by line.
    pub fn keep_valid(&mut self) {
        let mut valid = Vec::with_capacity(self.create.len());
        for planned in std::mem::take(&mut self.create) {
            match validate_application(&planned.application, "application") {
                Ok(()) => valid.push(planned),
                Err(e) => self.problems.push(Problem {
                    line: planned.line,
                    message: e.to_string(),
                }),
            }
        }
        self.create = valid;
        self.problems.sort_by_key(|p| p.line);
    }

    /// What `debrief import-csv --json` prints and the web app's
    /// `POST /api/v1/import-csv` answers; `file` names the input.
    pub fn report_json(&self, file: &str, dry_run: bool) -> serde_json::Value {
        let columns: serde_json::Map<String, serde_json::Value> = self
            .columns
            .iter()
            .map(|(f, c)| (f.as_str().to_string(), json!(c)))
            .collect();
        json!({
            "source": self.source.as_str(),
            "file": file,
            "dry_run": dry_run,
            "rows": self.rows,
            "columns": columns,
            "created": self.create.iter().map(|p| json!({
                "line": p.line,
                "id": p.application.id,
                "company": p.application.company,
                "role": p.application.role,
                "stage": p.application.stage,
                "from": p.stage_value,
            })).collect::<Vec<_>>(),
            "already": self.known.iter().map(|k| json!({"line": k.line, "id": k.id})).collect::<Vec<_>>(),
            "skipped": self.skipped.iter().map(|s| json!({"line": s.line, "reason": s.reason})).collect::<Vec<_>>(),
            "problems": self.problems.iter().map(|p| json!({"line": p.line, "message": p.message})).collect::<Vec<_>>(),
            "details_left_out": self.details_left_out.iter().map(|p| json!({"line": p.line, "message": p.message})).collect::<Vec<_>>(),
            "stages": self.stages.iter().map(|u| json!({
                "value": u.value,
                "stage": u.choice.to_string(),
                "how": u.how.as_str(),
                "rows": u.rows,
            })).collect::<Vec<_>>(),
            "ignored": self.ignored,
        })
    }

    /// How many rows went to each Debrief stage among those to create.
    pub fn created_by_stage(&self) -> Vec<(Stage, usize)> {
        let mut out: Vec<(Stage, usize)> = Vec::new();
        for p in &self.create {
            match out.iter_mut().find(|(s, _)| *s == p.application.stage) {
                Some((_, n)) => *n += 1,
                None => out.push((p.application.stage, 1)),
            }
        }
        out
    }
}
