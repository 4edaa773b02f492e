// Rust leaks on purpose and by mistake: a `Box::leak` whose reference is dropped and a
// `mem::forget` of a `Vec` are leaks like C's, reported with the Rust frames that allocated them;
// a `Box::leak` kept in a static is not.
// RUN: %ffisan rustc -g -C opt-level=0 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan rustc -g -C opt-level=2 %s -o %t && not %t 2>&1 | FileCheck %s
use std::sync::atomic::{AtomicPtr, Ordering};

static KEPT: AtomicPtr<[u8; 64]> = AtomicPtr::new(std::ptr::null_mut());

#[inline(never)]
fn leak_a_box() {
    let config: &'static mut [u64; 5] = Box::leak(Box::new([7u64; 5]));
    // CHECK: Direct leak of 40 byte(s) in 1 object(s) allocated from:
    // CHECK: in leak_box_and_forget::leak_a_box {{.*}}leak_box_and_forget.rs:[[@LINE-2]]
    std::hint::black_box(config);
}

#[inline(never)]
fn forget_a_vec() {
    let mut v: Vec<u32> = Vec::with_capacity(6);
    // CHECK: Direct leak of 24 byte(s) in 1 object(s) allocated from:
    // CHECK: in leak_box_and_forget::forget_a_vec {{.*}}leak_box_and_forget.rs:[[@LINE-2]]
    v.extend([1, 2, 3, 4, 5, 6]);
    std::hint::black_box(&v);
    std::mem::forget(v);
}

fn main() {
    KEPT.store(Box::leak(Box::new([1u8; 64])), Ordering::Release);
    // The leaking calls run on a thread that has ended by the check: a conservative scan cannot
    // tell a dead stack slot from a live one (nor can LeakSanitizer's).
    std::thread::spawn(|| {
        leak_a_box();
        forget_a_vec();
    })
    .join()
    .unwrap();
    println!("done {}", unsafe { (*KEPT.load(Ordering::Acquire))[0] });
}
// CHECK-NOT: leak of 64 byte
// CHECK: SUMMARY: ffisan: 64 byte(s) leaked in 2 allocation(s).
