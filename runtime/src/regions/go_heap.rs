//! Go heap objects: the bounds of the object an address lies in, and whether it is pinned, read
//! from the Go runtime's own span metadata (`runtime.mheap_`, found in the executable's symbol
//! table), so C code can be told which Go object it touched.
//!
//! The path Go itself takes in `spanOf` (runtime/mheap.go) and `findObject`: the arena index
//! `(addr - arenaBaseOffset) / 64 MiB`, `mheap_.arenas[0][index]` (linux/amd64 has one L1 entry),
//! `heapArena.spans[page in arena]`, then the span's `startAddr`, `npages`, `state`, `elemsize`:
//! object = startAddr + (addr - startAddr) / elemsize * elemsize. Pins (`runtime.Pinner`) are the
//! span's `pinnerBits`, two bits per object, the first "pinned". The field offsets are Go 1.26's
//! (read from its DWARF); they are used only when `runtime.buildVersion` says go1.26, and every
//! span read is checked for consistency (the address inside the span, an in-use span, an element
//! size that fits) before it is believed: anything else answers "unknown", never a wrong object.
//! The object an argument points into is alive during the call (cgo keeps it alive), so its span
//! does not change under us; any other span may, which only makes an answer "unknown".

use crate::contract::shadow_value::MANAGED;
use crate::contract::GRANULE;
use crate::traces::elf_symbols::{lookup_in_executable, Range};
use core::sync::atomic::{AtomicUsize, Ordering};

/// Address of `runtime.mheap_`, 0 when unusable (no Go, another Go version).
pub(super) static MHEAP: AtomicUsize = AtomicUsize::new(0);
/// Addresses of `runtime.allgptr` (`**g`) and `runtime.allglen`, the list of every goroutine Go
/// keeps for lock-free readers; 0 when unusable.
pub(super) static ALLGPTR: AtomicUsize = AtomicUsize::new(0);
pub(super) static ALLGLEN: AtomicUsize = AtomicUsize::new(0);

pub(super) const ARENA_BASE_OFFSET: usize = 0xffff_8000_0000_0000;
const HEAP_ARENA_BYTES: usize = 64 << 20;
const ARENA_L2_ENTRIES: usize = 1 << 22;
pub(super) const PAGE_SIZE: usize = 8192;
const PAGES_PER_ARENA: usize = HEAP_ARENA_BYTES / PAGE_SIZE;

// Go 1.26 linux/amd64 offsets.
const MHEAP_ARENAS: usize = 66008;
pub(super) const SPAN_START_ADDR: usize = 24;
pub(super) const SPAN_NPAGES: usize = 32;
pub(super) const SPAN_NELEMS: usize = 50;
const SPAN_PINNER_BITS: usize = 80;
pub(super) const SPAN_STATE: usize = 99;
pub(super) const SPAN_ELEMSIZE: usize = 104;
const SPAN_STATE_DEAD: u8 = 0;
pub(super) const SPAN_STATE_IN_USE: u8 = 1;

/// A Go heap object: [base, base + size).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Object {
    pub base: usize,
    pub size: usize,
    pub(super) span: usize,
    pub(super) index: usize,
}

/// Finds `runtime.mheap_` in a Go 1.26 executable. Start-up only.
pub fn init() {
    let mut found = [Range::default(); 4];
    let names: [&[u8]; 4] = [
        b"runtime.mheap_",
        b"runtime.buildVersion",
        b"runtime.allgptr",
        b"runtime.allglen",
    ];
    if !lookup_in_executable(b".go.buildinfo", &names, &mut found) || found[1].lo == 0 {
        return;
    }
    // runtime.buildVersion is a Go string, {data, len}, initialised statically by the linker.
    let (data, len) = unsafe {
        (
            *(found[1].lo as *const usize),
            *((found[1].lo + 8) as *const usize),
        )
    };
    if data == 0 || !(6..64).contains(&len) {
        return;
    }
    let version = unsafe { core::slice::from_raw_parts(data as *const u8, len) };
    let is_126 =
        version.starts_with(b"go1.26") && !version[6..].first().is_some_and(u8::is_ascii_digit);
    if is_126 && found[0].lo != 0 {
        MHEAP.store(found[0].lo, Ordering::Release);
        if found[2].lo != 0 && found[3].lo != 0 {
            ALLGPTR.store(found[2].lo, Ordering::Release);
            ALLGLEN.store(found[3].lo, Ordering::Release);
        }
    }
}

#[inline]
pub(super) unsafe fn word(addr: usize) -> usize {
    core::ptr::read_volatile(addr as *const usize)
}

/// The span `heapArena.spans` names for `addr`: (span, startAddr, bytes, state). A freed span
/// (`mSpanDead`) keeps its entries until the pages are reused, its fields as they were when it was
/// freed, until its struct is reused: then (0, the page, its size, dead).
pub(super) fn span_at(addr: usize) -> Option<(usize, usize, usize, u8)> {
    let mheap = MHEAP.load(Ordering::Acquire);
    if mheap == 0 || !(0x1000..1 << 47).contains(&addr) {
        return None;
    }
    let index = addr.wrapping_sub(ARENA_BASE_OFFSET) / HEAP_ARENA_BYTES;
    if index >= ARENA_L2_ENTRIES {
        return None;
    }
    unsafe {
        let l2 = word(mheap + MHEAP_ARENAS);
        if l2 == 0 {
            return None;
        }
        let arena = word(l2 + index * 8);
        if arena == 0 {
            return None;
        }
        let page = (addr % HEAP_ARENA_BYTES) / PAGE_SIZE;
        debug_assert!(page < PAGES_PER_ARENA);
        let span = word(arena + page * 8);
        if span == 0 || !span.is_multiple_of(8) {
            return None;
        }
        let start = word(span + SPAN_START_ADDR);
        let npages = word(span + SPAN_NPAGES);
        let state = core::ptr::read_volatile((span + SPAN_STATE) as *const u8);
        let bytes = npages.checked_mul(PAGE_SIZE).unwrap_or(0);
        if addr < start || addr - start >= bytes {
            // A span's entries are rewritten when its pages are handed out again, not when it is
            // freed: an entry naming a span that lies elsewhere is a freed span's whose struct was
            // reused. Its page is all that is known.
            return Some((0, addr & !(PAGE_SIZE - 1), PAGE_SIZE, SPAN_STATE_DEAD));
        }
        Some((span, start, bytes, state))
    }
}

/// The Go heap object holding `addr` (in an in-use span), if the metadata says so consistently.
pub fn object_at(addr: usize) -> Option<Object> {
    let (span, start, span_bytes, state) = span_at(addr)?;
    if state != SPAN_STATE_IN_USE || span == 0 {
        return None;
    }
    let (elemsize, nelems) = unsafe {
        (
            word(span + SPAN_ELEMSIZE),
            core::ptr::read_volatile((span + SPAN_NELEMS) as *const u16) as usize,
        )
    };
    if elemsize == 0 || nelems == 0 || elemsize.checked_mul(nelems)? > span_bytes {
        return None;
    }
    let index = (addr - start) / elemsize;
    if index >= nelems {
        return None;
    }
    Some(Object {
        base: start + index * elemsize,
        size: elemsize,
        span,
        index,
    })
}

/// Whether the object is pinned (`runtime.Pinner.Pin`), read from its span's pin bits.
pub fn is_pinned(object: &Object) -> bool {
    unsafe {
        let bits = word(object.span + SPAN_PINNER_BITS);
        if bits == 0 {
            return false;
        }
        let bit = object.index * 2;
        let byte = core::ptr::read_volatile((bits + bit / 8) as *const u8);
        byte & (1 << (bit % 8)) != 0
    }
}

/// What Go's `-asan` runtime poisoned at an address in a Go object: the object's right redzone
/// (`mallocgc` poisons [size, size + redzone) and unpoisons [0, size) of each object it hands out)
/// or a whole object the sweeper freed (`mgcsweep.go` poisons each object it frees).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GoPoison {
    /// Past the end of a live object whose program bytes are [base, base + size).
    PastObject { base: usize, size: usize },
    /// Inside a slot the garbage collector freed: [base, base + size) is the slot.
    Freed { base: usize, size: usize },
    /// Inside a span the heap took back once the collector had freed all its objects (`mheap.go`
    /// poisons the whole span): [base, base + size) is the span.
    FreedSpan { base: usize, size: usize },
}

/// How many leading bytes of granule `g` are addressable, from its shadow (Go's poison is the
/// only paint in the Go heap besides MANAGED and a lent object's ADDRESSABLE).
fn addressable_prefix(g: usize) -> usize {
    use crate::contract::shadow_value::{ADDRESSABLE, READONLY};
    match crate::shadow::shadow_byte(g) {
        ADDRESSABLE | MANAGED | READONLY => GRANULE,
        k @ 1..=7 => k as usize,
        _ => 0,
    }
}

/// The bytes of a live object's slot [base, base + size) the program asked for: under `-asan`, up
/// to Go's redzone (after a malloc header's poisoned word, if any); else the whole slot.
/// Report path only.
pub fn program_bytes(base: usize, size: usize) -> (usize, usize) {
    let start = if addressable_prefix(base) == 0 && size > GRANULE {
        base + GRANULE
    } else {
        base
    };
    let mut g = start;
    while g < base + size {
        let prefix = addressable_prefix(g);
        if prefix < GRANULE {
            return (start, g + prefix - start);
        }
        g += GRANULE;
    }
    (start, base + size - start)
}

/// Tells the two apart for a poisoned byte `bad` in a Go object: walking back from `bad`, the
/// first addressable byte ends a live object's program bytes; a slot poisoned from its start is
/// freed. Objects with a malloc header (large scan objects) keep their first word poisoned from
/// an earlier life: their data starts after it. Report path only.
pub fn what_was_poisoned(bad: usize) -> Option<GoPoison> {
    let Some(object) = object_at(bad) else {
        // Only a dead heap span: Go's stacks live in manual spans, poisoned when freed too.
        return match span_at(bad)? {
            (_, base, size, SPAN_STATE_DEAD) => Some(GoPoison::FreedSpan { base, size }),
            _ => None,
        };
    };
    let mut g = bad & !(GRANULE - 1);
    while g >= object.base {
        let prefix = addressable_prefix(g);
        if prefix > 0 && g + prefix <= bad {
            let header = object.base + GRANULE <= g
                && addressable_prefix(object.base) == 0
                && addressable_prefix(object.base + GRANULE) > 0;
            let base = object.base + if header { GRANULE } else { 0 };
            return Some(GoPoison::PastObject {
                base,
                size: g + prefix - base,
            });
        }
        if g == object.base {
            break;
        }
        g -= GRANULE;
    }
    Some(GoPoison::Freed {
        base: object.base,
        size: object.size,
    })
}
