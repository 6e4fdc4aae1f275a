//! Route handlers, one file per resource. Paths here are relative to `/api/v1`.

pub mod audit;
pub mod blobs;
pub mod datasets;
pub mod evaluations;
pub mod health;
pub mod identifiers;
pub mod invitations;
pub mod jobs;
pub mod members;
pub mod mixtures;
pub mod models;
pub mod session;
pub mod setup;
pub mod tokens;
pub mod uploads;
pub mod workers;
pub mod workspaces;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// A 422 naming one field.
fn invalid(path: &str, message: impl Into<String>) -> ApiError {
    ApiError::Validation(vec![polytune_api::FieldError::new(path, message)])
}

/// A 422 naming the field whose file the data pipeline refused: the error's stable code and
/// named args (for a client that words it itself) with its English message.
fn invalid_data(path: &str, e: &polytune_data::DataError) -> ApiError {
    ApiError::Validation(vec![polytune_api::FieldError::coded(path, e.code(), e.args(), e.to_string())])
}

/// Queues a job for a route that answers with it (202 and the job to follow).
async fn queued<S: polytune_api::JobSpec>(
    db: &crate::db::Scoped,
    spec: S,
    user_id: &str,
) -> ApiResult<(axum::http::StatusCode, axum::Json<polytune_api::Job>)> {
    let payload: polytune_api::JobPayload = spec.into();
    let resources = crate::jobs::validate(db, &payload).await.map_err(ApiError::Validation)?;
    let id = crate::jobs::enqueue_payload(db, &payload, user_id, resources).await?;
    let job = db.job(&id).await?.ok_or(ApiError::NotFound)?;
    Ok((axum::http::StatusCode::ACCEPTED, axum::Json(job)))
}

/// A stored blob as a local file, for code that needs a path (file readers, the engine).
fn local_blob(store: &crate::storage::BlobStore, sha: &str) -> ApiResult<std::path::PathBuf> {
    store.local_copy(sha).map(|c| c.into_path()).map_err(|e| ApiError::Internal(e.into()))
}

/// Runs blocking work (files, the engine) off the async workers.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> ApiResult<T> {
    tokio::task::spawn_blocking(f).await.map_err(|e| ApiError::Internal(anyhow::anyhow!("worker thread: {e}")))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(setup::status, setup::create))
        .routes(routes!(session::me, session::sign_in, session::sign_out))
        .routes(routes!(session::sign_out_everywhere))
        .routes(routes!(invitations::create))
        .routes(routes!(invitations::show))
        .routes(routes!(invitations::accept))
        .routes(routes!(workspaces::list, workspaces::create))
        .routes(routes!(workspaces::show, workspaces::update))
        .routes(routes!(workspaces::describe))
        .routes(routes!(members::list, members::add))
        .routes(routes!(members::update, members::remove))
        .routes(routes!(tokens::create))
        .routes(routes!(audit::workspace_log))
        .routes(routes!(audit::global_log))
        .routes(routes!(jobs::create, jobs::list))
        .routes(routes!(jobs::show))
        .routes(routes!(jobs::cancel))
        .routes(routes!(jobs::retry))
        .routes(routes!(jobs::file))
        .routes(routes!(workers::list))
        .routes(routes!(uploads::create_upload))
        .routes(routes!(uploads::upload_status))
        .routes(routes!(datasets::inspect))
        .routes(routes!(datasets::create, datasets::list))
        .routes(routes!(datasets::show, datasets::delete))
        .routes(routes!(datasets::skip_bad_records))
        .routes(routes!(datasets::create_profile))
        .routes(routes!(datasets::profile))
        .routes(routes!(datasets::example))
        .routes(routes!(datasets::derive))
        .routes(routes!(mixtures::catalog))
        .routes(routes!(mixtures::list, mixtures::create))
        .routes(routes!(mixtures::show))
        .routes(routes!(mixtures::preview_augmentation))
        .routes(routes!(mixtures::templates, mixtures::create_template))
        .routes(routes!(mixtures::update_template, mixtures::delete_template))
        .routes(routes!(mixtures::evaluation_sets, mixtures::add_evaluation_set))
        .routes(routes!(mixtures::remove_evaluation_set))
        .routes(routes!(mixtures::compute))
        .routes(routes!(mixtures::count_tokens))
        .routes(routes!(identifiers::list, identifiers::create))
        .routes(routes!(identifiers::choose))
        .routes(routes!(evaluations::tasks))
        .routes(routes!(evaluations::estimate))
        .routes(routes!(evaluations::list, evaluations::create))
        .routes(routes!(evaluations::show))
        .routes(routes!(evaluations::items))
        .routes(routes!(evaluations::compare))
        .routes(routes!(evaluations::export))
}

/// Long-lived requests (uploads, event streams): kept out of the request timeout.
pub fn streams() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(blobs::upload))
        .routes(routes!(uploads::upload_chunk))
        .routes(routes!(datasets::export))
        .routes(routes!(datasets::examples))
        .routes(routes!(uploads::server_import))
        .routes(routes!(models::list, models::register))
        .routes(routes!(models::create_tiny))
        .routes(routes!(models::catalog))
        .routes(routes!(models::fetch))
        .routes(routes!(models::show))
        .routes(routes!(models::generate))
        .routes(routes!(models::generate_stream))
        .routes(routes!(models::loglikelihood))
        .routes(routes!(models::inference_status))
        .routes(routes!(models::runs, models::create_run))
        .routes(routes!(models::run))
        .routes(routes!(models::export_run))
        .routes(routes!(jobs::job_events))
        .routes(routes!(jobs::workspace_events))
}
