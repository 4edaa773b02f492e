//! Fiber switches the program announces (`__sanitizer_start_switch_fiber` before switching stacks,
//! `__sanitizer_finish_switch_fiber` after): the thread's stack bounds follow the fiber, so the
//! dead part of a fiber's stack is known, allocation stacks are walked with frame pointers there,
//! and a report names the fiber's stack. Without the calls nothing goes wrong either: an unknown
//! stack is never judged dead.

use crate::thread_state;

/// Before switching to the stack [bottom, bottom + size) (size 0: bounds unknown, e.g. back to
/// the thread's first stack whose bounds the previous finish gave out).
pub fn start_switch(bottom: usize, size: usize) {
    let state = thread_state::current();
    state.fiber_lo.set(bottom);
    state.fiber_hi.set(bottom.saturating_add(size));
}

/// On the new stack: it becomes the thread's; returns the bounds of the stack switched from.
pub fn finish_switch() -> (usize, usize) {
    let state = thread_state::current();
    let old = crate::threads::registry::current_stack();
    let (lo, hi) = (state.fiber_lo.replace(0), state.fiber_hi.replace(0));
    if hi > lo {
        crate::threads::registry::set_current_stack(lo, hi);
    }
    old
}
