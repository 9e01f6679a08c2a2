//! The accept loop of `debrief serve`: hyper's HTTP/1 server with the
//! limits a server on a laptop needs to keep answering when some clients
//! are idle, slow or hostile.
//!
//! - **Header timeout**: a connection must deliver a whole request head
//!   within it, counted from when the server starts waiting for one — on
//!   a new connection and after each response (so it is also how long an
//!   idle keep-alive connection stays open). Half a header, then nothing:
//!   closed.
//! - **Idle timeout**: a connection on which no byte moves either way for
//!   this long is closed, whatever it is doing (a body trickling in, a
//!   client that stopped reading its response).
//! - **Connection cap**: at most this many connections are open. At the
//!   cap, a new connection closes the one that has waited longest for a
//!   request (idle ones go first; one open for less than a tenth of a
//!   second is left to send its request), so a crowd of idle sockets
//!   never locks out a real request; if every connection is busy with a
//!   request, the new one waits in the kernel's queue until one finishes.

use std::collections::HashMap;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::Notify;

/// The limits of [`serve_with`]; see the module's description.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub header_timeout: Duration,
    pub idle_timeout: Duration,
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            header_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            // Well under the 256 file descriptors some systems allow a
            // process, with room for the store and the listener.
            max_connections: 128,
        }
    }
}

/// How long a new connection is safe from being closed to make room.
const GRACE_MS: u64 = 100;

/// One open connection, as the accept loop sees it.
struct Slot {
    /// A request is being answered (not idle).
    busy: Arc<AtomicBool>,
    /// Milliseconds since `epoch` of the last byte read or written.
    progress: Arc<AtomicU64>,
    close: Arc<Notify>,
}

#[derive(Default)]
struct Registry {
    next: u64,
    open: HashMap<u64, Slot>,
}

/// Serves `router` on `listener` until `shutdown` completes; connections
/// still open then get a moment to finish their request.
pub async fn serve_with(
    listener: tokio::net::TcpListener,
    router: axum::Router,
    limits: Limits,
    shutdown: impl std::future::Future<Output = ()>,
) -> std::io::Result<()> {
    let epoch = Instant::now();
    let registry = Arc::new(Mutex::new(Registry::default()));
    let freed = Arc::new(Notify::new());
    let max = limits.max_connections.max(1);
    let mut tasks = tokio::task::JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        // At the cap: make room, closing the connection idle the longest.
        loop {
            let full = {
                let mut reg = registry.lock().unwrap_or_else(|p| p.into_inner());
                if reg.open.len() < max {
                    false
                } else {
                    // Only a connection idle for a moment: a new one gets
                    // time to send its request before a newer one can
                    // push it out.
                    let settled = millis(epoch).saturating_sub(GRACE_MS);
                    let victim = reg
                        .open
                        .iter()
                        .filter(|(_, s)| !s.busy.load(Ordering::Relaxed))
                        .map(|(id, s)| (*id, s.progress.load(Ordering::Relaxed)))
                        .filter(|&(_, at)| at <= settled)
                        .min_by_key(|&(_, at)| at)
                        .map(|(id, _)| id);
                    match victim.and_then(|id| reg.open.remove(&id)) {
                        Some(slot) => {
                            slot.close.notify_one();
                            false
                        }
                        None => true,
                    }
                }
            };
            if !full {
                break;
            }
            tokio::select! {
                () = freed.notified() => {}
                () = tokio::time::sleep(Duration::from_millis(GRACE_MS / 4)) => {}
                () = &mut shutdown => return drain(tasks, &registry).await,
            }
        }
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                // Out of file descriptors and the like: wait, never stop.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => return drain(tasks, &registry).await,
        };
        let _ = stream.set_nodelay(true);
        let busy = Arc::new(AtomicBool::new(false));
        let progress = Arc::new(AtomicU64::new(millis(epoch)));
        let close = Arc::new(Notify::new());
        let id = {
            let mut reg = registry.lock().unwrap_or_else(|p| p.into_inner());
            reg.next += 1;
            let id = reg.next;
            reg.open.insert(
                id,
                Slot {
                    busy: busy.clone(),
                    progress: progress.clone(),
                    close: close.clone(),
                },
            );
            id
        };
        let io = TokioIo::new(Watched {
            inner: stream,
            progress: progress.clone(),
            epoch,
        });
        let service = {
            let router = router.clone();
            let busy = busy.clone();
            hyper::service::service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                let router = router.clone();
                let busy = busy.clone();
                busy.store(true, Ordering::Relaxed);
                async move {
                    use tower::ServiceExt;
                    let mut req = req.map(axum::body::Body::new);
                    // The client's address, for hosted mode's sign-in throttle.
                    req.extensions_mut()
                        .insert(axum::extract::ConnectInfo(peer));
                    let res = router.oneshot(req).await;
                    busy.store(false, Ordering::Relaxed);
                    res
                }
            })
        };
        let registry = registry.clone();
        let freed = freed.clone();
        tasks.spawn(async move {
            let conn = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(limits.header_timeout)
                .keep_alive(true)
                .serve_connection(io, service);
            tokio::pin!(conn);
            let idle = async {
                loop {
                    let last = progress.load(Ordering::Relaxed);
                    let due = Duration::from_millis(last) + limits.idle_timeout;
                    let now = Duration::from_millis(millis(epoch));
                    if now >= due {
                        return;
                    }
                    tokio::time::sleep(due - now).await;
                }
            };
            tokio::select! {
                _ = conn.as_mut() => {}
                () = close.notified() => {}
                () = idle => {}
            }
            registry
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .open
                .remove(&id);
            freed.notify_one();
        });
        // Forget finished connections as we go.
        while tasks.try_join_next().is_some() {}
    }
}

/// Closes idle connections at once and lets those answering a request
/// finish it (at most a few seconds), so a write that has started is never
/// cut off and an idle browser tab does not hold the shutdown up.
async fn drain(
    mut tasks: tokio::task::JoinSet<()>,
    registry: &Mutex<Registry>,
) -> std::io::Result<()> {
    let _ = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            {
                let mut reg = registry.lock().unwrap_or_else(|p| p.into_inner());
                let idle: Vec<u64> = reg
                    .open
                    .iter()
                    .filter(|(_, s)| !s.busy.load(Ordering::Relaxed))
                    .map(|(id, _)| *id)
                    .collect();
                for id in idle {
                    if let Some(slot) = reg.open.remove(&id) {
                        slot.close.notify_one();
                    }
                }
            }
            while tasks.try_join_next().is_some() {}
            if tasks.is_empty() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    Ok(())
}

fn millis(epoch: Instant) -> u64 {
    u64::try_from(epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// A socket that notes when bytes last moved.
struct Watched {
    inner: tokio::net::TcpStream,
    progress: Arc<AtomicU64>,
    epoch: Instant,
}

impl Watched {
    fn moved(&self) {
        self.progress.store(millis(self.epoch), Ordering::Relaxed);
    }
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let r = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(r, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.moved();
        }
        r
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let r = Pin::new(&mut self.inner).poll_write(cx, data);
        if matches!(r, Poll::Ready(Ok(n)) if n > 0) {
            self.moved();
        }
        r
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let r = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(r, Poll::Ready(Ok(n)) if n > 0) {
            self.moved();
        }
        r
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}
