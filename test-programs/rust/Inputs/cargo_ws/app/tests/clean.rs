// Silent under ffisan: C buffers copied and given back, a derive from the workspace's proc-macro.
use app::{copy_c_buffer, Shout};

#[derive(Shout)]
struct Quiet;

#[test]
fn c_buffers_round_trip() {
    let copy = copy_c_buffer(64);
    assert_eq!(copy.len(), 64);
    assert!(copy.iter().all(|&b| b == b'c'));
}

#[test]
fn proc_macro_output_runs() {
    assert_eq!(Quiet::shout(), "QUIET");
}

#[test]
fn user_rustflags_reach_the_crate() {
    // `--cfg user_flag` in RUSTFLAGS is set by the lit test; plain `cargo test` runs without it.
    if std::env::var_os("EXPECT_USER_FLAG").is_some() {
        assert!(cfg!(user_flag), "the user's RUSTFLAGS were dropped");
    }
}
