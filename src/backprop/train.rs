//! Exercise 4: "train the MLP neural net with your own backward pass". Two copies of the network
//! start from the same seed and see the same batches; one steps with the core's gradients, the
//! other with the student's answers, evaluated afresh every step. When the answers are right,
//! the two loss curves overlay (to rounding); when one is wrong, they part ways.
//!
//! The student's backward pass is the lecture's exercise 4 cell: dlogits (exercise 2, or the
//! exercise 1 chain from dlogprobs when exercise 2 is empty), dh, dW2, db2, dhpreact, dbngain,
//! dbnbias, dhprebn (exercise 3, or the exercise 1 chain from dbnraw), dembcat, dW1, db1, demb,
//! dC. Each answer sees the forward pass and the student's own gradients computed before it.

use super::env::forward_env;
use super::exercises::exercise;
use super::lang::{compile, Program};
use super::model::{Batch, Config, Params};
use super::steps::{backward, forward};
use super::tensor::fmt_shape;
use crate::data::Examples;
use crate::rng::Rng;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// One answer of the student's backward pass.
#[derive(Clone, Debug)]
pub struct PlanStep {
    /// The exercise the answer comes from.
    pub id: &'static str,
    /// The gradient it defines (`dlogits`).
    pub gradient: String,
    pub program: Program,
}

/// The student's backward pass: the answers in the order they run.
#[derive(Clone, Debug)]
pub struct Plan {
    pub steps: Vec<PlanStep>,
}

/// The exercise ids of exercise 4's backward pass: `one_go_ce` / `one_go_bn` choose exercise 2
/// and 3 over the exercise 1 chains they replace.
pub fn plan_ids(one_go_ce: bool, one_go_bn: bool) -> Vec<&'static str> {
    let mut ids: Vec<&'static str> = Vec::new();
    if one_go_ce {
        ids.push("cross_entropy");
    } else {
        ids.extend([
            "logprobs",
            "probs",
            "counts_sum_inv",
            "counts_sum",
            "counts",
            "norm_logits",
            "logit_maxes",
            "logits",
        ]);
    }
    ids.extend(["h", "W2", "b2", "hpreact", "bngain", "bnbias"]);
    if one_go_bn {
        ids.push("batchnorm");
    } else {
        ids.extend([
            "bnraw",
            "bnvar_inv",
            "bnvar",
            "bndiff2",
            "bndiff",
            "bnmeani",
            "hprebn",
        ]);
    }
    ids.extend(["embcat", "W1", "b1", "emb", "C"]);
    ids
}

/// The plan from the answers (`answer(id)` gives an exercise's text): exercises 2 and 3 when
/// they are filled in, else the exercise 1 chains. Names every answer still missing, or the
/// first that does not parse.
pub fn plan(answer: impl Fn(&str) -> String) -> Result<Plan, String> {
    let filled = |id: &str| !answer(id).trim().is_empty();
    let ids = plan_ids(filled("cross_entropy"), filled("batchnorm"));
    let label = |id: &str| {
        let ex = exercise(id).map_or((1, id), |e| (e.number, e.tensor));
        format!("d{} (exercise {})", ex.1, ex.0)
    };
    let missing: Vec<String> = ids
        .iter()
        .filter(|id| !filled(id))
        .map(|id| label(id))
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "training with your backward pass needs every gradient it uses; still empty: {}",
            missing.join(", ")
        ));
    }
    let mut steps = Vec::with_capacity(ids.len());
    for id in ids {
        let program = compile(&answer(id)).map_err(|e| format!("your {}: {e}", label(id)))?;
        let tensor = exercise(id).map_or(id, |e| e.tensor);
        steps.push(PlanStep {
            id,
            gradient: format!("d{tensor}"),
            program,
        });
    }
    Ok(Plan { steps })
}

/// The two runs' losses at one step.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct StepLosses {
    /// Steps done, this one included.
    pub step: usize,
    /// The mini-batch loss with the student's backward pass.
    pub student: f32,
    /// The mini-batch loss with the core's.
    pub core: f32,
    pub lr: f32,
}

/// The lecture's learning rate: 0.1, then 0.01 from step 100,000.
pub fn learning_rate(step: usize) -> f32 {
    if step < 100_000 {
        0.1
    } else {
        0.01
    }
}

/// The student's run and the core's, side by side.
#[derive(Clone, Debug)]
pub struct DualRun {
    config: Config,
    data: Arc<Examples>,
    plan: Plan,
    rng: Rng,
    pub student: Params,
    pub core: Params,
    pub step: usize,
}

impl DualRun {
    /// Both runs start from the weights `seed` draws; the same stream then draws the batches.
    pub fn new(
        config: Config,
        data: Arc<Examples>,
        seed: u64,
        plan: Plan,
    ) -> Result<DualRun, String> {
        let mut rng = Rng::new(seed);
        let params = Params::init(&config, &mut rng)?;
        if data.block_size != config.block_size {
            return Err(format!(
                "the examples have block_size {} and the model {}",
                data.block_size, config.block_size
            ));
        }
        Ok(DualRun {
            config,
            data,
            plan,
            rng,
            student: params.clone(),
            core: params,
            step: 0,
        })
    }

    /// One step of both runs on the same batch. An answer that fails (an error, a missing
    /// gradient, a shape, a NaN) stops the student's run with a message naming it; nothing moves.
    pub fn step(&mut self) -> Result<StepLosses, String> {
        let at = self.step + 1;
        let mut rng = self.rng.clone();
        let batch = Batch::sample(&self.data, self.config.batch, &mut rng)?;
        let fc = forward(&self.core, &batch)?;
        let gc = backward(&self.core, &batch, &fc)?;
        let fs = forward(&self.student, &batch)?;
        let mut env = forward_env(&self.student, &batch, &fs);
        for s in &self.plan.steps {
            env.run(&s.program)
                .map_err(|e| format!("step {at}: your {} ({}): {e}", s.gradient, s.id))?;
            let bad = env.tensor(&s.gradient);
            if bad.is_some_and(|t| t.data().iter().any(|v| !v.is_finite())) {
                return Err(format!(
                    "step {at}: your {} has a NaN or an infinity (a division by zero, or a log \
                     of zero?); every gradient after it would inherit it",
                    s.gradient
                ));
            }
        }
        let mut grads = Vec::with_capacity(7);
        for (name, p) in self.student.named() {
            let g = env.tensor(&format!("d{name}")).ok_or_else(|| {
                format!("step {at}: your backward pass never defines d{name} as a tensor")
            })?;
            let fits = g.unpadded_shape() == p.unpadded_shape();
            if !fits {
                return Err(format!(
                    "step {at}: your d{name} has shape {}, and {name} {}",
                    fmt_shape(g.shape()),
                    fmt_shape(p.shape())
                ));
            }
            if g.data().iter().any(|v| !v.is_finite()) {
                return Err(format!("step {at}: your d{name} has a NaN or an infinity"));
            }
            grads.push(g.clone());
        }
        let lr = learning_rate(self.step);
        let refs: [&_; 7] = std::array::from_fn(|i| &grads[i]);
        self.student.sgd(refs, lr)?;
        self.core.sgd(gc.params()?, lr)?;
        self.step = at;
        self.rng = rng;
        Ok(StepLosses {
            step: at,
            student: fs.loss,
            core: fc.loss,
            lr,
        })
    }
}
