//! `<sanitizer/asan_interface.h>`: the program's own poisoning, questions about addresses, error
//! reports and their callbacks, default options. Each forwards to the part that does the work.

// C entry points: their safety contract is the C declaration's own.
#![allow(clippy::missing_safety_doc)]

use crate::contract::flags;
use crate::contract::shadow_value::USER_POISONED;
use crate::errors::RegionKind;
use libc::{c_char, c_int, c_void};

fn allow_user_poisoning() -> bool {
    crate::options::get().allow_user_poisoning
}

/// Poisons at least [addr, addr + size) rounded down to granules (use-after-poison on access).
#[no_mangle]
pub extern "C" fn __asan_poison_memory_region(addr: *const c_void, size: usize) {
    if allow_user_poisoning() {
        let lo = addr as usize;
        crate::heap::poison_with(lo, lo.saturating_add(size), USER_POISONED);
    }
}

/// Makes at most [addr, addr + size), from its granule's start, addressable as its owner
/// painted it.
#[no_mangle]
pub extern "C" fn __asan_unpoison_memory_region(addr: *const c_void, size: usize) {
    if allow_user_poisoning() {
        let lo = addr as usize;
        crate::heap::unpoison(lo, lo.saturating_add(size));
    }
}

/// 1 if the byte at `addr` is poisoned (read-only and managed memory are not).
#[no_mangle]
pub extern "C" fn __asan_address_is_poisoned(addr: *const c_void) -> c_int {
    crate::heap::first_poisoned(addr as usize, 1).is_some() as c_int
}

/// The first poisoned byte of [beg, beg + size), or NULL.
#[no_mangle]
pub extern "C" fn __asan_region_is_poisoned(beg: *mut c_void, size: usize) -> *mut c_void {
    crate::heap::first_poisoned(beg as usize, size)
        .map_or(core::ptr::null_mut(), |a| a as *mut c_void)
}

/// The first byte of [beg, beg + size) a store may not go to (poisoned, or read-only data), or
/// NULL. Go's `-asan` write bridge asks this instead of `__asan_region_is_poisoned` (the pass
/// points its call here), so Go writing into a literal C returned is reported before it faults.
#[no_mangle]
pub extern "C" fn __ffisan_region_is_unwritable(beg: *mut c_void, size: usize) -> *mut c_void {
    crate::heap::first_unwritable(beg as usize, size)
        .map_or(core::ptr::null_mut(), |a| a as *mut c_void)
}

/// Prints what is at `addr` (a chunk with its allocation and free stacks, a stack, a global...).
#[no_mangle]
pub extern "C" fn __asan_describe_address(addr: *mut c_void) {
    let addr = addr as usize;
    let region = crate::checks::classify(addr);
    let heap = matches!(
        region.kind,
        RegionKind::CHeap | RegionKind::Freed | RegionKind::HeapInterior
    );
    let (alloc, free) = if heap {
        crate::heap::chunk_stacks(region.lo)
    } else {
        (0, 0)
    };
    crate::report::print_description(addr, &region, alloc, free);
}

/// Reports the access of `size` bytes at `addr` made at `pc` (Go's `-asan` runtime calls this
/// when `__asan_region_is_poisoned` said so): the kind is what is really there.
#[no_mangle]
pub extern "C" fn __asan_report_error(
    pc: *mut c_void,
    bp: *mut c_void,
    sp: *mut c_void,
    addr: *mut c_void,
    is_write: c_int,
    size: usize,
) {
    // Go's `-asan` bridges pass the pc of the Go code that made the access; C may call this by
    // hand too, in a Go program as anywhere: the pc's code decides.
    let domain_bits = if crate::traces::go_frames::is_go_code(pc as usize) {
        flags::DOMAIN_GO
    } else {
        flags::DOMAIN_C
    } << flags::DOMAIN_SHIFT;
    let write = if is_write != 0 { flags::WRITE } else { 0 };
    crate::checks::report_found_access(
        addr as usize,
        size,
        domain_bits | write,
        pc as usize,
        bp as usize,
        sp as usize,
    );
}

/// `callback` gets each report's whole text (NUL-terminated) after it is printed.
#[no_mangle]
pub extern "C" fn __asan_set_error_report_callback(callback: Option<extern "C" fn(*const c_char)>) {
    crate::report::set_report_callback(callback.map_or(0, |f| f as usize));
}

/// Does nothing: a program defines its own to be called as each finding is about to be reported
/// (the runtime looks for the program's at start-up).
#[no_mangle]
pub extern "C" fn __asan_on_error() {}

/// Says nothing: a program defines its own to give default options (read before FFISAN_OPTIONS,
/// which wins; keys only ASan has are passed over).
#[no_mangle]
pub extern "C" fn __asan_default_options() -> *const c_char {
    c"".as_ptr()
}
