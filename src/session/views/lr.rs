//! The learning-rate finder: the loss against log10(lr) over the sweep, smoothed, with the
//! suggested rate; a run with no sweep says which chapters have one.

use super::parts::view;
use crate::charts::{ChartId, ChartSpec, LrFinderSpec};
use crate::diagnostics::LR_SMOOTH_WINDOW;
use crate::format;
use crate::lesson;
use crate::session::protocol::ChartView;
use crate::session::Session;
use crate::train::Schedule;

pub const CAPTION: &str = "Learning-rate finder";

/// "1. The learning-rate finder and 2. ... sweep the learning rate from 0.001 to 1".
fn sweeping_chapters() -> String {
    let sweeps: Vec<(String, f32, f32)> = lesson::chapters()
        .iter()
        .filter_map(|c| match c.train.schedule {
            Schedule::ExpSweep { min_exp, max_exp }
            | Schedule::SweepThen {
                min_exp, max_exp, ..
            } => Some((c.title.to_string(), min_exp, max_exp)),
            _ => None,
        })
        .collect();
    let titles: Vec<&str> = sweeps.iter().map(|s| s.0.as_str()).collect();
    match sweeps.first() {
        Some(&(_, lo, hi)) => format!(
            "{} sweep the learning rate from {} to {}",
            titles.join(" and "),
            10f32.powf(lo),
            10f32.powf(hi)
        ),
        None => String::new(),
    }
}

pub fn chart(s: &Session) -> ChartView {
    let caption = CAPTION;
    let Some((steps, lo, hi)) = s.settings().sweep() else {
        let spec = LrFinderSpec {
            title: "no sweep in this run".into(),
            ..LrFinderSpec::default()
        };
        let line = format!(
            "{}; this run follows a fixed schedule.",
            sweeping_chapters()
        );
        return view(ChartId::Lr, caption, ChartSpec::LrFinder(spec), vec![line]);
    };
    let (lrs, losses) = s.run().history().sweep_points();
    let done = s.run().history().steps().min(steps);
    let suggestion = s.lr_suggestion();
    let mut lines = vec![format!(
        "sweep: 10^{lo} to 10^{hi} over {} steps; {} done",
        format::count(steps),
        format::count(done)
    )];
    // The lowest loss of a sweep still under way is no suggestion: the loss has not turned up
    // yet (after one step it is the first rate). The rate is suggested, and marked, at its end.
    let swept = done >= steps;
    match suggestion {
        Some((step, lr, loss)) if swept => lines.push(format!(
            "suggested learning rate {} ({}): lowest smoothed loss {} at step {}",
            format::lr(lr),
            format::exp10(lr.log10()),
            format::loss(loss),
            format::count(step)
        )),
        Some((step, lr, loss)) => lines.push(format!(
            "lowest smoothed loss so far {} at learning rate {} ({}), step {}; the rate is suggested when the sweep ends",
            format::loss(loss),
            format::lr(lr),
            format::exp10(lr.log10()),
            format::count(step)
        )),
        None => {}
    }
    let spec = LrFinderSpec {
        title: String::new(),
        exponents: lrs.iter().map(|x| x.log10()).collect(),
        losses,
        smooth_window: LR_SMOOTH_WINDOW,
        suggested_exponent: suggestion.filter(|_| swept).map(|(_, lr, _)| lr.log10()),
    };
    view(ChartId::Lr, caption, ChartSpec::LrFinder(spec), lines)
}
