//! A Llama-family model's `config.json` (llama, mistral, qwen2), as Hugging Face writes it.

use serde::Deserialize;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("config.json is not valid JSON at line {line}, column {column}: {message}")]
    Json { line: usize, column: usize, message: String },
    #[error("config.json: model_type {0:?} is not a Llama-family decoder (llama, mistral, qwen2)")]
    UnsupportedArchitecture(String),
    #[error("config.json: {field} is {value}, which does not divide evenly: {why}")]
    Inconsistent { field: &'static str, value: usize, why: String },
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ModelConfig {
    pub model_type: String,
    pub vocab_size: usize,
    pub hidden_size: usize,
    pub intermediate_size: usize,
    pub num_hidden_layers: usize,
    pub num_attention_heads: usize,
    /// Grouped-query attention; equal to `num_attention_heads` when absent.
    #[serde(default)]
    pub num_key_value_heads: Option<usize>,
    #[serde(default = "default_rms_eps")]
    pub rms_norm_eps: f64,
    #[serde(default = "default_rope_theta")]
    pub rope_theta: f64,
    #[serde(default = "default_max_pos")]
    pub max_position_embeddings: usize,
    #[serde(default)]
    pub tie_word_embeddings: bool,
}

fn default_rms_eps() -> f64 {
    1e-6
}
fn default_rope_theta() -> f64 {
    10_000.0
}
fn default_max_pos() -> usize {
    2048
}

impl ModelConfig {
    pub fn from_json(text: &str) -> Result<Self, ConfigError> {
        let cfg: ModelConfig = serde_json::from_str(text).map_err(|e| ConfigError::Json {
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })?;
        if !matches!(cfg.model_type.as_str(), "llama" | "mistral" | "qwen2") {
            return Err(ConfigError::UnsupportedArchitecture(cfg.model_type));
        }
        if cfg.num_attention_heads == 0 || cfg.hidden_size % cfg.num_attention_heads != 0 {
            return Err(ConfigError::Inconsistent {
                field: "hidden_size",
                value: cfg.hidden_size,
                why: format!("must be a multiple of num_attention_heads ({})", cfg.num_attention_heads),
            });
        }
        let kv = cfg.kv_heads();
        if kv == 0 || cfg.num_attention_heads % kv != 0 {
            return Err(ConfigError::Inconsistent {
                field: "num_key_value_heads",
                value: kv,
                why: format!("must divide num_attention_heads ({})", cfg.num_attention_heads),
            });
        }
        Ok(cfg)
    }

    pub fn kv_heads(&self) -> usize {
        self.num_key_value_heads.unwrap_or(self.num_attention_heads)
    }

    pub fn head_dim(&self) -> usize {
        self.hidden_size / self.num_attention_heads
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The values of SmolLM2-135M-Instruct's config.json.
    const SMOLLM2: &str = r#"{"model_type":"llama","vocab_size":49152,"hidden_size":576,"intermediate_size":1536,
        "num_hidden_layers":30,"num_attention_heads":9,"num_key_value_heads":3,"rms_norm_eps":1e-5,
        "rope_theta":100000,"max_position_embeddings":8192,"tie_word_embeddings":true}"#;

    #[test]
    fn reads_smollm2() {
        let c = ModelConfig::from_json(SMOLLM2).unwrap();
        assert_eq!(c.head_dim(), 64);
        assert_eq!(c.kv_heads(), 3);
        assert!(c.tie_word_embeddings);
    }

    #[test]
    fn rejects_other_architectures_and_bad_shapes() {
        let bert = SMOLLM2.replace("\"llama\"", "\"bert\"");
        assert!(matches!(ModelConfig::from_json(&bert), Err(ConfigError::UnsupportedArchitecture(_))));
        let bad = SMOLLM2.replace("\"num_key_value_heads\":3", "\"num_key_value_heads\":4");
        assert!(matches!(ModelConfig::from_json(&bad), Err(ConfigError::Inconsistent { .. })));
        assert!(matches!(ModelConfig::from_json("{"), Err(ConfigError::Json { .. })));
    }
}
