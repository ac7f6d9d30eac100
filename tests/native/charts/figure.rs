//! The stand-alone figure of a saved PNG: bold caption on top, the chart, every text line below
//! (wrapped, or cut with an ellipsis), on white; too small an area is an error, not a panic.

use super::bars::{rects_of, texts_at, vocab_probs};
use super::support::*;
use makemore_lab::charts::*;
use plotters::prelude::*;

fn name_scores() -> ChartSpec {
    ChartSpec::Bars(BarsSpec {
        title: String::new(),
        x_label: "character".into(),
        y_label: "p".into(),
        labels: "emma.".chars().map(|c| c.to_string()).collect(),
        values: vec![0.05, 0.1, 0.3, 0.5, 0.2],
        highlight: None,
        reference: Some((1.0 / 27.0, "uniform 1/27".into())),
        sort_desc: false,
        max_labels: 70,
    })
}

#[test]
fn figure_has_caption_chart_and_every_line() {
    let spec = name_scores();
    let lines = [
        "log-likelihood -7.10 over 5 characters".to_string(),
        "mean negative log-likelihood 1.42 (uniform: 3.30)".to_string(),
        String::new(),
        "least likely: e after the start (p 0.050)".to_string(),
    ];
    let data = FigureData {
        caption: "Score a name: emma",
        lines: &lines,
        chart: &spec,
    };
    // The page draws at 2x: the same figure on a canvas twice as large.
    for (w, h) in [(W, H), (2 * W, 2 * H)] {
        let s = shown!(&format!("figure_{w}"), w, h, |r| draw_figure(r, &data));
        let texts = texts_at(&s);
        let caption = texts
            .iter()
            .find(|t| t.text == "Score a name: emma")
            .expect("caption");
        assert!(caption.bold);
        let bars = rects_of(&s, PALETTE[0]);
        assert_eq!(bars.len(), 5, "the chart is drawn");
        let chart_top = bars.iter().map(|b| b.y as i32).min().unwrap();
        let chart_bottom = bars.iter().map(|b| (b.y + b.h) as i32).max().unwrap();
        assert!(caption.y < chart_top);
        // Every non-empty line, below the chart (and its axis labels), in the given order.
        let mut ys = Vec::new();
        for line in lines.iter().filter(|l| !l.is_empty()) {
            let t = texts.iter().find(|t| &t.text == line).expect(line);
            assert!(
                t.y > chart_bottom + 30,
                "{line:?} at {} under {chart_bottom}",
                t.y
            );
            ys.push(t.y);
        }
        assert!(ys.windows(2).all(|p| p[0] < p[1]), "{ys:?}");
        // The empty line keeps its place: a gap of two lines before the last.
        assert!(ys[2] - ys[1] > (ys[1] - ys[0]) * 3 / 2, "{ys:?}");
        assert!(ys[2] < h as i32, "inside the figure");
    }
    let bmp = bitmap(W, H, |r| draw_figure(r, &data));
    assert_eq!(&bmp[..3], &[255, 255, 255], "white background");
    assert!(count_near(&bmp, PALETTE[0]) > 10_000);
}

#[test]
fn long_lines_wrap_and_long_words_are_cut() {
    let spec = name_scores();
    let paragraph = "the quick brown fox jumps over the lazy dog; ".repeat(8);
    let paragraph = paragraph.trim().to_string();
    let word = "x".repeat(300);
    let lines = [paragraph.clone(), word.clone(), "last".to_string()];
    let data = FigureData {
        caption: "A caption long enough to need two lines on a narrow figure: it goes on and on",
        lines: &lines,
        chart: &spec,
    };
    let s = shown!("figure_wrapped", 500, 700, |r| draw_figure(r, &data));
    let texts = texts_at(&s);
    let below = |y: i32| -> Vec<String> {
        let mut t: Vec<_> = texts.iter().filter(|t| t.x == 16 && t.y >= y).collect();
        t.sort_by_key(|t| t.y);
        t.into_iter().map(|t| t.text.clone()).collect()
    };
    let bars = rects_of(&s, PALETTE[0]);
    let chart_bottom = bars.iter().map(|b| (b.y + b.h) as i32).max().unwrap();
    let text = below(chart_bottom);
    // The paragraph is wrapped at spaces into several lines, all of it kept.
    let last = text
        .iter()
        .position(|t| t.starts_with('x'))
        .expect("the cut word");
    assert!(last >= 3, "{text:?}");
    assert_eq!(text[..last].join(" "), paragraph);
    // The long word is cut to the width and ends with an ellipsis; the next line follows.
    let cut = &text[last];
    assert!(cut.ends_with('…') && cut.len() < 100, "{cut:?}");
    assert!(word.starts_with(cut.trim_end_matches('…')));
    assert_eq!(text[last + 1..], ["last".to_string()]);
    // The caption is wrapped too, in bold, above the chart.
    let caption: Vec<_> = texts
        .iter()
        .filter(|t| t.bold && t.y < bars[0].y as i32)
        .collect();
    assert!(caption.len() >= 2);
    let joined: Vec<&str> = caption.iter().map(|t| t.text.as_str()).collect();
    assert_eq!(joined.join(" "), data.caption);
}

#[test]
fn figure_too_small_is_an_error() {
    let spec = name_scores();
    let lines: Vec<String> = (0..12).map(|i| format!("line {i}")).collect();
    let data = FigureData {
        caption: "Loss",
        lines: &lines,
        chart: &spec,
    };
    for (w, h) in [(1, 1), (100, 700), (W, 300), (W, 400)] {
        for result in [
            try_svg(w, h, |r| draw_figure(r, &data)),
            try_bitmap(w, h, |r| draw_figure(r, &data)),
        ] {
            assert!(
                matches!(result, Err(ChartError::TooSmall(_))),
                "{w}x{h}: {result:?}"
            );
        }
    }
    // Without the lines the same height is enough.
    let short = FigureData { lines: &[], ..data };
    assert!(try_svg(W, 300, |r| draw_figure(r, &short)).is_ok());
    // Any chart, even one with no data, gets its caption.
    let (labels, _) = vocab_probs(1);
    let empty = ChartSpec::Bars(BarsSpec {
        labels,
        ..BarsSpec::default()
    });
    let s = svg(W, H, |r| {
        draw_figure(
            r,
            &FigureData {
                chart: &empty,
                ..short
            },
        )
    });
    assert!(has_text(&s, "Loss") && has_text(&s, "no data yet"));
}

fn try_svg(
    w: u32,
    h: u32,
    draw: impl FnOnce(&SvgArea) -> Result<(), ChartError>,
) -> Result<(), ChartError> {
    let mut out = String::new();
    let root = SVGBackend::with_string(&mut out, (w, h)).into_drawing_area();
    draw(&root)
}

fn try_bitmap(
    w: u32,
    h: u32,
    draw: impl FnOnce(&BitmapArea) -> Result<(), ChartError>,
) -> Result<(), ChartError> {
    let mut buf = vec![0u8; (w * h * 3) as usize];
    let result = draw(&bitmap_area(&mut buf, w, h));
    result
}
