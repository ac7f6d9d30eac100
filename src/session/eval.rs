//! The full-split evaluation (the notebook's `split_loss('train')` and `split_loss('val')`),
//! done in pieces of `EVAL_PIECE` examples so that the worker answers messages in between: the
//! train split, then the val split, then (a BatchNorm model only) the val split again in train
//! mode. A run's evaluations are kept, one per step evaluated.

use crate::diagnostics::{self, TrainModeBatches};
use crate::train::{Split, Trainer};

/// Examples per piece of a full-split evaluation: one piece takes a few ms, so the worker can
/// answer messages between pieces (in train mode, the whole batches of the run's size that fit
/// in it, at least one).
pub const EVAL_PIECE: usize = 256;

/// A full-split evaluation: the notebook's `split_loss('train')` and `split_loss('val')`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EvalPoint {
    pub step: usize,
    pub train: f32,
    pub val: f32,
    /// A BatchNorm model's val loss in train mode (each batch of the run's size normalised by
    /// its own statistics, as training sees it); `val` is eval mode (the running statistics).
    pub val_train_mode: Option<f32>,
}

/// Where a pending evaluation is.
#[derive(Clone, Debug)]
struct Job {
    split: Split,
    pos: usize,
    sum: f64,
    train: f32,
    /// The last pass, BatchNorm models only: the val split again in train mode.
    train_mode: bool,
    val: f32,
}

/// A run's evaluations: the one pending, and those done.
#[derive(Clone, Debug, Default)]
pub struct Evaluation {
    job: Option<Job>,
    points: Vec<EvalPoint>,
}

impl Evaluation {
    /// Starts an evaluation of the current weights, unless one is pending.
    pub fn request(&mut self) {
        if self.job.is_none() {
            self.job = Some(Job {
                split: Split::Train,
                pos: 0,
                sum: 0.0,
                train: f32::NAN,
                train_mode: false,
                val: f32::NAN,
            });
        }
    }

    /// Drops a pending evaluation (of weights about to change).
    pub fn cancel(&mut self) {
        self.job = None;
    }

    pub fn pending(&self) -> bool {
        self.job.is_some()
    }

    /// The evaluations done, oldest first.
    pub fn points(&self) -> &[EvalPoint] {
        &self.points
    }

    /// One piece of the pending evaluation of `t`'s model.
    pub fn piece(&mut self, t: &mut Trainer) {
        let Some(job) = self.job.as_mut() else {
            return;
        };
        let ex = match job.split {
            Split::Train => &t.data.train,
            Split::Val => &t.data.val,
        };
        let (n, bs) = (ex.len(), ex.block_size);
        let end = if job.train_mode {
            // Whole batches of the run's size (a piece ends where a batch does, and takes a last
            // example left over as its batch does), so that the pieces add up to one pass over
            // the split in the batches of `TrainModeBatches`.
            let batch = t.train.batch_size.max(2);
            TrainModeBatches::end(n, batch * (EVAL_PIECE / batch).max(1), job.pos)
        } else {
            (job.pos + EVAL_PIECE).min(n)
        };
        let (x, y) = (&ex.x[job.pos * bs..end * bs], &ex.y[job.pos..end]);
        let model = &mut t.model;
        let loss = if job.train_mode {
            diagnostics::train_mode_loss(model, x, y, t.train.batch_size)
        } else {
            model.eval_loss(x, y, EVAL_PIECE)
        };
        job.sum += loss as f64 * (end - job.pos) as f64;
        job.pos = end;
        if end < n {
            return;
        }
        let mean = (job.sum / n.max(1) as f64) as f32;
        let batchnorm = model.config.batchnorm.is_some();
        match job.split {
            Split::Train => {
                *job = Job {
                    split: Split::Val,
                    pos: 0,
                    sum: 0.0,
                    train: mean,
                    train_mode: false,
                    val: f32::NAN,
                };
            }
            Split::Val if batchnorm && !job.train_mode => {
                *job = Job {
                    pos: 0,
                    sum: 0.0,
                    train_mode: true,
                    val: mean,
                    ..*job
                };
            }
            Split::Val => {
                let (val, val_train_mode) = if job.train_mode {
                    (job.val, Some(mean))
                } else {
                    (mean, None)
                };
                let point = EvalPoint {
                    step: t.step,
                    train: job.train,
                    val,
                    val_train_mode,
                };
                self.points.retain(|e| e.step != point.step);
                self.points.push(point);
                self.job = None;
            }
        }
    }

    /// Fraction done of the pending evaluation of `t`'s model.
    pub fn progress(&self, t: &Trainer) -> Option<f32> {
        self.job.as_ref().map(|j| {
            let (nt, nv) = (t.data.train.len(), t.data.val.len());
            // A BatchNorm model's val split is read twice (eval mode, then train mode).
            let passes = if t.model.config.batchnorm.is_some() {
                2
            } else {
                1
            };
            let done = match (j.split, j.train_mode) {
                (Split::Train, _) => j.pos,
                (Split::Val, false) => nt + j.pos,
                (Split::Val, true) => nt + nv + j.pos,
            };
            done as f32 / (nt + passes * nv).max(1) as f32
        })
    }
}
