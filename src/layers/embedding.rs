//! Embedding + flatten: `emb = C[xb].view(B, -1)`; x (B, T) indices, C (vocab, n_embd),
//! out (B, T * n_embd). Backward scatters `dout` rows back into dC.

use super::{ensure_len, Param};

#[derive(Clone, Debug)]
pub struct Embedding {
    pub weight: Param,
    pub vocab_size: usize,
    pub n_embd: usize,
    pub block_size: usize,
    pub out: Vec<f32>,
    pub dout: Vec<f32>,
}

impl Embedding {
    pub fn new(weight: Param, block_size: usize) -> Embedding {
        let (vocab_size, n_embd) = (weight.shape[0], weight.shape[1]);
        Embedding {
            weight,
            vocab_size,
            n_embd,
            block_size,
            out: Vec::new(),
            dout: Vec::new(),
        }
    }

    pub fn n_out(&self) -> usize {
        self.block_size * self.n_embd
    }

    /// x (B, T) -> out (B, T * n_embd)
    pub fn forward(&mut self, x: &[u32], batch: usize) {
        let e = self.n_embd;
        debug_assert_eq!(x.len(), batch * self.block_size);
        let n = batch * self.n_out();
        ensure_len(&mut self.out, n);
        for (dst, &ix) in self.out.chunks_exact_mut(e).zip(x) {
            let ix = ix as usize;
            dst.copy_from_slice(&self.weight.data[ix * e..(ix + 1) * e]);
        }
    }

    /// dC[x[b, t]] += dout[b, t]; reads `self.dout`.
    pub fn backward(&mut self, x: &[u32]) {
        let e = self.n_embd;
        self.weight.grad.fill(0.0);
        for (src, &ix) in self.dout.chunks_exact(e).zip(x) {
            let ix = ix as usize;
            for (g, &d) in self.weight.grad[ix * e..(ix + 1) * e].iter_mut().zip(src) {
                *g += d;
            }
        }
    }
}
