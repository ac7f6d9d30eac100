//! A run's history at bounded resolution, so memory stays flat however long a class lets it
//! run. A `Thinned` series keeps at most `cap` points; each point is the mean of `every` steps,
//! and when the series is full, neighbours merge in pairs and `every` doubles. A run of ten
//! million steps takes the same few kilobytes as one of two thousand.
//!
//! `History` holds what the charts draw of one run: the mini-batch loss and learning rate per
//! step, the update:data ratios when they were measured, and the learning-rate sweep's
//! (lr, loss) pairs. The newest step stays `pending` until the next one: a step whose update is
//! undone (`Session`'s rollback) is dropped from it without touching the thinned points.

/// Points per series of a run (the loss chart is at most about 1,500 pixels wide).
pub const POINTS: usize = 2048;
/// Points per series of an earlier run kept for comparison.
pub const EARLIER_POINTS: usize = 512;
/// Points of the learning-rate sweep: the notebook's 1,000-step sweep is kept exactly.
pub const SWEEP_POINTS: usize = 4096;
/// The first steps of a run, kept exactly (a first loss near 30 and its steep drop, for the loss
/// chart's zoom): 4 KB a run.
pub const HEAD_STEPS: usize = 1000;

/// A series thinned to at most `cap` points (see the module doc).
#[derive(Clone, Debug, PartialEq)]
pub struct Thinned {
    cap: usize,
    every: usize,
    points: Vec<f32>,
    /// The point being filled: sum and count of its values.
    sum: f64,
    n: usize,
    /// Values pushed in all.
    len: usize,
}

impl Thinned {
    /// An empty series of at most `cap` points (`cap` even, at least 2).
    pub fn new(cap: usize) -> Thinned {
        assert!(cap >= 2 && cap.is_multiple_of(2), "cap must be even");
        Thinned {
            cap,
            every: 1,
            points: Vec::new(),
            sum: 0.0,
            n: 0,
            len: 0,
        }
    }

    pub fn push(&mut self, x: f32) {
        self.sum += x as f64;
        self.n += 1;
        self.len += 1;
        if self.n < self.every {
            return;
        }
        self.points.push((self.sum / self.n as f64) as f32);
        (self.sum, self.n) = (0.0, 0);
        if self.points.len() == self.cap {
            for i in 0..self.cap / 2 {
                let (a, b) = (self.points[2 * i] as f64, self.points[2 * i + 1] as f64);
                self.points[i] = ((a + b) / 2.0) as f32;
            }
            self.points.truncate(self.cap / 2);
            self.every *= 2;
        }
    }

    /// Values per point.
    pub fn every(&self) -> usize {
        self.every
    }

    /// Values pushed in all.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The points, the one being filled last (a mean of fewer values).
    pub fn points(&self) -> Vec<f32> {
        let mut v = Vec::with_capacity(self.points.len() + 1);
        v.extend_from_slice(&self.points);
        if self.n > 0 {
            v.push((self.sum / self.n as f64) as f32);
        }
        v
    }

    /// The points, merged to `every` values per point (a multiple of this series' `every`).
    pub fn points_every(&self, every: usize) -> Vec<f32> {
        let k = (every / self.every).max(1);
        let p = self.points();
        p.chunks(k)
            .map(|c| c.iter().map(|&x| x as f64).sum::<f64>() as f32 / c.len() as f32)
            .collect()
    }

    /// The series thinned again to at most `cap` points.
    pub fn thinned_to(&self, cap: usize) -> Thinned {
        let mut t = self.clone();
        while t.points.len() > cap {
            let every = t.every * 2;
            t.points = t.points_every(every);
            t.every = every;
        }
        t.cap = cap.max(t.points.len() + 2) & !1;
        t
    }
}

/// One step as recorded.
#[derive(Clone, Debug, PartialEq)]
pub struct StepRecord {
    pub loss: f32,
    pub lr: f32,
    /// log10 update:data ratio of every 2-D parameter, when measured at this step.
    pub ratios: Option<Vec<f32>>,
}

/// What the charts draw of one run (see the module doc).
#[derive(Clone, Debug, PartialEq)]
pub struct History {
    pub loss: Thinned,
    pub lr: Thinned,
    /// One series per 2-D parameter; a point per `ratio_every` x `every` steps.
    pub ratios: Vec<Thinned>,
    /// Steps between two ratio measurements.
    pub ratio_every: usize,
    /// The sweep's losses and learning rates, while the schedule sweeps.
    pub sweep_loss: Thinned,
    pub sweep_lr: Thinned,
    sweep_steps: usize,
    /// The losses of the first `HEAD_STEPS` steps, exactly.
    head: Vec<f32>,
    pending: Option<StepRecord>,
    /// The first step's loss (the "first loss" of the lesson).
    pub first_loss: Option<f32>,
}

impl History {
    pub fn new(n_ratios: usize, ratio_every: usize, sweep_steps: usize) -> History {
        History {
            loss: Thinned::new(POINTS),
            lr: Thinned::new(POINTS),
            ratios: vec![Thinned::new(POINTS); n_ratios],
            ratio_every,
            sweep_loss: Thinned::new(SWEEP_POINTS),
            sweep_lr: Thinned::new(SWEEP_POINTS),
            sweep_steps,
            head: Vec::new(),
            pending: None,
            first_loss: None,
        }
    }

    /// Records a step (the previous one is committed).
    pub fn push(&mut self, r: StepRecord) {
        self.first_loss.get_or_insert(r.loss);
        if let Some(p) = self.pending.replace(r) {
            self.commit(p);
        }
    }

    fn commit(&mut self, r: StepRecord) {
        if self.loss.len() < self.sweep_steps {
            self.sweep_loss.push(r.loss);
            self.sweep_lr.push(r.lr);
        }
        if self.head.len() < HEAD_STEPS {
            self.head.push(r.loss);
        }
        self.loss.push(r.loss);
        self.lr.push(r.lr);
        if let Some(ratios) = r.ratios {
            for (s, x) in self.ratios.iter_mut().zip(ratios) {
                s.push(x);
            }
        }
    }

    /// Forgets the newest step (its update was undone). Only the pending step can be dropped;
    /// returns whether there was one.
    pub fn drop_newest(&mut self) -> bool {
        let dropped = self.pending.take().is_some();
        if dropped && self.steps() == 0 {
            self.first_loss = None;
        }
        dropped
    }

    /// Steps recorded.
    pub fn steps(&self) -> usize {
        self.loss.len() + usize::from(self.pending.is_some())
    }

    /// The newest step.
    pub fn newest(&self) -> Option<&StepRecord> {
        self.pending.as_ref()
    }

    /// The loss series with the pending step included.
    pub fn loss_series(&self) -> Thinned {
        let mut t = self.loss.clone();
        if let Some(p) = &self.pending {
            t.push(p.loss);
        }
        t
    }

    /// The losses of the first `HEAD_STEPS` steps, one per step, the pending step included.
    pub fn loss_head(&self) -> Vec<f32> {
        let mut h = self.head.clone();
        if let Some(p) = self.pending.as_ref().filter(|_| h.len() < HEAD_STEPS) {
            h.push(p.loss);
        }
        h
    }

    /// The loss points with the pending step included, and the steps per point.
    pub fn loss_points(&self) -> (Vec<f32>, usize) {
        let t = self.loss_series();
        (t.points(), t.every())
    }

    /// The ratio series (with the pending step's, if measured), at a common `every` (in steps).
    pub fn ratio_points(&self) -> (Vec<Vec<f32>>, usize) {
        let mut series = self.ratios.clone();
        if let Some(r) = self.pending.as_ref().and_then(|p| p.ratios.as_ref()) {
            for (s, &x) in series.iter_mut().zip(r) {
                s.push(x);
            }
        }
        let every = series.iter().map(Thinned::every).max().unwrap_or(1);
        let points = series.iter().map(|s| s.points_every(every)).collect();
        (points, every * self.ratio_every)
    }

    /// The sweep so far: (learning rates, losses), pending step included while it sweeps.
    pub fn sweep_points(&self) -> (Vec<f32>, Vec<f32>) {
        let (mut l, mut r) = (self.sweep_loss.clone(), self.sweep_lr.clone());
        if let Some(p) = &self.pending {
            if self.loss.len() < self.sweep_steps {
                l.push(p.loss);
                r.push(p.lr);
            }
        }
        (r.points(), l.points())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_thinned_series_stays_bounded_and_keeps_the_mean() {
        let mut t = Thinned::new(8);
        for i in 0..1000 {
            t.push(i as f32);
        }
        assert!(t.points().len() <= 8 + 1, "{}", t.points().len());
        assert_eq!(t.len(), 1000);
        assert_eq!(t.every(), 128);
        // Point k is the mean of steps k*every .. (k+1)*every.
        let p = t.points();
        assert_eq!(p[0], 63.5);
        assert_eq!(p[1], 191.5);
        // The one being filled: steps 896..999.
        assert_eq!(*p.last().unwrap(), (896..1000).sum::<i32>() as f32 / 104.0);
    }

    #[test]
    fn short_series_are_exact() {
        let mut t = Thinned::new(POINTS);
        for i in 0..POINTS - 1 {
            t.push(i as f32 * 0.5);
        }
        assert_eq!(t.every(), 1);
        assert_eq!(t.points()[10], 5.0);
        let again = t.thinned_to(16);
        assert!(again.points().len() <= 16);
        assert_eq!(again.len(), t.len());
    }

    #[test]
    fn the_newest_step_can_be_dropped_and_the_sweep_is_kept_apart() {
        let mut h = History::new(2, 10, 3);
        for i in 0..5 {
            let ratios = (i % 2 == 0).then(|| vec![-3.0, -2.0]);
            h.push(StepRecord {
                loss: 10.0 - i as f32,
                lr: 0.1,
                ratios,
            });
        }
        assert_eq!(h.steps(), 5);
        assert!(h.drop_newest());
        assert!(!h.drop_newest(), "only the newest step can be dropped");
        assert_eq!(h.steps(), 4);
        assert_eq!(h.loss_points().0, vec![10.0, 9.0, 8.0, 7.0]);
        assert_eq!(h.sweep_points().1, vec![10.0, 9.0, 8.0]);
        assert_eq!(h.ratio_points().0[0], vec![-3.0, -3.0]);
        assert_eq!(h.first_loss, Some(10.0));
        assert_eq!(h.loss_head(), vec![10.0, 9.0, 8.0, 7.0]);
    }

    #[test]
    fn the_first_steps_are_kept_exactly_however_long_the_run() {
        let mut h = History::new(0, 10, 0);
        let n = 40 * POINTS;
        for i in 0..n {
            h.push(StepRecord {
                loss: i as f32,
                lr: 0.1,
                ratios: None,
            });
        }
        assert!(h.loss_series().every() > 1, "the whole run is thinned");
        let head = h.loss_head();
        assert_eq!(head.len(), HEAD_STEPS);
        assert!(head.iter().enumerate().all(|(i, &x)| x == i as f32));
    }
}
