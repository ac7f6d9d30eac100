//! Sampling names from the model: start from the all-boundary context, draw the next character
//! from softmax(logits / temperature), shift it into the context, stop at the boundary token or
//! at the length cap (a model can loop forever). Each name is marked as seen in the training
//! names, in the validation names, or new. The same steps one at a time (`Stepper`, for the
//! step-through sampler), and the model's loss on a name of the user's (`score_name`).
//! Everything runs in eval mode (BatchNorm uses its running statistics, as the notebook samples)
//! and draws from an RNG passed in, never the run's.

use crate::data::Vocab;
use crate::data::MAX_NAME_CHARS;
use crate::loss;
use crate::model::Mlp;
use crate::rng::Rng;
use std::collections::HashSet;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Novelty {
    Train,
    Val,
    New,
}

impl Novelty {
    /// Its name in the messages and the page's styles ("train", "val", "new"); the words a
    /// student reads are `session::words::novelty`.
    pub fn name(self) -> &'static str {
        match self {
            Novelty::Train => "train",
            Novelty::Val => "val",
            Novelty::New => "new",
        }
    }

    /// The novelty of a name (`name`'s inverse).
    pub fn from_name(name: &str) -> Option<Novelty> {
        [Novelty::Train, Novelty::Val, Novelty::New]
            .into_iter()
            .find(|n| n.name() == name)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Sample {
    /// The name without the final '.'.
    pub name: String,
    pub novelty: Novelty,
    /// The length cap stopped it before the boundary token.
    pub truncated: bool,
}

/// Looks names up in the training and validation lists.
#[derive(Clone, Debug, Default)]
pub struct Seen {
    train: HashSet<String>,
    val: HashSet<String>,
}

impl Seen {
    pub fn new(train: &[String], val: &[String]) -> Seen {
        Seen {
            train: train.iter().cloned().collect(),
            val: val.iter().cloned().collect(),
        }
    }
    pub fn novelty(&self, name: &str) -> Novelty {
        if self.train.contains(name) {
            Novelty::Train
        } else if self.val.contains(name) {
            Novelty::Val
        } else {
            Novelty::New
        }
    }
}

/// The probability of every character of the vocabulary coming next after `context`
/// (block_size indices): softmax(logits / temperature), in eval mode.
pub fn next_distribution(model: &mut Mlp, context: &[u32], temperature: f32) -> Vec<f32> {
    let mut probs = Vec::new();
    model.predict(context, temperature.max(MIN_TEMPERATURE), &mut probs);
    probs
}

/// Temperatures are clamped to at least this (0 would divide by zero).
pub const MIN_TEMPERATURE: f32 = 1e-3;

/// One character drawn by a `Stepper`.
#[derive(Clone, Debug, PartialEq)]
pub struct Pick {
    /// The context it was drawn after (block_size indices).
    pub context: Vec<u32>,
    /// The distribution it was drawn from (at the stepper's temperature).
    pub probs: Vec<f32>,
    pub index: usize,
    /// Its probability in `probs`.
    pub prob: f32,
}

/// Samples one name a character at a time: each `step` draws the next character, shifts it into
/// the context and adds its -ln p to a running sum. With the same RNG it draws what
/// `sample_one` draws.
#[derive(Clone, Debug, PartialEq)]
pub struct Stepper {
    /// The context window, block_size indices (all boundary at the start).
    pub context: Vec<u32>,
    /// The characters drawn so far, without the final boundary.
    pub name: String,
    pub temperature: f32,
    pub max_len: usize,
    /// The last character drawn.
    pub last: Option<Pick>,
    /// Sum of -ln p over the characters drawn (the boundary included when drawn).
    pub nll_sum: f64,
    /// Characters drawn (the boundary included).
    pub steps: usize,
    /// The boundary was drawn, or the length cap was reached.
    pub done: bool,
    /// The length cap stopped it before the boundary.
    pub truncated: bool,
}

impl Stepper {
    pub fn new(block_size: usize, temperature: f32, max_len: usize) -> Stepper {
        Stepper {
            context: vec![0; block_size],
            name: String::new(),
            temperature: temperature.max(MIN_TEMPERATURE),
            max_len,
            last: None,
            nll_sum: 0.0,
            steps: 0,
            done: max_len == 0,
            truncated: max_len == 0,
        }
    }

    /// Draws the next character; `None` (and nothing drawn) once done.
    pub fn step(&mut self, model: &mut Mlp, vocab: &Vocab, rng: &mut Rng) -> Option<&Pick> {
        if self.done {
            return None;
        }
        let probs = next_distribution(model, &self.context, self.temperature);
        let index = rng.categorical(&probs);
        let prob = probs[index];
        self.nll_sum -= (prob as f64).ln();
        self.steps += 1;
        let context = self.context.clone();
        if index == 0 {
            self.done = true;
        } else {
            self.name.push(vocab.itos[index]);
            self.context.rotate_left(1);
            *self.context.last_mut().expect("block_size >= 1") = index as u32;
            if self.name.chars().count() >= self.max_len {
                self.done = true;
                self.truncated = true;
            }
        }
        self.last = Some(Pick {
            context,
            probs,
            index,
            prob,
        });
        self.last.as_ref()
    }

    /// Mean -ln p per character drawn (NaN before the first).
    pub fn mean_nll(&self) -> f64 {
        self.nll_sum / self.steps as f64
    }
}

/// One name (in eval mode: BatchNorm uses its running statistics, as the notebook samples).
pub fn sample_one(
    model: &mut Mlp,
    vocab: &Vocab,
    rng: &mut Rng,
    temperature: f32,
    max_len: usize,
) -> (String, bool) {
    let mut s = Stepper::new(model.config.block_size, temperature, max_len);
    while s.step(model, vocab, rng).is_some() {}
    (s.name, s.truncated)
}

/// One character of a scored name.
#[derive(Clone, Debug, PartialEq)]
pub struct CharScore {
    /// The character ('.' for the final boundary).
    pub ch: char,
    /// The model's probability of it after the characters before it.
    pub prob: f32,
    /// -ln prob, this character's share of the loss.
    pub nll: f32,
}

/// Unknown characters named in a refusal; the rest are counted.
const UNKNOWN_LISTED: usize = 10;
/// Characters of the vocabulary shown in a refusal; the rest are counted.
const VOCAB_LISTED: usize = 60;

/// The vocabulary as a refusal shows it: its first `VOCAB_LISTED` characters and how many more.
fn vocab_shown(vocab: &Vocab) -> String {
    let shown: String = vocab.itos.iter().take(VOCAB_LISTED).collect();
    match vocab.size().saturating_sub(VOCAB_LISTED) {
        0 => shown,
        more => format!("{shown}… and {more} more"),
    }
}

/// How well the model predicts a name: every character and the final boundary, as the
/// notebook's loss counts them.
#[derive(Clone, Debug, PartialEq)]
pub struct NameScore {
    pub chars: Vec<CharScore>,
    /// Sum of -ln p.
    pub total: f32,
    /// Mean -ln p per character (the loss on this name).
    pub mean: f32,
}

/// Scores `name` under the model (eval mode, temperature 1). Characters not in the vocabulary
/// (or the boundary '.') are an error that names them.
pub fn score_name(model: &mut Mlp, vocab: &Vocab, name: &str) -> Result<NameScore, String> {
    if name.is_empty() {
        return Err("type a name to score".into());
    }
    // The names file's own limit, checked on the characters as typed (before any work).
    let typed = name.chars().count();
    if typed > MAX_NAME_CHARS {
        return Err(format!(
            "a name has at most {MAX_NAME_CHARS} characters; this one has {}",
            crate::charts::thousands(typed)
        ));
    }
    // One spelling, one token: as the names were read (NFC).
    let name = crate::data::unicode::nfc(name);
    let mut unknown: Vec<char> = Vec::new();
    let mut seen = HashSet::new();
    let mut ix = Vec::new();
    for c in name.chars() {
        match vocab.stoi(c) {
            Some(i) if i > 0 => ix.push(i as u32),
            _ if !seen.insert(c) => {}
            _ => unknown.push(c),
        }
    }
    if !unknown.is_empty() {
        let list: Vec<String> = unknown
            .iter()
            .take(UNKNOWN_LISTED)
            .map(|c| format!("'{c}'"))
            .collect();
        let more = unknown.len().saturating_sub(UNKNOWN_LISTED);
        let mut listed = list.join(", ");
        if more > 0 {
            listed = format!("{listed} and {more} more");
        }
        return Err(format!(
            "{listed} {} not in the vocabulary '{}'",
            if unknown.len() == 1 { "is" } else { "are" },
            vocab_shown(vocab)
        ));
    }
    ix.push(0); // the boundary ends the name
    let bs = model.config.block_size;
    let mut context = vec![0u32; bs];
    let mut x = Vec::with_capacity(ix.len() * bs);
    for &i in &ix {
        x.extend_from_slice(&context);
        context.rotate_left(1);
        context[bs - 1] = i;
    }
    model.forward_eval(&x, ix.len());
    let v = model.vocab_size();
    let chars: Vec<CharScore> = ix
        .iter()
        .enumerate()
        .map(|(r, &i)| {
            let nll = loss::row_nll(&model.logits()[r * v..(r + 1) * v], i as usize);
            CharScore {
                ch: vocab.itos[i as usize],
                prob: (-nll).exp(),
                nll,
            }
        })
        .collect();
    let total = chars.iter().map(|c| c.nll as f64).sum::<f64>();
    Ok(NameScore {
        mean: (total / chars.len() as f64) as f32,
        total: total as f32,
        chars,
    })
}

/// `n` names at a temperature (> 0), each at most `max_len` characters.
pub fn sample(
    model: &mut Mlp,
    vocab: &Vocab,
    seen: &Seen,
    rng: &mut Rng,
    n: usize,
    temperature: f32,
    max_len: usize,
) -> Vec<Sample> {
    (0..n)
        .map(|_| {
            let (name, truncated) = sample_one(model, vocab, rng, temperature, max_len);
            let novelty = seen.novelty(&name);
            Sample {
                name,
                novelty,
                truncated,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::MAX_NAME_CHARS;
    use crate::model::ModelConfig;

    fn model_and_vocab() -> (Mlp, Vocab) {
        let words: Vec<String> = ["emma", "olivia", "ava", "josé"].map(String::from).to_vec();
        let vocab = Vocab::from_words(&words);
        let config = ModelConfig {
            vocab_size: vocab.size(),
            ..crate::lesson::ChapterId::Kaiming.chapter().model
        };
        (Mlp::new(&config, &mut Rng::new(3)), vocab)
    }

    #[test]
    fn a_name_longer_than_a_names_file_allows_is_refused_before_any_work() {
        let (mut m, vocab) = model_and_vocab();
        let long = "a".repeat(100_000);
        assert_eq!(
            score_name(&mut m, &vocab, &long).unwrap_err(),
            format!("a name has at most {MAX_NAME_CHARS} characters; this one has 100,000")
        );
        assert!(score_name(&mut m, &vocab, &"a".repeat(MAX_NAME_CHARS)).is_ok());
    }

    #[test]
    fn many_unknown_characters_are_listed_up_to_a_few() {
        let (mut m, vocab) = model_and_vocab();
        let name: String = ('\u{4e00}'..).take(MAX_NAME_CHARS).collect();
        let e = score_name(&mut m, &vocab, &name).unwrap_err();
        assert!(
            e.starts_with("'一', '丁', '丂', '七', '丄', '丅', '丆', '万', '丈', '三' and 54 more are not in the vocabulary"),
            "{e}"
        );
    }

    #[test]
    fn a_decomposed_spelling_scores_as_the_composed_one() {
        let (mut m, vocab) = model_and_vocab();
        let composed = score_name(&mut m, &vocab, "jos\u{e9}").unwrap();
        let decomposed = score_name(&mut m, &vocab, "jose\u{301}").unwrap();
        assert_eq!(composed, decomposed);
    }
}
