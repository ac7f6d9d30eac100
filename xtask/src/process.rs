//! Where the repository is, and how xtask runs other programs: a cargo without the variables
//! `cargo run` set for xtask itself, a command whose failure is an error, a command's output.

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

pub type Result<T = ()> = std::result::Result<T, String>;

/// The repository root: the parent of this crate's directory. `cargo run` sets
/// CARGO_MANIFEST_DIR at run time too, which stays right if the repository (with its target/)
/// was moved or copied; the compile-time value is the fallback.
pub fn root() -> PathBuf {
    let manifest_dir = env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from);
    manifest_dir.parent().unwrap().to_path_buf()
}

pub fn target_dir() -> PathBuf {
    env::var_os("CARGO_TARGET_DIR").map_or_else(|| root().join("target"), PathBuf::from)
}

/// A cargo command without the variables `cargo run` set for this program. Some build scripts
/// (ring's) watch CARGO_MANIFEST_DIR, so a nested cargo that inherits it would make the next
/// top-level `cargo xtask` rebuild ring, rustls, ureq, wasm-bindgen-cli and xtask (2 min here).
pub fn cargo() -> Command {
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
pub fn run(cmd: &mut Command) -> Result {
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
pub fn output(cmd: &mut Command) -> Option<String> {
    let out = cmd.output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}
