//! Shared by the road to the buffer's tests: a counting global allocator
//! (the crate cannot opt out of it) and a watch on the loaded bytes, so the
//! piece table's structure is checked by what it allocates and keeps, not by
//! how fast it is.

// Each test binary that includes this uses part of it.
#![allow(dead_code)]

use mix::Buffer;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};

/// Counts allocations and the bytes they hand out (a growing `realloc`
/// counts its whole new size: it may copy everything), and notices when the
/// watched block is freed or moved.
struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);
static ALLOCATED: AtomicUsize = AtomicUsize::new(0);
/// The address of the block `load` handed to `from_bytes` (0: none).
static WATCHED: AtomicUsize = AtomicUsize::new(0);
static WATCHED_FREED: AtomicBool = AtomicBool::new(false);
/// The largest block handed out since `largest_block_during` started
/// looking: its address and size (0: none).
static LARGEST: AtomicUsize = AtomicUsize::new(0);
static LARGEST_SIZE: AtomicUsize = AtomicUsize::new(0);

fn handed_out(ptr: *mut u8, size: usize) -> *mut u8 {
    if size > LARGEST_SIZE.load(SeqCst) {
        LARGEST_SIZE.store(size, SeqCst);
        LARGEST.store(ptr as usize, SeqCst);
    }
    ptr
}

fn release(ptr: *mut u8) {
    if ptr as usize == WATCHED.load(SeqCst) {
        WATCHED_FREED.store(true, SeqCst);
    }
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, SeqCst);
        ALLOCATED.fetch_add(layout.size(), SeqCst);
        handed_out(unsafe { System.alloc(layout) }, layout.size())
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        release(ptr);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, SeqCst);
        ALLOCATED.fetch_add(new_size, SeqCst);
        release(ptr);
        handed_out(unsafe { System.realloc(ptr, layout, new_size) }, new_size)
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

/// Allocations made so far.
pub fn allocations() -> usize {
    ALLOCATIONS.load(SeqCst)
}

/// Bytes handed out so far.
pub fn allocated() -> usize {
    ALLOCATED.load(SeqCst)
}

/// The bytes `from_bytes` was given, where they were when it was called.
pub struct Loaded {
    ptr: *mut u8,
    len: usize,
}

impl Loaded {
    /// Whether the block has been freed or reallocated since: then the
    /// buffer does not keep the loaded bytes where they were.
    pub fn freed(&self) -> bool {
        WATCHED_FREED.load(SeqCst)
    }

    /// The first byte that differs from `original`, while the block is
    /// still allocated.
    pub fn first_change(&self, original: &[u8]) -> Option<usize> {
        assert!(!self.freed(), "the loaded bytes are no longer allocated: nothing to compare");
        // SAFETY: the block is allocated (the allocator saw no free of it)
        // and holds `len` bytes; reading it changes nothing.
        let now = unsafe { std::slice::from_raw_parts(self.ptr, self.len) };
        now.iter().zip(original).position(|(a, b)| a != b)
    }

    /// Overwrites byte `at` of the block behind the buffer's back, while it
    /// is still allocated — what a question that reads the text again sees.
    pub fn overwrite(&self, at: usize, byte: u8) {
        assert!(!self.freed() && at < self.len, "the loaded bytes are no longer allocated");
        // SAFETY: as in `first_change`; the buffer holds no reference into
        // the block while the test runs.
        unsafe { self.ptr.add(at).write(byte) };
    }
}

/// `Buffer::from_bytes(bytes)` with the block watched; also what loading
/// allocated, in bytes.
pub fn load(mut bytes: Vec<u8>) -> (Buffer, Loaded, usize) {
    // No spare capacity: a buffer that edits the loaded bytes in place must
    // then reallocate them, which the watch sees.
    bytes.shrink_to_fit();
    let loaded = Loaded { ptr: bytes.as_mut_ptr(), len: bytes.len() };
    WATCHED.store(loaded.ptr as usize, SeqCst);
    WATCHED_FREED.store(false, SeqCst);
    let before = allocated();
    let buffer = Buffer::from_bytes(bytes).expect("the text is UTF-8");
    (buffer, loaded, allocated() - before)
}

/// Runs `f`, and gives the address and size of the largest block handed out
/// while it ran (a null address when it allocated nothing).
pub fn largest_block_during<T>(f: impl FnOnce() -> T) -> (T, *mut u8, usize) {
    LARGEST.store(0, SeqCst);
    LARGEST_SIZE.store(0, SeqCst);
    let result = f();
    (result, LARGEST.load(SeqCst) as *mut u8, LARGEST_SIZE.load(SeqCst))
}
