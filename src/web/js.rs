//! Rust values as plain JS values, for every module (the page's facts and picks, the workers'
//! events), and a page message as a `Request` (the workers').

use serde::Serialize;
use wasm_bindgen::JsValue;
#[cfg(any(feature = "worker", feature = "sheet"))]
use {
    crate::session::protocol::Request,
    js_sys::{Array, Object, Reflect},
};

/// A Rust value as a plain JS value: maps as objects, None as null, bytes as a Uint8Array.
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> JsValue {
    let s = serde_wasm_bindgen::Serializer::new()
        .serialize_maps_as_objects(true)
        .serialize_missing_as_null(true);
    value.serialize(&s).unwrap_or(JsValue::NULL)
}

/// A page message as a `Request`. The page writes `{type: 'chapter', name: 'deep'}`, as the
/// events are written; `Request` is read in serde's external form (`{chapter: {name}}`,
/// `"train"`), whose reader is far smaller in the wasm than the buffering one of a `type`
/// field. This moves the tag; it knows no message.
#[cfg(any(feature = "worker", feature = "sheet"))]
pub fn request(msg: JsValue) -> Result<Request, String> {
    let tag = Reflect::get(&msg, &"type".into())
        .ok()
        .and_then(|t| t.as_string())
        .ok_or("a message without a type")?;
    let body = Object::new();
    let mut fields = 0;
    for entry in Object::entries(&Object::from(msg)).iter() {
        let entry = Array::from(&entry);
        if entry.get(0).as_string().as_deref() != Some("type") {
            Reflect::set(&body, &entry.get(0), &entry.get(1)).map_err(|_| "an unreadable field")?;
            fields += 1;
        }
    }
    let external = if fields == 0 {
        JsValue::from_str(&tag)
    } else {
        let o = Object::new();
        Reflect::set(&o, &JsValue::from_str(&tag), &body).map_err(|_| "an unreadable message")?;
        o.into()
    };
    serde_wasm_bindgen::from_value(external).map_err(|e| format!("'{tag}': {e}"))
}
