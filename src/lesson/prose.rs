//! A sentence that points at charts: the lesson's texts name the chart they talk about ("look at
//! the saturation map") and the page makes that phrase a link that takes the reader to it. A
//! phrase is marked with `to(chart, words)` where the sentence is written; `phrases` splits a
//! sentence into its plain stretches and its links, and `plain` is the sentence as words only
//! (a tooltip, a screen reader's summary, a test's `contains`).
//!
//! The marks are three characters of Unicode's private use area, which no sentence of the
//! lesson writes otherwise (a chapter's text states numbers, never a names file's characters):
//! `OPEN chart-name MID words CLOSE`.

use crate::charts::ChartId;

const OPEN: char = '\u{E000}';
const MID: char = '\u{E001}';
const CLOSE: char = '\u{E002}';

/// `words`, as a phrase that links to `chart`.
pub fn to(chart: ChartId, words: &str) -> String {
    format!("{OPEN}{}{MID}{words}{CLOSE}", chart.name())
}

/// `text` split into its stretches in order: plain words (`None`) and links to a chart. A mark
/// that is cut short or names no chart leaves its words as plain text; the marks never show.
pub fn phrases(text: &str) -> Vec<(String, Option<ChartId>)> {
    let mut out: Vec<(String, Option<ChartId>)> = Vec::new();
    let mut push = |words: &str, chart: Option<ChartId>| {
        let words: String = words.chars().filter(|c| !is_mark(*c)).collect();
        if words.is_empty() {
            return;
        }
        match out.last_mut() {
            Some((last, None)) if chart.is_none() => last.push_str(&words),
            _ => out.push((words, chart)),
        }
    };
    let mut rest = text;
    while let Some(at) = rest.find(OPEN) {
        push(&rest[..at], None);
        let inner = &rest[at + OPEN.len_utf8()..];
        let Some(end) = inner.find(CLOSE) else {
            rest = inner;
            break;
        };
        let (link, after) = (&inner[..end], &inner[end + CLOSE.len_utf8()..]);
        match link.split_once(MID) {
            Some((name, words)) => push(words, ChartId::from_name(name)),
            None => push(link, None),
        }
        rest = after;
    }
    push(rest, None);
    out
}

/// `text` as words only.
pub fn plain(text: &str) -> String {
    phrases(text).into_iter().map(|(words, _)| words).collect()
}

/// The charts `text` links to, in order.
pub fn charts(text: &str) -> Vec<ChartId> {
    phrases(text).into_iter().filter_map(|(_, c)| c).collect()
}

fn is_mark(c: char) -> bool {
    matches!(c, OPEN | MID | CLOSE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_is_its_words_and_its_chart() {
        let text = format!("Look at {} now.", to(ChartId::Map, "the saturation map"));
        assert_eq!(
            phrases(&text),
            vec![
                ("Look at ".to_string(), None),
                ("the saturation map".to_string(), Some(ChartId::Map)),
                (" now.".to_string(), None),
            ]
        );
        assert_eq!(plain(&text), "Look at the saturation map now.");
        assert_eq!(charts(&text), vec![ChartId::Map]);
    }

    #[test]
    fn a_broken_mark_leaves_plain_words_and_no_mark() {
        for text in [
            format!("a {OPEN}nosuch{MID}words{CLOSE} b"),
            format!("a {OPEN}map{MID}cut short"),
            format!("a {OPEN}map words{CLOSE} b {CLOSE}{MID}"),
        ] {
            let p = phrases(&text);
            assert!(p.iter().all(|(_, c)| c.is_none()), "{p:?}");
            assert!(!plain(&text).chars().any(is_mark), "{:?}", plain(&text));
            assert!(plain(&text).starts_with("a "), "{:?}", plain(&text));
        }
    }
}
