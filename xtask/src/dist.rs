//! `cargo xtask dist [--out DIR]`: the static site, ready for any static host: every file of www/
//! that `site::files` counts (the page, its wasm module in pkg/page/, the training builds of
//! variants.rs in pkg/ and its folders, names.txt, `_headers` for hosts that read it; not the
//! type check's files) with the service worker's cache version set to the hash of the files and
//! its list of the files to store (`site::service_worker`).

use std::fs;
use std::path::Path;

use crate::process::Result;
use crate::site;

pub fn dist(www: &Path, out: &Path) -> Result {
    let www = www
        .canonicalize()
        .map_err(|e| format!("{}: {e}", www.display()))?;
    if out.exists() {
        // Only a previous dist is replaced; any other folder is the user's.
        if !out.join(site::HEADERS_FILE).is_file()
            && fs::read_dir(out).map_or(true, |mut d| d.next().is_some())
        {
            return Err(format!(
                "{} exists and is not an earlier dist: not replaced",
                out.display()
            ));
        }
        fs::remove_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    }
    let io = |e: std::io::Error| format!("{}: {e}", out.display());
    fs::create_dir_all(out).map_err(io)?;
    if out.canonicalize().map_err(io)?.starts_with(&www) {
        return Err(format!("{} is inside www/", out.display()));
    }
    let files = site::files(&www).map_err(|e| format!("{}: {e}", www.display()))?;
    let mut bytes = 0;
    for rel in &files {
        let to = out.join(rel);
        if let Some(parent) = to.parent() {
            fs::create_dir_all(parent).map_err(io)?;
        }
        if rel == Path::new(site::SERVICE_WORKER) {
            fs::write(&to, site::service_worker(&www)?).map_err(io)?;
        } else {
            fs::copy(www.join(rel), &to).map_err(io)?;
        }
        bytes += fs::metadata(&to).map_or(0, |m| m.len());
    }
    println!(
        "dist: {} files, {:.0} KiB -> {}",
        files.len(),
        bytes as f64 / 1024.0,
        out.display()
    );
    Ok(())
}
