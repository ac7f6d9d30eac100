//! `Tensor`: f32 numbers with a shape of rank 0 to 3 and a dtype (`Float`, or `Long` for indices,
//! stored as exact small integers), PyTorch's broadcasting, and the operations of the lecture's
//! backward pass. The core's gradients and the sheet's evaluator call the same functions, so a
//! formula typed as the core computes it gives the same bits. Every operation checks its shapes
//! and sizes (`MAX_RANK`, `MAX_ELEMENTS`) and returns a message, never panics.

use serde::{Deserialize, Serialize};

/// Dimensions a tensor may have (emb is (32, 3, 10)).
pub const MAX_RANK: usize = 3;
/// Numbers a tensor may hold (1 MiB); the lecture's largest tensor has 2,048.
pub const MAX_ELEMENTS: usize = 1 << 18;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DType {
    Float,
    /// Indices (Xb, Yb, `.indices`, `one_hot`), as torch's int64.
    Long,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Tensor {
    shape: Vec<usize>,
    data: Vec<f32>,
    dtype: DType,
}

pub type TResult = Result<Tensor, String>;

/// `(32, 27)`, `(64,)`, `()`: a shape as torch prints a tuple.
pub fn fmt_shape(shape: &[usize]) -> String {
    match shape {
        [one] => format!("({one},)"),
        _ => format!(
            "({})",
            shape
                .iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// The number of elements of `shape`, when it is within the limits.
pub fn check_shape(shape: &[usize]) -> Result<usize, String> {
    if shape.len() > MAX_RANK {
        return Err(format!(
            "tensors here have at most {MAX_RANK} dimensions; this one would have {}: {}",
            shape.len(),
            fmt_shape(shape)
        ));
    }
    let n = shape
        .iter()
        .try_fold(1usize, |acc, &d| acc.checked_mul(d))
        .filter(|&n| n <= MAX_ELEMENTS);
    n.ok_or_else(|| {
        format!(
            "a tensor of shape {} is too large: the limit here is {MAX_ELEMENTS} numbers",
            fmt_shape(shape)
        )
    })
}

/// PyTorch's broadcasting: shapes aligned on the right, each pair of sizes equal or one of them 1.
pub fn broadcast_shapes(a: &[usize], b: &[usize]) -> Result<Vec<usize>, String> {
    let rank = a.len().max(b.len());
    let mut out = vec![0; rank];
    for i in 0..rank {
        let da = if i < rank - a.len() {
            1
        } else {
            a[i - (rank - a.len())]
        };
        let db = if i < rank - b.len() {
            1
        } else {
            b[i - (rank - b.len())]
        };
        out[i] = match (da, db) {
            _ if da == db => da,
            (1, _) => db,
            (_, 1) => da,
            _ => {
                return Err(format!(
                    "shapes {} and {} do not broadcast: dimension {i} is {da} vs {db}",
                    fmt_shape(a),
                    fmt_shape(b)
                ))
            }
        };
    }
    Ok(out)
}

/// `shape` padded on the left with ones to three dimensions.
pub(super) fn pad3(shape: &[usize]) -> [usize; 3] {
    let mut p = [1; 3];
    p[3 - shape.len()..].copy_from_slice(shape);
    p
}

/// Strides of a contiguous `shape` read as `out` (rank 3 padded), 0 where it is broadcast.
pub(super) fn strides3(shape: &[usize], out: &[usize; 3]) -> [usize; 3] {
    let p = pad3(shape);
    let st = [p[1] * p[2], p[2], 1];
    std::array::from_fn(|d| if p[d] == 1 && out[d] != 1 { 0 } else { st[d] })
}

/// Elementwise operators, in the order of Python's precedence table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Pow,
}

impl BinOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Pow => "**",
        }
    }
    pub fn apply(self, a: f32, b: f32) -> f32 {
        match self {
            BinOp::Add => a + b,
            BinOp::Sub => a - b,
            BinOp::Mul => a * b,
            BinOp::Div => a / b,
            // x**2 is x*x, exactly, on every platform.
            BinOp::Pow if b == 2.0 => a * a,
            BinOp::Pow => a.powf(b),
        }
    }
    /// The operator on Python floats (f64).
    pub fn apply64(self, a: f64, b: f64) -> f64 {
        match self {
            BinOp::Add => a + b,
            BinOp::Sub => a - b,
            BinOp::Mul => a * b,
            BinOp::Div => a / b,
            BinOp::Pow => a.powf(b),
        }
    }
}

impl Tensor {
    /// A tensor of `shape` holding `data` (row-major), within the limits.
    pub fn new(shape: &[usize], data: Vec<f32>, dtype: DType) -> TResult {
        let n = check_shape(shape)?;
        if n != data.len() {
            return Err(format!(
                "shape {} needs {n} numbers, got {}",
                fmt_shape(shape),
                data.len()
            ));
        }
        Ok(Tensor {
            shape: shape.to_vec(),
            data,
            dtype,
        })
    }
    pub fn float(shape: &[usize], data: Vec<f32>) -> TResult {
        Tensor::new(shape, data, DType::Float)
    }
    /// A 0-d float tensor: a Python number meeting a tensor.
    pub fn scalar(v: f32) -> Tensor {
        Tensor {
            shape: vec![],
            data: vec![v],
            dtype: DType::Float,
        }
    }
    /// A 0-d Long tensor.
    pub fn long_scalar(v: i64) -> Tensor {
        Tensor {
            shape: vec![],
            data: vec![v as f32],
            dtype: DType::Long,
        }
    }
    /// Indices `start..stop` as a 1-D Long tensor (`range(n)` used as an index).
    pub fn arange(start: i64, stop: i64) -> TResult {
        let len = stop.saturating_sub(start).max(0) as usize;
        check_shape(&[len])?;
        let data = (0..len).map(|i| (start + i as i64) as f32).collect();
        Tensor::new(&[len], data, DType::Long)
    }
    pub fn full(shape: &[usize], v: f32, dtype: DType) -> TResult {
        let n = check_shape(shape)?;
        Tensor::new(shape, vec![v; n], dtype)
    }

    pub fn shape(&self) -> &[usize] {
        &self.shape
    }
    pub fn data(&self) -> &[f32] {
        &self.data
    }
    pub fn data_mut(&mut self) -> &mut [f32] {
        &mut self.data
    }
    pub fn into_data(self) -> Vec<f32> {
        self.data
    }
    pub fn dtype(&self) -> DType {
        self.dtype
    }
    pub fn numel(&self) -> usize {
        self.data.len()
    }
    pub fn rank(&self) -> usize {
        self.shape.len()
    }
    /// The same numbers as floats (torch's `.float()`).
    pub fn to_float(&self) -> Tensor {
        Tensor {
            dtype: DType::Float,
            ..self.clone()
        }
    }
    /// The value of a one-element tensor.
    pub fn item(&self) -> Option<f32> {
        (self.data.len() == 1).then(|| self.data[0])
    }

    pub fn zeros_like(&self) -> Tensor {
        Tensor {
            data: vec![0.0; self.data.len()],
            ..self.clone()
        }
    }
    pub fn ones_like(&self) -> Tensor {
        Tensor {
            data: vec![1.0; self.data.len()],
            ..self.clone()
        }
    }

    /// `self op other`, broadcast. Long only when both are Long (and for `/`, never).
    pub fn binary(&self, op: BinOp, other: &Tensor) -> TResult {
        let long = self.dtype == DType::Long && other.dtype == DType::Long;
        let dtype = match op {
            BinOp::Div => DType::Float,
            BinOp::Pow if other.data.iter().any(|&e| e < 0.0) => DType::Float,
            _ if long => DType::Long,
            _ => DType::Float,
        };
        self.zip(other, dtype, |a, b| op.apply(a, b))
    }

    /// `f(self, other)` elementwise over the broadcast shape.
    pub fn zip(&self, other: &Tensor, dtype: DType, f: impl Fn(f32, f32) -> f32) -> TResult {
        let shape = broadcast_shapes(&self.shape, &other.shape)?;
        let n = check_shape(&shape)?;
        let o = pad3(&shape);
        let (sa, sb) = (strides3(&self.shape, &o), strides3(&other.shape, &o));
        let mut data = Vec::with_capacity(n);
        for i in 0..o[0] {
            for j in 0..o[1] {
                let (ra, rb) = (i * sa[0] + j * sa[1], i * sb[0] + j * sb[1]);
                for k in 0..o[2] {
                    data.push(f(self.data[ra + k * sa[2]], other.data[rb + k * sb[2]]));
                }
            }
        }
        Tensor::new(&shape, data, dtype)
    }

    pub fn add(&self, o: &Tensor) -> TResult {
        self.binary(BinOp::Add, o)
    }
    pub fn sub(&self, o: &Tensor) -> TResult {
        self.binary(BinOp::Sub, o)
    }
    pub fn mul(&self, o: &Tensor) -> TResult {
        self.binary(BinOp::Mul, o)
    }
    pub fn div(&self, o: &Tensor) -> TResult {
        self.binary(BinOp::Div, o)
    }
    pub fn pow(&self, o: &Tensor) -> TResult {
        self.binary(BinOp::Pow, o)
    }

    /// `f` on every element; the result is Float unless `keep_long` and the input is Long.
    pub fn map(&self, keep_long: bool, f: impl Fn(f32) -> f32) -> Tensor {
        let dtype = if keep_long { self.dtype } else { DType::Float };
        Tensor {
            shape: self.shape.clone(),
            data: self.data.iter().map(|&v| f(v)).collect(),
            dtype,
        }
    }
    pub fn neg(&self) -> Tensor {
        self.map(true, |v| -v)
    }
    pub fn exp(&self) -> Tensor {
        self.map(false, f32::exp)
    }
    pub fn log(&self) -> Tensor {
        self.map(false, f32::ln)
    }
    pub fn tanh(&self) -> Tensor {
        self.map(false, f32::tanh)
    }

    /// A dimension given as in torch (negative counts from the end).
    pub fn dim(&self, d: i64) -> Result<usize, String> {
        let r = self.rank() as i64;
        let dd = if d < 0 { d + r } else { d };
        if r == 0 || !(0..r).contains(&dd) {
            return Err(format!(
                "dimension {d} is out of range for a tensor of shape {} (dimensions {})",
                fmt_shape(&self.shape),
                match r {
                    0 => "none: it is a single number".to_string(),
                    _ => format!("0 to {}", r - 1),
                }
            ));
        }
        Ok(dd as usize)
    }

    /// (outer, size, inner) around dimension `d`.
    fn around(&self, d: usize) -> (usize, usize, usize) {
        let outer = self.shape[..d].iter().product();
        let inner = self.shape[d + 1..].iter().product();
        (outer, self.shape[d], inner)
    }

    fn reduced_shape(&self, d: usize, keepdim: bool) -> Vec<usize> {
        let mut s = self.shape.clone();
        if keepdim {
            s[d] = 1;
        } else {
            s.remove(d);
        }
        s
    }

    /// `.sum(dim, keepdim)`, or the sum of everything (`dim` None), added in order in f32.
    pub fn sum(&self, dim: Option<usize>, keepdim: bool) -> TResult {
        let Some(d) = dim else {
            let total = self.data.iter().fold(0.0f32, |acc, &v| acc + v);
            let shape = if keepdim {
                vec![1; self.rank()]
            } else {
                vec![]
            };
            return Tensor::new(&shape, vec![total], self.dtype);
        };
        let (outer, size, inner) = self.around(d);
        let mut data = vec![0.0f32; outer * inner];
        for o in 0..outer {
            for s in 0..size {
                let row = &self.data[(o * size + s) * inner..(o * size + s + 1) * inner];
                for (acc, &v) in data[o * inner..(o + 1) * inner].iter_mut().zip(row) {
                    *acc += v;
                }
            }
        }
        Tensor::new(&self.reduced_shape(d, keepdim), data, self.dtype)
    }

    /// `.mean(dim, keepdim)`: the sum divided by the count.
    pub fn mean(&self, dim: Option<usize>, keepdim: bool) -> TResult {
        let count = match dim {
            Some(d) => self.shape[d],
            None => self.numel(),
        };
        self.sum(dim, keepdim)?
            .to_float()
            .div(&Tensor::scalar(count as f32))
    }

    /// `.max(dim, keepdim)`: the values and the (first) indices of the largest along `dim`.
    pub fn max(&self, d: usize, keepdim: bool) -> Result<(Tensor, Tensor), String> {
        let (outer, size, inner) = self.around(d);
        if size == 0 {
            return Err("max of an empty dimension".into());
        }
        let mut values = vec![0.0f32; outer * inner];
        let mut indices = vec![0.0f32; outer * inner];
        for o in 0..outer {
            for i in 0..inner {
                let mut best = (self.data[o * size * inner + i], 0usize);
                for s in 1..size {
                    let v = self.data[(o * size + s) * inner + i];
                    if v > best.0 || (v.is_nan() && !best.0.is_nan()) {
                        best = (v, s);
                    }
                }
                values[o * inner + i] = best.0;
                indices[o * inner + i] = best.1 as f32;
            }
        }
        let shape = self.reduced_shape(d, keepdim);
        Ok((
            Tensor::new(&shape, values, self.dtype)?,
            Tensor::new(&shape, indices, DType::Long)?,
        ))
    }

    /// The largest element (`.max()` with no dimension).
    pub fn max_all(&self) -> TResult {
        let v = self.data.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        Tensor::new(&[], vec![v], self.dtype)
    }

    /// `softmax(x, dim)`: shifted by the max along `dim`, exponentiated, normalised.
    pub fn softmax(&self, d: usize) -> TResult {
        let (maxes, _) = self.to_float().max(d, true)?;
        let e = self.to_float().sub(&maxes)?.exp();
        let s = e.sum(Some(d), true)?;
        e.div(&s)
    }

    /// Multiplications `self @ other` would take (for the evaluator's budget), when the shapes fit.
    pub fn matmul_cost(&self, other: &Tensor) -> usize {
        let m: usize = self.shape.iter().rev().skip(1).product();
        other.numel().saturating_mul(m.max(1))
    }

    /// `self @ other` for 1-D and 2-D operands, accumulated in order in f32.
    pub fn matmul(&self, other: &Tensor) -> TResult {
        let (a, b) = (&self.shape, &other.shape);
        let (m, k, k2, n) = match (a.len(), b.len()) {
            (2, 2) => (a[0], a[1], b[0], b[1]),
            (1, 2) => (1, a[0], b[0], b[1]),
            (2, 1) => (a[0], a[1], b[0], 1),
            (1, 1) => (1, a[0], b[0], 1),
            _ => {
                return Err(format!(
                    "@ multiplies vectors and matrices (1-D or 2-D); got {} @ {}",
                    fmt_shape(a),
                    fmt_shape(b)
                ))
            }
        };
        if k != k2 {
            return Err(format!(
                "@ needs the inner sizes to agree: {} @ {} has {k} vs {k2}",
                fmt_shape(a),
                fmt_shape(b)
            ));
        }
        let shape: Vec<usize> = match (a.len(), b.len()) {
            (2, 2) => vec![m, n],
            (1, 2) => vec![n],
            (2, 1) => vec![m],
            _ => vec![],
        };
        check_shape(&shape)?;
        let mut data = vec![0.0f32; m * n];
        for i in 0..m {
            for j in 0..n {
                let mut acc = 0.0f32;
                for p in 0..k {
                    acc += self.data[i * k + p] * other.data[p * n + j];
                }
                data[i * n + j] = acc;
            }
        }
        let long = self.dtype == DType::Long && other.dtype == DType::Long;
        let dtype = if long { DType::Long } else { DType::Float };
        Tensor::new(&shape, data, dtype)
    }

    /// `.T`: the dimensions reversed (a matrix transposed; a vector unchanged).
    pub fn t(&self) -> Tensor {
        let p = pad3(&self.shape);
        let mut data = Vec::with_capacity(self.numel());
        for k in 0..p[2] {
            for j in 0..p[1] {
                for i in 0..p[0] {
                    data.push(self.data[(i * p[1] + j) * p[2] + k]);
                }
            }
        }
        let shape: Vec<usize> = self.shape.iter().rev().copied().collect();
        Tensor {
            shape,
            data,
            dtype: self.dtype,
        }
    }

    /// `.view(shape)`: the same numbers in another shape; one size may be -1 (inferred).
    pub fn view(&self, spec: &[i64]) -> TResult {
        let bad = || {
            format!(
                "shape {} is invalid for a tensor of {} numbers {}",
                fmt_spec(spec),
                self.numel(),
                fmt_shape(&self.shape)
            )
        };
        let known = spec
            .iter()
            .filter(|&&d| d != -1)
            .try_fold(1usize, |acc, &d| {
                usize::try_from(d).ok().and_then(|d| acc.checked_mul(d))
            })
            .ok_or_else(bad)?;
        let mut shape = Vec::with_capacity(spec.len());
        let wild = spec.iter().filter(|&&d| d == -1).count();
        for &d in spec {
            if d == -1 {
                if known == 0 || !self.numel().is_multiple_of(known) {
                    return Err(bad());
                }
                shape.push(self.numel() / known);
            } else {
                shape.push(d as usize);
            }
        }
        if wild > 1 {
            return Err(format!(
                "only one size may be -1 in .view{}",
                fmt_spec(spec)
            ));
        }
        if shape.iter().product::<usize>() != self.numel() {
            return Err(bad());
        }
        Tensor::new(&shape, self.data.clone(), self.dtype)
    }

    /// The shape with every size-1 dimension dropped.
    pub fn squeezed_shape(&self) -> Vec<usize> {
        self.shape.iter().copied().filter(|&d| d != 1).collect()
    }

    /// The shape without its leading sizes of 1: tensors whose shapes agree here hold their
    /// numbers alike and broadcast alike ((64,) and (1, 64); not (32,) and (32, 1)).
    pub fn unpadded_shape(&self) -> &[usize] {
        let lead = self.shape.iter().take_while(|&&d| d == 1).count();
        &self.shape[lead..]
    }
}

fn fmt_spec(spec: &[i64]) -> String {
    let parts: Vec<String> = spec.iter().map(|d| d.to_string()).collect();
    format!("({})", parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(shape: &[usize], data: &[f32]) -> Tensor {
        Tensor::float(shape, data.to_vec()).unwrap()
    }

    #[test]
    fn broadcasting_follows_torch() {
        let a = t(&[2, 3], &[1., 2., 3., 4., 5., 6.]);
        let col = t(&[2, 1], &[10., 20.]);
        let row = t(&[3], &[100., 200., 300.]);
        assert_eq!(a.add(&col).unwrap().data(), &[11., 12., 13., 24., 25., 26.]);
        assert_eq!(
            a.add(&row).unwrap().data(),
            &[101., 202., 303., 104., 205., 306.]
        );
        assert_eq!(col.mul(&row).unwrap().shape(), &[2, 3]);
        let err = a.add(&t(&[2], &[1., 2.])).unwrap_err();
        assert!(err.contains("(2, 3) and (2,)"), "{err}");
    }

    #[test]
    fn reductions_matmul_transpose_view() {
        let a = t(&[2, 3], &[1., 2., 3., 4., 5., 6.]);
        assert_eq!(a.sum(Some(0), false).unwrap().data(), &[5., 7., 9.]);
        assert_eq!(a.sum(Some(1), true).unwrap().shape(), &[2, 1]);
        let (v, i) = a.max(1, false).unwrap();
        assert_eq!((v.data(), i.data()), (&[3., 6.][..], &[2., 2.][..]));
        let at = a.t();
        assert_eq!(at.shape(), &[3, 2]);
        assert_eq!(at.data(), &[1., 4., 2., 5., 3., 6.]);
        assert_eq!(a.matmul(&at).unwrap().data(), &[14., 32., 32., 77.]);
        assert!(a.matmul(&a).unwrap_err().contains("3 vs 2"));
        assert_eq!(a.view(&[-1]).unwrap().shape(), &[6]);
        assert!(a.view(&[4, -1]).is_err());
        assert!(a.view(&[-1, -1]).is_err());
    }

    #[test]
    fn limits_are_messages() {
        assert!(check_shape(&[1 << 10, 1 << 10])
            .unwrap_err()
            .contains("too large"));
        assert!(check_shape(&[1, 1, 1, 1])
            .unwrap_err()
            .contains("at most 3"));
        let v = t(&[600], &[1.0; 600]);
        let col = v.view(&[600, 1]).unwrap();
        assert!(col.mul(&v).is_err(), "600 x 600 is over the limit");
    }
}
