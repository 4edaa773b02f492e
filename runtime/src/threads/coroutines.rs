//! `makecontext` stacks: a coroutine switched away from keeps its live frames on a stack no thread
//! is running on, often a mapping of the program's own (no heap chunk, so nothing reaches it).
//! The interposed `makecontext` remembers each stack so the leak check can scan it as a root.
//! Kept until the process ends (a stack that is gone is clipped away by the check; one reused for
//! something else is scanned too: at worst a leak is missed, never a false one reported).

// The `unsafe extern "C"` function here is an interposed libc function: its safety contract is
// the C function's own.
#![allow(clippy::missing_safety_doc)]

use crate::sync::SpinLock;
use core::sync::atomic::AtomicUsize;

const MAX_STACKS: usize = 4096;

struct Stacks {
    list: [(usize, usize); MAX_STACKS],
    len: usize,
    /// Where the next new stack goes once the table is full (the oldest is forgotten).
    next: usize,
}

static STACKS: SpinLock<Stacks> = SpinLock::new(Stacks {
    list: [(0, 0); MAX_STACKS],
    len: 0,
    next: 0,
});

fn remember(lo: usize, hi: usize) {
    let mut s = STACKS.lock();
    let len = s.len;
    if s.list[..len].iter().any(|&(l, h)| l == lo && h == hi) {
        return;
    }
    if len < MAX_STACKS {
        s.list[len] = (lo, hi);
        s.len += 1;
    } else {
        let i = s.next;
        s.list[i] = (lo, hi);
        s.next = (i + 1) % MAX_STACKS;
    }
}

/// Calls `f` with [lo, hi) of every stack `makecontext` was given. Takes the table's lock: call it
/// before other threads are stopped.
pub fn for_each_stack(mut f: impl FnMut(usize, usize)) {
    let s = STACKS.lock();
    for &(lo, hi) in &s.list[..s.len] {
        f(lo, hi);
    }
}

static REAL_MAKECONTEXT: AtomicUsize = AtomicUsize::new(0);

/// Records the stack of `ucp` and answers glibc's makecontext (the stub below jumps there).
extern "C" fn makecontext_prepare(ucp: *const libc::ucontext_t) -> usize {
    if !ucp.is_null() {
        let (sp, size) = unsafe { ((*ucp).uc_stack.ss_sp as usize, (*ucp).uc_stack.ss_size) };
        remember(sp, sp.saturating_add(size));
    }
    crate::threads::next_symbol(&REAL_MAKECONTEXT, c"makecontext")
}

/// makecontext(ucp, func, argc, ...): variadic, so a stub keeps every argument register (and al,
/// the vector-register count) and the caller's stack as they were, asks `makecontext_prepare`,
/// and jumps to glibc's with everything intact.
#[unsafe(naked)]
#[no_mangle]
pub unsafe extern "C" fn makecontext() {
    core::arch::naked_asm!(
        // Seven pushes: the stack is 16-byte aligned again for the call.
        "push rax",
        "push rdi",
        "push rsi",
        "push rdx",
        "push rcx",
        "push r8",
        "push r9",
        "call {prepare}",
        "mov r11, rax",
        "pop r9",
        "pop r8",
        "pop rcx",
        "pop rdx",
        "pop rsi",
        "pop rdi",
        "pop rax",
        "jmp r11",
        prepare = sym makecontext_prepare,
    )
}
