//! What the kernels' tests share: random operands of a matrix product.

use crate::rng::Rng;

/// A (m, k), B (k, n) and a bias of n, each drawn from N(0, 1) in that order.
pub fn operands(rng: &mut Rng, m: usize, k: usize, n: usize) -> (Vec<f32>, Vec<f32>, Vec<f32>) {
    let mut a = vec![0.0f32; m * k];
    let mut b = vec![0.0f32; k * n];
    let mut bias = vec![0.0f32; n];
    rng.fill_normal(&mut a, 1.0);
    rng.fill_normal(&mut b, 1.0);
    rng.fill_normal(&mut bias, 1.0);
    (a, b, bias)
}
