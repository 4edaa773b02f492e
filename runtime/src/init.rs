//! Start-up: the order in which the runtime's parts come alive, run from the library's constructor.

use core::sync::atomic::{AtomicU8, Ordering};

const NOT_STARTED: u8 = 0;
const RUNNING: u8 = 1;
const DONE: u8 = 2;
static STATE: AtomicU8 = AtomicU8::new(NOT_STARTED);

/// Brings the runtime up once. Allocation may happen before this (libc's own constructors run
/// first): the allocator only needs the shadow, which it maps itself.
pub fn ensure_initialized() {
    if STATE.load(Ordering::Acquire) == DONE {
        return;
    }
    if STATE
        .compare_exchange(NOT_STARTED, RUNNING, Ordering::AcqRel, Ordering::Acquire)
        .is_err()
    {
        return; // another thread (or this one, re-entering) is initialising
    }
    crate::shadow::ensure_mapped();
    crate::options::init();
    crate::threads::init_main_thread();
    crate::regions::scan_modules();
    crate::report::init();
    STATE.store(DONE, Ordering::Release);
}

pub fn is_initialized() -> bool {
    STATE.load(Ordering::Acquire) == DONE
}

extern "C" fn library_constructor() {
    ensure_initialized();
}

#[used]
#[link_section = ".init_array.00101"]
static CONSTRUCTOR: extern "C" fn() = library_constructor;

/// Called by every instrumented module's constructor; its name carries the ABI version, so an
/// instrumented object linked against a runtime of another version fails to link.
// The symbol's name spells the version: bumping ABI_VERSION without renaming it must not compile.
const _: () = assert!(crate::contract::ABI_VERSION == 7);

#[no_mangle]
pub extern "C" fn __ffisan_init_v7() {
    ensure_initialized();
}
