//! `cargo xtask test`: every check and test in order (toolchain and npm packages, fmt, clippy
//! native and for every wasm build of variants.rs, native tests, xtask's own tests,
//! wasm-bindgen tests in Chromium, release build, browser end-to-end tests), with each step's
//! wall time; the first failure stops the run. Also cargo's runner for wasm32 tests.

use std::env;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

use crate::build::build;
use crate::process::{cargo, root, run, Result};
use crate::toolchain::{
    ensure_chromium, ensure_engines, ensure_npm_packages, ensure_python_packages, which, Toolchain,
    WASM_TARGET,
};
use crate::variants::{ALL, PACKAGE};

/// The wasm-bindgen tests (Cargo.toml's `[[test]]`s of tests/wasm/, each
/// `#![cfg(target_arch = "wasm32")]`). A file missing fails the build: none is skipped quietly.
const WASM_TESTS: [&str; 2] = ["web", "worker"];

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

pub fn test(native_only: bool) -> Result {
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
        step(
            times,
            "toolchain: wasm32 target, browsers, node, npm packages",
            || {
                Toolchain::Stable.ensure()?;
                chromedriver = ensure_chromium()?;
                ensure_engines()?;
                for tool in ["node", "npm"] {
                    which(tool).ok_or(format!(
                        "`{tool}` (Node.js >= 20) is needed for the E2E tests"
                    ))?;
                }
                ensure_npm_packages()
            },
        )?;
    }
    // The weights test reads a saved file in Python, natively too.
    step(times, "python: safetensors, numpy", ensure_python_packages)?;
    step(times, "cargo fmt --check", || {
        run(cargo().args(["fmt", "--all", "--check"]))
    })?;
    let deny = ["--", "-D", "warnings"];
    step(times, "cargo clippy (native)", || {
        run(cargo()
            .args(["clippy", "--workspace", "--all-targets"])
            .args(deny))
    })?;
    // The wasm-bindgen tests, as `--test NAME` arguments.
    let wasm_tests: Vec<&str> = WASM_TESTS.iter().flat_map(|t| ["--test", t]).collect();
    if !native_only {
        // Native clippy never sees `#[cfg(target_arch = "wasm32")]` code.
        step(times, "cargo clippy (wasm32)", || {
            run(cargo()
                .args(["clippy", "-p", PACKAGE, "--target", WASM_TARGET, "--lib"])
                .args(&wasm_tests)
                .args(deny))
        })?;
        // Each build compiles its own code: `cfg(target_feature = "relaxed-simd")` kernels,
        // the `threads` feature and the pool's wasm paths (on the nightly), the page or the
        // worker side alone.
        for v in ALL {
            step(
                times,
                &format!("cargo clippy (wasm32, {} build)", v.name),
                || {
                    v.toolchain.ensure()?;
                    run(v.cargo("clippy", false).args(deny))
                },
            )?;
        }
    }
    step(times, "cargo test (native)", || {
        // Not xtask: its own step, below.
        let args = [
            "test",
            "--workspace",
            "--exclude",
            "xtask",
            "--no-fail-fast",
        ];
        run(cargo().args(args))
    })?;
    // xtask's tests (the dev server, the usage text, the builds' table) in the dev profile:
    // the ~190 crates `cargo xtask` itself was built with, not a second build of them at the
    // test profile's opt-level.
    step(times, "cargo test (xtask)", || {
        run(cargo().args(["test", "-p", "xtask", "--profile", "dev", "--no-fail-fast"]))
    })?;
    if native_only {
        return Ok(());
    }
    step(times, "cargo test (wasm32: browser, worker)", || {
        wasm_test(&wasm_tests, &chromedriver)
    })?;
    step(times, "release build + bindgen", || build(false).map(drop))?;
    // The page's scripts against their JSDoc types and the builds' .d.ts (written just above):
    // the page's, and the workers' (their own globals).
    step(times, "tsc --noEmit (www/)", || {
        let root = root();
        for project in ["www/types", "www/types/tsconfig.worker.json"] {
            run(Command::new(root.join("node_modules/.bin/tsc"))
                .args(["--noEmit", "-p", project])
                .current_dir(&root))?;
        }
        Ok(())
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
pub fn wasm_test_runner() -> ExitCode {
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
