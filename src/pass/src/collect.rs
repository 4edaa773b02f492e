//! Collect: one read-only walk over a function that lists what may need a check (memory accesses and
//! the ranges of memory calls), the libc string calls to hook, the returns, the entry block's static
//! allocas and the facts that rule out a fake frame. Nothing is changed here.
use inkwell::types::{BasicType, BasicTypeEnum};
use inkwell::values::{
    AsValueRef, BasicValueEnum, FunctionValue, InstructionOpcode, InstructionValue, IntValue,
    PointerValue,
};

use crate::emitter::Emitter;
use crate::inkwell_gaps;
use crate::ir;
use crate::libc_calls::{self, HookedCall, KnownCall};
use crate::skip::FunctionRole;

/// How many bytes an access touches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccessSize<'ctx> {
    /// Known at compile time.
    Fixed(u64),
    /// A scalable vector: `vscale * min` bytes.
    Scalable(u64),
    /// The value of an integer operand (the length of a memory call).
    Dynamic(IntValue<'ctx>),
}

/// Largest fixed size checked inline before falling back to a plain `__ffisan_check_range` call.
pub const MAX_INLINE_RANGE: u64 = 32;

/// What the decide step (`elide.rs`, `available.rs`, `hoist.rs`) concluded for one collected access.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Check,
    ElidedStack,
    ElidedGlobal,
    /// Covered by an earlier check of the same block (`available.rs`).
    ElidedDuplicate,
    /// Covered on every path by checks of earlier blocks (`available.rs`).
    ElidedDominated,
    /// libc's thread-local `errno` or locale-table pointer, or a load from a locale table.
    ElidedLibc,
    /// Checked once before its loop instead (`hoist.rs`).
    HoistedLoop,
}

/// One memory operand to check before `inst` runs.
#[derive(Clone, Copy, Debug)]
pub struct Access<'ctx> {
    /// The instruction the check goes before (and whose debug location reports use).
    pub inst: InstructionValue<'ctx>,
    pub ptr: PointerValue<'ctx>,
    pub size: AccessSize<'ctx>,
    /// Alignment of the access in bytes (1 for memory calls, which assume none).
    pub align: u32,
    pub is_write: bool,
}

/// In-block order of accesses and of what may change the shadow between them (for covered checks
/// and groups): calls that may free, fences and acquiring atomics (`MayFree`).
#[derive(Clone, Copy, Debug)]
pub enum Event {
    Access(usize),
    MayFree,
}

#[derive(Default)]
pub struct FunctionPlan<'ctx> {
    pub accesses: Vec<Access<'ctx>>,
    /// Per basic block, its accesses and possibly-freeing calls in order.
    pub blocks: Vec<Vec<Event>>,
    /// Calls of `libc_table`'s functions, each with its row.
    pub libc_hooks: Vec<(InstructionValue<'ctx>, HookedCall)>,
    /// Number of memory-function calls checked by range (libc and intrinsics).
    pub memory_calls: usize,
    pub returns: Vec<InstructionValue<'ctx>>,
    /// The constant-size allocas of the entry block, wherever they stand in it: static (LLVM's
    /// rule, which codegen follows: each is a slot of the fixed frame, allocated once per call).
    pub entry_allocas: Vec<InstructionValue<'ctx>>,
    /// The other allocas (a VLA, `alloca(n)`, a constant-size one in another block): below the
    /// fixed frame, redzones on the real stack (`dynamic_allocas.rs`). A constant one in the entry
    /// block is never here: it is a fixed-frame slot, maybe above the frame's own bookkeeping slot,
    /// where the ret's unpoison of the dynamic part would miss it (Lua's `varinfo` at -O2).
    pub dynamic_allocas: Vec<InstructionValue<'ctx>>,
    /// `llvm.stackrestore` calls: they pop dynamic allocas.
    pub stack_restores: Vec<InstructionValue<'ctx>>,
    /// A `returns_twice` callee of the setjmp family (`is_setjmp`): the function is
    /// resumed in its live frame, so its fake frame is entered at the entry block, never lazily.
    pub calls_setjmp: bool,
    /// Any other `returns_twice` callee (vfork, getcontext, a call through a pointer): no fake frame.
    pub calls_other_returns_twice: bool,
    /// A `musttail` call must be followed by `ret` alone: no room for the frame leave call.
    pub has_musttail: bool,
}

/// The `returns_twice` callees that resume their caller in its own live frame (glibc's `setjmp`
/// is `_setjmp`, `sigsetjmp` is `__sigsetjmp`). Not vfork: its child runs on the parent's frame
/// and must only `_exit` or exec; not getcontext, whose context may be resumed from anywhere.
pub fn is_setjmp(callee: &str) -> bool {
    matches!(
        callee,
        "setjmp" | "_setjmp" | "__setjmp" | "sigsetjmp" | "__sigsetjmp"
    )
}

/// Size of the value an access loads or stores: the result of `inst` (operand None) or its operand.
fn access_size<'ctx>(
    em: &Emitter<'ctx>,
    inst: InstructionValue<'ctx>,
    value_operand: Option<u32>,
) -> Option<AccessSize<'ctx>> {
    let value = match value_operand {
        Some(index) => ir::operand(inst, index),
        None => inkwell_gaps::result(inst),
    };
    let Some(value) = value else {
        let size = inkwell_gaps::unrepresentable_store_size(&em.target_data, inst, value_operand);
        return size.map(AccessSize::Fixed);
    };
    let ty = value.get_type();
    if !ty.is_sized() {
        return None;
    }
    if let BasicTypeEnum::ScalableVectorType(vector) = ty {
        let elem = vector.get_element_type();
        if matches!(elem, BasicTypeEnum::ScalableVectorType(_)) {
            return None;
        }
        let elem_bits = em.target_data.get_bit_size(&elem);
        return Some(AccessSize::Scalable(
            (elem_bits * vector.get_size() as u64).div_ceil(8),
        ));
    }
    Some(AccessSize::Fixed(em.store_size(&ty)))
}

/// The memory operand of a load, store or atomic, if it is one ffisan checks.
fn memory_access<'ctx>(em: &Emitter<'ctx>, inst: InstructionValue<'ctx>) -> Option<Access<'ctx>> {
    // (pointer operand, loaded or stored value: None for the load's own result, is_write)
    let (ptr_index, value_operand, is_write) = match inst.get_opcode() {
        InstructionOpcode::Load => (0, None, false),
        InstructionOpcode::Store => (1, Some(0), true),
        InstructionOpcode::AtomicRMW | InstructionOpcode::AtomicCmpXchg => (0, Some(1), true),
        _ => return None,
    };
    let ptr = ir::pointer_operand(inst, ptr_index)?;
    // Other address spaces are not ordinary memory (x86 %fs/%gs-relative, GPU memories).
    if !ir::in_default_address_space(ptr) {
        return None;
    }
    let size = access_size(em, inst, value_operand)?;
    if size == AccessSize::Fixed(0) {
        return None;
    }
    let align = match inst.get_alignment() {
        Ok(align) => align,
        Err(_) => inkwell_gaps::atomic_alignment(inst),
    };
    Some(Access {
        inst,
        ptr,
        size,
        align: align.max(1),
        is_write,
    })
}

/// An atomic access that may order this thread after another thread's free (acquire or
/// stronger; read-modify-writes and compare-exchanges always count): what was proved addressable
/// before it may be freed memory after it, as after a call.
fn synchronizes(inst: InstructionValue) -> bool {
    use llvm_sys::LLVMAtomicOrdering::*;
    match inst.get_opcode() {
        InstructionOpcode::AtomicRMW | InstructionOpcode::AtomicCmpXchg => true,
        InstructionOpcode::Load | InstructionOpcode::Store => {
            // SAFETY: inst is a live load or store, which `LLVMGetOrdering` accepts.
            let ordering = unsafe { llvm_sys::core::LLVMGetOrdering(inst.as_value_ref()) };
            !matches!(
                ordering,
                LLVMAtomicOrderingNotAtomic
                    | LLVMAtomicOrderingUnordered
                    | LLVMAtomicOrderingMonotonic
            )
        }
        _ => false,
    }
}

/// A call to a libc memory or string function (not an intrinsic). In a cgo wrapper such a call is
/// `C.strlen(p)` itself: its arguments are the pointers the C function reads, so they are checked.
fn is_libc_call(inst: InstructionValue) -> bool {
    ir::is_call_like(inst)
        && ir::callee_name(inst).is_some_and(|n| !n.starts_with("llvm."))
        && libc_calls::classify(inst).is_some()
}

/// Walks `f` once. In a cgo wrapper only code inlined into it (user C) is collected: the wrapper's
/// own loads and stores read the argument frame on the goroutine stack, managed memory by design;
/// the one exception is a direct libc call (`C.strlen(p)`), whose arguments are C's to check.
pub fn collect<'ctx>(
    em: &Emitter<'ctx>,
    f: FunctionValue<'ctx>,
    role: FunctionRole,
) -> FunctionPlan<'ctx> {
    let mut plan = FunctionPlan::default();
    let entry = f.get_first_basic_block();
    for bb in ir::function_blocks(f) {
        let mut events = Vec::new();
        let instructions = ir::block_instructions(bb);
        if Some(bb) == entry {
            plan.entry_allocas = instructions
                .iter()
                .copied()
                .filter(|&i| ir::is_static_alloca(i))
                .collect();
        }
        for inst in instructions {
            match inst.get_opcode() {
                InstructionOpcode::Return => plan.returns.push(inst),
                InstructionOpcode::Call | InstructionOpcode::Invoke | InstructionOpcode::CallBr => {
                    if ir::call_has_fn_attr(inst, "returns_twice") {
                        if ir::callee_name(inst).is_some_and(|n| is_setjmp(&n)) {
                            plan.calls_setjmp = true;
                        } else {
                            plan.calls_other_returns_twice = true;
                        }
                    }
                    plan.has_musttail |= ir::is_musttail_call(inst);
                    if ir::callee_name(inst).is_some_and(|n| n.starts_with("llvm.stackrestore")) {
                        plan.stack_restores.push(inst);
                    }
                }
                InstructionOpcode::Alloca
                    if !plan.entry_allocas.contains(&inst)
                        && matches!(inkwell_gaps::result(inst), Some(BasicValueEnum::PointerValue(p)) if ir::in_default_address_space(p)) =>
                {
                    plan.dynamic_allocas.push(inst);
                }
                _ => {}
            }
            let wrapper_own =
                role == FunctionRole::CgoWrapper && !ir::is_inlined(inst) && !is_libc_call(inst);
            if em.has_nosanitize(inst) || wrapper_own {
                if ir::is_call_like(inst) && !libc_calls::cannot_free(inst) {
                    events.push(Event::MayFree);
                }
                continue;
            }
            if let Some(access) = memory_access(em, inst) {
                events.push(Event::Access(plan.accesses.len()));
                plan.accesses.push(access);
                if synchronizes(inst) {
                    events.push(Event::MayFree);
                }
                continue;
            }
            if inst.get_opcode() == InstructionOpcode::Fence {
                events.push(Event::MayFree);
                continue;
            }
            if !ir::is_call_like(inst) {
                continue;
            }
            match libc_calls::classify(inst) {
                Some(KnownCall::Hook(h)) => plan.libc_hooks.push((inst, h)),
                Some(KnownCall::Ranges(ranges)) => {
                    plan.memory_calls += 1;
                    for r in ranges {
                        let Some(ptr) = ir::pointer_operand(inst, r.ptr_arg) else {
                            continue;
                        };
                        let Some(BasicValueEnum::IntValue(len)) = ir::operand(inst, r.len_arg)
                        else {
                            continue;
                        };
                        if len.get_zero_extended_constant() == Some(0) {
                            continue;
                        }
                        events.push(Event::Access(plan.accesses.len()));
                        plan.accesses.push(Access {
                            inst,
                            ptr,
                            size: AccessSize::Dynamic(len),
                            align: 1,
                            is_write: r.is_write,
                        });
                    }
                }
                None => {}
            }
            if !libc_calls::cannot_free(inst) {
                events.push(Event::MayFree);
            }
        }
        plan.blocks.push(events);
    }
    plan
}
