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

use inkwell::values::PointerValue;

use crate::collect::{AccessSize, Event, FunctionPlan};
use crate::elide::Decision;
use crate::emitter::Emitter;
use crate::inkwell_gaps;
use crate::instrument::MAX_INLINE_RANGE;

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

/// Groups the accesses of `plan` still to be checked (`decisions`). Only groups of two or more
/// members are returned: a lone access keeps its ordinary check.
pub fn plan_groups<'ctx>(
    em: &Emitter<'ctx>,
    plan: &FunctionPlan<'ctx>,
    decisions: &[Decision],
) -> Vec<Group<'ctx>> {
    let mut groups = Vec::new();
    for events in &plan.blocks {
        // Open groups of the current call-free stretch of the block, by base pointer.
        let mut open: HashMap<PointerValue<'ctx>, Vec<Group<'ctx>>> = HashMap::new();
        let mut close = |open: &mut HashMap<PointerValue<'ctx>, Vec<Group<'ctx>>>| {
            for (_, candidates) in open.drain() {
                groups.extend(candidates.into_iter().filter(|g| g.members.len() >= 2));
            }
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
    // Deterministic output: groups in the order of their first member.
    groups.sort_by_key(|g| g.members[0].0);
    groups
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
