//! Root regions the program registers (`__lsan_register_root_region`): memory the check scans as
//! roots though no other root covers it (a custom allocator's arena, a mapping of its own).

use crate::sync::SpinLock;

const MAX_ROOT_REGIONS: usize = 1024;

struct Regions {
    list: [(usize, usize); MAX_ROOT_REGIONS],
    len: usize,
}

static REGIONS: SpinLock<Regions> = SpinLock::new(Regions {
    list: [(0, 0); MAX_ROOT_REGIONS],
    len: 0,
});

/// False when the table is full.
pub fn register(lo: usize, size: usize) -> bool {
    let mut r = REGIONS.lock();
    if r.len == MAX_ROOT_REGIONS {
        return false;
    }
    let n = r.len;
    r.list[n] = (lo, lo.saturating_add(size));
    r.len += 1;
    true
}

/// False when no region [lo, lo + size) was registered (LeakSanitizer says so too).
pub fn unregister(lo: usize, size: usize) -> bool {
    let mut r = REGIONS.lock();
    let want = (lo, lo.saturating_add(size));
    let len = r.len;
    match r.list[..len].iter().position(|&e| e == want) {
        Some(i) => {
            r.list[i] = r.list[len - 1];
            r.len -= 1;
            true
        }
        None => false,
    }
}

/// A copy of the table, taken before the world stops (a stopped thread may hold the lock).
pub fn snapshot(out: &mut [(usize, usize)]) -> usize {
    let r = REGIONS.lock();
    let n = r.len.min(out.len());
    out[..n].copy_from_slice(&r.list[..n]);
    n
}
