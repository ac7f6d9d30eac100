//! `Vocab`: the notebook's `stoi`/`itos`. Index 0 is the boundary token (start and end of a
//! name); 1.. are the sorted characters of the names. The boundary is shown as a mark the names
//! do not use, so that "St. Louis" and a name that ends after "St" never print alike.

use std::collections::BTreeSet;

/// The boundary token's default mark, as the notebook prints it.
pub const BOUNDARY: char = '.';
/// The boundary's marks when the names use '.', tried in order; past these, the first
/// private-use character the names do not use.
pub const BOUNDARY_FALLBACKS: [char; 3] = ['·', '¶', '␣'];

/// `itos[0]` is the boundary's mark, `itos[1..]` the sorted characters of the names.
#[derive(Debug, Clone, PartialEq)]
pub struct Vocab {
    pub itos: Vec<char>,
}

impl Vocab {
    pub fn from_words(words: &[String]) -> Vocab {
        let set: BTreeSet<char> = words.iter().flat_map(|w| w.chars()).collect();
        let mark = std::iter::once(BOUNDARY)
            .chain(BOUNDARY_FALLBACKS)
            .chain((0xE000..=0x10FFFF).filter_map(char::from_u32))
            .find(|c| !set.contains(c))
            .expect("the names use fewer than a million characters");
        let mut itos = vec![mark];
        itos.extend(set);
        Vocab { itos }
    }
    pub fn size(&self) -> usize {
        self.itos.len()
    }
    /// How the boundary token (index 0) is shown: '.' unless the names use it.
    pub fn boundary_mark(&self) -> char {
        self.itos[0]
    }
    /// The index of a character of the names; `None` for any other character, the boundary's
    /// mark included (the boundary is index 0, not a character).
    pub fn stoi(&self, c: char) -> Option<usize> {
        // itos[1..] is sorted, so a binary search finds the character.
        self.itos[1..].binary_search(&c).ok().map(|i| i + 1)
    }
    /// How often each index occurs as a target in `words` (built from the same words): index 0,
    /// the boundary, once per name; the embedding chart labels the most frequent first.
    pub fn counts(&self, words: &[String]) -> Vec<u32> {
        let mut counts = vec![0u32; self.size()];
        counts[0] = words.len() as u32;
        for c in words.iter().flat_map(|w| w.chars()) {
            if let Some(i) = self.stoi(c) {
                counts[i] += 1;
            }
        }
        counts
    }
    /// The vocabulary as one string, like the notebook's `''.join(chars)`, the boundary's mark first.
    pub fn as_string(&self) -> String {
        self.itos.iter().collect()
    }
}
