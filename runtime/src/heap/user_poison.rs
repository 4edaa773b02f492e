//! Poisoning by the program (`__asan_poison_memory_region` and friends, `ASAN_POISON_MEMORY_REGION`):
//! ASan's granule rules, over a shadow that also carries ffisan's own meanings.
//!
//! The rules (ASan's): poisoning [beg, end) poisons at least [beg, align_down(end)) and a granule
//! keeps only an addressable prefix, so a granule whose first bytes stay addressable is cut back
//! to them; unpoisoning makes at most [align_down(beg), end) addressable.
//!
//! What ffisan adds: poison goes only over memory the program may use. Heap redzones, freed
//! chunks, dead fake frames and every other runtime poison keep their meaning (they already
//! report, and more precisely). Read-only data is poisoned whole or not at all; a managed (Go
//! heap) granule cut back keeps its prefix as a plain partial granule (Go's redzone after a
//! 20-byte object starts mid-granule: the object's last 4 bytes stay addressable, and C touching
//! them is no longer asked whether they were lent). Unpoisoning gives back what the owner painted: READONLY in a module's
//! read-only part, MANAGED in a managed region (so Go's `-asan` runtime poisons a Go object it
//! frees and unpoisons it, MANAGED again, when it hands it out), and in a live C-heap chunk
//! nothing past the chunk's size (its partial last granule and right redzone stay).

use crate::contract::shadow_value::{
    ADDRESSABLE, CONTAINER_OVERFLOW, MANAGED, READONLY, READONLY_PARTIAL_MAX, READONLY_PARTIAL_MIN,
    USER_POISONED,
};
use crate::contract::{APP_END, GRANULE, SHADOW_SCALE};
use crate::errors::RegionKind;
use crate::shadow::{shadow_addr, shadow_byte};

/// How many leading bytes of a granule with shadow `v` a program may address, for values that
/// describe program memory (None: runtime poison this module never touches).
fn program_prefix(v: u8) -> Option<usize> {
    match v {
        ADDRESSABLE | READONLY | MANAGED => Some(GRANULE),
        1..=7 => Some(v as usize),
        USER_POISONED | CONTAINER_OVERFLOW => Some(0),
        _ => None,
    }
}

const MANAGED_WORD: u64 = u64::from_ne_bytes([MANAGED; 8]);
const READONLY_WORD: u64 = u64::from_ne_bytes([READONLY; 8]);
const USER_POISONED_WORD: u64 = u64::from_ne_bytes([USER_POISONED; 8]);

fn set(granule: usize, value: u8) {
    // SAFETY: callers pass granules below APP_END, whose shadow is mapped.
    unsafe { *shadow_addr(granule) = value };
}

/// The shadow a granule with `prefix` addressable bytes gets (0: the whole granule poisoned).
fn prefix_value(prefix: usize, poison: u8) -> u8 {
    match prefix {
        0 => poison,
        p if p >= GRANULE => ADDRESSABLE,
        p => p as u8,
    }
}

/// Cuts granule `g` back to its first `keep` bytes (`keep` < 8), painting the rest `poison`;
/// read-only granules are only ever poisoned whole.
fn cut_granule(g: usize, keep: usize, poison: u8) {
    let v = shadow_byte(g);
    match program_prefix(v) {
        Some(_) if keep == 0 => set(g, poison),
        Some(prefix) if v != READONLY && prefix > keep => set(g, prefix_value(keep, poison)),
        _ => {}
    }
}

/// Paints the granules whose program bytes all lie in [beg, end) `poison`, and cuts a first
/// granule that begins before `beg` back to its prefix (ASan's rule: poison at least
/// [beg, align_down(end)), never a granule's addressable head).
pub fn poison_with(beg: usize, end: usize, poison: u8) {
    let end = end.min(APP_END);
    if beg >= end {
        return;
    }
    let (first, last) = (beg & !(GRANULE - 1), end & !(GRANULE - 1));
    if first == last {
        // Inside one granule: only a tail that reaches the granule's last program byte.
        if program_prefix(shadow_byte(first)).is_some_and(|p| p > 0 && p <= end - first) {
            cut_granule(first, beg - first, poison);
        }
        return;
    }
    let mut g = first;
    if beg > first {
        cut_granule(first, beg - first, poison);
        g += GRANULE;
    }
    while g < last {
        // Runs of clean shadow are the common case (a pool's free block): 8 granules a store.
        let s = shadow_addr(g) as usize;
        if s.is_multiple_of(8) && g + 8 * GRANULE <= last {
            // SAFETY: eight shadow bytes of granules below APP_END.
            let word = unsafe { &mut *(s as *mut u64) };
            // Managed granules wholly inside are poisoned whole too: Go's `-asan` runtime poisons
            // every object the sweeper frees and every span the heap takes back, megabytes at once,
            // the span over objects the sweeper poisoned already: any word of program bytes
            // (what `cut_granule` poisons granule by granule) takes the poison in one store.
            if *word == 0
                || *word == MANAGED_WORD
                || word
                    .to_ne_bytes()
                    .iter()
                    .all(|&v| program_prefix(v).is_some())
            {
                *word = u64::from_ne_bytes([poison; 8]);
                g += 8 * GRANULE;
                continue;
            }
        }
        cut_granule(g, 0, poison);
        g += GRANULE;
    }
    // The granule holding `end`: poisoned whole if its program bytes all lie before `end`.
    if end > last && program_prefix(shadow_byte(last)).is_some_and(|p| p > 0 && p <= end - last) {
        cut_granule(last, 0, poison);
    }
}

/// What the owner of a run of memory paints it when nobody poisoned it.
#[derive(Clone, Copy)]
enum Owner {
    /// A live C-heap chunk's user bytes [lo, hi).
    Chunk,
    Managed,
    ReadOnly,
    Plain,
}

/// The owner of the memory at `addr` and the bounds it holds for; a plain run is taken to last to
/// `run_end` (only a region found later in the run would say otherwise, and every region
/// lookup costs a table search).
fn owner_of(addr: usize, run_end: usize) -> (Owner, usize, usize) {
    // Go's heap first, without a lock: never a C chunk, and the owner every Go allocation asks for.
    if let Some((lo, hi)) = crate::regions::cached_go_heap(addr) {
        return (Owner::Managed, lo, hi);
    }
    if let Some(r) = crate::heap::describe_heap(addr) {
        if r.kind == RegionKind::CHeap && addr >= r.lo && addr < r.hi {
            return (Owner::Chunk, r.lo, r.hi);
        }
    }
    if let Some(r) = crate::regions::find_managed(addr) {
        crate::regions::remember_go_heap(&r);
        return (Owner::Managed, r.lo, r.hi);
    }
    match crate::regions::module_range(addr) {
        Some(r) if r.kind == RegionKind::ReadOnly => (Owner::ReadOnly, r.lo, r.hi),
        _ => (Owner::Plain, addr, run_end),
    }
}

/// Whether a granule with shadow `v` whose bytes are to be addressable up to `upto` holds the
/// program's poison or a container annotation there (runtime poison, a redzone, a freed chunk, a
/// dead frame, stays; so do read-only and managed granules, which nobody poisoned).
fn needs_restore(v: u8, upto: usize) -> bool {
    v != READONLY && v != MANAGED && program_prefix(v).is_some_and(|prefix| prefix < upto)
}

/// Gives granule `g` (its program bytes now addressable up to `upto`, at most 8) back the
/// owner's paint.
fn restore_granule(g: usize, upto: usize, owner: Owner, hi: usize) {
    let value = match owner {
        Owner::Managed => MANAGED,
        Owner::ReadOnly => READONLY,
        // Never past the chunk's size: its partial granule keeps what the allocator wrote.
        Owner::Chunk => prefix_value(upto.min(hi - g), USER_POISONED),
        Owner::Plain => prefix_value(upto, USER_POISONED),
    };
    set(g, value);
}

/// Makes [beg, end) addressable again as its owner painted it (ASan's rule: at most
/// [align_down(beg), end); a last partial granule keeps the longer of its prefixes).
pub fn unpoison(beg: usize, end: usize) {
    let end = end.min(APP_END);
    if beg >= end {
        return;
    }
    let mut g = beg & !(GRANULE - 1);
    let mut owner = (Owner::Plain, 0, 0);
    while g < end {
        let s = shadow_addr(g) as usize;
        if s.is_multiple_of(8) && g + 8 * GRANULE <= end {
            // SAFETY: eight shadow bytes of granules below APP_END.
            let word = unsafe { &mut *(s as *mut u64) };
            if *word == 0 || *word == MANAGED_WORD {
                g += 8 * GRANULE;
                continue;
            }
            // Eight wholly poisoned granules of one owner get its paint in one store (Go hands out
            // megabyte objects it had poisoned).
            if *word == USER_POISONED_WORD {
                if g < owner.1 || g >= owner.2 {
                    owner = owner_of(g, end.next_multiple_of(GRANULE));
                }
                if g + 8 * GRANULE <= owner.2 {
                    let value = match owner.0 {
                        Owner::Managed => MANAGED,
                        Owner::ReadOnly => READONLY,
                        Owner::Chunk | Owner::Plain => ADDRESSABLE,
                    };
                    *word = u64::from_ne_bytes([value; 8]);
                    g += 8 * GRANULE;
                    continue;
                }
            }
        }
        let upto = (end - g).min(GRANULE);
        if needs_restore(shadow_byte(g), upto) {
            if g < owner.1 || g >= owner.2 {
                owner = owner_of(g, end.next_multiple_of(GRANULE));
            }
            restore_granule(g, upto, owner.0, owner.2);
        }
        g += GRANULE;
    }
}

/// Whether the program may read the byte at `addr` (read-only and managed memory are readable;
/// what the managed policy says about native code is the checks' business, not this).
pub fn byte_is_poisoned(addr: usize) -> bool {
    byte_refuses(addr, false)
}

/// Whether a load (or with `write` a store) of the byte at `addr` is wrong: read-only data refuses
/// only stores, a read-only object's partial granule (READONLY | k) is readable up to k.
#[inline(always)]
fn byte_refuses(addr: usize, write: bool) -> bool {
    if addr >= APP_END {
        return false;
    }
    let v = shadow_byte(addr);
    match v {
        ADDRESSABLE | MANAGED => false,
        READONLY => write,
        1..=7 => addr % GRANULE >= v as usize,
        READONLY_PARTIAL_MIN..=READONLY_PARTIAL_MAX => write || addr % GRANULE >= (v & 7) as usize,
        _ => true,
    }
}

/// The first poisoned byte of [beg, beg + size), or None (`__asan_region_is_poisoned`).
#[inline(always)]
pub fn first_poisoned(beg: usize, size: usize) -> Option<usize> {
    first_refused(beg, size, false)
}

/// The first byte of [beg, beg + size) a store may not go to: poisoned or read-only (what Go's
/// `-asan` write bridge asks, redirected by the pass).
#[inline(always)]
pub fn first_unwritable(beg: usize, size: usize) -> Option<usize> {
    first_refused(beg, size, true)
}

#[inline(always)]
fn first_refused(beg: usize, size: usize, write: bool) -> Option<usize> {
    // Go's `-asan` asks this before every Go load and store, nearly always for a few granules (a
    // word, a slice header, a small struct): their shadow bytes answer before any loop. The last
    // granule may be a partial one (a 3-byte Go object, a string's tail: Go's redzone starts
    // mid-granule) holding the access's last byte in its addressable prefix.
    let last = beg.wrapping_add(size).wrapping_sub(1);
    if size != 0 && last < APP_END && last >= beg {
        let (first_granule, last_granule) = (beg >> SHADOW_SCALE, last >> SHADOW_SCALE);
        if last_granule - first_granule < QUICK_GRANULES {
            let clean = |v: u8| v == ADDRESSABLE || v == MANAGED || (!write && v == READONLY);
            if !byte_refuses(last, write)
                && (first_granule..last_granule).all(|g| clean(shadow_byte(g << SHADOW_SCALE)))
            {
                return None;
            }
        }
    }
    first_refused_slowly(beg, size, write)
}

/// How many granules the quick answer reads at most (Go's widest common accesses: a slice or an
/// interface header, small structs copied whole).
const QUICK_GRANULES: usize = 8;

fn first_refused_slowly(beg: usize, size: usize, write: bool) -> Option<usize> {
    let end = beg.checked_add(size)?.min(APP_END);
    let mut a = beg;
    while a < end {
        let g = a & !(GRANULE - 1);
        let s = shadow_addr(g) as usize;
        if a == g && s.is_multiple_of(8) && g + 8 * GRANULE <= end {
            // SAFETY: eight shadow bytes of granules below APP_END.
            let word = unsafe { *(s as *const u64) };
            if word == 0 || word == MANAGED_WORD || (!write && word == READONLY_WORD) {
                a += 8 * GRANULE;
                continue;
            }
        }
        if byte_refuses(a, write) {
            return Some(a);
        }
        // A whole clean granule, or one byte at a time in a partial one.
        a = match shadow_byte(a) {
            ADDRESSABLE | MANAGED => g + GRANULE,
            READONLY if !write => g + GRANULE,
            _ => a + 1,
        };
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::shadow_value::HEAP_RIGHT_REDZONE;
    use crate::shadow;

    // Shadow of an application range nothing else in this test process paints.
    const BASE: usize = 0x3456_0000_0000;

    fn shadow_of(granules: usize) -> Vec<u8> {
        (0..granules)
            .map(|g| shadow_byte(BASE + g * GRANULE))
            .collect()
    }

    #[test]
    fn poison_keeps_addressable_heads_and_unpoison_gives_them_back() {
        shadow::ensure_mapped();
        shadow::fill(BASE, 0, 8);
        poison_with(BASE + 3, BASE + 20, USER_POISONED);
        // Granule 0 keeps 3 bytes, granule 1 is whole, granule 2 (bytes 16..20 of 24) stays.
        assert_eq!(shadow_of(4), [3, USER_POISONED, 0, 0]);
        unpoison(BASE + 3, BASE + 20);
        assert_eq!(shadow_of(4), [0, 0, 0, 0]);
        // Inside one granule only a tail reaching its end is poisoned.
        poison_with(BASE + 2, BASE + 5, USER_POISONED);
        assert_eq!(shadow_of(1), [0]);
        shadow::fill(BASE, 5, 1);
        poison_with(BASE + 2, BASE + 5, USER_POISONED);
        assert_eq!(shadow_of(1), [2]);
        poison_with(BASE, BASE + 8, USER_POISONED);
        assert_eq!(shadow_of(1), [USER_POISONED]);
        unpoison(BASE, BASE + 6);
        assert_eq!(shadow_of(1), [6]);
        assert_eq!(first_poisoned(BASE, 16), Some(BASE + 6));
        assert_eq!(first_poisoned(BASE, 6), None);
    }

    #[test]
    fn runtime_poison_and_owners_paint_survive() {
        shadow::ensure_mapped();
        let at = BASE + 0x1000;
        shadow::fill(at, HEAP_RIGHT_REDZONE, 2);
        shadow::fill(at + 16, READONLY, 2);
        poison_with(at, at + 28, USER_POISONED);
        let got: Vec<u8> = (0..4).map(|g| shadow_byte(at + g * GRANULE)).collect();
        // Redzones stay; the read-only granule wholly inside is poisoned, the cut one is not.
        assert_eq!(
            got,
            [
                HEAP_RIGHT_REDZONE,
                HEAP_RIGHT_REDZONE,
                USER_POISONED,
                READONLY
            ]
        );
        assert!(!byte_is_poisoned(at + 24));
        assert!(byte_is_poisoned(at));
    }

    #[test]
    fn a_cut_managed_granule_keeps_its_prefix_and_stores_refuse_read_only() {
        shadow::ensure_mapped();
        let at = BASE + 0x2000;
        shadow::fill(at, MANAGED, 4);
        // Go's redzone after a 20-byte object: bytes 20.. of the slot.
        poison_with(at + 20, at + 32, USER_POISONED);
        let got: Vec<u8> = (0..4).map(|g| shadow_byte(at + g * GRANULE)).collect();
        assert_eq!(got, [MANAGED, MANAGED, 4, USER_POISONED]);
        assert_eq!(first_poisoned(at, 24), Some(at + 20));
        // No managed region in this process owns it: it comes back addressable.
        unpoison(at, at + 24);
        assert_eq!(first_poisoned(at, 24), None);

        shadow::fill(at, READONLY, 1);
        shadow::fill(at + 8, READONLY | 3, 1);
        assert_eq!(first_poisoned(at, 11), None);
        assert_eq!(first_poisoned(at, 12), Some(at + 11));
        assert_eq!(first_unwritable(at, 4), Some(at));
        assert_eq!(first_unwritable(at + 9, 1), Some(at + 9));
    }

    #[test]
    fn poisoning_again_poisons_every_program_granule_and_keeps_runtime_poison() {
        shadow::ensure_mapped();
        let at = BASE + 0x4000;
        // Two shadow words: one of mixed program paint (poisoned, managed, partial, clean), one
        // holding a heap redzone among them.
        shadow::fill(at, MANAGED, 16);
        shadow::fill(at, USER_POISONED, 2);
        shadow::fill(at + 5 * GRANULE, 3, 1);
        shadow::fill(at + 6 * GRANULE, ADDRESSABLE, 1);
        shadow::fill(at + 10 * GRANULE, HEAP_RIGHT_REDZONE, 1);
        poison_with(at, at + 16 * GRANULE, USER_POISONED);
        let got: Vec<u8> = (0..16).map(|g| shadow_byte(at + g * GRANULE)).collect();
        let mut want = [USER_POISONED; 16];
        want[10] = HEAP_RIGHT_REDZONE;
        assert_eq!(got, want);
    }

    #[test]
    fn the_two_granule_answer_reads_partial_last_granules() {
        shadow::ensure_mapped();
        let at = BASE + 0x3000;
        // A 3-byte object after a whole granule, then a read-only object's 5-byte tail.
        shadow::fill(at, MANAGED, 1);
        shadow::fill(at + 8, 3, 1);
        shadow::fill(at + 16, READONLY, 1);
        shadow::fill(at + 24, READONLY | 5, 1);
        assert_eq!(first_poisoned(at + 8, 3), None);
        assert_eq!(first_poisoned(at + 9, 2), None);
        assert_eq!(first_poisoned(at + 4, 7), None);
        assert_eq!(first_poisoned(at + 8, 4), Some(at + 11));
        assert_eq!(first_poisoned(at + 10, 1), None);
        assert_eq!(first_poisoned(at + 11, 1), Some(at + 11));
        assert_eq!(first_unwritable(at + 8, 3), None);
        // A partial first granule followed by another: the access runs past the prefix.
        assert_eq!(first_poisoned(at + 8, 9), Some(at + 11));
        assert_eq!(first_poisoned(at + 20, 9), None);
        assert_eq!(first_poisoned(at + 24, 6), Some(at + 29));
        assert_eq!(first_unwritable(at + 24, 1), Some(at + 24));
        assert_eq!(first_unwritable(at + 20, 6), Some(at + 20));
    }
}
