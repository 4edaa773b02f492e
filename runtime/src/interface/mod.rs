//! The runtime's public C entry points, thin: each forwards to the part that owns the work.
//! ffisan's own API (`runtime/include/ffisan.h`), C++'s operator new and delete (cxx.rs), and the
//! sanitizer interfaces programs, test frameworks and Go's `-asan` runtime call:
//! `<sanitizer/asan_interface.h>` (asan.rs), `<sanitizer/common_interface_defs.h>`
//! (sanitizer.rs), `<sanitizer/allocator_interface.h>` (allocator.rs).

pub mod allocator;
pub mod asan;
pub mod asan_globals;
pub mod cgo;
pub mod cxx;
pub mod ffisan;
pub mod lsan;
pub mod sanitizer;
