//! A [`Moment`]'s two forms written and read without going through
//! jiff's general printer or serde's tuples: the RFC 3339 text of the
//! exchange format (for the common case: a year of four digits, whole
//! seconds, an offset of whole minutes; anything else is left to jiff)
//! and the packed numbers of the SQLite store's load images (fixed
//! widths).

use super::Moment;

/// The longest text [`rfc3339`] writes: `9999-12-31T23:59:59+25:59`.
pub(super) const TEXT: usize = 25;

/// `m` as jiff's `display_with_offset` writes it
/// (`2026-11-20T10:00:00-06:00`), into `buf`; `None` when it is not the
/// common case (a year outside 0000–9999, a fraction of a second, an
/// offset with seconds), which the caller leaves to jiff.
pub(super) fn rfc3339<'b>(m: &Moment, buf: &'b mut [u8; TEXT]) -> Option<&'b str> {
    if m.ts.subsec_nanosecond() != 0 {
        return None;
    }
    let offset = i64::from(m.offset.seconds());
    if offset % 60 != 0 {
        return None;
    }
    let local = m.ts.as_second().checked_add(offset)?;
    let (days, secs) = (local.div_euclid(86_400), local.rem_euclid(86_400));
    let (year, month, day) = civil_from_days(days);
    if !(0..=9999).contains(&year) {
        return None;
    }
    let two = |buf: &mut [u8; TEXT], at: usize, v: i64| {
        buf[at] = b'0' + (v / 10) as u8;
        buf[at + 1] = b'0' + (v % 10) as u8;
    };
    two(buf, 0, year / 100);
    two(buf, 2, year % 100);
    buf[4] = b'-';
    two(buf, 5, month);
    buf[7] = b'-';
    two(buf, 8, day);
    buf[10] = b'T';
    two(buf, 11, secs / 3600);
    buf[13] = b':';
    two(buf, 14, secs / 60 % 60);
    buf[16] = b':';
    two(buf, 17, secs % 60);
    buf[19] = if offset < 0 { b'-' } else { b'+' };
    let minutes = offset.abs() / 60;
    two(buf, 20, minutes / 60);
    buf[22] = b':';
    two(buf, 23, minutes % 60);
    std::str::from_utf8(&buf[..]).ok()
}

/// The proleptic Gregorian date of a day counted from 1970-01-01 (Howard
/// Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// The most bytes [`pack`] writes.
pub(super) const PACKED: usize = 12;

/// `m` in 8 bytes, little-endian two's complement: its Unix seconds in 5
/// (jiff's range needs 40 bits) and its offset seconds in 3 (±93,599
/// needs 18); then its nanoseconds in 4 when there are any. Fixed widths
/// read with a few shifts, not a loop per byte. Returns the length.
pub(super) fn pack(m: &Moment, buf: &mut [u8; PACKED]) -> usize {
    buf[..5].copy_from_slice(&m.ts.as_second().to_le_bytes()[..5]);
    buf[5..8].copy_from_slice(&m.offset.seconds().to_le_bytes()[..3]);
    match m.ts.subsec_nanosecond() {
        0 => 8,
        ns => {
            buf[8..12].copy_from_slice(&ns.to_le_bytes());
            12
        }
    }
}

/// The Unix seconds, nanoseconds and offset seconds [`pack`] wrote; an
/// error for any other length.
pub(super) fn unpack(bytes: &[u8]) -> Result<(i64, i32, i32), &'static str> {
    let (head, nanos) = match bytes.len() {
        8 => (bytes, 0),
        12 => {
            let mut n = [0; 4];
            n.copy_from_slice(&bytes[8..12]);
            (&bytes[..8], i32::from_le_bytes(n))
        }
        _ => return Err("a moment is 8 or 12 bytes"),
    };
    let mut word = [0; 8];
    word.copy_from_slice(head);
    let word = u64::from_le_bytes(word);
    // Shifted up and back down to carry each sign bit.
    let seconds = ((word << 24) as i64) >> 24;
    let offset = (((word >> 40) << 40) as i64 >> 40) as i32;
    Ok((seconds, nanos, offset))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::Timestamp;
    use jiff::tz::Offset;

    /// A small deterministic generator (no clock, no crate).
    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            self.0 >> 11
        }
        fn within(&mut self, lo: i64, hi: i64) -> i64 {
            lo + (self.next() % (hi - lo + 1) as u64) as i64
        }
    }

    fn moments() -> Vec<Moment> {
        let (min, max) = (Timestamp::MIN.as_second(), Timestamp::MAX.as_second());
        let mut edges = vec![
            0,
            -1,
            1,
            min,
            max,
            -62_167_219_200, // 0000-01-01T00:00:00Z
            -62_167_219_201,
            253_402_300_799, // 9999-12-31T23:59:59Z
            253_402_300_800,
            951_782_400,   // 2000-02-29
            4_107_542_400, // 2100-02-28
            1_798_761_599,
        ];
        let mut g = Lcg(7);
        for _ in 0..20_000 {
            edges.push(g.within(-62_200_000_000, 253_500_000_000));
        }
        for _ in 0..2_000 {
            edges.push(g.within(min, max));
        }
        let offsets = [
            0, 60, -60, -21_600, 19_800, 20_700, -34_200, 93_540, -93_540, 93_599, -3_599, 45, -1,
        ];
        let mut out = Vec::new();
        for (i, s) in edges.into_iter().enumerate() {
            for nanos in [0, 500_000_000, 1] {
                if nanos != 0 && i % 50 != 0 {
                    continue;
                }
                let Ok(ts) = Timestamp::new(s, if s < 0 && nanos > 0 { -nanos } else { nanos })
                else {
                    continue;
                };
                let offset = Offset::from_seconds(offsets[i % offsets.len()]).expect("an offset");
                out.push(Moment::new(ts, offset));
                out.push(Moment::new(
                    ts,
                    Offset::from_seconds(g.within(-93_599, 93_599) as i32).expect("an offset"),
                ));
            }
        }
        out
    }

    #[test]
    fn the_text_is_jiffs_wherever_it_is_written_here() {
        let mut written = 0;
        for m in moments() {
            let jiff = m.ts.display_with_offset(m.offset).to_string();
            let mut buf = [0; TEXT];
            if let Some(text) = rfc3339(&m, &mut buf) {
                assert_eq!(text, jiff, "{:?} {:?}", m.ts.as_second(), m.offset);
                written += 1;
            } else {
                // Left to jiff only where it is not the common case.
                assert!(
                    m.ts.subsec_nanosecond() != 0
                        || m.offset.seconds() % 60 != 0
                        || jiff.len() != TEXT,
                    "{jiff}"
                );
            }
            assert_eq!(m.to_string(), jiff);
        }
        assert!(written > 10_000, "{written}");
    }

    #[test]
    fn packed_numbers_read_back_and_nothing_else_does() {
        for m in moments() {
            let mut buf = [0; PACKED];
            let n = pack(&m, &mut buf);
            let (s, ns, off) = unpack(&buf[..n]).expect("read back");
            assert_eq!(
                (s, ns, off),
                (
                    m.ts.as_second(),
                    m.ts.subsec_nanosecond(),
                    m.offset.seconds()
                )
            );
            assert_eq!(n == 8, ns == 0);
        }
        for n in (0..30).filter(|n| ![8, 12].contains(n)) {
            assert!(unpack(&vec![0xff; n]).is_err(), "{n}");
        }
    }
}
