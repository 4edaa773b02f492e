//! Redzones around `alloca`s and VLAs on the real stack, for dynamic-stack-buffer-overflow. The
//! pass makes each dynamic alloca 32 bytes (or its alignment) bigger on the left and rounds it up
//! to 32 plus 32 on the right, calls `__ffisan_alloca_poison` on the object, and calls
//! `__ffisan_allocas_unpoison` before each `ret` and `llvm.stackrestore` for what they pop.
//!
//! The real stack is reused, so poison left behind would be a false finding later: frames a
//! `longjmp` or a C++ throw abandons never reach their `ret`, so the interposed longjmp family and
//! `__cxa_throw`/`__cxa_rethrow` clear what this thread ever painted (the span is kept per
//! thread), and so does thread exit (glibc caches thread stacks for the next thread). Only the thread's own real stack is painted: an alloca on an
//! alternate signal stack or a coroutine's stack keeps no redzones.

use crate::contract::shadow_value::{ALLOCA_LEFT_REDZONE, ALLOCA_RIGHT_REDZONE};
use crate::contract::GRANULE;
use crate::errors::{FixedStr, RegionInfo, RegionKind};
use crate::shadow;
use crate::thread_state;
use core::fmt::Write;
use core::sync::atomic::AtomicUsize;

/// The redzone on each side (ASan's `kAllocaRedzoneSize`); the right one also pads the object to it.
pub const REDZONE: usize = 32;

/// Paints the redzones of the dynamic alloca object [addr, addr + size): 32 bytes before it,
/// its partial last granule, and after it up to the next 32-byte boundary plus 32.
#[no_mangle]
pub extern "C" fn __ffisan_alloca_poison(addr: u64, size: u64) {
    let (addr, size) = (addr as usize, size as usize);
    let state = thread_state::current();
    let (lo, hi) = (state.stack_lo.get(), state.stack_hi.get());
    let left = addr.wrapping_sub(REDZONE);
    let right_end = addr
        .saturating_add(size)
        .next_multiple_of(REDZONE)
        .saturating_add(REDZONE);
    if !addr.is_multiple_of(REDZONE) || left < lo || right_end > hi {
        return; // not this thread's real stack (or not the pass's layout)
    }
    shadow::poison(left, REDZONE, ALLOCA_LEFT_REDZONE);
    let end = addr + size;
    let partial = end & !(GRANULE - 1);
    if end > partial {
        shadow::unpoison(partial, end - partial);
    }
    let right = end.next_multiple_of(GRANULE);
    shadow::poison(right, right_end - right, ALLOCA_RIGHT_REDZONE);
    let (painted_lo, painted_hi) = (state.alloca_lo.get(), state.alloca_hi.get());
    if painted_hi == 0 {
        state.alloca_lo.set(left);
        state.alloca_hi.set(right_end);
    } else {
        state.alloca_lo.set(painted_lo.min(left));
        state.alloca_hi.set(painted_hi.max(right_end));
    }
}

/// Clears the shadow of [lo, hi): the dynamic allocas a `ret` or `llvm.stackrestore` pops (lo the
/// lowest one's left redzone, hi the stack pointer being restored or the frame's static part).
#[no_mangle]
pub extern "C" fn __ffisan_allocas_unpoison(lo: u64, hi: u64) {
    let (lo, hi) = (lo as usize, hi as usize);
    let state = thread_state::current();
    if lo == 0 || lo >= hi || lo < state.stack_lo.get() || hi > state.stack_hi.get() {
        return;
    }
    let lo = lo & !(GRANULE - 1);
    shadow::poison(lo, hi - lo, 0);
}

/// Clears every redzone this thread painted and has not cleared yet, wherever the frames are: a
/// longjmp is about to abandon some (a live frame above the target loses its redzones: no false
/// finding, at worst a missed one).
pub fn clear_painted() {
    let state = thread_state::current();
    let (lo, hi) = (state.alloca_lo.get(), state.alloca_hi.get());
    if hi == 0 {
        return;
    }
    state.alloca_lo.set(0);
    state.alloca_hi.set(0);
    shadow::poison(lo & !(GRANULE - 1), hi - (lo & !(GRANULE - 1)), 0);
}

/// For a report: the dynamic alloca object whose redzone `addr` is in, found by walking the shadow
/// from the redzone to the object (both redzones are painted, the object in between addressable).
pub fn describe_object(addr: usize) -> Option<RegionInfo> {
    const MAX_GRANULES: usize = 1 << 20; // an 8 MiB object at most: the stack is no bigger
    let is = |a: usize, v: u8| shadow::covers(a) && shadow::shadow_byte(a) == v;
    let partial =
        |a: usize| shadow::covers(a) && (1..GRANULE as u8).contains(&shadow::shadow_byte(a));
    let g = addr & !(GRANULE - 1);
    let (lo, hi) = if is(g, ALLOCA_LEFT_REDZONE) {
        let mut lo = g;
        while is(lo, ALLOCA_LEFT_REDZONE) {
            lo += GRANULE;
        }
        (lo, object_end(lo, MAX_GRANULES)?)
    } else if is(g, ALLOCA_RIGHT_REDZONE) || partial(g) {
        let mut end = g;
        let mut steps = 0;
        while is(end - GRANULE, ALLOCA_RIGHT_REDZONE) && steps < MAX_GRANULES / 8 {
            end -= GRANULE;
            steps += 1;
        }
        if partial(end - GRANULE) {
            end -= GRANULE;
        }
        let mut lo = end;
        let mut steps = 0;
        while !is(lo - GRANULE, ALLOCA_LEFT_REDZONE) {
            if shadow::shadow_byte(lo - GRANULE) != 0 || steps == MAX_GRANULES {
                return None;
            }
            lo -= GRANULE;
            steps += 1;
        }
        (lo, object_end(lo, MAX_GRANULES)?)
    } else {
        return None;
    };
    let mut name = FixedStr::new();
    let _ = write!(name, "dynamic stack object (alloca or VLA)");
    Some(RegionInfo {
        kind: RegionKind::Stack,
        lo,
        hi,
        name,
    })
}

/// The end of the dynamic alloca object starting at `lo`: the first granule that is not wholly
/// addressable, less what its shadow says is missing.
fn object_end(lo: usize, max_granules: usize) -> Option<usize> {
    let mut g = lo;
    for _ in 0..max_granules {
        match shadow::shadow_byte(g) {
            0 => g += GRANULE,
            k @ 1..=7 => return Some(g + k as usize),
            ALLOCA_RIGHT_REDZONE => return Some(g),
            _ => return None,
        }
    }
    None
}

// ---- the longjmp family: clear what the abandoned frames painted, then jump.

static REAL_LONGJMP: AtomicUsize = AtomicUsize::new(0);
static REAL_UNDERSCORE_LONGJMP: AtomicUsize = AtomicUsize::new(0);
static REAL_SIGLONGJMP: AtomicUsize = AtomicUsize::new(0);
static REAL_LONGJMP_CHK: AtomicUsize = AtomicUsize::new(0);

type Jump = unsafe extern "C" fn(*mut libc::c_void, libc::c_int) -> !;

unsafe fn jump(
    real: &AtomicUsize,
    name: &core::ffi::CStr,
    env: *mut libc::c_void,
    value: i32,
) -> ! {
    clear_painted();
    let f: Jump = core::mem::transmute(super::registry::next_symbol(real, name));
    f(env, value)
}

#[no_mangle]
pub unsafe extern "C" fn longjmp(env: *mut libc::c_void, value: libc::c_int) -> ! {
    jump(&REAL_LONGJMP, c"longjmp", env, value)
}

#[no_mangle]
pub unsafe extern "C" fn _longjmp(env: *mut libc::c_void, value: libc::c_int) -> ! {
    jump(&REAL_UNDERSCORE_LONGJMP, c"_longjmp", env, value)
}

#[no_mangle]
pub unsafe extern "C" fn siglongjmp(env: *mut libc::c_void, value: libc::c_int) -> ! {
    jump(&REAL_SIGLONGJMP, c"siglongjmp", env, value)
}

#[no_mangle]
pub unsafe extern "C" fn __longjmp_chk(env: *mut libc::c_void, value: libc::c_int) -> ! {
    jump(&REAL_LONGJMP_CHK, c"__longjmp_chk", env, value)
}

// ---- C++ throws: the frames the exception unwinds past never reach their `ret` either.

static REAL_CXA_THROW: AtomicUsize = AtomicUsize::new(0);
static REAL_CXA_RETHROW: AtomicUsize = AtomicUsize::new(0);

type Throw = unsafe extern "C" fn(*mut libc::c_void, *mut libc::c_void, *mut libc::c_void) -> !;
type Rethrow = unsafe extern "C" fn() -> !;

#[no_mangle]
pub unsafe extern "C" fn __cxa_throw(
    object: *mut libc::c_void,
    type_info: *mut libc::c_void,
    destructor: *mut libc::c_void,
) -> ! {
    clear_painted();
    let f: Throw = core::mem::transmute(super::registry::next_symbol(
        &REAL_CXA_THROW,
        c"__cxa_throw",
    ));
    f(object, type_info, destructor)
}

#[no_mangle]
pub unsafe extern "C" fn __cxa_rethrow() -> ! {
    clear_painted();
    let f: Rethrow = core::mem::transmute(super::registry::next_symbol(
        &REAL_CXA_RETHROW,
        c"__cxa_rethrow",
    ));
    f()
}
