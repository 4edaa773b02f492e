//! The thread registry (numbers, real and alternate stacks, pthread_create interception) and each
//! thread's fake frames for stack-use-after-return. Above only the root modules.

pub mod fake_stack;
pub mod registry;
