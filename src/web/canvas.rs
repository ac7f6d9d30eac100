//! The page's drawing surface: plotters-canvas's `CanvasBackend`, sharp at any devicePixelRatio
//! and with text measured by the canvas itself.

use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
};
use plotters_canvas::CanvasBackend;
use std::cell::RefCell;
use std::collections::HashMap;
use web_sys::CanvasRenderingContext2d;

/// A `CanvasBackend` that measures text with the canvas (`measureText`) and caches the sizes.
/// plotters itself measures a text by adding a `<span style=...>` to the document and reading its
/// size, which forces a style and layout pass of the whole page each time (1 ms and more while
/// the page has new text, in the middle of a frame), and needs inline styles, which the page's
/// Content-Security-Policy refuses. Here the canvas measures: widths with `measureText`, the
/// height of a font from its bounding box, once per font. Everything else goes straight to the
/// backend.
///
/// The canvas holds `scale` device pixels per CSS pixel (devicePixelRatio): the context is scaled
/// by it and the backend reports the size in CSS pixels, so charts are laid out as on a
/// 1x screen and drawn at full resolution.
pub struct CachedTextCanvas {
    pub backend: CanvasBackend,
    pub context: Option<CanvasRenderingContext2d>,
    pub scale: f64,
    /// False: lay the chart out (sizes, text measures) and draw nothing, to find what is where
    /// (the page's pointing, `web::pick`).
    pub draws: bool,
}

/// At most this many measurements are kept (then the cache starts again).
const TEXT_CACHE_MAX: usize = 4096;

thread_local! {
    /// (CSS font, text) -> (width, height) in pixels.
    static TEXT_SIZES: RefCell<HashMap<(String, String), (u32, u32)>> = RefCell::new(HashMap::new());
    /// CSS font -> the height of its line box (font bounding box ascent + descent).
    static FONT_HEIGHTS: RefCell<HashMap<String, u32>> = RefCell::new(HashMap::new());
}

impl DrawingBackend for CachedTextCanvas {
    type ErrorType = <CanvasBackend as DrawingBackend>::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        let (w, h) = self.backend.get_size();
        let css = |px: u32| (px as f64 / self.scale).round() as u32;
        (css(w), css(h))
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.backend.ensure_prepared()
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.backend.present()
    }

    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        if !self.draws {
            return Ok(());
        }
        self.backend.draw_pixel(point, color)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        if !self.draws {
            return Ok(());
        }
        self.backend.draw_line(from, to, style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        if !self.draws {
            return Ok(());
        }
        self.backend
            .draw_rect(upper_left, bottom_right, style, fill)
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        if !self.draws {
            return Ok(());
        }
        self.backend.draw_path(path, style)
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        if !self.draws {
            return Ok(());
        }
        self.backend.draw_circle(center, radius, style, fill)
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        if !self.draws {
            return Ok(());
        }
        self.backend.fill_polygon(vert, style)
    }

    fn draw_text<TStyle: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &TStyle,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        if !self.draws {
            return Ok(());
        }
        self.backend.draw_text(text, style, pos)
    }

    fn estimate_text_size<TStyle: BackendTextStyle>(
        &self,
        text: &str,
        style: &TStyle,
    ) -> Result<(u32, u32), DrawingErrorKind<Self::ErrorType>> {
        // The font as plotters-canvas sets it for `fillText`.
        let font = format!(
            "{} {}px {}",
            style.style().as_str(),
            style.size(),
            style.family().as_str()
        );
        let key = (font, text.to_string());
        if let Some(size) = TEXT_SIZES.with(|c| c.borrow().get(&key).copied()) {
            return Ok(size);
        }
        // Without a 2-D context (never on the page), a rough estimate from the font size.
        let rough = || {
            let px = style.size();
            (
                (text.chars().count() as f64 * px * 0.6) as u32,
                (px * 1.2) as u32,
            )
        };
        let Some(ctx) = &self.context else {
            return Ok(rough());
        };
        ctx.set_font(&key.0);
        // The font's line box (ascent + descent of the font, not of this text), once per font:
        // labels of one font then line up whatever their letters.
        let height = match FONT_HEIGHTS.with(|c| c.borrow().get(&key.0).copied()) {
            Some(h) => h,
            None => match ctx.measure_text("Mg") {
                Ok(m) => {
                    let h = (m.font_bounding_box_ascent() + m.font_bounding_box_descent()).ceil()
                        as u32;
                    FONT_HEIGHTS.with(|c| c.borrow_mut().insert(key.0.clone(), h));
                    h
                }
                Err(_) => return Ok(rough()),
            },
        };
        let width = match ctx.measure_text(text) {
            Ok(m) => m.width().round().max(0.0) as u32,
            Err(_) => return Ok(rough()),
        };
        let size = (width, height);
        TEXT_SIZES.with(|c| {
            let mut c = c.borrow_mut();
            if c.len() >= TEXT_CACHE_MAX {
                c.clear();
            }
            c.insert(key, size);
        });
        Ok(size)
    }

    fn blit_bitmap(
        &mut self,
        pos: BackendCoord,
        size: (u32, u32),
        src: &[u8],
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        if !self.draws {
            return Ok(());
        }
        self.backend.blit_bitmap(pos, size, src)
    }
}
