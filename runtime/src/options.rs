//! FFISAN_OPTIONS: declared once in one table, from which defaults, the parser and help=1 come.
//! OWNER: heap-and-reports helper. The field names below are the interface other modules use.

use crate::errors::FixedStr;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ManagedPolicy {
    Window,
    Strict,
    Off,
}

pub struct Options {
    pub halt_on_error: bool,
    pub exitcode: i32,
    pub log_path: FixedStr<256>,
    pub json_path: FixedStr<256>,
    pub suppressions: FixedStr<256>,
    pub quarantine_size_mb: usize,
    pub managed_policy: ManagedPolicy,
    pub detect_stack_use_after_return: bool,
    pub symbolize: bool,
    pub malloc_context_size: usize,
    pub verbosity: u32,
}

/// Parses FFISAN_OPTIONS (a bad key or value is a one-line error and exit 1).
pub fn init() {
    todo!("options::init")
}

/// The options in force (defaults before init).
pub fn get() -> &'static Options {
    todo!("options::get")
}
