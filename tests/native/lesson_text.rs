//! Every figure in a chapter's sentences, checked against the model's own computation: each
//! chapter's text and its break-it experiments' sentences are rendered for the default names'
//! vocabulary (27) and for a 34-character one, every number is parsed out of them, and each
//! must be one the run computes (the uniform loss as the loss of all-equal logits, fan_in from
//! the model, the Kaiming demo's spreads as its chart draws them, the thresholds from the
//! chapter's), or a setting of the chapter itself. The claims without figures that a chart can
//! judge (saturation, spreads at init) are checked on the model at init.

use makemore_lab::data::{Dataset, SPLIT_SEED};
use makemore_lab::diagnostics;
use makemore_lab::format;
use makemore_lab::lesson::{self, Chapter, ChapterId, ExperimentId, Facts, TANH_GAIN};
use makemore_lab::loss;
use makemore_lab::model::WeightInit;
use makemore_lab::session::{views, Session};
use makemore_lab::train::{Schedule, Trainer};

use crate::support;

const VOCABS: [usize; 2] = [27, 34];

/// Every number written in `text` ("3.30", "1,000", "1e-3", "1.0e-5"; "5/3" as 5 and 3).
fn numbers(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let digit = |i: usize| chars.get(i).is_some_and(char::is_ascii_digit);
    let mut out = Vec::new();
    let mut cur = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let goes_on = !cur.is_empty()
            && match c {
                '.' | ',' => digit(i + 1),
                'e' => digit(i + 1) || (chars.get(i + 1) == Some(&'-') && digit(i + 2)),
                '-' => chars[i - 1] == 'e' && digit(i + 1),
                _ => false,
            };
        if c.is_ascii_digit() || goes_on {
            cur.push(c);
        } else if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// The loss the model computes for all-equal logits over `v` characters: the uniform guess.
fn uniform_loss(v: usize) -> f32 {
    let logits = vec![0.0f32; 4 * v];
    loss::cross_entropy(&logits, &[0, 1, 2, 3], v, None)
}

/// The figures a chapter's sentences may state for a run with `facts`, each as the page writes
/// it, computed here from the model, the demo and the chapter's definition (not read from
/// `facts`, which is what is checked).
fn allowed(c: &Chapter, v: usize, facts: &Facts) -> Vec<String> {
    let fan_in = c.model.block_size * c.model.n_embd;
    let demo = lesson::kaiming_demo(c.train.seed, fan_in);
    let th = c.saturation_threshold;
    let slope = 1.0 - th * th;
    let mut a = vec![
        v.to_string(),
        format::plain(uniform_loss(v)),
        fan_in.to_string(),
        format::exact(th),
        format::plain(th.atanh()),
        format::at_most(slope),
        format::at_least_whole(1.0 / slope),
        format::plain((fan_in as f32).sqrt()),
        format::plain(demo.y.std),
        format::plain(demo.y_scaled.std),
        format::plain(TANH_GAIN),
        format::plain(TANH_GAIN / (fan_in as f32).sqrt()),
        // "5/3", "-ln(1/27)", "1 - h²", "1e-3" (the lecture's line), "He et al. 2015", "2-D",
        // "10-D" (the chapter's n_embd), "layer 1".
        "5".into(),
        "3".into(),
        "1".into(),
        "2".into(),
        "1e-3".into(),
        "2015".into(),
        c.model.n_embd.to_string(),
        format::exact(c.model.last_gamma),
        format::count(c.train.steps),
    ];
    if let Schedule::SweepThen { sweep_steps, .. } = c.train.schedule {
        a.push(format::count(c.train.steps - sweep_steps));
    }
    if let Schedule::StepDecay {
        initial, final_lr, ..
    } = c.train.schedule
    {
        a.push(format::whole(initial / final_lr));
        a.push(format::whole((initial / final_lr).log10()));
    }
    assert_eq!(facts.fan_in, fan_in);
    // The rates the chapters train at (the finder's text names the later chapters'), this
    // chapter's schedule, and its BatchNorm's momentum.
    for other in lesson::chapters() {
        a.push(format::exact(other.train.schedule.lr(0, other.train.steps)));
    }
    let last = c.train.steps - 1;
    a.push(format::exact(c.train.schedule.lr(last, c.train.steps)));
    if let Schedule::ExpSweep { min_exp, max_exp }
    | Schedule::SweepThen {
        min_exp, max_exp, ..
    } = c.train.schedule
    {
        a.push(format::exact(10f32.powf(min_exp)));
        a.push(format::exact(10f32.powf(max_exp)));
    }
    if let Some(bn) = c.model.batchnorm {
        a.push(format::exact(bn.momentum));
    }
    a
}

/// Every figure of `text` is one of `allowed`, or one the caller lists for this sentence.
fn check(what: &str, text: &str, allowed: &[String], extra: &[String]) {
    for n in numbers(text) {
        assert!(
            allowed.contains(&n) || extra.contains(&n),
            "{what}: the figure {n} is not computed from the run: {text}"
        );
    }
}

/// Renders chapter `id` and its experiments for both vocabularies, and once more with another
/// embedding width, seed and saturation threshold (so that a figure typed to match the default
/// run is caught), and checks every figure.
fn check_chapter(id: ChapterId, extra: &[String]) {
    let mut other = id.chapter();
    other.model.n_embd = 4;
    other.train.seed = 7;
    other.saturation_threshold = 0.9;
    let runs = VOCABS
        .iter()
        .map(|&v| (id.chapter(), v))
        .chain([(other, 31)]);
    for (c, v) in runs {
        let f = c.facts_for_vocab(v);
        assert_eq!(f.vocab_size, v);
        let ok = allowed(&c, v, &f);
        let text = c.plain_text(&f);
        check(&format!("{id} text, vocab {v}"), &text, &ok, extra);
        for e in &c.experiments {
            let broken = c.broken_by(e);
            let mut ok = ok.clone();
            // The experiment's rate, and how many times (decades) below the chapter's it is.
            let lr = |c: &Chapter| c.train.schedule.lr(0, c.train.steps);
            let times = lr(&c) / lr(&broken);
            ok.push(format::exact(lr(&broken)));
            ok.push(format::count(times.round() as usize));
            ok.push(format::whole(times.log10()));
            check(&format!("{} symptom", e.id), &(e.symptom)(&f), &ok, extra);
            check(&format!("{} fix", e.id), &(e.fix_how)(&f), &ok, extra);
            check(&format!("{} change", e.id), e.change, &ok, extra);
        }
    }
}

/// A names file whose vocabulary is 33 letters and '.': 34 characters.
fn names_34() -> String {
    let letters: Vec<char> = "abcdefghijklmnopqrstuvwxyzàéèöüçñ".chars().collect();
    assert_eq!(letters.len(), 33);
    (0..600)
        .map(|i| {
            (0..4 + i % 5)
                .map(|j| letters[(i * 7 + j * 11) % letters.len()])
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn data_34() -> Dataset {
    let words: Vec<String> = names_34().lines().map(String::from).collect();
    let d = Dataset::new(&words, 3, SPLIT_SEED);
    assert_eq!(d.vocab.size(), 34);
    d
}

/// The first step of chapter `c` (or one of its experiments) on `data`: its loss and trainer.
fn first_step(c: &Chapter, data: Dataset) -> (f32, Trainer) {
    let mut t = Trainer::new(data, c.model.clone(), c.train.clone()).unwrap();
    let loss = t.step().unwrap();
    (loss, t)
}

/// The small output layer's scale (chapter 4's 0.01), as the page writes it.
fn output_scale() -> String {
    match ChapterId::FixSoftmax.chapter().model.output_init {
        WeightInit::Randn(s) => format::exact(s),
        WeightInit::Kaiming(_) => unreachable!("chapter 4 scales randn"),
    }
}

#[test]
fn the_number_parser_finds_every_figure() {
    assert_eq!(
        numbers("-ln(1/27) = 3.30, 1,000 steps, eps 1.0e-5, at 0.1."),
        ["1", "27", "3.30", "1,000", "1.0e-5", "0.1"]
    );
}

#[test]
fn lr_finder_text() {
    check_chapter(ChapterId::LrFinder, &[]);
    // "is lowest near 0.1": the run's suggested rate (lowest smoothed loss) is within a factor
    // of two of it.
    let c = ChapterId::LrFinder.chapter();
    let mut t = Trainer::new(support::data().clone(), c.model.clone(), c.train.clone()).unwrap();
    while !t.finished() {
        t.step().unwrap();
    }
    let (_, lr, _) = diagnostics::lr_suggestion(&t.lrs, &t.losses).unwrap();
    assert!((0.05..0.2).contains(&lr), "suggested {lr}");
}

#[test]
fn embed_2d_text() {
    check_chapter(ChapterId::Embed2d, &[]);
}

#[test]
fn naive_text() {
    check_chapter(ChapterId::Naive, &["30".into()]);
    let c = ChapterId::Naive.chapter();
    // An uploaded file of 34 characters: the page's own chapter text says 3.53.
    let mut s = Session::new(names_34().as_bytes(), "34").unwrap();
    s.choose_chapter("naive").unwrap();
    let about = lesson::prose::plain(&views::run_view(&s).about);
    assert!(about.contains("-ln(1/34) = 3.53"), "{about}");
    // "starts near 30", for either vocabulary.
    for data in [support::data().clone(), data_34()] {
        let (loss, _) = first_step(&c, data);
        assert!((15.0..50.0).contains(&loss), "first loss {loss}");
    }
}

#[test]
fn fix_softmax_text() {
    check_chapter(ChapterId::FixSoftmax, &[output_scale()]);
    let c = ChapterId::FixSoftmax.chapter();
    for data in [support::data().clone(), data_34()] {
        let v = data.vocab.size();
        let (loss, t) = first_step(&c, data);
        // "the first loss is about -ln(1/V)", "most tanh units sit at ±1".
        assert!((loss - uniform_loss(v)).abs() < 0.1, "{loss} against {v}");
        let f = diagnostics::first_layer(&t.model, 32, c.saturation_threshold, 10).unwrap();
        assert!(f.act.saturated > 0.5, "{}", f.act.saturated);
    }
}

#[test]
fn fix_tanh_text() {
    check_chapter(ChapterId::FixTanh, &["0.2".into(), "0.01".into()]);
    let c = ChapterId::FixTanh.chapter();
    let (_, t) = first_step(&c, support::data().clone());
    let f = diagnostics::first_layer(&t.model, 32, c.saturation_threshold, 10).unwrap();
    // "a few percent", and the pre-activation cut counts the same units as |h| > threshold.
    assert!(f.act.saturated < 0.1, "{}", f.act.saturated);
    assert_eq!(f.preact.saturated, f.act.saturated);
}

#[test]
fn kaiming_text() {
    check_chapter(
        ChapterId::Kaiming,
        &["0.2".into(), "10".into(), output_scale()],
    );
    let c = ChapterId::Kaiming.chapter();
    // The demo's spreads are the chart's own lines.
    let mut s = Session::new(support::few_names(300).as_bytes(), "few").unwrap();
    s.choose_chapter("kaiming").unwrap();
    let f = Facts::of(
        &s.settings().model_config(s.data().vocab.size()),
        s.settings().seed,
        s.settings().saturation_threshold,
    );
    let lines = views::kaiming::chart(&s).lines.join("\n");
    for std in [f.demo_y_std, f.demo_y_scaled_std] {
        assert!(
            lines.contains(&format!("std {}", format::plain(std))),
            "{lines}"
        );
    }
    // "more units saturate than with it": Kaiming against the hand-picked 0.2.
    let sat = |c: &Chapter| {
        let (_, t) = first_step(c, support::data().clone());
        diagnostics::first_layer(&t.model, 32, c.saturation_threshold, 10)
            .unwrap()
            .act
            .saturated
    };
    assert!(sat(&c) > sat(&ChapterId::FixTanh.chapter()));
    // Weights x10: "most tanh units sit at ±1", the first loss above the uniform one.
    let (_, x10) = lesson::ExperimentId::WeightsX10.find();
    let broken = c.broken_by(&x10);
    let (loss, t) = first_step(&broken, support::data().clone());
    let f = diagnostics::first_layer(&t.model, 32, c.saturation_threshold, 10).unwrap();
    assert!(f.act.saturated > 0.5 && loss > uniform_loss(27), "{loss}");
}

#[test]
fn batchnorm_text() {
    // The eps of the BatchNorm class the fix names.
    check_chapter(
        ChapterId::Batchnorm,
        &[format::sci(
            ChapterId::Deep.chapter().model.batchnorm.unwrap().eps,
        )],
    );
}

#[test]
fn deep_text() {
    check_chapter(ChapterId::Deep, &["0.97".into()]);
    let c = ChapterId::Deep.chapter();
    // The experiments' claims at init, on the per-layer charts' numbers.
    let layers = |id: ExperimentId| {
        let broken = c.broken_by(&id.find().1);
        let (_, t) = first_step(&broken, support::data().clone());
        diagnostics::layer_diagnostics(&t.model, c.saturation_threshold, 10)
    };
    let g1 = layers(ExperimentId::DeepGain1);
    let n = g1.len() - 1;
    assert!(g1.windows(2).all(|w| w[1].act.std < w[0].act.std));
    assert!(g1[0].grad.std < g1[n].grad.std);
    let g3 = layers(ExperimentId::DeepGain3);
    assert!((0.35..0.65).contains(&g3[0].act.saturated));
    assert!(g3.iter().all(|l| l.act.saturated > 0.3));
    assert!(g3[0].grad.std > g3[n].grad.std);
    let g53 = layers(ExperimentId::DeepGainFiveThirds);
    assert!(g53.iter().all(|l| l.act.saturated <= g53[0].act.saturated));
    let (lo, hi) = g53.iter().fold((f32::MAX, 0f32), |(lo, hi), l| {
        (lo.min(l.grad.std), hi.max(l.grad.std))
    });
    assert!(hi / lo < 2.0, "{lo} {hi}");
    assert!(g53[1..]
        .windows(2)
        .all(|w| (w[1].act.std / w[0].act.std - 1.0).abs() < 0.1));
}
