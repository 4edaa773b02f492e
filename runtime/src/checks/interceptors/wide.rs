//! Interceptors of the wide-character string functions (`wcslen`, `wcscpy`, `wmemcpy`, ...):
//! the same ranges as their narrow twins, in 4-byte `wchar_t`s.

use super::{read_wide, read_wide_string, wide_length, write_wide, WChar};
use libc::size_t;

unsafe fn string_size(s: *const WChar) -> usize {
    wide_length(s, usize::MAX) + 1
}

/// Index of the first difference or common NUL among the first `n` wide characters (n if none).
unsafe fn first_difference(a: *const WChar, b: *const WChar, n: usize) -> usize {
    let mut i = 0;
    while i < n {
        let (x, y) = (*a.add(i), *b.add(i));
        if x != y || x == 0 {
            break;
        }
        i += 1;
    }
    i
}

// wcslen, wcsrchr and wcsdup read the whole string and its NUL.
hooks! {
    fn __ffisan_libc_wcslen(s: *const WChar, flags: u32) { read_wide_string(s, flags) }
    fn __ffisan_libc_wcsrchr(s: *const WChar, _c: WChar, flags: u32) { read_wide_string(s, flags) }
    fn __ffisan_libc_wcsdup(s: *const WChar, flags: u32) { read_wide_string(s, flags) }
}

#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_wcsnlen(s: *const WChar, n: size_t, flags: u32) {
    if !s.is_null() {
        read_wide(s, (wide_length(s, n) + 1).min(n), flags);
    }
}

#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_wcscpy(dst: *mut WChar, src: *const WChar, flags: u32) {
    if dst.is_null() || src.is_null() {
        return;
    }
    let size = string_size(src);
    read_wide(src, size, flags);
    write_wide(dst, size, flags);
}

#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_wcsncpy(
    dst: *mut WChar,
    src: *const WChar,
    n: size_t,
    flags: u32,
) {
    if dst.is_null() || src.is_null() {
        return;
    }
    read_wide(src, (wide_length(src, n) + 1).min(n), flags);
    write_wide(dst, n, flags); // pads with NULs up to n
}

#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_wcscat(dst: *mut WChar, src: *const WChar, flags: u32) {
    if dst.is_null() || src.is_null() {
        return;
    }
    let dst_len = wide_length(dst, usize::MAX);
    let src_size = string_size(src);
    read_wide(dst, dst_len + 1, flags);
    read_wide(src, src_size, flags);
    write_wide(dst.add(dst_len), src_size, flags);
}

#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_wcsncat(
    dst: *mut WChar,
    src: *const WChar,
    n: size_t,
    flags: u32,
) {
    if dst.is_null() || src.is_null() {
        return;
    }
    let dst_len = wide_length(dst, usize::MAX);
    let copy_len = wide_length(src, n);
    read_wide(dst, dst_len + 1, flags);
    read_wide(src, (copy_len + 1).min(n), flags);
    write_wide(dst.add(dst_len), copy_len + 1, flags); // always NUL-terminates
}

#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_wcscmp(a: *const WChar, b: *const WChar, flags: u32) {
    if !a.is_null() && !b.is_null() {
        let size = first_difference(a, b, usize::MAX) + 1;
        read_wide(a, size, flags);
        read_wide(b, size, flags);
    }
}

#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_wcsncmp(
    a: *const WChar,
    b: *const WChar,
    n: size_t,
    flags: u32,
) {
    if !a.is_null() && !b.is_null() {
        let size = (first_difference(a, b, n) + 1).min(n);
        read_wide(a, size, flags);
        read_wide(b, size, flags);
    }
}

#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_wcschr(s: *const WChar, c: WChar, flags: u32) {
    if s.is_null() {
        return;
    }
    // Up to and including the match, or the whole string with its NUL.
    let mut i = 0;
    while *s.add(i) != c && *s.add(i) != 0 {
        i += 1;
    }
    read_wide(s, i + 1, flags);
}

/// wmemcpy and wmemmove read n wide characters and write n.
fn check_copy(dst: *mut WChar, src: *const WChar, n: size_t, flags: u32) {
    read_wide(src, n, flags);
    write_wide(dst, n, flags);
}

hooks! {
    fn __ffisan_libc_wmemcpy(dst: *mut WChar, src: *const WChar, n: size_t, flags: u32) {
        check_copy(dst, src, n, flags)
    }
    fn __ffisan_libc_wmemmove(dst: *mut WChar, src: *const WChar, n: size_t, flags: u32) {
        check_copy(dst, src, n, flags)
    }
}

#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_wmemset(dst: *mut WChar, _c: WChar, n: size_t, flags: u32) {
    write_wide(dst, n, flags);
}

/// Like `memcmp` (and ASan's strict_memcmp): the whole `n` of both.
#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_wmemcmp(
    a: *const WChar,
    b: *const WChar,
    n: size_t,
    flags: u32,
) {
    read_wide(a, n, flags);
    read_wide(b, n, flags);
}

/// fgetws (and fgetws_unlocked) store a line and its NUL, when they return it.
#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_fgetws_after(
    result: *mut WChar,
    ws: *mut WChar,
    _n: libc::c_int,
    _stream: *mut libc::c_void,
    flags: u32,
) {
    if !result.is_null() && !ws.is_null() {
        write_wide(ws, string_size(ws), flags);
    }
}
