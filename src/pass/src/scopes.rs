//! Scopes of the locals moved to a fake frame: whether an access to one is certainly inside its
//! scope. At -O2 the optimizer forwards `p = &x; ... *p` to a direct access of `x` past `x`'s
//! `lifetime.end` (the bug `stack-use-after-scope` reports): such an access lies at a constant
//! offset inside `x`, yet its check must stay unless every path to it passes a `lifetime.start`
//! after the last `lifetime.end`.
use std::collections::HashMap;

use inkwell::values::{AsValueRef, FunctionValue, InstructionOpcode, InstructionValue};
use llvm_sys::prelude::{LLVMBasicBlockRef, LLVMValueRef};

use crate::inkwell_gaps;
use crate::ir;

/// A lifetime marker: its alloca and whether it starts (true) or ends a scope.
fn marker(inst: InstructionValue) -> Option<(LLVMValueRef, bool)> {
    if inst.get_opcode() != InstructionOpcode::Call {
        return None;
    }
    let name = ir::callee_name(inst)?;
    let starts = if name.starts_with("llvm.lifetime.start") {
        true
    } else if name.starts_with("llvm.lifetime.end") {
        false
    } else {
        return None;
    };
    Some((ir::operand(inst, 0)?.as_value_ref(), starts))
}

/// Whether the local has a `lifetime.start`: its frame then paints it out of scope at entry.
pub fn starts_out_of_scope(alloca: InstructionValue) -> bool {
    ir::users(alloca)
        .into_iter()
        .any(|u| marker(u).is_some_and(|(_, starts)| starts))
}

/// Whether the local has lifetime markers at all (without, it is in scope everywhere).
pub fn has_markers(alloca: InstructionValue) -> bool {
    ir::users(alloca).into_iter().any(|u| marker(u).is_some())
}

/// For each `(access, local)` of `queries` (a local as an index into `locals`): whether the local
/// is in scope at the access on every path from the function's entry. A forward must-analysis per
/// local over the blocks, each summarised by its last marker of that local.
pub fn in_scope(
    f: FunctionValue,
    locals: &[InstructionValue],
    queries: &[(InstructionValue, usize)],
) -> Vec<bool> {
    if queries.is_empty() {
        return Vec::new();
    }
    let local_index: HashMap<LLVMValueRef, usize> = locals
        .iter()
        .enumerate()
        .map(|(i, l)| (l.as_value_ref(), i))
        .collect();
    let query_index: HashMap<LLVMValueRef, Vec<usize>> =
        queries
            .iter()
            .enumerate()
            .fold(HashMap::new(), |mut m, (q, (inst, _))| {
                m.entry(inst.as_value_ref()).or_default().push(q);
                m
            });
    let blocks = ir::function_blocks(f);
    let block_index: HashMap<LLVMBasicBlockRef, usize> = blocks
        .iter()
        .enumerate()
        .map(|(i, b)| (b.as_mut_ptr(), i))
        .collect();
    // One walk: each block's markers (position, local, starts) and each query's place.
    let mut events: Vec<Vec<(usize, usize, bool)>> = vec![Vec::new(); blocks.len()];
    let mut place = vec![(0, 0); queries.len()];
    for (b, block) in blocks.iter().enumerate() {
        for (k, inst) in ir::block_instructions(*block).into_iter().enumerate() {
            if let Some((local, starts)) = marker(inst) {
                if let Some(&l) = local_index.get(&local) {
                    events[b].push((k, l, starts));
                }
            } else if let Some(qs) = query_index.get(&inst.as_value_ref()) {
                for &q in qs {
                    place[q] = (b, k);
                }
            }
        }
    }
    let successors: Vec<Vec<usize>> = blocks
        .iter()
        .map(|b| {
            inkwell_gaps::successors(*b)
                .iter()
                .filter_map(|s| block_index.get(s).copied())
                .collect()
        })
        .collect();
    let mut live_in_of: HashMap<usize, Vec<bool>> = HashMap::new();
    let mut answers = Vec::with_capacity(queries.len());
    for (q, &(_, l)) in queries.iter().enumerate() {
        let live_in = live_in_of
            .entry(l)
            .or_insert_with(|| live_at_block_entries(&events, &successors, l, locals[l]));
        let (b, k) = place[q];
        let mut live = live_in[b];
        for &(at, local, starts) in &events[b] {
            if at < k && local == l {
                live = starts;
            }
        }
        answers.push(live);
    }
    answers
}

/// Whether local `l` is in scope at each block's entry on every path: optimistic (every block
/// in scope), then lowered through the blocks whose end it may leave out of scope.
fn live_at_block_entries(
    events: &[Vec<(usize, usize, bool)>],
    successors: &[Vec<usize>],
    l: usize,
    alloca: InstructionValue,
) -> Vec<bool> {
    let n = events.len();
    let mut live_in = vec![true; n];
    if n == 0 {
        return live_in;
    }
    live_in[0] = !starts_out_of_scope(alloca);
    let last: Vec<Option<bool>> = events
        .iter()
        .map(|e| {
            e.iter()
                .rev()
                .find(|&&(_, local, _)| local == l)
                .map(|e| e.2)
        })
        .collect();
    let mut work: Vec<usize> = (0..n).collect();
    let mut queued = vec![true; n];
    while let Some(b) = work.pop() {
        queued[b] = false;
        if last[b].unwrap_or(live_in[b]) {
            continue; // in scope at the block's end: lowers nothing
        }
        for &s in &successors[b] {
            if live_in[s] {
                live_in[s] = false;
                if !queued[s] {
                    queued[s] = true;
                    work.push(s);
                }
            }
        }
    }
    live_in
}
