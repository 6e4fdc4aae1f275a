//! Datasets: the canonical example, import formats and mappings, versions, profiles.

use crate::ids::{DatasetId, JobId, MixtureId, VersionId, WorkspaceId};
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::FieldError;
use crate::derive::DeriveOperation;
use crate::profiles::{Annotation, CreateProfile, ProfileInfo};
use crate::validate::{self, Validate};

/// Who speaks a turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TurnRole {
    System,
    User,
    Assistant,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Turn {
    pub role: TurnRole,
    pub text: String,
}

/// The one canonical record every format becomes: a conversation with an id, a source and metadata.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Example {
    pub id: String,
    /// Where it came from: file name and line or row.
    pub source: String,
    /// Declared language of the example (from the file or the import), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    pub turns: Vec<Turn>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub meta: BTreeMap<String, serde_json::Value>,
}

impl Example {
    /// The text the person asks: system and user turns.
    pub fn prompt_text(&self) -> String {
        join(self.turns.iter().filter(|t| t.role != TurnRole::Assistant))
    }

    /// The text the model should answer: assistant turns.
    pub fn response_text(&self) -> String {
        join(self.turns.iter().filter(|t| t.role == TurnRole::Assistant))
    }

    /// The first user turn (what language ID calls the instruction).
    pub fn instruction_text(&self) -> String {
        join(self.turns.iter().filter(|t| t.role == TurnRole::User))
    }

    pub fn chars(&self) -> usize {
        self.turns.iter().map(|t| t.text.chars().count()).sum()
    }
}

fn join<'a>(turns: impl Iterator<Item = &'a Turn>) -> String {
    let mut s = String::new();
    for t in turns {
        if !s.is_empty() {
            s.push('\n');
        }
        s.push_str(&t.text);
    }
    s
}

/// The container the records come in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FileFormat {
    Jsonl,
    JsonArray,
    /// One JSON document whose top level is an object keyed by item id (`{"q1": {…}, "q2": {…}}`):
    /// each value is a record, its key given as the field `_key`.
    JsonObject,
    Csv,
    Tsv,
    Parquet,
    /// Plain text, one record per line (`{"text": …}`): prompts, or one side of a parallel corpus.
    Lines,
}

impl FileFormat {
    pub fn label(self) -> &'static str {
        match self {
            FileFormat::Jsonl => "JSON lines",
            FileFormat::JsonArray => "JSON array",
            FileFormat::JsonObject => "JSON object keyed by id",
            FileFormat::Csv => "CSV",
            FileFormat::Tsv => "TSV",
            FileFormat::Parquet => "Parquet",
            FileFormat::Lines => "text lines",
        }
    }
}

/// How one raw record becomes an [`Example`]. Paths name fields: `instruction`, `instances.0.input`,
/// or for files without a header the column number (`1`, `2`, …).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Mapping {
    /// One exchange from separate fields: Alpaca (instruction/input/output), prompt/completion,
    /// question/answer tables.
    Fields {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        system: Option<String>,
        instruction: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        input: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        output: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        language: Option<String>,
    },
    /// A list of messages: OpenAI (role/content), ShareGPT (from/value).
    Messages {
        messages: String,
        role_key: String,
        text_key: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        language: Option<String>,
    },
    /// A list of user turns, answers optional in a parallel list: MT-Bench questions.
    Turns {
        turns: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        answers: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        language: Option<String>,
    },
}

impl Mapping {
    /// A [`Mapping::Messages`] list at `messages`, each message's role and text under these
    /// keys.
    pub fn messages(messages: &str, role_key: &str, text_key: &str) -> Mapping {
        Mapping::Messages {
            messages: messages.into(),
            role_key: role_key.into(),
            text_key: text_key.into(),
            id: None,
            language: None,
        }
    }

    /// The plain case of [`Mapping::Fields`]: an instruction field and maybe an output field,
    /// nothing else.
    pub fn fields(instruction: &str, output: Option<&str>) -> Mapping {
        Mapping::Fields {
            system: None,
            instruction: instruction.into(),
            input: None,
            output: output.map(str::to_string),
            id: None,
            language: None,
        }
    }

    /// The paths this mapping reads, with what each is for.
    pub fn paths(&self) -> Vec<(&'static str, &str)> {
        let mut v: Vec<(&'static str, &str)> = Vec::new();
        match self {
            Mapping::Fields { system, instruction, input, output, id, language } => {
                v.push(("instruction", instruction));
                for (what, p) in
                    [("system", system), ("input", input), ("output", output), ("id", id), ("language", language)]
                {
                    if let Some(p) = p {
                        v.push((what, p));
                    }
                }
            }
            Mapping::Messages { messages, role_key, text_key, id, language } => {
                v.extend([("messages", messages.as_str()), ("role key", role_key), ("text key", text_key)]);
                for (what, p) in [("id", id), ("language", language)] {
                    if let Some(p) = p {
                        v.push((what, p));
                    }
                }
            }
            Mapping::Turns { turns, answers, id, language } => {
                v.push(("turns", turns));
                for (what, p) in [("answers", answers), ("id", id), ("language", language)] {
                    if let Some(p) = p {
                        v.push((what, p));
                    }
                }
            }
        }
        v
    }
}

/// How to read a file: container, mapping, and options.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ImportSpec {
    pub format: FileFormat,
    /// CSV/TSV: the first row names the columns.
    #[serde(default)]
    pub has_header: bool,
    pub mapping: Mapping,
    /// The language of every example, when the file is in one language (any code or English name);
    /// otherwise it is detected per example.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
}

impl Validate for ImportSpec {
    fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        for (what, path) in self.mapping.paths() {
            if path.trim().is_empty() {
                errors.push(FieldError::err(
                    "spec.mapping",
                    "mapping_field_empty",
                    &[("field", what.to_string())],
                    format!("the {what} field is empty"),
                ));
            } else if path.len() > 200 {
                errors.push(FieldError::err(
                    "spec.mapping",
                    "mapping_field_too_long",
                    &[("field", what.to_string()), ("max", "200".into())],
                    format!("the {what} field is longer than 200 characters"),
                ));
            }
        }
        if let Some(l) = &self.language {
            if crate::lang::parse(l).is_none() {
                errors.push(FieldError::err(
                    "spec.language",
                    "unknown_language",
                    &[("value", l.clone())],
                    format!("“{l}” is not a language the studio knows (use a code like de, deu or deu_Latn)"),
                ));
            }
        }
        if matches!(
            self.format,
            FileFormat::Jsonl
                | FileFormat::JsonArray
                | FileFormat::JsonObject
                | FileFormat::Parquet
                | FileFormat::Lines
        ) && self.has_header
        {
            errors.push(FieldError::err(
                "spec.has_header",
                "header_needs_csv",
                &[],
                "only CSV and TSV files have a header row",
            ));
        }
        errors
    }
}

/// Ask what a stored file looks like.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct InspectRequest {
    pub blob: String,
    /// Try this reading instead of the detected one (after the person corrected the mapping).
    #[serde(default)]
    pub spec: Option<ImportSpec>,
}

/// What a file looks like: the detected (or given) reading, its fields and the first rows.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Inspection {
    pub spec: ImportSpec,
    /// A short plain description of what was detected ("ShareGPT conversations in JSON lines").
    pub detected: String,
    /// Field paths seen in the first records, for the mapping selectors.
    pub fields: Vec<String>,
    /// The first records as read, and as they become examples (or why they cannot).
    pub rows: Vec<PreviewRow>,
    /// Records were read from the start of the file only; this says how many bytes that covered.
    pub bytes_read: u64,
    pub file_bytes: u64,
    /// Declared languages the previewed instructions contradict, in words.
    #[serde(default)]
    pub contradictions: Vec<crate::LanguageContradiction>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PreviewRow {
    pub location: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub raw: serde_json::Value,
    pub example: Option<Example>,
    pub error: Option<String>,
    /// The same as a stable code (`invalid_json`, `missing_field`, …) and its named arguments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = std::collections::HashMap<String, String>))]
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub error_args: crate::problem::ErrorArgs,
}

/// What to do with records that cannot be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OnError {
    /// Stop and ask the person (the default): nothing is imported.
    #[default]
    Ask,
    /// Leave bad records out (they are listed in the import report).
    Skip,
}

/// Import a stored file as a new dataset.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateDataset {
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub blob: String,
    pub spec: ImportSpec,
    #[serde(default)]
    pub on_error: OnError,
}

impl Validate for CreateDataset {
    fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        validate::name("name", &self.name, &mut errors);
        if self.description.chars().count() > 2000 {
            errors.push(FieldError::err(
                "description",
                "too_long",
                &[("max", "2000".into())],
                "must be at most 2000 characters",
            ));
        }
        errors.extend(self.spec.validate());
        errors
    }
}

/// Where a dataset is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DatasetState {
    Importing,
    /// Some records could not be read: skip them, or cancel.
    NeedsDecision,
    Ready,
    Failed,
}

/// A record that could not be read, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordIssue {
    /// "line 5123", "row 17", "element 4".
    pub location: String,
    pub message: String,
    /// The stable code of the problem (`invalid_json`, `line_too_long`, …) and its named
    /// arguments, for a client that words it itself; absent in reports stored by older versions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = std::collections::HashMap<String, String>))]
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub args: crate::problem::ErrorArgs,
}

impl RecordIssue {
    /// An issue without a code (a file-level note written by the server).
    pub fn new(location: impl Into<String>, message: impl Into<String>) -> Self {
        Self { location: location.into(), message: message.into(), code: None, args: Default::default() }
    }
}

/// What an import found.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportReport {
    pub records: u64,
    pub imported: u64,
    pub bad: u64,
    /// The first bad records (at most 100).
    pub issues: Vec<RecordIssue>,
    /// An error that stopped reading the file altogether (truncated Parquet, a zip archive…).
    pub fatal: Option<String>,
    /// The same as a stable code (`zip_archive`, `parquet_unreadable`, …) and its named arguments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fatal_code: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = std::collections::HashMap<String, String>))]
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub fatal_args: crate::problem::ErrorArgs,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Dataset {
    pub id: DatasetId,
    pub workspace_id: WorkspaceId,
    pub name: String,
    pub description: String,
    pub state: DatasetState,
    pub file_name: String,
    pub spec: ImportSpec,
    pub report: Option<ImportReport>,
    /// The job importing it now (or last).
    pub import_job_id: Option<JobId>,
    pub created_at: i64,
    pub versions: Vec<DatasetVersion>,
}

/// How a version was made, exactly enough to make it again: `{"import": …}`, `{"derive": …}` or
/// `{"mixture": …}` (the shape stored since the first version of the studio).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum VersionOperation {
    Import(ImportOperation),
    Derive(DeriveOperation),
    Mixture(MixtureOperation),
}

/// A file read into version 1 of a dataset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportOperation {
    pub file: String,
    pub source_blob: String,
    pub spec: ImportSpec,
    pub on_error: OnError,
    /// Records that could not be read and were left out.
    pub skipped: u64,
}

/// A materialized mixture (its training examples, or its validation split).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MixtureOperation {
    pub mixture_id: MixtureId,
    pub name: String,
    /// Every version drawn from (sources and augmentation inputs).
    pub parents: Vec<String>,
    pub spec: crate::mixtures::MixtureSpec,
    pub report: crate::mixtures::MixtureReport,
}

/// An immutable set of examples. Version 1 is the import; later ones are derived from a parent.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DatasetVersion {
    pub id: VersionId,
    pub dataset_id: DatasetId,
    pub number: i64,
    pub parent_id: Option<VersionId>,
    /// The exact operation that made it (import spec, the filter, or the mixture recipe).
    pub operation: VersionOperation,
    pub blob: String,
    pub examples: i64,
    pub bytes: i64,
    pub created_at: i64,
    pub profile: Option<ProfileInfo>,
}

/// Which duplicates a filter means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DupFilter {
    Exact,
    Near,
    Any,
}

/// One page of examples matching a search.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExamplePage {
    pub total: u64,
    pub matched: u64,
    pub offset: u64,
    pub items: Vec<ExampleItem>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExampleItem {
    pub index: u64,
    pub example: Example,
    pub annotation: Option<Annotation>,
    /// Other members of its duplicate group, if any (indices).
    pub duplicates: Vec<u64>,
}

impl Validate for InspectRequest {
    fn validate(&self) -> Vec<FieldError> {
        self.spec.as_ref().map(Validate::validate).unwrap_or_default()
    }
}

impl Validate for CreateProfile {
    fn validate(&self) -> Vec<FieldError> {
        Vec::new()
    }
}
