//! What every chart shares: text styles sized for a projector, the chart frame (caption, axes,
//! tick labels), legends, lines with legend entries, and the "no data yet" frame.

use super::prep::nice_step;
use super::ChartError;
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

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
pub const NO_DATA: &str = "no data yet";

/// The chart type every chart draws on: f64 on both axes.
pub type Chart<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Whether `DB` can draw text. Without a font feature (ttf or ab_glyph, which need system or
/// embedded fonts), plotters has no glyph rasteriser, and a bitmap backend, which draws text
/// pixel by pixel through it, would panic ("The font implementation is unable to draw text").
/// Backends that render text themselves (SVG writes `<text>`, the canvas calls `fillText`) are
/// fine. So for `plotters_bitmap` backends the text is made transparent, which plotters skips
/// before rasterising; everything else (including layout, which only estimates sizes) is drawn.
pub fn text_supported<DB: DrawingBackend>() -> bool {
    !std::any::type_name::<DB>().contains("plotters_bitmap")
}

/// Text styles for one backend (transparent where the backend cannot draw text).
#[derive(Debug, Clone, Copy)]
pub struct Theme {
    text: RGBAColor,
    muted: RGBAColor,
}

impl Theme {
    pub fn for_backend<DB: DrawingBackend>() -> Theme {
        if text_supported::<DB>() {
            Theme {
                text: BLACK.to_rgba(),
                muted: MUTED.to_rgba(),
            }
        } else {
            Theme {
                text: TRANSPARENT,
                muted: TRANSPARENT,
            }
        }
    }

    fn font(&self, px: f64, style: FontStyle, color: &RGBAColor) -> TextStyle<'static> {
        FontDesc::new(FontFamily::SansSerif, px, style).color(color)
    }

    pub fn caption(&self) -> TextStyle<'static> {
        self.font(CAPTION_PX, FontStyle::Normal, &self.text)
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

    /// Bold text in `color` (made transparent if the backend cannot draw text).
    pub fn bold(&self, px: f64, color: RGBColor) -> TextStyle<'static> {
        let c = if self.text.3 == 0.0 {
            TRANSPARENT
        } else {
            color.to_rgba()
        };
        self.font(px, FontStyle::Bold, &c)
    }
}

/// Fills `root` white and draws a frame with the caption and `message` in the middle (used for
/// empty data and for areas too small to hold a chart).
pub fn draw_message<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    message: &str,
) -> Result<(), ChartError> {
    let theme = Theme::for_backend::<DB>();
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
    let mut builder = ChartBuilder::on(root);
    builder
        .margin(12)
        .margin_right(24)
        .x_label_area_size(56)
        .y_label_area_size(80);
    if !title.is_empty() {
        builder.caption(title, theme.caption());
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
    const N_LABELS: usize = 6;
    let xr = chart.x_range();
    let yr = chart.y_range();
    let x_dec = tick_decimals(xr.start, xr.end, N_LABELS);
    let y_dec = tick_decimals(yr.start, yr.end, N_LABELS);
    let fx = move |v: &f64| format_tick(*v, x_dec);
    let fy = move |v: &f64| format_tick(*v, y_dec);
    let mut mesh = chart.configure_mesh();
    mesh.x_labels(N_LABELS)
        .y_labels(N_LABELS)
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
    if !x_desc.is_empty() {
        mesh.x_desc(x_desc);
    }
    if !y_desc.is_empty() {
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

/// Draws `points` as one line; with a label, adds a legend entry showing the line.
pub fn draw_line<'a, DB: DrawingBackend + 'a>(
    chart: &mut Chart<'a, DB>,
    points: Vec<(f64, f64)>,
    style: ShapeStyle,
    label: Option<&str>,
) -> Result<(), ChartError> {
    let anno = chart.draw_series(std::iter::once(PathElement::new(points, style)))?;
    if let Some(label) = label {
        // Thin faded lines still get a legend swatch one can see.
        let swatch = style.stroke_width(style.stroke_width.max(3));
        anno.label(label)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], swatch));
    }
    Ok(())
}

/// The legend box (only call it when some series has a label).
pub fn draw_legend<'a, DB: DrawingBackend + 'a>(
    chart: &mut Chart<'a, DB>,
    theme: &Theme,
    position: SeriesLabelPosition,
) -> Result<(), ChartError> {
    chart
        .configure_series_labels()
        .position(position)
        .margin(10)
        .legend_area_size(30)
        .label_font(theme.label())
        .background_style(WHITE.mix(0.85))
        .border_style(MUTED)
        .draw()?;
    Ok(())
}

/// Pixel width of the plotting area: the number of decimation buckets.
pub fn plot_width<DB: DrawingBackend>(chart: &Chart<'_, DB>) -> usize {
    (chart.plotting_area().dim_in_pixel().0 as usize).max(1)
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

    #[test]
    fn bitmap_backends_draw_no_text() {
        assert!(!text_supported::<plotters::backend::BitMapBackend<'static>>());
        assert!(text_supported::<plotters::prelude::SVGBackend<'static>>());
    }
}
