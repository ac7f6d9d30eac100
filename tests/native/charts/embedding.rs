//! The embedding scatter: a letter on each dot; empty, NaN and coincident points.

use super::support::*;
use makemore_lab::charts::*;

/// A character at a point, as the tests place them.
#[derive(Clone, Copy, Debug)]
pub struct CharPoint {
    pub ch: char,
    pub x: f32,
    pub y: f32,
}

/// `spec` with `points` as its characters and places.
pub fn with_points(spec: &EmbeddingSpec, points: &[CharPoint]) -> EmbeddingSpec {
    EmbeddingSpec {
        chars: points.iter().map(|p| p.ch).collect(),
        xs: points.iter().map(|p| p.x).collect(),
        ys: points.iter().map(|p| p.y).collect(),
        ..spec.clone()
    }
}

/// `spec` drawn on its `path`.
fn on_path(spec: &EmbeddingSpec, path: &EmbeddingPathSpec) -> EmbeddingSpec {
    EmbeddingSpec {
        path: Some(path.clone()),
        ..spec.clone()
    }
}

pub fn alphabet_points() -> Vec<CharPoint> {
    let mut rng = Lcg(11);
    std::iter::once('.')
        .chain('a'..='z')
        .map(|ch| CharPoint {
            ch,
            x: 2.0 * rng.next() - 1.0,
            y: 3.0 * rng.next() - 1.5,
        })
        .collect()
}

#[test]
fn embedding_draws_every_letter_on_a_dot() {
    let points = alphabet_points();
    let data = with_points(
        &EmbeddingSpec {
            title: "Embedding C".into(),
            x_label: "dim 0".into(),
            y_label: "dim 1".into(),
            counts: vec![],
            ..EmbeddingSpec::default()
        },
        &points,
    );
    let s = shown!("embedding", W, H, |r| draw_embedding(r, &data));
    for p in &points {
        assert!(has_text(&s, &p.ch.to_string()), "missing {:?}", p.ch);
    }
    for want in ["Embedding C", "dim 0", "dim 1"] {
        assert!(has_text(&s, want), "missing {want:?}");
    }
    assert_eq!(s.matches("<circle").count(), points.len());
    // Letters are centred on their dot and white.
    assert!(s.matches("text-anchor=\"middle\"").count() >= points.len());
    assert!(s.matches("fill=\"#FFFFFF\"").count() >= points.len());

    let b = bitmap(W, H, |r| draw_embedding(r, &data));
    // 27 dots of radius 14: about 27 * 615 px of blue.
    let blue = count_near(&b, series_color(0));
    assert!(blue > 10_000 && blue < 20_000, "{blue} blue pixels");
}

#[test]
fn embedding_empty_nan_and_coincident() {
    let nan = [CharPoint {
        ch: 'a',
        x: f32::NAN,
        y: 0.0,
    }];
    for points in [&[][..], &nan[..]] {
        let data = with_points(
            &EmbeddingSpec {
                title: "E".into(),
                x_label: "PC1".into(),
                y_label: "PC2".into(),
                ..EmbeddingSpec::default()
            },
            points,
        );
        assert_no_data(&svg(W, H, |r| draw_embedding(r, &data)));
        bitmap(W, H, |r| draw_embedding(r, &data));
    }
    // All points in one place: the ranges widen instead of collapsing.
    let same = [CharPoint {
        ch: 'q',
        x: 0.5,
        y: 0.5,
    }; 3];
    let data = with_points(
        &EmbeddingSpec {
            title: "E".into(),
            x_label: "PC1".into(),
            y_label: "PC2".into(),
            counts: vec![],
            ..EmbeddingSpec::default()
        },
        &same,
    );
    let s = svg(W, H, |r| draw_embedding(r, &data));
    assert_eq!(s.matches("<circle").count(), 3);
}

/// `n` CJK characters at random places; counts falling with the index (with noise).
fn many_points(n: usize, seed: u64) -> (Vec<CharPoint>, Vec<u32>) {
    let mut rng = Lcg(seed);
    let points = (0..n as u32)
        .map(|i| CharPoint {
            ch: char::from_u32(0x4E00 + i).unwrap(),
            x: 4.0 * rng.next() - 2.0,
            y: 4.0 * rng.next() - 2.0,
        })
        .collect();
    let counts = (0..n)
        .map(|i| (100_000 / (i + 1)) as u32 + (50.0 * rng.next()) as u32)
        .collect();
    (points, counts)
}

/// (cx, cy) of the `<circle>`s of radius `r`.
fn circles(svg: &str, r: u32) -> Vec<(i32, i32)> {
    svg.split("<circle")
        .skip(1)
        .filter(|t| attr(t, "r") == Some(&r.to_string()))
        .map(|t| {
            let v = |k| attr(t, k).unwrap().parse().unwrap();
            (v("cx"), v("cy"))
        })
        .collect()
}

#[test]
fn a_large_vocabulary_labels_the_most_frequent_apart_and_says_so() {
    let (points, counts) = many_points(2_431, 5);
    let data = with_points(
        &EmbeddingSpec {
            title: "Embedding C".into(),
            x_label: "PC1".into(),
            y_label: "PC2".into(),
            counts: counts.to_vec(),
            ..EmbeddingSpec::default()
        },
        &points,
    );
    let s = shown!("embedding_large", W, H, |r| draw_embedding(r, &data));
    let dots = circles(&s, 14);
    let n = dots.len();
    assert!(n > 20 && n <= EMBEDDING_MAX_LABELS, "{n} labelled dots");
    assert_eq!(
        circles(&s, 2).len(),
        points.len() - n,
        "a point for each of the rest"
    );
    let note = format!("labels: {n} of 2,431 characters (the most frequent)");
    assert!(
        has_text(&s, &note),
        "no {note:?} in {:?}",
        texts(&s)[..5].to_vec()
    );
    // The labels never overlap: the dots are two radii apart.
    for (i, a) in dots.iter().enumerate() {
        for b in &dots[..i] {
            let d2 = (a.0 - b.0).pow(2) + (a.1 - b.1).pow(2);
            assert!(d2 >= 28 * 28, "{a:?} and {b:?} overlap");
        }
    }
    // The most frequent character is labelled; the labels are mostly frequent ones.
    let labels: Vec<char> = points
        .iter()
        .filter(|p| has_text(&s, &p.ch.to_string()))
        .map(|p| p.ch)
        .collect();
    assert_eq!(labels.len(), n);
    assert!(labels.contains(&points[0].ch));
    let rank = |c: char| points.iter().position(|p| p.ch == c).unwrap();
    let median_rank = {
        let mut r: Vec<usize> = labels.iter().map(|&c| rank(c)).collect();
        r.sort();
        r[r.len() / 2]
    };
    assert!(median_rank < 200, "median label rank {median_rank}");
}

#[test]
fn without_counts_the_farthest_out_are_labelled_and_a_small_vocabulary_is_all_labelled() {
    let (mut points, _) = many_points(500, 7);
    points[321] = CharPoint {
        ch: '龍',
        x: 30.0,
        y: -25.0,
    };
    let data = with_points(
        &EmbeddingSpec {
            title: "E".into(),
            x_label: "PC1".into(),
            y_label: "PC2".into(),
            counts: vec![],
            ..EmbeddingSpec::default()
        },
        &points,
    );
    let s = svg(W, H, |r| draw_embedding(r, &data));
    assert!(has_text(&s, "龍"), "the outlier is labelled");
    let n = circles(&s, 14).len();
    assert!(has_text(
        &s,
        &format!("labels: {n} of 500 characters (the farthest out)")
    ));
    // Up to the limit every character is labelled, and nothing is said about it.
    for (k, all) in [
        (EMBEDDING_MAX_LABELS, true),
        (EMBEDDING_MAX_LABELS + 1, false),
    ] {
        let data = with_points(&data, &points[..k]);
        let s = svg(W, H, |r| draw_embedding(r, &data));
        assert_eq!(circles(&s, 14).len() == k, all, "{k} points");
        assert_eq!(texts(&s).iter().any(|t| t.starts_with("labels:")), !all);
    }
}

/// A path of `len` snapshots for `points`: each letter walks in a straight line from (0, 0).
fn walk(points: &[CharPoint], len: usize) -> (Vec<u32>, Vec<f32>, Vec<f32>) {
    let (mut xs, mut ys) = (Vec::new(), Vec::new());
    for p in points {
        for k in 0..len {
            let t = k as f32 / (len - 1) as f32;
            xs.push(t * p.x);
            ys.push(t * p.y);
        }
    }
    ((0..points.len() as u32).collect(), xs, ys)
}

#[test]
fn the_path_draws_faint_trails_on_fixed_axes_with_its_step() {
    let points = alphabet_points();
    let data = with_points(
        &EmbeddingSpec {
            title: "".into(),
            x_label: "C[:, 0]".into(),
            y_label: "C[:, 1]".into(),
            counts: vec![],
            ..EmbeddingSpec::default()
        },
        &points,
    );
    let (trail_of, xs, ys) = walk(&points, 5);
    let path = EmbeddingPathSpec {
        bounds: Some([-4.0, 4.0, -4.0, 4.0]),
        note: "step 1,200".into(),
        trail_of: trail_of.to_vec(),
        len: 5,
        xs: xs.to_vec(),
        ys: ys.to_vec(),
    };
    let s = shown!("embedding_path", W, H, |r| draw_embedding(
        r,
        &on_path(&data, &path)
    ));
    assert!(has_text(&s, "step 1,200"));
    let trails = polylines(&s);
    assert_eq!(trails.len(), points.len(), "one trail per letter");
    assert!(trails.iter().all(|(_, p)| p.len() == 5));
    // Each trail ends on its letter's dot and starts at a small ring.
    let dots = circles(&s, 14);
    for ((_, t), d) in trails.iter().zip(&dots) {
        let end = t.last().unwrap();
        assert!(
            (end.0 - d.0).abs() <= 1 && (end.1 - d.1).abs() <= 1,
            "{end:?} {d:?}"
        );
    }
    assert_eq!(circles(&s, 4).len(), points.len());
    // Faint: the trails are the dots' colour, translucent.
    assert!(
        s.contains("opacity=\"0.3\" stroke=\"#1F77B4\""),
        "translucent trails"
    );

    // The axes are the path's, not the frame's: a letter that stays put is drawn at the same
    // pixel whatever the others do, and the same letters without the path spread wider.
    let mut moved = points.clone();
    for p in moved.iter_mut().skip(1) {
        p.x *= 0.3;
    }
    let other = svg(W, H, |r| {
        draw_embedding(r, &on_path(&with_points(&data, &moved), &path))
    });
    assert_eq!(circles(&other, 14)[0], dots[0], "'.' stayed put");
    assert_ne!(circles(&other, 14)[1], dots[1]);
    let plain = svg(W, H, |r| draw_embedding(r, &with_points(&data, &moved)));
    let spread = |c: &[(i32, i32)]| {
        c.iter().map(|p| p.0).max().unwrap() - c.iter().map(|p| p.0).min().unwrap()
    };
    assert!(spread(&circles(&plain, 14)) > spread(&circles(&other, 14)) + 50);
    // Trails that are missing or not finite are skipped.
    let nan = [f32::NAN; 5];
    let broken = EmbeddingPathSpec {
        trail_of: vec![0, 1, 2],
        xs: nan.to_vec(),
        ys: nan.to_vec(),
        ..path
    };
    let s = svg(W, H, |r| draw_embedding(r, &on_path(&data, &broken)));
    assert!(polylines(&s).is_empty());
}

#[test]
fn without_fixed_axes_the_trails_are_cut_at_the_plot() {
    let points = alphabet_points();
    let data = with_points(
        &EmbeddingSpec {
            title: "".into(),
            x_label: "PC1".into(),
            y_label: "PC2".into(),
            counts: vec![],
            ..EmbeddingSpec::default()
        },
        &points,
    );
    // Every letter comes from far away, outside the points' axes.
    let (trail_of, mut xs, mut ys) = walk(&points, 4);
    for i in 0..points.len() {
        xs[i * 4] = 40.0 * if i % 2 == 0 { 1.0 } else { -1.0 };
        ys[i * 4] = 30.0;
    }
    let path = EmbeddingPathSpec {
        bounds: None,
        note: "live, step 5,000".into(),
        trail_of: trail_of.to_vec(),
        len: 4,
        xs: xs.to_vec(),
        ys: ys.to_vec(),
    };
    let s = shown!("embedding_path_live", W, H, |r| draw_embedding(
        r,
        &on_path(&data, &path)
    ));
    assert!(has_text(&s, "live, step 5,000"));
    // The axes are the points' own, as without a path: the dots sit where they sat.
    let plain = svg(W, H, |r| draw_embedding(r, &data));
    assert_eq!(circles(&s, 14), circles(&plain, 14));
    // The trails stay inside the frame the axes draw; the far starts get no ring.
    let frame: Vec<(i32, i32)> = s
        .split("<polyline")
        .skip(1)
        .filter(|t| attr(t, "stroke") == Some("#404040"))
        .flat_map(|t| {
            attr(t, "points")
                .unwrap_or("")
                .split_whitespace()
                .filter_map(|p| {
                    let (x, y) = p.split_once(',')?;
                    Some((x.parse().ok()?, y.parse().ok()?))
                })
                .collect::<Vec<(i32, i32)>>()
        })
        .collect();
    let (x0, x1) = (
        frame.iter().map(|p| p.0).min().unwrap(),
        frame.iter().map(|p| p.0).max().unwrap(),
    );
    let (y0, y1) = (
        frame.iter().map(|p| p.1).min().unwrap(),
        frame.iter().map(|p| p.1).max().unwrap(),
    );
    let trails = polylines(&s);
    assert!(trails.len() >= points.len(), "{} trails", trails.len());
    for (_, t) in &trails {
        for &(x, y) in t {
            assert!(
                x >= x0 - 1 && x <= x1 + 1 && y >= y0 - 1 && y <= y1 + 1,
                "({x}, {y}) outside {x0}..{x1} x {y0}..{y1}"
            );
        }
    }
    assert_eq!(circles(&s, 4).len(), 0);
}

/// The path of 500 characters (more than get labels, so both corner notes are written) drawn
/// at w x h, as SVG.
fn noted_path_svg(w: u32, h: u32) -> String {
    let (points, counts) = many_points(500, 3);
    let data = with_points(
        &EmbeddingSpec {
            title: "".into(),
            x_label: "PC1".into(),
            y_label: "PC2".into(),
            counts: counts.to_vec(),
            ..EmbeddingSpec::default()
        },
        &points,
    );
    let (trail_of, xs, ys) = walk(&points[..4], 2);
    let path = EmbeddingPathSpec {
        bounds: None,
        note: "live, step 41,048".into(),
        trail_of: trail_of.to_vec(),
        len: 2,
        xs: xs.to_vec(),
        ys: ys.to_vec(),
    };
    svg(w, h, |r| draw_embedding(r, &on_path(&data, &path)))
}

#[test]
fn the_labels_note_and_the_path_note_stand_on_lines_of_their_own_cut_to_the_plot() {
    // Where each note is written (its y attribute), found by how it starts.
    let y_of = |s: &str, start: &str| {
        s.split("<text")
            .skip(1)
            .find(|t| {
                t[t.find('>').unwrap() + 1..]
                    .trim_start()
                    .starts_with(start)
            })
            .map(|t| attr(t, "y").unwrap().parse::<f64>().unwrap())
            .unwrap_or_else(|| panic!("no text starting {start:?} in {:?}", texts(s)))
    };
    let wide = noted_path_svg(W, H);
    assert!(texts(&wide)
        .iter()
        .any(|t| t.starts_with("labels: ") && t.ends_with("(the most frequent)")));
    assert!(
        y_of(&wide, "live, step 41,048") > y_of(&wide, "labels: "),
        "one below the other"
    );
    // A narrow chart (two abreast at 1024 px): the labels note is cut, never drawn past the plot.
    let narrow = noted_path_svg(300, H);
    let labels = texts(&narrow)
        .into_iter()
        .find(|t| t.starts_with("labels: "))
        .unwrap();
    assert!(labels.ends_with('…'), "{labels:?}");
    assert!(y_of(&narrow, "live, step") > y_of(&narrow, "labels: "));
}

#[test]
fn the_corner_notes_stand_on_white_boxes_over_the_trails_under_the_dots() {
    // 500 points fill the plot, its top-left corner too.
    let s = noted_path_svg(W, H);
    let last_trail = s.rfind("<polyline").expect("trails");
    for start in ["labels: ", "live, step 41,048"] {
        let at = s
            .match_indices("<text")
            .map(|(i, _)| i)
            .find(|&i| {
                s[i..][s[i..].find('>').unwrap() + 1..]
                    .trim_start()
                    .starts_with(start)
            })
            .unwrap_or_else(|| panic!("no {start:?}"));
        assert!(at > last_trail, "{start:?} is drawn over the trails");
        assert!(
            s[at..].contains("<circle"),
            "{start:?} is drawn under the dots"
        );
        let tag = &s[at..];
        let (tx, ty) = (
            attr(tag, "x").unwrap().parse::<f64>().unwrap(),
            attr(tag, "y").unwrap().parse::<f64>().unwrap(),
        );
        // The element just before the text: a white box around the text's anchor.
        let rect = &s[s[..at].rfind("<rect").expect("a box")..at];
        assert!(
            !rect[1..].contains('<'),
            "{start:?}: the box is the element just before the text"
        );
        assert_eq!(attr(rect, "fill"), Some("#FFFFFF"), "{rect}");
        let n = |k| attr(rect, k).unwrap().parse::<f64>().unwrap();
        let (x, y, w, h) = (n("x"), n("y"), n("width"), n("height"));
        assert!(
            x <= tx && tx < x + w && y <= ty && ty < y + h,
            "{rect} around ({tx}, {ty})"
        );
        assert!(w > 60.0, "{start:?}: the box spans the text, {w} px");
    }
}
