//! The embedding scatter: a letter on each dot; empty, NaN and coincident points.

use crate::support::*;
use makemore_lab::charts::*;

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
    let data = EmbeddingData {
        title: "Embedding C",
        x_label: "dim 0",
        y_label: "dim 1",
        points: &points,
    };
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
        let data = EmbeddingData {
            title: "E",
            x_label: "PC1",
            y_label: "PC2",
            points,
        };
        assert_no_data(&svg(W, H, |r| draw_embedding(r, &data)));
        bitmap(W, H, |r| draw_embedding(r, &data));
    }
    // All points in one place: the ranges widen instead of collapsing.
    let same = [CharPoint {
        ch: 'q',
        x: 0.5,
        y: 0.5,
    }; 3];
    let data = EmbeddingData {
        title: "E",
        x_label: "PC1",
        y_label: "PC2",
        points: &same,
    };
    let s = svg(W, H, |r| draw_embedding(r, &data));
    assert_eq!(s.matches("<circle").count(), 3);
}
