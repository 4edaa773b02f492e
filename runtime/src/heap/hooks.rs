//! The program's malloc and free hooks (`__sanitizer_install_malloc_and_free_hooks`, and the
//! `__sanitizer_malloc_hook`/`__sanitizer_free_hook` a program defines): called after each
//! allocation and before each free. A relaxed load per call while none is installed.

use core::sync::atomic::{AtomicUsize, Ordering};

type MallocHook = extern "C" fn(*const libc::c_void, usize);
type FreeHook = extern "C" fn(*const libc::c_void);

/// As many pairs as ASan allows.
const MAX_HOOKS: usize = 5;
static MALLOC_HOOKS: [AtomicUsize; MAX_HOOKS] = [const { AtomicUsize::new(0) }; MAX_HOOKS];
static FREE_HOOKS: [AtomicUsize; MAX_HOOKS] = [const { AtomicUsize::new(0) }; MAX_HOOKS];
/// Pairs installed so far (slots below it are filled, or being filled).
static COUNT: AtomicUsize = AtomicUsize::new(0);

/// Adds a pair (either may be 0: none); false when all slots are taken.
pub fn install(malloc_hook: usize, free_hook: usize) -> bool {
    let slot = COUNT.fetch_add(1, Ordering::AcqRel);
    if slot >= MAX_HOOKS {
        COUNT.store(MAX_HOOKS, Ordering::Release);
        return false;
    }
    MALLOC_HOOKS[slot].store(malloc_hook, Ordering::Release);
    FREE_HOOKS[slot].store(free_hook, Ordering::Release);
    true
}

/// The program's own `__sanitizer_malloc_hook`/`__sanitizer_free_hook`, if it defines them (the
/// runtime's do-nothing definitions are what the loader finds otherwise). Called at start-up.
pub fn adopt_program_hooks() {
    let find = |name: &core::ffi::CStr| {
        let f = unsafe { libc::dlsym(libc::RTLD_DEFAULT, name.as_ptr()) } as usize;
        if f == 0 || crate::traces::in_runtime(f) {
            0
        } else {
            f
        }
    };
    let (m, f) = (
        find(c"__sanitizer_malloc_hook"),
        find(c"__sanitizer_free_hook"),
    );
    if m != 0 || f != 0 {
        install(m, f);
    }
}

#[inline(always)]
pub fn after_malloc(p: usize, size: usize) {
    if COUNT.load(Ordering::Relaxed) != 0 {
        run_malloc_hooks(p, size);
    }
}

#[inline(always)]
pub fn before_free(p: usize) {
    if COUNT.load(Ordering::Relaxed) != 0 {
        run_free_hooks(p);
    }
}

#[cold]
fn run_malloc_hooks(p: usize, size: usize) {
    for hook in &MALLOC_HOOKS[..COUNT.load(Ordering::Acquire).min(MAX_HOOKS)] {
        let f = hook.load(Ordering::Acquire);
        if f != 0 {
            // SAFETY: only `install` stores here, a function of this type from the program.
            unsafe { core::mem::transmute::<usize, MallocHook>(f)(p as *const _, size) };
        }
    }
}

#[cold]
fn run_free_hooks(p: usize) {
    for hook in &FREE_HOOKS[..COUNT.load(Ordering::Acquire).min(MAX_HOOKS)] {
        let f = hook.load(Ordering::Acquire);
        if f != 0 {
            // SAFETY: as above.
            unsafe { core::mem::transmute::<usize, FreeHook>(f)(p as *const _) };
        }
    }
}
