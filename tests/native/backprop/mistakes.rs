//! Typical wrong answers are judged wrong (or refused, when they cannot run), with a message
//! that points at the mistake: a missing transpose, a sum over the wrong dimension or none,
//! keepdim missing, a forgotten 1/n, n where n-1 belongs, a sign, a factor 2, and a missing
//! `+=` for a tensor the forward pass uses twice.

use super::support::lab_at;
use makemore_lab::backprop::VerdictStatus;

/// (exercise, answer, expected status, fragments the message must contain)
const MISTAKES: &[(&str, &str, VerdictStatus, &[&str])] = {
    use VerdictStatus::{Error, Wrong};
    &[
        // A missing transpose: the product does not even fit, and the message says which would.
        ("h", "dh = dlogits @ W2", Error, &["(32, 27) @ (64, 27)", "dlogits @ W2.T would give (32, 64)"]),
        ("W2", "dW2 = h @ dlogits", Error, &["h.T @ dlogits would give (64, 27)"]),
        // The transposed product: it runs, with the transposed shape.
        ("W2", "dW2 = dlogits.T @ h", Wrong, &["(27, 64)", "transpose of the right answer"]),
        ("W1", "dW1 = dhprebn.T @ embcat", Wrong, &["transpose of the right answer"]),
        // A sum over the wrong dimension, or none, or keepdim missing.
        ("counts_sum_inv", "dcounts_sum_inv = (counts * dprobs).sum(0, keepdim=True)", Wrong, &["(1, 27)", "(32, 1)", "summed over dimension 0", "dimension 1"]),
        ("counts_sum_inv", "dcounts_sum_inv = counts * dprobs", Wrong, &["Summed over dimension 1 it is right", ".sum(1, keepdim=True)"]),
        ("counts_sum_inv", "dcounts_sum_inv = (counts * dprobs).sum(1)", Wrong, &["(32,)", "keepdim=True"]),
        ("bngain", "dbngain = bnraw * dhpreact", Wrong, &["Summed over dimension 0 it is right"]),
        ("b2", "db2 = dlogits.sum(1)", Wrong, &["(32,)", "(27,)", "other dimension"]),
        // A forgotten 1/n, here and in exercise 2.
        ("logprobs", "dlogprobs = torch.zeros_like(logprobs)\ndlogprobs[range(n), Yb] = -1.0", Wrong, &["n = 32 times too large", "1/n forgotten"]),
        ("cross_entropy", "dlogits = F.softmax(logits, 1)\ndlogits[range(n), Yb] -= 1", Wrong, &["n = 32 times too large"]),
        // n where n-1 belongs (Bessel's correction), a sign, a factor 2.
        ("bndiff2", "dbndiff2 = (1.0/n)*torch.ones_like(bndiff2) * dbnvar", Wrong, &["Bessel"]),
        ("batchnorm", "dhprebn = bngain*bnvar_inv/n * (n*dhpreact - dhpreact.sum(0) - bnraw*(dhpreact*bnraw).sum(0))", Wrong, &[]),
        ("counts_sum", "dcounts_sum = (counts_sum**-2) * dcounts_sum_inv", Wrong, &["opposite sign"]),
        ("hprebn", "dhprebn = dbndiff.clone()\ndhprebn += torch.ones_like(hprebn) * dbnmeani", Wrong, &["through `bnmeani = 1/n*hprebn.sum(0, keepdim=True)`", "n = 32 times too large"]),
        ("bndiff", "dbndiff = bnvar_inv * dbnraw\ndbndiff += bndiff * dbndiff2", Wrong, &["through `bndiff2 = bndiff**2`", "2*x"]),
        // A tensor used twice, with one contribution only: `=` where `+=` belongs.
        ("counts", "dcounts = counts_sum_inv * dprobs", Wrong, &["only the gradient through `probs = counts * counts_sum_inv`", "counts_sum = counts.sum(1, keepdims=True)", "+="]),
        ("counts", "dcounts = counts_sum_inv * dprobs\ndcounts = torch.ones_like(counts) * dcounts_sum", Wrong, &["only the gradient through `counts_sum", "+="]),
        ("bndiff", "dbndiff = bnvar_inv * dbnraw", Wrong, &["only the gradient through `bnraw = bndiff * bnvar_inv`", "+="]),
        ("hprebn", "dhprebn = dbndiff.clone()", Wrong, &["only the gradient through `bndiff = hprebn - bnmeani`", "+="]),
        // The embedding: indexed += adds a repeated row once, as in torch.
        ("C", "dC = torch.zeros_like(C)\ndC[Xb] += demb", Wrong, &["repeats a position", "index_add_"]),
        // A wrong local derivative: the place and the numbers.
        ("hpreact", "dhpreact = (1.0 - h) * dh", Wrong, &["numbers differ", "largest difference"]),
        // Not a tensor, not defined, a gradient from later in the order.
        ("logprobs", "dlogprobs = -1.0/n", Error, &["dlogprobs is the number -0.03125", "(32, 27)"]),
        ("probs", "dprob = (1.0 / probs) * dlogprobs", Error, &["does not define dprobs"]),
        ("h", "dh = dlogits @ W2.T + 0 * dW2", Error, &["dW2", "not known yet", "comes after dh"]),
    ]
};

#[test]
fn typical_mistakes_are_wrong_with_a_pointed_message() {
    for (seed, batch) in [(1, 0), (11, 4)] {
        let lab = lab_at(seed, batch);
        for &(id, text, status, fragments) in MISTAKES {
            let v = lab.check(id, text);
            assert_eq!(v.status, status, "{id}: {text}\n{v:#?}");
            for f in fragments {
                assert!(
                    v.message.contains(f),
                    "{id}: {text}\nwant {f:?} in: {}",
                    v.message
                );
            }
            if status == VerdictStatus::Wrong {
                assert!(v.max_diff.is_some() || !v.shape_ok.unwrap_or(true), "{v:?}");
            }
        }
    }
}

#[test]
fn a_right_answer_next_to_each_mistake_is_right() {
    // The diagnosis is about the answer, not the exercise: the lecture's line passes.
    let lab = lab_at(1, 0);
    for (id, text) in [
        ("W2", "dW2 = h.T @ dlogits"),
        (
            "counts_sum_inv",
            "dcounts_sum_inv = (counts * dprobs).sum(1, keepdim=True)",
        ),
        (
            "counts",
            "dcounts = counts_sum_inv * dprobs\ndcounts += torch.ones_like(counts) * dcounts_sum",
        ),
        (
            "C",
            "dC = torch.zeros_like(C)\ndC.index_add_(0, Xb.view(-1), demb.view(-1, n_embd))",
        ),
    ] {
        let v = lab.check(id, text);
        assert_eq!(v.status, VerdictStatus::Exact, "{id}: {v:?}");
        assert!(v.message.is_empty(), "{v:?}");
    }
}
