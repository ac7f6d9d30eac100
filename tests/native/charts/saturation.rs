//! The |h| > 0.99 saturation map: pixels match the matrix; bad shapes and empty data.

use super::support::*;
use makemore_lab::charts::*;
use plotters::prelude::*;

#[test]
fn saturation_map_pixels_match_the_matrix() {
    let (rows, cols) = (32, 200);
    let mut rng = Lcg(13);
    let mut values: Vec<bool> = (0..rows * cols).map(|_| rng.next() < 0.3).collect();
    // Two dead neurons (all-true columns); false corners so the map's bounding box is found.
    for r in 0..rows {
        values[r * cols + 17] = true;
        values[r * cols + 150] = true;
    }
    values[0] = false;
    values[rows * cols - 1] = false;
    let fraction = values.iter().filter(|&&v| v).count() as f64 / values.len() as f64;
    let data = SaturationSpec {
        title: "|h| > 0.99 (2 dead neurons)".into(),
        x_label: "neuron".into(),
        y_label: "example".into(),
        rows,
        cols,
        values: values.iter().map(|&v| u8::from(v)).collect(),
        ..SaturationSpec::default()
    };
    let (w, h) = (1000, 400);
    let b = bitmap(w, h, |r| draw_saturation_map(r, &data));
    let at = |x: usize, y: usize| {
        let i = 3 * (y * w as usize + x);
        [b[i], b[i + 1], b[i + 2]]
    };
    // Only the map uses pure black: its bounding box is the map.
    let black: Vec<(usize, usize)> = (0..h as usize)
        .flat_map(|y| (0..w as usize).map(move |x| (x, y)))
        .filter(|&(x, y)| at(x, y) == [0, 0, 0])
        .collect();
    let x0 = black.iter().map(|p| p.0).min().unwrap();
    let x1 = black.iter().map(|p| p.0).max().unwrap();
    let y0 = black.iter().map(|p| p.1).min().unwrap();
    let y1 = black.iter().map(|p| p.1).max().unwrap();
    assert!(
        x1 - x0 > w as usize / 2 && y1 - y0 > h as usize / 3,
        "map is large"
    );
    let (mut white, mut dark) = (0usize, 0usize);
    for y in y0..=y1 {
        for x in x0..=x1 {
            match at(x, y) {
                [255, 255, 255] => white += 1,
                [0, 0, 0] => dark += 1,
                _ => {}
            }
        }
    }
    let measured = white as f64 / (white + dark) as f64;
    assert!(
        (measured - fraction).abs() < 0.02,
        "white fraction {measured:.3}, matrix {fraction:.3}"
    );
    assert!(
        white + dark > 9 * (x1 - x0 + 1) * (y1 - y0 + 1) / 10,
        "map is only black and white"
    );
    // A dead neuron is a full white column; row 0 is at the top (its first cell is false).
    let col17 = x0 + ((17.5 / cols as f64) * (x1 - x0 + 1) as f64) as usize;
    assert!((y0..=y1).all(|y| at(col17, y) == [255, 255, 255]));
    assert_eq!(at(x0 + 1, y0 + 1), [0, 0, 0]);

    let s = shown!("saturation", w, h, |r| draw_saturation_map(r, &data));
    for want in ["|h| &gt; 0.99 (2 dead neurons)", "neuron", "example"] {
        assert!(has_text(&s, want), "missing {want:?} in {:?}", texts(&s));
    }
    let runs = s.matches("fill=\"#FFFFFF\"").count();
    assert!(
        runs < values.len() / 2,
        "runs of trues are merged: {runs} rects"
    );
}

#[test]
fn saturation_map_bad_shape_and_empty() {
    let values = [true, false, true];
    let bad = SaturationSpec {
        title: "S".into(),
        x_label: "".into(),
        y_label: "".into(),
        rows: 2,
        cols: 2,
        values: values.iter().map(|&v| u8::from(v)).collect(),
        ..SaturationSpec::default()
    };
    let mut out = String::new();
    let root = SVGBackend::with_string(&mut out, (W, H)).into_drawing_area();
    assert!(matches!(
        draw_saturation_map(&root, &bad),
        Err(ChartError::InvalidData(_))
    ));
    let overflow = SaturationSpec {
        rows: usize::MAX,
        cols: 3,
        ..bad.clone()
    };
    assert!(draw_saturation_map(&root, &overflow).is_err());
    drop(root);
    let empty = SaturationSpec {
        rows: 0,
        cols: 5,
        values: vec![],
        ..bad.clone()
    };
    assert_no_data(&svg(W, H, |r| draw_saturation_map(r, &empty)));
    let one = SaturationSpec {
        rows: 1,
        cols: 1,
        values: vec![1],
        ..bad
    };
    let b = bitmap(W, H, |r| draw_saturation_map(r, &one));
    assert!(non_white_fraction(&b) < 0.2, "a single white cell");
}
