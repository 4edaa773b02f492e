//! Instrument: the inline fast path for 1, 2, 4, 8 and aligned 16-byte accesses, the same inline
//! shadow test guarding a whole-range check for other sizes up to 32 bytes, and a plain whole-range
//! check for everything else (large, scalable, or run-time sizes).
//!
//! Fast path (shadow(a) = (a >> 3) | SHADOW_OFFSET, one byte per 8-byte granule):
//! ```text
//!   %a = ptrtoint ptr %p to i64
//!   %s = load i8, ptr inttoptr ((%a >> 3) | 0x400000000000)
//!   [%s = or %s, shadow byte of the access's last byte]      ; only if it may straddle granules
//!   %bad = icmp ne (and %s, MASK), 0                           ; MASK 0xbf for loads, 0xff for stores
//!   br %bad, label %slow, label %cont, !prof {1, 1048575}
//! slow:                                                       ; single-granule accesses only:
//!   %last = trunc ((%a & 7) + SIZE - 1) to i8                  ; a partial granule (1..7) that
//!   br (%last u>= %m or %m u>= 8), label %call, label %cont    ; covers the access is fine
//! call:
//!   call void @__ffisan_slow_access(i64 %a, i64 SIZE, i32 FLAGS), !dbg <the access's location>
//! ```
//! A non-zero masked shadow byte is not necessarily an error (managed memory, read-only data for
//! a straddling load): the runtime's slow path decides.
use inkwell::values::{AsValueRef, InstructionValue, IntValue, PointerValue};
use llvm_sys::prelude::LLVMValueRef;

use crate::collect::{Access, AccessSize};
use crate::contract::{GRANULE, LOAD_MASK, SHADOW_OFFSET, SHADOW_SCALE, STORE_MASK};
use crate::emitter::Emitter;
use crate::ir;
use crate::runtime_api::{self, Domain};

/// Branch weights of the slow path: taken about once in a million.
const SLOW_PATH_WEIGHT: u32 = 1;
const FAST_PATH_WEIGHT: u32 = 1_048_575;

extern "C" {
    /// `shim/register.cpp`: `SplitBlockAndInsertIfThen` with branch weights; returns the new block's
    /// terminator.
    fn ffisan_split_block_if_then(
        cond: LLVMValueRef,
        split_before: LLVMValueRef,
        then_weight: u32,
        else_weight: u32,
    ) -> LLVMValueRef;
}

/// `inttoptr((a >> 3) | SHADOW_OFFSET)`
fn shadow_address<'ctx>(em: &Emitter<'ctx>, addr: IntValue<'ctx>) -> PointerValue<'ctx> {
    let shifted = em.lshr(addr, SHADOW_SCALE as u64);
    em.int_to_ptr(em.or(shifted, em.const_i64(SHADOW_OFFSET as u64)))
}

/// Splits before `inst` on `cond` and returns the terminator of the cold block (insert before it).
fn cold_branch<'ctx>(
    em: &Emitter<'ctx>,
    cond: IntValue<'ctx>,
    inst: InstructionValue<'ctx>,
) -> InstructionValue<'ctx> {
    let cond_inst = cond
        .as_instruction()
        .expect("the shadow test is an instruction");
    // SAFETY: cond is an i1 computed just before inst in the same block; the shim splits the block
    // and returns the cold block's terminator.
    let then_term = unsafe {
        InstructionValue::new(ffisan_split_block_if_then(
            cond.as_value_ref(),
            inst.as_value_ref(),
            SLOW_PATH_WEIGHT,
            FAST_PATH_WEIGHT,
        ))
    };
    let branch = cond_inst
        .get_parent()
        .and_then(|block| block.get_terminator())
        .expect("the split block ends in the new branch");
    em.mark_instruction(branch);
    em.mark_instruction(then_term)
}

/// Inserts the check for one access before its instruction.
pub fn instrument_access<'ctx>(em: &Emitter<'ctx>, access: &Access<'ctx>, domain: Domain) {
    let flags = runtime_api::access_flags(domain, access.is_write);
    let loc = ir::debug_loc(access.inst);
    em.position_before(access.inst, loc);
    let addr = em.ptr_to_int(access.ptr);
    let align = access.align as u64;
    match access.size {
        AccessSize::Fixed(16) if align >= 16 => shadow_check(
            em,
            access,
            addr,
            16,
            flags,
            ShadowLoad::AlignedPair,
            SlowCall::Access,
        ),
        // 1, 2, 4 and 8 bytes go to the slow access path; small odd or unaligned sizes (unaligned
        // vectors, i24, small structs) get the same inline shadow test over every granule they
        // touch, guarding the whole-range check.
        AccessSize::Fixed(size) if size <= MAX_INLINE_RANGE => {
            let probes = granule_probes(size, align);
            let slow = if matches!(size, 1 | 2 | 4 | 8) {
                SlowCall::Access
            } else {
                SlowCall::Range
            };
            shadow_check(
                em,
                access,
                addr,
                size,
                flags,
                ShadowLoad::Bytes(&probes),
                slow,
            )
        }
        AccessSize::Fixed(size) => check_range(em, addr, em.const_i64(size), flags),
        AccessSize::Scalable(min) => {
            let (vscale_ty, vscale) = em.vscale_i64();
            let scale = em.call(vscale_ty, vscale, &[]).try_as_basic_value();
            let scale = scale
                .expect_basic("llvm.vscale returns i64")
                .into_int_value();
            check_range(em, addr, em.mul(scale, em.const_i64(min)), flags)
        }
        AccessSize::Dynamic(len) => check_range(em, addr, em.int_cast_to_i64(len), flags),
    }
}

/// Largest fixed size checked inline before falling back to a plain `__ffisan_check_range` call.
const MAX_INLINE_RANGE: u64 = 32;

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
    /// `__ffisan_slow_access`: the runtime decides partial granules and managed memory.
    Access,
    /// `__ffisan_check_range`: for sizes the slow access path is not meant for.
    Range,
}

fn check_range<'ctx>(em: &Emitter<'ctx>, addr: IntValue<'ctx>, size: IntValue<'ctx>, flags: u32) {
    let f = runtime_api::check_range(em);
    let flags = em.i32.const_int(flags as u64, false);
    f.call(em, &[addr.into(), size.into(), flags.into()]);
}

fn shadow_check<'ctx>(
    em: &Emitter<'ctx>,
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
    let (shadow, mask) = match load {
        ShadowLoad::AlignedPair => (
            em.load(em.i16, shadow_address(em, addr), 2),
            em.i16.const_int(mask << 8 | mask, false),
        ),
        ShadowLoad::Bytes(probes) => {
            let mut shadow = em.load(em.i8, shadow_address(em, addr), 1);
            for &offset in &probes[1..] {
                let probe = em.add(addr, em.const_i64(offset));
                shadow = em.or(shadow, em.load(em.i8, shadow_address(em, probe), 1));
            }
            (shadow, em.i8.const_int(mask, false))
        }
    };
    let masked = em.and(shadow, mask);
    let bad = em.icmp_ne(masked, mask.get_type().const_zero());
    let mut slow_block_end = cold_branch(em, bad, access.inst);
    em.position_before(slow_block_end, ir::debug_loc(access.inst));
    if let ShadowLoad::Bytes([_]) = load {
        // Within one granule: a partial granule (a chunk's tail) covering the access is no error.
        // Decided inline, as ASan does: objects of odd sizes are common (strings), and a runtime
        // call for every access to their last bytes would cost more than all other checks.
        let last = em.add(
            em.and(addr, em.const_i64(GRANULE as u64 - 1)),
            em.const_i64(size - 1),
        );
        let last = em.trunc_to_i8(last);
        let partial = em.i8.const_int(GRANULE as u64, false);
        let beyond = em.or(em.icmp_uge(last, masked), em.icmp_uge(masked, partial));
        slow_block_end = cold_branch(em, beyond, slow_block_end);
        em.position_before(slow_block_end, ir::debug_loc(access.inst));
    }
    let flags = em.i32.const_int(flags as u64, false);
    let args = [addr.into(), em.const_i64(size).into(), flags.into()];
    match slow_call {
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
