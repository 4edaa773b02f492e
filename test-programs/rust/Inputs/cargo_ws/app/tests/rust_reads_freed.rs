// Rust reads a buffer after C freed it: ffisan reports heap-use-after-free in domain rust.
#[test]
fn rust_reads_what_c_freed() {
    println!("byte {}", app::byte_after_release(16, 3));
}
