//! The few IR queries and edits inkwell 0.11 does not offer (or offers in a form that would change what
//! the pass does), straight from the LLVM C API (llvm-sys). Each helper says which gap it fills.
//!
//! Every value and instruction handed to these helpers comes from the module being instrumented and
//! lives as long as that module; that is the invariant that makes the `unsafe` blocks below sound.
use inkwell::basic_block::BasicBlock;
use inkwell::builder::Builder;
use inkwell::context::ContextRef;
use inkwell::debug_info::{DILocation, DISubprogram};
use inkwell::module::Module;
use inkwell::targets::TargetData;
use inkwell::values::{
    AsValueRef, BasicValueEnum, FunctionValue, GlobalValue, InstructionOpcode, InstructionValue,
    PointerValue,
};
use llvm_sys::core::{
    LLVMGetAlignment, LLVMGetAllocatedType, LLVMGetBasicBlockTerminator, LLVMGetCalledValue,
    LLVMGetConstOpcode, LLVMGetNamedMetadata, LLVMGetNumSuccessors, LLVMGetOperand,
    LLVMGetSuccessor, LLVMGetTypeKind, LLVMGetUser, LLVMIsAConstantExpr, LLVMIsAGlobalVariable,
    LLVMIsInBounds, LLVMSetCurrentDebugLocation2, LLVMTypeIsSized, LLVMTypeOf,
};
use llvm_sys::debuginfo::{LLVMDIBuilderCreateDebugLocation, LLVMDILocationGetInlinedAt};
use llvm_sys::prelude::{LLVMBasicBlockRef, LLVMModuleRef, LLVMTypeRef, LLVMValueRef};
use llvm_sys::target::{LLVMABISizeOfType, LLVMStoreSizeOfType};
use llvm_sys::{LLVMOpcode, LLVMTypeKind};

/// Whether inkwell's `BasicValueEnum`/`BasicTypeEnum` can stand for a value of type `ty`: they panic
/// on tokens, metadata, labels, x86_amx and target extension types instead of refusing them.
fn is_basic_type(ty: LLVMTypeRef) -> bool {
    use LLVMTypeKind::*;
    // SAFETY: ty is a live type.
    let kind = unsafe { LLVMGetTypeKind(ty) };
    matches!(
        kind,
        LLVMHalfTypeKind
            | LLVMBFloatTypeKind
            | LLVMFloatTypeKind
            | LLVMDoubleTypeKind
            | LLVMX86_FP80TypeKind
            | LLVMFP128TypeKind
            | LLVMPPC_FP128TypeKind
            | LLVMIntegerTypeKind
            | LLVMStructTypeKind
            | LLVMPointerTypeKind
            | LLVMArrayTypeKind
            | LLVMVectorTypeKind
            | LLVMScalableVectorTypeKind
    )
}

/// `value` as a `BasicValueEnum`, or None when its type is one inkwell cannot represent.
fn basic_value<'ctx>(value: LLVMValueRef) -> Option<BasicValueEnum<'ctx>> {
    // SAFETY: value is a live value; it is wrapped only when its type is a basic type.
    unsafe {
        (!value.is_null() && is_basic_type(LLVMTypeOf(value))).then(|| BasicValueEnum::new(value))
    }
}

/// Operand `index` of `inst` (which must have it), if it is a first-class value. inkwell's
/// `get_operand` panics on token and metadata operands (intrinsic arguments), so this checks first.
pub fn operand<'ctx>(inst: InstructionValue<'ctx>, index: u32) -> Option<BasicValueEnum<'ctx>> {
    // SAFETY: callers only ask for operands the instruction has.
    basic_value(unsafe { LLVMGetOperand(inst.as_value_ref(), index) })
}

/// The result of `inst` as a value, if it has a first-class type (see `operand`).
pub fn result<'ctx>(inst: InstructionValue<'ctx>) -> Option<BasicValueEnum<'ctx>> {
    basic_value(inst.as_value_ref())
}

/// Store size of the type of `inst`'s result (operand None) or of its operand `index`, for the types
/// inkwell cannot represent but which can still be loaded and stored (x86_amx, target extension
/// types). None if the type is unsized.
pub fn unrepresentable_store_size(
    target_data: &TargetData,
    inst: InstructionValue,
    operand: Option<u32>,
) -> Option<u64> {
    // SAFETY: inst is live; operand, if given, exists; the size is asked only of a sized type.
    unsafe {
        let value = match operand {
            Some(index) => LLVMGetOperand(inst.as_value_ref(), index),
            None => inst.as_value_ref(),
        };
        let ty = LLVMTypeOf(value);
        (LLVMTypeIsSized(ty) != 0).then(|| LLVMStoreSizeOfType(target_data.as_mut_ptr(), ty))
    }
}

/// ABI size of the type an alloca allocates. inkwell's `get_allocated_type` panics on x86_amx and
/// target extension types, which can be allocated.
/// Whether an alloca allocates an array, a struct or a vector (not one scalar).
pub fn allocated_type_is_aggregate(alloca: InstructionValue) -> bool {
    use llvm_sys::LLVMTypeKind::*;
    // SAFETY: alloca is an alloca instruction.
    let kind = unsafe { LLVMGetTypeKind(LLVMGetAllocatedType(alloca.as_value_ref())) };
    matches!(
        kind,
        LLVMArrayTypeKind | LLVMStructTypeKind | LLVMVectorTypeKind | LLVMScalableVectorTypeKind
    )
}

pub fn allocated_size(target_data: &TargetData, alloca: InstructionValue) -> u64 {
    // SAFETY: alloca is an alloca instruction; allocated types are sized.
    unsafe {
        LLVMABISizeOfType(
            target_data.as_mut_ptr(),
            LLVMGetAllocatedType(alloca.as_value_ref()),
        )
    }
}

/// Alignment of an atomicrmw or cmpxchg: inkwell's `get_alignment` only answers for load, store and
/// alloca.
pub fn atomic_alignment(inst: InstructionValue) -> u32 {
    // SAFETY: only called on atomicrmw and cmpxchg, which carry an alignment.
    unsafe { LLVMGetAlignment(inst.as_value_ref()) }
}

/// The function a call, invoke or callbr calls directly, if any. inkwell's `get_called_fn_value`
/// also drops callees whose type differs from the call's (calls through unprototyped C
/// declarations), which the pass treats as the direct calls they are. Any other instruction (a
/// user walk meets phis, stores, GEPs) calls nothing: LLVM would read a phi's missing callee
/// operand out of bounds.
pub fn called_function<'ctx>(call: InstructionValue<'ctx>) -> Option<FunctionValue<'ctx>> {
    if !matches!(
        call.get_opcode(),
        InstructionOpcode::Call | InstructionOpcode::Invoke | InstructionOpcode::CallBr
    ) {
        return None;
    }
    // SAFETY: call is a call-like instruction; FunctionValue::new refuses non-functions.
    unsafe { FunctionValue::new(LLVMGetCalledValue(call.as_value_ref())) }
}

/// Whether a debug location says its instruction was inlined: inkwell's `DILocation` has no
/// `inlinedAt` accessor.
pub fn is_inlined_location(location: DILocation) -> bool {
    // SAFETY: location is a live DILocation.
    unsafe { !LLVMDILocationGetInlinedAt(location.as_mut_ptr()).is_null() }
}

/// Sets the builder's debug location to line 0 of `subprogram`. inkwell creates `DILocation`s only
/// through a `DebugInfoBuilder`, which would need (and add) a compile unit.
pub fn set_line_zero_location(builder: &Builder, context: &ContextRef, subprogram: DISubprogram) {
    // SAFETY: creates a DILocation in the module's context and sets it on a live builder.
    unsafe {
        let location = LLVMDIBuilderCreateDebugLocation(
            context.raw(),
            0,
            0,
            subprogram.as_mut_ptr(),
            std::ptr::null_mut(),
        );
        LLVMSetCurrentDebugLocation2(builder.as_mut_ptr(), location);
    }
}

/// The instructions using `inst`, each once, in use-list order. inkwell's `BasicValueUse::get_user`
/// panics on users of token type, so the user is read here (users of an instruction are instructions).
pub fn users<'ctx>(inst: InstructionValue<'ctx>) -> Vec<InstructionValue<'ctx>> {
    let mut out = Vec::new();
    let mut next = inst.get_first_use();
    while let Some(u) = next {
        // SAFETY: u is a live use of an instruction; its user is an instruction.
        let user = unsafe { InstructionValue::new(LLVMGetUser(u.as_mut_ptr())) };
        if !out.contains(&user) {
            out.push(user);
        }
        next = u.get_next_use();
    }
    out
}

/// For a constant expression that is a bitcast or an inbounds GEP, the pointer it is based on.
/// inkwell has no opcode, flag or operand queries for constant expressions.
pub fn constant_cast_or_inbounds_gep_base<'ctx>(
    value: BasicValueEnum<'ctx>,
) -> Option<BasicValueEnum<'ctx>> {
    let v = value.as_value_ref();
    // SAFETY: v is live; opcode, flag and operand 0 are read only from constant expressions that
    // are GEPs or bitcasts, which have them.
    unsafe {
        if LLVMIsAConstantExpr(v).is_null() {
            return None;
        }
        match LLVMGetConstOpcode(v) {
            LLVMOpcode::LLVMGetElementPtr if LLVMIsInBounds(v) != 0 => {
                basic_value(LLVMGetOperand(v, 0))
            }
            LLVMOpcode::LLVMBitCast => basic_value(LLVMGetOperand(v, 0)),
            _ => None,
        }
    }
}

/// `value` as a global variable, if it is one: inkwell's `GlobalValue` has no checked conversion.
pub fn as_global_variable<'ctx>(value: BasicValueEnum<'ctx>) -> Option<GlobalValue<'ctx>> {
    let v = value.as_value_ref();
    // SAFETY: v is live; it is wrapped only if it is a GlobalVariable.
    unsafe { (!LLVMIsAGlobalVariable(v).is_null()).then(|| GlobalValue::new(v)) }
}

/// Whether the module has the named metadata `name`, even with no operands: inkwell only counts
/// operands.
pub fn has_named_metadata(module: &Module, name: &str) -> bool {
    // SAFETY: looks a name up in the live module.
    unsafe {
        !LLVMGetNamedMetadata(module.as_mut_ptr(), name.as_ptr().cast(), name.len()).is_null()
    }
}

extern "C" {
    /// `shim/register.cpp`: `Value::stripAndAccumulateConstantOffsets` (non-inbounds GEPs too).
    fn ffisan_strip_constant_offsets(
        module: LLVMModuleRef,
        ptr: LLVMValueRef,
        offset: *mut i64,
    ) -> LLVMValueRef;
}

/// The pointer `ptr` is based on and its constant byte offset from it (`p->field`, `a[3]`): neither
/// inkwell nor the C API can accumulate GEP offsets. `ptr` itself and 0 when there is none.
pub fn base_and_constant_offset<'ctx>(
    module: &Module<'ctx>,
    ptr: PointerValue<'ctx>,
) -> (PointerValue<'ctx>, i64) {
    let mut offset = 0i64;
    // SAFETY: ptr is a live pointer of `module`; the shim returns a pointer value of the same type.
    unsafe {
        let base =
            ffisan_strip_constant_offsets(module.as_mut_ptr(), ptr.as_value_ref(), &mut offset);
        (PointerValue::new(base), offset)
    }
}

/// The successors of a block, as raw block references (inkwell has no successor query).
pub fn successors(bb: BasicBlock) -> Vec<LLVMBasicBlockRef> {
    // SAFETY: bb is a live block; its terminator, if any, has `LLVMGetNumSuccessors` successors.
    unsafe {
        let term = LLVMGetBasicBlockTerminator(bb.as_mut_ptr());
        if term.is_null() {
            return Vec::new();
        }
        (0..LLVMGetNumSuccessors(term))
            .map(|i| LLVMGetSuccessor(term, i))
            .collect()
    }
}

extern "C" {
    /// `shim/register.cpp`: `SplitBlockAndInsertIfThen` with branch weights; returns the new block's
    /// terminator.
    fn ffisan_split_block_if_then(
        cond: LLVMValueRef,
        split_before: LLVMValueRef,
        then_weight: u32,
        else_weight: u32,
    ) -> LLVMValueRef;
}

/// Splits `before`'s block on `cond` (an i1 computed earlier in the same block): a new block that
/// runs when `cond` holds and then joins at `before`. Returns that block's terminator (insert
/// before it). The C API has no `SplitBlockAndInsertIfThen`.
pub fn split_block_if_then<'ctx>(
    cond: inkwell::values::IntValue<'ctx>,
    before: InstructionValue<'ctx>,
    then_weight: u32,
    else_weight: u32,
) -> InstructionValue<'ctx> {
    // SAFETY: both values live in the module being instrumented; the shim returns the new block's
    // terminator, an instruction of that module.
    unsafe {
        InstructionValue::new(ffisan_split_block_if_then(
            cond.as_value_ref(),
            before.as_value_ref(),
            then_weight,
            else_weight,
        ))
    }
}

/// `shim/loops.cpp`'s answer for one access (`FfisanLoopCheck`, field for field).
#[repr(C)]
struct FfisanLoopCheck {
    access: LLVMValueRef,
    hoisted: bool,
    first: LLVMValueRef,
    count: LLVMValueRef,
    stride: i64,
    insert_before: LLVMValueRef,
    group: u32,
    group_offset: i64,
}

extern "C" {
    fn ffisan_hoist_loop_accesses(
        function: LLVMValueRef,
        items: *mut FfisanLoopCheck,
        n: u32,
    ) -> u32;
}

/// Where and over what a hoisted loop check runs: `count` accesses at `first`, `first + stride`,
/// ..., checked before `insert_before` (the loop preheader's terminator).
#[derive(Clone, Copy, Debug)]
pub struct LoopSpan<'ctx> {
    pub first: PointerValue<'ctx>,
    pub count: inkwell::values::IntValue<'ctx>,
    pub stride: i64,
    pub insert_before: InstructionValue<'ctx>,
    /// Index (in the accesses asked about) of the check leading this one's group: checks of one
    /// loop with the same count and stride whose `first`s lie a few bytes apart. Itself if none.
    pub group: usize,
    /// `first` minus the group leader's `first`, in bytes.
    pub group_offset: i64,
}

/// Whether a loop access's per-iteration check can go (see `shim/loops.cpp` for the conditions).
#[derive(Clone, Copy, Debug)]
pub enum LoopHoist<'ctx> {
    /// It stays.
    No,
    /// One check before the loop covers its iterations.
    Check(LoopSpan<'ctx>),
    /// The check of an earlier access of the same call covers its iterations too (together they
    /// walk one progression: an unrolled or vectorized loop).
    Covered,
}

/// For each of `accesses` (loads and stores of `f`, in block order), whether its checks can move
/// before its loop. LoopInfo and ScalarEvolution have no C API. Gives loops that lack one a
/// preheader and adds the expanded first addresses and counts there; changes nothing else.
pub fn hoistable_loop_accesses<'ctx>(
    f: FunctionValue<'ctx>,
    accesses: &[InstructionValue<'ctx>],
) -> Vec<LoopHoist<'ctx>> {
    let mut items: Vec<FfisanLoopCheck> = accesses
        .iter()
        .map(|a| FfisanLoopCheck {
            access: a.as_value_ref(),
            hoisted: false,
            first: std::ptr::null_mut(),
            count: std::ptr::null_mut(),
            stride: 0,
            insert_before: std::ptr::null_mut(),
            group: 0,
            group_offset: 0,
        })
        .collect();
    let n = u32::try_from(items.len()).expect("fewer than 2^32 accesses in a function");
    // SAFETY: f is a live function with a body and every item names one of its instructions; the
    // shim writes only the items' output fields.
    unsafe { ffisan_hoist_loop_accesses(f.as_value_ref(), items.as_mut_ptr(), n) };
    items
        .iter()
        .map(|item| match (item.hoisted, item.first.is_null()) {
            (false, _) => LoopHoist::No,
            (true, true) => LoopHoist::Covered,
            // SAFETY: a hoisted item's outputs are a pointer value, an i64 value and the
            // preheader's terminator, all of f.
            (true, false) => LoopHoist::Check(unsafe {
                LoopSpan {
                    first: PointerValue::new(item.first),
                    count: inkwell::values::IntValue::new(item.count),
                    stride: item.stride,
                    insert_before: InstructionValue::new(item.insert_before),
                    group: item.group as usize,
                    group_offset: item.group_offset,
                }
            }),
        })
        .collect()
}
