//! Globals and read-only data of every loaded module, and the classification of non-heap addresses.
//!
//! The module table is filled by `dl_iterate_phdr` at init and after every `dlopen` (interposed),
//! and pruned after `dlclose`. A module's read-only parts (text, rodata, RELRO) are painted
//! READONLY in the shadow so stores to them take the slow path and become `write-to-readonly`
//! (keeping the redzones and partial granules of the globals registered there, `globals.rs`).

// The `unsafe extern "C"` functions here are C entry points (interposed libc functions or hooks the
// pass calls): their safety contract is the C function's own.
#![allow(clippy::missing_safety_doc)]

use crate::errors::{FixedStr, RegionInfo, RegionKind};
use crate::shadow;
use crate::sync::SpinLock;
use core::sync::atomic::{AtomicUsize, Ordering};
use libc::{c_char, c_int, c_void};

const MAX_MODULES: usize = 512;
const MAX_RANGES: usize = 8;

#[derive(Clone, Copy)]
struct Range {
    lo: usize,
    hi: usize,
    kind: RegionKind,
}

#[derive(Clone, Copy)]
struct Module {
    /// The module's program headers: unique among loaded modules.
    key: usize,
    /// The last scan (generation) that saw it loaded.
    seen: usize,
    painted: bool,
    name: FixedStr<128>,
    ranges: [Range; MAX_RANGES],
    nranges: usize,
}

const EMPTY_RANGE: Range = Range {
    lo: 0,
    hi: 0,
    kind: RegionKind::Unknown,
};
const EMPTY_MODULE: Module = Module {
    key: 0,
    seen: 0,
    painted: false,
    name: FixedStr::new(),
    ranges: [EMPTY_RANGE; MAX_RANGES],
    nranges: 0,
};

struct Table {
    modules: [Module; MAX_MODULES],
    count: usize,
}

static MODULES: SpinLock<Table> = SpinLock::new(Table {
    modules: [EMPTY_MODULE; MAX_MODULES],
    count: 0,
});
/// Scan generations, handed out inside `dl_iterate_phdr` (under the loader's lock), so a later
/// generation always saw a later state of the loaded modules.
static GENERATION: AtomicUsize = AtomicUsize::new(0);

struct Scan {
    generation: usize,
}

unsafe extern "C" fn visit_module(
    info: *mut libc::dl_phdr_info,
    _size: usize,
    data: *mut c_void,
) -> c_int {
    let scan = &mut *(data as *mut Scan);
    if scan.generation == 0 {
        scan.generation = GENERATION.fetch_add(1, Ordering::AcqRel) + 1;
    }
    let info = &*info;
    let key = info.dlpi_phdr as usize;
    let mut table = MODULES.lock();
    let count = table.count;
    if let Some(m) = table.modules[..count].iter_mut().find(|m| m.key == key) {
        m.seen = m.seen.max(scan.generation);
        return 0;
    }
    if count == MAX_MODULES {
        return 0;
    }
    let mut m = EMPTY_MODULE;
    m.key = key;
    m.seen = scan.generation;
    module_name(info, &mut m.name);
    let phdrs = core::slice::from_raw_parts(info.dlpi_phdr, info.dlpi_phnum as usize);
    for ph in phdrs {
        let kind = match ph.p_type {
            libc::PT_LOAD if ph.p_flags & libc::PF_W != 0 => RegionKind::Global,
            libc::PT_LOAD | libc::PT_GNU_RELRO => RegionKind::ReadOnly,
            _ => continue,
        };
        if m.nranges < MAX_RANGES && ph.p_memsz != 0 {
            let lo = info.dlpi_addr as usize + ph.p_vaddr as usize;
            m.ranges[m.nranges] = Range {
                lo,
                hi: lo + ph.p_memsz as usize,
                kind,
            };
            m.nranges += 1;
        }
    }
    table.modules[count] = m;
    table.count += 1;
    0
}

fn module_name(info: &libc::dl_phdr_info, name: &mut FixedStr<128>) {
    let raw = if info.dlpi_name.is_null() {
        &[][..]
    } else {
        unsafe { core::ffi::CStr::from_ptr(info.dlpi_name) }.to_bytes()
    };
    if !raw.is_empty() {
        name.push_str(utf8_prefix(raw));
        return;
    }
    // The main executable has no name here.
    let mut buf = [0u8; 128];
    let n = unsafe {
        libc::readlink(
            c"/proc/self/exe".as_ptr(),
            buf.as_mut_ptr().cast(),
            buf.len(),
        )
    };
    name.push_str(if n > 0 {
        utf8_prefix(&buf[..n as usize])
    } else {
        "<main executable>"
    });
}

pub(crate) fn utf8_prefix(bytes: &[u8]) -> &str {
    match core::str::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => core::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or(""),
    }
}

/// Records every loaded module's writable globals and read-only parts (text, rodata, RELRO) and
/// paints the read-only parts READONLY in the shadow. Called at init and after each dlopen; also
/// forgets (and unpaints) modules that are gone.
pub fn scan_modules() {
    shadow::ensure_mapped();
    let mut scan = Scan { generation: 0 };
    unsafe { libc::dl_iterate_phdr(Some(visit_module), (&mut scan as *mut Scan).cast()) };
    if scan.generation == 0 {
        return;
    }
    let mut table = MODULES.lock();
    // Forget modules this scan did not see, unpainting their read-only parts first.
    let mut pruned = false;
    let mut i = 0;
    while i < table.count {
        let m = table.modules[i];
        if m.seen < scan.generation {
            for r in &m.ranges[..m.nranges] {
                shadow::unpaint_module(r.lo, r.hi);
            }
            let last = table.count - 1;
            table.modules[i] = table.modules[last];
            table.count = last;
            pruned = true;
        } else {
            i += 1;
        }
    }
    // Paint the new modules (and every module again after a prune: a new one may reuse the space).
    let count = table.count;
    for m in table.modules[..count].iter_mut() {
        if !m.painted || pruned {
            for r in &m.ranges[..m.nranges] {
                if r.kind == RegionKind::ReadOnly {
                    shadow::paint_readonly(r.lo, r.hi);
                }
            }
            m.painted = true;
        }
    }
}

/// The module range holding `addr`: read-only first (RELRO lies inside the writable segment).
pub fn find_module(addr: usize) -> Option<RegionInfo> {
    let table = MODULES.lock();
    let mut global = None;
    for m in &table.modules[..table.count] {
        for r in &m.ranges[..m.nranges] {
            if addr >= r.lo && addr < r.hi {
                let info = RegionInfo {
                    kind: r.kind,
                    lo: r.lo,
                    hi: r.hi,
                    name: m.name,
                };
                if r.kind == RegionKind::ReadOnly {
                    return Some(info);
                }
                global = Some(info);
            }
        }
    }
    global
}

/// Calls `f` with [lo, hi) of every loaded module's writable globals and the module's name (the
/// leak check's roots). RELRO lies inside the writable segment and is reported with it: it holds
/// pointers too (the GOT, `const` tables of pointers set up by relocation).
pub fn for_each_writable_global(mut f: impl FnMut(usize, usize, &str)) {
    let table = MODULES.lock();
    for m in &table.modules[..table.count] {
        for r in &m.ranges[..m.nranges] {
            if r.kind == RegionKind::Global {
                f(r.lo, r.hi, m.name.as_str());
            }
        }
    }
}

/// What a non-heap address points into: managed region, a thread's stack (real, alternate signal
/// stack or fake frames), a module's global or read-only data, else Unknown. Never allocates.
pub fn describe(addr: usize) -> RegionInfo {
    crate::regions::managed::find(addr)
        .or_else(|| crate::threads::describe_stack(addr))
        .or_else(|| find_module(addr))
        .unwrap_or(RegionInfo {
            kind: RegionKind::Unknown,
            lo: addr,
            hi: addr,
            name: FixedStr::new(),
        })
}

// ---- dlopen/dlclose: rescan after the loader is done.

static REAL_DLOPEN: AtomicUsize = AtomicUsize::new(0);
static REAL_DLCLOSE: AtomicUsize = AtomicUsize::new(0);

#[no_mangle]
pub unsafe extern "C" fn dlopen(file: *const c_char, mode: c_int) -> *mut c_void {
    let real: unsafe extern "C" fn(*const c_char, c_int) -> *mut c_void =
        core::mem::transmute(crate::threads::next_symbol(&REAL_DLOPEN, c"dlopen"));
    let handle = real(file, mode);
    if !handle.is_null() {
        scan_modules();
    }
    handle
}

#[no_mangle]
pub unsafe extern "C" fn dlclose(handle: *mut c_void) -> c_int {
    let real: unsafe extern "C" fn(*mut c_void) -> c_int =
        core::mem::transmute(crate::threads::next_symbol(&REAL_DLCLOSE, c"dlclose"));
    let rc = real(handle);
    if rc == 0 {
        scan_modules(); // forgets the module if it is really gone (no other handle kept it)
    }
    rc
}
