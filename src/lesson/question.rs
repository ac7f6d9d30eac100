//! A question the page asks about a run: a prompt, the kind of answer, how the right answer is
//! read from the run, and the sentence on why. The chapters have none yet; the type is here so
//! that they land in the chapter's one definition.

use super::facts::Facts;

/// What kind of answer a question takes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Answer {
    /// A number, right within `tolerance` of the run's (absolute).
    Number { tolerance: f32 },
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
    /// What the page asks, e.g. "What loss does a uniform guess give?".
    pub prompt: fn(&Facts) -> String,
    pub answer: Answer,
    /// The right answer, read from the run (None: the run has not shown it yet).
    pub read: fn(&Facts) -> Option<Reading>,
    /// Why, in one sentence.
    pub why: fn(&Facts) -> String,
}

impl Question {
    /// Whether `given` is right for this run; None when the run cannot tell yet, or `given` is
    /// not this kind of answer.
    pub fn check(&self, facts: &Facts, given: Reading) -> Option<bool> {
        match (self.answer, (self.read)(facts)?, given) {
            (Answer::Number { tolerance }, Reading::Number(right), Reading::Number(x)) => {
                Some((x - right).abs() <= tolerance)
            }
            (Answer::Choice { .. }, Reading::Choice(right), Reading::Choice(i)) => Some(i == right),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_number_is_right_within_its_tolerance_and_a_choice_exactly() {
        let facts = crate::lesson::ChapterId::Naive.chapter().facts();
        assert_eq!((facts.vocab_size, facts.fan_in), (27, 30));
        let uniform = Question {
            prompt: |f| {
                format!(
                    "What loss does a uniform guess over {} characters give?",
                    f.vocab_size
                )
            },
            answer: Answer::Number { tolerance: 0.05 },
            read: |f| Some(Reading::Number(f.uniform_loss)),
            why: |_| "Each character gets probability 1/vocab.".into(),
        };
        assert_eq!(uniform.check(&facts, Reading::Number(3.3)), Some(true));
        assert_eq!(uniform.check(&facts, Reading::Number(3.4)), Some(false));
        assert_eq!(uniform.check(&facts, Reading::Choice(0)), None);
        assert!((uniform.prompt)(&facts).contains("27"));
        let fan_in = Question {
            prompt: |_| "Is fan_in above 20?".into(),
            answer: Answer::Choice {
                choices: &["yes", "no"],
            },
            read: |f| Some(Reading::Choice(usize::from(f.fan_in <= 20))),
            why: |f| format!("fan_in is {}.", f.fan_in),
        };
        assert_eq!(fan_in.check(&facts, Reading::Choice(0)), Some(true));
        assert_eq!(fan_in.check(&facts, Reading::Choice(1)), Some(false));
    }
}
