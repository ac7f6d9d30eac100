//! The headless runner: runs a preset (or custom settings, or a BREAK IT experiment) of the lesson
//! natively and prints the notebook's log lines and the final train/val loss.
//!
//! cargo run --release -- run --preset NAME [--steps N] [--seed S] [--json] [custom settings]
//! cargo run --release -- run --experiment NAME [...]

use makemore_lab::data::{default_words, parse_names, Dataset, SPLIT_SEED};
use makemore_lab::diagnostics;
use makemore_lab::lesson::{Chapter, ChapterId, Experiment, ExperimentId, Facts};
use makemore_lab::model::BnConfig;
use makemore_lab::rng::Rng;
use makemore_lab::sample::{sample, Seen};
use makemore_lab::train::{Schedule, Split, Trainer};
use std::process::ExitCode;
use std::time::Instant;

/// The usage text; the chapters and experiments are the lesson's (`lesson::ChapterId`,
/// `lesson::ExperimentId`).
fn usage() -> String {
    let indent = " ".repeat(22);
    format!(
        "usage: makemore-lab run --preset NAME [options]
       makemore-lab run --experiment NAME [options]

  --preset NAME       one of: {}
  --experiment NAME   break a chapter (stops when the loss explodes past 10x its start): one of
{indent}{}
  --steps N           training steps (default: the notebook's; embed-2d counts the finder's 1000 too)
  --seed S            seed of the run: initial weights and batches (default 42; the 90/10 split is fixed)
  --json              print one JSON line instead of the log
  --names FILE        a names file instead of the built-in 32k names
custom settings (change the preset):
  --n-embd N  --n-hidden N  --layers N  --batch-size N  --lr X (constant)  --batchnorm on|off
  --samples N         names to sample at the end (default 10)",
        ChapterId::NAMES.join(", "),
        wrap(&ExperimentId::NAMES.join(", "), 100 - indent.len()).join(&format!("\n{indent}")),
    )
}

/// `text` cut into lines of at most `width` characters, at spaces.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split(' ') {
        let line = lines.last_mut().expect("one line at least");
        if !line.is_empty() && line.len() + 1 + word.len() > width {
            lines.push(word.to_string());
        } else {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
    }
    lines
}

struct Args {
    /// The chapter, broken by `experiment` if there is one.
    chapter: Option<Chapter>,
    experiment: Option<Experiment>,
    steps: Option<usize>,
    seed: u64,
    json: bool,
    names: Option<String>,
    n_embd: Option<usize>,
    n_hidden: Option<usize>,
    layers: Option<usize>,
    batch_size: Option<usize>,
    lr: Option<f32>,
    batchnorm: Option<bool>,
    samples: usize,
}

fn parse_args(mut it: impl Iterator<Item = String>) -> Result<Args, String> {
    match it.next().as_deref() {
        Some("run") => {}
        Some("--help") | Some("-h") => return Err(String::new()),
        Some(other) => return Err(format!("unknown command '{other}'")),
        None => return Err("missing command 'run'".into()),
    }
    let mut a = Args {
        chapter: None,
        experiment: None,
        steps: None,
        seed: 42,
        json: false,
        names: None,
        n_embd: None,
        n_hidden: None,
        layers: None,
        batch_size: None,
        lr: None,
        batchnorm: None,
        samples: 10,
    };
    fn num<T: std::str::FromStr>(flag: &str, v: Option<String>) -> Result<T, String> {
        let v = v.ok_or_else(|| format!("{flag} needs a value"))?;
        v.parse()
            .map_err(|_| format!("{flag}: '{v}' is not a valid number"))
    }
    while let Some(flag) = it.next() {
        match flag.as_str() {
            "--preset" => {
                let name = it.next().ok_or("--preset needs a name")?;
                let id = ChapterId::from_name(&name)
                    .ok_or_else(|| format!("unknown preset '{name}'"))?;
                a.chapter = Some(id.chapter());
            }
            "--experiment" => {
                let name = it.next().ok_or("--experiment needs a name")?;
                let id = ExperimentId::from_name(&name)
                    .ok_or_else(|| format!("unknown experiment '{name}'"))?;
                a.experiment = Some(id.find().1);
            }
            "--steps" => a.steps = Some(num("--steps", it.next())?),
            "--seed" => a.seed = num("--seed", it.next())?,
            "--json" => a.json = true,
            "--names" => a.names = Some(it.next().ok_or("--names needs a file")?),
            "--n-embd" => a.n_embd = Some(num("--n-embd", it.next())?),
            "--n-hidden" => a.n_hidden = Some(num("--n-hidden", it.next())?),
            "--layers" => a.layers = Some(num("--layers", it.next())?),
            "--batch-size" => a.batch_size = Some(num("--batch-size", it.next())?),
            "--lr" => a.lr = Some(num("--lr", it.next())?),
            "--samples" => a.samples = num("--samples", it.next())?,
            "--batchnorm" => {
                a.batchnorm = Some(match it.next().as_deref() {
                    Some("on") => true,
                    Some("off") => false,
                    _ => return Err("--batchnorm takes on or off".into()),
                })
            }
            "--help" | "-h" => return Err(String::new()),
            other => return Err(format!("unknown option '{other}'")),
        }
    }
    match (&a.experiment, &a.chapter) {
        (Some(_), Some(_)) => return Err("--preset and --experiment exclude each other".into()),
        (Some(e), None) => a.chapter = Some(e.id.find().0),
        (None, None) => return Err("--preset or --experiment is required".into()),
        (None, Some(_)) => {}
    }
    Ok(a)
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(a) => a,
        Err(msg) => {
            if !msg.is_empty() {
                eprintln!("error: {msg}\n");
            }
            eprintln!("{}", usage());
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("error: {msg}");
            ExitCode::from(1)
        }
    }
}

fn json_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A number, or null where JSON has no NaN or infinity (a run stopped before its first step).
fn json_num(x: f32) -> String {
    if x.is_finite() {
        x.to_string()
    } else {
        "null".into()
    }
}

fn run(a: &Args) -> Result<(), String> {
    let chapter = a.chapter.as_ref().expect("checked by parse_args");
    let mut p = match &a.experiment {
        Some(e) => chapter.broken_by(e),
        None => chapter.clone(),
    };
    let words = match &a.names {
        None => default_words(),
        Some(f) => {
            let bytes = std::fs::read(f).map_err(|e| format!("{f}: {e}"))?;
            parse_names(&bytes).map_err(|e| format!("{f}: {e}"))?
        }
    };
    if let Some(s) = a.steps {
        p.train.steps = s;
    }
    p.train.seed = a.seed;
    if let Some(v) = a.n_embd {
        p.model.n_embd = v;
    }
    if let Some(v) = a.n_hidden {
        p.model.n_hidden = v;
    }
    if let Some(v) = a.layers {
        p.model.n_layers = v;
    }
    if let Some(v) = a.batch_size {
        p.train.batch_size = v;
    }
    if let Some(lr) = a.lr {
        p.train.schedule = Schedule::Constant(lr);
    }
    match a.batchnorm {
        Some(true) if p.model.batchnorm.is_none() => {
            p.model.batchnorm = Some(BnConfig::CLASS);
            p.model.hidden_bias = false;
        }
        Some(false) => {
            p.model.batchnorm = None;
            p.model.output_bn = false;
        }
        _ => {}
    }
    let data = Dataset::new(&words, p.model.block_size, SPLIT_SEED);
    let (n_train, n_val) = (data.train.len(), data.val.len());
    let vocab_str = data.vocab.as_string();
    let vocab_size = data.vocab.size();
    let mut t = Trainer::new(data, p.model.clone(), p.train.clone())?;
    let params = t.model.n_params();
    let steps = t.train.steps;
    if !a.json {
        if let Some(e) = &a.experiment {
            println!("experiment {} (seed {}): {}", e.id, p.train.seed, e.title);
            println!("from chapter {}: {}", p.id, e.change);
        } else {
            println!("preset {} (seed {}): {}", p.id, p.train.seed, p.title);
        }
        println!("names {} | vocab {vocab_size} '{vocab_str}' | train {n_train} examples | val {n_val} examples", words.len());
        println!("Model parameters: {params}");
    }
    let start = Instant::now();
    let mut initial_loss = f32::NAN;
    let mut first_layer = None;
    let mut diverged = None;
    let log_every = (steps / 10).max(1);
    // An experiment stops where the page's divergence guard would; a preset runs as the notebook.
    let guarded = a.experiment.is_some();
    for i in 0..steps {
        let limit = if guarded {
            t.explode_limit()
        } else {
            f32::INFINITY
        };
        let loss = match t.step_guarded(None, limit) {
            Ok(l) => l,
            Err(e) => {
                diverged = Some(e.to_string());
                break;
            }
        };
        if i == 0 {
            initial_loss = loss;
            first_layer =
                diagnostics::first_layer(&t.model, t.train.batch_size, p.saturation_threshold, 50);
        }
        if !a.json && (i % log_every == 0 || i == steps - 1) {
            println!("Iteration {i:2} | Loss (Mini-Batch): {loss:.4}");
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let (train_loss, val_loss) = (t.split_loss(Split::Train), t.split_loss(Split::Val));
    let done = t.step;
    let sat = first_layer.as_ref().map_or(f32::NAN, |f| f.map.fraction);
    let suggestion = if matches!(p.train.schedule, Schedule::ExpSweep { .. }) {
        diagnostics::lr_suggestion(&t.lrs, &t.losses)
    } else {
        None
    };
    let emb = &t.model.emb;
    let (points, _) = diagnostics::embedding_2d(&emb.weight.data, emb.vocab_size, emb.n_embd);
    let clusters = if emb.n_embd == 2 {
        diagnostics::vowel_distances(&points, &t.data.vocab.itos)
    } else {
        None
    };
    let mut rng = Rng::new(a.seed ^ 0x5A3D_1E55);
    let seen = Seen::new(&t.data.train_words, &t.data.val_words);
    let samples = sample(
        &mut t.model,
        &t.data.vocab,
        &seen,
        &mut rng,
        a.samples,
        1.0,
        50,
    );
    if a.json {
        let mut extra = String::new();
        if let Some((i, lr, l)) = suggestion {
            extra.push_str(&format!(
                ",\"lr_suggestion\":{{\"step\":{i},\"lr\":{lr},\"smoothed_loss\":{l}}}"
            ));
        }
        if let Some(d) = &diverged {
            extra.push_str(&format!(",\"diverged\":{}", json_str(d)));
        }
        if let Some(e) = &a.experiment {
            extra.push_str(&format!(",\"experiment\":{}", json_str(e.id.name())));
        }
        if let Some((vv, vc, cc)) = clusters {
            extra.push_str(&format!(",\"embedding_distances\":{{\"vowel_vowel\":{vv},\"vowel_consonant\":{vc},\"consonant_consonant\":{cc}}}"));
        }
        let names: Vec<String> = samples.iter().map(|s| json_str(&s.name)).collect();
        println!(
            "{{\"preset\":{},\"steps\":{done},\"seed\":{},\"params\":{params},\"initial_loss\":{},\"train_loss\":{},\"val_loss\":{},\"saturation_at_init\":{},\"final_minibatch_loss\":{},\"seconds\":{secs:.3},\"steps_per_s\":{:.1},\"samples\":[{}]{extra}}}",
            json_str(p.id.name()),
            a.seed,
            json_num(initial_loss),
            json_num(train_loss),
            json_num(val_loss),
            json_num(sat),
            json_num(t.losses.last().copied().unwrap_or(f32::NAN)),
            done as f64 / secs.max(1e-9),
            names.join(",")
        );
    } else {
        if let Some(d) = &diverged {
            println!("{d}");
        }
        println!(
            "first loss {initial_loss:.4} (a uniform guess: -ln(1/{vocab_size}) = {:.4}); |h| > {} at init: {:.1}%",
            (vocab_size as f32).ln(),
            p.saturation_threshold,
            sat * 100.0
        );
        if let Some((i, lr, l)) = suggestion {
            println!(
                "LR finder: lowest smoothed loss {l:.4} at step {i}, lr {lr:.4} (10^{:.2})",
                lr.log10()
            );
        }
        println!(
            "{done} steps in {secs:.1} s ({:.0} steps/s)",
            done as f64 / secs.max(1e-9)
        );
        println!("Train loss: {train_loss:.4} | Val loss: {val_loss:.4}");
        for s in &samples {
            println!(
                "{}. ({})",
                s.name,
                makemore_lab::session::words::novelty(s.novelty)
            );
        }
        if let Some(e) = &a.experiment {
            let facts = Facts::of(&t.model.config, t.train.seed, p.saturation_threshold);
            println!("look for ({} chart): {}", e.chart, (e.symptom)(&facts));
            println!("the fix, chapter {}: {}", e.fix, (e.fix_how)(&facts));
        }
    }
    Ok(())
}
