//! A chart as a stand-alone figure, what the page saves as PNG: on white, the caption in bold on
//! top, the chart in the middle and its key numbers as text lines below, each wrapped to the
//! width (a word too long for a line is cut with an ellipsis), so that the file says what it
//! shows without the page around it.

use super::common::*;
use super::{ChartError, FigureData};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Space around the texts, in pixels.
const MARGIN: i32 = 16;
/// Line height over font size.
const LINE_SPACING: f64 = 1.3;
const ELLIPSIS: &str = "…";

/// `word` cut to fit `width` pixels in `font` with an ellipsis appended ("…" alone if nothing
/// fits). Binary search: a long word costs log(length) measurements.
fn cut<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    word: &str,
    font: &TextStyle,
    width: i32,
) -> Result<String, ChartError> {
    let chars: Vec<char> = word.chars().collect();
    let with_ellipsis = |k: usize| chars[..k].iter().collect::<String>() + ELLIPSIS;
    let (mut lo, mut hi) = (0, chars.len());
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if area.estimate_text_size(&with_ellipsis(mid), font)?.0 as i32 <= width {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    Ok(with_ellipsis(lo))
}

/// `text` broken at spaces into lines at most `width` pixels wide in `font`; a word wider than a
/// line gets a line of its own, cut (see [`cut`]). Empty text is one empty line.
fn wrap<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    font: &TextStyle,
    width: i32,
) -> Result<Vec<String>, ChartError> {
    let fits = |s: &str| -> Result<bool, ChartError> {
        Ok(area.estimate_text_size(s, font)?.0 as i32 <= width)
    };
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let longer = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if fits(&longer)? {
            line = longer;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        if fits(word)? {
            line = word.to_string();
        } else {
            lines.push(cut(area, word, font, width)?);
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    Ok(lines)
}

/// Draws the figure of `data` (see [`FigureData`]) into `root`: `ChartError::TooSmall` (and
/// nothing drawn) if the chart would get less than the smallest chart's size.
pub fn draw_figure<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &FigureData,
) -> Result<(), ChartError> {
    let theme = Theme::new();
    let (w, h) = root.dim_in_pixel();
    let too_small = |chart_h: i32| {
        ChartError::TooSmall(format!(
            "a {w}x{h} figure leaves its chart {}x{chart_h} pixels, less than {}x{}",
            w, MIN_SIZE.0, MIN_SIZE.1
        ))
    };
    if w < MIN_SIZE.0 {
        return Err(too_small(h as i32));
    }
    let text_w = w as i32 - 2 * MARGIN;
    let caption_font = theme.bold(CAPTION_PX, BLACK);
    let line_font = theme.label();
    let caption = if data.caption.trim().is_empty() {
        Vec::new()
    } else {
        wrap(root, data.caption, &caption_font, text_w)?
    };
    let mut lines = Vec::new();
    for line in data.lines {
        lines.extend(wrap(root, line, &line_font, text_w)?);
    }
    let caption_h = (CAPTION_PX * LINE_SPACING).round() as i32;
    let line_h = (LABEL_PX * LINE_SPACING).round() as i32;
    let top = MARGIN + caption.len() as i32 * caption_h;
    let bottom = lines.len() as i32 * line_h + if lines.is_empty() { 0 } else { MARGIN };
    let chart_h = h as i32 - top - bottom;
    if chart_h < MIN_SIZE.1 as i32 {
        return Err(too_small(chart_h));
    }

    root.fill(&WHITE)?;
    let left_top = Pos::new(HPos::Left, VPos::Top);
    for (i, text) in caption.into_iter().enumerate() {
        let style = caption_font.clone().pos(left_top);
        root.draw(&Text::new(
            text,
            (MARGIN, MARGIN + i as i32 * caption_h),
            style,
        ))?;
    }
    let (_, below) = root.split_vertically(top);
    let (chart, _) = below.split_vertically(chart_h);
    data.chart.draw(&chart)?;
    let y0 = top + chart_h;
    for (i, text) in lines.into_iter().enumerate() {
        let style = line_font.clone().pos(left_top);
        root.draw(&Text::new(text, (MARGIN, y0 + i as i32 * line_h), style))?;
    }
    Ok(())
}
