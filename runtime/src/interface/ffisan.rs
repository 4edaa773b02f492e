//! `runtime/include/ffisan.h`: managed-region registration, call windows, region kinds.

use crate::errors::RegionKind;
use crate::regions::managed;
use libc::{c_char, c_void};

#[no_mangle]
pub extern "C" fn ffisan_register_managed_region(
    base: *const c_void,
    size: usize,
    name: *const c_char,
) {
    let lo = base as usize;
    managed::register(lo, lo.saturating_add(size), managed::name_from_c(name));
}

#[no_mangle]
pub extern "C" fn ffisan_unregister_managed_region(base: *const c_void, size: usize) {
    let lo = base as usize;
    managed::unregister(lo, lo.saturating_add(size));
}

/// This thread now runs native code for a managed caller (a cgo call). Nests.
#[no_mangle]
pub extern "C" fn ffisan_call_window_begin() {
    crate::regions::lent::begin_plain();
}

#[no_mangle]
pub extern "C" fn ffisan_call_window_end() {
    crate::regions::lent::end_plain();
}

/// "c-heap", "stack", "global", "read-only", "managed", "unknown" or "freed" (a pointer into the
/// middle of a live chunk is "c-heap" here).
#[no_mangle]
pub extern "C" fn ffisan_region_kind(addr: *const c_void) -> *const c_char {
    let name: &'static core::ffi::CStr = match crate::checks::classify(addr as usize).kind {
        RegionKind::CHeap | RegionKind::HeapInterior => c"c-heap",
        RegionKind::Freed => c"freed",
        RegionKind::Stack => c"stack",
        RegionKind::Global => c"global",
        RegionKind::ReadOnly => c"read-only",
        RegionKind::Managed => c"managed",
        RegionKind::Unknown => c"unknown",
    };
    name.as_ptr()
}
