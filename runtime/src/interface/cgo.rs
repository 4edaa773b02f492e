//! The entry points the pass puts into cgo's `_Cfunc_` wrappers (`contract.rs`): a cgo call's
//! window, and the Go objects its arguments lend (`regions/lent.rs`).

#[no_mangle]
pub extern "C" fn __ffisan_cgo_window_begin() {
    crate::regions::lent::begin();
}

#[no_mangle]
pub extern "C" fn __ffisan_cgo_window_end() {
    crate::regions::lent::end();
}

/// `__ffisan_cgo_lend(value)`: the return address (inside the wrapper) goes along, so a later
/// report can name the call that lent an object.
#[unsafe(naked)]
#[no_mangle]
pub extern "C" fn __ffisan_cgo_lend() {
    core::arch::naked_asm!(
        ".cfi_startproc",
        "mov rsi, [rsp]",
        "jmp {lend}",
        ".cfi_endproc",
        lend = sym lend_from,
    )
}

extern "C" fn lend_from(value: usize, wrapper_pc: usize) {
    crate::regions::lent::lend(value, wrapper_pc);
}
