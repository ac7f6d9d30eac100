//! The largest memory of the threaded wasm builds. A shared memory must declare its largest
//! size; the linker is given this one (`xtask/src/variants.rs` includes this file with `#[path]`,
//! so the figure is written once), and the native memory test checks that the largest names file
//! and model the limits allow, uploaded twice, stay under it (`tests/native/memory.rs`).

/// 1 GiB: above what the largest allowed model and a 4 MiB names file need, measured.
pub const MAX_MEMORY: u64 = 1 << 30;
