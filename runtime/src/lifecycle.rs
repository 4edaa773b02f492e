//! Whether the runtime has come up: the one flag start-up (`init.rs`) sets and the parts read, so
//! that no part has to call back into `init`.

use core::sync::atomic::{AtomicU8, Ordering};

const NOT_STARTED: u8 = 0;
const RUNNING: u8 = 1;
const DONE: u8 = 2;
static STATE: AtomicU8 = AtomicU8::new(NOT_STARTED);

/// Claims start-up for the calling thread: false if it is done, or under way on another thread (or
/// on this one, re-entering).
pub fn begin_start() -> bool {
    STATE.load(Ordering::Acquire) != DONE
        && STATE
            .compare_exchange(NOT_STARTED, RUNNING, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
}

pub fn finish_start() {
    STATE.store(DONE, Ordering::Release);
}

pub fn is_initialized() -> bool {
    STATE.load(Ordering::Acquire) == DONE
}
