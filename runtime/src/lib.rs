//! ffisan runtime: keeps the region tables, interposes the allocator, answers the checks the pass
//! inserts and reports what it finds. Loaded into every instrumented program as libffisan_rt.so.
//!
//! Rules that hold everywhere in here: never call the malloc we replace (Rust allocations go to
//! glibc's `__libc_*` through `internal_alloc`), never panic across the C boundary, stay correct
//! with many threads.

pub mod contract;
pub mod errors;
pub mod shadow;
pub mod sync;

// Heap and reports.
pub mod allocator;
pub mod block_set;
pub mod check;
pub mod class_regions;
pub mod frame_chains;
pub mod internal_alloc;
pub mod options;
pub mod prefault;
pub mod quarantine;
pub mod recycle;
pub mod report;
pub mod size_class;
pub mod stack_depot;
pub mod suppressions;
pub mod symbolize;
pub mod thread_cache;
pub mod unwind;

// Regions and threads.
pub mod fake_stack;
pub mod libc_hooks;
pub mod managed;
pub mod regions;
pub mod thread_state;
pub mod threads;

pub mod init;
