//! The sheet's language: the part of Python and PyTorch that the lecture's backward pass is
//! written in, parsed and evaluated here, with bounded sizes and work.
//!
//! ```text
//! program   := { statement NEWLINE }
//! statement := target ("=" | "+=" | "-=" | "*=" | "/=") expr      several per line with ";"
//!            | name "." method_ "(" args ")"                    in place: dC.index_add_(...)
//!            | "for" name "in" expr ":" (statement | NEWLINE INDENT { statement } DEDENT)
//! target    := name | name "[" expr { "," expr } "]"
//! expr      := term { ("+" | "-") term }
//! term      := factor { ("*" | "/" | "@") factor }
//! factor    := ("-" | "+") factor | power
//! power     := postfix [ "**" factor ]
//! postfix   := atom { "." name | "(" args ")" | "[" expr { "," expr } "]" }
//! atom      := name | number | True | False | "(" expr { "," expr } ")"
//! args      := [ arg { "," arg } ]      arg := [ name "=" ] expr
//! ```
//!
//! Values (`value`) are tensors (f32, rank 0-3, `tensor::Tensor`), Python ints and floats (f64,
//! rounded to f32 when they meet a tensor, as in PyTorch), shapes, `range(...)` and `.max(dim)`'s
//! result.
//! `lexer` makes tokens (Python's indentation rules, the first line's indentation taken as the
//! margin), `parser` the syntax tree (`ast`), `eval` runs it, `builtins` holds the methods and
//! functions. Every error is a `LangError` with the line and column where it happened.

pub mod ast;
pub mod builtins;
pub mod eval;
pub mod lexer;
pub mod parser;
pub mod value;

pub use eval::Env;
pub use parser::Program;
pub use value::Value;

use std::fmt;

/// The longest answer, in bytes (the lecture's longest, the dC loop, is 150).
pub const MAX_TEXT_BYTES: usize = 4096;
/// The deepest nesting of expressions and blocks.
pub const MAX_DEPTH: usize = 48;
/// The longest number literal, in characters.
pub const MAX_LITERAL_CHARS: usize = 24;
/// The longest name.
pub const MAX_NAME_CHARS: usize = 64;
/// The most iterations of one `for` loop (the lecture's loops take n = 32 and block_size = 3).
pub const MAX_LOOP: i64 = 10_000;
/// The work one answer may do, in element operations (a matrix product m x k x n counts m*k*n,
/// other operations the numbers they read and write, every step of the program 16). The
/// lecture's whole backward pass takes about 510,000 (its dC loop 130,000).
pub const BUDGET: u64 = 20_000_000;

/// An error with the place it happened (line and column from 1, in characters).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LangError {
    pub line: usize,
    pub col: usize,
    pub message: String,
}

impl LangError {
    pub fn new(line: usize, col: usize, message: impl Into<String>) -> LangError {
        LangError {
            line,
            col,
            message: message.into(),
        }
    }
}

impl fmt::Display for LangError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.col, self.message
        )
    }
}

impl std::error::Error for LangError {}

/// Parses an answer: checks its size, then lexes and parses it.
pub fn compile(text: &str) -> Result<Program, LangError> {
    if text.len() > MAX_TEXT_BYTES {
        return Err(LangError::new(
            1,
            1,
            format!(
                "the answer is {} bytes long; an answer may have at most {MAX_TEXT_BYTES} \
                 (the lecture's longest is a few lines)",
                text.len()
            ),
        ));
    }
    let tokens = lexer::lex(text)?;
    parser::parse(&tokens)
}

/// The known name closest to `name` (edit distance at most a third of its length, at least 1),
/// for "did you mean ...?".
pub fn closest<'a>(name: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (name.chars().count() / 3).max(1);
    known
        .into_iter()
        .map(|k| (edit_distance(name, k), k))
        .filter(|&(d, _)| d <= limit)
        .min_by_key(|&(d, k)| (d, k.len()))
        .map(|(_, k)| k)
}

/// Levenshtein distance over characters (names are short: at most `MAX_NAME_CHARS`).
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, &ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, &cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    #[test]
    fn closest_names() {
        let known = ["dprobs", "probs", "dcounts", "counts_sum"];
        assert_eq!(super::closest("dprob", known), Some("dprobs"));
        assert_eq!(super::closest("countsum", known), Some("counts_sum"));
        assert_eq!(super::closest("xyz", known), None);
    }
}
