//! ASan's global registration entry points, which instrumented modules' constructors and
//! destructors call (and Go's `-asan` runtime, with the same descriptor layout): forwarded to
//! `regions::globals`.

use crate::regions::globals::{self, GlobalDescriptor};

#[no_mangle]
pub extern "C" fn __asan_register_globals(descriptors: *const GlobalDescriptor, n: usize) {
    globals::register(descriptors as usize, n);
}

#[no_mangle]
pub extern "C" fn __asan_unregister_globals(descriptors: *const GlobalDescriptor, n: usize) {
    globals::unregister(descriptors as usize, n);
}
