//! One training step in slow motion, for one hidden neuron of the first hidden layer and one
//! example of the batch: the numbers in the order backprop computes them. Its inputs (the
//! context's embedding rows), its weights, the pre-activation (and with BatchNorm the normalised
//! value, gamma and beta), tanh, the gradient arriving from above, tanh's local slope 1 - h², the
//! gradient on its weights (summed over the batch), lr x grad, the weights after the update, and
//! the batch's loss before and after it (a second forward).
//!
//! It replays the step on a copy of the model, so the run is not touched: given the model from
//! before a step, that step's batch and rate, it computes exactly what the step computed (the
//! same kernels, one thread: the threaded builds give the same bits).

use crate::layers::Layer;
use crate::model::Mlp;
use crate::pool::Par;

/// Weights shown one by one (the rest are in the norms).
pub const SHOWN_WEIGHTS: usize = 6;

/// The BatchNorm between the Linear and the tanh, for this neuron and example.
#[derive(Clone, Debug, PartialEq)]
pub struct BnPart {
    /// (pre-activation - batch mean) / batch spread.
    pub normalised: f32,
    pub gamma: f32,
    pub beta: f32,
    /// gamma x normalised + beta: what tanh receives.
    pub out: f32,
}

/// One step for neuron `neuron` and example `example`.
#[derive(Clone, Debug, PartialEq)]
pub struct NeuronStep {
    pub neuron: usize,
    pub example: usize,
    /// The example's input row: its context's embedding rows, one after the other (fan_in).
    pub inputs: Vec<f32>,
    /// The first `SHOWN_WEIGHTS` of the neuron's weights (rows of W's column), before and after.
    pub weights_before: Vec<f32>,
    pub weights_after: Vec<f32>,
    /// Their L2 norms over the whole column.
    pub norm_before: f32,
    pub norm_after: f32,
    pub bias_before: Option<f32>,
    pub bias_after: Option<f32>,
    /// x @ W[:, j] + b for this example.
    pub preact: f32,
    pub bn: Option<BnPart>,
    /// tanh of what the tanh receives.
    pub h: f32,
    /// dloss/dh for this example: the gradient arriving from above.
    pub grad_h: f32,
    /// 1 - h².
    pub slope: f32,
    /// dloss/d(pre-activation) for this example (through tanh and the BatchNorm).
    pub grad_preact: f32,
    /// dloss/dW[:, j], summed over the batch: the first `SHOWN_WEIGHTS`, and the column's norm.
    pub grad_w: Vec<f32>,
    pub grad_norm: f32,
    pub lr: f32,
    /// lr x grad for the shown weights (rounded to f32, as a product is).
    pub lr_grad: Vec<f32>,
    /// The update was one fused multiply-add (one rounding: after = before - lr x grad, exact
    /// before rounding) rather than a product and a difference (two roundings).
    pub fused: bool,
    pub loss_before: f32,
    pub loss_after: f32,
}

/// Why a neuron cannot be shown.
#[derive(Clone, Debug, PartialEq)]
pub enum NeuronError {
    /// The model has no [Linear, (BatchNorm,) Tanh] first hidden layer.
    NoTanhLayer,
    /// Neuron or example out of range: (asked, how many there are).
    Neuron(usize, usize),
    Example(usize, usize),
}

/// Whether `model` can show neuron `neuron` of its first hidden layer for example `example` of a
/// batch of `batch`; the position of its tanh layer and the Linear's (n_in, n_out) if so.
pub fn check_neuron(
    model: &Mlp,
    batch: usize,
    neuron: usize,
    example: usize,
) -> Result<(usize, usize, usize), NeuronError> {
    let t = model
        .layers
        .iter()
        .position(Layer::is_activation)
        .filter(|&t| t >= 1 && matches!(model.layers[t], Layer::Tanh(_)))
        .ok_or(NeuronError::NoTanhLayer)?;
    let Layer::Linear(lin) = &model.layers[0] else {
        return Err(NeuronError::NoTanhLayer);
    };
    if neuron >= lin.n_out {
        return Err(NeuronError::Neuron(neuron, lin.n_out));
    }
    if example >= batch {
        return Err(NeuronError::Example(example, batch));
    }
    Ok((t, lin.n_in, lin.n_out))
}

/// The step from `model` (the weights before the step) on the batch `(x, y)` at `lr`, for one
/// neuron and one example (checked by `check_neuron`).
pub fn neuron_step(
    model: &Mlp,
    x: &[u32],
    y: &[u32],
    lr: f32,
    neuron: usize,
    example: usize,
) -> Result<NeuronStep, NeuronError> {
    let batch = y.len();
    let (t, n_in, n_out) = check_neuron(model, batch, neuron, example)?;
    let mut m = model.clone();
    m.par = Par::single();
    m.training = true;
    let loss_before = m.forward_backward(x, y);
    let (j, e) = (neuron, example);
    let at = e * n_out + j;
    let column = |w: &[f32]| -> Vec<f32> { (0..n_in).map(|i| w[i * n_out + j]).collect() };
    let norm = |v: &[f32]| v.iter().map(|a| a * a).sum::<f32>().sqrt();
    let Layer::Linear(lin) = &m.layers[0] else {
        unreachable!("checked above")
    };
    let w_before = column(&lin.weight.data);
    let grad_col = column(&lin.weight.grad);
    let bias_before = lin.bias.as_ref().map(|b| b.data[j]);
    let preact = lin.out[at];
    let grad_preact = lin.dout[at];
    let inputs = m.emb.out[e * n_in..(e + 1) * n_in].to_vec();
    let bn = match &m.layers[1] {
        Layer::BatchNorm1d(b) if t == 2 => Some(BnPart {
            normalised: b.xhat()[at],
            gamma: b.gamma.data[j],
            beta: b.beta.data[j],
            out: b.out[at],
        }),
        _ => None,
    };
    let Layer::Tanh(tanh) = &m.layers[t] else {
        unreachable!("checked above")
    };
    let (h, grad_h) = (tanh.out[at], tanh.dout[at]);
    m.sgd_step(lr);
    let Layer::Linear(lin) = &m.layers[0] else {
        unreachable!("checked above")
    };
    let w_after = column(&lin.weight.data);
    let bias_after = lin.bias.as_ref().map(|b| b.data[j]);
    let k = SHOWN_WEIGHTS.min(n_in);
    let lr_grad: Vec<f32> = grad_col[..k].iter().map(|g| lr * g).collect();
    let fused = (0..k).any(|i| w_after[i].to_bits() != (w_before[i] - lr_grad[i]).to_bits());
    // The second forward, on the same batch: the loss the update leaves.
    m.forward(x, batch);
    let loss_after = crate::loss::cross_entropy(m.logits(), y, m.vocab_size(), None);
    Ok(NeuronStep {
        neuron,
        example,
        inputs,
        weights_before: w_before[..k].to_vec(),
        weights_after: w_after[..k].to_vec(),
        norm_before: norm(&w_before),
        norm_after: norm(&w_after),
        bias_before,
        bias_after,
        preact,
        bn,
        h,
        grad_h,
        slope: 1.0 - h * h,
        grad_preact,
        grad_w: grad_col[..k].to_vec(),
        grad_norm: norm(&grad_col),
        lr,
        lr_grad,
        fused,
        loss_before,
        loss_after,
    })
}
