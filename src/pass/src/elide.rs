//! Decide: which collected accesses need no run-time check. Every rule here is sound with respect to
//! what the runtime would answer, i.e. an elided check is one whose fast path could never fail:
//!
//! * The live frame of the running function. The runtime never poisons the real stack (its shadow is
//!   always 0), and an escaping local moved to a fake frame by `fake_frame.rs` lives in a frame that
//!   is addressable until this very function returns. So the function's own accesses to its allocas
//!   always pass. (An inbounds GEP cannot leave its object without being poison, and an access through
//!   poison is undefined behaviour before any check could matter.)
//! * Globals. Global variables (defined here or external) are always addressable, so accesses to a
//!   writable global always pass; a constant global is READONLY in the shadow, so only its loads pass
//!   (a store to it is the `write-to-readonly` the runtime must report).
//! * Duplicates. A check of the same pointer value and size earlier in the same basic block, with no
//!   call that could free memory in between, already proved the address valid: the shadow cannot have
//!   changed (only the runtime's allocator and fake-frame calls change it). A store check also covers a
//!   later load (the store mask tests every bit the load mask does), not the other way round.
use std::collections::HashMap;

use llvm_sys::core::*;
use llvm_sys::LLVMOpcode;

use crate::collect::{AccessSize, Event, FunctionPlan};
use crate::ir::{self, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Check,
    ElidedStack,
    ElidedGlobal,
    ElidedDuplicate,
}

/// What a pointer points into, as far as the IR proves it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Origin {
    /// An alloca of the function being instrumented.
    OwnFrame,
    Global {
        constant: bool,
    },
    Unknown,
}

/// How deep `origin` follows phis and selects before giving up.
const MAX_ORIGIN_DEPTH: u32 = 8;

fn is_instruction(v: Value) -> bool {
    // SAFETY: v is a live value.
    unsafe { !LLVMIsAInstruction(v).is_null() }
}

/// Strips inbounds GEPs and pointer casts (as instructions or constant expressions).
fn strip_inbounds(mut v: Value) -> Value {
    loop {
        // SAFETY: v is a live value; operand 0 exists for GEPs and casts.
        let next = unsafe {
            let op = if is_instruction(v) {
                Some(ir::opcode(v))
            } else if !LLVMIsAConstantExpr(v).is_null() {
                Some(LLVMGetConstOpcode(v))
            } else {
                None
            };
            match op {
                Some(LLVMOpcode::LLVMGetElementPtr) if LLVMIsInBounds(v) != 0 => {
                    LLVMGetOperand(v, 0)
                }
                Some(LLVMOpcode::LLVMBitCast) => LLVMGetOperand(v, 0),
                _ => return v,
            }
        };
        v = next;
    }
}

fn origin(v: Value, f: Value, depth: u32) -> Origin {
    let v = strip_inbounds(v);
    // SAFETY: v is a live value; the queries below only classify it.
    unsafe {
        if !LLVMIsAAllocaInst(v).is_null() {
            return if ir::parent_function(v) == f {
                Origin::OwnFrame
            } else {
                Origin::Unknown
            };
        }
        if !LLVMIsAGlobalVariable(v).is_null() {
            return Origin::Global {
                constant: LLVMIsGlobalConstant(v) != 0,
            };
        }
        if depth >= MAX_ORIGIN_DEPTH || !is_instruction(v) {
            return Origin::Unknown;
        }
        let incoming: Vec<Value> = match ir::opcode(v) {
            LLVMOpcode::LLVMPHI => (0..LLVMCountIncoming(v))
                .map(|i| LLVMGetIncomingValue(v, i))
                .collect(),
            LLVMOpcode::LLVMSelect => vec![LLVMGetOperand(v, 1), LLVMGetOperand(v, 2)],
            // `llvm.threadlocal.address(@tls)`: a thread-local global, addressable like any global.
            LLVMOpcode::LLVMCall
                if ir::callee_name(v)
                    .is_some_and(|n| n.starts_with("llvm.threadlocal.address")) =>
            {
                vec![LLVMGetOperand(v, 0)]
            }
            _ => return Origin::Unknown,
        };
        let mut agreed: Option<Origin> = None;
        for value in incoming {
            if value == v {
                continue; // a loop phi feeding itself adds nothing
            }
            let o = origin(value, f, depth + 1);
            match agreed {
                None => agreed = Some(o),
                Some(a) if a == o => {}
                // Mixed constant and writable globals: both are globals, writes need the check.
                Some(Origin::Global { .. }) if matches!(o, Origin::Global { .. }) => {
                    agreed = Some(Origin::Global { constant: true })
                }
                Some(_) => return Origin::Unknown,
            }
        }
        agreed.unwrap_or(Origin::Unknown)
    }
}

/// Decides, for each access of `plan`, whether it is checked or why not.
pub fn decide(plan: &FunctionPlan, f: Value) -> Vec<Decision> {
    let mut decisions: Vec<Decision> = plan
        .accesses
        .iter()
        .map(|a| match origin(a.ptr, f, 0) {
            Origin::OwnFrame => Decision::ElidedStack,
            Origin::Global { constant: false } => Decision::ElidedGlobal,
            Origin::Global { constant: true } if !a.is_write => Decision::ElidedGlobal,
            _ => Decision::Check,
        })
        .collect();

    for events in &plan.blocks {
        // (pointer, size) → whether a store (write) check already covers it.
        let mut checked: HashMap<(Value, u64), bool> = HashMap::new();
        for event in events {
            let index = match *event {
                Event::MayFree => {
                    checked.clear();
                    continue;
                }
                Event::Access(i) => i,
            };
            let access = &plan.accesses[index];
            let AccessSize::Fixed(size) = access.size else {
                continue;
            };
            if decisions[index] != Decision::Check {
                continue;
            }
            let key = (access.ptr, size);
            match checked.get(&key) {
                Some(&covered_write) if covered_write || !access.is_write => {
                    decisions[index] = Decision::ElidedDuplicate;
                }
                _ => {
                    checked.insert(key, access.is_write);
                }
            }
        }
    }
    decisions
}
