// Rust touches a registered managed region (a toy GC heap) outside any call window:
// cross-domain-access; inside a window the same access is fine.
// RUN: %ffisan rustc -g -C opt-level=0 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan rustc -g -C opt-level=2 %s -o %t && not %t 2>&1 | FileCheck %s
use std::ffi::c_void;

extern "C" {
    fn ffisan_register_managed_region(base: *const c_void, size: usize, name: *const u8);
    fn ffisan_call_window_begin();
    fn ffisan_call_window_end();
    fn mmap(addr: *mut c_void, len: usize, prot: i32, flags: i32, fd: i32, off: i64) -> *mut c_void;
}

#[inline(never)]
fn read_slot(heap: *const u64, i: usize) -> u64 {
    unsafe { std::ptr::read_volatile(heap.add(i)) }
}

fn main() {
    const SIZE: usize = 1 << 20;
    unsafe {
        let heap = mmap(std::ptr::null_mut(), SIZE, 3, 0x22, -1, 0) as *mut u64; // RW, private|anon
        ffisan_register_managed_region(heap as *const c_void, SIZE, b"toy-gc-heap\0".as_ptr());
        ffisan_call_window_begin();
        println!("inside {}", read_slot(heap, 1));
        ffisan_call_window_end();
        println!("outside {}", read_slot(heap, 2));
        // CHECK: inside 0
        // CHECK: ERROR: ffisan: cross-domain-access
        // CHECK: READ of size 8 at {{0x[0-9a-f]+}} thread T0 (domain: rust)
        // CHECK: located in the managed region toy-gc-heap [0x{{[0-9a-f]+}},0x{{[0-9a-f]+}}) (call window: closed)
    }
}
