//! ffisan runtime: keeps the region tables, interposes the allocator, answers the checks the pass
//! inserts and reports what it finds. Loaded into every instrumented program as libffisan_rt.so.
//!
//! Rules that hold everywhere in here: never call the malloc we replace (Rust allocations go to
//! glibc's `__libc_*` through `heap::internal_alloc`), never panic across the C boundary, stay
//! correct with many threads.
//!
//! Parts, each calling only the ones below it (docs/design.md, "The runtime's parts"):
//! `checks` > `leaks` > `heap` > `regions` > `report` > `traces` > `threads` > the root modules.

// Root: shared by every part, below all of them.
pub mod cgo_glue;
pub mod contract;
pub mod errors;
pub mod lifecycle;
pub mod options;
pub mod proc_maps;
pub mod shadow;
pub mod sync;
pub mod thread_state;

pub mod checks;
pub mod heap;
pub mod interface;
pub mod leaks;
pub mod regions;
pub mod report;
pub mod threads;
pub mod traces;

pub mod init;
