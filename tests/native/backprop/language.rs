//! The sheet's language: Python's numbers, PyTorch's broadcasting, the methods and functions the
//! lecture uses (with or without `torch.` / `F.`), in-place statements, indexing, loops; and
//! errors that name the line, the column and the problem. Expected values come from the core's
//! own tensors, not from constants.

use super::support::lab;
use makemore_lab::backprop::env::exercise_env;
use makemore_lab::backprop::lang::{compile, Env, LangError, Value};
use makemore_lab::backprop::tensor::DType;
use makemore_lab::backprop::{exercise, Lab, Tensor};

/// Runs `text` where the answer for dC runs (every other gradient given).
fn run(lab: &Lab, text: &str) -> Result<Env, LangError> {
    let ex = exercise("C").unwrap();
    let mut env = exercise_env(ex, &lab.params, &lab.batch, &lab.forward, &lab.grads);
    env.run(&compile(text)?)?;
    Ok(env)
}

fn tensor(env: &Env, name: &str) -> Tensor {
    env.tensor(name)
        .unwrap_or_else(|| panic!("{name}: {:?}", env.get(name)))
        .clone()
}

#[test]
fn arithmetic_and_broadcasting_follow_python_and_pytorch() {
    let lab = lab(1);
    let f = &lab.forward;
    let env = run(
        &lab,
        "p = counts * counts_sum_inv\n\
         a = 1/n; b = n - 1; c = 2**10; d = 2**-1; e = -n\n\
         m = logits.max(1, keepdim=True).values\n\
         i = logits.max(1).indices; v = logits.max(1)[0]\n\
         s = counts.sum(1, keepdims=True)\n\
         l = -logprobs[range(n), Yb].mean()\n\
         t = h.T; k = h.shape[1]; sh = emb.shape\n",
    )
    .unwrap();
    assert_eq!(
        tensor(&env, "p"),
        f.probs,
        "the forward's own line gives its bits"
    );
    assert_eq!(
        env.get("a"),
        Some(&Value::Float(1.0 / lab.config.batch as f64))
    );
    assert_eq!(env.get("b"), Some(&Value::Int(lab.config.batch as i64 - 1)));
    assert_eq!(env.get("c"), Some(&Value::Int(1024)));
    assert_eq!(env.get("d"), Some(&Value::Float(0.5)));
    assert_eq!(env.get("e"), Some(&Value::Int(-(lab.config.batch as i64))));
    assert_eq!(tensor(&env, "m"), f.logit_maxes);
    assert_eq!(tensor(&env, "i").dtype(), DType::Long);
    assert_eq!(tensor(&env, "v").shape(), &[lab.config.batch]);
    assert_eq!(tensor(&env, "s"), f.counts_sum);
    assert_eq!(tensor(&env, "l").item(), Some(f.loss));
    assert_eq!(tensor(&env, "t"), f.h.t());
    assert_eq!(env.get("k"), Some(&Value::Int(lab.config.n_hidden as i64)));
    let emb: Vec<i64> = f.emb.shape().iter().map(|&d| d as i64).collect();
    assert_eq!(env.get("sh"), Some(&Value::Shape(emb)));
}

#[test]
fn functions_answer_with_or_without_a_prefix() {
    let lab = lab(2);
    let env = run(
        &lab,
        "a = F.softmax(logits, 1)\nb = torch.softmax(logits, dim=1)\nc = softmax(logits, 1)\n\
         d = logits.softmax(1)\ne = torch.exp(norm_logits)\nf = exp(norm_logits)\n\
         g = norm_logits.exp()\noh = F.one_hot(Yb, num_classes=vocab_size)\n\
         z = torch.zeros_like(h); o = ones_like(h)\n",
    )
    .unwrap();
    let a = tensor(&env, "a");
    for x in ["b", "c", "d"] {
        assert_eq!(tensor(&env, x), a, "{x}");
    }
    let close = a
        .data()
        .iter()
        .zip(lab.forward.probs.data())
        .all(|(x, y)| (x - y).abs() <= 1e-6);
    assert!(close, "softmax is the forward's probs");
    assert_eq!(tensor(&env, "e"), lab.forward.counts);
    assert_eq!(tensor(&env, "f"), lab.forward.counts);
    assert_eq!(tensor(&env, "g"), lab.forward.counts);
    let oh = tensor(&env, "oh");
    assert_eq!(oh.shape(), &[lab.config.batch, lab.config.vocab_size]);
    let rows = oh.sum(Some(1), false).unwrap();
    assert!(rows.data().iter().all(|&v| v == 1.0), "one 1 per row");
    assert!(tensor(&env, "z").data().iter().all(|&v| v == 0.0));
    assert!(tensor(&env, "o").data().iter().all(|&v| v == 1.0));
}

#[test]
fn statements_in_place_indexing_loops_and_layout() {
    let lab = lab(3);
    let n = lab.config.batch as i64;
    let env = run(
        &lab,
        "    # pasted from an indented cell, with comments and blank lines\n\
         \n    x = ones_like(h); x *= 2; x -= 1\n    x /= 4\n\
         \n    y = zeros_like(logprobs)\n    y[range(n), Yb] = 1.0\n    y[range(n), Yb] -= 0.25\n\
         \n    s = 0\n    for k in range(n):\n      for j in range(2, 4):\n        s += j\n\
         \n    w = (h.sum(0,\n      keepdim=True)\n      + 1)\n    for k in range(3): last = k\n",
    )
    .unwrap();
    assert!(tensor(&env, "x").data().iter().all(|&v| v == 0.25));
    let y = tensor(&env, "y");
    assert_eq!(y.sum(None, false).unwrap().item(), Some(0.75 * n as f32));
    for (r, &t) in lab.batch.yb.data().iter().enumerate() {
        assert_eq!(y.data()[r * lab.config.vocab_size + t as usize], 0.75);
    }
    assert_eq!(env.get("s"), Some(&Value::Int(5 * n)));
    assert_eq!(tensor(&env, "w").shape(), &[1, lab.config.n_hidden]);
    assert_eq!(env.get("last"), Some(&Value::Int(2)));
}

/// (text, line, column, a fragment of the message)
const ERRORS: &[(&str, usize, usize, &str)] = &[
    (
        "x = dprob",
        1,
        5,
        "unknown name `dprob`; did you mean `dprobs`?",
    ),
    (
        "x = 1\ny = h * dlogits",
        2,
        7,
        "(32, 64) and (32, 27) do not broadcast",
    ),
    (
        "x = h.sum(0, True, 2)",
        1,
        10,
        "at most 2 arguments (dim, keepdim), got 3",
    ),
    ("x = h.sum(axes=0)", 1, 10, "no argument `axes`"),
    ("x = h.transpose()", 1, 16, "no method `transpose`"),
    ("x = h.shap", 1, 6, "did you mean .shape?"),
    ("x = softmax(h)", 1, 12, "`dim` is missing"),
    ("x = (h + 1", 1, 5, "this `(` is never closed"),
    (
        "x = (h + 1]",
        1,
        11,
        "does not close the `(` at line 1, column 5",
    ),
    (
        "x = h.sum(0))",
        1,
        13,
        "`)` cannot come after the statement",
    ),
    ("x = h +* 2", 1, 8, "expected a value, found `*`"),
    ("x = h W2", 1, 7, "is an operator missing"),
    ("x = 1\n  y = 2", 2, 3, "unexpected indent"),
    ("x += 1", 1, 1, "needs x to exist"),
    (
        "h = 1",
        1,
        1,
        "h is a tensor of the forward pass; its gradient is named dh",
    ),
    ("W1 = 1", 1, 1, "W1 is a parameter"),
    ("n = 2", 1, 1, "batch size"),
    ("dlogits.sum(0)", 1, 12, "keeps it nowhere"),
    ("x = cmp(dh, h)", 1, 8, "what this page does"),
    ("print('x')", 1, 7, "strings are not used"),
    ("x = h.grad", 1, 6, "no autograd"),
    (
        "x = F.cross_entropy(logits, Yb)",
        1,
        20,
        "no function `cross_entropy`",
    ),
    ("if n: x = 1", 1, 1, "not part of this sheet's language"),
    ("x = h[:, 0]", 1, 7, "slices"),
    ("x = h[1.5]", 1, 7, "an index must be an integer"),
    ("x = h[100]", 1, 6, "out of bounds"),
    ("x = h.view(7, -1)", 1, 11, "invalid"),
    (
        "x = ones_like(counts_sum)\nx += counts",
        2,
        3,
        "keeps x's shape (32, 1)",
    ),
    ("x = 1 / 0", 1, 7, "division by zero"),
    ("x = Yb\nx *= 0.5", 2, 3, "holds integers"),
    ("for k in h:\n  x = k", 1, 10, "run over range"),
    ("x = h[Yb.float()]", 1, 6, "must hold integers"),
    ("x = a // 2", 1, 7, "floor division"),
];

#[test]
fn errors_name_the_line_the_column_and_the_problem() {
    let lab = lab(4);
    for &(text, line, col, fragment) in ERRORS {
        let e = match run(&lab, text) {
            Ok(env) => panic!("{text:?} ran: {:?}", env.get("x")),
            Err(e) => e,
        };
        assert!(
            e.message.contains(fragment),
            "{text:?}: want {fragment:?} in {e}"
        );
        assert_eq!((e.line, e.col), (line, col), "{text:?}: {e}");
    }
}
