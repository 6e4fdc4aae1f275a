//! Jobs of a workspace: start, list, show, cancel, retry, and follow live (server-sent events).

use std::collections::VecDeque;
use std::convert::Infallible;
use std::time::Duration;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use polytune_api::{
    CreateJob, FieldError, Job, JobId, JobKind, JobOutput, JobPayload, JobState, PayloadError, Problem,
};
use serde::Deserialize;

use crate::auth::{WorkspaceEditor, WorkspaceViewer};
use crate::db::Scoped;
use crate::error::{ApiError, ApiResult};
use crate::http::extract::ApiJson;
use crate::http::paths::JobPath;
use crate::state::AppState;

/// Start a job (editors). The kind must be known and its payload valid for this workspace;
/// otherwise nothing is queued.
#[utoipa::path(post, path = "/workspaces/{workspace_id}/jobs", tag = "jobs", request_body = CreateJob,
    security(("session" = ["editor"]), ("api_token" = ["editor"])),
    params(("workspace_id" = String, Path)),
    responses((status = 201, body = Job), (status = 422, body = Problem), (status = 403, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    cap: WorkspaceEditor,
    ApiJson(req): ApiJson<CreateJob>,
) -> ApiResult<(StatusCode, Json<Job>)> {
    let known = || JobKind::ALL.into_iter().filter(|k| k.public()).map(JobKind::as_str).collect::<Vec<_>>().join(", ");
    let unknown = || {
        let allowed = known();
        ApiError::Validation(vec![FieldError::err(
            "kind",
            "unknown_value",
            &[("value", req.kind.trim().to_string()), ("allowed", allowed.clone())],
            format!("unknown job kind; known kinds: {allowed}"),
        )])
    };
    if !JobKind::parse(req.kind.trim()).is_some_and(JobKind::public) {
        return Err(unknown());
    }
    let payload = match JobPayload::parse(req.kind.trim(), req.payload) {
        Ok(p) => p,
        Err(PayloadError::UnknownKind(_)) => return Err(unknown()),
        Err(PayloadError::Invalid(e)) => {
            return Err(ApiError::Validation(vec![FieldError::err(
                "payload",
                "invalid_payload",
                &[("error", e.clone())],
                e,
            )]));
        }
    };
    let db = state.db.scoped(&cap);
    let resources = crate::jobs::validate(&db, &payload).await.map_err(ApiError::Validation)?;
    let resources = crate::jobs::Resources { priority: req.priority, ..resources };
    let id = crate::jobs::enqueue_payload(&db, &payload, &cap.actor.user.id, resources).await?;
    let job = db.job(&id).await?.ok_or(ApiError::NotFound)?;
    Ok((StatusCode::CREATED, Json(job)))
}

/// The workspace's jobs, newest first.
#[utoipa::path(get, path = "/workspaces/{workspace_id}/jobs", tag = "jobs",
    security(("session" = ["viewer"]), ("api_token" = ["viewer"])),
    params(("workspace_id" = String, Path)), responses((status = 200, body = Vec<Job>)))]
pub async fn list(State(state): State<AppState>, cap: WorkspaceViewer) -> ApiResult<Json<Vec<Job>>> {
    Ok(Json(state.db.scoped(&cap).jobs(200).await?))
}

async fn find(db: &Scoped, job_id: &JobId) -> ApiResult<Job> {
    db.job(job_id).await?.ok_or(ApiError::NotFound)
}

/// One job.
#[utoipa::path(get, path = "/workspaces/{workspace_id}/jobs/{job_id}", tag = "jobs",
    security(("session" = ["viewer"]), ("api_token" = ["viewer"])),
    params(("workspace_id" = String, Path), ("job_id" = String, Path)),
    responses((status = 200, body = Job), (status = 404, body = Problem)))]
pub async fn show(State(state): State<AppState>, cap: WorkspaceViewer, Path(p): Path<JobPath>) -> ApiResult<Json<Job>> {
    Ok(Json(find(&state.db.scoped(&cap), &p.job_id).await?))
}

/// Cancel a job (editors): a queued one at once, a running one at its next safe point.
#[utoipa::path(post, path = "/workspaces/{workspace_id}/jobs/{job_id}/cancel", tag = "jobs",
    security(("session" = ["editor"]), ("api_token" = ["editor"])),
    params(("workspace_id" = String, Path), ("job_id" = String, Path)),
    responses((status = 200, body = Job), (status = 409, body = Problem)))]
pub async fn cancel(
    State(state): State<AppState>,
    cap: WorkspaceEditor,
    Path(p): Path<JobPath>,
) -> ApiResult<Json<Job>> {
    let db = state.db.scoped(&cap);
    let job = find(&db, &p.job_id).await?;
    if db.cancel_job(&job.id).await?.is_none() {
        return Err(ApiError::Conflict(format!("the job is {} and cannot be cancelled", job.state.as_str())));
    }
    Ok(Json(find(&db, &job.id).await?))
}

/// Run a failed or cancelled job again (editors); it resumes from its last checkpoint.
#[utoipa::path(post, path = "/workspaces/{workspace_id}/jobs/{job_id}/retry", tag = "jobs",
    security(("session" = ["editor"]), ("api_token" = ["editor"])),
    params(("workspace_id" = String, Path), ("job_id" = String, Path)),
    responses((status = 200, body = Job), (status = 409, body = Problem)))]
pub async fn retry(
    State(state): State<AppState>,
    cap: WorkspaceEditor,
    Path(p): Path<JobPath>,
) -> ApiResult<Json<Job>> {
    let db = state.db.scoped(&cap);
    let job = find(&db, &p.job_id).await?;
    // Jobs that read the server's own folders were started by an administrator; so is their retry.
    let admin_only = matches!(job.kind(), JobKind::ServerImport | JobKind::RegisterModel);
    let is_admin = cap.actor.user.is_admin && matches!(cap.actor.session, crate::auth::Session::Cookie { .. });
    if admin_only && !is_admin {
        return Err(ApiError::Forbidden("Only administrators can run this job again."));
    }
    // An identifier is trained by an owner from the Settings page, as a new identifier.
    if job.kind() == JobKind::TrainIdentifier {
        return Err(ApiError::Conflict("Train the identifier again from the workspace's Settings page.".into()));
    }
    if !db.retry_job(&job.id).await? {
        return Err(ApiError::Conflict(format!(
            "the job is {}; only failed or cancelled jobs can be retried",
            job.state.as_str()
        )));
    }
    Ok(Json(find(&db, &job.id).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct After {
    /// Resume after this event id (browsers send `Last-Event-ID` instead when they reconnect);
    /// a negative value starts from now, without history.
    after: Option<i64>,
}

fn resume_point(headers: &HeaderMap, q: &After) -> i64 {
    headers.get("last-event-id").and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok()).or(q.after).unwrap_or(0)
}

/// Server-sent events for one job: `state`, `progress` and `log` events, each with its id, so a
/// reconnecting client resumes without gaps.
#[utoipa::path(get, path = "/workspaces/{workspace_id}/jobs/{job_id}/events", tag = "jobs",
    security(("session" = ["viewer"]), ("api_token" = ["viewer"])),
    params(("workspace_id" = String, Path), ("job_id" = String, Path), After),
    responses((status = 200, description = "text/event-stream of JobEvent")))]
pub async fn job_events(
    State(state): State<AppState>,
    cap: WorkspaceViewer,
    Path(p): Path<JobPath>,
    headers: HeaderMap,
    Query(q): Query<After>,
) -> ApiResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    let db = state.db.scoped(&cap);
    let job = find(&db, &p.job_id).await?;
    Ok(event_stream(db, Some(job.id), resume_point(&headers, &q)))
}

/// Server-sent events for every job of the workspace.
#[utoipa::path(get, path = "/workspaces/{workspace_id}/events", tag = "jobs",
    security(("session" = ["viewer"]), ("api_token" = ["viewer"])),
    params(("workspace_id" = String, Path), After),
    responses((status = 200, description = "text/event-stream of JobEvent")))]
pub async fn workspace_events(
    State(state): State<AppState>,
    cap: WorkspaceViewer,
    headers: HeaderMap,
    Query(q): Query<After>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    event_stream(state.db.scoped(&cap), None, resume_point(&headers, &q))
}

/// Polls the event table (the database is the bus: workers may be on other machines) every
/// 100 ms and forwards new rows in order.
fn event_stream(db: Scoped, job_id: Option<JobId>, after: i64) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let init = (db, job_id, after, VecDeque::new());
    let stream = futures_util::stream::unfold(init, |(db, job, mut after, mut buf)| async move {
        if after < 0 {
            after = db.last_job_event_id().await.unwrap_or(0);
        }
        loop {
            if let Some(e) = buf.pop_front() {
                let e: polytune_api::JobEvent = e;
                let event = Event::default()
                    .id(e.id.to_string())
                    .event(e.body.kind())
                    .data(serde_json::to_string(&e).unwrap_or_default());
                return Some((Ok(event), (db, job, after, buf)));
            }
            match db.job_events(job.as_ref(), after, 500).await {
                Ok(events) if !events.is_empty() => {
                    after = events.last().map(|e| e.id).unwrap_or(after);
                    buf.extend(events);
                }
                Ok(_) => tokio::time::sleep(Duration::from_millis(100)).await,
                Err(e) => {
                    tracing::warn!(error = %e, "event stream: database unavailable");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
    });
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

/// Download the file a finished job made (a run export).
#[utoipa::path(get, path = "/workspaces/{workspace_id}/jobs/{job_id}/file", tag = "jobs",
    security(("session" = ["viewer"]), ("api_token" = ["viewer"])),
    params(("workspace_id" = String, Path), ("job_id" = String, Path)),
    responses((status = 200, content_type = "application/octet-stream"), (status = 409, body = Problem)))]
pub async fn file(
    State(state): State<AppState>,
    cap: WorkspaceViewer,
    Path(p): Path<JobPath>,
) -> ApiResult<axum::response::Response> {
    let job = find(&state.db.scoped(&cap), &p.job_id).await?;
    let Some(JobOutput::ExportRun(out)) = &job.result else {
        return Err(ApiError::Conflict(match job.state {
            JobState::Succeeded => "this job made no file".into(),
            s => format!("the job is {}; its file is ready once it has succeeded", s.as_str()),
        }));
    };
    let file = state.jobs.store.open_async(&out.blob).await.map_err(|e| ApiError::Internal(e.into()))?;
    super::datasets::stream_attachment(file, out.bytes, &out.file_name, "application/x-tar")
}
