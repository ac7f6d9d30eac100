//! The names an answer reads: the forward pass's tensors, the parameters, `n`, `Xb`, `Yb` and the
//! sizes (all read-only), and the gradients an exercise gives: for exercise 1, the core's
//! gradients of the tensors before this one in the lecture's order ("the gradients found so
//! far"), so that each answer is judged on its own; for exercises 2 and 3, only dhpreact or
//! nothing. Training (exercise 4) starts from `forward_env` and the student's own gradients.

use super::exercises::{Exercise, Given};
use super::lang::{Env, Value};
use super::model::{Batch, Params};
use super::steps::{Forward, Grads, ORDER};
use super::tensor::Tensor;

/// The forward pass of one batch, the parameters and the sizes, read-only.
pub fn forward_env(p: &Params, b: &Batch, f: &Forward) -> Env {
    let mut env = Env::new();
    for (name, t) in f.named() {
        env.fixed(
            name,
            Value::Tensor(t.clone()),
            format!("{name} is a tensor of the forward pass; its gradient is named d{name}"),
        );
    }
    env.fixed(
        "loss",
        Value::Tensor(Tensor::scalar(f.loss)),
        "loss is the forward pass's result",
    );
    for (name, t) in p.named() {
        env.fixed(
            name,
            Value::Tensor(t.clone()),
            format!("{name} is a parameter; its gradient is named d{name}"),
        );
    }
    let n = b.n() as i64;
    let sizes = [
        ("n", n, "n is the batch size"),
        ("batch_size", n, "batch_size is the batch size"),
        (
            "n_embd",
            p.c.shape()[1] as i64,
            "n_embd is a size of the model",
        ),
        (
            "vocab_size",
            p.c.shape()[0] as i64,
            "vocab_size is a size of the model",
        ),
        (
            "n_hidden",
            p.w1.shape()[1] as i64,
            "n_hidden is a size of the model",
        ),
        (
            "block_size",
            b.xb.shape()[1] as i64,
            "block_size is a size of the model",
        ),
    ];
    for (name, v, why) in sizes {
        env.fixed(name, Value::Int(v), why);
    }
    env.fixed(
        "Xb",
        Value::Tensor(b.xb.clone()),
        "Xb holds the batch's contexts",
    );
    env.fixed(
        "Yb",
        Value::Tensor(b.yb.clone()),
        "Yb holds the batch's targets",
    );
    env
}

/// `forward_env` plus the gradients `ex` may read (see the module doc).
pub fn exercise_env(ex: &Exercise, p: &Params, b: &Batch, f: &Forward, g: &Grads) -> Env {
    let mut env = forward_env(p, b, f);
    let at = ORDER.iter().position(|&t| t == ex.tensor).unwrap_or(0);
    for (i, t) in ORDER.iter().enumerate() {
        let name = format!("d{t}");
        let given = match ex.given {
            Given::Before => i < at,
            Given::Only(list) => list.contains(t),
        };
        match (given, g.get(t)) {
            (true, Some(grad)) => env.set(&name, Value::Tensor(grad.clone())),
            _ if *t == ex.tensor => {}
            _ => match ex.given {
                Given::Before => env.later(
                    &name,
                    format!(
                        "d{t} comes after d{} in the lecture's order; an answer may use the \
                         gradients found before it",
                        ex.tensor
                    ),
                ),
                Given::Only(_) => env.later(
                    &name,
                    format!(
                        "exercise {} goes to d{} in one go, without d{t}",
                        ex.number, ex.tensor
                    ),
                ),
            },
        }
    }
    env
}
