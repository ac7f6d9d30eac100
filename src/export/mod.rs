//! Writing trained weights out of the lab in formats other tools read, and reading them back.

pub mod safetensors;
pub mod weights;
