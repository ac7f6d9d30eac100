//! Names in, training examples out. `parse_names` cleans and checks a user's file,
//! `Vocab` maps characters to indices ('.' = the boundary token at 0, then the sorted characters
//! seen), and `build_dataset` makes the notebook's (context, next character) pairs.
//!
//! A '.' inside a name is rejected: the lesson writes the boundary token as '.', and a name
//! holding one would print the same as a name that ends there.

use crate::rng::Rng;
use std::fmt;

/// The boundary token's character, as the notebook prints it.
pub const BOUNDARY: char = '.';
/// Largest file accepted, in bytes (the default 32k names are 228 KB).
pub const MAX_FILE_BYTES: usize = 4 * 1024 * 1024;
/// Longest name accepted, in characters (the longest default name has 15).
pub const MAX_NAME_CHARS: usize = 64;
/// Most distinct characters accepted (so the vocabulary, with '.', has at most 101 entries).
pub const MAX_DISTINCT_CHARS: usize = 100;
/// Fewest names accepted: a 90/10 split needs at least one validation name.
pub const MIN_NAMES: usize = 10;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DataError {
    TooLarge { bytes: usize },
    NotUtf8 { line: usize },
    Binary { line: usize },
    Empty,
    TooFewNames { names: usize },
    NameTooLong { line: usize, chars: usize },
    ReservedDot { line: usize },
    TooManyChars { distinct: usize },
}

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            DataError::TooLarge { bytes } => write!(
                f,
                "the file is {:.1} MB; the limit is {} MB of names",
                bytes as f64 / 1e6,
                MAX_FILE_BYTES / (1024 * 1024)
            ),
            DataError::NotUtf8 { line } => write!(
                f,
                "line {line} is not UTF-8 text; is this a names file (one name per line)?"
            ),
            DataError::Binary { line } => write!(
                f,
                "line {line} holds control characters; this looks like a binary file, not a list of names"
            ),
            DataError::Empty => write!(f, "the file has no names (it is empty or only blank lines)"),
            DataError::TooFewNames { names } => write!(
                f,
                "the file has {names} names; at least {MIN_NAMES} are needed for a 90/10 train/val split"
            ),
            DataError::NameTooLong { line, chars } => write!(
                f,
                "line {line} is {chars} characters long; names may have at most {MAX_NAME_CHARS} (is this one name per line?)"
            ),
            DataError::ReservedDot { line } => write!(
                f,
                "line {line} contains '.', which marks the start and end of a name here; remove it from the name"
            ),
            DataError::TooManyChars { distinct } => write!(
                f,
                "the names use {distinct} different characters; at most {MAX_DISTINCT_CHARS} are allowed"
            ),
        }
    }
}

impl std::error::Error for DataError {}

/// Parses a names file: UTF-8, one name per line, LF or CRLF, surrounding whitespace trimmed,
/// blank lines dropped. Line numbers in errors count from 1 in the file as given.
pub fn parse_names(bytes: &[u8]) -> Result<Vec<String>, DataError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(DataError::TooLarge { bytes: bytes.len() });
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes); // a BOM is not a character
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let line = 1 + bytes[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            return Err(DataError::NotUtf8 { line });
        }
    };
    let mut names = Vec::new();
    let mut distinct = std::collections::BTreeSet::new();
    for (i, raw) in text.split('\n').enumerate() {
        let line = i + 1;
        let name = raw.trim();
        if name.chars().any(|c| c.is_control()) {
            return Err(DataError::Binary { line });
        }
        if name.is_empty() {
            continue;
        }
        let chars = name.chars().count();
        if chars > MAX_NAME_CHARS {
            return Err(DataError::NameTooLong { line, chars });
        }
        if name.contains(BOUNDARY) {
            return Err(DataError::ReservedDot { line });
        }
        distinct.extend(name.chars());
        names.push(name.to_string());
    }
    if names.is_empty() {
        return Err(DataError::Empty);
    }
    if names.len() < MIN_NAMES {
        return Err(DataError::TooFewNames { names: names.len() });
    }
    if distinct.len() > MAX_DISTINCT_CHARS {
        return Err(DataError::TooManyChars {
            distinct: distinct.len(),
        });
    }
    Ok(names)
}

/// `stoi`/`itos`: the boundary '.' at index 0, then the sorted characters seen.
#[derive(Debug, Clone, PartialEq)]
pub struct Vocab {
    pub itos: Vec<char>,
}

impl Vocab {
    pub fn from_words(words: &[String]) -> Vocab {
        let set: std::collections::BTreeSet<char> = words.iter().flat_map(|w| w.chars()).collect();
        let mut itos = vec![BOUNDARY];
        itos.extend(set);
        Vocab { itos }
    }
    pub fn size(&self) -> usize {
        self.itos.len()
    }
    pub fn stoi(&self, c: char) -> Option<usize> {
        if c == BOUNDARY {
            return Some(0);
        }
        // itos[1..] is sorted, so a binary search finds the character.
        self.itos[1..].binary_search(&c).ok().map(|i| i + 1)
    }
    /// The vocabulary as one string, like the notebook's `''.join(chars)`.
    pub fn as_string(&self) -> String {
        self.itos.iter().collect()
    }
}

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

/// The notebook's `build_dataset`: for each name, every prefix (padded with '.') predicts the
/// next character, and the last one predicts '.'. Characters not in `vocab` panic: build the
/// vocabulary from the same words.
pub fn build_dataset(words: &[String], vocab: &Vocab, block_size: usize) -> Examples {
    let mut ex = Examples {
        block_size,
        ..Default::default()
    };
    let mut context = vec![0u32; block_size];
    for w in words {
        context.iter_mut().for_each(|c| *c = 0);
        for ch in w.chars().chain(std::iter::once(BOUNDARY)) {
            let ix = vocab.stoi(ch).expect("character outside the vocabulary") as u32;
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
#[derive(Debug, Clone)]
pub struct Dataset {
    pub vocab: Vocab,
    pub train_words: Vec<String>,
    pub val_words: Vec<String>,
    pub train: Examples,
    pub val: Examples,
}

impl Dataset {
    /// Shuffles `words` with `seed` and splits at `int(0.9 * n)`, as the notebook does.
    pub fn new(words: &[String], block_size: usize, seed: u64) -> Dataset {
        let vocab = Vocab::from_words(words);
        let mut shuffled = words.to_vec();
        Rng::new(seed ^ 0x5EED_DA7A).shuffle(&mut shuffled);
        let split = (shuffled.len() as f64 * 0.9) as usize;
        let val_words = shuffled.split_off(split);
        let train_words = shuffled;
        let train = build_dataset(&train_words, &vocab, block_size);
        let val = build_dataset(&val_words, &vocab, block_size);
        Dataset {
            vocab,
            train_words,
            val_words,
            train,
            val,
        }
    }

    pub fn n_names(&self) -> usize {
        self.train_words.len() + self.val_words.len()
    }
}

/// The default data set, built into the native runner: 32,033 names (karpathy/makemore, MIT).
pub const DEFAULT_NAMES: &str = include_str!("../www/names.txt");

pub fn default_words() -> Vec<String> {
    parse_names(DEFAULT_NAMES.as_bytes()).expect("the built-in names parse")
}
