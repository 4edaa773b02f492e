//! The Go heap's live memory, for the leak check: whether an address is in an object Go allocated
//! and has not freed (its span's allocation and mark bits), the records that keep objects alive
//! outside the heap (finalizers, cleanups), and the live part of every goroutine's stack (from its
//! saved stack pointer up). The check marks Go objects the way it marks C chunks, from the roots,
//! so a C chunk only unreachable Go memory points to is a leak (docs/go.md, "Leaks in Go programs").
//!
//! Read while the world is stopped: every pointer is checked against `readable` (the process's
//! mappings) before it is followed, and every span and goroutine for consistency, so a thread
//! stopped in the middle of changing them costs at most that one, never a fault. Go 1.26's layout
//! (from its DWARF), used only when `go_heap` recognised the version.

use crate::regions::go_heap::{
    object_at, span_at, word, ALLGLEN, ALLGPTR, MHEAP, SPAN_START_ADDR, SPAN_STATE,
    SPAN_STATE_IN_USE,
};
use core::sync::atomic::Ordering;

// Go 1.26 linux/amd64: runtime.mheap, runtime.mspan, runtime.g.
const MHEAP_SWEEPGEN: usize = 65856;
const MHEAP_ALLSPANS: usize = 65864;
const SPAN_BYTES: usize = 160;
const SPAN_FREEINDEX: usize = 48;
const SPAN_ALLOC_BITS: usize = 64;
const SPAN_GCMARK_BITS: usize = 72;
const SPAN_SWEEPGEN: usize = 88;
const SPAN_SPECIALS: usize = 128;
const SPECIAL_OFFSET: usize = 8;
const SPECIAL_KIND: usize = 16;
/// runtime.specialfinalizer and runtime.specialCleanup: 56 bytes each.
const SPECIAL_RECORD_BYTES: usize = 56;
const KIND_FINALIZER: u8 = 2;
const KIND_CLEANUP: u8 = 7;
const G_BYTES: usize = 456;
const G_STACK_LO: usize = 0;
const G_STACK_HI: usize = 8;
const G_SCHED_SP: usize = 56;
const G_SYSCALLSP: usize = 104;
const G_STATUS: usize = 144;
// runtime/runtime2.go: goroutine states (the scan bit ORed in while the collector scans it).
const G_IDLE: u32 = 0;
const G_RUNNING: u32 = 2;
const G_SYSCALL: u32 = 3;
const G_DEAD: u32 = 6;
const G_COPYSTACK: u32 = 8;
const G_SCAN: u32 = 0x1000;
/// More goroutines or spans than this is no list of ours to trust.
const MAX_ENTRIES: usize = 1 << 28;

/// Whether the Go runtime's tables can be read (a Go 1.26 program).
pub fn walkable() -> bool {
    MHEAP.load(Ordering::Acquire) != 0 && ALLGPTR.load(Ordering::Acquire) != 0
}

#[inline]
unsafe fn byte(addr: usize) -> u8 {
    core::ptr::read_volatile(addr as *const u8)
}

#[inline]
unsafe fn bit(bits: usize, i: usize) -> bool {
    byte(bits + i / 8) & (1 << (i % 8)) != 0
}

/// The live Go object holding `addr`: [base, base + size). Live: its span in use and the object
/// allocated (below the span's free index, or its allocation bit set) and, in a span the
/// collector marked but has not swept yet, marked (an unmarked one there is garbage the sweeper
/// will free).
pub fn live_object_at(addr: usize) -> Option<(usize, usize)> {
    let object = object_at(addr)?;
    let span = object.span;
    let (i, allocated) = unsafe {
        let freeindex = core::ptr::read_volatile((span + SPAN_FREEINDEX) as *const u16) as usize;
        let alloc_bits = word(span + SPAN_ALLOC_BITS);
        let i = object.index;
        (i, i < freeindex || (alloc_bits != 0 && bit(alloc_bits, i)))
    };
    if !allocated {
        return None;
    }
    let sweepgen = unsafe {
        core::ptr::read_volatile((MHEAP.load(Ordering::Acquire) + MHEAP_SWEEPGEN) as *const u32)
    };
    let (span_gen, mark_bits) = unsafe {
        (
            core::ptr::read_volatile((span + SPAN_SWEEPGEN) as *const u32),
            word(span + SPAN_GCMARK_BITS),
        )
    };
    // mheap.go: sweepgen == h.sweepgen - 2, the span needs sweeping (and is not cached: nothing
    // was allocated in it since the mark, which marks what it allocates).
    if span_gen == sweepgen.wrapping_sub(2) && mark_bits != 0 && !unsafe { bit(mark_bits, i) } {
        return None;
    }
    Some((object.base, object.size))
}

/// Calls `f(record_lo, record_hi, object)` for each finalizer and cleanup Go keeps (records
/// outside the heap, on the object's span): Go keeps what they reach alive, and the object a
/// finalizer will run on. False when Go's span list is unreadable.
pub fn for_each_kept_alive(
    readable: &dyn Fn(usize, usize) -> bool,
    mut f: impl FnMut(usize, usize, Option<usize>),
) -> bool {
    let mheap = MHEAP.load(Ordering::Acquire);
    if mheap == 0 {
        return false;
    }
    let (spans, count) = unsafe {
        (
            word(mheap + MHEAP_ALLSPANS),
            word(mheap + MHEAP_ALLSPANS + 8),
        )
    };
    if count > MAX_ENTRIES || !readable(spans, count * 8) {
        return false;
    }
    for i in 0..count {
        let span = unsafe { word(spans + i * 8) };
        if span == 0 || !span.is_multiple_of(8) || !readable(span, SPAN_BYTES) {
            continue;
        }
        if unsafe { byte(span + SPAN_STATE) } != SPAN_STATE_IN_USE {
            continue;
        }
        let start = unsafe { word(span + SPAN_START_ADDR) };
        let mut special = unsafe { word(span + SPAN_SPECIALS) };
        let mut steps = 0;
        while special != 0 && special.is_multiple_of(8) && steps < MAX_ENTRIES {
            if !readable(special, SPECIAL_RECORD_BYTES) {
                break;
            }
            let (next, offset, kind) = unsafe {
                (
                    word(special),
                    core::ptr::read_volatile((special + SPECIAL_OFFSET) as *const u16) as usize,
                    byte(special + SPECIAL_KIND),
                )
            };
            match kind {
                KIND_FINALIZER => f(
                    special,
                    special + SPECIAL_RECORD_BYTES,
                    Some(start + offset),
                ),
                KIND_CLEANUP => f(special, special + SPECIAL_RECORD_BYTES, None),
                _ => {}
            }
            special = next;
            steps += 1;
        }
    }
    true
}

/// One goroutine's stack as Go saved it.
#[derive(Clone, Copy)]
pub struct Goroutine {
    pub lo: usize,
    pub hi: usize,
    /// Where its live part starts (0: unknown, the goroutine is running: its thread's stack
    /// pointer says where).
    pub sp: usize,
}

/// Calls `f` with every goroutine that has a stack (not dead). A goroutine parked, runnable or
/// preempted starts at its saved `sched.sp`, one in a system call or cgo call at `syscallsp`;
/// a running one (or one whose stack is being copied) has `sp` 0.
pub fn for_each_goroutine(readable: &dyn Fn(usize, usize) -> bool, mut f: impl FnMut(Goroutine)) {
    let (at, len) = (
        ALLGPTR.load(Ordering::Acquire),
        ALLGLEN.load(Ordering::Acquire),
    );
    if at == 0 || len == 0 {
        return;
    }
    let (list, count) = unsafe { (word(at), word(len)) };
    if count > MAX_ENTRIES || !readable(list, count * 8) {
        return;
    }
    for i in 0..count {
        let g = unsafe { word(list + i * 8) };
        if g == 0 || !g.is_multiple_of(8) || !readable(g, G_BYTES) {
            continue;
        }
        let (lo, hi, status) = unsafe {
            (
                word(g + G_STACK_LO),
                word(g + G_STACK_HI),
                core::ptr::read_volatile((g + G_STATUS) as *const u32) & !G_SCAN,
            )
        };
        if status == G_IDLE || status == G_DEAD || hi <= lo || !readable(lo, hi - lo) {
            continue;
        }
        let saved = match status {
            G_RUNNING | G_COPYSTACK => 0,
            G_SYSCALL => unsafe { word(g + G_SYSCALLSP) },
            _ => unsafe { word(g + G_SCHED_SP) },
        };
        let sp = if (lo..hi).contains(&saved) { saved } else { 0 };
        f(Goroutine { lo, hi, sp });
    }
}

/// The end of the Go stack span holding `addr` (a signal stack Go allocated, which no goroutine
/// owns), if Go's metadata names one.
pub fn stack_span_end(addr: usize) -> Option<usize> {
    let (_, start, bytes, state) = span_at(addr)?;
    (state != SPAN_STATE_IN_USE && state != 0).then_some(start + bytes)
}
