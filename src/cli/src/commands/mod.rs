//! One module per subcommand, each with its clap `Args` and its `run()`; shared option groups here.

pub mod cargo;
pub mod cargo_wrappers;
pub mod cc;
pub mod doctor;
pub mod go;
pub mod install_links;
pub mod report;
pub mod run;
pub mod rustc;

use clap::Args;
use std::path::PathBuf;

/// `-v`: show what ffisan runs. Give it before a pass-through subcommand (`ffisan -v cc ...`), whose
/// own arguments all belong to the tool; `FFISAN_VERBOSE=1` does the same where ffisan is CC.
#[derive(Args, Clone, Copy, Debug, Default)]
pub struct Verbosity {
    /// Print the exact environment changes and command before running them (also FFISAN_VERBOSE=1)
    #[arg(short, long)]
    pub verbose: bool,
}

impl Verbosity {
    pub fn from_env() -> Verbosity {
        let verbose = std::env::var_os("FFISAN_VERBOSE").is_some_and(|v| !v.is_empty() && v != "0");
        Verbosity { verbose }
    }

    pub fn or(self, other: Verbosity) -> Verbosity {
        Verbosity {
            verbose: self.verbose || other.verbose,
        }
    }
}

/// How findings are summarized (shared by `run` and `report`).
#[derive(Args, Clone, Debug, Default)]
pub struct SummaryOptions {
    /// Show source paths relative to this directory; SARIF's SRCROOT [default: the current directory]
    #[arg(long, value_name = "DIR")]
    pub source_root: Option<PathBuf>,
}

/// The arguments of a pass-through subcommand: everything, including `-`-options, goes to the tool.
#[derive(Args, Clone, Debug)]
pub struct PassThrough {
    /// Arguments for the tool, passed through untouched (options too)
    #[arg(
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "ARGS"
    )]
    pub args: Vec<std::ffi::OsString>,
}
