//! Linear: out = x @ weight (+ bias); x (B, n_in), weight (n_in, n_out), bias (n_out),
//! out (B, n_out). Backward: dweight = x^T @ dout, dbias = sum_b dout, dx = dout @ weight^T.

use super::{ensure_len, Param};
use crate::kernels;
use crate::kernels::split;
use crate::pool::Par;

#[derive(Clone, Debug)]
pub struct Linear {
    pub weight: Param,
    pub bias: Option<Param>,
    pub n_in: usize,
    pub n_out: usize,
    pub out: Vec<f32>,
    pub dout: Vec<f32>,
    /// Scratch for weight^T (the input gradient of a layer with few outputs).
    wt: Vec<f32>,
}

impl Linear {
    pub fn new(weight: Param, bias: Option<Param>) -> Linear {
        let (n_in, n_out) = (weight.shape[0], weight.shape[1]);
        if let Some(b) = &bias {
            assert_eq!(b.numel(), n_out);
        }
        Linear {
            weight,
            bias,
            n_in,
            n_out,
            out: Vec::new(),
            dout: Vec::new(),
            wt: Vec::new(),
        }
    }

    pub fn forward(&mut self, inp: &[f32], batch: usize, par: &Par) {
        ensure_len(&mut self.out, batch * self.n_out);
        let bias = self.bias.as_ref().map(|b| b.data.as_slice());
        split::matmul(
            par,
            &mut self.out,
            inp,
            &self.weight.data,
            bias,
            batch,
            self.n_in,
            self.n_out,
        );
    }

    pub fn backward(&mut self, inp: &[f32], dinp: Option<&mut [f32]>, batch: usize, par: &Par) {
        split::matmul_at_b(
            par,
            &mut self.weight.grad,
            inp,
            &self.dout,
            batch,
            self.n_in,
            self.n_out,
        );
        if let Some(b) = &mut self.bias {
            kernels::col_sum(&mut b.grad, &self.dout, batch, self.n_out);
        }
        if let Some(dinp) = dinp {
            if self.n_out < kernels::SHORT_DOT {
                ensure_len(&mut self.wt, self.n_in * self.n_out);
                split::matmul_a_bt_short(
                    par,
                    dinp,
                    &self.dout,
                    &self.weight.data,
                    &mut self.wt,
                    batch,
                    self.n_in,
                    self.n_out,
                );
            } else {
                split::matmul_a_bt(
                    par,
                    dinp,
                    &self.dout,
                    &self.weight.data,
                    batch,
                    self.n_in,
                    self.n_out,
                );
            }
        }
    }
}
