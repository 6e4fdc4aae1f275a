//! Jobs: everything slow runs here, claimed by workers from the shared queue in the database.
//!
//! A job kind implements [`JobKind`]: it checks its payload when the job is created (so a bad
//! payload is refused before anything is queued) and runs with a [`JobContext`] that reports
//! progress, writes checkpoints, logs, and tells it when to stop. A kind resumes from its last
//! checkpoint when a new attempt starts, so a killed worker loses at most the work since then.

mod blob_stats;
mod context;
pub mod datasets;
pub mod mixtures;
pub mod train;
pub mod worker;

use std::collections::HashMap;
use std::sync::Arc;

use polytune_api::FieldError;

pub use context::{JobContext, JobError};

use crate::db::Database;
use crate::storage::BlobStore;

/// What creating a job needs beyond its payload.
#[derive(Debug, Clone, Copy, Default)]
pub struct Resources {
    pub needs_gpu: bool,
    pub memory_mb: i64,
}

#[async_trait::async_trait]
pub trait JobKind: Send + Sync + 'static {
    /// The name clients use, e.g. `blob_stats`.
    fn name(&self) -> &'static str;

    /// Whether clients may start it through `POST /jobs` with a payload of their own. Kinds whose
    /// payload names records of the studio (datasets, profiles) are started by their own routes,
    /// which build the payload from checked ids.
    fn public(&self) -> bool {
        true
    }

    /// Checks a payload for `workspace_id` (errors carry JSON paths under `payload`) and says what
    /// the job will need.
    async fn validate(
        &self,
        db: &Database,
        workspace_id: &str,
        payload: &serde_json::Value,
    ) -> Result<Resources, Vec<FieldError>>;

    /// Runs (or resumes, when `ctx.checkpoint()` is set) the job and returns its result.
    async fn run(&self, ctx: &JobContext) -> Result<serde_json::Value, JobError>;
}

/// Reads a job payload for [`JobKind::validate`], naming what is wrong under `payload`.
pub fn parse_payload<T: serde::de::DeserializeOwned>(payload: &serde_json::Value) -> Result<T, Vec<FieldError>> {
    serde_json::from_value(payload.clone()).map_err(|e| vec![FieldError::new("payload", e.to_string())])
}

/// The job kinds this build knows, by name.
#[derive(Clone)]
pub struct Registry {
    kinds: Arc<HashMap<&'static str, Arc<dyn JobKind>>>,
}

impl Registry {
    pub fn builtin() -> Self {
        let list: Vec<Arc<dyn JobKind>> = vec![
            Arc::new(blob_stats::BlobStats),
            Arc::new(datasets::ImportDataset),
            Arc::new(datasets::ProfileDataset),
            Arc::new(datasets::DeriveDataset),
            Arc::new(mixtures::MaterializeMixture),
            Arc::new(train::Train),
        ];
        Registry { kinds: Arc::new(list.into_iter().map(|k| (k.name(), k)).collect()) }
    }

    pub fn get(&self, name: &str) -> Option<Arc<dyn JobKind>> {
        self.kinds.get(name).cloned()
    }

    /// The kinds clients may start through `POST /jobs`.
    pub fn public(&self, name: &str) -> Option<Arc<dyn JobKind>> {
        self.get(name).filter(|k| k.public())
    }

    pub fn names(&self) -> Vec<&'static str> {
        let mut v: Vec<_> = self.kinds.iter().filter(|(_, k)| k.public()).map(|(n, _)| *n).collect();
        v.sort();
        v
    }
}

/// What a job needs from the process that runs it.
#[derive(Clone)]
pub struct JobEnv {
    pub db: Database,
    pub store: BlobStore,
    pub registry: Registry,
}
