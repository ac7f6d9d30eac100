//! Build chores for makemore-lab, run as `cargo xtask <command>` (alias in .cargo/config.toml);
//! `USAGE` below lists every command and flag (`cargo xtask help` prints it).
//!
//! The rooms: `variants` (the table of wasm builds), `build` (makes them), `serve` and `site`
//! (the dev server and what a host sends), `dist` (the static site), `test` (every check),
//! `bench` (speed), `toolchain` (what is installed when missing), `process` (running programs).
//!
//! wasm-bindgen-cli-support and wasm-bindgen-cli are used as libraries, pinned to the same
//! version as the `wasm-bindgen` crate, so nothing has to be installed with `cargo install`.

mod bench;
mod build;
mod dist;
mod process;
mod serve;
mod site;
mod test;
mod toolchain;
mod variants;

use std::env;
use std::path::PathBuf;
use std::process::ExitCode;

use process::{root, target_dir, Result};

const USAGE: &str = "\
usage: cargo xtask <command> [flags]

  build [--debug]        the wasm builds (xtask/src/variants.rs: the page module and four
                         training builds) and their bindings into www/pkg/; their sizes; fails
                         if a release build is over its gzip budget. --debug: unoptimised
  serve [--port N]       build, then serve www/ at http://127.0.0.1:N/ (default 8000)
  dist [--out DIR]       build, then write the static site to DIR (default target/dist; a
                         relative DIR is taken from the repository root)
  sw [DIR]               print the service worker of DIR (default www/) as serve and dist
                         send it, with the site's version and files; no build (the e2e tests'
                         server sends it)
  test [--native]        every check and test, in order; the first failure stops the run.
                         --native: fmt, clippy and the native tests only
  bench [--json] [--quick] [--rounds N] [--no-browser] [--no-pytorch] [--no-compile]
                         speed: native, the page in headless Chromium, PyTorch side by side.
                         --json: one JSON line; --quick: one short round, no torch.compile;
                         --rounds N: rounds (default 3); --no-browser, --no-pytorch,
                         --no-compile: leave that part out
  bench --long-run [--steps N] [--json]
                         a class that leaves training running: the page's memory and longest
                         main-thread task over N steps (default ten million)
  bench-threads [--quick]
                         the threaded builds on 1..cores threads natively and in Chromium, and
                         the deep model's scaling
  help (--help, -h)      this text
  wasm-test-runner ARGS  internal: cargo's runner for wasm32 tests (wasm-bindgen-test-runner)";

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
        "build" => switch(flags, "--debug").and_then(|debug| build::build(debug).map(drop)),
        "serve" => serve_cmd(flags),
        "dist" => dist_cmd(flags),
        "sw" => sw_cmd(flags),
        "test" => switch(flags, "--native").and_then(test::test),
        "bench" => bench::bench(flags),
        "bench-threads" => switch(flags, "--quick").and_then(bench::threads::bench),
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            Ok(())
        }
        "" => Err("no command".into()),
        _ => Err(format!("unknown command `{cmd}`")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: error: {e}\n\n{USAGE}");
            ExitCode::FAILURE
        }
    }
}

/// Whether the one flag a command takes, `name`, is given; an error for any other.
fn switch(flags: &[String], name: &str) -> Result<bool> {
    match flags {
        [] => Ok(false),
        [f] if f == name => Ok(true),
        _ => Err(format!(
            "unknown flags {flags:?} (this command takes {name})"
        )),
    }
}

fn serve_cmd(flags: &[String]) -> Result {
    let port = match flags {
        [] => 8000,
        [flag, port] if flag == "--port" => port.parse().map_err(|_| "--port needs a number")?,
        _ => return Err(format!("unknown flags {flags:?} (serve takes --port N)")),
    };
    build::build(false)?;
    serve::serve(&root().join("www"), port)
}

fn dist_cmd(flags: &[String]) -> Result {
    let out = match flags {
        [] => target_dir().join("dist"),
        [flag, dir] if flag == "--out" => PathBuf::from(dir),
        _ => return Err(format!("unknown flags {flags:?} (dist takes --out DIR)")),
    };
    build::build(false)?;
    dist::dist(&root().join("www"), &out)
}

fn sw_cmd(flags: &[String]) -> Result {
    let dir = match flags {
        [] => root().join("www"),
        [dir] if !dir.starts_with('-') => PathBuf::from(dir),
        _ => return Err(format!("unknown flags {flags:?} (sw takes a folder)")),
    };
    print!("{}", site::service_worker(&dir)?);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::USAGE;
    use std::fs;
    use std::path::Path;

    /// The flags the commands' parsers match (`"--x" =>`, `== "--x"`, `switch(flags, "--x")`,
    /// `if flag == "--x"`), in every source file of xtask.
    fn parsed_flags() -> Vec<String> {
        fn walk(dir: &Path, out: &mut Vec<String>) {
            for entry in fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    walk(&path, out);
                    continue;
                }
                let text = fs::read_to_string(&path).unwrap();
                // Only the code above the file's tests.
                let code = text.split("#[cfg(test)]").next().unwrap();
                for line in code.lines() {
                    let parsing = line.contains("\" =>")
                        || line.contains("== \"--")
                        || line.contains("switch(flags, \"--");
                    if !parsing {
                        continue;
                    }
                    // Literals `"--word"` only (not a message such as "--port needs ...").
                    for (i, _) in line.match_indices("\"--") {
                        let rest = &line[i + 1..];
                        let end = rest
                            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
                            .unwrap_or(rest.len());
                        if rest[end..].starts_with('"') {
                            out.push(rest[..end].to_string());
                        }
                    }
                }
            }
        }
        let mut out = Vec::new();
        walk(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut out);
        out.sort();
        out.dedup();
        out
    }

    #[test]
    fn the_usage_text_names_every_flag_a_command_parses() {
        let flags = parsed_flags();
        // The parsers this test reads: if it finds none of these, it reads nothing.
        for known in ["--debug", "--port", "--rounds", "--long-run", "--steps"] {
            assert!(
                flags.iter().any(|f| f == known),
                "{known} not found: {flags:?}"
            );
        }
        let missing: Vec<_> = flags.iter().filter(|f| !USAGE.contains(*f)).collect();
        assert!(missing.is_empty(), "not in USAGE: {missing:?}");
    }
}
