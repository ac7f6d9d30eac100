//! All charts together: odd and tiny sizes, and split drawing areas.

use super::embedding::alphabet_points;
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
    let hist = [HistSeries {
        label: "h",
        lo: -1.0,
        hi: 1.0,
        values: &hist,
    }];
    let sat: Vec<bool> = (0..64).map(|i| i % 3 == 0).collect();
    let ratio = [NamedSeries {
        label: "W",
        values: &losses,
        every: 1,
    }];
    let loss = LossData {
        title: "L",
        label: "r",
        losses: &losses,
        every: 1,
        smooth_window: 10,
        train_points: &[(10, 2.5)],
        val_points: &[(10, 2.6)],
        earlier_runs: &ratio,
    };
    let lr = LrFinderData {
        title: "LR",
        exponents: &exps,
        losses: &lr_losses,
        smooth_window: 10,
        suggested_exponent: Some(-1.0),
    };
    let emb = EmbeddingData {
        title: "E",
        x_label: "x",
        y_label: "y",
        points: &points,
        counts: &[],
    };
    let hd = HistogramData {
        title: "H",
        x_label: "x",
        y_label: "y",
        series: &hist,
        bars: true,
    };
    let pair = HistogramPairData {
        left: hd,
        right: hd,
    };
    let sd = SaturationData {
        title: "S",
        x_label: "x",
        y_label: "y",
        rows: 8,
        cols: 8,
        values: &sat,
    };
    let ud = UpdateRatioData {
        title: "U",
        series: &ratio,
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
            draw_all(&root, &loss, &lr, &emb, &hd, &pair, &sd, &ud);
        }
        let mut buf = vec![0u8; (w * h * 3) as usize];
        let root = bitmap_area(&mut buf, w, h);
        draw_all(&root, &loss, &lr, &emb, &hd, &pair, &sd, &ud);
    }
}

#[allow(clippy::too_many_arguments)]
fn draw_all<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    loss: &LossData,
    lr: &LrFinderData,
    emb: &EmbeddingData,
    hd: &HistogramData,
    pair: &HistogramPairData,
    sd: &SaturationData,
    ud: &UpdateRatioData,
) {
    draw_loss(root, loss).unwrap();
    draw_lr_finder(root, lr).unwrap();
    draw_embedding(root, emb).unwrap();
    draw_histograms(root, hd).unwrap();
    draw_histogram_pair(root, pair).unwrap();
    draw_saturation_map(root, sd).unwrap();
    draw_update_ratios(root, ud).unwrap();
}

#[test]
fn charts_draw_into_split_areas() {
    let losses = fake_losses(1000, 23);
    let loss = LossData {
        title: "Loss",
        label: "run",
        losses: &losses,
        every: 1,
        smooth_window: 50,
        train_points: &[],
        val_points: &[],
        earlier_runs: &[],
    };
    let ratios = [NamedSeries {
        label: "W1",
        values: &[-2.0, -2.5, -3.1],
        every: 1,
    }];
    let ud = UpdateRatioData {
        title: "Ratios",
        series: &ratios,
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
