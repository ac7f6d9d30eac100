//! What every chart shares: text styles sized for a projector, the chart frame (caption, axes,
//! tick labels), legends, lines with legend entries, and the "no data yet" frame.

use super::prep::nice_step;
use super::ChartError;
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::cell::RefCell;

/// Caption size in pixels (on the canvas; the SVG backend writes `size / 1.24`).
pub const CAPTION_PX: f64 = 20.0;
/// Axis descriptions and legend entries.
pub const LABEL_PX: f64 = 16.0;
/// Tick labels.
pub const TICK_PX: f64 = 15.0;
/// Width of the main lines.
pub const LINE_PX: u32 = 3;
/// Axis lines and frames: dark grey, so that pure black stays free for data (saturation map,
/// the -3 reference line).
pub const AXIS: RGBColor = RGBColor(0x40, 0x40, 0x40);
pub const MUTED: RGBColor = RGBColor(0x80, 0x80, 0x80);
/// Below this size (pixels) a chart draws only its frame and a message.
pub const MIN_SIZE: (u32, u32) = (160, 120);
/// Below this width (pixels) a chart draws a compact frame: a smaller caption cut to the width,
/// narrower margins and label areas, and as many ticks as fit. Half of a pair chart (the
/// histograms side by side) is about 165 pixels wide on a 1024x768 projector.
pub const COMPACT_W: u32 = 300;
/// A plot narrower than this (pixels) gets the smaller legend of a compact frame: a compact
/// frame's plot, and a half-width chart's at 1024 px (about 215 pixels).
pub const COMPACT_PLOT_W: u32 = 230;
/// Below this height (pixels) a chart draws a short frame: the compact caption, narrow margins,
/// and no x-axis description (the figure's caption names the axis), so that the plot keeps
/// most of the height. A key chart sized to share a laptop's first screen is 130 to 200 pixels.
pub const SHORT_H: u32 = 200;
/// The x-axis label area of a short frame: tick labels only.
const SHORT_X_AREA: u32 = 26;
/// Caption and legend sizes of a compact frame.
pub const COMPACT_CAPTION_PX: f64 = 16.0;
pub const COMPACT_LABEL_PX: f64 = 13.0;
/// Tick labels a plot gets per this many pixels of its width (x) or height (y), 3 to 6 of them
/// (more where plotters' round numbers would leave fewer than two).
const TICK_ROOM: (u32, u32) = (48, 26);
pub const NO_DATA: &str = "no data yet";

/// The chart type every chart draws on: f64 on both axes.
pub type Chart<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Text styles of the charts.
#[derive(Debug, Clone, Copy)]
pub struct Theme {
    text: RGBAColor,
    muted: RGBAColor,
}

impl Default for Theme {
    fn default() -> Self {
        Theme::new()
    }
}

impl Theme {
    pub fn new() -> Theme {
        Theme {
            text: BLACK.to_rgba(),
            muted: MUTED.to_rgba(),
        }
    }

    fn font(&self, px: f64, style: FontStyle, color: &RGBAColor) -> TextStyle<'static> {
        FontDesc::new(FontFamily::SansSerif, px, style).color(color)
    }

    pub fn caption(&self) -> TextStyle<'static> {
        self.font(CAPTION_PX, FontStyle::Normal, &self.text)
    }

    /// Legend entries on a narrow plot (a compact frame's).
    pub fn compact_label(&self) -> TextStyle<'static> {
        self.font(COMPACT_LABEL_PX, FontStyle::Normal, &self.text)
    }

    /// The caption of a compact frame (`COMPACT_W`).
    pub fn compact_caption(&self) -> TextStyle<'static> {
        self.font(COMPACT_CAPTION_PX, FontStyle::Normal, &self.text)
    }

    pub fn label(&self) -> TextStyle<'static> {
        self.font(LABEL_PX, FontStyle::Normal, &self.text)
    }

    pub fn tick(&self) -> TextStyle<'static> {
        self.font(TICK_PX, FontStyle::Normal, &self.text)
    }

    pub fn muted(&self) -> TextStyle<'static> {
        self.font(LABEL_PX, FontStyle::Normal, &self.muted)
    }

    /// Bold text in `color`.
    pub fn bold(&self, px: f64, color: RGBColor) -> TextStyle<'static> {
        self.font(px, FontStyle::Bold, &color.to_rgba())
    }
}

/// Fills `root` white and draws a frame with the caption and `message` in the middle (used for
/// empty data and for areas too small to hold a chart).
pub fn draw_message<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    message: &str,
) -> Result<(), ChartError> {
    let theme = Theme::new();
    root.fill(&WHITE)?;
    let (w, h) = root.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    if w < 24 || h < 24 {
        return Ok(());
    }
    root.draw(&Rectangle::new(
        [(6, 6), (w - 7, h - 7)],
        MUTED.stroke_width(2),
    ))?;
    if !title.is_empty() {
        let style = theme.caption().pos(Pos::new(HPos::Center, VPos::Top));
        root.draw(&Text::new(title.to_string(), (w / 2, 14), style))?;
    }
    let style = theme.muted().pos(Pos::new(HPos::Center, VPos::Center));
    root.draw(&Text::new(message.to_string(), (w / 2, h / 2), style))?;
    Ok(())
}

/// `Some(message frame)` if `root` is too small for a chart; charts return early with it.
pub fn too_small<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
) -> Option<Result<(), ChartError>> {
    let (w, h) = root.dim_in_pixel();
    (w < MIN_SIZE.0 || h < MIN_SIZE.1).then(|| draw_message(root, title, "area too small"))
}

/// Fills `root` white and builds a chart with a caption (if `title` is not empty) over the given
/// ranges (finite and not empty; use `nice_range`). A range `(hi, lo)` runs the axis backwards.
pub fn build_chart<'a, DB: DrawingBackend>(
    root: &'a DrawingArea<DB, Shift>,
    theme: &Theme,
    title: &str,
    x: (f64, f64),
    y: (f64, f64),
) -> Result<Chart<'a, DB>, ChartError> {
    root.fill(&WHITE)?;
    LEGEND.with(|l| l.borrow_mut().clear());
    let (width, height) = root.dim_in_pixel();
    let compact = width < COMPACT_W;
    let short = height < SHORT_H;
    SHORT.with(|s| s.set(short));
    let mut builder = ChartBuilder::on(root);
    builder
        .margin(if compact || short { 6 } else { 12 })
        .margin_right(if compact { 12 } else { 24 })
        .x_label_area_size(match (short, compact) {
            (true, _) => SHORT_X_AREA,
            (false, true) => 44,
            (false, false) => 56,
        })
        .y_label_area_size(if compact { 56 } else { 80 });
    if !title.is_empty() {
        let font = if compact || short {
            theme.compact_caption()
        } else {
            theme.caption()
        };
        builder.caption(
            fit_text(root, title.to_string(), &font, width.saturating_sub(12))?,
            font,
        );
    }
    Ok(builder.build_cartesian_2d(x.0..x.1, y.0..y.1)?)
}

/// Axis descriptions, tick labels formatted for the range, optional grid.
pub fn draw_axes<DB: DrawingBackend>(
    chart: &mut Chart<'_, DB>,
    theme: &Theme,
    x_desc: &str,
    y_desc: &str,
    grid: bool,
) -> Result<(), ChartError> {
    let (w, h) = chart.plotting_area().dim_in_pixel();
    // A short frame leaves out a y description longer than its plot is high (it would be cut);
    // the figure's caption names the axis, as it does the x axis there.
    let y_shown = !SHORT.with(|s| s.get())
        || chart
            .plotting_area()
            .estimate_text_size(y_desc, &theme.label())
            .is_ok_and(|(tw, _)| tw <= h);
    let xr = chart.x_range();
    let yr = chart.y_range();
    // As many as fit, but at least two labelled ticks: plotters picks round numbers, and too
    // few allowed on a range like -4.4..4.4 gives only "0" (steps of 5).
    let ticks = |px: u32, room: u32, r: &std::ops::Range<f64>| {
        let n = ((px / room) as usize).clamp(3, 6);
        let coord = RangedCoordf64::from(r.clone());
        (n..=8)
            .find(|&k| coord.key_points(k).len() >= 2)
            .unwrap_or(n)
    };
    let (nx, ny) = (ticks(w, TICK_ROOM.0, &xr), ticks(h, TICK_ROOM.1, &yr));
    let x_dec = tick_decimals(xr.start, xr.end, nx);
    let y_dec = tick_decimals(yr.start, yr.end, ny);
    let fx = move |v: &f64| format_tick(*v, x_dec);
    let fy = move |v: &f64| format_tick(*v, y_dec);
    let mut mesh = chart.configure_mesh();
    mesh.x_labels(nx)
        .y_labels(ny)
        .max_light_lines(4)
        .x_label_formatter(&fx)
        .y_label_formatter(&fy)
        .label_style(theme.tick())
        .axis_desc_style(theme.label())
        .axis_style(AXIS.stroke_width(2))
        .bold_line_style(RGBColor(0xdd, 0xdd, 0xdd))
        .light_line_style(RGBColor(0xf2, 0xf2, 0xf2));
    if !grid {
        mesh.disable_mesh();
    }
    if !x_desc.is_empty() && !SHORT.with(|s| s.get()) {
        mesh.x_desc(x_desc);
    }
    if !y_desc.is_empty() && y_shown {
        mesh.y_desc(y_desc);
    }
    mesh.draw()?;
    Ok(())
}

/// Decimals that tick labels of `[lo, hi]` need when plotters puts at most `n` ticks on it.
pub fn tick_decimals(lo: f64, hi: f64, n: usize) -> usize {
    let step = nice_step((hi - lo).abs() / n.max(1) as f64);
    let exp = (step.log10() + 1e-9).floor();
    if exp >= 0.0 {
        0
    } else {
        (-exp).min(9.0) as usize
    }
}

/// A tick label: `decimals` places, and `25k` for round thousands of 10 000 and more.
pub fn format_tick(v: f64, decimals: usize) -> String {
    if !v.is_finite() {
        return String::new();
    }
    if decimals == 0 && v.abs() >= 10_000.0 && v.abs() < 1e15 {
        let k = v / 1000.0;
        if k.fract() == 0.0 {
            return format!("{}k", k as i64);
        }
        return format!("{:.1}k", k);
    }
    let scale = 10f64.powi(decimals as i32);
    let rounded = (v * scale).round() / scale + 0.0; // "+ 0.0" turns -0.0 into 0.0
    format!("{:.*}", decimals, rounded)
}

/// A value with two significant digits, e.g. 0.1 -> "0.10", 0.0316 -> "0.032".
pub fn format_sig2(v: f64) -> String {
    if !v.is_finite() || v == 0.0 {
        return format!("{v}");
    }
    let decimals = (1.0 - v.abs().log10().floor()).clamp(0.0, 12.0) as usize;
    format!("{:.*}", decimals, v)
}

/// How a legend entry shows its series, drawn left of the label.
#[derive(Debug, Clone, Copy)]
pub enum Swatch {
    /// A short line.
    Line(ShapeStyle),
    /// A circle marker of this radius.
    Circle(ShapeStyle, u32),
    /// A triangle marker of this size.
    Triangle(ShapeStyle, u32),
    /// A bar (a filled rectangle).
    Bar(ShapeStyle),
}

thread_local! {
    /// Whether the chart being drawn has a short frame (`SHORT_H`): `build_chart` sets it,
    /// `draw_axes` leaves the x-axis description out of the short label area.
    static SHORT: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// The legend entries of the chart being drawn: `build_chart` clears them, `draw_line` and
    /// `add_legend_entry` add to them, `draw_legend` draws and takes them.
    /// Each entry's series, if tagged (`tag_legend_entry`): its box is recorded for picking.
    static LEGEND: RefCell<Vec<(String, Swatch, Option<usize>)>> = const { RefCell::new(Vec::new()) };
}

/// Adds an entry to the legend of the chart being drawn (see [`draw_legend`]).
pub fn add_legend_entry(label: &str, swatch: Swatch) {
    LEGEND.with(|l| l.borrow_mut().push((label.to_string(), swatch, None)));
}

/// Marks the last legend entry as series `index`'s, so that pointing at it picks the series.
pub fn tag_legend_entry(index: usize) {
    LEGEND.with(|l| {
        if let Some(e) = l.borrow_mut().last_mut() {
            e.2 = Some(index);
        }
    });
}

/// Draws `points` as one line; with a label, adds a legend entry showing the line.
pub fn draw_line<'a, DB: DrawingBackend + 'a>(
    chart: &mut Chart<'a, DB>,
    points: Vec<(f64, f64)>,
    style: ShapeStyle,
    label: Option<&str>,
) -> Result<(), ChartError> {
    chart.draw_series(std::iter::once(PathElement::new(points, style)))?;
    if let Some(label) = label {
        // Thin faded lines still get a legend swatch one can see.
        add_legend_entry(
            label,
            Swatch::Line(style.stroke_width(style.stroke_width.max(3))),
        );
    }
    Ok(())
}

/// The legend box of the entries added since `build_chart` (nothing if there are none), laid
/// out as plotters' series labels. Text sizes are asked of the backend (not of the font, as
/// plotters' own legend does), so a backend can answer them without a DOM layout (see web.rs).
pub fn draw_legend<'a, DB: DrawingBackend + 'a>(
    chart: &mut Chart<'a, DB>,
    theme: &Theme,
    position: SeriesLabelPosition,
) -> Result<(), ChartError> {
    use SeriesLabelPosition::*;
    const LINE_HEIGHT: f64 = 1.25;
    let entries = take_legend();
    if entries.is_empty() {
        return Ok(());
    }
    let area = chart.plotting_area().strip_coord_spec();
    let (aw, ah) = area.dim_in_pixel();
    // A narrow plot gets a smaller legend, so that it covers less of it.
    let compact = aw < COMPACT_PLOT_W;
    // (font, its size, padding, swatch length, room for the swatch)
    let (font, px, margin, sw, swatch_area) = if compact {
        (theme.compact_label(), COMPACT_LABEL_PX, 5, 12, 18)
    } else {
        (theme.label(), LABEL_PX, 10, 24, 30)
    };
    let (aw, ah) = (aw as i32, ah as i32);
    // A label wider than the plot (a narrow screen) is cut with an ellipsis rather than drawn
    // past the chart's edge; the text twin under every chart has it whole.
    let room = (aw - 10 - swatch_area - 2 * margin).max(px as i32) as u32;
    let entries = entries
        .into_iter()
        .map(|(label, swatch, series)| Ok((fit_text(&area, label, &font, room)?, swatch, series)))
        .collect::<Result<Vec<_>, ChartError>>()?;
    let mut boxes = Vec::with_capacity(entries.len());
    let (mut w, mut h) = (0, 0);
    for (i, (label, _, _)) in entries.iter().enumerate() {
        let (tw, th) = area.estimate_text_size(label, &font)?;
        let y = (i as f64 * px * LINE_HEIGHT).round() as i32;
        boxes.push((y, th as i32));
        w = w.max(tw as i32);
        h = h.max(y + th as i32);
    }
    let (w, h) = (w + swatch_area + 2 * margin, h + 2 * margin);
    // A legend taller than half the plot would hide the data it names (a short key chart on a
    // laptop's first screen): it is left out, and the text twin under every chart names the
    // series.
    if 2 * h > ah {
        return Ok(());
    }
    let x0 = match position {
        UpperLeft | MiddleLeft | LowerLeft => 5,
        UpperMiddle | MiddleMiddle | LowerMiddle => (aw - w) / 2,
        UpperRight | MiddleRight | LowerRight => aw - w - 5,
        Coordinate(x, _) => x,
    };
    let y0 = match position {
        UpperLeft | UpperMiddle | UpperRight => 5,
        MiddleLeft | MiddleMiddle | MiddleRight => (ah - h) / 2,
        LowerLeft | LowerMiddle | LowerRight => ah - h - 5,
        Coordinate(_, y) => y,
    };
    let corners = [(x0, y0), (x0 + w, y0 + h)];
    area.draw(&Rectangle::new(corners, WHITE.mix(0.85).filled()))?;
    area.draw(&Rectangle::new(corners, ShapeStyle::from(&MUTED)))?;
    let base = area.get_base_pixel();
    for ((label, swatch, series), (dy, th)) in entries.into_iter().zip(boxes) {
        let y = y0 + margin + dy;
        if let Some(index) = series {
            let top = base.1 + y - (px * (LINE_HEIGHT - 1.0) / 2.0) as i32;
            super::pick::record(super::pick::Hit::Legend {
                index,
                from: (base.0 + x0, top),
                to: (base.0 + x0 + w, top + (px * LINE_HEIGHT) as i32),
            });
        }
        area.draw(&Text::new(
            label,
            (x0 + margin + swatch_area, y),
            font.clone(),
        ))?;
        draw_swatch(&area, swatch, (x0 + margin, y + th / 2), sw)?;
    }
    Ok(())
}

/// The legend entries added since `build_chart`, taken (`draw_legend` and the legend under a
/// plot, `legend::draw_strip`, draw them).
pub(super) fn take_legend() -> Vec<(String, Swatch, Option<usize>)> {
    LEGEND.with(|l| std::mem::take(&mut *l.borrow_mut()))
}

/// A legend entry's swatch, `sw` pixels long, from `(x, y)` (its left end, at mid-height).
pub(super) fn draw_swatch<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    swatch: Swatch,
    (x, y): (i32, i32),
    sw: i32,
) -> Result<(), ChartError> {
    match swatch {
        Swatch::Line(s) => area.draw(&PathElement::new(vec![(x, y), (x + sw, y)], s))?,
        Swatch::Circle(s, r) => area.draw(&Circle::new((x + sw / 2, y), r, s))?,
        Swatch::Triangle(s, r) => area.draw(&TriangleMarker::new((x + sw / 2, y), r, s))?,
        Swatch::Bar(s) => area.draw(&Rectangle::new([(x, y - 7), (x + sw, y + 7)], s))?,
    }
    Ok(())
}

/// `text` at `at` (pixels in `root`, where `style.pos` anchors it) on a white box, so that the
/// bars, lines and dots behind it do not hide it.
pub fn boxed_text<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    text: String,
    at: (i32, i32),
    style: TextStyle,
) -> Result<(), ChartError> {
    let (w, h) = root.estimate_text_size(&text, &style)?;
    let (w, h) = (w as i32, h as i32);
    let x0 = match style.pos.h_pos {
        HPos::Left => at.0,
        HPos::Center => at.0 - w / 2,
        HPos::Right => at.0 - w,
    };
    let y0 = match style.pos.v_pos {
        VPos::Top => at.1,
        VPos::Center => at.1 - h / 2,
        VPos::Bottom => at.1 - h,
    };
    let corners = [(x0 - 2, y0 - 1), (x0 + w + 2, y0 + h + 1)];
    root.draw(&Rectangle::new(corners, WHITE.mix(0.85).filled()))?;
    root.draw(&Text::new(text, at, style))?;
    Ok(())
}

/// `text` as it fits in `width` pixels: whole, or its longest prefix that fits with "…" after it.
pub fn fit_text<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: String,
    font: &TextStyle,
    width: u32,
) -> Result<String, ChartError> {
    if area.estimate_text_size(&text, font)?.0 <= width {
        return Ok(text);
    }
    let chars: Vec<char> = text.chars().collect();
    let cut = |n: usize| chars[..n].iter().collect::<String>().trim_end().to_string() + "…";
    // The longest prefix that fits: binary search over its length (widths grow with it).
    let (mut lo, mut hi) = (0, chars.len());
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if area.estimate_text_size(&cut(mid), font)?.0 <= width {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    Ok(cut(lo))
}

/// The number of decimation buckets for the lines of a chart: one per two pixel columns of the
/// plotting area, so a long series becomes at most one point per pixel column (its min and max
/// every two columns). More points look the same but cost the canvas more to stroke.
pub fn line_buckets<DB: DrawingBackend>(chart: &Chart<'_, DB>) -> usize {
    (chart.plotting_area().dim_in_pixel().0 as usize / 2).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tick_labels() {
        assert_eq!(tick_decimals(0.0, 100_000.0, 6), 0);
        assert_eq!(tick_decimals(0.3, 0.55, 6), 2);
        assert_eq!(tick_decimals(-3.0, 2.0, 6), 0);
        assert_eq!(tick_decimals(2.0, 3.0, 6), 1);
        assert_eq!(format_tick(25_000.0, 0), "25k");
        assert_eq!(format_tick(12_500.0, 0), "12.5k");
        assert_eq!(format_tick(5000.0, 0), "5000");
        assert_eq!(format_tick(-0.0001, 2), "0.00");
        assert_eq!(format_tick(0.35, 2), "0.35");
        assert_eq!(format_tick(f64::NAN, 2), "");
    }

    #[test]
    fn sig2() {
        assert_eq!(format_sig2(0.1), "0.10");
        assert_eq!(format_sig2(0.0316), "0.032");
        assert_eq!(format_sig2(1.0), "1.0");
        assert_eq!(format_sig2(31.6), "32");
        assert_eq!(format_sig2(0.0), "0");
    }
}
