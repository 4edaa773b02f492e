//! The runtime entry points the pass calls, declared on demand in the module being instrumented.
//! Names and signatures follow `contract.rs` (the runtime's `contract.rs` is the other half).
use llvm_sys::prelude::LLVMTypeRef;

use crate::contract::{self, flags};
use crate::ir::{Emitter, Value};

pub const SLOW_ACCESS: &str = "__ffisan_slow_access";
pub const CHECK_RANGE: &str = "__ffisan_check_range";
pub const FAKE_FRAME_ENTER: &str = "__ffisan_fake_frame_enter";
pub const FAKE_FRAME_LEAVE: &str = "__ffisan_fake_frame_leave";
pub const CALL_WINDOW_BEGIN: &str = "ffisan_call_window_begin";
pub const CALL_WINDOW_END: &str = "ffisan_call_window_end";
pub const LIBC_HOOK_PREFIX: &str = "__ffisan_libc_";
/// Name of the internal constructor ffisan adds to every instrumented module.
pub const MODULE_CTOR: &str = "ffisan.module_ctor";
/// Named metadata that marks a module as instrumented (the pass may run twice over one module).
pub const INSTRUMENTED_MARKER: &str = "ffisan.instrumented";

/// `__ffisan_init_v<ABI_VERSION>`: a stale runtime fails at link time.
pub fn init_name() -> String {
    format!("__ffisan_init_v{}", contract::ABI_VERSION)
}

/// The source language of the instrumented code, as encoded in `flags`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Domain {
    C,
    Rust,
}

/// The `flags` argument of every check entry point.
pub fn access_flags(domain: Domain, is_write: bool) -> u32 {
    let domain_bits = match domain {
        Domain::C => flags::DOMAIN_C,
        Domain::Rust => flags::DOMAIN_RUST,
    } << flags::DOMAIN_SHIFT;
    domain_bits | if is_write { flags::WRITE } else { 0 }
}

/// A runtime function: its type (for the call) and its declaration in the module.
#[derive(Clone, Copy)]
pub struct RuntimeFn {
    pub ty: LLVMTypeRef,
    pub func: Value,
}

impl RuntimeFn {
    pub fn call(&self, em: &Emitter, args: &mut [Value]) -> Value {
        em.call(self.ty, self.func, args)
    }
}

fn declare(em: &Emitter, name: &str, ret: LLVMTypeRef, params: &mut [LLVMTypeRef]) -> RuntimeFn {
    let ty = em.function_type(ret, params);
    RuntimeFn {
        ty,
        func: em.get_or_declare(name, ty),
    }
}

/// `void __ffisan_slow_access(u64 addr, u64 size, u32 flags)`
pub fn slow_access(em: &Emitter) -> RuntimeFn {
    declare(em, SLOW_ACCESS, em.void, &mut [em.i64, em.i64, em.i32])
}

/// `void __ffisan_check_range(u64 addr, u64 size, u32 flags)`
pub fn check_range(em: &Emitter) -> RuntimeFn {
    declare(em, CHECK_RANGE, em.void, &mut [em.i64, em.i64, em.i32])
}

/// `u64 __ffisan_fake_frame_enter(u64 size, u64 real_frame)`; 0 keeps the locals on the real stack.
pub fn fake_frame_enter(em: &Emitter) -> RuntimeFn {
    declare(em, FAKE_FRAME_ENTER, em.i64, &mut [em.i64, em.i64])
}

/// `void __ffisan_fake_frame_leave(u64 frame, u64 size)`
pub fn fake_frame_leave(em: &Emitter) -> RuntimeFn {
    declare(em, FAKE_FRAME_LEAVE, em.void, &mut [em.i64, em.i64])
}

pub fn call_window_begin(em: &Emitter) -> RuntimeFn {
    declare(em, CALL_WINDOW_BEGIN, em.void, &mut [])
}

pub fn call_window_end(em: &Emitter) -> RuntimeFn {
    declare(em, CALL_WINDOW_END, em.void, &mut [])
}

pub fn init(em: &Emitter) -> RuntimeFn {
    declare(em, &init_name(), em.void, &mut [])
}

/// `void __ffisan_libc_<name>(<the libc function's own arguments>..., u32 flags)`
pub fn libc_hook(em: &Emitter, libc_name: &str, arg_types: &[LLVMTypeRef]) -> RuntimeFn {
    let mut params: Vec<LLVMTypeRef> = arg_types.to_vec();
    params.push(em.i32);
    declare(
        em,
        &format!("{LIBC_HOOK_PREFIX}{libc_name}"),
        em.void,
        &mut params,
    )
}
