//! Leaked chunks into report paragraphs: one per allocation stack and kind (direct, indirect),
//! identical stacks recorded by different threads merged, as LeakSanitizer groups them.

use crate::leaks::scratch::MapVec;
use crate::report::LeakGroup;

/// One leaked chunk, as the marking left it.
#[derive(Clone, Copy)]
pub struct Leaked {
    pub user: usize,
    pub size: usize,
    pub alloc_stack: u32,
    pub indirect: bool,
}

fn pcs(id: u32) -> &'static [usize] {
    crate::traces::stack_depot::get(id).map_or(&[], |s| s.pcs)
}

/// Whether two stacks name the same allocation site: equal, or one a prefix of the other (the
/// depot may hold one site's stack at two depths: a remembered frame chain stops early).
fn same_site(a: &[usize], b: &[usize]) -> bool {
    let n = a.len().min(b.len());
    n > 0 && a[..n] == b[..n] || a.is_empty() && b.is_empty()
}

/// The groups of `leaked` (reordered in place: by kind, then by the stack's frames, so equal
/// stacks of different threads, and a stack and its prefix, end up side by side), unsorted. A
/// group names the longest of its stacks.
pub fn group(leaked: &mut MapVec<Leaked>) -> MapVec<LeakGroup> {
    leaked.as_mut_slice().sort_unstable_by(|a, b| {
        (a.indirect, pcs(a.alloc_stack), a.user).cmp(&(b.indirect, pcs(b.alloc_stack), b.user))
    });
    let mut groups: MapVec<LeakGroup> = MapVec::new();
    for l in leaked.as_slice() {
        let same = groups.as_slice().last().is_some_and(|g| {
            g.indirect == l.indirect
                && (g.alloc_stack == l.alloc_stack
                    || same_site(pcs(g.alloc_stack), pcs(l.alloc_stack)))
        });
        if same {
            let g = groups.as_mut_slice().last_mut().unwrap();
            g.bytes += l.size;
            g.count += 1;
            g.first = g.first.min(l.user);
            if pcs(l.alloc_stack).len() > pcs(g.alloc_stack).len() {
                g.alloc_stack = l.alloc_stack;
            }
            continue;
        }
        groups.push(LeakGroup {
            indirect: l.indirect,
            alloc_stack: l.alloc_stack,
            bytes: l.size,
            count: 1,
            first: l.user,
        });
    }
    groups
}
