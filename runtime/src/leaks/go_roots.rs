//! The Go side in a Go 1.26 program: Go objects are marked like C chunks, from the roots (the
//! live part of each goroutine's stack is one, with finalizers and cleanups), instead of Go's whole
//! mappings being roots: its garbage and dead frames hold stale pointers to C chunks (docs/go.md,
//! "Leaks in Go programs": a C chunk only they point to is a leak).

use crate::leaks::mappings::Mappings;
use crate::leaks::marking::Marker;
use crate::leaks::scratch::MapVec;
use crate::regions::go_live::{self, Goroutine};

#[derive(Clone, Copy)]
struct Stack {
    g: Goroutine,
    /// A stopped thread runs on it: scanned from that thread's stack pointer.
    covered: bool,
    /// Running, its stack pointer unknown (its thread is on a system stack, where Go's
    /// `asancall` keeps it in a register): the lowest word of a thread's registers or live
    /// stack that points into it.
    lowest: usize,
}

pub struct GoStacks {
    list: MapVec<Stack>,
    /// Some running goroutine's stack pointer is unknown: thread words are worth looking at.
    unknown: bool,
}

fn readable(maps: &Mappings) -> impl Fn(usize, usize) -> bool + '_ {
    |lo, len| {
        maps.end_of_stretch(lo)
            .is_some_and(|end| lo.saturating_add(len) <= end)
    }
}

impl GoStacks {
    /// The goroutines' stacks, read with the world stopped; None when this is no Go program
    /// whose tables ffisan can read (then Go's mappings are scanned whole, as before).
    pub fn read(maps: &Mappings) -> Option<GoStacks> {
        if !go_live::walkable() {
            return None;
        }
        let mut list = MapVec::new();
        go_live::for_each_goroutine(&readable(maps), |g| {
            list.push(Stack {
                g,
                covered: false,
                lowest: usize::MAX,
            });
        });
        let unknown = list.as_slice().iter().any(|s| s.g.sp == 0);
        Some(GoStacks { list, unknown })
    }

    /// What Go's finalizers and cleanups keep alive: their records (outside the heap) are roots,
    /// and an object with a finalizer is reachable. False when Go's span list could not be read.
    pub fn scan_kept_alive(&self, m: &mut Marker, maps: &Mappings) -> bool {
        go_live::for_each_kept_alive(&readable(maps), |lo, hi, object| {
            maps.clip(lo, hi, |lo, hi| m.scan_root(lo, hi));
            if let Some(object) = object {
                m.mark_word(object);
            }
        })
    }

    /// A thread stopped at `sp` outside the stacks the registry knows: the end of the Go stack
    /// it is on (the goroutine's, or a Go signal stack's span), if it is one.
    pub fn stack_top_above(&mut self, sp: usize) -> Option<usize> {
        let list = self.list.as_mut_slice();
        if let Some(s) = list.iter_mut().find(|s| (s.g.lo..s.g.hi).contains(&sp)) {
            s.covered = true;
            return Some(s.g.hi);
        }
        go_live::stack_span_end(sp)
    }

    /// A word of a thread's registers or live stack: the lowest one pointing into a running
    /// goroutine's stack is where its live part starts.
    #[inline]
    pub fn note_word(&mut self, w: usize) {
        if !self.unknown {
            return;
        }
        for s in self.list.as_mut_slice() {
            if s.g.sp == 0 && (s.g.lo..s.g.hi).contains(&w) && w < s.lowest {
                s.lowest = w;
            }
        }
    }

    /// The words of [lo, hi), for `note_word`.
    pub fn note_range(&mut self, lo: usize, hi: usize) {
        if !self.unknown {
            return;
        }
        let mut at = lo.next_multiple_of(8);
        while at + 8 <= hi {
            // SAFETY: a root range, clipped to readable mappings by the caller.
            self.note_word(unsafe { (at as *const usize).read_volatile() });
            at += 8;
        }
    }

    /// Every goroutine stack no stopped thread runs on, from its saved stack pointer up (whole
    /// when nothing says where its live part starts).
    pub fn scan_stacks(&self, m: &mut Marker, maps: &Mappings) {
        for s in self.list.as_slice() {
            if s.covered {
                continue;
            }
            let from = match (s.g.sp, s.lowest) {
                (0, usize::MAX) => s.g.lo,
                (0, lowest) => lowest,
                (sp, _) => sp,
            };
            maps.clip(from, s.g.hi, |lo, hi| m.scan_root(lo, hi));
        }
    }
}

/// Calls `f` with the parts of [lo, hi) outside every range of `skip`.
pub fn outside(lo: usize, hi: usize, skip: &[(usize, usize)], mut f: impl FnMut(usize, usize)) {
    let mut at = lo;
    while at < hi {
        // The first skipped range that still lies ahead.
        match skip
            .iter()
            .filter(|&&(l, h)| h > at && l < hi)
            .min_by_key(|&&(l, _)| l)
        {
            Some(&(l, h)) => {
                if l > at {
                    f(at, l);
                }
                at = h;
            }
            None => {
                f(at, hi);
                return;
            }
        }
    }
}

/// Mark bits for Go objects, one per 8 bytes of the Go heap's regions (pages mapped on demand:
/// only the bits of objects reached cost memory), and the reached objects still to scan.
pub struct GoObjects {
    /// Each managed region and the index of its first bit.
    regions: MapVec<(usize, usize, usize)>,
    bits: MapVec<u64>,
    pub frontier: MapVec<(usize, usize)>,
    /// Objects marked that the frontier could not hold (not scanned: the check is then unsound).
    pub dropped: usize,
}

impl GoObjects {
    /// None when Go's tables cannot be read (or no memory for the bits).
    pub fn new(managed: &[(usize, usize)]) -> Option<GoObjects> {
        if !go_live::walkable() {
            return None;
        }
        let mut regions = MapVec::new();
        let mut total = 0;
        for &(lo, hi) in managed {
            regions.push((lo, hi, total));
            total += (hi - lo) / 8;
        }
        Some(GoObjects {
            regions,
            bits: MapVec::zeroed(total.div_ceil(64))?,
            frontier: MapVec::new(),
            dropped: 0,
        })
    }

    /// Marks the live Go object `word` points into, if any and not yet marked, and queues it;
    /// false when `word` is in no managed region (then it is nothing of Go's).
    #[inline]
    pub fn mark(&mut self, word: usize) -> bool {
        let Some(&(lo, _, first)) = self
            .regions
            .as_slice()
            .iter()
            .find(|&&(lo, hi, _)| (lo..hi).contains(&word))
        else {
            return false;
        };
        let Some((base, size)) = go_live::live_object_at(word) else {
            return true;
        };
        let Some(bit) = base.checked_sub(lo).map(|o| first + o / 8) else {
            return true;
        };
        let Some(cell) = self.bits.as_mut_slice().get_mut(bit / 64) else {
            return true;
        };
        if *cell & (1 << (bit % 64)) == 0 {
            *cell |= 1 << (bit % 64);
            if !self.frontier.push((base, size)) {
                self.dropped += 1;
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::outside;

    #[test]
    fn outside_skips_every_overlapping_range() {
        let mut parts = [(0, 0); 4];
        let mut n = 0;
        outside(0, 100, &[(40, 50), (10, 20), (90, 120)], |lo, hi| {
            parts[n] = (lo, hi);
            n += 1;
        });
        assert_eq!(&parts[..n], &[(0, 10), (20, 40), (50, 90)]);
        n = 0;
        outside(10, 20, &[(0, 30)], |lo, hi| {
            parts[n] = (lo, hi);
            n += 1;
        });
        assert_eq!(n, 0);
    }
}
