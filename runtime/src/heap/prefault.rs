//! Fresh class memory faulted in ahead of the allocator, on a helper thread.
//!
//! A quarantine makes a process touch hundreds of MiB its plain build never does: every
//! allocation made while freed chunks wait is carved from fresh pages. Each first touch of a page
//! is a fault, and on a virtual machine that costs 2 to 13 µs (the host backs the page as well):
//! SQLite's speedtest1 spent a fifth of its run in the kernel clearing pages. But a class carves
//! its region from the bottom up, in address order (`class_regions.rs`), so the pages it will
//! touch next are known. A helper thread populates them (MADV_POPULATE_WRITE) a little ahead of
//! the carving, on another core, and the program's own first touch then finds them present.
//!
//! The helper is a bare clone(2) thread, not a glibc one: creating a glibc thread allocates,
//! which cannot happen inside malloc, where the need shows up. It has no TLS of its own (it shares
//! the creating thread's, so it must never touch TLS: no libc call that may set errno, only raw
//! system calls), every signal blocked (a signal handler never runs on it), and it only ever
//! populates pages of our own mappings. A class asks for it once it has carved CLASS_FROM bytes,
//! so small programs never get one.

use crate::heap::size_class::CLASSES;
use core::sync::atomic::{AtomicU32, AtomicU8, AtomicUsize, Ordering};

/// A class's carving is followed once this much of its region is carved.
const CLASS_FROM: usize = 4 << 20;
/// How far ahead of a class's carving its pages are populated; asked again every AHEAD / 2.
/// Each followed class holds at most this much populated but not yet carved.
const AHEAD: usize = 1 << 20;
/// The helper populates this much at a time, so a carving that catches up waits on little.
const STEP: usize = 256 << 10;
const HELPER_STACK: usize = 64 << 10;

/// Offset within each class's region up to which the helper should have populated.
static TARGET: [AtomicUsize; CLASSES] = [const { AtomicUsize::new(0) }; CLASSES];
/// Base of each class's region, written before its first request (0: none yet).
static REGION: [AtomicUsize; CLASSES] = [const { AtomicUsize::new(0) }; CLASSES];
/// Futex word: bumped by every request, waited on by the helper.
static WAKE: AtomicU32 = AtomicU32::new(0);

const NO_HELPER: u8 = 0;
const RUNNING: u8 = 1;
/// Disabled by the option, refused by the kernel, or a kernel without MADV_POPULATE_WRITE.
const OFF: u8 = 2;
static STATE: AtomicU8 = AtomicU8::new(NO_HELPER);

/// Called by a carving of class `class`, whose region of `region_bytes` starts at `region`, now
/// carved up to `carved` bytes: asks the helper to stay AHEAD of it. One load and compare but
/// every AHEAD / 2.
#[inline]
pub fn carved(class: usize, region: usize, region_bytes: usize, carved: usize) {
    if carved < CLASS_FROM || carved + AHEAD / 2 <= TARGET[class].load(Ordering::Relaxed) {
        return;
    }
    ask(class, region, region_bytes, carved);
}

#[inline(never)]
fn ask(class: usize, region: usize, region_bytes: usize, carved: usize) {
    REGION[class].store(region, Ordering::Relaxed);
    let end = (carved + AHEAD).next_multiple_of(4096).min(region_bytes);
    TARGET[class].fetch_max(end, Ordering::Release);
    match STATE.load(Ordering::Acquire) {
        NO_HELPER => start_helper(),
        RUNNING => {
            WAKE.fetch_add(1, Ordering::Release);
            futex(&WAKE, libc::FUTEX_WAKE | libc::FUTEX_PRIVATE_FLAG, 1);
        }
        _ => {}
    }
}

/// The helper's thread id (0: none): it holds no pointer of the program's, and blocks every
/// signal, so the leak check leaves it running.
static HELPER_TID: core::sync::atomic::AtomicI32 = core::sync::atomic::AtomicI32::new(0);

pub fn helper_tid() -> i32 {
    HELPER_TID.load(Ordering::Acquire)
}

fn start_helper() {
    if !crate::options::get().background_prefault {
        STATE.store(OFF, Ordering::Relaxed);
        return;
    }
    if STATE
        .compare_exchange(NO_HELPER, RUNNING, Ordering::AcqRel, Ordering::Acquire)
        .is_err()
    {
        return; // another thread is starting it
    }
    let Some(stack) = crate::sync::map_anonymous(HELPER_STACK) else {
        STATE.store(OFF, Ordering::Release);
        return;
    };
    // The helper inherits this mask: every signal stays blocked on it for good.
    let mut all: libc::sigset_t = unsafe { core::mem::zeroed() };
    let mut old: libc::sigset_t = unsafe { core::mem::zeroed() };
    unsafe {
        libc::sigfillset(&mut all);
        libc::pthread_sigmask(libc::SIG_SETMASK, &all, &mut old);
    }
    let flags = libc::CLONE_VM
        | libc::CLONE_FS
        | libc::CLONE_FILES
        | libc::CLONE_SIGHAND
        | libc::CLONE_THREAD
        | libc::CLONE_SYSVSEM;
    // SAFETY: the child runs `helper_main` on its own stack and never returns from it.
    let tid = unsafe { clone_thread(flags as usize, stack + HELPER_STACK, helper_main) };
    unsafe { libc::pthread_sigmask(libc::SIG_SETMASK, &old, core::ptr::null_mut()) };
    if tid > 0 {
        HELPER_TID.store(tid as i32, Ordering::Release);
    }
    if tid < 0 {
        STATE.store(OFF, Ordering::Release);
        unsafe { libc::munmap(stack as *mut libc::c_void, HELPER_STACK) };
    }
}

/// clone(2) for a thread that starts in `entry` with its stack pointer at `stack_top`; the
/// parent gets the new thread's id or -errno.
unsafe fn clone_thread(flags: usize, stack_top: usize, entry: extern "C" fn() -> !) -> isize {
    let ret: isize;
    // SAFETY (caller): the child starts with the parent's registers on the new stack; it calls
    // `entry` (kept in r12, which the system call preserves) and never comes back.
    unsafe {
        core::arch::asm!(
            "syscall",
            "test rax, rax",
            "jnz 2f",
            "xor ebp, ebp",
            "and rsp, -16",
            "call r12",
            "ud2",
            "2:",
            inlateout("rax") libc::SYS_clone as isize => ret,
            in("rdi") flags,
            in("rsi") stack_top,
            in("rdx") 0usize,
            in("r10") 0usize,
            in("r8") 0usize,
            in("r12") entry,
            lateout("rcx") _,
            lateout("r11") _,
        );
    }
    ret
}

/// A raw system call with up to four arguments: no errno (the helper has no TLS of its own).
fn raw_syscall(number: libc::c_long, args: [usize; 4]) -> isize {
    let ret: isize;
    // SAFETY: the callers pass arguments valid for the call they make.
    unsafe {
        core::arch::asm!(
            "syscall",
            inlateout("rax") number as isize => ret,
            in("rdi") args[0],
            in("rsi") args[1],
            in("rdx") args[2],
            in("r10") args[3],
            lateout("rcx") _,
            lateout("r11") _,
            options(nostack),
        );
    }
    ret
}

/// FUTEX_WAIT (no timeout) or FUTEX_WAKE on a word of ours.
fn futex(word: &AtomicU32, op: i32, value: u32) {
    raw_syscall(
        libc::SYS_futex,
        [word.as_ptr() as usize, op as usize, value as usize, 0],
    );
}

const MADV_POPULATE_WRITE: usize = 23;
const PAGE: usize = 4096;

/// Populates `[from, to)` (page-aligned); false if the kernel does not know the advice.
fn populate(from: usize, to: usize) -> bool {
    raw_syscall(libc::SYS_madvise, [from, to - from, MADV_POPULATE_WRITE, 0])
        != -(libc::EINVAL as isize)
}

/// Populates what the carving of `[from, to)` of a class of `block_bytes` blocks will touch, and
/// its shadow. Blocks of at most a page put a header on every page, so every page gets touched;
/// of a bigger block only the page of its header surely does (a program often uses only part of
/// a big block: populating the rest grew SQLite's peak RSS by a fifth).
fn populate_carving(region: usize, from: usize, to: usize, block_bytes: usize) -> bool {
    let ok = if block_bytes <= PAGE {
        populate(region + from, region + to)
    } else {
        let mut ok = true;
        let mut block = from.next_multiple_of(block_bytes);
        while ok && block < to {
            let page = (region + block) & !(PAGE - 1);
            ok = populate(page, page + PAGE);
            block += block_bytes;
        }
        ok
    };
    let shadow_from = crate::shadow::shadow_addr(region + from) as usize & !(PAGE - 1);
    let shadow_to = (crate::shadow::shadow_addr(region + to) as usize).next_multiple_of(PAGE);
    populate(shadow_from, shadow_to);
    ok
}

extern "C" fn helper_main() -> ! {
    let mut done = [0usize; CLASSES];
    loop {
        let seen = WAKE.load(Ordering::Acquire);
        for (class, done) in done.iter_mut().enumerate() {
            let target = TARGET[class].load(Ordering::Acquire);
            if target <= *done {
                continue;
            }
            let region = REGION[class].load(Ordering::Relaxed);
            let block_bytes = crate::heap::size_class::class_block_bytes(class);
            // Pages well below the request were touched by the carving already.
            let mut from = (*done).max(target.saturating_sub(2 * AHEAD)) & !(PAGE - 1);
            while from < target {
                let to = (from + STEP).min(target);
                if !populate_carving(region, from, to, block_bytes) {
                    STATE.store(OFF, Ordering::Release);
                    raw_syscall(libc::SYS_exit, [0; 4]);
                }
                from = to;
            }
            *done = target;
        }
        futex(&WAKE, libc::FUTEX_WAIT | libc::FUTEX_PRIVATE_FLAG, seen);
    }
}

/// fork child: the helper did not come along; the child starts its own when it needs one.
pub fn forget_helper_in_child() {
    HELPER_TID.store(0, Ordering::Release);
    if STATE.load(Ordering::Relaxed) == RUNNING {
        STATE.store(NO_HELPER, Ordering::Relaxed);
    }
}
