//! A growable array in pages of our own (mmap, mremap): the leak check runs while other threads
//! are stopped, one of which may hold glibc's malloc lock, so it never allocates through libc.

use core::marker::PhantomData;

pub struct MapVec<T: Copy> {
    ptr: usize,
    len: usize,
    /// Capacity in elements (0: nothing mapped).
    cap: usize,
    _t: PhantomData<T>,
}

const PAGE: usize = 4096;

impl<T: Copy> MapVec<T> {
    pub const fn new() -> Self {
        MapVec {
            ptr: 0,
            len: 0,
            cap: 0,
            _t: PhantomData,
        }
    }

    /// An array of `len` zero-filled elements (false if the kernel refuses the pages).
    pub fn zeroed(len: usize) -> Option<Self> {
        let mut v = Self::new();
        if len > 0 && !v.reserve(len) {
            return None;
        }
        v.len = len;
        Some(v)
    }

    fn bytes_for(cap: usize) -> usize {
        (cap * core::mem::size_of::<T>()).next_multiple_of(PAGE)
    }

    /// Room for `want` elements in all; false if the kernel refuses.
    fn reserve(&mut self, want: usize) -> bool {
        if want <= self.cap {
            return true;
        }
        let cap = want
            .max(self.cap * 2)
            .max(PAGE / core::mem::size_of::<T>().max(1));
        let new_bytes = Self::bytes_for(cap);
        let p = if self.cap == 0 {
            match crate::sync::map_anonymous(new_bytes) {
                Some(p) => p,
                None => return false,
            }
        } else {
            let p = unsafe {
                libc::mremap(
                    self.ptr as *mut libc::c_void,
                    Self::bytes_for(self.cap),
                    new_bytes,
                    libc::MREMAP_MAYMOVE,
                )
            };
            if p == libc::MAP_FAILED {
                return false;
            }
            p as usize
        };
        self.ptr = p;
        self.cap = new_bytes / core::mem::size_of::<T>().max(1);
        true
    }

    /// Appends; false (and nothing appended) if the kernel refuses more pages.
    pub fn push(&mut self, value: T) -> bool {
        if self.len == self.cap && !self.reserve(self.len + 1) {
            return false;
        }
        unsafe { (self.ptr as *mut T).add(self.len).write(value) };
        self.len += 1;
        true
    }

    pub fn pop(&mut self) -> Option<T> {
        if self.len == 0 {
            return None;
        }
        self.len -= 1;
        Some(unsafe { (self.ptr as *const T).add(self.len).read() })
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn as_slice(&self) -> &[T] {
        if self.cap == 0 {
            return &[];
        }
        unsafe { core::slice::from_raw_parts(self.ptr as *const T, self.len) }
    }

    pub fn as_mut_slice(&mut self) -> &mut [T] {
        if self.cap == 0 {
            return &mut [];
        }
        unsafe { core::slice::from_raw_parts_mut(self.ptr as *mut T, self.len) }
    }
}

impl<T: Copy> Drop for MapVec<T> {
    fn drop(&mut self) {
        if self.cap > 0 {
            unsafe { libc::munmap(self.ptr as *mut libc::c_void, Self::bytes_for(self.cap)) };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_and_keeps_its_elements() {
        let mut v = MapVec::<u64>::new();
        for i in 0..100_000 {
            assert!(v.push(i));
        }
        assert_eq!(v.len(), 100_000);
        assert_eq!(v.as_slice()[99_999], 99_999);
        assert_eq!(v.pop(), Some(99_999));
        let z = MapVec::<u32>::zeroed(10).unwrap();
        assert!(z.as_slice().iter().all(|&x| x == 0));
    }
}
