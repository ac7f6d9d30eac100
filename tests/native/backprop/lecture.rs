//! Every answer of the lecture's notebook (makemore_part4_backprop.ipynb, the solution cells),
//! typed as the lecture writes it, is judged exact or approximate, on several seeds and batches.

use super::support::{lab_at, right};
use makemore_lab::backprop::VerdictStatus;

/// Exercise 1, cell by cell, as the lecture writes it (the dC answer is its loop).
pub const EXERCISE_1: [(&str, &str); 26] = [
    ("logprobs", "dlogprobs = torch.zeros_like(logprobs)\ndlogprobs[range(n), Yb] = -1.0/n"),
    ("probs", "dprobs = (1.0 / probs) * dlogprobs"),
    ("counts_sum_inv", "dcounts_sum_inv = (counts * dprobs).sum(1, keepdim=True)"),
    ("counts_sum", "dcounts_sum = (-counts_sum**-2) * dcounts_sum_inv"),
    ("counts", "dcounts = counts_sum_inv * dprobs\ndcounts += torch.ones_like(counts) * dcounts_sum"),
    ("norm_logits", "dnorm_logits = counts * dcounts"),
    ("logit_maxes", "dlogit_maxes = (-dnorm_logits).sum(1, keepdim=True)"),
    ("logits", "dlogits = dnorm_logits.clone()\ndlogits += F.one_hot(logits.max(1).indices, num_classes=logits.shape[1]) * dlogit_maxes"),
    ("h", "dh = dlogits @ W2.T"),
    ("W2", "dW2 = h.T @ dlogits"),
    ("b2", "db2 = dlogits.sum(0)"),
    ("hpreact", "dhpreact = (1.0 - h**2) * dh"),
    ("bngain", "dbngain = (bnraw * dhpreact).sum(0, keepdim=True)"),
    ("bnbias", "dbnbias = dhpreact.sum(0, keepdim=True)"),
    ("bnraw", "dbnraw = bngain * dhpreact"),
    ("bnvar_inv", "dbnvar_inv = (bndiff * dbnraw).sum(0, keepdim=True)"),
    ("bnvar", "dbnvar = (-0.5*(bnvar + 1e-5)**-1.5) * dbnvar_inv"),
    ("bndiff2", "dbndiff2 = (1.0/(n-1))*torch.ones_like(bndiff2) * dbnvar"),
    ("bndiff", "dbndiff = bnvar_inv * dbnraw\ndbndiff += (2*bndiff) * dbndiff2"),
    ("bnmeani", "dbnmeani = (-dbndiff).sum(0)"),
    ("hprebn", "dhprebn = dbndiff.clone()\ndhprebn += 1.0/n * (torch.ones_like(hprebn) * dbnmeani)"),
    ("embcat", "dembcat = dhprebn @ W1.T"),
    ("W1", "dW1 = embcat.T @ dhprebn"),
    ("b1", "db1 = dhprebn.sum(0)"),
    ("emb", "demb = dembcat.view(emb.shape)"),
    ("C", "dC = torch.zeros_like(C)\nfor k in range(Xb.shape[0]):\n  for j in range(Xb.shape[1]):\n    ix = Xb[k,j]\n    dC[ix] += demb[k,j]\n    \n"),
];

/// Exercise 2, the lecture's cell.
pub const EXERCISE_2: &str =
    "# backward pass\n\ndlogits = F.softmax(logits, 1)\ndlogits[range(n), Yb] -= 1\ndlogits /= n\n";

/// Exercise 3, the lecture's cell.
pub const EXERCISE_3: &str = "dhprebn = bngain*bnvar_inv/n * (n*dhpreact - dhpreact.sum(0) - n/(n-1)*bnraw*(dhpreact*bnraw).sum(0))";

/// The other ways the issue names: the one-line dC, and exercise 2 on one line.
const ALSO: [(&str, &str); 2] = [
    (
        "C",
        "dC = torch.zeros_like(C)\ndC.index_add_(0, Xb.view(-1), demb.view(-1, n_embd))",
    ),
    (
        "cross_entropy",
        "dlogits = F.softmax(logits, 1); dlogits[range(n), Yb] -= 1; dlogits /= n",
    ),
];

#[test]
fn every_lecture_answer_is_right_on_several_seeds_and_batches() {
    for (seed, batch) in [(1, 0), (2, 3), (2147483647, 1), (7, 10)] {
        let lab = lab_at(seed, batch);
        let all = EXERCISE_1
            .iter()
            .copied()
            .chain([("cross_entropy", EXERCISE_2), ("batchnorm", EXERCISE_3)])
            .chain(ALSO);
        for (id, text) in all {
            let v = lab.check(id, text);
            assert!(right(v.status), "seed {seed} batch {batch}: {id}: {v:?}");
            eprintln!("{seed}/{batch} {id}: {:?} {:?}", v.status, v.max_diff);
        }
    }
}

#[test]
fn exercise_1_is_exact_as_in_the_lecture() {
    // The lecture's cmp prints "exact: True" for all of exercise 1; so do we, since the core
    // computes the lecture's formulas with the same operations in the same order.
    let lab = lab_at(3, 2);
    for (id, text) in EXERCISE_1 {
        let v = lab.check(id, text);
        assert_eq!(v.status, VerdictStatus::Exact, "{id}: {v:?}");
    }
}
