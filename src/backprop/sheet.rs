//! The worker's side of the chapter: `Sheet`, the student's text per exercise (kept as typed,
//! and written into a link and back), and `Lab`, the network, one batch with its forward pass and
//! the core's gradients, and the sheet. `Lab::check` judges an answer, `Lab::hint` gives the
//! hints in steps, `Lab::exercises` the list with its text; `Lab::training` starts exercise 4.
//! The views are serde types for the page.

use super::env::exercise_env;
use super::exercises::{exercise, fill, Exercise, Numbers, EXERCISES, PARTS};
use super::grade::{compare, Reference, Status};
use super::lang::{compile, Value, MAX_TEXT_BYTES};
use super::model::{Batch, Config, Params};
use super::steps::{backward, forward, Forward, Grads};
use super::tensor::{fmt_shape, Tensor};
use super::train::{plan, DualRun};
use crate::data::{Dataset, Examples};
use crate::rng::Rng;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The student's answers, by exercise id, as typed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Sheet {
    pub answers: BTreeMap<String, String>,
}

/// The longest link `Sheet::decode` reads.
pub const MAX_LINK_BYTES: usize = 64 * 1024;

impl Sheet {
    /// Keeps `text` as the answer to `id` (an empty text clears it).
    pub fn set(&mut self, id: &str, text: &str) -> Result<(), String> {
        let ex = exercise(id).ok_or_else(|| format!("there is no exercise `{id}`"))?;
        if text.len() > MAX_TEXT_BYTES {
            return Err(format!(
                "the answer for d{} is {} bytes long; an answer may have at most {MAX_TEXT_BYTES}",
                ex.tensor,
                text.len()
            ));
        }
        if text.trim().is_empty() {
            self.answers.remove(id);
        } else {
            self.answers.insert(id.to_string(), text.to_string());
        }
        Ok(())
    }

    pub fn get(&self, id: &str) -> &str {
        self.answers.get(id).map_or("", String::as_str)
    }

    /// The answers as a query string: `id=text&...`, percent-encoded (UTF-8).
    pub fn encode(&self) -> String {
        let parts: Vec<String> = self
            .answers
            .iter()
            .map(|(id, text)| format!("{id}={}", percent_encode(text)))
            .collect();
        parts.join("&")
    }

    /// The answers from `encode`'s form; an unknown id or a bad escape is refused with its place.
    pub fn decode(query: &str) -> Result<Sheet, String> {
        if query.len() > MAX_LINK_BYTES {
            return Err(format!(
                "the link's answers are {} bytes; at most {MAX_LINK_BYTES} are read",
                query.len()
            ));
        }
        let mut sheet = Sheet::default();
        for part in query
            .trim_start_matches('?')
            .split('&')
            .filter(|p| !p.is_empty())
        {
            let (id, text) = part.split_once('=').unwrap_or((part, ""));
            let text =
                percent_decode(text).map_err(|e| format!("the answer `{id}` in the link: {e}"))?;
            sheet.set(id, &text).map_err(|e| format!("the link: {e}"))?;
        }
        Ok(sheet)
    }
}

fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn percent_decode(text: &str) -> Result<String, String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok());
                let b = hex
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .ok_or_else(|| format!("a bad escape at byte {i}"))?;
                out.push(b);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).map_err(|_| "not UTF-8 text".to_string())
}

#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VerdictStatus {
    /// No answer yet.
    Empty,
    Exact,
    Approximate,
    Wrong,
    /// The answer does not run: `message` says where and why.
    Error,
}

/// An answer judged.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    pub id: String,
    /// The gradient the answer defines (`dcounts`).
    pub gradient: String,
    pub status: VerdictStatus,
    /// Largest |yours - core|, when the numbers were compared.
    pub max_diff: Option<f32>,
    /// The answer's shape, when it ran.
    pub shape: Option<Vec<usize>>,
    pub want_shape: Vec<usize>,
    /// cmp's "shape is correct", when it ran.
    pub shape_ok: Option<bool>,
    /// The lecture's cmp line, when the numbers were compared.
    pub cmp: Option<String>,
    /// What is wrong, or a note on a right answer; empty for a plain exact answer.
    pub message: String,
    /// Where an error is (line and column from 1).
    pub line: Option<usize>,
    pub col: Option<usize>,
}

/// An exercise as the page shows it.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExerciseView {
    pub id: String,
    pub number: u8,
    pub tensor: String,
    pub gradient: String,
    pub shape: Vec<usize>,
    pub forward: String,
    pub meaning: String,
    pub key_line: Option<String>,
    pub answer: String,
    pub verdict: Verdict,
}

/// One of the chapter's four parts, introducing its exercise.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PartView {
    pub number: u8,
    pub title: String,
    pub text: String,
}

/// The network, one batch, its forward pass and the core's gradients, and the student's sheet.
#[derive(Clone, Debug)]
pub struct Lab {
    pub config: Config,
    data: Arc<Examples>,
    seed: u64,
    rng: Rng,
    pub params: Params,
    pub batch: Batch,
    pub forward: Forward,
    pub grads: Grads,
    pub sheet: Sheet,
}

impl Lab {
    /// The lecture's network on `data`'s vocabulary and training split, drawn from `seed`
    /// (the weights, then the batches).
    pub fn new(data: &Dataset, seed: u64) -> Result<Lab, String> {
        let config = Config::lecture(data.vocab.size());
        let train = if data.train.block_size == config.block_size {
            data.train.clone()
        } else {
            data.with_block_size(config.block_size).train
        };
        Lab::with_config(config, train, seed)
    }

    pub fn with_config(config: Config, data: Arc<Examples>, seed: u64) -> Result<Lab, String> {
        if data.block_size != config.block_size {
            return Err(format!(
                "the examples have block_size {}, the model {}",
                data.block_size, config.block_size
            ));
        }
        let mut rng = Rng::new(seed);
        let params = Params::init(&config, &mut rng)?;
        let batch = Batch::sample(&data, config.batch, &mut rng)?;
        let forward = forward(&params, &batch)?;
        let grads = backward(&params, &batch, &forward)?;
        Ok(Lab {
            config,
            data,
            seed,
            rng,
            params,
            batch,
            forward,
            grads,
            sheet: Sheet::default(),
        })
    }

    /// Draws the next batch (the weights stay): every answer is judged on it from now on.
    pub fn next_batch(&mut self) -> Result<(), String> {
        let batch = Batch::sample(&self.data, self.config.batch, &mut self.rng)?;
        let forward = forward(&self.params, &batch)?;
        self.grads = backward(&self.params, &batch, &forward)?;
        self.forward = forward;
        self.batch = batch;
        Ok(())
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    fn numbers(&self) -> Numbers {
        let maxes = self
            .grads
            .get("logit_maxes")
            .map_or(0.0, |t| t.data().iter().fold(0.0f32, |m, v| m.max(v.abs())));
        Numbers {
            n: self.config.batch,
            vocab_size: self.config.vocab_size,
            n_hidden: self.config.n_hidden,
            n_embd: self.config.n_embd,
            block_size: self.config.block_size,
            maxes,
            n_params: self.params.n_params(),
            loss: self.forward.loss,
        }
    }

    /// The forward tensor or parameter an exercise is about.
    fn tensor(&self, ex: &Exercise) -> Option<&Tensor> {
        self.forward.get(ex.tensor).or(self.params.get(ex.tensor))
    }

    /// Judges `text` as the answer to exercise `id`, on the current batch.
    pub fn check(&self, id: &str, text: &str) -> Verdict {
        let Some(ex) = exercise(id) else {
            return error_verdict(id, "", &[], format!("there is no exercise `{id}`"), None);
        };
        let gradient = format!("d{}", ex.tensor);
        let want = self.grads.get(ex.tensor);
        let want_shape = want.map_or(vec![], |t| t.shape().to_vec());
        let fail = |m: String, at: Option<(usize, usize)>| {
            error_verdict(id, &gradient, &want_shape, m, at)
        };
        if text.trim().is_empty() {
            let mut v = fail(String::new(), None);
            v.status = VerdictStatus::Empty;
            return v;
        }
        let Some(want) = want else {
            return fail(format!("the core has no gradient for {}", ex.tensor), None);
        };
        let program = match compile(text) {
            Ok(p) => p,
            Err(e) => return fail(e.message, Some((e.line, e.col))),
        };
        let mut env = exercise_env(ex, &self.params, &self.batch, &self.forward, &self.grads);
        if let Err(e) = env.run(&program) {
            return fail(e.message, Some((e.line, e.col)));
        }
        let got = match env.get(&gradient) {
            Some(Value::Tensor(t)) => t.clone(),
            Some(v) => {
                return fail(
                    format!(
                        "{gradient} is {}, and should be a tensor of shape {}",
                        v.describe(),
                        fmt_shape(&want_shape)
                    ),
                    None,
                )
            }
            None => {
                return fail(
                    format!("the answer does not define {gradient}: write `{gradient} = ...`"),
                    None,
                )
            }
        };
        let r = Reference {
            tensor: ex.tensor,
            want,
            branches: self.grads.branches_of(ex.tensor).collect(),
            n: self.config.batch,
        };
        let mut c = compare(&r, &got);
        if c.status == Status::Wrong && !env.notes().is_empty() {
            let d = c.diagnosis.take().unwrap_or_default();
            c.diagnosis = Some(format!("{d}. Note: {}", env.notes().join("; ")));
        }
        let status = match c.status {
            Status::Exact => VerdictStatus::Exact,
            Status::Approximate => VerdictStatus::Approximate,
            Status::Wrong => VerdictStatus::Wrong,
        };
        let cmp = c.max_diff.map(|d| {
            format!(
                "{:15} | exact: {:5} | approximate: {:5} | maxdiff: {d:e} | shape is correct: {}",
                ex.tensor,
                py_bool(status == VerdictStatus::Exact),
                py_bool(status != VerdictStatus::Wrong),
                py_bool(c.shape_ok)
            )
        });
        Verdict {
            id: id.to_string(),
            gradient,
            status,
            max_diff: c.max_diff,
            shape: Some(c.shape),
            want_shape,
            shape_ok: Some(c.shape_ok),
            cmp,
            message: c.diagnosis.unwrap_or_default(),
            line: None,
            col: None,
        }
    }

    /// Keeps `text` as the answer to `id` and judges it.
    pub fn answer(&mut self, id: &str, text: &str) -> Verdict {
        if let Err(e) = self.sheet.set(id, text) {
            return error_verdict(id, "", &[], e, None);
        }
        self.check(id, text)
    }

    /// The hints of exercise `id` up to `level`: 1 the shape, 2 the local derivative, 3 the
    /// answer (the core's formula).
    pub fn hints(&self, id: &str, level: usize) -> Result<Vec<String>, String> {
        let ex = exercise(id).ok_or_else(|| format!("there is no exercise `{id}`"))?;
        let shape = self
            .tensor(ex)
            .map_or(String::new(), |t| fmt_shape(t.shape()));
        let all = [
            format!("d{t} has the shape of {t}: {shape}", t = ex.tensor),
            fill(ex.derivative, &self.numbers(), &shape),
            ex.answer.to_string(),
        ];
        Ok(all.into_iter().take(level.min(3)).collect())
    }

    /// Every exercise in the lecture's order, with its text and the verdict on the sheet's answer.
    pub fn exercises(&self) -> Vec<ExerciseView> {
        let k = self.numbers();
        EXERCISES
            .iter()
            .map(|ex| {
                let shape = self.tensor(ex).map_or(vec![], |t| t.shape().to_vec());
                let s = fmt_shape(&shape);
                let answer = self.sheet.get(ex.id).to_string();
                ExerciseView {
                    id: ex.id.to_string(),
                    number: ex.number,
                    tensor: ex.tensor.to_string(),
                    gradient: format!("d{}", ex.tensor),
                    shape,
                    forward: ex.forward.to_string(),
                    meaning: fill(ex.meaning, &k, &s),
                    key_line: ex.key_line.map(str::to_string),
                    verdict: self.check(ex.id, &answer),
                    answer,
                }
            })
            .collect()
    }

    /// The chapter's four parts, with this network's and this batch's numbers.
    pub fn parts(&self) -> Vec<PartView> {
        let k = self.numbers();
        PARTS
            .iter()
            .map(|&(number, title, text)| PartView {
                number,
                title: title.to_string(),
                text: fill(text, &k, ""),
            })
            .collect()
    }

    /// Exercise 4 with the sheet's answers, from `seed`: both runs step side by side.
    pub fn training(&self, seed: u64) -> Result<DualRun, String> {
        let plan = plan(|id| self.sheet.get(id).to_string())?;
        DualRun::new(self.config.clone(), self.data.clone(), seed, plan)
    }
}

fn py_bool(b: bool) -> &'static str {
    if b {
        "True"
    } else {
        "False"
    }
}

fn error_verdict(
    id: &str,
    gradient: &str,
    want_shape: &[usize],
    message: String,
    at: Option<(usize, usize)>,
) -> Verdict {
    Verdict {
        id: id.to_string(),
        gradient: gradient.to_string(),
        status: VerdictStatus::Error,
        max_diff: None,
        shape: None,
        want_shape: want_shape.to_vec(),
        shape_ok: None,
        cmp: None,
        message,
        line: at.map(|a| a.0),
        col: at.map(|a| a.1),
    }
}
