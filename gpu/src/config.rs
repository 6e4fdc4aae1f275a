//! A Llama-family model's `config.json` (llama, mistral, qwen2), as Hugging Face writes it.

use serde::{Deserialize, Serialize};

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("config.json is not valid JSON at line {line}, column {column}: {message}")]
    Json { line: usize, column: usize, message: String },
    #[error("config.json: model_type {0:?} is not a Llama-family decoder (llama, mistral, qwen2)")]
    UnsupportedArchitecture(String),
    #[error("config.json: {0} is not supported")]
    Unsupported(String),
    #[error("config.json: {field} is {value}, which does not divide evenly: {why}")]
    Inconsistent { field: &'static str, value: usize, why: String },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    /// Set by some configs (Qwen3, Gemma); otherwise hidden_size / num_attention_heads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head_dim: Option<usize>,
    /// Llama may have biases on q/k/v/o; Qwen2 always has them on q/k/v.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attention_bias: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rope_scaling: Option<RopeScaling>,
    #[serde(default = "default_act")]
    pub hidden_act: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bos_token_id: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eos_token_id: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub torch_dtype: Option<String>,
    /// Mistral's sliding attention window; sequences longer than it are refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sliding_window: Option<usize>,
}

/// `rope_scaling` as config.json writes it (`type` in older files, `rope_type` in newer ones).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RopeScaling {
    #[serde(alias = "type")]
    pub rope_type: String,
    #[serde(default = "one")]
    pub factor: f64,
    #[serde(default = "one")]
    pub low_freq_factor: f64,
    #[serde(default = "four")]
    pub high_freq_factor: f64,
    #[serde(default)]
    pub original_max_position_embeddings: Option<usize>,
}

fn one() -> f64 {
    1.0
}
fn four() -> f64 {
    4.0
}
fn default_act() -> String {
    "silu".into()
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
        if cfg.hidden_act != "silu" {
            return Err(ConfigError::Unsupported(format!("hidden_act {:?} (only silu)", cfg.hidden_act)));
        }
        if let Some(r) = &cfg.rope_scaling {
            if !matches!(r.rope_type.as_str(), "linear" | "llama3" | "default") {
                return Err(ConfigError::Unsupported(format!("rope_scaling type {:?} (linear, llama3)", r.rope_type)));
            }
        }
        if cfg.vocab_size == 0 || cfg.num_hidden_layers == 0 || cfg.intermediate_size == 0 {
            return Err(ConfigError::Inconsistent {
                field: "vocab_size",
                value: cfg.vocab_size,
                why: "vocab_size, num_hidden_layers and intermediate_size must be positive".into(),
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
        self.head_dim.unwrap_or(self.hidden_size / self.num_attention_heads)
    }

    pub fn qkv_bias(&self) -> bool {
        self.model_type == "qwen2" || self.attention_bias.unwrap_or(false)
    }

    pub fn o_bias(&self) -> bool {
        self.model_type != "qwen2" && self.attention_bias.unwrap_or(false)
    }

    /// Every weight, by its Hugging Face name, with its shape.
    pub fn weight_shapes(&self) -> Vec<(String, Vec<usize>)> {
        let (d, hd, i) = (self.hidden_size, self.head_dim(), self.intermediate_size);
        let (q, kv) = (self.num_attention_heads * hd, self.kv_heads() * hd);
        let mut w = vec![("model.embed_tokens.weight".to_string(), vec![self.vocab_size, d])];
        for l in 0..self.num_hidden_layers {
            let p = format!("model.layers.{l}");
            w.push((format!("{p}.input_layernorm.weight"), vec![d]));
            w.push((format!("{p}.self_attn.q_proj.weight"), vec![q, d]));
            w.push((format!("{p}.self_attn.k_proj.weight"), vec![kv, d]));
            w.push((format!("{p}.self_attn.v_proj.weight"), vec![kv, d]));
            if self.qkv_bias() {
                w.push((format!("{p}.self_attn.q_proj.bias"), vec![q]));
                w.push((format!("{p}.self_attn.k_proj.bias"), vec![kv]));
                w.push((format!("{p}.self_attn.v_proj.bias"), vec![kv]));
            }
            w.push((format!("{p}.self_attn.o_proj.weight"), vec![d, q]));
            if self.o_bias() {
                w.push((format!("{p}.self_attn.o_proj.bias"), vec![d]));
            }
            w.push((format!("{p}.post_attention_layernorm.weight"), vec![d]));
            w.push((format!("{p}.mlp.gate_proj.weight"), vec![i, d]));
            w.push((format!("{p}.mlp.up_proj.weight"), vec![i, d]));
            w.push((format!("{p}.mlp.down_proj.weight"), vec![d, i]));
        }
        w.push(("model.norm.weight".to_string(), vec![d]));
        if !self.tie_word_embeddings {
            w.push(("lm_head.weight".to_string(), vec![self.vocab_size, d]));
        }
        w
    }

    pub fn parameter_count(&self) -> u64 {
        self.weight_shapes().iter().map(|(_, s)| s.iter().product::<usize>() as u64).sum()
    }

    /// Parameters LoRA of rank `r` adds on the given layers (`q_proj`, …).
    pub fn lora_parameter_count(&self, r: usize, targets: &[String]) -> u64 {
        let (d, hd, i) = (self.hidden_size, self.head_dim(), self.intermediate_size);
        let (q, kv) = (self.num_attention_heads * hd, self.kv_heads() * hd);
        let per_layer: usize = targets
            .iter()
            .map(|t| match t.as_str() {
                "q_proj" => r * (d + q),
                "k_proj" | "v_proj" => r * (d + kv),
                "o_proj" => r * (q + d),
                "gate_proj" | "up_proj" => r * (d + i),
                "down_proj" => r * (i + d),
                _ => 0,
            })
            .sum();
        (per_layer * self.num_hidden_layers) as u64
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
