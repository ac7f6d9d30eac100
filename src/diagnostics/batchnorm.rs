//! BatchNorm's two faces: the running statistics that eval mode uses next to the statistics of
//! the last training batch, and the loss over a split in train mode (each batch normalised by
//! its own statistics, as training sees it) next to eval mode (the running statistics).

use crate::export::fold::fold_batchnorm;
use crate::layers::{BnStat, Layer};
use crate::loss;
use crate::model::Mlp;
use crate::train::EVAL_CHUNK;

/// One BatchNorm layer's statistics per feature. Variances throughout: a running std (the
/// first-cell BatchNorm) and the batch std are squared; the batch variance is unbiased (n - 1).
#[derive(Clone, Debug, PartialEq)]
pub struct BnRunning {
    /// The layer's index in the layer list.
    pub index: usize,
    pub batch_mean: Vec<f32>,
    pub batch_var: Vec<f32>,
    pub running_mean: Vec<f32>,
    pub running_var: Vec<f32>,
}

/// Every BatchNorm layer's batch statistics (of the last training forward) and running ones.
pub fn batchnorm_running(model: &Mlp) -> Vec<BnRunning> {
    model
        .layers
        .iter()
        .enumerate()
        .filter_map(|(index, l)| match l {
            Layer::BatchNorm1d(bn) => {
                let var = |spread: &[f32]| -> Vec<f32> {
                    match bn.stat {
                        BnStat::Var => spread.to_vec(),
                        BnStat::Std => spread.iter().map(|s| s * s).collect(),
                    }
                };
                Some(BnRunning {
                    index,
                    batch_mean: bn.batch_mean().to_vec(),
                    batch_var: var(bn.batch_spread()),
                    running_mean: bn.running_mean.clone(),
                    running_var: var(&bn.running_spread),
                })
            }
            _ => None,
        })
        .collect()
}

/// The mean loss over a split (x: n x block_size, y: n) in train mode, batch by batch of
/// `batch` examples (a last batch of one joins the one before: BatchNorm needs two), and in eval
/// mode. Returns (train mode, eval mode). Neither changes the weights or the running statistics;
/// both overwrite the layers' buffers, as any forward pass does.
pub fn train_vs_eval_loss(model: &mut Mlp, x: &[u32], y: &[u32], batch: usize) -> (f32, f32) {
    let train = train_mode_loss(model, x, y, batch);
    (train, model.eval_loss(x, y, EVAL_CHUNK))
}

/// The batches a train-mode pass over `n` examples takes (see [`train_mode_loss`]): `count`
/// batches of `size`, the last of `last` examples.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TrainModeBatches {
    pub size: usize,
    pub count: usize,
    pub last: usize,
}

impl TrainModeBatches {
    /// `n` examples in batches of `batch` (at least 2), the last holding the rest; a rest of one
    /// example joins the batch before it (BatchNorm needs two). `None` below two examples.
    pub fn of(n: usize, batch: usize) -> Option<TrainModeBatches> {
        let size = batch.max(2);
        let (full, rest) = (n / size, n % size);
        let (count, last) = match rest {
            _ if n < 2 => return None,
            0 => (full, size),
            1 if full > 0 => (full, size + 1),
            _ => (full + 1, rest),
        };
        Some(TrainModeBatches { size, count, last })
    }

    /// Where the batch that starts at `start` ends.
    pub fn end(n: usize, batch: usize, start: usize) -> usize {
        let end = (start + batch.max(2)).min(n);
        if n - end == 1 {
            n
        } else {
            end
        }
    }
}

/// The train-mode half of [`train_vs_eval_loss`]: the mean loss over (x, y) with each batch
/// of `batch` examples normalised by its own statistics (NaN for fewer than two examples).
pub fn train_mode_loss(model: &mut Mlp, x: &[u32], y: &[u32], batch: usize) -> f32 {
    let bs = model.config.block_size;
    let n = y.len();
    let was = model.training;
    model.training = true;
    let mut total = 0.0f64;
    let mut start = 0;
    while start < n && n >= 2 {
        let end = TrainModeBatches::end(n, batch, start);
        model.forward(&x[start * bs..end * bs], end - start);
        let l = loss::cross_entropy(model.logits(), &y[start..end], model.vocab_size(), None);
        total += l as f64 * (end - start) as f64;
        start = end;
    }
    model.training = was;
    if n >= 2 {
        (total / n as f64) as f32
    } else {
        f32::NAN
    }
}

/// What a model's eval forward normalises BatchNorm with, as measured by
/// [`eval_normalises_with`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EvalStats {
    /// The batch's own statistics: an example's outputs depend on the examples beside it.
    Batch,
    /// The running statistics: an example's outputs are the same alone and in any batch.
    Running,
}

/// An eval-mode forward over x (batch, block_size), leaving the logits in `Mlp::logits`: the
/// model's own is `Mlp::forward_eval`.
pub type EvalForward = fn(&mut Mlp, &[u32], usize);

/// Measures what `eval` normalises with, on a copy of `model` and the examples x (at least
/// two): the first example's logits from `eval` inside the batch, against normalising with the
/// running statistics (the model with each BatchNorm folded into its Linear: `export::fold`)
/// and with the batch's own (a train-mode forward). `Running`: the same as the running
/// statistics', unlike the batch's, and the same again with the example alone; `Batch`: the
/// batch's, unlike the running statistics'. `None` when it is neither, or when the two cannot
/// be told apart (no BatchNorm; running statistics equal to the batch's).
pub fn eval_normalises_with(model: &Mlp, x: &[u32], eval: EvalForward) -> Option<EvalStats> {
    let bs = model.config.block_size;
    let batch = x.len() / bs.max(1);
    if batch < 2 {
        return None;
    }
    let first = |m: &Mlp| m.logits()[..m.vocab_size()].to_vec();
    let mut folded = fold_batchnorm(model).ok()?;
    folded.forward(&x[..bs], 1);
    let running = first(&folded);
    let mut m = model.clone();
    m.training = true;
    m.forward(x, batch);
    let own = first(&m);
    eval(&mut m, x, batch);
    let in_batch = first(&m);
    if same(&running, &own) {
        return None;
    }
    if same(&in_batch, &own) {
        return Some(EvalStats::Batch);
    }
    if !same(&in_batch, &running) {
        return None;
    }
    eval(&mut m, &x[..bs], 1);
    same(&first(&m), &in_batch).then_some(EvalStats::Running)
}

/// Two rows of logits equal up to rounding (folding changes the order of the products).
fn same(a: &[f32], b: &[f32]) -> bool {
    let scale = a.iter().chain(b).fold(1f32, |m, x| m.max(x.abs()));
    let diff = a.iter().zip(b).fold(0f32, |m, (x, y)| m.max((x - y).abs()));
    diff <= 1e-4 * scale
}
