//! How far each parameter tensor moved from its initial values (the lecture's exercise E01:
//! with every weight and bias zero "it trains, but only partly: which part?"): ||p - p0||, that
//! relative to ||p0|| where that is not 0, and whether its columns (or rows) are still all equal,
//! the symmetry that zero weights never break: hidden neurons whose weights are equal columns
//! compute the same thing and get the same gradient.

use crate::layers::Param;

/// One parameter tensor's distance from its start.
#[derive(Clone, Debug, PartialEq)]
pub struct Moved {
    pub name: String,
    pub shape: Vec<usize>,
    /// ||p - p0|| (Frobenius), summed in f64.
    pub dist: f32,
    /// ||p - p0|| / ||p0||, when ||p0|| is not 0.
    pub rel: Option<f32>,
    /// Every column is the same (a vector: every value is the same).
    pub same_columns: bool,
    /// Every row of a matrix is the same (false for a vector).
    pub same_rows: bool,
}

/// Each parameter's `Moved`, from its values at the start (`initial`, in the same order).
pub fn moved_from(params: &[&Param], initial: &[Vec<f32>]) -> Vec<Moved> {
    params
        .iter()
        .zip(initial)
        .map(|(p, p0)| {
            let (d2, n2) = p
                .data
                .iter()
                .zip(p0)
                .fold((0.0f64, 0.0f64), |(d, n), (&x, &x0)| {
                    let dx = (x - x0) as f64;
                    (d + dx * dx, n + x0 as f64 * x0 as f64)
                });
            let (rows, cols) = match p.shape[..] {
                [r, c] => (r, c),
                _ => (1, p.numel()),
            };
            Moved {
                name: p.name.clone(),
                shape: p.shape.clone(),
                dist: d2.sqrt() as f32,
                rel: (n2 > 0.0).then(|| (d2 / n2).sqrt() as f32),
                same_columns: p
                    .data
                    .chunks(cols.max(1))
                    .all(|r| r.iter().all(|&x| x == r[0])),
                same_rows: p.shape.len() == 2
                    && rows > 1
                    && p.data.chunks(cols.max(1)).all(|r| r == &p.data[..cols]),
            }
        })
        .collect()
}
