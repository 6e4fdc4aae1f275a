//! Mixtures: the builder's catalog (per-language aggregates), recipes and their materialization,
//! augmentation templates, evaluation sets, and what the run wizard needs to estimate a run.

use std::io::BufRead;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use polytune_api::{
    AugmentPreview, AugmentTemplate, Augmentation, ComputeInfo, CountTokens, CreateMixture, Example, FieldError, JobId,
    JobState, Mixture, MixtureCatalog, MixtureId, MixtureSpec, MixtureState, ModelId, Problem, RegisterEvaluationSet,
    Shares, SourceFacts, TokenCounting, Validate, VersionId, builtin_templates, estimate_time, plan, render_augmented,
};

use crate::auth::{WorkspaceEditor, WorkspaceViewer};
use crate::db::Scoped;
use crate::error::{ApiError, ApiResult};
use crate::http::extract::ApiJson;
use crate::http::paths::{MixturePath, ModelPath, TemplatePath, VersionPath};
use crate::state::AppState;

use super::{blocking, invalid};

fn prefixed(prefix: &str, errors: Vec<FieldError>) -> ApiError {
    ApiError::Validation(errors.into_iter().map(|e| FieldError { path: format!("{prefix}{}", e.path), ..e }).collect())
}

/// A field whose dataset version could not be read (`version_unreadable` {error}).
fn unreadable(path: &str, error: String) -> FieldError {
    FieldError::err(path, "version_unreadable", &[("error", error.clone())], error)
}

/// A mixture whose job ended without a result shows as failed.
async fn with_job_state(db: &Scoped, mut m: Mixture) -> ApiResult<Mixture> {
    if m.state == MixtureState::Materializing
        && let Some(job) = db.job(&m.job_id).await?
        && matches!(job.state, JobState::Failed | JobState::Cancelled)
    {
        m.state = MixtureState::Failed;
    }
    Ok(m)
}

/// Everything the mixture builder needs: every dataset version with its per-language counts,
/// and the augmentation templates (built-in first).
#[utoipa::path(get, path = "/workspaces/{workspace_id}/mixtures/catalog", tag = "mixtures",
    security(("session" = ["viewer"]), ("api_token" = ["viewer"])),
    params(("workspace_id" = String, Path)), responses((status = 200, body = MixtureCatalog)))]
pub async fn catalog(State(state): State<AppState>, cap: WorkspaceViewer) -> ApiResult<Json<MixtureCatalog>> {
    let db = state.db.scoped(&cap);
    let sources = db.mixture_sources().await?;
    let mut templates = builtin_templates();
    templates.extend(db.templates().await?);
    Ok(Json(MixtureCatalog { sources, templates }))
}

/// The mixtures of a workspace, newest first.
#[utoipa::path(get, path = "/workspaces/{workspace_id}/mixtures", tag = "mixtures",
    security(("session" = ["viewer"]), ("api_token" = ["viewer"])),
    params(("workspace_id" = String, Path)), responses((status = 200, body = [Mixture])))]
pub async fn list(State(state): State<AppState>, cap: WorkspaceViewer) -> ApiResult<Json<Vec<Mixture>>> {
    let db = state.db.scoped(&cap);
    let mut out = Vec::new();
    for m in db.mixtures().await? {
        out.push(with_job_state(&db, m).await?);
    }
    Ok(Json(out))
}

/// Reads the first `n` examples of a version.
fn head(path: std::path::PathBuf, n: usize) -> Result<Vec<Example>, String> {
    let file = std::fs::File::open(&path).map_err(|e| format!("the stored data cannot be read: {e}"))?;
    let mut out = Vec::new();
    for (i, line) in std::io::BufReader::new(file).lines().enumerate() {
        if out.len() >= n {
            break;
        }
        let line = line.map_err(|e| format!("the stored data cannot be read: {e}"))?;
        if line.trim().is_empty() {
            continue;
        }
        out.push(serde_json::from_str(&line).map_err(|e| format!("example {i} is damaged: {e}"))?);
    }
    Ok(out)
}

/// Renders the first `count` rows of an augmentation (with its shots). Errors name the input.
async fn render_head(
    state: &AppState,
    db: &Scoped,
    a: &Augmentation,
    sources: &[SourceFacts],
    count: usize,
) -> Result<Vec<Example>, FieldError> {
    let mut columns = Vec::new();
    for role in &a.template.roles {
        let id = &VersionId::from(&a.inputs[role]);
        let path = format!("inputs.{role}");
        let v = db.version(id).await.map_err(|e| unreadable(&path, e.to_string()))?.ok_or_else(|| {
            FieldError::err(&path, "version_not_found", &[], "this dataset version is not in the workspace")
        })?;
        let language =
            sources.iter().find(|s| s.version_id == *id).and_then(|s| s.main_language()).unwrap_or("und").to_string();
        let file = state.jobs.store.local_copy(&v.blob).map_err(|e| unreadable(&path, e.to_string()))?.into_path();
        let n = count + a.shots;
        let rows = tokio::task::spawn_blocking(move || head(file, n))
            .await
            .map_err(|e| unreadable(&path, e.to_string()))?
            .map_err(|e| unreadable(&path, e))?;
        columns.push((role.clone(), language, rows));
    }
    let rows = columns.iter().map(|c| c.2.len()).min().unwrap_or(0);
    let row = |i: usize| -> polytune_api::AlignedRow<'_> {
        columns.iter().map(|(role, l, r)| (role.as_str(), &r[i], l.as_str())).collect()
    };
    let mut out = Vec::new();
    for i in 0..rows.min(count) {
        let shots: Vec<_> = (1..=a.shots).map(|k| (i + k) % rows).map(row).collect();
        let (user, assistant) = render_augmented(&a.template, &row(i), &shots)
            .map_err(|e| FieldError::err("template", "template_render_failed", &[("error", e.clone())], e))?;
        let answer = columns.iter().find(|c| c.0 == a.template.answer_role).map(|c| c.1.clone());
        out.push(Example {
            id: format!("preview-{}", i + 1),
            source: format!("{} row {}", a.template.name, i + 1),
            language: answer,
            turns: vec![
                polytune_api::Turn { role: polytune_api::TurnRole::User, text: user },
                polytune_api::Turn { role: polytune_api::TurnRole::Assistant, text: assistant },
            ],
            meta: Default::default(),
        });
    }
    Ok(out)
}

/// Checks one augmentation as the builder has it (paths relative to the augmentation).
fn check_augmentation(a: &Augmentation, sources: &[SourceFacts]) -> Result<u64, Vec<FieldError>> {
    let spec = MixtureSpec {
        sources: Vec::new(),
        shares: Shares::Natural,
        augmentations: vec![a.clone()],
        ..MixtureSpec::default()
    };
    let p = plan(&spec, sources).map_err(|errors| {
        errors
            .into_iter()
            .map(|e| FieldError { path: e.path.trim_start_matches("augmentations[0].").to_string(), ..e })
            .collect::<Vec<_>>()
    })?;
    Ok(p.languages.iter().map(|l| l.augmented).sum())
}

/// The first examples an augmentation makes, or what is wrong with it.
#[utoipa::path(post, path = "/workspaces/{workspace_id}/mixtures/preview-augmentation", tag = "mixtures",
    security(("session" = ["viewer"]), ("api_token" = ["viewer"])),
    params(("workspace_id" = String, Path)), request_body = Augmentation,
    responses((status = 200, body = AugmentPreview), (status = 422, body = Problem)))]
pub async fn preview_augmentation(
    State(state): State<AppState>,
    cap: WorkspaceViewer,
    ApiJson(a): ApiJson<Augmentation>,
) -> ApiResult<Json<AugmentPreview>> {
    let db = state.db.scoped(&cap);
    let sources = db.mixture_sources().await?;
    let total = check_augmentation(&a, &sources).map_err(ApiError::Validation)?;
    let examples = render_head(&state, &db, &a, &sources, 3).await.map_err(|e| ApiError::Validation(vec![e]))?;
    Ok(Json(AugmentPreview { examples, total }))
}

/// Check a recipe and materialize it: the examples are drawn by a job into two new datasets
/// (training and validation).
#[utoipa::path(post, path = "/workspaces/{workspace_id}/mixtures", tag = "mixtures",
    security(("session" = ["editor"]), ("api_token" = ["editor"])),
    params(("workspace_id" = String, Path)), request_body = CreateMixture,
    responses((status = 202, body = Mixture), (status = 422, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    cap: WorkspaceEditor,
    ApiJson(req): ApiJson<CreateMixture>,
) -> ApiResult<(StatusCode, Json<Mixture>)> {
    let mut errors = req.validate();
    let sources = state.db.scoped(&cap).mixture_sources().await?;
    let p = match plan(&req.spec, &sources) {
        Ok(p) => Some(p),
        Err(e) => {
            errors.extend(e.into_iter().map(|e| FieldError { path: format!("spec.{}", e.path), ..e }));
            None
        }
    };
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let p = p.expect("a plan when there are no errors");
    // Templates must fill on the real data (a field a template names may be missing).
    for (i, a) in req.spec.augmentations.iter().enumerate() {
        if let Err(e) = render_head(&state, &state.db.scoped(&cap), a, &sources, 1).await {
            return Err(prefixed(&format!("spec.augmentations[{i}]."), vec![e]));
        }
    }
    let db = state.db.scoped(&cap);
    let id = MixtureId::new(crate::db::new_id());
    // The row first, then its job: a job never points at a missing mixture.
    db.insert_mixture(&id, req.name.trim(), &req.spec, &p, &JobId::default(), &cap.actor.user.id).await?;
    let job_id = crate::jobs::mixtures::enqueue(&db, &id, &cap.actor.user.id).await?;
    db.set_mixture_job(&id, &job_id).await?;
    let m = db.mixture(&id).await?.ok_or(ApiError::NotFound)?;
    Ok((StatusCode::ACCEPTED, Json(m)))
}

#[utoipa::path(get, path = "/workspaces/{workspace_id}/mixtures/{mixture_id}", tag = "mixtures",
    security(("session" = ["viewer"]), ("api_token" = ["viewer"])),
    params(("workspace_id" = String, Path), ("mixture_id" = String, Path)),
    responses((status = 200, body = Mixture), (status = 404, body = Problem)))]
pub async fn show(
    State(state): State<AppState>,
    cap: WorkspaceViewer,
    Path(p): Path<MixturePath>,
) -> ApiResult<Json<Mixture>> {
    let db = state.db.scoped(&cap);
    let m = db.mixture(&p.mixture_id).await?.ok_or(ApiError::NotFound)?;
    Ok(Json(with_job_state(&db, m).await?))
}

/// Built-in templates and the workspace's own.
#[utoipa::path(get, path = "/workspaces/{workspace_id}/augment-templates", tag = "mixtures",
    security(("session" = ["viewer"]), ("api_token" = ["viewer"])),
    params(("workspace_id" = String, Path)), responses((status = 200, body = [AugmentTemplate])))]
pub async fn templates(State(state): State<AppState>, cap: WorkspaceViewer) -> ApiResult<Json<Vec<AugmentTemplate>>> {
    let mut all = builtin_templates();
    all.extend(state.db.scoped(&cap).templates().await?);
    Ok(Json(all))
}

/// Store a template in the workspace (e.g. an edited copy of a built-in one, in another language).
#[utoipa::path(post, path = "/workspaces/{workspace_id}/augment-templates", tag = "mixtures",
    security(("session" = ["editor"]), ("api_token" = ["editor"])),
    params(("workspace_id" = String, Path)), request_body = AugmentTemplate,
    responses((status = 201, body = AugmentTemplate), (status = 422, body = Problem)))]
pub async fn create_template(
    State(state): State<AppState>,
    cap: WorkspaceEditor,
    ApiJson(t): ApiJson<AugmentTemplate>,
) -> ApiResult<(StatusCode, Json<AugmentTemplate>)> {
    let db = state.db.scoped(&cap);
    let errors = t.validate();
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let id = db.insert_template(&t, &cap.actor.user.id).await?;
    let stored = db.template(&id).await?.ok_or(ApiError::NotFound)?;
    Ok((StatusCode::CREATED, Json(stored)))
}

#[utoipa::path(put, path = "/workspaces/{workspace_id}/augment-templates/{template_id}", tag = "mixtures",
    security(("session" = ["editor"]), ("api_token" = ["editor"])),
    params(("workspace_id" = String, Path), ("template_id" = String, Path)), request_body = AugmentTemplate,
    responses((status = 200, body = AugmentTemplate), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update_template(
    State(state): State<AppState>,
    cap: WorkspaceEditor,
    Path(p): Path<TemplatePath>,
    ApiJson(t): ApiJson<AugmentTemplate>,
) -> ApiResult<Json<AugmentTemplate>> {
    let db = state.db.scoped(&cap);
    if p.template_id.starts_with("builtin:") {
        return Err(invalid(
            "id",
            "builtin_template",
            &[],
            "built-in templates cannot be changed; save a copy instead",
        ));
    }
    let errors = t.validate();
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    if !db.update_template(&p.template_id, &t).await? {
        return Err(ApiError::NotFound);
    }
    Ok(Json(db.template(&p.template_id).await?.ok_or(ApiError::NotFound)?))
}

#[utoipa::path(delete, path = "/workspaces/{workspace_id}/augment-templates/{template_id}", tag = "mixtures",
    security(("session" = ["editor"]), ("api_token" = ["editor"])),
    params(("workspace_id" = String, Path), ("template_id" = String, Path)),
    responses((status = 204), (status = 404, body = Problem)))]
pub async fn delete_template(
    State(state): State<AppState>,
    cap: WorkspaceEditor,
    Path(p): Path<TemplatePath>,
) -> ApiResult<StatusCode> {
    if state.db.scoped(&cap).delete_template(&p.template_id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::NotFound)
    }
}

/// The dataset versions registered as evaluation sets.
#[utoipa::path(get, path = "/workspaces/{workspace_id}/evaluation-sets", tag = "mixtures",
    security(("session" = ["viewer"]), ("api_token" = ["viewer"])),
    params(("workspace_id" = String, Path)), responses((status = 200, body = [String])))]
pub async fn evaluation_sets(State(state): State<AppState>, cap: WorkspaceViewer) -> ApiResult<Json<Vec<VersionId>>> {
    Ok(Json(state.db.scoped(&cap).evaluation_sets().await?))
}

/// Register a version as an evaluation set: it is never trained on, and mixtures are checked
/// against its texts.
#[utoipa::path(post, path = "/workspaces/{workspace_id}/evaluation-sets", tag = "mixtures",
    security(("session" = ["editor"]), ("api_token" = ["editor"])),
    params(("workspace_id" = String, Path)), request_body = RegisterEvaluationSet,
    responses((status = 204), (status = 422, body = Problem)))]
pub async fn add_evaluation_set(
    State(state): State<AppState>,
    cap: WorkspaceEditor,
    ApiJson(req): ApiJson<RegisterEvaluationSet>,
) -> ApiResult<StatusCode> {
    state
        .db
        .scoped(&cap)
        .version(&req.version_id)
        .await?
        .ok_or_else(|| invalid("version_id", "version_not_found", &[], "no such dataset version in this workspace"))?;
    state.db.scoped(&cap).add_evaluation_set(&req.version_id, &cap.actor.user.id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/workspaces/{workspace_id}/evaluation-sets/{version_id}", tag = "mixtures",
    security(("session" = ["editor"]), ("api_token" = ["editor"])),
    params(("workspace_id" = String, Path), ("version_id" = String, Path)),
    responses((status = 204), (status = 404, body = Problem)))]
pub async fn remove_evaluation_set(
    State(state): State<AppState>,
    cap: WorkspaceEditor,
    Path(p): Path<VersionPath>,
) -> ApiResult<StatusCode> {
    if state.db.scoped(&cap).remove_evaluation_set(&p.version_id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::NotFound)
    }
}

/// Count tokens with a model's own tokenizer: its tokenizer.json becomes a workspace file and each
/// named version not yet counted with it is profiled again (the builder's token shares then use it).
#[utoipa::path(post, path = "/workspaces/{workspace_id}/models/{model_id}/count-tokens", tag = "mixtures",
    security(("session" = ["editor"]), ("api_token" = ["editor"])),
    params(("workspace_id" = String, Path), ("model_id" = String, Path)), request_body = CountTokens,
    responses((status = 202, body = TokenCounting), (status = 422, body = Problem)))]
pub async fn count_tokens(
    State(state): State<AppState>,
    cap: WorkspaceEditor,
    Path(p): Path<ModelPath>,
    ApiJson(req): ApiJson<CountTokens>,
) -> ApiResult<(StatusCode, Json<TokenCounting>)> {
    let db = state.db.scoped(&cap);
    let (_, model_path) = db.model(&p.model_id).await?.ok_or(ApiError::NotFound)?;
    for (i, v) in req.version_ids.iter().enumerate() {
        if db.version(v).await?.is_none() {
            return Err(invalid(
                &format!("version_ids[{i}]"),
                "version_not_found",
                &[],
                "no such dataset version in this workspace",
            ));
        }
    }
    let file = std::path::PathBuf::from(model_path).join("tokenizer.json");
    let bytes = std::fs::read(&file).map_err(|e| {
        invalid(
            "model_id",
            "tokenizer_unreadable",
            &[("error", e.to_string())],
            format!("the model's tokenizer cannot be read: {e}"),
        )
    })?;
    let store = state.jobs.store.clone();
    let (sha, size) = blocking(move || -> Result<(String, u64), String> {
        use std::io::Write as _;
        let mut w = store.writer().map_err(|e| e.to_string())?;
        w.write_all(&bytes).map_err(|e| e.to_string())?;
        w.finish().map_err(|e| e.to_string())
    })
    .await?
    .map_err(|e| ApiError::Internal(anyhow::anyhow!("storing the tokenizer: {e}")))?;
    db.insert_blob(&sha, size as i64, "tokenizer.json", &cap.actor.user.id).await?;
    let counted: std::collections::HashSet<VersionId> = state
        .db
        .scoped(&cap)
        .mixture_sources()
        .await?
        .into_iter()
        .filter(|s| s.tokenizer.as_deref() == Some(sha.as_str()))
        .map(|s| s.version_id)
        .collect();
    let mut jobs = Vec::new();
    for v in &req.version_ids {
        if !counted.contains(v) {
            let (_, job) = crate::jobs::datasets::enqueue_profile(&db, v, Some(&sha), &cap.actor.user.id).await?;
            jobs.push(job);
        }
    }
    Ok((StatusCode::ACCEPTED, Json(TokenCounting { tokenizer: sha, jobs })))
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
pub struct ComputeQuery {
    /// Prefer a run of this model to calibrate the speed.
    pub model_id: Option<ModelId>,
}

/// The machine training runs on, from the workers table (the one place machine facts come from):
/// the live worker with a GPU and the most GPU memory, else the one with the most memory.
fn training_machine(workers: &[polytune_api::Worker]) -> Option<&polytune_api::Capabilities> {
    let live = workers.iter().filter(|w| w.stopped_at.is_none()).map(|w| &w.capabilities);
    live.max_by_key(|c| {
        let gpu = c.gpus.iter().map(|g| g.memory_mb).max().unwrap_or(0);
        (!c.gpus.is_empty(), gpu, c.memory_mb)
    })
}

/// The machine runs train on, and how fast it trains: measured from the newest finished run in
/// this workspace (of the chosen model, when there is one), otherwise a conservative default.
#[utoipa::path(get, path = "/workspaces/{workspace_id}/compute", tag = "mixtures",
    security(("session" = ["viewer"]), ("api_token" = ["viewer"])),
    params(("workspace_id" = String, Path), ComputeQuery), responses((status = 200, body = ComputeInfo)))]
pub async fn compute(
    State(state): State<AppState>,
    cap: WorkspaceViewer,
    Query(query): Query<ComputeQuery>,
) -> ApiResult<Json<ComputeInfo>> {
    let workers = state.db.workers().await?;
    let machine = training_machine(&workers).cloned().unwrap_or_default();
    let threads = machine.cpus.max(1) as u64;
    let (device, name, memory, default_flops) = match machine.gpus.iter().max_by_key(|g| g.memory_mb) {
        // H100-class bf16 at a typical 35 % utilization.
        Some(gpu) => ("cuda", gpu.name.clone(), (gpu.memory_mb.max(0) as u64) << 20, 3.5e14),
        // Measured on the 2-core development machine: ~18 GFLOP/s per thread at 135M parameters.
        // Without a registered worker yet, 8 GiB is assumed.
        None => {
            let memory = if machine.memory_mb > 0 { (machine.memory_mb as u64) << 20 } else { 8 << 30 };
            ("cpu", format!("CPU, {threads} threads"), memory, 1.8e10 * threads as f64)
        }
    };
    let mut info = ComputeInfo {
        device: device.into(),
        name,
        memory_bytes: memory,
        flops_per_second: default_flops,
        calibration: "a default for this kind of machine (no finished run to measure yet)".into(),
        calibrated_model_id: None,
    };
    if let Some((flops, model_id, run_name)) = calibrate(&state.db.scoped(&cap), query.model_id.as_ref()).await? {
        info.flops_per_second = flops;
        info.calibration = format!("measured on run “{run_name}”");
        info.calibrated_model_id = Some(model_id);
    }
    Ok(Json(info))
}

/// Effective training speed of the newest run that reported at least 4 steps: what the time
/// estimate would have said for the steps it ran, divided by the time they took.
async fn calibrate(db: &Scoped, model_id: Option<&ModelId>) -> ApiResult<Option<(f64, ModelId, String)>> {
    let runs = db.runs().await?;
    let ordered = runs.iter().filter(|r| Some(&r.model_id) == model_id).chain(runs.iter());
    for run in ordered {
        let points = db.run_points(&run.id).await?;
        let steps: Vec<_> = points.iter().filter(|p| p.kind == "step").collect();
        if steps.len() < 4 {
            continue;
        }
        let Some((model, _)) = db.model(&run.model_id).await? else { continue };
        let Some(version) = db.version(&run.dataset_version_id).await? else { continue };
        let tokens: u64 = db
            .mixture_sources()
            .await?
            .into_iter()
            .find(|s| s.version_id == version.id)
            .map_or(0, |s| s.languages.iter().map(|l| l.tokens).sum());
        let last = &steps[steps.len() - 1].data;
        let (Some(elapsed), Some(done)) = (last["elapsed_seconds"].as_f64(), last["step"].as_f64()) else { continue };
        let est = estimate_time(&model.info, &run.spec, version.examples.max(0) as u64, tokens, 1.0);
        if elapsed <= 0.0 || est.steps == 0 {
            continue;
        }
        let flops = est.flops * (done / est.steps as f64) / elapsed;
        return Ok(Some((flops, run.model_id.clone(), run.name.clone())));
    }
    Ok(None)
}
