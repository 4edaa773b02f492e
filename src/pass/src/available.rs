//! Covered checks: an access needs no check of its own when, on every path that reaches it, a
//! check of the same bytes or more through the same base pointer has already run, with nothing in
//! between that may change what the runtime would answer.
//!
//! A check that passed proved bytes `[base + start, base + end)` addressable for its kind of
//! access. Only the runtime changes the shadow, and only inside a call (free, a fake frame's end, a
//! call window's close); an acquiring atomic or a fence may order this thread after another
//! thread's free, so those count like a call (`collect.rs` lists both as `Event::MayFree`). So a
//! later access of `[base + a, base + b)` within those bytes, reached on every path from such a
//! check without a `MayFree` in between, would pass too: its check is elided. A store's check
//! covers later loads (the store mask tests every bit the load mask does), not the other way round.
//!
//! "On every path" is the forward must-availability data flow over the function's blocks, with
//! `base` an SSA value: the same value is the same address wherever it is used, as long as its
//! definition did not run again in between (a loop's phi, a pointer loaded in a loop body). The
//! first path to a definition carries no fact of its value, so the intersection already drops
//! the previous iteration's; a block that defines a base also forgets them on entry, so that
//! this does not rest on the fixed point alone. An access covered by a fact of its own block counts
//! as a duplicate, by a fact from earlier blocks as dominated (every path to it runs the covering
//! check, so its block is dominated by theirs or by several that together cut every path).
use std::collections::HashMap;

use inkwell::module::Module;
use inkwell::values::{FunctionValue, PointerValue};

use crate::collect::Decision;
use crate::collect::{AccessSize, Event, FunctionPlan};
use crate::inkwell_gaps;
use crate::ir;

/// What one passed check proved: `[base + start, base + end)` addressable, for stores if `write`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct Fact<'ctx> {
    base: PointerValue<'ctx>,
    start: i64,
    end: i64,
    write: bool,
}

impl Fact<'_> {
    fn covers(&self, other: &Fact) -> bool {
        self.start <= other.start && other.end <= self.end && (self.write || !other.write)
    }
}

/// A set of fact indices.
#[derive(Clone, PartialEq, Eq)]
struct Bits(Vec<u64>);

impl Bits {
    fn empty(n: usize) -> Self {
        Bits(vec![0; n.div_ceil(64)])
    }
    fn full(n: usize) -> Self {
        let mut bits = Bits(vec![u64::MAX; n.div_ceil(64)]);
        if !n.is_multiple_of(64) {
            if let Some(last) = bits.0.last_mut() {
                *last = (1 << (n % 64)) - 1;
            }
        }
        bits
    }
    fn has(&self, i: usize) -> bool {
        self.0[i / 64] >> (i % 64) & 1 != 0
    }
    fn set(&mut self, i: usize) {
        self.0[i / 64] |= 1 << (i % 64);
    }
    fn clear(&mut self) {
        self.0.fill(0);
    }
    fn intersect(&mut self, other: &Bits) {
        self.0.iter_mut().zip(&other.0).for_each(|(a, b)| *a &= b);
    }
    fn union(&mut self, other: &Bits) {
        self.0.iter_mut().zip(&other.0).for_each(|(a, b)| *a |= b);
    }
    fn remove(&mut self, other: &Bits) {
        self.0.iter_mut().zip(&other.0).for_each(|(a, b)| *a &= !b);
    }
}

/// Per block: what it adds after its last `MayFree` (`generated`), whether it has one (then
/// nothing from before survives it), and the facts of the bases it defines (`redefined`).
struct Transfer {
    generated: Bits,
    clears: bool,
    redefined: Bits,
}

/// Marks `ElidedDuplicate` or `ElidedDominated` every checked fixed-size access covered on every
/// path by an earlier check (see the module comment).
pub fn elide_covered<'ctx>(
    module: &Module<'ctx>,
    plan: &FunctionPlan<'ctx>,
    f: FunctionValue<'ctx>,
    decisions: &mut [Decision],
) {
    // The fact each checked fixed-size access would prove, numbered.
    let mut numbers: HashMap<Fact, usize> = HashMap::new();
    let mut facts: Vec<Fact> = Vec::new();
    let fact_of: Vec<Option<usize>> = plan
        .accesses
        .iter()
        .zip(decisions.iter())
        .map(|(access, &decision)| {
            let AccessSize::Fixed(size) = access.size else {
                return None;
            };
            if decision != Decision::Check {
                return None;
            }
            let (base, start) = inkwell_gaps::base_and_constant_offset(module, access.ptr);
            let end = start.checked_add(i64::try_from(size).ok()?)?;
            let fact = Fact {
                base,
                start,
                end,
                write: access.is_write,
            };
            Some(*numbers.entry(fact).or_insert_with(|| {
                facts.push(fact);
                facts.len() - 1
            }))
        })
        .collect();
    if facts.is_empty() {
        return;
    }
    let mut by_base: HashMap<PointerValue, Vec<usize>> = HashMap::new();
    for (i, fact) in facts.iter().enumerate() {
        by_base.entry(fact.base).or_default().push(i);
    }

    let blocks = ir::function_blocks(f);
    let index: HashMap<_, usize> = blocks
        .iter()
        .enumerate()
        .map(|(i, b)| (b.as_mut_ptr(), i))
        .collect();
    let mut predecessors = vec![Vec::new(); blocks.len()];
    for (from, &block) in blocks.iter().enumerate() {
        for to in inkwell_gaps::successors(block) {
            if let Some(&to) = index.get(&to) {
                predecessors[to].push(from);
            }
        }
    }
    let n = facts.len();
    if n.div_ceil(64) * blocks.len() > MAX_SET_WORDS {
        return elide_in_blocks(plan, &facts, &by_base, &fact_of, decisions);
    }
    let mut transfers: Vec<Transfer> = plan
        .blocks
        .iter()
        .map(|events| {
            let mut generated = Bits::empty(n);
            let mut clears = false;
            for event in events {
                match *event {
                    Event::MayFree => {
                        generated.clear();
                        clears = true;
                    }
                    Event::Access(i) => {
                        if let Some(fact) = fact_of[i] {
                            generated.set(fact);
                        }
                    }
                }
            }
            Transfer {
                generated,
                clears,
                redefined: Bits::empty(n),
            }
        })
        .collect();
    for (i, fact) in facts.iter().enumerate() {
        let defined_in = fact
            .base
            .as_instruction()
            .and_then(|inst| inst.get_parent())
            .and_then(|block| index.get(&block.as_mut_ptr()));
        if let Some(&block) = defined_in {
            transfers[block].redefined.set(i);
        }
    }

    // Facts available on entry to each block: the intersection over its predecessors' exits.
    // Optimistic start (everything available but at the entry and blocks without predecessors),
    // iterated down to the greatest fixed point.
    let entry_of = |inputs: &Bits, t: &Transfer| {
        let mut live = inputs.clone();
        live.remove(&t.redefined);
        live
    };
    let exit_of = |inputs: &Bits, t: &Transfer| {
        if t.clears {
            return t.generated.clone();
        }
        let mut out = entry_of(inputs, t);
        out.union(&t.generated);
        out
    };
    let mut inputs: Vec<Bits> = (0..blocks.len())
        .map(|b| {
            if b == 0 || predecessors[b].is_empty() {
                Bits::empty(n)
            } else {
                Bits::full(n)
            }
        })
        .collect();
    let mut outputs: Vec<Bits> = (0..blocks.len())
        .map(|b| exit_of(&inputs[b], &transfers[b]))
        .collect();
    let mut changed = true;
    while changed {
        changed = false;
        for b in 1..blocks.len() {
            let Some((&first, rest)) = predecessors[b].split_first() else {
                continue;
            };
            let mut meet = outputs[first].clone();
            for &p in rest {
                meet.intersect(&outputs[p]);
            }
            if meet != inputs[b] {
                outputs[b] = exit_of(&meet, &transfers[b]);
                inputs[b] = meet;
                changed = true;
            }
        }
    }

    for (b, events) in plan.blocks.iter().enumerate() {
        let available = entry_of(&inputs[b], &transfers[b]);
        elide_in_block(events, available, &facts, &by_base, &fact_of, decisions);
    }
}

/// Words of one bit set per block above which the data flow is not run (about 16 MB per set:
/// machine-generated functions can have tens of thousands of both blocks and accesses); then only
/// checks of the same block cover each other.
const MAX_SET_WORDS: usize = 1 << 21;

fn elide_in_blocks(
    plan: &FunctionPlan,
    facts: &[Fact],
    by_base: &HashMap<PointerValue, Vec<usize>>,
    fact_of: &[Option<usize>],
    decisions: &mut [Decision],
) {
    for events in &plan.blocks {
        let available = Bits::empty(facts.len());
        elide_in_block(events, available, facts, by_base, fact_of, decisions);
    }
}

/// Walks one block's events from the facts `available` at its entry, eliding covered checks.
fn elide_in_block(
    events: &[Event],
    mut available: Bits,
    facts: &[Fact],
    by_base: &HashMap<PointerValue, Vec<usize>>,
    fact_of: &[Option<usize>],
    decisions: &mut [Decision],
) {
    // Facts proved in this block since its last `MayFree`.
    let mut local = Bits::empty(facts.len());
    for event in events {
        let i = match *event {
            Event::MayFree => {
                available.clear();
                local.clear();
                continue;
            }
            Event::Access(i) => i,
        };
        let Some(own) = fact_of[i] else {
            continue;
        };
        let covering = by_base[&facts[own].base]
            .iter()
            .copied()
            .filter(|&g| available.has(g) && facts[g].covers(&facts[own]));
        let mut covered = false;
        let mut in_block = false;
        for g in covering {
            covered = true;
            in_block |= local.has(g);
        }
        if covered {
            decisions[i] = if in_block {
                Decision::ElidedDuplicate
            } else {
                Decision::ElidedDominated
            };
        } else {
            available.set(own);
            local.set(own);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Bits;

    #[test]
    fn full_sets_only_the_facts() {
        let full = Bits::full(70);
        assert!(full.has(0) && full.has(69));
        assert_eq!(full.0[1], (1 << 6) - 1);
        let mut some = Bits::empty(70);
        some.set(3);
        some.set(65);
        let mut meet = full.clone();
        meet.intersect(&some);
        assert!(meet == some);
        meet.remove(&some);
        assert!(meet == Bits::empty(70));
    }
}
