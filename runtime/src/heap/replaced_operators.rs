//! Whether the program replaced C++'s operator new or delete with its own. A replacement
//! usually calls malloc or free, so its chunks carry malloc's family (or a chunk of ours reaches
//! free): a family mismatch involving a replaced family says nothing about the program's
//! correctness, and is not reported (ASan reports it: a false positive there).

use crate::errors::AllocFamily;
use core::ffi::CStr;
use core::sync::atomic::{AtomicU8, Ordering};

/// Every global name of a family's operators (libstdc++'s set, which this runtime defines too).
const NEW_NAMES: &[&CStr] = &[
    c"_Znwm",
    c"_ZnwmRKSt9nothrow_t",
    c"_ZnwmSt11align_val_t",
    c"_ZnwmSt11align_val_tRKSt9nothrow_t",
    c"_ZdlPv",
    c"_ZdlPvm",
    c"_ZdlPvRKSt9nothrow_t",
    c"_ZdlPvSt11align_val_t",
    c"_ZdlPvmSt11align_val_t",
    c"_ZdlPvSt11align_val_tRKSt9nothrow_t",
];
const NEW_ARRAY_NAMES: &[&CStr] = &[
    c"_Znam",
    c"_ZnamRKSt9nothrow_t",
    c"_ZnamSt11align_val_t",
    c"_ZnamSt11align_val_tRKSt9nothrow_t",
    c"_ZdaPv",
    c"_ZdaPvm",
    c"_ZdaPvRKSt9nothrow_t",
    c"_ZdaPvSt11align_val_t",
    c"_ZdaPvmSt11align_val_t",
    c"_ZdaPvSt11align_val_tRKSt9nothrow_t",
];

const UNKNOWN: u8 = 0;
const OURS: u8 = 1;
const REPLACED: u8 = 2;

static NEW_STATE: AtomicU8 = AtomicU8::new(UNKNOWN);
static NEW_ARRAY_STATE: AtomicU8 = AtomicU8::new(UNKNOWN);

/// Whether some operator of `family` that the program calls is not this runtime's: the first
/// definition the dynamic linker finds for one of its names (the program's own, or a library's
/// loaded before this one) lies outside this library. Asked only when a mismatch is about to be
/// reported; the answer is kept.
pub fn replaced_by_program(family: AllocFamily) -> bool {
    let (state, names) = match family {
        AllocFamily::Malloc => return false,
        AllocFamily::New => (&NEW_STATE, NEW_NAMES),
        AllocFamily::NewArray => (&NEW_ARRAY_STATE, NEW_ARRAY_NAMES),
    };
    let mut known = state.load(Ordering::Acquire);
    if known == UNKNOWN {
        let replaced = names.iter().any(|name| {
            let address = unsafe { libc::dlsym(libc::RTLD_DEFAULT, name.as_ptr()) } as usize;
            address != 0 && !crate::traces::in_runtime(address)
        });
        known = if replaced { REPLACED } else { OURS };
        state.store(known, Ordering::Release);
    }
    known == REPLACED
}
