//! Safe-looking wrappers over the C buffers of csrc/buffers.c.
pub use shout::Shout;

extern "C" {
    pub fn c_make_buffer(n: usize) -> *mut u8;
    pub fn c_release(p: *mut u8);
    pub fn c_peek_after_release(n: usize) -> i32;
}

/// A buffer C allocated: copied into a Vec, then given back to C.
pub fn copy_c_buffer(n: usize) -> Vec<u8> {
    unsafe {
        let p = c_make_buffer(n);
        let copy = std::slice::from_raw_parts(p, n).to_vec();
        c_release(p);
        copy
    }
}

/// Bug: reads one byte of a buffer after C freed it.
#[inline(never)]
pub fn byte_after_release(n: usize, i: usize) -> u8 {
    unsafe {
        let p = c_make_buffer(n);
        c_release(p);
        *p.add(i)
    }
}
