//! One step in slow motion: the run takes its next step (as the Step button does), and the
//! step is replayed for one hidden neuron and one example of its batch on a copy of the weights
//! from before it (`diagnostics::neuron_step`: the same numbers, the run untouched by the
//! replay). A refused request (a neuron or an example that is not there, a model with no tanh
//! layer) takes no step.

use super::run::RunState;
use super::settings::Settings;
use super::words;
use crate::diagnostics::{self, NeuronStep};

/// The next step of `run`, and its numbers for neuron `neuron` and example `example` (as typed),
/// with the example's context as text.
pub fn step(
    run: &mut RunState,
    settings: &Settings,
    neuron: &str,
    example: &str,
) -> Result<(NeuronStep, String), String> {
    let parse = |text: &str, what: &str| {
        text.trim()
            .parse::<usize>()
            .map_err(|_| words::not_an_index(what, text))
    };
    let (j, e) = (parse(neuron, "neuron")?, parse(example, "example")?);
    // The limits first: a refused request takes no step.
    diagnostics::check_neuron(&run.trainer.model, run.trainer.train.batch_size, j, e)
        .map_err(|f| words::neuron_problem(&f))?;
    let before = run.trainer.model.clone();
    let lr = run.lr(settings);
    run.step_once(settings)?;
    let t = &run.trainer;
    let (x, y) = t.last_batch();
    let traced =
        diagnostics::neuron_step(&before, x, y, lr, j, e).map_err(|f| words::neuron_problem(&f))?;
    let block = t.data.train.block_size.max(1);
    let context: String = x[e * block..(e + 1) * block]
        .iter()
        .map(|&i| t.data.vocab.itos[i as usize])
        .collect();
    Ok((traced, context))
}
