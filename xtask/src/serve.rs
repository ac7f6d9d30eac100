//! `cargo xtask serve`: a small std-only static file server for www/ on 127.0.0.1. GET and HEAD,
//! one short-lived thread per connection (at most `Limits::max_connections`), the request head
//! bounded in size and time, only localhost names accepted as Host (a DNS-rebinding page cannot
//! read the site through another name), no path outside the folder, the headers of
//! `www/_headers` on every response and `Cache-Control: no-cache`. std only: `tests/serve.rs`
//! compiles this file into a test of the main crate.

use std::fs;
use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use crate::site::{self, Rule};

/// What one connection may take.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Time for the whole request head to arrive (a trickle of bytes does not extend it).
    pub head_timeout: Duration,
    /// Time for one write of the response to go out.
    pub write_timeout: Duration,
    /// Bytes of request line and headers.
    pub max_head: usize,
    /// Connections served at once; more get 503 at once.
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            head_timeout: Duration::from_secs(10),
            write_timeout: Duration::from_secs(30),
            max_head: 8 * 1024,
            max_connections: 64,
        }
    }
}

pub fn serve(dir: &Path, port: u16) -> Result<(), String> {
    let listener = TcpListener::bind(("127.0.0.1", port))
        .map_err(|e| format!("cannot listen on 127.0.0.1:{port}: {e}"))?;
    println!(
        "serving {} at http://127.0.0.1:{port}/  (Ctrl-C to stop)",
        dir.display()
    );
    run(listener, dir, Limits::default())
}

struct Site {
    dir: PathBuf,
    headers: Vec<Rule>,
    port: u16,
    limits: Limits,
}

/// Serves `dir` on `listener` until the listener fails. `www/_headers` is read once, here.
pub fn run(listener: TcpListener, dir: &Path, limits: Limits) -> Result<(), String> {
    let dir = dir
        .canonicalize()
        .map_err(|e| format!("{}: {e}", dir.display()))?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    let headers = site::read_headers(&dir)?;
    let site = Arc::new(Site {
        dir,
        headers,
        port,
        limits,
    });
    let open = Arc::new(AtomicUsize::new(0));
    for stream in listener.incoming() {
        let stream = match stream {
            Ok(s) => s,
            Err(e) => {
                // Out of file descriptors, or the peer gave up: the next one may work.
                eprintln!("serve: accept: {e}");
                continue;
            }
        };
        let Some(slot) = Slot::take(&open, site.limits.max_connections) else {
            // Answered here, without a thread: only input that has already arrived is drained.
            let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
            let _ = stream.set_nonblocking(true);
            let _ = refuse(&stream, &site, "503 Service Unavailable", Duration::ZERO);
            let max = site.limits.max_connections;
            eprintln!("serve: {max} connections open: 503");
            continue;
        };
        let site = Arc::clone(&site);
        let spawned = thread::Builder::new().name("serve".into()).spawn(move || {
            let _slot = slot;
            if let Err(e) = handle(stream, &site) {
                eprintln!("serve: {e}");
            }
        });
        // The closure, and with it the slot and the stream, is dropped when spawning fails.
        if let Err(e) = spawned {
            eprintln!("serve: cannot start a thread: {e}");
        }
    }
    Ok(())
}

/// One of the `max_connections` places, given back when dropped.
struct Slot(Arc<AtomicUsize>);

impl Slot {
    fn take(open: &Arc<AtomicUsize>, max: usize) -> Option<Slot> {
        open.fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
            (n < max).then_some(n + 1)
        })
        .ok()
        .map(|_| Slot(Arc::clone(open)))
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

enum HeadError {
    TooLarge,
    TimedOut,
    Closed,
    Io(io::Error),
}

/// Reads up to the blank line that ends the request head, within the size and time limits.
fn read_head(mut stream: &TcpStream, limits: &Limits) -> Result<Vec<u8>, HeadError> {
    let deadline = Instant::now() + limits.head_timeout;
    let mut head = Vec::new();
    let mut chunk = [0u8; 2048];
    loop {
        if let Some(end) = head.windows(4).position(|w| w == b"\r\n\r\n") {
            if end > limits.max_head {
                return Err(HeadError::TooLarge);
            }
            head.truncate(end);
            return Ok(head);
        }
        if head.len() > limits.max_head {
            return Err(HeadError::TooLarge);
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(HeadError::TimedOut);
        }
        stream.set_read_timeout(Some(left)).map_err(HeadError::Io)?;
        match stream.read(&mut chunk) {
            Ok(0) => return Err(HeadError::Closed),
            Ok(n) => head.extend_from_slice(&chunk[..n]),
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                return Err(HeadError::TimedOut)
            }
            Err(e) => return Err(HeadError::Io(e)),
        }
    }
}

fn text(s: &str) -> (&'static str, Vec<u8>) {
    ("text/plain; charset=utf-8", s.as_bytes().to_vec())
}

fn handle(stream: TcpStream, site: &Site) -> io::Result<()> {
    stream.set_write_timeout(Some(site.limits.write_timeout))?;
    let head = match read_head(&stream, &site.limits) {
        Ok(head) => head,
        Err(HeadError::Closed) => return Ok(()),
        Err(HeadError::Io(e)) => return Err(e),
        Err(HeadError::TooLarge) => {
            let max = site.limits.max_head;
            eprintln!("serve: request head over {max} bytes: 431");
            let status = "431 Request Header Fields Too Large";
            return refuse(&stream, site, status, Duration::from_secs(1));
        }
        Err(HeadError::TimedOut) => {
            eprintln!("serve: request head not received in time: 408");
            return refuse(&stream, site, "408 Request Timeout", Duration::from_secs(1));
        }
    };
    let head = String::from_utf8_lossy(&head);
    let mut lines = head.split("\r\n");
    let request = lines.next().unwrap_or("");
    let mut parts = request.split(' ');
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let host = lines
        .filter_map(|l| l.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("host"))
        .map(|(_, value)| value.trim());
    let (status, (mime, body)) = if !host.is_some_and(|h| local_host(h, site.port)) {
        (
            "400 Bad Request",
            text("Host must be localhost, 127.0.0.1 or [::1] with the port\n"),
        )
    } else if method != "GET" && method != "HEAD" {
        ("405 Method Not Allowed", text("method not allowed\n"))
    } else {
        match resolve(&site.dir, target).and_then(|p| Some((body(&site.dir, &p)?, p))) {
            Some((body, path)) => ("200 OK", (mime(&path), body)),
            None => ("404 Not Found", text("not found\n")),
        }
    };
    eprintln!("{}", log_line(method, target, status));
    let path = target.split(['?', '#']).next().unwrap_or("/");
    reply(&stream, site, status, path, (mime, body), method == "HEAD")
}

/// Answers `status` to a request that was not read to its end, and ends the connection. Closing
/// a socket with unread input sends a reset, which can destroy the reply before the client reads
/// it; so the write side is shut (the client sees the end of the reply) and the input is read and
/// dropped, for at most `linger` and 256 KiB.
fn refuse(mut stream: &TcpStream, site: &Site, status: &str, linger: Duration) -> io::Result<()> {
    let body = text(&format!("{status}\n"));
    reply(stream, site, status, "/", body, false)?;
    stream.shutdown(std::net::Shutdown::Write)?;
    let deadline = Instant::now() + linger;
    let mut sink = [0u8; 4096];
    let mut left: usize = 256 * 1024;
    while left > 0 {
        let wait = deadline.saturating_duration_since(Instant::now());
        if !wait.is_zero() {
            stream.set_read_timeout(Some(wait))?;
        }
        match stream.read(&mut sink) {
            Ok(n) if n > 0 => left = left.saturating_sub(n),
            _ => break,
        }
    }
    Ok(())
}

/// A file's bytes; the service worker gets the site's version (see `site::service_worker`).
fn body(dir: &Path, file: &Path) -> Option<Vec<u8>> {
    if file == dir.join(site::SERVICE_WORKER) {
        return match site::service_worker(dir) {
            Ok(text) => Some(text.into_bytes()),
            Err(e) => {
                eprintln!("serve: {e}");
                None
            }
        };
    }
    fs::read(file).ok()
}

fn reply(
    mut stream: &TcpStream,
    site: &Site,
    status: &str,
    path: &str,
    (mime, body): (&str, Vec<u8>),
    head_only: bool,
) -> io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {mime}\r\nContent-Length: {}\r\n\
         Cache-Control: no-cache\r\nConnection: close\r\n",
        body.len()
    );
    for (name, value) in site::headers_for(&site.headers, path) {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    if !head_only {
        stream.write_all(&body)?;
    }
    stream.flush()
}

/// Whether `host` (a Host header) names this machine's loopback at `port`; browsers leave the
/// port out only when it is 80.
pub fn local_host(host: &str, port: u16) -> bool {
    let (name, p) = match host.rsplit_once(':') {
        Some((name, p)) if !p.ends_with(']') => (name, p.parse::<u16>().ok()),
        _ => (host, Some(80)),
    };
    p == Some(port)
        && ["localhost", "127.0.0.1", "[::1]"]
            .iter()
            .any(|n| name.eq_ignore_ascii_case(n))
}

/// The log line of a request: method and target escaped (`\u{1b}`, `\n`), so a request cannot
/// write control sequences to the terminal.
pub fn log_line(method: &str, target: &str, status: &str) -> String {
    format!(
        "{} {} {status}",
        method.escape_debug(),
        target.escape_debug()
    )
}

/// Maps a request target to a file under `dir`, or None. Rejects `..`, backslashes and anything
/// that resolves (through symlinks) outside `dir`; a directory means its index.html.
fn resolve(dir: &Path, target: &str) -> Option<PathBuf> {
    let path = target.split(['?', '#']).next()?;
    let path = percent_decode(path.strip_prefix('/')?)?;
    let mut file = dir.to_path_buf();
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        if segment == "." || segment == ".." || segment.contains(['\\', '\0']) {
            return None;
        }
        file.push(segment);
    }
    if file.is_dir() {
        file.push("index.html");
    }
    let file = file.canonicalize().ok()?;
    (file.starts_with(dir) && file.is_file()).then_some(file)
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn mime(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "json" => "application/json",
        "png" => "image/png",
        "svg" => "image/svg+xml",
        "ico" => "image/x-icon",
        _ => "application/octet-stream",
    }
}
