//! Writing trained weights out of the lab in formats other tools read, and reading them back;
//! folding BatchNorm into the Linear before it (`fold`), the model one would ship.

pub mod fold;
pub mod safetensors;
pub mod weights;
