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

/// `n` distinct CJK characters, 20 to a line.
fn cjk_lines(n: u32) -> String {
    let chars: Vec<char> = (0..n)
        .map(|i| char::from_u32(0x4E00 + i).unwrap())
        .collect();
    chars
        .chunks(20)
        .map(|c| c.iter().collect::<String>() + "\n")
        .collect()
}

#[test]
fn thousands_of_characters_are_a_vocabulary_and_more_are_refused() {
    // Chinese names use a few thousand characters.
    let names = parse_names(ten(&cjk_lines(3_000)).as_bytes()).unwrap();
    assert_eq!(Vocab::from_words(&names).size(), 1 + 3_000 + 12); // boundary, CJK, "name" + a..j
    let at_limit = MAX_DISTINCT_CHARS as u32 - 12;
    assert!(parse_names(ten(&cjk_lines(at_limit)).as_bytes()).is_ok());
    let e = err(ten(&cjk_lines(at_limit + 1)).as_bytes());
    assert_eq!(
        e,
        DataError::TooManyChars {
            distinct: MAX_DISTINCT_CHARS + 1
        }
    );
    assert!(e.to_string().contains("drop the rarest characters"), "{e}");
}

#[test]
fn real_city_names_load_dots_apostrophes_spaces_and_scripts() {
    let text =
        "St. Louis\nWashington, D.C.\nL'Aquila\nRio de Janeiro\n北京\nالقاهرة\nתל אביב\nमुंबई\n\
                São Paulo\nMünchen\nSt. John's\n";
    let names = parse_names(text.as_bytes()).unwrap();
    assert_eq!(names.len(), 11);
    assert_eq!(names[0], "St. Louis");
    assert_eq!(names[6], "תל אביב");
}

#[test]
fn the_boundary_is_index_0_shown_as_a_mark_the_names_do_not_use() {
    let plain = Vocab::from_words(&["ab".to_string()]);
    assert_eq!(plain.boundary_mark(), BOUNDARY);
    assert_eq!(plain.as_string(), ".ab");
    assert_eq!(
        plain.stoi('.'),
        None,
        "the boundary is an index, not a character"
    );

    let dotted = vec!["st. louis".to_string(), "ab".to_string()];
    let v = Vocab::from_words(&dotted);
    assert_eq!(v.boundary_mark(), '·');
    assert_eq!(v.as_string(), "· .abilostu");
    assert_eq!(v.stoi('.'), Some(2));
    // The boundary's examples are index 0; the '.' of the name is an ordinary character.
    let ex = build_dataset(&dotted[1..], &v, 2);
    assert_eq!(ex.y, vec![3, 4, 0]);
    let ex = build_dataset(&dotted[..1], &v, 1);
    assert_eq!(ex.y[2], 2);
    assert_eq!(*ex.y.last().unwrap(), 0);

    // The fallbacks in order, then a private-use character.
    let uses = |s: &str| Vocab::from_words(&[s.to_string()]).boundary_mark();
    assert_eq!(uses("a.·"), '¶');
    assert_eq!(uses("a.·¶"), '␣');
    assert_eq!(uses(".·¶␣"), '\u{E000}');
    assert_eq!(BOUNDARY_FALLBACKS, ['·', '¶', '␣']);
}

#[test]
fn direction_controls_are_refused_naming_the_character_and_line() {
    for (c, name) in [
        ('\u{202A}', "LEFT-TO-RIGHT EMBEDDING"),
        ('\u{202B}', "RIGHT-TO-LEFT EMBEDDING"),
        ('\u{202C}', "POP DIRECTIONAL FORMATTING"),
        ('\u{202D}', "LEFT-TO-RIGHT OVERRIDE"),
        ('\u{202E}', "RIGHT-TO-LEFT OVERRIDE"),
        ('\u{2066}', "LEFT-TO-RIGHT ISOLATE"),
        ('\u{2067}', "RIGHT-TO-LEFT ISOLATE"),
        ('\u{2068}', "FIRST STRONG ISOLATE"),
        ('\u{2069}', "POP DIRECTIONAL ISOLATE"),
    ] {
        let e = err(ten(&format!("ok\nsi{c}mon\n")).as_bytes());
        assert_eq!(e, DataError::Hidden { line: 12, ch: c });
        let msg = e.to_string();
        let code = format!("U+{:04X} {name}", c as u32);
        assert!(
            msg.starts_with(&format!("line 12 contains {code}, a control")),
            "{msg}"
        );
        assert!(msg.ends_with("remove it"), "{msg}");
    }
    assert!(err(ten("\u{202E}nomis\n").as_bytes())
        .to_string()
        .contains("reverses how text is shown"));
}

#[test]
fn invisible_characters_are_refused_but_joiners_are_spelling() {
    for (c, name) in [
        ('\u{200B}', "ZERO WIDTH SPACE"),
        ('\u{200F}', "RIGHT-TO-LEFT MARK"),
        ('\u{FEFF}', "ZERO WIDTH NO-BREAK SPACE"),
        ('\u{00AD}', "SOFT HYPHEN"),
        ('\u{2028}', "LINE SEPARATOR"),
        ('\u{E0041}', "TAG CHARACTER"),
    ] {
        let e = err(ten(&format!("a{c}b\n")).as_bytes());
        assert_eq!(e, DataError::Hidden { line: 11, ch: c });
        assert!(e.to_string().contains(name), "{e}");
        assert!(e.to_string().contains("an invisible character"), "{e}");
    }
    // A zero-width joiner (Devanagari conjuncts) and non-joiner (Persian) are letters' business.
    let names = parse_names(ten("क्\u{200D}ष\nمی\u{200C}خواهم\n").as_bytes()).unwrap();
    assert_eq!(names[10], "क्\u{200D}ष");
    assert_eq!(names[11], "می\u{200C}خواهم");
}

#[test]
fn control_characters_name_themselves() {
    assert_eq!(
        err(ten("emma\tsmith\n").as_bytes()),
        DataError::Control { line: 11, ch: '\t' }
    );
    assert!(err(ten("emma\tsmith\n").as_bytes())
        .to_string()
        .contains("line 11 contains a tab"));
    let e = err(ten("a\u{1b}[31m\n").as_bytes());
    assert_eq!(
        e,
        DataError::Control {
            line: 11,
            ch: '\u{1b}'
        }
    );
    assert!(e.to_string().contains("U+001B"), "{e}");
}

#[test]
fn utf16_files_are_named_as_such() {
    let utf16: Vec<u8> = [0xFEFFu16]
        .into_iter()
        .chain("emma\n".encode_utf16())
        .flat_map(|u| u.to_le_bytes())
        .collect();
    assert_eq!(err(&utf16), DataError::Utf16);
    assert!(DataError::Utf16.to_string().contains("save it as UTF-8"));
}

#[test]
fn lone_cr_and_crlf_both_end_lines_and_lines_are_counted_right() {
    let mac = "emma\rolivia\rava\risabella\rsophia\rmia\rcharlotte\ramelia\rharper\revelyn\r";
    let names = parse_names(mac.as_bytes()).unwrap();
    assert_eq!(names.len(), 10);
    assert_eq!(names[..3], ["emma", "olivia", "ava"]);
    // Mixed: a CR, a CRLF, an LF and a CR then CRLF (a blank line) before the bad line 7.
    let mixed = |bad: &[u8]| {
        let mut b = ten("").into_bytes();
        b.extend_from_slice(b"a\rb\r\nc\nd\r\r\n");
        b.extend_from_slice(bad);
        b
    };
    assert_eq!(err(&mixed(b"x\xffy")), DataError::NotUtf8 { line: 16 });
    assert_eq!(
        err(&mixed("x\u{202E}y".as_bytes())),
        DataError::Hidden {
            line: 16,
            ch: '\u{202E}'
        }
    );
    // A lone CR just before the bad byte still ends line 1.
    assert_eq!(err(b"ok\r\xff"), DataError::NotUtf8 { line: 2 });
}

#[test]
fn a_dataset_is_shared_not_copied_by_clone_and_block_size() {
    let words = default_words();
    let d = Dataset::new(&words, 3, SPLIT_SEED);
    let c = d.clone();
    assert!(std::sync::Arc::ptr_eq(&d.train, &c.train));
    assert!(std::sync::Arc::ptr_eq(&d.train_words, &c.train_words));
    let d8 = d.with_block_size(8);
    assert!(std::sync::Arc::ptr_eq(&d.val_words, &d8.val_words));
    let fresh = Dataset::new(&words, 8, SPLIT_SEED);
    assert_eq!(*d8.train, *fresh.train);
    assert_eq!(*d8.val, *fresh.val);
    assert_eq!(d8.vocab, fresh.vocab);
}

#[test]
fn the_largest_file_bounds_the_examples_and_their_memory() {
    // 4 MiB of one-character names: the most examples a file can give.
    let text = "a\n".repeat(MAX_FILE_BYTES / 2);
    let words = parse_names(text.as_bytes()).unwrap();
    let n = count_examples(&words);
    assert_eq!(n, MAX_FILE_BYTES);
    assert_eq!(examples_bytes(n, 3), n * 4 * 4);
    assert_eq!(max_block_size(n), 15);
    assert!(examples_bytes(n, 15) <= MAX_EXAMPLES_BYTES);
    assert!(examples_bytes(n, 16) > MAX_EXAMPLES_BYTES);
    // The default names fit at every context length the page offers (up to 16).
    assert!(max_block_size(count_examples(&default_words())) >= 16);
    assert_eq!(
        count_examples(&["北京".to_string()]),
        3,
        "characters, not bytes"
    );
}

#[test]
fn counts_are_per_index_with_the_boundary_once_per_name() {
    let words = vec!["anna".to_string(), "bo".to_string()];
    let v = Vocab::from_words(&words); // . a b n o
    assert_eq!(v.counts(&words), vec![2, 2, 1, 2, 1]);
}
