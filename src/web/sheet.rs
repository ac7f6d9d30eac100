//! The backprop sheet's worker: `SheetWorker` wraps a `session::sheet::SheetRoom` on a names
//! file, in a wasm build of its own (feature `sheet`, www/pkg/sheet/, loaded by
//! www/sheet-worker.js when the page opens the sheet). Messages from the page are read as
//! `protocol::Request`s and answered with `protocol::Event`s, as the trainer's are; a message
//! that is not one of the sheet's gets a typed notice, never a trap.

use super::js::{request, to_js};
use super::panic::init_panic_hook;
use crate::data::{parse_names, Dataset, SPLIT_SEED};
use crate::session::lab::SLICE_MS;
use crate::session::protocol::{Event, Level, Request, Topic};
use crate::session::sheet::SheetRoom;
use crate::session::words;
use wasm_bindgen::prelude::*;

/// The sheet's examples of a names file (the lecture's context length).
fn sheet_data(names: &[u8]) -> Result<Dataset, String> {
    let words = parse_names(names).map_err(|e| e.to_string())?;
    Ok(Dataset::new(
        &words,
        crate::backprop::Config::lecture(0).block_size,
        SPLIT_SEED,
    ))
}

fn now() -> f64 {
    js_sys::Date::now()
}

#[wasm_bindgen]
pub struct SheetWorker {
    room: SheetRoom,
    data: Dataset,
}

#[wasm_bindgen]
impl SheetWorker {
    /// The sheet on the bytes of a names file (the page's default names.txt, or its upload).
    #[wasm_bindgen(constructor)]
    pub fn new(names: Vec<u8>) -> Result<SheetWorker, JsError> {
        init_panic_hook();
        crate::data::unicode::set_nfc(|s| js_sys::JsString::from(s).normalize("NFC").into());
        let data = sheet_data(&names).map_err(|e| JsError::new(&e))?;
        Ok(SheetWorker {
            room: SheetRoom::default(),
            data,
        })
    }

    /// Answers one message from the page with a list of events. `load` hands the sheet the
    /// names file the page uses (an upload), as the trainer's lab has it.
    pub fn handle(&mut self, msg: JsValue) -> JsValue {
        match request(msg) {
            Ok(Request::Load { bytes, name, .. }) => match sheet_data(&bytes) {
                Ok(data) => {
                    self.data = data;
                    to_js(&self.room.names_changed(&self.data))
                }
                Err(e) => to_js(&[Event::Notice {
                    message: words::names_refused(&name, &e),
                    level: Level::Bad,
                    topic: Topic::Sheet,
                }]),
            },
            Ok(req) => to_js(&self.room.handle(&self.data, req)),
            Err(e) => to_js(&[Event::Notice {
                message: words::not_understood(&e),
                level: Level::Bad,
                topic: Topic::Sheet,
            }]),
        }
    }

    /// One slice of exercise 4, and its report when one is due.
    pub fn tick(&mut self) -> JsValue {
        let t0 = now();
        to_js(&self.room.work(t0, || now() - t0 > SLICE_MS))
    }

    /// Exercise 4 has steps to take: call `tick` again.
    pub fn busy(&self) -> bool {
        self.room.busy()
    }
}
