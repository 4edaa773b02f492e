// Rust reads a buffer after C freed it: heap-use-after-free in domain rust.
// RUN: %clang -c -g %S/Inputs/c_helpers.c -o %t.o
// RUN: %ffisan rustc -g -C opt-level=0 %s -C link-arg=%t.o -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan rustc -g -C opt-level=2 %s -C link-arg=%t.o -o %t && not %t 2>&1 | FileCheck %s
extern "C" {
    fn c_make_buffer(n: usize) -> *mut u8;
    fn c_release(p: *mut u8);
}

// no_mangle: at opt-level=3 rustc folds an #[inline(never)] helper this small into its caller,
// and frame #0 is the program's own function at every level only if the helper stays.
#[inline(never)]
#[no_mangle]
fn peek(p: *const u8, i: usize) -> u8 {
    unsafe { *p.add(i) }
    // CHECK: ERROR: ffisan: heap-use-after-free
    // CHECK: READ of size 1 at {{0x[0-9a-f]+}} thread T0 (domain: rust)
    // CHECK: #0 {{.*}} in {{.*}}peek{{.*}} {{.*}}heap_use_after_free.rs:[[@LINE-3]]
}

fn main() {
    unsafe {
        let p = c_make_buffer(32);
        println!("before {}", peek(p, 3));
        c_release(p);
        println!("after {}", peek(p, 3));
    }
}
