//! Reading a streamed exchange document one application at a time.
//!
//! serde_json reads a stream one byte at a time, through `io::Read`, and
//! copies every string byte by byte: at 100,000 applications that is a
//! third of the parse thread. A [`Splicer`] is the stream's buffer. serde_json
//! still reads the document's frame through it (the format tag, the
//! profile, the brackets and commas between applications), so every error
//! there is serde_json's own, but each application's bytes are found with a
//! small scanner ([`Splicer::scan`]: strings, escapes, nesting) and parsed
//! as one slice, which serde_json does several times faster.
//!
//! Positions: an error inside an application is the slice's, moved by
//! where the slice starts ([`shift`]); the same line and column the
//! whole-text parser gives. serde_json's own count, for an error of the
//! frame, misses the bytes handed out as slices: the splicer counts both
//! its count and the file's, and moves such an error past the last slice
//! ([`Splicer::in_file`]).
//!
//! Memory: the scanner looks at most `limit` bytes ahead. An application
//! bigger than that (or nested deeper than [`MAX_DEPTH`], or behind a read
//! error) is left to serde_json, which reads it from the buffer and then
//! the stream as before: slower, never refused.

use std::io::{self, Read};

/// How far ahead the scanner looks for the end of one application.
pub(super) const LOOK_AHEAD: usize = 16 << 20;

/// How much of the stream one read asks for.
const CHUNK: usize = 256 << 10;

/// Nesting the scanner follows inside one application. An application is
/// a few levels deep; deeper ones (a broken file) are left to serde_json,
/// whose recursion limit counts from the document's top.
const MAX_DEPTH: usize = 64;

/// The bytes [`Splicer::scan`] stops at, inside a string and outside one.
const IN_STRING: u8 = 1;
const OUTSIDE: u8 = 2;
const STOPS: [u8; 256] = {
    let mut t = [0u8; 256];
    t[b'"' as usize] = IN_STRING | OUTSIDE;
    t[b'\\' as usize] = IN_STRING;
    t[b'{' as usize] = OUTSIDE;
    t[b'}' as usize] = OUTSIDE;
    t[b'[' as usize] = OUTSIDE;
    t[b']' as usize] = OUTSIDE;
    t
};

/// Where the value that starts at the last byte handed out ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Scan {
    /// Its closing bracket is at this index of the buffer.
    Closed(usize),
    /// The stream ends first: a truncated document.
    Truncated,
    /// Too big, too deep, or a read failed: serde_json reads it.
    Slow,
}

pub(super) struct Splicer<'r> {
    inner: Box<dyn Read + 'r>,
    /// Bytes read from `inner`; `buf[pos..]` are not handed out yet, and
    /// `buf[pos - 1]` is the last one handed out (kept when the buffer is
    /// compacted, so a value's first byte stays in it).
    buf: Vec<u8>,
    pos: usize,
    eof: bool,
    /// A read error met while scanning ahead, for serde_json to meet in
    /// its turn.
    failed: Option<io::Error>,
    /// The last byte handed out, counted as serde_json counts: line from
    /// 1, column in bytes from the line's start (0 right after a newline).
    real: (usize, usize),
    /// The same for serde_json's own count, which misses the values
    /// handed out as slices.
    view: (usize, usize),
    /// The last value handed out as a slice: its opening bracket in
    /// serde_json's count, its last byte but the closing one in the file's.
    anchor: Option<((usize, usize), (usize, usize))>,
    limit: usize,
}

impl<'r> Splicer<'r> {
    pub(super) fn new(inner: impl Read + 'r, limit: usize) -> Self {
        Splicer {
            inner: Box::new(inner),
            buf: Vec::with_capacity(CHUNK),
            pos: 0,
            eof: false,
            failed: None,
            real: (1, 0),
            view: (1, 0),
            anchor: None,
            limit,
        }
    }

    /// Line and column in the file of the last byte handed out.
    #[cfg(test)]
    fn position(&self) -> (usize, usize) {
        self.real
    }

    /// A place as serde_json counts it (`line()`, `column()` of its error)
    /// as a place in the file: serde_json did not see the bytes of the
    /// values handed out as slices. Its errors come after the last of them
    /// (an error inside one is the slice's own).
    pub(super) fn in_file(&self, line: usize, column: usize) -> (usize, usize) {
        match self.anchor {
            Some((view, real)) if (line, column) > view => {
                if line == view.0 {
                    (real.0, real.1 + column - view.1)
                } else {
                    (real.0 + line - view.0, column)
                }
            }
            _ => (line, column),
        }
    }

    /// The last byte handed out.
    pub(super) fn last(&self) -> Option<u8> {
        self.pos.checked_sub(1).map(|i| self.buf[i])
    }

    /// Reads more of the stream after what the buffer holds; false at its
    /// end. Drops what was handed out but the last byte.
    fn fill(&mut self) -> io::Result<bool> {
        if let Some(e) = self.failed.take() {
            return Err(e);
        }
        if self.eof {
            return Ok(false);
        }
        let keep = self.pos.saturating_sub(1);
        if keep > 0 {
            self.buf.drain(..keep);
            self.pos -= keep;
        }
        let start = self.buf.len();
        self.buf.resize(start + CHUNK, 0);
        let read = loop {
            match self.inner.read(&mut self.buf[start..]) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                other => break other,
            }
        };
        let n = *read.as_ref().unwrap_or(&0);
        self.buf.truncate(start + n);
        self.eof = n == 0;
        read.map(|n| n > 0)
    }

    /// Hands out `n` more bytes to serde_json.
    fn advance(&mut self, n: usize) {
        let taken = &self.buf[self.pos..self.pos + n];
        count(&mut self.real, taken);
        count(&mut self.view, taken);
        self.pos += n;
    }

    /// Finds the end of the object or list whose opening bracket was the
    /// last byte handed out, reading ahead as far as [`LOOK_AHEAD`] allows;
    /// hands out nothing.
    pub(super) fn scan(&mut self) -> Scan {
        let mut depth = 1usize;
        let mut in_string = false;
        let mut escaped = false;
        let mut i = self.pos;
        loop {
            if i >= self.buf.len() {
                if self.buf.len() - self.pos >= self.limit {
                    return Scan::Slow;
                }
                let before = self.pos;
                match self.fill() {
                    Ok(true) => {}
                    Ok(false) => return Scan::Truncated,
                    Err(e) => {
                        self.failed = Some(e);
                        return Scan::Slow;
                    }
                }
                // `fill` moved what was not handed out to the front.
                i -= before - self.pos;
                continue;
            }
            if escaped {
                // The byte after a backslash, whatever it is.
                escaped = false;
                i += 1;
                continue;
            }
            // Skip to the next byte that matters where we are.
            let stop = if in_string { IN_STRING } else { OUTSIDE };
            match self.buf[i..]
                .iter()
                .position(|&b| STOPS[usize::from(b)] & stop != 0)
            {
                None => {
                    i = self.buf.len();
                    continue;
                }
                Some(k) => i += k,
            }
            match self.buf[i] {
                b'\\' => escaped = true,
                b'"' => in_string = !in_string,
                b'{' | b'[' => {
                    depth += 1;
                    if depth > MAX_DEPTH {
                        return Scan::Slow;
                    }
                }
                // `}` or `]`
                _ => {
                    depth -= 1;
                    if depth == 0 {
                        if i - self.pos >= self.limit {
                            return Scan::Slow;
                        }
                        return Scan::Closed(i);
                    }
                }
            }
            i += 1;
        }
    }

    /// The value [`scan`](Self::scan) found, from its opening bracket (the
    /// last byte handed out) to its closing one, or to the end of the
    /// stream; with the place of its first byte.
    pub(super) fn value(&self, scan: Scan) -> (&[u8], (usize, usize)) {
        let end = match scan {
            Scan::Closed(i) => i + 1,
            Scan::Truncated | Scan::Slow => self.buf.len(),
        };
        (&self.buf[self.pos - 1..end], self.real)
    }

    /// Hands out the value [`scan`](Self::scan) found but its closing
    /// bracket, which serde_json takes as the end of the (empty) object it
    /// believes it read.
    pub(super) fn skip_value(&mut self, scan: Scan) {
        let end = match scan {
            Scan::Closed(i) => i,
            Scan::Truncated | Scan::Slow => self.buf.len(),
        };
        count(&mut self.real, &self.buf[self.pos..end]);
        self.pos = end;
        self.anchor = Some((self.view, self.real));
    }
}

/// `at`, a place counted as serde_json counts, moved over `bytes`.
fn count(at: &mut (usize, usize), bytes: &[u8]) {
    // A count the compiler vectorizes; most documents are one line.
    let lines = bytes.iter().filter(|&&b| b == b'\n').count();
    if lines == 0 {
        at.1 += bytes.len();
    } else {
        at.0 += lines;
        at.1 = bytes.iter().rev().take_while(|&&b| b != b'\n').count();
    }
}

/// serde_json's reader: the splicer's bytes, as they are asked for.
pub(super) struct SpliceRead<'s, 'r>(pub(super) &'s std::cell::RefCell<Splicer<'r>>);

impl Read for SpliceRead<'_, '_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        let mut s = self.0.borrow_mut();
        if s.pos == s.buf.len() && !s.fill()? {
            return Ok(0);
        }
        let n = out.len().min(s.buf.len() - s.pos);
        out[..n].copy_from_slice(&s.buf[s.pos..s.pos + n]);
        s.advance(n);
        Ok(n)
    }
}

/// A value's line and column in the whole file from its line and column in
/// its own slice, whose first byte is at `origin` (as serde_json counts:
/// the column of a slice's first byte is 1).
pub(super) fn shift(origin: (usize, usize), line: usize, column: usize) -> (usize, usize) {
    if line <= 1 {
        (origin.0, origin.1 - 1 + column)
    } else {
        (origin.0 + line - 1, column)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opened(text: &str, limit: usize) -> Splicer<'_> {
        let mut s = Splicer::new(text.as_bytes(), limit);
        // Hand out the opening bracket as serde_json would.
        assert!(s.fill().expect("in memory"));
        s.advance(1);
        s
    }

    #[test]
    fn the_scanner_follows_strings_escapes_and_nesting() {
        let text = r#"{"a":"}\"]{","b":[{"c":"\\"}],"d":{}} ,{"e":1}"#;
        let mut s = opened(text, LOOK_AHEAD);
        let scan = s.scan();
        let end = text.find(" ,").expect("in the text") - 1;
        assert_eq!(scan, Scan::Closed(end));
        assert_eq!(s.value(scan).0, &text.as_bytes()[..=end]);
        s.skip_value(scan);
        assert_eq!(s.position(), (1, end));
    }

    #[test]
    fn the_scanner_stops_at_the_end_of_the_stream_and_at_its_limit() {
        let mut s = opened(r#"{"a":"b"#, LOOK_AHEAD);
        assert_eq!(s.scan(), Scan::Truncated);
        let long = format!(r#"{{"a":"{}"}}"#, "x".repeat(3 * CHUNK));
        assert_eq!(opened(&long, CHUNK).scan(), Scan::Slow);
        assert_eq!(
            opened(&long, 4 * CHUNK).scan(),
            Scan::Closed(long.len() - 1)
        );
        let deep = format!("{}{}", "[".repeat(100), "]".repeat(100));
        assert_eq!(opened(&deep, CHUNK).scan(), Scan::Slow);
    }

    #[test]
    fn lines_and_columns_are_counted_as_serde_json_counts_them() {
        let mut s = opened("{\n  \"a\": 1,\n  \"bc\": 2\n}", LOOK_AHEAD);
        let scan = s.scan();
        s.skip_value(scan);
        assert_eq!(s.position(), (4, 0));
        // serde_json saw `{` then sees `}`: its (1, 2) is the file's (4, 1).
        assert_eq!(s.in_file(1, 2), (4, 1));
        assert_eq!(s.in_file(2, 5), (5, 5));
        assert_eq!(shift((3, 7), 1, 1), (3, 7));
        assert_eq!(shift((3, 7), 2, 4), (4, 4));
    }
}
