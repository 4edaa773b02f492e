//! Blocks that left the quarantine, kept by exact size for the next allocation of that size instead
//! of going back to glibc. A pop costs far less than glibc's slow paths, which is where a
//! quarantine sends every free; and a block that stays ours keeps its "freed" header and shadow
//! until it is reused, so a late use of it is still reported as a use after free. The lists live
//! out of line: a block leaving the quarantine is cold, and touching it would cost a cache miss.

use crate::sync::SpinLock;

/// Blocks (header, user bytes and redzones) of up to this many bytes are recycled.
pub const MAX_BLOCK: usize = 4096;
/// Block sizes are multiples of this; one list per size.
const STEP: usize = 16;
const CLASSES: usize = MAX_BLOCK / STEP + 1;

/// One stack of waiting blocks per block size (internal allocation: glibc's, never ours).
static LISTS: [SpinLock<Vec<usize>>; CLASSES] = [const { SpinLock::new(Vec::new()) }; CLASSES];

fn class_of(block_bytes: usize) -> Option<usize> {
    (block_bytes <= MAX_BLOCK && block_bytes.is_multiple_of(STEP)).then_some(block_bytes / STEP)
}

/// Whether blocks of `block_bytes` are recycled.
pub fn recycles(block_bytes: usize) -> bool {
    class_of(block_bytes).is_some()
}

/// Keeps a freed block of `block_bytes` (a size `recycles` accepts) for reuse.
pub fn put(block: usize, block_bytes: usize) {
    if let Some(class) = class_of(block_bytes) {
        LISTS[class].lock().push(block);
    }
}

/// A recycled block of exactly `block_bytes`, if one is waiting.
pub fn take(block_bytes: usize) -> Option<usize> {
    let class = class_of(block_bytes)?;
    LISTS[class].lock().pop()
}

/// fork: hold every list across the fork so the child sees consistent lists.
pub fn lock_for_fork() {
    for list in &LISTS {
        core::mem::forget(list.lock());
    }
}

pub fn unlock_after_fork() {
    for list in &LISTS {
        unsafe { list.force_unlock() };
    }
}
