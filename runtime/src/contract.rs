//! The pass-to-runtime contract: layout, shadow values and entry points both sides rely on. One
//! file, compiled by the runtime and by the pass (`src/pass/src/lib.rs` includes it).

/// Bumped whenever anything below changes meaning; the pass makes every instrumented module call
/// `__ffisan_init_v<ABI_VERSION>`, so code built for another layout fails at link or load time, not at run time.
pub const ABI_VERSION: u32 = 9;

/// One shadow byte describes 2^SHADOW_SCALE = 8 bytes of application memory (a granule).
pub const SHADOW_SCALE: u32 = 3;
pub const GRANULE: usize = 1 << SHADOW_SCALE;
/// shadow(addr) = (addr >> 3) + SHADOW_OFFSET. User space is below 2^47, so the shadow is
/// [2^31 - 2^15, 2^44 + 2^31 - 2^15), ASan's x86-64 layout: the offset fits an instruction's 32-bit
/// displacement, so a check needs no register for it (`testb $m, 0x7fff8000(%rs)`). It lies above
/// non-PIE images (0x400000) and below PIE images (0x55..) and mmap areas (0x7f..); Go heap hints
/// that fall inside it are refused by the kernel and Go moves on (`managed.rs`).
pub const SHADOW_OFFSET: usize = 0x7fff_8000;
pub const SHADOW_SIZE: usize = 1 << 44;
/// Highest application address the shadow covers (exclusive).
pub const APP_END: usize = 1 << 47;

/// `__ffisan_check_range` reports a range in the dead part of the calling thread's real stack
/// (never painted in the shadow) when it lies at most this far below the stack pointer: the
/// pass's inline range test, which only reads the shadow, leaves such ranges to the runtime.
pub const DEAD_STACK_WINDOW: usize = 1 << 30;

/// A fake frame from `__ffisan_fake_frame_enter_<class>` follows its slot's owner word, these many
/// bytes below it (0: the slot is free). The pass unpoisons the frame's `size` bytes itself once it
/// has one, and leaves it inline, with no call: it fills the shadow of those bytes with
/// STACK_AFTER_RETURN, then stores 0 to the owner word.
pub const FAKE_FRAME_OWNER_BYTES: usize = 8;
/// Fake frame slots come in size classes: class c's are 2^(FAKE_FRAME_MIN_LOG + c) bytes, owner
/// word included, for c < FAKE_FRAME_CLASSES (64 B ..= 64 KiB).
pub const FAKE_FRAME_MIN_LOG: u32 = 6;
pub const FAKE_FRAME_CLASSES: usize = 11;

/// The class whose slots hold a fake frame of `size` bytes after the owner word; None: too big
/// for any, the locals stay on the real stack.
pub const fn fake_frame_class(size: u64) -> Option<usize> {
    let slot = size + FAKE_FRAME_OWNER_BYTES as u64;
    let class = if slot <= 1 << FAKE_FRAME_MIN_LOG {
        0
    } else {
        (64 - (slot - 1).leading_zeros() - FAKE_FRAME_MIN_LOG) as usize
    };
    if class < FAKE_FRAME_CLASSES {
        Some(class)
    } else {
        None
    }
}

/// Shadow byte values. 1..=7 means "only the first k bytes of the granule are addressable".
pub mod shadow_value {
    pub const ADDRESSABLE: u8 = 0x00;
    /// Loads are fine, stores are `write-to-readonly`. Bit 6 alone, so the load fast path can mask it.
    pub const READONLY: u8 = 0x40;
    /// READONLY | k (k in 1..=7): the last granule of a read-only global whose first k bytes are
    /// the object's (a string literal's tail). Masked for a load it reads k, a partial granule;
    /// a store takes the slow path: `write-to-readonly` inside, `global-buffer-overflow` past it.
    pub const READONLY_PARTIAL_MIN: u8 = READONLY | 1;
    pub const READONLY_PARTIAL_MAX: u8 = READONLY | 7;
    /// A registered managed (garbage-collected) region: decided by `managed_policy` in the slow path.
    pub const MANAGED: u8 = 0xf0;
    /// A dead fake stack frame (an escaping local of a function that returned).
    pub const STACK_AFTER_RETURN: u8 = 0xf5;
    /// The chunk header and left redzone of a C-heap chunk.
    pub const HEAP_LEFT_REDZONE: u8 = 0xfa;
    /// The header's last granule (just before the user bytes) of a chunk `operator new` or
    /// `operator new[]` made: a left redzone whose value also says which family to end it with,
    /// so free and delete learn it from the shadow they already read. (malloc's reads
    /// HEAP_LEFT_REDZONE.) Not ASan's: ASan keeps the family in its chunk header.
    pub const HEAP_LEFT_REDZONE_NEW: u8 = 0xe1;
    pub const HEAP_LEFT_REDZONE_NEW_ARRAY: u8 = 0xe2;

    /// The granule of a new[] array's cookie (the element count before the elements), painted
    /// by `__asan_poison_cxx_array_cookie`; ASan's value.
    pub const HEAP_ARRAY_COOKIE: u8 = 0xac;

    /// Whether `v` paints part of a C-heap chunk's header or left redzone, whatever made it.
    pub const fn is_heap_left_redzone(v: u8) -> bool {
        matches!(
            v,
            HEAP_LEFT_REDZONE | HEAP_LEFT_REDZONE_NEW | HEAP_LEFT_REDZONE_NEW_ARRAY
        )
    }
    /// Beyond a C-heap chunk's end.
    pub const HEAP_RIGHT_REDZONE: u8 = 0xfb;
    /// A freed C-heap chunk waiting in quarantine.
    pub const HEAP_FREED: u8 = 0xfd;
    // Being built (SPEC "kinds being built"); the values are ASan's, so a shadow dump reads the same.
    /// Redzones around a frame's local objects: before the first, between two, after the last.
    pub const STACK_LEFT_REDZONE: u8 = 0xf1;
    pub const STACK_MID_REDZONE: u8 = 0xf2;
    pub const STACK_RIGHT_REDZONE: u8 = 0xf3;
    /// Memory the program poisoned through `__asan_poison_memory_region`.
    pub const USER_POISONED: u8 = 0xf7;
    /// A fake frame's local outside its scope (before `llvm.lifetime.start`, after `.end`).
    pub const STACK_USE_AFTER_SCOPE: u8 = 0xf8;
    /// After a global object (and its padding).
    pub const GLOBAL_REDZONE: u8 = 0xf9;
    /// Past an annotated container's size (`__sanitizer_annotate_contiguous_container`).
    pub const CONTAINER_OVERFLOW: u8 = 0xfc;
    /// Around an `alloca`/VLA on the real stack (`__ffisan_alloca_poison`).
    pub const ALLOCA_LEFT_REDZONE: u8 = 0xca;
    pub const ALLOCA_RIGHT_REDZONE: u8 = 0xcb;
}

/// The inline fast path is `(shadow & mask) == 0`: loads ignore READONLY, stores do not.
pub const LOAD_MASK: u8 = 0xbf;
pub const STORE_MASK: u8 = 0xff;

/// `flags` argument of every check entry point.
pub mod flags {
    /// The access writes (otherwise it reads).
    pub const WRITE: u32 = 1;
    /// Bits 1..=3: the source language of the instrumented code.
    pub const DOMAIN_SHIFT: u32 = 1;
    pub const DOMAIN_MASK: u32 = 0b111 << DOMAIN_SHIFT;
    pub const DOMAIN_C: u32 = 0;
    pub const DOMAIN_RUST: u32 = 1;
    /// Go code built with `-asan` (its loads and stores reach the runtime through `__asan_*`).
    pub const DOMAIN_GO: u32 = 2;
    /// Bits 16..=31 of a libc hook's flags (0 elsewhere): 1 + the index in
    /// `LIBC_FUNCTION_NAMES` of the function called. An older runtime ignores them.
    pub const LIBC_FUNCTION_SHIFT: u32 = 16;
}

/// The libc function a hook's `flags` name, if any.
pub fn libc_function_of(flags: u32) -> Option<&'static str> {
    let id = (flags >> flags::LIBC_FUNCTION_SHIFT) as usize;
    id.checked_sub(1)
        .and_then(|i| LIBC_FUNCTION_NAMES.get(i))
        .copied()
}

/// The flag bits that name libc function `name` (0 for a name not in the table).
pub fn libc_function_flags(name: &str) -> u32 {
    LIBC_FUNCTION_NAMES
        .iter()
        .position(|n| *n == name)
        .map_or(0, |i| (i as u32 + 1) << flags::LIBC_FUNCTION_SHIFT)
}

/// Runtime entry points the pass calls (defined in `checks/slow_path.rs`, `threads/fake_stack.rs`,
/// `checks/interceptors/`, `interface/ffisan.rs`; `extern "C"`, but the check entry points are called with LLVM's
/// `preserve_mostcc`: they keep every general-purpose register but r11):
///   `__ffisan_init_v9()`                                  module constructor; idempotent
///   `__ffisan_slow_access(addr: u64, size: u64, flags: u32)` the fast path saw a non-zero shadow
///   `__ffisan_slow_{load,store,rust_load,rust_store}{1,2,4,8,16}(addr: u64)` the same, the size
///       and flags (C or Rust domain, read or write) in the name: what the pass calls
///   `__ffisan_check_range(addr: u64, size: u64, flags: u32)` whole-range check (mem* intrinsics, big or odd accesses)
///   `__ffisan_check_loop(first: u64, count: u64, stride: i64, size: u64, flags: u32)` a loop's
///       accesses checked once before it: `count` accesses of `size` bytes at first + i * stride
///   `__ffisan_libc_<hook>(<the libc function's own arguments>, flags: u32)` before a call, for
///       each hook `libc_table.rs` calls before (its table says which function calls
///       which: `printf` and `vprintf` both call `vprintf`'s); a variadic call's `...` is passed
///       as one x86-64 `va_list` (pointer to a `__va_list_tag`) over its arguments, spilled by the
///       pass as the ABI passes arguments on the stack, with both register areas used up
///   `__ffisan_libc_<hook>_after(<the call's result>, <the same arguments>, flags: u32)` right
///       after the call, for each hook it calls after (a test there checks the runtime defines
///       every hook the table names, and no other); a `va_list` argument is a copy taken
///       before the call (the callee advances the caller's)
///   `__ffisan_fake_frame_enter_<class>(real_frame: u64) -> u64` for class 0..=10 (`fake_frame_class`):
///       a frame, or 0 to keep the locals on the real stack (unpoisoned and left inline:
///       `FAKE_FRAME_OWNER_BYTES`)
///   `__ffisan_cgo_window_begin()` / `__ffisan_cgo_window_end()` around cgo `_Cfunc_` wrappers,
///       and `__ffisan_cgo_lend(value: u64)` after each word the wrapper reads from Go's argument
///       frame (the Go object it points into is lent to the call; ABI 8); a wrapper whose reads
///       are not all plain words gets `ffisan_call_window_begin()` / `ffisan_call_window_end()`
///   `__ffisan_alloca_poison(object: u64, size: u64)` paints a dynamic alloca's redzones
///       (ALLOCA_LEFT_REDZONE before, ALLOCA_RIGHT_REDZONE after; the pass's layout: object
///       32-byte aligned, 32 bytes before it and up to the next 32 plus 32 after it are the
///       alloca's), and `__ffisan_allocas_unpoison(lo: u64, hi: u64)` clears [lo, hi) of the
///       calling thread's stack before a `ret` or `llvm.stackrestore` pops them (ABI 9)
///   The pass paints STACK_USE_AFTER_SCOPE over a fake frame's local outside its scope (its
///       lifetime markers) and the local addressable inside (ABI 9)
///   `__asan_register_globals(descriptors: *const GlobalDescriptor, n: usize)` and
///   `__asan_unregister_globals(...)`: the module's padded globals, in its constructor and
///   destructor (`regions/globals.rs` has the layout, ASan's)
/// `__ffisan_libc_fortify_refused(ptr, count: u64, unit: u64, limit: u64, limit_unit: u64,
/// flags: u32)` before a `_FORTIFY_SOURCE` call glibc checks a length of (`__read_chk`): when
/// count × unit > limit × limit_unit glibc aborts, so the count × unit bytes at ptr are checked
/// for writing first.
pub const LIBC_FORTIFY_REFUSED_HOOK: &str = "fortify_refused";

/// Every libc function the pass hooks (`libc_table.rs`'s `LIBC_FUNCTIONS` and `FORTIFIED`, a test
/// there says): a hook's flags carry 1 + the index here of the function the program called
/// (`flags::LIBC_FUNCTION_SHIFT`), so the report's frame #0 names it, as ASan's interceptor
/// frames do. New names go at the end: an id, once given, stays (IR tests check some).
pub const LIBC_FUNCTION_NAMES: &[&str] = &[
    "strlen",
    "strnlen",
    "strcpy",
    "strncpy",
    "strcat",
    "strncat",
    "strcmp",
    "strncmp",
    "strchr",
    "strrchr",
    "strstr",
    "strdup",
    "strndup",
    "strspn",
    "strcspn",
    "strpbrk",
    "strcasecmp",
    "strncasecmp",
    "strtok",
    "strtok_r",
    "stpcpy",
    "stpncpy",
    "memchr",
    "memrchr",
    "memmem",
    "qsort",
    "bsearch",
    "strtol",
    "strtoul",
    "strtoll",
    "strtoull",
    "strtod",
    "strtof",
    "strtold",
    "atoi",
    "atol",
    "atoll",
    "atof",
    "wcslen",
    "wcsnlen",
    "wcscpy",
    "wcsncpy",
    "wcscat",
    "wcsncat",
    "wcscmp",
    "wcsncmp",
    "wcschr",
    "wcsrchr",
    "wcsdup",
    "wmemcpy",
    "wmemmove",
    "wmemset",
    "wmemcmp",
    "wcpcpy",
    "wcpncpy",
    "wmempcpy",
    "printf",
    "vprintf",
    "fprintf",
    "vfprintf",
    "dprintf",
    "vdprintf",
    "sprintf",
    "vsprintf",
    "snprintf",
    "vsnprintf",
    "asprintf",
    "vasprintf",
    "wprintf",
    "vwprintf",
    "fwprintf",
    "vfwprintf",
    "swprintf",
    "vswprintf",
    "scanf",
    "__isoc99_scanf",
    "vscanf",
    "__isoc99_vscanf",
    "sscanf",
    "__isoc99_sscanf",
    "vsscanf",
    "__isoc99_vsscanf",
    "fscanf",
    "__isoc99_fscanf",
    "vfscanf",
    "__isoc99_vfscanf",
    "wscanf",
    "__isoc99_wscanf",
    "vwscanf",
    "__isoc99_vwscanf",
    "swscanf",
    "__isoc99_swscanf",
    "vswscanf",
    "__isoc99_vswscanf",
    "fwscanf",
    "__isoc99_fwscanf",
    "vfwscanf",
    "__isoc99_vfwscanf",
    "puts",
    "fputs",
    "fgets",
    "fgets_unlocked",
    "fread",
    "fread_unlocked",
    "fwrite",
    "getline",
    "getdelim",
    "__getdelim",
    "read",
    "pread",
    "pread64",
    "write",
    "pwrite",
    "pwrite64",
    "recv",
    "recvfrom",
    "send",
    "sendto",
    "readv",
    "writev",
    "preadv",
    "preadv64",
    "preadv2",
    "preadv64v2",
    "pwritev",
    "pwritev64",
    "pwritev2",
    "pwritev64v2",
    "accept",
    "accept4",
    "getsockname",
    "getpeername",
    "getcwd",
    "realpath",
    "stat",
    "lstat",
    "fstat",
    "fstatat",
    "stat64",
    "lstat64",
    "fstat64",
    "fstatat64",
    "statx",
    "time",
    "localtime",
    "gmtime",
    "localtime_r",
    "gmtime_r",
    "ctime",
    "ctime_r",
    "mktime",
    "strftime",
    "inet_ntop",
    "inet_pton",
    "readlink",
    "readlinkat",
    "gethostname",
    "ttyname_r",
    "ptsname_r",
    "confstr",
    "getgroups",
    "poll",
    "ppoll",
    "fgetws",
    "fgetws_unlocked",
    "mbstowcs",
    "wcstombs",
    "mbsrtowcs",
    "wcsrtombs",
    "wcrtomb",
    "wctomb",
    "__memcpy_chk",
    "__memmove_chk",
    "__mempcpy_chk",
    "__memset_chk",
    "__explicit_bzero_chk",
    "__strcpy_chk",
    "__stpcpy_chk",
    "__strncpy_chk",
    "__stpncpy_chk",
    "__strcat_chk",
    "__strncat_chk",
    "__wcscpy_chk",
    "__wcpcpy_chk",
    "__wcsncpy_chk",
    "__wcpncpy_chk",
    "__wcscat_chk",
    "__wcsncat_chk",
    "__wmemcpy_chk",
    "__wmemmove_chk",
    "__wmempcpy_chk",
    "__wmemset_chk",
    "__printf_chk",
    "__vprintf_chk",
    "__fprintf_chk",
    "__vfprintf_chk",
    "__dprintf_chk",
    "__vdprintf_chk",
    "__sprintf_chk",
    "__vsprintf_chk",
    "__snprintf_chk",
    "__vsnprintf_chk",
    "__asprintf_chk",
    "__vasprintf_chk",
    "__wprintf_chk",
    "__vwprintf_chk",
    "__fwprintf_chk",
    "__vfwprintf_chk",
    "__swprintf_chk",
    "__vswprintf_chk",
    "__fgets_chk",
    "__fgets_unlocked_chk",
    "__fread_chk",
    "__fread_unlocked_chk",
    "__read_chk",
    "__pread_chk",
    "__pread64_chk",
    "__recv_chk",
    "__recvfrom_chk",
    "__getcwd_chk",
    "__realpath_chk",
    "__readlink_chk",
    "__readlinkat_chk",
    "__gethostname_chk",
    "__ttyname_r_chk",
    "__ptsname_r_chk",
    "__confstr_chk",
    "__getgroups_chk",
    "__fgetws_chk",
    "__fgetws_unlocked_chk",
    "__poll_chk",
    "__ppoll_chk",
    "__mbstowcs_chk",
    "__wcstombs_chk",
    "__mbsrtowcs_chk",
    "__wcsrtombs_chk",
    "__wcrtomb_chk",
    "__wctomb_chk",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fake_frame_classes_hold_the_frame_and_the_owner_word() {
        assert_eq!(fake_frame_class(1), Some(0));
        assert_eq!(fake_frame_class(56), Some(0));
        assert_eq!(fake_frame_class(57), Some(1));
        assert_eq!(fake_frame_class(300), Some(3));
        assert_eq!(fake_frame_class((64 << 10) - 8), Some(10));
        assert_eq!(fake_frame_class((64 << 10) - 7), None);
    }
}
