//! Build chores for makemore-lab, run as `cargo xtask <command>` (alias in .cargo/config.toml).
//!
//! - `build [--debug]`          wasm builds of the lib + wasm-bindgen (`--target web`) into www/pkg/,
//!   relaxed/ and threads/ (see threads.rs)
//! - `serve [--port N] [--isolate]`  build, then serve www/ at http://127.0.0.1:8000/
//! - `test [--native]`          every check and test, in order; the first failure stops the run
//! - `bench [--json] [--quick]`  speed: native, the page in Chromium, PyTorch side by side (xtask/src/bench.rs)
//! - `bench-threads [--quick]`  the threaded build's speed on 1..cores threads and its scaling (threads.rs)
//! - `wasm-test-runner ARGS..`  internal: cargo's runner for wasm32 tests (wasm-bindgen-test-runner)
//!
//! std only, plus wasm-bindgen-cli-support and wasm-bindgen-cli used as libraries, pinned to the
//! same version as the `wasm-bindgen` crate, so nothing has to be installed with `cargo install`.

mod bench;
mod serve;
mod threads;

use std::env;
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

type Result<T = ()> = std::result::Result<T, String>;

const WASM_TARGET: &str = "wasm32-unknown-unknown";
const PACKAGE: &str = "makemore-lab";
/// File stem of the wasm artifact and of the generated bindings (www/pkg/makemore_lab.js).
const OUT_NAME: &str = "makemore_lab";
/// wasm-bindgen test files; each is `#![cfg(target_arch = "wasm32")]` and only those present run.
const WASM_TESTS: [&str; 3] = ["node", "web", "worker"];
const USAGE: &str =
    "usage: cargo xtask build [--debug] | serve [--port N] [--isolate] | test [--native] | bench | bench-threads";

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let cmd = args.first().map(String::as_str).unwrap_or("");
    let flags = args.get(1..).unwrap_or_default();
    if cmd == "wasm-test-runner" {
        return wasm_test_runner();
    }
    if let Err(e) = env::set_current_dir(root()) {
        eprintln!("xtask: cannot enter the repository root: {e}");
        return ExitCode::FAILURE;
    }
    let result = match cmd {
        "build" => build(flags.iter().any(|f| f == "--debug")),
        "serve" => serve_cmd(flags),
        "test" => test(flags.iter().any(|f| f == "--native")),
        "bench" => bench::bench(flags),
        "bench-threads" => threads::bench(flags),
        _ => Err(USAGE.to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The repository root: the parent of this crate's directory. `cargo run` sets
/// CARGO_MANIFEST_DIR at run time too, which stays right if the repository (with its target/)
/// was moved or copied; the compile-time value is the fallback.
fn root() -> PathBuf {
    let manifest_dir = env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from);
    manifest_dir.parent().unwrap().to_path_buf()
}

/// A cargo command without the variables `cargo run` set for this program. Some build scripts
/// (ring's) watch CARGO_MANIFEST_DIR, so a nested cargo that inherits it would make the next
/// top-level `cargo xtask` rebuild ring, rustls, ureq, wasm-bindgen-cli and xtask (2 min here).
fn cargo() -> Command {
    let mut cmd = Command::new(env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    for (key, _) in env::vars_os() {
        let key = key.to_string_lossy();
        let injected = [
            "CARGO_MANIFEST_",
            "CARGO_PKG_",
            "CARGO_CRATE_NAME",
            "CARGO_BIN_NAME",
        ];
        if injected.iter().any(|p| key.starts_with(p)) || key == "CARGO_PRIMARY_PACKAGE" {
            cmd.env_remove(&*key);
        }
    }
    cmd
}

/// Runs a command with inherited stdio and fails if it exits non-zero.
fn run(cmd: &mut Command) -> Result {
    let program = Path::new(cmd.get_program()).file_name().unwrap_or_default();
    let args = cmd.get_args().map(|a| a.to_string_lossy());
    let shown = std::iter::once(program.to_string_lossy())
        .chain(args)
        .collect::<Vec<_>>()
        .join(" ");
    let status = cmd
        .status()
        .map_err(|e| format!("cannot start `{shown}`: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{shown}` failed ({status})"))
    }
}

/// Runs a command quietly and returns its stdout, or None if it could not run or failed.
fn output(cmd: &mut Command) -> Option<String> {
    let out = cmd.output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

fn ensure_wasm_target() -> Result {
    let installed = output(Command::new("rustup").args(["target", "list", "--installed"]));
    if installed.is_some_and(|s| s.lines().any(|l| l.trim() == WASM_TARGET)) {
        return Ok(());
    }
    run(Command::new("rustup").args(["target", "add", WASM_TARGET]))
}

/// Finds `name` in /usr/bin or on PATH.
fn which(name: &str) -> Option<PathBuf> {
    let path = env::var_os("PATH").unwrap_or_default();
    std::iter::once(PathBuf::from("/usr/bin"))
        .chain(env::split_paths(&path))
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// Chromium and chromedriver from Debian (the wasm-bindgen browser tests and the E2E tests use
/// them). Installs them with apt when missing and running as root. Returns chromedriver's path.
fn ensure_chromium() -> Result<PathBuf> {
    let found = || which("chromium").and(which("chromedriver"));
    if let Some(driver) = found() {
        return Ok(driver);
    }
    let is_root = output(Command::new("id").arg("-u")).is_some_and(|s| s.trim() == "0");
    if !is_root {
        return Err("chromium and chromedriver are needed; install them with \
                    `sudo apt-get install -y chromium chromium-driver` (or run as root)"
            .into());
    }
    println!("installing chromium and chromium-driver with apt-get");
    run(Command::new("apt-get").arg("update"))?;
    run(Command::new("apt-get")
        .args(["install", "-y", "chromium", "chromium-driver"])
        .env("DEBIAN_FRONTEND", "noninteractive"))?;
    found().ok_or_else(|| "apt-get finished but chromium/chromedriver are still missing".into())
}

fn target_dir() -> PathBuf {
    env::var_os("CARGO_TARGET_DIR").map_or_else(|| root().join("target"), PathBuf::from)
}

/// The two wasm builds of the lib: plain simd128 (www/pkg/) and simd128 + relaxed-simd
/// (www/pkg/relaxed/), whose matrix kernels use fused multiply-add. The page and the worker load
/// the same one, chosen by www/simd.js: the relaxed build where `WebAssembly.validate` accepts
/// `f32x4.relaxed_madd`, else the plain one. Each build has its own target directory, so
/// switching flags never rebuilds the other.
pub struct Variant {
    pub name: &'static str,
    /// Target features for rustc (replacing .cargo/config.toml's `+simd128`).
    pub features: &'static str,
    /// Under `target_dir()`; `None` is the default target directory.
    pub target_subdir: Option<&'static str>,
    /// Under www/pkg/.
    pub out_subdir: &'static str,
}

pub const VARIANTS: [Variant; 2] = [
    Variant {
        name: "simd128",
        features: "+simd128",
        target_subdir: None,
        out_subdir: "",
    },
    Variant {
        name: "simd128 + relaxed-simd",
        features: "+simd128,+relaxed-simd",
        target_subdir: Some("relaxed"),
        out_subdir: "relaxed",
    },
];

/// Sets the wasm rustflags of `variant` on a cargo command (and its target directory).
pub fn wasm_flags(cmd: &mut Command, variant: &Variant) {
    cmd.env(
        "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS",
        format!("-C target-feature={}", variant.features),
    );
    if let Some(sub) = variant.target_subdir {
        cmd.env("CARGO_TARGET_DIR", target_dir().join(sub));
    }
}

fn variant_target_dir(variant: &Variant) -> PathBuf {
    match variant.target_subdir {
        Some(sub) => target_dir().join(sub),
        None => target_dir(),
    }
}

/// Release (or debug) wasm builds of the lib (both variants), then bindings for
/// `<script type=module>` and module workers into www/pkg/.
fn build(debug: bool) -> Result {
    ensure_wasm_target()?;
    let out_root = root().join("www/pkg");
    // Stale files (old snippets) must not survive; the directory is generated.
    let _ = fs::remove_dir_all(&out_root);
    for variant in &VARIANTS {
        build_variant(variant, debug, &out_root.join(variant.out_subdir))?;
    }
    threads::ensure_nightly()?;
    let v = &threads::VARIANT;
    build_variant(v, debug, &out_root.join(v.out_subdir))
}

fn build_variant(variant: &Variant, debug: bool, out_dir: &Path) -> Result {
    let mut cmd = if variant.out_subdir == threads::VARIANT.out_subdir {
        threads::cargo_build(debug)
    } else {
        let mut cmd = cargo();
        cmd.args(["build", "--lib", "--target", WASM_TARGET, "-p", PACKAGE]);
        wasm_flags(&mut cmd, variant);
        if !debug {
            cmd.arg("--release");
        }
        cmd
    };
    let t = Instant::now();
    run(&mut cmd)?;
    println!(
        "wasm build ({}): {:.1} s",
        variant.name,
        t.elapsed().as_secs_f64()
    );

    let profile = if debug { "debug" } else { "release" };
    let input = variant_target_dir(variant)
        .join(WASM_TARGET)
        .join(profile)
        .join(format!("{OUT_NAME}.wasm"));
    let t = Instant::now();
    wasm_bindgen_cli_support::Bindgen::new()
        .input_path(&input)
        .out_name(OUT_NAME)
        .web(true)
        .map_err(|e| format!("{e:#}"))?
        .typescript(false)
        .keep_debug(debug)
        // The library defaults to true, unlike the CLI; with true, `init()` without an
        // argument cannot find the .wasm file ("Argument 0 must be a buffer source").
        .omit_default_module_path(false)
        .generate(out_dir)
        .map_err(|e| format!("wasm-bindgen on {}: {e:#}", input.display()))?;
    println!(
        "wasm-bindgen: {:.1} s -> {}",
        t.elapsed().as_secs_f64(),
        out_dir.display()
    );

    let wasm = out_dir.join(format!("{OUT_NAME}_bg.wasm"));
    // Debian's binaryen 108 corrupts the externref table (see the toolchain notes), so wasm-opt
    // runs only when asked for: WASM_OPT=/path/to/wasm-opt (e.g. npm binaryen >= 132).
    if let Some(wasm_opt) = env::var_os("WASM_OPT") {
        run(Command::new(wasm_opt)
            .arg("-O3")
            .arg("--enable-relaxed-simd")
            .arg(&wasm)
            .arg("-o")
            .arg(&wasm))?;
    }
    print_size(&wasm);
    Ok(())
}

fn print_size(wasm: &Path) {
    let kib = |n: usize| n as f64 / 1024.0;
    let raw = fs::metadata(wasm).map_or(0, |m| m.len() as usize);
    let gzip = Command::new("gzip").arg("-9c").arg(wasm).output().ok();
    let gzip = gzip
        .filter(|o| o.status.success())
        .map(|o| format!(", {:.1} KiB gzip -9", kib(o.stdout.len())));
    let gzip = gzip.unwrap_or_default();
    println!("{}: {:.1} KiB{gzip}", wasm.display(), kib(raw));
}

fn serve_cmd(flags: &[String]) -> Result {
    let mut port = 8000;
    let mut isolate = false;
    let mut it = flags.iter();
    while let Some(flag) = it.next() {
        match flag.as_str() {
            "--isolate" => isolate = true,
            "--port" => {
                port = it
                    .next()
                    .and_then(|p| p.parse().ok())
                    .ok_or("--port needs a number")?
            }
            _ => return Err(USAGE.into()),
        }
    }
    build(false)?;
    serve::serve(&root().join("www"), port, isolate)
}

/// One step of `cargo xtask test`: a header, the work, its wall time.
fn step(times: &mut Vec<(String, f64)>, name: &str, f: impl FnOnce() -> Result) -> Result {
    println!("\n==> {name}");
    let t = Instant::now();
    let result = f();
    let secs = t.elapsed().as_secs_f64();
    println!(
        "<== {name}: {} in {secs:.1} s",
        if result.is_ok() { "ok" } else { "FAILED" }
    );
    times.push((name.to_string(), secs));
    result
}

fn test(native_only: bool) -> Result {
    let start = Instant::now();
    let mut times = Vec::new();
    let result = test_steps(native_only, &mut times);
    println!("\nstep times:");
    for (name, secs) in &times {
        println!("  {secs:7.1} s  {name}");
    }
    let total = start.elapsed().as_secs_f64();
    let verdict = if result.is_ok() {
        "all passed"
    } else {
        "FAILED"
    };
    println!("  {total:7.1} s  total: {verdict}");
    result
}

fn test_steps(native_only: bool, times: &mut Vec<(String, f64)>) -> Result {
    let mut chromedriver = PathBuf::new();
    if !native_only {
        step(times, "toolchain: wasm32 target, chromium, node", || {
            ensure_wasm_target()?;
            chromedriver = ensure_chromium()?;
            for tool in ["node", "npm"] {
                which(tool).ok_or(format!(
                    "`{tool}` (Node.js >= 20) is needed for the E2E tests"
                ))?;
            }
            Ok(())
        })?;
    }
    step(times, "cargo fmt --check", || {
        run(cargo().args(["fmt", "--all", "--check"]))
    })?;
    let deny = ["--", "-D", "warnings"];
    step(times, "cargo clippy (native)", || {
        run(cargo()
            .args(["clippy", "--workspace", "--all-targets"])
            .args(deny))
    })?;
    // The wasm-bindgen test files present, as `--test NAME` arguments.
    let wasm_tests: Vec<&str> = WASM_TESTS
        .iter()
        .filter(|t| Path::new(&format!("tests/{t}.rs")).is_file())
        .flat_map(|t| ["--test", t])
        .collect();
    if !native_only {
        // Native clippy never sees `#[cfg(target_arch = "wasm32")]` code.
        step(times, "cargo clippy (wasm32)", || {
            run(cargo()
                .args(["clippy", "-p", PACKAGE, "--target", WASM_TARGET, "--lib"])
                .args(&wasm_tests)
                .args(deny))
        })?;
        // The relaxed-simd build compiles `cfg(target_feature = "relaxed-simd")` code too.
        step(times, "cargo clippy (wasm32, relaxed-simd)", || {
            let mut cmd = cargo();
            cmd.args(["clippy", "-p", PACKAGE, "--target", WASM_TARGET, "--lib"])
                .args(deny);
            wasm_flags(&mut cmd, &VARIANTS[1]);
            run(&mut cmd)
        })?;
    }
    step(times, "cargo test (native)", || {
        // Not xtask: it has no tests, and a test build of it links ~190 crates for nothing.
        let args = [
            "test",
            "--workspace",
            "--exclude",
            "xtask",
            "--no-fail-fast",
        ];
        run(cargo().args(args))
    })?;
    if native_only {
        return Ok(());
    }
    step(times, "cargo test (wasm32: node, browser, worker)", || {
        if wasm_tests.is_empty() {
            println!("no tests/{{node,web,worker}}.rs yet: skipped");
            return Ok(());
        }
        wasm_test(&wasm_tests, &chromedriver)
    })?;
    step(times, "release build + bindgen", || build(false))?;
    step(times, "npm ci", || {
        if Path::new("node_modules").is_dir() || !Path::new("package-lock.json").is_file() {
            println!("node_modules present: skipped");
            return Ok(());
        }
        run(Command::new("npm").args(["ci", "--no-audit", "--no-fund"]))
    })?;
    step(times, "node --test tests/e2e/", || {
        run(Command::new("node").args(["--test", "tests/e2e/"]))
    })
}

/// `cargo test` of the wasm-bindgen test files, with this exe as cargo's runner for wasm32.
fn wasm_test(test_args: &[&str], chromedriver: &Path) -> Result {
    let exe = env::current_exe().map_err(|e| e.to_string())?;
    // If a concurrent `cargo build` replaced the binary, Linux names the old one "... (deleted)".
    let exe = match exe.to_str().and_then(|s| s.strip_suffix(" (deleted)")) {
        Some(path) => PathBuf::from(path),
        None => exe,
    };
    let mut cmd = cargo();
    // No `-q`: cargo would pass `--quiet` to the runner, which rejects it.
    cmd.args([
        "test",
        "--no-fail-fast",
        "--target",
        WASM_TARGET,
        "-p",
        PACKAGE,
    ])
    .args(test_args)
    .env(
        "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
        format!("{} wasm-test-runner", exe.display()),
    )
    .env("CHROMEDRIVER", chromedriver);
    // Debug wasm on a loaded 2-core machine is slow: raise the runner's 20 s / 5 s defaults.
    let timeouts = [
        ("WASM_BINDGEN_TEST_TIMEOUT", "120"),
        ("WASM_BINDGEN_TEST_DRIVER_TIMEOUT", "30"),
    ];
    for (var, secs) in timeouts {
        if env::var_os(var).is_none() {
            cmd.env(var, secs);
        }
    }
    run(&mut cmd)
}

/// cargo runs `<xtask exe> wasm-test-runner <test.wasm> [libtest args]` for each wasm32 test.
fn wasm_test_runner() -> ExitCode {
    let args =
        std::iter::once(OsString::from("wasm-bindgen-test-runner")).chain(env::args_os().skip(2));
    match wasm_bindgen_cli::wasm_bindgen_test_runner::run_cli_with_args(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
