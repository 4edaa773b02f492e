//! Globals and read-only data of every loaded module, and the classification of non-heap addresses.
//! OWNER: regions-and-threads helper.

use crate::errors::RegionInfo;

/// Records every loaded module's writable globals and read-only parts (text, rodata, RELRO) and
/// paints the read-only parts READONLY in the shadow. Called at init and after each dlopen.
pub fn scan_modules() {
    todo!("regions::scan_modules")
}

/// What a non-heap address points into: managed region, a thread's stack (real, alternate signal
/// stack or fake frames), a module's global or read-only data, else Unknown. Never allocates.
pub fn describe(addr: usize) -> RegionInfo {
    let _ = addr;
    todo!("regions::describe")
}

/// Full classification: the heap first (`allocator::describe_heap`), then `describe`.
/// Backs `ffisan_region_kind` and the region line of reports.
pub fn classify(addr: usize) -> RegionInfo {
    let _ = addr;
    todo!("regions::classify")
}
