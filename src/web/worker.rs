//! The worker's half: `WorkerLab` wraps a `session::lab::Lab`. Messages from the page arrive as
//! JS values and are read as `protocol::Request`; the answers are `protocol::Event`s turned into
//! plain JS objects. A message that is not a `Request` gets a typed notice, never a trap.

use super::js::{request, to_js};
use super::panic::init_panic_hook;
use crate::session::lab::Lab;
use crate::session::protocol::{Event, Level, Request, Topic};
use crate::session::words;
use wasm_bindgen::prelude::*;

fn now() -> f64 {
    js_sys::Date::now()
}

// The events' TypeScript type, for worker.js's type check. The training builds do not derive the
// protocol's declarations (tsify's, feature `ts`: with them each build is about 100 KiB gzip
// over its budget); the page module's bindings hold them, re-exported by www/types/protocol.d.ts.
// The path is from www/pkg/, where the plain build's bindings are: worker.js's check reads those
// (the other builds' copies are not checked: tsconfig.worker.json skips .d.ts files).
#[wasm_bindgen(typescript_custom_section)]
const EVENT_LIST: &str = "type EventList = import('../types/protocol').Event[];";

fn events(ev: &[Event]) -> JsValue {
    to_js(ev)
}

#[wasm_bindgen]
pub struct WorkerLab {
    lab: Lab,
    first: Vec<Event>,
}

#[wasm_bindgen]
impl WorkerLab {
    /// A lab from the page's `init` request; `default_names` are the bytes of names.txt, used
    /// when the request carries no file.
    #[wasm_bindgen(constructor)]
    pub fn new(init: JsValue, default_names: Option<Vec<u8>>) -> Result<WorkerLab, JsError> {
        init_panic_hook();
        // Names in Unicode's composed form, by the browser's own tables (see data::unicode).
        crate::data::unicode::set_nfc(|s| js_sys::JsString::from(s).normalize("NFC").into());
        let req =
            request(init).map_err(|e| JsError::new(&format!("the page's init message: {e}")))?;
        let Request::Init {
            bytes, name, link, ..
        } = req
        else {
            return Err(JsError::new("the first message must be init"));
        };
        let (bytes, source) = match bytes {
            Some(b) => (b, name.unwrap_or_else(|| words::UNNAMED_FILE.into())),
            None => (
                default_names.unwrap_or_default(),
                words::DEFAULT_SOURCE.to_string(),
            ),
        };
        let par = super::par();
        let kernels = format!("wasm {}; threads: {}", crate::kernels::backend(), par.n());
        let (mut lab, first) = Lab::new(&bytes, &source, &kernels, link.as_deref(), now())
            .map_err(|e| JsError::new(&e))?;
        lab.set_par(par);
        Ok(WorkerLab { lab, first })
    }

    /// The events of the start (ready, the first run), once.
    #[wasm_bindgen(unchecked_return_type = "EventList")]
    pub fn start_events(&mut self) -> JsValue {
        events(&std::mem::take(&mut self.first))
    }

    /// Answers one message from the page with a list of events.
    #[wasm_bindgen(unchecked_return_type = "EventList")]
    pub fn handle(&mut self, msg: JsValue) -> JsValue {
        match request(msg) {
            Ok(req) => events(&self.lab.handle(req, now())),
            Err(e) => events(&[Event::Notice {
                message: words::not_understood(&e),
                level: Level::Bad,
                topic: Topic::Training,
            }]),
        }
    }

    /// One slice of work, and the reports that are due.
    #[wasm_bindgen(unchecked_return_type = "EventList")]
    pub fn tick(&mut self) -> JsValue {
        events(&self.lab.tick(&mut now))
    }

    /// Work is waiting: call `tick` again.
    pub fn busy(&self) -> bool {
        self.lab.busy()
    }
}

/// A crash of the trainer in words (what a wasm trap means for the user), for the worker script
/// to send as the fatal message. A module that failed to load cannot say it: worker.js then
/// sends the fault as it is.
#[wasm_bindgen]
pub fn crash_message(fault: &str) -> String {
    words::crash(fault)
}
