//! Reads a rustc command line far enough to know what it builds and which codegen options it sets.

use std::ffi::OsString;

/// Options whose value is the next argument (`--opt=value` forms are split by `split_option`).
const TAKES_VALUE: &[&str] = &[
    "-o",
    "-L",
    "-l",
    "-C",
    "-Z",
    "-W",
    "-A",
    "-D",
    "-F",
    "--codegen",
    "--out-dir",
    "--crate-type",
    "--crate-name",
    "--edition",
    "--emit",
    "--print",
    "--cap-lints",
    "--cfg",
    "--check-cfg",
    "--target",
    "--extern",
    "--sysroot",
    "--error-format",
    "--json",
    "--color",
    "--explain",
    "--remap-path-prefix",
    "--diagnostic-width",
    "--warn",
    "--allow",
    "--deny",
    "--forbid",
    "--force-warn",
    "--env-set",
    "--crate-attr",
];

/// The parts of a rustc command line ffisan decides on.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RustcArgs {
    pub crate_name: Option<String>,
    pub crate_types: Vec<String>,
    pub target: Option<String>,
    /// `-C key[=value]` options, in order.
    pub codegen: Vec<(String, Option<String>)>,
    /// `-g` (= `-C debuginfo=2`) was given.
    pub dash_g: bool,
    /// Source inputs (`-` for stdin).
    pub inputs: Vec<OsString>,
}

impl RustcArgs {
    pub fn parse(args: &[OsString]) -> RustcArgs {
        let mut parsed = RustcArgs::default();
        let mut iter = args.iter();
        while let Some(arg) = iter.next() {
            let text = arg.to_string_lossy().into_owned();
            if text == "-" || !text.starts_with('-') {
                parsed.inputs.push(arg.clone());
                continue;
            }
            if text == "-g" {
                parsed.dash_g = true;
                continue;
            }
            let (option, value) = match split_option(&text) {
                Some((option, Some(value))) => (option, Some(value)),
                Some((option, None)) => (
                    option,
                    iter.next().map(|v| v.to_string_lossy().into_owned()),
                ),
                None => continue,
            };
            let Some(value) = value else { continue };
            match option.as_str() {
                "--crate-name" => parsed.crate_name = Some(value),
                "--crate-type" => parsed
                    .crate_types
                    .extend(value.split(',').map(str::to_string)),
                "--target" => parsed.target = Some(value),
                "-C" | "--codegen" => {
                    let (key, val) = match value.split_once('=') {
                        Some((key, val)) => (key.to_string(), Some(val.to_string())),
                        None => (value, None),
                    };
                    parsed.codegen.push((key.replace('_', "-"), val));
                }
                _ => {}
            }
        }
        parsed
    }

    pub fn sets_codegen_option(&self, key: &str) -> bool {
        self.codegen.iter().any(|(k, _)| k == key)
    }

    pub fn sets_debuginfo(&self) -> bool {
        self.dash_g || self.sets_codegen_option("debuginfo")
    }

    pub fn is_proc_macro(&self) -> bool {
        self.crate_types.iter().any(|t| t == "proc-macro")
    }

    pub fn is_build_script(&self) -> bool {
        self.crate_name
            .as_deref()
            .is_some_and(|name| name.starts_with("build_script_"))
    }

    /// Cargo's target-information probe (`rustc - --crate-name ___ --print=...`) and `-vV`.
    pub fn is_probe(&self) -> bool {
        self.inputs.is_empty() || self.crate_name.as_deref() == Some("___")
    }

    /// Whether `ffisan cargo`'s wrapper instruments this compile: code built for the target, never
    /// build scripts, proc-macros or the host-side dependencies they pull in. `ffisan cargo` always
    /// passes `--target`, so cargo gives `--target` to target compiles and not to host ones.
    pub fn is_instrumented_by_cargo(&self) -> bool {
        !self.is_probe()
            && self.target.is_some()
            && !self.is_proc_macro()
            && !self.is_build_script()
    }
}

/// Splits `-Cfoo`, `-C`, `--opt=value`, `--opt` into (option, joined value); `None` for flags
/// that take no value.
fn split_option(text: &str) -> Option<(String, Option<String>)> {
    if TAKES_VALUE.contains(&text) {
        return Some((text.to_string(), None));
    }
    if let Some((option, value)) = text.split_once('=') {
        if option.starts_with("--") && TAKES_VALUE.contains(&option) {
            return Some((option.to_string(), Some(value.to_string())));
        }
    }
    // Short options with a joined value: -Copt-level=3, -Zfoo, -Lpath, -lfoo, -Wwarnings, -ofile.
    for short in ["-C", "-Z", "-L", "-l", "-W", "-A", "-D", "-F", "-o"] {
        if let Some(value) = text.strip_prefix(short) {
            if !value.is_empty() && !text.starts_with("--") {
                return Some((short.to_string(), Some(value.to_string())));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> RustcArgs {
        let args: Vec<OsString> = line.split_whitespace().map(OsString::from).collect();
        RustcArgs::parse(&args)
    }

    #[test]
    fn reads_what_cargo_passes_for_a_target_library() {
        let args = parse(
            "--crate-name mylib --edition=2021 src/lib.rs --error-format=json --crate-type lib \
             --emit=dep-info,metadata,link -C embed-bitcode=no -C debuginfo=2 -C metadata=abc \
             --out-dir /t/deps --target x86_64-unknown-linux-gnu -L dependency=/t/deps",
        );
        assert_eq!(args.crate_name.as_deref(), Some("mylib"));
        assert_eq!(args.crate_types, ["lib"]);
        assert_eq!(args.target.as_deref(), Some("x86_64-unknown-linux-gnu"));
        assert_eq!(args.inputs, [OsString::from("src/lib.rs")]);
        assert!(args.sets_debuginfo());
        assert!(args.is_instrumented_by_cargo());
    }

    #[test]
    fn build_scripts_proc_macros_and_host_compiles_are_left_alone() {
        let script = parse("--crate-name build_script_build build.rs --crate-type bin --target x86_64-unknown-linux-gnu");
        assert!(script.is_build_script() && !script.is_instrumented_by_cargo());
        let proc_macro = parse("--crate-name derive src/lib.rs --crate-type proc-macro --target t");
        assert!(proc_macro.is_proc_macro() && !proc_macro.is_instrumented_by_cargo());
        let host_dep = parse("--crate-name syn src/lib.rs --crate-type lib");
        assert!(!host_dep.is_instrumented_by_cargo());
    }

    #[test]
    fn probes_are_left_alone() {
        assert!(parse("-vV").is_probe());
        assert!(
            parse("- --crate-name ___ --print=file-names --crate-type bin --target t").is_probe()
        );
        assert!(!parse("- --crate-name ___ --print=cfg --target t").is_instrumented_by_cargo());
    }

    #[test]
    fn sees_every_spelling_of_debuginfo_and_frame_pointers() {
        assert!(parse("-g x.rs").sets_debuginfo());
        assert!(parse("-Cdebuginfo=0 x.rs").sets_debuginfo());
        assert!(parse("--codegen debuginfo=1 x.rs").sets_debuginfo());
        assert!(parse("--codegen=debuginfo=1 x.rs").sets_debuginfo());
        assert!(!parse("-C opt-level=3 x.rs").sets_debuginfo());
        assert!(
            parse("-C force_frame_pointers=no x.rs").sets_codegen_option("force-frame-pointers")
        );
    }

    #[test]
    fn option_values_are_not_inputs() {
        let args =
            parse("-o out.rs --cfg feature=\"x\" -L native=/lib main.rs --extern a=liba.rlib");
        assert_eq!(args.inputs, [OsString::from("main.rs")]);
    }
}
