//! The methods, attributes and functions of the sheet's language: what the lecture's backward
//! pass calls (`.sum(dim, keepdim=True)`, `.max(dim)`, `.T`, `.view`, `F.one_hot`, ...) and a
//! few of their neighbours. Functions answer to `torch.name`, `F.name` or the bare name. Each
//! checks its arguments (count, names, types) and says what it expected.

use super::value::Value;
use crate::backprop::tensor::{check_shape, fmt_shape, DType, Tensor};

/// The functions, callable as `name(...)`, `torch.name(...)` or `F.name(...)`.
pub const FUNCTIONS: [&str; 16] = [
    "zeros_like",
    "ones_like",
    "zeros",
    "ones",
    "softmax",
    "one_hot",
    "exp",
    "log",
    "tanh",
    "sqrt",
    "abs",
    "sum",
    "mean",
    "range",
    "float",
    "int",
];

/// The tensors' methods.
pub const METHODS: [&str; 20] = [
    "sum",
    "mean",
    "max",
    "exp",
    "log",
    "tanh",
    "sqrt",
    "abs",
    "clone",
    "detach",
    "float",
    "t",
    "view",
    "reshape",
    "index_add_",
    "index_add",
    "softmax",
    "size",
    "zeros_like",
    "ones_like",
];

/// The tensors' attributes.
pub const ATTRIBUTES: [&str; 5] = ["T", "shape", "data", "values", "indices"];

/// An argument as given: its keyword, if any, and its value.
pub type Args = Vec<(Option<String>, Value)>;

/// Binds `args` to `params` (names in order; the first `required` must be given). Keywords
/// `keepdims` and `axis` are torch's aliases of `keepdim` and `dim`.
fn bind(
    what: &str,
    params: &[&str],
    required: usize,
    args: Args,
) -> Result<Vec<Option<Value>>, String> {
    let list = params.join(", ");
    let mut out: Vec<Option<Value>> = vec![None; params.len()];
    let given = args.len();
    for (i, (kw, v)) in args.into_iter().enumerate() {
        let slot = match kw.as_deref() {
            None if i < params.len() => i,
            None => {
                return Err(format!(
                    "{what} takes at most {} argument{} ({list}), got {given}",
                    params.len(),
                    if params.len() == 1 { "" } else { "s" }
                ))
            }
            Some(k) => {
                let k = match k {
                    "keepdims" => "keepdim",
                    "axis" => "dim",
                    k => k,
                };
                params.iter().position(|p| *p == k).ok_or_else(|| {
                    if params.is_empty() {
                        format!("{what} takes no arguments, got `{k}=`")
                    } else {
                        format!("{what} has no argument `{k}`; its arguments are {list}")
                    }
                })?
            }
        };
        if out[slot].is_some() {
            return Err(format!("{what} got its argument `{}` twice", params[slot]));
        }
        out[slot] = Some(v);
    }
    if let Some(missing) = params[..required]
        .iter()
        .zip(&out)
        .position(|(_, v)| v.is_none())
    {
        return Err(format!(
            "{what} needs {required} argument{} ({}), and `{}` is missing",
            if required == 1 { "" } else { "s" },
            params[..required].join(", "),
            params[missing]
        ));
    }
    Ok(out)
}

/// The value of a required argument that `bind` checked.
fn required<'a>(what: &str, a: &'a [Option<Value>], i: usize) -> Result<&'a Value, String> {
    a.get(i)
        .and_then(Option::as_ref)
        .ok_or_else(|| format!("{what} is missing an argument"))
}

fn int_arg(what: &str, name: &str, v: &Value) -> Result<i64, String> {
    v.as_int()
        .ok_or_else(|| format!("{what}'s `{name}` must be an integer, got {}", v.describe()))
}

fn bool_arg(what: &str, name: &str, v: Option<&Value>) -> Result<bool, String> {
    match v {
        None => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(Value::Int(i)) if *i == 0 || *i == 1 => Ok(*i == 1),
        Some(v) => Err(format!(
            "{what}'s `{name}` must be True or False, got {}",
            v.describe()
        )),
    }
}

fn tensor_arg(what: &str, name: &str, v: &Value) -> Result<Tensor, String> {
    v.to_tensor()
        .map_err(|_| format!("{what}'s `{name}` must be a tensor, got {}", v.describe()))
}

/// A dimension argument (None when absent), checked against `t`.
fn dim_arg(what: &str, t: &Tensor, v: Option<&Value>) -> Result<Option<usize>, String> {
    v.map(|v| int_arg(what, "dim", v).and_then(|d| t.dim(d)))
        .transpose()
}

/// Sizes given as `(a, b)`, `x.shape`, or `a, b` spread over the arguments.
fn sizes(what: &str, args: Args) -> Result<Vec<i64>, String> {
    if let [(None, Value::Shape(s))] = args.as_slice() {
        return Ok(s.clone());
    }
    args.iter()
        .map(|(kw, v)| match kw {
            Some(k) => Err(format!("{what} takes sizes, not `{k}=`")),
            None => int_arg(what, "size", v),
        })
        .collect()
}

fn reduce(
    what: &str,
    t: &Tensor,
    args: Args,
    f: fn(&Tensor, Option<usize>, bool) -> Result<Tensor, String>,
) -> Result<Value, String> {
    let a = bind(what, &["dim", "keepdim"], 0, args)?;
    let dim = dim_arg(what, t, a[0].as_ref())?;
    let keepdim = bool_arg(what, "keepdim", a[1].as_ref())?;
    Ok(Value::Tensor(f(t, dim, keepdim)?))
}

/// `x.name(args)` on a tensor.
pub fn method(recv: &Value, name: &str, args: Args) -> Result<Value, String> {
    let Value::Tensor(t) = recv else {
        return match (recv, name) {
            (Value::Max(v, _), _) => Err(format!(
                ".max(dim) gives values and indices: call .{name}() on .values (a tensor {})",
                fmt_shape(v.shape())
            )),
            (Value::Shape(_), _) => Err(format!("a shape has no method `{name}`")),
            _ => Err(format!(
                "{} has no methods (no `.{name}()`)",
                recv.describe()
            )),
        };
    };
    let what = format!(".{name}()");
    let none = |args: Args| bind(&what, &[], 0, args).map(|_| ());
    let v = match name {
        "sum" => reduce(&what, t, args, Tensor::sum)?,
        "mean" => reduce(&what, t, args, Tensor::mean)?,
        "max" => {
            let a = bind(&what, &["dim", "keepdim"], 0, args)?;
            match dim_arg(&what, t, a[0].as_ref())? {
                None => Value::Tensor(t.max_all()?),
                Some(d) => {
                    let keepdim = bool_arg(&what, "keepdim", a[1].as_ref())?;
                    let (v, i) = t.max(d, keepdim)?;
                    Value::Max(v, i)
                }
            }
        }
        "exp" | "log" | "tanh" | "sqrt" | "abs" => {
            none(args)?;
            Value::Tensor(unary(name, t))
        }
        "clone" | "detach" => {
            none(args)?;
            Value::Tensor(t.clone())
        }
        "float" => {
            none(args)?;
            Value::Tensor(t.to_float())
        }
        "t" => {
            none(args)?;
            Value::Tensor(t.t())
        }
        "zeros_like" | "ones_like" => return Err(format!("write torch.{name}(x), not x.{name}()")),
        "view" | "reshape" => Value::Tensor(t.view(&sizes(&what, args)?)?),
        "index_add_" | "index_add" => {
            let a = bind(&what, &["dim", "index", "source"], 3, args)?;
            let d = t.dim(int_arg(&what, "dim", required(&what, &a, 0)?)?)?;
            let index = tensor_arg(&what, "index", required(&what, &a, 1)?)?;
            let source = tensor_arg(&what, "source", required(&what, &a, 2)?)?;
            Value::Tensor(t.index_add(d, &index, &source)?)
        }
        "softmax" => {
            let a = bind(&what, &["dim"], 1, args)?;
            let d = dim_arg(&what, t, a[0].as_ref())?.unwrap_or(0);
            Value::Tensor(t.softmax(d)?)
        }
        "size" => {
            let a = bind(&what, &["dim"], 0, args)?;
            match dim_arg(&what, t, a[0].as_ref())? {
                Some(d) => Value::Int(t.shape()[d] as i64),
                None => Value::shape_of(t),
            }
        }
        _ => {
            let hint = match super::closest(name, METHODS) {
                Some(m) => format!("did you mean .{m}? "),
                None if name == "transpose" || name == "permute" => "use .T; ".into(),
                None => String::new(),
            };
            return Err(format!(
                "tensors have no method `{name}` here; {hint}the methods are {}",
                METHODS.join(", ")
            ));
        }
    };
    Ok(v)
}

fn unary(name: &str, t: &Tensor) -> Tensor {
    match name {
        "exp" => t.exp(),
        "log" => t.log(),
        "tanh" => t.tanh(),
        "sqrt" => t.map(false, f32::sqrt),
        _ => t.map(true, f32::abs),
    }
}

/// `x.name` without a call.
pub fn attribute(recv: &Value, name: &str) -> Result<Value, String> {
    match (recv, name) {
        (Value::Tensor(t), "T") => Ok(Value::Tensor(t.t())),
        (Value::Tensor(t), "shape") => Ok(Value::shape_of(t)),
        (Value::Tensor(t), "data") => Ok(Value::Tensor(t.clone())),
        (Value::Tensor(_), "grad") => Err(
            "there is no autograd here: the gradients are yours to compute (`.grad` is what \
             the lecture compares against)"
                .into(),
        ),
        (Value::Max(v, _), "values") => Ok(Value::Tensor(v.clone())),
        (Value::Max(_, i), "indices") => Ok(Value::Tensor(i.clone())),
        (Value::Max(..), _) => Err(format!(
            ".max(dim) has `.values` and `.indices`, not `.{name}`"
        )),
        (Value::Tensor(_), _) if METHODS.contains(&name) => {
            Err(format!("`{name}` is a method: call it, .{name}(...)"))
        }
        (Value::Tensor(_), "values" | "indices") => Err(format!(
            "a tensor has no `.{name}`: .max(dim) (with a dimension) gives .values and .indices"
        )),
        (Value::Tensor(_), _) => {
            let hint = super::closest(name, ATTRIBUTES)
                .or(super::closest(name, METHODS))
                .map(|m| format!("did you mean .{m}? "))
                .unwrap_or_default();
            Err(format!(
                "tensors have no attribute `{name}` here; {hint}the attributes are {}",
                ATTRIBUTES.join(", ")
            ))
        }
        _ => Err(format!("{} has no attribute `{name}`", recv.describe())),
    }
}

/// A function by its bare name (whether it came as `torch.name`, `F.name` or `name`).
pub fn function(name: &str, args: Args) -> Result<Value, String> {
    let what = format!("{name}()");
    let v = match name {
        "zeros_like" | "ones_like" => {
            let a = bind(&what, &["input"], 1, args)?;
            let t = tensor_arg(&what, "input", required(&what, &a, 0)?)?;
            Value::Tensor(if name == "zeros_like" {
                t.zeros_like()
            } else {
                t.ones_like()
            })
        }
        "zeros" | "ones" => {
            let s = sizes(&what, args)?;
            let shape = s
                .iter()
                .map(|&d| usize::try_from(d).map_err(|_| format!("{what}: a size of {d}")))
                .collect::<Result<Vec<usize>, String>>()?;
            check_shape(&shape)?;
            let v = if name == "zeros" { 0.0 } else { 1.0 };
            Value::Tensor(Tensor::full(&shape, v, DType::Float)?)
        }
        "softmax" => {
            let a = bind(&what, &["input", "dim"], 2, args)?;
            let t = tensor_arg(&what, "input", required(&what, &a, 0)?)?;
            let d = dim_arg(&what, &t, a[1].as_ref())?.unwrap_or(0);
            Value::Tensor(t.softmax(d)?)
        }
        "one_hot" => {
            let a = bind(&what, &["tensor", "num_classes"], 1, args)?;
            let t = tensor_arg(&what, "tensor", required(&what, &a, 0)?)?;
            let c = match &a[1] {
                Some(v) => int_arg(&what, "num_classes", v)?,
                None => -1,
            };
            Value::Tensor(t.one_hot(c)?)
        }
        "exp" | "log" | "tanh" | "sqrt" | "abs" => {
            let a = bind(&what, &["input"], 1, args)?;
            let t = tensor_arg(&what, "input", required(&what, &a, 0)?)?;
            Value::Tensor(unary(name, &t))
        }
        "sum" | "mean" => {
            let mut args = args;
            if args.is_empty() {
                return Err(format!("{what} needs a tensor"));
            }
            let (_, x) = args.remove(0);
            let t = tensor_arg(&what, "input", &x)?;
            let f = if name == "sum" {
                Tensor::sum
            } else {
                Tensor::mean
            };
            reduce(&what, &t, args, f)?
        }
        "range" => {
            let a = bind(&what, &["start", "stop"], 1, args)?;
            let first = int_arg(&what, "start", required(&what, &a, 0)?)?;
            match &a[1] {
                Some(stop) => Value::Range(first, int_arg(&what, "stop", stop)?),
                None => Value::Range(0, first),
            }
        }
        "float" => {
            let a = bind(&what, &["x"], 1, args)?;
            match &a[0] {
                Some(Value::Int(v)) => Value::Float(*v as f64),
                Some(Value::Float(v)) => Value::Float(*v),
                Some(v) => return Err(format!("float() takes a number, got {}", v.describe())),
                None => return Err("float() needs a number".into()),
            }
        }
        "int" => {
            let a = bind(&what, &["x"], 1, args)?;
            match &a[0] {
                Some(Value::Float(v)) if v.is_finite() && v.abs() < 9e15 => Value::Int(*v as i64),
                Some(v) => match v.as_int() {
                    Some(i) => Value::Int(i),
                    None => return Err(format!("int() takes a number, got {}", v.describe())),
                },
                None => return Err("int() needs a number".into()),
            }
        }
        _ => {
            let hint = super::closest(name, FUNCTIONS)
                .map(|f| format!("did you mean {f}? "))
                .unwrap_or_default();
            return Err(format!(
                "there is no function `{name}` here; {hint}the functions are {}",
                FUNCTIONS.join(", ")
            ));
        }
    };
    Ok(v)
}
