//! The page's pointing at charts: which item is under the pointer, the arrow keys' next item,
//! the sentence about it, and a chart drawn with it standing out (all in `charts::pick` and
//! `session::picked`; here JS values in and out).

use super::canvas::CachedTextCanvas;
use super::draw::on_canvas;
use super::js::to_js;
use crate::charts::{self, ChartSpec, Move, Pick};
use crate::session::picked;
use plotters::prelude::IntoDrawingArea;
use plotters_canvas::CanvasBackend;
use wasm_bindgen::prelude::*;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

fn spec_of(spec: JsValue) -> Result<ChartSpec, JsError> {
    serde_wasm_bindgen::from_value(spec).map_err(|e| JsError::new(&e.to_string()))
}

/// A pick as sent by the page; null or undefined is none.
fn pick_of(pick: JsValue) -> Result<Option<Pick>, JsError> {
    if pick.is_null() || pick.is_undefined() {
        return Ok(None);
    }
    serde_wasm_bindgen::from_value(pick)
        .map(Some)
        .map_err(|e| JsError::new(&e.to_string()))
}

/// The canvas as a measure of text and size (CSS pixels), drawing nothing.
fn measure(canvas: HtmlCanvasElement, scale: f64) -> Result<CachedTextCanvas, JsError> {
    let context = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok());
    let backend = CanvasBackend::with_canvas_object(canvas)
        .ok_or_else(|| JsError::new("this canvas has no 2-D context"))?;
    Ok(CachedTextCanvas {
        backend,
        context,
        scale: if scale.is_finite() && scale > 0.0 {
            scale
        } else {
            1.0
        },
        draws: false,
    })
}

/// Draws a `ChartSpec` on `canvas` with `pick` (a `Pick`, or null) standing out.
#[wasm_bindgen]
pub fn draw_chart_picked(
    canvas: HtmlCanvasElement,
    #[wasm_bindgen(unchecked_param_type = "ChartSpec")] spec: JsValue,
    scale: f64,
    #[wasm_bindgen(unchecked_param_type = "Pick | null")] pick: JsValue,
) -> Result<(), JsError> {
    let spec = spec_of(spec)?;
    let pick = pick_of(pick)?;
    on_canvas(canvas, scale, |root| spec.draw_picked(root, pick))
}

/// The item of the chart `spec` drawn on `canvas` at CSS pixel (x, y): a `Pick`, or null.
#[wasm_bindgen(unchecked_return_type = "Pick | null")]
pub fn pick_chart(
    canvas: HtmlCanvasElement,
    #[wasm_bindgen(unchecked_param_type = "ChartSpec")] spec: JsValue,
    scale: f64,
    x: f64,
    y: f64,
) -> Result<JsValue, JsError> {
    let spec = spec_of(spec)?;
    let m = measure(canvas, scale)?;
    let at = (x.round() as i32, y.round() as i32);
    let p = charts::pick_on(&spec, &m.into_drawing_area(), at)
        .map_err(|e| JsError::new(&e.to_string()))?;
    Ok(to_js(&p))
}

/// Where `pick` is drawn on `canvas` (CSS pixels, `[x, y]`), or null.
#[wasm_bindgen(unchecked_return_type = "[number, number] | null")]
pub fn locate_pick(
    canvas: HtmlCanvasElement,
    #[wasm_bindgen(unchecked_param_type = "ChartSpec")] spec: JsValue,
    scale: f64,
    #[wasm_bindgen(unchecked_param_type = "Pick | null")] pick: JsValue,
) -> Result<JsValue, JsError> {
    let spec = spec_of(spec)?;
    let Some(p) = pick_of(pick)? else {
        return Ok(JsValue::NULL);
    };
    let m = measure(canvas, scale)?;
    let at = charts::locate_on(&spec, &m.into_drawing_area(), p)
        .map_err(|e| JsError::new(&e.to_string()))?;
    Ok(to_js(&at))
}

/// The item an arrow key (`KeyboardEvent.key`) moves to from `pick` (or null): a `Pick`, or
/// null when the key is not an arrow or the chart has no items.
#[wasm_bindgen(unchecked_return_type = "Pick | null")]
pub fn step_pick(
    #[wasm_bindgen(unchecked_param_type = "ChartSpec")] spec: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Pick | null")] pick: JsValue,
    key: &str,
) -> Result<JsValue, JsError> {
    let Some(m) = Move::from_key(key) else {
        return Ok(JsValue::NULL);
    };
    let spec = spec_of(spec)?;
    Ok(to_js(&charts::step(&spec, pick_of(pick)?, m)))
}

/// The sentence about `pick` on `spec` (empty when the chart has no such item).
#[wasm_bindgen]
pub fn describe_pick(
    #[wasm_bindgen(unchecked_param_type = "ChartSpec")] spec: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Pick | null")] pick: JsValue,
) -> Result<String, JsError> {
    let spec = spec_of(spec)?;
    Ok(match pick_of(pick)? {
        Some(p) => picked::describe(&spec, p),
        None => String::new(),
    })
}

/// The charts one can point at: `[[chart, slot], ...]` (from the chart table, `views::CHARTS`).
#[wasm_bindgen(unchecked_return_type = "[ChartId, PickSlot][]")]
pub fn pick_slots() -> JsValue {
    to_js(&crate::session::views::pickable())
}
