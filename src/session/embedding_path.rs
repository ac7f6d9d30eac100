//! The embedding's path: snapshots of the embedding table C over a run, so the page can scrub
//! back through how the letters moved. Memory is flat over any run length: at most `MAX_FRAMES`
//! frames, taken every `every` steps from step 0; when the path is full every other frame is
//! dropped and `every` doubles (as `history::Thinned` does), so the frames always spread over
//! the whole run and step 0 stays. The newest table is not a frame: the views add the live one.
//!
//! A frame keeps only the rows of the characters followed (`PATH_CHARS`, the most frequent), at
//! full width: the projection to 2-D is chosen when the path is shown (see `path_view`), so one
//! basis serves every frame.

/// Most frames kept (the slider's positions, the live one aside).
pub const MAX_FRAMES: usize = 256;
/// Most characters followed; a vocabulary of thousands keeps the most frequent.
pub const PATH_CHARS: usize = crate::charts::EMBEDDING_MAX_LABELS;

/// The followed rows of C after `step` steps.
#[derive(Clone, Debug, PartialEq)]
pub struct Frame {
    pub step: usize,
    /// `rows.len()` x `cols`, row-major, in the order of `EmbeddingPath::rows`.
    pub table: Vec<f32>,
}

/// The frames of one run (see the module doc).
#[derive(Clone, Debug, PartialEq)]
pub struct EmbeddingPath {
    cap: usize,
    every: usize,
    rows: Vec<usize>,
    cols: usize,
    frames: Vec<Frame>,
}

impl EmbeddingPath {
    /// An empty path of the table's `rows` (indices into C, each < C's rows) of width `cols`,
    /// at most `cap` frames (even, at least 2).
    pub fn new(rows: Vec<usize>, cols: usize, cap: usize) -> EmbeddingPath {
        assert!(cap >= 2 && cap.is_multiple_of(2), "cap must be even");
        EmbeddingPath {
            cap,
            every: 1,
            rows,
            cols,
            frames: Vec::new(),
        }
    }

    /// The path of a run: the `PATH_CHARS` most frequent characters (by `counts`, ties by
    /// index), in vocabulary order.
    pub fn for_run(counts: &[u32], vocab: usize, cols: usize) -> EmbeddingPath {
        let mut rows: Vec<usize> = (0..vocab).collect();
        if vocab > PATH_CHARS {
            let count = |i: usize| counts.get(i).copied().unwrap_or(0);
            rows.sort_by(|&a, &b| count(b).cmp(&count(a)).then(a.cmp(&b)));
            rows.truncate(PATH_CHARS);
            rows.sort_unstable();
        }
        EmbeddingPath::new(rows, cols, MAX_FRAMES)
    }

    /// Records C (`table`, all rows) after `step` steps when a frame is due: the first one
    /// always, then each multiple of `every` past the last frame.
    pub fn observe(&mut self, step: usize, table: &[f32]) {
        let due = match self.frames.last() {
            None => true,
            Some(f) => step > f.step && step.is_multiple_of(self.every),
        };
        if !due {
            return;
        }
        let table = self.take(table);
        self.frames.push(Frame { step, table });
        if self.frames.len() == self.cap {
            let mut i = 0;
            self.frames.retain(|_| {
                i += 1;
                i % 2 == 1
            });
            self.every *= 2;
        }
    }

    /// Forgets the frames taken after `step` (an update that was undone).
    pub fn forget_after(&mut self, step: usize) {
        self.frames.retain(|f| f.step <= step);
    }

    pub fn frames(&self) -> &[Frame] {
        &self.frames
    }

    pub fn is_empty(&self) -> bool {
        self.frames.is_empty()
    }

    /// Steps between two frames.
    pub fn every(&self) -> usize {
        self.every
    }

    /// The rows of C followed, in vocabulary order.
    pub fn rows(&self) -> &[usize] {
        &self.rows
    }

    pub fn cols(&self) -> usize {
        self.cols
    }

    /// The steps of the slider's positions: every frame's, then `live` (the model's step) when it
    /// is newer than the last frame (the live table is always the last position).
    pub fn steps(&self, live: usize) -> Vec<usize> {
        let mut steps: Vec<usize> = self.frames.iter().map(|f| f.step).collect();
        if steps.last().is_none_or(|&s| s < live) {
            steps.push(live);
        }
        steps
    }

    /// The position shown for a chosen step (`None`: live): the last frame at or before it.
    pub fn position(&self, at: Option<usize>, live: usize) -> usize {
        let steps = self.steps(live);
        match at {
            None => steps.len() - 1,
            Some(a) => steps.iter().rposition(|&s| s <= a).unwrap_or(0),
        }
    }

    /// The followed rows of a whole table, as a frame keeps them.
    pub fn take(&self, table: &[f32]) -> Vec<f32> {
        let cols = self.cols;
        self.rows
            .iter()
            .flat_map(|&r| &table[r * cols..(r + 1) * cols])
            .copied()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 3 x 2 table whose every value is `step`.
    fn table(step: usize) -> Vec<f32> {
        vec![step as f32; 6]
    }

    #[test]
    fn frames_stay_bounded_and_spread_over_the_whole_run() {
        let mut p = EmbeddingPath::new(vec![0, 2], 2, 16);
        for step in 0..=100_000 {
            p.observe(step, &table(step));
            assert!(p.frames().len() < 16, "step {step}: {}", p.frames().len());
        }
        let steps: Vec<usize> = p.frames().iter().map(|f| f.step).collect();
        assert_eq!(steps[0], 0, "step 0 is kept");
        assert!(steps.len() >= 8, "{steps:?}");
        // Evenly spaced, up to the end of the run.
        let every = p.every();
        assert!(steps.windows(2).all(|w| w[1] - w[0] == every), "{steps:?}");
        assert!(
            100_000 - steps.last().unwrap() < every,
            "{steps:?} every {every}"
        );
        // Each frame holds the followed rows of the table of its step.
        for f in p.frames() {
            assert_eq!(f.table, vec![f.step as f32; 4]);
        }
        // The slider's positions: the frames, then the live step.
        let pos = p.steps(100_000);
        assert_eq!(pos.len(), steps.len() + 1);
        assert_eq!(*pos.last().unwrap(), 100_000);
        assert_eq!(p.position(None, 100_000), steps.len());
        assert_eq!(p.position(Some(0), 100_000), 0);
        assert_eq!(p.position(Some(every + 1), 100_000), 1);
    }

    #[test]
    fn a_class_hour_of_ten_million_steps_keeps_at_most_max_frames() {
        let counts = vec![1; 27];
        let mut p = EmbeddingPath::for_run(&counts, 27, 2);
        let t = vec![0.5; 54];
        let mut most = 0;
        for step in 0..=10_000_000 {
            p.observe(step, &t);
            most = most.max(p.frames().len());
        }
        assert!(most < MAX_FRAMES, "{most}");
        assert!(p.frames().len() >= MAX_FRAMES / 2);
        assert_eq!(p.frames()[0].step, 0);
        assert!(10_000_000 - p.frames().last().unwrap().step < p.every());
    }

    #[test]
    fn an_undone_step_drops_its_frame_and_is_taken_again() {
        let mut p = EmbeddingPath::new(vec![1], 2, 8);
        for step in 0..=5 {
            p.observe(step, &table(step));
        }
        p.forget_after(4);
        assert_eq!(p.frames().last().unwrap().step, 4);
        p.observe(5, &table(50));
        assert_eq!(p.frames().last().unwrap().table, vec![50.0, 50.0]);
        // A step seen twice is taken once.
        p.observe(5, &table(7));
        assert_eq!(p.frames().len(), 6);
    }

    #[test]
    fn a_large_vocabulary_follows_its_most_frequent_characters() {
        let counts: Vec<u32> = (0..500).map(|i| (i * 7 % 500) as u32).collect();
        let p = EmbeddingPath::for_run(&counts, 500, 4);
        assert_eq!(p.rows().len(), PATH_CHARS);
        assert!(p.rows().windows(2).all(|w| w[0] < w[1]), "vocabulary order");
        let least = p.rows().iter().map(|&r| counts[r]).min().unwrap();
        let left_out = (0..500).filter(|r| !p.rows().contains(r));
        assert!(left_out.map(|r| counts[r]).all(|c| c <= least));
        assert_eq!(
            EmbeddingPath::for_run(&counts[..27], 27, 2).rows().len(),
            27
        );
    }
}
