//! Build chores for makemore-lab, run as `cargo xtask <command>` (alias in .cargo/config.toml).
//!
//! - `build [--debug]`          wasm builds of the lib (the page module, the training builds) +
//!   wasm-bindgen (`--target web`) into www/pkg/; fails if one is over `build::GZIP_BUDGET`
//! - `serve [--port N]`         build, then serve www/ at http://127.0.0.1:8000/ (serve.rs)
//! - `dist [--out DIR]`         build, then write the static site to DIR (default target/dist; a
//!   relative DIR is taken from the repository root)
//! - `test [--native]`          every check and test, in order; the first failure stops the run
//! - `bench [--json] [--quick]`  speed: native, the page in Chromium, PyTorch side by side (bench/)
//! - `bench-threads [--quick]`  the threaded build on 1..cores threads, and its scaling (threads.rs)
//! - `wasm-test-runner ARGS..`  internal: cargo's runner for wasm32 tests (wasm-bindgen-test-runner)
//!
//! wasm-bindgen-cli-support and wasm-bindgen-cli are used as libraries, pinned to the same
//! version as the `wasm-bindgen` crate, so nothing has to be installed with `cargo install`.

mod bench;
mod build;
mod dist;
mod serve;
mod site;
mod test;
mod threads;
mod toolchain;

use std::env;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

type Result<T = ()> = std::result::Result<T, String>;

const USAGE: &str = "usage: cargo xtask build [--debug] | serve [--port N] | dist [--out DIR] \
                     | test [--native] | bench | bench-threads";

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let cmd = args.first().map(String::as_str).unwrap_or("");
    let flags = args.get(1..).unwrap_or_default();
    if cmd == "wasm-test-runner" {
        return test::wasm_test_runner();
    }
    if let Err(e) = env::set_current_dir(root()) {
        eprintln!("xtask: cannot enter the repository root: {e}");
        return ExitCode::FAILURE;
    }
    let result = match cmd {
        "build" => build::build(flags.iter().any(|f| f == "--debug")),
        "serve" => serve_cmd(flags),
        "dist" => dist_cmd(flags),
        "test" => test::test(flags.iter().any(|f| f == "--native")),
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

fn target_dir() -> PathBuf {
    env::var_os("CARGO_TARGET_DIR").map_or_else(|| root().join("target"), PathBuf::from)
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

fn serve_cmd(flags: &[String]) -> Result {
    let mut port = 8000;
    let mut it = flags.iter();
    while let Some(flag) = it.next() {
        match flag.as_str() {
            "--port" => {
                port = it
                    .next()
                    .and_then(|p| p.parse().ok())
                    .ok_or("--port needs a number")?
            }
            _ => return Err(USAGE.into()),
        }
    }
    build::build(false)?;
    serve::serve(&root().join("www"), port)
}

fn dist_cmd(flags: &[String]) -> Result {
    let out = match flags {
        [] => target_dir().join("dist"),
        [flag, dir] if flag == "--out" => PathBuf::from(dir),
        _ => return Err(USAGE.into()),
    };
    build::build(false)?;
    dist::dist(&root().join("www"), &out)
}
