//! The leak report: LeakSanitizer's shape (one paragraph per allocation stack, direct leaks
//! first, biggest first, then a SUMMARY of bytes and allocations), one JSON line per paragraph,
//! `leak:` (or `memory-leak:`) suppressions matched against the allocation stack.

use crate::errors::ErrorKind;
use crate::report::output::{
    depot_stack, json_fd, log_fd, pid, summary_frame, write_frames, write_json_frames, Out, STATE,
};
use crate::traces::Frame;
use core::fmt::Write;

/// The leaked chunks of one allocation stack and one kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LeakGroup {
    pub indirect: bool,
    /// Depot id of the allocation stack (0: unknown).
    pub alloc_stack: u32,
    pub bytes: usize,
    pub count: usize,
    /// One of the chunks (the lowest address), for the JSON line.
    pub first: usize,
}

/// What the report said: groups, bytes and allocations reported (suppressed ones left out).
#[derive(Clone, Copy, Default)]
pub struct LeakTotals {
    pub groups: usize,
    pub bytes: usize,
    pub count: usize,
}

fn kind_word(g: &LeakGroup) -> &'static str {
    if g.indirect {
        "Indirect"
    } else {
        "Direct"
    }
}

/// Prints the leak report for `groups` (in LeakSanitizer's order: direct before indirect, then
/// most bytes first) and counts what it printed among the process's findings.
pub fn report_leaks(groups: &mut [LeakGroup]) -> LeakTotals {
    groups.sort_by(|a, b| {
        a.indirect
            .cmp(&b.indirect)
            .then(b.bytes.cmp(&a.bytes))
            .then(a.alloc_stack.cmp(&b.alloc_stack))
    });
    let mut shown: Vec<(LeakGroup, u32, Vec<Frame>)> = Vec::new();
    let mut suppressed = 0u32;
    for g in groups.iter() {
        let (thread, frames) = depot_stack(g.alloc_stack).unwrap_or((0, Vec::new()));
        if crate::report::suppressions::is_suppressed(ErrorKind::MemoryLeak, &frames) {
            suppressed += 1;
        } else {
            shown.push((*g, thread, frames));
        }
    }
    let totals = LeakTotals {
        groups: shown.len(),
        bytes: shown.iter().map(|s| s.0.bytes).sum(),
        count: shown.iter().map(|s| s.0.count).sum(),
    };
    let mut state = STATE.lock();
    state.suppressed += suppressed;
    if shown.is_empty() {
        return totals;
    }
    let kind_index = ErrorKind::ALL
        .iter()
        .position(|&k| k == ErrorKind::MemoryLeak)
        .unwrap_or(0);
    state.counts[kind_index] += shown.len() as u32;
    // The program's own buffered output comes first, as it would without us.
    unsafe { libc::fflush(core::ptr::null_mut()) };
    let fd = log_fd(&mut state);
    let json = json_fd(&mut state);
    let pid = pid();
    let mut out = Out::new(fd, &mut state.text[..]);
    let _ = write_text(&mut out, pid, &shown, &totals);
    out.flush();
    if let Some(fd) = json {
        let mut out = Out::new(fd, &mut state.json_text[..]);
        for (g, thread, frames) in &shown {
            let _ = write_json(&mut out, pid, g, *thread, frames);
        }
        out.flush();
    }
    totals
}

fn write_text(
    out: &mut impl Write,
    pid: libc::pid_t,
    shown: &[(LeakGroup, u32, Vec<Frame>)],
    totals: &LeakTotals,
) -> core::fmt::Result {
    writeln!(out, "=={pid}==ERROR: ffisan: detected memory leaks")?;
    for (g, _, frames) in shown {
        writeln!(out)?;
        writeln!(
            out,
            "{} leak of {} byte(s) in {} object(s) allocated from:",
            kind_word(g),
            g.bytes,
            g.count
        )?;
        write_frames(out, frames)?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "SUMMARY: ffisan: {} byte(s) leaked in {} allocation(s).",
        totals.bytes, totals.count
    )
}

fn write_json(
    out: &mut impl Write,
    pid: libc::pid_t,
    g: &LeakGroup,
    thread: u32,
    frames: &[Frame],
) -> core::fmt::Result {
    let leak = if g.indirect { "indirect" } else { "direct" };
    let pc = summary_frame(frames).map_or(0, |f| f.pc);
    write!(
        out,
        "{{\"version\":1,\"kind\":\"memory-leak\",\"leak\":\"{leak}\",\"access\":\"leak\",\"size\":{},\"count\":{}",
        g.bytes, g.count
    )?;
    write!(out, ",\"address\":\"{:#x}\",\"pc\":\"{pc:#x}\"", g.first)?;
    write!(
        out,
        ",\"region\":\"c-heap\",\"region_name\":\"{leak} leak of {} object(s)\"",
        g.count
    )?;
    write!(
        out,
        ",\"domain\":\"c\",\"thread\":{thread},\"window_open\":false,\"pid\":{pid},\"stack\":"
    )?;
    write_json_frames(out, frames)?;
    out.write_str(",\"alloc_stack\":")?;
    write_json_frames(out, frames)?;
    writeln!(
        out,
        ",\"alloc_thread\":{thread},\"free_stack\":[],\"free_thread\":null}}"
    )
}
