//! The run's questions as the page shows them: each prompt, its answers to pick from, the
//! student's guess, and once the run shows it, the answer, whether the guess was right and why;
//! with one line for the chart where the answer shows ("Your guess 25% · the run 63.4%: wrong").

use super::super::protocol::{QuestionView, QuizView};
use super::super::Session;
use crate::format;
use crate::lesson::{Answer, Question, Reading};

/// The questions of the session's run, and whether the chapter's text waits for the guesses.
pub fn quiz_view(s: &Session) -> QuizView {
    let facts = s.facts();
    let steps = s.run().trainer.step;
    let quiz = s.quiz();
    let questions: Vec<QuestionView> = s
        .questions()
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let st = quiz.standing(i, steps);
            let guess = st.guess.map(|g| reading(q, g));
            let verdict = st.answer.zip(st.guess).and_then(|(a, g)| q.check(a, g));
            QuestionView {
                prompt: (q.prompt)(&facts),
                choices: match q.answer {
                    Answer::Choice { choices } => choices.iter().map(|c| c.to_string()).collect(),
                    Answer::Number { .. } => Vec::new(),
                },
                unit: match q.answer {
                    Answer::Number { percent: true, .. } => "%".into(),
                    _ => String::new(),
                },
                chart: q.chart,
                open: st.answer.is_none(),
                line: line(q, guess.as_deref(), st.answer, verdict, st.waiting),
                guess,
                answer: st.answer.map(|a| reading(q, a)),
                verdict,
                why: st.answer.map(|_| (q.why)(&facts)),
            }
        })
        .collect();
    QuizView {
        run: s.run().number,
        summary: quiz.summary(&s.questions(), steps),
        asking: steps == 0,
        hold_text: steps == 0 && questions.iter().any(|q| q.guess.is_none() && q.open),
        questions,
    }
}

/// An answer as the page writes it: a number (with its %), or the choice's words.
fn reading(q: &Question, r: Reading) -> String {
    match (q.answer, r) {
        (Answer::Number { percent, .. }, Reading::Number(x)) => {
            format!("{}{}", format::plain(x), if percent { "%" } else { "" })
        }
        (Answer::Choice { choices }, Reading::Choice(i)) => {
            choices.get(i).copied().unwrap_or("?").to_string()
        }
        _ => "?".into(),
    }
}

/// How close a number must be: "within ±10 points" or "within ±0.1".
fn tolerance(q: &Question) -> Option<String> {
    match q.answer {
        Answer::Number {
            tolerance,
            percent: true,
        } => Some(format!("within ±{} points", format::exact(tolerance))),
        Answer::Number { tolerance, .. } => Some(format!("within ±{}", format::exact(tolerance))),
        Answer::Choice { .. } => None,
    }
}

/// The line beside the chart.
fn line(
    q: &Question,
    guess: Option<&str>,
    answer: Option<Reading>,
    verdict: Option<bool>,
    waiting: bool,
) -> String {
    match (guess, answer) {
        (Some(g), Some(a)) => {
            let judged = match (verdict, tolerance(q)) {
                (Some(true), _) => "right".to_string(),
                (_, Some(t)) => format!("wrong (right is {t})"),
                _ => "wrong".to_string(),
            };
            format!("Your guess {g} · the run {}: {judged}.", reading(q, a))
        }
        (None, Some(a)) => format!("The run: {} (no guess).", reading(q, a)),
        (Some(g), None) if waiting => {
            format!("Your guess: {g}. The run shows its answer when it gets there: train on.")
        }
        (Some(g), None) => format!("Your guess: {g}. Train to see the run's."),
        (None, None) if waiting => "The run shows its answer when it gets there: train on.".into(),
        (None, None) => "Guess before you train.".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lesson::ChapterId;

    fn naive() -> Session {
        let words: Vec<String> = ["emma", "olivia", "ava", "isabella", "sophia", "mia"]
            .iter()
            .cycle()
            .take(60)
            .map(|w| w.to_string())
            .collect();
        Session::from_words(words, "test", ChapterId::Naive).unwrap()
    }

    #[test]
    fn a_guess_is_judged_once_the_run_shows_the_answer() {
        let mut s = naive();
        let v = quiz_view(&s);
        assert!(v.hold_text && v.questions.len() == 2);
        assert_eq!(v.questions[0].line, "Guess before you train.");
        s.guess(0, Some("9"), None).unwrap();
        s.update_quiz();
        let v = quiz_view(&s);
        assert_eq!(v.questions[0].guess.as_deref(), Some("9.00"));
        assert!(v.questions[0].answer.is_none() && v.questions[0].open);
        s.step_once().unwrap();
        s.update_quiz();
        let v = quiz_view(&s);
        let q = &v.questions[0];
        let uniform = format::plain(s.facts().uniform_loss);
        assert_eq!(q.answer.as_deref(), Some(uniform.as_str()));
        assert_eq!(q.verdict, Some(false));
        assert!(
            q.line.contains("wrong (right is within ±0.1)"),
            "{}",
            q.line
        );
        assert!(q.why.as_deref().unwrap().contains(&uniform));
        assert!(!v.hold_text);
        // Out: no more guesses this run.
        assert!(s.guess(0, Some("2"), None).is_err());
        // The next run asks again.
        s.reset().unwrap();
        s.guess(0, Some(&uniform), None).unwrap();
        s.reveal(0).unwrap();
        let v = quiz_view(&s);
        assert_eq!(v.questions[0].verdict, Some(true));
        assert_eq!(s.record(10).guesses, "1 of 1 right");
    }
}
