//! The character embedding C, and its path over the run (see `embedding_path`): the chart at
//! the snapshot the slider chose, with every letter's trail up to it, and the slider's state.
//!
//! One projection serves every snapshot of a view: the raw columns when n_embd is 2, otherwise
//! the principal components of the live table (`diagnostics::Projection`). The live table's
//! basis is the one whose picture means something (a random initial table has no main axes),
//! so the last position looks exactly like the live chart and the earlier ones show how the
//! letters came to it. While paused the live table does not change, so scrubbing moves the
//! letters on fixed axes; while training the basis follows the model, as the live chart does.

use super::parts::view;
use crate::charts::{ChartId, ChartSpec, EmbeddingPathSpec, EmbeddingSpec};
use crate::diagnostics::{self, Projection};
use crate::format;
use crate::session::embedding_path::EmbeddingPath;
use crate::session::protocol::{ChartView, PathView};
use crate::session::Session;

/// The figure's caption before the first view (a view says which columns it shows).
pub const CAPTION: &str = "Character embedding C";

/// Most points of a trail: a longer path is sampled evenly (its first and last kept), so the
/// chart sent twice a second stays small.
pub const TRAIL_POINTS: usize = 32;

/// Each position of the slider: its step and the followed characters' 2-D points.
struct Positions {
    steps: Vec<usize>,
    points: Vec<Vec<[f32; 2]>>,
    /// The position shown.
    at: usize,
}

fn positions(s: &Session, path: &EmbeddingPath, proj: &Projection) -> Positions {
    let c = &s.run().trainer.model.emb.weight;
    let live = s.run().trainer.step;
    let steps = path.steps(live);
    let mut points: Vec<Vec<[f32; 2]>> = path
        .frames()
        .iter()
        .map(|f| proj.project(&f.table))
        .collect();
    if points.len() < steps.len() {
        points.push(proj.project(&path.take(&c.data)));
    }
    Positions {
        at: path.position(s.run().path_at(), live),
        steps,
        points,
    }
}

/// The slider's state: one position (live) before the run's first step.
pub fn path_view(s: &Session) -> PathView {
    let live = s.run().trainer.step;
    let (frames, frame, step) = match s.run().embedding_path() {
        Some(p) => {
            let steps = p.steps(live);
            let at = p.position(s.run().path_at(), live);
            (steps.len(), at, steps[at])
        }
        None => (1, 0, live),
    };
    PathView {
        run: s.run().number,
        frames,
        frame,
        step_text: step_text(step, frame + 1 == frames),
    }
}

fn step_text(step: usize, live: bool) -> String {
    if live {
        format!("live, step {}", format::count(step))
    } else {
        format!("step {}", format::count(step))
    }
}

/// Indices of at most `TRAIL_POINTS` positions from 0 to `at`, evenly spread, both ends kept.
fn trail_indices(at: usize) -> Vec<usize> {
    if at < TRAIL_POINTS {
        return (0..=at).collect();
    }
    let n = TRAIL_POINTS - 1;
    (0..=n).map(|j| (j * at + n / 2) / n).collect()
}

fn centre(points: &[[f32; 2]], keep: &[bool]) -> Option<[f32; 2]> {
    let chosen: Vec<&[f32; 2]> = points
        .iter()
        .zip(keep)
        .filter(|(_, &k)| k)
        .map(|p| p.0)
        .collect();
    let n = chosen.len() as f32;
    (n > 0.0).then(|| {
        [
            chosen.iter().map(|p| p[0]).sum::<f32>() / n,
            chosen.iter().map(|p| p[1]).sum::<f32>() / n,
        ]
    })
}

/// The embedding chart on its path: the snapshot the slider chose, trails, fixed axes, and the
/// step in the caption, the corner and the text.
pub fn chart(s: &Session) -> ChartView {
    // One projection, of the live table, for the live chart and every snapshot.
    let c = &s.run().trainer.model.emb.weight;
    let proj = Projection::of(&c.data, c.shape[0], c.shape[1]);
    let mut view = live(s, &proj);
    let Some(path) = s.run().embedding_path() else {
        return view;
    };
    let p = positions(s, path, &proj);
    let last = p.steps.len() - 1;
    let (at, step) = (p.at, p.steps[p.at]);
    let itos = &s.data().vocab.itos;
    let chars: Vec<char> = path.rows().iter().map(|&r| itos[r]).collect();
    let shown = &p.points[at];

    let mut bounds = [
        f32::INFINITY,
        f32::NEG_INFINITY,
        f32::INFINITY,
        f32::NEG_INFINITY,
    ];
    for q in p
        .points
        .iter()
        .flatten()
        .filter(|q| q[0].is_finite() && q[1].is_finite())
    {
        bounds = [
            bounds[0].min(q[0]),
            bounds[1].max(q[0]),
            bounds[2].min(q[1]),
            bounds[3].max(q[1]),
        ];
    }
    let idx = trail_indices(at);
    let (mut xs, mut ys) = (Vec::new(), Vec::new());
    for i in 0..chars.len() {
        for &k in &idx {
            xs.push(p.points[k][i][0]);
            ys.push(p.points[k][i][1]);
        }
    }
    let live = at == last;
    let ChartSpec::Embedding(spec) = &mut view.spec else {
        return view;
    };
    // The live chart shows every character; a snapshot only the ones followed.
    let trail_of: Vec<u32> = if live {
        path.rows().iter().map(|&r| r as u32).collect()
    } else {
        let counts = s.char_counts();
        spec.counts = path
            .rows()
            .iter()
            .map(|&r| counts.get(r).copied().unwrap_or(0))
            .collect();
        spec.chars = chars.clone();
        spec.xs = shown.iter().map(|q| q[0]).collect();
        spec.ys = shown.iter().map(|q| q[1]).collect();
        (0..chars.len() as u32).collect()
    };
    spec.path = Some(EmbeddingPathSpec {
        // The live chart keeps its own axes (the trails are cut at them); a snapshot is drawn
        // on the axes of the whole path.
        bounds: (!live).then_some(bounds),
        note: step_text(step, live),
        trail_of,
        len: idx.len(),
        xs,
        ys,
    });

    view.caption = format!("{}, {}", view.caption, step_text(step, live));
    let mut lines = vec![if live {
        format!(
            "The path: {} snapshots from step 0 to {} (one every {}); the faint trails show where each letter came from. Move the slider to go back.",
            format::count(last + 1),
            format::count(step),
            match path.every() {
                1 => "step".to_string(),
                n => format!("{} steps", format::count(n)),
            },
        )
    } else {
        format!(
            "The path at {}: snapshot {} of {} (the live model is at step {}).",
            step_text(step, false),
            format::count(at + 1),
            format::count(last + 1),
            format::count(p.steps[last]),
        )
    }];
    let vowels: Vec<bool> = chars.iter().map(|c| "aeiou".contains(*c)).collect();
    if let (Some(a), Some(b)) = (centre(&p.points[0], &vowels), centre(shown, &vowels)) {
        let moved = ((b[0] - a[0]).powi(2) + (b[1] - a[1]).powi(2)).sqrt();
        let mut line = format!(
            "Vowels (a e i o u): their centre moved {} since step 0",
            format::coord(moved)
        );
        if let Some((vv, vc, cc)) = diagnostics::vowel_distances(shown, &chars) {
            line += &format!(
                "; mean distance vowel–vowel {}, vowel–consonant {}, consonant–consonant {}",
                format::coord(vv),
                format::coord(vc),
                format::coord(cc)
            );
        }
        lines.push(line + ".");
    }
    if live {
        lines.append(&mut view.lines);
    } else {
        lines.push(
            chars
                .iter()
                .zip(shown)
                .map(|(ch, q)| point(*ch, q))
                .collect::<Vec<_>>()
                .join("  "),
        );
        if chars.len() < itos.len() {
            lines.push(format!(
                "The path follows the {} most frequent of {} characters.",
                chars.len(),
                format::count(itos.len())
            ));
        }
    }
    view.lines = lines;
    view
}

/// The live embedding in the coordinates of `proj` (`chart` makes it, from the live table, and
/// uses it for the path's snapshots too).
fn live(s: &Session, proj: &Projection) -> ChartView {
    let c = &s.run().trainer.model.emb.weight;
    let n_embd = c.shape[1];
    let (points, pca) = (proj.project(&c.data), proj.is_pca());
    let chars = s.data().vocab.itos.clone();
    let (caption, x_label, y_label) = if pca {
        (
            format!(
                "Character embedding C: the first two principal components of n_embd = {n_embd}"
            ),
            "PC1",
            "PC2",
        )
    } else {
        (
            format!("Character embedding C (n_embd = {n_embd})"),
            "C[:, 0]",
            "C[:, 1]",
        )
    };
    let line = chars
        .iter()
        .zip(&points)
        .map(|(ch, p)| point(*ch, p))
        .collect::<Vec<_>>()
        .join("  ");
    let spec = ChartSpec::Embedding(EmbeddingSpec {
        title: String::new(),
        x_label: x_label.into(),
        y_label: y_label.into(),
        chars,
        xs: points.iter().map(|p| p[0]).collect(),
        ys: points.iter().map(|p| p[1]).collect(),
        counts: s.char_counts().to_vec(),
        path: None,
    });
    view(ChartId::Embedding, caption, spec, vec![line])
}

/// "a (0.12, -1.30)": a character at its place.
fn point(ch: char, at: &[f32; 2]) -> String {
    format!("{ch} ({}, {})", format::coord(at[0]), format::coord(at[1]))
}
