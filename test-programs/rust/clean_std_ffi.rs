// Clean Rust: std collections, threads and channels, CString into_raw/from_raw with C in between,
// Box into_raw/from_raw, slices handed to C and back. No finding at all.
// RUN: %clang -c -g %S/Inputs/c_helpers.c -o %t.o
// RUN: %ffisan rustc -g -C opt-level=0 %s -C link-arg=%t.o -o %t && %t 2>&1 | FileCheck --implicit-check-not=ffisan %s
// RUN: %ffisan rustc -g -C opt-level=2 %s -C link-arg=%t.o -o %t && %t 2>&1 | FileCheck --implicit-check-not=ffisan %s
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::ffi::{c_char, CStr, CString};
use std::sync::mpsc;
use std::thread;

extern "C" {
    fn c_fill(dst: *mut u8, n: usize, v: u8);
    fn c_roundtrip(s: *mut c_char) -> *mut c_char;
    fn c_make_buffer(n: usize) -> *mut u8;
    fn c_release(p: *mut u8);
}

fn main() {
    let mut words: HashMap<String, usize> = HashMap::new();
    for w in "the quick brown fox jumps over the lazy dog the end".split(' ') {
        *words.entry(w.to_string()).or_default() += 1;
    }
    let sorted: BTreeMap<_, _> = words.iter().collect();
    let mut queue: VecDeque<u64> = (0..1000).collect();
    queue.rotate_left(10);
    println!("the={} first={} front={}", words["the"], sorted.keys().next().unwrap(), queue[0]);
    // CHECK: the=3 first=brown front=10

    let (tx, rx) = mpsc::channel();
    let handles: Vec<_> = (0..4)
        .map(|t| {
            let tx = tx.clone();
            thread::spawn(move || {
                let v: Vec<u64> = (0..10_000).map(|i| i * t).collect();
                tx.send(v.iter().sum::<u64>()).unwrap();
            })
        })
        .collect();
    drop(tx);
    let total: u64 = rx.iter().sum();
    handles.into_iter().for_each(|h| h.join().unwrap());
    println!("total={total}");
    // CHECK: total=299970000

    let raw = CString::new("rusty").unwrap().into_raw();
    let back = unsafe { CString::from_raw(c_roundtrip(raw)) };
    println!("roundtrip={}", back.to_str().unwrap());
    // CHECK: roundtrip=Rusty

    let boxed = Box::into_raw(Box::new([7u32; 64]));
    let unboxed = unsafe { Box::from_raw(boxed) };
    let mut bytes = vec![0u8; 100];
    unsafe { c_fill(bytes.as_mut_ptr(), bytes.len(), 9) };
    let c_buf = unsafe { c_make_buffer(8) };
    let c_sum: u32 = unsafe { std::slice::from_raw_parts(c_buf, 8) }.iter().map(|&b| b as u32).sum();
    unsafe { c_release(c_buf) };
    let lit = unsafe { CStr::from_ptr(b"static\0".as_ptr() as *const c_char) };
    println!("box={} bytes={} c={} lit={}", unboxed[63], bytes.iter().map(|&b| b as u32).sum::<u32>(), c_sum, lit.to_str().unwrap());
    // CHECK: box=7 bytes=900 c=792 lit=static
}
