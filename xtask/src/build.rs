//! `cargo xtask build`: the release (or debug) wasm builds of the lib, and their bindings for
//! `<script type=module>` and module workers: the page's module in www/pkg/page/ and the
//! training builds in www/pkg/, www/pkg/relaxed/ and www/pkg/threads/. A release build over
//! `GZIP_BUDGET` fails the command.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::toolchain::{ensure_npm_packages, ensure_wasm_target, WASM_TARGET};
use crate::{cargo, root, run, target_dir, Result};

pub const PACKAGE: &str = "makemore-lab";
/// File stem of the wasm artifact and of the generated bindings (www/pkg/makemore_lab.js).
const OUT_NAME: &str = "makemore_lab";

/// Largest gzip -9 size of each release wasm build (issue 12's floor: "under 300 KB per build").
pub const GZIP_BUDGET: usize = 300_000;

/// A wasm build of the lib. The page's main thread loads the page module (`PAGE`, the lib's
/// `page` feature: charts and the page's facts) only to draw; the worker loads one training
/// build (the `worker` feature: the lab, kernels, model), chosen by www/simd.js: plain simd128
/// (www/pkg/), or simd128 + relaxed-simd (www/pkg/relaxed/, whose matrix kernels use fused
/// multiply-add) where `WebAssembly.validate` accepts `f32x4.relaxed_madd`, or the threaded one
/// (threads.rs). Each build has its own target directory, so switching flags or features never
/// rebuilds another.
pub struct Variant {
    pub name: &'static str,
    /// Target features for rustc (replacing .cargo/config.toml's `+simd128`).
    pub features: &'static str,
    /// Under `target_dir()`; `None` is the default target directory.
    pub target_subdir: Option<&'static str>,
    /// Under www/pkg/.
    pub out_subdir: &'static str,
    /// The lib's cargo features (instead of the default `page,worker`).
    pub crate_features: &'static str,
}

pub const VARIANTS: [Variant; 2] = [
    Variant {
        name: "simd128",
        features: "+simd128",
        target_subdir: None,
        out_subdir: "",
        crate_features: "worker",
    },
    Variant {
        name: "simd128 + relaxed-simd",
        features: "+simd128,+relaxed-simd",
        target_subdir: Some("relaxed"),
        out_subdir: "relaxed",
        crate_features: "worker",
    },
];

/// The page's module: it draws and never trains, so one plain simd128 build serves every
/// browser, whichever training build its worker loads.
pub const PAGE: Variant = Variant {
    name: "page: simd128",
    features: "+simd128",
    target_subdir: Some("page"),
    out_subdir: "page",
    crate_features: "page",
};

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

pub fn variant_target_dir(variant: &Variant) -> PathBuf {
    match variant.target_subdir {
        Some(sub) => target_dir().join(sub),
        None => target_dir(),
    }
}

/// Release (or debug) wasm builds of the lib (the page module and the training builds), then
/// bindings for `<script type=module>` and module workers into www/pkg/; an error if a release
/// build is over `GZIP_BUDGET`.
pub fn build(debug: bool) -> Result {
    ensure_wasm_target()?;
    if !debug {
        // wasm-opt comes from npm's binaryen (pinned in package-lock.json).
        ensure_npm_packages()?;
    }
    let out_root = root().join("www/pkg");
    // Stale files (old snippets) must not survive; the directory is generated.
    let _ = fs::remove_dir_all(&out_root);
    let mut sizes = Vec::new();
    for variant in [&PAGE, &VARIANTS[0], &VARIANTS[1]] {
        sizes.push(build_variant(
            variant,
            debug,
            &out_root.join(variant.out_subdir),
        )?);
    }
    // The threaded build (threads.rs): the pinned nightly, installed when missing.
    crate::threads::ensure_nightly()?;
    let v = &crate::threads::VARIANT;
    sizes.push(build_variant(v, debug, &out_root.join(v.out_subdir))?);
    if debug {
        return Ok(()); // unoptimised: no budget
    }
    let over: Vec<String> = sizes
        .iter()
        .filter(|(_, gzip)| *gzip >= GZIP_BUDGET)
        .map(|(wasm, gzip)| format!("{} is {gzip} bytes gzip -9", wasm.display()))
        .collect();
    if over.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "wasm builds over the budget of {GZIP_BUDGET} bytes gzip -9 each: {}",
            over.join("; ")
        ))
    }
}

/// Builds `variant` into `out_dir`; its wasm file and gzip -9 size.
fn build_variant(variant: &Variant, debug: bool, out_dir: &Path) -> Result<(PathBuf, usize)> {
    let mut cmd = if variant.out_subdir == crate::threads::VARIANT.out_subdir {
        crate::threads::cargo_build(debug)
    } else {
        let mut cmd = cargo();
        cmd.args(["build", "--lib", "--target", WASM_TARGET, "-p", PACKAGE]);
        cmd.args([
            "--no-default-features",
            "--features",
            variant.crate_features,
        ]);
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
        .typescript(true)
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
    if !debug {
        optimize(&wasm, variant)?;
    }
    let gzip = print_size(&wasm)?;
    Ok((wasm, gzip))
}

/// Features of every build, as wasm-opt must be told them (wasm-bindgen drops the section that
/// says them); the relaxed build adds relaxed-simd.
const WASM_FEATURES: [&str; 7] = [
    "--enable-simd",
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-reference-types",
    "--enable-multivalue",
];

/// `wasm-opt -O3` on a release build: the same code in about 10% fewer gzip bytes, which keeps
/// every build under its `GZIP_BUDGET`. npm's binaryen (132) is used, not Debian's 108, which
/// corrupts the externref table (see the toolchain notes); WASM_OPT names another one.
fn optimize(wasm: &Path, variant: &Variant) -> Result {
    let wasm_opt = env::var_os("WASM_OPT")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("node_modules/.bin/wasm-opt"));
    let t = Instant::now();
    let mut cmd = Command::new(&wasm_opt);
    cmd.arg("-O3").args(WASM_FEATURES);
    if variant.features.contains("relaxed-simd") {
        cmd.arg("--enable-relaxed-simd");
    }
    if variant.features.contains("atomics") {
        cmd.arg("--enable-threads");
    }
    run(cmd.arg(wasm).arg("-o").arg(wasm))?;
    println!("wasm-opt -O3: {:.1} s", t.elapsed().as_secs_f64());
    Ok(())
}

/// Prints the size of `wasm`, raw and gzip -9 (what a server sends); the gzip bytes.
fn print_size(wasm: &Path) -> Result<usize> {
    let kib = |n: usize| n as f64 / 1024.0;
    let raw = fs::metadata(wasm).map_or(0, |m| m.len() as usize);
    let out = Command::new("gzip")
        .arg("-9c")
        .arg(wasm)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .ok_or("`gzip` is needed to measure the wasm builds against their budget")?;
    let gzip = out.stdout.len();
    println!(
        "{}: {:.1} KiB, {:.1} KiB gzip -9 ({:.0}% of the {} KB budget)",
        wasm.display(),
        kib(raw),
        kib(gzip),
        100.0 * gzip as f64 / GZIP_BUDGET as f64,
        GZIP_BUDGET / 1000
    );
    Ok(gzip)
}
