//! Reads a clang/gcc command line far enough to know whether it compiles sources and whether it links.

use std::ffi::{OsStr, OsString};
use std::path::Path;

/// What a compiler invocation does, as far as instrumentation cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CcPlan {
    /// Generates code from at least one source (C, C++, Objective-C, assembly, LLVM IR).
    pub compiles: bool,
    /// Runs the linker.
    pub links: bool,
}

/// Options whose value is the next argument (the joined forms `-oFILE`, `-Idir` need no special care).
const TAKES_VALUE: &[&str] = &[
    "-o",
    "-I",
    "-L",
    "-l",
    "-D",
    "-U",
    "-x",
    "-include",
    "-imacros",
    "-isystem",
    "-idirafter",
    "-iquote",
    "-isysroot",
    "-iprefix",
    "-iwithprefix",
    "-iwithprefixbefore",
    "-cxx-isystem",
    "-MF",
    "-MT",
    "-MQ",
    "-Xlinker",
    "-Xassembler",
    "-Xpreprocessor",
    "-Xclang",
    "-Xopenmp-target",
    "-mllvm",
    "-target",
    "-arch",
    "-T",
    "-u",
    "-z",
    "-e",
    "-F",
    "-B",
    "--sysroot",
    "-resource-dir",
    "-include-pch",
    "-ivfsoverlay",
    "-serialize-diagnostics",
    "-dependency-file",
    "--param",
    "-aux-info",
    "--gcc-toolchain",
    "-Xarch_host",
    "-Xarch_device",
    "-imultilib",
    "-working-directory",
    "--serialize-diagnostics",
];

/// Suffixes clang compiles (everything else is handed to the linker).
const SOURCE_SUFFIXES: &[&str] = &[
    "c", "cc", "cp", "cpp", "cxx", "c++", "C", "CC", "CPP", "i", "ii", "m", "mm", "M", "mi", "mii",
    "s", "S", "sx", "ll", "bc", "h", "hh", "hpp", "hxx",
];

pub fn classify(args: &[OsString]) -> CcPlan {
    let mut compiles = false;
    let mut has_input = false;
    let mut stops_before_link = false;
    // `-x LANG` makes the following inputs sources until `-x none`.
    let mut forced_language = false;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let text = arg.to_string_lossy();
        if text == "-" {
            has_input = true;
            compiles = true; // stdin needs -x, so it is a source
            continue;
        }
        if !text.starts_with('-') {
            has_input = true;
            compiles |= forced_language || is_source(arg);
            continue;
        }
        match text.as_ref() {
            "-c" | "-S" | "-E" | "-M" | "-MM" | "-fsyntax-only" | "-r" | "--precompile" => {
                stops_before_link = true;
                if matches!(text.as_ref(), "-E" | "-M" | "-MM" | "-fsyntax-only") {
                    // Preprocessing and syntax checks generate no code: add nothing, like configure expects.
                    return CcPlan {
                        compiles: false,
                        links: false,
                    };
                }
            }
            "-x" => {
                if let Some(lang) = iter.next() {
                    forced_language = lang != "none";
                }
            }
            _ if text.starts_with("-x") && text.len() > 2 => forced_language = &text[2..] != "none",
            _ if TAKES_VALUE.contains(&text.as_ref()) => {
                iter.next();
            }
            _ => {}
        }
    }
    CcPlan {
        compiles: has_input && compiles,
        links: has_input && !stops_before_link,
    }
}

fn is_source(input: &OsStr) -> bool {
    Path::new(input)
        .extension()
        .and_then(OsStr::to_str)
        .is_some_and(|ext| SOURCE_SUFFIXES.contains(&ext))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(line: &str) -> CcPlan {
        let args: Vec<OsString> = line.split_whitespace().map(OsString::from).collect();
        classify(&args)
    }

    const COMPILE_ONLY: CcPlan = CcPlan {
        compiles: true,
        links: false,
    };
    const COMPILE_AND_LINK: CcPlan = CcPlan {
        compiles: true,
        links: true,
    };
    const LINK_ONLY: CcPlan = CcPlan {
        compiles: false,
        links: true,
    };
    const NOTHING: CcPlan = CcPlan {
        compiles: false,
        links: false,
    };

    #[test]
    fn compile_only() {
        assert_eq!(plan("-O2 -c foo.c -o foo.o"), COMPILE_ONLY);
        assert_eq!(plan("-S foo.cpp"), COMPILE_ONLY);
        assert_eq!(plan("-c -MD -MF foo.d foo.c"), COMPILE_ONLY);
        assert_eq!(plan("-emit-llvm -c foo.c"), COMPILE_ONLY);
    }

    #[test]
    fn compile_and_link() {
        assert_eq!(plan("foo.c -o foo"), COMPILE_AND_LINK);
        assert_eq!(plan("-O2 foo.c bar.o -lm -o foo"), COMPILE_AND_LINK);
        assert_eq!(plan("-v foo.c"), COMPILE_AND_LINK);
        assert_eq!(plan("-x c - -o conftest"), COMPILE_AND_LINK);
        assert_eq!(plan("-shared -fPIC lib.c -o lib.so"), COMPILE_AND_LINK);
    }

    #[test]
    fn link_only() {
        assert_eq!(plan("foo.o bar.o -o foo"), LINK_ONLY);
        assert_eq!(plan("main.o libx.a -Wl,--gc-sections"), LINK_ONLY);
        assert_eq!(plan("conftest"), LINK_ONLY);
    }

    #[test]
    fn values_of_options_are_not_inputs() {
        // `-o foo.c` names the output; `-include x.h` a header; `-MF dep.c` a dependency file.
        assert_eq!(plan("-o foo.c bar.o"), LINK_ONLY);
        assert_eq!(plan("-c -include pre.h x.o"), NOTHING);
        assert_eq!(plan("-I include -L lib -l m"), NOTHING);
        assert_eq!(plan("-Xlinker foo.c main.o"), LINK_ONLY);
    }

    #[test]
    fn language_override_makes_inputs_sources() {
        assert_eq!(plan("-x c conftest.txt -c"), COMPILE_ONLY);
        assert_eq!(plan("-xc++ weird -c"), COMPILE_ONLY);
        assert_eq!(plan("-x c -c a.txt -x none b.o"), COMPILE_ONLY);
        assert_eq!(plan("-x c a.txt -x none b.o"), COMPILE_AND_LINK);
    }

    #[test]
    fn probes_and_preprocessing_add_nothing() {
        for line in [
            "--version",
            "-v",
            "-###",
            "--help",
            "-print-search-dirs",
            "-print-prog-name=ld",
            "-dumpmachine",
            "-E conftest.c",
            "-E -",
            "-M foo.c",
            "-MM foo.c",
            "-fsyntax-only foo.c",
            "",
        ] {
            assert_eq!(plan(line), NOTHING, "{line:?}");
        }
    }

    #[test]
    fn relocatable_and_precompiled_do_not_link_the_runtime() {
        assert_eq!(plan("-r a.o b.o -o ab.o"), NOTHING);
        assert_eq!(plan("-r a.c -o a.o"), COMPILE_ONLY);
    }
}
