//! The lecture's forward pass "chunkated into smaller steps that are possible to backward one at a
//! time", and the backward pass through exactly those steps, written once here: each backward
//! line beside the forward line it undoes (quoted as a comment), in the lecture's notation and
//! order of operations. These are the core's gradients that the sheet's answers are judged
//! against; they use the same `Tensor` operations as the sheet's evaluator, so that the lecture's
//! line typed by a student gives the same bits. Python numbers meet tensors as in PyTorch: the
//! number is computed in f64 (`1.0/(n-1)`), then rounded to f32.

use super::model::{Batch, Params};
use super::tensor::Ix;
use super::tensor::Tensor;

/// The tensors whose gradients the student writes, in the order of the lecture's `cmp` calls.
pub const ORDER: [&str; 26] = [
    "logprobs",
    "probs",
    "counts_sum_inv",
    "counts_sum",
    "counts",
    "norm_logits",
    "logit_maxes",
    "logits",
    "h",
    "W2",
    "b2",
    "hpreact",
    "bngain",
    "bnbias",
    "bnraw",
    "bnvar_inv",
    "bnvar",
    "bndiff2",
    "bndiff",
    "bnmeani",
    "hprebn",
    "embcat",
    "W1",
    "b1",
    "emb",
    "C",
];

/// A Python float meeting a tensor: rounded to f32.
fn py(v: f64) -> Tensor {
    Tensor::scalar(v as f32)
}

/// A Python int meeting a tensor.
fn py_int(v: i64) -> Tensor {
    Tensor::long_scalar(v)
}

/// Every named tensor of the forward pass, for one batch.
#[derive(Clone, Debug)]
pub struct Forward {
    pub emb: Tensor,
    pub embcat: Tensor,
    pub hprebn: Tensor,
    pub bnmeani: Tensor,
    pub bndiff: Tensor,
    pub bndiff2: Tensor,
    pub bnvar: Tensor,
    pub bnvar_inv: Tensor,
    pub bnraw: Tensor,
    pub hpreact: Tensor,
    pub h: Tensor,
    pub logits: Tensor,
    pub logit_maxes: Tensor,
    pub norm_logits: Tensor,
    pub counts: Tensor,
    pub counts_sum: Tensor,
    pub counts_sum_inv: Tensor,
    pub probs: Tensor,
    pub logprobs: Tensor,
    pub loss: f32,
}

impl Forward {
    /// (name, tensor) in the order of the forward pass.
    pub fn named(&self) -> [(&'static str, &Tensor); 19] {
        [
            ("emb", &self.emb),
            ("embcat", &self.embcat),
            ("hprebn", &self.hprebn),
            ("bnmeani", &self.bnmeani),
            ("bndiff", &self.bndiff),
            ("bndiff2", &self.bndiff2),
            ("bnvar", &self.bnvar),
            ("bnvar_inv", &self.bnvar_inv),
            ("bnraw", &self.bnraw),
            ("hpreact", &self.hpreact),
            ("h", &self.h),
            ("logits", &self.logits),
            ("logit_maxes", &self.logit_maxes),
            ("norm_logits", &self.norm_logits),
            ("counts", &self.counts),
            ("counts_sum", &self.counts_sum),
            ("counts_sum_inv", &self.counts_sum_inv),
            ("probs", &self.probs),
            ("logprobs", &self.logprobs),
        ]
    }

    pub fn get(&self, name: &str) -> Option<&Tensor> {
        self.named()
            .into_iter()
            .find(|(n, _)| *n == name)
            .map(|(_, t)| t)
    }
}

/// One of two contributions to the gradient of a tensor the forward pass uses twice.
#[derive(Clone, Debug)]
pub struct Branch {
    pub tensor: &'static str,
    /// The forward line the contribution comes through.
    pub through: &'static str,
    pub part: Tensor,
}

/// The gradient of the loss with respect to every tensor of `ORDER`, and the two contributions of
/// each tensor used twice.
#[derive(Clone, Debug, Default)]
pub struct Grads {
    grads: Vec<(&'static str, Tensor)>,
    pub branches: Vec<Branch>,
}

impl Grads {
    /// The gradient of `tensor` (a name of `ORDER`).
    pub fn get(&self, tensor: &str) -> Option<&Tensor> {
        self.grads
            .iter()
            .find(|(n, _)| *n == tensor)
            .map(|(_, t)| t)
    }

    /// The contributions to `tensor`'s gradient, when the forward pass uses it twice.
    pub fn branches_of<'a>(&'a self, tensor: &'a str) -> impl Iterator<Item = &'a Branch> + 'a {
        self.branches.iter().filter(move |b| b.tensor == tensor)
    }

    /// The parameters' gradients in `Params` order: dC, dW1, db1, dW2, db2, dbngain, dbnbias.
    pub fn params(&self) -> Result<[&Tensor; 7], String> {
        let get = |n: &str| self.get(n).ok_or(format!("no gradient for {n}"));
        Ok([
            get("C")?,
            get("W1")?,
            get("b1")?,
            get("W2")?,
            get("b2")?,
            get("bngain")?,
            get("bnbias")?,
        ])
    }
}

/// The forward pass of the lecture's exercise 1 cell, step by step.
pub fn forward(p: &Params, b: &Batch) -> Result<Forward, String> {
    let n = b.n() as f64;
    // emb = C[Xb] # embed the characters into vectors
    let emb = p.c.gather(&[Ix::Many(b.xb.clone())])?;
    // embcat = emb.view(emb.shape[0], -1) # concatenate the vectors
    let embcat = emb.view(&[emb.shape()[0] as i64, -1])?;
    // hprebn = embcat @ W1 + b1 # hidden layer pre-activation
    let hprebn = embcat.matmul(&p.w1)?.add(&p.b1)?;
    // bnmeani = 1/n*hprebn.sum(0, keepdim=True)
    let bnmeani = py(1.0 / n).mul(&hprebn.sum(Some(0), true)?)?;
    // bndiff = hprebn - bnmeani
    let bndiff = hprebn.sub(&bnmeani)?;
    // bndiff2 = bndiff**2
    let bndiff2 = bndiff.pow(&py_int(2))?;
    // bnvar = 1/(n-1)*(bndiff2).sum(0, keepdim=True) # Bessel's correction
    let bnvar = py(1.0 / (n - 1.0)).mul(&bndiff2.sum(Some(0), true)?)?;
    // bnvar_inv = (bnvar + 1e-5)**-0.5
    let bnvar_inv = bnvar.add(&py(1e-5))?.pow(&py(-0.5))?;
    // bnraw = bndiff * bnvar_inv
    let bnraw = bndiff.mul(&bnvar_inv)?;
    // hpreact = bngain * bnraw + bnbias
    let hpreact = p.bngain.mul(&bnraw)?.add(&p.bnbias)?;
    // h = torch.tanh(hpreact) # hidden layer
    let h = hpreact.tanh();
    // logits = h @ W2 + b2 # output layer
    let logits = h.matmul(&p.w2)?.add(&p.b2)?;
    // logit_maxes = logits.max(1, keepdim=True).values
    let logit_maxes = logits.max(1, true)?.0;
    // norm_logits = logits - logit_maxes # subtract max for numerical stability
    let norm_logits = logits.sub(&logit_maxes)?;
    // counts = norm_logits.exp()
    let counts = norm_logits.exp();
    // counts_sum = counts.sum(1, keepdims=True)
    let counts_sum = counts.sum(Some(1), true)?;
    // counts_sum_inv = counts_sum**-1
    let counts_sum_inv = counts_sum.pow(&py_int(-1))?;
    // probs = counts * counts_sum_inv
    let probs = counts.mul(&counts_sum_inv)?;
    // logprobs = probs.log()
    let logprobs = probs.log();
    // loss = -logprobs[range(n), Yb].mean()
    let rows = Ix::Many(Tensor::arange(0, b.n() as i64)?);
    let picked = logprobs.gather(&[rows, Ix::Many(b.yb.clone())])?;
    let loss = -picked.mean(None, false)?.item().unwrap_or(f32::NAN);
    Ok(Forward {
        emb,
        embcat,
        hprebn,
        bnmeani,
        bndiff,
        bndiff2,
        bnvar,
        bnvar_inv,
        bnraw,
        hpreact,
        h,
        logits,
        logit_maxes,
        norm_logits,
        counts,
        counts_sum,
        counts_sum_inv,
        probs,
        logprobs,
        loss,
    })
}

/// The backward pass, from the loss to C, one forward line at a time (the forward line in the
/// comment, then its backward). A tensor used twice gets its two contributions added.
pub fn backward(p: &Params, b: &Batch, f: &Forward) -> Result<Grads, String> {
    let nf = b.n() as f64;
    let mut g = Grads::default();
    let mut branch = |tensor, through, part: &Tensor| {
        g.branches.push(Branch {
            tensor,
            through,
            part: part.clone(),
        })
    };
    // loss = -logprobs[range(n), Yb].mean()
    let mut dlogprobs = f.logprobs.zeros_like();
    let rows = Ix::Many(Tensor::arange(0, b.n() as i64)?);
    dlogprobs.put(&[rows, Ix::Many(b.yb.clone())], &py(-1.0 / nf), None)?;
    // logprobs = probs.log()
    let dprobs = py(1.0).div(&f.probs)?.mul(&dlogprobs)?;
    // probs = counts * counts_sum_inv
    let dcounts_sum_inv = f.counts.mul(&dprobs)?.sum(Some(1), true)?;
    let dcounts_1 = f.counts_sum_inv.mul(&dprobs)?;
    // counts_sum_inv = counts_sum**-1
    let dcounts_sum = f.counts_sum.pow(&py_int(-2))?.neg().mul(&dcounts_sum_inv)?;
    // counts_sum = counts.sum(1, keepdims=True)
    let dcounts_2 = f.counts.ones_like().mul(&dcounts_sum)?;
    let dcounts = dcounts_1.add(&dcounts_2)?;
    branch("counts", "probs = counts * counts_sum_inv", &dcounts_1);
    branch(
        "counts",
        "counts_sum = counts.sum(1, keepdims=True)",
        &dcounts_2,
    );
    // counts = norm_logits.exp()
    let dnorm_logits = f.counts.mul(&dcounts)?;
    // norm_logits = logits - logit_maxes
    let dlogits_1 = dnorm_logits.clone();
    let dlogit_maxes = dnorm_logits.neg().sum(Some(1), true)?;
    // logit_maxes = logits.max(1, keepdim=True).values
    let classes = f.logits.shape()[1] as i64;
    let one_hot = f.logits.max(1, false)?.1.one_hot(classes)?;
    let dlogits_2 = one_hot.mul(&dlogit_maxes)?;
    let dlogits = dlogits_1.add(&dlogits_2)?;
    branch("logits", "norm_logits = logits - logit_maxes", &dlogits_1);
    branch(
        "logits",
        "logit_maxes = logits.max(1, keepdim=True).values",
        &dlogits_2,
    );
    // logits = h @ W2 + b2
    let dh = dlogits.matmul(&p.w2.t())?;
    let dw2 = f.h.t().matmul(&dlogits)?;
    let db2 = dlogits.sum(Some(0), false)?;
    // h = torch.tanh(hpreact)
    let dhpreact = py(1.0).sub(&f.h.pow(&py_int(2))?)?.mul(&dh)?;
    // hpreact = bngain * bnraw + bnbias
    let dbngain = f.bnraw.mul(&dhpreact)?.sum(Some(0), true)?;
    let dbnraw = p.bngain.mul(&dhpreact)?;
    let dbnbias = dhpreact.sum(Some(0), true)?;
    // bnraw = bndiff * bnvar_inv
    let dbndiff_1 = f.bnvar_inv.mul(&dbnraw)?;
    let dbnvar_inv = f.bndiff.mul(&dbnraw)?.sum(Some(0), true)?;
    // bnvar_inv = (bnvar + 1e-5)**-0.5
    let local = py(-0.5).mul(&f.bnvar.add(&py(1e-5))?.pow(&py(-1.5))?)?;
    let dbnvar = local.mul(&dbnvar_inv)?;
    // bnvar = 1/(n-1)*(bndiff2).sum(0, keepdim=True)
    let dbndiff2 = py(1.0 / (nf - 1.0))
        .mul(&f.bndiff2.ones_like())?
        .mul(&dbnvar)?;
    // bndiff2 = bndiff**2
    let dbndiff_2 = py_int(2).mul(&f.bndiff)?.mul(&dbndiff2)?;
    let dbndiff = dbndiff_1.add(&dbndiff_2)?;
    branch("bndiff", "bnraw = bndiff * bnvar_inv", &dbndiff_1);
    branch("bndiff", "bndiff2 = bndiff**2", &dbndiff_2);
    // bndiff = hprebn - bnmeani
    let dhprebn_1 = dbndiff.clone();
    let dbnmeani = dbndiff.neg().sum(Some(0), true)?;
    // bnmeani = 1/n*hprebn.sum(0, keepdim=True)
    let dhprebn_2 = py(1.0 / nf).mul(&f.hprebn.ones_like().mul(&dbnmeani)?)?;
    let dhprebn = dhprebn_1.add(&dhprebn_2)?;
    branch("hprebn", "bndiff = hprebn - bnmeani", &dhprebn_1);
    branch(
        "hprebn",
        "bnmeani = 1/n*hprebn.sum(0, keepdim=True)",
        &dhprebn_2,
    );
    // hprebn = embcat @ W1 + b1
    let dembcat = dhprebn.matmul(&p.w1.t())?;
    let dw1 = f.embcat.t().matmul(&dhprebn)?;
    let db1 = dhprebn.sum(Some(0), false)?;
    // embcat = emb.view(emb.shape[0], -1)
    let spec: Vec<i64> = f.emb.shape().iter().map(|&d| d as i64).collect();
    let demb = dembcat.view(&spec)?;
    // emb = C[Xb]: each row of demb goes back to the row of C it was read from
    let n_embd = p.c.shape()[1] as i64;
    let dc =
        p.c.zeros_like()
            .index_add(0, &b.xb.view(&[-1])?, &demb.view(&[-1, n_embd])?)?;
    g.grads = ORDER
        .into_iter()
        .zip([
            dlogprobs,
            dprobs,
            dcounts_sum_inv,
            dcounts_sum,
            dcounts,
            dnorm_logits,
            dlogit_maxes,
            dlogits,
            dh,
            dw2,
            db2,
            dhpreact,
            dbngain,
            dbnbias,
            dbnraw,
            dbnvar_inv,
            dbnvar,
            dbndiff2,
            dbndiff,
            dbnmeani,
            dhprebn,
            dembcat,
            dw1,
            db1,
            demb,
            dc,
        ])
        .collect();
    Ok(g)
}
