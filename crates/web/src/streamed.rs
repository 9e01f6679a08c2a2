//! Downloads written as they are read: the whole store, everyone's
//! contacts.
//!
//! `GET /export.json` and `GET /api/v1/export` answer the exchange
//! document of the whole store: at 100,000 applications that is close to
//! a gigabyte of JSON, so it is never built in memory. A thread of its own
//! reads the store through a connection of its own (one read transaction:
//! a consistent copy while the server goes on) and hands the bytes over in
//! chunks as they are written; if the store fails midway, the response
//! ends with an error, so the download fails instead of looking whole.
//! A store without a file (PostgreSQL: hosted vaults are small) is read
//! and written in one go.
//!
//! Everyone's contacts (`GET /people/vcard`, `GET /api/v1/people`) are
//! written the same way, a batch of people per walk of the store
//! (`people::each_contact`); each walk reads its own consistent copy.

use axum::body::{Body, Bytes};
use axum::response::{IntoResponse, Response};
use std::io::Write;

use debrief_store::StoreReader;
use tokio::sync::mpsc;

use crate::state::{AppState, Problem, Result};

/// Bytes per chunk handed to the response.
const CHUNK: usize = 64 << 10;
/// Chunks written ahead of the client: memory holds at most this many.
const AHEAD: usize = 4;

/// The document's body (pretty like `debrief export`, or compact like the
/// API's JSON), ending with a newline when pretty.
pub fn document(st: &AppState, pretty: bool) -> Result<Response> {
    written(st, move |store, out| {
        debrief_app::export::write_document(store, out, pretty).map_err(failed)?;
        if pretty {
            out.write_all(b"\n").map_err(write_failed)?;
        }
        Ok(())
    })
}

/// A body that `write` writes from the store as it reads it: on a thread
/// of its own, through a connection of its own (one read transaction: a
/// consistent copy while the server goes on), handed to the client a
/// chunk at a time; if `write` fails midway the response ends with an
/// error, so the download fails instead of looking whole. A store without
/// a file (PostgreSQL: hosted vaults are small) is written in one go,
/// where a failure is the answer's error.
pub fn written(
    st: &AppState,
    write: impl FnOnce(&dyn StoreReader, &mut dyn Write) -> Result<()> + Send + 'static,
) -> Result<Response> {
    let Some(store) = st.own_connection()? else {
        let mut bytes = Vec::new();
        write(&**st.store()?, &mut bytes)?;
        return Ok(bytes.into_response());
    };
    let (tx, rx) = mpsc::channel::<std::io::Result<Bytes>>(AHEAD);
    std::thread::Builder::new()
        .name("download".into())
        .spawn(move || {
            let mut out = Chunks {
                tx,
                buf: Vec::with_capacity(CHUNK),
            };
            let written = write(&*store, &mut out).and_then(|()| out.flush().map_err(write_failed));
            if let Err(e) = written {
                // The client may be gone already; nothing more to do then.
                let _ = out
                    .tx
                    .blocking_send(Err(std::io::Error::other(e.to_string())));
            }
        })
        .map_err(|e| Problem::internal(format!("cannot start the download: {e}")))?;
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|chunk| (chunk, rx))
    });
    Ok(Body::from_stream(stream).into_response())
}

/// A failed write of a download (the client gone, say).
pub fn write_failed(e: std::io::Error) -> Problem {
    Problem::internal(format!("cannot write the download: {e}"))
}

fn failed(e: debrief_app::export::ExportError) -> Problem {
    match e {
        debrief_app::export::ExportError::Store(e) => e.into(),
        debrief_app::export::ExportError::Write(e) => {
            Problem::internal(format!("cannot write JSON: {e}"))
        }
    }
}

/// A writer that sends what it is given in chunks; a closed channel (the
/// client went away) ends the writing with an error.
struct Chunks {
    tx: mpsc::Sender<std::io::Result<Bytes>>,
    buf: Vec<u8>,
}

impl Chunks {
    fn send(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK)));
        self.tx
            .blocking_send(Ok(chunk))
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::BrokenPipe, "the client left"))
    }
}

impl Write for Chunks {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(bytes);
        if self.buf.len() >= CHUNK {
            self.send()?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.send()
    }
}
