//! Writing trained weights out of the lab in formats other tools read.

pub mod safetensors;
