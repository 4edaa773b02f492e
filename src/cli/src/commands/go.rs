//! `ffisan go`: any go command with cgo's C compiled by clang-22 with the pass and linked with the runtime.

use super::Verbosity;
use crate::home::Home;
use crate::instrument::{c_compile_flags, c_link_flags};
use crate::launch::{which, Launch};
use anyhow::{Context, Result};
use std::ffi::OsString;
use std::path::Path;

pub use super::PassThrough as Args;

/// Go's own default for CGO_CFLAGS, CGO_CXXFLAGS and CGO_LDFLAGS.
const GO_DEFAULT_FLAGS: &str = "-g -O2";
const GO_FALLBACK: &str = "/usr/local/go/bin/go";

pub fn run(args: &[OsString], verbosity: Verbosity) -> Result<i32> {
    let home = Home::locate()?;
    let go = match which("go") {
        Some(go) => go.into_os_string(),
        None if Path::new(GO_FALLBACK).is_file() => GO_FALLBACK.into(),
        None => "go".into(),
    };
    let mut launch = Launch::new(go);
    launch.args(args.iter().cloned());
    for (variable, default) in [("CC", "clang-22"), ("CXX", "clang++-22")] {
        if !is_set(variable) {
            launch.env(variable, default);
        }
    }
    match std::env::var("CGO_ENABLED") {
        Ok(value) if value == "0" => {
            eprintln!("ffisan: warning: CGO_ENABLED=0 is set: no C code is compiled, so nothing is instrumented")
        }
        Ok(_) => {}
        Err(_) => {
            launch.env("CGO_ENABLED", "1");
        }
    }
    // Ours first, then the user's (or Go's default): the last -g/-O/-f flag wins in clang, so the
    // user's choices stay in force. The stamp puts the plugin's identity into Go's cache key.
    let compile = format!(
        "{} -D__FFISAN_STAMP__={}",
        go_flags(&c_compile_flags(&home)?),
        stamp(&home)
    );
    for variable in ["CGO_CFLAGS", "CGO_CXXFLAGS"] {
        launch.env(variable, format!("{compile} {}", user_or_default(variable)));
    }
    // Libraries go last on a link line.
    let link = go_flags(&c_link_flags(&home)?);
    launch.env(
        "CGO_LDFLAGS",
        format!("{} {link}", user_or_default("CGO_LDFLAGS")),
    );
    launch.exec(verbosity.verbose).context("running go")
}

fn is_set(variable: &str) -> bool {
    std::env::var_os(variable).is_some_and(|v| !v.is_empty())
}

fn user_or_default(variable: &str) -> String {
    std::env::var(variable)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| GO_DEFAULT_FLAGS.to_string())
}

/// Joins flags the way Go splits CGO_*FLAGS (quoted fields), quoting those with spaces.
fn go_flags(flags: &[String]) -> String {
    flags
        .iter()
        .map(|f| {
            if f.contains(char::is_whitespace) {
                format!("'{f}'")
            } else {
                f.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Size and modification time of the plugin and runtime: a rebuilt ffisan changes Go's build cache
/// key, so Go does not link objects instrumented by an older plugin.
fn stamp(home: &Home) -> String {
    let mut stamp: u64 = 0xcbf2_9ce4_8422_2325;
    for path in [home.plugin(), home.runtime()] {
        if let Ok(meta) = std::fs::metadata(&path) {
            let modified = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok());
            let nanos = modified.map(|d| d.as_nanos() as u64).unwrap_or_default();
            for word in [meta.len(), nanos] {
                // FNV-1a over the words: stable, no dependency.
                for byte in word.to_le_bytes() {
                    stamp = (stamp ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
                }
            }
        }
    }
    format!("{stamp:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_with_spaces_are_quoted_for_go() {
        let flags = vec!["-L/a b".to_string(), "-lx".to_string()];
        assert_eq!(go_flags(&flags), "'-L/a b' -lx");
    }
}
