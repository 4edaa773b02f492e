//! The process's readable mappings, read from /proc/self/maps into pages of our own: roots are
//! clipped to them, so a scan never touches a guard page or a PROT_NONE reservation (the Go
//! heap's unused arenas), and a stack we know nothing of ends where its mapping does.

use crate::leaks::scratch::MapVec;

#[derive(Clone, Copy)]
pub struct Mapping {
    pub lo: usize,
    pub hi: usize,
    /// The dynamic loader's own image (its allocations are TLS and link maps: never leaks).
    pub loader: bool,
}

pub struct Mappings {
    list: MapVec<Mapping>,
}

fn parse_hex(digits: &[u8]) -> Option<usize> {
    if digits.is_empty() || digits.len() > 16 {
        return None;
    }
    let mut v = 0usize;
    for &d in digits {
        v = v * 16 + (d as char).to_digit(16)? as usize;
    }
    Some(v)
}

/// One line: "lo-hi perms offset dev inode   path".
fn parse_line(line: &[u8]) -> Option<Mapping> {
    let mut fields = line.split(|&b| b == b' ').filter(|f| !f.is_empty());
    let range = fields.next()?;
    let perms = fields.next()?;
    let path = fields.nth(3).unwrap_or(b"");
    let dash = range.iter().position(|&b| b == b'-')?;
    let (lo, hi) = (parse_hex(&range[..dash])?, parse_hex(&range[dash + 1..])?);
    // The kernel's special pages: vvar may fault when read, vsyscall is not ours.
    let special = path.starts_with(b"[vvar") || path == b"[vsyscall]";
    if perms.first() != Some(&b'r') || special || hi <= lo {
        return None;
    }
    let loader = path.ends_with(b"ld-linux-x86-64.so.2") || path.ends_with(b"/ld.so");
    Some(Mapping { lo, hi, loader })
}

impl Mappings {
    /// Reads the table now (None if /proc is not there).
    pub fn read() -> Option<Mappings> {
        let mut list = MapVec::new();
        let opened = crate::proc_maps::for_each_line(|line| {
            if let Some(m) = parse_line(line) {
                list.push(m);
            }
            true
        });
        opened.then_some(Mappings { list })
    }

    /// Calls `f` with each readable part of [lo, hi).
    pub fn clip(&self, lo: usize, hi: usize, mut f: impl FnMut(usize, usize)) {
        // The kernel lists mappings in address order.
        let list = self.list.as_slice();
        let first = list.partition_point(|m| m.hi <= lo);
        for m in &list[first..] {
            if m.lo >= hi {
                break;
            }
            f(m.lo.max(lo), m.hi.min(hi));
        }
    }

    /// The end of the readable stretch holding `addr` (adjacent readable mappings joined: a
    /// stack may have been mapped in pieces).
    pub fn end_of_stretch(&self, addr: usize) -> Option<usize> {
        let list = self.list.as_slice();
        let i = list.partition_point(|m| m.hi <= addr);
        let m = list.get(i).filter(|m| m.lo <= addr)?;
        let mut end = m.hi;
        for next in &list[i + 1..] {
            if next.lo != end {
                break;
            }
            end = next.hi;
        }
        Some(end)
    }

    /// The mapping holding `addr`, if readable.
    pub fn holding(&self, addr: usize) -> Option<Mapping> {
        let list = self.list.as_slice();
        let i = list.partition_point(|m| m.hi <= addr);
        list.get(i).filter(|m| m.lo <= addr).copied()
    }

    pub fn is_loader_code(&self, pc: usize) -> bool {
        self.holding(pc).is_some_and(|m| m.loader)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_lines_and_knows_our_own_stack() {
        let m =
            parse_line(b"7f00-7f10 r-xp 00000000 08:01 123   /lib64/ld-linux-x86-64.so.2").unwrap();
        assert_eq!((m.lo, m.hi, m.loader), (0x7f00, 0x7f10, true));
        assert!(parse_line(b"1000-2000 ---p 00000000 00:00 0").is_none());
        assert!(parse_line(b"1000-2000 r--p 00000000 00:00 0   [vvar]").is_none());
        let maps = Mappings::read().unwrap();
        let local = 0u64;
        let here = &local as *const u64 as usize;
        assert!(maps.end_of_stretch(here).unwrap() > here);
    }
}
