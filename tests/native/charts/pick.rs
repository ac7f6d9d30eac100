//! Pointing at charts: the item under a pixel (found where the SVG drew it), the arrow keys,
//! a letter's nearest neighbours, a map cell's example and neuron, a dead column, a layer picked
//! in one chart standing out in the others; and every picked chart drawn on a bitmap.

use super::support::*;
use makemore_lab::charts::*;
use makemore_lab::session::picked::describe;
use plotters::prelude::*;

const RED: RGBColor = RGBColor(0xd6, 0x27, 0x28);

fn embedding() -> ChartSpec {
    // '.', then a..e on a line with growing gaps, and 'z' far off.
    ChartSpec::Embedding(EmbeddingSpec {
        x_label: "C[:, 0]".into(),
        y_label: "C[:, 1]".into(),
        chars: vec!['.', 'a', 'b', 'c', 'd', 'e', 'z'],
        xs: vec![0.0, 1.0, 1.3, 1.9, 2.8, 4.0, -3.0],
        ys: vec![3.0, 0.0, 0.0, 0.0, 0.0, 0.0, -2.5],
        ..EmbeddingSpec::default()
    })
}

/// Pick on a backend of size W x H (its text measured as the SVG backend does).
fn pick_at(spec: &ChartSpec, at: (i32, i32)) -> Option<Pick> {
    let mut s = String::new();
    let b = SVGBackend::with_string(&mut s, (W, H));
    pick(spec, &b, at).unwrap()
}

/// Where the SVG puts the text `want` (its x, y attributes).
fn text_at(svg: &str, want: &str) -> (i32, i32) {
    svg.split("<text")
        .skip(1)
        .find_map(|t| {
            let (tag, rest) = t.split_once('>')?;
            (rest.split("</text>").next()?.trim() == want).then(|| {
                let num = |n| attr(tag, n).unwrap().parse::<f64>().unwrap().round() as i32;
                (num("x"), num("y"))
            })
        })
        .unwrap_or_else(|| panic!("no text {want:?}"))
}

#[test]
fn a_pixel_on_a_letter_picks_it() {
    let spec = embedding();
    let svg = shown!("pick_embedding", W, H, |r| spec.draw(r));
    for (i, ch) in ["a", "c", "z", "."].iter().enumerate() {
        let (x, y) = text_at(&svg, ch);
        let index = [1, 3, 6, 0][i];
        for d in [(0, 0), (5, -4), (-6, 5)] {
            assert_eq!(
                pick_at(&spec, (x + d.0, y + d.1)),
                Some(Pick::Point { index }),
                "{ch} at {x},{y} + {d:?}"
            );
        }
        assert_eq!(
            locate(
                &spec,
                &SVGBackend::with_string(&mut String::new(), (W, H)),
                Pick::Point { index }
            )
            .unwrap()
            .map(|p| ((p.0 - x).abs() <= 2, (p.1 - y).abs() <= 8)),
            Some((true, true))
        );
    }
    // Far from every dot: nothing.
    assert_eq!(pick_at(&spec, (W as i32 - 30, 30)), None);
    assert_eq!(pick_at(&spec, (5, H as i32 - 5)), None);
}

#[test]
fn nearest_neighbours_are_ordered_by_distance() {
    let ChartSpec::Embedding(e) = embedding() else {
        unreachable!()
    };
    let near = nearest(&e.xs, &e.ys, 2, 3); // 'b' at (1.3, 0)
    let idx: Vec<usize> = near.iter().map(|n| n.0).collect();
    assert_eq!(idx, [1, 3, 4], "a (0.3), c (0.6), d (1.5)");
    assert!(
        (near[0].1 - 0.3).abs() < 1e-5 && (near[2].1 - 1.5).abs() < 1e-5,
        "{near:?}"
    );
    let text = describe(&embedding(), Pick::Point { index: 2 });
    assert_eq!(
        text,
        "'b' at (1.30, 0.00); nearest in this plot: 'a' 0.30, 'c' 0.60, 'd' 1.50, 'e' 2.70"
    );
    // A non-finite point is never a neighbour, and has none.
    let mut xs = e.xs.clone();
    xs[1] = f32::NAN;
    assert!(!nearest(&xs, &e.ys, 2, 9).iter().any(|n| n.0 == 1));
    assert!(nearest(&xs, &e.ys, 1, 9).is_empty());
}

fn map() -> ChartSpec {
    // 4 examples x 6 neurons; neuron 2 saturated for all four (dead), neuron 4 for three.
    let (rows, cols) = (4, 6);
    let mut values = vec![0u8; rows * cols];
    for r in 0..rows {
        values[r * cols + 2] = 1;
        if r > 0 {
            values[r * cols + 4] = 1;
        }
    }
    ChartSpec::Saturation(SaturationSpec {
        title: "|h| > 0.99 in white: 1 dead neuron".into(),
        x_label: "neuron".into(),
        y_label: "example".into(),
        rows,
        cols,
        values,
        contexts: vec!["...".into(), "..e".into(), ".em".into(), "emm".into()],
        batch: rows,
    })
}

#[test]
fn a_map_cell_tells_its_example_and_neuron_and_a_dead_column() {
    let spec = map();
    // The map's black area in the bitmap is the grid: the cell centres follow from it.
    let (w, h) = (W as usize, H as usize);
    let b = bitmap(W, H, |r| spec.draw(r));
    let black: Vec<(usize, usize)> = (0..h)
        .flat_map(|y| (0..w).map(move |x| (x, y)))
        .filter(|&(x, y)| b[3 * (y * w + x)..3 * (y * w + x) + 3] == [0, 0, 0])
        .collect();
    let (x0, x1) = (
        black.iter().map(|p| p.0).min().unwrap(),
        black.iter().map(|p| p.0).max().unwrap() + 1,
    );
    let (y0, y1) = (
        black.iter().map(|p| p.1).min().unwrap(),
        black.iter().map(|p| p.1).max().unwrap() + 1,
    );
    // A point `f` of the way across cell (row, col), both ways.
    let inside = |row: usize, col: usize, f: f64| {
        (
            (x0 as f64 + (col as f64 + f) * (x1 - x0) as f64 / 6.0) as i32,
            (y0 as f64 + (row as f64 + f) * (y1 - y0) as f64 / 4.0) as i32,
        )
    };
    for (row, col) in [(0, 0), (3, 4), (1, 2), (2, 5)] {
        for f in [0.2, 0.5, 0.8] {
            assert_eq!(
                pick_at(&spec, inside(row, col, f)),
                Some(Pick::Cell { row, col }),
                "{f} of the way across"
            );
        }
    }
    assert_eq!(
        pick_at(&spec, (x0 as i32 - 10, y0 as i32 + 5)),
        None,
        "left of the map"
    );
    assert_eq!(
        describe(&spec, Pick::Cell { row: 3, col: 4 }),
        "example 3: context 'emm' → neuron 4: saturated (white); neuron 4 is saturated for 3 of 4 examples"
    );
    assert_eq!(
        describe(&spec, Pick::Cell { row: 1, col: 2 }),
        "example 1: context '..e' → neuron 2: saturated (white); neuron 2 is saturated for all 4 examples: dead on this batch"
    );
    assert!(describe(&spec, Pick::Cell { row: 0, col: 0 }).contains("not saturated (black)"));
    assert_eq!(
        describe(&spec, Pick::Cell { row: 4, col: 0 }),
        "",
        "no such row"
    );
    // The arrows move by one cell and stop at the edges.
    let at = |p| step(&spec, p, Move::Right);
    assert_eq!(at(None), Some(Pick::Cell { row: 0, col: 0 }));
    assert_eq!(
        at(Some(Pick::Cell { row: 1, col: 5 })),
        Some(Pick::Cell { row: 1, col: 5 })
    );
    assert_eq!(
        step(&spec, Some(Pick::Cell { row: 1, col: 5 }), Move::Down),
        Some(Pick::Cell { row: 2, col: 5 })
    );
    // Drawn: the picked cell's red outline.
    let picked = bitmap(W, H, |r| {
        spec.draw_picked(r, Some(Pick::Cell { row: 3, col: 4 }))
    });
    assert_eq!(count_near(&b, RED), 0);
    assert!(
        count_near(&picked, RED) > 50,
        "{}",
        count_near(&picked, RED)
    );
}

fn layer_charts() -> (ChartSpec, ChartSpec) {
    let hist = |label: &str, shift: f32| HistSeriesSpec {
        label: label.into(),
        lo: -1.0 + shift,
        hi: 1.0 + shift,
        values: (0..40)
            .map(|k| 1.0 - ((k as f32 - 20.0) / 20.0).powi(2))
            .collect(),
    };
    let acts = ChartSpec::Histograms(HistogramSpec {
        x_label: "activation".into(),
        y_label: "density".into(),
        series: vec![
            hist("layer 2 (Tanh)", 0.0),
            hist("layer 5 (Tanh)", 0.3),
            hist("layer 8 (Tanh)", 0.6),
        ],
        layers: vec![1, 2, 3],
        ..HistogramSpec::default()
    });
    let ratio = |label: &str, v: f32| SeriesSpec {
        label: label.into(),
        values: (0..50).map(|i| v - i as f32 * 0.01).collect(),
        every: 10,
    };
    let ratios = ChartSpec::UpdateRatios(UpdateRatioSpec {
        title: String::new(),
        series: vec![
            ratio("C (27, 10)", -2.0),
            ratio("layers.0 (30, 100)", -2.5),
            ratio("layers.3 (100, 100)", -3.2),
            ratio("layers.6 (100, 100)", -3.6),
        ],
        layers: vec![0, 1, 2, 3],
    });
    (acts, ratios)
}

#[test]
fn a_layer_picked_in_one_chart_stands_out_in_the_others() {
    let (acts, ratios) = layer_charts();
    let svg = shown!("pick_acts", W, H, |r| acts.draw(r));
    // Clicking the legend entry of "layer 5 (Tanh)" picks layer key 2.
    let (x, y) = text_at(&svg, "layer 5 (Tanh)");
    let picked = pick_at(&acts, (x + 10, y + 6));
    assert_eq!(picked, Some(Pick::Layer { layer: 2 }));
    assert_eq!(
        describe(&acts, Pick::Layer { layer: 2 }),
        "picked: layer 5 (Tanh)"
    );
    assert_eq!(
        describe(&ratios, Pick::Layer { layer: 2 }),
        "picked: layers.3 (100, 100): 10^-3.69 at the last point"
    );
    assert_eq!(
        describe(&acts, Pick::Layer { layer: 0 }),
        "picked: the embedding C, which has no curve in this chart"
    );
    // A point on a curve picks its layer too: the top of layer 8's bump.
    let lines = polylines(&svg);
    let layer8 = lines
        .iter()
        .find(|(s, _)| *s == hex(series_color(2)))
        .expect("layer 8's line");
    let top = *layer8.1.iter().min_by_key(|p| p.1).unwrap();
    assert_eq!(
        pick_at(&acts, (top.0, top.1 + 3)),
        Some(Pick::Layer { layer: 3 })
    );
    // Drawn: the picked layer thicker, the others faded, in both charts.
    let widths = |svg: &str| -> Vec<(String, String)> {
        svg.split("<polyline")
            .skip(1)
            .map(|t| {
                (
                    attr(t, "stroke").unwrap_or("").to_string(),
                    attr(t, "stroke-width").unwrap_or("").to_string(),
                )
            })
            .filter(|(s, _)| s != "#404040")
            .collect()
    };
    for spec in [&acts, &ratios] {
        let plain = widths(&svg_of(spec, None));
        let lit = widths(&svg_of(spec, picked));
        assert_ne!(plain, lit, "the pick changes the drawing");
        let thick = hex(series_color(if matches!(spec, ChartSpec::Histograms(_)) {
            1
        } else {
            2
        }));
        let w_of = |v: &[(String, String)], c: &str| {
            v.iter()
                .find(|(s, _)| s == c)
                .map(|(_, w)| w.parse::<u32>().unwrap())
        };
        assert!(w_of(&lit, &thick) > w_of(&plain, &thick), "{lit:?}");
    }
    // The arrows cycle through the layers this chart has.
    assert_eq!(
        step(&ratios, None, Move::Right),
        Some(Pick::Layer { layer: 0 })
    );
    assert_eq!(
        step(&ratios, Some(Pick::Layer { layer: 3 }), Move::Right),
        Some(Pick::Layer { layer: 0 })
    );
    assert_eq!(
        step(&acts, Some(Pick::Layer { layer: 0 }), Move::Right),
        Some(Pick::Layer { layer: 1 })
    );
    assert_eq!(
        step(&acts, Some(Pick::Layer { layer: 1 }), Move::Left),
        Some(Pick::Layer { layer: 3 })
    );
    assert_eq!(Move::from_key("ArrowUp"), Some(Move::Up));
    assert_eq!(Move::from_key("a"), None);
}

fn svg_of(spec: &ChartSpec, picked: Option<Pick>) -> String {
    svg(W, H, |r| spec.draw_picked(r, picked))
}

#[test]
fn a_picked_letter_is_ringed_and_joined_to_its_neighbours() {
    let spec = embedding();
    let plain = bitmap(W, H, |r| spec.draw(r));
    let lit = bitmap(W, H, |r| {
        spec.draw_picked(r, Some(Pick::Point { index: 2 }))
    });
    let orange = series_color(1);
    assert_eq!(count_near(&plain, RED), 0);
    assert!(count_near(&lit, RED) > 100, "the picked ring");
    assert!(
        count_near(&lit, orange) > count_near(&plain, orange) + 200,
        "neighbour lines and rings"
    );
    // A pick of another kind, or out of range, draws the plain chart.
    assert_eq!(
        bitmap(W, H, |r| spec
            .draw_picked(r, Some(Pick::Cell { row: 0, col: 0 }))),
        plain
    );
    assert_eq!(
        bitmap(W, H, |r| spec
            .draw_picked(r, Some(Pick::Point { index: 99 }))),
        plain
    );
    // The arrows walk the vocabulary in order, wrapping.
    assert_eq!(
        step(&spec, Some(Pick::Point { index: 6 }), Move::Right),
        Some(Pick::Point { index: 0 })
    );
    assert_eq!(
        step(&spec, Some(Pick::Point { index: 0 }), Move::Left),
        Some(Pick::Point { index: 6 })
    );
}

#[test]
fn a_pick_reads_back_as_the_page_writes_it_and_a_broken_one_is_refused() {
    for p in [
        Pick::Point { index: 3 },
        Pick::Cell { row: 5, col: 7 },
        Pick::Layer { layer: 2 },
    ] {
        let json = serde_json::to_string(&p).unwrap();
        assert!(json.contains("\"kind\""), "{json}");
        assert_eq!(serde_json::from_str::<Pick>(&json).unwrap(), p);
    }
    for bad in [
        r#"{"kind":"cell","row":1}"#,
        r#"{"kind":"point"}"#,
        r#"{"kind":"wedge","index":1}"#,
        r#"{"index":1}"#,
    ] {
        assert!(serde_json::from_str::<Pick>(bad).is_err(), "{bad}");
    }
}

#[test]
fn a_layer_of_a_short_chart_without_its_legend_is_found_on_its_curve() {
    // 130 px tall: the legend would cover the plot and is left out; each layer is still found,
    // on its own curve, and a click there picks it.
    let (acts, _) = layer_charts();
    let svg = shown!("pick_acts_short", W, 130, |r| acts.draw(r));
    assert!(!has_text(&svg, "layer 5 (Tanh)"), "no legend");
    for layer in [1, 2, 3] {
        let item = Pick::Layer { layer };
        let mut s = String::new();
        let b = SVGBackend::with_string(&mut s, (W, 130));
        let at = locate(&acts, &b, item)
            .unwrap()
            .expect("found on its curve");
        let mut s = String::new();
        let b = SVGBackend::with_string(&mut s, (W, 130));
        assert_eq!(
            pick(&acts, &b, at).unwrap(),
            Some(item),
            "layer {layer} at {at:?}"
        );
    }
}
