//! The runtime side of the pass's checks: the slow path behind the inline shadow test, the libc
//! interceptors the pass calls around libc calls, and `locate`, the one place that answers "what
//! is at this address?". The top layer: it asks the heap, the regions and the threads, and hands
//! findings to `report`.

mod interceptors;
mod locate;
mod slow_path;

pub(crate) use locate::classify;
pub(crate) use slow_path::report_found_access;
