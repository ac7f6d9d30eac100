//! Softmax cross-entropy, fused: logits (B, V), targets (B). The loss is the mean of
//! `logsumexp(row) - row[target]`; its gradient is `dlogits = (softmax(row) - onehot(target)) / B`.
//! Rows are shifted by their max first, so large logits neither overflow nor lose precision.

use crate::kernels;

/// Returns the mean loss (accumulated in f64) and, when `dlogits` is given, writes its gradient.
pub fn cross_entropy(
    logits: &[f32],
    targets: &[u32],
    vocab: usize,
    dlogits: Option<&mut [f32]>,
) -> f32 {
    let batch = targets.len();
    assert_eq!(logits.len(), batch * vocab, "logits and targets disagree");
    assert!(
        targets.iter().all(|&t| (t as usize) < vocab),
        "a target is not in the vocabulary"
    );
    let total = match dlogits {
        Some(d) => kernels::softmax_xent(logits, targets, vocab, &mut d[..batch * vocab], true),
        None => kernels::softmax_xent(logits, targets, vocab, &mut [], false),
    };
    (total / batch as f64) as f32
}

/// `-log softmax(row)[target]`
pub fn row_nll(row: &[f32], target: usize) -> f32 {
    let max = kernels::row_max(row);
    let sum = kernels::sum_exp(row, max);
    sum.ln() - (row[target] - max)
}

/// Softmax of `row / temperature` into `probs`.
pub fn softmax(row: &[f32], temperature: f32, probs: &mut [f32]) {
    let max = row.iter().fold(f32::NEG_INFINITY, |m, &v| m.max(v));
    let mut sum = 0.0;
    for (p, &v) in probs.iter_mut().zip(row) {
        *p = ((v - max) / temperature).exp();
        sum += *p;
    }
    for p in probs.iter_mut() {
        *p /= sum;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uniform_logits_give_ln_vocab() {
        let logits = vec![0.5f32; 4 * 27];
        let loss = cross_entropy(&logits, &[0, 3, 26, 7], 27, None);
        assert!((loss - 27f32.ln()).abs() < 1e-6, "{loss}");
    }

    #[test]
    fn huge_logits_stay_finite() {
        let mut logits = vec![0.0f32; 2 * 3];
        logits[0] = 1e4;
        logits[4] = -1e4;
        let mut d = vec![0.0; 6];
        let loss = cross_entropy(&logits, &[1, 1], 3, Some(&mut d));
        assert!(loss.is_finite());
        // Row 0 pays 1e4 (target 1 vs a logit of 1e4); row 1 pays 1e4 + ln 2.
        assert!((loss - (2e4 + 2f32.ln()) / 2.0).abs() < 1e-2, "{loss}");
        assert!(d.iter().all(|v| v.is_finite()));
    }
}
