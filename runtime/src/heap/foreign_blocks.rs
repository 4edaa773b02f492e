//! The chunks glibc carved (big ones, over-aligned ones, a full class region's): a set of their
//! user addresses, so the leak check can list every live chunk without walking glibc's heap.
//! Open addressing with linear probing in mmap'd storage (never the malloc we replace); kept only
//! while leak detection is on.

use crate::sync::{map_anonymous, SpinLock};

struct Table {
    /// 0 is an empty slot.
    slots: *mut usize,
    capacity: usize,
    len: usize,
}

// SAFETY: the storage is ours alone and only touched under the lock.
unsafe impl Send for Table {}

static TABLE: SpinLock<Table> = SpinLock::new(Table {
    slots: core::ptr::null_mut(),
    capacity: 0,
    len: 0,
});

const FIRST_CAPACITY: usize = 1 << 12;

fn home(user: usize, capacity: usize) -> usize {
    // Chunks are 16-byte aligned: mix the higher bits in (Fibonacci hashing).
    ((user >> 4).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 20) & (capacity - 1)
}

impl Table {
    fn get(&self, i: usize) -> usize {
        // SAFETY: i < capacity, within the mapping.
        unsafe { *self.slots.add(i) }
    }

    fn set(&mut self, i: usize, user: usize) {
        // SAFETY: i < capacity, within the mapping.
        unsafe { *self.slots.add(i) = user }
    }

    fn insert_unchecked(&mut self, user: usize) {
        let mut i = home(user, self.capacity);
        while self.get(i) != 0 {
            if self.get(i) == user {
                return;
            }
            i = (i + 1) & (self.capacity - 1);
        }
        self.set(i, user);
        self.len += 1;
    }

    /// Doubles the storage (or makes the first); false if the kernel refuses.
    fn grow(&mut self) -> bool {
        let capacity = (self.capacity * 2).max(FIRST_CAPACITY);
        let Some(mem) = map_anonymous(capacity * 8) else {
            return false;
        };
        let (old, old_capacity) = (self.slots, self.capacity);
        self.slots = mem as *mut usize;
        self.capacity = capacity;
        self.len = 0;
        for i in 0..old_capacity {
            // SAFETY: within the old mapping.
            let user = unsafe { *old.add(i) };
            if user != 0 {
                self.insert_unchecked(user);
            }
        }
        if !old.is_null() {
            unsafe { libc::munmap(old.cast(), old_capacity * 8) };
        }
        true
    }

    /// Linear probing's deletion: later members of the cluster move back into the hole.
    fn remove(&mut self, user: usize) {
        if self.capacity == 0 {
            return;
        }
        let mask = self.capacity - 1;
        let mut i = home(user, self.capacity);
        loop {
            match self.get(i) {
                0 => return,
                u if u == user => break,
                _ => i = (i + 1) & mask,
            }
        }
        let mut hole = i;
        let mut j = i;
        loop {
            j = (j + 1) & mask;
            let u = self.get(j);
            if u == 0 {
                break;
            }
            let h = home(u, self.capacity);
            // u may fill the hole if its home is not cyclically in (hole, j].
            if (j.wrapping_sub(h) & mask) >= (j.wrapping_sub(hole) & mask) {
                self.set(hole, u);
                hole = j;
            }
        }
        self.set(hole, 0);
        self.len -= 1;
    }
}

/// A chunk whose block glibc gave us (user bytes at `user`).
pub fn insert(user: usize) {
    let mut table = TABLE.lock();
    if (table.len + 1) * 2 > table.capacity && !table.grow() {
        return; // the leak check will not see it: never a false report, at worst a missed leak
    }
    table.insert_unchecked(user);
}

/// The chunk's block went back to glibc.
pub fn remove(user: usize) {
    TABLE.lock().remove(user);
}

/// The set held still (its lock taken) until dropped: the leak check takes it before stopping
/// the other threads, so none of them can be stopped while holding it.
pub struct Frozen(crate::sync::SpinGuard<'static, Table>);

pub fn freeze() -> Frozen {
    Frozen(TABLE.lock())
}

impl Frozen {
    /// Calls `f` with every member.
    pub fn for_each(&self, mut f: impl FnMut(usize)) {
        for i in 0..self.0.capacity {
            let user = self.0.get(i);
            if user != 0 {
                f(user);
            }
        }
    }
}

/// fork: the child must not inherit a lock held by a thread it does not have.
pub fn lock_for_fork() {
    core::mem::forget(TABLE.lock());
}

pub fn unlock_after_fork() {
    unsafe { TABLE.force_unlock() };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_remove_and_list_survive_growth() {
        let base = 0x7000_0000_0000usize;
        for i in 0..10_000 {
            insert(base + i * 16);
        }
        for i in (0..10_000).step_by(2) {
            remove(base + i * 16);
        }
        let mut seen = Vec::new();
        freeze().for_each(|u| {
            if (base..base + 10_000 * 16).contains(&u) {
                seen.push(u)
            }
        });
        seen.sort();
        let want: Vec<usize> = (1..10_000).step_by(2).map(|i| base + i * 16).collect();
        assert_eq!(seen, want);
        for u in want {
            remove(u);
        }
    }
}
