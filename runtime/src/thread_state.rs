//! The calling thread's runtime state, in one block of initial-exec TLS.
//!
//! Rust's `thread_local!` in a shared library goes through `__tls_get_addr` on every access; the
//! allocator and the fake frames read this state on every call, so it lives in a block this library
//! reserves in the static TLS segment (the initial-exec model: one load from the GOT, one add of the
//! thread pointer). The runtime is loaded at start-up (a NEEDED library), so its TLS is static TLS.
//! Every field starts as zero bits, which is each field's initial state.

use core::cell::Cell;

/// `lent.rs`: how many lent Go objects a thread's open cgo calls keep track of.
pub const LENT_PER_THREAD: usize = 16;

/// Only the owning thread (and its signal handlers) touches its block, hence `Cell`s.
#[repr(C)]
pub struct ThreadState {
    /// `threads.rs`: registry slot + 1, or one of its markers (0 = not registered yet).
    pub slot: Cell<u32>,
    /// `threads.rs`: the thread's number (T0, T1, ...).
    pub number: Cell<u32>,
    /// `threads.rs`: the real stack's bounds [lo, hi), 0 when unknown.
    pub stack_lo: Cell<usize>,
    pub stack_hi: Cell<usize>,
    /// `stack_depot.rs`: set while this thread records a stack.
    pub recording: Cell<bool>,
    /// `report.rs`: set while this thread writes a report.
    pub in_report: Cell<bool>,
    /// `managed.rs`: how many call windows (native code running for a managed caller) are open.
    pub window_depth: Cell<u32>,
    /// `thread_cache.rs`: address of this thread's allocator cache; 0 = none yet.
    pub cache: Cell<usize>,
    /// `fake_stack.rs`: address of this thread's fake-frame block; 0 = not set up.
    pub fake_block: Cell<usize>,
    /// `signals.rs`: set while this thread handles a deadly signal (a second one then kills).
    pub in_deadly_signal: Cell<bool>,
    /// `alt_stack.rs`: the alternate signal stack the runtime mapped for this thread; 0 = none.
    pub alt_stack: Cell<usize>,
    /// `fibers.rs`: bounds [lo, hi) of the stack a fiber switch announced and has not finished.
    pub fiber_lo: Cell<usize>,
    pub fiber_hi: Cell<usize>,
    /// `leaks/`: `__lsan_disable` depth; what this thread allocates meanwhile is never a leak.
    pub leaks_disabled: Cell<u32>,
    /// `lent.rs`: open windows that allow any managed memory (`ffisan_call_window_begin`).
    pub plain_windows: Cell<u32>,
    /// `lent.rs`: bit d set when the cgo call at window depth d lent more than could be tracked.
    pub untracked_windows: Cell<u64>,
    /// `dynamic_allocas.rs`: the span [lo, hi) of the real stack where alloca redzones may be
    /// painted (0, 0: none), cleared by a longjmp or the thread's exit.
    pub alloca_lo: Cell<usize>,
    pub alloca_hi: Cell<usize>,
    /// `lent.rs`: the Go objects the open cgo calls lent, (base, size, window depth), oldest first.
    pub lent: [Cell<(usize, usize, u32)>; LENT_PER_THREAD],
    pub lent_count: Cell<u32>,
}

impl ThreadState {
    /// Whether native code on this thread runs for a managed caller (a cgo call) right now.
    #[inline]
    pub fn in_call_window(&self) -> bool {
        self.window_depth.get() > 0
    }
}

core::arch::global_asm!(
    ".pushsection .tbss,\"awT\",@nobits",
    ".p2align 6",
    // Global so every codegen unit's `current` links to it, hidden so it never leaves the library.
    ".globl ffisan_thread_state",
    ".hidden ffisan_thread_state",
    ".type ffisan_thread_state, @tls_object",
    ".size ffisan_thread_state, {size}",
    "ffisan_thread_state:",
    ".zero {size}",
    ".popsection",
    size = const core::mem::size_of::<ThreadState>(),
);

/// The calling thread's state. Never hand the reference to another thread (`ThreadState` is not
/// `Sync`, so the compiler already refuses to).
#[inline(always)]
pub fn current() -> &'static ThreadState {
    let p: usize;
    // x86-64 glibc: fs:0 holds the thread pointer itself; the GOT slot holds our block's offset from it.
    unsafe {
        core::arch::asm!(
            "mov {p}, qword ptr fs:[0]",
            "add {p}, qword ptr [rip + ffisan_thread_state@GOTTPOFF]",
            p = out(reg) p,
            options(pure, readonly, nostack)
        );
        &*(p as *const ThreadState)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_thread_has_its_own_zeroed_block() {
        // window_depth: a field nothing in this test binary touches on its own.
        let here = current();
        here.window_depth.set(7);
        let (addr, depth) = std::thread::spawn(|| {
            let s = current();
            (s as *const ThreadState as usize, s.window_depth.get())
        })
        .join()
        .unwrap();
        assert_ne!(addr, here as *const ThreadState as usize);
        assert_eq!(depth, 0);
        assert_eq!(current().window_depth.get(), 7);
        here.window_depth.set(0);
    }
}
