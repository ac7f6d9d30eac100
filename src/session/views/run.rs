//! A new run as the page describes it: its chapter, title and text, its layers, its knobs, the
//! chapter's key charts, and the break-it experiment it is.

use crate::format;
use crate::lesson::{self, prose, ChapterId, Experiment, Facts};
use crate::session::protocol::{ChartView, ExperimentInfo, RunView};
use crate::session::{words, Session, Setup};

/// A break-it experiment on `chapter` as the page lists it, its sentences with `facts`.
pub fn experiment_info(chapter: ChapterId, e: &Experiment, facts: &Facts) -> ExperimentInfo {
    let symptom = (e.symptom)(facts);
    let fix_how = (e.fix_how)(facts);
    let fix = e.fix.chapter().title;
    ExperimentInfo {
        name: e.id.name().into(),
        title: e.title.into(),
        chapter: chapter.name().into(),
        change: e.change.into(),
        sentence: words::experiment(
            e.change,
            &prose::to(e.chart, super::called(e.chart)),
            &symptom,
            fix,
            &fix_how,
        ),
        symptom,
        chart: e.chart,
        fix: fix.into(),
        fix_how,
    }
}

/// Every break-it experiment, in the lesson's order (its sentences with each chapter's facts).
pub fn experiment_list() -> Vec<ExperimentInfo> {
    lesson::experiments()
        .iter()
        .map(|(c, e)| experiment_info(*c, e, &c.chapter().facts()))
        .collect()
}

/// The run's description, with `charts` (those made once per run, and the on-request ones'
/// first state).
pub fn run_view(s: &Session, charts: Vec<ChartView>) -> RunView {
    let st = s.settings();
    let chapter = s.chapter().chapter();
    let facts = s.facts();
    let experiment = match *s.setup() {
        Setup::Experiment(id) => Some(experiment_info(chapter.id, &id.find().1, &facts)),
        Setup::Chapter(_) => None,
    };
    RunView {
        run: s.run().number,
        chapter: chapter.id.name().to_string(),
        title: s.title(),
        about: (chapter.text)(&facts),
        architecture: format!(
            "{}; {} parameters",
            st.architecture(s.data().vocab.size()),
            format::count(s.run().trainer.model.n_params())
        ),
        seed: st.seed.to_string(),
        knobs: st
            .pairs()
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
        key_charts: match &experiment {
            Some(e) => std::iter::once(e.chart)
                .chain(chapter.key_charts.iter().copied().filter(|&c| c != e.chart))
                .collect(),
            None => chapter.key_charts.to_vec(),
        },
        experiment,
        charts,
    }
}
