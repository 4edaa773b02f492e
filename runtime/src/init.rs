//! Start-up: the order in which the runtime's parts come alive, run from the library's constructor.

/// Brings the runtime up once. Allocation may happen before this (libc's own constructors run
/// first): the allocator only needs the shadow, which it maps itself.
pub fn ensure_initialized() {
    if !crate::lifecycle::begin_start() {
        return;
    }
    crate::shadow::ensure_mapped();
    crate::options::init();
    crate::threads::init_main_thread();
    crate::threads::on_thread_exit(crate::heap::release_thread_cache);
    crate::traces::go_frames::init();
    crate::regions::go_heap::init();
    crate::regions::scan_modules();
    // The allocator's fork handlers before the report's: fork then takes the report lock first
    // and the allocator's locks after it, the order findings raised inside malloc take them.
    crate::heap::install_fork_handlers();
    crate::report::init();
    crate::heap::adopt_program_hooks();
    // Go gives its threads signal stacks of its own (and would take ours for them).
    let alt_stacks = !crate::regions::is_cgo_program();
    crate::report::install_signal_handlers(crate::checks::classify, alt_stacks);
    crate::leaks::init();
    crate::lifecycle::finish_start();
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
const _: () = assert!(crate::contract::ABI_VERSION == 9);

#[no_mangle]
pub extern "C" fn __ffisan_init_v9() {
    ensure_initialized();
}
