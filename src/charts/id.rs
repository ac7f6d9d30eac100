//! The page's charts by name. The ids are here, below the lesson (a chapter names its key charts)
//! and the session (whose table of chart definitions, session/views/mod.rs, says what each one
//! shows and how the page holds it); the drawing code does not need them.

use crate::named::named_enum;

named_enum! {
    /// A chart of the page, in the page's order (its figure's `data-chart` name).
    #[cfg_attr(feature = "ts", derive(tsify::Tsify))]
    pub enum ChartId {
        /// The mini-batch loss, smoothed, with the full-split evaluations and earlier runs.
        Loss = "loss",
        /// The learning-rate finder's sweep.
        Lr = "lr",
        /// The character embedding C (and its path over the run).
        Embedding = "embedding",
        /// The first hidden layer's pre-activations and activations.
        Preact = "preact",
        /// The first hidden layer's saturation map, batch x neurons.
        Map = "map",
        /// The update:data ratio of every weight.
        Ratios = "ratios",
        /// Every hidden layer's activations.
        Acts = "acts",
        /// Every hidden layer's output gradients.
        Grads = "grads",
        /// Each weight matrix's gradient (the lecture's legend: mean, std, grad:data ratio).
        WeightGrads = "weight_grads",
        /// BatchNorm's running mean and variance against the last batch's.
        Running = "running",
        /// The step-through sampler's softmax over the vocabulary.
        Sampler = "sampler",
        /// A typed name's characters and their probabilities.
        Score = "score",
        /// Why Kaiming init: y = x @ w with and without the 1/sqrt(fan_in) factor.
        Kaiming = "kaiming",
        /// Backprop by hand, exercise 4: the loss with the student's backward pass and the core's.
        Sheet = "sheet",
    }
}
