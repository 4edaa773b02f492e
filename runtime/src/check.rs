//! The slow path behind the inline checks: decides whether a flagged access is really an error.
//! OWNER: heap-and-reports helper.

/// Checks [addr, addr+size) (any size, any alignment) and reports the first error found.
/// Used by the `llvm.mem*` instrumentation and by `libc_hooks`.
pub fn check_range(addr: usize, size: usize, flags: u32) {
    let _ = (addr, size, flags);
    todo!("check::check_range")
}
