//! What a run of some settings costs (memory, work per step), and the checks of the knobs
//! together: what the core would refuse, and a run too large for a school laptop, with the knob
//! to change.

use super::{BatchNorm, ScheduleKind, Settings};
use crate::format;
use crate::model::ModelConfig;
use serde::Serialize;

/// Most memory a run may use for its activations, gradients and weights (a school laptop's
/// browser tab has a few hundred MB to spare).
pub const MAX_RUN_BYTES: f64 = 256e6;
/// Most arithmetic per training step: about 50 ms of the wasm kernels, so Pause is heard
/// within 100 ms whatever the settings.
pub const MAX_STEP_FLOPS: f64 = 1e9;

/// What a run of some settings costs, estimated from the shapes.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Cost {
    pub params: usize,
    /// Activations and their gradients for one batch, plus the weights four times (values,
    /// gradients, the kept previous values, the values at the start of the run), in bytes.
    pub bytes: f64,
    /// Multiply-adds x 2 of one training step (forward and both backward products).
    pub flops: f64,
}

impl Settings {
    /// What a run of these settings on a vocabulary of `vocab` characters costs.
    pub fn cost(&self, vocab: usize) -> Cost {
        let (b, h, l) = (
            self.batch_size as f64,
            self.n_hidden as f64,
            self.n_layers as f64,
        );
        let fan_in = (self.block_size * self.n_embd) as f64;
        let v = vocab as f64;
        let config = self.model_config(vocab);
        let params = config_params(&config);
        // Per hidden layer: Linear, maybe BatchNorm, Tanh outputs, each with its gradient.
        let per_layer = if self.batchnorm == BatchNorm::Off {
            2.0
        } else {
            3.0
        };
        let acts = b * (fan_in + l * per_layer * h + 2.0 * v);
        let bytes = 4.0 * (2.0 * acts + 4.0 * params as f64);
        let macs = b * (fan_in * h + (l - 1.0) * h * h + h * v);
        Cost {
            params,
            bytes,
            flops: 6.0 * macs,
        }
    }

    /// Checks the knobs together for a vocabulary of `vocab` characters: what the core would
    /// refuse, and a run too large for a school laptop, with the knob to change.
    pub fn validate(&self, vocab: usize) -> Result<(), String> {
        self.model_config(vocab).validate()?;
        if self.output_bn && self.batchnorm == BatchNorm::Off {
            return Err("a BatchNorm on the output needs BatchNorm on".into());
        }
        if self.batchnorm != BatchNorm::Off && self.batch_size < 2 {
            return Err("BatchNorm needs a batch of at least 2".into());
        }
        if matches!(self.schedule, ScheduleKind::Sweep | ScheduleKind::SweepThen) {
            if self.sweep_min_exp >= self.sweep_max_exp {
                return Err("the sweep must go from a lower to a higher rate".into());
            }
        } else if self.lr <= 0.0 {
            return Err("the learning rate must be above 0".into());
        }
        let c = self.cost(vocab);
        let biggest = format!(
            "lower the batch size ({}), the hidden units ({}), the hidden layers ({}) or the \
             context length ({})",
            self.batch_size, self.n_hidden, self.n_layers, self.block_size
        );
        if c.bytes > MAX_RUN_BYTES {
            return Err(format!(
                "this run would need about {} for its activations and weights (the limit is {}, \
                 so that a school laptop's browser keeps up): {biggest}",
                format::megabytes(c.bytes),
                format::megabytes(MAX_RUN_BYTES)
            ));
        }
        if c.flops > MAX_STEP_FLOPS {
            return Err(format!(
                "one step of this run would take about {} (the limit is {}, so that Pause is \
                 heard at once): {biggest}",
                format::gflop(c.flops),
                format::tenths(MAX_STEP_FLOPS / 1e9)
            ));
        }
        Ok(())
    }

    /// Checks that the examples of a names file (`examples` of them, see
    /// `data::count_examples`) fit in memory at this context length, before they are built.
    pub fn fits_data(&self, examples: usize) -> Result<(), String> {
        let max = crate::data::max_block_size(examples);
        if self.block_size > max {
            return Err(format!(
                "these names make {examples} examples; at a context length (block_size) of {} \
                 they would need {}: lower the context length to at most {max}",
                self.block_size,
                format::megabytes(crate::data::examples_bytes(examples, self.block_size) as f64)
            ));
        }
        Ok(())
    }
}

/// The parameter count of a model of `config`, from its shapes (no weights are made).
fn config_params(c: &ModelConfig) -> usize {
    let fan_in = c.block_size * c.n_embd;
    let bn = if c.batchnorm.is_some() { 2 } else { 0 };
    let mut n = c.vocab_size * c.n_embd;
    let mut n_in = fan_in;
    for _ in 0..c.n_layers {
        n += n_in * c.n_hidden + if c.hidden_bias { c.n_hidden } else { 0 } + bn * c.n_hidden;
        n_in = c.n_hidden;
    }
    n += n_in * c.vocab_size + if c.output_bias { c.vocab_size } else { 0 };
    if c.output_bn {
        n += 2 * c.vocab_size;
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lesson::ChapterId;
    use crate::model::Mlp;
    use crate::rng::Rng;

    #[test]
    fn parameter_count_from_shapes_matches_the_model() {
        for &name in ChapterId::ALL {
            let mut s = Settings::chapter(name);
            for (bs, h, l) in [(3, 200, 1), (5, 64, 4), (2, 33, 8)] {
                (s.block_size, s.n_hidden, s.n_layers) = (bs, h, l);
                let cfg = s.model_config(31);
                let m = Mlp::new(&cfg, &mut Rng::new(1));
                assert_eq!(config_params(&cfg), m.n_params(), "{name} {bs} {h} {l}");
            }
        }
    }

    #[test]
    fn every_chapter_passes_and_huge_runs_are_refused_with_the_knobs_to_lower() {
        for &name in ChapterId::ALL {
            Settings::chapter(name).validate(27).unwrap();
        }
        let mut s = Settings::chapter(ChapterId::Deep);
        (s.block_size, s.n_embd, s.n_hidden, s.n_layers, s.batch_size) = (16, 64, 1024, 8, 4096);
        let e = s.validate(27).unwrap_err();
        assert!(e.contains("MB") && e.contains("batch size (4096)"), "{e}");
        s.batch_size = 256;
        let e = s.validate(27).unwrap_err();
        assert!(
            e.contains("GFLOP") && e.contains("hidden units (1024)"),
            "{e}"
        );
        s.n_layers = 1;
        s.n_hidden = 256;
        s.validate(27).unwrap();
    }
}
