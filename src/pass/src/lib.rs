//! ffisan LLVM pass plugin: inserts region checks before the loads and stores of native code (C, Rust),
//! hooks libc string and memory calls, moves escaping locals into fake frames and opens call windows
//! around cgo wrappers. Shaped as collect, then decide, then instrument, per function.
mod available;
mod cgo;
mod collect;
/// The runtime's own file: both sides compile the one contract, so they cannot drift apart.
#[path = "../../../runtime/src/contract.rs"]
pub mod contract;
mod dynamic_allocas;
mod elide;
mod emitter;
mod fake_frame;
mod globals;
mod group;
mod hoist;
mod inkwell_gaps;
mod instrument;
mod instrument_module;
mod ir;
mod libc_calls;
mod libc_table;
mod marks;
mod plugin;
mod runtime_api;
mod scopes;
mod skip;
mod stack_redzones;
mod stats;
mod va_spill;
