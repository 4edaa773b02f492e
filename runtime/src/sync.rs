//! Low-level helpers usable anywhere in the runtime, even before init and inside malloc:
//! a spin lock that never allocates, anonymous mappings, errno, raw writes to stderr and dying,
//! prefetching.

use core::cell::UnsafeCell;
use core::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// A lock for the runtime's tables. Never allocates, so it is safe inside malloc and before init.
pub struct SpinLock<T> {
    locked: AtomicBool,
    value: UnsafeCell<T>,
}

unsafe impl<T: Send> Sync for SpinLock<T> {}
unsafe impl<T: Send> Send for SpinLock<T> {}

pub struct SpinGuard<'a, T> {
    lock: &'a SpinLock<T>,
}

impl<T> SpinLock<T> {
    pub const fn new(value: T) -> Self {
        SpinLock {
            locked: AtomicBool::new(false),
            value: UnsafeCell::new(value),
        }
    }

    pub fn lock(&self) -> SpinGuard<'_, T> {
        let mut spins = 0u32;
        while self
            .locked
            .compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            spins += 1;
            if spins < 64 {
                core::hint::spin_loop();
            } else {
                unsafe { libc::sched_yield() };
            }
        }
        SpinGuard { lock: self }
    }

    /// For the child of `fork`: the thread that held the lock does not exist there.
    ///
    /// # Safety
    /// Only when no live thread holds the lock (after fork, or to release a guard that was
    /// deliberately forgotten by fork handlers).
    pub unsafe fn force_unlock(&self) {
        self.locked.store(false, Ordering::Release);
    }
}

impl<T> core::ops::Deref for SpinGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        unsafe { &*self.lock.value.get() }
    }
}

impl<T> core::ops::DerefMut for SpinGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        unsafe { &mut *self.lock.value.get() }
    }
}

impl<T> Drop for SpinGuard<'_, T> {
    fn drop(&mut self) {
        self.lock.locked.store(false, Ordering::Release);
    }
}

pub fn errno() -> i32 {
    unsafe { *libc::__errno_location() }
}

pub fn set_errno(value: i32) {
    unsafe { *libc::__errno_location() = value };
}

/// Writes bytes to fd 2 with raw write(2): no locks, no allocation.
pub fn write_stderr(bytes: &[u8]) {
    write_fd(2, bytes);
}

pub fn write_fd(fd: i32, mut bytes: &[u8]) {
    while !bytes.is_empty() {
        let n = unsafe { libc::write(fd, bytes.as_ptr().cast(), bytes.len()) };
        if n <= 0 {
            if n < 0 && errno() == libc::EINTR {
                continue;
            }
            return;
        }
        bytes = &bytes[n as usize..];
    }
}

/// For states the runtime cannot continue from (no shadow, corrupt tables): say why and exit.
pub fn die(message: &[u8]) -> ! {
    write_stderr(message);
    unsafe { libc::_exit(1) }
}

/// Fresh zeroed read-write pages of our own (MAP_NORESERVE: they cost nothing until touched), or
/// None if the kernel refuses. Never the malloc we replace.
pub fn map_anonymous(bytes: usize) -> Option<usize> {
    let p = unsafe {
        libc::mmap(
            core::ptr::null_mut(),
            bytes,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
            -1,
            0,
        )
    };
    (p != libc::MAP_FAILED).then_some(p as usize)
}

/// `reserve_once`'s cell after the kernel refused the reservation (it is not asked again).
pub const RESERVATION_FAILED: usize = 1;

/// A reservation of `bytes` shared by all threads, made by the first caller: `cell` holds 0 (not
/// yet made), `RESERVATION_FAILED`, or its base. Racing threads each map; the losers unmap theirs.
pub fn reserve_once(cell: &AtomicUsize, bytes: usize) -> Option<usize> {
    let mut base = cell.load(Ordering::Acquire);
    if base == 0 {
        let mapped = map_anonymous(bytes);
        base = match cell.compare_exchange(
            0,
            mapped.unwrap_or(RESERVATION_FAILED),
            Ordering::AcqRel,
            Ordering::Acquire,
        ) {
            Ok(_) => mapped.unwrap_or(RESERVATION_FAILED),
            Err(winner) => {
                if let Some(p) = mapped {
                    unsafe { libc::munmap(p as *mut libc::c_void, bytes) };
                }
                winner
            }
        };
    }
    (base != RESERVATION_FAILED).then_some(base)
}

/// Asks for the cache line holding `addr` ahead of a write to it (`prefetchw`: a no-op on x86
/// CPUs without it). Never faults, whatever the address.
#[inline(always)]
pub fn prefetch_for_write(addr: usize) {
    // SAFETY: a prefetch is a hint; it reads nothing architecturally visible.
    unsafe { core::arch::asm!("prefetchw [{}]", in(reg) addr, options(nostack, preserves_flags)) };
}

/// Asks for the cache line holding `addr` ahead of its use. Never faults, whatever the address.
#[inline(always)]
pub fn prefetch(addr: usize) {
    use core::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
    // SAFETY: a prefetch is a hint; it reads nothing architecturally visible.
    unsafe { _mm_prefetch::<_MM_HINT_T0>(addr as *const i8) };
}
