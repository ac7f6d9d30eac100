//! The page's half: it draws the chart specs the worker sends, and answers what the page must
//! know before the worker does (the charts, the chapters, the knobs of the custom form; its
//! sentences are in `words`).
//! plotters measures text through `window.document`, so charts are drawn on the main thread.

use super::canvas::CachedTextCanvas;
use super::js::to_js;
use super::panic::init_panic_hook;
use crate::charts::{self, ChartSpec, FigureData};
use crate::lesson;
use crate::session::protocol::ChartView;
use crate::session::settings::KNOBS;
use plotters::prelude::IntoDrawingArea;
use plotters_canvas::CanvasBackend;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

// A chart's spec is opaque to the page: it carries it from the worker's views to `draw_chart`.
// The types the page reads are derived from Rust (feature `ts`); this one is named only.
#[wasm_bindgen(typescript_custom_section)]
const CHART_SPEC: &str = r#"
/** charts::ChartSpec: the page only carries it, from a `ChartView` to `draw_chart`. */
export type ChartSpec = { readonly [kind: string]: unknown };
"#;

fn err(e: impl std::fmt::Display) -> JsError {
    JsError::new(&e.to_string())
}

/// Runs `draw` on a drawing area over `canvas`, which holds `scale` device pixels per CSS pixel.
pub(super) fn on_canvas(
    canvas: HtmlCanvasElement,
    scale: f64,
    draw: impl FnOnce(
        &plotters::drawing::DrawingArea<CachedTextCanvas, plotters::coord::Shift>,
    ) -> Result<(), crate::charts::ChartError>,
) -> Result<(), JsError> {
    init_panic_hook();
    let scale = if scale.is_finite() && scale > 0.0 {
        scale
    } else {
        1.0
    };
    // The same context object the backend draws with (its font is set before every fillText).
    let context = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok());
    if let Some(ctx) = &context {
        ctx.set_transform(scale, 0.0, 0.0, scale, 0.0, 0.0)
            .map_err(|_| JsError::new("the canvas refused its scale"))?;
    }
    let backend = CanvasBackend::with_canvas_object(canvas)
        .ok_or_else(|| JsError::new("this canvas has no 2-D context"))?;
    let root = CachedTextCanvas {
        backend,
        context,
        scale,
        draws: true,
    }
    .into_drawing_area();
    draw(&root).map_err(err)?;
    root.present().map_err(err)
}

/// Draws a `ChartSpec` (as the worker sent it) on `canvas`, which holds `scale` device pixels
/// per CSS pixel.
#[wasm_bindgen]
pub fn draw_chart(
    canvas: HtmlCanvasElement,
    #[wasm_bindgen(unchecked_param_type = "ChartSpec")] spec: JsValue,
    scale: f64,
) -> Result<(), JsError> {
    let spec: ChartSpec = serde_wasm_bindgen::from_value(spec).map_err(err)?;
    on_canvas(canvas, scale, |root| spec.draw(root))
}

/// Draws a whole figure, a `ChartView` (caption, chart, its numbers), for a saved picture.
#[wasm_bindgen]
pub fn draw_figure(
    canvas: HtmlCanvasElement,
    #[wasm_bindgen(unchecked_param_type = "ChartView")] view: JsValue,
    scale: f64,
) -> Result<(), JsError> {
    let view: ChartView = serde_wasm_bindgen::from_value(view).map_err(err)?;
    let data = FigureData {
        caption: &view.caption,
        lines: &view.lines,
        chart: &view.spec,
    };
    on_canvas(canvas, scale, |root| charts::draw_figure(root, &data))
}

#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Serialize)]
struct ChapterInfo {
    name: &'static str,
    title: &'static str,
    about: String,
}

/// The chapters in lesson order: `[{name, title, about}]` (the texts with the default names'
/// numbers).
#[wasm_bindgen(unchecked_return_type = "ChapterInfo[]")]
pub fn chapters() -> JsValue {
    let list: Vec<ChapterInfo> = lesson::chapters()
        .iter()
        .map(|c| ChapterInfo {
            name: c.id.name(),
            title: c.title,
            about: c.plain_text(&c.facts()),
        })
        .collect();
    to_js(&list)
}

/// Every break-it experiment: `[{name, title, chapter, change, symptom, chart, fix, fix_how}]`.
#[wasm_bindgen(unchecked_return_type = "ExperimentInfo[]")]
pub fn experiments() -> JsValue {
    to_js(&crate::session::views::experiment_list())
}

/// The page's charts, in its order: `[{id, caption, cadence, height, wide, pick, csv, lines,
/// tools}]` (the chart table, `session::views::CHARTS`); the page makes a figure of each.
#[wasm_bindgen(unchecked_return_type = "Figure[]")]
pub fn charts() -> JsValue {
    to_js(&crate::session::views::figures())
}

/// The keyboard: the help dialog's rows, each with the keys it names and what each one does
/// (`[{label, help, press: [[key, action]], on_buttons, in_help}]`, `session::keys::KEYS`).
#[wasm_bindgen(unchecked_return_type = "Key[]")]
pub fn keys() -> JsValue {
    to_js(crate::session::keys::KEYS)
}

/// What a teacher can hide with a link, in the page's order: `[{id, name, chart}]`, the panels
/// (element ids) then the charts (`session::panels::hideable`).
#[wasm_bindgen(unchecked_return_type = "Hideable[]")]
pub fn panels() -> JsValue {
    to_js(&crate::session::panels::hideable())
}

/// The student view for a run whose key charts are `keys`: the ids it hides
/// (`session::panels::student_view`; an unknown chart id is passed over).
#[wasm_bindgen]
pub fn student_view(keys: Vec<String>) -> Vec<String> {
    let keys: Vec<charts::ChartId> = keys
        .iter()
        .filter_map(|k| charts::ChartId::from_name(k))
        .collect();
    crate::session::panels::student_view(&keys)
        .into_iter()
        .map(String::from)
        .collect()
}

/// Every knob of the custom form: `[{key, label, group, help, kind: {type, min, max, choices}}]`.
#[wasm_bindgen(unchecked_return_type = "Knob[]")]
pub fn knobs() -> JsValue {
    to_js(KNOBS)
}

/// A panic, for the end-to-end test of the page's recovery from a trap in a chart draw.
#[wasm_bindgen]
pub fn trap_for_test() {
    panic!("a trap asked for by the test");
}
