//! What `ffisan cc` makes of the user's `-fsanitize` family and of `-static`: AddressSanitizer's
//! flags mean ffisan (which is on anyway) and are taken out, sanitizers that cannot share a process
//! with it are refused, the others pass through.

use anyhow::{bail, Result};
use std::ffi::OsString;

/// Names in `-fsanitize=` lists that ffisan stands for: ASan's detector and its leak checker.
const FFISAN_SANITIZERS: &[&str] = &["address", "leak"];

/// Sanitizers that clang refuses beside `-fsanitize=address`, or that bring their own shadow memory,
/// allocator or runtime, which cannot share a process with ffisan's.
const INCOMPATIBLE: &[&str] = &[
    "thread",
    "memory",
    "kernel-memory",
    "hwaddress",
    "kernel-hwaddress",
    "kernel-address",
    "dataflow",
    "safe-stack",
    "memtag",
    "memtag-stack",
    "memtag-heap",
    "memtag-globals",
    "realtime",
    "type",
    "numerical",
    "alloc-token",
    "scudo",
];

/// Flags whose value is a sanitizer list; `address`/`leak` are removed from each.
const LIST_FLAGS: &[&str] = &[
    "-fsanitize=",
    "-fno-sanitize=",
    "-fsanitize-recover=",
    "-fno-sanitize-recover=",
    "-fsanitize-trap=",
    "-fno-sanitize-trap=",
];

/// The user's arguments with ffisan's reading of them applied.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct SanitizerPlan {
    /// The arguments to give the compiler.
    pub args: Vec<OsString>,
    /// Whether a sanitizer other than ffisan's stays on (its runtime must still be linked).
    pub others: bool,
    /// What was taken out and why, for `-v`.
    pub notes: Vec<String>,
}

/// Applies ffisan's reading of the sanitizer flags to `args`; `links` says whether the command links.
pub fn plan(args: &[OsString], links: bool) -> Result<SanitizerPlan> {
    let mut plan = SanitizerPlan::default();
    let mut runtime_choice = Vec::new();
    for arg in args {
        let Some(text) = arg.to_str() else {
            plan.args.push(arg.clone());
            continue;
        };
        if let Some((flag, list)) = LIST_FLAGS
            .iter()
            .find_map(|flag| text.strip_prefix(flag).map(|list| (*flag, list)))
        {
            let (ours, kept): (Vec<&str>, Vec<&str>) = list
                .split(',')
                .filter(|s| !s.is_empty())
                .partition(|s| FFISAN_SANITIZERS.contains(s));
            if let Some(bad) = kept.iter().find(|s| INCOMPATIBLE.contains(s)) {
                if flag == "-fsanitize=" {
                    bail!(
                        "-fsanitize={bad} cannot be combined with ffisan, which is AddressSanitizer's \
                         kind of tool (build without ffisan for -fsanitize={bad})"
                    );
                }
            }
            if !ours.is_empty() {
                plan.notes.push(note_for(flag, &ours));
            }
            if !kept.is_empty() {
                plan.others |= flag == "-fsanitize=";
                plan.args.push(format!("{flag}{}", kept.join(",")).into());
            }
            continue;
        }
        match text {
            "-static" | "-static-pie" if links => bail!(
                "{text} is not supported: the ffisan runtime interposes malloc and free and is a \
                 shared library, so the program must be linked dynamically (drop {text})"
            ),
            "-shared-libasan" => plan.notes.push(format!(
                "{text}: dropped (the ffisan runtime is always a shared library)"
            )),
            "-shared-libsan" | "-static-libsan" => runtime_choice.push(arg.clone()),
            _ if text.starts_with("-fsanitize-address-")
                || text.starts_with("-fno-sanitize-address-") =>
            {
                plan.notes.push(format!(
                    "{text}: dropped (an AddressSanitizer pass option; ffisan's pass has none)"
                ))
            }
            _ => plan.args.push(arg.clone()),
        }
    }
    // They choose how the other sanitizers' runtimes are linked; alone they would only be unused.
    if plan.others {
        plan.args.extend(runtime_choice);
    } else {
        for arg in runtime_choice {
            plan.notes.push(format!(
                "{}: dropped (no other sanitizer runtime to link)",
                arg.to_string_lossy()
            ));
        }
    }
    Ok(plan)
}

fn note_for(flag: &str, ours: &[&str]) -> String {
    let given = format!("{flag}{}", ours.join(","));
    let meaning = match flag {
        "-fsanitize=" => {
            "ffisan is the address sanitizer here; its runtime is linked, not compiler-rt's"
        }
        "-fno-sanitize=" => {
            "ignored: ffisan cc always instruments (use clang-22 to build without it)"
        }
        "-fsanitize-recover=" | "-fno-sanitize-recover=" => {
            "ffisan's checks always can go on; whether they do is the run-time option \
             FFISAN_OPTIONS=halt_on_error (1 by default), as ASAN_OPTIONS=halt_on_error is for ASan"
        }
        _ => "ffisan reports, it never traps",
    };
    format!("{given}: {meaning}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(line: &str) -> Vec<OsString> {
        line.split_whitespace().map(OsString::from).collect()
    }

    fn plan_of(line: &str) -> SanitizerPlan {
        plan(&args(line), true).unwrap()
    }

    fn kept(line: &str, links: bool) -> String {
        let plan = plan(&args(line), links).unwrap();
        plan.args
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn address_family_is_taken_out() {
        assert_eq!(kept("-O2 -fsanitize=address -c a.c", false), "-O2 -c a.c");
        assert_eq!(
            kept("-fsanitize=address,undefined a.c", true),
            "-fsanitize=undefined a.c"
        );
        assert_eq!(
            kept("-fsanitize=leak -fno-sanitize=address a.o", true),
            "a.o"
        );
        assert_eq!(
            kept("-fsanitize-recover=address,signed-integer-overflow", true),
            "-fsanitize-recover=signed-integer-overflow"
        );
        assert_eq!(
            kept(
                "-fsanitize-address-use-after-scope -fno-sanitize-address-use-odr-indicator",
                false
            ),
            ""
        );
        assert_eq!(
            kept("-fsanitize-ignorelist=ign.txt -c a.c", false),
            "-fsanitize-ignorelist=ign.txt -c a.c"
        );
    }

    #[test]
    fn others_pass_through_with_their_runtime_choice() {
        let plan = plan_of("-fsanitize=address -shared-libsan a.o");
        assert!(!plan.others);
        assert_eq!(plan.args, args("a.o"));
        let plan = plan_of("-fsanitize=undefined,address -shared-libsan a.o");
        assert!(plan.others);
        assert_eq!(plan.args, args("-fsanitize=undefined a.o -shared-libsan"));
    }

    #[test]
    fn incompatible_sanitizers_are_refused() {
        for line in [
            "-fsanitize=thread a.c",
            "-fsanitize=address,memory a.c",
            "-fsanitize=hwaddress -c a.c",
        ] {
            let error = plan(&args(line), true).unwrap_err().to_string();
            assert!(
                error.contains("cannot be combined with ffisan"),
                "{line}: {error}"
            );
        }
        // Turning one off is fine.
        assert_eq!(
            kept("-fno-sanitize=thread a.c", true),
            "-fno-sanitize=thread a.c"
        );
    }

    #[test]
    fn static_links_are_refused() {
        let error = plan(&args("-static a.o -o a"), true)
            .unwrap_err()
            .to_string();
        assert!(error.contains("shared library"), "{error}");
        assert_eq!(kept("-static -c a.c", false), "-static -c a.c");
    }
}
