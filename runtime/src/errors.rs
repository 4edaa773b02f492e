//! The error kinds, accesses, domains and regions a finding is made of: small values that allocate nothing.

/// Stable identifiers (SPEC.md), used in the text report, JSON and SARIF.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ErrorKind {
    HeapUseAfterFree,
    DoubleFree,
    InvalidFree,
    WriteToReadonly,
    StackUseAfterReturn,
    CrossDomainAccess,
    HeapBufferOverflow,
    StackBufferOverflow,
    StackBufferUnderflow,
    DynamicStackBufferOverflow,
    GlobalBufferOverflow,
    StackUseAfterScope,
    UseAfterPoison,
    ContainerOverflow,
    AllocDeallocMismatch,
    NewDeleteTypeMismatch,
    MemoryLeak,
    Segv,
    Sigbus,
    Sigfpe,
    /// A deadly SIGABRT (`handle_abort=1`): abort() or a failed assert, with the stack.
    Sigabrt,
    StackOverflow,
}

impl ErrorKind {
    pub const ALL: [ErrorKind; 22] = [
        ErrorKind::HeapUseAfterFree,
        ErrorKind::DoubleFree,
        ErrorKind::InvalidFree,
        ErrorKind::WriteToReadonly,
        ErrorKind::StackUseAfterReturn,
        ErrorKind::CrossDomainAccess,
        ErrorKind::HeapBufferOverflow,
        ErrorKind::StackBufferOverflow,
        ErrorKind::StackBufferUnderflow,
        ErrorKind::DynamicStackBufferOverflow,
        ErrorKind::GlobalBufferOverflow,
        ErrorKind::StackUseAfterScope,
        ErrorKind::UseAfterPoison,
        ErrorKind::ContainerOverflow,
        ErrorKind::AllocDeallocMismatch,
        ErrorKind::NewDeleteTypeMismatch,
        ErrorKind::MemoryLeak,
        ErrorKind::Segv,
        ErrorKind::Sigbus,
        ErrorKind::Sigfpe,
        ErrorKind::Sigabrt,
        ErrorKind::StackOverflow,
    ];

    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::HeapUseAfterFree => "heap-use-after-free",
            ErrorKind::DoubleFree => "double-free",
            ErrorKind::InvalidFree => "invalid-free",
            ErrorKind::WriteToReadonly => "write-to-readonly",
            ErrorKind::StackUseAfterReturn => "stack-use-after-return",
            ErrorKind::CrossDomainAccess => "cross-domain-access",
            ErrorKind::HeapBufferOverflow => "heap-buffer-overflow",
            ErrorKind::StackBufferOverflow => "stack-buffer-overflow",
            ErrorKind::StackBufferUnderflow => "stack-buffer-underflow",
            ErrorKind::DynamicStackBufferOverflow => "dynamic-stack-buffer-overflow",
            ErrorKind::GlobalBufferOverflow => "global-buffer-overflow",
            ErrorKind::StackUseAfterScope => "stack-use-after-scope",
            ErrorKind::UseAfterPoison => "use-after-poison",
            ErrorKind::ContainerOverflow => "container-overflow",
            ErrorKind::AllocDeallocMismatch => "alloc-dealloc-mismatch",
            ErrorKind::NewDeleteTypeMismatch => "new-delete-type-mismatch",
            ErrorKind::MemoryLeak => "memory-leak",
            ErrorKind::Segv => "SEGV",
            ErrorKind::Sigbus => "SIGBUS",
            ErrorKind::Sigfpe => "SIGFPE",
            ErrorKind::Sigabrt => "SIGABRT",
            ErrorKind::StackOverflow => "stack-overflow",
        }
    }

    /// The option that turns this kind off, for kinds a report's HINT line names (as ASan's do).
    pub fn disabled_by(self) -> Option<&'static str> {
        match self {
            ErrorKind::AllocDeallocMismatch => Some("alloc_dealloc_mismatch"),
            ErrorKind::NewDeleteTypeMismatch => Some("new_delete_type_mismatch"),
            ErrorKind::ContainerOverflow => Some("detect_container_overflow"),
            _ => None,
        }
    }

    pub fn from_name(name: &str) -> Option<ErrorKind> {
        ErrorKind::ALL.into_iter().find(|k| k.name() == name)
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Access {
    Read,
    Write,
    Free,
}

impl Access {
    pub fn name(self) -> &'static str {
        match self {
            Access::Read => "read",
            Access::Write => "write",
            Access::Free => "free",
        }
    }
    /// The word the text report uses ("READ of size 4").
    pub fn upper(self) -> &'static str {
        match self {
            Access::Read => "READ",
            Access::Write => "WRITE",
            Access::Free => "FREE",
        }
    }
}

/// The language of the code that made the access (from the check's `flags`), or `c` for the allocator.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Domain {
    C,
    Rust,
    Go,
}

impl Domain {
    pub fn from_flags(flags: u32) -> Domain {
        use crate::contract::flags::*;
        match (flags & DOMAIN_MASK) >> DOMAIN_SHIFT {
            DOMAIN_RUST => Domain::Rust,
            DOMAIN_GO => Domain::Go,
            _ => Domain::C,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Domain::C => "c",
            Domain::Rust => "rust",
            Domain::Go => "go",
        }
    }
}

/// Which family of allocation functions made a chunk, or is ending one: the pairs must match
/// (`alloc-dealloc-mismatch`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum AllocFamily {
    /// malloc, calloc, realloc, the aligned ones; ended by free and realloc.
    Malloc,
    /// Every `operator new` but the array ones; ended by `operator delete`.
    New,
    /// `operator new[]`; ended by `operator delete[]`.
    NewArray,
}

impl AllocFamily {
    /// The allocating side's name, as ASan words it ("malloc", "operator new []").
    pub fn allocator_name(self) -> &'static str {
        match self {
            AllocFamily::Malloc => "malloc",
            AllocFamily::New => "operator new",
            AllocFamily::NewArray => "operator new []",
        }
    }
    /// The deallocating side's name ("free", "operator delete []").
    pub fn deallocator_name(self) -> &'static str {
        match self {
            AllocFamily::Malloc => "free",
            AllocFamily::New => "operator delete",
            AllocFamily::NewArray => "operator delete []",
        }
    }
}

/// What a finding says beyond its kind, address, region and stacks; most kinds say nothing more.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Detail {
    None,
    /// An access a libc hook checked: the function the program called (`printf`,
    /// `__read_chk`), the report's frame #0, as ASan's interceptor frames are.
    LibcCall {
        function: &'static str,
    },
    /// `alloc-dealloc-mismatch`: who made the chunk and who tried to end it.
    Mismatch {
        allocated_by: AllocFamily,
        freed_by: AllocFamily,
    },
    /// `new-delete-type-mismatch`: the size and alignment delete was told (0: not told, or the
    /// default alignment) against the chunk's own.
    TypeMismatch {
        size: usize,
        delete_size: usize,
        alignment: usize,
        delete_alignment: usize,
    },
}

/// What an address points into. `name()` is the word used by `invalid-free` reports, JSON `region`
/// and `ffisan_region_kind`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum RegionKind {
    /// Inside a live C-heap chunk (or its redzone).
    CHeap,
    /// Inside a live C-heap chunk but not at its start (only `invalid-free` uses it).
    HeapInterior,
    /// A freed chunk in quarantine.
    Freed,
    Stack,
    Global,
    ReadOnly,
    Managed,
    Unknown,
}

impl RegionKind {
    pub fn name(self) -> &'static str {
        match self {
            RegionKind::CHeap => "c-heap",
            RegionKind::HeapInterior => "heap-interior",
            RegionKind::Freed => "freed",
            RegionKind::Stack => "stack",
            RegionKind::Global => "global",
            RegionKind::ReadOnly => "read-only",
            RegionKind::Managed => "managed",
            RegionKind::Unknown => "unknown",
        }
    }
}

/// A region an address lies in, as far as the region tables know it: bounds and a printable name
/// (module path, managed region name, "thread T3 stack", ...). Fixed size so reports never allocate.
#[derive(Clone, Copy)]
pub struct RegionInfo {
    pub kind: RegionKind,
    pub lo: usize,
    pub hi: usize,
    pub name: FixedStr<128>,
}

/// The Go heap object a finding in `go-heap` concerns (`regions/lent.rs`): [base, base + size),
/// whether it is lent to a call open on the thread (the access overflowed it), else the call
/// that lent it last (a pc inside its cgo wrapper) and that call's thread.
#[derive(Clone, Copy, Default, Debug)]
pub struct GoObject {
    pub base: usize,
    pub size: usize,
    pub lent_now: bool,
    pub lent_by_pc: usize,
    pub lent_by_thread: u32,
    /// Go's `-asan` runtime poisoned it: the slot of an object the garbage collector freed.
    pub freed_by_gc: bool,
    /// [base, base + size) is the whole span the heap took back, not one object.
    pub whole_span: bool,
}

/// A small string kept inline (truncated when too long).
#[derive(Clone, Copy)]
pub struct FixedStr<const N: usize> {
    len: usize,
    bytes: [u8; N],
}

impl<const N: usize> FixedStr<N> {
    pub const fn new() -> Self {
        FixedStr {
            len: 0,
            bytes: [0; N],
        }
    }
    /// For defaults in `static`s: copies at compile time (truncated when too long).
    pub const fn from_const(s: &str) -> Self {
        let src = s.as_bytes();
        let mut bytes = [0u8; N];
        let mut len = 0;
        while len < src.len() && len < N {
            bytes[len] = src[len];
            len += 1;
        }
        FixedStr { len, bytes }
    }
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
    #[allow(clippy::should_implement_trait)] // infallible, unlike FromStr
    pub fn from_str(s: &str) -> Self {
        let mut f = Self::new();
        f.push_str(s);
        f
    }
    pub fn push_str(&mut self, s: &str) {
        for &b in s.as_bytes() {
            if self.len == N {
                break;
            }
            self.bytes[self.len] = b;
            self.len += 1;
        }
    }
    pub fn as_str(&self) -> &str {
        // Truncation may have split a UTF-8 sequence: keep the longest valid prefix.
        match core::str::from_utf8(&self.bytes[..self.len]) {
            Ok(s) => s,
            Err(e) => core::str::from_utf8(&self.bytes[..e.valid_up_to()]).unwrap_or(""),
        }
    }
}

impl<const N: usize> Default for FixedStr<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> core::fmt::Write for FixedStr<N> {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        self.push_str(s);
        Ok(())
    }
}
