//! Evaluation: the task catalog, an estimate before launch, starting an evaluation of a model or
//! a run checkpoint (with its base as the reference row), results with intervals, the items
//! behind them, the forgetting matrix of tuned against base, and exports.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use polytune_api::{
    CreateEvaluation, EvalComparison, EvalItemPage, EvalResults, EvalSpec, EvalTask, EvaluateJob, Evaluation,
    EvaluationId, EvaluationStarted, JobState, ModelId, Problem, RunId,
};
use polytune_eval::report::{ALPHA, forgetting};
use serde::Deserialize;

use crate::auth::{WorkspaceEditor, WorkspaceViewer};
use crate::db::Scoped;
use crate::db::evaluations::NewEvaluation;
use crate::error::{ApiError, ApiResult};
use crate::evaluation::{catalog, fingerprint, plan};
use crate::http::extract::ApiJson;
use crate::http::paths::{ComparePath, EvaluationPath};
use crate::state::AppState;

use super::invalid;

/// The evaluation tasks of this workspace: the built-in ones, then those made from its files —
/// languages with their item counts, metrics, presets.
#[utoipa::path(get, path = "/workspaces/{workspace_id}/eval-tasks", tag = "evaluation",
    security(("session" = ["viewer"]), ("api_token" = ["viewer"])),
    params(("workspace_id" = String, Path)), responses((status = 200, body = Vec<EvalTask>)))]
pub async fn tasks(State(state): State<AppState>, cap: WorkspaceViewer) -> ApiResult<Json<Vec<EvalTask>>> {
    Ok(Json(catalog(&state.db.scoped(&cap)).await?))
}

/// What is being evaluated, checked: the model, and the run's checkpoint step (its newest when
/// none is named) with its label.
async fn target(db: &Scoped, req: &CreateEvaluation) -> ApiResult<(polytune_api::Model, Option<i64>, String)> {
    let (model, _) = db
        .model(&req.model_id)
        .await?
        .ok_or_else(|| invalid("model_id", "model_not_found", &[], "no such model in this workspace"))?;
    let Some(run_id) = &req.run_id else {
        let label = format!("{} (base)", model.name);
        return Ok((model, None, label));
    };
    let run = db
        .run(run_id)
        .await?
        .ok_or_else(|| invalid("run_id", "run_not_found", &[], "no such run in this workspace"))?;
    if run.model_id != model.id {
        return Err(invalid("run_id", "run_tuned_another_model", &[], "this run tuned another model"));
    }
    let checkpoints = db.checkpoints(run_id).await?;
    let step = match req.checkpoint_step {
        Some(s) if checkpoints.iter().any(|(c, _)| c.step == s) => s,
        Some(s) => {
            return Err(invalid(
                "checkpoint_step",
                "no_such_checkpoint",
                &[("step", s.to_string())],
                format!("this run has no checkpoint at step {s}"),
            ));
        }
        None => checkpoints
            .last()
            .map(|(c, _)| c.step)
            .ok_or_else(|| invalid("run_id", "run_has_no_checkpoint", &[], "this run has no checkpoint yet"))?,
    };
    let label = format!("{} · step {step}", run.name);
    Ok((model, Some(step), label))
}

/// What an evaluation would run: tasks, languages, items and the estimated time, before it costs
/// anything.
#[utoipa::path(post, path = "/workspaces/{workspace_id}/evaluations/estimate", tag = "evaluation",
    security(("session" = ["viewer"]), ("api_token" = ["viewer"])),
    params(("workspace_id" = String, Path)), request_body = CreateEvaluation,
    responses((status = 200, body = EvalSpec), (status = 422, body = Problem)))]
pub async fn estimate(
    State(state): State<AppState>,
    cap: WorkspaceViewer,
    ApiJson(req): ApiJson<CreateEvaluation>,
) -> ApiResult<Json<EvalSpec>> {
    let db = state.db.scoped(&cap);
    let (model, _, _) = target(&db, &req).await?;
    let mut spec = plan(&req, &model.info, &catalog(&db).await?).map_err(ApiError::Validation)?;
    if req.with_base {
        spec.items *= 2;
        spec.estimated_seconds *= 2.0;
    }
    Ok(Json(spec))
}

#[allow(clippy::too_many_arguments)]
async fn start(
    db: &Scoped,
    user: &str,
    model_id: &ModelId,
    run_id: Option<&RunId>,
    step: Option<i64>,
    label: &str,
    spec: &EvalSpec,
) -> ApiResult<Evaluation> {
    let id = EvaluationId::new(crate::db::new_id());
    let fp = fingerprint(model_id, run_id.map(|r| r.as_str()), step, spec);
    db.insert_evaluation(NewEvaluation {
        id: &id,
        model_id,
        run_id,
        checkpoint_step: step,
        label,
        spec,
        fingerprint: &fp,
        created_by: user,
    })
    .await?;
    let (_, Json(job)) = super::queued(db, EvaluateJob { evaluation_id: id.clone() }, user).await?;
    db.set_evaluation_job(&id, &job.id).await?;
    db.evaluation(&id).await?.ok_or(ApiError::NotFound)
}

/// Editors: evaluate a model, or a run's checkpoint of it — with `with_base`, its base model too
/// (an earlier evaluation of the base with the same settings is reused, not rerun). Answers with
/// the evaluations; each has a job to follow.
#[utoipa::path(post, path = "/workspaces/{workspace_id}/evaluations", tag = "evaluation",
    security(("session" = ["editor"]), ("api_token" = ["editor"])),
    params(("workspace_id" = String, Path)), request_body = CreateEvaluation,
    responses((status = 202, body = EvaluationStarted), (status = 422, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    cap: WorkspaceEditor,
    ApiJson(req): ApiJson<CreateEvaluation>,
) -> ApiResult<(StatusCode, Json<EvaluationStarted>)> {
    let db = state.db.scoped(&cap);
    let user = &cap.actor.user.id;
    let (model, step, label) = target(&db, &req).await?;
    let spec = plan(&req, &model.info, &catalog(&db).await?).map_err(ApiError::Validation)?;
    let (base, base_reused) = if req.with_base {
        let fp = fingerprint(&model.id, None, None, &spec);
        match db.evaluation_by_fingerprint(&fp).await? {
            Some(e) => (Some(e), true),
            None => {
                let base_label = format!("{} (base)", model.name);
                (Some(start(&db, user, &model.id, None, None, &base_label, &spec).await?), false)
            }
        }
    } else {
        (None, false)
    };
    let evaluation = start(&db, user, &model.id, req.run_id.as_ref(), step, &label, &spec).await?;
    Ok((StatusCode::ACCEPTED, Json(EvaluationStarted { evaluation, base, base_reused })))
}

/// The workspace's evaluations, newest first, with their state and progress.
#[utoipa::path(get, path = "/workspaces/{workspace_id}/evaluations", tag = "evaluation",
    security(("session" = ["viewer"]), ("api_token" = ["viewer"])),
    params(("workspace_id" = String, Path)), responses((status = 200, body = Vec<Evaluation>)))]
pub async fn list(State(state): State<AppState>, cap: WorkspaceViewer) -> ApiResult<Json<Vec<Evaluation>>> {
    Ok(Json(state.db.scoped(&cap).evaluations().await?))
}

async fn results(db: &Scoped, id: &EvaluationId) -> ApiResult<EvalResults> {
    let evaluation = db.evaluation(id).await?.ok_or(ApiError::NotFound)?;
    Ok(match db.evaluation_results(id).await? {
        Some(mut r) => {
            r.evaluation = evaluation;
            r
        }
        None => EvalResults { evaluation, scores: Vec::new(), macro_scores: Vec::new(), confusion: Vec::new() },
    })
}

/// An evaluation with its scores per task, language and metric (with 95 % intervals), macro
/// averages and the fidelity confusion table (empty until it finished).
#[utoipa::path(get, path = "/workspaces/{workspace_id}/evaluations/{evaluation_id}", tag = "evaluation",
    security(("session" = ["viewer"]), ("api_token" = ["viewer"])),
    params(("workspace_id" = String, Path), ("evaluation_id" = String, Path)),
    responses((status = 200, body = EvalResults)))]
pub async fn show(
    State(state): State<AppState>,
    cap: WorkspaceViewer,
    Path(p): Path<EvaluationPath>,
) -> ApiResult<Json<EvalResults>> {
    let id = p.evaluation_id;
    Ok(Json(results(&state.db.scoped(&cap), &id).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ItemQuery {
    /// Only this task.
    pub task: Option<String>,
    /// Only this language (canonical code).
    pub language: Option<String>,
    #[serde(default)]
    pub offset: usize,
    /// At most 200 (default 50).
    pub limit: Option<usize>,
}

/// The scored items of an evaluation: prompt, answer, expected answer, scores and the detected
/// language of the answer.
#[utoipa::path(get, path = "/workspaces/{workspace_id}/evaluations/{evaluation_id}/items", tag = "evaluation",
    security(("session" = ["viewer"]), ("api_token" = ["viewer"])),
    params(("workspace_id" = String, Path), ("evaluation_id" = String, Path), ItemQuery),
    responses((status = 200, body = EvalItemPage)))]
pub async fn items(
    State(state): State<AppState>,
    cap: WorkspaceViewer,
    Path(p): Path<EvaluationPath>,
    Query(q): Query<ItemQuery>,
) -> ApiResult<Json<EvalItemPage>> {
    let id = p.evaluation_id;
    let db = state.db.scoped(&cap);
    db.evaluation(&id).await?.ok_or(ApiError::NotFound)?;
    let limit = q.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(invalid(
            "limit",
            "out_of_range",
            &[("min", "1".into()), ("max", "200".into())],
            "between 1 and 200 items per page",
        ));
    }
    let (items, total) = db.eval_items(&id, q.task.as_deref(), q.language.as_deref(), q.offset, limit).await?;
    Ok(Json(EvalItemPage { items, total }))
}

/// The forgetting matrix: this evaluation (the tuned model) minus `base_id` per task, language
/// and metric, on the items both scored, with an exact McNemar test per cell, Holm-corrected
/// across the table; cells say gain, regression or within noise.
#[utoipa::path(get, path = "/workspaces/{workspace_id}/evaluations/{evaluation_id}/compare/{base_id}", tag = "evaluation",
    security(("session" = ["viewer"]), ("api_token" = ["viewer"])),
    params(("workspace_id" = String, Path), ("evaluation_id" = String, Path), ("base_id" = String, Path)),
    responses((status = 200, body = EvalComparison), (status = 422, body = Problem)))]
pub async fn compare(
    State(state): State<AppState>,
    cap: WorkspaceViewer,
    Path(p): Path<ComparePath>,
) -> ApiResult<Json<EvalComparison>> {
    let (id, base_id) = (p.evaluation_id, p.base_id);
    let db = state.db.scoped(&cap);
    let tuned = db.evaluation(&id).await?.ok_or(ApiError::NotFound)?;
    let base = db.evaluation(&base_id).await?.ok_or(ApiError::NotFound)?;
    let differs =
        |t: &polytune_api::EvalTaskRun| base.spec.tasks.iter().any(|b| b.task == t.task && b.version != t.version);
    if tuned.spec.tasks.iter().any(differs) {
        return Err(invalid(
            "base_id",
            "task_versions_differ",
            &[],
            "the two evaluations used different versions of a task",
        ));
    }
    let cells = forgetting(&db.item_scores(&base.id).await?, &db.item_scores(&tuned.id).await?);
    Ok(Json(EvalComparison { base, tuned, cells, alpha: ALPHA }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ExportQuery {
    /// `csv` (one row per task, language and metric) or `json` (the results with every item).
    pub format: Option<String>,
}

/// CSV fields are quoted when they hold a comma, quote or line break.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
}

/// Download an evaluation's scores: CSV (task, language, metric, n, value, 95 % interval) or JSON
/// (the results and every scored item).
#[utoipa::path(get, path = "/workspaces/{workspace_id}/evaluations/{evaluation_id}/export", tag = "evaluation",
    security(("session" = ["viewer"]), ("api_token" = ["viewer"])),
    params(("workspace_id" = String, Path), ("evaluation_id" = String, Path), ExportQuery),
    responses((status = 200, description = "text/csv or application/json"), (status = 422, body = Problem)))]
pub async fn export(
    State(state): State<AppState>,
    cap: WorkspaceViewer,
    Path(p): Path<EvaluationPath>,
    Query(q): Query<ExportQuery>,
) -> ApiResult<Response> {
    let id = p.evaluation_id;
    let db = state.db.scoped(&cap);
    let r = results(&db, &id).await?;
    if r.evaluation.state != JobState::Succeeded {
        return Err(invalid("evaluation_id", "evaluation_not_finished", &[], "the evaluation has not finished"));
    }
    let stem = format!("evaluation-{}", &id[..id.len().min(8)]);
    match q.format.as_deref().unwrap_or("csv") {
        "csv" => {
            let mut out = String::from("evaluation,model,task,language,metric,n,value,ci_low,ci_high\n");
            for s in &r.scores {
                out.push_str(&format!(
                    "{},{},{},{},{},{},{:.6},{:.6},{:.6}\n",
                    r.evaluation.id,
                    csv_field(&r.evaluation.label),
                    s.task,
                    s.language,
                    s.metric,
                    s.n,
                    s.value,
                    s.lo,
                    s.hi
                ));
            }
            Ok((
                [
                    (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                    (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{stem}.csv\"")),
                ],
                out,
            )
                .into_response())
        }
        "json" => {
            let (items, _) = db.eval_items(&id, None, None, 0, usize::MAX >> 1).await?;
            let body = serde_json::json!({ "results": r, "items": items });
            Ok((
                [
                    (header::CONTENT_TYPE, "application/json".to_string()),
                    (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{stem}.json\"")),
                ],
                body.to_string(),
            )
                .into_response())
        }
        other => Err(invalid(
            "format",
            "unknown_value",
            &[("value", other.to_string()), ("allowed", "csv, json".into())],
            format!("'{other}' is not csv or json"),
        )),
    }
}
