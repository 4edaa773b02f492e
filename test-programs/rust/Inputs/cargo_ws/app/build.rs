//! Compiles csrc/buffers.c with $CC into a static library, as the `cc` crate would (this workspace
//! has no dependencies). Under `ffisan cargo`, CC is ffisan-cc, so the C is instrumented too.
use std::env;
use std::path::PathBuf;
use std::process::Command;

fn run(command: &mut Command) {
    let status = command.status().expect("starting a build tool");
    assert!(status.success(), "{command:?} failed");
}

fn main() {
    // A build-dependency's C runs here, in the (uninstrumented) build script.
    assert_eq!(hostc::sum(&[1, 2, 3, 4]), 10);
    let out = PathBuf::from(env::var("OUT_DIR").unwrap());
    let cc = env::var("CC").unwrap_or_else(|_| "cc".to_string());
    let opt = format!(
        "-O{}",
        env::var("OPT_LEVEL").unwrap_or_else(|_| "0".to_string())
    );
    let object = out.join("buffers.o");
    run(Command::new(&cc)
        .args(["-c", "-g", "-fPIC", &opt, "csrc/buffers.c", "-o"])
        .arg(&object));
    run(Command::new("ar")
        .arg("crs")
        .arg(out.join("libbuffers.a"))
        .arg(&object));
    println!("cargo:rustc-link-search=native={}", out.display());
    println!("cargo:rustc-link-lib=static=buffers");
    println!("cargo:rerun-if-changed=csrc/buffers.c");
    println!("cargo:rerun-if-env-changed=CC");
}
