//! The numbers behind the lesson's plots, computed from the model after a step: statistics and
//! histograms of activations and their gradients, the |h| > 0.99 map, update:data ratios, the
//! Kaiming demo, the embedding's principal components and the LR finder's suggestion; the
//! weights' gradients (`weight_grads`) and BatchNorm's running against batch statistics and
//! train- against eval-mode loss (`batchnorm`); how far each parameter moved from its start
//! (`moved`).
//! Standard deviations are torch's (unbiased, n - 1); sums run in f64.

mod batchnorm;
mod moved;
mod neuron;
mod weight_grads;

pub use batchnorm::{
    batchnorm_running, eval_normalises_with, train_mode_loss, train_vs_eval_loss, BnRunning,
    EvalForward, EvalStats, TrainModeBatches,
};
pub use moved::{moved_from, Moved};
pub use neuron::{check_neuron, neuron_step, BnPart, NeuronError, NeuronStep, SHOWN_WEIGHTS};
pub use weight_grads::{py_e, py_plus_f, weight_grads, WeightGrad};

use crate::layers::Layer;
use crate::model::Mlp;
use crate::rng::Rng;

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Stats {
    pub mean: f32,
    pub std: f32,
    /// Fraction of |x| above the threshold given (0 when none was given).
    pub saturated: f32,
}

pub fn stats(xs: &[f32], threshold: Option<f32>) -> Stats {
    let n = xs.len();
    if n == 0 {
        return Stats::default();
    }
    let mean = xs.iter().map(|&x| x as f64).sum::<f64>() / n as f64;
    let var = if n > 1 {
        xs.iter().map(|&x| (x as f64 - mean).powi(2)).sum::<f64>() / (n - 1) as f64
    } else {
        0.0
    };
    let saturated = threshold.map_or(0.0, |t| {
        xs.iter().filter(|x| x.abs() > t).count() as f32 / n as f32
    });
    Stats {
        mean: mean as f32,
        std: var.sqrt() as f32,
        saturated,
    }
}

/// Equal-width bins over [min, max] like `torch.histogram(t, bins)`; `density` integrates to 1.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Histogram {
    pub lo: f32,
    pub hi: f32,
    pub counts: Vec<u32>,
    pub density: Vec<f32>,
}

pub fn histogram(xs: &[f32], bins: usize) -> Histogram {
    let finite = xs.iter().copied().filter(|x| x.is_finite());
    let (mut lo, mut hi) = finite.fold((f32::INFINITY, f32::NEG_INFINITY), |(l, h), x| {
        (l.min(x), h.max(x))
    });
    if lo > hi {
        return Histogram::default();
    }
    if lo == hi {
        lo -= 0.5;
        hi += 0.5;
    }
    let width = (hi - lo) as f64 / bins as f64;
    let mut counts = vec![0u32; bins];
    let mut total = 0u32;
    for &x in xs.iter().filter(|x| x.is_finite()) {
        let b = (((x - lo) as f64 / width) as usize).min(bins - 1);
        counts[b] += 1;
        total += 1;
    }
    let density = counts
        .iter()
        .map(|&c| (c as f64 / (total as f64 * width)) as f32)
        .collect();
    Histogram {
        lo,
        hi,
        counts,
        density,
    }
}

/// The `h.abs() > threshold` picture of a batch (rows) x neurons (cols).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SaturationMap {
    pub rows: usize,
    pub cols: usize,
    pub cells: Vec<bool>,
    pub fraction: f32,
    /// Neurons saturated for every example of the batch (a white column): no gradient flows.
    pub dead: usize,
}

pub fn saturation_map(h: &[f32], rows: usize, cols: usize, threshold: f32) -> SaturationMap {
    let cells: Vec<bool> = h.iter().map(|x| x.abs() > threshold).collect();
    let count = cells.iter().filter(|&&c| c).count();
    let dead = (0..cols)
        .filter(|&j| (0..rows).all(|i| cells[i * cols + j]))
        .count();
    SaturationMap {
        rows,
        cols,
        fraction: count as f32 / cells.len().max(1) as f32,
        cells,
        dead,
    }
}

/// log10(std(lr * grad) / std(data)), the notebook's update:data ratio.
pub fn update_ratio(lr: f32, grad: &[f32], data: &[f32]) -> f32 {
    (lr as f64 * fast_std(grad) / fast_std(data)).log10() as f32
}

/// The standard deviation (n - 1) in one pass (`kernels::sum_sumsq`: SIMD f32 sums over blocks
/// of 256 values, the blocks summed in f64). Several times faster than `stats`, which it matches
/// to about 1e-6 for the zero-centred weights and gradients it is used on; the page takes the
/// update ratios of every weight every tenth step.
pub fn fast_std(xs: &[f32]) -> f64 {
    let n = xs.len();
    if n < 2 {
        return 0.0;
    }
    let (sum, sumsq) = crate::kernels::sum_sumsq(xs);
    let mean = sum / n as f64;
    ((sumsq - sum * mean) / (n - 1) as f64).max(0.0).sqrt()
}

/// The update:data ratio of every 2-D parameter (C and the Linear weights), in `params()` order,
/// with the parameter's index among all parameters (the notebook's legend "Param 4 (200, 200)").
pub fn update_ratios(model: &Mlp, lr: f32) -> Vec<(usize, f32)> {
    model
        .params()
        .iter()
        .enumerate()
        .filter(|(_, p)| p.shape.len() == 2)
        .map(|(i, p)| (i, update_ratio(lr, &p.grad, &p.data)))
        .collect()
}

/// Statistics and histograms of one layer's output and of its gradient.
#[derive(Clone, Debug, PartialEq)]
pub struct LayerDiag {
    /// The layer's index in the stack (the notebook's `i` in `enumerate(layers)`).
    pub index: usize,
    pub kind: &'static str,
    pub act: Stats,
    pub act_hist: Histogram,
    pub grad: Stats,
    pub grad_hist: Histogram,
}

/// Per-layer diagnostics of every Tanh layer (as the notebook's plots; the Identity layers of a
/// net without tanh stand in for them), from the last step.
pub fn layer_diagnostics(model: &Mlp, threshold: f32, bins: usize) -> Vec<LayerDiag> {
    model
        .layers
        .iter()
        .enumerate()
        .filter(|(_, l)| l.is_activation())
        .map(|(index, l)| LayerDiag {
            index,
            kind: l.kind(),
            act: stats(l.out(), Some(threshold)),
            act_hist: histogram(l.out(), bins),
            grad: stats(l.dout(), None),
            grad_hist: histogram(l.dout(), bins),
        })
        .collect()
}

/// The first hidden layer's pre-activations (the input of the first Tanh, or Identity) and activations.
#[derive(Clone, Debug, PartialEq)]
pub struct FirstLayer {
    /// Its `saturated`: |x| > atanh(threshold), the cut where |tanh(x)| passes the threshold.
    pub preact: Stats,
    pub preact_hist: Histogram,
    pub act: Stats,
    pub act_hist: Histogram,
    pub map: SaturationMap,
}

pub fn first_layer(model: &Mlp, batch: usize, threshold: f32, bins: usize) -> Option<FirstLayer> {
    let t = model.layers.iter().position(Layer::is_activation)?;
    let pre = model.layers[t - 1].out();
    let h = model.layers[t].out();
    let cols = model.layers[t].n_out();
    if h.len() != batch * cols {
        return None; // the last forward pass was not a training batch
    }
    Some(FirstLayer {
        preact: stats(pre, Some(preact_cut(threshold))),
        preact_hist: histogram(pre, bins),
        act: stats(h, Some(threshold)),
        act_hist: histogram(h, bins),
        map: saturation_map(h, batch, cols, threshold),
    })
}

/// The pre-activation cut that matches a saturation threshold on tanh's output: atanh(threshold)
/// (|x| > cut exactly when |tanh(x)| > threshold; 2.65 for 0.99).
pub fn preact_cut(threshold: f32) -> f32 {
    threshold.atanh()
}

/// Tanh's local gradient at output h: d tanh(x) / dx = 1 - h². A unit at |h| > 0.99 passes less
/// than 0.02 of the gradient arriving from above.
pub fn tanh_slope(h: f32) -> f32 {
    1.0 - h * h
}

/// The Kaiming demo: x ~ randn(batch, fan_in), w ~ randn(fan_in, fan_out), y = x @ w, with and
/// without w scaled by 1 / sqrt(fan_in).
#[derive(Clone, Debug, PartialEq)]
pub struct KaimingDemo {
    pub x: Stats,
    pub y: Stats,
    pub x_scaled: Stats,
    pub y_scaled: Stats,
    pub x_hist: Histogram,
    pub y_hist: Histogram,
    pub x_scaled_hist: Histogram,
    pub y_scaled_hist: Histogram,
}

pub fn kaiming_demo(
    seed: u64,
    batch: usize,
    fan_in: usize,
    fan_out: usize,
    bins: usize,
) -> KaimingDemo {
    let mut rng = Rng::new(seed);
    let mut draw = |scale: f32| {
        let mut x = vec![0.0; batch * fan_in];
        let mut w = vec![0.0; fan_in * fan_out];
        rng.fill_normal(&mut x, 1.0);
        rng.fill_normal(&mut w, scale);
        let mut y = vec![0.0; batch * fan_out];
        crate::kernels::matmul(&mut y, &x, &w, None, batch, fan_in, fan_out);
        (x, y)
    };
    let (x, y) = draw(1.0);
    let (xs, ys) = draw(1.0 / (fan_in as f32).sqrt());
    KaimingDemo {
        x: stats(&x, None),
        y: stats(&y, None),
        x_scaled: stats(&xs, None),
        y_scaled: stats(&ys, None),
        x_hist: histogram(&x, bins),
        y_hist: histogram(&y, bins),
        x_scaled_hist: histogram(&xs, bins),
        y_scaled_hist: histogram(&ys, bins),
    }
}

/// The embedding table as 2-D points: the table itself when n_embd is 2, otherwise its first two
/// principal components (power iteration on the covariance, deflated). Returns the points and
/// whether they are principal components.
pub fn embedding_2d(table: &[f32], rows: usize, cols: usize) -> (Vec<[f32; 2]>, bool) {
    let p = Projection::of(table, rows, cols);
    (p.project(table), p.is_pca())
}

/// One fixed map from rows of an embedding table to 2-D points, so that several tables (the
/// snapshots of a run) are drawn in the same coordinates: the first two columns when n_embd is
/// at most 2, otherwise `(row - mean) . [pc1, pc2]` with the mean and the principal components of
/// the table it was made from.
#[derive(Clone, Debug, PartialEq)]
pub struct Projection {
    cols: usize,
    /// The mean row and the two components; `None`: the raw columns.
    pca: Option<(Vec<f64>, [Vec<f64>; 2])>,
}

impl Projection {
    /// The projection of `table` (`rows` x `cols`), row-major.
    pub fn of(table: &[f32], rows: usize, cols: usize) -> Projection {
        if cols <= 2 {
            return Projection { cols, pca: None };
        }
        let mean: Vec<f64> = (0..cols)
            .map(|j| (0..rows).map(|r| table[r * cols + j] as f64).sum::<f64>() / rows as f64)
            .collect();
        let centred: Vec<f64> = (0..rows * cols)
            .map(|i| table[i] as f64 - mean[i % cols])
            .collect();
        let mut cov = vec![0.0f64; cols * cols];
        for r in 0..rows {
            for a in 0..cols {
                for b in 0..cols {
                    cov[a * cols + b] += centred[r * cols + a] * centred[r * cols + b];
                }
            }
        }
        let mut comps: Vec<Vec<f64>> = Vec::new();
        for k in 0..2 {
            let mut v: Vec<f64> = (0..cols)
                .map(|j| 1.0 + (j * (k + 1)) as f64 * 0.37)
                .collect();
            for _ in 0..500 {
                let mut nv: Vec<f64> = (0..cols)
                    .map(|a| (0..cols).map(|b| cov[a * cols + b] * v[b]).sum())
                    .collect();
                for c in &comps {
                    let d: f64 = nv.iter().zip(c).map(|(x, y)| x * y).sum();
                    nv.iter_mut().zip(c).for_each(|(x, y)| *x -= d * y);
                }
                let norm = nv.iter().map(|x| x * x).sum::<f64>().sqrt();
                if norm == 0.0 {
                    break;
                }
                v = nv.iter().map(|x| x / norm).collect();
            }
            comps.push(v);
        }
        let pc2 = comps.pop().unwrap_or_default();
        let pc1 = comps.pop().unwrap_or_default();
        Projection {
            cols,
            pca: Some((mean, [pc1, pc2])),
        }
    }

    /// Principal components (n_embd > 2), not the raw columns.
    pub fn is_pca(&self) -> bool {
        self.pca.is_some()
    }

    /// One row of a table of the same width.
    pub fn row(&self, row: &[f32]) -> [f32; 2] {
        match &self.pca {
            None => [row[0], if self.cols == 2 { row[1] } else { 0.0 }],
            Some((mean, axes)) => {
                let p = |c: &Vec<f64>| {
                    row.iter()
                        .zip(mean)
                        .zip(c)
                        .map(|((&x, m), y)| (x as f64 - m) * y)
                        .sum::<f64>() as f32
                };
                [p(&axes[0]), p(&axes[1])]
            }
        }
    }

    /// Every row of a table of the same width.
    pub fn project(&self, table: &[f32]) -> Vec<[f32; 2]> {
        table.chunks_exact(self.cols).map(|r| self.row(r)).collect()
    }
}

/// How the vowels cluster in a 2-D embedding: the mean distance between two vowels (a e i o u),
/// between a vowel and a consonant, and between two consonants ('.' is neither). `None` when the
/// vocabulary lacks vowels or consonants.
pub fn vowel_distances(points: &[[f32; 2]], itos: &[char]) -> Option<(f32, f32, f32)> {
    let is_vowel = |c: char| "aeiou".contains(c);
    let letters: Vec<(bool, [f32; 2])> = itos
        .iter()
        .zip(points)
        .filter(|(c, _)| c.is_alphabetic())
        .map(|(&c, &p)| (is_vowel(c.to_ascii_lowercase()), p))
        .collect();
    let mut sums = [(0.0f64, 0usize); 3]; // vowel-vowel, vowel-consonant, consonant-consonant
    for (i, (vi, pi)) in letters.iter().enumerate() {
        for (vj, pj) in &letters[i + 1..] {
            let d = ((pi[0] - pj[0]).powi(2) + (pi[1] - pj[1]).powi(2)).sqrt() as f64;
            let k = match (vi, vj) {
                (true, true) => 0,
                (false, false) => 2,
                _ => 1,
            };
            sums[k].0 += d;
            sums[k].1 += 1;
        }
    }
    if sums.iter().any(|s| s.1 == 0) {
        return None;
    }
    let m = |k: usize| (sums[k].0 / sums[k].1 as f64) as f32;
    Some((m(0), m(1), m(2)))
}

/// The centred moving-average window of the LR finder's curve and of its suggestion.
pub const LR_SMOOTH_WINDOW: usize = 51;

/// The LR finder's pick: the step where the smoothed loss (a centred window of 51, truncated at
/// the ends, as the reference smooths) is lowest. The smoothing is the LR-finder chart's own, so
/// the marked rate sits at the minimum of the curve drawn. Returns (step, learning rate, smoothed loss).
pub fn lr_suggestion(lrs: &[f32], losses: &[f32]) -> Option<(usize, f32, f32)> {
    let smooth =
        crate::charts::moving_average(losses, LR_SMOOTH_WINDOW, crate::charts::Align::Centred);
    let (i, &l) = smooth
        .iter()
        .enumerate()
        .filter(|(_, l)| l.is_finite())
        .min_by(|a, b| a.1.total_cmp(b.1))?;
    Some((i, lrs[i], l))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stats_are_torch_unbiased() {
        let s = stats(&[1.0, 2.0, 3.0, 4.0], Some(3.5));
        assert_eq!(s.mean, 2.5);
        assert!((s.std - 1.2909944).abs() < 1e-6);
        assert_eq!(s.saturated, 0.25);
    }

    #[test]
    fn histogram_counts_all_and_density_integrates_to_one() {
        let xs: Vec<f32> = (0..1000).map(|i| (i as f32 * 0.37).sin()).collect();
        let h = histogram(&xs, 50);
        assert_eq!(h.counts.iter().sum::<u32>(), 1000);
        let width = (h.hi - h.lo) / 50.0;
        let area: f32 = h.density.iter().map(|d| d * width).sum();
        assert!((area - 1.0).abs() < 1e-4);
        assert!(h.counts[49] > 0, "the max lands in the last bin");
    }

    #[test]
    fn saturation_map_counts_dead_columns() {
        // 2 rows x 3 cols: column 1 saturated in both rows.
        let m = saturation_map(&[0.1, 0.995, -1.0, 0.0, -0.999, 0.2], 2, 3, 0.99);
        assert_eq!(m.cells, vec![false, true, true, false, true, false]);
        assert_eq!(m.dead, 1);
        assert!((m.fraction - 0.5).abs() < 1e-6);
    }

    #[test]
    fn pca_finds_the_main_axis() {
        // Points along (1, 1, 0, 0) with a little spread along (0, 0, 1, 0).
        let mut t = Vec::new();
        for i in 0..20 {
            let a = i as f32 - 10.0;
            let b = if i % 2 == 0 { 0.1 } else { -0.1 };
            t.extend_from_slice(&[a, a, b, 0.0]);
        }
        let (pts, pca) = embedding_2d(&t, 20, 4);
        assert!(pca);
        let spread0 = stats(&pts.iter().map(|p| p[0]).collect::<Vec<_>>(), None).std;
        let spread1 = stats(&pts.iter().map(|p| p[1]).collect::<Vec<_>>(), None).std;
        assert!(spread0 > 50.0 * spread1, "{spread0} {spread1}");
        assert!((spread1 - 0.1026).abs() < 0.01, "{spread1}");
    }

    #[test]
    fn vowel_distances_separate_the_groups() {
        let itos = ['.', 'a', 'b', 'c', 'e'];
        let pts = [[9.0, 9.0], [0.0, 0.0], [10.0, 0.0], [10.0, 1.0], [0.0, 1.0]];
        let (vv, vc, cc) = vowel_distances(&pts, &itos).unwrap();
        assert_eq!((vv, cc), (1.0, 1.0));
        assert!(vc > 9.9 && vc < 10.1, "{vc}");
        assert!(vowel_distances(&pts[..3], &itos[..3]).is_none());
    }

    #[test]
    fn kaiming_demo_shows_the_spread() {
        let d = kaiming_demo(1, 32, 30, 200, 50);
        assert!((d.y.std - 30f32.sqrt()).abs() < 0.6, "{}", d.y.std);
        assert!((d.y_scaled.std - 1.0).abs() < 0.1, "{}", d.y_scaled.std);
    }

    #[test]
    fn lr_suggestion_picks_the_smoothed_minimum() {
        let lrs: Vec<f32> = (0..200).map(|i| i as f32).collect();
        let losses: Vec<f32> = (0..200)
            .map(|i| ((i as f32 - 120.0) / 30.0).powi(2) + if i % 2 == 0 { 0.5 } else { -0.5 })
            .collect();
        let (i, _, _) = lr_suggestion(&lrs, &losses).unwrap();
        assert!((115..=125).contains(&i), "{i}");
    }
}
