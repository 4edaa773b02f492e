//! ffisan: compiler drivers that build C, C++, Rust and cgo code with the ffisan pass and runtime,
//! a runner for instrumented programs and a reader for their findings.

mod cc_args;
mod commands;
mod ffisan_options;
mod findings;
mod home;
mod instrument;
mod launch;
mod rustc_args;
mod sanitizer_args;

use clap::{CommandFactory, Parser, Subcommand};
use commands::{cargo_wrappers, cc::Language, Verbosity};
use std::ffi::OsString;
use std::path::Path;

/// Find memory errors where native code meets a garbage-collected runtime.
///
/// Build with `ffisan cc`, `ffisan c++`, `ffisan rustc`, `ffisan cargo` or `ffisan go`, run with
/// `ffisan run`, read JSON findings with `ffisan report`. `ffisan doctor` checks the toolchain.
#[derive(Parser)]
#[command(name = "ffisan", version, max_term_width = 100)]
struct Cli {
    #[command(flatten)]
    verbosity: Verbosity,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Compile and link C like clang-22, instrumented: a drop-in CC (a symlink named ffisan-cc acts the same)
    #[command(disable_help_flag = true)]
    Cc(commands::cc::Args),
    /// Compile and link C++ like clang++-22, instrumented: a drop-in CXX (or a symlink named ffisan-c++)
    #[command(name = "c++", disable_help_flag = true)]
    Cxx(commands::cc::Args),
    /// Run rustc with the pass plugin and the runtime (RUSTC_BOOTSTRAP=1 -Z llvm-plugins=...)
    #[command(disable_help_flag = true)]
    Rustc(commands::rustc::Args),
    /// Run a cargo command (build, test, run, ...) with every target crate instrumented
    #[command(disable_help_flag = true)]
    Cargo(commands::cargo::Args),
    /// Run a go command (build, test, run, ...) with cgo's C code and Go's own accesses (-asan)
    /// checked; `ffisan go --c-only ...` checks the C side only
    #[command(disable_help_flag = true)]
    Go(commands::go::Args),
    /// Run an instrumented program, then summarize what it found
    Run(commands::run::Args),
    /// Summarize JSON Lines findings, deduplicated; convert them to JSON or SARIF 2.1.0
    Report(commands::report::Args),
    /// Check the toolchain, the plugin and the runtime; print the fix for each problem
    Doctor(commands::doctor::Args),
    /// Create the ffisan-cc and ffisan-c++ symlinks beside the ffisan executable (make does this)
    #[command(hide = true)]
    InstallLinks(commands::install_links::Args),
}

fn main() {
    let code = match dispatch() {
        Ok(code) => code,
        Err(error) => {
            eprintln!("ffisan: fatal error: {error:#}");
            2
        }
    };
    std::process::exit(code);
}

fn dispatch() -> anyhow::Result<i32> {
    let argv: Vec<OsString> = std::env::args_os().collect();
    let env_verbose = Verbosity::from_env();
    let subcommands: Vec<String> = Cli::command()
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect();
    // Cargo runs ffisan as RUSTC_WRAPPER and RUSTDOC under `ffisan cargo`.
    if let Some(mode) = cargo_wrappers::mode(&argv, &subcommands) {
        return cargo_wrappers::run(mode, &argv[1..], env_verbose);
    }
    // Build systems want CC to be one program: `ffisan-cc` is `ffisan cc`.
    let invoked_as = argv
        .first()
        .and_then(|a| Path::new(a).file_name())
        .map(|n| n.to_string_lossy().into_owned());
    match invoked_as.as_deref() {
        Some("ffisan-cc") => return commands::cc::run(Language::C, &argv[1..], env_verbose),
        Some("ffisan-c++") => return commands::cc::run(Language::Cxx, &argv[1..], env_verbose),
        _ => {}
    }
    let cli = Cli::parse_from(argv);
    let verbose = cli.verbosity.or(env_verbose);
    match cli.command {
        Command::Cc(args) => commands::cc::run(Language::C, &args.args, verbose),
        Command::Cxx(args) => commands::cc::run(Language::Cxx, &args.args, verbose),
        Command::Rustc(args) => commands::rustc::run(&args.args, verbose),
        Command::Cargo(args) => commands::cargo::run(&args.args, verbose),
        Command::Go(args) => commands::go::run(&args.args, verbose),
        Command::Run(args) => commands::run::run(args, verbose),
        Command::Report(args) => commands::report::run(args),
        Command::Doctor(args) => commands::doctor::run(args, verbose),
        Command::InstallLinks(args) => commands::install_links::run(args, verbose),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn passthrough_subcommands_keep_every_argument() {
        let cli =
            Cli::try_parse_from(["ffisan", "cc", "-v", "--help", "-o", "x", "--", "a.c"]).unwrap();
        let Command::Cc(args) = cli.command else {
            panic!("not cc")
        };
        assert_eq!(args.args, ["-v", "--help", "-o", "x", "--", "a.c"]);
        let cli =
            Cli::try_parse_from(["ffisan", "-v", "cargo", "test", "--", "--nocapture"]).unwrap();
        assert!(cli.verbosity.verbose);
        let Command::Cargo(args) = cli.command else {
            panic!("not cargo")
        };
        assert_eq!(args.args, ["test", "--", "--nocapture"]);
    }

    #[test]
    fn run_takes_the_program_after_its_options() {
        let cli = Cli::try_parse_from([
            "ffisan",
            "run",
            "--keep-going",
            "--",
            "./prog",
            "-x",
            "--json",
            "y",
        ])
        .unwrap();
        let Command::Run(args) = cli.command else {
            panic!("not run")
        };
        assert!(args.keep_going);
        assert_eq!(args.command, ["./prog", "-x", "--json", "y"]);
    }
}
