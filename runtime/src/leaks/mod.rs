//! Leak detection, like LeakSanitizer: at exit (or when asked) every live C-heap chunk that no
//! root reaches is reported, grouped by allocation stack. Above `heap` (it lists the chunks) and
//! every part that knows a root (`regions`, `threads`); `interface/lsan.rs` forwards here.

mod check;
mod chunk_index;
mod go_roots;
mod grouping;
mod mappings;
mod marking;
mod root_regions;
mod roots;
mod scratch;
mod stop_world;

use core::sync::atomic::{AtomicBool, Ordering};

/// Set once the final check ran (`__lsan_do_leak_check` or exit): it never runs twice.
static FINAL_CHECK_DONE: AtomicBool = AtomicBool::new(false);

/// The check that ends the process when it finds a leak (exit status `exitcode`), as
/// `__lsan_do_leak_check` and the one at exit; later calls do nothing. In recover mode the exit
/// summary counts the leaks and sets the status instead.
pub fn final_check() {
    if FINAL_CHECK_DONE.swap(true, Ordering::AcqRel) {
        return;
    }
    let options = crate::options::get();
    if let Some(totals) = check::run(&roots::Checker::here()) {
        if totals.groups > 0 && options.halt_on_error {
            unsafe { libc::_exit(options.exitcode) };
        }
    }
}

/// A check that reports and goes on; whether it reported a leak.
pub fn recoverable_check() -> bool {
    check::run(&roots::Checker::here()).is_some_and(|t| t.groups > 0)
}

extern "C" fn at_exit() {
    if crate::options::get().leak_check_at_exit {
        final_check();
    }
}

/// Registers the check at exit. Called after the report's own exit handler is registered:
/// atexit handlers run last-registered first, so the check runs after every handler the program
/// registered (its constructors ran later than ours) and before the exit summary counts findings.
pub fn init() {
    if crate::options::get().detect_leaks {
        unsafe { libc::atexit(at_exit) };
    }
}

pub use root_regions::{register as register_root_region, unregister as unregister_root_region};

/// `__lsan_ignore_object`: the live chunk holding `addr` is never reported; false if none does.
pub fn ignore_object(addr: usize) -> bool {
    crate::heap::ignore_chunk(addr)
}

/// `__lsan_disable` / `__lsan_enable`: what this thread allocates in between is never reported.
pub fn disable_on_this_thread() {
    let depth = &crate::thread_state::current().leaks_disabled;
    depth.set(depth.get().saturating_add(1));
}

/// False when there was no matching disable (LeakSanitizer treats that as a fatal error).
pub fn enable_on_this_thread() -> bool {
    let depth = &crate::thread_state::current().leaks_disabled;
    if depth.get() == 0 {
        return false;
    }
    depth.set(depth.get() - 1);
    true
}
