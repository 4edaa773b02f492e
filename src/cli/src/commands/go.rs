//! `ffisan go`: any go command with cgo's C compiled by clang-22 with the pass and linked with the runtime.

use super::Verbosity;
use crate::home::Home;
use crate::instrument::{c_compile_flags, c_compile_flags_unmarked, c_link_flags};
use crate::launch::{which, Launch};
use anyhow::{Context, Result};
use std::collections::HashMap;
use std::ffi::OsString;
use std::path::Path;

pub use super::PassThrough as Args;

/// Go's own default for CGO_CFLAGS, CGO_CXXFLAGS and CGO_LDFLAGS.
const GO_DEFAULT_FLAGS: &str = "-g -O2";
const GO_FALLBACK: &str = "/usr/local/go/bin/go";

pub fn run(args: &[OsString], verbosity: Verbosity) -> Result<i32> {
    let (side, args) = GoChecks::from_args(args)?;
    let home = Home::locate()?;
    let go = match which("go") {
        Some(go) => go.into_os_string(),
        None if Path::new(GO_FALLBACK).is_file() => GO_FALLBACK.into(),
        None => "go".into(),
    };
    let user = UserSettings::read(&go);
    let mut launch = Launch::new(go);
    // The user's GOFLAGS, from the environment or `go env -w`: ours replaces it, so it carries them.
    let goflags = user.get("GOFLAGS").unwrap_or_default().to_string();
    launch.args(with_debug_info(args, &goflags));
    // Go-side checks: `go build -asan` checks Go's own loads and stores through the sanitizer
    // interface and adds -fsanitize=address to cgo's flags: clang-22 would then run ASan's pass
    // beside ffisan's and link compiler-rt, so cgo's C goes through `ffisan cc`, which turns
    // -fsanitize=address into ffisan's instrumentation and runtime (and passes Go's `$CC --version`
    // check). On by default through GOFLAGS, which every go command that knows -asan applies
    // (build, run, test, install, vet, list...) and a command-line -asan=false overrides.
    if side == GoChecks::COnly && asks_for_go_checks(args, &goflags) {
        anyhow::bail!(
            "--c-only turns Go's own checks off and -asan (GOFLAGS={goflags}) turns them on: give one of them"
        );
    }
    let go_checks = side == GoChecks::BothSides && !turns_go_checks_off(args, &goflags);
    if go_checks && !asks_for_go_checks(args, &goflags) {
        launch.env(
            "GOFLAGS",
            format!("{goflags} -asan").trim_start().to_string(),
        );
    }
    let (cc, cxx) = if go_checks {
        (
            home.dir.join("ffisan-cc").into_os_string(),
            home.dir.join("ffisan-c++").into_os_string(),
        )
    } else {
        ("clang-22".into(), "clang++-22".into())
    };
    for (variable, default, inner) in [("CC", cc, "FFISAN_CC"), ("CXX", cxx, "FFISAN_CXX")] {
        match user.get(variable) {
            None => {
                launch.env(variable, default);
            }
            Some(compiler) if !compiler.contains("clang") => eprintln!(
                "ffisan: warning: {variable}={compiler} does not look like clang: the ffisan pass \
                 plugin loads only into clang-22 (unset {variable} or point it at clang-22)"
            ),
            // Go's -fsanitize=address must reach ffisan cc, which runs the user's clang.
            Some(compiler) if go_checks => {
                launch.env(variable, default);
                launch.env(inner, compiler);
            }
            Some(_) => {} // the user's clang (with its own flags or a ccache prefix) stays
        }
    }
    match user.get("CGO_ENABLED") {
        Some("0") => {
            eprintln!("ffisan: warning: CGO_ENABLED=0 is set: no C code is compiled, so nothing is instrumented")
        }
        Some(_) => {}
        None => {
            launch.env("CGO_ENABLED", "1");
        }
    }
    // Ours first, then the user's (or Go's default): the last -g/-O/-f flag wins in clang, so the
    // user's choices stay in force. The stamp puts the plugin's identity into Go's cache key.
    let plugin_flags = if go_checks {
        // ffisan cc adds them when it compiles; cgo's preprocessing runs (-E) need ffisan.h too.
        go_flags(
            &c_compile_flags(&home)?
                .into_iter()
                .filter(|f| f.starts_with("-isystem"))
                .collect::<Vec<_>>(),
        )
    } else {
        go_flags(&c_compile_flags_unmarked(&home)?)
    };
    let compile = format!("{plugin_flags} -D__FFISAN_STAMP__={}", stamp(&home));
    for variable in ["CGO_CFLAGS", "CGO_CXXFLAGS"] {
        launch.env(variable, format!("{compile} {}", user.flags(variable)));
    }
    // Libraries go last on a link line.
    let link = go_flags(&c_link_flags(&home)?);
    launch.env(
        "CGO_LDFLAGS",
        format!("{} {link}", user.flags("CGO_LDFLAGS")),
    );
    launch.exec(verbosity.verbose).context("running go")
}

/// Which sides of a cgo program `ffisan go` checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum GoChecks {
    /// C's accesses and Go's own (`-asan`): the default.
    BothSides,
    /// `ffisan go --c-only ...`: C's accesses only, Go built as plain `go` builds it.
    COnly,
}

impl GoChecks {
    /// ffisan's own options come before the go command: `ffisan go --c-only test ./...`.
    fn from_args(args: &[OsString]) -> Result<(GoChecks, &[OsString])> {
        let (side, rest) = match args.first().and_then(|a| a.to_str()) {
            Some("--c-only") => (GoChecks::COnly, &args[1..]),
            _ => (GoChecks::BothSides, args),
        };
        if rest.is_empty() {
            anyhow::bail!(
                "ffisan go needs a go command, as in `ffisan go build .` or `ffisan go --c-only test ./...`"
            );
        }
        let mut go_words = rest
            .iter()
            .take_while(|a| *a != "--" && *a != "-args" && *a != "--args");
        if go_words.any(|a| a == "--c-only") {
            anyhow::bail!(
                "--c-only is ffisan's option and goes right after `go`: `ffisan go --c-only {} ...`",
                rest[0].to_string_lossy()
            );
        }
        if side == GoChecks::COnly && asks_for_go_checks(rest, "") {
            anyhow::bail!(
                "--c-only turns Go's own checks off and -asan turns them on: give one of them"
            );
        }
        Ok((side, rest))
    }
}

fn asan_value(a: &str) -> Option<bool> {
    match a.trim_start_matches('-') {
        "asan" | "asan=true" => Some(true),
        "asan=false" => Some(false),
        _ => None,
    }
}

/// The go command's last word on -asan: its command line after GOFLAGS (Go's own order), the
/// command line stopping at a test binary's arguments.
fn asan_setting(args: &[OsString], goflags: &str) -> Option<bool> {
    let command_line = args
        .iter()
        .take_while(|a| *a != "--" && *a != "-args" && *a != "--args")
        .filter_map(|a| a.to_str())
        .filter(|a| a.starts_with('-'));
    goflags
        .split_whitespace()
        .chain(command_line)
        .filter_map(asan_value)
        .last()
}

/// Whether the go command was asked for `-asan` (on its command line or in GOFLAGS).
fn asks_for_go_checks(args: &[OsString], goflags: &str) -> bool {
    asan_setting(args, goflags) == Some(true)
}

/// Whether the user said `-asan=false`.
fn turns_go_checks_off(args: &[OsString], goflags: &str) -> bool {
    asan_setting(args, goflags) == Some(false)
}

/// The settings of the user's that ffisan adds to: from the environment or from `go env -w`
/// (Go's own config file, which an environment variable set by ffisan would otherwise hide).
struct UserSettings {
    changed: HashMap<String, String>,
}

const SETTINGS: [&str; 7] = [
    "GOFLAGS",
    "CC",
    "CXX",
    "CGO_ENABLED",
    "CGO_CFLAGS",
    "CGO_CXXFLAGS",
    "CGO_LDFLAGS",
];

impl UserSettings {
    fn read(go: &OsString) -> UserSettings {
        // `go env -changed` (Go 1.23+) lists what differs from Go's defaults, wherever it was set.
        let from_go = Launch::new(go.clone())
            .args(["env", "-changed", "-json"])
            .output(false)
            .ok()
            .filter(|out| out.status.success())
            .and_then(|out| serde_json::from_slice::<HashMap<String, String>>(&out.stdout).ok());
        let changed = match from_go {
            Some(all) => all
                .into_iter()
                .filter(|(key, _)| SETTINGS.contains(&key.as_str()))
                .collect(),
            None => SETTINGS
                .iter()
                .filter_map(|key| Some((key.to_string(), std::env::var(key).ok()?)))
                .collect(),
        };
        UserSettings { changed }
    }

    fn get(&self, variable: &str) -> Option<&str> {
        self.changed
            .get(variable)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
    }

    fn flags(&self, variable: &str) -> String {
        self.get(variable).unwrap_or(GO_DEFAULT_FLAGS).to_string()
    }
}

/// `go run` and `go test` link with `-s -w` (no symbols, no DWARF), which would leave every C frame
/// of a report unnamed. Unless the user chose linker flags, ask the linker to keep both.
/// `goflags` is the user's GOFLAGS, which may set -ldflags too.
fn with_debug_info(args: &[OsString], goflags: &str) -> Vec<OsString> {
    let mut args = args.to_vec();
    // `go -C dir <command>`: the command follows the directory.
    let command_at = match args.first().and_then(|a| a.to_str()) {
        Some("-C") | Some("--C") => 2,
        Some(a) if a.starts_with("-C=") || a.starts_with("--C=") => 1,
        _ => 0,
    };
    let strips = matches!(
        args.get(command_at).and_then(|a| a.to_str()),
        Some("run") | Some("test")
    );
    let sets_ldflags = |arg: &OsString| {
        let arg = arg.to_string_lossy();
        let name = arg.trim_start_matches('-').split('=').next().unwrap_or("");
        arg.starts_with('-') && name == "ldflags"
    };
    let user_ldflags = args[command_at.min(args.len())..]
        .iter()
        .take_while(|a| *a != "--" && *a != "-args" && *a != "--args")
        .any(sets_ldflags)
        || goflags.contains("-ldflags");
    if strips && !user_ldflags {
        args.insert(command_at + 1, KEEP_DEBUG_INFO.into());
    }
    args
}

/// Go's linker flags are booleans: later `=false` values undo Go's own `-s -w`.
const KEEP_DEBUG_INFO: &str = "-ldflags=-s=false -w=false";

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

    fn strings(words: &[&str]) -> Vec<OsString> {
        words.iter().map(OsString::from).collect()
    }

    #[test]
    fn run_and_test_keep_debug_info_unless_the_user_sets_ldflags() {
        assert_eq!(
            with_debug_info(&strings(&["test", "-run", "X", "./..."]), ""),
            strings(&["test", KEEP_DEBUG_INFO, "-run", "X", "./..."])
        );
        assert_eq!(
            with_debug_info(&strings(&["-C", "dir", "run", "."]), ""),
            strings(&["-C", "dir", "run", KEEP_DEBUG_INFO, "."])
        );
        let own = strings(&["test", "-ldflags=-X main.v=1", "./..."]);
        assert_eq!(with_debug_info(&own, ""), own);
        let own = strings(&["run", "--ldflags", "-s", "."]);
        assert_eq!(with_debug_info(&own, ""), own);
        // build and vet keep what Go does; a test binary's -args are not go flags.
        let build = strings(&["build", "-o", "x", "."]);
        assert_eq!(with_debug_info(&build, ""), build);
        let run = strings(&["run", "."]);
        assert_eq!(with_debug_info(&run, "-ldflags=-s"), run);
        assert_eq!(
            with_debug_info(&strings(&["test", ".", "-args", "-ldflags"]), ""),
            strings(&["test", KEEP_DEBUG_INFO, ".", "-args", "-ldflags"])
        );
    }

    #[test]
    fn asan_on_the_command_line_or_in_goflags() {
        assert!(asks_for_go_checks(&strings(&["build", "-asan", "."]), ""));
        assert!(asks_for_go_checks(
            &strings(&["run", "."]),
            "-mod=mod -asan"
        ));
        assert!(!asks_for_go_checks(&strings(&["build", "-asan=false"]), ""));
        assert!(!asks_for_go_checks(&strings(&["build", "."]), ""));
    }

    #[test]
    fn go_checks_are_the_default_and_c_only_comes_first() {
        let args = strings(&["build", "."]);
        let (side, rest) = GoChecks::from_args(&args).unwrap();
        assert_eq!((side, rest), (GoChecks::BothSides, &args[..]));
        let args = strings(&["--c-only", "test", "./..."]);
        let (side, rest) = GoChecks::from_args(&args).unwrap();
        assert_eq!((side, rest), (GoChecks::COnly, &args[1..]));
        assert!(GoChecks::from_args(&strings(&[])).is_err());
        assert!(GoChecks::from_args(&strings(&["--c-only"])).is_err());
        assert!(GoChecks::from_args(&strings(&["build", "--c-only", "."])).is_err());
        assert!(GoChecks::from_args(&strings(&["test", ".", "-args", "--c-only"])).is_ok());
        assert!(GoChecks::from_args(&strings(&["--c-only", "build", "-asan", "."])).is_err());
        assert!(turns_go_checks_off(
            &strings(&["build", "-asan=false", "."]),
            "-asan"
        ));
        assert!(!turns_go_checks_off(
            &strings(&["build", "-asan", "."]),
            "-asan=false"
        ));
        assert!(!turns_go_checks_off(
            &strings(&["test", ".", "-args", "-asan=false"]),
            ""
        ));
    }

    #[test]
    fn flags_with_spaces_are_quoted_for_go() {
        let flags = vec!["-L/a b".to_string(), "-lx".to_string()];
        assert_eq!(go_flags(&flags), "'-L/a b' -lx");
    }
}
