//! Go frames in C stacks: a stack walk that reaches `runtime.asmcgocall` (the C code runs on the
//! thread's system stack, g0) goes on along the goroutine's own stack, so reports name the Go
//! functions that made the cgo call.
//!
//! What Go 1.26's `asmcgocall` (runtime/asm_amd64.s) leaves for us: on the system stack, just
//! above the return address into it, the distance from the goroutine stack's top to the
//! goroutine's stack pointer ("depth") and the goroutine's `g`; `g.stack` (lo, hi) is the first
//! field of a `g`. The goroutine's frame pointer is in rbp when the C function is entered (Go
//! keeps frame pointers on amd64), so the C wrapper's saved rbp is it: asmcgocall's own frame
//! record, at the goroutine's stack pointer, from which the records go on through
//! `runtime.cgocall` and the `_Cfunc_` stub into the Go code that called it. When asmcgocall ran on a system stack
//! already (no switch), it stores a zero `g`, and the ordinary walk goes on by itself.

use crate::traces::elf_symbols::{lookup_in_executable, Range};
use crate::traces::unwind::{walk_records, StackTrace};
use core::sync::atomic::{AtomicUsize, Ordering};

static ASMCGOCALL_LO: AtomicUsize = AtomicUsize::new(0);
static ASMCGOCALL_HI: AtomicUsize = AtomicUsize::new(0);
/// `runtime.cgocallback`: where a callback's goroutine frames end (C called Go, which called C).
static CGOCALLBACK_LO: AtomicUsize = AtomicUsize::new(0);
static CGOCALLBACK_HI: AtomicUsize = AtomicUsize::new(0);

/// A goroutine stack larger than this is taken as a misread (Go's limit is 1 GB).
const MAX_GOROUTINE_STACK: usize = 1 << 30;

/// Go's own code in the executable, [runtime.text, runtime.etext): the Go linker's text, which
/// the C objects of an external link lie outside of.
static GO_TEXT_LO: AtomicUsize = AtomicUsize::new(0);
static GO_TEXT_HI: AtomicUsize = AtomicUsize::new(0);

/// Finds `runtime.asmcgocall` in a Go executable. Start-up only (it reads the executable).
pub fn init() {
    let mut found = [Range::default(); 4];
    let names: [&[u8]; 4] = [
        b"runtime.asmcgocall.abi0",
        b"runtime.cgocallback.abi0",
        b"runtime.text",
        b"runtime.etext",
    ];
    if lookup_in_executable(b".go.buildinfo", &names, &mut found) {
        if found[2].lo != 0 && found[3].lo > found[2].lo {
            GO_TEXT_LO.store(found[2].lo, Ordering::Relaxed);
            GO_TEXT_HI.store(found[3].lo, Ordering::Relaxed);
        }
        CGOCALLBACK_LO.store(found[1].lo, Ordering::Relaxed);
        CGOCALLBACK_HI.store(found[1].hi, Ordering::Relaxed);
        ASMCGOCALL_LO.store(found[0].lo, Ordering::Relaxed);
        ASMCGOCALL_HI.store(found[0].hi, Ordering::Release);
    }
}

/// Whether `pc` lies in the executable's Go code (not its C, not a library's).
pub fn is_go_code(pc: usize) -> bool {
    pc >= GO_TEXT_LO.load(Ordering::Relaxed) && pc < GO_TEXT_HI.load(Ordering::Relaxed)
}

/// Whether a return address lies in `runtime.asmcgocall`: the frame it ends is a cgo call's C side.
#[inline]
pub fn returns_into_go(ret: usize) -> bool {
    let hi = ASMCGOCALL_HI.load(Ordering::Acquire);
    ret < hi && ret >= ASMCGOCALL_LO.load(Ordering::Relaxed)
}

/// Appends the goroutine's frames to `t` (up to `max`): `slot` is asmcgocall's stack pointer at
/// its call of the C function (the word above the return address into it), `go_fp` the frame
/// pointer it had (the C frame's saved rbp). Reads nothing it cannot check first: the `g` is
/// Go-allocated memory, and every frame record read lies inside that goroutine's stack.
/// `on_record` sees each record read; the result says whether the walk began at `go_fp` (the
/// records then continue the chain the caller was walking).
pub fn append_goroutine_frames(
    t: &mut StackTrace,
    max: usize,
    slot: usize,
    go_fp: usize,
    on_record: &mut impl FnMut(usize, usize),
) -> bool {
    if t.len() >= max || slot == 0 || !slot.is_multiple_of(8) {
        return false;
    }
    let (depth, g) = unsafe { (*(slot as *const usize), *((slot + 8) as *const usize)) };
    if g == 0 || !g.is_multiple_of(8) {
        return false;
    }
    let (lo, hi) = unsafe { (*(g as *const usize), *((g + 8) as *const usize)) };
    if lo >= hi || hi - lo > MAX_GOROUTINE_STACK || depth < 8 || depth > hi - lo {
        return false;
    }
    let go_sp = hi - depth;
    if !go_sp.is_multiple_of(8) {
        return false;
    }
    // asmcgocall pushes a frame record of its own at the goroutine's stack pointer (Go 1.26's
    // assembler gives it one), so the records start at or above it; the C frame's saved rbp is
    // that record too, unless a callback grew the goroutine's stack and Go moved it (Go fixes
    // the frame pointers on the goroutine's stack, not the one saved on the system stack).
    let start = if go_fp >= go_sp && go_fp < hi {
        go_fp
    } else {
        go_sp
    };
    let (last, next) = walk_records(t, max, start, go_sp, (lo, hi), on_record);
    // A callback's goroutine frames end in the frame runtime.cgocallback made on the goroutine's
    // stack; the rbp saved there is cgocallback's own, on this thread's stack, whose record names
    // crosscall2, where C called Go. Past it the walk stops: crosscall2 keeps no frame record of
    // its own (it saves the C registers in a block), so the next word is no record.
    let in_callback = |pc: usize| {
        pc >= CGOCALLBACK_LO.load(Ordering::Relaxed) && pc < CGOCALLBACK_HI.load(Ordering::Relaxed)
    };
    if last != 0 && t.len() < max && in_callback(t.frames()[t.len() - 1]) {
        let (_, thread_hi) = crate::threads::current_stack();
        if next > slot && next < thread_hi {
            walk_records(
                t,
                t.len() + 1,
                next,
                slot + 16,
                (slot, thread_hi),
                on_record,
            );
        }
    }
    start == go_fp
}
