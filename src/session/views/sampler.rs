//! The step-through sampler: the softmax over the whole vocabulary for the last context, the
//! chosen character marked, and the name so far with its running -log p.

use super::parts::view;
use super::tools::{button, Control, Tools};
use crate::charts::{BarsSpec, ChartId, ChartSpec};
use crate::format;
use crate::session::protocol::ChartView;
use crate::session::Session;

pub const CAPTION: &str = "Step-through sampler: the next character's probabilities";

/// New name, Next character, Finish, the temperature, and where its refusals show.
pub const TOOLS: Tools = Tools {
    form: None,
    controls: &[
        button("sampler-new", "New name"),
        button("sampler-next", "Next character"),
        button("sampler-finish", "Finish"),
        Control::Field {
            id: "sampler-t",
            label: "temperature",
            value: "1.0",
            size: 4,
            decimal: true,
        },
        Control::Status { id: "sampler-msg" },
    ],
    under: false,
};

pub fn chart(s: &Session) -> ChartView {
    let caption = CAPTION;
    let v = s.data().vocab.size();
    let uniform = (v as f32).ln();
    let Some(st) = s.run().sampling().stepper() else {
        let spec = ChartSpec::Bars(BarsSpec::default());
        return view(
            ChartId::Sampler,
            caption,
            spec,
            vec!["press New name, then Next character".into()],
        );
    };
    let itos = &s.data().vocab.itos;
    let show = |ctx: &[u32]| {
        ctx.iter()
            .map(|&i| itos[i as usize].to_string())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut lines = Vec::new();
    let spec = match &st.last {
        Some(p) => {
            lines.push(format!(
                "context [{}] → '{}' with p = {} (-ln p = {}); at temperature {}",
                show(&p.context),
                itos[p.index],
                format::prob(p.prob),
                format::nats(-(p.prob as f64).ln()),
                format::exact(st.temperature)
            ));
            ChartSpec::Bars(BarsSpec {
                title: String::new(),
                x_label: "next character".into(),
                y_label: "probability".into(),
                labels: itos.iter().map(|c| c.to_string()).collect(),
                values: p.probs.clone(),
                highlight: Some(p.index),
                reference: Some((1.0 / v as f32, format!("uniform 1/{v}"))),
                sort_desc: true,
                max_labels: 20,
            })
        }
        None => {
            lines.push(format!(
                "context [{}]: press Next character",
                show(&st.context)
            ));
            ChartSpec::Bars(BarsSpec::default())
        }
    };
    lines.push(format!(
        "name so far: {}{}; {} characters drawn, -log p summed {} (mean {} per character; a uniform guess: {})",
        st.name,
        if st.done { " (done)" } else { "…" },
        st.steps,
        format::nats(st.nll_sum),
        format::nats(if st.steps > 0 { st.mean_nll() } else { 0.0 }),
        format::nats(uniform)
    ));
    view(ChartId::Sampler, caption, spec, lines)
}
