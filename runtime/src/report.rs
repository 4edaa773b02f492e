//! OWNER: heap-and-reports helper.

/// Opens log/json outputs and registers the exit summary.
pub fn init() {
    todo!("report::init")
}
