//! Bar charts: the sampler's sorted distribution with its highlighted choice and reference line,
//! "score a name" (unsorted, every bar labelled), thousands of bars, empty and odd data.

use super::support::*;
use makemore_lab::charts::*;
use plotters::prelude::*;

/// A filled `<rect>` of an SVG: fill colour and x, y, width, height in pixels.
#[derive(Debug, Clone, PartialEq)]
pub struct Rect {
    pub fill: String,
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

/// Every filled `<rect>` (bars, backgrounds, boxes behind labels).
pub fn rects(svg: &str) -> Vec<Rect> {
    svg.split("<rect")
        .skip(1)
        .filter_map(|t| {
            let tag = &t[..t.find("/>")?];
            let num = |name| attr(tag, name)?.parse::<f64>().ok();
            Some(Rect {
                fill: attr(tag, "fill")?.to_string(),
                x: num("x")?,
                y: num("y")?,
                w: num("width")?,
                h: num("height")?,
            })
        })
        .filter(|r| r.fill != "none")
        .collect()
}

/// The rects filled with `c`, left to right.
pub fn rects_of(svg: &str, c: RGBColor) -> Vec<Rect> {
    let mut r: Vec<Rect> = rects(svg)
        .into_iter()
        .filter(|r| r.fill == hex(c))
        .collect();
    r.sort_by(|a, b| a.x.total_cmp(&b.x));
    r
}

/// A `<text>` element: its text, anchor point, fill colour and whether it is bold.
#[derive(Debug, Clone, PartialEq)]
pub struct TextAt {
    pub text: String,
    pub x: i32,
    pub y: i32,
    pub fill: String,
    pub bold: bool,
}

pub fn texts_at(svg: &str) -> Vec<TextAt> {
    svg.split("<text")
        .skip(1)
        .filter_map(|t| {
            let tag = &t[..t.find('>')?];
            let num = |name| attr(tag, name)?.parse::<i32>().ok();
            Some(TextAt {
                text: t[t.find('>')? + 1..t.find("</text>")?].trim().to_string(),
                x: num("x")?,
                y: num("y")?,
                fill: attr(tag, "fill")?.to_string(),
                bold: attr(tag, "font-weight") == Some("bold"),
            })
        })
        .collect()
}

fn strings(s: &str) -> Vec<String> {
    s.chars().map(|c| c.to_string()).collect()
}

/// ".abc...z" and noisy probabilities over them (summing to 1), like the sampler's.
pub fn vocab_probs(seed: u64) -> (Vec<String>, Vec<f32>) {
    let labels = strings(".abcdefghijklmnopqrstuvwxyz");
    let mut rng = Lcg(seed);
    let raw: Vec<f32> = (0..27).map(|_| rng.next().powi(3) + 0.001).collect();
    let sum: f32 = raw.iter().sum();
    (labels, raw.iter().map(|v| v / sum).collect())
}

/// `n` bars labelled with CJK characters, mostly low with a few high ones.
fn many(n: u32, seed: u64) -> (Vec<String>, Vec<f32>) {
    let labels = (0..n)
        .map(|i| char::from_u32(0x4e00 + i).unwrap().to_string())
        .collect();
    let mut rng = Lcg(seed);
    (labels, (0..n).map(|_| rng.next().powi(8)).collect())
}

fn sampler(labels: &[String], values: &[f32], highlight: Option<usize>) -> BarsSpec {
    BarsSpec {
        title: "next character after 'em'".into(),
        x_label: "next character".into(),
        y_label: "probability".into(),
        labels: labels.to_vec(),
        values: values.to_vec(),
        highlight,
        reference: Some((1.0 / 27.0, "uniform 1/27".into())),
        sort_desc: true,
        max_labels: 20,
    }
}

const BLUE: RGBColor = PALETTE[0];
const ORANGE: RGBColor = PALETTE[1];

#[test]
fn sampler_bars_sorted_with_highlight_and_reference() {
    let (labels, mut values) = vocab_probs(3);
    values[5] = 0.08; // 'e', the sampled character
    let data = sampler(&labels, &values, Some(5));
    let s = shown!("bars_sampler", W, H, |r| draw_bars(r, &data));

    let blue = rects_of(&s, BLUE);
    let orange = rects_of(&s, ORANGE);
    assert_eq!(
        (blue.len(), orange.len()),
        (26, 1),
        "26 bars and the chosen one"
    );
    let mut bars: Vec<Rect> = blue.iter().chain(&orange).cloned().collect();
    bars.sort_by(|a, b| a.x.total_cmp(&b.x));
    // Highest first, all on the same base line.
    assert!(bars.windows(2).all(|p| p[0].h + 1.0 >= p[1].h), "{bars:?}");
    let max_h = bars.iter().map(|b| b.h).fold(0.0, f64::max);
    assert_eq!(bars[0].h, max_h);
    assert!(bars[0].h > bars[26].h + 100.0);
    let base = bars[0].y + bars[0].h;
    assert!(bars.iter().all(|b| (b.y + b.h - base).abs() <= 1.0));
    // The chosen bar stands where 0.08 ranks, and says its value in its colour.
    let rank = values.iter().filter(|&&v| v > 0.08).count();
    assert_eq!(bars[rank], orange[0]);
    let texts = texts_at(&s);
    let value = texts
        .iter()
        .find(|t| t.text == "0.080")
        .expect("value label");
    assert_eq!(value.fill, hex(ORANGE));
    assert!(value.y < orange[0].y as i32, "above its bar");
    // Its character is labelled in bold under the axis.
    let e = texts.iter().find(|t| t.text == "e").expect("label e");
    assert!(e.bold && e.y > base as i32);

    // The reference line at 1/27, labelled.
    assert!(has_text(&s, "uniform 1/27"));
    let line = polylines(&s)
        .into_iter()
        .find(|(c, _)| c == "#000000")
        .expect("reference line");
    let scale = bars[0].h / *values.iter().max_by(|a, b| a.total_cmp(b)).unwrap() as f64;
    let want = base - scale / 27.0;
    assert!(
        line.1.iter().all(|p| (p.1 as f64 - want).abs() <= 2.0),
        "{line:?} vs {want}"
    );

    // The top 20 are labelled, the 7 lowest not, and the note says so.
    assert!(has_text(&s, "labels: top 20 of 27"));
    let mut order: Vec<usize> = (0..27).collect();
    order.sort_by(|&a, &b| values[b].total_cmp(&values[a]));
    for (rank, &i) in order.iter().enumerate() {
        let shown = texts
            .iter()
            .any(|t| t.text == labels[i] && t.y > base as i32);
        assert_eq!(shown, rank < 20, "label {:?} at rank {rank}", labels[i]);
    }

    let bmp = bitmap(W, H, |r| draw_bars(r, &data));
    assert!(count_near(&bmp, ORANGE) > 500, "the chosen bar is drawn");
    assert!(count_near(&bmp, BLUE) > 20_000, "the bars are drawn");
}

#[test]
fn score_a_name_unsorted_labels_every_character() {
    // 69 characters and the boundary mark: 70 bars, each with its probability.
    let name = "wolfeschlegelsteinhausenbergerdorffwelchevoralternwarengewissenhaftsc";
    assert_eq!(name.len(), 69);
    let labels = strings(&format!("{name}."));
    let mut rng = Lcg(11);
    let values: Vec<f32> = (0..70).map(|_| 0.02 + 0.6 * rng.next()).collect();
    let data = BarsSpec {
        title: "".into(),
        x_label: "character".into(),
        y_label: "p(character | context)".into(),
        labels: labels.to_vec(),
        values: values.to_vec(),
        highlight: None,
        reference: Some((1.0 / 27.0, "uniform 1/27".into())),
        sort_desc: false,
        max_labels: 70,
    };
    for w in [1200, 560] {
        let s = shown!(&format!("bars_name_{w}"), w, H, |r| draw_bars(r, &data));
        // Unsorted: bar k is value k's height.
        let bars = rects_of(&s, BLUE);
        assert_eq!(bars.len(), 70);
        let (max_h, max_v) = (
            bars.iter().map(|b| b.h).fold(0.0, f64::max),
            values.iter().copied().fold(0.0, f32::max) as f64,
        );
        for (b, &v) in bars.iter().zip(&values) {
            assert!(
                (b.h - v as f64 * max_h / max_v).abs() <= 1.5,
                "{b:?} for {v}"
            );
        }
        // Every character labelled, left to right; on two rows when they do not fit on one.
        let base = (bars[0].y + bars[0].h) as i32;
        let mut under: Vec<TextAt> = texts_at(&s)
            .into_iter()
            .filter(|t| t.y > base && t.y < base + 40)
            .collect();
        under.sort_by_key(|t| t.x);
        let read: String = under.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(read, format!("{name}."), "at width {w}");
        let mut rows: Vec<i32> = under.iter().map(|t| t.y).collect();
        rows.sort_unstable();
        rows.dedup();
        assert_eq!(
            rows.len(),
            if w == 1200 { 1 } else { 2 },
            "rows at width {w}"
        );
        assert!(!texts(&s).iter().any(|t| t.starts_with("labels:")));
    }
}

#[test]
fn thousands_of_bars_are_decimated_and_keep_the_highlight() {
    let (labels, mut values) = many(3000, 5);
    values[1234] = 1.5e-4; // a rare character was sampled
    values[2000] = 2.0; // a spike decimation must keep
    let data = BarsSpec {
        sort_desc: false,
        ..sampler(&labels, &values, Some(1234))
    };
    let s = shown!("bars_many", W, H, |r| draw_bars(r, &data));
    let blue = rects_of(&s, BLUE);
    assert!(
        blue.len() > 500 && blue.len() < W as usize,
        "{} bars",
        blue.len()
    );
    // The spike is the highest bar, two thirds of the way across.
    let tallest = blue.iter().max_by(|a, b| a.h.total_cmp(&b.h)).unwrap();
    let (left, right) = (blue[0].x, blue.last().unwrap().x);
    let at = (tallest.x - left) / (right - left);
    assert!((at - 2000.0 / 3000.0).abs() < 0.01, "spike at {at}");
    // The chosen bar, far too low and thin to see, is still drawn, labelled with its value.
    let orange = rects_of(&s, ORANGE);
    assert_eq!(orange.len(), 1);
    assert!(orange[0].w >= 2.0 && orange[0].h >= 2.0, "{:?}", orange[0]);
    assert!(((orange[0].x - left) / (right - left) - 1234.0 / 3000.0).abs() < 0.01);
    assert!(has_text(&s, "0.00015"));
    assert!(texts_at(&s)
        .iter()
        .any(|t| t.text == labels[1234] && t.bold));
    let note = texts(&s)
        .into_iter()
        .find(|t| t.starts_with("labels: "))
        .expect("note");
    assert!(
        note.ends_with(" of 3,000") || note.ends_with(" of 3,000 (the highest that fit)"),
        "{note}"
    );
    let bmp = bitmap(W, H, |r| draw_bars(r, &data));
    assert!(count_near(&bmp, ORANGE) >= 6, "the chosen bar shows");

    // Sorted, the chosen bar is near the end of the tail, still visible.
    let sorted = BarsSpec {
        sort_desc: true,
        ..data.clone()
    };
    let s = shown!("bars_many_sorted", W, H, |r| draw_bars(r, &sorted));
    let blue = rects_of(&s, BLUE);
    assert!(blue.len() < W as usize);
    assert!(blue.windows(2).all(|p| p[0].h >= p[1].h), "highest first");
    let orange = rects_of(&s, ORANGE);
    assert_eq!(orange.len(), 1);
    let rank = values.iter().filter(|&&v| v > 1.5e-4).count() as f64 / 3000.0;
    let (left, right) = (blue[0].x, blue.last().unwrap().x);
    assert!(((orange[0].x - left) / (right - left) - rank).abs() < 0.02);
    let bmp = bitmap(W, H, |r| draw_bars(r, &sorted));
    assert!(count_near(&bmp, ORANGE) >= 6);
}

#[test]
fn empty_and_nan_bars_draw_no_data() {
    let labels = strings("abc");
    for values in [
        vec![],
        vec![f32::NAN; 3],
        vec![f32::INFINITY, f32::NEG_INFINITY, f32::NAN],
    ] {
        let data = BarsSpec {
            reference: Some((f32::NAN, "r".into())),
            ..sampler(&labels, &values, Some(0))
        };
        let s = svg(W, H, |r| draw_bars(r, &data));
        assert_no_data(&s);
        assert!(rects_of(&s, BLUE).is_empty() && rects_of(&s, ORANGE).is_empty());
        bitmap(W, H, |r| draw_bars(r, &data));
    }
    // Missing values draw no bar; a highlight on one, out of range, or a non-finite reference
    // draws nothing either; fewer labels than bars leave the rest unlabelled.
    let values = [0.5, f32::NAN, 0.2, 0.3];
    for highlight in [Some(1), Some(4), None] {
        let data = BarsSpec {
            reference: Some((f32::INFINITY, "r".into())),
            ..sampler(&labels[..2], &values, highlight)
        };
        let s = svg(W, H, |r| draw_bars(r, &data));
        assert_eq!(rects_of(&s, BLUE).len(), 3);
        assert!(rects_of(&s, ORANGE).is_empty() && !has_text(&s, "r"));
        assert!(polylines(&s).is_empty());
        assert!(has_text(&s, "a") && !has_text(&s, "b") && !has_text(&s, "c"));
    }
}

#[test]
fn bars_survive_small_and_odd_sizes() {
    let (labels, values) = vocab_probs(7);
    let (many_labels, many_values) = many(5000, 9);
    let all_zero = [0.0; 4];
    let datas = [
        sampler(&labels, &values, Some(3)),
        sampler(&many_labels, &many_values, Some(4999)),
        BarsSpec {
            sort_desc: false,
            ..sampler(&many_labels, &many_values, Some(0))
        },
        sampler(&labels[..4], &all_zero, Some(1)),
        sampler(&labels[..1], &values[..1], Some(0)),
    ];
    for (w, h) in [
        (1, 1),
        (30, 20),
        (159, 500),
        (170, 130),
        (321, 203),
        (2000, 150),
    ] {
        for data in &datas {
            svg(w, h, |r| draw_bars(r, data));
            bitmap(w, h, |r| draw_bars(r, data));
        }
    }
}

#[test]
fn bars_spec_round_trips_and_draws_the_same() {
    let (labels, values) = vocab_probs(3);
    let spec = ChartSpec::Bars(BarsSpec {
        title: "next character".into(),
        x_label: "character".into(),
        y_label: "p".into(),
        labels: labels.clone(),
        values: values.clone(),
        highlight: Some(2),
        reference: Some((1.0 / 27.0, "uniform 1/27".into())),
        sort_desc: true,
        max_labels: 10,
    });
    let json = serde_json::to_string(&spec).unwrap();
    assert!(json.starts_with(r#"{"bars":"#), "{json}");
    assert_eq!(serde_json::from_str::<ChartSpec>(&json).unwrap(), spec);
    assert_eq!(spec.title(), "next character");
    let data = BarsSpec {
        title: "next character".into(),
        x_label: "character".into(),
        y_label: "p".into(),
        labels: labels.to_vec(),
        values: values.to_vec(),
        highlight: Some(2),
        reference: Some((1.0 / 27.0, "uniform 1/27".into())),
        sort_desc: true,
        max_labels: 10,
    };
    let direct = svg(W, H, |r| draw_bars(r, &data));
    assert_eq!(svg(W, H, |r| spec.draw(r)), direct);
    assert!(has_text(&direct, "labels: top 10 of 27"));
}
