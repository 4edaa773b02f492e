//! libc calls that read or write memory on the program's behalf. The memory functions are checked
//! over their whole ranges with `__ffisan_check_range`; the string functions, whose range the pass
//! cannot know, get a call to the runtime's `__ffisan_libc_<name>` hook with the same arguments.
use inkwell::types::BasicMetadataTypeEnum;
use inkwell::values::{BasicMetadataValueEnum, BasicValueEnum, InstructionValue};

use crate::contract::LIBC_HOOKED;
use crate::emitter::Emitter;
use crate::ir;
use crate::runtime_api::{self, Domain};

/// Kind of a libc parameter, to recognise only calls whose shape matches the libc function.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Param {
    Ptr,
    Int,
}
use Param::{Int, Ptr};

/// The string functions the runtime hooks, with their parameters (checked against `LIBC_HOOKED`).
const STRING_FUNCTIONS: &[(&str, &[Param])] = &[
    ("strlen", &[Ptr]),
    ("strnlen", &[Ptr, Int]),
    ("strcpy", &[Ptr, Ptr]),
    ("strncpy", &[Ptr, Ptr, Int]),
    ("strcat", &[Ptr, Ptr]),
    ("strncat", &[Ptr, Ptr, Int]),
    ("strcmp", &[Ptr, Ptr]),
    ("strncmp", &[Ptr, Ptr, Int]),
    ("strchr", &[Ptr, Int]),
    ("strrchr", &[Ptr, Int]),
    ("strstr", &[Ptr, Ptr]),
    ("strdup", &[Ptr]),
    ("strndup", &[Ptr, Int]),
];

/// One range a memory function touches: pointer argument, length argument, written or read.
#[derive(Clone, Copy, Debug)]
pub struct RangeArg {
    pub ptr_arg: u32,
    pub len_arg: u32,
    pub is_write: bool,
}

const fn read(ptr_arg: u32, len_arg: u32) -> RangeArg {
    RangeArg {
        ptr_arg,
        len_arg,
        is_write: false,
    }
}
const fn write(ptr_arg: u32, len_arg: u32) -> RangeArg {
    RangeArg {
        ptr_arg,
        len_arg,
        is_write: true,
    }
}

/// The memory functions and the ranges they touch (also used for the `llvm.mem*` intrinsics).
const MEMORY_FUNCTIONS: &[(&str, &[Param], &[RangeArg])] = &[
    ("memcpy", &[Ptr, Ptr, Int], &[write(0, 2), read(1, 2)]),
    ("memmove", &[Ptr, Ptr, Int], &[write(0, 2), read(1, 2)]),
    ("memset", &[Ptr, Int, Int], &[write(0, 2)]),
    ("memcmp", &[Ptr, Ptr, Int], &[read(0, 2), read(1, 2)]),
    ("bcmp", &[Ptr, Ptr, Int], &[read(0, 2), read(1, 2)]),
    ("bzero", &[Ptr, Int], &[write(0, 1)]),
];

/// How a call is checked, if it is a libc or intrinsic call ffisan knows.
#[derive(Clone, Copy, Debug)]
pub enum KnownCall {
    /// A string function: call `__ffisan_libc_<name>` first.
    StringHook(&'static str),
    /// A memory function or `llvm.mem*` intrinsic: check these argument ranges.
    Ranges(&'static [RangeArg]),
}

fn shape_matches(call: InstructionValue, params: &[Param]) -> bool {
    if ir::num_call_args(call) as usize != params.len() {
        return false;
    }
    params
        .iter()
        .enumerate()
        .all(|(i, p)| match (p, ir::operand(call, i as u32)) {
            (Ptr, Some(BasicValueEnum::PointerValue(ptr))) => ir::in_default_address_space(ptr),
            (Int, Some(BasicValueEnum::IntValue(_))) => true,
            _ => false,
        })
}

/// The libc function an `llvm.mem*` intrinsic stands for (`llvm.memcpy.inline.p0.p0.i64` → memcpy).
fn intrinsic_libc_name(callee: &str) -> Option<&'static str> {
    let rest = callee.strip_prefix("llvm.")?;
    ["memcpy", "memmove", "memset"].into_iter().find(|base| {
        // `llvm.memset.pattern` counts pattern repetitions, not bytes: not a byte range.
        rest.strip_prefix(base).is_some_and(|tail| {
            (tail.starts_with('.') && !tail.starts_with(".pattern")) || tail.is_empty()
        })
    })
}

/// Classifies a call: a hooked string function, a memory function or intrinsic, or nothing known.
/// Only calls to declared (external) functions count as libc: a module's own `strlen` is ordinary code.
pub fn classify(call: InstructionValue) -> Option<KnownCall> {
    let callee = ir::called_function(call)?;
    let name = ir::function_name(callee);
    if let Some(base) = intrinsic_libc_name(&name) {
        let (_, _, ranges) = MEMORY_FUNCTIONS.iter().find(|(n, _, _)| *n == base)?;
        // Intrinsics carry an extra `i1 isvolatile`; their first three arguments match libc's.
        return (ir::num_call_args(call) >= 3).then_some(KnownCall::Ranges(ranges));
    }
    if !ir::is_declaration(callee) {
        return None;
    }
    if let Some((n, params)) = STRING_FUNCTIONS.iter().find(|(n, _)| *n == name) {
        debug_assert!(LIBC_HOOKED.contains(n));
        return shape_matches(call, params).then_some(KnownCall::StringHook(n));
    }
    let (_, params, ranges) = MEMORY_FUNCTIONS.iter().find(|(n, _, _)| *n == name)?;
    shape_matches(call, params).then_some(KnownCall::Ranges(ranges))
}

/// True for calls that cannot free memory, so an earlier check of a pointer stays valid across them:
/// intrinsics, the libc memory and string functions, and calls LLVM proved both `nofree` and `nosync`
/// (its function attributes pass infers them for module functions, e.g. Lua's `singlematch`).
/// `nofree` alone is not enough: LangRef lets such a callee synchronise with another thread that
/// then frees the memory; with `nosync` too, a free in between would be a data race.
pub fn cannot_free(call: InstructionValue) -> bool {
    if ir::call_has_fn_attr(call, "nofree") && ir::call_has_fn_attr(call, "nosync") {
        return true;
    }
    let Some(name) = ir::callee_name(call) else {
        return false;
    };
    name.starts_with("llvm.") || classify(call).is_some()
}

/// Inserts `__ffisan_libc_<name>(args..., flags)` right before the libc call, at its debug location.
pub fn insert_string_hook<'ctx>(
    em: &Emitter<'ctx>,
    call: InstructionValue<'ctx>,
    libc_name: &str,
    domain: Domain,
) {
    // The call's shape matched the libc function's: every argument is a pointer or an integer.
    let values: Vec<BasicValueEnum> = (0..ir::num_call_args(call))
        .map(|i| ir::operand(call, i).expect("a libc argument is a pointer or an integer"))
        .collect();
    let types: Vec<BasicMetadataTypeEnum> = values.iter().map(|v| v.get_type().into()).collect();
    let hook = runtime_api::libc_hook(em, libc_name, &types);
    let flags = runtime_api::access_flags(domain, false) as u64;
    let mut args: Vec<BasicMetadataValueEnum> = values.into_iter().map(Into::into).collect();
    args.push(em.i32.const_int(flags, false).into());
    em.position_before(call, ir::debug_loc(call));
    hook.call(em, &args);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_hooked_string_function_has_a_shape() {
        for name in LIBC_HOOKED {
            assert!(STRING_FUNCTIONS.iter().any(|(n, _)| n == name), "{name}");
        }
        assert_eq!(STRING_FUNCTIONS.len(), LIBC_HOOKED.len());
    }

    #[test]
    fn intrinsic_names() {
        assert_eq!(intrinsic_libc_name("llvm.memcpy.p0.p0.i64"), Some("memcpy"));
        assert_eq!(
            intrinsic_libc_name("llvm.memcpy.inline.p0.p0.i64"),
            Some("memcpy")
        );
        assert_eq!(
            intrinsic_libc_name("llvm.memset.inline.p0.i64"),
            Some("memset")
        );
        assert_eq!(
            intrinsic_libc_name("llvm.memmove.p0.p0.i32"),
            Some("memmove")
        );
        assert_eq!(
            intrinsic_libc_name("llvm.memcpy.element.unordered.atomic.p0.p0.i64"),
            Some("memcpy")
        );
        assert_eq!(intrinsic_libc_name("llvm.memcpyx"), None);
        assert_eq!(intrinsic_libc_name("llvm.memset.pattern.p0.i64.i128"), None);
    }
}
