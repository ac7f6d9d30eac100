//! `cargo xtask bench [--json] [--quick] [--rounds N] [--no-browser] [--no-pytorch] [--no-compile]`
//!
//! One table (or, with `--json`, one JSON line) of this machine's speeds, measured side by side:
//! every round runs the native bench (`src/bin/bench.rs`: the training core, its matrix products
//! and the machine's FMA peak), the browser bench (`tests/bench/browser.mjs`: the real page in
//! headless Chromium, training in its Web Worker, plus both wasm builds' kernels and peaks), and, when `import
//! torch` works, PyTorch's `bench_pytorch.py` (eager `notebook` and `nn_sgd` at 1 and 2 threads;
//! `nn_compile` for the deep model once). Medians over rounds; PyTorch's "eager best" is the best
//! eager median of either thread count. The machine is shared, so the load average is printed
//! with the numbers and only same-run ratios mean much.

use std::collections::BTreeMap;
use std::env;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::build::build;
use crate::{cargo, root, Result};

const PYTORCH_TIMEOUT: Duration = Duration::from_secs(300);

struct Opts {
    json: bool,
    rounds: usize,
    quick: bool,
    browser: bool,
    pytorch: bool,
    compile: bool,
}

fn parse(flags: &[String]) -> Result<Opts> {
    let mut o = Opts {
        json: false,
        rounds: 3,
        quick: false,
        browser: true,
        pytorch: true,
        compile: true,
    };
    let mut it = flags.iter();
    while let Some(f) = it.next() {
        match f.as_str() {
            "--json" => o.json = true,
            "--quick" => {
                o.quick = true;
                o.rounds = 1;
                o.compile = false;
            }
            "--rounds" => {
                o.rounds = it
                    .next()
                    .and_then(|v| v.parse().ok())
                    .filter(|&r| r > 0)
                    .ok_or("--rounds needs a positive number")?
            }
            "--no-browser" => o.browser = false,
            "--no-pytorch" => o.pytorch = false,
            "--no-compile" => o.compile = false,
            _ => {
                return Err("usage: cargo xtask bench [--json] [--quick] [--rounds N] \
                            [--no-browser] [--no-pytorch] [--no-compile]"
                    .into())
            }
        }
    }
    Ok(o)
}

// ---------------------------------------------------------------------------------------------
// A small JSON reader (xtask is std-only): enough for the benches' one-line outputs.

#[derive(Clone, Debug)]
enum Json {
    Null,
    Bool(#[allow(dead_code)] bool),
    Num(f64),
    Str(String),
    Arr(Vec<Json>),
    Obj(BTreeMap<String, Json>),
}

impl Json {
    fn parse(s: &str) -> std::result::Result<Json, String> {
        let b = s.as_bytes();
        let mut i = 0;
        let v = value(b, &mut i)?;
        skip_ws(b, &mut i);
        if i != b.len() {
            return Err(format!("trailing characters at {i}"));
        }
        Ok(v)
    }
    fn get(&self, key: &str) -> &Json {
        match self {
            Json::Obj(m) => m.get(key).unwrap_or(&Json::Null),
            _ => &Json::Null,
        }
    }
    fn num(&self) -> Option<f64> {
        match self {
            Json::Num(x) => Some(*x),
            _ => None,
        }
    }
    fn str(&self) -> Option<&str> {
        match self {
            Json::Str(s) => Some(s),
            _ => None,
        }
    }
    fn arr(&self) -> &[Json] {
        match self {
            Json::Arr(v) => v,
            _ => &[],
        }
    }
}

fn skip_ws(b: &[u8], i: &mut usize) {
    while *i < b.len() && b[*i].is_ascii_whitespace() {
        *i += 1;
    }
}

fn value(b: &[u8], i: &mut usize) -> std::result::Result<Json, String> {
    skip_ws(b, i);
    let rest = &b[*i..];
    let lit = |word: &str, v: Json, i: &mut usize| {
        if rest.starts_with(word.as_bytes()) {
            *i += word.len();
            Ok(v)
        } else {
            Err(format!("bad literal at {i}"))
        }
    };
    match rest.first() {
        None => Err("unexpected end".into()),
        Some(b'n') => lit("null", Json::Null, i),
        Some(b't') => lit("true", Json::Bool(true), i),
        Some(b'f') => lit("false", Json::Bool(false), i),
        Some(b'N') => lit("NaN", Json::Num(f64::NAN), i),
        Some(b'I') => lit("Infinity", Json::Num(f64::INFINITY), i),
        Some(b'"') => {
            *i += 1;
            let mut s = String::new();
            while *i < b.len() {
                match b[*i] {
                    b'"' => {
                        *i += 1;
                        return Ok(Json::Str(s));
                    }
                    b'\\' => {
                        let c = *b.get(*i + 1).ok_or("bad escape")?;
                        *i += 2;
                        match c {
                            b'n' => s.push('\n'),
                            b't' => s.push('\t'),
                            b'r' => s.push('\r'),
                            b'b' => s.push('\u{8}'),
                            b'f' => s.push('\u{c}'),
                            b'u' => {
                                let hex = std::str::from_utf8(b.get(*i..*i + 4).ok_or("bad \\u")?)
                                    .map_err(|e| e.to_string())?;
                                let code =
                                    u32::from_str_radix(hex, 16).map_err(|e| e.to_string())?;
                                s.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                                *i += 4;
                            }
                            c => s.push(c as char),
                        }
                    }
                    _ => {
                        let start = *i;
                        while *i < b.len() && b[*i] != b'"' && b[*i] != b'\\' {
                            *i += 1;
                        }
                        s.push_str(&String::from_utf8_lossy(&b[start..*i]));
                    }
                }
            }
            Err("unterminated string".into())
        }
        Some(b'[') => {
            *i += 1;
            let mut v = Vec::new();
            loop {
                skip_ws(b, i);
                if b.get(*i) == Some(&b']') {
                    *i += 1;
                    return Ok(Json::Arr(v));
                }
                v.push(value(b, i)?);
                skip_ws(b, i);
                match b.get(*i) {
                    Some(b',') => *i += 1,
                    Some(b']') => {}
                    _ => return Err(format!("expected , or ] at {i}")),
                }
            }
        }
        Some(b'{') => {
            *i += 1;
            let mut m = BTreeMap::new();
            loop {
                skip_ws(b, i);
                if b.get(*i) == Some(&b'}') {
                    *i += 1;
                    return Ok(Json::Obj(m));
                }
                let k = match value(b, i)? {
                    Json::Str(k) => k,
                    _ => return Err(format!("expected a key at {i}")),
                };
                skip_ws(b, i);
                if b.get(*i) != Some(&b':') {
                    return Err(format!("expected : at {i}"));
                }
                *i += 1;
                m.insert(k, value(b, i)?);
                skip_ws(b, i);
                match b.get(*i) {
                    Some(b',') => *i += 1,
                    Some(b'}') => {}
                    _ => return Err(format!("expected , or }} at {i}")),
                }
            }
        }
        Some(_) => {
            let start = *i;
            while *i < b.len() && matches!(b[*i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') {
                *i += 1;
            }
            std::str::from_utf8(&b[start..*i])
                .ok()
                .and_then(|t| t.parse().ok())
                .map(Json::Num)
                .ok_or_else(|| format!("bad number at {start}"))
        }
    }
}

/// The last line of `out` that parses as a JSON object.
fn last_json(out: &str) -> Option<Json> {
    out.lines()
        .rev()
        .filter(|l| l.trim_start().starts_with('{'))
        .find_map(|l| Json::parse(l.trim()).ok())
}

// ---------------------------------------------------------------------------------------------
// Helpers

fn median(mut v: Vec<f64>) -> Option<f64> {
    v.retain(|x| x.is_finite());
    if v.is_empty() {
        return None;
    }
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    })
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".into())
}

fn cpu_model() -> String {
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!("{model}, {cores} cores")
}

/// Runs `cmd` and returns its stdout, failing on a non-zero exit or after `timeout`. Its stderr
/// is passed through, or with `quiet` kept and shown only if the command fails.
fn capture(
    cmd: &mut Command,
    what: &str,
    timeout: Option<Duration>,
    quiet: bool,
) -> Result<String> {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(if quiet {
            Stdio::piped()
        } else {
            Stdio::inherit()
        })
        .spawn()
        .map_err(|e| format!("{what}: cannot start: {e}"))?;
    let mut stdout = child.stdout.take().expect("piped");
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut stdout, &mut s);
        s
    });
    let err_reader = child.stderr.take().map(|mut e| {
        std::thread::spawn(move || {
            let mut s = String::new();
            let _ = std::io::Read::read_to_string(&mut e, &mut s);
            s
        })
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break status;
        }
        if timeout.is_some_and(|t| start.elapsed() > t) {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!(
                "{what}: no result after {} s",
                start.elapsed().as_secs()
            ));
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let out = reader.join().unwrap_or_default();
    let err = err_reader.map(|r| r.join().unwrap_or_default());
    if !status.success() {
        if let Some(err) = err {
            eprint!("{err}");
        }
        return Err(format!("{what}: failed ({status})"));
    }
    Ok(out)
}

fn gzip_len(path: &Path) -> Option<usize> {
    let out = Command::new("gzip").arg("-9c").arg(path).output().ok()?;
    out.status.success().then_some(out.stdout.len())
}

fn target_dir() -> PathBuf {
    env::var_os("CARGO_TARGET_DIR").map_or_else(|| root().join("target"), PathBuf::from)
}

// ---------------------------------------------------------------------------------------------
// The measurements

/// PyTorch configurations: (model, impl, threads, every round?).
fn pytorch_configs(o: &Opts) -> Vec<(&'static str, &'static str, u32, bool)> {
    let mut v = Vec::new();
    for model in ["mlp", "deep"] {
        for imp in ["notebook", "nn_sgd"] {
            v.push((model, imp, 1, true));
            if !o.quick {
                // Two threads lose to one on this kind of machine (see pytorch.md); measured once.
                v.push((model, imp, 2, false));
            }
        }
    }
    if o.compile {
        v.push(("deep", "nn_compile", 1, false));
    }
    v
}

/// PyTorch's bench script: `$MAKEMORE_PYTORCH_BENCH`, else the repository's own.
fn pytorch_script() -> PathBuf {
    env::var_os("MAKEMORE_PYTORCH_BENCH").map_or_else(
        || root().join("tests/reference/bench_pytorch.py"),
        PathBuf::from,
    )
}

fn torch_version() -> Option<String> {
    let out = Command::new("python3")
        .args(["-c", "import torch; print(torch.__version__)"])
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn run_pytorch(model: &str, imp: &str, threads: u32) -> Result<Json> {
    let (iters, warmup) = match model {
        "mlp" => ("4000", "400"),
        _ => ("1500", "200"),
    };
    let mut cmd = Command::new("python3");
    cmd.arg(pytorch_script())
        .args(["--model", model, "--impl", imp, "--threads"])
        .arg(threads.to_string())
        .args(["--iters", iters, "--warmup", warmup, "--reps", "3"])
        .args(["--eval-reps", "1"])
        // The same names as ours (the page's default file).
        .arg("--data")
        .arg(root().join("www/names.txt"))
        .env("OMP_NUM_THREADS", threads.to_string());
    if threads > 1 {
        // libgomp's spin-waiting collapses 2-thread runs on a loaded 2-core machine
        // (see pytorch.md); passive waiting is what the reference used for its 2-thread rows.
        cmd.env("OMP_WAIT_POLICY", "PASSIVE");
    }
    let what = format!("bench_pytorch.py {model} {imp} {threads} thread(s)");
    let out = capture(&mut cmd, &what, Some(PYTORCH_TIMEOUT), true)?;
    last_json(&out).ok_or_else(|| format!("{what}: no JSON line in its output"))
}

/// Every measurement, by key, with the round it was taken in.
struct Samples(BTreeMap<String, Vec<(usize, f64)>>);

impl Samples {
    fn push(&mut self, key: impl Into<String>, round: usize, v: Option<f64>) {
        if let Some(v) = v.filter(|v| v.is_finite()) {
            self.0.entry(key.into()).or_default().push((round, v));
        }
    }
    fn med(&self, key: &str) -> Option<f64> {
        self.0
            .get(key)
            .and_then(|v| median(v.iter().map(|x| x.1).collect()))
    }
    fn all(&self, key: &str) -> Vec<f64> {
        self.0
            .get(key)
            .map(|v| v.iter().map(|x| x.1).collect())
            .unwrap_or_default()
    }
    fn at(&self, key: &str, round: usize) -> Option<f64> {
        self.0
            .get(key)
            .and_then(|v| v.iter().find(|x| x.0 == round).map(|x| x.1))
    }
}

pub fn bench(flags: &[String]) -> Result {
    let o = parse(flags)?;
    let say = |msg: &str| eprintln!("bench: {msg}");
    let load_start = loadavg();

    say("building the native bench (release)");
    crate::run(cargo().args([
        "build",
        "--release",
        "--quiet",
        "-p",
        "makemore-lab",
        "--bin",
        "bench",
    ]))?;
    let native_exe = target_dir().join("release").join("bench");

    let mut wasm_raw = None;
    let mut wasm_gz = None;
    if o.browser {
        say("building the wasm package (release) into www/pkg");
        crate::toolchain::ensure_chromium()?;
        build(false)?;
        let wasm = root().join("www/pkg/makemore_lab_bg.wasm");
        // A browser loads one of the two builds (the page and its worker pick the same): the
        // larger one is the figure.
        for wasm in [wasm, root().join("www/pkg/relaxed/makemore_lab_bg.wasm")] {
            let raw = std::fs::metadata(&wasm).ok().map(|m| m.len() as usize);
            let gz = gzip_len(&wasm);
            if gz > wasm_gz {
                (wasm_raw, wasm_gz) = (raw, gz);
            }
        }
        if !root().join("node_modules/playwright-core").is_dir() {
            crate::run(Command::new("npm").args(["ci", "--no-audit", "--no-fund"]))?;
        }
    }
    let script = pytorch_script().is_file();
    let torch = if o.pytorch && script {
        torch_version()
    } else {
        None
    };
    let torch_note = match (&torch, o.pytorch, script) {
        (Some(v), _, _) => format!("PyTorch {v} (bench_pytorch.py, same run)"),
        (None, false, _) => "PyTorch skipped (--no-pytorch)".into(),
        (None, true, false) => format!(
            "no PyTorch columns: {} not found (set MAKEMORE_PYTORCH_BENCH)",
            pytorch_script().display()
        ),
        (None, true, true) => {
            "no PyTorch columns: `import torch` fails here (`pip install torch`)".into()
        }
    };

    let mut s = Samples(BTreeMap::new());
    let mut chromium = String::new();
    let mut backend = String::new();
    let mut page_kernels = String::new();
    let mut errors: Vec<String> = Vec::new();
    let mut loads = vec![load_start.clone()];
    for round in 0..o.rounds {
        say(&format!(
            "round {} of {} (load {})",
            round + 1,
            o.rounds,
            loadavg()
        ));
        // Native.
        let mut cmd = Command::new(&native_exe);
        cmd.arg("--json");
        if o.quick {
            cmd.arg("--quick");
        } else {
            cmd.args(["--reps", "3"]);
        }
        let n = last_json(&capture(&mut cmd, "native bench", None, false)?)
            .ok_or("native bench: no JSON line")?;
        backend = n.get("backend").str().unwrap_or("?").to_string();
        for k in [
            "peak_gflops",
            "matmul_deep_gflops",
            "matmul_deep_fraction",
            "mlp_steps_per_s",
            "deep_steps_per_s",
            "mlp_step_mflop",
            "deep_step_mflop",
            "deep_eval_train_s",
            "deep_eval_examples",
        ] {
            s.push(format!("native.{k}"), round, n.get(k).num());
        }
        // Browser.
        if o.browser {
            let mut cmd = Command::new("node");
            cmd.arg(root().join("tests/bench/browser.mjs"))
                .args(["--rounds", if o.quick { "1" } else { "2" }]);
            match capture(
                &mut cmd,
                "browser bench",
                Some(Duration::from_secs(600)),
                false,
            )
            .and_then(|out| last_json(&out).ok_or("browser bench: no JSON line".into()))
            {
                Ok(b) => {
                    chromium = b.get("chromium").str().unwrap_or("?").to_string();
                    for k in [
                        "mlp_steps_per_s",
                        "deep_steps_per_s",
                        "worker_only_mlp_steps_per_s",
                        "worker_only_deep_steps_per_s",
                        "first_step_ms",
                        "ready_ms",
                        "longest_task_ms",
                        "main_busy_pct",
                    ] {
                        s.push(format!("browser.{k}"), round, b.get(k).num());
                    }
                    page_kernels = b.get("page_kernels").str().unwrap_or("?").to_string();
                    for build in ["plain", "relaxed"] {
                        let kb = b.get("kernels").get(build);
                        for k in ["peak_gflops", "matmul_gflops", "matmul_fraction"] {
                            s.push(format!("browser.{build}.{k}"), round, kb.get(k).num());
                        }
                    }
                    for e in b.get("errors").arr() {
                        errors.push(format!("page: {}", e.str().unwrap_or("?")));
                    }
                }
                Err(e) => errors.push(e),
            }
        }
        // PyTorch.
        if torch.is_some() {
            for (model, imp, threads, every) in pytorch_configs(&o) {
                if !every && round > 0 {
                    continue;
                }
                say(&format!("PyTorch {model} {imp}, {threads} thread(s)"));
                match run_pytorch(model, imp, threads) {
                    Ok(j) => {
                        let key = format!("torch.{model}.{imp}.{threads}");
                        s.push(
                            format!("{key}.it_per_s"),
                            round,
                            j.get("it_per_s_median").num(),
                        );
                        s.push(
                            format!("{key}.eval_ms"),
                            round,
                            j.get("eval_ms_median").num(),
                        );
                    }
                    Err(e) => errors.push(e),
                }
            }
        }
        loads.push(loadavg());
    }

    // PyTorch's best eager implementation per model (median over rounds, best of thread counts).
    let eager_best = |model: &str| -> Option<(f64, String)> {
        let mut best: Option<(f64, String)> = None;
        for imp in ["notebook", "nn_sgd"] {
            for threads in [1, 2] {
                if let Some(v) = s.med(&format!("torch.{model}.{imp}.{threads}.it_per_s")) {
                    if best.as_ref().is_none_or(|(b, _)| v > *b) {
                        best = Some((v, format!("{imp}, {threads} thr")));
                    }
                }
            }
        }
        best
    };
    // Fastest PyTorch full-split eval of the deep model, over every implementation measured.
    let eval_best = || -> Option<(f64, String)> {
        let mut best: Option<(f64, String)> = None;
        for imp in ["notebook", "nn_sgd", "nn_compile"] {
            for threads in [1, 2] {
                if let Some(v) = s.med(&format!("torch.deep.{imp}.{threads}.eval_ms")) {
                    if best.as_ref().is_none_or(|(b, _)| v < *b) {
                        best = Some((v, format!("{imp}, {threads} thr")));
                    }
                }
            }
        }
        best
    };
    let compiled = s.med("torch.deep.nn_compile.1.it_per_s");
    let mlp_best = eager_best("mlp");
    let deep_best = eager_best("deep");
    let eval_ref = eval_best();

    let nat = |k: &str| s.med(&format!("native.{k}"));
    let br = |k: &str| s.med(&format!("browser.{k}"));
    let mlp_mflop = nat("mlp_step_mflop").unwrap_or(f64::NAN);
    let deep_mflop = nat("deep_step_mflop").unwrap_or(f64::NAN);
    let ratio = |ours: Option<f64>, theirs: Option<&(f64, String)>| match (ours, theirs) {
        (Some(a), Some((b, _))) if *b > 0.0 => Some(a / b),
        _ => None,
    };
    // Ours over PyTorch's best eager speed of the same round, median over rounds: the two were
    // measured minutes apart rather than a whole run apart.
    let round_ratio = |ours_key: &str, model: &str| -> Option<f64> {
        let ratios: Vec<f64> = (0..o.rounds)
            .filter_map(|r| {
                let ours = s.at(ours_key, r)?;
                let best = ["notebook", "nn_sgd"]
                    .iter()
                    .flat_map(|imp| [1, 2].map(|t| format!("torch.{model}.{imp}.{t}.it_per_s")))
                    .filter_map(|k| s.at(&k, r))
                    .fold(f64::NAN, f64::max);
                (best > 0.0).then(|| ours / best)
            })
            .collect();
        median(ratios)
    };

    struct Row {
        key: &'static str,
        what: String,
        ours: Option<f64>,
        unit: &'static str,
        reference: String,
        ratio: Option<f64>,
        target: &'static str,
        met: Option<bool>,
    }
    let fmt_ref = |r: Option<&(f64, String)>, unit: &str| {
        r.map_or("-".to_string(), |(v, how)| {
            format!("{} {unit} ({how})", num(*v))
        })
    };
    let mut rows = Vec::new();
    let mlp_nat = nat("mlp_steps_per_s");
    let deep_nat = nat("deep_steps_per_s");
    let mlp_br = br("mlp_steps_per_s");
    let deep_br = br("deep_steps_per_s");
    rows.push(Row {
        key: "native.mlp_steps_per_s",
        what: "mlp steps/s, native".into(),
        ours: mlp_nat,
        unit: "",
        reference: fmt_ref(mlp_best.as_ref(), "it/s"),
        ratio: round_ratio("native.mlp_steps_per_s", "mlp"),
        target: "",
        met: None,
    });
    let r = round_ratio("browser.mlp_steps_per_s", "mlp");
    rows.push(Row {
        key: "browser.mlp_steps_per_s",
        what: "mlp steps/s, browser (page, diagnostics on)".into(),
        ours: mlp_br,
        unit: "",
        reference: fmt_ref(mlp_best.as_ref(), "it/s"),
        ratio: r,
        target: ">= 2x eager best",
        met: r.map(|r| r >= 2.0),
    });
    rows.push(Row {
        key: "browser.worker_only_mlp",
        what: "mlp steps/s, browser (worker only, no charts)".into(),
        ours: br("worker_only_mlp_steps_per_s"),
        unit: "",
        reference: String::new(),
        ratio: round_ratio("browser.worker_only_mlp_steps_per_s", "mlp"),
        target: "",
        met: None,
    });
    let r = round_ratio("native.deep_steps_per_s", "deep");
    rows.push(Row {
        key: "native.deep_steps_per_s",
        what: "deep steps/s, native".into(),
        ours: deep_nat,
        unit: "",
        reference: fmt_ref(deep_best.as_ref(), "it/s"),
        ratio: r,
        target: ">= 1.5x eager best",
        met: r.map(|r| r >= 1.5),
    });
    let r = round_ratio("browser.deep_steps_per_s", "deep");
    rows.push(Row {
        key: "browser.deep_steps_per_s",
        what: "deep steps/s, browser (page, diagnostics on)".into(),
        ours: deep_br,
        unit: "",
        reference: fmt_ref(deep_best.as_ref(), "it/s"),
        ratio: r,
        target: ">= 1x eager best",
        met: r.map(|r| r >= 1.0),
    });
    rows.push(Row {
        key: "browser.worker_only_deep",
        what: "deep steps/s, browser (worker only, no charts)".into(),
        ours: br("worker_only_deep_steps_per_s"),
        unit: "",
        reference: String::new(),
        ratio: round_ratio("browser.worker_only_deep_steps_per_s", "deep"),
        target: "",
        met: None,
    });
    if let Some(c) = compiled {
        rows.push(Row {
            key: "torch.deep.nn_compile",
            what: "deep: PyTorch nn_compile it/s (reference)".into(),
            ours: None,
            unit: "",
            reference: format!("{} it/s", num(c)),
            ratio: ratio(deep_nat, Some(&(c, String::new()))),
            target: "",
            met: None,
        });
    }
    let eval_s = nat("deep_eval_train_s");
    let eval_ratio = match (eval_s, eval_ref.as_ref()) {
        (Some(a), Some((b, _))) if a > 0.0 => Some(b / 1000.0 / a),
        _ => None,
    };
    rows.push(Row {
        key: "native.deep_eval_train_s",
        what: format!(
            "deep full-split train loss, s ({} examples)",
            nat("deep_eval_examples").map_or("?".into(), |n| format!("{n:.0}"))
        ),
        ours: eval_s,
        unit: "s",
        reference: eval_ref.as_ref().map_or("-".into(), |(ms, how)| {
            format!("{:.2} s ({how})", ms / 1000.0)
        }),
        ratio: eval_ratio,
        target: "faster (ratio = speed-up)",
        met: eval_ratio.map(|r| r > 1.0),
    });
    let peak = nat("peak_gflops");
    let mm = nat("matmul_deep_gflops");
    let frac = nat("matmul_deep_fraction");
    rows.push(Row {
        key: "native.matmul_deep_gflops",
        what: format!("matmul at deep shapes, GFLOP/s ({backend})"),
        ours: mm,
        unit: "",
        reference: peak.map_or("-".into(), |p| {
            format!("peak {} (register FMA loop)", num(p))
        }),
        ratio: frac,
        target: ">= 0.5 of peak",
        met: frac.map(|f| f >= 0.5),
    });
    for (name, steps, mflop) in [("mlp", mlp_nat, mlp_mflop), ("deep", deep_nat, deep_mflop)] {
        let g = steps.map(|v| v * mflop / 1000.0);
        rows.push(Row {
            key: if name == "mlp" {
                "native.mlp_step_gflops"
            } else {
                "native.deep_step_gflops"
            },
            what: format!("{name} training step, GFLOP/s native ({mflop:.2} MFLOP/step)"),
            ours: g,
            unit: "",
            reference: peak.map_or("-".into(), |p| format!("peak {}", num(p))),
            ratio: g.zip(peak).map(|(a, b)| a / b),
            target: "",
            met: None,
        });
    }
    for (build, how) in [
        ("relaxed", "relaxed-simd FMA"),
        ("plain", "simd128 mul+add"),
    ] {
        let frac = br(&format!("{build}.matmul_fraction"));
        rows.push(Row {
            key: if build == "plain" {
                "browser.plain.matmul_gflops"
            } else {
                "browser.relaxed.matmul_gflops"
            },
            what: format!("matmul at deep shapes, GFLOP/s wasm ({how})"),
            ours: br(&format!("{build}.matmul_gflops")),
            unit: "",
            reference: br(&format!("{build}.peak_gflops"))
                .map_or("-".into(), |p| format!("peak {} (same build)", num(p))),
            ratio: frac,
            target: "",
            met: None,
        });
    }
    // The page's worker uses the relaxed build where the browser has relaxed SIMD.
    let page_build = if page_kernels.contains("relaxed") {
        "relaxed"
    } else {
        "plain"
    };
    let wpeak = br(&format!("{page_build}.peak_gflops"));
    for (name, steps, mflop) in [
        ("mlp", br("worker_only_mlp_steps_per_s"), mlp_mflop),
        ("deep", br("worker_only_deep_steps_per_s"), deep_mflop),
    ] {
        let g = steps.map(|v| v * mflop / 1000.0);
        rows.push(Row {
            key: if name == "mlp" {
                "browser.mlp_step_gflops"
            } else {
                "browser.deep_step_gflops"
            },
            what: format!("{name} training step, GFLOP/s wasm (worker only)"),
            ours: g,
            unit: "",
            reference: wpeak.map_or("-".into(), |p| format!("{page_build} peak {}", num(p))),
            ratio: g.zip(wpeak).map(|(a, b)| a / b),
            target: "",
            met: None,
        });
    }
    let kib = |b: usize| b as f64 / 1024.0;
    rows.push(Row {
        key: "wasm_gzip_bytes",
        what: format!(
            "wasm size, KiB gzip -9 (raw {}; the larger of the two builds)",
            wasm_raw.map_or("?".into(), |b| format!("{:.0} KiB", kib(b)))
        ),
        ours: wasm_gz.map(kib),
        unit: "",
        reference: String::new(),
        ratio: None,
        target: "< 300 KB",
        met: wasm_gz.map(|b| b < 300_000),
    });
    let first = br("first_step_ms");
    rows.push(Row {
        key: "browser.first_step_ms",
        what: format!(
            "page load -> first step done, ms (worker ready at {})",
            br("ready_ms").map_or("?".into(), |v| format!("{v:.0} ms"))
        ),
        ours: first,
        unit: "ms",
        reference: String::new(),
        ratio: None,
        target: "< 1000 ms",
        met: first.map(|v| v < 1000.0),
    });
    rows.push(Row {
        key: "browser.longest_task_ms",
        what: format!(
            "longest main-thread task while training, ms (main thread busy {})",
            br("main_busy_pct").map_or("?".into(), |v| format!("{v:.0}%"))
        ),
        ours: br("longest_task_ms"),
        unit: "ms",
        reference: String::new(),
        ratio: None,
        target: "",
        met: None,
    });

    if o.json {
        let f = |v: Option<f64>| v.map_or("null".to_string(), |x| format!("{x:.4}"));
        let torch_obj =
            s.0.iter()
                .filter(|(k, _)| k.starts_with("torch."))
                .map(|(k, _)| format!("\"{}\":{}", &k[6..], f(s.med(k))))
                .collect::<Vec<_>>()
                .join(",");
        let targets = rows
            .iter()
            .filter_map(|r| r.met.map(|m| format!("\"{}\":{m}", r.key)))
            .collect::<Vec<_>>()
            .join(",");
        let errs = errors
            .iter()
            .map(|e| format!("\"{}\"", e.replace('\\', "\\\\").replace('"', "\\\"")))
            .collect::<Vec<_>>()
            .join(",");
        println!(
            "{{\"machine\":\"{}\",\"rounds\":{},\"load\":[{}],\"backend\":\"{backend}\",\"chromium\":\"{chromium}\",\
             \"native\":{{\"mlp_steps_per_s\":{},\"deep_steps_per_s\":{},\"deep_eval_train_s\":{},\"peak_gflops\":{},\"matmul_deep_gflops\":{},\"mlp_steps_per_s_all\":[{}],\"deep_steps_per_s_all\":[{}]}},\
             \"browser\":{{\"mlp_steps_per_s\":{},\"deep_steps_per_s\":{},\"first_step_ms\":{},\"longest_task_ms\":{},\"worker_only_mlp_steps_per_s\":{},\"worker_only_deep_steps_per_s\":{},\"main_busy_pct\":{},\"page_kernels\":\"{page_kernels}\",\"peak_gflops\":{},\"matmul_relaxed_gflops\":{},\"matmul_plain_gflops\":{},\"mlp_steps_per_s_all\":[{}],\"deep_steps_per_s_all\":[{}]}},\
             \"wasm_bytes\":{},\"wasm_gzip_bytes\":{},\"pytorch\":{{{torch_obj}}},\"pytorch_eager_best\":{{\"mlp\":{},\"deep\":{}}},\"targets\":{{{targets}}},\"errors\":[{errs}]}}",
            cpu_model(),
            o.rounds,
            loads.iter().map(|l| format!("\"{l}\"")).collect::<Vec<_>>().join(","),
            f(mlp_nat),
            f(deep_nat),
            f(eval_s),
            f(peak),
            f(mm),
            s.all("native.mlp_steps_per_s").iter().map(|v| format!("{v:.0}")).collect::<Vec<_>>().join(","),
            s.all("native.deep_steps_per_s").iter().map(|v| format!("{v:.0}")).collect::<Vec<_>>().join(","),
            f(mlp_br),
            f(deep_br),
            f(first),
            f(br("longest_task_ms")),
            f(br("worker_only_mlp_steps_per_s")),
            f(br("worker_only_deep_steps_per_s")),
            f(br("main_busy_pct")),
            f(wpeak),
            f(br("relaxed.matmul_gflops")),
            f(br("plain.matmul_gflops")),
            s.all("browser.mlp_steps_per_s").iter().map(|v| format!("{v:.0}")).collect::<Vec<_>>().join(","),
            s.all("browser.deep_steps_per_s").iter().map(|v| format!("{v:.0}")).collect::<Vec<_>>().join(","),
            wasm_raw.map_or("null".into(), |b| b.to_string()),
            wasm_gz.map_or("null".into(), |b| b.to_string()),
            f(mlp_best.as_ref().map(|b| b.0)),
            f(deep_best.as_ref().map(|b| b.0)),
        );
        return Ok(());
    }

    println!(
        "makemore-lab bench: {}; load average {}; {} round(s), medians",
        cpu_model(),
        loads.join(" -> "),
        o.rounds
    );
    println!(
        "native kernels: {backend}; browser: headless Chromium {}, page worker kernels {}; {torch_note}",
        if chromium.is_empty() { "-" } else { &chromium },
        if page_kernels.is_empty() { "-" } else { &page_kernels }
    );
    println!(
        "ratio: speeds, the median over rounds of ours / PyTorch's best eager of the same round; \
         eval, PyTorch's best median / ours; matmul, the median of back-to-back pairs"
    );
    println!();
    let w0 = rows.iter().map(|r| r.what.len()).max().unwrap_or(10).max(6);
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
    for r in &rows {
        let ours = r.ours.map_or("-".to_string(), |v| match r.unit {
            "s" => format!("{v:.2}"),
            _ => num(v),
        });
        let ratio = r.ratio.map_or(String::new(), |v| format!("{v:.2}x"));
        let verdict = match r.met {
            Some(true) => "met",
            Some(false) => "MISSED",
            None => "",
        };
        println!(
            "{:<w0$}  {:>9}  {:<w2$}  {:>7}  {:<26} {}",
            r.what, ours, r.reference, ratio, r.target, verdict
        );
    }
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
    if torch.is_some() {
        let mut parts = Vec::new();
        for (model, imp, threads, _) in pytorch_configs(&o) {
            let k = format!("torch.{model}.{imp}.{threads}.it_per_s");
            if let Some(v) = s.med(&k) {
                parts.push(format!("{model} {imp} {threads}thr {}", num(v)));
            }
        }
        println!("PyTorch it/s (medians): {}", parts.join("; "));
    }
    for e in &errors {
        println!("note: {e}");
    }
    Ok(())
}

/// A number with 3 significant digits (no exponent).
fn num(v: f64) -> String {
    if !v.is_finite() {
        return v.to_string();
    }
    let a = v.abs();
    if a >= 100.0 {
        format!("{v:.0}")
    } else if a >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}
