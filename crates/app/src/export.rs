//! The whole store as an exchange document (FORMAT.md §1), written as it
//! is read: `debrief export` and the web app's download hold one chunk of
//! the store at a time, not all of it.

use std::cell::RefCell;
use std::io::Write;

use debrief_core::model::{FORMAT_TAG, Profile};
use debrief_store::{StoreError, StoreReader};

/// Why a document could not be written whole.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Reading the store failed (midway, perhaps: the output is cut short).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The output refused the bytes.
    #[error("{0}")]
    Write(#[from] std::io::Error),
}

/// Writes the store's document to `out`: the bytes `serde_json` gives for
/// the whole `Dataset` (pretty or compact), without holding it. Nothing
/// is added after the closing brace. Gives how many applications it wrote.
pub fn write_document(
    store: &dyn StoreReader,
    out: &mut dyn Write,
    pretty: bool,
) -> Result<usize, ExportError> {
    let profile = store.profile()?;
    let document = Streamed {
        format: FORMAT_TAG,
        profile: &profile,
        applications: Each {
            store,
            failed: RefCell::new(None),
            written: std::cell::Cell::new(0),
        },
    };
    let written = if pretty {
        serde_json::to_writer_pretty(&mut *out, &document)
    } else {
        serde_json::to_writer(&mut *out, &document)
    };
    // A read of the store that failed midway is the store's error, not
    // the output's.
    if let Some(e) = document.applications.failed.into_inner() {
        return Err(e.into());
    }
    written.map_err(|e| ExportError::Write(e.into()))?;
    Ok(document.applications.written.get())
}

/// The exchange document as `Dataset` serializes it (the same fields in
/// the same order, so the same bytes), its applications read from the
/// store one at a time as they are written.
#[derive(serde::Serialize)]
struct Streamed<'a> {
    format: &'a str,
    profile: &'a Profile,
    applications: Each<'a>,
}

struct Each<'a> {
    store: &'a dyn StoreReader,
    /// The store's error, if reading it failed midway.
    failed: RefCell<Option<StoreError>>,
    /// Applications written so far.
    written: std::cell::Cell<usize>,
}

impl serde::Serialize for Each<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error, SerializeSeq};
        let mut seq = s.serialize_seq(None)?;
        let mut written: Option<S::Error> = None;
        let walked = self.store.each_application(&mut |a| {
            seq.serialize_element(&a).map_err(|e| {
                written = Some(e);
                StoreError::Backend("the output failed".to_string())
            })?;
            self.written.set(self.written.get() + 1);
            Ok(())
        });
        if let Some(e) = written {
            return Err(e);
        }
        if let Err(e) = walked {
            let message = e.to_string();
            *self.failed.borrow_mut() = Some(e);
            return Err(S::Error::custom(message));
        }
        seq.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use debrief_core::model::{Application, Dataset};
    use debrief_store::{Change, StoreWriter};

    #[test]
    fn the_streamed_document_is_the_datasets_bytes() {
        let mut store = debrief_store_sqlite::SqliteStore::open_in_memory().expect("store");
        let mut data = Dataset::default();
        data.profile.name = "Sam Rivera".into();
        for i in 0..3 {
            data.applications.push(Application::new(
                format!("app-{i}"),
                format!("Firm {i}"),
                "Analyst",
            ));
        }
        let mut changes = vec![Change::SetProfile(data.profile.clone())];
        changes.extend(
            data.applications
                .iter()
                .cloned()
                .map(Change::PutApplication),
        );
        store.apply(&changes).expect("write");
        for pretty in [true, false] {
            let mut out = Vec::new();
            write_document(&store, &mut out, pretty).expect("export");
            let whole = if pretty {
                serde_json::to_vec_pretty(&data)
            } else {
                serde_json::to_vec(&data)
            }
            .expect("json");
            assert_eq!(
                String::from_utf8_lossy(&out),
                String::from_utf8_lossy(&whole)
            );
        }
    }
}
