//! Interceptors of the conversions between multibyte and wide strings (`mbstowcs`, `wcstombs`,
//! `mbsrtowcs`, `wcsrtombs`, `wcrtomb`, `wctomb`). What they store is checked after the call,
//! over the count they return (and the NUL, when they reached it); with no destination they only
//! measure, reading the whole source, which is checked before. How many source bytes a bounded
//! conversion read is not known, so its source is not checked (as ASan).

use super::{read, read_string, read_wide_string, write, write_wide, WChar};
use libc::{c_char, c_int, c_void, size_t};

/// `(size_t)-1`: a character that does not convert.
const FAILED: size_t = size_t::MAX;
/// glibc's `mbstate_t`: an int count and a 4-byte value.
const MBSTATE_BYTES: usize = 8;

unsafe fn read_state(ps: *const c_void, flags: u32) {
    if !ps.is_null() {
        read(ps, MBSTATE_BYTES, flags);
    }
}

/// Characters a bounded conversion stored: `got`, and the NUL when it stopped before `n` (the
/// `_r` forms say so by nulling `*src`).
fn stored(got: size_t, reached_nul: bool) -> usize {
    got + reached_nul as usize
}

// mbstowcs(dst, src, n), wcstombs(dst, src, n).
hooks! {
    fn __ffisan_libc_mbstowcs(dst: *mut WChar, src: *const c_char, _n: size_t, flags: u32) {
        if dst.is_null() {
            read_string(src, flags);
        }
    }
    fn __ffisan_libc_mbstowcs_after(
        got: size_t,
        dst: *mut WChar,
        _src: *const c_char,
        n: size_t,
        flags: u32,
    ) {
        if got != FAILED && !dst.is_null() {
            write_wide(dst, stored(got, got < n), flags);
        }
    }
    fn __ffisan_libc_wcstombs(dst: *mut c_char, src: *const WChar, _n: size_t, flags: u32) {
        if dst.is_null() {
            read_wide_string(src, flags);
        }
    }
    fn __ffisan_libc_wcstombs_after(
        got: size_t,
        dst: *mut c_char,
        _src: *const WChar,
        n: size_t,
        flags: u32,
    ) {
        if got != FAILED && !dst.is_null() {
            write(dst, stored(got, got < n), flags);
        }
    }
}

/// mbsrtowcs and wcsrtombs read `*src` and the state before; with no destination, the whole
/// source (`read_source`).
unsafe fn check_source_slot(src: *const *const c_void, ps: *const c_void, flags: u32) -> bool {
    read_state(ps, flags);
    if src.is_null() {
        return false;
    }
    read(src, core::mem::size_of::<*const c_void>(), flags);
    !(*src).is_null()
}

/// After a conversion into `dst`: `*src` was stored (null once the NUL was converted).
unsafe fn check_source_advanced(src: *mut *const c_void, flags: u32) -> Option<bool> {
    if src.is_null() {
        return None;
    }
    write(src, core::mem::size_of::<*const c_void>(), flags);
    Some((*src).is_null())
}

// mbsrtowcs(dst, src, len, ps), wcsrtombs(dst, src, len, ps).
hooks! {
    fn __ffisan_libc_mbsrtowcs(
        dst: *mut WChar,
        src: *const *const c_char,
        _len: size_t,
        ps: *const c_void,
        flags: u32,
    ) {
        if check_source_slot(src.cast(), ps, flags) && dst.is_null() {
            read_string(*src, flags);
        }
    }
    fn __ffisan_libc_mbsrtowcs_after(
        got: size_t,
        dst: *mut WChar,
        src: *mut *const c_char,
        _len: size_t,
        _ps: *const c_void,
        flags: u32,
    ) {
        if got != FAILED && !dst.is_null() {
            if let Some(reached_nul) = check_source_advanced(src.cast(), flags) {
                write_wide(dst, stored(got, reached_nul), flags);
            }
        }
    }
    fn __ffisan_libc_wcsrtombs(
        dst: *mut c_char,
        src: *const *const WChar,
        _len: size_t,
        ps: *const c_void,
        flags: u32,
    ) {
        if check_source_slot(src.cast(), ps, flags) && dst.is_null() {
            read_wide_string(*src, flags);
        }
    }
    fn __ffisan_libc_wcsrtombs_after(
        got: size_t,
        dst: *mut c_char,
        src: *mut *const WChar,
        _len: size_t,
        _ps: *const c_void,
        flags: u32,
    ) {
        if got != FAILED && !dst.is_null() {
            if let Some(reached_nul) = check_source_advanced(src.cast(), flags) {
                write(dst, stored(got, reached_nul), flags);
            }
        }
    }
}

// wcrtomb(s, wc, ps) and wctomb(s, wc) store the bytes they return.
hooks! {
    fn __ffisan_libc_wcrtomb(_s: *mut c_char, _wc: WChar, ps: *const c_void, flags: u32) {
        read_state(ps, flags)
    }
    fn __ffisan_libc_wcrtomb_after(
        got: size_t,
        s: *mut c_char,
        _wc: WChar,
        _ps: *const c_void,
        flags: u32,
    ) {
        if got != FAILED && !s.is_null() {
            write(s, got, flags);
        }
    }
    fn __ffisan_libc_wctomb_after(got: c_int, s: *mut c_char, _wc: WChar, flags: u32) {
        if got > 0 && !s.is_null() {
            write(s, got as usize, flags);
        }
    }
}
