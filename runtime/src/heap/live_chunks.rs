//! What the leak check needs from the heap: the live chunks, listed cheaply (each size class's
//! region walked block by block, plus the glibc-carved ones in `foreign_blocks`), the live chunk
//! a word points into, and chunks the program asked to ignore (`__lsan_ignore_object`,
//! allocations made under `__lsan_disable`).

use crate::heap::allocator::{self, State, MIN_ALIGN};
use crate::heap::{class_regions, foreign_blocks, size_class};

/// A live chunk: its user bytes [user, user + size), allocation stack, and whether it is ignored.
#[derive(Clone, Copy)]
pub struct LiveChunk {
    pub user: usize,
    pub size: usize,
    pub alloc_stack: u32,
    pub ignored: bool,
}

/// A size class's region as far as it was carved: `blocks` blocks of `block_bytes` from `start`.
#[derive(Clone, Copy)]
pub struct ClassSpan {
    pub start: usize,
    pub block_bytes: usize,
    pub blocks: usize,
}

pub const CLASS_COUNT: usize = size_class::CLASSES;

/// The carved part of class `class`'s region (None: the regions are not mapped).
pub fn class_span(class: usize) -> Option<ClassSpan> {
    let start = class_regions::region_start(class)?;
    let block_bytes = size_class::class_block_bytes(class);
    if block_bytes == 0 {
        return None;
    }
    let carved = class_regions::carved_bytes(class).min(class_regions::REGION_BYTES);
    Some(ClassSpan {
        start,
        block_bytes,
        blocks: carved / block_bytes,
    })
}

/// [lo, hi) of the size classes' regions (class `c`'s region is the c-th REGION_BYTES of it).
pub fn class_area() -> Option<(usize, usize)> {
    let lo = class_regions::region_start(0)?;
    Some((lo, lo + CLASS_COUNT * class_regions::REGION_BYTES))
}

/// The live chunk of the class block at `block` (its header is the block's first 16 bytes:
/// every class block has the plain left redzone). Reads only our header.
#[inline]
pub fn class_block_chunk(block: usize) -> Option<LiveChunk> {
    live(allocator::decode_header_of(block + MIN_ALIGN)?)
}

/// The live chunk whose user bytes start at `user`, if that is one (any address is safe).
pub fn chunk_starting_at(user: usize) -> Option<LiveChunk> {
    live(allocator::chunk_starting_at(user)?)
}

fn live((user, size, state, alloc_stack, free_stack): allocator::HeaderView) -> Option<LiveChunk> {
    (state == State::Live).then_some(LiveChunk {
        user,
        size,
        alloc_stack,
        ignored: free_stack == allocator::IGNORED,
    })
}

/// A freed chunk's user bytes [user, user + size), still what the program left there: nothing
/// writes into a chunk between its free and its reuse (in quarantine, or a class block waiting
/// for reuse). The class block at `block`, or the chunk starting at `user`.
pub fn class_block_freed(block: usize) -> Option<(usize, usize)> {
    freed(allocator::decode_header_of(block + MIN_ALIGN)?)
}

pub fn freed_chunk_starting_at(user: usize) -> Option<(usize, usize)> {
    freed(allocator::chunk_starting_at(user)?)
}

fn freed((user, size, state, _, _): allocator::HeaderView) -> Option<(usize, usize)> {
    (state == State::Freed).then_some((user, size))
}

/// The glibc-carved chunks, held still while the leak check runs.
pub use foreign_blocks::{freeze as freeze_foreign, Frozen as FrozenForeign};

/// Marks the live chunk holding `addr` as never leaked; false if `addr` is in none.
pub fn ignore_chunk(addr: usize) -> bool {
    allocator::set_ignored(addr)
}
