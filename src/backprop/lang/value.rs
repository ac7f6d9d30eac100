//! The values of the sheet's language: tensors, Python's numbers (ints and f64 floats, rounded
//! to f32 when they meet a tensor), shapes, `range(...)`, `.max(dim)`'s pair, and the modules
//! `torch` and `F`.

use crate::backprop::tensor::{fmt_shape, DType, Tensor};

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Tensor(Tensor),
    Int(i64),
    Float(f64),
    Bool(bool),
    /// A shape (`x.shape`) or a tuple of integers.
    Shape(Vec<i64>),
    /// `range(start, stop)`.
    Range(i64, i64),
    /// `.max(dim)`: values and indices.
    Max(Tensor, Tensor),
    /// `torch` or `F`.
    Module(&'static str),
}

impl Value {
    pub fn describe(&self) -> String {
        match self {
            Value::Tensor(t) if t.dtype() == DType::Long => {
                format!("a tensor of integers {}", fmt_shape(t.shape()))
            }
            Value::Tensor(t) => format!("a tensor {}", fmt_shape(t.shape())),
            Value::Int(v) => format!("the integer {v}"),
            Value::Float(v) => format!("the number {v}"),
            Value::Bool(b) => (if *b { "True" } else { "False" }).to_string(),
            Value::Shape(s) => format!(
                "the shape ({})",
                s.iter()
                    .map(|d| d.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Value::Range(a, b) => format!("range({a}, {b})"),
            Value::Max(..) => "the result of .max(dim) (take its .values or .indices)".into(),
            Value::Module(m) => format!("the module `{m}`"),
        }
    }

    pub fn shape_of(t: &Tensor) -> Value {
        Value::Shape(t.shape().iter().map(|&d| d as i64).collect())
    }

    /// An integer: an int, a bool, or a one-number tensor of integers (`Xb[k, j]`).
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(v) => Some(*v),
            Value::Bool(b) => Some(*b as i64),
            Value::Tensor(t) if t.dtype() == DType::Long && t.rank() == 0 => {
                t.item().map(|v| v as i64)
            }
            _ => None,
        }
    }

    /// The value as a tensor: numbers become 0-d tensors (a float is rounded to f32).
    pub fn to_tensor(&self) -> Result<Tensor, String> {
        match self {
            Value::Tensor(t) => Ok(t.clone()),
            Value::Int(v) => Ok(Tensor::long_scalar(*v)),
            Value::Bool(b) => Ok(Tensor::long_scalar(*b as i64)),
            Value::Float(v) => Ok(Tensor::scalar(*v as f32)),
            Value::Range(a, b) => Tensor::arange(*a, *b),
            v => Err(format!("{} is not a tensor or a number", v.describe())),
        }
    }

    /// The numbers the value holds (1 for a number), for the budget.
    pub(super) fn numel(&self) -> u64 {
        match self {
            Value::Tensor(t) => t.numel() as u64,
            Value::Max(v, i) => (v.numel() + i.numel()) as u64,
            _ => 1,
        }
    }
}
