//! Softmax cross-entropy, fused: logits (B, V), targets (B). The loss is the mean of
//! logsumexp(row) - row[target]; its gradient is dlogits = (softmax(row) - onehot(target)) / B.
//! Rows are shifted by their max first, so large logits neither overflow nor lose precision.

/// Returns the mean loss (accumulated in f64) and, when `dlogits` is given, writes its gradient.
pub fn cross_entropy(
    logits: &[f32],
    targets: &[u32],
    vocab: usize,
    dlogits: Option<&mut [f32]>,
) -> f32 {
    let batch = targets.len();
    debug_assert_eq!(logits.len(), batch * vocab);
    let mut total = 0.0f64;
    match dlogits {
        Some(d) => {
            let scale = 1.0 / batch as f32;
            for ((row, drow), &t) in logits
                .chunks_exact(vocab)
                .zip(d.chunks_exact_mut(vocab))
                .zip(targets)
            {
                let max = row.iter().fold(f32::NEG_INFINITY, |m, &v| m.max(v));
                let mut sum = 0.0f32;
                for (dv, &v) in drow.iter_mut().zip(row) {
                    let e = (v - max).exp();
                    *dv = e;
                    sum += e;
                }
                let inv = 1.0 / sum;
                for dv in drow.iter_mut() {
                    *dv *= inv * scale;
                }
                drow[t as usize] -= scale;
                total += (sum.ln() - (row[t as usize] - max)) as f64;
            }
        }
        None => {
            for (row, &t) in logits.chunks_exact(vocab).zip(targets) {
                total += row_nll(row, t as usize) as f64;
            }
        }
    }
    (total / batch as f64) as f32
}

/// -log softmax(row)[target]
pub fn row_nll(row: &[f32], target: usize) -> f32 {
    let max = row.iter().fold(f32::NEG_INFINITY, |m, &v| m.max(v));
    let sum: f32 = row.iter().map(|&v| (v - max).exp()).sum();
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
