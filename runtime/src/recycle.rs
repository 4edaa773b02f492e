//! Blocks that left the quarantine, kept by exact size for the next allocation of that size instead
//! of going back to glibc. A list pop costs far less than glibc's slow paths, which is where a
//! quarantine sends every free; and a block that stays ours keeps its "freed" header and shadow
//! until it is reused, so a late use of it is still reported as a use after free.

use crate::sync::SpinLock;

/// Blocks (header, user bytes and redzones) of up to this many bytes are recycled.
pub const MAX_BLOCK: usize = 4096;
/// Block sizes are multiples of this; one list per size.
const STEP: usize = 16;
const CLASSES: usize = MAX_BLOCK / STEP + 1;
/// Where in a block the list link lives: the first word of the user area, which nothing uses while
/// the block waits here (the header before it must stay intact for reports).
const LINK_OFFSET: usize = 16;

/// One list head per block size, linked through each block's `LINK_OFFSET` word.
static HEADS: [SpinLock<usize>; CLASSES] = [const { SpinLock::new(0) }; CLASSES];

fn class_of(block_bytes: usize) -> Option<usize> {
    (block_bytes <= MAX_BLOCK && block_bytes.is_multiple_of(STEP)).then_some(block_bytes / STEP)
}

/// Keeps a freed block of `block_bytes` for reuse; false if that size is not recycled.
pub fn put(block: usize, block_bytes: usize) -> bool {
    let Some(class) = class_of(block_bytes) else {
        return false;
    };
    let mut head = HEADS[class].lock();
    unsafe { *((block + LINK_OFFSET) as *mut usize) = *head };
    *head = block;
    true
}

/// A recycled block of exactly `block_bytes`, if one is waiting.
pub fn take(block_bytes: usize) -> Option<usize> {
    let class = class_of(block_bytes)?;
    let mut head = HEADS[class].lock();
    let block = *head;
    if block == 0 {
        return None;
    }
    *head = unsafe { *((block + LINK_OFFSET) as *const usize) };
    Some(block)
}

/// fork: hold every list across the fork so the child sees consistent lists.
pub fn lock_for_fork() {
    for head in &HEADS {
        core::mem::forget(head.lock());
    }
}

pub fn unlock_after_fork() {
    for head in &HEADS {
        unsafe { head.force_unlock() };
    }
}
