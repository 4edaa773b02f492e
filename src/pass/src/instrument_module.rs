//! The pass over one module: skip what must not be touched, then per function collect, decide,
//! instrument; finally add the runtime constructor and mark the module as done.
use inkwell::attributes::{Attribute, AttributeLoc};
use inkwell::module::Linkage;
use inkwell::values::{AsValueRef, FunctionValue};
use llvm_sys::prelude::{LLVMModuleRef, LLVMValueRef};

use crate::cgo;
use crate::collect::Decision;
use crate::collect::{self, FunctionPlan};
use crate::dynamic_allocas;
use crate::elide;
use crate::emitter::Emitter;
use crate::fake_frame;
use crate::globals::{self, PaddedGlobals};
use crate::group;
use crate::hoist;
use crate::inkwell_gaps;
use crate::instrument;
use crate::ir;
use crate::libc_calls;
use crate::marks;
use crate::runtime_api::{self, Domain, MODULE_CTOR, MODULE_DTOR};
use crate::skip::{self, FunctionRole};
use crate::stats::ModuleStats;

/// Priority of the module constructor: early, like ASan's, so checks never run before the shadow
/// exists (the runtime's own constructor also initialises; `__ffisan_init_v9` is idempotent).
const CTOR_PRIORITY: i32 = 1;

extern "C" {
    /// `shim/register.cpp`: appends a function to `llvm.global_ctors`.
    fn ffisan_append_global_ctor(module: LLVMModuleRef, ctor: LLVMValueRef, priority: i32);
}

/// Called by the C++ pass (`shim/register.cpp`) for each module; true if the module changed.
///
/// # Safety
/// `module` must be a valid module that nothing else uses during the call.
#[no_mangle]
pub unsafe extern "C" fn ffisan_instrument_module(module: LLVMModuleRef) -> bool {
    if module.is_null() {
        return false;
    }
    // SAFETY: the host passes the live module being optimised; the emitter does not outlive this
    // call and never disposes the module.
    let em = unsafe { Emitter::new(module) };
    // Decided before the marks go: listed before any runtime function is declared.
    let marking = marks::marking();
    let roles: Vec<(FunctionValue, FunctionRole)> = em
        .module
        .get_functions()
        .map(|f| (f, skip::function_role(f, marking)))
        .collect();
    // Every module, skipped ones too (runtime/cgo's C may be compiled with -fsanitize=address).
    let handed_over = marks::hand_over_from_asan(&em.module);
    if skip::module_is_instrumented(&em.module) || skip::module_is_cgo_runtime(&em.module) {
        return handed_over;
    }
    cgo::redirect_go_write_bridge(&em);
    marks::warn_about_missing_interface(&em.module, &skip::source_filename(&em.module));
    let domain = skip::module_domain(&em.module);
    let mut stats = ModuleStats::default();
    // Globals first, so the functions' decisions see the padded ones. Rust's statics too: safe
    // Rust cannot index past them, but `unsafe` pointer arithmetic can (ASan pads them as well).
    let padded = globals::pad_globals(&em, &skip::module_identifier(&em.module));
    stats.padded_globals = padded.count;

    for (f, role) in roles {
        if role != FunctionRole::Skip {
            instrument_function(&em, f, role, domain, &padded, &mut stats);
        }
    }

    add_module_ctor(&em, &padded);
    skip::mark_module_instrumented(&em.module);
    stats.write_if_requested(&skip::module_identifier(&em.module));
    true
}

/// Called by the C++ pass that runs at PipelineStartEP (`shim/register.cpp`): marks what the optimizer
/// must keep (`marks.rs`) in the modules this pass will instrument. True if the module changed.
///
/// # Safety
/// `module` must be a valid module that nothing else uses during the call.
#[no_mangle]
pub unsafe extern "C" fn ffisan_mark_module(module: LLVMModuleRef) -> bool {
    if module.is_null() {
        return false;
    }
    // SAFETY: the host passes the live module being optimised; the emitter never disposes it.
    let em = unsafe { Emitter::new(module) };
    if skip::module_is_instrumented(&em.module) || skip::module_is_cgo_runtime(&em.module) {
        return false;
    }
    marks::mark_functions(&em.module)
}

fn instrument_function<'ctx>(
    em: &Emitter<'ctx>,
    f: FunctionValue<'ctx>,
    role: FunctionRole,
    domain: Domain,
    padded: &PaddedGlobals<'ctx>,
    stats: &mut ModuleStats,
) {
    // Collect, then decide: nothing in the function changes until both are done.
    let plan: FunctionPlan = collect::collect(em, f, role);
    // cgo wrappers too: at -O2 the C function Go calls is inlined into its wrapper, and its
    // escaping locals with it. The wrapper's own locals never escape, so they stay where they are.
    // Planned before the decisions: the locals it moves get redzones, so their accesses are
    // elided only where provably inside.
    let mut frame = (matches!(role, FunctionRole::Native | FunctionRole::CgoWrapper)
        && fake_frame::eligible(&plan))
    .then(|| fake_frame::plan_frame(em, &plan))
    .flatten();
    let mut moved = frame.as_ref().map(|f| f.bounds()).unwrap_or_default();
    // Dynamic allocas get redzones on the real stack: their accesses are checked (size 0: no
    // constant offset is proved inside).
    let dynamic = if matches!(role, FunctionRole::Native | FunctionRole::CgoWrapper) {
        dynamic_allocas::chosen(&plan)
    } else {
        Vec::new()
    };
    moved.extend(
        dynamic
            .iter()
            .filter_map(|&a| match inkwell_gaps::result(a) {
                Some(inkwell::values::BasicValueEnum::PointerValue(p)) => Some((p, 0)),
                _ => None,
            }),
    );
    let mut decisions = elide::decide(&em.module, &plan, f, &padded.bounded, &moved);
    // Loop checks: the last decision; it already adds preheaders and loop bounds (no accesses).
    let loop_checks = hoist::hoist_loop_checks(&plan, f, &mut decisions);
    let clusters = group::plan_clusters(em, &plan, &decisions);
    let mut grouped = vec![false; plan.accesses.len()];
    for &(index, _) in clusters
        .iter()
        .flat_map(|c| &c.parts)
        .flat_map(|g| &g.members)
    {
        grouped[index] = true;
    }

    // Instrument.
    for &(call, f) in &plan.libc_hooks {
        libc_calls::insert_hooks(em, call, f, domain);
    }
    stats.libc_calls += plan.libc_hooks.len() + plan.memory_calls;
    for ((access, &decision), &in_group) in plan.accesses.iter().zip(&decisions).zip(&grouped) {
        stats.count(decision);
        if in_group {
            stats.grouped += 1;
        } else if decision == Decision::Check {
            instrument::instrument_access(em, access, domain);
        }
    }
    stats.group_tests += clusters.len();
    hoist::instrument_loop_checks(em, &loop_checks, &plan.accesses, domain);
    for c in &clusters {
        instrument::instrument_cluster(em, c, &plan.accesses, domain);
    }
    // The loop checks' SCEV expansions may have put code above the allocas.
    ir::gather_entry_allocas(&em.builder, f);
    if let Some(frame) = &mut frame {
        fake_frame::apply(em, f, &plan, frame);
        stats.fake_frames += 1;
        stats.lazy_fake_frames += frame.lazy as usize;
    }
    dynamic_allocas::apply(em, f, &plan, &dynamic);
    if role == FunctionRole::CgoWrapper {
        cgo::insert_call_window(em, f, &plan.returns);
    }
}

/// An internal `void name(void)` that is nounwind, its builder positioned in its entry block.
fn start_internal_function<'ctx>(em: &Emitter<'ctx>, name: &str) -> FunctionValue<'ctx> {
    let f = em
        .module
        .add_function(name, em.void_function_type(&[]), Some(Linkage::Internal));
    let nounwind = Attribute::get_named_enum_kind_id("nounwind");
    f.add_attribute(
        AttributeLoc::Function,
        em.context.create_enum_attribute(nounwind, 0),
    );
    let entry = em.context.append_basic_block(f, "entry");
    em.builder.position_at_end(entry);
    em.builder.unset_current_debug_location();
    f
}

fn finish_internal_function(em: &Emitter) {
    let ret = em.builder.build_return(None);
    em.mark_instruction(ret.expect("the builder is positioned"));
}

/// `define internal void @ffisan.module_ctor() { call void @__ffisan_init_v9() ret void }`, listed in
/// `llvm.global_ctors`; with padded globals it registers them after the init, and
/// `@ffisan.module_dtor`, in `llvm.global_dtors`, unregisters them.
fn add_module_ctor<'ctx>(em: &Emitter<'ctx>, padded: &PaddedGlobals<'ctx>) {
    let init = runtime_api::init(em);
    let ctor = start_internal_function(em, MODULE_CTOR);
    init.call(em, &[]);
    let descriptors = padded
        .descriptors
        .map(|(table, n)| [table.as_pointer_value().into(), em.const_i64(n).into()]);
    if let Some(args) = &descriptors {
        runtime_api::globals_entry(em, globals::REGISTER).call(em, args);
    }
    finish_internal_function(em);
    // SAFETY: ctor is a function of the live module; the shim appends it to llvm.global_ctors.
    unsafe {
        ffisan_append_global_ctor(em.module.as_mut_ptr(), ctor.as_value_ref(), CTOR_PRIORITY)
    };
    if let Some(args) = &descriptors {
        let dtor = start_internal_function(em, MODULE_DTOR);
        runtime_api::globals_entry(em, globals::UNREGISTER).call(em, args);
        finish_internal_function(em);
        // SAFETY: as for the constructor, into llvm.global_dtors.
        unsafe {
            globals::ffisan_append_global_dtor(
                em.module.as_mut_ptr(),
                dtor.as_value_ref(),
                CTOR_PRIORITY,
            )
        };
    }
}
