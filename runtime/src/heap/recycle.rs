//! Blocks that left the quarantine, kept by size class (`size_class.rs`) for the next allocation of
//! that class instead of going back to glibc. A pop costs far less than glibc's slow paths, which is where a
//! quarantine sends every free; and a block that stays ours keeps its "freed" header and shadow
//! until it is reused, so a late use of it is still reported as a use after free. The lists live
//! out of line: a block leaving the quarantine is cold, and touching it would cost a cache miss.
//!
//! Each thread keeps a short stack per class in its cache: no lock and no atomic instruction on the
//! common path. A locked instruction waits for every store before it to reach the cache, and right
//! after a free those are the cold stores that painted the shadow. Behind the thread stacks, each
//! class's waiting blocks are shared, touched half a stack at a time, and handed out lowest
//! address first (`block_set.rs`): the quarantine releases blocks in the order the program freed
//! them, which after a few rounds of a collector is all over the class's region, and objects
//! allocated together would land pages apart (docs/design.md, "Recycling in address order").

use crate::heap::block_set::BlockSet;
use crate::heap::size_class::{self, Class, CLASSES};
use crate::sync::SpinLock;
use crate::{heap::class_regions, heap::thread_cache, shadow};
use core::sync::atomic::{AtomicUsize, Ordering};

/// Blocks a thread keeps per class; it moves half of them at once to or from the shared set.
const LOCAL_CAPACITY: usize = 16;
const MOVE: usize = LOCAL_CAPACITY / 2;

/// The blocks of one class waiting for reuse.
struct Waiting {
    /// Blocks of the class's region, by address.
    in_region: BlockSet,
    /// Blocks glibc carved for the class (its region was full or could not be mapped), or any the
    /// set could not take; internal allocation (glibc's, never ours).
    elsewhere: Vec<usize>,
}

impl Waiting {
    fn len(&self) -> usize {
        self.in_region.count() + self.elsewhere.len()
    }
}

/// A class's shared blocks, on cache lines of its own: threads working on different classes
/// never contend for a line.
#[repr(align(64))]
struct Shared {
    waiting: SpinLock<Waiting>,
    /// How many blocks wait, readable without the lock, so an empty class costs no lock.
    len: AtomicUsize,
}

static SHARED: [Shared; CLASSES] = [const {
    Shared {
        waiting: SpinLock::new(Waiting {
            in_region: BlockSet::EMPTY,
            elsewhere: Vec::new(),
        }),
        len: AtomicUsize::new(0),
    }
}; CLASSES];

/// A thread's own stacks (part of its cache; all zero = empty).
pub struct LocalLists {
    lists: [LocalList; CLASSES],
}

struct LocalList {
    count: usize,
    blocks: [usize; LOCAL_CAPACITY],
}

/// A block's number in its class's region (32-bit division: a region is 1 GiB).
fn block_number(offset: usize, block_bytes: usize) -> usize {
    (offset as u32 / block_bytes as u32) as usize
}

fn push_shared(class: usize, blocks: &[usize]) {
    let region = class_regions::region_start(class);
    let block_bytes = size_class::class_block_bytes(class);
    let mut waiting = SHARED[class].waiting.lock();
    for &block in blocks {
        let kept = match region {
            Some(start) if block.wrapping_sub(start) < class_regions::REGION_BYTES => {
                let number = block_number(block - start, block_bytes);
                waiting.in_region.insert(class, number)
            }
            _ => false,
        };
        if !kept {
            waiting.elsewhere.push(block);
        }
    }
    SHARED[class].len.store(waiting.len(), Ordering::Relaxed);
}

/// Moves up to `out.len()` waiting blocks into `out`, to be popped from the end: the region's
/// lowest block comes out first (any glibc-carved ones before it); how many.
fn pop_shared(class: usize, out: &mut [usize]) -> usize {
    if SHARED[class].len.load(Ordering::Relaxed) == 0 {
        return 0;
    }
    let mut waiting = SHARED[class].waiting.lock();
    let mut n = match class_regions::region_start(class) {
        Some(start) => {
            let n = waiting.in_region.take_lowest(class, out);
            out[..n].reverse();
            let block_bytes = size_class::class_block_bytes(class);
            for block in &mut out[..n] {
                *block = start + *block * block_bytes;
            }
            n
        }
        None => 0,
    };
    while n < out.len() {
        let Some(block) = waiting.elsewhere.pop() else {
            break;
        };
        out[n] = block;
        n += 1;
    }
    SHARED[class].len.store(waiting.len(), Ordering::Relaxed);
    n
}

/// Keeps a freed block of size class `class` (its index) for reuse.
pub fn put(block: usize, class: usize) {
    let Some(cache) = thread_cache::current() else {
        push_shared(class, &[block]);
        return;
    };
    let local = unsafe { &mut (*cache).recycle.lists[class] };
    if local.count == LOCAL_CAPACITY {
        // Spill the older half.
        push_shared(class, &local.blocks[..MOVE]);
        local.blocks.copy_within(MOVE.., 0);
        local.count = LOCAL_CAPACITY - MOVE;
    }
    local.blocks[local.count] = block;
    local.count += 1;
}

/// A block of `class`: a recycled one if one is waiting, else a fresh one from its class's region.
pub fn take(class: Class) -> Option<usize> {
    let (class, block_bytes) = (class.index, class.block_bytes);
    let Some(cache) = thread_cache::current() else {
        let mut one = [0];
        let got = pop_shared(class, &mut one) == 1
            || class_regions::carve(class, block_bytes, &mut one) == 1;
        return got.then_some(one[0]);
    };
    let local = unsafe { &mut (*cache).recycle.lists[class] };
    if local.count == 0 {
        local.count = pop_shared(class, &mut local.blocks[..MOVE]);
        if local.count == 0 {
            local.count = class_regions::carve(class, block_bytes, &mut local.blocks);
        }
        if local.count == 0 {
            return None;
        }
    }
    local.count -= 1;
    if local.count > 0 {
        prefetch_for_reuse(local.blocks[local.count - 1]);
    }
    Some(local.blocks[local.count])
}

/// The next block this thread will hand out is cold (it was freed a whole quarantine ago, or never
/// touched): the allocator will write its header, its shadow and, through the program, its first
/// bytes. Asking for those lines one allocation ahead overlaps the misses with the program's own
/// work instead of stalling on them in the next malloc.
fn prefetch_for_reuse(block: usize) {
    crate::sync::prefetch(block);
    crate::sync::prefetch(shadow::shadow_addr(block) as usize);
}

/// A thread is going away: its blocks go to the shared lists.
pub fn flush(local: &mut LocalLists) {
    for (class, list) in local.lists.iter_mut().enumerate() {
        if list.count > 0 {
            push_shared(class, &list.blocks[..list.count]);
            list.count = 0;
        }
    }
}

/// fork: hold every list across the fork so the child sees consistent lists.
pub fn lock_for_fork() {
    for shared in &SHARED {
        core::mem::forget(shared.waiting.lock());
    }
}

pub fn unlock_after_fork() {
    for shared in &SHARED {
        unsafe { shared.waiting.force_unlock() };
    }
}
