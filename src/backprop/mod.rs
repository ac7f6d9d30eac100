//! "Becoming a backprop ninja" (makemore part 4): the network of the lecture, its forward pass in
//! named steps and the core's gradient of every step (`steps`), a small language in which the
//! student writes those gradients as the lecture does (`lang`), the judge that compares an
//! answer with the core's gradient as the lecture's `cmp` does (`grade`), the exercises with
//! their hints and text (`exercises`), training with the student's backward pass beside the
//! core's (`train`), and the sheet the worker keeps (`sheet`). No web types: tested natively.
//!
//! Numbers are f32, as the page trains, and so are the reference gradients: the lecture's `cmp`
//! compares float32 with float32 autograd, and "exact" means every bit equal, which only a
//! reference computed in f32 by the same operations in the same order can give. So the core
//! writes the lecture's formulas once (`steps`), with the `tensor` operations the evaluator
//! uses: the lecture's exercise 1 lines come out exact, its one-go formulas (exercises 2 and 3)
//! approximate, as in the lecture. An f64 reference would make "exact" impossible and
//! "approximate" a matter of tolerance. The f32 formulas are pinned separately: they agree with
//! the core's `Mlp` (itself pinned to PyTorch by the fixtures) to 1e-4 of scale.

pub mod env;
pub mod exercises;
pub mod grade;
pub mod lang;
pub mod model;
pub mod sheet;
pub mod steps;
pub mod tensor;
pub mod train;

pub use exercises::{exercise, Exercise, EXERCISES};
pub use model::{Batch, Config, Params};
pub use sheet::{ExerciseView, Lab, PartView, Sheet, Verdict, VerdictStatus};
pub use steps::{backward, forward, Forward, Grads, ORDER};
pub use tensor::Tensor;
pub use train::{DualRun, StepLosses};
