//! /proc/self/maps, line by line, with raw open/read into buffers on the stack: no stdio, no
//! malloc, so it is safe inside the allocator and while other threads are stopped.

/// Calls `f` with each line (without its newline; a line longer than 4 KiB is cut) until `f`
/// returns false; false if the file could not be opened.
pub fn for_each_line(mut f: impl FnMut(&[u8]) -> bool) -> bool {
    let fd = unsafe {
        libc::open(
            c"/proc/self/maps".as_ptr(),
            libc::O_RDONLY | libc::O_CLOEXEC,
        )
    };
    if fd < 0 {
        return false;
    }
    let mut buf = [0u8; 4096];
    let mut line = [0u8; 4096];
    let mut line_len = 0usize;
    'read: loop {
        let n = unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) };
        if n <= 0 {
            if n < 0 && crate::sync::errno() == libc::EINTR {
                continue;
            }
            break;
        }
        for &b in &buf[..n as usize] {
            if b != b'\n' {
                if line_len < line.len() {
                    line[line_len] = b;
                    line_len += 1;
                }
                continue;
            }
            if !f(&line[..line_len]) {
                break 'read;
            }
            line_len = 0;
        }
    }
    unsafe { libc::close(fd) };
    true
}
