//! `ffisan report`: reads JSON Lines findings, prints them deduplicated, writes JSON or SARIF 2.1.0.

use super::SummaryOptions;
use crate::findings::{group, reader, sarif, source_root::SourceRoot, text, Finding};
use anyhow::{Context, Result};
use clap::ValueEnum;
use std::io::Write;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Findings files written by the runtime (json_path), JSON Lines
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// What to print on standard output
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Also write the findings as SARIF 2.1.0 to OUT
    #[arg(long, value_name = "OUT")]
    pub sarif: Option<PathBuf>,
    #[command(flatten)]
    pub summary: SummaryOptions,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A summary grouped by kind and location, with counts and the top frames
    Text,
    /// The deduplicated groups as one JSON document
    Json,
}

/// Exit status: 1 when there are findings, 0 when none (errors end in `main` with 2).
pub fn run(args: Args) -> Result<i32> {
    let root = SourceRoot::new(args.summary.source_root.as_deref())?;
    let mut findings: Vec<Finding> = Vec::new();
    for file in &args.files {
        findings.extend(reader::read_file(file)?);
    }
    let groups = group::sorted_for_display(group::group(&findings));
    if let Some(out) = &args.sarif {
        let log = sarif::sarif_log(&groups, &root);
        let text = serde_json::to_string_pretty(&log).context("encoding SARIF")?;
        std::fs::write(out, text + "\n")
            .with_context(|| format!("writing SARIF to {}", out.display()))?;
    }
    let printed = match args.format {
        Format::Text => text::summary(&groups, &root),
        Format::Json => {
            let document = serde_json::json!({
                "version": crate::findings::SCHEMA_VERSION,
                "findings": findings.len(),
                "groups": groups,
            });
            serde_json::to_string_pretty(&document).context("encoding JSON")? + "\n"
        }
    };
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (`ffisan report ... | head`) is not an error worth a message.
    if let Err(error) = stdout
        .write_all(printed.as_bytes())
        .and_then(|()| stdout.flush())
    {
        if error.kind() != std::io::ErrorKind::BrokenPipe {
            return Err(error).context("writing the report");
        }
    }
    Ok(if findings.is_empty() { 0 } else { 1 })
}
