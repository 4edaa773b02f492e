//! Fake stack frames for stack-use-after-return: escaping locals live in per-thread, size-classed
//! slots that stay poisoned after the function returns, until the slot comes round again.
//!
//! One NORESERVE reservation holds a block per thread registry slot (pages cost nothing until a
//! thread uses them). A block has one area per size class (64 B .. 64 KiB, powers of two), each a
//! ring of slots with a cursor that moves round-robin, so a freed slot is not reused at once, then
//! the classes' cursors. Each slot begins with its owner word, the real frame of the function using
//! it; claiming and freeing are plain stores (a signal handler finishes before the code it
//! interrupts resumes), and slots are independent, so frames may be freed in any order
//! (swapcontext). The block is found from an address by arithmetic: no table, no lock. A returning
//! function leaves its frame with inline code the pass emits (poison, then clear the owner word;
//! `contract::FAKE_FRAME_OWNER_BYTES`): no call.

use crate::contract::shadow_value::STACK_AFTER_RETURN;
use crate::contract::{FAKE_FRAME_CLASSES, FAKE_FRAME_MIN_LOG, FAKE_FRAME_OWNER_BYTES, GRANULE};
use crate::shadow;
use crate::sync::RESERVATION_FAILED;
use crate::threads::registry::{self as threads, MAX_THREADS};
use core::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

const MIN_LOG: u32 = FAKE_FRAME_MIN_LOG;
const CLASSES: usize = FAKE_FRAME_CLASSES;
/// Bytes of slots per size class and thread.
const CLASS_BYTES: usize = 256 << 10;
const FRAMES_BYTES: usize = CLASSES * CLASS_BYTES;
/// Each slot starts with its owner word, the real frame of the function using it (0: free), and
/// the frame follows. Enter reads it and the pass's inline leave clears it in the cache line the
/// frame itself uses, found without knowing the slot's class (`frame - OWNER_BYTES`).
const OWNER_BYTES: usize = FAKE_FRAME_OWNER_BYTES;
const _: () = assert!(OWNER_BYTES.is_multiple_of(GRANULE)); // frames stay granule-aligned
/// Enters a full class sends to the real stack before searching its ring again: a recursion deeper
/// than the ring would otherwise search it on every call.
const FULL_SKIPS: usize = 256;

/// Only the owning thread (and its signal handlers, which finish before the code they interrupt
/// resumes) touches a block, so plain loads and stores suffice: no lock-prefixed instruction on the
/// path every call with an escaping local takes.
struct ClassState {
    cursor: AtomicUsize,
    /// Slots ever claimed are below this index: collecting and releasing look no further (the rest
    /// of the ring may be pages never touched).
    high: AtomicUsize,
    /// Set to FULL_SKIPS when the class was full and collecting found nothing.
    skips: AtomicUsize,
}

/// Lives right after the slot areas of each block (zero pages = all slots free).
struct Meta {
    activated: AtomicBool,
    classes: [ClassState; CLASSES],
}

/// A power of two, so finding a frame's block is a mask, not a division (4 MiB: 4096 threads
/// reserve 16 GiB of address space, none of it backed until used).
const BLOCK_BYTES: usize = (FRAMES_BYTES + core::mem::size_of::<Meta>()).next_power_of_two();
const RESERVATION: usize = BLOCK_BYTES * MAX_THREADS;

/// Base of the reservation (`sync::reserve_once`'s cell; failed: fake frames disabled).
static BASE: AtomicUsize = AtomicUsize::new(0);

fn base() -> Option<usize> {
    crate::sync::reserve_once(&BASE, RESERVATION)
}

fn meta(block: usize) -> &'static Meta {
    unsafe { &*((block + FRAMES_BYTES) as *const Meta) }
}

fn slot_log(class: usize) -> usize {
    MIN_LOG as usize + class
}

fn slot_size(class: usize) -> usize {
    1 << slot_log(class)
}

fn slot_count(class: usize) -> usize {
    CLASS_BYTES >> slot_log(class)
}

fn slot_address(block: usize, class: usize, index: usize) -> usize {
    block + class * CLASS_BYTES + (index << slot_log(class))
}

/// The owner word at the start of a slot (the slot lies in the reservation, mapped zero-filled).
fn owner(slot: usize) -> &'static AtomicUsize {
    unsafe { &*(slot as *const AtomicUsize) }
}

/// `ThreadState::fake_block` of a thread that gets no fake frames (no registry slot, no
/// reservation, or it has exited and given its block back).
const NO_BLOCK: usize = 1;

/// The calling thread's block, set up on its first fake frame (and remembered in its state).
#[cold]
fn own_block() -> Option<usize> {
    let block = threads::current_slot()
        .zip(base())
        .map(|(thread, base)| base + thread * BLOCK_BYTES);
    crate::thread_state::current()
        .fake_block
        .set(block.unwrap_or(NO_BLOCK));
    let block = block?;
    meta(block).activated.store(true, Ordering::Relaxed);
    Some(block)
}

/// Gives the caller a frame in a slot of `class`, or 0 to keep its locals on the real stack; the
/// caller unpoisons what it uses. Every call of a function with escaping locals comes here (Lua's
/// string library: every `luaL_checklstring(L, i, &len)`), so the common case, the slot under the
/// cursor free, takes this short path; everything else (first use, a taken slot, a full class)
/// `enter_slow`.
#[inline(always)]
fn enter(class: usize, real_frame: u64) -> u64 {
    // Only a thread that got a block while the option was on has one (`enter_slow`): the option
    // is not read again here.
    let block = crate::thread_state::current().fake_block.get();
    if block > NO_BLOCK {
        let index = meta(block).classes[class].cursor.load(Ordering::Relaxed);
        let index = index & (slot_count(class) - 1);
        if owner(slot_address(block, class, index)).load(Ordering::Relaxed) == 0 {
            return claim_slot(block, class, index, real_frame);
        }
    }
    enter_slow(class, real_frame)
}

/// One entry point per class (`contract::fake_frame_class`): the class is a constant in each.
macro_rules! enter_entries {
    ($($name:ident = $class:literal),* $(,)?) => {$(
        #[no_mangle]
        pub extern "C" fn $name(real_frame: u64) -> u64 {
            enter($class, real_frame)
        }
    )*};
}
enter_entries!(
    __ffisan_fake_frame_enter_0 = 0,
    __ffisan_fake_frame_enter_1 = 1,
    __ffisan_fake_frame_enter_2 = 2,
    __ffisan_fake_frame_enter_3 = 3,
    __ffisan_fake_frame_enter_4 = 4,
    __ffisan_fake_frame_enter_5 = 5,
    __ffisan_fake_frame_enter_6 = 6,
    __ffisan_fake_frame_enter_7 = 7,
    __ffisan_fake_frame_enter_8 = 8,
    __ffisan_fake_frame_enter_9 = 9,
    __ffisan_fake_frame_enter_10 = 10,
);
const _: () = assert!(CLASSES == 11, "one entry point per class");

/// Takes the free slot `index` of `class` for a function whose real frame is `real_frame`. A
/// signal handler taking this slot between the caller's test and the store has given it back
/// before we resume (or abandoned us with longjmp): the store cannot clash.
#[inline(always)]
fn claim_slot(block: usize, class: usize, index: usize, real_frame: u64) -> u64 {
    let state = &meta(block).classes[class];
    let slot = slot_address(block, class, index);
    owner(slot).store(real_frame.max(1) as usize, Ordering::Relaxed);
    state.cursor.store(index + 1, Ordering::Relaxed);
    // The next enter of this class reads the next slot's owner word, and the frame it gets is
    // written at once: a line last touched a whole ring ago. Asked for now, it comes meanwhile.
    let next = slot_address(block, class, (index + 1) & (slot_count(class) - 1));
    crate::sync::prefetch_for_write(next);
    if index >= state.high.load(Ordering::Relaxed) {
        state.high.store(index + 1, Ordering::Relaxed);
        // The owner word is no local: poisoned once, like a frame that was left; no enter or
        // leave touches its shadow again.
        shadow::fill(slot, STACK_AFTER_RETURN, 1);
    }
    (slot + OWNER_BYTES) as u64
}

/// Enter when the short path cannot: the thread's first fake frame, fake frames turned off, a
/// taken slot under the cursor (search the ring), or a full class (collect what longjmp left).
#[cold]
#[inline(never)]
fn enter_slow(class: usize, real_frame: u64) -> u64 {
    if !crate::options::get().detect_stack_use_after_return {
        return 0;
    }
    let block = match crate::thread_state::current().fake_block.get() {
        // Options are read at start-up: until then no thread gets a block, so that none keeps
        // one that `detect_stack_use_after_return=0` would have refused.
        0 if !crate::lifecycle::is_initialized() => return 0,
        0 => match own_block() {
            Some(block) => block,
            None => return 0,
        },
        NO_BLOCK => return 0,
        block => block,
    };
    let state = &meta(block).classes[class];
    let skips = state.skips.load(Ordering::Relaxed);
    if skips > 0 {
        state.skips.store(skips - 1, Ordering::Relaxed);
        return 0;
    }
    let count = slot_count(class);
    for attempt in 0..2 {
        let start = state.cursor.load(Ordering::Relaxed);
        for i in 0..count {
            let index = (start + i) & (count - 1);
            if owner(slot_address(block, class, index)).load(Ordering::Relaxed) == 0 {
                return claim_slot(block, class, index, real_frame);
            }
        }
        if attempt == 1 || collect_leaked(block, class, real_frame.max(1) as usize) == 0 {
            break;
        }
    }
    state.skips.store(FULL_SKIPS, Ordering::Relaxed);
    0
}

/// The claimed slots of `class` in `block`: (slot address, owner word).
fn claimed_slots(
    block: usize,
    class: usize,
) -> impl Iterator<Item = (usize, &'static AtomicUsize)> {
    let high = meta(block).classes[class].high.load(Ordering::Relaxed);
    (0..high.min(slot_count(class)))
        .map(move |index| slot_address(block, class, index))
        .map(|slot| (slot, owner(slot)))
        .filter(|(_, owner)| owner.load(Ordering::Relaxed) != 0)
}

/// Frees the frames of `class` that longjmp left behind. The entering function (real frame
/// `current`) is live and so are its callers, whose frames are above it; a frame recorded at or
/// below `current` on the same real thread stack belongs to a function that cannot still be running.
fn collect_leaked(block: usize, class: usize, current: usize) -> usize {
    let sp = threads::stack_pointer();
    let (lo, hi) = threads::current_stack();
    let on_stack = |a: usize| a >= lo && a < hi;
    if !on_stack(sp) || !on_stack(current) {
        return 0; // on an alternate or coroutine stack: cannot tell what is dead
    }
    let mut freed = 0;
    for (slot, owner) in claimed_slots(block, class) {
        let rf = owner.load(Ordering::Relaxed);
        if rf >= lo && rf <= current {
            shadow::poison(slot, slot_size(class), STACK_AFTER_RETURN);
            owner.store(0, Ordering::Relaxed);
            freed += 1;
        }
    }
    freed
}

/// Calls `f` with [lo, hi) of every fake frame in use, on any thread (the leak check's roots:
/// an escaping local lives there while its function runs). Frames longjmp left behind count too.
pub fn for_each_frame_in_use(mut f: impl FnMut(usize, usize)) {
    let base = BASE.load(Ordering::Acquire);
    if base <= RESERVATION_FAILED {
        return;
    }
    for thread in 0..MAX_THREADS {
        let block = base + thread * BLOCK_BYTES;
        if !threads::slot_is_live(thread) || !meta(block).activated.load(Ordering::Relaxed) {
            continue;
        }
        for class in 0..CLASSES {
            for (slot, _) in claimed_slots(block, class) {
                f(slot + OWNER_BYTES, slot + slot_size(class));
            }
        }
    }
}

/// If `addr` is in a fake frame slot: the owning thread registry slot and the frame's bounds.
pub fn describe(addr: usize) -> Option<(usize, usize, usize)> {
    let base = BASE.load(Ordering::Acquire);
    if base <= RESERVATION_FAILED || addr < base || addr >= base + RESERVATION {
        return None;
    }
    let block = base + ((addr - base) & !(BLOCK_BYTES - 1));
    let offset = addr - block;
    if offset >= FRAMES_BYTES {
        return None; // metadata, not a frame
    }
    let class = offset / CLASS_BYTES;
    let slot = slot_address(block, class, (offset % CLASS_BYTES) >> slot_log(class));
    let thread = (block - base) / BLOCK_BYTES;
    Some((thread, slot + OWNER_BYTES, slot + slot_size(class)))
}

/// The calling thread exits and gives up its registry slot `thread`: poison the frames still in
/// use (pthread_exit and longjmp leave some), give the pages back and clear the metadata. Its
/// later calls (other exit destructors) keep their locals on the real stack: the slot, and so the
/// block, may go to a new thread at once.
pub fn release(thread: usize) {
    crate::thread_state::current().fake_block.set(NO_BLOCK);
    let base = BASE.load(Ordering::Acquire);
    if base <= RESERVATION_FAILED {
        return;
    }
    let block = base + thread * BLOCK_BYTES;
    if !meta(block).activated.load(Ordering::Relaxed) {
        return;
    }
    for class in 0..CLASSES {
        for (slot, _) in claimed_slots(block, class) {
            shadow::poison(slot, slot_size(class), STACK_AFTER_RETURN);
        }
    }
    // Private anonymous pages read back as zeros: all slots free, cursors at 0, not activated.
    unsafe { libc::madvise(block as *mut libc::c_void, BLOCK_BYTES, libc::MADV_DONTNEED) };
}
