//! OWNER: heap-and-reports helper.
