//! The slow path behind the inline checks: decides whether a flagged access is really an error,
//! and the whole-range check used for `llvm.mem*` and libc calls.

use crate::contract::{flags, shadow_value, APP_END, GRANULE, LOAD_MASK, STORE_MASK};
use crate::errors::{Access, Detail, Domain, ErrorKind, RegionKind};
use crate::options::ManagedPolicy;
use crate::regions::lent::Verdict;
use crate::report::Finding;
use crate::shadow;
use crate::traces::unwind;

/// What one shadow byte means for an access covering bytes [lo, hi) of its granule `g`:
/// None if fine, else the kind and the first offending address.
fn judge(
    s: u8,
    g: usize,
    lo: usize,
    hi: usize,
    write: bool,
    managed_verdict: &mut Option<Option<ErrorKind>>,
) -> Option<(ErrorKind, usize)> {
    let first = lo.max(g);
    match s {
        shadow_value::ADDRESSABLE => None,
        1..=7 | shadow_value::READONLY_PARTIAL_MIN..=shadow_value::READONLY_PARTIAL_MAX => {
            // Only the first k bytes of the granule exist: the tail of a C-heap chunk or of a
            // global (read-only: READONLY | k), told apart by the redzone after it.
            let valid_end = g + (s & 7) as usize;
            if hi.min(g + GRANULE) > valid_end {
                let kind = match crate::shadow::shadow_byte(g + GRANULE) {
                    shadow_value::GLOBAL_REDZONE => ErrorKind::GlobalBufferOverflow,
                    shadow_value::STACK_MID_REDZONE | shadow_value::STACK_RIGHT_REDZONE => {
                        ErrorKind::StackBufferOverflow
                    }
                    shadow_value::ALLOCA_RIGHT_REDZONE => ErrorKind::DynamicStackBufferOverflow,
                    _ => partial_granule_kind(g + GRANULE),
                };
                Some((kind, first.max(valid_end)))
            } else {
                (write && s & shadow_value::READONLY != 0)
                    .then_some((ErrorKind::WriteToReadonly, first))
            }
        }
        shadow_value::READONLY => write.then_some((ErrorKind::WriteToReadonly, first)),
        shadow_value::GLOBAL_REDZONE => Some((ErrorKind::GlobalBufferOverflow, first)),
        shadow_value::STACK_LEFT_REDZONE => Some((ErrorKind::StackBufferUnderflow, first)),
        shadow_value::STACK_MID_REDZONE | shadow_value::STACK_RIGHT_REDZONE => {
            Some((ErrorKind::StackBufferOverflow, first))
        }
        shadow_value::ALLOCA_LEFT_REDZONE | shadow_value::ALLOCA_RIGHT_REDZONE => {
            Some((ErrorKind::DynamicStackBufferOverflow, first))
        }
        shadow_value::MANAGED => {
            // Decided once per access (a range's granules all get the first one's verdict).
            let kind = *managed_verdict.get_or_insert_with(|| {
                match crate::options::get().managed_policy {
                    ManagedPolicy::Off => None,
                    ManagedPolicy::Window => match crate::regions::lent::judge(first) {
                        Verdict::Allowed => None,
                        Verdict::Overflow => Some(ErrorKind::HeapBufferOverflow),
                        Verdict::NotLent => Some(ErrorKind::CrossDomainAccess),
                    },
                    ManagedPolicy::Strict => Some(ErrorKind::CrossDomainAccess),
                }
            });
            kind.map(|k| (k, first))
        }
        shadow_value::HEAP_FREED => Some((ErrorKind::HeapUseAfterFree, first)),
        shadow_value::HEAP_RIGHT_REDZONE => Some((ErrorKind::HeapBufferOverflow, first)),
        v if shadow_value::is_heap_left_redzone(v) => Some((ErrorKind::HeapBufferOverflow, first)),
        shadow_value::USER_POISONED => Some((ErrorKind::UseAfterPoison, first)),
        shadow_value::CONTAINER_OVERFLOW => Some((ErrorKind::ContainerOverflow, first)),
        shadow_value::STACK_USE_AFTER_SCOPE => crate::options::get()
            .detect_stack_use_after_scope
            .then_some((ErrorKind::StackUseAfterScope, first)),
        shadow_value::STACK_AFTER_RETURN => crate::options::get()
            .detect_stack_use_after_return
            .then_some((ErrorKind::StackUseAfterReturn, first)),
        _ => None, // a value this runtime does not paint: do not guess
    }
}

/// The kind of an access past a partial granule's valid bytes, from the granule after it: the
/// program's own poison or a container's unused capacity, else the chunk's right redzone.
fn partial_granule_kind(next: usize) -> ErrorKind {
    match shadow::shadow_byte(next) {
        shadow_value::USER_POISONED => ErrorKind::UseAfterPoison,
        shadow_value::CONTAINER_OVERFLOW => ErrorKind::ContainerOverflow,
        _ => ErrorKind::HeapBufferOverflow,
    }
}

/// The first error in [addr, addr+size), scanning fast over clean shadow (8 granules per step).
fn find_error(addr: usize, size: usize, write: bool) -> Option<(ErrorKind, usize)> {
    let end = addr.saturating_add(size).min(APP_END);
    if addr >= end {
        return None;
    }
    let mask = if write { STORE_MASK } else { LOAD_MASK };
    let wide_mask = u64::from_ne_bytes([mask; 8]);
    let mut managed_verdict = None;
    let mut g = addr & !(GRANULE - 1);
    while g < end {
        let s_addr = shadow::shadow_addr(g) as usize;
        if s_addr.is_multiple_of(8) && g + 8 * GRANULE <= end {
            let word = unsafe { *(s_addr as *const u64) };
            if word & wide_mask == 0 {
                g += 8 * GRANULE;
                continue;
            }
        }
        let s = unsafe { *(s_addr as *const u8) };
        if s & mask != 0 {
            if let Some(found) = judge(s, g, addr, end, write, &mut managed_verdict) {
                return Some(found);
            }
        }
        g += GRANULE;
    }
    None
}

/// Whether [addr, addr+size) is certainly fine, decided from whole shadow words: the common case
/// of the range checks (tens of millions of short `memcpy`s and string calls in SQLite or Lua) in
/// a few instructions. A false answer only means "look closer" (`find_error`).
#[inline(always)]
fn range_is_clean(addr: usize, size: usize, write: bool) -> bool {
    // Reads may run up to 7 shadow bytes past the range's last one: stay well inside the shadow.
    if size == 0 || addr >= APP_END - 64 * GRANULE || size > APP_END - 64 * GRANULE - addr {
        return false;
    }
    let end = addr + size;
    let mask = if write { STORE_MASK } else { LOAD_MASK };
    let wide_mask = u64::from_ne_bytes([mask; 8]);
    let last = shadow::shadow_addr(end - 1) as usize;
    let mut p = shadow::shadow_addr(addr) as usize;
    // Every granule but the last must be wholly addressable: 32 shadow bytes (256 bytes of memory)
    // at a time with SSE2 while they last (hoisted loop checks scan whole buffers, a megabyte in
    // bzip2's block sort), then 8 at a time...
    while p + 32 <= last {
        use core::arch::x86_64::*;
        // SAFETY: SSE2 is part of x86-64; [p, p + 32) lies in the shadow of the range.
        let clean = unsafe {
            let a = _mm_loadu_si128(p as *const __m128i);
            let b = _mm_loadu_si128((p + 16) as *const __m128i);
            let masked = _mm_and_si128(_mm_or_si128(a, b), _mm_set1_epi8(mask as i8));
            _mm_movemask_epi8(_mm_cmpeq_epi8(masked, _mm_setzero_si128())) == 0xffff
        };
        if !clean {
            return false;
        }
        p += 32;
    }
    while p + 8 <= last {
        if unsafe { (p as *const u64).read_unaligned() } & wide_mask != 0 {
            return false;
        }
        p += 8;
    }
    if p < last {
        let keep = u64::MAX >> (64 - 8 * (last - p));
        if unsafe { (p as *const u64).read_unaligned() } & keep & wide_mask != 0 {
            return false;
        }
    }
    // ...and the last one at least up to the range's last byte (a chunk's partial tail granule).
    // (READONLY | k masked for a load is k: a read-only global's partial granule.)
    let s = unsafe { *(last as *const u8) } & mask;
    s == 0 || (s < GRANULE as u8 && ((end - 1) % GRANULE) < s as usize)
}

#[cold]
#[inline(never)]
fn report_access(kind: ErrorKind, addr: usize, bad: usize, size: usize, flags: u32) {
    let stack = unwind::capture(unwind::ERROR_STACK_DEPTH, false);
    report_access_from(kind, addr, bad, size, flags, stack);
}

/// Reports the access of `size` bytes at `addr` whose first offending byte is `bad`: the region
/// line is about `bad`, so an access starting inside an object and running past its end names
/// that object ("0 bytes after"), not whatever lies nearest its start.
fn report_access_from(
    kind: ErrorKind,
    addr: usize,
    bad: usize,
    size: usize,
    flags: u32,
    stack: unwind::StackTrace,
) {
    let go_poison = (kind == ErrorKind::UseAfterPoison)
        .then(|| go_poison_finding(bad))
        .flatten()
        .and_then(|(kind, object)| Some((kind, object, crate::regions::find_managed(bad)?)));
    let (kind, go_object, region, (alloc_stack, free_stack)) = match go_poison {
        // Go's own poison over a Go object: what happened to the object, not "poisoned".
        Some((kind, object, region)) => (kind, Some(object), region, (0, 0)),
        None => {
            let region = crate::checks::locate::region_of(kind, bad);
            let heap = matches!(region.kind, RegionKind::CHeap | RegionKind::Freed);
            let stacks = if heap {
                crate::heap::chunk_stacks(region.lo)
            } else {
                (0, 0)
            };
            let go_object = (region.kind == RegionKind::Managed)
                .then(|| crate::regions::lent::describe(addr))
                .filter(|o| o.size != 0);
            (kind, go_object, region, stacks)
        }
    };
    crate::report::report(&Finding {
        kind,
        go_object,
        access: access_of(flags),
        size,
        addr,
        domain: Domain::from_flags(flags),
        region,
        stack,
        alloc_stack,
        free_stack,
        detail: crate::contract::libc_function_of(flags)
            .map_or(Detail::None, |function| Detail::LibcCall { function }),
    });
}

fn access_of(flags: u32) -> Access {
    if flags & flags::WRITE != 0 {
        Access::Write
    } else {
        Access::Read
    }
}

/// Go's `-asan` runtime's poison on a Go heap object (ASan's use-after-poison) said as what it
/// is: a live object's redzone (heap-buffer-overflow past its program bytes) or the slot of an
/// object the garbage collector freed (heap-use-after-free).
fn go_poison_finding(bad: usize) -> Option<(ErrorKind, crate::errors::GoObject)> {
    use crate::regions::go_heap::GoPoison;
    let poison = crate::regions::go_heap::what_was_poisoned(bad)?;
    let (kind, base, size, freed) = match poison {
        GoPoison::PastObject { base, size } => (ErrorKind::HeapBufferOverflow, base, size, false),
        GoPoison::Freed { base, size } | GoPoison::FreedSpan { base, size } => {
            (ErrorKind::HeapUseAfterFree, base, size, true)
        }
    };
    Some((
        kind,
        crate::errors::GoObject {
            base,
            size,
            lent_now: !freed && crate::regions::lent::is_lent_here(base),
            freed_by_gc: freed,
            whole_span: matches!(poison, GoPoison::FreedSpan { .. }),
            ..Default::default()
        },
    ))
}

/// Checks [addr, addr+size) (any size, any alignment) and reports the first error found, at the
/// first offending byte (like ASan's range checks). Used by the `llvm.mem*` instrumentation and
/// by the libc interceptors.
pub fn check_range(addr: usize, size: usize, flags: u32) {
    if size == 0 {
        return;
    }
    let write = flags & flags::WRITE != 0;
    if range_is_clean(addr, size, write) {
        // Nothing painted: only the real stack's dead part (never painted) remains to rule out.
    } else if let Some((kind, bad)) = find_error(addr, size, write) {
        report_access(kind, bad, bad, size, flags);
    } else if crate::options::get().detect_stack_use_after_return
        && crate::threads::is_dead_stack(addr)
    {
        report_access(ErrorKind::StackUseAfterReturn, addr, addr, size, flags);
    }
}

/// An access someone else found poisoned (`__asan_report_error`: Go's `-asan` runtime, or a
/// program), made at `pc` with registers `bp`, `sp`: reported with the kind its first poisoned
/// byte has (a memory poisoned in a way no check knows is the program's poison).
pub fn report_found_access(addr: usize, size: usize, flags: u32, pc: usize, bp: usize, sp: usize) {
    let write = flags & flags::WRITE != 0;
    let bad = crate::heap::first_poisoned(addr, size.max(1)).unwrap_or(addr);
    let kind = find_error(bad, (addr + size.max(1)).saturating_sub(bad).max(1), write)
        .map_or(ErrorKind::UseAfterPoison, |(kind, _)| kind);
    let stack = unwind::capture_context(pc, bp, sp, false);
    report_access_from(kind, addr, bad, size, flags, stack);
}

/// The inline fast path saw a non-zero shadow byte for a load or store of `size` bytes at `addr`.
/// The report names the access's own address, like ASan.
extern "C" fn slow_access(addr: u64, size: u64, flags: u32) {
    let (addr, size) = (addr as usize, size as usize);
    if let Some((kind, bad)) = find_error(addr, size.max(1), flags & flags::WRITE != 0) {
        report_access(kind, addr, bad, size, flags);
    }
}

extern "C" fn check_range_entry(addr: u64, size: u64, flags: u32) {
    check_range(addr as usize, size as usize, flags);
}

/// A loop's accesses hoisted by the pass into one call before the loop: `count` accesses of
/// `size` bytes at `first`, `first + stride`, ... (in execution order). One shadow scan of the
/// span they cover decides the common case; otherwise each access is checked in turn, exactly as
/// the per-access checks would have, and the first bad one is reported with its own address and
/// size, so a poisoned gap between strided accesses is never a finding.
extern "C" fn check_loop(first: u64, count: u64, stride: i64, size: u64, flags: u32) {
    let (first, size) = (first as usize, size as usize);
    if count == 0 || size == 0 {
        return;
    }
    let last = first.wrapping_add(((count - 1) as usize).wrapping_mul(stride as usize));
    let (lo, hi) = (first.min(last), first.max(last).saturating_add(size));
    let write = flags & flags::WRITE != 0;
    if range_is_clean(lo, hi - lo, write) {
        return;
    }
    let mut addr = first;
    for _ in 0..count {
        if let Some((kind, bad)) = find_error(addr, size, write) {
            report_access(kind, addr, bad, size, flags);
            return;
        }
        addr = addr.wrapping_add(stride as usize);
    }
}

// The pass calls the three check entry points with LLVM's `preserve_mostcc`: the callee keeps
// every general-purpose register but r11 (the vector registers stay caller-saved). The calls sit
// in cold blocks all over the hot code; with the C convention each one clobbers nine registers,
// and the register allocator has to keep values out of them, or spill them, around every check.
// Each entry point is a stub that saves those registers, calls the Rust function with the C
// convention (arguments are already where it expects them, or `args` puts them there) and
// restores them. Its CFI lets the unwinder step through it to the program's frame. `first` is
// code run before any of that, which may return at once or go on at its end.
macro_rules! preserve_most_entry {
    ($name:ident => $imp:path $(, first: [$($first:literal),*])?
     $(, args: [$($args:literal),*], consts: [$($op:ident = $value:expr),*])?) => {
        #[unsafe(naked)]
        #[no_mangle]
        pub extern "C" fn $name() {
            core::arch::naked_asm!(
                ".cfi_startproc",
                $($($first,)*)?
                "push rax", ".cfi_adjust_cfa_offset 8", ".cfi_rel_offset rax, 0",
                "push rcx", ".cfi_adjust_cfa_offset 8", ".cfi_rel_offset rcx, 0",
                "push rdx", ".cfi_adjust_cfa_offset 8", ".cfi_rel_offset rdx, 0",
                "push rsi", ".cfi_adjust_cfa_offset 8", ".cfi_rel_offset rsi, 0",
                "push rdi", ".cfi_adjust_cfa_offset 8", ".cfi_rel_offset rdi, 0",
                "push r8", ".cfi_adjust_cfa_offset 8", ".cfi_rel_offset r8, 0",
                "push r9", ".cfi_adjust_cfa_offset 8", ".cfi_rel_offset r9, 0",
                "push r10", ".cfi_adjust_cfa_offset 8", ".cfi_rel_offset r10, 0",
                // Eight pushes after the return address: 8 more bytes align the stack for the call.
                "sub rsp, 8", ".cfi_adjust_cfa_offset 8",
                $($($args,)*)?
                "call {imp}",
                "add rsp, 8", ".cfi_adjust_cfa_offset -8",
                "pop r10", ".cfi_adjust_cfa_offset -8",
                "pop r9", ".cfi_adjust_cfa_offset -8",
                "pop r8", ".cfi_adjust_cfa_offset -8",
                "pop rdi", ".cfi_adjust_cfa_offset -8",
                "pop rsi", ".cfi_adjust_cfa_offset -8",
                "pop rdx", ".cfi_adjust_cfa_offset -8",
                "pop rcx", ".cfi_adjust_cfa_offset -8",
                "pop rax", ".cfi_adjust_cfa_offset -8",
                "ret",
                ".cfi_endproc",
                imp = sym $imp,
                $($($op = const $value,)*)?
            )
        }
    };
}

// A 2- to 7-byte access that lies in one granule whose partial shadow value covers it (the tail of
// an object of odd size) is no error. The pass decides that inline only for 1-byte accesses (a
// string scan makes millions of them); for the others it would be a block and nine instructions
// per check in the program's code, about 12% of `sqlite3.c`'s compile time, for accesses these
// workloads almost never make. So the slow access decides it first, before saving anything:
// r11 is free to clobber under preserve_most, rax is kept below the stack pointer (this part
// calls nothing, and the red zone is ours), and the shadow byte is the one the caller's fast
// path has just read, so reading it again cannot fault. Shadow values with bit 7 set are poison
// (negative as i8); read-only (0x40) reaches here only for a store. A clean granule returns at
// once too: the members of a group whose test failed are each called here without a test of
// their own (8-byte ones included, which a partial granule never covers).
// `$size` is the operand holding the access's size (`esi`, or the `{size}` constant of a sized
// entry); `$before` runs first (the generic entry rules out sizes above 8, whose sum below could
// wrap).
macro_rules! slow_access_entry {
    ($name:ident, [$($before:literal),*], $add_size:literal $(, $($rest:tt)*)?) => {
        preserve_most_entry!($name => slow_access, first: [
            $($before,)*
            "mov r11d, edi",
            "and r11d, 7",
            $add_size, // one past the access's last byte in its granule: 2..15
            "cmp r11d, 8",
            "ja 2f", // it continues into the next granule (always, for 16 bytes)
            "mov [rsp - 8], rax",
            "mov rax, rdi",
            "shr rax, 3",
            "movsx eax, byte ptr [rax + 0x7fff8000]", // SHADOW_OFFSET, asserted below
            "test eax, eax",
            "jz 4f", // a clean granule: a group test failed for another member
            "cmp r11d, eax",
            "jg 3f", // beyond the granule's valid bytes, or poison
            "cmp eax, 7",
            "jg 3f", // not a partial granule (read-only, for a store)
            "4:",
            "mov rax, [rsp - 8]",
            "ret",
            "3:",
            "mov rax, [rsp - 8]",
            "2:" // the saving path below
        ] $(, $($rest)*)?);
    };
}
slow_access_entry!(
    __ffisan_slow_access,
    ["cmp rsi, 8", "ja 2f"],
    "add r11d, esi"
);
const _: () = assert!(crate::contract::SHADOW_OFFSET == 0x7fff_8000);

// `__ffisan_slow_access` with the size and flags in the name (`contract.rs`): the pass calls these,
// with the address alone. The cold path of each check is then one register move and a call
// instead of three moves: `sqlite3.c`'s text about 11% smaller and its compile a few percent
// shorter. Same prologue, with the size a constant; the arguments are set once the registers
// are saved.
macro_rules! sized_slow_access {
    ($($name:ident: $size:literal, $flags:expr;)*) => {$(
        slow_access_entry!($name, [], "add r11d, {size}",
            args: ["mov esi, {size}", "mov edx, {flags}"], consts: [size = $size, flags = $flags]);
    )*};
}

const C_READ: u32 = flags::DOMAIN_C << flags::DOMAIN_SHIFT;
const C_WRITE: u32 = C_READ | flags::WRITE;
const RUST_READ: u32 = flags::DOMAIN_RUST << flags::DOMAIN_SHIFT;
const RUST_WRITE: u32 = RUST_READ | flags::WRITE;
sized_slow_access! {
    __ffisan_slow_load1: 1, C_READ;
    __ffisan_slow_load2: 2, C_READ;
    __ffisan_slow_load4: 4, C_READ;
    __ffisan_slow_load8: 8, C_READ;
    __ffisan_slow_load16: 16, C_READ;
    __ffisan_slow_store1: 1, C_WRITE;
    __ffisan_slow_store2: 2, C_WRITE;
    __ffisan_slow_store4: 4, C_WRITE;
    __ffisan_slow_store8: 8, C_WRITE;
    __ffisan_slow_store16: 16, C_WRITE;
    __ffisan_slow_rust_load1: 1, RUST_READ;
    __ffisan_slow_rust_load2: 2, RUST_READ;
    __ffisan_slow_rust_load4: 4, RUST_READ;
    __ffisan_slow_rust_load8: 8, RUST_READ;
    __ffisan_slow_rust_load16: 16, RUST_READ;
    __ffisan_slow_rust_store1: 1, RUST_WRITE;
    __ffisan_slow_rust_store2: 2, RUST_WRITE;
    __ffisan_slow_rust_store4: 4, RUST_WRITE;
    __ffisan_slow_rust_store8: 8, RUST_WRITE;
    __ffisan_slow_rust_store16: 16, RUST_WRITE;
}
preserve_most_entry!(__ffisan_check_range => check_range_entry);
preserve_most_entry!(__ffisan_check_loop => check_loop);

#[cfg(test)]
mod tests {
    use super::range_is_clean;
    use crate::contract::{shadow_value, GRANULE};
    use crate::shadow;

    #[test]
    fn range_is_clean_finds_any_poisoned_granule() {
        shadow::ensure_mapped();
        // Shadow of an application range nothing else in this test process paints.
        let base = 0x2345_0000_0000usize;
        let granules = 1024;
        for bad in [0, 1, 7, 8, 31, 32, 33, 63, 64, 100, 511, 1000] {
            shadow::fill(base, 0, granules);
            shadow::fill(base + bad * GRANULE, shadow_value::HEAP_FREED, 1);
            for (lo, hi) in [
                (0, granules),
                (0, bad + 1),
                (bad, bad + 1),
                (bad.saturating_sub(40), bad + 40),
            ] {
                let hi = hi.min(granules);
                let (addr, len) = (base + lo * GRANULE, (hi - lo) * GRANULE);
                assert!(
                    !range_is_clean(addr, len, false),
                    "bad {bad} in [{lo}, {hi})"
                );
            }
            if bad > 0 {
                assert!(
                    range_is_clean(base, bad * GRANULE, true),
                    "[0, {bad}) is clean"
                );
            }
            assert!(range_is_clean(
                base + (bad + 1) * GRANULE,
                (granules - bad - 1) * GRANULE - 1,
                true
            ));
        }
        // Read-only granules are clean for reads only; a partial last granule up to its end is.
        shadow::fill(base, 0, granules);
        shadow::fill(base + 300 * GRANULE, shadow_value::READONLY, 1);
        assert!(range_is_clean(base, 600 * GRANULE, false));
        assert!(!range_is_clean(base, 600 * GRANULE, true));
        shadow::fill(base, 0, granules);
        shadow::fill(base + 500 * GRANULE, 3, 1);
        assert!(range_is_clean(base, 500 * GRANULE + 3, true));
        assert!(!range_is_clean(base, 500 * GRANULE + 4, true));
    }
}
