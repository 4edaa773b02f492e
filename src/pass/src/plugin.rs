//! Plugin entry point: the `PassPluginLibraryInfo` that clang, opt and rustc ask for when they load
//! `libffisan_pass.so`. A Rust cdylib exports only Rust's `#[no_mangle]` symbols, so the entry point
//! lives here and points at the C++ shim that registers the pass with the host's `PassBuilder`.
use std::ffi::{c_char, c_void};

/// `LLVM_PLUGIN_API_VERSION` in `llvm/Plugins/PassPlugin.h` (LLVM 22).
const LLVM_PLUGIN_API_VERSION: u32 = 2;

/// Mirrors `llvm::PassPluginLibraryInfo` (LLVM 22, API version 2) field for field.
#[repr(C)]
pub struct PassPluginLibraryInfo {
    api_version: u32,
    plugin_name: *const c_char,
    plugin_version: *const c_char,
    register_pass_builder_callbacks: Option<unsafe extern "C" fn(pass_builder: *mut c_void)>,
    /// `PreCodeGenCallback`: unused, but part of the struct the host expects back by value.
    pre_codegen_callback: Option<unsafe extern "C" fn()>,
}

extern "C" {
    /// `shim/register.cpp`: registers the `ffisan` module pass (OptimizerLastEP and pipeline name).
    fn ffisan_register_pass_builder_callbacks(pass_builder: *mut c_void);
}

/// The public entry point of an LLVM pass plugin.
#[no_mangle]
pub extern "C" fn llvmGetPassPluginInfo() -> PassPluginLibraryInfo {
    PassPluginLibraryInfo {
        api_version: LLVM_PLUGIN_API_VERSION,
        plugin_name: c"ffisan".as_ptr(),
        plugin_version: concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast(),
        register_pass_builder_callbacks: Some(ffisan_register_pass_builder_callbacks),
        pre_codegen_callback: None,
    }
}
