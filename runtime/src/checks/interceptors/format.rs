//! Interceptors of the printf and scanf families. printf's are checked before the call: the
//! format, each `%s`/`%ls` argument over what is printed of it (its precision, a `*` one too),
//! each `%n` target; its output buffer after the call, over the length it returned. scanf's
//! outputs are known only after the call: the hook after it checks the targets of the
//! conversions that assigned (its result counts them) — a number's size, a `%Nc`/`%Ns`/`%N[`'s
//! maximum (N, N + 1 characters) as ASan does, an unbounded `%s`/`%[`'s written string and its
//! NUL — and a `%n` only when a later assignment proves it was reached.
//!
//! Every hook gets a `va_list`: the caller's (`vprintf`) or one the pass built over a variadic
//! call's arguments (`printf`), read from a copy (`va_list.rs`).

use super::format_spec::{for_each_directive, Amount, Directive, FormatChar, Grammar, Length};
use super::va_list::{ArgClass, VaArgs, VaListTag};
use super::{bounded_read_size, read, read_string, read_wide, read_wide_string, wide_length};
use super::{length, write, write_wide, WChar};
use libc::{c_char, c_int, c_void, size_t};

/// Positions a format may name and still be checked (glibc allows more; a format that names a
/// later one is checked no further than the arguments before it).
const MAX_POSITIONS: usize = 64;

/// A format's argument values, fetched as `va_arg` fetches them. It lives on the hook's stack
/// (a hook allocates nothing), so the positional table's size does not matter.
#[allow(clippy::large_enum_variant)]
enum Values {
    /// One after another, in the directives' order.
    Sequential(VaArgs),
    /// `%n$` formats: every position's class is learnt from the whole format first, then the
    /// values are fetched in position order, as glibc does; `known` leading ones are usable.
    Positional {
        values: [u64; MAX_POSITIONS],
        known: usize,
    },
}

/// The class of the argument a conversion takes, if it takes one.
fn value_class(d: &Directive, grammar: Grammar) -> Option<ArgClass> {
    if d.conversion == b'%' || (grammar == Grammar::Printf && d.conversion == b'm') {
        return None;
    }
    if grammar == Grammar::Scanf {
        return (!d.suppressed).then_some(ArgClass::Integer); // a pointer
    }
    Some(match d.conversion {
        b'e' | b'E' | b'f' | b'F' | b'g' | b'G' | b'a' | b'A' if d.length == Length::BigL => {
            ArgClass::LongDouble
        }
        b'e' | b'E' | b'f' | b'F' | b'g' | b'G' | b'a' | b'A' => ArgClass::Double,
        _ => ArgClass::Integer,
    })
}

/// The (position, class) pairs a directive takes, in `va_arg` order: `*` width, `*` precision,
/// then the value.
fn arguments(d: &Directive, grammar: Grammar) -> [Option<(u32, ArgClass)>; 3] {
    let star = |a: Amount| match a {
        Amount::Star(p) => Some((p, ArgClass::Integer)),
        _ => None,
    };
    let (width, precision) = match grammar {
        Grammar::Printf => (star(d.width), star(d.precision)),
        Grammar::Scanf => (None, None),
    };
    [
        width,
        precision,
        value_class(d, grammar).map(|c| (d.position, c)),
    ]
}

impl Values {
    unsafe fn new<T: FormatChar>(format: *const T, grammar: Grammar, ap: *const VaListTag) -> Self {
        let mut positional = false;
        for_each_directive(format, grammar, |d| {
            positional = d.is_positional();
            d.conversion == b'%'
        });
        let mut va = VaArgs::copy_of(ap);
        if !positional {
            return Values::Sequential(va);
        }
        let mut classes: [Option<ArgClass>; MAX_POSITIONS] = [None; MAX_POSITIONS];
        let mut consistent = true;
        for_each_directive(format, grammar, |d| {
            for (position, class) in arguments(d, grammar).into_iter().flatten() {
                let slot = (position as usize)
                    .checked_sub(1)
                    .and_then(|i| classes.get_mut(i));
                match slot {
                    Some(c) if c.is_none() || *c == Some(class) => *c = Some(class),
                    // Beyond the table: the positions before it stay usable.
                    None if position as usize > MAX_POSITIONS => {}
                    // A directive without a position, or one position read two ways: glibc's
                    // behaviour is undefined there, so nothing is fetched.
                    _ => consistent = false,
                }
            }
            consistent
        });
        let mut values = [0u64; MAX_POSITIONS];
        let mut known = 0;
        if consistent {
            while let Some(Some(class)) = classes.get(known) {
                values[known] = va.next(*class);
                known += 1;
            }
        }
        Values::Positional { values, known }
    }

    /// The value at `position` (0: the next one); None when it cannot be known.
    unsafe fn get(&mut self, position: u32, class: ArgClass) -> Option<u64> {
        match self {
            Values::Sequential(va) => Some(va.next(class)),
            Values::Positional { values, known } => {
                let i = (position as usize).checked_sub(1)?;
                (i < *known).then(|| values[i])
            }
        }
    }
}

/// Bytes a `%n` of this length modifier stores.
fn count_size(length: Length) -> usize {
    match length {
        Length::Hh => 1,
        Length::H => 2,
        Length::None => 4,
        _ => 8,
    }
}

/// Reads of a printf `%s` (`%ls`) argument: the string and its NUL, or at most `precision`
/// characters of it. With a precision, a wide string printed by a narrow printf is counted only
/// while its characters are ASCII (one byte each, in every locale glibc has): past one that is
/// not, how many bytes it takes depends on the locale, so the check stops before it.
unsafe fn check_printed_string(s: u64, wide: bool, precision: Option<usize>, flags: u32) {
    let s = s as usize;
    if s == 0 {
        return; // glibc prints "(null)"
    }
    match (wide, precision) {
        (false, None) => read_string(s as *const c_char, flags),
        (false, Some(p)) => read(
            s as *const c_char,
            bounded_read_size(s as *const c_char, p),
            flags,
        ),
        (true, None) => read_wide_string(s as *const WChar, flags),
        (true, Some(p)) => {
            let w = s as *const WChar;
            let len = wide_length(w, p);
            let ascii = (0..len)
                .take_while(|&i| (0..0x80).contains(&*w.add(i)))
                .count();
            let count = if ascii == len {
                (len + 1).min(p)
            } else {
                ascii
            };
            read_wide(w, count, flags);
        }
    }
}

/// Checks a printf-family call's format and arguments.
unsafe fn check_printf<T: FormatChar>(format: *const T, ap: *const VaListTag, flags: u32) {
    if format.is_null() || ap.is_null() {
        return;
    }
    check_format_read(format, flags);
    let mut values = Values::new(format, Grammar::Printf, ap);
    for_each_directive(format, Grammar::Printf, |d| {
        let mut precision = None;
        for (i, arg) in arguments(d, Grammar::Printf).into_iter().enumerate() {
            let Some((position, class)) = arg else {
                continue;
            };
            let Some(v) = values.get(position, class) else {
                return false;
            };
            match i {
                1 => precision = Some(v as u32 as c_int),
                2 => check_printf_value(d, v, precision, flags),
                _ => {}
            }
        }
        true
    });
}

unsafe fn check_printf_value(d: &Directive, v: u64, star_precision: Option<c_int>, flags: u32) {
    let precision = match d.precision {
        Amount::Fixed(p) => Some(p as usize),
        // A negative `*` precision is taken as if none were given.
        Amount::Star(_) => star_precision.and_then(|p| usize::try_from(p).ok()),
        Amount::None => None,
    };
    match d.conversion {
        b's' | b'S' => check_printed_string(v, d.is_wide(), precision, flags),
        b'n' if v != 0 => write(v as *const u8, count_size(d.length), flags),
        _ => {}
    }
}

unsafe fn check_format_read<T: FormatChar>(format: *const T, flags: u32) {
    if core::mem::size_of::<T>() == 1 {
        read_string(format as *const c_char, flags);
    } else {
        read_wide_string(format as *const WChar, flags);
    }
}

#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_vprintf(
    format: *const c_char,
    ap: *const VaListTag,
    flags: u32,
) {
    check_printf(format, ap, flags);
}

#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_vfprintf(
    _stream: *mut c_void,
    format: *const c_char,
    ap: *const VaListTag,
    flags: u32,
) {
    check_printf(format, ap, flags);
}

#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_vdprintf(
    _fd: c_int,
    format: *const c_char,
    ap: *const VaListTag,
    flags: u32,
) {
    check_printf(format, ap, flags);
}

#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_vsprintf(
    _buf: *mut c_char,
    format: *const c_char,
    ap: *const VaListTag,
    flags: u32,
) {
    check_printf(format, ap, flags);
}

/// The output of `sprintf`: the characters it returned it wrote, and the NUL.
#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_vsprintf_after(
    written: c_int,
    buf: *mut c_char,
    _format: *const c_char,
    _ap: *const VaListTag,
    flags: u32,
) {
    if let Ok(n) = usize::try_from(written) {
        write(buf, n + 1, flags);
    }
}

#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_vsnprintf(
    _buf: *mut c_char,
    _size: size_t,
    format: *const c_char,
    ap: *const VaListTag,
    flags: u32,
) {
    check_printf(format, ap, flags);
}

/// The output of `snprintf`: what it would have written, cut at `size` (with the NUL).
#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_vsnprintf_after(
    written: c_int,
    buf: *mut c_char,
    size: size_t,
    _format: *const c_char,
    _ap: *const VaListTag,
    flags: u32,
) {
    if let Ok(n) = usize::try_from(written) {
        write(buf, (n + 1).min(size), flags);
    }
}

#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_vasprintf(
    _out: *mut *mut c_char,
    format: *const c_char,
    ap: *const VaListTag,
    flags: u32,
) {
    check_printf(format, ap, flags);
}

/// `asprintf` stores the new string's address through `out` when it succeeds.
#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_vasprintf_after(
    written: c_int,
    out: *mut *mut c_char,
    _format: *const c_char,
    _ap: *const VaListTag,
    flags: u32,
) {
    if written >= 0 {
        write(out, core::mem::size_of::<*mut c_char>(), flags);
    }
}

#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_vwprintf(
    format: *const WChar,
    ap: *const VaListTag,
    flags: u32,
) {
    check_printf(format, ap, flags);
}

#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_vfwprintf(
    _stream: *mut c_void,
    format: *const WChar,
    ap: *const VaListTag,
    flags: u32,
) {
    check_printf(format, ap, flags);
}

#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_vswprintf(
    _buf: *mut WChar,
    _size: size_t,
    format: *const WChar,
    ap: *const VaListTag,
    flags: u32,
) {
    check_printf(format, ap, flags);
}

/// The output of `swprintf`: the wide characters it returned and the NUL; when the output did
/// not fit (-1), glibc has filled all `size` of them.
#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_vswprintf_after(
    written: c_int,
    buf: *mut WChar,
    size: size_t,
    _format: *const WChar,
    _ap: *const VaListTag,
    flags: u32,
) {
    match usize::try_from(written) {
        Ok(n) => write_wide(buf, (n + 1).min(size), flags),
        Err(_) => write_wide(buf, size, flags),
    }
}

/// Bytes a scanf conversion may store through its pointer `target`, after the call. A wide
/// scanf's narrow `%Ns`/`%N[` stores N wide characters as multibyte ones (up to MB_CUR_MAX bytes
/// each): the string it stored is measured instead.
unsafe fn stored_size(d: &Directive, target: usize, wide_format: bool) -> Option<usize> {
    let unit = if d.is_wide() {
        core::mem::size_of::<WChar>()
    } else {
        1
    };
    let width = match d.width {
        Amount::Fixed(w) if w > 0 => Some(w as usize),
        _ => None,
    };
    Some(match d.conversion {
        b'd' | b'i' | b'o' | b'u' | b'x' | b'X' | b'b' | b'n' => count_size(d.length),
        b'e' | b'E' | b'f' | b'F' | b'g' | b'G' | b'a' | b'A' => match d.length {
            Length::None => 4,
            Length::L => 8,
            _ => 10, // an x87 long double store
        },
        b'p' => 8,
        _ if d.allocates => core::mem::size_of::<*mut c_char>(),
        b'c' | b'C' => width.unwrap_or(1) * unit,
        b's' | b'S' | b'[' => match width {
            Some(_) if wide_format && unit == 1 => length(target as *const c_char, usize::MAX) + 1,
            Some(w) => (w + 1) * unit,
            None if unit == 1 => length(target as *const c_char, usize::MAX) + 1,
            None => (wide_length(target as *const WChar, usize::MAX) + 1) * unit,
        },
        _ => return None,
    })
}

/// Checks what a scanf-family call that assigned `assigned` conversions stored.
unsafe fn check_scanf_outputs<T: FormatChar>(
    format: *const T,
    ap: *const VaListTag,
    assigned: c_int,
    flags: u32,
) {
    let wide_format = core::mem::size_of::<T>() == core::mem::size_of::<WChar>();
    let Ok(assigned) = usize::try_from(assigned) else {
        return; // EOF: nothing assigned
    };
    if format.is_null() || ap.is_null() || assigned == 0 {
        return;
    }
    let mut values = Values::new(format, Grammar::Scanf, ap);
    let mut done = 0;
    for_each_directive(format, Grammar::Scanf, |d| {
        let Some((position, class)) = arguments(d, Grammar::Scanf)[2] else {
            return true; // %% or a suppressed conversion
        };
        let Some(target) = values.get(position, class) else {
            return false;
        };
        // The first `assigned` conversions assigned; a `%n` was reached if one after it did.
        if done >= assigned {
            return false;
        }
        if target != 0 {
            match stored_size(d, target as usize, wide_format) {
                Some(size) => write(target as *const u8, size, flags),
                None => return false,
            }
        }
        if d.conversion != b'n' {
            done += 1;
        }
        true
    });
}

#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_vscanf(
    format: *const c_char,
    _ap: *const VaListTag,
    flags: u32,
) {
    read_string(format, flags);
}

#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_vscanf_after(
    assigned: c_int,
    format: *const c_char,
    ap: *const VaListTag,
    flags: u32,
) {
    check_scanf_outputs(format, ap, assigned, flags);
}

/// `sscanf` reads its whole input first (glibc measures it), then the format.
#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_vsscanf(
    input: *const c_char,
    format: *const c_char,
    _ap: *const VaListTag,
    flags: u32,
) {
    read_string(input, flags);
    read_string(format, flags);
}

#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_vsscanf_after(
    assigned: c_int,
    _input: *const c_char,
    format: *const c_char,
    ap: *const VaListTag,
    flags: u32,
) {
    check_scanf_outputs(format, ap, assigned, flags);
}

#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_vfscanf(
    _stream: *mut c_void,
    format: *const c_char,
    _ap: *const VaListTag,
    flags: u32,
) {
    read_string(format, flags);
}

#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_vfscanf_after(
    assigned: c_int,
    _stream: *mut c_void,
    format: *const c_char,
    ap: *const VaListTag,
    flags: u32,
) {
    check_scanf_outputs(format, ap, assigned, flags);
}

#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_vwscanf(
    format: *const WChar,
    _ap: *const VaListTag,
    flags: u32,
) {
    read_wide_string(format, flags);
}

#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_vwscanf_after(
    assigned: c_int,
    format: *const WChar,
    ap: *const VaListTag,
    flags: u32,
) {
    check_scanf_outputs(format, ap, assigned, flags);
}

/// `swscanf` reads its whole wide input first, as `sscanf` does, then the format.
#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_vswscanf(
    input: *const WChar,
    format: *const WChar,
    _ap: *const VaListTag,
    flags: u32,
) {
    read_wide_string(input, flags);
    read_wide_string(format, flags);
}

#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_vswscanf_after(
    assigned: c_int,
    _input: *const WChar,
    format: *const WChar,
    ap: *const VaListTag,
    flags: u32,
) {
    check_scanf_outputs(format, ap, assigned, flags);
}

#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_vfwscanf(
    _stream: *mut c_void,
    format: *const WChar,
    _ap: *const VaListTag,
    flags: u32,
) {
    read_wide_string(format, flags);
}

#[no_mangle]
pub unsafe extern "C" fn __ffisan_libc_vfwscanf_after(
    assigned: c_int,
    _stream: *mut c_void,
    format: *const WChar,
    ap: *const VaListTag,
    flags: u32,
) {
    check_scanf_outputs(format, ap, assigned, flags);
}
