//! The process's memory allocator: glibc's for one-shot commands, mimalloc
//! for the long runs (`index`, `serve`, `push`), chosen once the command
//! line is read (`cmd::main`).
//!
//! Why two (Reuters, fat-LTO builds, same runs): with mimalloc an index run
//! took 13% less wall time and 15% less CPU (0.97 s against 1.11 s; tantivy's
//! indexing thread allocates for the terms it buffers, the parse workers for
//! every document), and `serve` 15% less CPU per request (0.35 against 0.41
//! ms); but a search is a process of about 2.4 ms, and with mimalloc
//! allocating it cost 0.2 ms more (its first pages and arena). Only its
//! start-up constructor (reading its options, about 150,000 instructions)
//! runs in every process: 0.03–0.07 ms.
//!
//! Built without transparent huge pages (`no_thp`): with them an index run
//! peaked at 115 MiB instead of 80, `serve` grew to 68 MiB instead of 24, and
//! neither ran faster.
//!
//! What was allocated before the switch (the runtime's blocks and the
//! parsed command line) stays glibc's: freeing asks mimalloc whether it owns
//! the block. Nothing is allocated by mimalloc before [`use_mimalloc`].

use mimalloc::MiMalloc;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, Ordering};

/// Whether new blocks come from mimalloc.
static MI: AtomicBool = AtomicBool::new(false);

/// Allocate from mimalloc from now on (call once, before any thread starts).
pub fn use_mimalloc() {
    MI.store(true, Ordering::Relaxed);
}

/// Whether the block at `p` is mimalloc's. Only asked once mimalloc is in
/// use: a process that never switched never touches it.
fn mimalloc_owns(p: *mut u8) -> bool {
    MI.load(Ordering::Relaxed)
        // SAFETY: a lookup in mimalloc's own page map; any address may be
        // asked.
        && unsafe { libmimalloc_sys::mi_is_in_heap_region(p.cast()) }
}

/// glibc's or mimalloc's, as [`use_mimalloc`] says; see the module's doc.
pub struct Hybrid;

// SAFETY: every block is freed or resized by the allocator that made it
// (`mimalloc_owns`), and each allocator upholds `GlobalAlloc`'s contract.
unsafe impl GlobalAlloc for Hybrid {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if MI.load(Ordering::Relaxed) {
            unsafe { MiMalloc.alloc(layout) }
        } else {
            unsafe { System.alloc(layout) }
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if MI.load(Ordering::Relaxed) {
            unsafe { MiMalloc.alloc_zeroed(layout) }
        } else {
            unsafe { System.alloc_zeroed(layout) }
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if mimalloc_owns(ptr) {
            unsafe { MiMalloc.dealloc(ptr, layout) }
        } else {
            unsafe { System.dealloc(ptr, layout) }
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if mimalloc_owns(ptr) {
            unsafe { MiMalloc.realloc(ptr, layout, new_size) }
        } else {
            unsafe { System.realloc(ptr, layout, new_size) }
        }
    }
}
