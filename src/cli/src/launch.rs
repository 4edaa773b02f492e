//! Runs the tools ffisan drives; under `-v` prints the exact environment changes and command first.

use anyhow::{Context, Result};
use std::ffi::{OsStr, OsString};
use std::process::{Command, ExitStatus};

/// One command to run: a program, its arguments and the environment changes ffisan makes.
#[derive(Debug, Clone)]
pub struct Launch {
    program: OsString,
    args: Vec<OsString>,
    /// `None` removes the variable.
    env: Vec<(OsString, Option<OsString>)>,
}

impl Launch {
    pub fn new(program: impl Into<OsString>) -> Launch {
        Launch {
            program: program.into(),
            args: Vec::new(),
            env: Vec::new(),
        }
    }

    /// A command line whose first word is the program (e.g. `FFISAN_CC="ccache clang-22"`).
    pub fn from_words(words: &str) -> Launch {
        let mut words = words.split_whitespace();
        let mut launch = Launch::new(words.next().unwrap_or_default());
        launch.args.extend(words.map(OsString::from));
        launch
    }

    pub fn arg(&mut self, arg: impl Into<OsString>) -> &mut Launch {
        self.args.push(arg.into());
        self
    }

    pub fn args<I: IntoIterator<Item = S>, S: Into<OsString>>(&mut self, args: I) -> &mut Launch {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    pub fn env(&mut self, key: impl Into<OsString>, value: impl Into<OsString>) -> &mut Launch {
        self.env.push((key.into(), Some(value.into())));
        self
    }

    pub fn env_remove(&mut self, key: impl Into<OsString>) -> &mut Launch {
        self.env.push((key.into(), None));
        self
    }

    pub fn program(&self) -> &OsStr {
        &self.program
    }

    /// The command as a shell line a user can paste: `env -u K K=V program args...`.
    pub fn describe(&self) -> String {
        let mut words = Vec::new();
        if !self.env.is_empty() {
            words.push("env".to_string());
        }
        // env(1) takes its -u options before the assignments.
        for (key, _) in self.env.iter().filter(|(_, value)| value.is_none()) {
            words.push(format!("-u {}", key.to_string_lossy()));
        }
        for (key, value) in &self.env {
            if let Some(value) = value {
                words.push(format!("{}={}", key.to_string_lossy(), shell_quote(value)));
            }
        }
        words.push(shell_quote(&self.program));
        words.extend(self.args.iter().map(|a| shell_quote(a)));
        words.join(" ")
    }

    fn command(&self, verbose: bool) -> Command {
        if verbose {
            eprintln!("ffisan: running: {}", self.describe());
        }
        let mut command = Command::new(&self.program);
        command.args(&self.args);
        for (key, value) in &self.env {
            match value {
                Some(value) => command.env(key, value),
                None => command.env_remove(key),
            };
        }
        command
    }

    /// Runs the command and waits for it.
    pub fn status(&self, verbose: bool) -> Result<ExitStatus> {
        self.command(verbose)
            .status()
            .with_context(|| self.failed_to_start())
    }

    /// Runs the command and captures its output (doctor, probes).
    pub fn output(&self, verbose: bool) -> Result<std::process::Output> {
        self.command(verbose)
            .output()
            .with_context(|| self.failed_to_start())
    }

    /// Replaces ffisan with the command (so build systems see the tool's own status and signals).
    /// Returns the tool's exit code where exec is not available.
    pub fn exec(&self, verbose: bool) -> Result<i32> {
        #[cfg(unix)]
        {
            use std::os::unix::process::CommandExt;
            let error = self.command(verbose).exec();
            Err(error).with_context(|| self.failed_to_start())
        }
        #[cfg(not(unix))]
        {
            Ok(exit_code(self.status(verbose)?))
        }
    }

    fn failed_to_start(&self) -> String {
        format!("starting `{}`", self.program.to_string_lossy())
    }
}

/// The exit code a shell would report: the status, or 128 + the signal that killed the process.
pub fn exit_code(status: ExitStatus) -> i32 {
    if let Some(code) = status.code() {
        return code;
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return 128 + signal;
        }
    }
    1
}

/// Quotes a word for a POSIX shell when it needs it.
pub fn shell_quote(word: &OsStr) -> String {
    let word = word.to_string_lossy();
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=,:+@%^".contains(c));
    if plain {
        word.into_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// Finds a program on `PATH` (absolute path), like `command -v`.
pub fn which(program: &str) -> Option<std::path::PathBuf> {
    if program.contains('/') {
        let path = std::path::PathBuf::from(program);
        return is_executable(&path).then_some(path);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &std::path::Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        path.metadata()
            .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
            .unwrap_or(false)
    }
    #[cfg(not(unix))]
    {
        path.is_file()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describe_quotes_what_the_shell_would_split() {
        let mut launch = Launch::new("go");
        launch
            .env("CGO_CFLAGS", "-g -O2")
            .env_remove("X")
            .args(["build", "it's"]);
        assert_eq!(
            launch.describe(),
            r"env -u X CGO_CFLAGS='-g -O2' go build 'it'\''s'"
        );
    }

    #[test]
    fn from_words_splits_a_compiler_with_a_launcher() {
        let launch = Launch::from_words("ccache clang-22");
        assert_eq!(launch.program(), "ccache");
        assert_eq!(launch.describe(), "ccache clang-22");
    }
}
