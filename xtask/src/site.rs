//! The static site (www/) as a host serves it: the response headers of `www/_headers`, the files a
//! deployment holds, and the service worker with its cache version and the files it stores.
//! std only: `tests/serve.rs` compiles this file and serve.rs into a test of the main crate.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Response headers, in the format of Netlify and Cloudflare Pages: a path pattern on its own
/// line (`/*`, `/pkg/*`, `/index.html`), then its headers indented, `Name: value`; `#` comments.
pub const HEADERS_FILE: &str = "_headers";
/// The service worker; its `VERSION_LINE` gets the site's hash and its `FILES_LINE` the site's
/// files (`offline_files`) when served or copied.
pub const SERVICE_WORKER: &str = "sw.js";
const VERSION_LINE: &str = "const VERSION = 'dev';";
const FILES_LINE: &str = "const FILES = [];";
/// The page's type declarations and the type check's settings (`tsc -p www/types`): no browser
/// fetches them.
const TYPES_DIR: &str = "types";

/// One rule of `_headers`: a path pattern and the headers of the paths it matches.
#[derive(Debug, PartialEq)]
pub struct Rule {
    pub pattern: String,
    pub headers: Vec<(String, String)>,
}

pub fn parse_headers(text: &str) -> Result<Vec<Rule>, String> {
    let mut rules: Vec<Rule> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if !line.starts_with([' ', '\t']) {
            rules.push(Rule {
                pattern: trimmed.to_string(),
                headers: Vec::new(),
            });
            continue;
        }
        let (name, value) = trimmed
            .split_once(':')
            .ok_or(format!("{HEADERS_FILE}:{}: not `Name: value`", i + 1))?;
        let rule = rules.last_mut().ok_or(format!(
            "{HEADERS_FILE}:{}: a header before any path line",
            i + 1
        ))?;
        rule.headers
            .push((name.trim().to_string(), value.trim().to_string()));
    }
    Ok(rules)
}

pub fn read_headers(dir: &Path) -> Result<Vec<Rule>, String> {
    let path = dir.join(HEADERS_FILE);
    let text = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    parse_headers(&text)
}

/// The headers of every rule whose pattern matches `path` (`/x/*` matches everything under
/// `/x/`; anything else matches only itself), in file order.
pub fn headers_for<'a>(
    rules: &'a [Rule],
    path: &'a str,
) -> impl Iterator<Item = &'a (String, String)> {
    rules
        .iter()
        .filter(move |r| match r.pattern.strip_suffix('*') {
            Some(prefix) => path.starts_with(prefix),
            None => r.pattern == path,
        })
        .flat_map(|r| &r.headers)
}

/// Every file of the site under `dir`, as sorted relative paths (`pkg/relaxed/x.wasm`). Dot
/// files are not part of it, nor what only the page's type check reads: TypeScript declarations
/// (`*.d.ts`, which wasm-bindgen writes next to each build) and the `types/` folder. No browser
/// fetches them, so a deployment, the service worker's version and its files leave them out.
pub fn files(dir: &Path) -> io::Result<Vec<PathBuf>> {
    fn walk(dir: &Path, rel: &Path, out: &mut Vec<PathBuf>) -> io::Result<()> {
        for entry in fs::read_dir(dir)? {
            let entry = entry?;
            let name = entry.file_name();
            let name_text = name.to_string_lossy();
            let types = rel.as_os_str().is_empty() && name_text == TYPES_DIR;
            if name_text.starts_with('.') || name_text.ends_with(".d.ts") || types {
                continue;
            }
            let rel = rel.join(&name);
            if entry.file_type()?.is_dir() {
                walk(&entry.path(), &rel, out)?;
            } else {
                out.push(rel);
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(dir, Path::new(""), &mut out)?;
    out.sort();
    Ok(out)
}

/// A hash (FNV-1a, 64 bits) of every file's path and bytes but the service worker's own: a
/// changed file gives the service worker a new cache name, so browsers fetch the new files.
pub fn version(dir: &Path) -> io::Result<String> {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for &b in bytes {
            hash = (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    };
    for rel in files(dir)? {
        if rel == Path::new(SERVICE_WORKER) {
            continue;
        }
        eat(rel.to_string_lossy().as_bytes());
        eat(&[0]);
        eat(&fs::read(dir.join(&rel))?);
    }
    Ok(format!("{hash:016x}"))
}

/// The URLs, relative to the service worker, of every file the service worker stores: every
/// file of the site (`files`) but the service worker itself (the browser keeps it) and
/// `_headers` (hosts read it, and do not serve it); index.html is `./`, the page's address.
/// Bytes other than letters, digits and `-._~/` are percent-encoded.
pub fn offline_files(dir: &Path) -> io::Result<Vec<String>> {
    let skip = [SERVICE_WORKER, HEADERS_FILE];
    Ok(files(dir)?
        .into_iter()
        .filter(|rel| !skip.iter().any(|s| rel == Path::new(s)))
        .map(|rel| {
            if rel == Path::new("index.html") {
                return "./".to_string();
            }
            let mut url = String::from("./");
            for b in rel.to_string_lossy().replace('\\', "/").bytes() {
                if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
                    url.push(char::from(b));
                } else {
                    url.push_str(&format!("%{b:02X}"));
                }
            }
            url
        })
        .collect())
}

/// `dir`'s sw.js with the site's version in place of `'dev'` and its files (`offline_files`) in
/// place of the empty list.
pub fn service_worker(dir: &Path) -> Result<String, String> {
    let path = dir.join(SERVICE_WORKER);
    let text = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    for line in [VERSION_LINE, FILES_LINE] {
        if !text.contains(line) {
            return Err(format!("{}: no line `{line}`", path.display()));
        }
    }
    let io = |e: io::Error| format!("{}: {e}", dir.display());
    let version = version(dir).map_err(io)?;
    let urls: Vec<String> = offline_files(dir)
        .map_err(io)?
        .iter()
        .map(|url| format!("'{url}'"))
        .collect();
    let files = format!("const FILES = [{}];", urls.join(", "));
    Ok(text
        .replacen(VERSION_LINE, &format!("const VERSION = '{version}';"), 1)
        .replacen(FILES_LINE, &files, 1))
}
