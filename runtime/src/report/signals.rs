//! Deadly signals: a SIGSEGV, SIGBUS, SIGFPE (or, with `handle_abort=1`, SIGABRT) ends in a report
//! with the faulting context's stack instead of a bare "Segmentation fault".
//!
//! The handlers go in at start-up only for signals still at their default action, and a program
//! that installs its own later simply replaces them (ASan's `allow_user_segv_handler`). Go,
//! starting after us, installs its own handlers and keeps ours as the one to forward to: a fault
//! in Go code stays Go's (a nil dereference is a Go panic), one in C code called through cgo, or
//! on a thread Go does not know, comes here. The handler captures the stack where it runs (a
//! thread's alternate stack, `threads::alt_stack`, so a stack overflow is reported too), then
//! reports on a stack of its own, big enough for the symbolizer, and ends the process.

use crate::errors::{Access, Detail, Domain, ErrorKind, RegionInfo, RegionKind};
use crate::report::output::{report_signal, Finding, SignalContext};
use crate::thread_state;
use core::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use libc::{c_int, c_void};

/// What the report says is at a faulting address (`checks::locate`, installed by start-up: the
/// report part is below the ones that know).
static DESCRIBE: AtomicUsize = AtomicUsize::new(0);

/// The stack reports of deadly signals run on, and whether a thread is using it.
const REPORT_STACK_BYTES: usize = 1 << 20;
static REPORT_STACK: AtomicUsize = AtomicUsize::new(0);
static REPORT_STACK_BUSY: AtomicBool = AtomicBool::new(false);

/// Installs the handlers the options ask for, on signals the program has not claimed. With
/// `alt_stacks`, threads get an alternate stack to run them on (not in a Go program: Go gives
/// each of its threads one, and our own would be its signal stack).
pub fn install(describe: fn(usize) -> RegionInfo, alt_stacks: bool) {
    DESCRIBE.store(describe as usize, Ordering::Release);
    let options = crate::options::get();
    let wanted = [
        (libc::SIGSEGV, options.handle_segv),
        (libc::SIGBUS, options.handle_sigbus),
        (libc::SIGFPE, options.handle_sigfpe),
        (libc::SIGABRT, options.handle_abort),
    ];
    let mut installed = false;
    for (signal, on) in wanted {
        if on && at_default(signal) {
            let mut action: libc::sigaction = unsafe { core::mem::zeroed() };
            action.sa_sigaction = on_deadly_signal as *const () as usize;
            action.sa_flags = libc::SA_SIGINFO | libc::SA_NODEFER;
            if options.use_sigaltstack {
                action.sa_flags |= libc::SA_ONSTACK;
            }
            unsafe { libc::sigemptyset(&mut action.sa_mask) };
            installed |= unsafe { libc::sigaction(signal, &action, core::ptr::null_mut()) } == 0;
        }
    }
    if installed && options.use_sigaltstack && alt_stacks {
        crate::threads::want_alt_stacks();
    }
}

fn at_default(signal: c_int) -> bool {
    let mut old: libc::sigaction = unsafe { core::mem::zeroed() };
    let asked = unsafe { libc::sigaction(signal, core::ptr::null(), &mut old) };
    asked == 0 && old.sa_sigaction == libc::SIG_DFL
}

/// Gives `signal` back its default action: the faulting instruction, run again when the
/// handler returns, then ends the process as it would have without us.
fn die_by_default(signal: c_int) {
    unsafe { libc::signal(signal, libc::SIG_DFL) };
}

const SI_KERNEL: c_int = 0x80;
/// si_code of a SIGSEGV: no mapping there, or one that forbids the access.
const SEGV_MAPERR: c_int = 1;
const SEGV_ACCERR: c_int = 2;
/// si_code of a SIGBUS a page fault raised (no backing page, e.g. a file mapping past its end).
const BUS_ADRERR: c_int = 2;
/// x86-64 page-fault error code bit 1: the access was a write.
const PF_WRITE: i64 = 2;

/// ASan's test: a fault just below the stack pointer or a little above it, on an address the
/// kernel did not map or let us use, is the stack growing past its end.
fn is_stack_overflow(addr: usize, sp: usize, code: c_int) -> bool {
    let page = 4096;
    let near_sp = addr.wrapping_add(page) > sp && addr < sp.wrapping_add(0xffff);
    near_sp && (code == SEGV_MAPERR || code == SEGV_ACCERR)
}

struct Pending {
    finding: Finding,
    context: SignalContext,
}

extern "C" fn report_pending(pending: *mut c_void) {
    let pending = unsafe { &*pending.cast::<Pending>() };
    // A reported finding ends the process in there; a suppressed one comes back.
    report_signal(&pending.finding, &pending.context);
}

/// Calls `f(arg)` on the stack whose highest address is `top` (16-aligned), then comes back. The
/// frame's CFA is kept in rbp, which still points into the old stack: an unwinder starting on the
/// new stack (a malloc inside the report records its stack) steps back onto the old one.
#[unsafe(naked)]
unsafe extern "C" fn run_on_stack(arg: *mut c_void, f: extern "C" fn(*mut c_void), top: usize) {
    core::arch::naked_asm!(
        ".cfi_startproc",
        "push rbp",
        ".cfi_def_cfa_offset 16",
        ".cfi_offset rbp, -16",
        "mov rbp, rsp",
        ".cfi_def_cfa_register rbp",
        "mov rsp, rdx",
        "call rsi",
        "mov rsp, rbp",
        "pop rbp",
        ".cfi_def_cfa rsp, 8",
        "ret",
        ".cfi_endproc",
    )
}

extern "C" fn on_deadly_signal(signal: c_int, info: *mut libc::siginfo_t, context: *mut c_void) {
    let state = thread_state::current();
    if state.in_deadly_signal.replace(true) || state.in_report.get() || context.is_null() {
        // A fault while handling one, or inside a report: no second report.
        die_by_default(signal);
        return;
    }
    let uc = unsafe { &*context.cast::<libc::ucontext_t>() };
    let regs = &uc.uc_mcontext.gregs;
    let (pc, bp, sp) = (
        regs[libc::REG_RIP as usize] as usize,
        regs[libc::REG_RBP as usize] as usize,
        regs[libc::REG_RSP as usize] as usize,
    );
    let (code, fault_addr) = unsafe { ((*info).si_code, (*info).si_addr() as usize) };
    let memory = signal == libc::SIGSEGV || signal == libc::SIGBUS;
    let kind = match signal {
        libc::SIGSEGV if is_stack_overflow(fault_addr, sp, code) => ErrorKind::StackOverflow,
        libc::SIGSEGV => ErrorKind::Segv,
        libc::SIGBUS => ErrorKind::Sigbus,
        libc::SIGFPE => ErrorKind::Sigfpe,
        _ => ErrorKind::Sigabrt,
    };
    let addr = if memory || signal == libc::SIGFPE {
        fault_addr
    } else {
        pc
    };
    let hint = match () {
        _ if memory && code == SI_KERNEL => Some("the address is not canonical (a wild pointer, high bits set): the kernel gives 0 for it"),
        _ if memory && addr < 4096 => Some("address points to the zero page."),
        _ => None,
    };
    // The page fault's error code says read or write: every SIGSEGV, and a SIGBUS the fault
    // raised (a file mapping past its end), not one of alignment.
    let page_fault = signal == libc::SIGSEGV || (signal == libc::SIGBUS && code == BUS_ADRERR);
    let write = page_fault && regs[libc::REG_ERR as usize] & PF_WRITE != 0;
    let describe = DESCRIBE.load(Ordering::Acquire);
    let region = if memory && describe != 0 && code != SI_KERNEL {
        // SAFETY: only `install` stores here, a `fn(usize) -> RegionInfo`.
        unsafe { core::mem::transmute::<usize, fn(usize) -> RegionInfo>(describe)(addr) }
    } else {
        RegionInfo {
            kind: RegionKind::Unknown,
            lo: addr,
            hi: addr,
            name: Default::default(),
        }
    };
    let mut pending = Pending {
        finding: Finding {
            kind,
            access: if write { Access::Write } else { Access::Read },
            size: 0,
            addr,
            domain: Domain::C,
            region,
            stack: crate::traces::unwind::capture_context(pc, bp, sp, true),
            alloc_stack: 0,
            free_stack: 0,
            detail: Detail::None,
            go_object: None,
        },
        context: SignalContext {
            signal,
            pc,
            bp,
            sp,
            access_known: page_fault,
            hint,
        },
    };
    // The symbolizer and the report want more stack than a signal stack has.
    let stack = crate::sync::reserve_once(&REPORT_STACK, REPORT_STACK_BYTES);
    while REPORT_STACK_BUSY.swap(true, Ordering::Acquire) {
        core::hint::spin_loop(); // another thread's deadly signal: it ends the process
    }
    let arg = (&mut pending as *mut Pending).cast();
    match stack {
        Some(base) => unsafe { run_on_stack(arg, report_pending, base + REPORT_STACK_BYTES - 64) },
        None => report_pending(arg),
    }
    REPORT_STACK_BUSY.store(false, Ordering::Release);
    // Suppressed: the process dies as it would have without us.
    state.in_deadly_signal.set(false);
    die_by_default(signal);
}
