//! Files to take home: the loss history, the runs table and the diagnostics as CSV (one header
//! line, then one row per record; text cells quoted when they hold a comma or a quote).

use super::protocol::ExportKind;
use super::{views, Session};
use crate::export::weights::{self, ExportMeta};

/// A CSV cell: quoted when it holds a comma, a quote or a line break.
fn cell(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn row<S: AsRef<str>>(cells: &[S]) -> String {
    let cells: Vec<String> = cells.iter().map(|c| cell(c.as_ref())).collect();
    cells.join(",") + "\n"
}

/// The file of `what`: (file name, MIME type, bytes).
pub fn export(s: &mut Session, what: ExportKind) -> (String, String, Vec<u8>) {
    let run = s.run().number;
    let (name, text) = match what {
        ExportKind::LossCsv => (format!("makemore-run{run}-loss.csv"), loss_csv(s)),
        ExportKind::RunsCsv => ("makemore-runs.csv".to_string(), runs_csv(s)),
        ExportKind::DiagnosticsCsv => (
            format!("makemore-run{run}-diagnostics.csv"),
            diagnostics_csv(s),
        ),
        ExportKind::Weights => {
            let t = &s.run().trainer;
            let meta = ExportMeta {
                steps: t.step,
                seed: t.train.seed,
            };
            let bytes = weights::to_safetensors(&t.model, &t.data.vocab, &meta);
            return (
                format!("makemore-run{run}-step{}.safetensors", t.step),
                "application/octet-stream".into(),
                bytes,
            );
        }
    };
    (name, "text/csv".into(), text.into_bytes())
}

/// `kind,step,steps,value,lr`: a row per point of the loss history (the mean mini-batch loss of
/// `steps` steps from `step`, and their mean learning rate), then the full-split losses.
pub fn loss_csv(s: &Session) -> String {
    let h = s.run().history();
    let mut loss = h.loss.clone();
    let mut lr = h.lr.clone();
    if let Some(p) = h.newest() {
        loss.push(p.loss);
        lr.push(p.lr);
    }
    let every = loss.every();
    let mut out = row(&["kind", "step", "steps", "value", "lr"]);
    for (i, (l, r)) in loss.points().iter().zip(lr.points()).enumerate() {
        let step = i * every;
        let n = every.min(loss.len() - step);
        out += &row(&[
            "minibatch".to_string(),
            step.to_string(),
            n.to_string(),
            l.to_string(),
            r.to_string(),
        ]);
    }
    for e in s.run().evals() {
        for (kind, v) in [("train", e.train), ("val", e.val)] {
            out += &row(&[
                kind.to_string(),
                e.step.to_string(),
                String::new(),
                v.to_string(),
                String::new(),
            ]);
        }
    }
    out
}

/// The runs table as the page shows it.
pub fn runs_csv(s: &Session) -> String {
    let mut out = row(&[
        "run",
        "setup",
        "seed",
        "params",
        "first loss",
        "at the first step",
        "steps",
        "train / val",
        "time",
        "speed",
        "guesses",
    ]);
    for r in views::run_rows(s) {
        out += &row(&[
            r.run.to_string(),
            r.setup,
            r.seed,
            r.params,
            r.first_loss,
            r.at_init,
            r.steps,
            r.train_val,
            r.time,
            r.speed,
            r.guesses,
        ]);
    }
    out
}

/// `layer,kind,act_mean,act_std,act_saturated,grad_mean,grad_std` for every hidden activation
/// layer of the last step, then `parameter,update_ratio_log10` for the latest update ratios, then
/// `parameter,moved,moved_relative,same_columns,same_rows` for how far every parameter tensor
/// moved from its start (exercise E01; `moved_relative` empty where ||p0|| is 0).
pub fn diagnostics_csv(s: &mut Session) -> String {
    let d = s.step_diag();
    let mut out = row(&[
        "layer",
        "kind",
        "act_mean",
        "act_std",
        "act_saturated",
        "grad_mean",
        "grad_std",
    ]);
    for l in &d.layers {
        out += &row(&[
            l.index.to_string(),
            l.kind.to_string(),
            l.act.mean.to_string(),
            l.act.std.to_string(),
            l.act.saturated.to_string(),
            l.grad.mean.to_string(),
            l.grad.std.to_string(),
        ]);
    }
    out += "\n";
    out += &row(&["parameter", "update_ratio_log10"]);
    let (points, _) = s.run().history().ratio_points();
    for (label, series) in s.run().ratio_labels().iter().zip(points) {
        let last = series.last().map_or(String::new(), |v| v.to_string());
        out += &row(&[label.clone(), last]);
    }
    out += "\n";
    out += &row(&[
        "parameter",
        "moved",
        "moved_relative",
        "same_columns",
        "same_rows",
    ]);
    for m in s.run().moved() {
        out += &row(&[
            m.name,
            m.dist.to_string(),
            m.rel.map_or(String::new(), |r| r.to_string()),
            m.same_columns.to_string(),
            m.same_rows.to_string(),
        ]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_with_commas_or_quotes_are_quoted() {
        assert_eq!(cell("a"), "a");
        assert_eq!(cell("a, b"), "\"a, b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(row(&["1", "x,y"]), "1,\"x,y\"\n");
    }
}
