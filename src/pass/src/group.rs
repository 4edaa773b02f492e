//! Decide: which checked accesses of a basic block can share one fast-path test (a group check).
//!
//! Accesses through one base pointer at constant byte offsets (`p->a`, `p->b`, `base[1]`, `base[2]`)
//! with no call that may change the shadow between them execute together: a single 8-byte shadow
//! load at the group's lowest address covers every granule of their span when the span is at most
//! `MAX_GROUP_SPAN` bytes. Sound because the group test is the per-access tests' union: if it sees
//! zero, every member's own test would have seen zero (each member's granules lie in the span, and
//! a load's mask 0xbf is a subset of the group's mask); if it does not, the cold path has the
//! runtime decide each member (bytes: their ordinary inline check), exactly as an ungrouped check
//! would.
use std::collections::HashMap;

use inkwell::values::{InstructionOpcode, InstructionValue, PointerValue};

use crate::collect::Decision;
use crate::collect::MAX_INLINE_RANGE;
use crate::collect::{AccessSize, Event, FunctionPlan};
use crate::emitter::Emitter;
use crate::inkwell_gaps;

/// Largest span `[min offset, max offset + size)` one 8-byte shadow load covers wherever the span
/// starts in its granule: 7 bytes of misalignment plus 57 bytes end within the 8th granule.
pub const MAX_GROUP_SPAN: u64 = 57;

/// Accesses that share one fast-path test.
#[derive(Debug)]
pub struct Group<'ctx> {
    /// The pointer every member is a constant offset from.
    pub base: PointerValue<'ctx>,
    /// (access index, byte offset from `base`), in block order: the first one is where the group
    /// test goes.
    pub members: Vec<(usize, i64)>,
    /// Lowest member offset.
    pub start: i64,
    /// End (exclusive) of the highest member.
    pub end: i64,
    /// Any member writes: the group masks with the store mask.
    pub any_write: bool,
}

impl Group<'_> {
    pub fn span(&self) -> u64 {
        (self.end - self.start) as u64
    }

    /// Adds a member if the span stays coverable.
    fn try_add(&mut self, index: usize, offset: i64, size: u64, is_write: bool) -> bool {
        let Some((start, end)) = widened(self.start, self.end, offset, size) else {
            return false;
        };
        self.start = start;
        self.end = end;
        self.any_write |= is_write;
        self.members.push((index, offset));
        true
    }
}

/// The span `[start, end)` grown to hold `size` bytes at `offset`, if it stays within
/// `MAX_GROUP_SPAN`.
fn widened(start: i64, end: i64, offset: i64, size: u64) -> Option<(i64, i64)> {
    let new_start = start.min(offset);
    let new_end = offset.checked_add(i64::try_from(size).ok()?)?.max(end);
    let span = new_end.checked_sub(new_start)?;
    (span as u64 <= MAX_GROUP_SPAN).then_some((new_start, new_end))
}

/// Group tests of different base pointers in one call-free stretch of a block, ORed into one test
/// at the first one's place (`p->a`, then `q->b`, then `r[i]`: one branch instead of three). A
/// group joins only if its base is already defined there: pointers loaded along the way (`p->next`)
/// start a cluster of their own. Sound like a group: the combined test is zero only if every
/// part's is, and the shadow cannot change within the stretch; when it is not, each member is
/// decided on its own, in program order, so the first report is the one the program would make
/// first.
#[derive(Debug)]
pub struct Cluster<'ctx> {
    /// In the order of their first members; together at least two accesses.
    pub parts: Vec<Group<'ctx>>,
}

impl Cluster<'_> {
    /// Every member (access index, offset from its part's base, part), in program order.
    pub fn members(&self) -> Vec<(usize, i64, usize)> {
        let mut all: Vec<_> = self
            .parts
            .iter()
            .enumerate()
            .flat_map(|(part, g)| g.members.iter().map(move |&(i, off)| (i, off, part)))
            .collect();
        all.sort_by_key(|m| m.0);
        all
    }
    /// The access the cluster test goes before.
    pub fn leader(&self) -> usize {
        self.parts[0].members[0].0
    }
}

/// Parts a cluster test combines at most (each adds a shadow load and two instructions to the
/// fast path; ten accesses in a row of one block are rare anyway).
const MAX_PARTS: usize = 8;

/// Open clusters of a stretch a group may join.
const MAX_OPEN_TRIED: usize = 4;

/// How far back from a cluster's leader a base pointer defined in the same block is looked for.
const MAX_LOOKBACK: usize = 64;

/// Whether `value` can be used right before `at`: it is not an instruction, or one of another
/// block (which then dominates `at`'s block: a member of `at`'s block uses it), or a phi of the
/// same block, or an instruction shortly before `at`.
fn defined_before(value: PointerValue, at: InstructionValue) -> bool {
    let Some(def) = value.as_instruction() else {
        return true;
    };
    if def.get_parent() != at.get_parent() || def.get_opcode() == InstructionOpcode::Phi {
        return true;
    }
    let mut cursor = at.get_previous_instruction();
    for _ in 0..MAX_LOOKBACK {
        match cursor {
            Some(inst) if inst == def => return true,
            Some(inst) => cursor = inst.get_previous_instruction(),
            None => return false,
        }
    }
    false
}

/// Groups the accesses of `plan` still to be checked (`decisions`), then clusters the groups of each
/// call-free stretch. Only clusters of two or more accesses are returned: a lone access keeps its
/// ordinary check, and so does a lone byte (its partial-granule test is inline; in a cluster, a
/// string's tail would send the whole cluster to the cold path on every scan).
pub fn plan_clusters<'ctx>(
    em: &Emitter<'ctx>,
    plan: &FunctionPlan<'ctx>,
    decisions: &[Decision],
) -> Vec<Cluster<'ctx>> {
    let mut clusters = Vec::new();
    for events in &plan.blocks {
        // Open groups of the current call-free stretch of the block, by base pointer.
        let mut open: HashMap<PointerValue<'ctx>, Vec<Group<'ctx>>> = HashMap::new();
        let mut close = |open: &mut HashMap<PointerValue<'ctx>, Vec<Group<'ctx>>>| {
            let mut groups: Vec<Group> = open.drain().flat_map(|(_, g)| g).collect();
            groups.sort_by_key(|g| g.members[0].0);
            cluster_stretch(plan, groups, &mut clusters);
        };
        for event in events {
            let index = match *event {
                Event::MayFree => {
                    close(&mut open);
                    continue;
                }
                Event::Access(index) => index,
            };
            let access = &plan.accesses[index];
            let AccessSize::Fixed(size) = access.size else {
                continue;
            };
            if decisions[index] != Decision::Check || size > MAX_INLINE_RANGE {
                continue;
            }
            let (base, offset) = inkwell_gaps::base_and_constant_offset(&em.module, access.ptr);
            let candidates = open.entry(base).or_default();
            if candidates
                .iter_mut()
                .any(|g| g.try_add(index, offset, size, access.is_write))
            {
                continue;
            }
            if let Some((start, end)) = widened(offset, offset, offset, size) {
                candidates.push(Group {
                    base,
                    members: vec![(index, offset)],
                    start,
                    end,
                    any_write: access.is_write,
                });
            }
        }
        close(&mut open);
    }
    // Deterministic output: clusters in the order of their first member.
    clusters.sort_by_key(|c| c.leader());
    clusters
}

/// Clusters the groups of one call-free stretch (in the order of their first members), first fit:
/// each group joins the earliest of the latest MAX_OPEN_TRIED clusters at whose leader its base is
/// defined, or opens one (a long stretch of pointer chasing opens a cluster per load: trying them
/// all would be quadratic).
fn cluster_stretch<'ctx>(
    plan: &FunctionPlan<'ctx>,
    groups: Vec<Group<'ctx>>,
    clusters: &mut Vec<Cluster<'ctx>>,
) {
    let mut open: Vec<Cluster<'ctx>> = Vec::new();
    for g in groups {
        if g.members.len() == 1 && g.span() == 1 {
            continue; // a lone byte
        }
        let recent = open.len().saturating_sub(MAX_OPEN_TRIED);
        let fits = open[recent..].iter_mut().find(|c| {
            c.parts.len() < MAX_PARTS && defined_before(g.base, plan.accesses[c.leader()].inst)
        });
        match fits {
            Some(c) => c.parts.push(g),
            None => open.push(Cluster { parts: vec![g] }),
        }
    }
    let accesses = |c: &Cluster| c.parts.iter().map(|g| g.members.len()).sum::<usize>();
    clusters.extend(open.into_iter().filter(|c| accesses(c) >= 2));
}

#[cfg(test)]
mod tests {
    use super::widened;

    #[test]
    fn span_limit() {
        assert_eq!(widened(0, 8, 49, 8), Some((0, 57)));
        assert_eq!(widened(0, 57, 50, 8), None);
        assert_eq!(widened(0, 57, 8, 4), Some((0, 57)));
        assert_eq!(widened(16, 20, -8, 8), Some((-8, 20)));
        assert_eq!(widened(-8, 20, 50, 8), None);
        assert_eq!(widened(0, 8, i64::MAX - 2, 8), None);
    }
}
