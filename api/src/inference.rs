//! Inference through the server's model cache: log-likelihood requests and what the cache holds.

use crate::ids::{ModelId, RunId};
use serde::{Deserialize, Serialize};

use crate::problem::FieldError;
use crate::validate::{self, Validate};

/// Log-likelihoods of continuations (the evaluation primitive): each context is run once and
/// every continuation scored after it. Texts are tokenized separately (a continuation usually
/// starts with a space).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LoglikelihoodRequest {
    pub requests: Vec<LoglikelihoodItem>,
    /// A run of this model; its newest checkpoint (or `checkpoint_step`) is applied.
    #[serde(default)]
    pub run_id: Option<RunId>,
    #[serde(default)]
    pub checkpoint_step: Option<i64>,
    /// Compute in f32 as a reference implementation that dequantizes the file would (what
    /// evaluations use), instead of on the quantized blocks with 8-bit activations.
    #[serde(default)]
    pub exact: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LoglikelihoodItem {
    pub context: String,
    pub continuations: Vec<String>,
}

/// The most requests one call may score.
pub const MAX_LOGLIKELIHOOD_REQUESTS: usize = 1000;

impl Validate for LoglikelihoodRequest {
    fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if self.requests.is_empty() {
            errors.push(FieldError::err("requests", "empty", &[], "give at least one context with its continuations"));
        }
        if self.requests.len() > MAX_LOGLIKELIHOOD_REQUESTS {
            errors.push(FieldError::err(
                "requests",
                "too_many",
                &[("max", MAX_LOGLIKELIHOOD_REQUESTS.to_string())],
                format!("at most {MAX_LOGLIKELIHOOD_REQUESTS} per call"),
            ));
        }
        for (i, r) in self.requests.iter().enumerate() {
            if r.context.is_empty() {
                errors.push(validate::empty(format!("requests[{i}].context")));
            }
            if r.continuations.is_empty() {
                errors.push(FieldError::err(format!("requests[{i}].continuations"), "empty", &[], "give at least one"));
            }
            for (j, c) in r.continuations.iter().enumerate() {
                if c.is_empty() {
                    errors.push(validate::empty(format!("requests[{i}].continuations[{j}]")));
                }
            }
        }
        errors
    }
}

/// One continuation: the sum of its tokens' log-probabilities and whether every token was the
/// model's most likely one (greedy).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContinuationScore {
    pub logprob: f64,
    pub greedy: bool,
    pub tokens: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoglikelihoodResponse {
    /// Per request, per continuation, in the order given.
    pub results: Vec<Vec<ContinuationScore>>,
    pub seconds: f64,
}

/// A model held in the server's model cache.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoadedModelInfo {
    pub model_id: ModelId,
    /// Set when a full fine-tune of a run is loaded as its own model.
    pub checkpoint: Option<String>,
    /// How the weights are held, e.g. "GGUF (Q4_1×182, Q8_0×1)" or "F32".
    pub format: String,
    pub weight_bytes: u64,
    pub load_seconds: f64,
    /// Run adapters loaded beside this base.
    pub adapters: usize,
    pub active_sequences: usize,
    pub waiting_sequences: usize,
    /// Key/value cache held by the active sequences.
    pub cache_bytes: u64,
    pub finished_requests: u64,
    pub cancelled_requests: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InferenceStatus {
    /// The memory budget for loaded weights.
    pub budget_bytes: u64,
    /// Models loaded since the server started (a model loaded once and used many times counts once).
    pub loads: u64,
    pub unloads: u64,
    /// This workspace's loaded models.
    pub models: Vec<LoadedModelInfo>,
}
