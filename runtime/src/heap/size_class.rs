//! The block sizes the allocator keeps classes for: every multiple of 16 bytes up to 4 KiB, then
//! four sizes per doubling up to 128 KiB (a block is rounded up to its class; the slack becomes
//! right redzone). Blocks of a class are recycled among themselves (`recycle.rs`) and carved
//! fresh from the class's own region (`class_regions.rs`); bigger blocks go to glibc.

/// Small classes are spaced by this (glibc's alignment, so every class size keeps user bytes
/// 16-byte aligned).
const STEP: usize = 16;
const SMALL_MAX: usize = 4096;
const SMALL_CLASSES: usize = SMALL_MAX / STEP + 1;
/// Above SMALL_MAX: classes at 1.25, 1.5, 1.75 and 2 times each power of two.
const PER_DOUBLING: usize = 4;
const SMALL_MAX_LOG: u32 = SMALL_MAX.trailing_zeros();
const MAX_LOG: u32 = 17;
/// The largest class.
pub const MAX_BLOCK: usize = 1 << MAX_LOG;
pub const CLASSES: usize = SMALL_CLASSES + PER_DOUBLING * (MAX_LOG - SMALL_MAX_LOG) as usize;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Class {
    pub index: usize,
    /// Bytes of every block of the class.
    pub block_bytes: usize,
}

/// The class a block of `bytes` (a multiple of 16) is rounded up to; None if it is too big.
pub fn class_of(bytes: usize) -> Option<Class> {
    if bytes <= SMALL_MAX {
        return bytes.is_multiple_of(STEP).then_some(Class {
            index: bytes / STEP,
            block_bytes: bytes,
        });
    }
    if bytes > MAX_BLOCK {
        return None;
    }
    // bytes is in (2^log, 2^(log+1)]; classes there are multiples of a quarter of 2^log.
    let log = usize::BITS - 1 - (bytes - 1).leading_zeros();
    let quarter_log = log - 2;
    let quarters = bytes.div_ceil(1 << quarter_log);
    Some(Class {
        index: SMALL_CLASSES
            + PER_DOUBLING * (log - SMALL_MAX_LOG) as usize
            + (quarters - (PER_DOUBLING + 1)),
        block_bytes: quarters << quarter_log,
    })
}

/// The size of every block of class `index` (below CLASSES).
pub fn class_block_bytes(index: usize) -> usize {
    if index < SMALL_CLASSES {
        return index * STEP;
    }
    let k = index - SMALL_CLASSES;
    let log = SMALL_MAX_LOG as usize + k / PER_DOUBLING;
    (PER_DOUBLING + 1 + k % PER_DOUBLING) << (log - 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_sizes_are_exact() {
        assert_eq!(
            class_of(32),
            Some(Class {
                index: 2,
                block_bytes: 32
            })
        );
        assert_eq!(class_of(4096).unwrap().block_bytes, 4096);
        assert_eq!(class_of(40), None); // not a multiple of 16
    }

    #[test]
    fn larger_sizes_round_up_to_quarter_steps() {
        assert_eq!(class_of(4097).unwrap().block_bytes, 5120);
        assert_eq!(class_of(4097).unwrap().index, SMALL_CLASSES);
        assert_eq!(class_of(8192).unwrap().block_bytes, 8192);
        assert_eq!(class_of(8192).unwrap().index, SMALL_CLASSES + 3);
        assert_eq!(class_of(8208).unwrap().block_bytes, 10240);
        assert_eq!(class_of(MAX_BLOCK).unwrap().index, CLASSES - 1);
        assert_eq!(class_of(MAX_BLOCK + 16), None);
    }

    #[test]
    fn every_class_is_its_own_fixed_point() {
        let mut last = 0;
        for bytes in (16..=MAX_BLOCK).step_by(16) {
            let c = class_of(bytes).unwrap();
            assert!(c.block_bytes >= bytes && c.block_bytes.is_multiple_of(16));
            assert_eq!(class_of(c.block_bytes), Some(c));
            assert!(c.index >= last && c.index < CLASSES);
            assert_eq!(class_block_bytes(c.index), c.block_bytes);
            last = c.index;
        }
    }
}
