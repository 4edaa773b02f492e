//! The thread registry (numbers, real and alternate stacks, pthread_create interception), each
//! thread's fake frames for stack-use-after-return and the local objects laid out in them with
//! redzones, the alternate signal stacks the runtime maps, fiber switches, and makecontext's
//! coroutine stacks, and the redzones of dynamic allocas on the real stack. Above only the root
//! modules.

mod alt_stack;
mod coroutines;
mod dynamic_allocas;
mod fake_stack;
mod fibers;
mod frame_objects;
mod registry;

pub(crate) use alt_stack::want_alt_stacks;
pub(crate) use coroutines::for_each_stack as for_each_coroutine_stack;
pub(crate) use dynamic_allocas::describe_object as describe_dynamic_alloca;
pub(crate) use fake_stack::for_each_frame_in_use as for_each_fake_frame;
pub(crate) use fibers::{finish_switch as finish_fiber_switch, start_switch as start_fiber_switch};
pub(crate) use frame_objects::{describe_object as describe_stack_object, Frame};
pub(crate) use registry::{
    current_has_exited, current_stack, current_thread_number, describe_stack, for_each_thread,
    init_main_thread, is_dead_stack, next_symbol, on_thread_exit, stack_pointer, ThreadStacks,
};
