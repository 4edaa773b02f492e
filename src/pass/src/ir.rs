//! Read-only questions the pass asks of the IR, answered with inkwell (and, where inkwell has a gap,
//! with `inkwell_gaps.rs`): names, call targets and attributes, constants, debug locations, uses.
use inkwell::attributes::{Attribute, AttributeLoc};
use inkwell::basic_block::BasicBlock;
use inkwell::debug_info::DILocation;
use inkwell::values::{
    AsValueRef, BasicValueEnum, CallSiteValue, FunctionValue, InstructionOpcode, InstructionValue,
    LLVMTailCallKind, PointerValue,
};
use inkwell::AddressSpace;

pub use crate::inkwell_gaps::{called_function, operand, users};

/// The name of a function (empty if it has none).
pub fn function_name(f: FunctionValue) -> String {
    f.get_name().to_string_lossy().into_owned()
}

/// Name of the directly called function, or None for indirect calls and inline asm.
pub fn callee_name(call: InstructionValue) -> Option<String> {
    called_function(call).map(function_name)
}

pub fn is_call_like(inst: InstructionValue) -> bool {
    matches!(
        inst.get_opcode(),
        InstructionOpcode::Call | InstructionOpcode::Invoke | InstructionOpcode::CallBr
    )
}

/// A call, invoke or callbr as inkwell's call site (whose queries apply to all three).
fn call_site(call: InstructionValue) -> CallSiteValue {
    debug_assert!(is_call_like(call));
    // SAFETY: call is a call-like instruction (a CallBase, which every call-site query accepts).
    unsafe { CallSiteValue::new(call.as_value_ref()) }
}

pub fn num_call_args(call: InstructionValue) -> u32 {
    call_site(call).count_arguments()
}

pub fn is_declaration(f: FunctionValue) -> bool {
    f.as_global_value().is_declaration()
}

/// Pointer operand `index` of `inst`, if it is a pointer.
pub fn pointer_operand<'ctx>(
    inst: InstructionValue<'ctx>,
    index: u32,
) -> Option<PointerValue<'ctx>> {
    match operand(inst, index)? {
        BasicValueEnum::PointerValue(p) => Some(p),
        _ => None,
    }
}

/// Whether a pointer is in address space 0 (ordinary memory; x86 uses 256/257 for %gs/%fs).
pub fn in_default_address_space(ptr: PointerValue) -> bool {
    ptr.get_type().get_address_space() == AddressSpace::default()
}

/// The value of an integer constant of at most 64 bits, zero-extended.
pub fn const_int_value(v: BasicValueEnum) -> Option<u64> {
    match v {
        BasicValueEnum::IntValue(i) => i.get_zero_extended_constant(),
        _ => None,
    }
}

/// The debug location of an instruction, if it has one.
pub fn debug_loc(inst: InstructionValue) -> Option<DILocation> {
    inst.get_debug_location()
}

/// True when the instruction's debug location says it was inlined from another function.
pub fn is_inlined(inst: InstructionValue) -> bool {
    debug_loc(inst).is_some_and(crate::inkwell_gaps::is_inlined_location)
}

/// The id of the enum attribute `attr` ("naked", "returns_twice"...), or None if LLVM has no such kind.
fn enum_attribute_kind(attr: &str) -> Option<u32> {
    Some(Attribute::get_named_enum_kind_id(attr)).filter(|&kind| kind != 0)
}

/// Whether function `f` carries the enum attribute `attr` (e.g. "naked").
pub fn function_has_attr(f: FunctionValue, attr: &str) -> bool {
    enum_attribute_kind(attr)
        .is_some_and(|kind| f.get_enum_attribute(AttributeLoc::Function, kind).is_some())
}

/// Whether a call site or its callee carries the function attribute `attr`.
pub fn call_has_fn_attr(call: InstructionValue, attr: &str) -> bool {
    let on_site = enum_attribute_kind(attr).is_some_and(|kind| {
        call_site(call)
            .get_enum_attribute(AttributeLoc::Function, kind)
            .is_some()
    });
    on_site || called_function(call).is_some_and(|f| function_has_attr(f, attr))
}

/// Removes the function attribute `attr` from a call site (not from its callee); true if it was there.
pub fn remove_call_site_fn_attr(call: InstructionValue, attr: &str) -> bool {
    let Some(kind) = enum_attribute_kind(attr) else {
        return false;
    };
    let site = call_site(call);
    let present = site
        .get_enum_attribute(AttributeLoc::Function, kind)
        .is_some();
    if present {
        site.remove_enum_attribute(AttributeLoc::Function, kind);
    }
    present
}

/// `captures(...)` bits that let the callee keep no usable pointer: comparing it with null, in
/// other uses (bit 4) or in the return value (bit 0). Anything else (the address, provenance) may
/// outlive the call.
const CAPTURES_ADDRESS_IS_NULL_ONLY: u64 = 0x11;

/// Whether argument `index` of a call cannot outlive the call: its parameter is `captures(none)`
/// (LLVM 21+; `nocapture` before), on the call site or the directly called function's declaration
/// (when the call uses the declaration's own type), and not `returned` (the result would alias it).
pub fn argument_not_captured(call: InstructionValue, index: u32) -> bool {
    let site = call_site(call);
    let callee = site.get_called_fn_value();
    let loc = AttributeLoc::Param(index);
    let attribute = |name: &str| {
        enum_attribute_kind(name).and_then(|kind| {
            site.get_enum_attribute(loc, kind)
                .or_else(|| callee.and_then(|f| f.get_enum_attribute(loc, kind)))
        })
    };
    if attribute("returned").is_some() {
        return false;
    }
    let captures_nothing = attribute("captures")
        .is_some_and(|a| a.get_enum_value() & !CAPTURES_ADDRESS_IS_NULL_ONLY == 0);
    captures_nothing || attribute("nocapture").is_some()
}

pub fn is_musttail_call(inst: InstructionValue) -> bool {
    inst.get_opcode() == InstructionOpcode::Call
        && call_site(inst).get_tail_call_kind() == LLVMTailCallKind::LLVMTailCallKindMustTail
}

/// Replaces every operand of `user` that is `from` by `to`.
pub fn replace_operand_uses(user: InstructionValue, from: PointerValue, to: PointerValue) {
    for i in 0..user.get_num_operands() {
        if operand(user, i) == Some(from.into()) {
            // `to` has the type of `from` (both pointers), so the IR stays well-typed.
            user.set_operand(i, to);
        }
    }
}

/// Instructions of a basic block, in order, collected before anything is changed.
pub fn block_instructions(bb: BasicBlock) -> Vec<InstructionValue> {
    bb.get_instructions().collect()
}

pub fn function_blocks(f: FunctionValue) -> Vec<BasicBlock> {
    f.get_basic_block_iter().collect()
}

/// An alloca of constant size in ordinary memory: in the entry block (anywhere in it) it is static,
/// a slot of the fixed frame allocated once per call.
pub fn is_static_alloca(inst: InstructionValue) -> bool {
    inst.get_opcode() == InstructionOpcode::Alloca
        && matches!(crate::inkwell_gaps::result(inst), Some(BasicValueEnum::PointerValue(p)) if in_default_address_space(p))
        && operand(inst, 0).and_then(const_int_value).is_some()
}

/// Where code that runs on entry to `f` goes: the first instruction of its entry block after the
/// static allocas, in the IR as it is now. Asked for by each step that inserts entry code, never
/// remembered from before an earlier step: that step may have put code before the instruction that
/// was first (a libc hook or a check, which must not run before the fake frame or outside the call
/// window) or erased it (a lifetime marker of a local moved to the fake frame).
pub fn entry_edge(f: FunctionValue) -> Option<InstructionValue> {
    let entry = f.get_first_basic_block()?;
    entry.get_instructions().find(|&i| !is_static_alloca(i))
}

/// Moves the static allocas that stand after other code in the entry block (the loop checks' SCEV
/// expansion puts an argument's `ptrtoint` at the block's very start) up to the first of them, so
/// code inserted at `entry_edge` comes after every one: the fake frame's entry code uses them
/// (its fallback is the alloca), and an alloca after them would not dominate its uses.
/// Static allocas take their memory on entry wherever they stand in the entry block.
pub fn gather_entry_allocas(builder: &inkwell::builder::Builder, f: FunctionValue) {
    let (Some(entry), Some(first)) = (f.get_first_basic_block(), entry_edge(f)) else {
        return;
    };
    let late: Vec<InstructionValue> = entry
        .get_instructions()
        .skip_while(|&i| i != first)
        .filter(|&i| is_static_alloca(i))
        .collect();
    for alloca in late {
        // Taken out of the block it leaves the function's symbol table: its name (which names
        // the object in stack reports) goes back in with it.
        let name = alloca
            .get_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        builder.position_before(&first);
        alloca.remove_from_basic_block();
        builder.insert_instruction(&alloca, Some(&name));
    }
}

/// The function an instruction (inserted in a block of a function) belongs to.
pub fn parent_function(inst: InstructionValue) -> Option<FunctionValue> {
    inst.get_parent()?.get_parent()
}
