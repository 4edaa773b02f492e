//! Managed (garbage-collected) regions: the public registration API, Go heap detection through the
//! mmap/munmap interposition, and call windows.
//! OWNER: regions-and-threads helper.

use crate::errors::RegionInfo;

/// The managed region holding `addr`, if any.
pub fn find(addr: usize) -> Option<RegionInfo> {
    let _ = addr;
    todo!("managed::find")
}

/// Whether the calling thread is inside a call window (native code running for a managed caller).
pub fn window_open() -> bool {
    todo!("managed::window_open")
}
