//! Language mixtures: how much of each language goes into training, the cross-lingual and
//! template augmentations added to it, and the plan that follows from both.
//!
//! [`plan`] is computed from stored per-language aggregates only (never by reading examples), by
//! the builder in the browser on every change and by the server again before it queues anything,
//! so both give the same numbers and the same messages.

use crate::ids::{DatasetId, JobId, MixtureId, VersionId, WorkspaceId};
use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::datasets::{Example, TurnRole};
use crate::lang;
use crate::problem::FieldError;
use crate::validate::{self, Validate};

/// How the share of each language is chosen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Shares {
    /// Everything in the chosen versions, as it is.
    Natural,
    /// A percentage per language (they must add up to 100) of a mixture of `total` examples.
    /// Languages not named get none.
    Percent { percent: BTreeMap<String, f64>, total: u64 },
    /// An absolute budget per language, in examples or tokens. Languages not named get none.
    Budgets { unit: BudgetUnit, amounts: BTreeMap<String, u64> },
    /// Temperature sampling over the natural distribution: each language's share is proportional
    /// to its size to the power `alpha` (0 = every language equal, 1 = as found).
    Temperature {
        alpha: f64,
        /// Size of the mixture in examples; all available examples when absent.
        #[serde(default)]
        total: Option<u64>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum BudgetUnit {
    Examples,
    Tokens,
}

/// What kind of augmentation a template makes (for grouping and defaults; the template decides).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AugmentKind {
    /// Translate aligned sentences from one language into another.
    Translation,
    /// The instruction in one language, the answer required in another.
    CrossLingual,
    /// Answer first in a pivot language, then in the language asked.
    Pivot,
    /// Translate the question into a pivot language, then answer it there.
    TranslateThenAnswer,
    /// Labeled data (topics, multiple choice) turned into instructions, Flan style.
    Labeled,
}

impl AugmentKind {
    pub fn label(self) -> &'static str {
        match self {
            AugmentKind::Translation => "Translation",
            AugmentKind::CrossLingual => "Answer in another language",
            AugmentKind::Pivot => "Pivot-language answer",
            AugmentKind::TranslateThenAnswer => "Translate, then answer",
            AugmentKind::Labeled => "Labeled data as instructions",
        }
    }
}

/// A template that turns aligned examples (one per role) into a new instruction and answer.
///
/// Templates are Jinja (minijinja). Each role is a variable with `text` (all turns), `instruction`
/// (user turns), `response` (assistant turns), `language` (code), `language_name` (English),
/// `native_name`, `id` and `meta` (the example's metadata, e.g. `meta.category`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AugmentTemplate {
    /// The stored template this came from (`builtin:…` or a workspace template id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub name: String,
    pub kind: AugmentKind,
    /// The language the template's own words are written in.
    pub language: String,
    /// The inputs it reads, aligned line by line (e.g. `source`, `target`).
    pub roles: Vec<String>,
    /// The role whose language the new example is in.
    pub answer_role: String,
    pub user: String,
    pub assistant: String,
}

impl Validate for AugmentTemplate {
    fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        validate::name("name", &self.name, &mut errors);
        if lang::parse(&self.language).is_none() {
            errors.push(FieldError::err(
                "language",
                "unknown_language",
                &[("value", self.language.clone())],
                format!("“{}” is not a language code or name", self.language),
            ));
        }
        if self.roles.is_empty() || self.roles.len() > 4 {
            errors.push(FieldError::err(
                "roles",
                "count_out_of_range",
                &[("min", "1".into()), ("max", "4".into())],
                "name one to four inputs",
            ));
        }
        let mut seen = BTreeSet::new();
        for (i, r) in self.roles.iter().enumerate() {
            let ok = !r.is_empty()
                && r.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                && r.starts_with(|c: char| c.is_ascii_lowercase());
            if !ok {
                errors.push(FieldError::err(
                    format!("roles[{i}]"),
                    "not_an_identifier",
                    &[],
                    "use lowercase letters, digits and _ (starting with a letter)",
                ));
            } else if !seen.insert(r.as_str()) {
                errors.push(FieldError::err(
                    format!("roles[{i}]"),
                    "duplicate",
                    &[("value", r.clone())],
                    format!("“{r}” is named twice"),
                ));
            }
        }
        if !self.roles.contains(&self.answer_role) {
            errors.push(FieldError::err(
                "answer_role",
                "unknown_value",
                &[("value", self.answer_role.clone()), ("allowed", self.roles.join(", "))],
                "must be one of the roles",
            ));
        }
        for (field, source) in [("user", &self.user), ("assistant", &self.assistant)] {
            if source.trim().is_empty() {
                errors.push(validate::empty(field));
                continue;
            }
            match template_env().template_from_str(source) {
                Err(e) => errors.push(FieldError::err(
                    field,
                    "invalid_template",
                    &[("detail", e.detail().unwrap_or("syntax error").to_string())],
                    format!("is not a valid template: {}", e.detail().unwrap_or("syntax error")),
                )),
                Ok(t) => {
                    for v in t.undeclared_variables(false) {
                        if !self.roles.contains(&v) {
                            errors.push(FieldError::err(
                                field,
                                "unknown_template_variable",
                                &[("value", v.to_string()), ("allowed", self.roles.join(", "))],
                                format!("uses “{v}”, which is not one of the roles ({})", self.roles.join(", ")),
                            ));
                        }
                    }
                }
            }
        }
        errors
    }
}

/// One augmentation of a mixture: a template and the dataset version each of its roles reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Augmentation {
    /// Copied into the mixture, so the recipe stays exact when the stored template changes.
    pub template: AugmentTemplate,
    /// Role → dataset version id. The versions must have the same number of examples (aligned).
    pub inputs: BTreeMap<String, String>,
    /// Worked examples put before each instruction (0 = zero-shot).
    #[serde(default)]
    pub shots: usize,
    /// At most this many new examples (drawn evenly); all aligned rows when absent.
    #[serde(default)]
    pub limit: Option<u64>,
}

impl Validate for Augmentation {
    fn validate(&self) -> Vec<FieldError> {
        let mut errors: Vec<FieldError> = self.template.validate().into_iter().map(|e| e.under("template")).collect();
        for role in &self.template.roles {
            if !self.inputs.contains_key(role) {
                errors.push(validate::required(format!("inputs.{role}"), "choose a dataset version for this input"));
            }
        }
        errors
    }
}

/// A mixture recipe: which versions, how much of each language, which augmentations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MixtureSpec {
    /// Dataset version ids whose examples are drawn from.
    pub sources: Vec<String>,
    pub shares: Shares,
    /// At most this many training examples of a language.
    #[serde(default)]
    pub caps: BTreeMap<String, u64>,
    /// Allow asking for more examples of a language than there are: every example is repeated
    /// ⌊asked / available⌋ times and the rest drawn without replacement.
    #[serde(default)]
    pub oversample: bool,
    #[serde(default)]
    pub seed: u64,
    #[serde(default)]
    pub augmentations: Vec<Augmentation>,
    /// Share of each language's examples held out for validation (stratified by language).
    #[serde(default = "default_validation_fraction")]
    pub validation_fraction: f64,
    /// At most this many validation examples per language.
    #[serde(default = "default_validation_max")]
    pub validation_max_per_language: u64,
    /// Leave out examples found in a registered evaluation set (they are reported either way).
    #[serde(default = "yes")]
    pub drop_contaminated: bool,
}

fn default_validation_fraction() -> f64 {
    0.05
}
fn default_validation_max() -> u64 {
    200
}
fn yes() -> bool {
    true
}

impl Default for MixtureSpec {
    fn default() -> Self {
        MixtureSpec {
            sources: Vec::new(),
            shares: Shares::Natural,
            caps: BTreeMap::new(),
            oversample: false,
            seed: 0,
            augmentations: Vec::new(),
            validation_fraction: default_validation_fraction(),
            validation_max_per_language: default_validation_max(),
            drop_contaminated: true,
        }
    }
}

/// Create (and materialize) a mixture.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateMixture {
    pub name: String,
    pub spec: MixtureSpec,
}

/// What one language has in one version (from its profile).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LanguageCount {
    pub language: String,
    pub examples: u64,
    /// Tokens counted by the profile's tokenizer (0 when none was used).
    pub tokens: u64,
}

/// A dataset version as the builder sees it: its per-language aggregates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SourceFacts {
    pub version_id: VersionId,
    pub dataset_id: DatasetId,
    pub dataset_name: String,
    pub number: i64,
    pub examples: u64,
    /// Per language, most examples first; empty until the version is profiled.
    pub languages: Vec<LanguageCount>,
    pub profiled: bool,
    /// The tokenizer its token counts come from (`None`: the profile counted no tokens).
    pub tokenizer: Option<String>,
    /// Registered as an evaluation set (never trained on; checked for contamination).
    pub evaluation: bool,
}

impl SourceFacts {
    /// The language most of its examples are in.
    pub fn main_language(&self) -> Option<&str> {
        self.languages.first().map(|l| l.language.as_str())
    }
}

/// Everything the builder needs in one answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MixtureCatalog {
    pub sources: Vec<SourceFacts>,
    pub templates: Vec<AugmentTemplate>,
}

/// The most training examples a mixture may hold (repeats included).
pub const MAX_MIXTURE_EXAMPLES: u64 = 100_000_000;

mod plan;
mod templates;

pub use plan::*;
pub use templates::*;

impl Validate for CreateMixture {
    fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        validate::name("name", &self.name, &mut errors);
        errors
    }
}

// ---------------------------------------------------------------------------------------------
// Materialized mixtures.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MixtureState {
    Materializing,
    Ready,
    Failed,
}

/// What materializing found and made, per language.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MixtureReport {
    /// Per language: training examples written (repeats included), repeats, augmented, validation.
    pub languages: BTreeMap<String, MixtureLanguageReport>,
    pub train_examples: u64,
    pub validation_examples: u64,
    /// Examples of the chosen versions (and augmented rows) whose text, or an aligned translation
    /// of it, is in an evaluation set; left out, or kept with `meta.contaminated` naming the set.
    pub contaminated: u64,
    /// A few of them: `version:example id` and the evaluation set it was found in.
    pub contaminated_examples: Vec<String>,
    pub seconds: f64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MixtureLanguageReport {
    pub examples: u64,
    pub repeats: u64,
    pub augmented: u64,
    pub validation: u64,
    pub contaminated: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Mixture {
    pub id: MixtureId,
    pub workspace_id: WorkspaceId,
    pub name: String,
    pub spec: MixtureSpec,
    pub plan: MixturePlan,
    pub state: MixtureState,
    pub job_id: JobId,
    /// The dataset version holding the training examples, once materialized.
    pub version_id: Option<VersionId>,
    /// The dataset version holding the validation examples, once materialized.
    pub validation_version_id: Option<VersionId>,
    pub report: Option<MixtureReport>,
    pub created_at: i64,
}

/// The first few examples an augmentation makes, as the builder previews them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AugmentPreview {
    pub examples: Vec<Example>,
    /// How many examples it makes in all.
    pub total: u64,
}

/// Count the tokens of dataset versions with a model's tokenizer (profiles them again with it).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CountTokens {
    pub version_ids: Vec<VersionId>,
}

impl Validate for CountTokens {
    fn validate(&self) -> Vec<FieldError> {
        if self.version_ids.is_empty() || self.version_ids.len() > 100 {
            vec![FieldError::err(
                "version_ids",
                "count_out_of_range",
                &[("min", "1".into()), ("max", "100".into())],
                "name one to 100 dataset versions",
            )]
        } else {
            Vec::new()
        }
    }
}

/// The profiles counting tokens, and the tokenizer they count with (the SHA-256 of the model's
/// tokenizer.json, as [`SourceFacts::tokenizer`] names it once they finish).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenCounting {
    pub tokenizer: String,
    /// Profile job ids, one per version not yet counted with this tokenizer.
    pub jobs: Vec<JobId>,
}

/// Register a dataset version as an evaluation set.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RegisterEvaluationSet {
    pub version_id: VersionId,
}

impl Validate for RegisterEvaluationSet {
    fn validate(&self) -> Vec<FieldError> {
        if self.version_id.trim().is_empty() {
            vec![validate::required("version_id", "choose a dataset version")]
        } else {
            Vec::new()
        }
    }
}

#[cfg(test)]
mod tests;
