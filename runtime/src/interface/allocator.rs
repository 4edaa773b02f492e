//! `<sanitizer/allocator_interface.h>`: what the heap knows about a pointer, and the program's
//! malloc and free hooks. Each forwards to the heap.

use libc::{c_int, c_void};

/// The requested size of the live chunk starting at `p`; 0 for anything else.
#[no_mangle]
pub extern "C" fn __sanitizer_get_allocated_size(p: *const c_void) -> usize {
    crate::heap::allocated_size(p as usize).unwrap_or(0)
}

/// 1 if `p` is the start of a live chunk of the C heap.
#[no_mangle]
pub extern "C" fn __sanitizer_get_ownership(p: *const c_void) -> c_int {
    crate::heap::allocated_size(p as usize).is_some() as c_int
}

/// The start of the live chunk holding `p`, or NULL.
#[no_mangle]
pub extern "C" fn __sanitizer_get_allocated_begin(p: *const c_void) -> *const c_void {
    match crate::heap::describe_heap(p as usize) {
        Some(r)
            if r.kind == crate::errors::RegionKind::CHeap
                && (r.lo..r.hi.max(r.lo + 1)).contains(&(p as usize)) =>
        {
            r.lo as *const c_void
        }
        _ => core::ptr::null(),
    }
}

/// A chunk of `size` bytes holds exactly `size` usable bytes.
#[no_mangle]
pub extern "C" fn __sanitizer_get_estimated_allocated_size(size: usize) -> usize {
    size
}

/// Adds a pair of hooks called after each allocation and before each free; 0 when all five
/// slots are taken.
#[no_mangle]
pub extern "C" fn __sanitizer_install_malloc_and_free_hooks(
    malloc_hook: Option<extern "C" fn(*const c_void, usize)>,
    free_hook: Option<extern "C" fn(*const c_void)>,
) -> c_int {
    let m = malloc_hook.map_or(0, |f| f as usize);
    let f = free_hook.map_or(0, |f| f as usize);
    crate::heap::install_hooks(m, f) as c_int
}

/// Does nothing: a program defines its own to see every allocation (found at start-up).
#[no_mangle]
pub extern "C" fn __sanitizer_malloc_hook(_ptr: *const c_void, _size: usize) {}

/// Does nothing: a program defines its own to see every free (found at start-up).
#[no_mangle]
pub extern "C" fn __sanitizer_free_hook(_ptr: *const c_void) {}
