// Unsafe Rust reading past a static array and past a read-only static: global-buffer-overflow
// naming the static, as ASan (-Zsanitizer=address) reports it (ASan's SUMMARY names core::ptr::read
// inlined from Rust's library; ffisan's the program's line); in-bounds reads stay silent.
// RUN: %ffisan rustc -g -C opt-level=0 %s -o %t
// RUN: %t ok 2>&1 | FileCheck %s --check-prefix=OK --implicit-check-not=ffisan
// RUN: not %t table 2>&1 | FileCheck %s --check-prefix=PAST-TABLE
// RUN: not %t ro 2>&1 | FileCheck %s --check-prefix=RO
// RUN: %ffisan rustc -g -C opt-level=2 %s -o %t
// RUN: %t ok 2>&1 | FileCheck %s --check-prefix=OK --implicit-check-not=ffisan
// RUN: not %t table 2>&1 | FileCheck %s --check-prefix=PAST-TABLE
// RUN: not %t ro 2>&1 | FileCheck %s --check-prefix=RO
use std::hint::black_box;

static mut TABLE: [u32; 8] = [1, 2, 3, 4, 5, 6, 7, 8];
static GREETING: [u8; 5] = *b"hello";

#[inline(never)]
fn read_table(i: usize) -> u32 {
    let p = &raw const TABLE as *const u32;
    unsafe { p.add(i).read() }
    // PAST-TABLE: ERROR: ffisan: global-buffer-overflow
    // PAST-TABLE: READ of size 4 at {{0x[0-9a-f]+}} thread T0 (domain: rust)
    // PAST-TABLE: #{{[0-9]}} {{.*}} in {{.*}}read_table{{.*}} {{.*}}global_buffer_overflow.rs:[[@LINE-3]]
    // PAST-TABLE: is located 0 bytes after global variable 'global_buffer_overflow::TABLE' defined in '{{.*}}global_buffer_overflow.rs:14' {{.*}}of size 32
    // PAST-TABLE: SUMMARY: ffisan: global-buffer-overflow {{.*}}global_buffer_overflow.rs:[[@LINE-5]]{{.*}} in {{.*}}read_table
}

#[inline(never)]
fn read_greeting(i: usize) -> u8 {
    unsafe { GREETING.as_ptr().add(i).read() }
    // RO: ERROR: ffisan: global-buffer-overflow
    // RO: READ of size 1 at {{0x[0-9a-f]+}} thread T0 (domain: rust)
    // RO: #{{[0-9]}} {{.*}} in {{.*}}read_greeting{{.*}} {{.*}}global_buffer_overflow.rs:[[@LINE-3]]
    // RO: is located 3 bytes after global variable 'global_buffer_overflow::GREETING' defined in '{{.*}}global_buffer_overflow.rs:15' {{.*}}of size 5
    // RO: SUMMARY: ffisan: global-buffer-overflow {{.*}}global_buffer_overflow.rs:[[@LINE-5]]{{.*}} in {{.*}}read_greeting
}

fn main() {
    let what = std::env::args().nth(1).unwrap_or_default();
    match what.as_str() {
        "table" => println!("{}", read_table(black_box(8))),
        "ro" => println!("{}", read_greeting(black_box(8))),
        _ => {
            let sum: u32 = (0..8).map(|i| read_table(black_box(i))).sum();
            let last = read_greeting(black_box(4));
            println!("{sum} {last}");
            // OK: 36 111
        }
    }
}
