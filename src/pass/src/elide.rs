//! Decide: which collected accesses need no run-time check. Every rule here is sound with respect to
//! what the runtime would answer, i.e. an elided check is one whose fast path could never fail:
//!
//! * The live frame of the running function. The runtime never poisons the real stack (its shadow is
//!   always 0), and an escaping local moved to a fake frame by `fake_frame.rs` lives in a frame that
//!   is addressable until this very function returns. So the function's own accesses to its allocas
//!   always pass. (An inbounds GEP cannot leave its object without being poison, and an access through
//!   poison is undefined behaviour before any check could matter.)
//! * Globals. A global without a redzone is always addressable, so accesses to a writable one
//!   always pass; a constant global is READONLY in the shadow, so only its loads pass (a store to
//!   it is the `write-to-readonly` the runtime must report). A global padded with a redzone
//!   (`globals.rs`), or a declaration (its definition may be padded elsewhere), is elided only for
//!   an access at a constant offset wholly inside the object: an inbounds GEP with a variable index
//!   may still land in the redzone (undefined behaviour the program did commit, and the
//!   global-buffer-overflow to report), as ASan checks it.
//! * libc's per-thread locations. `errno` is `*__errno_location()` and glibc's `isalpha(c)` or
//!   `tolower(c)` are `(*__ctype_b_loc())[c]`, `(*__ctype_tolower_loc())[c]`: the location functions
//!   return libc's own thread-local variables, always addressable (loads and stores pass), and the
//!   table pointer read from a `__ctype_*_loc()` result points into libc's locale tables, data of an
//!   uninstrumented library that the runtime never poisons (loads pass; a store stays checked, as
//!   such tables may be read-only). One caveat: an index far outside -128..255 (UB, past libc's
//!   table) reads memory that is not the table; it is outside ffisan's ground, as it is ASan's.
//! * Covered: a check of the same bytes or more through the same base pointer ran on every path to
//!   the access, with no call that may free (or acquiring atomic) in between: `available.rs`.
use std::collections::HashMap;

use inkwell::module::Module;
use inkwell::values::{
    BasicValue, BasicValueEnum, FunctionValue, GlobalValue, InstructionOpcode, InstructionValue,
    PhiValue, PointerValue,
};

use crate::available;
use crate::collect::{Access, AccessSize, Decision, FunctionPlan};
use crate::inkwell_gaps;
use crate::ir;

/// What a pointer points into, as far as the IR proves it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Origin {
    /// An alloca of the function being instrumented.
    OwnFrame,
    Global {
        constant: bool,
        /// It may have a redzone after it: padded here, or defined elsewhere.
        bounded: bool,
    },
    /// What `__errno_location()` or a `__ctype_*_loc()` returns: a libc thread-local variable.
    LibcThreadLocal,
    /// A locale table: the pointer loaded from a `__ctype_*_loc()` result.
    LibcCtypeTable,
    Unknown,
}

/// Which of libc's thread-local variables `v` is the address of, if it is a call returning one:
/// `Some(true)` for a `__ctype_*_loc()` (whose variable holds a locale-table pointer), `Some(false)`
/// for `__errno_location()`.
fn libc_location_call(v: BasicValueEnum) -> Option<bool> {
    let name = v
        .as_instruction_value()
        .filter(|i| i.get_opcode() == InstructionOpcode::Call)
        .and_then(ir::callee_name)?;
    match name.as_str() {
        "__ctype_b_loc" | "__ctype_tolower_loc" | "__ctype_toupper_loc" => Some(true),
        "__errno_location" => Some(false),
        _ => None,
    }
}

/// `*__ctype_*_loc()`: the current locale's table pointer.
fn is_ctype_table_load(inst: InstructionValue) -> bool {
    inst.get_opcode() == InstructionOpcode::Load
        && ir::operand(inst, 0).and_then(|p| libc_location_call(strip_inbounds(p))) == Some(true)
}

/// How deep `origin` follows phis and selects before giving up.
const MAX_ORIGIN_DEPTH: u32 = 8;

/// Strips inbounds GEPs and pointer casts (as instructions or constant expressions).
fn strip_inbounds(mut v: BasicValueEnum) -> BasicValueEnum {
    loop {
        let next = match v.as_instruction_value() {
            Some(inst) => match inst.get_opcode() {
                InstructionOpcode::GetElementPtr if inst.get_in_bounds_flag() == Ok(true) => {
                    ir::operand(inst, 0)
                }
                InstructionOpcode::BitCast => ir::operand(inst, 0),
                _ => None,
            },
            None => inkwell_gaps::constant_cast_or_inbounds_gep_base(v),
        };
        match next {
            Some(base) => v = base,
            None => return v,
        }
    }
}

/// `origin` of every value asked about in one function, remembered: huge interpreter loops (SQLite's
/// `sqlite3VdbeExec`) reach the same phis along exponentially many paths.
struct Origins<'ctx, 'p> {
    f: FunctionValue<'ctx>,
    known: HashMap<BasicValueEnum<'ctx>, Origin>,
    bounded: &'p HashMap<GlobalValue<'ctx>, u64>,
}

/// Marks a value whose origin is being worked out: met again through a cycle of phis, it counts as
/// Unknown, which is conservative, so every answer can be remembered.
const IN_PROGRESS: Origin = Origin::Unknown;

impl<'ctx, 'p> Origins<'ctx, 'p> {
    fn new(f: FunctionValue<'ctx>, bounded: &'p HashMap<GlobalValue<'ctx>, u64>) -> Self {
        Origins {
            f,
            known: HashMap::new(),
            bounded,
        }
    }

    fn of(&mut self, v: BasicValueEnum<'ctx>, depth: u32) -> Origin {
        let v = strip_inbounds(v);
        if let Some(&known) = self.known.get(&v) {
            return known;
        }
        self.known.insert(v, IN_PROGRESS);
        let found = self.work_out(v, depth);
        self.known.insert(v, found);
        found
    }

    fn work_out(&mut self, v: BasicValueEnum<'ctx>, depth: u32) -> Origin {
        let inst = v.as_instruction_value();
        if let Some(alloca) = inst.filter(|i| i.get_opcode() == InstructionOpcode::Alloca) {
            return if ir::parent_function(alloca) == Some(self.f) {
                Origin::OwnFrame
            } else {
                Origin::Unknown
            };
        }
        if libc_location_call(v).is_some() {
            return Origin::LibcThreadLocal;
        }
        if inst.is_some_and(is_ctype_table_load) {
            return Origin::LibcCtypeTable;
        }
        if let Some(global) = inkwell_gaps::as_global_variable(v) {
            return Origin::Global {
                constant: global.is_constant(),
                bounded: self.bounded.contains_key(&global),
            };
        }
        let Some(inst) = inst.filter(|_| depth < MAX_ORIGIN_DEPTH) else {
            return Origin::Unknown;
        };
        let incoming: Vec<BasicValueEnum> = match inst.get_opcode() {
            InstructionOpcode::Phi => {
                let phi = PhiValue::try_from(inst).expect("a phi instruction is a phi");
                phi.get_incomings().map(|(value, _)| value).collect()
            }
            InstructionOpcode::Select => [1, 2]
                .iter()
                .filter_map(|&i| ir::operand(inst, i))
                .collect(),
            // `llvm.threadlocal.address(@tls)`: a thread-local global, addressable like any global.
            InstructionOpcode::Call
                if ir::callee_name(inst)
                    .is_some_and(|n| n.starts_with("llvm.threadlocal.address")) =>
            {
                ir::operand(inst, 0).into_iter().collect()
            }
            _ => return Origin::Unknown,
        };
        let mut agreed: Option<Origin> = None;
        for value in incoming {
            if value == v {
                continue; // a loop phi feeding itself adds nothing
            }
            let o = self.of(value, depth + 1);
            match agreed {
                None => agreed = Some(o),
                Some(a) if a == o => {}
                // Mixed globals: writes need the check if one is constant, any access if one
                // has a redzone.
                Some(Origin::Global { bounded, .. }) => match o {
                    Origin::Global { bounded: other, .. } => {
                        agreed = Some(Origin::Global {
                            constant: true,
                            bounded: bounded || other,
                        })
                    }
                    _ => return Origin::Unknown,
                },
                Some(_) => return Origin::Unknown,
            }
        }
        agreed.unwrap_or(Origin::Unknown)
    }
}

/// Whether `a` lies wholly inside the global it is based on, at a constant offset: `g.field`,
/// `table[3]`, never `table[i]`. `bounded` holds the object sizes (`globals::PaddedGlobals`).
fn inside_global<'ctx>(
    module: &Module<'ctx>,
    a: &Access<'ctx>,
    bounded: &HashMap<GlobalValue<'ctx>, u64>,
) -> bool {
    let AccessSize::Fixed(size) = a.size else {
        return false;
    };
    let (base, offset) = inkwell_gaps::base_and_constant_offset(module, a.ptr);
    let Some(global) = inkwell_gaps::as_global_variable(base.into()) else {
        return false;
    };
    bounded
        .get(&global)
        .is_some_and(|&object| offset >= 0 && (offset as u64).saturating_add(size) <= object)
}

/// Where an access to the function's own frame lies.
enum OwnLocal {
    /// In a local that keeps no redzones (on the real stack, never poisoned).
    Unmoved,
    /// At a constant offset wholly inside the local `moved[i]` (its redzones poisoned).
    InsideMoved(usize),
    /// Anywhere else: a moved local at a variable offset, or past its end.
    Unproved,
}

fn own_local<'ctx>(
    module: &Module<'ctx>,
    a: &Access<'ctx>,
    moved: &[(PointerValue<'ctx>, u64)],
) -> OwnLocal {
    let AccessSize::Fixed(size) = a.size else {
        return OwnLocal::Unproved;
    };
    let (base, offset) = inkwell_gaps::base_and_constant_offset(module, a.ptr);
    let is_alloca = base
        .as_instruction()
        .is_some_and(|i| i.get_opcode() == InstructionOpcode::Alloca);
    match moved.iter().position(|(alloca, _)| *alloca == base) {
        Some(i) if offset >= 0 && (offset as u64).saturating_add(size) <= moved[i].1 => {
            OwnLocal::InsideMoved(i)
        }
        Some(_) => OwnLocal::Unproved,
        None if is_alloca => OwnLocal::Unmoved,
        None => OwnLocal::Unproved,
    }
}

/// Decides, for each access of `plan`, whether it is checked or why not.
/// Covered checks (duplicates in a block and across blocks) are `available.rs`'s.
pub fn decide<'ctx>(
    module: &Module<'ctx>,
    plan: &FunctionPlan<'ctx>,
    f: FunctionValue<'ctx>,
    bounded: &HashMap<GlobalValue<'ctx>, u64>,
    moved: &[(PointerValue<'ctx>, u64)],
) -> Vec<Decision> {
    let mut origins = Origins::new(f, bounded);
    // Accesses inside a moved local with lifetime markers: elided only where it is in scope.
    let mut scope_queries = Vec::new();
    let marked: Vec<bool> = moved
        .iter()
        .map(|(alloca, _)| {
            alloca
                .as_instruction()
                .is_some_and(crate::scopes::has_markers)
        })
        .collect();
    let mut decisions: Vec<Decision> = plan
        .accesses
        .iter()
        .enumerate()
        .map(|(index, a)| match origins.of(a.ptr.into(), 0) {
            Origin::OwnFrame if moved.is_empty() => Decision::ElidedStack,
            Origin::OwnFrame => match own_local(module, a, moved) {
                OwnLocal::Unmoved => Decision::ElidedStack,
                OwnLocal::InsideMoved(i) => {
                    if marked[i] {
                        scope_queries.push((index, i));
                    }
                    Decision::ElidedStack
                }
                OwnLocal::Unproved => Decision::Check,
            },
            Origin::Global { bounded: true, .. } if !inside_global(module, a, bounded) => {
                Decision::Check
            }
            Origin::Global {
                constant: false, ..
            } => Decision::ElidedGlobal,
            Origin::Global { constant: true, .. } if !a.is_write => Decision::ElidedGlobal,
            Origin::LibcThreadLocal => Decision::ElidedLibc,
            Origin::LibcCtypeTable if !a.is_write => Decision::ElidedLibc,
            _ => Decision::Check,
        })
        .collect();
    let locals: Vec<InstructionValue> = moved
        .iter()
        .map(|(alloca, _)| alloca.as_instruction().expect("a moved local is an alloca"))
        .collect();
    let queries: Vec<(InstructionValue, usize)> = scope_queries
        .iter()
        .map(|&(index, i)| (plan.accesses[index].inst, i))
        .collect();
    for (&(index, _), in_scope) in scope_queries
        .iter()
        .zip(crate::scopes::in_scope(f, &locals, &queries))
    {
        if !in_scope {
            decisions[index] = Decision::Check;
        }
    }

    available::elide_covered(module, plan, f, &mut decisions);
    decisions
}
