//! Reachability: a conservative scan of aligned words from the roots marks every chunk a root
//! reaches, then everything those chunks reach (a flood fill with an explicit stack); then each
//! chunk still unmarked is scanned and what it reaches is an indirect leak (LeakSanitizer's rule).

use crate::contract::shadow_value;
use crate::leaks::chunk_index::{
    for_each_freed, ChunkIndex, Found, INDIRECT, REACHABLE, UNREACHED,
};
use crate::leaks::go_roots::GoObjects;
use crate::leaks::scratch::MapVec;
use crate::shadow;

pub struct Marker<'a> {
    pub index: &'a ChunkIndex,
    frontier: MapVec<(usize, usize)>,
    marks: MapVec<u8>,
    /// Words a scan could not follow (the frontier could not grow): the check is then unsound.
    pub dropped: usize,
    /// Go's objects, marked from the roots like chunks (None: no Go heap ffisan can read).
    go: Option<GoObjects>,
}

impl<'a> Marker<'a> {
    pub fn new(index: &'a mut ChunkIndex, go: Option<GoObjects>) -> Marker<'a> {
        let marks = core::mem::replace(&mut index.marks, MapVec::new());
        Marker {
            index,
            frontier: MapVec::new(),
            marks,
            dropped: 0,
            go,
        }
    }

    /// Go objects that could not be queued for scanning.
    pub fn go_dropped(&self) -> usize {
        self.go.as_ref().map_or(0, |go| go.dropped)
    }

    /// Whether Go's objects are marked (then Go's mappings are no roots).
    pub fn marks_go(&self) -> bool {
        self.go.is_some()
    }

    /// Marks the chunk (or live Go object) `word` points into as reachable (and queues its
    /// contents).
    #[inline]
    pub fn mark_word(&mut self, word: usize) {
        if let Some(found) = self.index.lookup(word) {
            self.reach(found);
        } else if let Some(go) = self.go.as_mut() {
            go.mark(word);
        }
    }

    fn reach(&mut self, found: Found) {
        let mark = &mut self.marks.as_mut_slice()[found.id];
        if *mark == REACHABLE {
            return;
        }
        *mark = REACHABLE;
        if !self.frontier.push((found.chunk.user, found.chunk.size)) {
            self.dropped += 1;
        }
    }

    /// A root range: every aligned word in [lo, hi) is a possible pointer. With verbosity=3,
    /// each chunk a root reaches first is named with the root's address (why is this no leak?).
    pub fn scan_root(&mut self, lo: usize, hi: usize) {
        if crate::options::get().verbosity < 3 {
            for_each_word(lo, hi, |w| self.mark_word(w));
            return;
        }
        let mut at = lo.next_multiple_of(8);
        while at + 8 <= hi {
            self.mark_word_at(at);
            at += 8;
        }
    }

    /// The word at `at` (a root), naming the chunk it reaches first (verbosity=3).
    fn mark_word_at(&mut self, at: usize) {
        let w = unsafe { (at as *const usize).read_volatile() };
        if let Some(found) = self.index.lookup(w) {
            if self.marks.as_slice()[found.id] != REACHABLE {
                let mut line = crate::errors::FixedStr::<128>::new();
                let _ = core::fmt::Write::write_fmt(
                    &mut line,
                    format_args!(
                        "ffisan: leak check: root {at:#x} reaches chunk {:#x}\n",
                        found.chunk.user
                    ),
                );
                crate::sync::write_stderr(line.as_str().as_bytes());
            }
            self.reach(found);
        }
    }

    /// A managed region's readable part: granules its collector poisoned (freed objects, under
    /// Go's `-asan`) are dead memory and are not roots.
    pub fn scan_managed(&mut self, lo: usize, hi: usize) {
        let verbose = crate::options::get().verbosity >= 3;
        let mut at = lo.next_multiple_of(8);
        while at + 8 <= hi {
            let s = shadow::shadow_byte(at);
            if s != shadow_value::USER_POISONED && s != shadow_value::HEAP_FREED {
                if verbose {
                    self.mark_word_at(at);
                } else {
                    self.mark_word(unsafe { (at as *const usize).read() });
                }
            }
            at += 8;
        }
    }

    /// Every chunk not yet marked but for which `keep` says so, treated as a root.
    pub fn mark_chunks_where(&mut self, mut keep: impl FnMut(&Found) -> bool) {
        let mut roots = MapVec::new();
        let marks = self.marks.as_slice();
        self.index.for_each(|found| {
            if marks[found.id] == UNREACHED && keep(&found) {
                roots.push(found);
            }
        });
        for &found in roots.as_slice() {
            self.reach(found);
        }
    }

    /// Scans the contents of every chunk marked so far, and of those they reach, until none is left.
    pub fn flood(&mut self) {
        loop {
            if let Some((user, size)) = self.frontier.pop() {
                for_each_word(user, user + size, |w| self.mark_word(w));
                continue;
            }
            let Some((base, size)) = self.go.as_mut().and_then(|go| go.frontier.pop()) else {
                break;
            };
            self.scan_managed(base, base + size);
        }
    }

    /// The unreached chunks' contents: what they point to is an indirect leak (a pointer into
    /// the chunk itself does not count).
    pub fn mark_indirect(&mut self) {
        let index = self.index;
        let marks = self.marks.as_mut_slice();
        index.for_each(|found| {
            if marks[found.id] == REACHABLE {
                return;
            }
            let (user, size) = (found.chunk.user, found.chunk.size);
            for_each_word(user, user + size, |w| {
                if let Some(target) = index.lookup(w) {
                    if target.id != found.id && marks[target.id] == UNREACHED {
                        marks[target.id] = INDIRECT;
                    }
                }
            });
        });
    }

    /// With verbosity=3, each direct leak a freed chunk still points to, named with that chunk:
    /// often the free that lost its last pointer (a list head freed before its nodes). Only named:
    /// such a leak stays direct, as in LeakSanitizer (see docs/user-guide.md, "Leaks": freed
    /// memory is full of stale pointers to chunks that were reused since, and a freed head
    /// leaves no direct leak to free the rest with).
    pub fn name_freed_holders(&self, foreign: &crate::heap::FrozenForeign) {
        let marks = self.marks.as_slice();
        if crate::options::get().verbosity < 3 || !marks.contains(&UNREACHED) {
            return;
        }
        let index = self.index;
        for_each_freed(index, foreign, |user, size| {
            for_each_word(user, user + size, |w| {
                let Some(target) = index.lookup(w) else {
                    return;
                };
                if marks[target.id] == UNREACHED {
                    let mut line = crate::errors::FixedStr::<128>::new();
                    let _ = core::fmt::Write::write_fmt(
                        &mut line,
                        format_args!(
                            "ffisan: leak check: freed chunk {user:#x} points to leaked chunk {:#x}\n",
                            target.chunk.user
                        ),
                    );
                    crate::sync::write_stderr(line.as_str().as_bytes());
                }
            });
        });
    }

    pub fn mark_of(&self, id: usize) -> u8 {
        self.marks.as_slice()[id]
    }
}

/// Calls `f` with each 8-byte-aligned word in [lo, hi).
#[inline]
fn for_each_word(lo: usize, hi: usize, mut f: impl FnMut(usize)) {
    let mut at = lo.next_multiple_of(8);
    while at + 8 <= hi {
        // SAFETY: callers pass readable memory only (chunks, or roots clipped to mappings).
        f(unsafe { (at as *const usize).read_volatile() });
        at += 8;
    }
}
