//! Stores each distinct stack (with the number of the thread that recorded it) once and names it
//! by a u32 id, so a chunk header only needs 4 bytes per stack. Lock-free: entries live in one
//! reserved mmap arena, are immutable once published, and are pushed onto hash buckets with CAS.

use crate::sync::RESERVATION_FAILED;
use core::sync::atomic::{AtomicU32, AtomicUsize, Ordering};

/// Address space reserved for entries (MAP_NORESERVE: only the pages used cost memory).
/// Ids are offsets / 8, so they fit a u32 for any arena below 32 GiB.
const ARENA_SIZE: usize = 1 << 30;
/// 4 MiB of bss, touched only where used: chains stay short even with many distinct stacks.
const BUCKET_COUNT: usize = 1 << 20;
/// Entry layout: next id, thread, depth, padding (u32 each), the 64-bit hash, then `depth` pcs.
const ENTRY_HEADER: usize = 24;

static BUCKETS: [AtomicU32; BUCKET_COUNT] = [const { AtomicU32::new(0) }; BUCKET_COUNT];
static ARENA: AtomicUsize = AtomicUsize::new(0);
/// Bytes handed out; starts at 8 so that id 0 means "no stack".
static ARENA_USED: AtomicUsize = AtomicUsize::new(8);

/// Allocation and free stacks walked so far, rather than named by a recent frame chain (printed at
/// exit with verbosity=2: most stacks should come from chains).
static WALKS: AtomicUsize = AtomicUsize::new(0);

/// How many allocation and free stacks were walked so far.
pub fn walks() -> usize {
    WALKS.load(Ordering::Relaxed)
}

/// A stored stack: the thread that recorded it and its pcs (innermost first).
#[derive(Clone, Copy)]
pub struct StoredStack {
    pub thread: u32,
    pub pcs: &'static [usize],
}

fn arena() -> Option<usize> {
    crate::sync::reserve_once(&ARENA, ARENA_SIZE)
}

/// Folded multiply: the low and high halves of the 128-bit product, mixed (as in wyhash).
#[inline(always)]
fn fold_mul(a: u64, b: u64) -> u64 {
    let m = a as u128 * b as u128;
    m as u64 ^ (m >> 64) as u64
}

fn hash(pcs: &[usize], thread: u32) -> u64 {
    // Return addresses differ in their low bits, and those must reach the high bits the bucket
    // index is taken from. Frames are taken in pairs, each pair one folded multiply, and the pairs
    // are chained through the seed: half the dependent multiplies of a word-at-a-time hash, and
    // scalar code (a vectorised 64-bit multiply on x86-64 is an emulation, and slower). This runs
    // on every malloc and every free.
    const K0: u64 = 0xa076_1d64_78bd_642f;
    const K1: u64 = 0xe703_7ed1_a0b4_28db;
    let mut seed = 0x9e37_79b9_7f4a_7c15 ^ (thread as u64) << 32 ^ pcs.len() as u64;
    let mut pairs = pcs.chunks_exact(2);
    for pair in &mut pairs {
        seed = fold_mul(pair[0] as u64 ^ K0 ^ seed, pair[1] as u64 ^ K1);
    }
    if let [last] = pairs.remainder() {
        seed = fold_mul(*last as u64 ^ K0 ^ seed, K1);
    }
    fold_mul(seed ^ K1, K0 ^ pcs.len() as u64)
}

unsafe fn entry_words(base: usize, id: u32) -> *mut u32 {
    (base + id as usize * 8) as *mut u32
}

/// Stores `pcs` recorded by `thread`; returns its id (0 when the arena is exhausted). The
/// runtime stores through `record_here`; the tests store directly.
#[cfg(test)]
pub fn store(pcs: &[usize], thread: u32) -> u32 {
    store_hashed(pcs, thread, hash(pcs, thread))
}

fn store_hashed(pcs: &[usize], thread: u32, h: u64) -> u32 {
    let Some(base) = arena() else {
        return 0;
    };
    let bucket = &BUCKETS[h as usize % BUCKET_COUNT];
    let mut id = bucket.load(Ordering::Acquire);
    while id != 0 {
        let e = unsafe { entry_words(base, id) };
        let (next, et, depth) = unsafe { (*e, *e.add(1), *e.add(2) as usize) };
        let eh = unsafe { *e.add(4).cast::<u64>() };
        // Same 64-bit hash, thread and depth: the same stack. Comparing the frames too cost a
        // quarter of an allocation-heavy program's time; a collision (about 2^-64 a pair) could
        // only show a wrong allocation stack, never make or hide a finding.
        if eh == h && et == thread && depth == pcs.len() {
            return id;
        }
        id = next;
    }
    let bytes = ENTRY_HEADER + pcs.len() * 8;
    let offset = ARENA_USED.fetch_add(bytes, Ordering::Relaxed);
    if offset + bytes > ARENA_SIZE {
        return 0;
    }
    let new_id = (offset / 8) as u32;
    let e = unsafe { entry_words(base, new_id) };
    unsafe {
        *e.add(1) = thread;
        *e.add(2) = pcs.len() as u32;
        *e.add(4).cast::<u64>() = h;
        core::ptr::copy_nonoverlapping(pcs.as_ptr(), e.add(6).cast::<usize>(), pcs.len());
    }
    // Publish. A concurrent insert of the same stack may leave a duplicate: harmless.
    let mut head = bucket.load(Ordering::Acquire);
    loop {
        unsafe { *e = head };
        match bucket.compare_exchange_weak(head, new_id, Ordering::AcqRel, Ordering::Acquire) {
            Ok(_) => return new_id,
            Err(now) => head = now,
        }
    }
}

/// The depot ids of the stacks a thread recorded lately, by hash (part of its cache; zero =
/// empty). Allocation-heavy code records the same few stacks over and over: found here, they cost
/// no walk down a shared bucket chain, whose cold entries were most of a lookup's time.
/// A thread's memory of its recent stacks and the chains they were walked along; it lives in the
/// thread's allocator cache, which hands it to `record_here`.
pub struct RecentTraces {
    pub stacks: RecentStacks,
    pub chains: crate::traces::frame_chains::RecentChains,
}

pub struct RecentStacks {
    hashes: [u64; RECENT_SLOTS],
    ids: [u32; RECENT_SLOTS],
}

const RECENT_SLOTS: usize = 256;

impl RecentStacks {
    fn get_or_store(&mut self, pcs: &[usize], thread: u32, h: u64) -> u32 {
        let slot = (h >> 56) as usize % RECENT_SLOTS;
        if self.hashes[slot] == h && self.ids[slot] != 0 {
            return self.ids[slot];
        }
        let id = store_hashed(pcs, thread, h);
        self.hashes[slot] = h;
        self.ids[slot] = id;
        id
    }
}

/// The stack named by `id` (None for 0 or an id this depot never gave out).
pub fn get(id: u32) -> Option<StoredStack> {
    let base = ARENA.load(Ordering::Acquire);
    if id == 0
        || base <= RESERVATION_FAILED
        || id as usize * 8 >= ARENA_USED.load(Ordering::Acquire).min(ARENA_SIZE)
    {
        return None;
    }
    unsafe {
        let e = entry_words(base, id);
        let depth = *e.add(2) as usize;
        Some(StoredStack {
            thread: *e.add(1),
            pcs: core::slice::from_raw_parts(e.add(6).cast::<usize>(), depth),
        })
    }
}

/// Records the stack of the program's call into the allocator (`malloc_context_size` frames,
/// frame #0 the entry point) and returns its id; 0 before init, when re-entered, or when disabled.
/// A call whose frame chain is unchanged since this thread last walked it is answered from the
/// thread's recent chains (`frame_chains.rs`) without a walk.
pub fn record_here(
    caller: &crate::traces::unwind::Caller,
    recent: impl FnOnce() -> Option<*mut RecentTraces>,
) -> u32 {
    let depth = crate::options::get().malloc_context_size;
    if depth == 0 || !crate::lifecycle::is_initialized() {
        return 0;
    }
    // A malloc made by the unwinder (or by the thread registry) must not record a stack of its own.
    if crate::thread_state::current().recording.get() {
        return 0;
    }
    let cache = recent();
    if let Some(id) = cache.and_then(|c| unsafe { (*c).chains.lookup(caller) }) {
        return id;
    }
    walk_and_store(caller, depth, cache)
}

/// `record_here` when no recent chain answers: walk, store, remember the chain. Out of line, so
/// that the common path above has no frame holding a trace and a trail.
#[inline(never)]
fn walk_and_store(
    caller: &crate::traces::unwind::Caller,
    depth: usize,
    cache: Option<*mut RecentTraces>,
) -> u32 {
    WALKS.fetch_add(1, Ordering::Relaxed);
    let recording = &crate::thread_state::current().recording;
    recording.set(true);
    let mut trace = crate::traces::unwind::StackTrace::empty();
    let mut trail = crate::traces::unwind::Trail::new();
    crate::traces::unwind::capture_for_allocator(caller, depth, &mut trace, &mut trail);
    let thread = crate::threads::current_thread_number();
    let h = hash(trace.frames(), thread);
    let id = match cache {
        Some(cache) => unsafe {
            let id = (*cache).stacks.get_or_store(trace.frames(), thread, h);
            (*cache).chains.remember(caller, &trail, id);
            id
        },
        None => store_hashed(trace.frames(), thread, h),
    };
    recording.set(false);
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_stack_same_id() {
        let a = store(&[1, 2, 3], 0);
        let b = store(&[1, 2, 3], 0);
        let c = store(&[1, 2, 3], 1);
        let d = store(&[1, 2], 0);
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_ne!(a, d);
        let s = get(c).unwrap();
        assert_eq!(s.thread, 1);
        assert_eq!(s.pcs, &[1, 2, 3]);
        assert!(get(0).is_none());
    }
}
