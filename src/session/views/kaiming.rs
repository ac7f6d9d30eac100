//! Why Kaiming init: y = x @ w for a random x, with w ~ randn and with w ~ randn / sqrt(fan_in),
//! at the run's fan_in (the same for the whole run, on a stream of its own).

use super::parts::{hist_series, hist_spec, view};
use crate::charts::{ChartId, ChartSpec};
use crate::diagnostics::{self, Stats};
use crate::format;
use crate::lesson::{KAIMING_BATCH, KAIMING_FAN_OUT};
use crate::session::protocol::ChartView;
use crate::session::{Session, HIST_BINS};

pub const CAPTION: &str = "Why Kaiming init: y = x @ w with and without the 1/sqrt(fan_in) factor";

pub fn chart(s: &Session) -> ChartView {
    let st = s.settings();
    let fan_in = st.block_size * st.n_embd;
    let k = diagnostics::kaiming_demo(st.seed, KAIMING_BATCH, fan_in, KAIMING_FAN_OUT, HIST_BINS);
    let line = |what: &str, st: &Stats| {
        format!(
            "{what}: std {}, mean {}",
            format::plain(st.std),
            format::signed(st.mean)
        )
    };
    let (lx, ly) = (line("x", &k.x), line("y = x @ w", &k.y));
    let (sx, sy) = (
        line("x", &k.x_scaled),
        line(&format!("y = x @ (w / sqrt({fan_in}))"), &k.y_scaled),
    );
    let spec = ChartSpec::HistogramPair {
        left: hist_spec(
            "w ~ randn: the spread grows",
            "value",
            false,
            vec![hist_series(&lx, &k.x_hist), hist_series(&ly, &k.y_hist)],
        ),
        right: hist_spec(
            &format!("w ~ randn / sqrt({fan_in}): the spread stays"),
            "value",
            false,
            vec![
                hist_series(&sx, &k.x_scaled_hist),
                hist_series(&sy, &k.y_scaled_hist),
            ],
        ),
    };
    let lines = vec![
        format!(
            "x ~ randn({KAIMING_BATCH}, {fan_in}), w ~ randn(fan_in, {KAIMING_FAN_OUT}), fan_in = block_size x n_embd = {} x {}",
            st.block_size, st.n_embd
        ),
        format!("{lx} → {ly}"),
        format!("{sx} → {sy}"),
    ];
    view(ChartId::Kaiming, CAPTION, spec, lines)
}
