//! A bounded, deterministic fuzz of the names parser: the files of `tests/corpus/names` (real
//! lists in several scripts, and hostile files), mutated with the project's own RNG (byte flips,
//! hostile code points, lone CRs, long lines, '.' everywhere, splices). Whatever the bytes,
//! `parse_names` returns clean names that `Dataset::new` builds from, or an error; an error that
//! blames a line names it, and that line (found by an independent splitter) holds the fault.

use makemore_lab::data::*;
use makemore_lab::rng::Rng;

const CASES: usize = 20_000;

fn corpus() -> Vec<(String, Vec<u8>)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus/names");
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&p).unwrap())
        })
        .collect();
    files.sort();
    files
}

/// Code points and byte strings a hostile or broken file holds.
const HOSTILE: &[&[u8]] = &[
    b"\0",
    "\u{FEFF}".as_bytes(),
    "\u{202E}".as_bytes(),
    "\u{202A}".as_bytes(),
    "\u{2066}".as_bytes(),
    "\u{2069}".as_bytes(),
    "\u{200B}".as_bytes(),
    "\u{200D}".as_bytes(),
    "\u{200C}".as_bytes(),
    "\u{2028}".as_bytes(),
    "\u{E0041}".as_bytes(),
    "\u{85}".as_bytes(),
    b"\xED\xA0\x80", // a UTF-16 surrogate written as UTF-8
    b"\xC0\xAF",     // an overlong '/'
    b"\xFF",
    b"\xF0\x9F", // a cut 4-byte sequence
    b"\r",
    b"\n",
    b"\r\n",
    b"\t",
    b"\x1b",
    b".",
    b"..",
    "·".as_bytes(),
    "¶".as_bytes(),
    "␣".as_bytes(),
    b" ",
    "\u{00A0}".as_bytes(),
    "北".as_bytes(),
    "ש".as_bytes(),
    "ع".as_bytes(),
    "क्".as_bytes(),
    "\u{E000}".as_bytes(),
    "\u{10FFFF}".as_bytes(),
    b"\xEF\xBB\xBF",
    b"\xFF\xFE",
];

fn mutate(rng: &mut Rng, bytes: &mut Vec<u8>, other: &[u8]) {
    let at = |rng: &mut Rng, len: usize| rng.randint(len + 1);
    match rng.randint(9) {
        0 if !bytes.is_empty() => {
            let i = rng.randint(bytes.len());
            bytes[i] ^= 1 << rng.randint(8);
        }
        1 | 2 => {
            let h = HOSTILE[rng.randint(HOSTILE.len())];
            let i = at(rng, bytes.len());
            bytes.splice(i..i, h.iter().copied());
        }
        3 if !bytes.is_empty() => {
            let i = rng.randint(bytes.len());
            let j = (i + rng.randint(40)).min(bytes.len());
            bytes.drain(i..j);
        }
        4 => {
            // A long line: up to a few times the name limit.
            let i = at(rng, bytes.len());
            let n = rng.randint(4 * MAX_NAME_CHARS);
            bytes.splice(i..i, std::iter::repeat_n(b'x', n));
        }
        5 => {
            // '.' everywhere: every line break, or every letter 'a'.
            let from = if rng.randint(2) == 0 { b'\n' } else { b'a' };
            bytes
                .iter_mut()
                .filter(|b| **b == from)
                .for_each(|b| *b = b'.');
        }
        6 => {
            // Line ends become lone CRs (old Mac), or CRLF.
            if rng.randint(2) == 0 {
                bytes
                    .iter_mut()
                    .filter(|b| **b == b'\n')
                    .for_each(|b| *b = b'\r');
            } else {
                *bytes = bytes
                    .iter()
                    .flat_map(|&b| {
                        if b == b'\n' {
                            vec![b'\r', b'\n']
                        } else {
                            vec![b]
                        }
                    })
                    .collect();
            }
        }
        7 if !other.is_empty() => {
            // Splice a piece of another corpus file in.
            let i = rng.randint(other.len());
            let j = (i + rng.randint(200)).min(other.len());
            let k = at(rng, bytes.len());
            bytes.splice(k..k, other[i..j].iter().copied());
        }
        _ => {
            let n = rng.randint(bytes.len() + 1);
            bytes.truncate(n);
        }
    }
}

/// Line `line` (from 1) of the file, split on LF, CRLF and lone CR, after a leading UTF-8 BOM:
/// written apart from the parser's splitter, to check the line an error names.
fn nth_line(bytes: &[u8], line: usize) -> Option<&[u8]> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let (mut start, mut n, mut i) = (0, 1, 0);
    while i < bytes.len() {
        if bytes[i] == b'\n' || bytes[i] == b'\r' {
            if n == line {
                return Some(&bytes[start..i]);
            }
            if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                i += 1;
            }
            n += 1;
            start = i + 1;
        }
        i += 1;
    }
    (n == line).then(|| &bytes[start..])
}

/// The property (see the module doc); panics with the case on a violation.
fn check(case: &str, bytes: &[u8]) {
    match parse_names(bytes) {
        Ok(names) => {
            assert!(names.len() >= MIN_NAMES, "{case}");
            for n in &names {
                assert!(!n.is_empty() && n.trim() == n, "{case}: {n:?}");
                assert!(n.chars().count() <= MAX_NAME_CHARS, "{case}: {n:?}");
                assert!(
                    n.chars()
                        .all(|c| !c.is_control() && hidden_char(c).is_none()),
                    "{case}: {n:?}"
                );
            }
            let d = Dataset::new(&names, 3, SPLIT_SEED);
            let v = d.vocab.size();
            assert!(v <= MAX_DISTINCT_CHARS + 1, "{case}");
            let mark = d.vocab.boundary_mark();
            assert!(names.iter().all(|n| !n.contains(mark)), "{case}: {mark:?}");
            assert_eq!(
                d.train.len() + d.val.len(),
                count_examples(&names),
                "{case}"
            );
            assert!(d.train.y.iter().chain(&d.val.y).all(|&y| (y as usize) < v));
            assert!(!d.val.is_empty(), "{case}");
        }
        Err(e) => {
            let msg = e.to_string();
            assert!(!msg.is_empty(), "{case}");
            let Some(line) = e.line() else { return };
            assert!(msg.contains(&format!("line {line} ")), "{case}: {msg}");
            let text = nth_line(bytes, line).unwrap_or_else(|| panic!("{case}: no line {line}"));
            let utf8 = std::str::from_utf8(text);
            let fault = match e {
                DataError::NotUtf8 { .. } => utf8.is_err(),
                DataError::Binary { .. } => utf8.is_ok_and(|t| t.contains('\0')),
                DataError::Control { ch, .. } | DataError::Hidden { ch, .. } => {
                    utf8.is_ok_and(|t| t.contains(ch))
                }
                DataError::NameTooLong { chars, .. } => {
                    utf8.is_ok_and(|t| t.trim().chars().count() == chars && chars > MAX_NAME_CHARS)
                }
                _ => false,
            };
            assert!(
                fault,
                "{case}: {msg}; line {line} is {:?}",
                String::from_utf8_lossy(text)
            );
        }
    }
}

#[test]
fn the_corpus_gives_the_expected_results() {
    let files = corpus();
    let get = |name: &str| &files.iter().find(|f| f.0 == name).expect(name).1;
    for ok in [
        "default_slice.txt",
        "cities.txt",
        "chinese.txt",
        "arabic.txt",
        "hebrew.txt",
        "devanagari.txt",
        "mixed.txt",
        "cr_only.txt",
        "dots.txt",
    ] {
        let names = parse_names(get(ok)).unwrap_or_else(|e| panic!("{ok}: {e}"));
        assert!(names.len() >= MIN_NAMES, "{ok}");
    }
    assert_eq!(parse_names(get("cr_only.txt")).unwrap().len(), 30);
    let dots = parse_names(get("dots.txt")).unwrap();
    assert_eq!(Vocab::from_words(&dots).boundary_mark(), '\u{E000}');
    assert_eq!(parse_names(get("utf16le.txt")), Err(DataError::Utf16));
    assert_eq!(
        parse_names(get("utf16_nobom.txt")),
        Err(DataError::Binary { line: 1 })
    );
    assert_eq!(
        parse_names(get("png_header.png")),
        Err(DataError::NotUtf8 { line: 1 })
    );
    assert_eq!(parse_names(get("empty.txt")), Err(DataError::Empty));
    assert_eq!(
        parse_names(get("hostile.txt")),
        Err(DataError::Hidden {
            line: 13,
            ch: '\u{202E}'
        })
    );
    for (name, bytes) in &files {
        check(name, bytes);
    }
}

#[test]
fn mutated_files_never_panic_and_errors_name_the_guilty_line() {
    let files = corpus();
    let mut rng = Rng::new(0xF022);
    let (mut ok, mut by_line) = (0, 0);
    for case in 0..CASES {
        let (name, base) = &files[rng.randint(files.len())];
        let other = &files[rng.randint(files.len())].1;
        let mut bytes = base.clone();
        for _ in 0..1 + rng.randint(6) {
            mutate(&mut rng, &mut bytes, other);
        }
        let r = std::panic::catch_unwind(|| check(&format!("case {case} ({name})"), &bytes));
        if let Err(p) = r {
            eprintln!(
                "case {case} ({name}), bytes {:?}",
                String::from_utf8_lossy(&bytes)
            );
            std::panic::resume_unwind(p);
        }
        match parse_names(&bytes) {
            Ok(_) => ok += 1,
            Err(e) if e.line().is_some() => by_line += 1,
            Err(_) => {}
        }
    }
    eprintln!("{ok} loaded, {by_line} blamed a line, of {CASES}");
    // The mutations reach both sides: files that load and errors that name a line.
    assert!(ok > CASES / 10, "{ok} of {CASES} loaded");
    assert!(by_line > CASES / 10, "{by_line} of {CASES} blamed a line");
}
