//! Reading a note: words with their byte spans, sentences, the greeting and
//! the signature, and turning byte offsets into 1-based line/char columns.
//!
//! Everything works on byte offsets that always sit on char boundaries, so
//! slicing never panics whatever the input (emoji, RTL text, CRLF, zero-width
//! characters).

use std::ops::Range;

/// A byte range into the note (`start..end`, end exclusive).
pub type Span = Range<usize>;

/// One word of a note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub span: Span,
    /// Lowercased, apostrophes made ASCII, invisible characters removed.
    pub norm: String,
    /// Written with a leading capital letter.
    pub cap: bool,
    /// Every letter is a capital (acronyms: "APAC", "QA").
    pub all_caps: bool,
    pub has_digit: bool,
    /// First word of its sentence.
    pub sentence_start: bool,
    /// Index of the sentence the word belongs to.
    pub sentence: usize,
    /// Inside quotation marks: the words are someone else's.
    pub quoted: bool,
}

/// Characters that render as nothing; they must not split or change words.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}' | '\u{FEFF}' | '\u{00AD}'
    )
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{2018}' | '\u{02BC}')
}

fn is_open_quote(c: char) -> bool {
    matches!(c, '\u{201C}' | '\u{00AB}' | '\u{201E}')
}

fn is_close_quote(c: char) -> bool {
    matches!(c, '\u{201D}' | '\u{00BB}')
}

/// How far a quotation may run before its closing mark: a quote that does
/// not close within this many characters on its line is not a quote.
const MAX_QUOTE_CHARS: usize = 320;

/// The byte ranges of `slice` that are quotations: an opening mark closed by
/// its partner on the same line within [`MAX_QUOTE_CHARS`] characters. An
/// unmatched mark (`27"`, a stray `“`) is just a character: it must not hide
/// the rest of the note from the rules. A straight `"` right after a digit is
/// an inch mark, never a quote.
fn quoted_ranges(slice: &str) -> Vec<Span> {
    let mut out = Vec::new();
    // (opening mark, byte offset after it, chars seen since)
    let mut open: Option<(char, usize, usize)> = None;
    let mut prev: Option<char> = None;
    for (i, c) in slice.char_indices() {
        if let Some(o) = open.as_mut() {
            o.2 += 1;
            if o.2 > MAX_QUOTE_CHARS {
                open = None;
            }
        }
        match c {
            '\n' => open = None,
            '"' => match open {
                Some(('"', from, _)) => {
                    out.push(from..i);
                    open = None;
                }
                _ if prev.is_some_and(|p| p.is_ascii_digit()) => {}
                Some(_) => {}
                None => open = Some(('"', i + 1, 0)),
            },
            c if is_open_quote(c) || is_close_quote(c) => match open {
                // German quotes open with „ and close with “.
                Some((o, from, _))
                    if o != '"' && (is_close_quote(c) || (o == '\u{201E}' && c == '\u{201C}')) =>
                {
                    out.push(from..i);
                    open = None;
                }
                _ if is_open_quote(c) => open = Some((c, i + c.len_utf8(), 0)),
                _ => {}
            },
            _ => {}
        }
        prev = Some(c);
    }
    out
}

/// Splits `text[range]` into words. Sentences end at `.`, `!`, `?` and blank
/// lines; quotations (see [`quoted_ranges`]) are marked so quoted words can be
/// told apart.
/// Appends `c` lowercased; ASCII, most of any note, without the Unicode tables.
fn push_lower(s: &mut String, c: char) {
    if c.is_ascii() {
        s.push(c.to_ascii_lowercase());
    } else {
        s.extend(c.to_lowercase());
    }
}

pub fn tokenize(text: &str, range: Span) -> Vec<Token> {
    let mut out = Vec::new();
    let Some(slice) = text.get(range.clone()) else {
        return out;
    };
    let base = range.start;
    let mut sentence = 0usize;
    let mut sentence_open = false;
    let quotes = quoted_ranges(slice);
    let mut next_quote = 0usize;
    let mut cur: Option<(usize, usize, String, bool, bool, bool)> = None; // start, end, norm, cap, all_caps, digit
    let mut newlines = 0u32;
    let mut chars = slice.char_indices().peekable();

    let flush = |cur: &mut Option<(usize, usize, String, bool, bool, bool)>,
                 out: &mut Vec<Token>,
                 sentence: usize,
                 sentence_open: &mut bool,
                 next_quote: &mut usize| {
        if let Some((s, e, mut norm, cap, all_caps, digit)) = cur.take() {
            // Ranges are relative to the slice and ascending, as words are.
            let rel = s - base;
            while quotes.get(*next_quote).is_some_and(|q| q.end <= rel) {
                *next_quote += 1;
            }
            let quoted = quotes
                .get(*next_quote)
                .is_some_and(|q| q.start <= rel && rel < q.end);
            // A trailing apostrophe ("candidates'") is punctuation, not part of the word.
            while norm.ends_with('\'') {
                norm.pop();
            }
            if norm.is_empty() {
                return;
            }
            out.push(Token {
                span: s..e,
                norm,
                cap,
                all_caps,
                has_digit: digit,
                sentence_start: !*sentence_open,
                sentence,
                quoted,
            });
            *sentence_open = true;
        }
    };

    while let Some((i, c)) = chars.next() {
        let at = base + i;
        if c.is_alphanumeric() {
            newlines = 0;
            match cur.as_mut() {
                Some(w) => {
                    w.1 = at + c.len_utf8();
                    push_lower(&mut w.2, c);
                    if c.is_alphabetic() && !c.is_uppercase() {
                        w.4 = false;
                    }
                    w.5 |= c.is_numeric();
                }
                None => {
                    let mut norm = String::with_capacity(8);
                    push_lower(&mut norm, c);
                    cur = Some((
                        at,
                        at + c.len_utf8(),
                        norm,
                        c.is_uppercase(),
                        c.is_uppercase(),
                        c.is_numeric(),
                    ));
                }
            }
            continue;
        }
        if is_invisible(c) {
            continue;
        }
        if is_apostrophe(c) && cur.is_some() {
            // Keep it only between letters ("don't"); otherwise it ends the word.
            if chars.peek().is_some_and(|(_, n)| n.is_alphanumeric()) {
                if let Some(w) = cur.as_mut() {
                    w.2.push('\'');
                }
                continue;
            }
        }
        flush(
            &mut cur,
            &mut out,
            sentence,
            &mut sentence_open,
            &mut next_quote,
        );
        match c {
            '.' | '!' | '?' | '…' => {
                if sentence_open {
                    sentence += 1;
                    sentence_open = false;
                }
            }
            '\n' => {
                newlines += 1;
                if newlines >= 2 && sentence_open {
                    sentence += 1;
                    sentence_open = false;
                }
            }
            c if c.is_whitespace() => {}
            _ => newlines = 0,
        }
    }
    flush(
        &mut cur,
        &mut out,
        sentence,
        &mut sentence_open,
        &mut next_quote,
    );
    out
}

/// The parts of a note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteParts {
    pub greeting: Option<Greeting>,
    /// What lies between greeting and signature.
    pub body: Span,
    /// From the closing ("Best,") to the end, or to a postscript.
    pub signature: Option<Span>,
    /// The words of a postscript ("P.S. …", "PS: …") after the signature,
    /// without its marker: body text the rules check like the rest.
    pub postscript: Option<Span>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Greeting {
    /// The whole greeting, salutation word through its punctuation.
    pub span: Span,
    /// "Dear", "Hi", … (empty when the note opens with a bare name).
    pub salutation: String,
    /// "Dr", "Ms", … when one precedes the name.
    pub honorific: Option<String>,
    /// The words naming someone, without honorifics or "and".
    pub names: Vec<NameWord>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameWord {
    /// As written, invisible characters removed.
    pub text: String,
    pub span: Span,
}

const SALUTATIONS: &[&str] = &[
    "good morning",
    "good afternoon",
    "good evening",
    "greetings",
    "hello",
    "dear",
    "hiya",
    "hey",
    "hi",
];

const HONORIFICS: &[&str] = &[
    "mr",
    "mrs",
    "ms",
    "miss",
    "mx",
    "dr",
    "prof",
    "professor",
    "sir",
    "madam",
];

/// Words in a greeting that address a group or a role, not a person.
const NOT_NAMES: &[&str] = &[
    "all",
    "and",
    "there",
    "team",
    "everyone",
    "everybody",
    "folks",
    "friends",
    "hiring",
    "manager",
    "managers",
    "committee",
    "panel",
    "recruiter",
    "recruiting",
    "recruitment",
    "colleagues",
    "to",
    "whom",
    "it",
    "may",
    "concern",
    "the",
    "again",
    "both",
    "you",
    "y'all",
];

const CLOSINGS: &[&str] = &[
    "best",
    "best regards",
    "best wishes",
    "all the best",
    "kind regards",
    "kindest regards",
    "warm regards",
    "warmest regards",
    "warm wishes",
    "regards",
    "many thanks",
    "thanks",
    "thanks again",
    "thanks so much",
    "thank you",
    "thank you again",
    "with thanks",
    "with gratitude",
    "gratefully",
    "sincerely",
    "yours sincerely",
    "sincerely yours",
    "yours truly",
    "yours faithfully",
    "respectfully",
    "cheers",
    "warmly",
    "take care",
    "talk soon",
];

fn lines(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if c == '\n' {
            out.push(start..i);
            start = i + 1;
        }
    }
    if start < text.len() {
        out.push(start..text.len());
    }
    out
}

/// Letters only, lowercased: the shape used to recognise salutations and closings.
fn simplify(s: &str) -> String {
    let mut out = String::new();
    let mut space = false;
    for c in s.chars() {
        if c.is_alphabetic() || is_apostrophe(c) {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.extend(c.to_lowercase());
        } else if !is_invisible(c) {
            // Spaces, punctuation and dashes all separate words.
            space = true;
        }
    }
    out
}

fn trim_span(text: &str, span: Span) -> Span {
    let Some(s) = text.get(span.clone()) else {
        return span;
    };
    let lead = s.len() - s.trim_start().len();
    let trail = s.len() - s.trim_end().len();
    if lead == s.len() {
        return span.start..span.start;
    }
    span.start + lead..span.end - trail
}

/// Finds the greeting, body and signature of a note (plain text or Markdown).
pub fn parse_note(text: &str) -> NoteParts {
    let lines = lines(text);
    let non_blank: Vec<&Span> = lines
        .iter()
        .filter(|l| {
            // Same test as `!simplify(s).is_empty()`, without building the string.
            text.get((*l).clone())
                .is_some_and(|s| s.chars().any(|c| c.is_alphabetic() || is_apostrophe(c)))
        })
        .collect();

    let mut greeting = None;
    let mut body_start = 0;
    let mut first = non_blank.first().copied();
    // A "Subject:" header line is not the greeting.
    if let Some(l) = first
        && text
            .get(l.clone())
            .is_some_and(|s| s.trim_start().to_lowercase().starts_with("subject:"))
    {
        body_start = (l.end + 1).min(text.len());
        first = non_blank.get(1).copied();
    }
    if let Some(l) = first
        && let Some(g) = parse_greeting(text, l.clone())
    {
        body_start = g.span.end;
        greeting = Some(g);
    }

    let mut signature = None;
    let mut body_end = text.len();
    // The closing is one of the last few non-blank lines; what follows is a name and contacts.
    let tail = non_blank.len().saturating_sub(6);
    for l in non_blank.iter().skip(tail) {
        if l.start < body_start {
            continue;
        }
        let Some(s) = text.get((*l).clone()) else {
            continue;
        };
        let t = s.trim();
        // Closings are short: paragraphs are not simplified just to be told so.
        let is_closing = t.chars().count() <= 40 && CLOSINGS.contains(&simplify(s).as_str());
        if is_closing || t == "--" || t == "—" {
            signature = Some(l.start..text.len());
            body_end = l.start;
            break;
        }
    }
    // A postscript after the signature is still the writer speaking.
    let mut postscript = None;
    if let Some(sig) = signature.clone() {
        let after_closing = non_blank.iter().filter(|l| l.start > sig.start);
        for l in after_closing {
            if let Some(from) = postscript_start(text, (*l).clone()) {
                signature = Some(trim_span(text, sig.start..l.start));
                postscript = Some(trim_span(text, from..text.len()));
                break;
            }
        }
    }
    let body = trim_span(text, body_start.min(body_end)..body_end);
    NoteParts {
        greeting,
        body,
        signature,
        postscript,
    }
}

/// Where the words of a postscript start, when `line` opens with a
/// postscript marker: "P.S.", "PS:", "P. S.", "PPS", "P.P.S. -" and the like.
fn postscript_start(text: &str, line: Span) -> Option<usize> {
    let s = text.get(line.clone())?;
    let lead = s.len()
        - s.trim_start_matches(|c: char| {
            c.is_whitespace() || matches!(c, '>' | '*' | '_') || is_invisible(c)
        })
        .len();
    let mut letters = String::new();
    let mut end = lead;
    for (i, c) in s[lead..].char_indices() {
        match c {
            'p' | 'P' | 's' | 'S' => letters.push(c.to_ascii_lowercase()),
            '.' | ' ' => {}
            _ => break,
        }
        end = lead + i + c.len_utf8();
        // "PS" then a space and a word starting with p or s ("PS please…")
        // must stop at the marker.
        if letters.ends_with('s') && (c == ' ' || c == '.') {
            break;
        }
    }
    if !matches!(letters.as_str(), "ps" | "pps") {
        return None;
    }
    let rest = &s[end..];
    // "PS" must be a word of its own: not "Psychology", not "PSA".
    let marker = &s[lead..end];
    if rest.chars().next().is_some_and(char::is_alphanumeric) && !marker.ends_with(['.', ' ']) {
        return None;
    }
    let skip = rest.len()
        - rest
            .trim_start_matches(|c: char| {
                c.is_whitespace() || matches!(c, ':' | '-' | '–' | '—' | ',' | '*' | '_')
            })
            .len();
    Some(line.start + end + skip)
}

fn parse_greeting(text: &str, line: Span) -> Option<Greeting> {
    let s = text.get(line.clone())?;
    // Skip Markdown decoration and leading spaces.
    let lead = s
        .char_indices()
        .find(|(_, c)| {
            !(c.is_whitespace() || matches!(c, '#' | '>' | '*' | '_') || is_invisible(*c))
        })
        .map(|(i, _)| i)?;
    let rest = &s[lead..];
    let lower = rest.to_lowercase();
    let mut salutation = String::new();
    let mut after = 0;
    for sal in SALUTATIONS {
        if lower.starts_with(sal) && rest.is_char_boundary(sal.len()) {
            let next = rest[sal.len()..].chars().next();
            if next.is_none_or(|c| !c.is_alphanumeric()) {
                salutation = rest[..sal.len()].to_string();
                after = sal.len();
                break;
            }
        }
    }
    let start = line.start + lead;
    // The names run to the first punctuation that ends a salutation.
    let names_from = start + after;
    let region = text.get(names_from..line.end)?;
    let mut end_rel = region.len();
    let mut term_len = 0;
    for (i, c) in region.char_indices() {
        if matches!(c, ',' | ':' | ';' | '!' | '—' | '–') || (c == '-' && i > 0) {
            end_rel = i;
            term_len = c.len_utf8();
            break;
        }
    }
    let names_span = names_from..names_from + end_rel;
    let words = tokenize(text, names_span.clone());
    if salutation.is_empty() {
        // A bare "Marie," line: one to three capitalised words and a comma.
        if term_len == 0 || words.is_empty() || words.len() > 3 || !words.iter().all(|w| w.cap) {
            return None;
        }
        let trailing = text.get(names_from + end_rel + term_len..line.end)?;
        if !trailing.trim().is_empty() {
            return None;
        }
    } else if words.len() > 6 {
        // "Hi everyone who joined the call today and …": not a greeting we can read.
        return None;
    }
    let mut honorific = None;
    let mut names = Vec::new();
    for w in &words {
        if HONORIFICS.contains(&w.norm.as_str()) {
            honorific = Some(text.get(w.span.clone()).unwrap_or_default().to_string());
            continue;
        }
        if NOT_NAMES.contains(&w.norm.as_str()) || w.has_digit {
            continue;
        }
        let raw = text.get(w.span.clone()).unwrap_or_default();
        names.push(NameWord {
            text: raw.chars().filter(|c| !is_invisible(*c)).collect(),
            span: w.span.clone(),
        });
    }
    // A greeting ends with its punctuation; without any, the line ends it.
    let end = if term_len > 0 {
        names_from + end_rel + term_len
    } else {
        line.end
    };
    Some(Greeting {
        span: start..end,
        salutation,
        honorific,
        names,
    })
}

/// Maps byte offsets to 1-based line and character columns.
///
/// Char counts are kept at checkpoints every few KB, so a position in a
/// megabyte-long line costs a short scan, not a scan from the line start.
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
    /// (byte offset on a char boundary, chars before it), ascending.
    checkpoints: Vec<(usize, usize)>,
}

const CHECKPOINT: usize = 4096;

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        let mut checkpoints = vec![(0, 0)];
        if text.len() > CHECKPOINT {
            let mut next = CHECKPOINT;
            for (chars, (i, _)) in text.char_indices().enumerate() {
                if i >= next {
                    checkpoints.push((i, chars));
                    next = i + CHECKPOINT;
                }
            }
        }
        LineIndex {
            text,
            starts,
            checkpoints,
        }
    }

    /// Characters before the char boundary at or before `byte`.
    fn chars_before(&self, byte: usize) -> usize {
        let k = self.checkpoints.partition_point(|(b, _)| *b <= byte);
        let (b, c) = self
            .checkpoints
            .get(k.saturating_sub(1))
            .copied()
            .unwrap_or((0, 0));
        c + self
            .text
            .get(b..byte)
            .map(|s| s.chars().count())
            .unwrap_or_else(|| {
                // Not a boundary: count up to the boundary before it.
                let mut e = byte.min(self.text.len());
                while e > b && !self.text.is_char_boundary(e) {
                    e -= 1;
                }
                self.text.get(b..e).map(|s| s.chars().count()).unwrap_or(0)
            })
    }

    /// Line and column of the character starting at `byte`.
    pub fn position(&self, byte: usize) -> (usize, usize) {
        let byte = byte.min(self.text.len());
        let line = match self.starts.binary_search(&byte) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.starts.get(line).copied().unwrap_or(0);
        let col = self
            .chars_before(byte)
            .saturating_sub(self.chars_before(start));
        (line + 1, col + 1)
    }

    /// 1-based inclusive start and end of a span; an empty span covers one column.
    pub fn range(&self, span: &Span) -> (usize, usize, usize, usize) {
        let (l, c) = self.position(span.start);
        if span.end <= span.start {
            return (l, c, l, c);
        }
        let last = self
            .text
            .get(..span.end.min(self.text.len()))
            .and_then(|s| s.char_indices().next_back())
            .map(|(i, _)| i)
            .unwrap_or(span.start)
            .max(span.start);
        let (el, ec) = self.position(last);
        (l, c, el, ec)
    }
}

/// The first line of `span`, trimmed: where whole-note findings point.
pub fn first_line(text: &str, span: &Span) -> Span {
    let s = text.get(span.clone()).unwrap_or_default();
    let end = s.find('\n').map(|i| span.start + i).unwrap_or(span.end);
    let t = trim_span(text, span.start..end);
    let t = if t.end > t.start && text.get(t.end - 1..t.end) == Some("\r") {
        t.start..t.end - 1
    } else {
        t
    };
    if t.is_empty() {
        span.start..span.start
    } else {
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        tokenize(s, 0..s.len())
            .into_iter()
            .map(|t| t.norm)
            .collect()
    }

    #[test]
    fn tokens_keep_contractions_and_drop_invisible_characters() {
        assert_eq!(words("I’m Ma\u{200B}rie's"), vec!["i'm", "marie's"]);
        assert_eq!(words("follow-up ASAP!"), vec!["follow", "up", "asap"]);
    }

    #[test]
    fn sentences_and_quotes_are_tracked() {
        let s = "One two. Three \"four five\" six";
        let t = tokenize(s, 0..s.len());
        assert_eq!(t[2].sentence, 1);
        assert!(t[2].sentence_start);
        assert!(t[3].quoted && t[4].quoted && !t[5].quoted);
    }

    #[test]
    fn an_unmatched_quote_mark_quotes_nothing() {
        let quoted = |s: &str| -> Vec<String> {
            tokenize(s, 0..s.len())
                .into_iter()
                .filter(|t| t.quoted)
                .map(|t| t.norm)
                .collect()
        };
        // An inch mark, and a stray opening mark: the rest of the note is the writer's.
        assert!(quoted("A 27\" screen.\n\nWhat is the salary?").is_empty());
        assert!(quoted("The “top priority.\n\nWhat is the salary?").is_empty());
        assert!(quoted("The “top priority. What is the salary?").is_empty());
        // A quote left open until far along the line is no quote either.
        let long = format!("She said \"{} pay\" once", "word ".repeat(80));
        assert!(quoted(&long).is_empty());
        // Closed quotes still count, straight, curly and German.
        assert_eq!(quoted("He said “top pay.” Then"), vec!["top", "pay"]);
        assert_eq!(
            quoted("Er sagte „gutes Gehalt“ dann"),
            vec!["gutes", "gehalt"]
        );
        assert_eq!(quoted("a 27\" screen and \"pay\" x"), vec!["pay"]);
    }

    #[test]
    fn greetings_and_signatures_are_found() {
        let note = "Hello Dr. Chen,\n\nThanks for today.\n\nBest,\nSam";
        let p = parse_note(note);
        let g = p.greeting.expect("greeting");
        assert_eq!(g.honorific.as_deref(), Some("Dr"));
        assert_eq!(g.names[0].text, "Chen");
        assert_eq!(&note[p.body.clone()], "Thanks for today.");
        assert_eq!(&note[p.signature.expect("sig")], "Best,\nSam");

        let note = "Hi Raj — thank you!\r\nKind regards\r\nSam";
        let p = parse_note(note);
        assert_eq!(p.greeting.expect("greeting").names[0].text, "Raj");
        assert_eq!(&note[p.body.clone()], "thank you!");
    }

    #[test]
    fn a_postscript_after_the_signature_is_body_text() {
        for (note, ps) in [
            (
                "Dear Marie,\n\nThanks for today.\n\nBest,\nSam\n\nP.S. What is the salary range?\n",
                "What is the salary range?",
            ),
            (
                "Hi Raj,\nThanks for today.\nBest,\nSam\nPS: reply ASAP",
                "reply ASAP",
            ),
            (
                "Hi Raj,\nThanks for today.\nBest,\nSam\nP. S. - one more",
                "one more",
            ),
            ("Hi Raj,\nThanks for today.\nBest,\nSam\nPPS Two", "Two"),
            (
                "Hi Raj,\nThanks for today.\nBest,\nSam\nps please reply",
                "please reply",
            ),
        ] {
            let p = parse_note(note);
            let span = p
                .postscript
                .unwrap_or_else(|| panic!("no postscript in {note:?}"));
            assert_eq!(&note[span], ps, "{note:?}");
            assert_eq!(&note[p.signature.expect("sig")], "Best,\nSam", "{note:?}");
        }
        for note in [
            "Hi Raj,\nThanks for today.\nBest,\nSam\nPsychology graduate",
            "Hi Raj,\nThanks for today.\nBest,\nSam\nPSA Corp",
            "Hi Raj,\nThanks for today.\nBest,\nSam Rivera\n+1 555 0100",
        ] {
            assert_eq!(parse_note(note).postscript, None, "{note:?}");
        }
    }

    #[test]
    fn group_greetings_name_nobody() {
        let p = parse_note("Dear Hiring Team,\nHello");
        assert!(p.greeting.expect("greeting").names.is_empty());
    }

    #[test]
    fn columns_count_characters() {
        let s = "ab\né😀x";
        let idx = LineIndex::new(s);
        let x = s.find('x').expect("x");
        assert_eq!(idx.position(x), (2, 3));
        assert_eq!(idx.range(&(3..x)), (2, 1, 2, 2));
    }
}
