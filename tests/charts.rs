//! Native tests of the charts: each chart is rendered to an SVG string (which keeps text, lines
//! and shapes as elements we can inspect) and to an in-memory RGB bitmap (whose pixels we count;
//! drawn through `NoText`, which drops text: plotters cannot rasterise it without a font).

use makemore_lab::charts::*;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind,
};
use std::time::Instant;

const W: u32 = 800;
const H: u32 = 500;

type SvgArea<'a> = DrawingArea<SVGBackend<'a>, Shift>;
type BitmapArea<'a> = DrawingArea<NoText<BitMapBackend<'a>>, Shift>;

/// A backend that draws everything but text, on `B`. Without a font feature (ttf or ab_glyph,
/// which need system or embedded fonts) plotters cannot rasterise glyphs, and a bitmap backend
/// would panic on the first label; the pixels tests count shapes and colours, so they drop text.
struct NoText<B>(B);

impl<B: DrawingBackend> DrawingBackend for NoText<B> {
    type ErrorType = B::ErrorType;
    fn get_size(&self) -> (u32, u32) {
        self.0.get_size()
    }
    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.0.ensure_prepared()
    }
    fn present(&mut self) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.0.present()
    }
    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.0.draw_pixel(point, color)
    }
    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.0.draw_line(from, to, style)
    }
    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.0.draw_rect(upper_left, bottom_right, style, fill)
    }
    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.0.draw_path(path, style)
    }
    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.0.draw_circle(center, radius, style, fill)
    }
    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.0.fill_polygon(vert, style)
    }
    fn draw_text<T: BackendTextStyle>(
        &mut self,
        _text: &str,
        _style: &T,
        _pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        Ok(())
    }
    fn blit_bitmap(
        &mut self,
        pos: BackendCoord,
        size: (u32, u32),
        src: &[u8],
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.0.blit_bitmap(pos, size, src)
    }
}

fn bitmap_area(buf: &mut [u8], w: u32, h: u32) -> BitmapArea<'_> {
    NoText(BitMapBackend::with_buffer(buf, (w, h))).into_drawing_area()
}

fn svg(w: u32, h: u32, draw: impl FnOnce(&SvgArea) -> Result<(), ChartError>) -> String {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (w, h)).into_drawing_area();
        draw(&root).expect("chart draws");
        root.present().expect("svg presents");
    }
    out
}

fn bitmap(w: u32, h: u32, draw: impl FnOnce(&BitmapArea) -> Result<(), ChartError>) -> Vec<u8> {
    let mut buf = vec![0u8; (w * h * 3) as usize];
    {
        let root = bitmap_area(&mut buf, w, h);
        draw(&root).expect("chart draws");
        root.present().expect("bitmap presents");
    }
    buf
}

/// `svg(w, h, draw)`, and with `CHARTS_GALLERY=<dir>` the chart is also written as
/// `<dir>/<name>.svg` and, as the bitmap backend draws it (without text), `<dir>/<name>.bmp`, to
/// look at: `CHARTS_GALLERY=/tmp/charts cargo test --test charts`, then open them in a browser.
/// (A macro: the draw closure is generic over the backend, so it is written out once per backend.)
macro_rules! shown {
    ($name:expr, $w:expr, $h:expr, $draw:expr) => {{
        let (name, w, h): (&str, u32, u32) = ($name, $w, $h);
        let s = svg(w, h, $draw);
        if let Some(dir) = std::env::var_os("CHARTS_GALLERY") {
            let dir = std::path::PathBuf::from(dir);
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(dir.join(format!("{name}.svg")), &s).unwrap();
            let rgb = bitmap(w, h, $draw);
            std::fs::write(dir.join(format!("{name}.bmp")), bmp(&rgb, w, h)).unwrap();
        }
        s
    }};
}

fn pixels(buf: &[u8]) -> impl Iterator<Item = [u8; 3]> + '_ {
    buf.chunks_exact(3).map(|p| [p[0], p[1], p[2]])
}

fn non_white_fraction(buf: &[u8]) -> f64 {
    let n = buf.len() / 3;
    pixels(buf).filter(|p| *p != [255, 255, 255]).count() as f64 / n as f64
}

/// Pixels close to `c` (anti-aliasing and alpha blending change colours slightly).
fn count_near(buf: &[u8], c: RGBColor) -> usize {
    pixels(buf)
        .filter(|p| {
            (p[0] as i32 - c.0 as i32).abs()
                + (p[1] as i32 - c.1 as i32).abs()
                + (p[2] as i32 - c.2 as i32).abs()
                < 30
        })
        .count()
}

/// The contents of all `<text>` elements.
fn texts(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .filter_map(|t| {
            let body = &t[t.find('>')? + 1..t.find("</text>")?];
            Some(body.trim().to_string())
        })
        .collect()
}

fn has_text(svg: &str, want: &str) -> bool {
    texts(svg).iter().any(|t| t == want)
}

fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    Some(&tag[start..start + tag[start..].find('"')?])
}

/// (stroke colour, points) of every `<polyline>` (plotters draws each line series as one), but
/// not the axes and ticks (also polylines, as they are 2 px wide; drawn in dark grey #404040).
fn polylines(svg: &str) -> Vec<(String, Vec<(i32, i32)>)> {
    svg.split("<polyline")
        .skip(1)
        .map(|t| {
            let tag = &t[..t.find("/>").unwrap_or(t.len())];
            let points = attr(tag, "points")
                .unwrap_or("")
                .split_whitespace()
                .filter_map(|p| {
                    let (x, y) = p.split_once(',')?;
                    Some((x.parse().ok()?, y.parse().ok()?))
                })
                .collect();
            (attr(tag, "stroke").unwrap_or("").to_string(), points)
        })
        .filter(|(stroke, _)| stroke != "#404040")
        .collect()
}

fn hex(c: RGBColor) -> String {
    format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2)
}

/// A small deterministic generator for noisy test data.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> f32 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 40) as f32) / (1u64 << 24) as f32
    }
}

/// A decaying, noisy loss curve like a real run's.
fn fake_losses(n: usize, seed: u64) -> Vec<f32> {
    let mut rng = Lcg(seed);
    (0..n)
        .map(|i| 2.1 + 1.2 * (-(i as f32) / (n as f32 / 8.0)).exp() + 0.4 * rng.next())
        .collect()
}

fn assert_no_data(svg: &str) {
    assert!(
        has_text(svg, "no data yet"),
        "no 'no data yet' in {:?}",
        texts(svg)
    );
    assert!(polylines(svg).is_empty(), "an empty chart draws no lines");
}

// ---------------------------------------------------------------- loss

#[test]
fn loss_chart_has_lines_markers_and_legend() {
    let losses = fake_losses(3000, 1);
    let earlier = fake_losses(2000, 2);
    let earlier = [NamedSeries {
        label: "run 1 (no init fix)",
        values: &earlier,
    }];
    let data = LossData {
        title: "Loss",
        label: "run 2",
        losses: &losses,
        smooth_window: 100,
        train_points: &[(0, 3.3), (1500, 2.31), (2999, 2.2049)],
        val_points: &[(0, 3.31), (1500, 2.35), (2999, 2.251)],
        earlier_runs: &earlier,
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
    let earlier = [NamedSeries {
        label: "before",
        values: &earlier,
    }];
    let data = LossData {
        title: "Loss",
        label: "now",
        losses: &losses,
        smooth_window: 1000,
        train_points: &[],
        val_points: &[],
        earlier_runs: &earlier,
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
        let data = LossData {
            title: "Loss",
            label: "run",
            losses,
            smooth_window: 10,
            train_points: &[(0, f32::NAN)],
            val_points: &[],
            earlier_runs: &[],
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
    let data = LossData {
        title: "Loss",
        label: "run",
        losses: &losses,
        smooth_window: 20,
        train_points: &[],
        val_points: &[],
        earlier_runs: &[],
    };
    let s = svg(W, H, |r| draw_loss(r, &data));
    assert!(!has_text(&s, "no data yet"));
    assert!(polylines(&s).iter().all(|l| !l.1.is_empty()));
    // A single step is enough to draw a chart.
    let one = LossData {
        losses: &[3.3],
        ..data
    };
    assert!(!has_text(&svg(W, H, |r| draw_loss(r, &one)), "no data yet"));
}

// ---------------------------------------------------------------- lr finder

fn lr_sweep(n: usize) -> (Vec<f32>, Vec<f32>) {
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
    let data = LrFinderData {
        title: "Learning-rate finder",
        exponents: &exps,
        losses: &losses,
        smooth_window: 25,
        suggested_exponent: Some(-1.0),
    };
    let s = shown!("lr_finder", W, H, |r| draw_lr_finder(r, &data));
    for want in [
        "Learning-rate finder",
        "suggested lr 0.10 (10^-1.0)",
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
    let partial = LrFinderData {
        title: "lr",
        exponents: &exps,
        losses: &losses[..300],
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
        let data = LrFinderData {
            title: "lr",
            exponents,
            losses,
            smooth_window: 5,
            suggested_exponent: Some(f32::NAN),
        };
        assert_no_data(&svg(W, H, |r| draw_lr_finder(r, &data)));
        bitmap(W, H, |r| draw_lr_finder(r, &data));
    }
}

// ---------------------------------------------------------------- embedding

fn alphabet_points() -> Vec<CharPoint> {
    let mut rng = Lcg(11);
    std::iter::once('.')
        .chain('a'..='z')
        .map(|ch| CharPoint {
            ch,
            x: 2.0 * rng.next() - 1.0,
            y: 3.0 * rng.next() - 1.5,
        })
        .collect()
}

#[test]
fn embedding_draws_every_letter_on_a_dot() {
    let points = alphabet_points();
    let data = EmbeddingData {
        title: "Embedding C",
        x_label: "dim 0",
        y_label: "dim 1",
        points: &points,
    };
    let s = shown!("embedding", W, H, |r| draw_embedding(r, &data));
    for p in &points {
        assert!(has_text(&s, &p.ch.to_string()), "missing {:?}", p.ch);
    }
    for want in ["Embedding C", "dim 0", "dim 1"] {
        assert!(has_text(&s, want), "missing {want:?}");
    }
    assert_eq!(s.matches("<circle").count(), points.len());
    // Letters are centred on their dot and white.
    assert!(s.matches("text-anchor=\"middle\"").count() >= points.len());
    assert!(s.matches("fill=\"#FFFFFF\"").count() >= points.len());

    let b = bitmap(W, H, |r| draw_embedding(r, &data));
    // 27 dots of radius 14: about 27 * 615 px of blue.
    let blue = count_near(&b, series_color(0));
    assert!(blue > 10_000 && blue < 20_000, "{blue} blue pixels");
}

#[test]
fn embedding_empty_nan_and_coincident() {
    let nan = [CharPoint {
        ch: 'a',
        x: f32::NAN,
        y: 0.0,
    }];
    for points in [&[][..], &nan[..]] {
        let data = EmbeddingData {
            title: "E",
            x_label: "PC1",
            y_label: "PC2",
            points,
        };
        assert_no_data(&svg(W, H, |r| draw_embedding(r, &data)));
        bitmap(W, H, |r| draw_embedding(r, &data));
    }
    // All points in one place: the ranges widen instead of collapsing.
    let same = [CharPoint {
        ch: 'q',
        x: 0.5,
        y: 0.5,
    }; 3];
    let data = EmbeddingData {
        title: "E",
        x_label: "PC1",
        y_label: "PC2",
        points: &same,
    };
    let s = svg(W, H, |r| draw_embedding(r, &data));
    assert_eq!(s.matches("<circle").count(), 3);
}

// ---------------------------------------------------------------- histograms

/// A density histogram of tanh(k * normal) on [-1, 1], like a layer's activations.
fn tanh_hist(k: f32, bins: usize) -> Vec<f32> {
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
        HistSeries {
            label: "layer 1 (Tanh) | mean -0.01 | std 0.43 | saturated 0.00%",
            lo: -1.0,
            hi: 1.0,
            values: &a,
        },
        HistSeries {
            label: "layer 3 (Tanh) | mean 0.00 | std 0.63 | saturated 2.10%",
            lo: -1.0,
            hi: 1.0,
            values: &b,
        },
        HistSeries {
            label: "layer 5 (Tanh) | mean 0.01 | std 0.90 | saturated 41.3%",
            lo: -1.0,
            hi: 1.0,
            values: &c,
        },
    ];
    let data = HistogramData {
        title: "Activation distribution",
        x_label: "activation",
        y_label: "density",
        series: &series,
        bars: false,
    };
    let s = shown!("histograms", 1000, H, |r| draw_histograms(r, &data));
    for want in series
        .iter()
        .map(|s| s.label)
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
    let x = [HistSeries {
        label: "x (mean=0.00, std=1.00)",
        lo: -4.0,
        hi: 4.0,
        values: &counts,
    }];
    let y = [HistSeries {
        label: "y (mean=0.01, std=5.48)",
        lo: -20.0,
        hi: 20.0,
        values: &counts,
    }];
    let left = HistogramData {
        title: "x",
        x_label: "",
        y_label: "count",
        series: &x,
        bars: true,
    };
    let s = svg(W, H, |r| draw_histograms(r, &left));
    // 50 bars + background + legend box and border + swatch.
    assert!(s.matches("<rect").count() > 50);
    assert!(polylines(&s).is_empty());
    assert!(has_text(&s, "x (mean=0.00, std=1.00)"));

    let pair = HistogramPairData {
        left,
        right: HistogramData {
            title: "y = x @ w",
            series: &y,
            ..left
        },
    };
    let s = shown!("histogram_pair", 1200, H, |r| draw_histogram_pair(r, &pair));
    assert!(has_text(&s, "x") && has_text(&s, "y = x @ w"));
    assert!(has_text(&s, "y (mean=0.01, std=5.48)"));
    assert!(s.matches("<rect").count() >= 100);
    let b = bitmap(1200, H, |r| draw_histogram_pair(r, &pair));
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
}

#[test]
fn histograms_empty_and_invalid() {
    let nan = [f32::NAN; 10];
    let ok = [1.0, 2.0];
    for series in [
        vec![],
        vec![HistSeries {
            label: "nan",
            lo: -1.0,
            hi: 1.0,
            values: &nan,
        }],
        vec![HistSeries {
            label: "lo >= hi",
            lo: 1.0,
            hi: 1.0,
            values: &ok,
        }],
        vec![HistSeries {
            label: "nan range",
            lo: f32::NAN,
            hi: 1.0,
            values: &ok,
        }],
        vec![HistSeries {
            label: "no bins",
            lo: 0.0,
            hi: 1.0,
            values: &[],
        }],
    ] {
        for bars in [false, true] {
            let data = HistogramData {
                title: "H",
                x_label: "",
                y_label: "",
                series: &series,
                bars,
            };
            assert_no_data(&svg(W, H, |r| draw_histograms(r, &data)));
            bitmap(W, H, |r| draw_histograms(r, &data));
        }
    }
    // An unusable series next to a good one keeps the good one's colour index.
    let series = [
        HistSeries {
            label: "bad",
            lo: 0.0,
            hi: 0.0,
            values: &ok,
        },
        HistSeries {
            label: "good",
            lo: 0.0,
            hi: 1.0,
            values: &[1.0, f32::NAN, 3.0],
        },
    ];
    let data = HistogramData {
        title: "H",
        x_label: "",
        y_label: "",
        series: &series,
        bars: false,
    };
    let s = svg(W, H, |r| draw_histograms(r, &data));
    assert!(has_text(&s, "good") && !has_text(&s, "bad"));
    assert!(polylines(&s)
        .iter()
        .any(|l| l.0 == hex(series_color(1)) && l.1.len() == 2));
}

// ---------------------------------------------------------------- saturation map

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
    let data = SaturationData {
        title: "|h| > 0.99 (2 dead neurons)",
        x_label: "neuron",
        y_label: "example",
        rows,
        cols,
        values: &values,
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
    let bad = SaturationData {
        title: "S",
        x_label: "",
        y_label: "",
        rows: 2,
        cols: 2,
        values: &values,
    };
    let mut out = String::new();
    let root = SVGBackend::with_string(&mut out, (W, H)).into_drawing_area();
    assert!(matches!(
        draw_saturation_map(&root, &bad),
        Err(ChartError::InvalidData(_))
    ));
    let overflow = SaturationData {
        rows: usize::MAX,
        cols: 3,
        ..bad
    };
    assert!(draw_saturation_map(&root, &overflow).is_err());
    drop(root);
    let empty = SaturationData {
        rows: 0,
        cols: 5,
        values: &[],
        ..bad
    };
    assert_no_data(&svg(W, H, |r| draw_saturation_map(r, &empty)));
    let one = SaturationData {
        rows: 1,
        cols: 1,
        values: &[true],
        ..bad
    };
    let b = bitmap(W, H, |r| draw_saturation_map(r, &one));
    assert!(non_white_fraction(&b) < 0.2, "a single white cell");
}

// ---------------------------------------------------------------- update ratios

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
    let series: Vec<NamedSeries> = labels
        .iter()
        .zip(&series_values)
        .map(|(label, values)| NamedSeries { label, values })
        .collect();
    let data = UpdateRatioData {
        title: "Update / data ratio",
        series: &series,
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
        vec![NamedSeries {
            label: "W1",
            values: &[],
        }],
        vec![NamedSeries {
            label: "W1",
            values: &nan,
        }],
    ] {
        let data = UpdateRatioData {
            title: "U",
            series: &series,
        };
        assert_no_data(&svg(W, H, |r| draw_update_ratios(r, &data)));
        bitmap(W, H, |r| draw_update_ratios(r, &data));
    }
}

// ---------------------------------------------------------------- all charts

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
    }];
    let loss = LossData {
        title: "L",
        label: "r",
        losses: &losses,
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
        smooth_window: 50,
        train_points: &[],
        val_points: &[],
        earlier_runs: &[],
    };
    let ratios = [NamedSeries {
        label: "W1",
        values: &[-2.0, -2.5, -3.1],
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

/// A 24-bit BMP of an RGB buffer (browsers open it; no image encoder needed).
fn bmp(rgb: &[u8], w: u32, h: u32) -> Vec<u8> {
    let row = (3 * w as usize).div_ceil(4) * 4;
    let size = 54 + row * h as usize;
    let mut out = Vec::with_capacity(size);
    out.extend_from_slice(b"BM");
    for v in [size as u32, 0, 54, 40, w, h] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&24u16.to_le_bytes());
    for v in [0u32, (row * h as usize) as u32, 2835, 2835, 0, 0] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    for y in (0..h as usize).rev() {
        let line = &rgb[3 * y * w as usize..3 * (y + 1) * w as usize];
        for p in line.chunks_exact(3) {
            out.extend_from_slice(&[p[2], p[1], p[0]]);
        }
        out.resize(out.len() + row - line.len(), 0);
    }
    out
}
