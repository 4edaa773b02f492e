//! Managed (garbage-collected) regions: the public registration API, Go heap detection through the
//! mmap/munmap interposition, and call windows.
//!
//! Registered regions are painted MANAGED in the shadow, so native accesses to them take the slow
//! path, where `managed_policy` and the call window decide. Regions of the same name that touch are
//! kept merged (Go maps its heap in adjacent 64 MiB arenas: one `go-heap` region). Unregistering any
//! part of a region splits it, and only MANAGED granules go back to addressable.

// The `unsafe extern "C"` functions here are C entry points (interposed libc functions or hooks the
// pass calls): their safety contract is the C function's own.
#![allow(clippy::missing_safety_doc)]

use crate::contract::shadow_value::{ADDRESSABLE, MANAGED};
use crate::errors::{FixedStr, RegionInfo, RegionKind};
use crate::shadow;
use crate::sync::SpinLock;
use core::fmt::Write;
use core::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, AtomicUsize, Ordering};
use libc::{c_char, c_int, c_void};

const MAX_REGIONS: usize = 1024;
pub const GO_HEAP: &str = "go-heap";

#[derive(Clone, Copy)]
struct Region {
    lo: usize,
    hi: usize,
    name: FixedStr<64>,
}

struct Table {
    regions: [Region; MAX_REGIONS],
    count: usize,
}

const EMPTY: Region = Region {
    lo: 0,
    hi: 0,
    name: FixedStr::new(),
};
static TABLE: SpinLock<Table> = SpinLock::new(Table {
    regions: [EMPTY; MAX_REGIONS],
    count: 0,
});
/// `TABLE.count`, readable without the lock (munmap checks it on every call).
static COUNT: AtomicUsize = AtomicUsize::new(0);
/// Counts the calls that took memory out of a region (`lent.rs` asks whether one happened while
/// an object was lent before it makes the object MANAGED again).
pub static UNREGISTERED: AtomicUsize = AtomicUsize::new(0);

impl Table {
    fn push(&mut self, r: Region) -> bool {
        if self.count == MAX_REGIONS {
            return false;
        }
        self.regions[self.count] = r;
        self.count += 1;
        true
    }

    fn remove_at(&mut self, i: usize) {
        self.count -= 1;
        self.regions[i] = self.regions[self.count];
    }

    /// Cuts [lo, hi) out of every region. Returns false if a split found the table full (the
    /// right-hand piece is then lost; the caller unpaints it with the rest).
    fn cut(&mut self, lo: usize, hi: usize) -> (bool, usize, usize) {
        let mut ok = true;
        let (mut lost_lo, mut lost_hi) = (0, 0);
        let mut i = 0;
        while i < self.count {
            let r = self.regions[i];
            if r.hi <= lo || r.lo >= hi {
                i += 1;
                continue;
            }
            let left = Region { hi: lo, ..r };
            let right = Region { lo: hi, ..r };
            match (left.lo < left.hi, right.lo < right.hi) {
                (false, false) => {
                    self.remove_at(i);
                    continue; // the moved-in region is at i now
                }
                (true, false) => self.regions[i] = left,
                (false, true) => self.regions[i] = right,
                (true, true) => {
                    self.regions[i] = left;
                    if !self.push(right) {
                        ok = false;
                        (lost_lo, lost_hi) = (right.lo, right.hi);
                    }
                }
            }
            i += 1;
        }
        (ok, lost_lo, lost_hi)
    }
}

pub fn name_from_c(name: *const c_char) -> FixedStr<64> {
    if name.is_null() {
        return FixedStr::from_str("managed");
    }
    let bytes = unsafe { core::ffi::CStr::from_ptr(name) }.to_bytes();
    FixedStr::from_str(crate::regions::modules::utf8_prefix(
        &bytes[..bytes.len().min(64)],
    ))
}

/// Records [lo, hi) as managed region `name` and paints it. Returns false if the table is full
/// (nothing is painted then: an unknown region is better than a false report).
pub fn register(lo: usize, hi: usize, name: FixedStr<64>) -> bool {
    if hi <= lo {
        return true;
    }
    shadow::ensure_mapped();
    let mut table = TABLE.lock();
    // Already covered by a region of this name (Go maps an arena twice: reserve, then commit).
    if table.regions[..table.count]
        .iter()
        .any(|r| r.lo <= lo && r.hi >= hi && r.name.as_str() == name.as_str())
    {
        return true;
    }
    table.cut(lo, hi);
    let (mut new_lo, mut new_hi) = (lo, hi);
    let mut i = 0;
    while i < table.count {
        let r = table.regions[i];
        if r.name.as_str() == name.as_str() && (r.hi == new_lo || r.lo == new_hi) {
            new_lo = new_lo.min(r.lo);
            new_hi = new_hi.max(r.hi);
            table.remove_at(i);
            i = 0;
            continue;
        }
        i += 1;
    }
    let ok = table.push(Region {
        lo: new_lo,
        hi: new_hi,
        name,
    });
    COUNT.store(table.count, Ordering::Release);
    drop(table);
    if ok {
        shadow::poison_inner(lo, hi, MANAGED);
    } else {
        log(b"ffisan: managed region table full; region not registered\n");
    }
    ok
}

/// Forgets [lo, hi) from every managed region and unpaints it (MANAGED granules only, so chunks
/// or read-only data inside keep their state).
pub fn unregister(lo: usize, hi: usize) {
    if hi <= lo || COUNT.load(Ordering::Acquire) == 0 {
        return;
    }
    let mut table = TABLE.lock();
    UNREGISTERED.fetch_add(1, Ordering::AcqRel);
    let (ok, lost_lo, lost_hi) = table.cut(lo, hi);
    COUNT.store(table.count, Ordering::Release);
    drop(table);
    shadow::repaint_inner(lo, hi, MANAGED, ADDRESSABLE);
    if !ok {
        shadow::repaint_inner(lost_lo, lost_hi, MANAGED, ADDRESSABLE);
    }
}

/// The managed region holding `addr`, if any.
/// Calls `f` with [lo, hi) of every managed region (the leak check scans their readable parts:
/// a C chunk a live Go object points to is not a leak).
pub fn for_each_region(mut f: impl FnMut(usize, usize)) {
    if COUNT.load(Ordering::Acquire) == 0 {
        return;
    }
    let table = TABLE.lock();
    for r in &table.regions[..table.count] {
        f(r.lo, r.hi);
    }
}

pub fn find(addr: usize) -> Option<RegionInfo> {
    if COUNT.load(Ordering::Acquire) == 0 {
        return None;
    }
    let table = TABLE.lock();
    let r = table.regions[..table.count]
        .iter()
        .find(|r| addr >= r.lo && addr < r.hi)?;
    Some(RegionInfo {
        kind: RegionKind::Managed,
        lo: r.lo,
        hi: r.hi,
        name: FixedStr::from_str(r.name.as_str()),
    })
}

/// The last `go-heap` region `find_go_heap` found, packed in one word so a reader never sees half
/// of an update: its first and end arena (Go reserves whole 64 MiB arenas) and `UNREGISTERED`'s
/// low bits when it was found (any unregistering since makes it stale). 0: none.
static GO_HEAP_CACHE: AtomicU64 = AtomicU64::new(0);
const ARENA_SHIFT: u32 = 26;
const ARENA_BITS: u32 = 21;
const ARENA_MASK: u64 = (1 << ARENA_BITS) - 1;

/// The `go-heap` region holding `addr`, as [lo, hi), if it is the one found last: no lock. Go's
/// `-asan` runtime unpoisons every object it hands out, and each unpoison of a slot the sweeper
/// had poisoned asks whose memory it is.
#[inline]
pub fn cached_go_heap(addr: usize) -> Option<(usize, usize)> {
    let cached = GO_HEAP_CACHE.load(Ordering::Acquire);
    let generation = UNREGISTERED.load(Ordering::Acquire) as u64 & ARENA_MASK;
    if cached == 0 || cached >> (2 * ARENA_BITS) != generation {
        return None;
    }
    let lo = ((cached & ARENA_MASK) as usize) << ARENA_SHIFT;
    let hi = (((cached >> ARENA_BITS) & ARENA_MASK) as usize) << ARENA_SHIFT;
    (addr >= lo && addr < hi).then_some((lo, hi))
}

/// Remembers `r` for `cached_go_heap` when it is a `go-heap` region of whole arenas.
pub fn remember_go_heap(r: &RegionInfo) {
    // Read before the region was looked up would be safer; read now it can only be newer, and a
    // newer count than the lookup saw only makes the entry look valid for one unregistering more,
    // which is the same race a locked lookup has with an unregistering that follows it.
    let generation = UNREGISTERED.load(Ordering::Acquire) as u64 & ARENA_MASK;
    let arena = (1usize << ARENA_SHIFT) - 1;
    let fits = |a: usize| a & arena == 0 && (a >> ARENA_SHIFT) as u64 <= ARENA_MASK;
    if r.name.as_str() == GO_HEAP && fits(r.lo) && fits(r.hi) {
        let packed = (generation << (2 * ARENA_BITS))
            | (((r.hi >> ARENA_SHIFT) as u64) << ARENA_BITS)
            | (r.lo >> ARENA_SHIFT) as u64;
        GO_HEAP_CACHE.store(packed, Ordering::Release);
    }
}

/// The calling thread now runs native code for a managed caller (a cgo call). Windows nest.
#[inline]
pub fn enter_window() {
    let depth = &crate::thread_state::current().window_depth;
    depth.set(depth.get().saturating_add(1));
}

#[inline]
pub fn leave_window() {
    let depth = &crate::thread_state::current().window_depth;
    depth.set(depth.get().saturating_sub(1));
}

// ---- Go heap detection: with cgo the Go runtime maps its heap through libc's mmap (x_cgo_mmap).

/// 0 = not yet known, 1 = not a cgo program, 2 = cgo program.
static IS_CGO: AtomicU8 = AtomicU8::new(0);

pub fn is_cgo_program() -> bool {
    let mut v = IS_CGO.load(Ordering::Relaxed);
    if v == 0 {
        // runtime/cgo exports crosscall2 and _cgo_topofstack to the dynamic symbol table of every
        // cgo program (x_cgo_mmap itself is not exported from executables).
        let found =
            |s: &core::ffi::CStr| !unsafe { libc::dlsym(libc::RTLD_DEFAULT, s.as_ptr()) }.is_null();
        let cgo = found(c"x_cgo_mmap") || (found(c"crosscall2") && found(c"_cgo_topofstack"));
        v = if cgo { 2 } else { 1 };
        IS_CGO.store(v, Ordering::Relaxed);
    }
    v == 2
}

/// Go reserves its heap in 64 MiB arenas at addresses it asks for (the arena hints), with
/// `mmap(hint, n, PROT_NONE, MAP_PRIVATE|MAP_ANONYMOUS)` (sysReserve), and commits parts of it later
/// with MAP_FIXED (sysMap). Before Go 1.26 the hints were `i<<40 | 0x00c0<<32` (first arena at
/// 0xc000000000); Go 1.26 randomises the heap base (random 64 MiB-aligned hints below 2^46). So we
/// recognise the reservation itself: that exact call, hint and length multiples of 64 MiB, outside
/// our shadow.
const GO_ARENA: usize = 64 << 20;

/// The shape of Go's arena reservations, hinted or not: a multiple of 64 MiB, no access, private
/// and anonymous, nothing else.
fn is_go_arena_shape(len: usize, prot: c_int, flags: c_int) -> bool {
    len != 0
        && len.is_multiple_of(GO_ARENA)
        && prot == libc::PROT_NONE
        && flags == libc::MAP_PRIVATE | libc::MAP_ANONYMOUS
}

/// Whether [lo, lo + len) lies outside our shadow (which is also a big aligned mapping, made by us).
fn outside_shadow(lo: usize, len: usize) -> bool {
    let shadow = crate::contract::SHADOW_OFFSET
        ..crate::contract::SHADOW_OFFSET + crate::contract::SHADOW_SIZE;
    lo.checked_add(len)
        .is_some_and(|end| end <= shadow.start || lo >= shadow.end)
}

/// Set when Go asked for an arena at a hint the kernel did not grant (Go gives that mapping back
/// and tries its next hint); cleared when a hinted arena is granted. The shadow covers 64 of the
/// 256 random heap bases of Go 1.26 (2^44 of 2^46), and in about 1 run in 256 all 64 hints Go
/// tries lie inside it. Go then reserves `n + 64 MiB` with no hint and trims it to an aligned
/// arena with two munmaps (sysReserveAligned): that reservation, right after refused hints, is
/// the Go heap too, and the munmaps cut the trimmed ends out of the region again.
static GO_HINT_REFUSED: AtomicBool = AtomicBool::new(false);

/// Whether the mapping `mmap(hint, len, prot, flags)` gave at `result` is a Go heap reservation,
/// hinted or Go's unhinted fallback after refused hints. Notes refused hints.
fn is_go_heap_reservation(
    hint: usize,
    len: usize,
    prot: c_int,
    flags: c_int,
    result: usize,
) -> bool {
    if !is_go_arena_shape(len, prot, flags) || !is_cgo_program() {
        return false;
    }
    if hint == 0 {
        return len >= 2 * GO_ARENA && GO_HINT_REFUSED.swap(false, Ordering::Relaxed);
    }
    if !hint.is_multiple_of(GO_ARENA) {
        return false;
    }
    let granted = result == hint && outside_shadow(hint, len);
    GO_HINT_REFUSED.store(!granted, Ordering::Relaxed);
    granted
}

/// Whether [lo, hi) lies inside the registered Go heap (Go commits and decommits its arenas with
/// MAP_FIXED anonymous mappings: the region stays the Go heap).
fn inside_go_heap(lo: usize, hi: usize) -> bool {
    find(lo).is_some_and(|r| r.name.as_str() == GO_HEAP && hi <= r.hi)
}

fn log(message: &[u8]) {
    if crate::options::get().verbosity >= 1 {
        crate::sync::write_stderr(message);
    }
}

fn log_call(
    what: &str,
    hint: usize,
    len: usize,
    prot: c_int,
    flags: c_int,
    result: usize,
    note: &str,
) {
    // One line per mmap: a Go program makes hundreds, so they wait for verbosity=2.
    if crate::options::get().verbosity < 2 {
        return;
    }
    let mut line = FixedStr::<192>::new();
    let _ = writeln!(
        line,
        "ffisan: {what}(addr={hint:#x}, len={len:#x}, prot={prot:#x}, flags={flags:#x}) = {result:#x}{note}"
    );
    crate::sync::write_stderr(line.as_str().as_bytes());
}

unsafe fn map(
    addr: *mut c_void,
    len: usize,
    prot: c_int,
    flags: c_int,
    fd: c_int,
    off: libc::off_t,
) -> *mut c_void {
    // syscall() sets errno and returns -1 on failure, which is MAP_FAILED.
    let result = libc::syscall(libc::SYS_mmap, addr, len, prot, flags, fd, off) as usize;
    let hint = addr as usize;
    let mut note = "";
    if result != usize::MAX {
        let anonymous = flags & libc::MAP_ANONYMOUS != 0;
        if is_go_heap_reservation(hint, len, prot, flags, result) {
            register(result, result + len, FixedStr::from_str(GO_HEAP));
            note = " [go-heap]";
        } else if flags & libc::MAP_FIXED != 0 {
            if anonymous && inside_go_heap(result, result + len) {
                note = " [inside go-heap]";
            } else {
                unregister(result, result + len); // something else now lives there
            }
        }
    }
    log_call("mmap", hint, len, prot, flags, result, note);
    result as *mut c_void
}

#[no_mangle]
pub unsafe extern "C" fn mmap(
    addr: *mut c_void,
    len: usize,
    prot: c_int,
    flags: c_int,
    fd: c_int,
    off: libc::off_t,
) -> *mut c_void {
    map(addr, len, prot, flags, fd, off)
}

#[no_mangle]
pub unsafe extern "C" fn mmap64(
    addr: *mut c_void,
    len: usize,
    prot: c_int,
    flags: c_int,
    fd: c_int,
    off: libc::off64_t,
) -> *mut c_void {
    map(addr, len, prot, flags, fd, off)
}

#[no_mangle]
pub unsafe extern "C" fn munmap(addr: *mut c_void, len: usize) -> c_int {
    let rc = libc::syscall(libc::SYS_munmap, addr, len) as c_int;
    if rc == 0 {
        let lo = addr as usize;
        let managed = COUNT.load(Ordering::Acquire) != 0 && find(lo).is_some();
        unregister(lo, lo.saturating_add(len));
        log_call(
            "munmap",
            lo,
            len,
            0,
            0,
            rc as usize,
            if managed { " [forget managed]" } else { "" },
        );
    }
    rc
}
