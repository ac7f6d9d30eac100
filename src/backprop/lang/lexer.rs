//! Text to tokens, by Python's rules: names, numbers, operators, NEWLINE at the end of a
//! statement (not inside brackets, nor after a `\`), INDENT and DEDENT when the indentation
//! grows or shrinks, comments from `#`. The first line's indentation is the left margin, so that
//! lines copied from an indented notebook cell work as they are.

use super::{LangError, MAX_LITERAL_CHARS, MAX_NAME_CHARS};

#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    Name(String),
    Int(i64),
    Float(f64),
    Op(&'static str),
    Newline,
    Indent,
    Dedent,
    Eof,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    pub tok: Tok,
    pub line: usize,
    pub col: usize,
}

/// Operators, longest first.
const OPS: [&str; 19] = [
    "**", "+=", "-=", "*=", "/=", "+", "-", "*", "/", "@", "(", ")", "[", "]", ",", ".", ":", "=",
    ";",
];

/// Operators of Python that this language leaves out, with what to do instead.
const REFUSED: [(&str, &str); 16] = [
    ("**=", "write x = x**e"),
    ("@=", "write x = x @ y"),
    (
        "//",
        "floor division is not used in the backward pass; / divides",
    ),
    ("==", "comparisons are not used in the backward pass"),
    ("!=", "comparisons are not used in the backward pass"),
    ("<=", "comparisons are not used in the backward pass"),
    (">=", "comparisons are not used in the backward pass"),
    ("%", "% is not used in the backward pass"),
    ("<", "comparisons are not used in the backward pass"),
    (">", "comparisons are not used in the backward pass"),
    ("&", "bitwise operators are not used in the backward pass"),
    ("|", "bitwise operators are not used in the backward pass"),
    ("^", "^ is not a power in Python: write x**2"),
    ("~", "~ is not used in the backward pass"),
    (
        "{",
        "dictionaries and sets are not used in the backward pass",
    ),
    (
        "}",
        "dictionaries and sets are not used in the backward pass",
    ),
];

/// Width of a line's indentation: a space counts 1, a tab moves to the next multiple of 8.
fn indent_width(line: &[char]) -> (usize, usize) {
    let mut w = 0;
    let mut n = 0;
    for &c in line {
        match c {
            ' ' => w += 1,
            '\t' => w = (w / 8 + 1) * 8,
            '\x0c' => {}
            _ => break,
        }
        n += 1;
    }
    (w, n)
}

/// True for a line with nothing but blanks and maybe a comment.
fn is_blank(line: &[char]) -> bool {
    let (_, n) = indent_width(line);
    matches!(line.get(n), None | Some('#') | Some('\r'))
}

pub fn lex(text: &str) -> Result<Vec<Token>, LangError> {
    let lines: Vec<Vec<char>> = text.split('\n').map(|l| l.chars().collect()).collect();
    // The first statement's indentation is the left margin (a cell copied from a notebook).
    let base = lines
        .iter()
        .find(|l| !is_blank(l))
        .map_or(0, |l| indent_width(l).0);
    let mut lx = Lexer {
        out: Vec::new(),
        open: Vec::new(),
        indents: vec![0],
        continued: false,
    };
    for (i, line) in lines.iter().enumerate() {
        lx.line(i + 1, line, base)?;
    }
    if let Some(&(c, line, col)) = lx.open.last() {
        return Err(LangError::new(
            line,
            col,
            format!("this `{c}` is never closed"),
        ));
    }
    let end = lines.len();
    if !matches!(lx.out.last().map(|t| &t.tok), None | Some(Tok::Newline)) {
        lx.push(Tok::Newline, end, 1);
    }
    while lx.indents.len() > 1 {
        lx.indents.pop();
        lx.push(Tok::Dedent, end, 1);
    }
    lx.push(Tok::Eof, end, 1);
    Ok(lx.out)
}

struct Lexer {
    out: Vec<Token>,
    /// Open brackets and where they are: inside them, line breaks and indentation do not count.
    open: Vec<(char, usize, usize)>,
    indents: Vec<usize>,
    /// The previous line ended with `\`.
    continued: bool,
}

impl Lexer {
    fn push(&mut self, tok: Tok, line: usize, col: usize) {
        self.out.push(Token { tok, line, col });
    }

    fn line(&mut self, ln: usize, line: &[char], base: usize) -> Result<(), LangError> {
        let err = |col: usize, m: String| Err(LangError::new(ln, col, m));
        let mut i = 0;
        if self.open.is_empty() && !self.continued {
            if is_blank(line) {
                return Ok(());
            }
            let (w, n) = indent_width(line);
            i = n;
            let level = w.saturating_sub(base);
            let top = *self.indents.last().unwrap_or(&0);
            if level > top {
                self.indents.push(level);
                self.push(Tok::Indent, ln, i + 1);
            } else if level < top {
                while level < *self.indents.last().unwrap_or(&0) {
                    self.indents.pop();
                    self.push(Tok::Dedent, ln, i + 1);
                }
                if level != *self.indents.last().unwrap_or(&0) {
                    return err(
                        i + 1,
                        "this line's indentation matches no outer block".into(),
                    );
                }
            }
        }
        self.continued = false;
        while i < line.len() {
            let c = line[i];
            let col = i + 1;
            let next = line.get(i + 1).copied();
            if c == ' ' || c == '\t' || c == '\r' || c == '\x0c' {
                i += 1;
            } else if c == '#' {
                break;
            } else if c == '\\' {
                if line[i + 1..].iter().all(|c| c.is_whitespace()) {
                    self.continued = true;
                    return Ok(());
                }
                return err(col, "a \\ continues a line only at its end".into());
            } else if c.is_ascii_digit() || (c == '.' && next.is_some_and(|n| n.is_ascii_digit())) {
                i = self.number(ln, line, i)?;
            } else if c.is_ascii_alphabetic() || c == '_' {
                let start = i;
                while i < line.len() && (line[i].is_ascii_alphanumeric() || line[i] == '_') {
                    i += 1;
                }
                if i - start > MAX_NAME_CHARS {
                    return err(
                        col,
                        format!(
                            "a name of {} characters; names here have at most {MAX_NAME_CHARS}",
                            i - start
                        ),
                    );
                }
                self.push(Tok::Name(line[start..i].iter().collect()), ln, col);
            } else if let Some((op, why)) = REFUSED
                .iter()
                .find(|(op, _)| starts(line, i, &[op]).is_some())
            {
                return err(col, format!("`{op}`: {why}"));
            } else if let Some(op) = starts(line, i, &OPS) {
                match (op, self.open.last()) {
                    ("(" | "[", _) => self.open.push((c, ln, col)),
                    (")", Some(&('(', ..))) | ("]", Some(&('[', ..))) => {
                        self.open.pop();
                    }
                    (")" | "]", Some(&(o, l, k))) => {
                        return err(
                            col,
                            format!("`{c}` does not close the `{o}` at line {l}, column {k}"),
                        );
                    }
                    _ => {}
                }
                i += op.len();
                self.push(Tok::Op(op), ln, col);
            } else {
                return err(col, unexpected_char(c));
            }
        }
        // A statement ends with its line, unless a bracket or a `\` carries it on.
        let last_is_newline = matches!(self.out.last().map(|t| &t.tok), None | Some(Tok::Newline));
        if self.open.is_empty() && !self.continued && !last_is_newline {
            self.push(Tok::Newline, ln, line.len() + 1);
        }
        Ok(())
    }

    /// A Python number: digits, a fraction, an exponent. Returns the index after it.
    fn number(&mut self, ln: usize, line: &[char], start: usize) -> Result<usize, LangError> {
        let mut i = start;
        let digits = |i: &mut usize| {
            while *i < line.len() && line[*i].is_ascii_digit() {
                *i += 1;
            }
        };
        digits(&mut i);
        let mut float = false;
        if i < line.len()
            && line[i] == '.'
            && !line
                .get(i + 1)
                .is_some_and(|c| c.is_ascii_alphabetic() && *c != 'e' && *c != 'E')
        {
            float = true;
            i += 1;
            digits(&mut i);
        }
        if i < line.len() && (line[i] == 'e' || line[i] == 'E') {
            let mut j = i + 1;
            if j < line.len() && (line[j] == '+' || line[j] == '-') {
                j += 1;
            }
            if j < line.len() && line[j].is_ascii_digit() {
                float = true;
                i = j;
                digits(&mut i);
            }
        }
        let text: String = line[start..i].iter().collect();
        let col = start + 1;
        if text.len() > MAX_LITERAL_CHARS {
            return Err(LangError::new(
                ln,
                col,
                format!(
                    "a number of {} characters; numbers here have at most {MAX_LITERAL_CHARS}",
                    text.len()
                ),
            ));
        }
        if i < line.len() && (line[i].is_ascii_alphabetic() || line[i] == '_') {
            return Err(LangError::new(
                ln,
                i + 1,
                format!(
                    "`{text}` runs into `{}`: a number cannot be followed by a letter",
                    line[i]
                ),
            ));
        }
        let tok = if float {
            match text.parse::<f64>() {
                Ok(v) if v.is_finite() => Tok::Float(v),
                _ => {
                    return Err(LangError::new(
                        ln,
                        col,
                        format!("{text} is too large for a float"),
                    ))
                }
            }
        } else {
            match text.parse::<i64>() {
                Ok(v) if v <= 1 << 53 => Tok::Int(v),
                _ => {
                    return Err(LangError::new(
                        ln,
                        col,
                        format!("{text} is too large: integers here are at most 2**53"),
                    ))
                }
            }
        };
        self.push(tok, ln, col);
        Ok(i)
    }
}

/// The operator of `ops` that `line` has at `i`.
fn starts(line: &[char], i: usize, ops: &[&'static str]) -> Option<&'static str> {
    ops.iter().copied().find(|op| {
        op.chars()
            .enumerate()
            .all(|(k, c)| line.get(i + k) == Some(&c))
    })
}

fn unexpected_char(c: char) -> String {
    let hint = match c {
        '\u{2212}' | '\u{2013}' | '\u{2014}' => ": a typographic dash; type the minus sign -",
        '\u{00d7}' | '\u{22c5}' | '\u{00b7}' => ": type * to multiply",
        '\u{2018}' | '\u{2019}' | '\u{201c}' | '\u{201d}' | '\'' | '"' => {
            ": strings are not used in the backward pass"
        }
        '$' | '?' | '`' | '!' => "",
        _ if !c.is_ascii() => ": names and operators are plain ASCII",
        _ => "",
    };
    if c.is_control() || c.is_whitespace() {
        format!("unexpected character U+{:04X}{hint}", c as u32)
    } else {
        format!("unexpected character `{c}` (U+{:04X}){hint}", c as u32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<Tok> {
        lex(s).unwrap().into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn numbers_names_and_operators() {
        use Tok::*;
        assert_eq!(
            toks("dx = -1.0/n**2"),
            vec![
                Name("dx".into()),
                Op("="),
                Op("-"),
                Float(1.0),
                Op("/"),
                Name("n".into()),
                Op("**"),
                Int(2),
                Newline,
                Eof
            ]
        );
        assert_eq!(toks("1e-5")[0], Float(1e-5));
        assert_eq!(toks(".5")[0], Float(0.5));
        assert_eq!(toks("x.T")[1], Op("."));
    }

    #[test]
    fn indentation_blocks_and_brackets() {
        use Tok::*;
        let t = toks("    for k in r:\n      a = (1,\n   2)\n    b = 1\n");
        assert_eq!(t.iter().filter(|t| **t == Indent).count(), 1);
        assert_eq!(t.iter().filter(|t| **t == Dedent).count(), 1);
        assert_eq!(t.iter().filter(|t| **t == Newline).count(), 3);
        let e = lex("a = 1\n  b = 2\n c = 3").unwrap_err();
        assert_eq!((e.line, e.col), (3, 2), "{e}");
    }

    #[test]
    fn refusals_say_where_and_why() {
        let e = lex("x = a // 2").unwrap_err();
        assert_eq!((e.line, e.col), (1, 7));
        assert!(e.message.contains("floor division"));
        assert!(lex("x = a \u{2212} b")
            .unwrap_err()
            .message
            .contains("minus"));
        assert!(lex("x = 1e999").unwrap_err().message.contains("too large"));
        assert!(lex(&format!("x = {}", "9".repeat(30))).is_err());
        assert!(lex("x = 99999999999999999999").is_err());
    }
}
