//! Jobs: slow work (profiling, materializing, training, evaluating…) run by workers from a shared
//! queue, with live progress.

use serde::{Deserialize, Serialize};

use crate::FieldError;
use crate::validate::Validate;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    Queued,
    Running,
    Succeeded,
    Failed,
    Cancelled,
}

impl JobState {
    pub const ALL: [JobState; 5] =
        [JobState::Queued, JobState::Running, JobState::Succeeded, JobState::Failed, JobState::Cancelled];

    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Succeeded => "succeeded",
            JobState::Failed => "failed",
            JobState::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<JobState> {
        JobState::ALL.into_iter().find(|j| j.as_str() == s)
    }

    pub fn is_finished(self) -> bool {
        matches!(self, JobState::Succeeded | JobState::Failed | JobState::Cancelled)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Job {
    pub id: String,
    pub workspace_id: String,
    pub kind: String,
    pub payload: serde_json::Value,
    pub state: JobState,
    pub priority: i64,
    pub needs_gpu: bool,
    pub memory_mb: i64,
    /// Email of who started it.
    pub created_by: String,
    pub created_at: i64,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
    pub attempt: i64,
    pub max_attempts: i64,
    pub worker_id: Option<String>,
    pub heartbeat_at: Option<i64>,
    /// 0.0 – 1.0.
    pub progress: f64,
    pub phase: String,
    /// Kind-specific counts, e.g. `{"bytes": 1024, "rows": 10}`.
    pub counters: serde_json::Value,
    pub result: serde_json::Value,
    pub error: Option<String>,
    pub cancel_requested: bool,
    pub has_checkpoint: bool,
}

/// One entry of a job's event stream (state changes, progress, log lines).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JobEvent {
    pub id: i64,
    pub job_id: String,
    pub at: i64,
    /// `state`, `progress` or `log`.
    pub kind: String,
    pub message: String,
    pub data: serde_json::Value,
}

/// `POST /api/v1/workspaces/{id}/jobs`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateJob {
    pub kind: String,
    #[serde(default)]
    pub payload: serde_json::Value,
    #[serde(default)]
    pub priority: i64,
}

impl Validate for CreateJob {
    fn validate(&self) -> Vec<FieldError> {
        let mut e = Vec::new();
        if self.kind.trim().is_empty() {
            e.push(FieldError::new("kind", "must not be empty"));
        }
        if !(-100..=100).contains(&self.priority) {
            e.push(FieldError::new("priority", "must be between -100 and 100"));
        }
        e
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Worker {
    pub id: String,
    pub hostname: String,
    pub pid: i64,
    /// e.g. `{"cpus": 2, "memory_mb": 24000, "gpus": [{"name": "NVIDIA H100", "memory_mb": 81559}]}`.
    pub capabilities: serde_json::Value,
    pub slots: i64,
    pub started_at: i64,
    pub heartbeat_at: i64,
    pub heartbeat_age_ms: i64,
    pub current_jobs: Vec<String>,
    pub stopped_at: Option<i64>,
}

/// A stored blob: content-addressed by SHA-256.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Blob {
    pub sha256: String,
    pub bytes: i64,
    pub name: String,
    pub created_at: i64,
}
