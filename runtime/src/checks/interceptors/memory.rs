//! Interceptors of the memory searches and the sorting functions: `memchr` and `memrchr` up to
//! their match, `memmem`, and the element arrays of `qsort` (read and rewritten) and `bsearch`.

use super::{read, write};
use libc::{c_int, c_void, size_t};

#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_memchr(s: *const c_void, c: c_int, n: size_t, flags: u32) {
    if s.is_null() || n == 0 {
        return;
    }
    // Up to and including the match, or all n bytes.
    let found = libc::memchr(s, c, n);
    let size = if found.is_null() {
        n
    } else {
        found as usize - s as usize + 1
    };
    read(s, size, flags);
}

#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_memrchr(s: *const c_void, c: c_int, n: size_t, flags: u32) {
    if s.is_null() || n == 0 {
        return;
    }
    // From the last match (it scans backwards) to the end, or all n bytes.
    let found = libc::memrchr(s, c, n);
    let start = if found.is_null() {
        s
    } else {
        found.cast_const()
    };
    read(start, s as usize + n - start as usize, flags);
}

#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_memmem(
    haystack: *const c_void,
    haystack_len: size_t,
    needle: *const c_void,
    needle_len: size_t,
    flags: u32,
) {
    if haystack.is_null() || needle.is_null() {
        return;
    }
    read(needle, needle_len, flags);
    let found = libc::memmem(haystack, haystack_len, needle, needle_len);
    let size = if found.is_null() || needle_len == 0 {
        haystack_len
    } else {
        found as usize - haystack as usize + needle_len
    };
    read(haystack, size, flags);
}

/// qsort reads every element and writes them back in order: one write check covers both (a
/// freed array is reported as such, a `const` one as a write to read-only data).
#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_qsort(
    base: *mut c_void,
    count: size_t,
    size: size_t,
    _compare: *const c_void,
    flags: u32,
) {
    if count > 1 {
        write(base, count.saturating_mul(size), flags);
    }
}

/// bsearch's array must hold `count` elements (C11 7.22.5): its probes may land on any of them.
#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_bsearch(
    _key: *const c_void,
    base: *const c_void,
    count: size_t,
    size: size_t,
    _compare: *const c_void,
    flags: u32,
) {
    read(base, count.saturating_mul(size), flags);
}
