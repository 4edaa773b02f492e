//! Root regions the program registers (`__lsan_register_root_region`): memory the check scans as
//! roots though no other root covers it (a custom allocator's arena, a mapping of its own; Go's
//! `-asan` runtime registers every reservation it maps, thousands in a big program). Only its
//! readable parts are scanned.

use crate::leaks::scratch::MapVec;
use crate::sync::SpinLock;

static REGIONS: SpinLock<MapVec<(usize, usize)>> = SpinLock::new(MapVec::new());

/// False when no memory is left for the table.
pub fn register(lo: usize, size: usize) -> bool {
    REGIONS.lock().push((lo, lo.saturating_add(size)))
}

/// False when no region [lo, lo + size) was registered (LeakSanitizer says so too).
pub fn unregister(lo: usize, size: usize) -> bool {
    let mut regions = REGIONS.lock();
    let want = (lo, lo.saturating_add(size));
    let list = regions.as_mut_slice();
    let Some(i) = list.iter().position(|&e| e == want) else {
        return false;
    };
    let last = list.len() - 1;
    list.swap(i, last);
    regions.pop();
    true
}

/// A copy of the table, taken before the world stops (a stopped thread may hold the lock).
pub fn snapshot() -> MapVec<(usize, usize)> {
    let regions = REGIONS.lock();
    let mut copy = MapVec::new();
    for &r in regions.as_slice() {
        copy.push(r);
    }
    copy
}
