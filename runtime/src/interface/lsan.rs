//! `<sanitizer/lsan_interface.h>`: the LeakSanitizer entry points programs (and Go's `-asan`
//! runtime, at exit) call; each forwards to `leaks/`.

use libc::{c_int, c_void};

/// Checks now, like the check at exit: reports and ends the process if anything leaked; later
/// calls (and the check at exit) do nothing.
#[no_mangle]
pub extern "C" fn __lsan_do_leak_check() {
    crate::leaks::final_check();
}

/// Checks now and goes on; 1 if anything leaked. May be called any number of times.
#[no_mangle]
pub extern "C" fn __lsan_do_recoverable_leak_check() -> c_int {
    crate::leaks::recoverable_check() as c_int
}

#[no_mangle]
pub extern "C" fn __lsan_ignore_object(p: *const c_void) {
    if !crate::leaks::ignore_object(p as usize) && crate::options::get().verbosity >= 1 {
        crate::sync::write_stderr(
            b"ffisan: __lsan_ignore_object: not a live heap chunk; ignored\n",
        );
    }
}

#[no_mangle]
pub extern "C" fn __lsan_disable() {
    crate::leaks::disable_on_this_thread();
}

#[no_mangle]
pub extern "C" fn __lsan_enable() {
    if !crate::leaks::enable_on_this_thread() {
        crate::sync::write_stderr(
            b"ffisan: warning: __lsan_enable without __lsan_disable; ignored\n",
        );
    }
}

#[no_mangle]
pub extern "C" fn __lsan_register_root_region(p: *const c_void, size: usize) {
    if !crate::leaks::register_root_region(p as usize, size) {
        crate::sync::write_stderr(
            b"ffisan: warning: no memory for another root region; this one is not scanned\n",
        );
    }
}

#[no_mangle]
pub extern "C" fn __lsan_unregister_root_region(p: *const c_void, size: usize) {
    if !crate::leaks::unregister_root_region(p as usize, size) {
        crate::sync::write_stderr(
            b"ffisan: warning: __lsan_unregister_root_region of a region never registered\n",
        );
    }
}
