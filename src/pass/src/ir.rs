//! Thin, safe-to-call helpers over the LLVM C API (llvm-sys) for what inkwell does not wrap: names,
//! metadata kinds, debug locations, call targets, data layout sizes, and an IR emitter whose every
//! instruction is marked `!nosanitize` so neither ffisan nor other sanitizers touch it again.
//!
//! Every `LLVMValueRef` handed to these helpers comes from the module being instrumented and lives as
//! long as that module; that is the invariant that makes the `unsafe` blocks below sound.
use std::ffi::{c_char, CString};
use std::ptr;

use llvm_sys::core::*;
use llvm_sys::debuginfo::LLVMDILocationGetInlinedAt;
use llvm_sys::debuginfo::{
    LLVMDIBuilderCreateDebugLocation, LLVMGetSubprogram, LLVMInstructionGetDebugLoc,
};
use llvm_sys::prelude::*;
use llvm_sys::target::{
    LLVMABISizeOfType, LLVMGetModuleDataLayout, LLVMStoreSizeOfType, LLVMTargetDataRef,
};
use llvm_sys::{LLVMIntPredicate, LLVMOpcode, LLVMTypeKind};

pub type Value = LLVMValueRef;

/// `LLVMAttributeFunctionIndex`: attributes of the function itself.
pub const FUNCTION_INDEX: u32 = u32::MAX;

fn cstr(s: &str) -> CString {
    CString::new(s).expect("LLVM names used by ffisan contain no NUL")
}

/// The name of a value (function, global, instruction); empty if it has none.
pub fn name(v: Value) -> String {
    let mut len = 0usize;
    // SAFETY: v is a live value; LLVM returns a pointer to its name with its length.
    unsafe {
        let p = LLVMGetValueName2(v, &mut len);
        bytes_to_string(p, len)
    }
}

/// # Safety
/// `p` must point to `len` readable bytes or be null.
pub unsafe fn bytes_to_string(p: *const c_char, len: usize) -> String {
    if p.is_null() {
        return String::new();
    }
    // SAFETY: the caller guarantees p points to len readable bytes.
    let bytes = unsafe { std::slice::from_raw_parts(p.cast::<u8>(), len) };
    String::from_utf8_lossy(bytes).into_owned()
}

pub fn opcode(inst: Value) -> LLVMOpcode {
    // SAFETY: inst is a live instruction.
    unsafe { LLVMGetInstructionOpcode(inst) }
}

pub fn operand(user: Value, index: u32) -> Value {
    // SAFETY: callers only ask for operands the instruction kind has.
    unsafe { LLVMGetOperand(user, index) }
}

pub fn num_operands(user: Value) -> u32 {
    // SAFETY: user is a live value.
    unsafe { LLVMGetNumOperands(user) as u32 }
}

pub fn type_of(v: Value) -> LLVMTypeRef {
    // SAFETY: v is a live value.
    unsafe { LLVMTypeOf(v) }
}

pub fn is_pointer(ty: LLVMTypeRef) -> bool {
    // SAFETY: ty is a live type.
    unsafe { LLVMGetTypeKind(ty) == LLVMTypeKind::LLVMPointerTypeKind }
}

pub fn is_integer(ty: LLVMTypeRef) -> bool {
    // SAFETY: ty is a live type.
    unsafe { LLVMGetTypeKind(ty) == LLVMTypeKind::LLVMIntegerTypeKind }
}

/// Address space of a pointer-typed value (0 is ordinary memory; x86 uses 256/257 for %gs/%fs).
pub fn address_space(ptr: Value) -> u32 {
    // SAFETY: callers pass pointer-typed values.
    unsafe { LLVMGetPointerAddressSpace(LLVMTypeOf(ptr)) }
}

pub fn alignment(inst: Value) -> u32 {
    // SAFETY: only called on load, store, atomicrmw, cmpxchg and alloca, which carry an alignment.
    unsafe { LLVMGetAlignment(inst) }
}

/// The function a call or invoke calls directly, if it is a direct call.
pub fn called_function(call: Value) -> Option<Value> {
    // SAFETY: call is a call/invoke/callbr instruction.
    unsafe {
        let callee = LLVMGetCalledValue(call);
        (!callee.is_null() && !LLVMIsAFunction(callee).is_null()).then_some(callee)
    }
}

/// Name of the directly called function, or None for indirect calls and inline asm.
pub fn callee_name(call: Value) -> Option<String> {
    called_function(call).map(name)
}

pub fn is_call_like(inst: Value) -> bool {
    matches!(
        opcode(inst),
        LLVMOpcode::LLVMCall | LLVMOpcode::LLVMInvoke | LLVMOpcode::LLVMCallBr
    )
}

pub fn num_call_args(call: Value) -> u32 {
    // SAFETY: call is a call-like instruction.
    unsafe { LLVMGetNumArgOperands(call) }
}

pub fn is_declaration(global: Value) -> bool {
    // SAFETY: global is a live global value.
    unsafe { LLVMIsDeclaration(global) != 0 }
}

pub fn const_int_value(v: Value) -> Option<u64> {
    // SAFETY: v is a live value; the value is read only if it is a ConstantInt of at most 64 bits.
    unsafe {
        if LLVMIsAConstantInt(v).is_null() || LLVMGetIntTypeWidth(LLVMTypeOf(v)) > 64 {
            return None;
        }
        Some(LLVMConstIntGetZExtValue(v))
    }
}

/// The debug location of an instruction (null if it has none).
pub fn debug_loc(inst: Value) -> LLVMMetadataRef {
    // SAFETY: inst is a live instruction.
    unsafe { LLVMInstructionGetDebugLoc(inst) }
}

/// True when the instruction's debug location says it was inlined from another function.
pub fn is_inlined(inst: Value) -> bool {
    let loc = debug_loc(inst);
    // SAFETY: loc is a DILocation when non-null.
    !loc.is_null() && unsafe { !LLVMDILocationGetInlinedAt(loc).is_null() }
}

/// Whether function `f` carries the enum attribute `attr` (e.g. "naked").
pub fn function_has_attr(f: Value, attr: &str) -> bool {
    // SAFETY: f is a live function; the attribute kind is looked up by name.
    unsafe {
        let kind = LLVMGetEnumAttributeKindForName(attr.as_ptr().cast(), attr.len());
        kind != 0 && !LLVMGetEnumAttributeAtIndex(f, FUNCTION_INDEX, kind).is_null()
    }
}

/// Whether a call site or its callee carries the function attribute `attr`.
pub fn call_has_fn_attr(call: Value, attr: &str) -> bool {
    // SAFETY: call is a call-like instruction.
    let on_site = unsafe {
        let kind = LLVMGetEnumAttributeKindForName(attr.as_ptr().cast(), attr.len());
        kind != 0 && !LLVMGetCallSiteEnumAttribute(call, FUNCTION_INDEX, kind).is_null()
    };
    on_site || called_function(call).is_some_and(|f| function_has_attr(f, attr))
}

pub fn is_musttail_call(inst: Value) -> bool {
    // SAFETY: only asked of call instructions.
    opcode(inst) == LLVMOpcode::LLVMCall
        && unsafe {
            LLVMGetTailCallKind(inst) == llvm_sys::LLVMTailCallKind::LLVMTailCallKindMustTail
        }
}

/// Users of a value, each once, collected before anything is changed.
pub fn users(v: Value) -> Vec<Value> {
    let mut out = Vec::new();
    // SAFETY: walking the use list of a live value without modifying it.
    unsafe {
        let mut u = LLVMGetFirstUse(v);
        while !u.is_null() {
            let user = LLVMGetUser(u);
            if !out.contains(&user) {
                out.push(user);
            }
            u = LLVMGetNextUse(u);
        }
    }
    out
}

/// Replaces every operand of `user` that is `from` by `to`.
pub fn replace_operand_uses(user: Value, from: Value, to: Value) {
    for i in 0..num_operands(user) {
        if operand(user, i) == from {
            // SAFETY: `to` has the type of `from` (both pointers), so the IR stays well-typed.
            unsafe { LLVMSetOperand(user, i, to) };
        }
    }
}

pub fn erase(inst: Value) {
    // SAFETY: callers erase instructions with no remaining uses (void intrinsic calls).
    unsafe { LLVMInstructionEraseFromParent(inst) }
}

/// Instructions of a basic block, in order.
pub fn block_instructions(bb: LLVMBasicBlockRef) -> Vec<Value> {
    let mut out = Vec::new();
    // SAFETY: iterating a live block without modifying it.
    unsafe {
        let mut i = LLVMGetFirstInstruction(bb);
        while !i.is_null() {
            out.push(i);
            i = LLVMGetNextInstruction(i);
        }
    }
    out
}

pub fn function_blocks(f: Value) -> Vec<LLVMBasicBlockRef> {
    let mut out = Vec::new();
    // SAFETY: iterating a live function's blocks without modifying them.
    unsafe {
        let mut bb = LLVMGetFirstBasicBlock(f);
        while !bb.is_null() {
            out.push(bb);
            bb = LLVMGetNextBasicBlock(bb);
        }
    }
    out
}

pub fn parent_function(inst: Value) -> Value {
    // SAFETY: inst is an instruction inserted in a block of a function.
    unsafe { LLVMGetBasicBlockParent(LLVMGetInstructionParent(inst)) }
}

/// Module-wide facts and the IR emitter, shared by every step of the pass.
pub struct Emitter {
    pub module: LLVMModuleRef,
    pub ctx: LLVMContextRef,
    pub builder: LLVMBuilderRef,
    pub data_layout: LLVMTargetDataRef,
    pub nosanitize_kind: u32,
    nosanitize_node: Value,
    pub void: LLVMTypeRef,
    pub i8: LLVMTypeRef,
    pub i16: LLVMTypeRef,
    pub i32: LLVMTypeRef,
    pub i64: LLVMTypeRef,
    pub ptr: LLVMTypeRef,
}

impl Drop for Emitter {
    fn drop(&mut self) {
        // SAFETY: the builder was created in `new` and is not used after this.
        unsafe { LLVMDisposeBuilder(self.builder) }
    }
}

impl Emitter {
    /// # Safety
    /// `module` must be a valid module that outlives the emitter.
    pub unsafe fn new(module: LLVMModuleRef) -> Self {
        // SAFETY: module is valid (caller's contract); everything below reads or creates context-owned data.
        unsafe {
            let ctx = LLVMGetModuleContext(module);
            let kind_name = "nosanitize";
            let nosanitize_kind =
                LLVMGetMDKindIDInContext(ctx, kind_name.as_ptr().cast(), kind_name.len() as u32);
            let empty = LLVMMDNodeInContext2(ctx, ptr::null_mut(), 0);
            Emitter {
                module,
                ctx,
                builder: LLVMCreateBuilderInContext(ctx),
                data_layout: LLVMGetModuleDataLayout(module),
                nosanitize_kind,
                nosanitize_node: LLVMMetadataAsValue(ctx, empty),
                void: LLVMVoidTypeInContext(ctx),
                i8: LLVMInt8TypeInContext(ctx),
                i16: LLVMInt16TypeInContext(ctx),
                i32: LLVMInt32TypeInContext(ctx),
                i64: LLVMInt64TypeInContext(ctx),
                ptr: LLVMPointerTypeInContext(ctx, 0),
            }
        }
    }

    pub fn has_nosanitize(&self, inst: Value) -> bool {
        // SAFETY: inst is a live instruction.
        unsafe { !LLVMGetMetadata(inst, self.nosanitize_kind).is_null() }
    }

    /// Marks an instruction ffisan added: `!nosanitize` keeps every sanitizer (ffisan included) off it.
    pub fn mark(&self, inst: Value) -> Value {
        // SAFETY: inst is an instruction just built in this module's context.
        unsafe {
            if !LLVMIsAInstruction(inst).is_null() {
                LLVMSetMetadata(inst, self.nosanitize_kind, self.nosanitize_node);
            }
        }
        inst
    }

    /// Store size in bytes of a sized, fixed-size type.
    pub fn store_size(&self, ty: LLVMTypeRef) -> u64 {
        // SAFETY: callers pass sized, non-scalable types.
        unsafe { LLVMStoreSizeOfType(self.data_layout, ty) }
    }

    pub fn alloc_size(&self, ty: LLVMTypeRef) -> u64 {
        // SAFETY: callers pass sized, non-scalable types.
        unsafe { LLVMABISizeOfType(self.data_layout, ty) }
    }

    pub fn const_i64(&self, v: u64) -> Value {
        // SAFETY: building a constant in this context.
        unsafe { LLVMConstInt(self.i64, v, 0) }
    }

    pub fn const_int(&self, ty: LLVMTypeRef, v: u64) -> Value {
        // SAFETY: building a constant of an integer type of this context.
        unsafe { LLVMConstInt(ty, v, 0) }
    }

    /// Places the builder before `inst`; added instructions carry `loc` (may be null).
    pub fn position_before(&self, inst: Value, loc: LLVMMetadataRef) {
        // SAFETY: inst is a live instruction; loc is null or a DILocation.
        unsafe {
            LLVMPositionBuilderBefore(self.builder, inst);
            LLVMSetCurrentDebugLocation2(self.builder, loc);
        }
    }

    /// A location for code ffisan adds at a function's entry or exit: `preferred` if there is one,
    /// else line 0 of the function's subprogram (so symbolization still names the function).
    pub fn location_in(&self, f: Value, preferred: LLVMMetadataRef) -> LLVMMetadataRef {
        if !preferred.is_null() {
            return preferred;
        }
        // SAFETY: f is a live function; a location is created only if it has a subprogram.
        unsafe {
            let sp = LLVMGetSubprogram(f);
            if sp.is_null() {
                return ptr::null_mut();
            }
            LLVMDIBuilderCreateDebugLocation(self.ctx, 0, 0, sp, ptr::null_mut())
        }
    }

    pub fn ptr_to_int(&self, p: Value) -> Value {
        // SAFETY: the builder is positioned; p is pointer-typed.
        self.mark(unsafe { LLVMBuildPtrToInt(self.builder, p, self.i64, c"".as_ptr()) })
    }

    pub fn int_to_ptr(&self, v: Value) -> Value {
        // SAFETY: the builder is positioned; v is i64.
        self.mark(unsafe { LLVMBuildIntToPtr(self.builder, v, self.ptr, c"".as_ptr()) })
    }

    pub fn int_cast_to_i64(&self, v: Value) -> Value {
        // SAFETY: the builder is positioned; v is an integer (zero-extended: it is a length).
        self.mark(unsafe { LLVMBuildIntCast2(self.builder, v, self.i64, 0, c"".as_ptr()) })
    }

    pub fn lshr(&self, v: Value, bits: u64) -> Value {
        // SAFETY: the builder is positioned; v is i64.
        self.mark(unsafe { LLVMBuildLShr(self.builder, v, self.const_i64(bits), c"".as_ptr()) })
    }

    pub fn or(&self, a: Value, b: Value) -> Value {
        // SAFETY: the builder is positioned; a and b have the same integer type.
        self.mark(unsafe { LLVMBuildOr(self.builder, a, b, c"".as_ptr()) })
    }

    pub fn and(&self, a: Value, b: Value) -> Value {
        // SAFETY: the builder is positioned; a and b have the same integer type.
        self.mark(unsafe { LLVMBuildAnd(self.builder, a, b, c"".as_ptr()) })
    }

    pub fn add(&self, a: Value, b: Value) -> Value {
        // SAFETY: the builder is positioned; a and b have the same integer type.
        self.mark(unsafe { LLVMBuildAdd(self.builder, a, b, c"".as_ptr()) })
    }

    pub fn mul(&self, a: Value, b: Value) -> Value {
        // SAFETY: the builder is positioned; a and b have the same integer type.
        self.mark(unsafe { LLVMBuildMul(self.builder, a, b, c"".as_ptr()) })
    }

    pub fn icmp_ne(&self, a: Value, b: Value) -> Value {
        // SAFETY: the builder is positioned; a and b have the same integer type.
        self.mark(unsafe {
            LLVMBuildICmp(
                self.builder,
                LLVMIntPredicate::LLVMIntNE,
                a,
                b,
                c"".as_ptr(),
            )
        })
    }

    pub fn select(&self, cond: Value, a: Value, b: Value) -> Value {
        // SAFETY: the builder is positioned; a and b have the same type, cond is i1.
        self.mark(unsafe { LLVMBuildSelect(self.builder, cond, a, b, c"".as_ptr()) })
    }

    /// A shadow (or other) byte-sized load with alignment `align`.
    pub fn load(&self, ty: LLVMTypeRef, p: Value, align: u32) -> Value {
        // SAFETY: the builder is positioned; p is a pointer.
        unsafe {
            let l = LLVMBuildLoad2(self.builder, ty, p, c"".as_ptr());
            LLVMSetAlignment(l, align);
            self.mark(l)
        }
    }

    /// Calls `f` of type `fn_ty` with `args`, at the builder's position and debug location.
    pub fn call(&self, fn_ty: LLVMTypeRef, f: Value, args: &mut [Value]) -> Value {
        // SAFETY: the builder is positioned; args match fn_ty (callers build fn_ty from them).
        unsafe {
            let c = LLVMBuildCall2(
                self.builder,
                fn_ty,
                f,
                args.as_mut_ptr(),
                args.len() as u32,
                c"".as_ptr(),
            );
            self.mark(c)
        }
    }

    /// `fn_ty` = void(params...) or ret(params...).
    pub fn function_type(&self, ret: LLVMTypeRef, params: &mut [LLVMTypeRef]) -> LLVMTypeRef {
        // SAFETY: building a function type in this context.
        unsafe { LLVMFunctionType(ret, params.as_mut_ptr(), params.len() as u32, 0) }
    }

    /// The function `name` of this module, declared with `fn_ty` if it does not exist yet.
    pub fn get_or_declare(&self, name: &str, fn_ty: LLVMTypeRef) -> Value {
        let cname = cstr(name);
        // SAFETY: looking up or adding a function to the live module.
        unsafe {
            let existing = LLVMGetNamedFunction(self.module, cname.as_ptr());
            if !existing.is_null() {
                return existing;
            }
            LLVMAddFunction(self.module, cname.as_ptr(), fn_ty)
        }
    }
}

/// The intrinsic `llvm.vscale.i64` (scale of scalable vector types at run time).
pub fn vscale_i64(em: &Emitter) -> (LLVMTypeRef, Value) {
    let name = "llvm.vscale";
    // SAFETY: looking up and declaring an intrinsic in the live module.
    unsafe {
        let id = LLVMLookupIntrinsicID(name.as_ptr().cast(), name.len());
        let mut tys = [em.i64];
        let f = LLVMGetIntrinsicDeclaration(em.module, id, tys.as_mut_ptr(), 1);
        (LLVMIntrinsicGetType(em.ctx, id, tys.as_mut_ptr(), 1), f)
    }
}
