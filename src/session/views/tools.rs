//! The controls a chart's figure holds above its canvas (the step-through sampler's buttons, the
//! name to score, the loss chart's comparison and zoom): their ids, words and starting values, written once here and made into the
//! figure by the page (www/js/charts.js) from the chart table.

use serde::Serialize;

/// A row of controls in a chart's figure.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Tools {
    /// The row is a form with this id (Enter in its field submits it), or a plain row (`None`).
    pub form: Option<&'static str>,
    pub controls: &'static [Control],
    /// The row sits under the canvas rather than above it (the loss chart's: a key chart's
    /// canvas keeps its place on a crowded first screen, the row right under its curve).
    pub under: bool,
}

/// One control of a tool row.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Control {
    /// A button; `submit` submits the row's form; `value` is what it puts in the row's field
    /// before it acts (empty: nothing); `title` its tooltip (empty: none).
    Button {
        id: &'static str,
        label: &'static str,
        title: &'static str,
        submit: bool,
        value: &'static str,
    },
    /// A text field with its label; `decimal`: a number is typed (the keyboard's decimal pad).
    Field {
        id: &'static str,
        label: &'static str,
        value: &'static str,
        size: u32,
        decimal: bool,
    },
    /// A list to choose from with its label; the page fills its options.
    Select {
        id: &'static str,
        label: &'static str,
    },
    /// A checkbox with its label (unticked at start).
    Check {
        id: &'static str,
        label: &'static str,
    },
    /// Where the row's messages show (a live region).
    Status { id: &'static str },
}

/// A button of a tool row that only acts.
pub const fn button(id: &'static str, label: &'static str) -> Control {
    Control::Button {
        id,
        label,
        title: "",
        submit: false,
        value: "",
    }
}
