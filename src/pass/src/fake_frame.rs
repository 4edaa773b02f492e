//! Stack-use-after-return: a function's escaping locals move into one "fake frame" from the runtime,
//! which poisons it (STACK_AFTER_RETURN) when the function returns, so a pointer to a dead local that
//! is used later is reported instead of silently reading a reused stack slot.
//!
//! ```text
//! entry:
//!   %buf = alloca [16 x i8]                        ; kept: the fallback when the runtime says 0
//!   %f = call i64 @__ffisan_fake_frame_enter(i64 SIZE, i64 ptrtoint (ptr %buf))
//!   %on = icmp ne i64 %f, 0
//!   %buf.fake = select i1 %on, ptr inttoptr (i64 (%f + OFFSET)), ptr %buf   ; replaces %buf
//!   ...
//!   ; before every ret, if %on: poison the frame's shadow, free its slot (no call)
//!   call void @llvm.memset(ptr inttoptr ((%f >> 3) + SHADOW_OFFSET), i8 0xf5, i64 SIZE / 8)
//!   store i64 0, ptr inttoptr (%f - 8)
//! ```
//! Lazily (never in a function that calls setjmp), when every use of the moved locals lies in
//! blocks dominated by one off the entry block and on no cycle (`luaH_get`'s float-key path): the
//! enter call goes at that block's start and stores the frame into a slot that is 0 on every other
//! path; each return leaves the frame only if the slot holds one. The common path then pays no
//! runtime call at all.
use inkwell::values::{
    AsValueRef, BasicValue, BasicValueEnum, FunctionValue, InstructionOpcode, InstructionValue,
    IntValue, PointerValue,
};
use llvm_sys::prelude::LLVMValueRef;

use crate::collect::FunctionPlan;
use crate::contract::shadow_value::STACK_AFTER_RETURN;
use crate::contract::{fake_frame_class, FAKE_FRAME_OWNER_BYTES, GRANULE};
use crate::emitter::Emitter;
use crate::inkwell_gaps;
use crate::instrument::shadow_address;
use crate::ir;
use crate::runtime_api;
use crate::stack_redzones::{self, Object};

extern "C" {
    /// `shim/register.cpp`: the instruction before which the frame can be entered lazily (see the
    /// module comment), or null to enter at the entry block.
    fn ffisan_lazy_frame_entry(
        function: LLVMValueRef,
        allocas: *const LLVMValueRef,
        count: u32,
    ) -> LLVMValueRef;
}

/// The lazy entry point of `frame` in `f`, if there is one.
fn lazy_entry<'ctx>(
    f: FunctionValue<'ctx>,
    frame: &FakeFrame<'ctx>,
) -> Option<InstructionValue<'ctx>> {
    let allocas: Vec<LLVMValueRef> = frame.slots.iter().map(|(a, _)| a.as_value_ref()).collect();
    // SAFETY: f and the allocas are live values of the module being instrumented; the shim only
    // reads the IR and returns an instruction of f (or null).
    let point = unsafe {
        ffisan_lazy_frame_entry(f.as_value_ref(), allocas.as_ptr(), allocas.len() as u32)
    };
    // SAFETY: non-null results are instructions.
    (!point.is_null()).then(|| unsafe { InstructionValue::new(point) })
}

/// How an alloca's address is used.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Uses {
    /// Only loaded from / stored to (directly or through GEPs and casts), or passed to callees that
    /// do not capture it: it cannot outlive the call.
    Contained,
    /// The address leaves the function's direct loads and stores (passed, stored, compared...).
    Escapes,
    /// Tied to its stack slot by an intrinsic (stack protector, localescape, gcroot): never moved.
    Unmovable,
}

/// A call using `v`: an intrinsic by what it does with it, any other callee by its parameters'
/// attributes (a `captures(none)` argument cannot outlive the call, so neither can the local).
fn classify_call_use(call: InstructionValue, v: InstructionValue) -> Uses {
    let name = ir::callee_name(call);
    let Some(intrinsic) = name.as_deref().and_then(|n| n.strip_prefix("llvm.")) else {
        return passed_without_capture(call, v);
    };
    let contained = ["lifetime.", "dbg.", "memcpy", "memmove", "memset"];
    let movable = ["va_start", "va_end", "va_copy"];
    if contained.iter().any(|p| intrinsic.starts_with(p)) {
        Uses::Contained
    } else if movable.iter().any(|p| intrinsic.starts_with(p)) {
        Uses::Escapes
    } else {
        Uses::Unmovable
    }
}

/// Contained if every operand of `call` that is `v` is an argument the callee does not capture;
/// the callee itself, an operand bundle or a capturing parameter lets the address escape.
fn passed_without_capture(call: InstructionValue, v: InstructionValue) -> Uses {
    let args = ir::num_call_args(call);
    let escapes = (0..call.get_num_operands()).any(|i| {
        let is_v = ir::operand(call, i).and_then(|o| o.as_instruction_value()) == Some(v);
        is_v && (i >= args || !ir::argument_not_captured(call, i))
    });
    if escapes {
        Uses::Escapes
    } else {
        Uses::Contained
    }
}

fn classify_uses(v: InstructionValue, depth: u32) -> Uses {
    let is_v =
        |operand: Option<BasicValueEnum>| operand.and_then(|o| o.as_instruction_value()) == Some(v);
    let mut verdict = Uses::Contained;
    for user in ir::users(v) {
        let u = match user.get_opcode() {
            InstructionOpcode::Load => Uses::Contained,
            InstructionOpcode::Store if !is_v(ir::operand(user, 0)) => Uses::Contained,
            InstructionOpcode::GetElementPtr | InstructionOpcode::BitCast
                if is_v(ir::operand(user, 0)) && depth < 16 =>
            {
                classify_uses(user, depth + 1)
            }
            InstructionOpcode::Call | InstructionOpcode::Invoke => classify_call_use(user, v),
            _ => Uses::Escapes,
        };
        verdict = verdict.max(u);
    }
    verdict
}

fn is_lifetime_marker(inst: InstructionValue) -> bool {
    inst.get_opcode() == InstructionOpcode::Call
        && ir::callee_name(inst).is_some_and(|n| n.starts_with("llvm.lifetime."))
}

fn is_lifetime_start(inst: InstructionValue) -> bool {
    inst.get_opcode() == InstructionOpcode::Call
        && ir::callee_name(inst).is_some_and(|n| n.starts_with("llvm.lifetime.start"))
}

/// A `lifetime.end` with only markers between it and a `ret`: leaving the frame repaints the
/// object anyway, so its scope's end costs nothing (asked before `apply` adds code there).
fn ends_at_return(marker: InstructionValue) -> bool {
    let mut next = marker.get_next_instruction();
    while let Some(inst) = next {
        match inst.get_opcode() {
            InstructionOpcode::Return => return true,
            InstructionOpcode::Call if is_lifetime_marker(inst) => {}
            InstructionOpcode::Call
                if ir::callee_name(inst).is_some_and(|n| n.starts_with("llvm.dbg.")) => {}
            _ => return false,
        }
        next = inst.get_next_instruction();
    }
    false
}

/// The layout of one function's fake frame.
pub struct FakeFrame<'ctx> {
    /// Entered lazily, not at the entry block (set by `apply`).
    pub lazy: bool,
    /// Each moved alloca and its offset from the frame's base.
    slots: Vec<(PointerValue<'ctx>, u64)>,
    /// The moved allocas' objects and the length of their layout with redzones
    /// (`stack_redzones.rs`).
    objects: Vec<Object>,
    length: u64,
    /// Bytes requested from the runtime (including alignment slack).
    size: u64,
    /// Strictest alignment of a slot; the runtime guarantees granule (8-byte) alignment only.
    align: u64,
    /// The runtime's slot class for `size` (`contract::fake_frame_class`).
    class: usize,
}

/// Whether a function may get a fake frame at all.
pub fn eligible(plan: &FunctionPlan) -> bool {
    // setjmp is fine (see `apply`), other returns_twice callees are not. musttail: nothing may
    // stand between the tail call and its ret. No ret: never left.
    !plan.calls_other_returns_twice && !plan.has_musttail && !plan.returns.is_empty()
}

impl<'ctx> FakeFrame<'ctx> {
    /// The moved allocas and their sizes: the function's accesses to them are checked unless
    /// they lie at a constant offset inside (their redzones are poisoned).
    pub fn bounds(&self) -> Vec<(PointerValue<'ctx>, u64)> {
        self.slots
            .iter()
            .zip(&self.objects)
            .map(|(&(alloca, _), object)| (alloca, object.size))
            .collect()
    }
}

/// Lays out, with redzones, the static allocas of the entry block that escape or that the
/// function reaches at offsets it cannot prove inside them, if any.
pub fn plan_frame<'ctx>(em: &Emitter<'ctx>, plan: &FunctionPlan<'ctx>) -> Option<FakeFrame<'ctx>> {
    let mut addresses = Vec::new();
    let mut shapes = Vec::new();
    let mut align = stack_redzones::ALIGN;
    for &alloca in &plan.entry_allocas {
        let Some(BasicValueEnum::PointerValue(address)) = inkwell_gaps::result(alloca) else {
            continue;
        };
        let count = ir::operand(alloca, 0)
            .and_then(ir::const_int_value)
            .unwrap_or(1);
        let size = inkwell_gaps::allocated_size(&em.target_data, alloca) * count;
        let moved = match classify_uses(alloca, 0) {
            Uses::Escapes => true,
            Uses::Contained => stack_redzones::needs_bounds(em, alloca, size),
            Uses::Unmovable => false,
        };
        if !moved {
            continue;
        }
        let alloca_align = alloca.get_alignment().expect("an alloca has an alignment") as u64;
        addresses.push(address);
        shapes.push((size, alloca_align));
        align = align.max(alloca_align);
    }
    if addresses.is_empty() {
        return None;
    }
    let (mut objects, length) = stack_redzones::layout(&shapes);
    for (object, address) in objects.iter_mut().zip(&addresses) {
        let alloca = address.as_instruction().expect("a slot is an alloca");
        object.scoped = crate::scopes::starts_out_of_scope(alloca);
    }
    let size = length + (align - GRANULE as u64);
    // Too big for any slot: the locals stay on the real stack, as the runtime would have said.
    let class = fake_frame_class(size)?;
    Some(FakeFrame {
        lazy: false,
        slots: addresses
            .into_iter()
            .zip(&objects)
            .map(|(a, o)| (a, o.offset))
            .collect(),
        objects,
        length,
        size,
        align,
        class,
    })
}

/// Emits `emit()`'s code where it runs only when `cond` (computed just before `before`) holds,
/// then puts the builder back before `before`, now in the block the split made.
fn if_then<'ctx>(
    em: &Emitter<'ctx>,
    f: FunctionValue<'ctx>,
    cond: IntValue<'ctx>,
    before: InstructionValue<'ctx>,
    then_weight: u32,
    emit: impl FnOnce(),
) {
    let then_end = em.split_if_then(cond, before, then_weight, 1);
    em.position_at_function_edge(then_end, f);
    emit();
    em.position_at_function_edge(before, f);
}

/// Leaves the fake frame at `frame` of `size` bytes, inline (`contract::FAKE_FRAME_OWNER_BYTES`):
/// poison it, then free its slot. A signal handler that claims the slot in between has returned
/// before this goes on, so the order matters to nobody.
fn leave<'ctx>(em: &Emitter<'ctx>, frame: IntValue<'ctx>, size: u64) {
    em.memset(
        shadow_address(em, frame),
        STACK_AFTER_RETURN,
        size.div_ceil(GRANULE as u64),
    );
    let owner = em.sub(frame, em.const_i64(FAKE_FRAME_OWNER_BYTES as u64));
    em.store(em.int_to_ptr(owner), em.const_i64(0));
}

/// Rewrites the function to use `frame`. Runs after the accesses were instrumented: their elision
/// was decided on the allocas (the function's own live frame), which the fake frame still is.
pub fn apply<'ctx>(
    em: &Emitter<'ctx>,
    f: FunctionValue<'ctx>,
    plan: &FunctionPlan<'ctx>,
    frame: &mut FakeFrame<'ctx>,
) {
    // Asked now: a libc hook or a check of the first instruction went before it, and it must see the
    // moved locals too.
    let entry_point = ir::entry_edge(f).expect("an entry block ends in a terminator");
    let redundant: Vec<InstructionValue> = frame
        .slots
        .iter()
        .flat_map(|&(a, _)| ir::users(a.as_instruction().expect("a slot is an alloca")))
        .filter(|&u| is_lifetime_marker(u) && !is_lifetime_start(u) && ends_at_return(u))
        .collect();
    let users: Vec<Vec<InstructionValue>> = frame
        .slots
        .iter()
        .map(|&(a, _)| ir::users(a.as_instruction().expect("a slot is an alloca")))
        .collect();

    // A function that calls setjmp enters at the entry block: a longjmp back to a setjmp that ran
    // before a lazy enter would enter a second frame and leak the first. Entered there, the frame
    // is an SSA value defined before any setjmp and never redefined, which the second return sees
    // as C requires of an unmodified local (callee-saved registers come back from the jmp_buf,
    // spill slots are not shared in such functions); each ret leaves it once, as before.
    let lazy_point = if plan.calls_setjmp {
        None
    } else {
        lazy_entry(f, frame)
    };
    frame.lazy = lazy_point.is_some();
    if frame.lazy {
        // A lifetime.start may run before the lazy enter (it is no use of the local there), so
        // the frame cannot start with the objects out of scope.
        for object in &mut frame.objects {
            object.scoped = false;
        }
    }
    // Lazily entered: a slot holding the frame, 0 until the enter call runs.
    let frame_slot = lazy_point.map(|_| {
        // A static alloca: at the entry block's top, before the instrumentation may have split it.
        let entry_top = f
            .get_first_basic_block()
            .and_then(|b| b.get_first_instruction())
            .expect("a function with allocas has an entry block");
        em.position_at_function_edge(entry_top, f);
        let slot = em.alloca_int(em.i64);
        em.store(slot, em.const_i64(0));
        slot
    });
    let enter_point = lazy_point.unwrap_or(entry_point);
    em.position_at_function_edge(enter_point, f);
    let enter = runtime_api::fake_frame_enter(em, frame.class);
    let real_frame = em.ptr_to_int(frame.slots[0].0);
    let fake = enter.call_for_int(em, &[real_frame.into()]);
    if let Some(slot) = frame_slot {
        em.store(slot, fake);
    }
    let in_fake = em.icmp_ne(fake, em.const_i64(0));
    let base = em.and(
        em.add(fake, em.const_i64(frame.align - 1)),
        em.const_i64(frame.align.wrapping_neg()),
    );
    let allocas: Vec<InstructionValue> = frame
        .slots
        .iter()
        .map(|(a, _)| a.as_instruction().expect("a slot is an alloca"))
        .collect();
    let description = stack_redzones::description(em, f, &allocas, &frame.objects);
    if_then(em, f, in_fake, enter_point, 1000, || {
        stack_redzones::paint(
            em,
            fake,
            base,
            frame.size,
            &frame.objects,
            frame.length,
            description,
        )
    });
    let mut markers = Vec::new();
    for (((alloca, offset), users), object) in frame.slots.iter().zip(&users).zip(&frame.objects) {
        let address = if *offset == 0 {
            base
        } else {
            em.add(base, em.const_i64(*offset))
        };
        let moved = em.int_to_ptr(address);
        let local = em.select(in_fake, moved, *alloca);
        for &user in users {
            if is_lifetime_marker(user) {
                markers.push((user, *offset, object.size));
            } else {
                ir::replace_operand_uses(user, *alloca, local);
            }
        }
    }
    for &ret in &plan.returns {
        em.position_at_function_edge(ret, f);
        // Lazily entered: the slot says whether this path entered. Either way the runtime may have
        // said 0 (no slot free, fake frames off).
        let entered = match frame_slot {
            Some(slot) => em.load(em.i64, slot, 8),
            None => fake,
        };
        let was_entered = em.icmp_ne(entered, em.const_i64(0));
        if_then(em, f, was_entered, ret, 1, || {
            leave(em, entered, frame.size)
        });
    }
    // Scopes: each marker repaints its object where the frame it runs in is a fake one (the slot
    // says so when entered lazily: a marker may run before the enter, or on a path without it).
    for &(marker, offset, size) in &markers {
        if redundant.contains(&marker) {
            continue;
        }
        em.position_at_function_edge(marker, f);
        let entered = match frame_slot {
            Some(slot) => em.load(em.i64, slot, 8),
            None => fake,
        };
        let in_fake = em.icmp_ne(entered, em.const_i64(0));
        let align = frame.align;
        if_then(em, f, in_fake, marker, 1000, || {
            let base = em.and(
                em.add(entered, em.const_i64(align - 1)),
                em.const_i64(align.wrapping_neg()),
            );
            let at = if offset == 0 {
                base
            } else {
                em.add(base, em.const_i64(offset))
            };
            stack_redzones::mark_scope(em, at, size, is_lifetime_start(marker));
        });
    }
    // Lifetime markers may only name an alloca, and the moved local lives for the whole call. Erased
    // last: the entry point the builder was placed before may be one of them.
    for (marker, _, _) in markers {
        marker.erase_from_basic_block();
    }
}
