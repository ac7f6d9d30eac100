//! A link that reproduces a setup: the page's address holds the chapter, every knob that differs
//! from the chapter (the seed and the step budget included), a learning-rate override, the
//! presentation flag and the panels and charts the teacher hid (`panels.rs`). Opening it in another browser gives the same
//! run: the same first loss and the same loss after N steps.
//!
//! `?chapter=deep&seed=7&steps=1000&schedule_steps=100000&lr_now=0.05&present=1&hide=upload,custom,lr`
//! (or `experiment=no-tanh&...` for a break-it experiment).
//! Knob keys are written as they are (`n_hidden=64`); `simd` and `threads` belong to the page's
//! choice of wasm build and are passed over. A malformed link is refused whole, with a message
//! that names the part at fault; the page then starts with the defaults.

use super::panels;
use super::protocol::PageOptions;
use super::settings::{Knob, Settings};
use super::setup::Setup;
use super::words::echo;
use crate::lesson::ChapterId;

/// Parameters of the page's own (the wasm build), not of the run.
const PAGE_PARAMS: &[&str] = &["simd", "threads"];

/// A parsed link.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Link {
    pub setup: Option<Setup>,
    /// (knob key, value as text), in the link's order.
    pub knobs: Vec<(String, String)>,
    /// The learning rate set while paused, as text.
    pub lr_now: Option<String>,
    pub page: PageOptions,
}

fn decode(s: &str) -> Result<String, String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = s
                    .get(i + 1..i + 3)
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .ok_or_else(|| format!("'{}' has a broken %-escape", echo(s)))?;
                out.push(hex);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| format!("'{}' is not UTF-8 text", echo(s)))
}

fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

impl Link {
    /// Reads a query string (with or without its leading '?'). Every part is checked: a knob
    /// against its limits, the chapter against the lesson, what is hidden against
    /// `panels::hideable`.
    pub fn parse(query: &str) -> Result<Link, String> {
        let mut link = Link::default();
        let q = query.strip_prefix('?').unwrap_or(query);
        for part in q.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = part.split_once('=').unwrap_or((part, ""));
            let (k, v) = (decode(k)?, decode(v)?);
            match k.as_str() {
                "chapter" => link.setup = Some(Setup::chapter_named(&v)?),
                "experiment" => link.setup = Some(Setup::experiment_named(&v)?),
                "lr_now" => link.lr_now = Some(v),
                "present" => link.page.present = matches!(v.as_str(), "1" | "true" | ""),
                "hide" => {
                    for p in v.split(',').filter(|p| !p.is_empty()) {
                        if !panels::is_hideable(p) {
                            return Err(format!(
                                "nothing called '{}' can be hidden (panels: {}; charts: \
                                 loss, map…)",
                                echo(p),
                                panels::Panel::NAMES.join(", ")
                            ));
                        }
                        link.page.hidden.push(p.to_string());
                    }
                }
                k if PAGE_PARAMS.contains(&k) => {}
                _ => {
                    let knob = Knob::find(&k)?;
                    // Checked now, so that a bad link is refused before anything changes.
                    knob.set(&mut Settings::chapter(ChapterId::FIRST), &v)?;
                    link.knobs.push((k, v));
                }
            }
        }
        if let Some(t) = &link.lr_now {
            let x: f32 = t.trim().parse().unwrap_or(f32::NAN);
            if !(x.is_finite() && x > 0.0) {
                return Err(format!(
                    "lr_now: the learning rate must be a number above 0, not '{}'",
                    echo(t)
                ));
            }
        }
        Ok(link)
    }

    /// The query that reproduces `settings` started from `setup`, with a learning-rate
    /// override and the page's options.
    pub fn query(
        setup: &Setup,
        settings: &Settings,
        lr_now: Option<f32>,
        page: &PageOptions,
    ) -> String {
        let mut parts = vec![match setup {
            Setup::Chapter(c) => format!("chapter={}", encode(c.name())),
            Setup::Experiment(e) => format!("experiment={}", encode(e.name())),
        }];
        for (k, v) in settings.diff(&setup.settings()) {
            parts.push(format!("{k}={}", encode(&v)));
        }
        if let Some(x) = lr_now {
            parts.push(format!("lr_now={x}"));
        }
        if page.present {
            parts.push("present=1".into());
        }
        let hidden = panels::in_order(&page.hidden);
        if !hidden.is_empty() {
            parts.push(format!("hide={}", hidden.join(",")));
        }
        parts.join("&")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lesson::ExperimentId;

    #[test]
    fn a_link_reads_back_what_it_writes() {
        let mut s = Settings::chapter(ChapterId::Deep);
        s.set("seed", "7").unwrap();
        s.set("steps", "1000").unwrap();
        s.set("schedule_steps", "100000").unwrap();
        s.set("batchnorm", "first-cell").unwrap();
        let page = PageOptions {
            present: true,
            hidden: vec!["custom".into(), "upload".into()],
        };
        let q = Link::query(&Setup::Chapter(ChapterId::Deep), &s, Some(0.05), &page);
        assert_eq!(
            q,
            "chapter=deep&batchnorm=first-cell&steps=1000&schedule_steps=100000&seed=7&lr_now=0.05&present=1&hide=upload,custom"
        );
        let l = Link::parse(&format!("?{q}&simd=plain")).unwrap();
        assert_eq!(l.setup, Some(Setup::Chapter(ChapterId::Deep)));
        let mut t = Settings::chapter(ChapterId::Deep);
        for (k, v) in &l.knobs {
            t.set(k, v).unwrap();
        }
        assert_eq!(t, s);
        assert_eq!(l.lr_now.as_deref(), Some("0.05"));
        assert!(l.page.present);
        assert_eq!(l.page.hidden, ["upload", "custom"]);
    }

    #[test]
    fn a_malformed_link_is_refused_with_the_part_at_fault() {
        let e = Link::parse("chapter=nope").unwrap_err();
        assert!(e.contains("no chapter 'nope'"), "{e}");
        let e = Link::parse("chapter=deep&n_hidden=99999").unwrap_err();
        assert!(e.contains("hidden units") && e.contains("1024"), "{e}");
        let e = Link::parse("hide=everything").unwrap_err();
        assert!(e.contains("nothing called 'everything'"), "{e}");
        let e = Link::parse("seed=%zz").unwrap_err();
        assert!(e.contains("%-escape"), "{e}");
        let e = Link::parse("lr_now=-1").unwrap_err();
        assert!(e.contains("above 0"), "{e}");
        assert!(Link::parse("bogus=1")
            .unwrap_err()
            .contains("no setting 'bogus'"));
        assert!(Link::parse("experiment=x")
            .unwrap_err()
            .contains("no experiment 'x'"));
        let q = Link::query(
            &Setup::Experiment(ExperimentId::NoTanh),
            &Setup::Experiment(ExperimentId::NoTanh).settings(),
            None,
            &PageOptions::default(),
        );
        assert_eq!(q, "experiment=no-tanh");
        assert_eq!(Link::parse("").unwrap(), Link::default());
    }
}
