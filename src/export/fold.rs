//! Folding BatchNorm into the Linear before it, after training (the lecture's exercise E02).
//! In eval mode a BatchNorm1d is `out = x * scale + shift` per feature, with `scale` and `shift`
//! from its running statistics (`BatchNorm1d::eval_scale_shift`: scale = gamma / s, shift =
//! beta - running mean * scale). After a Linear `x @ W + b` that is `x @ W' + b'` with
//! W'[i][j] = W[i][j] * scale[j] and b'[j] = b[j] * scale[j] + shift[j]
//! (= (b - mean) * gamma / s + beta), so the BatchNorm layer and its gamma and beta go away and
//! the eval outputs stay the same (up to rounding).

use crate::layers::{BatchNorm1d, Layer, Linear, Param};
use crate::model::Mlp;
use crate::train::{Split, Trainer, EVAL_CHUNK};

/// A trained model folded, with what the exercise compares: the parameter counts and the val
/// loss in eval mode before and after.
#[derive(Clone, Debug)]
pub struct Folded {
    pub model: Mlp,
    pub params_before: usize,
    pub val_before: f32,
    pub val_after: f32,
}

impl Folded {
    /// The folded first Linear (the one after the embedding).
    pub fn first_linear(&self) -> &Linear {
        self.model
            .layers
            .iter()
            .find_map(|l| match l {
                Layer::Linear(l) => Some(l),
                _ => None,
            })
            .expect("an MLP has a Linear")
    }
}

/// Folds the trainer's model (`fold_batchnorm`) and evaluates both on the val split; the
/// trainer's weights stay as they are.
pub fn fold_trained(t: &mut Trainer) -> Result<Folded, String> {
    let mut model = fold_batchnorm(&t.model)?;
    let val_before = t.split_loss(Split::Val);
    let val = t.examples(Split::Val);
    let val_after = model.eval_loss(&val.x, &val.y, EVAL_CHUNK);
    Ok(Folded {
        model,
        params_before: t.model.n_params(),
        val_before,
        val_after,
    })
}

/// A copy of `model` without BatchNorm layers, each folded into the Linear before it; its eval
/// outputs are the original's eval outputs. The folded model has no running statistics to
/// learn: it is for evaluation and sampling, not for more training. Refused with a sentence when
/// the model has no BatchNorm, or when a BatchNorm does not follow a Linear.
pub fn fold_batchnorm(model: &Mlp) -> Result<Mlp, String> {
    if !model
        .layers
        .iter()
        .any(|l| matches!(l, Layer::BatchNorm1d(_)))
    {
        return Err(
            "This model has no BatchNorm layer, so there is nothing to fold: pick a chapter with \
             BatchNorm (or switch it on in the custom settings) and train it first."
                .into(),
        );
    }
    let mut layers: Vec<Layer> = Vec::with_capacity(model.layers.len());
    for (i, layer) in model.layers.iter().enumerate() {
        match layer {
            Layer::BatchNorm1d(bn) => match layers.pop() {
                Some(Layer::Linear(lin)) => layers.push(Layer::Linear(fold_one(&lin, bn))),
                _ => {
                    return Err(format!(
                        "The BatchNorm at layer {i} does not follow a Linear, so it cannot be \
                         folded into one."
                    ))
                }
            },
            other => layers.push(other.clone()),
        }
    }
    // The notebook's names for the new positions: layers.{i}.weight and layers.{i}.bias.
    for (i, layer) in layers.iter_mut().enumerate() {
        if let Layer::Linear(l) = layer {
            l.weight.name = format!("layers.{i}.weight");
            if let Some(b) = &mut l.bias {
                b.name = format!("layers.{i}.bias");
            }
        }
    }
    let mut config = model.config.clone();
    config.output_bias |= config.output_bn;
    config.hidden_bias |= config.batchnorm.is_some();
    config.batchnorm = None;
    config.output_bn = false;
    let mut folded = Mlp::from_parts(config, model.emb.clone(), layers);
    folded.training = false;
    folded.par = model.par.clone();
    Ok(folded)
}

/// The Linear `lin` followed by `bn` in eval mode, as one Linear (always with a bias).
fn fold_one(lin: &Linear, bn: &BatchNorm1d) -> Linear {
    let n_out = lin.n_out;
    let (scale, shift): (Vec<f32>, Vec<f32>) = (0..n_out).map(|j| bn.eval_scale_shift(j)).unzip();
    let mut w = lin.weight.data.clone();
    for row in w.chunks_mut(n_out) {
        for (x, s) in row.iter_mut().zip(&scale) {
            *x *= s;
        }
    }
    let b: Vec<f32> = (0..n_out)
        .map(|j| lin.bias.as_ref().map_or(0.0, |b| b.data[j]) * scale[j] + shift[j])
        .collect();
    Linear::new(
        Param::new(lin.weight.name.clone(), &lin.weight.shape, w),
        Some(Param::new(String::new(), &[n_out], b)),
    )
}
