//! Findings out: the text and JSON report of one finding at a time, and suppressions. Above
//! `traces` (it symbolizes stacks) and `threads`; every part that raises a finding calls down here.

mod output;
mod suppressions;

pub(crate) use output::{init, report, Finding};
