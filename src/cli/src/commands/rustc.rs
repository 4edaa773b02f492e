//! `ffisan rustc`: rustc with the pass plugin (through `RUSTC_BOOTSTRAP=1 -Z llvm-plugins`) and the runtime.

use super::Verbosity;
use crate::home::Home;
use crate::instrument::{rustc_compile_flags, rustc_link_flags, RUSTC_BOOTSTRAP};
use crate::launch::Launch;
use crate::rustc_args::RustcArgs;
use anyhow::{Context, Result};
use std::ffi::OsString;

pub use super::PassThrough as Args;

/// The rustc to run: `$RUSTC` when the user set it.
pub fn real_rustc() -> OsString {
    std::env::var_os("RUSTC")
        .filter(|r| !r.is_empty())
        .unwrap_or_else(|| "rustc".into())
}

pub fn run(args: &[OsString], verbosity: Verbosity) -> Result<i32> {
    let mut launch = Launch::new(real_rustc());
    // A proc-macro is loaded into rustc itself and a probe builds nothing: leave them alone.
    let parsed = RustcArgs::parse(args);
    if parsed.is_probe() || parsed.is_proc_macro() {
        launch.args(args.iter().cloned());
    } else {
        instrument(&mut launch, args, &parsed, &Home::locate()?)?;
    }
    launch
        .exec(verbosity.verbose)
        .context("running rustc (set RUSTC to use another one)")
}

/// `args` with the plugin flags before them and the runtime link flags after them.
pub fn instrument(
    launch: &mut Launch,
    args: &[OsString],
    parsed: &RustcArgs,
    home: &Home,
) -> Result<()> {
    // `-Z` needs a nightly rustc or RUSTC_BOOTSTRAP; a value the user set stays.
    if std::env::var_os(RUSTC_BOOTSTRAP.0).is_none() {
        launch.env(RUSTC_BOOTSTRAP.0, RUSTC_BOOTSTRAP.1);
    }
    launch.args(rustc_compile_flags(home, parsed)?);
    launch.args(args.iter().cloned());
    launch.args(rustc_link_flags(home)?);
    Ok(())
}
