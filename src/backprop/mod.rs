//! "Becoming a backprop ninja" (makemore part 4): the network of the lecture, its forward pass in
//! named steps and the core's gradient of every step (`steps`), a small language in which the
//! student writes those gradients as the lecture does (`lang`), the judge that compares an
//! answer with the core's gradient as the lecture's `cmp` does (`grade`), the exercises with
//! their hints and text (`exercises`), training with the student's backward pass beside the
//! core's (`train`), and the sheet the worker keeps (`sheet`). No web types: tested natively.

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
pub use sheet::{ExerciseView, Lab, Sheet, Verdict, VerdictStatus};
pub use steps::{backward, forward, Forward, Grads, ORDER};
pub use tensor::Tensor;
pub use train::{DualRun, StepLosses};
