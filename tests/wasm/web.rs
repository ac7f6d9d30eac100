//! The page's half of `web`, in headless Chromium: every `draw_*` function draws on a real
//! canvas (its pixels change), and bad specs give an error instead of a panic.
#![cfg(target_arch = "wasm32")]

mod support;

use js_sys::{Array, Reflect};
use makemore_lab::charts::{ChartSpec, LossSpec, SaturationSpec, SeriesSpec};
use makemore_lab::data::DEFAULT_NAMES;
use makemore_lab::web::{self, WorkerLab};
use serde::Serialize;
use support::{msg, obj};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

wasm_bindgen_test_configure!(run_in_browser);

fn canvas(w: u32, h: u32) -> HtmlCanvasElement {
    let doc = web_sys::window().unwrap().document().unwrap();
    let c: HtmlCanvasElement = doc.create_element("canvas").unwrap().dyn_into().unwrap();
    c.set_width(w);
    c.set_height(h);
    doc.body().unwrap().append_child(&c).unwrap();
    c
}

fn pixels(c: &HtmlCanvasElement) -> Vec<u8> {
    let ctx: CanvasRenderingContext2d = c.get_context("2d").unwrap().unwrap().dyn_into().unwrap();
    ctx.get_image_data(0.0, 0.0, c.width() as f64, c.height() as f64)
        .unwrap()
        .data()
        .0
}

/// Pixels that are drawn (opaque) and not white.
fn inked(px: &[u8]) -> usize {
    px.chunks(4)
        .filter(|p| p[3] > 0 && (p[0] < 250 || p[1] < 250 || p[2] < 250))
        .count()
}

/// Pixels of a colour close to `rgb`.
fn colored(px: &[u8], rgb: [u8; 3]) -> usize {
    px.chunks(4)
        .filter(|p| (0..3).all(|i| (p[i] as i32 - rgb[i] as i32).abs() < 40) && p[3] > 200)
        .count()
}

fn s(v: &str) -> JsValue {
    JsValue::from_str(v)
}

fn to_js(spec: &ChartSpec) -> JsValue {
    spec.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap()
}

fn loss_spec(n: usize) -> JsValue {
    let losses: Vec<f32> = (0..n)
        .map(|i| 3.3 * (-(i as f32) / 300.0).exp() + 2.0)
        .collect();
    let earlier: Vec<f32> = losses.iter().map(|l| l + 0.3).collect();
    to_js(&ChartSpec::Loss(LossSpec {
        x_max: None,
        title: "loss".into(),
        label: "run 2".into(),
        losses,
        every: 1,
        smooth_window: 20,
        train_points: vec![(n - 1, 2.1)],
        val_points: vec![(n - 1, 2.2)],
        earlier_runs: vec![SeriesSpec {
            label: "run 1".into(),
            values: earlier,
            every: 1,
        }],
    }))
}

#[wasm_bindgen_test]
fn the_loss_chart_draws_and_redraws() {
    let c = canvas(640, 320);
    assert_eq!(inked(&pixels(&c)), 0, "a new canvas is blank");
    web::draw_chart(c.clone(), loss_spec(500), 1.0).unwrap();
    let a = pixels(&c);
    assert!(inked(&a) > 3000, "{} pixels", inked(&a));
    assert!(colored(&a, [0x1f, 0x77, 0xb4]) > 300, "the blue loss line");
    web::draw_chart(c.clone(), loss_spec(1500), 1.0).unwrap();
    let b = pixels(&c);
    assert_ne!(a, b, "more steps, another picture");
    // A 100k-step loss is decimated, and draws.
    web::draw_chart(c.clone(), loss_spec(100_000), 1.0).unwrap();
    assert!(inked(&pixels(&c)) > 3000);
}

#[wasm_bindgen_test]
fn every_chart_the_worker_sends_draws() {
    let bytes = js_sys::Uint8Array::from(DEFAULT_NAMES.as_bytes());
    let init = obj(&[("type", s("init")), ("bytes", bytes.into())]);
    let mut lab = WorkerLab::new(init, None).unwrap();
    lab.start_events();
    for _ in 0..3 {
        lab.handle(msg("step"));
    }
    let events = Array::from(&lab.handle(msg("step")));
    let mut drawn = Vec::new();
    for e in events.iter() {
        for key in ["progress", "diag"] {
            let body = Reflect::get(&e, &s(key)).unwrap();
            if body.is_undefined() {
                continue;
            }
            for view in Array::from(&Reflect::get(&body, &s("charts")).unwrap()).iter() {
                let id = Reflect::get(&view, &s("id")).unwrap().as_string().unwrap();
                let c = canvas(480, 300);
                web::draw_chart(c.clone(), Reflect::get(&view, &s("spec")).unwrap(), 1.0).unwrap();
                assert!(inked(&pixels(&c)) > 1000, "{id}");
                drawn.push(id);
            }
        }
    }
    for id in [
        "loss",
        "ratios",
        "lr",
        "embedding",
        "preact",
        "map",
        "acts",
        "grads",
    ] {
        assert!(drawn.iter().any(|d| d == id), "{id} in {drawn:?}");
    }
}

#[wasm_bindgen_test]
fn a_chart_is_sharp_at_a_device_pixel_ratio_of_two() {
    let (one, two) = (canvas(480, 300), canvas(960, 600));
    web::draw_chart(one.clone(), loss_spec(400), 1.0).unwrap();
    web::draw_chart(two.clone(), loss_spec(400), 2.0).unwrap();
    // The same layout at twice the pixels: about four times the ink.
    let (a, b) = (inked(&pixels(&one)) as f64, inked(&pixels(&two)) as f64);
    assert!(b > 3.0 * a && b < 5.0 * a, "{a} vs {b}");
}

#[wasm_bindgen_test]
fn empty_and_bad_specs_do_not_panic() {
    let c = canvas(400, 240);
    // Empty data: a frame that says "no data yet".
    web::draw_chart(c.clone(), to_js(&ChartSpec::Loss(LossSpec::default())), 1.0).unwrap();
    assert!(inked(&pixels(&c)) > 100);
    // Not a chart spec, or inconsistent data: an error, not a panic.
    assert!(web::draw_chart(c.clone(), JsValue::NULL, 1.0).is_err());
    assert!(web::draw_chart(c.clone(), obj(&[("type", s("pie"))]), 1.0).is_err());
    let bad = ChartSpec::Saturation(SaturationSpec {
        rows: 3,
        cols: 4,
        values: vec![1, 0, 1],
        ..SaturationSpec::default()
    });
    assert!(web::draw_chart(c.clone(), to_js(&bad), 1.0).is_err());
    // A tiny canvas.
    web::draw_chart(canvas(20, 10), loss_spec(50), 1.0).unwrap();
}

#[wasm_bindgen_test]
fn the_page_gets_the_chapters_knobs_and_limits() {
    let ch = Array::from(&web::chapters());
    assert_eq!(
        ch.length() as usize,
        makemore_lab::lesson::ChapterId::NAMES.len()
    );
    let first = ch.get(0);
    assert_eq!(
        Reflect::get(&first, &s("name"))
            .unwrap()
            .as_string()
            .unwrap(),
        makemore_lab::lesson::ChapterId::NAMES[0]
    );
    let knobs = Array::from(&web::knobs());
    assert_eq!(
        knobs.length() as usize,
        makemore_lab::session::settings::KNOBS.len()
    );
    let limit = makemore_lab::data::MAX_FILE_BYTES as f64;
    assert_eq!(web::file_size_problem(limit), None);
    assert!(web::file_size_problem(50e6).unwrap().contains("50.0 MB"));
}
