//! Content lines and components (RFC 5545 §3.1, §3.4, §3.6), read leniently.
//!
//! Hand-rolled rather than calcard: calcard declares no `rust-version`, brings
//! chrono and chrono-tz (a second time-zone database beside jiff, which STYLE.md
//! makes ours), mail-parser, mail-builder and ahash, and reports unreadable
//! lines without their line numbers — FORMAT.md §2 needs every skipped part
//! named by line. The grammar we need is small; the hard part is tolerance,
//! and that is easier to own than to patch around.
//!
//! Tolerances, each seen in a real client's output (see the fixtures):
//! byte-order mark; CRLF, LF or lone CR; folding with space or tab, including
//! folds that split a UTF-8 sequence (unfolded on bytes, decoded after);
//! lowercase names; empty parameters (`DTSTART;;VALUE=…`); backslash-escaped
//! `:;,` in unquoted parameter values (`CN=Joe Bob\: Magician`); RFC 6868
//! caret escapes; missing or misspelt `END:` lines; stray text lines.

use std::borrow::Cow;
use std::fmt;

use crate::IcsError;

/// Deeper nesting than this is never meaningful in a calendar; refusing it
/// keeps recursion (and `Drop`) bounded on hostile input.
const MAX_DEPTH: usize = 16;
/// A garbage file would otherwise produce one warning per line.
const MAX_WARNINGS: usize = 200;

/// Collects "line N: …" messages, capped so a huge broken file stays usable.
#[derive(Debug, Default)]
pub(crate) struct Warnings {
    list: Vec<(usize, String)>,
    dropped: usize,
}

impl Warnings {
    pub(crate) fn push(&mut self, line: usize, message: impl fmt::Display) {
        self.keep(line, format!("line {line}: {message}"));
    }

    fn keep(&mut self, line: usize, message: String) {
        if self.list.len() < MAX_WARNINGS {
            self.list.push((line, message));
        } else {
            self.dropped += 1;
        }
    }

    /// `later`'s warnings after these, as if pushed here in their order:
    /// a file read in two parts warns as one read whole.
    pub(crate) fn append(&mut self, later: Warnings) {
        for (line, message) in later.list {
            self.keep(line, message);
        }
        self.dropped += later.dropped;
    }

    /// Takes back the warning `push(line, message)` gave (or its count,
    /// if the cap dropped it).
    pub(crate) fn take_back(&mut self, line: usize, message: &str) {
        let full = format!("line {line}: {message}");
        match self.list.iter().position(|(l, m)| *l == line && *m == full) {
            Some(i) => {
                self.list.remove(i);
            }
            None => self.dropped = self.dropped.saturating_sub(1),
        }
    }

    /// The messages in line order (stable, so one line's keep their order).
    pub(crate) fn finish(mut self) -> Vec<String> {
        self.list.sort_by_key(|(line, _)| *line);
        let mut out: Vec<String> = self.list.into_iter().map(|(_, m)| m).collect();
        if self.dropped > 0 {
            out.push(format!("… and {} more warnings not shown", self.dropped));
        }
        out
    }
}

/// Shortens and escapes untrusted text for a message (control characters
/// would garble a terminal).
pub(crate) fn snippet(text: &str) -> String {
    let mut out: String = text.chars().take(40).flat_map(char::escape_debug).collect();
    if text.chars().nth(40).is_some() {
        out.push('…');
    }
    out
}

/// One parameter. Only its first value is kept: no property Debrief reads
/// needs the others (`DELEGATED-TO="a","b"`, `MEMBER=…`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Param<'a> {
    pub name: Cow<'a, str>,
    /// RFC 6868-decoded, quotes removed.
    pub value: Cow<'a, str>,
}

/// One unfolded content line, borrowing from the input where it can (most
/// lines are neither folded nor escaped).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Property<'a> {
    /// Upper-cased: names are case-insensitive (RFC 5545 §2).
    pub name: Cow<'a, str>,
    pub params: Vec<Param<'a>>,
    /// Raw value text; escapes are undone by the reader that knows its type.
    pub value: &'a str,
    /// Physical line number (1-based) where the content line starts.
    pub line: usize,
}

impl Property<'_> {
    /// First value of a parameter, by case-insensitive name.
    pub(crate) fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|p| p.name.eq_ignore_ascii_case(name))
            .map(|p| p.value.as_ref())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Component<'a> {
    /// Upper-cased (`VEVENT`, `VTIMEZONE`, …).
    pub name: Cow<'a, str>,
    /// Line of its `BEGIN:`.
    pub line: usize,
    pub props: Vec<Property<'a>>,
    pub children: Vec<Component<'a>>,
}

impl<'a> Component<'a> {
    fn new(name: Cow<'a, str>, line: usize) -> Self {
        Component {
            name,
            line,
            props: vec![],
            children: vec![],
        }
    }

    pub(crate) fn prop(&self, name: &str) -> Option<&Property<'a>> {
        self.props.iter().find(|p| p.name == name)
    }

    pub(crate) fn props_named<'s>(
        &'s self,
        name: &'s str,
    ) -> impl Iterator<Item = &'s Property<'a>> {
        self.props.iter().filter(move |p| p.name == name)
    }

    pub(crate) fn children_named<'s>(
        &'s self,
        name: &'s str,
    ) -> impl Iterator<Item = &'s Component<'a>> {
        self.children.iter().filter(move |c| c.name == name)
    }
}

/// Upper-cases, borrowing when the text already is (the usual case).
fn upper(text: &str) -> Cow<'_, str> {
    if text.bytes().any(|b| b.is_ascii_lowercase()) {
        Cow::Owned(text.to_ascii_uppercase())
    } else {
        Cow::Borrowed(text)
    }
}

/// A logical (unfolded) line and the physical line it starts on.
pub(crate) struct Line<'a> {
    number: usize,
    text: Cow<'a, str>,
}

/// Splits into physical lines (CRLF, LF or lone CR) and joins folded
/// continuations. Works on bytes so a fold inside a UTF-8 sequence rejoins
/// before decoding.
pub(crate) fn unfold<'a>(input: &'a [u8], warnings: &mut Warnings) -> Vec<Line<'a>> {
    let input = input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input);
    let mut raw: Vec<(usize, Cow<'a, [u8]>)> = Vec::new();
    let mut number = 0usize;
    let mut i = 0usize;
    while i < input.len() {
        number += 1;
        let start = i;
        while i < input.len() && input[i] != b'\n' && input[i] != b'\r' {
            i += 1;
        }
        let physical = &input[start..i];
        // Consume the line break: CRLF, LF or a lone CR.
        if i < input.len() {
            if input[i] == b'\r' && input.get(i + 1) == Some(&b'\n') {
                i += 2;
            } else {
                i += 1;
            }
        }
        match physical.first() {
            Some(b' ' | b'\t') => match raw.last_mut() {
                Some((_, prev)) => prev.to_mut().extend_from_slice(&physical[1..]),
                // A continuation with nothing to continue: keep it as text so
                // it is reported as garbage rather than silently lost.
                None => raw.push((number, Cow::Borrowed(physical))),
            },
            _ => raw.push((number, Cow::Borrowed(physical))),
        }
    }
    raw.retain(|(_, bytes)| !bytes.iter().all(u8::is_ascii_whitespace));
    // Lines that are not UTF-8 (an Outlook export in Windows-1252): read in
    // the encoding their bytes suggest, said once; U+FFFD only when no
    // encoding fits, and then said on every line.
    let legacy = {
        let sample: Vec<u8> = raw
            .iter()
            .filter(|(_, b)| std::str::from_utf8(b).is_err())
            .flat_map(|(_, b)| b.iter().copied().chain([b'\n']))
            .collect();
        (!sample.is_empty()).then(|| debrief_decode::Legacy::detect(&sample))
    };
    let mut named = false;
    raw.into_iter()
        .map(|(number, bytes)| {
            let text = match bytes {
                Cow::Borrowed(b) => match std::str::from_utf8(b) {
                    Ok(t) => Cow::Borrowed(t),
                    Err(_) => Cow::Owned(legacy_line(b, legacy, number, &mut named, warnings)),
                },
                Cow::Owned(b) => match String::from_utf8(b) {
                    Ok(t) => Cow::Owned(t),
                    Err(e) => Cow::Owned(legacy_line(
                        e.as_bytes(),
                        legacy,
                        number,
                        &mut named,
                        warnings,
                    )),
                },
            };
            Line { number, text }
        })
        .collect()
}

/// One line that is not UTF-8, in the file's `legacy` encoding when it
/// fits (the first such line says which), else with U+FFFD and a warning.
fn legacy_line(
    bytes: &[u8],
    legacy: Option<debrief_decode::Legacy>,
    number: usize,
    named: &mut bool,
    warnings: &mut Warnings,
) -> String {
    if let Some(enc) = legacy
        && let Some(text) = enc.decode(bytes)
    {
        if !*named {
            *named = true;
            warnings.push(
                number,
                format_args!("not UTF-8; read as {} from here on", enc.name()),
            );
        }
        return text;
    }
    warnings.push(number, "invalid UTF-8 replaced with U+FFFD");
    String::from_utf8_lossy(bytes).into_owned()
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

/// RFC 6868: `^n` newline, `^'` double quote, `^^` caret; any other caret is
/// literal.
fn decode_caret(value: &str) -> Cow<'_, str> {
    if !value.contains('^') {
        return Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '^' {
            match chars.peek() {
                Some('n') => {
                    out.push('\n');
                    chars.next();
                }
                Some('\'') => {
                    out.push('"');
                    chars.next();
                }
                Some('^') => {
                    out.push('^');
                    chars.next();
                }
                _ => out.push('^'),
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Parses `NAME *(;PARAM) : VALUE`. Soft problems (empty parameters) go to
/// `notes`; hard ones return `Err` and the line is skipped.
fn parse_line<'a>(
    text: &'a str,
    number: usize,
    notes: &mut Warnings,
) -> Result<Property<'a>, String> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() && is_name_byte(bytes[i]) {
        i += 1;
    }
    if i == 0 {
        return Err("not a content line (expected NAME:VALUE)".to_string());
    }
    let name = upper(&text[..i]);
    // Tolerate blanks between the name and its delimiter (`DTSTART :…`).
    while i < bytes.len() && bytes[i] == b' ' {
        i += 1;
    }
    let mut params = Vec::new();
    loop {
        match bytes.get(i) {
            Some(b':') => {
                return Ok(Property {
                    name,
                    params,
                    value: &text[i + 1..],
                    line: number,
                });
            }
            Some(b';') => {
                i += 1;
                if matches!(bytes.get(i), Some(b';' | b':')) {
                    notes.push(number, format!("empty parameter in {name} ignored"));
                    continue;
                }
                let (param, next) = parse_param(text, i)?;
                params.push(param);
                i = next;
            }
            None => return Err(format!("{name} has no ':' before its value")),
            Some(_) => return Err("not a content line (expected NAME:VALUE)".to_string()),
        }
    }
}

/// Parses one `NAME=value[,value]` starting at byte `start`; returns the
/// parameter and the index of the delimiter after it.
fn parse_param(text: &str, start: usize) -> Result<(Param<'_>, usize), String> {
    let bytes = text.as_bytes();
    let mut i = start;
    while i < bytes.len() && is_name_byte(bytes[i]) {
        i += 1;
    }
    if i == start {
        return Err("a parameter has no name".to_string());
    }
    let name = upper(&text[start..i]);
    if bytes.get(i) != Some(&b'=') {
        return Err(format!("parameter {name} has no '='"));
    }
    i += 1;
    let mut first: Option<Cow<'_, str>> = None;
    loop {
        let value = if bytes.get(i) == Some(&b'"') {
            let open = i + 1;
            let close = text[open..]
                .find('"')
                .map(|k| open + k)
                .ok_or_else(|| format!("parameter {name} has an unclosed quote"))?;
            i = close + 1;
            decode_caret(&text[open..close])
        } else {
            // All delimiters are ASCII, so every index we stop at is a char
            // boundary.
            let begin = i;
            let mut escaped: Option<String> = None;
            let mut seg = i;
            while i < bytes.len() && !matches!(bytes[i], b',' | b';' | b':' | b'"') {
                if bytes[i] == b'\\' && matches!(bytes.get(i + 1), Some(b':' | b';' | b',')) {
                    escaped
                        .get_or_insert_with(String::new)
                        .push_str(&text[seg..i]);
                    seg = i + 1;
                    i += 2;
                    continue;
                }
                i += 1;
            }
            if bytes.get(i) == Some(&b'"') {
                return Err(format!("parameter {name} has a stray quote"));
            }
            match escaped {
                Some(mut v) => {
                    v.push_str(&text[seg..i]);
                    Cow::Owned(decode_caret(&v).into_owned())
                }
                None => decode_caret(&text[begin..i]),
            }
        };
        first.get_or_insert(value);
        match bytes.get(i) {
            Some(b',') => i += 1,
            Some(b';' | b':') => {
                let value = first.unwrap_or_default();
                return Ok((Param { name, value }, i));
            }
            None => return Err(format!("parameter {name} runs to the end of the line")),
            Some(_) => return Err(format!("unexpected text after parameter {name}")),
        }
    }
}

/// Components that never contain events or other top-level components: a
/// `BEGIN:VEVENT` inside one means its `END:` was lost.
fn is_leaf_component(name: &str) -> bool {
    matches!(name, "VEVENT" | "VTODO" | "VJOURNAL" | "VFREEBUSY")
}

fn is_calendar_component(name: &str) -> bool {
    matches!(
        name,
        "VCALENDAR" | "VEVENT" | "VTODO" | "VJOURNAL" | "VFREEBUSY" | "VTIMEZONE"
    )
}

/// Receives each VEVENT the reader reads (a root, or a child of a root
/// VCALENDAR, given as the second argument) as soon as it is complete,
/// instead of the tree keeping it: a big file never holds all its events
/// as components at once.
pub(crate) type EventSink<'s, 'a> =
    &'s mut dyn FnMut(Component<'a>, Option<&Component<'a>>, &mut Warnings);

struct TreeBuilder<'s, 'a> {
    stack: Vec<Component<'a>>,
    roots: Vec<Component<'a>>,
    /// `BEGIN`s ignored for being too deep, so their `END`s are ignored too.
    skipped_depth: usize,
    events: Option<EventSink<'s, 'a>>,
}

impl<'a> TreeBuilder<'_, 'a> {
    fn attach(&mut self, c: Component<'a>, warnings: &mut Warnings) {
        if c.name == "VEVENT"
            && let Some(sink) = self.events.as_mut()
        {
            match self.stack.as_slice() {
                [] => {
                    // A placeholder keeps the roots' shape for the checks
                    // made once the file is read (is it a calendar at all?).
                    self.roots
                        .push(Component::new(Cow::Borrowed("VEVENT"), c.line));
                    sink(c, None, warnings);
                    return;
                }
                [calendar] if calendar.name == "VCALENDAR" => {
                    sink(c, Some(calendar), warnings);
                    return;
                }
                _ => {}
            }
        }
        match self.stack.last_mut() {
            Some(parent) => parent.children.push(c),
            None => self.roots.push(c),
        }
    }

    fn close_top(&mut self, warnings: &mut Warnings) {
        if let Some(c) = self.stack.pop() {
            self.attach(c, warnings);
        }
    }

    fn close_unterminated(&mut self, at: usize, warnings: &mut Warnings) {
        if let Some(top) = self.stack.last() {
            warnings.push(
                top.line,
                format!(
                    "BEGIN:{0} has no END:{0} before line {at}; closed there",
                    top.name
                ),
            );
        }
        self.close_top(warnings);
    }

    fn begin(&mut self, name: Cow<'a, str>, line: usize, warnings: &mut Warnings) {
        if self.skipped_depth > 0 || self.stack.len() >= MAX_DEPTH {
            if self.skipped_depth == 0 {
                warnings.push(line, "components nested too deeply; skipped");
            }
            self.skipped_depth += 1;
            return;
        }
        if name == "VCALENDAR" {
            while self.stack.iter().any(|c| c.name == "VCALENDAR") {
                self.close_unterminated(line, warnings);
            }
        } else if is_calendar_component(&name) {
            while self
                .stack
                .last()
                .is_some_and(|c| is_leaf_component(&c.name))
            {
                self.close_unterminated(line, warnings);
            }
        } else if matches!(name.as_ref(), "STANDARD" | "DAYLIGHT")
            && self
                .stack
                .last()
                .is_some_and(|c| matches!(c.name.as_ref(), "STANDARD" | "DAYLIGHT"))
        {
            self.close_unterminated(line, warnings);
        }
        self.stack.push(Component::new(name, line));
    }

    fn end(&mut self, name: &str, line: usize, warnings: &mut Warnings) {
        if self.skipped_depth > 0 {
            self.skipped_depth -= 1;
            return;
        }
        match self.stack.iter().rposition(|c| c.name == name) {
            Some(pos) => {
                while self.stack.len() > pos + 1 {
                    self.close_unterminated(line, warnings);
                }
                self.close_top(warnings);
            }
            None => {
                let open = self
                    .stack
                    .last()
                    .map(|c| format!(" (open: BEGIN:{} at line {})", c.name, c.line))
                    .unwrap_or_default();
                warnings.push(
                    line,
                    format!("END:{} has no matching BEGIN; ignored{open}", snippet(name)),
                );
            }
        }
    }
}

/// Does this line start with `BEGIN` or `END` (any case)? The cheap test
/// that lets a skeleton pass skip reading an event's other lines.
fn may_be_begin_or_end(text: &str) -> bool {
    let b = text.as_bytes();
    b.get(..5).is_some_and(|p| p.eq_ignore_ascii_case(b"BEGIN"))
        || b.get(..3).is_some_and(|p| p.eq_ignore_ascii_case(b"END"))
}

/// Parses unfolded lines into top-level components. `Err` only when
/// nothing in them reads as a calendar; every skipped part becomes a
/// warning.
#[cfg(test)]
pub(crate) fn parse_components<'a>(
    lines: &'a [Line<'a>],
    warnings: &mut Warnings,
) -> Result<Vec<Component<'a>>, IcsError> {
    parse_part(lines, warnings, None, true, Part::Whole, None)
}

/// Which part of a file's lines a pass reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Part {
    /// Every line.
    Whole,
    /// The lines before a [`Cut`]: they end inside a calendar, which is
    /// not reported as unclosed.
    Head,
    /// The lines from a [`Cut`] on, inside the calendar that begins on
    /// line `calendar` (its properties were read with the head).
    Tail { calendar: usize },
}

/// A place where a file's lines can be read in two parts, each on its own
/// thread, with the same result as one reading: the `BEGIN:VEVENT` at
/// index `at` of the lines, directly inside the calendar that begins on
/// line `calendar`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Cut {
    pub at: usize,
    pub calendar: usize,
}

/// Reads `lines` as `part` of a file, like [`parse_components`], handing
/// each VEVENT the reader reads to `events` as soon as it is complete
/// instead of keeping it in the tree (a root VEVENT leaves an empty
/// placeholder). Without `event_lines`, the lines inside such a VEVENT
/// other than `BEGIN`/`END` are not even parsed: a skeleton of the file
/// (its calendars' properties and time zones) for the cost of finding its
/// lines. `cuts`, when given, receives every [`Cut`] of these lines. A
/// part other than the whole is never refused: the whole file was read
/// before (its skeleton) and found a calendar.
pub(crate) fn parse_part<'s, 'a>(
    lines: &'a [Line<'a>],
    warnings: &mut Warnings,
    events: Option<EventSink<'s, 'a>>,
    event_lines: bool,
    part: Part,
    mut cuts: Option<&mut Vec<Cut>>,
) -> Result<Vec<Component<'a>>, IcsError> {
    let first = match part {
        Part::Whole => lines.first().map(|l| (l.number, snippet(&l.text))),
        _ => None,
    };
    let stack = match part {
        Part::Tail { calendar } => vec![Component::new(Cow::Borrowed("VCALENDAR"), calendar)],
        _ => vec![],
    };
    let mut tree = TreeBuilder {
        stack,
        roots: vec![],
        skipped_depth: 0,
        events,
    };
    for (at, line) in lines.iter().enumerate() {
        if !event_lines
            && tree.stack.last().is_some_and(|c| c.name == "VEVENT")
            && !may_be_begin_or_end(&line.text)
        {
            continue;
        }
        let prop = match parse_line(&line.text, line.number, warnings) {
            Ok(p) => p,
            Err(reason) => {
                warnings.push(
                    line.number,
                    format!("skipped '{}': {reason}", snippet(&line.text)),
                );
                continue;
            }
        };
        match prop.name.as_ref() {
            "BEGIN" | "END" => {
                let name = upper(prop.value.trim());
                if name.is_empty() || !name.bytes().all(is_name_byte) {
                    warnings.push(
                        line.number,
                        format!("skipped '{}': bad component name", snippet(&line.text)),
                    );
                } else if prop.name == "BEGIN" {
                    if let Some(cuts) = cuts.as_deref_mut()
                        && name == "VEVENT"
                        && tree.skipped_depth == 0
                        && let [calendar] = tree.stack.as_slice()
                        && calendar.name == "VCALENDAR"
                    {
                        cuts.push(Cut {
                            at,
                            calendar: calendar.line,
                        });
                    }
                    tree.begin(name, line.number, warnings);
                } else {
                    tree.end(&name, line.number, warnings);
                }
            }
            _ => {
                if tree.skipped_depth > 0 {
                    continue;
                }
                match tree.stack.last_mut() {
                    Some(top) => top.props.push(prop),
                    None => warnings.push(
                        line.number,
                        format!("'{}' outside any component; ignored", snippet(&prop.name)),
                    ),
                }
            }
        }
    }
    if part == Part::Head {
        // It ends where the tail begins, directly inside a calendar.
        tree.stack.clear();
    }
    let end_line = lines.last().map_or(1, |l| l.number);
    while let Some(top) = tree.stack.last() {
        warnings.push(
            top.line,
            format!(
                "BEGIN:{0} is never closed (END:{0} missing); read to the end of the file (line {end_line})",
                top.name
            ),
        );
        tree.close_top(warnings);
    }
    let (calendars, others): (Vec<_>, Vec<_>) = tree
        .roots
        .into_iter()
        .partition(|c| is_calendar_component(&c.name));
    if calendars.is_empty() && part == Part::Whole {
        let (line, reason) = match (others.first(), first) {
            (Some(c), _) => (
                c.line,
                format!(
                    "BEGIN:{} is not a calendar (expected BEGIN:VCALENDAR)",
                    c.name
                ),
            ),
            (None, Some((line, text))) => {
                (line, format!("expected BEGIN:VCALENDAR, found '{text}'"))
            }
            (None, None) => (1, "the file is empty; expected BEGIN:VCALENDAR".to_string()),
        };
        return Err(IcsError::NotACalendar { line, reason });
    }
    for c in &others {
        warnings.push(
            c.line,
            format!("BEGIN:{} is not calendar data; ignored", c.name),
        );
    }
    Ok(calendars)
}

/// Undoes TEXT escaping (RFC 5545 §3.3.11): `\n`, `\N`, `\\`, `\;`, `\,`.
/// Other escaped punctuation (`\"`, `\:`, seen in the wild) loses its
/// backslash; a backslash before a letter is kept, as it was likely literal.
pub(crate) fn unescape_text(value: &str) -> String {
    if !value.contains('\\') {
        return value.to_string();
    }
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.peek().copied() {
            Some('n' | 'N') => {
                out.push('\n');
                chars.next();
            }
            Some(p) if p.is_ascii_punctuation() => {
                out.push(p);
                chars.next();
            }
            _ => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Top-level component names and their child counts.
    type Outline = Result<Vec<(String, usize)>, IcsError>;

    /// Parses to an outline, so results outlive the borrowed lines.
    fn parse(text: &str) -> (Outline, Vec<String>) {
        let mut w = Warnings::default();
        let lines = unfold(text.as_bytes(), &mut w);
        let r = parse_components(&lines, &mut w).map(|cs| {
            cs.iter()
                .map(|c| (c.name.to_string(), c.children.len()))
                .collect()
        });
        (r, w.finish())
    }

    fn line(text: &str) -> Result<Property<'_>, String> {
        parse_line(text, 1, &mut Warnings::default())
    }

    #[test]
    fn quoted_params_may_hold_delimiters_and_non_ascii() {
        let p = line("ORGANIZER;CN=\"acme, ädmin\":mailto:adm@x.de").expect("parses");
        assert_eq!(p.param("cn"), Some("acme, ädmin"));
        assert_eq!(p.value, "mailto:adm@x.de");
    }

    #[test]
    fn rfc6868_carets_are_decoded() {
        let p = line("X-PARAM;NEWLINE=^n;ALL=^^^'^n;UNKNOWN=^a^ ^asd:asd").expect("parses");
        assert_eq!(p.param("NEWLINE"), Some("\n"));
        assert_eq!(p.param("ALL"), Some("^\"\n"));
        assert_eq!(p.param("UNKNOWN"), Some("^a^ ^asd"));
    }

    #[test]
    fn backslash_escaped_colon_in_unquoted_cn_is_tolerated() {
        let p = line("ORGANIZER;CN=Joe Bob\\: Magician:mailto:joebob@random.net").expect("parses");
        assert_eq!(p.param("CN"), Some("Joe Bob: Magician"));
        assert_eq!(p.value, "mailto:joebob@random.net");
    }

    #[test]
    fn lowercase_names_and_multi_valued_params() {
        let p = line("attendee;delegated-to=\"a@x\",\"b@x\":mailto:c@x").expect("parses");
        assert_eq!(p.name, "ATTENDEE");
        assert_eq!(p.param("DELEGATED-TO"), Some("a@x"));
    }

    #[test]
    fn malformed_lines_are_errors_not_panics() {
        for bad in [
            "X",
            ":value",
            "URL;//",
            "A;B=\"open:x",
            "A;B=1\"x\":v",
            "A;=1:v",
            "TZIDzb",
        ] {
            assert!(line(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn folding_with_tabs_spaces_and_split_utf8() {
        let mut w = Warnings::default();
        let lines = unfold(
            b"A:ab\r\n\tcd\r\n  ef\r\nB:right\xC2\r\n \xA0here\n",
            &mut w,
        );
        assert_eq!(lines[0].text, "A:abcd ef");
        assert_eq!(lines[1].text, "B:right\u{a0}here");
        assert_eq!(lines[1].number, 4);
        assert!(w.finish().is_empty());
    }

    #[test]
    fn missing_end_is_closed_with_a_warning() {
        let (r, w) = parse("BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:1\nBEGIN:VEVENT\nUID:2\n");
        let cal = r.expect("calendar");
        assert_eq!(cal[0], ("VCALENDAR".to_string(), 2));
        assert_eq!(w.len(), 3, "{w:?}");
        assert!(
            w[0].starts_with("line 1: BEGIN:VCALENDAR is never closed"),
            "{w:?}"
        );
        assert!(
            w[1].starts_with("line 2: BEGIN:VEVENT has no END:VEVENT before line 4"),
            "{w:?}"
        );
    }

    #[test]
    fn not_a_calendar_names_the_line() {
        let (r, _) = parse("\n\n{\"json\": true}\n");
        let e = r.expect_err("not a calendar");
        assert_eq!(
            e.to_string(),
            "line 3: expected BEGIN:VCALENDAR, found '{\\\"json\\\": true}'"
        );
        let (r, _) = parse("BEGIN:VCARD\nFN:x\nEND:VCARD\n");
        assert!(r.expect_err("vcard").to_string().contains("VCARD"));
        let (r, _) = parse("");
        assert!(r.expect_err("empty").to_string().contains("empty"));
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let text = "BEGIN:VCALENDAR\n".to_string() + &"BEGIN:X\n".repeat(10_000);
        let (r, w) = parse(&text);
        assert!(r.is_ok());
        assert!(w.iter().any(|m| m.contains("nested too deeply")));
    }

    #[test]
    fn text_unescaping() {
        assert_eq!(unescape_text(r#"a\,b\;c\\d\ne\Nf\"g"#), "a,b;c\\d\ne\nf\"g");
        assert_eq!(unescape_text(r"C:\temp"), r"C:\temp");
        assert_eq!(unescape_text("trailing\\"), "trailing\\");
    }
}
