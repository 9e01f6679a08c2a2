//! Reading and checking exchange files (`debrief/1`, FORMAT.md §1).
//!
//! Parsing is strict: an unknown field, a bad date or a dangling reference is
//! an error that names its JSON path, so a user can find it in their file.

use std::cell::RefCell;
use std::collections::HashSet;
use std::fmt;

use jiff::tz::TimeZone;

use crate::model::{AppId, Application, Dataset, FORMAT_TAG, Profile};

mod splice;

/// One problem in an exchange file, located by its JSON path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExchangeError {
    /// `applications[0].people[1].nmae`, or empty for the whole document.
    pub path: String,
    pub message: String,
    /// 1-based line and column in the file, when the parser knows them.
    pub line: Option<usize>,
    pub column: Option<usize>,
}

impl fmt::Display for ExchangeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        f.write_str(&self.message)?;
        if let (Some(l), Some(c)) = (self.line, self.column) {
            write!(f, " (line {l}, column {c})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ExchangeError {}

impl ExchangeError {
    pub fn at(path: impl Into<String>, message: impl Into<String>) -> Self {
        ExchangeError {
            path: path.into(),
            message: message.into(),
            line: None,
            column: None,
        }
    }
}

/// Parses and validates an exchange document.
pub fn parse(text: &str) -> Result<Dataset, ExchangeError> {
    // A byte-order mark (Windows editors write one) is not the document.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let de = &mut serde_json::Deserializer::from_str(text);
    let dataset: Dataset = serde_path_to_error::deserialize(&mut *de)
        .map_err(|e| json_error(e.path().to_string(), e.inner()))?;
    // Text after the document is a damaged file, not something to ignore.
    de.end().map_err(|e| json_error(String::new(), &e))?;
    validate(&dataset)?;
    Ok(dataset)
}

/// One part of an exchange document, as [`parse_each`] hands it over.
// Pieces are handed over one at a time, never stored in bulk: the size of
// the larger variant costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Piece {
    Profile(Profile),
    Application(Application),
}

/// Why [`parse_each`] stopped: the document, or the receiver of its pieces.
#[derive(Debug)]
pub enum EachError<E> {
    Exchange(ExchangeError),
    Receiver(E),
}

/// Reads an exchange document from `reader` piece by piece, with the
/// checks of [`parse`]: `each` gets the profile (none if the document has
/// none: an import then keeps the stored one) and every application, validated, in document
/// order, and can stop the reading with an error. Memory stays that of one
/// application, whatever the size of the file; a caller that must not keep
/// a partial result (an import) gathers the pieces in one transaction.
pub fn parse_each<R: std::io::Read, E>(
    reader: R,
    each: impl FnMut(Piece) -> Result<(), E>,
) -> Result<(), EachError<E>> {
    parse_each_ahead(reader, splice::LOOK_AHEAD, each)
}

/// [`parse_each`], its scanner looking at most `look_ahead` bytes ahead
/// for the end of an application.
fn parse_each_ahead<R: std::io::Read, E>(
    reader: R,
    look_ahead: usize,
    each: impl FnMut(Piece) -> Result<(), E>,
) -> Result<(), EachError<E>> {
    let reader =
        skip_bom(reader).map_err(|message| EachError::Exchange(ExchangeError::at("", message)))?;
    // The splicer is the stream's buffer: serde_json reads the document's
    // frame through it, and every application is parsed as a slice of it
    // (see `splice`).
    let splicer = RefCell::new(splice::Splicer::new(reader, look_ahead));
    each_from(
        serde_json::Deserializer::from_reader(splice::SpliceRead(&splicer)),
        Some(&splicer),
        each,
    )
}

/// [`parse_each`] over a document already in memory: about twice as fast
/// as reading it from a stream.
pub fn parse_each_slice<E>(
    bytes: &[u8],
    each: impl FnMut(Piece) -> Result<(), E>,
) -> Result<(), EachError<E>> {
    if let Some(encoding) = other_encoding(bytes) {
        return Err(EachError::Exchange(ExchangeError::at(
            "",
            not_utf8(encoding),
        )));
    }
    let bytes = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
    each_from(serde_json::Deserializer::from_slice(bytes), None, each)
}

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// `reader` without a leading UTF-8 byte-order mark; one of UTF-16 or
/// UTF-32 is refused, naming it.
fn skip_bom<R: std::io::Read>(mut reader: R) -> Result<impl std::io::Read, String> {
    use std::io::Read;
    let mut head = Vec::with_capacity(4);
    (&mut reader)
        .take(4)
        .read_to_end(&mut head)
        .map_err(|e| format!("cannot read the document: {e}"))?;
    if let Some(encoding) = other_encoding(&head) {
        return Err(not_utf8(encoding));
    }
    if head.starts_with(UTF8_BOM) {
        head.drain(..UTF8_BOM.len());
    }
    Ok(std::io::Cursor::new(head).chain(reader))
}

/// The encoding a byte order mark other than UTF-8's names (a document
/// saved as "Unicode" by a Windows editor).
fn other_encoding(head: &[u8]) -> Option<&'static str> {
    match head {
        [0xFF, 0xFE, 0, 0, ..] => Some("UTF-32LE"),
        [0, 0, 0xFE, 0xFF, ..] => Some("UTF-32BE"),
        [0xFF, 0xFE, ..] => Some("UTF-16LE"),
        [0xFE, 0xFF, ..] => Some("UTF-16BE"),
        _ => None,
    }
}

fn not_utf8(encoding: &str) -> String {
    format!(
        "the document is {encoding} (its byte order mark says so); the exchange format is UTF-8: save it as UTF-8"
    )
}

/// Reads the document from `de`; with `splice`, the splicer `de` reads
/// from, whose applications are parsed as slices.
fn each_from<'de, R: serde_json::de::Read<'de>, E>(
    mut de: serde_json::Deserializer<R>,
    splice: Option<&RefCell<splice::Splicer<'_>>>,
    mut each: impl FnMut(Piece) -> Result<(), E>,
) -> Result<(), EachError<E>> {
    use serde::de::DeserializeSeed;

    let mut track = serde_path_to_error::Track::new();
    let mut state = EachState {
        each: &mut each,
        stopped: None,
        ids: HashSet::new(),
        splice,
    };
    let read = DocumentSeed(&mut state)
        .deserialize(serde_path_to_error::Deserializer::new(&mut de, &mut track))
        .and_then(|()| de.end());
    if let Some(stop) = state.stopped.take() {
        return Err(stop);
    }
    read.map_err(|e| {
        let mut e = json_error(track.path().to_string(), &e);
        // serde_json's own count misses the applications' slices; the
        // splicer's is the place in the whole file.
        if let (Some(splice), Some(line), Some(column)) = (splice, e.line, e.column) {
            let (line, column) = splice.borrow().in_file(line, column);
            (e.line, e.column) = (Some(line), Some(column));
        }
        EachError::Exchange(e)
    })?;
    // A document without a profile hands over none: importing it keeps the
    // stored profile (FORMAT.md §1).
    Ok(())
}

struct EachState<'f, 's, 'r, E> {
    each: &'f mut dyn FnMut(Piece) -> Result<(), E>,
    /// Set when validation or the receiver stopped the reading; serde only
    /// carries a message back.
    stopped: Option<EachError<E>>,
    ids: HashSet<AppId>,
    /// The stream's splicer, when reading one.
    splice: Option<&'s RefCell<splice::Splicer<'r>>>,
}

impl<E> EachState<'_, '_, '_, E> {
    fn stop<D: serde::de::Error>(&mut self, why: EachError<E>) -> D {
        self.stopped = Some(why);
        D::custom("stopped")
    }
}

const DOCUMENT_FIELDS: &[&str] = &["format", "profile", "applications"];

struct DocumentSeed<'a, 'f, 's, 'r, E>(&'a mut EachState<'f, 's, 'r, E>);

impl<'de, E> serde::de::DeserializeSeed<'de> for DocumentSeed<'_, '_, '_, '_, E> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_struct("Dataset", DOCUMENT_FIELDS, self)
    }
}

impl<'de, E> serde::de::Visitor<'de> for DocumentSeed<'_, '_, '_, '_, E> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Debrief exchange document (an object)")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        use serde::de::Error;
        let state = self.0;
        let mut format_seen = false;
        // The whole-text parser (serde's derive) refuses a key given twice;
        // so does this one, or a second list of applications would be
        // written after the first.
        let mut seen = [false; 3];
        while let Some(key) = map.next_key::<String>()? {
            if let Some(i) = DOCUMENT_FIELDS.iter().position(|f| *f == key)
                && std::mem::replace(&mut seen[i], true)
            {
                return Err(A::Error::duplicate_field(DOCUMENT_FIELDS[i]));
            }
            match key.as_str() {
                "format" => {
                    let format: String = map.next_value()?;
                    if format != FORMAT_TAG {
                        return Err(state.stop(EachError::Exchange(ExchangeError::at(
                            "format",
                            format!(
                                "unsupported format '{format}'; this version reads '{FORMAT_TAG}'"
                            ),
                        ))));
                    }
                    format_seen = true;
                }
                "profile" => {
                    let profile: Profile = map.next_value()?;
                    if let Err(e) = validate_profile(&profile) {
                        return Err(state.stop(EachError::Exchange(e)));
                    }
                    if let Err(e) = (state.each)(Piece::Profile(profile)) {
                        return Err(state.stop(EachError::Receiver(e)));
                    }
                }
                "applications" => map.next_value_seed(ApplicationsSeed(&mut *state))?,
                other => return Err(A::Error::unknown_field(other, DOCUMENT_FIELDS)),
            }
        }
        if !format_seen {
            return Err(A::Error::missing_field("format"));
        }
        Ok(())
    }
}

struct ApplicationsSeed<'a, 'f, 's, 'r, E>(&'a mut EachState<'f, 's, 'r, E>);

impl<'de, E> serde::de::DeserializeSeed<'de> for ApplicationsSeed<'_, '_, '_, '_, E> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, E> serde::de::Visitor<'de> for ApplicationsSeed<'_, '_, '_, '_, E> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of applications")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let state = self.0;
        let mut i = 0;
        loop {
            let next = match state.splice {
                Some(splice) => seq.next_element_seed(SplicedApplication {
                    splice,
                    index: i,
                    stopped: &mut state.stopped,
                })?,
                None => seq.next_element::<Application>()?,
            };
            let Some(app) = next else { break };
            let here = format!("applications[{i}]");
            let checked = if state.ids.contains(&app.id) {
                Err(ExchangeError::at(
                    format!("{here}.id"),
                    format!("duplicate application id '{}'", app.id),
                ))
            } else {
                validate_application(&app, &here)
            };
            if let Err(e) = checked {
                return Err(state.stop(EachError::Exchange(e)));
            }
            state.ids.insert(app.id.clone());
            if let Err(e) = (state.each)(Piece::Application(app)) {
                return Err(state.stop(EachError::Receiver(e)));
            }
            i += 1;
        }
        Ok(())
    }
}

/// One application of a streamed document, parsed as a slice of the
/// splicer when the scanner finds its end (see `splice`).
struct SplicedApplication<'a, 's, 'r, E> {
    splice: &'s RefCell<splice::Splicer<'r>>,
    index: usize,
    stopped: &'a mut Option<EachError<E>>,
}

impl<'de, E> serde::de::DeserializeSeed<'de> for SplicedApplication<'_, '_, '_, E> {
    type Value = Application;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Application, D::Error> {
        use serde::Deserialize;
        // serde_json has just taken the value's first byte from the
        // splicer (to see that the list goes on).
        let scan = {
            let mut s = self.splice.borrow_mut();
            match s.last() {
                Some(b'{') => s.scan(),
                _ => splice::Scan::Slow,
            }
        };
        if scan == splice::Scan::Slow {
            return Application::deserialize(d);
        }
        d.deserialize_map(SplicedVisitor { seed: self, scan })
    }
}

struct SplicedVisitor<'a, 's, 'r, E> {
    seed: SplicedApplication<'a, 's, 'r, E>,
    scan: splice::Scan,
}

impl<'de, E> serde::de::Visitor<'de> for SplicedVisitor<'_, '_, '_, E> {
    type Value = Application;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("struct Application")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Application, A::Error> {
        use serde::de::Error;
        let SplicedVisitor { seed, scan } = self;
        let parsed = {
            let mut s = seed.splice.borrow_mut();
            let (bytes, origin) = s.value(scan);
            let parsed = parse_slice(bytes, origin, seed.index);
            s.skip_value(scan);
            parsed
        };
        match parsed {
            Ok(app) => {
                // serde_json takes the closing brace as the end of the
                // object it believes empty.
                match map.next_key::<serde::de::IgnoredAny>()? {
                    None => Ok(app),
                    Some(_) => Err(A::Error::custom("an application's end was misread")),
                }
            }
            Err(e) => {
                *seed.stopped = Some(EachError::Exchange(e));
                Err(A::Error::custom("stopped"))
            }
        }
    }
}

/// Application number `index`, whose bytes are `bytes` and whose first
/// byte is at `origin` in the file; its error is placed in the whole file.
fn parse_slice(
    bytes: &[u8],
    origin: (usize, usize),
    index: usize,
) -> Result<Application, ExchangeError> {
    use serde::Deserialize;
    let plain = match Application::deserialize(&mut serde_json::Deserializer::from_slice(bytes)) {
        Ok(app) => return Ok(app),
        Err(e) => e,
    };
    // The path is worth a second reading of the broken application only:
    // tracking it costs the good ones a tenth of their parse.
    let tracked: Result<Application, _> =
        serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_slice(bytes));
    let (inner, error) = match &tracked {
        Err(e) => (e.path().to_string(), e.inner()),
        Ok(_) => (".".to_string(), &plain),
    };
    let here = format!("applications[{index}]");
    // An application is an object: its path starts with a field's name
    // (which may itself start with `[`).
    let path = match inner.as_str() {
        "." => here,
        p => format!("{here}.{p}"),
    };
    let mut e = json_error(path, error);
    if let (Some(line), Some(column)) = (e.line, e.column) {
        let (line, column) = splice::shift(origin, line, column);
        (e.line, e.column) = (Some(line), Some(column));
    }
    Err(e)
}

/// A serde_json error at `path` (serde_path_to_error's form, `.` for the
/// root), as an [`ExchangeError`] with the field a person meant.
fn json_error(path: String, inner: &serde_json::Error) -> ExchangeError {
    let (line, column) = (inner.line(), inner.column());
    let mut path = path;
    if path == "." {
        path.clear();
    }
    // `?` is serde_path_to_error's name for a key it could not read (a
    // file cut in the middle of one): the place is the object around it,
    // and the line and column say where.
    if path == "?" {
        path.clear();
    } else if let Some(around) = path.strip_suffix(".?") {
        path.truncate(around.len());
    }
    let mut message = serde_message(inner);
    // serde names the unknown field in its message; put it in the path
    // too, where people look, and suggest the field they meant.
    if let Some(field) = unknown_field(&message) {
        let expected = expected_fields(&message);
        let hint = expected
            .iter()
            .map(|f| (strsim::jaro_winkler(f, &field), f))
            .filter(|(s, _)| *s > 0.8)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, f)| format!("; did you mean `{f}`?"))
            .unwrap_or_default();
        if path.is_empty() {
            path = field.clone();
        } else if !path.ends_with(&field) {
            path = format!("{path}.{field}");
        }
        message = format!("unknown field{hint}");
    }
    // Bytes that are not UTF-8: a file saved in a legacy encoding.
    if message.starts_with("invalid unicode code point") {
        message = "this text is not UTF-8 (the file was saved in another encoding, such as Windows-1252); save it as UTF-8 and try again".to_string();
    }
    // An unknown rule id reads as the reference check it used to be (the
    // path, no position), like a dangling person.
    let placed = line > 0 && !is_unknown_rule(&message);
    ExchangeError {
        path,
        message,
        line: placed.then_some(line),
        column: placed.then_some(column),
    }
}

fn is_unknown_rule(message: &str) -> bool {
    message.starts_with("unknown rule '") && message.ends_with('\'')
}

/// serde_json's message without its own " at line L column C" tail.
fn serde_message(e: &serde_json::Error) -> String {
    let full = e.to_string();
    match full.rfind(" at line ") {
        Some(i) => full[..i].to_string(),
        None => full,
    }
}

fn unknown_field(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    Some(rest[..rest.find('`')?].to_string())
}

fn expected_fields(message: &str) -> Vec<String> {
    message
        .split_once("expected ")
        .map(|(_, tail)| {
            tail.split('`')
                .skip(1)
                .step_by(2)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// Checks what types alone cannot: the format tag, the time zone, unique ids
/// and that every reference points at something that exists.
pub fn validate(d: &Dataset) -> Result<(), ExchangeError> {
    if d.format != FORMAT_TAG {
        return Err(ExchangeError::at(
            "format",
            format!(
                "unsupported format '{}'; this version reads '{FORMAT_TAG}'",
                d.format
            ),
        ));
    }
    validate_profile(&d.profile)?;
    let mut app_ids = HashSet::new();
    for (i, app) in d.applications.iter().enumerate() {
        let here = format!("applications[{i}]");
        if !app_ids.insert(app.id.as_str()) {
            return Err(ExchangeError::at(
                format!("{here}.id"),
                format!("duplicate application id '{}'", app.id),
            ));
        }
        validate_application(app, &here)?;
    }
    Ok(())
}

pub fn validate_profile(p: &Profile) -> Result<(), ExchangeError> {
    one_line(&p.name, || "profile.name".to_string())?;
    parse_timezone(&p.timezone).map_err(|m| ExchangeError::at("profile.timezone", m))?;
    for (i, e) in p.emails.iter().enumerate() {
        check_email(e).map_err(|m| ExchangeError::at(format!("profile.emails[{i}]"), m))?;
    }
    Ok(())
}

/// An address as people write it: `name@domain`, no spaces.
pub fn check_email(e: &str) -> Result<(), String> {
    let ok = e.len() <= 320
        && !e.chars().any(|c| c.is_whitespace() || c.is_control())
        && e.split_once('@')
            .is_some_and(|(local, domain)| !local.is_empty() && !domain.is_empty());
    if ok {
        Ok(())
    } else {
        Err(format!("'{e}' is not an email address"))
    }
}

/// A meeting link must be a web address: anything else (`javascript:`…)
/// would be unsafe to offer as a link.
pub fn check_link(link: &str) -> Result<(), String> {
    let lower = link.get(..8).unwrap_or(link).to_ascii_lowercase();
    let web = lower.starts_with("https://") || lower.starts_with("http://");
    if web
        && link.len() > "https://".len()
        && link.len() <= 4096
        && !link.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        Ok(())
    } else {
        Err(format!(
            "'{}' is not a web address (https://…)",
            link.chars().take(60).collect::<String>()
        ))
    }
}

/// Resolves an IANA time zone name, with an error a person can act on.
pub fn parse_timezone(name: &str) -> Result<TimeZone, String> {
    TimeZone::get(name).map_err(|_| {
        format!(
            "unknown time zone '{name}'; use an IANA name such as America/Chicago or Europe/London"
        )
    })
}

/// `path` is made only for an error: a valid file of 100,000
/// applications formats none.
fn check_id(id: &str, path: impl FnOnce() -> String) -> Result<(), ExchangeError> {
    if id.trim().is_empty() {
        return Err(ExchangeError::at(path(), "an id must not be empty"));
    }
    one_line(id, path)
}

/// A one-line field: no control character (tab and line breaks included).
fn one_line(text: &str, path: impl FnOnce() -> String) -> Result<(), ExchangeError> {
    match crate::text::forbidden_control(text, false) {
        Some(c) => Err(ExchangeError::at(path(), crate::text::control_message(c))),
        None => Ok(()),
    }
}

/// A free text: no control character but tab and line breaks.
fn free_text(text: &str, path: impl FnOnce() -> String) -> Result<(), ExchangeError> {
    match crate::text::forbidden_control(text, true) {
        Some(c) => Err(ExchangeError::at(path(), crate::text::control_message(c))),
        None => Ok(()),
    }
}

/// Every text of `app` against [`one_line`] or [`free_text`], so a control
/// character is refused whatever front end or file brought it in.
fn check_texts(app: &Application, here: &str) -> Result<(), ExchangeError> {
    one_line(&app.company, || format!("{here}.company"))?;
    one_line(&app.role, || format!("{here}.role"))?;
    for (field, v) in [
        ("posting_url", &app.posting_url),
        ("location", &app.location),
        ("salary", &app.salary),
        ("source", &app.source),
    ] {
        if let Some(v) = v {
            one_line(v, || format!("{here}.{field}"))?;
        }
    }
    if let Some(u) = &app.posting_url
        && !is_web_address(u)
    {
        return Err(ExchangeError::at(
            format!("{here}.posting_url"),
            format!("'{u}' is not a web address; it starts with https:// or http://"),
        ));
    }
    for (j, p) in app.people.iter().enumerate() {
        let ph = || format!("{here}.people[{j}]");
        one_line(&p.name, || format!("{}.name", ph()))?;
        for (field, v) in [
            ("title", &p.title),
            ("email", &p.email),
            ("phone", &p.phone),
        ] {
            if let Some(v) = v {
                one_line(v, || format!("{}.{field}", ph()))?;
            }
        }
        if let Some(v) = &p.mailing_address {
            free_text(v, || format!("{}.mailing_address", ph()))?;
        }
        for (k, v) in p.said.iter().enumerate() {
            free_text(v, || format!("{}.said[{k}]", ph()))?;
        }
    }
    for (j, iv) in app.interviews.iter().enumerate() {
        let ih = || format!("{here}.interviews[{j}]");
        // A calendar's LOCATION may take several lines (a postal address).
        if let Some(v) = &iv.location {
            free_text(v, || format!("{}.location", ih()))?;
        }
        for (k, s) in iv.slip_ups.iter().enumerate() {
            free_text(&s.text, || format!("{}.slip_ups[{k}].text", ih()))?;
        }
        if let Some(r) = &iv.reflection {
            free_text(&r.went_well, || format!("{}.reflection.went_well", ih()))?;
            free_text(&r.change, || format!("{}.reflection.change", ih()))?;
            for (k, v) in r.mistakes.iter().enumerate() {
                free_text(v, || format!("{}.reflection.mistakes[{k}]", ih()))?;
            }
            for (k, v) in r.missing_info.iter().enumerate() {
                free_text(v, || format!("{}.reflection.missing_info[{k}]", ih()))?;
            }
            if let Some(v) = &r.hardest_question {
                free_text(v, || format!("{}.reflection.hardest_question", ih()))?;
            }
        }
    }
    for (j, t) in app.touches.iter().enumerate() {
        if let Some(v) = &t.note {
            free_text(v, || format!("{here}.touches[{j}].note"))?;
        }
    }
    for (j, n) in app.news.iter().enumerate() {
        free_text(&n.text, || format!("{here}.news[{j}].text"))?;
    }
    if let Some(o) = &app.outcome {
        for (j, f) in o.feedback.iter().enumerate() {
            free_text(&f.text, || format!("{here}.outcome.feedback[{j}].text"))?;
            if let Some(p) = &f.plan {
                free_text(&p.step, || {
                    format!("{here}.outcome.feedback[{j}].plan.step")
                })?;
            }
        }
    }
    for (j, r) in app.research.iter().enumerate() {
        free_text(&r.fact, || format!("{here}.research[{j}].fact"))?;
        if let Some(v) = &r.contribution {
            free_text(v, || format!("{here}.research[{j}].contribution"))?;
        }
    }
    for (j, d) in app.dismissed.iter().enumerate() {
        free_text(&d.reason, || format!("{here}.dismissed[{j}].reason"))?;
    }
    Ok(())
}

/// Validates one application; `here` is its JSON path.
pub fn validate_application(app: &Application, here: &str) -> Result<(), ExchangeError> {
    check_id(&app.id, || format!("{here}.id"))?;
    if app.company.trim().is_empty() {
        return Err(ExchangeError::at(
            format!("{here}.company"),
            "the company name is empty",
        ));
    }
    check_texts(app, here)?;
    let mut people = HashSet::new();
    for (j, p) in app.people.iter().enumerate() {
        check_id(&p.id, || format!("{here}.people[{j}].id"))?;
        if !people.insert(p.id.as_str()) {
            return Err(ExchangeError::at(
                format!("{here}.people[{j}].id"),
                format!("duplicate person id '{}' in application '{}'", p.id, app.id),
            ));
        }
        if p.name.trim().is_empty() {
            return Err(ExchangeError::at(
                format!("{here}.people[{j}].name"),
                "the name is empty",
            ));
        }
    }
    let known = |id: &str, path: &dyn Fn() -> String| -> Result<(), ExchangeError> {
        if people.contains(id) {
            Ok(())
        } else {
            Err(ExchangeError::at(
                path(),
                format!(
                    "unknown person '{id}'; application '{}' has no such person",
                    app.id
                ),
            ))
        }
    };
    let mut interviews = HashSet::new();
    let mut invites = HashSet::new();
    for (j, iv) in app.interviews.iter().enumerate() {
        let ih = || format!("{here}.interviews[{j}]");
        check_id(&iv.id, || format!("{}.id", ih()))?;
        if !interviews.insert(iv.id.as_str()) {
            return Err(ExchangeError::at(
                format!("{}.id", ih()),
                format!(
                    "duplicate interview id '{}' in application '{}'",
                    iv.id, app.id
                ),
            ));
        }
        if iv.minutes == 0 || iv.minutes > 24 * 60 {
            return Err(ExchangeError::at(
                format!("{}.minutes", ih()),
                format!(
                    "{} minutes is not a plausible interview length (1 to 1440)",
                    iv.minutes
                ),
            ));
        }
        for (k, pid) in iv.interviewers.iter().enumerate() {
            known(pid, &|| format!("{}.interviewers[{k}]", ih()))?;
        }
        for (k, pid) in iv.also_met.iter().enumerate() {
            known(pid, &|| format!("{}.also_met[{k}]", ih()))?;
        }
        if let Some(link) = &iv.link {
            check_link(link).map_err(|m| ExchangeError::at(format!("{}.link", ih()), m))?;
        }
        if let Some(invite) = &iv.invite {
            check_id(&invite.uid, || format!("{}.invite.uid", ih()))?;
            if !invites.insert(invite.uid.as_str()) {
                return Err(ExchangeError::at(
                    format!("{}.invite.uid", ih()),
                    format!(
                        "two interviews of application '{}' come from the same invite '{}'",
                        app.id, invite.uid
                    ),
                ));
            }
        }
    }
    for (j, t) in app.touches.iter().enumerate() {
        if let Some(pid) = &t.person {
            known(pid, &|| format!("{here}.touches[{j}].person"))?;
        }
        if let Some(r) = t.replied_at
            && r < t.at
        {
            return Err(ExchangeError::at(
                format!("{here}.touches[{j}].replied_at"),
                format!(
                    "the reply ({r}) comes before the touch it answers ({})",
                    t.at
                ),
            ));
        }
    }
    // A dismissal's rule is a `Rule`: an unknown id never gets this far
    // (`json_error` reports it).
    for (j, d) in app.dismissed.iter().enumerate() {
        if let Some(iv) = &d.interview
            && !interviews.contains(iv.as_str())
        {
            return Err(ExchangeError::at(
                format!("{here}.dismissed[{j}].interview"),
                format!("unknown interview '{iv}'"),
            ));
        }
        if let Some(pid) = &d.person {
            known(pid, &|| format!("{here}.dismissed[{j}].person"))?;
        }
    }
    Ok(())
}

/// An `http://` or `https://` address with something after the scheme
/// (any case), the only kind a page links to.
pub fn is_web_address(u: &str) -> bool {
    let lower = u.trim().to_ascii_lowercase();
    ["https://", "http://"]
        .iter()
        .any(|s| lower.strip_prefix(s).is_some_and(|rest| !rest.is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Rule;

    const MINIMAL: &str = r#"{"format":"debrief/1","profile":{"name":"Sam","timezone":"America/Chicago"},
        "applications":[{"id":"a","company":"Acme","role":"Analyst",
          "people":[{"id":"marie","name":"Marie Dubois","kind":"interviewer"}]}]}"#;

    #[test]
    fn a_minimal_file_parses() {
        let d = parse(MINIMAL).expect("valid");
        assert_eq!(d.applications[0].people[0].name, "Marie Dubois");
    }

    #[test]
    fn an_unknown_field_is_named_with_its_path_and_a_hint() {
        let bad = MINIMAL.replace(r#""name":"Marie Dubois""#, r#""nmae":"Marie Dubois""#);
        let e = parse(&bad).unwrap_err();
        assert_eq!(e.path, "applications[0].people[0].nmae");
        assert!(
            e.message.contains("unknown field; did you mean `name`?"),
            "{e}"
        );
    }

    #[test]
    fn a_bad_date_names_its_place() {
        let bad = MINIMAL.replace(
            r#""applications":[{"#,
            r#""applications":[{"news":[{"on":"2026-02-30","text":"x"}],"#,
        );
        let e = parse(&bad).unwrap_err();
        assert_eq!(e.path, "applications[0].news[0].on", "{e}");
    }

    #[test]
    fn a_bad_time_zone_is_refused() {
        let e = parse(&MINIMAL.replace("America/Chicago", "Mars/Olympus")).unwrap_err();
        assert_eq!(e.path, "profile.timezone");
        assert!(e.message.contains("Mars/Olympus"));
    }

    #[test]
    fn duplicate_and_dangling_ids_are_refused() {
        let dup = MINIMAL.replace(
            r#"{"id":"marie","name":"Marie Dubois","kind":"interviewer"}"#,
            r#"{"id":"marie","name":"Marie Dubois"},{"id":"marie","name":"M"}"#,
        );
        assert_eq!(
            parse(&dup).unwrap_err().path,
            "applications[0].people[1].id"
        );
        let dangling = MINIMAL.replace(
            r#""role":"Analyst","#,
            r#""role":"Analyst","interviews":[{"id":"i","start":"2026-11-20T10:00:00-06:00","interviewers":["raj"]}],"#,
        );
        let e = parse(&dangling).unwrap_err();
        assert_eq!(e.path, "applications[0].interviews[0].interviewers[0]");
        assert!(e.message.contains("raj"));
    }

    #[test]
    fn an_unknown_rule_is_refused_with_its_path_as_before() {
        let with = |rule: &str| {
            MINIMAL.replace(
                r#""role":"Analyst","#,
                &format!(
                    r#""role":"Analyst","dismissed":[{{"rule":"{rule}","at":"2026-11-20T10:00:00-06:00"}}],"#
                ),
            )
        };
        let d = parse(&with("status-check")).expect("a known rule");
        assert_eq!(d.applications[0].dismissed[0].rule, Rule::StatusCheck);
        let json = serde_json::to_string(&d).expect("json");
        assert!(json.contains(r#""rule":"status-check""#), "{json}");
        for e in [
            parse(&with("status-chek")).unwrap_err(),
            parse_by_pieces(&with("status-chek")).unwrap_err(),
        ] {
            assert_eq!(
                e.to_string(),
                "applications[0].dismissed[0].rule: unknown rule 'status-chek'"
            );
        }
    }

    #[test]
    fn truncated_json_reports_a_position() {
        let e = parse(&MINIMAL[..60]).unwrap_err();
        assert!(e.line.is_some(), "{e}");
    }

    #[test]
    fn interview_extensions_round_trip_and_are_checked() {
        let with = MINIMAL.replace(
            r#""role":"Analyst","#,
            r#""role":"Analyst","interviews":[{"id":"i","start":"2026-11-20T10:00:00-06:00",
              "location":"1 Main St","link":"https://meet.example/x",
              "invite":{"uid":"abc@example","sequence":3}}],"#,
        );
        let d = parse(&with).expect("valid");
        let iv = &d.applications[0].interviews[0];
        assert_eq!(iv.location.as_deref(), Some("1 Main St"));
        assert_eq!(iv.invite.as_ref().map(|i| i.sequence), Some(3));
        let json = serde_json::to_string(&d).expect("json");
        assert_eq!(parse(&json).expect("round trip"), d);

        let bad = with.replace("https://meet.example/x", "javascript:alert(1)");
        assert_eq!(
            parse(&bad).unwrap_err().path,
            "applications[0].interviews[0].link"
        );
        let twice = with.replace(
            r#""invite":{"uid":"abc@example","sequence":3}}]"#,
            r#""invite":{"uid":"abc@example","sequence":3}},
               {"id":"j","start":"2026-11-21T10:00:00-06:00","invite":{"uid":"abc@example"}}]"#,
        );
        assert_eq!(
            parse(&twice).unwrap_err().path,
            "applications[0].interviews[1].invite.uid"
        );
        let email = MINIMAL.replace(
            r#""timezone":"America/Chicago""#,
            r#""timezone":"America/Chicago","emails":["sam@mail.example","not an address"]"#,
        );
        assert_eq!(parse(&email).unwrap_err().path, "profile.emails[1]");
    }

    #[test]
    fn a_byte_order_mark_is_not_the_document() {
        let with_bom = format!("\u{feff}{MINIMAL}");
        assert_eq!(
            parse(&with_bom).expect("BOM"),
            parse(MINIMAL).expect("plain")
        );
        assert_eq!(
            parse_by_pieces(&with_bom).expect("pieces"),
            parse(MINIMAL).expect("plain")
        );
    }

    #[test]
    fn a_file_in_another_encoding_is_named_as_such() {
        let latin1: Vec<u8> = MINIMAL
            .replace("Marie Dubois", "Zoë Dubois")
            .chars()
            .map(|c| u8::try_from(u32::from(c)).expect("Latin-1"))
            .collect();
        let e = collect_pieces(|each| parse_each_slice(&latin1, each)).unwrap_err();
        assert_eq!(e.path, "applications[0].people[0].name");
        assert!(e.message.contains("not UTF-8"), "{e}");
    }

    /// A document saved as "Unicode" (UTF-16 or UTF-32 with its byte
    /// order mark) is refused by name, read whole or as a stream; a UTF-8
    /// one with its mark reads as without.
    #[test]
    fn a_utf16_or_utf32_document_is_named_and_a_utf8_mark_is_skipped() {
        let utf16le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(MINIMAL.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let utf16be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain(MINIMAL.encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        let utf32le: Vec<u8> = [0xFF, 0xFE, 0, 0]
            .into_iter()
            .chain(MINIMAL.chars().flat_map(|c| u32::from(c).to_le_bytes()))
            .collect();
        for (bytes, name) in [
            (utf16le, "UTF-16LE"),
            (utf16be, "UTF-16BE"),
            (utf32le, "UTF-32LE"),
        ] {
            for e in [
                collect_pieces(|each| parse_each_slice(&bytes, each)).unwrap_err(),
                collect_pieces(|each| parse_each(bytes.as_slice(), each)).unwrap_err(),
            ] {
                assert!(
                    e.message.contains(name) && e.message.contains("save it as UTF-8"),
                    "{e}"
                );
            }
        }
        let marked = [UTF8_BOM, MINIMAL.as_bytes()].concat();
        let plain = collect_pieces(|each| parse_each(MINIMAL.as_bytes(), each)).expect("plain");
        assert_eq!(
            collect_pieces(|each| parse_each(marked.as_slice(), each)).expect("marked"),
            plain
        );
        assert_eq!(
            collect_pieces(|each| parse_each_slice(&marked, each)).expect("marked"),
            plain
        );
    }

    #[test]
    fn control_characters_are_refused_with_their_path() {
        let nul = MINIMAL.replace(
            r#"{"id":"marie","name":"Marie Dubois","kind":"interviewer"}"#,
            r#"{"id":"marie","name":"Marie Dubois"},{"id":"raj","name":"Raj\u0000"}"#,
        );
        let e = parse(&nul).unwrap_err();
        assert_eq!(
            e.to_string(),
            "applications[0].people[1].name: contains a control character (U+0000); remove it"
        );
        assert_eq!(parse_by_pieces(&nul).unwrap_err().path, e.path);
        // Tab, escape and C1 controls in one-line fields; line breaks are
        // fine in free texts, other controls are not.
        for (from, to, path) in [
            ("Acme", "Ac\\tme", "applications[0].company"),
            ("Analyst", "Anal\\u001byst", "applications[0].role"),
            ("Sam", "Sa\\u0085m", "profile.name"),
        ] {
            assert_eq!(
                parse(&MINIMAL.replacen(from, to, 1)).unwrap_err().path,
                path
            );
        }
        let news = |text: &str| {
            MINIMAL.replace(
                r#""applications":[{"#,
                &format!(r#""applications":[{{"news":[{{"on":"2026-02-03","text":"{text}"}}],"#),
            )
        };
        parse(&news("line one\\nline two\\ttabbed")).expect("breaks in a free text");
        assert_eq!(
            parse(&news("bell\\u0007")).unwrap_err().path,
            "applications[0].news[0].text"
        );
    }

    #[test]
    fn the_format_tag_is_checked() {
        let e = parse(&MINIMAL.replace("debrief/1", "debrief/9")).unwrap_err();
        assert_eq!(e.path, "format");
    }

    /// `parse_each` over a document: the dataset it describes, or its error.
    fn parse_by_pieces(text: &str) -> Result<Dataset, ExchangeError> {
        let from_slice = collect_pieces(|each| parse_each_slice(text.as_bytes(), each));
        let from_reader = collect_pieces(|each| parse_each(text.as_bytes(), each));
        // Every application left to serde_json's stream reading, as when
        // one is bigger than the scanner looks ahead.
        let unspliced = collect_pieces(|each| parse_each_ahead(text.as_bytes(), 0, each));
        assert_eq!(
            from_slice.as_ref().map_err(|e| (&e.path, &e.message)),
            from_reader.as_ref().map_err(|e| (&e.path, &e.message)),
        );
        assert_eq!(
            unspliced
                .as_ref()
                .map_err(|e| (&e.path, &e.message, e.line)),
            from_reader
                .as_ref()
                .map_err(|e| (&e.path, &e.message, e.line)),
            "{text}"
        );
        from_reader
    }

    fn collect_pieces(
        read: impl FnOnce(&mut dyn FnMut(Piece) -> Result<(), ()>) -> Result<(), EachError<()>>,
    ) -> Result<Dataset, ExchangeError> {
        let mut d = Dataset::default();
        read(&mut |piece| {
            match piece {
                Piece::Profile(p) => d.profile = p,
                Piece::Application(a) => d.applications.push(a),
            }
            Ok::<(), ()>(())
        })
        .map_err(|e| match e {
            EachError::Exchange(e) => e,
            EachError::Receiver(()) => unreachable!("the receiver never stops"),
        })?;
        Ok(d)
    }

    #[test]
    fn reading_piece_by_piece_agrees_with_parse() {
        let second_app = MINIMAL.replace(
            r#"}]}]}"#,
            r#"}]},{"id":"b","company":"Globex","role":"Lead"}]}"#,
        );
        let docs = [
            MINIMAL.to_string(),
            second_app.clone(),
            // No profile: the default one.
            r#"{"format":"debrief/1","applications":[]}"#.to_string(),
            // The profile after the applications.
            r#"{"applications":[],"format":"debrief/1","profile":{"name":"Sam","timezone":"Europe/London"}}"#.to_string(),
            MINIMAL.replace(r#""name":"Marie Dubois""#, r#""nmae":"Marie Dubois""#),
            MINIMAL.replace("America/Chicago", "Mars/Olympus"),
            MINIMAL.replace("debrief/1", "debrief/9"),
            MINIMAL.replace(r#""format":"debrief/1","#, ""),
            MINIMAL.replace(r#""format""#, r#""fromat""#),
            second_app.replace(r#""id":"b""#, r#""id":"a""#),
            MINIMAL[..60].to_string(),
            format!("{MINIMAL} trailing"),
            String::new(),
            // A key given twice: refused, or the second list of
            // applications would be written after the first.
            MINIMAL.replacen(r#""format":"debrief/1","#, r#""format":"debrief/1","format":"debrief/1","#, 1),
            second_app.replacen(r#""applications":"#, r#""applications":[],"applications":"#, 1),
            r#"{"format":"debrief/1","applications":[],"profile":{"name":"A","timezone":"UTC"},"profile":{"name":"B","timezone":"UTC"}}"#.to_string(),
        ];
        // A list is no document either way (the words differ).
        assert!(parse_by_pieces("[]").is_err() && parse("[]").is_err());
        // serde_json counts a column one further when reading from a
        // stream than from a string; everything else must be the same.
        let without_column = |r: Result<Dataset, ExchangeError>| {
            r.map_err(|e| (e.path, e.message, e.line, e.column))
        };
        for doc in docs {
            let streamed = without_column(parse_by_pieces(&doc));
            let whole = without_column(parse(&doc));
            match (streamed, whole) {
                (Err(a), Err(b)) => {
                    assert_eq!((&a.0, &a.1, a.2), (&b.0, &b.1, b.2), "{doc}");
                    let (x, y) = (a.3.unwrap_or(0), b.3.unwrap_or(0));
                    assert!(x.abs_diff(y) <= 1, "{doc}: column {x} vs {y}");
                }
                (a, b) => assert_eq!(a, b, "{doc}"),
            }
        }
    }

    /// Three applications over several lines, with escapes and brackets
    /// inside strings.
    const THREE: &str = "{\"format\":\"debrief/1\",\n \"profile\":{\"name\":\"Sam\",\"timezone\":\"America/Chicago\"},\n \"applications\":[\n  {\"id\":\"a\",\"company\":\"Acme \\\"Big\\\" Co\\\\\",\"role\":\"Analyst\"},\n  {\"id\":\"b\",\"company\":\"Glo{bex]\",\"role\":\"Lead\",\n   \"people\":[{\"id\":\"p\",\"name\":\"Ann \\u00e9\",\"kind\":\"interviewer\"}]},\n  {\"id\":\"c\",\"company\":\"Initech\",\"role\":\"Dev\"}\n ]}\n";

    /// The stream's error and the whole text's, which must name the same
    /// place; `exact`: to the column (inside an application, where both
    /// parse a slice).
    fn same_error(doc: &str, exact: bool) -> ExchangeError {
        let whole = parse(doc).expect_err(doc);
        let streamed = parse_by_pieces(doc).expect_err(doc);
        assert_eq!(
            (&streamed.path, &streamed.message, streamed.line),
            (&whole.path, &whole.message, whole.line),
            "{doc}"
        );
        if exact {
            assert_eq!(streamed.column, whole.column, "{doc}");
        } else {
            let (x, y) = (streamed.column.unwrap_or(0), whole.column.unwrap_or(0));
            assert!(x.abs_diff(y) <= 1, "{doc}: column {x} vs {y}");
        }
        streamed
    }

    #[test]
    fn errors_in_later_applications_name_their_place_in_the_whole_file() {
        assert_eq!(
            parse_by_pieces(THREE).expect("valid"),
            parse(THREE).expect("valid")
        );
        let d = parse(THREE).expect("valid");
        assert_eq!(d.applications[0].company, r#"Acme "Big" Co\"#);
        assert_eq!(d.applications[1].company, "Glo{bex]");
        // An unknown field in the second application's person.
        let e = same_error(&THREE.replace(r#""name":"Ann"#, r#""nmae":"Ann"#), true);
        assert_eq!(e.path, "applications[1].people[0].nmae");
        assert_eq!((e.line, e.column), (Some(6), Some(29)), "{e}");
        // A wrong type in the third.
        let e = same_error(&THREE.replace(r#""role":"Dev""#, r#""urgent":"yes""#), true);
        assert_eq!(e.path, "applications[2].urgent");
        assert_eq!(e.line, Some(7));
        // A bad escape in a string with good escapes before it.
        let e = same_error(&THREE.replace(r#"Co\\""#, r#"Co\q""#), true);
        assert_eq!(e.path, "applications[0].company");
        assert_eq!(e.line, Some(4));
        // A control character after an escaped quote, in the third.
        let e = same_error(&THREE.replace("Initech", "Ini\\\"te\\u0000ch"), true);
        assert_eq!(e.path, "applications[2].company");
        // A missing field: the application's own path.
        let e = same_error(&THREE.replace(r#"{"id":"b","#, "{"), true);
        assert_eq!(e.path, "applications[1]");
        // An unknown field whose name starts with a bracket.
        let e = same_error(&THREE.replace(r#""role":"Dev""#, r#""[ole":"Dev""#), true);
        assert_eq!(e.path, "applications[2].[ole");
        // A repeated id: the path, no place.
        let e = same_error(&THREE.replace(r#""id":"c""#, r#""id":"a""#), true);
        assert_eq!((e.path.as_str(), e.line), ("applications[2].id", None));
    }

    #[test]
    fn a_truncated_or_broken_frame_is_placed_in_the_whole_file() {
        // Cut anywhere: inside an application, inside a string with
        // escapes, between applications, in the frame.
        for cut in [
            THREE.find("Glo{").expect("in THREE") + 4,
            THREE.find(r#"Big\"#).expect("in THREE") + 4,
            THREE.find("\\u00e9").expect("in THREE") + 3,
            THREE.find("},\n  {\"id\":\"c\"").expect("in THREE") + 2,
            THREE.len() - 3,
            THREE.len() - 5,
        ] {
            let e = same_error(&THREE[..cut], false);
            assert!(e.message.contains("EOF"), "{cut}: {e}");
            assert_eq!(e.line, parse(&THREE[..cut]).expect_err("cut").line);
        }
        // Cut in the middle of a key: the place is the object it is in,
        // not a `?` for the key nobody could read.
        for (cut, path) in [
            (
                THREE.find(r#""kind""#).expect("in THREE") + 3,
                "applications[1].people[0]",
            ),
            (THREE.find(r#""profile""#).expect("in THREE") + 3, ""),
        ] {
            let e = same_error(&THREE[..cut], false);
            assert_eq!(e.path, path, "{cut}: {e}");
            assert!(e.message.contains("EOF"), "{cut}: {e}");
        }
        // Between applications and after the document: errors of the
        // frame, placed as serde_json reading the whole stream places them.
        let third = r#"{"id":"c","company":"Initech","role":"Dev"}"#;
        for doc in [
            // An application that is no object: serde_json reads it.
            THREE.replace(third, "[1]"),
            THREE.replace(third, "7"),
            THREE.replace("},\n  {\"id\":\"c\"", "}\n  {\"id\":\"c\""),
            THREE.replace("},\n  {\"id\":\"c\"", "},\n  ,{\"id\":\"c\""),
            THREE.replace("]}\n", "]} x\n"),
            THREE.replace("]}\n", "],\n \"extra\":1}"),
        ] {
            let e = parse_by_pieces(&doc).expect_err("broken");
            let whole = parse(&doc).expect_err("broken");
            assert_eq!((&e.path, &e.message), (&whole.path, &whole.message));
            let mut track = serde_path_to_error::Track::new();
            let de = &mut serde_json::Deserializer::from_reader(doc.as_bytes());
            let whole_stream = <Dataset as serde::Deserialize>::deserialize(
                serde_path_to_error::Deserializer::new(&mut *de, &mut track),
            )
            .and_then(|_| de.end())
            .expect_err("broken");
            assert_eq!(
                (e.line, e.column),
                (Some(whole_stream.line()), Some(whole_stream.column())),
                "{doc}: {e}"
            );
        }
    }

    #[test]
    fn an_application_bigger_than_the_look_ahead_is_read_all_the_same() {
        let long = "x".repeat(3000);
        let doc = THREE.replace("Initech", &long);
        let expected = parse(&doc).expect("valid");
        for look_ahead in [0, 100, 2000, 1 << 20] {
            let read = collect_pieces(|each| parse_each_ahead(doc.as_bytes(), look_ahead, each));
            assert_eq!(read.expect("valid"), expected, "{look_ahead}");
            // And an error after it is still placed.
            let bad = doc.replace(r#""role":"Dev""#, r#""role":"Dev","x":1"#);
            let e = collect_pieces(|each| parse_each_ahead(bad.as_bytes(), look_ahead, each))
                .expect_err("unknown field");
            let whole = parse(&bad).expect_err("unknown field");
            assert_eq!((&e.path, e.line), (&whole.path, whole.line), "{look_ahead}");
            assert!(e.column.unwrap_or(0).abs_diff(whole.column.unwrap_or(0)) <= 1);
        }
    }

    #[test]
    fn a_stream_that_trickles_in_reads_the_same() {
        // One to three bytes a read: every escape, bracket and quote falls
        // on the edge of the scanner's buffer somewhere.
        struct Trickle<'a>(&'a [u8], usize);
        impl std::io::Read for Trickle<'_> {
            fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
                self.1 = self.1 % 3 + 1;
                let n = out.len().min(self.0.len()).min(self.1);
                out[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let docs = [
            THREE.to_string(),
            THREE.replace(r#""name":"Ann"#, r#""nmae":"Ann"#),
            THREE.replace(r#"Co\\""#, r#"Co\q""#),
            THREE.replace("Initech", "Ini\\\"te\\u0000ch"),
            THREE[..THREE.find(r#"Big\"#).expect("in THREE") + 4].to_string(),
            THREE.replace("},\n  {\"id\":\"c\"", "}\n  {\"id\":\"c\""),
        ];
        for doc in docs {
            let whole = collect_pieces(|each| parse_each(doc.as_bytes(), each));
            let trickled = collect_pieces(|each| parse_each(Trickle(doc.as_bytes(), 0), each));
            assert_eq!(trickled, whole, "{doc}");
        }
    }

    #[test]
    fn a_read_error_inside_an_application_is_reported() {
        struct Failing<'a>(&'a [u8]);
        impl std::io::Read for Failing<'_> {
            fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
                if self.0.is_empty() {
                    return Err(std::io::Error::other("the disk went away"));
                }
                let n = out.len().min(self.0.len());
                out[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let cut = THREE.find("Glo{").expect("in THREE");
        let mut seen = 0;
        let read = parse_each(Failing(&THREE.as_bytes()[..cut]), |_| {
            seen += 1;
            Ok::<(), ()>(())
        });
        match read {
            Err(EachError::Exchange(e)) => assert!(e.message.contains("the disk went away"), "{e}"),
            other => panic!("{other:?}"),
        }
        // The profile and the first application came before the failure.
        assert_eq!(seen, 2);
    }

    #[test]
    fn a_document_without_a_profile_hands_over_none() {
        let mut profiles = 0;
        parse_each_slice(br#"{"format":"debrief/1","applications":[]}"#, |piece| {
            profiles += usize::from(matches!(piece, Piece::Profile(_)));
            Ok::<(), ()>(())
        })
        .expect("a valid document");
        assert_eq!(profiles, 0);
    }

    #[test]
    fn the_receiver_can_stop_the_reading() {
        let mut seen = 0;
        let stopped = parse_each(MINIMAL.as_bytes(), |piece| {
            seen += 1;
            match piece {
                Piece::Application(a) => Err(a.id),
                Piece::Profile(_) => Ok(()),
            }
        });
        assert!(matches!(stopped, Err(EachError::Receiver(id)) if id == "a"));
        assert_eq!(seen, 2);
    }
}
