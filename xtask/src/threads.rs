//! The threaded wasm build (www/pkg/threads/): the relaxed-simd kernels with the lib's `threads`
//! feature, on a shared memory, so the worker's steps are split across Web Workers. Shared
//! memory needs std rebuilt with atomics, which only a nightly toolchain can do: this build alone
//! uses the pinned nightly below (installed with rust-src and the wasm target when missing);
//! everything else stays on stable.
//!
//! `cargo xtask bench-threads [--quick]`: the threaded build's speed, natively and in the browser
//! (the small MLP and the deep model on 1..cores threads, and the deep model's scaling at
//! n_hidden 200/500/1000 x batch 32/128/512, one thread vs every core).

use crate::build::{variant_target_dir, Variant, PACKAGE};
use crate::toolchain::WASM_TARGET;
use crate::{run, Result};
use std::env;
use std::process::Command;

/// The nightly the threaded build is made with, pinned so that it cannot drift.
pub const NIGHTLY: &str = "nightly-2026-05-20";

/// Largest shared memory (a shared memory must declare one): 1 GiB, far above what the largest
/// allowed model and a 4 MiB names file need.
const MAX_MEMORY: u64 = 1 << 30;

pub const VARIANT: Variant = Variant {
    name: "simd128 + relaxed-simd + threads",
    features: "+simd128,+relaxed-simd,+atomics,+bulk-memory,+mutable-globals",
    target_subdir: Some("threads"),
    out_subdir: "threads",
    crate_features: "worker,threads",
};

/// Installs the pinned nightly with rust-src (for build-std), clippy (for `cargo xtask test`)
/// and the wasm target when missing.
pub fn ensure_nightly() -> Result {
    let have = |what: &[&str]| {
        crate::output(Command::new("rustup").args(what))
            .is_some_and(|s| s.lines().any(|l| l.starts_with(NIGHTLY)))
    };
    let src = crate::output(Command::new("rustup").args([
        "component",
        "list",
        "--installed",
        "--toolchain",
        NIGHTLY,
    ]))
    .is_some_and(|s| {
        let has = |c: &str| {
            s.lines()
                .any(|l| l.trim() == c || l.starts_with(&format!("{c}-")))
        };
        has("rust-src") && has("clippy")
    });
    let target = crate::output(Command::new("rustup").args([
        "target",
        "list",
        "--installed",
        "--toolchain",
        NIGHTLY,
    ]))
    .is_some_and(|s| s.lines().any(|l| l.trim() == WASM_TARGET));
    if have(&["toolchain", "list"]) && src && target {
        return Ok(());
    }
    run(Command::new("rustup").args([
        "toolchain",
        "install",
        NIGHTLY,
        "--profile",
        "minimal",
        "--component",
        "rust-src",
        "--component",
        "clippy",
        "--target",
        WASM_TARGET,
    ]))
}

/// The cargo command of the threaded build: the pinned nightly through rustup, std rebuilt with
/// atomics, and the linker told to make the memory shared and to export what wasm-bindgen's
/// thread glue needs (without these it silently emits single-threaded glue).
pub fn cargo_build(debug: bool) -> Command {
    nightly_cargo("build", debug)
}

/// Clippy on the threaded build's configuration (the `threads` feature's code and the pool's
/// wasm paths compile only there), warnings denied.
pub fn cargo_clippy() -> Command {
    let mut cmd = nightly_cargo("clippy", false);
    cmd.args(["--", "-D", "warnings"]);
    cmd
}

/// `cargo <sub>` for the threaded build (see `cargo_build`).
fn nightly_cargo(sub: &str, debug: bool) -> Command {
    let mut cmd = Command::new("rustup");
    // Not the stable cargo's variables (`cargo xtask` runs under it): the nightly's own.
    for (key, _) in env::vars_os() {
        let key = key.to_string_lossy();
        if key.starts_with("CARGO") || ["RUSTC", "RUSTDOC", "RUSTUP_TOOLCHAIN"].contains(&&*key) {
            cmd.env_remove(&*key);
        }
    }
    cmd.args([
        "run",
        NIGHTLY,
        "cargo",
        sub,
        "--lib",
        "--target",
        WASM_TARGET,
        "-p",
        PACKAGE,
    ]);
    cmd.args([
        "--no-default-features",
        "--features",
        VARIANT.crate_features,
    ]);
    cmd.args(["-Z", "build-std=panic_abort,std"]);
    if !debug {
        cmd.arg("--release");
    }
    let links = [
        "--shared-memory".to_string(),
        "--import-memory".to_string(),
        format!("--max-memory={MAX_MEMORY}"),
        "--export=__wasm_init_tls".to_string(),
        "--export=__tls_size".to_string(),
        "--export=__tls_align".to_string(),
        "--export=__tls_base".to_string(),
    ];
    let mut flags = format!("-C target-feature={}", VARIANT.features);
    for l in links {
        flags.push_str(&format!(" -C link-arg={l}"));
    }
    cmd.env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS", flags);
    cmd.env("CARGO_TARGET_DIR", variant_target_dir(&VARIANT));
    cmd
}

/// `cargo xtask bench-threads [--quick]`: builds, then runs the native bench on 1..cores threads
/// and its scaling table, and tests/bench/threads.mjs in headless Chromium; prints their tables.
pub fn bench(flags: &[String]) -> Result {
    let quick = flags.iter().any(|f| f == "--quick");
    crate::build::build(false)?;
    run(crate::cargo().args(["build", "--release", "--bin", "bench"]))?;
    let exe = crate::target_dir().join("release/bench");
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    for t in 1..=cores {
        println!("== native, {t} thread(s)");
        let mut cmd = Command::new(&exe);
        cmd.args(["--threads", &t.to_string()]);
        if quick {
            cmd.arg("--quick");
        }
        run(&mut cmd)?;
    }
    println!("== native scaling");
    let mut cmd = Command::new(&exe);
    cmd.args(["--scaling", "--threads", &cores.to_string()]);
    if quick {
        cmd.arg("--quick");
    }
    run(&mut cmd)?;
    println!("== browser");
    if !crate::root().join("node_modules/playwright-core").is_dir() {
        run(Command::new("npm").args(["ci", "--no-audit", "--no-fund"]))?;
    }
    let mut cmd = Command::new("node");
    cmd.arg("tests/bench/threads.mjs");
    if quick {
        cmd.arg("--quick");
    }
    run(&mut cmd)
}
