//! OWNER: regions-and-threads helper.
