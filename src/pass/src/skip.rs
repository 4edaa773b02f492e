//! What ffisan never instruments: modules already instrumented or belonging to Go's runtime/cgo, and
//! functions that are declarations, the runtime's own, not asked for or opted out (`marks.rs`), or
//! cgo's own C.
use inkwell::module::Module;
use inkwell::values::{BasicMetadataValueEnum, FunctionValue};

use crate::cgo;
use crate::inkwell_gaps;
use crate::ir;
use crate::marks::{self, Marking};
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

pub fn module_is_instrumented(m: &Module) -> bool {
    inkwell_gaps::has_named_metadata(m, INSTRUMENTED_MARKER)
}

/// Records that `m` is instrumented, so a second run of the pass leaves it alone.
pub fn mark_module_instrumented(m: &Module) {
    let context = m.get_context();
    let tag = context.metadata_node(&[context.metadata_string("ffisan").into()]);
    m.add_global_metadata(INSTRUMENTED_MARKER, &tag)
        .expect("a tuple is a metadata node");
}

pub fn source_filename(m: &Module) -> String {
    m.get_source_file_name().to_string_lossy().into_owned()
}

pub fn module_identifier(m: &Module) -> String {
    m.get_name().to_string_lossy().into_owned()
}

/// Go's runtime/cgo C files run on Go's behalf (thread creation, the mmap hook that maps the Go heap).
pub fn module_is_cgo_runtime(m: &Module) -> bool {
    source_filename(m).contains("/runtime/cgo/")
}

/// The strings of the module's `llvm.ident` ("clang version ...", "rustc version ..."). The verifier
/// makes each entry a node holding one MDString; anything else is skipped.
fn ident_strings(m: &Module) -> Vec<String> {
    m.get_global_metadata("llvm.ident")
        .into_iter()
        .filter_map(|node| node.get_node_values())
        .flatten()
        .filter_map(|op| match op {
            BasicMetadataValueEnum::MetadataValue(md) if md.is_string() => md
                .get_string_value()
                .map(|s| String::from_utf8_lossy(s).into_owned()),
            _ => None,
        })
        .collect()
}

/// Rust if rustc produced the module, C otherwise (clang for C, C++ and cgo).
pub fn module_domain(m: &Module) -> Domain {
    if ident_strings(m).iter().any(|s| s.contains("rustc")) {
        Domain::Rust
    } else {
        Domain::C
    }
}

pub fn function_role(f: FunctionValue, marking: Marking) -> FunctionRole {
    if ir::is_declaration(f) {
        return FunctionRole::Skip;
    }
    let name = ir::function_name(f);
    let runtime_own =
        name.starts_with("__ffisan") || name.starts_with("ffisan_") || name.starts_with("ffisan.");
    if runtime_own || !marks::wants_checks(f, marking) {
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
