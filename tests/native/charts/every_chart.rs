//! All charts together: odd and tiny sizes, and split drawing areas.

use super::embedding::{alphabet_points, with_points};
use super::histograms::tanh_hist;
use super::lr_finder::lr_sweep;
use super::support::*;
use makemore_lab::charts::*;
use plotters::coord::Shift;
use plotters::prelude::*;

/// Draws every chart, with real data, into `root`-sized SVGs and bitmaps of odd sizes.
#[test]
fn every_chart_survives_small_and_odd_sizes() {
    let losses = fake_losses(300, 19);
    let (exps, lr_losses) = lr_sweep(200);
    let points = alphabet_points();
    let hist = tanh_hist(1.0, 30);
    let hist = [HistSeriesSpec {
        label: "h".into(),
        lo: -1.0,
        hi: 1.0,
        values: hist.to_vec(),
    }];
    let sat: Vec<bool> = (0..64).map(|i| i % 3 == 0).collect();
    let ratio = [SeriesSpec {
        label: "W".into(),
        values: losses.to_vec(),
        every: 1,
    }];
    let loss = LossSpec {
        x_max: None,
        title: "L".into(),
        label: "r".into(),
        losses: losses.to_vec(),
        every: 1,
        smooth_window: 10,
        train_points: vec![(10, 2.5)],
        val_points: vec![(10, 2.6)],
        earlier_runs: ratio.to_vec(),
    };
    let lr = LrFinderSpec {
        title: "LR".into(),
        exponents: exps.to_vec(),
        losses: lr_losses.to_vec(),
        smooth_window: 10,
        suggested_exponent: Some(-1.0),
    };
    let emb = with_points(
        &EmbeddingSpec {
            title: "E".into(),
            x_label: "x".into(),
            y_label: "y".into(),
            ..EmbeddingSpec::default()
        },
        &points,
    );
    let hd = HistogramSpec {
        title: "H".into(),
        x_label: "x".into(),
        y_label: "y".into(),
        series: hist.to_vec(),
        bars: true,
        layers: vec![],
        tanh_slope: false,
    };
    let sd = SaturationSpec {
        title: "S".into(),
        x_label: "x".into(),
        y_label: "y".into(),
        rows: 8,
        cols: 8,
        values: sat.iter().map(|&v| u8::from(v)).collect(),
        ..SaturationSpec::default()
    };
    let ud = UpdateRatioSpec {
        title: "U".into(),
        series: ratio.to_vec(),
        layers: vec![],
    };
    for (w, h) in [
        (1, 1),
        (30, 20),
        (159, 500),
        (170, 130),
        (321, 203),
        (2000, 150),
    ] {
        let mut svg_out = String::new();
        {
            let root = SVGBackend::with_string(&mut svg_out, (w, h)).into_drawing_area();
            draw_all(&root, &loss, &lr, &emb, &hd, &sd, &ud);
        }
        let mut buf = vec![0u8; (w * h * 3) as usize];
        let root = bitmap_area(&mut buf, w, h);
        draw_all(&root, &loss, &lr, &emb, &hd, &sd, &ud);
    }
}

fn draw_all<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    loss: &LossSpec,
    lr: &LrFinderSpec,
    emb: &EmbeddingSpec,
    hd: &HistogramSpec,
    sd: &SaturationSpec,
    ud: &UpdateRatioSpec,
) {
    draw_loss(root, loss).unwrap();
    draw_lr_finder(root, lr).unwrap();
    draw_embedding(root, emb).unwrap();
    draw_histograms(root, hd).unwrap();
    draw_histogram_pair(root, hd, hd).unwrap();
    draw_saturation_map(root, sd).unwrap();
    draw_update_ratios(root, ud).unwrap();
}

#[test]
fn charts_draw_into_split_areas() {
    let losses = fake_losses(1000, 23);
    let loss = LossSpec {
        x_max: None,
        title: "Loss".into(),
        label: "run".into(),
        losses: losses.to_vec(),
        every: 1,
        smooth_window: 50,
        train_points: vec![],
        val_points: vec![],
        earlier_runs: vec![],
    };
    let ratios = [SeriesSpec {
        label: "W1".into(),
        values: vec![-2.0, -2.5, -3.1],
        every: 1,
    }];
    let ud = UpdateRatioSpec {
        title: "Ratios".into(),
        series: ratios.to_vec(),
        layers: vec![],
    };
    let s = svg(1200, 800, |root| {
        let areas = root.split_evenly((2, 1));
        draw_loss(&areas[0], &loss)?;
        draw_update_ratios(&areas[1], &ud)
    });
    assert!(has_text(&s, "Loss") && has_text(&s, "Ratios"));
    // The second chart is drawn in the lower half.
    let black = polylines(&s)
        .into_iter()
        .find(|(c, p)| c == "#000000" && p.len() == 2)
        .expect("reference line");
    assert!(black.1[0].1 > 400);
}
