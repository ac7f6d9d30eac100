//! The chapters' questions: each chapter asks one to three, and a run answers every one of them
//! from its own numbers, on the default names and on names of another vocabulary; a guess is
//! judged against the run's answer, not against a constant.

use crate::support::few_names;
use makemore_lab::diagnostics::EvalStats;
use makemore_lab::format;
use makemore_lab::lesson::{ChapterId, RATIO_STEPS};
use makemore_lab::session::views::quiz_view;
use makemore_lab::session::Session;

/// Names whose vocabulary is not the default's: 34 characters, with the five vowels.
fn other_names() -> String {
    let extra = ["zoë", "josé", "åsa", "øyvind", "ñuño", "çelik", "ıra"];
    let mut out = few_names(300);
    for (i, e) in extra.iter().cycle().take(70).enumerate() {
        out.push_str(&format!("\n{e}{}", ["a", "n", "l"][i % 3]));
    }
    out
}

/// A run of `chapter` on `names`, trained far enough that each question can be answered: past
/// the sweep and the update-ratio question's steps, then to the end of its (shortened) budget.
fn answered(chapter: ChapterId, names: &str) -> Session {
    let mut s = Session::new(names.as_bytes(), "test").unwrap();
    s.choose(makemore_lab::session::Setup::Chapter(chapter))
        .unwrap();
    let sweep = s.settings().sweep().map_or(0, |(n, _, _)| n);
    let steps = (sweep + 200).max(RATIO_STEPS);
    s.set_steps(&steps.to_string(), false).unwrap();
    s.start().unwrap();
    while s.busy() {
        s.work(|| false);
    }
    s.update_quiz();
    for i in 0..s.quiz().len() {
        s.reveal(i).unwrap();
    }
    s
}

#[test]
fn every_chapter_asks_and_its_run_answers_on_two_vocabularies() {
    let other = other_names();
    for names in [few_names(400), other] {
        for &id in ChapterId::ALL {
            let s = answered(id, &names);
            let v = quiz_view(&s);
            let n = v.questions.len();
            assert!((1..=3).contains(&n), "{id}: {n} questions");
            for q in &v.questions {
                assert!(
                    q.answer.is_some() && q.why.is_some() && !q.open,
                    "{id}: '{}' has no answer after the run: {}",
                    q.prompt,
                    q.line
                );
                assert!(q.line.contains("no guess"), "{}", q.line);
                // One sentence each, with no run of spaces (a string continued wrongly).
                for text in [&q.prompt, q.why.as_ref().unwrap(), &q.line] {
                    assert!(
                        !text.contains("  ") && !text.contains('\n'),
                        "{id}: {text:?}"
                    );
                }
            }
        }
    }
}

#[test]
fn the_answers_are_the_runs_own_numbers() {
    // The naive chapter's uniform loss, for 27 and for 34 characters.
    for (names, vocab) in [(few_names(400), 27usize), (other_names(), 34)] {
        let s = answered(ChapterId::Naive, &names);
        assert_eq!(s.data().vocab.size(), vocab);
        let v = quiz_view(&s);
        let uniform = format::plain((vocab as f32).ln());
        assert_eq!(v.questions[0].answer.as_deref(), Some(uniform.as_str()));
        assert!(v.questions[0]
            .prompt
            .contains(&format!("{vocab} characters")));
        // The first loss of randn weights is far above the uniform loss.
        let first = s.run().history().first_loss.unwrap();
        assert!(first > (vocab as f32).ln() + 1.0, "{first}");
        assert_eq!(v.questions[1].answer.as_deref(), Some("well above it"));
    }
    // The saturation questions state the run's first step, as its diagnostics counted it.
    for id in [
        ChapterId::FixSoftmax,
        ChapterId::FixTanh,
        ChapterId::Kaiming,
        ChapterId::Batchnorm,
    ] {
        let s = answered(id, &few_names(400));
        let init = s.run().init_diag().unwrap().first.as_ref().unwrap();
        let want = format!("{}%", format::plain(100.0 * init.layer.act.saturated));
        let v = quiz_view(&s);
        let q = v
            .questions
            .iter()
            .find(|q| q.unit == "%")
            .expect("a saturation question");
        assert_eq!(q.answer.as_deref(), Some(want.as_str()), "{id}");
    }
}

#[test]
fn the_saturation_answers_follow_the_lesson() {
    // Randn hidden weights saturate most units; times 0.2 few; Kaiming more than 0.2; BatchNorm
    // few (the sentences' "why" say so; the runs must agree).
    let pct = |id| {
        let s = answered(id, &few_names(400));
        100.0
            * s.run()
                .init_diag()
                .unwrap()
                .first
                .as_ref()
                .unwrap()
                .layer
                .act
                .saturated
    };
    let (softmax, tanh, kaiming, bn) = (
        pct(ChapterId::FixSoftmax),
        pct(ChapterId::FixTanh),
        pct(ChapterId::Kaiming),
        pct(ChapterId::Batchnorm),
    );
    assert!(softmax > 50.0, "{softmax}");
    assert!(
        tanh < 10.0 && kaiming > tanh && bn < 10.0,
        "{tanh} {kaiming} {bn}"
    );
}

#[test]
fn a_guess_is_judged_within_its_tolerance_and_goes_into_the_runs_csv() {
    let mut s = Session::new(few_names(400).as_bytes(), "test").unwrap();
    s.choose(makemore_lab::session::Setup::Chapter(ChapterId::FixTanh))
        .unwrap();
    s.step_once().unwrap();
    s.update_quiz();
    let v = quiz_view(&s);
    let right = v.questions[0].answer.clone().unwrap();
    // Too late for this run: the answer is out.
    assert!(s.guess(0, Some("5"), None).is_err());
    // The next run: 40 points off is wrong, the run's own number is right.
    s.reset().unwrap();
    s.guess(0, Some("45%"), None).unwrap();
    s.step_once().unwrap();
    s.update_quiz();
    let q = &quiz_view(&s).questions[0];
    assert_eq!(q.verdict, Some(false), "{}", q.line);
    assert!(q.line.starts_with("Your guess 45.0"), "{}", q.line);
    s.reset().unwrap();
    s.guess(0, Some(&right), None).unwrap();
    assert!(quiz_view(&s).questions[0].answer.is_none());
    s.step_once().unwrap();
    s.update_quiz();
    assert_eq!(quiz_view(&s).questions[0].verdict, Some(true));
    let csv = makemore_lab::session::export::runs_csv(&s);
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].ends_with(",guesses"), "{}", lines[0]);
    assert!(lines[2].ends_with(",0 of 1 right"), "{csv}");
    assert!(lines[3].ends_with(",1 of 1 right"), "{csv}");
    // Not a number, not a choice: refused with a sentence.
    s.reset().unwrap();
    assert!(s
        .guess(0, Some("lots"), None)
        .unwrap_err()
        .contains("not a number"));
    assert!(s.guess(0, None, Some(0)).is_err());
    assert!(s.guess(7, Some("1"), None).is_err());
}

#[test]
fn a_break_it_experiment_and_custom_settings_ask_nothing() {
    let mut s = Session::new(few_names(200).as_bytes(), "test").unwrap();
    s.choose_experiment("weights-x10").unwrap();
    assert!(quiz_view(&s).questions.is_empty());
    s.choose_chapter("naive").unwrap();
    assert_eq!(quiz_view(&s).questions.len(), 2);
    s.apply_settings([("n_hidden", "64")]).unwrap();
    assert!(quiz_view(&s).questions.is_empty());
}

#[test]
fn the_batchnorm_eval_answer_is_what_the_run_measured() {
    let mut s = Session::new(few_names(400).as_bytes(), "test").unwrap();
    s.choose_chapter("batchnorm").unwrap();
    let eval = |s: &Session| {
        quiz_view(s)
            .questions
            .into_iter()
            .find(|q| q.prompt.starts_with("At eval"))
            .expect("the eval question")
    };
    // Asked for before the first step, the answer waits for the run to measure it.
    let i = quiz_view(&s)
        .questions
        .iter()
        .position(|q| q.prompt.starts_with("At eval"))
        .unwrap();
    s.reveal(i).unwrap();
    assert_eq!(s.run().eval_stats(), None);
    assert_eq!(eval(&s).answer, None, "{}", eval(&s).line);
    s.step_once().unwrap();
    s.update_quiz();
    assert_eq!(s.run().eval_stats(), Some(EvalStats::Running));
    let q = eval(&s);
    assert_eq!(
        q.answer.as_deref(),
        Some(q.choices[1].as_str()),
        "{}",
        q.line
    );
    assert!(q.why.unwrap().starts_with("The running mean and std"));
}
