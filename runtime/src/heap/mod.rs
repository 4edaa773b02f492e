//! The C heap: the interposed malloc family over size-classed regions, per-thread caches, the
//! quarantine that keeps freed chunks poisoned, recycling in address order, prefaulting.
//! Above `regions`, `threads`, `traces` and `report`; answers which chunk an address is in.

pub mod allocator;
pub mod block_set;
pub mod class_regions;
pub mod internal_alloc;
pub mod prefault;
pub mod quarantine;
pub mod recycle;
pub mod size_class;
pub mod thread_cache;
