//! Thread registry: numbers (T0 is main), stacks (real, sigaltstack), pthread_create interception.
//! OWNER: regions-and-threads helper.

/// Registers the main thread as T0 with its stack bounds.
pub fn init_main_thread() {
    todo!("threads::init_main_thread")
}

/// The calling thread's number (T0, T1, ...), registering it on first use if it was not created
/// through our pthread_create (e.g. before the runtime loaded).
pub fn current_thread_number() -> u32 {
    todo!("threads::current_thread_number")
}

/// Whether `addr` is in the dead part of the calling thread's current stack (below the stack
/// pointer beyond the 128-byte ABI red zone). False when it cannot tell.
pub fn is_dead_stack(addr: usize) -> bool {
    let _ = addr;
    todo!("threads::is_dead_stack")
}
