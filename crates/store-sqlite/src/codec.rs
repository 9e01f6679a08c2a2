//! Conversions between model values and SQLite columns, and the mapping of
//! SQLite errors onto [`StoreError`].

use std::fmt::Display;
use std::str::FromStr;

use debrief_core::model::Moment;
use debrief_store::StoreError;
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::Offset;
use rusqlite::Row;
use rusqlite::types::ValueRef;
use serde::Serialize;
use serde::de::DeserializeOwned;

pub(crate) fn backend(e: rusqlite::Error) -> StoreError {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase) => {
            StoreError::Corrupt(e.to_string())
        }
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
            StoreError::Busy(format!(
                "another program kept it locked for more than {} seconds ({e})",
                crate::BUSY_TIMEOUT.as_secs()
            ))
        }
        _ => StoreError::Backend(e.to_string()),
    }
}

pub(crate) fn corrupt(table: &str, why: impl Display) -> StoreError {
    StoreError::Corrupt(format!("table {table}: {why}"))
}

/// JSON text for a non-empty list, NULL for an empty one (so the common case
/// costs no parsing when loading).
pub(crate) fn json_list<T: Serialize>(items: &[T]) -> Result<Option<String>, StoreError> {
    if items.is_empty() {
        return Ok(None);
    }
    serde_json::to_string(items)
        .map(Some)
        .map_err(|e| StoreError::Backend(format!("cannot encode a list as JSON: {e}")))
}

/// Reads a row's columns left to right, so the decoding code lists them in
/// the same order as the `SELECT` without counting indexes by hand.
pub(crate) struct Columns<'r, 's> {
    row: &'r Row<'s>,
    next: usize,
    table: &'static str,
}

impl<'r, 's> Columns<'r, 's> {
    pub fn new(row: &'r Row<'s>, table: &'static str) -> Self {
        Columns {
            row,
            next: 0,
            table,
        }
    }

    fn value(&mut self) -> Result<ValueRef<'r>, StoreError> {
        let i = self.next;
        self.next += 1;
        self.row.get_ref(i).map_err(backend)
    }

    fn wrong_type(&self, e: impl Display) -> StoreError {
        corrupt(self.table, format_args!("column {}: {e}", self.next - 1))
    }

    pub fn opt_str(&mut self) -> Result<Option<&'r str>, StoreError> {
        let v = self.value()?;
        v.as_str_or_null().map_err(|e| self.wrong_type(e))
    }

    pub fn str(&mut self) -> Result<&'r str, StoreError> {
        let v = self.value()?;
        v.as_str().map_err(|e| self.wrong_type(e))
    }

    pub fn string(&mut self) -> Result<String, StoreError> {
        self.str().map(str::to_owned)
    }

    pub fn opt_string(&mut self) -> Result<Option<String>, StoreError> {
        Ok(self.opt_str()?.map(str::to_owned))
    }

    pub fn opt_i64(&mut self) -> Result<Option<i64>, StoreError> {
        let v = self.value()?;
        v.as_i64_or_null().map_err(|e| self.wrong_type(e))
    }

    pub fn i64(&mut self) -> Result<i64, StoreError> {
        let v = self.value()?;
        v.as_i64().map_err(|e| self.wrong_type(e))
    }

    pub fn bool(&mut self) -> Result<bool, StoreError> {
        Ok(self.i64()? != 0)
    }

    pub fn opt_bool(&mut self) -> Result<Option<bool>, StoreError> {
        Ok(self.opt_i64()?.map(|v| v != 0))
    }

    pub fn u32(&mut self) -> Result<u32, StoreError> {
        let v = self.i64()?;
        u32::try_from(v).map_err(|e| self.wrong_type(format_args!("{v}: {e}")))
    }

    /// A `count(*)`.
    pub fn count(&mut self) -> Result<usize, StoreError> {
        let v = self.i64()?;
        usize::try_from(v).map_err(|e| self.wrong_type(format_args!("{v}: {e}")))
    }

    pub fn opt_u32(&mut self) -> Result<Option<u32>, StoreError> {
        match self.opt_i64()? {
            Some(v) => u32::try_from(v)
                .map(Some)
                .map_err(|e| self.wrong_type(format_args!("{v}: {e}"))),
            None => Ok(None),
        }
    }

    /// A wire-named enumeration.
    pub fn parse<T: FromStr<Err = String>>(&mut self) -> Result<T, StoreError> {
        let s = self.str()?;
        s.parse().map_err(|e| self.wrong_type(e))
    }

    pub fn opt_parse<T: FromStr<Err = String>>(&mut self) -> Result<Option<T>, StoreError> {
        match self.opt_str()? {
            Some(s) => s.parse().map(Some).map_err(|e| self.wrong_type(e)),
            None => Ok(None),
        }
    }

    pub fn date(&mut self) -> Result<Date, StoreError> {
        let s = self.str()?;
        s.parse().map_err(|e| self.wrong_type(e))
    }

    pub fn opt_date(&mut self) -> Result<Option<Date>, StoreError> {
        match self.opt_str()? {
            Some(s) => s.parse().map(Some).map_err(|e| self.wrong_type(e)),
            None => Ok(None),
        }
    }

    /// A time from its `_s`, `_ns`, `_off` columns.
    pub fn moment(&mut self) -> Result<Moment, StoreError> {
        let second = self.i64()?;
        let nanosecond = self.i64()?;
        let offset = self.i64()?;
        self.build_moment(second, nanosecond, offset)
    }

    pub fn opt_moment(&mut self) -> Result<Option<Moment>, StoreError> {
        let second = self.opt_i64()?;
        let nanosecond = self.opt_i64()?;
        let offset = self.opt_i64()?;
        match (second, nanosecond, offset) {
            (Some(s), Some(ns), Some(off)) => self.build_moment(s, ns, off).map(Some),
            (None, None, None) => Ok(None),
            _ => Err(self.wrong_type("a time is only partly stored")),
        }
    }

    fn build_moment(
        &self,
        second: i64,
        nanosecond: i64,
        offset: i64,
    ) -> Result<Moment, StoreError> {
        let nanosecond = i32::try_from(nanosecond).map_err(|e| self.wrong_type(e))?;
        let offset = i32::try_from(offset).map_err(|e| self.wrong_type(e))?;
        let ts = Timestamp::new(second, nanosecond).map_err(|e| self.wrong_type(e))?;
        let offset = Offset::from_seconds(offset).map_err(|e| self.wrong_type(e))?;
        Ok(Moment::new(ts, offset))
    }

    /// A JSON list column; NULL is the empty list.
    pub fn json_list<T: DeserializeOwned>(&mut self) -> Result<Vec<T>, StoreError> {
        match self.opt_str()? {
            Some(s) => serde_json::from_str(s).map_err(|e| self.wrong_type(e)),
            None => Ok(Vec::new()),
        }
    }
}

/// How `application_keys` keeps a key: its 64-bit FNV-1a hash (two keys
/// may share one; a lookup checks the applications it finds).
pub(crate) fn key_hash(key: &str) -> i64 {
    let h = key.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    i64::from_ne_bytes(h.to_ne_bytes())
}
