//! Tanh: out = tanh(x), elementwise; backward dx = dout * (1 - out^2).

use super::ensure_len;
use crate::kernels::split;
use crate::pool::Par;

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

    pub fn forward(&mut self, inp: &[f32], batch: usize, par: &Par) {
        ensure_len(&mut self.out, batch * self.dim);
        split::tanh_slice(par, &mut self.out, &inp[..batch * self.dim]);
    }

    pub fn backward(&mut self, dinp: Option<&mut [f32]>, par: &Par) {
        if let Some(dinp) = dinp {
            split::tanh_backward(par, dinp, &self.out, &self.dout);
        }
    }
}

/// tanh(x), exactly +-1 when saturated and within a few ulps elsewhere (the vectorisable
/// rational approximation in `kernels`).
pub use crate::kernels::tanh;

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
        assert!(worst < 4e-7, "worst abs error {worst}");
        assert_eq!(super::tanh(100.0), 1.0);
        assert_eq!(super::tanh(-100.0), -1.0);
        assert!(super::tanh(f32::NAN).is_nan());
    }
}
