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
//! * libc's per-thread locations. `errno` is `*__errno_location()` and glibc's `isalpha(c)` or
//!   `tolower(c)` are `(*__ctype_b_loc())[c]`, `(*__ctype_tolower_loc())[c]`: the location functions
//!   return libc's own thread-local variables, always addressable (loads and stores pass), and the
//!   table pointer read from a `__ctype_*_loc()` result points into libc's locale tables, data of an
//!   uninstrumented library that the runtime never poisons (loads pass; a store stays checked, as
//!   such tables may be read-only). One caveat: an index far outside -128..255 (UB, past libc's
//!   table) reads memory that is not the table; it is outside ffisan's ground, as it is ASan's.
//! * Duplicates. A check of the same pointer value and size earlier in the same basic block, with no
//!   call that could free memory in between, already proved the address valid: the shadow cannot have
//!   changed (only the runtime's allocator and fake-frame calls change it). A store check also covers a
//!   later load (the store mask tests every bit the load mask does), not the other way round.
//! * Dominated duplicates. The same, across blocks: the earlier check's block dominates the later
//!   one's (so every execution of the later access follows one of the earlier check, and the
//!   pointer is the same SSA value), and no path from the earlier check to the later access goes
//!   through a call that may free: the rest of the earlier block, the start of the later one and
//!   every block between them hold none (the whole later block too when it lies on a cycle that
//!   avoids the earlier block). A path that comes back through the earlier block runs its check
//!   again, so it does not count.
use std::collections::HashMap;

use inkwell::values::{
    BasicValue, BasicValueEnum, FunctionValue, InstructionOpcode, InstructionValue, PhiValue,
    PointerValue,
};

use crate::collect::{AccessSize, Event, FunctionPlan};
use crate::inkwell_gaps::{self, DominatorTree};
use crate::ir;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Check,
    ElidedStack,
    ElidedGlobal,
    ElidedDuplicate,
    ElidedDominated,
    /// libc's thread-local `errno` or locale-table pointer, or a load from a locale table.
    ElidedLibc,
    /// Checked once before its loop instead (`hoist.rs`).
    HoistedLoop,
}

/// What a pointer points into, as far as the IR proves it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Origin {
    /// An alloca of the function being instrumented.
    OwnFrame,
    Global {
        constant: bool,
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
struct Origins<'ctx> {
    f: FunctionValue<'ctx>,
    known: HashMap<BasicValueEnum<'ctx>, Origin>,
}

/// Marks a value whose origin is being worked out: met again through a cycle of phis, it counts as
/// Unknown, which is conservative, so every answer can be remembered.
const IN_PROGRESS: Origin = Origin::Unknown;

impl<'ctx> Origins<'ctx> {
    fn new(f: FunctionValue<'ctx>) -> Self {
        Origins {
            f,
            known: HashMap::new(),
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
pub fn decide<'ctx>(plan: &FunctionPlan<'ctx>, f: FunctionValue<'ctx>) -> Vec<Decision> {
    let mut origins = Origins::new(f);
    let mut decisions: Vec<Decision> = plan
        .accesses
        .iter()
        .map(|a| match origins.of(a.ptr.into(), 0) {
            Origin::OwnFrame => Decision::ElidedStack,
            Origin::Global { constant: false } => Decision::ElidedGlobal,
            Origin::Global { constant: true } if !a.is_write => Decision::ElidedGlobal,
            Origin::LibcThreadLocal => Decision::ElidedLibc,
            Origin::LibcCtypeTable if !a.is_write => Decision::ElidedLibc,
            _ => Decision::Check,
        })
        .collect();

    for events in &plan.blocks {
        // (pointer, size) → whether a store (write) check already covers it.
        let mut checked: HashMap<(PointerValue, u64), bool> = HashMap::new();
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
    elide_dominated(plan, f, &mut decisions);
    decisions
}

/// Functions with more blocks are left to in-block duplicate elision: each candidate pair walks
/// the CFG.
const MAX_BLOCKS_FOR_DOMINATED: usize = 2000;
/// Earlier checks of the same pointer tried for each access.
const MAX_DOMINATING_CANDIDATES: usize = 4;

/// The CFG of a function as block indices (in `plan.blocks` order), with where each access sits.
struct BlockGraph {
    successors: Vec<Vec<usize>>,
    predecessors: Vec<Vec<usize>>,
    /// Event index of each access in its block's event list, and the block.
    position: HashMap<usize, (usize, usize)>,
}

impl BlockGraph {
    fn new(plan: &FunctionPlan, blocks: &[inkwell::basic_block::BasicBlock]) -> Self {
        let index: HashMap<_, usize> = blocks
            .iter()
            .enumerate()
            .map(|(i, b)| (b.as_mut_ptr(), i))
            .collect();
        let successors: Vec<Vec<usize>> = blocks
            .iter()
            .map(|&b| {
                inkwell_gaps::successors(b)
                    .into_iter()
                    .filter_map(|s| index.get(&s).copied())
                    .collect()
            })
            .collect();
        let mut predecessors = vec![Vec::new(); blocks.len()];
        for (from, succs) in successors.iter().enumerate() {
            for &to in succs {
                predecessors[to].push(from);
            }
        }
        let mut position = HashMap::new();
        for (block, events) in plan.blocks.iter().enumerate() {
            for (at, event) in events.iter().enumerate() {
                if let Event::Access(i) = *event {
                    position.insert(i, (block, at));
                }
            }
        }
        BlockGraph {
            successors,
            predecessors,
            position,
        }
    }

    /// Blocks reachable from `from`'s neighbours (`edges`) without entering `avoid`.
    fn reach(&self, edges: &[Vec<usize>], from: usize, avoid: usize) -> Vec<bool> {
        let mut seen = vec![false; edges.len()];
        let mut stack: Vec<usize> = edges[from].clone();
        while let Some(b) = stack.pop() {
            if b == avoid || seen[b] {
                continue;
            }
            seen[b] = true;
            stack.extend(&edges[b]);
        }
        seen
    }
}

fn may_free(events: &[Event]) -> bool {
    events.iter().any(|e| matches!(e, Event::MayFree))
}

/// Whether no path from access `a` (after it) to access `b` (before it) calls something that may
/// free. `a`'s block dominates `b`'s and they differ.
fn no_free_between(plan: &FunctionPlan, graph: &BlockGraph, a: usize, b: usize) -> bool {
    let (block_a, at_a) = graph.position[&a];
    let (block_b, at_b) = graph.position[&b];
    if may_free(&plan.blocks[block_a][at_a + 1..]) || may_free(&plan.blocks[block_b][..at_b]) {
        return false;
    }
    // Paths re-entering block_a run check `a` again: they start over, so they avoid block_a.
    let after_a = graph.reach(&graph.successors, block_a, block_a);
    let before_b = graph.reach(&graph.predecessors, block_b, block_a);
    let between_dirty = (0..plan.blocks.len())
        .any(|x| x != block_b && after_a[x] && before_b[x] && may_free(&plan.blocks[x]));
    // block_b on a cycle avoiding block_a: its end is on a path to its next run too.
    let b_on_cycle = graph.successors[block_b]
        .iter()
        .any(|&s| s == block_b || (s != block_a && before_b[s]));
    let b_end_dirty = b_on_cycle && may_free(&plan.blocks[block_b]);
    !between_dirty && !b_end_dirty
}

/// Marks `ElidedDominated` the checks covered by a check of the same pointer and size in a
/// dominating block with no possibly-freeing call on any path between (see the module comment).
fn elide_dominated(plan: &FunctionPlan, f: FunctionValue, decisions: &mut [Decision]) {
    let blocks = ir::function_blocks(f);
    if blocks.len() < 2 || blocks.len() > MAX_BLOCKS_FOR_DOMINATED {
        return;
    }
    let graph = BlockGraph::new(plan, &blocks);
    let tree = DominatorTree::new(f);
    // (pointer, size) → earlier checked accesses, latest last.
    let mut checked: HashMap<(PointerValue, u64), Vec<usize>> = HashMap::new();
    for events in &plan.blocks {
        for event in events {
            let Event::Access(b) = *event else {
                continue;
            };
            let access = &plan.accesses[b];
            let AccessSize::Fixed(size) = access.size else {
                continue;
            };
            if decisions[b] != Decision::Check {
                continue;
            }
            let key = (access.ptr, size);
            let block_b = graph.position[&b].0;
            let earlier = checked.entry(key).or_default();
            let covered = earlier
                .iter()
                .rev()
                .filter(|&&a| graph.position[&a].0 != block_b)
                .filter(|&&a| plan.accesses[a].is_write || !access.is_write)
                .take(MAX_DOMINATING_CANDIDATES)
                .any(|&a| {
                    let block_a = graph.position[&a].0;
                    tree.dominates(blocks[block_a], blocks[block_b])
                        && no_free_between(plan, &graph, a, b)
                });
            if covered {
                decisions[b] = Decision::ElidedDominated;
            } else {
                earlier.push(b);
            }
        }
    }
}
