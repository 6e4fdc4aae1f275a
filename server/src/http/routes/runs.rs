//! Training runs: start one (a model tuned on a dataset version), list them, read one with its
//! points and checkpoints, export it.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use polytune_api::{CreateRun, ExportRunJob, Job, JobId, Problem, Run, RunDetail, RunId};

use crate::auth::{WorkspaceEditor, WorkspaceViewer};
use crate::error::{ApiError, ApiResult};
use crate::http::extract::ApiJson;
use crate::http::paths::RunPath;
use crate::state::AppState;

use super::invalid;
use super::models::{checkpoint, missing_checkpoint};

/// The training runs of a workspace, newest first.
#[utoipa::path(get, path = "/workspaces/{workspace_id}/runs", tag = "models",
    security(("session" = ["viewer"]), ("api_token" = ["viewer"])),
    params(("workspace_id" = String, Path)), responses((status = 200, body = [Run])))]
pub async fn runs(State(state): State<AppState>, cap: WorkspaceViewer) -> ApiResult<Json<Vec<Run>>> {
    Ok(Json(state.db.scoped(&cap).runs().await?))
}

/// Start a training run: the model tuned on a dataset version with the given settings.
#[utoipa::path(post, path = "/workspaces/{workspace_id}/runs", tag = "models",
    security(("session" = ["editor"]), ("api_token" = ["editor"])),
    params(("workspace_id" = String, Path)), request_body = CreateRun,
    responses((status = 202, body = Run), (status = 422, body = Problem)))]
pub async fn create_run(
    State(state): State<AppState>,
    cap: WorkspaceEditor,
    ApiJson(req): ApiJson<CreateRun>,
) -> ApiResult<(StatusCode, Json<Run>)> {
    let (model, _) = state
        .db
        .scoped(&cap)
        .model(&req.model_id)
        .await?
        .ok_or_else(|| invalid("model_id", "model_not_found", &[], "no such model in this workspace"))?;
    state.db.scoped(&cap).version(&req.dataset_version_id).await?.ok_or_else(|| {
        invalid("dataset_version_id", "version_not_found", &[], "no such dataset version in this workspace")
    })?;
    if req.spec.seq_len > model.info.context_length {
        return Err(invalid(
            "spec.seq_len",
            "seq_len_above_context",
            &[("max", model.info.context_length.to_string())],
            format!("the model reads at most {} tokens", model.info.context_length),
        ));
    }
    if state.db.scoped(&cap).evaluation_sets().await?.contains(&req.dataset_version_id) {
        return Err(invalid(
            "dataset_version_id",
            "registered_evaluation_set",
            &[],
            "this version is registered as an evaluation set; it cannot be trained on",
        ));
    }
    if let Some(c) = &req.continue_from {
        let earlier =
            state.db.scoped(&cap).run(&c.run_id).await?.ok_or_else(|| {
                invalid("continue_from.run_id", "run_not_found", &[], "no such run in this workspace")
            })?;
        if earlier.model_id != req.model_id {
            return Err(invalid(
                "continue_from.run_id",
                "run_tuned_another_model",
                &[],
                "that run tuned another base model",
            ));
        }
        req.spec
            .can_continue(&earlier.spec)
            .map_err(|why| invalid("continue_from.run_id", "cannot_continue", &[], why))?;
        if state.db.scoped(&cap).checkpoints(&earlier.id).await?.is_empty() {
            return Err(invalid(
                "continue_from.run_id",
                "run_has_no_checkpoint",
                &[],
                "that run has no checkpoint yet",
            ));
        }
    }
    let mixture_id = state.db.scoped(&cap).mixture_of_version(&req.dataset_version_id).await?.map(|m| m.id);
    let db = state.db.scoped(&cap);
    let id = RunId::new(crate::db::new_id());
    // The run row first, then its job: a job never points at a missing run.
    let job_id = JobId::new(crate::db::new_id());
    db.insert_run(
        &id,
        req.name.trim(),
        &req.model_id,
        &req.dataset_version_id,
        &req.spec,
        &job_id,
        mixture_id.as_ref(),
        req.continue_from.as_ref(),
        &cap.actor.user.id,
    )
    .await?;
    let queued = crate::jobs::train::enqueue(&db, &id, &cap.actor.user.id).await?;
    db.set_run_job(&id, &queued).await?;
    let run = state.db.scoped(&cap).run(&id).await?.ok_or(ApiError::NotFound)?;
    Ok((StatusCode::ACCEPTED, Json(run)))
}

/// A run with every reported step and validation, and its checkpoints.
#[utoipa::path(get, path = "/workspaces/{workspace_id}/runs/{run_id}", tag = "models",
    security(("session" = ["viewer"]), ("api_token" = ["viewer"])),
    params(("workspace_id" = String, Path), ("run_id" = String, Path)), responses((status = 200, body = RunDetail)))]
pub async fn run(
    State(state): State<AppState>,
    cap: WorkspaceViewer,
    Path(p): Path<RunPath>,
) -> ApiResult<Json<RunDetail>> {
    let db = state.db.scoped(&cap);
    let run = db.run(&p.run_id).await?.ok_or(ApiError::NotFound)?;
    let points = db.run_points(&run.id).await?;
    let checkpoints = db.checkpoints(&run.id).await?.into_iter().map(|(c, _)| c).collect();
    Ok(Json(RunDetail { run, points, checkpoints }))
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
pub struct ExportQuery {
    /// `merged` (full weights with the adapter folded in) or `adapter` (PEFT, LoRA runs only).
    pub kind: Option<String>,
    /// A checkpoint's step; the newest when absent.
    pub step: Option<i64>,
}

/// Export a run's checkpoint as a Hugging Face directory in a tar archive: merged weights, or the
/// LoRA adapter alone (PEFT's adapter_config.json + adapter_model.safetensors), with tokenizer
/// files. Answers with the job that builds it; `GET …/jobs/{job_id}/file` then downloads it.
#[utoipa::path(post, path = "/workspaces/{workspace_id}/runs/{run_id}/export", tag = "models",
    security(("session" = ["editor"]), ("api_token" = ["editor"])),
    params(("workspace_id" = String, Path), ("run_id" = String, Path), ExportQuery),
    responses((status = 202, body = Job), (status = 422, body = Problem)))]
pub async fn export_run(
    State(state): State<AppState>,
    cap: WorkspaceEditor,
    Path(p): Path<RunPath>,
    axum::extract::Query(q): axum::extract::Query<ExportQuery>,
) -> ApiResult<(StatusCode, Json<Job>)> {
    let db = state.db.scoped(&cap);
    let run = db.run(&p.run_id).await?.ok_or(ApiError::NotFound)?;
    let adapter = match q.kind.as_deref().unwrap_or("merged") {
        "merged" => false,
        "adapter" if run.spec.method == polytune_api::TuneMethod::Lora => true,
        "adapter" => {
            return Err(invalid(
                "kind",
                "adapter_needs_lora",
                &[],
                "this run tuned every weight: export merged weights",
            ));
        }
        other => {
            return Err(invalid(
                "kind",
                "unknown_value",
                &[("value", other.to_string()), ("allowed", "merged, adapter".into())],
                format!("“{other}” is not an export; use merged or adapter"),
            ));
        }
    };
    let chosen = checkpoint(&db, &run.id, q.step).await?;
    let (ck, _) = chosen.ok_or_else(|| missing_checkpoint("step", q.step, "this run has no such checkpoint"))?;
    let job = ExportRunJob { run_id: run.id, adapter, step: ck.step, user_id: cap.actor.user.id.clone() };
    super::queued(&db, job, &cap.actor.user.id).await
}
