//! The `va_list` a libc hook gets in place of a variadic call's `...`: the pass spills the call's
//! variadic arguments into a stack area laid out as the x86-64 System V ABI lays out arguments
//! passed on the stack, and builds a `__va_list_tag` whose register save areas are used up
//! (`gp_offset` 48, `fp_offset` 176), so `va_arg` takes every argument from that area, in order.
//! `printf(fmt, ...)`'s hook is then `vprintf`'s: one reader for both (`interceptors/va_list.rs`).
use inkwell::attributes::Attribute;
use inkwell::attributes::AttributeLoc;
use inkwell::types::BasicTypeEnum;
use inkwell::values::{AsValueRef, BasicValueEnum, InstructionValue, PointerValue};
use llvm_sys::core::{LLVMCountParamTypes, LLVMGetCalledFunctionType, LLVMIsFunctionVarArg};

use crate::emitter::Emitter;
use crate::ir;

/// `gp_offset` and `fp_offset` past the six general and eight vector registers' save slots.
const GP_OFFSET_USED_UP: u64 = 48;
const FP_OFFSET_USED_UP: u64 = 176;
/// Size of `__va_list_tag` {u32 gp_offset, u32 fp_offset, ptr overflow_arg_area, ptr reg_save_area}.
const VA_LIST_BYTES: u64 = 24;

/// Where one variadic argument goes in the area.
pub struct Slot<'ctx> {
    value: BasicValueEnum<'ctx>,
    offset: u64,
}

/// The spilled arguments' layout; None if one of them has a type the reader cannot take
/// (a struct passed by value, a vector, a half float): the call then gets no hook.
pub struct Layout<'ctx> {
    slots: Vec<Slot<'ctx>>,
    size: u64,
}

/// Number of fixed parameters of the called function type, if the call is variadic.
pub fn fixed_params(call: InstructionValue) -> Option<u32> {
    // SAFETY: call is a call-like instruction, whose called function type is a function type.
    unsafe {
        let ty = LLVMGetCalledFunctionType(call.as_value_ref());
        (LLVMIsFunctionVarArg(ty) != 0).then(|| LLVMCountParamTypes(ty))
    }
}

/// Lays out the call's arguments from `first` on: 8-byte slots for integers up to 64 bits,
/// pointers and doubles; 16-aligned 16-byte slots for `long double`, `__int128` and `__float128`.
pub fn layout<'ctx>(
    em: &Emitter<'ctx>,
    call: InstructionValue<'ctx>,
    first: u32,
) -> Option<Layout<'ctx>> {
    let byval = Attribute::get_named_enum_kind_id("byval");
    let site = unsafe { inkwell::values::CallSiteValue::new(call.as_value_ref()) };
    let mut slots = Vec::new();
    let mut offset = 0u64;
    for i in first..ir::num_call_args(call) {
        if site
            .get_enum_attribute(AttributeLoc::Param(i), byval)
            .is_some()
        {
            return None;
        }
        let value = ir::operand(call, i)?;
        let size = match value.get_type() {
            BasicTypeEnum::IntType(t) if t.get_bit_width() <= 64 => 8,
            BasicTypeEnum::IntType(t) if t.get_bit_width() == 128 => 16,
            BasicTypeEnum::PointerType(_) => 8,
            BasicTypeEnum::FloatType(_) => match em.store_size(&value.get_type()) {
                4 | 8 => 8,
                10 | 16 => 16,
                _ => return None,
            },
            _ => return None,
        };
        offset = offset.next_multiple_of(size);
        slots.push(Slot { value, offset });
        offset += size;
    }
    Some(Layout {
        slots,
        size: offset.max(8),
    })
}

/// Positions the builder at the entry block's start of `call`'s function (static allocas).
fn position_at_entry<'ctx>(em: &Emitter<'ctx>, call: InstructionValue<'ctx>) {
    let entry = ir::parent_function(call)
        .and_then(|f| f.get_first_basic_block())
        .and_then(|bb| bb.get_first_instruction())
        .expect("a call lies in a function with an entry block");
    em.position_before(entry, None);
}

fn alloca_bytes<'ctx>(em: &Emitter<'ctx>, bytes: u64, align: u32) -> PointerValue<'ctx> {
    let ty = em.i8.array_type(bytes as u32);
    let slot = em
        .builder
        .build_alloca(ty, "")
        .expect("the builder is positioned");
    if let Some(inst) = slot.as_instruction() {
        inst.set_alignment(align).expect("a power of two");
        em.mark_instruction(inst);
    }
    slot
}

fn byte_offset<'ctx>(
    em: &Emitter<'ctx>,
    base: PointerValue<'ctx>,
    offset: u64,
) -> PointerValue<'ctx> {
    // SAFETY: the offset lies inside the alloca `base` points to.
    let gep = unsafe {
        em.builder
            .build_in_bounds_gep(em.i8, base, &[em.const_i64(offset)], "")
    };
    let gep = gep.expect("the builder is positioned");
    if let Some(inst) = gep.as_instruction() {
        em.mark_instruction(inst);
    }
    gep
}

fn store_value<'ctx>(em: &Emitter<'ctx>, p: PointerValue<'ctx>, v: BasicValueEnum<'ctx>) {
    let v = match v {
        // Widened to the slot (`va_arg(ap, int)` reads only the low half, as the ABI says).
        BasicValueEnum::IntValue(i) if i.get_type().get_bit_width() < 64 => {
            em.int_cast_to_i64(i).into()
        }
        BasicValueEnum::FloatValue(f) if em.store_size(&f.get_type()) == 4 => {
            let double = em.context.f64_type();
            let ext = em
                .builder
                .build_float_ext(f, double, "")
                .expect("the builder is positioned");
            if let Some(inst) = ext.as_instruction() {
                em.mark_instruction(inst);
            }
            ext.into()
        }
        other => other,
    };
    let store = em
        .builder
        .build_store(p, v)
        .expect("the builder is positioned");
    em.mark_instruction(store);
}

/// Builds, right before `call` (the builder's position on return), a `va_list` over the laid-out
/// arguments; its two allocas go to the entry block.
pub fn build_va_list<'ctx>(
    em: &Emitter<'ctx>,
    call: InstructionValue<'ctx>,
    layout: &Layout<'ctx>,
) -> PointerValue<'ctx> {
    let loc = ir::debug_loc(call);
    position_at_entry(em, call);
    let area = alloca_bytes(em, layout.size, 16);
    let tag = alloca_bytes(em, VA_LIST_BYTES, 8);
    em.position_before(call, loc);
    for slot in &layout.slots {
        store_value(em, byte_offset(em, area, slot.offset), slot.value);
    }
    em.store(tag, em.i32.const_int(GP_OFFSET_USED_UP, false));
    em.store(
        byte_offset(em, tag, 4),
        em.i32.const_int(FP_OFFSET_USED_UP, false),
    );
    store_value(em, byte_offset(em, tag, 8), area.into());
    store_value(em, byte_offset(em, tag, 16), em.ptr.const_null().into());
    tag
}

/// A copy of the `va_list` at `ap`, taken right before `call` (`va_copy` on x86-64 copies the 24
/// bytes): the callee advances the caller's, and a hook after the call must read from the start.
pub fn copy_va_list<'ctx>(
    em: &Emitter<'ctx>,
    call: InstructionValue<'ctx>,
    ap: PointerValue<'ctx>,
) -> PointerValue<'ctx> {
    let loc = ir::debug_loc(call);
    position_at_entry(em, call);
    let copy = alloca_bytes(em, VA_LIST_BYTES, 8);
    em.position_before(call, loc);
    for offset in (0..VA_LIST_BYTES).step_by(8) {
        let word = em.load(em.i64, byte_offset(em, ap, offset), 1);
        em.store(byte_offset(em, copy, offset), word);
    }
    copy
}
