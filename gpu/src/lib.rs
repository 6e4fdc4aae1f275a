//! The model engine: Llama-family decoders (llama, mistral, qwen2) for training, evaluation and
//! generation.
//!
//! Shared with the browser preview (builds for wasm32): `config`, `template`, `sampler`
//! (`tokenizer` is native-only until the preview enables tokenizers' wasm support). Native only:
//! the candle model, trainer, checkpoints, model files and export.
//! The `cuda` feature switches the trainer to candle's CUDA backend.

pub mod config;
pub mod sampler;
pub mod template;
#[cfg(not(target_arch = "wasm32"))]
pub mod tokenizer;

#[cfg(not(target_arch = "wasm32"))]
pub mod data;
#[cfg(not(target_arch = "wasm32"))]
pub mod export;
#[cfg(not(target_arch = "wasm32"))]
pub mod files;
#[cfg(not(target_arch = "wasm32"))]
pub mod infer;
#[cfg(not(target_arch = "wasm32"))]
pub mod model;
#[cfg(not(target_arch = "wasm32"))]
pub mod train;

pub use config::{ConfigError, ModelConfig};
pub use polytune_api::LORA_TARGETS;

/// candle, re-exported so that users of the engine name the same version.
#[cfg(not(target_arch = "wasm32"))]
pub use candle_core as candle;
