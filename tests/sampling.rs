//! Sampling: seeded and reproducible, capped in length, and marked as seen in train / val / new.

use makemore_lab::data::{Dataset, Vocab};
use makemore_lab::layers::Layer;
use makemore_lab::presets;
use makemore_lab::rng::Rng;
use makemore_lab::sample::{sample, Novelty, Seen};
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
    let mut p = presets::preset("kaiming").unwrap();
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
