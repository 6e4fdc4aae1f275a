//! Evaluation per language: the task catalog, what a person asks to evaluate, the scores (with
//! their spread), the items behind them, and the comparison of a tuned model with its base.

use crate::ids::{EvaluationId, JobId, ModelId, RunId};
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::jobs::JobState;
use crate::problem::FieldError;
use crate::validate::{self, Validate};

/// How a task scores a model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EvalTaskKind {
    /// Each choice's log-likelihood after the prompt; the most likely choice is the answer.
    MultipleChoice,
    /// Greedy decoding, then the answer is extracted from the text.
    Generation,
    /// Greedy decoding; the answer's language is identified and compared with the prompt's.
    Fidelity,
}

/// A metric: its code, what it means, and whether it is the one a table shows first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EvalMetric {
    pub code: String,
    pub about: String,
}

/// A task the studio can evaluate on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EvalTask {
    pub id: String,
    pub name: String,
    pub kind: EvalTaskKind,
    /// Changes whenever its items, prompt template or scoring change: scores of different
    /// versions are never compared.
    pub version: u32,
    pub about: String,
    /// Canonical language codes with the number of items in each.
    pub languages: BTreeMap<String, usize>,
    /// The metrics it reports; the first is the headline.
    pub metrics: Vec<EvalMetric>,
    /// Items per language in the quick preset.
    pub quick_limit: usize,
    /// Tokens generated per item (0 for multiple choice), quick and full.
    pub max_new_tokens: usize,
    #[serde(default)]
    pub full_max_new_tokens: usize,
    /// Choices per item (the most any item has; 0 for generation).
    #[serde(default)]
    pub choices: usize,
    /// Whether prompts go through the model's chat template.
    #[serde(default)]
    pub chat_template: bool,
    /// Where its data comes from, and its license.
    pub source: String,
    /// Made from a file uploaded to this workspace (not built in).
    #[serde(default)]
    pub from_file: bool,
}

/// How much to evaluate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EvalPreset {
    /// A few items per language (at most 50): minutes, for a first look.
    #[default]
    Quick,
    /// Every item.
    Full,
}

/// Evaluate a base model, or a run's checkpoint of it (and, with `with_base`, its base too).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateEvaluation {
    pub model_id: ModelId,
    #[serde(default)]
    pub run_id: Option<RunId>,
    /// The run's checkpoint at this step; its newest when absent.
    #[serde(default)]
    pub checkpoint_step: Option<i64>,
    #[serde(default)]
    pub preset: EvalPreset,
    /// Task ids; empty: every built-in task.
    #[serde(default)]
    pub tasks: Vec<String>,
    /// Canonical language codes; empty: every language each task has.
    #[serde(default)]
    pub languages: Vec<String>,
    /// Items per language, overriding the preset (1 – 10,000).
    #[serde(default)]
    pub limit: Option<usize>,
    /// Also evaluate the base model with the same settings (reusing an earlier evaluation of it
    /// when one with the same settings exists), as the reference row.
    #[serde(default)]
    pub with_base: bool,
}

impl Validate for CreateEvaluation {
    fn validate(&self) -> Vec<FieldError> {
        let mut e = Vec::new();
        if self.model_id.trim().is_empty() {
            e.push(validate::required("model_id", "choose the model to evaluate"));
        }
        if self.run_id.is_none() && self.checkpoint_step.is_some() {
            e.push(FieldError::err(
                "checkpoint_step",
                "checkpoint_needs_run",
                &[],
                "a checkpoint belongs to a run: choose the run too",
            ));
        }
        if self.run_id.is_none() && self.with_base {
            e.push(FieldError::err(
                "with_base",
                "base_needs_run",
                &[],
                "the base model is the one being evaluated: choose a run to compare",
            ));
        }
        if let Some(l) = self.limit
            && !(1..=10_000).contains(&l)
        {
            e.push(FieldError::err(
                "limit",
                "out_of_range",
                &[("min", "1".into()), ("max", "10000".into())],
                "items per language must be between 1 and 10,000",
            ));
        }
        for (i, t) in self.tasks.iter().enumerate() {
            if t.trim().is_empty() {
                e.push(validate::empty(format!("tasks[{i}]")));
            }
        }
        for (i, l) in self.languages.iter().enumerate() {
            if crate::lang::parse(l).is_none() {
                e.push(FieldError::err(
                    format!("languages[{i}]"),
                    "unknown_language",
                    &[("value", l.clone())],
                    format!("'{l}' is not a language code"),
                ));
            }
        }
        e
    }
}

/// One task of an evaluation, as it was run: everything that changes the scores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EvalTaskRun {
    pub task: String,
    pub version: u32,
    pub languages: Vec<String>,
    /// Items per language (None: all).
    pub limit: Option<usize>,
    /// Examples shown before each item (0: zero-shot).
    pub shots: usize,
    /// Whether prompts go through the model's chat template.
    pub chat_template: bool,
    pub max_new_tokens: usize,
}

/// What an evaluation runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EvalSpec {
    pub preset: EvalPreset,
    pub tasks: Vec<EvalTaskRun>,
    /// Items in all, and the estimated time on this server's CPU.
    pub items: usize,
    pub estimated_seconds: f64,
}

/// One evaluation of one model (or run checkpoint).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Evaluation {
    pub id: EvaluationId,
    pub model_id: ModelId,
    pub run_id: Option<RunId>,
    pub checkpoint_step: Option<i64>,
    /// "SmolLM2 (base)" or "run name · step 40".
    pub label: String,
    pub spec: EvalSpec,
    /// Same fingerprint: same model, checkpoint, tasks, versions, templates and decoding.
    pub fingerprint: String,
    pub job_id: JobId,
    pub state: JobState,
    pub progress: f64,
    pub created_at: i64,
}

/// What `POST /evaluations` started: the evaluation, and its base's (new or reused).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EvaluationStarted {
    pub evaluation: Evaluation,
    pub base: Option<Evaluation>,
    /// Whether the base's evaluation is an earlier one with the same settings (nothing rerun).
    pub base_reused: bool,
}

/// A score of one language on one task and metric, with its 95 % interval (Wilson's, for the
/// proportions every metric here is).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EvalScore {
    pub task: String,
    pub language: String,
    pub metric: String,
    pub n: usize,
    pub value: f64,
    pub lo: f64,
    pub hi: f64,
}

/// A task's metric averaged over languages (each language weighs the same).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MacroScore {
    pub task: String,
    pub metric: String,
    pub languages: usize,
    pub value: f64,
    /// Whether English is among the languages averaged.
    pub includes_english: bool,
    /// The same average without English (None when English is the only language or absent).
    pub without_english: Option<f64>,
}

/// Which answer languages a fidelity task saw instead of the prompt's, per prompt language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Confusion {
    pub task: String,
    pub language: String,
    /// Detected language of the answers (`und`: not identified) → number of answers.
    pub answered_in: BTreeMap<String, usize>,
}

/// An evaluation with its stored aggregates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EvalResults {
    pub evaluation: Evaluation,
    pub scores: Vec<EvalScore>,
    pub macro_scores: Vec<MacroScore>,
    pub confusion: Vec<Confusion>,
}

/// One scored item: what the model was asked, what it answered, and its scores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EvalItem {
    pub task: String,
    pub language: String,
    pub item_id: String,
    pub prompt: String,
    /// The model's answer: generated text, or the chosen choice.
    pub output: String,
    /// The expected answer, where the task has one.
    pub gold: Option<String>,
    /// Per choice: its text and log-likelihood (multiple choice only).
    #[serde(default)]
    pub choices: Vec<ChoiceScore>,
    /// Metric code → 0 or 1.
    pub metrics: BTreeMap<String, f64>,
    /// The language the answer was identified as (generation tasks).
    pub answered_in: Option<String>,
    /// Whether the prompt's language is written right to left.
    pub rtl: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChoiceScore {
    pub text: String,
    pub logprob: f64,
    pub tokens: usize,
}

/// Items of an evaluation, a page at a time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EvalItemPage {
    pub items: Vec<EvalItem>,
    pub total: usize,
}

/// Whether a difference between tuned and base is beyond noise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Gain,
    Regression,
    WithinNoise,
}

/// Tuned minus base on one task, language and metric, over the items both answered, with an
/// exact McNemar test on the items that changed (Holm-corrected across the table).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ForgettingCell {
    pub task: String,
    pub language: String,
    pub metric: String,
    /// Items both evaluations scored.
    pub n: usize,
    pub base: f64,
    pub tuned: f64,
    pub delta: f64,
    /// Items the tuned model got right and the base wrong, and the other way round.
    pub gained: usize,
    pub lost: usize,
    pub p_value: f64,
    /// After Holm's correction across every cell of the table.
    pub p_adjusted: f64,
    pub verdict: Verdict,
}

/// The forgetting matrix of a tuned model against its base.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EvalComparison {
    pub base: Evaluation,
    pub tuned: Evaluation,
    pub cells: Vec<ForgettingCell>,
    /// Significance level after correction.
    pub alpha: f64,
}
