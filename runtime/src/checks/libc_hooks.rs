//! Checks for the string functions of libc, called by instrumented code right before the real call
//! with the same arguments (plus the check flags): each hook computes exactly the bytes the real
//! function will read and write, and checks the reads, then the writes, like ASan's interceptors.
//!
//! The hooks read the strings themselves: the memory is mapped even when it is freed or a redzone
//! (the allocator keeps quarantined chunks), and a wild pointer faults in the real call anyway. A
//! null pointer is left for the real call to fault on.

// The `unsafe extern "C"` functions here are C entry points (interposed libc functions or hooks the
// pass calls): their safety contract is the C function's own.
#![allow(clippy::missing_safety_doc)]

use crate::checks::slow_path::check_range;
use crate::contract::flags::WRITE;
use libc::{c_char, c_int};

fn read(addr: *const c_char, size: usize, flags: u32) {
    if size != 0 {
        check_range(addr as usize, size, flags & !WRITE);
    }
}

fn write(addr: *const c_char, size: usize, flags: u32) {
    if size != 0 {
        check_range(addr as usize, size, flags | WRITE);
    }
}

/// Length of the string at `s`, looking at no more than `max` bytes. libc's own scan, which reads
/// a vector at a time (never past the page of the last byte it needs): a byte loop here cost
/// SQLite's `strdup`s more than the copies themselves. The runtime does not interpose these two.
unsafe fn length(s: *const c_char, max: usize) -> usize {
    if max == usize::MAX {
        libc::strlen(s)
    } else {
        libc::strnlen(s, max)
    }
}

/// Bytes a bounded read of at most `n` bytes touches: the string and its NUL, or `n` bytes.
unsafe fn bounded_read_size(s: *const c_char, n: usize) -> usize {
    (length(s, n) + 1).min(n)
}

#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_strlen(s: *const c_char, flags: u32) {
    if !s.is_null() {
        read(s, length(s, usize::MAX) + 1, flags);
    }
}

#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_strnlen(s: *const c_char, n: usize, flags: u32) {
    if !s.is_null() {
        read(s, bounded_read_size(s, n), flags);
    }
}

#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_strcpy(dst: *mut c_char, src: *const c_char, flags: u32) {
    if dst.is_null() || src.is_null() {
        return;
    }
    let size = length(src, usize::MAX) + 1;
    read(src, size, flags);
    write(dst, size, flags);
}

#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_strncpy(
    dst: *mut c_char,
    src: *const c_char,
    n: usize,
    flags: u32,
) {
    if dst.is_null() || src.is_null() {
        return;
    }
    read(src, bounded_read_size(src, n), flags);
    write(dst, n, flags); // strncpy pads with NULs up to n
}

#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_strcat(dst: *mut c_char, src: *const c_char, flags: u32) {
    if dst.is_null() || src.is_null() {
        return;
    }
    let dst_len = length(dst, usize::MAX);
    let src_len = length(src, usize::MAX);
    read(dst, dst_len + 1, flags);
    read(src, src_len + 1, flags);
    write(dst.add(dst_len), src_len + 1, flags);
}

#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_strncat(
    dst: *mut c_char,
    src: *const c_char,
    n: usize,
    flags: u32,
) {
    if dst.is_null() || src.is_null() {
        return;
    }
    let dst_len = length(dst, usize::MAX);
    let copy_len = length(src, n);
    read(dst, dst_len + 1, flags);
    read(src, (copy_len + 1).min(n), flags);
    write(dst.add(dst_len), copy_len + 1, flags); // always NUL-terminates
}

/// Index of the first difference or common NUL among the first `n` bytes (n if none).
unsafe fn first_difference(a: *const c_char, b: *const c_char, n: usize) -> usize {
    let mut i = 0;
    while i < n {
        let (x, y) = (
            core::ptr::read_volatile(a.add(i)),
            core::ptr::read_volatile(b.add(i)),
        );
        if x != y || x == 0 {
            break;
        }
        i += 1;
    }
    i
}

#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_strcmp(a: *const c_char, b: *const c_char, flags: u32) {
    if a.is_null() || b.is_null() {
        return;
    }
    let size = first_difference(a, b, usize::MAX) + 1;
    read(a, size, flags);
    read(b, size, flags);
}

#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_strncmp(
    a: *const c_char,
    b: *const c_char,
    n: usize,
    flags: u32,
) {
    if a.is_null() || b.is_null() {
        return;
    }
    let size = (first_difference(a, b, n) + 1).min(n);
    read(a, size, flags);
    read(b, size, flags);
}

#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_strchr(s: *const c_char, c: c_int, flags: u32) {
    if s.is_null() {
        return;
    }
    // Up to and including the match, or the whole string with its NUL.
    let n = libc::strchrnul(s, c) as usize - s as usize;
    read(s, n + 1, flags);
}

#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_strrchr(s: *const c_char, _c: c_int, flags: u32) {
    if !s.is_null() {
        read(s, length(s, usize::MAX) + 1, flags);
    }
}

#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_strstr(
    haystack: *const c_char,
    needle: *const c_char,
    flags: u32,
) {
    if haystack.is_null() || needle.is_null() {
        return;
    }
    read(haystack, length(haystack, usize::MAX) + 1, flags);
    read(needle, length(needle, usize::MAX) + 1, flags);
}

#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_strdup(s: *const c_char, flags: u32) {
    if !s.is_null() {
        read(s, length(s, usize::MAX) + 1, flags);
    }
}

#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_strndup(s: *const c_char, n: usize, flags: u32) {
    if !s.is_null() {
        read(s, bounded_read_size(s, n), flags);
    }
}
