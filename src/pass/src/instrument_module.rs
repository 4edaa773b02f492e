//! The pass over one module: skip what must not be touched, then per function collect, decide,
//! instrument; finally add the runtime constructor and mark the module as done.
use llvm_sys::core::*;
use llvm_sys::prelude::LLVMModuleRef;
use llvm_sys::LLVMLinkage;

use crate::cgo;
use crate::collect::{self, FunctionPlan};
use crate::elide::{self, Decision};
use crate::fake_frame;
use crate::instrument;
use crate::ir::{self, Emitter, Value};
use crate::libc_calls;
use crate::runtime_api::{self, Domain, MODULE_CTOR};
use crate::skip::{self, FunctionRole};
use crate::stats::ModuleStats;

/// Priority of the module constructor: early, like ASan's, so checks never run before the shadow
/// exists (the runtime's own constructor also initialises; `__ffisan_init_v1` is idempotent).
const CTOR_PRIORITY: i32 = 1;

extern "C" {
    /// `shim/register.cpp`: appends a function to `llvm.global_ctors`.
    fn ffisan_append_global_ctor(module: LLVMModuleRef, ctor: Value, priority: i32);
}

/// Called by the C++ pass (`shim/register.cpp`) for each module; true if the module changed.
///
/// # Safety
/// `module` must be a valid module that nothing else uses during the call.
#[no_mangle]
pub unsafe extern "C" fn ffisan_instrument_module(module: LLVMModuleRef) -> bool {
    if module.is_null()
        || skip::module_is_instrumented(module)
        || skip::module_is_cgo_runtime(module)
    {
        return false;
    }
    let domain = skip::module_domain(module);
    // SAFETY: the host passes the live module being optimised; the emitter does not outlive this call.
    let em = unsafe { Emitter::new(module) };
    let mut stats = ModuleStats::default();

    let functions = module_functions(module);
    for f in functions {
        let role = skip::function_role(f);
        if role != FunctionRole::Skip {
            instrument_function(&em, f, role, domain, &mut stats);
        }
    }

    add_module_ctor(&em);
    skip::mark_module_instrumented(module);
    stats.write_if_requested(&skip::module_identifier(module));
    true
}

fn module_functions(module: LLVMModuleRef) -> Vec<Value> {
    let mut out = Vec::new();
    // SAFETY: iterating the live module's functions before any is added.
    unsafe {
        let mut f = LLVMGetFirstFunction(module);
        while !f.is_null() {
            out.push(f);
            f = LLVMGetNextFunction(f);
        }
    }
    out
}

fn instrument_function(
    em: &Emitter,
    f: Value,
    role: FunctionRole,
    domain: Domain,
    stats: &mut ModuleStats,
) {
    // Collect, then decide: nothing in the function changes until both are done.
    let plan: FunctionPlan = collect::collect(em, f, role);
    let decisions = elide::decide(&plan, f);
    // cgo wrappers too: at -O2 the C function Go calls is inlined into its wrapper, and its
    // escaping locals with it. The wrapper's own locals never escape, so they stay where they are.
    let frame = (matches!(role, FunctionRole::Native | FunctionRole::CgoWrapper)
        && fake_frame::eligible(&plan))
    .then(|| fake_frame::plan_frame(em, &plan))
    .flatten();

    // Instrument.
    for &(call, name) in &plan.string_calls {
        libc_calls::insert_string_hook(em, call, name, domain);
    }
    stats.libc_calls += plan.string_calls.len() + plan.memory_calls;
    for (access, &decision) in plan.accesses.iter().zip(&decisions) {
        stats.count(decision);
        if decision == Decision::Check {
            instrument::instrument_access(em, access, domain);
        }
    }
    if let Some(frame) = &frame {
        fake_frame::apply(em, f, &plan, frame);
        stats.fake_frames += 1;
    }
    if role == FunctionRole::CgoWrapper {
        if let Some(entry_point) = plan.entry_point {
            cgo::insert_call_window(em, f, entry_point, &plan.returns);
        }
    }
}

/// `define internal void @ffisan.module_ctor() { call void @__ffisan_init_v1() ret void }`, listed in
/// `llvm.global_ctors`.
fn add_module_ctor(em: &Emitter) {
    let init = runtime_api::init(em);
    let ctor_ty = em.function_type(em.void, &mut []);
    let name = std::ffi::CString::new(MODULE_CTOR).expect("no NUL");
    // SAFETY: adds a new internal function with one block to the live module.
    unsafe {
        let ctor = LLVMAddFunction(em.module, name.as_ptr(), ctor_ty);
        LLVMSetLinkage(ctor, LLVMLinkage::LLVMInternalLinkage);
        let kind = "nounwind";
        let nounwind = LLVMGetEnumAttributeKindForName(kind.as_ptr().cast(), kind.len());
        LLVMAddAttributeAtIndex(
            ctor,
            ir::FUNCTION_INDEX,
            LLVMCreateEnumAttribute(em.ctx, nounwind, 0),
        );
        let entry = LLVMAppendBasicBlockInContext(em.ctx, ctor, c"entry".as_ptr());
        LLVMPositionBuilderAtEnd(em.builder, entry);
        LLVMSetCurrentDebugLocation2(em.builder, std::ptr::null_mut());
        init.call(em, &mut []);
        em.mark(LLVMBuildRetVoid(em.builder));
        ffisan_append_global_ctor(em.module, ctor, CTOR_PRIORITY);
    }
}
