//! Shadow memory: one byte per 8-byte granule of application memory, mapped once at start-up.

use crate::contract::{shadow_value, APP_END, GRANULE, SHADOW_OFFSET, SHADOW_SCALE, SHADOW_SIZE};
use core::sync::atomic::{AtomicU8, Ordering};

/// 0: not mapped yet; 1: a thread is mapping it; 2: mapped.
static MAPPED: AtomicU8 = AtomicU8::new(0);

/// Maps the whole shadow (16 TiB of address space, MAP_NORESERVE: pages cost nothing until written).
/// Called first thing by the allocator and by init; safe to call from any thread, any number of times.
pub fn ensure_mapped() {
    if MAPPED.load(Ordering::Acquire) == 2 {
        return;
    }
    if MAPPED
        .compare_exchange(0, 1, Ordering::Acquire, Ordering::Acquire)
        .is_err()
    {
        // Another thread maps it (only ever at start-up): wait for it.
        while MAPPED.load(Ordering::Acquire) != 2 {
            core::hint::spin_loop();
        }
        return;
    }
    // MAP_FIXED_NOREPLACE: fail rather than replace anything mapped in the range.
    let p = unsafe {
        libc::mmap(
            SHADOW_OFFSET as *mut libc::c_void,
            SHADOW_SIZE,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE
                | libc::MAP_ANONYMOUS
                | libc::MAP_NORESERVE
                | libc::MAP_FIXED_NOREPLACE,
            -1,
            0,
        )
    };
    if p != SHADOW_OFFSET as *mut libc::c_void {
        crate::sync::die(b"ffisan: fatal: cannot map the shadow memory at [0x7fff8000, 0x10007fff8000) (16 TiB, MAP_NORESERVE): something is mapped there already, or the address space is limited (ulimit -v)\n");
    }
    MAPPED.store(2, Ordering::Release);
}

#[inline(always)]
pub fn shadow_addr(addr: usize) -> *mut u8 {
    ((addr >> SHADOW_SCALE) + SHADOW_OFFSET) as *mut u8
}

/// Whether `addr` is an address the shadow covers (user space). Wild pointers above it are "unknown".
#[inline(always)]
pub fn covers(addr: usize) -> bool {
    addr < APP_END
}

/// The shadow byte of the granule holding `addr` (0 for addresses the shadow does not cover).
#[inline(always)]
pub fn shadow_byte(addr: usize) -> u8 {
    if !covers(addr) {
        return shadow_value::ADDRESSABLE;
    }
    unsafe { core::ptr::read_volatile(shadow_addr(addr)) }
}

/// Whether a single byte at `addr` is addressable for a load (READONLY counts as addressable).
#[inline]
pub fn byte_is_readable(addr: usize) -> bool {
    let s = shadow_byte(addr);
    s == shadow_value::ADDRESSABLE
        || s == shadow_value::READONLY
        || ((shadow_value::READONLY_PARTIAL_MIN..=shadow_value::READONLY_PARTIAL_MAX).contains(&s)
            && (addr % GRANULE) < (s & 7) as usize)
        || ((s as i8) > 0 && s < GRANULE as u8 && (addr % GRANULE) < s as usize)
}

/// Sets the shadow of [addr, addr+size) to `value`. `addr` must be granule-aligned; a trailing
/// partial granule gets `value` too (use `unpoison` for "first k bytes addressable").
#[inline]
pub fn poison(addr: usize, size: usize, value: u8) {
    debug_assert!(addr.is_multiple_of(GRANULE));
    if size == 0 || !covers(addr) {
        return;
    }
    let end = (addr.saturating_add(size)).min(APP_END);
    fill(addr, value, (end - addr).div_ceil(GRANULE));
}

/// Makes [addr, addr+size) addressable; a trailing partial granule records how many bytes are valid.
#[inline]
pub fn unpoison(addr: usize, size: usize) {
    debug_assert!(addr.is_multiple_of(GRANULE));
    if !covers(addr) {
        return;
    }
    let full = size / GRANULE;
    fill(addr, shadow_value::ADDRESSABLE, full);
    let rest = size % GRANULE;
    if rest != 0 {
        unsafe { *shadow_addr(addr + full * GRANULE) = rest as u8 };
    }
}

/// Poisons only the granules that lie wholly inside [lo, hi) (for regions not aligned to 8 bytes).
pub fn poison_inner(lo: usize, hi: usize, value: u8) {
    let start = lo.next_multiple_of(GRANULE);
    let end = hi & !(GRANULE - 1);
    if end > start {
        poison(start, end - start, value);
    }
}

/// Like `poison_inner` but only overwrites granules whose shadow is currently `only_if`.
/// Used when unregistering a region, so chunks or read-only data inside it keep their state.
pub fn repaint_inner(lo: usize, hi: usize, only_if: u8, value: u8) {
    repaint_granules(lo, hi, |s| if s == only_if { value } else { s });
}

/// Rewrites the shadow byte of each granule wholly inside [lo, hi) as `new` says; only bytes
/// that change are written (untouched shadow pages of a big range stay unmapped).
fn repaint_granules(lo: usize, hi: usize, new: impl Fn(u8) -> u8) {
    let start = lo.next_multiple_of(GRANULE);
    let end = (hi & !(GRANULE - 1)).min(APP_END);
    let mut a = start;
    while a < end {
        let p = shadow_addr(a);
        // SAFETY: the shadow byte of a granule of the range.
        unsafe {
            let value = new(*p);
            if value != *p {
                *p = value;
            }
        }
        a += GRANULE;
    }
}

/// Paints the granules wholly inside [lo, hi) read-only and keeps what a registered global said
/// of them: addressable becomes READONLY, a partial k READONLY | k; a redzone (or anything else
/// already painted) stays. Mostly zero words: those take one store.
pub fn paint_readonly(lo: usize, hi: usize) {
    let start = lo.next_multiple_of(GRANULE);
    let end = (hi & !(GRANULE - 1)).min(APP_END);
    let mut a = start;
    while a < end {
        let p = shadow_addr(a);
        if (p as usize).is_multiple_of(8) && a + 8 * GRANULE <= end {
            // SAFETY: 8 shadow bytes of the range, aligned.
            let word = unsafe { &mut *(p as *mut u64) };
            if *word == 0 {
                *word = u64::from_ne_bytes([shadow_value::READONLY; 8]);
                a += 8 * GRANULE;
                continue;
            }
        }
        // SAFETY: the shadow byte of a granule of the range.
        unsafe {
            if *p < GRANULE as u8 {
                *p |= shadow_value::READONLY;
            }
        }
        a += GRANULE;
    }
}

/// Undoes `paint_readonly` and a registered global's painting in [lo, hi) (a module is gone):
/// READONLY, READONLY | k, a global's partial k and GLOBAL_REDZONE granules become addressable.
pub fn unpaint_module(lo: usize, hi: usize) {
    repaint_granules(lo, hi, |s| {
        let painted = s & 0xf8 == shadow_value::READONLY
            || s < GRANULE as u8
            || s == shadow_value::GLOBAL_REDZONE;
        if painted {
            0
        } else {
            s
        }
    });
}

/// Sets the shadow of `count` granules from the granule-aligned `addr` to `value`. Runs are mostly
/// short (a fake frame, a small chunk): a few stores, inline, beat a call to memset; big zero runs
/// give their shadow pages back instead.
#[inline]
pub fn fill(addr: usize, value: u8, count: usize) {
    let first = shadow_addr(addr);
    if count > 64 {
        return fill_long(first, value, count);
    }
    // Sixteen granules per store and one more sixteen ending at the run's end (overlapping the
    // last full one), or two overlapping narrower stores for a shorter run: no loop, no byte by
    // byte tail (chunks' redzones and user bytes are mostly a few granules), no memset call.
    // Unaligned stores of whole words: the shadow of a granule-aligned address has any alignment.
    let word = u64::from_ne_bytes([value; 8]);
    let (half, quarter) = (word as u32, word as u16);
    unsafe {
        if count >= 16 {
            let wide = core::arch::x86_64::_mm_set1_epi8(value as i8);
            let store = |at: usize| {
                core::arch::x86_64::_mm_storeu_si128(first.add(at).cast(), wide);
            };
            store(0);
            if count > 32 {
                store(16);
            }
            if count > 48 {
                store(32);
            }
            store(count - 16);
        } else if count >= 8 {
            first.cast::<u64>().write_unaligned(word);
            first.add(count - 8).cast::<u64>().write_unaligned(word);
        } else if count >= 4 {
            first.cast::<u32>().write_unaligned(half);
            first.add(count - 4).cast::<u32>().write_unaligned(half);
        } else if count >= 2 {
            first.cast::<u16>().write_unaligned(quarter);
            first.add(count - 2).cast::<u16>().write_unaligned(quarter);
        } else if count == 1 {
            first.write(value);
        }
    }
}

/// Asks the kernel for transparent huge pages for the shadow of [lo, hi) (advice only: a kernel
/// with them off ignores it). Only whole 2 MiB pages of shadow inside the range become huge.
pub fn prefer_huge_pages(lo: usize, hi: usize) {
    const HUGE_PAGE: usize = 2 << 20;
    let from = (shadow_addr(lo) as usize).next_multiple_of(HUGE_PAGE);
    let to = shadow_addr(hi) as usize & !(HUGE_PAGE - 1);
    if from < to {
        // SAFETY: advice on part of the shadow mapping, which is mapped once and never unmapped.
        unsafe { libc::madvise(from as *mut libc::c_void, to - from, libc::MADV_HUGEPAGE) };
    }
}

#[inline(never)]
fn fill_long(first: *mut u8, value: u8, count: usize) {
    const PAGE: usize = 4096;
    let (lo, hi) = (first as usize, first as usize + count);
    let (inner_lo, inner_hi) = (lo.next_multiple_of(PAGE), hi & !(PAGE - 1));
    if value == 0 && inner_hi >= inner_lo + 16 * PAGE {
        unsafe {
            core::ptr::write_bytes(first, 0, inner_lo - lo);
            libc::madvise(
                inner_lo as *mut libc::c_void,
                inner_hi - inner_lo,
                libc::MADV_DONTNEED,
            );
            core::ptr::write_bytes(inner_hi as *mut u8, 0, hi - inner_hi);
        }
    } else {
        unsafe { core::ptr::write_bytes(first, value, count) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_sets_exactly_its_run() {
        ensure_mapped();
        // Shadow of an application range nothing else in this test process paints.
        let base = 0x1234_0000_0000usize;
        for start in 0..9 {
            for count in 0..=70 {
                let lo = base + start * GRANULE;
                fill(base, 0x11, 96);
                fill(lo, 0xfd, count);
                for g in 0..96 {
                    let inside = g >= start && g < start + count;
                    let want = if inside { 0xfd } else { 0x11 };
                    assert_eq!(
                        shadow_byte(base + g * GRANULE),
                        want,
                        "start {start} count {count} granule {g}"
                    );
                }
            }
        }
    }
}
