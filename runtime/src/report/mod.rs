//! Findings out: the text and JSON report of one finding at a time, suppressions, and the
//! reports of deadly signals. Above `traces` (it symbolizes stacks) and `threads`; every part
//! that raises a finding calls down here.

mod leaks;
mod output;
mod signals;
mod suppressions;

pub(crate) use leaks::{report_leaks, LeakGroup, LeakTotals};
pub(crate) use output::{
    init, print_description, print_stack, report, report_path, set_report_callback, set_report_fd,
    set_report_path, Finding,
};
pub(crate) use signals::install as install_signal_handlers;
