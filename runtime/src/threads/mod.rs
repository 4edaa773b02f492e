//! The thread registry (numbers, real and alternate stacks, pthread_create interception) and each
//! thread's fake frames for stack-use-after-return. Above only the root modules.

mod fake_stack;
mod registry;

pub(crate) use registry::{
    current_has_exited, current_stack, current_thread_number, describe_stack, init_main_thread,
    is_dead_stack, next_symbol, on_thread_exit,
};
