//! Compiles the C++ registration shim against the LLVM headers of `llvm-config` (LLVM 22). Nothing of
//! LLVM is linked: the plugin binds to the LLVM of the compiler that loads it.
use std::process::Command;

fn main() {
    let llvm_config = std::env::var("LLVM_CONFIG").unwrap_or_else(|_| "llvm-config-22".to_string());
    let output = Command::new(&llvm_config)
        .arg("--cxxflags")
        .output()
        .unwrap_or_else(|e| panic!("running {llvm_config} --cxxflags: {e}"));
    assert!(output.status.success(), "{llvm_config} --cxxflags failed");
    let cxxflags = String::from_utf8(output.stdout).expect("llvm-config output is UTF-8");

    let mut build = cc::Build::new();
    build
        .cpp(true)
        .file("shim/register.cpp")
        .file("shim/loops.cpp")
        .file("shim/globals.cpp");
    if std::env::var_os("CXX").is_none()
        && Command::new("clang++-22").arg("--version").output().is_ok()
    {
        build.compiler("clang++-22");
    }
    for flag in cxxflags.split_whitespace() {
        build.flag(flag);
    }
    // LLVM is built without RTTI and exceptions; matching it avoids undefined typeinfo symbols.
    build
        .flag("-fno-rtti")
        .flag("-fno-exceptions")
        .flag("-fvisibility=hidden");
    build.warnings(false);
    build.compile("ffisan_shim");

    println!("cargo:rerun-if-changed=shim/register.cpp");
    println!("cargo:rerun-if-changed=shim/loops.cpp");
    println!("cargo:rerun-if-changed=shim/globals.cpp");
    println!("cargo:rerun-if-env-changed=LLVM_CONFIG");
}
