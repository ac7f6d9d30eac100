//! A panic shows a message instead of a frozen page: the hook sends it to `console.error` and to
//! `globalThis.__makemorePanic(message)` (when the page or the worker defines it) before the
//! module aborts.

use js_sys::Reflect;
use wasm_bindgen::prelude::*;

/// Installs the panic hook (idempotent): the message goes to `console.error` and to
/// `globalThis.__makemorePanic`, if it is a function.
#[wasm_bindgen]
pub fn init_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            // The threaded builds carry no file and line (`-Z location-detail=none`: size).
            let what = info.payload_as_str().unwrap_or("a panic");
            let msg = match info.location() {
                Some(at) if at.line() > 0 => {
                    format!("internal error: {what} (at {}:{})", at.file(), at.line())
                }
                _ => format!("internal error: {what}"),
            };
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
