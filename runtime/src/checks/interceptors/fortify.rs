//! The one check `_FORTIFY_SOURCE` calls need beyond their plain function's (the pass maps each
//! `__*_chk` call to its plain function's hooks, `libc_table.rs`): the range of a call glibc is
//! about to refuse.

use super::write;
use libc::c_void;

/// A `_FORTIFY_SOURCE` call glibc will refuse (its length past the destination's known size,
/// `__read_chk(fd, buf, 100, 16)`): glibc aborts before the call does anything, so the plain
/// function's check after it would never run; the range asked for is checked for writing now,
/// and a report comes before glibc's "buffer overflow detected". A length within the size costs
/// one compare.
#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_fortify_refused(
    ptr: *mut c_void,
    count: u64,
    unit: u64,
    limit: u64,
    limit_unit: u64,
    flags: u32,
) {
    let (Some(asked), Some(size)) = (count.checked_mul(unit), limit.checked_mul(limit_unit)) else {
        return; // glibc refuses an overflowing product itself; nothing to measure
    };
    if asked > size && !ptr.is_null() {
        write(ptr, asked as usize, flags);
    }
}
