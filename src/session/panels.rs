//! What a teacher can hide from the students, and how the page names it: the page's panels (by
//! element id, each with the plain name the "Hide panels" list shows) and its charts (by chart
//! id, named by their caption in the chart table), and the one "student view" preset. A link's
//! `hide=` holds these ids (`link.rs`); the page asks the wasm for this list (`web::draw`).

use super::views::{Build, CHARTS};
use crate::charts::ChartId;
use crate::named::named_enum;
use serde::Serialize;

named_enum! {
    /// A panel of the page a teacher can hide, in the page's order: its name is its element id.
    pub enum Panel {
        Upload = "upload",
        Custom = "custom",
        Chapters = "chapters",
        Sampling = "sampling",
        Controls = "controls",
        Runs = "runs",
        Questions = "questions",
    }
}

impl Panel {
    /// What a teacher calls it (the "Hide panels" list; the page's module only, so the training
    /// builds, which read links, do not carry these words).
    pub fn plain(self) -> &'static str {
        match self {
            Panel::Upload => "the upload button (another names file)",
            Panel::Custom => "custom settings (every knob of a run)",
            Panel::Chapters => "the chapter list and its break-it experiments",
            Panel::Sampling => "sampling names and scoring a name",
            Panel::Controls => "the training buttons (train, pause, step, reset)",
            Panel::Runs => "the table of earlier runs",
            Panel::Questions => "the questions asked before a run",
        }
    }
}

/// The panels the student view hides: a student opens no other file, changes no knob and needs
/// no table of the teacher's earlier runs.
pub const STUDENT_HIDES: &[Panel] = &[Panel::Upload, Panel::Custom, Panel::Runs];

/// The charts the student view keeps whatever the chapter: the sampling panel's own (it stays).
pub const STUDENT_KEEPS: &[ChartId] = &[ChartId::Sampler, ChartId::Score];

/// One thing the "Hide panels" list offers: its id in a link, its plain name, and whether it is a
/// chart (the page lists the panels first, then the charts).
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Hideable {
    pub id: &'static str,
    pub name: &'static str,
    pub chart: bool,
}

/// The lesson's charts a link may hide: every row of the chart table but the backprop sheet's
/// (it lives on a page of its own, `#sheet`).
fn charts() -> impl Iterator<Item = (ChartId, &'static str)> {
    CHARTS
        .iter()
        .filter(|c| !matches!(c.build, Build::Sheet) && lesson_chart(c.id))
        .map(|c| (c.id, c.caption))
}

/// Whether chart `c` belongs to the lesson (the backprop sheet's lives on a page of its own).
fn lesson_chart(c: ChartId) -> bool {
    c != ChartId::Sheet
}

/// Everything a teacher can hide, in the page's order, with its plain name: the panels, then
/// the charts (named by their caption).
pub fn hideable() -> Vec<Hideable> {
    let panels = Panel::ALL.iter().map(|&p| Hideable {
        id: p.name(),
        name: p.plain(),
        chart: false,
    });
    let charts = charts().map(|(id, caption)| Hideable {
        id: id.name(),
        name: caption,
        chart: true,
    });
    panels.chain(charts).collect()
}

/// Whether `id` names a panel or a chart a link may hide.
pub fn is_hideable(id: &str) -> bool {
    Panel::NAMES.contains(&id) || ChartId::NAMES.contains(&id) && id != ChartId::Sheet.name()
}

/// `hidden` in the page's order (the panels, then the charts), each once, without what cannot be
/// hidden.
pub fn in_order<S: AsRef<str>>(hidden: &[S]) -> Vec<&'static str> {
    let chosen = |id: &str| is_hideable(id) && hidden.iter().any(|x| x.as_ref() == id);
    Panel::NAMES
        .iter()
        .chain(ChartId::NAMES)
        .copied()
        .filter(|id| chosen(id))
        .collect()
}

/// The student view for a run whose key charts are `keys`: the teacher's panels
/// (`STUDENT_HIDES`) and every chart the chapter does not use, but the sampling panel's.
pub fn student_view(keys: &[ChartId]) -> Vec<&'static str> {
    let panels = STUDENT_HIDES.iter().map(|p| p.name());
    let charts = charts()
        .map(|(id, _)| id)
        .filter(|id| !keys.contains(id) && !STUDENT_KEEPS.contains(id))
        .map(ChartId::name);
    in_order(&panels.chain(charts).collect::<Vec<_>>())
}
