//! What the two wasm test crates share: JS objects written as the page writes its messages.

use js_sys::{Object, Reflect};
use wasm_bindgen::JsValue;

/// A plain JS object of `(key, value)` pairs.
pub fn obj(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in pairs {
        Reflect::set(&o, &JsValue::from_str(k), v).unwrap();
    }
    o.into()
}

/// A message with only a `type`, e.g. `{type: 'step'}`.
pub fn msg(kind: &str) -> JsValue {
    obj(&[("type", JsValue::from_str(kind))])
}
