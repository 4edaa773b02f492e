//! Stack capture with libgcc's `_Unwind_Backtrace`, leaving out the runtime's own frames.

use core::ffi::{c_int, c_void};
use core::sync::atomic::{AtomicUsize, Ordering};

/// Depth of the stacks printed for errors (allocation and free stacks use `malloc_context_size`).
pub const ERROR_STACK_DEPTH: usize = 64;

const URC_NO_REASON: c_int = 0;
const URC_NORMAL_STOP: c_int = 4;

extern "C" {
    fn _Unwind_Backtrace(
        trace: extern "C" fn(*mut c_void, *mut c_void) -> c_int,
        arg: *mut c_void,
    ) -> c_int;
    fn _Unwind_GetIP(context: *mut c_void) -> usize;
}

/// Return addresses, innermost first. `entry_frames` (0 or 1) says whether pcs[0] is the runtime
/// function the program called (malloc, free, ...), kept so stacks read "#0 in malloc".
#[derive(Clone, Copy)]
pub struct StackTrace {
    pcs: [usize; ERROR_STACK_DEPTH],
    len: usize,
    pub entry_frames: usize,
}

impl StackTrace {
    pub const fn empty() -> Self {
        StackTrace {
            pcs: [0; ERROR_STACK_DEPTH],
            len: 0,
            entry_frames: 0,
        }
    }
    pub fn frames(&self) -> &[usize] {
        &self.pcs[..self.len]
    }
    /// The pc of the first frame outside the runtime: where the error happened.
    pub fn user_pc(&self) -> usize {
        self.frames()
            .get(self.entry_frames)
            .or(self.frames().first())
            .copied()
            .unwrap_or(0)
    }
}

struct Walk {
    trace: StackTrace,
    max: usize,
    keep_entry: bool,
    /// The most recent runtime frame seen before any program frame.
    pending_entry: usize,
    runtime: (usize, usize),
}

extern "C" fn visit(context: *mut c_void, arg: *mut c_void) -> c_int {
    let walk = unsafe { &mut *arg.cast::<Walk>() };
    let ip = unsafe { _Unwind_GetIP(context) };
    if ip == 0 {
        return URC_NORMAL_STOP;
    }
    if ip >= walk.runtime.0 && ip < walk.runtime.1 {
        if walk.trace.len == 0 {
            walk.pending_entry = ip;
        }
        return URC_NO_REASON;
    }
    let t = &mut walk.trace;
    if t.len == 0 && walk.keep_entry && walk.pending_entry != 0 && walk.max > 1 {
        t.pcs[0] = walk.pending_entry;
        t.len = 1;
        t.entry_frames = 1;
    }
    if t.len < walk.max {
        t.pcs[t.len] = ip;
        t.len += 1;
    }
    if t.len >= walk.max {
        URC_NORMAL_STOP
    } else {
        URC_NO_REASON
    }
}

static RUNTIME_LO: AtomicUsize = AtomicUsize::new(0);
static RUNTIME_HI: AtomicUsize = AtomicUsize::new(0);

/// [lo, hi) of this library's loaded segments, read from our own program headers.
pub fn runtime_range() -> (usize, usize) {
    let hi = RUNTIME_HI.load(Ordering::Acquire);
    if hi != 0 {
        return (RUNTIME_LO.load(Ordering::Relaxed), hi);
    }
    let mut info: libc::Dl_info = unsafe { core::mem::zeroed() };
    let here = runtime_range as *const c_void;
    if unsafe { libc::dladdr(here, &mut info) } == 0 || info.dli_fbase.is_null() {
        return (0, 0);
    }
    let base = info.dli_fbase as usize;
    let (mut lo, mut hi) = (usize::MAX, 0);
    unsafe {
        let ehdr = &*(base as *const libc::Elf64_Ehdr);
        let phdrs = (base + ehdr.e_phoff as usize) as *const libc::Elf64_Phdr;
        let first_vaddr = (0..ehdr.e_phnum as usize)
            .map(|i| &*phdrs.add(i))
            .filter(|p| p.p_type == libc::PT_LOAD)
            .map(|p| p.p_vaddr as usize & !0xfff)
            .min()
            .unwrap_or(0);
        let bias = base - first_vaddr;
        for i in 0..ehdr.e_phnum as usize {
            let p = &*phdrs.add(i);
            if p.p_type == libc::PT_LOAD {
                lo = lo.min(bias + p.p_vaddr as usize);
                hi = hi.max(bias + (p.p_vaddr + p.p_memsz) as usize);
            }
        }
    }
    if hi == 0 {
        return (0, 0);
    }
    RUNTIME_LO.store(lo, Ordering::Relaxed);
    RUNTIME_HI.store(hi, Ordering::Release);
    (lo, hi)
}

/// Captures up to `max_depth` program frames of the calling thread. With `keep_entry`, the runtime
/// function the program called becomes frame #0 (counted in `max_depth`).
#[inline(never)]
pub fn capture(max_depth: usize, keep_entry: bool) -> StackTrace {
    let mut walk = Walk {
        trace: StackTrace::empty(),
        max: max_depth.min(ERROR_STACK_DEPTH),
        keep_entry,
        pending_entry: 0,
        runtime: runtime_range(),
    };
    if walk.max > 0 {
        unsafe { _Unwind_Backtrace(visit, (&mut walk as *mut Walk).cast()) };
    }
    walk.trace
}

/// Whether `pc` lies in this library (its frames are described by name only).
pub fn in_runtime(pc: usize) -> bool {
    let (lo, hi) = runtime_range();
    pc >= lo && pc < hi
}
