//! Interceptors of stream and descriptor I/O. What libc or the kernel reads from the program is
//! checked before the call over the length asked for (`write`, `fwrite`, `puts`, `send`); what
//! it stores is checked after the call over the length it reports (`read`'s count, `fread`'s
//! items, `fgets`'s string, `getline`'s line), so a short read is never a finding.

use super::{length, read, read_string, write};
use libc::{c_char, c_int, c_void, iovec, size_t, socklen_t, ssize_t};

const POINTER: usize = core::mem::size_of::<*mut c_void>();

hooks! {
    fn __ffisan_libc_puts(s: *const c_char, flags: u32) { read_string(s, flags) }
    fn __ffisan_libc_fputs(s: *const c_char, _stream: *mut c_void, flags: u32) {
        read_string(s, flags)
    }
}

#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_fgets_after(
    result: *mut c_char,
    buf: *mut c_char,
    _size: c_int,
    _stream: *mut c_void,
    flags: u32,
) {
    if !result.is_null() {
        write(buf, length(buf, usize::MAX) + 1, flags);
    }
}

hooks! {
    fn __ffisan_libc_fread_after(
        items: size_t,
        buf: *mut c_void,
        size: size_t,
        _count: size_t,
        _stream: *mut c_void,
        flags: u32,
    ) {
        write(buf, items.saturating_mul(size), flags)
    }
    fn __ffisan_libc_fwrite(
        buf: *const c_void,
        size: size_t,
        count: size_t,
        _stream: *mut c_void,
        flags: u32,
    ) {
        read(buf, size.saturating_mul(count), flags)
    }
}

/// getline and getdelim read `*line` and `*cap` first (and may realloc the buffer).
unsafe fn check_line_slots(line: *mut *mut c_char, cap: *mut size_t, flags: u32) {
    read(line, POINTER, flags);
    read(cap, core::mem::size_of::<size_t>(), flags);
}

/// After a line was read: both slots were stored, and the line with its NUL.
unsafe fn check_line_read(got: ssize_t, line: *mut *mut c_char, cap: *mut size_t, flags: u32) {
    if got > 0 && !line.is_null() && !cap.is_null() {
        write(line, POINTER, flags);
        write(cap, core::mem::size_of::<size_t>(), flags);
        write(*line, got as usize + 1, flags);
    }
}

// getline(line, cap, stream), getdelim(line, cap, delim, stream).
hooks! {
    fn __ffisan_libc_getline(
        line: *mut *mut c_char,
        cap: *mut size_t,
        _stream: *mut c_void,
        flags: u32,
    ) {
        check_line_slots(line, cap, flags)
    }
    fn __ffisan_libc_getline_after(
        got: ssize_t,
        line: *mut *mut c_char,
        cap: *mut size_t,
        _stream: *mut c_void,
        flags: u32,
    ) {
        check_line_read(got, line, cap, flags)
    }
    fn __ffisan_libc_getdelim(
        line: *mut *mut c_char,
        cap: *mut size_t,
        _delim: c_int,
        _stream: *mut c_void,
        flags: u32,
    ) {
        check_line_slots(line, cap, flags)
    }
    fn __ffisan_libc_getdelim_after(
        got: ssize_t,
        line: *mut *mut c_char,
        cap: *mut size_t,
        _delim: c_int,
        _stream: *mut c_void,
        flags: u32,
    ) {
        check_line_read(got, line, cap, flags)
    }
}

/// What the kernel stored: the count it returned.
unsafe fn check_received(got: ssize_t, buf: *mut c_void, flags: u32) {
    if got > 0 {
        write(buf, got as usize, flags);
    }
}

// read, pread and recv store the count they return; write, pwrite and send read the count asked.
hooks! {
    fn __ffisan_libc_read_after(
        got: ssize_t,
        _fd: c_int,
        buf: *mut c_void,
        _count: size_t,
        flags: u32,
    ) {
        check_received(got, buf, flags)
    }
    fn __ffisan_libc_pread_after(
        got: ssize_t,
        _fd: c_int,
        buf: *mut c_void,
        _count: size_t,
        _offset: i64,
        flags: u32,
    ) {
        check_received(got, buf, flags)
    }
    fn __ffisan_libc_recv_after(
        got: ssize_t,
        _fd: c_int,
        buf: *mut c_void,
        _count: size_t,
        _flags: c_int,
        flags: u32,
    ) {
        check_received(got, buf, flags)
    }
    fn __ffisan_libc_write(_fd: c_int, buf: *const c_void, count: size_t, flags: u32) {
        read(buf, count, flags)
    }
    fn __ffisan_libc_pwrite(_fd: c_int, buf: *const c_void, count: size_t, _off: i64, flags: u32) {
        read(buf, count, flags)
    }
    fn __ffisan_libc_send(_fd: c_int, buf: *const c_void, count: size_t, _f: c_int, flags: u32) {
        read(buf, count, flags)
    }
}

/// recvfrom's address buffer is `*len` bytes by the program's own account, and the kernel may
/// fill that much: checked before the call, as the most it may write.
#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_recvfrom(
    _fd: c_int,
    _buf: *mut c_void,
    _count: size_t,
    _flags: c_int,
    addr: *mut c_void,
    len: *mut socklen_t,
    flags: u32,
) {
    if !addr.is_null() && !len.is_null() {
        read(len, core::mem::size_of::<socklen_t>(), flags);
        write(addr, *len as usize, flags);
    }
}

#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_recvfrom_after(
    got: ssize_t,
    _fd: c_int,
    buf: *mut c_void,
    _count: size_t,
    _flags: c_int,
    addr: *mut c_void,
    len: *mut socklen_t,
    flags: u32,
) {
    check_received(got, buf, flags);
    if got >= 0 && !addr.is_null() && !len.is_null() {
        write(len, core::mem::size_of::<socklen_t>(), flags);
    }
}

#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_sendto(
    _fd: c_int,
    buf: *const c_void,
    count: size_t,
    _flags: c_int,
    addr: *const c_void,
    addr_len: socklen_t,
    flags: u32,
) {
    read(buf, count, flags);
    if !addr.is_null() {
        read(addr, addr_len as usize, flags);
    }
}

/// The iovec array itself, `count` entries (a negative count fails with EINVAL).
unsafe fn iovecs<'a>(iov: *const iovec, count: c_int, flags: u32) -> &'a [iovec] {
    let Ok(count) = usize::try_from(count) else {
        return &[];
    };
    if iov.is_null() || count == 0 {
        return &[];
    }
    read(iov, count * core::mem::size_of::<iovec>(), flags);
    core::slice::from_raw_parts(iov, count)
}

/// readv fills the buffers in order with the `got` bytes it returned.
unsafe fn check_filled(got: ssize_t, iov: *const iovec, count: c_int, flags: u32) {
    let Ok(mut left) = usize::try_from(got) else {
        return;
    };
    // The array was checked before the call; read it again without a second report.
    let Ok(count) = usize::try_from(count) else {
        return;
    };
    if iov.is_null() {
        return;
    }
    for v in core::slice::from_raw_parts(iov, count) {
        if left == 0 {
            break;
        }
        let n = v.iov_len.min(left);
        write(v.iov_base, n, flags);
        left -= n;
    }
}

/// writev reads each buffer whole.
unsafe fn check_gathered(iov: *const iovec, count: c_int, flags: u32) {
    for v in iovecs(iov, count, flags) {
        read(v.iov_base, v.iov_len, flags);
    }
}

// `preadv`, `preadv2` (and their `64` names) are readv's check, `pwritev`, `pwritev2` writev's:
// the offset and flags change where the file is read or written, not what the buffers take.
hooks! {
    fn __ffisan_libc_readv(_fd: c_int, iov: *const iovec, count: c_int, flags: u32) {
        iovecs(iov, count, flags);
    }
    fn __ffisan_libc_readv_after(
        got: ssize_t,
        _fd: c_int,
        iov: *const iovec,
        count: c_int,
        flags: u32,
    ) {
        check_filled(got, iov, count, flags)
    }
    fn __ffisan_libc_writev(_fd: c_int, iov: *const iovec, count: c_int, flags: u32) {
        check_gathered(iov, count, flags)
    }
    fn __ffisan_libc_preadv(_fd: c_int, iov: *const iovec, count: c_int, _off: i64, flags: u32) {
        iovecs(iov, count, flags);
    }
    fn __ffisan_libc_preadv_after(
        got: ssize_t,
        _fd: c_int,
        iov: *const iovec,
        count: c_int,
        _offset: i64,
        flags: u32,
    ) {
        check_filled(got, iov, count, flags)
    }
    fn __ffisan_libc_preadv2(
        _fd: c_int,
        iov: *const iovec,
        count: c_int,
        _offset: i64,
        _rw_flags: c_int,
        flags: u32,
    ) {
        iovecs(iov, count, flags);
    }
    fn __ffisan_libc_preadv2_after(
        got: ssize_t,
        _fd: c_int,
        iov: *const iovec,
        count: c_int,
        _offset: i64,
        _rw_flags: c_int,
        flags: u32,
    ) {
        check_filled(got, iov, count, flags)
    }
    fn __ffisan_libc_pwritev(_fd: c_int, iov: *const iovec, count: c_int, _off: i64, flags: u32) {
        check_gathered(iov, count, flags)
    }
    fn __ffisan_libc_pwritev2(
        _fd: c_int,
        iov: *const iovec,
        count: c_int,
        _offset: i64,
        _rw_flags: c_int,
        flags: u32,
    ) {
        check_gathered(iov, count, flags)
    }
}

/// `struct pollfd`: int fd, short events, short revents.
const POLLFD_BYTES: usize = 8;

// poll reads each pollfd's fd and events and stores its revents: the whole array, before the
// call. ppoll also reads its timeout and the 8-byte signal mask the kernel takes.
hooks! {
    fn __ffisan_libc_poll(fds: *mut c_void, nfds: u64, _timeout: c_int, flags: u32) {
        write(fds, (nfds as usize).saturating_mul(POLLFD_BYTES), flags)
    }
    fn __ffisan_libc_ppoll(
        fds: *mut c_void,
        nfds: u64,
        timeout: *const c_void,
        sigmask: *const c_void,
        flags: u32,
    ) {
        write(fds, (nfds as usize).saturating_mul(POLLFD_BYTES), flags);
        if !timeout.is_null() {
            read(timeout, core::mem::size_of::<libc::timespec>(), flags);
        }
        if !sigmask.is_null() {
            read(sigmask, 8, flags);
        }
    }
}
