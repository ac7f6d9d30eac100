//! The toolchain the build and the tests need, installed when missing: rustup's wasm32 target,
//! and Debian's chromium and chromedriver (apt).

use std::env;
use std::path::PathBuf;
use std::process::Command;

use crate::{output, run, Result};

pub const WASM_TARGET: &str = "wasm32-unknown-unknown";

pub fn ensure_wasm_target() -> Result {
    let installed = output(Command::new("rustup").args(["target", "list", "--installed"]));
    if installed.is_some_and(|s| s.lines().any(|l| l.trim() == WASM_TARGET)) {
        return Ok(());
    }
    run(Command::new("rustup").args(["target", "add", WASM_TARGET]))
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
