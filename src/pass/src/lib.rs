//! ffisan pass plugin. OWNER: pass helper.
pub mod contract;
