//! The source root that report paths are shown relative to (`--source-root`, default: the current dir).

use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct SourceRoot {
    /// As given, made absolute.
    dir: PathBuf,
    /// With symlinks resolved, when it exists (debug info may name either spelling).
    canonical: Option<PathBuf>,
}

impl SourceRoot {
    pub fn new(dir: Option<&Path>) -> Result<SourceRoot> {
        let cwd = std::env::current_dir().context("reading the current directory")?;
        let dir = match dir {
            Some(dir) => cwd.join(dir),
            None => cwd,
        };
        let canonical = dir.canonicalize().ok();
        Ok(SourceRoot { dir, canonical })
    }

    /// `file` relative to the root, when it lies under it (a relative `file` already is).
    pub fn relative(&self, file: &str) -> Option<String> {
        let path = Path::new(file);
        if path.is_relative() {
            return Some(file.to_string());
        }
        [Some(&self.dir), self.canonical.as_ref()]
            .into_iter()
            .flatten()
            .find_map(|root| path.strip_prefix(root).ok())
            .map(|rel| rel.to_string_lossy().into_owned())
    }

    /// How a report shows a file: relative to the root when it can, else as recorded.
    pub fn show(&self, file: &str) -> String {
        self.relative(file).unwrap_or_else(|| file.to_string())
    }

    /// `file:///abs/root/` — the SARIF `SRCROOT` base.
    pub fn uri(&self) -> String {
        let mut uri = format!(
            "file://{}",
            percent_encode_path(&self.dir.to_string_lossy())
        );
        if !uri.ends_with('/') {
            uri.push('/');
        }
        uri
    }
}

/// Percent-encodes a path for a URI, keeping `/` and the unreserved characters.
pub fn percent_encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_under_the_root_become_relative() {
        let root = SourceRoot::new(Some(Path::new("/nonexistent/src"))).unwrap();
        assert_eq!(
            root.relative("/nonexistent/src/c/uaf.c").as_deref(),
            Some("c/uaf.c")
        );
        assert_eq!(root.relative("/usr/include/stdio.h"), None);
        assert_eq!(root.show("/usr/include/stdio.h"), "/usr/include/stdio.h");
        assert_eq!(root.relative("rel/x.c").as_deref(), Some("rel/x.c"));
        assert_eq!(root.uri(), "file:///nonexistent/src/");
    }

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(percent_encode_path("/a b/c#d.c"), "/a%20b/c%23d.c");
    }
}
