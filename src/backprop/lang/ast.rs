//! The syntax tree of the sheet's language (see the grammar in `lang`'s module doc), with each
//! node's place in the text, and the expressions written back as text for messages.

use super::LangError;
use crate::backprop::tensor::BinOp;
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
}

impl Pos {
    pub fn err(self, message: impl Into<String>) -> LangError {
        LangError::new(self.line, self.col, message)
    }
}

/// A binary operator: elementwise or `@`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op2 {
    Elem(BinOp),
    MatMul,
}

impl Op2 {
    pub fn symbol(self) -> &'static str {
        match self {
            Op2::Elem(op) => op.symbol(),
            Op2::MatMul => "@",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    Name(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Tuple(Vec<Expr>),
    Neg(Box<Expr>),
    Binary(Op2, Box<Expr>, Box<Expr>),
    Attr(Box<Expr>, String),
    Call(Box<Expr>, Vec<Arg>),
    Index(Box<Expr>, Vec<Expr>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub pos: Pos,
    /// Levels of the tree under and including this node.
    pub depth: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Arg {
    pub keyword: Option<String>,
    pub value: Expr,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Target {
    pub name: String,
    pub index: Option<Vec<Expr>>,
    pub pos: Pos,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Stmt {
    /// `target = value`, or `target op= value` (`op` Some).
    Assign {
        target: Target,
        op: Option<BinOp>,
        value: Expr,
        pos: Pos,
    },
    /// A call on its own line (`dC.index_add_(...)`).
    Expr(Expr),
    For {
        var: String,
        iter: Expr,
        body: Vec<Stmt>,
        pos: Pos,
    },
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct Program {
    pub stmts: Vec<Stmt>,
}

impl Program {
    /// The names the program assigns at its top level, in order (the tensors an answer defines).
    pub fn assigned(&self) -> Vec<&str> {
        let mut out = Vec::new();
        for s in &self.stmts {
            if let Stmt::Assign { target, .. } = s {
                if !out.contains(&target.name.as_str()) {
                    out.push(target.name.as_str());
                }
            }
        }
        out
    }
}

/// The expression as text, as it would be typed (for messages).
impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ExprKind::Name(n) => write!(f, "{n}"),
            ExprKind::Int(v) => write!(f, "{v}"),
            ExprKind::Float(v) => write!(f, "{v:?}"),
            ExprKind::Bool(b) => write!(f, "{}", if *b { "True" } else { "False" }),
            ExprKind::Tuple(items) => {
                let parts: Vec<String> = items.iter().map(|e| e.to_string()).collect();
                write!(f, "({})", parts.join(", "))
            }
            ExprKind::Neg(e) => write!(f, "-{}", Paren(e)),
            ExprKind::Binary(op, a, b) => write!(f, "{} {} {}", Paren(a), op.symbol(), Paren(b)),
            ExprKind::Attr(e, n) => write!(f, "{}.{n}", Paren(e)),
            ExprKind::Call(c, args) => {
                let parts: Vec<String> = args
                    .iter()
                    .map(|a| match &a.keyword {
                        Some(k) => format!("{k}={}", a.value),
                        None => a.value.to_string(),
                    })
                    .collect();
                write!(f, "{c}({})", parts.join(", "))
            }
            ExprKind::Index(x, ix) => {
                let parts: Vec<String> = ix.iter().map(|e| e.to_string()).collect();
                write!(f, "{}[{}]", Paren(x), parts.join(", "))
            }
        }
    }
}

/// An operand in parentheses when it is itself an operation.
struct Paren<'a>(&'a Expr);

impl fmt::Display for Paren<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.kind {
            ExprKind::Binary(..) | ExprKind::Neg(_) => write!(f, "({})", self.0),
            _ => write!(f, "{}", self.0),
        }
    }
}
