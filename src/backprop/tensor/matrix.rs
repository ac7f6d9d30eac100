//! The matrix product `@`, the transpose `.T` and `.view(shape)`.

use super::{check_shape, fmt_shape, pad3, DType, TResult, Tensor};

impl Tensor {
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
}
