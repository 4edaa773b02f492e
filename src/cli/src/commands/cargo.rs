//! `ffisan cargo`: any cargo command, with ffisan as rustc wrapper instrumenting the target crates.

use super::cargo_wrappers::{INNER_RUSTC_WRAPPER_ENV, RUSTC_WRAPPER_ENV, RUSTDOC_ENV};
use super::install_links::LINK_NAMES;
use super::rustc::real_rustc;
use super::Verbosity;
use crate::home::{current_executable, Home};
use crate::instrument::{c_compile_flags_unmarked, RUSTC_BOOTSTRAP};
use crate::launch::Launch;
use anyhow::{bail, Context, Result};
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};

pub use super::PassThrough as Args;

/// Subcommands that compile for a target: ffisan adds `--target <host>` so that cargo tells target
/// compiles (instrumented) from build scripts and proc-macros (not), and a separate target dir.
const COMPILING: &[&str] = &[
    "build", "b", "check", "c", "test", "t", "run", "r", "bench", "rustc", "doc", "d", "fix",
    "clippy",
];
/// Subcommands that only need the target dir (so `ffisan cargo clean` cleans ffisan's builds).
const TARGET_DIR_ONLY: &[&str] = &["clean"];

pub fn run(args: &[OsString], verbosity: Verbosity) -> Result<i32> {
    // Fail before cargo starts, not in the first wrapped rustc.
    let home = Home::locate()?;
    let exe = current_executable()?;
    // `cargo +nightly test ...`: the toolchain comes before the subcommand.
    let (toolchain, rest) = match args.first() {
        Some(first) if first.to_string_lossy().starts_with('+') => {
            (Some(first.clone()), &args[1..])
        }
        _ => (None, args),
    };
    let (subcommand, user_args) = match rest.split_first() {
        Some((sub, user_args)) => (Some(sub.clone()), user_args),
        None => (None, rest),
    };
    let sub = subcommand.as_deref().and_then(OsStr::to_str).unwrap_or("");

    let mut launch = Launch::new("cargo");
    launch
        .args(toolchain.iter().cloned())
        .args(subcommand.iter().cloned());
    let compiling = COMPILING.contains(&sub);
    let target = if !compiling {
        None
    } else if user_sets_target(user_args) {
        user_target(user_args)
    } else {
        let host = host_triple(verbosity)?;
        launch.args(["--target".to_string(), host.clone()]);
        Some(host)
    };
    if COMPILING.contains(&sub) || TARGET_DIR_ONLY.contains(&sub) {
        if let Some(dir) = ffisan_target_dir(toolchain.as_ref(), user_args, verbosity) {
            launch.arg("--target-dir").arg(dir);
        }
    }
    launch.args(user_args.iter().cloned());

    launch
        .env("RUSTC_WRAPPER", &exe)
        .env(RUSTC_WRAPPER_ENV, "1");
    if let Some(user_wrapper) = std::env::var_os("RUSTC_WRAPPER").filter(|w| !w.is_empty()) {
        launch.env(INNER_RUSTC_WRAPPER_ENV, user_wrapper);
    }
    let rustdoc = std::env::var_os("RUSTDOC")
        .filter(|r| !r.is_empty())
        .unwrap_or_else(|| "rustdoc".into());
    launch.env("RUSTDOC", &exe).env(RUSTDOC_ENV, rustdoc);
    if std::env::var_os(RUSTC_BOOTSTRAP.0).is_none() {
        launch.env(RUSTC_BOOTSTRAP.0, RUSTC_BOOTSTRAP.1);
    }
    if verbosity.verbose {
        launch.env("FFISAN_VERBOSE", "1");
    }
    if compiling {
        c_compiler_env(&mut launch, &home, &exe, target.as_deref())?;
    }
    launch.exec(verbosity.verbose).context("running cargo")
}

/// C and C++ that build scripts compile for the target (the `cc` crate, `cmake`, `make`) are
/// instrumented too: `CC`/`CXX` become `ffisan-cc`/`ffisan-c++`, which leave build scripts' own
/// host-only C alone. A compiler the user chose (`CC`, `CC_<target>`, `HOST_CC`, ...) stays; the
/// plugin then comes through `CFLAGS`/`CXXFLAGS`, before the user's flags so that theirs win.
fn c_compiler_env(
    launch: &mut Launch,
    home: &Home,
    exe: &Path,
    target: Option<&str>,
) -> Result<()> {
    let drivers = exe.parent().unwrap_or(Path::new("."));
    for (compiler, flags, link) in [
        ("CC", "CFLAGS", "ffisan-cc"),
        ("CXX", "CXXFLAGS", "ffisan-c++"),
    ] {
        if user_sets_tool(compiler, target) {
            let ours = c_compile_flags_unmarked(home)?.join(" ");
            let user = std::env::var(flags).unwrap_or_default();
            launch.env(flags, format!("{ours} {user}").trim_end());
            continue;
        }
        let driver = drivers.join(link);
        debug_assert!(LINK_NAMES.contains(&link));
        if !driver.exists() {
            // Pure Rust builds do not need it: say what is lost instead of failing.
            eprintln!(
                "ffisan: warning: {} is missing, so C that build scripts compile is not \
                 instrumented; create it with `ffisan install-links` (make does)",
                driver.display()
            );
            continue;
        }
        launch.env(compiler, driver);
    }
    Ok(())
}

/// Every name under which the `cc` crate looks for a compiler (`CC_x86_64-unknown-linux-gnu`,
/// `CC_x86_64_unknown_linux_gnu`, `TARGET_CC`, `HOST_CC`, `CC`).
fn user_sets_tool(tool: &str, target: Option<&str>) -> bool {
    let mut names = vec![
        tool.to_string(),
        format!("HOST_{tool}"),
        format!("TARGET_{tool}"),
    ];
    if let Some(target) = target {
        names.push(format!("{tool}_{target}"));
        names.push(format!("{tool}_{}", target.replace(['-', '.'], "_")));
    }
    names
        .iter()
        .any(|name| std::env::var_os(name).is_some_and(|v| !v.is_empty()))
}

/// The target the user chose (the first `--target`, else `CARGO_BUILD_TARGET`).
fn user_target(args: &[OsString]) -> Option<String> {
    option_value(args, "--target")
        .or_else(|| std::env::var_os("CARGO_BUILD_TARGET"))
        .and_then(|t| t.into_string().ok())
}

/// `--target` on the command line, or `CARGO_BUILD_TARGET`, is the user's choice.
fn user_sets_target(args: &[OsString]) -> bool {
    std::env::var_os("CARGO_BUILD_TARGET").is_some() || has_option(args, "--target")
}

fn has_option(args: &[OsString], option: &str) -> bool {
    args.iter()
        .take_while(|a| *a != "--")
        .filter_map(|a| a.to_str())
        .any(|a| {
            a == option
                || a.strip_prefix(option)
                    .is_some_and(|rest| rest.starts_with('='))
        })
}

fn option_value(args: &[OsString], option: &str) -> Option<OsString> {
    let mut iter = args.iter().take_while(|a| *a != "--");
    while let Some(arg) = iter.next() {
        if arg == option {
            return iter.next().cloned();
        }
        if let Some(value) = arg
            .to_str()
            .and_then(|a| a.strip_prefix(option))
            .and_then(|r| r.strip_prefix('='))
        {
            return Some(value.into());
        }
    }
    None
}

/// The host triple, from `rustc -vV`.
fn host_triple(verbosity: Verbosity) -> Result<String> {
    let mut launch = Launch::new(real_rustc());
    launch.arg("-vV");
    let output = launch
        .output(verbosity.verbose)
        .context("asking rustc for the host triple")?;
    if !output.status.success() {
        bail!(
            "`rustc -vV` failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .find_map(|line| line.strip_prefix("host: "))
        .map(|host| host.trim().to_string())
        .context("`rustc -vV` printed no `host:` line")
}

/// `<the workspace's target dir>/ffisan`, so instrumented and plain artifacts never mix (cargo's
/// fingerprints do not see the flags the wrapper adds). The user's own choice of target dir wins.
fn ffisan_target_dir(
    toolchain: Option<&OsString>,
    args: &[OsString],
    verbosity: Verbosity,
) -> Option<PathBuf> {
    let user_set = ["CARGO_TARGET_DIR", "CARGO_BUILD_TARGET_DIR"]
        .iter()
        .any(|v| std::env::var_os(v).is_some());
    if user_set || has_option(args, "--target-dir") {
        return None;
    }
    let mut metadata = Launch::new("cargo");
    metadata
        .args(toolchain.cloned())
        .args(["metadata", "--no-deps", "--format-version", "1"]);
    if let Some(manifest) = option_value(args, "--manifest-path") {
        metadata.arg("--manifest-path").arg(manifest);
    }
    // Without a workspace cargo itself will say what is wrong; ffisan then adds nothing.
    let output = metadata
        .output(verbosity.verbose)
        .ok()
        .filter(|o| o.status.success())?;
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).ok()?;
    let dir = json.get("target_directory")?.as_str()?;
    Some(PathBuf::from(dir).join("ffisan"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(args: &[&str]) -> Vec<OsString> {
        args.iter().map(OsString::from).collect()
    }

    #[test]
    fn options_before_the_double_dash_only() {
        assert!(has_option(&os(&["--target", "x"]), "--target"));
        assert!(has_option(&os(&["--target=x"]), "--target"));
        assert!(!has_option(&os(&["--target-dir", "x"]), "--target"));
        assert!(!has_option(&os(&["--", "--target", "x"]), "--target"));
        assert_eq!(
            option_value(&os(&["--manifest-path", "a/Cargo.toml"]), "--manifest-path"),
            Some("a/Cargo.toml".into())
        );
        assert_eq!(
            option_value(&os(&["--manifest-path=b/Cargo.toml"]), "--manifest-path"),
            Some("b/Cargo.toml".into())
        );
        assert_eq!(
            option_value(&os(&["--", "--manifest-path=c"]), "--manifest-path"),
            None
        );
    }
}
