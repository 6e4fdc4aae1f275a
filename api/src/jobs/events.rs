//! What a running job reports (progress with a phase code and counters) and its event stream
//! (state changes, progress, log lines), one type each for the server that writes them and the
//! app that shows them. Phases are codes the app words in the person's language.

use crate::ids::{JobId, WorkerId};
use serde::{Deserialize, Serialize};

use super::JobState;

/// What a job is doing now. The app shows each in words from its catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Claimed by a worker, before the kind's first report.
    Starting,
    /// Released by a stopping worker, back in the queue.
    #[serde(alias = "waiting for a worker")]
    WaitingForWorker,
    Reading,
    Profiling,
    Filtering,
    /// Written as "drawing examples" before phases were codes.
    #[serde(alias = "drawing examples")]
    DrawingExamples,
    Training,
    Evaluating,
    Done,
    /// A phase this version does not know (written by a newer one).
    #[serde(other)]
    Other,
}

impl Phase {
    /// Reads the `phase` column: empty before the first progress report.
    pub fn parse(s: &str) -> Option<Phase> {
        if s.is_empty() { None } else { serde_json::from_value(serde_json::Value::String(s.into())).ok() }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Starting => "starting",
            Phase::WaitingForWorker => "waiting_for_worker",
            Phase::Reading => "reading",
            Phase::Profiling => "profiling",
            Phase::Filtering => "filtering",
            Phase::DrawingExamples => "drawing_examples",
            Phase::Training => "training",
            Phase::Evaluating => "evaluating",
            Phase::Done => "done",
            Phase::Other => "other",
        }
    }
}

/// Counts a job reports with its progress; each kind fills the ones that mean something for it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Counters {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bytes: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_bytes: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bytes_per_sec: Option<f64>,
    /// Lines of a file (`blob_stats`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rows: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chunks: Option<u64>,
    /// Records read from an imported file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub records: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub examples: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_examples: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub examples_per_sec: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_steps: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loss: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tokens_per_second: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eta_seconds: Option<f64>,
}

/// A progress report: how far (0–1), doing what, and the counts so far.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JobProgress {
    pub fraction: f64,
    #[serde(default)]
    pub phase: Option<Phase>,
    #[serde(default)]
    pub counters: Counters,
}

/// A state change of a job (queued, claimed by a worker, finished, re-queued for a retry).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StateChange {
    pub state: JobState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub worker_id: Option<WorkerId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempt: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The failure as a code with named arguments, where there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_detail: Option<crate::ErrorDetail>,
    /// A failed attempt that goes back to the queue.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub retrying: bool,
}

impl StateChange {
    pub fn to(state: JobState) -> StateChange {
        StateChange { state, worker_id: None, attempt: None, error: None, error_detail: None, retrying: false }
    }
}

/// Who wrote a log line (the message is the line).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LogLine {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempt: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub worker_id: Option<WorkerId>,
}

/// An event's kind and data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", content = "data", rename_all = "snake_case")]
pub enum EventBody {
    State(StateChange),
    Progress(JobProgress),
    Log(LogLine),
}

impl EventBody {
    /// The `kind` column and server-sent event name.
    pub fn kind(&self) -> &'static str {
        match self {
            EventBody::State(_) => "state",
            EventBody::Progress(_) => "progress",
            EventBody::Log(_) => "log",
        }
    }

    /// Reads a stored event (its kind and its data as JSON text).
    pub fn parse(kind: &str, data: &str) -> Result<EventBody, serde_json::Error> {
        Ok(match kind {
            "state" => EventBody::State(serde_json::from_str(data)?),
            "progress" => EventBody::Progress(serde_json::from_str(data)?),
            _ => EventBody::Log(serde_json::from_str(data).unwrap_or_default()),
        })
    }

    /// The data alone, as stored in the `data` column.
    pub fn data_json(&self) -> String {
        match self {
            EventBody::State(s) => serde_json::to_string(s),
            EventBody::Progress(p) => serde_json::to_string(p),
            EventBody::Log(l) => serde_json::to_string(l),
        }
        .unwrap_or_default()
    }
}

/// One entry of a job's event stream.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JobEvent {
    pub id: i64,
    pub job_id: JobId,
    pub at: i64,
    pub message: String,
    #[serde(flatten)]
    pub body: EventBody,
}

impl JobEvent {
    /// `state`, `progress` or `log`: the server-sent event's name.
    pub fn kind(&self) -> &'static str {
        self.body.kind()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Events and phases as the version before these types stored them still read.
    #[test]
    fn stored_events_read() {
        let s = EventBody::parse("state", r#"{"state":"running","worker_id":"w","attempt":2}"#).unwrap();
        assert!(matches!(&s, EventBody::State(c) if c.state == JobState::Running && c.attempt == Some(2)));
        let p = EventBody::parse(
            "progress",
            r#"{"fraction":0.5,"phase":"drawing examples","counters":{"examples":3,"unknown":1}}"#,
        )
        .unwrap();
        let EventBody::Progress(p) = p else { panic!("{p:?}") };
        assert_eq!(p.phase, Some(Phase::DrawingExamples));
        assert_eq!(p.counters.examples, Some(3));
        assert!(matches!(EventBody::parse("log", "{}").unwrap(), EventBody::Log(_)));
        assert!(EventBody::parse("state", r#"{"nope":1}"#).is_err());
        assert_eq!(Phase::parse(""), None);
        assert_eq!(Phase::parse("brand new"), Some(Phase::Other));
        let e = JobEvent { id: 1, job_id: "j".into(), at: 5, message: "m".into(), body: s };
        let wire = serde_json::to_value(&e).unwrap();
        assert_eq!(wire["kind"], "state");
        assert_eq!(wire["data"]["state"], "running");
        assert_eq!(serde_json::from_value::<JobEvent>(wire).unwrap(), e);
    }
}
