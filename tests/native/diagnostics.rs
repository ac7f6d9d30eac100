//! The lecture's plots that the notebook leaves out: the weights' gradient distribution with
//! its printed line, BatchNorm's running statistics against the batch's, and the loss in train
//! mode against eval mode, and what the eval forward is measured to normalise with.

use crate::support::{chapter, trained};

use makemore_lab::diagnostics::{
    batchnorm_running, eval_normalises_with, py_e, py_plus_f, train_vs_eval_loss, weight_grads,
    EvalForward, EvalStats, Stats, WeightGrad,
};
use makemore_lab::layers::Layer;
use makemore_lab::loss;
use makemore_lab::model::Mlp;
use makemore_lab::rng::Rng;
use makemore_lab::train::Trainer;

/// Unbiased std in f64, two passes.
fn std64(xs: &[f32]) -> f64 {
    let n = xs.len() as f64;
    let mean = xs.iter().map(|&x| x as f64).sum::<f64>() / n;
    (xs.iter().map(|&x| (x as f64 - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
}

#[test]
fn python_number_formats() {
    // python3 -c "print('%e|%e|%e|%e|%e|%e' % (0.00192, 0.0, -12345.6, 1e-10, 3.4028234663852886e+38, 5.0))"
    let ours: Vec<String> = [0.00192f32, 0.0, -12345.6, 1e-10, f32::MAX, 5.0]
        .iter()
        .map(|&x| py_e(x))
        .collect();
    assert_eq!(
        ours.join("|"),
        "1.920000e-03|0.000000e+00|-1.234560e+04|1.000000e-10|3.402823e+38|5.000000e+00"
    );
    assert_eq!(py_plus_f(0.0), "+0.000000");
    assert_eq!(py_plus_f(-0.0000312), "-0.000031");
    assert_eq!(py_plus_f(1.5), "+1.500000");
    assert_eq!(
        (py_e(f32::NAN), py_plus_f(f32::INFINITY)),
        ("nan".into(), "+inf".into())
    );
}

#[test]
fn the_legend_is_the_lectures_line() {
    let w = |shape, mean, std, ratio| WeightGrad {
        index: 0,
        name: "C".into(),
        shape,
        grad: Stats {
            mean,
            std,
            saturated: 0.0,
        },
        grad_hist: Default::default(),
        ratio,
    };
    // python3 -c "print('weight %10s | mean %+f | std %e | grad:data ratio %e' % ((27, 10), -0.0000312, 0.00136507, 0.0013641))"
    assert_eq!(
        w([27, 10], -0.0000312, 0.00136507, 0.0013641).legend(),
        "weight   (27, 10) | mean -0.000031 | std 1.365070e-03 | grad:data ratio 1.364100e-03"
    );
    assert_eq!(
        w([200, 1000], 1.5, 2.0, 0.5).legend(),
        "weight (200, 1000) | mean +1.500000 | std 2.000000e+00 | grad:data ratio 5.000000e-01"
    );
    assert_eq!(w([30, 100], 0.0, 0.0, 0.0).label(), "0 (30, 100)");
}

#[test]
fn weight_grads_ratio_is_std_grad_over_std_data() {
    let t = trained("deep", 20);
    let wg = weight_grads(&t.model, 50);
    let params = t.model.params();
    let two_d: Vec<usize> = (0..params.len())
        .filter(|&i| params[i].shape.len() == 2)
        .collect();
    assert_eq!(wg.iter().map(|w| w.index).collect::<Vec<_>>(), two_d);
    assert_eq!(wg.len(), 7, "C and six Linear weights");
    for w in &wg {
        let p = params[w.index];
        assert_eq!(w.shape.to_vec(), p.shape);
        let ratio = std64(&p.grad) / std64(&p.data);
        assert!(
            (w.ratio as f64 - ratio).abs() < 1e-5 * ratio,
            "{}: {} vs {ratio}",
            w.name,
            w.ratio
        );
        assert!((w.grad.std as f64 - std64(&p.grad)).abs() < 1e-6 * std64(&p.grad));
        assert_eq!(w.grad_hist.counts.iter().sum::<u32>() as usize, p.numel());
        assert!(w.legend().starts_with("weight "), "{}", w.legend());
    }
    assert_eq!(wg[0].legend().split(" | ").count(), 4);
}

#[test]
fn batch_statistics_are_the_layers_inputs() {
    for name in ["batchnorm", "deep"] {
        let t = trained(name, 3);
        let bns = batchnorm_running(&t.model);
        assert_eq!(bns.len(), if name == "deep" { 6 } else { 1 });
        for b in &bns {
            // The BatchNorm's input is the Linear before it, (32, dim).
            let inp = t.model.layers[b.index - 1].out();
            let dim = b.batch_mean.len();
            for j in [0, dim / 2, dim - 1] {
                let col: Vec<f32> = inp.chunks(dim).map(|row| row[j]).collect();
                let mean = col.iter().map(|&x| x as f64).sum::<f64>() / col.len() as f64;
                let var = std64(&col).powi(2);
                assert!((b.batch_mean[j] as f64 - mean).abs() < 1e-5 * (1.0 + mean.abs()));
                assert!(
                    (b.batch_var[j] as f64 - var).abs() < 1e-4 * var,
                    "{name} {}: {} vs {var}",
                    b.index,
                    b.batch_var[j]
                );
            }
            assert!(b.running_var.iter().all(|v| *v > 0.0));
        }
    }
}

#[test]
fn running_statistics_approach_the_batch_statistics() {
    // The same batch over and over with a learning rate of 0 (the weights stay): the running
    // statistics close in on the batch's at the momentum's rate, 0.9^k for the class BatchNorm.
    let p = chapter("deep");
    let mut m = Mlp::new(&p.model, &mut Rng::new(3));
    let mut rng = Rng::new(4);
    let x: Vec<u32> = (0..32 * 3).map(|_| rng.randint(27) as u32).collect();
    let y: Vec<u32> = (0..32).map(|_| rng.randint(27) as u32).collect();
    let gap = |m: &Mlp| {
        batchnorm_running(m)
            .iter()
            .flat_map(|b| {
                let mean = b.batch_mean.iter().zip(&b.running_mean);
                let var = b.batch_var.iter().zip(&b.running_var);
                mean.chain(var)
                    .map(|(a, r)| ((a - r) / a.abs().max(1.0)).abs())
            })
            .fold(0f32, f32::max)
    };
    m.forward_backward(&x, &y);
    let before = gap(&m);
    assert!(m.sgd_step(0.0));
    let after_one = gap(&m);
    for _ in 0..199 {
        m.forward_backward(&x, &y);
        assert!(m.sgd_step(0.0));
    }
    let after_many = gap(&m);
    println!("gap {before} -> {after_one} -> {after_many}");
    assert!(before > 0.5, "{before}");
    assert!((after_one / before - 0.9).abs() < 0.01, "{after_one}");
    assert!(after_many < 1e-5, "{after_many}");
}

#[test]
fn train_mode_and_eval_mode_losses() {
    let mut t = trained("deep", 300);
    let (x, y) = (&t.data.val.x[..3000 * 3], &t.data.val.y[..3000]);
    let running = batchnorm_running(&t.model);
    let weights: Vec<Vec<f32>> = t.model.params().iter().map(|p| p.data.clone()).collect();
    let (train, eval) = train_vs_eval_loss(&mut t.model, x, y, 32);
    println!("train mode {train}, eval mode {eval}");
    let no_change = |t: &Trainer| {
        let r = batchnorm_running(&t.model);
        r.iter()
            .zip(&running)
            .all(|(a, b)| (&a.running_mean, &a.running_var) == (&b.running_mean, &b.running_var))
            && t.model
                .params()
                .iter()
                .zip(&weights)
                .all(|(p, w)| &p.data == w)
    };
    assert!(no_change(&t), "weights and running statistics untouched");
    assert_eq!(eval, t.model.eval_loss(x, y, 1024));
    assert!(
        train != eval && (train - eval).abs() < 0.1,
        "{train} {eval}"
    );
    // One batch of the whole slice in train mode is one training-mode forward.
    let (whole, _) = train_vs_eval_loss(&mut t.model, x, y, 3000);
    t.model.training = true;
    t.model.forward(x, 3000);
    let direct = loss::cross_entropy(t.model.logits(), y, 27, None);
    assert_eq!(whole, direct);
    // A last batch of one joins the one before (a batch of one has no variance).
    let (odd, _) = train_vs_eval_loss(&mut t.model, &x[..33 * 3], &y[..33], 32);
    assert!(odd.is_finite());
    // Without BatchNorm the two modes are the same computation.
    let mut plain = trained("kaiming", 10);
    let (a, b) = train_vs_eval_loss(&mut plain.model, x, y, 32);
    assert!((a - b).abs() < 1e-5, "{a} {b}");
}

#[test]
fn the_eval_forward_is_measured_to_normalise_with_the_running_statistics() {
    // One step in: the running statistics have moved a little from (0, 1), far from the batch's.
    for name in ["batchnorm", "deep"] {
        let t = trained(name, 1);
        let (x, _) = t.last_batch();
        let measured = |eval| eval_normalises_with(&t.model, x, eval);
        assert_eq!(
            measured(Mlp::forward_eval),
            Some(EvalStats::Running),
            "{name}"
        );
        // An eval path that normalised with the batch's statistics reads the other answer.
        let batch_stats: EvalForward = |m, x, b| {
            m.training = true;
            m.forward(x, b);
        };
        assert_eq!(measured(batch_stats), Some(EvalStats::Batch), "{name}");
        // One that normalised with statistics of neither kind (the same for every batch, but
        // not the running ones) reads neither.
        let other_stats: EvalForward = |m, x, b| {
            for l in &mut m.layers {
                if let Layer::BatchNorm1d(bn) = l {
                    bn.running_spread.iter_mut().for_each(|s| *s *= 4.0);
                }
            }
            m.forward_eval(x, b);
        };
        assert_eq!(measured(other_stats), None, "{name}");
    }
    // Without BatchNorm there is nothing to tell apart.
    let plain = trained("kaiming", 1);
    let x = plain.last_batch().0;
    assert_eq!(
        eval_normalises_with(&plain.model, x, Mlp::forward_eval),
        None
    );
}
