//! A note as the rules see it: its parts, its words, and what is computed
//! once and shared (stems, the sentence-and-clause reading).

use crate::reading::Reading;
use crate::text::{LineIndex, NoteParts, Span, Token, first_line, parse_note, tokenize};
use crate::words::{is_stop, stem};
use crate::{Diagnostic, Severity};

/// What a rule found: where, the message, and a suggestion if any.
pub(crate) type Finding = (Span, String, Option<String>);

/// Everything computed once per note and shared by the rules.
pub(crate) struct Note<'t> {
    pub text: &'t str,
    pub parts: NoteParts,
    pub tokens: Vec<Token>,
    /// Indices into `tokens` of the body words.
    pub body: std::ops::Range<usize>,
    /// Indices into `tokens` of a postscript's words (empty when none).
    pub ps: std::ops::Range<usize>,
    pub index: LineIndex<'t>,
    /// Per token: its stem, or `None` for a stop word. Built on first use.
    stems: std::cell::OnceCell<Vec<Option<String>>>,
    /// Sentences and clauses (`clause.rs`). Built on first use.
    reading: std::cell::OnceCell<Reading>,
}

impl<'t> Note<'t> {
    pub fn new(text: &'t str) -> Self {
        let parts = parse_note(text);
        let tokens = tokenize(text, 0..text.len());
        let lo = tokens.partition_point(|t| t.span.start < parts.body.start);
        let hi = tokens.partition_point(|t| t.span.end <= parts.body.end);
        let ps = match &parts.postscript {
            Some(p) => {
                let lo = tokens.partition_point(|t| t.span.start < p.start);
                let hi = tokens.partition_point(|t| t.span.end <= p.end);
                lo..hi.max(lo)
            }
            None => 0..0,
        };
        Note {
            text,
            parts,
            body: lo..hi.max(lo),
            ps,
            tokens,
            index: LineIndex::new(text),
            stems: std::cell::OnceCell::new(),
            reading: std::cell::OnceCell::new(),
        }
    }

    /// The note's sentences and clauses, read once.
    pub(crate) fn reading(&self) -> &Reading {
        self.reading
            .get_or_init(|| crate::reading::read(self.text, &self.tokens, self.body_words()))
    }

    /// Indices of the words the writer wrote as the message: the body, then
    /// any postscript.
    pub fn body_words(&self) -> impl Iterator<Item = usize> + '_ {
        self.body.clone().chain(self.ps.clone())
    }

    /// Whether tokens `start..end` lie within the body or the postscript.
    pub(crate) fn in_body(&self, start: usize, end: usize) -> bool {
        [&self.body, &self.ps]
            .iter()
            .any(|r| start >= r.start && end <= r.end && start < end)
    }

    /// The stem of token `i`, or `None` for a stop word.
    pub(crate) fn stem(&self, i: usize) -> Option<&str> {
        self.stems
            .get_or_init(|| {
                self.tokens
                    .iter()
                    .map(|t| (!is_stop(&t.norm)).then(|| stem(&t.norm)))
                    .collect()
            })
            .get(i)
            .and_then(|s| s.as_deref())
    }

    pub(crate) fn span_of(&self, from: usize, to_excl: usize) -> Span {
        match (
            self.tokens.get(from),
            to_excl.checked_sub(1).and_then(|i| self.tokens.get(i)),
        ) {
            (Some(a), Some(b)) if b.span.end >= a.span.start => a.span.start..b.span.end,
            (Some(a), _) => a.span.clone(),
            _ => 0..0,
        }
    }

    /// Where whole-note findings point: the first line of the body (or of the note).
    pub(crate) fn anchor(&self) -> Span {
        let s = first_line(self.text, &self.parts.body);
        if s.is_empty() {
            first_line(self.text, &(0..self.text.len()))
        } else {
            s
        }
    }

    pub(crate) fn diag(
        &self,
        rule: &str,
        severity: Severity,
        span: &Span,
        message: String,
        suggestion: Option<String>,
    ) -> Diagnostic {
        let (line, column, end_line, end_column) = self.index.range(span);
        Diagnostic {
            path: String::new(),
            rule: rule.to_string(),
            severity,
            line,
            column,
            end_line,
            end_column,
            message,
            suggestion,
        }
    }
}
