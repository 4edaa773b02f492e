//! Collect: one read-only walk over a function that lists what may need a check (memory accesses and
//! the ranges of memory calls), the libc string calls to hook, the returns, the entry block's static
//! allocas and the facts that rule out a fake frame. Nothing is changed here.
use llvm_sys::core::LLVMGetEntryBasicBlock;
use llvm_sys::LLVMOpcode;
use llvm_sys::LLVMTypeKind;

use crate::ir::{self, Emitter, Value};
use crate::libc_calls::{self, KnownCall};
use crate::skip::FunctionRole;

/// How many bytes an access touches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccessSize {
    /// Known at compile time.
    Fixed(u64),
    /// A scalable vector: `vscale * min` bytes.
    Scalable(u64),
    /// The value of an integer operand (the length of a memory call).
    Dynamic(Value),
}

/// One memory operand to check before `inst` runs.
#[derive(Clone, Copy, Debug)]
pub struct Access {
    /// The instruction the check goes before (and whose debug location reports use).
    pub inst: Value,
    pub ptr: Value,
    pub size: AccessSize,
    /// Alignment of the access in bytes (1 for memory calls, which assume none).
    pub align: u32,
    pub is_write: bool,
}

/// In-block order of accesses and of calls that may free memory (for duplicate elision).
#[derive(Clone, Copy, Debug)]
pub enum Event {
    Access(usize),
    MayFree,
}

#[derive(Default)]
pub struct FunctionPlan {
    pub accesses: Vec<Access>,
    /// Per basic block, its accesses and possibly-freeing calls in order.
    pub blocks: Vec<Vec<Event>>,
    /// libc string calls and the hook name for each.
    pub string_calls: Vec<(Value, &'static str)>,
    /// Number of memory-function calls checked by range (libc and intrinsics).
    pub memory_calls: usize,
    pub returns: Vec<Value>,
    /// The allocas at the top of the entry block (static: constant size, allocated once per call).
    pub entry_allocas: Vec<Value>,
    /// The first instruction of the entry block after those allocas: where entry code goes.
    pub entry_point: Option<Value>,
    /// A `returns_twice` callee (setjmp, vfork): a second return would see a left fake frame.
    pub calls_returns_twice: bool,
    /// A `musttail` call must be followed by `ret` alone: no room for the frame leave call.
    pub has_musttail: bool,
}

fn access_size(em: &Emitter, ty: llvm_sys::prelude::LLVMTypeRef) -> Option<AccessSize> {
    // SAFETY: ty is a live type of the module.
    unsafe {
        use llvm_sys::core::*;
        if LLVMTypeIsSized(ty) == 0 {
            return None;
        }
        if LLVMGetTypeKind(ty) == LLVMTypeKind::LLVMScalableVectorTypeKind {
            let elem = LLVMGetElementType(ty);
            if LLVMGetTypeKind(elem) == LLVMTypeKind::LLVMScalableVectorTypeKind {
                return None;
            }
            let elem_bits = llvm_sys::target::LLVMSizeOfTypeInBits(em.data_layout, elem);
            return Some(AccessSize::Scalable(
                (elem_bits * LLVMGetVectorSize(ty) as u64).div_ceil(8),
            ));
        }
    }
    Some(AccessSize::Fixed(em.store_size(ty)))
}

/// The memory operand of a load, store or atomic, if it is one ffisan checks.
fn memory_access(em: &Emitter, inst: Value) -> Option<Access> {
    let (ptr, value_ty, is_write) = match ir::opcode(inst) {
        LLVMOpcode::LLVMLoad => (ir::operand(inst, 0), ir::type_of(inst), false),
        LLVMOpcode::LLVMStore => (
            ir::operand(inst, 1),
            ir::type_of(ir::operand(inst, 0)),
            true,
        ),
        LLVMOpcode::LLVMAtomicRMW => (
            ir::operand(inst, 0),
            ir::type_of(ir::operand(inst, 1)),
            true,
        ),
        LLVMOpcode::LLVMAtomicCmpXchg => (
            ir::operand(inst, 0),
            ir::type_of(ir::operand(inst, 1)),
            true,
        ),
        _ => return None,
    };
    // Other address spaces are not ordinary memory (x86 %fs/%gs-relative, GPU memories).
    if ir::address_space(ptr) != 0 {
        return None;
    }
    let size = access_size(em, value_ty)?;
    if size == AccessSize::Fixed(0) {
        return None;
    }
    Some(Access {
        inst,
        ptr,
        size,
        align: ir::alignment(inst).max(1),
        is_write,
    })
}

fn is_static_alloca(inst: Value) -> bool {
    ir::opcode(inst) == LLVMOpcode::LLVMAlloca
        && ir::address_space(inst) == 0
        && ir::const_int_value(ir::operand(inst, 0)).is_some()
}

/// A call to a libc memory or string function (not an intrinsic). In a cgo wrapper such a call is
/// `C.strlen(p)` itself: its arguments are the pointers the C function reads, so they are checked.
fn is_libc_call(inst: Value) -> bool {
    ir::is_call_like(inst)
        && ir::callee_name(inst).is_some_and(|n| !n.starts_with("llvm."))
        && libc_calls::classify(inst).is_some()
}

/// Walks `f` once. In a cgo wrapper only code inlined into it (user C) is collected: the wrapper's
/// own loads and stores read the argument frame on the goroutine stack, managed memory by design;
/// the one exception is a direct libc call (`C.strlen(p)`), whose arguments are C's to check.
pub fn collect(em: &Emitter, f: Value, role: FunctionRole) -> FunctionPlan {
    let mut plan = FunctionPlan::default();
    // SAFETY: f is a defined function, so it has an entry block.
    let entry = unsafe { LLVMGetEntryBasicBlock(f) };
    for bb in ir::function_blocks(f) {
        let mut events = Vec::new();
        let instructions = ir::block_instructions(bb);
        if bb == entry {
            plan.entry_allocas = instructions
                .iter()
                .copied()
                .take_while(|&i| is_static_alloca(i))
                .collect();
            plan.entry_point = instructions.iter().copied().find(|&i| !is_static_alloca(i));
        }
        for inst in instructions {
            match ir::opcode(inst) {
                LLVMOpcode::LLVMRet => plan.returns.push(inst),
                LLVMOpcode::LLVMCall | LLVMOpcode::LLVMInvoke | LLVMOpcode::LLVMCallBr => {
                    plan.calls_returns_twice |= ir::call_has_fn_attr(inst, "returns_twice");
                    plan.has_musttail |= ir::is_musttail_call(inst);
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
                continue;
            }
            if !ir::is_call_like(inst) {
                continue;
            }
            match libc_calls::classify(inst) {
                Some(KnownCall::StringHook(name)) => plan.string_calls.push((inst, name)),
                Some(KnownCall::Ranges(ranges)) => {
                    plan.memory_calls += 1;
                    for r in ranges {
                        let ptr = ir::operand(inst, r.ptr_arg);
                        let len = ir::operand(inst, r.len_arg);
                        if ir::const_int_value(len) == Some(0) {
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
