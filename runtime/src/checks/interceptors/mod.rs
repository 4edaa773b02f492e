//! libc interceptors, called by instrumented code around its libc calls (the pass's
//! `libc_table.rs` says which hook each function gets): each computes the bytes the function
//! reads and writes and checks them, one file per family. The hooks' own frames are the
//! runtime's, so a report's frame #0 is the caller's, at the libc call's line.
//!
//! The hooks read the program's strings themselves: the memory is mapped even when it is freed or
//! a redzone (the allocator keeps quarantined chunks), and a wild pointer faults in the real call
//! anyway. A null pointer is left for the real call to fault on (or to accept, where libc does).

// The `unsafe extern "C"` functions here are hooks the pass calls: their safety contract is the
// libc function's own.
#![allow(clippy::missing_safety_doc)]

/// Exported hooks whose whole check is one call: `fn __ffisan_libc_x(args) { body }` becomes
/// `#[no_mangle] pub unsafe extern "C" fn`, the pass's contract (`contract.rs`), one line each.
macro_rules! hooks {
    ($($(#[$meta:meta])* fn $name:ident($($arg:ident: $ty:ty),* $(,)?) $body:block)*) => {
        $(
            $(#[$meta])*
            #[no_mangle]
            pub unsafe extern "C" fn $name($($arg: $ty),*) $body
        )*
    };
}

mod format;
mod format_spec;
mod fortify;
mod io;
mod memory;
mod multibyte;
mod numbers;
mod sockets;
mod string;
mod system;
mod va_list;
mod wide;

use crate::checks::slow_path::check_range;
use crate::contract::flags::WRITE;
use libc::c_char;

/// glibc's `wchar_t`: 4 bytes.
pub type WChar = i32;
const WCHAR_BYTES: usize = core::mem::size_of::<WChar>();

/// Checks that `size` bytes at `addr` may be read.
pub fn read<T>(addr: *const T, size: usize, flags: u32) {
    if size != 0 {
        check_range(addr as usize, size, flags & !WRITE);
    }
}

/// Checks that `size` bytes at `addr` may be written.
pub fn write<T>(addr: *const T, size: usize, flags: u32) {
    if size != 0 {
        check_range(addr as usize, size, flags | WRITE);
    }
}

/// Checks `count` wide characters at `addr` for reading.
pub fn read_wide(addr: *const WChar, count: usize, flags: u32) {
    read(addr, count.saturating_mul(WCHAR_BYTES), flags);
}

pub fn write_wide(addr: *const WChar, count: usize, flags: u32) {
    write(addr, count.saturating_mul(WCHAR_BYTES), flags);
}

/// Length of the string at `s`, looking at no more than `max` bytes. libc's own scan, which reads
/// a vector at a time (never past the page of the last byte it needs): a byte loop here cost
/// SQLite's `strdup`s more than the copies themselves. The runtime does not interpose these two.
pub unsafe fn length(s: *const c_char, max: usize) -> usize {
    if max == usize::MAX {
        libc::strlen(s)
    } else {
        libc::strnlen(s, max)
    }
}

/// Bytes a bounded read of at most `n` bytes touches: the string and its NUL, or `n` bytes.
pub unsafe fn bounded_read_size(s: *const c_char, n: usize) -> usize {
    (length(s, n) + 1).min(n)
}

/// Checks the string at `s` and its NUL for reading (nothing for a null pointer).
pub unsafe fn read_string(s: *const c_char, flags: u32) {
    if !s.is_null() {
        read(s, length(s, usize::MAX) + 1, flags);
    }
}

extern "C" {
    fn wcsnlen(s: *const WChar, max: usize) -> usize;
}

/// Length in wide characters of the wide string at `s`, looking at no more than `max`.
pub unsafe fn wide_length(s: *const WChar, max: usize) -> usize {
    wcsnlen(s, max)
}

/// Checks the wide string at `s` and its NUL for reading.
pub unsafe fn read_wide_string(s: *const WChar, flags: u32) {
    if !s.is_null() {
        read_wide(s, wide_length(s, usize::MAX) + 1, flags);
    }
}

/// Runs `f` with `errno` kept as it was: a hook that calls libc must not change what the program
/// sees of the call it precedes.
pub fn keeping_errno<R>(f: impl FnOnce() -> R) -> R {
    // SAFETY: glibc's errno location is the calling thread's, always valid.
    unsafe {
        let errno = libc::__errno_location();
        let saved = *errno;
        let result = f();
        *errno = saved;
        result
    }
}
