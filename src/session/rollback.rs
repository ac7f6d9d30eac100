//! What a step's rollback needs besides the weights: the BatchNorm running statistics of a
//! model before a step (buffers reused step to step). The weights need no copy: `Mlp::sgd_step`
//! keeps the previous ones for `Mlp::undo_sgd_step`.

use crate::layers::Layer;
use crate::model::Mlp;

#[derive(Clone, Debug, Default)]
pub struct Checkpoint {
    /// The steps done when it was saved.
    pub step: usize,
    running: Vec<(Vec<f32>, Vec<f32>)>,
}

impl Checkpoint {
    pub fn save(&mut self, m: &Mlp, step: usize) {
        self.step = step;
        let bns = m.layers.iter().filter_map(|l| match l {
            Layer::BatchNorm1d(b) => Some(b),
            _ => None,
        });
        self.running
            .resize_with(bns.clone().count(), Default::default);
        for (dst, b) in self.running.iter_mut().zip(bns) {
            dst.0.clear();
            dst.0.extend_from_slice(&b.running_mean);
            dst.1.clear();
            dst.1.extend_from_slice(&b.running_spread);
        }
    }

    pub fn restore(&self, m: &mut Mlp) {
        let bns = m.layers.iter_mut().filter_map(|l| match l {
            Layer::BatchNorm1d(b) => Some(b),
            _ => None,
        });
        for (b, src) in bns.zip(&self.running) {
            b.running_mean.copy_from_slice(&src.0);
            b.running_spread.copy_from_slice(&src.1);
        }
    }
}
