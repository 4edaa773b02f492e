//! Which chunk a heap-buffer-overflow report names: for an address in a redzone, or in heap
//! never handed out (painted like a left redzone, `class_regions.rs`), the chunk that ends below
//! it or the one that starts above it, chosen as ASan does: a live chunk over a freed one, then the
//! nearer. So an underflow reads "24 bytes before 16-byte region" and a far overflow "300 bytes
//! after", whichever neighbour's redzone it landed in.

use crate::contract::shadow_value::{
    is_heap_left_redzone, HEAP_FREED, HEAP_LEFT_REDZONE, HEAP_RIGHT_REDZONE,
};
use crate::contract::{APP_END, GRANULE};
use crate::errors::RegionInfo;
use crate::heap::allocator::{chunk_at, skip_back, Chunk, State, SCAN_LIMIT};
use crate::shadow::{self, shadow_byte};

/// Walks the shadow up from granule `a` while it reads `value`; the first granule that does not,
/// or None at `ceiling`. Skips 8 granules per step where it can.
fn skip_forward(mut a: usize, value: u8, ceiling: usize) -> Option<usize> {
    let repeated = u64::from_ne_bytes([value; 8]);
    while a < ceiling {
        let s = shadow::shadow_addr(a) as usize;
        if s.is_multiple_of(8) && a + 8 * GRANULE <= ceiling {
            // SAFETY: below APP_END, so these 8 shadow bytes are mapped.
            if unsafe { *(s as *const u64) } == repeated {
                a += 8 * GRANULE;
                continue;
            }
        }
        if shadow_byte(a) != value {
            return Some(a);
        }
        a += GRANULE;
    }
    None
}

/// Down from `a` through left redzone and headers (whose last granule names the chunk's family):
/// the first granule that is neither.
fn skip_back_left(mut a: usize, floor: usize) -> Option<usize> {
    loop {
        a = skip_back(a, HEAP_LEFT_REDZONE, floor)?;
        if !is_heap_left_redzone(shadow_byte(a)) {
            return Some(a);
        }
        a = a.checked_sub(GRANULE)?;
    }
}

/// Up from `a` through left redzone and headers: the first granule that is neither.
fn skip_forward_left(mut a: usize, ceiling: usize) -> Option<usize> {
    loop {
        a = skip_forward(a, HEAP_LEFT_REDZONE, ceiling)?;
        if !is_heap_left_redzone(shadow_byte(a)) {
            return Some(a);
        }
        a += GRANULE;
    }
}

/// The chunk whose user bytes end at or below the redzone granule `g`: down through left redzone
/// (a neighbour's header, never-allocated heap), right redzone, a partial granule and the user
/// bytes to the chunk's header.
fn chunk_below(g: usize) -> Option<Chunk> {
    let floor = g.saturating_sub(SCAN_LIMIT);
    let mut a = skip_back_left(g, floor)?;
    a = skip_back(a, HEAP_RIGHT_REDZONE, floor)?;
    if !is_heap_left_redzone(shadow_byte(a)) {
        if (1..GRANULE as u8).contains(&shadow_byte(a)) {
            a = a.checked_sub(GRANULE)?;
        }
        a = match shadow_byte(a) {
            v @ (0 | HEAP_FREED) => skip_back(a, v, floor)?,
            _ => a,
        };
    }
    is_heap_left_redzone(shadow_byte(a))
        .then(|| chunk_at(a + GRANULE))
        .flatten()
}

/// The chunk whose user bytes start above the redzone granule `g`: up through right redzone and
/// left redzone to the first granule that is neither.
fn chunk_above(g: usize) -> Option<Chunk> {
    let ceiling = g.saturating_add(SCAN_LIMIT).min(APP_END);
    let a = skip_forward(g, HEAP_RIGHT_REDZONE, ceiling)?;
    chunk_at(skip_forward_left(a, ceiling)?)
}

/// How far `addr` lies outside `chunk`'s user bytes (0 inside).
fn distance(chunk: &Chunk, addr: usize) -> usize {
    if addr < chunk.user {
        chunk.user - addr
    } else {
        addr.saturating_sub(chunk.user + chunk.size)
    }
}

/// ASan's choice between the chunks on either side: a live one over a freed one, then the
/// nearer (the one above on a tie).
fn choose(addr: usize, below: Option<Chunk>, above: Option<Chunk>) -> Option<Chunk> {
    match (below, above) {
        (Some(b), Some(a)) if b.state != a.state => {
            Some(if b.state == State::Live { b } else { a })
        }
        (Some(b), Some(a)) => Some(if distance(&b, addr) < distance(&a, addr) {
            b
        } else {
            a
        }),
        (b, a) => b.or(a),
    }
}

/// The chunk a heap-buffer-overflow at `addr` is about, if `addr` lies in a redzone or in
/// never-allocated heap with a chunk within SCAN_LIMIT on either side.
pub fn describe_nearest(addr: usize) -> Option<RegionInfo> {
    if !(2 * GRANULE..APP_END - SCAN_LIMIT).contains(&addr) {
        return None;
    }
    let g = addr & !(GRANULE - 1);
    let s = shadow_byte(g);
    if !is_heap_left_redzone(s) && s != HEAP_RIGHT_REDZONE {
        return None;
    }
    choose(addr, chunk_below(g), chunk_above(g)).map(|c| c.region_by_state())
}
