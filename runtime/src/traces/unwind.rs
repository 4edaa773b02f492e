//! Stack capture, leaving out the runtime's own frames. Error stacks use libgcc's
//! `_Unwind_Backtrace` (exact, slow); allocation and free stacks, taken on every malloc and free,
//! walk frame pointers from the allocator's entry point (fast), once checked per call site
//! against `_Unwind_Backtrace` (code without frame pointers, like libc's strdup, is unwound the
//! slow way).

use core::ffi::{c_int, c_void};
use core::mem::MaybeUninit;
use core::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

pub use crate::traces::frame_chains::Trail;
use crate::traces::go_frames;

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
    fn _Unwind_GetCFA(context: *mut c_void) -> usize;
    fn _Unwind_GetGR(context: *mut c_void, register: c_int) -> usize;
}

/// DWARF register number of rbp on x86-64.
const DWARF_RBP: c_int = 6;

/// Return addresses, innermost first. `entry_frames` (0 or 1) says whether pcs[0] is the runtime
/// function the program called (malloc, free, ...), kept so stacks read "#0 in malloc".
/// `pcs[..len]` are written; the rest is left uninitialised, because a trace is made on every
/// malloc and free, and zeroing 64 words each time cost more than walking the stack.
#[derive(Clone, Copy)]
pub struct StackTrace {
    pcs: [MaybeUninit<usize>; ERROR_STACK_DEPTH],
    len: usize,
    pub entry_frames: usize,
}

impl StackTrace {
    /// Only the two counts are written: built field by field, the compiler would merge their
    /// zeros and the uninitialised pcs into one 528-byte memset (a tenth of a malloc's cost).
    pub const fn empty() -> Self {
        let mut t = MaybeUninit::<StackTrace>::uninit();
        let p = t.as_mut_ptr();
        // SAFETY: both counts are written; `pcs` is an array of MaybeUninit, valid uninitialised.
        unsafe {
            core::ptr::addr_of_mut!((*p).len).write(0);
            core::ptr::addr_of_mut!((*p).entry_frames).write(0);
            t.assume_init()
        }
    }
    pub fn frames(&self) -> &[usize] {
        // SAFETY: every pc below `len` was written (`set` comes before `len` grows past it).
        unsafe { core::slice::from_raw_parts(self.pcs.as_ptr().cast::<usize>(), self.len) }
    }
    fn set(&mut self, index: usize, pc: usize) {
        self.pcs[index] = MaybeUninit::new(pc);
    }
    pub fn len(&self) -> usize {
        self.len
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
    /// CFA and rbp of the first two program frames (to learn how to step over a frame without
    /// a frame pointer).
    user_cfa: [usize; 2],
    user_rbp: [usize; 2],
    /// Set when the walk reached `runtime.asmcgocall`: its stack pointer and frame pointer there,
    /// where the goroutine's frames go on (`go_frames.rs`).
    go_resume: Option<(usize, usize)>,
}

extern "C" fn visit(context: *mut c_void, arg: *mut c_void) -> c_int {
    let walk = unsafe { &mut *arg.cast::<Walk>() };
    let ip = unsafe { _Unwind_GetIP(context) };
    if ip == 0 {
        return URC_NORMAL_STOP;
    }
    // The runtime's own frames above the program's are dropped (the last of them may name frame
    // #0); below it they stay, as the frame-pointer walk sees them: a thread's start routine is
    // called from the runtime's `thread_start`.
    if walk.trace.len == 0 && ip >= walk.runtime.0 && ip < walk.runtime.1 {
        walk.pending_entry = ip;
        return URC_NO_REASON;
    }
    let t = &mut walk.trace;
    if t.len == 0 && walk.keep_entry && walk.pending_entry != 0 && walk.max > 1 {
        t.set(0, walk.pending_entry);
        t.len = 1;
        t.entry_frames = 1;
    }
    if t.len < walk.max {
        let user_index = t.len - t.entry_frames;
        if user_index < 2 {
            walk.user_cfa[user_index] = unsafe { _Unwind_GetCFA(context) };
            walk.user_rbp[user_index] = unsafe { _Unwind_GetGR(context, DWARF_RBP) };
        }
        t.set(t.len, ip);
        t.len += 1;
        if go_frames::returns_into_go(ip) {
            // The context's CFA is the stack pointer inside this frame at its call: asmcgocall's.
            let sp = unsafe { _Unwind_GetCFA(context) };
            walk.go_resume = Some((sp, unsafe { _Unwind_GetGR(context, DWARF_RBP) }));
            return URC_NORMAL_STOP;
        }
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
    walk_with_unwinder(max_depth, keep_entry).trace
}

#[inline(never)]
fn walk_with_unwinder(max_depth: usize, keep_entry: bool) -> Walk {
    let mut walk = Walk {
        trace: StackTrace::empty(),
        max: max_depth.min(ERROR_STACK_DEPTH),
        keep_entry,
        pending_entry: 0,
        runtime: runtime_range(),
        user_cfa: [0; 2],
        user_rbp: [0; 2],
        go_resume: None,
    };
    if walk.max > 0 {
        unsafe { _Unwind_Backtrace(visit, (&mut walk as *mut Walk).cast()) };
    }
    if let Some((sp, fp)) = walk.go_resume {
        go_frames::append_goroutine_frames(&mut walk.trace, walk.max, sp, fp, &mut |_, _| {});
    }
    walk
}

/// Whether `pc` lies in this library (its frames are described by name only).
pub fn in_runtime(pc: usize) -> bool {
    let (lo, hi) = runtime_range();
    pc >= lo && pc < hi
}

/// Where the program entered the runtime, as captured by an entry stub on its first instruction:
/// the stub's own address (names frame #0), the return address, and the caller's rbp and rsp.
#[derive(Clone, Copy)]
pub struct Caller {
    pub entry: usize,
    pub ret: usize,
    pub fp: usize,
    pub sp: usize,
}

impl Caller {
    /// Rebuilds the caller description from an entry stub's extra arguments (the return address
    /// is the word just below the caller's stack pointer).
    pub fn from_stub(entry: usize, fp: usize, sp: usize) -> Caller {
        Caller {
            entry,
            ret: unsafe { *((sp - 8) as *const usize) },
            fp,
            sp,
        }
    }
}

impl StackTrace {
    /// Makes frame #0 name the entry stub (`pc - 1` lands on its symbol) instead of whatever
    /// internal function the unwinder saw.
    fn with_entry(mut self, caller: &Caller) -> Self {
        if self.entry_frames == 1 {
            self.set(0, caller.entry + 1);
        } else if self.len > 0 && self.len < ERROR_STACK_DEPTH {
            self.pcs.copy_within(0..self.len, 1);
            self.set(0, caller.entry + 1);
            self.len += 1;
            self.entry_frames = 1;
        }
        self
    }
}

/// `_Unwind_Backtrace` from inside the runtime, frame #0 naming the entry point.
pub fn capture_from(caller: &Caller, max_depth: usize) -> StackTrace {
    capture(max_depth, true).with_entry(caller)
}

/// Frame-pointer walk from `fp`: the saved (rbp, return address) pairs while they stay inside
/// the thread's stack [lo, hi) and move up from `floor`; a walk that reaches a cgo call's Go
/// side goes on along the goroutine's stack. Every record read goes to `trail`: the goroutine's
/// records too, which lie in Go's heap arenas, mapped for the process's life (Go never unmaps
/// them), so replaying them never faults; a changed goroutine shows as a changed word.
fn walk_frame_pointers(
    t: &mut StackTrace,
    max: usize,
    fp: usize,
    floor: usize,
    bounds: (usize, usize),
    trail: &mut Trail,
) {
    let (last, next) = walk_records(t, max, fp, floor, bounds, &mut |n, r| trail.push(n, r));
    if last != 0 && t.len < max && go_frames::returns_into_go(t.frames()[t.len - 1]) {
        // asmcgocall's stack pointer at its call is just above the return address at last + 8.
        let chained = go_frames::append_goroutine_frames(t, max, last + 16, next, &mut |n, r| {
            trail.push(n, r)
        });
        // The replay follows each record's `next` word: only a walk that did so is replayable.
        trail.usable &= chained;
    }
}

/// The frame-record walk itself, within [lo, hi) and up from `floor`; `on_record` sees every
/// record's two words. Returns the address of the last record that gave a frame and its `next`
/// word ((0, 0) if none did).
#[inline(always)]
pub fn walk_records(
    t: &mut StackTrace,
    max: usize,
    mut fp: usize,
    mut floor: usize,
    (lo, hi): (usize, usize),
    on_record: &mut impl FnMut(usize, usize),
) -> (usize, usize) {
    // The length lives in a register during the walk: stored through `t` each step, it would be
    // reloaded after every pc store (they may alias, as far as the compiler knows).
    let mut len = t.len;
    let mut last = (0, 0);
    floor = floor.max(lo);
    // Each record [fp, fp + 16) must lie in [floor, hi): one unsigned compare (fp below floor
    // wraps round to a huge offset). Frames only go up, so floor is the last record's end.
    let Some(top) = hi.checked_sub(16) else {
        return last;
    };
    while len < max && fp.wrapping_sub(floor) <= top.wrapping_sub(floor) && top >= floor {
        if !fp.is_multiple_of(8) {
            break;
        }
        let (next, ret) = unsafe { (*(fp as *const usize), *((fp + 8) as *const usize)) };
        on_record(next, ret);
        if ret < 0x1000 {
            break;
        }
        t.pcs[len] = MaybeUninit::new(ret);
        len += 1;
        last = (fp, next);
        floor = fp + 16;
        fp = next;
    }
    t.len = len;
    last
}

/// How to unwind from a call site into the allocator without the unwinder, learned once per
/// call site (return address) by comparing with `_Unwind_Backtrace`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Rule {
    /// The caller keeps a frame pointer: walk from its rbp.
    FramePointer,
    /// The caller has no frame pointer (libc's strdup, ...): its frame ends `cfa` bytes above
    /// the stack pointer at the call; its caller's rbp is unchanged or saved `rbp_slot` bytes
    /// above it. Then walk frame pointers from there.
    Frameless { cfa: u16, rbp_slot: Option<u16> },
    /// Neither works: always use the unwinder here.
    Unwinder,
}

impl Rule {
    fn encode(self) -> u64 {
        match self {
            Rule::FramePointer => 1,
            Rule::Unwinder => 2,
            Rule::Frameless { cfa, rbp_slot } => {
                3 | (cfa as u64) << 2 | rbp_slot.map_or(0, |s| (s as u64) << 18 | 1 << 34)
            }
        }
    }
    fn decode(bits: u64) -> Rule {
        match bits & 3 {
            1 => Rule::FramePointer,
            3 => Rule::Frameless {
                cfa: (bits >> 2) as u16,
                rbp_slot: (bits & 1 << 34 != 0).then_some((bits >> 18) as u16),
            },
            _ => Rule::Unwinder,
        }
    }

    /// Fills `t` with the stack this rule gives; false if its reads would leave the thread's stack.
    /// `trail` gets the records a frame-pointer walk read, usable only if that walk was all.
    fn apply(
        self,
        caller: &Caller,
        max: usize,
        (lo, hi): (usize, usize),
        t: &mut StackTrace,
        trail: &mut Trail,
    ) -> bool {
        let max = max.min(ERROR_STACK_DEPTH);
        trail.len = 0;
        trail.usable = self == Rule::FramePointer;
        t.set(0, caller.entry + 1);
        t.set(1, caller.ret);
        t.len = 2;
        t.entry_frames = 1;
        match self {
            Rule::FramePointer => {
                walk_frame_pointers(t, max, caller.fp, caller.sp, (lo, hi), trail)
            }
            Rule::Frameless { cfa, rbp_slot } => {
                let cfa = caller.sp + cfa as usize;
                if cfa > hi || cfa < caller.sp + 8 || t.len >= max {
                    return false;
                }
                t.set(t.len, unsafe { *((cfa - 8) as *const usize) });
                t.len += 1;
                let fp = match rbp_slot {
                    None => caller.fp,
                    Some(slot) => unsafe { *((caller.sp + slot as usize) as *const usize) },
                };
                walk_frame_pointers(t, max, fp, cfa, (lo, hi), trail);
            }
            Rule::Unwinder => return false,
        }
        true
    }
}

/// Call sites (return addresses) whose rule is known: key = ret << 2 | 1 in KEYS, rule in RULES.
const RULE_SLOTS: usize = 1 << 14;
static KEYS: [AtomicU64; RULE_SLOTS] = [const { AtomicU64::new(0) }; RULE_SLOTS];
static RULES: [AtomicU64; RULE_SLOTS] = [const { AtomicU64::new(0) }; RULE_SLOTS];

fn rule_slot(ret: usize) -> usize {
    (ret.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 40) % RULE_SLOTS
}

fn known_rule(ret: usize) -> Option<Rule> {
    let slot = rule_slot(ret);
    let key = KEYS[slot].load(Ordering::Acquire);
    let rule = RULES[slot].load(Ordering::Acquire);
    // Re-read the key: a concurrent writer of another call site may have replaced the pair.
    (key == (ret as u64) << 2 | 1 && KEYS[slot].load(Ordering::Acquire) == key)
        .then(|| Rule::decode(rule))
}

fn remember_rule(ret: usize, rule: Rule) {
    let slot = rule_slot(ret);
    KEYS[slot].store(0, Ordering::Release);
    RULES[slot].store(rule.encode(), Ordering::Release);
    KEYS[slot].store((ret as u64) << 2 | 1, Ordering::Release);
}

/// The first frames two traces must share for a rule to be trusted.
fn agree(fast: &StackTrace, slow: &StackTrace) -> bool {
    // Entry, caller and the caller's caller at least: frame pointers usually end early in libc's
    // start-up frames, which is fine.
    let n = fast.len.min(slow.len).min(4);
    n >= slow.len.min(3) && fast.frames()[..n] == slow.frames()[..n]
}

/// Learns the rule for a call site from one unwinder walk (which is also this call's stack).
fn learn(caller: &Caller, max_depth: usize, bounds: (usize, usize)) -> StackTrace {
    let hi = bounds.1;
    let walk = walk_with_unwinder(max_depth, true);
    let slow = walk.trace.with_entry(caller);
    let mut candidates = [Rule::FramePointer, Rule::Unwinder];
    // The caller's frame as the unwinder saw it: libgcc's CFA of a frame's context is the stack
    // pointer inside that frame, so the caller's frame ends at its caller's CFA.
    let (cfa, next_rbp) = (walk.user_cfa[1], walk.user_rbp[1]);
    if cfa > caller.sp && cfa - caller.sp < 1 << 16 && cfa <= hi {
        let rbp_slot = if next_rbp == caller.fp {
            Some(None)
        } else {
            (caller.sp..cfa)
                .step_by(8)
                .find(|&a| unsafe { *(a as *const usize) } == next_rbp)
                .map(|a| Some((a - caller.sp) as u16))
        };
        if let Some(rbp_slot) = rbp_slot {
            candidates[1] = Rule::Frameless {
                cfa: (cfa - caller.sp) as u16,
                rbp_slot,
            };
        }
    }
    let rule = candidates
        .into_iter()
        .find(|r| {
            let mut fast = StackTrace::empty();
            r.apply(caller, max_depth, bounds, &mut fast, &mut Trail::new()) && agree(&fast, &slow)
        })
        .unwrap_or(Rule::Unwinder);
    remember_rule(caller.ret, rule);
    slow
}

/// Fills `out` with the allocation or free stack of the program's call into the allocator
/// (`max_depth` frames, frame #0 the entry point), and `trail` with the records it read when
/// frame pointers alone gave it (`frame_chains.rs`). Filled in place: this runs on every malloc.
pub fn capture_for_allocator(
    caller: &Caller,
    max_depth: usize,
    out: &mut StackTrace,
    trail: &mut Trail,
) {
    trail.usable = false;
    if max_depth == 0 {
        return;
    }
    if crate::thread_state::current().in_deadly_signal.get() {
        // The report of a deadly signal allocates (the symbolizer's spawn) on its own stack: the
        // unwinder would step back through the signal frame onto a stack that may be smashed,
        // or to the wild pc that faulted, and fault in libgcc. Those allocations are never
        // reported: no stack for them.
        *out = StackTrace::empty();
        return;
    }
    let (lo, hi) = crate::threads::current_stack();
    if caller.sp >= lo && caller.sp < hi {
        match known_rule(caller.ret) {
            Some(rule) if rule.apply(caller, max_depth, (lo, hi), out, trail) => return,
            Some(_) => trail.usable = false,
            None => {
                *out = learn(caller, max_depth, (lo, hi));
                return;
            }
        }
    }
    // Alternate or foreign stack (no bounds to trust), or a call site only the unwinder handles.
    *out = capture_from(caller, max_depth);
}

// ---- the stack of an interrupted context (a deadly signal, or Go's `-asan` runtime naming the
// pc of its faulty access)

struct ContextWalk {
    trace: StackTrace,
    pc: usize,
    /// What frame #0 records for `pc`.
    first: usize,
    found: bool,
}

extern "C" fn visit_from_context(context: *mut c_void, arg: *mut c_void) -> c_int {
    let walk = unsafe { &mut *arg.cast::<ContextWalk>() };
    let ip = unsafe { _Unwind_GetIP(context) };
    if ip == 0 {
        return URC_NORMAL_STOP;
    }
    // The handler's own frames and the kernel's signal frame come first: skip to the
    // interrupted pc (libgcc steps through the signal trampoline to it exactly).
    if !walk.found {
        if ip != walk.pc {
            return URC_NO_REASON;
        }
        walk.found = true;
        walk.trace.set(0, walk.first);
        walk.trace.len = 1;
        return URC_NO_REASON;
    }
    let t = &mut walk.trace;
    t.set(t.len, ip);
    t.len += 1;
    if t.len >= ERROR_STACK_DEPTH {
        URC_NORMAL_STOP
    } else {
        URC_NO_REASON
    }
}

/// Whether libgcc can unwind from the interrupted context at `pc` (stack pointer `sp`) without
/// faulting itself. When it finds no FDE for an address it reads the code there (its check for
/// a signal trampoline), so a jump to a wild pc, or a `ret` about to pop a smashed return address
/// (an overflow that ran over it, `0x4343434343434343`: the fault is on the `ret` itself), would
/// fault again inside the handler and end the process with no report. Both are tested by
/// reading through the kernel, which answers EFAULT instead of faulting.
fn unwinder_can_step(pc: usize, sp: usize) -> bool {
    let mut code = [0u8; 9];
    if !read_own_memory(pc, &mut code) {
        return false;
    }
    // `ret`, `ret imm16`, and their `rep`/`bnd` prefixed forms.
    let op = if matches!(code[0], 0xf2 | 0xf3) {
        code[1]
    } else {
        code[0]
    };
    if !matches!(op, 0xc3 | 0xc2) {
        return true;
    }
    let mut ret = [0u8; 8];
    read_own_memory(sp, &mut ret) && read_own_memory(usize::from_ne_bytes(ret), &mut code)
}

/// Copies `buf.len()` bytes at `addr` into `buf` through `process_vm_readv` on our own process:
/// false for memory that is not mapped readable. Where the call is not allowed (an old kernel,
/// a seccomp filter), the memory is assumed readable, as before the check.
fn read_own_memory(addr: usize, buf: &mut [u8]) -> bool {
    let local = libc::iovec {
        iov_base: buf.as_mut_ptr().cast(),
        iov_len: buf.len(),
    };
    let remote = libc::iovec {
        iov_base: addr as *mut c_void,
        iov_len: buf.len(),
    };
    // errno is the interrupted program's: the check leaves it as it was.
    let saved = unsafe { *libc::__errno_location() };
    let n = unsafe { libc::process_vm_readv(libc::getpid(), &local, 1, &remote, 1, 0) };
    let failure = unsafe { *libc::__errno_location() };
    unsafe { *libc::__errno_location() = saved };
    if n < 0 {
        return failure != libc::EFAULT;
    }
    n as usize == buf.len()
}

/// The stack of the context at `pc` (registers `bp`, `sp`) on the calling thread: a signal's
/// interrupted context, or a caller's frame. With `faulting`, frame #0 holds `pc + 1`, so the
/// symbolizer looks up the faulting instruction itself (it looks up `pc - 1`, the call, of
/// return addresses). The unwinder steps through the signal frame when it can (every frame
/// described by CFI); otherwise (a handler Go forwarded the signal to, through frames without
/// CFI) frame pointers are walked from `bp`, inside the thread's stack only.
pub fn capture_context(pc: usize, bp: usize, sp: usize, faulting: bool) -> StackTrace {
    let first = if faulting { pc + 1 } else { pc };
    let mut walk = ContextWalk {
        trace: StackTrace::empty(),
        pc,
        first,
        found: false,
    };
    // Where libgcc would fault, frame pointers only (inside the thread's stack).
    if unwinder_can_step(pc, sp) {
        unsafe { _Unwind_Backtrace(visit_from_context, (&mut walk as *mut ContextWalk).cast()) };
        if walk.found {
            return walk.trace;
        }
    }
    let mut t = StackTrace::empty();
    t.set(0, first);
    t.len = 1;
    let (lo, hi) = crate::threads::current_stack();
    if sp >= lo && sp < hi {
        walk_frame_pointers(
            &mut t,
            ERROR_STACK_DEPTH,
            bp,
            sp,
            (lo, hi),
            &mut Trail::new(),
        );
    }
    t
}
