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
        kind: "stack-use-after-scope",
        short: "Access to a local variable after its scope ended",
        help: "A pointer to a block-scoped local (or a temporary) was used after the block or full expression that declared it ended. Declare the variable in the scope where the pointer is used.",
    },
    KindInfo {
        kind: "dynamic-stack-buffer-overflow",
        short: "Access outside an alloca or variable-length array",
        help: "The access falls in the redzone around a dynamically sized stack object (alloca, VLA). Check the size it was made with and the index at the reported line.",
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
