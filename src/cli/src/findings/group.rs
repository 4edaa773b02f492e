//! Deduplication: findings of one kind at one location (the first user frame's file:line) are one group.

use super::{Finding, Frame};
use serde::Serialize;

/// Where a finding happened: the first frame outside the runtime that has a source file, else the
/// first frame outside the runtime (by function, then pc).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Location {
    pub file: Option<String>,
    pub line: u32,
    pub column: u32,
    pub function: Option<String>,
    /// Set only when nothing better names the place.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pc: Option<String>,
}

/// One deduplicated group.
#[derive(Debug, Clone, Serialize)]
pub struct Group {
    pub kind: String,
    pub location: Location,
    pub count: usize,
    /// The first finding of the group, which the reports show.
    pub finding: Finding,
}

/// Frames of the runtime itself (interceptors such as `free` or `strlen`) do not locate a bug.
fn is_runtime_frame(frame: &Frame) -> bool {
    frame
        .module
        .as_deref()
        .is_some_and(|m| m.ends_with("libffisan_rt.so"))
}

/// The runtime's own list of cgo's generated glue: every `C.free` of a program passes through the
/// same glue, so it does not tell them apart.
#[path = "../../../../runtime/src/cgo_glue.rs"]
mod cgo_glue;

fn is_cgo_glue(frame: &Frame) -> bool {
    cgo_glue::is_cgo_glue(
        frame.function.as_deref().unwrap_or(""),
        frame.file.as_deref().unwrap_or(""),
    )
}

pub fn location_of(finding: &Finding) -> Location {
    let user_frames = || finding.stack.iter().filter(|f| !is_runtime_frame(f));
    let frame = user_frames()
        .find(|f| f.file.is_some() && !is_cgo_glue(f))
        .or_else(|| user_frames().find(|f| f.file.is_some()))
        .or_else(|| user_frames().next())
        .or_else(|| finding.stack.first());
    match frame {
        Some(frame) => Location {
            file: frame.file.clone(),
            line: frame.line,
            column: frame.column,
            function: frame.function.clone(),
            pc: if frame.file.is_none() && frame.function.is_none() {
                frame.pc.clone()
            } else {
                None
            },
        },
        None => Location {
            file: None,
            line: 0,
            column: 0,
            function: None,
            pc: finding.pc.clone(),
        },
    }
}

/// Groups by (kind, file, line) — or (kind, function/pc) without a file — keeping first-seen order.
pub fn group(findings: &[Finding]) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    for finding in findings {
        let location = location_of(finding);
        let same_place = |g: &Group| {
            g.kind == finding.kind
                && match (&location.file, &g.location.file) {
                    (Some(file), Some(other)) => file == other && location.line == g.location.line,
                    (None, None) => {
                        location.function == g.location.function && location.pc == g.location.pc
                    }
                    _ => false,
                }
        };
        match groups.iter_mut().find(|g| same_place(g)) {
            Some(group) => group.count += 1,
            None => groups.push(Group {
                kind: finding.kind.clone(),
                location,
                count: 1,
                finding: finding.clone(),
            }),
        }
    }
    groups
}

/// Groups ordered for display: by kind name, then most frequent first, then first seen.
pub fn sorted_for_display(mut groups: Vec<Group>) -> Vec<Group> {
    groups.sort_by(|a, b| a.kind.cmp(&b.kind).then(b.count.cmp(&a.count)));
    groups
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::reader::{parse_findings, tests::UAF};

    fn findings(lines: &[String]) -> Vec<Finding> {
        parse_findings("t.jsonl", lines.join("\n").as_bytes(), 1).unwrap()
    }

    #[test]
    fn same_kind_and_line_is_one_group_even_from_other_columns_and_callers() {
        let other_column = UAF
            .replace("\"column\":9", "\"column\":15")
            .replace("\"line\":20", "\"line\":30");
        let groups = group(&findings(&[UAF.to_string(), other_column, UAF.to_string()]));
        assert_eq!(groups.len(), 1);
        assert_eq!(groups[0].count, 3);
        assert_eq!(groups[0].location.file.as_deref(), Some("/src/uaf.c"));
        assert_eq!(groups[0].location.line, 12);
    }

    /// Two `C.free`s of Go memory pass through the same cgo glue: the Go lines tell them apart.
    #[test]
    fn cgo_glue_is_skipped_for_the_location() {
        let frame = |function: &str, file: &str, line: u32| Frame {
            pc: None,
            function: Some(function.into()),
            file: Some(file.into()),
            line,
            column: 0,
            module: None,
        };
        let mut finding = findings(&[UAF.to_string()]).remove(0);
        finding.stack = vec![
            frame(
                "_cgo_5f4700a3ee73_Cfunc_free",
                "/tmp/go-build/cgo-gcc-prolog",
                51,
            ),
            frame(
                "runtime.asmcgocall.abi0",
                "/usr/local/go/src/runtime/asm_amd64.s",
                995,
            ),
            frame("main._Cfunc_free.abi0", "./_cgo_gotypes.go", 87),
            frame("main.forget", "/src/main.go", 28),
        ];
        let location = location_of(&finding);
        assert_eq!(location.file.as_deref(), Some("/src/main.go"));
        assert_eq!(location.line, 28);
    }

    #[test]
    fn other_kind_or_line_is_another_group() {
        let other_kind = UAF.replace("heap-use-after-free", "heap-buffer-overflow");
        let other_line = UAF.replace("\"line\":12", "\"line\":13");
        let groups = group(&findings(&[UAF.to_string(), other_kind, other_line]));
        assert_eq!(groups.len(), 3);
        assert!(groups.iter().all(|g| g.count == 1));
    }

    #[test]
    fn runtime_frames_and_unsymbolized_frames_are_skipped_for_the_location() {
        let interceptor = r#"{"pc":"0x7f2","function":"free","file":"/rt/src/allocator.rs","line":40,"column":1,"module":"/opt/ffisan/libffisan_rt.so"},{"pc":"0x7f3","function":null,"file":null,"line":0,"column":0,"module":"/src/a.out"},"#;
        let with_interceptor = UAF.replacen("\"stack\":[", &format!("\"stack\":[{interceptor}"), 1);
        let location = location_of(&findings(&[with_interceptor])[0]);
        assert_eq!(location.function.as_deref(), Some("use_name"));
        assert_eq!(location.line, 12);
    }

    #[test]
    fn without_any_file_the_function_or_pc_names_the_place() {
        let no_files = UAF.replace("\"/src/uaf.c\"", "null");
        let location = location_of(&findings(&[no_files])[0]);
        assert_eq!(
            (location.file, location.function.as_deref()),
            (None, Some("use_name"))
        );
        let bare = UAF
            .replace("\"/src/uaf.c\"", "null")
            .replace("\"use_name\"", "null");
        let location = location_of(&findings(&[bare])[0]);
        assert_eq!(location.pc.as_deref(), Some("0x555555555123"));
    }

    #[test]
    fn display_order_is_kind_then_count() {
        let overflow = UAF.replace("heap-use-after-free", "heap-buffer-overflow");
        let other_line = UAF.replace("\"line\":12", "\"line\":13");
        let groups = group(&findings(&[
            UAF.to_string(),
            other_line.clone(),
            other_line,
            overflow,
        ]));
        let sorted = sorted_for_display(groups);
        let order: Vec<(&str, u32)> = sorted
            .iter()
            .map(|g| (g.kind.as_str(), g.location.line))
            .collect();
        assert_eq!(
            order,
            [
                ("heap-buffer-overflow", 12),
                ("heap-use-after-free", 13),
                ("heap-use-after-free", 12)
            ]
        );
    }
}
