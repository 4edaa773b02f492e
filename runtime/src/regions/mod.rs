//! What lives where outside the C heap: every loaded module's globals and read-only data, the
//! global objects instrumented modules register with their redzones, and the managed
//! (garbage-collected) regions such as Go's heap. Above `threads` (a stack is a region too).

pub(crate) mod globals;
pub(crate) mod go_heap;
pub(crate) mod go_live;
pub(crate) mod lent;
pub(crate) mod managed;
mod modules;

pub(crate) use globals::describe as describe_global;
pub(crate) use managed::{
    cached_go_heap, find as find_managed, for_each_region as for_each_managed, is_cgo_program,
    remember_go_heap,
};
pub(crate) use modules::{
    describe, find_module as module_range, for_each_writable_global, scan_modules,
};
