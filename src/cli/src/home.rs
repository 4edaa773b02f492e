//! Where the pass plugin and the runtime live: `$FFISAN_HOME`, else the directory of the ffisan executable.

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};

pub const HOME_ENV: &str = "FFISAN_HOME";
pub const PLUGIN_FILE: &str = "libffisan_pass.so";
pub const RUNTIME_FILE: &str = "libffisan_rt.so";
/// The runtime's name for `-l`.
pub const RUNTIME_LIB: &str = "ffisan_rt";

/// A directory holding both the pass plugin and the runtime (always absolute: it ends up in rpaths).
#[derive(Clone, Debug)]
pub struct Home {
    pub dir: PathBuf,
}

impl Home {
    /// The directory as text: it is spliced into flags (`-L`, `-rpath`, `CGO_LDFLAGS`).
    pub fn dir_str(&self) -> Result<&str> {
        self.dir
            .to_str()
            .with_context(|| format!("the ffisan home {} is not valid UTF-8", self.dir.display()))
    }

    pub fn plugin(&self) -> PathBuf {
        self.dir.join(PLUGIN_FILE)
    }

    pub fn runtime(&self) -> PathBuf {
        self.dir.join(RUNTIME_FILE)
    }

    /// Finds the plugin and runtime: `$FFISAN_HOME` first (the user's choice), then beside the executable.
    pub fn locate() -> Result<Home> {
        let places = candidate_places()?;
        for dir in places.iter().filter_map(|(_, dir)| dir.as_ref()) {
            if dir.join(PLUGIN_FILE).is_file() && dir.join(RUNTIME_FILE).is_file() {
                let dir = dir
                    .canonicalize()
                    .with_context(|| format!("resolving the ffisan home {}", dir.display()))?;
                return Ok(Home { dir });
            }
        }
        let mut looked = String::new();
        for (how, dir) in &places {
            match dir {
                Some(dir) => looked.push_str(&format!(
                    "\n  {} ({how}): {}",
                    dir.display(),
                    missing_files(dir)
                )),
                None => looked.push_str(&format!("\n  {how}: not set")),
            }
        }
        bail!(
            "cannot find {PLUGIN_FILE} and {RUNTIME_FILE}; looked in:{looked}\n\
             build them with `make` (or `cargo build --release`) in the ffisan source tree, \
             or point ${HOME_ENV} at the directory that holds them"
        )
    }
}

/// The places searched, in order, each with how it was chosen (`None`: `$FFISAN_HOME` is not set).
pub fn candidate_places() -> Result<Vec<(String, Option<PathBuf>)>> {
    let home = std::env::var_os(HOME_ENV)
        .filter(|h| !h.is_empty())
        .map(PathBuf::from);
    let places = vec![
        (format!("${HOME_ENV}"), home),
        (
            "beside the ffisan executable".to_string(),
            Some(executable_dir()?),
        ),
    ];
    Ok(places)
}

/// The directory of the running ffisan (symlinks such as `ffisan-cc` resolved).
pub fn executable_dir() -> Result<PathBuf> {
    let exe = current_executable()?;
    Ok(exe
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from(".")))
}

pub fn current_executable() -> Result<PathBuf> {
    let exe = std::env::current_exe().context("finding the path of the ffisan executable")?;
    Ok(exe.canonicalize().unwrap_or(exe))
}

fn missing_files(dir: &Path) -> String {
    let missing: Vec<&str> = [PLUGIN_FILE, RUNTIME_FILE]
        .into_iter()
        .filter(|f| !dir.join(f).is_file())
        .collect();
    if missing.is_empty() {
        "ok".to_string()
    } else {
        format!("missing {}", missing.join(" and "))
    }
}
