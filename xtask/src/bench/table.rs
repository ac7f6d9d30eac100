//! The bench's report, printed: the table, or the JSON line. A row whose part failed says so,
//! with the error.

use std::collections::BTreeMap;

use serde::Serialize;

use super::common::{cpu_model, EngineInfo, Measured, Opts};
use super::pytorch;
use super::rows::{num, Row};

/// The error of `part` (or of the whole of its bench: `browser` for `browser.page`), if it failed.
fn failure<'a>(m: &'a Measured, part: &str) -> Option<&'a String> {
    let whole = part.split('.').next().unwrap_or(part);
    m.failed.get(part).or_else(|| m.failed.get(whole))
}

/// The native scaling table's capacity probes (medians), before and after.
fn capacity(m: &Measured) -> Option<(f64, f64)> {
    let s = &m.samples;
    s.med("native.capacity_before")
        .zip(s.med("native.capacity_after"))
}

pub fn print(m: &Measured, rows: &[Row], o: &Opts) {
    let dash = |s: &str| {
        if s.is_empty() {
            "-".to_string()
        } else {
            s.to_string()
        }
    };
    println!(
        "makemore-lab bench: {}; load average {}; {} round(s), medians",
        cpu_model(),
        m.loads.join(" -> "),
        m.rounds
    );
    println!(
        "native kernels: {}; browser: headless Chromium {}, page worker kernels {}; {}",
        m.backend,
        dash(&m.chromium),
        dash(&m.page_kernels),
        m.torch_note
    );
    println!(
        "ratio: speeds, the median over rounds of ours / PyTorch's best eager of the same round; \
         eval, PyTorch's best median / ours; matmul, the median of back-to-back pairs; \
         threads vs 1, the median of turns measured one after the other"
    );
    if let Some((a, b)) = capacity(m) {
        println!(
            "cores free for the threads (native probe, 1 = another program holds the rest): \
             {a:.2} before the scaling table, {b:.2} after"
        );
    }
    println!();
    let w0 = rows
        .iter()
        .map(|r| r.metric.len())
        .max()
        .unwrap_or(10)
        .max(6);
    let w2 = rows
        .iter()
        .map(|r| r.reference.len())
        .max()
        .unwrap_or(10)
        .max(9);
    println!(
        "{:<w0$}  {:>9}  {:<w2$}  {:>7}  target",
        "metric", "ours", "reference", "ratio"
    );
    println!("{}", "-".repeat(w0 + w2 + 60));
    for r in rows {
        let ours = r.ours.map_or("-".to_string(), |v| match r.unit {
            "s" => format!("{v:.2}"),
            _ => num(v),
        });
        let ratio = r.ratio.map_or(String::new(), |v| format!("{v:.2}x"));
        let failed = r.ours.is_none().then(|| failure(m, r.part)).flatten();
        let verdict = match (failed, r.met()) {
            (Some(e), _) => format!("FAILED: {e}"),
            (None, Some(true)) => "met".into(),
            (None, Some(false)) => "MISSED".into(),
            (None, None) => String::new(),
        };
        let goal = r.target.map_or("", |t| t.text);
        println!(
            "{:<w0$}  {:>9}  {:<w2$}  {:>7}  {:<26} {}",
            r.metric, ours, r.reference, ratio, goal, verdict
        );
    }
    let s = &m.samples;
    let per_round = |k: &str| {
        s.all(k)
            .iter()
            .map(|v| format!("{v:.0}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    println!();
    println!(
        "per round: native mlp [{}], deep [{}]; browser mlp [{}], deep [{}]",
        per_round("native.mlp_steps_per_s"),
        per_round("native.deep_steps_per_s"),
        per_round("browser.mlp_steps_per_s"),
        per_round("browser.deep_steps_per_s")
    );
    if m.torch.is_some() {
        let parts: Vec<String> = pytorch::configs(o)
            .iter()
            .filter_map(|c| {
                let v = s.med(&format!("{}.it_per_s", c.key()))?;
                Some(format!("{} {} {}thr {}", c.model, c.imp, c.threads, num(v)))
            })
            .collect();
        println!("PyTorch it/s (medians): {}", parts.join("; "));
    }
    for e in &m.errors {
        println!("note: {e}");
    }
}

#[derive(Serialize)]
struct Json<'a> {
    machine: String,
    rounds: usize,
    load: &'a [String],
    backend: &'a str,
    chromium: &'a str,
    native: NativeJson,
    browser: BrowserJson<'a>,
    wasm_bytes: Option<usize>,
    wasm_gzip_bytes: Option<usize>,
    /// `mlp.notebook.1.it_per_s` -> median.
    pytorch: BTreeMap<&'a str, Option<f64>>,
    pytorch_eager_best: EagerBest,
    /// Medians of the threads' figures: `native.scaling.<model>.<n_hidden>.<batch>.{one, many,
    /// ratio, gflop}`, `threads.<build>.<threads>.<chapter>.<n_hidden>.<batch>` (browser worker
    /// steps/s), `browser1.*` (the page on one thread).
    threads: BTreeMap<&'a str, Option<f64>>,
    /// Per engine: its version, the build its page trains with, and its small-MLP and deep
    /// steps/s (`engines.<engine>.*` medians).
    engines: BTreeMap<&'a str, EngineJson<'a>>,
    /// Row key -> met, for the rows with a target.
    targets: BTreeMap<&'a str, bool>,
    /// Error text by failed part.
    failed: &'a BTreeMap<String, String>,
    errors: &'a [String],
}

#[derive(Serialize)]
struct NativeJson {
    mlp_steps_per_s: Option<f64>,
    deep_steps_per_s: Option<f64>,
    deep_eval_train_s: Option<f64>,
    peak_gflops: Option<f64>,
    matmul_deep_gflops: Option<f64>,
    mlp_steps_per_s_all: Vec<i64>,
    deep_steps_per_s_all: Vec<i64>,
}

#[derive(Serialize)]
struct BrowserJson<'a> {
    mlp_steps_per_s: Option<f64>,
    deep_steps_per_s: Option<f64>,
    first_step_ms: Option<f64>,
    longest_task_ms: Option<f64>,
    worker_only_mlp_steps_per_s: Option<f64>,
    worker_only_deep_steps_per_s: Option<f64>,
    main_busy_pct: Option<f64>,
    page_kernels: &'a str,
    /// The peak of the build the page uses.
    peak_gflops: Option<f64>,
    matmul_relaxed_gflops: Option<f64>,
    matmul_plain_gflops: Option<f64>,
    mlp_steps_per_s_all: Vec<i64>,
    deep_steps_per_s_all: Vec<i64>,
}

#[derive(Serialize)]
struct EngineJson<'a> {
    #[serde(flatten)]
    info: &'a EngineInfo,
    mlp_steps_per_s: Option<f64>,
    deep_steps_per_s: Option<f64>,
}

#[derive(Serialize)]
struct EagerBest {
    mlp: Option<f64>,
    deep: Option<f64>,
}

pub fn json(m: &Measured, rows: &[Row]) -> String {
    let s = &m.samples;
    let all = |k: &str| s.all(k).iter().map(|v| v.round() as i64).collect();
    let nat = |k: &str| s.med(&format!("native.{k}"));
    let br = |k: &str| s.med(&format!("browser.{k}"));
    let page_build = if m.page_kernels.contains("relaxed") {
        "relaxed"
    } else {
        "plain"
    };
    let report = Json {
        machine: cpu_model(),
        rounds: m.rounds,
        load: &m.loads,
        backend: &m.backend,
        chromium: &m.chromium,
        native: NativeJson {
            mlp_steps_per_s: nat("mlp_steps_per_s"),
            deep_steps_per_s: nat("deep_steps_per_s"),
            deep_eval_train_s: nat("deep_eval_train_s"),
            peak_gflops: nat("peak_gflops"),
            matmul_deep_gflops: nat("matmul_deep_gflops"),
            mlp_steps_per_s_all: all("native.mlp_steps_per_s"),
            deep_steps_per_s_all: all("native.deep_steps_per_s"),
        },
        browser: BrowserJson {
            mlp_steps_per_s: br("mlp_steps_per_s"),
            deep_steps_per_s: br("deep_steps_per_s"),
            first_step_ms: br("first_step_ms"),
            longest_task_ms: br("longest_task_ms"),
            worker_only_mlp_steps_per_s: br("worker_only_mlp_steps_per_s"),
            worker_only_deep_steps_per_s: br("worker_only_deep_steps_per_s"),
            main_busy_pct: br("main_busy_pct"),
            page_kernels: &m.page_kernels,
            peak_gflops: br(&format!("{page_build}.peak_gflops")),
            matmul_relaxed_gflops: br("relaxed.matmul_gflops"),
            matmul_plain_gflops: br("plain.matmul_gflops"),
            mlp_steps_per_s_all: all("browser.mlp_steps_per_s"),
            deep_steps_per_s_all: all("browser.deep_steps_per_s"),
        },
        wasm_bytes: m.wasm_raw,
        wasm_gzip_bytes: m.wasm_gz,
        pytorch: s
            .keys()
            .filter_map(|k| Some((k.strip_prefix("torch.")?, s.med(k))))
            .collect(),
        pytorch_eager_best: EagerBest {
            mlp: pytorch::eager_best(s, "mlp").map(|b| b.0),
            deep: pytorch::eager_best(s, "deep").map(|b| b.0),
        },
        threads: s
            .keys()
            .filter(|k| {
                [
                    "native.scaling.",
                    "native.threads",
                    "native.capacity",
                    "threads.",
                    "browser1.",
                ]
                .iter()
                .any(|p| k.starts_with(p))
            })
            .map(|k| (k, s.med(k)))
            .collect(),
        engines: m
            .engines
            .iter()
            .map(|(e, info)| {
                let v = |k: &str| s.med(&format!("engines.{e}.{k}"));
                let row = EngineJson {
                    info,
                    mlp_steps_per_s: v("mlp_steps_per_s"),
                    deep_steps_per_s: v("deep_steps_per_s"),
                };
                (e.as_str(), row)
            })
            .collect(),
        targets: rows
            .iter()
            .filter_map(|r| Some((r.key.as_str(), r.met()?)))
            .collect(),
        failed: &m.failed,
        errors: &m.errors,
    };
    serde_json::to_string(&report).expect("plain data serializes")
}
