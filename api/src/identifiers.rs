//! Language identifiers a workspace trains: the default one knows the 205 languages of SIB-200;
//! an owner can teach it more (a dialect, a language no model knows) from a labeled dataset
//! version, see how well it does on text it did not learn from, and make it the workspace's.

use crate::ids::{IdentifierId, JobId, VersionId};
use serde::{Deserialize, Serialize};

use crate::FieldError;
use crate::validate::{self, Validate};

/// How often the identifier was right on one language's held-out examples.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LanguageAccuracy {
    /// The label it learned (FLORES form where the language is known: `swh_Latn`).
    pub language: String,
    pub held_out: u64,
    pub correct: u64,
}

/// What training measured: every tenth text of each language was held out, the identifier
/// (default languages + this data) trained on the rest and asked about them, open set.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IdentifierReport {
    /// Texts learned from, per language of the dataset.
    pub trained: Vec<(String, u64)>,
    pub held_out: Vec<LanguageAccuracy>,
    /// All languages the identifier knows (the default's and the dataset's).
    pub languages: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum IdentifierState {
    Training,
    Ready,
    Failed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Identifier {
    pub id: IdentifierId,
    pub name: String,
    pub version_id: VersionId,
    pub job_id: JobId,
    pub state: IdentifierState,
    /// The one the workspace's profiles use.
    pub active: bool,
    pub report: Option<IdentifierReport>,
    pub created_at: i64,
}

/// The workspace's identifiers and what the default one is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Identifiers {
    /// The name profiles made with the default identifier record.
    pub default_name: String,
    /// Languages the default knows.
    pub default_languages: u64,
    /// The name profiles made now record (the active identifier's, or the default's).
    pub current_name: String,
    pub items: Vec<Identifier>,
}

/// Train an identifier from a dataset version whose examples declare their language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TrainIdentifier {
    pub name: String,
    pub version_id: VersionId,
}

impl Validate for TrainIdentifier {
    fn validate(&self) -> Vec<FieldError> {
        let mut e = Vec::new();
        let name = self.name.trim();
        let message = "give the identifier a name of 1 to 80 characters";
        if name.is_empty() {
            e.push(FieldError::err("name", "empty", &[], message));
        } else if name.chars().count() > 80 {
            e.push(FieldError::err("name", "too_long", &[("max", "80".into())], message));
        }
        if self.version_id.trim().is_empty() {
            e.push(validate::required("version_id", "choose the dataset version to learn from"));
        }
        e
    }
}

/// Make an identifier the workspace's (`null`: back to the default).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UseIdentifier {
    pub identifier_id: Option<IdentifierId>,
}

impl Validate for UseIdentifier {
    fn validate(&self) -> Vec<FieldError> {
        Vec::new()
    }
}

/// The name a profile records for a trained identifier.
pub fn identifier_name(id: &str) -> String {
    format!("workspace-ngram-{id}")
}
