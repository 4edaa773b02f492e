//! What ffisan never instruments: modules already instrumented or belonging to Go's runtime/cgo, and
//! functions that are declarations, the runtime's own, opted out, naked, or cgo's own C.
use std::ptr;

use llvm_sys::core::*;
use llvm_sys::prelude::LLVMModuleRef;

use crate::cgo;
use crate::ir::{self, bytes_to_string, Value};
use crate::runtime_api::{Domain, INSTRUMENTED_MARKER};

/// What the pass does with one function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FunctionRole {
    /// Left untouched.
    Skip,
    /// A cgo `_Cfunc_` wrapper: call window, and only code inlined into it is checked.
    CgoWrapper,
    /// Ordinary native code: checked, libc calls hooked, escaping locals moved to a fake frame.
    Native,
}

pub fn module_is_instrumented(m: LLVMModuleRef) -> bool {
    // SAFETY: m is the live module the pass was given.
    unsafe {
        !LLVMGetNamedMetadata(
            m,
            INSTRUMENTED_MARKER.as_ptr().cast(),
            INSTRUMENTED_MARKER.len(),
        )
        .is_null()
    }
}

/// Records that `m` is instrumented, so a second run of the pass leaves it alone.
pub fn mark_module_instrumented(m: LLVMModuleRef) {
    // SAFETY: adds a named metadata node `!{!"ffisan"}` to the live module.
    unsafe {
        let ctx = LLVMGetModuleContext(m);
        let mut tag = [LLVMMDStringInContext2(ctx, c"ffisan".as_ptr(), 6)];
        let node = LLVMMDNodeInContext2(ctx, tag.as_mut_ptr(), 1);
        let name = std::ffi::CString::new(INSTRUMENTED_MARKER).expect("no NUL");
        LLVMAddNamedMetadataOperand(m, name.as_ptr(), LLVMMetadataAsValue(ctx, node));
    }
}

pub fn source_filename(m: LLVMModuleRef) -> String {
    let mut len = 0usize;
    // SAFETY: m is live; LLVM returns its source file name with its length.
    unsafe { bytes_to_string(LLVMGetSourceFileName(m, &mut len), len) }
}

pub fn module_identifier(m: LLVMModuleRef) -> String {
    let mut len = 0usize;
    // SAFETY: m is live; LLVM returns its identifier with its length.
    unsafe { bytes_to_string(LLVMGetModuleIdentifier(m, &mut len), len) }
}

/// Go's runtime/cgo C files run on Go's behalf (thread creation, the mmap hook that maps the Go heap).
pub fn module_is_cgo_runtime(m: LLVMModuleRef) -> bool {
    source_filename(m).contains("/runtime/cgo/")
}

/// The strings of the module's `llvm.ident` ("clang version ...", "rustc version ...").
fn ident_strings(m: LLVMModuleRef) -> Vec<String> {
    let name = c"llvm.ident";
    let mut out = Vec::new();
    // SAFETY: reads the operands of a named metadata of the live module; each is an MDNode whose
    // operands are MDStrings (anything else yields a null string and is skipped).
    unsafe {
        let n = LLVMGetNamedMetadataNumOperands(m, name.as_ptr()) as usize;
        let mut nodes = vec![ptr::null_mut(); n];
        LLVMGetNamedMetadataOperands(m, name.as_ptr(), nodes.as_mut_ptr());
        for node in nodes {
            let k = LLVMGetMDNodeNumOperands(node) as usize;
            let mut ops = vec![ptr::null_mut(); k];
            LLVMGetMDNodeOperands(node, ops.as_mut_ptr());
            for op in ops {
                if op.is_null() || LLVMIsAMDString(op).is_null() {
                    continue;
                }
                let mut len = 0u32;
                let s = LLVMGetMDString(op, &mut len);
                out.push(bytes_to_string(s, len as usize));
            }
        }
    }
    out
}

/// Rust if rustc produced the module, C otherwise (clang for C, C++ and cgo).
pub fn module_domain(m: LLVMModuleRef) -> Domain {
    if ident_strings(m).iter().any(|s| s.contains("rustc")) {
        Domain::Rust
    } else {
        Domain::C
    }
}

pub fn function_role(f: Value) -> FunctionRole {
    if ir::is_declaration(f) {
        return FunctionRole::Skip;
    }
    let name = ir::name(f);
    let runtime_own =
        name.starts_with("__ffisan") || name.starts_with("ffisan_") || name.starts_with("ffisan.");
    // Naked functions have no prologue: any code added to them would run on the caller's frame.
    let opted_out = ir::function_has_attr(f, "disable_sanitizer_instrumentation")
        || ir::function_has_attr(f, "naked");
    if runtime_own || opted_out {
        return FunctionRole::Skip;
    }
    if cgo::is_cgo_wrapper(&name) {
        return FunctionRole::CgoWrapper;
    }
    if cgo::is_cgo_runtime_function(&name) {
        return FunctionRole::Skip;
    }
    FunctionRole::Native
}
