//! Interceptors of the system's out-parameters: paths (`getcwd`, `realpath`), file status
//! (`stat` family, `statx`), time (`time`, `localtime_r`, `strftime`, ...) and addresses (`inet_ntop`,
//! `inet_pton`). Inputs are checked before the call; structures and strings libc fills, after it,
//! and only when it says it filled them.

use super::{length, read, read_string, write};
use libc::{c_char, c_int, c_void, size_t, ssize_t, time_t, tm};

const STAT_BYTES: usize = core::mem::size_of::<libc::stat>();
const TM_BYTES: usize = core::mem::size_of::<tm>();
const TIME_BYTES: usize = core::mem::size_of::<time_t>();

/// Checks the string libc wrote at `s` (and its NUL).
unsafe fn wrote_string(s: *const c_char, flags: u32) {
    if !s.is_null() {
        write(s, length(s, usize::MAX) + 1, flags);
    }
}

#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_getcwd_after(
    result: *mut c_char,
    buf: *mut c_char,
    _size: size_t,
    flags: u32,
) {
    // A null `buf` asks glibc to allocate the result.
    if !result.is_null() && !buf.is_null() {
        wrote_string(buf, flags);
    }
}

#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_realpath(
    path: *const c_char,
    _resolved: *mut c_char,
    flags: u32,
) {
    read_string(path, flags);
}

#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_realpath_after(
    result: *mut c_char,
    _path: *const c_char,
    resolved: *mut c_char,
    flags: u32,
) {
    if !result.is_null() && !resolved.is_null() {
        wrote_string(resolved, flags);
    }
}

unsafe fn filled_stat(result: c_int, st: *mut c_void, flags: u32) {
    if result == 0 {
        write(st, STAT_BYTES, flags);
    }
}

macro_rules! path_stat {
    ($before:ident, $after:ident) => {
        #[no_mangle]
        pub unsafe extern "C" fn $before(path: *const c_char, _st: *mut c_void, flags: u32) {
            read_string(path, flags);
        }

        #[no_mangle]
        pub unsafe extern "C" fn $after(
            result: c_int,
            _path: *const c_char,
            st: *mut c_void,
            flags: u32,
        ) {
            filled_stat(result, st, flags);
        }
    };
}
path_stat!(__ffisan_libc_stat, __ffisan_libc_stat_after);
path_stat!(__ffisan_libc_lstat, __ffisan_libc_lstat_after);

#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_fstat_after(
    result: c_int,
    _fd: c_int,
    st: *mut c_void,
    flags: u32,
) {
    filled_stat(result, st, flags);
}

#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_fstatat(
    _dir: c_int,
    path: *const c_char,
    _st: *mut c_void,
    _at_flags: c_int,
    flags: u32,
) {
    read_string(path, flags);
}

#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_fstatat_after(
    result: c_int,
    _dir: c_int,
    _path: *const c_char,
    st: *mut c_void,
    _at_flags: c_int,
    flags: u32,
) {
    filled_stat(result, st, flags);
}

/// `struct statx`: 256 bytes, fixed by the kernel's ABI (its tail is reserved for growth, and
/// the kernel writes all of it).
const STATX_BYTES: usize = 256;

#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_statx(
    _dir: c_int,
    path: *const c_char,
    _at_flags: c_int,
    _mask: libc::c_uint,
    _stx: *mut c_void,
    flags: u32,
) {
    read_string(path, flags);
}

#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_statx_after(
    result: c_int,
    _dir: c_int,
    _path: *const c_char,
    _at_flags: c_int,
    _mask: libc::c_uint,
    stx: *mut c_void,
    flags: u32,
) {
    if result == 0 {
        write(stx, STATX_BYTES, flags);
    }
}

#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_time_after(result: time_t, t: *mut time_t, flags: u32) {
    if result != -1 && !t.is_null() {
        write(t, TIME_BYTES, flags);
    }
}

/// The `time_t` a conversion reads.
unsafe fn read_time(t: *const time_t, flags: u32) {
    if !t.is_null() {
        read(t, TIME_BYTES, flags);
    }
}

macro_rules! time_reader {
    ($($hook:ident),*) => {$(
        #[no_mangle]
        pub unsafe extern "C" fn $hook(t: *const time_t, flags: u32) {
            read_time(t, flags);
        }
    )*};
}
time_reader!(
    __ffisan_libc_localtime,
    __ffisan_libc_gmtime,
    __ffisan_libc_ctime
);

macro_rules! broken_down_time {
    ($before:ident, $after:ident) => {
        #[no_mangle]
        pub unsafe extern "C" fn $before(t: *const time_t, _out: *mut tm, flags: u32) {
            read_time(t, flags);
        }

        #[no_mangle]
        pub unsafe extern "C" fn $after(
            result: *mut tm,
            _t: *const time_t,
            out: *mut tm,
            flags: u32,
        ) {
            if !result.is_null() {
                write(out, TM_BYTES, flags);
            }
        }
    };
}
broken_down_time!(__ffisan_libc_localtime_r, __ffisan_libc_localtime_r_after);
broken_down_time!(__ffisan_libc_gmtime_r, __ffisan_libc_gmtime_r_after);

#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_ctime_r(t: *const time_t, _buf: *mut c_char, flags: u32) {
    read_time(t, flags);
}

#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_ctime_r_after(
    result: *mut c_char,
    _t: *const time_t,
    buf: *mut c_char,
    flags: u32,
) {
    if !result.is_null() {
        wrote_string(buf, flags);
    }
}

/// mktime reads the broken-down time and writes it back normalised.
#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_mktime(t: *mut tm, flags: u32) {
    if !t.is_null() {
        read(t, TM_BYTES, flags);
        write(t, TM_BYTES, flags);
    }
}

#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_strftime(
    _buf: *mut c_char,
    _max: size_t,
    format: *const c_char,
    t: *const tm,
    flags: u32,
) {
    read_string(format, flags);
    if !t.is_null() {
        read(t, TM_BYTES, flags);
    }
}

#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_strftime_after(
    written: size_t,
    buf: *mut c_char,
    _max: size_t,
    _format: *const c_char,
    _t: *const tm,
    flags: u32,
) {
    if written > 0 {
        write(buf, written + 1, flags);
    }
}

/// Bytes of a binary address of family `af`.
fn address_bytes(af: c_int) -> usize {
    match af {
        libc::AF_INET => 4,
        libc::AF_INET6 => 16,
        _ => 0,
    }
}

#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_inet_ntop(
    af: c_int,
    src: *const c_void,
    _dst: *mut c_char,
    _size: libc::socklen_t,
    flags: u32,
) {
    read(src, address_bytes(af), flags);
}

#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_inet_ntop_after(
    result: *const c_char,
    _af: c_int,
    _src: *const c_void,
    dst: *mut c_char,
    _size: libc::socklen_t,
    flags: u32,
) {
    if !result.is_null() {
        wrote_string(dst, flags);
    }
}

#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_inet_pton(
    _af: c_int,
    src: *const c_char,
    _dst: *mut c_void,
    flags: u32,
) {
    read_string(src, flags);
}

#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_inet_pton_after(
    result: c_int,
    af: c_int,
    _src: *const c_char,
    dst: *mut c_void,
    flags: u32,
) {
    if result == 1 {
        write(dst, address_bytes(af), flags);
    }
}

/// What readlink stored: the `got` bytes it returned, with no NUL.
unsafe fn stored_bytes(got: ssize_t, buf: *mut c_char, flags: u32) {
    if got > 0 {
        write(buf, got as usize, flags);
    }
}

/// A name libc stored in `len` bytes at `buf`: the string and its NUL, or `len` bytes when it
/// did not fit (gethostname truncates).
unsafe fn wrote_bounded(buf: *mut c_char, len: size_t, flags: u32) {
    if !buf.is_null() && len != 0 {
        write(buf, (length(buf, len) + 1).min(len), flags);
    }
}

// readlink(path, buf, len), readlinkat(dirfd, path, buf, len): the path before; after, the
// bytes stored. gethostname(name, len), ttyname_r and ptsname_r(fd, buf, len): the name stored,
// on success. confstr(name, buf, len): its result counts the NUL, at most len of it stored.
// getgroups(size, list): the ids stored, when size asked for them.
hooks! {
    fn __ffisan_libc_readlink(path: *const c_char, _buf: *mut c_char, _len: size_t, flags: u32) {
        read_string(path, flags)
    }
    fn __ffisan_libc_readlink_after(
        got: ssize_t,
        _path: *const c_char,
        buf: *mut c_char,
        _len: size_t,
        flags: u32,
    ) {
        stored_bytes(got, buf, flags)
    }
    fn __ffisan_libc_readlinkat(
        _dirfd: c_int,
        path: *const c_char,
        _buf: *mut c_char,
        _len: size_t,
        flags: u32,
    ) {
        read_string(path, flags)
    }
    fn __ffisan_libc_readlinkat_after(
        got: ssize_t,
        _dirfd: c_int,
        _path: *const c_char,
        buf: *mut c_char,
        _len: size_t,
        flags: u32,
    ) {
        stored_bytes(got, buf, flags)
    }
    fn __ffisan_libc_gethostname_after(result: c_int, name: *mut c_char, len: size_t, flags: u32) {
        if result == 0 {
            wrote_bounded(name, len, flags);
        }
    }
    fn __ffisan_libc_ttyname_r_after(
        result: c_int,
        _fd: c_int,
        buf: *mut c_char,
        len: size_t,
        flags: u32,
    ) {
        if result == 0 {
            wrote_bounded(buf, len, flags);
        }
    }
    fn __ffisan_libc_confstr_after(
        needed: size_t,
        _name: c_int,
        buf: *mut c_char,
        len: size_t,
        flags: u32,
    ) {
        if needed != 0 && !buf.is_null() {
            write(buf, needed.min(len), flags);
        }
    }
    fn __ffisan_libc_getgroups_after(got: c_int, size: c_int, list: *mut c_void, flags: u32) {
        if got > 0 && size > 0 {
            write(list, got as usize * core::mem::size_of::<libc::gid_t>(), flags);
        }
    }
}
