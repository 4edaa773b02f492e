//! Reads a variadic call's arguments from an x86-64 System V `va_list` as `va_arg` does, from a
//! copy (`va_copy`): the caller's list, or the one the pass built over a variadic call's spilled
//! arguments (`src/pass/src/va_spill.rs`), is never advanced. Written from the ABI's description
//! of `__va_list_tag`, so no C (and no unstable `c_variadic`) is needed to read it.

/// `__va_list_tag`: what a `va_list` points to.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct VaListTag {
    gp_offset: u32,
    fp_offset: u32,
    overflow_arg_area: *const u8,
    reg_save_area: *const u8,
}

/// End of the register save area's six general-purpose slots and of its eight vector slots.
const GP_END: u32 = 48;
const FP_END: u32 = 176;

/// How an argument is passed, which decides where `va_arg` finds it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ArgClass {
    /// Integers up to 64 bits and pointers: a general-purpose register or an 8-byte stack slot.
    Integer,
    /// `double`: a vector register or an 8-byte stack slot.
    Double,
    /// `long double`: always on the stack, 16-aligned, 16 bytes.
    LongDouble,
}

pub struct VaArgs {
    tag: VaListTag,
}

impl VaArgs {
    /// A copy of the list at `ap`, which stays as it is.
    pub unsafe fn copy_of(ap: *const VaListTag) -> Self {
        VaArgs { tag: ap.read() }
    }

    /// The next argument, of class `class`: its 8 bytes for an integer or pointer, 0 for the
    /// floating ones (skipped: no check needs their values).
    pub unsafe fn next(&mut self, class: ArgClass) -> u64 {
        let t = &mut self.tag;
        match class {
            ArgClass::Integer if t.gp_offset < GP_END => {
                let v = (t.reg_save_area.add(t.gp_offset as usize) as *const u64).read_unaligned();
                t.gp_offset += 8;
                v
            }
            ArgClass::Double if t.fp_offset < FP_END => {
                t.fp_offset += 16;
                0
            }
            ArgClass::Integer => self.take_from_stack(8, 8),
            ArgClass::Double => {
                self.take_from_stack(8, 8);
                0
            }
            ArgClass::LongDouble => {
                self.take_from_stack(16, 16);
                0
            }
        }
    }

    unsafe fn take_from_stack(&mut self, size: usize, align: usize) -> u64 {
        let at = (self.tag.overflow_arg_area as usize).next_multiple_of(align);
        self.tag.overflow_arg_area = (at + size) as *const u8;
        (at as *const u64).read_unaligned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_registers_first_then_the_stack_in_order() {
        let regs: [u64; 22] = core::array::from_fn(|i| 100 + i as u64);
        #[repr(align(16))]
        struct Stack([u64; 6]);
        let stack = Stack([7, 8, 0, 0, 9, 10]);
        let tag = VaListTag {
            gp_offset: 40,
            fp_offset: 160,
            overflow_arg_area: stack.0.as_ptr().cast(),
            reg_save_area: regs.as_ptr().cast(),
        };
        let mut args = unsafe { VaArgs::copy_of(&tag) };
        unsafe {
            assert_eq!(args.next(ArgClass::Integer), 105); // the last register slot
            assert_eq!(args.next(ArgClass::Double), 0); // the last vector slot
            assert_eq!(args.next(ArgClass::Integer), 7);
            assert_eq!(args.next(ArgClass::Double), 0); // 8 is a double on the stack
            assert_eq!(args.next(ArgClass::LongDouble), 0); // realigned to 16: slots 2-3
            assert_eq!(args.next(ArgClass::Integer), 9);
            assert_eq!(args.next(ArgClass::Integer), 10);
        }
        // The original is untouched.
        assert_eq!(tag.gp_offset, 40);
    }
}
