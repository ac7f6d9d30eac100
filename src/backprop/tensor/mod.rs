//! `Tensor`: f32 numbers with a shape of rank 0 to 3 and a dtype (`Float`, or `Long` for indices,
//! stored as exact small integers), PyTorch's broadcasting, and the operations of the lecture's
//! backward pass. The core's gradients and the sheet's evaluator call the same functions, so a
//! formula typed as the core computes it gives the same bits. Every operation checks its shapes
//! and sizes (`MAX_RANK`, `MAX_ELEMENTS`) and returns a message, never panics. This file: the
//! type, broadcasting and the elementwise operations; `reduce`: sums, max, softmax; `matrix`:
//! `@`, `.T`, `.view`; `index`: indexing, `index_add_`, `one_hot`.

mod index;
mod matrix;
mod reduce;

pub use index::Ix;

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
fn pad3(shape: &[usize]) -> [usize; 3] {
    let mut p = [1; 3];
    p[3 - shape.len()..].copy_from_slice(shape);
    p
}

/// Strides of a contiguous `shape` read as `out` (rank 3 padded), 0 where it is broadcast.
fn strides3(shape: &[usize], out: &[usize; 3]) -> [usize; 3] {
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
