//! The worker's half of `web` in a real dedicated worker: the session trains in time slices,
//! reports its progress as typed arrays, samples, refuses bad files, and gets a random seed
//! from the worker's crypto.
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Float32Array, Reflect};
use makemore_lab::data::DEFAULT_NAMES;
use makemore_lab::web::WorkerLab;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_dedicated_worker);

fn get(o: &JsValue, k: &str) -> JsValue {
    Reflect::get(o, &JsValue::from_str(k)).unwrap()
}

fn num(o: &JsValue, k: &str) -> f64 {
    get(o, k).as_f64().unwrap()
}

fn small_names() -> String {
    DEFAULT_NAMES
        .lines()
        .take(800)
        .collect::<Vec<_>>()
        .join("\n")
}

#[wasm_bindgen_test]
fn we_are_in_a_worker() {
    let global = js_sys::global();
    assert!(
        get(&global, "window").is_undefined(),
        "no window in a worker"
    );
    assert!(!get(&global, "postMessage").is_undefined());
}

#[wasm_bindgen_test]
fn the_lab_trains_in_time_slices_and_the_loss_falls() {
    let mut lab = WorkerLab::new(small_names().as_bytes(), "test").unwrap();
    lab.choose_chapter("kaiming", Some(100_000.0)).unwrap();
    lab.start().unwrap();
    assert!(lab.running() && lab.busy());
    let mut losses: Vec<f32> = Vec::new();
    let t0 = js_sys::Date::now();
    while losses.len() < 300 {
        let done = lab.work(20.0);
        let p = lab.take_progress();
        let l: Float32Array = get(&p, "losses").dyn_into().unwrap();
        assert_eq!(l.length(), done, "progress has exactly the new steps");
        assert_eq!(num(&p, "first") as usize, losses.len());
        losses.extend(l.to_vec());
        assert!(js_sys::Date::now() - t0 < 60_000.0, "too slow");
    }
    lab.pause();
    assert!(!lab.busy());
    let head: f32 = losses[..20].iter().sum::<f32>() / 20.0;
    let tail: f32 = losses[losses.len() - 50..].iter().sum::<f32>() / 50.0;
    assert!(tail < head - 0.3, "{head} -> {tail}");
    // Step advances exactly one, and the next progress has that one loss.
    let l = lab.step_once().unwrap();
    let p = lab.take_progress();
    let new: Float32Array = get(&p, "losses").dyn_into().unwrap();
    assert_eq!(new.to_vec(), vec![l]);
    assert_eq!(num(&p, "step") as usize, losses.len() + 1);
    let d = lab.diagnostics();
    assert_eq!(num(&d, "step") as usize, losses.len() + 1);
    assert_eq!(Array::from(&get(&d, "actLines")).length(), 1);
}

#[wasm_bindgen_test]
fn sampling_and_evaluation_in_the_worker() {
    let mut lab = WorkerLab::new(small_names().as_bytes(), "test").unwrap();
    lab.step_once().unwrap();
    let names = Array::from(&lab.sample(7, 1.0).unwrap());
    assert_eq!(names.length(), 7);
    for n in names.iter() {
        let novelty = get(&n, "novelty").as_string().unwrap();
        assert!(["new", "in train", "in val"].contains(&novelty.as_str()));
        assert!(get(&n, "name").is_string());
    }
    assert!(lab.sample(0, 1.0).is_err());
    lab.request_eval();
    while lab.busy() {
        lab.work(10.0);
    }
    let p = lab.take_progress();
    let evals = Array::from(&get(&p, "evals"));
    assert_eq!(evals.length(), 1);
    let e = evals.get(0);
    assert!(num(&e, "train") > 1.0 && num(&e, "val") > 1.0);
}

#[wasm_bindgen_test]
fn files_new_seeds_and_settings_in_the_worker() {
    let mut lab = WorkerLab::new(small_names().as_bytes(), "test").unwrap();
    let before = num(&lab.summary(), "names");
    let e = lab.load_names(b"\x89PNG\r\n\x1a\n", "x.png").err().unwrap();
    let msg = JsValue::from(e);
    let text = get(&msg, "message").as_string().unwrap();
    assert!(text.contains("UTF-8"), "{text}");
    assert_eq!(num(&lab.summary(), "names"), before, "kept");
    let good = DEFAULT_NAMES
        .lines()
        .skip(900)
        .take(25)
        .collect::<Vec<_>>()
        .join("\n");
    let d = lab.load_names(good.as_bytes(), "good.txt").unwrap();
    assert_eq!(num(&d, "names"), 25.0);
    // A seed from crypto.getRandomValues in the worker.
    let a = lab.new_seed().unwrap();
    let b = lab.new_seed().unwrap();
    assert_ne!(a, b);
    let info = lab.run_info();
    assert_eq!(get(&info, "seed").as_string().unwrap(), b);
    // Custom settings from a plain object; a bad value is refused.
    let values = js_sys::Object::new();
    Reflect::set(&values, &"n_hidden".into(), &"64".into()).unwrap();
    lab.apply_settings(values.into()).unwrap();
    assert_eq!(
        get(&get(&lab.run_info(), "settings"), "n_hidden")
            .as_string()
            .unwrap(),
        "64"
    );
    let bad = js_sys::Object::new();
    Reflect::set(&bad, &"n_layers".into(), &"99".into()).unwrap();
    assert!(lab.apply_settings(bad.into()).is_err());
    assert_eq!(
        get(&get(&lab.run_info(), "settings"), "n_layers")
            .as_string()
            .unwrap(),
        "1"
    );
}
