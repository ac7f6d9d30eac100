//! One step in slow motion, as the page shows it: a table of the numbers for one neuron and one
//! example, in the order backprop computes them (`diagnostics::neuron_step`), each with what it
//! is and, where it says something, a note ("saturated: tanh passes almost nothing back").
//! The update's numbers are written exactly (the shortest text that reads back to the same
//! f32), so that before - lr x grad = after can be checked on screen to the bit.

use super::super::protocol::{SlowRow, SlowView};
use super::super::Session;
use crate::diagnostics::{tanh_slope, NeuronStep};
use crate::format;

/// The last step shown in slow motion (`None`: none yet in this run).
pub fn slow_view(s: &Session) -> Option<SlowView> {
    let (n, context) = s.slow()?;
    let threshold = s.settings().saturation_threshold;
    let step = s.run().history().steps();
    Some(SlowView {
        run: s.run().number,
        title: format!(
            "Step {} in slow motion: neuron {} of the first hidden layer, example {} (context \
             '{context}')",
            format::count(step),
            n.neuron,
            n.example
        ),
        rows: rows(n, threshold),
    })
}

fn row(what: &str, value: String, note: impl Into<String>) -> SlowRow {
    SlowRow {
        what: what.into(),
        value,
        note: note.into(),
    }
}

/// The first values, exactly, and how many there are in all.
fn list(v: &[f32], of: usize) -> String {
    let shown: Vec<String> = v.iter().map(|&x| format::exact(x)).collect();
    if of > v.len() {
        format!("{}, … ({} in all)", shown.join(", "), of)
    } else {
        shown.join(", ")
    }
}

fn rows(n: &NeuronStep, threshold: f32) -> Vec<SlowRow> {
    let fan_in = n.inputs.len();
    let mut out = vec![
        row(
            "inputs x (the context's embedding rows)",
            list(&n.inputs[..n.weights_before.len()], fan_in),
            "",
        ),
        row(
            "its weights W[:, j] before",
            list(&n.weights_before, fan_in),
            format!("norm {}", format::plain(n.norm_before)),
        ),
    ];
    if let Some(b) = n.bias_before {
        out.push(row("its bias b[j] before", format::exact(b), ""));
    }
    out.push(row(
        "pre-activation x · W[:, j] + b",
        format::exact(n.preact),
        "",
    ));
    if let Some(bn) = &n.bn {
        out.push(row(
            "BatchNorm: normalised (pre - batch mean) / batch spread",
            format::exact(bn.normalised),
            "",
        ));
        out.push(row(
            "BatchNorm: gamma × normalised + beta",
            format::exact(bn.out),
            format!(
                "gamma {}, beta {}",
                format::exact(bn.gamma),
                format::exact(bn.beta)
            ),
        ));
    }
    let saturated = n.h.abs() > threshold;
    out.push(row(
        "h = tanh(…)",
        format::exact(n.h),
        if saturated {
            format!("|h| > {}: saturated", format::exact(threshold))
        } else {
            String::new()
        },
    ));
    out.push(row(
        "dloss/dh, arriving from above",
        format::exact(n.grad_h),
        "",
    ));
    out.push(row(
        "tanh's local slope 1 - h²",
        format::exact(n.slope),
        if n.slope < tanh_slope(threshold) {
            format!(
                "below {}: almost nothing passes back through this unit",
                format::at_most(tanh_slope(threshold))
            )
        } else {
            String::new()
        },
    ));
    out.push(row(
        if n.bn.is_some() {
            "dloss/d(pre-activation), back through tanh and the BatchNorm"
        } else {
            "dloss/d(pre-activation) = dloss/dh × slope"
        },
        format::exact(n.grad_preact),
        "",
    ));
    out.push(row(
        "dloss/dW[:, j], summed over the batch",
        list(&n.grad_w, fan_in),
        format!("norm {}", format::plain(n.grad_norm)),
    ));
    out.push(row("learning rate lr", format::exact(n.lr), ""));
    out.push(row("lr × grad", list(&n.lr_grad, fan_in), ""));
    out.push(row(
        "weights after = before - lr × grad",
        list(&n.weights_after, fan_in),
        format!(
            "norm {}{}",
            format::plain(n.norm_after),
            if n.fused {
                "; one fused multiply-add: before - lr × grad rounded once"
            } else {
                ""
            }
        ),
    ));
    if let (Some(b0), Some(b1)) = (n.bias_before, n.bias_after) {
        out.push(row(
            "its bias after",
            format::exact(b1),
            format!("moved {}", format::exact(b1 - b0)),
        ));
    }
    out.push(row(
        "the batch's loss before → after the update",
        format!(
            "{} → {}",
            format::exact(n.loss_before),
            format::exact(n.loss_after)
        ),
        "a second forward pass on the same batch",
    ));
    out
}
