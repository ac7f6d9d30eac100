//! The page's own sentences, for what it says before the worker answers or without it (a file
//! refused by its size, a link copied, the trainer restarted, a crash): each is written once, in
//! `session::words`; here they are handed to the page module's JavaScript.

use super::js::to_js;
use crate::data::{DataError, MAX_FILE_BYTES};
use crate::session::protocol::Phrase;
use crate::session::words;
use wasm_bindgen::prelude::*;

/// The hint beside the upload button: what a names file may be.
#[wasm_bindgen]
pub fn upload_hint() -> String {
    format!(
        "or drop a file: one name per line, UTF-8, at most {} MB",
        MAX_FILE_BYTES / (1024 * 1024)
    )
}

/// Why a file of `bytes` bytes is refused before it is read, or null if its size is fine.
#[wasm_bindgen]
pub fn file_size_problem(bytes: f64) -> Option<String> {
    (bytes > MAX_FILE_BYTES as f64).then(|| {
        DataError::TooLarge {
            bytes: bytes as usize,
        }
        .to_string()
    })
}

/// The whole sentence when a names file `name` of `bytes` bytes is refused by its size (“NAME”
/// was not loaded: why. The data, model and plots in use are unchanged.), or null.
#[wasm_bindgen]
pub fn names_file_refused(name: &str, bytes: f64) -> Option<String> {
    file_size_problem(bytes).map(|why| words::names_refused(name, &why))
}

/// Why a weights file of `bytes` bytes is refused before it is read, or null if its size is
/// fine (a weights file has a limit of its own: the page's own files of large models are over
/// the names files' 4 MiB).
#[wasm_bindgen]
pub fn weights_size_problem(bytes: f64) -> Option<String> {
    crate::export::weights::file_size_problem(bytes.min(usize::MAX as f64) as usize)
}

/// The same for a weights file (... The model in use is unchanged.), or null.
#[wasm_bindgen]
pub fn weights_file_refused(name: &str, bytes: f64) -> Option<String> {
    weights_size_problem(bytes).map(|why| words::weights_refused(name, &why))
}

/// "reading “NAME”…"
#[wasm_bindgen]
pub fn reading_file(name: &str) -> String {
    words::reading(name)
}

/// "“NAME” could not be read: FAULT"
#[wasm_bindgen]
pub fn file_unreadable(name: &str, fault: &str) -> String {
    words::unreadable(name, fault)
}

/// "link copied"
#[wasm_bindgen]
pub fn link_copied() -> String {
    words::LINK_COPIED.into()
}

/// "copy this link: URL" (the clipboard refused it).
#[wasm_bindgen]
pub fn copy_this_link(url: &str) -> String {
    words::copy_this_link(url)
}

/// The notice after the trainer was restarted `times` times in a row (0: the first restart).
#[wasm_bindgen]
pub fn restart_notice(times: u32) -> String {
    words::restarted(times).into()
}

/// The fatal message: the fault as a sentence, and what stays on the page.
#[wasm_bindgen]
pub fn fatal_message(fault: &str) -> String {
    words::fatal(fault)
}

/// The fatal message's button: "Reload the page" or "Restart the trainer".
#[wasm_bindgen]
pub fn restart_button(page_broken: bool) -> String {
    words::restart_button(page_broken).into()
}

/// "The trainer failed: FAULT." (the worker script itself failed).
#[wasm_bindgen]
pub fn trainer_failed(fault: &str) -> String {
    words::trainer_failed(fault)
}

/// "A message from the trainer could not be read."
#[wasm_bindgen]
pub fn trainer_unreadable() -> String {
    words::TRAINER_UNREADABLE.into()
}

/// "The page's charts could not be restarted: FAULT"
#[wasm_bindgen]
pub fn charts_not_restarted(fault: &str) -> String {
    words::charts_not_restarted(fault)
}

/// "The page hit an internal error: FAULT." (a panic outside a chart's draw).
#[wasm_bindgen]
pub fn page_internal_error(fault: &str) -> String {
    words::page_internal_error(fault)
}

/// "The page hit an error: FAULT." (a promise that failed).
#[wasm_bindgen]
pub fn page_error(fault: &str) -> String {
    words::page_error(fault)
}

/// The words of chart `chart`'s figure: `{png, png_title, png_label, csv, csv_title, csv_label,
/// readout_label}`.
#[wasm_bindgen]
pub fn figure_words(chart: &str) -> JsValue {
    super::js::to_js(&words::figure_words(chart))
}

/// "this chart could not be drawn: FAULT"
#[wasm_bindgen]
pub fn chart_not_drawn(fault: &str) -> String {
    words::chart_not_drawn(fault)
}

/// "this chart could not be saved: FAULT"
#[wasm_bindgen]
pub fn chart_not_saved(fault: &str) -> String {
    words::chart_not_saved(fault)
}

/// "“NAME” was not loaded: the page is still starting; try again in a moment."
#[wasm_bindgen]
pub fn still_starting(name: &str) -> String {
    words::still_starting(name)
}

/// "kernels: KERNELS" (the training panel's line about the build that trains).
#[wasm_bindgen]
pub fn kernels_line(kernels: &str) -> String {
    words::kernels_line(kernels)
}

/// A sampled name's tag in words ("in train", "in val", "not in the list") for its novelty as
/// the worker sends it ("train", "val", "new").
#[wasm_bindgen]
pub fn novelty_tag(novelty: &str) -> String {
    match crate::sample::Novelty::from_name(novelty) {
        Some(n) => words::novelty(n).into(),
        None => novelty.into(),
    }
}

/// A choice of the "compare" list: "run N: SETUP", or "none" for null.
#[wasm_bindgen]
pub fn compare_choice(run: Option<u32>, setup: &str) -> String {
    words::compare_choice(run, setup)
}

/// The embedding's path slider: `[label, title]`.
#[wasm_bindgen]
pub fn path_words() -> Vec<String> {
    vec![words::PATH_LABEL.into(), words::PATH_TITLE.into()]
}

/// What a file without a name is called ("your file").
#[wasm_bindgen]
pub fn unnamed_file() -> String {
    words::UNNAMED_FILE.into()
}

/// A sentence of the worker's (a chapter's text, a break-it experiment's) as its phrases: plain
/// words, and the phrases that link to a chart (`[{text, chart}]`, `lesson::prose`).
#[wasm_bindgen(unchecked_return_type = "Phrase[]")]
pub fn phrases(text: &str) -> JsValue {
    to_js(&Phrase::all(text))
}
