//! Splitting independent work over the cores.
//!
//! A large store's agenda, its load images and its JSON are each made of
//! independent parts; below a size where threads cost more than they save,
//! everything runs on the calling thread.

/// The most threads any one call uses.
const MAX_THREADS: usize = 8;

/// How many threads work split over the cores uses: the cores this process
/// may use (counted once: it reads files under /sys and /proc), at most
/// [`MAX_THREADS`].
pub fn cores() -> usize {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| {
        std::thread::available_parallelism().map_or(1, |n| n.get().min(MAX_THREADS))
    })
}

/// Runs `f` on consecutive chunks of `items`, one chunk per core when there
/// are at least `from` items (one chunk otherwise), and returns the results
/// in the chunks' order. A panic in `f` is raised again on the caller.
pub fn map_chunks<T: Sync, R: Send>(
    items: &[T],
    from: usize,
    f: impl Fn(&[T]) -> R + Sync,
) -> Vec<R> {
    let threads = if items.len() >= from.max(2) {
        cores()
    } else {
        1
    };
    if threads == 1 {
        return vec![f(items)];
    }
    let f = &f;
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(items.len().div_ceil(threads))
            .map(|chunk| scope.spawn(move || f(chunk)))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_come_back_in_order_and_cover_everything() {
        let items: Vec<u32> = (0..10_001).collect();
        for from in [1, 5_000, 20_000] {
            let parts = map_chunks(&items, from, |c| c.to_vec());
            assert_eq!(parts.concat(), items, "from {from}");
            if from > items.len() {
                assert_eq!(parts.len(), 1);
            }
        }
        assert_eq!(map_chunks(&[] as &[u32], 1, <[u32]>::len), vec![0]);
    }
}
