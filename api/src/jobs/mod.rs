//! Jobs: slow work (profiling, materializing, training, evaluating…) run by workers from a shared
//! queue, with live progress.

use crate::ids::{JobId, WorkerId, WorkspaceId};
mod events;
mod kinds;

use serde::{Deserialize, Serialize};

pub use events::*;
pub use kinds::*;

use crate::FieldError;
use crate::validate::{self, Validate};

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
#[serde(try_from = "JobWire")]
pub struct Job {
    pub id: JobId,
    pub workspace_id: WorkspaceId,
    /// The kind and its payload: `{"kind": "train", "payload": {"run_id": …}}`.
    #[serde(flatten)]
    pub work: JobPayload,
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
    pub worker_id: Option<WorkerId>,
    pub heartbeat_at: Option<i64>,
    /// 0.0 – 1.0.
    pub progress: f64,
    /// None before the first progress report (`""` on the wire, as before phases were codes).
    #[serde(with = "phase_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub phase: Option<Phase>,
    pub counters: Counters,
    /// Set once the job succeeded; its type follows from the kind.
    pub result: Option<JobOutput>,
    pub error: Option<String>,
    /// The failure as a code with named arguments, where the job knows one (`nothing_imported`,
    /// a data error's code, …); absent for failures described only in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_detail: Option<crate::ErrorDetail>,
    pub cancel_requested: bool,
    pub has_checkpoint: bool,
}

impl Job {
    pub fn kind(&self) -> JobKind {
        self.work.kind()
    }
}

/// A job's phase as text: its code, or `""` before the first report.
mod phase_text {
    use serde::{Deserialize, Deserializer, Serializer};

    use super::Phase;

    pub fn serialize<S: Serializer>(p: &Option<Phase>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(p.map(Phase::as_str).unwrap_or(""))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Phase>, D::Error> {
        Ok(Option::<String>::deserialize(d)?.as_deref().and_then(Phase::parse))
    }
}

/// A job as it crosses the wire, before its result is read by kind.
#[derive(Deserialize)]
struct JobWire {
    id: JobId,
    workspace_id: WorkspaceId,
    #[serde(flatten)]
    work: JobPayload,
    state: JobState,
    priority: i64,
    needs_gpu: bool,
    memory_mb: i64,
    created_by: String,
    created_at: i64,
    started_at: Option<i64>,
    finished_at: Option<i64>,
    attempt: i64,
    max_attempts: i64,
    worker_id: Option<WorkerId>,
    heartbeat_at: Option<i64>,
    progress: f64,
    #[serde(with = "phase_text")]
    phase: Option<Phase>,
    counters: Counters,
    result: serde_json::Value,
    error: Option<String>,
    #[serde(default)]
    error_detail: Option<crate::ErrorDetail>,
    cancel_requested: bool,
    has_checkpoint: bool,
}

impl TryFrom<JobWire> for Job {
    type Error = String;

    fn try_from(w: JobWire) -> Result<Job, String> {
        let result = match w.result {
            serde_json::Value::Null => None,
            v => Some(JobOutput::parse(w.work.kind(), v).map_err(|e| format!("result: {e}"))?),
        };
        Ok(Job {
            id: w.id,
            workspace_id: w.workspace_id,
            work: w.work,
            state: w.state,
            priority: w.priority,
            needs_gpu: w.needs_gpu,
            memory_mb: w.memory_mb,
            created_by: w.created_by,
            created_at: w.created_at,
            started_at: w.started_at,
            finished_at: w.finished_at,
            attempt: w.attempt,
            max_attempts: w.max_attempts,
            worker_id: w.worker_id,
            heartbeat_at: w.heartbeat_at,
            progress: w.progress,
            phase: w.phase,
            counters: w.counters,
            result,
            error: w.error,
            error_detail: w.error_detail,
            cancel_requested: w.cancel_requested,
            has_checkpoint: w.has_checkpoint,
        })
    }
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
            e.push(validate::empty("kind"));
        }
        if !(-100..=100).contains(&self.priority) {
            e.push(FieldError::err(
                "priority",
                "out_of_range",
                &[("min", "-100".into()), ("max", "100".into())],
                "must be between -100 and 100",
            ));
        }
        e
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Worker {
    pub id: WorkerId,
    pub hostname: String,
    pub pid: i64,
    pub capabilities: Capabilities,
    pub slots: i64,
    pub started_at: i64,
    pub heartbeat_at: i64,
    pub heartbeat_age_ms: i64,
    pub current_jobs: Vec<String>,
    pub stopped_at: Option<i64>,
}

/// What a worker's machine offers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Capabilities {
    /// `cuda` or `cpu`.
    #[serde(default)]
    pub device: String,
    #[serde(default)]
    pub cpus: i64,
    #[serde(default)]
    pub memory_mb: i64,
    #[serde(default)]
    pub gpus: Vec<GpuInfo>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GpuInfo {
    pub name: String,
    pub memory_mb: i64,
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
