//! Uploading a file into a workspace's storage (streamed, content-addressed).

use axum::Json;
use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use polytune_api::{Blob, Problem};
use serde::Deserialize;

use crate::auth::WorkspaceEditor;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::storage::StorageError;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct UploadQuery {
    /// The file's name, as the person knows it.
    name: String,
}

/// Upload a file (editors): the raw bytes as the body. Stored once per content (SHA-256).
#[utoipa::path(post, path = "/workspaces/{workspace_id}/blobs", tag = "jobs",
    security(("session" = ["editor"]), ("api_token" = ["editor"])),
    params(("workspace_id" = String, Path), UploadQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = Blob), (status = 413, body = Problem)))]
pub async fn upload(
    State(state): State<AppState>,
    cap: WorkspaceEditor,
    Query(q): Query<UploadQuery>,
    body: Body,
) -> ApiResult<(StatusCode, Json<Blob>)> {
    let mut errors = Vec::new();
    polytune_api::validate::name("name", &q.name, &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let limit = state.settings.max_upload_bytes;
    let (sha, bytes) = state.jobs.store.put(body.into_data_stream(), limit).await.map_err(|e| match e {
        StorageError::TooLarge { .. } => ApiError::PayloadTooLarge,
        StorageError::Interrupted(m) => {
            ApiError::Malformed { detail: format!("the upload was interrupted: {m}"), path: None }
        }
        other => ApiError::Internal(other.into()),
    })?;
    let blob = state.db.scoped(&cap).insert_blob(&sha, bytes as i64, q.name.trim(), &cap.actor.user.id).await?;
    Ok((StatusCode::CREATED, Json(blob)))
}
