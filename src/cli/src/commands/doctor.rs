//! `ffisan doctor`: checks the toolchain, the plugin and the runtime, and prints the fix for each problem.

use super::Verbosity;
use crate::home::{candidate_places, Home, PLUGIN_FILE, RUNTIME_FILE};
use crate::instrument::{c_compile_flags, c_link_flags};
use crate::launch::{which, Launch};
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub verbosity: Verbosity,
}

/// The LLVM major version the pass plugin is built against (clang-22, rustc's LLVM 22.1).
const LLVM_MAJOR: u32 = 22;
const APT_LLVM: &str = "apt-get install clang-22 llvm-22 llvm-22-dev lld-22 libclang-rt-22-dev";

/// The command that rebuilds the plugin and runtime: `make -C <tree>` when ffisan runs from its own
/// source tree's `target/release`.
fn rebuild_command() -> String {
    let tree = crate::home::executable_dir()
        .ok()
        .and_then(|dir| dir.ancestors().nth(2).map(Path::to_path_buf));
    match tree.filter(|t| t.join("Makefile").is_file() && t.join("Cargo.toml").is_file()) {
        Some(tree) => format!("make -C {}", tree.display()),
        None => "make (in the ffisan source tree)".to_string(),
    }
}

/// `Ok(detail)` or `Err((problem, fix))`.
type Outcome = std::result::Result<String, (String, String)>;

struct Check {
    name: &'static str,
    outcome: Outcome,
}

pub fn run(args: Args, verbosity: Verbosity) -> Result<i32> {
    let verbose = verbosity.or(args.verbosity).verbose;
    let home = Home::locate();
    let mut checks = vec![
        Check {
            name: "clang-22",
            outcome: tool_version("clang-22", &["--version"], APT_LLVM, verbose),
        },
        Check {
            name: "clang++-22",
            outcome: tool_version("clang++-22", &["--version"], APT_LLVM, verbose),
        },
        Check {
            name: "opt-22",
            outcome: llvm_tool("opt", verbose),
        },
        Check {
            name: "llvm-config-22",
            outcome: tool_version("llvm-config-22", &["--version"], APT_LLVM, verbose),
        },
        Check {
            name: "llvm-symbolizer",
            outcome: llvm_tool("llvm-symbolizer", verbose),
        },
        Check {
            name: "rustc (LLVM 22)",
            outcome: rustc_llvm(verbose),
        },
        Check {
            name: "go",
            outcome: go_version(verbose),
        },
        Check {
            name: PLUGIN_FILE,
            outcome: ffisan_file(PLUGIN_FILE),
        },
        Check {
            name: RUNTIME_FILE,
            outcome: ffisan_file(RUNTIME_FILE),
        },
    ];
    if let Ok(home) = &home {
        let scratch = Scratch::new()?;
        let compiled = plugin_loads(home, &scratch, verbose);
        let linked_and_ran = match compiled {
            Ok(_) => program_runs(home, &scratch, verbose),
            Err(_) => Err((
                "skipped: the plugin did not load".to_string(),
                rebuild_command(),
            )),
        };
        checks.push(Check {
            name: "plugin loads into clang-22",
            outcome: compiled,
        });
        checks.push(Check {
            name: "instrumented program links and runs",
            outcome: linked_and_ran,
        });
    }
    checks.push(Check {
        name: "ffisan-cc/ffisan-c++ links",
        outcome: symlinks(),
    });

    let mut problems = 0;
    for check in &checks {
        match &check.outcome {
            Ok(detail) => println!("ok       {}: {detail}", check.name),
            Err((problem, fix)) => {
                problems += 1;
                println!("problem  {}: {problem}; fix: {fix}", check.name);
            }
        }
    }
    if problems > 0 {
        println!(
            "{problems} problem{} found",
            if problems == 1 { "" } else { "s" }
        );
    }
    Ok(if problems == 0 { 0 } else { 1 })
}

/// Runs `program args` and returns the first line of its output.
fn tool_version(program: &str, args: &[&str], fix: &str, verbose: bool) -> Outcome {
    let Some(path) = which(program) else {
        return Err((format!("`{program}` is not on PATH"), fix.to_string()));
    };
    first_line_of(&path, args, fix, verbose)
}

fn first_line_of(path: &Path, args: &[&str], fix: &str, verbose: bool) -> Outcome {
    let mut launch = Launch::new(path);
    launch.args(args.iter().copied());
    match launch.output(verbose) {
        Ok(out) if out.status.success() => {
            let text = String::from_utf8_lossy(&out.stdout);
            Ok(text
                .lines()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("")
                .trim()
                .to_string())
        }
        Ok(out) => Err((
            format!(
                "`{}` failed: {}",
                path.display(),
                first_stderr_line(&out.stderr)
            ),
            fix.to_string(),
        )),
        Err(error) => Err((format!("{error:#}"), fix.to_string())),
    }
}

/// `opt-22` or `/usr/lib/llvm-22/bin/opt`, and the same for the symbolizer.
fn llvm_tool(name: &str, verbose: bool) -> Outcome {
    let versioned = format!("{name}-{LLVM_MAJOR}");
    let in_llvm_dir = PathBuf::from(format!("/usr/lib/llvm-{LLVM_MAJOR}/bin/{name}"));
    let path = which(&versioned).or_else(|| in_llvm_dir.is_file().then_some(in_llvm_dir));
    match path {
        Some(path) => first_line_of(&path, &["--version"], APT_LLVM, verbose)
            .map(|version| format!("{} ({})", path.display(), version)),
        None => Err((
            format!("neither `{versioned}` nor /usr/lib/llvm-{LLVM_MAJOR}/bin/{name} exists"),
            APT_LLVM.to_string(),
        )),
    }
}

fn rustc_llvm(verbose: bool) -> Outcome {
    let fix = "rustup update stable (rustc 1.95 or newer uses LLVM 22)".to_string();
    let rustc = super::rustc::real_rustc();
    let mut launch = Launch::new(&rustc);
    launch.arg("-vV");
    let output = match launch.output(verbose) {
        Ok(out) if out.status.success() => String::from_utf8_lossy(&out.stdout).into_owned(),
        Ok(out) => {
            return Err((
                format!("`rustc -vV` failed: {}", first_stderr_line(&out.stderr)),
                fix,
            ))
        }
        Err(error) => return Err((format!("{error:#}"), fix)),
    };
    let release = output
        .lines()
        .find_map(|l| l.strip_prefix("release: "))
        .unwrap_or("?")
        .trim()
        .to_string();
    let llvm = output
        .lines()
        .find_map(|l| l.strip_prefix("LLVM version: "))
        .map(str::trim);
    match llvm {
        Some(version)
            if version
                .split('.')
                .next()
                .and_then(|m| m.parse::<u32>().ok())
                == Some(LLVM_MAJOR) =>
        {
            Ok(format!("rustc {release}, LLVM {version}"))
        }
        Some(version) => Err((
            format!("rustc {release} uses LLVM {version}, the plugin needs LLVM {LLVM_MAJOR}"),
            fix,
        )),
        None => Err((
            format!("rustc {release} does not say its LLVM version"),
            fix,
        )),
    }
}

fn go_version(verbose: bool) -> Outcome {
    let fix = "install Go into /usr/local/go (or put `go` on PATH); needed only for `ffisan go`";
    let go =
        which("go").or_else(|| Some(PathBuf::from("/usr/local/go/bin/go")).filter(|p| p.is_file()));
    match go {
        Some(go) => first_line_of(&go, &["version"], fix, verbose),
        None => Err((
            "`go` is not on PATH and /usr/local/go/bin/go does not exist".to_string(),
            fix.to_string(),
        )),
    }
}

fn ffisan_file(file: &str) -> Outcome {
    let places = match candidate_places() {
        Ok(places) => places,
        Err(error) => return Err((format!("{error:#}"), rebuild_command())),
    };
    let mut looked = Vec::new();
    for (how, dir) in places {
        match dir {
            Some(dir) if dir.join(file).is_file() => {
                return Ok(dir.join(file).display().to_string())
            }
            Some(dir) => looked.push(format!("{} ({how})", dir.display())),
            None => looked.push(format!("{how} (not set)")),
        }
    }
    Err((
        format!("not found in {}", looked.join(" or ")),
        rebuild_command(),
    ))
}

/// A scratch directory for the probe programs, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Result<Scratch> {
        let dir = std::env::temp_dir().join(format!("ffisan-doctor-{}", std::process::id()));
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        std::fs::write(
            dir.join("probe.c"),
            "#include <stdlib.h>\nint main(void) { char *p = malloc(8); p[0] = 1; int r = p[0] - 1; free(p); return r; }\n",
        )
        .context("writing the probe program")?;
        Ok(Scratch(dir))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn plugin_loads(home: &Home, scratch: &Scratch, verbose: bool) -> Outcome {
    let fix = rebuild_command();
    let flags = c_compile_flags(home).map_err(|e| (format!("{e:#}"), fix.clone()))?;
    let mut launch = Launch::new("clang-22");
    launch
        .args(flags)
        .args(["-O1", "-c"])
        .arg(scratch.0.join("probe.c"))
        .arg("-o")
        .arg(scratch.0.join("probe.o"));
    run_quietly(&launch, verbose, &fix)
        .map(|()| format!("compiled a probe with {}", home.plugin().display()))
}

fn program_runs(home: &Home, scratch: &Scratch, verbose: bool) -> Outcome {
    let fix = rebuild_command();
    let flags = c_link_flags(home).map_err(|e| (format!("{e:#}"), fix.clone()))?;
    let exe = scratch.0.join("probe");
    let mut link = Launch::new("clang-22");
    link.arg(scratch.0.join("probe.o"))
        .arg("-o")
        .arg(&exe)
        .args(flags);
    run_quietly(&link, verbose, &fix)?;
    let mut probe = Launch::new(&exe);
    probe.env_remove("FFISAN_OPTIONS");
    run_quietly(&probe, verbose, &fix)
        .map(|()| format!("linked with {} and ran cleanly", home.runtime().display()))
}

fn run_quietly(
    launch: &Launch,
    verbose: bool,
    fix: &str,
) -> std::result::Result<(), (String, String)> {
    match launch.output(verbose) {
        Ok(out) if out.status.success() => Ok(()),
        Ok(out) => Err((
            format!(
                "`{}` failed ({}): {}",
                launch.describe(),
                out.status,
                first_stderr_line(&out.stderr)
            ),
            fix.to_string(),
        )),
        Err(error) => Err((format!("{error:#}"), fix.to_string())),
    }
}

fn symlinks() -> Outcome {
    if super::install_links::links_present() {
        Ok("present beside the ffisan executable".to_string())
    } else {
        Err((
            "missing beside the ffisan executable (cmake and configure want CC to be one program)"
                .to_string(),
            "ffisan install-links".to_string(),
        ))
    }
}

fn first_stderr_line(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    text.lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("(no message)")
        .trim()
        .to_string()
}
