//! Evaluation tasks made from a person's own file: how its records become items (the column
//! mapping), the preview that shows the detected language of every text field, and the task made
//! from it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::datasets::FileFormat;
use crate::evaluation::{EvalTask, EvalTaskKind};
use crate::problem::FieldError;
use crate::validate::{self, Validate};

/// Which field of a record holds what. Paths name fields as in a dataset mapping (`query`,
/// `translations.bn`, `choices.0`; `_key` is the key of a JSON object keyed by id; `1`, `2`, … the
/// columns of a CSV file without a header).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TaskMapping {
    /// The text the model is asked (multiple choice: the context each choice continues).
    pub prompt: String,
    /// Multiple choice: one field holding the list of choices, or one field per choice.
    #[serde(default)]
    pub choices: Vec<String>,
    /// The right answer. Multiple choice: the choice's index (from 0), its letter (A, B, …) or its
    /// text. Generation: the answer, or a list of accepted answers (lists inside lists are read
    /// flat). Language fidelity has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<String>,
    /// Multiple choice: a numeric answer counts from 1 (Belebele's `correct_answer_num`), not 0.
    #[serde(default)]
    pub answer_counts_from_one: bool,
    /// A field naming each record's language; otherwise the task's declared language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// The item id shared by the same item in every language (parallel sets); otherwise the
    /// record's position.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

/// Read a stored file as an evaluation task (`POST …/eval-tasks/preview` shows it first; the
/// preview takes the same request with every part but `blob` optional).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateEvalTask {
    /// The SHA-256 of a file uploaded to this workspace.
    pub blob: String,
    #[serde(default)]
    pub name: String,
    #[serde(default = "default_kind")]
    pub kind: EvalTaskKind,
    /// Detected when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<FileFormat>,
    #[serde(default)]
    pub has_header: bool,
    /// Guessed from the fields when absent (the preview shows the guess).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mapping: Option<TaskMapping>,
    /// The language of every item (a code or an English name), when the file is in one language
    /// and has no language field; taken from the file's name when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
}

fn default_kind() -> EvalTaskKind {
    EvalTaskKind::MultipleChoice
}

impl Validate for CreateEvalTask {
    fn validate(&self) -> Vec<FieldError> {
        let mut e = Vec::new();
        if self.blob.trim().is_empty() {
            e.push(validate::required("blob", "upload the task's file first"));
        }
        if let Some(l) = &self.language
            && crate::lang::parse(l).is_none()
        {
            e.push(FieldError::err(
                "language",
                "unknown_language",
                &[("value", l.clone())],
                format!("“{l}” is not a language the studio knows (use a code like de, deu or deu_Latn)"),
            ));
        }
        if let Some(m) = &self.mapping {
            if m.prompt.trim().is_empty() {
                e.push(validate::required("mapping.prompt", "choose the field with the prompt"));
            }
            match self.kind {
                EvalTaskKind::MultipleChoice => {
                    if m.choices.is_empty() {
                        e.push(validate::required("mapping.choices", "choose the field (or fields) with the choices"));
                    }
                    if m.answer.is_none() {
                        e.push(validate::required("mapping.answer", "choose the field with the right answer"));
                    }
                }
                EvalTaskKind::Generation => {
                    if m.answer.is_none() {
                        e.push(validate::required("mapping.answer", "choose the field with the right answer"));
                    }
                }
                EvalTaskKind::Fidelity => {}
            }
            for (i, c) in m.choices.iter().enumerate() {
                if c.trim().is_empty() {
                    e.push(validate::empty(format!("mapping.choices[{i}]")));
                }
            }
            for (what, p) in [("answer", &m.answer), ("language", &m.language), ("id", &m.id)] {
                if p.as_deref().is_some_and(|p| p.trim().is_empty()) {
                    e.push(validate::empty(format!("mapping.{what}")));
                }
            }
        }
        e
    }
}

/// The languages identified in one text field of the first records: how the person tells an
/// English `query` from its translated neighbour before mapping one of them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldLanguages {
    pub path: String,
    /// Records in which the field holds text.
    pub texts: usize,
    /// Identified languages (canonical code, `und` when unsure), most frequent first.
    pub languages: Vec<FieldLanguageCount>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldLanguageCount {
    pub language: String,
    pub count: usize,
}

/// A declared language the text contradicts, in words: "declared Bengali; the mapped field is
/// English in 1,000 of 1,000 items".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LanguageContradiction {
    pub declared: String,
    pub field: String,
    pub detected: String,
    pub count: usize,
    pub of: usize,
    pub message: String,
}

/// One item as the task would ask it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaskItemPreview {
    pub location: String,
    pub id: String,
    pub language: String,
    pub prompt: String,
    #[serde(default)]
    pub choices: Vec<String>,
    /// The right choice's text, or the accepted answers joined by " | ".
    pub answer: Option<String>,
}

/// What a file would become as a task, and what stops it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EvalTaskPreview {
    pub format: FileFormat,
    pub has_header: bool,
    pub kind: EvalTaskKind,
    /// The mapping used (the guessed one when the request had none).
    pub mapping: TaskMapping,
    /// The declared language (given, or from the file's name), canonical code.
    pub language: Option<String>,
    /// Field paths seen in the records, for the mapping selectors.
    pub fields: Vec<String>,
    /// Per text field, the languages identified in it.
    pub field_languages: Vec<FieldLanguages>,
    pub records: usize,
    /// Items per language (canonical code).
    pub languages: BTreeMap<String, usize>,
    /// The first items as they will be asked.
    pub items: Vec<TaskItemPreview>,
    /// What refuses creation, each with its record and field named (at most 50).
    pub problems: Vec<FieldError>,
    pub contradictions: Vec<LanguageContradiction>,
}

/// A task made from a file: its catalog entry, and what it was made from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FileTaskInfo {
    pub task: EvalTask,
    pub file_name: String,
    pub mapping: TaskMapping,
    pub created_at: i64,
}
