//! A question the page asks before the run shows its answer (the lecture asks "what loss do we
//! expect at init?" before it computes it): a prompt, the kind of answer, how the right answer
//! is read from the run, the chart where it shows, and the sentence on why. A chapter's
//! questions are part of its one definition; their answers come from the run (`Seen`) or from
//! the run's model (`Facts`), never from constants typed beside them.

use super::facts::Facts;
use super::seen::Seen;
use crate::charts::ChartId;
use crate::format;

/// What kind of answer a question takes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Answer {
    /// A number, right within `tolerance` of the run's (absolute); `percent`: written with a %.
    Number { tolerance: f32, percent: bool },
    /// One of `choices`.
    Choice { choices: &'static [&'static str] },
}

/// An answer, given or read from the run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Reading {
    Number(f32),
    /// An index into the question's choices.
    Choice(usize),
}

#[derive(Clone, Debug)]
pub struct Question {
    /// What the page asks, with the run's numbers, e.g. "... with 27 characters ...".
    pub prompt: fn(&Facts) -> String,
    pub answer: Answer,
    /// The right answer, read from the run (None: the run has not shown it yet).
    pub read: fn(&Facts, &Seen) -> Option<Reading>,
    /// Where the answer shows (the page writes the guess beside it).
    pub chart: ChartId,
    /// Whether a run on this vocabulary can answer it (the vowels' question needs a e i o u).
    pub asks: fn(&[char]) -> bool,
    /// Why, in a sentence or two, true whatever the run's answer.
    pub why: fn(&Facts) -> String,
}

impl Question {
    /// Whether `given` is right against `right`; None when `given` is not this kind of answer.
    pub fn check(&self, right: Reading, given: Reading) -> Option<bool> {
        match (self.answer, right, given) {
            (Answer::Number { tolerance, .. }, Reading::Number(r), Reading::Number(x)) => {
                Some((x - r).abs() <= tolerance)
            }
            (Answer::Choice { .. }, Reading::Choice(r), Reading::Choice(i)) => Some(i == r),
            _ => None,
        }
    }
}

/// "What percent of the hidden tanh outputs sit past ±threshold at the first step?", right
/// within 10 points: the |h| line of the pre-activation chart at step 1.
pub(super) fn saturated_at_first_step(why: fn(&Facts) -> String) -> Question {
    Question {
        prompt: |f| {
            format!(
                "At the first step, what percent of the hidden layer's tanh outputs will sit \
                 past ±{} (saturated)?",
                format::exact(f.saturation_threshold)
            )
        },
        answer: Answer::Number {
            tolerance: 10.0,
            percent: true,
        },
        read: |_, s| s.init_saturated_pct.map(Reading::Number),
        chart: ChartId::Preact,
        asks: |_| true,
        why,
    }
}

/// The two answers of `first_loss_against_uniform`.
const NEAR_OR_ABOVE: &[&str] = &["near the uniform loss (within 1)", "well above it"];

/// "Will the first loss be near -ln(1/vocab) or well above it?": the run's first mini-batch
/// loss, against the uniform loss plus 1.
pub(super) fn first_loss_against_uniform(why: fn(&Facts) -> String) -> Question {
    Question {
        prompt: |f| {
            format!(
                "Where will this model's first loss be, against -ln(1/{}): the loss of a \
                 model that knows nothing, giving each character the same probability?",
                f.vocab_size
            )
        },
        answer: Answer::Choice {
            choices: NEAR_OR_ABOVE,
        },
        read: |f, s| {
            s.first_loss
                .map(|l| Reading::Choice(usize::from(l > f.uniform_loss + 1.0)))
        },
        chart: ChartId::Loss,
        asks: |_| true,
        why,
    }
}

/// The nearest of `choices` (numbers as text, "0.001") to `x`, on a log scale.
pub fn nearest_decade(x: f32, choices: &[&str]) -> Option<usize> {
    choices
        .iter()
        .enumerate()
        .filter_map(|(i, c)| Some((i, c.parse::<f32>().ok()?)))
        .filter(|&(_, c)| c > 0.0 && x > 0.0)
        .min_by(|a, b| {
            let d = |c: f32| (c.log10() - x.log10()).abs();
            d(a.1).total_cmp(&d(b.1))
        })
        .map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uniform() -> Question {
        Question {
            prompt: |f| format!("A uniform guess over {} characters?", f.vocab_size),
            answer: Answer::Number {
                tolerance: 0.05,
                percent: false,
            },
            read: |f, _| Some(Reading::Number(f.uniform_loss)),
            chart: ChartId::Loss,
            asks: |_| true,
            why: |_| "Each character gets probability 1/vocab.".into(),
        }
    }

    #[test]
    fn a_number_is_right_within_its_tolerance_and_a_choice_exactly() {
        let facts = crate::lesson::ChapterId::Naive.chapter().facts();
        let q = uniform();
        let right = (q.read)(&facts, &Seen::default()).unwrap();
        assert_eq!(q.check(right, Reading::Number(3.3)), Some(true));
        assert_eq!(q.check(right, Reading::Number(3.4)), Some(false));
        assert_eq!(q.check(right, Reading::Choice(0)), None);
        assert!((q.prompt)(&facts).contains("27"));
        let choice = Question {
            answer: Answer::Choice {
                choices: &["yes", "no"],
            },
            ..uniform()
        };
        assert_eq!(
            choice.check(Reading::Choice(1), Reading::Choice(1)),
            Some(true)
        );
        assert_eq!(
            choice.check(Reading::Choice(1), Reading::Choice(0)),
            Some(false)
        );
    }

    #[test]
    fn the_nearest_decade_is_on_a_log_scale() {
        let ch = ["0.001", "0.01", "0.1", "1"];
        assert_eq!(nearest_decade(0.089, &ch), Some(2));
        assert_eq!(nearest_decade(0.0004, &ch), Some(0));
        assert_eq!(nearest_decade(0.4, &ch), Some(3));
        assert_eq!(nearest_decade(0.0, &ch), None);
    }
}
