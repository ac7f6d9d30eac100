//! Tanh: out = tanh(x), elementwise; backward dx = dout * (1 - out^2).

use super::ensure_len;

#[derive(Clone, Debug)]
pub struct Tanh {
    pub dim: usize,
    pub out: Vec<f32>,
    pub dout: Vec<f32>,
}

impl Tanh {
    pub fn new(dim: usize) -> Tanh {
        Tanh {
            dim,
            out: Vec::new(),
            dout: Vec::new(),
        }
    }

    pub fn forward(&mut self, inp: &[f32], batch: usize) {
        ensure_len(&mut self.out, batch * self.dim);
        for (o, &x) in self.out.iter_mut().zip(inp) {
            *o = tanh(x);
        }
    }

    pub fn backward(&mut self, dinp: Option<&mut [f32]>) {
        if let Some(dinp) = dinp {
            for ((d, &o), &g) in dinp.iter_mut().zip(&self.out).zip(&self.dout) {
                *d = g * (1.0 - o * o);
            }
        }
    }
}

/// tanh(x) = 1 - 2 / (exp(2x) + 1), which is exact at the saturated ends (exp overflows to inf and
/// gives 1; underflows to 0 and gives -1) and within a few ulps elsewhere.
#[inline]
pub fn tanh(x: f32) -> f32 {
    if x.abs() < 0.0625 {
        // Near zero the subtraction above cancels; the odd Taylor series is exact to f32 here.
        let x2 = x * x;
        return x * (1.0 - x2 * (1.0 / 3.0 - x2 * (2.0 / 15.0)));
    }
    1.0 - 2.0 / ((2.0 * x).exp() + 1.0)
}

#[cfg(test)]
mod tests {
    #[test]
    fn tanh_matches_std_within_ulps() {
        let mut worst = 0.0f64;
        let mut x = -12.0f32;
        while x < 12.0 {
            let ours = super::tanh(x) as f64;
            let exact = (x as f64).tanh();
            worst = worst.max((ours - exact).abs());
            x += 0.0013;
        }
        assert!(worst < 3e-7, "worst abs error {worst}");
        assert_eq!(super::tanh(100.0), 1.0);
        assert_eq!(super::tanh(-100.0), -1.0);
        assert!(super::tanh(f32::NAN).is_nan());
    }
}
