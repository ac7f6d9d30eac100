//! Data preparation for drawing: moving average, min/max decimation and "nice" axis ranges.
//! Non-finite values (NaN, ±inf) are treated as missing everywhere; nothing here panics.

/// Where the window of [`moving_average`] sits relative to the output index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Window `[i + 1 - w, i]`: causal, what a live curve needs (the last point is defined).
    Trailing,
    /// Window `[i - (w - 1) / 2, i + w / 2]`: no lag, for a finished sweep such as the lr finder.
    Centred,
}

/// Moving average of `values` over `window` points; the output has the same length as the input.
/// Each output is the mean of the finite values inside its window (near the ends the window is
/// cut short), or NaN when the window holds none. `window` 0 or 1 returns the values unchanged,
/// with non-finite values as NaN. O(n): one sliding sum in f64.
pub fn moving_average(values: &[f32], window: usize, align: Align) -> Vec<f32> {
    if window <= 1 {
        return values
            .iter()
            .map(|&v| if v.is_finite() { v } else { f32::NAN })
            .collect();
    }
    let (back, ahead) = match align {
        Align::Trailing => (window - 1, 0),
        Align::Centred => ((window - 1) / 2, window / 2),
    };
    // The finite values (0 for the others) and which ones count, then one sliding window:
    // output i averages [i - back, i + ahead]. (Two passes measure 2-3x faster than one, on
    // wasm32 too: the first vectorises.)
    let n = values.len();
    let xs: Vec<f64> = values
        .iter()
        .map(|&v| if v.is_finite() { v as f64 } else { 0.0 })
        .collect();
    let cs: Vec<usize> = values.iter().map(|v| v.is_finite() as usize).collect();
    let mut out = vec![f32::NAN; n];
    let (mut sum, mut count) = (0.0f64, 0usize);
    for k in 0..ahead.min(n) {
        (sum, count) = (sum + xs[k], count + cs[k]);
    }
    for (i, out) in out.iter_mut().enumerate() {
        if let Some(a) = i.checked_add(ahead).filter(|&a| a < n) {
            (sum, count) = (sum + xs[a], count + cs[a]);
        }
        if let Some(r) = i.checked_sub(back + 1) {
            (sum, count) = (sum - xs[r], count - cs[r]);
        }
        if count == 0 {
            sum = 0.0; // drops the rounding error a long sliding sum accumulates
        } else {
            *out = (sum / count as f64) as f32;
        }
    }
    out
}

/// Min/max decimation for drawing a long series as a line `x = index, y = value`.
/// The index range is cut into `buckets` equal chunks (use the plot width in pixels); each chunk
/// yields its minimum and its maximum point, in index order, so the drawn envelope is the same as
/// the full series'. Non-finite values are skipped. Series short enough to draw whole
/// (at most `2 * buckets` points) come back whole. Returns `(index, value)` pairs.
pub fn decimate(values: &[f32], buckets: usize) -> Vec<(usize, f32)> {
    let n = values.len();
    let buckets = buckets.max(1);
    if n <= 2 * buckets {
        return values
            .iter()
            .enumerate()
            .filter(|(_, v)| v.is_finite())
            .map(|(i, &v)| (i, v))
            .collect();
    }
    let mut out = Vec::with_capacity(2 * buckets);
    for b in 0..buckets {
        // u64 so that n * b cannot overflow a 32-bit usize on wasm32.
        let start = (n as u64 * b as u64 / buckets as u64) as usize;
        let end = (n as u64 * (b as u64 + 1) / buckets as u64) as usize;
        let chunk = &values[start..end];
        // Two passes: the finite extremes (branch-free selects, 3x faster than tracking indices
        // as we go), then where they first occur.
        let (mut lo, mut hi) = (f32::INFINITY, f32::NEG_INFINITY);
        for &v in chunk {
            let finite = v.is_finite();
            lo = if finite && v < lo { v } else { lo };
            hi = if finite && v > hi { v } else { hi };
        }
        if lo > hi {
            continue; // no finite value in this chunk
        }
        let at = |x: f32| start + chunk.iter().position(|&v| v == x).unwrap_or(0);
        let (i_lo, i_hi) = (at(lo), at(hi));
        match i_lo.cmp(&i_hi) {
            std::cmp::Ordering::Equal => out.push((i_lo, lo)),
            std::cmp::Ordering::Less => out.extend([(i_lo, lo), (i_hi, hi)]),
            std::cmp::Ordering::Greater => out.extend([(i_hi, hi), (i_lo, lo)]),
        }
    }
    out
}

/// The tick step plotters will choose, rounded up: 1, 2 or 5 times a power of ten, at least
/// `raw`. Returns 1.0 for non-positive or non-finite input.
pub fn nice_step(raw: f64) -> f64 {
    if !(raw.is_finite() && raw > 0.0) {
        return 1.0;
    }
    let pow = 10f64.powf(raw.log10().floor());
    for m in [1.0, 2.0, 5.0, 10.0] {
        if m * pow >= raw * (1.0 - 1e-9) {
            return m * pow;
        }
    }
    10.0 * pow
}

/// An axis range that contains `[lo, hi]` and ends on round numbers (multiples of a 1/2/5 step,
/// about five steps across). Order does not matter; a non-finite end is ignored (both non-finite
/// gives `(0, 1)`); an empty range (`lo == hi`) is widened around the value. Always `lo < hi`.
pub fn nice_range(lo: f64, hi: f64) -> (f64, f64) {
    let (lo, hi) = match (lo.is_finite(), hi.is_finite()) {
        (true, true) => (lo.min(hi), lo.max(hi)),
        (true, false) => (lo, lo),
        (false, true) => (hi, hi),
        (false, false) => return (0.0, 1.0),
    };
    // An empty (or, relative to its values, vanishingly thin) range is widened first.
    let (lo, hi) = if hi - lo > 1e-9 * lo.abs().max(hi.abs()) {
        (lo, hi)
    } else {
        let pad = if lo != 0.0 { lo.abs() * 0.1 } else { 0.5 };
        (lo - pad, hi + pad)
    };
    let span = hi - lo;
    let step = nice_step(span / 5.0);
    let (a, b) = ((lo / step).floor() * step, (hi / step).ceil() * step);
    if !(a < b && a.is_finite() && b.is_finite()) {
        // Only for spans beyond f64 (both ends near ±f64::MAX): keep the data range.
        return if span.is_finite() && span > 0.0 {
            (lo, hi)
        } else {
            (-1.0, 1.0)
        };
    }
    // Normalise -0.0 so that tick labels never read "-0".
    (a + 0.0, b + 0.0)
}

/// `nice_range` after widening `[lo, hi]` by `frac` of its span on each side (room for markers).
pub fn padded_nice_range(lo: f64, hi: f64, frac: f64) -> (f64, f64) {
    let pad = if hi.is_finite() && lo.is_finite() {
        (hi - lo).abs() * frac
    } else {
        0.0
    };
    nice_range(lo - pad, hi + pad)
}

/// The smallest and largest finite values of an iterator, or `None` if there are none.
pub fn finite_bounds(values: impl IntoIterator<Item = f64>) -> Option<(f64, f64)> {
    values
        .into_iter()
        .filter(|v| v.is_finite())
        .fold(None, |acc, v| match acc {
            None => Some((v, v)),
            Some((a, b)) => Some((a.min(v), b.max(v))),
        })
}

/// A count with thousands separators, as every figure of the page writes it: 182625 ->
/// "182,625" (`format::count` is this).
pub fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Sorts indices by a comparison, stably. Every index sort of the charts goes through this one
/// instantiation of the standard sort (each closure type would otherwise compile its own copy
/// into the wasm).
pub fn sort_indices(idx: &mut [usize], cmp: &dyn Fn(usize, usize) -> std::cmp::Ordering) {
    idx.sort_by(|&a, &b| cmp(a, b));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: &[f32], b: &[f32]) -> bool {
        a.len() == b.len()
            && a.iter()
                .zip(b)
                .all(|(x, y)| (x.is_nan() && y.is_nan()) || (x - y).abs() < 1e-6)
    }

    #[test]
    fn moving_average_trailing_and_centred() {
        let v = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert!(close(
            &moving_average(&v, 2, Align::Trailing),
            &[1.0, 1.5, 2.5, 3.5, 4.5]
        ));
        assert!(close(
            &moving_average(&v, 3, Align::Centred),
            &[1.5, 2.0, 3.0, 4.0, 4.5]
        ));
        // Even centred windows lean forward: [i-1, i+1] for w = 3, [i-1, i+2] for w = 4.
        assert!(close(
            &moving_average(&v, 4, Align::Centred),
            &[2.0, 2.5, 3.5, 4.0, 4.5]
        ));
        // A window longer than the data: cumulative mean (trailing), whole mean (centred).
        assert!(close(
            &moving_average(&v, 100, Align::Trailing),
            &[1.0, 1.5, 2.0, 2.5, 3.0]
        ));
        assert!(close(&moving_average(&v, 100, Align::Centred), &[3.0; 5]));
        assert!(close(&moving_average(&v, 1, Align::Trailing), &v));
        assert!(close(&moving_average(&v, 0, Align::Centred), &v));
        assert!(moving_average(&[], 5, Align::Trailing).is_empty());
    }

    #[test]
    fn moving_average_skips_non_finite() {
        let v = [1.0, f32::NAN, 3.0, f32::INFINITY, f32::NAN, f32::NAN, 7.0];
        let t = moving_average(&v, 2, Align::Trailing);
        assert!(close(&t, &[1.0, 1.0, 3.0, 3.0, f32::NAN, f32::NAN, 7.0]));
        let raw = moving_average(&v, 1, Align::Trailing);
        assert!(raw[3].is_nan() && raw[2] == 3.0);
        let c = moving_average(&v, 3, Align::Centred);
        assert!(close(&c, &[1.0, 2.0, 3.0, 3.0, f32::NAN, 7.0, 7.0]));
    }

    #[test]
    fn moving_average_matches_direct_mean() {
        let v: Vec<f32> = (0..500)
            .map(|i| {
                if i % 7 == 3 {
                    f32::NAN
                } else {
                    ((i * 37) % 101) as f32 * 0.1
                }
            })
            .collect();
        for (window, align) in [
            (10, Align::Trailing),
            (25, Align::Centred),
            (4, Align::Centred),
        ] {
            let (back, ahead) = match align {
                Align::Trailing => (window - 1, 0),
                Align::Centred => ((window - 1) / 2, window / 2),
            };
            let fast = moving_average(&v, window, align);
            for (i, got) in fast.iter().enumerate() {
                let w = &v[i.saturating_sub(back)..(i + ahead + 1).min(v.len())];
                let finite: Vec<f32> = w.iter().copied().filter(|x| x.is_finite()).collect();
                let want = finite.iter().sum::<f32>() / finite.len() as f32;
                assert!(
                    (got - want).abs() < 1e-4,
                    "{window} {align:?} at {i}: {got} vs {want}"
                );
            }
        }
    }

    #[test]
    fn decimate_keeps_envelope_and_bounds_size() {
        let n = 100_000;
        let v: Vec<f32> = (0..n).map(|i| ((i * 7919) % 1000) as f32).collect();
        let d = decimate(&v, 500);
        assert!(d.len() <= 1000, "{} points", d.len());
        assert!(d.len() >= 500);
        assert!(d.windows(2).all(|w| w[0].0 < w[1].0), "indices increase");
        let max = d.iter().map(|p| p.1).fold(f32::MIN, f32::max);
        let min = d.iter().map(|p| p.1).fold(f32::MAX, f32::min);
        assert_eq!((min, max), (0.0, 999.0));
        // A spike survives decimation.
        let mut spiky = vec![1.0f32; n];
        spiky[54_321] = 50.0;
        assert!(decimate(&spiky, 300).contains(&(54_321, 50.0)));
    }

    #[test]
    fn decimate_short_and_non_finite() {
        assert_eq!(
            decimate(&[1.0, f32::NAN, 3.0], 10),
            vec![(0, 1.0), (2, 3.0)]
        );
        assert!(decimate(&[], 10).is_empty());
        // A flat chunk yields one point.
        assert_eq!(decimate(&[2.0; 5], 0), vec![(0, 2.0)]);
        let all_nan = vec![f32::NAN; 10_000];
        assert!(decimate(&all_nan, 100).is_empty());
        // Only non-finite values are skipped, infinities included.
        let mut v = vec![f32::INFINITY; 1000];
        v[10] = 5.0;
        v[900] = f32::NEG_INFINITY;
        v[901] = -2.0;
        assert_eq!(decimate(&v, 10), vec![(10, 5.0), (901, -2.0)]);
    }

    #[test]
    fn nice_step_is_1_2_5() {
        assert_eq!(nice_step(0.13), 0.2);
        assert_eq!(nice_step(3.0), 5.0);
        assert_eq!(nice_step(5.0), 5.0);
        assert_eq!(nice_step(7.0), 10.0);
        assert_eq!(nice_step(1000.0), 1000.0);
        assert_eq!(nice_step(f64::NAN), 1.0);
        assert_eq!(nice_step(-2.0), 1.0);
    }

    #[test]
    fn nice_range_rounds_outwards() {
        let (a, b) = nice_range(0.13, 0.87);
        assert!(a.abs() < 1e-12 && (b - 1.0).abs() < 1e-12, "{a} {b}");
        let (a, b) = nice_range(0.31, 0.54);
        assert!(
            (a - 0.3).abs() < 1e-12 && (b - 0.55).abs() < 1e-12,
            "{a} {b}"
        );
        assert_eq!(nice_range(0.0, 99_990.0), (0.0, 100_000.0));
        let (a, b) = nice_range(-2.7, 1.2);
        assert!(a <= -2.7 && b >= 1.2 && a > -4.0 && b < 3.0, "{a} {b}");
        assert_eq!(nice_range(5.0, 1.0), nice_range(1.0, 5.0));
    }

    #[test]
    fn nice_range_degenerate_inputs() {
        let (a, b) = nice_range(2.0, 2.0);
        assert!(a < 2.0 && b > 2.0 && b - a < 2.0, "{a} {b}");
        let (a, b) = nice_range(0.0, 0.0);
        assert!(a <= 0.0 && b > 0.0);
        assert_eq!(nice_range(f64::NAN, f64::INFINITY), (0.0, 1.0));
        let (a, b) = nice_range(f64::NAN, 3.0);
        assert!(a < 3.0 && b > 3.0);
        let (a, b) = nice_range(-3.4e38, 3.4e38);
        assert!(a.is_finite() && b.is_finite() && a < b);
        let (a, b) = nice_range(1e20, 1e20);
        assert!(a < b);
        let (a, b) = nice_range(1.0, 1.0 + 1e-15);
        assert!(a < 1.0 && b > 1.0 && b - a > 0.01, "{a} {b}");
        let (a, b) = padded_nice_range(0.0, 1.0, 0.1);
        assert!(a < 0.0 && b > 1.0);
    }

    #[test]
    fn finite_bounds_ignores_nan() {
        assert_eq!(
            finite_bounds([f64::NAN, 2.0, -1.0, f64::INFINITY]),
            Some((-1.0, 2.0))
        );
        assert_eq!(finite_bounds([f64::NAN]), None);
        assert_eq!(finite_bounds(std::iter::empty()), None);
    }
}
