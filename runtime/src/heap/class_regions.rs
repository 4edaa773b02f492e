//! Fresh blocks: one contiguous region of address space per size class (`size_class.rs`), carved
//! from the bottom up. Blocks of one size then sit side by side with no foreign header between
//! them, so a program walking many objects of one kind (a collector's mark and sweep, a tree)
//! touches dense lines of memory and of shadow, as under ASan's size-class allocator. Blocks
//! carved here are never given back: they leave the quarantine for the recycled lists
//! (`recycle.rs`), like every block of a class.
//!
//! The whole area is one MAP_NORESERVE mapping made on first use: pages cost nothing until a block
//! on them is handed out. What a class has not handed out yet is painted like a left redzone a
//! little ahead of its carving (and a guard below each region), as ASan paints freshly mapped
//! heap: a far overflow or an underflow past the neighbours' redzones lands in something flagged. A class whose region is used up, or a kernel that refuses the mapping,
//! falls back to glibc-carved blocks, which the allocator handles the same way.

use crate::contract::shadow_value::HEAP_LEFT_REDZONE;
use crate::heap::size_class::CLASSES;
use crate::sync::{reserve_once, SpinLock, RESERVATION_FAILED};
use core::sync::atomic::{AtomicUsize, Ordering};

/// Address space for one class.
pub const REGION_BYTES: usize = 1 << 30;

/// A class region past this many carved bytes gets the rest of its shadow in huge pages.
const HUGE_SHADOW_FROM: usize = 16 << 20;

/// Asks for the shadow of a class region beyond HUGE_SHADOW_FROM in huge pages. A quarantine
/// spreads the heap over hundreds of MiB, so the shadow a check reads lies on thousands of 4 KiB
/// pages, more than the TLB holds; in huge pages, the shadow of a class's next 16 MiB costs one
/// TLB entry and one fault. Only classes that grew that big pay for the 2 MiB granularity (a few
/// MiB of RSS), and the blocks themselves stay on small pages: huge pages for them cost more in
/// faults, run to run, than the TLB saves (docs/bench.md).
fn ask_huge_shadow_pages(region: usize) {
    crate::shadow::prefer_huge_pages(region + HUGE_SHADOW_FROM, region + REGION_BYTES);
}

/// Base of the mapping holding every class's region (`sync::reserve_once`'s cell).
static BASE: AtomicUsize = AtomicUsize::new(0);

/// How far a class's never-handed-out space is painted past its carving.
const PAINT_AHEAD: usize = 64 << 10;
/// Painted below each region's start (the top of the region before, never carved unless full):
/// an underflow of the region's first block.
const GUARD_BELOW: usize = 4 << 10;

/// One class's carving, under its lock: painting ahead must never cover a block another thread
/// carved and handed out meanwhile. (The lock is the one locked instruction the atomic add it
/// replaced was, once per 16 fresh blocks.)
struct Carving {
    /// Bytes carved so far (may overshoot REGION_BYTES once it is full).
    carved: usize,
    /// Bytes painted HEAP_LEFT_REDZONE from the region's start (carved blocks are repainted
    /// by the allocation that takes them).
    painted: usize,
}

static CARVING: [SpinLock<Carving>; CLASSES] = [const {
    SpinLock::new(Carving {
        carved: 0,
        painted: 0,
    })
}; CLASSES];

/// Paints what class `class` has not handed out yet, up to PAINT_AHEAD past `carved_to`.
fn paint_ahead(class: usize, region: usize, carving: &mut Carving, from: usize, carved_to: usize) {
    if carved_to + PAINT_AHEAD / 2 <= carving.painted {
        return;
    }
    if carving.painted == 0 && class > 0 {
        crate::shadow::poison(region - GUARD_BELOW, GUARD_BELOW, HEAP_LEFT_REDZONE);
    }
    let lo = carving.painted.max(from);
    let hi = (carved_to + PAINT_AHEAD).min(REGION_BYTES);
    if hi > lo {
        crate::shadow::poison(region + lo, hi - lo, HEAP_LEFT_REDZONE);
    }
    carving.painted = carving.painted.max(hi);
}

/// The class whose region holds `addr`; None for every other address (glibc's blocks included).
#[inline]
pub fn class_holding(addr: usize) -> Option<usize> {
    let base = BASE.load(Ordering::Relaxed);
    if base == 0 || base == RESERVATION_FAILED {
        return None;
    }
    let class = addr.wrapping_sub(base) / REGION_BYTES;
    (class < CLASSES).then_some(class)
}

/// Where class `class`'s region starts, once the regions are mapped.
pub fn region_start(class: usize) -> Option<usize> {
    let base = BASE.load(Ordering::Relaxed);
    (base != 0 && base != RESERVATION_FAILED).then(|| base + class * REGION_BYTES)
}

/// Bytes carved so far from class `class`'s region (may exceed REGION_BYTES once it is full).
/// Read without the carving lock (the leak check runs while a stopped thread may hold it).
pub fn carved_bytes(class: usize) -> usize {
    CARVED_SO_FAR[class].load(Ordering::Acquire)
}

/// `Carving::carved` of each class, mirrored for `carved_bytes`.
static CARVED_SO_FAR: [AtomicUsize; CLASSES] = [const { AtomicUsize::new(0) }; CLASSES];

/// Carves up to `out.len()` fresh blocks of `block_bytes` (class `class`) into `out`, highest
/// address first so that a stack popping from the end hands them out in address order; how many.
pub fn carve(class: usize, block_bytes: usize, out: &mut [usize]) -> usize {
    let Some(base) = reserve_once(&BASE, CLASSES * REGION_BYTES) else {
        return 0;
    };
    let want = out.len() * block_bytes;
    let region = base + class * REGION_BYTES;
    let mut carving = CARVING[class].lock();
    let offset = carving.carved;
    if offset >= REGION_BYTES {
        return 0;
    }
    carving.carved += want;
    CARVED_SO_FAR[class].store(carving.carved, Ordering::Release);
    let count = ((REGION_BYTES - offset) / block_bytes).min(out.len());
    paint_ahead(
        class,
        region,
        &mut carving,
        offset,
        offset + count * block_bytes,
    );
    drop(carving);
    let first = region + offset;
    if offset < HUGE_SHADOW_FROM && offset + want >= HUGE_SHADOW_FROM {
        ask_huge_shadow_pages(region);
    }
    crate::heap::prefault::carved(class, region, REGION_BYTES, offset + count * block_bytes);
    for (i, slot) in out[..count].iter_mut().enumerate() {
        *slot = first + (count - 1 - i) * block_bytes;
    }
    count
}

/// fork: no carving lock may be held by a thread that does not exist in the child.
pub fn lock_for_fork() {
    for carving in &CARVING {
        core::mem::forget(carving.lock());
    }
}

pub fn unlock_after_fork() {
    for carving in &CARVING {
        unsafe { carving.force_unlock() };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn carved_blocks_are_adjacent_and_handed_out_in_address_order() {
        let class = crate::heap::size_class::class_of(112).unwrap();
        let mut first = [0; 4];
        let mut second = [0; 4];
        assert_eq!(carve(class.index, class.block_bytes, &mut first), 4);
        assert_eq!(carve(class.index, class.block_bytes, &mut second), 4);
        // A stack pops from the end: the lowest address comes out first.
        for pair in first.windows(2) {
            assert_eq!(pair[0], pair[1] + class.block_bytes);
        }
        let base = BASE.load(Ordering::Relaxed);
        let region = base + class.index * REGION_BYTES;
        assert!(first[3] >= region && second[0] < region + REGION_BYTES);
        // Each block is fresh, zeroed, writable memory of its own.
        assert_ne!(first[3], second[3]);
        let bytes = unsafe { core::slice::from_raw_parts_mut(first[0] as *mut u8, 112) };
        assert!(bytes.iter().all(|&b| b == 0));
        bytes.fill(0xab);
    }
}
