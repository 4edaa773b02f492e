//! The C heap: the interposed malloc family over size-classed regions, per-thread caches, the
//! quarantine that keeps freed chunks poisoned, recycling in address order, prefaulting; the
//! program's own poisoning and container annotations, and its malloc/free hooks.
//! Above `regions`, `threads`, `traces` and `report`; answers which chunk an address is in.

mod allocator;
mod block_set;
mod class_regions;
mod containers;
mod foreign_blocks;
mod hooks;
mod internal_alloc;
mod live_chunks;
mod nearest_chunk;
mod prefault;
mod quarantine;
mod recycle;
mod replaced_operators;
mod size_class;
mod thread_cache;
mod user_poison;

pub(crate) use allocator::{
    allocated_size, chunk_stacks, delete_chunk, describe_heap, install_fork_handlers, is_freed,
    mark_array_cookie, new_chunk, Ender,
};
pub(crate) use containers::{annotate as annotate_container, verify as verify_container};
pub(crate) use hooks::{adopt_program_hooks, install as install_hooks};
pub(crate) use live_chunks::{
    chunk_starting_at, class_area, class_block_chunk, class_block_freed, class_span,
    freed_chunk_starting_at, freeze_foreign, ignore_chunk, ClassSpan, FrozenForeign, LiveChunk,
    CLASS_COUNT,
};
pub(crate) use nearest_chunk::describe_nearest;
pub(crate) use prefault::helper_tid as prefault_helper_tid;
pub(crate) use thread_cache::release_current as release_thread_cache;
pub(crate) use user_poison::{first_poisoned, first_unwritable, poison_with, unpoison};
