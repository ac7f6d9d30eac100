//! The names parser: every bad input gets its own error naming the line, and good input is
//! cleaned the documented way.

use makemore_lab::data::*;

fn err(bytes: &[u8]) -> DataError {
    parse_names(bytes).expect_err("should be rejected")
}

fn ten(extra: &str) -> String {
    let mut s: String = (0..10)
        .map(|i| format!("name{}\n", (b'a' + i) as char))
        .collect();
    s.push_str(extra);
    s
}

#[test]
fn cleans_crlf_whitespace_blank_lines_and_bom() {
    let text = "\u{feff}  emma \r\nolivia\r\n\r\n\n ava\t\nisabella\nsophia\nmia\ncharlotte\namelia\nharper\nevelyn\n";
    let names = parse_names(text.as_bytes()).unwrap();
    assert_eq!(names[..3], ["emma", "olivia", "ava"]);
    assert_eq!(names.len(), 10);
}

#[test]
fn empty_and_blank_files_are_empty() {
    assert_eq!(err(b""), DataError::Empty);
    assert_eq!(err(b"\n \r\n\t\n"), DataError::Empty);
}

#[test]
fn too_few_names_for_a_split() {
    assert_eq!(err(b"emma\nava\n"), DataError::TooFewNames { names: 2 });
}

#[test]
fn invalid_utf8_names_its_line() {
    let mut bytes = ten("").into_bytes();
    bytes.extend_from_slice(b"ok\nbad\xff\xfename\n");
    assert_eq!(err(&bytes), DataError::NotUtf8 { line: 12 });
}

#[test]
fn binary_files_are_refused() {
    // A PNG header: invalid UTF-8 at once.
    assert!(matches!(
        err(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
        DataError::NotUtf8 { line: 1 }
    ));
    // A PDF starts as text, then has control characters / invalid bytes.
    let pdf = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n";
    assert!(matches!(
        err(pdf),
        DataError::NotUtf8 { .. } | DataError::Binary { .. }
    ));
    // Valid UTF-8 with NUL bytes (UTF-16 text, say).
    assert_eq!(
        err(&ten("e\0m\0m\0a\0\n").into_bytes()),
        DataError::Binary { line: 11 }
    );
}

#[test]
fn huge_files_are_refused_before_parsing() {
    let big = vec![b'a'; MAX_FILE_BYTES + 1];
    assert_eq!(
        err(&big),
        DataError::TooLarge {
            bytes: MAX_FILE_BYTES + 1
        }
    );
    assert!(err(&big).to_string().contains("MB"));
}

#[test]
fn a_long_line_is_not_a_name() {
    let long = "x".repeat(MAX_NAME_CHARS + 1);
    assert_eq!(
        err(ten(&long).as_bytes()),
        DataError::NameTooLong {
            line: 11,
            chars: MAX_NAME_CHARS + 1
        }
    );
    // Exactly at the limit is fine.
    assert!(parse_names(ten(&"x".repeat(MAX_NAME_CHARS)).as_bytes()).is_ok());
}

#[test]
fn a_dot_inside_a_name_is_refused_with_its_line() {
    let e = err(ten("st.john\n").as_bytes());
    assert_eq!(e, DataError::ReservedDot { line: 11 });
    assert!(e.to_string().contains("line 11"));
}

#[test]
fn too_many_distinct_characters() {
    let many: String = (0..(MAX_DISTINCT_CHARS as u32 + 5))
        .map(|i| char::from_u32(0x4E00 + i).unwrap())
        .collect();
    let lines: String = many
        .chars()
        .collect::<Vec<_>>()
        .chunks(20)
        .map(|c| c.iter().collect::<String>() + "\n")
        .collect();
    assert!(matches!(
        err(ten(&lines).as_bytes()),
        DataError::TooManyChars { .. }
    ));
}

#[test]
fn odd_characters_are_just_characters() {
    let names = parse_names(ten("zoë\nJosé\n<img src=x onerror=alert(1)>\n").as_bytes()).unwrap();
    let vocab = Vocab::from_words(&names);
    assert_eq!(vocab.itos[0], '.');
    for c in ['ë', 'é', 'J', '<', '>', ' ', '('] {
        assert!(vocab.stoi(c).is_some(), "{c}");
    }
    let sorted: Vec<char> = vocab.itos[1..].to_vec();
    let mut s2 = sorted.clone();
    s2.sort();
    assert_eq!(sorted, s2, "the characters after '.' are sorted");
}

#[test]
fn the_default_names_are_the_notebooks() {
    let words = default_words();
    assert_eq!(words.len(), 32_033);
    let d = Dataset::new(&words, 3, 42);
    assert_eq!(d.vocab.as_string(), ".abcdefghijklmnopqrstuvwxyz");
    assert_eq!(d.train_words.len(), 28_829);
    assert_eq!(d.val_words.len(), 3_204);
    // Every name gives len + 1 examples.
    let total: usize = words.iter().map(|w| w.len() + 1).sum();
    assert_eq!(d.train.len() + d.val.len(), total);
    assert_eq!(total, 205_280 + 22_866, "the notebook's example count");
}

#[test]
fn build_dataset_matches_the_notebook() {
    let words = vec!["emma".to_string()];
    let vocab = Vocab::from_words(&words); // . a e m
    let ex = build_dataset(&words, &vocab, 3);
    // ... -> e, ..e -> m, .em -> m, emm -> a, mma -> .
    assert_eq!(ex.x, vec![0, 0, 0, 0, 0, 2, 0, 2, 3, 2, 3, 3, 3, 3, 1]);
    assert_eq!(ex.y, vec![2, 3, 3, 1, 0]);
}

#[test]
fn the_split_depends_on_the_seed_only() {
    let words = default_words();
    let a = Dataset::new(&words, 3, 1);
    let b = Dataset::new(&words, 3, 1);
    let c = Dataset::new(&words, 3, 2);
    assert_eq!(a.val_words, b.val_words);
    assert_ne!(a.val_words, c.val_words);
}
