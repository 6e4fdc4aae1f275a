//! Jobs: everything slow runs here, claimed by workers from the shared queue in the database.
//!
//! A job is a typed value: each kind's payload and result are types in `polytune_api::jobs`
//! (one [`JobPayload`] enum over them). Queueing takes the payload type ([`enqueue`]); a claimed
//! job is read back into the enum, checked by [`validate`] when it is created (so a bad payload
//! is refused before anything is queued) and run by [`run`], both exhaustive over the kinds.
//! A kind runs with a [`JobContext`] that reports progress, writes checkpoints, logs and tells it
//! when to stop; [`toolkit`] has what every kind shares. A kind resumes from its last checkpoint
//! when a new attempt starts, so a killed worker loses at most the work since then.

mod blob_stats;
mod context;
pub mod datasets;
pub mod evaluate;
mod failure;
pub mod fetch_model;
pub mod identifiers;
pub mod mixtures;
pub mod models;
mod server_import;
pub mod toolkit;
pub mod train;
pub mod worker;

use polytune_api::{FieldError, JobOutput, JobPayload, JobSpec};

pub use context::{JobContext, JobError};
pub use failure::{Cause, Emptied, Failure, Needed, ReadStep, Recorded, Stage};

use crate::db::jobs::NewJob;
use crate::db::{Database, DbError, Scoped};
use crate::storage::BlobStore;

/// What running a job needs beyond its payload.
#[derive(Debug, Clone, Copy)]
pub struct Resources {
    pub needs_gpu: bool,
    pub memory_mb: i64,
    pub priority: i64,
    pub max_attempts: i64,
}

impl Default for Resources {
    fn default() -> Self {
        Resources { needs_gpu: false, memory_mb: 0, priority: 0, max_attempts: MAX_ATTEMPTS }
    }
}

/// Attempts before a failing job stays failed.
pub const MAX_ATTEMPTS: i64 = 3;

/// Queues a job; the payload type names its kind.
pub async fn enqueue<S: JobSpec>(
    db: &Scoped,
    spec: S,
    created_by: &str,
    resources: Resources,
) -> Result<polytune_api::JobId, DbError> {
    enqueue_payload(db, &spec.into(), created_by, resources).await
}

/// Queues a job from a payload read from a client (checked with [`validate`] first).
pub async fn enqueue_payload(
    db: &Scoped,
    payload: &JobPayload,
    created_by: &str,
    resources: Resources,
) -> Result<polytune_api::JobId, DbError> {
    db.enqueue_job(NewJob {
        kind: payload.kind().as_str(),
        payload: &payload.to_value().to_string(),
        priority: resources.priority,
        needs_gpu: resources.needs_gpu,
        memory_mb: resources.memory_mb,
        max_attempts: resources.max_attempts,
        created_by,
    })
    .await
}

/// Checks a payload for `workspace_id` (errors carry JSON paths under `payload`) and says what
/// the job will need.
pub async fn validate(db: &Scoped, payload: &JobPayload) -> Result<Resources, Vec<FieldError>> {
    match payload {
        JobPayload::BlobStats(p) => blob_stats::validate(db, p).await,
        JobPayload::ImportDataset(p) => datasets::validate_import(db, p).await,
        JobPayload::ProfileDataset(p) => datasets::validate_profile(db, p).await,
        JobPayload::DeriveDataset(p) => datasets::validate_derive(db, p).await,
        JobPayload::MaterializeMixture(p) => mixtures::validate(db, p).await,
        JobPayload::Train(p) => train::validate(db, p).await,
        JobPayload::ServerImport(p) => server_import::validate(db, p).await,
        JobPayload::RegisterModel(p) => models::validate_register(db, p).await,
        JobPayload::ExportRun(p) => models::validate_export(db, p).await,
        JobPayload::TrainIdentifier(p) => identifiers::validate(db, p).await,
        JobPayload::Evaluate(p) => evaluate::validate(db, p).await,
        JobPayload::FetchModel(p) => fetch_model::validate(db, p).await,
    }
}

/// Runs (or resumes, when `ctx.checkpoint()` is set) a job and returns its result.
pub async fn run(ctx: &JobContext, payload: JobPayload) -> Result<JobOutput, JobError> {
    Ok(match payload {
        JobPayload::BlobStats(p) => blob_stats::run(ctx, p).await?.into(),
        JobPayload::ImportDataset(p) => datasets::run_import(ctx, p).await?.into(),
        JobPayload::ProfileDataset(p) => datasets::run_profile(ctx, p).await?.into(),
        JobPayload::DeriveDataset(p) => datasets::run_derive(ctx, p).await?.into(),
        JobPayload::MaterializeMixture(p) => mixtures::run(ctx, p).await?.into(),
        JobPayload::Train(p) => train::run(ctx, p).await?.into(),
        JobPayload::ServerImport(p) => server_import::run(ctx, p, ctx.env().max_upload_bytes).await?.into(),
        JobPayload::RegisterModel(p) => models::run_register(ctx, p).await?.into(),
        JobPayload::ExportRun(p) => models::run_export(ctx, p).await?.into(),
        JobPayload::TrainIdentifier(p) => identifiers::run(ctx, p).await?.into(),
        JobPayload::Evaluate(p) => evaluate::run(ctx, p).await?.into(),
        JobPayload::FetchModel(p) => fetch_model::run(ctx, p).await?.into(),
    })
}

/// What a job needs from the process that runs it.
#[derive(Clone)]
pub struct JobEnv {
    pub db: Database,
    pub store: BlobStore,
    /// The largest file a job may store (the upload limit).
    pub max_upload_bytes: u64,
    /// Folders on this machine that server imports and model registrations may read from.
    pub import_dirs: Vec<std::path::PathBuf>,
    /// Loaded models, shared with the HTTP handlers of the same process (evaluation jobs use the
    /// same loaded weights as chat).
    pub models: std::sync::Arc<crate::inference::ModelCache>,
}

impl JobEnv {
    /// `path` resolved (links followed) and checked again, on the machine that runs the job, to
    /// lie inside an allowed import folder: the check when the job was queued ran elsewhere, or
    /// earlier.
    pub fn allowed_import(&self, path: &str) -> Result<std::path::PathBuf, JobError> {
        polytune_data::files::inside(path, &self.import_dirs)
            .map_err(|e| Cause::ImportUnresolvable { error: e.to_string() })?
            .ok_or_else(|| Cause::ImportNotAllowed { path: path.to_string() }.into())
    }
}
