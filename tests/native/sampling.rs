//! Sampling: seeded and reproducible, capped in length, and marked as seen in train / val / new;
//! the step-through sampler's distribution and steps, and a name's score.

use crate::support::chapter;
use makemore_lab::data::{Dataset, Vocab};
use makemore_lab::layers::Layer;
use makemore_lab::rng::Rng;
use makemore_lab::sample::{next_distribution, sample, score_name, Novelty, Seen, Stepper};
use makemore_lab::train::Trainer;

fn words(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

#[test]
fn novelty_marks() {
    let seen = Seen::new(&words(&["emma", "ava"]), &words(&["mia"]));
    assert_eq!(seen.novelty("emma"), Novelty::Train);
    assert_eq!(seen.novelty("mia"), Novelty::Val);
    assert_eq!(seen.novelty("emmanuelle"), Novelty::New);
}

fn small_trainer(list: &[&str], steps: usize) -> Trainer {
    let mut p = chapter("kaiming");
    p.train.steps = steps;
    let data = Dataset::new(&words(list), 3, 1);
    Trainer::new(data, p.model, p.train).unwrap()
}

#[test]
fn a_model_that_memorised_one_name_samples_it_and_marks_it() {
    let list = ["bob"; 20];
    let mut t = small_trainer(&list, 400);
    while !t.finished() {
        t.step().unwrap();
    }
    let seen = Seen::new(&t.data.train_words, &t.data.val_words);
    let mut rng = Rng::new(1);
    let out = sample(&mut t.model, &t.data.vocab, &seen, &mut rng, 10, 1.0, 30);
    let hits = out
        .iter()
        .filter(|s| s.name == "bob" && s.novelty == Novelty::Train)
        .count();
    assert!(hits >= 8, "{out:?}");
}

#[test]
fn the_length_cap_stops_a_model_that_never_ends() {
    let mut t = small_trainer(
        &[
            "ann", "bea", "cid", "dot", "eve", "fay", "gus", "hal", "ida", "jo",
        ],
        1,
    );
    // Make the boundary token impossible: output bias -1e4 on index 0.
    let n = t.model.layers.len();
    if let Layer::Linear(l) = &mut t.model.layers[n - 1] {
        l.bias.as_mut().unwrap().data[0] = -1e4;
    }
    let seen = Seen::default();
    let out = sample(
        &mut t.model,
        &t.data.vocab,
        &seen,
        &mut Rng::new(2),
        3,
        1.0,
        12,
    );
    for s in &out {
        assert!(s.truncated);
        assert_eq!(s.name.chars().count(), 12);
    }
}

#[test]
fn sampling_is_seeded_and_uses_the_vocabulary() {
    let list = [
        "anna", "bob", "cara", "dora", "emma", "fred", "gina", "hugo", "ivan", "jane", "karl",
        "lena",
    ];
    let mut t = small_trainer(&list, 200);
    while !t.finished() {
        t.step().unwrap();
    }
    let seen = Seen::default();
    let a = sample(
        &mut t.model,
        &t.data.vocab,
        &seen,
        &mut Rng::new(5),
        8,
        1.0,
        20,
    );
    let b = sample(
        &mut t.model,
        &t.data.vocab,
        &seen,
        &mut Rng::new(5),
        8,
        1.0,
        20,
    );
    let c = sample(
        &mut t.model,
        &t.data.vocab,
        &seen,
        &mut Rng::new(6),
        8,
        1.0,
        20,
    );
    assert_eq!(a, b);
    assert_ne!(a, c);
    let vocab: &Vocab = &t.data.vocab;
    for s in &a {
        assert!(
            s.name
                .chars()
                .all(|ch| vocab.stoi(ch).is_some_and(|i| i > 0)),
            "{}",
            s.name
        );
    }
    // A low temperature is greedier: fewer distinct names than a high one.
    let distinct = |temp| {
        let out = sample(
            &mut t.model.clone(),
            &t.data.vocab,
            &seen,
            &mut Rng::new(7),
            40,
            temp,
            20,
        );
        out.iter()
            .map(|s| s.name.clone())
            .collect::<std::collections::HashSet<_>>()
            .len()
    };
    assert!(distinct(0.05) < distinct(2.0));
}

/// The kaiming chapter after a few hundred steps on the 32k names.
fn trained_on_names(steps: usize) -> Trainer {
    let mut p = chapter("kaiming");
    p.train.steps = steps;
    let data = Dataset::new(&makemore_lab::data::default_words(), 3, 42);
    let mut t = Trainer::new(data, p.model, p.train).unwrap();
    while !t.finished() {
        t.step().unwrap();
    }
    t
}

#[test]
fn next_distribution_is_the_models_softmax() {
    let mut t = trained_on_names(300);
    let m = &mut t.model;
    for context in [[0u32, 0, 0], [0, 5, 13], [13, 13, 1]] {
        let p = next_distribution(m, &context, 1.0);
        assert_eq!(p.len(), 27);
        let sum: f64 = p.iter().map(|&x| x as f64).sum();
        assert!((sum - 1.0).abs() < 1e-5, "{sum}");
        // The same context through the model by hand: eval mode, softmax in f64.
        m.training = false;
        m.forward(&context, 1);
        m.training = true;
        let logits = m.logits();
        let max = logits.iter().fold(f32::NEG_INFINITY, |a, &b| a.max(b)) as f64;
        let z: f64 = logits.iter().map(|&l| (l as f64 - max).exp()).sum();
        for (&ours, &l) in p.iter().zip(logits) {
            let exact = (l as f64 - max).exp() / z;
            assert!((ours as f64 - exact).abs() < 1e-6, "{ours} vs {exact}");
        }
    }
}

#[test]
fn a_low_temperature_sharpens_a_high_one_flattens() {
    let mut t = trained_on_names(300);
    let entropy = |p: &[f32]| -> f64 {
        p.iter()
            .filter(|&&x| x > 0.0)
            .map(|&x| -(x as f64) * (x as f64).ln())
            .sum()
    };
    let ctx = [0u32, 0, 5];
    let (cold, one, hot) = (
        next_distribution(&mut t.model, &ctx, 0.5),
        next_distribution(&mut t.model, &ctx, 1.0),
        next_distribution(&mut t.model, &ctx, 2.0),
    );
    let max = |p: &[f32]| p.iter().fold(0f32, |a, &b| a.max(b));
    assert!(entropy(&cold) < entropy(&one) && entropy(&one) < entropy(&hot));
    assert!(max(&cold) > max(&one) && max(&one) > max(&hot));
    // Temperature 0 is clamped, not a division by zero: all the mass on the likeliest.
    let zero = next_distribution(&mut t.model, &ctx, 0.0);
    assert!(max(&zero) > 0.999, "{}", max(&zero));
}

#[test]
fn the_stepper_draws_what_sample_draws() {
    let mut t = trained_on_names(300);
    let vocab = t.data.vocab.clone();
    let seen = Seen::default();
    let names = sample(&mut t.model, &vocab, &seen, &mut Rng::new(11), 6, 1.0, 20);
    let mut rng = Rng::new(11);
    for expected in &names {
        let mut s = Stepper::new(3, 1.0, 20);
        let mut nll = 0.0f64;
        let mut picks = 0;
        while let Some(pick) = s.step(&mut t.model, &vocab, &mut rng) {
            assert_eq!(pick.prob, pick.probs[pick.index]);
            assert_eq!(pick.context.len(), 3);
            nll -= (pick.prob as f64).ln();
            picks += 1;
        }
        assert!(s.done);
        assert_eq!(s.name, expected.name);
        assert_eq!(s.truncated, expected.truncated);
        assert_eq!(s.steps, picks);
        assert!((s.nll_sum - nll).abs() < 1e-9);
        assert!((s.mean_nll() - nll / picks as f64).abs() < 1e-9);
        assert_eq!(s.last.as_ref().unwrap().index == 0, !s.truncated);
        assert!(
            s.step(&mut t.model, &vocab, &mut rng).is_none(),
            "done stays done"
        );
    }
}

#[test]
fn a_real_name_scores_better_than_a_jumble() {
    let mut t = trained_on_names(500);
    let vocab = t.data.vocab.clone();
    let emma = score_name(&mut t.model, &vocab, "emma").unwrap();
    let jumble = score_name(&mut t.model, &vocab, "xqzjv").unwrap();
    println!("emma {} xqzjv {}", emma.mean, jumble.mean);
    assert!(
        emma.mean + 1.0 < jumble.mean,
        "{} vs {}",
        emma.mean,
        jumble.mean
    );
    // Every character and the final boundary, each the model's own next-character probability.
    let chars: String = emma.chars.iter().map(|c| c.ch).collect();
    assert_eq!(chars, "emma.");
    let mut context = vec![0u32; 3];
    for c in &emma.chars {
        let p = next_distribution(&mut t.model, &context, 1.0);
        let i = if c.ch == vocab.boundary_mark() {
            0
        } else {
            vocab.stoi(c.ch).unwrap()
        };
        assert!((p[i] - c.prob).abs() < 1e-5, "{} {} {}", c.ch, p[i], c.prob);
        assert!((c.nll + c.prob.ln()).abs() < 1e-4);
        context.rotate_left(1);
        context[2] = i as u32;
    }
    let total: f32 = emma.chars.iter().map(|c| c.nll).sum();
    assert!((emma.total - total).abs() < 1e-4);
    assert!((emma.mean - total / 5.0).abs() < 1e-5);
}

#[test]
fn unknown_characters_are_named() {
    let mut t = trained_on_names(1);
    let vocab = t.data.vocab.clone();
    let err = score_name(&mut t.model, &vocab, "zoë2ë").unwrap_err();
    assert!(err.contains("'ë', '2' are not in the vocabulary"), "{err}");
    let err = score_name(&mut t.model, &vocab, "a.b").unwrap_err();
    assert!(err.contains("'.' is not"), "{err}");
    assert!(score_name(&mut t.model, &vocab, "").is_err());
}
