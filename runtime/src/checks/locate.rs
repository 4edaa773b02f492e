//! What is at an address: the one place that asks the heap first, then the managed regions, the
//! threads' stacks and the modules (`regions::modules::describe`). Reports and the public API ask here.

use crate::errors::{ErrorKind, FixedStr, RegionInfo, RegionKind};

/// Full classification: a C-heap chunk (live, freed, its interior) first, then everything else.
/// Backs `ffisan_region_kind`.
pub fn classify(addr: usize) -> RegionInfo {
    crate::heap::describe_heap(addr).unwrap_or_else(|| crate::regions::describe(addr))
}

/// Where the address of a finding of `kind` lies, for the report's region line.
pub fn region_of(kind: ErrorKind, addr: usize) -> RegionInfo {
    match kind {
        ErrorKind::HeapUseAfterFree | ErrorKind::UseAfterPoison | ErrorKind::ContainerOverflow => {
            classify(addr)
        }
        // A redzone or never-allocated heap: the nearer chunk on either side, as ASan names it.
        ErrorKind::HeapBufferOverflow => {
            crate::heap::describe_nearest(addr).unwrap_or_else(|| classify(addr))
        }
        ErrorKind::GlobalBufferOverflow => {
            crate::regions::describe_global(addr).unwrap_or_else(|| crate::regions::describe(addr))
        }
        ErrorKind::StackBufferOverflow
        | ErrorKind::StackBufferUnderflow
        | ErrorKind::StackUseAfterScope => crate::threads::describe_stack_object(addr)
            .unwrap_or_else(|| crate::regions::describe(addr)),
        ErrorKind::DynamicStackBufferOverflow => crate::threads::describe_dynamic_alloca(addr)
            .unwrap_or_else(|| crate::regions::describe(addr)),
        ErrorKind::CrossDomainAccess => {
            crate::regions::find_managed(addr).unwrap_or_else(|| crate::regions::describe(addr))
        }
        ErrorKind::StackUseAfterReturn => {
            let mut name = FixedStr::new();
            name.push_str("dead stack frame");
            RegionInfo {
                kind: RegionKind::Stack,
                lo: addr,
                hi: addr,
                name,
            }
        }
        _ => crate::regions::describe(addr),
    }
}
