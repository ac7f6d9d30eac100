//! The notebook's `build_dataset` (every prefix of a name, padded with the boundary, predicts
//! the next character) and `Dataset`, the 90/10 split of one run. A dataset's names and examples
//! are shared (`Arc`), so the copies a session hands to each run cost nothing.

use super::vocab::Vocab;
use crate::rng::Rng;
use std::sync::Arc;

/// Contexts `x` (n x block_size, row-major) and next-character targets `y`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Examples {
    pub x: Vec<u32>,
    pub y: Vec<u32>,
    pub block_size: usize,
}

impl Examples {
    pub fn len(&self) -> usize {
        self.y.len()
    }
    pub fn is_empty(&self) -> bool {
        self.y.is_empty()
    }
    pub fn context(&self, i: usize) -> &[u32] {
        &self.x[i * self.block_size..(i + 1) * self.block_size]
    }
}

/// Examples of `words`: one per character and one for the end, `sum(len + 1)`. A file of
/// `MAX_FILE_BYTES` gives at most that many plus one (each character takes a byte or more, each
/// end but the last a line break).
pub fn count_examples(words: &[String]) -> usize {
    words.iter().map(|w| w.chars().count() + 1).sum()
}

/// Bytes that `examples` examples take at `block_size`: a u32 per context position and target.
pub fn examples_bytes(examples: usize, block_size: usize) -> usize {
    examples.saturating_mul(block_size + 1).saturating_mul(4)
}

/// Largest memory for the examples of one data set (train and val together). The largest file
/// (4 MiB of one-character names, 4.2M examples) fits at block_size 15; the default names
/// (228k examples) at any block_size the page offers. The browser gives a page a few GB at best,
/// and the model, its gradients and the charts need room too.
/// One set is alive at a time: a new file or context length is built after the examples in use
/// are freed (session/mod.rs, `new_run`), so a change holds at most these, the old and new
/// models (each under `settings::limits::MAX_RUN_BYTES`) and the old and new names (two copies
/// each: the file's order and the split).
pub const MAX_EXAMPLES_BYTES: usize = 256 * 1024 * 1024;

/// The largest block_size whose examples fit in `MAX_EXAMPLES_BYTES` (0 if none does): the
/// check for a settings change, "the context length may be at most N for this file".
pub fn max_block_size(examples: usize) -> usize {
    (MAX_EXAMPLES_BYTES / 4 / examples.max(1)).saturating_sub(1)
}

/// The notebook's `build_dataset`: for each name, every prefix (padded with the boundary, index 0)
/// predicts the next character, and the whole name predicts the boundary. Characters not in
/// `vocab` panic: build the vocabulary from the same words.
pub fn build_dataset(words: &[String], vocab: &Vocab, block_size: usize) -> Examples {
    let n = count_examples(words);
    let mut ex = Examples {
        x: Vec::with_capacity(n * block_size),
        y: Vec::with_capacity(n),
        block_size,
    };
    let mut context = vec![0u32; block_size];
    for w in words {
        context.iter_mut().for_each(|c| *c = 0);
        let ixs = w
            .chars()
            .map(|ch| vocab.stoi(ch).expect("character outside the vocabulary") as u32);
        for ix in ixs.chain(std::iter::once(0)) {
            ex.x.extend_from_slice(&context);
            ex.y.push(ix);
            if block_size > 0 {
                context.rotate_left(1);
                context[block_size - 1] = ix;
            }
        }
    }
    ex
}

/// The seed of the 90/10 split. It is fixed, not the run's seed, so that runs with other seeds
/// (other initial weights and batches) are compared on the same validation names.
pub const SPLIT_SEED: u64 = 42;

/// The data of one run: the vocabulary, the shuffled names split 90/10, and their examples.
/// Cloning shares the names and examples.
#[derive(Debug, Clone)]
pub struct Dataset {
    pub vocab: Vocab,
    pub train_words: Arc<[String]>,
    pub val_words: Arc<[String]>,
    pub train: Arc<Examples>,
    pub val: Arc<Examples>,
}

impl Dataset {
    /// Shuffles `words` with `seed` and splits at `int(0.9 * n)`, as the notebook does.
    pub fn new(words: &[String], block_size: usize, seed: u64) -> Dataset {
        Dataset::split(words, seed).with_block_size(block_size)
    }

    /// The vocabulary and the split of `Dataset::new`, with no examples yet (`with_block_size`
    /// makes them): what can be checked before the examples' memory is spent.
    pub fn split(words: &[String], seed: u64) -> Dataset {
        let vocab = Vocab::from_words(words);
        let mut shuffled = words.to_vec();
        Rng::new(seed ^ 0x5EED_DA7A).shuffle(&mut shuffled);
        let split = (shuffled.len() as f64 * 0.9) as usize;
        let val_words: Arc<[String]> = shuffled.split_off(split).into();
        let train_words: Arc<[String]> = shuffled.into();
        Dataset {
            vocab,
            train_words,
            val_words,
            train: Arc::default(),
            val: Arc::default(),
        }
    }

    /// The same names, vocabulary and split without the examples (which this copy no longer
    /// holds: they are freed once no other copy holds them).
    pub fn without_examples(&self) -> Dataset {
        Dataset {
            train: Arc::default(),
            val: Arc::default(),
            ..self.clone()
        }
    }

    /// The examples in all, of both splits (whether built or not).
    pub fn count_examples(&self) -> usize {
        count_examples(&self.train_words) + count_examples(&self.val_words)
    }

    /// The same names, vocabulary and split with examples of another `block_size` (what
    /// `Dataset::new` with the same words and seed gives, without the words).
    pub fn with_block_size(&self, block_size: usize) -> Dataset {
        Dataset {
            vocab: self.vocab.clone(),
            train_words: self.train_words.clone(),
            val_words: self.val_words.clone(),
            train: Arc::new(build_dataset(&self.train_words, &self.vocab, block_size)),
            val: Arc::new(build_dataset(&self.val_words, &self.vocab, block_size)),
        }
    }

    pub fn n_names(&self) -> usize {
        self.train_words.len() + self.val_words.len()
    }
}
