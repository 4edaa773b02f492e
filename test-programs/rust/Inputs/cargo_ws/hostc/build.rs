//! Compiles csrc/sum.c with $CC. This crate is only a build-dependency, so its C ends up in a build
//! script, which runs without the ffisan runtime: `ffisan cargo` must compile it uninstrumented.
use std::env;
use std::path::PathBuf;
use std::process::Command;

fn run(command: &mut Command) {
    let status = command.status().expect("starting a build tool");
    assert!(status.success(), "{command:?} failed");
}

fn main() {
    let out = PathBuf::from(env::var("OUT_DIR").unwrap());
    let cc = env::var("CC").unwrap_or_else(|_| "cc".to_string());
    let object = out.join("sum.o");
    run(Command::new(&cc)
        .args(["-c", "-g", "-fPIC", "csrc/sum.c", "-o"])
        .arg(&object));
    run(Command::new("ar")
        .arg("crs")
        .arg(out.join("libsum.a"))
        .arg(&object));
    println!("cargo:rustc-link-search=native={}", out.display());
    println!("cargo:rustc-link-lib=static=sum");
    println!("cargo:rerun-if-changed=csrc/sum.c");
}
