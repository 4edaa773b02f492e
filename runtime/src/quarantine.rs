//! Freed chunks wait here, poisoned, so a use after free is caught; a FIFO bounded by
//! `quarantine_size_mb` sends the oldest on (to `allocator::release`).
//!
//! Each thread first collects its frees in a batch of its own (in its cache, like ASan's
//! thread-local quarantine): a free takes no lock until the batch is full, then the whole batch
//! joins the shared FIFO under one lock.

use crate::sync::SpinLock;
use crate::thread_cache;
use core::mem::MaybeUninit;
use std::collections::VecDeque;

struct Quarantine {
    /// Freed chunks, oldest first.
    fifo: VecDeque<Entry>,
    bytes: usize,
}

/// What releasing a chunk needs, kept here so that releasing never reads the (by then cold) chunk.
#[derive(Clone, Copy)]
struct Entry {
    user: usize,
    block_bytes: usize,
    recyclable: bool,
}

static QUARANTINE: SpinLock<Quarantine> = SpinLock::new(Quarantine {
    fifo: VecDeque::new(),
    bytes: 0,
});

/// Evicted chunks are released outside the lock, this many at a time.
const BATCH: usize = 32;

/// A thread's batch holds at most this many chunks, and at most LOCAL_BYTES (or an eighth of the
/// quarantine, if that is less) of them.
const LOCAL_ENTRIES: usize = 256;
const LOCAL_BYTES: usize = 1 << 20;

/// A thread's batch of freed chunks not yet in the shared FIFO (part of its cache; zero = empty).
pub struct LocalBatch {
    count: usize,
    bytes: usize,
    entries: [MaybeUninit<Entry>; LOCAL_ENTRIES],
}

/// A chunk leaving the quarantine is cold (it was freed a whole quarantine ago) and is about to be
/// reused: the allocator will write its header, shadow and, through the program, its first bytes.
/// Asking for those lines now, for a whole batch at once, overlaps the misses instead of paying
/// them one at a time on each later malloc (ASan's quarantine prefetches for the same reason).
fn prefetch_for_reuse(e: &Entry) {
    use core::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
    let block = e.user - crate::contract::GRANULE * 2;
    let lines = [
        block,
        block + 64,
        crate::shadow::shadow_addr(block) as usize,
    ];
    for line in lines {
        // A prefetch never faults, whatever the address.
        unsafe { _mm_prefetch::<_MM_HINT_T0>(line as *const i8) };
    }
}

fn release(e: Entry) {
    crate::allocator::release(e.user, e.block_bytes, e.recyclable);
}

/// Queues a freed chunk (its shadow already says freed) and releases what no longer fits.
pub fn push(user: usize, block_bytes: usize, recyclable: bool) {
    let entry = Entry {
        user,
        block_bytes,
        recyclable,
    };
    let limit = crate::options::get()
        .quarantine_size_mb
        .saturating_mul(1 << 20);
    if limit == 0 {
        release(entry);
        return;
    }
    let Some(cache) = thread_cache::current() else {
        enqueue_and_evict(core::slice::from_ref(&entry), limit);
        return;
    };
    let batch = unsafe { &mut (*cache).quarantine };
    batch.entries[batch.count] = MaybeUninit::new(entry);
    batch.count += 1;
    batch.bytes += block_bytes;
    if batch.count < LOCAL_ENTRIES && batch.bytes < LOCAL_BYTES.min(limit / 8) {
        return;
    }
    flush(batch);
}

/// Moves a thread's batch into the shared FIFO (and releases what no longer fits).
pub fn flush(batch: &mut LocalBatch) {
    let limit = crate::options::get()
        .quarantine_size_mb
        .saturating_mul(1 << 20);
    // SAFETY: the first `count` entries were written by `push`.
    let entries =
        unsafe { core::slice::from_raw_parts(batch.entries.as_ptr().cast(), batch.count) };
    // Emptied first: releasing may come back here through the allocator (never for this batch).
    batch.count = 0;
    batch.bytes = 0;
    enqueue_and_evict(entries, limit);
}

fn enqueue_and_evict(entries: &[Entry], limit: usize) {
    let mut pushed = false;
    loop {
        // Uninitialised: zeroing the whole batch on every call cost more than the queue itself.
        let mut evicted = [MaybeUninit::<Entry>::uninit(); BATCH];
        let mut count = 0;
        {
            let mut q = QUARANTINE.lock();
            if !pushed {
                q.fifo.extend(entries.iter().copied());
                q.bytes += entries.iter().map(|e| e.block_bytes).sum::<usize>();
                pushed = true;
            }
            while q.bytes > limit && count < BATCH {
                let Some(old) = q.fifo.pop_front() else {
                    break;
                };
                q.bytes -= old.block_bytes;
                evicted[count] = MaybeUninit::new(old);
                count += 1;
            }
        }
        // SAFETY: the first `count` entries were written above.
        let evicted = unsafe { core::slice::from_raw_parts(evicted.as_ptr().cast(), count) };
        for old in evicted {
            prefetch_for_reuse(old);
        }
        for &old in evicted {
            release(old);
        }
        if count < BATCH {
            return;
        }
    }
}

/// fork: hold the lock across the fork so the child gets a consistent queue.
pub fn lock_for_fork() {
    core::mem::forget(QUARANTINE.lock());
}

pub fn unlock_after_fork() {
    unsafe { QUARANTINE.force_unlock() };
}
