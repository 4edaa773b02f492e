//! libc calls that read or write memory on the program's behalf. The memory functions are checked
//! over their whole ranges with `__ffisan_check_range`; the others (`libc_table.rs`), whose ranges
//! the pass cannot know, get calls to the runtime's `__ffisan_libc_<hook>` with the same arguments
//! before the call, and `__ffisan_libc_<hook>_after` with the result too after it.
use inkwell::types::BasicMetadataTypeEnum;
use inkwell::values::{
    BasicMetadataValueEnum, BasicValueEnum, InstructionOpcode, InstructionValue,
};

use crate::contract;
use crate::emitter::Emitter;
use crate::ir;
use crate::libc_table::{self, Fortified, LibcFunction, Param, Refusal, Unit};
use crate::runtime_api::{self, Domain};
use crate::va_spill;

/// Kind of a memory function's parameter.
#[derive(Clone, Copy, PartialEq, Eq)]
enum MemParam {
    Ptr,
    Int,
}
use MemParam::{Int, Ptr};

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
const MEMORY_FUNCTIONS: &[(&str, &[MemParam], &[RangeArg])] = &[
    ("memcpy", &[Ptr, Ptr, Int], &[write(0, 2), read(1, 2)]),
    ("memmove", &[Ptr, Ptr, Int], &[write(0, 2), read(1, 2)]),
    ("mempcpy", &[Ptr, Ptr, Int], &[write(0, 2), read(1, 2)]),
    ("memset", &[Ptr, Int, Int], &[write(0, 2)]),
    ("memcmp", &[Ptr, Ptr, Int], &[read(0, 2), read(1, 2)]),
    ("bcmp", &[Ptr, Ptr, Int], &[read(0, 2), read(1, 2)]),
    ("bzero", &[Ptr, Int], &[write(0, 1)]),
    ("explicit_bzero", &[Ptr, Int], &[write(0, 1)]),
];

/// A call that gets a `libc_table` function's hooks.
#[derive(Clone, Copy, Debug)]
pub struct HookedCall {
    pub function: &'static LibcFunction,
    /// The `_FORTIFY_SOURCE` variant called in its place (`__sprintf_chk` for `sprintf`), whose
    /// arguments the hooks get only the plain function's of.
    pub fortified: Option<&'static Fortified>,
}

impl HookedCall {
    /// The call's arguments the hooks get, in the plain function's order (its fixed ones).
    fn fixed_args(&self) -> Vec<u32> {
        match self.fortified {
            Some(chk) => chk.args.to_vec(),
            None => {
                let fixed = self
                    .function
                    .params
                    .iter()
                    .filter(|p| **p != Param::Variadic)
                    .count() as u32;
                (0..fixed).collect()
            }
        }
    }

    /// Index of the call's first variadic argument (after all the called function's fixed ones).
    fn first_variadic(&self) -> u32 {
        let params = self
            .fortified
            .map_or(self.function.params, |chk| chk.params);
        params.iter().filter(|p| **p != Param::Variadic).count() as u32
    }
}

/// How a call is checked, if it is a libc or intrinsic call ffisan knows.
#[derive(Clone, Copy, Debug)]
pub enum KnownCall {
    /// A function of `libc_table` (or its `__*_chk` variant): call its runtime hooks.
    Hook(HookedCall),
    /// A memory function or `llvm.mem*` intrinsic: check these argument ranges.
    Ranges(&'static [RangeArg]),
}

fn is_pointer(v: Option<BasicValueEnum>) -> bool {
    matches!(v, Some(BasicValueEnum::PointerValue(p)) if ir::in_default_address_space(p))
}

fn shape_matches(call: InstructionValue, params: &[MemParam]) -> bool {
    ir::num_call_args(call) as usize == params.len()
        && params.iter().enumerate().all(|(i, p)| {
            let arg = ir::operand(call, i as u32);
            match p {
                Ptr => is_pointer(arg),
                Int => matches!(arg, Some(BasicValueEnum::IntValue(_))),
            }
        })
}

/// Whether the call passes what the libc function takes: its fixed parameters' kinds, and for a
/// variadic one a variadic call with as many fixed arguments.
fn hooked_shape_matches(call: InstructionValue, params: &[Param]) -> bool {
    let fixed = params.iter().filter(|p| **p != Param::Variadic).count();
    let variadic = params.last() == Some(&Param::Variadic);
    let count_ok = if variadic {
        va_spill::fixed_params(call) == Some(fixed as u32)
    } else {
        ir::num_call_args(call) as usize == fixed
    };
    count_ok
        && params[..fixed].iter().enumerate().all(|(i, p)| {
            let arg = ir::operand(call, i as u32);
            match p {
                Param::Ptr | Param::VaList => is_pointer(arg),
                Param::Int => matches!(arg, Some(BasicValueEnum::IntValue(_))),
                Param::Variadic => unreachable!("only the last parameter is variadic"),
            }
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
    if let Some(f) = libc_table::find(&name) {
        return hooked_shape_matches(call, f.params).then_some(KnownCall::Hook(HookedCall {
            function: f,
            fortified: None,
        }));
    }
    if let Some(chk) = libc_table::find_fortified(&name) {
        return classify_fortified(call, chk);
    }
    let (_, params, ranges) = MEMORY_FUNCTIONS.iter().find(|(n, _, _)| *n == name)?;
    shape_matches(call, params).then_some(KnownCall::Ranges(ranges))
}

/// A `__*_chk` call gets its plain function's check. The memory functions keep their argument
/// positions (the destination's length comes last), so their ranges apply as they are.
fn classify_fortified(call: InstructionValue, chk: &'static Fortified) -> Option<KnownCall> {
    if !hooked_shape_matches(call, chk.params) {
        return None;
    }
    if let Some(f) = libc_table::find(chk.plain) {
        return Some(KnownCall::Hook(HookedCall {
            function: f,
            fortified: Some(chk),
        }));
    }
    let (_, _, ranges) = MEMORY_FUNCTIONS.iter().find(|(n, _, _)| *n == chk.plain)?;
    Some(KnownCall::Ranges(ranges))
}

/// True for calls that cannot free memory, so an earlier check of a pointer stays valid across them:
/// intrinsics, the libc memory and string functions (`LibcFunction::may_free` false), and calls
/// LLVM proved both `nofree` and `nosync`
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
    name.starts_with("llvm.")
        || match classify(call) {
            Some(KnownCall::Hook(h)) => !h.function.may_free,
            Some(KnownCall::Ranges(_)) => true,
            None => false,
        }
}

/// Inserts the hooks of libc function `f` around `call`, at its debug location:
/// `__ffisan_libc_<hook>(args..., flags)` before it and `__ffisan_libc_<hook>_after(result,
/// args..., flags)` after it. A variadic call's `...` becomes one `va_list` over them
/// (`va_spill.rs`); a `va_list` argument reaches the after-hook as a copy taken before the call.
/// Calls whose variadic arguments the runtime cannot read get no hook. A `__*_chk` call's hooks
/// get the plain function's arguments only.
pub fn insert_hooks<'ctx>(
    em: &Emitter<'ctx>,
    call: InstructionValue<'ctx>,
    hooked: HookedCall,
    domain: Domain,
) {
    let f = hooked.function;
    if let Some(chk) = hooked.fortified {
        prepare_fortified(em, call, chk, domain);
    }
    let spilled = match f.params.last() {
        Some(Param::Variadic) => match va_spill::layout(em, call, hooked.first_variadic()) {
            Some(layout) => Some(layout),
            None => return,
        },
        _ => None,
    };
    let called = hooked.fortified.map_or(f.name, |chk| chk.name);
    let flags = runtime_api::access_flags(domain, false) | contract::libc_function_flags(called);
    let flags = em.i32.const_int(flags as u64, false);
    // The call's shape matched the libc function's: every fixed argument is a pointer or an integer.
    let mut args: Vec<BasicValueEnum> = hooked
        .fixed_args()
        .into_iter()
        .map(|i| ir::operand(call, i).expect("a libc argument is a pointer or an integer"))
        .collect();
    if let Some(layout) = &spilled {
        args.push(va_spill::build_va_list(em, call, layout).into());
    }
    if f.hooks_before() {
        em.position_before(call, ir::debug_loc(call));
        call_hook(em, f.hook, &args, flags);
    }
    // After the call: a plain call with a result (an invoke's result exists only on one edge).
    let result = crate::inkwell_gaps::result(call);
    let Some(next) = call.get_next_instruction() else {
        return;
    };
    if !f.hooks_after()
        || call.get_opcode() != InstructionOpcode::Call
        || ir::is_musttail_call(call)
        || result.is_none()
    {
        return;
    }
    for (i, p) in f.params.iter().enumerate() {
        if *p == Param::VaList {
            if let BasicValueEnum::PointerValue(ap) = args[i] {
                args[i] = va_spill::copy_va_list(em, call, ap).into();
            }
        }
    }
    let mut after_args = vec![result.expect("checked above")];
    after_args.extend(args);
    em.position_before(next, ir::debug_loc(call));
    call_hook(em, &format!("{}_after", f.hook), &after_args, flags);
}

/// What a `__*_chk` call needs besides its plain function's hooks: the check of a range glibc is
/// about to refuse, and SIZE_MAX for a destination length glibc would check only while writing.
fn prepare_fortified<'ctx>(
    em: &Emitter<'ctx>,
    call: InstructionValue<'ctx>,
    chk: &Fortified,
    domain: Domain,
) {
    if let Some(i) = chk.unbounded {
        if let Some(BasicValueEnum::IntValue(len)) = ir::operand(call, i) {
            let unbounded = len.get_type().const_all_ones();
            call.set_operand(i, unbounded);
        }
    }
    if let Some(refusal) = chk.refuses {
        refusal_check(em, call, chk.name, &refusal, domain);
    }
}

/// `__ffisan_libc_fortify_refused(ptr, count, unit, limit, limit_unit, flags)` before the call.
fn refusal_check<'ctx>(
    em: &Emitter<'ctx>,
    call: InstructionValue<'ctx>,
    name: &str,
    r: &Refusal,
    domain: Domain,
) {
    em.position_before(call, ir::debug_loc(call));
    let int = |i: u32| match ir::operand(call, i) {
        Some(BasicValueEnum::IntValue(v)) => Some(em.int_cast_to_i64(v)),
        _ => None,
    };
    let (Some(ptr), Some(count), Some(limit)) =
        (ir::operand(call, r.ptr), int(r.count), int(r.limit))
    else {
        return;
    };
    let unit = match r.unit {
        Unit::Bytes(n) => Some(em.const_i64(n)),
        Unit::Arg(i) => int(i),
    };
    let Some(unit) = unit else {
        return;
    };
    let args: [BasicValueEnum; 5] = [
        ptr,
        count.into(),
        unit.into(),
        limit.into(),
        em.const_i64(r.limit_unit).into(),
    ];
    let flags = runtime_api::access_flags(domain, false) | contract::libc_function_flags(name);
    let flags = em.i32.const_int(flags as u64, false);
    call_hook(em, contract::LIBC_FORTIFY_REFUSED_HOOK, &args, flags);
}

fn call_hook<'ctx>(
    em: &Emitter<'ctx>,
    hook: &str,
    args: &[BasicValueEnum<'ctx>],
    flags: inkwell::values::IntValue<'ctx>,
) {
    let types: Vec<BasicMetadataTypeEnum> = args.iter().map(|v| v.get_type().into()).collect();
    let hook = runtime_api::libc_hook(em, hook, &types);
    let mut call_args: Vec<BasicMetadataValueEnum> = args.iter().map(|&v| v.into()).collect();
    call_args.push(flags.into());
    hook.call(em, &call_args);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fortified_memory_functions_keep_their_plain_functions_argument_positions() {
        for chk in libc_table::FORTIFIED {
            if libc_table::find(chk.plain).is_some() {
                continue;
            }
            let (_, params, _) = MEMORY_FUNCTIONS
                .iter()
                .find(|(n, _, _)| *n == chk.plain)
                .unwrap_or_else(|| panic!("{}: {} is checked", chk.name, chk.plain));
            let prefix: Vec<u32> = (0..params.len() as u32).collect();
            assert_eq!(chk.args, prefix.as_slice(), "{}", chk.name);
        }
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
