//! The IR emitter shared by every step of the pass: the host's module (borrowed, never disposed),
//! its context, one inkwell builder, the data layout and the types ffisan builds with. Every
//! instruction it adds is marked `!nosanitize`, so neither ffisan nor other sanitizers touch it again.
use std::mem::ManuallyDrop;

use inkwell::builder::Builder;
use inkwell::context::ContextRef;
use inkwell::debug_info::DILocation;
use inkwell::intrinsics::Intrinsic;
use inkwell::module::Module;
use inkwell::targets::TargetData;
use inkwell::types::{
    AnyType, BasicMetadataTypeEnum, FunctionType, IntType, PointerType, VoidType,
};
use inkwell::values::{
    BasicMetadataValueEnum, BasicValue, BasicValueEnum, CallSiteValue, FunctionValue,
    InstructionValue, IntValue, MetadataValue, PointerValue, ValueKind,
};
use inkwell::{AddressSpace, IntPredicate};
use llvm_sys::prelude::LLVMModuleRef;

use crate::inkwell_gaps;

pub struct Emitter<'ctx> {
    /// The host's module: wrapped, not owned (dropping a `Module` would dispose it).
    pub module: ManuallyDrop<Module<'ctx>>,
    pub context: ContextRef<'ctx>,
    pub builder: Builder<'ctx>,
    pub target_data: TargetData,
    nosanitize_kind: u32,
    nosanitize_node: MetadataValue<'ctx>,
    pub void: VoidType<'ctx>,
    pub i8: IntType<'ctx>,
    pub i16: IntType<'ctx>,
    pub i32: IntType<'ctx>,
    pub i64: IntType<'ctx>,
    pub ptr: PointerType<'ctx>,
}

/// The builder's result always exists: the emitter positions the builder before building.
const POSITIONED: &str = "the emitter positions its builder before building";

impl<'ctx> Emitter<'ctx> {
    /// # Safety
    /// `module` must be a valid module that outlives the emitter.
    pub unsafe fn new(module: LLVMModuleRef) -> Self {
        // SAFETY: module is valid (caller's contract); ManuallyDrop keeps it from being disposed.
        let module = ManuallyDrop::new(unsafe { Module::new(module) });
        let context = module.get_context();
        // The module's own layout, as a TargetData the emitter owns.
        let target_data = TargetData::create(&module.get_data_layout().as_str().to_string_lossy());
        Emitter {
            builder: context.create_builder(),
            target_data,
            nosanitize_kind: context.get_kind_id("nosanitize"),
            nosanitize_node: context.metadata_node(&[]),
            void: context.void_type(),
            i8: context.i8_type(),
            i16: context.i16_type(),
            i32: context.i32_type(),
            i64: context.i64_type(),
            ptr: context.ptr_type(AddressSpace::default()),
            context,
            module,
        }
    }

    pub fn has_nosanitize(&self, inst: InstructionValue) -> bool {
        inst.get_metadata(self.nosanitize_kind).is_some()
    }

    /// Marks an instruction ffisan added: `!nosanitize` keeps every sanitizer (ffisan included) off it.
    pub fn mark_instruction(&self, inst: InstructionValue<'ctx>) -> InstructionValue<'ctx> {
        inst.set_metadata(self.nosanitize_node, self.nosanitize_kind)
            .expect("an empty tuple is a metadata node");
        inst
    }

    /// Marks a built value if it is an instruction (the builder folds constants).
    fn mark<V: BasicValue<'ctx>>(&self, v: V) -> V {
        if let Some(inst) = v.as_instruction_value() {
            self.mark_instruction(inst);
        }
        v
    }

    /// Store size in bytes of a sized, fixed-size type.
    pub fn store_size(&self, ty: &dyn AnyType<'ctx>) -> u64 {
        self.target_data.get_store_size(ty)
    }

    pub fn const_i64(&self, v: u64) -> IntValue<'ctx> {
        self.i64.const_int(v, false)
    }

    /// Places the builder before `inst`; added instructions carry `loc` (none if None).
    pub fn position_before(&self, inst: InstructionValue<'ctx>, loc: Option<DILocation<'ctx>>) {
        self.builder.position_before(&inst);
        match loc {
            Some(loc) => self.builder.set_current_debug_location(loc),
            None => self.builder.unset_current_debug_location(),
        }
    }

    /// Places the builder before `inst` for code ffisan adds at a function's entry or exit: at
    /// `inst`'s location if it has one, else at line 0 of `f`'s subprogram (so symbolization still
    /// names the function).
    pub fn position_at_function_edge(&self, inst: InstructionValue<'ctx>, f: FunctionValue<'ctx>) {
        let loc = inst.get_debug_location();
        self.position_before(inst, loc);
        if loc.is_none() {
            if let Some(subprogram) = f.get_subprogram() {
                inkwell_gaps::set_line_zero_location(&self.builder, &self.context, subprogram);
            }
        }
    }

    pub fn ptr_to_int(&self, p: PointerValue<'ctx>) -> IntValue<'ctx> {
        self.mark(
            self.builder
                .build_ptr_to_int(p, self.i64, "")
                .expect(POSITIONED),
        )
    }

    pub fn int_to_ptr(&self, v: IntValue<'ctx>) -> PointerValue<'ctx> {
        self.mark(
            self.builder
                .build_int_to_ptr(v, self.ptr, "")
                .expect(POSITIONED),
        )
    }

    /// Zero-extends (or truncates) an integer to i64: it is a length.
    pub fn int_cast_to_i64(&self, v: IntValue<'ctx>) -> IntValue<'ctx> {
        let cast = self
            .builder
            .build_int_cast_sign_flag(v, self.i64, false, "");
        self.mark(cast.expect(POSITIONED))
    }

    pub fn lshr(&self, v: IntValue<'ctx>, bits: u64) -> IntValue<'ctx> {
        let shift = self
            .builder
            .build_right_shift(v, self.const_i64(bits), false, "");
        self.mark(shift.expect(POSITIONED))
    }

    /// `v >> amount` (logical), for a shift amount known only at run time.
    pub fn lshr_by(&self, v: IntValue<'ctx>, amount: IntValue<'ctx>) -> IntValue<'ctx> {
        let shift = self.builder.build_right_shift(v, amount, false, "");
        self.mark(shift.expect(POSITIONED))
    }

    /// `v << amount`, for a shift amount known only at run time.
    pub fn shl_by(&self, v: IntValue<'ctx>, amount: IntValue<'ctx>) -> IntValue<'ctx> {
        let shift = self.builder.build_left_shift(v, amount, "");
        self.mark(shift.expect(POSITIONED))
    }

    pub fn or(&self, a: IntValue<'ctx>, b: IntValue<'ctx>) -> IntValue<'ctx> {
        self.mark(self.builder.build_or(a, b, "").expect(POSITIONED))
    }

    pub fn not(&self, v: IntValue<'ctx>) -> IntValue<'ctx> {
        self.mark(self.builder.build_not(v, "").expect(POSITIONED))
    }

    /// `a & b`; `a` itself when `b` is all ones (a store's shadow mask): no instruction for the
    /// back end to fold away, 14k of them in `sqlite3.c`.
    pub fn and(&self, a: IntValue<'ctx>, b: IntValue<'ctx>) -> IntValue<'ctx> {
        if b.is_const() && b.get_sign_extended_constant() == Some(-1) {
            return a;
        }
        self.mark(self.builder.build_and(a, b, "").expect(POSITIONED))
    }

    pub fn add(&self, a: IntValue<'ctx>, b: IntValue<'ctx>) -> IntValue<'ctx> {
        self.mark(self.builder.build_int_add(a, b, "").expect(POSITIONED))
    }

    pub fn sub(&self, a: IntValue<'ctx>, b: IntValue<'ctx>) -> IntValue<'ctx> {
        self.mark(self.builder.build_int_sub(a, b, "").expect(POSITIONED))
    }

    pub fn mul(&self, a: IntValue<'ctx>, b: IntValue<'ctx>) -> IntValue<'ctx> {
        self.mark(self.builder.build_int_mul(a, b, "").expect(POSITIONED))
    }

    pub fn icmp_ne(&self, a: IntValue<'ctx>, b: IntValue<'ctx>) -> IntValue<'ctx> {
        let cmp = self.builder.build_int_compare(IntPredicate::NE, a, b, "");
        self.mark(cmp.expect(POSITIONED))
    }

    pub fn icmp_uge(&self, a: IntValue<'ctx>, b: IntValue<'ctx>) -> IntValue<'ctx> {
        let cmp = self.builder.build_int_compare(IntPredicate::UGE, a, b, "");
        self.mark(cmp.expect(POSITIONED))
    }

    pub fn trunc_to_i8(&self, v: IntValue<'ctx>) -> IntValue<'ctx> {
        let t = self.builder.build_int_truncate(v, self.i8, "");
        self.mark(t.expect(POSITIONED))
    }

    /// `cond ? a : b`, for integers and pointers alike.
    pub fn select<V>(&self, cond: IntValue<'ctx>, a: V, b: V) -> V
    where
        V: BasicValue<'ctx> + TryFrom<BasicValueEnum<'ctx>>,
    {
        let chosen = self.builder.build_select(cond, a, b, "").expect(POSITIONED);
        let Ok(chosen) = V::try_from(chosen) else {
            unreachable!("a select has the type of its operands");
        };
        self.mark(chosen)
    }

    /// A stack slot for an integer, at the builder's position (the entry block's start).
    pub fn alloca_int(&self, ty: IntType<'ctx>) -> PointerValue<'ctx> {
        let slot = self.builder.build_alloca(ty, "").expect(POSITIONED);
        self.mark(slot)
    }

    /// `alloca i8, i64 len, align align` (a dynamic alloca).
    pub fn array_alloca_i8(&self, len: IntValue<'ctx>, align: u32) -> PointerValue<'ctx> {
        let slot = self
            .builder
            .build_array_alloca(self.i8, len, "")
            .expect(POSITIONED);
        if let Some(inst) = slot.as_instruction() {
            let _ = inst.set_alignment(align);
        }
        self.mark(slot)
    }

    pub fn store(&self, p: PointerValue<'ctx>, v: IntValue<'ctx>) {
        let store = self.builder.build_store(p, v).expect(POSITIONED);
        self.mark_instruction(store);
    }

    /// Splits `before`'s block on `cond` (an i1 computed just before it in the same block) into a
    /// new block that runs when `cond` holds and then joins at `before`; both new branches are
    /// marked. Returns the new block's terminator (insert before it).
    pub fn split_if_then(
        &self,
        cond: IntValue<'ctx>,
        before: InstructionValue<'ctx>,
        then_weight: u32,
        else_weight: u32,
    ) -> InstructionValue<'ctx> {
        let then_term = inkwell_gaps::split_block_if_then(cond, before, then_weight, else_weight);
        let branch = cond
            .as_instruction()
            .and_then(|i| i.get_parent())
            .and_then(|block| block.get_terminator());
        if let Some(branch) = branch {
            self.mark_instruction(branch);
        }
        self.mark_instruction(then_term)
    }

    /// `memset(p, value, len)` with a constant length (`llvm.memset`: a few stores once lowered).
    pub fn memset(&self, p: PointerValue<'ctx>, value: u8, len: u64) {
        let memset = Intrinsic::find("llvm.memset")
            .and_then(|i| i.get_declaration(&self.module, &[self.ptr.into(), self.i64.into()]))
            .expect("LLVM 22 has llvm.memset");
        let args = [
            p.into(),
            self.i8.const_int(value.into(), false).into(),
            self.const_i64(len).into(),
            self.context.bool_type().const_zero().into(),
        ];
        self.call(memset.get_type(), memset, &args);
    }

    /// A shadow (or other) integer load with alignment `align`.
    pub fn load(&self, ty: IntType<'ctx>, p: PointerValue<'ctx>, align: u32) -> IntValue<'ctx> {
        let loaded = self.builder.build_load(ty, p, "").expect(POSITIONED);
        let inst = loaded
            .as_instruction_value()
            .expect("a load is an instruction");
        inst.set_alignment(align)
            .expect("shadow loads are 1- or 2-aligned (a power of two)");
        self.mark_instruction(inst);
        loaded.into_int_value()
    }

    /// Calls `f` as a function of type `fn_ty` (which may differ from `f`'s own type when the module
    /// declared `f` first) with `args`, at the builder's position and debug location.
    pub fn call(
        &self,
        fn_ty: FunctionType<'ctx>,
        f: FunctionValue<'ctx>,
        args: &[BasicMetadataValueEnum<'ctx>],
    ) -> CallSiteValue<'ctx> {
        let callee = f.as_global_value().as_pointer_value();
        let call = self.builder.build_indirect_call(fn_ty, callee, args, "");
        let call = call.expect(POSITIONED);
        let inst = match call.try_as_basic_value() {
            ValueKind::Instruction(inst) => Some(inst),
            ValueKind::Basic(value) => value.as_instruction_value(),
        };
        self.mark_instruction(inst.expect("a call is an instruction"));
        call
    }

    /// `void(params...)`.
    pub fn void_function_type(&self, params: &[BasicMetadataTypeEnum<'ctx>]) -> FunctionType<'ctx> {
        self.void.fn_type(params, false)
    }

    /// The function `name` of this module, declared with `fn_ty` if it does not exist yet.
    pub fn get_or_declare(&self, name: &str, fn_ty: FunctionType<'ctx>) -> FunctionValue<'ctx> {
        self.module
            .get_function(name)
            .unwrap_or_else(|| self.module.add_function(name, fn_ty, None))
    }

    /// The current stack pointer as an integer (`llvm.stacksave`: a plain read of the register).
    pub fn stack_pointer(&self) -> IntValue<'ctx> {
        let stacksave = Intrinsic::find("llvm.stacksave")
            .and_then(|i| i.get_declaration(&self.module, &[self.ptr.into()]))
            .expect("LLVM 22 has llvm.stacksave");
        let sp = self.call(stacksave.get_type(), stacksave, &[]);
        let sp = sp
            .try_as_basic_value()
            .expect_basic("llvm.stacksave returns a pointer");
        self.ptr_to_int(sp.into_pointer_value())
    }

    pub fn icmp_ult(&self, a: IntValue<'ctx>, b: IntValue<'ctx>) -> IntValue<'ctx> {
        let cmp = self.builder.build_int_compare(IntPredicate::ULT, a, b, "");
        self.mark(cmp.expect(POSITIONED))
    }

    /// The intrinsic `llvm.vscale.i64` (scale of scalable vector types at run time) and its type.
    pub fn vscale_i64(&self) -> (FunctionType<'ctx>, FunctionValue<'ctx>) {
        let vscale = Intrinsic::find("llvm.vscale")
            .and_then(|i| i.get_declaration(&self.module, &[self.i64.into()]))
            .expect("LLVM 22 has llvm.vscale");
        (vscale.get_type(), vscale)
    }
}
