//! Files into a workspace's storage: resumable uploads (pieces sent with PATCH, resumed after a
//! dropped connection) and administrators' server imports (a job copying an allowed folder).

use std::path::PathBuf;

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use futures_util::StreamExt;
use polytune_api::{CreateUpload, Job, Problem, ServerImport, ServerImportJob, Upload, UploadId};
use tokio::io::AsyncWriteExt;

use super::{blocking, invalid, invalid_data};
use crate::auth::{Admin, WorkspaceEditor, WorkspaceViewer};
use crate::db::Scoped;
use crate::error::{ApiError, ApiResult};
use crate::http::extract::ApiJson;
use crate::http::paths::UploadPath;
use crate::state::AppState;

/// Start a resumable upload: say the file's name and size, then send its bytes with PATCH.
#[utoipa::path(post, path = "/workspaces/{workspace_id}/uploads", tag = "datasets",
    security(("session" = ["editor"]), ("api_token" = ["editor"])),
    params(("workspace_id" = String, Path)), request_body = CreateUpload,
    responses((status = 201, body = Upload), (status = 413, body = Problem)))]
pub async fn create_upload(
    State(state): State<AppState>,
    cap: WorkspaceEditor,
    ApiJson(req): ApiJson<CreateUpload>,
) -> ApiResult<(StatusCode, Json<Upload>)> {
    if req.size > state.settings.max_upload_bytes {
        return Err(invalid(
            "size",
            "file_too_large",
            &[("max_bytes", state.settings.max_upload_bytes.to_string())],
            format!("the file is larger than this server accepts ({} bytes at most)", state.settings.max_upload_bytes),
        ));
    }
    let id = state.db.scoped(&cap).insert_upload(req.name.trim(), req.size as i64, &cap.actor.user.id).await?;
    let path = state.jobs.store.upload_path(&id);
    tokio::fs::File::create(&path).await.map_err(|e| ApiError::Internal(e.into()))?;
    let upload = Upload { id, name: req.name.trim().into(), size: req.size, offset: 0, blob: None };
    Ok((StatusCode::CREATED, Json(upload)))
}

async fn upload_state(state: &AppState, db: &Scoped, id: &UploadId) -> ApiResult<Upload> {
    let (name, size, blob) = db.upload(id).await?.ok_or(ApiError::NotFound)?;
    let offset = match &blob {
        Some(_) => size as u64,
        None => tokio::fs::metadata(state.jobs.store.upload_path(id)).await.map(|m| m.len()).unwrap_or(0),
    };
    Ok(Upload { id: id.clone(), name, size: size as u64, offset, blob })
}

/// Where an upload stands: send the rest from `offset`.
#[utoipa::path(get, path = "/workspaces/{workspace_id}/uploads/{upload_id}", tag = "datasets",
    security(("session" = ["viewer"]), ("api_token" = ["viewer"])),
    params(("workspace_id" = String, Path), ("upload_id" = String, Path)), responses((status = 200, body = Upload)))]
pub async fn upload_status(
    State(state): State<AppState>,
    cap: WorkspaceViewer,
    Path(p): Path<UploadPath>,
) -> ApiResult<Json<Upload>> {
    let id = p.upload_id;
    Ok(Json(upload_state(&state, &state.db.scoped(&cap), &id).await?))
}

/// Send bytes of an upload starting at the `Upload-Offset` header (which must equal the stored
/// offset). The last chunk stores the file and answers with its SHA-256 in `blob`.
#[utoipa::path(patch, path = "/workspaces/{workspace_id}/uploads/{upload_id}", tag = "datasets",
    security(("session" = ["editor"]), ("api_token" = ["editor"])),
    params(("workspace_id" = String, Path), ("upload_id" = String, Path),
        ("Upload-Offset" = u64, Header, description = "where these bytes start")),
    request_body(content = Vec<u8>, content_type = "application/offset+octet-stream"),
    responses((status = 200, body = Upload), (status = 409, body = Problem)))]
pub async fn upload_chunk(
    State(state): State<AppState>,
    cap: WorkspaceEditor,
    Path(p): Path<UploadPath>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<Json<Upload>> {
    let db = state.db.scoped(&cap);
    let id = p.upload_id;
    // One writer per upload at a time (two tabs resuming the same file must not interleave).
    let Some(_writing) = UploadLock::take(&id) else {
        return Err(ApiError::Conflict(
            "another request is sending bytes of this upload; ask where it stands and go on".into(),
        ));
    };
    let current = upload_state(&state, &db, &id).await?;
    if current.blob.is_some() {
        return Ok(Json(current));
    }
    let offset: u64 =
        headers.get("upload-offset").and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok()).ok_or_else(|| {
            invalid(
                "Upload-Offset",
                "required",
                &[],
                "send the header Upload-Offset with the byte position of this chunk",
            )
        })?;
    if offset != current.offset {
        return Err(ApiError::Conflict(format!(
            "the server has {} bytes of this upload; send from there (you sent from {offset})",
            current.offset
        )));
    }
    let path = state.jobs.store.upload_path(&id);
    let mut file =
        tokio::fs::OpenOptions::new().append(true).open(&path).await.map_err(|e| ApiError::Internal(e.into()))?;
    let mut written = offset;
    let mut stream = body.into_data_stream();
    let mut broken = None;
    while let Some(chunk) = stream.next().await {
        match chunk {
            Ok(bytes) => {
                if written + bytes.len() as u64 > current.size {
                    broken = Some(ApiError::PayloadTooLarge);
                    break;
                }
                file.write_all(&bytes).await.map_err(|e| ApiError::Internal(e.into()))?;
                written += bytes.len() as u64;
            }
            // A dropped connection keeps what arrived: the client resumes from the new offset.
            Err(e) => {
                broken = Some(ApiError::Malformed { detail: format!("the upload was interrupted: {e}"), path: None });
                break;
            }
        }
    }
    file.sync_all().await.map_err(|e| ApiError::Internal(e.into()))?;
    drop(file);
    if let Some(e) = broken {
        if matches!(e, ApiError::PayloadTooLarge) {
            // Keep only the bytes up to the declared size boundary that were accepted.
            let f = std::fs::OpenOptions::new().write(true).open(&path).map_err(|e| ApiError::Internal(e.into()))?;
            f.set_len(written).map_err(|e| ApiError::Internal(e.into()))?;
        }
        return Err(e);
    }
    if written == current.size {
        let store = state.jobs.store.clone();
        let p = path.clone();
        let (sha, bytes) = blocking(move || store.adopt(&p)).await?.map_err(|e| ApiError::Internal(e.into()))?;
        db.insert_blob(&sha, bytes as i64, &current.name, &cap.actor.user.id).await?;
        db.complete_upload(&id, &sha).await?;
        return Ok(Json(Upload { blob: Some(sha), offset: bytes, ..current }));
    }
    Ok(Json(Upload { offset: written, ..current }))
}

/// Marks an upload as being written by one request; released on drop.
struct UploadLock(String);

static WRITING: std::sync::LazyLock<std::sync::Mutex<std::collections::HashSet<String>>> =
    std::sync::LazyLock::new(Default::default);

impl UploadLock {
    fn take(id: &str) -> Option<UploadLock> {
        let mut set = WRITING.lock().unwrap_or_else(|p| p.into_inner());
        set.insert(id.to_string()).then(|| UploadLock(id.to_string()))
    }
}

impl Drop for UploadLock {
    fn drop(&mut self) {
        WRITING.lock().unwrap_or_else(|p| p.into_inner()).remove(&self.0);
    }
}

/// Administrators: copy the data files of a folder on the server (one of the configured import
/// folders) into this workspace's storage. Answers with the job that copies them; its result
/// lists the stored files and the ones left out.
#[utoipa::path(post, path = "/workspaces/{workspace_id}/server-imports", tag = "datasets",
    security(("session" = ["editor", "admin"])),
    params(("workspace_id" = String, Path)), request_body = ServerImport,
    responses((status = 202, body = Job)))]
pub async fn server_import(
    State(state): State<AppState>,
    cap: WorkspaceEditor,
    _admin: Admin,
    ApiJson(req): ApiJson<ServerImport>,
) -> ApiResult<(StatusCode, Json<Job>)> {
    let wanted = allowed_server_path(&state, &req.path)?;
    let job = ServerImportJob { path: wanted.to_string_lossy().to_string(), user_id: cap.actor.user.id.clone() };
    super::queued(&state.db.scoped(&cap), job, &cap.actor.user.id).await
}

/// `path` resolved (links followed) and checked to lie inside a folder the server allows imports
/// from; 409 when server imports are off, 422 naming `path` otherwise.
pub fn allowed_server_path(state: &AppState, path: &str) -> ApiResult<PathBuf> {
    if state.settings.import_dirs.is_empty() {
        return Err(ApiError::Conflict(
            "server imports are off: start the server with --import-dir <folder> (POLYTUNE_IMPORT_DIRS)".into(),
        ));
    }
    polytune_data::files::inside(path, &state.settings.import_dirs).map_err(|e| invalid_data("path", &e))?.ok_or_else(
        || invalid("path", "path_not_allowed", &[], "this is not inside a folder the server allows imports from"),
    )
}
