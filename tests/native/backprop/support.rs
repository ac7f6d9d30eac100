//! Shared set-up: the default names' dataset (built once) and labs on it.

use makemore_lab::backprop::{Lab, VerdictStatus};
use makemore_lab::data::{default_words, Dataset, SPLIT_SEED};
use std::sync::OnceLock;

pub fn dataset() -> &'static Dataset {
    static DATA: OnceLock<Dataset> = OnceLock::new();
    DATA.get_or_init(|| Dataset::new(&default_words(), 3, SPLIT_SEED))
}

pub fn lab(seed: u64) -> Lab {
    Lab::new(dataset(), seed).expect("the lecture's lab builds")
}

/// The lab at `seed`, moved on to its `batch`-th batch.
pub fn lab_at(seed: u64, batch: usize) -> Lab {
    let mut lab = lab(seed);
    for _ in 0..batch {
        lab.next_batch().expect("another batch");
    }
    lab
}

pub fn right(s: VerdictStatus) -> bool {
    matches!(s, VerdictStatus::Exact | VerdictStatus::Approximate)
}
