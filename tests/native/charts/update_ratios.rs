//! Update:data ratios: one line per parameter, the 1e-3 reference line, empty and NaN data.

use super::support::*;
use makemore_lab::charts::*;
use plotters::prelude::*;

#[test]
fn update_ratios_have_reference_line_and_legend() {
    let mut rng = Lcg(17);
    let series_values: Vec<Vec<f32>> = (0..4)
        .map(|p| {
            (0..1000)
                .map(|i| {
                    -3.0 + 1.5 * (-(i as f32) / 150.0).exp() + 0.3 * p as f32 - 0.45
                        + 0.2 * rng.next()
                })
                .collect()
        })
        .collect();
    let labels = [
        "C (27, 10)",
        "W1 (30, 200)",
        "W2 (200, 200)",
        "W3 (200, 27)",
    ];
    let series: Vec<SeriesSpec> = labels
        .iter()
        .zip(&series_values)
        .map(|(label, values)| SeriesSpec {
            label: label.to_string(),
            values: values.to_vec(),
            every: 1,
        })
        .collect();
    let data = UpdateRatioSpec {
        title: "Update / data ratio".into(),
        series: series.to_vec(),
        layers: vec![],
    };
    let s = shown!("update_ratios", W, H, |r| draw_update_ratios(r, &data));
    for want in labels
        .iter()
        .copied()
        .chain(["1e-3 (reference)", "Update / data ratio"])
    {
        assert!(has_text(&s, want), "missing {want:?}");
    }
    let lines = polylines(&s);
    let reference = lines
        .iter()
        .find(|(c, p)| c == "#000000" && p.len() == 2 && p[0].1 == p[1].1 && p[1].0 - p[0].0 > 300)
        .expect("a horizontal black line");
    // It sits at -3: the tick label "-3.0" (or "-3") is level with it.
    let y_ref = reference.1[0].1;
    let tick_y = s
        .split("<text")
        .find(|t| {
            let body = t[t.find('>').unwrap_or(0) + 1..]
                .split("</text>")
                .next()
                .unwrap_or("");
            matches!(body.trim(), "-3" | "-3.0" | "-3.00")
        })
        .and_then(|t| attr(t, "y"))
        .and_then(|y| y.parse::<i32>().ok())
        .expect("a -3 tick label");
    assert!(
        (tick_y - y_ref).abs() <= 12,
        "line at {y_ref}, tick at {tick_y}"
    );
    for i in 0..4 {
        assert!(lines
            .iter()
            .any(|l| l.0 == hex(series_color(i)) && l.1.len() > 100));
    }
    let b = bitmap(W, H, |r| draw_update_ratios(r, &data));
    assert!(
        count_near(&b, RGBColor(0, 0, 0)) > 600,
        "the reference line is drawn"
    );
    assert!(non_white_fraction(&b) > 0.01);
}

#[test]
fn update_ratios_empty_and_nan() {
    let nan = [f32::NAN, f32::NEG_INFINITY];
    for series in [
        vec![],
        vec![SeriesSpec {
            label: "W1".into(),
            values: vec![],
            every: 1,
        }],
        vec![SeriesSpec {
            label: "W1".into(),
            values: nan.to_vec(),
            every: 1,
        }],
    ] {
        let data = UpdateRatioSpec {
            title: "U".into(),
            series: series.to_vec(),
            layers: vec![],
        };
        assert_no_data(&svg(W, H, |r| draw_update_ratios(r, &data)));
        bitmap(W, H, |r| draw_update_ratios(r, &data));
    }
}
