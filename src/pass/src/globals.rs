//! Redzones around the module's global variables, so an access past a global table (or before the
//! one after it) reaches poisoned shadow: each instrumented global `T` becomes `{ T, [R x i8] }`
//! under the same name, and the module's constructor hands their descriptors to the runtime with
//! `__asan_register_globals(descriptors, n)` (ASan's layout, which Go's `-asan` runtime passes too:
//! beg, size, size_with_redzone, name, module_name, has_dynamic_init, location, odr_indicator);
//! its destructor unregisters them (dlclose, exit). The runtime paints the redzones
//! GLOBAL_REDZONE, keeping read-only objects READONLY.
//!
//! Skipped, as ASan skips them: declarations, globals whose definition another module may replace
//! (weak, linkonce, common, comdat), thread-locals, globals in an explicit section (the linker's
//! `__start_`/`__stop_` arrays, `llvm.metadata`), alignment above a granule group, LLVM's and the
//! sanitizers' own (`llvm.*`, `__llvm*`, `__ffisan*`, `__asan*`), and those the front end marked
//! `no_sanitize("address")`.
use std::collections::HashMap;

use inkwell::module::Linkage;
use inkwell::types::BasicTypeEnum;
use inkwell::values::{AsValueRef, BasicValue, GlobalValue, IntValue};
use inkwell::AddressSpace;
use llvm_sys::prelude::{LLVMModuleRef, LLVMValueRef};

use crate::emitter::Emitter;

#[cfg(test)]
mod tests {
    use super::redzone_for;

    #[test]
    fn names_are_demangled() {
        use super::display_name;
        assert_eq!(
            display_name("_RNvCsgIWEVZ5kmbH_22global_buffer_overflow5TABLE"),
            "global_buffer_overflow::TABLE"
        );
        assert_eq!(
            display_name("_ZN5crate5TABLE17h0123456789abcdefE"),
            "crate::TABLE"
        );
        assert_eq!(display_name("_ZN2ns5tableE"), "ns::table");
        assert_eq!(display_name("table"), "table");
        assert_eq!(display_name(".str.1"), ".str.1");
    }

    #[test]
    fn redzones_are_asans() {
        assert_eq!(redzone_for(4), 28);
        assert_eq!(redzone_for(6), 26);
        assert_eq!(redzone_for(40), 56);
        assert_eq!(redzone_for(1000), 248);
        assert_eq!(redzone_for(1 << 30), 1 << 18);
    }
}

/// ASan's minimum global redzone: objects start 32-byte aligned, object plus redzone fill whole
/// 32-byte steps.
const MIN_REDZONE: u64 = 32;
const MAX_REDZONE: u64 = 1 << 18;

pub const REGISTER: &str = "__asan_register_globals";
pub const UNREGISTER: &str = "__asan_unregister_globals";

extern "C" {
    fn ffisan_global_no_sanitize_address(g: LLVMValueRef) -> bool;
    fn ffisan_pad_global(g: LLVMValueRef, redzone: u64, min_align: u32) -> LLVMValueRef;
    fn ffisan_global_definition(g: LLVMValueRef, length: *mut usize, line: *mut u32) -> *const u8;
    /// `shim/globals.cpp`: appends a function to `llvm.global_dtors`.
    pub fn ffisan_append_global_dtor(module: LLVMModuleRef, dtor: LLVMValueRef, priority: i32);
}

/// The redzone after an object of `size` bytes: about a quarter of it, at least MIN_REDZONE, and
/// enough to end on a MIN_REDZONE boundary; objects of half that or less just fill one step
/// (ASan's sizes, so reports agree).
pub fn redzone_for(size: u64) -> u64 {
    if size <= MIN_REDZONE / 2 {
        return MIN_REDZONE - size;
    }
    let mut redzone = (size / MIN_REDZONE / 4 * MIN_REDZONE).clamp(MIN_REDZONE, MAX_REDZONE);
    if !size.is_multiple_of(MIN_REDZONE) {
        redzone += MIN_REDZONE - size % MIN_REDZONE;
    }
    redzone
}

/// The globals of one module that got a redzone, and their descriptors.
#[derive(Default)]
pub struct PaddedGlobals<'ctx> {
    /// The object size (without redzone) of every global that may have a redzone after it: those
    /// padded here, and the declarations (0 when unsized: `extern int t[]`), which may be padded
    /// where they are defined.
    pub bounded: HashMap<GlobalValue<'ctx>, u64>,
    /// `[n x { i64 x 8 }]`, registered by the module constructor.
    pub descriptors: Option<(GlobalValue<'ctx>, u64)>,
    /// How many were padded.
    pub count: usize,
}

fn should_pad<'ctx>(em: &Emitter<'ctx>, g: GlobalValue<'ctx>) -> Option<u64> {
    if g.is_declaration() || g.is_thread_local() || g.is_externally_initialized() {
        return None;
    }
    let name = g.get_name().to_string_lossy();
    let reserved = [
        "llvm.", "__llvm", "__ffisan", "__asan", "__sancov", "__profc", "__profd",
    ];
    if reserved.iter().any(|p| name.starts_with(p)) || g.get_section().is_some() {
        return None;
    }
    if !matches!(
        g.get_linkage(),
        Linkage::External | Linkage::Internal | Linkage::Private
    ) || g.get_comdat().is_some()
        || g.get_alignment() as u64 > MIN_REDZONE
    {
        return None;
    }
    // SAFETY: g is a live global variable of the module.
    if unsafe { ffisan_global_no_sanitize_address(g.as_value_ref()) } {
        return None;
    }
    let ty = BasicTypeEnum::try_from(g.get_value_type()).ok()?;
    let size = em.store_size(&ty);
    (size > 0 && g.get_initializer().is_some()).then_some(size)
}

/// The name a report shows for a global: Rust's and C++'s symbols demangled (`crate::TABLE`,
/// `ns::table`), Rust's without its hash, as ASan shows them; any other name as it is.
fn display_name(symbol: &str) -> String {
    if let Ok(rust) = rustc_demangle::try_demangle(symbol) {
        return format!("{rust:#}");
    }
    if symbol.starts_with("_Z") {
        if let Ok(cpp) = cpp_demangle::Symbol::new(symbol.as_bytes()) {
            if let Ok(text) = cpp.demangle() {
                return text;
            }
        }
    }
    symbol.to_owned()
}

/// A private constant C string in the module (a descriptor's name fields).
pub(crate) fn c_string<'ctx>(em: &Emitter<'ctx>, text: &str) -> IntValue<'ctx> {
    let bytes = em.context.const_string(text.as_bytes(), true);
    let g = em
        .module
        .add_global(bytes.get_type(), None, "__ffisan_global_name");
    g.set_initializer(&bytes);
    g.set_linkage(Linkage::Private);
    g.set_constant(true);
    g.set_unnamed_addr(true);
    g.as_pointer_value().const_to_int(em.i64)
}

/// `{ ptr filename, i32 line, i32 column }` of `g`'s definition when the module has debug info
/// for it (ASan's `__asan_global_source_location`), else 0.
fn definition<'ctx>(em: &Emitter<'ctx>, g: GlobalValue<'ctx>) -> IntValue<'ctx> {
    let (mut length, mut line) = (0usize, 0u32);
    // SAFETY: g is live; the file name points into its debug info, `length` bytes, valid while
    // the module is.
    let file = unsafe { ffisan_global_definition(g.as_value_ref(), &mut length, &mut line) };
    if file.is_null() {
        return em.const_i64(0);
    }
    // SAFETY: see above.
    let file = String::from_utf8_lossy(unsafe { std::slice::from_raw_parts(file, length) });
    let file = c_string(em, &file);
    let ty = em
        .context
        .struct_type(&[em.i64.into(), em.i32.into(), em.i32.into()], false);
    let value = ty.const_named_struct(&[
        file.into(),
        em.i32.const_int(line as u64, false).into(),
        em.i32.const_int(0, false).into(),
    ]);
    let loc = em.module.add_global(ty, None, "__ffisan_global_location");
    loc.set_initializer(&value);
    loc.set_linkage(Linkage::Private);
    loc.set_constant(true);
    loc.as_pointer_value().const_to_int(em.i64)
}

/// Pads every global worth a redzone and builds their descriptors (none: an empty result).
pub fn pad_globals<'ctx>(em: &Emitter<'ctx>, module_name: &str) -> PaddedGlobals<'ctx> {
    let chosen: Vec<(GlobalValue, u64)> = em
        .module
        .get_globals()
        .filter_map(|g| should_pad(em, g).map(|size| (g, size)))
        .collect();
    let mut padded = PaddedGlobals::default();
    for g in em.module.get_globals().filter(|g| g.is_declaration()) {
        let size = BasicTypeEnum::try_from(g.get_value_type()).map_or(0, |ty| em.store_size(&ty));
        padded.bounded.insert(g, size);
    }
    if chosen.is_empty() {
        return padded;
    }
    let module_name = c_string(em, module_name);
    let descriptor_ty = em.context.struct_type(&[em.i64.into(); 8], false);
    let mut descriptors = Vec::with_capacity(chosen.len());
    for (old, size) in chosen {
        let name = display_name(&old.get_name().to_string_lossy());
        let location = definition(em, old);
        let redzone = redzone_for(size);
        // SAFETY: old is a live definition with an initializer; the shim replaces it, and every
        // use, by the padded global it returns, and erases it.
        let g = unsafe {
            GlobalValue::new(ffisan_pad_global(
                old.as_value_ref(),
                redzone,
                MIN_REDZONE as u32,
            ))
        };
        padded.bounded.insert(g, size);
        let fields: [IntValue; 8] = [
            g.as_pointer_value().const_to_int(em.i64),
            em.const_i64(size),
            em.const_i64(size + redzone),
            c_string(em, &name),
            module_name,
            em.const_i64(0),
            location,
            em.const_i64(0),
        ];
        let fields: Vec<_> = fields.iter().map(|f| f.as_basic_value_enum()).collect();
        descriptors.push(descriptor_ty.const_named_struct(&fields));
    }
    let array = descriptor_ty.const_array(&descriptors);
    let table = em.module.add_global(
        array.get_type(),
        Some(AddressSpace::default()),
        "__ffisan_globals",
    );
    table.set_initializer(&array);
    table.set_linkage(Linkage::Private);
    padded.count = descriptors.len();
    padded.descriptors = Some((table, descriptors.len() as u64));
    padded
}
