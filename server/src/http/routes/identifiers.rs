//! Language identifiers: list them with their measured accuracy, train one from a labeled dataset
//! version (owners; a job), and choose the one the workspace's profiles use (owners).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use polytune_api::{
    IdentifierId, IdentifierState, Identifiers, Job, Problem, TrainIdentifier, TrainIdentifierJob, UseIdentifier,
    identifier_name,
};
use polytune_data::langid::Detector;

use crate::auth::{WorkspaceOwner, WorkspaceViewer};
use crate::db::Scoped;
use crate::error::{ApiError, ApiResult};
use crate::http::extract::ApiJson;
use crate::state::AppState;

use super::invalid;

async fn listing(db: &Scoped) -> ApiResult<Identifiers> {
    let items = db.identifiers().await?;
    // The first call loads the default identifier (a moment): off the async workers.
    let default = tokio::task::block_in_place(Detector::default_ref);
    let current_name = match items.iter().find(|i| i.active) {
        // The same name the profile job records.
        Some(i) => polytune_data::langid::full_name(&identifier_name(&i.id)),
        None => default.name().to_string(),
    };
    Ok(Identifiers {
        default_name: default.name().to_string(),
        default_languages: default.identifier().labels().len() as u64,
        current_name,
        items,
    })
}

/// The workspace's language identifiers, which one its profiles use, and the default.
#[utoipa::path(get, path = "/workspaces/{workspace_id}/identifiers", tag = "datasets",
    security(("session" = ["viewer"]), ("api_token" = ["viewer"])),
    params(("workspace_id" = String, Path)), responses((status = 200, body = Identifiers)))]
pub async fn list(State(state): State<AppState>, cap: WorkspaceViewer) -> ApiResult<Json<Identifiers>> {
    Ok(Json(listing(&state.db.scoped(&cap)).await?))
}

/// Owners: train an identifier that knows the default's 205 languages and those of a dataset
/// version whose examples declare their language. Answers with the job; the identifier's held-out
/// accuracy per language is in the listing when it is done.
#[utoipa::path(post, path = "/workspaces/{workspace_id}/identifiers", tag = "datasets",
    security(("session" = ["owner"]), ("api_token" = ["owner"])),
    params(("workspace_id" = String, Path)), request_body = TrainIdentifier,
    responses((status = 202, body = Job), (status = 422, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    cap: WorkspaceOwner,
    ApiJson(req): ApiJson<TrainIdentifier>,
) -> ApiResult<(StatusCode, Json<Job>)> {
    let db = state.db.scoped(&cap);
    if db.version(&req.version_id).await?.is_none() {
        return Err(invalid(
            "version_id",
            "version_not_found",
            &[],
            "the dataset version must exist in this workspace",
        ));
    }
    let id = IdentifierId::new(crate::db::new_id());
    db.insert_identifier(&id, req.name.trim(), &req.version_id, &cap.actor.user.id).await?;
    let job = TrainIdentifierJob { identifier_id: id.clone(), version_id: req.version_id };
    let answer = super::queued(&db, job, &cap.actor.user.id).await;
    match &answer {
        Ok((_, Json(job))) => db.set_identifier_job(&id, &job.id).await?,
        Err(_) => db.fail_identifier(&id).await?,
    }
    answer
}

/// Owners: the identifier the workspace's profiles use from now on (`null`: the default). Profiles
/// made before keep saying which identifier made them.
#[utoipa::path(put, path = "/workspaces/{workspace_id}/identifier", tag = "datasets",
    security(("session" = ["owner"]), ("api_token" = ["owner"])),
    params(("workspace_id" = String, Path)), request_body = UseIdentifier,
    responses((status = 200, body = Identifiers), (status = 422, body = Problem)))]
pub async fn choose(
    State(state): State<AppState>,
    cap: WorkspaceOwner,
    ApiJson(req): ApiJson<UseIdentifier>,
) -> ApiResult<Json<Identifiers>> {
    let db = state.db.scoped(&cap);
    if let Some(id) = &req.identifier_id {
        match db.identifier(id).await? {
            Some(i) if i.state == IdentifierState::Ready => {}
            Some(_) => {
                return Err(invalid(
                    "identifier_id",
                    "identifier_not_ready",
                    &[],
                    "this identifier has not finished training",
                ));
            }
            None => return Err(ApiError::NotFound),
        }
    }
    db.use_identifier(req.identifier_id.as_ref()).await?;
    Ok(Json(listing(&db).await?))
}
