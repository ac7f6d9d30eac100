//! What a session holds while it changes its data: a counting allocator measures the bytes alive
//! on the test's own thread (the other tests' threads keep their own counts) and their peak.
//! Issue 20: a big names file uploaded twice kept the old examples, words and model alive while
//! the new ones were built, about twice the memory of one; and the worst case the limits allow
//! against the threaded builds' cap (`makemore_lab::memory::MAX_MEMORY`, the linker's figure).
//! Counted are the bytes asked for (not the allocator's overhead, and a native String's header is
//! twice wasm32's). The browser's own peak, the trainer's wasm memory in the same worst case, is
//! measured by tests/bench/worstcase.mjs (docs/performance.md).

use makemore_lab::data::{
    count_examples, examples_bytes, max_block_size, parse_names, MAX_FILE_BYTES,
};
use makemore_lab::memory::MAX_MEMORY;
use makemore_lab::session::Session;
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

/// The system allocator, counting each thread's bytes alive and their peak.
struct Counting;

thread_local! {
    static LIVE: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

fn count(delta: isize) {
    let _ = LIVE.try_with(|live| {
        let now = live.get() + delta;
        live.set(now);
        let _ = PEAK.try_with(|p| p.set(p.get().max(now)));
    });
}

// SAFETY: every call is passed on to `System` as it came; the counting touches only plain
// thread-local cells (const-initialised, no destructor, no allocation).
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            count(layout.size() as isize);
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            count(layout.size() as isize);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        count(-(layout.size() as isize));
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            count(new_size as isize - layout.size() as isize);
        }
        p
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

/// Bytes alive on this thread now, and the peak since the last call (which starts a new one).
fn live_and_peak() -> (isize, isize) {
    let live = LIVE.with(Cell::get);
    let peak = PEAK.with(|p| p.replace(live));
    (live, peak)
}

/// `n` one-character names (the cheapest names per example), cycling from `first`.
fn one_char_names(n: usize, first: u8) -> String {
    (0..n)
        .map(|i| ((b'a' + (first - b'a' + (i % 26) as u8) % 26) as char).to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_new_file_or_context_length_is_built_after_the_old_examples_are_freed() {
    let (a, b) = (one_char_names(200_000, b'a'), one_char_names(200_000, b'n'));
    let mut s = Session::new(a.as_bytes(), "a").unwrap();
    s.apply_settings([("block_size", "15")]).unwrap();
    let examples = count_examples(&parse_names(b.as_bytes()).unwrap());
    let one_set = examples_bytes(examples, 15) as isize;

    let (before, _) = live_and_peak();
    s.load_names(b.as_bytes(), "b").unwrap();
    let (after, peak) = live_and_peak();
    eprintln!(
        "upload: {before} B alive before, {after} after, peak {peak}; the examples {one_set}"
    );
    assert_eq!(s.data().train.block_size, 15);
    assert!(
        peak - before < one_set,
        "the old examples were alive while the new were built: peak {peak} = {before} + {}",
        peak - before
    );

    let (before, _) = live_and_peak();
    s.apply_settings([("block_size", "14")]).unwrap();
    let (after, peak) = live_and_peak();
    eprintln!("block_size 15 -> 14: {before} B alive before, {after} after, peak {peak}");
    assert!(
        peak - before < one_set * 14 / 16,
        "peak {peak} = {before} + {}",
        peak - before
    );
}

#[test]
fn the_largest_file_and_model_uploaded_twice_stay_under_the_threaded_builds_memory() {
    // The worst case the limits allow (issue 20): a names file of MAX_FILE_BYTES with one
    // character per line (the most examples per byte), at the largest context length it allows,
    // under the largest deep model the run limits allow, uploaded twice (old and new alive
    // together as little as the session can). Natively a String is twice its wasm32 size, so
    // this peak is above the browser's.
    let lines = MAX_FILE_BYTES / 2;
    let (a, b) = (one_char_names(lines, b'a'), one_char_names(lines, b'n'));
    assert!(a.len() <= MAX_FILE_BYTES && a.len() > MAX_FILE_BYTES - 4);
    let examples = count_examples(&parse_names(a.as_bytes()).unwrap());
    let block = max_block_size(examples);
    let mut s = Session::new(a.as_bytes(), "a").unwrap();
    s.choose_chapter("deep").unwrap();
    let block_size = block.to_string();
    s.apply_settings([
        ("block_size", block_size.as_str()),
        ("n_hidden", "1024"),
        ("n_layers", "8"),
        ("batch_size", "20"),
    ])
    .unwrap();
    s.load_names(b.as_bytes(), "b").unwrap();
    s.load_names(a.as_bytes(), "a").unwrap();
    let (live, peak) = live_and_peak();
    eprintln!(
        "{lines} names, {examples} examples at block_size {block}: {live} B alive, peak {peak} \
         ({:.0}% of the threaded builds' {MAX_MEMORY})",
        100.0 * peak as f64 / MAX_MEMORY as f64
    );
    assert_eq!(s.data().train.block_size, block);
    assert!(
        (peak as u64) < MAX_MEMORY * 9 / 10,
        "peak {peak} B against the threaded builds' {MAX_MEMORY}"
    );
}
