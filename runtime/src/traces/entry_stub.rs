//! The runtime's exported entry points that record stacks (malloc, free, operator new, ...) are
//! naked stubs made here: each passes the caller's return address, rbp and rsp to its
//! implementation (three extra arguments) and jumps there, so the stack is a cheap frame-pointer
//! walk starting at the program's own frame (`Caller::from_stub` rebuilds the caller).

/// `entry_stub!(name(args) -> ret => implementation, "reg", "reg", "reg")`: the three registers
/// are the argument registers after the function's own (rsi, rdx, rcx for one argument).
macro_rules! entry_stub {
    ($(#[$doc:meta])* $name:ident($($arg:ident: $ty:ty),*) -> $ret:ty => $imp:ident, $r0:literal, $r1:literal, $r2:literal) => {
        $(#[$doc])*
        #[unsafe(naked)]
        #[no_mangle]
        pub extern "C" fn $name($($arg: $ty),*) -> $ret {
            core::arch::naked_asm!(
                "2:",
                concat!("lea ", $r0, ", [rip + 2b]"),
                concat!("mov ", $r1, ", rbp"),
                concat!("lea ", $r2, ", [rsp + 8]"),
                "jmp {imp}",
                imp = sym $imp,
            )
        }
    };
}

pub(crate) use entry_stub;
