// Rust writes into a C string literal obtained through FFI: write-to-readonly, not a SIGSEGV.
// RUN: %clang -c -g %S/Inputs/c_helpers.c -o %t.o
// RUN: %ffisan rustc -g -C opt-level=0 %s -C link-arg=%t.o -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan rustc -g -C opt-level=2 %s -C link-arg=%t.o -o %t && not %t 2>&1 | FileCheck %s
extern "C" {
    fn c_greeting() -> *mut u8;
}

#[inline(never)]
fn capitalise(p: *mut u8) {
    unsafe { *p = b'H' }
    // CHECK: ERROR: ffisan: write-to-readonly
    // CHECK: WRITE of size 1 at {{0x[0-9a-f]+}} thread T0 (domain: rust)
    // CHECK: #0 {{.*}} in {{.*}}capitalise{{.*}} {{.*}}write_to_readonly.rs:[[@LINE-3]]
}

fn main() {
    let p = unsafe { c_greeting() };
    capitalise(p);
    println!("{}", unsafe { *p } as char);
}
