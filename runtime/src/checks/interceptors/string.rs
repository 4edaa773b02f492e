//! Interceptors of the string functions (`strlen`, `strcpy`, `strtok`, ...): each computes exactly
//! the bytes the real function will read and write and checks the reads, then the writes, like
//! ASan's interceptors.

use super::{bounded_read_size, length, read, read_string, write};
use libc::{c_char, c_int};

// strlen, strrchr and strdup read the whole string and its NUL; strnlen and strndup at most n.
hooks! {
    fn __ffisan_libc_strlen(s: *const c_char, flags: u32) { read_string(s, flags) }
    fn __ffisan_libc_strrchr(s: *const c_char, _c: c_int, flags: u32) { read_string(s, flags) }
    fn __ffisan_libc_strdup(s: *const c_char, flags: u32) { read_string(s, flags) }
    fn __ffisan_libc_strnlen(s: *const c_char, n: usize, flags: u32) { read_bounded(s, n, flags) }
    fn __ffisan_libc_strndup(s: *const c_char, n: usize, flags: u32) { read_bounded(s, n, flags) }
}

unsafe fn read_bounded(s: *const c_char, n: usize, flags: u32) {
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

/// Bytes of `s` a span function reads: the `n` it spans and the byte that stopped it.
unsafe fn read_span(s: *const c_char, n: usize, set: *const c_char, flags: u32) {
    read(s, n + 1, flags);
    read_string(set, flags);
}

#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_strspn(s: *const c_char, accept: *const c_char, flags: u32) {
    if !s.is_null() && !accept.is_null() {
        read_span(s, libc::strspn(s, accept), accept, flags);
    }
}

#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_strcspn(
    s: *const c_char,
    reject: *const c_char,
    flags: u32,
) {
    if !s.is_null() && !reject.is_null() {
        read_span(s, libc::strcspn(s, reject), reject, flags);
    }
}

#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_strpbrk(
    s: *const c_char,
    accept: *const c_char,
    flags: u32,
) {
    if !s.is_null() && !accept.is_null() {
        // Up to the match, or the whole string: the same bytes strcspn reads.
        read_span(s, libc::strcspn(s, accept), accept, flags);
    }
}

/// Index of the first case-insensitive difference or common NUL among the first `n` bytes.
unsafe fn first_case_difference(a: *const c_char, b: *const c_char, n: usize) -> usize {
    let mut i = 0;
    while i < n {
        let (x, y) = (*a.add(i) as u8, *b.add(i) as u8);
        if libc::tolower(x as c_int) != libc::tolower(y as c_int) || x == 0 {
            break;
        }
        i += 1;
    }
    i
}

#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_strcasecmp(a: *const c_char, b: *const c_char, flags: u32) {
    if !a.is_null() && !b.is_null() {
        let size = first_case_difference(a, b, usize::MAX) + 1;
        read(a, size, flags);
        read(b, size, flags);
    }
}

#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_strncasecmp(
    a: *const c_char,
    b: *const c_char,
    n: usize,
    flags: u32,
) {
    if !a.is_null() && !b.is_null() {
        let size = (first_case_difference(a, b, n) + 1).min(n);
        read(a, size, flags);
        read(b, size, flags);
    }
}

/// What `strtok` does to the string from `start`: it reads up to the end of the next token and
/// the byte after it, and writes a NUL over that byte when it is a delimiter.
unsafe fn check_next_token(start: *mut c_char, delim: *const c_char, flags: u32) {
    let token = start.add(libc::strspn(start, delim));
    if *token == 0 {
        read(start, token as usize - start as usize + 1, flags);
        return;
    }
    let end = token.add(libc::strcspn(token, delim));
    read(start, end as usize - start as usize + 1, flags);
    if *end != 0 {
        write(end, 1, flags);
    }
}

#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_strtok(s: *mut c_char, delim: *const c_char, flags: u32) {
    if delim.is_null() {
        return;
    }
    read_string(delim, flags);
    // With a null `s`, strtok goes on from where it stopped, which only libc knows: the hook
    // after the call checks the token it returned.
    if !s.is_null() {
        check_next_token(s, delim, flags);
    }
}

#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_strtok_after(
    token: *mut c_char,
    s: *mut c_char,
    _delim: *const c_char,
    flags: u32,
) {
    if s.is_null() && !token.is_null() {
        read_string(token, flags);
    }
}

#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_strtok_r(
    s: *mut c_char,
    delim: *const c_char,
    save: *mut *mut c_char,
    flags: u32,
) {
    if delim.is_null() || save.is_null() {
        return;
    }
    read_string(delim, flags);
    let start = if s.is_null() {
        read(save, 8, flags);
        *save
    } else {
        s
    };
    if !start.is_null() {
        check_next_token(start, delim, flags);
    }
    write(save, 8, flags);
}
