//! `ffisan cc` / `ffisan c++`: clang-22 with the pass plugin when compiling and the runtime when linking.

use super::Verbosity;
use crate::cc_args::classify;
use crate::home::Home;
use crate::instrument::{c_compile_flags, c_frontend_mark_flags, c_link_flags};
use crate::launch::Launch;
use crate::sanitizer_args;
use anyhow::{Context, Result};
use std::ffi::OsString;

pub use super::PassThrough as Args;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    C,
    Cxx,
}

impl Language {
    /// The environment variable that picks another compiler, and the default compiler.
    fn compiler_setting(self) -> (&'static str, &'static str) {
        match self {
            Language::C => ("FFISAN_CC", "clang-22"),
            Language::Cxx => ("FFISAN_CXX", "clang++-22"),
        }
    }
}

/// Execs the compiler with `args` (less the flags that mean ffisan, `sanitizer_args.rs`), the compile
/// flags before them (so the user's own `-g0` or `-fomit-frame-pointer` win), the frontend marks after
/// them, and the runtime after them when the command links.
pub fn run(language: Language, args: &[OsString], verbosity: Verbosity) -> Result<i32> {
    let (variable, default) = language.compiler_setting();
    let compiler = std::env::var(variable)
        .ok()
        .filter(|c| !c.trim().is_empty());
    let mut launch = Launch::from_words(compiler.as_deref().unwrap_or(default));
    let plan = classify(args);
    let home = if plan.compiles || plan.links {
        Some(Home::locate()?)
    } else {
        None
    };
    let user = sanitizer_args::plan(args, plan.links)?;
    if verbosity.verbose {
        for note in &user.notes {
            eprintln!("ffisan: {note}");
        }
    }
    if let (Some(home), true) = (&home, plan.compiles) {
        launch.args(c_compile_flags(home)?);
    }
    launch.args(user.args);
    if plan.compiles {
        launch.args(c_frontend_mark_flags(plan.links, user.others));
    }
    if let (Some(home), true) = (&home, plan.links) {
        launch.args(c_link_flags(home)?);
    }
    launch.exec(verbosity.verbose).with_context(|| {
        format!(
            "running the compiler (set {variable} to use another one than `{}`)",
            launch.program().to_string_lossy()
        )
    })
}
