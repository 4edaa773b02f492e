//! OWNER: heap-and-reports helper.

use crate::errors::RegionInfo;

/// If `addr` lies in a chunk the allocator knows (live, freed in quarantine, or their redzones), what
/// it is: CHeap (live chunk bytes or redzone), Freed, with lo/hi = the chunk's user bytes. Never
/// touches memory other than the shadow and our own chunk headers, so any address is safe.
pub fn describe_heap(addr: usize) -> Option<RegionInfo> {
    let _ = addr;
    todo!("allocator::describe_heap")
}
