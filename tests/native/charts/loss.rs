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
        losses: vec![3.3],
        every: 1,
        ..data.clone()
    };
    assert!(!has_text(&svg(W, H, |r| draw_loss(r, &one)), "no data yet"));
}
