//! The local objects of a fake frame laid out with redzones by the pass (`stack_redzones.rs`):
//! found from any address in the frame, named from the description string the frame's first word
//! points to (`ffisan-frame:<function>;<offset> <size> <line> <name>;...`), for the reports of
//! stack-buffer-overflow and stack-buffer-underflow.

use crate::contract::shadow_value::{READONLY, STACK_LEFT_REDZONE};
use crate::contract::GRANULE;
use crate::errors::{FixedStr, RegionInfo, RegionKind};
use crate::shadow::shadow_byte;
use core::fmt::Write;

const MAGIC: &[u8] = b"ffisan-frame:";
/// A description longer than this is not trusted.
const MAX_DESCRIPTION: usize = 8192;

/// One local of a frame, its offsets from the frame's base.
#[derive(Clone, Copy)]
pub struct Object<'a> {
    pub offset: usize,
    pub size: usize,
    pub line: u32,
    pub name: &'a str,
}

/// A fake frame with redzones: where its base is and what its description says.
pub struct Frame {
    pub base: usize,
    description: &'static str,
}

impl Frame {
    /// The frame holding `addr`, if it is a fake frame the pass laid out with redzones.
    pub fn at(addr: usize) -> Option<Frame> {
        let (_, lo, hi) = super::fake_stack::describe(addr)?;
        // The base is the frame's first left-redzone granule (slack before it is mid redzone).
        let mut base = lo.next_multiple_of(GRANULE);
        while base < hi && shadow_byte(base) != STACK_LEFT_REDZONE {
            base += GRANULE;
        }
        if base >= hi || base > addr.max(lo) + MAX_DESCRIPTION {
            return None;
        }
        // SAFETY: the base lies in the frame's slot, mapped memory of the fake stack.
        let pointer = unsafe { *(base as *const usize) };
        Some(Frame {
            base,
            description: read_description(pointer)?,
        })
    }

    /// The function the frame belongs to.
    pub fn function(&self) -> &str {
        self.description.split(';').next().unwrap_or("")
    }

    pub fn objects(&self) -> impl Iterator<Item = Object<'_>> {
        self.description.split(';').skip(1).filter_map(|entry| {
            let mut fields = entry.splitn(4, ' ');
            Some(Object {
                offset: fields.next()?.parse().ok()?,
                size: fields.next()?.parse().ok()?,
                line: fields.next()?.parse().ok()?,
                name: fields.next()?,
            })
        })
    }

    /// The object nearest `addr` (ASan's choice for a redzone between two: the nearer edge).
    pub fn nearest(&self, addr: usize) -> Option<Object<'_>> {
        let offset = addr.wrapping_sub(self.base);
        let distance = |o: &Object| {
            if offset < o.offset {
                o.offset - offset
            } else {
                offset.saturating_sub(o.offset + o.size)
            }
        };
        self.objects().min_by_key(distance)
    }
}

/// The description string at `pointer` if it lies in read-only data (painted READONLY, so mapped)
/// and starts with MAGIC; its text after MAGIC.
fn read_description(pointer: usize) -> Option<&'static str> {
    let readable = |a: usize| shadow_byte(a) & 0xf8 == READONLY;
    if pointer == 0 || !readable(pointer) {
        return None;
    }
    let mut len = 0;
    while len < MAX_DESCRIPTION {
        let at = pointer + len;
        if at.is_multiple_of(GRANULE) && !readable(at) {
            return None;
        }
        // SAFETY: `at` is in a granule painted read-only: mapped data of a module.
        if unsafe { *(at as *const u8) } == 0 {
            break;
        }
        len += 1;
    }
    // SAFETY: the bytes [pointer, pointer + len) were just read.
    let bytes = unsafe { core::slice::from_raw_parts(pointer as *const u8, len) };
    let text = core::str::from_utf8(bytes.strip_prefix(MAGIC)?).ok()?;
    Some(text)
}

/// For a report: the object of the frame at `addr` nearest it, as `'buf' (line 4) in frame of
/// main` with the object's bounds.
pub fn describe_object(addr: usize) -> Option<RegionInfo> {
    let frame = Frame::at(addr)?;
    let object = frame.nearest(addr)?;
    let mut name = FixedStr::new();
    let _ = write!(name, "'{}'", object.name);
    if object.line > 0 {
        let _ = write!(name, " (line {})", object.line);
    }
    let _ = write!(name, " in frame of {}", frame.function());
    Some(RegionInfo {
        kind: RegionKind::Stack,
        lo: frame.base + object.offset,
        hi: frame.base + object.offset + object.size,
        name,
    })
}
