//! A typed name's score: each character's probability under the model (the boundary at the end
//! counts), against a uniform guess; before a name is scored, what to do.

use super::parts::view;
use super::tools::{Control, Tools};
use crate::charts::{BarsSpec, ChartId, ChartSpec};
use crate::format;
use crate::session::protocol::ChartView;
use crate::session::Session;

pub const CAPTION: &str = "Score a name";

/// A name to score (a form: Enter scores it), Score it, and a name no one has.
pub const TOOLS: Tools = Tools {
    form: Some("score-form"),
    controls: &[
        Control::Field {
            id: "score-name",
            label: "a name",
            value: "emma",
            size: 14,
            decimal: false,
        },
        Control::Button {
            id: "score",
            label: "Score it",
            title: "",
            submit: true,
            value: "",
        },
        Control::Button {
            id: "score-jumble",
            label: "try “xqzjv”",
            title: "a name no one has",
            submit: true,
            value: "xqzjv",
        },
    ],
    under: false,
};

/// The run's last scored name, or what to do.
pub fn chart(s: &Session) -> ChartView {
    let Some((name, score)) = s.run().sampling().scored() else {
        return view(
            ChartId::Score,
            CAPTION,
            ChartSpec::Bars(BarsSpec::default()),
            vec![
                "type a name and press Score it: each character's probability, against a uniform guess"
                    .into(),
            ],
        );
    };
    let v = s.data().vocab.size();
    let uniform = (v as f32).ln();
    let mut lines = vec![format!(
        "“{name}”: total -log p {}, mean {} per character; a uniform guess gives {} per character",
        format::nats(score.total),
        format::nats(score.mean),
        format::nats(uniform)
    )];
    lines.push(
        score
            .chars
            .iter()
            .map(|c| format!("{} {}", c.ch, format::prob_brief(c.prob)))
            .collect::<Vec<_>>()
            .join(" · "),
    );
    let spec = ChartSpec::Bars(BarsSpec {
        title: String::new(),
        x_label: "character".into(),
        y_label: "probability".into(),
        labels: score.chars.iter().map(|c| c.ch.to_string()).collect(),
        values: score.chars.iter().map(|c| c.prob).collect(),
        highlight: None,
        reference: Some((1.0 / v as f32, format!("uniform 1/{v}"))),
        sort_desc: false,
        max_labels: 0,
    });
    view(ChartId::Score, format!("{CAPTION}: {name}"), spec, lines)
}
