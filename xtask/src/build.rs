//! `cargo xtask build`: the release (or debug) wasm builds of the lib, every row of the table in
//! variants.rs, each with its bindings for `<script type=module>` and module workers and their
//! TypeScript declarations (`makemore_lab.d.ts`, for the page's type check) in www/pkg/<folder>/;
//! then each build's size, measured once. A release build over `GZIP_BUDGET` fails the command.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::process::{root, run, Result};
use crate::toolchain::{ensure_npm_packages, WASM_TARGET};
use crate::variants::{Variant, ALL, OUT_NAME};

/// Largest gzip -9 size of each release wasm build (issue 12's floor: "under 300 KB per build").
pub const GZIP_BUDGET: usize = 300_000;

/// A build's wasm file and its size, raw and gzip -9 (what a server sends).
pub struct Built {
    pub variant: &'static Variant,
    pub wasm: PathBuf,
    pub raw: usize,
    pub gzip: usize,
}

/// Every build of the table, then their sizes; an error if a release build is over
/// `GZIP_BUDGET`.
pub fn build(debug: bool) -> Result<Vec<Built>> {
    if !debug {
        // wasm-opt comes from npm's binaryen (pinned in package-lock.json).
        ensure_npm_packages()?;
    }
    let pkg = root().join("www/pkg");
    // Stale files (old snippets) must not survive; the directory is generated.
    let _ = fs::remove_dir_all(&pkg);
    let mut built = Vec::new();
    for variant in ALL {
        built.push(build_variant(variant, debug, &variant.out_dir(&pkg))?);
    }
    print_sizes(&built);
    if debug {
        return Ok(built); // unoptimised: no budget
    }
    let over: Vec<String> = built
        .iter()
        .filter(|b| b.gzip >= GZIP_BUDGET)
        .map(|b| format!("{} is {} bytes gzip -9", b.wasm.display(), b.gzip))
        .collect();
    if over.is_empty() {
        Ok(built)
    } else {
        Err(format!(
            "wasm builds over the budget of {GZIP_BUDGET} bytes gzip -9 each: {}",
            over.join("; ")
        ))
    }
}

/// Builds `variant` into `out_dir`.
fn build_variant(variant: &'static Variant, debug: bool, out_dir: &Path) -> Result<Built> {
    variant.toolchain.ensure()?;
    let t = Instant::now();
    run(&mut variant.cargo("build", !debug))?;
    println!(
        "wasm build {} ({}): {:.1} s",
        variant.name,
        variant.target_features,
        t.elapsed().as_secs_f64()
    );

    let profile = if debug { "debug" } else { "release" };
    let input = variant
        .target_dir()
        .join(WASM_TARGET)
        .join(profile)
        .join(format!("{OUT_NAME}.wasm"));
    let t = Instant::now();
    wasm_bindgen_cli_support::Bindgen::new()
        .input_path(&input)
        .out_name(OUT_NAME)
        .web(true)
        .map_err(|e| format!("{e:#}"))?
        // makemore_lab.d.ts (and makemore_lab_bg.wasm.d.ts): the page's JS is type-checked
        // against them; the browser never fetches them, and `cargo xtask dist` leaves them out.
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
    let raw = fs::metadata(&wasm).map_err(|e| format!("{}: {e}", wasm.display()))?;
    Ok(Built {
        variant,
        raw: raw.len() as usize,
        gzip: gzip_len(&wasm)?,
        wasm,
    })
}

/// Features of every build, as wasm-opt must be told them (wasm-bindgen drops the section that
/// says them); `EXTRA_FEATURES` adds those of some builds.
const WASM_FEATURES: [&str; 7] = [
    "--enable-simd",
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-reference-types",
    "--enable-multivalue",
];

/// A rustc target feature and the wasm-opt flag that allows it.
const EXTRA_FEATURES: [(&str, &str); 2] = [
    ("+relaxed-simd", "--enable-relaxed-simd"),
    ("+atomics", "--enable-threads"),
];

/// `wasm-opt -O3` on a release build: the same code in about 10% fewer gzip bytes, which keeps
/// every build under its `GZIP_BUDGET`. npm's binaryen (132) is used, not Debian's 108, which
/// corrupts the externref table (see the toolchain notes); WASM_OPT names another one.
///
/// `--low-memory-unused` (nothing reads or writes the first KiB of memory: the bottom of the
/// main thread's 1 MiB stack, which grows down from 1 MiB) lets it fold a pointer's constant
/// offset into the load or store (`v128.load offset=16 p` for `v128.load (i32.add p 16)`).
/// JavaScriptCore then folds the offset into the x86 address, one instruction where it computed
/// the address apart in two: the plain builds' products in WebKit 1.5-2% faster, V8 no slower,
/// and every build about 1.3 KiB smaller.
fn optimize(wasm: &Path, variant: &Variant) -> Result {
    let wasm_opt = env::var_os("WASM_OPT")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("node_modules/.bin/wasm-opt"));
    let t = Instant::now();
    let mut cmd = Command::new(&wasm_opt);
    cmd.args(["-O3", "--low-memory-unused"]).args(WASM_FEATURES);
    for (feature, flag) in EXTRA_FEATURES {
        if variant.has_feature(feature) {
            cmd.arg(flag);
        }
    }
    run(cmd.arg(wasm).arg("-o").arg(wasm))?;
    println!("wasm-opt -O3: {:.1} s", t.elapsed().as_secs_f64());
    Ok(())
}

/// The gzip -9 size of `path`: what a server sends.
fn gzip_len(path: &Path) -> Result<usize> {
    let out = Command::new("gzip")
        .arg("-9c")
        .arg(path)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .ok_or("`gzip` is needed to measure the wasm builds against their budget")?;
    Ok(out.stdout.len())
}

/// One line per build: its wasm file, raw and gzip -9, and the share of the budget.
fn print_sizes(built: &[Built]) {
    let kib = |n: usize| n as f64 / 1024.0;
    println!(
        "wasm sizes (budget {} KB gzip -9 each):",
        GZIP_BUDGET / 1000
    );
    for b in built {
        println!(
            "  {:<14} {:>7.1} KiB, {:>6.1} KiB gzip -9 ({:>3.0}% of the budget)  {}",
            b.variant.name,
            kib(b.raw),
            kib(b.gzip),
            100.0 * b.gzip as f64 / GZIP_BUDGET as f64,
            b.wasm.display()
        );
    }
}
