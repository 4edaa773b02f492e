//! Alternate signal stacks the runtime gives threads that have none, so the deadly-signal handler
//! still runs when a thread overflowed its stack (the kernel cannot push a signal frame on a full
//! stack). Mapped with mmap (never malloc), a guard page below, given back at thread exit.

use core::sync::atomic::{AtomicBool, Ordering};

/// Enough for the handler to capture the stack; the report itself runs on a stack of its own.
const ALT_STACK_BYTES: usize = 64 << 10;
const GUARD_BYTES: usize = 4096;

/// Set once the deadly-signal handlers are installed with `use_sigaltstack=1`.
static WANTED: AtomicBool = AtomicBool::new(false);

/// From now on every thread gets an alternate stack (this one at once, new ones as they start).
pub fn want_alt_stacks() {
    WANTED.store(true, Ordering::Release);
    ensure_current();
}

fn raw_sigaltstack(new: *const libc::stack_t, old: *mut libc::stack_t) -> bool {
    unsafe { libc::syscall(libc::SYS_sigaltstack, new, old) == 0 }
}

/// Gives the calling thread an alternate signal stack unless it has one (its own, or Go's).
pub fn ensure_current() {
    if !WANTED.load(Ordering::Acquire) || crate::thread_state::current().alt_stack.get() != 0 {
        return;
    }
    let mut old: libc::stack_t = unsafe { core::mem::zeroed() };
    if !raw_sigaltstack(core::ptr::null(), &mut old) || old.ss_flags & libc::SS_DISABLE == 0 {
        return;
    }
    let Some(base) = crate::sync::map_anonymous(GUARD_BYTES + ALT_STACK_BYTES) else {
        return;
    };
    unsafe { libc::mprotect(base as *mut libc::c_void, GUARD_BYTES, libc::PROT_NONE) };
    let stack = libc::stack_t {
        ss_sp: (base + GUARD_BYTES) as *mut libc::c_void,
        ss_flags: 0,
        ss_size: ALT_STACK_BYTES,
    };
    if !raw_sigaltstack(&stack, core::ptr::null_mut()) {
        unsafe { libc::munmap(base as *mut libc::c_void, GUARD_BYTES + ALT_STACK_BYTES) };
        return;
    }
    crate::thread_state::current().alt_stack.set(base);
    crate::threads::registry::note_alt_stack(
        base + GUARD_BYTES,
        base + GUARD_BYTES + ALT_STACK_BYTES,
    );
}

/// At thread exit: switches the runtime's alternate stack off and unmaps it.
pub fn release_current() {
    let state = crate::thread_state::current();
    let base = state.alt_stack.replace(0);
    if base == 0 {
        return;
    }
    let off = libc::stack_t {
        ss_sp: core::ptr::null_mut(),
        ss_flags: libc::SS_DISABLE,
        ss_size: 0,
    };
    if raw_sigaltstack(&off, core::ptr::null_mut()) {
        unsafe { libc::munmap(base as *mut libc::c_void, GUARD_BYTES + ALT_STACK_BYTES) };
    }
}
