//! `FFISAN_STATS=FILE`: one JSON line per instrumented module with what the pass checked and elided.
use std::fs::OpenOptions;
use std::io::Write;

use crate::collect::Decision;

/// Environment variable naming the file the per-module statistics are appended to (default: none).
pub const STATS_ENV: &str = "FFISAN_STATS";

#[derive(Default, Debug)]
pub struct ModuleStats {
    pub accesses: usize,
    pub checked: usize,
    pub elided_stack: usize,
    pub elided_global: usize,
    pub elided_duplicate: usize,
    /// Duplicates of a check in a dominating block with no possibly-freeing call between.
    pub elided_dominated: usize,
    /// libc's `errno` and locale-table accesses (`elide.rs`).
    pub elided_libc: usize,
    /// Loop accesses checked once before their loop (`__ffisan_check_loop`), not per iteration:
    /// not in `checked`.
    pub hoisted_loop: usize,
    /// Checked accesses whose fast path is a group test shared with others (also in `checked`).
    pub grouped: usize,
    /// Group tests inserted: each stands for two or more of the `grouped` accesses' fast paths.
    pub group_tests: usize,
    pub libc_calls: usize,
    pub fake_frames: usize,
    /// Fake frames entered off the entry block, only on the paths that use them (in `fake_frames`).
    pub lazy_fake_frames: usize,
    /// Globals given a redzone and registered (`globals.rs`).
    pub padded_globals: usize,
}

impl ModuleStats {
    pub fn count(&mut self, decision: Decision) {
        self.accesses += 1;
        match decision {
            Decision::Check => self.checked += 1,
            Decision::ElidedStack => self.elided_stack += 1,
            Decision::ElidedGlobal => self.elided_global += 1,
            Decision::ElidedDuplicate => self.elided_duplicate += 1,
            Decision::ElidedDominated => self.elided_dominated += 1,
            Decision::ElidedLibc => self.elided_libc += 1,
            Decision::HoistedLoop => self.hoisted_loop += 1,
        }
    }

    fn to_json(&self, module: &str) -> String {
        format!(
            "{{\"module\":{},\"accesses\":{},\"checked\":{},\"elided_stack\":{},\"elided_global\":{},\
             \"elided_duplicate\":{},\"elided_dominated\":{},\"elided_libc\":{},\"hoisted_loop\":{},\"grouped\":{},\"group_tests\":{},\"libc_calls\":{},\"fake_frames\":{},\"lazy_fake_frames\":{},\"padded_globals\":{}}}",
            json_string(module),
            self.accesses,
            self.checked,
            self.elided_stack,
            self.elided_global,
            self.elided_duplicate,
            self.elided_dominated,
            self.elided_libc,
            self.hoisted_loop,
            self.grouped,
            self.group_tests,
            self.libc_calls,
            self.fake_frames,
            self.lazy_fake_frames,
            self.padded_globals
        )
    }

    /// Appends this module's line to `$FFISAN_STATS`, if set. Statistics never fail a compilation:
    /// a file that cannot be written is reported on stderr and ignored.
    pub fn write_if_requested(&self, module: &str) {
        let Some(path) = std::env::var_os(STATS_ENV) else {
            return;
        };
        let line = self.to_json(module) + "\n";
        // One write of a whole line on an O_APPEND file: parallel compilations do not interleave.
        let result = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .and_then(|mut f| f.write_all(line.as_bytes()));
        if let Err(e) = result {
            eprintln!(
                "ffisan: cannot append statistics to {}: {e}",
                path.to_string_lossy()
            );
        }
    }
}

fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_line() {
        let mut s = ModuleStats::default();
        s.count(Decision::Check);
        s.count(Decision::ElidedStack);
        s.libc_calls = 2;
        assert_eq!(
            s.to_json("a\"b\\c\n"),
            "{\"module\":\"a\\\"b\\\\c\\u000a\",\"accesses\":2,\"checked\":1,\"elided_stack\":1,\
             \"elided_global\":0,\"elided_duplicate\":0,\"elided_dominated\":0,\"elided_libc\":0,\"hoisted_loop\":0,\"grouped\":0,\"group_tests\":0,\"libc_calls\":2,\"fake_frames\":0,\"lazy_fake_frames\":0,\"padded_globals\":0}"
        );
    }
}
