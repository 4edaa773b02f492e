// Rust passes a pointer to its own stack to C's free: invalid-free naming the stack.
// RUN: %ffisan rustc -g -C opt-level=0 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan rustc -g -C opt-level=2 %s -o %t && not %t 2>&1 | FileCheck %s
extern "C" {
    fn free(p: *mut u8);
}

#[inline(never)]
fn release(p: *mut u8) {
    unsafe { free(p) }
}

fn main() {
    let mut local = [0u8; 16];
    local[0] = std::hint::black_box(1);
    release(local.as_mut_ptr());
    // CHECK: ERROR: ffisan: invalid-free
    // CHECK: {{stack}}
    println!("{}", local[0]);
}
