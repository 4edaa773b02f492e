//! Fake stack frames for stack-use-after-return: escaping locals live in per-thread, size-classed
//! slots that stay poisoned after the function returns, until the slot comes round again.
//!
//! One NORESERVE reservation holds a block per thread registry slot (pages cost nothing until a
//! thread uses them). A block has one area per size class (64 B .. 64 KiB, powers of two), each a
//! ring of slots with a cursor that moves round-robin, so a freed slot is not reused at once, then
//! the per-slot metadata. A slot is claimed by a compare-and-swap on its recorded frame address, so
//! signal handlers may re-enter, and slots are independent, so frames may be freed in any order
//! (swapcontext). The block is found from an address by arithmetic: no table, no lock.

use crate::contract::shadow_value::STACK_AFTER_RETURN;
use crate::contract::GRANULE;
use crate::shadow;
use crate::sync::RESERVATION_FAILED;
use crate::threads::{self, MAX_THREADS};
use core::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

const MIN_LOG: u32 = 6;
const CLASSES: usize = 11; // 64 B ..= 64 KiB
const MAX_FRAME: u64 = 1 << (MIN_LOG as usize + CLASSES - 1);
/// Bytes of slots per size class and thread.
const CLASS_BYTES: usize = 256 << 10;
const FRAMES_BYTES: usize = CLASSES * CLASS_BYTES;
/// All classes' slot counts: 4096 + 2048 + ... + 4.
const TOTAL_SLOTS: usize =
    (CLASS_BYTES >> MIN_LOG) * 2 - (CLASS_BYTES >> (MIN_LOG as usize + CLASSES - 1));

/// Only the owning thread (and its signal handlers, which finish before the code they interrupt
/// resumes) touches a block, so plain loads and stores suffice: no lock-prefixed instruction on the
/// path every call with an escaping local takes.
struct ClassState {
    cursor: AtomicUsize,
    /// Set when the class was full and collecting found nothing; cleared by any leave.
    full: AtomicBool,
}

/// Lives right after the slot areas of each block (zero pages = all slots free).
struct Meta {
    activated: AtomicBool,
    classes: [ClassState; CLASSES],
    /// The real frame recorded by the owner of each slot; 0 = free.
    frames: [AtomicUsize; TOTAL_SLOTS],
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

/// Index of each class's first slot in `Meta::frames` (a table: enter and leave need it per call).
const FIRST_SLOT: [usize; CLASSES] = {
    let mut first = [0; CLASSES];
    let mut class = 1;
    while class < CLASSES {
        first[class] = first[class - 1] + (CLASS_BYTES >> (MIN_LOG as usize + class - 1));
        class += 1;
    }
    first
};

fn first_slot(class: usize) -> usize {
    FIRST_SLOT[class]
}

fn class_of(size: u64) -> usize {
    if size <= 1 << MIN_LOG {
        0
    } else {
        (64 - (size - 1).leading_zeros() - MIN_LOG) as usize
    }
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

/// Gives the caller a fake frame of `size` bytes, or 0 to keep its locals on the real stack.
/// Every call of a function with escaping locals comes here (Lua's string library: every
/// `luaL_checklstring(L, i, &len)`), so the common case, the slot under the cursor free, takes
/// this short path; everything else (first use, a taken slot, a full class) `enter_slow`.
#[no_mangle]
pub extern "C" fn __ffisan_fake_frame_enter(size: u64, real_frame: u64) -> u64 {
    let block = crate::thread_state::current().fake_block.get();
    if block > NO_BLOCK && size <= MAX_FRAME && crate::options::get().detect_stack_use_after_return
    {
        let meta = meta(block);
        let class = class_of(size);
        let state = &meta.classes[class];
        let index = state.cursor.load(Ordering::Relaxed) & (slot_count(class) - 1);
        let f = &meta.frames[first_slot(class) + index];
        if !state.full.load(Ordering::Relaxed) && f.load(Ordering::Relaxed) == 0 {
            return claim_slot(block, class, index, size, real_frame);
        }
    }
    enter_slow(size, real_frame)
}

/// Takes the free slot `index` of `class` for a frame of `size` bytes whose function's real frame
/// is `real_frame`. A signal handler taking this slot between the caller's test and the store has
/// given it back before we resume (or abandoned us with longjmp): the store cannot clash.
#[inline(always)]
fn claim_slot(block: usize, class: usize, index: usize, size: u64, real_frame: u64) -> u64 {
    let meta = meta(block);
    meta.frames[first_slot(class) + index].store(real_frame.max(1) as usize, Ordering::Relaxed);
    meta.classes[class]
        .cursor
        .store(index + 1, Ordering::Relaxed);
    let frame = block + class * CLASS_BYTES + (index << slot_log(class));
    shadow::unpoison(frame, size as usize);
    frame as u64
}

/// Enter when the short path cannot: the thread's first fake frame, fake frames turned off, a
/// taken slot under the cursor (search the ring), or a full class (collect what longjmp left).
#[cold]
#[inline(never)]
fn enter_slow(size: u64, real_frame: u64) -> u64 {
    if size > MAX_FRAME || !crate::options::get().detect_stack_use_after_return {
        return 0;
    }
    let block = match crate::thread_state::current().fake_block.get() {
        0 => match own_block() {
            Some(block) => block,
            None => return 0,
        },
        NO_BLOCK => return 0,
        block => block,
    };
    let meta = meta(block);
    let class = class_of(size);
    let state = &meta.classes[class];
    let count = slot_count(class);
    let frames = &meta.frames[first_slot(class)..][..count];
    for attempt in 0..2 {
        if !state.full.load(Ordering::Relaxed) {
            let start = state.cursor.load(Ordering::Relaxed);
            for i in 0..count {
                let index = (start + i) & (count - 1);
                if frames[index].load(Ordering::Relaxed) == 0 {
                    return claim_slot(block, class, index, size, real_frame);
                }
            }
        }
        if attempt == 1
            || state.full.load(Ordering::Relaxed)
            || collect_leaked(block, class, real_frame.max(1) as usize) == 0
        {
            state.full.store(true, Ordering::Relaxed);
            return 0;
        }
    }
    0
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
    let meta = meta(block);
    let frames = &meta.frames[first_slot(class)..][..slot_count(class)];
    let mut freed = 0;
    for (index, f) in frames.iter().enumerate() {
        let rf = f.load(Ordering::Relaxed);
        if rf != 0 && rf >= lo && rf <= current {
            let frame = block + class * CLASS_BYTES + (index << slot_log(class));
            shadow::poison(frame, slot_size(class), STACK_AFTER_RETURN);
            f.store(0, Ordering::Relaxed);
            freed += 1;
        }
    }
    freed
}

/// The function that got `frame` from `__ffisan_fake_frame_enter` returns: poison the frame.
#[no_mangle]
pub extern "C" fn __ffisan_fake_frame_leave(frame: u64, size: u64) {
    let frame = frame as usize;
    let Some((block, class, index)) = locate(frame) else {
        return;
    };
    // Poison before freeing: a signal handler claiming the slot right after unpoisons it again.
    // The slot lies in the reservation, which the shadow covers: fill it directly.
    let granules = (size as usize).clamp(1, slot_size(class)).div_ceil(GRANULE);
    shadow::fill(frame, STACK_AFTER_RETURN, granules);
    let meta = meta(block);
    let f = &meta.frames[first_slot(class) + index];
    if f.load(Ordering::Relaxed) != 0 {
        f.store(0, Ordering::Relaxed);
        meta.classes[class].full.store(false, Ordering::Relaxed);
    }
}

/// Block, class and slot index of a slot-aligned address inside the reservation.
fn locate(addr: usize) -> Option<(usize, usize, usize)> {
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
    Some((block, class, (offset % CLASS_BYTES) >> slot_log(class)))
}

/// If `addr` is in a fake frame slot: the owning thread registry slot and the frame's bounds.
pub fn describe(addr: usize) -> Option<(usize, usize, usize)> {
    let (block, class, index) = locate(addr)?;
    let base = BASE.load(Ordering::Relaxed);
    let lo = block + class * CLASS_BYTES + (index << slot_log(class));
    Some(((block - base) / BLOCK_BYTES, lo, lo + slot_size(class)))
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
    let meta = meta(block);
    if !meta.activated.load(Ordering::Relaxed) {
        return;
    }
    for class in 0..CLASSES {
        let frames = &meta.frames[first_slot(class)..][..slot_count(class)];
        for (index, f) in frames.iter().enumerate() {
            if f.load(Ordering::Relaxed) != 0 {
                let frame = block + class * CLASS_BYTES + (index << slot_log(class));
                shadow::poison(frame, slot_size(class), STACK_AFTER_RETURN);
            }
        }
    }
    // Private anonymous pages read back as zeros: all slots free, cursors at 0, not activated.
    unsafe { libc::madvise(block as *mut libc::c_void, BLOCK_BYTES, libc::MADV_DONTNEED) };
}
