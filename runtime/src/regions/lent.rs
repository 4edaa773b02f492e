//! The Go objects lent to cgo calls: each call window records the objects its arguments point into
//! (`__ffisan_cgo_lend`, after each word the wrapper reads from Go's argument frame), and while any
//! call has an object lent its shadow is addressable, so C's accesses to it cost the inline check
//! alone. The rest of the Go heap stays MANAGED: a C access there takes the slow path, which asks
//! here whether it lies just past a lent object (`heap-buffer-overflow`), is pinned
//! (`runtime.Pinner`: allowed) or is simply not lent to this call (`cross-domain-access`).
//!
//! The shadow is shared by all threads, so an object lent to one thread's call is addressable
//! for every thread until the last call that lent it returns (a count per object): another
//! thread's C touching it meanwhile is missed, never reported wrongly. Only `managed_policy=window`
//! lends (under `strict` every access is reported, under `off` none).

use crate::contract::shadow_value::{ADDRESSABLE, MANAGED};
use crate::regions::go_heap::{self, Object};
use crate::sync::SpinLock;
use crate::thread_state::{current, ThreadState, LENT_PER_THREAD};
use core::sync::atomic::Ordering;

/// An object lent right now: how many open calls lent it, and whether its shadow was painted.
#[derive(Clone, Copy)]
struct Lent {
    base: usize,
    count: u32,
    painted: bool,
    /// `managed::UNREGISTERED` when it was painted.
    unregistered: usize,
}

const MAX_LENT: usize = 1024;

struct Table {
    lent: [Lent; MAX_LENT],
    len: usize,
    /// The last lends, newest at `history_next - 1`.
    history: [PastLend; HISTORY],
    history_next: usize,
}

static TABLE: SpinLock<Table> = SpinLock::new(Table {
    lent: [Lent {
        base: 0,
        count: 0,
        painted: false,
        unregistered: 0,
    }; MAX_LENT],
    len: 0,
    history: [PastLend {
        base: 0,
        wrapper_pc: 0,
        thread: 0,
    }; HISTORY],
    history_next: 0,
});

/// The last lends, for reports of a pointer kept from an earlier call: the object, the wrapper
/// that lent it (a return address inside it) and the thread.
#[derive(Clone, Copy, Default)]
pub struct PastLend {
    pub base: usize,
    pub wrapper_pc: usize,
    pub thread: u32,
}

const HISTORY: usize = 256;

/// A cgo call's window opens: it lends what `lend` is told.
#[inline]
pub fn begin() {
    crate::regions::managed::enter_window();
}

/// A plain window (`ffisan_call_window_begin`): any Go memory may be touched while it is open.
pub fn begin_plain() {
    let t = current();
    t.plain_windows.set(t.plain_windows.get() + 1);
    crate::regions::managed::enter_window();
}

pub fn end_plain() {
    let t = current();
    t.plain_windows.set(t.plain_windows.get().saturating_sub(1));
    crate::regions::managed::leave_window();
}

/// Records that the open call lends the Go object `value` points into (if it does).
pub fn lend(value: usize, wrapper_pc: usize) {
    let t = current();
    let depth = t.window_depth.get();
    if depth == 0 || crate::options::get().managed_policy != crate::options::ManagedPolicy::Window {
        return;
    }
    let Some(object) = go_heap::object_at(value) else {
        return;
    };
    let n = t.lent_count.get() as usize;
    if n == LENT_PER_THREAD || !add(&object, wrapper_pc, t.number.get()) {
        // Cannot keep track of it: this window allows any Go memory, as before lending existed.
        mark_untracked(t, depth);
        return;
    }
    t.lent[n].set((object.base, object.size, depth));
    t.lent_count.set(n as u32 + 1);
}

fn mark_untracked(t: &ThreadState, depth: u32) {
    if depth < 64 {
        t.untracked_windows
            .set(t.untracked_windows.get() | 1 << depth);
    } else {
        t.plain_windows.set(t.plain_windows.get() + 1);
    }
}

/// The cgo call returns: its objects are no longer lent by it.
pub fn end() {
    let t = current();
    let depth = t.window_depth.get();
    let mut n = t.lent_count.get() as usize;
    while n > 0 {
        let (base, size, d) = t.lent[n - 1].get();
        if d < depth {
            break;
        }
        release(base, size);
        n -= 1;
    }
    t.lent_count.set(n as u32);
    if depth < 64 {
        t.untracked_windows
            .set(t.untracked_windows.get() & !(1u64 << depth));
    }
    t.window_depth.set(depth.saturating_sub(1));
}

fn add(object: &Object, wrapper_pc: usize, thread: u32) -> bool {
    let mut table = TABLE.lock();
    let len = table.len;
    if let Some(l) = table.lent[..len].iter_mut().find(|l| l.base == object.base) {
        l.count += 1;
    } else {
        if len == MAX_LENT {
            return false;
        }
        // Painted only if it is MANAGED now: a Go heap ffisan did not see stays as it is. The
        // second granule counts too: an object with a malloc header (pointerful, over 512 bytes)
        // keeps its header word poisoned from an earlier life in the slot under `-asan`.
        let painted = [object.base, object.base + crate::contract::GRANULE]
            .iter()
            .any(|&g| g < object.base + object.size && crate::shadow::shadow_byte(g) == MANAGED);
        if painted {
            repaint(object.base, object.size, MANAGED, ADDRESSABLE);
        }
        table.lent[len] = Lent {
            base: object.base,
            count: 1,
            painted,
            unregistered: crate::regions::managed::UNREGISTERED.load(Ordering::Acquire),
        };
        table.len += 1;
    }
    let slot = table.history_next % HISTORY;
    table.history[slot] = PastLend {
        base: object.base,
        wrapper_pc,
        thread,
    };
    table.history_next = table.history_next.wrapping_add(1);
    true
}

/// Paints the granules of [base, base + size) that are `from` `to`, leaving the rest: Go's
/// `-asan` runtime poisons an object's redzone inside its size-class slot, and that poison must
/// outlive the lend.
fn repaint(base: usize, size: usize, from: u8, to: u8) {
    let n = size.div_ceil(crate::contract::GRANULE);
    let first = crate::shadow::shadow_addr(base);
    let (from_word, to_word) = (u64::from_ne_bytes([from; 8]), u64::from_ne_bytes([to; 8]));
    let mut i = 0;
    // SAFETY: the shadow of a Go object (below APP_END) is mapped.
    unsafe {
        while i < n {
            let p = first.add(i);
            if (p as usize).is_multiple_of(8) && i + 8 <= n && *(p as *const u64) == from_word {
                *(p as *mut u64) = to_word;
                i += 8;
                continue;
            }
            if *p == from {
                *p = to;
            }
            i += 1;
        }
    }
}

fn release(base: usize, size: usize) {
    let mut table = TABLE.lock();
    let len = table.len;
    let Some(i) = table.lent[..len].iter().position(|l| l.base == base) else {
        return;
    };
    table.lent[i].count -= 1;
    if table.lent[i].count > 0 {
        return;
    }
    // MANAGED again, unless the program took that memory out of the managed region meanwhile
    // (`ffisan_unregister_managed_region`, the pinning workaround of earlier versions).
    let lent = table.lent[i];
    if lent.painted {
        let untouched =
            crate::regions::managed::UNREGISTERED.load(Ordering::Acquire) == lent.unregistered;
        if untouched
            || crate::regions::managed::find(base)
                .is_some_and(|r| r.lo <= base && base + size <= r.hi)
        {
            repaint(base, size, ADDRESSABLE, MANAGED);
        }
    }
    table.lent[i] = table.lent[len - 1];
    table.len -= 1;
}

/// fork: hold the table across the fork, so the child's next cgo call finds it free and whole.
pub fn lock_for_fork() {
    core::mem::forget(TABLE.lock());
}

pub fn unlock_after_fork() {
    unsafe { TABLE.force_unlock() };
}

/// What a C access to MANAGED memory at `addr` is while the policy is `window`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Allowed,
    /// Past (or before) an object lent to a call open on this thread.
    Overflow,
    /// Go memory no open call of this thread lent.
    NotLent,
}

/// Bytes past a lent object's end (or before its start) that count as overflowing it.
const OVERFLOW_REACH: usize = 4096;

pub fn judge(addr: usize) -> Verdict {
    let t = current();
    if t.window_depth.get() == 0 {
        // No window: the old rule (cross-domain), unless the memory is pinned.
        return match go_heap::object_at(addr) {
            Some(o) if go_heap::is_pinned(&o) => Verdict::Allowed,
            _ => Verdict::NotLent,
        };
    }
    if t.plain_windows.get() > 0 || t.untracked_windows.get() != 0 {
        return Verdict::Allowed;
    }
    // Only memory the metadata knows as a live object is judged: anything else stays allowed.
    let Some(object) = go_heap::object_at(addr) else {
        return Verdict::Allowed;
    };
    // Lent to a call open here but still MANAGED (painted by no one: the lend found no MANAGED
    // granule to paint): lent all the same.
    if go_heap::is_pinned(&object) || is_lent_here(addr) {
        return Verdict::Allowed;
    }
    if overflowed(t, addr).is_some() {
        Verdict::Overflow
    } else {
        Verdict::NotLent
    }
}

/// The object lent on this thread that `addr` overflows, if any.
pub fn overflowed(t: &ThreadState, addr: usize) -> Option<(usize, usize)> {
    (0..t.lent_count.get() as usize)
        .map(|i| t.lent[i].get())
        .map(|(base, size, _)| (base, size))
        .find(|&(base, size)| {
            (addr >= base + size && addr - (base + size) < OVERFLOW_REACH)
                || (addr < base && base - addr <= 64)
        })
}

/// Whether `addr` lies in an object lent to a call open on this thread.
pub fn is_lent_here(addr: usize) -> bool {
    let t = current();
    (0..t.lent_count.get() as usize)
        .map(|i| t.lent[i].get())
        .any(|(base, size, _)| addr >= base && addr - base < size)
}

/// For a report: the lent object `addr` overflows, the object it lies in, and the last lend of
/// that object by an earlier call.
pub fn describe(addr: usize) -> crate::errors::GoObject {
    let t = current();
    let mut note = crate::errors::GoObject::default();
    if let Some((base, size)) = overflowed(t, addr) {
        (note.base, note.size) = go_heap::program_bytes(base, size);
        note.lent_now = true;
        return note;
    }
    let Some(object) = go_heap::object_at(addr) else {
        return note;
    };
    (note.base, note.size) = go_heap::program_bytes(object.base, object.size);
    let table = TABLE.lock();
    let start = table.history_next;
    // Newest first.
    if let Some(past) = (1..=HISTORY.min(start))
        .map(|k| table.history[(start - k) % HISTORY])
        .find(|p| p.base == object.base)
    {
        note.lent_by_pc = past.wrapper_pc;
        note.lent_by_thread = past.thread;
    }
    note
}
