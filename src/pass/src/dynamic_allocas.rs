//! Redzones around dynamic allocas (VLAs, `alloca(n)`), which stay on the real stack, laid out as
//! ASan lays them out:
//!
//! ```text
//!   %vla = alloca i32, i64 %n, align 16
//! becomes
//!   %bytes = mul i64 %n, 4
//!   %vla.rz = alloca i8, i64 (A + ((%bytes + 31) & -32) + 32), align A   ; A = max(32, align)
//!   %vla = %vla.rz + A                                ; replaces every use of the old alloca
//!   call @__ffisan_alloca_poison(%vla, %bytes)        ; 32 bytes left, the tail and 32+ right
//!   store %vla - 32, %lowest                          ; the lowest redzone this frame painted
//! ```
//! Before each `ret`, `__ffisan_allocas_unpoison(%lowest, &%lowest)` clears what the frame painted
//! (`%lowest` is a static slot of the frame, above its dynamic part); before each
//! `llvm.stackrestore(%saved)`, `__ffisan_allocas_unpoison(%lowest, %saved)` clears what it pops,
//! and `%lowest` moves up to `%saved`. The runtime clears the rest on longjmp and thread exit
//! (`runtime/src/threads/dynamic_allocas.rs`).
use inkwell::values::{BasicValueEnum, FunctionValue, InstructionValue, IntValue};

use crate::collect::FunctionPlan;
use crate::emitter::Emitter;
use crate::inkwell_gaps;
use crate::ir;
use crate::runtime_api;

/// ASan's `kAllocaRzSize`: the left redzone, and the least right one.
const REDZONE: u64 = 32;

/// The dynamic allocas of `plan` that get redzones: those used only by loads, stores, address
/// arithmetic, calls and the intrinsics that do not tie an alloca to its slot (lifetime markers,
/// debug records, memory intrinsics).
pub fn chosen<'ctx>(plan: &FunctionPlan<'ctx>) -> Vec<InstructionValue<'ctx>> {
    plan.dynamic_allocas
        .iter()
        .copied()
        .filter(|&alloca| {
            ir::users(alloca).into_iter().all(|user| {
                let name = ir::is_call_like(user)
                    .then(|| ir::callee_name(user))
                    .flatten();
                match name.as_deref().and_then(|n| n.strip_prefix("llvm.")) {
                    Some(intrinsic) => ["lifetime.", "dbg.", "memcpy", "memmove", "memset"]
                        .iter()
                        .any(|p| intrinsic.starts_with(p)),
                    None => true,
                }
            })
        })
        .collect()
}

/// Rewrites the `allocas` (from `chosen`) of `f` with redzones, and unpoisons them where the
/// function returns and where `llvm.stackrestore` pops them.
pub fn apply<'ctx>(
    em: &Emitter<'ctx>,
    f: FunctionValue<'ctx>,
    plan: &FunctionPlan<'ctx>,
    allocas: &[InstructionValue<'ctx>],
) {
    if allocas.is_empty() {
        return;
    }
    // The frame's lowest painted redzone (0: none yet), a static slot at the entry block's top.
    let entry_top = f
        .get_first_basic_block()
        .and_then(|b| b.get_first_instruction())
        .expect("a function with allocas has an entry block");
    em.position_at_function_edge(entry_top, f);
    let lowest = em.alloca_int(em.i64);
    em.store(lowest, em.const_i64(0));
    let poison = runtime_api::alloca_poison(em);
    let unpoison = runtime_api::allocas_unpoison(em);

    for &alloca in allocas {
        em.position_at_function_edge(alloca, f);
        let count = match ir::operand(alloca, 0) {
            Some(BasicValueEnum::IntValue(n)) => em.int_cast_to_i64(n),
            _ => continue,
        };
        let element = inkwell_gaps::allocated_size(&em.target_data, alloca);
        let bytes = em.mul(count, em.const_i64(element));
        let align = (alloca.get_alignment().unwrap_or(1) as u64).max(REDZONE);
        let rounded = em.and(
            em.add(bytes, em.const_i64(REDZONE - 1)),
            em.const_i64(REDZONE.wrapping_neg()),
        );
        let total = em.add(rounded, em.const_i64(align + REDZONE));
        let padded = em.array_alloca_i8(total, align as u32);
        let object = em.add(em.ptr_to_int(padded), em.const_i64(align));
        poison.call(em, &[object.into(), bytes.into()]);
        em.store(lowest, em.sub(object, em.const_i64(REDZONE)));
        let object = em.int_to_ptr(object);
        // Lifetime markers may only name an alloca; the redzoned one lives until the frame or a
        // stackrestore pops it.
        for user in ir::users(alloca) {
            if ir::callee_name(user).is_some_and(|n| n.starts_with("llvm.lifetime.")) {
                user.erase_from_basic_block();
            }
        }
        if let Some(BasicValueEnum::PointerValue(old)) = inkwell_gaps::result(alloca) {
            old.replace_all_uses_with(object);
        }
        alloca.erase_from_basic_block();
    }

    let top = em_top(em, f, lowest.as_instruction().expect("an alloca"));
    for &ret in &plan.returns {
        em.position_at_function_edge(ret, f);
        let lo = em.load(em.i64, lowest, 8);
        unpoison.call(em, &[lo.into(), top.into()]);
    }
    for &restore in &plan.stack_restores {
        let Some(BasicValueEnum::PointerValue(saved)) = ir::operand(restore, 0) else {
            continue;
        };
        em.position_at_function_edge(restore, f);
        let lo = em.load(em.i64, lowest, 8);
        let saved = em.ptr_to_int(saved);
        unpoison.call(em, &[lo.into(), saved.into()]);
        // What is left lies at or above %saved: the next ret clears from there.
        let popped = em.icmp_ult(lo, saved);
        em.store(lowest, em.select(popped, saved, lo));
    }
}

/// The integer address of the `lowest` slot: the top of the frame's dynamic part. Computed right
/// after the slot, so it dominates every use.
fn em_top<'ctx>(
    em: &Emitter<'ctx>,
    f: FunctionValue<'ctx>,
    lowest: InstructionValue<'ctx>,
) -> IntValue<'ctx> {
    let after = lowest
        .get_next_instruction()
        .expect("the slot's initialising store follows it");
    em.position_at_function_edge(after, f);
    match inkwell_gaps::result(lowest) {
        Some(BasicValueEnum::PointerValue(p)) => em.ptr_to_int(p),
        _ => unreachable!("an alloca is a pointer"),
    }
}
