//! `<sanitizer/common_interface_defs.h>`: stack printing, where reports go, container
//! annotations, fiber switches. Each forwards to the part that does the work.

#![allow(clippy::missing_safety_doc)]

use crate::sync::SpinLock;
use libc::{c_char, c_int, c_void};

/// The calling thread's stack, to where reports go.
#[no_mangle]
pub extern "C" fn __sanitizer_print_stack_trace() {
    let trace = crate::traces::unwind::capture(crate::traces::unwind::ERROR_STACK_DEPTH, true);
    crate::report::print_stack(&trace);
}

/// Text reports go to PATH.PID from now on ("stderr" and "stdout" name those).
#[no_mangle]
pub unsafe extern "C" fn __sanitizer_set_report_path(path: *const c_char) {
    if path.is_null() {
        return;
    }
    let path = core::ffi::CStr::from_ptr(path).to_string_lossy();
    crate::report::set_report_path(&path);
}

/// Text reports go to the file descriptor `fd` from now on.
#[no_mangle]
pub extern "C" fn __sanitizer_set_report_fd(fd: *mut c_void) {
    crate::report::set_report_fd(fd as usize as c_int);
}

/// The file reports go to (NULL: stderr, stdout or a descriptor).
#[no_mangle]
pub extern "C" fn __sanitizer_get_report_path() -> *const c_char {
    static PATH: SpinLock<[u8; 4096]> = SpinLock::new([0; 4096]);
    let Some(path) = crate::report::report_path() else {
        return core::ptr::null();
    };
    let mut buf = PATH.lock();
    let n = path.len().min(buf.len() - 1);
    buf[..n].copy_from_slice(&path.as_bytes()[..n]);
    buf[n] = 0;
    buf.as_ptr().cast()
}

/// The used part of the storage [beg, end) moves from [beg, old_mid) to [beg, new_mid); the rest
/// is unused capacity (container-overflow). Arguments that describe no container end the program,
/// as under ASan.
#[no_mangle]
pub extern "C" fn __sanitizer_annotate_contiguous_container(
    beg: *const c_void,
    end: *const c_void,
    old_mid: *const c_void,
    new_mid: *const c_void,
) {
    if !crate::options::get().detect_container_overflow {
        return;
    }
    let (b, e, o, n) = (
        beg as usize,
        end as usize,
        old_mid as usize,
        new_mid as usize,
    );
    if crate::heap::annotate_container(b, e, o, n).is_err() {
        let line = format!("ffisan: error: bad parameters to __sanitizer_annotate_contiguous_container: beg {b:#x} end {e:#x} old_mid {o:#x} new_mid {n:#x} (beg <= old_mid, new_mid <= end is required)\n");
        crate::sync::write_stderr(line.as_bytes());
        __sanitizer_print_stack_trace();
        unsafe { libc::_exit(crate::options::get().exitcode) };
    }
}

/// 1 if [beg, mid) is addressable and [mid, end) is not, as far as granules tell.
#[no_mangle]
pub extern "C" fn __sanitizer_verify_contiguous_container(
    beg: *const c_void,
    mid: *const c_void,
    end: *const c_void,
) -> c_int {
    crate::heap::verify_container(beg as usize, mid as usize, end as usize) as c_int
}

/// About to switch to the stack [bottom, bottom + size). Fake frames are per thread in ffisan
/// and need no saving: `*fake_stack_save` is set to NULL.
#[no_mangle]
pub unsafe extern "C" fn __sanitizer_start_switch_fiber(
    fake_stack_save: *mut *mut c_void,
    bottom: *const c_void,
    size: usize,
) {
    if !fake_stack_save.is_null() {
        *fake_stack_save = core::ptr::null_mut();
    }
    crate::threads::start_fiber_switch(bottom as usize, size);
}

/// Now on the new stack: gives the bounds of the one switched from.
#[no_mangle]
pub unsafe extern "C" fn __sanitizer_finish_switch_fiber(
    _fake_stack_save: *mut c_void,
    bottom_old: *mut *const c_void,
    size_old: *mut usize,
) {
    let (lo, hi) = crate::threads::finish_fiber_switch();
    if !bottom_old.is_null() {
        *bottom_old = lo as *const c_void;
    }
    if !size_old.is_null() {
        *size_old = hi - lo;
    }
}
