//! Container annotations (`__sanitizer_annotate_contiguous_container`): a vector's capacity past
//! its size is painted CONTAINER_OVERFLOW, so a read past `size()` is a `container-overflow`.
//! ASan's granule rules (the used part is a granule-aligned run plus one partial granule); like
//! user poisoning, an annotation only paints program memory, never a redzone or a freed chunk.

use crate::contract::shadow_value::{ADDRESSABLE, CONTAINER_OVERFLOW, USER_POISONED};
use crate::contract::GRANULE;
use crate::heap::user_poison::byte_is_poisoned;
use crate::shadow::{shadow_addr, shadow_byte};

fn down(a: usize) -> usize {
    a & !(GRANULE - 1)
}

fn up(a: usize) -> usize {
    a.next_multiple_of(GRANULE)
}

/// Whether granule `g` holds program memory an annotation may repaint: addressable bytes, a
/// partial granule, the program's poison or an earlier annotation (read-only data and managed
/// memory hold no containers).
fn paintable(g: usize) -> bool {
    matches!(
        shadow_byte(g),
        ADDRESSABLE | 1..=7 | USER_POISONED | CONTAINER_OVERFLOW
    )
}

fn paint(lo: usize, hi: usize, value: u8) {
    let mut g = lo;
    while g < hi {
        if paintable(g) {
            // SAFETY: `g` lies in the container's storage, in the application range.
            unsafe { *shadow_addr(g) = value };
        }
        g += GRANULE;
    }
}

/// Granule `g` gets `n` (< 8) addressable bytes, or is unused capacity when `n` is 0.
fn paint_prefix(g: usize, n: usize) {
    paint(
        g,
        g + GRANULE,
        if n == 0 { CONTAINER_OVERFLOW } else { n as u8 },
    );
}

/// The arguments of a call that does not describe a container: the end of its used part lies
/// outside its storage. Reported by the interface, as ASan does.
pub struct BadContainer;

/// The used part of the storage [beg, end) moves from [beg, old_mid) to [beg, new_mid).
pub fn annotate(
    beg: usize,
    end: usize,
    old_mid: usize,
    new_mid: usize,
) -> Result<(), BadContainer> {
    if !(beg <= old_mid && old_mid <= end && beg <= new_mid && new_mid <= end) {
        return Err(BadContainer);
    }
    if old_mid == new_mid || end - beg > 1 << 40 {
        return Ok(());
    }
    let (mut old_end, mut new_end) = (old_mid, new_mid);
    // A last granule shared with bytes after the storage: those stay addressable, so the
    // annotation stops at the granule before (ASan's FixUnalignedStorage).
    if !end.is_multiple_of(GRANULE) && old_end.max(new_end) > down(end) && !byte_is_poisoned(end) {
        old_end = old_end.min(down(end));
        new_end = new_end.min(down(end));
    }
    // A first granule shared with bytes before the storage: emptied, it keeps their prefix.
    if !beg.is_multiple_of(GRANULE) {
        let beg_up = up(beg);
        if new_end == beg && old_end != beg {
            paint_prefix(down(beg), beg - down(beg));
            old_end = old_end.max(beg_up);
            new_end = new_end.max(beg_up);
        }
    }
    if old_end == new_end {
        return Ok(());
    }
    let a = down(old_end.min(new_end));
    let c = up(old_end.max(new_end));
    let (b1, b2) = (down(new_end), up(new_end));
    if b1 > a {
        paint(a, b1, ADDRESSABLE);
    } else if c > b2 {
        paint(b2, c, CONTAINER_OVERFLOW);
    }
    if b1 != b2 {
        paint_prefix(b1, new_end - b1);
    }
    Ok(())
}

/// Whether [beg, mid) is addressable and [mid, end) poisoned, as far as granules can say
/// (`__sanitizer_verify_contiguous_container`).
pub fn verify(beg: usize, mid: usize, end: usize) -> bool {
    let annotated_end = if !end.is_multiple_of(GRANULE) && !byte_is_poisoned(end) {
        down(end)
    } else {
        end
    };
    let used_ok = (beg..mid.min(annotated_end)).all(|a| !byte_is_poisoned(a));
    let unused_ok = (mid.max(beg)..annotated_end).all(byte_is_poisoned);
    used_ok && unused_ok
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shadow;

    // Shadow of an application range nothing else in this test process paints.
    const BASE: usize = 0x4567_0000_0000;

    fn shadow_of(granules: usize) -> Vec<u8> {
        (0..granules)
            .map(|g| shadow_byte(BASE + g * GRANULE))
            .collect()
    }

    #[test]
    fn a_vector_grows_and_shrinks_by_granules() {
        shadow::ensure_mapped();
        shadow::fill(BASE, 0, 8);
        let end = BASE + 40;
        // reserve(10 ints), size 0: everything is unused capacity.
        annotate(BASE, end, end, BASE).ok().unwrap();
        assert_eq!(shadow_of(5), [CONTAINER_OVERFLOW; 5]);
        annotate(BASE, end, BASE, BASE + 20).ok().unwrap();
        assert_eq!(
            shadow_of(5),
            [0, 0, 4, CONTAINER_OVERFLOW, CONTAINER_OVERFLOW]
        );
        assert!(verify(BASE, BASE + 20, end));
        annotate(BASE, end, BASE + 20, BASE + 4).ok().unwrap();
        assert_eq!(shadow_of(3), [4, CONTAINER_OVERFLOW, CONTAINER_OVERFLOW]);
        annotate(BASE, end, BASE + 4, end).ok().unwrap();
        assert_eq!(shadow_of(6), [0, 0, 0, 0, 0, 0]);
        assert!(annotate(BASE, end, BASE, end + 1).is_err());
    }
}
