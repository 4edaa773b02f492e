//! cgo: which functions are cgo's own C (never instrumented), which are the `_Cfunc_` wrappers Go
//! calls C through (wrapped in a call window), and the window itself.
use inkwell::values::{FunctionValue, InstructionValue};

use crate::emitter::Emitter;
use crate::runtime_api;

/// A cgo wrapper `_cgo_<hex>_Cfunc_<name>`: the C function Go calls for `C.<name>(...)`.
pub fn is_cgo_wrapper(name: &str) -> bool {
    let Some(rest) = name.strip_prefix("_cgo_") else {
        return false;
    };
    let Some((hash, c_name)) = rest.split_once("_Cfunc_") else {
        return false;
    };
    !hash.is_empty() && hash.bytes().all(|b| b.is_ascii_hexdigit()) && !c_name.is_empty()
}

/// runtime/cgo's own C (thread start, mmap hooks, crosscall trampolines): it runs on behalf of the
/// Go runtime, on Go stacks and Go memory, and must never be instrumented.
pub fn is_cgo_runtime_function(name: &str) -> bool {
    (name.starts_with("x_cgo_") || name.starts_with("crosscall") || name.starts_with("_cgo_"))
        && !is_cgo_wrapper(name)
}

/// Opens the call window at the wrapper's entry and closes it before every return: while the window is
/// open, native code runs on behalf of a Go caller and may touch the Go memory it was passed.
pub fn insert_call_window<'ctx>(
    em: &Emitter<'ctx>,
    wrapper: FunctionValue<'ctx>,
    entry_point: InstructionValue<'ctx>,
    returns: &[InstructionValue<'ctx>],
) {
    let begin = runtime_api::call_window_begin(em);
    let end = runtime_api::call_window_end(em);
    em.position_at_function_edge(entry_point, wrapper);
    begin.call(em, &[]);
    for &ret in returns {
        em.position_at_function_edge(ret, wrapper);
        end.call(em, &[]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrappers_and_runtime_functions() {
        assert!(is_cgo_wrapper("_cgo_0b49d2b8c8a5_Cfunc_keep_pointer"));
        assert!(!is_cgo_wrapper("_cgo_0b49d2b8c8a5_Cfunc_"));
        assert!(!is_cgo_wrapper("_cgo_xyz_Cfunc_f"));
        assert!(!is_cgo_wrapper("_cgo_release_context"));
        assert!(is_cgo_runtime_function("_cgo_release_context"));
        assert!(is_cgo_runtime_function("x_cgo_mmap"));
        assert!(is_cgo_runtime_function("crosscall2"));
        assert!(!is_cgo_runtime_function("_cgo_0b49d2b8c8a5_Cfunc_free"));
        assert!(!is_cgo_runtime_function("main"));
    }
}
