//! Global objects with redzones: the descriptors each instrumented module registers from its
//! constructor (`__asan_register_globals`, ASan's layout, which Go's `-asan` runtime passes too),
//! the redzones painted GLOBAL_REDZONE, and which global an address in one belongs to, for a
//! `global-buffer-overflow` report. A module's destructor unregisters its globals (dlclose, exit).

use crate::contract::shadow_value::{ADDRESSABLE, GLOBAL_REDZONE, READONLY};
use crate::contract::GRANULE;
use crate::errors::{FixedStr, RegionInfo, RegionKind};
use crate::shadow::{self, shadow_byte};
use crate::sync::SpinLock;
use core::fmt::Write;
use libc::c_char;

/// ASan's `__asan_global_source_location`.
#[repr(C)]
pub struct SourceLocation {
    filename: *const c_char,
    line: i32,
    column: i32,
}

/// ASan's `__asan_global`: one registered object.
#[repr(C)]
pub struct GlobalDescriptor {
    beg: usize,
    size: usize,
    size_with_redzone: usize,
    name: *const c_char,
    module_name: *const c_char,
    has_dynamic_init: usize,
    location: *const SourceLocation,
    odr_indicator: usize,
}

/// The registered descriptor arrays (address, count): they live in their modules' data until
/// the module unregisters them. Searched only by reports.
static REGISTERED: SpinLock<Vec<(usize, usize)>> = SpinLock::new(Vec::new());

fn descriptors(array: usize, n: usize) -> &'static [GlobalDescriptor] {
    if array == 0 || n == 0 {
        return &[];
    }
    // SAFETY: the module handed us `n` descriptors at `array` and keeps them until it unregisters.
    unsafe { core::slice::from_raw_parts(array as *const GlobalDescriptor, n) }
}

/// Whether a descriptor can be painted: granule-aligned, its redzone after its object.
fn well_formed(g: &GlobalDescriptor) -> bool {
    g.beg.is_multiple_of(GRANULE)
        && g.size_with_redzone.is_multiple_of(GRANULE)
        && g.size <= g.size_with_redzone
        && shadow::covers(g.beg.saturating_add(g.size_with_redzone))
}

/// Paints the redzone after each object, and its partial last granule (READONLY | k inside
/// read-only data, which `paint_readonly` keeps and makes of a plain k when it comes later).
pub fn register(array: usize, n: usize) {
    shadow::ensure_mapped();
    for g in descriptors(array, n).iter().filter(|g| well_formed(g)) {
        let whole = g.size & !(GRANULE - 1);
        let tail = g.size - whole;
        if tail != 0 {
            let readonly = shadow_byte(g.beg + whole) & 0xf0 == READONLY;
            let k = tail as u8 | if readonly { READONLY } else { 0 };
            unsafe { *shadow::shadow_addr(g.beg + whole) = k };
        }
        let object = g.size.next_multiple_of(GRANULE);
        shadow::poison(g.beg + object, g.size_with_redzone - object, GLOBAL_REDZONE);
    }
    REGISTERED.lock().push((array, n));
}

/// Gives the objects and their redzones back the shadow of their module's data: READONLY when
/// the object's first granule says read-only, else addressable.
pub fn unregister(array: usize, n: usize) {
    REGISTERED.lock().retain(|&(a, _)| a != array);
    for g in descriptors(array, n).iter().filter(|g| well_formed(g)) {
        let value = if shadow_byte(g.beg) & 0xf0 == READONLY {
            READONLY
        } else {
            ADDRESSABLE
        };
        shadow::poison(g.beg, g.size_with_redzone, value);
    }
}

fn c_str(p: *const c_char) -> &'static str {
    if p.is_null() {
        return "";
    }
    // SAFETY: the descriptors' strings are NUL-terminated constants of their module.
    super::modules::utf8_prefix(unsafe { core::ffi::CStr::from_ptr(p) }.to_bytes())
}

/// How far `addr` lies outside `g`'s object, if it is in its redzone or at most a redzone's
/// length before it (an underflow landing in the redzone of the global before).
fn distance(g: &GlobalDescriptor, addr: usize) -> Option<usize> {
    let redzone = g.size_with_redzone - g.size;
    if addr >= g.beg + g.size && addr < g.beg + g.size_with_redzone {
        Some(addr - (g.beg + g.size))
    } else if addr < g.beg && g.beg - addr <= redzone.max(64) {
        Some(g.beg - addr)
    } else {
        None
    }
}

/// The registered global an address in a global redzone is about: the nearer of the one whose
/// redzone holds it and the one right after, as `'name' defined in 'file:line'` with the object's
/// bounds. None if no registered global is near.
pub fn describe(addr: usize) -> Option<RegionInfo> {
    let registered = REGISTERED.lock();
    let mut best: Option<(usize, &GlobalDescriptor)> = None;
    for &(array, n) in registered.iter() {
        for g in descriptors(array, n).iter().filter(|g| well_formed(g)) {
            if let Some(d) = distance(g, addr) {
                if best.is_none_or(|(b, _)| d < b) {
                    best = Some((d, g));
                }
            }
        }
    }
    let (_, g) = best?;
    let mut name = FixedStr::new();
    let _ = write!(name, "'{}' defined in '", c_str(g.name));
    // SAFETY: a location, when given, is a constant of the module, like the descriptor.
    match unsafe { g.location.as_ref() } {
        Some(loc) if !loc.filename.is_null() => {
            let _ = write!(name, "{}:{}", c_str(loc.filename), loc.line);
            if loc.column > 0 {
                let _ = write!(name, ":{}", loc.column);
            }
        }
        _ => name.push_str(c_str(g.module_name)),
    }
    name.push_str("'");
    Some(RegionInfo {
        kind: RegionKind::Global,
        lo: g.beg,
        hi: g.beg + g.size,
        name,
    })
}
