//! Native speed measurements of the training core, printed as one JSON line (or a table) for
//! `cargo xtask bench`, which combines them with the browser and PyTorch numbers.
//!
//!   cargo run --release --bin bench -- [--json] [--quick] [--reps N] [--threads N] [--scaling]
//!
//! - peak: 12 independent vector multiply-add chains on registers (FMA on AVX2), one core;
//! - the matrix products of one deep-model step at batch 32, each and together, in GFLOP/s;
//! - training steps per second (sampling, forward, backward, SGD with its finite check; no
//!   diagnostics) for the small MLP (`fix-tanh`: n_embd 10, n_hidden 200) and the deep model;
//! - the deep model's full-split train loss in eval mode (205,280 examples).
//!
//! `--threads N` splits the steps and the evaluation across N threads (`pool::Par`; the results
//! are the same bit for bit). `--scaling` prints only a table instead: the small MLP's and the
//! deep model's (at n_hidden 200/500/1000 x batch 32/128/512) steps/s on 1 thread and on
//! `--threads` (default: every core), measured in turns, with the median ratio of the turns.
//!
//! Speeds (steps/s, eval time) are the median of `--reps` repetitions. The peak and the matrix
//! products' GFLOP/s are the best repetition of each (the least disturbed by other load); their
//! ratio is the median of ratios of pairs measured back to back.

use makemore_lab::benchkit::{self, MatmulKind, MatmulWorkload};
use makemore_lab::data::{default_words, Dataset};
use makemore_lab::kernels;
use makemore_lab::layers::Layer;
use makemore_lab::lesson::ChapterId;
use makemore_lab::model::Mlp;
use makemore_lab::pool::Par;
use makemore_lab::train::{Split, Trainer};
use std::hint::black_box;
use std::time::Instant;

const BATCH: usize = 32;

struct Opts {
    json: bool,
    quick: bool,
    reps: usize,
    threads: usize,
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let n = v.len();
    if n == 0 {
        f64::NAN
    } else if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// Runs `f(iters)` until it takes about `secs`, then returns seconds per iteration.
fn time_per_iter(secs: f64, mut f: impl FnMut(usize)) -> f64 {
    let mut iters = 1usize;
    loop {
        let t = Instant::now();
        f(iters);
        let dt = t.elapsed().as_secs_f64();
        if dt >= secs || iters >= 1 << 30 {
            return dt / iters as f64;
        }
        let want = (iters as f64 * secs / dt.max(1e-6) * 1.1).ceil() as usize;
        iters = want.clamp(iters + 1, iters * 100);
    }
}

/// One measurement of the FMA peak (GFLOP/s) over about `secs`.
fn peak_once(secs: f64) -> f64 {
    let flops = benchkit::peak_flops_per_iter() as f64;
    let s = time_per_iter(secs, |n| {
        black_box(benchkit::peak_probe(n, black_box(1.0)));
    });
    flops / s / 1e9
}

/// The Linear shapes (n_in, n_out) of a model.
fn linear_shapes(m: &Mlp) -> Vec<(usize, usize)> {
    m.layers
        .iter()
        .filter_map(|l| match l {
            Layer::Linear(l) => Some((l.n_in, l.n_out)),
            _ => None,
        })
        .collect()
}

/// Flops of one training step's matrix products: forward, weight gradient, input gradient.
fn step_flops(m: &Mlp, batch: usize) -> f64 {
    linear_shapes(m)
        .iter()
        .map(|&(k, n)| 3.0 * 2.0 * (batch * k * n) as f64)
        .sum()
}

struct MatmulResult {
    /// Best repetition of all the products of a step, and of the peak.
    total_gflops: f64,
    peak_gflops: f64,
    /// Median over repetitions of (products / peak), each pair measured back to back, so that a
    /// burst of other load does not land on one of them only.
    fraction: f64,
    parts: Vec<(String, f64)>,
}

/// GFLOP/s of the matrix products of one training step at `shapes` (as the Linear layers call
/// them), each kind alone and all of them in the order of a step, and the FMA peak measured
/// right before each repetition.
fn matmul_bench(shapes: &[(usize, usize)], o: &Opts) -> MatmulResult {
    let mut work = MatmulWorkload::new(shapes, BATCH);
    let secs = if o.quick { 0.1 } else { 0.25 };
    let mut kinds: Vec<(MatmulKind, Vec<f64>)> =
        MatmulKind::ALL.iter().map(|&k| (k, Vec::new())).collect();
    let mut peaks = Vec::new();
    let mut fractions = Vec::new();
    for _ in 0..o.reps.max(3) {
        let peak = peak_once(secs);
        peaks.push(peak);
        for (kind, results) in kinds.iter_mut() {
            let s = time_per_iter(secs, |iters| {
                black_box(work.run(*kind, iters));
            });
            let gflops = work.flops(*kind) / s / 1e9;
            results.push(gflops);
            if *kind == MatmulKind::All {
                fractions.push(gflops / peak);
            }
        }
    }
    let best = |v: Vec<f64>| v.into_iter().fold(0.0, f64::max);
    let mut parts: Vec<(String, f64)> = kinds
        .into_iter()
        .map(|(k, v)| (k.label().to_string(), best(v)))
        .collect();
    let total = parts.pop().expect("all").1;
    MatmulResult {
        total_gflops: total,
        peak_gflops: best(peaks),
        fraction: median(fractions),
        parts,
    }
}

fn trainer(preset: &str, words: &[String], par: &Par) -> Trainer {
    let mut p = ChapterId::from_name(preset).expect("a chapter").chapter();
    // A long run keeps the schedule at its first rate; the bench never finishes it.
    p.train.steps = usize::MAX / 2;
    let data = Dataset::new(words, p.model.block_size, p.train.seed);
    let mut t = Trainer::new(data, p.model, p.train).expect("trainer");
    t.model.par = par.clone();
    t
}

/// A trainer of `preset` at n_hidden x batch on `par`, warmed up.
fn trainer_at(words: &[String], preset: &str, n_hidden: usize, batch: usize, par: &Par) -> Trainer {
    let mut p = ChapterId::from_name(preset).expect("a chapter").chapter();
    p.model.n_hidden = n_hidden;
    p.train.batch_size = batch;
    p.train.steps = usize::MAX / 2;
    let data = Dataset::new(words, p.model.block_size, p.train.seed);
    let mut t = Trainer::new(data, p.model, p.train).expect("trainer");
    t.model.par = par.clone();
    for _ in 0..5 {
        t.step().expect("step");
    }
    t
}

/// Steps/s of `one` and `many`, measured in turns (at least 7 rounds of one, then many), so that
/// load from other programs lands on both alike: the median of each, and the median of the
/// rounds' ratios many / one.
fn paired(one: &mut Trainer, many: &mut Trainer, o: &Opts) -> (f64, f64, f64) {
    // Many short turns: a burst of other load spoils a few turns, not the median.
    let secs = if o.quick { 0.08 } else { 0.2 };
    let rate = |t: &mut Trainer| {
        1.0 / time_per_iter(secs, |n| {
            for _ in 0..n {
                t.step().expect("step");
            }
        })
    };
    let (mut a, mut b, mut r) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..o.reps.max(7) {
        let (x, y) = (rate(one), rate(many));
        a.push(x);
        b.push(y);
        r.push(y / x);
    }
    (median(a), median(b), median(r))
}

/// How many cores' worth of work `threads` threads get right now: the FMA peak probe on that
/// many threads at once against one thread alone. On a shared machine another program's load
/// shows here, so a scaling ratio can be read against it.
fn capacity(threads: usize) -> f64 {
    let flops = benchkit::peak_flops_per_iter() as f64;
    let rate = |n: usize| {
        let t = Instant::now();
        std::thread::scope(|s| {
            for _ in 0..n {
                s.spawn(|| black_box(benchkit::peak_probe(2_000_000, black_box(1.0))));
            }
        });
        n as f64 * 2e6 * flops / t.elapsed().as_secs_f64()
    };
    rate(threads) / rate(1)
}

/// The scaling table: one JSON line (`--json`) or a table. The small MLP, then the deep model
/// at n_hidden x batch, each on 1 thread and on `--threads`, measured in turns (`paired`).
fn scaling(words: &[String], o: &Opts) {
    let many = threads(o.threads);
    let cap_before = capacity(many.n());
    let mut rows = Vec::new();
    let mut shapes = vec![("mlp", "fix-tanh", 200, 32)];
    for n_hidden in [200, 500, 1000] {
        for batch in [32, 128, 512] {
            shapes.push(("deep", "deep", n_hidden, batch));
        }
    }
    for (model, preset, n_hidden, batch) in shapes {
        let mut one = trainer_at(words, preset, n_hidden, batch, &Par::single());
        let mut par = trainer_at(words, preset, n_hidden, batch, &many);
        let (a, b, r) = paired(&mut one, &mut par, o);
        let gflop = step_flops(&one.model, batch) / 1e9;
        rows.push((model, n_hidden, batch, a, b, r, gflop));
    }
    let cap_after = capacity(many.n());
    if o.json {
        let r: Vec<String> = rows
            .iter()
            .map(|(m, h, b, one, par, r, g)| {
                format!(
                    "{{\"model\":\"{m}\",\"n_hidden\":{h},\"batch\":{b},\"one\":{one:.1},\"threads\":{par:.1},\"ratio\":{r:.3},\"step_gflop\":{g:.5}}}"
                )
            })
            .collect();
        println!(
            "{{\"threads\":{},\"capacity\":[{cap_before:.2},{cap_after:.2}],\"scaling\":[{}]}}",
            many.n(),
            r.join(",")
        );
    } else {
        println!(
            "steps/s, 1 thread vs {} threads, measured in turns (cores free for them: {cap_before:.2}x one core before, {cap_after:.2}x after)",
            many.n()
        );
        println!(
            "model n_hidden  batch   1 thread  {} threads  ratio (median of turns)",
            many.n()
        );
        for (m, h, b, one, par, r, _) in rows {
            println!("{m:<5} {h:>8} {b:>6} {one:>10.1} {par:>10.1} {r:>6.2}x");
        }
    }
}

struct StepResult {
    steps_per_s: f64,
    all: Vec<f64>,
    /// Median microseconds of: forward only, forward + backward, SGD (check + update).
    forward_us: f64,
    fwd_bwd_us: f64,
    sgd_us: f64,
}

fn steps_bench(t: &mut Trainer, o: &Opts) -> StepResult {
    let warm = if o.quick { 100 } else { 500 };
    for _ in 0..warm {
        t.step().expect("step");
    }
    let secs = if o.quick { 0.2 } else { 1.0 };
    let mut all = Vec::new();
    for _ in 0..o.reps {
        let s = time_per_iter(secs, |n| {
            for _ in 0..n {
                t.step().expect("step");
            }
        });
        all.push(1.0 / s);
    }
    // Breakdown on the last batch (no SGD in the forward/backward timings: weights stay put).
    let (xb, yb) = {
        let (x, y) = t.last_batch();
        (x.to_vec(), y.to_vec())
    };
    let mut f = Vec::new();
    let mut fb = Vec::new();
    let mut sgd = Vec::new();
    let short = secs / 4.0;
    for _ in 0..o.reps {
        f.push(
            1e6 * time_per_iter(short, |n| {
                for _ in 0..n {
                    t.model.forward(&xb, BATCH);
                }
            }),
        );
        fb.push(
            1e6 * time_per_iter(short, |n| {
                for _ in 0..n {
                    black_box(t.model.forward_backward(&xb, &yb));
                }
            }),
        );
        sgd.push(
            1e6 * time_per_iter(short, |n| {
                for _ in 0..n {
                    // lr 0: the weights do not move.
                    black_box(t.model.sgd_step(0.0));
                }
            }),
        );
    }
    StepResult {
        steps_per_s: median(all.clone()),
        all,
        forward_us: median(f),
        fwd_bwd_us: median(fb),
        sgd_us: median(sgd),
    }
}

fn eval_bench(t: &mut Trainer, o: &Opts) -> (f64, usize, f32) {
    let n = t.examples(Split::Train).len();
    let reps = if o.quick { 1 } else { o.reps.min(3) };
    let mut times = Vec::new();
    let mut loss = 0.0;
    for _ in 0..reps {
        let s = Instant::now();
        loss = t.split_loss(Split::Train);
        times.push(s.elapsed().as_secs_f64());
    }
    (median(times), n, loss)
}

fn main() {
    let mut o = Opts {
        json: false,
        quick: false,
        reps: 5,
        threads: 1,
    };
    let mut scale = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--json" => o.json = true,
            "--quick" => {
                o.quick = true;
                o.reps = 3;
            }
            "--reps" => {
                o.reps = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .filter(|&r| r > 0)
                    .unwrap_or_else(|| {
                        eprintln!("--reps needs a positive number");
                        std::process::exit(2)
                    })
            }
            "--threads" => {
                o.threads = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .filter(|&r| r > 0)
                    .unwrap_or_else(|| {
                        eprintln!("--threads needs a positive number");
                        std::process::exit(2)
                    })
            }
            "--scaling" => scale = true,
            _ => {
                eprintln!("usage: bench [--json] [--quick] [--reps N] [--threads N] [--scaling]");
                std::process::exit(2);
            }
        }
    }
    let words = default_words();
    if scale {
        if o.threads == 1 {
            o.threads = std::thread::available_parallelism().map_or(2, |n| n.get());
        }
        return scaling(&words, &o);
    }
    let par = threads(o.threads);
    let mut mlp = trainer("fix-tanh", &words, &par);
    let mut deep = trainer("deep", &words, &par);
    let deep_shapes = linear_shapes(&deep.model);
    let mm = matmul_bench(&deep_shapes, &o);
    let peak = mm.peak_gflops;
    let mlp_r = steps_bench(&mut mlp, &o);
    let deep_r = steps_bench(&mut deep, &o);
    let (eval_s, eval_n, eval_loss) = eval_bench(&mut deep, &o);
    let mlp_flops = step_flops(&mlp.model, BATCH);
    let deep_flops = step_flops(&deep.model, BATCH);
    let eval_flops = step_flops(&deep.model, eval_n) / 3.0;
    let backend = kernels::backend();

    if o.json {
        let parts: Vec<String> = mm
            .parts
            .iter()
            .map(|(k, v)| format!("\"{k}\":{v:.2}"))
            .collect();
        let list = |v: &[f64]| {
            v.iter()
                .map(|x| format!("{x:.1}"))
                .collect::<Vec<_>>()
                .join(",")
        };
        println!(
            "{{\"backend\":\"{backend}\",\"threads\":{},\"lanes\":{},\"peak_gflops\":{peak:.2},\
             \"matmul_deep_gflops\":{:.2},\"matmul_deep_fraction\":{:.3},\"matmul_deep_parts\":{{{}}},\
             \"mlp_steps_per_s\":{:.1},\"mlp_steps_per_s_all\":[{}],\"mlp_step_mflop\":{:.3},\
             \"mlp_us\":{{\"forward\":{:.1},\"forward_backward\":{:.1},\"sgd\":{:.1}}},\
             \"deep_steps_per_s\":{:.1},\"deep_steps_per_s_all\":[{}],\"deep_step_mflop\":{:.3},\
             \"deep_us\":{{\"forward\":{:.1},\"forward_backward\":{:.1},\"sgd\":{:.1}}},\
             \"deep_eval_train_s\":{eval_s:.3},\"deep_eval_examples\":{eval_n},\"deep_eval_loss\":{eval_loss},\
             \"deep_eval_gflops\":{:.2}}}",
            par.n(),
            benchkit::lanes(),
            mm.total_gflops,
            mm.fraction,
            parts.join(","),
            mlp_r.steps_per_s,
            list(&mlp_r.all),
            mlp_flops / 1e6,
            mlp_r.forward_us,
            mlp_r.fwd_bwd_us,
            mlp_r.sgd_us,
            deep_r.steps_per_s,
            list(&deep_r.all),
            deep_flops / 1e6,
            deep_r.forward_us,
            deep_r.fwd_bwd_us,
            deep_r.sgd_us,
            eval_flops / eval_s / 1e9,
        );
    } else {
        println!("backend: {backend}; {} thread(s) per step", par.n());
        println!("peak (register FMA loop, 1 core): {peak:.1} GFLOP/s");
        println!(
            "deep-step matrix products: {:.1} GFLOP/s (median of paired ratios: {:.0}% of peak)",
            mm.total_gflops,
            100.0 * mm.fraction
        );
        for (k, v) in &mm.parts {
            println!("  {k:<20} {v:.1} GFLOP/s");
        }
        for (name, r, f) in [("mlp", &mlp_r, mlp_flops), ("deep", &deep_r, deep_flops)] {
            println!(
                "{name}: {:.0} steps/s ({:.1} GFLOP/s in its products); forward {:.1} us, forward+backward {:.1} us, sgd {:.1} us",
                r.steps_per_s,
                f * r.steps_per_s / 1e9,
                r.forward_us,
                r.fwd_bwd_us,
                r.sgd_us
            );
        }
        println!(
            "deep full-split train loss: {eval_loss:.4} over {eval_n} examples in {eval_s:.3} s ({:.1} GFLOP/s)",
            eval_flops / eval_s / 1e9
        );
    }
}

/// `n` threads natively. The binary also compiles for wasm32 (`cargo test --target wasm32` builds
/// every target), where it never runs and the pool is the browser's: one thread there.
fn threads(n: usize) -> Par {
    #[cfg(not(target_arch = "wasm32"))]
    return Par::threads(n);
    #[cfg(target_arch = "wasm32")]
    {
        let _ = n;
        Par::single()
    }
}
