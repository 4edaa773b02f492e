//! Freed chunks wait here, poisoned, so a use after free is caught; a FIFO bounded by
//! `quarantine_size_mb` sends the oldest back to glibc.

use crate::sync::SpinLock;
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
    let mut pushed = false;
    loop {
        // Uninitialised: zeroing the whole batch on every free cost more than the queue itself.
        let mut evicted = [MaybeUninit::<Entry>::uninit(); BATCH];
        let mut count = 0;
        {
            let mut q = QUARANTINE.lock();
            if !pushed {
                q.fifo.push_back(entry);
                q.bytes += block_bytes;
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
        for old in &evicted[..count] {
            // SAFETY: the first `count` entries were written above.
            release(unsafe { old.assume_init() });
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
