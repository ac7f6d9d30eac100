//! The toolchain the build and the tests need, installed when missing: rustup's wasm32 target
//! (and the pinned nightly of the threaded builds), Debian's chromium and chromedriver (apt),
//! Firefox ESR, WebKitGTK's WebDriver and Xvfb for the tests in three engines (apt), the npm
//! packages of package.json, and the Python packages the weights test reads a saved file with
//! (pip).

use std::env;
use std::path::PathBuf;
use std::process::Command;

use crate::process::{output, run, Result};

pub const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// The nightly the threaded builds are made with, pinned so that it cannot drift.
pub const NIGHTLY: &str = "nightly-2026-05-20";

/// The Rust toolchain a wasm build is made with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Toolchain {
    /// The repository's default toolchain (stable), through the `cargo` that runs xtask.
    Stable,
    /// `NIGHTLY`, through rustup: the only one that can rebuild std with atomics
    /// (`-Z build-std`), which a shared memory needs.
    Nightly,
}

impl Toolchain {
    /// Installs what a wasm build with this toolchain needs, when missing: the wasm target; for
    /// the nightly also rust-src (for build-std) and clippy (for `cargo xtask test`).
    pub fn ensure(self) -> Result {
        match self {
            Toolchain::Stable => ensure_wasm_target(),
            Toolchain::Nightly => ensure_nightly(),
        }
    }
}
/// What tests/reference/load_weights.py imports.
const PYTHON_PACKAGES: [&str; 2] = ["safetensors", "numpy"];

/// `npm ci` unless every devDependency of package.json is already in node_modules: the one npm
/// step (wasm-opt for the build, playwright-core for the browser tests and benches).
pub fn ensure_npm_packages() -> Result {
    let manifest =
        std::fs::read_to_string("package.json").map_err(|e| format!("package.json: {e}"))?;
    let manifest: serde_json::Value =
        serde_json::from_str(&manifest).map_err(|e| format!("package.json: {e}"))?;
    let missing: Vec<&str> = manifest["devDependencies"]
        .as_object()
        .map(|deps| {
            deps.keys()
                .map(String::as_str)
                .filter(|name| {
                    !std::path::Path::new("node_modules")
                        .join(name)
                        .join("package.json")
                        .is_file()
                })
                .collect()
        })
        .unwrap_or_default();
    if missing.is_empty() {
        println!("npm packages present");
        return Ok(());
    }
    println!("npm ci (missing: {})", missing.join(", "));
    run(Command::new("npm").args(["ci", "--no-audit", "--no-fund"]))
}

/// `pip install` of the Python packages the weights test needs, when `python3` lacks them.
pub fn ensure_python_packages() -> Result {
    let check = format!("import {}", PYTHON_PACKAGES.join(", "));
    if output(Command::new("python3").args(["-c", &check])).is_some() {
        return Ok(());
    }
    println!("installing {} with pip", PYTHON_PACKAGES.join(" and "));
    run(Command::new("python3")
        .args(["-m", "pip", "install", "--quiet"])
        .args(PYTHON_PACKAGES))
}

fn ensure_wasm_target() -> Result {
    let installed = output(Command::new("rustup").args(["target", "list", "--installed"]));
    if installed.is_some_and(|s| s.lines().any(|l| l.trim() == WASM_TARGET)) {
        return Ok(());
    }
    run(Command::new("rustup").args(["target", "add", WASM_TARGET]))
}

/// Installs `NIGHTLY` with rust-src, clippy and the wasm target when any is missing.
fn ensure_nightly() -> Result {
    let rustup = |args: &[&str]| output(Command::new("rustup").args(args)).unwrap_or_default();
    let toolchain = rustup(&["toolchain", "list"])
        .lines()
        .any(|l| l.starts_with(NIGHTLY));
    let components = rustup(&["component", "list", "--installed", "--toolchain", NIGHTLY]);
    let has = |c: &str| {
        components
            .lines()
            .any(|l| l.trim() == c || l.starts_with(&format!("{c}-")))
    };
    let target = rustup(&["target", "list", "--installed", "--toolchain", NIGHTLY])
        .lines()
        .any(|l| l.trim() == WASM_TARGET);
    if toolchain && has("rust-src") && has("clippy") && target {
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

/// Finds `name` in /usr/bin or on PATH.
pub fn which(name: &str) -> Option<PathBuf> {
    let path = env::var_os("PATH").unwrap_or_default();
    std::iter::once(PathBuf::from("/usr/bin"))
        .chain(env::split_paths(&path))
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// Chromium and chromedriver from Debian (the wasm-bindgen browser tests and the E2E tests use
/// them). Installs them with apt when missing and running as root. Returns chromedriver's path.
pub fn ensure_chromium() -> Result<PathBuf> {
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

/// The other two engines of the browser tests (tests/e2e/engines/): Debian's Firefox ESR (driven
/// over WebDriver BiDi by puppeteer-core, no geckodriver), WebKitGTK's `WebKitWebDriver` with its
/// MiniBrowser (Safari's engine), and Xvfb, the display MiniBrowser needs. Installs them with apt
/// when missing and running as root; nothing downloads a browser build of its own.
pub fn ensure_engines() -> Result {
    const PROGRAMS: [(&str, &str); 3] = [
        ("firefox-esr", "firefox-esr"),
        ("WebKitWebDriver", "webkit2gtk-driver"),
        ("Xvfb", "xvfb"),
    ];
    let missing = || -> Vec<&str> {
        PROGRAMS
            .iter()
            .filter(|(program, _)| which(program).is_none())
            .map(|&(_, package)| package)
            .collect()
    };
    let packages = missing();
    if packages.is_empty() {
        return Ok(());
    }
    let is_root = output(Command::new("id").arg("-u")).is_some_and(|s| s.trim() == "0");
    if !is_root {
        return Err(format!(
            "the browser tests need {0}; install them with `sudo apt-get install -y {0}` \
             (or run as root)",
            packages.join(" ")
        ));
    }
    println!("installing {} with apt-get", packages.join(", "));
    run(Command::new("apt-get").arg("update"))?;
    run(Command::new("apt-get")
        .args(["install", "-y"])
        .args(&packages)
        .env("DEBIAN_FRONTEND", "noninteractive"))?;
    match missing().as_slice() {
        [] => Ok(()),
        still => Err(format!(
            "apt-get finished but {} still missing",
            still.join(", ")
        )),
    }
}
