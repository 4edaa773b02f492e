//! cgo: which functions are cgo's own C (never instrumented), which are the `_Cfunc_` wrappers Go
//! calls C through (wrapped in a call window), and the window itself.
use inkwell::types::BasicTypeEnum;
use inkwell::values::{BasicValueEnum, FunctionValue, InstructionOpcode, InstructionValue};

use crate::emitter::Emitter;
use crate::{inkwell_gaps, ir, runtime_api};

/// A cgo wrapper `_cgo_<hex>_Cfunc_<name>`: the C function Go calls for `C.<name>(...)`.
pub fn is_cgo_wrapper(name: &str) -> bool {
    let Some(rest) = name.strip_prefix("_cgo_") else {
        return false;
    };
    let Some((hash, c_name)) = rest.split_once("_Cfunc_") else {
        return false;
    };
    !hash.is_empty() && hash.bytes().all(|b| b.is_ascii_hexdigit()) && !c_name.is_empty()
}

/// runtime/cgo's own C (thread start, mmap hooks, crosscall trampolines): it runs on behalf of the
/// Go runtime, on Go stacks and Go memory, and must never be instrumented.
pub fn is_cgo_runtime_function(name: &str) -> bool {
    ((name.starts_with("x_cgo_") || name.starts_with("crosscall") || name.starts_with("_cgo_"))
        && !is_cgo_wrapper(name))
        || is_go_asan_bridge(name)
}

/// Package runtime/asan's C (`go build -asan`): the bridges Go's compiler and runtime call on every
/// Go load and store and for every heap object and global (`__asan_read_go`, `__asan_write_go`,
/// `__asan_poison_go`, `__asan_unpoison_go`, `__asan_register_globals_go`, `__lsan_*_go`). They
/// run for the Go runtime on Go stacks and hand Go's addresses to the sanitizer interface, which
/// does the checking; a check of their own would be ffisan checking Go memory from C. The module
/// is cgo's temporary `asan.cgo2.c`, so its path cannot tell it: the names do.
fn is_go_asan_bridge(name: &str) -> bool {
    (name.starts_with("__asan_") || name.starts_with("__lsan_")) && name.ends_with("_go")
}

/// What `__asan_write_go` asks instead of `__asan_region_is_poisoned`: the first byte of a range
/// a store may not go to, read-only data included (`runtime/interface/asan.rs`).
const GO_WRITE_QUESTION: &str = "__ffisan_region_is_unwritable";

/// Go's write bridge asks `__asan_region_is_poisoned`, whose answer cannot count read-only data
/// (reads of it are fine): the call is pointed at ffisan's question for stores instead, so Go
/// writing into a literal C returned is reported before the store faults. The bridge's code is
/// otherwise left as it is.
pub fn redirect_go_write_bridge(em: &Emitter) {
    let Some(bridge) = em.module.get_function("__asan_write_go") else {
        return;
    };
    for bb in bridge.get_basic_blocks() {
        for inst in ir::block_instructions(bb) {
            if inst.get_opcode() != InstructionOpcode::Call {
                continue;
            }
            let Some(callee) = inkwell_gaps::called_function(inst) else {
                continue;
            };
            if callee.get_name().to_bytes() != b"__asan_region_is_poisoned" {
                continue;
            }
            let question = em
                .module
                .get_function(GO_WRITE_QUESTION)
                .unwrap_or_else(|| {
                    em.module
                        .add_function(GO_WRITE_QUESTION, callee.get_type(), None)
                });
            if question.get_type() != callee.get_type() {
                continue; // declared otherwise already: leave the bridge as it is
            }
            // The callee is a call's last operand; the new one has the old one's type.
            let last = inst.get_num_operands() - 1;
            inst.set_operand(last, question.as_global_value().as_pointer_value());
        }
    }
}

/// What the wrapper reads out of Go's argument frame: the values it passes on to the C function.
struct FrameReads<'ctx> {
    /// Pointer- and 64-bit integer loads of the wrapper's own code (not inlined C code) from Go's
    /// argument frame: the arguments (an integer may carry a pointer in a struct passed by value).
    values: Vec<InstructionValue<'ctx>>,
    /// The wrapper copies something out in a way the values above do not show (a `memcpy` of a
    /// struct argument, an aggregate load): its lent set is unknown.
    opaque: bool,
}

fn is_alloca(v: BasicValueEnum) -> bool {
    matches!(v, BasicValueEnum::PointerValue(p)
        if p.as_instruction().is_some_and(|i| i.get_opcode() == InstructionOpcode::Alloca))
}

/// Whether `ptr` addresses Go's argument frame: the wrapper's parameter plus offsets (the frame
/// may move by `_cgo_topofstack`'s difference), or at -O0 the parameter reloaded from a local.
fn in_frame(ptr: BasicValueEnum, frame: BasicValueEnum) -> bool {
    let mut v = ptr;
    for _ in 0..8 {
        if v == frame {
            return true;
        }
        let BasicValueEnum::PointerValue(p) = v else {
            return false;
        };
        let Some(inst) = p.as_instruction() else {
            return false;
        };
        match inst.get_opcode() {
            InstructionOpcode::GetElementPtr | InstructionOpcode::BitCast => {
                let Some(base) = inkwell_gaps::operand(inst, 0) else {
                    return false;
                };
                v = base;
            }
            InstructionOpcode::Load => {
                return inkwell_gaps::operand(inst, 0).is_some_and(is_alloca)
            }
            _ => return false,
        }
    }
    false
}

fn frame_reads<'ctx>(wrapper: FunctionValue<'ctx>) -> FrameReads<'ctx> {
    let mut reads = FrameReads {
        values: Vec::new(),
        opaque: false,
    };
    let Some(frame) = wrapper.get_first_param() else {
        return reads;
    };
    for bb in ir::function_blocks(wrapper) {
        for inst in ir::block_instructions(bb) {
            if ir::is_inlined(inst) {
                continue;
            }
            match inst.get_opcode() {
                InstructionOpcode::Load => {
                    let from_frame =
                        inkwell_gaps::operand(inst, 0).is_some_and(|p| in_frame(p, frame));
                    if !from_frame {
                        continue;
                    }
                    match inkwell_gaps::result(inst).map(|v| v.get_type()) {
                        Some(BasicTypeEnum::PointerType(_)) => reads.values.push(inst),
                        // Only a pointer-wide integer can carry a pointer.
                        Some(BasicTypeEnum::IntType(t)) if t.get_bit_width() == 64 => {
                            reads.values.push(inst)
                        }
                        Some(BasicTypeEnum::IntType(_)) | Some(BasicTypeEnum::FloatType(_)) => {}
                        _ => reads.opaque = true,
                    }
                }
                InstructionOpcode::Call => {
                    let name = ir::callee_name(inst).unwrap_or_default();
                    if name.starts_with("llvm.memcpy") || name.starts_with("llvm.memmove") {
                        reads.opaque = true;
                    }
                }
                _ => {}
            }
        }
    }
    reads
}

/// Opens the call window at the wrapper's entry and closes it before every return: while the window is
/// open, native code runs on behalf of a Go caller and may touch the Go memory it was passed. Each
/// value the wrapper reads from Go's argument frame is handed to the runtime right after the read
/// (`__ffisan_cgo_lend`), which lends the Go object it points into, if any, to this call. A
/// wrapper whose reads cannot all be seen opens a plain window instead (any Go memory allowed).
/// The last step of the wrapper's instrumentation, so the window encloses everything the others
/// added: the checks, and the fake frame's enter and leave.
pub fn insert_call_window<'ctx>(
    em: &Emitter<'ctx>,
    wrapper: FunctionValue<'ctx>,
    returns: &[InstructionValue<'ctx>],
) {
    let Some(entry_point) = ir::entry_edge(wrapper) else {
        return;
    };
    let reads = frame_reads(wrapper);
    let (begin, end) = if reads.opaque {
        (
            runtime_api::call_window_begin(em),
            runtime_api::call_window_end(em),
        )
    } else {
        (
            runtime_api::cgo_window_begin(em),
            runtime_api::cgo_window_end(em),
        )
    };
    em.position_at_function_edge(entry_point, wrapper);
    begin.call(em, &[]);
    if !reads.opaque {
        let lend = runtime_api::cgo_lend(em);
        for load in reads.values {
            let Some(next) = load.get_next_instruction() else {
                continue;
            };
            em.position_before(next, load.get_debug_location());
            let value = match inkwell_gaps::result(load) {
                Some(BasicValueEnum::PointerValue(p)) => em.ptr_to_int(p),
                Some(BasicValueEnum::IntValue(v)) => em.int_cast_to_i64(v),
                _ => continue,
            };
            lend.call(em, &[value.into()]);
        }
    }
    for &ret in returns {
        em.position_at_function_edge(exit_edge(ret), wrapper);
        end.call(em, &[]);
    }
}

/// Where the window closes before `ret`: just before it, or before the `musttail` call it returns
/// (nothing may stand between the two but a bitcast). The tail-called function then runs outside
/// the window; cgo's own wrappers never make such a call, this keeps a hand-named one valid IR.
fn exit_edge(ret: InstructionValue) -> InstructionValue {
    let before = ret
        .get_previous_instruction()
        .map(|i| match i.get_opcode() {
            InstructionOpcode::BitCast => i.get_previous_instruction().unwrap_or(i),
            _ => i,
        });
    before.filter(|&i| ir::is_musttail_call(i)).unwrap_or(ret)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrappers_and_runtime_functions() {
        assert!(is_cgo_wrapper("_cgo_0b49d2b8c8a5_Cfunc_keep_pointer"));
        assert!(!is_cgo_wrapper("_cgo_0b49d2b8c8a5_Cfunc_"));
        assert!(!is_cgo_wrapper("_cgo_xyz_Cfunc_f"));
        assert!(!is_cgo_wrapper("_cgo_release_context"));
        assert!(is_cgo_runtime_function("_cgo_release_context"));
        assert!(is_cgo_runtime_function("x_cgo_mmap"));
        assert!(is_cgo_runtime_function("crosscall2"));
        assert!(!is_cgo_runtime_function("_cgo_0b49d2b8c8a5_Cfunc_free"));
        assert!(!is_cgo_runtime_function("main"));
        assert!(is_cgo_runtime_function("__asan_read_go"));
        assert!(is_cgo_runtime_function("__asan_register_globals_go"));
        assert!(is_cgo_runtime_function("__lsan_do_leak_check_go"));
        assert!(!is_cgo_runtime_function("__asan_read_going"));
        assert!(!is_cgo_runtime_function("my_read_go"));
    }
}
