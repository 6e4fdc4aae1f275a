//! What a training run does: the trainer's settings, shared by the API, the `polytune train`
//! command (as TOML) and, later, the run wizard in the browser.

use serde::{Deserialize, Serialize};

use crate::problem::FieldError;
use crate::validate::Validate;

/// The linear layers LoRA can adapt, by their Hugging Face names.
pub const LORA_TARGETS: [&str; 7] = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TuneMethod {
    /// Every weight is trained.
    Full,
    /// Low-rank adapters on the chosen linear layers; the base weights stay frozen.
    Lora,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LossOn {
    /// Only the assistant's answers are predicted (the usual choice).
    Responses,
    /// The instructions are predicted too.
    All,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Schedule {
    Cosine,
    Linear,
    Constant,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ComputeDtype {
    /// f32 on CPU, bf16 on CUDA.
    Auto,
    F32,
    Bf16,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LoraSpec {
    #[serde(default = "default_rank")]
    pub rank: usize,
    #[serde(default = "default_alpha")]
    pub alpha: f64,
    #[serde(default)]
    pub dropout: f64,
    /// Layer names from [`LORA_TARGETS`].
    #[serde(default = "default_targets")]
    pub targets: Vec<String>,
}

impl Default for LoraSpec {
    fn default() -> Self {
        LoraSpec { rank: default_rank(), alpha: default_alpha(), dropout: 0.0, targets: default_targets() }
    }
}

fn default_rank() -> usize {
    16
}
fn default_alpha() -> f64 {
    32.0
}
fn default_targets() -> Vec<String> {
    LORA_TARGETS.iter().map(|s| s.to_string()).collect()
}

/// Every setting of the trainer. Defaults are what a careful person would pick for a small model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TrainSpec {
    #[serde(default = "default_method")]
    pub method: TuneMethod,
    #[serde(default)]
    pub lora: LoraSpec,
    #[serde(default = "default_loss_on")]
    pub loss_on: LossOn,
    /// Several examples share one sequence (they never attend to each other); otherwise each
    /// example is padded.
    #[serde(default = "yes")]
    pub packing: bool,
    #[serde(default = "default_seq_len")]
    pub seq_len: usize,
    /// Sequences per micro-batch.
    #[serde(default = "default_batch")]
    pub batch_size: usize,
    #[serde(default = "one")]
    pub grad_accum: usize,
    #[serde(default = "default_lr")]
    pub learning_rate: f64,
    #[serde(default = "default_schedule")]
    pub schedule: Schedule,
    #[serde(default)]
    pub warmup_steps: usize,
    #[serde(default = "one")]
    pub epochs: usize,
    /// Stops after this many optimizer steps even if epochs remain.
    #[serde(default)]
    pub max_steps: Option<usize>,
    #[serde(default)]
    pub weight_decay: f64,
    #[serde(default = "default_betas")]
    pub adam_betas: (f64, f64),
    #[serde(default = "default_eps")]
    pub adam_eps: f64,
    /// Gradients whose global norm exceeds this are scaled down to it; 0 turns clipping off.
    #[serde(default = "default_clip")]
    pub grad_clip: f64,
    #[serde(default)]
    pub seed: u64,
    /// Validation loss per language every N steps (and at the end); 0 only at the end.
    #[serde(default = "default_eval_every")]
    pub eval_every: usize,
    /// Share of examples held out for validation when no validation file is given (stratified
    /// by language).
    #[serde(default = "default_val_fraction")]
    pub validation_fraction: f64,
    #[serde(default = "default_save_every")]
    pub save_every: usize,
    /// Checkpoints kept besides the best one.
    #[serde(default = "default_keep_last")]
    pub keep_last: usize,
    /// Also keep the checkpoint with the lowest validation loss.
    #[serde(default = "yes")]
    pub keep_best: bool,
    #[serde(default = "default_dtype")]
    pub dtype: ComputeDtype,
}

fn yes() -> bool {
    true
}
fn one() -> usize {
    1
}
fn default_method() -> TuneMethod {
    TuneMethod::Lora
}
fn default_loss_on() -> LossOn {
    LossOn::Responses
}
fn default_seq_len() -> usize {
    1024
}
fn default_batch() -> usize {
    8
}
fn default_lr() -> f64 {
    2e-4
}
fn default_schedule() -> Schedule {
    Schedule::Cosine
}
fn default_betas() -> (f64, f64) {
    (0.9, 0.999)
}
fn default_eps() -> f64 {
    1e-8
}
fn default_clip() -> f64 {
    1.0
}
fn default_eval_every() -> usize {
    50
}
fn default_val_fraction() -> f64 {
    0.05
}
fn default_save_every() -> usize {
    100
}
fn default_keep_last() -> usize {
    2
}
fn default_dtype() -> ComputeDtype {
    ComputeDtype::Auto
}

impl TrainSpec {
    /// Whether a run with these settings can start from a checkpoint of a run with `earlier`'s:
    /// the same method, and for LoRA the same rank and layers (the adapter's shape).
    pub fn can_continue(&self, earlier: &TrainSpec) -> Result<(), &'static str> {
        let same_adapter = earlier.lora.rank == self.lora.rank && earlier.lora.targets == self.lora.targets;
        if earlier.method != self.method || (self.method == TuneMethod::Lora && !same_adapter) {
            return Err("continuing needs the same method (and LoRA rank and layers) as the earlier run");
        }
        Ok(())
    }
}

impl Default for TrainSpec {
    fn default() -> Self {
        serde_json::from_str("{}").expect("every field has a default")
    }
}

impl Validate for TrainSpec {
    fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        let mut check = |ok: bool, path: &str, code: &str, args: &[(&str, String)], message: &str| {
            if !ok {
                errors.push(FieldError::err(path, code, args, message));
            }
        };
        let range = |min: &str, max: &str| [("min", min.to_string()), ("max", max.to_string())];
        check(
            (8..=131_072).contains(&self.seq_len),
            "seq_len",
            "out_of_range",
            &range("8", "131072"),
            "must be between 8 and 131072 tokens",
        );
        check(
            (1..=4096).contains(&self.batch_size),
            "batch_size",
            "out_of_range",
            &range("1", "4096"),
            "must be between 1 and 4096",
        );
        check(
            (1..=4096).contains(&self.grad_accum),
            "grad_accum",
            "out_of_range",
            &range("1", "4096"),
            "must be between 1 and 4096",
        );
        check(
            self.learning_rate.is_finite() && self.learning_rate > 0.0 && self.learning_rate < 1.0,
            "learning_rate",
            "out_of_range_exclusive",
            &range("0", "1"),
            "must be a positive number below 1",
        );
        check(
            (1..=1000).contains(&self.epochs),
            "epochs",
            "out_of_range",
            &range("1", "1000"),
            "must be between 1 and 1000",
        );
        check(
            self.max_steps != Some(0),
            "max_steps",
            "too_small",
            &[("min", "1".into())],
            "must be at least 1 when given",
        );
        check(
            self.weight_decay.is_finite() && (0.0..1.0).contains(&self.weight_decay),
            "weight_decay",
            "out_of_range_max_exclusive",
            &range("0", "1"),
            "must be at least 0 and below 1",
        );
        let (b1, b2) = self.adam_betas;
        check(
            (0.0..1.0).contains(&b1) && (0.0..1.0).contains(&b2),
            "adam_betas",
            "out_of_range_max_exclusive",
            &range("0", "1"),
            "both must be in [0, 1)",
        );
        check(
            self.adam_eps > 0.0 && self.adam_eps < 1.0,
            "adam_eps",
            "out_of_range_exclusive",
            &range("0", "1"),
            "must be a small positive number",
        );
        check(
            self.grad_clip.is_finite() && self.grad_clip >= 0.0,
            "grad_clip",
            "negative",
            &[],
            "must be 0 (off) or positive",
        );
        check(
            (0.0..0.5).contains(&self.validation_fraction),
            "validation_fraction",
            "out_of_range_max_exclusive",
            &range("0", "0.5"),
            "must be at least 0 and below 0.5",
        );
        check(self.save_every >= 1, "save_every", "too_small", &[("min", "1".into())], "must be at least 1");
        if self.method == TuneMethod::Lora {
            let l = &self.lora;
            check(
                (1..=1024).contains(&l.rank),
                "lora.rank",
                "out_of_range",
                &range("1", "1024"),
                "must be between 1 and 1024",
            );
            check(l.alpha.is_finite() && l.alpha > 0.0, "lora.alpha", "not_positive", &[], "must be positive");
            check(
                (0.0..1.0).contains(&l.dropout),
                "lora.dropout",
                "out_of_range_max_exclusive",
                &range("0", "1"),
                "must be at least 0 and below 1",
            );
            check(!l.targets.is_empty(), "lora.targets", "empty", &[], "choose at least one layer to adapt");
            for (i, t) in l.targets.iter().enumerate() {
                if !LORA_TARGETS.contains(&t.as_str()) {
                    errors.push(FieldError::err(
                        format!("lora.targets[{i}]"),
                        "unknown_value",
                        &[("value", t.clone()), ("allowed", LORA_TARGETS.join(", "))],
                        format!("“{t}” is not one of {}", LORA_TARGETS.join(", ")),
                    ));
                }
            }
        }
        errors
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Continuing keeps the method and the adapter's shape; other settings may change.
    #[test]
    fn continue_rule() {
        let lora = TrainSpec::default();
        let mut other = lora.clone();
        other.learning_rate *= 2.0;
        assert!(other.can_continue(&lora).is_ok());
        other.lora.rank += 8;
        assert!(other.can_continue(&lora).is_err());
        let mut full = lora.clone();
        full.method = if lora.method == TuneMethod::Lora { TuneMethod::Full } else { TuneMethod::Lora };
        assert!(full.can_continue(&lora).is_err());
    }

    #[test]
    fn defaults_are_valid_and_mistakes_are_named() {
        assert!(TrainSpec::default().validate().is_empty());
        let mut s = TrainSpec { seq_len: 2, learning_rate: -1.0, ..TrainSpec::default() };
        s.lora.targets = vec!["q_proj".into(), "qproj".into()];
        let paths: Vec<_> = s.validate().into_iter().map(|e| e.path).collect();
        assert_eq!(paths, ["seq_len", "learning_rate", "lora.targets[1]"]);
    }
}
