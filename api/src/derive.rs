//! Deriving a dataset version from a profiled one: the filter (languages, lengths, quality flags,
//! duplicates), its validation, and the report and operation a derived version records.

use serde::{Deserialize, Serialize};

use crate::FieldError;
use crate::profiles::Flag;
use crate::validate::Validate;

/// A filtered version of a parent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeriveOperation {
    pub parent: String,
    pub spec: DeriveSpec,
    pub report: DeriveReport,
}

/// What deriving a version kept and left out.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeriveReport {
    pub kept: u64,
    pub examples: u64,
    /// Examples left out, by the first reason that applied.
    pub dropped: std::collections::BTreeMap<String, u64>,
}

/// How duplicates are resolved when deriving a version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Dedup {
    #[default]
    None,
    /// Keep the first of each group of exact or near duplicates.
    KeepFirst,
    /// Keep the longest of each group.
    KeepLongest,
}

/// The filter that derives a new version from a profiled one.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DeriveSpec {
    /// Keep only these instruction languages (empty: all).
    #[serde(default)]
    pub languages: Vec<String>,
    #[serde(default)]
    pub min_chars: Option<u32>,
    #[serde(default)]
    pub max_chars: Option<u32>,
    /// Leave out examples with any of these flags.
    #[serde(default)]
    pub exclude_flags: Vec<Flag>,
    #[serde(default)]
    pub dedup: Dedup,
}

impl Validate for DeriveSpec {
    fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        for (i, l) in self.languages.iter().enumerate() {
            if crate::lang::parse(l).is_none() {
                errors.push(FieldError::err(
                    format!("languages[{i}]"),
                    "unknown_language",
                    &[("value", l.clone())],
                    format!("“{l}” is not a language code"),
                ));
            }
        }
        if let (Some(a), Some(b)) = (self.min_chars, self.max_chars) {
            if a > b {
                errors.push(FieldError::err(
                    "max_chars",
                    "max_below_min",
                    &[("min", a.to_string())],
                    "must be at least the minimum length",
                ));
            }
        }
        if self.languages.is_empty()
            && self.min_chars.is_none()
            && self.max_chars.is_none()
            && self.exclude_flags.is_empty()
            && self.dedup == Dedup::None
        {
            errors.push(FieldError::err(
                "",
                "no_filter",
                &[],
                "choose at least one filter: the new version would equal its parent",
            ));
        }
        errors
    }
}
