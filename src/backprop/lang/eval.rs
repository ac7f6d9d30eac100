//! Runs a program on an environment of named values: the forward pass's tensors, the parameters,
//! `n`, `Xb`, `Yb` (read-only), the gradients known so far, and what the program assigns. Python
//! numbers stay f64 until they meet a tensor (then f32, as in PyTorch). `x op= v` on a tensor
//! works in place, keeping its shape, as torch does. Every step and every number computed is
//! charged to a budget (`BUDGET`); a loop runs at most `MAX_LOOP` times.

use super::builtins;
use super::parser::{Arg, Expr, ExprKind, Op2, Pos, Program, Stmt, Target};
use super::value::Value;
use super::{closest, LangError, BUDGET, MAX_LOOP};
use crate::backprop::tensor::Ix;
use crate::backprop::tensor::{fmt_shape, BinOp, DType, Tensor};
use std::collections::BTreeMap;

/// What a name stands for when the program may not assign it.
#[derive(Clone, Debug)]
struct Fixed {
    why: String,
}

/// Named values, and the names a program may read but not assign.
#[derive(Clone, Debug, Default)]
pub struct Env {
    vars: BTreeMap<String, Value>,
    fixed: BTreeMap<String, Fixed>,
    /// Names that exist in the lecture but not yet here, with why (gradients found later).
    later: BTreeMap<String, String>,
    /// Remarks on the last run that may explain a wrong result.
    notes: Vec<String>,
}

impl Env {
    pub fn new() -> Env {
        Env::default()
    }

    /// A read-only name; `why` says what it is, in the refusal to assign it.
    pub fn fixed(&mut self, name: &str, value: Value, why: impl Into<String>) {
        self.vars.insert(name.to_string(), value);
        self.fixed
            .insert(name.to_string(), Fixed { why: why.into() });
    }

    pub fn set(&mut self, name: &str, value: Value) {
        self.vars.insert(name.to_string(), value);
    }

    /// A name the lecture has but this environment does not (yet), with why.
    pub fn later(&mut self, name: &str, why: impl Into<String>) {
        self.later.insert(name.to_string(), why.into());
    }

    pub fn get(&self, name: &str) -> Option<&Value> {
        self.vars.get(name)
    }

    pub fn tensor(&self, name: &str) -> Option<&Tensor> {
        match self.vars.get(name) {
            Some(Value::Tensor(t)) => Some(t),
            _ => None,
        }
    }

    pub fn remove(&mut self, name: &str) -> Option<Value> {
        self.vars.remove(name)
    }

    /// Remarks on the last run: things PyTorch does that may surprise (a repeated index).
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    /// Runs `program`, with a fresh budget.
    pub fn run(&mut self, program: &Program) -> Result<(), LangError> {
        self.notes.clear();
        let mut run = Run {
            env: self,
            budget: BUDGET,
        };
        program.stmts.iter().try_for_each(|s| run.exec(s))
    }
}

/// Work charged for each statement executed and each expression node evaluated.
const STEP_COST: u64 = 16;

struct Run<'e> {
    env: &'e mut Env,
    budget: u64,
}

/// A short form of an expression for messages.
fn short(e: &Expr) -> String {
    let s = e.to_string();
    if s.chars().count() > 40 {
        let head: String = s.chars().take(37).collect();
        format!("{head}...")
    } else {
        s
    }
}

impl Run<'_> {
    fn charge(&mut self, units: u64, pos: Pos) -> Result<(), LangError> {
        if units > self.budget {
            return Err(pos.err(format!(
                "this answer takes too much work (over {BUDGET} operations), far more than a \
                 backward pass needs: is a loop too long, or a tensor too large?"
            )));
        }
        self.budget -= units;
        Ok(())
    }

    fn exec(&mut self, s: &Stmt) -> Result<(), LangError> {
        match s {
            Stmt::Assign {
                target,
                op,
                value,
                pos,
            } => {
                self.charge(STEP_COST, *pos)?;
                let v = self.eval(value)?;
                self.assign(target, *op, v, *pos)
            }
            Stmt::Expr(e) => {
                self.charge(STEP_COST, e.pos)?;
                self.expr_statement(e)
            }
            Stmt::For {
                var,
                iter,
                body,
                pos,
            } => {
                let (a, b) = match self.eval(iter)? {
                    Value::Range(a, b) => (a, b),
                    v => {
                        return Err(iter.pos.err(format!(
                            "for loops here run over range(...), not over {}",
                            v.describe()
                        )))
                    }
                };
                if b.saturating_sub(a) > MAX_LOOP {
                    return Err(iter.pos.err(format!(
                        "range({a}, {b}) is {} steps; a loop here runs at most {MAX_LOOP} (the \
                         lecture's run over n and block_size)",
                        b.saturating_sub(a)
                    )));
                }
                self.check_assignable(var, *pos)?;
                for k in a..b {
                    self.charge(STEP_COST, *pos)?;
                    self.env.vars.insert(var.clone(), Value::Int(k));
                    for s in body {
                        self.exec(s)?;
                    }
                }
                Ok(())
            }
        }
    }

    fn check_assignable(&self, name: &str, pos: Pos) -> Result<(), LangError> {
        match self.env.fixed.get(name) {
            Some(f) => Err(pos.err(format!("`{name}` cannot be assigned: {}", f.why))),
            None if name == "torch" || name == "F" => {
                Err(pos.err(format!("`{name}` is the module of PyTorch's functions")))
            }
            None => Ok(()),
        }
    }

    fn assign(
        &mut self,
        target: &Target,
        op: Option<BinOp>,
        v: Value,
        pos: Pos,
    ) -> Result<(), LangError> {
        let name = &target.name;
        self.check_assignable(name, target.pos)?;
        let sym = op.map_or("=", |o| match o {
            BinOp::Add => "+=",
            BinOp::Sub => "-=",
            BinOp::Mul => "*=",
            _ => "/=",
        });
        if let Some(ix) = &target.index {
            let ix = self.indices(ix)?;
            let value = v
                .to_tensor()
                .map_err(|e| pos.err(format!("{name}[...] {sym}: {e}")))?;
            self.charge(value.numel() as u64, pos)?;
            let Some(Value::Tensor(t)) = self.env.vars.get_mut(name) else {
                return Err(self.undefined(name, target.pos, sym));
            };
            let repeated = t
                .put(&ix, &value, op)
                .map_err(|e| pos.err(format!("{name}[...] {sym}: {e}")))?;
            if repeated && op.is_some() {
                let note = format!(
                    "line {}: `{name}[...] {sym}` with an index that repeats a position changes \
                     it once, not once per repeat (as in PyTorch); index_add_ or a loop adds \
                     every repeat",
                    pos.line
                );
                if !self.env.notes.contains(&note) {
                    self.env.notes.push(note);
                }
            }
            return Ok(());
        }
        let Some(op) = op else {
            self.env.vars.insert(name.clone(), v);
            return Ok(());
        };
        let Some(old) = self.env.vars.get(name).cloned() else {
            return Err(self.undefined(name, target.pos, sym));
        };
        let new = self.binary(Op2::Elem(op), old.clone(), v, pos, (name, "the value"))?;
        if let (Value::Tensor(o), Value::Tensor(n)) = (&old, &new) {
            if o.shape() != n.shape() {
                return Err(pos.err(format!(
                    "`{name} {sym} ...` works in place and keeps {name}'s shape {}; the result \
                     would have shape {}",
                    fmt_shape(o.shape()),
                    fmt_shape(n.shape())
                )));
            }
            if o.dtype() == DType::Long && n.dtype() == DType::Float {
                return Err(pos.err(format!(
                    "{name} holds integers (Long), and `{sym}` would put floats in it: make it \
                     float first ({name} = {name}.float())"
                )));
            }
        }
        self.env.vars.insert(name.clone(), new);
        Ok(())
    }

    fn undefined(&self, name: &str, pos: Pos, sym: &str) -> LangError {
        if sym == "=" {
            return self.unknown(name, pos);
        }
        pos.err(format!(
            "`{name} {sym} ...` needs {name} to exist: start with `{name} = ...`"
        ))
    }

    /// A call on its own line: `x.index_add_(...)` changes x; anything else is kept nowhere.
    fn expr_statement(&mut self, e: &Expr) -> Result<(), LangError> {
        if let ExprKind::Call(callee, _) = &e.kind {
            if let ExprKind::Attr(recv, m) = &callee.kind {
                if let (ExprKind::Name(x), true) = (&recv.kind, m.ends_with('_')) {
                    self.check_assignable(x, recv.pos)?;
                    let v = self.eval(e)?;
                    self.env.vars.insert(x.clone(), v);
                    return Ok(());
                }
            }
            if let ExprKind::Name(f) = &callee.kind {
                if f == "cmp" || f == "print" {
                    return Err(e.pos.err(format!(
                        "{f}(...) is what this page does for you: remove this line"
                    )));
                }
            }
        }
        Err(e.pos.err(format!(
            "this line computes `{}` but keeps it nowhere: assign it (dx = ...)",
            short(e)
        )))
    }

    fn unknown(&self, name: &str, pos: Pos) -> LangError {
        if let Some(why) = self.env.later.get(name) {
            return pos.err(format!("`{name}` is not known yet: {why}"));
        }
        let known = self
            .env
            .vars
            .keys()
            .map(String::as_str)
            .chain(self.env.later.keys().map(String::as_str))
            .chain(builtins::FUNCTIONS)
            .chain(["torch", "F"]);
        let hint = closest(name, known)
            .map(|k| format!("; did you mean `{k}`?"))
            .unwrap_or_default();
        pos.err(format!("unknown name `{name}`{hint}"))
    }

    fn eval(&mut self, e: &Expr) -> Result<Value, LangError> {
        self.charge(STEP_COST, e.pos)?;
        let v = match &e.kind {
            ExprKind::Int(v) => Value::Int(*v),
            ExprKind::Float(v) => Value::Float(*v),
            ExprKind::Bool(b) => Value::Bool(*b),
            ExprKind::Name(n) => match self.env.vars.get(n) {
                Some(v) => v.clone(),
                None if n == "torch" || n == "F" => {
                    Value::Module(if n == "F" { "F" } else { "torch" })
                }
                None => return Err(self.unknown(n, e.pos)),
            },
            ExprKind::Tuple(items) => {
                let mut s = Vec::with_capacity(items.len());
                for it in items {
                    let v = self.eval(it)?;
                    s.push(v.as_int().ok_or_else(|| {
                        it.pos.err(format!(
                            "a tuple here holds sizes (integers), not {}",
                            v.describe()
                        ))
                    })?);
                }
                Value::Shape(s)
            }
            ExprKind::Neg(x) => match self.eval(x)? {
                Value::Int(v) => Value::Int(
                    v.checked_neg()
                        .ok_or_else(|| e.pos.err("integer overflow"))?,
                ),
                Value::Bool(b) => Value::Int(-(b as i64)),
                Value::Float(v) => Value::Float(-v),
                Value::Tensor(t) => Value::Tensor(t.neg()),
                v => return Err(e.pos.err(format!("cannot negate {}", v.describe()))),
            },
            ExprKind::Binary(op, a, b) => {
                let (va, vb) = (self.eval(a)?, self.eval(b)?);
                self.binary(*op, va, vb, e.pos, (&short(a), &short(b)))?
            }
            ExprKind::Attr(x, name) => match self.eval(x)? {
                Value::Module(m) => {
                    return Err(e.pos.err(format!(
                        "{m}.{name} is a function: call it, {m}.{name}(...)"
                    )))
                }
                v => builtins::attribute(&v, name).map_err(|m| e.pos.err(m))?,
            },
            ExprKind::Call(callee, args) => self.call(callee, args, e.pos)?,
            ExprKind::Index(x, ix) => {
                let xv = self.eval(x)?;
                self.index(xv, ix, e.pos, &short(x))?
            }
        };
        self.charge(v.numel(), e.pos)?;
        Ok(v)
    }

    fn call(&mut self, callee: &Expr, args: &[Arg], pos: Pos) -> Result<Value, LangError> {
        let mut vals = Vec::with_capacity(args.len());
        let mut work = 0;
        for a in args {
            let v = self.eval(&a.value)?;
            work += v.numel();
            vals.push((a.keyword.clone(), v));
        }
        let out = match &callee.kind {
            ExprKind::Attr(recv, name) => match self.eval(recv)? {
                Value::Module(m) => builtins::function(name, vals).map_err(|e| {
                    let e = e.replacen(&format!("{name}()"), &format!("{m}.{name}()"), 1);
                    pos.err(e)
                }),
                v => {
                    self.charge(v.numel(), pos)?;
                    builtins::method(&v, name, vals).map_err(|e| pos.err(e))
                }
            },
            ExprKind::Name(f) => {
                if self.env.vars.contains_key(f) {
                    return Err(callee.pos.err(format!("`{f}` is a value, not a function")));
                }
                if !builtins::FUNCTIONS.contains(&f.as_str()) {
                    return Err(match f.as_str() {
                        "cmp" | "print" => pos.err(format!(
                            "{f}(...) is what this page does for you: remove it"
                        )),
                        _ => self.unknown(f, callee.pos),
                    });
                }
                builtins::function(f, vals).map_err(|e| pos.err(e))
            }
            _ => Err(pos.err(format!("`{}` is not a function", short(callee)))),
        }?;
        self.charge(work, pos)?;
        Ok(out)
    }

    fn indices(&mut self, ix: &[Expr]) -> Result<Vec<Ix>, LangError> {
        let mut out = Vec::with_capacity(ix.len());
        for e in ix {
            let v = self.eval(e)?;
            let i = match v {
                Value::Range(a, b) => Ix::Many(Tensor::arange(a, b).map_err(|m| e.pos.err(m))?),
                Value::Tensor(t) if t.rank() > 0 => Ix::Many(t),
                v => Ix::One(v.as_int().ok_or_else(|| {
                    e.pos.err(format!(
                        "an index must be an integer, range(...) or a tensor of integers, not {}",
                        v.describe()
                    ))
                })?),
            };
            out.push(i);
        }
        Ok(out)
    }

    fn index(&mut self, x: Value, ix: &[Expr], pos: Pos, text: &str) -> Result<Value, LangError> {
        match x {
            Value::Tensor(t) => {
                let ix = self.indices(ix)?;
                let out = t
                    .gather(&ix)
                    .map_err(|m| pos.err(format!("{text}[...]: {m}")))?;
                Ok(Value::Tensor(out))
            }
            Value::Shape(_) | Value::Max(..) if ix.len() != 1 => {
                Err(pos.err(format!("{text} takes one index")))
            }
            Value::Shape(s) => {
                let i = self
                    .eval(&ix[0])?
                    .as_int()
                    .ok_or_else(|| pos.err("a shape's index must be an integer"))?;
                let len = s.len() as i64;
                let w = if i < 0 { i + len } else { i };
                s.get(usize::try_from(w).unwrap_or(usize::MAX))
                    .map(|&d| Value::Int(d))
                    .ok_or_else(|| pos.err(format!("{text} has {len} sizes; there is no [{i}]")))
            }
            Value::Max(v, i) => match self.eval(&ix[0])?.as_int() {
                Some(0) => Ok(Value::Tensor(v)),
                Some(1) => Ok(Value::Tensor(i)),
                _ => Err(pos.err(".max(dim)[0] is the values, [1] the indices")),
            },
            v => Err(pos.err(format!("{} cannot be indexed", v.describe()))),
        }
    }

    /// `a op b` for any two values; `names` are the operands' texts, for messages.
    fn binary(
        &mut self,
        op: Op2,
        a: Value,
        b: Value,
        pos: Pos,
        names: (&str, &str),
    ) -> Result<Value, LangError> {
        use Value::{Bool, Float, Int};
        let sym = op.symbol();
        let num = |v: &Value| match v {
            Int(i) => Some(*i as f64),
            Bool(b) => Some(*b as i64 as f64),
            Float(f) => Some(*f),
            _ => None,
        };
        // Python numbers: ints stay ints for + - * and non-negative **, the rest is f64.
        if let (Some(x), Some(y), Op2::Elem(e)) = (num(&a), num(&b), op) {
            let (ia, ib) = (
                a.as_int().filter(|_| !matches!(a, Float(_))),
                b.as_int().filter(|_| !matches!(b, Float(_))),
            );
            if let (Some(i), Some(j)) = (ia, ib) {
                let exact = match e {
                    BinOp::Add => Some(i.checked_add(j)),
                    BinOp::Sub => Some(i.checked_sub(j)),
                    BinOp::Mul => Some(i.checked_mul(j)),
                    BinOp::Pow if j >= 0 => {
                        Some(u32::try_from(j).ok().and_then(|j| i.checked_pow(j)))
                    }
                    _ => None,
                };
                if let Some(r) = exact {
                    return r.map(Int).ok_or_else(|| {
                        pos.err(format!(
                            "{} {sym} {}: the integer is too large",
                            names.0, names.1
                        ))
                    });
                }
            }
            if e == BinOp::Div && y == 0.0 {
                return Err(pos.err(format!("{} / {}: division by zero", names.0, names.1)));
            }
            let r = e.apply64(x, y);
            if r.is_nan() && !x.is_nan() && !y.is_nan() {
                return Err(pos.err(format!("{} {sym} {}: not a real number", names.0, names.1)));
            }
            return Ok(Float(r));
        }
        let ta = a
            .to_tensor()
            .map_err(|m| pos.err(format!("{} {sym} ...: {m}", names.0)))?;
        let tb = b
            .to_tensor()
            .map_err(|m| pos.err(format!("... {sym} {}: {m}", names.1)))?;
        let out = match op {
            Op2::MatMul => {
                if ta.rank() == 0 || tb.rank() == 0 {
                    return Err(pos.err(format!(
                        "{} @ {}: @ multiplies tensors; use * with a number",
                        names.0, names.1
                    )));
                }
                self.charge(ta.matmul_cost(&tb) as u64, pos)?;
                ta.matmul(&tb).map_err(|m| {
                    pos.err(format!(
                        "{} @ {}: {m}{}",
                        names.0,
                        names.1,
                        transpose_hint(names, &ta, &tb)
                    ))
                })?
            }
            Op2::Elem(e) => ta
                .binary(e, &tb)
                .map_err(|m| pos.err(format!("{} {sym} {}: {m}", names.0, names.1)))?,
        };
        Ok(Value::Tensor(out))
    }
}

/// For `a @ b` whose inner sizes disagree: the transposes that would fit.
fn transpose_hint(names: (&str, &str), a: &Tensor, b: &Tensor) -> String {
    let (&[m, k], &[k2, n]) = (a.shape(), b.shape()) else {
        return String::new();
    };
    let (x, y) = names;
    let fits = [
        (m == k2, format!("{x}.T @ {y}"), [k, n]),
        (k == n, format!("{x} @ {y}.T"), [m, k2]),
        (m == n, format!("{x}.T @ {y}.T"), [k, k2]),
    ];
    let tries: Vec<String> = fits
        .iter()
        .filter(|(ok, ..)| *ok)
        .map(|(_, text, s)| format!("{text} would give {}", fmt_shape(s)))
        .collect();
    if tries.is_empty() {
        String::new()
    } else {
        format!("; {}", tries.join(", "))
    }
}
