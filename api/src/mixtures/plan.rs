//! The plan of a mixture: how many examples of each language it holds, from the stored
//! per-language aggregates only.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::*;
use crate::problem::FieldError;

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
