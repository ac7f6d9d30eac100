//! The protocol between the page and the worker (src/session/protocol.rs): every message's `type`
//! tag is the one its type lists and reads back, and the names the page's markup must hold (figures, notice and
//! data elements) are there. The page's scripts are checked against the Rust types by tsc.

use crate::support::few_names;
use makemore_lab::backprop::EXERCISES;
use makemore_lab::charts::ChartId;
use makemore_lab::session::protocol::{
    Event, ExportKind, Level, Notice, PageOptions, Request, SampleView, SamplerAction, Topic,
};
use makemore_lab::session::sheet::SheetRoom;
use makemore_lab::session::{views, Session};
use std::collections::{BTreeMap, BTreeSet};
use strum::VariantNames;

fn one_of_each_request() -> Vec<Request> {
    vec![
        Request::Init {
            bytes: Some(b"ann\n".to_vec()),
            name: Some("a.txt".into()),
            simd: Some("plain".into()),
            link: Some("?chapter=deep".into()),
            threads: Some("2".into()),
        },
        Request::Train,
        Request::Pause,
        Request::Step,
        Request::Reset,
        Request::NewSeed,
        Request::Evaluate,
        Request::ClearRuns,
        Request::Chapter {
            name: "deep".into(),
        },
        Request::Experiment {
            name: "no-tanh".into(),
        },
        Request::Settings {
            values: BTreeMap::from([("n_hidden".to_string(), "100".to_string())]),
        },
        Request::Budget {
            steps: "1000".into(),
            hold: true,
        },
        Request::Lr {
            lr: Some("0.1".into()),
        },
        Request::Sample {
            n: "20".into(),
            temperature: "1".into(),
        },
        Request::Load {
            bytes: b"ann\nbob\n".to_vec(),
            name: "b.txt".into(),
            upload: 3,
        },
        Request::Link {
            page: PageOptions {
                present: true,
                hidden: vec!["custom".into()],
            },
        },
        Request::Compare {
            run: Some(2),
            first_steps: true,
        },
        Request::Export {
            what: ExportKind::Weights,
        },
        Request::Sampler {
            action: SamplerAction::Next,
            temperature: "1.0".into(),
        },
        Request::Score {
            name: "emma".into(),
        },
        Request::LoadWeights {
            bytes: vec![1, 2, 3],
            name: "w.safetensors".into(),
        },
        Request::PanicForTest,
        Request::PathFrame { frame: Some(3) },
        Request::Guess {
            question: 1,
            number: Some("3.3".into()),
            choice: None,
        },
        Request::Reveal { question: 0 },
        Request::SlowStep {
            neuron: "7".into(),
            example: "0".into(),
        },
        Request::Pace {
            per_second: Some(10),
        },
        Request::Fold,
        Request::SheetOpen {
            answers: BTreeMap::from([("h".into(), "dh = dlogits @ W2.T".into())]),
            handed: BTreeMap::from([("b2".into(), "db2 = dlogits.sum(0)".into())]),
        },
        Request::SheetAnswer {
            id: "probs".into(),
            text: "dprobs = (1.0 / probs) * dlogprobs".into(),
        },
        Request::SheetHint {
            id: "C".into(),
            level: 2,
        },
        Request::SheetTrain {
            steps: "200".into(),
        },
    ]
}

fn one_of_each_event() -> Vec<Event> {
    let names = few_names(300);
    let mut s = Session::new(names.as_bytes(), "test").unwrap();
    s.start().unwrap();
    s.train(2, || false);
    s.pause();
    let mut progress = views::progress_view(&s, 0.0, views::step_charts(&s));
    progress.stopped = Some(Notice {
        message: "finished".into(),
        level: Level::Good,
    });
    vec![
        Event::Ready {
            data: views::data_view(&s),
            kernels: "native".into(),
            page: PageOptions::default(),
        },
        Event::Run {
            run: views::run_view(&s),
        },
        Event::Progress { progress },
        Event::Diag {
            diag: views::diag_view(&mut s),
        },
        Event::Data {
            data: views::data_view(&s),
            name: "a.txt".into(),
            upload: 1,
        },
        Event::LoadError {
            message: "no".into(),
            name: "b.txt".into(),
            upload: 2,
        },
        Event::Charts {
            charts: vec![views::sampler::chart(&s)],
        },
        Event::Samples {
            samples: vec![SampleView {
                name: "ann".into(),
                novelty: "new".into(),
            }],
            line: "1 name".into(),
        },
        Event::Runs {
            runs: views::run_rows(&s),
            compare: None,
            previous: None,
            previous_note: views::previous_chapter(&s).1,
        },
        Event::Link {
            query: "chapter=deep".into(),
        },
        Event::File {
            name: "a.csv".into(),
            mime: "text/csv".into(),
            bytes: b"a,b\n".to_vec(),
        },
        Event::Notice {
            message: "hello".into(),
            level: Level::Warn,
            topic: Topic::Sampling,
        },
        Event::Fatal {
            message: "out of memory".into(),
        },
        Event::Path {
            path: views::embedding::path_view(&s),
            chart: views::embedding::chart(&s),
        },
        Event::Quiz {
            quiz: views::quiz_view(&s),
        },
        Event::Slow {
            slow: {
                s.slow_step("3", "1").unwrap();
                views::slow_view(&s).unwrap()
            },
        },
    ]
    .into_iter()
    .chain(sheet_events(&s))
    .collect()
}

/// One of each of the backprop sheet's events, as its room makes them.
fn sheet_events(s: &Session) -> Vec<Event> {
    let mut room = SheetRoom::default();
    // Exercise 1 filled in with the core's own answers, so that exercise 4 can train.
    let answers = EXERCISES
        .iter()
        .filter(|e| e.number == 1)
        .map(|e| (e.id.to_string(), e.answer.to_string()))
        .collect();
    let mut ev = room.open(s.data(), &answers, &BTreeMap::new());
    ev.extend(room.answer(s.data(), "h", "dh = dlogits @ W2.T"));
    ev.extend(room.hint(s.data(), "h", 3));
    assert!(room.train(s.data(), "1").is_empty(), "exercise 4 refused");
    ev.extend(room.work(0.0, || true));
    ev
}

/// Every topic (a match without a wildcard: a new topic must be added here).
fn all_topics() -> Vec<Topic> {
    let all = [
        Topic::Training,
        Topic::Settings,
        Topic::Sampling,
        Topic::Upload,
        Topic::Weights,
        Topic::Sampler,
        Topic::Questions,
        Topic::Slow,
        Topic::Fold,
        Topic::Sheet,
    ];
    for t in all {
        match t {
            Topic::Training
            | Topic::Settings
            | Topic::Sampling
            | Topic::Upload
            | Topic::Weights
            | Topic::Sampler
            | Topic::Questions
            | Topic::Slow
            | Topic::Fold
            | Topic::Sheet => {}
        }
    }
    all.to_vec()
}

/// An event's `type` tag, or a request's: serde's external tag (a unit variant's string, or
/// the one key of the object).
fn tag(v: &impl serde::Serialize) -> String {
    let json = serde_json::to_value(v).unwrap();
    if let Some(t) = json.get("type").and_then(|t| t.as_str()) {
        return t.to_string();
    }
    match json {
        serde_json::Value::String(s) => s,
        serde_json::Value::Object(o) if o.len() == 1 => o.keys().next().unwrap().clone(),
        other => panic!("no tag in {other}"),
    }
}

/// A message as the page writes it (`{"type": ..., fields}`) in serde's external form, as the
/// wasm glue moves the tag (web/worker.rs `request`).
fn from_page(json: &str) -> Result<Request, serde_json::Error> {
    let mut v: serde_json::Map<String, serde_json::Value> = serde_json::from_str(json)?;
    let t = v
        .remove("type")
        .and_then(|t| t.as_str().map(String::from))
        .unwrap_or_default();
    let external = if v.is_empty() {
        serde_json::Value::String(t)
    } else {
        serde_json::json!({ t: v })
    };
    serde_json::from_value(external)
}

fn serde_name(v: &impl serde::Serialize) -> String {
    serde_json::to_value(v)
        .unwrap()
        .as_str()
        .expect("a string")
        .to_string()
}

/// The examples' tags, against the message type's own list of names (strum's `VariantNames`,
/// derived in protocol.rs): one example of each message, in the type's order, and serde writes
/// the name the type lists. A new message fails here, naming its tag, until it has an example.
fn check_one_of_each<T>(all: &[T], names: &[&str])
where
    T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let tags: Vec<String> = all.iter().map(tag).collect();
    assert_eq!(
        tags, names,
        "one example of each message, in the type's order"
    );
    for (t, m) in tags.iter().zip(all) {
        let json = serde_json::to_string(m).unwrap();
        let back: T = serde_json::from_str(&json).unwrap();
        assert_eq!(&back, m, "{t} reads back");
    }
    let unique: BTreeSet<_> = names.iter().collect();
    assert_eq!(unique.len(), names.len());
}

#[test]
fn every_request_has_its_tag_and_reads_back() {
    check_one_of_each(&one_of_each_request(), Request::VARIANTS);
}

#[test]
fn every_event_has_its_tag_and_reads_back() {
    check_one_of_each(&one_of_each_event(), Event::VARIANTS);
}

#[test]
fn requests_are_read_as_the_page_writes_them() {
    let read = from_page;
    // The page's init without a file; an absent rate goes back to the schedule.
    assert_eq!(
        read(r#"{"type": "init", "simd": null}"#).unwrap(),
        Request::Init {
            bytes: None,
            name: None,
            simd: None,
            link: None,
            threads: None
        }
    );
    assert_eq!(
        read(r#"{"type": "lr", "lr": null}"#).unwrap(),
        Request::Lr { lr: None }
    );
    // A misspelt field is an error, not a silently missing value.
    assert!(
        read(r#"{"type": "budget", "step": "100"}"#).is_err(),
        "a missing field"
    );
    assert!(
        read(r#"{"type": "budget", "steps": "100", "stpes": "1"}"#).is_err(),
        "an unknown field"
    );
    assert!(read(r#"{"type": "jump"}"#).is_err());
}

#[test]
fn chart_ids_and_topics_are_named_as_serde_writes_them() {
    // ALL is complete and in the declaration's order by construction (named_enum!, whose own
    // test checks it); here, that serde writes each id as the page finds it.
    for id in ChartId::ALL {
        assert_eq!(
            serde_name(id),
            id.name(),
            "the page finds a chart by its id"
        );
    }
    let topics: Vec<String> = all_topics().iter().map(serde_name).collect();
    assert_eq!(
        topics,
        [
            "training",
            "settings",
            "sampling",
            "upload",
            "weights",
            "sampler",
            "questions",
            "slow",
            "fold",
            "sheet"
        ]
    );
}

// ---- the page's markup ------------------------------------------------------------------
//
// The page's scripts are type-checked against the TypeScript derived from these types (tsify,
// www/types/protocol.d.ts; `tsc` in `cargo xtask test`): the tags it posts and handles, the
// fields it reads, the topics of `NOTICE_TARGET`, the data header's fields and the export
// kinds are the compiler's to check. What it cannot see is the markup: the elements those
// names must find in www/index.html.

fn read(path: &str) -> String {
    let full = format!("{}/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

#[test]
fn the_page_makes_every_figure_from_the_chart_table() {
    // The page's markup holds no chart: each figure is made from a row of `views::CHARTS`
    // (www/js/figure.js), so a chart is defined once, in Rust.
    let html = read("www/index.html");
    for markup in ["data-chart", "<figure", "<canvas"] {
        assert!(!html.contains(markup), "www/index.html holds {markup}");
    }
    let ids: Vec<ChartId> = views::figures().iter().map(|f| f.id).collect();
    assert_eq!(
        ids,
        ChartId::ALL,
        "one figure per chart, in the page's order"
    );
}

/// The ids of every control in the charts' tool rows (made with the figures).
fn tool_ids() -> Vec<String> {
    use views::tools::Control;
    let mut ids = Vec::new();
    for f in views::figures() {
        let Some(tools) = f.tools else { continue };
        ids.extend(tools.form.map(String::from));
        for c in tools.controls {
            ids.push(
                match c {
                    Control::Button { id, .. }
                    | Control::Field { id, .. }
                    | Control::Select { id, .. }
                    | Control::Check { id, .. }
                    | Control::Status { id } => id,
                }
                .to_string(),
            );
        }
    }
    ids
}

/// The `{ key: 'value', ... }` of `const NAME = {` in a script.
fn object_literal(text: &str, name: &str) -> Vec<(String, String)> {
    let start = text
        .find(&format!("const {name} = {{"))
        .unwrap_or_else(|| panic!("const {name}"));
    let body = &text[start..];
    let body = &body[body.find('{').unwrap() + 1..body.find('}').unwrap()];
    body.split(',')
        .filter(|kv| !kv.trim().is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once(':').expect("key: value");
            let unquote = |s: &str| s.trim().trim_matches(['\'', '"']).to_string();
            (unquote(k), unquote(v))
        })
        .collect()
}

/// The `[...]` list of strings of `const NAME = [` in a script.
fn array_literal(text: &str, name: &str) -> Vec<String> {
    let start = text
        .find(&format!("const {name} = ["))
        .unwrap_or_else(|| panic!("const {name}"));
    let body = &text[start..];
    let body = &body[body.find('[').unwrap() + 1..body.find(']').unwrap()];
    body.split(',')
        .map(|k| k.trim().trim_matches(['\'', '"']).to_string())
        .filter(|k| !k.is_empty())
        .collect()
}

#[test]
fn every_notice_topic_has_its_element_on_the_page() {
    // `NOTICE_TARGET` is a `Record<Topic, string>`: tsc checks its keys against `Topic`.
    let main = read("www/main.js");
    let html = read("www/index.html");
    let targets = object_literal(&main, "NOTICE_TARGET");
    assert_eq!(targets.len(), all_topics().len(), "{targets:?}");
    let tools = tool_ids();
    for (k, id) in &targets {
        assert!(
            html.contains(&format!("id=\"{id}\"")) || tools.contains(id),
            "NOTICE_TARGET.{k}: neither www/index.html nor a chart's tool row has id=\"{id}\""
        );
    }
}

#[test]
fn every_field_of_the_data_header_has_its_element_on_the_page() {
    // `DATA_FIELDS` is a `(keyof DataView)[]`: tsc checks the fields against `DataView`.
    let main = read("www/main.js");
    let html = read("www/index.html");
    let shown = array_literal(&main, "DATA_FIELDS");
    assert!(shown.len() >= 5, "{shown:?}");
    for k in shown {
        // As the page makes it: `key.replace('_', '-')` replaces the first '_' only.
        let id = format!("data-{}", k.replacen('_', "-", 1));
        assert!(html.contains(&format!("id=\"{id}\"")), "no #{id}");
    }
}

#[test]
fn every_kind_of_knob_is_used() {
    use makemore_lab::session::settings::{KnobKind, KNOBS};
    let kind_tag = |k: &KnobKind| {
        // A match without a wildcard: a new kind must be added here, and used by a knob.
        match k {
            KnobKind::Int { .. }
            | KnobKind::Float { .. }
            | KnobKind::Choice { .. }
            | KnobKind::Bool => tag(k),
        }
    };
    let tags: BTreeSet<String> = KNOBS.iter().map(|k| kind_tag(&k.kind)).collect();
    assert_eq!(tags.len(), 4, "every kind is used: {tags:?}");
}
