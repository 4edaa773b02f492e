//! Call stacks: capturing them (frame pointers, libgcc's unwinder), storing each distinct one once,
//! remembering recent frame chains, and symbolizing at report time. Above `threads`.

pub mod frame_chains;
pub mod stack_depot;
pub mod symbolize;
pub mod unwind;
