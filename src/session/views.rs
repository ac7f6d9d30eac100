//! What the page shows, made from the session's numbers: the header's data text, the run's
//! description, the status of training, and every chart as a spec with its caption and text
//! twin. The page only places these; every word and figure is written here.

use super::protocol::{
    ChartView, DataView, DiagView, ExperimentInfo, Level, Notice, ProgressView, RunRow, RunView,
};
use super::{words, RunRecord, Session, Setup, StepDiag, Stopped, HIST_BINS, PREVIEW_NAMES};
use crate::charts::ChartId;
use crate::charts::{
    BarsSpec, ChartSpec, EmbeddingSpec, HistSeriesSpec, HistogramSpec, LossSpec, LrFinderSpec,
    SaturationSpec, SeriesSpec, UpdateRatioSpec,
};
use crate::diagnostics::{self, Histogram, LayerDiag, Projection, Stats, LR_SMOOTH_WINDOW};
use crate::format;
use crate::lesson::{self, ChapterId, Experiment, Facts};
use crate::train::Schedule;

/// Earlier runs drawn faded behind the loss curve.
pub const LOSS_CHART_EARLIER: usize = 3;
/// Fan-out of the Kaiming demo's weight matrix (the notebook's 200).
pub const KAIMING_FAN_OUT: usize = 200;
/// Batch of the Kaiming demo's input.
pub const KAIMING_BATCH: usize = 32;

pub fn data_view(s: &Session) -> DataView {
    let d = s.data();
    DataView {
        source: s.source().to_string(),
        names: format::count(d.n_names()),
        vocab_size: d.vocab.size().to_string(),
        vocab: vocab_text(&d.vocab.itos),
        train: format::count(d.train.len()),
        val: format::count(d.val.len()),
        preview: s
            .words()
            .iter()
            .take(PREVIEW_NAMES)
            .cloned()
            .collect::<Vec<_>>()
            .join(", "),
        detail: format!(
            "{} names for training, {} for validation (90/10); context of {} characters",
            format::count(d.train_words.len()),
            format::count(d.val_words.len()),
            d.train.block_size
        ),
    }
}

/// Characters of the vocabulary shown in the header: the rest are counted, not listed (a list of
/// Chinese names has thousands).
pub const VOCAB_SHOWN: usize = 120;

/// The vocabulary as the header shows it: every character, or the first `VOCAB_SHOWN` and how
/// many more.
fn vocab_text(itos: &[char]) -> String {
    let shown: String = itos.iter().take(VOCAB_SHOWN).collect();
    if itos.len() > VOCAB_SHOWN {
        format!(
            "{shown} … and {} more",
            format::count(itos.len() - VOCAB_SHOWN)
        )
    } else {
        shown
    }
}

/// "32,033 names, vocabulary 27": the upload's confirmation.
pub fn data_line(s: &Session) -> String {
    let d = s.data();
    format!(
        "{} names, vocabulary {}",
        format::count(d.n_names()),
        d.vocab.size()
    )
}

/// A break-it experiment on `chapter` as the page lists it, its sentences with `facts`.
pub fn experiment_info(chapter: ChapterId, e: &Experiment, facts: &Facts) -> ExperimentInfo {
    ExperimentInfo {
        name: e.id.name().into(),
        title: e.title.into(),
        chapter: chapter.name().into(),
        change: e.change.into(),
        symptom: (e.symptom)(facts),
        chart: e.chart,
        fix: e.fix.chapter().title.into(),
        fix_how: e.fix_how.into(),
    }
}

/// Every break-it experiment, in the lesson's order (its sentences with each chapter's facts).
pub fn experiment_list() -> Vec<ExperimentInfo> {
    lesson::experiments()
        .iter()
        .map(|(c, e)| experiment_info(*c, e, &c.chapter().facts()))
        .collect()
}

/// The runs table: every earlier run kept, then the current one.
pub fn run_rows(s: &Session) -> Vec<RunRow> {
    let current = s.record(2);
    s.earlier_runs()
        .iter()
        .chain(std::iter::once(&current))
        .filter(|r| r.steps > 0 || r.run == current.run)
        .map(run_row)
        .collect()
}

fn run_row(r: &RunRecord) -> RunRow {
    let secs = r.train_ms / 1000.0;
    RunRow {
        run: r.run,
        setup: r.setup.clone(),
        seed: r.seed.to_string(),
        params: format::count(r.params),
        first_loss: match r.first_loss {
            Some(l) => format!(
                "{} (uniform {})",
                format::plain(l),
                format::plain(r.uniform)
            ),
            None => "–".into(),
        },
        at_init: match r.at_init {
            Some((frac, dead, cols)) => {
                format!("{} saturated, {dead} of {cols} dead", format::pct(frac))
            }
            None => "–".into(),
        },
        steps: format::count(r.steps),
        train_val: match r.last_eval {
            Some(e) => format!(
                "{} / {} (step {})",
                format::loss(e.train),
                format::loss(e.val),
                format::count(e.step)
            ),
            None => "–".into(),
        },
        time: if secs > 0.0 {
            format::duration(secs)
        } else {
            "–".into()
        },
        speed: if secs > 0.0 {
            format!(
                "{} it/s",
                format::count((r.steps as f64 / secs).round() as usize)
            )
        } else {
            "–".into()
        },
    }
}

pub fn run_view(s: &Session) -> RunView {
    let st = s.settings();
    let chapter = s.chapter().chapter();
    let facts = Facts::of(&st.model_config(s.data().vocab.size()));
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
        charts: vec![kaiming_chart(s), sampler_chart(s), score_prompt()],
    }
}

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
            format!("{} it/s", format::count(itps.round() as usize))
        } else {
            String::new()
        },
        eta_text: match eval {
            Some(f) => format!("evaluating the full splits… {}%", (f * 100.0).round()),
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

/// The charts that follow every step: the loss, the update ratios, and the LR finder.
pub fn step_charts(s: &Session) -> Vec<ChartView> {
    vec![loss_chart(s), ratio_chart(s), lr_chart(s)]
}

/// The charts of the last step's numbers.
pub fn diag_view(s: &mut Session) -> DiagView {
    let d = s.step_diag();
    // The compared run's first and last steps, drawn (the last) and written (both) with this
    // run's.
    let other = s
        .compare()
        .and_then(|r| r.last.clone().map(|d| (r.run, r.init.clone(), d)));
    let other = other.as_ref().map(|(r, i, d)| Compared {
        run: *r,
        init: i.as_ref(),
        last: d,
    });
    let charts = vec![
        super::path_view::embedding_chart(s),
        preact_chart(s, &d, other),
        map_chart(s, &d, other),
        layers_chart(&d, true, other),
        layers_chart(&d, false, other),
        weight_grads_chart(s, d.step),
        running_chart(s, d.step),
    ];
    DiagView {
        run: s.run().number,
        step: d.step,
        charts,
        path: super::path_view::path_view(s),
    }
}

fn view(id: ChartId, caption: impl Into<String>, spec: ChartSpec, lines: Vec<String>) -> ChartView {
    ChartView {
        id,
        caption: caption.into(),
        spec,
        lines,
    }
}

fn smooth_window(points: usize) -> usize {
    (points / 40).clamp(5, 1000)
}

fn mean_of_last(values: &[f32], k: usize) -> f32 {
    let tail = &values[values.len().saturating_sub(k)..];
    let finite: Vec<f32> = tail.iter().copied().filter(|v| v.is_finite()).collect();
    if finite.is_empty() {
        f32::NAN
    } else {
        finite.iter().sum::<f32>() / finite.len() as f32
    }
}

pub fn loss_chart(s: &Session) -> ChartView {
    let h = s.run().history();
    let series = h.loss_series();
    // The last few runs, and the compared one if it is older.
    let mut earlier: Vec<&RunRecord> = s
        .earlier_runs()
        .iter()
        .rev()
        .take(LOSS_CHART_EARLIER)
        .rev()
        .collect();
    if let Some(c) = s.compare() {
        if !earlier.iter().any(|r| r.run == c.run) {
            earlier.insert(0, c);
        }
    }
    let every = series.every();
    let losses = series.points();
    let window = smooth_window(losses.len());
    let evals = s.run().evals();
    let mut lines = Vec::new();
    if let (Some(&last), Some(first)) = (losses.last(), h.first_loss) {
        let steps = h.steps();
        let last_text = match h.newest() {
            Some(r) => format!("mini-batch loss {}", format::loss(r.loss)),
            None if every == 1 => format!("mini-batch loss {}", format::loss(last)),
            None => format!("mean loss of the last point {}", format::loss(last)),
        };
        lines.push(format!(
            "step {}: {last_text}, mean of the last {} steps: {}",
            format::count(steps),
            format::count((window * every).min(steps)),
            format::loss(mean_of_last(&losses, window))
        ));
        lines.push(format!(
            "first loss {} (a uniform guess over {} characters gives {})",
            format::loss(first),
            s.data().vocab.size(),
            format::loss(s.run().uniform_loss())
        ));
    } else {
        lines.push("no steps yet: press Train or Step".into());
    }
    for e in evals {
        lines.push(format!(
            "full splits at step {}: train {}, val {}",
            format::count(e.step),
            format::loss(e.train),
            format::loss(e.val)
        ));
    }
    if let Some((e, tm)) = evals
        .last()
        .and_then(|e| e.val_train_mode.map(|tm| (e, tm)))
    {
        lines.push(format!(
            "val split at step {}: train mode (batch statistics, batches of {}): {}, eval mode (running statistics): {}",
            format::count(e.step),
            s.run().trainer.train.batch_size,
            format::loss(tm),
            format::loss(e.val)
        ));
    }
    if !earlier.is_empty() {
        let labels: Vec<&str> = earlier.iter().map(|r| r.label.as_str()).collect();
        lines.push(format!("earlier runs (faded): {}", labels.join("; ")));
    }
    let spec = LossSpec {
        title: String::new(),
        label: format!("run {}", s.run().number),
        losses,
        every,
        smooth_window: window,
        train_points: evals.iter().map(|e| (e.step, e.train)).collect(),
        val_points: evals.iter().map(|e| (e.step, e.val)).collect(),
        earlier_runs: earlier
            .iter()
            .map(|r| SeriesSpec {
                label: r.label.clone(),
                values: r.loss.points(),
                every: r.loss.every(),
            })
            .collect(),
    };
    view(
        ChartId::Loss,
        "Loss: mini-batch (log10), smoothed, and full train/val splits",
        ChartSpec::Loss(spec),
        lines,
    )
}

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

pub fn lr_chart(s: &Session) -> ChartView {
    let caption = "Learning-rate finder";
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
    if let Some((step, lr, loss)) = suggestion {
        lines.push(format!(
            "suggested learning rate {} (10^{:.2}): lowest smoothed loss {} at step {}",
            format::lr(lr),
            lr.log10(),
            format::loss(loss),
            format::count(step)
        ));
    }
    let spec = LrFinderSpec {
        title: String::new(),
        exponents: lrs.iter().map(|x| x.log10()).collect(),
        losses,
        smooth_window: LR_SMOOTH_WINDOW,
        suggested_exponent: suggestion.map(|(_, lr, _)| lr.log10()),
    };
    view(ChartId::Lr, caption, ChartSpec::LrFinder(spec), lines)
}

pub fn ratio_chart(s: &Session) -> ChartView {
    let (points, every) = s.run().history().ratio_points();
    let labels = s.run().ratio_labels();
    let tail = 5;
    let now: Vec<String> = labels
        .iter()
        .zip(&points)
        .map(|(label, v)| {
            let m = mean_of_last(v, tail);
            if m.is_finite() {
                format!("{label}: 10^{m:.2}")
            } else {
                format!("{label}: –")
            }
        })
        .collect();
    let lines = vec![
        format!(
            "log10(std(lr x grad) / std(weight)), every {} steps; the flat line is 1e-3, the lecture's guide",
            super::RATIO_EVERY
        ),
        now.join(" · "),
    ];
    let spec = UpdateRatioSpec {
        title: String::new(),
        // C, then each Linear's weight: key j is the j-th Linear (see `Pick::Layer`).
        layers: (0..labels.len()).collect(),
        series: labels
            .iter()
            .zip(points)
            .map(|(label, values)| SeriesSpec {
                label: label.clone(),
                values,
                every,
            })
            .collect(),
    };
    view(
        ChartId::Ratios,
        "Update:data ratio per weight",
        ChartSpec::UpdateRatios(spec),
        lines,
    )
}

fn hist_series(label: &str, h: &Histogram) -> HistSeriesSpec {
    HistSeriesSpec {
        label: label.to_string(),
        lo: h.lo,
        hi: h.hi,
        values: h.density.clone(),
    }
}

fn hist_spec(title: &str, x_label: &str, bars: bool, series: Vec<HistSeriesSpec>) -> HistogramSpec {
    HistogramSpec {
        title: title.to_string(),
        x_label: x_label.to_string(),
        y_label: "density".into(),
        series,
        bars,
        layers: Vec::new(),
    }
}

fn stats_line(what: &str, s: &Stats, threshold: f32) -> String {
    format!(
        "{what}: mean {}, std {}, |x| > {threshold}: {}",
        format::signed(s.mean),
        format::plain(s.std),
        format::pct(s.saturated)
    )
}

/// The notebook's legend line for a Tanh layer's activations:
/// "layer 2 (Tanh): mean +0.00, std 0.63, saturated 3.2%".
pub fn act_line(d: &LayerDiag) -> String {
    format!(
        "layer {} ({}): mean {}, std {}, saturated {}",
        d.index,
        d.kind,
        format::signed(d.act.mean),
        format::plain(d.act.std),
        format::pct(d.act.saturated)
    )
}

/// The notebook's legend line for a layer's output gradient:
/// "layer 2 (Tanh): mean +1.2e-5, std 4.1e-3".
pub fn grad_line(d: &LayerDiag) -> String {
    format!(
        "layer {} ({}): mean {:+.1e}, std {:.1e}",
        d.index, d.kind, d.grad.mean, d.grad.std
    )
}

const AFTER_FIRST_STEP: &str = "after the first step";

/// An earlier run and its diagnostics at its first and last steps, beside the current run's.
#[derive(Clone, Copy)]
struct Compared<'a> {
    run: u32,
    init: Option<&'a StepDiag>,
    last: &'a StepDiag,
}

type Other<'a> = Option<Compared<'a>>;

fn preact_chart(s: &Session, d: &StepDiag, other: Other) -> ChartView {
    let caption = "First hidden layer: pre-activations and tanh activations (last batch)";
    let th = s.settings().saturation_threshold;
    let Some(f) = &d.first else {
        let spec = ChartSpec::HistogramPair {
            left: hist_spec("pre-activations hpreact", "", true, vec![]),
            right: hist_spec("activations h", "", true, vec![]),
        };
        return view(
            ChartId::Preact,
            caption,
            spec,
            vec![AFTER_FIRST_STEP.into()],
        );
    };
    let l = &f.layer;
    let mut left = vec![hist_series("", &l.preact_hist)];
    let mut right = vec![hist_series("", &l.act_hist)];
    let mut lines = vec![
        format!("step {}", format::count(d.step)),
        stats_line("pre-activation", &l.preact, th),
        stats_line("activation h", &l.act, th),
    ];
    if let Some(c) = other {
        if let Some(f) = c.init.and_then(|d| d.first.as_ref()) {
            lines.push(format!(
                "run {} at its first step: {}; {}",
                c.run,
                stats_line("pre-activation", &f.layer.preact, th),
                stats_line("activation h", &f.layer.act, th)
            ));
        }
    }
    if let Some((run, o)) = other.and_then(|c| c.last.first.as_ref().map(|f| (c.run, f))) {
        let (this, that) = (format!("run {}", s.run().number), format!("run {run}"));
        left = vec![
            hist_series(&this, &l.preact_hist),
            hist_series(&that, &o.layer.preact_hist),
        ];
        right = vec![
            hist_series(&this, &l.act_hist),
            hist_series(&that, &o.layer.act_hist),
        ];
        lines.push(format!(
            "compared with run {run} at its last step: {}; {}",
            stats_line("pre-activation", &o.layer.preact, th),
            stats_line("activation h", &o.layer.act, th)
        ));
    }
    let spec = ChartSpec::HistogramPair {
        left: hist_spec("pre-activations hpreact", "hpreact", true, left),
        right: hist_spec("activations h = tanh(hpreact)", "h", true, right),
    };
    view(ChartId::Preact, caption, spec, lines)
}

fn map_chart(s: &Session, d: &StepDiag, other: Other) -> ChartView {
    let caption = "Saturation map: batch x neurons";
    let th = s.settings().saturation_threshold;
    let Some(f) = &d.first else {
        let spec = ChartSpec::Saturation(SaturationSpec {
            title: "saturation map".into(),
            ..SaturationSpec::default()
        });
        return view(ChartId::Map, caption, spec, vec![AFTER_FIRST_STEP.into()]);
    };
    let m = &f.layer.map;
    let cols = m.cols;
    let mut lines = vec![format!(
        "|h| > {th}: {} of {} x {} values; dead neurons (saturated for the whole batch): {} of {}",
        format::pct(m.fraction),
        f.batch,
        cols,
        m.dead,
        cols
    )];
    if f.rows < f.batch {
        lines.push(format!(
            "the map shows the first {} of {} examples",
            f.rows, f.batch
        ));
    }
    if let Some(c) = other {
        if let Some(f) = c.init.and_then(|d| d.first.as_ref()) {
            lines.push(format!(
                "run {} at its first step: {} saturated, {} of {} neurons dead",
                c.run,
                format::pct(f.layer.map.fraction),
                f.layer.map.dead,
                f.layer.map.cols
            ));
        }
    }
    if let Some((run, o)) = other.and_then(|c| c.last.first.as_ref().map(|f| (c.run, f))) {
        lines.push(format!(
            "run {run} at its last step: {} saturated, {} of {} neurons dead",
            format::pct(o.layer.map.fraction),
            o.layer.map.dead,
            o.layer.map.cols
        ));
    }
    let spec = ChartSpec::Saturation(SaturationSpec {
        title: format!(
            "|h| > {th} in white: {} dead neuron{}",
            m.dead,
            if m.dead == 1 { "" } else { "s" }
        ),
        x_label: "neuron".into(),
        y_label: "example".into(),
        rows: m.rows,
        cols,
        values: m.cells.iter().map(|&c| c as u8).collect(),
        contexts: f.contexts.clone(),
        batch: f.batch,
    });
    view(ChartId::Map, caption, spec, lines)
}

fn layers_chart(d: &StepDiag, acts: bool, other: Other) -> ChartView {
    let kind = d.layers.first().map_or("Tanh", |l| l.kind);
    let (id, caption, title, x_label) = if acts {
        (
            ChartId::Acts,
            format!("Activations of every {kind} layer"),
            format!("activation distribution ({kind} layers)"),
            "activation",
        )
    } else {
        (
            ChartId::Grads,
            format!("Gradients of every {kind} layer's output"),
            format!("gradient distribution ({kind} layers)"),
            "gradient",
        )
    };
    if d.layers.is_empty() {
        let spec = ChartSpec::Histograms(hist_spec(&title, "", true, vec![]));
        return view(id, caption, spec, vec![AFTER_FIRST_STEP.into()]);
    }
    let line = |l: &LayerDiag| if acts { act_line(l) } else { grad_line(l) };
    let hist = |l: &'_ LayerDiag| {
        if acts {
            l.act_hist.clone()
        } else {
            l.grad_hist.clone()
        }
    };
    let mut lines: Vec<String> = d.layers.iter().map(line).collect();
    // The k-th activation layer follows the k-th Linear: key k + 1 (see `Pick::Layer`).
    let mut layers: Vec<usize> = (1..=d.layers.len()).collect();
    let mut series: Vec<HistSeriesSpec> = d
        .layers
        .iter()
        .zip(&lines)
        .map(|(l, text)| hist_series(text, &hist(l)))
        .collect();
    if let Some(c) = other {
        let run = c.run;
        for (k, l) in c.last.layers.iter().enumerate() {
            let text = format!("run {run}: {}", line(l));
            series.push(hist_series(&text, &hist(l)));
            lines.push(text);
            layers.push(k + 1);
        }
    }
    let spec = ChartSpec::Histograms(HistogramSpec {
        layers,
        ..hist_spec("", x_label, false, series)
    });
    view(id, caption, spec, lines)
}

/// The live embedding in the coordinates of `proj` (`path_view::embedding_chart` makes it, from
/// the live table, and uses it for the path's snapshots too).
pub(super) fn embedding_chart(s: &Session, proj: &Projection) -> ChartView {
    let c = &s.run().trainer.model.emb.weight;
    let n_embd = c.shape[1];
    let (points, pca) = (proj.project(&c.data), proj.is_pca());
    let chars = s.data().vocab.itos.clone();
    let (caption, x_label, y_label) = if pca {
        (
            format!(
                "Character embedding C: the first two principal components of n_embd = {n_embd}"
            ),
            "PC1",
            "PC2",
        )
    } else {
        (
            format!("Character embedding C (n_embd = {n_embd})"),
            "C[:, 0]",
            "C[:, 1]",
        )
    };
    let line = chars
        .iter()
        .zip(&points)
        .map(|(ch, p)| format!("{ch} ({:.2}, {:.2})", p[0], p[1]))
        .collect::<Vec<_>>()
        .join("  ");
    let spec = ChartSpec::Embedding(EmbeddingSpec {
        title: String::new(),
        x_label: x_label.into(),
        y_label: y_label.into(),
        chars,
        xs: points.iter().map(|p| p[0]).collect(),
        ys: points.iter().map(|p| p[1]).collect(),
        counts: s.data().vocab.counts(s.words()),
        path: None,
    });
    view(ChartId::Embedding, caption, spec, vec![line])
}

fn kaiming_chart(s: &Session) -> ChartView {
    let st = s.settings();
    let fan_in = st.block_size * st.n_embd;
    let k = diagnostics::kaiming_demo(st.seed, KAIMING_BATCH, fan_in, KAIMING_FAN_OUT, HIST_BINS);
    let line = |what: &str, st: &Stats| {
        format!(
            "{what}: std {:.2}, mean {}",
            st.std,
            format::signed(st.mean)
        )
    };
    let (lx, ly) = (line("x", &k.x), line("y = x @ w", &k.y));
    let (sx, sy) = (
        line("x", &k.x_scaled),
        line(&format!("y = x @ (w / sqrt({fan_in}))"), &k.y_scaled),
    );
    let spec = ChartSpec::HistogramPair {
        left: hist_spec(
            "w ~ randn: the spread grows",
            "value",
            false,
            vec![hist_series(&lx, &k.x_hist), hist_series(&ly, &k.y_hist)],
        ),
        right: hist_spec(
            &format!("w ~ randn / sqrt({fan_in}): the spread stays"),
            "value",
            false,
            vec![
                hist_series(&sx, &k.x_scaled_hist),
                hist_series(&sy, &k.y_scaled_hist),
            ],
        ),
    };
    let lines = vec![
        format!(
            "x ~ randn({KAIMING_BATCH}, {fan_in}), w ~ randn(fan_in, {KAIMING_FAN_OUT}), fan_in = block_size x n_embd = {} x {}",
            st.block_size, st.n_embd
        ),
        format!("{lx} → {ly}"),
        format!("{sx} → {sy}"),
    ];
    view(
        ChartId::Kaiming,
        "Why Kaiming init: y = x @ w with and without the 1/sqrt(fan_in) factor",
        spec,
        lines,
    )
}

/// The step-through sampler: the softmax over the whole vocabulary for the last context, the
/// chosen character marked, and the name so far with its running -log p.
pub fn sampler_chart(s: &Session) -> ChartView {
    let caption = "Step-through sampler: the next character's probabilities";
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
                "context [{}] → '{}' with p = {:.4} (-ln p = {:.3}); at temperature {}",
                show(&p.context),
                itos[p.index],
                p.prob,
                -(p.prob as f64).ln(),
                st.temperature
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
        "name so far: {}{}; {} characters drawn, -log p summed {:.3} (mean {:.3} per character; a uniform guess: {:.3})",
        st.name,
        if st.done { " (done)" } else { "…" },
        st.steps,
        st.nll_sum,
        if st.steps > 0 { st.mean_nll() } else { 0.0 },
        uniform
    ));
    view(ChartId::Sampler, caption, spec, lines)
}

/// The score chart before a name is scored: what to do.
fn score_prompt() -> ChartView {
    view(
        ChartId::Score,
        "Score a name",
        ChartSpec::Bars(BarsSpec::default()),
        vec![
            "type a name and press Score it: each character's probability, against a uniform guess"
                .into(),
        ],
    )
}

/// A typed name's score: each character's probability under the model (the boundary at the
/// end counts), against a uniform guess.
pub fn score_chart(s: &Session, name: &str, score: &crate::sample::NameScore) -> ChartView {
    let v = s.data().vocab.size();
    let uniform = (v as f32).ln();
    let mut lines = vec![format!(
        "“{name}”: total -log p {:.3}, mean {:.3} per character; a uniform guess gives {:.3} per character",
        score.total, score.mean, uniform
    )];
    lines.push(
        score
            .chars
            .iter()
            .map(|c| format!("{} {:.3}", c.ch, c.prob))
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
    view(ChartId::Score, format!("Score a name: {name}"), spec, lines)
}

/// Every weight matrix's gradient, with the lecture's legend line.
fn weight_grads_chart(s: &Session, step: usize) -> ChartView {
    let caption = "Gradient of every weight matrix";
    if step == 0 {
        let spec = ChartSpec::Histograms(hist_spec("weight gradients", "", false, vec![]));
        return view(
            ChartId::WeightGrads,
            caption,
            spec,
            vec![AFTER_FIRST_STEP.into()],
        );
    }
    let w = diagnostics::weight_grads(&s.run().trainer.model, HIST_BINS);
    let lines: Vec<String> = w.iter().map(|g| g.legend()).collect();
    let series = w
        .iter()
        .map(|g| hist_series(&g.label(), &g.grad_hist))
        .collect();
    let spec = ChartSpec::Histograms(HistogramSpec {
        // C, then each Linear's weight, as in the ratio chart.
        layers: (0..w.len()).collect(),
        ..hist_spec("", "gradient", false, series)
    });
    view(ChartId::WeightGrads, caption, spec, lines)
}

/// BatchNorm's running mean and variance against the last batch's, for the first BatchNorm
/// layer (as histograms over its features), and a line per BatchNorm layer.
fn running_chart(s: &Session, step: usize) -> ChartView {
    let caption = "BatchNorm: running statistics against the batch's";
    let bns = diagnostics::batchnorm_running(&s.run().trainer.model);
    let Some(first) = bns.first().filter(|_| step > 0) else {
        let line = if bns.is_empty() {
            "this model has no BatchNorm"
        } else {
            AFTER_FIRST_STEP
        };
        let spec = ChartSpec::HistogramPair {
            left: hist_spec("means", "", false, vec![]),
            right: hist_spec("variances", "", false, vec![]),
        };
        return view(ChartId::Running, caption, spec, vec![line.into()]);
    };
    let h = |x: &[f32]| diagnostics::histogram(x, HIST_BINS);
    let spec = ChartSpec::HistogramPair {
        left: hist_spec(
            &format!("layer {}: means over features", first.index),
            "mean",
            false,
            vec![
                hist_series("batch", &h(&first.batch_mean)),
                hist_series("running", &h(&first.running_mean)),
            ],
        ),
        right: hist_spec(
            "variances over features",
            "variance",
            false,
            vec![
                hist_series("batch", &h(&first.batch_var)),
                hist_series("running", &h(&first.running_var)),
            ],
        ),
    };
    let gap = |a: &[f32], b: &[f32]| {
        a.iter()
            .zip(b)
            .map(|(x, y)| (x - y).abs())
            .fold(0.0f32, f32::max)
    };
    let lines = bns
        .iter()
        .map(|b| {
            format!(
                "layer {}: largest |running - batch|: mean {}, variance {}",
                b.index,
                format::plain(gap(&b.running_mean, &b.batch_mean)),
                format::plain(gap(&b.running_var, &b.batch_var))
            )
        })
        .collect();
    view(ChartId::Running, caption, spec, lines)
}
