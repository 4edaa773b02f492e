//! Findings as the runtime writes them (JSON Lines, one object per line), and what ffisan makes of them.

pub mod group;
pub mod reader;
pub mod sarif;
pub mod source_root;
pub mod text;

use serde::{Deserialize, Deserializer, Serialize};

/// The report schema version this ffisan reads.
pub const SCHEMA_VERSION: u64 = 1;

/// One stack frame. Unknown parts are null (function, file) or 0 (line, column).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Frame {
    #[serde(default)]
    pub pc: Option<String>,
    #[serde(default)]
    pub function: Option<String>,
    #[serde(default)]
    pub file: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub line: u32,
    #[serde(default, deserialize_with = "null_as_default")]
    pub column: u32,
    #[serde(default)]
    pub module: Option<String>,
}

/// One finding: one line of the runtime's `json_path` file. Unknown fields are ignored, so newer
/// runtimes can add fields without breaking older readers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub version: u64,
    pub kind: String,
    pub access: String,
    pub size: u64,
    pub address: String,
    #[serde(default)]
    pub pc: Option<String>,
    pub region: String,
    #[serde(default)]
    pub region_name: Option<String>,
    #[serde(default)]
    pub region_lo: Option<String>,
    #[serde(default)]
    pub region_hi: Option<String>,
    pub domain: String,
    pub thread: i64,
    #[serde(default)]
    pub window_open: Option<bool>,
    pub pid: i64,
    pub stack: Vec<Frame>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub alloc_stack: Vec<Frame>,
    #[serde(default)]
    pub alloc_thread: Option<i64>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub free_stack: Vec<Frame>,
    #[serde(default)]
    pub free_thread: Option<i64>,
}

fn null_as_default<'de, D: Deserializer<'de>, T: Default + Deserialize<'de>>(
    d: D,
) -> Result<T, D::Error> {
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// The stable error kinds, with the texts SARIF rules and summaries use.
pub struct KindInfo {
    pub kind: &'static str,
    pub short: &'static str,
    pub help: &'static str,
}

pub const KINDS: &[KindInfo] = &[
    KindInfo {
        kind: "heap-use-after-free",
        short: "Access to a freed C-heap chunk",
        help: "The memory was freed before this access. Find the free in the 'freed by' stack and make sure no pointer to the chunk is used after it.",
    },
    KindInfo {
        kind: "double-free",
        short: "A C-heap chunk was freed twice",
        help: "free or realloc was called on a chunk that is already freed. The first free is in the 'freed by' stack.",
    },
    KindInfo {
        kind: "invalid-free",
        short: "free of a pointer that is not the start of a live C-heap chunk",
        help: "free or realloc got a pointer into the stack, a global, read-only data, the managed (Go) heap or the inside of a chunk. Only pass free what malloc returned.",
    },
    KindInfo {
        kind: "write-to-readonly",
        short: "Store into read-only data",
        help: "The program wrote to a string literal, a const global or other read-only data. Copy the data into writable memory first.",
    },
    KindInfo {
        kind: "stack-use-after-return",
        short: "Access to a stack frame that has returned",
        help: "A pointer to a local variable outlived its function. Allocate the object on the heap or in the caller's frame.",
    },
    KindInfo {
        kind: "cross-domain-access",
        short: "Native code accessed managed-heap memory outside a call window",
        help: "C or Rust code kept a pointer into the garbage-collected heap (for example a Go pointer) and used it after the call returned or from another thread. Copy the data into C memory, or pin it for the duration of the call.",
    },
    KindInfo {
        kind: "heap-buffer-overflow",
        short: "Access beyond the bounds of a C-heap chunk",
        help: "The access falls in the redzone around a heap chunk. Check the size computation and the loop bounds at the reported line.",
    },
    KindInfo {
        kind: "stack-buffer-overflow",
        short: "Access beyond the end of a local variable",
        help: "The access falls in the redzone after a local array or object of the frame. Check the index or length against the variable's size at the reported line.",
    },
    KindInfo {
        kind: "stack-buffer-underflow",
        short: "Access before the start of a local variable",
        help: "The access falls in the redzone before a local array or object of the frame: usually a negative index or a pointer stepped back too far.",
    },
    KindInfo {
        kind: "dynamic-stack-buffer-overflow",
        short: "Access beyond the bounds of an alloca or variable-length array",
        help: "The access falls in the redzone around memory from alloca or a VLA. Check the size it was made with against the index at the reported line.",
    },
    KindInfo {
        kind: "global-buffer-overflow",
        short: "Access beyond the bounds of a global variable",
        help: "The access falls in the redzone after a global or static object. Check the index or length against the object's size at the reported line.",
    },
    KindInfo {
        kind: "stack-use-after-scope",
        short: "Access to a local variable after its scope ended",
        help: "A pointer to a variable declared in an inner block was used after the block was left. Declare the variable in the scope where it is used.",
    },
    KindInfo {
        kind: "use-after-poison",
        short: "Access to memory the program poisoned",
        help: "The program (or its allocator) marked this memory off-limits with __asan_poison_memory_region or ASAN_POISON_MEMORY_REGION. Unpoison it before use, or stop using it.",
    },
    KindInfo {
        kind: "container-overflow",
        short: "Access past the used part of an annotated container",
        help: "The access is inside the container's storage but past its size (for example a std::vector read past size() but within capacity()). Check the index against size(); detect_container_overflow=0 turns the check off.",
    },
    KindInfo {
        kind: "alloc-dealloc-mismatch",
        short: "A C-heap chunk was ended by the wrong family of functions",
        help: "malloc's chunks go to free, new's to delete, new[]'s to delete[]. The report names both sides; the allocation is in the 'allocated by' stack.",
    },
    KindInfo {
        kind: "new-delete-type-mismatch",
        short: "A sized or aligned delete does not fit the object",
        help: "delete was told another size or alignment than the object was made with: usually a derived object deleted through a base pointer whose destructor is not virtual.",
    },
    KindInfo {
        kind: "memory-leak",
        short: "C-heap memory no longer reachable at exit",
        help: "No root (global, thread stack or register, TLS, live Go object) reaches these chunks any more. Free them where the last pointer is dropped, starting with the direct leaks: the indirect ones are reached only through them.",
    },
    KindInfo {
        kind: "SEGV",
        short: "The program died on a segmentation fault",
        help: "A SIGSEGV: an access to unmapped or protected memory (often a null or wild pointer). The report guesses READ or WRITE and gives the faulting address and the stack.",
    },
    KindInfo {
        kind: "SIGBUS",
        short: "The program died on a bus error",
        help: "A SIGBUS: usually an access to a mapped file past its end, or a misaligned access where it faults. See the faulting address and the stack.",
    },
    KindInfo {
        kind: "SIGFPE",
        short: "The program died on an arithmetic exception",
        help: "A SIGFPE: an integer division by zero or an overflowing division (INT_MIN / -1) at the reported line.",
    },
    KindInfo {
        kind: "SIGABRT",
        short: "The program aborted",
        help: "abort() was called, by the program or a failed assert (reported with handle_abort=1). The stack shows who called it.",
    },
    KindInfo {
        kind: "stack-overflow",
        short: "The thread ran out of stack",
        help: "The stack pointer went past the thread's stack: usually unbounded recursion, or a very large local array. The repeated frames show the cycle.",
    },
];

/// The description of a kind; a kind this ffisan does not know gets a generic one.
pub fn kind_info(kind: &str) -> KindInfo {
    KINDS
        .iter()
        .find(|k| k.kind == kind)
        .map(|k| KindInfo {
            kind: k.kind,
            short: k.short,
            help: k.help,
        })
        .unwrap_or(KindInfo {
            kind: "unknown",
            short: "Memory error reported by ffisan",
            help: "See the stack and the ffisan documentation for this kind.",
        })
}

/// `READ of size 4`, `WRITE of size 8`, `free` — as the text report says it.
pub fn describe_access(finding: &Finding) -> String {
    match finding.access.as_str() {
        "free" => "free".to_string(),
        // A leak's size is the bytes of all the chunks its stack allocated.
        "leak" => format!("{} byte(s) leaked", finding.size),
        access => format!("{} of size {}", access.to_uppercase(), finding.size),
    }
}

/// `the C heap (6-byte chunk)`: the region a finding's address belongs to.
pub fn describe_region(finding: &Finding) -> String {
    let region = match finding.region.as_str() {
        "c-heap" => "the C heap",
        "heap-interior" => "the inside of a C-heap chunk",
        "freed" => "a freed C-heap chunk",
        "stack" => "a stack",
        "global" => "a global",
        "read-only" => "read-only data",
        "managed" => "the managed heap",
        "unknown" => "unknown memory",
        other => other,
    };
    match (&finding.region_name, &finding.region_lo, &finding.region_hi) {
        (Some(name), Some(lo), Some(hi)) => format!("{region} ({name} [{lo},{hi}))"),
        (Some(name), _, _) => format!("{region} ({name})"),
        _ => region.to_string(),
    }
}

/// For managed-heap accesses, whether a call window was open (the policy's deciding fact).
pub fn describe_window(finding: &Finding) -> &'static str {
    match (finding.region.as_str(), finding.window_open) {
        ("managed", Some(true)) => ", inside a call window",
        ("managed", Some(false)) => ", no call window open",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every kind the runtime can report (its `ErrorKind::name` table) has a rule of its own.
    #[test]
    fn every_runtime_kind_has_its_own_rule() {
        let errors = include_str!("../../../../runtime/src/errors.rs");
        let runtime_kinds: Vec<&str> = errors
            .lines()
            .filter(|line| line.trim_start().starts_with("ErrorKind::"))
            .filter_map(|line| line.split_once("=> \"")?.1.split_once('"'))
            .map(|(name, _)| name)
            .collect();
        assert!(runtime_kinds.len() >= 22, "{runtime_kinds:?}");
        for kind in runtime_kinds {
            assert_eq!(kind_info(kind).kind, kind, "no SARIF rule for {kind}");
        }
        for (i, info) in KINDS.iter().enumerate() {
            assert!(
                KINDS[..i].iter().all(|k| k.kind != info.kind),
                "{}",
                info.kind
            );
        }
    }
}
