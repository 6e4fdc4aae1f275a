//! The model engine. For now only the part every later path shares: reading a Llama-family
//! `config.json`. Loading weights, the candle trainer (native only) and the WGSL kernels (wasm and
//! native) arrive with the engine issue; this crate already builds for both targets.

pub mod config;

pub use config::{ConfigError, ModelConfig};
