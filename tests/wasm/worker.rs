//! The worker's half of `web` in a real dedicated worker: `WorkerLab` reads the page's messages
//! as JS values, trains in time slices, answers with plain JS events, refuses bad files and
//! malformed messages with typed notices, and gets a random seed from the worker's crypto.
#![cfg(target_arch = "wasm32")]

mod support;

use js_sys::{Array, Reflect, Uint8Array};
use makemore_lab::data::DEFAULT_NAMES;
use makemore_lab::web::WorkerLab;
use support::{msg, obj};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_dedicated_worker);

fn get(o: &JsValue, k: &str) -> JsValue {
    Reflect::get(o, &JsValue::from_str(k)).unwrap()
}

fn text(o: &JsValue, k: &str) -> String {
    get(o, k).as_string().unwrap_or_default()
}

fn small_names() -> String {
    DEFAULT_NAMES
        .lines()
        .take(800)
        .collect::<Vec<_>>()
        .join("\n")
}

fn lab() -> WorkerLab {
    let bytes = Uint8Array::from(small_names().as_bytes());
    let init = obj(&[
        ("type", "init".into()),
        ("bytes", bytes.into()),
        ("name", "test".into()),
    ]);
    WorkerLab::new(init, None).unwrap()
}

/// The events of a list with a `type`.
fn of(events: &JsValue, kind: &str) -> Vec<JsValue> {
    Array::from(events)
        .iter()
        .filter(|e| text(e, "type") == kind)
        .collect()
}

fn step_of(events: &JsValue) -> Option<f64> {
    of(events, "progress")
        .last()
        .map(|p| get(&get(p, "progress"), "step").as_f64().unwrap())
}

#[wasm_bindgen_test]
fn we_are_in_a_worker() {
    let global = js_sys::global();
    assert!(
        get(&global, "window").is_undefined(),
        "no window in a worker"
    );
    assert!(!get(&global, "postMessage").is_undefined());
}

#[wasm_bindgen_test]
fn the_lab_starts_trains_in_time_slices_and_pauses() {
    let mut lab = lab();
    let start = lab.start_events();
    assert_eq!(of(&start, "ready").len(), 1);
    assert_eq!(of(&start, "run").len(), 1);
    assert_eq!(
        text(&get(&of(&start, "ready")[0], "data"), "source"),
        "test"
    );
    lab.handle(msg("train"));
    assert!(lab.busy());
    let mut last = 0.0;
    let mut charts = Vec::new();
    for _ in 0..20 {
        let ev = lab.tick();
        if let Some(s) = step_of(&ev) {
            last = s;
        }
        for p in of(&ev, "progress") {
            charts.extend(Array::from(&get(&get(&p, "progress"), "charts")).iter());
        }
    }
    assert!(last > 20.0, "trained {last} steps");
    let ev = lab.handle(msg("pause"));
    assert!(!lab.busy());
    let p = get(&of(&ev, "progress")[0], "progress");
    assert_eq!(get(&p, "running"), JsValue::FALSE);
    // The progress carries the loss chart as a spec the page can draw.
    assert!(charts.iter().any(|c| text(c, "id") == "loss"));
}

#[wasm_bindgen_test]
fn sampling_and_bad_input_in_the_worker() {
    let mut lab = lab();
    lab.start_events();
    lab.handle(msg("step"));
    let sample = obj(&[
        ("type", "sample".into()),
        ("n", "7".into()),
        ("temperature", "1.0".into()),
    ]);
    let ev = lab.handle(sample);
    let s = &of(&ev, "samples")[0];
    assert_eq!(Array::from(&get(s, "samples")).length(), 7);
    let bad = obj(&[
        ("type", "sample".into()),
        ("n", "0".into()),
        ("temperature", "1".into()),
    ]);
    let n = &of(&lab.handle(bad), "notice")[0];
    assert_eq!(text(n, "topic"), "sampling");
    // Not a message of the protocol: a notice, not a trap.
    let n = &of(&lab.handle(msg("explode")), "notice")[0];
    assert!(
        text(n, "message").contains("did not understand"),
        "{}",
        text(n, "message")
    );
    let n = &of(&lab.handle(JsValue::from(42)), "notice")[0];
    assert_eq!(text(n, "level"), "bad");
    // A bad file: a load_error tagged with its upload, and the data stay.
    let png = Uint8Array::from(&b"\x89PNG\r\n\x1a\n"[..]);
    let load = obj(&[
        ("type", "load".into()),
        ("bytes", png.into()),
        ("name", "x.png".into()),
        ("upload", 3.into()),
    ]);
    let e = &of(&lab.handle(load), "load_error")[0];
    assert_eq!(get(e, "upload").as_f64(), Some(3.0));
    assert!(
        text(e, "message").contains("line 1"),
        "{}",
        text(e, "message")
    );
}

#[wasm_bindgen_test]
fn new_seeds_come_from_the_workers_crypto() {
    let mut lab = lab();
    lab.start_events();
    let seed = |ev: &JsValue| text(&get(&of(ev, "run")[0], "run"), "seed");
    let a = seed(&lab.handle(msg("new_seed")));
    let b = seed(&lab.handle(msg("new_seed")));
    assert_ne!(a, b);
    assert_ne!(a, "42");
}
