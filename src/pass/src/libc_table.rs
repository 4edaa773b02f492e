//! The libc functions whose calls get a runtime hook: each one's parameters (to recognise only
//! calls shaped like it), the hook that checks it and when the hook runs. The runtime's side is
//! `runtime/src/checks/interceptors/`, one file per family; `contract.rs` lists the hook names.

/// Kind of a libc parameter.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Param {
    Ptr,
    Int,
    /// A `va_list` (on x86-64 a pointer to the caller's `__va_list_tag`).
    VaList,
    /// The `...` of a variadic function: the hook gets one `va_list` over these arguments.
    Variadic,
}
use Param::{Int, Ptr, VaList, Variadic};

/// When the runtime's hook runs.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum When {
    /// `__ffisan_libc_<hook>(args..., flags)` before the call: what it reads, and writes whose
    /// extent is known beforehand.
    Before,
    /// `__ffisan_libc_<hook>_after(result, args..., flags)` after it: writes only the result tells
    /// (`read`'s count, `scanf`'s assignments, `sprintf`'s length).
    After,
    Both,
}
use When::{After, Before, Both};

#[derive(Debug)]
pub struct LibcFunction {
    pub name: &'static str,
    pub params: &'static [Param],
    /// The runtime hook's name after `__ffisan_libc_`: a variadic function shares its `v` form's.
    pub hook: &'static str,
    pub when: When,
    /// Whether the call can free memory or run program code that may (a `qsort` comparator, a
    /// `FILE` opened with `fopencookie`, `getline`'s realloc): an earlier check of a pointer
    /// does not hold across it.
    pub may_free: bool,
}

impl LibcFunction {
    pub fn hooks_before(&self) -> bool {
        matches!(self.when, Before | Both)
    }
    pub fn hooks_after(&self) -> bool {
        matches!(self.when, After | Both)
    }
}

const fn pure(name: &'static str, params: &'static [Param], when: When) -> LibcFunction {
    LibcFunction {
        name,
        params,
        hook: name,
        when,
        may_free: false,
    }
}

const fn stream(name: &'static str, params: &'static [Param], when: When) -> LibcFunction {
    LibcFunction {
        name,
        params,
        hook: name,
        when,
        may_free: true,
    }
}

/// A function checked by another's hook (`printf` by `vprintf`'s, `__isoc99_sscanf` by `vsscanf`'s).
const fn via(
    name: &'static str,
    params: &'static [Param],
    hook: &'static str,
    when: When,
) -> LibcFunction {
    LibcFunction {
        name,
        params,
        hook,
        when,
        may_free: true,
    }
}

/// A function checked by another's hook that cannot free (`stpcpy` by `strcpy`'s).
const fn pure_via(
    name: &'static str,
    params: &'static [Param],
    hook: &'static str,
) -> LibcFunction {
    LibcFunction {
        name,
        params,
        hook,
        when: Before,
        may_free: false,
    }
}

pub const LIBC_FUNCTIONS: &[LibcFunction] = &[
    // Strings (checks/interceptors/string.rs).
    pure("strlen", &[Ptr], Before),
    pure("strnlen", &[Ptr, Int], Before),
    pure("strcpy", &[Ptr, Ptr], Before),
    pure("strncpy", &[Ptr, Ptr, Int], Before),
    pure("strcat", &[Ptr, Ptr], Before),
    pure("strncat", &[Ptr, Ptr, Int], Before),
    pure("strcmp", &[Ptr, Ptr], Before),
    pure("strncmp", &[Ptr, Ptr, Int], Before),
    pure("strchr", &[Ptr, Int], Before),
    pure("strrchr", &[Ptr, Int], Before),
    pure("strstr", &[Ptr, Ptr], Before),
    pure("strdup", &[Ptr], Before),
    pure("strndup", &[Ptr, Int], Before),
    pure("strspn", &[Ptr, Ptr], Before),
    pure("strcspn", &[Ptr, Ptr], Before),
    pure("strpbrk", &[Ptr, Ptr], Before),
    pure("strcasecmp", &[Ptr, Ptr], Before),
    pure("strncasecmp", &[Ptr, Ptr, Int], Before),
    pure("strtok", &[Ptr, Ptr], Both),
    pure("strtok_r", &[Ptr, Ptr, Ptr], Before),
    // They read and write what their `str` twins do; only the result differs.
    pure_via("stpcpy", &[Ptr, Ptr], "strcpy"),
    pure_via("stpncpy", &[Ptr, Ptr, Int], "strncpy"),
    // Memory (checks/interceptors/memory.rs).
    pure("memchr", &[Ptr, Int, Int], Before),
    pure("memrchr", &[Ptr, Int, Int], Before),
    pure("memmem", &[Ptr, Int, Ptr, Int], Before),
    stream("qsort", &[Ptr, Int, Int, Ptr], Before),
    stream("bsearch", &[Ptr, Ptr, Int, Int, Ptr], Before),
    // Numbers (checks/interceptors/numbers.rs).
    pure("strtol", &[Ptr, Ptr, Int], Before),
    pure("strtoul", &[Ptr, Ptr, Int], Before),
    pure("strtoll", &[Ptr, Ptr, Int], Before),
    pure("strtoull", &[Ptr, Ptr, Int], Before),
    pure("strtod", &[Ptr, Ptr], Before),
    pure("strtof", &[Ptr, Ptr], Before),
    pure("strtold", &[Ptr, Ptr], Before),
    pure("atoi", &[Ptr], Before),
    pure("atol", &[Ptr], Before),
    pure("atoll", &[Ptr], Before),
    pure("atof", &[Ptr], Before),
    // Wide characters (checks/interceptors/wide.rs).
    pure("wcslen", &[Ptr], Before),
    pure("wcsnlen", &[Ptr, Int], Before),
    pure("wcscpy", &[Ptr, Ptr], Before),
    pure("wcsncpy", &[Ptr, Ptr, Int], Before),
    pure("wcscat", &[Ptr, Ptr], Before),
    pure("wcsncat", &[Ptr, Ptr, Int], Before),
    pure("wcscmp", &[Ptr, Ptr], Before),
    pure("wcsncmp", &[Ptr, Ptr, Int], Before),
    pure("wcschr", &[Ptr, Int], Before),
    pure("wcsrchr", &[Ptr, Int], Before),
    pure("wcsdup", &[Ptr], Before),
    pure("wmemcpy", &[Ptr, Ptr, Int], Before),
    pure("wmemmove", &[Ptr, Ptr, Int], Before),
    pure("wmemset", &[Ptr, Int, Int], Before),
    pure("wmemcmp", &[Ptr, Ptr, Int], Before),
    pure_via("wcpcpy", &[Ptr, Ptr], "wcscpy"),
    pure_via("wcpncpy", &[Ptr, Ptr, Int], "wcsncpy"),
    pure_via("wmempcpy", &[Ptr, Ptr, Int], "wmemcpy"),
    // Formatted output and input (checks/interceptors/format.rs).
    via("printf", &[Ptr, Variadic], "vprintf", Before),
    via("vprintf", &[Ptr, VaList], "vprintf", Before),
    via("fprintf", &[Ptr, Ptr, Variadic], "vfprintf", Before),
    via("vfprintf", &[Ptr, Ptr, VaList], "vfprintf", Before),
    via("dprintf", &[Int, Ptr, Variadic], "vdprintf", Before),
    via("vdprintf", &[Int, Ptr, VaList], "vdprintf", Before),
    via("sprintf", &[Ptr, Ptr, Variadic], "vsprintf", Both),
    via("vsprintf", &[Ptr, Ptr, VaList], "vsprintf", Both),
    via("snprintf", &[Ptr, Int, Ptr, Variadic], "vsnprintf", Both),
    via("vsnprintf", &[Ptr, Int, Ptr, VaList], "vsnprintf", Both),
    via("asprintf", &[Ptr, Ptr, Variadic], "vasprintf", Both),
    via("vasprintf", &[Ptr, Ptr, VaList], "vasprintf", Both),
    via("wprintf", &[Ptr, Variadic], "vwprintf", Before),
    via("vwprintf", &[Ptr, VaList], "vwprintf", Before),
    via("fwprintf", &[Ptr, Ptr, Variadic], "vfwprintf", Before),
    via("vfwprintf", &[Ptr, Ptr, VaList], "vfwprintf", Before),
    via("swprintf", &[Ptr, Int, Ptr, Variadic], "vswprintf", Both),
    via("vswprintf", &[Ptr, Int, Ptr, VaList], "vswprintf", Both),
    // glibc's headers name the C99 scanf functions `__isoc99_*` (C89's `%as` is an allocation).
    via("scanf", &[Ptr, Variadic], "vscanf", Both),
    via("__isoc99_scanf", &[Ptr, Variadic], "vscanf", Both),
    via("vscanf", &[Ptr, VaList], "vscanf", Both),
    via("__isoc99_vscanf", &[Ptr, VaList], "vscanf", Both),
    via("sscanf", &[Ptr, Ptr, Variadic], "vsscanf", Both),
    via("__isoc99_sscanf", &[Ptr, Ptr, Variadic], "vsscanf", Both),
    via("vsscanf", &[Ptr, Ptr, VaList], "vsscanf", Both),
    via("__isoc99_vsscanf", &[Ptr, Ptr, VaList], "vsscanf", Both),
    via("fscanf", &[Ptr, Ptr, Variadic], "vfscanf", Both),
    via("__isoc99_fscanf", &[Ptr, Ptr, Variadic], "vfscanf", Both),
    via("vfscanf", &[Ptr, Ptr, VaList], "vfscanf", Both),
    via("__isoc99_vfscanf", &[Ptr, Ptr, VaList], "vfscanf", Both),
    via("wscanf", &[Ptr, Variadic], "vwscanf", Both),
    via("__isoc99_wscanf", &[Ptr, Variadic], "vwscanf", Both),
    via("vwscanf", &[Ptr, VaList], "vwscanf", Both),
    via("__isoc99_vwscanf", &[Ptr, VaList], "vwscanf", Both),
    via("swscanf", &[Ptr, Ptr, Variadic], "vswscanf", Both),
    via("__isoc99_swscanf", &[Ptr, Ptr, Variadic], "vswscanf", Both),
    via("vswscanf", &[Ptr, Ptr, VaList], "vswscanf", Both),
    via("__isoc99_vswscanf", &[Ptr, Ptr, VaList], "vswscanf", Both),
    via("fwscanf", &[Ptr, Ptr, Variadic], "vfwscanf", Both),
    via("__isoc99_fwscanf", &[Ptr, Ptr, Variadic], "vfwscanf", Both),
    via("vfwscanf", &[Ptr, Ptr, VaList], "vfwscanf", Both),
    via("__isoc99_vfwscanf", &[Ptr, Ptr, VaList], "vfwscanf", Both),
    // Streams and file descriptors (checks/interceptors/io.rs).
    stream("puts", &[Ptr], Before),
    stream("fputs", &[Ptr, Ptr], Before),
    stream("fgets", &[Ptr, Int, Ptr], After),
    via("fgets_unlocked", &[Ptr, Int, Ptr], "fgets", After),
    stream("fread", &[Ptr, Int, Int, Ptr], After),
    via("fread_unlocked", &[Ptr, Int, Int, Ptr], "fread", After),
    stream("fwrite", &[Ptr, Int, Int, Ptr], Before),
    stream("getline", &[Ptr, Ptr, Ptr], Both),
    stream("getdelim", &[Ptr, Ptr, Int, Ptr], Both),
    // glibc's optimised headers turn `getline` into `__getdelim`.
    via("__getdelim", &[Ptr, Ptr, Int, Ptr], "getdelim", Both),
    stream("read", &[Int, Ptr, Int], After),
    stream("pread", &[Int, Ptr, Int, Int], After),
    via("pread64", &[Int, Ptr, Int, Int], "pread", After),
    stream("write", &[Int, Ptr, Int], Before),
    stream("pwrite", &[Int, Ptr, Int, Int], Before),
    via("pwrite64", &[Int, Ptr, Int, Int], "pwrite", Before),
    stream("recv", &[Int, Ptr, Int, Int], After),
    stream("recvfrom", &[Int, Ptr, Int, Int, Ptr, Ptr], Both),
    stream("send", &[Int, Ptr, Int, Int], Before),
    stream("sendto", &[Int, Ptr, Int, Int, Ptr, Int], Before),
    stream("readv", &[Int, Ptr, Int], Both),
    stream("writev", &[Int, Ptr, Int], Before),
    // `_FILE_OFFSET_BITS=64` names them `preadv64`, `preadv64v2`...
    stream("preadv", &[Int, Ptr, Int, Int], Both),
    via("preadv64", &[Int, Ptr, Int, Int], "preadv", Both),
    stream("preadv2", &[Int, Ptr, Int, Int, Int], Both),
    via("preadv64v2", &[Int, Ptr, Int, Int, Int], "preadv2", Both),
    stream("pwritev", &[Int, Ptr, Int, Int], Before),
    via("pwritev64", &[Int, Ptr, Int, Int], "pwritev", Before),
    stream("pwritev2", &[Int, Ptr, Int, Int, Int], Before),
    via(
        "pwritev64v2",
        &[Int, Ptr, Int, Int, Int],
        "pwritev2",
        Before,
    ),
    // Socket addresses (checks/interceptors/sockets.rs).
    stream("accept", &[Int, Ptr, Ptr], Both),
    stream("accept4", &[Int, Ptr, Ptr, Int], Both),
    stream("getsockname", &[Int, Ptr, Ptr], Both),
    via("getpeername", &[Int, Ptr, Ptr], "getsockname", Both),
    // The system: files, time, addresses (checks/interceptors/system.rs).
    stream("getcwd", &[Ptr, Int], After),
    stream("realpath", &[Ptr, Ptr], Both),
    stream("stat", &[Ptr, Ptr], Both),
    stream("lstat", &[Ptr, Ptr], Both),
    stream("fstat", &[Int, Ptr], After),
    stream("fstatat", &[Int, Ptr, Ptr, Int], Both),
    via("stat64", &[Ptr, Ptr], "stat", Both),
    via("lstat64", &[Ptr, Ptr], "lstat", Both),
    via("fstat64", &[Int, Ptr], "fstat", After),
    via("fstatat64", &[Int, Ptr, Ptr, Int], "fstatat", Both),
    stream("statx", &[Int, Ptr, Int, Int, Ptr], Both),
    pure("time", &[Ptr], After),
    pure("localtime", &[Ptr], Before),
    pure("gmtime", &[Ptr], Before),
    pure("localtime_r", &[Ptr, Ptr], Both),
    pure("gmtime_r", &[Ptr, Ptr], Both),
    pure("ctime", &[Ptr], Before),
    pure("ctime_r", &[Ptr, Ptr], Both),
    pure("mktime", &[Ptr], Before),
    pure("strftime", &[Ptr, Int, Ptr, Ptr], Both),
    pure("inet_ntop", &[Int, Ptr, Ptr, Int], Both),
    pure("inet_pton", &[Int, Ptr, Ptr], Both),
    stream("readlink", &[Ptr, Ptr, Int], Both),
    stream("readlinkat", &[Int, Ptr, Ptr, Int], Both),
    stream("gethostname", &[Ptr, Int], After),
    stream("ttyname_r", &[Int, Ptr, Int], After),
    via("ptsname_r", &[Int, Ptr, Int], "ttyname_r", After),
    stream("confstr", &[Int, Ptr, Int], After),
    stream("getgroups", &[Int, Ptr], After),
    // Descriptors and wide lines (io.rs, wide.rs).
    stream("poll", &[Ptr, Int, Int], Before),
    stream("ppoll", &[Ptr, Int, Ptr, Ptr], Before),
    stream("fgetws", &[Ptr, Int, Ptr], After),
    via("fgetws_unlocked", &[Ptr, Int, Ptr], "fgetws", After),
    // Multibyte and wide conversions (checks/interceptors/multibyte.rs).
    pure("mbstowcs", &[Ptr, Ptr, Int], Both),
    pure("wcstombs", &[Ptr, Ptr, Int], Both),
    pure("mbsrtowcs", &[Ptr, Ptr, Int, Ptr], Both),
    pure("wcsrtombs", &[Ptr, Ptr, Int, Ptr], Both),
    pure("wcrtomb", &[Ptr, Int, Ptr], Both),
    pure("wctomb", &[Ptr, Int], After),
];

/// The row for a libc function's name.
pub fn find(name: &str) -> Option<&'static LibcFunction> {
    LIBC_FUNCTIONS.iter().find(|f| f.name == name)
}

/// A `_FORTIFY_SOURCE` variant of a checked function: with `-D_FORTIFY_SOURCE=2 -O2` glibc's
/// headers call `__memcpy_chk`, `__sprintf_chk`, `__printf_chk`... in place of the function the
/// program names, with glibc's flag (the printf family) or the destination's known length added.
/// Such a call gets the plain function's check over the plain function's arguments; the added
/// ones are ignored (ffisan knows each object's real bounds, and the report comes first).
#[derive(Debug)]
pub struct Fortified {
    pub name: &'static str,
    /// The `__*_chk` function's own parameters.
    pub params: &'static [Param],
    /// The function the program called: a row of `LIBC_FUNCTIONS` or a memory function of
    /// `libc_calls.rs`, whose check this call gets.
    pub plain: &'static str,
    /// Which of the call's fixed arguments are the plain function's, in its order; a variadic
    /// call's `...` follows them as the plain function's.
    pub args: &'static [u32],
    /// What glibc refuses before doing anything, if the function checks a length against the
    /// destination's (`__read_chk`: count > buflen ends the program).
    pub refuses: Option<Refusal>,
    /// The destination's length argument of a function glibc checks only while it writes
    /// (`__sprintf_chk`): set to SIZE_MAX, so the call runs as the plain one and ffisan's check
    /// after it reports the overflow, where glibc would abort with no location (ASan's
    /// interceptor drops it too).
    pub unbounded: Option<u32>,
}

/// A length argument of a `__*_chk` call that glibc compares with the destination's before it
/// starts: count × unit bytes asked for at `ptr`, against limit × limit_unit. When it is
/// larger, glibc aborts ("buffer overflow detected") and the plain function's checks after the
/// call never run, so ffisan checks the asked-for range first (`__ffisan_libc_fortify_refused`).
#[derive(Clone, Copy, Debug)]
pub struct Refusal {
    pub ptr: u32,
    pub count: u32,
    pub unit: Unit,
    pub limit: u32,
    pub limit_unit: u64,
}

/// A size in bytes: a constant, or an argument of the call.
#[derive(Clone, Copy, Debug)]
pub enum Unit {
    Bytes(u64),
    Arg(u32),
}

/// glibc refuses `count` bytes at `ptr` past `limit` bytes.
const fn refuses(ptr: u32, count: u32, limit: u32) -> Option<Refusal> {
    Some(Refusal {
        ptr,
        count,
        unit: Unit::Bytes(1),
        limit,
        limit_unit: 1,
    })
}

/// As `refuses`, in wide characters.
const fn refuses_wide(ptr: u32, count: u32, limit: u32) -> Option<Refusal> {
    Some(Refusal {
        ptr,
        count,
        unit: Unit::Bytes(4),
        limit,
        limit_unit: 4,
    })
}

const fn chk(
    name: &'static str,
    params: &'static [Param],
    plain: &'static str,
    args: &'static [u32],
) -> Fortified {
    Fortified {
        name,
        params,
        plain,
        args,
        refuses: None,
        unbounded: None,
    }
}

impl Fortified {
    const fn refusing(self, refuses: Option<Refusal>) -> Fortified {
        Fortified { refuses, ..self }
    }
    const fn unbounded(self, arg: u32) -> Fortified {
        Fortified {
            unbounded: Some(arg),
            ..self
        }
    }
}

/// glibc 2.36's `__*_chk` functions whose plain function ffisan checks. clang-22 keeps a call to
/// one where the object's size is known but the length is not (`__memcpy_chk(buf, s, n, 16)`),
/// and for the printf family always (their flag argument); other calls become the plain function.
pub const FORTIFIED: &[Fortified] = &[
    // Strings and memory: the destination's length comes last.
    chk("__memcpy_chk", &[Ptr, Ptr, Int, Int], "memcpy", &[0, 1, 2]),
    chk(
        "__memmove_chk",
        &[Ptr, Ptr, Int, Int],
        "memmove",
        &[0, 1, 2],
    ),
    chk(
        "__mempcpy_chk",
        &[Ptr, Ptr, Int, Int],
        "mempcpy",
        &[0, 1, 2],
    ),
    chk("__memset_chk", &[Ptr, Int, Int, Int], "memset", &[0, 1, 2]),
    chk(
        "__explicit_bzero_chk",
        &[Ptr, Int, Int],
        "explicit_bzero",
        &[0, 1],
    ),
    chk("__strcpy_chk", &[Ptr, Ptr, Int], "strcpy", &[0, 1]),
    chk("__stpcpy_chk", &[Ptr, Ptr, Int], "stpcpy", &[0, 1]),
    chk(
        "__strncpy_chk",
        &[Ptr, Ptr, Int, Int],
        "strncpy",
        &[0, 1, 2],
    ),
    chk(
        "__stpncpy_chk",
        &[Ptr, Ptr, Int, Int],
        "stpncpy",
        &[0, 1, 2],
    ),
    chk("__strcat_chk", &[Ptr, Ptr, Int], "strcat", &[0, 1]),
    chk(
        "__strncat_chk",
        &[Ptr, Ptr, Int, Int],
        "strncat",
        &[0, 1, 2],
    ),
    chk("__wcscpy_chk", &[Ptr, Ptr, Int], "wcscpy", &[0, 1]),
    chk("__wcpcpy_chk", &[Ptr, Ptr, Int], "wcpcpy", &[0, 1]),
    chk(
        "__wcsncpy_chk",
        &[Ptr, Ptr, Int, Int],
        "wcsncpy",
        &[0, 1, 2],
    ),
    chk(
        "__wcpncpy_chk",
        &[Ptr, Ptr, Int, Int],
        "wcpncpy",
        &[0, 1, 2],
    ),
    chk("__wcscat_chk", &[Ptr, Ptr, Int], "wcscat", &[0, 1]),
    chk(
        "__wcsncat_chk",
        &[Ptr, Ptr, Int, Int],
        "wcsncat",
        &[0, 1, 2],
    ),
    chk(
        "__wmemcpy_chk",
        &[Ptr, Ptr, Int, Int],
        "wmemcpy",
        &[0, 1, 2],
    ),
    chk(
        "__wmemmove_chk",
        &[Ptr, Ptr, Int, Int],
        "wmemmove",
        &[0, 1, 2],
    ),
    chk(
        "__wmempcpy_chk",
        &[Ptr, Ptr, Int, Int],
        "wmempcpy",
        &[0, 1, 2],
    ),
    chk(
        "__wmemset_chk",
        &[Ptr, Int, Int, Int],
        "wmemset",
        &[0, 1, 2],
    ),
    // Formatted output: `int flag` before the format; sprintf's kind also the buffer's length.
    chk("__printf_chk", &[Int, Ptr, Variadic], "printf", &[1]),
    chk("__vprintf_chk", &[Int, Ptr, VaList], "vprintf", &[1, 2]),
    chk(
        "__fprintf_chk",
        &[Ptr, Int, Ptr, Variadic],
        "fprintf",
        &[0, 2],
    ),
    chk(
        "__vfprintf_chk",
        &[Ptr, Int, Ptr, VaList],
        "vfprintf",
        &[0, 2, 3],
    ),
    chk(
        "__dprintf_chk",
        &[Int, Int, Ptr, Variadic],
        "dprintf",
        &[0, 2],
    ),
    chk(
        "__vdprintf_chk",
        &[Int, Int, Ptr, VaList],
        "vdprintf",
        &[0, 2, 3],
    ),
    chk(
        "__sprintf_chk",
        &[Ptr, Int, Int, Ptr, Variadic],
        "sprintf",
        &[0, 3],
    )
    .unbounded(2),
    chk(
        "__vsprintf_chk",
        &[Ptr, Int, Int, Ptr, VaList],
        "vsprintf",
        &[0, 3, 4],
    )
    .unbounded(2),
    chk(
        "__snprintf_chk",
        &[Ptr, Int, Int, Int, Ptr, Variadic],
        "snprintf",
        &[0, 1, 4],
    )
    .refusing(refuses(0, 1, 3)),
    chk(
        "__vsnprintf_chk",
        &[Ptr, Int, Int, Int, Ptr, VaList],
        "vsnprintf",
        &[0, 1, 4, 5],
    )
    .refusing(refuses(0, 1, 3)),
    chk(
        "__asprintf_chk",
        &[Ptr, Int, Ptr, Variadic],
        "asprintf",
        &[0, 2],
    ),
    chk(
        "__vasprintf_chk",
        &[Ptr, Int, Ptr, VaList],
        "vasprintf",
        &[0, 2, 3],
    ),
    chk("__wprintf_chk", &[Int, Ptr, Variadic], "wprintf", &[1]),
    chk("__vwprintf_chk", &[Int, Ptr, VaList], "vwprintf", &[1, 2]),
    chk(
        "__fwprintf_chk",
        &[Ptr, Int, Ptr, Variadic],
        "fwprintf",
        &[0, 2],
    ),
    chk(
        "__vfwprintf_chk",
        &[Ptr, Int, Ptr, VaList],
        "vfwprintf",
        &[0, 2, 3],
    ),
    chk(
        "__swprintf_chk",
        &[Ptr, Int, Int, Int, Ptr, Variadic],
        "swprintf",
        &[0, 1, 4],
    )
    .refusing(refuses_wide(0, 1, 3)),
    chk(
        "__vswprintf_chk",
        &[Ptr, Int, Int, Int, Ptr, VaList],
        "vswprintf",
        &[0, 1, 4, 5],
    )
    .refusing(refuses_wide(0, 1, 3)),
    // Streams and descriptors: the buffer's length after the buffer (fgets, fread) or the count.
    chk("__fgets_chk", &[Ptr, Int, Int, Ptr], "fgets", &[0, 2, 3]),
    chk(
        "__fgets_unlocked_chk",
        &[Ptr, Int, Int, Ptr],
        "fgets_unlocked",
        &[0, 2, 3],
    ),
    chk(
        "__fread_chk",
        &[Ptr, Int, Int, Int, Ptr],
        "fread",
        &[0, 2, 3, 4],
    )
    .refusing(FREAD_REFUSAL),
    chk(
        "__fread_unlocked_chk",
        &[Ptr, Int, Int, Int, Ptr],
        "fread_unlocked",
        &[0, 2, 3, 4],
    )
    .refusing(FREAD_REFUSAL),
    chk("__read_chk", &[Int, Ptr, Int, Int], "read", &[0, 1, 2]).refusing(refuses(1, 2, 3)),
    chk(
        "__pread_chk",
        &[Int, Ptr, Int, Int, Int],
        "pread",
        &[0, 1, 2, 3],
    )
    .refusing(refuses(1, 2, 4)),
    chk(
        "__pread64_chk",
        &[Int, Ptr, Int, Int, Int],
        "pread64",
        &[0, 1, 2, 3],
    )
    .refusing(refuses(1, 2, 4)),
    chk(
        "__recv_chk",
        &[Int, Ptr, Int, Int, Int],
        "recv",
        &[0, 1, 2, 4],
    )
    .refusing(refuses(1, 2, 3)),
    chk(
        "__recvfrom_chk",
        &[Int, Ptr, Int, Int, Int, Ptr, Ptr],
        "recvfrom",
        &[0, 1, 2, 4, 5, 6],
    )
    .refusing(refuses(1, 2, 3)),
    // Files.
    chk("__getcwd_chk", &[Ptr, Int, Int], "getcwd", &[0, 1]).refusing(refuses(0, 1, 2)),
    chk("__realpath_chk", &[Ptr, Ptr, Int], "realpath", &[0, 1]),
    chk(
        "__readlink_chk",
        &[Ptr, Ptr, Int, Int],
        "readlink",
        &[0, 1, 2],
    )
    .refusing(refuses(1, 2, 3)),
    chk(
        "__readlinkat_chk",
        &[Int, Ptr, Ptr, Int, Int],
        "readlinkat",
        &[0, 1, 2, 3],
    )
    .refusing(refuses(2, 3, 4)),
    chk(
        "__gethostname_chk",
        &[Ptr, Int, Int],
        "gethostname",
        &[0, 1],
    )
    .refusing(refuses(0, 1, 2)),
    chk(
        "__ttyname_r_chk",
        &[Int, Ptr, Int, Int],
        "ttyname_r",
        &[0, 1, 2],
    )
    .refusing(refuses(1, 2, 3)),
    chk(
        "__ptsname_r_chk",
        &[Int, Ptr, Int, Int],
        "ptsname_r",
        &[0, 1, 2],
    )
    .refusing(refuses(1, 2, 3)),
    chk(
        "__confstr_chk",
        &[Int, Ptr, Int, Int],
        "confstr",
        &[0, 1, 2],
    )
    .refusing(refuses(1, 2, 3)),
    // An `int` count (getgroups' size, fgetws' n) reaches the refusal check zero-extended, so a
    // negative one, which glibc answers with an error, would look huge: no refusal check.
    chk("__getgroups_chk", &[Int, Ptr, Int], "getgroups", &[0, 1]),
    chk("__fgetws_chk", &[Ptr, Int, Int, Ptr], "fgetws", &[0, 2, 3]),
    chk(
        "__fgetws_unlocked_chk",
        &[Ptr, Int, Int, Ptr],
        "fgetws_unlocked",
        &[0, 2, 3],
    ),
    // poll's fds length is in bytes, nfds in `struct pollfd`s.
    chk("__poll_chk", &[Ptr, Int, Int, Int], "poll", &[0, 1, 2]).refusing(POLL_REFUSAL),
    chk(
        "__ppoll_chk",
        &[Ptr, Int, Ptr, Ptr, Int],
        "ppoll",
        &[0, 1, 2, 3],
    )
    .refusing(Some(Refusal {
        limit: 4,
        ..POLL_FDS
    })),
    // Conversions: the destination's length in its own units (wide characters or bytes).
    chk(
        "__mbstowcs_chk",
        &[Ptr, Ptr, Int, Int],
        "mbstowcs",
        &[0, 1, 2],
    )
    .refusing(refuses_wide(0, 2, 3)),
    chk(
        "__wcstombs_chk",
        &[Ptr, Ptr, Int, Int],
        "wcstombs",
        &[0, 1, 2],
    )
    .refusing(refuses(0, 2, 3)),
    chk(
        "__mbsrtowcs_chk",
        &[Ptr, Ptr, Int, Ptr, Int],
        "mbsrtowcs",
        &[0, 1, 2, 3],
    )
    .refusing(refuses_wide(0, 2, 4)),
    chk(
        "__wcsrtombs_chk",
        &[Ptr, Ptr, Int, Ptr, Int],
        "wcsrtombs",
        &[0, 1, 2, 3],
    )
    .refusing(refuses(0, 2, 4)),
    // glibc refuses a buffer shorter than MB_CUR_MAX, a length no argument gives: no refusal check.
    chk(
        "__wcrtomb_chk",
        &[Ptr, Int, Ptr, Int],
        "wcrtomb",
        &[0, 1, 2],
    ),
    chk("__wctomb_chk", &[Ptr, Int, Int], "wctomb", &[0, 1]),
];

/// `__poll_chk(fds, nfds, timeout, fdslen)`: nfds × 8 bytes against fdslen.
const POLL_FDS: Refusal = Refusal {
    ptr: 0,
    count: 1,
    unit: Unit::Bytes(8),
    limit: 3,
    limit_unit: 1,
};
const POLL_REFUSAL: Option<Refusal> = Some(POLL_FDS);

/// `__fread_chk(ptr, ptrlen, size, n, stream)`: size × n bytes against ptrlen.
const FREAD_REFUSAL: Option<Refusal> = Some(Refusal {
    ptr: 0,
    count: 3,
    unit: Unit::Arg(2),
    limit: 1,
    limit_unit: 1,
});

/// The `__*_chk` row for a name.
pub fn find_fortified(name: &str) -> Option<&'static Fortified> {
    if !name.ends_with("_chk") {
        return None;
    }
    FORTIFIED.iter().find(|f| f.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `__ffisan_libc_*` functions the runtime defines (`runtime/src/checks/interceptors`),
    /// read from its sources, where each name appears only where it is defined (by `fn` or by a
    /// macro given the name): the pass must call no hook it lacks, and it should have none the
    /// pass never calls.
    fn runtime_hooks() -> std::collections::BTreeSet<String> {
        const PREFIX: &str = "__ffisan_libc_";
        let dir = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../runtime/src/checks/interceptors"
        );
        let mut hooks = std::collections::BTreeSet::new();
        for entry in std::fs::read_dir(dir).expect("the runtime's interceptors") {
            let source = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            let code = source.lines().filter(|l| !l.trim_start().starts_with("//"));
            for line in code {
                for (i, _) in line.match_indices(PREFIX) {
                    let name = &line[i + PREFIX.len()..];
                    let end = name
                        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                        .unwrap_or(name.len());
                    hooks.insert(name[..end].to_string());
                }
            }
        }
        hooks
    }

    #[test]
    fn the_runtime_defines_every_hook_the_table_calls_and_no_other() {
        let mut called = std::collections::BTreeSet::new();
        for f in LIBC_FUNCTIONS {
            if f.hooks_before() {
                called.insert(f.hook.to_string());
            }
            if f.hooks_after() {
                called.insert(format!("{}_after", f.hook));
            }
        }
        called.insert(crate::contract::LIBC_FORTIFY_REFUSED_HOOK.to_string());
        let defined = runtime_hooks();
        let missing: Vec<_> = called.difference(&defined).collect();
        let unused: Vec<_> = defined.difference(&called).collect();
        assert!(
            missing.is_empty(),
            "called, not in the runtime: {missing:?}"
        );
        assert!(
            unused.is_empty(),
            "in the runtime, never called: {unused:?}"
        );
    }

    /// The contract's names, which a hook's flags index, are this table's, each once.
    #[test]
    fn every_function_has_a_name_in_the_contract() {
        use crate::contract::{libc_function_flags, libc_function_of, LIBC_FUNCTION_NAMES};
        let ours: Vec<&str> = LIBC_FUNCTIONS
            .iter()
            .map(|f| f.name)
            .chain(FORTIFIED.iter().map(|f| f.name))
            .collect();
        for name in &ours {
            assert_eq!(libc_function_of(libc_function_flags(name)), Some(*name));
        }
        for name in LIBC_FUNCTION_NAMES {
            assert!(ours.contains(name), "{name} is in no table");
        }
        assert_eq!(ours.len(), LIBC_FUNCTION_NAMES.len(), "a name twice");
        assert_eq!(libc_function_of(crate::contract::flags::WRITE), None);
    }

    #[test]
    fn names_are_unique_and_variadic_comes_last() {
        for (i, f) in LIBC_FUNCTIONS.iter().enumerate() {
            assert!(
                LIBC_FUNCTIONS[..i].iter().all(|g| g.name != f.name),
                "{}",
                f.name
            );
            let last = f.params.len() - 1;
            assert!(!f.params[..last].contains(&Variadic), "{}", f.name);
        }
    }

    #[test]
    fn each_fortified_variant_passes_its_plain_function_what_it_takes() {
        for chk in FORTIFIED {
            assert!(chk.name.starts_with("__") && chk.name.ends_with("_chk"));
            assert_eq!(find_fortified(chk.name).unwrap().name, chk.name);
            let chk_fixed: Vec<Param> = chk
                .params
                .iter()
                .copied()
                .filter(|p| *p != Variadic)
                .collect();
            let taken: Vec<Param> = chk.args.iter().map(|&i| chk_fixed[i as usize]).collect();
            assert!(
                chk.args.windows(2).all(|w| w[0] < w[1]),
                "{}: arguments in order",
                chk.name
            );
            if let Some(r) = chk.refuses {
                assert_eq!(chk_fixed[r.ptr as usize], Ptr, "{}", chk.name);
                assert_eq!(chk_fixed[r.count as usize], Int, "{}", chk.name);
                assert_eq!(chk_fixed[r.limit as usize], Int, "{}", chk.name);
                if let Unit::Arg(i) = r.unit {
                    assert_eq!(chk_fixed[i as usize], Int, "{}", chk.name);
                }
            }
            if let Some(i) = chk.unbounded {
                assert_eq!(chk_fixed[i as usize], Int, "{}", chk.name);
                assert!(!chk.args.contains(&i), "{}", chk.name);
            }
            let chk_variadic = chk.params.last() == Some(&Variadic);
            // Memory functions are libc_calls.rs's (tested there); the rest are rows here.
            if let Some(plain) = find(chk.plain) {
                let fixed: Vec<Param> = plain
                    .params
                    .iter()
                    .copied()
                    .filter(|p| *p != Variadic)
                    .collect();
                assert_eq!(taken, fixed, "{}", chk.name);
                assert_eq!(
                    chk_variadic,
                    plain.params.last() == Some(&Variadic),
                    "{}",
                    chk.name
                );
            } else {
                assert!(!chk_variadic, "{}", chk.name);
            }
        }
    }

    #[test]
    fn functions_sharing_a_hook_share_its_shape() {
        for f in LIBC_FUNCTIONS {
            let canonical = LIBC_FUNCTIONS.iter().find(|g| g.hook == f.hook).unwrap();
            let as_hook = |p: &&Param| if **p == Variadic { VaList } else { **p };
            let a: Vec<Param> = f.params.iter().map(|p| as_hook(&p)).collect();
            let b: Vec<Param> = canonical.params.iter().map(|p| as_hook(&p)).collect();
            assert_eq!(a, b, "{} and {}", f.name, canonical.name);
            assert_eq!(f.when, canonical.when, "{}", f.name);
        }
    }
}
