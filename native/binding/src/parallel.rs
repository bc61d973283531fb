//! Splitting a batch across cores: contiguous chunks, one scoped thread each.
//! Small batches stay on the calling thread (spawning costs ~20 µs).
use std::thread;

/// Items `0..n` mapped by `work(range)` in up to `available_parallelism` chunks when
/// `heavy`; results are returned in chunk order.
pub fn chunked<R: Send>(n: usize, heavy: bool, work: impl Fn(std::ops::Range<usize>) -> R + Sync) -> Vec<R> {
    let cores = thread::available_parallelism().map_or(1, |c| c.get());
    if !heavy || cores < 2 || n < 2 {
        return vec![work(0..n)];
    }
    let chunks = cores.min(n);
    let per = n.div_ceil(chunks);
    thread::scope(|s| {
        let handles: Vec<_> = (0..chunks)
            .map(|c| {
                let range = c * per..((c + 1) * per).min(n);
                let work = &work;
                s.spawn(move || work(range))
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("kernel thread panicked")).collect()
    })
}
