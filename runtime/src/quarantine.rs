//! Freed chunks wait here, poisoned, so a use after free is caught; a FIFO bounded by
//! `quarantine_size_mb` sends the oldest back to glibc.

use crate::sync::SpinLock;
use std::collections::VecDeque;

struct Quarantine {
    /// (user pointer, block bytes), oldest first.
    fifo: VecDeque<(usize, usize)>,
    bytes: usize,
}

static QUARANTINE: SpinLock<Quarantine> = SpinLock::new(Quarantine {
    fifo: VecDeque::new(),
    bytes: 0,
});

/// Evicted chunks are released outside the lock, this many at a time.
const BATCH: usize = 32;

/// Queues a freed chunk (its shadow already says freed) and releases what no longer fits.
pub fn push(user: usize, block_bytes: usize) {
    let limit = crate::options::get()
        .quarantine_size_mb
        .saturating_mul(1 << 20);
    if limit == 0 {
        crate::allocator::release(user);
        return;
    }
    let mut pushed = false;
    loop {
        let mut evicted = [0usize; BATCH];
        let mut count = 0;
        {
            let mut q = QUARANTINE.lock();
            if !pushed {
                q.fifo.push_back((user, block_bytes));
                q.bytes += block_bytes;
                pushed = true;
            }
            while q.bytes > limit && count < BATCH {
                let Some((old, bytes)) = q.fifo.pop_front() else {
                    break;
                };
                q.bytes -= bytes;
                evicted[count] = old;
                count += 1;
            }
        }
        for &old in &evicted[..count] {
            crate::allocator::release(old);
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
