//! The MLP of the lesson: embedding table C, then `n_layers` blocks of
//! [Linear, (BatchNorm1d), Tanh (or Identity)], then the output Linear (and, in the deep model, a last
//! BatchNorm1d). One forward/backward/SGD step works on a mini-batch; `eval_loss` runs a whole
//! split in eval mode, in chunks.

use crate::kernels::{split, Out};
use crate::layers::{block, BatchNorm1d, BnStat, Embedding, Identity, Layer, Linear, Param, Tanh};
use crate::loss;
use crate::pool::Par;
use crate::rng::Rng;

/// How a Linear weight is initialised.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum WeightInit {
    /// `torch.randn(n_in, n_out) * scale` (the naive init is scale 1).
    Randn(f32),
    /// `torch.randn(n_in, n_out) * gain / sqrt(n_in)` (Kaiming; the lesson's gain for tanh is 5/3).
    Kaiming(f32),
}

impl WeightInit {
    pub fn scale(self, n_in: usize) -> f32 {
        match self {
            WeightInit::Randn(s) => s,
            WeightInit::Kaiming(g) => g / (n_in as f32).sqrt(),
        }
    }
}

/// The hidden blocks' nonlinearity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Activation {
    Tanh,
    /// None ("what if we remove the tanh"): the stack collapses to one linear map, however deep.
    Identity,
}

/// BatchNorm settings (see `layers::batchnorm` for the two variants).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BnConfig {
    pub stat: BnStat,
    pub eps: f32,
    pub momentum: f32,
}

impl BnConfig {
    /// The notebook's `BatchNorm1D` class: running variance, eps 1e-5, momentum 0.1.
    pub const CLASS: BnConfig = BnConfig {
        stat: BnStat::Var,
        eps: 1e-5,
        momentum: 0.1,
    };
    /// The notebook's first BatchNorm cell: std with no eps, running std, momentum 1e-3.
    pub const FIRST_CELL: BnConfig = BnConfig {
        stat: BnStat::Std,
        eps: 0.0,
        momentum: 1e-3,
    };
}

#[derive(Clone, Debug, PartialEq)]
pub struct ModelConfig {
    pub vocab_size: usize,
    pub block_size: usize,
    pub n_embd: usize,
    pub n_hidden: usize,
    /// Number of hidden [Linear, (BN), Tanh] blocks: 1 for the notebook's first MLPs, 5 for the deep one.
    pub n_layers: usize,
    /// Ends every hidden block (Tanh in every chapter).
    pub activation: Activation,
    /// BatchNorm after every hidden Linear.
    pub batchnorm: Option<BnConfig>,
    /// A BatchNorm after the output Linear too (the deep model); uses `batchnorm`'s settings.
    pub output_bn: bool,
    pub hidden_bias: bool,
    pub output_bias: bool,
    pub hidden_init: WeightInit,
    /// The hidden biases are `randn * hidden_bias_scale`.
    pub hidden_bias_scale: f32,
    pub output_init: WeightInit,
    pub output_bias_scale: f32,
    /// The last BatchNorm's gamma starts at this value (0.1 in the deep model: "not too confident").
    pub last_gamma: f32,
}

impl ModelConfig {
    pub fn validate(&self) -> Result<(), String> {
        if self.n_embd == 0 || self.n_hidden == 0 || self.block_size == 0 || self.vocab_size < 2 {
            return Err("n_embd, n_hidden and block_size must be at least 1".into());
        }
        if self.n_layers == 0 || self.n_layers > 8 {
            return Err("the number of hidden layers must be between 1 and 8".into());
        }
        if self.output_bn && self.batchnorm.is_none() {
            return Err("an output BatchNorm needs BatchNorm settings".into());
        }
        if self.n_embd > 64 || self.n_hidden > 1024 || self.block_size > 16 {
            return Err(
                "n_embd <= 64, n_hidden <= 1024 and block_size <= 16 keep the page responsive"
                    .into(),
            );
        }
        Ok(())
    }
}

/// The model: C and the layer stack, with scratch buffers reused every step.
#[derive(Clone, Debug)]
pub struct Mlp {
    pub config: ModelConfig,
    pub emb: Embedding,
    pub layers: Vec<Layer>,
    pub training: bool,
    /// The threads the step's products and wide passes are split across (one by default); the
    /// results are the same bit for bit.
    pub par: Par,
    scratch: Vec<f32>,
    /// Every parameter's values before the last `sgd_step` (in `params()` order), when
    /// `prev_valid`: the update writes the new values here and swaps, so the old ones are kept
    /// without a copy, for `undo_sgd_step`.
    prev: Vec<Vec<f32>>,
    prev_valid: bool,
}

impl Mlp {
    /// Draws the initial weights from `rng` in the notebook's order: C, then each layer's weight
    /// and bias. Scaled-to-zero biases are still drawn, as `torch.randn(n) * 0` draws.
    pub fn new(config: &ModelConfig, rng: &mut Rng) -> Mlp {
        let c = config;
        let mut randn = |shape: &[usize], scale: f32, name: String| {
            let mut data = vec![0.0; shape.iter().product()];
            rng.fill_normal(&mut data, scale);
            Param::new(name, shape, data)
        };
        let emb = Embedding::new(
            randn(&[c.vocab_size, c.n_embd], 1.0, "C".into()),
            c.block_size,
        );
        let mut layers = Vec::new();
        let mut n_in = c.block_size * c.n_embd;
        for _ in 0..c.n_layers {
            let i = layers.len();
            let w = randn(
                &[n_in, c.n_hidden],
                c.hidden_init.scale(n_in),
                format!("layers.{i}.weight"),
            );
            let b = c.hidden_bias.then(|| {
                randn(
                    &[c.n_hidden],
                    c.hidden_bias_scale,
                    format!("layers.{i}.bias"),
                )
            });
            layers.push(Layer::Linear(Linear::new(w, b)));
            if let Some(bn) = c.batchnorm {
                let name = format!("layers.{}", layers.len());
                layers.push(Layer::BatchNorm1d(BatchNorm1d::new(
                    &name,
                    c.n_hidden,
                    bn.eps,
                    bn.momentum,
                    bn.stat,
                )));
            }
            layers.push(match c.activation {
                Activation::Tanh => Layer::Tanh(Tanh::new(c.n_hidden)),
                Activation::Identity => Layer::Identity(Identity::new(c.n_hidden)),
            });
            n_in = c.n_hidden;
        }
        let i = layers.len();
        let w = randn(
            &[n_in, c.vocab_size],
            c.output_init.scale(n_in),
            format!("layers.{i}.weight"),
        );
        let b = c.output_bias.then(|| {
            randn(
                &[c.vocab_size],
                c.output_bias_scale,
                format!("layers.{i}.bias"),
            )
        });
        layers.push(Layer::Linear(Linear::new(w, b)));
        if c.output_bn {
            let bn = c.batchnorm.expect("validated");
            let name = format!("layers.{}", layers.len());
            let mut layer = BatchNorm1d::new(&name, c.vocab_size, bn.eps, bn.momentum, bn.stat);
            layer.gamma.data.iter_mut().for_each(|g| *g = c.last_gamma);
            layers.push(Layer::BatchNorm1d(layer));
        }
        Mlp {
            config: config.clone(),
            emb,
            layers,
            training: true,
            par: Par::single(),
            scratch: Vec::new(),
            prev: Vec::new(),
            prev_valid: false,
        }
    }

    /// A model from given parts (the fixture tests load PyTorch's weights this way).
    pub fn from_parts(config: ModelConfig, emb: Embedding, layers: Vec<Layer>) -> Mlp {
        Mlp {
            config,
            emb,
            layers,
            training: true,
            par: Par::single(),
            scratch: Vec::new(),
            prev: Vec::new(),
            prev_valid: false,
        }
    }

    pub fn vocab_size(&self) -> usize {
        self.config.vocab_size
    }

    /// Every parameter in the notebook's order: C, then the layers' (weight, bias; gamma, beta).
    pub fn params(&self) -> Vec<&Param> {
        std::iter::once(&self.emb.weight)
            .chain(self.layers.iter().flat_map(|l| l.params()))
            .collect()
    }

    /// The parameters, to change: the step that `undo_sgd_step` would undo is forgotten.
    pub fn params_mut(&mut self) -> Vec<&mut Param> {
        self.prev_valid = false;
        std::iter::once(&mut self.emb.weight)
            .chain(self.layers.iter_mut().flat_map(|l| l.params_mut()))
            .collect()
    }

    pub fn n_params(&self) -> usize {
        self.params().iter().map(|p| p.numel()).sum()
    }

    /// The logits of the last forward pass, (batch, vocab).
    pub fn logits(&self) -> &[f32] {
        self.layers.last().expect("at least one layer").out()
    }

    /// Forward pass over x (batch, block_size); leaves the logits in `self.logits()`.
    pub fn forward(&mut self, x: &[u32], batch: usize) {
        self.emb.forward(x, batch);
        let mut i = 0;
        while i < self.layers.len() {
            let fused = self.training && self.fused_at(i, batch);
            let (before, rest) = self.layers.split_at_mut(i);
            let inp = match before.last() {
                Some(prev) => prev.out(),
                None => &self.emb.out,
            };
            if let (true, [Layer::Linear(l), Layer::BatchNorm1d(b), Layer::Tanh(t), ..]) =
                (fused, &mut *rest)
            {
                block::forward(l, b, t, inp, batch, &self.par);
                i += 3;
            } else {
                rest[0].forward(inp, batch, self.training, &self.par);
                i += 1;
            }
        }
    }

    /// Layers i..i + 3 are a [Linear, BatchNorm1d, Tanh] block that trains fused across the
    /// threads (`layers::block`).
    fn fused_at(&self, i: usize, batch: usize) -> bool {
        matches!(
            self.layers.get(i..i + 3),
            Some([Layer::Linear(l), Layer::BatchNorm1d(_), Layer::Tanh(_)])
                if block::fuses(l, batch, &self.par)
        )
    }

    /// Forward + loss + backward for one mini-batch; returns the loss. Parameter gradients are
    /// set (not accumulated). The gradients of every layer output stay in the layers.
    pub fn forward_backward(&mut self, x: &[u32], y: &[u32]) -> f32 {
        let batch = y.len();
        self.forward(x, batch);
        let vocab = self.vocab_size();
        let n = self.layers.len();
        let last = &mut self.layers[n - 1];
        let mut dlogits = std::mem::take(last.dout_mut());
        dlogits.resize(batch * vocab, 0.0);
        let loss = loss::cross_entropy(last.out(), y, vocab, Some(&mut dlogits));
        *last.dout_mut() = dlogits;
        self.backward(x, batch);
        loss
    }

    fn backward(&mut self, x: &[u32], batch: usize) {
        let mut i = self.layers.len();
        // The tanh' and BatchNorm backward of the fused block ending at layer i - 1 ran already,
        // in the job of the Linear above it.
        let mut top_done = false;
        while i > 0 {
            if i >= 3 && self.fused_at(i - 3, batch) {
                let s = i - 3;
                let below = s >= 3 && self.fused_at(s - 3, batch);
                let (before, rest) = self.layers.split_at_mut(s);
                let [Layer::Linear(l), Layer::BatchNorm1d(b), Layer::Tanh(t), ..] = rest else {
                    unreachable!("fused_at")
                };
                if !top_done {
                    block::Top::new(l, b, t, batch).job(&self.par);
                }
                match before {
                    [.., Layer::Linear(bl), Layer::BatchNorm1d(bb), Layer::Tanh(bt)] if below => {
                        let top = block::Top::new(bl, bb, bt, batch);
                        block::linear_backward(l, block::Input::Block(top), batch, &self.par);
                    }
                    [.., prev] => {
                        let mut dinp = std::mem::take(prev.dout_mut());
                        dinp.resize(batch * prev.n_out(), 0.0);
                        let input = block::Input::Plain(prev.out(), &mut dinp);
                        block::linear_backward(l, input, batch, &self.par);
                        *prev.dout_mut() = dinp;
                    }
                    [] => {
                        let mut dinp = std::mem::take(&mut self.emb.dout);
                        dinp.resize(batch * self.emb.n_out(), 0.0);
                        let input = block::Input::Plain(&self.emb.out, &mut dinp);
                        block::linear_backward(l, input, batch, &self.par);
                        self.emb.dout = dinp;
                    }
                }
                top_done = below;
                i = s;
                continue;
            }
            i -= 1;
            top_done = false;
            let (before, rest) = self.layers.split_at_mut(i);
            let layer = &mut rest[0];
            match before.last_mut() {
                Some(prev) => {
                    // The previous layer's output is this layer's input; its dout is our dinp.
                    let mut dinp = std::mem::take(prev.dout_mut());
                    dinp.resize(batch * prev.n_out(), 0.0);
                    layer.backward(prev.out(), Some(&mut dinp), batch, &self.par);
                    *prev.dout_mut() = dinp;
                }
                None => {
                    let mut dinp = std::mem::take(&mut self.emb.dout);
                    dinp.resize(batch * self.emb.n_out(), 0.0);
                    layer.backward(&self.emb.out, Some(&mut dinp), batch, &self.par);
                    self.emb.dout = dinp;
                }
            }
        }
        self.emb.backward(x);
    }

    /// Calls `f` on every parameter in `params()` order, without collecting them (no allocation).
    fn visit_params(&mut self, mut f: impl FnMut(&mut Param)) {
        f(&mut self.emb.weight);
        for layer in &mut self.layers {
            match layer {
                Layer::Linear(l) => {
                    f(&mut l.weight);
                    if let Some(b) = &mut l.bias {
                        f(b);
                    }
                }
                Layer::BatchNorm1d(l) => {
                    f(&mut l.gamma);
                    f(&mut l.beta);
                }
                Layer::Tanh(_) | Layer::Identity(_) => {}
            }
        }
    }

    /// `param.data -= lr * param.grad` for every parameter, unless that would make any weight
    /// non-finite: then nothing changes and `false` is returned (the last good weights stay).
    /// One vectorised pass writes the new values (and checks them) into a second buffer per
    /// parameter; when all are finite the buffers are swapped, so the values from before the
    /// step stay available to `undo_sgd_step` at no extra cost. A successful update also moves
    /// the BatchNorm running statistics by the last training batch (`update_running`), so a step
    /// happens completely or not at all.
    pub fn sgd_step(&mut self, lr: f32) -> bool {
        let mut prev = std::mem::take(&mut self.prev);
        let mut i = 0;
        // Every parameter's (new values, values, gradient), for one job over all of them.
        let mut jobs = Vec::new();
        self.visit_params(|p| {
            if prev.len() == i {
                prev.push(Vec::new());
            }
            let out = &mut prev[i];
            out.resize(p.data.len(), 0.0);
            jobs.push([Out::new(out), Out::of(&p.data), Out::of(&p.grad)]);
            i += 1;
        });
        let finite = split::sgd_all(&self.par, &jobs, lr);
        drop(jobs);
        self.prev = prev;
        if finite {
            self.swap_prev();
            for layer in &mut self.layers {
                if let Layer::BatchNorm1d(bn) = layer {
                    bn.update_running();
                }
            }
        }
        self.prev_valid = finite;
        finite
    }

    /// Swaps every parameter's values with its buffer in `prev`.
    fn swap_prev(&mut self) {
        let mut prev = std::mem::take(&mut self.prev);
        let mut j = 0;
        self.visit_params(|p| {
            std::mem::swap(&mut p.data, &mut prev[j]);
            j += 1;
        });
        self.prev = prev;
    }

    /// Puts back the parameters and the BatchNorm running statistics from before the last
    /// successful `sgd_step`, exactly; false (and nothing changes) when there is none to undo
    /// (no step yet, a refused step, or already undone).
    pub fn undo_sgd_step(&mut self) -> bool {
        if !self.prev_valid {
            return false;
        }
        self.swap_prev();
        for layer in &mut self.layers {
            if let Layer::BatchNorm1d(bn) = layer {
                bn.undo_running();
            }
        }
        self.prev_valid = false;
        true
    }

    /// The first BatchNorm feature (layer index, feature) that the last training forward divided
    /// by a zero spread: every example had the same value and there is no epsilon (the first-cell
    /// BatchNorm), so the loss is NaN.
    pub fn zero_spread(&self) -> Option<(usize, usize)> {
        self.layers.iter().enumerate().find_map(|(i, l)| match l {
            Layer::BatchNorm1d(bn) => bn.zero_spread_feature().map(|j| (i, j)),
            _ => None,
        })
    }

    /// The eval-mode forward pass (BatchNorm uses its running statistics) over x (batch,
    /// block_size); leaves the logits in `self.logits()` and restores the training flag. The
    /// val loss and sampling go through it.
    pub fn forward_eval(&mut self, x: &[u32], batch: usize) {
        let was = self.training;
        self.training = false;
        self.forward(x, batch);
        self.training = was;
    }

    /// Mean loss over a whole split in eval mode (`forward_eval`), in chunks of `chunk`
    /// examples, accumulated in f64.
    pub fn eval_loss(&mut self, x: &[u32], y: &[u32], chunk: usize) -> f32 {
        let bs = self.config.block_size;
        let mut total = 0.0f64;
        for (xc, yc) in x.chunks(chunk * bs).zip(y.chunks(chunk)) {
            self.forward_eval(xc, yc.len());
            let l = loss::cross_entropy(self.logits(), yc, self.vocab_size(), None);
            total += l as f64 * yc.len() as f64;
        }
        (total / y.len().max(1) as f64) as f32
    }

    /// Next-character probabilities for one context, in eval mode, at a temperature.
    pub fn predict(&mut self, context: &[u32], temperature: f32, probs: &mut Vec<f32>) {
        self.forward_eval(context, 1);
        let mut p = std::mem::take(&mut self.scratch);
        p.resize(self.vocab_size(), 0.0);
        loss::softmax(self.logits(), temperature, &mut p);
        probs.clear();
        probs.extend_from_slice(&p);
        self.scratch = p;
    }
}
