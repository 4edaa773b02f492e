//! What ffisan does when cargo runs it as `RUSTC_WRAPPER` or as `RUSTDOC` under `ffisan cargo`.

use super::cc::Language;
use super::Verbosity;
use crate::home::Home;
use crate::instrument::rustdoc_link_flags;
use crate::launch::{which, Launch};
use crate::rustc_args::RustcArgs;
use anyhow::{Context, Result};
use std::ffi::{OsStr, OsString};
use std::path::Path;

/// Set by `ffisan cargo`: ffisan runs as cargo's rustc wrapper.
pub const RUSTC_WRAPPER_ENV: &str = "FFISAN_CARGO_RUSTC_WRAPPER";
/// The user's own `RUSTC_WRAPPER` (sccache, ...), which ffisan's wrapper runs in turn.
pub const INNER_RUSTC_WRAPPER_ENV: &str = "FFISAN_CARGO_INNER_RUSTC_WRAPPER";
/// Set by `ffisan cargo` to the real rustdoc: ffisan runs as cargo's `RUSTDOC`.
pub const RUSTDOC_ENV: &str = "FFISAN_CARGO_RUSTDOC";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// argv[1] is the rustc (or workspace wrapper) to run.
    RustcWrapper,
    /// argv[1..] are rustdoc's arguments; the value is the real rustdoc.
    Rustdoc(OsString),
    /// ffisan-cc / ffisan-c++ run by a build script (the `cc` crate); argv[1..] are the compiler's.
    CCompiler(Language),
}

/// Decides whether this process is one of cargo's wrapper calls. Only under `ffisan cargo`, and
/// never when argv[1] is an ffisan subcommand (a build script may run `ffisan cc`); `rustc` as
/// argv[1] is cargo's plain rustc, which the wrapper handles as `ffisan rustc` would.
pub fn mode(argv: &[OsString], subcommands: &[String]) -> Option<Mode> {
    let under_cargo = std::env::var_os(RUSTC_WRAPPER_ENV).is_some();
    let invoked_as = argv
        .first()
        .and_then(|a| Path::new(a).file_name())
        .and_then(|n| n.to_str());
    match invoked_as {
        Some("ffisan-cc") if under_cargo => return Some(Mode::CCompiler(Language::C)),
        Some("ffisan-c++") if under_cargo => return Some(Mode::CCompiler(Language::Cxx)),
        // Outside cargo the compiler drivers are main's business, never a wrapper's.
        Some("ffisan-cc" | "ffisan-c++") => return None,
        _ => {}
    }
    let first = argv.get(1)?.to_str().unwrap_or("");
    if first != "rustc" && subcommands.iter().any(|s| s == first) {
        return None;
    }
    let names_a_program =
        !first.starts_with('-') && !first.ends_with(".rs") && which(first).is_some();
    if under_cargo && names_a_program {
        return Some(Mode::RustcWrapper);
    }
    std::env::var_os(RUSTDOC_ENV)
        .filter(|r| !r.is_empty())
        .map(Mode::Rustdoc)
}

pub fn run(mode: Mode, args: &[OsString], verbosity: Verbosity) -> Result<i32> {
    match mode {
        Mode::RustcWrapper => run_rustc_wrapper(args, verbosity),
        Mode::Rustdoc(rustdoc) => run_rustdoc(&rustdoc, args, verbosity),
        Mode::CCompiler(language) => run_c_compiler(language, args, verbosity),
    }
}

/// C for the target is instrumented like `ffisan cc`. C that a build script compiles for a host-only
/// package (a build script's or proc-macro's dependency) is linked into code that runs without the
/// runtime, so it gets the plain compiler.
fn run_c_compiler(language: Language, args: &[OsString], verbosity: Verbosity) -> Result<i32> {
    let out_dir = std::env::var_os("OUT_DIR");
    let target = std::env::var_os("TARGET");
    if !builds_for_the_target(out_dir.as_deref(), target.as_deref()) {
        // The same compiler `ffisan cc` would run, without the plugin.
        let (variable, default) = match language {
            Language::C => ("FFISAN_CC", "clang-22"),
            Language::Cxx => ("FFISAN_CXX", "clang++-22"),
        };
        let compiler = std::env::var(variable)
            .ok()
            .filter(|c| !c.trim().is_empty());
        let mut launch = Launch::from_words(compiler.as_deref().unwrap_or(default));
        launch.args(args.iter().cloned());
        return launch
            .exec(verbosity.verbose)
            .context("running the C compiler for a host-only build script");
    }
    super::cc::run(language, args, verbosity)
}

/// `ffisan cargo` always builds with `--target`, so cargo keeps target packages under
/// `<target-dir>/<triple>/` and host-only ones directly under `<target-dir>/`: a build script's
/// `OUT_DIR` tells which one it serves. Outside a build script (no OUT_DIR) ffisan instruments.
fn builds_for_the_target(out_dir: Option<&OsStr>, target: Option<&OsStr>) -> bool {
    match (out_dir, target) {
        (Some(out_dir), Some(target)) => Path::new(out_dir)
            .components()
            .any(|c| c.as_os_str() == target),
        _ => true,
    }
}

/// `args` = rustc (or the workspace wrapper) and its arguments. Instruments the crates cargo builds
/// for the target; build scripts, proc-macros, their host dependencies and probes pass untouched.
fn run_rustc_wrapper(args: &[OsString], verbosity: Verbosity) -> Result<i32> {
    let (rustc, rustc_args) = args
        .split_first()
        .context("cargo ran the rustc wrapper without a rustc")?;
    let mut launch = match std::env::var_os(INNER_RUSTC_WRAPPER_ENV).filter(|w| !w.is_empty()) {
        Some(inner) => {
            let mut launch = Launch::new(inner);
            launch.arg(rustc.clone());
            launch
        }
        None => Launch::new(rustc.clone()),
    };
    let parsed = RustcArgs::parse(rustc_args);
    if parsed.is_instrumented_by_cargo() {
        let home = Home::locate()?;
        super::rustc::instrument(&mut launch, rustc_args, &parsed, &home)?;
    } else {
        launch.args(rustc_args.iter().cloned());
    }
    let crate_name = parsed.crate_name.as_deref().unwrap_or("a probe");
    launch
        .exec(verbosity.verbose)
        .with_context(|| format!("running rustc for {crate_name}"))
}

/// Doctests link the instrumented rlibs, so they need the runtime.
fn run_rustdoc(rustdoc: &OsString, args: &[OsString], verbosity: Verbosity) -> Result<i32> {
    let mut launch = Launch::new(rustdoc.clone());
    launch.args(args.iter().cloned());
    if args.iter().any(|a| a == "--test") {
        launch.args(rustdoc_link_flags(&Home::locate()?)?);
    }
    launch.exec(verbosity.verbose).context("running rustdoc")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_dir_tells_target_from_host_only_build_scripts() {
        let triple = Some(OsStr::new("x86_64-unknown-linux-gnu"));
        let target_out = "/w/target/ffisan/x86_64-unknown-linux-gnu/debug/build/bzip2-sys-1/out";
        let host_out = "/w/target/ffisan/debug/build/bzip2-sys-2/out";
        assert!(builds_for_the_target(Some(OsStr::new(target_out)), triple));
        assert!(!builds_for_the_target(Some(OsStr::new(host_out)), triple));
        assert!(builds_for_the_target(None, triple));
    }
}
