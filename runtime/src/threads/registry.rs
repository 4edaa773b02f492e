//! Thread registry: numbers (T0 is main), stacks (real, sigaltstack), pthread_create interception.
//!
//! The registry is a fixed array of slots, reused after a thread exits; a slot's index also picks the
//! thread's fake stack (`fake_stack.rs`). Numbers are never reused: T0 is the main thread, the others
//! are numbered in creation order by the parent in `pthread_create`. Nothing here allocates except
//! the start record of `pthread_create` (an internal Box) and whatever glibc's `pthread_getattr_np`
//! does, which may re-enter malloc: the calling thread is marked registered before it runs.

// The `unsafe extern "C"` functions here are C entry points (interposed libc functions or hooks the
// pass calls): their safety contract is the C function's own.
#![allow(clippy::missing_safety_doc)]

use crate::contract::DEAD_STACK_WINDOW;
use crate::errors::{FixedStr, RegionInfo, RegionKind};
use crate::thread_state::{self, ThreadState};
use core::fmt::Write;
use core::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering};
use libc::{c_int, c_void};

/// How many threads can be alive at once with a registry slot (and a fake stack). Later ones still
/// get a number; they just are not described and keep their locals on the real stack.
pub const MAX_THREADS: usize = 4096;

const FREE: u32 = 0;
const RESERVED: u32 = 1;
const LIVE: u32 = 2;

struct Slot {
    state: AtomicU32,
    number: AtomicU32,
    /// The kernel's thread id (0 until the thread adopted the slot).
    tid: AtomicU32,
    stack_lo: AtomicUsize,
    stack_hi: AtomicUsize,
    alt_lo: AtomicUsize,
    alt_hi: AtomicUsize,
}

impl Slot {
    const fn new() -> Self {
        Slot {
            state: AtomicU32::new(FREE),
            number: AtomicU32::new(0),
            tid: AtomicU32::new(0),
            stack_lo: AtomicUsize::new(0),
            stack_hi: AtomicUsize::new(0),
            alt_lo: AtomicUsize::new(0),
            alt_hi: AtomicUsize::new(0),
        }
    }
}

static SLOTS: [Slot; MAX_THREADS] = [const { Slot::new() }; MAX_THREADS];
/// Where the next free-slot search starts (threads come and go: avoid rescanning from 0).
static SLOT_HINT: AtomicUsize = AtomicUsize::new(0);
static NEXT_NUMBER: AtomicU32 = AtomicU32::new(1);
static MAIN_NUMBER_TAKEN: AtomicBool = AtomicBool::new(false);

/// `ThreadState::slot` values besides `index + 1`.
const UNKNOWN: u32 = 0;
const NO_SLOT: u32 = u32::MAX;
const EXITED: u32 = u32::MAX - 1;

/// The calling thread's state, registering it first if needed. Reading it never allocates.
#[inline]
fn me() -> &'static ThreadState {
    let state = thread_state::current();
    if state.slot.get() == UNKNOWN {
        register_current();
    }
    state
}

/// The calling thread's registry slot index, if it has one (none after its exit destructors ran).
pub fn current_slot() -> Option<usize> {
    match me().slot.get() {
        NO_SLOT | EXITED => None,
        slot => Some(slot as usize - 1),
    }
}

/// Whether the calling thread ran its exit destructors (nothing per-thread may be set up again).
pub fn current_has_exited() -> bool {
    thread_state::current().slot.get() == EXITED
}

/// The calling thread's real stack bounds [lo, hi) (0, 0 when unknown).
pub fn current_stack() -> (usize, usize) {
    let m = me();
    (m.stack_lo.get(), m.stack_hi.get())
}

/// The calling thread's stack is [lo, hi) from now on (a fiber switch).
pub fn set_current_stack(lo: usize, hi: usize) {
    let state = me();
    state.stack_lo.set(lo);
    state.stack_hi.set(hi);
    if let Some(index) = current_slot() {
        SLOTS[index].stack_lo.store(lo, Ordering::Relaxed);
        SLOTS[index].stack_hi.store(hi, Ordering::Relaxed);
    }
}

/// Records [lo, hi) as the calling thread's alternate signal stack (one the runtime mapped).
pub fn note_alt_stack(lo: usize, hi: usize) {
    if let Some(index) = current_slot() {
        SLOTS[index].alt_lo.store(lo, Ordering::Relaxed);
        SLOTS[index].alt_hi.store(hi, Ordering::Relaxed);
    }
}

/// Whether registry slot `index` belongs to a live thread (reading a free slot's fake block
/// would fault its untouched pages in).
pub fn slot_is_live(index: usize) -> bool {
    SLOTS[index].state.load(Ordering::Acquire) != FREE
}

/// The thread number owning registry slot `index` (for describing fake frames).
pub fn slot_number(index: usize) -> u32 {
    SLOTS[index].number.load(Ordering::Relaxed)
}

/// Registers the main thread as T0 with its stack bounds.
pub fn init_main_thread() {
    ensure_exit_key();
    me();
}

/// The calling thread's number (T0, T1, ...), registering it on first use if it was not created
/// through our pthread_create (e.g. before the runtime loaded).
pub fn current_thread_number() -> u32 {
    me().number.get()
}

/// Whether `addr` is in the dead part of the calling thread's current stack: both `addr` and our
/// stack pointer are in the thread's real stack and `addr` is below it. Our own frames lie between
/// the caller's stack pointer and ours, so this is conservative. Signal handlers on alternate
/// stacks, makecontext coroutines and other threads' stacks never count as dead.
pub fn is_dead_stack(addr: usize) -> bool {
    let sp = stack_pointer();
    // Most checked ranges are heap or global memory, far below any stack pointer: answer those
    // without the thread lookup (a TLS access), which every memcpy check would otherwise pay.
    if addr >= sp || sp - addr > DEAD_STACK_WINDOW {
        return false;
    }
    let (lo, hi) = current_stack();
    let inside = |a: usize| a >= lo && a < hi;
    inside(addr) && inside(sp) && addr < sp
}

/// The current stack pointer of the calling thread (approximately: our own frame).
#[inline(always)]
pub fn stack_pointer() -> usize {
    let sp: usize;
    #[cfg(target_arch = "x86_64")]
    unsafe {
        core::arch::asm!("mov {}, rsp", out(reg) sp, options(nomem, nostack, preserves_flags))
    };
    #[cfg(target_arch = "aarch64")]
    unsafe {
        core::arch::asm!("mov {}, sp", out(reg) sp, options(nomem, nostack, preserves_flags))
    };
    sp
}

/// A registered thread's real or alternate signal stack, or one of its fake frames, holding `addr`.
pub fn describe_stack(addr: usize) -> Option<RegionInfo> {
    for slot in SLOTS.iter() {
        if slot.state.load(Ordering::Acquire) == FREE {
            continue;
        }
        let number = slot.number.load(Ordering::Relaxed);
        let (lo, hi) = (
            slot.stack_lo.load(Ordering::Relaxed),
            slot.stack_hi.load(Ordering::Relaxed),
        );
        if addr >= lo && addr < hi {
            return Some(stack_info(lo, hi, number, ""));
        }
        let (lo, hi) = (
            slot.alt_lo.load(Ordering::Relaxed),
            slot.alt_hi.load(Ordering::Relaxed),
        );
        if addr >= lo && addr < hi {
            return Some(stack_info(lo, hi, number, " (alternate signal stack)"));
        }
    }
    let (index, lo, hi) = crate::threads::fake_stack::describe(addr)?;
    Some(stack_info(lo, hi, slot_number(index), " (fake frame)"))
}

fn stack_info(lo: usize, hi: usize, number: u32, what: &str) -> RegionInfo {
    let mut name = FixedStr::new();
    let _ = write!(name, "stack of thread T{number}{what}");
    RegionInfo {
        kind: RegionKind::Stack,
        lo,
        hi,
        name,
    }
}

/// A live registered thread as the leak check sees it: kernel id, real stack, alternate signal
/// stack ([0, 0) when none).
#[derive(Clone, Copy, Default)]
pub struct ThreadStacks {
    pub tid: u32,
    pub stack: (usize, usize),
    pub alt: (usize, usize),
}

/// Calls `f` with every live registered thread. Reads only atomics: safe while others are stopped.
pub fn for_each_thread(mut f: impl FnMut(ThreadStacks)) {
    for slot in SLOTS.iter() {
        if slot.state.load(Ordering::Acquire) != LIVE {
            continue;
        }
        f(ThreadStacks {
            tid: slot.tid.load(Ordering::Relaxed),
            stack: (
                slot.stack_lo.load(Ordering::Relaxed),
                slot.stack_hi.load(Ordering::Relaxed),
            ),
            alt: (
                slot.alt_lo.load(Ordering::Relaxed),
                slot.alt_hi.load(Ordering::Relaxed),
            ),
        });
    }
}

/// Takes a free registry slot for a thread numbered `number`.
fn reserve_slot(number: u32) -> Option<usize> {
    let start = SLOT_HINT.load(Ordering::Relaxed);
    for i in 0..MAX_THREADS {
        let index = (start + i) % MAX_THREADS;
        let slot = &SLOTS[index];
        if slot.state.load(Ordering::Relaxed) == FREE
            && slot
                .state
                .compare_exchange(FREE, RESERVED, Ordering::Acquire, Ordering::Relaxed)
                .is_ok()
        {
            slot.number.store(number, Ordering::Relaxed);
            slot.tid.store(0, Ordering::Relaxed);
            for field in [&slot.stack_lo, &slot.stack_hi, &slot.alt_lo, &slot.alt_hi] {
                field.store(0, Ordering::Relaxed);
            }
            SLOT_HINT.store(index + 1, Ordering::Relaxed);
            return Some(index);
        }
    }
    None
}

fn release_slot(index: usize) {
    let slot = &SLOTS[index];
    for field in [&slot.stack_lo, &slot.stack_hi, &slot.alt_lo, &slot.alt_hi] {
        field.store(0, Ordering::Relaxed);
    }
    slot.state.store(FREE, Ordering::Release);
}

fn is_main_thread() -> bool {
    unsafe { libc::syscall(libc::SYS_gettid) as i32 == libc::getpid() }
}

/// Registers a thread we did not see being created (the main thread, or threads started before
/// the runtime loaded or by raw clone).
fn register_current() {
    let main = is_main_thread() && !MAIN_NUMBER_TAKEN.swap(true, Ordering::AcqRel);
    let number = if main {
        0
    } else {
        NEXT_NUMBER.fetch_add(1, Ordering::Relaxed)
    };
    match reserve_slot(number) {
        Some(index) => adopt(index, main),
        None => {
            let state = thread_state::current();
            state.number.set(number);
            state.slot.set(NO_SLOT);
        }
    }
}

/// Makes registry slot `index` (already numbered) the calling thread's and records its stack.
fn adopt(index: usize, main: bool) {
    let slot = &SLOTS[index];
    let number = slot.number.load(Ordering::Relaxed);
    // Mark ourselves first: finding the bounds may call malloc, which asks for our number.
    let state = thread_state::current();
    state.number.set(number);
    state.stack_lo.set(0);
    state.stack_hi.set(0);
    state.slot.set(index as u32 + 1);
    let (lo, hi) = if main {
        main_stack_bounds()
    } else {
        pthread_stack_bounds()
    };
    slot.stack_lo.store(lo, Ordering::Relaxed);
    slot.stack_hi.store(hi, Ordering::Relaxed);
    let tid = unsafe { libc::syscall(libc::SYS_gettid) } as u32;
    slot.tid.store(tid, Ordering::Relaxed);
    slot.state.store(LIVE, Ordering::Release);
    state.stack_lo.set(lo);
    state.stack_hi.set(hi);
    ensure_exit_key();
    let key = EXIT_KEY.load(Ordering::Acquire);
    if key != KEY_NONE {
        unsafe { libc::pthread_setspecific(key, (index + 1) as *const c_void) };
    }
}

/// Stack bounds of a non-main thread, from its pthread attributes.
fn pthread_stack_bounds() -> (usize, usize) {
    unsafe {
        let mut attr: libc::pthread_attr_t = core::mem::zeroed();
        if libc::pthread_getattr_np(libc::pthread_self(), &mut attr) != 0 {
            return (0, 0);
        }
        let mut addr: *mut c_void = core::ptr::null_mut();
        let mut size: usize = 0;
        let rc = libc::pthread_attr_getstack(&attr, &mut addr, &mut size);
        libc::pthread_attr_destroy(&mut attr);
        if rc != 0 {
            return (0, 0);
        }
        (addr as usize, addr as usize + size)
    }
}

/// The main thread's stack: the `[stack]` mapping's top, and RLIMIT_STACK below it (the mapping
/// grows down to that).
fn main_stack_bounds() -> (usize, usize) {
    let Some((map_lo, hi)) = find_stack_mapping() else {
        return (0, 0);
    };
    let mut limit: libc::rlimit = unsafe { core::mem::zeroed() };
    let rlim = if unsafe { libc::getrlimit(libc::RLIMIT_STACK, &mut limit) } == 0 {
        limit.rlim_cur as usize
    } else {
        0
    };
    // "unlimited" stacks still stop somewhere; 1 GiB is more than any real main thread uses.
    let span = if rlim == 0 || rlim == libc::RLIM_INFINITY as usize {
        1 << 30
    } else {
        rlim
    };
    (hi.saturating_sub(span).min(map_lo), hi)
}

fn find_stack_mapping() -> Option<(usize, usize)> {
    let mut found = None;
    crate::proc_maps::for_each_line(|text| {
        if text.ends_with(b"[stack]") {
            found = parse_range(text);
        }
        found.is_none()
    });
    found
}

/// "lo-hi perms ..." from a /proc/self/maps line.
pub(crate) fn parse_range(line: &[u8]) -> Option<(usize, usize)> {
    let mut it = line.split(|&b| b == b' ').next()?.split(|&b| b == b'-');
    let lo = parse_hex(it.next()?)?;
    let hi = parse_hex(it.next()?)?;
    Some((lo, hi))
}

fn parse_hex(digits: &[u8]) -> Option<usize> {
    if digits.is_empty() {
        return None;
    }
    let mut v = 0usize;
    for &d in digits {
        v = v.checked_mul(16)? + (d as char).to_digit(16)? as usize;
    }
    Some(v)
}

// ---- thread exit: a pthread key destructor (runs on return from the start routine and on
// pthread_exit alike) gives the slot and the fake stack back.

const KEY_NONE: libc::pthread_key_t = libc::pthread_key_t::MAX;
static EXIT_KEY: AtomicU32 = AtomicU32::new(KEY_NONE);
static KEY_STATE: AtomicU32 = AtomicU32::new(0); // 0 none, 1 creating, 2 ready

fn ensure_exit_key() {
    loop {
        match KEY_STATE.compare_exchange(0, 1, Ordering::AcqRel, Ordering::Acquire) {
            Ok(_) => {
                let mut key: libc::pthread_key_t = 0;
                if unsafe { libc::pthread_key_create(&mut key, Some(thread_exit)) } == 0 {
                    EXIT_KEY.store(key, Ordering::Release);
                }
                KEY_STATE.store(2, Ordering::Release);
                return;
            }
            Err(2) => return,
            Err(_) => core::hint::spin_loop(),
        }
    }
}

/// What a part above the registry (the heap's thread cache) must do when a thread exits, installed
/// by start-up so that the registry need not know that part.
static EXIT_HOOK: AtomicUsize = AtomicUsize::new(0);

pub fn on_thread_exit(hook: fn()) {
    EXIT_HOOK.store(hook as usize, Ordering::Release);
}

unsafe extern "C" fn thread_exit(value: *mut c_void) {
    let index = value as usize - 1;
    if index >= MAX_THREADS {
        return;
    }
    crate::threads::fake_stack::release(index);
    crate::threads::dynamic_allocas::clear_painted();
    crate::threads::alt_stack::release_current();
    let hook = EXIT_HOOK.load(Ordering::Acquire);
    if hook != 0 {
        // SAFETY: only `on_thread_exit` stores here, and it stores a `fn()`.
        core::mem::transmute::<usize, fn()>(hook)();
    }
    // Keep the number (later destructors may still malloc and ask for it), drop the slot.
    thread_state::current().slot.set(EXITED);
    release_slot(index);
}

// ---- interposed libc functions.

type PthreadCreate = unsafe extern "C" fn(
    *mut libc::pthread_t,
    *const libc::pthread_attr_t,
    extern "C" fn(*mut c_void) -> *mut c_void,
    *mut c_void,
) -> c_int;

static REAL_PTHREAD_CREATE: AtomicUsize = AtomicUsize::new(0);

/// The next definition of `symbol` after ours (libc's), cached in `cache`.
pub(crate) fn next_symbol(cache: &AtomicUsize, symbol: &core::ffi::CStr) -> usize {
    let mut f = cache.load(Ordering::Acquire);
    if f == 0 {
        f = unsafe { libc::dlsym(libc::RTLD_NEXT, symbol.as_ptr()) } as usize;
        if f == 0 {
            crate::sync::write_stderr(b"ffisan: fatal: cannot find the real ");
            crate::sync::die(symbol.to_bytes_with_nul());
        }
        cache.store(f, Ordering::Release);
    }
    f
}

/// What the new thread needs before running the user's start routine.
struct StartRecord {
    start: extern "C" fn(*mut c_void) -> *mut c_void,
    arg: *mut c_void,
    slot: usize,
}

extern "C" fn thread_start(record: *mut c_void) -> *mut c_void {
    let record = unsafe { Box::from_raw(record as *mut StartRecord) };
    let StartRecord { start, arg, slot } = *record;
    adopt(slot, false);
    crate::threads::alt_stack::ensure_current();
    start(arg)
}

/// pthread_create: number the new thread here (creation order), register it from inside.
#[no_mangle]
pub unsafe extern "C" fn pthread_create(
    thread: *mut libc::pthread_t,
    attr: *const libc::pthread_attr_t,
    start: extern "C" fn(*mut c_void) -> *mut c_void,
    arg: *mut c_void,
) -> c_int {
    let real: PthreadCreate =
        core::mem::transmute(next_symbol(&REAL_PTHREAD_CREATE, c"pthread_create"));
    me(); // the parent gets its number before its child
    ensure_exit_key();
    let number = NEXT_NUMBER.fetch_add(1, Ordering::Relaxed);
    let Some(slot) = reserve_slot(number) else {
        return real(thread, attr, start, arg);
    };
    let record = Box::into_raw(Box::new(StartRecord { start, arg, slot }));
    let rc = real(thread, attr, thread_start, record.cast());
    if rc != 0 {
        drop(Box::from_raw(record));
        release_slot(slot);
    }
    rc
}

/// sigaltstack: remember the calling thread's alternate signal stack (the kernel does the work).
#[no_mangle]
pub unsafe extern "C" fn sigaltstack(ss: *const libc::stack_t, old: *mut libc::stack_t) -> c_int {
    if libc::syscall(libc::SYS_sigaltstack, ss, old) != 0 {
        return -1; // errno set by syscall()
    }
    if !ss.is_null() {
        if let Some(index) = current_slot() {
            let slot = &SLOTS[index];
            let (lo, hi) = if (*ss).ss_flags & libc::SS_DISABLE != 0 {
                (0, 0)
            } else {
                ((*ss).ss_sp as usize, (*ss).ss_sp as usize + (*ss).ss_size)
            };
            slot.alt_lo.store(lo, Ordering::Relaxed);
            slot.alt_hi.store(hi, Ordering::Relaxed);
        }
    }
    0
}
