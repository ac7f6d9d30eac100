//! The exercises of the lecture, in its order: exercise 1, one gradient per tensor of the forward
//! pass (the order of its `cmp` calls); exercise 2, the cross-entropy backward in one go;
//! exercise 3, the BatchNorm backward in one go. Each with what its step means, the local
//! derivative in words, and the answer: the formula `steps::backward` computes, in the lecture's
//! notation (a test evaluates every answer and checks it is exact). Texts hold placeholders for
//! the model's numbers, filled by `fill`: {n} batch, {V} vocab_size, {H} n_hidden, {E} n_embd,
//! {T} block_size, {TE} block_size * n_embd, {shape} the tensor's shape, {params} the number
//! of parameters, {loss} the batch's loss. `PARTS` introduces the four exercises.

/// Which gradients an exercise's answer may read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Given {
    /// Exercise 1: the gradients of every tensor before this one in the order.
    Before,
    /// Exercises 2 and 3: only these.
    Only(&'static [&'static str]),
}

#[derive(Clone, Copy, Debug)]
pub struct Exercise {
    /// The tensor's name for exercise 1; `cross_entropy` and `batchnorm` for exercises 2 and 3.
    pub id: &'static str,
    pub number: u8,
    /// The forward tensor whose gradient the answer defines (as `d` + tensor).
    pub tensor: &'static str,
    /// The forward line(s) the gradient flows back through.
    pub forward: &'static str,
    pub meaning: &'static str,
    pub derivative: &'static str,
    pub answer: &'static str,
    /// Exercises 2 and 3: the derivation's key line.
    pub key_line: Option<&'static str>,
    pub given: Given,
}

const fn ex1(
    tensor: &'static str,
    forward: &'static str,
    meaning: &'static str,
    derivative: &'static str,
    answer: &'static str,
) -> Exercise {
    Exercise {
        id: tensor,
        number: 1,
        tensor,
        forward,
        meaning,
        derivative,
        answer,
        key_line: None,
        given: Given::Before,
    }
}

pub const EXERCISES: [Exercise; 28] = [
    ex1(
        "logprobs",
        "loss = -logprobs[range(n), Yb].mean()",
        "logprobs {shape} holds, for each of the n = {n} examples, the log-probability the net \
         gives each of the {V} characters. The loss takes one number per row, the one at the \
         correct next character Yb, and averages them with a minus sign.",
        "Each of the {n} picked numbers moves the loss by -1/n; the other {n} x ({V} - 1) \
         numbers do not touch the loss, so their gradient is 0.",
        "dlogprobs = torch.zeros_like(logprobs)\ndlogprobs[range(n), Yb] = -1.0/n",
    ),
    ex1(
        "probs",
        "logprobs = probs.log()",
        "probs {shape}: the probabilities, each row summing to 1.",
        "d/dx log(x) = 1/x, elementwise: the gradient is boosted where the net gave the correct \
         character a low probability.",
        "dprobs = (1.0 / probs) * dlogprobs",
    ),
    ex1(
        "counts_sum_inv",
        "probs = counts * counts_sum_inv",
        "counts_sum_inv {shape}: one number per row, multiplied into all {V} counts of its row \
         (broadcast along dimension 1).",
        "The local derivative is counts. A tensor that is reused (broadcast) along a dimension \
         receives the sum of the gradients along it: sum over dimension 1, keeping the shape \
         {shape}.",
        "dcounts_sum_inv = (counts * dprobs).sum(1, keepdim=True)",
    ),
    ex1(
        "counts_sum",
        "counts_sum_inv = counts_sum**-1",
        "counts_sum {shape}: the sum of each row of counts.",
        "d/dx x**-1 = -x**-2.",
        "dcounts_sum = (-counts_sum**-2) * dcounts_sum_inv",
    ),
    ex1(
        "counts",
        "probs = counts * counts_sum_inv\ncounts_sum = counts.sum(1, keepdims=True)",
        "counts {shape} is used twice: multiplied by counts_sum_inv, and summed into counts_sum. \
         Its gradient is the sum of the two contributions.",
        "Through probs the local derivative is counts_sum_inv; through the sum it is 1 for every \
         element of the row, so each element receives its row's dcounts_sum (broadcast back \
         along dimension 1).",
        "dcounts = counts_sum_inv * dprobs\ndcounts += torch.ones_like(counts) * dcounts_sum",
    ),
    ex1(
        "norm_logits",
        "counts = norm_logits.exp()",
        "norm_logits {shape}: the logits shifted so that each row's largest is 0.",
        "d/dx e**x = e**x, which is counts.",
        "dnorm_logits = counts * dcounts",
    ),
    ex1(
        "logit_maxes",
        "norm_logits = logits - logit_maxes",
        "logit_maxes {shape}: each row's largest logit, subtracted from the whole row for \
         numerical stability (broadcast along dimension 1).",
        "-1 for every element of the row, summed along dimension 1. Shifting a row does not \
         change its probabilities, so this gradient is zero up to rounding: on this batch its \
         largest magnitude is {maxes}.",
        "dlogit_maxes = (-dnorm_logits).sum(1, keepdim=True)",
    ),
    ex1(
        "logits",
        "norm_logits = logits - logit_maxes\nlogit_maxes = logits.max(1, keepdim=True).values",
        "logits {shape} are used twice: directly in norm_logits, and through the max of each row.",
        "Through norm_logits the local derivative is 1. Through the max it is 1 at the position \
         of each row's largest logit and 0 elsewhere: a one-hot row times dlogit_maxes.",
        "dlogits = dnorm_logits.clone()\ndlogits += F.one_hot(logits.max(1).indices, \
         num_classes=logits.shape[1]) * dlogit_maxes",
    ),
    ex1(
        "h",
        "logits = h @ W2 + b2",
        "h {shape}: the hidden layer's {H} activations for each of the {n} examples.",
        "For a matrix product, dh = dlogits @ W2.T: the only arrangement of dlogits ({n}, {V}) \
         and W2 ({H}, {V}) that gives h's shape {shape}.",
        "dh = dlogits @ W2.T",
    ),
    ex1(
        "W2",
        "logits = h @ W2 + b2",
        "W2 {shape}: the output layer's weights.",
        "dW2 = h.T @ dlogits: ({H}, {n}) @ ({n}, {V}) gives W2's shape, summing over the batch.",
        "dW2 = h.T @ dlogits",
    ),
    ex1(
        "b2",
        "logits = h @ W2 + b2",
        "b2 {shape}: the output layer's bias, added to every row (broadcast along dimension 0).",
        "The local derivative is 1; b2 is reused for every example, so its gradient sums \
         dlogits over dimension 0.",
        "db2 = dlogits.sum(0)",
    ),
    ex1(
        "hpreact",
        "h = torch.tanh(hpreact)",
        "hpreact {shape}: the pre-activations, after BatchNorm.",
        "d/dx tanh(x) = 1 - tanh(x)**2 = 1 - h**2: written with the output h.",
        "dhpreact = (1.0 - h**2) * dh",
    ),
    ex1(
        "bngain",
        "hpreact = bngain * bnraw + bnbias",
        "bngain {shape}: the BatchNorm gain, one per neuron, multiplied into every row.",
        "The local derivative is bnraw; bngain is broadcast along dimension 0, so sum over it, \
         keeping the shape {shape}.",
        "dbngain = (bnraw * dhpreact).sum(0, keepdim=True)",
    ),
    ex1(
        "bnbias",
        "hpreact = bngain * bnraw + bnbias",
        "bnbias {shape}: the BatchNorm bias, added to every row.",
        "The local derivative is 1, summed over the batch (dimension 0), keeping the shape \
         {shape}.",
        "dbnbias = dhpreact.sum(0, keepdim=True)",
    ),
    ex1(
        "bnraw",
        "hpreact = bngain * bnraw + bnbias",
        "bnraw {shape}: the pre-activations normalised to zero mean and unit variance over the \
         batch.",
        "The local derivative is bngain (1, {H}), broadcast over the rows: no sum, since bnraw \
         already has the full shape.",
        "dbnraw = bngain * dhpreact",
    ),
    ex1(
        "bnvar_inv",
        "bnraw = bndiff * bnvar_inv",
        "bnvar_inv {shape}: 1 / sqrt(variance + eps), one per neuron, multiplied into every row.",
        "The local derivative is bndiff; bnvar_inv is broadcast along dimension 0: sum over it, \
         keeping the shape {shape}.",
        "dbnvar_inv = (bndiff * dbnraw).sum(0, keepdim=True)",
    ),
    ex1(
        "bnvar",
        "bnvar_inv = (bnvar + 1e-5)**-0.5",
        "bnvar {shape}: each neuron's variance over the batch, with Bessel's correction (divided \
         by n-1 = {n1}, not n).",
        "d/dx (x + eps)**-0.5 = -0.5 * (x + eps)**-1.5.",
        "dbnvar = (-0.5*(bnvar + 1e-5)**-1.5) * dbnvar_inv",
    ),
    ex1(
        "bndiff2",
        "bnvar = 1/(n-1)*(bndiff2).sum(0, keepdim=True)",
        "bndiff2 {shape}: the squared deviations from the mean.",
        "A sum over the batch, times 1/(n-1): every element of a column gets its column's \
         dbnvar, times 1/(n-1).",
        "dbndiff2 = (1.0/(n-1))*torch.ones_like(bndiff2) * dbnvar",
    ),
    ex1(
        "bndiff",
        "bnraw = bndiff * bnvar_inv\nbndiff2 = bndiff**2",
        "bndiff {shape}: the deviations from the batch mean, used twice: in bnraw and squared in \
         bndiff2.",
        "Through bnraw the local derivative is bnvar_inv; through the square it is 2*bndiff. \
         The two contributions add.",
        "dbndiff = bnvar_inv * dbnraw\ndbndiff += (2*bndiff) * dbndiff2",
    ),
    ex1(
        "bnmeani",
        "bndiff = hprebn - bnmeani",
        "bnmeani {shape}: each neuron's mean over the batch, subtracted from every row.",
        "-1, broadcast along dimension 0: sum over it.",
        "dbnmeani = (-dbndiff).sum(0, keepdim=True)",
    ),
    ex1(
        "hprebn",
        "bndiff = hprebn - bnmeani\nbnmeani = 1/n*hprebn.sum(0, keepdim=True)",
        "hprebn {shape}: the pre-activations before BatchNorm, used twice: in bndiff, and \
         averaged into bnmeani.",
        "Through bndiff the local derivative is 1. Through the mean it is 1/n for every element \
         of a column: each element receives its column's dbnmeani / n.",
        "dhprebn = dbndiff.clone()\ndhprebn += 1.0/n * (torch.ones_like(hprebn) * dbnmeani)",
    ),
    ex1(
        "embcat",
        "hprebn = embcat @ W1 + b1",
        "embcat {shape}: the {T} characters' embeddings of each example, side by side \
         ({T} x {E} = {TE} numbers).",
        "As for h: dembcat = dhprebn @ W1.T, ({n}, {H}) @ ({H}, {TE}).",
        "dembcat = dhprebn @ W1.T",
    ),
    ex1(
        "W1",
        "hprebn = embcat @ W1 + b1",
        "W1 {shape}: the hidden layer's weights.",
        "dW1 = embcat.T @ dhprebn: ({TE}, {n}) @ ({n}, {H}).",
        "dW1 = embcat.T @ dhprebn",
    ),
    ex1(
        "b1",
        "hprebn = embcat @ W1 + b1",
        "b1 {shape}: the hidden layer's bias. BatchNorm subtracts the mean right after, so b1 \
         has no effect, and its gradient is zero up to rounding; the lecture keeps it to check \
         the formula.",
        "The local derivative is 1, summed over the batch.",
        "db1 = dhprebn.sum(0)",
    ),
    ex1(
        "emb",
        "embcat = emb.view(emb.shape[0], -1)",
        "emb {shape}: each example's {T} characters, each an embedding of {E} numbers.",
        "A view only rearranges the numbers: view the gradient back to emb's shape.",
        "demb = dembcat.view(emb.shape)",
    ),
    ex1(
        "C",
        "emb = C[Xb]",
        "C {shape}: the embedding table, one row of {E} numbers per character. emb reads a row \
         of C for each of the {n} x {T} characters of the batch.",
        "Each row of demb goes back to the row of C it was read from; a character that occurs \
         several times collects the sum. The lecture loops over Xb; index_add_ does the same in \
         one line.",
        "dC = torch.zeros_like(C)\ndC.index_add_(0, Xb.view(-1), demb.view(-1, n_embd))",
    ),
    Exercise {
        id: "cross_entropy",
        number: 2,
        tensor: "logits",
        forward: "loss = F.cross_entropy(logits, Yb)",
        meaning: "The cross-entropy in one go: from the logits {shape} straight to dlogits, \
                  without the eight steps in between.",
        derivative: "With p = softmax(logits) and y the target, loss_i = -log p_y, and \
                     dloss_i/dlogits_j = p_j - [j == y]. The loss is the mean over n = {n} \
                     examples, so divide by n.",
        answer: "dlogits = F.softmax(logits, 1)\ndlogits[range(n), Yb] -= 1\ndlogits /= n",
        key_line: Some("dlogits[i, j] = (softmax(logits[i])[j] - (1 if j == Yb[i] else 0)) / n"),
        given: Given::Only(&[]),
    },
    Exercise {
        id: "batchnorm",
        number: 3,
        tensor: "hprebn",
        forward: "hpreact = bngain * (hprebn - hprebn.mean(0, keepdim=True)) / \
                  torch.sqrt(hprebn.var(0, keepdim=True, unbiased=True) + 1e-5) + bnbias",
        meaning: "The BatchNorm in one go: from dhpreact {shape} straight to dhprebn, without \
                  the seven steps in between.",
        derivative: "Each output depends on every input of its column through the mean and the \
                     variance. With x̂ = bnraw, the chain rule through both gives three terms: \
                     n times the upstream gradient, minus its sum, minus x̂ times the sum of \
                     dhpreact * x̂, scaled by n/(n-1) (Bessel's correction); all times \
                     bngain * bnvar_inv / n.",
        answer: "dhprebn = bngain*bnvar_inv/n * (n*dhpreact - dhpreact.sum(0) - \
                 n/(n-1)*bnraw*(dhpreact*bnraw).sum(0))",
        key_line: Some(
            "dx_i = gamma / (n sigma) * (n dy_i - sum_j dy_j - n/(n-1) xhat_i sum_j dy_j xhat_j)",
        ),
        given: Given::Only(&["hpreact"]),
    },
];

/// The chapter's four parts: (exercise, title, text).
pub const PARTS: [(u8, &str, &str); 4] = [
    (
        1,
        "Exercise 1: backprop through the whole thing, one tensor at a time",
        "The network of the lecture: C ({V}, {E}), W1 ({TE}, {H}), b1 ({H},), BatchNorm's bngain \
         and bnbias (1, {H}), W2 ({H}, {V}), b2 ({V},): {params} parameters, initialised with \
         small random numbers everywhere (even b1, which BatchNorm makes useless) so that no \
         gradient is zero by accident. Its forward pass is cut into small steps, each a named \
         tensor. On this batch of n = {n} examples the loss is {loss} (a uniform guess would \
         give -ln(1/{V}) = {uniform}). Write the gradient of each tensor, from the loss back to \
         C, as the lecture does; each answer is compared at once with the core's gradient, as \
         the lecture's cmp does: exact, approximate (allclose) with the largest difference, or \
         wrong. An answer may use the gradients of the tensors before it.",
    ),
    (
        2,
        "Exercise 2: the cross-entropy backward in one go",
        "Eight steps lead from logits to the loss. Their gradients collapse into one formula: \
         the softmax of each row, minus 1 at the correct character, divided by n = {n}. Each \
         row of dlogits sums to zero: the gradient pulls the correct character's logit up by \
         as much as it pushes the others down.",
    ),
    (
        3,
        "Exercise 3: the BatchNorm backward in one go",
        "Seven steps lead from hprebn to hpreact. Every input of a column affects every output \
         of that column, through the batch mean and variance; the chain rule through both \
         gives one formula for dhprebn from dhpreact, with n = {n} and Bessel's n-1 = {n1}.",
    ),
    (
        4,
        "Exercise 4: train with your own backward pass",
        "Your answers replace the core's backward pass: dlogits (exercise 2, or exercise 1's \
         chain), then dh, dW2, db2, dhpreact, dbngain, dbnbias, dhprebn (exercise 3, or \
         exercise 1's chain), dembcat, dW1, db1, demb, dC, computed afresh at every step. Two \
         copies of the network start from the same weights and see the same batches of {n}; \
         one steps with your gradients, the other with the core's, at the lecture's learning \
         rate of 0.1. Each press starts both again from those weights, with your answers as \
         they are then. When your formulas are right, the two loss curves overlay: exactly with \
         exercise 1's chain, to rounding with exercises 2 and 3. A wrong formula makes them \
         part, even when the net still learns with it: a wrong gradient can still go downhill, \
         only not along the same path.",
    ),
];

/// The exercise with this id.
pub fn exercise(id: &str) -> Option<&'static Exercise> {
    EXERCISES.iter().find(|e| e.id == id)
}

/// The model's numbers for the texts' placeholders.
#[derive(Clone, Debug, Default)]
pub struct Numbers {
    pub n: usize,
    pub vocab_size: usize,
    pub n_hidden: usize,
    pub n_embd: usize,
    pub block_size: usize,
    /// The largest |dlogit_maxes| on the current batch.
    pub maxes: f32,
    pub n_params: usize,
    /// The current batch's loss.
    pub loss: f32,
}

/// `text` with its placeholders replaced; `shape` is the exercise's tensor's shape.
pub fn fill(text: &str, k: &Numbers, shape: &str) -> String {
    text.replace("{n}", &k.n.to_string())
        .replace("{n1}", &k.n.saturating_sub(1).to_string())
        .replace("{V}", &k.vocab_size.to_string())
        .replace("{H}", &k.n_hidden.to_string())
        .replace("{E}", &k.n_embd.to_string())
        .replace("{TE}", &(k.block_size * k.n_embd).to_string())
        .replace("{T}", &k.block_size.to_string())
        .replace("{maxes}", &format!("{:.1e}", k.maxes))
        .replace("{params}", &k.n_params.to_string())
        .replace("{loss}", &format!("{:.4}", k.loss))
        .replace("{uniform}", &format!("{:.4}", (k.vocab_size as f64).ln()))
        .replace("{shape}", shape)
}
