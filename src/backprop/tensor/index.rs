//! Indexing as torch does it, for the forms the lecture uses: integers (`x[k, j]`, `dC[ix]`) and
//! index tensors broadcast together (`x[range(n), Yb]`, `C[Xb]`), leading dimensions only. The
//! result's shape is the indices' broadcast shape followed by the dimensions not indexed. Reading
//! is `gather`, writing `put` (`=`, `+=`, ...: all old values are read before any is written, so a
//! repeated index is written once, as in torch); also `index_add` and `one_hot`.

use super::{broadcast_shapes, check_shape, fmt_shape, pad3, strides3, BinOp, DType};
use super::{TResult, Tensor};

/// One index of `x[...]`.
#[derive(Clone, Debug)]
pub enum Ix {
    One(i64),
    /// A Long tensor of any shape (from `range(n)`, Yb, Xb, `.indices`).
    Many(Tensor),
}

/// The elements an index selects: each of `bases` starts a run of `rest` contiguous numbers.
struct Selection {
    shape: Vec<usize>,
    bases: Vec<usize>,
    rest: usize,
}

fn in_bounds(v: i64, d: usize, size: usize) -> Result<usize, String> {
    let s = size as i64;
    let w = if v < 0 { v + s } else { v };
    if (0..s).contains(&w) {
        Ok(w as usize)
    } else {
        Err(format!(
            "index {v} is out of bounds for dimension {d} with size {size}"
        ))
    }
}

fn select(x: &[usize], ix: &[Ix]) -> Result<Selection, String> {
    if ix.len() > x.len() {
        return Err(format!(
            "too many indices for a tensor of shape {}: {} given",
            fmt_shape(x),
            ix.len()
        ));
    }
    let mut b: Vec<usize> = vec![];
    for i in ix {
        if let Ix::Many(t) = i {
            if t.dtype() != DType::Long {
                return Err(format!(
                    "a tensor used as an index must hold integers (Long); this one {} holds floats",
                    fmt_shape(t.shape())
                ));
            }
            b = broadcast_shapes(&b, t.shape()).map_err(|e| format!("the indices: {e}"))?;
        }
    }
    let count = check_shape(&b)?;
    let rest_shape = &x[ix.len()..];
    let rest: usize = rest_shape.iter().product();
    let shape: Vec<usize> = b.iter().chain(rest_shape).copied().collect();
    check_shape(&shape)?;
    let strides: Vec<usize> = (0..x.len()).map(|d| x[d + 1..].iter().product()).collect();
    let bp = pad3(&b);
    // Each index with the strides it is read with over the broadcast shape.
    let sources: Vec<(&Ix, [usize; 3])> = ix
        .iter()
        .map(|i| match i {
            Ix::Many(t) => (i, strides3(t.shape(), &bp)),
            Ix::One(_) => (i, [0; 3]),
        })
        .collect();
    let mut bases = Vec::with_capacity(count);
    for p in 0..count {
        let pos = [p / (bp[1] * bp[2]), (p / bp[2]) % bp[1], p % bp[2]];
        let mut offset = 0;
        for (d, (i, s)) in sources.iter().enumerate() {
            let v = match i {
                Ix::Many(t) => t.data()[pos[0] * s[0] + pos[1] * s[1] + pos[2] * s[2]] as i64,
                Ix::One(v) => *v,
            };
            offset += in_bounds(v, d, x[d])? * strides[d];
        }
        bases.push(offset);
    }
    Ok(Selection { shape, bases, rest })
}

impl Tensor {
    /// `x[ix]`.
    pub fn gather(&self, ix: &[Ix]) -> TResult {
        let sel = select(self.shape(), ix)?;
        let mut data = Vec::with_capacity(sel.bases.len() * sel.rest);
        for &b in &sel.bases {
            data.extend_from_slice(&self.data()[b..b + sel.rest]);
        }
        Tensor::new(&sel.shape, data, self.dtype())
    }

    /// `x[ix] = value` (`op` None) or `x[ix] op= value`; `value` broadcasts to the selection.
    /// Returns whether the index repeats a position (then it is written once, with the last
    /// value, as in torch: `x[i] += v` does not add up repeated rows).
    pub fn put(&mut self, ix: &[Ix], value: &Tensor, op: Option<BinOp>) -> Result<bool, String> {
        let sel = select(self.shape(), ix)?;
        if self.dtype() == DType::Long && value.dtype() == DType::Float {
            return Err("cannot write floats into an integer (Long) tensor".into());
        }
        let fits = broadcast_shapes(value.shape(), &sel.shape).is_ok_and(|s| s == sel.shape);
        if !fits {
            return Err(format!(
                "a value of shape {} cannot be written into a selection of shape {}",
                fmt_shape(value.shape()),
                fmt_shape(&sel.shape)
            ));
        }
        let expanded =
            Tensor::full(&sel.shape, 0.0, value.dtype())?.zip(value, value.dtype(), |_, v| v)?;
        let v = expanded.data();
        let mut new = Vec::with_capacity(v.len());
        for (p, &b) in sel.bases.iter().enumerate() {
            for r in 0..sel.rest {
                let old = self.data()[b + r];
                let x = v[p * sel.rest + r];
                new.push(op.map_or(x, |op| op.apply(old, x)));
            }
        }
        let data = self.data_mut();
        for (p, &b) in sel.bases.iter().enumerate() {
            data[b..b + sel.rest].copy_from_slice(&new[p * sel.rest..(p + 1) * sel.rest]);
        }
        let mut bases = sel.bases;
        bases.sort_unstable();
        Ok(bases.windows(2).any(|w| w[0] == w[1]))
    }

    /// `x.index_add_(dim, index, source)` on a copy: `x[.., index[i], ..] += source[.., i, ..]`,
    /// in the order of `index`.
    pub fn index_add(&self, d: usize, index: &Tensor, source: &Tensor) -> TResult {
        if index.dtype() != DType::Long || index.rank() > 1 {
            return Err(format!(
                "index_add_'s index must be a 1-D tensor of integers (Long); got {} {}",
                if index.dtype() == DType::Long {
                    "Long"
                } else {
                    "float"
                },
                fmt_shape(index.shape())
            ));
        }
        if self.dtype() == DType::Long && source.dtype() == DType::Float {
            return Err("index_add_ cannot add floats into an integer (Long) tensor".into());
        }
        let len = index.numel();
        let mut want = self.shape().to_vec();
        want[d] = len;
        if source.shape() != want.as_slice() {
            return Err(format!(
                "index_add_'s source has shape {} and should have {}: the tensor's shape {} \
                 with dimension {d} the length of the index, {len}",
                fmt_shape(source.shape()),
                fmt_shape(&want),
                fmt_shape(self.shape())
            ));
        }
        let outer: usize = self.shape()[..d].iter().product();
        let inner: usize = self.shape()[d + 1..].iter().product();
        let size = self.shape()[d];
        let mut out = self.clone();
        let data = out.data_mut();
        for o in 0..outer {
            for (i, &ix) in index.data().iter().enumerate() {
                let row = in_bounds(ix as i64, d, size)?;
                let dst = (o * size + row) * inner;
                let src = &source.data()[(o * len + i) * inner..(o * len + i + 1) * inner];
                for (a, &b) in data[dst..dst + inner].iter_mut().zip(src) {
                    *a += b;
                }
            }
        }
        Ok(out)
    }

    /// `F.one_hot(self, num_classes)` (Long); -1 classes means the largest index + 1.
    pub fn one_hot(&self, num_classes: i64) -> TResult {
        if self.dtype() != DType::Long {
            return Err("one_hot needs integer (Long) indices; this tensor holds floats".into());
        }
        let largest = self.data().iter().fold(-1i64, |m, &v| m.max(v as i64));
        let classes = if num_classes == -1 {
            largest + 1
        } else {
            num_classes
        };
        if classes <= 0 {
            return Err(format!("one_hot: num_classes={num_classes} is not a size"));
        }
        if let Some(&bad) = self
            .data()
            .iter()
            .find(|&&v| v < 0.0 || v as i64 >= classes)
        {
            return Err(format!(
                "one_hot: class {bad} is out of range for num_classes={classes}"
            ));
        }
        let c = classes as usize;
        let mut shape = self.shape().to_vec();
        shape.push(c);
        let n = check_shape(&shape)?;
        let mut data = vec![0.0f32; n];
        for (i, &v) in self.data().iter().enumerate() {
            data[i * c + v as usize] = 1.0;
        }
        Tensor::new(&shape, data, DType::Long)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn long(shape: &[usize], data: &[f32]) -> Tensor {
        Tensor::new(shape, data.to_vec(), DType::Long).unwrap()
    }

    #[test]
    fn fancy_indexing_reads_and_writes_like_torch() {
        let x = Tensor::float(&[3, 4], (0..12).map(|v| v as f32).collect()).unwrap();
        let rows = Tensor::arange(0, 3).unwrap();
        let cols = long(&[3], &[3., 0., 2.]);
        let picked = x.gather(&[Ix::Many(rows.clone()), Ix::Many(cols.clone())]);
        assert_eq!(picked.unwrap().data(), &[3., 4., 10.]);
        let table = x
            .gather(&[Ix::Many(long(&[2, 2], &[0., 2., 2., 1.]))])
            .unwrap();
        assert_eq!(table.shape(), &[2, 2, 4]);
        assert_eq!(x.gather(&[Ix::One(-1), Ix::One(1)]).unwrap().data(), &[9.]);
        assert!(x
            .gather(&[Ix::One(3)])
            .unwrap_err()
            .contains("out of bounds"));
        let mut y = x.clone();
        y.put(
            &[Ix::Many(rows), Ix::Many(cols)],
            &Tensor::scalar(1.0),
            Some(BinOp::Sub),
        )
        .unwrap();
        assert_eq!(y.data()[3], 2.0);
        assert_eq!(y.data()[4], 3.0);
        // A repeated index is written once, as `x[i] += v` does in torch.
        let mut z = Tensor::float(&[2], vec![0.0, 0.0]).unwrap();
        z.put(
            &[Ix::Many(long(&[3], &[1., 1., 1.]))],
            &Tensor::scalar(1.0),
            Some(BinOp::Add),
        )
        .unwrap();
        assert_eq!(z.data(), &[0.0, 1.0]);
    }

    #[test]
    fn index_add_accumulates_repeats_and_one_hot() {
        let x = Tensor::float(&[3, 2], vec![0.0; 6]).unwrap();
        let ix = long(&[3], &[2., 0., 2.]);
        let src = Tensor::float(&[3, 2], vec![1., 2., 3., 4., 5., 6.]).unwrap();
        let out = x.index_add(0, &ix, &src).unwrap();
        assert_eq!(out.data(), &[3., 4., 0., 0., 6., 8.]);
        assert!(x.index_add(0, &ix, &x.view(&[2, 3]).unwrap()).is_err());
        let oh = long(&[2], &[1., 0.]).one_hot(3).unwrap();
        assert_eq!(oh.data(), &[0., 1., 0., 1., 0., 0.]);
        assert!(long(&[1], &[5.]).one_hot(3).is_err());
    }
}
