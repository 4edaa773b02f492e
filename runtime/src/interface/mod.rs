//! The runtime's public C entry points, thin: each forwards to the part that owns the work. Today
//! ffisan's own API (`runtime/include/ffisan.h`) and C++'s operator new and delete; the sanitizer
//! interfaces programs and Go's `-asan` runtime call (`__asan_*`, `__lsan_*`, `__sanitizer_*`)
//! belong here too.

pub mod asan_globals;
pub mod cgo;
pub mod cxx;
pub mod ffisan;
