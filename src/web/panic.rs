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
