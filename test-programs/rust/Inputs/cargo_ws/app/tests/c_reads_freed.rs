// The build script's C reads a buffer it freed: reported in domain c, so that C was instrumented.
#[test]
fn c_reads_what_it_freed() {
    println!("byte {}", unsafe { app::c_peek_after_release(16) });
}
