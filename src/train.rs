//! A training run: the data, the model, the seeded RNG stream, the learning-rate schedule and
//! the loop's history. The same seed gives the same run: the RNG draws the initial weights, then
//! one mini-batch of indices per step, and nothing else (sampling has its own stream).

use crate::data::{Dataset, Examples};
use crate::model::{Mlp, ModelConfig};
use crate::rng::Rng;

/// The learning rate as a function of the step.
#[derive(Clone, Debug, PartialEq)]
pub enum Schedule {
    Constant(f32),
    /// `initial` while `step < at * total_steps`, then `final_lr` (the notebook's 0.1 then 0.01 at half-way).
    StepDecay {
        initial: f32,
        final_lr: f32,
        at: f32,
    },
    /// The learning-rate finder: `10^linspace(min_exp, max_exp, total_steps)[step]`.
    ExpSweep {
        min_exp: f32,
        max_exp: f32,
    },
    /// The finder's sweep over its first `sweep_steps`, then a constant rate (the notebook's stage 2,
    /// which keeps training the weights the finder left behind).
    SweepThen {
        sweep_steps: usize,
        min_exp: f32,
        max_exp: f32,
        lr: f32,
    },
}

fn sweep(step: usize, steps: usize, min_exp: f32, max_exp: f32) -> f32 {
    let t = if steps > 1 {
        step as f32 / (steps - 1) as f32
    } else {
        0.0
    };
    10f32.powf(min_exp + (max_exp - min_exp) * t)
}

impl Schedule {
    pub fn lr(&self, step: usize, total_steps: usize) -> f32 {
        match *self {
            Schedule::Constant(lr) => lr,
            Schedule::StepDecay {
                initial,
                final_lr,
                at,
            } => {
                if (step as f64) < at as f64 * total_steps as f64 {
                    initial
                } else {
                    final_lr
                }
            }
            Schedule::ExpSweep { min_exp, max_exp } => sweep(step, total_steps, min_exp, max_exp),
            Schedule::SweepThen {
                sweep_steps,
                min_exp,
                max_exp,
                lr,
            } => {
                if step < sweep_steps {
                    sweep(step, sweep_steps, min_exp, max_exp)
                } else {
                    lr
                }
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct TrainConfig {
    pub batch_size: usize,
    pub steps: usize,
    pub schedule: Schedule,
    pub seed: u64,
}

/// Which split a full-split loss is over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Split {
    Train,
    Val,
}

/// Why a step did not happen.
#[derive(Clone, Debug, PartialEq)]
pub enum StepError {
    /// The loss or the update became NaN or infinite, or the loss passed the guard's limit; the
    /// weights and running statistics were left as they were.
    Diverged {
        step: usize,
        lr: f32,
        loss: f32,
        cause: DivergeCause,
    },
    /// The run has done all its steps.
    Finished,
}

/// What made a step diverge: each says what to change.
#[derive(Clone, Debug, PartialEq)]
pub enum DivergeCause {
    /// A BatchNorm without epsilon divided by a zero spread: `feature` of the BatchNorm at
    /// `layer` (its index in the layer list) had one value for every example of the batch.
    ZeroSpread { layer: usize, feature: usize },
    /// The loss is NaN or infinite, and no BatchNorm divided by zero: the weights blew up.
    NonFiniteLoss,
    /// The loss is finite but the update would make a weight NaN or infinite.
    NonFiniteUpdate,
    /// The loss passed the guard's limit (see `EXPLODE_FACTOR`).
    Exploded { limit: f32 },
}

impl std::fmt::Display for StepError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        const KEPT: &str = "the last good weights are kept";
        match self {
            StepError::Diverged {
                step,
                lr,
                loss,
                cause,
            } => match cause {
                DivergeCause::ZeroSpread { layer, feature } => write!(
                    f,
                    "training stopped at step {step} (loss {loss}): BatchNorm layer {layer} divided by \
                     a zero spread: feature {feature} has the same value for every example of the \
                     batch (all-zero weights, or a batch of identical examples), and the first-cell \
                     BatchNorm has no epsilon. Use the class BatchNorm (eps 1e-5), a non-zero init \
                     or a larger batch; {KEPT}"
                ),
                DivergeCause::NonFiniteLoss => write!(
                    f,
                    "training diverged at step {step} (loss {loss}, learning rate {lr}): the learning rate is too high; {KEPT}"
                ),
                DivergeCause::NonFiniteUpdate => write!(
                    f,
                    "training stopped at step {step}: the update at learning rate {lr} would make a weight infinite (loss {loss}): the learning rate is too high; {KEPT}"
                ),
                DivergeCause::Exploded { limit } => write!(
                    f,
                    "training stopped at step {step}: the loss jumped to {loss} (the limit is {limit}, ten times the start) at learning rate {lr}: the learning rate is too high; {KEPT}"
                ),
            },
            StepError::Finished => write!(f, "the run has finished all its steps"),
        }
    }
}

/// A mini-batch loss above this many times the start (the first loss, or -ln(1/vocab) if that
/// is higher) counts as exploded: the page's divergence guard and `run --experiment` stop there.
pub const EXPLODE_FACTOR: f32 = 10.0;

/// Full-split evaluation chunk: big enough to amortise the layer loop, small enough for cache.
pub const EVAL_CHUNK: usize = 1024;

#[derive(Clone, Debug)]
pub struct Trainer {
    pub data: Dataset,
    pub model: Mlp,
    pub train: TrainConfig,
    rng: Rng,
    /// Steps done so far.
    pub step: usize,
    /// Mini-batch loss of every step done.
    pub losses: Vec<f32>,
    /// Learning rate of every step done.
    pub lrs: Vec<f32>,
    xb: Vec<u32>,
    yb: Vec<u32>,
}

impl Trainer {
    pub fn new(
        data: Dataset,
        mut model_config: ModelConfig,
        train: TrainConfig,
    ) -> Result<Trainer, String> {
        model_config.vocab_size = data.vocab.size();
        model_config.block_size = data.train.block_size;
        model_config.validate()?;
        if train.batch_size == 0 || train.batch_size > 4096 {
            return Err("the batch size must be between 1 and 4096".into());
        }
        if model_config.batchnorm.is_some() && train.batch_size < 2 {
            return Err(
                "BatchNorm needs a batch of at least 2 (the batch variance divides by n - 1)"
                    .into(),
            );
        }
        if data.train.is_empty() || data.val.is_empty() {
            return Err("both the training and the validation split need examples".into());
        }
        let mut rng = Rng::new(train.seed);
        let model = Mlp::new(&model_config, &mut rng);
        Ok(Trainer {
            data,
            model,
            train,
            rng,
            step: 0,
            losses: Vec::new(),
            lrs: Vec::new(),
            xb: Vec::new(),
            yb: Vec::new(),
        })
    }

    pub fn lr(&self) -> f32 {
        self.train.schedule.lr(self.step, self.train.steps)
    }

    pub fn finished(&self) -> bool {
        self.step >= self.train.steps
    }

    /// Draws a mini-batch of training examples (`torch.randint(0, n, (batch,))`).
    fn sample_batch(&mut self) {
        let n = self.data.train.len();
        self.xb.clear();
        self.yb.clear();
        for _ in 0..self.train.batch_size {
            let i = self.rng.randint(n);
            self.xb.extend_from_slice(self.data.train.context(i));
            self.yb.push(self.data.train.y[i]);
        }
    }

    /// One step of mini-batch SGD; returns the mini-batch loss.
    pub fn step(&mut self) -> Result<f32, StepError> {
        self.step_with_lr(None)
    }

    /// One step at the schedule's rate, or at `lr_override` (the page's "change the rate while paused").
    pub fn step_with_lr(&mut self, lr_override: Option<f32>) -> Result<f32, StepError> {
        self.step_guarded(lr_override, f32::INFINITY)
    }

    /// `step_with_lr`, except that a loss above `max_loss` (or not finite) stops the step before
    /// its update, as `StepError::Diverged`: nothing is recorded, and the weights and BatchNorm's
    /// running statistics stay (only the layers' buffers have seen the batch).
    pub fn step_guarded(
        &mut self,
        lr_override: Option<f32>,
        max_loss: f32,
    ) -> Result<f32, StepError> {
        if self.finished() {
            return Err(StepError::Finished);
        }
        let lr = lr_override.unwrap_or_else(|| self.lr());
        self.sample_batch();
        let loss = self.model.forward_backward(&self.xb, &self.yb);
        let cause = if !loss.is_finite() {
            // Only now look for the cheap-to-find cause: a BatchNorm's zero spread.
            Some(match self.model.zero_spread() {
                Some((layer, feature)) => DivergeCause::ZeroSpread { layer, feature },
                None => DivergeCause::NonFiniteLoss,
            })
        } else if loss > max_loss {
            Some(DivergeCause::Exploded { limit: max_loss })
        } else if !self.model.sgd_step(lr) {
            Some(DivergeCause::NonFiniteUpdate)
        } else {
            None
        };
        if let Some(cause) = cause {
            return Err(StepError::Diverged {
                step: self.step,
                lr,
                loss,
                cause,
            });
        }
        self.losses.push(loss);
        self.lrs.push(lr);
        self.step += 1;
        Ok(loss)
    }

    /// The loss above which a step counts as exploded (`EXPLODE_FACTOR` times the start);
    /// infinite before the first step.
    pub fn explode_limit(&self) -> f32 {
        let uniform = (self.data.vocab.size() as f32).ln();
        self.losses
            .first()
            .map_or(f32::INFINITY, |l| EXPLODE_FACTOR * l.max(uniform))
    }

    /// The mini-batch of the last step: contexts (batch, block_size) and targets.
    pub fn last_batch(&self) -> (&[u32], &[u32]) {
        (&self.xb, &self.yb)
    }

    pub fn examples(&self, split: Split) -> &Examples {
        match split {
            Split::Train => &self.data.train,
            Split::Val => &self.data.val,
        }
    }

    /// Loss over a whole split, BatchNorm in eval mode (the notebook's `split_loss`).
    pub fn split_loss(&mut self, split: Split) -> f32 {
        let ex = match split {
            Split::Train => &self.data.train,
            Split::Val => &self.data.val,
        };
        self.model.eval_loss(&ex.x, &ex.y, EVAL_CHUNK)
    }
}
