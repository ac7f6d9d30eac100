//! The language refuses hostile input with a message, quickly, and never panics: a megabyte of
//! text, deep nesting, huge literals, huge tensors, long loops; random bytes, token soups and
//! mutated lecture answers.

use super::lecture::EXERCISE_1;
use super::support::lab;
use makemore_lab::backprop::{Lab, VerdictStatus};
use makemore_lab::rng::Rng;
use std::time::{Duration, Instant};

fn nested_loops(levels: usize) -> String {
    let mut s = String::new();
    for d in 0..levels {
        s += &format!("{}for k{d} in range(2):\n", " ".repeat(d));
    }
    s + &" ".repeat(levels) + "dh = dlogits @ W2.T\n"
}

#[test]
fn hostile_answers_are_refused_with_a_message() {
    let lab = lab(1);
    let cases: Vec<(String, &str)> = vec![
        ("dh = 1\n".repeat(150_000), "at most 4096"),
        (format!("dh = {}h{}", "(".repeat(1000), ")".repeat(1000)), "nested too deeply"),
        (format!("dh = h{}", " + h".repeat(700)), "nested too deeply"),
        (format!("dh = {}h", "-".repeat(1000)), "nested too deeply"),
        (format!("dh = {}1", "h**".repeat(500)), "nested too deeply"),
        (format!("dh = h{}", ".T".repeat(1000)), "nested too deeply"),
        (nested_loops(60), "nested too deeply"),
        (format!("dh = 1{}", "0".repeat(40)), "at most 24"),
        ("dh = 1e999".into(), "too large for a float"),
        ("dh = 99999999999999999999".into(), "too large"),
        ("dh = 10**100".into(), "too large"),
        ("dh = h.view(-1, 1) * W1.view(1, -1)".into(), "too large"),
        ("dh = torch.zeros((100000, 100000))".into(), "too large"),
        ("dh = ones_like(h).view(-1, 1, 1) * ones_like(W1)".into(), "too large"),
        ("dh = h.view(-1, 1, 1, 1)".into(), "at most 3 dimensions"),
        ("dh = h[range(10**12)]".into(), "too large"),
        ("for i in range(10**9):\n  dh = 1".into(), "at most 10000"),
        (
            "for i in range(10000):\n  for j in range(10000):\n    dh = dlogits @ W2.T".into(),
            "too much work",
        ),
        (
            "x = ones_like(h).view(-1)\nfor i in range(10000):\n  for j in range(10000):\n    y = x.sum()".into(),
            "too much work",
        ),
        ("dh = h.view(-1, 1) @ h.view(1, -1)".into(), "too large"),
    ];
    for (text, fragment) in cases {
        let start = Instant::now();
        let v = lab.check("h", &text);
        let took = start.elapsed();
        let head: String = text.chars().take(60).collect();
        assert_eq!(v.status, VerdictStatus::Error, "{head:?}: {v:?}");
        assert!(
            v.message.contains(fragment),
            "{head:?}: want {fragment:?} in {}",
            v.message
        );
        assert!(
            v.line.is_some() && v.col.is_some(),
            "{head:?}: no place: {v:?}"
        );
        assert!(took < Duration::from_secs(3), "{head:?} took {took:?}");
    }
}

/// Checks `text` and asserts the verdict is well-formed: an error has a message and a place.
fn survives(lab: &Lab, id: &str, text: &str) {
    let v = lab.check(id, text);
    if v.status == VerdictStatus::Error {
        assert!(!v.message.is_empty(), "{text:?}: {v:?}");
    }
    if let (Some(line), Some(col)) = (v.line, v.col) {
        assert!(line >= 1 && col >= 1, "{text:?}: {v:?}");
    }
}

#[test]
fn random_bytes_never_panic() {
    let lab = lab(2);
    let mut rng = Rng::new(17);
    for _ in 0..3000 {
        let len = rng.randint(120);
        const COMMON: &[u8] = b"dh=()[].,:;+-*/@ \n\t#\\0123456789abcehnxT_'\"%";
        let bytes: Vec<u8> = (0..len)
            .map(|_| match rng.randint(4) {
                0 => rng.randint(256) as u8,
                _ => COMMON[rng.randint(COMMON.len())],
            })
            .collect();
        survives(&lab, "h", &String::from_utf8_lossy(&bytes));
    }
}

#[test]
fn token_soups_never_panic() {
    const TOKENS: [&str; 44] = [
        "dh",
        "dC",
        "=",
        "+=",
        "-=",
        "(",
        ")",
        "[",
        "]",
        ",",
        ".",
        "T",
        "sum",
        "h",
        "W2",
        "dlogits",
        "@",
        "*",
        "**",
        "-",
        "/",
        "1",
        "0.5",
        "-1",
        "\n",
        "  ",
        "for",
        "k",
        "in",
        "range",
        "(n)",
        ":",
        "Xb",
        "Yb",
        "keepdim=True",
        "index_add_",
        "view",
        "max",
        "values",
        "indices",
        ";",
        "#",
        "1e-5",
        "shape",
    ];
    let lab = lab(3);
    let mut rng = Rng::new(23);
    for _ in 0..3000 {
        let n = 1 + rng.randint(30);
        let text: Vec<&str> = (0..n).map(|_| TOKENS[rng.randint(TOKENS.len())]).collect();
        let sep = if rng.randint(2) == 0 { "" } else { " " };
        survives(&lab, "C", &text.join(sep));
    }
}

#[test]
fn mutated_lecture_answers_never_panic() {
    // Near-valid text reaches the evaluator's deeper paths: delete, duplicate or swap a few
    // characters of a right answer.
    let lab = lab(4);
    let mut rng = Rng::new(29);
    for _ in 0..4000 {
        let (id, answer) = EXERCISE_1[rng.randint(EXERCISE_1.len())];
        let mut chars: Vec<char> = answer.chars().collect();
        for _ in 0..1 + rng.randint(3) {
            if chars.is_empty() {
                break;
            }
            let i = rng.randint(chars.len());
            match rng.randint(3) {
                0 => {
                    chars.remove(i);
                }
                1 => chars.insert(i, chars[i]),
                _ => {
                    let j = rng.randint(chars.len());
                    chars.swap(i, j);
                }
            }
        }
        let text: String = chars.into_iter().collect();
        survives(&lab, id, &text);
    }
}
