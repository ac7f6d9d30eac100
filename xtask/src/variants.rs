//! The wasm builds of the lib, in one table (`ALL`): each with its toolchain, target features,
//! cargo features and folder. The page's main thread loads the page module (`PAGE`: charts and
//! the page's facts) only to draw; the worker loads one training build (the lib's `worker`
//! feature: the lab, kernels, model), chosen by www/simd.js:
//!
//! | build           | folder                 | kernels                  | threads            |
//! |-----------------|------------------------|--------------------------|--------------------|
//! | `PLAIN`         | www/pkg/               | simd128 mul + add        | one                |
//! | `RELAXED`       | www/pkg/relaxed/       | relaxed-simd fused madd  | one                |
//! | `THREADS_PLAIN` | www/pkg/threads-plain/ | simd128 mul + add        | every core, shared |
//! | `THREADS`       | www/pkg/threads/       | relaxed-simd fused madd  | every core, shared |
//!
//! A threaded build splits each step across Web Workers on a shared memory (the lib's `threads`
//! feature), and its losses are those of the single-thread build with the same kernels, bit for
//! bit. A shared memory needs std rebuilt with atomics, which only the pinned nightly can do
//! (`Toolchain::Nightly`); every other build uses stable. Each build has its own target
//! directory (target/<folder>/), so that switching flags or features never rebuilds another.

use std::env;
use std::path::PathBuf;
use std::process::Command;

use crate::process::{cargo, target_dir};
use crate::toolchain::{Toolchain, NIGHTLY, WASM_TARGET};

pub const PACKAGE: &str = "makemore-lab";
/// File stem of the wasm artifact and of the generated bindings (www/pkg/makemore_lab.js).
pub const OUT_NAME: &str = "makemore_lab";

/// One wasm build of the lib.
#[derive(Debug)]
pub struct Variant {
    /// Its name in `cargo xtask build`'s output and in the bench's keys.
    pub name: &'static str,
    pub toolchain: Toolchain,
    /// rustc's target features (replacing .cargo/config.toml's `+simd128`).
    pub target_features: &'static str,
    /// The lib's cargo features (instead of the default `page,worker`).
    pub crate_features: &'static str,
    /// Its folder under www/pkg/ and under target/; "" is www/pkg/ itself and the default
    /// target directory.
    pub dir: &'static str,
}

/// The page's module: it draws and never trains, so one plain simd128 build serves every
/// browser, whichever training build its worker loads. Its bindings' .d.ts also declares the
/// messages and the page's tables, derived from their Rust types (feature `ts`): the page's
/// scripts are type-checked against them (www/types/protocol.d.ts).
pub const PAGE: Variant = Variant {
    name: "page",
    toolchain: Toolchain::Stable,
    target_features: "+simd128",
    crate_features: "page,ts",
    dir: "page",
};

pub const PLAIN: Variant = Variant {
    name: "plain",
    toolchain: Toolchain::Stable,
    target_features: "+simd128",
    crate_features: "worker",
    dir: "",
};

/// Where `WebAssembly.validate` accepts `f32x4.relaxed_madd`: the matrix kernels use fused
/// multiply-add.
pub const RELAXED: Variant = Variant {
    name: "relaxed",
    toolchain: Toolchain::Stable,
    target_features: "+simd128,+relaxed-simd",
    crate_features: "worker",
    dir: "relaxed",
};

/// For a cross-origin isolated page without relaxed SIMD (WebKit): `PLAIN` on every core. A
/// shared memory needs atomics, bulk-memory and mutable-globals on top of the kernels' features.
pub const THREADS_PLAIN: Variant = Variant {
    name: "threads-plain",
    toolchain: Toolchain::Nightly,
    target_features: "+simd128,+atomics,+bulk-memory,+mutable-globals",
    crate_features: "worker,threads",
    dir: "threads-plain",
};

/// For a cross-origin isolated page with relaxed SIMD (Chromium): `RELAXED` on every core.
pub const THREADS: Variant = Variant {
    name: "threads",
    toolchain: Toolchain::Nightly,
    target_features: "+simd128,+relaxed-simd,+atomics,+bulk-memory,+mutable-globals",
    crate_features: "worker,threads",
    dir: "threads",
};

/// The backprop sheet's worker (www/sheet-worker.js, loaded when the sheet opens): the sheet's
/// language and exercise 4's two runs, without the lesson's training.
pub const SHEET: Variant = Variant {
    name: "sheet",
    toolchain: Toolchain::Stable,
    target_features: "+simd128",
    crate_features: "sheet",
    dir: "sheet",
};

/// Every build, in the order `cargo xtask build` makes them.
pub const ALL: [&Variant; 6] = [&PAGE, &PLAIN, &RELAXED, &THREADS_PLAIN, &THREADS, &SHEET];

/// Largest shared memory (a shared memory must declare one): the lib's own figure, checked by
/// its memory test.
#[path = "../../src/memory.rs"]
mod memory;
use memory::MAX_MEMORY;

impl Variant {
    /// A shared memory (the threaded builds).
    pub fn shared_memory(&self) -> bool {
        self.has_feature("+atomics")
    }

    pub fn has_feature(&self, feature: &str) -> bool {
        self.target_features.split(',').any(|f| f == feature)
    }

    /// Its cargo target directory.
    pub fn target_dir(&self) -> PathBuf {
        match self.dir {
            "" => target_dir(),
            dir => target_dir().join(dir),
        }
    }

    /// `cargo <sub>` (build, clippy) of this build's lib for wasm32, with its toolchain, flags,
    /// features and target directory; `--release` when `release`. A shared memory also needs std
    /// rebuilt with atomics and the linker told to make the memory shared and to export what
    /// wasm-bindgen's thread glue needs (without these it silently emits single-threaded glue).
    pub fn cargo(&self, sub: &str, release: bool) -> Command {
        let mut cmd = match self.toolchain {
            Toolchain::Stable => cargo(),
            Toolchain::Nightly => nightly_cargo(),
        };
        cmd.args([sub, "--lib", "--target", WASM_TARGET, "-p", PACKAGE]);
        cmd.args(["--no-default-features", "--features", self.crate_features]);
        if release {
            cmd.arg("--release");
        }
        let mut flags = format!("-C target-feature={}", self.target_features);
        if self.shared_memory() {
            cmd.args(["-Z", "build-std=panic_abort,std"]);
            // No file, line and column in panic messages: the threaded builds carry the std they
            // build, whose long source paths and location tables kept them at their gzip budget.
            flags.push_str(" -Z location-detail=none");
            let links = [
                "--shared-memory".to_string(),
                "--import-memory".to_string(),
                format!("--max-memory={MAX_MEMORY}"),
                "--export=__wasm_init_tls".to_string(),
                "--export=__tls_size".to_string(),
                "--export=__tls_align".to_string(),
                "--export=__tls_base".to_string(),
            ];
            for l in links {
                flags.push_str(&format!(" -C link-arg={l}"));
            }
        }
        cmd.env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS", flags);
        cmd.env("CARGO_TARGET_DIR", self.target_dir());
        cmd
    }

    /// The bindings' folder: www/pkg/<dir>/.
    pub fn out_dir(&self, pkg: &std::path::Path) -> PathBuf {
        pkg.join(self.dir)
    }
}

/// `rustup run NIGHTLY cargo`, without the stable cargo's variables (`cargo xtask` runs under
/// it): the nightly sets its own.
fn nightly_cargo() -> Command {
    let mut cmd = Command::new("rustup");
    for (key, _) in env::vars_os() {
        let key = key.to_string_lossy();
        if key.starts_with("CARGO") || ["RUSTC", "RUSTDOC", "RUSTUP_TOOLCHAIN"].contains(&&*key) {
            cmd.env_remove(&*key);
        }
    }
    cmd.args(["run", NIGHTLY, "cargo"]);
    cmd
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_nightly_builds_a_shared_memory_and_every_threaded_build_has_one() {
        for v in ALL {
            let threads = v.crate_features.split(',').any(|f| f == "threads");
            assert_eq!(v.shared_memory(), threads, "{}", v.name);
            assert_eq!(v.toolchain == Toolchain::Nightly, threads, "{}", v.name);
        }
    }

    #[test]
    fn every_build_has_a_folder_and_a_name_of_its_own() {
        for (i, a) in ALL.iter().enumerate() {
            for b in &ALL[i + 1..] {
                assert_ne!(a.dir, b.dir);
                assert_ne!(a.name, b.name);
            }
        }
    }

    #[test]
    fn a_threaded_build_has_the_kernels_of_its_single_thread_build() {
        for (threads, one) in [(&THREADS_PLAIN, &PLAIN), (&THREADS, &RELAXED)] {
            assert_eq!(
                threads.target_features,
                format!(
                    "{},+atomics,+bulk-memory,+mutable-globals",
                    one.target_features
                )
            );
        }
    }
}
