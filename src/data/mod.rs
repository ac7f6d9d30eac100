//! Names in, training examples out: `names` checks a user's file (one name per line),
//! `vocab` maps characters to indices (the boundary token at 0, then the sorted characters seen),
//! and `dataset` makes the notebook's (context, next character) pairs and the 90/10 split.
//!
//! The boundary token is an index, not a character: it is shown as '.' as in the notebook, or,
//! when the names themselves use '.' ("St. Louis"), as another mark the data does not use.

mod dataset;
mod hidden;
mod names;
pub mod unicode;
mod vocab;

pub use dataset::{
    build_dataset, count_examples, examples_bytes, max_block_size, Dataset, Examples,
    MAX_EXAMPLES_BYTES, SPLIT_SEED,
};
pub use hidden::{hidden_char, Hidden};
pub use names::{
    parse_names, DataError, MAX_DISTINCT_CHARS, MAX_FILE_BYTES, MAX_NAME_CHARS, MIN_NAMES,
};
pub use vocab::{Vocab, BOUNDARY, BOUNDARY_FALLBACKS};

/// The default data set, built into the native runner: 32,033 names (karpathy/makemore, MIT).
pub const DEFAULT_NAMES: &str = include_str!("../../www/names.txt");

pub fn default_words() -> Vec<String> {
    parse_names(DEFAULT_NAMES.as_bytes()).expect("the built-in names parse")
}
