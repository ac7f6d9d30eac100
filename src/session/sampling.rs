//! Sampling from a run's model: names (marked new, in train or in val), the step-through sampler
//! (one character at a time, its softmax shown), and a typed name's score. Sampling has a stream
//! of its own, seeded from the run's seed, so it never changes the training run.

use crate::data::{Vocab, MAX_NAME_CHARS};
use crate::model::Mlp;
use crate::rng::Rng;
use crate::sample::{self, NameScore, Sample, Seen, Stepper};
use serde::{Deserialize, Serialize};

/// At most this many names per sampling request.
pub const MAX_SAMPLES: usize = 200;
/// The highest sampling temperature.
pub const MAX_TEMPERATURE: f32 = 10.0;
/// The sampling stream is the run's seed mixed with this, so it never touches the training stream.
const SAMPLE_SALT: u64 = 0x5A3D_1E55;

/// What the step-through sampler does next.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SamplerAction {
    /// Start a new name (the context all boundary tokens).
    New,
    /// Draw one more character.
    Next,
    /// Draw the rest of the name.
    Finish,
}

/// A run's sampling: its stream, the step-through sampler's name in progress, and the last name
/// scored.
#[derive(Clone, Debug)]
pub struct Sampling {
    rng: Rng,
    stepper: Option<Stepper>,
    scored: Option<(String, NameScore)>,
}

impl Sampling {
    /// The sampling of a run of `seed`.
    pub fn new(seed: u64) -> Sampling {
        Sampling {
            rng: Rng::new(seed ^ SAMPLE_SALT),
            stepper: None,
            scored: None,
        }
    }

    /// Names from `model` as typed (how many, temperature), marked as `seen` has them.
    pub fn sample(
        &mut self,
        model: &mut Mlp,
        vocab: &Vocab,
        seen: &Seen,
        n: &str,
        temperature: &str,
    ) -> Result<Vec<Sample>, String> {
        let n: usize = n.trim().parse().unwrap_or(0);
        if n == 0 || n > MAX_SAMPLES {
            return Err(format!("ask for 1 to {MAX_SAMPLES} names"));
        }
        let t = parse_temperature(temperature)?;
        Ok(sample::sample(
            model,
            vocab,
            seen,
            &mut self.rng,
            n,
            t,
            MAX_NAME_CHARS,
        ))
    }

    /// The step-through sampler: a new name, one more character, or the rest of the name, at
    /// a temperature as typed; `block` is the model's context length.
    pub fn step(
        &mut self,
        model: &mut Mlp,
        vocab: &Vocab,
        block: usize,
        action: SamplerAction,
        temperature: &str,
    ) -> Result<(), String> {
        let t = parse_temperature(temperature)?;
        let fresh = || Stepper::new(block, t, MAX_NAME_CHARS);
        let stepper = match (action, self.stepper.take()) {
            (SamplerAction::New, _) | (_, None) => fresh(),
            (_, Some(s)) if s.done => fresh(),
            (_, Some(mut s)) => {
                s.temperature = t;
                s
            }
        };
        let stepper = self.stepper.insert(stepper);
        let rng = &mut self.rng;
        match action {
            SamplerAction::New => {}
            SamplerAction::Next => {
                stepper.step(model, vocab, rng);
            }
            SamplerAction::Finish => while stepper.step(model, vocab, rng).is_some() {},
        }
        Ok(())
    }

    /// The step-through sampler's name in progress.
    pub fn stepper(&self) -> Option<&Stepper> {
        self.stepper.as_ref()
    }

    /// Scores a typed name under `model`: each character's probability, and its loss.
    pub fn score(&mut self, model: &mut Mlp, vocab: &Vocab, name: &str) -> Result<(), String> {
        let name = name.trim();
        let score = sample::score_name(model, vocab, name)?;
        self.scored = Some((name.to_string(), score));
        Ok(())
    }

    /// The last name scored, and its score.
    pub fn scored(&self) -> Option<(&str, &NameScore)> {
        self.scored.as_ref().map(|(n, s)| (n.as_str(), s))
    }
}

/// A sampling temperature as typed: above 0 and at most `MAX_TEMPERATURE`.
fn parse_temperature(text: &str) -> Result<f32, String> {
    let t: f32 = text.trim().parse().unwrap_or(f32::NAN);
    if t.is_finite() && t > 0.0 && t <= MAX_TEMPERATURE {
        Ok(t)
    } else {
        Err(format!(
            "the temperature must be above 0 and at most {MAX_TEMPERATURE}"
        ))
    }
}
