//! The lecture's `cmp`: an answer is exact (every bit equal to the core's gradient), approximate
//! (`torch.allclose`: |yours - core| <= ATOL + RTOL * |core| everywhere), or wrong, with the
//! largest difference. A shape that differs only by sizes of 1 ((64,) for (1, 64)) is compared
//! by its numbers and reported as cmp does ("shape is correct: False"). A wrong answer is
//! examined for the typical mistakes: a transpose, a sum over the wrong dimension or none, a
//! constant factor (-1, n, 1/n, n/(n-1), 2), and, for a tensor used twice, one contribution
//! missing or scaled.

use super::steps::Branch;
use super::tensor::{fmt_shape, Tensor};
use serde::{Deserialize, Serialize};

/// torch.allclose's defaults.
pub const RTOL: f32 = 1e-5;
pub const ATOL: f32 = 1e-8;

/// How close a wrong answer must come to a guessed mistake for the diagnosis to name it
/// (largest difference, as a fraction of the largest magnitude).
const GUESS_TOL: f32 = 1e-3;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Exact,
    Approximate,
    Wrong,
}

/// The lecture's `cmp` on two tensors.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    pub status: Status,
    /// Largest |yours - core|, when the numbers could be compared.
    pub max_diff: Option<f32>,
    /// The shapes are equal (cmp's "shape is correct").
    pub shape_ok: bool,
    pub shape: Vec<usize>,
    pub want_shape: Vec<usize>,
    /// Why it is wrong, or a note on a right answer (the shape), in words.
    pub diagnosis: Option<String>,
}

fn max_abs(t: &[f32]) -> f32 {
    t.iter().fold(0.0f32, |m, v| m.max(v.abs()))
}

fn max_diff(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).fold(0.0f32, |m, (x, y)| {
        let d = (x - y).abs();
        if d.is_nan() {
            f32::INFINITY
        } else {
            m.max(d)
        }
    })
}

fn allclose(a: &[f32], b: &[f32]) -> bool {
    a.iter()
        .zip(b)
        .all(|(&x, &y)| (x - y).abs() <= ATOL + RTOL * y.abs())
}

/// `a` is within `GUESS_TOL` of `b` (same length), relative to b's largest magnitude.
fn near(a: &[f32], b: &[f32]) -> bool {
    a.len() == b.len() && max_diff(a, b) <= GUESS_TOL * max_abs(b).max(f32::MIN_POSITIVE)
}

fn dot(a: &[f32], b: &[f32]) -> f64 {
    a.iter().zip(b).map(|(&x, &y)| x as f64 * y as f64).sum()
}

/// `[i, j]` of the flat index `k` in `shape`.
fn position(k: usize, shape: &[usize]) -> String {
    let mut rest = k;
    let mut idx = vec![0; shape.len()];
    for d in (0..shape.len()).rev() {
        idx[d] = rest % shape[d].max(1);
        rest /= shape[d].max(1);
    }
    let parts: Vec<String> = idx.iter().map(|i| i.to_string()).collect();
    format!("[{}]", parts.join(", "))
}

/// What a wrong answer is being compared with.
pub struct Reference<'a> {
    /// The forward tensor's name (`counts`); its gradient is `d` + name.
    pub tensor: &'a str,
    pub want: &'a Tensor,
    /// The two contributions, when the forward pass uses the tensor twice.
    pub branches: Vec<&'a Branch>,
    /// The batch size.
    pub n: usize,
}

/// cmp(yours, the core's gradient).
pub fn compare(r: &Reference, got: &Tensor) -> Comparison {
    let want = r.want;
    let shape_ok = got.shape() == want.shape();
    let same_numbers = shape_ok || got.unpadded_shape() == want.unpadded_shape();
    let mut c = Comparison {
        status: Status::Wrong,
        max_diff: None,
        shape_ok,
        shape: got.shape().to_vec(),
        want_shape: want.shape().to_vec(),
        diagnosis: None,
    };
    if !same_numbers {
        c.diagnosis = Some(shape_diagnosis(r, got));
        return c;
    }
    let (g, w) = (got.data(), want.data());
    c.max_diff = Some(max_diff(g, w));
    c.status = if g.iter().zip(w).all(|(a, b)| a.to_bits() == b.to_bits()) {
        Status::Exact
    } else if allclose(g, w) {
        Status::Approximate
    } else {
        Status::Wrong
    };
    c.diagnosis = match c.status {
        Status::Wrong => Some(value_diagnosis(r, got)),
        _ if !shape_ok => Some(format!(
            "right, but d{t} has shape {} and {t} {}: the same numbers, which broadcast alike \
             (leading sizes of 1 make no difference; keepdim=True keeps them)",
            fmt_shape(got.shape()),
            fmt_shape(want.shape()),
            t = r.tensor
        )),
        _ => None,
    };
    c
}

/// Why a gradient of the wrong shape is wrong, and what would fix it.
fn shape_diagnosis(r: &Reference, got: &Tensor) -> String {
    let (t, want) = (r.tensor, r.want);
    let (gs, ws) = (got.shape(), want.shape());
    let mut out = format!(
        "d{t} has shape {} but {t} has shape {}: a gradient always has the shape of its tensor",
        fmt_shape(gs),
        fmt_shape(ws)
    );
    let squeezed = want.squeezed_shape();
    let fits = |x: &Tensor| x.squeezed_shape() == squeezed && near(x.data(), want.data());
    if fits(got) {
        return out
            + &format!(
                ". The numbers are right, but a dimension of size 1 is missing or misplaced: \
             keepdim=True keeps a summed dimension, so that {} keeps its shape; a tensor \
             {} broadcasts differently",
                fmt_shape(ws),
                fmt_shape(gs)
            );
    }
    if gs.len() == 2 && ws.len() == 2 && gs[0] == ws[1] && gs[1] == ws[0] {
        if fits(&got.t()) {
            out += ". It is the transpose of the right answer: for y = x @ W, dx = dy @ W.T \
                    and dW = x.T @ dy";
        } else {
            out += ". It has the transposed shape: a .T missing, or the operands of @ swapped?";
        }
        return out;
    }
    for (d, &size) in gs.iter().enumerate() {
        if size > 1 && got.sum(Some(d), true).is_ok_and(|s| fits(&s)) {
            return out
                + &format!(
                ". Summed over dimension {d} it is right: {t} is broadcast along that dimension \
                 in the forward pass (it is reused for every row or column), so its gradient \
                 adds up over it: .sum({d}, keepdim=True)"
            );
        }
    }
    let ones: Vec<usize> = (0..ws.len()).filter(|&d| ws[d] == 1).collect();
    if let ([d], true) = (ones.as_slice(), gs.len() == ws.len()) {
        if let Some(e) = (0..gs.len()).find(|&e| gs[e] == 1 && e != *d) {
            return out
                + &format!(
                    ". It looks summed over dimension {e}, but {t} has size 1 in dimension \
                     {d}: that is the dimension it is broadcast along, and to sum over"
                );
        }
    }
    if gs.len() == 1 && ws.len() == 1 {
        return out + ". Sum over the other dimension: the one the forward pass broadcast over";
    }
    if got.numel() == want.numel() && near(got.data(), want.data()) {
        return out
            + &format!(
                ". The numbers are right: .view{} gives them the right shape",
                fmt_shape(ws)
            );
    }
    out
}

/// Names a constant factor between a wrong answer and the gradient.
fn factor_words(c: f64, n: usize) -> Option<String> {
    let n = n as f64;
    let known = [
        (
            -1.0,
            "has the opposite sign: is a minus missing or extra?".to_string(),
        ),
        (n, format!("n = {n} times too large: a 1/n forgotten?")),
        (1.0 / n, format!("n = {n} times too small: an extra 1/n?")),
        (-n, format!("n = {n} times too large, with the wrong sign")),
        (
            n / (n - 1.0),
            "n/(n-1) times too large: n-1 (Bessel's correction) where n belongs?".into(),
        ),
        (
            (n - 1.0) / n,
            "(n-1)/n times too small: n where n-1 (Bessel's correction) belongs?".into(),
        ),
        (
            n - 1.0,
            format!("n-1 = {} times too large: a 1/(n-1) forgotten?", n - 1.0),
        ),
        (
            1.0 / (n - 1.0),
            format!("n-1 = {} times too small: an extra 1/(n-1)?", n - 1.0),
        ),
        (2.0, "twice too large".into()),
        (
            0.5,
            "half of what it should be: the derivative of x**2 is 2*x".into(),
        ),
        (0.0, "zero".into()),
    ];
    known
        .into_iter()
        .find(|(k, _)| (c - k).abs() <= 1e-3 * k.abs().max(1e-3))
        .map(|(_, w)| w)
}

/// Why a gradient of the right shape has the wrong numbers.
fn value_diagnosis(r: &Reference, got: &Tensor) -> String {
    let t = r.tensor;
    let (g, w) = (got.data(), r.want.data());
    if let Some(k) = g.iter().position(|v| !v.is_finite()) {
        return format!(
            "d{t} has {} at {}: a division by zero, or a log of zero?",
            g[k],
            position(k, r.want.shape())
        );
    }
    if max_abs(g) == 0.0 {
        return format!("d{t} is all zeros");
    }
    let ww = dot(w, w);
    if ww > 0.0 {
        let c = dot(g, w) / ww;
        let scaled: Vec<f32> = w.iter().map(|&v| (v as f64 * c) as f32).collect();
        if near(g, &scaled) {
            if let Some(words) = factor_words(c, r.n) {
                return format!("d{t} is {words}");
            }
            return format!("d{t} is {c:.4} times the gradient: a constant factor is off");
        }
    }
    // A tensor used twice: one contribution missing, or off by a factor.
    let scale = max_abs(w);
    for (i, bi) in r.branches.iter().enumerate() {
        let Some(bj) = r
            .branches
            .get(1 - i.min(1))
            .filter(|_| r.branches.len() == 2)
        else {
            continue;
        };
        let (pi, pj) = (bi.part.data(), bj.part.data());
        let bb = dot(pi, pi);
        if max_abs(pi) <= 1e-6 * scale || bb == 0.0 || pi.len() != g.len() {
            continue;
        }
        let rest: Vec<f32> = g.iter().zip(pj).map(|(a, b)| a - b).collect();
        let c = dot(&rest, pi) / bb;
        let fit: Vec<f32> = pj
            .iter()
            .zip(pi)
            .map(|(&b, &p)| (b as f64 + c * p as f64) as f32)
            .collect();
        if !near(g, &fit) {
            continue;
        }
        if c.abs() < 1e-3 {
            return format!(
                "d{t} is only the gradient through `{}`. {t} is used twice in the forward pass, \
                 also in `{}`, and its gradient is the sum of both: add that contribution (+=)",
                bj.through, bi.through
            );
        }
        if let Some(words) = factor_words(c, r.n) {
            return format!(
                "the contribution to d{t} through `{}` is {words} (the one through `{}` is right)",
                bi.through, bj.through
            );
        }
    }
    let (k, d) = g
        .iter()
        .zip(w)
        .map(|(a, b)| (a - b).abs())
        .enumerate()
        .fold(
            (0, 0.0f32),
            |best, (k, d)| if d > best.1 { (k, d) } else { best },
        );
    let off = g
        .iter()
        .zip(w)
        .filter(|(&a, &b)| (a - b).abs() > ATOL + RTOL * b.abs())
        .count();
    format!(
        "{off} of the {} numbers differ; the largest difference, {d:.3e}, is at {}: yours is \
         {:.6}, the gradient {:.6}",
        g.len(),
        position(k, r.want.shape()),
        g[k],
        w[k]
    )
}
