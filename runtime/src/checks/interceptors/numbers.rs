//! Interceptors of the number parsers (`strtol` family, `strtod` family, `atoi` family): the bytes
//! the parse read, found by parsing the same string with libc first (errno kept), and the end
//! pointer's slot. The parse reads up to its end and the character that stopped it.

use super::{keeping_errno, read, write};
use libc::{c_char, c_int};

/// Checks what a parse of `s` that stopped at `end` read. A parse that converted nothing still
/// read the leading blanks and sign, and the character after them.
unsafe fn check_parse(s: *const c_char, end: *const c_char, flags: u32) {
    let mut last = end;
    if last == s {
        while libc::isspace(*last as c_int) != 0 {
            last = last.add(1);
        }
        if *last == b'+' as c_char || *last == b'-' as c_char {
            last = last.add(1);
        }
    }
    read(s, last as usize - s as usize + 1, flags);
}

unsafe fn check_integer(s: *const c_char, end_slot: *mut *mut c_char, base: c_int, flags: u32) {
    if s.is_null() {
        return;
    }
    // An invalid base fails with EINVAL before reading anything.
    if base == 0 || (2..=36).contains(&base) {
        let mut end = core::ptr::null_mut();
        keeping_errno(|| libc::strtoll(s, &mut end, base));
        check_parse(s, end, flags);
    }
    if !end_slot.is_null() {
        write(end_slot, core::mem::size_of::<*mut c_char>(), flags);
    }
}

/// strtof and strtold accept exactly strtod's syntax, so strtod finds their end too.
unsafe fn check_floating(s: *const c_char, end_slot: *mut *mut c_char, flags: u32) {
    if s.is_null() {
        return;
    }
    let mut end = core::ptr::null_mut();
    keeping_errno(|| libc::strtod(s, &mut end));
    check_parse(s, end, flags);
    if !end_slot.is_null() {
        write(end_slot, core::mem::size_of::<*mut c_char>(), flags);
    }
}

macro_rules! integer_parsers {
    ($($hook:ident),*) => {$(
        #[no_mangle]
        pub unsafe extern "C" fn $hook(s: *const c_char, end: *mut *mut c_char, base: c_int, flags: u32) {
            check_integer(s, end, base, flags);
        }
    )*};
}
integer_parsers!(
    __ffisan_libc_strtol,
    __ffisan_libc_strtoul,
    __ffisan_libc_strtoll,
    __ffisan_libc_strtoull
);

macro_rules! floating_parsers {
    ($($hook:ident),*) => {$(
        #[no_mangle]
        pub unsafe extern "C" fn $hook(s: *const c_char, end: *mut *mut c_char, flags: u32) {
            check_floating(s, end, flags);
        }
    )*};
}
floating_parsers!(
    __ffisan_libc_strtod,
    __ffisan_libc_strtof,
    __ffisan_libc_strtold
);

/// `atoi(s)` is `strtol(s, NULL, 10)`; `atof(s)` is `strtod(s, NULL)`.
macro_rules! decimal_parsers {
    ($($hook:ident),*) => {$(
        #[no_mangle]
        pub unsafe extern "C" fn $hook(s: *const c_char, flags: u32) {
            check_integer(s, core::ptr::null_mut(), 10, flags);
        }
    )*};
}
decimal_parsers!(__ffisan_libc_atoi, __ffisan_libc_atol, __ffisan_libc_atoll);

#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_atof(s: *const c_char, flags: u32) {
    check_floating(s, core::ptr::null_mut(), flags);
}
