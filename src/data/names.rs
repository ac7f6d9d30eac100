//! `parse_names`: a user's names file to a checked list of names. UTF-8, one name per line
//! (LF, CRLF or a lone CR), surrounding whitespace trimmed, blank lines dropped; any visible
//! character is allowed, '.' included. Each name is put in Unicode's composed form (NFC), so that
//! "José" typed with one é or with e and a combining accent is one name over one vocabulary entry.
//! Every refusal says what is wrong, on which line, and what to change.

use super::hidden::{hidden_char, Hidden};
use super::unicode::{is_mark, nfc};
use std::collections::BTreeSet;
use std::fmt;

/// Largest file accepted, in bytes (the default 32k names are 228 KB). It also bounds the work:
/// a file gives at most one example per byte, plus one (see `count_examples`).
pub const MAX_FILE_BYTES: usize = 4 * 1024 * 1024;
/// Longest name accepted, in characters (the longest default name has 15).
pub const MAX_NAME_CHARS: usize = 64;
/// Most distinct characters accepted. Chinese names use a few thousand characters (the 3,500 of
/// the common-character list cover nearly all); more is not a names list. The cost grows with it:
/// the last Linear has n_hidden x vocab weights, and every step a batch x vocab softmax, so 5,000
/// characters with n_hidden 200 is a 1M-weight output layer, about 6 times the deep model's step.
pub const MAX_DISTINCT_CHARS: usize = 5_000;
/// Fewest names accepted: a 90/10 split needs at least one validation name.
pub const MIN_NAMES: usize = 10;
/// Most combining marks in a row (after composing, NFC): Thai tone marks over vowel signs, Hebrew
/// points, Tibetan stacks and Devanagari conjuncts use 1 to 4; dozens are "Zalgo" text, drawn far
/// above and below its line.
pub const MAX_MARKS: usize = 6;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DataError {
    TooLarge {
        bytes: usize,
    },
    /// Starts with a UTF-16 byte order mark.
    Utf16,
    NotUtf8 {
        line: usize,
    },
    /// A NUL character: a binary file, or UTF-16 text without its mark.
    Binary {
        line: usize,
    },
    /// Another control character (tab, escape, ...) inside a name.
    Control {
        line: usize,
        ch: char,
    },
    /// A direction control or an invisible format character (see `hidden_char`).
    Hidden {
        line: usize,
        ch: char,
    },
    Empty,
    TooFewNames {
        names: usize,
    },
    NameTooLong {
        line: usize,
        chars: usize,
    },
    /// More than `MAX_MARKS` combining marks in a row.
    Marks {
        line: usize,
        count: usize,
    },
    TooManyChars {
        distinct: usize,
    },
}

impl DataError {
    /// The line at fault (counting from 1), when one line is.
    pub fn line(&self) -> Option<usize> {
        match *self {
            DataError::NotUtf8 { line }
            | DataError::Binary { line }
            | DataError::Control { line, .. }
            | DataError::Hidden { line, .. }
            | DataError::NameTooLong { line, .. }
            | DataError::Marks { line, .. } => Some(line),
            _ => None,
        }
    }
}

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            DataError::TooLarge { bytes } => write!(
                f,
                "the file is {:.1} MB; the limit is {} MB of names: keep a part of the list",
                bytes as f64 / 1e6,
                MAX_FILE_BYTES / (1024 * 1024)
            ),
            DataError::Utf16 => write!(
                f,
                "the file is UTF-16 text; save it as UTF-8 (one name per line)"
            ),
            DataError::NotUtf8 { line } => write!(
                f,
                "line {line} is not UTF-8 text; is this a names file (one name per line)? If so, save it as UTF-8"
            ),
            DataError::Binary { line } => write!(
                f,
                "line {line} holds a NUL character; this looks like a binary file or UTF-16 text, not a list of names"
            ),
            DataError::Control { line, ch: '\t' } => write!(
                f,
                "line {line} contains a tab; keep only the name on each line (is this a table?)"
            ),
            DataError::Control { line, ch } => write!(
                f,
                "line {line} contains the control character U+{:04X}; names cannot hold control characters (is this a names file?)",
                ch as u32
            ),
            DataError::Hidden { line, ch } => {
                let u = ch as u32;
                match hidden_char(ch) {
                    Some(Hidden::Direction(name)) if u == 0x202E => write!(
                        f,
                        "line {line} contains U+{u:04X} {name}, a control that reverses how text is shown; remove it"
                    ),
                    Some(Hidden::Direction(name)) => write!(
                        f,
                        "line {line} contains U+{u:04X} {name}, a control that changes the direction text is shown in; remove it"
                    ),
                    Some(Hidden::Invisible(name)) => write!(
                        f,
                        "line {line} contains U+{u:04X} {name}, an invisible character; remove it"
                    ),
                    Some(Hidden::Space(name)) => write!(
                        f,
                        "line {line} contains U+{u:04X} {name}, a space that is not the plain space; type a plain space or none"
                    ),
                    None => write!(f, "line {line} contains U+{u:04X}; remove it"),
                }
            }
            DataError::Empty => write!(f, "the file has no names (it is empty or only blank lines)"),
            DataError::TooFewNames { names } => write!(
                f,
                "the file has {names} names; at least {MIN_NAMES} are needed for a 90/10 train/val split"
            ),
            DataError::NameTooLong { line, chars } => write!(
                f,
                "line {line} is {chars} characters long; names may have at most {MAX_NAME_CHARS} (is this one name per line?)"
            ),
            DataError::Marks { line, count } => write!(
                f,
                "line {line} has {count} combining marks in a row; a letter of a name carries at most {MAX_MARKS} (is this a names file?)"
            ),
            DataError::TooManyChars { distinct } => write!(
                f,
                "the names use {distinct} different characters; at most {MAX_DISTINCT_CHARS} are allowed: keep names of fewer scripts, or drop the rarest characters"
            ),
        }
    }
}

impl std::error::Error for DataError {}

/// The lines of `text`: a line ends at LF, CRLF or a lone CR (old Mac files).
fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.split('\n')
        .flat_map(|l| l.strip_suffix('\r').unwrap_or(l).split('\r'))
}

/// Line breaks in `bytes`, counted as `lines` splits (CRLF is one).
fn count_breaks(bytes: &[u8]) -> usize {
    let lone_cr = bytes
        .iter()
        .zip(bytes.iter().skip(1).map(Some).chain([None]))
        .filter(|&(&b, next)| b == b'\r' && next != Some(&b'\n'))
        .count();
    lone_cr + bytes.iter().filter(|&&b| b == b'\n').count()
}

/// The most combining marks in a row in `name`, if it has any.
fn longest_run_of_marks(name: &str) -> Option<usize> {
    let (mut run, mut longest) = (0, 0);
    for ch in name.chars() {
        run = if is_mark(ch) { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    (longest > 0).then_some(longest)
}

/// Parses a names file (see the module doc). Line numbers in errors count from 1 in the file as
/// given.
pub fn parse_names(bytes: &[u8]) -> Result<Vec<String>, DataError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(DataError::TooLarge { bytes: bytes.len() });
    }
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(DataError::Utf16);
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes); // a BOM is not a character
    let text = std::str::from_utf8(bytes).map_err(|e| DataError::NotUtf8 {
        line: 1 + count_breaks(&bytes[..e.valid_up_to()]),
    })?;
    // Composing never joins across a line break (a break is a starter with no compositions).
    let text = nfc(text);
    let mut names = Vec::new();
    let mut distinct = BTreeSet::new();
    for (i, raw) in lines(&text).enumerate() {
        let line = i + 1;
        let name = raw.trim();
        for ch in name.chars() {
            if ch == '\0' {
                return Err(DataError::Binary { line });
            }
            if ch.is_control() {
                return Err(DataError::Control { line, ch });
            }
            if hidden_char(ch).is_some() {
                return Err(DataError::Hidden { line, ch });
            }
        }
        if name.is_empty() {
            continue;
        }
        if let Some(count) = longest_run_of_marks(name).filter(|&n| n > MAX_MARKS) {
            return Err(DataError::Marks { line, count });
        }
        let chars = name.chars().count();
        if chars > MAX_NAME_CHARS {
            return Err(DataError::NameTooLong { line, chars });
        }
        distinct.extend(name.chars());
        names.push(name.to_string());
    }
    if names.is_empty() {
        return Err(DataError::Empty);
    }
    if names.len() < MIN_NAMES {
        return Err(DataError::TooFewNames { names: names.len() });
    }
    if distinct.len() > MAX_DISTINCT_CHARS {
        return Err(DataError::TooManyChars {
            distinct: distinct.len(),
        });
    }
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ten names (enough for a file) with `extra` as the first line.
    fn file(extra: &str) -> String {
        let mut lines = vec![extra.to_string()];
        lines.extend((0..10).map(|i| format!("name{i}")));
        lines.join("\n")
    }

    #[test]
    fn composed_and_decomposed_spellings_are_one_name() {
        // "José" with é as one character (U+00E9) and as e + U+0301 COMBINING ACUTE ACCENT.
        let (composed, decomposed) = ("Jos\u{e9}", "Jose\u{301}");
        let text = format!("{}\n{}", file(composed), decomposed);
        let names = parse_names(text.as_bytes()).unwrap();
        assert_eq!(names[0], composed);
        assert_eq!(names.last().unwrap(), composed);
    }

    #[test]
    fn invisible_letters_and_lookalike_spaces_are_refused_naming_the_line() {
        for (ch, what) in [
            ('\u{3164}', "U+3164 HANGUL FILLER, an invisible character"),
            (
                '\u{115F}',
                "U+115F HANGUL CHOSEONG FILLER, an invisible character",
            ),
            (
                '\u{034F}',
                "U+034F COMBINING GRAPHEME JOINER, an invisible character",
            ),
            (
                '\u{2800}',
                "U+2800 BRAILLE PATTERN BLANK, an invisible character",
            ),
            (
                '\u{FE0F}',
                "U+FE0F VARIATION SELECTOR, an invisible character",
            ),
            (
                '\u{00A0}',
                "U+00A0 NO-BREAK SPACE, a space that is not the plain space",
            ),
            (
                '\u{3000}',
                "U+3000 IDEOGRAPHIC SPACE, a space that is not the plain space",
            ),
        ] {
            let text = file(&format!("An{ch}na"));
            let e = parse_names(text.as_bytes()).unwrap_err();
            assert_eq!(e.line(), Some(1), "{ch:?}");
            assert!(
                e.to_string()
                    .starts_with(&format!("line 1 contains {what}")),
                "{e}"
            );
        }
    }

    #[test]
    fn a_pile_of_combining_marks_is_refused() {
        // x has no composed form with an accent: all 64 marks stay marks.
        let zalgo = format!("x{}", "\u{301}\u{302}\u{303}\u{304}".repeat(16));
        let e = parse_names(file(&zalgo).as_bytes()).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "line 1 has 64 combining marks in a row; a letter of a name carries at most \
                 {MAX_MARKS} (is this a names file?)"
            )
        );
        // Thai, Hebrew with points, Tibetan stacks and Devanagari conjuncts stay allowed.
        for ok in ["กิ่ง", "שָׁלוֹם", "བསྒྲུབས", "क्षत्रिय", "Nguyễn"]
        {
            assert!(parse_names(file(ok).as_bytes()).is_ok(), "{ok}");
        }
    }
}
