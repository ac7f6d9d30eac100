//! What several topics share: the default names (the first `n`, or as a data set built once per
//! run of the tests), a chapter by name and trained for some steps on them, and the headless
//! runner.

use makemore_lab::data::{default_words, Dataset, DEFAULT_NAMES, SPLIT_SEED};
use makemore_lab::lesson::{Chapter, ChapterId};
use makemore_lab::train::Trainer;
use std::process::Command;
use std::sync::OnceLock;

/// The default names at block_size 3, split as the runner and the page split them.
pub fn data() -> &'static Dataset {
    static D: OnceLock<Dataset> = OnceLock::new();
    D.get_or_init(|| Dataset::new(&default_words(), 3, SPLIT_SEED))
}

/// The first `n` default names, as a names file (debug builds are slow: most session tests
/// train on a few hundred).
pub fn few_names(n: usize) -> String {
    DEFAULT_NAMES.lines().take(n).collect::<Vec<_>>().join("\n")
}

/// A chapter of the lesson by its name.
pub fn chapter(name: &str) -> Chapter {
    ChapterId::from_name(name)
        .unwrap_or_else(|| panic!("no chapter {name}"))
        .chapter()
}

/// A chapter trained for `steps`, so that weights and running statistics are far from their init.
pub fn trained(name: &str, steps: usize) -> Trainer {
    let p = chapter(name);
    let mut t = Trainer::new(data().clone(), p.model, p.train).unwrap();
    for _ in 0..steps {
        t.step().unwrap();
    }
    t
}

/// The headless runner (src/main.rs), built by cargo for the tests.
pub fn runner() -> Command {
    Command::new(env!("CARGO_BIN_EXE_makemore-lab"))
}
