//! The recycled blocks of one size class's region as an ordered set of block numbers: a
//! three-level bitmap whose lowest member is found in a few loads. Recycling lowest address
//! first keeps blocks handed out one after another side by side, as carving does; handed out in
//! the order the quarantine released them, they scatter over the whole region (docs/design.md,
//! "Recycling in address order").

use crate::sync::reserve_once;
use core::sync::atomic::AtomicUsize;

const BITS: usize = 64;
/// Blocks a region holds at most (blocks are at least 16 bytes).
const MAX_BLOCKS: usize = crate::heap::class_regions::REGION_BYTES / 16;
/// Words per level for one region: level 0 has a bit per block, level 1 a bit per non-empty
/// level-0 word, level 2 a bit per non-empty level-1 word.
const L0_WORDS: usize = MAX_BLOCKS / BITS;
const L1_WORDS: usize = L0_WORDS / BITS;
const L2_WORDS: usize = L1_WORDS / BITS;
/// One set's words: 8 MiB of address space, of which only the part covering carved blocks is ever
/// touched (a bit per block: for 16-byte blocks 1/128 of their bytes, less for bigger ones).
const SET_WORDS: usize = L0_WORDS + L1_WORDS + L2_WORDS;

/// Sets the reservation holds: one per class, and one for the tests.
const SETS: usize = crate::heap::size_class::CLASSES + 1;

/// The bitmaps of every class, one reservation made on first use (MAP_NORESERVE).
static WORDS: AtomicUsize = AtomicUsize::new(0);

/// A class's set. Not synchronised: its owner (`recycle.rs`) holds a lock around every call.
pub struct BlockSet {
    len: usize,
    /// Every level-2 word below this index is zero.
    first_nonempty: usize,
}

impl BlockSet {
    pub const EMPTY: BlockSet = BlockSet {
        len: 0,
        first_nonempty: L2_WORDS,
    };

    /// How many blocks the set holds.
    pub fn count(&self) -> usize {
        self.len
    }

    /// Adds block number `number` to set `set` (a member already is one); false (nothing kept)
    /// if the bitmaps cannot be mapped or the number is out of range.
    pub fn insert(&mut self, set: usize, number: usize) -> bool {
        let Some(levels) = levels(set) else {
            return false;
        };
        if number >= MAX_BLOCKS {
            return false;
        }
        // SAFETY: every index is below its level's length (number < MAX_BLOCKS).
        unsafe {
            let l0 = levels[0].add(number / BITS);
            if *l0 & bit(number) != 0 {
                debug_assert!(false, "block recycled twice");
                return true;
            }
            let was_empty = *l0 == 0;
            *l0 |= bit(number);
            if was_empty {
                let word = number / BITS;
                let l1 = levels[1].add(word / BITS);
                let was_empty = *l1 == 0;
                *l1 |= bit(word);
                if was_empty {
                    let word = word / BITS;
                    *levels[2].add(word / BITS) |= bit(word);
                    self.first_nonempty = self.first_nonempty.min(word / BITS);
                }
            }
        }
        self.len += 1;
        true
    }

    /// Removes the lowest block numbers into `out`, lowest first; how many.
    pub fn take_lowest(&mut self, set: usize, out: &mut [usize]) -> usize {
        let Some(levels) = levels(set) else {
            return 0;
        };
        let mut taken = 0;
        while taken < out.len() && self.len > 0 {
            // SAFETY: first_nonempty stays below L2_WORDS, and each lower word index comes from a
            // set bit of the level above, so is in bounds.
            unsafe {
                while self.first_nonempty < L2_WORDS && *levels[2].add(self.first_nonempty) == 0 {
                    self.first_nonempty += 1;
                }
                if self.first_nonempty == L2_WORDS {
                    // Only if the count and the bits disagree: trust the bits.
                    self.len = 0;
                    break;
                }
                let l2 = levels[2].add(self.first_nonempty);
                let w1 = self.first_nonempty * BITS + (*l2).trailing_zeros() as usize;
                let l1 = levels[1].add(w1);
                let w0 = w1 * BITS + (*l1).trailing_zeros() as usize;
                let l0 = levels[0].add(w0);
                // Every member of this level-0 word, lowest first, while there is room.
                while *l0 != 0 && taken < out.len() {
                    out[taken] = w0 * BITS + (*l0).trailing_zeros() as usize;
                    *l0 &= *l0 - 1;
                    taken += 1;
                    self.len = self.len.saturating_sub(1);
                }
                if *l0 == 0 {
                    *l1 &= !bit(w0);
                    if *l1 == 0 {
                        *l2 &= !bit(w1);
                    }
                }
            }
        }
        taken
    }
}

fn bit(index: usize) -> u64 {
    1 << (index % BITS)
}

/// The three levels of set `set`, mapped on first use.
fn levels(set: usize) -> Option<[*mut u64; 3]> {
    debug_assert!(set < SETS);
    let all = reserve_once(&WORDS, SETS * SET_WORDS * 8)?;
    let l0 = (all + set * SET_WORDS * 8) as *mut u64;
    // SAFETY: offsets within this set's SET_WORDS words.
    unsafe { Some([l0, l0.add(L0_WORDS), l0.add(L0_WORDS + L1_WORDS)]) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hands_out_lowest_first_across_every_level() {
        // The set no class uses, so no allocation of the test harness mixes in.
        let set = SETS - 1;
        let mut s = BlockSet::EMPTY;
        // Blocks in different level-0, level-1 and level-2 words, inserted out of order.
        let offsets = [
            MAX_BLOCKS - 1, // beyond the first level-2 word
            64,
            1,
            0,
            BITS * BITS * 3,
            3,
        ];
        for &o in &offsets {
            assert!(s.insert(set, o));
        }
        let mut sorted = offsets;
        sorted.sort();
        let mut out = [0; 4];
        assert_eq!(s.take_lowest(set, &mut out), 4);
        assert_eq!(out, sorted[..4]);
        s.insert(set, 2);
        let mut rest = [0; 8];
        assert_eq!(s.take_lowest(set, &mut rest), 3);
        assert_eq!(rest[..3], [2, sorted[4], sorted[5]]);
        assert_eq!((s.count(), s.take_lowest(set, &mut rest)), (0, 0));
    }
}
