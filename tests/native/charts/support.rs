//! What every chart test uses: SVG and bitmap rendering (`NoText` drops text from bitmaps),
//! the gallery macro `shown!`, SVG inspection (texts, polylines) and test data generators.

use makemore_lab::charts::*;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind,
};

pub const W: u32 = 800;
pub const H: u32 = 500;

pub type SvgArea<'a> = DrawingArea<SVGBackend<'a>, Shift>;
pub type BitmapArea<'a> = DrawingArea<NoText<BitMapBackend<'a>>, Shift>;

/// A backend that draws everything but text, on `B`. Without a font feature (ttf or ab_glyph,
/// which need system or embedded fonts) plotters cannot rasterise glyphs, and a bitmap backend
/// would panic on the first label; the pixels tests count shapes and colours, so they drop text.
pub struct NoText<B>(pub B);

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

pub fn bitmap_area(buf: &mut [u8], w: u32, h: u32) -> BitmapArea<'_> {
    NoText(BitMapBackend::with_buffer(buf, (w, h))).into_drawing_area()
}

pub fn svg(w: u32, h: u32, draw: impl FnOnce(&SvgArea) -> Result<(), ChartError>) -> String {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (w, h)).into_drawing_area();
        draw(&root).expect("chart draws");
        root.present().expect("svg presents");
    }
    out
}

pub fn bitmap(w: u32, h: u32, draw: impl FnOnce(&BitmapArea) -> Result<(), ChartError>) -> Vec<u8> {
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
/// look at: `CHARTS_GALLERY=/tmp/charts cargo test --test native charts::`, then open them in a browser.
/// (A macro: the draw closure is generic over the backend, so it is written out once per backend.)
macro_rules! shown {
    ($name:expr, $w:expr, $h:expr, $draw:expr) => {{
        let (name, w, h): (&str, u32, u32) = ($name, $w, $h);
        let s = $crate::charts::support::svg(w, h, $draw);
        if let Some(dir) = std::env::var_os("CHARTS_GALLERY") {
            let dir = std::path::PathBuf::from(dir);
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(dir.join(format!("{name}.svg")), &s).unwrap();
            let rgb = $crate::charts::support::bitmap(w, h, $draw);
            std::fs::write(
                dir.join(format!("{name}.bmp")),
                $crate::charts::support::bmp(&rgb, w, h),
            )
            .unwrap();
        }
        s
    }};
}

pub fn pixels(buf: &[u8]) -> impl Iterator<Item = [u8; 3]> + '_ {
    buf.chunks_exact(3).map(|p| [p[0], p[1], p[2]])
}

pub fn non_white_fraction(buf: &[u8]) -> f64 {
    let n = buf.len() / 3;
    pixels(buf).filter(|p| *p != [255, 255, 255]).count() as f64 / n as f64
}

/// Pixels close to `c` (anti-aliasing and alpha blending change colours slightly).
pub fn count_near(buf: &[u8], c: RGBColor) -> usize {
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
pub fn texts(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .filter_map(|t| {
            let body = &t[t.find('>')? + 1..t.find("</text>")?];
            Some(body.trim().to_string())
        })
        .collect()
}

pub fn has_text(svg: &str, want: &str) -> bool {
    texts(svg).iter().any(|t| t == want)
}

pub fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    Some(&tag[start..start + tag[start..].find('"')?])
}

/// (stroke colour, points) of every `<polyline>` (plotters draws each line series as one), but
/// not the axes and ticks (also polylines, as they are 2 px wide; drawn in dark grey #404040).
pub fn polylines(svg: &str) -> Vec<(String, Vec<(i32, i32)>)> {
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

pub fn hex(c: RGBColor) -> String {
    format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2)
}

/// A small deterministic generator for noisy test data.
pub struct Lcg(pub u64);
impl Lcg {
    pub fn next(&mut self) -> f32 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 40) as f32) / (1u64 << 24) as f32
    }
}

/// A decaying, noisy loss curve like a real run's.
pub fn fake_losses(n: usize, seed: u64) -> Vec<f32> {
    let mut rng = Lcg(seed);
    (0..n)
        .map(|i| 2.1 + 1.2 * (-(i as f32) / (n as f32 / 8.0)).exp() + 0.4 * rng.next())
        .collect()
}

pub fn assert_no_data(svg: &str) {
    assert!(
        has_text(svg, "no data yet"),
        "no 'no data yet' in {:?}",
        texts(svg)
    );
    assert!(polylines(svg).is_empty(), "an empty chart draws no lines");
}

/// A 24-bit BMP of an RGB buffer (browsers open it; no image encoder needed).
pub fn bmp(rgb: &[u8], w: u32, h: u32) -> Vec<u8> {
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
