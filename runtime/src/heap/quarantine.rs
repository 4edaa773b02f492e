//! Freed chunks wait here, poisoned, so a use after free is caught; a FIFO bounded by
//! `quarantine_size_mb` sends the oldest on (to `allocator::release`).
//!
//! Each thread first collects its frees in a batch of its own (in its cache, like ASan's
//! thread-local quarantine): a free takes no lock until the batch is full, then the whole batch
//! joins the shared FIFO under one lock.

use crate::heap::thread_cache;
use crate::sync::SpinLock;
use core::mem::MaybeUninit;
use std::collections::VecDeque;

struct Quarantine {
    /// Freed chunks, oldest first.
    fifo: VecDeque<Entry>,
    bytes: usize,
}

/// What releasing a chunk needs, kept here so that releasing never reads the (by then cold) chunk,
/// in one word (a full quarantine of small chunks holds millions of these): the user address over
/// 16 (bits 0..43; user addresses are below 2^47 and 16-aligned), then what the block weighs. A
/// recyclable block is one of a size class: bits 43..52 hold its class index + 1 and its size
/// follows. Any other (aligned, or over 128 KiB) has 0 there and its byte count rounded up to six
/// significant bits in bits 52..64 (exponent, then mantissa): the FIFO adds and subtracts the same
/// rounded count, so its total stays consistent, within 1/32 of the bytes really held.
#[derive(Clone, Copy)]
struct Entry(u64);

const USER_BITS: u32 = 43;
const CLASS_SHIFT: u32 = USER_BITS;
const CLASS_BITS: u32 = 9;
const WEIGHT_SHIFT: u32 = CLASS_SHIFT + CLASS_BITS;
const MANTISSA_BITS: u32 = 6;
const _: () = assert!(crate::heap::size_class::CLASSES < 1 << CLASS_BITS);

impl Entry {
    fn new(user: usize, block_bytes: usize, class: Option<usize>) -> Entry {
        debug_assert!(user.is_multiple_of(16) && user < 1 << (USER_BITS + 4));
        let low = (user >> 4) as u64;
        match class {
            Some(index) => Entry(low | ((index + 1) as u64) << CLASS_SHIFT),
            None => Entry(low | (encode_weight(block_bytes) as u64) << WEIGHT_SHIFT),
        }
    }
    fn user(&self) -> usize {
        ((self.0 & ((1 << USER_BITS) - 1)) << 4) as usize
    }
    fn class(&self) -> Option<usize> {
        match (self.0 >> CLASS_SHIFT) & ((1 << CLASS_BITS) - 1) {
            0 => None,
            index_plus_one => Some(index_plus_one as usize - 1),
        }
    }
    /// The bytes the FIFO counts for this chunk: its block's exact size if it has a class.
    fn block_bytes(&self) -> usize {
        match self.class() {
            Some(index) => crate::heap::size_class::class_block_bytes(index),
            None => decode_weight((self.0 >> WEIGHT_SHIFT) as u16),
        }
    }
}

/// `bytes` rounded up to MANTISSA_BITS significant bits, as exponent << MANTISSA_BITS | mantissa.
fn encode_weight(bytes: usize) -> u16 {
    let mut exponent = (usize::BITS - bytes.leading_zeros()).saturating_sub(MANTISSA_BITS);
    let mut mantissa = bytes.div_ceil(1 << exponent);
    if mantissa == 1 << MANTISSA_BITS {
        mantissa >>= 1;
        exponent += 1;
    }
    (exponent << MANTISSA_BITS) as u16 | mantissa as u16
}

fn decode_weight(weight: u16) -> usize {
    ((weight & ((1 << MANTISSA_BITS) - 1)) as usize) << (weight >> MANTISSA_BITS)
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

fn release(e: Entry) {
    crate::heap::allocator::release(e.user(), e.class());
}

/// Queues a freed chunk (its shadow already says freed) and releases what no longer fits.
pub fn push(user: usize, block_bytes: usize, class: Option<usize>) {
    let entry = Entry::new(user, block_bytes, class);
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
                q.bytes += entries.iter().map(Entry::block_bytes).sum::<usize>();
                pushed = true;
            }
            while q.bytes > limit && count < BATCH {
                let Some(old) = q.fifo.pop_front() else {
                    break;
                };
                q.bytes -= old.block_bytes();
                evicted[count] = MaybeUninit::new(old);
                count += 1;
            }
        }
        // SAFETY: the first `count` entries were written above.
        let evicted = unsafe { core::slice::from_raw_parts(evicted.as_ptr().cast(), count) };
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

#[cfg(test)]
mod tests {
    use super::*;

    fn class_of(block_bytes: usize) -> Option<usize> {
        crate::heap::size_class::class_of(block_bytes).map(|c| c.index)
    }

    #[test]
    fn entries_keep_the_address_and_a_class_blocks_exact_size() {
        let user = 0x7fff_ffff_fff0;
        let e = Entry::new(user, 112, class_of(112));
        assert_eq!(
            (e.user(), e.block_bytes(), e.class().is_some()),
            (user, 112, true)
        );
        let e = Entry::new(0x5555_0000_1010, 6144, class_of(6144));
        assert_eq!(
            (e.user(), e.block_bytes(), e.class().is_some()),
            (0x5555_0000_1010, 6144, true)
        );
    }

    #[test]
    fn other_sizes_round_up_by_at_most_a_thirty_second() {
        for bytes in (16..1 << 20)
            .step_by(16)
            .chain([1 << 30, (1 << 42) + 16, 4096 + 32])
        {
            let e = Entry::new(0x1000, bytes, None);
            assert!(e.class().is_none() && e.user() == 0x1000);
            let weight = e.block_bytes();
            assert!(
                weight >= bytes && weight - bytes <= bytes / 32,
                "{bytes} -> {weight}"
            );
        }
    }
}
