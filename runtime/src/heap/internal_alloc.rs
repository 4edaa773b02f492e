//! The runtime's own Rust allocations go straight to glibc's allocator, never to the `malloc` we
//! export, so runtime code can allocate anywhere (inside malloc, inside a report) without recursing.

use core::alloc::{GlobalAlloc, Layout};
use libc::{c_void, size_t};

extern "C" {
    pub fn __libc_malloc(size: size_t) -> *mut c_void;
    pub fn __libc_calloc(count: size_t, size: size_t) -> *mut c_void;
    pub fn __libc_realloc(ptr: *mut c_void, size: size_t) -> *mut c_void;
    pub fn __libc_memalign(align: size_t, size: size_t) -> *mut c_void;
    pub fn __libc_free(ptr: *mut c_void);
}

/// glibc's malloc returns 16-byte aligned memory on x86-64.
const LIBC_MALLOC_ALIGN: usize = 16;

pub struct LibcAllocator;

unsafe impl GlobalAlloc for LibcAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if layout.align() <= LIBC_MALLOC_ALIGN {
            __libc_malloc(layout.size()).cast()
        } else {
            __libc_memalign(layout.align(), layout.size()).cast()
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if layout.align() <= LIBC_MALLOC_ALIGN {
            __libc_calloc(1, layout.size()).cast()
        } else {
            let p = self.alloc(layout);
            if !p.is_null() {
                core::ptr::write_bytes(p, 0, layout.size());
            }
            p
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        __libc_free(ptr.cast())
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if layout.align() <= LIBC_MALLOC_ALIGN {
            return __libc_realloc(ptr.cast(), new_size).cast();
        }
        let new = self.alloc(Layout::from_size_align_unchecked(new_size, layout.align()));
        if !new.is_null() {
            core::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
            __libc_free(ptr.cast());
        }
        new
    }
}

#[global_allocator]
static GLOBAL: LibcAllocator = LibcAllocator;
