//! `ffisan run`: runs an instrumented program with FFISAN_OPTIONS set up, then summarizes its findings.

use super::{SummaryOptions, Verbosity};
use crate::ffisan_options::{RuntimeOptions, OPTIONS_ENV};
use crate::findings::{group, reader, source_root::SourceRoot, text};
use crate::launch::{exit_code, Launch};
use anyhow::{bail, Context, Result};
use std::ffi::OsString;
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Keep the findings in FILE (JSON Lines, truncated first) [default: a temporary file]
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Report every finding instead of stopping at the first (halt_on_error=0)
    #[arg(long)]
    pub keep_going: bool,
    /// Runtime options for this run, KEY=VALUE (see FFISAN_OPTIONS); win over FFISAN_OPTIONS
    #[arg(long = "options", value_name = "KEY=VALUE", num_args = 1..)]
    pub options: Vec<String>,
    #[command(flatten)]
    pub summary: SummaryOptions,
    #[command(flatten)]
    pub verbosity: Verbosity,
    /// The program and its arguments (put `--` before them)
    #[arg(
        required = true,
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "PROGRAM"
    )]
    pub command: Vec<OsString>,
}

/// Where the findings of this run land, and what of the file is this run's.
struct JsonOutput {
    path: PathBuf,
    /// Bytes already in a user-named file before the run (FFISAN_OPTIONS json_path appends).
    offset: u64,
    temporary: bool,
}

pub fn run(args: Args, verbosity: Verbosity) -> Result<i32> {
    let verbose = verbosity.or(args.verbosity).verbose;
    let root = SourceRoot::new(args.summary.source_root.as_deref())?;
    // Layers, later wins per key: ffisan's defaults < FFISAN_OPTIONS < this command line.
    let user_env = std::env::var(OPTIONS_ENV).unwrap_or_default();
    let from_env =
        RuntimeOptions::parse(&user_env).with_context(|| format!("reading {OPTIONS_ENV}"))?;
    let mut from_cli = RuntimeOptions::default();
    for pair in &args.options {
        from_cli.add_pair(pair).context("reading --options")?;
    }
    if args.keep_going {
        if from_env.get("halt_on_error").is_some_and(|v| v != "0")
            && from_cli.get("halt_on_error").is_none()
        {
            eprintln!("ffisan: note: --keep-going overrides halt_on_error from {OPTIONS_ENV}");
        }
        from_cli.set("halt_on_error", "0")?;
    }
    let output = choose_json_output(&args, &from_env, &from_cli)?;
    if output.temporary || args.json.is_some() {
        std::fs::write(&output.path, b"")
            .with_context(|| format!("creating the findings file {}", output.path.display()))?;
    }
    let _remove_temporary = RemoveOnDrop(output.temporary.then(|| output.path.clone()));
    let mut defaults = RuntimeOptions::default();
    defaults.set("json_path", &path_text(&output.path)?)?;
    let options = defaults.overlaid_with(&from_env).overlaid_with(&from_cli);

    let (program, program_args) = args.command.split_first().context("no program to run")?;
    let mut launch = Launch::new(program.clone());
    launch
        .args(program_args.iter().cloned())
        .env(OPTIONS_ENV, options.render());
    let status = launch
        .status(verbose)
        .with_context(|| format!("running {}", program.to_string_lossy()))?;
    let child_code = exit_code(status);

    let findings = match reader::read_file_from(&output.path, output.offset) {
        Ok(findings) => findings,
        Err(error) => {
            eprintln!("ffisan: error: {error:#}");
            return Ok(if child_code != 0 { child_code } else { 2 });
        }
    };
    if !findings.is_empty() || verbose {
        let groups = group::sorted_for_display(group::group(&findings));
        eprint!("{}", text::summary(&groups, &root));
    }
    Ok(match (child_code, findings.is_empty()) {
        (0, false) => 1,
        (code, _) => code,
    })
}

/// `--json FILE`, else a `json_path` the user set (kept, read from its current end), else a
/// temporary file. A `%p` in the user's path would name a pid ffisan cannot know in advance.
fn choose_json_output(
    args: &Args,
    from_env: &RuntimeOptions,
    from_cli: &RuntimeOptions,
) -> Result<JsonOutput> {
    if let Some(path) = &args.json {
        if from_cli.get("json_path").is_some() {
            bail!("give the findings file either with --json or with --options json_path=..., not both");
        }
        return Ok(JsonOutput {
            path: path.clone(),
            offset: 0,
            temporary: false,
        });
    }
    if let Some(path) = from_cli
        .get("json_path")
        .or_else(|| from_env.get("json_path"))
    {
        if path.contains("%p") {
            bail!("json_path={path} contains %p; give `ffisan run` a fixed file with --json FILE");
        }
        let offset = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        return Ok(JsonOutput {
            path: PathBuf::from(path),
            offset,
            temporary: false,
        });
    }
    let path = std::env::temp_dir().join(format!(
        "ffisan-run-{}-{}.jsonl",
        std::process::id(),
        nanos()
    ));
    Ok(JsonOutput {
        path,
        offset: 0,
        temporary: true,
    })
}

/// Removes ffisan's temporary findings file however the run ends.
struct RemoveOnDrop(Option<PathBuf>);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        if let Some(path) = &self.0 {
            let _ = std::fs::remove_file(path);
        }
    }
}

fn nanos() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0)
}

/// The path as FFISAN_OPTIONS text: absolute (the program may chdir), UTF-8, no `:`.
fn path_text(path: &Path) -> Result<String> {
    let absolute = std::env::current_dir()
        .context("reading the current directory")?
        .join(path);
    let text = absolute
        .to_str()
        .with_context(|| format!("{} is not valid UTF-8", absolute.display()))?;
    if text.contains(':') {
        bail!("the findings file {text} contains `:`, which FFISAN_OPTIONS cannot carry");
    }
    Ok(text.to_string())
}
