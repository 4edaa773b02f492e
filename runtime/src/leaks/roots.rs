//! The roots, precisely: writable globals of every module (but the runtime's own), every thread's
//! registers, the live part of its stack, its static TLS and DTV, its alternate signal stack,
//! every `makecontext` stack (running or suspended), the fake frames in use, root regions the
//! program registered, and the managed (Go) regions' readable memory their collector did not poison
//! (in a Go 1.26 program, precisely: Go objects are marked from the roots like chunks, and only the
//! live part of each goroutine's stack is a root).

use crate::leaks::go_roots::{self, GoStacks};
use crate::leaks::mappings::Mappings;
use crate::leaks::marking::Marker;
use crate::leaks::scratch::MapVec;
use crate::leaks::stop_world::{self, ThreadView, World};
use crate::threads::ThreadStacks;

/// The x86-64 ABI's red zone: a leaf function may keep values this far below its stack pointer.
const RED_ZONE: usize = 128;
/// More DTV entries than this is no DTV.
const MAX_DTV: usize = 1 << 16;

/// What must be read before the world stops (it takes locks a stopped thread may hold, or may
/// allocate).
pub struct Prepared {
    globals: MapVec<(usize, usize)>,
    managed: MapVec<(usize, usize)>,
    registered: MapVec<(usize, usize)>,
    /// Stacks makecontext was given: a suspended coroutine's live frames are there.
    coroutines: MapVec<(usize, usize)>,
    /// glibc's static TLS size and its thread descriptor's size (0: unknown).
    tls_static: usize,
    tcb: usize,
}

/// Any static of ours: the module whose writable segment holds it is the runtime.
static RUNTIME_ANCHOR: u8 = 0;

fn glibc_tls_sizes() -> (usize, usize) {
    type TlsInfo = unsafe extern "C" fn(*mut usize, *mut usize);
    let info = unsafe { libc::dlsym(libc::RTLD_DEFAULT, c"_dl_get_tls_static_info".as_ptr()) };
    let tcb = unsafe { libc::dlsym(libc::RTLD_DEFAULT, c"_thread_db_sizeof_pthread".as_ptr()) };
    if info.is_null() || tcb.is_null() {
        return (0, 0);
    }
    let (mut size, mut align) = (0usize, 0usize);
    unsafe { core::mem::transmute::<*mut libc::c_void, TlsInfo>(info)(&mut size, &mut align) };
    (size, unsafe { *(tcb as *const u32) } as usize)
}

impl Prepared {
    /// The managed (Go) regions, as they were before the world stopped.
    pub fn managed(&self) -> &[(usize, usize)] {
        self.managed.as_slice()
    }
}

pub fn prepare() -> Prepared {
    let anchor = &RUNTIME_ANCHOR as *const u8 as usize;
    let mut globals = MapVec::new();
    crate::regions::for_each_writable_global(|lo, hi, _| {
        if !(lo..hi).contains(&anchor) {
            globals.push((lo, hi));
        }
    });
    let mut managed = MapVec::new();
    crate::regions::for_each_managed(|lo, hi| {
        managed.push((lo, hi));
    });
    let registered = crate::leaks::root_regions::snapshot();
    let mut coroutines = MapVec::new();
    crate::threads::for_each_coroutine_stack(|lo, hi| {
        coroutines.push((lo, hi));
    });
    let (tls_static, tcb) = glibc_tls_sizes();
    Prepared {
        globals,
        managed,
        registered,
        coroutines,
        tls_static,
        tcb,
    }
}

/// What the scan did not cover: threads neither stopped nor registered.
pub struct Coverage {
    pub stopped: usize,
    pub unanswered: usize,
    pub unscanned: usize,
}

/// The checking thread as it was when the check began: its stack from there up is scanned, not
/// the check's own deeper frames, whose unwritten slots may still hold the program's dead values.
#[derive(Clone, Copy)]
pub struct Checker {
    pub sp: usize,
    pub regs: [usize; 6],
}

impl Checker {
    #[inline(always)]
    pub fn here() -> Checker {
        Checker {
            sp: crate::threads::stack_pointer(),
            regs: stop_world::own_registers(),
        }
    }
}

/// Marks everything the roots reach (the flood is left to the caller).
pub fn scan(
    m: &mut Marker,
    p: &Prepared,
    world: &World,
    maps: &Mappings,
    checker: &Checker,
) -> Coverage {
    for &(lo, hi) in p.globals.as_slice() {
        maps.clip(lo, hi, |lo, hi| m.scan_root(lo, hi));
    }
    let mut go = GoStacks::read(maps);
    if let Some(go) = &go {
        go.scan_kept_alive(m, maps);
    }
    // Go's objects are marked from the roots, not scanned as roots themselves.
    let go_heap_scanned = m.marks_go() && go.is_some();
    let managed = p.managed.as_slice();
    for &(lo, hi) in p.registered.as_slice() {
        // Go's -asan runtime registers its heap's reservations (and its other mappings): the
        // heap's reachable objects are marked, what it registered beside the heap is a root.
        if go_heap_scanned {
            go_roots::outside(lo, hi, managed, |lo, hi| {
                maps.clip(lo, hi, |lo, hi| m.scan_root(lo, hi))
            });
            continue;
        }
        // Else dead objects are known only by the poison Go's -asan runtime paints on them.
        let in_managed = managed.iter().any(|&(l, h)| l < hi && lo < h);
        maps.clip(lo, hi, |lo, hi| {
            if in_managed {
                m.scan_managed(lo, hi)
            } else {
                m.scan_root(lo, hi)
            }
        });
    }
    if !go_heap_scanned {
        for &(lo, hi) in managed {
            maps.clip(lo, hi, |lo, hi| m.scan_managed(lo, hi));
        }
    }
    crate::threads::for_each_fake_frame(|lo, hi| m.scan_root(lo, hi));
    for &(lo, hi) in p.coroutines.as_slice() {
        m.mark_word(lo); // a stack the program allocated is in use
        maps.clip(lo, hi, |lo, hi| m.scan_root(lo, hi));
    }

    let mut known = MapVec::new();
    crate::threads::for_each_thread(|t| {
        known.push(t);
    });
    let stacks_of = |tid: i32| {
        known
            .as_slice()
            .iter()
            .find(|t| t.tid as i32 == tid)
            .copied()
    };
    let mut coverage = Coverage {
        stopped: 0,
        unanswered: 0,
        unscanned: 0,
    };
    // This thread: its callee-saved registers and its stack from here up.
    let me = unsafe { libc::syscall(libc::SYS_gettid) } as i32;
    let mut regs = [0usize; stop_world::SAVED_REGS];
    regs[..6].copy_from_slice(&checker.regs);
    let here = ThreadView {
        tid: me,
        stopped: true,
        sp: checker.sp,
        tp: stop_world::thread_pointer(),
        regs,
    };
    if crate::options::get().verbosity >= 3 {
        let mut line = crate::errors::FixedStr::<128>::new();
        let hi = stacks_of(me).map_or(0, |s| s.stack.1);
        let _ = core::fmt::Write::write_fmt(
            &mut line,
            format_args!(
                "ffisan: leak check: checking thread's stack from {:#x} to {hi:#x}\n",
                checker.sp
            ),
        );
        crate::sync::write_stderr(line.as_str().as_bytes());
    }
    // No red zone below it: it was not interrupted, it called us, and our frames lie there.
    scan_thread(m, p, maps, &here, stacks_of(me), 0, &mut go);
    world.for_each_thread(|t| {
        let stacks = stacks_of(t.tid);
        if t.stopped {
            coverage.stopped += 1;
        } else if stacks.is_some() {
            coverage.unanswered += 1;
        } else {
            coverage.unscanned += 1;
        }
        scan_thread(m, p, maps, &t, stacks, RED_ZONE, &mut go);
    });
    // Goroutine stacks last: a running goroutine's stack pointer may be in a thread's words.
    if let Some(go) = &go {
        go.scan_stacks(m, maps);
    }
    coverage
}

fn scan_thread(
    m: &mut Marker,
    p: &Prepared,
    maps: &Mappings,
    t: &ThreadView,
    stacks: Option<ThreadStacks>,
    red_zone: usize,
    go: &mut Option<GoStacks>,
) {
    let mut root = |go: &mut Option<GoStacks>, lo: usize, hi: usize| {
        maps.clip(lo, hi, |lo, hi| {
            m.scan_root(lo, hi);
            if let Some(go) = go {
                go.note_range(lo, hi);
            }
        })
    };
    if let Some(s) = stacks {
        // A stack or alternate stack the program allocated itself is reachable through the thread.
        let (lo, hi) = s.stack;
        if !t.stopped {
            // Running: everything it may use, from its stack's bottom to its mapping's end
            // (glibc keeps the thread's TLS and descriptor right above the stack).
            let end = maps.end_of_stretch(hi.saturating_sub(1)).unwrap_or(hi);
            root(go, lo, end);
        } else if t.sp >= lo && t.sp < hi {
            root(go, t.sp.saturating_sub(red_zone), hi);
        } else {
            // On another stack (an alternate signal stack, a makecontext coroutine's): that one
            // from the stack pointer up, and the thread's own stack whole (its frames below the
            // switch are live).
            root(go, lo, hi);
        }
        if s.alt.1 > s.alt.0 {
            root(go, s.alt.0, s.alt.1);
        }
    }
    if !t.stopped {
        return;
    }
    let on_known = stacks.is_some_and(|s| {
        (t.sp >= s.stack.0 && t.sp < s.stack.1) || (t.sp >= s.alt.0 && t.sp < s.alt.1)
    });
    if !on_known && t.sp != 0 {
        let sp = t.sp.saturating_sub(red_zone);
        // On a goroutine's stack (or a Go signal stack): up to its top, not through the rest
        // of the Go heap.
        let go_top = go.as_mut().and_then(|go| go.stack_top_above(t.sp));
        if let Some(end) = go_top.or_else(|| maps.end_of_stretch(t.sp)) {
            root(go, sp, end);
        }
    }
    for &r in &t.regs {
        m.mark_word(r);
        if let Some(go) = go.as_mut() {
            go.note_word(r);
        }
    }
    if let Some(s) = stacks {
        m.mark_word(s.stack.0);
        m.mark_word(s.alt.0);
    }
    m.mark_word(t.sp); // a makecontext stack in a chunk
    scan_tls(m, p, maps, t.tp);
}

/// The thread's static TLS block and descriptor (x86-64: TLS below the thread pointer, the
/// descriptor at it), and its DTV, which holds the dynamically allocated TLS blocks of modules
/// loaded later and, for the main thread, lives in the loader's memory, not in our heap.
fn scan_tls(m: &mut Marker, p: &Prepared, maps: &Mappings, tp: usize) {
    if tp == 0 || p.tcb == 0 {
        return;
    }
    let hi = tp + p.tcb;
    let lo = hi.saturating_sub(p.tls_static.max(p.tcb));
    maps.clip(lo, hi, |lo, hi| m.scan_root(lo, hi));
    // tcbhead_t: { tcb, dtv, self, ... }; dtv[-1].counter is the number of entries.
    if maps.holding(tp + 8).is_none() {
        return;
    }
    let dtv = unsafe { *((tp + 8) as *const usize) };
    if dtv < 16 || maps.holding(dtv - 16).is_none() {
        return;
    }
    let entries = unsafe { *((dtv - 16) as *const usize) }.min(MAX_DTV);
    maps.clip(dtv - 16, dtv + 16 * (entries + 1), |lo, hi| {
        m.scan_root(lo, hi)
    });
}
