//! Numbers as the page shows them. Every figure on the page is formatted here, once: the lesson's
//! texts and the session's views use these functions (the charts' own tick labels are theirs).

/// A count with thousands separators: 182625 -> "182,625" (the charts' own, so a chart and its
/// text write counts alike).
pub fn count(n: usize) -> String {
    crate::charts::thousands(n)
}

/// A signed value for the stats lines: "+0.00", "-0.12"; tiny or huge values in e-notation.
pub fn signed(x: f32) -> String {
    if x == 0.0 || (x.abs() >= 0.01 && x.abs() < 1000.0) {
        format!("{x:+.2}")
    } else {
        format!("{x:+.1e}")
    }
}

/// An unsigned value with two decimals, tiny or huge ones in e-notation.
pub fn plain(x: f32) -> String {
    if plain_fixed(x) {
        format!("{x:.2}")
    } else {
        format!("{x:.1e}")
    }
}

/// Whether `plain` writes `x` with two decimals (else in scientific notation).
fn plain_fixed(x: f32) -> bool {
    x == 0.0 || (x.abs() >= 0.01 && x.abs() < 1000.0)
}

/// An upper bound as `plain` writes it, rounded up (never below `x`): 0.0591 -> "0.06", for
/// "below 0.06".
pub fn at_most(x: f32) -> String {
    let fixed = plain_fixed(x);
    let x = x as f64;
    if fixed {
        format!("{:.2}", (x * 100.0 - 1e-9).ceil() / 100.0)
    } else {
        let unit = 10f64.powi(x.abs().log10().floor() as i32 - 1);
        format!("{:.1e}", (x / unit - 1e-9).ceil() * unit)
    }
}

/// A lower bound as a whole number, rounded down (never above `x`): 16.9 -> "16", for "at
/// least 16 times".
pub fn at_least_whole(x: f32) -> String {
    format!("{:.0}", ((x as f64) + 1e-9).floor())
}

/// A value to one decimal, for a rough size: 5.477 -> "5.5".
pub fn tenths(x: impl Into<f64>) -> String {
    format!("{:.1}", x.into())
}

/// A position or a distance in a 2-D plot, with two decimals: "-0.57".
pub fn coord(x: impl Into<f64>) -> String {
    format!("{:.2}", x.into())
}

/// A power of ten by its exponent, with two decimals: -2.314 -> "10^-2.31".
pub fn exp10(e: impl Into<f64>) -> String {
    format!("10^{:.2}", e.into())
}

/// A small value in e-notation (a gradient's mean or std): "4.1e-3".
pub fn sci(x: impl Into<f64>) -> String {
    format!("{:.1e}", x.into())
}

/// A small signed value in e-notation: "+1.2e-5".
pub fn sci_signed(x: impl Into<f64>) -> String {
    format!("{:+.1e}", x.into())
}

/// A probability with four decimals: "0.0370".
pub fn prob(p: impl Into<f64>) -> String {
    format!("{:.4}", p.into())
}

/// A probability among many, with three decimals: "0.037".
pub fn prob_brief(p: impl Into<f64>) -> String {
    format!("{:.3}", p.into())
}

/// A negative log-likelihood in nats, with three decimals (as a loss is written): "3.296".
pub fn nats(x: impl Into<f64>) -> String {
    format!("{:.3}", x.into())
}

/// Steps per second, rounded, with separators: "5,310 it/s".
pub fn speed(steps_per_s: f64) -> String {
    format!("{} it/s", count(steps_per_s.round() as usize))
}

/// A fraction done as a whole percentage: 0.374 -> "37%".
pub fn pct_whole(frac: f32) -> String {
    format!("{}%", (frac * 100.0).round())
}

/// Bytes in megabytes, rounded: "256 MB".
pub fn megabytes(bytes: f64) -> String {
    format!("{:.0} MB", bytes / 1e6)
}

/// Floating-point operations in GFLOP, to one decimal: "1.2 GFLOP".
pub fn gflop(flops: f64) -> String {
    format!("{} GFLOP", tenths(flops / 1e9))
}

/// A value rounded to a whole number, without separators: 1234.6 -> "1235".
pub fn whole(x: f32) -> String {
    format!("{x:.0}")
}

/// A value exactly as it reads back (the shortest text that parses to it): 0.1, 10, 1e-5.
pub fn exact(x: f32) -> String {
    format!("{x}")
}

/// A fraction as a percentage with one decimal: 0.032 -> "3.2%".
pub fn pct(frac: f32) -> String {
    format!("{:.1}%", frac * 100.0)
}

/// A loss with three decimals ("2.135"), or "NaN"/"inf" as such.
pub fn loss(x: f32) -> String {
    if x.is_finite() {
        format!("{x:.3}")
    } else {
        format!("{x}")
    }
}

/// A learning rate in three significant digits: 0.1, 0.0316 -> "3.16e-2", 1000 -> "1.00e3".
pub fn lr(x: f32) -> String {
    if !x.is_finite() {
        return format!("{x}");
    }
    if (0.01..1000.0).contains(&x) {
        let digits = 2 - x.log10().floor() as i32;
        let p = 10f64.powi(digits);
        let v = (x as f64 * p).round() / p;
        format!("{v}")
    } else {
        format!("{x:.2e}")
    }
}

/// A duration: "42 s", "3 min 5 s", "2 h 10 min".
pub fn duration(secs: f64) -> String {
    if !secs.is_finite() || secs < 0.0 {
        return String::new();
    }
    if secs < 60.0 {
        return format!("{} s", secs.ceil() as u64);
    }
    let s = secs.round() as u64;
    if s < 3600 {
        format!("{} min {} s", s / 60, s % 60)
    } else {
        format!("{} h {} min", s / 3600, (s % 3600 + 30) / 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_rates_read_as_the_page_shows_them() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(182_625), "182,625");
        assert_eq!(count(10_000_000), "10,000,000");
        assert_eq!(lr(0.1), "0.1");
        assert_eq!(lr(0.031_622_78), "0.0316");
        assert_eq!(lr(0.001), "1.00e-3");
        assert_eq!(lr(123.456), "123");
        assert_eq!(duration(4.2), "5 s");
        assert_eq!(duration(185.0), "3 min 5 s");
        assert_eq!(duration(7800.0), "2 h 10 min");
        assert_eq!(signed(0.0), "+0.00");
        assert_eq!(signed(-0.1234), "-0.12");
        assert_eq!(signed(1.2e-5), "+1.2e-5");
        assert_eq!(pct(0.032), "3.2%");
        assert_eq!(loss(2.13456), "2.135");
        assert_eq!(exp10(-2.314f32), "10^-2.31");
        assert_eq!(sci_signed(1.23e-5f32), "+1.2e-5");
        assert_eq!(speed(5310.4), "5,310 it/s");
        assert_eq!(pct_whole(0.374), "37%");
        assert_eq!(megabytes(256e6), "256 MB");
        assert_eq!(gflop(1.25e9), "1.2 GFLOP");
        // A precision formats the exact binary value: f32 and f64 write it alike.
        assert_eq!(nats(2.0625f32), nats(2.0625f64));
    }

    /// "below X" and "at least N times": the figures are bounds, rounded the safe way. tanh's
    /// slope at 0.97 is 0.0591: "below 0.06" and "at most 1/16" (1/17 = 0.0588 would be less).
    #[test]
    fn bounds_round_the_safe_way() {
        assert_eq!(at_most(0.0591), "0.06");
        assert_eq!(at_most(0.0199), "0.02");
        assert_eq!(at_most(0.0125), "0.02");
        assert_eq!(at_most(0.02), "0.02");
        assert_eq!(at_most(0.00123), "1.3e-3");
        assert_eq!(at_least_whole(1.0 / 0.0591), "16");
        assert_eq!(at_least_whole(1.0 / 0.0199), "50");
        assert_eq!(at_least_whole(50.0), "50");
        for th in [0.9f32, 0.95, 0.97, 0.98, 0.99, 0.995, 0.999] {
            let slope = 1.0 - th * th;
            let bound: f32 = at_most(slope).parse().unwrap();
            assert!(slope <= bound, "{th}: {slope} above {bound}");
            let times: f32 = at_least_whole(1.0 / slope).parse().unwrap();
            assert!(slope <= 1.0 / times, "{th}: {slope} above 1/{times}");
        }
    }
}
