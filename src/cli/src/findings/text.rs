//! The human summary: one section per kind, one entry per location with its count and top frames.

use super::group::{Group, Location};
use super::source_root::SourceRoot;
use super::{describe_access, describe_region, describe_window, Frame};
use std::fmt::Write;

/// How many frames of each group's stack the summary shows.
pub const TOP_FRAMES: usize = 3;

pub fn summary(groups: &[Group], root: &SourceRoot) -> String {
    let mut out = String::new();
    let total: usize = groups.iter().map(|g| g.count).sum();
    if total == 0 {
        out.push_str("ffisan: no findings\n");
        return out;
    }
    let mut kinds: Vec<&str> = Vec::new();
    for group in groups {
        if !kinds.contains(&group.kind.as_str()) {
            kinds.push(&group.kind);
        }
    }
    for kind in &kinds {
        let of_kind: Vec<&Group> = groups.iter().filter(|g| g.kind == *kind).collect();
        let count: usize = of_kind.iter().map(|g| g.count).sum();
        let _ = writeln!(
            out,
            "{kind}: {} at {}",
            plural(count, "finding"),
            plural(of_kind.len(), "location")
        );
        for group in of_kind {
            let finding = &group.finding;
            let _ = writeln!(
                out,
                "  {} ({}x): {} in {}, thread T{} (domain: {}){}",
                show_location(&group.location, root),
                group.count,
                describe_access(finding),
                describe_region(finding),
                finding.thread,
                finding.domain,
                describe_window(finding),
            );
            for (index, frame) in finding.stack.iter().take(TOP_FRAMES).enumerate() {
                let _ = writeln!(out, "    #{index} {}", show_frame(frame, root));
            }
        }
    }
    let by_kind: Vec<String> = kinds
        .iter()
        .map(|kind| {
            let n: usize = groups
                .iter()
                .filter(|g| g.kind == *kind)
                .map(|g| g.count)
                .sum();
            format!("{n} {kind}")
        })
        .collect();
    let _ = writeln!(
        out,
        "SUMMARY: ffisan: {} at {}: {}",
        plural(total, "finding"),
        plural(groups.len(), "location"),
        by_kind.join(", ")
    );
    out
}

fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

pub fn show_location(location: &Location, root: &SourceRoot) -> String {
    match (&location.file, &location.function, &location.pc) {
        (Some(file), _, _) => format!("{}:{}", root.show(file), location.line),
        (None, Some(function), _) => format!("in {function}"),
        (None, None, Some(pc)) => format!("at pc {pc}"),
        (None, None, None) => "at an unknown location".to_string(),
    }
}

/// `0x55.. in use_name c/uaf.c:12:9`, shaped like the runtime's own report.
pub fn show_frame(frame: &Frame, root: &SourceRoot) -> String {
    let mut text = String::new();
    if let Some(pc) = &frame.pc {
        let _ = write!(text, "{pc} ");
    }
    let _ = write!(
        text,
        "in {}",
        frame.function.as_deref().unwrap_or("<unknown>")
    );
    match &frame.file {
        Some(file) => {
            let _ = write!(text, " {}", root.show(file));
            if frame.line > 0 {
                let _ = write!(text, ":{}", frame.line);
                if frame.column > 0 {
                    let _ = write!(text, ":{}", frame.column);
                }
            }
        }
        None => {
            if let Some(module) = &frame.module {
                let _ = write!(text, " ({module})");
            }
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::group::group;
    use crate::findings::reader::{parse_findings, tests::UAF};
    use std::path::Path;

    #[test]
    fn summary_groups_counts_and_shows_top_frames_relative_to_the_root() {
        let text = [UAF, UAF].join("\n");
        let findings = parse_findings("t", text.as_bytes(), 1).unwrap();
        let root = SourceRoot::new(Some(Path::new("/src"))).unwrap();
        let summary = summary(&group(&findings), &root);
        assert_eq!(
            summary,
            "heap-use-after-free: 2 findings at 1 location\n\
             \x20 uaf.c:12 (2x): READ of size 1 in a freed C-heap chunk (6-byte chunk [0x7f0000000010,0x7f0000000016)), thread T0 (domain: c)\n\
             \x20   #0 0x555555555123 in use_name uaf.c:12:9\n\
             \x20   #1 0x555555555200 in main uaf.c:20:3\n\
             SUMMARY: ffisan: 2 findings at 1 location: 2 heap-use-after-free\n"
        );
    }

    #[test]
    fn no_findings_says_so() {
        let root = SourceRoot::new(None).unwrap();
        assert_eq!(summary(&[], &root), "ffisan: no findings\n");
    }
}
