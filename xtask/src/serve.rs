//! `cargo xtask serve`: a small std-only static file server for www/ on 127.0.0.1. GET and HEAD,
//! one short-lived thread per connection (at most `Limits::max_connections`; when all are taken,
//! a new connection takes the place of the oldest one still waiting for its request head, and
//! only if every place is serving a request does it get 503), the request head bounded in size
//! and time, only localhost names accepted as Host (a DNS-rebinding page cannot read the site
//! through another name), no path outside the folder, the headers of `www/_headers` on every
//! response and `Cache-Control: no-cache`. std only: `tests/serve.rs` and `xtask/tests/serve.rs`
//! compile this file into their tests.

use std::fs;
use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicU8, Ordering};
use std::sync::{Arc, Mutex};
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
    /// Connections open at once. Past it, the oldest connection still reading its request head
    /// is shed (closed) for the new one; if every connection is past its head, 503 at once.
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
    let places = Places::new(site.limits.max_connections);
    for stream in listener.incoming() {
        let stream = match stream {
            Ok(s) => s,
            Err(e) => {
                // Out of file descriptors, or the peer gave up: the next one may work.
                eprintln!("serve: accept: {e}");
                continue;
            }
        };
        let Some(slot) = places.take(&stream) else {
            // Answered here, without a thread: only input that has already arrived is drained.
            let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
            let _ = stream.set_nonblocking(true);
            let _ = refuse(&stream, &site, "503 Service Unavailable", Duration::ZERO);
            let max = site.limits.max_connections;
            eprintln!("serve: {max} connections serving requests: 503");
            continue;
        };
        let site = Arc::clone(&site);
        let spawned = thread::Builder::new().name("serve".into()).spawn(move || {
            if let Err(e) = handle(stream, &site, &slot) {
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

/// The `max_connections` places, each held by one open connection: its stream (to shed it) and
/// its state, oldest first.
#[derive(Clone)]
struct Places {
    max: usize,
    held: Arc<Mutex<Vec<Held>>>,
    next_id: Arc<AtomicU64>,
}

struct Held {
    id: u64,
    stream: TcpStream,
    state: Arc<AtomicU8>,
}

/// A connection's state: reading its request head (it may be shed), serving it (it is not), or
/// shed (its head must not be served).
const READING: u8 = 0;
const SERVING: u8 = 1;
const SHED: u8 = 2;

impl Places {
    fn new(max: usize) -> Places {
        Places {
            max,
            held: Arc::default(),
            next_id: Arc::default(),
        }
    }

    /// A place for `stream`: a free one, or else the place of the oldest connection still
    /// reading its head, which is shed: closed, so that its thread stops. None if every place is
    /// serving a request.
    fn take(&self, stream: &TcpStream) -> Option<Slot> {
        let mut held = self.held.lock().unwrap_or_else(|e| e.into_inner());
        if held.len() >= self.max {
            // Shed only what is still reading: the swap decides, against the connection's own
            // thread, whether it is shed or serves.
            let oldest = held.iter().position(|h| {
                h.state
                    .compare_exchange(READING, SHED, Ordering::AcqRel, Ordering::Acquire)
                    .is_ok()
            })?;
            let shed = held.remove(oldest);
            let _ = shed.stream.shutdown(std::net::Shutdown::Both);
            eprintln!(
                "serve: {} connections open: the oldest idle one shed",
                self.max
            );
        }
        let state = Arc::new(AtomicU8::new(READING));
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        held.push(Held {
            id,
            stream: stream.try_clone().ok()?,
            state: Arc::clone(&state),
        });
        Some(Slot {
            places: self.clone(),
            id,
            state,
        })
    }
}

/// One of the places, given back when dropped.
struct Slot {
    places: Places,
    id: u64,
    state: Arc<AtomicU8>,
}

impl Slot {
    /// The connection's head is complete: it will be served and is no longer shed. False if it
    /// was shed first.
    fn serve(&self) -> bool {
        self.state
            .compare_exchange(READING, SERVING, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut held = self.places.held.lock().unwrap_or_else(|e| e.into_inner());
        held.retain(|h| h.id != self.id);
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

fn handle(stream: TcpStream, site: &Site, slot: &Slot) -> io::Result<()> {
    stream.set_write_timeout(Some(site.limits.write_timeout))?;
    let head = match read_head(&stream, &site.limits) {
        Ok(_) if !slot.serve() => return Ok(()), // shed for a newer connection
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

/// A file's bytes; the service worker gets the site's version and files (see
/// `site::service_worker`).
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
