//! Instrument: the inline fast path for 1, 2, 4, 8 and aligned 16-byte accesses, the same inline
//! shadow test guarding a whole-range check for other sizes up to 32 bytes, and a plain whole-range
//! check for everything else (large, scalable, or run-time sizes).
//!
//! Fast path (shadow(a) = (a >> 3) + SHADOW_OFFSET, one byte per 8-byte granule):
//! ```text
//!   %a = ptrtoint ptr %p to i64
//!   %s = load i8, ptr inttoptr ((%a >> 3) + 0x7fff8000)
//!   [%s = or %s, shadow byte of the access's last byte]      ; only if it may straddle granules
//!   %bad = icmp ne (and %s, MASK), 0                           ; MASK 0xbf for loads, 0xff for stores
//!   br %bad, label %slow, label %cont, !prof {1, 1048575}
//! slow:                                                       ; 1-byte accesses only:
//!   %last = trunc (%a & 7) to i8                               ; a partial granule (1..7) that
//!   br (%last u>= %m or %m u>= 8), label %call, label %cont    ; covers the byte is fine
//! call:
//!   call void @__ffisan_slow_load<SIZE>(i64 %a), !dbg <the access's location>   ; or _store, _rust_load, _rust_store
//! ```
//! A non-zero masked shadow byte is not necessarily an error (managed memory, read-only data for
//! a straddling load, a partial granule covering a 2- to 7-byte access): the runtime's slow path
//! decides.
use std::collections::HashMap;

use inkwell::values::{AsValueRef, InstructionValue, IntValue, PointerValue};
use llvm_sys::prelude::LLVMValueRef;

use crate::collect::{Access, AccessSize, MAX_INLINE_RANGE};
use crate::contract::{
    DEAD_STACK_WINDOW, GRANULE, LOAD_MASK, SHADOW_OFFSET, SHADOW_SCALE, STORE_MASK,
};
use crate::emitter::Emitter;
use crate::group::{Cluster, Group, MAX_GROUP_SPAN};
use crate::ir;
use crate::runtime_api::{self, Domain};

/// Branch weights of the slow path: taken about once in a million.
const SLOW_PATH_WEIGHT: u32 = 1;
const FAST_PATH_WEIGHT: u32 = 1_048_575;

extern "C" {
    /// `shim/register.cpp`: turns a block's final unconditional branch into a branch to a new
    /// block when `cond` holds; returns the new block's terminator (null: not possible).
    fn ffisan_branch_to_new_block_if(
        cond: LLVMValueRef,
        term: LLVMValueRef,
        then_weight: u32,
        else_weight: u32,
    ) -> LLVMValueRef;
}

/// `inttoptr((a >> 3) + SHADOW_OFFSET)`: x86 folds the add into the load's address as a 32-bit
/// displacement (`testb $m, 0x7fff8000(%rs)`), so no register holds the offset.
pub(crate) fn shadow_address<'ctx>(em: &Emitter<'ctx>, addr: IntValue<'ctx>) -> PointerValue<'ctx> {
    let shifted = em.lshr(addr, SHADOW_SCALE as u64);
    em.int_to_ptr(em.add(shifted, em.const_i64(SHADOW_OFFSET as u64)))
}

/// Splits before `inst` on `cond` and returns the terminator of the cold block (insert before it).
pub(crate) fn cold_branch<'ctx>(
    em: &Emitter<'ctx>,
    cond: IntValue<'ctx>,
    inst: InstructionValue<'ctx>,
) -> InstructionValue<'ctx> {
    em.split_if_then(cond, inst, SLOW_PATH_WEIGHT, FAST_PATH_WEIGHT)
}

/// Like `cold_branch` where the condition is computed at the end of a cold block, before its final
/// unconditional branch `term`: the new cold block is branched to directly, without splitting off
/// an empty block for `term`.
fn cold_branch_at_end<'ctx>(
    em: &Emitter<'ctx>,
    cond: IntValue<'ctx>,
    term: InstructionValue<'ctx>,
) -> InstructionValue<'ctx> {
    let branch_block = term.get_parent();
    // SAFETY: cond is an i1 computed just before term, the terminator of the same block.
    let then_term = unsafe {
        ffisan_branch_to_new_block_if(
            cond.as_value_ref(),
            term.as_value_ref(),
            SLOW_PATH_WEIGHT,
            FAST_PATH_WEIGHT,
        )
    };
    if then_term.is_null() {
        return cold_branch(em, cond, term);
    }
    if let Some(branch) = branch_block.and_then(|b| b.get_terminator()) {
        em.mark_instruction(branch);
    }
    // SAFETY: a non-null result is the new block's terminator.
    em.mark_instruction(unsafe { InstructionValue::new(then_term) })
}

/// Inserts the check for one access before its instruction.
pub fn instrument_access<'ctx>(em: &Emitter<'ctx>, access: &Access<'ctx>, domain: Domain) {
    let flags = runtime_api::access_flags(domain, access.is_write);
    let loc = ir::debug_loc(access.inst);
    em.position_before(access.inst, loc);
    let addr = em.ptr_to_int(access.ptr);
    match access.size {
        AccessSize::Fixed(size) if size <= MAX_INLINE_RANGE => {
            inline_check(em, access.inst, access, addr, size, flags)
        }
        AccessSize::Fixed(size) => {
            checked_range(em, access.inst, addr, em.const_i64(size), Some(size), flags)
        }
        AccessSize::Scalable(min) => {
            let (vscale_ty, vscale) = em.vscale_i64();
            let scale = em.call(vscale_ty, vscale, &[]).try_as_basic_value();
            let scale = scale
                .expect_basic("llvm.vscale returns i64")
                .into_int_value();
            check_range(em, addr, em.mul(scale, em.const_i64(min)), flags)
        }
        AccessSize::Dynamic(len) => {
            let constant = len.get_zero_extended_constant();
            let len = em.int_cast_to_i64(len);
            checked_range(em, access.inst, addr, len, constant, flags)
        }
    }
}

/// The inline shadow test of a fixed-size access of at most `MAX_INLINE_RANGE` bytes at `addr`,
/// inserted before `at` (the access itself, or the cold block of a group test), reporting at the
/// access's debug location.
fn inline_check<'ctx>(
    em: &Emitter<'ctx>,
    at: InstructionValue<'ctx>,
    access: &Access<'ctx>,
    addr: IntValue<'ctx>,
    size: u64,
    flags: u32,
) {
    let align = access.align as u64;
    let slow = slow_call(size, align);
    if size == 16 && align >= 16 {
        return shadow_check(
            em,
            at,
            access,
            addr,
            16,
            flags,
            ShadowLoad::AlignedPair,
            slow,
        );
    }
    let probes = granule_probes(size, align);
    shadow_check(
        em,
        at,
        access,
        addr,
        size,
        flags,
        ShadowLoad::Bytes(&probes),
        slow,
    )
}

/// Inserts one cluster test before the cluster's first member (see `group.rs`): each part's group
/// test, ORed (widened to i64) when there are several, then one branch. A group test:
/// ```text
///   %start = ptrtoint BASE + MIN
///   %s = load i64, ptr inttoptr ((%start >> 3) + 0x7fff8000), align 1
///   %k = ((%start & 7) + SPAN + 7) & ~7                 ; 8 x granules the span touches
///   %bad = icmp ne (and %s, lshr (MASK x 8, 64 - %k)), 0  ; MASK 0xff if a member stores, else 0xbf
///   br %bad, label %members, label %cont, !prof {1, 1048575}
///   ; when the start is 8-aligned (or the span within one granule), the granule count is a
///   ; constant: the narrowest of i8/i16/i32/i64 is loaded and masked with a constant instead.
/// members:                                               ; each member in turn, at its location
///   call void @__ffisan_slow_<kind><SIZE_i>(i64 BASE + OFFSET_i)
///   ... (a 1-byte member: its ordinary inline check instead) ...
/// ```
pub fn instrument_cluster<'ctx>(
    em: &Emitter<'ctx>,
    cluster: &Cluster<'ctx>,
    accesses: &[Access<'ctx>],
    domain: Domain,
) {
    let leader = accesses[cluster.leader()].inst;
    em.position_before(leader, ir::debug_loc(leader));
    // Parts of one base (farther apart than one group spans) share its ptrtoint.
    let mut seen: HashMap<PointerValue, IntValue> = HashMap::new();
    let bases: Vec<IntValue> = cluster
        .parts
        .iter()
        .map(|g| *seen.entry(g.base).or_insert_with(|| em.ptr_to_int(g.base)))
        .collect();
    let at_offset = |part: usize, offset: i64| {
        if offset == 0 {
            bases[part]
        } else {
            em.add(bases[part], em.const_i64(offset as u64))
        }
    };
    let tests: Vec<IntValue> = cluster
        .parts
        .iter()
        .enumerate()
        .map(|(part, g)| group_test(em, g, accesses, at_offset(part, g.start)))
        .collect();
    // One part keeps the type of its shadow load; several are widened and ORed.
    let dirty = match tests[..] {
        [only] => only,
        _ => tests
            .iter()
            .map(|&t| em.int_cast_to_i64(t))
            .reduce(|a, b| em.or(a, b))
            .expect("a cluster has parts"),
    };
    let bad = em.icmp_ne(dirty, dirty.get_type().const_zero());
    let members_end = cold_branch(em, bad, leader);
    for (index, offset, part) in cluster.members() {
        let access = &accesses[index];
        let AccessSize::Fixed(size) = access.size else {
            unreachable!("group members have fixed sizes");
        };
        em.position_before(members_end, ir::debug_loc(access.inst));
        let addr = at_offset(part, offset);
        let flags = runtime_api::access_flags(domain, access.is_write);
        match slow_call(size, access.align as u64) {
            // The runtime decides exactly what the member's inline test and call would have
            // (a clean granule in the prologue of `__ffisan_slow_access`, at once), without the
            // test's block and instructions in a path taken about never. A byte keeps its test:
            // a group ending in a string's partial granule takes this path on every scan.
            SlowCall::Access if size > 1 => call_slow(em, SlowCall::Access, addr, size, flags),
            _ => inline_check(em, members_end, access, addr, size, flags),
        }
    }
}

/// A group's shadow bytes under its span, masked (non-zero: some member may be bad), computed from
/// `start` = base + the group's lowest offset.
fn group_test<'ctx>(
    em: &Emitter<'ctx>,
    group: &Group<'ctx>,
    accesses: &[Access<'ctx>],
    start: IntValue<'ctx>,
) -> IntValue<'ctx> {
    let byte_mask = if group.any_write {
        STORE_MASK
    } else {
        LOAD_MASK
    } as u64;
    // The member at the group's start tells how the span sits in its granule.
    let start_align = group
        .members
        .iter()
        .filter(|&&(_, offset)| offset == group.start)
        .map(|&(index, _)| accesses[index].align as u64)
        .max()
        .unwrap_or(1);
    // How many granules the span covers, when alignment fixes it at compile time.
    let known_granules = if start_align >= GRANULE as u64 {
        Some(group.span().div_ceil(GRANULE as u64))
    } else if granule_probes(group.span(), start_align).len() == 1 {
        Some(1) // `p->x += 1`, two halves of an aligned word: within one granule
    } else {
        None
    };
    let (shadow, mask) = match known_granules {
        // The narrowest load holding those shadow bytes, and a constant mask keeping just them.
        Some(granules) => {
            let ty = match granules {
                1 => em.i8,
                2 => em.i16,
                3 | 4 => em.i32,
                _ => em.i64,
            };
            let mask = (0..granules).fold(0u64, |m, i| m | byte_mask << (8 * i));
            (
                em.load(ty, shadow_address(em, start), 1),
                ty.const_int(mask, false),
            )
        }
        None => {
            let shadow = em.load(em.i64, shadow_address(em, start), 1);
            let span = em.const_i64(group.span());
            (shadow, span_mask(em, start, span, byte_mask))
        }
    };
    em.and(shadow, mask)
}

/// The runtime entry that decides an access of `size` bytes the inline test found non-zero: the
/// slow access path for 1, 2, 4, 8 and aligned 16 bytes; small odd or unaligned sizes (unaligned
/// vectors, i24, small structs) get the same inline shadow test over every granule they touch,
/// guarding the whole-range check.
fn slow_call(size: u64, align: u64) -> SlowCall {
    match size {
        1 | 2 | 4 | 8 => SlowCall::Access,
        16 if align >= 16 => SlowCall::Access,
        _ => SlowCall::Range,
    }
}

/// The mask that keeps, of the 8 shadow bytes loaded at shadow(`start`), those of the granules
/// `[start, start + span)` touches (span 1..=MAX_GROUP_SPAN), each masked with `byte_mask`:
/// `(byte_mask x 8) >> (64 - 8 * granules)`, granules = `((start & 7) + span + 7) / 8`. The shift
/// amount is taken modulo 64, so a larger span gives a meaningless mask but never poison.
pub(crate) fn span_mask<'ctx>(
    em: &Emitter<'ctx>,
    start: IntValue<'ctx>,
    span: IntValue<'ctx>,
    byte_mask: u64,
) -> IntValue<'ctx> {
    let granule_mask = GRANULE as u64 - 1;
    let covered_bits = em.and(
        em.add(
            em.and(start, em.const_i64(granule_mask)),
            em.add(span, em.const_i64(granule_mask)),
        ),
        em.const_i64(!granule_mask),
    );
    let all_bytes = em.const_i64(byte_mask * 0x0101_0101_0101_0101);
    let shift = em.and(em.sub(em.const_i64(64), covered_bits), em.const_i64(63));
    em.lshr_by(all_bytes, shift)
}

/// How far below our stack pointer a range is left to the runtime even when its shadow is clean:
/// the contract's window below the runtime's own stack pointer, plus room for the runtime's frames
/// between ours and its.
const DEAD_STACK_RANGE: u64 = DEAD_STACK_WINDOW as u64 + (1 << 16);

/// A whole-range check of `len` bytes at `addr` (memory calls, large accesses). A range of at most
/// `MAX_GROUP_SPAN` bytes first gets the inline shadow test of a group (one 8-byte shadow load):
/// the runtime is called only if a shadow byte under the range is non-zero, or the range may lie
/// in the dead part of the stack below the stack pointer (which the runtime also checks), or the
/// length is not known to be small. When the test passes, the runtime would have found nothing.
fn checked_range<'ctx>(
    em: &Emitter<'ctx>,
    at: InstructionValue<'ctx>,
    addr: IntValue<'ctx>,
    len: IntValue<'ctx>,
    constant_len: Option<u64>,
    flags: u32,
) {
    if constant_len.is_some_and(|n| n == 0 || n > MAX_GROUP_SPAN) {
        return check_range(em, addr, len, flags);
    }
    let is_write = flags & crate::contract::flags::WRITE != 0;
    let byte_mask = if is_write { STORE_MASK } else { LOAD_MASK } as u64;
    // A run-time length: small means 1..=MAX_GROUP_SPAN; otherwise the shadow is read at address 0
    // (always mapped) instead of a pointer that may be anything when the length is 0.
    let small = constant_len
        .is_none()
        .then(|| em.icmp_ult(em.sub(len, em.const_i64(1)), em.const_i64(MAX_GROUP_SPAN)));
    let probe = match small {
        Some(small) => em.select(small, addr, em.const_i64(0)),
        None => addr,
    };
    let shadow = em.load(em.i64, shadow_address(em, probe), 1);
    let dirty = range_shadow_dirty(em, shadow, probe, len, byte_mask);
    let below_sp = em.sub(em.sub(em.stack_pointer(), em.const_i64(1)), addr);
    let near_stack = em.icmp_ult(below_sp, em.const_i64(DEAD_STACK_RANGE));
    let mut bad = em.or(dirty, near_stack);
    if let Some(small) = small {
        bad = em.or(bad, em.not(small));
    }
    let call_end = cold_branch(em, bad, at);
    em.position_before(call_end, ir::debug_loc(at));
    check_range(em, addr, len, flags);
}

/// Whether the shadow bytes loaded at shadow(`start`) stop the range pre-test of
/// `[start, start + len)`: a granule before the last one is not clean (masked with `byte_mask`),
/// or the last one's byte is neither 0 nor a partial value k (1..=7) whose first k bytes hold the
/// range's last byte. Strings have odd lengths, and a `memcmp` or `memcpy` of one ends in its
/// partial granule: without the second part every such call went to the runtime (Lua's string
/// interning compares and copies every new string). Meaningless, but never poison, when `len` is
/// not in 1..=MAX_GROUP_SPAN.
fn range_shadow_dirty<'ctx>(
    em: &Emitter<'ctx>,
    shadow: IntValue<'ctx>,
    start: IntValue<'ctx>,
    len: IntValue<'ctx>,
    byte_mask: u64,
) -> IntValue<'ctx> {
    let granule_mask = em.const_i64(GRANULE as u64 - 1);
    let zero = em.const_i64(0);
    // 8 x the index (0..=7) of the last granule among the loaded 8: where its byte sits.
    let last_in_granules = em.add(em.and(start, granule_mask), em.sub(len, em.const_i64(1)));
    let last_bit = em.and(last_in_granules, em.const_i64(0x38));
    let before_last = em.and(
        span_mask(em, start, len, byte_mask),
        em.not(em.shl_by(em.const_i64(0xff), last_bit)),
    );
    let value = em.and(em.lshr_by(shadow, last_bit), em.const_i64(byte_mask));
    let last_byte = em.and(last_in_granules, granule_mask);
    let outside = em.or(
        em.icmp_uge(last_byte, value),
        em.icmp_uge(value, em.const_i64(GRANULE as u64)),
    );
    em.or(
        em.icmp_ne(em.and(shadow, before_last), zero),
        em.and(em.icmp_ne(value, zero), outside),
    )
}

/// Byte offsets whose shadow bytes together cover every granule of `[a, a + size)`: one per 8 bytes
/// from the start, plus the last byte unless alignment proves it shares the previous probe's granule.
fn granule_probes(size: u64, align: u64) -> Vec<u64> {
    let granule = GRANULE as u64;
    let mut probes: Vec<u64> = (0..size).step_by(GRANULE).collect();
    let last = size - 1;
    let last_probe = *probes.last().expect("size > 0");
    // With the start aligned to `align`, the start's offset in its granule is a multiple of `align`,
    // so byte `last` shares the granule of probe `last_probe` when it is less than
    // `min(align, 8)` bytes beyond it.
    let same_granule = last - last_probe < align.min(granule);
    if last != last_probe && !same_granule {
        probes.push(last);
    }
    probes
}

/// How the shadow of an access is read.
enum ShadowLoad<'a> {
    /// One shadow byte per probe offset, ORed together.
    Bytes(&'a [u64]),
    /// A 16-aligned 16-byte access: its two granules' shadow bytes as one 2-aligned i16.
    AlignedPair,
}

/// What the cold block calls.
enum SlowCall {
    /// `__ffisan_slow_<kind><size>` (`__ffisan_slow_access` for any other): the runtime decides
    /// partial granules and managed memory.
    Access,
    /// `__ffisan_check_range`: for sizes the slow access path is not meant for.
    Range,
}

fn check_range<'ctx>(em: &Emitter<'ctx>, addr: IntValue<'ctx>, size: IntValue<'ctx>, flags: u32) {
    let f = runtime_api::check_range(em);
    let flags = em.i32.const_int(flags as u64, false);
    f.call(em, &[addr.into(), size.into(), flags.into()]);
}

/// The shadow test of `access` at `addr`, split off before `at`.
#[allow(clippy::too_many_arguments)]
fn shadow_check<'ctx>(
    em: &Emitter<'ctx>,
    at: InstructionValue<'ctx>,
    access: &Access<'ctx>,
    addr: IntValue<'ctx>,
    size: u64,
    flags: u32,
    load: ShadowLoad,
    slow_call: SlowCall,
) {
    let mask = if access.is_write {
        STORE_MASK
    } else {
        LOAD_MASK
    } as u64;
    let first_shadow = shadow_address(em, addr);
    let (shadow, mask) = match load {
        ShadowLoad::AlignedPair => (
            em.load(em.i16, first_shadow, 2),
            em.i16.const_int(mask << 8 | mask, false),
        ),
        ShadowLoad::Bytes(probes) => {
            let mut shadow = em.load(em.i8, first_shadow, 1);
            for &offset in &probes[1..] {
                let probe = em.add(addr, em.const_i64(offset));
                shadow = em.or(shadow, em.load(em.i8, shadow_address(em, probe), 1));
            }
            (shadow, em.i8.const_int(mask, false))
        }
    };
    let masked = em.and(shadow, mask);
    let bad = em.icmp_ne(masked, mask.get_type().const_zero());
    let mut slow_block_end = cold_branch(em, bad, at);
    em.position_before(slow_block_end, ir::debug_loc(access.inst));
    if let (ShadowLoad::Bytes([_]), 1) = (load, size) {
        // A byte in a partial granule (a chunk's tail) it is covered by is no error. Decided
        // inline for 1-byte accesses: strings have odd lengths, and a scan reads their last bytes
        // over and over (Lua's strings script: 24 million times), where a runtime call each would
        // cost more than all other checks. A wider access covered by a partial granule is rare
        // (SQLite's speedtest1: never; the Lua scripts: once), so the runtime decides it, in the
        // first instructions of `__ffisan_slow_access`: the test inline would be a block and nine
        // instructions per check, about 12% of `sqlite3.c`'s compile time. (A whole-granule access
        // is never covered by a partial one.) The shadow byte is loaded again here: with the fast
        // path its only user, the load folds into the test (`testb $mask, (shadow)`).
        let masked = em.and(em.load(em.i8, first_shadow, 1), mask);
        let last = em.trunc_to_i8(em.and(addr, em.const_i64(GRANULE as u64 - 1)));
        let partial = em.i8.const_int(GRANULE as u64, false);
        let beyond = em.or(em.icmp_uge(last, masked), em.icmp_uge(masked, partial));
        slow_block_end = cold_branch_at_end(em, beyond, slow_block_end);
        em.position_before(slow_block_end, ir::debug_loc(access.inst));
    }
    call_slow(em, slow_call, addr, size, flags);
}

/// The runtime call that decides an access of `size` bytes at `addr`, at the builder's position.
fn call_slow<'ctx>(
    em: &Emitter<'ctx>,
    slow: SlowCall,
    addr: IntValue<'ctx>,
    size: u64,
    flags: u32,
) {
    if let (SlowCall::Access, Some(sized)) =
        (&slow, runtime_api::sized_slow_access(em, size, flags))
    {
        sized.call(em, &[addr.into()]);
        return;
    }
    let flags = em.i32.const_int(flags as u64, false);
    let args = [addr.into(), em.const_i64(size).into(), flags.into()];
    match slow {
        SlowCall::Access => runtime_api::slow_access(em).call(em, &args),
        SlowCall::Range => runtime_api::check_range(em).call(em, &args),
    };
}

#[cfg(test)]
mod tests {
    use super::granule_probes;

    #[test]
    fn probes_cover_every_granule() {
        assert_eq!(granule_probes(1, 1), vec![0]);
        assert_eq!(granule_probes(4, 4), vec![0]);
        assert_eq!(granule_probes(8, 8), vec![0]);
        assert_eq!(granule_probes(4, 1), vec![0, 3]);
        assert_eq!(granule_probes(8, 4), vec![0, 7]);
        assert_eq!(granule_probes(3, 1), vec![0, 2]);
        assert_eq!(granule_probes(16, 4), vec![0, 8, 15]);
        assert_eq!(granule_probes(16, 8), vec![0, 8]);
        assert_eq!(granule_probes(32, 8), vec![0, 8, 16, 24]);
        assert_eq!(granule_probes(12, 8), vec![0, 8]);
        assert_eq!(granule_probes(12, 4), vec![0, 8]);
        assert_eq!(granule_probes(12, 2), vec![0, 8, 11]);
    }
}
