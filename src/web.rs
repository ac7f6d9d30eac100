//! The thin wasm-bindgen glue (wasm32 only). Two halves, one module:
//!
//! - in the worker, `WorkerLab` wraps a `session::Session`: each message from the page becomes a
//!   method call, and what the page needs comes back as plain JS objects and `Float32Array`s;
//! - on the page, the `draw_*` functions take a canvas and a plain object (the "spec", built by
//!   `WorkerLab` or by main.js) and draw one chart of `charts` with plotters-canvas.
//!
//! plotters measures text through `window.document`, so charts are drawn on the main thread
//! only. A panic calls `globalThis.__makemorePanic(message)` (when the page or the worker defines
//! it) before the module aborts, so the page can say what happened instead of freezing.

use crate::charts::{
    self, CharPoint, EmbeddingData, HistSeries, HistogramData, HistogramPairData, LossData,
    LrFinderData, NamedSeries, SaturationData, UpdateRatioData,
};
use crate::data::{DataError, MAX_FILE_BYTES};
use crate::diagnostics::{Histogram, KaimingDemo};
use crate::presets;
use crate::session::{self, Diagnostics, Progress, RunInfo, Session, KNOBS};
use js_sys::{Array, Float32Array, Object, Reflect, Uint8Array};
use plotters::prelude::IntoDrawingArea;
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
};
use plotters_canvas::CanvasBackend;
use std::cell::RefCell;
use std::collections::HashMap;
use wasm_bindgen::prelude::*;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

// ---------------------------------------------------------------------------------------------
// Panics

/// Installs the panic hook (idempotent): the message goes to `console.error` and to
/// `globalThis.__makemorePanic`, if it is a function.
#[wasm_bindgen]
pub fn init_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            let msg = format!("internal error: {info}");
            web_sys::console::error_1(&JsValue::from_str(&msg));
            let global = js_sys::global();
            if let Ok(f) = Reflect::get(&global, &JsValue::from_str("__makemorePanic")) {
                if let Some(f) = f.dyn_ref::<js_sys::Function>() {
                    let _ = f.call1(&JsValue::NULL, &JsValue::from_str(&msg));
                }
            }
        }));
    });
}

// ---------------------------------------------------------------------------------------------
// Small helpers between JS objects and Rust values

fn obj(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in pairs {
        let _ = Reflect::set(&o, &JsValue::from_str(k), v);
    }
    o.into()
}

fn s(v: &str) -> JsValue {
    JsValue::from_str(v)
}

fn n(v: f64) -> JsValue {
    JsValue::from_f64(v)
}

fn f32s(v: &[f32]) -> JsValue {
    Float32Array::from(v).into()
}

fn strings<S: AsRef<str>>(v: &[S]) -> JsValue {
    v.iter().map(|x| s(x.as_ref())).collect::<Array>().into()
}

fn opt_n(v: Option<f32>) -> JsValue {
    v.map_or(JsValue::NULL, |x| n(x as f64))
}

fn get(o: &JsValue, key: &str) -> JsValue {
    Reflect::get(o, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn get_str(o: &JsValue, key: &str) -> String {
    get(o, key).as_string().unwrap_or_default()
}

fn get_f64(o: &JsValue, key: &str) -> Option<f64> {
    get(o, key).as_f64()
}

fn get_usize(o: &JsValue, key: &str) -> usize {
    get_f64(o, key).map_or(0, |x| if x > 0.0 { x as usize } else { 0 })
}

fn get_bool(o: &JsValue, key: &str) -> bool {
    get(o, key).is_truthy()
}

/// A `Float32Array` (or any array-like of numbers) as a `Vec<f32>`; missing: empty.
fn get_f32s(o: &JsValue, key: &str) -> Vec<f32> {
    let v = get(o, key);
    if v.is_undefined() || v.is_null() {
        return Vec::new();
    }
    match v.dyn_into::<Float32Array>() {
        Ok(a) => a.to_vec(),
        Err(v) => Float32Array::new(&v).to_vec(),
    }
}

fn get_array(o: &JsValue, key: &str) -> Vec<JsValue> {
    let v = get(o, key);
    if Array::is_array(&v) {
        Array::from(&v).iter().collect()
    } else {
        Vec::new()
    }
}

/// `(steps[i], values[i])` pairs from two parallel arrays.
fn get_points(o: &JsValue, steps: &str, values: &str) -> Vec<(usize, f32)> {
    let st = get_f32s(o, steps);
    let va = get_f32s(o, values);
    st.iter()
        .zip(&va)
        .filter(|(s, _)| s.is_finite() && **s >= 0.0)
        .map(|(&s, &v)| (s as usize, v))
        .collect()
}

fn err(e: impl std::fmt::Display) -> JsError {
    JsError::new(&e.to_string())
}

// ---------------------------------------------------------------------------------------------
// Static facts for the page

/// The chapters in lesson order: `[{name, title, about}]`.
#[wasm_bindgen]
pub fn chapters() -> JsValue {
    presets::all()
        .iter()
        .map(|p| {
            obj(&[
                ("name", s(p.name)),
                ("title", s(p.title)),
                ("about", s(p.about)),
            ])
        })
        .collect::<Array>()
        .into()
}

/// Every custom setting: `[{key, label, group, help, kind, min, max, choices}]`.
#[wasm_bindgen]
pub fn knobs() -> JsValue {
    KNOBS
        .iter()
        .map(|k| {
            let (kind, min, max, choices) = match k.kind {
                session::KnobKind::Int { min, max } => ("int", min as f64, max as f64, vec![]),
                session::KnobKind::Float { min, max } => ("float", min, max, vec![]),
                session::KnobKind::Choice(c) => ("choice", 0.0, 0.0, c.to_vec()),
                session::KnobKind::Bool => ("bool", 0.0, 1.0, vec![]),
            };
            obj(&[
                ("key", s(k.key)),
                ("label", s(k.label)),
                ("group", s(k.group)),
                ("help", s(k.help)),
                ("kind", s(kind)),
                ("min", n(min)),
                ("max", n(max)),
                ("choices", strings(&choices)),
            ])
        })
        .collect::<Array>()
        .into()
}

/// The largest names file accepted, in bytes (checked on `File.size` before reading).
#[wasm_bindgen]
pub fn max_file_bytes() -> f64 {
    MAX_FILE_BYTES as f64
}

/// The core's message for a file of `bytes` bytes that is too large.
#[wasm_bindgen]
pub fn too_large_message(bytes: f64) -> String {
    DataError::TooLarge {
        bytes: bytes as usize,
    }
    .to_string()
}

/// "1,234" with thousands separators, as the page shows counts.
#[wasm_bindgen]
pub fn format_count(v: f64) -> String {
    session::fmt_count(v.max(0.0) as usize)
}

// ---------------------------------------------------------------------------------------------
// Main thread: charts on a canvas

/// A `CanvasBackend` that measures text with the canvas (`measureText`) and caches the sizes.
/// plotters itself measures a text by adding a `<span>` to the document and reading its size,
/// which forces a style and layout pass of the whole page each time (1 ms and more while the page
/// has new text, in the middle of a frame). Here only the height of a font comes from the DOM,
/// once per font (the span's height is the font's line height, whatever the text); widths come
/// from `measureText`, which needs no layout. Everything else goes straight to the backend.
struct CachedTextCanvas {
    backend: CanvasBackend,
    context: Option<CanvasRenderingContext2d>,
}

/// At most this many measurements are kept (then the cache starts again).
const TEXT_CACHE_MAX: usize = 4096;

thread_local! {
    /// (CSS font, text) -> (width, height) in pixels.
    static TEXT_SIZES: RefCell<HashMap<(String, String), (u32, u32)>> = RefCell::new(HashMap::new());
    /// CSS font -> the height plotters measured through the DOM.
    static FONT_HEIGHTS: RefCell<HashMap<String, u32>> = RefCell::new(HashMap::new());
}

impl DrawingBackend for CachedTextCanvas {
    type ErrorType = <CanvasBackend as DrawingBackend>::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.backend.get_size()
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.backend.ensure_prepared()
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.backend.present()
    }

    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.backend.draw_pixel(point, color)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.backend.draw_line(from, to, style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.backend
            .draw_rect(upper_left, bottom_right, style, fill)
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.backend.draw_path(path, style)
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.backend.draw_circle(center, radius, style, fill)
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.backend.fill_polygon(vert, style)
    }

    fn draw_text<TStyle: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &TStyle,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.backend.draw_text(text, style, pos)
    }

    fn estimate_text_size<TStyle: BackendTextStyle>(
        &self,
        text: &str,
        style: &TStyle,
    ) -> Result<(u32, u32), DrawingErrorKind<Self::ErrorType>> {
        // The font as plotters-canvas sets it for `fillText`.
        let font = format!(
            "{} {}px {}",
            style.style().as_str(),
            style.size(),
            style.family().as_str()
        );
        let key = (font, text.to_string());
        if let Some(size) = TEXT_SIZES.with(|c| c.borrow().get(&key).copied()) {
            return Ok(size);
        }
        let Some(ctx) = &self.context else {
            return self.backend.estimate_text_size(text, style);
        };
        let height = match FONT_HEIGHTS.with(|c| c.borrow().get(&key.0).copied()) {
            Some(h) => h,
            None => {
                let (_, h) = self.backend.estimate_text_size("Mg", style)?;
                FONT_HEIGHTS.with(|c| c.borrow_mut().insert(key.0.clone(), h));
                h
            }
        };
        ctx.set_font(&key.0);
        let width = match ctx.measure_text(text) {
            Ok(m) => m.width().round().max(0.0) as u32,
            Err(_) => return self.backend.estimate_text_size(text, style),
        };
        let size = (width, height);
        TEXT_SIZES.with(|c| {
            let mut c = c.borrow_mut();
            if c.len() >= TEXT_CACHE_MAX {
                c.clear();
            }
            c.insert(key, size);
        });
        Ok(size)
    }

    fn blit_bitmap(
        &mut self,
        pos: BackendCoord,
        size: (u32, u32),
        src: &[u8],
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.backend.blit_bitmap(pos, size, src)
    }
}

fn draw_on(
    canvas: HtmlCanvasElement,
    f: impl FnOnce(
        &plotters::drawing::DrawingArea<CachedTextCanvas, plotters::coord::Shift>,
    ) -> Result<(), charts::ChartError>,
) -> Result<(), JsError> {
    init_panic_hook();
    // The same context object the backend draws with (its font is set before every fillText).
    let context = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok());
    let backend = CanvasBackend::with_canvas_object(canvas)
        .ok_or_else(|| JsError::new("this canvas has no 2-D context"))?;
    let root = CachedTextCanvas { backend, context }.into_drawing_area();
    f(&root).map_err(err)?;
    root.present().map_err(err)
}

/// The loss chart. `spec`: `{title, label, losses: Float32Array, smoothWindow, trainSteps,
/// trainLosses, valSteps, valLosses, earlier: [{label, values: Float32Array}]}`.
#[wasm_bindgen]
pub fn draw_loss(canvas: HtmlCanvasElement, spec: JsValue) -> Result<(), JsError> {
    let losses = get_f32s(&spec, "losses");
    let train = get_points(&spec, "trainSteps", "trainLosses");
    let val = get_points(&spec, "valSteps", "valLosses");
    let earlier: Vec<(String, Vec<f32>)> = get_array(&spec, "earlier")
        .iter()
        .map(|r| (get_str(r, "label"), get_f32s(r, "values")))
        .collect();
    let earlier: Vec<NamedSeries> = earlier
        .iter()
        .map(|(label, values)| NamedSeries { label, values })
        .collect();
    let (title, label) = (get_str(&spec, "title"), get_str(&spec, "label"));
    let data = LossData {
        title: &title,
        label: &label,
        losses: &losses,
        smooth_window: get_usize(&spec, "smoothWindow"),
        train_points: &train,
        val_points: &val,
        earlier_runs: &earlier,
    };
    draw_on(canvas, |root| charts::draw_loss(root, &data))
}

/// The LR-finder chart. `spec`: `{title, exponents, losses, smoothWindow, suggested}` (exponents
/// are log10 of the learning rates; `suggested` a log10 or null).
#[wasm_bindgen]
pub fn draw_lr_finder(canvas: HtmlCanvasElement, spec: JsValue) -> Result<(), JsError> {
    let exponents = get_f32s(&spec, "exponents");
    let losses = get_f32s(&spec, "losses");
    let title = get_str(&spec, "title");
    let data = LrFinderData {
        title: &title,
        exponents: &exponents,
        losses: &losses,
        smooth_window: get_usize(&spec, "smoothWindow"),
        suggested_exponent: get_f64(&spec, "suggested").map(|x| x as f32),
    };
    draw_on(canvas, |root| charts::draw_lr_finder(root, &data))
}

/// The embedding scatter. `spec`: `{title, xLabel, yLabel, chars: "abc", xs, ys}`.
#[wasm_bindgen]
pub fn draw_embedding(canvas: HtmlCanvasElement, spec: JsValue) -> Result<(), JsError> {
    let xs = get_f32s(&spec, "xs");
    let ys = get_f32s(&spec, "ys");
    let points: Vec<CharPoint> = get_str(&spec, "chars")
        .chars()
        .zip(xs.iter().zip(&ys))
        .map(|(ch, (&x, &y))| CharPoint { ch, x, y })
        .collect();
    let (title, xl, yl) = (
        get_str(&spec, "title"),
        get_str(&spec, "xLabel"),
        get_str(&spec, "yLabel"),
    );
    let data = EmbeddingData {
        title: &title,
        x_label: &xl,
        y_label: &yl,
        points: &points,
        counts: &[],
    };
    draw_on(canvas, |root| charts::draw_embedding(root, &data))
}

/// Owned parts of a `HistogramData` read from a spec.
struct HistSpec {
    title: String,
    x_label: String,
    y_label: String,
    bars: bool,
    series: Vec<(String, f32, f32, Vec<f32>)>,
}

impl HistSpec {
    fn read(spec: &JsValue) -> HistSpec {
        HistSpec {
            title: get_str(spec, "title"),
            x_label: get_str(spec, "xLabel"),
            y_label: get_str(spec, "yLabel"),
            bars: get_bool(spec, "bars"),
            series: get_array(spec, "series")
                .iter()
                .map(|s| {
                    (
                        get_str(s, "label"),
                        get_f64(s, "lo").unwrap_or(f64::NAN) as f32,
                        get_f64(s, "hi").unwrap_or(f64::NAN) as f32,
                        get_f32s(s, "values"),
                    )
                })
                .collect(),
        }
    }

    fn series(&self) -> Vec<HistSeries<'_>> {
        self.series
            .iter()
            .map(|(label, lo, hi, values)| HistSeries {
                label,
                lo: *lo,
                hi: *hi,
                values,
            })
            .collect()
    }

    fn data<'a>(&'a self, series: &'a [HistSeries<'a>]) -> HistogramData<'a> {
        HistogramData {
            title: &self.title,
            x_label: &self.x_label,
            y_label: &self.y_label,
            series,
            bars: self.bars,
        }
    }
}

/// Histograms. `spec`: `{title, xLabel, yLabel, bars, series: [{label, lo, hi, values}]}`.
#[wasm_bindgen]
pub fn draw_histograms(canvas: HtmlCanvasElement, spec: JsValue) -> Result<(), JsError> {
    let h = HistSpec::read(&spec);
    let series = h.series();
    let data = h.data(&series);
    draw_on(canvas, |root| charts::draw_histograms(root, &data))
}

/// Two histograms side by side. `spec`: `{left: <histograms spec>, right: <histograms spec>}`.
#[wasm_bindgen]
pub fn draw_histogram_pair(canvas: HtmlCanvasElement, spec: JsValue) -> Result<(), JsError> {
    let (l, r) = (
        HistSpec::read(&get(&spec, "left")),
        HistSpec::read(&get(&spec, "right")),
    );
    let (ls, rs) = (l.series(), r.series());
    let data = HistogramPairData {
        left: l.data(&ls),
        right: r.data(&rs),
    };
    draw_on(canvas, |root| charts::draw_histogram_pair(root, &data))
}

/// The saturation map. `spec`: `{title, xLabel, yLabel, rows, cols, cells: Uint8Array}`.
#[wasm_bindgen]
pub fn draw_saturation_map(canvas: HtmlCanvasElement, spec: JsValue) -> Result<(), JsError> {
    let cells = get(&spec, "cells");
    let cells: Vec<bool> = if cells.is_undefined() || cells.is_null() {
        Vec::new()
    } else {
        Uint8Array::new(&cells)
            .to_vec()
            .iter()
            .map(|&c| c != 0)
            .collect()
    };
    let (title, xl, yl) = (
        get_str(&spec, "title"),
        get_str(&spec, "xLabel"),
        get_str(&spec, "yLabel"),
    );
    let data = SaturationData {
        title: &title,
        x_label: &xl,
        y_label: &yl,
        rows: get_usize(&spec, "rows"),
        cols: get_usize(&spec, "cols"),
        values: &cells,
    };
    draw_on(canvas, |root| charts::draw_saturation_map(root, &data))
}

/// Update:data ratios. `spec`: `{title, series: [{label, values: Float32Array}]}` (value `i` at
/// step `i`; NaN where no ratio was taken).
#[wasm_bindgen]
pub fn draw_update_ratios(canvas: HtmlCanvasElement, spec: JsValue) -> Result<(), JsError> {
    let owned: Vec<(String, Vec<f32>)> = get_array(&spec, "series")
        .iter()
        .map(|r| (get_str(r, "label"), get_f32s(r, "values")))
        .collect();
    let series: Vec<NamedSeries> = owned
        .iter()
        .map(|(label, values)| NamedSeries { label, values })
        .collect();
    let title = get_str(&spec, "title");
    let data = UpdateRatioData {
        title: &title,
        series: &series,
    };
    draw_on(canvas, |root| charts::draw_update_ratios(root, &data))
}

// ---------------------------------------------------------------------------------------------
// Worker side: the session

fn hist_series(label: &str, h: &Histogram) -> JsValue {
    obj(&[
        ("label", s(label)),
        ("lo", n(h.lo as f64)),
        ("hi", n(h.hi as f64)),
        ("values", f32s(&h.density)),
    ])
}

fn hist_spec(title: &str, x_label: &str, bars: bool, series: Vec<JsValue>) -> JsValue {
    obj(&[
        ("title", s(title)),
        ("xLabel", s(x_label)),
        ("yLabel", s("density")),
        ("bars", JsValue::from_bool(bars)),
        ("series", series.into_iter().collect::<Array>().into()),
    ])
}

fn kaiming_js(k: &KaimingDemo, fan_in: usize) -> JsValue {
    let line = |what: &str, st: &crate::diagnostics::Stats| {
        format!(
            "{what}: mean {}, std {:.2}",
            session::fmt_signed(st.mean),
            st.std
        )
    };
    let (lx, ly) = (line("x", &k.x), line("y = x @ w", &k.y));
    let (sx, sy) = (
        line("x", &k.x_scaled),
        line(&format!("y = x @ (w / sqrt({fan_in}))"), &k.y_scaled),
    );
    let left = hist_spec(
        "w ~ randn: the spread grows",
        "value",
        false,
        vec![hist_series(&lx, &k.x_hist), hist_series(&ly, &k.y_hist)],
    );
    let right = hist_spec(
        &format!("w ~ randn / sqrt({fan_in}): the spread stays"),
        "value",
        false,
        vec![
            hist_series(&sx, &k.x_scaled_hist),
            hist_series(&sy, &k.y_scaled_hist),
        ],
    );
    obj(&[
        ("pair", obj(&[("left", left), ("right", right)])),
        ("text", strings(&[lx, ly, sx, sy])),
    ])
}

fn run_js(r: &RunInfo) -> JsValue {
    let st = &r.settings;
    let sweep = st.sweep().map_or(JsValue::NULL, |(steps, lo, hi)| {
        obj(&[
            ("steps", n(steps as f64)),
            ("minExp", n(lo as f64)),
            ("maxExp", n(hi as f64)),
        ])
    });
    let settings = Object::new();
    for (k, v) in st.pairs() {
        let _ = Reflect::set(&settings, &s(k), &s(&v));
    }
    obj(&[
        ("run", n(r.run as f64)),
        ("label", s(&r.label)),
        ("title", s(&r.title)),
        ("about", s(&r.about)),
        ("chapter", s(st.chapter)),
        ("custom", JsValue::from_bool(st.custom)),
        ("seed", s(&st.seed.to_string())),
        ("steps", n(st.steps as f64)),
        ("nParams", n(r.n_params as f64)),
        ("architecture", s(&r.architecture)),
        ("ratioLabels", strings(&r.ratio_labels)),
        ("ratioEvery", n(session::RATIO_EVERY as f64)),
        ("uniformLoss", n(r.uniform_loss as f64)),
        ("threshold", n(st.saturation_threshold as f64)),
        ("sweep", sweep),
        ("settings", settings.into()),
        ("kaiming", kaiming_js(&r.kaiming, r.kaiming_fan_in)),
    ])
}

fn progress_js(p: &Progress) -> JsValue {
    let evals: Array = p
        .evals
        .iter()
        .map(|e| {
            obj(&[
                ("step", n(e.step as f64)),
                ("train", n(e.train as f64)),
                ("val", n(e.val as f64)),
            ])
        })
        .collect();
    obj(&[
        ("run", n(p.run as f64)),
        ("step", n(p.step as f64)),
        ("steps", n(p.steps as f64)),
        ("first", n(p.first as f64)),
        ("losses", f32s(&p.losses)),
        ("lrs", f32s(&p.lrs)),
        ("ratios", f32s(&p.ratios)),
        ("evals", evals.into()),
        ("lr", n(p.lr as f64)),
        ("lrOverride", opt_n(p.lr_override)),
        ("running", JsValue::from_bool(p.running)),
        ("finished", JsValue::from_bool(p.finished)),
        ("evaluating", opt_n(p.evaluating)),
        ("stopped", p.stopped.as_deref().map_or(JsValue::NULL, s)),
        ("diverged", JsValue::from_bool(p.diverged)),
    ])
}

fn diagnostics_js(d: &Diagnostics) -> JsValue {
    let th = d.threshold;
    let (pre_pair, map, first_text) = match &d.first {
        Some(f) => {
            let l = &f.layer;
            let pair = obj(&[
                (
                    "left",
                    hist_spec(
                        "pre-activations hpreact",
                        "hpreact",
                        true,
                        vec![hist_series("", &l.preact_hist)],
                    ),
                ),
                (
                    "right",
                    hist_spec(
                        "activations h = tanh(hpreact)",
                        "h",
                        true,
                        vec![hist_series("", &l.act_hist)],
                    ),
                ),
            ]);
            let cells: Vec<u8> = l.map.cells.iter().map(|&c| c as u8).collect();
            let map = obj(&[
                (
                    "title",
                    s(&format!(
                        "|h| > {th} in white: {} dead neuron{}",
                        l.map.dead,
                        if l.map.dead == 1 { "" } else { "s" }
                    )),
                ),
                ("xLabel", s("neuron")),
                ("yLabel", s("example")),
                ("rows", n(l.map.rows as f64)),
                ("cols", n(l.map.cols as f64)),
                ("cells", Uint8Array::from(&cells[..]).into()),
                ("dead", n(l.map.dead as f64)),
                ("fraction", n(l.map.fraction as f64)),
            ]);
            (pair, map, strings(&f.text))
        }
        None => (JsValue::NULL, JsValue::NULL, strings::<&str>(&[])),
    };
    let acts: Vec<JsValue> = d
        .layers
        .iter()
        .zip(&d.act_lines)
        .map(|(l, line)| hist_series(line, &l.act_hist))
        .collect();
    let grads: Vec<JsValue> = d
        .layers
        .iter()
        .zip(&d.grad_lines)
        .map(|(l, line)| hist_series(line, &l.grad_hist))
        .collect();
    let chars: String = d.chars.iter().collect();
    let xs: Vec<f32> = d.points.iter().map(|p| p[0]).collect();
    let ys: Vec<f32> = d.points.iter().map(|p| p[1]).collect();
    let (title, xl, yl) = if d.pca {
        (
            format!(
                "embedding C: first two principal components (n_embd = {})",
                d.n_embd
            ),
            "PC1",
            "PC2",
        )
    } else {
        (
            format!("embedding C (n_embd = {})", d.n_embd),
            "C[:, 0]",
            "C[:, 1]",
        )
    };
    let embedding = obj(&[
        ("title", s(&title)),
        ("xLabel", s(xl)),
        ("yLabel", s(yl)),
        ("chars", s(&chars)),
        ("xs", f32s(&xs)),
        ("ys", f32s(&ys)),
        ("pca", JsValue::from_bool(d.pca)),
    ]);
    let suggestion = d.lr_suggestion.map_or(JsValue::NULL, |(step, lr, loss)| {
        obj(&[
            ("step", n(step as f64)),
            ("lr", n(lr as f64)),
            ("loss", n(loss as f64)),
        ])
    });
    obj(&[
        ("run", n(d.run as f64)),
        ("step", n(d.step as f64)),
        ("threshold", n(th as f64)),
        ("prePair", pre_pair),
        ("map", map),
        ("firstText", first_text),
        (
            "layersAct",
            hist_spec(
                "activation distribution (Tanh layers)",
                "activation",
                false,
                acts,
            ),
        ),
        (
            "layersGrad",
            hist_spec(
                "gradient distribution (Tanh layers)",
                "gradient",
                false,
                grads,
            ),
        ),
        ("actLines", strings(&d.act_lines)),
        ("gradLines", strings(&d.grad_lines)),
        ("embedding", embedding),
        ("lrSuggestion", suggestion),
    ])
}

/// The worker's lab: a `Session` behind methods that take and return plain JS values.
#[wasm_bindgen]
pub struct WorkerLab {
    session: Session,
}

#[wasm_bindgen]
impl WorkerLab {
    /// A lab on a names file (the default names.txt), at the first chapter.
    #[wasm_bindgen(constructor)]
    pub fn new(bytes: &[u8], source: &str) -> Result<WorkerLab, JsError> {
        init_panic_hook();
        Ok(WorkerLab {
            session: Session::new(bytes, source).map_err(err)?,
        })
    }

    /// Replaces the names; on error (the core's message) nothing changes.
    pub fn load_names(&mut self, bytes: &[u8], source: &str) -> Result<JsValue, JsError> {
        self.session.load_names(bytes, source).map_err(err)?;
        Ok(self.summary())
    }

    /// `{source, names, vocab, vocabSize, blockSize, trainNames, valNames, trainExamples,
    /// valExamples, longest, line}`.
    pub fn summary(&self) -> JsValue {
        let d = self.session.data_summary();
        obj(&[
            ("source", s(&d.source)),
            ("names", n(d.names as f64)),
            ("vocab", s(&d.vocab)),
            ("vocabSize", n(d.vocab_size as f64)),
            ("blockSize", n(d.block_size as f64)),
            ("trainNames", n(d.train_names as f64)),
            ("valNames", n(d.val_names as f64)),
            ("trainExamples", n(d.train_examples as f64)),
            ("valExamples", n(d.val_examples as f64)),
            ("longest", n(d.longest as f64)),
            ("preview", strings(&d.preview)),
            ("line", s(&d.line())),
        ])
    }

    pub fn run_info(&self) -> JsValue {
        run_js(&self.session.run_info())
    }

    /// A chapter by preset name; `steps` (if given) replaces the chapter's budget.
    pub fn choose_chapter(&mut self, name: &str, steps: Option<f64>) -> Result<(), JsError> {
        let keep = steps.filter(|x| *x >= 1.0).map(|x| x as usize);
        self.session.choose_chapter(name, keep).map_err(err)
    }

    /// Custom settings from `{key: value}` (values as the form's text).
    pub fn apply_settings(&mut self, values: JsValue) -> Result<(), JsError> {
        let pairs: Vec<(String, String)> = Object::entries(&Object::from(values))
            .iter()
            .map(|e| {
                let e = Array::from(&e);
                let v = e.get(1);
                let v = v.as_string().unwrap_or_else(|| {
                    v.as_f64().map_or_else(
                        || v.as_bool().map_or_else(String::new, |b| b.to_string()),
                        |x| x.to_string(),
                    )
                });
                (e.get(0).as_string().unwrap_or_default(), v)
            })
            .collect();
        self.session.apply_settings(&pairs).map_err(err)
    }

    pub fn reset(&mut self) -> Result<(), JsError> {
        self.session.reset().map_err(err)
    }

    /// A new random seed (from crypto.getRandomValues); returns it as text.
    pub fn new_seed(&mut self) -> Result<String, JsError> {
        self.session.new_seed().map(|s| s.to_string()).map_err(err)
    }

    pub fn set_steps(&mut self, steps: f64) -> Result<(), JsError> {
        if !(steps.is_finite() && steps >= 1.0) {
            return Err(JsError::new(
                "the step budget must be a whole number of at least 1",
            ));
        }
        self.session.set_steps(steps as usize).map_err(err)
    }

    /// The learning rate while paused; `undefined`/`null` goes back to the schedule.
    pub fn set_lr(&mut self, lr: Option<f64>) -> Result<(), JsError> {
        self.session.set_lr(lr.map(|x| x as f32)).map_err(err)
    }

    pub fn start(&mut self) -> Result<(), JsError> {
        self.session.start().map_err(err)
    }

    pub fn pause(&mut self) {
        self.session.pause();
    }

    pub fn running(&self) -> bool {
        self.session.is_running()
    }

    pub fn busy(&self) -> bool {
        self.session.busy()
    }

    /// The kernels this build trains with (e.g. "simd128 + relaxed-simd (4 lanes, relaxed FMA)").
    pub fn kernels(&self) -> String {
        crate::kernels::backend().to_string()
    }

    /// Works (trains, or evaluates in pieces) for about `budget_ms`; returns the steps done.
    pub fn work(&mut self, budget_ms: f64) -> u32 {
        let t0 = js_sys::Date::now();
        self.session.work(|| js_sys::Date::now() - t0 >= budget_ms) as u32
    }

    /// One step; returns its mini-batch loss.
    pub fn step_once(&mut self) -> Result<f32, JsError> {
        self.session.step_once().map_err(err)
    }

    pub fn request_eval(&mut self) {
        self.session.request_eval();
    }

    /// `[{name, novelty: "new" | "in train" | "in val", truncated}]`.
    pub fn sample(&mut self, count: u32, temperature: f32) -> Result<JsValue, JsError> {
        let samples = self
            .session
            .sample(count as usize, temperature)
            .map_err(err)?;
        Ok(samples
            .iter()
            .map(|x| {
                obj(&[
                    ("name", s(&x.name)),
                    ("novelty", s(x.novelty.as_str())),
                    ("truncated", JsValue::from_bool(x.truncated)),
                ])
            })
            .collect::<Array>()
            .into())
    }

    /// What is new since the last call (see `session::Progress`).
    pub fn take_progress(&mut self) -> JsValue {
        progress_js(&self.session.take_progress())
    }

    /// The next `take_progress` starts again from step 0 (after the page restarted).
    pub fn resend(&mut self) {
        self.session.resend();
    }

    /// Chart specs and text lines of the last step (see `session::Diagnostics`).
    pub fn diagnostics(&mut self) -> JsValue {
        diagnostics_js(&self.session.diagnostics())
    }

    /// For the end-to-end test of the page's panic handling.
    pub fn panic_for_test(&self) {
        panic!("a panic asked for by the test");
    }
}

/// The deep model's matrix products and the multiply-add peak probe of this build, for the
/// benchmark (`tests/bench/`): JS times the calls.
#[wasm_bindgen]
pub struct KernelBench {
    work: crate::kernels::MatmulWorkload,
}

#[wasm_bindgen]
impl KernelBench {
    #[wasm_bindgen(constructor)]
    pub fn new() -> KernelBench {
        use crate::kernels::MatmulWorkload;
        KernelBench {
            work: MatmulWorkload::new(&MatmulWorkload::deep_shapes(), 32),
        }
    }

    fn kind(kind: u32) -> crate::kernels::MatmulKind {
        use crate::kernels::MatmulKind;
        MatmulKind::ALL[(kind as usize).min(MatmulKind::ALL.len() - 1)]
    }

    /// Flops of one iteration of `kind` (0 forward, 1 weight grad, 2 input grad, 3 all).
    pub fn flops(&self, kind: u32) -> f64 {
        self.work.flops(Self::kind(kind))
    }

    /// `iters` iterations of `kind`.
    pub fn run(&mut self, kind: u32, iters: u32) -> f32 {
        self.work.run(Self::kind(kind), iters as usize)
    }

    /// `iters` iterations of the register-only multiply-add probe (`kernels::peak_probe`).
    pub fn peak(&self, iters: u32) -> f32 {
        crate::kernels::peak_probe(iters as usize, 1.0)
    }

    /// Flops of one iteration of `peak`.
    pub fn peak_flops(&self) -> f64 {
        crate::kernels::peak_flops_per_iter() as f64
    }

    /// Which kernels this build runs ("wasm simd128" or with "+ relaxed-simd FMA").
    pub fn backend(&self) -> String {
        crate::kernels::backend().to_string()
    }
}

impl Default for KernelBench {
    fn default() -> Self {
        Self::new()
    }
}
