//! Call stacks: capturing them (frame pointers, libgcc's unwinder), storing each distinct one once,
//! remembering recent frame chains, and symbolizing at report time. Above `threads`.

pub(crate) mod elf_symbols;
mod entry_stub;
mod frame_chains;
pub(crate) mod go_frames;
pub(crate) mod stack_depot;
mod symbolize;
pub(crate) mod unwind;

pub(crate) use entry_stub::entry_stub;
pub(crate) use symbolize::{symbolize, Frame};
pub(crate) use unwind::{in_runtime, Caller, StackTrace};
