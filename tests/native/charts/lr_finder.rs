//! The learning-rate finder chart: the sweep, its smoothed curve and the suggested rate.

use super::support::*;
use makemore_lab::charts::*;

pub fn lr_sweep(n: usize) -> (Vec<f32>, Vec<f32>) {
    let mut rng = Lcg(7);
    let exps: Vec<f32> = (0..n)
        .map(|i| -3.0 + 3.0 * i as f32 / (n - 1) as f32)
        .collect();
    let losses = exps
        .iter()
        .map(|&e| {
            let d = e + 1.0; // best near 1e-1
            2.5 + 1.5 * d * d + 0.3 * rng.next() + if e > -0.2 { 100.0 * (e + 0.2) } else { 0.0 }
        })
        .collect();
    (exps, losses)
}

#[test]
fn lr_finder_marks_the_suggested_lr() {
    let (exps, mut losses) = lr_sweep(1000);
    losses[998] = f32::INFINITY;
    losses[999] = f32::NAN;
    let data = LrFinderSpec {
        title: "Learning-rate finder".into(),
        exponents: exps.to_vec(),
        losses: losses.to_vec(),
        smooth_window: 25,
        suggested_exponent: Some(-1.0),
    };
    let s = shown!("lr_finder", W, H, |r| draw_lr_finder(r, &data));
    for want in [
        "Learning-rate finder",
        "suggested lr 0.10",
        "mean of 25",
        "log10(learning rate)",
        "loss",
    ] {
        assert!(has_text(&s, want), "missing {want:?} in {:?}", texts(&s));
    }
    let red = hex(series_color(3));
    let marker = polylines(&s)
        .into_iter()
        .find(|(c, p)| *c == red && p.len() == 2 && p[0].0 == p[1].0)
        .expect("a vertical red line");
    assert!(
        (marker.1[0].1 - marker.1[1].1).abs() > H as i32 / 2,
        "spans the plot"
    );
    // The y axis stops well below the divergent tail (~24), which is pinned to the top edge:
    // every curve point lies within the vertical extent of the marker, some on its top.
    let (top, bottom) = (
        marker.1[0].1.min(marker.1[1].1),
        marker.1[0].1.max(marker.1[1].1),
    );
    for (_, points) in polylines(&s).iter().filter(|l| l.1.len() > 2) {
        assert!(points.iter().all(|p| p.1 >= top && p.1 <= bottom));
        assert!(
            points.iter().any(|p| p.1 == top),
            "the tail is pinned to the top"
        );
    }
    let y_ticks: Vec<f64> = texts(&s).iter().filter_map(|t| t.parse().ok()).collect();
    let top_tick = y_ticks.iter().copied().fold(f64::MIN, f64::max);
    assert!(
        (10.0..=14.0).contains(&top_tick),
        "y axis capped: ticks {y_ticks:?}"
    );
    let b = bitmap(W, H, |r| draw_lr_finder(r, &data));
    assert!(count_near(&b, series_color(3)) > 200, "the marker is drawn");
    assert!(non_white_fraction(&b) > 0.01);
}

#[test]
fn lr_finder_partial_empty_and_nan() {
    let (exps, losses) = lr_sweep(1000);
    // While the sweep runs, fewer losses than exponents.
    let partial = LrFinderSpec {
        title: "lr".into(),
        exponents: exps.to_vec(),
        losses: losses[..300].to_vec(),
        smooth_window: 0,
        suggested_exponent: None,
    };
    let s = svg(W, H, |r| draw_lr_finder(r, &partial));
    assert!(!has_text(&s, "no data yet"));
    assert_eq!(polylines(&s).iter().filter(|l| l.1.len() > 2).count(), 1);
    for (exponents, losses) in [
        (&exps[..], &[][..]),
        (&[][..], &losses[..]),
        (&[f32::NAN, f32::NAN][..], &[1.0, 2.0][..]),
        (
            &exps[..3],
            &[f32::NAN, f32::INFINITY, f32::NEG_INFINITY][..],
        ),
    ] {
        let data = LrFinderSpec {
            title: "lr".into(),
            exponents: exponents.to_vec(),
            losses: losses.to_vec(),
            smooth_window: 5,
            suggested_exponent: Some(f32::NAN),
        };
        assert_no_data(&svg(W, H, |r| draw_lr_finder(r, &data)));
        bitmap(W, H, |r| draw_lr_finder(r, &data));
    }
}
