//! The mini-batch loss chart: lines, markers, legend, decimation of long runs, empty and NaN data.

use super::support::*;
use makemore_lab::charts::*;
use std::time::Instant;

#[test]
fn loss_chart_has_lines_markers_and_legend() {
    let losses = fake_losses(3000, 1);
    let earlier = fake_losses(2000, 2);
    let earlier = [SeriesSpec {
        label: "run 1 (no init fix)".into(),
        values: earlier.to_vec(),
        every: 1,
    }];
    let data = LossSpec {
        x_max: None,
        title: "Loss".into(),
        label: "run 2".into(),
        losses: losses.to_vec(),
        every: 1,
        smooth_window: 100,
        train_points: vec![(0, 3.3), (1500, 2.31), (2999, 2.2049)],
        val_points: vec![(0, 3.31), (1500, 2.35), (2999, 2.251)],
        earlier_runs: earlier.to_vec(),
    };
    let s = shown!("loss", W, H, |r| draw_loss(r, &data));
    for want in [
        "Loss",
        "run 2",
        "run 2, mean of 100",
        "run 1 (no init fix)",
        "train 2.205",
        "val 2.251",
        "step",
        "log10(loss)",
    ] {
        assert!(has_text(&s, want), "missing {want:?} in {:?}", texts(&s));
    }
    let lines = polylines(&s);
    let blue = hex(series_color(0));
    // Raw + smoothed curve of this run, each with a legend swatch.
    assert!(
        lines.iter().filter(|l| l.0 == blue).count() >= 4,
        "{lines:?}"
    );
    assert!(lines
        .iter()
        .any(|l| l.0 == hex(series_color(3)) && l.1.len() > 100));
    // 3 train circles + 1 legend swatch; 3 val triangles (+1) are polygons.
    assert_eq!(s.matches("<circle").count(), 4);
    assert!(s.matches("<polygon").count() >= 4);

    let b = bitmap(W, H, |r| draw_loss(r, &data));
    let ink = non_white_fraction(&b);
    assert!((0.01..0.5).contains(&ink), "non-white fraction {ink}");
    assert!(
        count_near(&b, series_color(0)) > 500,
        "the smoothed line is drawn"
    );
    assert!(
        count_near(&b, series_color(1)) > 50,
        "train markers are drawn"
    );
}

#[test]
fn loss_chart_decimates_100k_points() {
    let losses = fake_losses(100_000, 3);
    let earlier = fake_losses(100_000, 4);
    let earlier = [SeriesSpec {
        label: "before".into(),
        values: earlier.to_vec(),
        every: 1,
    }];
    let data = LossSpec {
        x_max: None,
        title: "Loss".into(),
        label: "now".into(),
        losses: losses.to_vec(),
        every: 1,
        smooth_window: 1000,
        train_points: vec![],
        val_points: vec![],
        earlier_runs: earlier.to_vec(),
    };
    let t = Instant::now();
    let s = svg(W, H, |r| draw_loss(r, &data));
    let svg_time = t.elapsed();
    let lines = polylines(&s);
    assert!(lines.len() >= 3);
    for (_, points) in &lines {
        assert!(
            points.len() <= 2 * W as usize,
            "{} points drawn",
            points.len()
        );
    }
    assert!(
        lines.iter().any(|l| l.1.len() > W as usize / 2),
        "the curves are drawn"
    );
    // The x axis reaches the last step.
    assert!(has_text(&s, "100k"), "{:?}", texts(&s));

    let t = Instant::now();
    let b = bitmap(W, H, |r| draw_loss(r, &data));
    let bitmap_time = t.elapsed();
    assert!(non_white_fraction(&b) > 0.01);
    eprintln!("100k-point loss chart: svg {svg_time:?}, bitmap {bitmap_time:?}");
    // A loose bound that only catches drawing every point (debug builds are slow).
    assert!(svg_time.as_millis() < 2000 && bitmap_time.as_millis() < 2000);
}

#[test]
fn loss_chart_empty_and_nan() {
    let nan = [f32::NAN; 50];
    let bad = [f32::NAN, f32::INFINITY, -1.0, 0.0];
    for losses in [&[][..], &nan[..], &bad[..]] {
        let data = LossSpec {
            x_max: None,
            title: "Loss".into(),
            label: "run".into(),
            losses: losses.to_vec(),
            every: 1,
            smooth_window: 10,
            train_points: vec![(0, f32::NAN)],
            val_points: vec![],
            earlier_runs: vec![],
        };
        let s = shown!("loss_empty", W, H, |r| draw_loss(r, &data));
        assert_no_data(&s);
        assert!(has_text(&s, "Loss"), "the caption stays");
        let b = bitmap(W, H, |r| draw_loss(r, &data));
        let ink = non_white_fraction(&b);
        assert!(ink > 0.0 && ink < 0.05, "an empty frame: {ink}");
    }
    // Some NaN among good values: drawn, NaN skipped.
    let mut losses = fake_losses(500, 5);
    losses[100] = f32::NAN;
    losses[200] = f32::INFINITY;
    losses[300] = 0.0;
    let data = LossSpec {
        x_max: None,
        title: "Loss".into(),
        label: "run".into(),
        losses: losses.to_vec(),
        every: 1,
        smooth_window: 20,
        train_points: vec![],
        val_points: vec![],
        earlier_runs: vec![],
    };
    let s = svg(W, H, |r| draw_loss(r, &data));
    assert!(!has_text(&s, "no data yet"));
    assert!(polylines(&s).iter().all(|l| !l.1.is_empty()));
    // A single step is enough to draw a chart.
    let one = LossSpec {
        x_max: None,
        losses: vec![3.3],
        every: 1,
        ..data.clone()
    };
    assert!(!has_text(&svg(W, H, |r| draw_loss(r, &one)), "no data yet"));
}

/// Where the texts of `svg` that are one of `labels` are drawn, (x, y), whole or cut short
/// with an ellipsis.
fn label_at(svg: &str, labels: &[&str]) -> Vec<(i32, i32)> {
    svg.split("<text")
        .skip(1)
        .filter(|t| {
            let body = t[t.find('>').unwrap() + 1..t.find("</text>").unwrap()].trim();
            let cut = body.strip_suffix('…');
            labels
                .iter()
                .any(|l| *l == body || cut.is_some_and(|c| l.starts_with(c)))
        })
        .map(|t| {
            let at = |a| attr(t, a).unwrap().parse::<f64>().unwrap() as i32;
            (at("x"), at("y"))
        })
        .collect()
}

/// The data's lines: polylines of more than two points (a legend swatch has two).
fn data_lines(svg: &str) -> Vec<Vec<(i32, i32)>> {
    polylines(svg)
        .into_iter()
        .map(|l| l.1)
        .filter(|p| p.len() > 2)
        .collect()
}

fn with_earlier_runs() -> LossSpec {
    let run = |label: &str, values: Vec<f32>| SeriesSpec {
        label: label.into(),
        values,
        every: 1,
    };
    LossSpec {
        x_max: None,
        title: String::new(),
        label: "run 5".into(),
        losses: fake_losses(3000, 1),
        every: 1,
        smooth_window: 100,
        train_points: vec![(2999, 2.2)],
        val_points: vec![(2999, 2.25)],
        // A run that never learned runs flat along the top, where a legend box in the plot's
        // corner would sit; a short one ends mid-plot.
        earlier_runs: vec![
            run("run 2: 3. Naive init, seed 42", vec![30.0; 3000]),
            run(
                "run 3: 4. Fix: a small output layer, seed 42",
                fake_losses(1000, 2),
            ),
            run(
                "run 4: 5. Fix: tanh not saturated, seed 42",
                fake_losses(3000, 7),
            ),
        ],
    }
}

#[test]
fn the_legend_is_outside_the_plot_and_never_covers_a_curve() {
    let data = with_earlier_runs();
    let labels = [
        "run 5",
        "run 2: 3. Naive init, seed 42",
        "run 3: 4. Fix: a small output layer, seed 42",
        "run 4: 5. Fix: tanh not saturated, seed 42",
        "run 5, mean of 100",
        "train 2.200",
        "val 2.250",
    ];
    // The page's loss chart on a projector, a short key chart on a laptop's first screen (the
    // legend goes right of the plot), a narrow screen, an even shorter one.
    for (w, h) in [
        (W, H),
        (1100, 330),
        (1300, 200),
        (420, 330),
        (420, 500),
        (900, 150),
    ] {
        let s = svg(w, h, |r| draw_loss(r, &data));
        let at = label_at(&s, &labels);
        // Every label, or on a narrow chart with no room for them, none (the text twin has them).
        let none = w < 600 && h < 400 && at.is_empty();
        assert!(at.len() == labels.len() || none, "{w}x{h}: {:?}", texts(&s));
        let lines = data_lines(&s);
        assert_eq!(
            lines.len(),
            5,
            "{w}x{h}: the raw, mean and earlier runs' lines"
        );
        let points = lines.iter().flatten();
        let (right, bottom) = points.fold((0, 0), |(r, b), p| (r.max(p.0), b.max(p.1)));
        for (x, y) in at {
            assert!(
                y > bottom || x > right,
                "{w}x{h}: a label at ({x}, {y}) is over the data (up to x {right}, y {bottom})"
            );
            assert!(y < h as i32 && x < w as i32, "{w}x{h}: ({x}, {y})");
        }
        // The plot keeps most of the chart's height: the legend does not squeeze it.
        let top = lines.iter().flatten().map(|p| p.1).min().unwrap();
        assert!(
            bottom - top > (h as i32) / 4,
            "{w}x{h}: the data spans {top}..{bottom}"
        );
    }
}

#[test]
fn the_x_axis_stops_at_x_max_and_the_data_beyond_is_left_out() {
    let mut data = with_earlier_runs();
    data.losses = fake_losses(5000, 3);
    let right = |s: &str| data_lines(s).iter().flatten().map(|p| p.0).max().unwrap();
    let whole = svg(W, H, |r| draw_loss(r, &data));
    // The whole run: the axis reaches 5,000 steps; the 1,000-step run ends a fifth of the way.
    assert!(
        has_text(&whole, "5k") || has_text(&whole, "5000"),
        "{:?}",
        texts(&whole)
    );
    data.x_max = Some(1000);
    let zoomed = svg(W, H, |r| draw_loss(r, &data));
    assert!(
        !has_text(&zoomed, "5k") && !has_text(&zoomed, "5000"),
        "{:?}",
        texts(&zoomed)
    );
    assert!(
        has_text(&zoomed, "1k") || has_text(&zoomed, "1000"),
        "{:?}",
        texts(&zoomed)
    );
    // Cut at step 1,000: no line runs past the plot's right edge, and the lines reach it.
    let (z, w) = (right(&zoomed), right(&whole));
    assert!(
        (z - w).abs() <= 3,
        "the lines end at the plot's edge: {z} vs {w}"
    );
    // A run shorter than the axis ends where its last step is: a third of the way.
    data.losses = fake_losses(300, 3);
    data.earlier_runs.clear();
    data.train_points.clear();
    data.val_points.clear();
    let short = svg(W, H, |r| draw_loss(r, &data));
    let lines = data_lines(&short);
    let left = lines.iter().flatten().map(|p| p.0).min().unwrap();
    let frac = (right(&short) - left) as f64 / (right(&zoomed) - left) as f64;
    assert!((0.25..0.35).contains(&frac), "{frac}");
}
