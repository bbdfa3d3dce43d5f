//! Splitting a per-row loop over the machine's cores (two on the kiosk). OpenCV does the same for resize and
//! warpPerspective; scoped threads cost ~30 µs each, so small jobs stay on the calling thread.

/// Below this many output bytes the work is done on the calling thread.
const MIN_PARALLEL_BYTES: usize = 150_000;

/// Calls `f(first_row, rows)` on disjoint bands of `out`, whose rows are `row_len` bytes long.
pub(crate) fn par_rows(out: &mut [u8], row_len: usize, f: impl Fn(usize, &mut [u8]) + Sync) {
    let rows = out.len() / row_len.max(1);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(rows.max(1));
    if threads <= 1 || out.len() < MIN_PARALLEL_BYTES {
        f(0, out);
        return;
    }
    let band = rows.div_ceil(threads);
    std::thread::scope(|s| {
        let f = &f;
        let mut chunks = out.chunks_mut(band * row_len).enumerate();
        // The calling thread takes the first band itself.
        let first = chunks.next();
        for (i, chunk) in chunks {
            s.spawn(move || f(i * band, chunk));
        }
        if let Some((_, chunk)) = first {
            f(0, chunk);
        }
    });
}
