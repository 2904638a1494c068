//! The global allocator on wasm32: dlmalloc (the allocator std uses on this target) on top of a
//! linear memory that grows **geometrically**.
//!
//! std's allocator asks for exactly the pages each request needs, so a large batch grows the
//! memory hundreds of times, 64 KiB to a few MiB at a time. In V8 (Node, Chromium) every
//! `memory.grow` of a memory past a few tens of MiB costs about 1 ms, because it triggers a
//! garbage collection of the JS heap, and the number of grows is proportional to the batch size:
//! the cost per person rose with N (measured: scoring 20,000 people took 1.2 s per
//! 1,000 on the first call, 0.11 s per 1,000 once the memory had grown). Growing by at least half
//! of the current size (up to 256 MiB at a time) makes the number of grows logarithmic in the
//! peak size; at most a third of the memory is then unused headroom, which the next batch reuses
//! (wasm memory never shrinks, whichever allocator is used).

use core::arch::wasm32;
use std::alloc::{GlobalAlloc, Layout};
use std::cell::UnsafeCell;

const PAGE: usize = 64 * 1024;
/// The largest extra step, in pages (256 MiB), so a big memory does not double at once.
const MAX_STEP: usize = 4096;

/// Linear memory for dlmalloc, grown by `max(request, current / 2)` (capped at [`MAX_STEP`]).
pub struct Geometric;

unsafe impl dlmalloc::Allocator for Geometric {
    fn alloc(&self, size: usize) -> (*mut u8, usize, u32) {
        let need = size.div_ceil(PAGE);
        let current = wasm32::memory_size(0);
        let step = need.max((current / 2).min(MAX_STEP));
        // The larger step first; if the engine refuses it, exactly what is needed.
        for pages in [step, need] {
            let previous = wasm32::memory_grow(0, pages);
            if previous != usize::MAX {
                return ((previous * PAGE) as *mut u8, pages * PAGE, 0);
            }
        }
        (std::ptr::null_mut(), 0, 0)
    }

    fn remap(&self, _ptr: *mut u8, _old: usize, _new: usize, _can_move: bool) -> *mut u8 {
        std::ptr::null_mut()
    }

    fn free_part(&self, _ptr: *mut u8, _old: usize, _new: usize) -> bool {
        false
    }

    fn free(&self, _ptr: *mut u8, _size: usize) -> bool {
        false
    }

    fn can_release_part(&self, _flags: u32) -> bool {
        false
    }

    fn allocates_zeros(&self) -> bool {
        true
    }

    fn page_size(&self) -> usize {
        PAGE
    }
}

/// dlmalloc behind `GlobalAlloc`. The module is single-threaded (no `atomics` target feature), so
/// no lock is needed, as in std's own wasm32 allocator.
pub struct Allocator(UnsafeCell<dlmalloc::Dlmalloc<Geometric>>);

// SAFETY: wasm32-unknown-unknown without the `atomics` feature has one thread.
unsafe impl Sync for Allocator {}

impl Allocator {
    pub const fn new() -> Self {
        Allocator(UnsafeCell::new(dlmalloc::Dlmalloc::new_with_allocator(
            Geometric,
        )))
    }
}

unsafe impl GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        (*self.0.get()).malloc(layout.size(), layout.align())
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        (*self.0.get()).calloc(layout.size(), layout.align())
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        (*self.0.get()).free(ptr, layout.size(), layout.align())
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        (*self.0.get()).realloc(ptr, layout.size(), layout.align(), new_size)
    }
}

#[global_allocator]
static GLOBAL: Allocator = Allocator::new();
