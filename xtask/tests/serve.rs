//! The dev server's places (`cargo xtask serve`, `serve::Limits::max_connections`): idle
//! connections cannot keep a complete request out, and past the cap a connection gets 503 only
//! while every place serves a request. Each test starts the server on 127.0.0.1, port 0, in a
//! thread, on a folder of its own. And what a deployment holds (`site::files`). serve.rs and
//! site.rs are std-only and compile in as they are.

#[path = "../src/serve.rs"]
#[allow(dead_code)] // `serve` (the command's entry) is not called here
mod serve;
#[path = "../src/site.rs"]
#[allow(dead_code)] // what only dist.rs calls
mod site;

use std::fs;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::thread;
use std::time::{Duration, Instant};

use serve::Limits;

/// A fresh folder with a.txt, big.bin (`big` bytes) and www/_headers.
fn site_dir(name: &str, big: usize) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("xtask-serve-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("a.txt"), "aaa").unwrap();
    fs::write(dir.join("big.bin"), vec![7u8; big]).unwrap();
    let www = Path::new(env!("CARGO_MANIFEST_DIR")).join("../www");
    fs::copy(www.join("_headers"), dir.join("_headers")).unwrap();
    dir
}

fn start(dir: &Path, limits: Limits) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let dir = dir.to_path_buf();
    thread::spawn(move || serve::run(listener, &dir, limits).unwrap());
    addr
}

fn request(addr: SocketAddr, path: &str) -> Vec<u8> {
    format!(
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n\r\n",
        addr.port()
    )
    .into_bytes()
}

/// Sends `raw` and reads the response's status line (the server closes every connection).
fn status(addr: SocketAddr, raw: &[u8]) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    s.write_all(raw).unwrap();
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    let out = String::from_utf8_lossy(&out);
    out.lines().next().unwrap_or("").to_string()
}

#[test]
fn idle_connections_holding_every_place_do_not_keep_a_complete_request_out() {
    // The default limits: 64 places, 10 s for a request head.
    let addr = start(&site_dir("idle", 0), Limits::default());
    // 300 connections that never send a byte.
    let idle: Vec<TcpStream> = (0..300)
        .map(|_| TcpStream::connect(addr).unwrap())
        .collect();
    thread::sleep(Duration::from_millis(300));
    // A complete request is served at once, not refused (503) nor kept waiting until the idle
    // ones time out.
    let t = Instant::now();
    assert_eq!(status(addr, &request(addr, "/a.txt")), "HTTP/1.1 200 OK");
    assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
    // The shed ones were closed without a reply (a browser retries such a connection); the
    // newest ones still hold their places.
    let mut first = &idle[0];
    first
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut buf = [0u8; 64];
    assert_eq!(first.read(&mut buf).unwrap_or(0), 0);
    drop(idle);
}

#[test]
fn past_the_cap_a_connection_gets_503_while_every_place_serves_a_request() {
    // Two places, each held by a request whose response the client does not read: 64 MiB, far
    // more than the sockets' buffers, so the server's write waits.
    let limits = Limits {
        max_connections: 2,
        write_timeout: Duration::from_secs(20),
        ..Limits::default()
    };
    let addr = start(&site_dir("busy", 64 << 20), limits);
    let busy: Vec<TcpStream> = (0..2)
        .map(|_| {
            let mut s = TcpStream::connect(addr).unwrap();
            s.write_all(&request(addr, "/big.bin")).unwrap();
            s
        })
        .collect();
    thread::sleep(Duration::from_millis(300));
    // A third one is answered at once (nothing to shed).
    let t = Instant::now();
    assert_eq!(
        status(addr, &request(addr, "/a.txt")),
        "HTTP/1.1 503 Service Unavailable"
    );
    assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
    // The places come back when those connections end (the server's writes fail).
    drop(busy);
    let t = Instant::now();
    let mut last = String::new();
    while t.elapsed() < Duration::from_secs(5) {
        last = status(addr, &request(addr, "/a.txt"));
        if last == "HTTP/1.1 200 OK" {
            break;
        }
        thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(last, "HTTP/1.1 200 OK");
}

#[test]
fn a_deployment_leaves_out_the_builds_type_declarations() {
    let dir = site_dir("files", 0);
    fs::create_dir_all(dir.join("pkg/relaxed")).unwrap();
    for f in [
        "pkg/makemore_lab.js",
        "pkg/makemore_lab.d.ts",
        "pkg/makemore_lab_bg.wasm.d.ts",
        "pkg/relaxed/makemore_lab.d.ts",
        ".hidden",
    ] {
        fs::write(dir.join(f), "x").unwrap();
    }
    let files: Vec<String> = site::files(&dir)
        .unwrap()
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        files,
        ["_headers", "a.txt", "big.bin", "pkg/makemore_lab.js"],
        "{files:?}"
    );
    // So they do not change the service worker's version either.
    let before = site::version(&dir).unwrap();
    fs::write(dir.join("pkg/makemore_lab.d.ts"), "changed").unwrap();
    assert_eq!(site::version(&dir).unwrap(), before);
}
