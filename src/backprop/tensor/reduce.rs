//! Reductions along a dimension (`.sum(dim, keepdim)`, `.mean`, `.max` with its indices) and
//! softmax. Sums add in order in f32, so the same formula gives the same bits everywhere.

use super::{fmt_shape, DType, TResult, Tensor};

impl Tensor {
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
}
