//! Exercise 4: the student's backward pass trains the network beside the core's, from the same
//! seed on the same batches. With the lecture's answers the two loss curves are the same (bit
//! for bit with exercise 1's chain, to rounding with exercises 2 and 3); with one wrong answer
//! they part ways; a missing or broken answer stops the run with a message naming it.

use super::lecture::{EXERCISE_1, EXERCISE_2, EXERCISE_3};
use super::support::lab;
use makemore_lab::backprop::{DualRun, Lab, StepLosses};

fn filled(seed: u64, with_2_and_3: bool) -> Lab {
    let mut lab = lab(seed);
    for (id, text) in EXERCISE_1 {
        lab.sheet.set(id, text).unwrap();
    }
    if with_2_and_3 {
        lab.sheet.set("cross_entropy", EXERCISE_2).unwrap();
        lab.sheet.set("batchnorm", EXERCISE_3).unwrap();
    }
    lab
}

fn steps(run: &mut DualRun, k: usize) -> Vec<StepLosses> {
    (0..k).map(|_| run.step().expect("a step")).collect()
}

fn max_gap(curve: &[StepLosses]) -> f32 {
    curve
        .iter()
        .fold(0.0f32, |m, s| m.max((s.student - s.core).abs()))
}

fn mean(xs: impl Iterator<Item = f32>) -> f32 {
    let v: Vec<f32> = xs.collect();
    v.iter().sum::<f32>() / v.len() as f32
}

#[test]
fn with_the_lectures_chain_the_curves_are_the_same() {
    let lab = filled(1, false);
    let mut run = lab.training(2147483647).unwrap();
    let curve = steps(&mut run, 200);
    for s in &curve {
        assert_eq!(s.student.to_bits(), s.core.to_bits(), "{s:?}");
    }
    assert_eq!(run.student, run.core, "the weights too");
    // And it trains: the last steps' loss is well below the first.
    let last = mean(curve[180..].iter().map(|s| s.core));
    assert!(last < curve[0].core - 0.5, "{} -> {last}", curve[0].core);
}

#[test]
fn with_exercises_2_and_3_the_curves_agree_to_rounding() {
    let lab = filled(2, true);
    let mut run = lab.training(5).unwrap();
    let curve = steps(&mut run, 200);
    let gap = max_gap(&curve);
    assert!(gap < ROUNDING, "{gap}");
    assert!(
        curve.iter().any(|s| s.student != s.core),
        "different formulas round differently"
    );
}

/// The gap that still counts as rounding, and the least gap of a wrong answer, over 200 steps.
/// Right formulas differ by rounding (about 5e-7 here); the wrong answers below by 7e-3 to 0.75:
/// some wrong gradients still train, but never along the same curve.
const ROUNDING: f32 = 1e-4;
const PARTED: f32 = 1e-3;

#[test]
fn one_wrong_answer_makes_the_curves_part() {
    for (id, text) in [
        ("hpreact", "dhpreact = (1.0 - h) * dh"),
        ("bndiff", "dbndiff = bnvar_inv * dbnraw"),
        (
            "logprobs",
            "dlogprobs = torch.zeros_like(logprobs)\ndlogprobs[range(n), Yb] = -1.0",
        ),
        ("C", "dC = torch.zeros_like(C)\ndC[Xb] += demb"),
    ] {
        let mut lab = filled(3, false);
        lab.sheet.set(id, text).unwrap();
        let mut run = lab.training(7).unwrap();
        let curve = steps(&mut run, 200);
        assert_eq!(curve[0].student, curve[0].core, "{id}: the same start");
        let gap = max_gap(&curve);
        assert!(gap > PARTED, "{id}: the curves stay within {gap}");
    }
}

#[test]
fn a_missing_or_broken_answer_stops_with_a_message() {
    let empty = lab(4);
    let e = empty.training(1).unwrap_err();
    for name in [
        "dlogprobs (exercise 1)",
        "dW2 (exercise 1)",
        "dC (exercise 1)",
    ] {
        assert!(e.contains(name), "{e}");
    }
    // Exercises 2 and 3 replace the chains they stand for.
    let mut lab = lab(4);
    lab.sheet.set("cross_entropy", EXERCISE_2).unwrap();
    lab.sheet.set("batchnorm", EXERCISE_3).unwrap();
    let e = lab.training(1).unwrap_err();
    assert!(!e.contains("dlogprobs") && !e.contains("dbnraw"), "{e}");
    assert!(e.contains("dh (exercise 1)"), "{e}");

    for (id, text, fragments) in [
        (
            "W2",
            "dW2 = dlogits.T @ h",
            &["step 1", "dW2 has shape (27, 64)", "W2 (64, 27)"][..],
        ),
        (
            "h",
            "dh = dlogits @ W2",
            &["step 1", "your dh (h)", "W2.T would give"][..],
        ),
        ("b1", "db1 = 1.0", &["never defines db1 as a tensor"][..]),
        (
            "probs",
            "dprobs = dlogprobs / 0.0",
            &["step 1", "your dprobs has a NaN"][..],
        ),
    ] {
        let mut lab = filled(5, false);
        lab.sheet.set(id, text).unwrap();
        let mut run = lab.training(1).unwrap();
        let e = run.step().unwrap_err();
        for f in fragments {
            assert!(e.contains(f), "{id}: want {f:?} in {e}");
        }
        assert_eq!(run.step, 0, "nothing moved");
        assert_eq!(run.student, run.core, "{id}: nothing moved");
    }
    let mut lab = filled(5, false);
    lab.sheet.set("h", "dh = dlogits @@ W2").unwrap();
    let e = lab.training(1).unwrap_err();
    assert!(e.contains("your dh (exercise 1): line 1, column"), "{e}");
}
