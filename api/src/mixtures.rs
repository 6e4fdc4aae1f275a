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

/// The plan for one language.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LanguagePlan {
    pub language: String,
    /// Examples of this language in the chosen versions.
    pub available: u64,
    /// Held out for validation.
    pub validation: u64,
    /// Training examples drawn from the data (repeats included).
    pub examples: u64,
    /// Of `examples`, how many are repeats of an example already drawn.
    pub repeats: u64,
    /// Training examples made by augmentations, in this language.
    pub augmented: u64,
    /// Estimated training tokens (data and augmentations), from the profiles' averages.
    pub tokens: u64,
    /// Share of the training examples, 0–1.
    pub share: f64,
    /// Share of the training tokens, 0–1.
    pub token_share: f64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MixturePlan {
    /// Most training examples first.
    pub languages: Vec<LanguagePlan>,
    pub examples: u64,
    pub tokens: u64,
    pub validation: u64,
    /// Things worth knowing that are not errors.
    pub notes: Vec<PlanNote>,
}

/// Something worth knowing about a plan, as a code with its arguments (a client words it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum PlanNote {
    /// `examples` training examples are drawn more than once (over-sampling).
    Repeats { examples: u64 },
    /// Some chosen versions were profiled without a tokenizer: their token counts are unknown.
    TokensUnknown,
    /// A note in words, as plans stored by earlier versions have them.
    #[serde(untagged)]
    Text(String),
}

impl PlanNote {
    /// The note in English (the API's own wording; the app words notes from their codes).
    pub fn english(&self) -> String {
        match self {
            PlanNote::Repeats { examples } => format!("{examples} examples are repeats (over-sampling)"),
            PlanNote::TokensUnknown => {
                "some versions were profiled without a tokenizer: their token counts are unknown".into()
            }
            PlanNote::Text(t) => t.clone(),
        }
    }
}

impl MixturePlan {
    pub fn language(&self, code: &str) -> Option<&LanguagePlan> {
        self.languages.iter().find(|l| l.language == code)
    }
}

fn facts<'a>(sources: &'a [SourceFacts], id: &str) -> Option<&'a SourceFacts> {
    sources.iter().find(|s| s.version_id == id)
}

/// Validation held out of `available` examples of one language.
pub fn validation_count(available: u64, fraction: f64, max: u64) -> u64 {
    if available < 2 {
        return 0;
    }
    let v = (available as f64 * fraction).round() as u64;
    v.min(max).min(available - 1)
}

/// Checks a mixture against the versions it names and works out how much of each language it
/// holds. Every problem is returned with its path in the spec.
pub fn plan(spec: &MixtureSpec, catalog: &[SourceFacts]) -> Result<MixturePlan, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut err = |path: String, code: &str, args: &[(&str, String)], msg: String| {
        errors.push(FieldError::err(path, code, args, msg))
    };
    if spec.sources.is_empty() && spec.augmentations.is_empty() {
        err("sources".into(), "no_sources", &[], "choose at least one dataset version (or add an augmentation)".into());
    }
    // Per language: available examples and tokens over all sources.
    let mut avail: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    let mut seen = BTreeSet::new();
    for (i, id) in spec.sources.iter().enumerate() {
        let path = format!("sources[{i}]");
        match facts(catalog, id) {
            None => err(path, "version_not_found", &[], "this dataset version is not in the workspace".into()),
            Some(_) if !seen.insert(id.as_str()) => {
                err(path, "duplicate", &[("value", id.to_string())], "this version is chosen twice".into())
            }
            Some(f) if f.evaluation => err(
                path,
                "is_evaluation_set",
                &[("dataset", f.dataset_name.clone()), ("version", f.number.to_string())],
                format!("{} v{} is registered as an evaluation set; it cannot be trained on", f.dataset_name, f.number),
            ),
            Some(f) if !f.profiled => err(
                path,
                "not_profiled",
                &[("dataset", f.dataset_name.clone()), ("version", f.number.to_string())],
                format!("{} v{} has no finished profile yet (its languages are not known)", f.dataset_name, f.number),
            ),
            Some(f) => {
                for l in &f.languages {
                    let e = avail.entry(l.language.clone()).or_default();
                    e.0 += l.examples;
                    e.1 += l.tokens;
                }
            }
        }
    }
    if !(0.0..0.5).contains(&spec.validation_fraction) || spec.validation_fraction.is_nan() {
        err(
            "validation_fraction".into(),
            "out_of_range_max_exclusive",
            &[("min", "0".into()), ("max", "0.5".into())],
            "must be at least 0 and below 0.5".into(),
        );
    }
    let known = avail.keys().cloned().collect::<Vec<_>>().join(", ");
    let check_language = |path: String, code: &str, errors: &mut Vec<FieldError>| -> bool {
        if avail.contains_key(code) {
            return true;
        }
        let msg = if known.is_empty() {
            format!("“{code}” is not in the chosen datasets")
        } else {
            format!("“{code}” is not in the chosen datasets (they have {known})")
        };
        errors.push(FieldError::err(
            path,
            "language_not_in_sources",
            &[("value", code.to_string()), ("available", known.clone())],
            msg,
        ));
        false
    };
    // Training pool per language after the validation split.
    let pool: BTreeMap<&str, u64> = avail
        .iter()
        .map(|(l, (n, _))| {
            (l.as_str(), n - validation_count(*n, spec.validation_fraction, spec.validation_max_per_language))
        })
        .collect();
    let pool_total: u64 = pool.values().sum();
    let mut asked: BTreeMap<String, u64> = BTreeMap::new();
    match &spec.shares {
        Shares::Natural => {
            for (l, n) in &pool {
                asked.insert(l.to_string(), *n);
            }
        }
        Shares::Percent { percent, total } => {
            if *total == 0 {
                errors.push(FieldError::err(
                    "shares.total",
                    "too_small",
                    &[("min", "1".into())],
                    "must be at least 1 example",
                ));
            }
            let mut sum = 0.0;
            for (l, p) in percent {
                let path = format!("shares.percent.{l}");
                if !p.is_finite() || *p < 0.0 {
                    errors.push(FieldError::err(path, "negative", &[], "must be a percentage of 0 or more"));
                    continue;
                }
                sum += p;
                if check_language(path, l, &mut errors) {
                    asked.insert(l.clone(), (*total as f64 * p / 100.0).round() as u64);
                }
            }
            if percent.is_empty() {
                errors.push(FieldError::err("shares.percent", "empty", &[], "give at least one language a share"));
            } else if (sum - 100.0).abs() > 0.5 {
                let sum = (sum * 10.0).round() / 10.0;
                errors.push(FieldError::err(
                    "shares.percent",
                    "shares_not_100",
                    &[("sum", sum.to_string())],
                    format!("the shares add up to {sum}%, not 100%"),
                ));
            }
        }
        Shares::Budgets { unit, amounts } => {
            if amounts.is_empty() {
                errors.push(FieldError::err("shares.amounts", "empty", &[], "give at least one language a budget"));
            }
            for (l, a) in amounts {
                let path = format!("shares.amounts.{l}");
                if !check_language(path.clone(), l, &mut errors) {
                    continue;
                }
                let (n, tokens) = avail[l];
                let k = match unit {
                    BudgetUnit::Examples => *a,
                    BudgetUnit::Tokens if tokens == 0 => {
                        errors.push(FieldError::err(
                            path,
                            "tokens_not_counted",
                            &[("language", l.clone())],
                            "no tokens were counted for this language; profile its dataset with a tokenizer or budget examples",
                        ));
                        continue;
                    }
                    BudgetUnit::Tokens => (*a as f64 / (tokens as f64 / n.max(1) as f64)).ceil() as u64,
                };
                asked.insert(l.clone(), k);
            }
        }
        Shares::Temperature { alpha, total } => {
            if !(0.0..=1.0).contains(alpha) {
                errors.push(FieldError::err(
                    "shares.alpha",
                    "out_of_range",
                    &[("min", "0".into()), ("max", "1".into())],
                    "must be between 0 (uniform) and 1 (natural)",
                ));
            } else {
                let total = total.unwrap_or(pool_total);
                if total == 0 {
                    errors.push(FieldError::err(
                        "shares.total",
                        "too_small",
                        &[("min", "1".into())],
                        "must be at least 1 example",
                    ));
                }
                let weights: Vec<(&str, f64)> =
                    pool.iter().filter(|(_, n)| **n > 0).map(|(l, n)| (*l, (*n as f64).powf(*alpha))).collect();
                let z: f64 = weights.iter().map(|(_, w)| w).sum();
                for (l, w) in weights {
                    asked.insert(l.to_string(), (total as f64 * w / z).round() as u64);
                }
            }
        }
    }
    for (l, cap) in &spec.caps {
        let path = format!("caps.{l}");
        if check_language(path, l, &mut errors)
            && let Some(k) = asked.get_mut(l)
        {
            *k = (*k).min(*cap);
        }
    }
    let asked_total = asked.values().fold(0u64, |a, k| a.saturating_add(*k));
    if asked_total > MAX_MIXTURE_EXAMPLES {
        errors.push(FieldError::err(
            "shares",
            "too_many_examples",
            &[("asked", asked_total.to_string()), ("max", MAX_MIXTURE_EXAMPLES.to_string())],
            format!("{asked_total} examples asked; a mixture holds at most {MAX_MIXTURE_EXAMPLES}"),
        ));
        return Err(errors);
    }
    let mut plan = MixturePlan::default();
    for (l, k) in &asked {
        let m = pool[l.as_str()];
        if *k > m && !spec.oversample {
            let path = match &spec.shares {
                Shares::Percent { .. } => format!("shares.percent.{l}"),
                Shares::Budgets { .. } => format!("shares.amounts.{l}"),
                _ => "shares".to_string(),
            };
            errors.push(FieldError::err(
                path,
                "not_enough_examples",
                &[("language", l.clone()), ("asked", k.to_string()), ("available", m.to_string())],
                format!(
                    "{l}: {k} examples asked, {m} available for training; allow over-sampling (repeats) or ask for fewer"
                ),
            ));
        }
        if *k > 0 && m == 0 {
            errors.push(FieldError::err(
                "shares",
                "no_training_examples",
                &[("language", l.clone())],
                format!("{l}: no examples are left for training"),
            ));
        }
    }
    // Augmentations.
    let mut augmented: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for (i, a) in spec.augmentations.iter().enumerate() {
        let path = format!("augmentations[{i}]");
        for e in a.template.validate() {
            errors.push(e.under(&format!("{path}.template")));
        }
        if a.shots > 8 {
            errors.push(FieldError::err(
                format!("{path}.shots"),
                "too_large",
                &[("max", "8".into())],
                "use at most 8 worked examples",
            ));
        }
        if a.limit == Some(0) {
            errors.push(FieldError::err(
                format!("{path}.limit"),
                "too_small",
                &[("min", "1".into())],
                "must be at least 1 when given",
            ));
        }
        let mut rows: Option<(u64, String)> = None;
        let mut answer: Option<&SourceFacts> = None;
        for role in &a.template.roles {
            let rpath = format!("{path}.inputs.{role}");
            let Some(id) = a.inputs.get(role) else {
                errors.push(validate::required(rpath, "choose a dataset version for this input"));
                continue;
            };
            let Some(f) = facts(catalog, id) else {
                errors.push(FieldError::err(
                    rpath,
                    "version_not_found",
                    &[],
                    "this dataset version is not in the workspace",
                ));
                continue;
            };
            if f.evaluation {
                errors.push(FieldError::err(
                    rpath.clone(),
                    "is_evaluation_set",
                    &[("dataset", f.dataset_name.clone()), ("version", f.number.to_string())],
                    "an evaluation set cannot feed training data",
                ));
            }
            match &rows {
                Some((n, who)) if *n != f.examples => errors.push(FieldError::err(
                    rpath.clone(),
                    "inputs_not_aligned",
                    &[
                        ("dataset", f.dataset_name.clone()),
                        ("version", f.number.to_string()),
                        ("examples", f.examples.to_string()),
                        ("other", who.clone()),
                        ("other_examples", n.to_string()),
                    ],
                    format!(
                        "the inputs are not aligned: {} v{} has {} examples, {who} has {n}",
                        f.dataset_name, f.number, f.examples
                    ),
                )),
                Some(_) => {}
                None => rows = Some((f.examples, format!("{} v{}", f.dataset_name, f.number))),
            }
            if *role == a.template.answer_role {
                answer = Some(f);
            }
        }
        for name in a.inputs.keys() {
            if !a.template.roles.contains(name) {
                errors.push(FieldError::err(
                    format!("{path}.inputs.{name}"),
                    "unknown_value",
                    &[("value", name.clone()), ("allowed", a.template.roles.join(", "))],
                    "the template has no such input",
                ));
            }
        }
        if let Some((n, _)) = &rows
            && a.shots as u64 >= *n
        {
            errors.push(FieldError::err(
                format!("{path}.shots"),
                "not_enough_rows",
                &[("shots", a.shots.to_string()), ("rows", n.to_string())],
                format!("{} worked examples need more than {n} aligned rows", a.shots),
            ));
        }
        if let (Some((n, _)), Some(f)) = (rows, answer) {
            let Some(language) = f.main_language() else {
                errors.push(FieldError::err(
                    format!("{path}.inputs.{}", a.template.answer_role),
                    "not_profiled",
                    &[("dataset", f.dataset_name.clone()), ("version", f.number.to_string())],
                    format!("{} v{} has no finished profile yet (its language is not known)", f.dataset_name, f.number),
                ));
                continue;
            };
            let k = a.limit.map_or(n, |l| l.min(n));
            let per = f.languages.first().map_or(0, |l| l.tokens / l.examples.max(1));
            let e = augmented.entry(language.to_string()).or_default();
            e.0 += k;
            // Prompt and answer of aligned rows plus the shots: a rough estimate.
            e.1 = e.1.saturating_add(k.saturating_mul(per).saturating_mul(2 + a.shots as u64));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let languages: BTreeSet<&String> = asked.keys().chain(augmented.keys()).collect();
    for l in languages {
        let (n, tokens) = avail.get(l).copied().unwrap_or((0, 0));
        let m = pool.get(l.as_str()).copied().unwrap_or(0);
        let k = asked.get(l).copied().unwrap_or(0);
        let (aug, aug_tokens) = augmented.get(l).copied().unwrap_or((0, 0));
        let per = if n > 0 { tokens as f64 / n as f64 } else { 0.0 };
        plan.languages.push(LanguagePlan {
            language: l.clone(),
            available: n,
            validation: n - m,
            examples: k,
            repeats: k.saturating_sub(m),
            augmented: aug,
            tokens: (k as f64 * per).round() as u64 + aug_tokens,
            share: 0.0,
            token_share: 0.0,
        });
    }
    plan.languages.retain(|l| l.examples + l.augmented > 0);
    plan.examples = plan.languages.iter().map(|l| l.examples + l.augmented).sum();
    plan.tokens = plan.languages.iter().map(|l| l.tokens).sum();
    plan.validation = plan.languages.iter().map(|l| l.validation).sum();
    for l in &mut plan.languages {
        l.share = (l.examples + l.augmented) as f64 / plan.examples.max(1) as f64;
        l.token_share = l.tokens as f64 / plan.tokens.max(1) as f64;
    }
    plan.languages
        .sort_by(|a, b| (b.examples + b.augmented).cmp(&(a.examples + a.augmented)).then(a.language.cmp(&b.language)));
    if plan.examples == 0 {
        return Err(vec![FieldError::err("shares", "mixture_empty", &[], "the mixture would be empty")]);
    }
    let repeats: u64 = plan.languages.iter().map(|l| l.repeats).sum();
    if repeats > 0 {
        plan.notes.push(PlanNote::Repeats { examples: repeats });
    }
    if plan.languages.iter().any(|l| l.tokens == 0 && l.examples > 0) {
        plan.notes.push(PlanNote::TokensUnknown);
    }
    Ok(plan)
}

impl Validate for CreateMixture {
    fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        validate::name("name", &self.name, &mut errors);
        errors
    }
}

/// "English plus a pinch": all of `base` (e.g. English) and `n` examples of each other language.
pub fn pinch(base: &str, others: &[String], n: u64, catalog_languages: &BTreeMap<String, u64>) -> Shares {
    let mut amounts = BTreeMap::new();
    if let Some(all) = catalog_languages.get(base) {
        amounts.insert(base.to_string(), *all);
    }
    for l in others {
        if l != base {
            amounts.insert(l.clone(), n);
        }
    }
    Shares::Budgets { unit: BudgetUnit::Examples, amounts }
}

// ---------------------------------------------------------------------------------------------
// Templates.

/// The most training examples a mixture may hold (repeats included).
pub const MAX_MIXTURE_EXAMPLES: u64 = 100_000_000;

fn template_env() -> minijinja::Environment<'static> {
    let mut env = minijinja::Environment::new();
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    // A template is user input: bound the work one rendering may do (loops included).
    env.set_fuel(Some(200_000));
    // Block tags take their newline with them, as in Hugging Face's chat templates.
    let syntax =
        minijinja::syntax::SyntaxConfig::builder().trim_blocks(true).build().expect("the default syntax is valid");
    env.set_syntax(syntax);
    env
}

/// The variables a role offers a template.
fn role_value(e: &Example, language: &str) -> serde_json::Value {
    let tag = lang::parse(language);
    let (name, native) = tag
        .as_ref()
        .and_then(|t| t.language())
        .map(|l| (l.english.to_string(), l.native.to_string()))
        .unwrap_or_else(|| (language.to_string(), language.to_string()));
    let join = |f: &dyn Fn(TurnRole) -> bool| {
        e.turns.iter().filter(|t| f(t.role)).map(|t| t.text.as_str()).collect::<Vec<_>>().join("\n")
    };
    serde_json::json!({
        "id": e.id,
        "text": join(&|_| true),
        "instruction": join(&|r| r != TurnRole::Assistant),
        "response": join(&|r| r == TurnRole::Assistant),
        "language": language,
        "language_name": name,
        "native_name": native,
        "meta": e.meta,
    })
}

/// One aligned row: each role's example and its language.
pub type AlignedRow<'a> = Vec<(&'a str, &'a Example, &'a str)>;

/// Renders one new example from an aligned row, with `shots` worked examples (other aligned rows)
/// before the instruction. Errors name the template part and what is missing.
pub fn render_augmented(
    t: &AugmentTemplate,
    row: &AlignedRow<'_>,
    shots: &[AlignedRow<'_>],
) -> Result<(String, String), String> {
    let env = template_env();
    let render = |which: &str, source: &str, row: &AlignedRow<'_>| -> Result<String, String> {
        let ctx: serde_json::Map<String, serde_json::Value> =
            row.iter().map(|(role, e, l)| (role.to_string(), role_value(e, l))).collect();
        env.render_str(source, minijinja::Value::from(minijinja::value::Serde(serde_json::Value::Object(ctx))))
            .map(|s| s.trim().to_string())
            .map_err(|e| {
                let detail = e.detail().map(str::to_string).unwrap_or_else(|| e.to_string());
                let at = row.first().map(|(_, e, _)| format!(" (example {})", e.id)).unwrap_or_default();
                format!("the {which} template cannot be filled{at}: {detail}")
            })
    };
    let mut user = String::new();
    for s in shots {
        user.push_str(&render("user", &t.user, s)?);
        user.push('\n');
        user.push_str(&render("assistant", &t.assistant, s)?);
        user.push_str("\n\n");
    }
    user.push_str(&render("user", &t.user, row)?);
    let assistant = render("assistant", &t.assistant, row)?;
    if assistant.is_empty() {
        return Err("the assistant template gives an empty answer".into());
    }
    Ok((user, assistant))
}

#[allow(clippy::too_many_arguments)]
fn builtin(
    id: &str,
    name: &str,
    kind: AugmentKind,
    language: &str,
    roles: &[&str],
    answer_role: &str,
    user: &str,
    assistant: &str,
) -> AugmentTemplate {
    AugmentTemplate {
        id: Some(format!("builtin:{id}")),
        name: name.into(),
        kind,
        language: language.into(),
        roles: roles.iter().map(|r| r.to_string()).collect(),
        answer_role: answer_role.into(),
        user: user.into(),
        assistant: assistant.into(),
    }
}

/// The templates every workspace starts with, in the languages of their instructions. Copy and
/// edit one to write it in another language.
pub fn builtin_templates() -> Vec<AugmentTemplate> {
    use AugmentKind::*;
    vec![
        builtin(
            "translation-eng",
            "Translate (English instruction)",
            Translation,
            "eng",
            &["source", "target"],
            "target",
            "Translate the following text from {{ source.language_name }} into {{ target.language_name }}.\n\n{{ source.text }}",
            "{{ target.text }}",
        ),
        builtin(
            "translation-deu",
            "Übersetzen (deutsche Anweisung)",
            Translation,
            "deu",
            &["source", "target"],
            "target",
            "Übersetze den folgenden Text. Zielsprache: {{ target.native_name }}.\n\n{{ source.text }}",
            "{{ target.text }}",
        ),
        builtin(
            "translation-fra",
            "Traduire (consigne en français)",
            Translation,
            "fra",
            &["source", "target"],
            "target",
            "Traduis le texte suivant. Langue cible : {{ target.native_name }}.\n\n{{ source.text }}",
            "{{ target.text }}",
        ),
        builtin(
            "translation-spa",
            "Traducir (instrucción en español)",
            Translation,
            "spa",
            &["source", "target"],
            "target",
            "Traduce el siguiente texto. Idioma de destino: {{ target.native_name }}.\n\n{{ source.text }}",
            "{{ target.text }}",
        ),
        builtin(
            "cross-lingual-eng",
            "Answer in another language",
            CrossLingual,
            "eng",
            &["question", "answer"],
            "answer",
            "{{ question.instruction }}\n\nAnswer in {{ answer.language_name }}.",
            "{{ answer.response }}",
        ),
        builtin(
            "pivot-eng",
            "Answer in a pivot language first",
            Pivot,
            "eng",
            &["question", "pivot"],
            "question",
            "{{ question.instruction }}\n\nAnswer first in {{ pivot.language_name }}, then in {{ question.language_name }}.",
            "{{ pivot.response }}\n\n{{ question.response }}",
        ),
        builtin(
            "translate-then-answer-eng",
            "Translate the question, then answer",
            TranslateThenAnswer,
            "eng",
            &["question", "pivot"],
            "pivot",
            "First translate this question into {{ pivot.language_name }}, then answer it in {{ pivot.language_name }}.\n\n{{ question.instruction }}",
            "{{ pivot.instruction }}\n\n{{ pivot.response }}",
        ),
        builtin(
            "topic-eng",
            "Topic of a text (SIB-200 style)",
            Labeled,
            "eng",
            &["data"],
            "data",
            "What is the topic of this text? Choose one of: science/technology, travel, politics, sports, health, entertainment, geography.\n\n{{ data.instruction }}",
            "{{ data.response }}",
        ),
        builtin(
            "choice-eng",
            "Cause or effect (XCOPA style)",
            Labeled,
            "eng",
            &["data"],
            "data",
            // As XCOPA imports: `question` (cause/effect) becomes the instruction, the rest metadata.
            // A block tag takes the newline after it (trim_blocks), hence two.
            "{{ data.meta.premise }}\n{% if data.instruction == 'cause' %}What was the cause?{% else %}What happened as a result?{% endif %}\n\nA: {{ data.meta.choice1 }}\nB: {{ data.meta.choice2 }}",
            "{% if data.meta.label == 0 %}{{ data.meta.choice1 }}{% else %}{{ data.meta.choice2 }}{% endif %}",
        ),
    ]
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
mod tests {
    use super::*;

    #[test]
    fn plan_notes_are_codes_and_old_text_notes_still_read() {
        let note = PlanNote::Repeats { examples: 12 };
        let json = serde_json::to_value(&note).unwrap();
        assert_eq!(json, serde_json::json!({"code": "repeats", "examples": 12}));
        assert_eq!(serde_json::from_value::<PlanNote>(json).unwrap(), note);
        let old: Vec<PlanNote> = serde_json::from_str(r#"["3 examples are repeats (over-sampling)"]"#).unwrap();
        assert_eq!(old, vec![PlanNote::Text("3 examples are repeats (over-sampling)".into())]);
        assert_eq!(
            PlanNote::TokensUnknown.english(),
            serde_json::from_str::<PlanNote>(r#"{"code":"tokens_unknown"}"#).unwrap().english()
        );
    }

    fn source(id: &str, langs: &[(&str, u64)]) -> SourceFacts {
        SourceFacts {
            version_id: id.into(),
            dataset_id: format!("d-{id}").into(),
            dataset_name: id.into(),
            number: 1,
            examples: langs.iter().map(|l| l.1).sum(),
            languages: langs
                .iter()
                .map(|(l, n)| LanguageCount { language: l.to_string(), examples: *n, tokens: n * 20 })
                .collect(),
            profiled: true,
            tokenizer: Some("t".into()),
            evaluation: false,
        }
    }

    fn catalog() -> Vec<SourceFacts> {
        vec![source("a", &[("eng", 1000), ("deu", 100)]), source("b", &[("tha", 50), ("deu", 20)])]
    }

    fn spec(shares: Shares) -> MixtureSpec {
        MixtureSpec { sources: vec!["a".into(), "b".into()], shares, ..MixtureSpec::default() }
    }

    #[test]
    fn natural_takes_everything_but_validation() {
        let p = plan(&spec(Shares::Natural), &catalog()).unwrap();
        let deu = p.language("deu").unwrap();
        assert_eq!((deu.available, deu.validation, deu.examples), (120, 6, 114));
        assert_eq!(p.language("eng").unwrap().validation, 50);
        assert_eq!(p.examples, 950 + 114 + 47);
        assert!((p.languages.iter().map(|l| l.share).sum::<f64>() - 1.0).abs() < 1e-9);
        assert_eq!(p.languages[0].language, "eng");
    }

    #[test]
    fn temperature_zero_is_uniform_and_needs_oversampling() {
        let s = spec(Shares::Temperature { alpha: 0.0, total: Some(300) });
        let e = plan(&s, &catalog()).unwrap_err();
        assert!(e[0].message.contains("tha: 100 examples asked, 47 available"), "{e:?}");
        let p = plan(&MixtureSpec { oversample: true, ..s }, &catalog()).unwrap();
        for l in &p.languages {
            assert_eq!(l.examples, 100);
        }
        assert_eq!(p.language("tha").unwrap().repeats, 53);
    }

    #[test]
    fn percent_must_add_up_and_name_known_languages() {
        let pct = |v: &[(&str, f64)]| Shares::Percent {
            percent: v.iter().map(|(l, p)| (l.to_string(), *p)).collect(),
            total: 100,
        };
        let e = plan(&spec(pct(&[("eng", 50.0), ("deu", 37.0)])), &catalog()).unwrap_err();
        assert_eq!(e[0].path, "shares.percent");
        assert!(e[0].message.contains("87%"));
        let e = plan(&spec(pct(&[("eng", 50.0), ("kaz", 50.0)])), &catalog()).unwrap_err();
        assert_eq!(e[0].path, "shares.percent.kaz");
        assert!(e[0].message.contains("deu, eng, tha"), "{}", e[0].message);
        let p = plan(&spec(pct(&[("eng", 60.0), ("deu", 40.0)])), &catalog()).unwrap();
        assert_eq!((p.language("eng").unwrap().examples, p.language("deu").unwrap().examples), (60, 40));
    }

    #[test]
    fn budgets_caps_and_pinch() {
        let mut langs = BTreeMap::new();
        langs.insert("eng".to_string(), 950);
        let s = pinch("eng", &["deu".into(), "tha".into()], 10, &langs);
        let mut m = spec(s);
        m.caps.insert("eng".into(), 500);
        let p = plan(&m, &catalog()).unwrap();
        assert_eq!(p.language("eng").unwrap().examples, 500);
        assert_eq!(p.language("deu").unwrap().examples, 10);
        assert_eq!(p.language("tha").unwrap().tokens, 200);
        let tokens = Shares::Budgets { unit: BudgetUnit::Tokens, amounts: [("deu".to_string(), 401)].into() };
        assert_eq!(plan(&spec(tokens), &catalog()).unwrap().language("deu").unwrap().examples, 21);
        let over = Shares::Budgets { unit: BudgetUnit::Examples, amounts: [("deu".to_string(), 5000)].into() };
        let e = plan(&spec(over), &catalog()).unwrap_err();
        assert_eq!(e[0].path, "shares.amounts.deu");
    }

    #[test]
    fn sources_must_be_known_profiled_and_not_evaluation_sets() {
        let mut c = catalog();
        c[1].evaluation = true;
        let mut s = spec(Shares::Natural);
        s.sources.push("zzz".into());
        let e = plan(&s, &c).unwrap_err();
        let paths: Vec<_> = e.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(paths, ["sources[1]", "sources[2]"]);
    }

    #[test]
    fn augmentations_check_alignment_roles_and_templates() {
        let mut c = catalog();
        c.push(source("en", &[("eng", 30)]));
        c.push(source("de", &[("deu", 30)]));
        c.push(source("de2", &[("deu", 29)]));
        let t = builtin_templates().into_iter().find(|t| t.kind == AugmentKind::Translation).unwrap();
        let aug = |target: &str| Augmentation {
            template: t.clone(),
            inputs: [("source".to_string(), "en".to_string()), ("target".to_string(), target.to_string())].into(),
            shots: 0,
            limit: Some(20),
        };
        let mut s = spec(Shares::Natural);
        s.augmentations.push(aug("de"));
        let p = plan(&s, &c).unwrap();
        assert_eq!(p.language("deu").unwrap().augmented, 20);
        let mut few_rows = c.clone();
        few_rows.push(source("e3", &[("eng", 3)]));
        few_rows.push(source("d3", &[("deu", 3)]));
        let mut many = aug("d3");
        many.inputs.insert("source".into(), "e3".into());
        many.shots = 3;
        s.augmentations[0] = many;
        let e = plan(&s, &few_rows).unwrap_err();
        assert_eq!(e[0].path, "augmentations[0].shots", "{e:?}");
        assert!(e[0].message.contains("more than 3 aligned rows"), "{e:?}");
        let huge = Shares::Budgets { unit: BudgetUnit::Examples, amounts: [("deu".to_string(), u64::MAX)].into() };
        let e = plan(&MixtureSpec { oversample: true, ..spec(huge) }, &c).unwrap_err();
        assert!(e[0].message.contains("at most 100000000"), "{e:?}");
        s.augmentations[0] = aug("de2");
        let e = plan(&s, &c).unwrap_err();
        assert_eq!(e[0].path, "augmentations[0].inputs.target");
        assert!(e[0].message.contains("not aligned"), "{}", e[0].message);
        let mut bad = aug("de");
        bad.template.user = "{{ source.text }} {{ sorce.text }}".into();
        s.augmentations[0] = bad;
        let e = plan(&s, &c).unwrap_err();
        assert_eq!(e[0].path, "augmentations[0].template.user");
        assert!(e[0].message.contains("sorce"));
    }

    #[test]
    fn templates_render_and_name_missing_fields() {
        let ex = |id: &str, text: &str, answer: Option<&str>| Example {
            id: id.into(),
            source: "f:1".into(),
            language: None,
            turns: std::iter::once(crate::Turn { role: TurnRole::User, text: text.into() })
                .chain(answer.map(|a| crate::Turn { role: TurnRole::Assistant, text: a.into() }))
                .collect(),
            meta: Default::default(),
        };
        let all = builtin_templates();
        for t in &all {
            assert!(t.validate().is_empty(), "{}: {:?}", t.name, t.validate());
        }
        let t = &all[0];
        let (en, de) = (ex("1", "Hello.", None), ex("1", "Hallo.", None));
        let row: AlignedRow = vec![("source", &en, "eng"), ("target", &de, "deu")];
        let (u, a) = render_augmented(t, &row, &[]).unwrap();
        assert_eq!(u, "Translate the following text from English into German.\n\nHello.");
        assert_eq!(a, "Hallo.");
        let (u2, _) = render_augmented(t, &row, std::slice::from_ref(&row)).unwrap();
        assert!(u2.starts_with("Translate") && u2.contains("Hallo.\n\nTranslate"), "{u2}");
        let choice = all.iter().find(|t| t.id.as_deref() == Some("builtin:choice-eng")).unwrap();
        let row: AlignedRow = vec![("data", &en, "eng")];
        let e = render_augmented(choice, &row, &[]).unwrap_err();
        assert!(e.contains("user template") && e.contains("example 1"), "{e}");
    }
}
