//! `cargo xtask build`: the two release (or debug) wasm builds of the lib, and their bindings for
//! `<script type=module>` and module workers, in www/pkg/ and www/pkg/relaxed/.

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

pub fn variant_target_dir(variant: &Variant) -> PathBuf {
    match variant.target_subdir {
        Some(sub) => target_dir().join(sub),
        None => target_dir(),
    }
}

/// Release (or debug) wasm builds of the lib (both variants), then bindings for
/// `<script type=module>` and module workers into www/pkg/.
pub fn build(debug: bool) -> Result {
    ensure_wasm_target()?;
    if !debug {
        // wasm-opt comes from npm's binaryen (pinned in package-lock.json).
        ensure_npm_packages()?;
    }
    let out_root = root().join("www/pkg");
    // Stale files (old snippets) must not survive; the directory is generated.
    let _ = fs::remove_dir_all(&out_root);
    for variant in &VARIANTS {
        build_variant(variant, debug, &out_root.join(variant.out_subdir))?;
    }
    // The threaded build (threads.rs): the pinned nightly, installed when missing.
    crate::threads::ensure_nightly()?;
    let v = &crate::threads::VARIANT;
    build_variant(v, debug, &out_root.join(v.out_subdir))
}

fn build_variant(variant: &Variant, debug: bool, out_dir: &Path) -> Result {
    let mut cmd = if variant.out_subdir == crate::threads::VARIANT.out_subdir {
        crate::threads::cargo_build(debug)
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
    if !debug {
        optimize(&wasm, variant)?;
    }
    print_size(&wasm);
    Ok(())
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
/// every build under its 300 KB budget. npm's binaryen (132) is used, not Debian's 108, which
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
