//! Stops every other thread for the leak check: each gets a signal whose handler writes down its
//! registers, stack pointer and thread pointer and waits until the check is done. The thread list
//! is the kernel's (/proc/self/task), so threads the registry never saw (raw clone, libc's own)
//! are stopped too. Every wait is bounded: a thread that blocks the signal or does not answer in
//! time is left running and scanned conservatively (its whole stack), and said so under verbosity.

use core::sync::atomic::{AtomicI32, AtomicU32, AtomicUsize, Ordering};

/// Threads the check can stop at once; more are scanned as unanswered.
const MAX_STOPPED: usize = 4096;
/// x86-64 general registers in a signal context (`gregs`).
pub const SAVED_REGS: usize = 23;
const REG_RSP: usize = 15;
/// How long the check waits for every thread to stop, and for them to leave the handler.
const ANSWER_WAIT_MS: u64 = 500;
/// How long a stopped thread waits at most (the check normally lets it go in milliseconds).
const PARK_LIMIT_MS: u64 = 30_000;

// GONE is 0: the table starts all zero, in .bss, not 900 KB of .data in the library.
const GONE: u32 = 0;
const ASKED: u32 = 1;
const PARKED: u32 = 2;
const LEFT: u32 = 3;

/// One thread to stop, as the handler fills it in.
pub struct Stopped {
    tid: AtomicI32,
    state: AtomicU32,
    sp: AtomicUsize,
    tp: AtomicUsize,
    regs: [AtomicUsize; SAVED_REGS],
}

#[allow(clippy::declare_interior_mutable_const)] // the array's initial value, one copy per slot
const EMPTY: Stopped = Stopped {
    tid: AtomicI32::new(0),
    state: AtomicU32::new(GONE),
    sp: AtomicUsize::new(0),
    tp: AtomicUsize::new(0),
    regs: [const { AtomicUsize::new(0) }; SAVED_REGS],
};

/// Static storage: a handler running late (after its check gave up on it) still writes only here.
static TABLE: [Stopped; MAX_STOPPED] = [EMPTY; MAX_STOPPED];
static TABLE_LEN: AtomicUsize = AtomicUsize::new(0);
/// Non-zero while a check is stopping threads; handlers that see 0 return at once.
static STOPPING: AtomicU32 = AtomicU32::new(0);
/// Bumped (and woken) when the stopped threads may go on.
static RESUME: AtomicU32 = AtomicU32::new(0);
/// Whether our handler must stay installed (a thread did not answer: its signal may still come).
static HANDLER_PINNED: AtomicU32 = AtomicU32::new(0);

/// What the check learned about one other thread.
#[derive(Clone, Copy)]
pub struct ThreadView {
    pub tid: i32,
    /// False: it did not stop; scan everything it may use.
    pub stopped: bool,
    pub sp: usize,
    pub tp: usize,
    pub regs: [usize; SAVED_REGS],
}

fn gettid() -> i32 {
    unsafe { libc::syscall(libc::SYS_gettid) as i32 }
}

fn futex(word: &AtomicU32, op: i32, value: u32, timeout: *const libc::timespec) {
    unsafe {
        libc::syscall(
            libc::SYS_futex,
            word.as_ptr(),
            op | libc::FUTEX_PRIVATE_FLAG,
            value,
            timeout,
        )
    };
}

fn sleep_ms(ms: u64) {
    let t = libc::timespec {
        tv_sec: 0,
        tv_nsec: (ms * 1_000_000) as i64,
    };
    unsafe { libc::nanosleep(&t, core::ptr::null_mut()) };
}

fn now_ms() -> u64 {
    let mut t: libc::timespec = unsafe { core::mem::zeroed() };
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut t) };
    t.tv_sec as u64 * 1000 + t.tv_nsec as u64 / 1_000_000
}

/// The signal: a real-time one near the top, which programs rarely use (glibc keeps the first
/// two for itself, Go uses none of them for its own purposes).
pub fn stop_signal() -> i32 {
    libc::SIGRTMAX() - 3
}

extern "C" fn on_stop_signal(_sig: i32, _info: *mut libc::siginfo_t, context: *mut libc::c_void) {
    let saved_errno = crate::sync::errno();
    let generation = RESUME.load(Ordering::SeqCst);
    if STOPPING.load(Ordering::SeqCst) == 0 {
        return;
    }
    let me = gettid();
    let len = TABLE_LEN.load(Ordering::Acquire);
    let Some(entry) = TABLE[..len]
        .iter()
        .find(|e| e.tid.load(Ordering::Relaxed) == me)
    else {
        return;
    };
    let gregs = unsafe { &(*(context as *const libc::ucontext_t)).uc_mcontext.gregs };
    for (slot, &value) in entry.regs.iter().zip(gregs.iter()) {
        slot.store(value as usize, Ordering::Relaxed);
    }
    entry.sp.store(gregs[REG_RSP] as usize, Ordering::Relaxed);
    entry.tp.store(thread_pointer(), Ordering::Relaxed);
    entry.state.store(PARKED, Ordering::Release);
    let step = libc::timespec {
        tv_sec: 0,
        tv_nsec: 100_000_000,
    };
    for _ in 0..PARK_LIMIT_MS / 100 {
        if RESUME.load(Ordering::SeqCst) != generation {
            break;
        }
        futex(&RESUME, libc::FUTEX_WAIT, generation, &step);
    }
    entry.state.store(LEFT, Ordering::Release);
    crate::sync::set_errno(saved_errno);
}

/// The calling thread's thread pointer (glibc x86-64: fs:0 holds it).
pub fn thread_pointer() -> usize {
    let tp: usize;
    unsafe {
        core::arch::asm!("mov {}, qword ptr fs:[0]", out(reg) tp, options(nostack, readonly))
    };
    tp
}

/// Lists the process's threads from /proc/self/task into `out` (without raw getdents64 there
/// would be opendir's malloc); how many.
fn list_threads(out: &mut [i32]) -> usize {
    let fd = unsafe {
        libc::open(
            c"/proc/self/task".as_ptr(),
            libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC,
        )
    };
    if fd < 0 {
        return 0;
    }
    let mut n = 0;
    let mut buf = [0u8; 8192];
    loop {
        let got = unsafe { libc::syscall(libc::SYS_getdents64, fd, buf.as_mut_ptr(), buf.len()) };
        if got <= 0 {
            break;
        }
        let mut at = 0usize;
        while at < got as usize {
            // linux_dirent64: ino u64, off i64, reclen u16, type u8, name[]
            let reclen = u16::from_ne_bytes([buf[at + 16], buf[at + 17]]) as usize;
            let name = &buf[at + 19..at + reclen];
            let name = &name[..name.iter().position(|&b| b == 0).unwrap_or(name.len())];
            let tid = name.iter().try_fold(0i32, |v, &d| {
                d.is_ascii_digit().then(|| v * 10 + (d - b'0') as i32)
            });
            if let Some(tid) = tid.filter(|&t| t > 0) {
                if n < out.len() {
                    out[n] = tid;
                    n += 1;
                }
            }
            at += reclen;
        }
    }
    unsafe { libc::close(fd) };
    n
}

/// The stopped world; dropping it lets the threads go.
pub struct World {
    old_action: libc::sigaction,
    threads: usize,
}

impl World {
    /// Every other thread (but `skip`: the runtime's helper, which blocks every signal and holds
    /// nothing of the program's), as far as it could be stopped.
    pub fn for_each_thread(&self, mut f: impl FnMut(ThreadView)) {
        for e in &TABLE[..self.threads] {
            let state = e.state.load(Ordering::Acquire);
            if state == GONE {
                continue;
            }
            let mut regs = [0usize; SAVED_REGS];
            for (r, slot) in regs.iter_mut().zip(e.regs.iter()) {
                *r = slot.load(Ordering::Relaxed);
            }
            f(ThreadView {
                tid: e.tid.load(Ordering::Relaxed),
                stopped: state == PARKED,
                sp: e.sp.load(Ordering::Relaxed),
                tp: e.tp.load(Ordering::Relaxed),
                regs,
            });
        }
    }

    /// How many threads did not stop in time.
    pub fn unanswered(&self) -> usize {
        TABLE[..self.threads]
            .iter()
            .filter(|e| e.state.load(Ordering::Acquire) == ASKED)
            .count()
    }
}

/// Stops every thread but the caller and `skip`.
pub fn stop_others(skip: i32) -> World {
    let me = gettid();
    let mut tids = [0i32; MAX_STOPPED];
    let found = list_threads(&mut tids);
    let mut len = 0;
    for &tid in &tids[..found] {
        if tid == me || tid == skip {
            continue;
        }
        let e = &TABLE[len];
        e.tid.store(tid, Ordering::Relaxed);
        e.state.store(ASKED, Ordering::Relaxed);
        e.sp.store(0, Ordering::Relaxed);
        e.tp.store(0, Ordering::Relaxed);
        len += 1;
    }
    TABLE_LEN.store(len, Ordering::Release);
    let mut action: libc::sigaction = unsafe { core::mem::zeroed() };
    action.sa_sigaction = on_stop_signal as *const () as usize;
    action.sa_flags = libc::SA_SIGINFO | libc::SA_RESTART | libc::SA_ONSTACK;
    unsafe { libc::sigfillset(&mut action.sa_mask) };
    let mut old_action: libc::sigaction = unsafe { core::mem::zeroed() };
    unsafe { libc::sigaction(stop_signal(), &action, &mut old_action) };
    STOPPING.store(1, Ordering::SeqCst);
    let pid = unsafe { libc::getpid() };
    for e in &TABLE[..len] {
        let tid = e.tid.load(Ordering::Relaxed);
        if unsafe { libc::syscall(libc::SYS_tgkill, pid, tid, stop_signal()) } != 0 {
            e.state.store(GONE, Ordering::Release);
        }
    }
    let deadline = now_ms() + ANSWER_WAIT_MS;
    loop {
        let mut waiting = 0;
        for e in &TABLE[..len] {
            if e.state.load(Ordering::Acquire) != ASKED {
                continue;
            }
            // A thread that exited meanwhile never answers.
            let tid = e.tid.load(Ordering::Relaxed);
            if unsafe { libc::syscall(libc::SYS_tgkill, pid, tid, 0) } != 0 {
                e.state.store(GONE, Ordering::Release);
            } else {
                waiting += 1;
            }
        }
        if waiting == 0 || now_ms() >= deadline {
            break;
        }
        sleep_ms(1);
    }
    World {
        old_action,
        threads: len,
    }
}

impl Drop for World {
    fn drop(&mut self) {
        let len = self.threads;
        let unanswered = self.unanswered();
        STOPPING.store(0, Ordering::SeqCst);
        RESUME.fetch_add(1, Ordering::SeqCst);
        futex(
            &RESUME,
            libc::FUTEX_WAKE,
            i32::MAX as u32,
            core::ptr::null(),
        );
        let deadline = now_ms() + ANSWER_WAIT_MS;
        while TABLE[..len]
            .iter()
            .any(|e| e.state.load(Ordering::Acquire) == PARKED)
            && now_ms() < deadline
        {
            sleep_ms(1);
        }
        let still_inside = TABLE[..len]
            .iter()
            .any(|e| e.state.load(Ordering::Acquire) == PARKED);
        if unanswered > 0 || still_inside {
            // Its signal may still arrive: with the old action (the default ends the process for
            // a real-time signal) it would do harm, ours returns at once.
            HANDLER_PINNED.store(1, Ordering::Relaxed);
        }
        if HANDLER_PINNED.load(Ordering::Relaxed) == 0 {
            unsafe { libc::sigaction(stop_signal(), &self.old_action, core::ptr::null_mut()) };
        }
    }
}

/// The caller's callee-saved registers (rbx, rbp, r12-r15): the program's values may sit there.
#[inline(never)]
pub fn own_registers() -> [usize; 6] {
    let mut r = [0usize; 6];
    unsafe {
        core::arch::asm!(
            "mov [{p}], rbx",
            "mov [{p} + 8], rbp",
            "mov [{p} + 16], r12",
            "mov [{p} + 24], r13",
            "mov [{p} + 32], r14",
            "mov [{p} + 40], r15",
            p = in(reg) r.as_mut_ptr(),
            options(nostack)
        )
    };
    r
}
