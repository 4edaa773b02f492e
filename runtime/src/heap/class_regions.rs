//! Fresh blocks: one contiguous region of address space per size class (`size_class.rs`), carved
//! from the bottom up. Blocks of one size then sit side by side with no foreign header between
//! them, so a program walking many objects of one kind (a collector's mark and sweep, a tree)
//! touches dense lines of memory and of shadow, as under ASan's size-class allocator. Blocks
//! carved here are never given back: they leave the quarantine for the recycled lists
//! (`recycle.rs`), like every block of a class.
//!
//! The whole area is one MAP_NORESERVE mapping made on first use: pages cost nothing until a block
//! on them is handed out. A class whose region is used up, or a kernel that refuses the mapping,
//! falls back to glibc-carved blocks, which the allocator handles the same way.

use crate::heap::size_class::CLASSES;
use crate::sync::{reserve_once, RESERVATION_FAILED};
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

/// Bytes carved so far from each class's region (may overshoot REGION_BYTES once it is full).
static CARVED: [AtomicUsize; CLASSES] = [const { AtomicUsize::new(0) }; CLASSES];

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

/// Carves up to `out.len()` fresh blocks of `block_bytes` (class `class`) into `out`, highest
/// address first so that a stack popping from the end hands them out in address order; how many.
pub fn carve(class: usize, block_bytes: usize, out: &mut [usize]) -> usize {
    let Some(base) = reserve_once(&BASE, CLASSES * REGION_BYTES) else {
        return 0;
    };
    let want = out.len() * block_bytes;
    let offset = CARVED[class].fetch_add(want, Ordering::Relaxed);
    if offset >= REGION_BYTES {
        return 0;
    }
    let count = ((REGION_BYTES - offset) / block_bytes).min(out.len());
    let region = base + class * REGION_BYTES;
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
