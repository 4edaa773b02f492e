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
    // Streams and file descriptors (checks/interceptors/io.rs).
    stream("puts", &[Ptr], Before),
    stream("fputs", &[Ptr, Ptr], Before),
    stream("fgets", &[Ptr, Int, Ptr], After),
    stream("fread", &[Ptr, Int, Int, Ptr], After),
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
];

/// The row for a libc function's name.
pub fn find(name: &str) -> Option<&'static LibcFunction> {
    LIBC_FUNCTIONS.iter().find(|f| f.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::{LIBC_HOOKS_AFTER, LIBC_HOOKS_BEFORE};

    #[test]
    fn every_hook_is_in_the_contract_and_every_contract_hook_is_used() {
        for f in LIBC_FUNCTIONS {
            if f.hooks_before() {
                assert!(LIBC_HOOKS_BEFORE.contains(&f.hook), "{} before", f.name);
            }
            if f.hooks_after() {
                assert!(LIBC_HOOKS_AFTER.contains(&f.hook), "{} after", f.name);
            }
        }
        for hook in LIBC_HOOKS_BEFORE {
            assert!(
                LIBC_FUNCTIONS
                    .iter()
                    .any(|f| f.hook == *hook && f.hooks_before()),
                "{hook}"
            );
        }
        for hook in LIBC_HOOKS_AFTER {
            assert!(
                LIBC_FUNCTIONS
                    .iter()
                    .any(|f| f.hook == *hook && f.hooks_after()),
                "{hook}"
            );
        }
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
