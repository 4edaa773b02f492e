//! Redzones around the locals that live in a fake frame (`fake_frame.rs`): the escaping ones, and
//! those the function itself reaches at an offset it cannot prove inside (`buf[i]`, a `memcpy`
//! into it). The frame is laid out as ASan lays out a stack frame, each object 32-byte aligned
//! with at least 32 bytes of redzone after it, and painted at entry: STACK_LEFT_REDZONE before the
//! first object, STACK_MID_REDZONE between, STACK_RIGHT_REDZONE after the last, the objects
//! addressable (a partial last granule holds its k). A fake frame is the runtime's memory, never
//! the real stack, so a frame left by `longjmp` or an exception leaves no stale poison where the
//! stack is reused; leaving the frame paints it all STACK_AFTER_RETURN as before.
//!
//! The frame's first word (inside the left redzone) points to its description, a constant string
//! the runtime reads to name the object a report is about:
//! `ffisan-frame:<function>;<offset> <size> <line> <name>;...` (offsets from the frame's base).
//!
//! Scopes: a moved local with `llvm.lifetime` markers is painted STACK_USE_AFTER_SCOPE at entry
//! (ASan's choice: dead until its `lifetime.start`), made addressable at each `lifetime.start`
//! and painted STACK_USE_AFTER_SCOPE again at each `lifetime.end` (`fake_frame.rs` emits them).
//! Leaving the frame repaints it all, so no exit path has to undo a scope.
use inkwell::values::{
    AsValueRef, BasicValue, FunctionValue, InstructionOpcode, InstructionValue, IntValue,
};

use crate::contract::shadow_value::{
    STACK_LEFT_REDZONE, STACK_MID_REDZONE, STACK_RIGHT_REDZONE, STACK_USE_AFTER_SCOPE,
};
use crate::contract::GRANULE;
use crate::emitter::Emitter;
use crate::inkwell_gaps;
use crate::instrument::shadow_address;
use crate::ir;

/// Object alignment and the least redzone between objects (ASan's).
pub const ALIGN: u64 = 32;
/// The description's first bytes: the runtime trusts a frame's first word only if they match.
pub const MAGIC: &str = "ffisan-frame:";

/// One local in the frame: where it is from the frame's base, how big, and what to call it.
pub struct Object {
    pub offset: u64,
    pub size: u64,
    /// Has `llvm.lifetime.start` markers: out of scope (poisoned) until one runs.
    pub scoped: bool,
}

/// Whether `alloca` (which does not escape) needs redzones: the function reaches it at an offset
/// it cannot prove inside (a variable index, a constant past its end), a memory intrinsic writes
/// or reads it, or it is an array or aggregate handed to a callee (`strcpy(buf, ...)`, a
/// `captures(none)` helper). A scalar handed to a callee that does not capture it (`&len`) stays
/// on the real stack: overflowing one is rare, and its fake frame would cost every call.
pub fn needs_bounds<'ctx>(em: &Emitter<'ctx>, alloca: InstructionValue<'ctx>, size: u64) -> bool {
    let aggregate = inkwell_gaps::allocated_type_is_aggregate(alloca)
        || ir::operand(alloca, 0)
            .and_then(ir::const_int_value)
            .is_none_or(|count| count != 1);
    users_need_bounds(em, alloca, alloca, size, aggregate, 0)
}

fn users_need_bounds<'ctx>(
    em: &Emitter<'ctx>,
    alloca: InstructionValue<'ctx>,
    v: InstructionValue<'ctx>,
    size: u64,
    aggregate: bool,
    depth: u32,
) -> bool {
    let inside = |ptr: InstructionValue<'ctx>, bytes: u64| {
        let Some(inkwell::values::BasicValueEnum::PointerValue(p)) = inkwell_gaps::result(ptr)
        else {
            return false;
        };
        let (base, offset) = inkwell_gaps::base_and_constant_offset(&em.module, p);
        base.as_value_ref() == alloca.as_value_ref()
            && offset >= 0
            && (offset as u64).saturating_add(bytes) <= size
    };
    ir::users(v)
        .into_iter()
        .any(|user| match user.get_opcode() {
            InstructionOpcode::Load => {
                let bytes = inkwell_gaps::result(user).map_or(u64::MAX, |r| {
                    let ty = r.get_type();
                    em.store_size(&ty)
                });
                !inside(v, bytes)
            }
            InstructionOpcode::Store => {
                let stored_is_v = ir::operand(user, 0)
                    .and_then(|o| o.as_instruction_value())
                    .is_some_and(|o| o == v);
                let bytes = ir::operand(user, 0).map_or(u64::MAX, |o| em.store_size(&o.get_type()));
                stored_is_v || !inside(v, bytes)
            }
            InstructionOpcode::GetElementPtr | InstructionOpcode::BitCast => {
                depth >= 16 || users_need_bounds(em, alloca, user, size, aggregate, depth + 1)
            }
            InstructionOpcode::Call => match ir::callee_name(user) {
                Some(n) if n.starts_with("llvm.lifetime.") || n.starts_with("llvm.dbg.") => false,
                Some(n) if n.starts_with("llvm.mem") => true,
                _ => aggregate,
            },
            _ => true,
        })
}

/// Lays out objects of the given (size, alignment) with redzones; their offsets from the frame's
/// base and the frame's length from its base (the last redzone included).
pub fn layout(objects: &[(u64, u64)]) -> (Vec<Object>, u64) {
    let mut offset = ALIGN; // the left redzone, holding the description pointer
    let mut placed = Vec::with_capacity(objects.len());
    for &(size, align) in objects {
        offset = offset.next_multiple_of(align.max(ALIGN));
        placed.push(Object {
            offset,
            size,
            scoped: false,
        });
        offset = (offset + size.max(1)).next_multiple_of(ALIGN) + ALIGN;
    }
    (placed, offset)
}

/// The line a local is declared on, as well as line tables tell: the first of its users' lines
/// (its `llvm.lifetime.start` at -O2, its first store at -O0); 0 when none has one.
fn declaration_line(alloca: InstructionValue) -> u32 {
    ir::users(alloca)
        .into_iter()
        .filter_map(ir::debug_loc)
        .map(|loc| loc.get_line())
        .filter(|&line| line > 0)
        .min()
        .unwrap_or(0)
}

/// The frame's description string (see the module comment), a private constant of the module.
pub fn description<'ctx>(
    em: &Emitter<'ctx>,
    f: FunctionValue<'ctx>,
    allocas: &[InstructionValue<'ctx>],
    objects: &[Object],
) -> IntValue<'ctx> {
    let mut text = format!("{MAGIC}{}", ir::function_name(f));
    for (alloca, object) in allocas.iter().zip(objects) {
        let name = alloca.get_name().map(|n| n.to_string_lossy().into_owned());
        let name = name.filter(|n| !n.is_empty() && !n.contains([';', ' ']));
        text.push_str(&format!(
            ";{} {} {} {}",
            object.offset,
            object.size,
            declaration_line(*alloca),
            name.as_deref().unwrap_or("<local>")
        ));
    }
    crate::globals::c_string(em, &text)
}

/// Paints the shadow of a frame entered at `fake` whose base is `base` (both integers): the whole
/// slot of `slot_bytes` as mid redzone, the left redzone, each object addressable, the right
/// redzone after the last; then stores the description pointer in the base's first word.
pub fn paint<'ctx>(
    em: &Emitter<'ctx>,
    fake: IntValue<'ctx>,
    base: IntValue<'ctx>,
    slot_bytes: u64,
    objects: &[Object],
    length: u64,
    description: IntValue<'ctx>,
) {
    let granules = |bytes: u64| bytes / GRANULE as u64;
    em.memset(
        shadow_address(em, fake),
        STACK_MID_REDZONE,
        granules(slot_bytes),
    );
    em.memset(
        shadow_address(em, base),
        STACK_LEFT_REDZONE,
        granules(ALIGN),
    );
    for object in objects {
        let at = em.add(base, em.const_i64(object.offset));
        if object.scoped {
            mark_scope(em, at, object.size, false);
        } else {
            unpoison(em, at, object.size);
        }
    }
    if let Some(last) = objects.last() {
        let end = (last.offset + last.size).next_multiple_of(GRANULE as u64);
        let at = em.add(base, em.const_i64(end));
        em.memset(
            shadow_address(em, at),
            STACK_RIGHT_REDZONE,
            granules(length - end),
        );
    }
    em.store(em.int_to_ptr(base), description);
}

/// Makes the `size` bytes of an object at `at` (an integer, granule-aligned) addressable: whole
/// granules 0, a partial last one its k.
fn unpoison<'ctx>(em: &Emitter<'ctx>, at: IntValue<'ctx>, size: u64) {
    let whole = size & !(GRANULE as u64 - 1);
    if whole > 0 {
        em.memset(shadow_address(em, at), 0, whole / GRANULE as u64);
    }
    if size > whole {
        let tail = em.add(at, em.const_i64(whole));
        let k = em.i8.const_int(size - whole, false);
        em.store(shadow_address(em, tail), k);
    }
}

/// A scope of the object at `at` (an integer, granule-aligned) of `size` bytes begins
/// (`alive`: addressable) or ends (every granule it touches STACK_USE_AFTER_SCOPE, as ASan).
pub fn mark_scope<'ctx>(em: &Emitter<'ctx>, at: IntValue<'ctx>, size: u64, alive: bool) {
    if alive {
        unpoison(em, at, size);
    } else {
        let granules = size.div_ceil(GRANULE as u64);
        if granules > 0 {
            em.memset(shadow_address(em, at), STACK_USE_AFTER_SCOPE, granules);
        }
    }
}
