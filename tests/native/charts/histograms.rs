//! Histograms as lines or bars, the side-by-side pair, empty and invalid data.

use super::support::*;
use makemore_lab::charts::*;

/// A density histogram of tanh(k * normal) on [-1, 1], like a layer's activations.
pub fn tanh_hist(k: f32, bins: usize) -> Vec<f32> {
    let mut rng = Lcg(k.to_bits() as u64);
    let mut counts = vec![0f32; bins];
    let n = 20_000;
    for _ in 0..n {
        let z = (0..12).map(|_| rng.next()).sum::<f32>() - 6.0;
        let t = (k * z).tanh();
        let b = (((t + 1.0) / 2.0) * bins as f32) as usize;
        counts[b.min(bins - 1)] += 1.0;
    }
    let width = 2.0 / bins as f32;
    counts.iter().map(|c| c / (n as f32 * width)).collect()
}

#[test]
fn histograms_as_lines_with_legend() {
    let (a, b, c) = (
        tanh_hist(0.5, 100),
        tanh_hist(1.0, 100),
        tanh_hist(3.0, 100),
    );
    let series = [
        HistSeriesSpec {
            label: "layer 1 (Tanh) | mean -0.01 | std 0.43 | saturated 0.00%".into(),
            lo: -1.0,
            hi: 1.0,
            values: a.to_vec(),
        },
        HistSeriesSpec {
            label: "layer 3 (Tanh) | mean 0.00 | std 0.63 | saturated 2.10%".into(),
            lo: -1.0,
            hi: 1.0,
            values: b.to_vec(),
        },
        HistSeriesSpec {
            label: "layer 5 (Tanh) | mean 0.01 | std 0.90 | saturated 41.3%".into(),
            lo: -1.0,
            hi: 1.0,
            values: c.to_vec(),
        },
    ];
    let data = HistogramSpec {
        title: "Activation distribution".into(),
        x_label: "activation".into(),
        y_label: "density".into(),
        series: series.to_vec(),
        bars: false,
        layers: vec![],
        tanh_slope: false,
    };
    let s = shown!("histograms", 1000, H, |r| draw_histograms(r, &data));
    for want in series
        .iter()
        .map(|s| s.label.as_str())
        .chain(["Activation distribution", "density"])
    {
        assert!(has_text(&s, want), "missing {want:?}");
    }
    let lines = polylines(&s);
    for i in 0..3 {
        let color = hex(series_color(i));
        assert!(
            lines.iter().any(|l| l.0 == color && l.1.len() == 100),
            "series {i} is a 100-point line"
        );
    }
    let bmp = bitmap(1000, H, |r| draw_histograms(r, &data));
    for i in 0..3 {
        assert!(count_near(&bmp, series_color(i)) > 300, "series {i} drawn");
    }
}

#[test]
fn histogram_bars_and_pair() {
    let counts: Vec<f32> = (0..50)
        .map(|k| (25.0 - (k as f32 - 24.5).abs()) * 10.0)
        .collect();
    let x = [HistSeriesSpec {
        label: "x (mean=0.00, std=1.00)".into(),
        lo: -4.0,
        hi: 4.0,
        values: counts.to_vec(),
    }];
    let y = [HistSeriesSpec {
        label: "y (mean=0.01, std=5.48)".into(),
        lo: -20.0,
        hi: 20.0,
        values: counts.to_vec(),
    }];
    let left = HistogramSpec {
        title: "x".into(),
        x_label: "".into(),
        y_label: "count".into(),
        series: x.to_vec(),
        bars: true,
        layers: vec![],
        tanh_slope: false,
    };
    let s = svg(W, H, |r| draw_histograms(r, &left));
    // 50 bars + background + legend box and border + swatch.
    assert!(s.matches("<rect").count() > 50);
    assert!(polylines(&s).is_empty());
    assert!(has_text(&s, "x (mean=0.00, std=1.00)"));

    let right = HistogramSpec {
        title: "y = x @ w".into(),
        series: y.to_vec(),
        ..left.clone()
    };
    let s = shown!("histogram_pair", 1200, H, |r| draw_histogram_pair(
        r, &left, &right
    ));
    assert!(has_text(&s, "x") && has_text(&s, "y = x @ w"));
    assert!(has_text(&s, "y (mean=0.01, std=5.48)"));
    assert!(s.matches("<rect").count() >= 100);
    let b = bitmap(1200, H, |r| draw_histogram_pair(r, &left, &right));
    // Bars are drawn in both halves.
    let half = |right: bool| {
        b.chunks_exact(1200 * 3)
            .flat_map(|row| {
                let (l, r) = row.split_at(600 * 3);
                if right { r } else { l }.chunks_exact(3)
            })
            .filter(|p| p[2] as i32 > p[0] as i32 + 40) // bluish (the translucent bars)
            .count()
    };
    assert!(half(false) > 5_000 && half(true) > 5_000);

    // A column too narrow for two plots abreast but tall enough for two (a portrait projector's
    // chart): one over the other, both drawn, not "area too small".
    let (w, h) = (250, 300);
    let s = svg(w, h, |r| draw_histogram_pair(r, &left, &right));
    assert!(!s.contains("area too small"), "{:?}", texts(&s));
    assert!(has_text(&s, "x") && has_text(&s, "y = x @ w"));
    let b = bitmap(w, h, |r| draw_histogram_pair(r, &left, &right));
    let rows = |top: bool| {
        b.chunks_exact(w as usize * 3)
            .enumerate()
            .filter(|(y, _)| (*y < h as usize / 2) == top)
            .flat_map(|(_, row)| row.chunks_exact(3))
            .filter(|p| p[2] as i32 > p[0] as i32 + 40)
            .count()
    };
    assert!(
        rows(true) > 500 && rows(false) > 500,
        "{} over {}",
        rows(true),
        rows(false)
    );
}

#[test]
fn histograms_empty_and_invalid() {
    let nan = [f32::NAN; 10];
    let ok = [1.0, 2.0];
    for series in [
        vec![],
        vec![HistSeriesSpec {
            label: "nan".into(),
            lo: -1.0,
            hi: 1.0,
            values: nan.to_vec(),
        }],
        vec![HistSeriesSpec {
            label: "lo >= hi".into(),
            lo: 1.0,
            hi: 1.0,
            values: ok.to_vec(),
        }],
        vec![HistSeriesSpec {
            label: "nan range".into(),
            lo: f32::NAN,
            hi: 1.0,
            values: ok.to_vec(),
        }],
        vec![HistSeriesSpec {
            label: "no bins".into(),
            lo: 0.0,
            hi: 1.0,
            values: vec![],
        }],
    ] {
        for bars in [false, true] {
            let data = HistogramSpec {
                title: "H".into(),
                x_label: "".into(),
                y_label: "".into(),
                series: series.to_vec(),
                bars,
                layers: vec![],
                tanh_slope: false,
            };
            assert_no_data(&svg(W, H, |r| draw_histograms(r, &data)));
            bitmap(W, H, |r| draw_histograms(r, &data));
        }
    }
    // An unusable series next to a good one keeps the good one's colour index.
    let series = [
        HistSeriesSpec {
            label: "bad".into(),
            lo: 0.0,
            hi: 0.0,
            values: ok.to_vec(),
        },
        HistSeriesSpec {
            label: "good".into(),
            lo: 0.0,
            hi: 1.0,
            values: vec![1.0, f32::NAN, 3.0],
        },
    ];
    let data = HistogramSpec {
        title: "H".into(),
        x_label: "".into(),
        y_label: "".into(),
        series: series.to_vec(),
        bars: false,
        layers: vec![],
        tanh_slope: false,
    };
    let s = svg(W, H, |r| draw_histograms(r, &data));
    assert!(has_text(&s, "good") && !has_text(&s, "bad"));
    assert!(polylines(&s)
        .iter()
        .any(|l| l.0 == hex(series_color(1)) && l.1.len() == 2));
}

#[test]
fn a_legend_wider_than_a_narrow_chart_is_cut_with_an_ellipsis() {
    let a = tanh_hist(1.0, 50);
    let label = "y = x @ (w / sqrt(30)): std 0.99, mean -5.5e-4, and more words than fit";
    let series = [HistSeriesSpec {
        label: label.into(),
        lo: -1.0,
        hi: 1.0,
        values: a.to_vec(),
    }];
    let data = HistogramSpec {
        title: "narrow".into(),
        x_label: "value".into(),
        y_label: "density".into(),
        series: series.to_vec(),
        bars: false,
        layers: vec![],
        tanh_slope: false,
    };
    let wide = svg(1600, H, |r| draw_histograms(r, &data));
    assert!(has_text(&wide, label), "whole where it fits");
    let narrow = svg(360, H, |r| draw_histograms(r, &data));
    assert!(!has_text(&narrow, label));
    let cut: Vec<String> = texts(&narrow)
        .into_iter()
        .filter(|t| t.ends_with('…'))
        .collect();
    assert_eq!(cut.len(), 1, "one label cut: {:?}", texts(&narrow));
    let kept = cut[0].trim_end_matches('…');
    assert!(label.starts_with(kept) && kept.len() > 10, "{kept:?}");
}

/// A pair of histograms at the size a 1024x768 projector gives it (half of the page's width):
/// each half's caption is cut to its width instead of running into the other's, each axis has
/// only as many tick labels as fit, and series of the same names get one legend, not two.
#[test]
fn a_pair_on_a_projector_fits_its_captions_ticks_and_legend() {
    let a = tanh_hist(1.0, 50);
    let b = tanh_hist(2.0, 50);
    let series = [
        HistSeriesSpec {
            label: "batch".into(),
            lo: -4.0,
            hi: 4.0,
            values: a.to_vec(),
        },
        HistSeriesSpec {
            label: "running".into(),
            lo: -4.0,
            hi: 4.0,
            values: b.to_vec(),
        },
    ];
    let left = HistogramSpec {
        title: "layer 1: means over features".into(),
        x_label: "mean".into(),
        y_label: "density".into(),
        series: series.to_vec(),
        bars: false,
        layers: vec![],
        tanh_slope: false,
    };
    let right = HistogramSpec {
        title: "variances over features".into(),
        x_label: "variance".into(),
        ..left.clone()
    };
    let count = |s: &str, t: &str| texts(s).iter().filter(|x| *x == t).count();
    let wide = svg(1200, H, |r| draw_histogram_pair(r, &left, &right));
    assert!(
        has_text(&wide, "layer 1: means over features")
            && has_text(&wide, "variances over features")
    );
    let narrow = shown!("histogram_pair_1024", 330, 244, |r| draw_histogram_pair(
        r, &left, &right
    ));
    let t = texts(&narrow);
    assert!(!has_text(&narrow, "layer 1: means over features"), "{t:?}");
    assert!(
        t.iter()
            .any(|x| x.starts_with("layer 1") && x.ends_with('…')),
        "{t:?}"
    );
    assert_eq!(
        count(&narrow, "batch") + count(&narrow, "running"),
        2,
        "one legend: {t:?}"
    );
    assert_eq!(count(&wide, "batch"), 1, "one legend when wide too");
    // Tick labels (numbers) on one line stand apart by at least half their widths (about 7.5 px
    // a character at the tick size): six per axis in each half ran into each other.
    let apart = |s: &str| {
        let mut rows: std::collections::BTreeMap<i64, Vec<(f64, usize)>> = Default::default();
        for t in s.split("<text").skip(1) {
            let body = &t[t.find('>').unwrap() + 1..t.find("</text>").unwrap()];
            if body.trim().parse::<f64>().is_err() {
                continue;
            }
            let num = |k: &str| attr(t, k).and_then(|v| v.parse::<f64>().ok());
            let (x, y) = (num("x").unwrap(), num("y").unwrap());
            rows.entry(y.round() as i64)
                .or_default()
                .push((x, body.trim().len()));
        }
        rows.values_mut().all(|r| {
            r.sort_by(|a, b| a.0.total_cmp(&b.0));
            r.windows(2)
                .all(|w| w[1].0 - w[0].0 >= (w[0].1 + w[1].1) as f64 / 2.0 * 7.5)
        })
    };
    assert!(apart(&wide));
    assert!(apart(&narrow), "tick labels overlap: {t:?}");
}

#[test]
fn a_legend_that_would_cover_half_a_short_plot_is_left_out() {
    // A key chart on a laptop's first screen may be 130 px tall: two legend lines would cover
    // the curves. The text twin names the series instead.
    let series: Vec<HistSeriesSpec> = ["x: std 0.97, mean +2.2e-3", "y = x @ w: std 5.32"]
        .iter()
        .map(|l| HistSeriesSpec {
            label: l.to_string(),
            lo: -3.0,
            hi: 3.0,
            values: (0..40)
                .map(|i| (-((i as f32 - 20.0) / 6.0).powi(2)).exp())
                .collect(),
        })
        .collect();
    let data = HistogramSpec {
        title: "w ~ randn".into(),
        x_label: "value".into(),
        y_label: "density".into(),
        series: series.clone(),
        bars: false,
        layers: vec![],
        tanh_slope: false,
    };
    let tall = svg(600, 300, |r| draw_histograms(r, &data));
    let short = svg(600, 130, |r| draw_histograms(r, &data));
    for s in &series {
        assert!(has_text(&tall, &s.label), "a tall plot keeps its legend");
        assert!(!has_text(&short, &s.label), "a short plot leaves it out");
    }
    assert!(has_text(&short, "w ~ randn"));
    let curves = |svg: &str| polylines(svg).iter().filter(|l| l.1.len() == 40).count();
    assert_eq!(
        (curves(&short), curves(&tall)),
        (2, 2),
        "the curves are drawn in both"
    );
}

#[test]
fn tanh_slope_is_drawn_over_a_histogram_of_tanh_outputs() {
    // Outputs piled up at ±1: the slope curve 1 - h² peaks at h = 0 and falls to 0 at ±1.
    let values: Vec<f32> = (0..40)
        .map(|i| if (3..=36).contains(&i) { 0.2 } else { 5.0 })
        .collect();
    let data = HistogramSpec {
        title: "activations h".into(),
        x_label: "h".into(),
        y_label: "density".into(),
        series: vec![HistSeriesSpec {
            label: String::new(),
            lo: -1.0,
            hi: 1.0,
            values,
        }],
        bars: true,
        layers: vec![],
        tanh_slope: true,
    };
    let s = svg(600, 300, |r| draw_histograms(r, &data));
    assert!(has_text(&s, TANH_SLOPE_LABEL));
    let curve = polylines(&s)
        .into_iter()
        .find(|l| l.1.len() == 101)
        .expect("the slope curve");
    let (first, mid, last) = (curve.1[0], curve.1[50], curve.1[100]);
    // SVG y grows downward: the middle is the highest point, the ends at the axis.
    assert!(
        mid.1 < first.1 - 100 && mid.1 < last.1 - 100,
        "{first:?} {mid:?} {last:?}"
    );
    assert!((first.1 - last.1).abs() <= 1);
    let plain = HistogramSpec {
        tanh_slope: false,
        ..data
    };
    let s = svg(600, 300, |r| draw_histograms(r, &plain));
    assert!(!has_text(&s, TANH_SLOPE_LABEL));
    assert!(polylines(&s).iter().all(|l| l.1.len() != 101));
}

#[test]
fn a_short_chart_gives_its_height_to_the_plot_and_leaves_the_axis_name_to_its_caption() {
    // The Kaiming chapter's demo shares a 1366x768 first screen with two other key charts: its
    // canvas is about 130 px tall. The curve spanned 15 px of it; a short frame gives it 46.
    let data = HistogramSpec {
        title: "w ~ randn: the spread grows".into(),
        x_label: "value".into(),
        y_label: "density".into(),
        series: vec![HistSeriesSpec {
            label: String::new(),
            lo: -3.0,
            hi: 3.0,
            values: (0..40)
                .map(|i| (-((i as f32 - 20.0) / 6.0).powi(2)).exp())
                .collect(),
        }],
        bars: false,
        layers: vec![],
        tanh_slope: false,
    };
    let height = |svg: &str| {
        let curve = polylines(svg)
            .into_iter()
            .find(|l| l.1.len() == 40)
            .expect("the curve");
        let ys = curve.1.iter().map(|p| p.1);
        ys.clone().max().unwrap() - ys.min().unwrap()
    };
    let short = svg(450, 130, |r| draw_histograms(r, &data));
    assert!(
        height(&short) >= 40,
        "the curve spans {} of 130 px",
        height(&short)
    );
    assert!(
        !has_text(&short, "value"),
        "no x-axis name in a short frame"
    );
    assert!(has_text(&short, "density") && has_text(&short, "w ~ randn: the spread grows"));
    let tall = svg(450, 300, |r| draw_histograms(r, &data));
    assert!(has_text(&tall, "value"), "a tall frame names its x axis");
}

#[test]
fn a_short_chart_leaves_out_a_y_name_longer_than_its_plot_is_high() {
    // Cut by the plot's height it read "log10(update / da" on the deep chapter's first screen.
    let long = "log10(update / data) of every weight";
    let data = HistogramSpec {
        title: "short".into(),
        x_label: "value".into(),
        y_label: long.into(),
        series: vec![HistSeriesSpec {
            label: String::new(),
            lo: -3.0,
            hi: 3.0,
            values: (0..40).map(|i| (i % 7) as f32).collect(),
        }],
        bars: false,
        layers: vec![],
        tanh_slope: false,
    };
    assert!(!has_text(
        &svg(450, 130, |r| draw_histograms(r, &data)),
        long
    ));
    assert!(has_text(
        &svg(450, 400, |r| draw_histograms(r, &data)),
        long
    ));
}
