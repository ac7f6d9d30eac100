//! Every sentence the lab says: what happened (a run finished or diverged, a file was loaded,
//! a link could not be used) and why a request was refused. The charts' own lines are written
//! by their views (session/views/), and a rule's refusal next to the rule (a knob's limits in
//! settings.rs, a link's parts in link.rs, a names file's faults in data/, a weights file's in
//! export/). Numbers are written by `crate::format`.

use crate::format;
use crate::train::{DivergeCause, StepError};

/// The run did all its steps.
pub fn finished(steps: usize) -> String {
    format!("finished: {} steps done", format::count(steps))
}

/// Training stopped at `error` (a `StepError::Diverged`), the weights after step `kept` kept.
pub fn diverged(error: &StepError, kept: usize) -> String {
    let StepError::Diverged {
        step,
        lr,
        loss,
        cause,
    } = error
    else {
        return error.to_string();
    };
    let rolled_back = kept < *step;
    if matches!(cause, DivergeCause::ZeroSpread { .. }) {
        error.to_string()
    } else if loss.is_finite() && rolled_back {
        format!(
            "training stopped at step {}: the loss jumped to {} after a step at learning rate \
             {}, so the learning rate is too high; the last good weights (after step {kept}) are \
             kept. Lower the learning rate and train on.",
            step + 1,
            format::whole(*loss),
            format::exact(*lr),
        )
    } else {
        format!("{error}; the run goes on from step {kept}. Lower the learning rate and train on.")
    }
}

/// Train or Step when the budget is spent.
pub fn budget_done(steps: usize) -> String {
    format!(
        "the run has done all its {} steps; raise the step budget or reset",
        format::count(steps)
    )
}

/// Step while training.
pub const PAUSE_FIRST: &str = "pause training first";

/// A learning rate typed while training.
pub const PAUSE_FOR_LR: &str = "pause training to change the learning rate";

/// A learning rate that is not a number above 0.
pub fn bad_lr(typed: &str) -> String {
    format!(
        "the learning rate must be a number above 0, not “{}”",
        typed.trim()
    )
}

/// A budget below the steps done.
pub fn budget_below_steps(done: usize) -> String {
    format!(
        "the run has already done {} steps; reset it for a smaller budget",
        format::count(done)
    )
}

/// A comparison with a run the session does not keep.
pub fn no_earlier_run(run: u32) -> String {
    format!("there is no earlier run {run} to compare with")
}
