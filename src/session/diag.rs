//! The diagnostics of a training step, taken from the layers' buffers: the first hidden layer's
//! histograms and saturation map, and every layer's statistics. A run caches those of its last
//! step (sampling and evaluation overwrite the buffers) and keeps those of its first.

use crate::diagnostics::{self, FirstLayer, LayerDiag};
use crate::train::Trainer;

/// Bins of every histogram (the notebook's `torch.histogram` default is 100; `plt.hist` uses 50).
pub const HIST_BINS: usize = 50;
/// The saturation map shows at most this many examples of the batch (the notebook's batch is 32).
pub const MAP_MAX_ROWS: usize = 64;

/// The first hidden layer's histograms and saturation map, the map cut to `MAP_MAX_ROWS` rows.
#[derive(Clone, Debug, PartialEq)]
pub struct FirstLayerView {
    pub layer: FirstLayer,
    /// Rows shown (the first examples of the batch) and the batch size.
    pub rows: usize,
    pub batch: usize,
    /// Each shown row's context characters, e.g. "emm".
    pub contexts: Vec<String>,
}

/// Stats from the buffers of a training step.
#[derive(Clone, Debug, PartialEq)]
pub struct StepDiag {
    /// The steps done when these numbers were taken (0: none yet).
    pub step: usize,
    pub first: Option<FirstLayerView>,
    pub layers: Vec<LayerDiag>,
}

impl StepDiag {
    /// Before the first step: no numbers.
    pub fn none() -> StepDiag {
        StepDiag {
            step: 0,
            first: None,
            layers: Vec::new(),
        }
    }

    /// The numbers in `t`'s layers now (after a step), |h| above `threshold` counted saturated.
    pub fn of(t: &Trainer, threshold: f32) -> StepDiag {
        let m = &t.model;
        let batch = t.train.batch_size;
        let first = diagnostics::first_layer(m, batch, threshold, HIST_BINS).map(|mut f| {
            let rows = batch.min(MAP_MAX_ROWS);
            let cols = f.map.cols;
            f.map.cells.truncate(rows * cols);
            f.map.rows = rows;
            let (xb, _) = t.last_batch();
            let itos = &t.data.vocab.itos;
            let contexts = xb
                .chunks(t.data.train.block_size.max(1))
                .take(rows)
                .map(|ctx| ctx.iter().map(|&i| itos[i as usize]).collect())
                .collect();
            FirstLayerView {
                layer: f,
                rows,
                batch,
                contexts,
            }
        });
        StepDiag {
            step: t.step,
            first,
            layers: diagnostics::layer_diagnostics(m, threshold, HIST_BINS),
        }
    }
}
