//! Each thread's allocator cache: its recycled-block stacks, its quarantine batch, the ids of
//! the stacks it recorded lately and the frame chains they were walked along, so malloc and free take no lock on their common path. Mapped on
//! the thread's first allocation (never with the malloc we replace), flushed to the shared
//! structures and unmapped when the thread exits.
//!
//! A signal handler that allocates while its thread is inside malloc could see the cache half
//! updated; glibc's malloc is not async-signal-safe either, and ASan's thread caches share this.

use crate::heap::{quarantine, recycle};
use crate::{thread_state, traces::stack_depot};

pub struct ThreadCache {
    pub recycle: recycle::LocalLists,
    pub quarantine: quarantine::LocalBatch,
    pub traces: stack_depot::RecentTraces,
}

/// `ThreadState::cache` when the thread must not get a cache (mapping failed, or it exited).
const NEVER: usize = 1;

/// The calling thread's cache, mapped on first use; None if it cannot have one. The pointer is
/// only for the calling thread; callers borrow one field of it at a time, briefly.
#[inline]
pub fn current() -> Option<*mut ThreadCache> {
    match thread_state::current().cache.get() {
        0 => create(),
        NEVER => None,
        cache => Some(cache as *mut ThreadCache),
    }
}

/// The calling thread's recent stacks, for `stack_depot::record_here`.
#[inline]
pub fn recent_traces() -> Option<*mut stack_depot::RecentTraces> {
    current().map(|c| unsafe { &raw mut (*c).traces })
}

#[cold]
fn create() -> Option<*mut ThreadCache> {
    let state = thread_state::current();
    if crate::threads::current_has_exited() {
        state.cache.set(NEVER);
        return None;
    }
    // Anonymous pages are zero: every stack empty, the batch empty.
    let Some(p) = crate::sync::map_anonymous(core::mem::size_of::<ThreadCache>()) else {
        state.cache.set(NEVER);
        return None;
    };
    state.cache.set(p);
    Some(p as *mut ThreadCache)
}

/// The calling thread exits: hand its batch and blocks to the shared structures, give the pages
/// back. Allocations made later by this thread (other exit destructors) use the shared paths.
pub fn release_current() {
    let state = thread_state::current();
    let cache = state.cache.replace(NEVER);
    if cache == 0 || cache == NEVER {
        return;
    }
    let cache = cache as *mut ThreadCache;
    unsafe {
        quarantine::flush(&mut (*cache).quarantine);
        recycle::flush(&mut (*cache).recycle);
        libc::munmap(cache.cast(), core::mem::size_of::<ThreadCache>());
    }
}
