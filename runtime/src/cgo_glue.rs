//! Which symbolized frames are cgo's generated glue or Go's runtime: never where a bug is. Shared
//! with the CLI (`ffisan report` locates findings with it), which compiles this very file.

/// The C wrappers (`_cgo_<hash>_Cfunc_*`, in `cgo-gcc-prolog` and `_cgo_export.c`), the Go
/// `_Cfunc_` stubs (`_cgo_gotypes.go`) and `runtime.*` (`asmcgocall`, `cgocall`, `cgocallback`).
pub fn is_cgo_glue(function: &str, file: &str) -> bool {
    function.starts_with("_cgo_")
        || function.starts_with("runtime.")
        || function.contains("._Cfunc_")
        || function.contains("._cgo_")
        || ["cgo-gcc-prolog", "_cgo_export.c", "_cgo_gotypes.go"]
            .iter()
            .any(|glue| file.ends_with(glue))
}
