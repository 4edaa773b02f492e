//! A thread's recently walked allocation and free stacks, so that a malloc or free made from an
//! unchanged call chain is named without walking it again.
//!
//! A frame-pointer walk is a chain of dependent loads (each frame's address is read from the frame
//! before it): sixteen frames cost sixteen load latencies, then the hash and the depot lookup,
//! on every malloc and every free. But allocation-heavy code allocates from the same few chains
//! over and over, at the same stack depth. So each walk that went along frame pointers alone
//! leaves its trail here: the call's key (entry point, return address, rbp, rsp) and the two words
//! it read at each frame record, with the depot id the stack got. The next call with the same key
//! re-reads those records at the addresses the trail names — loads that do not depend on each
//! other, so they overlap — and if every word is unchanged the walk would read exactly the same
//! records, stop at the same place and give the same stack: its id is the trail's.
//!
//! Why equal words mean an equal walk: the walk starts at the key's rbp with the key's rsp as its
//! floor; at each record it reads (next frame, return address) and decides from those values, the
//! record's address and the thread's stack bounds alone whether to go on. The first record's
//! address is in the key; each later one is the `next` word of the record before, which the check
//! compares. Records lie above the caller's stack pointer (the key's rsp), in the live part of the
//! calling thread's stack, so re-reading them never faults; the records of a goroutine's stack that
//! a cgo program's walks go on into (`go_frames.rs`) lie in Go's heap arenas, which Go never
//! unmaps. The cache belongs to one thread, whose stack bounds do not change while it lives.

use crate::traces::unwind::Caller;
use core::mem::MaybeUninit;

/// Frame records a trail can hold: `malloc_context_size` 16 (the default) reads at most 15.
pub const MAX_RECORDS: usize = 16;
/// Chains are kept in sets chosen by the key, several per set: one call site often allocates
/// from a few chains that differ only further up (a collector step entered from different
/// places), and with one chain per key they would keep replacing each other.
const SETS: usize = 16;
const WAYS: usize = 4;

/// The words a frame-pointer walk read: record i was at `addr_i` (rbp for i = 0, then the `next`
/// word read at record i - 1) and held `words[i]` = (next, return address).
pub struct Trail {
    /// `words[..len]` are written; the rest stays uninitialised (a trail is made on every malloc).
    words: [MaybeUninit<[usize; 2]>; MAX_RECORDS],
    pub len: usize,
    /// False when the stack was not a pure frame-pointer walk, or it read more than MAX_RECORDS.
    pub usable: bool,
}

impl Default for Trail {
    fn default() -> Self {
        Self::new()
    }
}

impl Trail {
    /// Only the two small fields are written: built as a struct literal, the compiler merged their
    /// zeros and the uninitialised words into one 265-byte memset on every walked malloc and free.
    pub const fn new() -> Self {
        let mut t = MaybeUninit::<Trail>::uninit();
        let p = t.as_mut_ptr();
        // SAFETY: both small fields are written; `words` is an array of MaybeUninit, valid
        // uninitialised.
        unsafe {
            core::ptr::addr_of_mut!((*p).len).write(0);
            core::ptr::addr_of_mut!((*p).usable).write(false);
            t.assume_init()
        }
    }
    fn words(&self) -> &[[usize; 2]] {
        // SAFETY: every word below `len` was written by `push`.
        unsafe { core::slice::from_raw_parts(self.words.as_ptr().cast(), self.len) }
    }
    /// Notes one record read by the walk.
    #[inline(always)]
    pub fn push(&mut self, next: usize, ret: usize) {
        if self.len < MAX_RECORDS {
            self.words[self.len] = MaybeUninit::new([next, ret]);
            self.len += 1;
        } else {
            self.usable = false;
        }
    }
}

#[derive(Clone, Copy)]
struct Chain {
    /// entry point, return address, rbp, rsp of the call.
    key: [usize; 4],
    len: u32,
    /// The stack's depot id; 0 marks an empty slot.
    id: u32,
    words: [[usize; 2]; MAX_RECORDS],
}

/// Part of a thread's cache (zeroed pages: every slot empty).
pub struct RecentChains {
    sets: [[Chain; WAYS]; SETS],
    /// The way each set replaces next.
    next_way: [u8; SETS],
    /// The way of each set that matched last, tried first: the chains of one key differ only
    /// further up, so each one tried in vain re-reads the whole trail.
    last_hit: [u8; SETS],
}

fn set_of(caller: &Caller) -> usize {
    let h = (caller.ret ^ caller.fp.rotate_left(23) ^ caller.entry.rotate_left(41))
        .wrapping_mul(0x9e37_79b9_7f4a_7c15);
    (h >> 60) % SETS
}

impl Chain {
    /// Whether a walk from `caller` would read exactly this chain's words now.
    #[inline(always)]
    fn matches(&self, caller: &Caller) -> bool {
        // Field by field: a key array built on the stack and compared as a whole is read back
        // wider than it was written, which stalls store forwarding on every malloc.
        let [entry, ret, fp, sp] = self.key;
        if ret != caller.ret || fp != caller.fp || sp != caller.sp || entry != caller.entry {
            return false;
        }
        use core::arch::x86_64::*;
        let mut addr = caller.fp;
        // SAFETY: SSE2 is part of x86-64. Each `addr` is a record the walk read on this thread's
        // stack above the caller's stack pointer (equal to the key's), so it is mapped (see the
        // module comment); each record is compared as one 16-byte word pair.
        unsafe {
            let mut differ = _mm_setzero_si128();
            for pair in &self.words[..self.len as usize] {
                let now = _mm_loadu_si128(addr as *const __m128i);
                let then = _mm_loadu_si128(pair.as_ptr().cast());
                differ = _mm_or_si128(differ, _mm_xor_si128(now, then));
                addr = pair[0];
            }
            _mm_movemask_epi8(_mm_cmpeq_epi8(differ, _mm_setzero_si128())) == 0xffff
        }
    }
}

impl RecentChains {
    /// The depot id of the stack a walk from `caller` would give now, if its trail is here and
    /// every record it read still holds the same words.
    #[inline]
    pub fn lookup(&mut self, caller: &Caller) -> Option<u32> {
        let set = set_of(caller);
        let first = self.last_hit[set] as usize % WAYS;
        let ways = &self.sets[set];
        let hit = |w: usize| ways[w].id != 0 && ways[w].matches(caller);
        let way = if hit(first) {
            first
        } else {
            (0..WAYS).find(|&w| w != first && hit(w))?
        };
        self.last_hit[set] = way as u8;
        Some(ways[way].id)
    }

    /// Keeps the trail of the walk from `caller` that gave stack `id`, in place of the oldest
    /// chain of its set.
    pub fn remember(&mut self, caller: &Caller, trail: &Trail, id: u32) {
        if !trail.usable || id == 0 {
            return;
        }
        let set = set_of(caller);
        let way = self.next_way[set] as usize % WAYS;
        self.next_way[set] = (way + 1) as u8;
        self.last_hit[set] = way as u8;
        let chain = &mut self.sets[set][way];
        chain.key = [caller.entry, caller.ret, caller.fp, caller.sp];
        chain.len = trail.len as u32;
        chain.id = id;
        chain.words[..trail.len].copy_from_slice(trail.words());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zeroed() -> Box<RecentChains> {
        // SAFETY: all-zero bits are a valid RecentChains (empty slots), as on fresh pages.
        unsafe { Box::new(core::mem::zeroed()) }
    }

    #[test]
    fn same_words_same_id_changed_word_misses() {
        // A fake stack of three frame records: [next, ret] at 0, 16 and 32 words.
        let mut stack = vec![0usize; 64];
        let base = stack.as_mut_ptr() as usize;
        let rec = |i: usize| base + i * 128;
        stack[0] = rec(1);
        stack[1] = 0x1111;
        stack[16] = rec(2);
        stack[17] = 0x2222;
        stack[32] = 0;
        stack[33] = 0x3333;
        let caller = Caller {
            entry: 0x10,
            ret: 0x20,
            fp: rec(0),
            sp: base,
        };
        let mut trail = Trail::new();
        trail.usable = true;
        trail.push(rec(1), 0x1111);
        trail.push(rec(2), 0x2222);
        trail.push(0, 0x3333);
        let mut chains = zeroed();
        assert_eq!(chains.lookup(&caller), None);
        chains.remember(&caller, &trail, 7);
        assert_eq!(chains.lookup(&caller), Some(7));
        // Another call site with the same frames is another key.
        assert_eq!(
            chains.lookup(&Caller {
                ret: 0x21,
                ..caller
            }),
            None
        );
        // A deeper frame changed (another caller up the chain): the walk would differ.
        stack[33] = 0x4444;
        assert_eq!(chains.lookup(&caller), None);
        stack[33] = 0x3333;
        assert_eq!(chains.lookup(&caller), Some(7));
        // An unusable trail is not kept.
        trail.usable = false;
        chains.remember(
            &Caller {
                ret: 0x30,
                ..caller
            },
            &trail,
            9,
        );
        assert_eq!(
            chains.lookup(&Caller {
                ret: 0x30,
                ..caller
            }),
            None
        );
    }
}
