//! The lecture's "weights gradient distribution": for every 2-D parameter (C and the Linear
//! weights), the histogram of its gradient and the line the lecture prints,
//! `'weight %10s | mean %+f | std %e | grad:data ratio %e' % (shape, t.mean(), t.std(), t.std() / p.std())`.

use super::{histogram, stats, Histogram, Stats};
use crate::model::Mlp;

#[derive(Clone, Debug, PartialEq)]
pub struct WeightGrad {
    /// The parameter's index among all parameters (the lecture's `i` in `enumerate(parameters)`).
    pub index: usize,
    pub name: String,
    pub shape: [usize; 2],
    /// Mean and std (n - 1) of the gradient.
    pub grad: Stats,
    pub grad_hist: Histogram,
    /// std(grad) / std(data): how big a step of size lr * grad is next to the weights.
    pub ratio: f32,
}

impl WeightGrad {
    /// The lecture's printed line, e.g. `weight   (27, 10) | mean -0.000031 | std 1.365070e-03 |
    /// grad:data ratio 1.364100e-03`.
    pub fn legend(&self) -> String {
        let shape = format!("({}, {})", self.shape[0], self.shape[1]);
        format!(
            "weight {shape:>10} | mean {} | std {} | grad:data ratio {}",
            py_plus_f(self.grad.mean),
            py_e(self.grad.std),
            py_e(self.ratio)
        )
    }

    /// The plot's legend entry, `f'{i} {tuple(p.shape)}'`.
    pub fn label(&self) -> String {
        format!("{} ({}, {})", self.index, self.shape[0], self.shape[1])
    }
}

/// Gradient statistics and histogram of every 2-D parameter, from the last backward pass.
pub fn weight_grads(model: &Mlp, bins: usize) -> Vec<WeightGrad> {
    model
        .params()
        .iter()
        .enumerate()
        .filter(|(_, p)| p.shape.len() == 2)
        .map(|(index, p)| {
            let grad = stats(&p.grad, None);
            let data_std = stats(&p.data, None).std;
            WeightGrad {
                index,
                name: p.name.clone(),
                shape: [p.shape[0], p.shape[1]],
                grad,
                grad_hist: histogram(&p.grad, bins),
                ratio: (grad.std as f64 / data_std as f64) as f32,
            }
        })
        .collect()
}

fn py_special(x: f64) -> Option<&'static str> {
    match x {
        x if x.is_nan() => Some("nan"),
        x if x == f64::INFINITY => Some("inf"),
        x if x == f64::NEG_INFINITY => Some("-inf"),
        _ => None,
    }
}

/// Python's `'%e' % x`: six decimals and an exponent of at least two digits (`1.920000e-03`).
pub fn py_e(x: f32) -> String {
    let x = x as f64;
    if let Some(s) = py_special(x) {
        return s.into();
    }
    let rust = format!("{x:.6e}"); // "1.920000e-3"
    let (mantissa, exp) = rust.split_once('e').expect("{:e} has an exponent");
    let exp: i32 = exp.parse().expect("an integer exponent");
    let sign = if exp < 0 { '-' } else { '+' };
    format!("{mantissa}e{sign}{:02}", exp.abs())
}

/// Python's `'%+f' % x`: a sign and six decimals (`+0.000000`).
pub fn py_plus_f(x: f32) -> String {
    let x = x as f64;
    match py_special(x) {
        Some(s) if s.starts_with('-') => s.into(),
        Some(s) => format!("+{s}"),
        None => format!("{x:+.6}"),
    }
}
