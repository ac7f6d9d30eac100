//! The state of training, as the controls and the status line show it, and why training
//! stopped.

use crate::format;
use crate::session::protocol::{ChartView, Level, Notice, ProgressView};
use crate::session::{words, Session, Stopped};

/// The step, the speed (`itps`, steps per second, 0 when unknown) and the controls' values.
pub fn progress_view(s: &Session, itps: f64, charts: Vec<ChartView>) -> ProgressView {
    let t = &s.run().trainer;
    let (step, steps) = (t.step, t.train.steps);
    let running = s.run().is_running();
    let eval = s.run().eval_progress();
    let lr = s.lr();
    ProgressView {
        run: s.run().number,
        step,
        steps,
        running,
        finished: t.finished(),
        evaluating: eval.is_some(),
        first_loss: s.run().history().first_loss,
        step_text: format!("step {} of {}", format::count(step), format::count(steps)),
        speed_text: if running && itps > 0.0 {
            format::speed(itps)
        } else {
            String::new()
        },
        eta_text: match eval {
            Some(f) => format!("evaluating the full splits… {}", format::pct_whole(f)),
            None if running && itps > 0.0 => {
                format!("{} left", format::duration((steps - step) as f64 / itps))
            }
            None => String::new(),
        },
        lr_text: format::lr(lr),
        lr_override: s.run().lr_override().is_some(),
        lr_note: match s.run().lr_override() {
            Some(x) => format!(
                "your rate ({}) replaces the schedule until you press Schedule",
                format::lr(x)
            ),
            None if running => "pause to change the learning rate".into(),
            None => String::new(),
        },
        budget_text: steps.to_string(),
        stopped: None,
        charts,
    }
}

/// Why training stopped, as the notice under the controls.
pub fn stopped_notice(stopped: &Stopped) -> Notice {
    match stopped {
        Stopped::Finished { steps } => Notice {
            message: words::finished(*steps),
            level: Level::Good,
        },
        Stopped::Diverged { error, kept } => Notice {
            message: words::diverged(error, *kept),
            level: Level::Bad,
        },
    }
}
