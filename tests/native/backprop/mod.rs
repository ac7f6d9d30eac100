//! The backprop sheet (makemore part 4), natively: the lecture's answers judged right on several
//! batches and seeds (`lecture`), typical mistakes judged wrong with a message that points at
//! them (`mistakes`), the language's features and refusals (`language`, `hostile`), the core's
//! gradients against the core's `Mlp` and the hints' formulas (`core`), exercise 4's two runs
//! (`training`), the sheet's API (`sheet`), and the sheet through the worker's loop (`page`).
//! `cargo test --test native backprop::`.

mod support;

mod core;
mod hostile;
mod language;
mod lecture;
mod mistakes;
mod page;
mod sheet;
mod training;
