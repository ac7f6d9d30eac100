//! What several native test files share: the default names as a data set (built once per test
//! binary), and a preset trained for some steps on it.

use makemore_lab::data::{default_words, Dataset, SPLIT_SEED};
use makemore_lab::presets;
use makemore_lab::train::Trainer;
use std::sync::OnceLock;

/// The default names at block_size 3, split as the runner and the page split them.
pub fn data() -> &'static Dataset {
    static D: OnceLock<Dataset> = OnceLock::new();
    D.get_or_init(|| Dataset::new(&default_words(), 3, SPLIT_SEED))
}

/// A preset trained for `steps`, so that weights and running statistics are far from their init.
#[allow(dead_code)] // not every test binary that shares `data` trains a preset
pub fn trained(name: &str, steps: usize) -> Trainer {
    let p = presets::preset(name).unwrap();
    let mut t = Trainer::new(data().clone(), p.model, p.train).unwrap();
    for _ in 0..steps {
        t.step().unwrap();
    }
    t
}
