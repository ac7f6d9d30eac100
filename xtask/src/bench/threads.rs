//! `cargo xtask bench-threads [--quick]`: the threaded builds' speed, natively and in the browser:
//! the native bench on 1..cores threads and its scaling table, then tests/bench/threads.mjs in
//! headless Chromium (the small MLP and the deep model on each threaded build at 1..cores
//! threads against its single-thread build, and the deep model's scaling at n_hidden
//! 200/500/1000 x batch 32/128/512, one thread vs every core). Prints their tables.

use std::process::Command;

use crate::build;
use crate::process::{cargo, run, target_dir, Result};
use crate::toolchain::{ensure_chromium, ensure_npm_packages};

pub fn bench(quick: bool) -> Result {
    build::build(false)?;
    run(cargo().args(["build", "--release", "--bin", "bench"]))?;
    let exe = target_dir().join("release/bench");
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let quick_flag: &[&str] = if quick { &["--quick"] } else { &[] };
    for t in 1..=cores {
        println!("== native, {t} thread(s)");
        run(Command::new(&exe)
            .args(["--threads", &t.to_string()])
            .args(quick_flag))?;
    }
    println!("== native scaling");
    run(Command::new(&exe)
        .args(["--scaling", "--threads", &cores.to_string()])
        .args(quick_flag))?;
    println!("== browser");
    ensure_chromium()?;
    ensure_npm_packages()?;
    run(Command::new("node")
        .arg("tests/bench/threads.mjs")
        .args(quick_flag))
}
