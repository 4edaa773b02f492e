//! Decide and instrument: loop accesses checked once, before their loop. A load or store that runs
//! exactly once in every iteration of a call-free loop, at `first + i * stride`, gets one
//! `__ffisan_check_loop(first, count, stride, size, flags)` in the loop's preheader instead of a
//! check per iteration (`shim/loops.cpp` states the conditions; docs/design.md why each is needed).
//! The runtime scans the span once and, if anything in it is poisoned, checks each access in turn
//! and reports the first bad one as the per-access check would have, at the access's line.
use std::collections::HashMap;

use inkwell::values::{FunctionValue, InstructionOpcode, IntValue};

use crate::collect::Decision;
use crate::collect::{Access, AccessSize, FunctionPlan};
use crate::contract::{GRANULE, LOAD_MASK, STORE_MASK};
use crate::emitter::Emitter;
use crate::group::MAX_GROUP_SPAN;
use crate::inkwell_gaps::{self, LoopHoist, LoopSpan};
use crate::instrument::{cold_branch, shadow_address, span_mask};
use crate::ir;
use crate::runtime_api::{self, Domain};

/// One check before a loop, for one access or for several that walk one progression together.
pub struct LoopCheck<'ctx> {
    /// Index in the plan of the access whose kind, size and debug location the check takes.
    pub access: usize,
    /// Index in the plan of the access leading its group (`span.group`): itself if it leads.
    pub leader: usize,
    pub span: LoopSpan<'ctx>,
}

/// Marks `Decision::HoistedLoop` the checked accesses of `plan` that can be checked before their
/// loop, and returns where. Their first addresses and counts are already in the preheaders.
pub fn hoist_loop_checks<'ctx>(
    plan: &FunctionPlan<'ctx>,
    f: FunctionValue<'ctx>,
    decisions: &mut [Decision],
) -> Vec<LoopCheck<'ctx>> {
    // Plain loads and stores of a fixed size that still need a check: memory calls and atomics
    // stay as they are (and keep their loop from qualifying).
    let candidates: Vec<usize> = (0..plan.accesses.len())
        .filter(|&i| decisions[i] == Decision::Check)
        .filter(|&i| {
            let access = &plan.accesses[i];
            matches!(access.size, AccessSize::Fixed(_))
                && matches!(
                    access.inst.get_opcode(),
                    InstructionOpcode::Load | InstructionOpcode::Store
                )
        })
        .collect();
    if candidates.is_empty() {
        return Vec::new();
    }
    let insts: Vec<_> = candidates.iter().map(|&i| plan.accesses[i].inst).collect();
    let spans = inkwell_gaps::hoistable_loop_accesses(f, &insts);
    let mut checks = Vec::new();
    for (&access, hoist) in candidates.iter().zip(spans) {
        match hoist {
            LoopHoist::No => continue,
            LoopHoist::Check(span) => checks.push(LoopCheck {
                access,
                leader: candidates[span.group],
                span,
            }),
            LoopHoist::Covered => {}
        }
        decisions[access] = Decision::HoistedLoop;
    }
    checks
}

/// Inserts the loop checks before their preheaders' terminators, each reporting at its access's
/// own debug location. A group (checks of one loop, same count and stride, starts a few bytes
/// apart) shares one inline test of the union of its spans when that union is at most
/// `MAX_GROUP_SPAN` bytes (one 8-byte shadow load): short loops, most string loops and small
/// struct copies, then cost no call. Only when the test fails are the members' checks called.
/// ```text
///   %last = first + (count - 1) * STRIDE                 ; first, SIZE: the union's, per iteration
///   %lo, %hi = first, last + SIZE                        ; last, first + SIZE when STRIDE < 0
///   %small = (%hi - %lo - 1) u< MAX_GROUP_SPAN
///   %s = load i64, shadow(%small ? %lo : 0)              ; address 0's shadow is always mapped
///   %dirty = (%s & span mask without its last granule) != 0
///   %t = load i8, shadow(%small ? %hi - 1 : 0) & MASK    ; the last granule: clean, or partial
///   %last_bad = %t != 0 and (((%hi - 1) & 7) u>= %t or %t u>= 8)   ; and covering %hi - 1
///   br %dirty or %last_bad or !%small, label %call, label %cont
/// call:                                                  ; each member, in order:
///   call void @__ffisan_check_loop(first, count, STRIDE, SIZE, FLAGS), !dbg <its access's location>
/// ```
/// The mask keeps the granules of `[lo, hi)` with each byte masked like the accesses' (0xbf if all
/// load, else 0xff). When the test passes every access of the loop would have passed: all granules
/// are clean except perhaps the last, whose first k bytes, up to the span's end, are addressable.
pub fn instrument_loop_checks<'ctx>(
    em: &Emitter<'ctx>,
    checks: &[LoopCheck<'ctx>],
    accesses: &[Access<'ctx>],
    domain: Domain,
) {
    let check_loop = runtime_api::check_loop(em);
    let size_of = |check: &LoopCheck| match accesses[check.access].size {
        AccessSize::Fixed(size) => size,
        _ => unreachable!("only fixed-size accesses are hoisted"),
    };
    // Groups in order of their leaders (a leader comes before its members).
    let mut groups: Vec<Vec<&LoopCheck<'ctx>>> = Vec::new();
    let mut group_of_leader: HashMap<usize, usize> = HashMap::new();
    for check in checks {
        match group_of_leader.get(&check.leader) {
            Some(&g) => groups[g].push(check),
            None => {
                group_of_leader.insert(check.access, groups.len());
                groups.push(vec![check]);
            }
        }
    }
    for members in groups {
        let leader = members[0];
        let span = &leader.span;
        let loc = ir::debug_loc(accesses[leader.access].inst);
        em.position_before(span.insert_before, loc);
        let leader_first = em.ptr_to_int(span.first);
        let start = members.iter().map(|m| m.span.group_offset).min();
        let end = members
            .iter()
            .map(|m| m.span.group_offset + size_of(m) as i64)
            .max();
        let (start, end) = (start.unwrap_or(0), end.unwrap_or(0));
        let first = match start {
            0 => leader_first,
            _ => em.add(leader_first, em.i64.const_int(start as u64, true)),
        };
        let any_write = members.iter().any(|m| accesses[m.access].is_write);
        let bad = span_test(em, first, span, (end - start) as u64, any_write);
        let call_end = cold_branch(em, bad, span.insert_before);
        for member in members {
            let access = &accesses[member.access];
            em.position_before(call_end, ir::debug_loc(access.inst));
            let flags = runtime_api::access_flags(domain, access.is_write);
            let args = [
                em.ptr_to_int(member.span.first).into(),
                member.span.count.into(),
                em.i64.const_int(member.span.stride as u64, true).into(),
                em.const_i64(size_of(member)).into(),
                em.i32.const_int(flags as u64, false).into(),
            ];
            check_loop.call(em, &args);
        }
    }
}

/// The inline test above for `span.count` accesses of `size` bytes at `first + i * span.stride`:
/// true when the runtime must look (something in the span is poisoned, or it is not small).
fn span_test<'ctx>(
    em: &Emitter<'ctx>,
    first: IntValue<'ctx>,
    span: &LoopSpan<'ctx>,
    size: u64,
    is_write: bool,
) -> IntValue<'ctx> {
    let stride = em.i64.const_int(span.stride as u64, true);
    let last = em.add(first, em.mul(em.sub(span.count, em.const_i64(1)), stride));
    let (lo, hi) = if span.stride > 0 {
        (first, em.add(last, em.const_i64(size)))
    } else {
        (last, em.add(first, em.const_i64(size)))
    };
    let len = em.sub(hi, lo);
    let small = em.icmp_ult(em.sub(len, em.const_i64(1)), em.const_i64(MAX_GROUP_SPAN));
    let probe = em.select(small, lo, em.const_i64(0));
    let shadow = em.load(em.i64, shadow_address(em, probe), 1);
    let byte_mask = if is_write { STORE_MASK } else { LOAD_MASK } as u64;
    // Every granule but the last must be clean; the last (its byte is the mask's highest) may
    // be a partial one that covers the span's last byte: odd-sized chunks (strings) end so.
    let all_but_last = em.lshr(span_mask(em, probe, len, byte_mask), 8);
    let dirty = em.icmp_ne(em.and(shadow, all_but_last), em.const_i64(0));
    let last_byte = em.sub(hi, em.const_i64(1));
    let last_probe = em.select(small, last_byte, em.const_i64(0));
    let last_shadow = em.load(em.i8, shadow_address(em, last_probe), 1);
    let last_shadow = em.and(last_shadow, em.i8.const_int(byte_mask, false));
    let last_offset = em.trunc_to_i8(em.and(last_byte, em.const_i64(GRANULE as u64 - 1)));
    let last_bad = em.and(
        em.icmp_ne(last_shadow, em.i8.const_zero()),
        em.or(
            em.icmp_uge(last_offset, last_shadow),
            em.icmp_uge(last_shadow, em.i8.const_int(GRANULE as u64, false)),
        ),
    );
    em.or(em.or(dirty, last_bad), em.not(small))
}
