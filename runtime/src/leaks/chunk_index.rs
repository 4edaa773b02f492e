//! Every live chunk at the time of the check, found from any word in O(1) (a size class's blocks
//! by arithmetic) or O(log n) (glibc-carved chunks, sorted), with a mark per chunk.

use crate::heap::{self, ClassSpan, LiveChunk, CLASS_COUNT};
use crate::leaks::scratch::MapVec;
use core::cell::RefCell;

/// A chunk's mark.
pub const UNREACHED: u8 = 0;
pub const REACHABLE: u8 = 1;
/// Reached only from chunks no root reaches: an indirect leak.
pub const INDIRECT: u8 = 2;

pub struct ChunkIndex {
    spans: [Option<ClassSpan>; CLASS_COUNT],
    /// Where each class's marks start in `marks`.
    first_mark: [usize; CLASS_COUNT],
    class_lo: usize,
    class_hi: usize,
    foreign: MapVec<LiveChunk>,
    foreign_lo: usize,
    foreign_hi: usize,
    /// Marks of the class blocks come first, then the glibc-carved chunks'.
    class_marks: usize,
    pub marks: MapVec<u8>,
    /// The live class blocks, listed by the first `for_each`, which walks every carved block:
    /// the later walks go over these only (a heap that freed most of what it carved has few:
    /// Lua's binary-trees walked its 2.5 M freed blocks three times, most of 93 ms at exit).
    live: RefCell<LiveList>,
}

/// Class block ids, class by class; `first[c]`: where class c's start.
struct LiveList {
    ids: MapVec<u32>,
    first: [usize; CLASS_COUNT],
    state: Listing,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Listing {
    NotYet,
    Listed,
    /// The list could not grow: every walk goes over every carved block.
    Unlisted,
}

/// A chunk found by `lookup`: its number (index into `marks`) and what it is.
#[derive(Clone, Copy)]
pub struct Found {
    pub id: usize,
    pub chunk: LiveChunk,
}

const REGION_BYTES: usize = 1 << 30;

impl ChunkIndex {
    /// Built while the world is stopped; `foreign` is the frozen set of glibc-carved chunks.
    pub fn build(foreign: &heap::FrozenForeign) -> Option<ChunkIndex> {
        let mut spans = [None; CLASS_COUNT];
        let mut first_mark = [0; CLASS_COUNT];
        let mut total = 0;
        for (class, span) in spans.iter_mut().enumerate() {
            *span = heap::class_span(class).filter(|s| s.blocks > 0);
            first_mark[class] = total;
            total += span.map_or(0, |s| s.blocks);
        }
        // Ids fit in 32 bits: 2^32 carved blocks would be 64 GiB of the smallest class.
        if total > u32::MAX as usize {
            return None;
        }
        let (class_lo, class_hi) = heap::class_area().unwrap_or((0, 0));
        let mut list = MapVec::new();
        foreign.for_each(|user| {
            if let Some(chunk) = heap::chunk_starting_at(user) {
                list.push(chunk);
            }
        });
        list.as_mut_slice().sort_unstable_by_key(|c| c.user);
        let foreign_lo = list.as_slice().first().map_or(0, |c| c.user);
        let foreign_hi = list.as_slice().last().map_or(0, |c| c.user + c.size.max(1));
        let marks = MapVec::zeroed(total + list.len())?;
        Some(ChunkIndex {
            spans,
            first_mark,
            class_lo,
            class_hi,
            foreign: list,
            foreign_lo,
            foreign_hi,
            class_marks: total,
            marks,
            live: RefCell::new(LiveList {
                ids: MapVec::new(),
                first: [0; CLASS_COUNT],
                state: Listing::NotYet,
            }),
        })
    }

    /// The live chunk whose user bytes hold `word` (interior pointers count, as in LeakSanitizer).
    #[inline]
    pub fn lookup(&self, word: usize) -> Option<Found> {
        if word >= self.class_lo && word < self.class_hi {
            let class = (word - self.class_lo) / REGION_BYTES;
            let span = self.spans[class]?;
            let n = (word - span.start) / span.block_bytes;
            if n >= span.blocks {
                return None;
            }
            let chunk = heap::class_block_chunk(span.start + n * span.block_bytes)?;
            return contains(&chunk, word).then_some(Found {
                id: self.first_mark[class] + n,
                chunk,
            });
        }
        if word < self.foreign_lo || word >= self.foreign_hi {
            return None;
        }
        let list = self.foreign.as_slice();
        let i = list.partition_point(|c| c.user <= word).checked_sub(1)?;
        let chunk = list[i];
        contains(&chunk, word).then_some(Found {
            id: self.class_marks + i,
            chunk,
        })
    }

    /// Calls `f` with every live chunk and its number.
    pub fn for_each(&self, mut f: impl FnMut(Found)) {
        let mut live = self.live.borrow_mut();
        if live.state == Listing::Listed {
            let ids = live.ids.as_slice();
            for (class, span) in self.spans.iter().enumerate() {
                let Some(span) = span else { continue };
                let end = live.first.get(class + 1).copied().unwrap_or(ids.len());
                for &id in &ids[live.first[class]..end] {
                    let id = id as usize;
                    let block = span.start + (id - self.first_mark[class]) * span.block_bytes;
                    if let Some(chunk) = heap::class_block_chunk(block) {
                        f(Found { id, chunk });
                    }
                }
            }
        } else {
            let listing = live.state == Listing::NotYet;
            let mut listed = listing;
            for (class, span) in self.spans.iter().enumerate() {
                live.first[class] = live.ids.len();
                let Some(span) = span else { continue };
                for n in 0..span.blocks {
                    let block = span.start + n * span.block_bytes;
                    if let Some(chunk) = heap::class_block_chunk(block) {
                        let id = self.first_mark[class] + n;
                        listed = listed && live.ids.push(id as u32);
                        f(Found { id, chunk });
                    }
                }
            }
            if listing {
                live.state = if listed {
                    Listing::Listed
                } else {
                    Listing::Unlisted
                };
            }
        }
        drop(live);
        let base = self.class_marks;
        for (i, &chunk) in self.foreign.as_slice().iter().enumerate() {
            f(Found {
                id: base + i,
                chunk,
            });
        }
    }
}

/// Calls `f` with the user bytes [user, user + size) of every freed chunk whose contents are
/// still the program's: the class blocks of the spans indexed, and the glibc-carved chunks of
/// `foreign` (the set the index was built from).
pub fn for_each_freed(
    index: &ChunkIndex,
    foreign: &heap::FrozenForeign,
    mut f: impl FnMut(usize, usize),
) {
    for span in index.spans.iter().flatten() {
        for n in 0..span.blocks {
            if let Some((user, size)) = heap::class_block_freed(span.start + n * span.block_bytes) {
                f(user, size);
            }
        }
    }
    foreign.for_each(|user| {
        if let Some((user, size)) = heap::freed_chunk_starting_at(user) {
            f(user, size);
        }
    });
}

fn contains(chunk: &LiveChunk, word: usize) -> bool {
    word >= chunk.user && word < chunk.user + chunk.size.max(1)
}
