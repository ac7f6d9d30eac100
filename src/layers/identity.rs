//! Identity: out = x; backward dx = dout. The hidden blocks' "activation" when the tanh is
//! removed (a linear sandwich), kept as a layer so the layer list numbers as with Tanh.

use super::ensure_len;

#[derive(Clone, Debug)]
pub struct Identity {
    pub dim: usize,
    pub out: Vec<f32>,
    pub dout: Vec<f32>,
}

impl Identity {
    pub fn new(dim: usize) -> Identity {
        Identity {
            dim,
            out: Vec::new(),
            dout: Vec::new(),
        }
    }

    pub fn forward(&mut self, inp: &[f32], batch: usize) {
        ensure_len(&mut self.out, batch * self.dim);
        self.out.copy_from_slice(&inp[..batch * self.dim]);
    }

    pub fn backward(&mut self, dinp: Option<&mut [f32]>) {
        if let Some(dinp) = dinp {
            dinp.copy_from_slice(&self.dout[..dinp.len()]);
        }
    }
}
