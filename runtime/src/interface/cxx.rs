//! C++'s allocation functions: every `operator new` and `operator delete` libstdc++ exports
//! (plain, array, nothrow, sized, aligned, sized and aligned), over ffisan's heap, so that a chunk
//! knows which family made it and a delete is checked like a free. Thin: the heap does the work.
//! What is C++ here is operator new's failure path (the new-handler loop, std::bad_alloc), for
//! which libstdc++'s own functions are looked up when memory runs out: C programs load this
//! library too, and it must not need libstdc++.
//!
//! They are here, not in `heap/` beside malloc, because nothing in them is the heap's business
//! but the family and the size and alignment delete was told, which the heap takes as arguments.
#![allow(non_snake_case)] // each function's name is its mangled C++ name

use crate::errors::AllocFamily;
use crate::heap::{delete_chunk, new_chunk, Ender};
use crate::traces::{entry_stub, Caller};
use core::ffi::CStr;
use core::sync::atomic::{AtomicUsize, Ordering};
use libc::c_void;

/// The family argument the stubs pass (an immediate in their code).
const NEW: u32 = 0;
const NEW_ARRAY: u32 = 1;

fn family(code: u32) -> AllocFamily {
    if code == NEW_ARRAY {
        AllocFamily::NewArray
    } else {
        AllocFamily::New
    }
}

/// An `std::align_val_t` as the heap takes it: a power of two (one that is not, undefined
/// behaviour to pass, is rounded up, as glibc's memalign does); 0 for the plain operators.
fn alignment(requested: usize) -> usize {
    requested.checked_next_power_of_two().unwrap_or(usize::MAX)
}

// ---- operator new, the throwing ones ----
//
// libstdc++'s operator new loops while the allocation fails: it calls the installed new-handler
// (which may free memory, throw or end the program) and throws std::bad_alloc when there is none.
// An exception must never pass a Rust frame (this library is built with panic=abort: unwinding
// into it aborts), so the loop is in the stub: the implementation returns null when memory ran
// out, and the stub itself calls the handler or libstdc++'s `std::__throw_bad_alloc`. The stub's
// CFI lets the exception through to the program's frames. rbx and r12 keep the size and the
// alignment across the calls; the implementation gets the caller's rbp and rsp like every
// `entry_stub!` (rsp + 32 is the caller's stack pointer: two pushes, 8 bytes of padding, the
// return address).

macro_rules! throwing_new {
    ($(#[$doc:meta])* $name:ident($($arg:ident: $ty:ty),*), $family:ident, $alignment:literal) => {
        $(#[$doc])*
        #[unsafe(naked)]
        #[no_mangle]
        pub extern "C" fn $name($($arg: $ty),*) -> *mut c_void {
            core::arch::naked_asm!(
                ".cfi_startproc",
                "2:",
                "push rbx", ".cfi_adjust_cfa_offset 8", ".cfi_rel_offset rbx, 0",
                "push r12", ".cfi_adjust_cfa_offset 8", ".cfi_rel_offset r12, 0",
                "sub rsp, 8", ".cfi_adjust_cfa_offset 8",
                "mov rbx, rdi",
                concat!("mov r12, ", $alignment),
                "3:",
                "mov rdi, rbx",
                "mov rsi, r12",
                "mov edx, {family}",
                "lea rcx, [rip + 2b]",
                "mov r8, rbp",
                "lea r9, [rsp + 32]",
                "call {allocate}",
                "test rax, rax",
                "jz 4f",
                ".cfi_remember_state",
                "add rsp, 8", ".cfi_adjust_cfa_offset -8",
                "pop r12", ".cfi_adjust_cfa_offset -8", ".cfi_restore r12",
                "pop rbx", ".cfi_adjust_cfa_offset -8", ".cfi_restore rbx",
                "ret",
                ".cfi_restore_state",
                "4:",
                "call {next_step}",
                "call rax",
                "jmp 3b",
                ".cfi_endproc",
                family = const $family,
                allocate = sym new_impl,
                next_step = sym after_allocation_failed,
            )
        }
    };
}

throwing_new!(
    /// `operator new(unsigned long)`
    _Znwm(size: usize), NEW, "0"
);
throwing_new!(
    /// `operator new[](unsigned long)`
    _Znam(size: usize), NEW_ARRAY, "0"
);
throwing_new!(
    /// `operator new(unsigned long, std::align_val_t)`
    _ZnwmSt11align_val_t(size: usize, align: usize), NEW, "rsi"
);
throwing_new!(
    /// `operator new[](unsigned long, std::align_val_t)`
    _ZnamSt11align_val_t(size: usize, align: usize), NEW_ARRAY, "rsi"
);

/// One try of a throwing operator new: the chunk, or null when memory ran out.
extern "C" fn new_impl(
    size: usize,
    align: usize,
    family_code: u32,
    entry: usize,
    fp: usize,
    sp: usize,
) -> *mut c_void {
    let caller = Caller::from_stub(entry, fp, sp);
    let align = if align == 0 { 0 } else { alignment(align) };
    new_chunk(size, align, family(family_code), &caller)
}

/// What operator new's loop calls after a failed try: the installed new-handler, else libstdc++'s
/// `std::__throw_bad_alloc`. Called from the stub, which calls what this returns.
extern "C" fn after_allocation_failed() -> usize {
    if let Some(handler) = new_handler() {
        return handler;
    }
    match LIBSTDCXX_THROW_BAD_ALLOC.get() {
        Some(throw) => throw,
        None => crate::sync::die(
            b"ffisan: operator new ran out of memory and cannot throw std::bad_alloc: libstdc++ is not loaded\n",
        ),
    }
}

// ---- operator new, the nothrow ones ----

/// `nothrow_new!(name(size, args) => implementation, family, alignment, registers)`: one try,
/// then `nothrow_result` with libstdc++'s own operator of the same name.
macro_rules! nothrow_new {
    ($(#[$doc:meta])* $name:ident($size:ident $(, $arg:ident)*) => $imp:ident, $family:expr, $align:expr, $r0:literal, $r1:literal, $r2:literal) => {
        entry_stub!($(#[$doc])* $name($size: usize $(, $arg: usize)*) -> *mut c_void => $imp, $r0, $r1, $r2);
        extern "C" fn $imp($size: usize, $($arg: usize,)* entry: usize, fp: usize, sp: usize) -> *mut c_void {
            static LIBSTDCXX_OWN: Lookup = Lookup::new(
                match CStr::from_bytes_with_nul(concat!(stringify!($name), "\0").as_bytes()) {
                    Ok(name) => name,
                    Err(_) => panic!("a mangled name has no NUL inside"),
                },
                true,
            );
            let p = new_chunk($size, $align, $family, &Caller::from_stub(entry, fp, sp));
            nothrow_result(p, &LIBSTDCXX_OWN, |f| unsafe {
                core::mem::transmute::<usize, extern "C" fn(usize $(, nothrow_arg!($arg))*) -> *mut c_void>(f)(
                    $size $(, $arg)*,
                )
            })
        }
    };
}

/// One `usize` per further argument of a nothrow operator's C signature.
macro_rules! nothrow_arg {
    ($arg:ident) => {
        usize
    };
}

nothrow_new!(
    /// `operator new(unsigned long, std::nothrow_t const&)`
    _ZnwmRKSt9nothrow_t(size, nothrow) => nothrow_new_impl, AllocFamily::New, 0, "rdx", "rcx", "r8"
);
nothrow_new!(
    /// `operator new[](unsigned long, std::nothrow_t const&)`
    _ZnamRKSt9nothrow_t(size, nothrow) => nothrow_new_array_impl, AllocFamily::NewArray, 0, "rdx", "rcx", "r8"
);
nothrow_new!(
    /// `operator new(unsigned long, std::align_val_t, std::nothrow_t const&)`
    _ZnwmSt11align_val_tRKSt9nothrow_t(size, align, nothrow) => nothrow_aligned_new_impl, AllocFamily::New, alignment(align), "rcx", "r8", "r9"
);
nothrow_new!(
    /// `operator new[](unsigned long, std::align_val_t, std::nothrow_t const&)`
    _ZnamSt11align_val_tRKSt9nothrow_t(size, align, nothrow) => nothrow_aligned_new_array_impl, AllocFamily::NewArray, alignment(align), "rcx", "r8", "r9"
);

/// A nothrow operator new's answer after its first try `p`. When memory ran out and a
/// new-handler is installed, libstdc++'s own nothrow operator (`libstdcxx_own`, called by
/// `call`) answers: it runs the loop through the throwing one above and catches what the handler
/// or std::bad_alloc throws, which no Rust frame may do.
fn nothrow_result(
    p: *mut c_void,
    libstdcxx_own: &Lookup,
    call: impl FnOnce(usize) -> *mut c_void,
) -> *mut c_void {
    if !p.is_null() || new_handler().is_none() {
        return p;
    }
    libstdcxx_own.get().map_or(core::ptr::null_mut(), call)
}

// ---- operator delete ----

/// `delete_entry!(name(args) => implementation, family, size, alignment, registers)`: a delete
/// that tells the heap its family and the size and alignment it was given (0: not given).
macro_rules! delete_entry {
    ($(#[$doc:meta])* $name:ident($p:ident $(, $arg:ident)*) => $imp:ident, $family:expr, $size:expr, $align:expr, $r0:literal, $r1:literal, $r2:literal) => {
        entry_stub!($(#[$doc])* $name($p: *mut c_void $(, $arg: usize)*) -> () => $imp, $r0, $r1, $r2);
        extern "C" fn $imp($p: *mut c_void, $($arg: usize,)* entry: usize, fp: usize, sp: usize) {
            let ender = Ender {
                family: $family,
                size: $size,
                alignment: $align,
            };
            delete_chunk($p, ender, &Caller::from_stub(entry, fp, sp));
        }
    };
}

delete_entry!(
    /// `operator delete(void*)`
    _ZdlPv(p) => delete_impl, AllocFamily::New, 0, 0, "rsi", "rdx", "rcx"
);
delete_entry!(
    /// `operator delete[](void*)`
    _ZdaPv(p) => delete_array_impl, AllocFamily::NewArray, 0, 0, "rsi", "rdx", "rcx"
);
delete_entry!(
    /// `operator delete(void*, unsigned long)`
    _ZdlPvm(p, size) => sized_delete_impl, AllocFamily::New, size, 0, "rdx", "rcx", "r8"
);
delete_entry!(
    /// `operator delete[](void*, unsigned long)`
    _ZdaPvm(p, size) => sized_delete_array_impl, AllocFamily::NewArray, size, 0, "rdx", "rcx", "r8"
);
delete_entry!(
    /// `operator delete(void*, std::nothrow_t const&)`
    _ZdlPvRKSt9nothrow_t(p, _nothrow) => nothrow_delete_impl, AllocFamily::New, 0, 0, "rdx", "rcx", "r8"
);
delete_entry!(
    /// `operator delete[](void*, std::nothrow_t const&)`
    _ZdaPvRKSt9nothrow_t(p, _nothrow) => nothrow_delete_array_impl, AllocFamily::NewArray, 0, 0, "rdx", "rcx", "r8"
);
delete_entry!(
    /// `operator delete(void*, std::align_val_t)`
    _ZdlPvSt11align_val_t(p, align) => aligned_delete_impl, AllocFamily::New, 0, align, "rdx", "rcx", "r8"
);
delete_entry!(
    /// `operator delete[](void*, std::align_val_t)`
    _ZdaPvSt11align_val_t(p, align) => aligned_delete_array_impl, AllocFamily::NewArray, 0, align, "rdx", "rcx", "r8"
);
delete_entry!(
    /// `operator delete(void*, unsigned long, std::align_val_t)`
    _ZdlPvmSt11align_val_t(p, size, align) => sized_aligned_delete_impl, AllocFamily::New, size, align, "rcx", "r8", "r9"
);
delete_entry!(
    /// `operator delete[](void*, unsigned long, std::align_val_t)`
    _ZdaPvmSt11align_val_t(p, size, align) => sized_aligned_delete_array_impl, AllocFamily::NewArray, size, align, "rcx", "r8", "r9"
);
delete_entry!(
    /// `operator delete(void*, std::align_val_t, std::nothrow_t const&)`
    _ZdlPvSt11align_val_tRKSt9nothrow_t(p, align, _nothrow) => nothrow_aligned_delete_impl, AllocFamily::New, 0, align, "rcx", "r8", "r9"
);
delete_entry!(
    /// `operator delete[](void*, std::align_val_t, std::nothrow_t const&)`
    _ZdaPvSt11align_val_tRKSt9nothrow_t(p, align, _nothrow) => nothrow_aligned_delete_array_impl, AllocFamily::NewArray, 0, align, "rcx", "r8", "r9"
);

// ---- new[]'s array cookie ----
//
// Under -fsanitize=address (which `ffisan cc` passes to the frontend) clang's new[] of objects
// with destructors calls the first after writing the element count before the elements, and
// delete[] reads the count through the second instead of a plain load.

/// The cookie's granule gets its own shadow value: a program touching it is never reported, but
/// delete[] knows the count is still the one new[] wrote.
#[no_mangle]
pub extern "C" fn __asan_poison_cxx_array_cookie(cookie: usize) {
    crate::heap::mark_array_cookie(cookie);
}

/// The element count delete[] destroys: 0 when the array was already freed (no destructor runs
/// on freed memory, and delete[] then reports the double free with both stacks).
#[no_mangle]
pub extern "C" fn __asan_load_cxx_array_cookie(cookie: usize) -> usize {
    if crate::heap::is_freed(cookie) {
        return 0;
    }
    // SAFETY: the address delete[] would have loaded the count from itself.
    unsafe { (cookie as *const usize).read() }
}

// ---- libstdc++, looked up when needed ----

/// A libstdc++ function found by name the first time it is needed (`RTLD_NEXT`: the definition
/// this library's own one hides, for the nothrow operators; the global one for the others).
struct Lookup {
    name: &'static CStr,
    next: bool,
    /// 0: not looked up yet; 1: not there; else the address.
    address: AtomicUsize,
}

impl Lookup {
    const fn new(name: &'static CStr, next: bool) -> Lookup {
        Lookup {
            name,
            next,
            address: AtomicUsize::new(0),
        }
    }

    fn get(&self) -> Option<usize> {
        let mut address = self.address.load(Ordering::Acquire);
        if address == 0 {
            let handle = if self.next {
                libc::RTLD_NEXT
            } else {
                libc::RTLD_DEFAULT
            };
            address = (unsafe { libc::dlsym(handle, self.name.as_ptr()) } as usize).max(1);
            self.address.store(address, Ordering::Release);
        }
        (address > 1).then_some(address)
    }
}

static LIBSTDCXX_GET_NEW_HANDLER: Lookup = Lookup::new(c"_ZSt15get_new_handlerv", false);
static LIBSTDCXX_THROW_BAD_ALLOC: Lookup = Lookup::new(c"_ZSt17__throw_bad_allocv", false);

/// `std::get_new_handler()`, when libstdc++ is there and a handler is installed.
fn new_handler() -> Option<usize> {
    let get = LIBSTDCXX_GET_NEW_HANDLER.get()?;
    // SAFETY: `std::new_handler std::get_new_handler() noexcept`.
    let handler = unsafe { core::mem::transmute::<usize, extern "C" fn() -> usize>(get)() };
    (handler != 0).then_some(handler)
}
