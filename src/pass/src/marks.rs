//! Which functions the compile asked to be checked, and what keeps the optimizer from deleting their
//! bugs first: the `sanitize_address` attribute (clang's frontend sets it under `-fsanitize=address`,
//! the pass sets it at pipeline start otherwise) and `nobuiltin` frees.
//!
//! At `-O1` and above LLVM deletes a `malloc` whose only uses are `free`s and stores, and folds a
//! load of freed memory: the bug is gone before the pass runs at the optimizer's end. In functions
//! marked `sanitize_address` it keeps loads of freed memory (as it must for ASan); a `free` declared
//! `nobuiltin` is an unknown function to it, so the allocation escapes and both frees of a double free
//! stay (ASan loses those at `-O2`).
use inkwell::attributes::{Attribute, AttributeLoc};
use inkwell::module::{FlagBehavior, Linkage, Module};
use inkwell::values::{BasicValue, FunctionValue};

use crate::ir;

/// The function attribute that says "check this function" (clang's `-fsanitize=address` mark).
pub const SANITIZE_ADDRESS: &str = "sanitize_address";

/// The module flag with which LLVM's AddressSanitizer pass recognises a module it has already
/// instrumented (`checkIfAlreadyInstrumented`): set here, it makes clang's own ASan pass, which runs
/// after the plugins at OptimizerLastEP, return at once.
pub const ASAN_DONE_FLAG: &str = "nosanitize_address";

/// Who said which functions to check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Marking {
    /// clang's frontend (`ffisan cc` compiles with `-fsanitize=address`): exactly the functions
    /// marked `sanitize_address` are checked, so `no_sanitize("address")`, `no_sanitize_address`,
    /// `disable_sanitizer_instrumentation` and `-fsanitize-ignorelist` opt out as under ASan.
    Frontend,
    /// Nobody (rustc, `clang -fpass-plugin` by hand): every function not opted out in the IR.
    Pass,
}

extern "C" {
    /// `shim/register.cpp`: whether `-asan-constructor-kind` was given on this process's command line.
    fn ffisan_asan_constructor_kind_given() -> bool;
}

/// `ffisan cc` passes `-mllvm -asan-constructor-kind=none` with `-fsanitize=address` (it keeps ASan's
/// module constructor out if ASan's pass ever ran); nothing else does. It is a command-line option, so
/// it holds for every module of the process, including ones whose every function is opted out.
pub fn marking() -> Marking {
    // SAFETY: reads LLVM's option registry, which is set up before any pass runs.
    if unsafe { ffisan_asan_constructor_kind_given() } {
        Marking::Frontend
    } else {
        Marking::Pass
    }
}

/// Whether `f` is opted out of checks in the IR itself, whoever marked the module.
pub fn opted_out(f: FunctionValue) -> bool {
    // Naked functions have no prologue: any code added to them would run on the caller's frame.
    ir::function_has_attr(f, "disable_sanitizer_instrumentation")
        || ir::function_has_attr(f, "naked")
}

/// Whether the compile asked for `f` to be checked.
pub fn wants_checks(f: FunctionValue, marking: Marking) -> bool {
    !opted_out(f) && (marking == Marking::Pass || ir::function_has_attr(f, SANITIZE_ADDRESS))
}

/// Calls the optimizer must not treat as `free`: the C one and C++'s `operator delete` family.
fn is_deallocation(name: &str) -> bool {
    name == "free" || name.starts_with("_ZdlPv") || name.starts_with("_ZdaPv")
}

fn enum_attribute(m: &Module, name: &str) -> Attribute {
    m.get_context()
        .create_enum_attribute(Attribute::get_named_enum_kind_id(name), 0)
}

/// PipelineStartEP, before any optimization (`instrument_module.rs` calls it for the modules the
/// pass will instrument): marks every function to be checked `sanitize_address` when the frontend
/// did not, and declares the deallocation functions `nobuiltin` (on the declaration: on a call alone
/// it would not stop InferFunctionAttrs from making the declaration `allockind("free")`, which is what
/// lets InstCombine delete the allocation). C++ marks the `delete` of a delete-expression `builtin` on
/// the call, which overrides that, so the calls lose their `builtin`. True if it changed the module.
pub fn mark_functions(m: &Module) -> bool {
    let marking = marking();
    let mut changed = false;
    for f in m.get_functions() {
        let mark = if ir::is_declaration(f) {
            is_deallocation(&ir::function_name(f)).then_some("nobuiltin")
        } else {
            (marking == Marking::Pass && wants_checks(f, marking)).then_some(SANITIZE_ADDRESS)
        };
        if let Some(name) = mark.filter(|&name| !ir::function_has_attr(f, name)) {
            f.add_attribute(AttributeLoc::Function, enum_attribute(m, name));
            changed = true;
        }
        for call in ir::function_blocks(f)
            .into_iter()
            .flat_map(ir::block_instructions)
            .filter(|&i| ir::is_call_like(i))
            .filter(|&i| ir::callee_name(i).is_some_and(|n| is_deallocation(&n)))
        {
            changed |= ir::remove_call_site_fn_attr(call, "builtin");
        }
    }
    changed
}

/// OptimizerLastEP, once the pass has decided which functions to check: no function keeps
/// `sanitize_address` (code generation sees what a build without `-fsanitize` would give it), and the
/// module is flagged so that clang's AddressSanitizer pass, which runs next, leaves it alone.
/// True if it changed the module.
pub fn hand_over_from_asan(m: &Module) -> bool {
    let kind = Attribute::get_named_enum_kind_id(SANITIZE_ADDRESS);
    let mut changed = false;
    for f in m.get_functions() {
        if f.get_enum_attribute(AttributeLoc::Function, kind).is_some() {
            f.remove_enum_attribute(AttributeLoc::Function, kind);
            changed = true;
        }
    }
    if m.get_flag(ASAN_DONE_FLAG).is_none() {
        let one = m.get_context().i32_type().const_int(1, false);
        m.add_basic_value_flag(ASAN_DONE_FLAG, FlagBehavior::Override, one);
        changed = true;
    }
    changed
}

/// The sanitizer interface functions (`<sanitizer/asan_interface.h>` and friends) the runtime
/// defines: whoever adds one to the runtime adds its name here.
const SANITIZER_INTERFACE_PROVIDED: &[&str] = &[
    // clang's code for new[] and delete[] of objects with destructors (runtime/src/interface/cxx.rs).
    "__asan_poison_cxx_array_cookie",
    "__asan_load_cxx_array_cookie",
    // <sanitizer/asan_interface.h> (runtime/src/interface/asan.rs).
    "__asan_poison_memory_region",
    "__asan_unpoison_memory_region",
    "__asan_address_is_poisoned",
    "__asan_region_is_poisoned",
    "__asan_describe_address",
    "__asan_report_error",
    "__asan_set_error_report_callback",
    "__asan_on_error",
    "__asan_default_options",
    // Go's runtime/asan registers its globals (runtime/src/interface/asan_globals.rs).
    "__asan_register_globals",
    "__asan_unregister_globals",
    // <sanitizer/common_interface_defs.h> (interface/sanitizer.rs).
    "__sanitizer_print_stack_trace",
    "__sanitizer_set_report_path",
    "__sanitizer_set_report_fd",
    "__sanitizer_get_report_path",
    "__sanitizer_annotate_contiguous_container",
    "__sanitizer_verify_contiguous_container",
    "__sanitizer_start_switch_fiber",
    "__sanitizer_finish_switch_fiber",
    // <sanitizer/allocator_interface.h> (interface/allocator.rs).
    "__sanitizer_get_allocated_size",
    "__sanitizer_get_allocated_begin",
    "__sanitizer_get_ownership",
    "__sanitizer_get_estimated_allocated_size",
    "__sanitizer_install_malloc_and_free_hooks",
    "__sanitizer_malloc_hook",
    "__sanitizer_free_hook",
    // <sanitizer/lsan_interface.h> (interface/lsan.rs).
    "__lsan_disable",
    "__lsan_enable",
    "__lsan_do_leak_check",
    "__lsan_do_recoverable_leak_check",
    "__lsan_ignore_object",
    "__lsan_register_root_region",
    "__lsan_unregister_root_region",
];

const SANITIZER_INTERFACE_PREFIXES: &[&str] = &["__asan_", "__lsan_", "__sanitizer_"];

/// Under `-fsanitize=address` clang defines `__SANITIZE_ADDRESS__` and `__has_feature(address_sanitizer)`,
/// and code takes its ASan paths (`ASAN_POISON_MEMORY_REGION` calls `__asan_poison_memory_region`).
/// A program calling what the runtime lacks fails to link, but a shared library links and fails only
/// when loaded: say so at compile time. Weak references (code that checks for the function) are fine.
pub fn warn_about_missing_interface(m: &Module, source: &str) {
    let missing: Vec<String> = m
        .get_functions()
        .filter(|&f| {
            ir::is_declaration(f)
                && f.get_linkage() != Linkage::ExternalWeak
                && f.as_global_value()
                    .as_pointer_value()
                    .get_first_use()
                    .is_some()
        })
        .map(ir::function_name)
        .filter(|name| {
            SANITIZER_INTERFACE_PREFIXES
                .iter()
                .any(|p| name.starts_with(p))
                && !SANITIZER_INTERFACE_PROVIDED.contains(&name.as_str())
        })
        .collect();
    if !missing.is_empty() {
        eprintln!(
            "ffisan: warning: {} calls {}, which the ffisan runtime does not provide yet: a program \
             fails to link, a shared library to load (code under __SANITIZE_ADDRESS__ or \
             __has_feature(address_sanitizer) takes its AddressSanitizer path)",
            source,
            missing.join(", ")
        );
    }
}
