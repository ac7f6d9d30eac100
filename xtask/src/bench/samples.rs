//! Every figure the bench measured, by key (`native.mlp_steps_per_s`, `browser.relaxed.peak_gflops`,
//! `torch.deep.nn_sgd.1.it_per_s`), with the round it was taken in; medians over rounds.

use std::collections::BTreeMap;

#[derive(Default)]
pub struct Samples(BTreeMap<String, Vec<(usize, f64)>>);

impl Samples {
    /// Keeps `v` if it is a finite number.
    pub fn push(&mut self, key: impl Into<String>, round: usize, v: Option<f64>) {
        if let Some(v) = v.filter(|v| v.is_finite()) {
            self.0.entry(key.into()).or_default().push((round, v));
        }
    }

    /// The median over rounds.
    pub fn med(&self, key: &str) -> Option<f64> {
        median(self.all(key))
    }

    /// Every round's value, in order.
    pub fn all(&self, key: &str) -> Vec<f64> {
        self.0
            .get(key)
            .map(|v| v.iter().map(|x| x.1).collect())
            .unwrap_or_default()
    }

    /// The value of one round.
    pub fn at(&self, key: &str, round: usize) -> Option<f64> {
        self.0
            .get(key)
            .and_then(|v| v.iter().find(|x| x.0 == round).map(|x| x.1))
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }
}

pub fn median(mut v: Vec<f64>) -> Option<f64> {
    v.retain(|x| x.is_finite());
    if v.is_empty() {
        return None;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    })
}
