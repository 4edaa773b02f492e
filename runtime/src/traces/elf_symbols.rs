//! Looks symbols up in the executable's own `.symtab` (not the dynamic one: a Go binary exports
//! none of its runtime's functions), reading the file through a private read-only mapping, once,
//! at start-up. No allocation: the mapping is dropped before returning.

use core::ffi::c_void;

const SHT_SYMTAB: u32 = 2;

/// A symbol's run-time address range.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Range {
    pub lo: usize,
    pub hi: usize,
}

/// The executable, mapped for reading.
struct Mapped {
    base: *const u8,
    len: usize,
}

impl Drop for Mapped {
    fn drop(&mut self) {
        unsafe { libc::munmap(self.base as *mut c_void, self.len) };
    }
}

impl Mapped {
    fn open_executable() -> Option<Mapped> {
        let fd =
            unsafe { libc::open(c"/proc/self/exe".as_ptr(), libc::O_RDONLY | libc::O_CLOEXEC) };
        if fd < 0 {
            return None;
        }
        let mut st: libc::stat = unsafe { core::mem::zeroed() };
        let len = if unsafe { libc::fstat(fd, &mut st) } == 0 {
            st.st_size as usize
        } else {
            0
        };
        let base = if len >= core::mem::size_of::<libc::Elf64_Ehdr>() {
            unsafe {
                libc::mmap(
                    core::ptr::null_mut(),
                    len,
                    libc::PROT_READ,
                    libc::MAP_PRIVATE,
                    fd,
                    0,
                )
            }
        } else {
            libc::MAP_FAILED
        };
        unsafe { libc::close(fd) };
        (base != libc::MAP_FAILED).then_some(Mapped {
            base: base as *const u8,
            len,
        })
    }

    /// `count` values of T at `offset`, if they lie inside the file.
    fn slice<T>(&self, offset: usize, count: usize) -> Option<&[T]> {
        let bytes = count.checked_mul(core::mem::size_of::<T>())?;
        if offset.checked_add(bytes)? > self.len
            || !offset.is_multiple_of(core::mem::align_of::<T>())
        {
            return None;
        }
        Some(unsafe { core::slice::from_raw_parts(self.base.add(offset).cast::<T>(), count) })
    }

    fn bytes_at(&self, offset: usize) -> &[u8] {
        if offset >= self.len {
            return &[];
        }
        unsafe { core::slice::from_raw_parts(self.base.add(offset), self.len - offset) }
    }
}

/// NUL-terminated name at `offset` equals `name`.
fn name_is(table: &[u8], name: &[u8]) -> bool {
    table.len() > name.len() && table.starts_with(name) && table[name.len()] == 0
}

/// The load bias of the main program: where its program headers are in memory minus where the
/// file says they are.
fn main_program_bias(phdrs: &[libc::Elf64_Phdr]) -> usize {
    let at_phdr = unsafe { libc::getauxval(libc::AT_PHDR) } as usize;
    match phdrs.iter().find(|p| p.p_type == libc::PT_PHDR) {
        Some(p) => at_phdr.wrapping_sub(p.p_vaddr as usize),
        // No PT_PHDR: a non-PIE executable (Go's default) is loaded where it says.
        None => 0,
    }
}

/// Looks up each of `names` (exact symbol names) in the executable's `.symtab`; `out[i]` gets the
/// range of `names[i]` (left as it was when absent). Only done when the executable has a section
/// named `required_section` (`.go.buildinfo`: a Go program), so C programs pay one header scan.
pub fn lookup_in_executable(required_section: &[u8], names: &[&[u8]], out: &mut [Range]) -> bool {
    let Some(file) = Mapped::open_executable() else {
        return false;
    };
    let Some(ehdr) = file.slice::<libc::Elf64_Ehdr>(0, 1).map(|e| e[0]) else {
        return false;
    };
    if ehdr.e_ident[..4] != *b"\x7fELF" || ehdr.e_ident[4] != 2 {
        return false;
    }
    let Some(sections) =
        file.slice::<libc::Elf64_Shdr>(ehdr.e_shoff as usize, ehdr.e_shnum as usize)
    else {
        return false;
    };
    let Some(phdrs) = file.slice::<libc::Elf64_Phdr>(ehdr.e_phoff as usize, ehdr.e_phnum as usize)
    else {
        return false;
    };
    let Some(shstr) = sections.get(ehdr.e_shstrndx as usize) else {
        return false;
    };
    let section_names = file.bytes_at(shstr.sh_offset as usize);
    let named = |s: &libc::Elf64_Shdr, name: &[u8]| {
        section_names
            .get(s.sh_name as usize..)
            .is_some_and(|t| name_is(t, name))
    };
    if !sections.iter().any(|s| named(s, required_section)) {
        return false;
    }
    let bias = main_program_bias(phdrs);
    let Some(symtab) = sections.iter().find(|s| s.sh_type == SHT_SYMTAB) else {
        return false;
    };
    let Some(strtab) = sections.get(symtab.sh_link as usize) else {
        return false;
    };
    let count = symtab.sh_size as usize / core::mem::size_of::<libc::Elf64_Sym>();
    let Some(symbols) = file.slice::<libc::Elf64_Sym>(symtab.sh_offset as usize, count) else {
        return false;
    };
    let strings = file.bytes_at(strtab.sh_offset as usize);
    let mut found = false;
    for sym in symbols {
        if sym.st_value == 0 {
            continue;
        }
        let Some(name) = strings.get(sym.st_name as usize..) else {
            continue;
        };
        for (i, wanted) in names.iter().enumerate() {
            if name_is(name, wanted) {
                let lo = bias.wrapping_add(sym.st_value as usize);
                out[i] = Range {
                    lo,
                    hi: lo + (sym.st_size as usize).max(1),
                };
                found = true;
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_a_function_of_the_test_binary_and_needs_the_section() {
        let mut out = [Range::default(); 2];
        let names: [&[u8]; 2] = [b"main", b"no such symbol here"];
        assert!(lookup_in_executable(b".text", &names, &mut out));
        assert!(out[0].lo != 0 && out[0].hi > out[0].lo);
        assert_eq!(out[1], Range::default());
        let mut none = [Range::default()];
        assert!(!lookup_in_executable(
            b".go.buildinfo",
            &names[..1],
            &mut none
        ));
    }
}
