//! Text that comes in from outside (notes, CSV exports, calendar files,
//! uploads) as bytes: decoded once here, so no front end ever replaces
//! what it cannot read with U+FFFD behind the user's back.
//!
//! - A byte-order mark (UTF-8, UTF-16 LE/BE) is honoured and dropped.
//! - Valid UTF-8 is taken as it is.
//! - Anything else is given to `chardetng` (the detector Firefox uses for
//!   legacy web pages) and decoded with `encoding_rs`; the caller is told
//!   which encoding was assumed, to say so on stderr or in the page.
//! - Bytes that decode to control characters other than tab, line feed,
//!   carriage return and form feed are not text (a PDF, a Word file, a
//!   UTF-16 file without its mark): refused with the place of the first one.

use std::borrow::Cow;
use std::fmt;

/// A file's text and, when it was not UTF-8, the name of the encoding it
/// was read as (`windows-1252`, `UTF-16LE`, `Shift_JIS`…).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded<'a> {
    pub text: Cow<'a, str>,
    pub encoding: Option<&'static str>,
}

/// Why bytes are not text Debrief can read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// A control character that no text file holds (NUL, ESC…), as read,
    /// on a 1-based line.
    Binary {
        line: usize,
        char: char,
        encoding: Option<&'static str>,
    },
    /// The bytes are not valid in the encoding their byte-order mark names.
    Malformed { encoding: &'static str },
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::Binary {
                line,
                char,
                encoding,
            } => {
                write!(
                    f,
                    "this does not look like a text file: line {line} holds the control character U+{:04X}",
                    u32::from(*char)
                )?;
                if let Some(e) = encoding
                    && !char.is_ascii()
                {
                    write!(f, " when read as {e}")?;
                }
                f.write_str("; save it as plain text (UTF-8) and try again")
            }
            DecodeError::Malformed { encoding } => write!(
                f,
                "the file says it is {encoding} (byte-order mark) but is not; save it as plain text (UTF-8) and try again"
            ),
        }
    }
}

impl std::error::Error for DecodeError {}

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// `bytes` without a leading UTF-8 byte-order mark.
pub fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes)
}

/// `text` without a leading byte-order mark.
pub fn strip_bom_str(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// A control character no text file holds: C0 except tab, line feed,
/// form feed and carriage return; DEL; C1.
pub fn is_binary_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{0C}')
}

/// A legacy encoding guessed from a sample of bytes that are not UTF-8.
#[derive(Debug, Clone, Copy)]
pub struct Legacy(&'static encoding_rs::Encoding);

impl Legacy {
    /// Guesses the encoding of `sample` (UTF-8 is not a candidate).
    pub fn detect(sample: &[u8]) -> Legacy {
        let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
        detector.feed(sample, true);
        Legacy(detector.guess(None, chardetng::Utf8Detection::Deny))
    }

    /// `windows-1252`, `Shift_JIS`…
    pub fn name(self) -> &'static str {
        self.0.name()
    }

    /// `bytes` in this encoding, or `None` when some of them are not valid
    /// in it (never a U+FFFD in their place).
    pub fn decode(self, bytes: &[u8]) -> Option<String> {
        let (text, malformed) = self.0.decode_without_bom_handling(bytes);
        (!malformed).then(|| text.into_owned())
    }
}

/// Reads `bytes` as text (see the module's description).
pub fn decode(bytes: &[u8]) -> Result<Decoded<'_>, DecodeError> {
    let (text, encoding) = if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, malformed) = enc.decode_without_bom_handling(&bytes[bom..]);
        if malformed {
            return Err(DecodeError::Malformed {
                encoding: enc.name(),
            });
        }
        (text, (enc != encoding_rs::UTF_8).then(|| enc.name()))
    } else if let Ok(text) = std::str::from_utf8(bytes) {
        (Cow::Borrowed(text), None)
    } else {
        let enc = Legacy::detect(bytes).0;
        let (text, malformed) = enc.decode_without_bom_handling(bytes);
        if malformed {
            // The detector's best guess still leaves bytes it cannot map:
            // a binary file, or text in no encoding it knows.
            let line = text
                .split('\n')
                .position(|l| l.contains('\u{FFFD}'))
                .map_or(1, |i| i + 1);
            return Err(
                first_binary(&text, Some(enc.name())).unwrap_or(DecodeError::Binary {
                    line,
                    char: '\u{FFFD}',
                    encoding: Some(enc.name()),
                }),
            );
        }
        (text, Some(enc.name()))
    };
    if let Some(e) = first_binary(&text, encoding) {
        return Err(e);
    }
    Ok(Decoded { text, encoding })
}

fn first_binary(text: &str, encoding: Option<&'static str>) -> Option<DecodeError> {
    text.lines().enumerate().find_map(|(i, line)| {
        line.chars()
            .find(|&c| is_binary_control(c))
            .map(|c| DecodeError::Binary {
                line: i + 1,
                char: c,
                encoding,
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_is_borrowed_and_a_bom_is_dropped() {
        let d = decode("Dear Marie,\n".as_bytes()).expect("text");
        assert!(matches!(d.text, Cow::Borrowed(_)));
        assert_eq!(d.encoding, None);
        let d = decode(b"\xEF\xBB\xBFDear Marie,\n").expect("text");
        assert_eq!(d.text, "Dear Marie,\n");
        assert_eq!(d.encoding, None);
    }

    #[test]
    fn windows_1252_is_detected_and_named() {
        // "Thank you for the café — it was lovely, Zoë." in Windows-1252.
        let bytes = b"Dear Marie,\n\nThank you for the caf\xE9 \x97 it was lovely.\nZo\xEB\n";
        let d = decode(bytes).expect("text");
        assert_eq!(d.encoding, Some("windows-1252"));
        assert!(d.text.contains("café — it was lovely"), "{}", d.text);
        assert!(d.text.contains("Zoë"));
        assert!(!d.text.contains('\u{FFFD}'));
    }

    #[test]
    fn utf16_with_a_mark_is_read() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "Hi Zoë".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        let d = decode(&bytes).expect("text");
        assert_eq!(d.text, "Hi Zoë");
        assert_eq!(d.encoding, Some("UTF-16LE"));
    }

    #[test]
    fn binary_is_refused_with_its_line() {
        let e = decode(b"line one\nline\x00two\n").expect_err("binary");
        assert_eq!(
            e,
            DecodeError::Binary {
                line: 2,
                char: '\0',
                encoding: None
            }
        );
        assert!(e.to_string().contains("U+0000"), "{e}");
        // A PNG's header.
        assert!(decode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR").is_err());
    }

    const REPLACEMENT: char = '\u{FFFD}';

    proptest::proptest! {
        #[test]
        fn never_panics_and_never_invents_replacement_characters(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..300)) {
            if let Ok(d) = decode(&bytes) {
                let marked = encoding_rs::Encoding::for_bom(&bytes).is_some();
                let utf8 = std::str::from_utf8(&bytes).is_ok();
                proptest::prop_assert!(marked || utf8 || !d.text.contains(REPLACEMENT));
                proptest::prop_assert!(!d.text.chars().any(is_binary_control));
            }
        }
    }
}
