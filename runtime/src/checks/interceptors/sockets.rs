//! Interceptors of the calls that return a socket address through `(addr, *len)`: `accept`,
//! `accept4`, `getsockname`, `getpeername`. As with `recvfrom`, the buffer is `*len` bytes by the
//! program's own account and the kernel may fill that much, so it is checked before the call as
//! the most it may write, with `*len` read; `*len` is written after a call that succeeded.

use super::{read, write};
use libc::{c_int, c_void, socklen_t};

const LEN_BYTES: usize = core::mem::size_of::<socklen_t>();

unsafe fn address_buffer(addr: *mut c_void, len: *mut socklen_t, flags: u32) {
    if !addr.is_null() && !len.is_null() {
        read(len, LEN_BYTES, flags);
        write(addr, *len as usize, flags);
    }
}

unsafe fn address_length(succeeded: bool, addr: *mut c_void, len: *mut socklen_t, flags: u32) {
    if succeeded && !addr.is_null() && !len.is_null() {
        write(len, LEN_BYTES, flags);
    }
}

// Before the call: the buffer the program promised; after it: `*len`, when the call succeeded
// (accept's result is the new descriptor, getsockname's 0). getpeername shares getsockname's.
hooks! {
    fn __ffisan_libc_accept(_fd: c_int, addr: *mut c_void, len: *mut socklen_t, flags: u32) {
        address_buffer(addr, len, flags)
    }
    fn __ffisan_libc_accept_after(
        fd: c_int,
        _listener: c_int,
        addr: *mut c_void,
        len: *mut socklen_t,
        flags: u32,
    ) {
        address_length(fd >= 0, addr, len, flags)
    }
    fn __ffisan_libc_accept4(
        _fd: c_int,
        addr: *mut c_void,
        len: *mut socklen_t,
        _sock_flags: c_int,
        flags: u32,
    ) {
        address_buffer(addr, len, flags)
    }
    fn __ffisan_libc_accept4_after(
        fd: c_int,
        _listener: c_int,
        addr: *mut c_void,
        len: *mut socklen_t,
        _sock_flags: c_int,
        flags: u32,
    ) {
        address_length(fd >= 0, addr, len, flags)
    }
    fn __ffisan_libc_getsockname(_fd: c_int, addr: *mut c_void, len: *mut socklen_t, flags: u32) {
        address_buffer(addr, len, flags)
    }
    fn __ffisan_libc_getsockname_after(
        result: c_int,
        _fd: c_int,
        addr: *mut c_void,
        len: *mut socklen_t,
        flags: u32,
    ) {
        address_length(result == 0, addr, len, flags)
    }
}
