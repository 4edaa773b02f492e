//! What ffisan does when cargo runs it as `RUSTC_WRAPPER` or as `RUSTDOC` under `ffisan cargo`.

use super::Verbosity;
use crate::home::Home;
use crate::instrument::rustdoc_link_flags;
use crate::launch::{which, Launch};
use crate::rustc_args::RustcArgs;
use anyhow::{Context, Result};
use std::ffi::OsString;

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
}

/// Decides whether this process is one of cargo's wrapper calls. Only under `ffisan cargo`, and
/// never when argv[1] is an ffisan subcommand (a build script may run `ffisan cc`); `rustc` as
/// argv[1] is cargo's plain rustc, which the wrapper handles as `ffisan rustc` would.
pub fn mode(argv: &[OsString], subcommands: &[String]) -> Option<Mode> {
    let first = argv.get(1)?.to_str().unwrap_or("");
    if first != "rustc" && subcommands.iter().any(|s| s == first) {
        return None;
    }
    let names_a_program =
        !first.starts_with('-') && !first.ends_with(".rs") && which(first).is_some();
    if std::env::var_os(RUSTC_WRAPPER_ENV).is_some() && names_a_program {
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
