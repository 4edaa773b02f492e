//! `ffisan install-links`: the `ffisan-cc` and `ffisan-c++` symlinks that build systems use as CC/CXX.

use super::Verbosity;
use crate::home::{current_executable, executable_dir};
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};

/// Names under which ffisan acts as a compiler driver.
pub const LINK_NAMES: &[&str] = &["ffisan-cc", "ffisan-c++"];

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Where to create the links [default: the directory of the ffisan executable]
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

pub fn run(args: Args, verbosity: Verbosity) -> Result<i32> {
    let exe = current_executable()?;
    let dir = match args.dir {
        Some(dir) => dir,
        None => executable_dir()?,
    };
    // Relative when beside the executable, so the directory can move as a whole.
    let target = if exe.parent() == Some(dir.as_path())
        || dir.canonicalize().ok().as_deref() == exe.parent()
    {
        PathBuf::from(
            exe.file_name()
                .context("the ffisan executable has no file name")?,
        )
    } else {
        exe.clone()
    };
    for name in LINK_NAMES {
        let link = dir.join(name);
        install_link(&link, &target)
            .with_context(|| format!("creating the symlink {}", link.display()))?;
        if verbosity.verbose {
            eprintln!("ffisan: {} -> {}", link.display(), target.display());
        }
    }
    Ok(0)
}

fn install_link(link: &Path, target: &Path) -> Result<()> {
    match std::fs::symlink_metadata(link) {
        Ok(meta) if meta.file_type().is_symlink() => {
            if std::fs::read_link(link).ok().as_deref() == Some(target) {
                return Ok(());
            }
            std::fs::remove_file(link).context("replacing the old symlink")?;
        }
        Ok(_) => bail!(
            "{} exists and is not a symlink; remove it first",
            link.display()
        ),
        Err(_) => {}
    }
    #[cfg(unix)]
    std::os::unix::fs::symlink(target, link)?;
    #[cfg(not(unix))]
    bail!("symlinks need a unix system");
    Ok(())
}

/// Whether the links exist beside the executable (for `doctor`).
pub fn links_present() -> bool {
    executable_dir()
        .map(|dir| LINK_NAMES.iter().all(|name| dir.join(name).exists()))
        .unwrap_or(false)
}
