//! Base models registered in a workspace, training runs, and generation requests.

use crate::ids::{JobId, MixtureId, ModelId, RunId, VersionId, WorkspaceId};
use serde::{Deserialize, Serialize};

use crate::problem::FieldError;
use crate::training::{TrainSpec, TuneMethod};
use crate::validate::{self, Validate};

/// What a model's config.json and tokenizer say, as the model page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ModelInfo {
    pub architecture: String,
    pub parameters: u64,
    pub hidden_size: usize,
    pub intermediate_size: usize,
    pub layers: usize,
    pub attention_heads: usize,
    pub kv_heads: usize,
    pub head_dim: usize,
    pub vocab_size: usize,
    pub context_length: usize,
    pub tied_embeddings: bool,
    pub rope_theta: f64,
    pub chat_template: String,
    /// True when the model brought no template and ChatML/Llama 3 stands in.
    pub template_is_fallback: bool,
    /// The template applied to a short example conversation.
    pub template_preview: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Model {
    pub id: ModelId,
    pub workspace_id: WorkspaceId,
    pub name: String,
    /// `directory`, `gguf` or `tiny`.
    pub source: String,
    /// Where it came from (a server path, or the tiny model's settings).
    pub origin: String,
    pub info: ModelInfo,
    pub created_at: i64,
}

/// Register a model found on the server: a Hugging Face directory or a GGUF file inside a folder
/// the server allows imports from.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RegisterModel {
    pub name: String,
    pub path: String,
}

impl Validate for RegisterModel {
    fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        validate::name("name", &self.name, &mut errors);
        if self.path.trim().is_empty() {
            errors.push(validate::required("path", "give the model's folder or .gguf file on the server"));
        }
        errors
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TinySize {
    /// 2 layers of 64: trains in seconds on a CPU.
    Micro,
    /// 4 layers of 128.
    Small,
}

/// Make a tiny random llama with a BPE tokenizer trained on a dataset version's text.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateTinyModel {
    pub name: String,
    pub dataset_version_id: VersionId,
    pub size: TinySize,
    #[serde(default = "default_vocab")]
    pub vocab_size: usize,
    #[serde(default)]
    pub seed: u64,
}

fn default_vocab() -> usize {
    1024
}

impl Validate for CreateTinyModel {
    fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        validate::name("name", &self.name, &mut errors);
        if !(300..=65_536).contains(&self.vocab_size) {
            errors.push(FieldError::err(
                "vocab_size",
                "out_of_range",
                &[("min", "300".into()), ("max", "65536".into())],
                "must be between 300 and 65536",
            ));
        }
        if self.dataset_version_id.trim().is_empty() {
            errors.push(validate::required("dataset_version_id", "choose the dataset whose text trains the tokenizer"));
        }
        errors
    }
}

/// Memory a model needs, in bytes, for one use at a given batch and sequence length.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MemoryEstimate {
    pub weights: u64,
    /// KV cache (inference) or saved activations (training).
    pub activations: u64,
    /// Gradients and AdamW moments of what is trained.
    pub optimizer: u64,
    pub total: u64,
}

/// Rough memory needs: weights in `weight_bytes` per parameter (2 for bf16, 4 for f32); for
/// training, fp32 gradients and two fp32 moments per trained parameter, activations kept for the
/// backward pass (eager attention keeps each layer's `seq × seq` scores) and the logits.
pub fn estimate_memory(
    info: &ModelInfo,
    batch: usize,
    seq_len: usize,
    training: Option<(TuneMethod, u64)>,
    weight_bytes: u64,
) -> MemoryEstimate {
    let (b, t) = (batch as u64, seq_len as u64);
    let (d, i, l) = (info.hidden_size as u64, info.intermediate_size as u64, info.layers as u64);
    let kv = (info.kv_heads * info.head_dim) as u64;
    let mut weights = info.parameters * weight_bytes;
    let (activations, optimizer) = match training {
        None => (2 * l * kv * b * t * weight_bytes + b * info.vocab_size as u64 * 4, 0),
        Some((method, lora_params)) => {
            let per_token_layer = (12 * d + 2 * kv + 3 * i) * weight_bytes + info.attention_heads as u64 * t * 4 * 2;
            let logits = b * t * info.vocab_size as u64 * 4 * 3;
            let acts = l * b * t * per_token_layer + logits;
            match method {
                TuneMethod::Lora => (acts, lora_params * (4 + 4 + 8)),
                TuneMethod::Full => {
                    // fp32 master weights besides the compute copy when it is bf16.
                    if weight_bytes < 4 {
                        weights += info.parameters * 4;
                    }
                    (acts, info.parameters * (4 + 8))
                }
            }
        }
    };
    MemoryEstimate { weights, activations, optimizer, total: weights + activations + optimizer }
}

/// Start a training run on a dataset version.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateRun {
    pub name: String,
    pub model_id: ModelId,
    pub dataset_version_id: VersionId,
    #[serde(default)]
    pub spec: TrainSpec,
    /// Continue from another run's newest checkpoint (a continual run).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub continue_from: Option<ContinueFrom>,
}

/// Start from run `run_id`'s newest checkpoint; mix back some of its training data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ContinueFrom {
    pub run_id: RunId,
    /// Replay: this many of the earlier run's training examples per new example (0 = none, at most 1).
    #[serde(default)]
    pub replay: f64,
}

impl Validate for CreateRun {
    fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        validate::name("name", &self.name, &mut errors);
        for e in self.spec.validate() {
            errors.push(e.under("spec"));
        }
        if let Some(c) = &self.continue_from
            && !(c.replay.is_finite() && (0.0..=1.0).contains(&c.replay))
        {
            errors.push(FieldError::err(
                "continue_from.replay",
                "out_of_range",
                &[("min", "0".into()), ("max", "1".into())],
                "must be between 0 (no replay) and 1",
            ));
        }
        errors
    }
}

/// Ready-made settings for people who do not want to choose hyper-parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Preset {
    /// A few dozen steps to see that everything works and where the loss goes.
    QuickLook,
    /// One pass over the data with a medium adapter: the usual choice.
    Balanced,
    /// Three passes, a larger adapter and a lower learning rate.
    Thorough,
}

impl Preset {
    pub const ALL: [Preset; 3] = [Preset::QuickLook, Preset::Balanced, Preset::Thorough];

    pub fn label(self) -> &'static str {
        match self {
            Preset::QuickLook => "Quick look",
            Preset::Balanced => "Balanced",
            Preset::Thorough => "Thorough",
        }
    }

    pub fn explain(self) -> &'static str {
        match self {
            Preset::QuickLook => "About 30 steps: see that it learns before spending more.",
            Preset::Balanced => "One pass over your mixture with a LoRA adapter of rank 16.",
            Preset::Thorough => "Three passes with a rank-32 adapter and a gentler learning rate.",
        }
    }

    /// The trainer settings of this preset for a model with `context` tokens of context.
    pub fn spec(self, context: usize) -> TrainSpec {
        let mut s = TrainSpec::default();
        let fit = |n: usize| n.min(context.max(8));
        match self {
            Preset::QuickLook => {
                s.lora.rank = 8;
                s.lora.alpha = 16.0;
                s.seq_len = fit(512);
                s.batch_size = 4;
                s.max_steps = Some(30);
                s.warmup_steps = 3;
                s.eval_every = 10;
                s.save_every = 10;
            }
            Preset::Balanced => {
                s.seq_len = fit(1024);
                s.batch_size = 8;
                s.warmup_steps = 10;
                s.eval_every = 50;
                s.save_every = 100;
            }
            Preset::Thorough => {
                s.lora.rank = 32;
                s.lora.alpha = 64.0;
                s.lora.dropout = 0.05;
                s.seq_len = fit(2048);
                s.batch_size = 8;
                s.grad_accum = 2;
                s.epochs = 3;
                s.learning_rate = 1e-4;
                s.warmup_steps = 30;
                s.eval_every = 100;
                s.save_every = 200;
            }
        }
        s
    }
}

/// The machine runs train on, as the run wizard needs it for its estimates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ComputeInfo {
    /// `cpu` or `cuda`.
    pub device: String,
    /// In words, e.g. "CPU, 2 threads".
    pub name: String,
    /// Memory a run may use (RAM on CPU, GPU memory on CUDA).
    pub memory_bytes: u64,
    /// Sustained training speed in floating-point operations per second.
    pub flops_per_second: f64,
    /// Where that speed comes from: a finished run on this server, or a default.
    pub calibration: String,
    /// The model whose run calibrated the speed, when one did.
    pub calibrated_model_id: Option<ModelId>,
}

/// How long a run will take.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimeEstimate {
    pub steps: u64,
    /// Tokens the model computes on (padding included), over all epochs.
    pub tokens: u64,
    pub flops: f64,
    pub seconds: f64,
}

/// Parameters of the LoRA adapters: rank × (inputs + outputs) of each adapted linear layer.
pub fn lora_parameters(info: &ModelInfo, spec: &TrainSpec) -> u64 {
    let d = info.hidden_size as u64;
    let q = (info.attention_heads * info.head_dim) as u64;
    let kv = (info.kv_heads * info.head_dim) as u64;
    let i = info.intermediate_size as u64;
    let per_rank: u64 = spec
        .lora
        .targets
        .iter()
        .map(|t| match t.as_str() {
            "q_proj" => d + q,
            "k_proj" | "v_proj" => d + kv,
            "o_proj" => q + d,
            "gate_proj" | "up_proj" => d + i,
            "down_proj" => i + d,
            _ => 0,
        })
        .sum();
    info.layers as u64 * spec.lora.rank as u64 * per_rank
}

/// Floating-point operations per trained token: a forward pass costs about 2 per parameter, the
/// backward pass twice that for full tuning (gradients of weights and activations) and about as
/// much as the forward for LoRA (activation gradients only); attention adds its `seq × d` terms.
pub fn training_flops_per_token(info: &ModelInfo, method: TuneMethod, context: usize) -> f64 {
    let n = info.parameters as f64;
    let attention = 12.0 * info.layers as f64 * context as f64 * (info.attention_heads * info.head_dim) as f64;
    match method {
        TuneMethod::Full => 6.0 * n + attention,
        TuneMethod::Lora => 4.0 * n + attention,
    }
}

/// Tokens a chat template adds to an instruction and its answer.
pub const CHAT_MARKUP_TOKENS: u64 = 14;

/// Steps and time of a run on `examples` examples holding `tokens` tokens (0 when not counted),
/// at `flops_per_second`.
pub fn estimate_time(
    info: &ModelInfo,
    spec: &TrainSpec,
    examples: u64,
    tokens: u64,
    flops_per_second: f64,
) -> TimeEstimate {
    let seq = spec.seq_len as u64;
    // Without counted tokens, assume a typical instruction + answer of 256 tokens. Profiles count
    // the text; the chat template adds its markup (ChatML: ~6 tokens a turn, 2 turns and an end).
    let per_example =
        if examples > 0 && tokens > 0 { (tokens / examples + CHAT_MARKUP_TOKENS).clamp(1, seq) } else { 256.min(seq) };
    let (rows, row_len) = if spec.packing {
        // Greedy packing leaves part of each row empty; ~90% full is typical.
        ((examples * per_example).div_ceil((seq * 9 / 10).max(1)).max(1), seq.min(examples * per_example).max(1))
    } else {
        // Each batch is padded to its longest example: ~1.3× the mean.
        (examples.max(1), (per_example * 13 / 10).min(seq))
    };
    let micro = rows.div_ceil(spec.batch_size as u64);
    let mut steps = micro.div_ceil(spec.grad_accum as u64) * spec.epochs as u64;
    if let Some(m) = spec.max_steps {
        steps = steps.min(m as u64);
    }
    let steps = steps.max(1);
    let computed = steps * spec.grad_accum as u64 * spec.batch_size as u64 * row_len;
    let flops = computed as f64 * training_flops_per_token(info, spec.method, row_len as usize / 2);
    TimeEstimate { steps, tokens: computed, flops, seconds: flops / flops_per_second.max(1.0) }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Run {
    pub id: RunId,
    pub workspace_id: WorkspaceId,
    pub name: String,
    pub model_id: ModelId,
    pub dataset_version_id: VersionId,
    pub spec: TrainSpec,
    pub job_id: JobId,
    /// The mixture whose materialized version it trains on, if any.
    #[serde(default)]
    pub mixture_id: Option<MixtureId>,
    #[serde(default)]
    pub continue_from: Option<ContinueFrom>,
    pub created_at: i64,
}

/// One reported step of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RunPoint {
    pub step: i64,
    /// `step` (loss, learning rate, grad norm, tokens/s, …) or `eval` (loss per language).
    pub kind: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub data: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Checkpoint {
    pub step: i64,
    pub validation_loss: Option<f64>,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RunDetail {
    pub run: Run,
    pub points: Vec<RunPoint>,
    pub checkpoints: Vec<Checkpoint>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChatMessage {
    pub role: String,
    pub content: String,
}

/// How the next tokens are picked: greedy, temperature, top-k, top-p, repetition penalty, stops.
/// The engine's sampler takes exactly this.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SamplingParams {
    /// 0 picks the most likely token every time (greedy).
    #[serde(default)]
    pub temperature: f32,
    /// Keep only the k most likely tokens; 0 keeps all.
    #[serde(default)]
    pub top_k: usize,
    /// Keep the most likely tokens whose probabilities add up to p; 1 keeps all.
    #[serde(default = "one")]
    pub top_p: f32,
    /// Above 1 makes tokens already in the text less likely (as in CTRL and `transformers`).
    #[serde(default = "one")]
    pub repetition_penalty: f32,
    #[serde(default = "default_max_new")]
    pub max_new_tokens: usize,
    /// Generation stops when the text ends with one of these (it is not included).
    #[serde(default)]
    pub stop: Vec<String>,
    #[serde(default)]
    pub seed: u64,
}

fn one() -> f32 {
    1.0
}
fn default_max_new() -> usize {
    256
}

impl Default for SamplingParams {
    fn default() -> Self {
        serde_json::from_str("{}").expect("every field has a default")
    }
}

impl Validate for SamplingParams {
    fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if !(self.temperature.is_finite() && (0.0..=10.0).contains(&self.temperature)) {
            errors.push(FieldError::err(
                "temperature",
                "out_of_range",
                &[("min", "0".into()), ("max", "10".into())],
                "must be between 0 and 10",
            ));
        }
        if !(self.top_p > 0.0 && self.top_p <= 1.0) {
            errors.push(FieldError::err(
                "top_p",
                "out_of_range_min_exclusive",
                &[("min", "0".into()), ("max", "1".into())],
                "must be above 0 and at most 1",
            ));
        }
        if !(self.repetition_penalty > 0.0 && self.repetition_penalty.is_finite()) {
            errors.push(FieldError::err("repetition_penalty", "not_positive", &[], "must be positive"));
        }
        if !(1..=4096).contains(&self.max_new_tokens) {
            errors.push(FieldError::err(
                "max_new_tokens",
                "out_of_range",
                &[("min", "1".into()), ("max", "4096".into())],
                "must be between 1 and 4096",
            ));
        }
        errors
    }
}

/// Generate the assistant's next answer with a model, or with one of a run's checkpoints.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct GenerateRequest {
    pub messages: Vec<ChatMessage>,
    /// A run of this model; its newest checkpoint (or `checkpoint_step`) is applied.
    #[serde(default)]
    pub run_id: Option<RunId>,
    #[serde(default)]
    pub checkpoint_step: Option<i64>,
    #[serde(default)]
    pub sampling: SamplingParams,
}

impl Validate for GenerateRequest {
    fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if self.messages.is_empty() {
            errors.push(FieldError::err("messages", "empty", &[], "write a message first"));
        }
        for (i, m) in self.messages.iter().enumerate() {
            if !matches!(m.role.as_str(), "system" | "user" | "assistant") {
                errors.push(FieldError::err(
                    format!("messages[{i}].role"),
                    "unknown_value",
                    &[("value", m.role.clone()), ("allowed", "system, user, assistant".into())],
                    "must be system, user or assistant",
                ));
            }
        }
        for e in self.sampling.validate() {
            errors.push(e.under("sampling"));
        }
        errors
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GenerateResponse {
    pub text: String,
    pub tokens: usize,
    pub finish_reason: String,
    pub seconds: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_grows_with_what_is_trained() {
        let info = ModelInfo {
            architecture: "llama".into(),
            parameters: 134_515_008,
            hidden_size: 576,
            intermediate_size: 1536,
            layers: 30,
            attention_heads: 9,
            kv_heads: 3,
            head_dim: 64,
            vocab_size: 49152,
            context_length: 8192,
            tied_embeddings: true,
            rope_theta: 1e5,
            chat_template: String::new(),
            template_is_fallback: false,
            template_preview: String::new(),
        };
        let inf = estimate_memory(&info, 1, 1024, None, 2);
        let lora = estimate_memory(&info, 8, 1024, Some((TuneMethod::Lora, 4_884_480)), 2);
        let full = estimate_memory(&info, 8, 1024, Some((TuneMethod::Full, 0)), 2);
        assert_eq!(inf.weights, 2 * 134_515_008);
        assert!(inf.total < lora.total && lora.total < full.total);
        assert_eq!(full.optimizer, 134_515_008 * 12);
    }
}

/// A real model the studio can fetch in one click.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CatalogModel {
    pub id: String,
    pub name: String,
    pub about: String,
    /// Where it comes from (a package registry) and its license.
    pub source: String,
    pub license: String,
    /// Download size in bytes.
    pub bytes: u64,
    /// Whether this server already has the file (no download needed).
    pub cached: bool,
}
