//! The questions of a run: the student's guesses, and the answers as the run shows them. A run
//! asks its chapter's questions again (the session starts a new `Quiz` with every run).
//!
//! An answer is read from the run once (`update`), the first time the run has shown it, and
//! kept: a ratio read at step 1,000 stays the one read there. It is shown once the run has taken
//! a step, or earlier when asked (`reveal`: the class has guessed aloud); a guess is taken until
//! its answer is shown.

use super::run::RunState;
use super::settings::Settings;
use super::words;
use crate::diagnostics;
use crate::lesson::{Answer, Facts, Question, Reading, Seen, RATIO_STEPS};

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Quiz {
    guesses: Vec<Option<Reading>>,
    answers: Vec<Option<Reading>>,
    revealed: Vec<bool>,
}

/// Where one question stands.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Standing {
    pub guess: Option<Reading>,
    /// The run's answer, once shown.
    pub answer: Option<Reading>,
    /// The answer was asked for before the run read it: it shows when the run gets there.
    pub waiting: bool,
}

impl Quiz {
    /// A quiz of `n` questions, none guessed.
    pub fn new(n: usize) -> Quiz {
        Quiz {
            guesses: vec![None; n],
            answers: vec![None; n],
            revealed: vec![false; n],
        }
    }

    pub fn len(&self) -> usize {
        self.guesses.len()
    }

    pub fn is_empty(&self) -> bool {
        self.guesses.is_empty()
    }

    /// Every answer is read: nothing more to update.
    pub fn complete(&self) -> bool {
        self.answers.iter().all(Option::is_some)
    }

    /// Reads every answer the run now shows and had not shown before.
    pub fn update(&mut self, questions: &[Question], facts: &Facts, seen: &Seen) {
        for (q, a) in questions.iter().zip(&mut self.answers) {
            if a.is_none() {
                *a = (q.read)(facts, seen);
            }
        }
    }

    /// Question `i` as the page shows it, after `steps` steps of the run.
    pub fn standing(&self, i: usize, steps: usize) -> Standing {
        let asked = self.revealed[i] || steps > 0;
        Standing {
            guess: self.guesses[i],
            answer: self.answers[i].filter(|_| asked),
            waiting: self.revealed[i] && self.answers[i].is_none(),
        }
    }

    /// A guess at question `i`, as typed (`number`) or chosen (`choice`); refused once the
    /// answer is shown.
    pub fn guess(
        &mut self,
        questions: &[Question],
        i: usize,
        steps: usize,
        number: Option<&str>,
        choice: Option<usize>,
    ) -> Result<(), String> {
        let q = questions.get(i).ok_or_else(|| words::no_question(i))?;
        if self.standing(i, steps).answer.is_some() {
            return Err(words::GUESS_TOO_LATE.into());
        }
        self.guesses[i] = Some(parse(q, number, choice)?);
        Ok(())
    }

    /// Shows question `i`'s answer now (or as soon as the run reads it).
    pub fn reveal(&mut self, i: usize) -> Result<(), String> {
        let r = self
            .revealed
            .get_mut(i)
            .ok_or_else(|| words::no_question(i))?;
        *r = true;
        Ok(())
    }

    /// "2 of 3 right" over the questions guessed and answered, for the runs table ("–": none).
    pub fn summary(&self, questions: &[Question], steps: usize) -> String {
        let (mut right, mut judged) = (0, 0);
        for (i, q) in questions.iter().enumerate() {
            let st = self.standing(i, steps);
            if let (Some(g), Some(a)) = (st.guess, st.answer) {
                judged += 1;
                right += usize::from(q.check(a, g) == Some(true));
            }
        }
        words::guesses_summary(right, judged, self.guesses.iter().flatten().count())
    }
}

/// A guess as typed (a number, a % allowed) or chosen (an index into the choices).
pub fn parse(q: &Question, number: Option<&str>, choice: Option<usize>) -> Result<Reading, String> {
    match (q.answer, number, choice) {
        (Answer::Number { .. }, Some(text), _) => {
            let t = text.trim().trim_end_matches('%').trim();
            match t.parse::<f32>() {
                Ok(x) if x.is_finite() && x.abs() < 1e9 => Ok(Reading::Number(x)),
                _ => Err(words::not_a_guess(text)),
            }
        }
        (Answer::Number { .. }, None, _) => Err(words::not_a_guess("")),
        (Answer::Choice { choices }, None, Some(i)) if i < choices.len() => Ok(Reading::Choice(i)),
        (Answer::Choice { choices }, _, _) => Err(words::pick_one(choices.len())),
    }
}

/// What `run` (of `settings`) has shown so far.
pub fn seen(run: &RunState, settings: &Settings) -> Seen {
    let t = &run.trainer;
    let steps = t.step;
    let history = run.history();
    let ratios = (steps >= RATIO_STEPS).then(|| {
        let (series, every) = history.ratio_points();
        // The points up to RATIO_STEPS, each series' mean (log10 ratios).
        let upto = (RATIO_STEPS / every.max(1)).max(1);
        series
            .iter()
            .map(|s| {
                let s = &s[..s.len().min(upto)];
                s.iter().sum::<f32>() / s.len().max(1) as f32
            })
            .collect()
    });
    let best_lr = settings
        .sweep()
        .filter(|&(n, _, _)| steps >= n)
        .and_then(|_| {
            let (lrs, losses) = history.sweep_points();
            diagnostics::lr_suggestion(&lrs, &losses).map(|(_, lr, _)| lr)
        });
    let emb = &t.model.emb.weight;
    let vowel_distances = (steps >= t.train.steps && steps > 0 && emb.shape[1] == 2)
        .then(|| {
            let points: Vec<[f32; 2]> = emb.data.chunks(2).map(|p| [p[0], p[1]]).collect();
            diagnostics::vowel_distances(&points, &t.data.vocab.itos).map(|(vv, vc, _)| (vv, vc))
        })
        .flatten();
    Seen {
        steps,
        first_loss: history.first_loss,
        init_saturated_pct: run
            .init_diag()
            .and_then(|d| d.first.as_ref())
            .map(|f| 100.0 * f.layer.act.saturated),
        ratios,
        best_lr,
        vowel_distances,
        eval_stats: run.eval_stats(),
    }
}
