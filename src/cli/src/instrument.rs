//! The flags that instrument a build, in one place: what `cc`, `go`, `rustc` and `cargo` add.

use crate::home::{Home, PLUGIN_FILE, RUNTIME_LIB};
use anyhow::Result;

/// Added to every C/C++ compile (before the user's flags, so a user's `-g`, `-g0` or
/// `-fomit-frame-pointer` still wins: clang keeps the last debug-level flag).
pub fn c_compile_flags(home: &Home) -> Result<Vec<String>> {
    let dir = home.dir_str()?;
    let mut flags = vec![
        format!("-fpass-plugin={dir}/{PLUGIN_FILE}"),
        // Reports need functions, files, lines, columns and inlined frames: line tables carry
        // them all, at a fraction of full debug info's compile time and size.
        "-gline-tables-only".to_string(),
        "-fno-omit-frame-pointer".to_string(),
        // LLVM's instruction-referencing variable-location analysis runs a dataflow over every
        // machine block even when there is no variable to place (line tables only), and the
        // checks multiply the blocks: it was a tenth of `sqlite3.c`'s compile. The older analysis
        // works per variable, so with line tables it costs nothing; the code and the line tables
        // it produces are identical, and a user's `-g` still gets variable locations from it.
        "-mllvm".to_string(),
        "-experimental-debug-variable-locations=false".to_string(),
    ];
    // `#include "ffisan.h"` (the managed-region API) works without a -I of the user's: `make`
    // installs the header beside the runtime. -isystem: the user's own -I directories come first.
    if home.dir.join("include").join("ffisan.h").is_file() {
        flags.push(format!("-isystem{dir}/include"));
    }
    Ok(flags)
}

/// `c_compile_flags` for a compiler ffisan does not drive (`ffisan go`'s C-only mode, a `CC` the
/// user chose under `ffisan cargo`): without the frontend's `-fsanitize=address`
/// (`c_frontend_mark_flags`), which keeps the locals' names, clang discards every IR value's name,
/// and a stack-buffer-overflow report could not name the object (`'buf' (line 4)`).
pub fn c_compile_flags_unmarked(home: &Home) -> Result<Vec<String>> {
    let mut flags = c_compile_flags(home)?;
    flags.push("-fno-discard-value-names".to_string());
    Ok(flags)
}

/// Added by `ffisan cc` after the user's arguments when compiling (so a user's `-fno-sanitize=all`
/// cannot take it back): clang's frontend marks the functions to check `sanitize_address`, leaving out
/// `no_sanitize("address")`, `no_sanitize_address`, `disable_sanitizer_instrumentation` and
/// `-fsanitize-ignorelist` entries, and the optimizer keeps the bugs in marked functions. The pass
/// checks exactly those functions and then keeps clang's own ASan pass from doing anything
/// (`src/pass/src/marks.rs`); `-asan-constructor-kind` tells it that the frontend marked them.
///
/// `links`: the command links too, where `-fsanitize=address` would link compiler-rt's ASan runtime.
/// `-fno-sanitize-link-runtime` stops that, but for every sanitizer; when another one (UBSan) still
/// needs its runtime, clang's driver never sees ffisan's `-fsanitize=address`, only the compiler does.
pub fn c_frontend_mark_flags(links: bool, other_sanitizers: bool) -> Vec<String> {
    let mut flags: Vec<String> = if links && other_sanitizers {
        [
            "-Xclang",
            "-fsanitize=address",
            "-Xclang",
            "-fsanitize-address-use-after-scope",
        ]
        .map(String::from)
        .to_vec()
    } else {
        vec!["-fsanitize=address".to_string()]
    };
    if links && !other_sanitizers {
        flags.push("-fno-sanitize-link-runtime".to_string());
    }
    for option in [
        "-asan-constructor-kind=none",
        "-ignore-redundant-instrumentation",
    ] {
        flags.extend(["-mllvm".to_string(), option.to_string()]);
    }
    flags
}

/// Added to every C/C++ link (after the user's arguments). `--no-as-needed` keeps the runtime even
/// when nothing references it directly: it must load to interpose malloc and free.
pub fn c_link_flags(home: &Home) -> Result<Vec<String>> {
    let dir = home.dir_str()?;
    Ok(vec![
        format!("-L{dir}"),
        "-Wl,--no-as-needed".to_string(),
        format!("-l{RUNTIME_LIB}"),
        "-Wl,--as-needed".to_string(),
        format!("-Wl,-rpath,{dir}"),
    ])
}

/// What rustc needs to run the pass plugin (`-Z` needs nightly or `RUSTC_BOOTSTRAP=1`).
pub const RUSTC_BOOTSTRAP: (&str, &str) = ("RUSTC_BOOTSTRAP", "1");

/// Added to an instrumented rustc compile, before the user's arguments; `user_args` decide whether
/// the frame-pointer and debuginfo defaults are still needed.
pub fn rustc_compile_flags(
    home: &Home,
    user_args: &crate::rustc_args::RustcArgs,
) -> Result<Vec<String>> {
    let dir = home.dir_str()?;
    let mut flags = vec![
        "-Z".to_string(),
        format!("llvm-plugins={dir}/{PLUGIN_FILE}"),
    ];
    if !user_args.sets_codegen_option("force-frame-pointers") {
        flags.extend(["-C".to_string(), "force-frame-pointers=yes".to_string()]);
    }
    if !user_args.sets_debuginfo() {
        flags.extend(["-C".to_string(), "debuginfo=line-tables-only".to_string()]);
    }
    Ok(flags)
}

/// Links the runtime into a Rust binary. `-Z pre-link-arg` puts the runtime first on the linker
/// line: with `-C link-arg` it would come after `-lc`, libc would precede it in DT_NEEDED and
/// glibc's malloc would win symbol lookup over the runtime's. rlibs ignore link arguments.
pub fn rustc_link_flags(home: &Home) -> Result<Vec<String>> {
    let dir = home.dir_str()?;
    let mut flags = Vec::new();
    for pre in [
        format!("-L{dir}"),
        "-Wl,--no-as-needed".to_string(),
        format!("-l{RUNTIME_LIB}"),
    ] {
        flags.extend(["-Z".to_string(), format!("pre-link-arg={pre}")]);
    }
    flags.extend(["-C".to_string(), format!("link-arg=-Wl,-rpath,{dir}")]);
    Ok(flags)
}

/// Links the runtime into doctests, which rustdoc builds from instrumented rlibs.
pub fn rustdoc_link_flags(home: &Home) -> Result<Vec<String>> {
    let mut flags = Vec::new();
    for arg in c_link_flags(home)? {
        flags.extend(["-C".to_string(), format!("link-arg={arg}")]);
    }
    Ok(flags)
}
