//! The names in use and what is made of them: the examples at the settings' context length
//! (split 90/10 by `data::SPLIT_SEED`, whatever the run's seed, so runs are compared on the same
//! validation names), the sets that mark a sample new or seen, and each character's count.

use super::settings::Settings;
use crate::data::{count_examples, parse_names, Dataset, SPLIT_SEED};
use crate::sample::Seen;

pub struct Names {
    pub words: Vec<String>,
    /// Where they came from: "names.txt, the default 32k names" or a file's name.
    pub source: String,
    pub data: Dataset,
    pub seen: Seen,
    /// How often each vocabulary character occurs (the embedding's labels, its path's letters).
    pub char_counts: Vec<u32>,
}

impl Names {
    /// Checked names at a context length of `block_size`.
    pub fn new(words: Vec<String>, source: &str, block_size: usize) -> Names {
        let mut names = Names::without_examples(words, source);
        names.data = names.data.with_block_size(block_size);
        names
    }

    /// Checked names, split, with no examples yet (`Session` builds them once the run's every
    /// check has passed and the examples in use are freed).
    fn without_examples(words: Vec<String>, source: &str) -> Names {
        let data = Dataset::split(&words, SPLIT_SEED);
        Names {
            seen: Seen::new(&data.train_words, &data.val_words),
            char_counts: data.vocab.counts(&words),
            source: source.to_string(),
            words,
            data,
        }
    }

    /// A names file's (checked by `parse_names`), without examples, if its examples fit in
    /// memory at `settings`' context length.
    pub fn load(bytes: &[u8], source: &str, settings: &Settings) -> Result<Names, String> {
        let words = parse_names(bytes).map_err(|e| e.to_string())?;
        settings.fits_data(count_examples(&words))?;
        Ok(Names::without_examples(words, source))
    }

    /// Whether the examples at `settings`' context length are to be built (they are not these).
    pub fn needs_examples(&self, settings: &Settings) -> bool {
        self.data.train.block_size != settings.block_size || self.data.train.is_empty()
    }

    /// Takes `data` (these names' at some context length) as the examples in use.
    pub fn set_data(&mut self, data: Dataset) {
        if data.train_words != self.data.train_words || data.val_words != self.data.val_words {
            self.seen = Seen::new(&data.train_words, &data.val_words);
        }
        self.data = data;
    }
}
