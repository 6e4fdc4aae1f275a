//! The handle a running job uses to talk to the queue.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use polytune_api::{Counters, EventBody, JobId, JobProgress, LogLine, Phase, WorkspaceId};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::JobEnv;
use crate::db::{DbError, Scoped, WorkspaceProof};

#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// Someone asked to cancel; the job stopped at a safe point.
    #[error("cancelled")]
    Cancelled,
    /// The worker is shutting down; the job stopped after a checkpoint and goes back to the queue.
    #[error("worker stopping")]
    Released,
    /// Another attempt owns the job now (this worker's lease expired).
    #[error("lease lost")]
    LeaseLost,
    /// The job failed; the message says why, in words a person can act on (and as a code with
    /// arguments where the job knows one).
    #[error("{0}")]
    Failed(super::Failure),
}

impl From<super::Cause> for JobError {
    fn from(c: super::Cause) -> JobError {
        JobError::Failed(c.into())
    }
}

/// Shared flags between a running job, its lease keeper and its worker.
#[derive(Debug, Default)]
pub struct Flags {
    pub cancel: AtomicBool,
    pub lost: AtomicBool,
    pub stopping: AtomicBool,
}

/// Which job is running and in which workspace, from the claimed job row: the worker-side
/// counterpart of a request's workspace capability. Every record a job reads or writes belongs
/// to `workspace_id`.
#[derive(Debug, Clone)]
pub struct JobScope {
    pub job_id: JobId,
    pub workspace_id: WorkspaceId,
}

impl WorkspaceProof for JobScope {
    fn proven_workspace(&self) -> &WorkspaceId {
        &self.workspace_id
    }
}

pub struct JobContext {
    pub(crate) env: JobEnv,
    pub scope: JobScope,
    pub worker_id: String,
    pub attempt: i64,
    pub(crate) checkpoint: Option<String>,
    pub(crate) flags: Arc<Flags>,
    pub(crate) lease: Duration,
}

impl JobContext {
    fn owner(&self) -> (&str, &str, i64) {
        (&self.scope.job_id, &self.worker_id, self.attempt)
    }

    /// The job's id.
    pub fn id(&self) -> &JobId {
        &self.scope.job_id
    }

    /// The workspace the job belongs to.
    pub fn workspace_id(&self) -> &WorkspaceId {
        &self.scope.workspace_id
    }

    /// The database as this job may see it: its own workspace's rows only.
    pub fn db(&self) -> Scoped {
        self.env.db.scoped(&self.scope)
    }

    pub fn env(&self) -> &JobEnv {
        &self.env
    }

    /// The state saved by the last checkpoint of an earlier attempt, if any.
    pub fn checkpoint<T: DeserializeOwned>(&self) -> Option<T> {
        self.checkpoint.as_deref().and_then(|s| serde_json::from_str(s).ok())
    }

    /// Errs when the job must stop now: cancelled or lease lost. Call it at safe points.
    pub fn check(&self) -> Result<(), JobError> {
        if self.flags.lost.load(Ordering::SeqCst) {
            Err(JobError::LeaseLost)
        } else if self.flags.cancel.load(Ordering::SeqCst) {
            Err(JobError::Cancelled)
        } else {
            Ok(())
        }
    }

    /// Whether the worker wants the job to stop after its next checkpoint.
    pub fn stopping(&self) -> bool {
        self.flags.stopping.load(Ordering::SeqCst)
    }

    /// Retries a database write while the database is unreachable, for as long as the lease
    /// could still be ours; a job whose write is refused for ownership has lost its lease.
    async fn persist<F, Fut>(&self, mut write: F) -> Result<(), JobError>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<bool, DbError>>,
    {
        let start = Instant::now();
        loop {
            match write().await {
                Ok(true) => return Ok(()),
                Ok(false) => {
                    self.flags.lost.store(true, Ordering::SeqCst);
                    return Err(JobError::LeaseLost);
                }
                Err(e) if start.elapsed() < self.lease => {
                    tracing::warn!(job = %self.scope.job_id, error = %e, "database write failed; retrying");
                    tokio::time::sleep(Duration::from_millis(250)).await;
                }
                Err(e) => {
                    tracing::warn!(job = %self.scope.job_id, error = %e, "database unreachable for longer than the lease");
                    self.flags.lost.store(true, Ordering::SeqCst);
                    return Err(JobError::LeaseLost);
                }
            }
        }
    }

    /// Reports progress (0–1), the current phase and counters (e.g. rows, bytes).
    pub async fn progress(&self, fraction: f64, phase: Phase, counters: Counters) -> Result<(), JobError> {
        let fraction = if fraction.is_finite() { fraction.clamp(0.0, 1.0) } else { 0.0 };
        let report = JobProgress { fraction, phase: Some(phase), counters };
        let flags = &self.flags;
        self.persist(|| async {
            let r = self.env.db.job_progress(self.owner(), &self.scope.workspace_id, &report).await?;
            if r == Some(true) {
                flags.cancel.store(true, Ordering::SeqCst);
            }
            Ok(r.is_some())
        })
        .await?;
        self.check()
    }

    /// Saves the state from which a later attempt can resume. After it, the job stops if it was
    /// cancelled or the worker is shutting down.
    pub async fn save_checkpoint<T: Serialize>(&self, state: &T) -> Result<(), JobError> {
        let text =
            serde_json::to_string(state).map_err(|e| super::Cause::CheckpointUnwritable { error: e.to_string() })?;
        self.persist(|| self.env.db.job_checkpoint(self.owner(), &text)).await?;
        self.check()?;
        if self.stopping() {
            return Err(JobError::Released);
        }
        Ok(())
    }

    /// A line for the job's log.
    pub async fn log(&self, message: &str) {
        let body =
            EventBody::Log(LogLine { attempt: Some(self.attempt), worker_id: Some(self.worker_id.as_str().into()) });
        if let Err(e) = self.env.db.job_event(&self.scope.job_id, &self.scope.workspace_id, message, &body).await {
            tracing::warn!(job = %self.scope.job_id, error = %e, "could not write a log line");
        }
    }
}
