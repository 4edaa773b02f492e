//! The C heap: malloc and its family, interposing glibc's (which routes strdup, getline, asprintf,
//! open_memstream, ... through them). A chunk is one glibc block laid out as
//! [left redzone ending in a 16-byte header][user bytes][right redzone], painted in the shadow.

use crate::contract::{shadow_value, APP_END, GRANULE};
use crate::errors::{
    Access, AllocFamily, Detail, Domain, ErrorKind, FixedStr, RegionInfo, RegionKind,
};
use crate::heap::internal_alloc::{__libc_free, __libc_memalign};
use crate::heap::replaced_operators::replaced_by_program;
use crate::heap::size_class::{self, Class};
use crate::heap::{class_regions, foreign_blocks, quarantine, recycle, thread_cache};
use crate::report::Finding;
use crate::shadow::{self, shadow_byte};
use crate::sync::{set_errno, SpinLock};
use crate::traces::{entry_stub, Caller};
use crate::traces::{stack_depot, unwind};
use core::fmt::Write;
use core::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use libc::{c_int, c_void, size_t};

/// The header just before the user bytes. `word` packs the requested size (bits 0..40), the
/// alignment an aligned `operator new` was asked for (bits 40..43, `alignment_code`), log2 of the
/// left redzone length (bits 43..48) and a tag that is both magic and state (bits 48..64); then
/// the depot ids of the allocation and free stacks, each written on its own (a free need not read
/// the header's line to keep the allocation stack). Which family made the chunk is in the shadow
/// of the header's last granule (`family_at`), where the header-free free finds it.
#[repr(C)]
struct Header {
    word: AtomicU64,
    alloc_stack: AtomicU32,
    free_stack: AtomicU32,
}

const HEADER_SIZE: usize = 16;
/// glibc's own malloc alignment; every user pointer is at least this aligned.
pub(super) const MIN_ALIGN: usize = 16;
const SIZE_BITS: u32 = 40;
const SIZE_MASK: u64 = (1 << SIZE_BITS) - 1;
const ALIGNMENT_SHIFT: u32 = 40;
const LOG_SHIFT: u32 = 43;
const TAG_SHIFT: u32 = 48;
const TAG_LIVE: u64 = 0xa11c;
const TAG_FREED: u64 = 0xf4ee;
/// Requests above this fail with ENOMEM (the size field has 40 bits: ASan's limit too).
const MAX_CHUNK_SIZE: usize = SIZE_MASK as usize;
/// Largest alignment accepted (the left redzone is as long as the alignment).
const MAX_ALIGN: usize = 1 << 30;
/// Chunks at least this big are also listed in a table, so finding the chunk of an interior
/// address never needs an unbounded shadow scan.
const LARGE_CHUNK: usize = 1 << 20;
/// How far (application bytes) a shadow scan looks for a chunk's left redzone.
pub(super) const SCAN_LIMIT: usize = LARGE_CHUNK + 2 * 4096;
/// Calloc of blocks this big may skip zeroing when glibc gave fresh mmap'd (zero) memory.
const FRESH_MMAP_MIN: usize = 128 * 1024;

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum State {
    Live,
    Freed,
}

#[derive(Clone, Copy)]
pub(super) struct Chunk {
    pub(super) user: usize,
    pub(super) size: usize,
    left_redzone: usize,
    /// `alignment_code` of the alignment an aligned operator new was given; 0 for all others.
    alignment: u64,
    pub(super) state: State,
}

impl Chunk {
    fn block(&self) -> usize {
        self.user - self.left_redzone
    }
    fn end(&self) -> usize {
        self.user + chunk_layout(self.size, self.left_redzone).0
    }
    fn block_bytes(&self) -> usize {
        self.end() - self.block()
    }
    fn header(&self) -> &'static Header {
        unsafe { header_at(self.user) }
    }
    pub(super) fn stacks(&self) -> (u32, u32) {
        let header = self.header();
        let free = match self.state {
            State::Live => 0, // a live chunk's free-stack field holds its leak-check flag
            State::Freed => header.free_stack.load(Ordering::Acquire),
        };
        (header.alloc_stack.load(Ordering::Acquire), free)
    }
    fn region(&self, kind: RegionKind) -> RegionInfo {
        let mut name = FixedStr::new();
        let _ = write!(name, "{}-byte chunk", self.size);
        RegionInfo {
            kind,
            lo: self.user,
            hi: self.user + self.size,
            name,
        }
    }
    pub(super) fn region_by_state(&self) -> RegionInfo {
        self.region(if self.state == State::Live {
            RegionKind::CHeap
        } else {
            RegionKind::Freed
        })
    }
}

/// Right redzone by chunk size (like ASan's adaptive redzones): small chunks stay cheap, big
/// ones catch longer overruns.
fn right_redzone(size: usize) -> usize {
    match size {
        0..=48 => 16,
        49..=96 => 32,
        97..=448 => 64,
        449..=3968 => 128,
        3969..=16128 => 256,
        16129..=32256 => 512,
        32257..=64512 => 1024,
        _ => 2048,
    }
}

/// User bytes rounded to whole granules plus the right redzone, rounded to 16.
fn body_bytes(size: usize) -> usize {
    (size.next_multiple_of(GRANULE) + right_redzone(size)).next_multiple_of(MIN_ALIGN)
}

/// What follows the left redzone of a chunk of `size` (its user bytes and right redzone, the
/// redzone stretched to the end of the block's size class), and that class if the block has one:
/// only blocks with the plain 16-byte left redzone do. Decided once per malloc and per free, and
/// carried from there (quarantine entry, recycled lists), never recomputed.
fn chunk_layout(size: usize, left_redzone: usize) -> (usize, Option<Class>) {
    let body = body_bytes(size);
    if left_redzone != MIN_ALIGN {
        return (body, None);
    }
    match size_class::class_of(left_redzone + body) {
        Some(class) => (class.block_bytes - left_redzone, Some(class)),
        None => (body, None),
    }
}

unsafe fn header_at(user: usize) -> &'static Header {
    &*((user - HEADER_SIZE) as *const Header)
}

fn encode(size: usize, left_redzone: usize, alignment: u64, tag: u64) -> u64 {
    size as u64
        | alignment << ALIGNMENT_SHIFT
        | (left_redzone.trailing_zeros() as u64) << LOG_SHIFT
        | tag << TAG_SHIFT
}

fn decode(user: usize, word: u64) -> Option<Chunk> {
    let state = match word >> TAG_SHIFT {
        TAG_LIVE => State::Live,
        TAG_FREED => State::Freed,
        _ => return None,
    };
    let left_redzone = 1usize << ((word >> LOG_SHIFT) & 31);
    if !(HEADER_SIZE..=MAX_ALIGN).contains(&left_redzone) || user < left_redzone {
        return None;
    }
    Some(Chunk {
        user,
        size: (word & SIZE_MASK) as usize,
        left_redzone,
        alignment: (word >> ALIGNMENT_SHIFT) & 7,
        state,
    })
}

/// An alignment in the header's three bits, as ASan keeps it: 0 below 8 bytes (the default
/// alignment), else log2 - 2, at most 512 bytes' worth.
fn alignment_code(alignment: usize) -> u64 {
    if alignment < 8 {
        return 0;
    }
    alignment.min(512).trailing_zeros() as u64 - 2
}

/// The alignment an `alignment_code` stands for (0: default).
fn alignment_of_code(code: u64) -> usize {
    if code == 0 {
        0
    } else {
        1 << (code + 2)
    }
}

/// The chunk starting exactly at `user`, found without ever faulting: only an address whose two
/// preceding granules are painted as a header (and which is not itself in a left redzone) can
/// have our header before it, so only then is the header read.
pub(super) fn chunk_at(user: usize) -> Option<Chunk> {
    if !user.is_multiple_of(MIN_ALIGN)
        || !(2 * HEADER_SIZE..APP_END).contains(&user)
        || !follows_left_redzone(user)
    {
        return None;
    }
    decode(
        user,
        unsafe { header_at(user) }.word.load(Ordering::Acquire),
    )
}

/// Whether `user` (in the application range, past two granules) is where user bytes start: the
/// two granules before it are painted as a header and it is not in a left redzone itself.
fn follows_left_redzone(user: usize) -> bool {
    family_at(user).is_some()
}

/// The family that made the chunk whose user bytes start at `user` (in the application range,
/// past two granules), read from the shadow of its header's last granule; None unless the two
/// granules before `user` are painted as a header and `user` is not in a left redzone itself.
fn family_at(user: usize) -> Option<AllocFamily> {
    if shadow_byte(user - 16) != shadow_value::HEAP_LEFT_REDZONE
        || shadow_value::is_heap_left_redzone(shadow_byte(user))
    {
        return None;
    }
    match shadow_byte(user - 8) {
        shadow_value::HEAP_LEFT_REDZONE => Some(AllocFamily::Malloc),
        shadow_value::HEAP_LEFT_REDZONE_NEW => Some(AllocFamily::New),
        shadow_value::HEAP_LEFT_REDZONE_NEW_ARRAY => Some(AllocFamily::NewArray),
        _ => None,
    }
}

/// What the shadow of a chunk's header's last granule says for chunks of `family`.
fn family_mark(family: AllocFamily) -> u8 {
    match family {
        AllocFamily::Malloc => shadow_value::HEAP_LEFT_REDZONE,
        AllocFamily::New => shadow_value::HEAP_LEFT_REDZONE_NEW,
        AllocFamily::NewArray => shadow_value::HEAP_LEFT_REDZONE_NEW_ARRAY,
    }
}

/// Who asks for a chunk: the family, and the alignment an aligned operator new was given
/// (`alignment_code`; 0 for every other request).
#[derive(Clone, Copy)]
struct Maker {
    family: AllocFamily,
    alignment: u64,
}

const MALLOC: Maker = Maker {
    family: AllocFamily::Malloc,
    alignment: 0,
};

/// What a call that ends a chunk says about it: its family, and for a sized or aligned delete
/// the size and alignment the program believes the object has (0: not said).
#[derive(Clone, Copy)]
pub(crate) struct Ender {
    pub family: AllocFamily,
    pub size: usize,
    pub alignment: usize,
}

const FREE: Ender = Ender {
    family: AllocFamily::Malloc,
    size: 0,
    alignment: 0,
};

/// Chunks of at least LARGE_CHUNK bytes: (block, end, user).
static LARGE_CHUNKS: SpinLock<Vec<(usize, usize, usize)>> = SpinLock::new(Vec::new());

fn large_lookup(addr: usize) -> Option<Chunk> {
    let user = LARGE_CHUNKS
        .lock()
        .iter()
        .find(|&&(lo, hi, _)| addr >= lo && addr < hi)
        .map(|e| e.2)?;
    chunk_at(user)
}

/// Sets the shadow of [addr, addr+size) (granule-aligned) to `value`.
fn fill_shadow(addr: usize, size: usize, value: u8) {
    shadow::fill(addr, value, size.div_ceil(GRANULE));
}

/// Whether glibc served `block` straight from a fresh mmap (so it is already zero): the
/// IS_MMAPPED bit of glibc's chunk size field just before it.
fn is_fresh_mmap(block: usize, bytes: usize) -> bool {
    bytes >= FRESH_MMAP_MIN && unsafe { *((block - 8) as *const usize) } & 2 != 0
}

fn allocate(size: usize, align: usize, zero: bool, caller: &Caller) -> *mut c_void {
    allocate_as(size, align, zero, MALLOC, || {
        stack_depot::record_here(caller, thread_cache::recent_traces)
    })
}

/// `allocate` for `maker`, with the allocation stack's depot id from `alloc_stack` (asked once
/// the chunk is made).
fn allocate_as(
    size: usize,
    align: usize,
    zero: bool,
    maker: Maker,
    alloc_stack: impl FnOnce() -> u32,
) -> *mut c_void {
    shadow::ensure_mapped();
    let align = align.max(MIN_ALIGN);
    if size > MAX_CHUNK_SIZE || align > MAX_ALIGN {
        set_errno(libc::ENOMEM);
        return core::ptr::null_mut();
    }
    let left = align;
    let (body, class) = chunk_layout(size, left);
    let ours = class.and_then(recycle::take);
    let block = ours.unwrap_or_else(|| unsafe { __libc_memalign(align, left + body) } as usize);
    if block == 0 {
        set_errno(libc::ENOMEM);
        return core::ptr::null_mut();
    }
    let user = block + left;
    let header = unsafe { header_at(user) };
    if left > HEADER_SIZE {
        // A wide left redzone must not hold a stale header from memory's previous life.
        unsafe { core::ptr::write_bytes(block as *mut u8, 0, left - HEADER_SIZE) };
    }
    header.alloc_stack.store(0, Ordering::Relaxed);
    header
        .free_stack
        .store(leak_flag_at_allocation(), Ordering::Relaxed);
    header.word.store(
        encode(size, left, maker.alignment, TAG_LIVE),
        Ordering::Release,
    );
    fill_shadow(block, left, shadow_value::HEAP_LEFT_REDZONE);
    if maker.family != AllocFamily::Malloc {
        unsafe { *shadow::shadow_addr(user - GRANULE) = family_mark(maker.family) };
    }
    let whole = size & !(GRANULE - 1);
    fill_shadow(user, whole, 0);
    if size > whole {
        unsafe { *shadow::shadow_addr(user + whole) = (size - whole) as u8 };
    }
    let span = size.next_multiple_of(GRANULE);
    fill_shadow(user + span, body - span, shadow_value::HEAP_RIGHT_REDZONE);
    if size >= LARGE_CHUNK {
        LARGE_CHUNKS.lock().push((block, user + body, user));
    }
    if ours.is_none() && crate::options::get().detect_leaks {
        foreign_blocks::insert(user);
    }
    if zero && (ours.is_some() || !is_fresh_mmap(block, left + body)) {
        unsafe { core::ptr::write_bytes(user as *mut u8, 0, size) };
    }
    header.alloc_stack.store(alloc_stack(), Ordering::Release);
    crate::heap::hooks::after_malloc(user, size);
    user as *mut c_void
}

/// Live → freed in the header. Of two threads freeing one chunk at once exactly one wins; false
/// for the other, whose free is the double free. While the process has one thread a plain load
/// and store do it: on some hosts the locked compare-and-swap was a sixth of an allocation-heavy
/// program's time. (A signal handler freeing the chunk the interrupted free is claiming would slip
/// between the two; freeing in a signal handler is undefined to begin with.)
fn claim(chunk: &Chunk) -> bool {
    let live = encode(chunk.size, chunk.left_redzone, chunk.alignment, TAG_LIVE);
    let freed = encode(chunk.size, chunk.left_redzone, chunk.alignment, TAG_FREED);
    let word = &chunk.header().word;
    if process_is_single_threaded() {
        if word.load(Ordering::Relaxed) != live {
            return false;
        }
        word.store(freed, Ordering::Relaxed);
        return true;
    }
    word.compare_exchange(live, freed, Ordering::AcqRel, Ordering::Acquire)
        .is_ok()
}

extern "C" {
    /// glibc's own flag (2.32+): cleared by every `pthread_create`, its internal callers (timers,
    /// aio) included, before the new thread exists; only set again, if ever, in a forked child,
    /// which has one thread. Whoever reads it true is the only thread there is.
    static __libc_single_threaded: core::ffi::c_char;
}

fn process_is_single_threaded() -> bool {
    // SAFETY: a byte glibc only ever writes from the thread that creates another.
    unsafe { core::ptr::read_volatile(core::ptr::addr_of!(__libc_single_threaded)) != 0 }
}

/// Gives back a claim that will not be followed by a retirement (realloc that could not allocate).
fn unclaim(chunk: &Chunk) {
    let live = encode(chunk.size, chunk.left_redzone, chunk.alignment, TAG_LIVE);
    chunk.header().word.store(live, Ordering::Release);
}

/// The rest of freeing a chunk this thread claimed: poison it, remember who freed it, queue it.
fn retire_claimed(chunk: Chunk, free_stack: impl FnOnce() -> u32) {
    let header = chunk.header();
    fill_shadow(
        chunk.user,
        chunk.size.next_multiple_of(GRANULE),
        shadow_value::HEAP_FREED,
    );
    // Only the thread whose claim retired the chunk writes here now: a plain store (a second
    // locked instruction per free cost more than the whole stack record).
    header.free_stack.store(free_stack(), Ordering::Release);
    let (body, class) = chunk_layout(chunk.size, chunk.left_redzone);
    quarantine::push(
        chunk.user,
        chunk.left_redzone + body,
        class.map(|c| c.index),
    );
}

/// A chunk leaves the quarantine. A block of a size class (`class`: decided when it was freed)
/// waits for reuse without being touched, header and shadow still saying "freed"; any other goes
/// back to glibc, unless its header no longer says "freed" (overwritten by uninstrumented code):
/// then it is leaked rather than trusted.
pub fn release(user: usize, class: Option<usize>) {
    if let Some(class) = class {
        recycle::put(user - MIN_ALIGN, class);
        return;
    }
    let header = unsafe { header_at(user) };
    let Some(chunk) = decode(user, header.word.load(Ordering::Acquire)) else {
        return;
    };
    if chunk.state != State::Freed {
        return;
    }
    header.word.store(0, Ordering::Release);
    if chunk.size >= LARGE_CHUNK {
        LARGE_CHUNKS.lock().retain(|e| e.2 != user);
    }
    if crate::options::get().detect_leaks {
        foreign_blocks::remove(user);
    }
    fill_shadow(chunk.block(), chunk.block_bytes(), 0);
    unsafe { __libc_free(chunk.block() as *mut c_void) };
}

enum FreeOutcome {
    Freed,
    Reported,
}

/// free(), operator delete and the freeing half of realloc(): never faults, whatever `p` is. A
/// chunk `ender` does not fit is reported, and freed all the same (as ASan does).
fn deallocate(p: usize, ender: Ender, caller: &Caller) -> FreeOutcome {
    shadow::ensure_mapped();
    crate::heap::hooks::before_free(p);
    if free_single_threaded(p, ender, caller) {
        return FreeOutcome::Freed;
    }
    match chunk_at(p) {
        Some(chunk) if chunk.state == State::Live && claim(&chunk) => {
            report_if_mismatched(&chunk, ender, caller);
            retire_claimed(chunk, || {
                stack_depot::record_here(caller, thread_cache::recent_traces)
            });
            FreeOutcome::Freed
        }
        Some(_) => {
            report_double_free(p, caller);
            FreeOutcome::Reported
        }
        None => {
            report_invalid_free(p, caller);
            FreeOutcome::Reported
        }
    }
}

/// free() (or delete) of a live chunk in a size class's region while the process has one thread,
/// without reading the chunk's header: everything the header would say, the block and its shadow
/// say too (the family `ender` ends included), and the header is the one line of the chunk the
/// program did not touch (in Lua's binary-trees, waiting for it was most of what free cost). The
/// header is still written, so it says what the general path would have made it say. False, with
/// nothing changed, for anything else (another family, a sized delete of another size): the
/// general path then decides, and reports.
fn free_single_threaded(p: usize, ender: Ender, caller: &Caller) -> bool {
    if !process_is_single_threaded() || !p.is_multiple_of(MIN_ALIGN) {
        return false;
    }
    // In a class region (so far inside the application range), of a small class: decided
    // before any shadow is read, so that other frees pay almost nothing for trying.
    let Some(class) = class_regions::class_holding(p.wrapping_sub(MIN_ALIGN)) else {
        return false;
    };
    let block_bytes = size_class::class_block_bytes(class);
    // A block of a class region starts with the 16-byte left redzone, nowhere else painted so;
    // its last granule names the family. (An aligned operator new's chunk is never a class
    // block, so its alignment, known only to the header, needs no looking at here.)
    if block_bytes > SHADOW_SIZED_BLOCK_MAX || family_at(p) != Some(ender.family) {
        return false;
    }
    let Some(size) = live_size_from_shadow(p, p + block_bytes - MIN_ALIGN) else {
        return false;
    };
    // A class block's chunk was made without an alignment: a delete that names one, or another
    // size than the chunk's, is for the general path to report.
    if (ender.size != 0 && ender.size != size) || alignment_code(ender.alignment) != 0 {
        return false;
    }
    // The header's line is asked for now and written last: stores leave in program order, and
    // one waiting for a missing line would hold up every store behind it.
    crate::sync::prefetch_for_write(p - HEADER_SIZE);
    fill_shadow(p, size.next_multiple_of(GRANULE), shadow_value::HEAP_FREED);
    let free_stack = stack_depot::record_here(caller, thread_cache::recent_traces);
    quarantine::push(p, block_bytes, Some(class));
    let header = unsafe { header_at(p) };
    header
        .word
        .store(encode(size, MIN_ALIGN, 0, TAG_FREED), Ordering::Relaxed);
    header.free_stack.store(free_stack, Ordering::Relaxed);
    true
}

/// Blocks whose chunk size `free_single_threaded` reads from the shadow: up to four 8-byte
/// loads. For bigger ones the scan cost more than the header's miss (Lua strings' buffers).
const SHADOW_SIZED_BLOCK_MAX: usize = 256;

/// The size of the live chunk whose user bytes start at `p`, as allocation painted its shadow:
/// addressable granules, perhaps one partial granule, then the right redzone, all before `end`
/// (the block's end). None for anything else: freed (a double free), painted by someone else
/// (managed memory), no redzone.
fn live_size_from_shadow(p: usize, end: usize) -> Option<usize> {
    let mut at = p;
    while at < end {
        // SAFETY: `at` is below APP_END - 1 MiB (class regions lie far below): its shadow and the
        // 8 bytes from there are mapped.
        let word = unsafe { (shadow::shadow_addr(at) as *const u64).read_unaligned() };
        if word == 0 {
            at += 8 * GRANULE;
            continue;
        }
        let zeros = (word.trailing_zeros() / 8) as usize;
        let granule = at + zeros * GRANULE;
        if granule >= end {
            return None;
        }
        return match (word >> (8 * zeros)) as u8 {
            shadow_value::HEAP_RIGHT_REDZONE => Some(granule - p),
            partial @ 1..=7 => (shadow_byte(granule + GRANULE) == shadow_value::HEAP_RIGHT_REDZONE)
                .then_some(granule - p + partial as usize),
            _ => None,
        };
    }
    None
}

/// Reports a live chunk, just claimed by `ender`, that is not `ender`'s to end: made by another
/// family (`alloc_dealloc_mismatch`), or deleted with another size or alignment than it was made
/// with (`new_delete_type_mismatch`).
fn report_if_mismatched(chunk: &Chunk, ender: Ender, caller: &Caller) {
    let options = crate::options::get();
    let family = family_at(chunk.user).unwrap_or(AllocFamily::Malloc);
    let detail = if family != ender.family {
        if !options.alloc_dealloc_mismatch
            || replaced_by_program(family)
            || replaced_by_program(ender.family)
        {
            return;
        }
        Detail::Mismatch {
            allocated_by: family,
            freed_by: ender.family,
        }
    } else {
        let wrong_size = ender.size != 0 && ender.size != chunk.size;
        let wrong_alignment = alignment_code(ender.alignment) != chunk.alignment;
        if family == AllocFamily::Malloc
            || !options.new_delete_type_mismatch
            || !(wrong_size || wrong_alignment)
        {
            return;
        }
        Detail::TypeMismatch {
            size: chunk.size,
            delete_size: ender.size,
            alignment: alignment_of_code(chunk.alignment),
            delete_alignment: ender.alignment,
        }
    };
    crate::report::report(&Finding {
        kind: match detail {
            Detail::Mismatch { .. } => ErrorKind::AllocDeallocMismatch,
            _ => ErrorKind::NewDeleteTypeMismatch,
        },
        access: Access::Free,
        size: chunk.size,
        addr: chunk.user,
        domain: Domain::C,
        region: chunk.region(RegionKind::CHeap),
        stack: unwind::capture_from(caller, unwind::ERROR_STACK_DEPTH),
        alloc_stack: chunk.header().alloc_stack.load(Ordering::Acquire),
        free_stack: 0,
        detail,
        go_object: None,
    });
}

fn report_double_free(p: usize, caller: &Caller) {
    let chunk = chunk_at(p);
    let (alloc_stack, free_stack) = chunk.map(|c| c.stacks()).unwrap_or((0, 0));
    crate::report::report(&Finding {
        go_object: None,
        kind: ErrorKind::DoubleFree,
        access: Access::Free,
        size: chunk.map_or(0, |c| c.size),
        addr: p,
        domain: Domain::C,
        region: chunk.map_or_else(
            || crate::regions::describe(p),
            |c| c.region(RegionKind::Freed),
        ),
        stack: unwind::capture_from(caller, unwind::ERROR_STACK_DEPTH),
        alloc_stack,
        free_stack,
        detail: Detail::None,
    });
}

fn report_invalid_free(p: usize, caller: &Caller) {
    let chunk = find_chunk(p);
    let region = match chunk {
        Some(c) if c.state == State::Live => c.region(RegionKind::HeapInterior),
        Some(c) => c.region(RegionKind::Freed),
        None => crate::regions::describe(p),
    };
    let (alloc_stack, free_stack) = chunk.map(|c| c.stacks()).unwrap_or((0, 0));
    crate::report::report(&Finding {
        go_object: None,
        kind: ErrorKind::InvalidFree,
        access: Access::Free,
        size: 0,
        addr: p,
        domain: Domain::C,
        region,
        stack: unwind::capture_from(caller, unwind::ERROR_STACK_DEPTH),
        alloc_stack,
        free_stack,
        detail: Detail::None,
    });
}

/// Walks the shadow down from granule `a` while it reads `value`; the first granule that does
/// not, or None below `floor`. Skips 8 granules per step where it can.
pub(super) fn skip_back(mut a: usize, value: u8, floor: usize) -> Option<usize> {
    let repeated = u64::from_ne_bytes([value; 8]);
    loop {
        if a < floor {
            return None;
        }
        let s = shadow::shadow_addr(a) as usize;
        if s % 8 == 7 && a >= floor + 8 * GRANULE {
            let word = unsafe { *((s - 7) as *const u64) };
            if word == repeated {
                a -= 8 * GRANULE;
                continue;
            }
        }
        if unsafe { *(s as *const u8) } != value {
            return Some(a);
        }
        a = a.checked_sub(GRANULE)?;
    }
}

/// Walks down a live chunk's user bytes from granule `a`: addressable granules and what the
/// program painted over them (poison, a container's unused capacity, partial granules they
/// leave); the first granule that is none of these, or None below `floor`.
fn skip_back_user_bytes(mut a: usize, floor: usize) -> Option<usize> {
    loop {
        a = match shadow_byte(a) {
            v @ (0 | shadow_value::USER_POISONED | shadow_value::CONTAINER_OVERFLOW) => {
                skip_back(a, v, floor)?
            }
            1..=7 => a.checked_sub(GRANULE)?,
            _ => return Some(a),
        };
        if a < floor {
            return None;
        }
    }
}

/// The chunk whose block [left redzone start, right redzone end) holds `addr`, live or freed.
fn find_chunk(addr: usize) -> Option<Chunk> {
    if !(2 * HEADER_SIZE..APP_END).contains(&addr) {
        return None;
    }
    let granule = addr & !(GRANULE - 1);
    let floor = granule.saturating_sub(SCAN_LIMIT);
    let candidate = match shadow_byte(granule) {
        v if shadow_value::is_heap_left_redzone(v) => {
            // In a left redzone: the chunk is the one to the right.
            let mut a = granule + GRANULE;
            while a < granule + MAX_ALIGN.min(SCAN_LIMIT)
                && shadow_value::is_heap_left_redzone(shadow_byte(a))
            {
                a += GRANULE;
            }
            chunk_at(a)
        }
        shadow_value::HEAP_RIGHT_REDZONE
        | shadow_value::HEAP_FREED
        | shadow_value::HEAP_ARRAY_COOKIE
        | 0..=7
        | shadow_value::USER_POISONED
        | shadow_value::CONTAINER_OVERFLOW => {
            // Down through right redzone, the partial granule, the user bytes and what the
            // program painted over them, a new[] array's cookie, to the header.
            let a = skip_back(granule, shadow_value::HEAP_RIGHT_REDZONE, floor);
            let a = a.and_then(|g| match shadow_byte(g) {
                shadow_value::HEAP_FREED => skip_back(g, shadow_value::HEAP_FREED, floor),
                _ => skip_back_user_bytes(g, floor),
            });
            let a = a.and_then(|g| match shadow_byte(g) {
                shadow_value::HEAP_ARRAY_COOKIE => g.checked_sub(GRANULE),
                _ => Some(g),
            });
            a.filter(|&g| shadow_value::is_heap_left_redzone(shadow_byte(g)))
                .and_then(|g| chunk_at(g + GRANULE))
        }
        _ => None,
    };
    match candidate {
        Some(c) if addr >= c.block() && addr < c.end() => Some(c),
        _ => large_lookup(addr),
    }
}

/// If `addr` lies in a chunk the allocator knows (live, freed in quarantine, or their redzones), what
/// it is: CHeap (live chunk bytes or redzone), Freed, with lo/hi = the chunk's user bytes. Never
/// touches memory other than the shadow and our own chunk headers, so any address is safe.
pub fn describe_heap(addr: usize) -> Option<RegionInfo> {
    find_chunk(addr).map(|c| c.region_by_state())
}

/// Depot ids of the allocation and free stacks of the chunk whose user bytes start at `user`
/// (the `lo` of the region a report names; 0: unknown).
pub fn chunk_stacks(user: usize) -> (u32, u32) {
    chunk_at(user).map_or((0, 0), |c| c.stacks())
}

// ---- the leak check's view (`live_chunks.rs`) ----

/// A live chunk's free-stack field while it lives: 0, or IGNORED for a chunk the leak check must
/// never report (a stack depot id is a word offset into the depot, never this).
pub(super) const IGNORED: u32 = u32::MAX;

/// Allocations made while the thread is inside `__lsan_disable` are born ignored.
#[inline]
fn leak_flag_at_allocation() -> u32 {
    if crate::thread_state::current().leaks_disabled.get() > 0 {
        IGNORED
    } else {
        0
    }
}

/// (user, size, state, alloc stack, free-stack field) of a chunk's header.
pub(super) type HeaderView = (usize, usize, State, u32, u32);

fn view(chunk: Chunk) -> HeaderView {
    let header = chunk.header();
    (
        chunk.user,
        chunk.size,
        chunk.state,
        header.alloc_stack.load(Ordering::Acquire),
        header.free_stack.load(Ordering::Acquire),
    )
}

/// The header before `user`, trusted to be ours (a class block's: its first 16 bytes).
pub(super) fn decode_header_of(user: usize) -> Option<HeaderView> {
    let chunk = decode(
        user,
        unsafe { header_at(user) }.word.load(Ordering::Acquire),
    )?;
    (chunk.left_redzone == MIN_ALIGN).then(|| view(chunk))
}

/// The chunk starting exactly at `user`, checked through the shadow first (any address is safe).
pub(super) fn chunk_starting_at(user: usize) -> Option<HeaderView> {
    chunk_at(user).map(view)
}

/// Flags the live chunk holding `addr` as never leaked.
pub(super) fn set_ignored(addr: usize) -> bool {
    match find_chunk(addr) {
        Some(chunk) if chunk.state == State::Live && addr < chunk.user + chunk.size.max(1) => {
            chunk.header().free_stack.store(IGNORED, Ordering::Release);
            true
        }
        _ => false,
    }
}

// ---- fork: no lock of ours may be held by a thread that does not exist in the child ----

extern "C" fn fork_prepare() {
    core::mem::forget(LARGE_CHUNKS.lock());
    quarantine::lock_for_fork();
    recycle::lock_for_fork();
    class_regions::lock_for_fork();
    foreign_blocks::lock_for_fork();
    crate::regions::lent::lock_for_fork();
}

extern "C" fn fork_done() {
    crate::regions::lent::unlock_after_fork();
    foreign_blocks::unlock_after_fork();
    class_regions::unlock_after_fork();
    recycle::unlock_after_fork();
    quarantine::unlock_after_fork();
    unsafe { LARGE_CHUNKS.force_unlock() };
}

extern "C" fn fork_child() {
    crate::heap::prefault::forget_helper_in_child();
    fork_done();
}

/// Registered once at init (before report's own handlers, so report's lock is taken first).
pub fn install_fork_handlers() {
    unsafe { libc::pthread_atfork(Some(fork_prepare), Some(fork_done), Some(fork_child)) };
}

// ---- the interposed C API ----
//
// Each exported function is a naked stub (`traces::entry_stub!`) that passes the caller's return
// address, rbp and rsp to its implementation (three extra arguments) and jumps there: allocation
// stacks are then a cheap frame-pointer walk starting at the program's own frame.

entry_stub!(malloc(size: size_t) -> *mut c_void => malloc_impl, "rsi", "rdx", "rcx");
extern "C" fn malloc_impl(size: size_t, entry: usize, fp: usize, sp: usize) -> *mut c_void {
    allocate(size, MIN_ALIGN, false, &Caller::from_stub(entry, fp, sp))
}

entry_stub!(calloc(count: size_t, size: size_t) -> *mut c_void => calloc_impl, "rdx", "rcx", "r8");
extern "C" fn calloc_impl(
    count: size_t,
    size: size_t,
    entry: usize,
    fp: usize,
    sp: usize,
) -> *mut c_void {
    match count.checked_mul(size) {
        Some(bytes) => allocate(bytes, MIN_ALIGN, true, &Caller::from_stub(entry, fp, sp)),
        None => {
            set_errno(libc::ENOMEM);
            core::ptr::null_mut()
        }
    }
}

entry_stub!(free(p: *mut c_void) -> () => free_impl, "rsi", "rdx", "rcx");
extern "C" fn free_impl(p: *mut c_void, entry: usize, fp: usize, sp: usize) {
    if !p.is_null() {
        deallocate(p as usize, FREE, &Caller::from_stub(entry, fp, sp));
    }
}

entry_stub!(cfree(p: *mut c_void) -> () => free_impl, "rsi", "rdx", "rcx");

entry_stub!(
    /// Always moves: a copy in a new chunk and the old one freed, so stale pointers are caught.
    realloc(p: *mut c_void, size: size_t) -> *mut c_void => realloc_impl, "rdx", "rcx", "r8"
);
extern "C" fn realloc_impl(
    p: *mut c_void,
    size: size_t,
    entry: usize,
    fp: usize,
    sp: usize,
) -> *mut c_void {
    resize(p, size, &Caller::from_stub(entry, fp, sp))
}

fn resize(p: *mut c_void, size: size_t, caller: &Caller) -> *mut c_void {
    if p.is_null() {
        return allocate(size, MIN_ALIGN, false, caller);
    }
    shadow::ensure_mapped();
    let old = match chunk_at(p as usize) {
        Some(chunk) if chunk.state == State::Live => chunk,
        _ => {
            deallocate(p as usize, FREE, caller); // reports double-free or invalid-free
            return core::ptr::null_mut();
        }
    };
    if size == 0 {
        // glibc frees and returns NULL.
        deallocate(p as usize, FREE, caller);
        return core::ptr::null_mut();
    }
    // One walk names both the new chunk's allocation and the old one's free: the same call.
    let stack = stack_depot::record_here(caller, thread_cache::recent_traces);
    // `old` was found and checked above: claim it now, before the copy. The compare-and-swap is a
    // locked instruction, which waits for every store before it to reach the cache, and after
    // the copy those were the whole new chunk (a third of realloc's time in Lua's binary-trees).
    // A free racing ours wins the claim, and this call then is the double free.
    let claimed = claim(&old);
    if claimed {
        report_if_mismatched(&old, FREE, caller);
    } else {
        report_double_free(p as usize, caller);
    }
    let new = allocate_as(size, MIN_ALIGN, false, MALLOC, || stack);
    if new.is_null() {
        if claimed {
            unclaim(&old); // realloc leaves the old chunk as it was
        }
        return new;
    }
    unsafe { core::ptr::copy_nonoverlapping(p as *const u8, new as *mut u8, old.size.min(size)) };
    crate::heap::hooks::before_free(p as usize);
    if claimed {
        retire_claimed(old, || stack);
    }
    new
}

entry_stub!(reallocarray(p: *mut c_void, count: size_t, size: size_t) -> *mut c_void => reallocarray_impl, "rcx", "r8", "r9");
extern "C" fn reallocarray_impl(
    p: *mut c_void,
    count: size_t,
    size: size_t,
    entry: usize,
    fp: usize,
    sp: usize,
) -> *mut c_void {
    match count.checked_mul(size) {
        Some(bytes) => resize(p, bytes, &Caller::from_stub(entry, fp, sp)),
        None => {
            set_errno(libc::ENOMEM);
            core::ptr::null_mut()
        }
    }
}

entry_stub!(posix_memalign(out: *mut *mut c_void, align: size_t, size: size_t) -> c_int => posix_memalign_impl, "rcx", "r8", "r9");
extern "C" fn posix_memalign_impl(
    out: *mut *mut c_void,
    align: size_t,
    size: size_t,
    entry: usize,
    fp: usize,
    sp: usize,
) -> c_int {
    if !align.is_power_of_two() || !align.is_multiple_of(core::mem::size_of::<usize>()) {
        return libc::EINVAL;
    }
    let saved = crate::sync::errno();
    let p = allocate(size, align, false, &Caller::from_stub(entry, fp, sp));
    if p.is_null() {
        set_errno(saved); // posix_memalign reports through its result, not errno
        return libc::ENOMEM;
    }
    unsafe { *out = p };
    0
}

entry_stub!(aligned_alloc(align: size_t, size: size_t) -> *mut c_void => aligned_alloc_impl, "rdx", "rcx", "r8");
extern "C" fn aligned_alloc_impl(
    align: size_t,
    size: size_t,
    entry: usize,
    fp: usize,
    sp: usize,
) -> *mut c_void {
    if !align.is_power_of_two() {
        set_errno(libc::EINVAL);
        return core::ptr::null_mut();
    }
    allocate(size, align, false, &Caller::from_stub(entry, fp, sp))
}

entry_stub!(memalign(align: size_t, size: size_t) -> *mut c_void => memalign_impl, "rdx", "rcx", "r8");
extern "C" fn memalign_impl(
    align: size_t,
    size: size_t,
    entry: usize,
    fp: usize,
    sp: usize,
) -> *mut c_void {
    // glibc rounds an alignment that is not a power of two up to the next one.
    match align.checked_next_power_of_two() {
        Some(a) if a <= MAX_ALIGN => allocate(size, a, false, &Caller::from_stub(entry, fp, sp)),
        _ => {
            set_errno(libc::EINVAL);
            core::ptr::null_mut()
        }
    }
}

fn page_size() -> usize {
    unsafe { libc::sysconf(libc::_SC_PAGESIZE) as usize }
}

entry_stub!(valloc(size: size_t) -> *mut c_void => valloc_impl, "rsi", "rdx", "rcx");
extern "C" fn valloc_impl(size: size_t, entry: usize, fp: usize, sp: usize) -> *mut c_void {
    allocate(size, page_size(), false, &Caller::from_stub(entry, fp, sp))
}

entry_stub!(pvalloc(size: size_t) -> *mut c_void => pvalloc_impl, "rsi", "rdx", "rcx");
extern "C" fn pvalloc_impl(size: size_t, entry: usize, fp: usize, sp: usize) -> *mut c_void {
    let page = page_size();
    match size.max(1).checked_next_multiple_of(page) {
        Some(rounded) => allocate(rounded, page, false, &Caller::from_stub(entry, fp, sp)),
        None => {
            set_errno(libc::ENOMEM);
            core::ptr::null_mut()
        }
    }
}

/// A chunk for operator new or new[] (`family`), an aligned one's `alignment` a power of two (0:
/// a plain one); null when memory ran out (the caller then runs the new-handler loop).
pub(crate) fn new_chunk(
    size: usize,
    alignment: usize,
    family: AllocFamily,
    caller: &Caller,
) -> *mut c_void {
    let maker = Maker {
        family,
        alignment: alignment_code(alignment),
    };
    // An aligned operator new's chunk gets a left redzone wider than a class block's: the
    // header-free delete, which cannot see the alignment it was asked for, never takes it.
    let align = match alignment {
        0 => MIN_ALIGN,
        a => a.max(2 * MIN_ALIGN),
    };
    allocate_as(size, align, false, maker, || {
        stack_depot::record_here(caller, thread_cache::recent_traces)
    })
}

/// operator delete and delete[], sized, aligned or plain, as `ender` says; null does nothing.
pub(crate) fn delete_chunk(p: *mut c_void, ender: Ender, caller: &Caller) {
    if !p.is_null() {
        deallocate(p as usize, ender, caller);
    }
}

/// Paints the granule of a new[] array's cookie at `cookie` (clang's
/// `__asan_poison_cxx_array_cookie`), when it is a whole addressable granule; anything else (an
/// odd address, memory a replaced operator new[] got elsewhere that is not addressable) is left
/// as it is.
pub(crate) fn mark_array_cookie(cookie: usize) {
    if cookie.is_multiple_of(GRANULE)
        && (GRANULE..APP_END).contains(&cookie)
        && shadow_byte(cookie) == shadow_value::ADDRESSABLE
    {
        unsafe { *shadow::shadow_addr(cookie) = shadow_value::HEAP_ARRAY_COOKIE };
    }
}

/// Whether `addr` lies in a freed chunk waiting in quarantine.
pub(crate) fn is_freed(addr: usize) -> bool {
    shadow_byte(addr) == shadow_value::HEAP_FREED
}

/// The requested size of the live chunk starting at `p` (None: not one of ours, or freed).
pub fn allocated_size(p: usize) -> Option<usize> {
    shadow::ensure_mapped();
    match chunk_at(p) {
        Some(chunk) if chunk.state == State::Live => Some(chunk.size),
        _ => None,
    }
}

/// The requested size: all of it may be written, nothing more.
#[no_mangle]
pub extern "C" fn malloc_usable_size(p: *mut c_void) -> size_t {
    allocated_size(p as usize).unwrap_or(0)
}
