//! Tokens to a syntax tree (the grammar is in `lang`'s module doc), by recursive descent with a
//! depth limit: a parse never recurses more than `MAX_DEPTH` levels, and no tree is deeper, so
//! neither the parser nor the evaluator can exhaust the stack.

pub use super::ast::{Arg, Expr, ExprKind, Op2, Pos, Program, Stmt, Target};

use super::lexer::{Tok, Token};
use super::{LangError, MAX_DEPTH};
use crate::backprop::tensor::BinOp;

/// Words of Python that this language does not have.
const NOT_HERE: [&str; 16] = [
    "if", "elif", "else", "while", "def", "return", "import", "from", "class", "lambda", "with",
    "del", "try", "pass", "and", "or",
];

pub fn parse(tokens: &[Token]) -> Result<Program, LangError> {
    let mut p = Parser {
        toks: tokens,
        i: 0,
        depth: 0,
    };
    let mut stmts = Vec::new();
    loop {
        match p.peek() {
            Tok::Eof => break,
            Tok::Newline => p.i += 1,
            Tok::Indent => {
                return Err(p.pos().err(
                    "unexpected indent: this line is indented more than the one before, \
                     without a for loop",
                ))
            }
            _ => p.statement(&mut stmts)?,
        }
    }
    Ok(Program { stmts })
}

struct Parser<'a> {
    toks: &'a [Token],
    i: usize,
    depth: usize,
}

fn describe(t: &Tok) -> String {
    match t {
        Tok::Name(n) => format!("the name `{n}`"),
        Tok::Int(v) => format!("the number {v}"),
        Tok::Float(v) => format!("the number {v}"),
        Tok::Op(o) => format!("`{o}`"),
        Tok::Newline => "the end of the line".into(),
        Tok::Indent => "an indented line".into(),
        Tok::Dedent => "the end of the block".into(),
        Tok::Eof => "the end of the answer".into(),
    }
}

/// A node of the tree, refused when it would make the tree deeper than `MAX_DEPTH`.
fn node(kind: ExprKind, pos: Pos) -> Result<Expr, LangError> {
    let child = |e: &Expr| e.depth;
    let below = match &kind {
        ExprKind::Name(_) | ExprKind::Int(_) | ExprKind::Float(_) | ExprKind::Bool(_) => 0,
        ExprKind::Tuple(items) => items.iter().map(child).max().unwrap_or(0),
        ExprKind::Neg(e) | ExprKind::Attr(e, _) => e.depth,
        ExprKind::Binary(_, a, b) => a.depth.max(b.depth),
        ExprKind::Call(f, args) => args.iter().map(|a| a.value.depth).fold(f.depth, usize::max),
        ExprKind::Index(x, ix) => ix.iter().map(child).fold(x.depth, usize::max),
    };
    if below + 1 > MAX_DEPTH {
        return Err(pos.err(format!(
            "the expression is nested too deeply (more than {MAX_DEPTH} levels): split it into \
             several lines"
        )));
    }
    Ok(Expr {
        kind,
        pos,
        depth: below + 1,
    })
}

impl<'a> Parser<'a> {
    fn peek(&self) -> &'a Tok {
        &self.toks[self.i.min(self.toks.len() - 1)].tok
    }
    fn pos(&self) -> Pos {
        let t = &self.toks[self.i.min(self.toks.len() - 1)];
        Pos {
            line: t.line,
            col: t.col,
        }
    }
    fn next(&mut self) -> &'a Tok {
        let t = self.peek();
        if self.i < self.toks.len() - 1 {
            self.i += 1;
        }
        t
    }
    fn is_op(&self, op: &str) -> bool {
        matches!(self.peek(), Tok::Op(o) if *o == op)
    }
    fn eat(&mut self, op: &str) -> bool {
        let yes = self.is_op(op);
        if yes {
            self.i += 1;
        }
        yes
    }
    fn expect(&mut self, op: &str, context: &str) -> Result<(), LangError> {
        if self.eat(op) {
            return Ok(());
        }
        Err(self.pos().err(format!(
            "expected `{op}` {context}, found {}",
            describe(self.peek())
        )))
    }
    fn enter(&mut self) -> Result<(), LangError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.pos().err(format!(
                "nested too deeply (more than {MAX_DEPTH} levels): split it into several lines"
            )));
        }
        Ok(())
    }

    /// One line of statements, or a for loop with its block.
    fn statement(&mut self, out: &mut Vec<Stmt>) -> Result<(), LangError> {
        if let Tok::Name(w) = self.peek() {
            if w == "for" {
                self.enter()?;
                let s = self.for_loop()?;
                self.depth -= 1;
                out.push(s);
                return Ok(());
            }
            if NOT_HERE.contains(&w.as_str()) {
                return Err(self.pos().err(format!(
                    "`{w}` is not part of this sheet's language: write assignments (dx = ...) \
                     and for loops"
                )));
            }
        }
        loop {
            out.push(self.simple()?);
            if !self.eat(";") || matches!(self.peek(), Tok::Newline | Tok::Eof) {
                break;
            }
        }
        match self.peek() {
            Tok::Newline => {
                self.i += 1;
                Ok(())
            }
            Tok::Eof | Tok::Dedent => Ok(()),
            Tok::Name(_) | Tok::Int(_) | Tok::Float(_) => Err(self.pos().err(format!(
                "{} cannot follow a value: is an operator missing before it?",
                describe(self.peek())
            ))),
            t => Err(self
                .pos()
                .err(format!("{} cannot come after the statement", describe(t)))),
        }
    }

    fn simple(&mut self) -> Result<Stmt, LangError> {
        let pos = self.pos();
        let lhs = self.expr()?;
        let op = match self.peek() {
            Tok::Op("=") => None,
            Tok::Op("+=") => Some(BinOp::Add),
            Tok::Op("-=") => Some(BinOp::Sub),
            Tok::Op("*=") => Some(BinOp::Mul),
            Tok::Op("/=") => Some(BinOp::Div),
            _ => return Ok(Stmt::Expr(lhs)),
        };
        let op_pos = self.pos();
        self.i += 1;
        let target = match lhs.kind {
            ExprKind::Name(name) => Target {
                name,
                index: None,
                pos,
            },
            ExprKind::Index(x, ix) => match x.kind {
                ExprKind::Name(name) => Target {
                    name,
                    index: Some(ix),
                    pos,
                },
                _ => return Err(pos.err("can only assign to a name or to name[...]")),
            },
            _ => {
                return Err(pos.err(format!(
                    "can only assign to a name or to name[...], not to `{lhs}`"
                )))
            }
        };
        let value = self.expr()?;
        if self.is_op("=") {
            return Err(self
                .pos()
                .err("one `=` per statement: chained assignments are not used here"));
        }
        Ok(Stmt::Assign {
            target,
            op,
            value,
            pos: op_pos,
        })
    }

    fn for_loop(&mut self) -> Result<Stmt, LangError> {
        let pos = self.pos();
        self.next(); // for
        let var = match self.next() {
            Tok::Name(v) => v.clone(),
            t => {
                return Err(pos.err(format!(
                    "expected a loop variable after `for`, found {}",
                    describe(t)
                )))
            }
        };
        match self.next() {
            Tok::Name(w) if w == "in" => {}
            t => {
                return Err(self.pos().err(format!(
                    "expected `in` after `for {var}`, found {}",
                    describe(t)
                )))
            }
        }
        let iter = self.expr()?;
        self.expect(":", "at the end of the for line")?;
        let mut body = Vec::new();
        if matches!(self.peek(), Tok::Newline) {
            self.i += 1;
            if !matches!(self.peek(), Tok::Indent) {
                return Err(self.pos().err(format!(
                    "expected an indented block after `for {var} in ...:`"
                )));
            }
            self.i += 1;
            while !matches!(self.peek(), Tok::Dedent | Tok::Eof) {
                if matches!(self.peek(), Tok::Newline) {
                    self.i += 1;
                    continue;
                }
                if matches!(self.peek(), Tok::Indent) {
                    return Err(self.pos().err("unexpected indent inside the loop's block"));
                }
                self.statement(&mut body)?;
            }
            self.eat_dedent();
        } else {
            self.statement(&mut body)?;
        }
        Ok(Stmt::For {
            var,
            iter,
            body,
            pos,
        })
    }

    fn eat_dedent(&mut self) {
        if matches!(self.peek(), Tok::Dedent) {
            self.i += 1;
        }
    }

    fn expr(&mut self) -> Result<Expr, LangError> {
        self.enter()?;
        let mut lhs = self.term()?;
        loop {
            let op = match self.peek() {
                Tok::Op("+") => BinOp::Add,
                Tok::Op("-") => BinOp::Sub,
                _ => break,
            };
            let pos = self.pos();
            self.i += 1;
            let rhs = self.term()?;
            lhs = node(ExprKind::Binary(Op2::Elem(op), lhs.into(), rhs.into()), pos)?;
        }
        self.depth -= 1;
        Ok(lhs)
    }

    fn term(&mut self) -> Result<Expr, LangError> {
        let mut lhs = self.factor()?;
        loop {
            let op = match self.peek() {
                Tok::Op("*") => Op2::Elem(BinOp::Mul),
                Tok::Op("/") => Op2::Elem(BinOp::Div),
                Tok::Op("@") => Op2::MatMul,
                _ => break,
            };
            let pos = self.pos();
            self.i += 1;
            let rhs = self.factor()?;
            lhs = node(ExprKind::Binary(op, lhs.into(), rhs.into()), pos)?;
        }
        Ok(lhs)
    }

    fn factor(&mut self) -> Result<Expr, LangError> {
        self.enter()?;
        let pos = self.pos();
        let e = if self.eat("-") {
            let inner = self.factor()?;
            node(ExprKind::Neg(inner.into()), pos)?
        } else if self.eat("+") {
            self.factor()?
        } else {
            self.power()?
        };
        self.depth -= 1;
        Ok(e)
    }

    fn power(&mut self) -> Result<Expr, LangError> {
        let base = self.postfix()?;
        if !self.is_op("**") {
            return Ok(base);
        }
        let pos = self.pos();
        self.i += 1;
        let exp = self.factor()?;
        node(
            ExprKind::Binary(Op2::Elem(BinOp::Pow), base.into(), exp.into()),
            pos,
        )
    }

    fn postfix(&mut self) -> Result<Expr, LangError> {
        let mut e = self.atom()?;
        loop {
            let pos = self.pos();
            if self.eat(".") {
                match self.next() {
                    Tok::Name(n) => e = node(ExprKind::Attr(e.into(), n.clone()), pos)?,
                    t => {
                        return Err(
                            pos.err(format!("expected a name after `.`, found {}", describe(t)))
                        )
                    }
                }
            } else if self.eat("(") {
                let args = self.args()?;
                e = node(ExprKind::Call(e.into(), args), pos)?;
            } else if self.eat("[") {
                let mut ix = Vec::new();
                loop {
                    if self.is_op(":") {
                        return Err(self.pos().err(
                            "slices (:) are not supported here: index with integers, range(n) \
                             or an index tensor",
                        ));
                    }
                    if self.is_op("]") && !ix.is_empty() {
                        break;
                    }
                    ix.push(self.expr()?);
                    if !self.eat(",") {
                        break;
                    }
                }
                self.expect("]", &format!("to close the `[` at column {}", pos.col))?;
                e = node(ExprKind::Index(e.into(), ix), pos)?;
            } else {
                return Ok(e);
            }
        }
    }

    fn args(&mut self) -> Result<Vec<Arg>, LangError> {
        let open = self.pos();
        let mut args: Vec<Arg> = Vec::new();
        while !self.is_op(")") {
            let keyword = match (self.peek(), self.toks.get(self.i + 1).map(|t| &t.tok)) {
                (Tok::Name(k), Some(Tok::Op("="))) => {
                    self.i += 2;
                    Some(k.clone())
                }
                _ => None,
            };
            let at = self.pos();
            let value = self.expr()?;
            if keyword.is_none() && args.iter().any(|a| a.keyword.is_some()) {
                return Err(at.err("a positional argument after a keyword argument"));
            }
            args.push(Arg { keyword, value });
            if !self.eat(",") {
                break;
            }
        }
        self.expect(
            ")",
            &format!(
                "to close the call's `(` (line {}, column {})",
                open.line,
                open.col.saturating_sub(1)
            ),
        )?;
        Ok(args)
    }

    fn atom(&mut self) -> Result<Expr, LangError> {
        let pos = self.pos();
        match self.next() {
            Tok::Name(n) if n == "True" || n == "False" => node(ExprKind::Bool(n == "True"), pos),
            Tok::Name(n) if n == "None" => Err(pos.err("None is not used in the backward pass")),
            Tok::Name(n) if n == "for" || n == "in" || NOT_HERE.contains(&n.as_str()) => {
                Err(pos.err(format!("`{n}` cannot stand in an expression")))
            }
            Tok::Name(n) => node(ExprKind::Name(n.clone()), pos),
            Tok::Int(v) => node(ExprKind::Int(*v), pos),
            Tok::Float(v) => node(ExprKind::Float(*v), pos),
            Tok::Op("(") => {
                let mut items = Vec::new();
                let mut tuple = false;
                while !self.is_op(")") {
                    items.push(self.expr()?);
                    if !self.eat(",") {
                        break;
                    }
                    tuple = true;
                }
                self.expect(
                    ")",
                    &format!("to close the `(` at line {}, column {}", pos.line, pos.col),
                )?;
                match items.len() {
                    1 if !tuple => Ok(items.pop().expect("one item")),
                    _ => node(ExprKind::Tuple(items), pos),
                }
            }
            t => Err(pos.err(format!("expected a value, found {}", describe(t)))),
        }
    }
}
