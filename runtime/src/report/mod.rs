//! Findings out: the text and JSON report of one finding at a time, and suppressions. Above
//! `traces` (it symbolizes stacks) and `threads`; every part that raises a finding calls down here.

mod leaks;
mod output;
mod suppressions;

pub(crate) use leaks::{report_leaks, LeakGroup, LeakTotals};
pub(crate) use output::{init, report, Finding};
