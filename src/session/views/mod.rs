//! What the page shows, made from the session's numbers: the header's data text, the run's
//! description, the status of training, and every chart as a spec with its caption and text
//! twin. The page only places these.
//!
//! `CHARTS` is the one table of the page's charts: each row says what the chart is called, when
//! its view is made and by what (`Build`: per run, per step, with the diagnostics, on request),
//! and how the page holds it (caption, height, width, picking, the CSV it saves, the lines of its text twin, its tool row). The page
//! makes its figures from this table at start-up (`figures`, through `web::charts`); the lists of
//! charts sent per run, per step and per diagnostics are the table filtered by cadence. One file
//! per chart's view (mirroring `crate::charts`), `parts` for what they share; `data`, `run`,
//! `progress`, `quiz`, `slow` and `rows` are the views that are not charts; `why` the lines
//! that say why a chart's number reads as it does; `sheet` the backprop
//! sheet's words and its chart.

pub mod data;
pub mod embedding;
pub mod kaiming;
pub mod layers;
pub mod loss;
pub mod lr;
pub mod map;
pub mod parts;
pub mod preact;
pub mod progress;
pub mod quiz;
pub mod ratios;
pub mod rows;
pub mod run;
pub mod running;
pub mod sampler;
pub mod score;
pub mod sheet;
pub mod slow;
pub mod tools;
pub mod weight_grads;
pub mod why;

pub use data::{data_line, data_view};
pub use layers::{act_line, grad_line};
pub use progress::{progress_view, stopped_notice};
pub use quiz::quiz_view;
pub use rows::{previous_chapter, run_rows};
pub use run::{experiment_info, experiment_list};
pub use slow::slow_view;

use super::protocol::{ChartView, DiagView, ExportKind, RunView};
use super::Session;
use crate::charts::ChartId;
use parts::{Compared, Diag};
use serde::Serialize;
use tools::Tools;

/// A chart's definition: what the page needs to hold its figure, and what makes its view.
pub struct ChartDef {
    pub id: ChartId,
    /// What a sentence calls it ("Look at the saturation map"): the link's words where a
    /// sentence made by the session points at it.
    pub called: &'static str,
    /// The figure's caption until its first view (a view may write a fuller one).
    pub caption: &'static str,
    /// When its view is made, and by what.
    pub build: Build,
    /// The canvas' height on the page, in CSS pixels.
    pub height: u32,
    /// The figure spans the page's two columns.
    pub wide: bool,
    /// Pointing at it picks an item, kept in this slot (`None`: it cannot be picked).
    pub pick: Option<PickSlot>,
    /// The file of numbers behind it (`None`: none).
    pub csv: Option<ExportKind>,
    /// The lines of its text twin the page shows without scrolling.
    pub lines: u32,
    /// The first lines of its text twin that a projector shows (presentation mode), each whole:
    /// the point of the chart; the lines after them (listings, per-tensor details) are left
    /// out there, as the chart's figure must fit the screen.
    pub projector: u32,
    /// The controls in its figure, above the canvas (or under it: `Tools::under`).
    pub tools: Option<&'static Tools>,
    /// Drawn light on black, as the lecture's imshow: presentation mode's dark page shows it as
    /// drawn (it inverts the other charts' white).
    pub on_black: bool,
}

/// What makes a chart's view, and so when it is made.
#[derive(Clone, Copy)]
pub enum Build {
    /// Once per run (`Event::Run`).
    Run(fn(&Session) -> ChartView),
    /// After each step, with the progress (`Event::Progress`).
    Step(fn(&Session) -> ChartView),
    /// With the last step's diagnostics (`Event::Diag`).
    Diag(fn(&Session, &Diag) -> ChartView),
    /// When the page asks (`Event::Charts`); its first state with each run.
    OnRequest(fn(&Session) -> ChartView),
    /// By the backprop sheet's room (`session::sheet`, `Event::SheetTraining`), from exercise
    /// 4's runs: never with the session's runs and steps.
    Sheet,
}

/// When a chart's view is made (`Build` without its builder).
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Cadence {
    Run,
    Step,
    Diag,
    OnRequest,
    Sheet,
}

/// Where the page keeps a chart's picked item: the per-layer charts share one (a layer picked in
/// one stands out in all), the others their own.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PickSlot {
    Embedding,
    Map,
    Layer,
}

/// A chart's figure as the page makes it: `ChartDef` without its builder.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Figure {
    pub id: ChartId,
    pub caption: &'static str,
    pub cadence: Cadence,
    pub height: u32,
    pub wide: bool,
    pub pick: Option<PickSlot>,
    pub csv: Option<ExportKind>,
    pub lines: u32,
    pub projector: u32,
    pub tools: Option<&'static Tools>,
    pub on_black: bool,
}

/// Every chart of the page, in the page's order.
pub const CHARTS: &[ChartDef] = &[
    ChartDef {
        id: ChartId::Loss,
        called: "the loss chart",
        caption: loss::CAPTION,
        build: Build::Step(loss::chart),
        height: 330,
        wide: true,
        pick: None,
        csv: Some(ExportKind::LossCsv),
        lines: 5,
        projector: 3,
        tools: Some(&loss::TOOLS),
        on_black: false,
    },
    ChartDef {
        id: ChartId::Lr,
        called: "the learning-rate finder",
        caption: lr::CAPTION,
        build: Build::Step(lr::chart),
        height: 320,
        wide: false,
        pick: None,
        csv: None,
        lines: 5,
        projector: 2,
        tools: None,
        on_black: false,
    },
    ChartDef {
        id: ChartId::Embedding,
        called: "the embedding",
        caption: embedding::CAPTION,
        build: Build::Diag(|s, _| embedding::chart(s)),
        height: 320,
        wide: false,
        pick: Some(PickSlot::Embedding),
        csv: None,
        lines: 6,
        projector: 2,
        tools: None,
        on_black: false,
    },
    ChartDef {
        id: ChartId::Preact,
        called: "the pre-activation histograms",
        caption: preact::CAPTION,
        build: Build::Diag(preact::chart),
        height: 290,
        wide: true,
        pick: None,
        csv: None,
        lines: 5,
        projector: 3,
        tools: None,
        on_black: false,
    },
    ChartDef {
        id: ChartId::Map,
        called: "the saturation map",
        caption: map::CAPTION,
        build: Build::Diag(map::chart),
        height: 320,
        wide: false,
        pick: Some(PickSlot::Map),
        csv: None,
        lines: 5,
        projector: 2,
        tools: None,
        on_black: true,
    },
    ChartDef {
        id: ChartId::Ratios,
        called: "the update:data ratios",
        caption: ratios::CAPTION,
        build: Build::Step(ratios::chart),
        height: 320,
        wide: false,
        pick: Some(PickSlot::Layer),
        csv: Some(ExportKind::DiagnosticsCsv),
        lines: 5,
        projector: 2,
        tools: None,
        on_black: false,
    },
    ChartDef {
        id: ChartId::Acts,
        called: "the activations of every layer",
        caption: layers::ACTS_CAPTION,
        build: Build::Diag(layers::acts),
        height: 300,
        wide: true,
        pick: Some(PickSlot::Layer),
        csv: Some(ExportKind::DiagnosticsCsv),
        lines: 8,
        projector: 5,
        tools: None,
        on_black: false,
    },
    ChartDef {
        id: ChartId::Grads,
        called: "the gradients of every layer",
        caption: layers::GRADS_CAPTION,
        build: Build::Diag(layers::grads),
        height: 300,
        wide: true,
        pick: Some(PickSlot::Layer),
        csv: Some(ExportKind::DiagnosticsCsv),
        lines: 8,
        projector: 5,
        tools: None,
        on_black: false,
    },
    ChartDef {
        id: ChartId::WeightGrads,
        called: "the weight gradients",
        caption: weight_grads::CAPTION,
        build: Build::Diag(weight_grads::chart),
        height: 280,
        wide: true,
        pick: Some(PickSlot::Layer),
        csv: None,
        lines: 5,
        projector: 5,
        tools: None,
        on_black: false,
    },
    ChartDef {
        id: ChartId::Running,
        called: "BatchNorm's running statistics",
        caption: running::CAPTION,
        build: Build::Diag(running::chart),
        height: 260,
        wide: true,
        pick: None,
        csv: None,
        lines: 5,
        projector: 2,
        tools: None,
        on_black: false,
    },
    ChartDef {
        id: ChartId::Sampler,
        called: "the sampler",
        caption: sampler::CAPTION,
        build: Build::OnRequest(sampler::chart),
        height: 260,
        wide: true,
        pick: None,
        csv: None,
        lines: 5,
        projector: 2,
        tools: Some(&sampler::TOOLS),
        on_black: false,
    },
    ChartDef {
        id: ChartId::Score,
        called: "the name's score",
        caption: score::CAPTION,
        build: Build::OnRequest(score::chart),
        height: 240,
        wide: true,
        pick: None,
        csv: None,
        lines: 5,
        projector: 2,
        tools: Some(&score::TOOLS),
        on_black: false,
    },
    ChartDef {
        id: ChartId::Kaiming,
        called: "the Kaiming demo",
        caption: kaiming::CAPTION,
        build: Build::Run(kaiming::chart),
        height: 290,
        wide: true,
        pick: None,
        csv: None,
        lines: 5,
        projector: 3,
        tools: None,
        on_black: false,
    },
    ChartDef {
        id: ChartId::Sheet,
        called: "exercise 4's loss curves",
        caption: sheet::CAPTION,
        build: Build::Sheet,
        height: 300,
        wide: true,
        pick: None,
        csv: None,
        lines: 2,
        projector: 2,
        tools: None,
        on_black: false,
    },
];

impl Build {
    pub fn cadence(self) -> Cadence {
        match self {
            Build::Run(_) => Cadence::Run,
            Build::Step(_) => Cadence::Step,
            Build::Diag(_) => Cadence::Diag,
            Build::OnRequest(_) => Cadence::OnRequest,
            Build::Sheet => Cadence::Sheet,
        }
    }
}

impl ChartDef {
    /// The figure the page makes for this chart.
    pub fn figure(&self) -> Figure {
        Figure {
            id: self.id,
            caption: self.caption,
            cadence: self.build.cadence(),
            height: self.height,
            wide: self.wide,
            pick: self.pick,
            csv: self.csv,
            lines: self.lines,
            projector: self.projector,
            tools: self.tools,
            on_black: self.on_black,
        }
    }
}

/// The page's figures, in its order.
pub fn figures() -> Vec<Figure> {
    CHARTS.iter().map(ChartDef::figure).collect()
}

/// What a sentence calls the chart `id` ("the saturation map").
pub fn called(id: ChartId) -> &'static str {
    CHARTS.iter().find(|c| c.id == id).map_or("", |c| c.called)
}

/// The charts one can point at, with the slot each one's pick is kept in.
pub fn pickable() -> Vec<(ChartId, PickSlot)> {
    CHARTS
        .iter()
        .filter_map(|c| c.pick.map(|p| (c.id, p)))
        .collect()
}

/// A new run's description, with the charts made once per run and the on-request charts' first
/// state.
pub fn run_view(s: &Session) -> RunView {
    let charts = CHARTS
        .iter()
        .filter_map(|c| match c.build {
            Build::Run(f) | Build::OnRequest(f) => Some(f(s)),
            _ => None,
        })
        .collect();
    run::run_view(s, charts)
}

/// The charts that follow every step.
pub fn step_charts(s: &Session) -> Vec<ChartView> {
    CHARTS
        .iter()
        .filter_map(|c| match c.build {
            Build::Step(f) => Some(f(s)),
            _ => None,
        })
        .collect()
}

/// The charts of the last step's numbers, beside the compared run's.
pub fn diag_view(s: &mut Session) -> DiagView {
    let d = s.step_diag();
    let s = &*s;
    // The compared run's first and last steps, drawn (the last) and written (both) with this
    // run's.
    let other = s.runs().compared().and_then(|r| {
        r.last.as_ref().map(|last| Compared {
            run: r.run,
            init: r.init.as_ref(),
            last,
        })
    });
    let diag = Diag { step: &d, other };
    let charts = CHARTS
        .iter()
        .filter_map(|c| match c.build {
            Build::Diag(f) => Some(f(s, &diag)),
            _ => None,
        })
        .collect();
    DiagView {
        run: s.run().number,
        step: d.step,
        charts,
        path: embedding::path_view(s),
    }
}

/// The on-request chart `id`, as the page asked for it (none if `id` is not one).
pub fn requested(s: &Session, id: ChartId) -> Vec<ChartView> {
    CHARTS
        .iter()
        .filter(|c| c.id == id)
        .filter_map(|c| match c.build {
            Build::OnRequest(f) => Some(f(s)),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_chart_is_defined_once_in_the_pages_order() {
        let ids: Vec<ChartId> = CHARTS.iter().map(|c| c.id).collect();
        assert_eq!(ids, ChartId::ALL);
    }
}
