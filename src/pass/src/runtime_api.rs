//! The runtime entry points the pass calls, declared on demand in the module being instrumented.
//! Names and signatures follow `contract.rs` (one file, shared with the runtime).
use inkwell::attributes::{Attribute, AttributeLoc};
use inkwell::types::{BasicMetadataTypeEnum, FunctionType};
use inkwell::values::{BasicMetadataValueEnum, CallSiteValue, FunctionValue, IntValue, ValueKind};

use crate::contract::{self, flags};
use crate::emitter::Emitter;

pub const SLOW_ACCESS: &str = "__ffisan_slow_access";
pub const SLOW_PREFIX: &str = "__ffisan_slow_";
pub const CHECK_RANGE: &str = "__ffisan_check_range";
pub const CHECK_LOOP: &str = "__ffisan_check_loop";
pub const FAKE_FRAME_ENTER_PREFIX: &str = "__ffisan_fake_frame_enter_";
pub const ALLOCA_POISON: &str = "__ffisan_alloca_poison";
pub const ALLOCAS_UNPOISON: &str = "__ffisan_allocas_unpoison";
pub const CALL_WINDOW_BEGIN: &str = "ffisan_call_window_begin";
pub const CALL_WINDOW_END: &str = "ffisan_call_window_end";
pub const CGO_WINDOW_BEGIN: &str = "__ffisan_cgo_window_begin";
pub const CGO_LEND: &str = "__ffisan_cgo_lend";
pub const CGO_WINDOW_END: &str = "__ffisan_cgo_window_end";
pub const LIBC_HOOK_PREFIX: &str = "__ffisan_libc_";
/// Name of the internal constructor ffisan adds to every instrumented module.
pub const MODULE_CTOR: &str = "ffisan.module_ctor";
/// Name of the internal destructor that unregisters the module's padded globals.
pub const MODULE_DTOR: &str = "ffisan.module_dtor";
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
pub struct RuntimeFn<'ctx> {
    pub ty: FunctionType<'ctx>,
    pub func: FunctionValue<'ctx>,
}

/// LLVM's `preserve_mostcc` (CallingConv::PreserveMost): the callee keeps every general-purpose
/// register but r11. The check entry points use it (the runtime's stubs save the rest): their
/// calls sit in cold blocks throughout hot code, and with the C convention every one of them
/// would make the register allocator keep values out of nine registers, or spill them, around it.
/// Such a call must not go through a lazily bound PLT entry: the dynamic linker's resolver
/// clobbers registers the convention promises to keep, so the declarations are `nonlazybind`
/// (the call loads the address from the GOT, which the loader fills at start-up).
const PRESERVE_MOST: u32 = 14;

impl<'ctx> RuntimeFn<'ctx> {
    pub fn call(
        &self,
        em: &Emitter<'ctx>,
        args: &[BasicMetadataValueEnum<'ctx>],
    ) -> CallSiteValue<'ctx> {
        let call = em.call(self.ty, self.func, args);
        call.set_call_convention(self.func.get_call_conventions());
        call
    }

    /// Calls a runtime function that returns an integer (`__ffisan_fake_frame_enter`).
    pub fn call_for_int(
        &self,
        em: &Emitter<'ctx>,
        args: &[BasicMetadataValueEnum<'ctx>],
    ) -> IntValue<'ctx> {
        match self.call(em, args).try_as_basic_value() {
            ValueKind::Basic(value) => value.into_int_value(),
            ValueKind::Instruction(_) => {
                panic!("{} returns void", self.func.get_name().to_string_lossy())
            }
        }
    }
}

fn declare<'ctx>(em: &Emitter<'ctx>, name: &str, ty: FunctionType<'ctx>) -> RuntimeFn<'ctx> {
    RuntimeFn {
        ty,
        func: em.get_or_declare(name, ty),
    }
}

/// An entry point called on hot paths: `nonlazybind`, so the call loads its address from the GOT
/// instead of jumping through a PLT stub (for the check entry points also because a lazily
/// bound stub would clobber registers, see PRESERVE_MOST), and `nounwind`: it never throws.
fn declare_hot<'ctx>(em: &Emitter<'ctx>, name: &str, ty: FunctionType<'ctx>) -> RuntimeFn<'ctx> {
    let f = declare(em, name, ty);
    for attr in ["nonlazybind", "nounwind"] {
        let kind = Attribute::get_named_enum_kind_id(attr);
        f.func.add_attribute(
            AttributeLoc::Function,
            em.context.create_enum_attribute(kind, 0),
        );
    }
    f
}

/// A check entry point, called with `preserve_mostcc`.
fn declare_check<'ctx>(em: &Emitter<'ctx>, name: &str, ty: FunctionType<'ctx>) -> RuntimeFn<'ctx> {
    let f = declare_hot(em, name, ty);
    f.func.set_call_conventions(PRESERVE_MOST);
    f
}

/// `void __ffisan_slow_access(u64 addr, u64 size, u32 flags)`
pub fn slow_access<'ctx>(em: &Emitter<'ctx>) -> RuntimeFn<'ctx> {
    let ty = em.void_function_type(&[em.i64.into(), em.i64.into(), em.i32.into()]);
    declare_check(em, SLOW_ACCESS, ty)
}

/// `void __ffisan_slow_{load,store,rust_load,rust_store}{1,2,4,8,16}(u64 addr)`: the slow access
/// with its size and flags in the name, for every access the pass makes (one argument to pass in
/// each cold path instead of three).
pub fn sized_slow_access<'ctx>(
    em: &Emitter<'ctx>,
    size: u64,
    flags: u32,
) -> Option<RuntimeFn<'ctx>> {
    let kind = match (
        flags & contract::flags::WRITE != 0,
        flags >> contract::flags::DOMAIN_SHIFT,
    ) {
        (false, contract::flags::DOMAIN_C) => "load",
        (true, contract::flags::DOMAIN_C) => "store",
        (false, contract::flags::DOMAIN_RUST) => "rust_load",
        (true, contract::flags::DOMAIN_RUST) => "rust_store",
        _ => return None,
    };
    if !matches!(size, 1 | 2 | 4 | 8 | 16) {
        return None;
    }
    let ty = em.void_function_type(&[em.i64.into()]);
    Some(declare_check(em, &format!("{SLOW_PREFIX}{kind}{size}"), ty))
}

/// `void __ffisan_check_range(u64 addr, u64 size, u32 flags)`
pub fn check_range<'ctx>(em: &Emitter<'ctx>) -> RuntimeFn<'ctx> {
    let ty = em.void_function_type(&[em.i64.into(), em.i64.into(), em.i32.into()]);
    declare_check(em, CHECK_RANGE, ty)
}

/// `void __ffisan_check_loop(u64 first, u64 count, i64 stride, u64 size, u32 flags)`
pub fn check_loop<'ctx>(em: &Emitter<'ctx>) -> RuntimeFn<'ctx> {
    let params = [
        em.i64.into(),
        em.i64.into(),
        em.i64.into(),
        em.i64.into(),
        em.i32.into(),
    ];
    declare_check(em, CHECK_LOOP, em.void_function_type(&params))
}

/// `u64 __ffisan_fake_frame_enter_<class>(u64 real_frame)`; 0 keeps the locals on the real stack.
pub fn fake_frame_enter<'ctx>(em: &Emitter<'ctx>, class: usize) -> RuntimeFn<'ctx> {
    let ty = em.i64.fn_type(&[em.i64.into()], false);
    declare_hot(em, &format!("{FAKE_FRAME_ENTER_PREFIX}{class}"), ty)
}

/// `void __ffisan_alloca_poison(u64 object, u64 size)`: paints a dynamic alloca's redzones.
pub fn alloca_poison<'ctx>(em: &Emitter<'ctx>) -> RuntimeFn<'ctx> {
    let ty = em.void_function_type(&[em.i64.into(), em.i64.into()]);
    declare_hot(em, ALLOCA_POISON, ty)
}

/// `void __ffisan_allocas_unpoison(u64 lo, u64 hi)`: clears the dynamic allocas in [lo, hi).
pub fn allocas_unpoison<'ctx>(em: &Emitter<'ctx>) -> RuntimeFn<'ctx> {
    let ty = em.void_function_type(&[em.i64.into(), em.i64.into()]);
    declare_hot(em, ALLOCAS_UNPOISON, ty)
}

pub fn call_window_begin<'ctx>(em: &Emitter<'ctx>) -> RuntimeFn<'ctx> {
    declare_hot(em, CALL_WINDOW_BEGIN, em.void_function_type(&[]))
}

pub fn call_window_end<'ctx>(em: &Emitter<'ctx>) -> RuntimeFn<'ctx> {
    declare_hot(em, CALL_WINDOW_END, em.void_function_type(&[]))
}

/// `void __ffisan_cgo_window_begin(void)`: a cgo call's window, which lends only what
/// `__ffisan_cgo_lend` names.
pub fn cgo_window_begin<'ctx>(em: &Emitter<'ctx>) -> RuntimeFn<'ctx> {
    declare_hot(em, CGO_WINDOW_BEGIN, em.void_function_type(&[]))
}

/// `void __ffisan_cgo_lend(u64 value)`: a word the wrapper read from Go's argument frame.
pub fn cgo_lend<'ctx>(em: &Emitter<'ctx>) -> RuntimeFn<'ctx> {
    declare_hot(em, CGO_LEND, em.void_function_type(&[em.i64.into()]))
}

pub fn cgo_window_end<'ctx>(em: &Emitter<'ctx>) -> RuntimeFn<'ctx> {
    declare_hot(em, CGO_WINDOW_END, em.void_function_type(&[]))
}

pub fn init<'ctx>(em: &Emitter<'ctx>) -> RuntimeFn<'ctx> {
    declare(em, &init_name(), em.void_function_type(&[]))
}

/// `void __asan_register_globals(ptr descriptors, i64 n)` and its `__asan_unregister_globals`.
pub fn globals_entry<'ctx>(em: &Emitter<'ctx>, name: &str) -> RuntimeFn<'ctx> {
    declare(
        em,
        name,
        em.void_function_type(&[em.ptr.into(), em.i64.into()]),
    )
}

/// `void __ffisan_libc_<name>(<the libc function's own arguments>..., u32 flags)`
pub fn libc_hook<'ctx>(
    em: &Emitter<'ctx>,
    libc_name: &str,
    arg_types: &[BasicMetadataTypeEnum<'ctx>],
) -> RuntimeFn<'ctx> {
    let mut params = arg_types.to_vec();
    params.push(em.i32.into());
    let ty = em.void_function_type(&params);
    declare_hot(em, &format!("{LIBC_HOOK_PREFIX}{libc_name}"), ty)
}
