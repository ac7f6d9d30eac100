//! Rust values as plain JS values, for both modules (the page's facts and picks, the worker's
//! events).

use serde::Serialize;
use wasm_bindgen::JsValue;

/// A Rust value as a plain JS value: maps as objects, None as null, bytes as a Uint8Array.
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> JsValue {
    let s = serde_wasm_bindgen::Serializer::new()
        .serialize_maps_as_objects(true)
        .serialize_missing_as_null(true);
    value.serialize(&s).unwrap_or(JsValue::NULL)
}
