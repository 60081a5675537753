//! Freeing large values beside the work that follows, not before it.

/// Drops `value` on a thread of its own.
///
/// Freeing tens of thousands of small allocations (a hub's merged-away
/// entries, a site's bodies) takes 20-100 ms on one core, and nothing
/// waits for that memory: the build goes on while it is freed. A process
/// that exits first frees it at once. When no thread can be started, the
/// value is freed here, as it would have been anyway.
pub fn free_aside<T: Send + 'static>(value: T) {
    // On failure `spawn` drops the closure, and with it `value`.
    let _ = std::thread::Builder::new().name("free".into()).spawn(move || drop(value));
}
