//! Datasets: resumable uploads, format inspection, imports, versions, profiles, browsing,
//! derived versions and export.

use std::collections::HashMap;
use std::path::PathBuf;

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use polytune_api::{
    CreateDataset, CreateProfile, Dataset, DatasetId, DatasetState, DeriveDatasetJob, DeriveSpec, DupFilter,
    ExampleItem, ExamplePage, Flag, ImportDatasetJob, InspectRequest, Inspection, Job, OnError, Problem, Profile,
    ProfileInfo, VersionId, lang,
};
use polytune_data::profile::DuplicateGroups;
use polytune_data::{browse, import, read};
use serde::Deserialize;

use crate::auth::{WorkspaceEditor, WorkspaceViewer};
use crate::db::Scoped;
use crate::error::{ApiError, ApiResult};
use crate::http::extract::ApiJson;
use crate::http::paths::{DatasetPath, ExamplePath, VersionPath};
use crate::jobs::Resources;
use crate::jobs::datasets::enqueue_profile;
use crate::state::AppState;

use super::{blocking, invalid, invalid_data, local_blob};
use crate::storage::is_sha256;

// ---- datasets -------------------------------------------------------------------------------

pub(super) async fn stored_blob(state: &AppState, db: &Scoped, sha: &str) -> ApiResult<(PathBuf, String)> {
    if !is_sha256(sha) {
        return Err(invalid(
            "blob",
            "not_sha256",
            &[],
            "must be the SHA-256 of an uploaded file (64 lowercase hex digits)",
        ));
    }
    let blob = db.blob(sha).await?.ok_or_else(|| {
        invalid("blob", "not_uploaded", &[], "no file with this SHA-256 was uploaded to this workspace")
    })?;
    Ok((local_blob(&state.jobs.store, sha)?, blob.name))
}

/// Detect a stored file's format and show how its first records become examples (or try a
/// corrected reading, `spec`).
#[utoipa::path(post, path = "/workspaces/{workspace_id}/datasets/inspect", tag = "datasets",
    security(("session" = ["viewer"]), ("api_token" = ["viewer"])),
    params(("workspace_id" = String, Path)), request_body = InspectRequest,
    responses((status = 200, body = Inspection), (status = 422, body = Problem)))]
pub async fn inspect(
    State(state): State<AppState>,
    cap: WorkspaceViewer,
    ApiJson(req): ApiJson<InspectRequest>,
) -> ApiResult<Json<Inspection>> {
    let (path, name) = stored_blob(&state, &state.db.scoped(&cap), &req.blob).await?;
    let inspection = blocking(move || import::inspect(&path, &name, req.spec, read::Limits::default()))
        .await?
        .map_err(|e| invalid_data("blob", &e))?;
    Ok(Json(inspection))
}

async fn queue_import(db: &Scoped, dataset_id: &DatasetId, on_error: OnError, user: &str) -> ApiResult<()> {
    let job = ImportDatasetJob { dataset_id: dataset_id.clone(), on_error };
    let job_id = crate::jobs::enqueue(db, job, user, Resources::default()).await?;
    db.set_dataset_import(dataset_id, DatasetState::Importing, None, Some(&job_id)).await?;
    Ok(())
}

/// Import a stored file as a new dataset (a job). Records that cannot be read stop the import
/// for a decision unless `on_error` is `skip`.
#[utoipa::path(post, path = "/workspaces/{workspace_id}/datasets", tag = "datasets",
    security(("session" = ["editor"]), ("api_token" = ["editor"])),
    params(("workspace_id" = String, Path)), request_body = CreateDataset,
    responses((status = 202, body = Dataset), (status = 422, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    cap: WorkspaceEditor,
    ApiJson(req): ApiJson<CreateDataset>,
) -> ApiResult<(StatusCode, Json<Dataset>)> {
    let db = state.db.scoped(&cap);
    let (_, file_name) = stored_blob(&state, &db, &req.blob).await?;
    let id = state
        .db
        .scoped(&cap)
        .insert_dataset(req.name.trim(), req.description.trim(), &file_name, &req.blob, &req.spec, &cap.actor.user.id)
        .await?;
    queue_import(&db, &id, req.on_error, &cap.actor.user.id).await?;
    let dataset = db.dataset(&id).await?.ok_or(ApiError::NotFound)?;
    Ok((StatusCode::ACCEPTED, Json(dataset)))
}

/// The workspace's datasets with their versions, newest first.
#[utoipa::path(get, path = "/workspaces/{workspace_id}/datasets", tag = "datasets",
    security(("session" = ["viewer"]), ("api_token" = ["viewer"])),
    params(("workspace_id" = String, Path)), responses((status = 200, body = Vec<Dataset>)))]
pub async fn list(State(state): State<AppState>, cap: WorkspaceViewer) -> ApiResult<Json<Vec<Dataset>>> {
    Ok(Json(state.db.scoped(&cap).datasets().await?))
}

/// One dataset.
#[utoipa::path(get, path = "/workspaces/{workspace_id}/datasets/{dataset_id}", tag = "datasets",
    security(("session" = ["viewer"]), ("api_token" = ["viewer"])),
    params(("workspace_id" = String, Path), ("dataset_id" = String, Path)), responses((status = 200, body = Dataset)))]
pub async fn show(
    State(state): State<AppState>,
    cap: WorkspaceViewer,
    Path(p): Path<DatasetPath>,
) -> ApiResult<Json<Dataset>> {
    let id = p.dataset_id;
    Ok(Json(state.db.scoped(&cap).dataset(&id).await?.ok_or(ApiError::NotFound)?))
}

/// Delete a dataset, or cancel an import waiting for a decision.
#[utoipa::path(delete, path = "/workspaces/{workspace_id}/datasets/{dataset_id}", tag = "datasets",
    security(("session" = ["editor"]), ("api_token" = ["editor"])),
    params(("workspace_id" = String, Path), ("dataset_id" = String, Path)), responses((status = 204)))]
pub async fn delete(
    State(state): State<AppState>,
    cap: WorkspaceEditor,
    Path(p): Path<DatasetPath>,
) -> ApiResult<StatusCode> {
    let db = state.db.scoped(&cap);
    let id = p.dataset_id;
    let d = db.dataset(&id).await?.ok_or(ApiError::NotFound)?;
    if let (DatasetState::Importing, Some(job)) = (d.state, &d.import_job_id) {
        let _ = db.cancel_job(job).await?;
    }
    db.delete_dataset(&id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// After an import stopped on bad records: import again, leaving them out.
#[utoipa::path(post, path = "/workspaces/{workspace_id}/datasets/{dataset_id}/skip-bad-records", tag = "datasets",
    security(("session" = ["editor"]), ("api_token" = ["editor"])),
    params(("workspace_id" = String, Path), ("dataset_id" = String, Path)),
    responses((status = 202, body = Dataset), (status = 409, body = Problem)))]
pub async fn skip_bad_records(
    State(state): State<AppState>,
    cap: WorkspaceEditor,
    Path(p): Path<DatasetPath>,
) -> ApiResult<(StatusCode, Json<Dataset>)> {
    let db = state.db.scoped(&cap);
    let id = p.dataset_id;
    let d = db.dataset(&id).await?.ok_or(ApiError::NotFound)?;
    if d.state != DatasetState::NeedsDecision {
        return Err(ApiError::Conflict("this import is not waiting for a decision".into()));
    }
    queue_import(&db, &id, OnError::Skip, &cap.actor.user.id).await?;
    Ok((StatusCode::ACCEPTED, Json(db.dataset(&id).await?.ok_or(ApiError::NotFound)?)))
}

// ---- versions -------------------------------------------------------------------------------

/// Profile a version again, e.g. with a tokenizer.json stored in the workspace (its SHA-256).
#[utoipa::path(post, path = "/workspaces/{workspace_id}/versions/{version_id}/profiles", tag = "datasets",
    security(("session" = ["editor"]), ("api_token" = ["editor"])),
    params(("workspace_id" = String, Path), ("version_id" = String, Path)), request_body = CreateProfile,
    responses((status = 202, body = ProfileInfo)))]
pub async fn create_profile(
    State(state): State<AppState>,
    cap: WorkspaceEditor,
    Path(p): Path<VersionPath>,
    ApiJson(req): ApiJson<CreateProfile>,
) -> ApiResult<(StatusCode, Json<ProfileInfo>)> {
    let db = state.db.scoped(&cap);
    let version_id = p.version_id;
    db.version(&version_id).await?.ok_or(ApiError::NotFound)?;
    if let Some(t) = &req.tokenizer {
        let (path, _) = stored_blob(&state, &db, t).await.map_err(|_| {
            invalid(
                "tokenizer",
                "tokenizer_not_uploaded",
                &[],
                "must be the SHA-256 of a tokenizer.json uploaded to this workspace",
            )
        })?;
        blocking(move || polytune_data::profile::TokenCounter::from_file(&path).map(|_| ()))
            .await?
            .map_err(|e| invalid_data("tokenizer", &e))?;
    }
    let (profile_id, job_id) = enqueue_profile(&db, &version_id, req.tokenizer.as_deref(), &cap.actor.user.id).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(ProfileInfo {
            id: profile_id,
            state: polytune_api::ProfileState::Running,
            job_id,
            tokenizer: req.tokenizer,
        }),
    ))
}

/// The newest finished profile of a version.
#[utoipa::path(get, path = "/workspaces/{workspace_id}/versions/{version_id}/profile", tag = "datasets",
    security(("session" = ["viewer"]), ("api_token" = ["viewer"])),
    params(("workspace_id" = String, Path), ("version_id" = String, Path)),
    responses((status = 200, body = Profile), (status = 404, body = Problem)))]
pub async fn profile(
    State(state): State<AppState>,
    cap: WorkspaceViewer,
    Path(p): Path<VersionPath>,
) -> ApiResult<Response> {
    let db = state.db.scoped(&cap);
    let version_id = p.version_id;
    db.version(&version_id).await?.ok_or(ApiError::NotFound)?;
    let p = db.ready_profile(&version_id).await?.ok_or(ApiError::NotFound)?;
    let summary = p.summary.ok_or(ApiError::NotFound)?;
    Ok(([(header::CONTENT_TYPE, "application/json")], summary).into_response())
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ExampleQuery {
    /// Words to find in any turn (case-insensitive).
    #[serde(default)]
    q: Option<String>,
    /// Instruction language (any code or English name).
    #[serde(default)]
    language: Option<String>,
    #[serde(default)]
    min_chars: Option<u32>,
    #[serde(default)]
    max_chars: Option<u32>,
    /// A quality flag, e.g. `empty_answer`.
    #[serde(default)]
    flag: Option<String>,
    /// Only duplicates: `exact`, `near` or `any`.
    #[serde(default)]
    duplicates: Option<DupFilter>,
    #[serde(default)]
    offset: Option<u64>,
    #[serde(default)]
    limit: Option<u64>,
}

struct Browse {
    examples: PathBuf,
    annotations: Option<PathBuf>,
    groups: DuplicateGroups,
}

type Reader = std::io::BufReader<std::fs::File>;

impl Browse {
    /// The examples and their annotations, opened for reading.
    fn open(&self) -> std::io::Result<(Reader, Option<Reader>)> {
        let open = |p: &std::path::Path| std::fs::File::open(p).map(|f| std::io::BufReader::with_capacity(1 << 20, f));
        Ok((open(&self.examples)?, self.annotations.as_deref().map(open).transpose()?))
    }
}

async fn browse_sources(state: &AppState, db: &Scoped, version_id: &VersionId) -> ApiResult<Browse> {
    let v = db.version(version_id).await?.ok_or(ApiError::NotFound)?;
    let profile = db.ready_profile(version_id).await?;
    let store = &state.jobs.store;
    let (annotations, groups) = match profile {
        Some(p) => {
            let groups = match &p.groups {
                Some(g) => match local_blob(store, g) {
                    Ok(path) => {
                        blocking(move || {
                            std::fs::File::open(&path)
                                .ok()
                                .and_then(|f| serde_json::from_reader(std::io::BufReader::new(f)).ok())
                                .unwrap_or_default()
                        })
                        .await?
                    }
                    // Missing groups only take the duplicate view away, not the examples.
                    Err(_) => DuplicateGroups::default(),
                },
                None => DuplicateGroups::default(),
            };
            (p.annotations.map(|a| local_blob(store, &a)).transpose()?, groups)
        }
        None => (None, DuplicateGroups::default()),
    };
    Ok(Browse { examples: local_blob(store, &v.blob)?, annotations, groups })
}

/// Search and filter a version's examples (streamed from storage; filters on language, length,
/// flags and duplicates need a finished profile).
#[utoipa::path(get, path = "/workspaces/{workspace_id}/versions/{version_id}/examples", tag = "datasets",
    security(("session" = ["viewer"]), ("api_token" = ["viewer"])),
    params(("workspace_id" = String, Path), ("version_id" = String, Path), ExampleQuery),
    responses((status = 200, body = ExamplePage)))]
pub async fn examples(
    State(state): State<AppState>,
    cap: WorkspaceViewer,
    Path(p): Path<VersionPath>,
    Query(query): Query<ExampleQuery>,
) -> ApiResult<Json<ExamplePage>> {
    let version_id = p.version_id;
    let flag = match query.flag.as_deref().filter(|f| !f.is_empty()) {
        Some(f) => Some(Flag::parse(f).ok_or_else(|| {
            let allowed = Flag::ALL.map(|f| f.key()).join(", ");
            invalid(
                "flag",
                "unknown_value",
                &[("value", f.to_string()), ("allowed", allowed.clone())],
                format!("unknown flag; known flags: {allowed}"),
            )
        })?),
        None => None,
    };
    let language = match query.language.as_deref().filter(|l| !l.is_empty()) {
        Some(l) if l == "und" => Some("und".to_string()),
        Some(l) => Some(
            lang::parse(l)
                .ok_or_else(|| {
                    invalid(
                        "language",
                        "unknown_language",
                        &[("value", l.to_string())],
                        format!("“{l}” is not a language code"),
                    )
                })?
                .0,
        ),
        None => None,
    };
    let limit = query.limit.unwrap_or(25).clamp(1, 200);
    let offset = query.offset.unwrap_or(0);
    let text = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty()).map(str::to_string);
    let filter = browse::ExampleFilter {
        language,
        flag,
        duplicates: query.duplicates,
        min_chars: query.min_chars,
        max_chars: query.max_chars,
        text,
    };
    let src = browse_sources(&state, &state.db.scoped(&cap), &version_id).await?;
    if filter.needs_profile() && src.annotations.is_none() {
        return Err(ApiError::Conflict(
            "filters by language, length, flag or duplicates need a finished profile".into(),
        ));
    }
    let page = blocking(move || -> anyhow::Result<ExamplePage> {
        let (examples, annotations) = src.open()?;
        Ok(browse::page(examples, annotations, &src.groups, &filter, offset, limit)?)
    })
    .await?
    .map_err(|e| ApiError::Internal(anyhow::anyhow!("reading examples: {e}")))?;
    Ok(Json(page))
}

/// One example by its index, with its annotation and the other members of its duplicate groups.
#[utoipa::path(get, path = "/workspaces/{workspace_id}/versions/{version_id}/examples/{index}", tag = "datasets",
    security(("session" = ["viewer"]), ("api_token" = ["viewer"])),
    params(("workspace_id" = String, Path), ("version_id" = String, Path), ("index" = u64, Path)),
    responses((status = 200, body = ExampleItem), (status = 404, body = Problem)))]
pub async fn example(
    State(state): State<AppState>,
    cap: WorkspaceViewer,
    Path(p): Path<ExamplePath>,
) -> ApiResult<Json<ExampleItem>> {
    let (version_id, index) = (p.version_id, p.index);
    let src = browse_sources(&state, &state.db.scoped(&cap), &version_id).await?;
    let item = blocking(move || -> anyhow::Result<Option<ExampleItem>> {
        let (examples, annotations) = src.open()?;
        Ok(browse::item(examples, annotations, &src.groups, index)?)
    })
    .await?
    .map_err(|e| ApiError::Internal(anyhow::anyhow!("reading examples: {e}")))?;
    Ok(Json(item.ok_or(ApiError::NotFound)?))
}

/// Derive a new version by filters (a job); it records its parent and the exact filter.
#[utoipa::path(post, path = "/workspaces/{workspace_id}/versions/{version_id}/derive", tag = "datasets",
    security(("session" = ["editor"]), ("api_token" = ["editor"])),
    params(("workspace_id" = String, Path), ("version_id" = String, Path)), request_body = DeriveSpec,
    responses((status = 202, body = Job), (status = 422, body = Problem)))]
pub async fn derive(
    State(state): State<AppState>,
    cap: WorkspaceEditor,
    Path(p): Path<VersionPath>,
    ApiJson(spec): ApiJson<DeriveSpec>,
) -> ApiResult<(StatusCode, Json<Job>)> {
    let version_id = p.version_id;
    let job = DeriveDatasetJob { version_id, spec, user_id: cap.actor.user.id.clone() };
    super::queued(&state.db.scoped(&cap), job, &cap.actor.user.id).await
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ExportQuery {
    /// `jsonl` (default) or `parquet`.
    #[serde(default)]
    format: Option<String>,
}

/// Download a version as JSON lines (the canonical examples) or Parquet.
#[utoipa::path(get, path = "/workspaces/{workspace_id}/versions/{version_id}/export", tag = "datasets",
    security(("session" = ["viewer"]), ("api_token" = ["viewer"])),
    params(("workspace_id" = String, Path), ("version_id" = String, Path), ExportQuery),
    responses((status = 200, content_type = "application/octet-stream")))]
pub async fn export(
    State(state): State<AppState>,
    cap: WorkspaceViewer,
    Path(p): Path<VersionPath>,
    Query(q): Query<ExportQuery>,
) -> ApiResult<Response> {
    let db = state.db.scoped(&cap);
    let version_id = p.version_id;
    let v = db.version(&version_id).await?.ok_or(ApiError::NotFound)?;
    let d = db.dataset(&v.dataset_id).await?.ok_or(ApiError::NotFound)?;
    let base: String = d.name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' }).collect();
    let source = local_blob(&state.jobs.store, &v.blob)?;
    let (path, name, mime, temporary) = match q.format.as_deref().unwrap_or("jsonl") {
        "jsonl" => (source, format!("{base}-v{}.jsonl", v.number), "application/jsonl", false),
        "parquet" => {
            let out = state.jobs.store.temp_path();
            let o = out.clone();
            blocking(move || -> anyhow::Result<()> {
                let input = std::io::BufReader::new(std::fs::File::open(&source)?);
                let file = std::fs::File::create(&o)?;
                let written = polytune_data::export::to_parquet(input, file).map(|_| ());
                if written.is_err() {
                    let _ = std::fs::remove_file(&o);
                }
                Ok(written?)
            })
            .await?
            .map_err(|e| ApiError::Internal(anyhow::anyhow!("export: {e}")))?;
            (out, format!("{base}-v{}.parquet", v.number), "application/vnd.apache.parquet", true)
        }
        other => {
            return Err(invalid(
                "format",
                "unknown_value",
                &[("value", other.to_string()), ("allowed", "jsonl, parquet".into())],
                format!("“{other}” is not an export format; use jsonl or parquet"),
            ));
        }
    };
    attachment(&path, &name, mime, temporary).await
}

/// Streams a file as a download named `name`; a `temporary` file is unlinked once open.
pub async fn attachment(path: &std::path::Path, name: &str, mime: &str, temporary: bool) -> ApiResult<Response> {
    let file = tokio::fs::File::open(path).await.map_err(|e| ApiError::Internal(e.into()))?;
    let len = file.metadata().await.map(|m| m.len()).unwrap_or(0);
    if temporary {
        // The open handle keeps the data readable; the name goes now.
        let _ = tokio::fs::remove_file(path).await;
    }
    stream_attachment(file, len, name, mime)
}

/// Streams an open file as a download named `name`.
pub fn stream_attachment(file: tokio::fs::File, len: u64, name: &str, mime: &str) -> ApiResult<Response> {
    let body = Body::from_stream(tokio_util::io::ReaderStream::with_capacity(file, 1 << 20));
    let headers: HashMap<_, _> = [
        (header::CONTENT_TYPE, mime.to_string()),
        (header::CONTENT_LENGTH, len.to_string()),
        (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
    ]
    .into_iter()
    .collect();
    let mut resp = body.into_response();
    for (k, v) in headers {
        if let Ok(v) = v.parse() {
            resp.headers_mut().insert(k, v);
        }
    }
    Ok(resp)
}
