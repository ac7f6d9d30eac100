//! The dev server (`cargo xtask serve`) and the site's headers: each test starts the server on
//! 127.0.0.1, port 0, in a thread, and sends raw requests. xtask's serve.rs (as `server`) and
//! site.rs (at the crate root, where serve.rs finds it) are std-only, so they compile into these
//! tests as they are (xtask itself has no test build: it links wasm-bindgen's whole tool chain).

#[path = "../../xtask/src/serve.rs"]
#[allow(dead_code)] // `serve` (the command's entry) is not called here
mod server;

use std::fs;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use crate::site;
use server::Limits;

fn www() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("www")
}

/// A fresh folder `<tmp>/makemore-serve-<pid>-<n>/` holding `site/` (index.html, a.txt, sw.js
/// and _headers of www/) and, next to it, `secret.txt`, which no request may read.
fn site_dir() -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let base = std::env::temp_dir().join(format!("makemore-serve-{}-{n}", std::process::id()));
    let _ = fs::remove_dir_all(&base);
    let site = base.join("site");
    fs::create_dir_all(site.join("sub")).unwrap();
    fs::write(site.join("index.html"), "<!doctype html><p>index</p>").unwrap();
    fs::write(site.join("a.txt"), "aaa").unwrap();
    fs::copy(www().join("_headers"), site.join("_headers")).unwrap();
    fs::copy(www().join("sw.js"), site.join("sw.js")).unwrap();
    fs::write(base.join("secret.txt"), "SECRET").unwrap();
    site
}

/// Starts the server on `dir` with `limits`; returns its address.
fn start(dir: &Path, limits: Limits) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let dir = dir.to_path_buf();
    thread::spawn(move || server::run(listener, &dir, limits).unwrap());
    addr
}

/// Sends `raw` and reads the whole response (the server closes every connection).
fn send(addr: SocketAddr, raw: &[u8]) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    s.write_all(raw).unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).unwrap();
    String::from_utf8_lossy(&out).into_owned()
}

fn get(addr: SocketAddr, target: &str) -> String {
    let host = format!("127.0.0.1:{}", addr.port());
    send(
        addr,
        format!("GET {target} HTTP/1.1\r\nHost: {host}\r\n\r\n").as_bytes(),
    )
}

fn status(response: &str) -> &str {
    response.lines().next().unwrap_or("")
}

/// The value of header `name` in a response, if present.
fn header<'a>(response: &'a str, name: &str) -> Option<&'a str> {
    let head = response.split("\r\n\r\n").next()?;
    head.lines()
        .filter_map(|l| l.split_once(':'))
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.trim())
}

/// www/_headers' value of `name` for every path.
fn site_header(name: &str) -> String {
    let rules = site::read_headers(&www()).unwrap();
    let value = site::headers_for(&rules, "/index.html")
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.clone());
    value.unwrap_or_else(|| panic!("www/_headers has no {name}"))
}

#[test]
fn a_file_comes_with_the_headers_of_www_headers() {
    let addr = start(&site_dir(), Limits::default());
    let r = get(addr, "/a.txt");
    assert_eq!(status(&r), "HTTP/1.1 200 OK", "{r}");
    assert!(r.ends_with("\r\n\r\naaa"), "{r}");
    let csp = site_header("Content-Security-Policy");
    assert_eq!(header(&r, "Content-Security-Policy"), Some(csp.as_str()));
    assert_eq!(header(&r, "X-Content-Type-Options"), Some("nosniff"));
    assert_eq!(
        header(&r, "Cross-Origin-Opener-Policy"),
        Some("same-origin")
    );
    assert_eq!(
        header(&r, "Cross-Origin-Embedder-Policy"),
        Some("require-corp")
    );
    // A directory is its index.html; HEAD has the headers and no body.
    assert!(get(addr, "/").ends_with("<p>index</p>"));
    let host = format!("127.0.0.1:{}", addr.port());
    let head = send(
        addr,
        format!("HEAD /a.txt HTTP/1.1\r\nHost: {host}\r\n\r\n").as_bytes(),
    );
    assert_eq!(status(&head), "HTTP/1.1 200 OK");
    assert!(head.ends_with("\r\n\r\n"), "{head}");
    assert_eq!(header(&head, "Content-Length"), Some("3"));
}

#[test]
fn no_path_leaves_the_folder() {
    let site = site_dir();
    #[cfg(unix)]
    std::os::unix::fs::symlink(site.join("../secret.txt"), site.join("link.txt")).unwrap();
    let addr = start(&site, Limits::default());
    for target in [
        "/../secret.txt",
        "/sub/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/sub/..%2f..%2fsecret.txt",
        "/..\\secret.txt",
        "/a.txt%00",
        "/link.txt",
        "secret.txt",
    ] {
        let r = get(addr, target);
        assert_eq!(status(&r), "HTTP/1.1 404 Not Found", "{target}: {r}");
        assert!(!r.contains("SECRET"), "{target}: {r}");
    }
}

#[test]
fn only_localhost_names_are_accepted_as_host() {
    let addr = start(&site_dir(), Limits::default());
    let port = addr.port();
    let with_host = |host: &str| {
        let r = send(
            addr,
            format!("GET /a.txt HTTP/1.1\r\nHost: {host}\r\n\r\n").as_bytes(),
        );
        status(&r).to_string()
    };
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("LocalHost:{port}"),
        format!("[::1]:{port}"),
    ] {
        assert_eq!(with_host(&host), "HTTP/1.1 200 OK", "{host}");
    }
    for host in [
        format!("evil.example:{port}"),
        format!("127.0.0.1.evil.example:{port}"),
        format!("localhost:{}", port.wrapping_add(1)),
        "localhost".to_string(),
        String::new(),
    ] {
        assert_eq!(with_host(&host), "HTTP/1.1 400 Bad Request", "{host:?}");
    }
    let no_host = send(addr, b"GET /a.txt HTTP/1.1\r\n\r\n");
    assert_eq!(status(&no_host), "HTTP/1.1 400 Bad Request");
    assert!(server::local_host("localhost", 80) && server::local_host("[::1]", 80));
}

#[test]
fn an_oversized_request_head_is_refused() {
    let limits = Limits {
        max_head: 1024,
        ..Limits::default()
    };
    let addr = start(&site_dir(), limits);
    let host = format!("127.0.0.1:{}", addr.port());
    let big = "x".repeat(2000);
    let r = send(
        addr,
        format!("GET /a.txt HTTP/1.1\r\nHost: {host}\r\nX-Big: {big}\r\n\r\n").as_bytes(),
    );
    assert_eq!(
        status(&r),
        "HTTP/1.1 431 Request Header Fields Too Large",
        "{r}"
    );
    // An endless head (no blank line) is cut off at the limit too, not read forever.
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let line = format!("X-Filler: {}\r\n", "y".repeat(100));
    let mut response = String::new();
    for _ in 0..200 {
        if s.write_all(line.as_bytes()).is_err() {
            break; // the server has answered and closed
        }
    }
    let _ = s.read_to_string(&mut response);
    assert!(response.starts_with("HTTP/1.1 431"), "{response}");
}

#[test]
fn a_slow_request_times_out() {
    let limits = Limits {
        head_timeout: Duration::from_millis(400),
        ..Limits::default()
    };
    let addr = start(&site_dir(), limits);
    // Half a request line, then nothing.
    let t = Instant::now();
    let r = send(addr, b"GET /a.txt HTTP/1.1\r\n");
    let waited = t.elapsed();
    assert_eq!(status(&r), "HTTP/1.1 408 Request Timeout", "{r}");
    assert!(
        waited >= Duration::from_millis(350) && waited < Duration::from_secs(5),
        "{waited:?}"
    );
    // A trickle (a byte every 100 ms) does not extend the deadline.
    let mut s = TcpStream::connect(addr).unwrap();
    let t = Instant::now();
    let mut closed = false;
    for b in b"GET /a.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" {
        if s.write_all(&[*b]).is_err() {
            closed = true;
            break;
        }
        thread::sleep(Duration::from_millis(100));
        if t.elapsed() > Duration::from_secs(3) {
            break;
        }
    }
    let mut response = String::new();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let _ = s.read_to_string(&mut response);
    assert!(response.starts_with("HTTP/1.1 408") || closed, "{response}");
    assert!(t.elapsed() < Duration::from_secs(4), "{:?}", t.elapsed());
}

#[test]
fn the_log_line_escapes_control_characters() {
    let line = server::log_line("GET", "/\u{1b}[2J\u{1b}]0;pwned\u{7}\r\nx", "404 Not Found");
    assert!(!line.chars().any(|c| c.is_control()), "{line:?}");
    assert_eq!(
        line,
        r"GET /\u{1b}[2J\u{1b}]0;pwned\u{7}\r\nx 404 Not Found"
    );
}

#[test]
fn the_service_worker_is_served_with_the_sites_version() {
    let site = site_dir();
    let addr = start(&site, Limits::default());
    let version = |r: &str| {
        let line = r
            .lines()
            .find(|l| l.starts_with("const VERSION = "))
            .unwrap_or("");
        line.to_string()
    };
    let first = version(&get(addr, "/sw.js"));
    assert!(first.len() > "const VERSION = '';".len(), "{first}");
    assert_ne!(first, "const VERSION = 'dev';");
    fs::write(site.join("a.txt"), "changed").unwrap();
    let second = version(&get(addr, "/sw.js"));
    assert_ne!(
        first, second,
        "a changed file must change the cache version"
    );
}

#[test]
fn the_meta_csp_of_the_page_is_the_header_csp_without_what_a_meta_tag_cannot_carry() {
    let header = site_header("Content-Security-Policy");
    let html = fs::read_to_string(www().join("index.html")).unwrap();
    let tag = r#"<meta http-equiv="Content-Security-Policy" content=""#;
    let start = html.find(tag).expect("index.html has a CSP <meta> tag") + tag.len();
    let meta = &html[start..start + html[start..].find('"').unwrap()];
    let directives = |policy: &str| -> Vec<String> {
        policy
            .split(';')
            .map(|d| d.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|d| !d.is_empty())
            .collect()
    };
    let meta_only = ["frame-ancestors", "report-uri", "sandbox"];
    let expected: Vec<String> = directives(&header)
        .into_iter()
        .filter(|d| !meta_only.iter().any(|m| d.split(' ').next() == Some(m)))
        .collect();
    assert_eq!(directives(meta), expected);
    assert!(expected.iter().any(|d| d.starts_with("script-src")));
}

#[test]
fn the_service_worker_is_served_with_every_file_of_the_site() {
    // Every file a browser may fetch, the wasm builds under pkg/ too, whichever this browser
    // uses: not the service worker itself, _headers, dot files, TypeScript declarations or the
    // type check's folder; index.html as the page's address; odd bytes percent-encoded.
    let site = site_dir();
    fs::create_dir_all(site.join("pkg/relaxed")).unwrap();
    fs::create_dir_all(site.join("types")).unwrap();
    fs::write(site.join("pkg/relaxed/m_bg.wasm"), "wasm").unwrap();
    fs::write(site.join("pkg/relaxed/m.d.ts"), "types").unwrap();
    fs::write(site.join("types/tsconfig.json"), "{}").unwrap();
    fs::write(site.join(".hidden"), "x").unwrap();
    fs::write(site.join("a b.txt"), "x").unwrap();
    let addr = start(&site, Limits::default());
    let response = get(addr, "/sw.js");
    let line = response
        .lines()
        .find(|l| l.starts_with("const FILES = "))
        .unwrap_or("");
    assert_eq!(
        line,
        "const FILES = ['./a%20b.txt', './a.txt', './', './pkg/relaxed/m_bg.wasm'];"
    );
}

#[test]
fn headers_file_parsing() {
    let rules = site::parse_headers(
        "# comment\n/*\n  A: 1\n  B: x: y\n\n/pkg/*\n\tC: 2\n/index.html\n  D: 3\n",
    )
    .unwrap();
    let at = |p: &str| -> Vec<String> {
        site::headers_for(&rules, p)
            .map(|(n, v)| format!("{n}={v}"))
            .collect()
    };
    assert_eq!(at("/main.js"), ["A=1", "B=x: y"]);
    assert_eq!(at("/pkg/a.wasm"), ["A=1", "B=x: y", "C=2"]);
    assert_eq!(at("/index.html"), ["A=1", "B=x: y", "D=3"]);
    assert!(site::parse_headers("  A: 1\n").is_err());
    assert!(site::parse_headers("/*\n  no colon\n").is_err());
}
