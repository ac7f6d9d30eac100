//! Training split across threads (`Par`) gives the one-thread run bit for bit: the same losses,
//! weights, BatchNorm statistics and layer outputs and gradients, for the small MLP and the deep model, over 2 and 3 threads
//! (3 leaves ragged blocks everywhere).

use crate::support::{chapter, data};

use makemore_lab::model::Mlp;
use makemore_lab::pool::Par;
use makemore_lab::train::{Split, Trainer};

/// The losses of `steps` steps of `preset` on `par`, then the full val loss (every product at a
/// large batch), and every weight and running statistic, as bits.
fn run(preset: &str, steps: usize, par: Par) -> (Vec<u32>, Vec<u32>) {
    let p = chapter(preset);
    let mut t = Trainer::new(data().clone(), p.model.clone(), p.train.clone()).unwrap();
    t.model.par = par;
    let mut losses: Vec<u32> = (0..steps).map(|_| t.step().unwrap().to_bits()).collect();
    losses.push(t.split_loss(Split::Val).to_bits());
    (losses, state_bits(&t.model))
}

fn state_bits(m: &Mlp) -> Vec<u32> {
    let mut bits: Vec<u32> = m
        .params()
        .iter()
        .flat_map(|p| p.data.iter().map(|x| x.to_bits()))
        .collect();
    for l in &m.layers {
        // Every layer's last output and its gradient (the diagnostics read them).
        bits.extend(l.out().iter().chain(l.dout()).map(|x| x.to_bits()));
        if let makemore_lab::layers::Layer::BatchNorm1d(b) = l {
            bits.extend(
                b.running_mean
                    .iter()
                    .chain(&b.running_spread)
                    .map(|x| x.to_bits()),
            );
        }
    }
    bits
}

fn check(preset: &str, steps: usize) {
    let (losses, state) = run(preset, steps, Par::single());
    for threads in [2, 3] {
        let (l, s) = run(preset, steps, Par::threads(threads));
        assert_eq!(l, losses, "{preset}: losses on {threads} threads");
        assert!(s == state, "{preset}: weights on {threads} threads");
    }
}

#[test]
fn the_small_mlp_is_bit_identical_on_threads() {
    check("fix-tanh", 50);
}

#[test]
fn the_deep_model_is_bit_identical_on_threads() {
    check("deep", 50);
}

#[test]
fn wide_layers_are_bit_identical_on_threads() {
    // n_hidden 1000, batch 128: every product and pass is split, with ragged blocks.
    let mut p = chapter("deep");
    p.model.n_hidden = 1000;
    p.train.batch_size = 128;
    let go = |par: Par| {
        let mut t = Trainer::new(data().clone(), p.model.clone(), p.train.clone()).unwrap();
        t.model.par = par;
        let l: Vec<u32> = (0..5).map(|_| t.step().unwrap().to_bits()).collect();
        (l, state_bits(&t.model))
    };
    let one = go(Par::single());
    assert!(go(Par::threads(2)) == one && go(Par::threads(3)) == one);
}
