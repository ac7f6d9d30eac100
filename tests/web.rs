//! The page's half of `web`, in headless Chromium: every `draw_*` function draws on a real
//! canvas (its pixels change), and bad specs give an error instead of a panic.
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Float32Array, Object, Reflect, Uint8Array};
use makemore_lab::data::DEFAULT_NAMES;
use makemore_lab::web::{self, WorkerLab};
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

fn obj(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in pairs {
        Reflect::set(&o, &JsValue::from_str(k), v).unwrap();
    }
    o.into()
}

fn f32s(v: &[f32]) -> JsValue {
    Float32Array::from(v).into()
}

fn s(v: &str) -> JsValue {
    JsValue::from_str(v)
}

fn loss_spec(n: usize) -> JsValue {
    let losses: Vec<f32> = (0..n)
        .map(|i| 3.3 * (-(i as f32) / 300.0).exp() + 2.0)
        .collect();
    let earlier: Vec<f32> = losses.iter().map(|l| l + 0.3).collect();
    obj(&[
        ("title", s("loss")),
        ("label", s("run 2")),
        ("losses", f32s(&losses)),
        ("smoothWindow", JsValue::from(20)),
        ("trainSteps", f32s(&[n as f32 - 1.0])),
        ("trainLosses", f32s(&[2.1])),
        ("valSteps", f32s(&[n as f32 - 1.0])),
        ("valLosses", f32s(&[2.2])),
        (
            "earlier",
            Array::of1(&obj(&[("label", s("run 1")), ("values", f32s(&earlier))])).into(),
        ),
    ])
}

#[wasm_bindgen_test]
fn the_loss_chart_draws_and_redraws() {
    let c = canvas(640, 320);
    assert_eq!(inked(&pixels(&c)), 0, "a new canvas is blank");
    web::draw_loss(c.clone(), loss_spec(500)).unwrap();
    let a = pixels(&c);
    assert!(inked(&a) > 3000, "{} pixels", inked(&a));
    assert!(colored(&a, [0x1f, 0x77, 0xb4]) > 300, "the blue loss line");
    web::draw_loss(c.clone(), loss_spec(1500)).unwrap();
    let b = pixels(&c);
    assert_ne!(a, b, "more steps, another picture");
    // A 100k-step loss is decimated, and draws.
    web::draw_loss(c.clone(), loss_spec(100_000)).unwrap();
    assert!(inked(&pixels(&c)) > 3000);
}

#[wasm_bindgen_test]
fn every_chart_draws_from_the_worker_labs_specs() {
    // The worker's lab runs on this thread too (it is plain Rust): train a little, then draw
    // what the worker would send.
    let mut lab = WorkerLab::new(DEFAULT_NAMES.as_bytes(), "default").unwrap();
    lab.choose_chapter("fix-softmax", Some(1000.0)).unwrap();
    lab.start().unwrap();
    let mut steps = 0;
    while steps < 20 {
        steps += lab.work(5.0);
    }
    lab.pause();
    let d = lab.diagnostics();
    let run = lab.run_info();
    let get = |o: &JsValue, k: &str| Reflect::get(o, &s(k)).unwrap();
    type Draw = fn(HtmlCanvasElement, JsValue) -> Result<(), JsError>;
    let charts: Vec<(&str, Draw, JsValue)> = vec![
        ("embedding", web::draw_embedding, get(&d, "embedding")),
        ("pre/act", web::draw_histogram_pair, get(&d, "prePair")),
        ("map", web::draw_saturation_map, get(&d, "map")),
        ("acts", web::draw_histograms, get(&d, "layersAct")),
        ("grads", web::draw_histograms, get(&d, "layersGrad")),
        (
            "kaiming",
            web::draw_histogram_pair,
            get(&get(&run, "kaiming"), "pair"),
        ),
    ];
    for (name, draw, spec) in charts {
        assert!(spec.is_object(), "{name}: a spec");
        let c = canvas(600, 300);
        draw(c.clone(), spec).unwrap_or_else(|e| panic!("{name}: {:?}", JsValue::from(e)));
        let n = inked(&pixels(&c));
        assert!(n > 2000, "{name}: {n} pixels");
    }
    // The saturation map of fix-softmax is mostly white (saturated) cells on black.
    let c = canvas(600, 300);
    web::draw_saturation_map(c.clone(), get(&d, "map")).unwrap();
    let px = pixels(&c);
    assert!(colored(&px, [0, 0, 0]) > 500, "black cells");
    let p = lab.take_progress();
    let losses = get(&p, "losses");
    let lrs: Float32Array = get(&p, "lrs").dyn_into().unwrap();
    let exps: Vec<f32> = lrs.to_vec().iter().map(|x| x.log10()).collect();
    let c = canvas(600, 300);
    let spec = obj(&[
        ("title", s("")),
        ("exponents", f32s(&exps)),
        ("losses", losses.clone()),
        ("smoothWindow", JsValue::from(5)),
        ("suggested", JsValue::from(-1.0)),
    ]);
    web::draw_lr_finder(c.clone(), spec).unwrap();
    assert!(inked(&pixels(&c)) > 1000);
    let labels = Array::from(&get(&run, "ratioLabels"));
    let ratios: Vec<f32> = get(&p, "ratios")
        .dyn_into::<Float32Array>()
        .unwrap()
        .to_vec();
    let k = labels.length() as usize;
    let series: Array = (0..k)
        .map(|j| {
            let v: Vec<f32> = ratios.iter().skip(j).step_by(k).copied().collect();
            obj(&[("label", labels.get(j as u32)), ("values", f32s(&v))])
        })
        .collect();
    let c = canvas(600, 300);
    web::draw_update_ratios(
        c.clone(),
        obj(&[("title", s("")), ("series", series.into())]),
    )
    .unwrap();
    let px = pixels(&c);
    assert!(colored(&px, [0, 0, 0]) > 100, "the black 1e-3 line");
}

#[wasm_bindgen_test]
fn empty_and_bad_specs_do_not_panic() {
    let c = canvas(400, 240);
    // Empty data: a frame that says "no data yet".
    web::draw_loss(c.clone(), obj(&[("title", s("loss"))])).unwrap();
    assert!(inked(&pixels(&c)) > 100);
    web::draw_histograms(c.clone(), JsValue::from(Object::new())).unwrap();
    web::draw_embedding(c.clone(), JsValue::NULL).unwrap();
    // Inconsistent data: an error, not a panic.
    let bad = obj(&[
        ("rows", JsValue::from(3)),
        ("cols", JsValue::from(4)),
        ("cells", Uint8Array::from(&[1u8, 0, 1][..]).into()),
    ]);
    assert!(web::draw_saturation_map(c.clone(), bad).is_err());
    // A tiny canvas.
    let tiny = canvas(20, 10);
    web::draw_loss(tiny, loss_spec(50)).unwrap();
}

#[wasm_bindgen_test]
fn the_page_gets_the_chapters_knobs_and_limits() {
    let ch = Array::from(&web::chapters());
    assert_eq!(ch.length() as usize, makemore_lab::presets::NAMES.len());
    let first = ch.get(0);
    assert_eq!(
        Reflect::get(&first, &s("name"))
            .unwrap()
            .as_string()
            .unwrap(),
        makemore_lab::presets::NAMES[0]
    );
    let knobs = Array::from(&web::knobs());
    assert_eq!(knobs.length() as usize, makemore_lab::session::KNOBS.len());
    assert_eq!(
        web::max_file_bytes() as usize,
        makemore_lab::data::MAX_FILE_BYTES
    );
    assert!(web::too_large_message(50e6).contains("50.0 MB"));
    assert_eq!(web::format_count(32033.0), "32,033");
}
